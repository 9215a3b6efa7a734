// RUN: symc-opt %s -p sym-narrow | filecheck %s

sym.kernel @top(%x0 : !sym.fixed<16, 6>, %x1 : !sym.fixed<16, 6>) -> (y0, y1, y2, y3) {
  %h = sym.const 512 : !sym.fixed<16, 6>
  %c = sym.const 768 : !sym.fixed<16, 6>
  %m = sym.mul %x0, %x1 : (!sym.fixed<16, 6>, !sym.fixed<16, 6>) -> !sym.fixed<32, 12>
  %k = sym.mul %h, %x0 : (!sym.fixed<16, 6>, !sym.fixed<16, 6>) -> !sym.fixed<32, 12>
  %s = sym.sub %m, %k : (!sym.fixed<32, 12>, !sym.fixed<32, 12>) -> !sym.fixed<33, 13>
  %y0 = sym.cast %s {overflow = "AP_WRAP", quant = "AP_TRN"} : (!sym.fixed<33, 13>) -> !sym.fixed<16, 6>
  %q = sym.mul %x1, %x1 : (!sym.fixed<16, 6>, !sym.fixed<16, 6>) -> !sym.fixed<32, 12>
  %r = sym.add %q, %x0 : (!sym.fixed<32, 12>, !sym.fixed<16, 6>) -> !sym.fixed<33, 13>
  %y1 = sym.cast %r {overflow = "AP_SAT", quant = "AP_TRN"} : (!sym.fixed<33, 13>) -> !sym.fixed<16, 6>
  %t = sym.mul %c, %h : (!sym.fixed<16, 6>, !sym.fixed<16, 6>) -> !sym.fixed<32, 12>
  %u = sym.add %t, %m : (!sym.fixed<32, 12>, !sym.fixed<32, 12>) -> !sym.fixed<33, 13>
  %y2 = sym.cast %u {overflow = "AP_WRAP", quant = "AP_RND"} : (!sym.fixed<33, 13>) -> !sym.fixed<8, 3>
  %v = sym.mul %x1, %c : (!sym.fixed<16, 6>, !sym.fixed<16, 6>) -> !sym.fixed<32, 12>
  %y3 = sym.cast %v {overflow = "AP_WRAP", quant = "AP_RND_ZERO"} : (!sym.fixed<32, 12>) -> !sym.fixed<16, 6>
  sym.output %y0, %y1, %y2, %y3 : !sym.fixed<16, 6>, !sym.fixed<16, 6>, !sym.fixed<8, 3>, !sym.fixed<16, 6>
}

// y0 wraps to 6 integer bits, so s is needed modulo 2**6, and so are m and k: their high 6 bits
// go (a slice). s itself feeds only wrapping casts and keeps its bits. k = 0.5 * x0: 0.5 has 9
// trailing zero bits, so x0 is needed up to 6 + 10 - 9 = 7 integer bits (it has 6: unchanged).
// c * h is folded: 768 * 512 = 393216 in ap_fixed<32,12>; y2 rounds (AP_RND commutes with
// wrapping) into 3 integer bits, so the folded constant is re-emitted with 3.
// The saturating y1 and the sign-dependent AP_RND_ZERO of y3 need whole values: r, q, v stay.
// CHECK:      %h = sym.const 512 : !sym.fixed<16, 6>
// CHECK-NEXT: %c = sym.const 768 : !sym.fixed<16, 6>
// CHECK-NEXT: %m = sym.mul %x0, %x1 : (!sym.fixed<16, 6>, !sym.fixed<16, 6>) -> !sym.fixed<32, 12>
// CHECK-NEXT: %0 = sym.cast %m {overflow = "AP_WRAP", quant = "AP_TRN"} : (!sym.fixed<32, 12>) -> !sym.fixed<26, 6>
// CHECK-NEXT: %k = sym.mul %h, %x0 : (!sym.fixed<16, 6>, !sym.fixed<16, 6>) -> !sym.fixed<32, 12>
// CHECK-NEXT: %1 = sym.cast %k {overflow = "AP_WRAP", quant = "AP_TRN"} : (!sym.fixed<32, 12>) -> !sym.fixed<26, 6>
// CHECK-NEXT: %s = sym.sub %0, %1 : (!sym.fixed<26, 6>, !sym.fixed<26, 6>) -> !sym.fixed<27, 7>
// CHECK-NEXT: %y0 = sym.cast %s {overflow = "AP_WRAP", quant = "AP_TRN"} : (!sym.fixed<27, 7>) -> !sym.fixed<16, 6>
// CHECK-NEXT: %q = sym.mul %x1, %x1 : (!sym.fixed<16, 6>, !sym.fixed<16, 6>) -> !sym.fixed<32, 12>
// CHECK-NEXT: %r = sym.add %q, %x0 : (!sym.fixed<32, 12>, !sym.fixed<16, 6>) -> !sym.fixed<33, 13>
// CHECK-NEXT: %y1 = sym.cast %r {overflow = "AP_SAT", quant = "AP_TRN"} : (!sym.fixed<33, 13>) -> !sym.fixed<16, 6>
// CHECK-NEXT: %t = sym.const 393216 : !sym.fixed<23, 3>
// CHECK-NEXT: %u = sym.add %t, %0 : (!sym.fixed<23, 3>, !sym.fixed<26, 6>) -> !sym.fixed<27, 7>
// CHECK-NEXT: %y2 = sym.cast %u {overflow = "AP_WRAP", quant = "AP_RND"} : (!sym.fixed<27, 7>) -> !sym.fixed<8, 3>
// CHECK-NEXT: %v = sym.mul %x1, %c : (!sym.fixed<16, 6>, !sym.fixed<16, 6>) -> !sym.fixed<32, 12>
// CHECK-NEXT: %y3 = sym.cast %v {overflow = "AP_WRAP", quant = "AP_RND_ZERO"} : (!sym.fixed<32, 12>) -> !sym.fixed<16, 6>
