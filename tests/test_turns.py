"""``turns=True``: in ``auto`` precision a periodic function reads its argument in turns
(``sin(u)`` -> ``s(u / 2pi)``, ``s(t) = sin(2 pi t)``, period 1), so that its table reads the
argument modulo 1 and ``sym-narrow`` drops the integer bits of the sums that compute it.
The error bound still holds against the real expression, and the emulator, Verilator and the
HLS C simulation agree bit for bit."""

from __future__ import annotations

import numpy as np
import pytest
from gxx_guard import needs_gxx

import symc
from symc.dialects import sym
from symc.passes.narrow import _periodic_bits

INPUTS = {"x0": (-4.0, 4.0), "x1": (-3.0, 5.0)}
EXPRS = ["sin(2*x0 - 1.03665108) + 0.3*cos(3*x1 + 0.5*x0)",
         "-0.16*sin(2*x1 - 1.04)*cos(2*x1 - 1.04) + x0*sin(x0*x1)",
         "sc(0.7*x0 - x1) + x0"]
FUNCTIONS = {"sc": "sin(x)*cos(x)"}


def _rows(n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    lo, hi = np.array([-4.0, -3.0]), np.array([4.0, 5.0])
    corners = np.array([[a, b] for a in (lo[0], hi[0]) for b in (lo[1], hi[1])])
    return np.vstack([rng.uniform(lo, hi, size=(n, 2)), corners])


def _real(X: np.ndarray) -> np.ndarray:
    x0, x1 = X[:, 0], X[:, 1]
    return np.stack([
        np.sin(2 * x0 - 1.03665108) + 0.3 * np.cos(3 * x1 + 0.5 * x0),
        -0.16 * np.sin(2 * x1 - 1.04) * np.cos(2 * x1 - 1.04) + x0 * np.sin(x0 * x1),
        np.sin(0.7 * x0 - x1) * np.cos(0.7 * x0 - x1) + x0,
    ], axis=1)


@pytest.fixture(scope="module")
def design() -> symc.Design:
    return symc.compile(EXPRS, inputs=INPUTS, precision="auto", max_error=0.05, turns=True,
                        functions=FUNCTIONS, clock_ns=5.0)


def test_periodic_tables_read_turns_and_the_bound_holds(design):
    tables = design.tables
    assert len(tables) == 5 and all(t["domain"] == [0.0, 1.0] for t in tables), tables
    luts = [op for op in design.fixed_module.walk() if isinstance(op, sym.LutOp)]
    assert luts and all(_periodic_bits(op) == 0 for op in luts)
    # The sums feeding the tables lost their integer bits: every table reads its operand
    # through a sign extension of a value with at most one integer bit.
    for op in luts:
        widen = op.operand.owner
        assert isinstance(widen, sym.CastOp) and widen.input.type.format.int_bits <= 1
    X = _rows(20000, 0)
    err = np.abs(design.predict(X) - _real(X)).max(axis=0)
    bounds = np.array([p.error_bound for p in design.outputs])
    assert (err <= bounds).all() and (bounds <= 0.05).all(), (err, bounds)


def test_turns_change_nothing_outside_auto():
    plain = symc.compile(EXPRS[0], inputs=INPUTS, precision="ap_fixed<18,6>")
    turned = symc.compile(EXPRS[0], inputs=INPUTS, precision="ap_fixed<18,6>", turns=True)
    assert plain.verilog == turned.verilog


def test_a_table_that_is_not_periodic_reads_its_whole_operand():
    d = symc.compile("tanh(x0) + sin(x1)", inputs=INPUTS, precision="auto", max_error=0.05,
                     turns=True)
    luts = {op.function.data: op for op in d.fixed_module.walk() if isinstance(op, sym.LutOp)}
    assert _periodic_bits(luts["tanh"]) is None and _periodic_bits(luts["sin"]) == 0


@pytest.mark.slow
@needs_gxx
def test_emulator_verilator_and_c_simulation_agree(design):
    X = _rows(3000, 1)
    want = design.predict(X)
    assert np.array_equal(design.simulate(X), want)
    assert np.array_equal(design.csim(X), want)
