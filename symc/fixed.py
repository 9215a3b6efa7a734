"""Fixed-point semantics: the one definition every stage of symc calls.

A fixed-point value is a mathematical integer ``raw`` scaled by ``2**-frac_bits``. Its format
(:class:`FixedFormat`) is ``ap_fixed<W, I>`` or ``ap_ufixed<W, I>`` exactly as in Vivado/Vitis HLS:
``W`` bits in all, ``I`` of them above the binary point (the sign bit included when signed), so
``frac_bits = W - I`` (which may be negative, as may ``I``). The bit pattern in hardware is
``raw mod 2**W``; everywhere in Python (emulator, legalization) ``raw`` is the signed integer.

This module owns:

* the formats and their parsing (``"ap_fixed<16,6,AP_RND,AP_SAT>"``),
* the result format of every exact operation (:func:`result_format`, table below),
* quantization (:class:`Quant`) and overflow (:class:`Overflow`) when a value is cast to a
  narrower format (:func:`cast_raw`, :func:`quantize_real`).

The legalization pass, the hw lowering, the emulator and the HLS printer all call it; none of
them re-derives a width.

Result formats of the exact operations, with ``F = W - I`` and ``S`` the signedness; ``I1'`` is
``I1 + 1`` when operand 1 is unsigned and operand 2 signed (room for the sign), else ``I1``
(these are ap_fixed's promotion rules, ``ap_fixed_base::RType``):

============  ==========================  ======================  ============
op            integer bits ``I``          fractional bits ``F``   signed
============  ==========================  ======================  ============
add           ``max(I1', I2') + 1``       ``max(F1, F2)``         ``S1 or S2``
sub           ``max(I1', I2') + 1``       ``max(F1, F2)``         true
mul           ``I1 + I2``                 ``F1 + F2``             ``S1 or S2``
neg           ``I + 1``                   ``F``                   true
abs           ``I + 1``                   ``F``                   true
min, max      ``max(I1', I2')``           ``max(F1, F2)``         ``S1 or S2``
============  ==========================  ======================  ============

``neg`` is ap_fixed's unary minus (``ap_fixed<W+1, I+1>``); ``abs`` takes the same format so that
``abs(-2**(I-1))`` stays exact. ``min``/``max`` have no promotion in ap_fixed (they are written
with a comparison and a select there); symc gives them the smallest format holding both operands,
so they too are exact.
"""

from __future__ import annotations

import enum
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from symc.frontend.errors import SymcError

MAX_WIDTH = 1024
"""Widest value symc builds (ap_fixed's own limit, ``AP_INT_MAX_W``, defaults to 1024)."""

DEFAULT_MAX_ERROR = 2.0**-10
"""``precision="auto"``: the absolute error budget per output when none is given."""


class Quant(enum.StrEnum):
    """Quantization modes: what happens to the bits dropped below the new LSB."""

    AP_TRN = "AP_TRN"  # toward minus infinity (drop the bits)
    AP_TRN_ZERO = "AP_TRN_ZERO"  # toward zero
    AP_RND = "AP_RND"  # to nearest, ties toward plus infinity
    AP_RND_ZERO = "AP_RND_ZERO"  # to nearest, ties toward zero
    AP_RND_INF = "AP_RND_INF"  # to nearest, ties away from zero
    AP_RND_MIN_INF = "AP_RND_MIN_INF"  # to nearest, ties toward minus infinity
    AP_RND_CONV = "AP_RND_CONV"  # to nearest, ties to even


class Overflow(enum.StrEnum):
    """Overflow modes: what happens when the value does not fit the new integer bits."""

    AP_WRAP = "AP_WRAP"  # keep the low W bits
    AP_SAT = "AP_SAT"  # clamp to the most negative / most positive value
    AP_SAT_ZERO = "AP_SAT_ZERO"  # an overflowing value becomes zero
    AP_SAT_SYM = "AP_SAT_SYM"  # clamp to [-max, max]: never the most negative value


class Tie(enum.Enum):
    """When a rounding mode adds one LSB to a value lying exactly half-way."""

    ALWAYS = "always"
    NEVER = "never"
    IF_NEGATIVE = "if negative"
    IF_NONNEGATIVE = "if non-negative"
    IF_ODD = "if the kept LSB is 1"


TIE_RULE: dict[Quant, Tie] = {
    Quant.AP_RND: Tie.ALWAYS,
    Quant.AP_RND_ZERO: Tie.IF_NEGATIVE,
    Quant.AP_RND_INF: Tie.IF_NONNEGATIVE,
    Quant.AP_RND_MIN_INF: Tie.NEVER,
    Quant.AP_RND_CONV: Tie.IF_ODD,
}
"""The rounding modes as one table. With ``kept = raw >> s`` and ``rest = raw - (kept << s)``
(``s`` dropped bits, ``0 <= rest < 2**s``), a rounding mode adds one to ``kept`` when
``rest > 2**(s-1)``, or when ``rest == 2**(s-1)`` and its tie rule holds. ``AP_TRN`` never adds;
``AP_TRN_ZERO`` adds when the value is negative and ``rest != 0``. The emulator and the hw
lowering both read this table."""


@dataclass(frozen=True, order=True)
class FixedFormat:
    """``ap_fixed<width, int_bits>`` (``signed``) or ``ap_ufixed<width, int_bits>``."""

    width: int
    int_bits: int
    signed: bool = True

    def __post_init__(self) -> None:
        if not 1 <= self.width <= MAX_WIDTH:
            raise SymcError(f"fixed-point width {self.width} is outside 1..{MAX_WIDTH}")
        if abs(self.int_bits) > 4 * MAX_WIDTH:
            raise SymcError(f"fixed-point integer bits {self.int_bits} are out of range")

    @property
    def frac_bits(self) -> int:
        return self.width - self.int_bits

    @property
    def min_raw(self) -> int:
        return -(1 << (self.width - 1)) if self.signed else 0

    @property
    def max_raw(self) -> int:
        return (1 << (self.width - 1)) - 1 if self.signed else (1 << self.width) - 1

    @property
    def lsb(self) -> float:
        """The value of one LSB, ``2**-frac_bits``."""
        return math.ldexp(1.0, -self.frac_bits)

    @property
    def min_value(self) -> float:
        return math.ldexp(self.min_raw, -self.frac_bits)

    @property
    def max_value(self) -> float:
        return math.ldexp(self.max_raw, -self.frac_bits)

    def __str__(self) -> str:
        kind = "ap_fixed" if self.signed else "ap_ufixed"
        return f"{kind}<{self.width},{self.int_bits}>"

    def to_float(self, raw: Any) -> Any:
        """Values of raw integers (scalars or arrays, any integer dtype) as float64."""
        if isinstance(raw, np.ndarray):
            if raw.dtype == object:
                return np.array([math.ldexp(int(r), -self.frac_bits) for r in raw.ravel()],
                                dtype=np.float64).reshape(raw.shape)
            return np.ldexp(raw.astype(np.float64), -self.frac_bits)
        return math.ldexp(int(raw), -self.frac_bits)

    def contains_raw(self, raw: int) -> bool:
        return self.min_raw <= raw <= self.max_raw

    def to_bits(self, raw: int) -> int:
        """The ``width``-bit pattern of a raw value (what a port carries)."""
        return int(raw) % (1 << self.width)

    def from_bits(self, bits: int) -> int:
        """The raw value a ``width``-bit pattern stands for (two's complement when signed)."""
        bits = int(bits) & ((1 << self.width) - 1)
        return bits - (1 << self.width) if self.signed and bits >> (self.width - 1) else bits


@dataclass(frozen=True)
class Precision:
    """A format together with the modes used when a value is quantized into it."""

    format: FixedFormat
    quant: Quant = Quant.AP_TRN
    overflow: Overflow = Overflow.AP_WRAP

    def __str__(self) -> str:
        f = self.format
        kind = "ap_fixed" if f.signed else "ap_ufixed"
        if self.quant == Quant.AP_TRN and self.overflow == Overflow.AP_WRAP:
            return f"{kind}<{f.width},{f.int_bits}>"
        return f"{kind}<{f.width},{f.int_bits},{self.quant},{self.overflow}>"


_PRECISION_RE = re.compile(r"^\s*(ap_fixed|ap_ufixed|ap_int|ap_uint)\s*<([^<>]*)>\s*$")


def parse_precision(text: str) -> Precision:
    """Parse ``ap_fixed<W,I[,Q[,O[,N]]]>``, ``ap_ufixed<...>``, ``ap_int<W>``, ``ap_uint<W>``."""
    match = _PRECISION_RE.match(text)
    if match is None:
        raise SymcError(
            f"invalid precision {text!r}: expected 'auto', 'ap_fixed<W,I>', 'ap_ufixed<W,I>', "
            "'ap_fixed<W,I,QUANT,OVERFLOW>', 'ap_int<W>' or 'ap_uint<W>'"
        )
    kind, args_text = match.groups()
    args = [a.strip() for a in args_text.split(",")]
    n_ints = 1 if kind in ("ap_int", "ap_uint") else 2
    if len(args) < n_ints or (n_ints == 1 and len(args) > 1) or len(args) > 5:
        raise SymcError(f"invalid precision {text!r}: wrong number of parameters for {kind}")
    try:
        ints = [int(a) for a in args[:n_ints]]
    except ValueError:
        raise SymcError(
            f"invalid precision {text!r}: width and integer bits must be integers"
        ) from None
    width = ints[0]
    int_bits = ints[1] if n_ints == 2 else width
    if not 1 <= width <= MAX_WIDTH:
        raise SymcError(f"invalid precision {text!r}: width must be within 1..{MAX_WIDTH}")
    if abs(int_bits) > MAX_WIDTH:
        raise SymcError(f"invalid precision {text!r}: integer bits out of range")
    quant, overflow = Quant.AP_TRN, Overflow.AP_WRAP
    if len(args) >= 3:
        if args[2] not in Quant.__members__:
            raise SymcError(
                f"invalid precision {text!r}: unknown quantization mode {args[2]!r}; "
                f"supported: {', '.join(Quant.__members__)}"
            )
        quant = Quant(args[2])
    if len(args) >= 4:
        if args[3] not in Overflow.__members__:
            raise SymcError(
                f"invalid precision {text!r}: unknown overflow mode {args[3]!r}; "
                f"supported: {', '.join(Overflow.__members__)}"
            )
        overflow = Overflow(args[3])
    if len(args) == 5 and args[4] != "0":
        raise SymcError(
            f"invalid precision {text!r}: saturation bits other than 0 are not supported"
        )
    signed = kind in ("ap_fixed", "ap_int")
    return Precision(FixedFormat(width, int_bits, signed), quant, overflow)


# --- result formats of exact operations -------------------------------------------------


def _promoted_int_bits(a: FixedFormat, b: FixedFormat) -> int:
    return max(a.int_bits + (b.signed and not a.signed), b.int_bits + (a.signed and not b.signed))


def _make(int_bits: int, frac_bits: int, signed: bool) -> FixedFormat:
    width = int_bits + frac_bits
    if width > MAX_WIDTH:
        raise SymcError(
            f"a value needs {width} bits, more than the supported {MAX_WIDTH}; "
            "lower the precision or the powers in the expression"
        )
    if width < 1:
        # A format with no bits at all can only hold zero; keep one bit so it is a real value.
        return FixedFormat(1, 1 - frac_bits, signed)
    return FixedFormat(width, int_bits, signed)


def wrapped_format(fmt: FixedFormat, int_bits: int) -> FixedFormat:
    """``fmt`` with only ``int_bits`` integer bits: what an ``AP_WRAP`` cast to them keeps of
    a value (at least one bit wide)."""
    return _make(int_bits, fmt.frac_bits, fmt.signed)


def add_format(a: FixedFormat, b: FixedFormat) -> FixedFormat:
    return _make(_promoted_int_bits(a, b) + 1, max(a.frac_bits, b.frac_bits), a.signed or b.signed)


def sub_format(a: FixedFormat, b: FixedFormat) -> FixedFormat:
    return _make(_promoted_int_bits(a, b) + 1, max(a.frac_bits, b.frac_bits), True)


def mul_format(a: FixedFormat, b: FixedFormat) -> FixedFormat:
    return _make(a.int_bits + b.int_bits, a.frac_bits + b.frac_bits, a.signed or b.signed)


def neg_format(a: FixedFormat) -> FixedFormat:
    return _make(a.int_bits + 1, a.frac_bits, True)


def minmax_format(a: FixedFormat, b: FixedFormat) -> FixedFormat:
    return _make(_promoted_int_bits(a, b), max(a.frac_bits, b.frac_bits), a.signed or b.signed)


RESULT_FORMAT = {
    "add": add_format,
    "sub": sub_format,
    "mul": mul_format,
    "neg": neg_format,
    "abs": neg_format,
    "min": minmax_format,
    "max": minmax_format,
}
"""Result-format rule of every exact operation, by the op's short name (see the table above)."""


def result_format(kind: str, *operands: FixedFormat) -> FixedFormat:
    return RESULT_FORMAT[kind](*operands)


def common_format(a: FixedFormat, b: FixedFormat) -> FixedFormat:
    """The smallest format holding every value of both ``a`` and ``b`` (used to align)."""
    return minmax_format(a, b)


def format_for_raw_range(lo_raw: int, hi_raw: int, frac_bits: int,
                         signed: bool | None = None) -> FixedFormat:
    """The narrowest format with ``frac_bits`` fractional bits holding raw ``lo_raw..hi_raw``:
    signed when ``lo_raw < 0``, or of the kind ``signed`` says (which must hold the range)."""
    if signed is None:
        signed = lo_raw < 0
    width = 1
    if signed:
        while not (-(1 << (width - 1)) <= lo_raw and hi_raw <= (1 << (width - 1)) - 1):
            width += 1
            if width > MAX_WIDTH:
                break
    else:
        width = max(1, int(hi_raw).bit_length())
    return _make(width - frac_bits, frac_bits, signed)


# --- quantization and overflow ------------------------------------------------------------


def _tie_holds(tie: Tie, negative: Any, kept: Any) -> Any:
    if tie is Tie.ALWAYS:
        return True
    if tie is Tie.NEVER:
        return False
    if tie is Tie.IF_NEGATIVE:
        return negative
    if tie is Tie.IF_NONNEGATIVE:
        return ~negative if isinstance(negative, np.ndarray) else not negative
    return (kept & 1) == 1


def round_raw(raw: Any, dropped: int, quant: Quant) -> Any:
    """Drop ``dropped`` LSBs of ``raw`` (ints or integer arrays) under ``quant``; exact."""
    if dropped <= 0:
        return raw << -dropped if dropped < 0 else raw
    kept = raw >> dropped
    if quant == Quant.AP_TRN:
        return kept
    rest = raw - (kept << dropped)
    negative = raw < 0
    if quant == Quant.AP_TRN_ZERO:
        return kept + (negative & (rest != 0))
    half = 1 << (dropped - 1)
    tie = _tie_holds(TIE_RULE[quant], negative, kept)
    return kept + ((rest > half) | ((rest == half) & tie))


def overflow_raw(raw: Any, fmt: FixedFormat, overflow: Overflow) -> Any:
    """Bring exact raw integers (at ``fmt``'s scale) into ``fmt``'s range under ``overflow``."""
    lo, hi = fmt.min_raw, fmt.max_raw
    if overflow == Overflow.AP_WRAP:
        span = 1 << fmt.width
        if isinstance(raw, np.ndarray) and raw.dtype != object:
            if fmt.width >= 62:
                raw = raw.astype(object)  # the modulus does not fit an int64: exact integers
            else:
                return ((raw - lo) & (span - 1)) + lo  # the same as % for a power of two
        return ((raw - lo) % span) + lo
    if overflow == Overflow.AP_SAT:
        return _select(raw > hi, hi, _select(raw < lo, lo, raw))
    if overflow == Overflow.AP_SAT_ZERO:
        return _select((raw > hi) | (raw < lo), 0, raw)
    # AP_SAT_SYM, as the ap_types headers implement it: a signed result is clamped to
    # [-max, max], so even an in-range most negative value becomes -max; at one bit (where
    # -max is 0) and when unsigned it is AP_SAT.
    if fmt.signed and fmt.width > 1:
        return _select(raw > hi, hi, _select(raw <= lo, -hi, raw))
    return _select(raw > hi, hi, _select(raw < lo, lo, raw))


def _select(cond: Any, a: Any, b: Any) -> Any:
    if isinstance(cond, np.ndarray):
        out = np.where(cond, a, b)
        return out.astype(b.dtype) if isinstance(b, np.ndarray) else out
    return a if cond else b


def cast_overflows(src: FixedFormat, dst: FixedFormat, overflow: Overflow) -> bool:
    """Whether converting some value of ``src`` to ``dst`` (any rounding: at most one LSB up)
    can take the overflow branch; ``AP_SAT_SYM`` also moves an in-range most negative value."""
    dropped = src.frac_bits - dst.frac_bits
    if dropped > 0:
        low, high = src.min_raw >> dropped, (src.max_raw >> dropped) + 1
    else:
        low, high = src.min_raw << -dropped, src.max_raw << -dropped
    floor = dst.min_raw + (overflow == Overflow.AP_SAT_SYM and dst.signed and dst.width > 1)
    return not (floor <= low and high <= dst.max_raw)


def cast_raw(raw: Any, src: FixedFormat, dst: FixedFormat,
             quant: Quant = Quant.AP_TRN, overflow: Overflow = Overflow.AP_WRAP) -> Any:
    """Convert raw values of format ``src`` to format ``dst``, as ap_fixed's conversion does."""
    rounded = round_raw(raw, src.frac_bits - dst.frac_bits, quant)
    return overflow_raw(rounded, dst, overflow)


def _floor_scaled(x: np.ndarray, scaled: np.ndarray) -> np.ndarray:
    """``floor(x * 2**F)`` from ``scaled = ldexp(x, F)``: exact, except that with ``F < 0`` a
    tiny negative ``x`` can underflow to -0.0, whose floor is -1, not 0."""
    floor = np.floor(scaled)
    return np.where((scaled == 0) & (x < 0), -1.0, floor)


def quantize_real(x: Any, precision: Precision) -> Any:
    """Quantize float64 values (scalar or array) to raw integers of ``precision.format``.

    Exact: ``x * 2**F`` is computed by ``ldexp`` (no rounding), then the mode decides on the
    exact fractional part. Returns an int64 array when the format is at most 62 bits wide, else
    an object array of Python ints. NaN or infinite values raise :class:`SymcError`.
    """
    fmt = precision.format
    arr = np.asarray(x, dtype=np.float64)
    if not np.all(np.isfinite(arr)):
        raise SymcError("cannot quantize NaN or infinite values to fixed point")
    with np.errstate(over="ignore"):
        scaled = np.ldexp(arr, fmt.frac_bits)
    # Beyond float64 (1e306 at 10 fractional bits) x is an integer, and so is x * 2**F: those
    # are computed in Python integers below, with no fraction.
    beyond = ~np.isfinite(scaled)
    scaled = np.where(beyond, 0.0, scaled)
    floor = _floor_scaled(arr, scaled)
    # ``floor`` holds an integer-valued float; the rounding decision reads only the exact
    # fraction ``scaled - floor`` (a float minus its floor is exact).
    wide = fmt.width > 62 or bool(np.any(np.abs(floor) >= 2.0**62)) or bool(beyond.any())
    if precision.quant == Quant.AP_TRN and not wide:
        return overflow_raw(floor.astype(np.int64), fmt, precision.overflow)
    frac = scaled - floor
    kept: Any = (np.array([int(a) << fmt.frac_bits if b else int(v) for a, b, v in
                           zip(arr.ravel(), beyond.ravel(), floor.ravel(), strict=True)],
                          dtype=object).reshape(floor.shape)
                 if wide else floor.astype(np.int64))
    negative = arr < 0
    q = precision.quant
    if q == Quant.AP_TRN:
        inc: Any = np.zeros(arr.shape, dtype=bool)
    elif q == Quant.AP_TRN_ZERO:
        inc = negative & (frac != 0)
    else:
        tie = _tie_holds(TIE_RULE[q], negative, kept)
        inc = (frac > 0.5) | ((frac == 0.5) & tie)
    rounded = kept + inc.astype(np.int64) if not wide else kept + inc.astype(object)
    if wide and fmt.width <= 62:
        # Huge inputs saturate or wrap; fold them back to int64 once they fit.
        out = overflow_raw(rounded, fmt, precision.overflow)
        return np.array([int(v) for v in out.ravel()], dtype=np.int64).reshape(out.shape)
    return overflow_raw(rounded, fmt, precision.overflow)


def quantize_rows(x: np.ndarray, formats: Sequence[FixedFormat], quant: Quant,
                  overflow: Overflow, first_row: int = 0) -> list[np.ndarray]:
    """Quantize every column ``j`` of the float64 matrix ``x`` to ``formats[j]`` at once (one
    numpy pass per step over the whole matrix, not one per column); the raw columns, as
    :func:`quantize_real` gives them. NaN or infinite values raise :class:`SymcError` naming
    the first row (counted from ``first_row``) and column."""
    arr = np.asarray(x, dtype=np.float64)
    finite = np.isfinite(arr)
    if not finite.all():
        row, col = np.argwhere(~finite)[0]
        raise SymcError(f"X row {row + first_row}, column {col} is {arr[row, col]}: cannot "
                        "quantize NaN or infinite values to fixed point")
    frac = np.array([f.frac_bits for f in formats], dtype=np.int64)
    with np.errstate(over="ignore"):
        scaled = np.ldexp(arr, frac)
    floor = _floor_scaled(arr, scaled)
    fast = (all(f.width <= 62 for f in formats)
            and overflow in (Overflow.AP_SAT, Overflow.AP_WRAP)
            and bool(np.all(np.abs(floor) < 2.0**62)))
    if not fast:
        return [quantize_real(arr[:, j], Precision(f, quant, overflow))
                for j, f in enumerate(formats)]
    kept = floor.astype(np.int64)
    if quant == Quant.AP_TRN_ZERO:
        kept += (arr < 0) & (scaled != floor)
    elif quant != Quant.AP_TRN:
        rest = scaled - floor  # exact: a float minus its floor
        tie = _tie_holds(TIE_RULE[quant], arr < 0, kept)
        kept += (rest > 0.5) | ((rest == 0.5) & tie)
    lo = np.array([f.min_raw for f in formats], dtype=np.int64)
    hi = np.array([f.max_raw for f in formats], dtype=np.int64)
    if overflow == Overflow.AP_SAT:
        np.clip(kept, lo, hi, out=kept)
    else:
        mask = np.array([(1 << f.width) - 1 for f in formats], dtype=np.int64)
        kept = ((kept - lo) & mask) + lo
    return list(np.ascontiguousarray(kept.T))


def quantize_scalar(value: float, precision: Precision) -> int:
    """Quantize one float64 to a raw integer (constants)."""
    return int(quantize_real(np.array([value]), precision).ravel()[0])
