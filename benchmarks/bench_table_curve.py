"""Error against cost of one table, per function and table size: the curve an accuracy/LUT
trade-off is chosen on.

For each function the jet-tagging model reads (``sin`` and ``sin(x)*cos(x)``, which symc reads
as one ``sincos`` table) and each table size, one design of one input ``x`` in [-4, 4] at
``precision="auto"`` with 12 fractional bits (``frac_bits=12``, so the arithmetic around the
table stays the same from row to row), without interpolation, with linear interpolation, with a
bipartite table (a coarse entry plus a fine offset, no multiplier), and with the argument in
turns (``turns=True``: no scale product). Printed per row:

* the error against float64, measured on every input the design can take (the whole grid of
  8 * 2**12 + 1 values), and the proven bound the design states;
* yosys ``synth_xilinx -family xcup`` resources of the combinational design.

Run: python benchmarks/bench_table_curve.py [--quick]
"""

from __future__ import annotations

import sys
import time
import warnings

import numpy as np

import symc
from symc.toolchain import yosys

FUNCTIONS = {"sin": ("sin(x)", np.sin),
             "sincos": ("sin(x)*cos(x)", lambda x: np.sin(x) * np.cos(x))}
FRAC_BITS = 12


def row(text: str, reference, entries: int, interpolation: str, turns: bool) -> dict:
    design = symc.compile(text, inputs={"x": (-4.0, 4.0)}, precision="auto", frac_bits=FRAC_BITS,
                          turns=turns,
                          tables={"*": {"entries": entries, "interpolation": interpolation}})
    grid = np.arange(-4 * 2**FRAC_BITS, 4 * 2**FRAC_BITS + 1) / 2.0**FRAC_BITS
    error = float(np.abs(design.predict(grid[:, None])[:, 0] - reference(grid)).max())
    resources, _ = yosys.synthesize(design.verilog, design.name, "xcup", dsp=True)
    return {"error": error, "bound": design.outputs[0].error_bound, "lut": resources.lut,
            "dsp": resources.dsp, "width": design.outputs[0].format.width}


def main() -> None:
    warnings.simplefilter("ignore")
    quick = "--quick" in sys.argv
    sizes = (16, 64, 256) if quick else (16, 32, 64, 128, 256, 512, 1024)
    builds = [("none", False), ("linear", False), ("linear", True), ("bipartite", False),
              ("bipartite", True)]
    print(f"one table of x in [-4, 4], auto with frac_bits={FRAC_BITS}, combinational, "
          "yosys synth_xilinx -family xcup; error measured on every input of the grid\n")
    print("| function | entries | interpolation | turns | max abs error | proven bound | "
          "output bits | LUT | DSP |")
    print("|---|---|---|---|---|---|---|---|---|")
    started = time.perf_counter()
    for name, (text, reference) in FUNCTIONS.items():
        for interpolation, turns in builds:
            for entries in sizes:
                try:
                    r = row(text, reference, entries, interpolation, turns)
                except symc.SymcError as exc:
                    print(f"| {name} | {entries} | {interpolation} | {turns} | {exc} |||||")
                    continue
                bound = "" if r["bound"] is None else f"{r['bound']:.2e}"
                print(f"| {name} | {entries} | {interpolation} | {'yes' if turns else 'no'} | "
                      f"{r['error']:.2e} | {bound} | {r['width']} | {r['lut']} | {r['dsp']} |",
                      flush=True)
    print(f"\n({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
