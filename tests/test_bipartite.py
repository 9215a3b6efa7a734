"""Bipartite tables (``interpolation="bipartite"``): a table of entries plus a narrow table of
offsets per segment, added, with no multiplier. The error bound of ``precision="auto"`` holds
against the real expression, the output range covers every entry plus offset, and the
emulator, its compiled loop, Verilator and the HLS C simulation agree bit for bit, combinational
and cut into pipeline pieces."""

from __future__ import annotations

import math

import numpy as np
import pytest
from gxx_guard import needs_gxx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from xdsl.utils.exceptions import VerifyException

import symc
from symc import tables as T
from symc.delays import load
from symc.dialects import sym
from symc.fixed import FixedFormat

BIPARTITE = {"*": {"interpolation": "bipartite"}}
INPUTS = {"x0": (-4.0, 4.0), "x1": (-1.5, 2.0)}
EXPRS = ["sin(2*x0 - 1.03) + 0.3*cos(3*x1 + 0.5*x0)", "tanh(x0)*x1 - sc(0.7*x0 - x1)",
         "exp(0.5*x1) + log(x1 + 2.5)"]
FUNCTIONS = {"sc": "sin(x)*cos(x)"}


def _real(X: np.ndarray) -> np.ndarray:
    x0, x1 = X[:, 0], X[:, 1]
    return np.stack([
        np.sin(2 * x0 - 1.03) + 0.3 * np.cos(3 * x1 + 0.5 * x0),
        np.tanh(x0) * x1 - np.sin(0.7 * x0 - x1) * np.cos(0.7 * x0 - x1),
        np.exp(0.5 * x1) + np.log(x1 + 2.5),
    ], axis=1)


def _rows(n: int, seed: int, spread: float = 1.0) -> np.ndarray:
    lo, hi = np.array([-4.0, -1.5]), np.array([4.0, 2.0])
    corners = np.array([[a, b] for a in (lo[0], hi[0]) for b in (lo[1], hi[1])])
    uniform = np.random.default_rng(seed).uniform(lo, hi, size=(n, 2))
    return np.vstack([corners, uniform]) * spread


def _luts(design: symc.Design) -> list[sym.LutOp]:
    return [op for op in design.fixed_module.walk() if isinstance(op, sym.LutOp)]


# --- one table -----------------------------------------------------------------------------

SIN_IN, SIN_OUT = FixedFormat(20, 3), T.round_precision(FixedFormat(14, 2))


def _sin(entries: int, **kw) -> T.Table:
    return T.bits_table("sin", T.BUILTIN["sin"], SIN_IN, SIN_OUT, entries, 0.0, 0,
                        period=2 * math.pi, **kw)


@pytest.mark.parametrize("entries,bits,drop", [(64, 3, 2), (128, 2, 3), (256, 4, 3)])
def test_offsets_buy_most_of_a_finer_table(entries, bits, drop):
    bipartite = _sin(entries, offset_bits=bits, offset_drop=drop)
    assert len(bipartite.offsets) == (entries >> drop) << bits
    error = T.max_error(bipartite, T.VECTOR["sin"], -4.0, 4.0)
    coarse = T.max_error(_sin(entries), T.VECTOR["sin"], -4.0, 4.0)
    fine = T.max_error(_sin(entries << bits), T.VECTOR["sin"], -4.0, 4.0)
    # Measured: 1.2x to 4x the error of the table of every fine cell, at most half the plain one.
    assert fine < error < 5 * fine and error < coarse / 2, (fine, error, coarse)


def test_every_read_lies_in_the_output_extent_and_format():
    table = _sin(64, offset_bits=3, offset_drop=2)
    reads = table.lookup(T.grid(SIN_IN, -4.0, 4.0))
    low, high = table.output_extent
    assert reads.min() == low and reads.max() == high
    assert low < min(table.values) or high > max(table.values)  # offsets reach past entries
    assert SIN_OUT.format.contains_raw(low) and SIN_OUT.format.contains_raw(high)


def test_a_clamped_table_holds_its_end_cells_outside_its_domain():
    table = T.bits_table("tanh", T.BUILTIN["tanh"], FixedFormat(16, 4), SIN_OUT, 32, -4.0, 3,
                         offset_bits=2, offset_drop=2)
    raw = np.array([SIN_IN.min_raw, -4 * 2**12 - 1, -4 * 2**12, 4 * 2**12 - 1, 4 * 2**12,
                    2**15 - 1])
    ends = table.lookup(raw)
    assert ends[0] == ends[1] == ends[2] and ends[3] == ends[4] == ends[5]


def test_a_bipartite_table_does_not_interpolate():
    with pytest.raises(symc.SymcError, match="does not interpolate"):
        _sin(64, offset_bits=3, offset_drop=2, interp_bits=12)


# --- in designs ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def design() -> symc.Design:
    return symc.compile(EXPRS, inputs=INPUTS, precision="auto", max_error=0.02,
                        functions=FUNCTIONS, tables=BIPARTITE, clock_ns=5.0)


def test_the_bound_holds_against_the_real_expressions(design):
    kinds = {(t["function"], t["interpolation"]) for t in design.tables}
    assert {("tanh", "bipartite"), ("sc", "bipartite"), ("log", "bipartite")} <= kinds, kinds
    assert all(t["offsets"] > 0 for t in design.tables if t["interpolation"] == "bipartite")
    X = _rows(20000, 0)
    err = np.abs(design.predict(X) - _real(X)).max(axis=0)
    bounds = np.array([p.error_bound for p in design.outputs])
    assert (err <= bounds).all() and (bounds <= 0.02).all(), (err, bounds)


def test_no_product_follows_a_bipartite_read(design):
    model = load("xcup")
    for op in _luts(design):
        if op.bipartite is not None:
            assert model.interpolation_blocks(op) == 0
            assert model.table_parts(op) is None and model.block_rom_parts(op) is None


def test_a_tight_clock_cuts_the_table_into_its_pieces(design):
    cut = [op for op in _luts(design) if op.bipartite is not None
           and "segment_stages" in op.attributes]
    assert cut, "at 5 ns some bipartite table is cut into pieces"
    for op in cut:
        assert "rom_banks" not in op.attributes
        pieces = load("xcup").table_segments(op)
        assert pieces is not None and len(op.attributes["segment_stages"].data) == len(pieces)


def test_the_ir_round_trips_the_offsets(design):
    from xdsl.context import Context
    from xdsl.dialects.builtin import Builtin
    from xdsl.parser import Parser

    ctx = Context()
    ctx.load_dialect(Builtin)
    ctx.load_dialect(sym.Sym)
    text = str(design.fixed_module)
    parsed = Parser(ctx, text).parse_module()
    before = [op.spec for op in _luts(design)]
    after = [op.spec for op in parsed.walk() if isinstance(op, sym.LutOp)]
    assert before == after and any(spec.bipartite for spec in after)


def test_the_verifier_counts_the_offsets(design):
    op = next(op for op in _luts(design) if op.bipartite is not None)
    spec = op.spec
    import dataclasses

    short = dataclasses.replace(spec, offsets=spec.offsets[:-1])
    with pytest.raises(VerifyException, match="offsets"):
        sym.LutOp(op.operand, short).verify_()


def test_ap_fixed_precision_takes_bipartite_tables_too():
    d = symc.compile("sin(x0) + tanh(x1)", inputs=INPUTS, precision="ap_fixed<18,5>",
                     tables=BIPARTITE)
    assert {t["interpolation"] for t in d.tables} == {"bipartite"}
    X = _rows(5000, 3)
    plain = symc.compile("sin(x0) + tanh(x1)", inputs=INPUTS, precision="ap_fixed<18,5>",
                         tables={"*": {"interpolation": "none"}})
    real = np.sin(X[:, 0]) + np.tanh(X[:, 1])
    # The same 1024 entries, and offsets on top: closer to the real values.
    assert np.abs(d.predict(X)[:, 0] - real).max() < np.abs(plain.predict(X)[:, 0] - real).max()


def test_hls4ml_indexing_has_no_bipartite_tables():
    with pytest.raises(symc.SymcError, match="bipartite interpolation needs bits indexing"):
        symc.compile("sin(x0)", inputs=INPUTS, precision="ap_fixed<16,6>",
                     tables={"*": {"indexing": "hls4ml", "interpolation": "bipartite"}})


def test_an_unknown_interpolation_names_the_choices():
    with pytest.raises(symc.SymcError, match="'none', 'linear' or 'bipartite'"):
        symc.compile("sin(x0)", inputs=INPUTS, precision="auto",
                     tables={"*": {"interpolation": "cubic"}})


@needs_gxx
def test_the_compiled_emulator_agrees(design):
    X = _rows(5000, 2, spread=1.3)
    assert np.array_equal(design.predict(X, engine="native"), design.predict(X))


_FUNCTIONS = st.sampled_from(["sin", "cos", "tanh", "sc"])


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(terms=st.lists(st.tuples(_FUNCTIONS, st.floats(-2.5, 2.5), st.floats(-2, 2),
                                st.floats(-1, 1)), min_size=1, max_size=3),
       max_error=st.sampled_from([0.1, 0.01, 1e-3]), seed=st.integers(0, 2**16))
def test_random_sums_of_tables_stay_within_their_bound(terms, max_error, seed):
    expr = " + ".join(f"{f}({a:.4f}*x0 + {b:.4f}*x1 + {c:.4f})" for f, a, b, c in terms)
    d = symc.compile(expr, inputs=INPUTS, precision="auto", max_error=max_error,
                     functions=FUNCTIONS, tables=BIPARTITE)
    X = _rows(3000, seed)
    impl = {"sin": np.sin, "cos": np.cos, "tanh": np.tanh,
            "sc": lambda u: np.sin(u) * np.cos(u)}
    real = sum(impl[f](float(f"{a:.4f}") * X[:, 0] + float(f"{b:.4f}") * X[:, 1]
                       + float(f"{c:.4f}")) for f, a, b, c in terms)
    err = np.abs(d.predict(X)[:, 0] - real).max()
    assert err <= d.outputs[0].error_bound <= max_error, (expr, err)


@pytest.mark.slow
@needs_gxx
def test_emulator_verilator_and_c_simulation_agree(design):
    X = _rows(3000, 1, spread=1.3)  # outside the declared ranges too
    want = design.predict(X)
    assert np.array_equal(design.simulate(X), want)
    assert np.array_equal(design.csim(X), want)


@pytest.mark.slow
@needs_gxx
@pytest.mark.parametrize("precision", ["ap_fixed<18,5>", "ap_fixed<12,4,AP_RND,AP_SAT>"])
def test_ap_fixed_designs_agree_combinational(precision):
    d = symc.compile(EXPRS[:2], inputs=INPUTS, precision=precision, functions=FUNCTIONS,
                     tables={"*": {"interpolation": "bipartite", "entries": 256}})
    X = _rows(3000, 4, spread=1.3)
    want = d.predict(X)
    assert np.array_equal(d.simulate(X), want)
    assert np.array_equal(d.csim(X), want)
