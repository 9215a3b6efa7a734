// Diagnostics of sym-range-analysis: one case per chunk, each error printed in place of its output.
// RUN: symc-opt %s --split-input-file --verify-diagnostics -p sym-range-analysis | filecheck %s

// x - 1 may be 0 (and below) when x is in [0, 4].
sym.kernel @k(%x : !sym.real) -> (y) attributes {input_ranges = [#sym.interval<0.0, 4.0>]} {
  %one = sym.const 1.0 : !sym.real
  %d = sym.sub %x, %one : (!sym.real, !sym.real) -> !sym.real
  %y = sym.log %d : (!sym.real) -> !sym.real loc("model.py":3:9)
  sym.output %y : !sym.real
}
// CHECK: log of a value that may be <= 0: range [-1.0, 3.0] (sym.log at model.py:3:9)

// -----

sym.kernel @k(%x : !sym.real) -> (y) attributes {input_ranges = [#sym.interval<-1.0, 4.0>]} {
  %y = sym.sqrt %x : (!sym.real) -> !sym.real
  sym.output %y : !sym.real
}
// CHECK: sqrt of a value that may be < 0: range [-1.0, 4.0] (sym.sqrt)

// -----

sym.kernel @k(%x : !sym.real, %z : !sym.real) -> (y) attributes {input_ranges = [#sym.interval<1.0, 2.0>, #sym.interval<-0.5, 0.5>]} {
  %y = sym.div %x, %z : (!sym.real, !sym.real) -> !sym.real
  sym.output %y : !sym.real
}
// CHECK: division by a value that may be 0: range [-0.5, 0.5] (sym.div)

// -----

sym.kernel @k(%x : !sym.real) -> (y) attributes {input_ranges = [#sym.interval<1.0, 2.0>]} {
  %y = sym.tan %x : (!sym.real) -> !sym.real
  sym.output %y : !sym.real
}
// CHECK: tan of a value that may reach a pole pi/2 + k*pi: range [1.0, 2.0] (sym.tan)

// -----

sym.kernel @k(%x : !sym.real) -> (y) attributes {input_ranges = [#sym.interval<-1.0e200, 1.0e200>]} {
  %y = sym.mul %x, %x : (!sym.real, !sym.real) -> !sym.real
  sym.output %y : !sym.real
}
// CHECK: range of sym.mul overflows float64; operand ranges [-1e+200, 1e+200], [-1e+200, 1e+200]

// -----

sym.kernel @k(%x : !sym.real) -> (y) {
  %y = sym.exp %x : (!sym.real) -> !sym.real
  sym.output %y : !sym.real
}
// CHECK: sym-range-analysis needs input ranges: kernel @k has no input_ranges
