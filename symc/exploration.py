"""``symc.explore``: a symbolic-regression front times a grid of compile options, measured.

Every equation of every front is compiled with every :class:`~symc.options.CompileOptions` of
the grid; each point is a row of an :class:`Exploration`: the equation, its complexity and
loss, its accuracy on the data in float64 and in the design's fixed point, its error against
the float expression, its latency and its LUT/FF/DSP/BRAM (symc's estimate, yosys, or yosys
and nextpnr), the compile time, and a status. A point that fails (a formula that does not
parse, a clock no stage meets, a tool error) is a row with its reason; it never stops the
sweep.

For a list of fronts, one per class (one-vs-rest classification, as the jet-tagging model:
five PySR runs), symc also chooses one equation per class for each LUT budget and builds the
combined multi-output design, whose argmax accuracy (or agreement) and hardware are measured
as one design (rows of kind ``combined``).

Points run in parallel: a local process pool (``n_jobs``), any ``concurrent.futures``
executor (``executor=``), or a ``dask.distributed.Client``. Rows are cached on disk, keyed by
the equation, the inputs, the options, the data and the tool versions, so a re-run with one
more precision only compiles the new points.

Metrics (``metric=``): ``"mse"`` (regression), ``"accuracy"`` (classification: argmax of the
class scores against labels), ``"auc"`` (one-vs-rest, averaged over classes), ``"agreement"``
(classification: how often the argmax agrees with the float model's), or a callable
``f(target, prediction) -> float`` (higher is better). Without ``y`` the target is the float64
output of each front's most accurate equation (lowest loss): the model the front converged to.
"""

from __future__ import annotations

import json
import math
import tempfile
import time
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import sympy

import symc
from symc import sr
from symc.estimate import load_model
from symc.exploration_report import html, text_table
from symc.frontend.errors import SymcError
from symc.frontend.functions import definitions, to_text
from symc.options import CompileOptions
from symc.report import TARGETS
from symc.sweep import (
    COLUMNS,
    Context,
    Point,
    Runner,
    data_hash,
    float_outputs,
    jsonable,
    point_key,
    tool_versions,
)

MEASURES = ("model", "yosys", "nextpnr")
METRICS = ("mse", "accuracy", "auc", "agreement")
DEFAULT_BUDGETS = (500, 1000, 2000, 4000)
"""LUT budgets the combined multi-class designs are chosen for (and one without a budget)."""

DEFAULT_GRID = (
    CompileOptions(precision="ap_fixed<16,6>", clock_ns=5.0,
                   tables={"*": {"entries": 256}}),
    CompileOptions(precision="auto", max_error=0.5, clock_ns=5.0,
                   tables={"*": {"entries": 64, "interpolation": "none"}}),
    CompileOptions(precision="auto", max_error=0.05, clock_ns=5.0,
                   tables={"*": {"entries": 256, "interpolation": "none"}}),
    CompileOptions(precision="auto", max_error=0.01, clock_ns=5.0,
                   tables={"*": {"entries": 1024, "interpolation": "none"}}),
)
"""Presets from cheap to accurate, at hls4ml's 5 ns on UltraScale+: hls4ml's own type with
256-entry tables, and symc's ``auto`` precision at three error budgets."""


# --- inputs ---------------------------------------------------------------------------------


def _grid(options: Any, common: Mapping[str, Any]) -> list[CompileOptions]:
    if options is None:
        grid = list(DEFAULT_GRID)
    elif isinstance(options, CompileOptions | str | Mapping):
        grid = [_one_options(options)]
    elif isinstance(options, Sequence):
        grid = [_one_options(o) for o in options]
    else:
        raise SymcError(f"options must be CompileOptions or a list of them, "
                        f"not {type(options).__name__}")
    if not grid:
        raise SymcError("the options grid is empty: give at least one CompileOptions")
    if common:
        grid = [o.replace(**common) for o in grid]
    unique = list(dict.fromkeys(grid))
    return unique


def _one_options(value: Any) -> CompileOptions:
    if isinstance(value, CompileOptions):
        return value
    if isinstance(value, Mapping):
        return CompileOptions.from_json(value)
    if isinstance(value, str):
        return precision_options(value)
    raise SymcError(f"a grid point must be CompileOptions, a dict or a precision string, "
                    f"not {type(value).__name__}")


def precision_options(text: str, base: CompileOptions | None = None) -> CompileOptions:
    """``"ap_fixed<16,6>"``, ``"auto"``, ``"auto:0.01"`` (a budget) or ``"auto:f12"``
    (fractional bits) as options (on ``base``)."""
    base = base or CompileOptions()
    text = text.strip()
    if text.startswith("auto:"):
        detail = text[5:].strip()
        if detail.startswith("f"):
            try:
                return base.replace(precision="auto", frac_bits=int(detail[1:]), max_error=None)
            except ValueError:
                raise SymcError(f"precision {text!r}: expected auto:f<bits>") from None
        try:
            budget = float(detail)
        except ValueError:
            raise SymcError(f"precision {text!r}: expected auto:<max_error>, e.g. auto:0.01") \
                from None
        return base.replace(precision="auto", max_error=budget, frac_bits=None)
    return base.replace(precision=text, max_error=None, frac_bits=None)


def _data(X: Any, names: Sequence[str] | None, what: str = "X") -> tuple[np.ndarray, list[str]]:
    """X as float64 columns and their names (a DataFrame's columns, ``names``, or x0..)."""
    columns = None
    if hasattr(X, "columns") and hasattr(X, "to_numpy"):
        columns = [str(c) for c in X.columns]
        X = X.to_numpy()
    try:
        arr = np.asarray(X, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise SymcError(f"{what} must be a numeric array: {exc}") from None
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2 or arr.shape[0] == 0:
        raise SymcError(f"{what} must have shape (n_samples, n_inputs) with samples, "
                        f"not {arr.shape}")
    bad = np.argwhere(~np.isfinite(arr))
    if len(bad):
        r, c = bad[0]
        raise SymcError(f"{what} has {len(bad)} NaN or infinite values, the first at row {r}, "
                        f"column {c}")
    if columns is None:
        columns = list(names) if names is not None else [f"x{i}" for i in range(arr.shape[1])]
    if len(columns) != arr.shape[1]:
        raise SymcError(f"{what} has {arr.shape[1]} columns but the inputs are "
                        f"{len(columns)}: {', '.join(columns)}")
    return arr, columns


def _targets(y: Any, n: int, classes: int) -> np.ndarray | None:
    if y is None:
        return None
    if hasattr(y, "to_numpy"):
        y = y.to_numpy()
    try:
        arr = np.asarray(y, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise SymcError(f"y must be numeric: {exc}") from None
    if arr.shape[0] != n:
        raise SymcError(f"y has {arr.shape[0]} rows but X has {n}")
    bad = np.argwhere(~np.isfinite(arr.reshape(n, -1)))
    if len(bad):
        raise SymcError(f"y has NaN or infinite values, the first at row {bad[0][0]}")
    if classes > 1:
        if arr.ndim == 2 and arr.shape[1] == classes:
            return np.argmax(arr, axis=1).astype(np.float64)  # one-hot or +-1 scores
        arr = arr.reshape(-1)
        if not np.all((arr == np.round(arr)) & (arr >= 0) & (arr < classes)):
            raise SymcError(f"y must hold class labels 0..{classes - 1} (one per front), or one "
                            f"column per class")
        return arr
    return arr.reshape(n, -1)[:, 0] if arr.ndim == 2 and arr.shape[1] == 1 else arr


def explore(
    front: Any,
    X: Any,
    y: Any = None,
    options: Any = None,
    *,
    metric: str | Callable[[np.ndarray, np.ndarray], float] | None = None,
    measure: str = "model",
    inputs: Sequence[str] | Mapping[str, tuple[float, float]] | None = None,
    functions: Mapping[str, Any] | None = None,
    budgets: Sequence[float] = DEFAULT_BUDGETS,
    executor: Any = None,
    n_jobs: int | None = None,
    cache_dir: str | Path | None = None,
    progress: bool = True,
    **common: Any,
) -> Exploration:
    """Sweep ``front`` (anything :func:`symc.sr.read` reads) over the ``options`` grid, on
    data ``X`` (and targets ``y``); see the module docstring.

    ``options``: a :class:`CompileOptions`, a precision string (``"auto:0.01"``), or a list of
    them (default :data:`DEFAULT_GRID`); ``common`` keywords (``clock_ns=5.0,
    family="xcup"``) are set on every point. ``measure``: ``"model"`` (symc's estimate,
    instant), ``"yosys"`` or ``"yosys:<family>"`` (synthesis), ``"nextpnr"`` (synthesis and
    ECP5 place and route). ``inputs``: the port order, or a dict of ranges (default: the
    data's columns, ranges from their min and max). ``budgets``: LUT budgets of the combined
    multi-class designs. ``cache_dir``: where rows are cached (None: no cache).
    """
    fronts = sr.read(front, functions)
    if not fronts or any(len(f) == 0 for f in fronts):
        raise SymcError("the front is empty: no equations given")
    measure, target_family = _measure(measure)
    names_hint = _input_names(inputs, fronts)
    arr, names = _data(X, names_hint)
    ranges = _ranges(inputs, names, arr)
    classification = _is_classification(metric, y, fronts)
    if metric is None:
        metric = ("accuracy" if y is not None else "agreement") if classification else "mse"
    if isinstance(metric, str) and metric not in METRICS:
        raise SymcError(f"unknown metric {metric!r}; metrics: {', '.join(METRICS)} or a "
                        "callable f(target, prediction) -> float")
    if isinstance(metric, str) and metric != "mse" and not classification:
        raise SymcError(f"metric {metric!r} is for classification: give one front per class")
    if not isinstance(metric, str) and not callable(metric):
        raise SymcError("metric must be a name or a callable f(target, prediction) -> float")
    user_functions = sr.used_functions(fronts)
    if functions:
        user_functions.update({k: v for k, v in definitions(functions).items()
                               if k in functions})
    _check_symbols(fronts, names)
    grid = _grid(options, common)
    if measure == "model":
        for family in sorted({target_family or o.family for o in grid}):
            try:
                load_model(family)
            except SymcError:
                raise SymcError(f"symc has no calibrated LUT/FF estimate for {family!r} yet "
                                f"(only for xcup): use measure='yosys:{family}'") from None
    ctx = Context(tuple(names), tuple(ranges), tuple(sorted(user_functions.items())),
                   metric if isinstance(metric, str) else "callable", classification,
                   measure, target_family)
    reference = _reference(arr, fronts, ctx, required=y is None)
    target = _target_of(y, arr, fronts, ctx, classification, reference)
    data = {"X": arr, "target": target, "reference": reference,
            "metric_fn": metric if callable(metric) else None}
    cache = Path(cache_dir) if cache_dir is not None else None
    tools = tool_versions(measure)
    data_key = data_hash(arr, target, metric)
    points = []
    for k, f in enumerate(fronts):
        for eq in f.equations:
            text = _text(eq.expr)
            for opt in grid:
                key = point_key([text], opt, ctx, data_key, tools, "equation", [k])
                points.append(Point(key, "equation", f.name, eq.text, (text,), eq.complexity,
                                     eq.loss, opt, (k,)))
    runner = Runner(ctx, data, executor, n_jobs, cache, progress)
    start = time.perf_counter()
    try:
        rows = runner.run(points, "equations")
        if len(fronts) > 1:
            combined = _combined_points(rows, fronts, grid, budgets, ctx, data_key, tools)
            rows += runner.run(combined, "combined designs")
    finally:
        runner.close()
    return Exploration(
        rows=rows, fronts=fronts, names=list(names),
        ranges=[(float(lo), float(hi)) for lo, hi in ranges],
        functions=dict(user_functions), metric=ctx.metric, classification=classification,
        measure=measure if target_family is None else f"{measure}:{target_family}",
        seconds=time.perf_counter() - start, computed=runner.computed, cached=runner.cached,
        budgets=tuple(budgets))


def _measure(measure: str) -> tuple[str, str | None]:
    if not isinstance(measure, str):
        raise SymcError(f"measure must be a string, not {type(measure).__name__}")
    kind, _, family = measure.partition(":")
    if kind not in MEASURES:
        raise SymcError(f"unknown measure {measure!r}; measures: model, yosys[:xcup|xc7|ecp5], "
                        "nextpnr[:xcup|xc7|ecp5]")
    if family:
        if family not in TARGETS:
            raise SymcError(f"measure {measure!r}: unknown family {family!r}; known: "
                            f"{', '.join(TARGETS)}")
    return kind, family or None


def _input_names(inputs: Any, fronts: list[sr.Front]) -> list[str] | None:
    if inputs is not None:
        if isinstance(inputs, str):
            raise SymcError("inputs must be a list of names or a dict name -> (lo, hi)")
        return list(inputs)
    for f in fronts:
        if f.inputs is not None:
            return list(f.inputs)
    return None


def _ranges(inputs: Any, names: list[str], X: np.ndarray) -> list[tuple[float, float]]:
    given = inputs if isinstance(inputs, Mapping) else {}
    ranges = []
    for i, name in enumerate(names):
        if name in given:
            lo, hi = (float(v) for v in given[name])
        else:
            lo, hi = float(X[:, i].min()), float(X[:, i].max())
        if lo == hi:  # a constant column still needs a range the formats can hold
            lo, hi = lo - 1.0, hi + 1.0
        ranges.append((lo, hi))
    return ranges


def _is_classification(metric: Any, y: Any, fronts: list[sr.Front]) -> bool:
    """Several fronts score classes (one-vs-rest) unless the metric, the targets or the
    fronts' names (PySR's ``hall_of_fame_output{i}``) say they are outputs of a regression."""
    if len(fronts) < 2 or metric == "mse":
        return False
    if isinstance(metric, str):
        return True
    if y is not None:
        arr = np.asarray(y.to_numpy() if hasattr(y, "to_numpy") else y, dtype=np.float64)
        if arr.ndim == 1:
            return bool(np.all(arr == np.round(arr)) and arr.min() >= 0
                        and arr.max() < len(fronts))
        return bool(np.isin(arr, (-1.0, 0.0, 1.0)).all())  # one-hot or +-1 scores
    return not all(f.name.startswith("output") for f in fronts)


def _check_symbols(fronts: list[sr.Front], names: list[str]) -> None:
    known = set(names)
    for f in fronts:
        for eq in f.equations:
            stray = sorted(str(s) for s in eq.expr.free_symbols if str(s) not in known)
            if stray:
                where = f"{f.source or f.name}, row {eq.row}" if eq.row is not None else f.name
                raise SymcError(f"{where}: the equation uses {', '.join(stray)}, which is not "
                                f"a column of X (columns: {', '.join(names)})")


def _text(expr: sympy.Expr) -> str:
    return to_text(expr)


def _reference(X: np.ndarray, fronts: list[sr.Front], ctx: Context,
               required: bool) -> np.ndarray | None:
    """float64 outputs of each front's most accurate equation (n x fronts), or None when one
    is not finite on X and nothing needs it."""
    best = [_text(f.best.expr) for f in fronts]
    reference = float_outputs(best, ctx.names, dict(ctx.functions), X)
    if not np.isfinite(reference).all():
        if not required:
            return None
        raise SymcError("the most accurate equation of a front is not finite on X "
                        "(a division by zero or a log of a negative value): give targets y")
    return reference


def _target_of(y: Any, X: np.ndarray, fronts: list[sr.Front], ctx: Context,
               classification: bool, reference: np.ndarray | None) -> np.ndarray:
    """The metric's target: class labels for a classification, else values."""
    targets = _targets(y, len(X), len(fronts) if classification else 1)
    if targets is not None:
        return targets
    assert reference is not None
    if classification:
        return np.argmax(reference, axis=1).astype(np.float64)
    return reference if reference.shape[1] > 1 else reference[:, 0]


# --- combined multi-class designs -----------------------------------------------------------


def _combined_points(rows: list[dict], fronts: list[sr.Front], grid: list[CompileOptions],
                     budgets: Sequence[float], ctx: Context, data_key: str,
                     tools: Mapping[str, str]) -> list[Point]:
    """One design per options and LUT budget: the equation per class that minimizes the summed
    distance to the float model of the fronts' best equations (regression: the summed metric)
    within the budget; the design itself is then measured whole."""
    # Per class, the argmax of the combined design depends on how close each score is to the
    # float model's, not on how well one class alone is told apart: with the float model of
    # the fronts' best equations at hand, the distance to it is the score to minimize.
    has_reference = any(r.get("reference_mse") is not None for r in rows)
    proxy = "reference_mse" if ctx.classification and has_reference else "metric"
    higher = ctx.metric != "mse" and proxy == "metric"
    points: dict[str, Point] = {}
    for opt in grid:
        label = opt.label()
        per_class = []
        for k in range(len(fronts)):
            ok = [r for r in rows if r["kind"] == "equation" and r["options"] == label
                  and r["classes"] == [k] and r["status"] == "ok" and r["lut"] is not None
                  and r.get(proxy) is not None and math.isfinite(r[proxy])]
            per_class.append(ok)
        if not all(per_class):
            continue
        for budget in [*budgets, math.inf]:
            choice = _choose(per_class, budget, higher, proxy)
            if choice is None:
                continue
            exprs = tuple(r["exprs"][0] for r in choice)
            key = point_key(exprs, opt, ctx, data_key, tools, "combined",
                             list(range(len(fronts))))
            shown = " | ".join(f"{f.name}:{r['complexity']}" for f, r in
                               zip(fronts, choice, strict=True))
            points.setdefault(key, Point(key, "combined", "combined", shown, exprs,
                                          sum(r["complexity"] or 0 for r in choice), None, opt,
                                          tuple(range(len(fronts)))))
    return list(points.values())


def _choose(per_class: list[list[dict]], budget: float, higher: bool,
            key: str = "metric") -> list[dict] | None:
    """Knapsack over classes in 10-LUT units: one row per class, the best summed score."""
    unit = 10.0
    cap = None if math.isinf(budget) else int(budget // unit)
    best: dict[int, tuple[float, list[dict]]] = {0: (0.0, [])}
    for options in per_class:
        nxt: dict[int, tuple[float, list[dict]]] = {}
        for used, (score, picked) in best.items():
            for r in options:
                cost = used + math.ceil(r["lut"] / unit)
                if cap is not None and cost > cap:
                    continue
                s = score + (r[key] if higher else -r[key])
                if cap is None:
                    cost = 0  # no budget: keep only the best
                if cost not in nxt or s > nxt[cost][0]:
                    nxt[cost] = (s, [*picked, r])
        if not nxt:
            return None
        best = nxt
    return max(best.values(), key=lambda t: t[0])[1]


# --- the result -----------------------------------------------------------------------------


@dataclass
class Exploration:
    """The rows of a sweep, and the ways to read them (see :func:`explore`)."""

    rows: list[dict[str, Any]]
    fronts: list[sr.Front]
    names: list[str]
    ranges: list[tuple[float, float]]
    functions: dict[str, str]
    metric: str
    classification: bool
    measure: str
    seconds: float = 0.0
    computed: int = 0
    cached: int = 0
    budgets: tuple[float, ...] = DEFAULT_BUDGETS
    _designs: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def higher_is_better(self) -> bool:
        return self.metric != "mse"

    @property
    def table(self) -> Any:
        """One row per point, :data:`COLUMNS` (a pandas DataFrame)."""
        import pandas as pd  # optional: the 'explore' extra

        return pd.DataFrame([{c: r.get(c) for c in COLUMNS} for r in self.rows],
                            columns=list(COLUMNS))

    def _ok(self, kind: str | None) -> list[dict[str, Any]]:
        if kind is None:
            kind = "combined" if len(self.fronts) > 1 and any(
                r["kind"] == "combined" for r in self.rows) else "equation"
        return [r for r in self.rows if r["kind"] == kind and r["status"] == "ok"
                and r.get("metric") is not None and math.isfinite(r["metric"])]

    def pareto(self, x: str = "lut", y: str = "metric", kind: str | None = None) -> Any:
        """The non-dominated points (least ``x``, best ``y``) as a DataFrame sorted by ``x``;
        ``kind``: ``"equation"`` or ``"combined"`` (default: combined for several fronts)."""
        import pandas as pd  # optional: the 'explore' extra

        rows = self.pareto_rows(x, y, kind)
        return pd.DataFrame([{c: r.get(c) for c in COLUMNS} for r in rows],
                            columns=list(COLUMNS))

    def pareto_rows(self, x: str = "lut", y: str = "metric",
                    kind: str | None = None) -> list[dict[str, Any]]:
        """:meth:`pareto` as rows (dicts). ``y``: higher is better for the metric when it is
        a score and for the agreement; lower for errors and for ``mse``."""
        if x not in COLUMNS or y not in COLUMNS:
            raise SymcError(f"unknown column {x if x not in COLUMNS else y!r}; columns: "
                            f"{', '.join(COLUMNS)}")
        higher = y == "agreement" or (y in ("metric", "float_metric")
                                      and self.higher_is_better)
        sign = -1.0 if higher else 1.0  # minimize sign * y
        rows = [r for r in self._ok(kind) if r.get(x) is not None and r.get(y) is not None]
        rows.sort(key=lambda r: (r[x], sign * r[y]))
        front, best = [], math.inf
        for r in rows:
            value = sign * r[y]
            if value < best:
                front.append(r)
                best = value
        return front

    def best_row(self, max_lut: float | None = None, max_ff: float | None = None,
                 max_dsp: float | None = None, max_bram: float | None = None,
                 max_latency_cycles: int | None = None, max_latency_ns: float | None = None,
                 min_metric: float | None = None, kind: str | None = None) -> dict[str, Any]:
        """The best-metric row within the constraints (ties: fewer LUTs)."""
        limits = {"lut": max_lut, "ff": max_ff, "dsp": max_dsp, "bram": max_bram,
                  "latency_cycles": max_latency_cycles, "latency_ns": max_latency_ns}
        rows = [r for r in self._ok(kind)
                if all(v is None or (r.get(k) is not None and r[k] <= v)
                       for k, v in limits.items())]
        if min_metric is not None:
            rows = [r for r in rows if (r["metric"] >= min_metric if self.higher_is_better
                                        else r["metric"] <= min_metric)]
        if not rows:
            given = ", ".join(f"{k}={v}" for k, v in
                              {**{f"max_{k}": v for k, v in limits.items()},
                               "min_metric": min_metric}.items() if v is not None)
            raise SymcError(f"no design of the exploration meets {given or 'the constraints'}")
        sign = -1.0 if self.higher_is_better else 1.0
        return min(rows, key=lambda r: (sign * r["metric"], r.get("lut") or 0,
                                        r.get("latency_cycles") or 0))

    def best(self, **constraints: Any) -> Any:
        """The :class:`~symc.design.Design` of :meth:`best_row` (compiled again: the same
        bits as the row measured)."""
        return self.design(self.best_row(**constraints))

    def design(self, row: Mapping[str, Any], name: str = "top") -> Any:
        """Compile the design of a row."""
        options = CompileOptions.from_json(row["options_json"]).replace(
            functions=self.functions)
        cache_key = f"{row['key']}:{name}"
        if cache_key not in self._designs:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                self._designs[cache_key] = symc.compile(
                    list(row["exprs"]), inputs=dict(zip(self.names, self.ranges, strict=True)),
                    options=options, name=name)
        return self._designs[cache_key]

    # --- presentation ----------------------------------------------------------------------

    def summary(self) -> str:
        """The sweep in a few lines and the Pareto points as a text table."""
        n_fail = sum(1 for r in self.rows if r["status"] != "ok")
        lines = [f"{len(self.rows)} points ({self.computed} computed, {self.cached} cached), "
                 f"{n_fail} failed, {self.seconds:.1f} s; metric {self.metric} "
                 f"({'higher' if self.higher_is_better else 'lower'} is better), "
                 f"hardware by {self.measure}"]
        reasons: dict[str, int] = {}
        for r in self.rows:
            if r["status"] != "ok":
                reasons[r["reason"][:90]] = reasons.get(r["reason"][:90], 0) + 1
        for reason, n in sorted(reasons.items(), key=lambda t: -t[1])[:5]:
            lines.append(f"  {n} x {reason}")
        front = self.pareto_rows()
        if front:
            lines.append("Pareto points (LUT against metric):")
            lines.append(text_table(front))
        return "\n".join(lines)

    def budget_table(self) -> list[dict[str, Any]]:
        """For each LUT budget, the best point within it (combined designs for several
        fronts)."""
        out = []
        for budget in [*self.budgets, None]:
            try:
                row = self.best_row(max_lut=budget)
            except SymcError:
                out.append({"budget": budget, "row": None})
                continue
            out.append({"budget": budget, "row": row})
        return out

    def plot(self, chosen: Mapping[str, Any] | None = None) -> Any:
        """A matplotlib Figure: metric against LUTs per options (fixed point, and float64 as
        hollow marks), the Pareto front, and the chosen point."""
        import matplotlib  # optional: the 'explore' extra

        matplotlib.use("Agg", force=False)
        from matplotlib.figure import Figure  # optional, as above

        fig = Figure(figsize=(8, 5), dpi=110)
        ax = fig.add_subplot()
        kind = "combined" if len(self.fronts) > 1 and self._ok("combined") else "equation"
        rows = self._ok(kind)
        labels = list(dict.fromkeys(r["options"] for r in rows))
        for i, label in enumerate(labels):
            pts = [r for r in rows if r["options"] == label and r.get("lut") is not None]
            color = f"C{i % 10}"
            ax.scatter([r["lut"] for r in pts], [r["metric"] for r in pts], s=18, color=color,
                       label=label, alpha=0.8)
            flt = [r for r in pts if r.get("float_metric") is not None]
            ax.scatter([r["lut"] for r in flt], [r["float_metric"] for r in flt], s=18,
                       facecolors="none", edgecolors=color, alpha=0.5)
        front = self.pareto_rows(kind=kind)
        if front:
            ax.step([r["lut"] for r in front], [r["metric"] for r in front], where="post",
                    color="black", linewidth=1, label="Pareto front")
        if chosen is not None and chosen.get("lut") is not None:
            ax.scatter([chosen["lut"]], [chosen["metric"]], marker="*", s=220, color="gold",
                       edgecolors="black", zorder=5, label="chosen")
        ax.set_xscale("symlog", linthresh=10)
        ax.set_xlabel(f"LUT ({self.measure})")
        shown = "combined designs" if kind == "combined" else "equations"
        ax.set_ylabel(f"{self.metric} ({shown}; hollow: float64)")
        if self.metric == "mse":
            ax.set_yscale("log")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
        fig.tight_layout()
        return fig

    def save(self, directory: str | Path, chosen: Mapping[str, Any] | None = None) -> list[Path]:
        """Write ``results.csv``, ``results.json``, ``pareto.png`` and a self-contained
        ``index.html`` into ``directory`` (all or nothing: written aside, then moved in)."""
        out = Path(directory)
        out.parent.mkdir(parents=True, exist_ok=True)
        names = ["results.csv", "results.json", "pareto.png", "index.html"]
        with tempfile.TemporaryDirectory(dir=out.parent, prefix=f".{out.name}.") as tmp:
            t = Path(tmp)
            self.table.to_csv(t / "results.csv", index=False)
            (t / "results.json").write_text(json.dumps(jsonable({
                "metric": self.metric, "measure": self.measure, "inputs": self.names,
                "ranges": self.ranges, "functions": self.functions,
                "fronts": [f.name for f in self.fronts], "seconds": self.seconds,
                "rows": self.rows, "chosen": dict(chosen) if chosen else None}), indent=1))
            fig = self.plot(chosen)
            fig.savefig(t / "pareto.png")
            (t / "index.html").write_text(html(self, t / "pareto.png", chosen))
            out.mkdir(exist_ok=True)
            for n in names:
                (t / n).replace(out / n)
        return [out / n for n in names]
