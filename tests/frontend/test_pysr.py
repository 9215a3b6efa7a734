"""PySR's equations compile as PySR reads them: its operators, Julia literals, float powers."""

import math

import numpy as np
import pytest

import symc

OPERATORS = {
    "square(x0)": lambda a, b: a * a,
    "cube(x0)": lambda a, b: a**3,
    "neg(x0)": lambda a, b: -a,
    "inv(x1)": lambda a, b: 1 / b,
    "relu(x0)": lambda a, b: max(a, 0.0),
    "sqrt_abs(x1 - 3)": lambda a, b: math.sqrt(abs(b - 3)),
    "log_abs(x1)": lambda a, b: math.log(abs(b)),
    "log1p(x1)": lambda a, b: math.log(b + 1),
    "log10(x1)": lambda a, b: math.log10(b),
    "cosh(x0)": lambda a, b: math.cosh(a),
    "plus(x0, mult(x1, 2.0f0))": lambda a, b: a + 2 * b,
    "div(sub(x0, x1), 4)": lambda a, b: (a - b) / 4,
    "x0^2.0 + x1**0.5": lambda a, b: a * a + math.sqrt(b),
}
INPUTS = {"x0": (-1.5, 1.5), "x1": (0.5, 2.0)}


@pytest.fixture(scope="module")
def design():
    return symc.compile(list(OPERATORS), inputs=INPUTS, precision="auto", max_error=1e-2)


def test_each_operator_means_what_pysr_says(design):
    X = np.random.default_rng(1).uniform([-1.5, 0.5], [1.5, 2.0], size=(500, 2))
    got = design.predict(X)
    for j, (text, real) in enumerate(OPERATORS.items()):
        want = np.array([real(a, b) for a, b in X])
        bound = design.outputs[j].error_bound
        assert np.max(np.abs(got[:, j] - want)) <= bound, text


def test_arithmetic_operators_build_no_table(design):
    functions = sorted(t["function"] for t in design.tables)
    # Tables only where PySR's operator is a function: sqrt, log (three), cosh, recip.
    assert functions == ["cosh", "log", "log", "log", "recip", "sqrt", "sqrt"]


@pytest.mark.slow
def test_operators_are_bit_exact_in_verilator(design):
    X = np.random.default_rng(2).uniform([-1.5, 0.5], [1.5, 2.0], size=(300, 2))
    assert (design.simulate(X) == design.predict(X)).all()


@pytest.mark.parametrize("text, name", [("sign(x0)", "sign"), ("greater(x0, x1)", "greater"),
                                         ("mod(x0, 2)", "mod")])
def test_operators_without_hardware_are_refused(text, name):
    with pytest.raises(symc.SymcError, match=f"operator '{name}'"):
        symc.compile(text, inputs=INPUTS)


def test_a_user_function_of_the_same_name_wins():
    d = symc.compile("square(x0)", inputs=INPUTS, functions={"square": "x + 1"},
                     inline_functions=True)
    assert d.predict([[0.5, 1.0]])[0, 0] == 1.5
