"""Carry chains longer than a clock period, cut over stages: an add, sub, neg, abs or min/max
whose chain does not fit a stage is computed a piece per stage, lowest bits first, the carry
registered between (``carry_pieces``); a registered product's adder level likewise
(``sum_cuts``). The designs still equal the emulator bit for bit in Verilator."""

from __future__ import annotations

import random

import numpy as np
import pytest
from expressions import RANGES

import symc
from symc.delays import load, near_equal, sum_level_bits, term_shifts
from symc.frontend.errors import SymcError

ECP5 = dict(family="ecp5", clock_ns=5.0, precision="ap_fixed<18,8>")

DESIGNS = {
    # 37-bit subtractions whose sign chooses: 3.79 ns uncut against a 3.75 ns stage.
    "min": "min(2.25*x0, x1**2)",
    "max": "max(x0*x1*x2, x1**2*x0)",
    # A 54-bit negation and the choice by the sign: 3.83 ns uncut.
    "abs": "abs(x1**3)",
    # 52 x 36 bits: six blocks, the first two adder levels (71 and 54 bits) cut in two.
    "product": "x0*x1*x2*x0*x1 + x1",
}


def _compile(case: str) -> symc.Design:
    return symc.compile(DESIGNS[case], RANGES, **ECP5)


def _ints(op, key: str) -> list[int]:  # noqa: ANN001 - an xDSL op
    return [a.value.data for a in op.attributes[key].data]


def test_near_equal_pieces_cover_the_width():
    assert near_equal(37, 2) == [19, 18]
    assert near_equal(10, 3) == [4, 3, 3]
    assert all(sum(near_equal(w, c)) == w for w in range(1, 80) for c in range(1, w + 1))


def test_a_sum_of_blocks_adds_from_the_higher_place_up():
    # 36 x 36 bits in 18-bit signed ports: two pieces each, products at 0, 17, 17 and 34.
    shifts = term_shifts([17, 19], [17, 19], 72)
    assert sorted(shifts) == [0, 17, 17, 34]
    # Level one: (0, 17) from bit 17 up and (17, 34) from 34 up; level two: (0, 17).
    assert sum_level_bits(shifts, 72) == [55, 55]
    # A product placed at or above the width is gone.
    assert term_shifts([17, 17], [17], 20) == [0, 17]


@pytest.mark.parametrize("case", ["min", "max", "abs"])
def test_a_chain_longer_than_a_stage_is_cut_and_each_piece_fits(case):
    design = _compile(case)
    model = load("ecp5")
    budget = 5.0 - model.register_ns
    cut = [op for op in design.fixed_module.walk() if "carry_pieces" in op.attributes]
    assert len(cut) == 1
    op = cut[0]
    sizes = _ints(op, "carry_pieces")
    assert len(sizes) == 2 and model.op_delay(op) > budget
    assert max(model.carry_piece_ns(op, sizes)) <= budget
    # The stages the schedule reports hold the pieces: none is longer than the clock.
    stage_ns = design.fixed_module.ops.first.attributes["stage_ns"].data
    assert max(a.value.data for a in stage_ns) <= 5.0 + 1e-9


def test_a_product_level_longer_than_a_stage_is_cut():
    design = _compile("product")
    model = load("ecp5")
    budget = 5.0 - model.register_ns
    ops = [op for op in design.fixed_module.walk() if "sum_cuts" in op.attributes]
    assert len(ops) == 1
    cuts, bits = _ints(ops[0], "sum_cuts"), model.registered_sum_bits(ops[0])
    assert max(cuts) == 2 and max(model.registered_sum_levels(ops[0])) > budget
    for count, width in zip(cuts, bits, strict=True):
        assert model.delay("add", near_equal(width, count)[0] + (count > 1)) <= budget
    # Each cut level takes a stage more than its first: the stages grow by the cuts.
    stages = _ints(ops[0], "sum_stages")
    assert all(b - a >= c for a, b, c in zip(stages, stages[1:], cuts, strict=False))


def test_a_piece_longer_than_a_stage_is_still_refused():
    # At 3.5 ns a stage has 2.25 ns: less than the choice after any piece of the subtraction.
    with pytest.raises(SymcError, match="'sym.min' of ap_fixed<36,16>, ap_fixed<36,16>"):
        symc.compile(DESIGNS["min"], RANGES, **{**ECP5, "clock_ns": 3.5})


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(DESIGNS))
def test_cut_chains_are_bit_exact_in_verilator(case):
    design = _compile(case)
    rng = random.Random(11)
    columns = [np.array([rng.randint(p.format.min_raw, p.format.max_raw) for _ in range(1500)],
                        dtype=np.int64) for p in design.inputs]
    assert np.array_equal(design.simulate_raw(columns), design.emulator.run_float(columns))
