// sin(u) * cos(u) anywhere in a product chain becomes one table of sin(x)*cos(x) = sin(2x)/2
// (period pi) in bits indexing; hls4ml indexing keeps hls4ml's two tables and the product.
// RUN: symc-opt %s -p 'sym-approximate-lut{precision="ap_fixed<10,4>" entries=8}' | filecheck %s --check-prefix=BITS
// RUN: symc-opt %s -p 'sym-approximate-lut{precision="ap_fixed<10,4>" entries=8 indexing=hls4ml}' | filecheck %s --check-prefix=HLS

sym.kernel @top(%x : !sym.real, %y : !sym.real) -> (p) attributes {input_ranges = [#sym.interval<-2.0, 2.0>, #sym.interval<-1.0, 1.0>]} {
  %s = sym.sin %x {range = #sym.interval<-1.0, 1.0>} : (!sym.real) -> !sym.real
  %a = sym.mul %y, %s {range = #sym.interval<-1.0, 1.0>} : (!sym.real, !sym.real) -> !sym.real
  %c = sym.cos %x {range = #sym.interval<-1.0, 1.0>} : (!sym.real) -> !sym.real
  %p = sym.mul %a, %c {range = #sym.interval<-1.0, 1.0>} : (!sym.real, !sym.real) -> !sym.real
  sym.output %p : !sym.real
}

// The chain y * sin(x) * cos(x) keeps y and gets one periodic table over [0, pi); the range
// analysis runs again, so the product's range narrows to about [-1/2, 1/2].
// BITS:      %[[SC:.*]] = sym.lut %x {range = #sym.interval<{{.*}}>, function = "sincos", indexing = "bits", entries = 8 : i64, domain = #sym.interval<0.0, 3.14159
// BITS-SAME:   periodic = 1 : i64
// BITS-NEXT: %p = sym.mul %y, %[[SC]] {range = #sym.interval<-0.5{{[0-9]*}}, 0.5{{[0-9]*}}>}
// BITS-NOT:  sym.sin
// BITS-NOT:  sym.cos
// BITS:      sym.output %p

// HLS:      sym.lut %x {{.*}}function = "sin", indexing = "hls4ml"
// HLS:      sym.lut %x {{.*}}function = "cos", indexing = "hls4ml"
// HLS:      %p = sym.mul
