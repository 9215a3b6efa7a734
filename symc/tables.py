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
    worst error of a truncating index. With linear interpolation (``interp_bits > 0``) the
    bits below the index weigh the next entry: ``y = T[i] + ((T[i+1] - T[i]) * frac) >> b``,
    with entries at the cells' edges (one more when the table clamps). A *bipartite* table
    (``offset_bits = b > 0``) needs no multiplier: the fine index ``j = d >> (shift - b)``
    (``entries * 2**b`` cells, wrapped or clamped) reads ``y = T[j >> b] + O[s, j mod 2**b]``,
    ``O`` a second, narrow table of offsets shared by the ``2**offset_drop`` cells of a segment
    ``s = j >> (b + offset_drop)``: the main table holds ``f`` near each cell, the offsets its
    slope across the cell, per segment. The two tables are a least-squares split of ``f`` at the
    fine cells' middles, the main entries then centred on each cell's residual errors.

Range reduction of ``exp`` (an *exponent* table, ``bits`` only): ``exp(x) = 2**t`` with ``t = x *
log2(e)`` (the constant rounded to :func:`scale_bits` bits), split into its integer part ``k`` and
fraction ``f``: the table holds ``2**f`` over one unit of ``t`` (indexed like a periodic table, by
the fraction's top bits; with interpolation the next entry of the last cell is ``2**1``, one more
value) in a wider entry format (``value_format``, ``F_v`` fractional bits), and the entry ``v`` is
scaled by ``2**k`` with a rounding right shift: ``y = ((2*v >> s) + 1) >> 1``, ``s = exp_bias - k``
(``exp_bias = F_v - F_out``). ``k`` is first clamped to ``[exp_bias - W_v, exp_max]``: below, every
entry shifts out to 0; ``exp_max`` is the first ``k`` at which every entry overflows the output
format, which then saturates (``y = min(y, max_out)``). A table over one octave serves any argument
range, so its size follows the error wanted, not the width of the range.

Normalized reciprocal (a *normalized* table, ``bits`` only, for ``1/b`` with ``b`` of one sign):
``b`` (negated first when its range is negative) is clamped to the octaves its range spans, raw
``[2**lo, 2**(hi + 1) - 1]``; ``p``, the position of its leading one, splits it as ``b = m *
2**(p - F_in)`` with the mantissa ``m`` in ``[1, 2)``. The table holds ``1/m`` over ``[1, 2)``, its
cells indexed by the ``n`` bits below the leading one (``((b << n) >> p) - entries``), each entry
the middle of ``1/m`` over its cell in an unsigned format of ``F_v`` fractional bits. The entry
is scaled back by ``2**(F_in - p)`` with a rounding right shift, ``y = ((2*v >> s) + 1) >> 1``,
``s = norm_bias + p`` (``norm_bias = F_v - F_in - F_out``, at least 1 - ``lo``), saturated to the
output format and negated back. Its error is relative: one table serves a divisor over any
number of octaves, where a plain table spends its cells evenly over a range that may hold 0.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import sympy

from symc.fixed import (
    FixedFormat,
    Overflow,
    Precision,
    Quant,
    cast_raw,
    quantize_real,
    quantize_scalar,
    sub_format,
)
from symc.frontend.errors import SymcError, SymcWarning


class TableWarning(SymcWarning):
    """A table that clamps part of its argument's range, or that hls4ml itself builds wrong."""


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

VECTOR: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "cos": np.cos,
    "exp": np.exp,
    "log": np.log,
    "recip": lambda x: 1.0 / x,
    "sigmoid": lambda x: 1.0 / (1.0 + np.exp(-x)),
    "sin": np.sin,
    "sqrt": np.sqrt,
    "tan": np.tan,
    "tanh": np.tanh,
}
"""numpy versions, for measuring errors over many points (table entries use :data:`BUILTIN`)."""

PERIODS: dict[str, float] = {"sin": 2 * math.pi, "cos": 2 * math.pi}
"""Built-in functions that are periodic and bounded (a table over one period serves all x)."""

@dataclass(frozen=True)
class _Arithmetic:
    """How :func:`_evaluator` computes: on floats (libm, a correctly rounded sum) or on numpy
    arrays."""

    constant: Callable[[float, Any], Any]
    add: Callable[[list[Any]], Any]
    sqrt: Callable[[Any], Any]
    power: Callable[[Any, float], Any]
    minimum: Callable[[Any, Any], Any]
    maximum: Callable[[Any, Any], Any]
    functions: dict[str, Callable[[Any], Any]]
    """By the name of the sympy function class (``sin``, ``Abs``, ``sigmoid``, ...)."""


def _vector_sum(values: list[np.ndarray]) -> np.ndarray:
    return sum(values[1:], values[0])


_SCALAR = _Arithmetic(
    constant=lambda value, x: value, add=math.fsum, sqrt=math.sqrt,
    power=lambda base, exponent: base ** exponent, minimum=min, maximum=max,
    functions={**BUILTIN, "Abs": abs})
_VECTOR = _Arithmetic(
    constant=lambda value, x: np.full_like(x, value), add=_vector_sum, sqrt=np.sqrt,
    power=np.power, minimum=np.minimum, maximum=np.maximum,
    functions={**VECTOR, "Abs": np.abs})


def _evaluator(expr: sympy.Expr, var: sympy.Symbol, arith: _Arithmetic
               ) -> Callable[[Any], Any]:
    """An evaluator of a custom function's definition (a sympy expression of ``var``) that
    walks the tree with ``arith``'s operations; never evaluates text."""

    def ev(e: sympy.Basic, x: Any) -> Any:
        if e == var:
            return x
        if isinstance(e, sympy.Number | sympy.NumberSymbol):
            return arith.constant(float(e), x)
        if isinstance(e, sympy.Add):
            return arith.add([ev(a, x) for a in e.args])
        if isinstance(e, sympy.Mul):
            out = ev(e.args[0], x)
            for a in e.args[1:]:
                out = out * ev(a, x)
            return out
        if isinstance(e, sympy.Pow):
            base, exponent = ev(e.args[0], x), e.args[1]
            if exponent == sympy.Rational(1, 2):
                return arith.sqrt(base)
            return arith.power(base, float(exponent))
        if isinstance(e, sympy.Min | sympy.Max):
            combine = arith.minimum if isinstance(e, sympy.Min) else arith.maximum
            values = [ev(a, x) for a in e.args]
            out = values[0]
            for v in values[1:]:
                out = combine(out, v)
            return out
        if isinstance(e, sympy.Function) and type(e).__name__ in arith.functions:
            return arith.functions[type(e).__name__](ev(e.args[0], x))
        raise SymcError(f"cannot evaluate {e} in a table definition")

    return lambda x: ev(expr, x)


def scalar_function(expr: sympy.Expr, var: sympy.Symbol) -> Callable[[float], float]:
    """A float64 evaluator of a custom function's definition (a sympy expression of ``var``),
    with libm's functions (as table entries are computed); never evaluates text."""
    return _evaluator(expr, var, _SCALAR)


def vector_function(expr: sympy.Expr, var: sympy.Symbol) -> Callable[[np.ndarray], np.ndarray]:
    """:func:`scalar_function` over numpy arrays (for measurements over many points)."""
    evaluate = _evaluator(expr, var, _VECTOR)

    def run(x: np.ndarray) -> np.ndarray:
        with np.errstate(all="ignore"):
            return evaluate(np.asarray(x, dtype=np.float64))

    return run


def _trunc_div(a: int, b: int) -> int:
    """C integer division: truncation toward zero."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


def _trunc_div_array(a: Any, b: int) -> Any:
    if b > 0 and b & (b - 1) == 0 and a.dtype != object:
        # A power of two (hls4ml's scale always is): shifts, no division.
        k = b.bit_length() - 1
        return np.where(a >= 0, a >> k, -((-a) >> k))
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
    interp_bits: int = 0
    """``bits`` with linear interpolation: the ``interp_bits`` bits below the index weigh the
    next entry (0: no interpolation). Entries then hold ``f`` at the cells' edges: ``entries``
    values when periodic, ``entries + 1`` otherwise."""
    exponent: bool = False
    """An ``exp`` table with range reduction: entries hold ``2**f``, scaled by ``2**k``."""
    exp_bias: int = 0
    exp_max: int = 0
    value_format: FixedFormat | None = None
    """Format of the entries when it is not ``out_format`` (exponent and normalized tables)."""
    normalized: bool = False
    """A normalized reciprocal: entries hold ``1/m`` of the divisor's mantissa."""
    octave_lo: int = 0
    octave_hi: int = 0
    """Normalized tables: the raw bit positions the divisor's leading one may take."""
    norm_bias: int = 0
    negated: bool = False
    """Normalized tables: ``s = norm_bias + p``; the divisor (and the result) negated."""
    offset_bits: int = 0
    """Bipartite tables: bits of the position inside a cell that index the offsets (0: none)."""
    offset_drop: int = 0
    """Bipartite tables: low index bits the offsets ignore (a segment of ``2**offset_drop``
    cells shares them)."""
    offsets: tuple[int, ...] = ()
    """Bipartite tables: ``(entries >> offset_drop) << offset_bits`` raw offsets, at the output's
    scale, added to the entry."""

    @property
    def t_frac(self) -> int:
        return self.in_format.frac_bits + self.scale_frac

    @property
    def entry_format(self) -> FixedFormat:
        return self.value_format if self.value_format is not None else self.out_format

    @property
    def wraps(self) -> bool:
        """The index keeps only its low bits (periodic and exponent tables)."""
        return self.periodic or self.exponent

    @property
    def bipartite(self) -> bool:
        return self.offset_bits > 0

    @property
    def offset_width(self) -> int:
        """Bipartite tables: the signed width that holds every offset."""
        lo, hi = min(self.offsets, default=0), max(self.offsets, default=0)
        return max(lo.bit_length(), (-lo - 1).bit_length() if lo < 0 else 0,
                   hi.bit_length()) + 1

    @property
    def offset_format(self) -> FixedFormat:
        """Bipartite tables: the format of an offset (signed, at the output's scale)."""
        return FixedFormat(self.offset_width, self.offset_width - self.out_format.frac_bits)

    def fine(self, raw: Any) -> Any:
        """Bipartite tables: the fine index ``j`` (wrapped or clamped to the fine cells)."""
        d = raw * self.scale_raw - self.start_raw
        j = d >> (self.shift - self.offset_bits)
        cells = self.entries << self.offset_bits
        if self.wraps:
            return j & (cells - 1)
        if isinstance(j, np.ndarray):
            return np.clip(j, 0, cells - 1)
        return min(max(j, 0), cells - 1)

    def offset_index(self, j: Any) -> Any:
        """Bipartite tables: the offsets' index of fine index ``j``: its segment, then its
        position inside the cell."""
        b = self.offset_bits
        return ((j >> (b + self.offset_drop)) << b) | (j & ((1 << b) - 1))

    @property
    def in_turns(self) -> bool:
        """A periodic table of period 1 (no scale): it reads its operand modulo 1."""
        return self.periodic and self.scale_raw == 1

    def index_widths(self, src_width: int) -> tuple[int, int]:
        """The signed widths the index is computed in from a ``src_width``-bit argument
        (convert-sym-to-hw; each holds its value exactly): (the product, the offset). ``bits``:
        ``t = x * scale_raw`` first, then ``t - start_raw``; ``hls4ml``: ``x - start`` first,
        then its product by ``mult_raw``."""
        if self.indexing == "hls4ml":
            offset = src_width + 1
            return offset + abs(self.mult_raw).bit_length() + 1, offset
        product = src_width + 1
        if self.scale_raw != 1:
            product += self.scale_raw.bit_length() + 1
        return product, max(product, self.start_raw.bit_length() + 2) + 1

    @property
    def exp_min(self) -> int:
        """Exponent tables: the lowest ``k`` kept (``exp_bias - W_v``: every entry shifts out)."""
        return self.exp_bias - self.entry_format.width

    def power_width(self, k_bits: int) -> int:
        """Exponent tables: a signed width holding ``k`` (``k_bits`` wide), both of its clamps
        and the shift amount ``exp_bias - k``."""
        limits = max(abs(self.exp_min), abs(self.exp_max), self.exp_bias)
        return max(k_bits, limits.bit_length() + 2)

    def power(self, raw: Any) -> Any:
        """Exponent tables: ``k``, clamped to ``[exp_min, exp_max]``."""
        k = (raw * self.scale_raw - self.start_raw) >> self.t_frac
        if isinstance(k, np.ndarray):
            return np.clip(k, self.exp_min, self.exp_max)
        return min(max(k, self.exp_min), self.exp_max)

    def scale_entry(self, raw: Any, entry: Any) -> Any:
        """Exponent tables: ``entry * 2**k`` rounded (half up) and saturated to the output."""
        shift = self.exp_bias - self.power(raw)
        y = (((entry << 1) >> shift) + 1) >> 1
        if isinstance(y, np.ndarray):
            return np.minimum(y, self.out_format.max_raw)
        return min(int(y), self.out_format.max_raw)

    @property
    def scaled_max(self) -> int:
        """Exponent tables: the largest scaled entry (at ``k = exp_max``) before saturation."""
        return (((max(self.values) << 1) >> (self.exp_bias - self.exp_max)) + 1) >> 1

    def hull(self, lo: float, hi: float) -> tuple[float, float]:
        """Smallest and largest output for arguments in ``[lo, hi]``: the hull of the entries,
        or, for an exponent table (nondecreasing), its outputs at the ends of the range, or,
        for a normalized table, its outputs at the ends and the octave edges between them."""
        out = self.out_format
        if not (self.exponent or self.normalized):
            low, high = self.output_extent
            return out.to_float(low), out.to_float(high)
        fmt = self.in_format
        first = min(max(math.floor(lo * 2.0**fmt.frac_bits), fmt.min_raw), fmt.max_raw)
        last = min(max(math.ceil(hi * 2.0**fmt.frac_bits), fmt.min_raw), fmt.max_raw)
        low, high = self.raw_hull(first, last)
        return out.to_float(low), out.to_float(high)

    @property
    def rom_bits(self) -> int:
        """Bits of the table's data: its entries, and a bipartite table's offsets."""
        bits = len(self.values) * self.entry_format.width
        return bits + len(self.offsets) * self.offset_width if self.bipartite else bits

    @cached_property
    def output_extent(self) -> tuple[int, int]:
        """Plain, interpolated and bipartite tables: the smallest and largest raw output (an
        entry, a point between two neighbours, or an entry plus one of its offsets)."""
        if not self.bipartite:
            return min(self.values), max(self.values)
        per_segment = self.offset_array.reshape(-1, 1 << self.offset_bits)
        rows = np.repeat(per_segment, 1 << self.offset_drop, axis=0)
        return (int((self.value_array + rows.min(axis=1)).min()),
                int((self.value_array + rows.max(axis=1)).max()))

    def raw_hull(self, first: int, last: int) -> tuple[int, int]:
        """Exponent and normalized tables: the smallest and largest raw output for raw
        arguments in ``[first, last]`` (exact)."""
        if self.exponent:
            return int(self.lookup(first)), int(self.lookup(last))
        # Monotone within an octave (the entries are, and the shift is fixed there): the
        # extremes lie at the ends of the interval or at an octave's edge inside it.
        points = {first, last}
        for q in range(self.octave_lo + 1, self.octave_hi + 1):
            for edge in ((-(1 << q), -(1 << q) + 1) if self.negated else ((1 << q) - 1, 1 << q)):
                if first <= edge <= last:
                    points.add(edge)
        outputs = [int(self.lookup(p)) for p in points]
        return min(outputs), max(outputs)

    def cell(self, raw: Any) -> tuple[Any, Any]:
        """Interpolated tables: the cell index and the ``interp_bits`` position inside it.

        Outside a non-periodic domain the position is 0 at the first or the last edge
        (index ``entries``), so the table clamps to its end values.
        """
        d = raw * self.scale_raw - self.start_raw
        low = self.shift - self.interp_bits
        index, frac = d >> self.shift, (d >> low) & ((1 << self.interp_bits) - 1)
        if self.wraps:
            return index & (self.entries - 1), frac
        if isinstance(index, np.ndarray):
            outside = (index < 0) | (index >= self.entries)
            return np.clip(index, 0, self.entries), np.where(outside, 0, frac)
        if index < 0 or index >= self.entries:
            return min(max(index, 0), self.entries), 0
        return index, frac

    def index(self, raw: Any) -> Any:
        """Table indices of raw operand values (ints or integer arrays; exact)."""
        if self.indexing == "hls4ml":
            product = (raw - self.start_raw) * self.mult_raw
            scale = 1 << (self.in_format.frac_bits + self.mult_frac)
            index = (_trunc_div_array(product, scale) if isinstance(product, np.ndarray)
                     else _trunc_div(product, scale))
        else:
            index = (raw * self.scale_raw - self.start_raw) >> self.shift
            if self.wraps:
                return index & (self.entries - 1)
        if isinstance(index, np.ndarray):
            return np.clip(index, 0, self.entries - 1)
        return min(max(index, 0), self.entries - 1)

    def normalize(self, raw: Any) -> tuple[Any, Any]:
        """Normalized tables: the entry index and the leading one's position ``p`` of raw
        divisors (ints or integer arrays; exact)."""
        b = -raw if self.negated else raw
        low, high = 1 << self.octave_lo, (1 << (self.octave_hi + 1)) - 1
        n = self.entries.bit_length() - 1
        if isinstance(b, np.ndarray):
            b = np.minimum(np.maximum(b, low), high)
            p = np.full(b.shape, self.octave_lo, dtype=np.int64)
            for q in range(self.octave_lo + 1, self.octave_hi + 1):
                p += (b >= (1 << q)).astype(np.int64)
            shifted = (b << n) >> (p if b.dtype != object else p.astype(object))
            return shifted - self.entries, p
        b = min(max(int(b), low), high)
        p = b.bit_length() - 1
        return ((b << n) >> p) - self.entries, p

    @property
    def reciprocal_max(self) -> int:
        """Normalized tables: the largest scaled entry (the lowest octave) before saturation."""
        return (((max(self.values) << 1) >> (self.norm_bias + self.octave_lo)) + 1) >> 1

    def reciprocal(self, raw: Any) -> Any:
        """Normalized tables: raw outputs for raw divisors (see the module's docstring)."""
        index, p = self.normalize(raw)
        values = self.value_array
        top = self.out_format.max_raw
        if isinstance(index, np.ndarray):
            entry = values[index.astype(np.int64)]
            if isinstance(raw, np.ndarray) and raw.dtype == object:
                entry, p = entry.astype(object), p.astype(object)
            y = np.minimum((((entry << 1) >> (self.norm_bias + p)) + 1) >> 1, top)
        else:
            entry = int(values[int(index)])
            y = min((((entry << 1) >> (self.norm_bias + p)) + 1) >> 1, top)
        return -y if self.negated else y

    @cached_property
    def value_array(self) -> np.ndarray:
        """The entries as an int64 array (built once)."""
        return np.asarray(self.values, dtype=np.int64)

    def lookup(self, raw: Any) -> Any:
        """Raw outputs for raw operand values."""
        if self.normalized:
            return self.reciprocal(raw)
        entry = self._entry(raw)
        return self.scale_entry(raw, entry) if self.exponent else entry

    @cached_property
    def offset_array(self) -> np.ndarray:
        return np.asarray(self.offsets, dtype=np.int64)

    def _entry(self, raw: Any) -> Any:
        values = self.value_array
        if self.offset_bits:
            j = self.fine(raw)
            if isinstance(j, np.ndarray):
                j = j.astype(np.int64)
                return values[j >> self.offset_bits] + self.offset_array[self.offset_index(j)]
            j = int(j)
            return int(values[j >> self.offset_bits]) + int(self.offsets[self.offset_index(j)])
        if self.interp_bits:
            # y = T[i] + floor((T[i+1] - T[i]) * frac / 2**interp_bits), the next entry
            # wrapping around a periodic table and repeating the last edge of a clamped one
            # (an exponent table holds the edge 2**1 after its last cell).
            index, frac = self.cell(raw)
            nxt = (index + 1) % len(values) if self.periodic else np.minimum(index + 1,
                                                                             len(values) - 1)
            if isinstance(index, np.ndarray):
                lo, hi = values[index.astype(np.int64)], values[np.asarray(nxt).astype(np.int64)]
                return lo + (((hi - lo) * frac) >> self.interp_bits)
            lo, hi = int(values[int(index)]), int(values[int(nxt)])
            return lo + (((hi - lo) * int(frac)) >> self.interp_bits)
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
        hint = (f"; give the {name} table a domain (tables={{{name!r}: {{'domain': [lo, hi]}}}}), "
                "as hls4ml's lut_functions give range_start and range_end" if start == end else "")
        raise SymcError(f"table domain [{start}, {end}] is empty at {t}{hint}")
    if span != diff:
        warnings.warn(
            f"hls4ml's {name} table computes its span T(end - start) = {t.to_float(span):g} in "
            f"{t}, which cannot hold {t.to_float(diff):g}: the index wraps, as it does in "
            "hls4ml; widen the integer bits or narrow the domain",
            TableWarning,
            stacklevel=2,
        )
    # ap_uint<16>(N) / T(span): the dividend is shifted by the divisor's fractional bits and the
    # quotient keeps the dividend's (none); then it is stored as ap_fixed<20,16> (AP_TRN, AP_WRAP).
    quotient = _trunc_div((entries % (1 << 16)) << t.frac_bits, span)
    mult = cast_raw(quotient, FixedFormat(64, 64), HLS4ML_DIV_FORMAT)
    step = _trunc_div(diff, entries % (1 << 16))
    samples = []
    for i in range(entries):
        num = cast_raw(start_raw + i * step, FixedFormat(128, 128 - t.frac_bits), t,
                       precision.quant, precision.overflow)
        samples.append(_sample(func, t.to_float(num), name))
    values = [int(v) for v in quantize_real(np.array(samples), precision)]
    return Table(
        function=name, indexing="hls4ml", in_format=t, out_format=t, entries=entries,
        domain=(t.to_float(start_raw), t.to_float(end_raw)), start_raw=start_raw,
        mult_raw=mult, mult_frac=HLS4ML_DIV_FORMAT.frac_bits, values=tuple(values),
    )


MAX_SCALE_FRAC = 24
"""Most fractional bits of a scale constant (``1/period``, ``log2(e)``)."""


def scale_bits(in_format: FixedFormat, entries: int, interp_bits: int = 0) -> int:
    """Fractional bits of a table's scale constant (``1/period``, ``log2(e)``): enough that
    ``|x|`` times the constant's rounding error stays under 1/32 of the finest step the table
    tells apart (a cell, or a step of its interpolation), at most :data:`MAX_SCALE_FRAC`. A
    shorter constant is a cheaper product: often a few shifts and adds, or one DSP block where a
    24-bit one takes two."""
    largest = max(abs(in_format.to_float(in_format.min_raw)),
                  abs(in_format.to_float(in_format.max_raw)), 1.0)
    magnitude = math.ceil(math.log2(largest))
    n = entries.bit_length() - 1
    return min(MAX_SCALE_FRAC, n + interp_bits + 4 + magnitude)


def bits_table(name: str, func: Callable[[float], float], in_format: FixedFormat,
               out_precision: Precision, entries: int, start: float, span_log2: int,
               period: float | None = None, scale_frac: int | None = None,
               interp_bits: int = 0, valid: tuple[float, float] | None = None,
               offset_bits: int = 0, offset_drop: int = 0) -> Table:
    """A bit-sliced table of ``entries`` (a power of two) over ``[start, start + 2**span_log2)``.

    With ``period``, the index variable is ``t = x / period`` (the reciprocal quantized to
    ``scale_frac`` bits, rounded; by default :func:`scale_bits`) over one turn ``[0, 1)``, and
    ``start``/``span_log2`` are ignored. Entries hold ``f`` at the middle of each cell (at the edges
    when interpolating), rounded to ``out_precision``; points outside ``valid`` (the argument's
    range) are sampled at its nearest end, so that a table may overhang a point where ``f`` is
    undefined. With ``offset_bits``, a bipartite table (:func:`_bipartite`; not with
    ``interp_bits``).
    """
    _check_entries(entries)
    n = entries.bit_length() - 1
    if entries != 1 << n:
        raise SymcError(f"bits indexing needs a power-of-two number of entries, not {entries}")
    if period is not None:
        if scale_frac is None:
            scale_frac = scale_bits(in_format, entries, interp_bits or offset_bits)
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
    interp_bits = min(interp_bits, shift)
    end = start + 2.0**span_log2
    domain = (start * period, end * period) if period is not None else (start, end)
    offset_bits = min(offset_bits, shift)
    if offset_bits:
        if interp_bits:
            raise SymcError("a bipartite table does not interpolate")
        values, offsets = _bipartite(name, func, out_precision, entries, start, cell, period,
                                     valid, offset_bits, min(offset_drop, n))
        return Table(
            function=name, indexing="bits", in_format=in_format,
            out_format=out_precision.format, entries=entries, domain=domain,
            start_raw=start_raw, scale_raw=scale_raw, scale_frac=scale_frac, shift=shift,
            periodic=period is not None, values=values, offset_bits=offset_bits,
            offset_drop=min(offset_drop, n), offsets=offsets,
        )
    samples = []
    # Interpolated tables sample the cells' edges, others the cells' middles.
    points = ([start + i * cell for i in range(entries + (period is None))] if interp_bits
              else [start + (i + 0.5) * cell for i in range(entries)])
    for t in points:
        x = t * period if period is not None else t
        if valid is not None:
            # Entries beyond the argument's range are never read (or only as an interpolation
            # end point next to it): sample them inside, where f is defined.
            x = min(max(x, valid[0]), valid[1])
        samples.append(_sample(func, x, name))
    values = [int(v) for v in quantize_real(np.array(samples), out_precision)]
    return Table(
        function=name, indexing="bits", in_format=in_format,
        out_format=out_precision.format, entries=entries, domain=domain, start_raw=start_raw,
        scale_raw=scale_raw, scale_frac=scale_frac, shift=shift,
        periodic=period is not None, values=tuple(values), interp_bits=interp_bits,
    )


def _bipartite(name: str, func: Callable[[float], float], out_precision: Precision,
               entries: int, start: float, cell: float, period: float | None,
               valid: tuple[float, float] | None, offset_bits: int, offset_drop: int
               ) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """A bipartite table's entries and offsets (raw at the output's scale): ``f`` at the
    middle of each of the ``entries * 2**b`` fine cells, split per segment of ``2**drop``
    cells into a value per cell plus an offset per position (the least-squares additive split:
    the offsets are the segment's mean residual at each position); then each entry is the
    middle of its cell's errors against the rounded offsets, rounded, and kept where every
    entry plus offset stays in the output format."""
    positions = 1 << offset_bits
    fine = cell / positions
    out = out_precision.format
    samples = np.empty((entries, positions), dtype=np.float64)
    for i in range(entries):
        for p in range(positions):
            t = start + (i * positions + p + 0.5) * fine
            x = t * period if period is not None else t
            if valid is not None:
                x = min(max(x, valid[0]), valid[1])
            samples[i, p] = _sample(func, x, name)
    segments = samples.reshape(entries >> offset_drop, 1 << offset_drop, positions)
    residual = segments - segments.mean(axis=2, keepdims=True)
    scale = 2.0**out.frac_bits
    offsets = np.round(residual.mean(axis=1) * scale).astype(np.int64)  # (segments, positions)
    errors = segments - offsets[:, None, :] / scale
    centre = ((errors.max(axis=2) + errors.min(axis=2)) / 2).reshape(entries)
    values = np.asarray(quantize_real(centre, out_precision), dtype=np.int64)
    per_cell = np.repeat(offsets, 1 << offset_drop, axis=0)  # (entries, positions)
    values = np.clip(values, out.min_raw - per_cell.min(axis=1),
                     out.max_raw - per_cell.max(axis=1))
    return tuple(int(v) for v in values), tuple(int(v) for v in offsets.reshape(-1))


LOG2_E = 1.0 / math.log(2.0)


def exp_table(in_format: FixedFormat, out_format: FixedFormat, entries: int,
              scale_frac: int | None = None, interp_bits: int = 0) -> Table | None:
    """``exp`` with range reduction (see the module's docstring): ``entries`` (a power of two)
    cells of ``2**f`` over one unit of ``t = x * log2(e)``, scaled by ``2**k`` into
    ``out_format``. None when the entries would be wider than :data:`MAX_TABLE_WIDTH` bits
    (an output format with too many integer or fractional bits)."""
    _check_entries(entries)
    n = entries.bit_length() - 1
    if entries != 1 << n:
        raise SymcError(f"bits indexing needs a power-of-two number of entries, not {entries}")
    if scale_frac is None:
        scale_frac = scale_bits(in_format, entries, interp_bits)
    scale_raw = round(2**scale_frac * LOG2_E)
    shift = in_format.frac_bits + scale_frac - n
    if shift < 0:
        raise SymcError(
            f"an exp table of {entries} entries has cells finer than the input's LSB "
            f"({in_format}); use fewer entries or more fractional bits"
        )
    # The first k at which 2**f * 2**k > max_out for every f >= 0: there the output saturates.
    exp_max = math.floor(math.log2(out_format.to_float(out_format.max_raw))) + 1
    # One guard bit below the output's LSB even at k = exp_max, and at least the resolution
    # of the cells.
    exp_bias = max(exp_max + 1, n + 2 - out_format.frac_bits)
    value_frac = out_format.frac_bits + exp_bias
    if value_frac + 3 > MAX_TABLE_WIDTH:  # 2 * entry, before its shift, fits the table width
        return None
    value_format = FixedFormat(value_frac + 2, 2, signed=False)
    points = ([i / entries for i in range(entries + 1)] if interp_bits
              else [(i + 0.5) / entries for i in range(entries)])
    values = quantize_real(np.exp2(np.array(points)), round_precision(value_format))
    return Table(
        function="exp", indexing="bits", in_format=in_format, out_format=out_format,
        entries=entries, domain=(0.0, math.log(2.0)), start_raw=0, scale_raw=scale_raw,
        scale_frac=scale_frac, shift=shift, values=tuple(int(v) for v in values),
        interp_bits=min(interp_bits, shift), exponent=True, exp_bias=exp_bias,
        exp_max=exp_max, value_format=value_format,
    )


def reciprocal_table(in_format: FixedFormat, out_format: FixedFormat, entries: int,
                     lo: float, hi: float) -> Table | None:
    """``1/b`` by a normalized divisor (see the module's docstring) for ``b`` in ``[lo, hi]``,
    an interval of one sign (0 excluded): ``entries`` (a power of two) cells of ``1/m`` over the
    mantissa's ``[1, 2)``, scaled into ``out_format``. None when the range holds no nonzero
    point of ``in_format``, or when the entries would be wider than :data:`MAX_TABLE_WIDTH`."""
    _check_entries(entries)
    n = entries.bit_length() - 1
    if entries != 1 << n:
        raise SymcError(f"bits indexing needs a power-of-two number of entries, not {entries}")
    if lo <= 0 <= hi:
        raise SymcError("a normalized reciprocal needs a divisor range that excludes 0")
    negated = hi < 0
    a, b = (-hi, -lo) if negated else (lo, hi)
    scale = 2.0**in_format.frac_bits
    largest = -in_format.min_raw if negated else in_format.max_raw
    first = max(1, math.ceil(a * scale))
    last = min(largest, math.floor(b * scale))
    if last < first:
        if first > largest:
            return None
        last = first
    # The lowest octave holds a itself (not only its first grid point), so the domain does.
    octave_lo = max(1, min(first, math.floor(a * scale))).bit_length() - 1
    octave_hi = last.bit_length() - 1
    # A guard bit below the output's LSB at the lowest octave, and the cells' resolution.
    value_frac = max(n + 2, in_format.frac_bits + out_format.frac_bits - octave_lo + 1)
    if value_frac + 2 > MAX_TABLE_WIDTH:
        return None
    value_format = FixedFormat(value_frac, 0, signed=False)
    edges = 1.0 + np.arange(entries + 1) / entries
    middles = (1.0 / edges[:-1] + 1.0 / edges[1:]) / 2
    values = quantize_real(middles, round_precision(value_format))
    d_lo = 2.0 ** (octave_lo - in_format.frac_bits)
    d_hi = 2.0 ** (octave_hi + 1 - in_format.frac_bits)
    return Table(
        function="recip", indexing="bits", in_format=in_format, out_format=out_format,
        entries=entries, domain=(-d_hi, -d_lo) if negated else (d_lo, d_hi), start_raw=0,
        values=tuple(int(v) for v in values), value_format=value_format, normalized=True,
        octave_lo=octave_lo, octave_hi=octave_hi,
        norm_bias=value_frac - in_format.frac_bits - out_format.frac_bits, negated=negated,
    )


def bits_domain(lo: float, hi: float, entries: int) -> tuple[float, int]:
    """``(start, span_log2)`` of the smallest power-of-two domain, on its own grid, covering
    ``[lo, hi]`` with ``entries`` cells, centred on it (the slack is shared by both ends)."""
    n = entries.bit_length() - 1
    k = math.ceil(math.log2(max(hi - lo, 2.0**-60)))
    while True:
        cell = 2.0 ** (k - n)
        start = math.floor(((lo + hi) / 2 - 2.0 ** (k - 1)) / cell) * cell
        if start <= lo and start + 2.0**k >= hi:
            return start, k
        k += 1


def round_precision(fmt: FixedFormat) -> Precision:
    """How symc's own tables quantize their entries: to nearest, saturating."""
    return Precision(fmt, Quant.AP_RND, Overflow.AP_SAT)


# --- accuracy ----------------------------------------------------------------------------


EXHAUSTIVE = 1 << 21
"""Arguments up to this many grid points are checked one by one (a table's error is then exact);
wider ones are sampled at this many evenly spread points."""


def grid(fmt: FixedFormat, lo: float, hi: float, limit: int = EXHAUSTIVE) -> np.ndarray:
    """Raw values of ``fmt`` in ``[lo, hi]``: all of them, or ``limit`` evenly spread."""
    first = max(math.ceil(lo * 2.0**fmt.frac_bits), fmt.min_raw)
    last = min(math.floor(hi * 2.0**fmt.frac_bits), fmt.max_raw)
    if last < first:
        return np.zeros(0, dtype=np.int64)
    if last - first + 1 <= limit:
        return np.arange(first, last + 1, dtype=np.int64)
    spread = np.linspace(first, last, limit).round().astype(np.int64)  # sorted
    return spread[np.concatenate(([True], np.diff(spread) != 0))]


def max_error(table: Table, func: Callable[[Any], Any], lo: float, hi: float) -> float:
    """Worst |table(x) - f(x)| over the operand's grid in ``[lo, hi]`` (exhaustive when small).

    ``func`` is a numpy function (:data:`VECTOR`, :func:`vector_function`) or a scalar one.
    """
    return _worst(table, func, grid(table.in_format, lo, hi))


PROBE_STRIDE = 61
""":func:`meets` first measures every this many grid points (prime, so that it does not alias
with a table's power-of-two cells)."""


def meets(table: Table, func: Callable[[Any], Any], lo: float, hi: float,
          target: float) -> bool:
    """Whether :func:`max_error` over ``[lo, hi]`` is at most ``target``. A table that misses
    it is usually told by a sparse subset of the grid (whose worst error cannot exceed the
    grid's), at a fraction of the cost; only a table that passes there is measured on all."""
    raw = grid(table.in_format, lo, hi)
    if len(raw) > 64 * PROBE_STRIDE and _worst(table, func, raw[::PROBE_STRIDE]) > target:
        return False
    return _worst(table, func, raw) <= target


def _worst(table: Table, func: Callable[[Any], Any], raw: np.ndarray) -> float:
    if len(raw) == 0:
        return 0.0
    got = table.out_format.to_float(table.lookup(raw))
    xs = table.in_format.to_float(raw)
    want = _evaluate(func, xs)
    finite = np.isfinite(want)
    return float(np.max(np.abs(got[finite] - want[finite]))) if finite.any() else 0.0


def read_error(table: Table, func: Callable[[Any], Any], real: tuple[float, float],
               reads: tuple[float, float]) -> float:
    """Worst error of a read at ``x`` in ``reads`` (a computed argument, near its real value
    in ``real``) as the smaller of |table(x) - f(x)| and |table(x) - f(x clipped to real)|: with
    a slope bound L of f on ``reads`` (where f is defined) and reals within e of their reads,
    |table(read) - f(real)| <= read_error + L * e."""
    raw = grid(table.in_format, *reads)
    if len(raw) == 0:
        return 0.0
    got = table.out_format.to_float(table.lookup(raw))
    xs = table.in_format.to_float(raw)
    with np.errstate(all="ignore"):
        err = np.fmin(np.abs(got - _evaluate(func, xs)),
                      np.abs(got - _evaluate(func, np.clip(xs, *real))))
    finite = np.isfinite(err)
    return float(np.max(err[finite])) if finite.any() else 0.0


def _evaluate(func: Callable[[Any], Any], xs: np.ndarray) -> np.ndarray:
    with np.errstate(all="ignore"):
        try:
            out = func(xs)
            if isinstance(out, np.ndarray) and out.shape == xs.shape:
                return out.astype(np.float64)
        except (TypeError, ValueError):
            pass  # a scalar function
    values = []
    for x in xs:
        try:
            values.append(func(float(x)))
        except (ValueError, ZeroDivisionError, OverflowError):
            values.append(math.nan)
    return np.array(values, dtype=np.float64)


def lipschitz(func: Callable[[Any], Any], lo: float, hi: float, samples: int = 4097) -> float:
    """An estimate of max |f'| on ``[lo, hi]`` from finite differences (with a 10% margin)."""
    if hi <= lo:  # one point: the slope there, from a central difference
        h = max(abs(lo), 1.0) * 2.0**-20
        ys = _evaluate(func, np.array([lo - h, lo + h]))
        slope = abs(float(ys[1] - ys[0])) / (2 * h)
        return slope * 1.1 if math.isfinite(slope) else math.inf
    xs = np.linspace(lo, hi, samples)
    ys = _evaluate(func, xs)
    slopes = np.abs(np.diff(ys)) / np.diff(xs)
    return float(np.max(slopes)) * 1.1 if len(slopes) else 0.0
