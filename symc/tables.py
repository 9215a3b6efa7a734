"""Lookup tables: the one definition of how a table is built and indexed.

``sym-approximate-lut`` builds tables with this module, ``sym.lut`` carries the result as data,
and the emulator, the hw lowering and the HLS printer index them by the rules written here.

A table approximates ``f`` on a fixed-point operand ``x`` (format ``in_format``) with
``entries`` raw values of format ``out_format``. Two indexing rules:

``"hls4ml"``
    hls4ml's ``nnet::lookup_table<T, N, func>(start, end)`` exactly, with ``T`` the operand's
    (and result's) ``ap_fixed`` type: ``start_T = T(start)``, the span ``T(end_T - start_T)``,
    ``base_div = ap_fixed<20,16>(ap_uint<16>(N) / span)`` (ap_fixed division truncates toward
    zero, and an integer over a fixed-point value keeps no fractional bits), the step
    ``(end_T - start_T) / N`` truncated toward zero, entry ``i`` = ``T(func(start_T + i*step))``,
    and ``index = int((x - start_T) * base_div)`` (C conversion: toward zero), clamped to
    ``[0, N-1]``. A multiplier sits in front of the table, as in hls4ml.
``"bits"``
    symc's own: the index is a slice of bits. The index variable is ``t = x * scale`` (``scale``
    is 1 unless the table is periodic) and the domain ``[start, start + 2**k)`` spans a power of
    two, so with ``d = t - start`` the index is ``d >> shift``: bits, no multiplier. A periodic
    table covers one period of ``f`` in ``t`` (``scale = 1/period``) and keeps only the low
    ``log2(entries)`` index bits, which wraps any input into the period; a non-periodic table
    clamps to ``[0, entries-1]``. Entries sample the middle of their cell, which halves the
    worst error of a truncating index.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy

from symc.fixed import (
    FixedFormat,
    Overflow,
    Precision,
    Quant,
    cast_raw,
    quantize_scalar,
    sub_format,
)
from symc.frontend.errors import SymcError

MAX_ENTRIES = 1 << 16
"""Largest table symc builds (64 Ki entries: already several BRAMs)."""

MAX_TABLE_WIDTH = 62
"""Widest table entry (raw values are stored as int64 in the IR)."""

HLS4ML_DIV_FORMAT = FixedFormat(20, 16)
"""Format of ``base_div`` in hls4ml's ``lookup_table``."""


def _recip(x: float) -> float:
    return 1.0 / x


BUILTIN: dict[str, Callable[[float], float]] = {
    "cos": math.cos,
    "exp": math.exp,
    "log": math.log,
    "recip": _recip,
    "sigmoid": lambda x: 1.0 / (1.0 + math.exp(-x)) if x > -700 else 0.0,
    "sin": math.sin,
    "sqrt": math.sqrt,
    "tan": math.tan,
    "tanh": math.tanh,
}
"""Scalar float64 definitions (libm, as C++'s ``std::sin`` and friends compute them)."""

PERIODS: dict[str, float] = {"sin": 2 * math.pi, "cos": 2 * math.pi}
"""Built-in functions that are periodic and bounded (a table over one period serves all x)."""

_SYMPY_FUNCS: dict[type, Callable[[float], float]] = {
    sympy.sin: math.sin,
    sympy.cos: math.cos,
    sympy.tan: math.tan,
    sympy.tanh: math.tanh,
    sympy.exp: math.exp,
    sympy.log: math.log,
    sympy.Abs: abs,
}


def scalar_function(expr: sympy.Expr, var: sympy.Symbol) -> Callable[[float], float]:
    """A float64 evaluator of a custom function's definition (a sympy expression of ``var``).

    Walks the tree with libm functions; never evaluates text.
    """

    def ev(e: sympy.Expr, x: float) -> float:
        if e == var:
            return x
        if e.is_Number or isinstance(e, sympy.NumberSymbol):
            return float(e)
        if isinstance(e, sympy.Add):
            return math.fsum(ev(a, x) for a in e.args)
        if isinstance(e, sympy.Mul):
            out = 1.0
            for a in e.args:
                out *= ev(a, x)
            return out
        if isinstance(e, sympy.Pow):
            base, exponent = ev(e.args[0], x), e.args[1]
            if exponent == sympy.Rational(1, 2):
                return math.sqrt(base)
            return base ** float(exponent)
        if isinstance(e, sympy.Min | sympy.Max):
            values = [ev(a, x) for a in e.args]
            return min(values) if isinstance(e, sympy.Min) else max(values)
        for func, impl in _SYMPY_FUNCS.items():
            if isinstance(e, func):
                return impl(ev(e.args[0], x))
        if isinstance(e, sympy.Function) and type(e).__name__ in BUILTIN:
            return BUILTIN[type(e).__name__](ev(e.args[0], x))
        raise SymcError(f"cannot evaluate {e} in a table definition")

    return lambda x: ev(expr, x)


def _trunc_div(a: int, b: int) -> int:
    """C integer division: truncation toward zero."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


def _trunc_div_array(a: Any, b: int) -> Any:
    q = np.abs(a) // abs(b)
    return np.where((a >= 0) == (b >= 0), q, -q)


@dataclass(frozen=True)
class Table:
    """A built table: everything needed to index it, bit-exactly, in any backend."""

    function: str
    indexing: str  # "hls4ml" or "bits"
    in_format: FixedFormat
    out_format: FixedFormat
    entries: int
    domain: tuple[float, float]
    start_raw: int
    """Start of the domain, raw, at the index variable's scale (``F_in + scale_frac``)."""
    scale_raw: int = 1
    scale_frac: int = 0
    """Index variable ``t = x * scale_raw * 2**-scale_frac`` (``bits`` only)."""
    mult_raw: int = 0
    mult_frac: int = 0
    """``hls4ml``: ``base_div`` raw and its fractional bits."""
    shift: int = 0
    """``bits``: index = ``(t_raw - start_raw) >> shift``."""
    periodic: bool = False
    values: tuple[int, ...] = ()

    @property
    def t_frac(self) -> int:
        return self.in_format.frac_bits + self.scale_frac

    def index(self, raw: Any) -> Any:
        """Table indices of raw operand values (ints or integer arrays; exact)."""
        if self.indexing == "hls4ml":
            product = (raw - self.start_raw) * self.mult_raw
            scale = 1 << (self.in_format.frac_bits + self.mult_frac)
            index = (_trunc_div_array(product, scale) if isinstance(product, np.ndarray)
                     else _trunc_div(product, scale))
        else:
            index = (raw * self.scale_raw - self.start_raw) >> self.shift
            if self.periodic:
                return index & (self.entries - 1)
        if isinstance(index, np.ndarray):
            return np.clip(index, 0, self.entries - 1)
        return min(max(index, 0), self.entries - 1)

    def lookup(self, raw: Any) -> Any:
        """Raw outputs for raw operand values."""
        values = np.asarray(self.values, dtype=np.int64)
        index = self.index(raw)
        if isinstance(index, np.ndarray):
            return values[index.astype(np.int64)]
        return int(values[int(index)])


# --- building ---------------------------------------------------------------------------


def _check_entries(entries: int) -> None:
    if not isinstance(entries, int) or entries < 2:
        raise SymcError(f"a table needs at least 2 entries, not {entries!r}")
    if entries > MAX_ENTRIES:
        raise SymcError(f"a table of {entries} entries is beyond the limit of {MAX_ENTRIES}")


def _sample(func: Callable[[float], float], x: float, name: str) -> float:
    try:
        value = func(x)
    except (ValueError, ZeroDivisionError, OverflowError):
        value = math.nan
    if not math.isfinite(value):
        raise SymcError(
            f"{name}({x:.6g}) is not finite: the table domain includes a point where "
            f"{name} is undefined; give a domain that avoids it"
        )
    return value


def hls4ml_table(name: str, func: Callable[[float], float], precision: Precision,
                 entries: int, start: float, end: float) -> Table:
    """hls4ml's ``lookup_table<T, entries, func>(start, end)`` with ``T`` = ``precision``."""
    _check_entries(entries)
    t = precision.format
    if t.frac_bits < 0:
        raise SymcError("hls4ml indexing needs a type with fractional bits >= 0")
    start_raw = quantize_scalar(start, precision)
    end_raw = quantize_scalar(end, precision)
    diff = end_raw - start_raw  # range_end - range_start: exact (minus type)
    span = cast_raw(diff, sub_format(t, t), t, precision.quant, precision.overflow)
    if span == 0:
        raise SymcError(f"table domain [{start}, {end}] is empty at {t}")
    # ap_uint<16>(N) / T(span): the dividend is shifted by the divisor's fractional bits and the
    # quotient keeps the dividend's (none); then it is stored as ap_fixed<20,16> (AP_TRN, AP_WRAP).
    quotient = _trunc_div((entries % (1 << 16)) << t.frac_bits, span)
    mult = cast_raw(quotient, FixedFormat(64, 64), HLS4ML_DIV_FORMAT)
    step = _trunc_div(diff, entries % (1 << 16))
    values = []
    for i in range(entries):
        num = cast_raw(start_raw + i * step, FixedFormat(128, 128 - t.frac_bits), t,
                       precision.quant, precision.overflow)
        sample = _sample(func, t.to_float(num), name)
        values.append(quantize_scalar(sample, precision))
    return Table(
        function=name, indexing="hls4ml", in_format=t, out_format=t, entries=entries,
        domain=(t.to_float(start_raw), t.to_float(end_raw)), start_raw=start_raw,
        mult_raw=mult, mult_frac=HLS4ML_DIV_FORMAT.frac_bits, values=tuple(values),
    )


def bits_table(name: str, func: Callable[[float], float], in_format: FixedFormat,
               out_precision: Precision, entries: int, start: float, span_log2: int,
               period: float | None = None, scale_frac: int = 24) -> Table:
    """A bit-sliced table of ``entries`` (a power of two) over ``[start, start + 2**span_log2)``.

    With ``period``, the index variable is ``t = x / period`` (the reciprocal quantized to
    ``scale_frac`` bits, rounded) over one turn ``[0, 1)``, and ``start``/``span_log2`` are
    ignored. Entries hold ``f`` at the middle of each cell, rounded to ``out_precision``.
    """
    _check_entries(entries)
    n = entries.bit_length() - 1
    if entries != 1 << n:
        raise SymcError(f"bits indexing needs a power-of-two number of entries, not {entries}")
    if period is not None:
        scale_raw = round(2**scale_frac / period)
        span_log2, start, t_frac = 0, 0.0, in_format.frac_bits + scale_frac
    else:
        scale_raw, scale_frac, t_frac = 1, 0, in_format.frac_bits
    # The cell width is 2**(span_log2 - n); the index is bit (t_frac + span_log2 - n) and up.
    shift = t_frac + span_log2 - n
    if shift < 0:
        raise SymcError(
            f"a table of {entries} entries over a span of 2**{span_log2} has cells finer than "
            f"the input's LSB ({in_format}); use fewer entries or more fractional bits"
        )
    start_raw = math.floor(start * 2**t_frac)
    if start_raw % (1 << shift):
        raise SymcError("bits indexing needs a domain start on the table's grid")
    cell = 2.0 ** (span_log2 - n)
    values = []
    for i in range(entries):
        t_mid = start + (i + 0.5) * cell
        x = t_mid * period if period is not None else t_mid
        values.append(quantize_scalar(_sample(func, x, name), out_precision))
    end = start + 2.0**span_log2
    domain = (start * period, end * period) if period is not None else (start, end)
    return Table(
        function=name, indexing="bits", in_format=in_format,
        out_format=out_precision.format, entries=entries, domain=domain, start_raw=start_raw,
        scale_raw=scale_raw, scale_frac=scale_frac, shift=shift,
        periodic=period is not None, values=tuple(values),
    )


def bits_domain(lo: float, hi: float, entries: int) -> tuple[float, int]:
    """``(start, span_log2)`` of the smallest power-of-two domain, on its own grid, covering
    ``[lo, hi]`` with ``entries`` cells."""
    n = entries.bit_length() - 1
    k = math.ceil(math.log2(max(hi - lo, 2.0**-60)))
    while True:
        cell = 2.0 ** (k - n)
        start = math.floor(lo / cell) * cell
        if start + 2.0**k >= hi:
            return start, k
        k += 1


def round_precision(fmt: FixedFormat) -> Precision:
    """How symc's own tables quantize their entries: to nearest, saturating."""
    return Precision(fmt, Quant.AP_RND, Overflow.AP_SAT)


# --- accuracy ----------------------------------------------------------------------------


def grid(fmt: FixedFormat, lo: float, hi: float, limit: int = 1 << 18) -> np.ndarray:
    """Raw values of ``fmt`` in ``[lo, hi]``: all of them, or ``limit`` evenly spread."""
    first = max(math.ceil(lo * 2.0**fmt.frac_bits), fmt.min_raw)
    last = min(math.floor(hi * 2.0**fmt.frac_bits), fmt.max_raw)
    if last < first:
        return np.zeros(0, dtype=np.int64)
    if last - first + 1 <= limit:
        return np.arange(first, last + 1, dtype=np.int64)
    return np.unique(np.linspace(first, last, limit).round().astype(np.int64))


def max_error(table: Table, func: Callable[[float], float], lo: float, hi: float) -> float:
    """Worst |table(x) - f(x)| over the operand's grid in ``[lo, hi]`` (exhaustive when small)."""
    raw = grid(table.in_format, lo, hi)
    if len(raw) == 0:
        return 0.0
    got = table.out_format.to_float(table.lookup(raw))
    xs = table.in_format.to_float(raw)
    want = np.array([func(float(x)) for x in xs])
    finite = np.isfinite(want)
    return float(np.max(np.abs(got[finite] - want[finite]))) if finite.any() else 0.0


def lipschitz(func: Callable[[float], float], lo: float, hi: float, samples: int = 4097) -> float:
    """An estimate of max |f'| on ``[lo, hi]`` from finite differences (with a 10% margin)."""
    if hi <= lo:
        return 0.0
    xs = np.linspace(lo, hi, samples)
    ys = np.array([func(float(x)) for x in xs])
    slopes = np.abs(np.diff(ys)) / np.diff(xs)
    return float(np.max(slopes)) * 1.1 if len(slopes) else 0.0
