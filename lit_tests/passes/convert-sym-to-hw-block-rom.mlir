// RUN: symc-opt %s -p 'sym-range-analysis,sym-approximate-lut{entries=16 precision="ap_fixed<8,3>"},sym-legalize-fixed{precision="ap_fixed<8,3>"},sym-schedule{clock_ns=5.0 family=xcup roms=block},convert-sym-to-hw' | filecheck %s

sym.kernel @top(%x0 : !sym.real, %x1 : !sym.real) -> (y0) attributes {input_ranges = [#sym.interval<-4.0, 4.0>, #sym.interval<-4.0, 4.0>]} {
  %s = sym.sin %x0 : (!sym.real) -> !sym.real
  %t = sym.sin %x1 : (!sym.real) -> !sym.real
  %y = sym.add %s, %t : (!sym.real, !sym.real) -> !sym.real
  sym.output %y : !sym.real
}

// Two reads of one 16-entry sin table share a dual-port ROM: an external module carrying the
// table (8-bit entries, 4 address bits) that symc prints after CIRCT's Verilog. The indices
// go unregistered into its address registers; its outputs are the next stage's values.
// sin(x) over one period in ap_fixed<8,3>: 0.195 is 6/32; negative entries are stored as
// their 8-bit patterns (-0.195 is 250).
// CHECK:      hw.module.extern @top_rom0(in %port0 clk: !seq.clock, in %port1 a0: i4, in %port2 a1: i4, out d0: i8, out d1: i8)
// CHECK-SAME:   symc.block_rom = {width = 8 : i64, address_bits = 4 : i64, ports = 2 : i64, reset = 0 : i64, values = array<i64: 6, 18, 27, 31, 31, 27, 18, 6, 250, 238, 229, 225, 225, 229, 238, 250>}
// CHECK:      hw.module @top(in %clk: !seq.clock, in %x0: i8, in %x1: i8, out y0: i8)
// CHECK-NOT:  seq.compreg %s_idx
// CHECK:        %s, %t = hw.instance "top_rom0" @top_rom0(clk: %clk: !seq.clock, a0: %s_idx: i4, a1: %t_idx: i4) -> (d0: i8, d1: i8)
// CHECK-NOT:  builtin.unrealized_conversion_cast
