// Diagnostics of sym-canonicalize: one case per chunk, each error printed in place of its output.
// RUN: symc-opt %s --split-input-file --verify-diagnostics -p sym-canonicalize | filecheck %s
// RUN: symc-opt %s --split-input-file --verify-diagnostics -p 'sym-canonicalize{max-exponent=65}' | filecheck %s --check-prefix=POW-OPTION

sym.kernel @k(%x : !sym.real) -> (y) {
  %zero = sym.const 0.0 : !sym.real
  %y = sym.div %x, %zero : (!sym.real, !sym.real) -> !sym.real loc("model.py":12:5)
  sym.output %y : !sym.real
}
// CHECK: division by zero: sym.div by the constant 0 at model.py:12:5

// -----

sym.kernel @k(%x : !sym.real) -> (y) {
  %y = sym.pow %x, 65 : (!sym.real) -> !sym.real
  sym.output %y : !sym.real
}
// CHECK: sym.pow exponent 65 too large (max 64): a hardware value of x**65 would need 65 times the bits of x
// POW-OPTION: sym.kernel @k
// POW-OPTION-NOT: sym.pow

// -----

sym.kernel @k(%x : !sym.real) -> (y) {
  %big = sym.const 1.0e200 : !sym.real
  %p = sym.mul %big, %big : (!sym.real, !sym.real) -> !sym.real
  %y = sym.add %x, %p : (!sym.real, !sym.real) -> !sym.real
  sym.output %y : !sym.real
}
// CHECK: constant folding sym.mul of (1e+200, 1e+200) gives inf, which is not a finite float64

// -----

sym.kernel @k(%x : !sym.real) -> (y) {
  %tiny = sym.const 5.0e-324 : !sym.real
  %y = sym.div %x, %tiny : (!sym.real, !sym.real) -> !sym.real
  sym.output %y : !sym.real
}
// CHECK: sym.div by the constant 5e-324: its reciprocal is not a finite float64
