// Tables are data in the IR: their values, domain, entries and indexing rule are all visible.
// RUN: symc-opt %s -p 'sym-approximate-lut{precision="ap_fixed<12,5>" entries=8 indexing=hls4ml}' | filecheck %s --check-prefix=HLS
// RUN: symc-opt %s -p 'sym-approximate-lut{precision="ap_fixed<10,4>" entries=8}' | filecheck %s --check-prefix=BITS
// RUN: symc-opt %s -p 'sym-approximate-lut{precision="ap_fixed<10,4>" entries=8 interpolation=linear},sym-legalize-fixed{precision="ap_fixed<10,4>"}' | filecheck %s --check-prefix=LIN

sym.kernel @top(%x : !sym.real, %y : !sym.real) -> (s, q) attributes {input_ranges = [#sym.interval<-8.0, 8.0>, #sym.interval<1.0, 2.0>]} {
  %s = sym.sin %x {range = #sym.interval<-1.0, 1.0>} : (!sym.real) -> !sym.real
  %q = sym.div %x, %y {range = #sym.interval<-8.0, 8.0>} : (!sym.real, !sym.real) -> !sym.real
  sym.output %s, %q : !sym.real, !sym.real
}

// hls4ml's lookup_table: start -8 (raw -1024 at 7 fractional bits); base_div = 8 / 16 truncates
// to 0 (ap_uint<16> over ap_fixed keeps no fractional bits), so hls4ml reads entry 0 for every
// x. The division becomes x times a reciprocal table over y's range [1, 2].
// HLS:      %s = sym.lut %x {{.*}}function = "sin", indexing = "hls4ml", entries = 8 : i64, domain = #sym.interval<-8.0, 8.0>
// HLS-SAME:   start = -1024 : i64
// HLS-SAME:   mult = 0 : i64, mult_frac = 4 : i64
// HLS-SAME:   table = array<i64: -127, 35, 96, -117, 0, 116, -97, -36>
// HLS:      %q = sym.lut %y {{.*}}function = "recip", indexing = "hls4ml", entries = 8 : i64
// HLS-SAME:   mult = 128 : i64
// HLS-SAME:   table = array<i64: 128, 113, 102, 93, 85, 78, 73, 68>
// HLS-NEXT: %q_1 = sym.mul %x, %q

// bits: sin is periodic, one turn indexed by the top bits of x * (1/2pi), the constant with
// 3 + 4 + 3 fractional bits (8 entries, 4 guard bits, |x| < 8):
// 163 / 1024; entries hold sin at the middle of each eighth of a turn. recip of a divisor in
// [1, 2] is normalized: its leading one at raw bit 6 or 7, entries of 1/m over [1, 2) with 7
// fractional bits, shifted back by norm_bias + p.
// BITS:      %s = sym.lut %x {{.*}}function = "sin", indexing = "bits", entries = 8 : i64, domain = #sym.interval<0.0, 6.283185307179586>
// BITS-SAME:   scale = 163 : i64, scale_frac = 10 : i64
// BITS-SAME:   shift = 13 : i64, periodic = 1 : i64, table = array<i64: 24, 59, 59, 24, -24, -59, -59, -24>, interp_bits = 0 : i64
// BITS:      %q = sym.lut %y {{.*}}function = "recip", indexing = "bits", entries = 8 : i64, domain = #sym.interval<1.0, 4.0>
// BITS-SAME:   table = array<i64: 121, 108, 98, 89, 82, 76, 71, 66>
// BITS-SAME:   value_type = !sym.fixed<7, 0, unsigned>, octaves = array<i64: 6, 7, -5, 0>

// linear: entries at the cells' edges, and after legalization the tables read and return
// ap_fixed<10,4>. The normalized recip does not interpolate (its error is relative already);
// a tables override {"recip": {"interpolation": "linear"}} would give a plain interpolated one.
// LIN:      %s = sym.lut %x {{.*}}table = array<i64: 0, 45, 64, 45, 0, -45, -64, -45>, interp_bits = 12 : i64
// LIN-SAME:   : (!sym.fixed<10, 4>) -> !sym.fixed<10, 4>
// LIN:      %q = sym.lut %y {{.*}}table = array<i64: 121, 108, 98, 89, 82, 76, 71, 66>, interp_bits = 0 : i64, value_type = !sym.fixed<7, 0, unsigned>, octaves = array<i64: 6, 7, -5, 0>
// LIN-SAME:   : (!sym.fixed<10, 4>) -> !sym.fixed<10, 4>
// LIN-NEXT: %q_1 = sym.mul %x, %q : (!sym.fixed<10, 4>, !sym.fixed<10, 4>) -> !sym.fixed<20, 8>
