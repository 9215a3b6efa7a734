// Verifier diagnostics of the sym dialect.
// RUN: symc-opt %s --split-input-file --verify-diagnostics --parsing-diagnostics | filecheck %s

sym.kernel @k(%a : !sym.fixed<16, 6>, %b : !sym.fixed<16, 6>) -> (y) {
  %p = sym.mul %a, %b : (!sym.fixed<16, 6>, !sym.fixed<16, 6>) -> !sym.fixed<16, 6>
  sym.output %p : !sym.fixed<16, 6>
}
// CHECK: 'sym.mul' of ap_fixed<16,6> and ap_fixed<16,6> is exact only as ap_fixed<32,12>, not ap_fixed<16,6>

// -----

sym.kernel @k(%a : !sym.fixed<16, 6>, %b : !sym.real) -> (y) {
  %p = sym.add %a, %b : (!sym.fixed<16, 6>, !sym.real) -> !sym.real
  sym.output %p : !sym.real
}
// CHECK: 'sym.add' mixes !sym.real and !sym.fixed values

// -----

sym.kernel @k(%a : !sym.real) -> (y, z) {
  sym.output %a : !sym.real
}
// CHECK: kernel @k names 2 outputs but sym.output returns 1 values

// -----

sym.kernel @k(%a : !sym.real) -> (y) {
  %p = sym.pow %a, 0 : (!sym.real) -> !sym.real
  sym.output %p : !sym.real
}
// CHECK: sym.pow takes a positive integer exponent, not 0

// -----

sym.kernel @k(%a : !sym.fixed<8, 2>) -> (y) {
  %c = sym.const 1000 : !sym.fixed<8, 2>
  sym.output %c : !sym.fixed<8, 2>
}
// CHECK: raw constant 1000 does not fit ap_fixed<8,2>

// -----

sym.kernel @k(%a : !sym.fixed<16, 6>) -> (y) {
  %s = sym.sin %a : (!sym.fixed<16, 6>) -> !sym.fixed<16, 6>
  sym.output %s : !sym.fixed<16, 6>
}
// CHECK: 'sym.sin' has no exact fixed-point form; the sym-approximate-lut pass turns it into a table

// -----

sym.kernel @k(%a : !sym.fixed<16, 6>) -> (y) {
  %r = sym.cast %a AP_NEAREST AP_WRAP : (!sym.fixed<16, 6>) -> !sym.fixed<8, 2>
  sym.output %r : !sym.fixed<8, 2>
}
// CHECK: Expected `AP_TRN`, `AP_TRN_ZERO`, `AP_RND`

// -----

sym.kernel @k(%a : !sym.real, %a2 : !sym.real) -> (y, y) {
  sym.output %a, %a2 : !sym.real, !sym.real
}
// CHECK: kernel @k has duplicate output names

// -----

sym.kernel @k(%a : !sym.real) -> (y) attributes {input_ranges = [#sym.interval<2.0, 1.0>]} {
  sym.output %a : !sym.real
}
// CHECK: empty interval: 2.0 > 1.0

// -----

sym.kernel @k(%a : !sym.fixed<8, 4>, %b : !sym.fixed<8, 4>) -> (y) {
  %p = sym.mul %a, %b {mul_impl = "dsp"} : (!sym.fixed<8, 4>, !sym.fixed<8, 4>) -> !sym.fixed<16, 8>
  sym.output %p : !sym.fixed<16, 8>
}
// CHECK: 'sym.mul' (%p): mul_impl must be #sym<mul_impl dsp|lut|shift_add>, not "dsp"

// -----

sym.kernel @k(%a : !sym.fixed<8, 4>, %b : !sym.fixed<8, 4>) -> (y) {
  %p = sym.add %a, %b {stage = -1 : i64} : (!sym.fixed<8, 4>, !sym.fixed<8, 4>) -> !sym.fixed<9, 5>
  sym.output %p : !sym.fixed<9, 5>
}
// CHECK: 'sym.add' (%p): stage must be a stage (an integer >= 0), not -1 : i64

// -----

sym.kernel @k(%a : !sym.fixed<8, 4>, %b : !sym.fixed<8, 4>) -> (y) {
  %p = sym.add %a, %b {mul_impl = #sym<mul_impl lut>} : (!sym.fixed<8, 4>, !sym.fixed<8, 4>) -> !sym.fixed<9, 5>
  sym.output %p : !sym.fixed<9, 5>
}
// CHECK: 'sym.add' (%p): mul_impl applies only to sym.mul

// -----

sym.kernel @k(%a : !sym.fixed<8, 4>) -> (y) attributes {latency = "two"} {
  sym.output %a : !sym.fixed<8, 4>
}
// CHECK: kernel @k: latency must be a number of cycles (an integer >= 0), not "two"
