"""Constant multiplication as shifts and adds of canonical signed digits (CSD).

``convert-sym-to-hw`` uses this for a ``sym.mul`` whose ``mul_impl`` is ``"shift_add"``
(chosen by ``sym-schedule`` from the measured rule in the delay model: few nonzero digits, or
DSPs forbidden). ``x * c`` with ``c = sum(d_i * 2**s_i)``, ``d_i`` in {+1, -1} and no two adjacent
nonzero digits, becomes ``sum(d_i * (x << s_i))``: a balanced tree of adders and subtractors in
the product's width. The product's format holds the exact product, so computing modulo
``2**W`` all the way is exact (the same argument as the DSP form's full-width ``comb.mul``).
"""

from __future__ import annotations

from xdsl.ir import SSAValue

from symc.backends.hw_builder import HWBuilder
from symc.delays import csd_digits


def shift_add_product(
    b: HWBuilder, x: SSAValue, x_signed: bool, constant: int, width: int, name: str
) -> SSAValue:
    """``x * constant`` as a ``width``-bit integer built from shifted copies of ``x``."""
    digits = csd_digits(constant)
    if not digits:
        return b.constant(0, width)
    if len(digits) == 1 and digits[0][1] > 0:
        return b.resize(x, width, x_signed, name, shift=digits[0][0])  # a power of two
    terms: list[tuple[SSAValue, int]] = [
        (b.resize(x, width, x_signed, shift=shift), sign) for shift, sign in digits
    ]
    level = 0
    while len(terms) > 1:
        paired: list[tuple[SSAValue, int]] = []
        for i in range(0, len(terms) - 1, 2):
            last = len(terms) == 2 and terms[0][1] + terms[1][1] >= 0
            label = name if last else f"{name}_t{level}_{i // 2}"
            paired.append(_combine(b, terms[i], terms[i + 1], label))
        if len(terms) % 2:
            paired.append(terms[-1])
        terms = paired
        level += 1
    value, sign = terms[0]
    if sign < 0:  # every digit negative: negate the sum
        return b.sub(b.constant(0, width), value, name)
    return value


def _combine(
    b: HWBuilder, first: tuple[SSAValue, int], second: tuple[SSAValue, int], name: str
) -> tuple[SSAValue, int]:
    (x, sx), (y, sy) = first, second
    if sx == sy:
        return b.add(x, y, name), sx
    if sx > 0:
        return b.sub(x, y, name), 1
    return b.sub(y, x, name), 1
