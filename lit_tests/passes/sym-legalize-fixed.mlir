// RUN: symc-opt %s -p 'sym-legalize-fixed{precision="ap_fixed<12,4,AP_RND,AP_SAT>"}' | filecheck %s --check-prefix=AP
// RUN: symc-opt %s -p 'sym-range-analysis,sym-legalize-fixed{precision=auto max_error=0.01}' | filecheck %s --check-prefix=AUTO
// RUN: symc-opt %s -p 'sym-range-analysis,sym-legalize-fixed{precision=auto frac_bits=4}' | filecheck %s --check-prefix=F4

sym.kernel @top(%x0 : !sym.real, %x1 : !sym.real) -> (y0, y1) attributes {input_ranges = [#sym.interval<-4.0, 4.0>, #sym.interval<-1.0, 1.0>]} {
  %c = sym.const 0.3 : !sym.real
  %m = sym.mul %x0, %x1 : (!sym.real, !sym.real) -> !sym.real
  %k = sym.mul %c, %x0 : (!sym.real, !sym.real) -> !sym.real
  %s = sym.sub %m, %k : (!sym.real, !sym.real) -> !sym.real
  %n = sym.neg %x1 : (!sym.real) -> !sym.real
  %mx = sym.max %x0, %n : (!sym.real, !sym.real) -> !sym.real
  sym.output %s, %mx : !sym.real, !sym.real
}

// ap_fixed: inputs, constants and outputs take the type; + - * keep full precision (a product
// of two ap_fixed<12,4> is ap_fixed<24,8>); only the output casts round (AP_RND) and saturate.
// 0.3 * 2**8 = 76.8 rounds to 77.
// AP:      sym.kernel @top(%x0: !sym.fixed<12, 4>, %x1: !sym.fixed<12, 4>) -> (y0, y1)
// AP-NEXT:   %c = sym.const 77 : !sym.fixed<12, 4>
// AP-NEXT:   %m = sym.mul %x0, %x1 : (!sym.fixed<12, 4>, !sym.fixed<12, 4>) -> !sym.fixed<24, 8>
// AP-NEXT:   %k = sym.mul %c, %x0 : (!sym.fixed<12, 4>, !sym.fixed<12, 4>) -> !sym.fixed<24, 8>
// AP-NEXT:   %s = sym.sub %m, %k : (!sym.fixed<24, 8>, !sym.fixed<24, 8>) -> !sym.fixed<25, 9>
// AP-NEXT:   %n = sym.neg %x1 : (!sym.fixed<12, 4>) -> !sym.fixed<13, 5>
// AP-NEXT:   %mx = sym.max %x0, %n : (!sym.fixed<12, 4>, !sym.fixed<13, 5>) -> !sym.fixed<13, 5>
// AP-NEXT:   %0 = sym.cast %s AP_RND AP_SAT : (!sym.fixed<25, 9>) -> !sym.fixed<12, 4>
// AP-NEXT:   %1 = sym.cast %mx AP_RND AP_SAT : (!sym.fixed<13, 5>) -> !sym.fixed<12, 4>
// AP-NEXT:   sym.output %0, %1 : !sym.fixed<12, 4>, !sym.fixed<12, 4>

// auto: 9 fractional bits meet 0.01 (bound 0.00703 = 4 * 2**-9 for the constant's error, plus
// two truncations); integer bits from the ranges: x1 in [-1, 1] needs 2, x0 in [-4, 4] needs 4.
// The constant keeps the fewest bits: 77 * 2**-8, unsigned.
// AUTO:      sym.kernel @top(%x0: !sym.fixed<14, 4>, %x1: !sym.fixed<12, 2>) -> (y0, y1)
// The bounds include the inputs' own quantization (an LSB of 2**-10 each): max(x0, -x1) is
// exact arithmetic but not exact at the real inputs.
// AUTO-SAME:   error_bounds = [0.0079113006591796427 : f64, 0.0009765625 : f64]
// Each input is clamped into its range (x0 to [-4, 4] = [-4096, 4096] * 2**-10), as predict does,
// since its port holds more: then any value the port carries gives what the emulator computes.
// AUTO-NEXT:   %[[HI0:.*]] = sym.const 4096 : !sym.fixed<13, 3, unsigned>
// AUTO-NEXT:   %[[MIN0:.*]] = sym.min %x0, %[[HI0]] : (!sym.fixed<14, 4>, !sym.fixed<13, 3, unsigned>) -> !sym.fixed<14, 4>
// AUTO-NEXT:   %[[LO0:.*]] = sym.const -4096 : !sym.fixed<13, 3>
// AUTO-NEXT:   %[[X0:.*]] = sym.max %[[MIN0]], %[[LO0]] : (!sym.fixed<14, 4>, !sym.fixed<13, 3>) -> !sym.fixed<14, 4>
// AUTO-NEXT:   sym.const 1024
// AUTO-NEXT:   sym.min %x1
// AUTO-NEXT:   sym.const -1024
// AUTO-NEXT:   %[[X1:.*]] = sym.max
// AUTO-NEXT:   %c = sym.const 307 : !sym.fixed<9, -1, unsigned>
// AUTO-NEXT:   %[[P:.*]] = sym.mul %[[X0]], %[[X1]] : (!sym.fixed<14, 4>, !sym.fixed<12, 2>) -> !sym.fixed<26, 6>
// AUTO-NEXT:   %m = sym.cast %[[P]] AP_TRN AP_WRAP : (!sym.fixed<26, 6>) -> !sym.fixed<14, 4>
// AUTO-NEXT:   %[[Q:.*]] = sym.mul %c, %[[X0]] : (!sym.fixed<9, -1, unsigned>, !sym.fixed<14, 4>) -> !sym.fixed<23, 3>
// AUTO-NEXT:   %k = sym.cast %[[Q]] AP_TRN AP_WRAP : (!sym.fixed<23, 3>) -> !sym.fixed<12, 2>
// AUTO-NEXT:   %[[D:.*]] = sym.sub %m, %k : (!sym.fixed<14, 4>, !sym.fixed<12, 2>) -> !sym.fixed<15, 5>
// AUTO-NEXT:   %s = sym.cast %[[D]] AP_TRN AP_WRAP : (!sym.fixed<15, 5>) -> !sym.fixed<14, 4>
// AUTO:        sym.output %s, %mx : !sym.fixed<14, 4>, !sym.fixed<14, 4>

// frac_bits=4 fixes F; the bound is reported, whatever it is.
// F4:      sym.kernel @top(%x0: !sym.fixed<8, 4>, %x1: !sym.fixed<6, 2>) -> (y0, y1)
// F4-SAME:   error_bounds = [0.51093750000000004 : f64, 6.250000e-02 : f64]
// F4:        %c = sym.const 5 : !sym.fixed<3, -1, unsigned>
