"""The emulator's speed, side by side with hls4ml's C simulation in one run, printed as tables.

1. The jet-tagging model (five PySR expressions over 16 inputs, from ../shared/benchmarks),
   100,000 N(0,1) samples: symc's ``predict`` at hls4ml's settings (ap_fixed<16,6>, 256-entry
   tables over [-8, 8], hls4ml indexing: its product chains are exact up to 116 bits, so part of
   it runs on limbs) and at symc's defaults, against hls4ml's ``predict`` (its C++ compiled
   with g++) on the same inputs, and whether the outputs are bit-identical.
2. A 20-operation int64 design through the public ``predict``, one core and two.
   Each ``predict`` runs twice: ``engine="numpy"`` (the interpreter, the reference) and
   ``engine="native"`` (the same IR compiled by g++), and both must equal hls4ml.
3. Verilator: ``simulate`` on 1M vectors (run in chunks), samples/s.
4. Memory: ``predict`` on 10M x 16 rows, the peak beyond X and the result (tracemalloc).

Run: python benchmarks/bench_emulator.py [--samples N] [--big N]   (the machine is shared:
read ratios, which are measured side by side, not absolutes)
"""

from __future__ import annotations

import argparse
import re
import shutil
import tempfile
import tracemalloc
import warnings
from pathlib import Path

import numpy as np
from bench_spine import N_INPUTS, polynomial
from timing import timed

import symc

FINAL = (Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "jet_tagging_pysr"
         / "final_expressions.tsv")
HLS4ML_TABLES = {"entries": 256, "domain": [-8, 8], "indexing": "hls4ml"}


def jet_expressions() -> list[str]:
    rows = [line.split("\t") for line in FINAL.read_text().splitlines()
            if line.strip() and not line.startswith("#")]
    return [row[1].strip() for row in rows]


def hls4ml_model(exprs: list[str], n_inputs: int, out: Path):
    """hls4ml's model of the expressions at its settings, compiled (None without hls4ml)."""
    try:
        import hls4ml  # the comparison only; not a dependency of symc
    except ImportError:
        return None
    if shutil.which("g++") is None:
        return None
    luts = {f"{f}_lut": {"math_func": f, "range_start": -8, "range_end": 8, "table_size": 256}
            for f in ("sin", "cos", "exp")}
    renamed = [re.sub(r"\b(sin|cos|exp)\(", r"\1_lut(", e) for e in exprs]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = hls4ml.converters.convert_from_symbolic_expression(
            renamed, n_symbols=n_inputs, lut_functions=luts, output_dir=str(out),
            precision="ap_fixed<16,6>", hls_include_path="", hls_libs_path="")
        model.compile()
    return model


def bench_jet(n: int) -> None:
    print(f"## the jet-tagging model, {n:,} N(0,1) samples (median of 3)")
    if not FINAL.exists():
        print(f"(skipped: {FINAL} is absent)")
        return
    exprs = jet_expressions()
    inputs = [f"x{i}" for i in range(16)]
    # hls4ml's bridge passes float32: the same values for both.
    X = np.random.default_rng(0).normal(size=(n, 16)).astype(np.float32).astype(np.float64)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the [-8, 8] tables clamp part of ap_fixed<16,6>
        at_hls4ml = symc.compile(exprs, inputs=inputs, precision="ap_fixed<16,6>",
                                 tables={f: HLS4ML_TABLES for f in ("sin", "cos", "exp")})
        defaults = symc.compile(exprs, inputs=inputs, precision="ap_fixed<16,6>")
    with tempfile.TemporaryDirectory() as tmp:
        model = hls4ml_model(exprs, 16, Path(tmp) / "prj")
        t_hls, expected = (timed(lambda: np.asarray(model.predict(X.astype(np.float32)),
                                                    dtype=np.float64).reshape(n, -1), 3)
                           if model is not None else (None, None))
    print(f"| {'build':<44} | {'wide ops':>8} | {'seconds':>8} | {'samples/s':>10} | "
          f"{'vs hls4ml':>9} | {'== hls4ml':>9} |")
    print(f"|{'-' * 46}|{'-' * 10}|{'-' * 10}|{'-' * 12}|{'-' * 11}|{'-' * 11}|")
    if t_hls is not None:
        print(f"| {'hls4ml predict (its C simulation, g++)':<44} | {'':>8} | {t_hls:>8.3f} | "
              f"{n / t_hls:>10,.0f} | {'1.0x':>9} | {'':>9} |")
    else:
        print("| hls4ml (not installed, or no g++): no comparison |")
    for label, design in (("symc at hls4ml's settings", at_hls4ml),
                          ("symc defaults", defaults)):
        t_build, _ = timed(lambda d=design: d.native, 1)
        print(f"| {f'{label}: native build (g++, once)':<44} | {'':>8} | {t_build:>8.3f} | "
              f"{'':>10} | {'':>9} | {'':>9} |")
        for engine in ("numpy", "native"):
            for n_jobs in (1, 2):
                t, got = timed(lambda d=design, e=engine, j=n_jobs: d.predict(
                    X, n_jobs=j, engine=e), 3)
                ratio = f"{t_hls / t:.1f}x" if t_hls else "-"
                same = ("yes" if np.array_equal(got, expected) else "NO") if (
                    expected is not None and design is at_hls4ml) else ""
                row = f"{label}, {engine}, n_jobs={n_jobs}"
                print(f"| {row:<44} | {len(design.emulator.wide_ops):>8} | {t:>8.3f} | "
                      f"{n / t:>10,.0f} | {ratio:>9} | {same:>9} |")


def bench_int64(n: int) -> None:
    print(f"\n## a 20-operation int64 design through predict, {n:,} samples (median of 3)")
    inputs = {f"x{i}": (-4.0, 4.0) for i in range(N_INPUTS)}
    design = symc.compile(polynomial(20, seed=1), inputs=inputs, precision="ap_fixed<16,6>")
    X = np.random.default_rng(0).uniform(-4, 4, size=(n, N_INPUTS))
    raw = design.quantize_inputs(X)
    print(f"| {'call':<34} | {'seconds':>8} | {'Msamples/s':>10} |")
    print(f"|{'-' * 36}|{'-' * 10}|{'-' * 12}|")
    t, _ = timed(lambda: design.emulator.run_raw(raw), 3)
    print(f"| {'emulator.run_raw (raw in, raw out)':<34} | {t:>8.3f} | {n / t / 1e6:>10.2f} |")
    design.native  # noqa: B018 - built before the timing
    for engine in ("numpy", "native"):
        for n_jobs in (1, 2):
            t, _ = timed(lambda e=engine, j=n_jobs: design.predict(X, n_jobs=j, engine=e), 3)
            row = f"predict, {engine}, n_jobs={n_jobs}"
            print(f"| {row:<34} | {t:>8.3f} | {n / t / 1e6:>10.2f} |")


def bench_verilator(n: int) -> None:
    print(f"\n## Verilator: simulate {n:,} vectors of the 20-operation design (built first)")
    inputs = {f"x{i}": (-4.0, 4.0) for i in range(N_INPUTS)}
    design = symc.compile(polynomial(20, seed=1), inputs=inputs, precision="ap_fixed<16,6>")
    X = np.random.default_rng(0).uniform(-4, 4, size=(n, N_INPUTS))
    t_build, _ = timed(lambda: design.simulate(X[:1]), 1)
    t, got = timed(lambda: design.simulate(X), 1)
    same = np.array_equal(got, design.predict(X))
    print(f"| build {t_build:.1f} s | run {t:.1f} s | {n / t:,.0f} samples/s | "
          f"== emulator: {'yes' if same else 'NO'} |")


def bench_memory(n: int) -> None:
    print(f"\n## memory: predict on {n:,} x 16 rows (the jet model's first expression)")
    if not FINAL.exists():
        print(f"(skipped: {FINAL} is absent)")
        return
    design = symc.compile(jet_expressions()[0], inputs=[f"x{i}" for i in range(16)],
                          precision="ap_fixed<16,6>")
    X = np.random.default_rng(0).normal(size=(n, 16))
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    design.native  # noqa: B018 - built before the measurement
    for engine in ("numpy", "native"):
        tracemalloc.reset_peak()
        t, out = timed(lambda e=engine: design.predict(X, engine=e), 1)
        peak = tracemalloc.get_traced_memory()[1] - before
        print(f"| {engine} | X {X.nbytes / 2**20:,.0f} MiB | result {out.nbytes / 2**20:,.0f} "
              f"MiB | peak beyond X {peak / 2**20:,.0f} MiB, of which beyond the result "
              f"{(peak - out.nbytes) / 2**20:,.1f} MiB | {t:.1f} s |")
        del out
    tracemalloc.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=100_000)
    parser.add_argument("--sim", type=int, default=1_000_000,
                        help="vectors of the Verilator measurement (0: skip it)")
    parser.add_argument("--big", type=int, default=10_000_000,
                        help="rows of the memory measurement (0: skip it)")
    args = parser.parse_args()
    bench_jet(args.samples)
    bench_int64(1_000_000)
    if args.sim:
        bench_verilator(args.sim)
    if args.big:
        bench_memory(args.big)


if __name__ == "__main__":
    main()
