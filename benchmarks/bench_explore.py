"""The explorer on the jet-tagging hall of fame: wall time, and accuracy per LUT budget.

    python benchmarks/bench_explore.py                    # model estimates, then the cached re-run
    python benchmarks/bench_explore.py --measure yosys    # synthesis of every point (minutes)
    python benchmarks/bench_explore.py --rows 20000 -j 2

All 112 equations of the five PySR fronts (``../shared/benchmarks/jet_tagging_pysr``, one
front per class, ``sc(x) = sin(x)*cos(x)``), on ``X ~ N(0, 1)`` (the standardized features;
the jet data itself is not available here), two precisions (hls4ml's ``ap_fixed<16,6>`` with
256-entry tables, and symc's ``auto`` at 0.5 with 64-entry tables) at 5 ns on UltraScale+.
The metric is the argmax agreement with the float64 model of the fronts' most accurate
equations (what hls4ml's tutorial compares against). Printed: the wall time of the sweep and of
the same sweep again (every row from the cache), and for each LUT budget the best combined
five-class design, next to hls4ml's published single point.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

import symc

JET = Path(__file__).resolve().parent.parent.parent / "shared" / "benchmarks" / "jet_tagging_pysr"
HLS4ML = {"lut": 1653, "ff": 870, "dsp": 65, "bram18": 10, "cycles": 8, "agreement": 0.9675}
"""hls4ml's tutorial build of this model (Vivado, 5 ns): resources and agreement with float."""

GRID = [
    symc.CompileOptions(precision="ap_fixed<16,6>", clock_ns=5.0,
                        tables={"*": {"entries": 256}}),
    symc.CompileOptions(precision="auto", max_error=0.5, clock_ns=5.0,
                        tables={"*": {"entries": 64, "interpolation": "none"}}),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--measure", default="model")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("-j", "--jobs", type=int, default=2)
    parser.add_argument("--budgets", default="500,1000,2000,4000")
    parser.add_argument("-o", "--output", default=None, help="also save the report here")
    args = parser.parse_args()
    files = sorted(JET.glob("hall_of_fame_class*.csv"))
    if not files:
        print(f"skipped: {JET} is absent", file=sys.stderr)
        return 0
    X = np.random.default_rng(0).normal(size=(args.rows, 16))
    budgets = tuple(float(b) for b in args.budgets.split(","))
    with tempfile.TemporaryDirectory() as cache:
        times = []
        for _ in range(2):
            start = time.perf_counter()
            study = symc.explore(files, X, None, GRID, functions={"sc": "sin(x)*cos(x)"},
                                 measure=args.measure, n_jobs=args.jobs, cache_dir=cache,
                                 budgets=budgets, progress=sys.stderr.isatty())
            times.append(time.perf_counter() - start)
    n_eq = sum(1 for r in study.rows if r["kind"] == "equation")
    n_comb = len(study.rows) - n_eq
    print(f"jet hall of fame: {n_eq} equation points, {n_comb} combined designs, "
          f"{args.rows} rows, measure {args.measure}, {args.jobs} workers")
    print("| run | wall time |")
    print("|---|---|")
    print(f"| sweep | {times[0]:.1f} s |")
    print(f"| cached re-run | {times[1]:.1f} s |")
    failed = [r for r in study.rows if r["status"] != "ok"]
    print(f"failed points: {len(failed)}")
    for r in failed[:5]:
        print(f"  {r['front']} {r['complexity']} [{r['options']}]: {r['reason'][:100]}")
    print()
    print("| LUT budget | best agreement | design (complexity per class) | options | LUT | FF "
          "| DSP | cycles |")
    print("|---|---|---|---|---|---|---|---|")
    for item in study.budget_table():
        r = item["row"]
        budget = "none" if item["budget"] is None else f"{item['budget']:.0f}"
        if r is None:
            print(f"| {budget} | (none fits) | | | | | | |")
            continue
        print(f"| {budget} | {r['metric']:.2%} | {r['equation']} | {r['options']} | {r['lut']} "
              f"| {r['ff']} | {r['dsp']} | {r['latency_cycles']} |")
    print(f"| hls4ml (Vivado) | {HLS4ML['agreement']:.2%} | final expressions | ap_fixed<16,6>, "
          f"256-entry tables | {HLS4ML['lut']} | {HLS4ML['ff']} | {HLS4ML['dsp']} "
          f"| {HLS4ML['cycles']} |")
    if args.output:
        chosen = study.best_row(max_lut=HLS4ML["lut"], max_latency_cycles=HLS4ML["cycles"])
        for path in study.save(args.output, chosen):
            print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
