"""The pass pipeline as data: which passes ``symc.compile`` runs, with which options, and what
it keeps of their result.

:func:`pipeline_passes` turns :class:`~symc.options.CompileOptions` into the passes, every
policy of the compile written as a pass option; :func:`pipeline_spec` prints them as an xDSL
pass pipeline spec, which ``symc-opt -p`` reads back: run on a design's ``sym`` IR, it gives
the same ``hw`` IR and Verilog as the compile (``Design.pipeline`` is that spec).
:func:`run_pipeline` runs a spec through xDSL's :class:`~xdsl.passes.PassPipeline`, verifying
the IR after every pass and keeping the stages a :class:`~symc.design.Design` exposes.
:class:`Schedule` is the part of the result that says how the design was pipelined.
"""

from __future__ import annotations

import contextlib
import json
import math
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from xdsl.context import Context
from xdsl.dialects.builtin import Builtin, ModuleOp
from xdsl.passes import ModulePass, PassPipeline
from xdsl.utils.arg_spec import ArgSpec
from xdsl.utils.exceptions import ArgSpecParseError

from symc.backends.verilog import print_module
from symc.dialects import get_all_dialects
from symc.fixed import DEFAULT_MAX_ERROR
from symc.frontend.errors import SymcError
from symc.options import CompileOptions
from symc.passes import get_all_passes
from symc.passes.approximate_lut import SymApproximateLutPass
from symc.passes.canonicalize import SymCanonicalizePass
from symc.passes.check_overflow import SymCheckOverflowPass
from symc.passes.convert_sym_to_hw import ConvertSymToHWPass
from symc.passes.distribute import SymDistributePass
from symc.passes.legalize_fixed import SymLegalizeFixedPass
from symc.passes.narrow import SymNarrowPass
from symc.passes.range_analysis import SymRangeAnalysisPass
from symc.passes.schedule import SymSchedulePass

KEPT = {
    "sym-range-analysis": ("sym", "text"),
    "sym-approximate-lut": ("lut", "module"),
    "sym-schedule": ("fixed", "module"),
    "convert-sym-to-hw": ("hw", "text"),
}
"""The stages a Design keeps: after which pass, as printed text or as a module clone (tables
make big texts, printed only when asked for; the fixed module is what the backends read)."""


@dataclass(frozen=True)
class Schedule:
    """How a design was pipelined (``sym-schedule``'s settings and result)."""

    family: str
    dsp: bool = True
    clock_ns: float | None = None
    latency: int = 0
    reset: bool = False
    valid: bool = False
    stage_ns: tuple[float, ...] = ()
    """The delay model's estimate of each stage, register overhead included."""

    @property
    def control_inputs(self) -> list[str]:
        """Input ports the pipeline adds (after the clock): ``rst``, ``valid_in``."""
        return [n for n, on in (("rst", self.reset), ("valid_in", self.valid)) if on]

    @property
    def control_outputs(self) -> list[str]:
        return ["valid_out"] if self.valid else []


def table_pass(options: CompileOptions) -> SymApproximateLutPass:
    settings = options.table_settings
    table_error = None
    split = False
    if options.auto and not any("max_error" in v or "entries" in v for v in settings.values()):
        # Half of each output's budget for its tables, shared by their sensitivity (a table
        # whose value is multiplied by 8 gets an eighth); the arithmetic gets the rest.
        budget = options.max_error if options.max_error is not None else DEFAULT_MAX_ERROR
        table_error, split = budget / 2, True
    # symc's own precision interpolates: far smaller tables for the same error.
    return SymApproximateLutPass(precision=options.precision, max_error=table_error,
                                 split_error=split, tables=_tables_text(options),
                                 interpolation="linear" if options.auto else "none",
                                 **options.pass_options(SymApproximateLutPass.name))


def _tables_text(options: CompileOptions) -> str:
    settings = options.table_settings
    return json.dumps(settings, sort_keys=True) if settings else ""


def pipeline_passes(options: CompileOptions, *, ranges_declared: bool = True,
                    outputs: Sequence[str] = ()) -> list[ModulePass]:
    """The passes that turn the frontend's sym IR into hw IR under ``options``.

    Each option a pass takes unchanged is passed on by name (the field's ``passes``,
    :meth:`CompileOptions.pass_options`); the others are policies written here: the precision
    range analysis reads, the tables' share of the error budget, interpolation in auto mode,
    which passes run.

    ``ranges_declared``: the inputs have ranges of their own (not their format's), so that
    ``sym-check-overflow`` has something to say; ``outputs``: each output as its overflow
    messages name it."""
    auto = options.auto
    passes: list[ModulePass] = [
        SymCanonicalizePass(fold_calls=True, tables=_tables_text(options)),
        SymRangeAnalysisPass(reads="" if auto else options.precision),
        table_pass(options),
    ]
    if ranges_declared and not auto:
        passes.append(SymCheckOverflowPass(
            precision=options.precision, outputs=tuple(outputs),
            **options.pass_options(SymCheckOverflowPass.name)))
    passes.append(SymLegalizeFixedPass(precision=options.precision,
                                       **options.pass_options(SymLegalizeFixedPass.name)))
    if options.distribute:
        passes.append(SymDistributePass(**options.pass_options(SymDistributePass.name)))
    passes += [SymNarrowPass(), SymSchedulePass(**options.pass_options(SymSchedulePass.name)),
               ConvertSymToHWPass()]
    return passes


def pipeline_spec(options: CompileOptions, *, ranges_declared: bool = True,
                  outputs: Sequence[str] = ()) -> str:
    """:func:`pipeline_passes` as the spec ``symc-opt -p`` takes (options at their defaults
    left out)."""
    return ",".join(pass_spec(p) for p in
                    pipeline_passes(options, ranges_declared=ranges_declared, outputs=outputs))


def pass_spec(pass_: ModulePass) -> str:
    """One pass as ``name{option=value ...}``: strings quoted and escaped, floats always with
    a point (xDSL's own printer does neither, so its specs do not always read back)."""
    spec: ArgSpec = pass_.pipeline_pass_spec()
    if not spec.parameters:
        return spec.name
    options = []
    for key, values in spec.parameters.items():
        options.append(f"{key}={','.join(_value(v) for v in values)}" if values else key)
    return f"{spec.name}{{{' '.join(options)}}}"


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        escaped = (value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
                   .replace("\t", "\\t").replace("\r", "\\r").replace("\f", "\\f")
                   .replace("\v", "\\v"))
        return f'"{escaped}"'
    if isinstance(value, float):
        if not math.isfinite(value):
            raise SymcError(f"a pass option of {value} cannot be written in a pipeline spec")
        text = repr(value)
        if "." not in text:  # 1e-05: the spec's numbers need a point before the exponent
            mantissa, _, exponent = text.partition("e")
            text = f"{mantissa}.0" + (f"e{exponent}" if exponent else "")
        return text
    return str(value)


def context() -> Context:
    """A context with the builtin dialect and symc's (sym, hw, comb, seq, ...)."""
    ctx = Context()
    ctx.load_dialect(Builtin)
    for factory in get_all_dialects().values():
        ctx.load_dialect(factory())
    return ctx


_timings: list[dict[str, float]] = []


@contextlib.contextmanager
def stage_times() -> Iterator[dict[str, float]]:
    """Within the block, the wall seconds of each stage of every compile, summed by name:
    each pass (what it calls inside, such as ``sym-distribute``'s trial schedules, counts
    for it), ``verify`` (the IR checked after every pass), ``frontend`` (parsing and building the
    ``sym`` IR), ``keep-stages`` (printing and copying the stages a design keeps) and
    ``export-verilog`` (CIRCT). For profiling; not thread-safe."""
    times: dict[str, float] = {}
    _timings.append(times)
    try:
        yield times
    finally:
        del _timings[next(i for i, t in enumerate(_timings) if t is times)]


def record_time(stage: str, seconds: float) -> None:
    """Adds ``seconds`` to ``stage`` in every :func:`stage_times` block open."""
    for times in _timings:
        times[stage] = times.get(stage, 0.0) + seconds


def run_pipeline(spec: str, module: ModuleOp, ctx: Context | None = None
                 ) -> dict[str, str | ModuleOp]:
    """Run ``spec`` on ``module`` in place, verifying the IR after every pass; returns the
    stages kept (:data:`KEPT`) by name."""
    try:
        pipeline = PassPipeline.parse_spec(get_all_passes(), spec)
    except (ArgSpecParseError, ValueError) as exc:
        raise SymcError(f"invalid pass pipeline {spec!r}: {exc}") from None
    stages: dict[str, str | ModuleOp] = {}
    clock = [time.perf_counter()]

    def after(done: ModulePass | None, op: ModuleOp, _next: ModulePass | None) -> None:
        start = time.perf_counter()
        if done is not None:
            record_time(done.name, start - clock[0])
        op.verify()
        kept = time.perf_counter()
        record_time("verify", kept - start)
        if done is not None and done.name in KEPT:
            stage, kind = KEPT[done.name]
            stages[stage] = print_module(op) if kind == "text" else op.clone()
            record_time("keep-stages", time.perf_counter() - kept)
        clock[0] = time.perf_counter()

    PassPipeline(pipeline.passes, after).apply(ctx or context(), module)
    return stages
