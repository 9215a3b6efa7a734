// The legalized kernel printed as HLS C++ by the hls target (symc/backends/hls.py): ports,
// pragmas, every value with its exact ap_fixed type, casts with their modes, and a table.
// RUN: symc-opt %s -p 'sym-canonicalize,sym-range-analysis,sym-approximate-lut,sym-legalize-fixed' -t hls | filecheck %s
// RUN: symc-opt %s -p 'sym-canonicalize,sym-range-analysis,sym-approximate-lut,sym-legalize-fixed{precision="ap_fixed<10,4,AP_RND,AP_SAT>"}' -t hls | filecheck %s --check-prefix=SAT
// RUN: symc-opt %s -p 'sym-canonicalize,sym-range-analysis,sym-approximate-lut{indexing="bits"},sym-legalize-fixed' -t hls | filecheck %s --check-prefix=LUT
// RUN: not symc-opt %s -t hls 2>&1 | filecheck %s --check-prefix=REAL

sym.kernel @poly(%x0 : !sym.real, %new : !sym.real) -> (y0, y1) attributes {input_ranges = [#sym.interval<-4.0, 4.0>, #sym.interval<-1.0, 1.0>]} {
  %c = sym.const 0.5 : !sym.real
  %p = sym.pow %x0, 2 : (!sym.real) -> !sym.real
  %h = sym.mul %c, %p : (!sym.real, !sym.real) -> !sym.real
  %m = sym.mul %x0, %new : (!sym.real, !sym.real) -> !sym.real
  %s = sym.sub %m, %h : (!sym.real, !sym.real) -> !sym.real
  %t = sym.sin %x0 : (!sym.real) -> !sym.real
  sym.output %s, %t : !sym.real, !sym.real
}

// The C++ keyword `new` is not a C++ name: the port is renamed.
// CHECK:      typedef ap_fixed<16,6> input_t;
// CHECK-NEXT: typedef ap_fixed<16,6> result_t;
// CHECK:      void poly(const input_t x[N_INPUTS], result_t y[N_OUTPUTS]);
// CHECK:      #include "poly.h"
// CHECK:      void poly(const input_t x[N_INPUTS], result_t y[N_OUTPUTS]) {
// CHECK-NEXT: #pragma HLS PIPELINE II=1
// CHECK-NEXT: #pragma HLS ARRAY_PARTITION variable=x complete dim=0
// CHECK-NEXT: #pragma HLS ARRAY_PARTITION variable=y complete dim=0
// CHECK:        const input_t x0 = x[0];
// CHECK-NEXT:   const input_t new_ = x[1];
// CHECK-NEXT:   const ap_fixed<16,6> c = 0.5;
// CHECK-NEXT:   const ap_fixed<32,12> p = x0 * x0;
// CHECK-NEXT:   const ap_fixed<48,18> h = c * p;
// CHECK-NEXT:   const ap_fixed<32,12> m = x0 * new_;
// CHECK-NEXT:   const ap_fixed<49,19> s = m - h;
// CHECK:        const ap_fixed<16,6> [[Y:.*]] = s;
// CHECK-NEXT:   y[0] = [[Y]];
// CHECK-NEXT:   y[1] = t;
// CHECK-NEXT: }

// Rounding and saturation are the cast's template modes.
// SAT: typedef ap_fixed<10,4> input_t;
// SAT: const ap_fixed<{{[0-9]+,[0-9]+}}> s = m - h;
// SAT: const ap_fixed<10,4,AP_RND,AP_SAT> {{.*}} = s;

// The sin table: raw values as in the IR, indexed by bits of x0 * (1/2pi) (the constant with
// 10 + 4 + 5 fractional bits: 1024 entries, |x0| < 32).
// LUT: static const short sin_table[1024] = {
// LUT-NEXT: 3, 9, 16, 22, 28,
// LUT: const ap_fixed<33,4> t_turns = x0 * ap_ufixed<17,-2>(0.15915489196777344);
// LUT-NEXT: const ap_uint<10> t_index = ap_uint<10>(t_turns.range(28, 19));
// LUT-NEXT: const ap_fixed<16,6> t = from_raw<ap_fixed<16,6> >(sin_table[t_index]);

// REAL: the HLS printer needs a legalized kernel: input 'x0' is !sym.real
