"""Pipelining benchmarks: latency, resources and measured Fmax, printed as tables.

    python benchmarks/bench_pipeline.py            # everything (tens of minutes: real P&R)
    python benchmarks/bench_pipeline.py --part timing
    python benchmarks/bench_pipeline.py --part jet

1. ``timing`` (honest timing): arithmetic designs (polynomials, PySR hall-of-fame equations
   without functions, AI Feynman formulas that are polynomials) are scheduled for ECP5 at
   several clock periods and placed and routed by nextpnr-ecp5; the table gives the requested
   period, the latency, the achieved Fmax and whether the clock is met, and the summary the
   share that meets it and the spread of achieved period / requested period.
2. ``jet``: the five final jet-tagging expressions of the hls4ml tutorial (PySR, sin/cos
   tables) at hls4ml's settings (``ap_fixed<16,6>``, 256-entry tables on [-8, 8], 5 ns on
   UltraScale+), at 2.5 ns and combinational, and at symc's own settings, next to the figures
   hls4ml publishes for its table-based build. Resources come from yosys ``synth_xilinx``
   (hls4ml's from Vivado: different tools), Fmax from nextpnr-ecp5 (the only place and route
   here). The jet data set is not available, so accuracy is compared with the float64
   expressions on standard-normal inputs (the features are standardized): mean and maximum
   absolute error, and how often the predicted class (argmax of the five scores) agrees.

Designs and data read from ``../shared/benchmarks`` are skipped with a message when absent.
"""

from __future__ import annotations

import argparse
import csv
import random
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np

import symc
from symc.frontend.errors import SymcError
from symc.toolchain import yosys

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "benchmarks"
JET = SHARED / "jet_tagging_pysr"
FEYNMAN = SHARED / "feynman" / "FeynmanEquations.csv"

HLS4ML = {"latency_cycles": 8, "clock_ns": 5.0, "lut": 1653, "ff": 870, "dsp": 65, "bram18": 10}
"""hls4ml's published figures for the table-based 5-class jet model (Vivado, xcvu9p, 5 ns)."""

JET_TABLES = {"*": {"entries": 256, "domain": [-8, 8], "indexing": "hls4ml"}}
SYMC_TABLES = {"*": {"entries": 256, "indexing": "bits", "interpolation": "none"}}
"""symc's own tables: one period of sin/cos indexed by bits of x / 2pi (no clipping at +-8)."""
SYMC_SMALL = {"*": {"entries": 64, "indexing": "bits", "interpolation": "none"}}
"""symc's smallest tables that keep the top class more often than hls4ml's settings do."""
SYMC_BOUND = 0.5
"""auto precision's guaranteed worst-case bound per output (the measured errors are far
smaller: see the table); 0.5 keeps the top class at least as often as hls4ml's settings do."""


def polynomial(n_terms: int, n_inputs: int, seed: int) -> str:
    rng = random.Random(seed)
    terms = []
    for _ in range(n_terms):
        degree = rng.choice([1, 2, 2, 3])
        factors = "*".join(f"x{rng.randrange(n_inputs)}" for _ in range(degree))
        terms.append(f"{round(rng.uniform(-2, 2), 4)}*{factors}")
    return " + ".join(terms)


def arithmetic_designs() -> list[tuple[str, list[str], dict[str, tuple[float, float]]]]:
    """(name, expressions, input ranges) of designs with no table."""
    designs = []
    for n_terms, n_inputs, seed in ((3, 2, 1), (6, 3, 2), (10, 4, 3), (16, 6, 4)):
        inputs = {f"x{i}": (-3.0, 3.0) for i in range(n_inputs)}
        designs.append((f"poly{n_terms}", [polynomial(n_terms, n_inputs, seed)], inputs))
    if JET.is_dir():
        exprs = []
        for path in sorted(JET.glob("hall_of_fame_*.csv")):
            with path.open() as f:
                for row in csv.DictReader(f):
                    eq = row["Equation"]
                    if "sin" not in eq and "sc(" not in eq and "x" in eq:
                        exprs.append(eq)
        if exprs:
            names = sorted({t for e in exprs for t in _symbols(e)}, key=lambda s: int(s[1:]))
            designs.append(("jet_hof_linear", exprs, {n: (-4.0, 4.0) for n in names}))
    else:
        print(f"(skipping the hall-of-fame designs: {JET} not found)")
    if FEYNMAN.is_file():
        with FEYNMAN.open(encoding="utf-8-sig") as f:
            rows = list(csv.DictReader(f))
        kept = 0
        for row in rows:
            formula = row["Formula"]
            if any(s in formula for s in ("/", "sqrt", "exp", "sin", "cos", "tan", "log",
                                          "arc", "pi")):
                continue
            n = int(row["# variables"])
            ranges = {row[f"v{i}_name"]: (float(row[f"v{i}_low"]), float(row[f"v{i}_high"]))
                      for i in range(1, n + 1)}
            designs.append((f"feynman_{row['Filename']}", [formula], ranges))
            kept += 1
            if kept == 6:
                break
    else:
        print(f"(skipping the Feynman designs: {FEYNMAN} not found)")
    return designs


def _symbols(expr: str) -> set[str]:
    import re

    return set(re.findall(r"\bx\d+\b", expr))


def jet_builds() -> list[tuple[str, list[str], dict]]:
    """The jet-tagging model at hls4ml's and at symc's settings (tables included)."""
    path = JET / "final_expressions.tsv"
    if not path.is_file():
        print(f"(skipping the jet-tagging designs: {path} not found)")
        return []
    exprs = [line.rstrip("\n").split("\t")[1] for line in path.open()
             if line.strip() and not line.startswith("#")]
    names = [f"x{i}" for i in range(16)]
    return [
        ("jet", exprs, dict(inputs=names, precision="ap_fixed<16,6>", tables=JET_TABLES)),
        ("jet", exprs, dict(inputs={n: (-4.0, 4.0) for n in names}, precision="auto",
                            max_error=SYMC_BOUND, tables=SYMC_TABLES)),
    ]


def timing_part(clocks: tuple[float, ...]) -> None:
    print("\n## Honest timing on ECP5: schedule with the ECP5 model, place and route with "
          "nextpnr-ecp5\n")
    print("| design | ops | precision | clock ns | latency | Fmax MHz | period / clock | met |")
    print("|---|---|---|---|---|---|---|---|")
    ratios, met, skipped = [], 0, 0
    builds = [(name, exprs, dict(inputs=ranges, precision=precision))
              for name, exprs, ranges in arithmetic_designs()
              for precision in ("ap_fixed<16,6>", "auto")]
    builds += jet_builds()
    for name, exprs, options in builds:
        precision = options["precision"]
        for clock in clocks:
            try:
                design = symc.compile(exprs, clock_ns=clock, family="ecp5", name="bench",
                                      **options)
            except SymcError as error:
                skipped += 1
                print(f"| {name} | | {precision} | {clock:g} | unreachable: "
                      f"{str(error)[:60]}... | | | |")
                continue
            r = design.report("ecp5", show=False, fmax=True)
            ratio = (1000.0 / r["fmax_mhz"]) / clock
            ratios.append(ratio)
            met += r["meets_clock"]
            ops = sum(1 for line in design.mlir("fixed").splitlines() if " = sym." in line)
            verdict = "yes" if r["meets_clock"] else "NO"
            print(f"| {name} | {ops} | {precision} | {clock:g} | {design.latency} | "
                  f"{r['fmax_mhz']:.1f} | {ratio:.2f} | {verdict} |")
    if ratios:
        q = statistics.quantiles(ratios, n=10) if len(ratios) >= 2 else ratios
        print(f"\n{met} of {len(ratios)} placed designs meet the requested clock "
              f"({100 * met / len(ratios):.1f}%); achieved period / requested period: "
              f"min {min(ratios):.2f}, 10th pct {q[0]:.2f}, median "
              f"{statistics.median(ratios):.2f}, 90th pct {q[-1]:.2f}, max {max(ratios):.2f}"
              f"; {skipped} (design, clock) pairs rejected as unreachable")


def jet_part() -> None:
    print("\n## Jet tagging (hls4ml tutorial, five PySR expressions with sin/cos tables)\n")
    path = JET / "final_expressions.tsv"
    if not path.is_file():
        print(f"(skipped: {path} not found)")
        return
    exprs = [line.rstrip("\n").split("\t")[1] for line in path.open()
             if line.strip() and not line.startswith("#")]
    names = [f"x{i}" for i in range(16)]
    settings = [
        ("hls4ml settings, 5 ns", dict(precision="ap_fixed<16,6>", tables=JET_TABLES,
                                       clock_ns=5.0)),
        ("hls4ml settings, 2.5 ns", dict(precision="ap_fixed<16,6>", tables=JET_TABLES,
                                         clock_ns=2.5)),
        ("hls4ml settings, combinational", dict(precision="ap_fixed<16,6>", tables=JET_TABLES)),
        ("hls4ml settings, block RAM tables, 5 ns", dict(precision="ap_fixed<16,6>",
                                                         tables=JET_TABLES, clock_ns=5.0,
                                                         roms="block")),
        ("hls4ml settings, roms=auto, 5 ns", dict(precision="ap_fixed<16,6>",
                                                  tables=JET_TABLES, clock_ns=5.0,
                                                  roms="auto")),
        ("hls4ml settings, roms=auto, DSP budget 65, 5 ns", dict(
            precision="ap_fixed<16,6>", tables=JET_TABLES, clock_ns=5.0, roms="auto",
            dsp_budget=HLS4ML["dsp"])),
        ("symc auto, 5 ns", dict(precision="auto", max_error=SYMC_BOUND, tables=SYMC_TABLES,
                                 clock_ns=5.0)),
        ("symc auto, block RAM tables, 5 ns", dict(precision="auto", max_error=SYMC_BOUND,
                                                   tables=SYMC_TABLES, clock_ns=5.0,
                                                   roms="block")),
        ("symc auto, roms=auto, 5 ns", dict(precision="auto", max_error=SYMC_BOUND,
                                            tables=SYMC_TABLES, clock_ns=5.0, roms="auto")),
        ("symc auto, 2.5 ns", dict(precision="auto", max_error=SYMC_BOUND, tables=SYMC_TABLES,
                                   clock_ns=2.5)),
        ("symc auto 1.0, 64 entries, 5 ns", dict(precision="auto", max_error=1.0,
                                                 tables=SYMC_SMALL, clock_ns=5.0)),
        ("symc auto 1.0, 64 entries, roms=auto, 5 ns", dict(precision="auto", max_error=1.0,
                                                            tables=SYMC_SMALL, clock_ns=5.0,
                                                            roms="auto")),
        ("symc ap_fixed<12,4>, 5 ns", dict(precision="ap_fixed<12,4>", tables=SYMC_TABLES,
                                           clock_ns=5.0)),
    ]
    rng = np.random.default_rng(0)
    X = np.clip(rng.standard_normal((20000, 16)), -4, 4)
    reference = _float_scores(exprs, X)
    packed: list[tuple[str, symc.Design]] = []
    devices: set[str] = set()
    print("| build | latency (cycles) | latency ns | LUT | FF | DSP | BRAM18 | Fmax ECP5 MHz | "
          "mean abs err | max abs err | class agrees |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    h = HLS4ML
    print(f"| hls4ml (published, Vivado, xcvu9p) | {h['latency_cycles']} | "
          f"{h['latency_cycles'] * h['clock_ns']:g} | {h['lut']} | {h['ff']} | {h['dsp']} | "
          f"{h['bram18']} | | | | |")
    for label, options in settings:
        started = time.time()
        inputs: dict[str, tuple[float, float]] | list[str] = names
        if options.get("precision") == "auto":
            inputs = {n: (-4.0, 4.0) for n in names}
        try:
            design = symc.compile(exprs, inputs=inputs, family="xcup", name="jet", **options)
        except SymcError as error:
            print(f"| {label} | not built: {error} |")
            continue
        r = design.report("xcup", show=False, fmax=True)
        devices.add(r["ecp5_device"])
        got = design.predict(X)
        err = np.abs(got - reference)
        agree = np.mean(np.argmax(got, axis=1) == np.argmax(reference, axis=1))
        print(f"| {label} | {design.latency} | {r['latency_ns']:g} | {r['lut']} | {r['ff']} | "
              f"{r['dsp']} | {r['bram']} | {r['fmax_mhz']:.1f} | {err.mean():.2e} | "
              f"{err.max():.2e} | {100 * agree:.2f}% |")
        print(f"(built and measured in {time.time() - started:.0f} s)", file=sys.stderr)
        if label.startswith("hls4ml settings, roms=auto"):
            packed.append((label, design))
    print("\nResources: yosys 0.70 synth_xilinx -family xcup (symc) vs Vivado (hls4ml); FF "
          "counts include every pipeline register (yosys packs delay chains into SRL LUTs). "
          f"Fmax: nextpnr-ecp5 between registers, speed 6, on the smallest ECP5 that holds the "
          f"design ({', '.join(sorted(devices))}).")
    # yosys's xilinx_dsp packs registers, post-adders and cascades into DSP48E1 (xc7) but
    # into no DSP48E2: on xcup every DSP pipeline register and partial-product adder stays in
    # the fabric, where Vivado would pack them. The same Verilog synthesized for xc7 shows
    # what packing does to those counts.
    print("\nThe same Verilog synthesized by yosys for xc7, where it packs DSP registers, "
          "post-adders and cascades (DSP48E1; yosys packs none into DSP48E2):\n")
    print("| build | LUT | FF | DSP | BRAM18 |")
    print("|---|---|---|---|---|")
    for label, design in packed:
        resources, _ = yosys.synthesize(design.verilog, design.name, "xc7")
        print(f"| {label}, Verilog for xcup, yosys xc7 | {resources.lut} | {resources.ff} | "
              f"{resources.dsp} | {resources.bram} |")


def _float_scores(exprs: list[str], X: np.ndarray) -> np.ndarray:
    import sympy

    from symc.frontend.parse import parse_expression

    symbols = [sympy.Symbol(f"x{i}") for i in range(16)]
    cols = []
    for expr in exprs:
        f = sympy.lambdify(symbols, parse_expression(expr), modules="numpy")
        cols.append(np.asarray(f(*X.T), dtype=np.float64) * np.ones(len(X)))
    return np.stack(cols, axis=1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=["timing", "jet", "all"], default="all")
    parser.add_argument("--clocks", type=float, nargs="*", default=[7.0, 10.0, 15.0])
    args = parser.parse_args(argv)
    # hls4ml's tables cover [-8, 8] and clamp arguments beyond (symc warns for each table); the
    # accuracy columns show the effect, so the warnings are not repeated here.
    warnings.filterwarnings("ignore", message=r"the \w+ table covers")
    if args.part in ("jet", "all"):
        jet_part()
    if args.part in ("timing", "all"):
        timing_part(tuple(args.clocks))
    return 0


if __name__ == "__main__":
    sys.exit(main())
