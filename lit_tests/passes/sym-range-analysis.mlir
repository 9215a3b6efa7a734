// RUN: symc-opt %s --split-input-file -p sym-range-analysis | filecheck %s

// Arithmetic: exact bounds stay exact, inexact ones are rounded outward (-4 + 0.1 is below
// -3.9, so the bound is the float below it).
// Block arguments get no attribute: their ranges are the kernel's input_ranges.
sym.kernel @arith(%x : !sym.real, %y : !sym.real) -> (a, s, m, q, d, n, b, lo, hi, p, r) attributes {input_ranges = [#sym.interval<-4.0, 4.0>, #sym.interval<0.1, 2.0>]} {
  %c = sym.const 3.0 : !sym.real
  %a = sym.add %x, %y : (!sym.real, !sym.real) -> !sym.real
  %s = sym.sub %x, %y : (!sym.real, !sym.real) -> !sym.real
  %m = sym.mul %x, %y : (!sym.real, !sym.real) -> !sym.real
  %q = sym.mul %x, %x : (!sym.real, !sym.real) -> !sym.real
  %d = sym.div %x, %y : (!sym.real, !sym.real) -> !sym.real
  %n = sym.neg %y : (!sym.real) -> !sym.real
  %b = sym.abs %s : (!sym.real) -> !sym.real
  %lo = sym.min %x, %y : (!sym.real, !sym.real) -> !sym.real
  %hi = sym.max %x, %y : (!sym.real, !sym.real) -> !sym.real
  %p = sym.pow %x, 3 : (!sym.real) -> !sym.real
  %r = sym.mul %y, %c : (!sym.real, !sym.real) -> !sym.real
  sym.output %a, %s, %m, %q, %d, %n, %b, %lo, %hi, %p, %r : !sym.real, !sym.real, !sym.real, !sym.real, !sym.real, !sym.real, !sym.real, !sym.real, !sym.real, !sym.real, !sym.real
}
// CHECK-LABEL: sym.kernel @arith(%x: !sym.real, %y: !sym.real)
// CHECK-NEXT:    %c = sym.const 3.0 {range = #sym.interval<3.0, 3.0>} : !sym.real
// CHECK-NEXT:    %a = sym.add %x, %y {range = #sym.interval<-3.9000000000000004, 6.0>}
// CHECK-NEXT:    %s = sym.sub %x, %y {range = #sym.interval<-6.0, 3.9000000000000004>}
// CHECK-NEXT:    %m = sym.mul %x, %y {range = #sym.interval<-8.0, 8.0>}
// CHECK-NEXT:    %q = sym.mul %x, %x {range = #sym.interval<0.0, 16.0>}
// CHECK-NEXT:    %d = sym.div %x, %y {range = #sym.interval<-40.0, 40.0>}
// CHECK-NEXT:    %n = sym.neg %y {range = #sym.interval<-2.0, -0.1>}
// CHECK-NEXT:    %b = sym.abs %s {range = #sym.interval<0.0, 6.0>}
// CHECK-NEXT:    %lo = sym.min %x, %y {range = #sym.interval<-4.0, 2.0>}
// CHECK-NEXT:    %hi = sym.max %x, %y {range = #sym.interval<0.1, 4.0>}
// CHECK-NEXT:    %p = sym.pow %x, 3 {range = #sym.interval<-64.0, 64.0>}
// CHECK-NEXT:    %r = sym.mul %y, %c {range = #sym.interval<0.3, 6.0>}
// CHECK-NEXT:    sym.output

// -----

// Elementary functions: monotone ones map their endpoints (a few ulps outward, for the C
// library's error; hence the regular expressions) except at exact points (sin(0) = 0, exp(0) = 1,
// log(1) = 0; sqrt is correctly rounded); sin and cos reach +-1 only where the argument
// interval holds a peak.
sym.kernel @elementary(%x : !sym.real, %y : !sym.real, %z : !sym.real) -> (s0, s1, c0, c1, t, th, e, l, q) attributes {input_ranges = [#sym.interval<0.0, 1.0>, #sym.interval<1.0, 4.0>, #sym.interval<-8.0, 8.0>]} {
  %s0 = sym.sin %x : (!sym.real) -> !sym.real
  %s1 = sym.sin %y : (!sym.real) -> !sym.real
  %c0 = sym.cos %x : (!sym.real) -> !sym.real
  %c1 = sym.cos %z : (!sym.real) -> !sym.real
  %t = sym.tan %x : (!sym.real) -> !sym.real
  %th = sym.tanh %z : (!sym.real) -> !sym.real
  %e = sym.exp %x : (!sym.real) -> !sym.real
  %l = sym.log %y : (!sym.real) -> !sym.real
  %q = sym.sqrt %y : (!sym.real) -> !sym.real
  sym.output %s0, %s1, %c0, %c1, %t, %th, %e, %l, %q : !sym.real, !sym.real, !sym.real, !sym.real, !sym.real, !sym.real, !sym.real, !sym.real, !sym.real
}
// CHECK-LABEL: sym.kernel @elementary
// CHECK-NEXT:    %s0 = sym.sin %x {range = #sym.interval<0.0, {{0\.84147098480789[0-9]*}}>}
// CHECK-NEXT:    %s1 = sym.sin %y {range = #sym.interval<{{-0\.75680249530792[0-9]*}}, 1.0>}
// CHECK-NEXT:    %c0 = sym.cos %x {range = #sym.interval<{{0\.54030230586813[0-9]*}}, 1.0>}
// CHECK-NEXT:    %c1 = sym.cos %z {range = #sym.interval<-1.0, 1.0>}
// CHECK-NEXT:    %t = sym.tan %x {range = #sym.interval<0.0, {{1\.55740772465490[0-9]*}}>}
// CHECK-NEXT:    %th = sym.tanh %z {range = #sym.interval<{{-0\.99999977492967[0-9]*}}, {{0\.99999977492967[0-9]*}}>}
// CHECK-NEXT:    %e = sym.exp %x {range = #sym.interval<1.0, {{2\.71828182845904[0-9]*}}>}
// CHECK-NEXT:    %l = sym.log %y {range = #sym.interval<0.0, {{1\.38629436111989[0-9]*}}>}
// CHECK-NEXT:    %q = sym.sqrt %y {range = #sym.interval<1.0, 2.0>}

// -----

// Casts: the operand's range on the destination's grid (AP_TRN rounds down), then the
// overflow mode where it may not fit: AP_WRAP may give any value of the format, AP_SAT clamps.
sym.kernel @cast(%x : !sym.fixed<16, 6>) -> (a, b, c, d) attributes {input_ranges = [#sym.interval<-4.0, 4.0>]} {
  %one = sym.const 1536 : !sym.fixed<16, 6>
  %sq = sym.mul %x, %x : (!sym.fixed<16, 6>, !sym.fixed<16, 6>) -> !sym.fixed<32, 12>
  %a = sym.cast %sq AP_TRN AP_WRAP : (!sym.fixed<32, 12>) -> !sym.fixed<16, 6>
  %b = sym.cast %sq AP_TRN AP_WRAP : (!sym.fixed<32, 12>) -> !sym.fixed<16, 4>
  %c = sym.cast %sq AP_RND AP_SAT : (!sym.fixed<32, 12>) -> !sym.fixed<16, 4>
  %d = sym.add %a, %one : (!sym.fixed<16, 6>, !sym.fixed<16, 6>) -> !sym.fixed<17, 7>
  sym.output %a, %b, %c, %d : !sym.fixed<16, 6>, !sym.fixed<16, 4>, !sym.fixed<16, 4>, !sym.fixed<17, 7>
}
// CHECK-LABEL: sym.kernel @cast
// CHECK-NEXT:    %one = sym.const 1536 {range = #sym.interval<1.5, 1.5>} : !sym.fixed<16, 6>
// CHECK-NEXT:    %sq = sym.mul %x, %x {range = #sym.interval<0.0, 16.0>}
// CHECK-NEXT:    %a = sym.cast %sq AP_TRN AP_WRAP {range = #sym.interval<0.0, 16.0>}
// CHECK-NEXT:    %b = sym.cast %sq AP_TRN AP_WRAP {range = #sym.interval<-8.0, 7.999755859375>}
// CHECK-NEXT:    %c = sym.cast %sq AP_RND AP_SAT {range = #sym.interval<0.0, 7.999755859375>}
// CHECK-NEXT:    %d = sym.add %a, %one {range = #sym.interval<1.5, 17.5>}
