"""``symc.compile``: expressions in, a verified-ready :class:`~symc.design.Design` out.

The frontend turns the expressions into sym IR; then the pass pipeline of
:func:`symc.pipeline.pipeline_spec` runs (sym-canonicalize -> sym-range-analysis ->
sym-approximate-lut -> sym-check-overflow -> sym-legalize-fixed -> [sym-distribute] ->
sym-narrow -> sym-schedule -> convert-sym-to-hw), the same spec ``symc-opt -p`` takes
(``Design.pipeline``), and CIRCT prints the Verilog. Each stage's IR is kept so that
``Design.mlir(stage)`` can show it.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Mapping, Sequence
from typing import Any

import sympy
from xdsl.dialects.builtin import ModuleOp
from xdsl.utils.exceptions import DiagnosticException, VerifyException

from symc.backends.pipeline import kernel_latency
from symc.backends.verilog import module_to_verilog
from symc.design import Design, Port
from symc.dialects import sym
from symc.fixed import MAX_WIDTH, Precision, parse_precision
from symc.frontend.errors import SymcError
from symc.frontend.functions import check_calls, definitions, reveal
from symc.frontend.functions import inline as inline_calls
from symc.frontend.lower import TABLE_BUILTINS, build_module
from symc.frontend.names import check_design_name, check_identifier, port_names
from symc.frontend.pysr import parse_equation, table_functions
from symc.options import CompileOptions
from symc.passes.approximate_lut import hls4ml_indexed
from symc.passes.legalize_fixed import AUTO_INPUT, input_raw_bounds
from symc.pipeline import Schedule, pipeline_spec, record_time, run_pipeline

Expressions = str | sympy.Expr | Sequence[str | sympy.Expr]
Inputs = Sequence[str] | Mapping[str, tuple[float, float]] | None


def _to_sympy(expr: Any, position: int, known: dict[str, str],
              opaque: Sequence[str] = ()) -> sympy.Expr:
    if isinstance(expr, str):
        # PySR's equations as PySR reads them: Julia literals, its operators (symc.frontend.pysr).
        return parse_equation(expr, known, opaque=opaque)
    if isinstance(expr, sympy.Basic):
        if not isinstance(expr, sympy.Expr):
            raise SymcError(f"expression {position} is a {type(expr).__name__}, not an expression")
        return expr
    if isinstance(expr, int | float) and not isinstance(expr, bool):
        return sympy.Float(expr) if isinstance(expr, float) else sympy.Integer(expr)
    raise SymcError(
        f"expression {position} has type {type(expr).__name__}: give a string or a sympy expression"
    )


def natural_key(name: str) -> list[Any]:
    """Sort key that orders numbered names by number: ``x2`` before ``x14``."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]


def _expressions(exprs: Expressions, known: dict[str, str], inline: bool,
                 opaque: Sequence[str] = ()) -> list[sympy.Expr]:
    """The expressions as sympy. Calls of the built-in functions in ``opaque`` are parsed as
    undefined functions of that name, which sympy cannot rewrite (``exp(x)**2`` stays a square
    of a call), and lowered to the built-in op."""
    if isinstance(exprs, str | sympy.Basic):
        items: list[Any] = [exprs]
    elif isinstance(exprs, Sequence):
        items = list(exprs)
    else:
        raise SymcError(f"exprs must be a string, a sympy expression or a list of them, "
                        f"not {type(exprs).__name__}")
    if not items:
        raise SymcError("no expressions given")
    parsed = [_to_sympy(e, i, known, opaque) for i, e in enumerate(items)]
    for expr in parsed:
        known.update(table_functions(expr, known))  # PySR's cosh, sinh: a table each
        check_calls(expr, {**known, **{name: f"{name}(x)" for name in opaque}})
    return [inline_calls(e, known) for e in parsed] if inline else parsed


def _expression_texts(exprs: Expressions, parsed: list[sympy.Expr]) -> list[str]:
    """Each output's expression as the user wrote it (strings verbatim, sympy printed)."""
    items = [exprs] if isinstance(exprs, str | sympy.Basic) else list(exprs)
    return [item.strip() if isinstance(item, str) else str(p)
            for item, p in zip(items, parsed, strict=True)]


def _inputs(inputs: Inputs, exprs: list[sympy.Expr]) -> tuple[list[str], list | None]:
    free = sorted({s.name for e in exprs for s in e.free_symbols},  # type: ignore[attr-defined]
                  key=natural_key)
    if inputs is None:
        return free, None
    if isinstance(inputs, str):
        raise SymcError("inputs must be a list of names or a dict name -> (lo, hi), not a string")
    if isinstance(inputs, Mapping):
        names = list(inputs)
        ranges = []
        for name, bounds in inputs.items():
            check_identifier(name)
            try:
                lo, hi = (float(b) for b in bounds)
            except (TypeError, ValueError):
                raise SymcError(
                    f"range of input {name!r} must be a pair (lo, hi), not {bounds!r}"
                ) from None
            if not (math.isfinite(lo) and math.isfinite(hi)) or lo > hi:
                raise SymcError(f"invalid range for input {name!r}: ({lo}, {hi})")
            ranges.append((lo, hi))
        return names, ranges
    names = list(inputs)
    for name in names:
        check_identifier(name)
    return names, None


def compile(  # noqa: A001 - the public name of the product
    exprs: Expressions,
    inputs: Inputs = None,
    options: CompileOptions | None = None,
    *,
    name: str = "top",
    **keywords: Any,
) -> Design:
    """Compile expressions (one output each) into a fixed-point hardware design.

    ``inputs``: a list of names (port order) or a dict name -> (lo, hi) range; by default the
    free symbols in natural order (``x2`` before ``x14``). ``options``: a
    :class:`~symc.options.CompileOptions` (precision, tables and functions, pipeline); its
    fields may also be given as keywords (``precision="auto", max_error=1e-3, clock_ns=5``),
    which change ``options`` when both are given. ``name``: the Verilog module's name.
    ``Design.options`` is what built the design.
    """
    started = time.perf_counter()
    options = _options(options, keywords)
    auto = options.auto
    check_design_name(name)
    input_precision = AUTO_INPUT if auto else parse_precision(options.precision)
    known = definitions(options.function_definitions)
    opaque = hls4ml_indexed(options.table_settings, TABLE_BUILTINS)
    sym_exprs = _expressions(exprs, known, options.inline_functions, opaque)
    names, ranges = _inputs(inputs, sym_exprs)
    if auto and ranges is None:
        raise SymcError("precision='auto' needs input ranges: inputs={'x0': (lo, hi), ...}")
    declared = ranges is not None
    if ranges is None:
        fmt = input_precision.format
        ranges = [(fmt.min_value, fmt.max_value)] * len(names)
    in_ports, out_ports, renamed = port_names(names, len(sym_exprs))
    if name in in_ports or name in out_ports:
        raise SymcError(f"design name {name!r} clashes with a port name")

    module = build_module(sym_exprs, names, in_ports, out_ports, ranges, name, known)
    texts = _expression_texts(exprs, sym_exprs)
    spec = pipeline_spec(options, ranges_declared=declared,
                         outputs=[f"{p} = {t}" for p, t in zip(out_ports, texts, strict=True)])
    record_time("frontend", time.perf_counter() - started)
    try:
        module.verify()
        stages = run_pipeline(spec, module)
    except SymcError as exc:
        # xDSL's rewrite driver attaches the whole module as a note; the message is enough.
        if hasattr(exc, "__notes__"):
            del exc.__notes__
        raise
    except (VerifyException, DiagnosticException) as exc:
        raise SymcError(f"internal error, the IR does not verify: {exc}") from exc
    fixed_module = stages["fixed"]
    hw_text = stages["hw"]
    assert isinstance(fixed_module, ModuleOp) and isinstance(hw_text, str)
    exporting = time.perf_counter()
    verilog = module_to_verilog(module, hw_text)
    record_time("export-verilog", time.perf_counter() - exporting)

    kernel = next(k for k in fixed_module.walk() if isinstance(k, sym.KernelOp))
    in_formats = [a.type.format for a in kernel.body.block.args]  # type: ignore[attr-defined]
    out_formats = [v.type.format for v in kernel.output_op.operands]  # type: ignore[attr-defined]
    if max(f.width for f in (*in_formats, *out_formats)) > MAX_WIDTH:
        raise SymcError(f"a port is wider than {MAX_WIDTH} bits")
    bounds_attr = kernel.attributes.get("error_bounds")
    bounds = [b.value.data for b in bounds_attr.data] if bounds_attr is not None else None  # type: ignore[attr-defined]
    ports_in = [
        Port(port, fmt, user, (lo, hi),
             raw_bounds=(input_raw_bounds(lo, hi, fmt.frac_bits)
                         if auto and options.clamp_inputs else None))
        for port, fmt, user, (lo, hi) in zip(in_ports, in_formats, names, ranges, strict=True)
    ]
    ports_out = [
        Port(port, fmt, text, None, None if bounds is None else bounds[i])
        for i, (port, fmt, text) in enumerate(zip(out_ports, out_formats, texts, strict=True))
    ]
    return Design(
        name=name,
        precision="auto" if auto else str(input_precision),
        input_quantization=Precision(input_precision.format, input_precision.quant,
                                     input_precision.overflow),
        inputs=ports_in,
        outputs=ports_out,
        renamed=renamed,
        stages=stages,
        fixed_module=fixed_module,
        verilog=verilog,
        latency=_latency(kernel),
        schedule=_schedule(kernel, options),
        options=options,
        pipeline=spec,
        expressions=[reveal(inline_calls(e, known)) for e in sym_exprs],
    )


# --- pipelining ---------------------------------------------------------------------------------


def _options(options: CompileOptions | None, keywords: dict[str, Any]) -> CompileOptions:
    if options is None:
        return CompileOptions.from_keywords(**keywords)
    if not isinstance(options, CompileOptions):
        raise SymcError(f"options must be a symc.CompileOptions, not {type(options).__name__}")
    return options.replace(**keywords) if keywords else options


def _latency(kernel: Any) -> int:
    return kernel_latency(kernel) or 0


def _schedule(kernel: Any, options: CompileOptions) -> Schedule:
    stage_ns = kernel.attributes.get("stage_ns")
    return Schedule(
        family=options.family,
        dsp=options.dsp,
        clock_ns=options.clock_ns,
        latency=_latency(kernel),
        reset=options.reset,
        valid=options.valid,
        stage_ns=tuple(a.value.data for a in stage_ns.data) if stage_ns is not None else (),
    )
