// RUN: symc-opt %s --split-input-file -p convert-sym-to-hw | filecheck %s

// Exact ops align their operands to the result format and compute in its width: the signed
// x is sign-extended (its MSB, replicated), the unsigned y zero-extended.
// The cast drops 3 bits with AP_RND (ties up: add the top dropped bit) into one spare bit,
// then saturates by comparing the 12-bit rounded value with ap_fixed<8,3>'s -128 and 127.
sym.kernel @top(%x : !sym.fixed<8, 4>, %y : !sym.fixed<6, 2, unsigned>) -> (s, p, c, m) {
  %s = sym.add %x, %y : (!sym.fixed<8, 4>, !sym.fixed<6, 2, unsigned>) -> !sym.fixed<9, 5>
  %p = sym.mul %x, %y {mul_impl = #sym<mul_impl dsp>} : (!sym.fixed<8, 4>, !sym.fixed<6, 2, unsigned>) -> !sym.fixed<14, 6>
  %c = sym.cast %p AP_RND AP_SAT : (!sym.fixed<14, 6>) -> !sym.fixed<8, 3>
  %m = sym.min %x, %y {minmax_impl = #sym<minmax_impl compare>} : (!sym.fixed<8, 4>, !sym.fixed<6, 2, unsigned>) -> !sym.fixed<8, 4>
  sym.output %s, %p, %c, %m : !sym.fixed<9, 5>, !sym.fixed<14, 6>, !sym.fixed<8, 3>, !sym.fixed<8, 4>
}
// CHECK:      hw.module @top(in %x: i8, in %y: i6, out s: i9, out p: i14, out c: i8, out m: i8) {
// CHECK-NEXT:   %[[XS:.*]] = comb.extract %x from 7 :  (i8) -> i1
// CHECK-NEXT:   %s_lhs = comb.concat %[[XS]], %x {sv.namehint = "s_lhs"} : i1, i8
// CHECK-NEXT:   %[[Z3:.*]] = hw.constant 0 : i3
// CHECK-NEXT:   %s_rhs = comb.concat %[[Z3]], %y {sv.namehint = "s_rhs"} : i3, i6
// CHECK-NEXT:   %s = comb.add %s_lhs, %s_rhs {sv.namehint = "s"} : i9
// CHECK-NEXT:   %[[XS6:.*]] = comb.replicate %[[XS]] : (i1) -> i6
// CHECK-NEXT:   %p_lhs = comb.concat %[[XS6]], %x {sv.namehint = "p_lhs"} : i6, i8
// CHECK-NEXT:   %[[Z8:.*]] = hw.constant 0 : i8
// CHECK-NEXT:   %p_rhs = comb.concat %[[Z8]], %y {sv.namehint = "p_rhs"} : i8, i6
// CHECK-NEXT:   %p = comb.mul %p_lhs, %p_rhs {sv.namehint = "p"} : i14
// CHECK-NEXT:   %c_kept = comb.extract %p from 3 {sv.namehint = "c_kept"} :  (i14) -> i11
// CHECK-NEXT:   %c_half = comb.extract %p from 2 {sv.namehint = "c_half"} :  (i14) -> i1
// CHECK-NEXT:   %[[KS:.*]] = comb.extract %c_kept from 10 :  (i11) -> i1
// CHECK-NEXT:   %[[K12:.*]] = comb.concat %[[KS]], %c_kept : i1, i11
// CHECK-NEXT:   %[[Z11:.*]] = hw.constant 0 : i11
// CHECK-NEXT:   %[[INC:.*]] = comb.concat %[[Z11]], %c_half : i11, i1
// CHECK-NEXT:   %c_rnd = comb.add %[[K12]], %[[INC]] {sv.namehint = "c_rnd"} : i12
// CHECK-NEXT:   %c_wrap = comb.extract %c_rnd from 0 {sv.namehint = "c_wrap"} :  (i12) -> i8
// CHECK-NEXT:   %[[MIN12:.*]] = hw.constant -128 : i12
// CHECK-NEXT:   %c_under = comb.icmp slt %c_rnd, %[[MIN12]] {sv.namehint = "c_under"} : i12
// CHECK-NEXT:   %[[MIN8:.*]] = hw.constant -128 : i8
// CHECK-NEXT:   %c_lo = comb.mux %c_under, %[[MIN8]], %c_wrap {sv.namehint = "c_lo"} : i8
// CHECK-NEXT:   %[[MAX12:.*]] = hw.constant 127 : i12
// CHECK-NEXT:   %c_over = comb.icmp sgt %c_rnd, %[[MAX12]] {sv.namehint = "c_over"} : i12
// CHECK-NEXT:   %[[MAX8:.*]] = hw.constant 127 : i8
// CHECK-NEXT:   %c = comb.mux %c_over, %[[MAX8]], %c_lo {sv.namehint = "c"} : i8
// CHECK-NEXT:   %[[Z2:.*]] = hw.constant 0 : i2
// CHECK-NEXT:   %m_rhs = comb.concat %[[Z2]], %y {sv.namehint = "m_rhs"} : i2, i6
// CHECK-NEXT:   %m_lt = comb.icmp slt %x, %m_rhs {sv.namehint = "m_lt"} : i8
// CHECK-NEXT:   %m = comb.mux %m_lt, %x, %m_rhs {sv.namehint = "m"} : i8
// CHECK-NEXT:   hw.output %s, %p, %c, %m : i9, i14, i8, i8
// CHECK-NEXT: }
// CHECK-NOT:  sym.

// -----

// neg and abs widen by one bit; abs selects on the source's sign bit. A constant is its raw
// bit pattern. Ties-to-even (AP_RND_CONV) reads the kept LSB; AP_WRAP keeps the low bits and
// needs no comparison. An unsigned value cannot be negative, so its AP_TRN_ZERO is AP_TRN.
sym.kernel @unary(%x : !sym.fixed<6, 2>, %u : !sym.fixed<6, 2, unsigned>) -> (n, a, k, r, t) {
  %n = sym.neg %x : (!sym.fixed<6, 2>) -> !sym.fixed<7, 3>
  %a = sym.abs %x : (!sym.fixed<6, 2>) -> !sym.fixed<7, 3>
  %k = sym.const -3 : !sym.fixed<4, 4>
  %r = sym.cast %x AP_RND_CONV AP_WRAP : (!sym.fixed<6, 2>) -> !sym.fixed<4, 2>
  %t = sym.cast %u AP_TRN_ZERO AP_WRAP : (!sym.fixed<6, 2, unsigned>) -> !sym.fixed<3, 2, unsigned>
  sym.output %n, %a, %k, %r, %t : !sym.fixed<7, 3>, !sym.fixed<7, 3>, !sym.fixed<4, 4>, !sym.fixed<4, 2>, !sym.fixed<3, 2, unsigned>
}
// CHECK:      hw.module @unary(in %x: i6, in %u: i6, out n: i7, out a: i7, out k: i4, out r: i4, out t: i3) {
// CHECK-NEXT:   %[[XS:.*]] = comb.extract %x from 5 :  (i6) -> i1
// CHECK-NEXT:   %n_ext = comb.concat %[[XS]], %x {sv.namehint = "n_ext"} : i1, i6
// CHECK-NEXT:   %[[Z7:.*]] = hw.constant 0 : i7
// CHECK-NEXT:   %n = comb.sub %[[Z7]], %n_ext {sv.namehint = "n"} : i7
// CHECK-NEXT:   %a_ext = comb.concat %[[XS]], %x {sv.namehint = "a_ext"} : i1, i6
// CHECK-NEXT:   %a_neg = comb.sub %[[Z7]], %a_ext {sv.namehint = "a_neg"} : i7
// CHECK-NEXT:   %a = comb.mux %[[XS]], %a_neg, %a_ext {sv.namehint = "a"} : i7
// CHECK-NEXT:   %[[K:.*]] = hw.constant -3 : i4
// CHECK-NEXT:   %r_kept = comb.extract %x from 2 {sv.namehint = "r_kept"} :  (i6) -> i4
// CHECK-NEXT:   %r_half = comb.extract %x from 1 {sv.namehint = "r_half"} :  (i6) -> i1
// CHECK-NEXT:   %[[ODD:.*]] = comb.extract %r_kept from 0 :  (i4) -> i1
// CHECK-NEXT:   %[[STICKY:.*]] = comb.extract %x from 0 :  (i6) -> i1
// CHECK-NEXT:   %[[UP:.*]] = comb.or %[[STICKY]], %[[ODD]] : i1
// CHECK-NEXT:   %r_inc = comb.and %r_half, %[[UP]] {sv.namehint = "r_inc"} : i1
// CHECK:        %r_rnd = comb.add %{{.*}}, %{{.*}} {sv.namehint = "r_rnd"} : i5
// CHECK-NEXT:   %r = comb.extract %r_rnd from 0 {sv.namehint = "r"} :  (i5) -> i4
// CHECK-NEXT:   %t_kept = comb.extract %u from 3 {sv.namehint = "t_kept"} :  (i6) -> i3
// CHECK-NEXT:   hw.output %n, %a, %[[K]], %r, %t_kept : i7, i7, i4, i4, i3
// CHECK-NEXT: }
