// RUN: symc-opt %s -p 'sym-schedule{family=xcup}' | filecheck %s
// RUN: symc-opt %s -p 'sym-schedule{family=ecp5}' | filecheck %s --check-prefix=ECP5
// RUN: symc-opt %s -p 'sym-schedule{family=xcup},convert-sym-to-hw' | filecheck %s --check-prefix=HW

// On the Xilinx families a product wider than one DSP block is a chain of blocks: the 22-bit
// operand whole on the 27-bit port, the 52-bit one in pieces of 17, 17 and (signed) 18 bits.
// A product that fits one block is left alone, and ECP5 has no chains.
sym.kernel @top(%x : !sym.fixed<22, 4>, %y : !sym.fixed<52, 8>, %z : !sym.fixed<16, 2>) -> (p, q) {
  %p = sym.mul %x, %y : (!sym.fixed<22, 4>, !sym.fixed<52, 8>) -> !sym.fixed<74, 12>
  %q = sym.mul %x, %z : (!sym.fixed<22, 4>, !sym.fixed<16, 2>) -> !sym.fixed<38, 6>
  sym.output %p, %q : !sym.fixed<74, 12>, !sym.fixed<38, 6>
}
// CHECK:      %p = sym.mul %x, %y {mul_impl = #sym<mul_impl dsp>, cascade_operand = 1 : i64, cascade_pieces = [17 : i64, 17 : i64, 18 : i64]}
// CHECK-NEXT: %q = sym.mul %x, %z {mul_impl = #sym<mul_impl dsp>} :

// ECP5:       %p = sym.mul %x, %y {mul_impl = #sym<mul_impl dsp>} :
// ECP5-NEXT:  %q = sym.mul %x, %z {mul_impl = #sym<mul_impl dsp>} :

// Each block multiplies the whole operand (sign-extended to 41 bits: 22 + 17 + 2) by its piece
// (the low ones zero-extended, the top one sign-extended) and adds the previous block's result
// shifted right by 17 (sign-extended); the product is the last result above the 17 low bits
// of each earlier one.
// HW:          %[[W:.*]] = comb.concat %{{.*}}, %x : i19, i22
// HW-NEXT:     %[[P0:.*]] = comb.extract %y from 0 : (i52) -> i17
// HW-NEXT:     %[[Z:.*]] = hw.constant 0 : i24
// HW-NEXT:     %[[B0:.*]] = comb.concat %[[Z]], %[[P0]] : i24, i17
// HW-NEXT:     %[[M0:.*]] = comb.mul %[[W]], %[[B0]] {sv.namehint = "p_block"} : i41
// HW-NEXT:     %[[L0:.*]] = comb.extract %[[M0]] from 0 : (i41) -> i17
// HW-NEXT:     %[[P1:.*]] = comb.extract %y from 17 : (i52) -> i17
// HW-NEXT:     %[[B1:.*]] = comb.concat %[[Z]], %[[P1]] : i24, i17
// HW-NEXT:     %[[M1:.*]] = comb.mul %[[W]], %[[B1]] {sv.namehint = "p_block"} : i41
// HW-NEXT:     %[[H0:.*]] = comb.extract %[[M0]] from 17 : (i41) -> i24
// HW-NEXT:     %[[S0:.*]] = comb.extract %[[H0]] from 23 : (i24) -> i1
// HW-NEXT:     %[[R0:.*]] = comb.replicate %[[S0]] : (i1) -> i17
// HW-NEXT:     %[[C0:.*]] = comb.concat %[[R0]], %[[H0]] : i17, i24
// HW-NEXT:     %[[A1:.*]] = comb.add %[[M1]], %[[C0]] {sv.namehint = "p_block"} : i41
// HW-NEXT:     %[[L1:.*]] = comb.extract %[[A1]] from 0 : (i41) -> i17
// HW-NEXT:     %[[P2:.*]] = comb.extract %y from 34 : (i52) -> i18
// HW-NEXT:     %[[S2:.*]] = comb.extract %[[P2]] from 17 : (i18) -> i1
// HW-NEXT:     %[[R2:.*]] = comb.replicate %[[S2]] : (i1) -> i23
// HW-NEXT:     %[[B2:.*]] = comb.concat %[[R2]], %[[P2]] : i23, i18
// HW-NEXT:     %[[M2:.*]] = comb.mul %[[W]], %[[B2]] {sv.namehint = "p_block"} : i41
// HW:          %[[A2:.*]] = comb.add %[[M2]], %{{.*}} {sv.namehint = "p_block"} : i41
// HW-NEXT:     %[[J:.*]] = comb.concat %[[A2]], %[[L1]], %[[L0]] : i41, i17, i17
// HW-NEXT:     %p = comb.extract %[[J]] from 0 {sv.namehint = "p"} : (i75) -> i74
// HW:          %q = comb.mul %q_lhs, %q_rhs {sv.namehint = "q"} : i38
