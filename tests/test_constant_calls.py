"""Functions of constants fold to their value at every precision; hls4ml-indexed tables read them.

``exp(0.5)``, ``log(2)``, ``sqrt(2)``, ``tanh(1.5)``, a user function of a constant: PySR's
formulas are full of them. At an ap_fixed precision they become one constant, quantized as any
other constant of the expression (no table, no table domain to get wrong). With
``indexing="hls4ml"`` they stay table reads, as hls4ml computes them at run time.
"""

from __future__ import annotations

import math
import re
import warnings

import numpy as np
import pytest

import symc
from symc.overflow import OverflowWarning

LSB = 2.0**-10  # ap_fixed<16,6>

CASES = [
    ("x0 + exp(1)", lambda x: x + math.e),
    ("tanh(0.5) + x0", lambda x: math.tanh(0.5) + x),
    ("x0 + log(2)", lambda x: x + math.log(2)),
    ("sqrt(2)*x0", lambda x: math.sqrt(2) * x),
    ("sc(0.5)*x0", lambda x: math.sin(0.5) * math.cos(0.5) * x),
    ("x0*exp(-0.75052315) + sigmoid(2)",
     lambda x: x * math.exp(-0.75052315) + 1 / (1 + math.exp(-2))),
]


@pytest.mark.parametrize(("expr", "real"), CASES, ids=[c[0] for c in CASES])
def test_constant_calls_fold_at_ap_fixed(expr, real):
    design = symc.compile(expr, inputs={"x0": (-1, 1)}, functions={"sc": "sin(x)*cos(x)"})
    assert design.tables == []
    assert "sym.lut" not in str(design.stages["lut"])
    X = np.linspace(-1, 1, 41)[:, None]
    got = design.predict(X)[:, 0]
    # At most an LSB each: the input's quantization, the constants', a product's truncation.
    expected = np.array([real(x) for x in X[:, 0]])
    assert np.max(np.abs(got - expected)) <= 3 * LSB


def test_hls4ml_tables_read_constant_calls():
    tables = {"*": {"indexing": "hls4ml", "entries": 256, "domain": [-8, 8]}}
    design = symc.compile("x0 + exp(1)", inputs={"x0": (-1, 1)}, tables=tables)
    lut = str(design.stages["lut"])
    assert re.search(r'sym.lut %\w+ .*function = "exp"', lut)
    # hls4ml's table holds T(exp(start + i*step)) at index int((1 - start) * base_div).
    step = 16 / 256
    index = int((1 + 8) * (256 // 16))
    entry = math.floor(math.exp(-8 + index * step) / LSB) * LSB
    assert design.predict([[0.0]])[0, 0] == entry


def test_a_constant_call_in_an_hls4ml_table_needs_a_domain():
    with pytest.raises(symc.SymcError, match=r"is empty at ap_fixed<16,6>; give the exp table a "
                                             r"domain"):
        symc.compile("x0 + exp(1)", inputs={"x0": (-1, 1)},
                     tables={"*": {"indexing": "hls4ml"}})


def test_exp_of_a_product_reads_the_argument_in_the_type():
    # The table reads x0*x1 cast to ap_fixed<16,6>, as hls4ml's exp_lut(x0*x1) does.
    design = symc.compile("exp(x0*x1)", inputs={"x0": (-1.5, 1.5), "x1": (-1.5, 1.5)})
    rng = np.random.default_rng(1)
    X = rng.uniform(-1.5, 1.5, size=(2000, 2))
    error = np.abs(design.predict(X)[:, 0] - np.exp(X[:, 0] * X[:, 1]))
    assert error.max() < 0.1
    # Wider inputs: the argument fits the type, the value does not, and that is said.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        symc.compile("exp(x0*x1)", inputs={"x0": (-4, 4), "x1": (-4, 4)})
    messages = [str(w.message) for w in caught if issubclass(w.category, OverflowWarning)]
    assert any(m.startswith("the exp table is off by up to 8.886") for m in messages), messages
