"""``precision="auto"`` clamps its inputs into their declared ranges in the hardware too.

Its ports are wider than the ranges (a power of two holds them); range analysis and the error
bound assume the ranges. ``predict`` clamps; so must the Verilog and the HLS C++, for every raw
value a port can carry, or a port driven outside its range gives a different answer in
hardware than in the emulator.
"""

from __future__ import annotations

import shutil

import numpy as np
import pytest

import symc


def _design() -> symc.Design:
    return symc.compile(["x0*x1 + 1", "x0 - 0.5*x2"],
                        inputs={"x0": (-2, 2), "x1": (-2, 2), "x2": (0.25, 3)},
                        precision="auto", max_error=1e-2)


def _every_corner(design: symc.Design, n: int, seed: int) -> list[np.ndarray]:
    """Raw port values over each port's whole format: its extremes, then uniform ones."""
    rng = np.random.default_rng(seed)
    columns = []
    for port in design.inputs:
        fmt = port.format
        extremes = [fmt.min_raw, fmt.max_raw, *port.raw_bounds, port.raw_bounds[0] - 1,
                    port.raw_bounds[1] + 1]
        columns.append(np.concatenate([
            np.array(extremes * 3, dtype=np.int64)[: 3 * len(extremes)],
            rng.integers(fmt.min_raw, fmt.max_raw + 1, size=n)]))
    # Mix the extremes across ports.
    return [np.roll(c, i) for i, c in enumerate(columns)]


def test_out_of_range_ports_compute_the_clamped_inputs():
    design = _design()
    x0 = design.inputs[0]
    assert x0.format.max_raw > x0.raw_bounds[1]  # the port holds more than the range
    raw = [np.array([3 << 9, -(3 << 9), 100]), np.array([3 << 9, 5, -1000]),
           np.array([0, 0, 0])]
    raw = [np.clip(c, p.format.min_raw, p.format.max_raw)
           for c, p in zip(raw, design.inputs, strict=True)]
    got = design.emulator.run_float(raw)
    # Driving 3 on both ports computes x0 = x1 = 2 (the range's end): 5, as predict says.
    assert got[0, 0] == 5.0
    X = np.array([[3.0, 3.0, 0.0], [-3.0, 5 / 512, 0.0], [100 / 512, -1000 / 512, 0.0]])
    assert np.array_equal(got, design.predict(X))


def test_the_clamp_costs_logic_only_where_the_format_holds_more():
    # [-4, 4) is exactly what ap_fixed<W,3> holds: nothing to clamp, no extra op.
    exact = symc.compile("x0*x1", inputs={"x0": (-4, 3.75), "x1": (-4, 3.75)},
                         precision="auto", frac_bits=2)
    assert "sym.min" not in str(exact.stages["fixed"])
    assert "sym.max" not in str(exact.stages["fixed"])
    wider = symc.compile("x0*x1", inputs={"x0": (-3, 3), "x1": (-4, 3.75)},
                         precision="auto", frac_bits=2)
    fixed = str(wider.stages["fixed"])
    assert fixed.count("sym.min") == 1 and fixed.count("sym.max") == 1


@pytest.mark.slow
def test_verilog_and_hls_agree_with_the_emulator_on_every_raw_port_value():
    design = _design()
    raw = _every_corner(design, 400, seed=3)
    expected = design.emulator.run_float(raw)
    assert np.array_equal(design.simulate_raw(raw), expected)
    if shutil.which("g++") is not None:
        assert np.array_equal(design.csim_raw(raw), expected)


def test_without_the_clamp_neither_predict_nor_the_hardware_clamps():
    design = symc.compile("x0*x1 + 1", inputs={"x0": (-2, 2), "x1": (-2, 2)},
                          precision="auto", max_error=1e-2, clamp_inputs=False)
    assert "sym.min" not in str(design.stages["fixed"])
    # 3 fits the port (ap_fixed<12,3>) and is computed as it is: 3*3 + 1 = 10 lies outside the
    # output's format (sized for the ranges, [-3, 5]) and wraps; the user drives the ranges.
    raw = [np.array([3 << 9]), np.array([3 << 9])]
    assert design.predict([[3.0, 3.0]])[0, 0] == design.emulator.run_float(raw)[0, 0] != 5.0
    assert design.predict([[1.5, 1.0]])[0, 0] == 2.5


def test_the_clamp_is_an_auto_option():
    with pytest.raises(symc.SymcError, match="clamp_inputs applies only to precision='auto'"):
        symc.compile("x0", inputs={"x0": (-1, 1)}, clamp_inputs=False)
