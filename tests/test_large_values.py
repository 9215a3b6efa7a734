"""Large constants and inputs: symc's own errors, saturation or wrapping, never a crash, and
never a bound that float64's rounding of a constant breaks."""

from __future__ import annotations

import warnings
from fractions import Fraction

import numpy as np
import pytest

import symc


def test_a_constant_float64_cannot_hold_counts_in_the_bound():
    design = symc.compile("x0 + 1/3", inputs={"x0": (-1, 1)}, precision="auto", frac_bits=60)
    consts = [op for op in design.fixed_module.walk() if op.name == "sym.const"]
    got = min((Fraction(int(c.value.data), 2**c.result.type.format.frac_bits) for c in consts),
              key=lambda v: abs(v - Fraction(1, 3)))  # the others are the input's clamp
    bound = Fraction(design.outputs[0].error_bound)
    # At 0 the input is exact: what is left is the constant's distance to 1/3, within the bound.
    assert 0 < abs(got - Fraction(1, 3)) <= bound
    assert design.stages["sym"].count("rounding =") == 1


def test_a_huge_rational_constant_is_out_of_reach_by_name():
    with pytest.raises(symc.SymcError, match=r"the constant 3.3333333333333332e\+19 is only "
                                             r"within 1.37e\+03 of the number it stands for"):
        symc.compile("x0 + 10**20/3", inputs={"x0": (-1, 1)}, precision="auto", max_error=1e-3)


@pytest.mark.parametrize("precision", ["ap_fixed<16,6>", "auto"])
def test_huge_inputs_wrap_or_saturate(precision):
    design = symc.compile("x0*x1 + 1", inputs={"x0": (-2, 2), "x1": (-2, 2)},
                          precision=precision)
    got = design.predict(np.array([[1e306, 1.0], [-1.7e308, 0.5]]))
    if precision == "auto":
        assert got[:, 0].tolist() == [3.0, -0.0 + 0.0]  # clamped: 2*1 + 1, -2*0.5 + 1
    else:
        # AP_WRAP keeps the low 16 bits of x * 2**10: 1e306 and 1.7e308 are multiples of 2**64.
        assert got[:, 0].tolist() == [1.0, 1.0]


def test_a_divisor_beyond_the_type_is_warned_not_an_internal_error():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        design = symc.compile("1/min(x1 - 1e30, x2)", inputs={"x1": (-1, 1), "x2": (1, 2)})
    assert any("recip table ranges over [-1e+30, -1e+30]" in str(w.message) for w in caught)
    assert design.tables[0]["function"] == "recip"


def test_exp_of_a_product_without_ranges_reads_the_type():
    # Without ranges the inputs span ap_fixed<16,6>, x0*x1 spans [-1024, 1024], but the table
    # reads it in ap_fixed<16,6>: exp over [-32, 32) is a float64, and the design compiles.
    design = symc.compile("exp(x0*x1)")
    assert design.tables[0]["function"] == "exp"
