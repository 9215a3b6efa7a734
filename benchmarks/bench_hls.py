"""Benchmarks of the HLS C++ backend, printed as tables (not timed tests).

1. generation time, legalized IR -> HLS project files, for designs of 10, 50 and 200 operations;
2. C simulation (g++, ap_types headers): build time and throughput on 100k vectors, for a
   20-operation design and for the jet-tagging model (five PySR expressions with sin and cos
   tables, /work/shared/benchmarks/jet_tagging_pysr/final_expressions.tsv, or $SYMC_JET_MODEL),
   each checked bit for bit against the emulator.

Run: python benchmarks/bench_hls.py   (the machine is shared: read ratios, not absolutes)
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import numpy as np
from bench_spine import N_INPUTS, count_ops, polynomial
from timing import timed

import symc
from symc.backends.hls import print_kernel
from symc.backends.hls_project import project_files
from symc.frontend.errors import SymcError
from symc.toolchain.errors import ToolError

SHARED = Path(__file__).resolve().parents[2] / "shared"
JET_MODEL = Path(os.environ.get(
    "SYMC_JET_MODEL", SHARED / "benchmarks/jet_tagging_pysr/final_expressions.tsv"))
VECTORS = 100_000


def bench_generation() -> None:
    print("## generation time: legalized IR -> HLS project (median of 5)")
    print(f"| {'target ops':>10} | {'ops':>5} | {'C++ lines':>9} | {'print ms':>8} | "
          f"{'project ms':>10} |")
    print(f"|{'-' * 12}|{'-' * 7}|{'-' * 11}|{'-' * 10}|{'-' * 12}|")
    inputs = {f"x{i}": (-4.0, 4.0) for i in range(N_INPUTS)}
    for n in (10, 50, 200):
        design = symc.compile(polynomial(n), inputs=inputs)
        t_print, code = timed(lambda: print_kernel(design.fixed_module), 5)  # noqa: B023
        t_files, _ = timed(lambda: project_files(code), 5)  # noqa: B023
        lines = len(code.source.splitlines())  # type: ignore[attr-defined]
        print(f"| {n:>10} | {count_ops(design):>5} | {lines:>9} | {t_print * 1e3:>8.1f} | "
              f"{t_files * 1e3:>10.2f} |")


def csim_row(label: str, design: symc.Design, X: np.ndarray) -> None:
    start = time.perf_counter()
    design.csim(X[:10])  # the build
    build = time.perf_counter() - start
    start = time.perf_counter()
    simulated = design.csim(X)
    total = time.perf_counter() - start
    binary = design._csim.run_seconds
    start = time.perf_counter()
    predicted = design.predict(X)
    emulator = time.perf_counter() - start
    exact = "yes" if np.array_equal(simulated, predicted) else "NO"
    print(f"| {label:<22} | {build:>7.2f} | {len(X) / total:>11.0f} | {len(X) / binary:>12.0f} | "
          f"{len(X) / emulator:>11.0f} | {exact:>9} |")


def bench_csim() -> None:
    print(f"\n## C simulation: build once, run {VECTORS // 1000}k vectors")
    print("(vectors/s: through Design.csim, of the compiled testbench alone, and of the emulator)")
    print(f"| {'design':<22} | {'build s':>7} | {'csim vec/s':>11} | {'binary vec/s':>12} | "
          f"{'emul. vec/s':>11} | {'bit-exact':>9} |")
    print(f"|{'-' * 24}|{'-' * 9}|{'-' * 13}|{'-' * 14}|{'-' * 13}|{'-' * 11}|")
    rng = np.random.default_rng(0)
    inputs = {f"x{i}": (-4.0, 4.0) for i in range(N_INPUTS)}
    design = symc.compile(polynomial(20, seed=1), inputs=inputs)
    csim_row("20 ops, ap_fixed<16,6>", design, rng.uniform(-4, 4, size=(VECTORS, N_INPUTS)))
    jet = jet_model()
    if jet is not None:
        label, design = jet
        # The expressions' inputs are standardized features: mostly within a few sigma.
        csim_row(label, design, rng.normal(size=(VECTORS, N_INPUTS)) * 1.5)


def jet_model() -> tuple[str, symc.Design] | None:
    if not JET_MODEL.is_file():
        print(f"| jet model: skipped, {JET_MODEL} not found (set SYMC_JET_MODEL) |")
        return None
    rows = [line.split("\t") for line in JET_MODEL.read_text().splitlines()
            if line.strip() and not line.startswith("#")]
    exprs = [row[1].strip() for row in rows]
    start = time.perf_counter()
    try:
        design = symc.compile(exprs, inputs=[f"x{i}" for i in range(N_INPUTS)],
                              precision="ap_fixed<16,6>", name="jet")
    except SymcError as exc:
        if "sym-approximate-lut" not in str(exc):
            raise
        print(f"| jet model: skipped, it needs the sym-approximate-lut pass ({exc}) |")
        return None
    compile_s = time.perf_counter() - start
    t_print, code = timed(lambda: print_kernel(design.fixed_module), 3)
    lines = len(code.source.splitlines())  # type: ignore[attr-defined]
    tables = code.source.count("static const")  # type: ignore[attr-defined]
    print(f"| (jet model: compile {compile_s:.2f} s, HLS C++ printed in {t_print * 1e3:.0f} ms: "
          f"{lines} lines, {tables} tables) |")
    return f"jet model ({len(exprs)} outputs)", design


if __name__ == "__main__":
    try:
        bench_generation()
        bench_csim()
    except ToolError as exc:
        sys.exit(f"C simulation unavailable: {exc}")
