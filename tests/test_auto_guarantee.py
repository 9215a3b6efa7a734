"""``precision="auto"``'s guarantee, checked against exact arithmetic.

``error_bound`` bounds the distance between a design's output and the real expression at the
*real* inputs (their quantization included), for every input in the declared ranges. Random
expressions mix inputs, float constants, constants float64 cannot hold (``1/3``, ``-2/7``),
functions of constants (``sin(1/3)``, ``sqrt(2)``, ``log(2)``, ``exp(1/2)``), tables of
subexpressions (``sin``, ``tanh``, ``exp`` of an input) and exact arithmetic, at random budgets.
The design's raw outputs are read exactly; the real value is computed by mpmath at 50 digits
from the float64 inputs themselves (exact rationals), on the range corners, points next to
them and uniform samples.
"""

from __future__ import annotations

import mpmath
import numpy as np
import pytest
import sympy
from expressions import INPUTS, RANGES, SYMBOLS
from expressions import _extend as arithmetic
from expressions import corners_and_uniform as sample
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import symc

EXACT_CONSTANTS = [
    sympy.Rational(1, 3), sympy.Rational(-2, 7), sympy.Rational(10, 3),
    sympy.sin(sympy.Rational(1, 3)), sympy.sqrt(2), sympy.log(2), sympy.exp(sympy.Rational(1, 2)),
    sympy.pi / 4,
]
FLOAT_CONSTANTS = [0.5, -0.75, 1.7, 0.59867656, -2.9, 0.41071504]


def _leaf() -> st.SearchStrategy[sympy.Expr]:
    return st.one_of(
        st.sampled_from([SYMBOLS[n] for n in INPUTS]),
        st.sampled_from(FLOAT_CONSTANTS).map(sympy.Float),
        st.sampled_from(EXACT_CONSTANTS),
        # exp of an input only: exp of a sum of products grows past any budget's reach.
        st.sampled_from([sympy.exp(SYMBOLS["x1"]), sympy.exp(-SYMBOLS["x2"])]),
    )


def _extend(children: st.SearchStrategy[sympy.Expr]) -> st.SearchStrategy[sympy.Expr]:
    # The arithmetic of the other property tests, and tables of subexpressions.
    return st.one_of(arithmetic(children), children.map(sympy.sin), children.map(sympy.tanh))


expressions = st.recursive(_leaf(), _extend, max_leaves=5).filter(lambda e: bool(e.free_symbols))


def _near_corners(seed: int) -> np.ndarray:
    """Points within a few ulps and a few LSBs of the range ends: where truncation and the
    clamp act."""
    rng = np.random.default_rng(seed)
    lo = np.array([RANGES[n][0] for n in INPUTS])
    hi = np.array([RANGES[n][1] for n in INPUTS])
    rows = []
    for step in (1e-15, 1e-9, 1e-6, 2.0**-12, 1e-3):
        pick = rng.integers(0, 2, size=(8, len(INPUTS)))
        rows.append(np.where(pick == 1, hi - step, lo + step))
    return np.clip(np.vstack(rows), lo, hi)


@pytest.mark.slow
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.filter_too_much])
@given(exprs=st.lists(expressions, min_size=1, max_size=3),
       max_error=st.sampled_from([2.0**-4, 1e-3, 2.0**-12, 1e-5]),
       seed=st.integers(0, 2**16), turns=st.booleans())
def test_error_bound_holds_at_the_real_inputs(exprs, max_error, seed, turns):
    try:
        design = symc.compile(exprs, inputs=RANGES, precision="auto", max_error=max_error,
                              turns=turns)
    except symc.SymcError as exc:
        # A budget no table or width reaches is refused by name; it is no design to check.
        assume("out of reach" not in str(exc) and "no " not in str(exc))
        raise
    X = np.vstack([sample(120, seed), _near_corners(seed)])
    raw = design.emulator.run_raw(design.quantize_inputs(X))
    mpmath.mp.dps = 50
    symbols = [SYMBOLS[n] for n in INPUTS]
    for j, port in enumerate(design.outputs):
        bound = port.error_bound
        assert bound is not None and bound <= max_error
        real = sympy.lambdify(symbols, exprs[j], modules="mpmath")
        lsb = mpmath.mpf(2) ** -port.format.frac_bits
        for row, x in enumerate(X):
            got = mpmath.mpf(int(raw[j][row])) * lsb  # exact: 50 digits hold every output
            want = real(*(mpmath.mpf(float(v)) for v in x))
            err = abs(got - want)
            # 1e-40: mpmath's own rounding at 50 digits, far below any bound.
            assert err <= mpmath.mpf(bound) + mpmath.mpf(10) ** -40, (
                str(exprs[j]), max_error, x.tolist(), float(err), bound)
