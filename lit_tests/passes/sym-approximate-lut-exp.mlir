// exp with range reduction: exp(x) = 2**k * 2**f with t = x * log2(e), k its integer part and
// f its fraction. The table holds 2**f over one unit of t (one octave of exp), in a wider entry
// format (value_type); the hardware scales the entry by 2**k with a rounding shift.
// RUN: symc-opt %s -p 'sym-approximate-lut{precision="ap_fixed<10,4>" entries=8}' | filecheck %s

sym.kernel @top(%x : !sym.real, %y : !sym.real) -> (e, n) attributes {input_ranges = [#sym.interval<-4.0, 3.0>, #sym.interval<0.0, 0.5>]} {
  %e = sym.exp %x {range = #sym.interval<0.018, 20.1>} : (!sym.real) -> !sym.real
  %n = sym.exp %y {range = #sym.interval<1.0, 1.65>} : (!sym.real) -> !sym.real
  sym.output %e, %n : !sym.real, !sym.real
}

// x ranges over more than one octave of exp (7 > ln 2): reduced. The index is bits 10..12 of
// t = x * 1477 * 2**-10 (log2 e, with 3 + 4 + 3 fractional bits) at 6 + 10 fractional bits; entries are 2**((i + 0.5)/8)
// with 10 fractional bits (1069 = 2**(1/16) * 1024). ap_fixed<10,4> holds at most 7.98, so from
// k = 3 on every output saturates (exp_max); exp_bias = 4 keeps a guard bit below the LSB. The
// result's range is the outputs at the argument's ends: one LSB at -4, saturated at 3.
// CHECK:      %e = sym.lut %x {range = #sym.interval<0.015625, 7.984375>, function = "exp", indexing = "bits", entries = 8 : i64, domain = #sym.interval<0.0, 0.6931471805599453>
// CHECK-SAME:   scale = 1477 : i64, scale_frac = 10 : i64
// CHECK-SAME:   shift = 13 : i64, periodic = 0 : i64, table = array<i64: 1069, 1166, 1272, 1387, 1512, 1649, 1798, 1961>
// CHECK-SAME:   exp_bias = 4 : i64, exp_max = 3 : i64, value_type = !sym.fixed<12, 2, unsigned>

// y spans less than one octave: a plain table over its range serves it better.
// CHECK:      %n = sym.lut %y {{.*}}function = "exp", indexing = "bits", entries = 8 : i64, domain = #sym.interval<0.0, 0.5>
// CHECK-NOT:  exp_bias
// CHECK:      sym.output
