// RUN: symc-opt %s -p sym-narrow | filecheck %s

sym.kernel @top(%x0 : !sym.fixed<16, 6>, %x1 : !sym.fixed<16, 6>) -> (y0, y1, y2, y3) {
  %h = sym.const 512 : !sym.fixed<16, 6>
  %c = sym.const 768 : !sym.fixed<16, 6>
  %m = sym.mul %x0, %x1 : (!sym.fixed<16, 6>, !sym.fixed<16, 6>) -> !sym.fixed<32, 12>
  %k = sym.mul %h, %x0 : (!sym.fixed<16, 6>, !sym.fixed<16, 6>) -> !sym.fixed<32, 12>
  %s = sym.sub %m, %k : (!sym.fixed<32, 12>, !sym.fixed<32, 12>) -> !sym.fixed<33, 13>
  %y0 = sym.cast %s AP_TRN AP_WRAP : (!sym.fixed<33, 13>) -> !sym.fixed<16, 6>
  %q = sym.mul %x1, %x1 : (!sym.fixed<16, 6>, !sym.fixed<16, 6>) -> !sym.fixed<32, 12>
  %r = sym.add %q, %x0 : (!sym.fixed<32, 12>, !sym.fixed<16, 6>) -> !sym.fixed<33, 13>
  %y1 = sym.cast %r AP_TRN AP_SAT : (!sym.fixed<33, 13>) -> !sym.fixed<16, 6>
  %t = sym.mul %c, %h : (!sym.fixed<16, 6>, !sym.fixed<16, 6>) -> !sym.fixed<32, 12>
  %u = sym.add %t, %m : (!sym.fixed<32, 12>, !sym.fixed<32, 12>) -> !sym.fixed<33, 13>
  %y2 = sym.cast %u AP_RND AP_WRAP : (!sym.fixed<33, 13>) -> !sym.fixed<8, 3>
  %v = sym.mul %x1, %c : (!sym.fixed<16, 6>, !sym.fixed<16, 6>) -> !sym.fixed<32, 12>
  %y3 = sym.cast %v AP_RND_ZERO AP_WRAP : (!sym.fixed<32, 12>) -> !sym.fixed<16, 6>
  sym.output %y0, %y1, %y2, %y3 : !sym.fixed<16, 6>, !sym.fixed<16, 6>, !sym.fixed<8, 3>, !sym.fixed<16, 6>
}

// Ranges first: h = 0.5 and c = 0.75 need 1 integer bit, not 6; k = 0.5 * x0 lies in [-16, 16)
// (5), v = x1 * 0.75 in [-24, 24) (6), q = x1 * x1 within +-1024 (12), t = 0.375 (0).
// y0 wraps to 6 integer bits, so s is needed modulo 2**6, and so are m and k: their high bits
// go (a slice). s itself feeds only wrapping casts and keeps its bits. c * h is folded: 768 *
// 512 = 393216 in ap_fixed<32,12>, re-emitted with the 0 integer bits 0.375 needs; y2 rounds
// (AP_RND commutes with wrapping) into 3 integer bits, so m is needed modulo 2**6 there too.
// y1 saturates: r is needed whole, but its range fits 12 integer bits, not 13; and y1 truncates
// to 10 fractional bits, which x0 already has: Q(q + x0) = Q(q) + x0, so q is truncated first
// (q_1) and the sum is 10 fractional bits wide. The sign-dependent AP_RND_ZERO of y3 keeps v's
// fractional bits; v only loses the integer bits its range does not reach.
// CHECK:      %h = sym.const 512 : !sym.fixed<11, 1>
// CHECK-NEXT: %c = sym.const 768 : !sym.fixed<11, 1>
// CHECK-NEXT: %m = sym.mul %x0, %x1 : (!sym.fixed<16, 6>, !sym.fixed<16, 6>) -> !sym.fixed<32, 12>
// CHECK-NEXT: %0 = sym.cast %m AP_TRN AP_WRAP : (!sym.fixed<32, 12>) -> !sym.fixed<26, 6>
// CHECK-NEXT: %k = sym.mul %h, %x0 : (!sym.fixed<11, 1>, !sym.fixed<16, 6>) -> !sym.fixed<27, 7>
// CHECK-NEXT: %1 = sym.cast %k AP_TRN AP_WRAP : (!sym.fixed<27, 7>) -> !sym.fixed<25, 5>
// CHECK-NEXT: %s = sym.sub %0, %1 : (!sym.fixed<26, 6>, !sym.fixed<25, 5>) -> !sym.fixed<27, 7>
// CHECK-NEXT: %y0 = sym.cast %s AP_TRN AP_WRAP : (!sym.fixed<27, 7>) -> !sym.fixed<16, 6>
// CHECK-NEXT: %q = sym.mul %x1, %x1 : (!sym.fixed<16, 6>, !sym.fixed<16, 6>) -> !sym.fixed<32, 12>
// CHECK-NEXT: %q_1 = sym.cast %q AP_TRN AP_WRAP : (!sym.fixed<32, 12>) -> !sym.fixed<22, 12>
// CHECK-NEXT: %2 = sym.add %q_1, %x0 : (!sym.fixed<22, 12>, !sym.fixed<16, 6>) -> !sym.fixed<23, 13>
// CHECK-NEXT: %3 = sym.cast %2 AP_TRN AP_WRAP : (!sym.fixed<23, 13>) -> !sym.fixed<22, 12>
// CHECK-NEXT: %y1 = sym.cast %3 AP_TRN AP_SAT : (!sym.fixed<22, 12>) -> !sym.fixed<16, 6>
// CHECK-NEXT: %t = sym.const 393216 : !sym.fixed<20, 0>
// CHECK-NEXT: %u = sym.add %t, %0 : (!sym.fixed<20, 0>, !sym.fixed<26, 6>) -> !sym.fixed<27, 7>
// CHECK-NEXT: %y2 = sym.cast %u AP_RND AP_WRAP : (!sym.fixed<27, 7>) -> !sym.fixed<8, 3>
// CHECK-NEXT: %v = sym.mul %x1, %c : (!sym.fixed<16, 6>, !sym.fixed<11, 1>) -> !sym.fixed<27, 7>
// CHECK-NEXT: %4 = sym.cast %v AP_TRN AP_WRAP : (!sym.fixed<27, 7>) -> !sym.fixed<26, 6>
// CHECK-NEXT: %y3 = sym.cast %4 AP_RND_ZERO AP_WRAP : (!sym.fixed<26, 6>) -> !sym.fixed<16, 6>
