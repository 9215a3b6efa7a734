// Diagnostics of sym-canonicalize: one case per chunk (the first error stops symc-opt).
// RUN: awk '/^\/\/ -----/ { n++; next } n == 0' %s | not symc-opt -p sym-canonicalize 2>&1 | filecheck %s --check-prefix=ZERO
// RUN: awk '/^\/\/ -----/ { n++; next } n == 1' %s | not symc-opt -p sym-canonicalize 2>&1 | filecheck %s --check-prefix=POW
// RUN: awk '/^\/\/ -----/ { n++; next } n == 1' %s | symc-opt -p 'sym-canonicalize{max-exponent=65}' | filecheck %s --check-prefix=POW-OPTION
// RUN: awk '/^\/\/ -----/ { n++; next } n == 2' %s | not symc-opt -p sym-canonicalize 2>&1 | filecheck %s --check-prefix=OVERFLOW
// RUN: awk '/^\/\/ -----/ { n++; next } n == 3' %s | not symc-opt -p sym-canonicalize 2>&1 | filecheck %s --check-prefix=RECIPROCAL

sym.kernel @k(%x : !sym.real) -> (y) {
  %zero = sym.const 0.0 : !sym.real
  %y = sym.div %x, %zero : (!sym.real, !sym.real) -> !sym.real loc("model.py":12:5)
  sym.output %y : !sym.real
}
// ZERO: symc-opt: error: division by zero: sym.div by the constant 0 at model.py:12:5

// -----

sym.kernel @k(%x : !sym.real) -> (y) {
  %y = sym.pow %x, 65 : (!sym.real) -> !sym.real
  sym.output %y : !sym.real
}
// POW: symc-opt: error: sym.pow exponent 65 too large (max 64): a hardware value of x**65 would need 65 times the bits of x
// POW-OPTION: sym.kernel @k
// POW-OPTION-NOT: sym.pow

// -----

sym.kernel @k(%x : !sym.real) -> (y) {
  %big = sym.const 1.0e200 : !sym.real
  %p = sym.mul %big, %big : (!sym.real, !sym.real) -> !sym.real
  %y = sym.add %x, %p : (!sym.real, !sym.real) -> !sym.real
  sym.output %y : !sym.real
}
// OVERFLOW: symc-opt: error: constant folding sym.mul of (1e+200, 1e+200) gives inf, which is not a finite float64

// -----

sym.kernel @k(%x : !sym.real) -> (y) {
  %tiny = sym.const 5.0e-324 : !sym.real
  %y = sym.div %x, %tiny : (!sym.real, !sym.real) -> !sym.real
  sym.output %y : !sym.real
}
// RECIPROCAL: symc-opt: error: sym.div by the constant 5e-324: its reciprocal is not a finite float64
