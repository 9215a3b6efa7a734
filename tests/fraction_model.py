"""An independent model of ap_fixed arithmetic in exact rationals, for the tests.

Written from the Vivado HLS documentation of ``ap_fixed`` (UG1399, "Arbitrary Precision Fixed-Point
Data Types": quantization and overflow modes) and, where the documentation is silent (AP_SAT_SYM at
the most negative value), from the ap_types headers' behaviour, not from ``symc/fixed.py``:
values are Fractions,
quantization is stated as rounding of a rational, overflow as arithmetic on the integer count of
LSBs. The tests compare symc's emulator against it.
"""

from __future__ import annotations

import math
from fractions import Fraction


def quantize(value: Fraction, width: int, int_bits: int, signed: bool = True,
             quant: str = "AP_TRN", overflow: str = "AP_WRAP") -> Fraction:
    """``value`` converted to ``ap_[u]fixed<width, int_bits, quant, overflow>``."""
    lsb = Fraction(2) ** (int_bits - width)
    steps = value / lsb  # exact count of LSBs, a rational
    down, up = math.floor(steps), math.ceil(steps)
    exact = down == up
    half = steps - down == Fraction(1, 2)
    nearest = down if steps - down < Fraction(1, 2) else up
    if quant == "AP_TRN":
        n = down
    elif quant == "AP_TRN_ZERO":
        n = down if value >= 0 else up
    elif exact or not half:
        n = nearest if quant != "AP_TRN" else down
    elif quant == "AP_RND":
        n = up
    elif quant == "AP_RND_ZERO":
        n = down if value > 0 else up
    elif quant == "AP_RND_INF":
        n = up if value > 0 else down
    elif quant == "AP_RND_MIN_INF":
        n = down
    elif quant == "AP_RND_CONV":
        n = down if down % 2 == 0 else up
    else:
        raise ValueError(quant)
    lo = -(2 ** (width - 1)) if signed else 0
    hi = 2 ** (width - 1) - 1 if signed else 2**width - 1
    if overflow == "AP_SAT_SYM" and signed and width > 1 and n <= lo:
        # Symmetric saturation never yields the most negative value, even an in-range one
        # (ap_fixed_base.h, overflow_adjust: V = min | 1).
        return -hi * lsb
    if lo <= n <= hi:
        return n * lsb
    if overflow == "AP_WRAP":
        n = (n - lo) % (2**width) + lo
    elif overflow == "AP_SAT":
        n = hi if n > hi else lo
    elif overflow == "AP_SAT_ZERO":
        n = 0
    elif overflow == "AP_SAT_SYM":
        n = hi if n > hi else (-hi if signed and width > 1 else lo)
    else:
        raise ValueError(overflow)
    return n * lsb
