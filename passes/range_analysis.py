"""``sym-range-analysis``: the interval of every value in a kernel, from its input ranges.

An analysis: it writes the discardable attribute ``range = #sym.interval<lo, hi>`` on every op
result of every ``sym.kernel`` and changes nothing else. It runs after ``sym-canonicalize``;
``sym-approximate-lut`` reads the ranges as table domains and ``sym-legalize-fixed`` as integer
bits (``precision="auto"``). Block arguments get no attribute: their ranges are the kernel's
``input_ranges``, which the analysis requires.

Every interval is guaranteed to contain every value the op can take, exactly (not just its
float64 evaluation):

* ``+ - * /``, ``pow``, ``neg``, ``abs``, ``min``, ``max`` and ``cast`` (quantization to the
  destination's grid, then its overflow mode) are computed in exact rational arithmetic and
  rounded outward to float64 (directed rounding), so exact bounds stay exact
  (``[-4, 4] + [-4, 4] = [-8, 8]``) and inexact ones move by less than one ulp;
* ``sin cos tan tanh exp log`` come from the C library, whose results are within a few ulps:
  each bound moves :data:`LIBM_ULPS` ulps outward (except at exact points such as
  ``exp(0) = 1``); ``sqrt`` is correctly rounded and is checked exactly;
* ``x * x`` (one operand twice, as ``sym-canonicalize`` writes ``x**2``) is a square, never
  negative.

A value that may leave an op's domain (``log`` of a value that may be ``<= 0``, a divisor that
may be 0, ``tan`` across a pole) or a bound that overflows float64 is an error naming the op.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import sympy
from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Operation, SSAValue

from symc.dialects.sym import (
    AbsOp,
    AddOp,
    ApplyOp,
    CastOp,
    ConstOp,
    CosOp,
    DivOp,
    ElementaryOp,
    ExpOp,
    FixedType,
    IntervalAttr,
    KernelOp,
    LogOp,
    LutOp,
    MaxOp,
    MinOp,
    MulOp,
    NegOp,
    OutputOp,
    PowOp,
    SinOp,
    SqrtOp,
    SubOp,
    TanhOp,
    TanOp,
    location_suffix,
)
from symc.fixed import FixedFormat, Overflow, Quant, parse_precision
from symc.frontend.errors import SymcError
from symc.frontend.parse import parse_expression
from symc.passes import SymcPass
from symc.tables import vector_function

Interval = tuple[float, float]

TWO_PI = 2 * math.pi
LIBM_ULPS = 4
"""How far a C library result may be from the exact value, in ulps. The C library does not round
``sin``, ``exp``, ... correctly: glibc aims for "within a few ulp" (its manual, "Known Maximum
Errors in Math Functions"); each bound moves this many ulps outward."""

LIBM_EXACT: dict[Callable[[float], float], tuple[float, float]] = {
    math.sin: (0.0, 0.0),
    math.tan: (0.0, 0.0),
    math.tanh: (0.0, 0.0),
    math.cos: (0.0, 1.0),
    math.exp: (0.0, 1.0),
    math.log: (1.0, 0.0),
}
"""The point ``(x, f(x))`` where each function's C library result is exact (C's Annex F, IEC
60559, specifies these special values), so that ``exp([0, 1])`` starts at 1.0, not below it."""


# --- directed rounding --------------------------------------------------------------------


def _down(q: Fraction) -> float:
    """The largest float64 <= q (-inf if there is none)."""
    try:
        f = float(q)  # correctly rounded
    except OverflowError:
        return -math.inf if q < 0 else sys.float_info.max
    return math.nextafter(f, -math.inf) if Fraction(f) > q else f


def _up(q: Fraction) -> float:
    """The smallest float64 >= q (+inf if there is none)."""
    try:
        f = float(q)
    except OverflowError:
        return math.inf if q > 0 else -sys.float_info.max
    return math.nextafter(f, math.inf) if Fraction(f) < q else f


def _hull(values: list[Fraction]) -> Interval:
    return _down(min(values)), _up(max(values))


def _libm(f: Callable[[float], float], x: float) -> Interval:
    """An interval holding the exact ``f(x)``, from the C library's ``f(x)``."""
    try:
        y = f(x)
    except OverflowError:
        return math.inf, math.inf
    if LIBM_EXACT.get(f) == (x, y):
        return y, y
    lo = hi = y
    for _ in range(LIBM_ULPS):
        lo, hi = math.nextafter(lo, -math.inf), math.nextafter(hi, math.inf)
    return lo, hi


def _monotone(f: Callable[[float], float], lo: float, hi: float) -> Interval:
    """The range of an increasing function over ``[lo, hi]``."""
    return _libm(f, lo)[0], _libm(f, hi)[1]


def _hits(lo: float, hi: float, phase: float, period: float) -> bool:
    """Whether some ``phase + k * period`` may lie in ``[lo, hi]``. A relative slack of 1e-12
    (far above the rounding of this test and of ``math.pi``) errs toward "yes", the safe
    answer."""
    slack = 1e-12 * max(1.0, abs(lo), abs(hi))
    k = math.ceil((lo - slack - phase) / period)
    return phase + k * period <= hi + slack


def _periodic(f: Callable[[float], float], lo: float, hi: float, peak: float) -> Interval:
    """sin (``peak = pi/2``) or cos (``peak = 0``): endpoints, plus +-1 where reached."""
    if hi - lo >= TWO_PI or max(abs(lo), abs(hi)) > 1e9:
        return -1.0, 1.0
    out_lo = min(_libm(f, lo)[0], _libm(f, hi)[0])
    out_hi = max(_libm(f, lo)[1], _libm(f, hi)[1])
    if _hits(lo, hi, peak, TWO_PI):
        out_hi = 1.0
    if _hits(lo, hi, peak + math.pi, TWO_PI):
        out_lo = -1.0
    return max(out_lo, -1.0), min(out_hi, 1.0)


def _power(lo: float, hi: float, n: int) -> Interval:
    a, b = Fraction(lo) ** n, Fraction(hi) ** n
    if n % 2 == 1 or lo >= 0:
        return _down(a), _up(b)
    if hi <= 0:
        return _down(b), _up(a)
    return 0.0, _up(max(a, b))


def _sqrt(lo: float, hi: float) -> Interval:
    s, t = math.sqrt(lo), math.sqrt(hi)
    if Fraction(s) ** 2 > Fraction(lo):
        s = math.nextafter(s, -math.inf)
    if Fraction(t) ** 2 < Fraction(hi):
        t = math.nextafter(t, math.inf)
    return max(s, 0.0), t


# --- the rules ----------------------------------------------------------------------------


def _domain_error(op: Operation, what: str, r: Interval) -> SymcError:
    return SymcError(
        f"{what}: range [{r[0]!r}, {r[1]!r}] ({op.name}{location_suffix(op)}); "
        "narrow the input ranges or rewrite the expression"
    )


def _cast(op: CastOp, lo: float, hi: float) -> Interval:
    """The operand's range quantized to the destination's grid (every quantization mode gives
    one of the two grid points around a value; ``AP_TRN`` the lower one), then, if that may not
    fit the destination format, what its overflow mode makes of it."""
    dst = op.result.type
    assert isinstance(dst, FixedType)
    fmt = dst.format
    lsb = Fraction(2) ** -fmt.frac_bits  # exact, even where fmt.lsb underflows
    q_lo = math.floor(Fraction(lo) / lsb) * lsb
    q_hi = (math.floor if op.quant == Quant.AP_TRN else math.ceil)(Fraction(hi) / lsb) * lsb
    lo, hi = _down(q_lo), _up(q_hi)
    fmt_lo, fmt_hi = fmt.min_value, fmt.max_value
    if fmt_lo <= lo and hi <= fmt_hi:
        return lo, hi
    if op.overflow == Overflow.AP_WRAP:
        return fmt_lo, fmt_hi
    lo, hi = min(max(lo, fmt_lo), fmt_hi), min(max(hi, fmt_lo), fmt_hi)
    if op.overflow == Overflow.AP_SAT_ZERO:
        lo, hi = min(lo, 0.0), max(hi, 0.0)
    return lo, hi


def _sampled(op: ApplyOp, lo: float, hi: float) -> Interval:
    """The range of a user function, from 4097 samples widened by 1% of their spread.

    A user definition is arbitrary, so this is an estimate, not a bound (the only one here);
    the function's table, built later, returns exactly its entries.
    """

    func = vector_function(parse_expression(op.definition.data), sympy.Symbol("x"))
    values = func(np.linspace(lo, hi, 4097)).tolist()
    if not all(math.isfinite(v) for v in values):
        raise SymcError(
            f"{op.function.data} is not finite somewhere in [{lo!r}, {hi!r}]{location_suffix(op)}"
        )
    margin = 0.01 * (max(values) - min(values)) + 1e-12
    return min(values) - margin, max(values) + margin


def op_range(op: Operation, ranges: dict[SSAValue, Interval]) -> Interval:
    """The interval of ``op``'s result, given the intervals of its operands."""
    if isinstance(op, ConstOp):
        return op.real_value, op.real_value
    args = [ranges[v] for v in op.operands]
    if isinstance(op, AddOp | SubOp | MulOp | DivOp | MinOp | MaxOp):
        (a, b), (c, d) = args
    else:
        (a, b), (c, d) = args[0], (0.0, 0.0)
    fa, fb, fc, fd = Fraction(a), Fraction(b), Fraction(c), Fraction(d)
    match op:
        case AddOp():
            return _down(fa + fc), _up(fb + fd)
        case SubOp():
            return _down(fa - fd), _up(fb - fc)
        case MulOp() if op.lhs is op.rhs:
            return _power(a, b, 2)
        case MulOp():
            return _hull([fa * fc, fa * fd, fb * fc, fb * fd])
        case DivOp():
            if c <= 0.0 <= d:
                raise _domain_error(op, "division by a value that may be 0", (c, d))
            return _hull([fa / fc, fa / fd, fb / fc, fb / fd])
        case MinOp():
            return min(a, c), min(b, d)
        case MaxOp():
            return max(a, c), max(b, d)
        case NegOp():
            return -b, -a
        case AbsOp():
            if a >= 0.0:
                return a, b
            if b <= 0.0:
                return -b, -a
            return 0.0, max(-a, b)
        case PowOp():
            return _power(a, b, op.exponent.data)
        case SinOp():
            return _periodic(math.sin, a, b, math.pi / 2)
        case CosOp():
            return _periodic(math.cos, a, b, 0.0)
        case TanOp():
            if b - a >= math.pi or _hits(a, b, math.pi / 2, math.pi):
                raise _domain_error(op, "tan of a value that may reach a pole pi/2 + k*pi", (a, b))
            return _monotone(math.tan, a, b)
        case TanhOp():
            lo, hi = _monotone(math.tanh, a, b)
            return max(lo, -1.0), min(hi, 1.0)
        case ExpOp():
            lo, hi = _monotone(math.exp, a, b)
            return max(lo, 0.0), hi
        case LogOp():
            if a <= 0.0:
                raise _domain_error(op, "log of a value that may be <= 0", (a, b))
            return _monotone(math.log, a, b)
        case SqrtOp():
            if a < 0.0:
                raise _domain_error(op, "sqrt of a value that may be < 0", (a, b))
            return _sqrt(a, b)
        case CastOp():
            return _cast(op, a, b)
        case LutOp():
            # A table returns one of its entries, whatever its argument: exactly their hull
            # (an exponent table: its outputs at the ends of the argument's range).
            return op.spec.hull(a, b)
        case ApplyOp():
            return _sampled(op, a, b)
        case _:
            raise SymcError(
                f"sym-range-analysis has no interval rule for {op.name}{location_suffix(op)}"
            )


def table_read_range(lo: float, hi: float, fmt: FixedFormat | None) -> Interval:
    """What a table reads of an argument in ``[lo, hi]`` cast to ``fmt`` (an ap_fixed
    precision; ``None``: the argument itself): the part of the range the type holds when they
    overlap (saturation), else anything in the type (wrapping)."""
    if fmt is None:
        return lo, hi
    if hi < fmt.min_value or lo > fmt.max_value:
        return fmt.min_value, fmt.max_value
    return max(lo, fmt.min_value), min(hi, fmt.max_value)


def analyze_kernel(kernel: KernelOp, reads: FixedFormat | None = None) -> None:
    """Write ``range`` on every op result of ``kernel``. With ``reads`` (the ap_fixed format
    every table reads its argument in), a function's range is that of the function over what
    its table reads (:func:`table_read_range`), not over the real argument's range."""
    input_ranges = kernel.ranges
    if input_ranges is None:
        raise SymcError(
            f"sym-range-analysis needs input ranges: kernel @{kernel.sym_name.data} has no "
            "input_ranges (give every input a (lo, hi) range)"
        )
    ranges: dict[SSAValue, Interval] = dict(zip(kernel.body.block.args, input_ranges, strict=True))
    for op in kernel.body.block.ops:
        if isinstance(op, OutputOp):
            continue
        if reads is not None and isinstance(op, ElementaryOp | ApplyOp):
            read = table_read_range(*ranges[op.operands[0]], reads)
            lo, hi = op_range(op, {**ranges, op.operands[0]: read})
        else:
            lo, hi = op_range(op, ranges)
        if not (math.isfinite(lo) and math.isfinite(hi)):
            operands = ", ".join(f"[{ranges[v][0]!r}, {ranges[v][1]!r}]" for v in op.operands)
            raise SymcError(
                f"range of {op.name}{location_suffix(op)} overflows float64; operand ranges "
                f"{operands}: narrow the input ranges or rewrite the expression"
            )
        lo, hi = lo + 0.0, hi + 0.0  # -0.0 -> 0.0: one spelling of zero
        ranges[op.results[0]] = (lo, hi)
        op.attributes["range"] = IntervalAttr(lo, hi)


@dataclass(frozen=True)
class SymRangeAnalysisPass(SymcPass):
    """Annotate every value of every kernel with ``range = #sym.interval<lo, hi>``."""

    name = "sym-range-analysis"

    reads: str = ""
    """The ap_fixed precision every table reads its argument in (as ``sym-approximate-lut``
    builds them at that precision): a function's range is then computed over what its table
    reads; empty (``precision="auto"``): over its argument's real range."""

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        fmt = parse_precision(self.reads).format if self.reads.strip() else None
        for kernel in op.walk():
            if isinstance(kernel, KernelOp):
                analyze_kernel(kernel, fmt)
