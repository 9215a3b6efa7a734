"""Compile time, expression text -> Verilog, stage by stage (printed tables, not timed tests).

1. The five-class jet-tagging model (final_expressions.tsv, inputs in [-4, 4]) in each
   precision mode: ap_fixed<16,6> pipelined at 5 ns, ap_fixed<16,6> combinational, ``auto``
   (bound 0.01, the default) at 5 ns, and hls4ml's settings (256-entry tables over [-8, 8],
   hls4ml's indexing) at 5 ns. Warm (a first compile of each mode is left out), median of 3;
   the stage times are the mean of those 3. symc remembers the tables it built in a process
   (an exploration asks for the same ones design after design), so each mode is timed twice:
   "new design" forgets them before every compile, "again" compiles the same design again.
2. The 112 hall-of-fame equations (``sc(x) = sin(x)*cos(x)``) as 112 separate designs, at the
   defaults (ap_fixed<16,6>, combinational) and at ap_fixed<16,6> pipelined at 5 ns, tables
   remembered across designs (and, once, forgotten before every design).

Needs ../shared/benchmarks/jet_tagging_pysr. Run: python benchmarks/bench_compile.py
(the machine is shared: compare runs made side by side, not with figures from elsewhere).
"""

from __future__ import annotations

import csv
import statistics
import sys
import time
import warnings
from pathlib import Path

import symc
from symc import pipeline
from symc.passes import approximate_lut


def forget_tables() -> None:
    forget = getattr(approximate_lut, "forget_tables", None)  # (older symc remembers none)
    if forget is not None:
        forget()


JET = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "jet_tagging_pysr"
INPUTS = {f"x{i}": (-4.0, 4.0) for i in range(16)}
HLS4ML_TABLES = {name: {"entries": 256, "domain": [-8, 8], "indexing": "hls4ml"}
                 for name in ("sin", "cos")}
MODES = {
    "ap_fixed<16,6> @5 ns": dict(precision="ap_fixed<16,6>", clock_ns=5.0),
    "ap_fixed<16,6> combinational": dict(precision="ap_fixed<16,6>"),
    "auto (0.01) @5 ns": dict(precision="auto", clock_ns=5.0),
    "hls4ml settings @5 ns": dict(precision="ap_fixed<16,6>", clock_ns=5.0,
                                  tables=HLS4ML_TABLES),
}
SHOWN = 4
"""Stages named per mode (the largest); the rest are summed as "other"."""


def final_model() -> list[str]:
    lines = (JET / "final_expressions.tsv").read_text().splitlines()
    return [ln.split("\t")[1].strip() for ln in lines if ln.strip() and not ln.startswith("#")]


def hall_of_fame() -> list[str]:
    equations = []
    for path in sorted(JET.glob("hall_of_fame_class*.csv")):
        with path.open() as f:
            equations += [row["Equation"] for row in csv.DictReader(f)]
    return equations


def bench_jet(repeat: int = 3) -> None:
    exprs = final_model()
    print("## the jet model -> Verilog, warm (median of 3; stages: mean seconds per compile)")
    print("| mode | tables | seconds | stages |")
    print("|---|---|---|---|")
    for label, options in MODES.items():
        symc.compile(exprs, inputs=INPUTS, **options)  # first-call caches out of the measure
        for tables, forget in (("new design", True), ("again", False)):
            totals = []
            with pipeline.stage_times() as stages:
                for _ in range(repeat):
                    if forget:
                        forget_tables()
                    start = time.perf_counter()
                    symc.compile(exprs, inputs=INPUTS, **options)
                    totals.append(time.perf_counter() - start)
            ranked = sorted(stages.items(), key=lambda kv: -kv[1])
            shown = [f"{name} {seconds / repeat:.2f}" for name, seconds in ranked[:SHOWN]]
            rest = sum(seconds for _, seconds in ranked[SHOWN:]) / repeat
            print(f"| {label} | {tables} | {statistics.median(totals):.2f} | "
                  f"{', '.join(shown)}, other {rest:.2f} |")


def bench_hall_of_fame() -> None:
    equations = hall_of_fame()
    sc = {"sc": "sin(x)*cos(x)"}
    print(f"\n## {len(equations)} hall-of-fame equations, one design each -> Verilog")
    print("| options | tables | seconds | per design | stages (seconds, all designs) |")
    print("|---|---|---|---|---|")
    runs = [("ap_fixed<16,6> combinational", {}, False),
            ("ap_fixed<16,6> combinational", {}, True),
            ("ap_fixed<16,6> @5 ns", {"clock_ns": 5.0}, False)]
    for label, options, forget in runs:
        symc.compile(equations[0], inputs=list(INPUTS), functions=sc, **options)
        forget_tables()
        with pipeline.stage_times() as stages:
            start = time.perf_counter()
            for equation in equations:
                if forget:
                    forget_tables()
                symc.compile(equation, inputs=list(INPUTS), functions=sc, **options)
            total = time.perf_counter() - start
        ranked = sorted(stages.items(), key=lambda kv: -kv[1])
        shown = ", ".join(f"{name} {seconds:.2f}" for name, seconds in ranked[:SHOWN])
        tables = "forgotten each design" if forget else "remembered"
        print(f"| {label} | {tables} | {total:.2f} | {total / len(equations) * 1000:.0f} ms "
              f"| {shown} |")


def main() -> int:
    if not JET.is_dir():
        print(f"skipped: {JET} is absent", file=sys.stderr)
        return 0
    warnings.simplefilter("ignore")  # the jet model's table arguments wrap at ap_fixed<16,6>
    symc.compile("x0 + 1")  # imports out of the measurement
    bench_jet()
    bench_hall_of_fame()
    return 0


if __name__ == "__main__":
    sys.exit(main())
