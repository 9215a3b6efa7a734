// RUN: symc-opt %s --split-input-file -p sym-canonicalize | filecheck %s

// Constants fold in float64; elementary functions of constants do not (the table pass looks
// them up, so the design stays bit-comparable with hls4ml).
sym.kernel @fold(%x : !sym.real) -> (y0, y1) {
  %c2 = sym.const 2.0 : !sym.real
  %c3 = sym.const 3.0 : !sym.real
  %c4 = sym.const 4.0 : !sym.real
  %s = sym.add %c2, %c3 : (!sym.real, !sym.real) -> !sym.real
  %p = sym.mul %s, %c4 : (!sym.real, !sym.real) -> !sym.real
  %d = sym.sub %p, %c3 : (!sym.real, !sym.real) -> !sym.real
  %n = sym.neg %d : (!sym.real) -> !sym.real
  %a = sym.abs %n : (!sym.real) -> !sym.real
  %lo = sym.min %a, %c2 : (!sym.real, !sym.real) -> !sym.real
  %hi = sym.max %a, %lo : (!sym.real, !sym.real) -> !sym.real
  %q = sym.pow %c2, 10 : (!sym.real) -> !sym.real
  %r = sym.add %hi, %q : (!sym.real, !sym.real) -> !sym.real
  %sin = sym.sin %c2 : (!sym.real) -> !sym.real
  %y1 = sym.mul %x, %sin : (!sym.real, !sym.real) -> !sym.real
  sym.output %r, %y1 : !sym.real, !sym.real
}
// CHECK-LABEL: sym.kernel @fold
// CHECK-NEXT:    %c2 = sym.const 2.0 : !sym.real
// CHECK-NEXT:    %r = sym.const 1041.0 : !sym.real
// CHECK-NEXT:    %sin = sym.sin %c2 : (!sym.real) -> !sym.real
// CHECK-NEXT:    %y1 = sym.mul %x, %sin : (!sym.real, !sym.real) -> !sym.real
// CHECK-NEXT:    sym.output %r, %y1 : !sym.real, !sym.real
// CHECK-NEXT:  }

// -----

// Division by a constant becomes a product by its reciprocal; by a variable it stays.
// A constant divided by a constant folds with one rounding.
sym.kernel @div(%x : !sym.real, %y : !sym.real) -> (a, b, c, d) {
  %c1 = sym.const 1.0 : !sym.real
  %c3 = sym.const 3.0 : !sym.real
  %c4 = sym.const 4.0 : !sym.real
  %a = sym.div %x, %c4 : (!sym.real, !sym.real) -> !sym.real
  %b = sym.div %x, %c3 : (!sym.real, !sym.real) -> !sym.real
  %c = sym.div %c1, %c3 : (!sym.real, !sym.real) -> !sym.real
  %d = sym.div %x, %y : (!sym.real, !sym.real) -> !sym.real
  sym.output %a, %b, %c, %d : !sym.real, !sym.real, !sym.real, !sym.real
}
// CHECK-LABEL: sym.kernel @div
// CHECK-NEXT:    %{{.*}} = sym.const 0.25 : !sym.real
// CHECK-NEXT:    %a = sym.mul %x, %{{.*}} : (!sym.real, !sym.real) -> !sym.real
// CHECK-NEXT:    %[[THIRD:.*]] = sym.const 0.3333333333333333 {rounding = 1.850371707708{{[0-9]+}}e-17 : f64} : !sym.real
// CHECK-NEXT:    %b = sym.mul %x, %[[THIRD]] : (!sym.real, !sym.real) -> !sym.real
// CHECK-NEXT:    %d = sym.div %x, %y : (!sym.real, !sym.real) -> !sym.real
// CHECK-NEXT:    sym.output %a, %b, %[[THIRD]], %d : !sym.real, !sym.real, !sym.real, !sym.real

// -----

// Identities.
sym.kernel @identities(%x : !sym.real, %y : !sym.real) -> (m1, m0, mm1, a0, s0, ns, xx, nn, aa, an, mn, mx, p1) {
  %zero = sym.const 0.0 : !sym.real
  %one = sym.const 1.0 : !sym.real
  %minus_one = sym.const -1.0 : !sym.real
  %m1a = sym.mul %x, %one : (!sym.real, !sym.real) -> !sym.real
  %m1 = sym.mul %one, %m1a : (!sym.real, !sym.real) -> !sym.real
  %m0 = sym.mul %x, %zero : (!sym.real, !sym.real) -> !sym.real
  %mm1 = sym.mul %minus_one, %y : (!sym.real, !sym.real) -> !sym.real
  %a0a = sym.add %x, %zero : (!sym.real, !sym.real) -> !sym.real
  %a0 = sym.add %zero, %a0a : (!sym.real, !sym.real) -> !sym.real
  %s0 = sym.sub %y, %zero : (!sym.real, !sym.real) -> !sym.real
  %ns = sym.sub %zero, %x : (!sym.real, !sym.real) -> !sym.real
  %xx = sym.sub %y, %y : (!sym.real, !sym.real) -> !sym.real
  %n1 = sym.neg %y : (!sym.real) -> !sym.real
  %nn = sym.neg %n1 : (!sym.real) -> !sym.real
  %a1 = sym.abs %x : (!sym.real) -> !sym.real
  %aa = sym.abs %a1 : (!sym.real) -> !sym.real
  %an = sym.abs %n1 : (!sym.real) -> !sym.real
  %mn = sym.min %x, %x : (!sym.real, !sym.real) -> !sym.real
  %mx = sym.max %y, %y : (!sym.real, !sym.real) -> !sym.real
  %p1 = sym.pow %x, 1 : (!sym.real) -> !sym.real
  sym.output %m1, %m0, %mm1, %a0, %s0, %ns, %xx, %nn, %aa, %an, %mn, %mx, %p1 : !sym.real, !sym.real, !sym.real, !sym.real, !sym.real, !sym.real, !sym.real, !sym.real, !sym.real, !sym.real, !sym.real, !sym.real, !sym.real
}
// CHECK-LABEL: sym.kernel @identities
// CHECK-NEXT:    %[[ZERO:.*]] = sym.const 0.0 : !sym.real
// CHECK-NEXT:    %[[NY:.*]] = sym.neg %y : (!sym.real) -> !sym.real
// CHECK-NEXT:    %[[NX:.*]] = sym.neg %x : (!sym.real) -> !sym.real
// CHECK-NEXT:    %[[AX:.*]] = sym.abs %x : (!sym.real) -> !sym.real
// CHECK-NEXT:    %[[AY:.*]] = sym.abs %y : (!sym.real) -> !sym.real
// CHECK-NEXT:    sym.output %x, %[[ZERO]], %[[NY]], %x, %y, %[[NX]], %[[ZERO]], %y, %[[AX]], %[[AY]], %x, %y, %x :

// -----

// Integer powers become multiplications by repeated squaring, the squares shared.
sym.kernel @pow(%x : !sym.real) -> (p5, p4, p2) {
  %p5 = sym.pow %x, 5 : (!sym.real) -> !sym.real
  %p4 = sym.pow %x, 4 : (!sym.real) -> !sym.real
  %p2 = sym.pow %x, 2 : (!sym.real) -> !sym.real
  sym.output %p5, %p4, %p2 : !sym.real, !sym.real, !sym.real
}
// CHECK-LABEL: sym.kernel @pow
// CHECK-NEXT:    %[[X2:.*]] = sym.mul %x, %x : (!sym.real, !sym.real) -> !sym.real
// CHECK-NEXT:    %[[X4:.*]] = sym.mul %[[X2]], %[[X2]] : (!sym.real, !sym.real) -> !sym.real
// CHECK-NEXT:    %[[X5:.*]] = sym.mul %[[X4]], %x : (!sym.real, !sym.real) -> !sym.real
// CHECK-NEXT:    sym.output %[[X5]], %[[X4]], %[[X2]] : !sym.real, !sym.real, !sym.real

// -----

// x**64: six squarings, no other multiply.
sym.kernel @pow64(%x : !sym.real) -> (y) {
  %y = sym.pow %x, 64 : (!sym.real) -> !sym.real
  sym.output %y : !sym.real
}
// CHECK-LABEL: sym.kernel @pow64
// CHECK-NEXT:    %[[A:.*]] = sym.mul %x, %x
// CHECK-NEXT:    %[[B:.*]] = sym.mul %[[A]], %[[A]]
// CHECK-NEXT:    %[[C:.*]] = sym.mul %[[B]], %[[B]]
// CHECK-NEXT:    %[[D:.*]] = sym.mul %[[C]], %[[C]]
// CHECK-NEXT:    %[[E:.*]] = sym.mul %[[D]], %[[D]]
// CHECK-NEXT:    %[[F:.*]] = sym.mul %[[E]], %[[E]]
// CHECK-NEXT:    sym.output %[[F]] : !sym.real

// -----

// Common subexpressions are shared across outputs; add, mul, min and max match with their
// operands in either order, sub does not. Constants are shared too.
sym.kernel @cse(%a : !sym.real, %b : !sym.real) -> (y0, y1, y2, y3) {
  %c = sym.const 0.5 : !sym.real
  %ab = sym.mul %a, %b : (!sym.real, !sym.real) -> !sym.real
  %s0 = sym.sin %ab : (!sym.real) -> !sym.real
  %y0 = sym.add %s0, %c : (!sym.real, !sym.real) -> !sym.real
  %c_again = sym.const 0.5 : !sym.real
  %ba = sym.mul %b, %a : (!sym.real, !sym.real) -> !sym.real
  %s1 = sym.sin %ba : (!sym.real) -> !sym.real
  %y1 = sym.add %c_again, %s1 : (!sym.real, !sym.real) -> !sym.real
  %y2 = sym.sub %a, %b : (!sym.real, !sym.real) -> !sym.real
  %y3 = sym.sub %b, %a : (!sym.real, !sym.real) -> !sym.real
  sym.output %y0, %y1, %y2, %y3 : !sym.real, !sym.real, !sym.real, !sym.real
}
// CHECK-LABEL: sym.kernel @cse
// CHECK-NEXT:    %c = sym.const 0.5 : !sym.real
// CHECK-NEXT:    %ab = sym.mul %a, %b : (!sym.real, !sym.real) -> !sym.real
// CHECK-NEXT:    %s0 = sym.sin %ab : (!sym.real) -> !sym.real
// CHECK-NEXT:    %y0 = sym.add %s0, %c : (!sym.real, !sym.real) -> !sym.real
// CHECK-NEXT:    %y2 = sym.sub %a, %b : (!sym.real, !sym.real) -> !sym.real
// CHECK-NEXT:    %y3 = sym.sub %b, %a : (!sym.real, !sym.real) -> !sym.real
// CHECK-NEXT:    sym.output %y0, %y0, %y2, %y3 : !sym.real, !sym.real, !sym.real, !sym.real

// -----

// Sharing exposes more folding: a*b - b*a is 0, and the pass iterates to a fixed point.
sym.kernel @fixpoint(%a : !sym.real, %b : !sym.real) -> (y) {
  %ab = sym.mul %a, %b : (!sym.real, !sym.real) -> !sym.real
  %ba = sym.mul %b, %a : (!sym.real, !sym.real) -> !sym.real
  %d = sym.sub %ab, %ba : (!sym.real, !sym.real) -> !sym.real
  %y = sym.add %d, %a : (!sym.real, !sym.real) -> !sym.real
  sym.output %y : !sym.real
}
// CHECK-LABEL: sym.kernel @fixpoint
// CHECK-NEXT:    sym.output %a : !sym.real

// -----

// A negation feeding a sum becomes a difference (and a - (-b) a sum): the same exact value,
// one operation fewer on the path; the negations die.
sym.kernel @negsum(%x : !sym.real, %y : !sym.real) -> (a, b, c) {
  %n = sym.neg %y : (!sym.real) -> !sym.real
  %a = sym.add %x, %n : (!sym.real, !sym.real) -> !sym.real
  %m = sym.neg %x : (!sym.real) -> !sym.real
  %b = sym.add %m, %y : (!sym.real, !sym.real) -> !sym.real
  %c = sym.sub %x, %n : (!sym.real, !sym.real) -> !sym.real
  sym.output %a, %b, %c : !sym.real, !sym.real, !sym.real
}
// CHECK-LABEL: sym.kernel @negsum
// CHECK-NEXT:    %a = sym.sub %x, %y : (!sym.real, !sym.real) -> !sym.real
// CHECK-NEXT:    %b = sym.sub %y, %x : (!sym.real, !sym.real) -> !sym.real
// CHECK-NEXT:    %c = sym.add %x, %y : (!sym.real, !sym.real) -> !sym.real
// CHECK-NEXT:    sym.output %a, %b, %c

// -----

// Fixed-point ops are left alone, even dead ones and identities.
sym.kernel @fixed(%x : !sym.fixed<16, 6>) -> (y) {
  %one = sym.const 1024 : !sym.fixed<16, 6>
  %p = sym.mul %x, %one : (!sym.fixed<16, 6>, !sym.fixed<16, 6>) -> !sym.fixed<32, 12>
  %dead = sym.add %x, %x : (!sym.fixed<16, 6>, !sym.fixed<16, 6>) -> !sym.fixed<17, 7>
  sym.output %p : !sym.fixed<32, 12>
}
// CHECK-LABEL: sym.kernel @fixed
// CHECK-NEXT:    %one = sym.const 1024 : !sym.fixed<16, 6>
// CHECK-NEXT:    %p = sym.mul %x, %one : (!sym.fixed<16, 6>, !sym.fixed<16, 6>) -> !sym.fixed<32, 12>
// CHECK-NEXT:    %dead = sym.add %x, %x : (!sym.fixed<16, 6>, !sym.fixed<16, 6>) -> !sym.fixed<17, 7>
// CHECK-NEXT:    sym.output %p : !sym.fixed<32, 12>
