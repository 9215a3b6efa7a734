// RUN: symc-opt %s --split-input-file --verify-diagnostics -p 'sym-legalize-fixed' | filecheck %s --check-prefix=SIN
// RUN: symc-opt %s --split-input-file --verify-diagnostics -p 'sym-legalize-fixed{precision="auto"}' | filecheck %s --check-prefix=NORANGE
// RUN: symc-opt %s --split-input-file --verify-diagnostics -p 'sym-legalize-fixed{precision="ap_fixed<16>"}' | filecheck %s --check-prefix=PREC
// RUN: symc-opt %s --split-input-file --verify-diagnostics -p 'sym-legalize-fixed{precision="ap_fixed<16,6>" frac_bits=3}' | filecheck %s --check-prefix=MODE

sym.kernel @top(%x : !sym.real) -> (y) {
  %s = sym.sin %x : (!sym.real) -> !sym.real
  sym.output %s : !sym.real
}
// SIN: 'sym.sin' (%s) is an elementary function: it needs the sym-approximate-lut pass

// -----

sym.kernel @top(%x : !sym.real) -> (y) {
  %s = sym.mul %x, %x : (!sym.real, !sym.real) -> !sym.real
  sym.output %s : !sym.real
}
// NORANGE: precision='auto' needs input ranges
// PREC: invalid precision 'ap_fixed<16>': wrong number of parameters for ap_fixed
// MODE: max_error and frac_bits apply only to precision='auto'
