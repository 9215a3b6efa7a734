// Diagnostics of convert-sym-to-hw: one case per chunk, each error printed in place of its output.
// Each names the op, its location and the pass that would have removed it.
// RUN: symc-opt %s --split-input-file --verify-diagnostics -p convert-sym-to-hw | filecheck %s

sym.kernel @k(%x : !sym.real) -> (y) {
  %y = sym.sin %x : (!sym.real) -> !sym.real loc("model.py":3:7)
  sym.output %y : !sym.real
}
// CHECK: convert-sym-to-hw: cannot convert 'sym.sin' at model.py:3:7: it has no hardware form; run sym-approximate-lut (elementary functions become tables) first

// -----

sym.kernel @k(%x : !sym.real, %z : !sym.real) -> (y) {
  %y = sym.div %x, %z : (!sym.real, !sym.real) -> !sym.real loc("model.py":4:1)
  sym.output %y : !sym.real
}
// CHECK: convert-sym-to-hw: cannot convert 'sym.div' at model.py:4:1: it has no hardware form; run sym-approximate-lut (division by a variable becomes a reciprocal table) first

// -----

sym.kernel @k(%x : !sym.real) -> (y) {
  %y = sym.pow %x, 3 : (!sym.real) -> !sym.real
  sym.output %y : !sym.real
}
// CHECK: convert-sym-to-hw: cannot convert 'sym.pow': it has no hardware form; run sym-canonicalize (integer powers become products) first

// -----

sym.kernel @k(%x : !sym.fixed<8, 4>, %r : !sym.real) -> (y, z) {
  %y = sym.add %x, %x : (!sym.fixed<8, 4>, !sym.fixed<8, 4>) -> !sym.fixed<9, 5>
  %z = sym.mul %r, %r : (!sym.real, !sym.real) -> !sym.real loc("model.py":9:2)
  sym.output %y, %z : !sym.fixed<9, 5>, !sym.real
}
// CHECK: convert-sym-to-hw: cannot convert 'sym.mul' at model.py:9:2: it has a !sym.real value, not fixed point; run sym-legalize-fixed first

// -----

// A chain of DSP blocks whose top piece is wider than a block's 18-bit port (hand-written:
// sym-schedule never cuts so) would overflow its accumulators: refused, not built wrong.
sym.kernel @k(%x : !sym.fixed<22, 4>, %y : !sym.fixed<37, 8>) -> (p) {
  %p = sym.mul %x, %y {mul_impl = #sym<mul_impl dsp>, cascade_operand = 1 : i64, cascade_pieces = [17 : i64, 20 : i64]} : (!sym.fixed<22, 4>, !sym.fixed<37, 8>) -> !sym.fixed<59, 12>
  sym.output %p : !sym.fixed<59, 12>
}
// CHECK: convert-sym-to-hw: cascade pieces [17, 20] are not 17-bit pieces of the 37-bit operand of sym.mul

// -----

// A product without its multiplier kind (sym-schedule writes it): an error, never a default.
sym.kernel @k(%x : !sym.fixed<8, 4>, %y : !sym.fixed<8, 4>) -> (p) {
  %p = sym.mul %x, %y : (!sym.fixed<8, 4>, !sym.fixed<8, 4>) -> !sym.fixed<16, 8> loc("model.py":2:3)
  sym.output %p : !sym.fixed<16, 8>
}
// CHECK: 'sym.mul' (%p) at model.py:2:3 has no mul_impl: run sym-schedule first
