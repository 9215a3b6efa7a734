"""Which designs schedule at a short clock: every benchmark formula and property-test
expression compiled at a clock and family, the share that schedules and the refusals grouped
by the op that no stage holds. Printed as tables (nothing is synthesized: the delay model).

    python benchmarks/bench_clocks.py                      # 2.5 ns on xcup, 5 ns on ECP5
    python benchmarks/bench_clocks.py --clock xcup:2.5     # one target

Sources: the property tests' random expressions (tests/expressions.py, 150 of them, the same
every run), and from ../shared/benchmarks when present: the five PySR hall-of-fame fronts of
the jet-tagging tutorial (``sc(x) = sin(x)*cos(x)``) with inputs on [-4, 4], its five final
expressions as one design, and the AI Feynman formulas on their published ranges (``pi`` as
its value). Each at ``ap_fixed<16,6>``, ``ap_fixed<18,8>`` and ``auto`` (``max_error=1e-3``).
A formula symc cannot compile at any clock (an unsupported function) is counted apart.
"""

from __future__ import annotations

import argparse
import collections
import csv
import math
import re
import sys
import time
import warnings
from pathlib import Path

import symc
from symc import sr
from symc.frontend.errors import SymcError

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "benchmarks"
MODES = {"ap_fixed<16,6>": {}, "ap_fixed<18,8>": {"precision": "ap_fixed<18,8>"},
         "auto 1e-3": {"precision": "auto", "max_error": 1e-3}}


def designs() -> list[tuple[str, str, list, dict, dict]]:
    """(source, label, expressions, input ranges, functions)."""
    out: list[tuple[str, str, list, dict, dict]] = []
    sys.path.insert(0, str(ROOT / "tests"))
    import expressions as property_tests
    from hypothesis import HealthCheck, given, settings

    drawn: list = []

    @settings(max_examples=150, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(property_tests.expressions)
    def draw(expr) -> None:  # noqa: ANN001 - a sympy expression
        drawn.append(expr)

    draw()
    out += [("property tests", str(e), [e], property_tests.RANGES, {}) for e in drawn]
    jet = SHARED / "jet_tagging_pysr"
    if jet.is_dir():
        functions = {"sc": "sin(x)*cos(x)"}
        ranges = {f"x{i}": (-4.0, 4.0) for i in range(16)}
        for path in sorted(jet.glob("hall_of_fame_*.csv")):
            for front in sr.read(path, functions=functions):
                out += [("jet hall of fame", f"{front.name} {eq.complexity}", [eq.text], ranges,
                         functions) for eq in front]
        final = [line.split("\t")[1].strip()
                 for line in (jet / "final_expressions.tsv").read_text().splitlines()
                 if line.strip() and not line.startswith("#")]
        out.append(("jet final model", "five outputs", final, ranges, functions))
    feynman = SHARED / "feynman" / "FeynmanEquations.csv"
    if feynman.is_file():
        with feynman.open(encoding="utf-8-sig") as handle:
            for row in csv.DictReader(handle):
                try:
                    n = int(row["# variables"])
                    ranges = {row[f"v{i}_name"]: (float(row[f"v{i}_low"]),
                                                  float(row[f"v{i}_high"]))
                              for i in range(1, n + 1)}
                except (ValueError, KeyError):
                    continue
                formula = re.sub(r"\bpi\b", repr(math.pi), row["Formula"])
                out.append(("AI Feynman", row["Filename"], [formula], ranges, {}))
    return out


def survey(family: str, clock_ns: float, cases: list) -> None:
    print(f"\n## {clock_ns:g} ns on {family}\n")
    print("| source | precision | designs | schedule | refused for the clock | "
          "not compiled at all |")
    print("|---|---|---|---|---|---|")
    refusals: collections.Counter = collections.Counter()
    example: dict = {}
    started = time.time()
    for source in dict.fromkeys(c[0] for c in cases):
        for mode, options in MODES.items():
            counts = collections.Counter()
            for _, label, exprs, ranges, functions in (c for c in cases if c[0] == source):
                extra = {"functions": functions} if functions else {}
                try:
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        symc.compile(exprs, ranges, clock_ns=clock_ns, family=family,
                                     **options, **extra)
                    counts["ok"] += 1
                except SymcError as error:
                    text = str(error)
                    if "clock is unreachable" not in text:
                        counts["other"] += 1
                        continue
                    counts["clock"] += 1
                    op = re.search(r"'(sym\.\w+)'", text)
                    key = (op.group(1) if op else "?", mode)
                    refusals[key] += 1
                    example.setdefault(key, (f"{source}: {label}", text))
            total = sum(counts.values())
            print(f"| {source} | {mode} | {total} | {counts['ok']} | {counts['clock']} | "
                  f"{counts['other']} |")
    print(f"\n({time.time() - started:.0f} s)\n")
    if refusals:
        print("| op no stage holds | precision | designs | example |")
        print("|---|---|---|---|")
        for (op, mode), n in refusals.most_common():
            where, text = example[(op, mode)]
            reason = text.split(": ", 2)[-1]
            print(f"| {op} | {mode} | {n} | {where}: {reason} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clock", nargs="*", default=["xcup:2.5", "ecp5:5"],
                        metavar="FAMILY:NS")
    args = parser.parse_args(argv)
    cases = designs()
    if not (SHARED / "jet_tagging_pysr").is_dir():
        print(f"({SHARED} is absent: property-test expressions only)")
    for target in args.clock:
        family, _, ns = target.partition(":")
        survey(family, float(ns), cases)
    return 0


if __name__ == "__main__":
    sys.exit(main())
