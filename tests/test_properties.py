"""Property tests of whole designs: random expressions through the whole compiler.

- ap_fixed mode equals an independent exact model of ap_fixed arithmetic (rationals);
- auto mode stays within its error budget;
- the emulator equals the Verilog in Verilator bit for bit, range corners included.

Each Verilator build takes seconds, so one design carries several random expressions (one
output each) and hypothesis draws few designs.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
import sympy
from expressions import INPUTS, RANGES, exact_value, expressions
from expressions import corners_and_uniform as sample
from fraction_model import quantize
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import symc
from symc.fixed import FixedFormat, Overflow, Quant

precisions = st.builds(
    lambda w, i, q, o: f"ap_fixed<{w},{i},{q},{o}>",
    st.integers(6, 24),
    st.integers(2, 8),
    st.sampled_from(list(Quant)),
    st.sampled_from(list(Overflow)),
)



def _as_fraction(fmt: FixedFormat, value: float) -> Fraction:
    return Fraction(value)  # float64 values of fixed-point numbers are exact below 53 bits


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(exprs=st.lists(expressions, min_size=1, max_size=3), precision=precisions,
       seed=st.integers(0, 2**16))
def test_ap_fixed_matches_rational_model(exprs, precision, seed):
    design = symc.compile(exprs, inputs=RANGES, precision=precision)
    p = symc.parse_precision(precision)
    fmt = p.format

    def q(value: Fraction) -> Fraction:
        return quantize(value, fmt.width, fmt.int_bits, fmt.signed, p.quant, p.overflow)

    X = sample(40, seed)
    got = design.predict(X)
    for row, x in enumerate(X):
        env = {name: q(Fraction(float(v))) for name, v in zip(INPUTS, x, strict=True)}
        for col, expr in enumerate(exprs):
            expected = q(exact_value(expr, env, lambda c: q(Fraction(c))))
            assert Fraction(float(got[row, col])) == expected, (expr, precision, x)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(exprs=st.lists(expressions, min_size=1, max_size=3),
       max_error=st.sampled_from([2.0**-4, 2.0**-10, 1e-3, 2.0**-16]),
       seed=st.integers(0, 2**16))
def test_auto_within_budget(exprs, max_error, seed):
    design = symc.compile(exprs, inputs=RANGES, precision="auto", max_error=max_error)
    X = sample(200, seed)
    Xq = design.quantized_inputs(X)
    got = design.predict(X)
    for j, port in enumerate(design.outputs):
        assert port.error_bound is not None and port.error_bound <= max_error
        for row in range(len(X)):
            env = {name: Fraction(float(v)) for name, v in zip(INPUTS, Xq[row], strict=True)}
            exact = exact_value(exprs[j], env, Fraction)
            err = abs(Fraction(float(got[row, j])) - exact)
            assert err <= Fraction(port.error_bound), (exprs[j], X[row], float(err))


@pytest.mark.slow
@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(exprs=st.lists(expressions, min_size=6, max_size=8), precision=precisions,
       seed=st.integers(0, 2**16))
def test_verilator_equals_emulator_ap_fixed(exprs, precision, seed):
    design = symc.compile(exprs, inputs=RANGES, precision=precision)
    X = sample(600, seed)
    assert np.array_equal(design.simulate(X), design.predict(X))


@pytest.mark.slow
@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(exprs=st.lists(expressions, min_size=6, max_size=8),
       max_error=st.sampled_from([2.0**-6, 2.0**-12]), seed=st.integers(0, 2**16))
def test_verilator_equals_emulator_auto(exprs, max_error, seed):
    design = symc.compile(exprs, inputs=RANGES, precision="auto", max_error=max_error)
    X = sample(600, seed)
    # Outside the declared ranges too: inputs saturate, the design must still agree.
    X_out = X * 1.5
    assert np.array_equal(design.simulate(X), design.predict(X))
    assert np.array_equal(design.simulate(X_out), design.predict(X_out))


@pytest.mark.slow
def test_wide_intermediates_are_exact():
    """A product of four ap_fixed<16,6> factors is 64 bits wide: the slow exact path."""
    x0, x1, x2 = (sympy.Symbol(n) for n in INPUTS)
    design = symc.compile([x0 * x1 * x2 * x0 + x1], inputs=RANGES, precision="ap_fixed<16,6>")
    assert design.emulator.wide_ops
    X = sample(600, 7)
    assert np.array_equal(design.simulate(X), design.predict(X))
