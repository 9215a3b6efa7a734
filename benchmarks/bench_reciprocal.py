"""Division by a variable: a plain reciprocal table against the normalized one, side by side.

Each division is compiled twice, with ``tables={"recip": {"reduction": "none"}}`` (a table over
the divisor's range) and with the default (``"auto"``: the normalized reciprocal when the
divisor has one sign), combinational and at a 5 ns clock, and synthesized by yosys
(``synth_xilinx -family xcup``). The error is the largest distance to the real expression on
20,000 uniform points of the input ranges. Run: python benchmarks/bench_reciprocal.py
"""

from __future__ import annotations

import numpy as np

import symc
from symc.toolchain.yosys import synthesize

CASES = [
    ("x0/(x0**2 + 0.3)", {"x0": (0.5, 6.0)}, "ap_fixed<18,8>"),
    ("x1/(x0 + 4)", {"x0": (-3.0, 3.0), "x1": (-2.0, 2.0)}, "ap_fixed<16,6>"),
    ("3/(2 + exp(x0))", {"x0": (-3.0, 3.0)}, "ap_fixed<18,8>"),
]


def main() -> None:
    print("| expression | precision | reciprocal | clock | cycles | LUT | FF | DSP | max error |")
    print("|---|---|---|---|---|---|---|---|---|")
    for expr, ranges, precision in CASES:
        rng = np.random.default_rng(0)
        X = rng.uniform([r[0] for r in ranges.values()], [r[1] for r in ranges.values()],
                        size=(20_000, len(ranges)))
        for reduction, label in (("none", "plain"), ("auto", "normalized")):
            for clock in (None, 5.0):
                try:
                    design = symc.compile(expr, inputs=ranges, precision=precision,
                                          tables={"recip": {"reduction": reduction}},
                                          clock_ns=clock)
                except symc.SymcError as error:
                    print(f"| `{expr}` | {precision} | {label} | {clock or '-'} | refused: "
                          f"{str(error)[:60]} | | | | |")
                    continue
                error = float(np.max(np.abs(design.predict(X) - design.float_reference(X))))
                resources, _ = synthesize(design.verilog, design.name, "xcup")
                print(f"| `{expr}` | {precision} | {label} | {clock or '-'} | {design.latency} "
                      f"| {resources.lut} | {resources.ff} | {resources.dsp} | {error:.4f} |",
                      flush=True)


if __name__ == "__main__":
    main()
