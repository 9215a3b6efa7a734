"""The native emulator (``predict(X, engine="native")``) against the numpy interpreter, bit for
bit: every reference design (each table kind, auto mode, pipelines), random expressions at
random formats and modes, rows outside the declared ranges, and rows that the loop hands back
to the interpreter (NaN, values past 62 bits)."""

from __future__ import annotations

import shutil

import numpy as np
import pytest
from expressions import RANGES, expressions
from expressions import corners_and_uniform as sample
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from reference_designs import DESIGNS

import symc
from symc.fixed import Overflow, Quant

pytestmark = pytest.mark.skipif(shutil.which("g++") is None, reason="needs g++")


def _rows(design: symc.Design, n: int, seed: int) -> np.ndarray:
    ranges = {p.source: p.range or (-4.0, 4.0) for p in design.inputs}
    inside = sample(n, seed, ranges)
    # Multiples of half an LSB: every other one is a tie of the inputs' rounding.
    halves = np.stack([np.arange(-64, 64) * 2.0 ** -(p.format.frac_bits + 1)
                       for p in design.inputs], axis=1)
    return np.vstack([inside, inside[: n // 4] * 3.0, halves])  # and beyond the ranges


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(DESIGNS))
def test_reference_designs(name):
    exprs, inputs, options = DESIGNS[name]
    design = symc.compile(exprs, inputs=inputs, **options)
    X = _rows(design, 400, 5)
    assert np.array_equal(design.predict(X, engine="native"), design.predict(X))


precisions = st.builds(
    lambda w, i, q, o: f"ap_fixed<{w},{min(i, w - 1)},{q},{o}>",
    st.integers(4, 40), st.integers(1, 10),
    st.sampled_from(list(Quant)), st.sampled_from(list(Overflow)))


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(exprs=st.lists(expressions, min_size=1, max_size=4), precision=precisions,
       seed=st.integers(0, 2**16))
def test_random_designs(exprs, precision, seed):
    design = symc.compile(exprs, inputs=RANGES, precision=precision)
    try:
        design.native  # noqa: B018 - builds it, or says why not
    except symc.SymcError as exc:
        assume("cannot run this design" not in str(exc))
        raise
    X = _rows(design, 200, seed)
    assert np.array_equal(design.predict(X, engine="native", chunk=61), design.predict(X))


def test_tables_and_rows_left_to_the_interpreter():
    design = symc.compile(["sin(x0)*x1 + exp(x1)", "x1/x0"],
                          inputs={"x0": (0.5, 4.0), "x1": (-2.0, 2.0)})
    X = _rows(design, 300, 1)
    X[7] = [2.0**70, 1.0]  # past 62 bits before the wrap: the interpreter's row
    assert np.array_equal(design.predict(X, engine="native", n_jobs=2, chunk=50),
                          design.predict(X))
    X[9, 1] = np.nan
    with pytest.raises(symc.SymcError, match="X row 9, column 1 is nan"):
        design.predict(X, engine="native")


def test_unsupported_design_says_why():
    design = symc.compile("x0*x1*x2*x0*x1*x2", inputs=RANGES, precision="ap_fixed<40,12>")
    with pytest.raises(symc.SymcError, match="engine='native' cannot run this design: "
                                             "'sym.mul' needs"):
        design.predict(np.zeros((1, 3)), engine="native")
    with pytest.raises(symc.SymcError, match="engine must be"):
        design.predict(np.zeros((1, 3)), engine="fast")
