"""The public API: symc.compile and Design, including bad input."""

from __future__ import annotations

import json

import numpy as np
import pytest
import sympy

import symc
from symc.fixed import FixedFormat


def test_design_surface(tmp_path):
    d = symc.compile(["x0*x1 - 0.5*x0**2", "max(x0, -x1)"], inputs={"x0": (-4, 4), "x1": (-1, 1)})
    assert d.latency == 0
    assert [p.name for p in d.inputs] == ["x0", "x1"]
    assert [p.name for p in d.outputs] == ["y0", "y1"]
    assert all(p.format == FixedFormat(16, 6) for p in (*d.inputs, *d.outputs))
    assert "module top(" in d.verilog
    assert "sym.kernel @top" in d.mlir("sym") and "!sym.real" in d.mlir("sym")
    assert "!sym.fixed<32, 12>" in d.mlir("fixed")
    assert "hw.module @top" in d.mlir("hw") and "comb." in d.mlir("hw")
    with pytest.raises(symc.SymcError, match="unknown stage 'verilog'"):
        d.mlir("verilog")
    X = np.array([[1.0, 0.5], [-2.0, 0.25], [3.999, -1.0]])
    y = d.predict(X)
    assert y.shape == (3, 2)
    assert y[0].tolist() == [0.0, 1.0]
    assert y[1].tolist() == [-2.5, -0.25]
    paths = d.save(tmp_path / "out")
    names = sorted(p.name for p in paths)
    assert names == [
        "top.fixed.mlir",
        "top.hw.mlir",
        "top.json",
        "top.lut.mlir",
        "top.sv",
        "top.sym.mlir",
    ]
    summary = json.loads((tmp_path / "out" / "top.json").read_text())
    assert summary["latency"] == 0
    assert summary["inputs"][0] == {
        "name": "x0",
        "format": "ap_fixed<16,6>",
        "width": 16,
        "int_bits": 6,
        "frac_bits": 10,
        "signed": True,
        "range": [-4.0, 4.0],
        "source": "x0",
    }
    assert summary["outputs"][1]["expression"] == "max(x0, -x1)"


def test_deterministic_output():
    exprs = ["x0*x1 + x1*x0 - 0.3*x2**3", "abs(x2 - x0) + x0*x1"]
    a = symc.compile(exprs, precision="auto", inputs={"x0": (-2, 2), "x1": (0, 1), "x2": (-1, 3)})
    b = symc.compile(exprs, precision="auto", inputs={"x0": (-2, 2), "x1": (0, 1), "x2": (-1, 3)})
    assert a.verilog == b.verilog
    assert all(a.mlir(s) == b.mlir(s) for s in ("sym", "fixed", "hw"))


def test_input_order_and_defaults():
    d = symc.compile("b - a*c")
    assert [p.name for p in d.inputs] == ["a", "b", "c"]  # sorted free symbols
    d = symc.compile("b - a*c", inputs=["c", "b", "a", "unused"])
    assert [p.name for p in d.inputs] == ["c", "b", "a", "unused"]
    y = d.predict(np.array([[2.0, 1.0, 0.5, 9.0]]))
    assert y.tolist() == [[0.0]]


def test_sympy_input_and_shared_subexpressions():
    x, y = sympy.symbols("x y")
    d = symc.compile([(x * y) + 1, (x * y) * 2], inputs=["x", "y"])
    assert d.mlir("sym").count("sym.mul %x, %y") == 1  # one product, shared by both outputs


@pytest.mark.slow
def test_keyword_names_are_renamed_and_reported():
    d = symc.compile(
        "wire * and + input", inputs={"wire": (-1, 1), "and": (-1, 1), "input": (0, 1)}
    )
    assert d.renamed == {"wire": "wire_", "and": "and_", "input": "input_"}
    assert [p.name for p in d.inputs] == ["wire_", "and_", "input_"]
    assert [p.source for p in d.inputs] == ["wire", "and", "input"]
    assert "input  [15:0] wire_" in d.verilog
    X = np.array([[0.5, -0.25, 0.75], [-1.0, 1.0, 0.0]])
    assert np.array_equal(d.simulate(X), d.predict(X))


def test_auto_inputs_stay_inside_their_ranges():
    d = symc.compile("x*x - x", inputs={"x": (-0.3, 0.7)}, precision="auto", max_error=1e-3)
    Xq = d.quantized_inputs(np.array([[-0.3], [0.7], [-5.0], [5.0], [0.1]]))
    assert Xq.min() >= -0.3 and Xq.max() <= 0.7
    assert Xq[2, 0] == Xq[0, 0] and Xq[3, 0] == Xq[1, 0]  # out-of-range inputs saturate


def test_wide_design_stays_exact():
    d = symc.compile("x0*x1*x2*x3", precision="ap_fixed<32,8>")
    assert "sym.mul" in d.emulator.wide_ops  # 128-bit product: on limbs
    X = np.array([[100.0, -100.0, 127.99, -127.5]])
    expected = np.float64(100.0 * -100.0 * 127.99 * -127.5)
    # The output wraps to ap_fixed<32,8>; the emulator's value is the exact wrap of the product.
    from fractions import Fraction

    from fraction_model import quantize

    q = [quantize(Fraction(v), 32, 8) for v in X[0]]
    assert Fraction(d.predict(X)[0, 0]) == quantize(q[0] * q[1] * q[2] * q[3], 32, 8)
    assert expected != d.predict(X)[0, 0]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"exprs": "x0 +"}, "missing operand at position 4"),
        ({"exprs": "foo(x0)"}, "unknown function 'foo'"),
        ({"exprs": "x0 + y", "inputs": ["x0"]}, "undeclared symbol 'y'"),
        ({"exprs": "nan * x"}, "not a finite number"),
        ({"exprs": "1e999 * x"}, "overflows float64"),
        ({"exprs": sympy.Symbol("x") * sympy.nan}, "not a finite real number"),
        ({"exprs": sympy.Symbol("x") + sympy.zoo}, "not a finite real number"),
        ({"exprs": "x / 0"}, "division by zero"),
        ({"exprs": ""}, "empty expression"),
        ({"exprs": []}, "no expressions given"),
        ({"exprs": [42j]}, "has type complex"),
        ({"exprs": "x", "inputs": ["x", "x"]}, "duplicate input name 'x'"),
        ({"exprs": "x", "inputs": ["x-1"]}, "invalid input name 'x-1'"),
        ({"exprs": "x", "inputs": {"x": (2, 1)}}, "invalid range for input 'x'"),
        ({"exprs": "x", "inputs": {"x": (0, float("nan"))}}, "invalid range for input 'x'"),
        ({"exprs": "x", "inputs": {"x": 3}}, "must be a pair"),
        ({"exprs": "x", "inputs": "x"}, "not a string"),
        ({"exprs": "x**100000"}, "exponent 100000 too large"),
        ({"exprs": "x0**40 * x1**40"}, "needs 1280 bits"),
        ({"exprs": "x", "precision": "ap_fixed<16>"}, "invalid precision"),
        ({"exprs": "x", "precision": "float32"}, "invalid precision"),
        ({"exprs": "x", "precision": "auto"}, "needs input ranges"),
        ({"exprs": "x", "max_error": 0.1}, "apply only to precision='auto'"),
        (
            {"exprs": "x", "inputs": {"x": (0, 1)}, "precision": "auto", "max_error": -1},
            "max_error must be a positive number",
        ),
        (
            {"exprs": "0.3*x", "inputs": {"x": (0, 1)}, "precision": "auto", "max_error": 1e-40},
            "out of reach",
        ),
        ({"exprs": "x / y"}, "division by a value that may be 0"),
        ({"exprs": "x", "name": "top module"}, "invalid design name"),
        ({"exprs": "x", "name": "x"}, "clashes with a port name"),
    ],
)
def test_bad_input(kwargs, message):
    with pytest.raises(symc.SymcError, match=message):
        symc.compile(**kwargs)


def test_hostile_text_executes_nothing(tmp_path):
    target = tmp_path / "pwned"
    with pytest.raises(symc.SymcError):
        symc.compile(f"__import__('os').system('touch {target}')")
    assert not target.exists()


@pytest.mark.parametrize(
    "X, message",
    [
        (np.zeros((3, 3)), r"shape \(n_samples, 2\)"),
        (np.zeros(5), r"shape \(n_samples, 2\)"),
        (np.zeros((2, 2, 2)), r"shape \(n_samples, 2\)"),
        (np.array([[0.0, np.nan]]), "NaN or infinite"),
        (np.array([[0.0, np.inf]]), "NaN or infinite"),
        ([["a", "b"]], "numeric array"),
    ],
)
def test_bad_x(X, message):
    d = symc.compile("x0 * x1")
    with pytest.raises(symc.SymcError, match=message):
        d.predict(X)
    with pytest.raises(symc.SymcError, match=message):
        d.simulate(X)


def test_stage_times_name_every_pass_of_a_compile():
    from symc.pipeline import pipeline_passes, stage_times

    options = symc.CompileOptions(clock_ns=5.0)
    with stage_times() as outer:
        with stage_times() as inner:
            symc.compile("sin(x0) * x1", inputs={"x0": (-1, 1), "x1": (-1, 1)}, options=options)
        symc.compile("x0 + 1")
    passes = {p.name for p in pipeline_passes(options)}
    expected = passes | {"frontend", "verify", "keep-stages", "export-verilog"}
    assert set(inner) == expected, set(inner) ^ expected
    assert all(seconds >= 0 for seconds in inner.values())
    assert outer["frontend"] > inner["frontend"]  # the second compile counts in the outer one
    with stage_times() as after:
        pass
    assert after == {}
