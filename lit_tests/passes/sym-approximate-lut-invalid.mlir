// RUN: symc-opt %s --split-input-file --verify-diagnostics -p 'sym-approximate-lut{precision="ap_fixed<10,4>" entries=8 indexing=hls4ml tables="{\"tanh\": {\"domain\": [0.5, 0.51]}}"}' | filecheck %s --check-prefix=EMPTY
// RUN: symc-opt %s --split-input-file --verify-diagnostics -p 'sym-approximate-lut{entries=100000}' | filecheck %s --check-prefix=SIZE
// RUN: symc-opt %s --split-input-file --verify-diagnostics -p 'sym-approximate-lut{strict=true tables="{\"sin\": {\"domain\": [-4, 4]}}"}' | filecheck %s --check-prefix=CLIP
// RUN: symc-opt %s --split-input-file --verify-diagnostics -p 'sym-approximate-lut' | filecheck %s --check-prefix=NORANGE

sym.kernel @top(%x : !sym.real) -> (s) attributes {input_ranges = [#sym.interval<-8.0, 8.0>]} {
  %s = sym.tanh %x {range = #sym.interval<-1.0, 1.0>} : (!sym.real) -> !sym.real
  %t = sym.sin %x {range = #sym.interval<-1.0, 1.0>} : (!sym.real) -> !sym.real
  %u = sym.add %s, %t : (!sym.real, !sym.real) -> !sym.real
  sym.output %u : !sym.real
}
// EMPTY: table domain [0.5, 0.51] is empty at ap_fixed<10,4>
// SIZE: a table of 100000 entries for tanh is beyond the limit of 65536
// CLIP: the sin table covers [-4, 4] but its argument ranges over [-8, 8]: 50.0% of that range is clamped

// -----

sym.kernel @top(%x : !sym.real) -> (s) {
  %s = sym.exp %x : (!sym.real) -> !sym.real
  sym.output %s : !sym.real
}
// NORANGE: sym-approximate-lut needs ranges: run sym-range-analysis first
