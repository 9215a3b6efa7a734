// RUN: symc-opt %s --split-input-file -p 'sym-schedule{clock_ns=1000.0 family=ecp5 input_registers=true output_registers=true reset=true valid=true}' | filecheck %s
// RUN: symc-opt %s --split-input-file -p 'sym-schedule{clock_ns=1000.0 family=xcup}' | filecheck %s --check-prefix=ONE
// RUN: symc-opt %s --split-input-file -p 'sym-schedule{family=xcup dsp=false}' | filecheck %s --check-prefix=COMB
// RUN: not symc-opt %s --split-input-file -p 'sym-schedule{clock_ns=2.0 family=ecp5}' 2>&1 | filecheck %s --check-prefix=FAST
// RUN: not symc-opt %s --split-input-file -p 'sym-schedule{clock_ns=5.0 family=virtex}' 2>&1 | filecheck %s --check-prefix=FAMILY

// A clock slow enough for everything in one stage. Registered inputs put every op in stage 1
// and registered outputs make the latency 2; constants are wires (stage 0, never registered).
// Without a clock only the multiplier choice is written: with DSPs forbidden, the product of
// two variables is a LUT multiplier and a constant factor shifts and adds.
sym.kernel @top(%x : !sym.fixed<8, 4>, %y : !sym.fixed<8, 4>) -> (s, q) {
  %c = sym.const 3 : !sym.fixed<4, 2>
  %p = sym.mul %x, %y : (!sym.fixed<8, 4>, !sym.fixed<8, 4>) -> !sym.fixed<16, 8>
  %s = sym.add %p, %x : (!sym.fixed<16, 8>, !sym.fixed<8, 4>) -> !sym.fixed<17, 9>
  %q = sym.mul %x, %c : (!sym.fixed<8, 4>, !sym.fixed<4, 2>) -> !sym.fixed<12, 6>
  sym.output %s, %q : !sym.fixed<17, 9>, !sym.fixed<12, 6>
}
// CHECK:      sym.kernel @top(%x: !sym.fixed<8, 4>, %y: !sym.fixed<8, 4>) -> (s, q) attributes {latency = 2 : i64, clock_ns = 1.000000e+03 : f64, family = "ecp5", stage_ns = [{{.*}}], pipeline_reset, pipeline_valid} {
// CHECK-NEXT:   %c = sym.const 3 {stage = 0 : i64} : !sym.fixed<4, 2>
// CHECK-NEXT:   %p = sym.mul %x, %y {mul_impl = #sym<mul_impl dsp>, stage = 1 : i64}
// CHECK-NEXT:   %s = sym.add %p, %x {stage = 1 : i64}
// CHECK-NEXT:   %q = sym.mul %x, %c {mul_impl = #sym<mul_impl shift_add>, stage = 1 : i64}

// ONE:        attributes {latency = 0 : i64, clock_ns = 1.000000e+03 : f64, family = "xcup"
// ONE:        %p = sym.mul %x, %y {mul_impl = #sym<mul_impl dsp>, stage = 0 : i64}
// ONE-NEXT:   %s = sym.add %p, %x {stage = 0 : i64}

// COMB:       sym.kernel @top(%x: !sym.fixed<8, 4>, %y: !sym.fixed<8, 4>) -> (s, q) {
// COMB-NEXT:    %c = sym.const 3 : !sym.fixed<4, 2>
// COMB-NEXT:    %p = sym.mul %x, %y {mul_impl = #sym<mul_impl lut>}
// COMB-NEXT:    %s = sym.add %p, %x :
// COMB-NEXT:    %q = sym.mul %x, %c {mul_impl = #sym<mul_impl shift_add>}

// FAST: symc-opt: error: sym-schedule: a 2.0 ns clock is unreachable on ecp5: 'sym.mul' (%p) of ap_fixed<8,4>, ap_fixed<8,4> takes {{[0-9.]+}} ns (in the DSP blocks' registers, the path into them takes {{[0-9.]+}} ns and the path out {{[0-9.]+}} ns), and a stage has {{-?[0-9.]+}} ns after the {{[0-9.]+}} ns register overhead
// FAMILY: symc-opt: error: unknown target family 'virtex'; known families: xc7, xcup, ecp5
