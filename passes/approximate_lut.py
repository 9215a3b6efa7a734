"""``sym-approximate-lut``: elementary and custom functions become lookup tables (``sym.lut``).

Runs after ``sym-range-analysis`` (it reads the ``range`` of each function's argument) and
before ``sym-legalize-fixed`` (which casts each table's operand to the table's input format).
It replaces ``sym.sin cos tan tanh exp log sqrt``, ``sym.apply`` (user functions, one table
each, whatever their definition) and ``sym.div`` by a variable (``a / b -> a * recip(b)``) with
``sym.lut`` ops that carry their table data; the indexing rules are :mod:`symc.tables`.

Options apply to every function, and ``tables`` (JSON: function name or ``"*"`` -> settings)
overrides them per function: ``entries``, ``domain`` (``[lo, hi]``; default: the argument's
range, or one period for ``sin``/``cos`` in ``bits`` indexing), ``indexing`` (``"bits"`` or
``"hls4ml"``), ``interpolation`` (``"none"``, ``"linear"`` or ``"bipartite"``: two tables and
an adder, no multiplier; ``bits`` only), ``max_error``
(pick the smallest power-of-two table meeting it; ``bits`` only), ``reduction`` (``"auto"``,
the default, or ``"none"``).

Range reduction (``bits`` indexing, no explicit ``domain``, ``reduction="auto"``): ``sin``,
``cos`` and bounded periodic user functions (``sin(x)*cos(x)``, period pi, which is
``sin(2x)/2``) get a table over one period; ``exp`` over an argument range wider than one octave
(``ln 2``) gets a table of ``2**f`` scaled by ``2**k`` (:func:`symc.tables.exp_table`), whose size
follows the error wanted rather than the width of the range. ``reduction="none"`` gives every
function a plain table over its argument's range.

Formats: with ``precision="ap_fixed<W,I>"`` a table reads and returns that type (as hls4ml's
do); with ``"auto"`` the input keeps enough fractional bits for its index and the output the
fewest integer bits for the function's values and fractional bits for ``max_error``.

A table whose domain leaves out part of its argument's range clamps there: that is a warning
naming the fraction of the range left out, or an error with ``strict``.
"""

from __future__ import annotations

import functools
import json
import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import sympy
from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Operation, SSAValue
from xdsl.rewriter import Rewriter

from symc.dialects import sym
from symc.fixed import (
    DEFAULT_MAX_ERROR,
    FixedFormat,
    Precision,
    format_for_raw_range,
    parse_precision,
)
from symc.frontend.errors import SymcError
from symc.frontend.parse import parse_expression
from symc.passes import SymcPass
from symc.passes.range_analysis import analyze_kernel, table_read_range
from symc.tables import (
    BUILTIN,
    MAX_ENTRIES,
    MAX_TABLE_WIDTH,
    PERIODS,
    VECTOR,
    Table,
    TableWarning,
    bits_domain,
    bits_table,
    exp_table,
    hls4ml_table,
    lipschitz,
    max_error,
    meets,
    read_error,
    reciprocal_table,
    round_precision,
    scalar_function,
    vector_function,
)

DEFAULT_ENTRIES = 1024
SETTINGS = ("entries", "domain", "indexing", "interpolation", "max_error", "reduction")
INTERP_BITS = 12
TABLE_MARGIN = 2.0**-6
"""A table's error and slope are measured this fraction of its argument's magnitude (or of 1)
beyond the argument's range."""
"""Bits of the position inside a cell that weigh an interpolated table's next entry."""

_FUNCTION_OF = {
    sym.SinOp: "sin",
    sym.CosOp: "cos",
    sym.TanOp: "tan",
    sym.TanhOp: "tanh",
    sym.ExpOp: "exp",
    sym.LogOp: "log",
    sym.SqrtOp: "sqrt",
}


def _value_range(value: SSAValue) -> tuple[float, float]:
    if isinstance(value.owner, Operation):
        attr = value.owner.attributes.get("range")
        if isinstance(attr, sym.IntervalAttr):
            return attr.bounds
    else:
        kernel = value.owner.parent_op()
        if isinstance(kernel, sym.KernelOp) and kernel.ranges is not None:
            return kernel.ranges[value.index]  # type: ignore[attr-defined]
    raise SymcError("sym-approximate-lut needs ranges: run sym-range-analysis first")


def _is_table(op: Operation) -> bool:
    """Whether ``op`` becomes a table (a division by a constant becomes a product)."""
    if isinstance(op, sym.DivOp):
        return not _is_constant(op.rhs)
    return isinstance(op, sym.ElementaryOp | sym.ApplyOp)


def _magnitude(value: SSAValue) -> float:
    lo, hi = _value_range(value)
    return max(abs(lo), abs(hi))


def _local_gains(op: Operation) -> list[float]:
    """Bounds on |d result / d operand| over the operands' ranges, one per operand."""
    match op:
        case sym.AddOp() | sym.SubOp():
            return [1.0, 1.0]
        case sym.MulOp() if op.lhs is op.rhs:
            return [2 * _magnitude(op.lhs)] * 2
        case sym.MulOp():
            return [_magnitude(op.rhs), _magnitude(op.lhs)]
        case sym.DivOp():
            c, d = _value_range(op.rhs)
            smallest = min(abs(c), abs(d))
            if smallest == 0:
                return [math.inf, math.inf]
            return [1 / smallest, _magnitude(op.lhs) / smallest**2]
        case sym.PowOp():
            n = op.exponent.data
            return [n * _magnitude(op.base) ** (n - 1)]
        case sym.ElementaryOp() | sym.ApplyOp():
            lo, hi = _value_range(op.operands[0])
            name = _FUNCTION_OF.get(type(op))  # type: ignore[arg-type]
            if isinstance(op, sym.ApplyOp):
                func = _user_function(op.definition.data, op.function.data)[1]
            else:
                assert name is not None
                func = VECTOR[name]
            with np.errstate(all="ignore"):
                return [lipschitz(func, lo, hi)]
        case _:  # neg, abs, min, max, cast: 1-Lipschitz
            return [1.0] * len(op.operands)


def table_budgets(kernel: sym.KernelOp, tables: list[Operation],
                  max_error: float) -> dict[Operation, float]:
    """Each table's error target when every output may lose ``max_error`` to its tables
    (:attr:`SymApproximateLutPass.split_error`): for each output, the gain from every value
    to it (interval derivatives, summed over the paths), then ``max_error / (n * g)`` with
    ``n`` the output's number of tables, the smallest over the outputs a table feeds."""
    ops = list(kernel.body.ops)
    budgets: dict[Operation, float] = {}
    for output in kernel.output_op.operands:
        gain: dict[SSAValue, float] = {output: 1.0}
        for op in reversed(ops):
            if isinstance(op, sym.OutputOp) or not op.results:
                continue
            g = gain.get(op.results[0], 0.0)
            if g == 0.0:
                continue
            for operand, local in zip(op.operands, _local_gains(op), strict=True):
                gain[operand] = gain.get(operand, 0.0) + g * local
        def table_gain(table: Operation, gain: dict[SSAValue, float] = gain) -> float:
            g = gain.get(table.results[0], 0.0)
            # A division's table holds 1/b, which the product multiplies by a.
            return g * _magnitude(table.lhs) if isinstance(table, sym.DivOp) else g

        fed = [t for t in tables if table_gain(t) > 0.0]
        for table in fed:
            share = max_error / (len(fed) * table_gain(table))
            budgets[table] = min(budgets.get(table, math.inf), share)
    return budgets


@functools.lru_cache(maxsize=256)
def _periodic_definition(expr: sympy.Expr, var: sympy.Symbol) -> float | None:
    """The period of a bounded periodic definition (``sin(x)*cos(x)`` -> pi), else None.
    Remembered: sympy's periodicity takes tens of milliseconds, and an exploration asks it of
    the same few definitions in every design."""
    if not expr.has(sympy.sin, sympy.cos) or expr.has(sympy.tan):
        return None
    try:
        period = sympy.periodicity(expr, var)
    except (NotImplementedError, ValueError, TypeError):
        return None
    return float(period) if period is not None and period.is_positive else None


@functools.lru_cache(maxsize=256)
def _user_function(definition: str, name: str
                   ) -> tuple[Callable[[float], float], Callable[[Any], Any], float | None]:
    """A user function's float64 evaluator (libm, for entries), its numpy one (for
    measurements) and its period (when periodic and bounded), from its definition in ``x``."""
    x = sympy.Symbol("x")
    expr = parse_expression(definition)
    stray = expr.free_symbols - {x}
    if stray:
        raise SymcError(
            f"the definition of {name} may only use x, not "
            f"{', '.join(sorted(str(s) for s in stray))}"
        )
    return scalar_function(expr, x), vector_function(expr, x), _periodic_definition(expr, x)


def forget_tables() -> None:
    """Forgets the tables built so far in this process (they are remembered by function,
    settings, precision and argument range; see ``SymApproximateLutPass``)."""
    SymApproximateLutPass._remembered.cache_clear()


def table_overrides(text: str) -> dict[str, dict[str, Any]]:
    """The ``tables`` option (JSON: function name or ``*`` -> settings) as dicts, checked."""
    if not text:
        return {}
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SymcError(f"tables must be JSON: {exc}") from None
    if not isinstance(parsed, dict) or not all(isinstance(v, dict) for v in parsed.values()):
        raise SymcError("tables must map function names (or '*') to settings dicts")
    for name, settings in parsed.items():
        unknown = set(settings) - set(SETTINGS)
        if unknown:
            raise SymcError(
                f"unknown table setting {sorted(unknown)[0]!r} for {name!r}; "
                f"settings: {', '.join(SETTINGS)}"
            )
    return parsed


def hls4ml_indexed(overrides: dict[str, dict[str, Any]], names: Any) -> tuple[str, ...]:
    """The functions among ``names`` whose tables use hls4ml's indexing under ``overrides``
    (:func:`table_overrides`): their calls stay the opaque lookups hls4ml makes of them
    (``exp(x)**2`` squares a table read; its calls of constants are table reads too), where
    other calls are functions sympy and ``sym-canonicalize`` may rewrite."""
    default = overrides.get("*", {}).get("indexing", "bits")
    return tuple(sorted(name for name in set(names)
                        if overrides.get(name, {}).get("indexing", default) == "hls4ml"))


@dataclass(frozen=True)
class SymApproximateLutPass(SymcPass):
    name = "sym-approximate-lut"

    precision: str = "ap_fixed<16,6>"
    """The design's precision: an ``ap_fixed`` type (tables read and return it) or ``auto``."""

    entries: int = DEFAULT_ENTRIES
    """Entries per table (a power of two for ``bits`` indexing)."""

    indexing: str = "bits"
    """``bits`` (symc's: bit slices, periodic tables) or ``hls4ml`` (hls4ml's lookup_table)."""

    max_error: float | None = None
    """Pick the smallest table meeting this absolute error (``bits`` only)."""

    split_error: bool = False
    """Read ``max_error`` as what every output may lose to its tables, shared among them by
    sensitivity: a table gets ``max_error / (n * g)``, with ``g`` a bound on how much a change
    of its value moves an output (interval derivatives along the paths to it: ``8*sin(x)``
    gives 8) and ``n`` the number of tables that output reads (``precision="auto"``)."""

    interpolation: str = "none"
    """``none`` or ``linear`` (``bits`` only: one more entry read and a multiplier, for far
    fewer entries at the same error)."""

    strict: bool = False
    """Make a table domain that clips part of its argument's range an error."""

    turns: bool = False
    """``precision="auto"``: a periodic function's argument is computed in turns (``sin(u)``
    becomes ``s(u / 2pi)`` with ``s(t) = sin(2 pi t)``, the division distributed over ``u``'s
    sums and constant factors), so that the table reads its argument modulo 1: no scale
    product, and ``sym-narrow`` drops every integer bit of the sums that compute it."""

    tables: str = ""
    """Per-function settings as JSON, e.g. ``{"sin": {"entries": 256, "domain": [-8, 8]}}``;
    the key ``"*"`` applies to every function."""

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        overrides = self._overrides()
        for kernel in [k for k in op.walk() if isinstance(k, sym.KernelOp)]:
            kinds = {type(o) for o in kernel.body.ops}
            if ({sym.SinOp, sym.CosOp} <= kinds and self._fuses(overrides)
                    and _fuse_sin_cos(kernel)):
                # the fused products' ranges (sin*cos in [-1/2, 1/2])
                analyze_kernel(kernel, None if self.precision.strip() == "auto"
                               else parse_precision(self.precision).format)
            if (self.precision.strip() == "auto" and self.turns
                    and _fold_turns(kernel, lambda name: self._periodic_bits(name, overrides))):
                analyze_kernel(kernel, None)  # the arguments in turns
            targets = [o for o in kernel.body.ops if _is_table(o)]
            budgets = (table_budgets(kernel, targets, self.max_error)
                       if self.split_error and self.max_error is not None else {})
            for target in targets:
                self._replace(target, overrides, budgets.get(target))

    # --- settings --------------------------------------------------------------------------

    def _overrides(self) -> dict[str, dict[str, Any]]:
        return table_overrides(self.tables)

    def _periodic_bits(self, name: str, overrides: dict[str, dict[str, Any]]) -> bool:
        """Whether ``name``'s table, if its function is periodic, covers one period (bits
        indexing, no domain, range reduction)."""
        settings = self._settings(name, overrides)
        return (settings["indexing"] == "bits" and settings["domain"] is None
                and settings["reduction"] == "auto")

    def _fuses(self, overrides: dict[str, dict[str, Any]]) -> bool:
        """``sin(u) * cos(u)`` becomes one table when both functions would get periodic
        ``bits`` tables (never in hls4ml indexing: hls4ml reads two tables)."""
        for name in ("sin", "cos", FUSED):
            settings = self._settings(name, overrides)
            if (settings["indexing"] != "bits" or settings["domain"] is not None
                    or settings["reduction"] != "auto"):
                return False
        return True

    def _settings(self, function: str, overrides: dict[str, dict[str, Any]]) -> dict[str, Any]:
        settings: dict[str, Any] = {
            "entries": self.entries,
            "domain": None,
            "indexing": self.indexing,
            "interpolation": self.interpolation,
            "max_error": self.max_error,
            "reduction": "auto",
        }
        # The fused sin*cos table takes sin's settings unless it has its own.
        keys = ["*", "sin", FUSED] if function == FUSED else ["*", function]
        explicit: dict[str, Any] = {}
        for key in keys:
            explicit.update(overrides.get(key, {}))
        settings.update(explicit)
        settings["interpolation_given"] = "interpolation" in explicit
        if settings["indexing"] == "hls4ml" and "interpolation" not in explicit:
            settings["interpolation"] = "none"  # hls4ml's tables truncate: no default to lift
        if settings["indexing"] not in ("bits", "hls4ml"):
            raise SymcError(
                f"unknown table indexing {settings['indexing']!r} for {function}; "
                "use 'bits' or 'hls4ml'"
            )
        if settings["interpolation"] not in ("none", "linear", "bipartite"):
            raise SymcError(
                f"unknown interpolation {settings['interpolation']!r} for {function}; "
                "use 'none', 'linear' or 'bipartite'"
            )
        if settings["reduction"] not in ("auto", "none"):
            raise SymcError(
                f"unknown reduction {settings['reduction']!r} for {function}; "
                "use 'auto' or 'none'"
            )
        if settings["interpolation"] != "none" and settings["indexing"] == "hls4ml":
            raise SymcError(f"{settings['interpolation']} interpolation needs bits indexing "
                            "(hls4ml tables truncate)")
        entries = settings["entries"]
        if not isinstance(entries, int) or isinstance(entries, bool) or entries < 2:
            raise SymcError(f"table entries for {function} must be an integer >= 2")
        if entries > MAX_ENTRIES:
            raise SymcError(
                f"a table of {entries} entries for {function} is beyond the limit of "
                f"{MAX_ENTRIES}"
            )
        domain = settings["domain"]
        if domain is not None:
            try:
                lo, hi = (float(v) for v in domain)
            except (TypeError, ValueError):
                raise SymcError(f"table domain for {function} must be [lo, hi]") from None
            if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
                raise SymcError(f"invalid table domain for {function}: [{lo}, {hi}]")
            settings["domain"] = (lo, hi)
        return settings

    # --- one function ----------------------------------------------------------------------

    def _function(self, op: Operation) -> tuple[str, str | None]:
        """The name of ``op``'s function and, for a user function, its definition."""
        if isinstance(op, sym.DivOp):
            return "recip", None
        if isinstance(op, sym.ApplyOp):
            _user_function(op.definition.data, op.function.data)  # reports a bad definition
            return op.function.data, op.definition.data
        return _FUNCTION_OF[type(op)], None  # type: ignore[index]

    def _replace(self, op: Operation, overrides: dict[str, dict[str, Any]],
                 budget: float | None = None) -> None:
        name, definition = self._function(op)
        settings = self._settings(name, overrides)
        if budget is not None and "max_error" not in overrides.get(name, {}):
            settings["max_error"] = budget
        argument = op.operands[1] if isinstance(op, sym.DivOp) else op.operands[0]
        lo, hi = self._argument_range(argument)
        if settings["indexing"] == "hls4ml":
            table, measured, slope, margin = self._approximate(name, definition, settings, lo, hi)
        else:
            # The same table (function, settings, precision and argument range) is built and
            # measured once per process: an exploration asks for it in design after design.
            # (The last 64; hls4ml's tables are not remembered: building one may warn.)
            frozen = tuple(sorted((key, tuple(value) if isinstance(value, list) else value)
                                  for key, value in settings.items()))
            table, measured, slope, margin = self._remembered(name, definition, frozen, lo, hi)
        if not table.wraps:
            self._check_clipping(name, lo, hi, *table.domain)
        lut = sym.LutOp(argument, table, max_error=measured, lipschitz=slope, margin=margin)
        if isinstance(op, sym.DivOp):
            lut.attributes["range"] = sym.IntervalAttr(*table.hull(lo, hi))
            product = sym.MulOp(op.lhs, lut)
            if "range" in op.attributes:
                product.attributes["range"] = op.attributes["range"]
            Rewriter.replace_op(op, [lut, product])
            return
        if "range" in op.attributes:
            lut.attributes["range"] = sym.IntervalAttr(*table.hull(lo, hi))
        lut.results[0].name_hint = op.results[0].name_hint
        Rewriter.replace_op(op, lut)

    @functools.lru_cache(maxsize=64)  # noqa: B019 - the pass is frozen; its options are keys
    def _remembered(self, name: str, definition: str | None, frozen: tuple[tuple[str, Any], ...],
                    lo: float, hi: float) -> tuple[Table, float, float, float]:
        return self._approximate(name, definition, dict(frozen), lo, hi)

    def _approximate(self, name: str, definition: str | None, settings: dict[str, Any],
                     lo: float, hi: float) -> tuple[Table, float, float, float]:
        """The table of ``name`` for an argument in ``[lo, hi]``, its error and slope measured
        ``margin`` beyond that range: ``(table, max_error, lipschitz, margin)``."""
        if definition is not None:
            func, vector, period = _user_function(definition, name)
        else:
            func, vector, period = BUILTIN[name], VECTOR[name], PERIODS.get(name)
        settings = {**settings, "vector": vector}
        margin = max(hi - lo, abs(lo), abs(hi), 1.0) * TABLE_MARGIN
        if hi - lo < margin and settings["indexing"] != "hls4ml":
            # (Nearly) one point: a table over the margin around it. (hls4ml's tables cover
            # the domain hls4ml's configuration gives.)
            table = self._build(name, func, period, settings, lo - margin, hi + margin)
        else:
            table = self._build(name, func, period, settings, lo, hi)
        # A periodic table serves the whole range (its error grows slowly with |x|, through the
        # quantized 1/period): measure it there. Any other table is measured on its domain.
        real_lo, real_hi = lo, hi
        if not table.wraps:
            domain_lo, domain_hi = table.domain
            real_lo, real_hi = max(lo, domain_lo), min(hi, domain_hi)
        # The argument a table reads is computed: within its error of the real one, which auto
        # precision keeps under ``margin``. The error and the slope are measured for reads
        # within the margin of the range (:func:`read_error`).
        read_lo, read_hi = real_lo - margin, real_hi + margin
        if not table.wraps:
            read_lo, read_hi = max(read_lo, domain_lo), min(read_hi, domain_hi)
        if _whole_turns(table, lo, hi):
            # Every read is one of a turn's grid points: measured there, exhaustively.
            real_lo, real_hi = read_lo, read_hi = 0.0, 1.0
        measured = read_error(table, vector, (real_lo, real_hi), (read_lo, read_hi))
        with np.errstate(all="ignore"):  # the slope where the function is defined (sqrt, log)
            ends = np.asarray(vector(np.array([read_lo, read_hi])), dtype=np.float64)
        slope = lipschitz(vector, read_lo if np.isfinite(ends[0]) else real_lo,
                          read_hi if np.isfinite(ends[1]) else real_hi)
        return table, measured, slope, margin

    def _argument_range(self, argument: SSAValue) -> tuple[float, float]:
        """What the table reads: at an ap_fixed precision, the argument cast to the type."""
        fmt = None if self.precision.strip() == "auto" else parse_precision(self.precision).format
        return table_read_range(*_value_range(argument), fmt)

    def _check_clipping(self, name: str, lo: float, hi: float, d_lo: float, d_hi: float) -> None:
        outside = max(0.0, d_lo - lo) + max(0.0, hi - d_hi)
        if outside <= 0:
            return
        fraction = outside / (hi - lo) if hi > lo else 1.0
        message = (
            f"the {name} table covers [{d_lo:g}, {d_hi:g}] but its argument ranges over "
            f"[{lo:g}, {hi:g}]: {fraction:.1%} of that range is clamped to the table's ends"
        )
        if self.strict:
            raise SymcError(message)
        warnings.warn(message, TableWarning, stacklevel=2)

    # --- building ----------------------------------------------------------------------------

    def _build(self, name: str, func: Callable[[float], float], period: float | None,
               settings: dict[str, Any], lo: float, hi: float) -> Table:
        auto = self.precision.strip() == "auto"
        precision = None if auto else parse_precision(self.precision)
        entries = settings["entries"]
        if settings["indexing"] == "hls4ml":
            if precision is None:
                raise SymcError("hls4ml indexing reads ap_fixed tables: give an ap_fixed precision")
            if settings["max_error"] is not None:
                raise SymcError("max_error selects bits tables; hls4ml tables take entries")
            if entries >= 1 << 16:
                raise SymcError("hls4ml tables hold fewer than 65536 entries (ap_uint<16>)")
            d_lo, d_hi = settings["domain"] or (lo, hi)
            return hls4ml_table(name, func, precision, entries, d_lo, d_hi)
        if settings["max_error"] is not None:
            return self._smallest(name, func, period, settings, precision, lo, hi)
        return self._bits(name, func, period, settings, precision, entries, lo, hi, None)

    def _bits(self, name: str, func: Callable[[float], float], period: float | None,
              settings: dict[str, Any], precision: Precision | None, entries: int,
              lo: float, hi: float, target: float | None) -> Table:
        if entries & (entries - 1):
            raise SymcError(f"bits indexing needs a power-of-two number of entries, not {entries}")
        n = entries.bit_length() - 1
        interp = INTERP_BITS if settings["interpolation"] == "linear" else 0
        offset_bits, offset_drop = (0, 0) if settings["interpolation"] != "bipartite" else (
            bipartite_split(n))
        reduce = settings["domain"] is None and settings["reduction"] == "auto"
        if (reduce and name == "recip" and (lo > 0 or hi < 0)
                and not (settings["interpolation_given"] and interp)):
            table = self._recip(precision, entries, lo, hi, target)
            if table is not None:
                return table
        if reduce and name == "exp" and hi - lo > math.log(2.0):
            table = self._exp(precision, entries, lo, hi, target, interp)
            if table is not None:
                return table
        use_period = period if reduce else None
        valid = None if use_period is not None else (lo, hi)
        # A period of 1 (an argument in turns): the index is the argument's own top
        # fractional bits, no scale product.
        scale_frac = 0 if use_period == 1.0 else None
        if use_period is not None:
            start, span_log2 = 0.0, 0
            # The index comes from the scaled variable's bits, or from the argument's own.
            index_frac = n if scale_frac == 0 else 0
        else:
            domain_lo, domain_hi = settings["domain"] or (lo, hi)
            start, span_log2 = bits_domain(domain_lo, domain_hi, entries)
            index_frac = n - span_log2
        if precision is not None:
            in_format = out_format = precision.format
            if index_frac > in_format.frac_bits:
                # More cells than the input can tell apart: as many as it can.
                entries >>= index_frac - in_format.frac_bits
                if entries < 2:
                    raise SymcError(f"the {name} table domain is narrower than the input's LSB")
            return bits_table(name, func, in_format, round_precision(out_format), entries,
                              start, span_log2, use_period, scale_frac=scale_frac,
                              interp_bits=interp, valid=valid, offset_bits=offset_bits,
                              offset_drop=offset_drop)
        # auto: the input keeps the index bits plus a guard (a bipartite table: as many as an
        # interpolating one, so that the argument's rounding stays small inside a cell); the
        # output meets the target.
        target = target if target is not None else DEFAULT_MAX_ERROR
        out_frac = _output_frac_bits(target)
        in_frac = max(index_frac + 2 + (INTERP_BITS if offset_bits else interp), out_frac)
        d_lo, d_hi = (lo, hi) if use_period is not None else (start, start + 2.0**span_log2)
        lo_raw = math.floor(min(lo, d_lo) * 2**in_frac)
        hi_raw = math.ceil(max(hi, d_hi) * 2**in_frac)
        in_format = format_for_raw_range(lo_raw, hi_raw, in_frac)
        # Output format: from a probe of the function's values over the cells.
        probe = bits_table(name, func, in_format, round_precision(FixedFormat(62, 40)),
                           entries, start, span_log2, use_period, scale_frac=scale_frac,
                           valid=valid)
        vmin = min(probe.values) / 2.0**22
        vmax = max(probe.values) / 2.0**22
        out_format = format_for_raw_range(math.floor(vmin * 2**out_frac) - 1,
                                          math.ceil(vmax * 2**out_frac) + 1, out_frac)
        return bits_table(name, func, in_format, round_precision(out_format), entries, start,
                          span_log2, use_period, scale_frac=scale_frac, interp_bits=interp,
                          valid=valid, offset_bits=offset_bits, offset_drop=offset_drop)

    @staticmethod
    def _recip(precision: Precision | None, entries: int, lo: float, hi: float,
               target: float | None) -> Table | None:
        """``1/b`` by a normalized divisor, for ``b`` of one sign; None when no such table
        fits (then a plain table over the range)."""
        if precision is not None:
            fmt = precision.format
            return reciprocal_table(fmt, fmt, entries, lo, hi)
        # auto: the divisor keeps the mantissa's index bits at its lowest octave, and enough
        # bits that its truncation (times the slope 1/b**2 there) stays under the output's LSB.
        n = entries.bit_length() - 1
        target = target if target is not None else DEFAULT_MAX_ERROR
        out_frac = _output_frac_bits(target)
        least = min(abs(lo), abs(hi))
        slope_bits = max(0, math.ceil(-2 * math.log2(least)))
        in_frac = max(n + 2 - math.floor(math.log2(least)), out_frac + slope_bits, 0)
        if in_frac > MAX_TABLE_WIDTH - 2:
            return None
        in_format = format_for_raw_range(math.floor(lo * 2**in_frac), math.ceil(hi * 2**in_frac),
                                         in_frac)
        ends = sorted((1 / lo, 1 / hi))
        out_format = format_for_raw_range(math.floor(ends[0] * 2**out_frac) - 1,
                                          math.ceil(ends[1] * 2**out_frac) + 1, out_frac)
        return reciprocal_table(in_format, out_format, entries, lo, hi)

    @staticmethod
    def _exp(precision: Precision | None, entries: int, lo: float, hi: float,
             target: float | None, interp: int) -> Table | None:
        """``exp`` with range reduction; None when its entries would be too wide."""
        n = entries.bit_length() - 1
        if precision is not None:
            # The scale constant carries the index bits (scale_bits), so any entry count works.
            fmt = precision.format
            return exp_table(fmt, fmt, entries, interp_bits=interp)
        # auto: the index comes from t = x * log2(e); x keeps the index bits plus a guard (as a
        # periodic table's does); the output holds [e**lo, e**hi] with the target's bits.
        target = target if target is not None else DEFAULT_MAX_ERROR
        out_frac = _output_frac_bits(target)
        in_frac = max(n + 2 + interp, out_frac)
        in_format = format_for_raw_range(math.floor(lo * 2**in_frac),
                                         math.ceil(hi * 2**in_frac), in_frac)
        if hi > 700:
            raise SymcError(f"exp of an argument up to {hi:g} overflows any table")
        out_format = format_for_raw_range(max(0, math.floor(math.exp(lo) * 2**out_frac) - 1),
                                          math.ceil(math.exp(hi) * 2**out_frac) + 1, out_frac)
        return exp_table(in_format, out_format, entries, interp_bits=interp)

    def _smallest(self, name: str, func: Callable[[float], float], period: float | None,
                  settings: dict[str, Any], precision: Precision | None,
                  lo: float, hi: float) -> Table:
        target = float(settings["max_error"])
        if not (math.isfinite(target) and target > 0):
            raise SymcError(f"table max_error for {name} must be a positive number")
        best: Table | None = None
        entries = 16
        while entries <= MAX_ENTRIES:
            table = self._bits(name, func, period, settings, precision, entries, lo, hi, target)
            d_lo, d_hi = table.domain
            check_lo, check_hi = (lo, hi) if table.wraps else (max(lo, d_lo), min(hi, d_hi))
            if _whole_turns(table, lo, hi):
                check_lo, check_hi = 0.0, 1.0
            if meets(table, settings["vector"], check_lo, check_hi, target):
                return table
            best = table
            entries *= 2
        assert best is not None
        raise SymcError(
            f"no {name} table of up to {MAX_ENTRIES} entries meets max_error={target:g} "
            f"with this precision (the best reaches "
            f"{max_error(best, settings['vector'], lo, hi):.3g}); raise max_error or the precision"
        )


def bipartite_split(n: int) -> tuple[int, int]:
    """A bipartite table of ``2**n`` entries by default: its offsets read the top half of the
    position bits below the index (``b = ceil(n/2)``), per segment of ``2**floor((n-1)/2)``
    cells (near the fewest ROM bits at equal error for ``sin``:
    ``benchmarks/bench_bipartite_split.py``)."""
    return (n + 1) // 2, (n - 1) // 2


FUSED = "sincos"
"""Name of the table that ``sin(u) * cos(u)`` becomes (``sin(2u)/2``, period pi)."""


def _whole_turns(table: Table, lo: float, hi: float) -> bool:
    """Whether ``table`` has period 1 (an argument in turns: its index is the argument modulo
    1) and ``[lo, hi]`` spans a period: its error anywhere is its error on ``[0, 1]``."""
    return table.in_turns and hi - lo >= 1.0


_TURNS: dict[type[Operation], str] = {sym.SinOp: "sin", sym.CosOp: "cos"}


@functools.lru_cache(maxsize=256)
def _turn_definition(definition: str) -> tuple[str, float] | None:
    """``(d(P*x), P)`` for a definition ``d`` in ``x`` of period ``P`` (bounded), else None."""
    x = sympy.Symbol("x")
    expr = parse_expression(definition)
    if _periodic_definition(expr, x) is None:
        return None
    period = float(sympy.periodicity(expr, x))
    # (symc's parser reads no named constant: the period goes in as its float64 digits.)
    return sympy.sstr(expr.subs(x, sympy.Float(period, 17) * x), full_prec=True), period


def _scaled(value: SSAValue, k: float, before: Operation) -> SSAValue:
    """``k * value``, built before ``before``: ``k`` distributed over sums, differences,
    negations and constant factors, a product by ``k`` at any other term."""
    block = before.parent_block()
    assert block is not None

    def emit(op: Operation) -> SSAValue:
        block.insert_op_before(op, before)
        return op.results[0]

    def constant(c: sym.ConstOp) -> SSAValue:
        v = c.real_value * k
        # Against the real c/P: c's own rounding scaled, the product's rounding and that of
        # k = 1/P (each under a unit in the last place: 2**-50 of the magnitude is ample).
        rounding = (c.rounding * Fraction(abs(k))
                    + Fraction(abs(v) + abs(c.real_value * k)) * Fraction(1, 2**50))
        return emit(sym.ConstOp(v, sym.RealType(), rounding=rounding))

    owner = value.owner
    if isinstance(owner, sym.ConstOp):
        return constant(owner)
    if isinstance(owner, sym.AddOp | sym.SubOp):
        return emit(type(owner)(_scaled(owner.lhs, k, before), _scaled(owner.rhs, k, before)))
    if isinstance(owner, sym.NegOp):
        return emit(sym.NegOp(_scaled(owner.operand, k, before)))
    if isinstance(owner, sym.MulOp) and owner.lhs is not owner.rhs:
        if isinstance(owner.lhs.owner, sym.ConstOp):
            return emit(sym.MulOp(constant(owner.lhs.owner), owner.rhs))
        if isinstance(owner.rhs.owner, sym.ConstOp):
            return emit(sym.MulOp(owner.lhs, constant(owner.rhs.owner)))
    factor = emit(sym.ConstOp(k, sym.RealType(), rounding=Fraction(abs(k)) * Fraction(1, 2**50)))
    return emit(sym.MulOp(factor, value))


def _fold_turns(kernel: sym.KernelOp, covers_period: Callable[[str], bool]) -> bool:
    """Every ``sin``, ``cos`` and periodic user function (bounded, of period ``P``) whose
    table would cover one period (``covers_period(name)``) becomes ``sym.apply`` of
    ``f(P*x)``, period 1, on its argument divided by ``P`` (:func:`_scaled`). True when
    something changed."""
    folded = False
    for op in list(kernel.body.ops):
        if isinstance(op, sym.SinOp | sym.CosOp):
            name = _TURNS[type(op)]
            turn: tuple[str, float] | None = (f"{name}({2 * math.pi!r}*x)", 2 * math.pi)
        elif isinstance(op, sym.ApplyOp):
            name = op.function.data
            turn = _turn_definition(op.definition.data)
        else:
            continue
        if turn is None or turn[1] == 1.0 or not covers_period(name):
            continue
        definition, period = turn
        argument = op.operands[0]
        applied = sym.ApplyOp(_scaled(argument, 1.0 / period, op), name, definition)
        kernel.body.block.insert_op_before(applied, op)
        applied.results[0].name_hint = op.results[0].name_hint
        op.results[0].replace_all_uses_with(applied.results[0])
        _erase_unused(op)
        folded = True
    return folded


def _erase_unused(op: Operation) -> None:
    """Erases ``op`` when nothing reads it, then whatever only it read."""
    if op.parent is None or any(result.first_use is not None for result in op.results):
        return
    operands = [v.owner for v in op.operands if isinstance(v.owner, Operation)]
    op.detach()
    op.erase()
    for owner in operands:
        _erase_unused(owner)


def _product_factors(op: sym.MulOp) -> list[SSAValue]:
    """The factors of the product chain ending at ``op``, left to right, through products
    used only inside the chain."""
    factors: list[SSAValue] = []
    for operand in (op.lhs, op.rhs):
        owner = operand.owner
        if isinstance(owner, sym.MulOp) and operand.has_one_use():
            factors += _product_factors(owner)
        else:
            factors.append(operand)
    return factors


def _fuse_sin_cos(kernel: sym.KernelOp) -> bool:
    """Rewrites every product chain holding ``sin(u)`` and ``cos(u)`` (the same ``u``) to hold
    one ``sym.apply @sincos(u)`` instead: one table and no multiplier. The other factors keep
    their order, multiplied left to right. True when something was fused."""
    fused = False
    for op in list(kernel.body.ops):
        if not isinstance(op, sym.MulOp) or op.parent is None:
            continue
        if op.result.has_one_use() and isinstance(op.result.get_user_of_unique_use(),
                                                  sym.MulOp):
            continue  # not the end of its chain
        factors: list[SSAValue | None] = list(_product_factors(op))
        changed = False
        for i, factor in enumerate(factors):
            if factor is None or not isinstance(factor.owner, sym.SinOp):
                continue
            u = factor.owner.operand
            partner = next((j for j, g in enumerate(factors) if j != i and g is not None
                            and isinstance(g.owner, sym.CosOp) and g.owner.operand is u), None)
            if partner is None:
                continue
            both = sym.ApplyOp(u, FUSED, "sin(x)*cos(x)")
            kernel.body.block.insert_op_before(both, op)
            factors[i], factors[partner] = both.results[0], None
            changed = True
        if not changed:
            continue
        remaining = [f for f in factors if f is not None]
        product = remaining[0]
        for factor in remaining[1:]:
            step = sym.MulOp(product, factor)
            kernel.body.block.insert_op_before(step, op)
            product = step.results[0]
        if product.owner is not None and product.name_hint is None:
            product.name_hint = op.result.name_hint
        op.result.replace_all_uses_with(product)
        _erase_dead(op)
        fused = True
    return fused


def _erase_dead(op: Operation) -> None:
    """Erases ``op`` and then whatever only it used (products of the old chain, sin, cos)."""
    if any(result.first_use is not None for result in op.results):
        return
    operands = [v.owner for v in op.operands if isinstance(v.owner, Operation)]
    op.detach()
    op.erase()
    for owner in operands:
        if isinstance(owner, sym.MulOp | sym.SinOp | sym.CosOp) and owner.parent is not None:
            _erase_dead(owner)


def _output_frac_bits(target: float) -> int:
    """Fractional bits of an auto-precision table's output for the error ``target``: half an
    LSB of rounding within it, and a bit to spare."""
    return max(0, math.ceil(-math.log2(target)) + 1)


def _is_constant(value: SSAValue) -> bool:
    return isinstance(value.owner, sym.ConstOp)

