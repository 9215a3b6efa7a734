"""Lookup-table benchmarks, printed as tables (not timed tests).

1. Compile time of the 112 jet-tagging hall-of-fame equations (PySR, ``sc`` as a custom function)
   to Verilog: one design with 112 outputs, and 112 designs one by one.
2. The 5-class jet-tagging model (final_expressions.tsv) against float64 on N(0,1) inputs: max
   absolute error per class and agreement of the top class, at ap_fixed<16,6>, with hls4ml's
   settings (256-entry tables over [-8, 8], bit-exact with hls4ml) next to symc's own tables of
   the same size (256 entries of 16 bits: periodic, then periodic with linear interpolation).

Needs ../shared/benchmarks/jet_tagging_pysr. Run: python benchmarks/bench_tables.py
"""

from __future__ import annotations

import csv
import math
import sys
import time
import warnings
from pathlib import Path

import numpy as np

import symc

SHARED = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "jet_tagging_pysr"
INPUTS = [f"x{i}" for i in range(16)]


def hall_of_fame() -> list[str]:
    equations = []
    for path in sorted(SHARED.glob("hall_of_fame_class*.csv")):
        with path.open() as f:
            equations += [row["Equation"] for row in csv.DictReader(f)]
    return equations


def final_model() -> list[str]:
    lines = [
        ln.split("\t")
        for ln in (SHARED / "final_expressions.tsv").read_text().splitlines()
        if ln and not ln.startswith("#")
    ]
    return [expr.strip() for _, expr in lines]


def bench_compile() -> None:
    equations = hall_of_fame()
    print(f"## compile time, {len(equations)} hall-of-fame equations -> Verilog")
    print("| how | tables | seconds |")
    print("|---|---|---|")
    symc.compile("x0 + 1")  # imports and caches out of the measurement
    sc = {"sc": "sin(x)*cos(x)"}
    for label, tables in [
        ("1024 entries (default)", None),
        ("256 entries", {"*": {"entries": 256}}),
    ]:
        start = time.perf_counter()
        design = symc.compile(equations, inputs=INPUTS, functions=sc, tables=tables)
        one = time.perf_counter() - start
        start = time.perf_counter()
        for equation in equations:
            symc.compile(equation, inputs=INPUTS, functions=sc, tables=tables)
        each = time.perf_counter() - start
        print(f"| one design, 112 outputs | {label}, {len(design.tables)} tables | {one:.1f} |")
        print(f"| 112 designs | {label} | {each:.1f} |")


def _float_model(exprs: list[str], X: np.ndarray) -> np.ndarray:
    import sympy

    from symc.frontend.parse import parse_expression

    symbols = [sympy.Symbol(n) for n in INPUTS]
    cols = [sympy.lambdify(symbols, parse_expression(e), modules="numpy")(*X.T) for e in exprs]
    return np.stack([np.broadcast_to(c, len(X)) for c in cols], axis=1)


def bench_accuracy(n: int = 100_000) -> None:
    exprs = final_model()
    X = np.random.default_rng(0).normal(size=(n, 16))
    reference = _float_model(exprs, X)
    top = np.argmax(reference, axis=1)
    hls4ml = {"entries": 256, "domain": [-8, 8], "indexing": "hls4ml"}
    configurations = [
        (
            "hls4ml settings (bit-exact with hls4ml)",
            "ap_fixed<16,6>",
            {"sin": hls4ml, "cos": hls4ml},
        ),
        ("symc bits, periodic", "ap_fixed<16,6>", {"*": {"entries": 256}}),
        (
            "symc bits, periodic, linear",
            "ap_fixed<16,6>",
            {"*": {"entries": 256, "interpolation": "linear"}},
        ),
    ]
    print(f"\n## 5-class jet model vs float64, {n} N(0,1) inputs (float64 at the exact inputs)")
    print("| configuration | tables | max abs error per class (g q t w z) | top-class agreement |")
    print("|---|---|---|---|")
    for label, precision, tables in configurations:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            design = symc.compile(exprs, inputs=INPUTS, precision=precision, tables=tables)
        got = design.predict(X)
        errors = np.max(np.abs(got - reference), axis=0)
        agree = np.mean(np.argmax(got, axis=1) == top)
        sizes = sorted({(t["entries"], t["bits"]) for t in design.tables})
        table_text = ", ".join(f"{len(design.tables)}x{e}x{b}b" for e, b in sizes)
        print(
            f"| {label} | {table_text} | {' '.join(f'{e:.4f}' for e in errors)} | "
            f"{agree:.2%} ({int(round((1 - agree) * n))} differ) |"
        )


if __name__ == "__main__":
    if not SHARED.exists():
        sys.exit(f"skipped: {SHARED} is absent")
    assert math.isfinite(1.0)
    bench_compile()
    bench_accuracy()
