// The whole flow through symc-opt, printed by the verilog target (CIRCT ExportVerilog).
// CIRCT 1.62 and 1.162 print slightly different Verilog: the patterns allow for both.
// RUN: symc-opt %s -p 'sym-canonicalize,sym-range-analysis,sym-legalize-fixed,sym-schedule,convert-sym-to-hw' -t verilog | filecheck %s
// RUN: symc-opt %s -p 'sym-canonicalize,sym-range-analysis,sym-legalize-fixed{precision="ap_fixed<10,4,AP_RND,AP_SAT>"},sym-schedule,convert-sym-to-hw' -t verilog | filecheck %s --check-prefix=SAT

sym.kernel @poly(%x0 : !sym.real, %x1 : !sym.real) -> (y0) attributes {input_ranges = [#sym.interval<-4.0, 4.0>, #sym.interval<-1.0, 1.0>]} {
  %c = sym.const 0.5 : !sym.real
  %p = sym.pow %x0, 2 : (!sym.real) -> !sym.real
  %h = sym.mul %c, %p : (!sym.real, !sym.real) -> !sym.real
  %m = sym.mul %x0, %x1 : (!sym.real, !sym.real) -> !sym.real
  %s = sym.sub %m, %h : (!sym.real, !sym.real) -> !sym.real
  sym.output %s : !sym.real
}

// CHECK:      module poly(
// CHECK-NEXT:   input  [15:0] x0,
// CHECK-NEXT:                 x1,
// CHECK-NEXT:   output [15:0] y0
// CHECK:        assign y0 = {{.*}}[35:20];
// CHECK-NEXT: endmodule

// Rounding adds the dropped half bit; saturation clamps to 0x1FF / 0x200 (+-max of ap_fixed<10,4>).
// SAT:      module poly(
// SAT-NEXT:   input  [9:0] x0,
// SAT:        output [9:0] y0
// SAT:        + {19'h0, s[11]};
// SAT:        10'h1FF
// SAT:        10'h200
// SAT:      endmodule
