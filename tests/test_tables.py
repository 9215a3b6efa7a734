"""Lookup tables: hls4ml's indexing against hls4ml's own C++, error bounds, every function
through Verilator, the jet-tagging hall of fame, and bad table settings."""

from __future__ import annotations

import csv
import math
import shutil
import subprocess
import warnings
from pathlib import Path

import numpy as np
import pytest
from expressions import corners_and_uniform
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import symc
from symc.fixed import FixedFormat, Overflow, Precision, Quant, quantize_real
from symc.passes.approximate_lut import TableWarning, forget_tables
from symc.tables import (
    BUILTIN,
    bits_domain,
    bits_table,
    exp_table,
    hls4ml_table,
    max_error,
    meets,
    round_precision,
)

SHARED = Path(__file__).parents[2] / "shared" / "benchmarks" / "jet_tagging_pysr"


def _ap_types() -> Path | None:
    try:
        import hls4ml
    except ImportError:
        return None
    root = Path(hls4ml.__file__).parent / "templates" / "vivado"
    return root if (root / "ap_types" / "ap_fixed.h").exists() else None


# --- hls4ml's lookup_table, compiled from hls4ml's own headers ------------------------------

HLS4ML_CASES = [
    # (ap type, symc precision, entries, start, end, function)
    ("ap_fixed<16,6>", "ap_fixed<16,6>", 256, -8, 8, "sin"),
    ("ap_fixed<16,6>", "ap_fixed<16,6>", 256, -8, 8, "cos"),
    ("ap_fixed<18,8>", "ap_fixed<18,8>", 1000, -3, 5, "sin"),
    ("ap_fixed<12,4,AP_RND,AP_SAT>", "ap_fixed<12,4,AP_RND,AP_SAT>", 100, -2, 3, "cos"),
    ("ap_fixed<16,6>", "ap_fixed<16,6>", 512, -2, 2, "exp"),
    # base_div = N / span keeps no fractional bits: 8/16 -> 0 (entry 0 always), 1000/16 -> 62.
    ("ap_fixed<12,5>", "ap_fixed<12,5>", 8, -8, 8, "sin"),
    ("ap_fixed<16,6>", "ap_fixed<16,6>", 1000, -8, 8, "sin"),
]


@pytest.mark.slow
@pytest.mark.skipif(
    shutil.which("g++") is None or _ap_types() is None,
    reason="needs g++ and the hls4ml package (its ap_types and nnet headers)",
)
def test_hls4ml_indexing_matches_hls4ml_lookup_table(tmp_path):
    root = _ap_types()
    assert root is not None
    lines = [
        "#include <cstdio>",
        '#include "ap_fixed.h"',
        '#include "hls_math.h"',
        '#include "nnet_utils/nnet_math.h"',
        '#include "nnet_utils/nnet_types.h"',
        "int main() {",
    ]
    for i, (ctype, _, n, start, end, func) in enumerate(HLS4ML_CASES):
        ns = "nnet" if func in ("sin", "cos") else "hls"
        lines.append(f"  nnet::lookup_table<{ctype}, {n}, {ns}::{func}> t{i}({start}, {end});")
    lines += ["  double x;", '  while (scanf("%lf", &x) == 1) {']
    for i, (ctype, *_rest) in enumerate(HLS4ML_CASES):
        lines.append(
            f'    {{ {ctype} v = x; printf("%lld ", (long long)t{i}(v).range().to_int64()); }}'
        )
    lines += ['    printf("\\n");', "  }", "}"]
    (tmp_path / "t.cpp").write_text("\n".join(lines))
    subprocess.run(
        ["g++", "-O1", f"-I{root / 'ap_types'}", f"-I{root}", "t.cpp", "-o", "t"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
    )
    rng = np.random.default_rng(0)
    xs = np.concatenate([np.linspace(-12, 12, 6001), rng.normal(0, 4, 4000)])
    result = subprocess.run(
        [str(tmp_path / "t")],
        input="\n".join(map(repr, xs.tolist())),
        capture_output=True,
        text=True,
        check=True,
    )
    reference = np.array([[int(v) for v in line.split()] for line in result.stdout.splitlines()])
    for i, (_, precision, n, start, end, func) in enumerate(HLS4ML_CASES):
        p = symc.parse_precision(precision)
        table = hls4ml_table(func, BUILTIN[func], p, n, start, end)
        got = table.lookup(quantize_real(xs, p)) % (1 << p.format.width)
        assert np.array_equal(got, reference[:, i] % (1 << p.format.width)), HLS4ML_CASES[i]


# --- error bounds --------------------------------------------------------------------------

FUNCTIONS = {
    "sin": (-20.0, 20.0),
    "cos": (-20.0, 20.0),
    "tanh": (-5.0, 5.0),
    "exp": (-3.0, 2.0),
    "log": (0.05, 8.0),
    "sqrt": (0.0, 9.0),
    "sigmoid": (-8.0, 8.0),
    "recip": (0.5, 4.0),
    "tan": (-1.4, 1.4),
}


def _sample_table(name: str, n: int, frac: int):
    """A table of ``2**n`` entries of ``name`` over its FUNCTIONS range (periodic for sin and
    cos), read at ``frac`` fractional bits: (table, input format, output precision)."""
    lo, hi = FUNCTIONS[name]
    func = BUILTIN[name]
    entries = 1 << n
    in_format = FixedFormat(frac + 7, 7)
    out = round_precision(FixedFormat(frac + 8, 8))
    if name in ("sin", "cos"):
        table = bits_table(name, func, in_format, out, entries, 0.0, 0, period=2 * math.pi)
    else:
        start, span = bits_domain(lo, hi, entries)
        assume(n - span <= frac)  # cells finer than the input: not a table it can index
        table = bits_table(name, func, in_format, out, entries, start, span, valid=(lo, hi))
    return table, in_format, out


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.sampled_from(sorted(FUNCTIONS)),
    n=st.integers(4, 10),
    frac=st.integers(6, 14),
    seed=st.integers(0, 2**16),
)
def test_reported_max_error_holds_on_dense_sampling(name, n, frac, seed):
    lo, hi = FUNCTIONS[name]
    func = BUILTIN[name]
    table, in_format, out = _sample_table(name, n, frac)
    bound = max_error(table, func, lo, hi)
    xs = np.random.default_rng(seed).uniform(lo, hi, 20000)
    raw = quantize_real(xs, Precision(in_format, Quant.AP_TRN, Overflow.AP_SAT))
    xq = in_format.to_float(raw)
    inside = (xq >= lo) & (xq <= hi)
    got = out.format.to_float(table.lookup(raw[inside]))
    want = np.array([func(float(x)) for x in xq[inside]])
    assert np.max(np.abs(got - want), initial=0.0) <= bound


def test_periodic_tables_serve_any_input_without_clamping():
    d = symc.compile(
        "sin(x)",
        inputs={"x": (-30, 30)},
        precision="ap_fixed<18,7>",
        tables={"sin": {"entries": 1024}},
    )
    assert d.tables[0]["periodic"] and d.tables[0]["entries"] == 1024
    X = np.linspace(-30, 30, 5001)[:, None]
    err = np.abs(d.predict(X)[:, 0] - np.sin(d.quantized_inputs(X)[:, 0]))
    assert err.max() <= d.tables[0]["max_error"] + 1e-12
    assert err.max() < 2 * math.pi / 1024  # one cell's slope, no clamping anywhere


# --- exp with range reduction -----------------------------------------------------------------


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    n=st.integers(3, 10),
    in_frac=st.integers(4, 14),  # exhaustive max_error (under 2M grid points)
    out_width=st.integers(8, 30),
    out_int=st.integers(1, 12),
    interp=st.sampled_from([0, 4, 12]),
    seed=st.integers(0, 2**16),
)
def test_exp_table_error_bound_holds_beyond_its_octave(n, in_frac, out_width, out_int, interp,
                                                       seed):
    in_format = FixedFormat(in_frac + 6, 6)
    out_format = FixedFormat(out_width, out_int)
    assume(out_format.frac_bits + out_int + 2 < 60)
    table = exp_table(in_format, out_format, 1 << n, interp_bits=interp)
    assert table is not None and table.exponent
    # Up to where exp leaves the output's range (there it saturates).
    top = out_format.to_float(out_format.max_raw)
    lo, hi = in_format.to_float(in_format.min_raw), math.log(top)
    bound = max_error(table, np.exp, lo, hi)
    raw = np.random.default_rng(seed).integers(in_format.min_raw, in_format.max_raw + 1, 20000)
    got = table.lookup(raw)
    # Scalar and vector lookups agree, and every output is in the output format.
    assert [table.lookup(int(r)) for r in raw[:200]] == list(got[:200])
    assert got.min() >= 0 and got.max() <= out_format.max_raw
    x = in_format.to_float(raw)
    want = np.exp(x)
    inside = want <= top
    assert np.max(np.abs(out_format.to_float(got) - want)[inside], initial=0.0) <= bound
    # From the power 2**k at which even the smallest entry (1) overflows, the output
    # saturates at its largest value (a margin for the rounded log2(e)).
    beyond = x * math.log2(math.e) >= math.log2(top) + 1.01
    assert np.all(got[beyond] == out_format.max_raw)


def test_exp_reduction_serves_a_wide_range_with_a_small_table():
    # 256 entries, ap_fixed<16,6>, x in [-8, 3]: one octave of 2**f against a plain table over
    # the whole range (the same entries, 43x wider cells in x).
    common = {"inputs": {"x": (-8, 3)}, "precision": "ap_fixed<16,6>"}
    reduced = symc.compile("exp(x)", tables={"exp": {"entries": 256}}, **common)
    plain = symc.compile("exp(x)", tables={"exp": {"entries": 256, "reduction": "none"}},
                         **common)
    assert reduced.tables[0]["reduction"] == "exp2" and plain.tables[0]["reduction"] == "none"
    X = np.linspace(-8, 3, 20001)[:, None]
    exact = np.exp(reduced.quantized_inputs(X)[:, 0])
    err_reduced = np.abs(reduced.predict(X)[:, 0] - exact).max()
    err_plain = np.abs(plain.predict(X)[:, 0] - exact).max()
    assert err_reduced <= reduced.tables[0]["max_error"] + 1e-12
    assert err_reduced * 5 < err_plain
    # A range narrower than an octave keeps a plain table (finer cells there).
    narrow = symc.compile("exp(x)", inputs={"x": (0, 0.5)}, tables={"exp": {"entries": 64}})
    assert narrow.tables[0]["reduction"] == "none"


@pytest.mark.slow
def test_exp_reduction_every_input_rtl_and_csim_equal_the_emulator():
    # Every one of the 4096 inputs of ap_fixed<12,5>, far beyond the declared range too:
    # outputs that underflow to 0, that saturate, and every power k in between.
    d = symc.compile(["exp(x)", "exp(-x)"], inputs={"x": (-3, 3)}, precision="ap_fixed<12,5>",
                     tables={"exp": {"entries": 64, "interpolation": "linear"}})
    assert all(t["reduction"] == "exp2" for t in d.tables)
    fmt = FixedFormat(12, 5)
    X = fmt.to_float(np.arange(fmt.min_raw, fmt.max_raw + 1))[:, None]
    emulated = d.predict(X)
    assert np.array_equal(d.simulate(X), emulated)
    top = fmt.to_float(fmt.max_raw)
    assert emulated[-1, 0] == top and emulated[0, 0] == 0.0  # exp(15.97) and exp(-16)
    inside = np.abs(X[:, 0]) <= 3
    exact = np.exp(np.stack([X[:, 0], -X[:, 0]], axis=1))
    assert np.all(np.abs(emulated - exact)[inside] <= max(t["max_error"] for t in d.tables))
    if shutil.which("g++") is not None and _ap_types() is not None:
        assert np.array_equal(d.csim(X), emulated)


@pytest.mark.slow
def test_sin_times_cos_of_one_argument_becomes_one_table():
    exprs = ["0.3*x*sin(2*x - 1)*cos(2*x - 1) + sin(y)", "sin(y)*cos(y)", "cos(x)*y*sin(x)"]
    ranges = {"x": (-3, 3), "y": (-2, 2)}
    d = symc.compile(exprs, inputs=ranges, precision="ap_fixed<18,6>",
                     tables={"*": {"entries": 256}})
    # Three sin*cos pairs fuse (one in a chain of four factors, one split by another factor);
    # sin(y) is also used alone and keeps its own table.
    assert sorted(t["function"] for t in d.tables) == ["sin", "sincos", "sincos", "sincos"]
    assert all(t["reduction"] == "period" for t in d.tables)
    X = np.random.default_rng(0).uniform([-3, -2], [3, 2], size=(2000, 2))
    assert np.array_equal(d.simulate(X), d.predict(X))
    x, y = d.quantized_inputs(X).T
    got = d.predict(X)[:, 1]
    bound = max(t["max_error"] for t in d.tables if t["function"] == "sincos")
    assert np.abs(got - np.sin(y) * np.cos(y)).max() <= bound
    # hls4ml indexing computes what hls4ml computes: two tables and a product.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TableWarning)
        h = symc.compile(exprs[1], inputs=ranges, tables={"*": {"indexing": "hls4ml",
                                                                "entries": 256}})
    assert sorted(t["function"] for t in h.tables) == ["cos", "sin"]


def test_sc_becomes_one_periodic_table_or_is_inlined():
    d = symc.compile(
        "sc(x0) + x1",
        inputs={"x0": (-8, 8), "x1": (-1, 1)},
        functions={"sc": lambda x: __import__("sympy").sin(x) * __import__("sympy").cos(x)},
    )
    assert [t["function"] for t in d.tables] == ["sc"]
    assert d.tables[0]["periodic"] and abs(d.tables[0]["domain"][1] - math.pi) < 1e-12
    # Inlined, the definition is sin(x0)*cos(x0): fused into one table again, or, without
    # range reduction, a sin and a cos table and their product.
    for tables, functions in (({}, ["sincos"]), ({"*": {"reduction": "none"}}, ["cos", "sin"])):
        inlined = symc.compile(
            "sc(x0) + x1",
            inputs={"x0": (-8, 8), "x1": (-1, 1)},
            functions={"sc": "sin(x)*cos(x)"},
            inline_functions=True,
            tables=tables,
        )
        assert sorted(t["function"] for t in inlined.tables) == functions


def test_constant_arguments_are_looked_up_in_the_table():
    # hls4ml evaluates sin(-0.75052315) through its table at run time: symc's value is the
    # table's entry, not the float sine.
    settings = {"sin": {"entries": 256, "domain": [-8, 8], "indexing": "hls4ml"}}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TableWarning)
        d = symc.compile("sin(-0.75052315) + 0*x", inputs=["x"], tables=settings)
    p = symc.parse_precision("ap_fixed<16,6>")
    table = hls4ml_table("sin", math.sin, p, 256, -8, 8)
    entry = table.lookup(quantize_real(np.array([-0.75052315]), p))
    assert d.predict(np.zeros((1, 1)))[0, 0] == p.format.to_float(entry)[0]
    assert d.predict(np.zeros((1, 1)))[0, 0] != math.sin(-0.75052315)


# --- every function through Verilator -------------------------------------------------------

EVERY_FUNCTION = [
    "sin(x0)",
    "cos(2*x0 - 1)",
    "tan(x1)",
    "tanh(x0)",
    "exp(x1)",
    "log(x2)",
    "sqrt(x2)",
    "sigmoid(x0)",
    "x0 / x2",
    "sc(x0*x1)",
    "sin(x0)*cos(x1) - exp(-x1)",
]
RANGES = {"x0": (-4.0, 4.0), "x1": (-1.2, 1.2), "x2": (0.25, 6.0)}


def _corners_and_uniform(n: int, seed: int) -> np.ndarray:
    return corners_and_uniform(n, seed, RANGES)


@pytest.mark.slow
@pytest.mark.parametrize(
    "precision, tables",
    [
        ("ap_fixed<18,6>", None),
        (
            "ap_fixed<16,6>",
            {
                "*": {"entries": 256, "indexing": "hls4ml"},
                "sin": {"entries": 256, "indexing": "hls4ml", "domain": [-8, 8]},
                "cos": {"entries": 256, "indexing": "hls4ml", "domain": [-8, 8]},
            },
        ),
        ("auto", None),
    ],
)
def test_every_function_rtl_equals_emulator(precision, tables):
    kwargs = {"max_error": 2.0**-6} if precision == "auto" else {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TableWarning)
        d = symc.compile(
            EVERY_FUNCTION,
            inputs=RANGES,
            precision=precision,
            tables=tables,
            functions={"sc": "sin(x)*cos(x)"},
            **kwargs,
        )
    functions = {t["function"] for t in d.tables}
    assert {
        "sin",
        "cos",
        "tan",
        "tanh",
        "exp",
        "log",
        "sqrt",
        "sigmoid",
        "recip",
        "sc",
    } <= functions
    X = _corners_and_uniform(800, seed=3)
    assert np.array_equal(d.simulate(X), d.predict(X))


def test_auto_precision_with_tables_honours_its_bound():
    d = symc.compile(
        ["sin(x0)*x1 + exp(x1)", "sqrt(x2) - tanh(x0)"],
        inputs=RANGES,
        precision="auto",
        max_error=1e-3,
    )
    X = _corners_and_uniform(3000, seed=4)
    Xq = d.quantized_inputs(X)
    exact = np.stack(
        [np.sin(Xq[:, 0]) * Xq[:, 1] + np.exp(Xq[:, 1]), np.sqrt(Xq[:, 2]) - np.tanh(Xq[:, 0])],
        axis=1,
    )
    err = np.abs(d.predict(X) - exact).max(axis=0)
    for j, port in enumerate(d.outputs):
        assert port.error_bound is not None and port.error_bound <= 1e-3
        assert err[j] <= port.error_bound


# --- the jet-tagging hall of fame -------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.skipif(not SHARED.exists(), reason="../shared/benchmarks/jet_tagging_pysr absent")
def test_hall_of_fame_rtl_equals_emulator():
    equations = []
    for path in sorted(SHARED.glob("hall_of_fame_class*.csv")):
        with path.open() as f:
            equations += [row["Equation"] for row in csv.DictReader(f)]
    assert len(equations) == 112
    d = symc.compile(
        equations, inputs=[f"x{i}" for i in range(16)], functions={"sc": "sin(x)*cos(x)"}
    )
    X = np.vstack(
        [
            np.random.default_rng(5).normal(size=(1500, 16)),
            np.full((1, 16), -32.0),
            np.full((1, 16), 31.999),
        ]
    )
    assert np.array_equal(d.simulate(X), d.predict(X))


# --- bad settings ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"exprs": "foo(x)"}, "unknown function 'foo'"),
        ({"exprs": "sin(x)", "tables": {"sin": {"entries": 1 << 20}}}, "beyond the limit"),
        ({"exprs": "sin(x)", "tables": {"sin": {"entries": 1000}}}, "power-of-two"),
        ({"exprs": "sin(x)", "tables": {"sin": {"colour": 3}}}, "unknown table setting 'colour'"),
        ({"exprs": "sin(x)", "tables": {"sin": {"indexing": "nearest"}}}, "unknown table indexing"),
        ({"exprs": "exp(x)", "tables": {"exp": {"reduction": "log"}}}, "unknown reduction 'log'"),
        ({"exprs": "sin(x)", "tables": {"sin": {"domain": [3, 1]}}}, "invalid table domain"),
        ({"exprs": "sin(x)", "tables": "sin"}, "tables must map"),
        ({"exprs": "log(x)", "inputs": {"x": (-1, 1)}}, "log of a value that may be <= 0"),
        ({"exprs": "sqrt(x)", "inputs": {"x": (-1, 1)}}, "sqrt of a value that may be < 0"),
        (
            {
                "exprs": "sin(x)",
                "inputs": {"x": (-8, 8)},
                "strict": True,
                "tables": {"sin": {"domain": [-4, 4]}},
            },
            "50.0% of that range is clamped",
        ),
        ({"exprs": "f(x)", "functions": {"f": "x + y"}}, "may only use x, not y"),
        ({"exprs": "f(x)", "functions": {"sin": "x"}}, "built-in function"),
        ({"exprs": "f(x)", "functions": {"f": 3}}, "string or a callable"),
        (
            {
                "exprs": "sin(x)",
                "precision": "auto",
                "inputs": {"x": (0, 1)},
                "tables": {"sin": {"indexing": "hls4ml"}},
            },
            "give an ap_fixed precision",
        ),
    ],
)
def test_bad_table_input(kwargs, message):
    with pytest.raises(symc.SymcError, match=message):
        symc.compile(**kwargs)


def test_clipping_domain_warns_with_the_fraction():
    # bits indexing widens a domain to a power-of-two span centred on it: [-6, 2] stays
    # [-6, 2] and leaves out [-8, -6] and [2, 8], half the range; [-6, 6] becomes [-8, 8].
    with pytest.warns(TableWarning, match=r"covers \[-6, 2\].*50\.0% of that range is clamped"):
        symc.compile("tanh(x)", inputs={"x": (-8, 8)}, tables={"tanh": {"domain": [-6, 2]}})
    with warnings.catch_warnings():
        warnings.simplefilter("error", TableWarning)
        d = symc.compile("tanh(x)", inputs={"x": (-8, 8)}, tables={"tanh": {"domain": [-6, 6]}})
    assert d.tables[0]["domain"] == [-8.0, 8.0]
    with pytest.warns(TableWarning, match=r"25\.0% of that range is clamped"):
        symc.compile("tanh(x)", inputs={"x": (-8, 8)},
                     tables={"tanh": {"domain": [-6, 6], "indexing": "hls4ml"}})


def test_hls4ml_span_that_wraps_in_its_type_warns():
    # ap_fixed<10,5> holds [-16, 16): hls4ml's T(end - start) = T(16) wraps to -16.
    with pytest.warns(TableWarning, match=r"span T\(end - start\) = -16 in ap_fixed<10,5>"):
        symc.compile("sin(x)", inputs={"x": (-8, 8)}, precision="ap_fixed<10,5>",
                     tables={"sin": {"indexing": "hls4ml", "entries": 64, "domain": [-8, 8]}})


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(sorted(FUNCTIONS)), n=st.integers(2, 9), frac=st.integers(10, 16),
       scale=st.floats(0.5, 1.5))
def test_meets_decides_as_the_exhaustive_error(name, n, frac, scale):
    # The sparse first pass may only reject what the whole grid rejects: at targets around
    # the table's exact worst error (the grids hold 2**13 to 2**20 points, above the probe's
    # threshold), meets() says what max_error() <= target says.
    lo, hi = FUNCTIONS[name]
    func = BUILTIN[name]
    table, _, _ = _sample_table(name, n, frac)
    worst = max_error(table, func, lo, hi)
    for target in (worst * scale, worst, np.nextafter(worst, 0.0)):
        assert meets(table, func, lo, hi, target) == (worst <= target)


def test_a_remembered_table_is_the_one_built_and_still_warns():
    # Tables are remembered per process by function, settings, precision and argument
    # range: the second compile reuses them and gives the same design, with the same warning.
    forget_tables()
    options = dict(inputs={"x": (-8, 8)}, tables={"tanh": {"domain": [-6, 2]}})
    with pytest.warns(TableWarning, match="50.0% of that range is clamped"):
        first = symc.compile("tanh(x) + sin(2*x)", **options)
    with pytest.warns(TableWarning, match="50.0% of that range is clamped"):
        again = symc.compile("tanh(x) + sin(2*x)", **options)
    assert again.verilog == first.verilog and again.tables == first.tables
    # Another argument range or setting is another table.
    other = symc.compile("tanh(x)", inputs={"x": (-2, 2)}, tables={"tanh": {"entries": 64}})
    wider = symc.compile("tanh(x)", inputs={"x": (-4, 4)}, tables={"tanh": {"entries": 64}})
    assert other.tables[0]["domain"] != wider.tables[0]["domain"]
    forget_tables()
    with pytest.warns(TableWarning, match="50.0% of that range is clamped"):
        rebuilt = symc.compile("tanh(x) + sin(2*x)", **options)
    assert rebuilt.verilog == first.verilog
