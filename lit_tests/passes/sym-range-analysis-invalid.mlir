// Diagnostics of sym-range-analysis: one case per chunk (the first error stops symc-opt).
// RUN: awk '/^\/\/ -----/ { n++; next } n == 0' %s | not symc-opt -p sym-range-analysis 2>&1 | filecheck %s --check-prefix=LOG
// RUN: awk '/^\/\/ -----/ { n++; next } n == 1' %s | not symc-opt -p sym-range-analysis 2>&1 | filecheck %s --check-prefix=SQRT
// RUN: awk '/^\/\/ -----/ { n++; next } n == 2' %s | not symc-opt -p sym-range-analysis 2>&1 | filecheck %s --check-prefix=DIV
// RUN: awk '/^\/\/ -----/ { n++; next } n == 3' %s | not symc-opt -p sym-range-analysis 2>&1 | filecheck %s --check-prefix=TAN
// RUN: awk '/^\/\/ -----/ { n++; next } n == 4' %s | not symc-opt -p sym-range-analysis 2>&1 | filecheck %s --check-prefix=OVERFLOW
// RUN: awk '/^\/\/ -----/ { n++; next } n == 5' %s | not symc-opt -p sym-range-analysis 2>&1 | filecheck %s --check-prefix=NORANGES

// x - 1 may be 0 (and below) when x is in [0, 4].
sym.kernel @k(%x : !sym.real) -> (y) attributes {input_ranges = [#sym.interval<0.0, 4.0>]} {
  %one = sym.const 1.0 : !sym.real
  %d = sym.sub %x, %one : (!sym.real, !sym.real) -> !sym.real
  %y = sym.log %d : (!sym.real) -> !sym.real loc("model.py":3:9)
  sym.output %y : !sym.real
}
// LOG: symc-opt: error: log of a value that may be <= 0: range [-1.0, 3.0] (sym.log at model.py:3:9)

// -----

sym.kernel @k(%x : !sym.real) -> (y) attributes {input_ranges = [#sym.interval<-1.0, 4.0>]} {
  %y = sym.sqrt %x : (!sym.real) -> !sym.real
  sym.output %y : !sym.real
}
// SQRT: symc-opt: error: sqrt of a value that may be < 0: range [-1.0, 4.0] (sym.sqrt)

// -----

sym.kernel @k(%x : !sym.real, %z : !sym.real) -> (y) attributes {input_ranges = [#sym.interval<1.0, 2.0>, #sym.interval<-0.5, 0.5>]} {
  %y = sym.div %x, %z : (!sym.real, !sym.real) -> !sym.real
  sym.output %y : !sym.real
}
// DIV: symc-opt: error: division by a value that may be 0: range [-0.5, 0.5] (sym.div)

// -----

sym.kernel @k(%x : !sym.real) -> (y) attributes {input_ranges = [#sym.interval<1.0, 2.0>]} {
  %y = sym.tan %x : (!sym.real) -> !sym.real
  sym.output %y : !sym.real
}
// TAN: symc-opt: error: tan of a value that may reach a pole pi/2 + k*pi: range [1.0, 2.0] (sym.tan)

// -----

sym.kernel @k(%x : !sym.real) -> (y) attributes {input_ranges = [#sym.interval<-1.0e200, 1.0e200>]} {
  %y = sym.mul %x, %x : (!sym.real, !sym.real) -> !sym.real
  sym.output %y : !sym.real
}
// OVERFLOW: symc-opt: error: range of sym.mul overflows float64; operand ranges [-1e+200, 1e+200], [-1e+200, 1e+200]

// -----

sym.kernel @k(%x : !sym.real) -> (y) {
  %y = sym.exp %x : (!sym.real) -> !sym.real
  sym.output %y : !sym.real
}
// NORANGES: symc-opt: error: sym-range-analysis needs input ranges: kernel @k has no input_ranges
