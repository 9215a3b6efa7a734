"""The two forms of ``sym.min``/``sym.max``: a comparison, or the sign of a subtraction one bit
wider (a carry chain), chosen per family by the delay model's ``minmax_impl`` (measured: on
ECP5 a 16-bit max takes 2.74 ns by subtraction against 5.55 ns by comparison)."""

from __future__ import annotations

import random

import numpy as np
import pytest

import symc
from symc.delays import load
from symc.dialects import sym

DESIGNS = {
    "signed": ("max(x0, x1) - min(x0*x1, x2)", {"x0": (-4, 4), "x1": (-1.3, 2.1),
                                                "x2": (0, 3)}, {}),
    "unsigned": ("max(x0, x1) + min(x0, 0.75)", {"x0": (0, 3), "x1": (0.5, 2)},
                 dict(precision="auto", max_error=1e-3)),
}


def _forms(design: symc.Design) -> set[str]:
    return {op.attributes["minmax_impl"].data for op in design.fixed_module.walk()
            if isinstance(op, sym.MinOp | sym.MaxOp)}


@pytest.mark.parametrize("family", ["ecp5", "xcup", "xc7"])
def test_each_family_uses_its_measured_form(family):
    expr, inputs, options = DESIGNS["signed"]
    design = symc.compile(expr, inputs, family=family, **options)
    assert _forms(design) == {load(family).minmax_impl}
    assert ("_diff" in design.verilog) == (load(family).minmax_impl == "subtract")


def test_ecp5_subtracts_and_reaches_5ns():
    assert load("ecp5").minmax_impl == "subtract"
    # 16 bits by comparison were 6.6 ns in the model, more than a 5 ns stage holds.
    design = symc.compile("max(x0, x1) + x2", {"x0": (-4, 4), "x1": (-4, 4), "x2": (-4, 4)},
                          family="ecp5", clock_ns=5.0)
    assert max(design.schedule.stage_ns) <= 5.0


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(DESIGNS))
@pytest.mark.parametrize("family", ["ecp5", "xcup"])
def test_both_forms_are_bit_exact_in_verilator(case, family):
    expr, inputs, options = DESIGNS[case]
    design = symc.compile(expr, inputs, family=family, **options)
    rng = random.Random(11)
    columns = [np.array([rng.randint(p.format.min_raw, p.format.max_raw) for _ in range(2000)],
                        dtype=np.int64) for p in design.inputs]
    assert np.array_equal(design.simulate_raw(columns), design.emulator.run_float(columns))
