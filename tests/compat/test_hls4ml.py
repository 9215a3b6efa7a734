"""symc's ``indexing="hls4ml"`` against hls4ml itself: the same design, bit for bit.

hls4ml (pip ``hls4ml``) compiles a symbolic expression to C++ with its ``lookup_table`` tables
and runs it with g++ (``predict``); symc compiles the same expression with hls4ml's table
settings. Both quantize inputs, constants and outputs to ``ap_fixed<16,6>``, and must agree on
every output. Skips when hls4ml or g++ is absent; the jet-tagging model when ../shared is.
"""

from __future__ import annotations

import re
import shutil
import warnings
from pathlib import Path

import numpy as np
import pytest

import symc

hls4ml = pytest.importorskip("hls4ml")
if shutil.which("g++") is None:
    pytest.skip("g++ is needed to run hls4ml's C++", allow_module_level=True)

FINAL = (
    Path(__file__).parents[3]
    / "shared"
    / "benchmarks"
    / "jet_tagging_pysr"
    / "final_expressions.tsv"
)

SETTINGS = {"entries": 256, "domain": [-8, 8], "indexing": "hls4ml"}
TABLES = {"sin": SETTINGS, "cos": SETTINGS, "exp": SETTINGS}
LUT_FUNCTIONS = {
    f"{name}_lut": {"math_func": name, "range_start": -8, "range_end": 8, "table_size": 256}
    for name in TABLES
}

SYNTHETIC = [
    "sin(x0)*x1 + cos(2*x0 - 1.03665108) - 0.5",
    "x2 - 0.3*x3*x1 + sin(-0.75052315)*cos(-0.75052315)",
    "-2.5*x0 - 0.59867656 + x1*x1*x2",
    "sin(x3*(x3 - 2.499886)) + -0.5376338",
]

# hls4ml's tables are opaque calls: sympy must not turn exp(x)**2 into exp(2*x), nor
# exp(a)*exp(b) into exp(a + b), before they are read.
OPAQUE = [
    "exp(x0)**2 - x1",
    "exp(x0)*exp(x1) - sin(x2)*sin(x2)",
    "x3*exp(0.5) + exp(x0)**3",
]


def _hls4ml_predict(exprs: list[str], X: np.ndarray, out: Path) -> np.ndarray:
    renamed = [re.sub(r"\b(sin|cos|exp)\(", r"\1_lut(", e) for e in exprs]
    model = hls4ml.converters.convert_from_symbolic_expression(
        renamed,
        n_symbols=X.shape[1],
        lut_functions=LUT_FUNCTIONS,
        output_dir=str(out),
        precision="ap_fixed<16,6>",
        hls_include_path="",
        hls_libs_path="",
    )
    model.compile()
    return np.asarray(model.predict(np.ascontiguousarray(X, dtype=np.float32)), dtype=np.float64)


def _inputs(n_inputs: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    # N(0,1) as the standardized jet features, wide values that leave the tables' domain,
    # and exact grid points; float32, since hls4ml's bridge passes float32.
    X = np.vstack(
        [
            rng.normal(size=(3000, n_inputs)),
            rng.normal(scale=6, size=(1000, n_inputs)),
            rng.integers(-64, 64, size=(200, n_inputs)) / 8,
        ]
    )
    return X.astype(np.float32).astype(np.float64)


def _compare(exprs: list[str], n_inputs: int, tmp_path: Path) -> None:
    X = _inputs(n_inputs, seed=len(exprs))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # [-8, 8] tables clamp part of ap_fixed<16,6>: expected
        design = symc.compile(
            exprs,
            inputs=[f"x{i}" for i in range(n_inputs)],
            precision="ap_fixed<16,6>",
            tables=TABLES,
        )
    expected = _hls4ml_predict(exprs, X, tmp_path / "hls4ml_prj")
    got = design.predict(X)
    assert got.shape == expected.reshape(len(X), -1).shape
    mismatches = np.argwhere(got != expected.reshape(len(X), -1))
    assert len(mismatches) == 0, f"{len(mismatches)} mismatches, first at {mismatches[:3]}"


@pytest.mark.slow
def test_synthetic_expressions_match_hls4ml(tmp_path):
    _compare(SYNTHETIC, 4, tmp_path)


@pytest.mark.slow
def test_table_calls_stay_opaque_as_in_hls4ml(tmp_path):
    _compare(OPAQUE, 4, tmp_path)


@pytest.mark.slow
@pytest.mark.skipif(not FINAL.exists(), reason="../shared/benchmarks (jet-tagging model) absent")
def test_jet_tagging_model_matches_hls4ml(tmp_path):
    lines = [
        line.split("\t") for line in FINAL.read_text().splitlines() if not line.startswith("#")
    ]
    exprs = [expr.strip() for _, expr in lines]
    assert len(exprs) == 5
    _compare(exprs, 16, tmp_path)
