"""``symc.fit``: symbolic regression that knows what its formulas cost in hardware.

A search engine proposes formulas; each is scored on accuracy and on a second objective, and
the non-dominated ones form a *front*, from simple and rough to long and accurate: what
:func:`symc.explore` sweeps. Two engines:

* ``"operon"`` (the default): C++ Operon through pyoperon (``pip install 'symc[sr]'``), which
  runs offline in seconds. NSGA-II on (R², cost); every variable is a weighted leaf
  ``w * x``, and each formula comes with a least-squares scale and offset.
* ``"pysr"``: PySR, when it imports (it needs Julia, which no package registry installs). Its
  complexity is the cost: ``complexity_of_operators`` from :func:`symc.operator_costs`.

The cost (``cost=``) is the node count (``"nodes"``, every engine's default), or symc's price
of the formula in hardware (``"hardware"``): the sum, over its operators, of what each costs
alone at the given precision, on the given part, in LUTs, a DSP block counted as
``dsp_lut`` LUTs (by default the family's ratio of LUTs to DSP blocks, 172.8 on UltraScale+;
:func:`symc.operator_costs`, the calibrated estimate). It is an additive
estimate (the compiler shares and fuses; ``symc.explore`` measures the real design), cheap
enough to score every candidate of a search.

Classification (``classes=True``) is one-vs-rest: for each class, targets +1 on its samples
and -1 elsewhere, one front per class (named ``class0``, ``class1``, ... in the order of the
sorted labels); the class of a sample is the argmax of the fronts' outputs, as hls4ml's jet
tagger reads its five PySR fronts.

The same ``seed`` gives the same fronts (one thread, and no ``time_limit``: a wall-clock budget
stops the search where the machine's speed says).
"""

from __future__ import annotations

import csv
import gc
import json
import math
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from symc import sr
from symc.costs import SCALED, family_luts_per_dsp, operator_costs
from symc.exploration import _data, precision_options
from symc.frontend.errors import SymcError
from symc.frontend.functions import to_text
from symc.frontend.parse import parse_expression

ENGINES = ("operon", "pysr")
COSTS = ("nodes", "hardware")
OPERATORS = {
    "+": "add", "-": "sub", "*": "mul", "/": "div", "sin": "sin", "cos": "cos", "tan": "tan",
    "tanh": "tanh", "exp": "exp", "log": "log", "sqrt": "sqrt", "abs": "abs",
    "square": "square",
}
"""The operators a search may use (symc's names, as PySR's), and Operon's symbol for each.
(Not min and max: pyoperon 0.6.2 prints its ``fmin`` as ``max`` and its ``fmax`` as ``min``.)"""
DEFAULT_OPERATORS = ("+", "-", "*")


@dataclass(frozen=True)
class FitSettings:
    """What a search ran with (written next to its fronts as ``fit.json``)."""

    engine: str
    operators: tuple[str, ...]
    cost: str
    precision: str
    family: str
    clock_ns: float
    seed: int
    generations: int
    population_size: int
    max_length: int
    time_limit: float | None
    classes: tuple[Any, ...] | None
    inputs: tuple[str, ...]
    dsp_lut: float = 0.0
    """LUTs a DSP block counts for in the hardware cost."""
    prices: tuple[tuple[str, float], ...] = ()
    """The hardware cost of each operator (``cost="hardware"``), LUT-equivalents."""


def fit(
    X: Any,
    y: Any,
    *,
    names: Sequence[str] | None = None,
    classes: bool = False,
    engine: str = "operon",
    operators: Sequence[str] | str = DEFAULT_OPERATORS,
    cost: str = "nodes",
    precision: str = "ap_fixed<16,6>",
    family: str = "xcup",
    clock_ns: float = 5.0,
    dsp_lut: float | None = None,
    seed: int = 0,
    generations: int = 100,
    population_size: int = 500,
    max_length: int = 30,
    time_limit: float | None = None,
    progress: bool = True,
) -> list[sr.Front]:
    """Fronts of formulas for targets ``y`` from features ``X`` (see the module docstring).

    ``X``: an array ``(n_samples, n_features)`` or a DataFrame (its columns name the inputs;
    else ``names``, else ``x0, x1, ...``). ``y``: the targets ``(n_samples,)``, or with
    ``classes=True`` the class labels. ``operators``: a list or a comma-separated string of
    :data:`OPERATORS` (constants and variables are always there). ``cost``: ``"nodes"`` or
    ``"hardware"`` (priced at ``precision``, ``family``, ``clock_ns``). ``generations``,
    ``population_size``, ``max_length``: the search's size; ``time_limit``: seconds per front
    (stops earlier; not reproducible). Returns one :class:`symc.sr.Front` per class (or one).
    """
    settings, arr, targets = check(X, y, names, classes, engine, operators, cost, precision,
                                   family, clock_ns, dsp_lut, seed, generations,
                                   population_size, max_length, time_limit)
    return search(arr, targets, settings, progress)[0]


def search(arr: np.ndarray, targets: list[tuple[str, np.ndarray]], settings: FitSettings,
           progress: bool = True) -> tuple[list[sr.Front], FitSettings]:
    """:func:`fit` on data :func:`check` checked, with the settings it ran with."""
    prices = _prices(settings) if settings.cost == "hardware" else None
    if prices is not None:
        settings = replace(settings, prices=tuple(sorted(prices.items())))
    run = _fit_operon if settings.engine == "operon" else _fit_pysr
    fronts = []
    for k, (front_name, target) in enumerate(targets):
        start = time.perf_counter()
        front = run(arr, target, settings, prices)
        front = replace(front, name=front_name, inputs=settings.inputs)
        fronts.append(front)
        if progress and sys.stderr.isatty():
            print(f"symc fit: {front_name} ({k + 1}/{len(targets)}): {len(front)} formulas in "
                  f"{time.perf_counter() - start:.1f} s", file=sys.stderr)
    return fronts, settings


# --- arguments ------------------------------------------------------------------------------


def check(X: Any, y: Any, names: Sequence[str] | None = None, classes: bool = False,
          engine: str = "operon", operators: Sequence[str] | str = DEFAULT_OPERATORS,
          cost: str = "nodes", precision: str = "ap_fixed<16,6>", family: str = "xcup",
          clock_ns: float = 5.0, dsp_lut: float | None = None, seed: int = 0,
          generations: int = 100, population_size: int = 500, max_length: int = 30,
          time_limit: float | None = None,
          ) -> tuple[FitSettings, np.ndarray, list[tuple[str, np.ndarray]]]:
    """:func:`fit`'s arguments checked (a :class:`SymcError` naming the first bad one): the
    settings, X as float64, and the targets of each front by name."""
    if engine not in ENGINES:
        raise SymcError(f"unknown engine {engine!r}; engines: {', '.join(ENGINES)}")
    if cost not in COSTS:
        raise SymcError(f"unknown cost {cost!r}; costs: {', '.join(COSTS)}")
    ops = _operators(operators)
    for label, value, least in (("generations", generations, 1),
                                ("population_size", population_size, 2),
                                ("max_length", max_length, 3)):
        if isinstance(value, bool) or not isinstance(value, int) or value < least:
            raise SymcError(f"{label} must be an integer >= {least}, not {value!r}")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise SymcError(f"seed must be a non-negative integer, not {seed!r}")
    if time_limit is not None and not (isinstance(time_limit, int | float)
                                       and math.isfinite(time_limit) and time_limit > 0):
        raise SymcError(f"time_limit must be a positive number of seconds, not {time_limit!r}")
    if not (isinstance(clock_ns, int | float) and math.isfinite(clock_ns) and clock_ns > 0):
        raise SymcError(f"clock_ns must be a positive number, not {clock_ns!r}")
    if cost == "hardware":
        precision_options(precision)  # ap_fixed<W,I>, auto, auto:<max_error>, auto:f<bits>
        if dsp_lut is None:
            dsp_lut = family_luts_per_dsp(family)  # an unknown family fails here
    if dsp_lut is None:
        dsp_lut = 0.0
    if not (isinstance(dsp_lut, int | float) and math.isfinite(dsp_lut) and dsp_lut >= 0):
        raise SymcError(f"dsp_lut must be a non-negative number, not {dsp_lut!r}")
    arr, columns = _data(X, names)
    for c in columns:
        if not c.isidentifier():
            raise SymcError(f"input name {c!r} is not an identifier a formula can use: give "
                            "names=[...] (CLI: rename the column)")
    if len(arr) < 2:
        raise SymcError(f"X has {len(arr)} sample: a fit needs several")
    targets, labels = _fit_targets(y, len(arr), classes)
    settings = FitSettings(engine, ops, cost, precision, family, float(clock_ns), seed,
                           generations, population_size, max_length,
                           None if time_limit is None else float(time_limit),
                           labels, tuple(columns), float(dsp_lut))
    return settings, arr, targets


def _operators(operators: Sequence[str] | str) -> tuple[str, ...]:
    items = operators.split(",") if isinstance(operators, str) else list(operators)
    ops = tuple(dict.fromkeys(str(o).strip() for o in items if str(o).strip()))
    unknown = [o for o in ops if o not in OPERATORS]
    if unknown:
        raise SymcError(f"unsupported operator{'s' if len(unknown) > 1 else ''} "
                        f"{', '.join(map(repr, unknown))}; operators: {', '.join(OPERATORS)}")
    if not ops:
        raise SymcError(f"no operators given; operators: {', '.join(OPERATORS)}")
    return ops


def _fit_targets(y: Any, n: int, classes: bool
                 ) -> tuple[list[tuple[str, np.ndarray]], tuple[Any, ...] | None]:
    if hasattr(y, "to_numpy"):
        y = y.to_numpy()
    arr = np.asarray(y)
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim != 1 or arr.shape[0] != n:
        raise SymcError(f"y must have one value per sample ({n}), not shape {arr.shape}")
    if classes:
        if arr.dtype.kind == "f" and not np.all(np.isfinite(arr)):
            row = int(np.argwhere(~np.isfinite(arr))[0][0])
            raise SymcError(f"y has NaN or infinite labels, the first at row {row}")
        labels = np.unique(arr)
        if len(labels) < 2:
            raise SymcError(f"y holds one class only ({labels[0]!r}): classification needs "
                            "two or more")
        out = [(f"class{k}", np.where(arr == label, 1.0, -1.0)) for k, label in
               enumerate(labels)]
        return out, tuple(v.item() if hasattr(v, "item") else v for v in labels)
    try:
        values = arr.astype(np.float64)
    except (TypeError, ValueError):
        raise SymcError("y must be numeric for a regression (classes=True for labels)") from None
    bad = np.argwhere(~np.isfinite(values))
    if len(bad):
        raise SymcError(f"y has {len(bad)} NaN or infinite values, the first at row "
                        f"{int(bad[0][0])}")
    if np.ptp(values) == 0:
        raise SymcError("y is constant: there is nothing to fit")
    return [("y", values)], None


# --- hardware prices ------------------------------------------------------------------------


def _prices(settings: FitSettings) -> dict[str, float]:
    """LUT-equivalents of each operator the search may use, of a constant and of a weighted
    variable ``w * x`` (a product by a constant)."""
    wanted = [*settings.operators, "constant", SCALED]
    costs = operator_costs(settings.precision, settings.family, settings.clock_ns,
                           measure="model", operators=wanted)
    prices = {}
    for name in wanted:
        c = costs[name]
        price = c.lut_equivalent(settings.dsp_lut)
        if price is None:
            raise SymcError(f"cost='hardware': symc cannot build {name!r} at "
                            f"{settings.precision} and {settings.clock_ns:g} ns ({c.note}); "
                            "leave it out of the operators or price other options")
        prices[name] = float(price)
    return prices


# --- engines --------------------------------------------------------------------------------


def _fit_operon(X: np.ndarray, y: np.ndarray, settings: FitSettings,
                prices: Mapping[str, float] | None) -> sr.Front:
    try:
        import pyoperon as op  # optional: the 'sr' extra
        from pyoperon.sklearn import SymbolicRegressor
    except ImportError as exc:
        raise SymcError(f"engine='operon' needs pyoperon: pip install 'symc[sr]' ({exc})"
                        ) from None

    node_price: dict[Any, float] = {}
    if prices is not None:
        # Operon's node types are its symbol names capitalized (add: Add, tanh: Tanh).
        # (pyoperon is a compiled extension: pyright cannot see its members)
        types: Any = op.NodeType  # pyright: ignore[reportAttributeAccessIssue]
        node_price = {getattr(types, OPERATORS[o].capitalize()): prices[o]
                      for o in settings.operators}
        node_price[types.Constant] = prices["constant"]
        node_price[types.Variable] = prices["c*x"]  # Operon's variables are weighted

    class _Regressor(SymbolicRegressor):
        """Operon's regressor with symc's hardware price as an objective named "hardware"."""

        def _validate_params(self, resolved: dict[str, Any]) -> None:
            named = [o if o != "hardware" else "length" for o in resolved["objectives"]]
            super()._validate_params({**resolved, "objectives": named})

        def _init_evaluator(self, objective: str, problem: Any, dtable: Any,
                            uncertainty: Any) -> Any:
            if objective != "hardware":
                return super()._init_evaluator(objective, problem, dtable, uncertainty)

            def price(_rng: Any, individual: Any) -> list[float]:
                return [float(sum(node_price[n.Type] for n in individual.Genotype.Nodes))]

            evaluator: Any = op.UserDefinedEvaluator  # pyright: ignore[reportAttributeAccessIssue]
            self._price_evaluator = evaluator(problem, price)
            return self._price_evaluator

    symbols = ",".join([*(OPERATORS[o] for o in settings.operators), "constant", "variable"])
    model = _Regressor(
        allowed_symbols=symbols,
        objectives=["r2", "hardware" if prices is not None else "length"],
        generations=settings.generations,
        population_size=settings.population_size,
        max_length=settings.max_length,
        max_evaluations=10**9,
        max_time=None if settings.time_limit is None else max(1, math.ceil(settings.time_limit)),
        optimizer_iterations=5,
        random_state=settings.seed,
        n_threads=1,
    )
    names = {}
    with np.errstate(all="ignore"):
        model.fit(X, y)
    for h, name in model.variables_.items():
        names[h] = settings.inputs[int(name[1:]) - 1]  # Operon's X1, X2, ... in column order
    rows = []
    for solution in model.pareto_front_:
        try:
            formatter: Any = op.InfixFormatter  # pyright: ignore[reportAttributeAccessIssue]
            expr = parse_expression(formatter.Format(solution["tree"], names, 12))
        except SymcError:  # a coefficient that is not a finite number (nan, inf)
            continue
        complexity = (solution["objective_values"][1] if prices is not None
                      else solution["length"])
        if not expr.free_symbols:  # a tree the least-squares scale zeroed: a constant
            complexity = prices["constant"] if prices is not None else 1
        text = to_text(expr)
        rows.append((int(round(complexity)), float(solution["mean_squared_error"]), text))
    # The regressor holds C++ objects that point into each other: release them here, not at
    # interpreter exit (where nanobind reports them as leaks).
    model.__dict__.clear()
    del model
    gc.collect()
    return _front(rows)


def _fit_pysr(X: np.ndarray, y: np.ndarray, settings: FitSettings,
              prices: Mapping[str, float] | None) -> sr.Front:
    try:
        # optional: the user's own PySR install
        from pysr import PySRRegressor  # pyright: ignore[reportMissingImports]
    except Exception as exc:  # noqa: BLE001 - pysr fails in many ways without Julia
        raise SymcError(f"engine='pysr' needs PySR and Julia (pip install pysr; PySR installs "
                        f"Julia on first use, which needs the internet): {exc}; "
                        "engine='operon' runs offline") from None
    binary = [o for o in settings.operators if o in ("+", "-", "*", "/")]
    unary = [o for o in settings.operators if o not in binary]
    complexity = None
    if prices is not None:
        unit = max(1.0, min(p for p in prices.values() if p > 0))
        complexity = {o: max(1, round(prices[o] / unit)) for o in settings.operators}
    model = PySRRegressor(
        binary_operators=binary, unary_operators=unary, niterations=settings.generations,
        populations=max(1, settings.population_size // 33), maxsize=settings.max_length,
        complexity_of_operators=complexity, random_state=settings.seed, deterministic=True,
        parallelism="serial", timeout_in_seconds=settings.time_limit, progress=False,
        verbosity=0)
    model.fit(X, y, variable_names=list(settings.inputs))
    fronts = sr.read(model)
    return fronts[0]


def _front(rows: list[tuple[int, float, str]]) -> sr.Front:
    """PySR's hall of fame from a set of (cost, loss, formula): per cost the lowest loss, and
    only what is more accurate than everything cheaper."""
    kept: list[tuple[int, float, str]] = []
    for row in sorted(rows, key=lambda r: (r[0], r[1])):
        if not math.isfinite(row[1]):
            continue
        if kept and (row[0] == kept[-1][0] or row[1] >= kept[-1][1]):
            continue
        kept.append(row)
    if not kept:
        raise SymcError("the search found no formula with a finite error")
    return sr.read(kept)[0]


# --- files ----------------------------------------------------------------------------------


def write(fronts: Sequence[sr.Front], directory: str | Path,
          settings: FitSettings | None = None) -> list[Path]:
    """The fronts as PySR hall-of-fame CSVs (``Complexity,Loss,Equation``) that
    :func:`symc.sr.read` and ``symc explore`` read: ``hall_of_fame.csv`` for one front,
    ``hall_of_fame_<name>.csv`` for each of several, and ``fit.json`` (the settings)."""
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for front in fronts:
        path = out / ("hall_of_fame.csv" if len(fronts) == 1 else
                      f"hall_of_fame_{front.name}.csv")
        with path.open("w", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(["Complexity", "Loss", "Equation"])
            for eq in front:
                writer.writerow([eq.complexity, repr(eq.loss), eq.text])
        paths.append(path)
    if settings is not None:
        path = out / "fit.json"
        record = {k: (list(v) if isinstance(v, tuple) else v)
                  for k, v in settings.__dict__.items()}
        record["prices"] = dict(settings.prices)
        record["fronts"] = [f.name for f in fronts]
        path.write_text(json.dumps(record, indent=2) + "\n")
        paths.append(path)
    return paths
