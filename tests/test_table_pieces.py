"""Tables cut into pieces across pipeline stages (``segment_stages``).

An interpolating, exponent or normalized table was one operation the schedule could not split:
``precision="auto"`` (interpolated tables by default) at 5 ns refused a single ``sin``, and
``exp`` with its range reduction was refused at 5 ns on xcup and at 20 ns on ECP5. Now each is
cut into its pieces (index, ROM reads, then the interpolation, the exponent's scaling or the
reciprocal's shift back), chained while they fit a period, registered between stages.

Where even a piece is longer than a period (2.5 ns on xcup), the schedule cuts further: the
index after its product by the scale and after its offset (``index_cut``), the ROM read into
banks read apart and a mux among them (``rom_banks``), exp's and the reciprocal's tails into
their clamps, rounding and saturation (``tail_cut``); a DSP product's piece spans the stages
it needs, its registers being the DSP block's own.
"""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

import symc
from symc.delays import bank_bits, load, mux_levels
from symc.dialects import sym
from symc.frontend.errors import SymcError

JET = (Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "jet_tagging_pysr"
       / "final_expressions.tsv")

CASES = {
    "auto_sin_5ns": ("sin(x0)*x1", dict(inputs={"x0": (-3, 3), "x1": (-1, 1)},
                                        precision="auto", max_error=1e-3, clock_ns=5.0)),
    "exp_5ns": ("exp(x0) + x1", dict(inputs={"x0": (-3, 3), "x1": (-1, 1)}, clock_ns=5.0)),
    "auto_exp_5ns": ("exp(x0)", dict(inputs={"x0": (-3, 3)}, precision="auto",
                                     max_error=1e-2, clock_ns=5.0)),
    "exp_ecp5_20ns": ("exp(x0) - x1", dict(precision="ap_fixed<18,8>", family="ecp5",
                                           inputs={"x0": (-3, 3), "x1": (-1, 1)},
                                           clock_ns=20.0)),
    "interpolated_exp_5ns": ("exp(x0)*x1", dict(
        precision="ap_fixed<18,8>", inputs={"x0": (-3, 3), "x1": (-1, 1)},
        tables={"exp": {"interpolation": "linear", "entries": 64}}, clock_ns=5.0,
        reset=True)),
    "negative_reciprocal_4ns": ("x1/x0", dict(inputs={"x0": (-6, -0.2), "x1": (-1, 1)},
                                              precision="ap_fixed<18,8>", clock_ns=4.0)),
    # A normalized reciprocal of 32768 entries on ECP5: 512 banks of 64, their mux over
    # three stages.
    "banks_three_stages_ecp5": ("(m1*r1 + m2*r2)/(m1 + m2)", dict(
        inputs={v: (1.0, 5.0) for v in ("m1", "m2", "r1", "r2")}, family="ecp5",
        precision="auto", max_error=1e-3, clock_ns=5.0)),
}

FAST = {
    "sin_2ns5": ("sin(x0)*x1", dict(inputs={"x0": (-3, 3), "x1": (-1, 1)}, clock_ns=2.5)),
    "hls4ml_sin_2ns5": ("sin(x0)*x1", dict(inputs={"x0": (-3, 3), "x1": (-1, 1)},
                                           clock_ns=2.5, tables={"*": {"indexing": "hls4ml"}},
                                           reset=True)),
    "tanh_2ns5": ("tanh(x0) + x1", dict(inputs={"x0": (-3, 3), "x1": (-1, 1)}, clock_ns=2.5)),
    "auto_sin_2ns5": ("sin(x0)*x1", dict(inputs={"x0": (-3, 3), "x1": (-1, 1)},
                                         precision="auto", max_error=1e-3, clock_ns=2.5)),
    "exp_2ns5": ("exp(x0) + x1", dict(inputs={"x0": (-3, 3), "x1": (-1, 1)}, clock_ns=2.5)),
    "auto_exp_2ns5": ("exp(x0)", dict(inputs={"x0": (-3, 3)}, precision="auto",
                                      max_error=1e-2, clock_ns=2.5)),
    "reciprocal_2ns5": ("x1/x0", dict(inputs={"x0": (0.5, 6), "x1": (-1, 1)},
                                      precision="ap_fixed<18,8>", clock_ns=2.5)),
    "negative_reciprocal_2ns5": ("x1/x0", dict(inputs={"x0": (-6, -0.2), "x1": (-1, 1)},
                                               precision="ap_fixed<18,8>", clock_ns=2.5)),
    # 16384 entries: 64 banks, their mux over two stages (bank_mux_cut).
    "banks_two_stages_2ns5": ("sin(x0)*x1", dict(inputs={"x0": (-3, 3), "x1": (-1, 1)},
                                                 precision="ap_fixed<18,8>", clock_ns=2.5,
                                                 tables={"*": {"entries": 16384}})),
}
"""Tables that need the finer cuts: every one of them at 2.5 ns on xcup."""
CASES.update(FAST)


def _pieces(design: symc.Design) -> list[list[int]]:
    return [[a.value.data for a in op.attributes["segment_stages"].data]
            for op in design.fixed_module.walk()
            if isinstance(op, sym.LutOp) and "segment_stages" in op.attributes]


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_table_too_slow_for_a_period_is_cut_into_pieces(case):
    expr, options = CASES[case]
    design = symc.compile(expr, **options)
    pieces = _pieces(design)
    assert pieces, "no table was cut"
    for stages in pieces:
        assert stages == sorted(stages) and stages[-1] > stages[0]
        assert stages[-1] <= design.latency
    # Every stage meets the period in the model.
    assert design.schedule is not None
    assert max(design.schedule.stage_ns) <= options["clock_ns"] + 1e-9


@pytest.mark.parametrize("case", sorted(FAST))
def test_at_2ns5_the_index_rom_and_tails_are_cut_further(case):
    expr, options = FAST[case]
    design = symc.compile(expr, **options)
    luts = [op for op in design.fixed_module.walk() if isinstance(op, sym.LutOp)]
    assert any("index_cut" in op.attributes or "rom_banks" in op.attributes
               or "tail_cut" in op.attributes for op in luts)
    model = load("xcup")
    budget = options["clock_ns"] - model.register_ns
    for op in luts:
        pieces = model.table_segments(op)
        stages = [a.value.data for a in op.attributes["segment_stages"].data]
        assert pieces is not None and len(pieces) == len(stages)
        for piece in pieces:
            assert piece.ns <= budget + 1e-9 or piece.dsp
    assert max(design.schedule.stage_ns) <= options["clock_ns"] + 1e-9


def test_a_mux_over_many_banks_takes_two_stages():
    expr, options = FAST["banks_two_stages_2ns5"]
    design = symc.compile(expr, **options)
    (lut,) = [op for op in design.fixed_module.walk() if isinstance(op, sym.LutOp)]
    banks, first = lut.attributes["rom_banks"].value.data, lut.attributes["bank_mux_cut"].value.data
    model = load("xcup")
    assert model.rom_bank_bits(lut, 2.34) is None  # no single mux stage fits
    assert (banks, first) == model.rom_bank_split(lut, 2.34) and 0 < first < banks
    assert f"_bank{2 ** banks - 1}" in design.verilog


def test_a_mux_over_more_banks_takes_more_stages():
    expr, options = CASES["banks_three_stages_ecp5"]
    design = symc.compile(expr, **options)
    (lut,) = [op for op in design.fixed_module.walk() if isinstance(op, sym.LutOp)]
    banks, cut = lut.attributes["rom_banks"].value.data, lut.attributes["bank_mux_cut"].value.data
    model = load("ecp5")
    budget = 5.0 - model.register_ns
    select = bank_bits(lut, banks)[1]
    # Two stages of the mux do not fit: each half is longer than a stage.
    assert model.mux_ns((select + 1) // 2) > budget
    levels = mux_levels(select, cut)
    assert len(levels) == 3 and sum(levels) == select
    assert (banks, cut) == model.rom_bank_split(lut, budget)
    assert max(model.mux_ns(bits) for bits in levels) <= budget
    assert max(design.schedule.stage_ns) <= 5.0 + 1e-9


def test_mux_levels_resolve_every_select_bit():
    assert mux_levels(9, 0) == [9]
    assert mux_levels(6, 3) == [3, 3] and mux_levels(5, 3) == [3, 2]
    assert mux_levels(9, 3) == [3, 3, 3] and mux_levels(10, 4) == [4, 4, 2]
    assert all(sum(mux_levels(s, c)) == s and max(mux_levels(s, c)) <= c
               for s in range(1, 20) for c in range(1, s + 1))


def test_banks_cover_the_table():
    # 1024 entries in banks of 256 on xcup (a 256-entry read fits 2.34 ns, 1024 does not).
    design = symc.compile("sin(x0)", inputs={"x0": (-3, 3)}, clock_ns=2.5)
    (lut,) = [op for op in design.fixed_module.walk() if isinstance(op, sym.LutOp)]
    assert lut.attributes["rom_banks"].value.data == 2
    model = load("xcup")
    assert model.bank_read_ns(lut, 2) <= 2.34 < model.bank_read_ns(lut, 1)
    for k in range(4):
        assert f"_bank{k}" in design.verilog


def test_the_jet_model_schedules_at_2ns5_on_xcup():
    exprs = [line.split("\t")[1] for line in JET.read_text().splitlines()
             if line and not line.startswith("#")] if JET.exists() else None
    if exprs is None:
        pytest.skip(f"{JET} is absent")
    for options in (dict(), dict(precision="auto", max_error=1e-2)):
        design = symc.compile(exprs, {f"x{i}": (-4.0, 4.0) for i in range(16)}, clock_ns=2.5,
                              functions={"sc": "sin(x)*cos(x)"}, **options)
        assert max(design.schedule.stage_ns) <= 2.5 + 1e-9


def test_refusal_names_the_pieces():
    with pytest.raises(SymcError, match=r"cut into pieces of [0-9.]+, [0-9.]+, .* ns"):
        symc.compile("exp(x0)", inputs={"x0": (-3, 3)}, clock_ns=1.5)


def test_a_table_that_fits_is_not_cut():
    design = symc.compile("sin(x0)*x1", inputs={"x0": (-3, 3), "x1": (-1, 1)},
                          precision="auto", max_error=1e-3, clock_ns=20.0)
    assert _pieces(design) == []


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(CASES))
def test_cut_tables_are_bit_exact_in_verilator(case):
    expr, options = CASES[case]
    design = symc.compile(expr, **options)
    rng = random.Random(5)
    columns = [np.array([rng.randint(p.format.min_raw, p.format.max_raw) for _ in range(1500)],
                        dtype=np.int64) for p in design.inputs]
    assert np.array_equal(design.simulate_raw(columns), design.emulator.run_float(columns))
