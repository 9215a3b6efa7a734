"""Tables cut into pieces across pipeline stages (``segment_stages``).

An interpolating, exponent or normalized table was one operation the schedule could not split:
``precision="auto"`` (interpolated tables by default) at 5 ns refused a single ``sin``, and
``exp`` with its range reduction was refused at 5 ns on xcup and at 20 ns on ECP5. Now each is
cut into its pieces (index, ROM reads, then the interpolation, the exponent's scaling or the
reciprocal's shift back), chained while they fit a period, registered between stages.
"""

from __future__ import annotations

import random

import numpy as np
import pytest

import symc
from symc.dialects import sym
from symc.frontend.errors import SymcError

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
}


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
