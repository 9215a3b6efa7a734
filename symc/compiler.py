"""``symc.compile``: expressions in, a verified-ready :class:`~symc.design.Design` out.

Runs the same passes as ``symc-opt``, in the order of DESIGN.md's data flow:
frontend -> sym-canonicalize -> sym-range-analysis -> sym-approximate-lut -> sym-legalize-fixed
-> sym-narrow -> sym-schedule -> convert-sym-to-hw -> CIRCT (Verilog). Each stage's IR is kept
so that ``Design.mlir(stage)`` can show it.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from typing import Any

import sympy
from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.utils.exceptions import DiagnosticException, VerifyException

from symc.backends.verilog import module_to_verilog, print_module
from symc.design import Design, Port
from symc.fixed import MAX_WIDTH, Precision, parse_precision
from symc.frontend.errors import SymcError
from symc.frontend.functions import check_calls, definitions
from symc.frontend.functions import inline as inline_calls
from symc.frontend.lower import build_module
from symc.frontend.names import check_design_name, check_identifier, port_names

Expressions = str | sympy.Expr | Sequence[str | sympy.Expr]
Inputs = Sequence[str] | Mapping[str, tuple[float, float]] | None


def _to_sympy(expr: Any, position: int, known: dict[str, str]) -> sympy.Expr:
    if isinstance(expr, str):
        from symc.frontend.parse import parse_expression

        return parse_expression(expr, {name: 1 for name in known})
    if isinstance(expr, sympy.Basic):
        if not isinstance(expr, sympy.Expr):
            raise SymcError(f"expression {position} is a {type(expr).__name__}, not an expression")
        return expr
    if isinstance(expr, int | float) and not isinstance(expr, bool):
        return sympy.Float(expr) if isinstance(expr, float) else sympy.Integer(expr)
    raise SymcError(
        f"expression {position} has type {type(expr).__name__}: give a string or a sympy expression"
    )


def _expressions(exprs: Expressions, known: dict[str, str], inline: bool) -> list[sympy.Expr]:
    if isinstance(exprs, str | sympy.Basic):
        items: list[Any] = [exprs]
    elif isinstance(exprs, Sequence):
        items = list(exprs)
    else:
        raise SymcError(f"exprs must be a string, a sympy expression or a list of them, "
                        f"not {type(exprs).__name__}")
    if not items:
        raise SymcError("no expressions given")
    parsed = [_to_sympy(e, i, known) for i, e in enumerate(items)]
    for expr in parsed:
        check_calls(expr, known)
    return [inline_calls(e, known) for e in parsed] if inline else parsed


def _expression_texts(exprs: Expressions, parsed: list[sympy.Expr]) -> list[str]:
    """Each output's expression as the user wrote it (strings verbatim, sympy printed)."""
    items = [exprs] if isinstance(exprs, str | sympy.Basic) else list(exprs)
    return [item.strip() if isinstance(item, str) else str(p)
            for item, p in zip(items, parsed, strict=True)]


def _inputs(inputs: Inputs, exprs: list[sympy.Expr]) -> tuple[list[str], list | None]:
    free = sorted({s.name for e in exprs for s in e.free_symbols})  # type: ignore[attr-defined]
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
    precision: str = "ap_fixed<16,6>",
    max_error: float | None = None,
    frac_bits: int | None = None,
    name: str = "top",
    tables: Mapping[str, Mapping[str, Any]] | None = None,
    functions: Mapping[str, Any] | None = None,
    inline_functions: bool = False,
    strict: bool = False,
    clock_ns: float | None = None,
    family: str = "xcup",
    dsp: bool = True,
    roms: str = "logic",
    input_registers: bool = False,
    output_registers: bool = False,
    reset: bool = False,
    valid: bool = False,
    distribute: bool = True,
    dsp_budget: int | None = None,
) -> Design:
    """Compile expressions (one output each) into a fixed-point hardware design.

    ``inputs``: a list of names (port order) or a dict name -> (lo, hi) range; by default the
    sorted free symbols. ``precision``: ``"ap_fixed<W,I[,Q,O]>"``, ``"ap_ufixed<...>"`` or
    ``"auto"`` (then ranges are required, ``max_error`` or ``frac_bits`` set the fractional bits).
    ``tables``: lookup-table settings per function name (or ``"*"``): ``entries``, ``domain``,
    ``indexing`` (``"bits"`` or ``"hls4ml"``), ``max_error``. ``functions``: user-defined unary
    functions, name -> definition in ``x`` (a string, or a callable as in PySR's
    ``extra_sympy_mappings``); each becomes one table unless ``inline_functions``. ``strict``:
    a table domain that clips part of its argument's range is an error, not a warning.

    Pipelining (``sym-schedule``): ``clock_ns`` is the target clock period; the design gets
    registers so that every stage fits it on ``family`` (``"xc7"``, ``"xcup"``, ``"ecp5"``) with
    the fewest cycles (``Design.latency``), II = 1. ``None`` keeps it combinational.
    ``dsp=False`` forbids DSP blocks (constant products become shifts and adds, others LUT
    multipliers). ``roms="block"`` puts plain tables in block RAM (dual-port ROMs shared by two
    reads; read one stage after the index; interpolating and exponent tables stay in logic);
    ``roms="auto"`` only those whose value comes no later than from LUTs.
    ``input_registers`` / ``output_registers`` add a register stage before / after
    the logic; ``reset`` adds a synchronous active-high ``rst`` that clears every pipeline
    register; ``valid`` carries ``valid_in`` to ``valid_out`` alongside the data.
    ``distribute`` (with a clock): multiply a product of a late sum out (``x*(a + b)`` ->
    ``x*a + x*b``, the same bits) wherever that saves cycles (``sym-distribute``); False keeps
    the expression's own products. ``dsp_budget``: DSP blocks the design may take; constant
    products move from shift-adds into DSP blocks (most adder bits first) while the model's
    count stays within it and the latency does not grow.
    """
    from symc.passes.canonicalize import SymCanonicalizePass
    from symc.passes.convert_sym_to_hw import ConvertSymToHWPass
    from symc.passes.distribute import SymDistributePass
    from symc.passes.legalize_fixed import AUTO_INPUT, SymLegalizeFixedPass, input_raw_bounds
    from symc.passes.narrow import SymNarrowPass
    from symc.passes.range_analysis import SymRangeAnalysisPass

    check_design_name(name)
    schedule_pass = _schedule_pass(clock_ns, family, dsp, roms, input_registers,
                                   output_registers, reset, valid, dsp_budget)
    if not isinstance(precision, str):
        raise SymcError(f"precision must be a string, not {type(precision).__name__}")
    auto = precision.strip() == "auto"
    input_precision = AUTO_INPUT if auto else parse_precision(precision)
    if not auto and (max_error is not None or frac_bits is not None):
        raise SymcError("max_error and frac_bits apply only to precision='auto'")
    known = definitions(functions)
    sym_exprs = _expressions(exprs, known, inline_functions)
    lut_pass = _table_pass(precision, auto, max_error, tables, strict)
    names, ranges = _inputs(inputs, sym_exprs)
    if auto and ranges is None:
        raise SymcError("precision='auto' needs input ranges: inputs={'x0': (lo, hi), ...}")
    if ranges is None:
        fmt = input_precision.format
        ranges = [(fmt.min_value, fmt.max_value)] * len(names)
    in_ports, out_ports, renamed = port_names(names, len(sym_exprs))
    if name in in_ports or name in out_ports:
        raise SymcError(f"design name {name!r} clashes with a port name")

    module = build_module(sym_exprs, names, in_ports, out_ports, ranges, name, known)
    ctx = _context()
    stages: dict[str, str | ModuleOp] = {}
    try:
        module.verify()
        SymCanonicalizePass().apply(ctx, module)
        SymRangeAnalysisPass().apply(ctx, module)
        module.verify()
        stages["sym"] = print_module(module)
        lut_pass.apply(ctx, module)
        module.verify()
        # Tables make big texts: the stages after this one are printed when asked for.
        stages["lut"] = module.clone()
        SymLegalizeFixedPass(precision=precision, max_error=max_error,
                             frac_bits=frac_bits).apply(ctx, module)
        if distribute:
            SymDistributePass(**schedule_pass.pipeline_options()).apply(ctx, module)
        SymNarrowPass().apply(ctx, module)
        module.verify()
        # An analysis: stages and multiplier choices become attributes of the fixed IR.
        schedule_pass.apply(ctx, module)
        fixed_module = module.clone()
        stages["fixed"] = fixed_module
        ConvertSymToHWPass().apply(ctx, module)
        module.verify()
        stages["hw"] = print_module(module)
    except SymcError as exc:
        # xDSL's rewrite driver attaches the whole module as a note; the message is enough.
        if hasattr(exc, "__notes__"):
            del exc.__notes__
        raise
    except (VerifyException, DiagnosticException) as exc:
        raise SymcError(f"internal error, the IR does not verify: {exc}") from exc
    verilog = module_to_verilog(module, stages["hw"])

    from symc.dialects import sym

    kernel = next(k for k in fixed_module.walk() if isinstance(k, sym.KernelOp))
    in_formats = [a.type.format for a in kernel.body.block.args]  # type: ignore[attr-defined]
    out_formats = [v.type.format for v in kernel.output_op.operands]  # type: ignore[attr-defined]
    if max(f.width for f in (*in_formats, *out_formats)) > MAX_WIDTH:
        raise SymcError(f"a port is wider than {MAX_WIDTH} bits")
    bounds_attr = kernel.attributes.get("error_bounds")
    bounds = [b.value.data for b in bounds_attr.data] if bounds_attr is not None else None  # type: ignore[attr-defined]
    ports_in = [
        Port(port, fmt, user, (lo, hi),
             raw_bounds=input_raw_bounds(lo, hi, fmt.frac_bits) if auto else None)
        for port, fmt, user, (lo, hi) in zip(in_ports, in_formats, names, ranges, strict=True)
    ]
    texts = _expression_texts(exprs, sym_exprs)
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
        schedule=_schedule(kernel, schedule_pass),
    )


# --- pipelining ---------------------------------------------------------------------------------


def _schedule_pass(clock_ns: float | None, family: str, dsp: bool, roms: str,
                   input_registers: bool, output_registers: bool, reset: bool,
                   valid: bool, dsp_budget: int | None = None) -> Any:
    from symc.delays import load
    from symc.passes.schedule import ROMS, SymSchedulePass

    load(family)  # an unknown family fails here, listing the known ones
    if clock_ns is not None:
        if isinstance(clock_ns, bool) or not isinstance(clock_ns, int | float):
            raise SymcError(f"clock_ns must be a number of nanoseconds, not {clock_ns!r}")
        if not (math.isfinite(clock_ns) and clock_ns > 0):
            raise SymcError(f"clock_ns must be positive, not {clock_ns}")
    elif input_registers or output_registers or reset or valid:
        raise SymcError("input_registers, output_registers, reset and valid need a clock_ns")
    if dsp_budget is not None and (isinstance(dsp_budget, bool)
                                   or not isinstance(dsp_budget, int) or dsp_budget < 0):
        raise SymcError(f"dsp_budget must be a number of DSP blocks >= 0, not {dsp_budget!r}")
    if roms not in ROMS:
        raise SymcError(f"roms must be one of {', '.join(map(repr, ROMS))}, not {roms!r}")
    if roms != "logic" and clock_ns is None:
        raise SymcError(f"roms={roms!r} reads tables on a clock edge: it needs a clock_ns")
    return SymSchedulePass(clock_ns=None if clock_ns is None else float(clock_ns), family=family,
                           dsp=bool(dsp), roms=roms, input_registers=input_registers,
                           output_registers=output_registers, reset=reset, valid=valid,
                           dsp_budget=dsp_budget)


def _latency(kernel: Any) -> int:
    from symc.backends.pipeline import kernel_latency

    return kernel_latency(kernel) or 0


def _schedule(kernel: Any, schedule_pass: Any) -> Any:
    from symc.report import Schedule

    stage_ns = kernel.attributes.get("stage_ns")
    return Schedule(
        family=schedule_pass.family,
        dsp=schedule_pass.dsp,
        clock_ns=schedule_pass.clock_ns,
        latency=_latency(kernel),
        reset=schedule_pass.reset,
        valid=schedule_pass.valid,
        stage_ns=tuple(a.value.data for a in stage_ns.data) if stage_ns is not None else (),
    )


def _table_pass(precision: str, auto: bool, max_error: float | None,
                tables: Mapping[str, Mapping[str, Any]] | None, strict: bool) -> Any:
    from symc.passes.approximate_lut import SymApproximateLutPass

    settings: dict[str, dict[str, Any]] = {}
    if tables is not None:
        if not isinstance(tables, Mapping) or not all(
            isinstance(k, str) and isinstance(v, Mapping) for k, v in tables.items()
        ):
            raise SymcError("tables must map function names (or '*') to dicts of settings")
        settings = {k: dict(v) for k, v in tables.items()}
        for values in settings.values():
            if isinstance(values.get("domain"), tuple):
                values["domain"] = list(values["domain"])
    table_error = None
    if auto and not any("max_error" in v or "entries" in v for v in settings.values()):
        # A quarter of the design's budget for each table; the arithmetic gets the rest.
        table_error = (max_error if max_error is not None else 2.0**-10) / 4
    try:
        encoded = json.dumps(settings, sort_keys=True) if settings else ""
    except (TypeError, ValueError) as exc:
        raise SymcError(f"tables settings must be plain numbers and strings: {exc}") from None
    # symc's own precision interpolates: far smaller tables for the same error.
    return SymApproximateLutPass(precision=precision, max_error=table_error, strict=strict,
                                 tables=encoded, interpolation="linear" if auto else "none")


def _context() -> Context:
    from symc.dialects import get_all_dialects

    ctx = Context()
    from xdsl.dialects.builtin import Builtin

    ctx.load_dialect(Builtin)
    for factory in get_all_dialects().values():
        ctx.load_dialect(factory())
    return ctx

