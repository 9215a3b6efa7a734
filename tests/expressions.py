"""Random arithmetic expressions for property tests, and exact rational evaluation of them.

``exact_value`` evaluates a sympy expression with Fractions, as the C++ that sympy's printer
writes for it computes (what hls4ml compiles): constants are quantized by a caller-supplied
function (the ap_fixed model, or not at all); a number alone in a sum keeps its sign
(``x - 0.5`` adds the constant -0.5) while a negative coefficient is a minus sign and a
magnitude (``x - 0.3*y`` subtracts 0.3*y, ``-2.5*x`` is ``-(2.5*x)``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from fractions import Fraction

import numpy as np
import sympy
from hypothesis import strategies as st

INPUTS = ("x0", "x1", "x2")
SYMBOLS = {name: sympy.Symbol(name) for name in INPUTS}

RANGES = {"x0": (-4.0, 4.0), "x1": (-1.3, 2.1), "x2": (0.0, 3.0)}
"""Input ranges of the property tests. x1's bounds are on no binary grid: truncation alone
would push inputs out of range."""


def corners_and_uniform(n: int, seed: int,
                        ranges: Mapping[str, tuple[float, float]] = RANGES) -> np.ndarray:
    """Every corner of ``ranges`` (columns in their order), then uniform points; ``n`` rows."""
    lo = np.array([r[0] for r in ranges.values()])
    hi = np.array([r[1] for r in ranges.values()])
    dims = len(lo)
    corners = np.array([[hi[i] if (c >> i) & 1 else lo[i] for i in range(dims)]
                        for c in range(1 << dims)])
    uniform = np.random.default_rng(seed).uniform(lo, hi, size=(n - len(corners), dims))
    return np.vstack([corners, uniform])

# Constants that are neither 0 nor +-1, so that real-valued identities (x*1 -> x) cannot change
# what an ap_fixed model would compute with a constant that does not fit its format.
constants = st.sampled_from(
    [0.5, 0.75, 1.5, 2.0, 0.3, 0.59867656, 2.25, 0.125, 1.7, 0.0625, 2.9, 0.41071504]
).flatmap(lambda c: st.sampled_from([c, -c]))


def _leaf() -> st.SearchStrategy[sympy.Expr]:
    return st.one_of(
        st.sampled_from([SYMBOLS[n] for n in INPUTS]),
        constants.map(sympy.Float),
    )


def _extend(children: st.SearchStrategy[sympy.Expr]) -> st.SearchStrategy[sympy.Expr]:
    return st.one_of(
        st.tuples(children, children).map(lambda t: t[0] + t[1]),
        st.tuples(children, children).map(lambda t: t[0] - t[1]),
        st.tuples(children, children).map(lambda t: t[0] * t[1]),
        children.map(lambda a: -a),
        children.map(sympy.Abs),
        st.tuples(children, children).map(lambda t: sympy.Min(*t)),
        st.tuples(children, children).map(lambda t: sympy.Max(*t)),
        st.tuples(children, st.integers(2, 3)).map(lambda t: t[0] ** t[1]),
    )


def _has_symbol(expr: sympy.Expr) -> bool:
    return bool(expr.free_symbols)


expressions = st.recursive(_leaf(), _extend, max_leaves=6).filter(_has_symbol)


def exact_value(expr: sympy.Expr, env: dict[str, Fraction],
                const: Callable[[float], Fraction]) -> Fraction:
    """The value of ``expr`` in exact rationals, constants passed through ``const``."""

    def ev(e: sympy.Expr) -> Fraction:
        if isinstance(e, sympy.Symbol):
            return env[e.name]
        if e.is_Number:
            return const(float(e))
        if isinstance(e, sympy.Add):
            # As C++ prints a sum: numbers keep their sign, negative coefficients subtract.
            total = Fraction(0)
            for term in e.args:
                coeff, rest = term.as_coeff_Mul()
                if term.is_Number:
                    total += ev(term)
                elif coeff.is_Number and coeff < 0:
                    total -= ev(-coeff * rest)
                else:
                    total += ev(term)
            return total
        if isinstance(e, sympy.Mul):
            coeff, rest = e.as_coeff_Mul()
            if coeff.is_Number and coeff < 0:
                return -ev(-coeff * rest)
            out = Fraction(1)
            for factor in e.args:
                out *= ev(factor)
            return out
        if isinstance(e, sympy.Pow):
            return ev(e.args[0]) ** int(e.args[1])
        if isinstance(e, sympy.Abs):
            return abs(ev(e.args[0]))
        if isinstance(e, sympy.Min):
            return min(ev(a) for a in e.args)
        if isinstance(e, sympy.Max):
            return max(ev(a) for a in e.args)
        raise TypeError(f"unexpected {e!r}")

    return ev(expr)
