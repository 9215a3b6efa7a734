// Diagnostics of convert-sym-to-hw: one case per chunk (the first error stops symc-opt).
// Each names the op, its location and the pass that would have removed it.
// RUN: awk '/^\/\/ -----/ { n++; next } n == 0' %s | not symc-opt -p convert-sym-to-hw 2>&1 | filecheck %s --check-prefix=SIN
// RUN: awk '/^\/\/ -----/ { n++; next } n == 1' %s | not symc-opt -p convert-sym-to-hw 2>&1 | filecheck %s --check-prefix=DIV
// RUN: awk '/^\/\/ -----/ { n++; next } n == 2' %s | not symc-opt -p convert-sym-to-hw 2>&1 | filecheck %s --check-prefix=POW
// RUN: awk '/^\/\/ -----/ { n++; next } n == 3' %s | not symc-opt -p convert-sym-to-hw 2>&1 | filecheck %s --check-prefix=REAL

sym.kernel @k(%x : !sym.real) -> (y) {
  %y = sym.sin %x : (!sym.real) -> !sym.real loc("model.py":3:7)
  sym.output %y : !sym.real
}
// SIN: symc-opt: error: convert-sym-to-hw: cannot convert 'sym.sin' at model.py:3:7: it has no hardware form; run sym-approximate-lut (elementary functions become tables) first

// -----

sym.kernel @k(%x : !sym.real, %z : !sym.real) -> (y) {
  %y = sym.div %x, %z : (!sym.real, !sym.real) -> !sym.real loc("model.py":4:1)
  sym.output %y : !sym.real
}
// DIV: symc-opt: error: convert-sym-to-hw: cannot convert 'sym.div' at model.py:4:1: it has no hardware form; run sym-approximate-lut (division by a variable becomes a reciprocal table) first

// -----

sym.kernel @k(%x : !sym.real) -> (y) {
  %y = sym.pow %x, 3 : (!sym.real) -> !sym.real
  sym.output %y : !sym.real
}
// POW: symc-opt: error: convert-sym-to-hw: cannot convert 'sym.pow': it has no hardware form; run sym-canonicalize (integer powers become products) first

// -----

sym.kernel @k(%x : !sym.fixed<8, 4>, %r : !sym.real) -> (y, z) {
  %y = sym.add %x, %x : (!sym.fixed<8, 4>, !sym.fixed<8, 4>) -> !sym.fixed<9, 5>
  %z = sym.mul %r, %r : (!sym.real, !sym.real) -> !sym.real loc("model.py":9:2)
  sym.output %y, %z : !sym.fixed<9, 5>, !sym.real
}
// REAL: symc-opt: error: convert-sym-to-hw: cannot convert 'sym.mul' at model.py:9:2: it has a !sym.real value, not fixed point; run sym-legalize-fixed first
