"""Accuracy per LUT on the jet-tagging model: each build's cycles at 5 ns, resources, agreement.

The five final expressions of the hls4ml tutorial's PySR model (final_expressions.tsv, inputs
x0..x15 in [-4, 4]), 5 ns on UltraScale+. Resources: yosys ``synth_xilinx -family xcup``;
Fmax: nextpnr-ecp5 on the smallest ECP5 that holds the design (the same Verilog). Agreement:
the top class of the design's five outputs against float64's, on 20,000 N(0,1) rows clipped
to [-4, 4] (the jet data set is not available here; its inputs are standardized). hls4ml's row
is its published build (Vivado), cited, not measured. da4ml's row is measured in the same run
when it is installed (``benchmarks/da4ml_jet.py``: how the model is built with it).

The goal this table tracks: >= 99.6% agreement in <= 3 cycles, <= 800 LUT, <= 20 DSP, 0 BRAM;
and the most accurate design within hls4ml's 1,653 LUTs and 8 cycles.

Needs ../shared/benchmarks/jet_tagging_pysr. Run: python benchmarks/bench_jet_budget.py
(a few minutes: one yosys and one nextpnr run per build); with words, ``python
benchmarks/bench_jet_budget.py bipartite``, only the builds whose label holds one of them
(and no da4ml row).
"""

from __future__ import annotations

import sys
import time
import warnings
from pathlib import Path

import numpy as np
import sympy

import symc
from symc.estimate import estimate
from symc.frontend.parse import parse_expression

JET = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "jet_tagging_pysr"
INPUTS = {f"x{i}": (-4.0, 4.0) for i in range(16)}
HLS4ML = "| hls4ml (published, Vivado, its tables) | 8 | 1653 | 870 | 65 | 10 | | 96.75% |"
BUILDS = [
    ("ap_fixed<16,6>, 1024-entry tables (defaults)", dict(precision="ap_fixed<16,6>")),
    ("auto 0.05, 1024 entries, no interpolation",
     dict(precision="auto", max_error=0.05, clamp_inputs=False,
          tables={"*": {"entries": 1024, "interpolation": "none"}})),
    ("auto 1.0, 64 entries, no interpolation",
     dict(precision="auto", max_error=1.0, clamp_inputs=False,
          tables={"*": {"entries": 64, "interpolation": "none"}})),
    ("auto 0.1 (tables by error budget, interpolated)",
     dict(precision="auto", max_error=0.1, clamp_inputs=False)),
    ("auto 0.1, turns", dict(precision="auto", max_error=0.1, clamp_inputs=False, turns=True)),
    ("auto 0.05 (tables by error budget, interpolated)",
     dict(precision="auto", max_error=0.05, clamp_inputs=False)),
    ("auto 0.05, turns", dict(precision="auto", max_error=0.05, clamp_inputs=False, turns=True)),
    ("auto 0.25, turns", dict(precision="auto", max_error=0.25, clamp_inputs=False, turns=True)),
    ("auto 0.1, bipartite",
     dict(precision="auto", max_error=0.1, clamp_inputs=False,
          tables={"*": {"interpolation": "bipartite"}})),
    ("auto 0.1, bipartite, turns",
     dict(precision="auto", max_error=0.1, clamp_inputs=False, turns=True,
          tables={"*": {"interpolation": "bipartite"}})),
    ("auto 0.1, bipartite, no DSP blocks",
     dict(precision="auto", max_error=0.1, clamp_inputs=False, dsp=False,
          tables={"*": {"interpolation": "bipartite"}})),
    ("auto 0.05, bipartite, turns",
     dict(precision="auto", max_error=0.05, clamp_inputs=False, turns=True,
          tables={"*": {"interpolation": "bipartite"}})),
]


def final_model() -> list[str]:
    lines = (JET / "final_expressions.tsv").read_text().splitlines()
    return [ln.split("\t")[1].strip() for ln in lines if ln.strip() and not ln.startswith("#")]


def float_scores(exprs: list[str], X: np.ndarray) -> np.ndarray:
    symbols = [sympy.Symbol(n) for n in INPUTS]
    cols = [np.asarray(sympy.lambdify(symbols, parse_expression(e), modules="numpy")(*X.T),
                       dtype=np.float64) * np.ones(len(X)) for e in exprs]
    return np.stack(cols, axis=1)


def da4ml_row(exprs: list[str], X: np.ndarray, reference: np.ndarray) -> str:
    try:
        import da4ml
    except ImportError:
        return "| da4ml | (not installed: pip install da4ml) | | | | | | | | |"
    from da4ml_jet import build, synthesize

    started = time.time()
    comb = build(exprs, list(INPUTS))
    got = comb.predict(X)
    agree = np.mean(got.argmax(axis=1) == reference.argmax(axis=1))
    r = synthesize(comb)
    print(f"(da4ml: {time.time() - started:.0f} s)", file=sys.stderr)
    return (f"| da4ml {da4ml.__version__}, 1024-entry tables by hand | combinational (its "
            f"pipelining is not timed here) | {r.lut} | {r.ff} | {r.dsp} | {r.bram} | | "
            f"{100 * agree:.2f}% | {np.abs(got - reference).max():.3f} | |")


def main() -> int:
    if not JET.is_dir():
        print(f"skipped: {JET} is absent", file=sys.stderr)
        return 0
    warnings.simplefilter("ignore")  # ap_fixed<16,6>'s table arguments wrap (as in hls4ml)
    exprs = final_model()
    X = np.clip(np.random.default_rng(0).standard_normal((20000, 16)), -4, 4)
    reference = float_scores(exprs, X)
    top = reference.argmax(axis=1)
    print("| build | cycles at 5 ns | LUT | FF | DSP | BRAM18 | Fmax ECP5 MHz | agreement "
          "| max abs err | estimate LUT / DSP |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    print(HLS4ML + " | |")
    words = sys.argv[1:]
    if not words:
        print(da4ml_row(exprs, X, reference), flush=True)
    for label, options in BUILDS:
        if words and not any(word in label for word in words):
            continue
        started = time.time()
        inputs = INPUTS if options.get("precision") == "auto" else list(INPUTS)
        try:
            design = symc.compile(exprs, inputs=inputs, clock_ns=5.0, name="jet", **options)
        except symc.SymcError as error:
            print(f"| {label} | not built: {error} | | | | | | | | |")
            continue
        r = design.report("xcup", show=False, fmax=True)
        e = estimate(design)
        got = design.predict(X)
        agree = np.mean(got.argmax(axis=1) == top)
        print(f"| symc {label} | {design.latency} | {r['lut']} | {r['ff']} | {r['dsp']} | "
              f"{r['bram']} | {r['fmax_mhz']:.1f} | {100 * agree:.2f}% | "
              f"{np.abs(got - reference).max():.3f} | {e['lut']} / {e['dsp']} |", flush=True)
        print(f"({label}: {time.time() - started:.0f} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
