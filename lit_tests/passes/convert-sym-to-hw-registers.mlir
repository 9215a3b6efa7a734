// RUN: symc-opt %s --split-input-file -p convert-sym-to-hw | filecheck %s

// Stages written by sym-schedule become registers: a value read in a later stage than it was
// computed crosses one seq.compreg per stage boundary, the chain shared by its readers (x is
// read at stages 1 and 2: x_s1 feeds both the adder of stage 1 and x_s2). Outputs are read at
// the kernel's latency, so every path has the same number of registers (II = 1). Constants
// are never registered. The clock port comes first.
sym.kernel @pipe(%x : !sym.fixed<8, 4>, %y : !sym.fixed<8, 4>) -> (a, b) attributes {latency = 2 : i64} {
  %c = sym.const 5 {stage = 0 : i64} : !sym.fixed<8, 4>
  %p = sym.mul %x, %y {mul_impl = #sym<mul_impl dsp>, stage = 0 : i64} : (!sym.fixed<8, 4>, !sym.fixed<8, 4>) -> !sym.fixed<16, 8>
  %s = sym.add %p, %x {stage = 1 : i64} : (!sym.fixed<16, 8>, !sym.fixed<8, 4>) -> !sym.fixed<17, 9>
  %t = sym.sub %s, %x {stage = 2 : i64} : (!sym.fixed<17, 9>, !sym.fixed<8, 4>) -> !sym.fixed<18, 10>
  %u = sym.add %x, %c {stage = 1 : i64} : (!sym.fixed<8, 4>, !sym.fixed<8, 4>) -> !sym.fixed<9, 5>
  sym.output %t, %u : !sym.fixed<18, 10>, !sym.fixed<9, 5>
}
// CHECK:      hw.module @pipe(in %clk: !seq.clock, in %x: i8, in %y: i8, out a: i18, out b: i9) {
// CHECK:        %p = comb.mul %p_lhs, %p_rhs {sv.namehint = "p"} : i16
// CHECK-NEXT:   %p_s1 = seq.compreg %p, %clk {name = "p_s1"} : i16
// CHECK:        %x_s1 = seq.compreg %x, %clk {name = "x_s1"} : i8
// CHECK:        %s = comb.add %s_lhs, %s_rhs {sv.namehint = "s"} : i17
// CHECK-NEXT:   %s_s2 = seq.compreg %s, %clk {name = "s_s2"} : i17
// CHECK:        %x_s2 = seq.compreg %x_s1, %clk {name = "x_s2"} : i8
// CHECK:        %t = comb.sub %t_lhs, %t_rhs {sv.namehint = "t"} : i18
// CHECK:        %u = comb.add %u_lhs, %[[C:.*]] {sv.namehint = "u"} : i9
// CHECK-NEXT:   %u_s2 = seq.compreg %u, %clk {name = "u_s2"} : i9
// CHECK-NEXT:   hw.output %t, %u_s2 : i18, i9
// CHECK-NOT:  seq.compreg

// -----

// A synchronous reset clears every register to zero, and valid_in travels with the data to
// valid_out; the control ports follow the clock. A constant factor with mul_impl = #sym<mul_impl shift_add>
// becomes shifted copies added and subtracted (5 = 4 + 1).
sym.kernel @ctl(%x : !sym.fixed<8, 4>) -> (m) attributes {latency = 1 : i64, pipeline_reset, pipeline_valid} {
  %c = sym.const 5 {stage = 0 : i64} : !sym.fixed<8, 4>
  %m = sym.mul %x, %c {mul_impl = #sym<mul_impl shift_add>, stage = 0 : i64} : (!sym.fixed<8, 4>, !sym.fixed<8, 4>) -> !sym.fixed<16, 8>
  sym.output %m : !sym.fixed<16, 8>
}
// CHECK:      hw.module @ctl(in %clk: !seq.clock, in %rst: i1, in %valid_in: i1, in %x: i8, out m: i16, out valid_out: i1) {
// CHECK-NOT:    comb.mul
// CHECK:        %m = comb.add %{{.*}}, %{{.*}} {sv.namehint = "m"} : i16
// CHECK:        %m_s1 = seq.compreg %m, %clk reset %rst, %{{.*}} {name = "m_s1"} : i16
// CHECK:        %valid_s1 = seq.compreg %valid_in, %clk reset %rst, %{{.*}} {name = "valid_s1"} : i1
// CHECK-NEXT:   hw.output %m_s1, %valid_s1 : i16, i1
