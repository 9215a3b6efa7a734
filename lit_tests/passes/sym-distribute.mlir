// RUN: symc-opt %s -p 'sym-distribute{clock_ns=5.0 family=xcup}' | filecheck %s
// RUN: symc-opt %s -p 'sym-distribute{clock_ns=5.0 family=xcup},sym-narrow,sym-schedule{clock_ns=5.0 family=xcup}' | filecheck %s --check-prefix=SCHED
// RUN: symc-opt %s -p 'sym-narrow,sym-schedule{clock_ns=5.0 family=xcup}' | filecheck %s --check-prefix=PLAIN
// RUN: symc-opt %s -p sym-distribute | filecheck %s --check-prefix=COMB

sym.kernel @top(%x0 : !sym.fixed<16, 6>, %x1 : !sym.fixed<16, 6>, %x2 : !sym.fixed<16, 6>, %x3 : !sym.fixed<16, 6>, %x4 : !sym.fixed<16, 6>) -> (y0, y1) {
  %a = sym.mul %x0, %x1 : (!sym.fixed<16, 6>, !sym.fixed<16, 6>) -> !sym.fixed<32, 12>
  %b = sym.mul %a, %x2 : (!sym.fixed<32, 12>, !sym.fixed<16, 6>) -> !sym.fixed<48, 18>
  %c = sym.mul %b, %x3 : (!sym.fixed<48, 18>, !sym.fixed<16, 6>) -> !sym.fixed<64, 24>
  %s = sym.add %x3, %c : (!sym.fixed<16, 6>, !sym.fixed<64, 24>) -> !sym.fixed<65, 25>
  %p = sym.mul %x4, %s : (!sym.fixed<16, 6>, !sym.fixed<65, 25>) -> !sym.fixed<81, 31>
  %h = sym.const -512 : !sym.fixed<16, 6>
  %q = sym.add %p, %h : (!sym.fixed<81, 31>, !sym.fixed<16, 6>) -> !sym.fixed<82, 32>
  %y0 = sym.cast %q AP_TRN AP_WRAP : (!sym.fixed<82, 32>) -> !sym.fixed<16, 6>
  %e = sym.sub %x0, %x1 : (!sym.fixed<16, 6>, !sym.fixed<16, 6>) -> !sym.fixed<17, 7>
  %f = sym.mul %e, %x2 : (!sym.fixed<17, 7>, !sym.fixed<16, 6>) -> !sym.fixed<33, 13>
  %y1 = sym.cast %f AP_TRN AP_WRAP : (!sym.fixed<33, 13>) -> !sym.fixed<16, 6>
  sym.output %y0, %y1 : !sym.fixed<16, 6>, !sym.fixed<16, 6>
}

// y0 = (x0*x1*x2*x3 + x3)*x4 - 0.5: the sum waits for a chain of three products, and the
// product after it spans DSP stages with the -0.5 stranded in a stage after it. x4*x3 + x4*c
// starts x4*c as soon as c is ready: 7 cycles -> 6, one more product. y1's sum of two inputs is
// ready at once: multiplying it out saves nothing, so it stays.
// CHECK:      %c = sym.mul %b, %x3
// CHECK-NEXT: %0 = sym.mul %x4, %x3 : (!sym.fixed<16, 6>, !sym.fixed<16, 6>) -> !sym.fixed<32, 12>
// CHECK-NEXT: %1 = sym.mul %x4, %c : (!sym.fixed<16, 6>, !sym.fixed<64, 24>) -> !sym.fixed<80, 30>
// CHECK-NEXT: %p = sym.add %0, %1 : (!sym.fixed<32, 12>, !sym.fixed<80, 30>) -> !sym.fixed<81, 31>
// CHECK-NEXT: %h = sym.const -512
// CHECK:      %e = sym.sub %x0, %x1
// CHECK-NEXT: %f = sym.mul %e, %x2
// SCHED: latency = 6
// PLAIN: latency = 7
// Without a clock there is nothing to save.
// COMB:      %s = sym.add %x3, %c
// COMB-NEXT: %p = sym.mul %x4, %s
