"""Overflow at an ap_fixed precision is said at compile time, and measured by Design.check."""

import warnings

import numpy as np
import pytest

import symc
from symc.overflow import OverflowWarning

WIDE = {"x0": (-10, 10), "x1": (-10, 10), "x2": (-10, 10)}


def compile_warnings(*args, **kwargs):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        design = symc.compile(*args, **kwargs)
    return design, [str(w.message) for w in caught if w.category is OverflowWarning]


def test_an_output_that_wraps_is_named():
    _, messages = compile_warnings("x0*x1*x2", inputs=WIDE)
    assert messages == [
        "output y0 = x0*x1*x2 ranges over [-1000, 1000] for inputs in their ranges, beyond "
        "ap_fixed<16,6>'s [-32, 31.999]: it wraps (AP_WRAP); use precision='auto', a wider "
        "type (ap_fixed<21,11>), or narrower input ranges"]
    _, saturating = compile_warnings("x0*x1*x2", inputs=WIDE,
                                     precision="ap_fixed<16,6,AP_TRN,AP_SAT>")
    assert "it saturates (AP_SAT)" in saturating[0]


def test_a_table_argument_and_a_saturating_table():
    _, messages = compile_warnings("sin(x0*x1)", inputs=WIDE)
    assert any("argument of the sin table ranges over [-100, 100]" in m for m in messages)
    _, messages = compile_warnings("exp(x0)", inputs={"x0": (-10, 10)})
    assert len(messages) == 1 and "the exp table is off by up to 21994.5" in messages[0]


def test_nothing_to_say_when_it_fits():
    for exprs, inputs in [("x0*x1", {"x0": (-2, 2), "x1": (-2, 2)}),
                          ("sin(x0) + x1", {"x0": (-3, 3), "x1": (-1, 1)}),
                          ("x0*x1*x2", None)]:  # no declared ranges: nothing to check against
        _, messages = compile_warnings(exprs, inputs=inputs)
        assert messages == [], exprs
    _, messages = compile_warnings("x0*x1*x2", inputs=WIDE, precision="auto", max_error=0.1)
    assert messages == []


def test_strict_refuses():
    with pytest.raises(symc.SymcError, match="output y0 = x0\\*x1\\*x2 ranges over"):
        symc.compile("x0*x1*x2", inputs=WIDE, strict=True)


def test_check_measures_the_error_against_the_real_expression():
    design, _ = compile_warnings("x0*x1*x2", inputs=WIDE)
    X = np.random.default_rng(0).uniform(-10, 10, size=(400, 3))
    result = design.check(X, rtl=False)
    (out,) = result["outputs"]
    real = X[:, 0] * X[:, 1] * X[:, 2]
    assert out["max_abs_error"] == pytest.approx(np.max(np.abs(design.predict(X)[:, 0] - real)))
    assert out["max_abs_error"] > 500
    assert out["outside_format"] == pytest.approx(np.mean(np.abs(real) > 32), abs=1e-3)
    fine = symc.compile("x0*x1*x2", inputs=WIDE, precision="auto", max_error=0.01)
    (good,) = fine.check(X, rtl=False)["outputs"]
    assert good["outside_format"] == 0 and good["max_abs_error"] <= good["error_bound"]


@pytest.mark.slow
def test_simulate_reports_the_error_too(tmp_path, capsys):
    from symc.cli import main

    code = main(["compile", "x0*x1*x2", "--inputs", "x0=-10:10,x1=-10:10,x2=-10:10",
                 "--simulate", "100", "-o", str(tmp_path)])
    captured = capsys.readouterr()
    assert code == 0
    assert "RTL == emulator bit for bit" in captured.out
    assert "y0 against the real expression: max |error|" in captured.out
    assert "lie outside its format (wrapped or saturated)" in captured.out
    assert "symc: warning: output y0 = x0*x1*x2 ranges over [-1000, 1000]" in captured.err


def test_symc_warnings_print_as_one_line():
    assert warnings.formatwarning("wraps", OverflowWarning, "x.py", 3) == \
        "symc: warning: wraps\n"
    assert warnings.formatwarning("other", UserWarning, "x.py", 3).startswith(
        "x.py:3: UserWarning: other")


def test_a_constant_outside_the_type_says_it_wraps():
    # 32.2 is beyond ap_fixed<16,6>'s 31.999: it wraps to 31.8 as in hls4ml's C++, and every
    # value computed from it is far from the expression's. Said, not silent.
    import warnings

    import numpy as np

    import symc

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        design = symc.compile("(x0 - 32.2)*(0.03*x0 + 0.02)", inputs={"x0": (-1.7, 2.5)},
                              precision="ap_fixed<16,6>")
    messages = [str(w.message) for w in caught]
    assert any(m.startswith("the constant -32.2 is outside ap_fixed<16,6> ([-32, 31.999]): it "
                            "becomes 31.7998 (AP_WRAP, as in hls4ml)") for m in messages), messages
    assert design.predict(np.array([[0.0]]))[0, 0] > 0 > (0 - 32.2) * 0.02   # the wrapped value
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        symc.compile("(x0 - 31.5)*(0.03*x0 + 0.02)", inputs={"x0": (-1.7, 2.5)},
                     precision="ap_fixed<16,6>")
    assert not any("outside ap_fixed" in str(w.message) for w in caught)
