"""Hardware-aware symbolic regression against node count: LUTs and latency at equal accuracy.

    python benchmarks/bench_hardware_aware.py                   # three data sets (minutes)
    python benchmarks/bench_hardware_aware.py --quick           # one data set, short searches
    python benchmarks/bench_hardware_aware.py --data-dir PATH --law isobutane --all

For each data set, ``symc.fit`` runs twice with the same seed, operators and search budget on
a training split: ``cost="nodes"`` (the node count) and ``cost="hardware"`` (symc's additive
LUT price of the formula, priced at ap_fixed<16,6>, 5 ns, UltraScale+, a DSP block counted as
the family's LUTs per DSP). Every equation of both fronts is compiled at one precision, at
5 ns on xcup, and scored on the held-out split by the fixed-point emulator
(``Design.predict``) and, for reference, by the float formula. The question is then: at equal
held-out accuracy, which front gives the cheaper design?

Data sets (read from ``--data-dir``, by default ``../shared/benchmarks`` beside the
repository; nothing is copied):

* **dijet**: the CMS dijet spectrum (``cms_spectra/dijet.csv``, 42 bins). Fitted: log(y)
  against the mass in TeV (x/1000); the bin with y = 0 has no logarithm and is left out.
  Operators ``+ - * / log``: ``exp`` is left out because ``cost="hardware"`` cannot price it
  at 5 ns (symc's range-reduced exp table takes 14.6 ns).
* **law** (``--law``, default ``tully``): one EmpiricalBench set (``empirical_bench/*.csv``,
  the PySR paper's real measurements): ``tully`` the Tully-Fisher relation (magnitude
  against the velocity dispersion, law M = a log10(DV) + b, 18 points, ``+ - * / log``);
  ``leavitt`` Leavitt's law, M = a logP + b (``+ - *``); ``hubble`` v = H0 D (``+ - *``);
  ``isobutane`` the dual-site Langmuir isotherm of isobutane, q = q1 K1 p/(1 + K1 p) +
  q2 K2 p/(1 + K2 p) (17 points, ``+ - * /``); ``nitrogen`` Langmuir's 1918 nitrogen
  isotherm, q = a b p/(1 + b p) (``+ - * /``). ``equations.yml`` describes the first three.
* **wine**: ``sklearn.datasets.load_wine`` (13 features, 3 classes), standardized with the
  training split's mean and standard deviation, one-vs-rest fronts (``classes=True``,
  ``+ - *``), compiled at ap_fixed<16,6>. Class fronts are paired by equal rank: design k
  takes equation k of each class's front (its last one when the front is shorter), and the
  three are compiled together as one three-output design; the metric is the test accuracy of
  the argmax of its three emulated outputs.

Splits: the one-input sets hold out every third point in the order of the input (the two
ends stay in training: a test of interpolation on a few dozen points); wine a seeded random
30 %. The regression sets are compiled at ``auto`` precision with an error budget of a quarter
of the best training RMSE of the two fronts (the fixed point costs the best formula little
accuracy), tables without interpolation (an interpolated table does not fit one 5 ns stage);
the ports' ranges are the inputs' domain (all the data's inputs).

Metrics: regression, the normalized RMSE on the test split, RMSE / std(y_test) (R² is
1 - NRMSE²); classification, the test accuracy. The thresholds are fixed levels (NRMSE 0.3,
0.1, 0.03, 0.01; accuracy 0.8, 0.9, 0.95) reached by at least one front, plus the best test
metric both fronts reach ("both") and the best either reaches ("best"). At each threshold,
each front's cheapest design that reaches it is the one of lowest yosys LUT + 172.8 x DSP
(the search's own exchange rate), cycles breaking ties. Synthesis is lazy: candidates are
synthesized in the order of symc's estimate, until the estimate of the next one exceeds
``--slack`` times the best measured cost (``--all``: every candidate); yosys results are
cached by Verilog within the run, and on disk under ``--cache-dir`` (default: a fresh
temporary folder, so that the wall time is a cold run's).

Printed: each fit's wall time, the operator prices, one row per equation (or paired design)
of each front with its refusal reason when symc refuses it, the threshold table, the
synthesis count and the total wall time.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import math
import os
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import sympy

import symc
from symc.costs import SCALED, family_luts_per_dsp
from symc.design import real_values
from symc.estimate import estimate
from symc.fit import fit

DATA_DIR = Path(__file__).resolve().parents[2] / "shared" / "benchmarks"
"""``../shared/benchmarks`` beside the repository."""
FAMILY, CLOCK_NS, TARGET = "xcup", 5.0, "xcup"
FIT_PRECISION = "ap_fixed<16,6>"
"""What ``cost="hardware"`` prices at (``fit`` prices at an ap_fixed type)."""
ERROR_SHARE = 0.25
"""``auto`` precision: the error budget as a share of the best training RMSE of the fronts."""
PLAIN_TABLES = {"*": {"interpolation": "none"}}
TRAIN_SHARE = 0.7
REGRESSION_LEVELS = (0.3, 0.1, 0.03, 0.01)
CLASS_LEVELS = (0.8, 0.9, 0.95)
DATASETS = ("dijet", "law", "wine")
LAWS = {
    # name: (file, input column, target column, operators, law)
    "isobutane": ("dual-site_langmuir_isobutane.csv", "p", "q", "+,-,*,/",
                  "q = q1 K1 p/(1 + K1 p) + q2 K2 p/(1 + K2 p)"),
    "nitrogen": ("langmuir1918_nitrogen.csv", "p", "q", "+,-,*,/", "q = a b p/(1 + b p)"),
    "tully": ("tully.csv", "DV", "M", "+,-,*,/,log", "M = a log10(DV) + b"),
    "leavitt": ("leavitt.csv", "logP", "M", "+,-,*", "M = a logP + b"),
    "hubble": ("hubble.csv", "D", "v", "+,-,*", "v = H0 D"),
}


# --- data sets ------------------------------------------------------------------------------


@dataclass
class Case:
    """One data set: the splits, the search's operators and the compile options."""

    name: str
    description: str
    names: list[str]
    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    operators: str
    options: symc.CompileOptions | None
    """None: ``auto`` precision sized after the searches (:func:`auto_options`)."""
    ranges: dict[str, tuple[float, float]]
    classes: bool = False


def split(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """A seeded random split, TRAIN_SHARE for training."""
    order = np.random.default_rng(seed).permutation(n)
    n_train = int(round(TRAIN_SHARE * n))
    return np.sort(order[:n_train]), np.sort(order[n_train:])


def interleaved(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every third point in the order of ``x`` held out, the two ends kept for training: a
    test of interpolation (on a dozen points a random split may hold out an end and test
    extrapolation instead)."""
    order = np.argsort(x, kind="stable")
    test = order[1:-1][1::3]
    train = np.setdiff1d(order, test)
    return np.sort(train), np.sort(test)


def read_columns(path: Path, columns: Sequence[str]) -> list[np.ndarray]:
    with path.open(newline="") as f:
        rows = list(csv.DictReader(f))
    return [np.array([float(r[c]) for r in rows]) for c in columns]


def auto_options(fronts: Sequence[Any]) -> symc.CompileOptions:
    """``auto`` precision with an error budget of ERROR_SHARE of the best training RMSE of
    ``fronts`` (both searches'), tables without interpolation."""
    best = min(eq.loss for front in fronts for eq in front if eq.loss is not None)
    budget = float(f"{ERROR_SHARE * math.sqrt(best):.2g}")
    return symc.CompileOptions(precision="auto", max_error=budget, clock_ns=CLOCK_NS,
                               family=FAMILY, tables=PLAIN_TABLES)


def regression_case(name: str, description: str, column: str, x: np.ndarray, y: np.ndarray,
                    operators: str) -> Case:
    train, test = interleaved(x)
    X = x[:, None]
    # The ports' ranges: the inputs' domain (all of the data's inputs; no targets).
    ranges = {column: (float(x.min()), float(x.max()))}
    return Case(name, description, [column], X[train], y[train], X[test], y[test], operators,
                None, ranges)


def load_dijet(data_dir: Path) -> Case:
    x, y = read_columns(data_dir / "cms_spectra" / "dijet.csv", ["x", "y"])
    keep = y > 0
    dropped = int(np.sum(~keep))
    description = (f"CMS dijet spectrum, log(y) against x/1000 (TeV); {keep.sum()} bins "
                   f"({dropped} with y = 0 left out)")
    return regression_case("dijet", description, "x", x[keep] / 1000.0, np.log(y[keep]),
                           "+,-,*,/,log")


def load_law(data_dir: Path, law: str) -> Case:
    filename, column, target, operators, formula = LAWS[law]
    x, y = read_columns(data_dir / "empirical_bench" / filename, [column, target])
    description = f"EmpiricalBench {law} ({filename}, {len(x)} points, law {formula})"
    return regression_case(law, description, column, x, y, operators)


def load_wine_case(seed: int) -> Case:
    from sklearn.datasets import load_wine

    X, y = load_wine(return_X_y=True)
    train, test = split(len(y), seed)
    mean, std = X[train].mean(axis=0), X[train].std(axis=0)
    Z = (X - mean) / std
    names = [f"x{i}" for i in range(Z.shape[1])]
    ranges = {n: (float(Z[:, i].min()), float(Z[:, i].max())) for i, n in enumerate(names)}
    options = symc.CompileOptions(precision="ap_fixed<16,6>", clock_ns=CLOCK_NS, family=FAMILY)
    description = (f"scikit-learn wine, {Z.shape[1]} standardized features, 3 classes, "
                   f"{len(train)} train / {len(test)} test")
    return Case("wine", description, names, Z[train], y[train], Z[test], y[test], "+,-,*",
                options, ranges, classes=True)


# --- designs --------------------------------------------------------------------------------


@dataclass
class Point:
    """One design of a front: an equation (regression) or a rank of paired equations."""

    front: str
    rank: int
    complexity: str
    short: str
    loss: float | None
    float_metric: float
    metric: float | None = None
    design: Any = None
    reason: str = ""
    estimate_cost: float = math.inf
    estimate: dict[str, Any] = field(default_factory=dict)
    report: dict[str, Any] | None = None
    compile_s: float = 0.0
    warnings: list[str] = field(default_factory=list)
    """What the compiler warned of (overflow of the ranges, tables clipped, ...)."""


def short_text(expr: Any, width: int = 58) -> str:
    """The formula with 3 significant digits, cut to ``width`` characters."""
    floats = {a: sympy.Float(a, 3) for a in expr.atoms(sympy.Float)}
    text = str(expr.xreplace(floats)).replace(" ", "")
    return text if len(text) <= width else text[:width - 3] + "..."


def nrmse(prediction: np.ndarray, target: np.ndarray) -> float:
    if not np.all(np.isfinite(prediction)):
        return math.inf
    return float(np.sqrt(np.mean((prediction - target) ** 2)) / np.std(target))


def accuracy(scores: np.ndarray, labels: np.ndarray) -> float:
    if not np.all(np.isfinite(scores)):
        return 0.0
    return float(np.mean(np.argmax(scores, axis=1) == labels))


def compile_point(point: Point, exprs: list[Any], case: Case, dsp_lut: float,
                  score: Callable[[np.ndarray], float]) -> None:
    """Compile, score on the test split by the emulator, and estimate; a refusal is kept."""
    start = time.perf_counter()
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            design = symc.compile(exprs if len(exprs) > 1 else exprs[0], inputs=case.ranges,
                                  options=case.options, name="top")
            point.metric = score(design.predict(case.X_test))
        point.warnings = list(dict.fromkeys(" ".join(str(w.message).split()) for w in caught))
        point.estimate = estimate(design)
    except symc.SymcError as exc:
        point.reason = "refused: " + " ".join(str(exc).split())
    except Exception as exc:  # noqa: BLE001 - a crash is a row, not the end of the run
        point.reason = f"error: {type(exc).__name__}: {' '.join(str(exc).split())}"
    else:
        point.design = design
        point.estimate_cost = point.estimate["lut"] + dsp_lut * point.estimate["dsp"]
    point.compile_s = time.perf_counter() - start


def regression_points(front_name: str, front: Any, case: Case, dsp_lut: float) -> list[Point]:
    points = []
    for rank, eq in enumerate(front):
        floats = real_values([eq.expr], case.names, case.X_test)[:, 0]
        point = Point(front_name, rank, str(eq.complexity), short_text(eq.expr), eq.loss,
                      nrmse(floats, case.y_test))
        compile_point(point, [eq.expr], case, dsp_lut,
                      lambda out: nrmse(out[:, 0], case.y_test))
        points.append(point)
    return points


def class_points(front_name: str, fronts: list[Any], case: Case, dsp_lut: float
                 ) -> list[Point]:
    """Equal-rank pairing: design k takes equation min(k, len - 1) of each class's front."""
    points = []
    for rank in range(max(len(f) for f in fronts)):
        eqs = [f[min(rank, len(f) - 1)] for f in fronts]
        exprs = [eq.expr for eq in eqs]
        floats = real_values(exprs, case.names, case.X_test)
        point = Point(front_name, rank, "/".join(str(eq.complexity) for eq in eqs),
                      " | ".join(short_text(e, 18) for e in exprs),
                      sum(eq.loss for eq in eqs if eq.loss is not None),
                      accuracy(floats, case.y_test))
        compile_point(point, exprs, case, dsp_lut, lambda out: accuracy(out, case.y_test))
        points.append(point)
    return points


# --- synthesis ------------------------------------------------------------------------------


class Synthesis:
    """yosys reports, cached by Verilog within the run."""

    def __init__(self, dsp_lut: float) -> None:
        self.dsp_lut = dsp_lut
        self.reports: dict[str, dict[str, Any]] = {}
        self.runs = 0
        self.seconds = 0.0

    def measure(self, point: Point) -> dict[str, Any] | None:
        if point.report is None and point.design is not None:
            key = hashlib.sha256(point.design.verilog.encode()).hexdigest()
            if key not in self.reports:
                start = time.perf_counter()
                try:
                    self.reports[key] = point.design.report(target=TARGET, show=False)
                except Exception as exc:  # noqa: BLE001 - a tool error is a row
                    point.reason = f"yosys: {type(exc).__name__}: {' '.join(str(exc).split())}"
                    point.design = None
                    return None
                finally:
                    self.seconds += time.perf_counter() - start
                self.runs += 1
            point.report = self.reports[key]
        return point.report

    def cost(self, point: Point) -> float:
        r = point.report
        assert r is not None
        return r["lut"] + self.dsp_lut * r["dsp"]

    def cheapest(self, points: list[Point], reaches: Callable[[float], bool],
                 slack: float) -> Point | None:
        """The cheapest design (yosys LUT-equivalents, then cycles) reaching the threshold,
        among the candidates the estimate puts within ``slack`` of the best measured."""
        candidates = sorted((p for p in points if p.design is not None
                             and p.metric is not None and reaches(p.metric)),
                            key=lambda p: (p.estimate_cost, p.design.latency, p.rank))
        best: Point | None = None
        for p in candidates:
            if best is not None and p.estimate_cost > slack * self.cost(best):
                break
            if self.measure(p) is None:
                continue
            if best is None or ((self.cost(p), p.design.latency, p.rank)
                                < (self.cost(best), best.design.latency, best.rank)):
                best = p
        return best


# --- the study ------------------------------------------------------------------------------


def thresholds(points: dict[str, list[Point]], classes: bool) -> list[tuple[float, str]]:
    """Fixed levels reached by a front, the best both reach, the best either reaches:
    loosest first."""
    bests = []
    for front in points.values():
        metrics = [p.metric for p in front if p.metric is not None and p.design is not None]
        if metrics:
            bests.append(max(metrics) if classes else min(metrics))
    if not bests:
        return []
    if classes:
        both, best = min(bests), max(bests)
        levels = {v: "" for v in CLASS_LEVELS if v <= best}
    else:
        both, best = max(bests), min(bests)
        levels = {v: "" for v in REGRESSION_LEVELS if v >= best}
    if len(bests) == 2:
        levels[both] = "both"
    levels[best] = "best" if len(bests) < 2 or best != both else "both, best"
    merged: dict[float, str] = {}
    for value in sorted(levels, reverse=not classes):
        near = [v for v in merged if abs(v - value) <= 0.005 * max(abs(v), 1e-12)]
        if near:
            merged[near[0]] = ", ".join(s for s in (merged[near[0]], levels[value]) if s)
        else:
            merged[value] = levels[value]
    return sorted(merged.items(), key=lambda item: item[0], reverse=not classes)


def fmt_metric(value: float | None, classes: bool) -> str:
    if value is None:
        return "-"
    if not math.isfinite(value):
        return "inf"
    return f"{value:.3f}" if classes else f"{value:.4f}"


def print_front(points: list[Point], classes: bool, synthesis: Synthesis) -> None:
    metric = "accuracy" if classes else "NRMSE"
    complexity = "complexities" if classes else "complexity"
    print(f"| front | rank | {complexity} | equation | train MSE | float test {metric} | "
          f"fixed test {metric} | est. LUT | est. DSP | yosys LUT | FF | DSP | cycles | "
          "status |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for p in points:
        loss = "-" if p.loss is None else f"{p.loss:.4g}"
        est_lut = p.estimate.get("lut", "-")
        est_dsp = p.estimate.get("dsp", "-")
        r = p.report
        yl, yf, yd = (r["lut"], r["ff"], r["dsp"]) if r else ("-", "-", "-")
        cycles = p.design.latency if p.design is not None else "-"
        status = p.reason or ("ok" if r else "ok (not synthesized)")
        if p.warnings:
            status += f"; {len(p.warnings)} warning(s): {p.warnings[0]}"
        print(f"| {p.front} | {p.rank} | {p.complexity} | `{p.short}` | {loss} "
              f"| {fmt_metric(p.float_metric, classes)} | {fmt_metric(p.metric, classes)} "
              f"| {est_lut} | {est_dsp} | {yl} | {yf} | {yd} | {cycles} | {status[:160]} |")
    ok = sum(1 for p in points if p.design is not None)
    print(f"{points[0].front}: {len(points)} designs, {ok} compiled, {len(points) - ok} "
          f"refused or failed; {synthesis.runs} yosys runs so far")
    print()


def design_cells(p: Point | None, classes: bool) -> str:
    if p is None:
        return "(not reached) | | | | "
    r = p.report or {}
    label = f"rank {p.rank} ({p.complexity})" if classes else f"`{p.short}`"
    return (f"{label} | {r.get('lut', '-')} | {r.get('dsp', '-')} | {p.design.latency} "
            f"| {fmt_metric(p.metric, classes)}")


def print_prices(operators: str) -> None:
    ops = [o for o in operators.split(",") if o]
    costs = symc.operator_costs(FIT_PRECISION, FAMILY, CLOCK_NS, measure="model",
                                operators=[*ops, "constant", SCALED])
    dsp_lut = family_luts_per_dsp(FAMILY)
    parts = []
    for name in [*ops, "constant", SCALED]:
        price = costs[name].lut_equivalent(dsp_lut)
        parts.append(f"{name} {price:g}" if price is not None else f"{name} refused")
    print(f"hardware price per node (LUT-equivalents, {FIT_PRECISION}, {CLOCK_NS:g} ns, "
          f"{FAMILY}; a variable is a weighted leaf {SCALED}): {', '.join(parts)}")


def run_case(case: Case, args: argparse.Namespace, synthesis: Synthesis,
             table: list[str]) -> None:
    dsp_lut = synthesis.dsp_lut
    print(f"## {case.name}: {case.description}")
    print(f"operators {case.operators}; {len(case.y_train)} train / {len(case.y_test)} test "
          "samples")
    print_prices(case.operators)
    found: dict[str, list[Any]] = {}
    for cost in ("nodes", "hardware"):
        start = time.perf_counter()
        found[cost] = fit(case.X_train, case.y_train, names=case.names, classes=case.classes,
                          operators=case.operators, cost=cost, precision=FIT_PRECISION,
                          family=FAMILY, clock_ns=CLOCK_NS, seed=args.seed,
                          generations=args.generations, population_size=args.population,
                          max_length=args.max_length, progress=False)
        sizes = "/".join(str(len(f)) for f in found[cost])
        print(f"fit cost={cost}: {time.perf_counter() - start:.1f} s wall time ({sizes} "
              "equations)")
    if case.options is None:
        case.options = auto_options([f for fronts in found.values() for f in fronts])
    opts = case.options
    precision = (f"auto, max_error {opts.max_error:g} ({ERROR_SHARE:g} x the best training "
                 "RMSE), tables without interpolation" if opts.precision == "auto"
                 else opts.precision)
    print(f"compiled at {precision}, {CLOCK_NS:g} ns, {FAMILY}")
    points: dict[str, list[Point]] = {}
    for cost, fronts in found.items():
        start = time.perf_counter()
        if case.classes:
            points[cost] = class_points(cost, fronts, case, dsp_lut)
        else:
            points[cost] = regression_points(cost, fronts[0], case, dsp_lut)
        print(f"{cost} front: compiled and emulated in {time.perf_counter() - start:.1f} s")
    print()
    levels = thresholds(points, case.classes)
    slack = math.inf if args.all else args.slack
    rows = []
    for value, label in levels:
        def reaches(m: float, v: float = value) -> bool:
            return m >= v if case.classes else m <= v
        chosen = [synthesis.cheapest(points[c], reaches, slack) for c in ("nodes", "hardware")]
        sign = ">=" if case.classes else "<="
        name = f"{'acc' if case.classes else 'NRMSE'} {sign} {fmt_metric(value, case.classes)}"
        if label:
            name += f" ({label})"
        rows.append(f"| {case.name} | {name} | {design_cells(chosen[0], case.classes)} "
                    f"| {design_cells(chosen[1], case.classes)} |")
    if args.all:
        for p in (*points["nodes"], *points["hardware"]):
            synthesis.measure(p)
    for cost in ("nodes", "hardware"):
        print_front(points[cost], case.classes, synthesis)
    table.extend(rows)
    print_table(rows)


def print_table(rows: list[str]) -> None:
    print("| data set | threshold (test) | nodes front: design | LUT | DSP | cycles | test "
          "| hardware front: design | LUT | DSP | cycles | test |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        print(row)
    print()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR,
                        help=f"the benchmark data (default: {DATA_DIR})")
    parser.add_argument("--datasets", default=",".join(DATASETS),
                        help=f"comma-separated, of {', '.join(DATASETS)} (default: all)")
    parser.add_argument("--law", default="tully", choices=sorted(LAWS),
                        help="the EmpiricalBench set (default: tully)")
    parser.add_argument("--quick", action="store_true",
                        help="a smoke run: the first data set only, 10 generations of 100")
    parser.add_argument("--generations", type=int, default=50)
    parser.add_argument("--population", type=int, default=300)
    parser.add_argument("--max-length", type=int, default=30)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--slack", type=float, default=1.5,
                        help="synthesize candidates whose estimate is within this factor of "
                             "the best measured (default 1.5)")
    parser.add_argument("--all", action="store_true", help="synthesize every compiled design")
    parser.add_argument("--cache-dir", type=Path, default=None,
                        help="keep yosys reports here (default: a fresh temporary folder)")
    args = parser.parse_args(argv)
    chosen = [d.strip() for d in args.datasets.split(",") if d.strip()]
    unknown = [d for d in chosen if d not in DATASETS]
    if unknown or not chosen:
        parser.error(f"unknown data sets {unknown}; choose from {', '.join(DATASETS)}")
    if args.quick:
        chosen = chosen[:1]
        args.generations, args.population = 10, 100
    needed = {"dijet": args.data_dir / "cms_spectra" / "dijet.csv",
              "law": args.data_dir / "empirical_bench" / LAWS[args.law][0]}
    missing = [str(needed[d]) for d in chosen if d in needed and not needed[d].is_file()]
    if missing:
        print(f"benchmark data not found: {', '.join(missing)}; pass --data-dir (the folder "
              "holding cms_spectra/ and empirical_bench/, default ../shared/benchmarks beside "
              "the repository)", file=sys.stderr)
        return 2
    if "wine" in chosen:
        try:
            import sklearn.datasets  # noqa: F401
        except ImportError:
            print("the wine data set needs scikit-learn (pip install scikit-learn), or leave "
                  "it out: --datasets dijet,law", file=sys.stderr)
            return 2

    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="symc-bench-") as scratch:
        os.environ["SYMC_CACHE_DIR"] = str(args.cache_dir or scratch)
        synthesis = Synthesis(family_luts_per_dsp(FAMILY))
        print(f"symc fit: seed {args.seed}, {args.generations} generations, population "
              f"{args.population}, max length {args.max_length}; yosys {TARGET}, "
              f"{CLOCK_NS:g} ns; cheapest = lowest yosys LUT + {synthesis.dsp_lut:g} x DSP")
        print()
        table: list[str] = []
        for name in chosen:
            if name == "dijet":
                case = load_dijet(args.data_dir)
            elif name == "law":
                case = load_law(args.data_dir, args.law)
            else:
                case = load_wine_case(args.seed)
            run_case(case, args, synthesis, table)
        print("## at equal test accuracy: the cheapest design of each front")
        print_table(table)
        print(f"yosys: {synthesis.runs} syntheses, {synthesis.seconds:.0f} s")
    print(f"total wall time: {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
