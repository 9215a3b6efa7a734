"""Exact integers wider than int64, as fixed-size arrays of 32-bit limbs in numpy.

The emulator keeps every value whose format is at most 62 bits wide in an int64 array; the
wider ones (exact products of many factors, wide casts) are :class:`WideArray` values: ``L``
limbs of 32 bits per sample, two's complement over ``32 * L`` bits, one uint64 row per limb
(``limbs[k]`` holds bits ``32k .. 32k+31``). Every operation is vectorized over the samples and
loops only over the limbs, so a 128-bit product costs a few dozen numpy calls, whatever the
number of samples. Arithmetic is modulo ``2**(32 * L)``: the caller picks ``L`` large enough
for the exact result (the emulator does, from the formats), so nothing wraps.
"""

from __future__ import annotations

from typing import Any

import numpy as np

LIMB = 32
MASK = np.uint64((1 << LIMB) - 1)
_TOP = np.uint64(LIMB - 1)
_SHIFT = np.uint64(LIMB)


def limbs_for(bits: int) -> int:
    """Limbs holding a signed ``bits``-bit value."""
    return max(1, -(-bits // LIMB))


class WideArray:
    """``n`` signed integers of ``32 * L`` bits; ``limbs`` has shape ``(L, n)``, dtype uint64,
    each entry in ``[0, 2**32)``."""

    __slots__ = ("limbs",)

    def __init__(self, limbs: np.ndarray):
        self.limbs = limbs

    # --- conversions ----------------------------------------------------------------------

    @classmethod
    def from_int64(cls, values: np.ndarray, n_limbs: int) -> WideArray:
        a = np.asarray(values, dtype=np.int64)
        bits = a.view(np.uint64)
        out = np.empty((n_limbs, a.size), dtype=np.uint64)
        out[0] = bits & MASK
        if n_limbs > 1:
            out[1] = bits >> _SHIFT
        if n_limbs > 2:
            out[2:] = np.where(a < 0, MASK, np.uint64(0))
        return cls(out)

    @classmethod
    def from_int(cls, value: int, n_limbs: int, n: int) -> WideArray:
        """One Python integer, repeated for ``n`` samples."""
        bits = value % (1 << (LIMB * n_limbs))
        column = np.array([(bits >> (LIMB * k)) & int(MASK) for k in range(n_limbs)],
                          dtype=np.uint64)
        return cls(np.repeat(column[:, None], n, axis=1))

    @classmethod
    def from_objects(cls, values: np.ndarray, n_limbs: int) -> WideArray:
        """Python integers (an object array), for inputs wider than int64."""
        obj = np.asarray(values, dtype=object) % (1 << (LIMB * n_limbs))
        rows = [((obj >> (LIMB * k)) & int(MASK)).astype(np.uint64) for k in range(n_limbs)]
        return cls(np.stack(rows) if rows else np.zeros((0, obj.size), dtype=np.uint64))

    @classmethod
    def of(cls, value: Any, n_limbs: int, n: int) -> WideArray:
        """Any raw value the emulator holds (a WideArray, an int64 array, a Python int),
        at ``n_limbs`` limbs."""
        if isinstance(value, WideArray):
            return value.resized(n_limbs)
        if isinstance(value, np.ndarray):
            if value.dtype == object:
                return cls.from_objects(value, n_limbs)
            return cls.from_int64(value, n_limbs)
        return cls.from_int(int(value), n_limbs, n)

    def to_int64(self) -> np.ndarray:
        """The low 64 bits as int64: the value itself when it fits."""
        low = self.limbs[0].copy()
        high = self.limbs[1] if len(self.limbs) > 1 else self._fill()
        low |= high << _SHIFT
        return low.view(np.int64)

    def to_objects(self) -> np.ndarray:
        """The values as Python integers (an object array)."""
        total = np.zeros(self.n, dtype=object)
        for k, row in enumerate(self.limbs):
            total = total + (row.astype(object) << (LIMB * k))
        span = 1 << (LIMB * len(self.limbs))
        return np.where(self.negative(), total - span, total)

    @property
    def n(self) -> int:
        return self.limbs.shape[1]

    def __len__(self) -> int:
        return self.n

    # --- shape -----------------------------------------------------------------------------

    def _fill(self) -> np.ndarray:
        return np.where(self.negative(), MASK, np.uint64(0))

    def resized(self, n_limbs: int) -> WideArray:
        """Sign-extended to ``n_limbs`` (or wrapped, when fewer)."""
        have = len(self.limbs)
        if n_limbs == have:
            return self
        if n_limbs < have:
            return WideArray(self.limbs[:n_limbs])
        out = np.empty((n_limbs, self.n), dtype=np.uint64)
        out[:have] = self.limbs
        out[have:] = self._fill()
        return WideArray(out)

    def negative(self) -> np.ndarray:
        return (self.limbs[-1] >> _TOP).astype(bool)

    # --- arithmetic ------------------------------------------------------------------------

    def _sum(self, other: WideArray, invert: bool) -> WideArray:
        carry = np.full(self.n, 1 if invert else 0, dtype=np.uint64)
        out = np.empty_like(self.limbs)
        for k in range(len(self.limbs)):
            b = (~other.limbs[k] & MASK) if invert else other.limbs[k]
            s = self.limbs[k] + b + carry
            out[k] = s & MASK
            carry = s >> _SHIFT
        return WideArray(out)

    def add(self, other: WideArray) -> WideArray:
        return self._sum(other, invert=False)

    def sub(self, other: WideArray) -> WideArray:
        return self._sum(other, invert=True)

    def neg(self) -> WideArray:
        zero = WideArray(np.zeros_like(self.limbs))
        return zero.sub(self)

    def add_bits(self, increment: np.ndarray) -> WideArray:
        """Plus 0 or 1 per sample (a rounding increment)."""
        carry = np.asarray(increment, dtype=np.uint64)
        out = np.empty_like(self.limbs)
        for k in range(len(self.limbs)):
            s = self.limbs[k] + carry
            out[k] = s & MASK
            carry = s >> _SHIFT
        return WideArray(out)

    def mul(self, other: WideArray, n_limbs: int) -> WideArray:
        """The product at ``n_limbs`` limbs: magnitudes multiplied limb by limb (each partial
        product is exact in uint64), the columns summed, the carries propagated, the sign
        applied."""
        neg_a, neg_b = self.negative(), other.negative()
        a = WideArray.select(neg_a, self.neg(), self).limbs
        b = WideArray.select(neg_b, other.neg(), other).limbs
        cols = np.zeros((n_limbs + 1, self.n), dtype=np.uint64)
        for i in range(min(len(a), n_limbs)):
            for j in range(min(len(b), n_limbs - i)):
                p = a[i] * b[j]
                cols[i + j] += p & MASK
                cols[i + j + 1] += p >> _SHIFT
        out = np.empty((n_limbs, self.n), dtype=np.uint64)
        carry = np.zeros(self.n, dtype=np.uint64)
        for k in range(n_limbs):
            s = cols[k] + carry
            out[k] = s & MASK
            carry = s >> _SHIFT
        magnitude = WideArray(out)
        return WideArray.select(neg_a ^ neg_b, magnitude.neg(), magnitude)

    def shl(self, bits: int) -> WideArray:
        """Times ``2**bits`` (the width stays)."""
        if bits == 0:
            return self
        q, r = divmod(bits, LIMB)
        n_limbs = len(self.limbs)
        out = np.zeros_like(self.limbs)
        for k in range(q, n_limbs):
            row = (self.limbs[k - q] << np.uint64(r)) & MASK
            if r and k - q - 1 >= 0:
                row |= self.limbs[k - q - 1] >> np.uint64(LIMB - r)
            out[k] = row
        return WideArray(out)

    def sar(self, bits: int) -> WideArray:
        """``floor(x / 2**bits)``."""
        if bits == 0:
            return self
        q, r = divmod(bits, LIMB)
        n_limbs = len(self.limbs)
        fill = self._fill()

        def limb(k: int) -> np.ndarray:
            return self.limbs[k] if k < n_limbs else fill

        out = np.empty_like(self.limbs)
        for k in range(n_limbs):
            row = limb(k + q) >> np.uint64(r)
            if r:
                row |= (limb(k + q + 1) << np.uint64(LIMB - r)) & MASK
            out[k] = row
        return WideArray(out)

    def bit(self, k: int) -> np.ndarray:
        """Bit ``k`` (two's complement), as bool."""
        q, r = divmod(k, LIMB)
        row = self.limbs[q] if q < len(self.limbs) else self._fill()
        return ((row >> np.uint64(r)) & np.uint64(1)).astype(bool)

    def any_below(self, k: int) -> np.ndarray:
        """Whether any of bits ``0 .. k-1`` is set."""
        q, r = divmod(k, LIMB)
        found = np.zeros(self.n, dtype=bool)
        for i in range(min(q, len(self.limbs))):
            found |= self.limbs[i] != 0
        if r and q < len(self.limbs):
            found |= (self.limbs[q] & np.uint64((1 << r) - 1)) != 0
        return found

    def wrap(self, width: int, signed: bool) -> WideArray:
        """The low ``width`` bits, sign- or zero-extended: ``ap_fixed``'s wrap (the value
        must have a limb more than ``width`` needs)."""
        assert LIMB * len(self.limbs) > width
        out = self.limbs.copy()
        q, r = divmod(width, LIMB)
        if q < len(out):
            if r:
                out[q] &= np.uint64((1 << r) - 1)
                out[q + 1:] = 0
            else:
                out[q:] = 0
        kept = WideArray(out)
        if not signed:
            return kept
        high = kept.bit(width - 1)
        span = WideArray.from_int(1 << width, len(out), self.n)
        return WideArray.select(high, kept.sub(span), kept)

    # --- comparison and selection ------------------------------------------------------------

    def less(self, other: WideArray) -> np.ndarray:
        """``self < other``; both must hold their difference (one spare bit)."""
        return self.sub(other).negative()

    @staticmethod
    def select(cond: np.ndarray, a: WideArray, b: WideArray) -> WideArray:
        """``a`` where ``cond``, else ``b`` (both at the same number of limbs)."""
        return WideArray(np.where(cond, a.limbs, b.limbs))

    def abs(self) -> WideArray:
        return WideArray.select(self.negative(), self.neg(), self)

    def minimum(self, other: WideArray) -> WideArray:
        return WideArray.select(self.less(other), self, other)

    def maximum(self, other: WideArray) -> WideArray:
        return WideArray.select(self.less(other), other, self)
