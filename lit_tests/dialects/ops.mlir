// Round trip of every sym op: print, parse and print again gives the same text.
// RUN: symc-opt %s | symc-opt | filecheck %s
// RUN: symc-opt %s > %t.1.mlir && symc-opt %t.1.mlir > %t.2.mlir && diff %t.1.mlir %t.2.mlir

sym.kernel @top(%x0 : !sym.real, %x1 : !sym.real) -> (y0, out) attributes {input_ranges = [#sym.interval<-4.0, 4.0>, #sym.interval<-1.0e-05, 2.5>]} {
  %c = sym.const 1.5 : !sym.real
  %a = sym.add %x0, %x1 : (!sym.real, !sym.real) -> !sym.real
  %s = sym.sub %a, %c {range = #sym.interval<-6.5, 5.0>} : (!sym.real, !sym.real) -> !sym.real
  %m = sym.mul %s, %x1 : (!sym.real, !sym.real) -> !sym.real
  %d = sym.div %m, %x0 : (!sym.real, !sym.real) -> !sym.real
  %mn = sym.min %d, %x0 : (!sym.real, !sym.real) -> !sym.real
  %mx = sym.max %mn, %x1 : (!sym.real, !sym.real) -> !sym.real
  %n = sym.neg %mx : (!sym.real) -> !sym.real
  %ab = sym.abs %n : (!sym.real) -> !sym.real
  %p = sym.pow %ab, 3 : (!sym.real) -> !sym.real
  %f1 = sym.sin %p : (!sym.real) -> !sym.real
  %f2 = sym.cos %f1 : (!sym.real) -> !sym.real
  %f3 = sym.tan %f2 : (!sym.real) -> !sym.real
  %f4 = sym.tanh %f3 : (!sym.real) -> !sym.real
  %f5 = sym.exp %f4 : (!sym.real) -> !sym.real
  %f6 = sym.log %f5 : (!sym.real) -> !sym.real
  %f7 = sym.sqrt %f6 : (!sym.real) -> !sym.real
  sym.output %f7, %c : !sym.real, !sym.real
}

// CHECK:      sym.kernel @top(%x0: !sym.real, %x1: !sym.real) -> (y0, out) attributes {input_ranges = [#sym.interval<-4.0, 4.0>, #sym.interval<-1.0e-05, 2.5>]} {
// CHECK-NEXT:   %c = sym.const 1.5 : !sym.real
// CHECK-NEXT:   %a = sym.add %x0, %x1 : (!sym.real, !sym.real) -> !sym.real
// CHECK-NEXT:   %s = sym.sub %a, %c {range = #sym.interval<-6.5, 5.0>} : (!sym.real, !sym.real) -> !sym.real
// CHECK-NEXT:   %m = sym.mul %s, %x1 : (!sym.real, !sym.real) -> !sym.real
// CHECK-NEXT:   %d = sym.div %m, %x0 : (!sym.real, !sym.real) -> !sym.real
// CHECK-NEXT:   %mn = sym.min %d, %x0 : (!sym.real, !sym.real) -> !sym.real
// CHECK-NEXT:   %mx = sym.max %mn, %x1 : (!sym.real, !sym.real) -> !sym.real
// CHECK-NEXT:   %n = sym.neg %mx : (!sym.real) -> !sym.real
// CHECK-NEXT:   %ab = sym.abs %n : (!sym.real) -> !sym.real
// CHECK-NEXT:   %p = sym.pow %ab, 3 : (!sym.real) -> !sym.real
// CHECK-NEXT:   %f1 = sym.sin %p : (!sym.real) -> !sym.real
// CHECK-NEXT:   %f2 = sym.cos %f1 : (!sym.real) -> !sym.real
// CHECK-NEXT:   %f3 = sym.tan %f2 : (!sym.real) -> !sym.real
// CHECK-NEXT:   %f4 = sym.tanh %f3 : (!sym.real) -> !sym.real
// CHECK-NEXT:   %f5 = sym.exp %f4 : (!sym.real) -> !sym.real
// CHECK-NEXT:   %f6 = sym.log %f5 : (!sym.real) -> !sym.real
// CHECK-NEXT:   %f7 = sym.sqrt %f6 : (!sym.real) -> !sym.real
// CHECK-NEXT:   sym.output %f7, %c : !sym.real, !sym.real
// CHECK-NEXT: }

sym.kernel @fixed(%a : !sym.fixed<16, 6>, %b : !sym.fixed<8, 2, unsigned>) -> (y) {
  %k = sym.const -1536 : !sym.fixed<16, 6>
  %p = sym.mul %a, %b : (!sym.fixed<16, 6>, !sym.fixed<8, 2, unsigned>) -> !sym.fixed<24, 8>
  %q = sym.add %p, %k : (!sym.fixed<24, 8>, !sym.fixed<16, 6>) -> !sym.fixed<25, 9>
  %r = sym.cast %q AP_RND AP_SAT : (!sym.fixed<25, 9>) -> !sym.fixed<16, 6>
  sym.output %r : !sym.fixed<16, 6>
}

// CHECK:      sym.kernel @fixed(%a: !sym.fixed<16, 6>, %b: !sym.fixed<8, 2, unsigned>) -> (y) {
// CHECK-NEXT:   %k = sym.const -1536 : !sym.fixed<16, 6>
// CHECK-NEXT:   %p = sym.mul %a, %b : (!sym.fixed<16, 6>, !sym.fixed<8, 2, unsigned>) -> !sym.fixed<24, 8>
// CHECK-NEXT:   %q = sym.add %p, %k : (!sym.fixed<24, 8>, !sym.fixed<16, 6>) -> !sym.fixed<25, 9>
// CHECK-NEXT:   %r = sym.cast %q AP_RND AP_SAT : (!sym.fixed<25, 9>) -> !sym.fixed<16, 6>
// CHECK-NEXT:   sym.output %r : !sym.fixed<16, 6>
// CHECK-NEXT: }
