"""Division by a variable: the reciprocal of a normalized divisor (symc.tables.reciprocal_table).

The divisor's leading one picks the octave, the bits below it index a table of 1/m over the
mantissa's [1, 2), and the entry is shifted back. The error is relative, so a divisor over many
octaves no longer spreads 1024 cells evenly over a range that reaches below 0.
"""

from __future__ import annotations

import random

import numpy as np
import pytest

import symc
from symc.fixed import FixedFormat
from symc.frontend.errors import SymcError
from symc.tables import max_error, reciprocal_table

T18 = FixedFormat(18, 8)


def _error(design: symc.Design, ranges: dict[str, tuple[float, float]]) -> float:
    rng = np.random.default_rng(0)
    X = rng.uniform([r[0] for r in ranges.values()], [r[1] for r in ranges.values()],
                    size=(20_000, len(ranges)))
    return float(np.max(np.abs(design.predict(X) - design.float_reference(X))))


def test_divisor_over_many_octaves_is_normalized():
    # Was a plain table over [-13.6, 50.4] for a divisor in [0.55, 36.3]: max error 0.047.
    ranges = {"x0": (0.5, 6.0)}
    design = symc.compile("x0/(x0**2 + 0.3)", inputs=ranges, precision="ap_fixed<18,8>")
    (table,) = design.tables
    assert table["reduction"] == "octave"
    assert table["domain"][0] > 0  # a positive divisor is known positive
    assert table["entries"] == 1024
    assert table["max_error"] < 0.0015
    assert _error(design, ranges) < 0.005


def test_divisor_from_a_table_is_known_positive():
    # 2 + exp(x0): the exp table's hull makes the divisor positive (was a reciprocal domain
    # of [-52, 204] and an error of 1.47 with an exponent that saturates).
    ranges = {"x0": (-3.0, 3.0)}
    design = symc.compile("3/(2 + exp(x0))", inputs=ranges, precision="ap_fixed<18,8>")
    recip = [t for t in design.tables if t["function"] == "recip"]
    assert recip[0]["reduction"] == "octave" and recip[0]["domain"][0] > 0
    assert _error(design, ranges) < 0.005


def test_negative_divisor():
    ranges = {"x0": (-6.0, -0.2)}
    design = symc.compile("1/x0", inputs=ranges, precision="ap_fixed<18,8>")
    (table,) = design.tables
    assert table["reduction"] == "octave" and table["domain"][1] < 0
    # The slope at -0.2 is 25: the input's quantization (2**-11) alone moves 1/x by 0.012.
    assert _error(design, ranges) < 0.03


def test_auto_precision_meets_its_bound():
    ranges = {"x0": (0.5, 6.0), "x1": (-2.0, 2.0)}
    design = symc.compile("x1/x0", inputs=ranges, precision="auto", max_error=0.01)
    assert design.tables[0]["reduction"] == "octave"
    bound = max(design.summary()["outputs"][0]["error_bound"], 0.0)
    assert _error(design, ranges) <= bound <= 0.01


def test_a_divisor_that_wraps_keeps_a_plain_table():
    # x0 + 200 leaves ap_fixed<16,6>: the table reads the whole type, 0 included (and says so).
    with pytest.warns(symc.SymcWarning, match="wraps"):
        design = symc.compile("x1/(x0 + 200)", inputs={"x0": (-1, 1), "x1": (-1, 1)})
    assert [t["reduction"] for t in design.tables] == ["none"]


@pytest.mark.parametrize("settings", [{"reduction": "none"}, {"interpolation": "linear"},
                                      {"domain": [0.5, 64]}])
def test_settings_that_ask_for_a_plain_table(settings):
    design = symc.compile("1/x0", inputs={"x0": (0.5, 6)}, precision="ap_fixed<18,8>",
                          tables={"recip": settings})
    assert design.tables[0]["reduction"] == "none"


def test_lookup_is_the_same_on_ints_int64_and_objects():
    table = reciprocal_table(T18, T18, 256, 0.55, 36.3)
    assert table is not None
    raw = np.arange(T18.min_raw, T18.max_raw + 1, 7, dtype=np.int64)
    vector = table.lookup(raw)
    assert [int(v) for v in table.lookup(raw.astype(object))] == [int(v) for v in vector]
    assert [table.lookup(int(r)) for r in raw[::50]] == [int(v) for v in vector[::50]]


@pytest.mark.parametrize("lo, hi", [(0.55, 36.3), (-36.3, -0.55), (2.0, 127.0), (0.3, 0.31)])
def test_hull_is_exact(lo, hi):
    table = reciprocal_table(T18, T18, 64, lo, hi)
    assert table is not None
    first, last = int(np.floor(lo * 2**10)), int(np.ceil(hi * 2**10))
    outputs = table.lookup(np.arange(first, last + 1, dtype=np.int64))
    assert table.raw_hull(first, last) == (int(outputs.min()), int(outputs.max()))


def test_error_is_relative():
    # At every octave the error is a small fraction of 1/b (plus half an output LSB).
    wide = FixedFormat(32, 12)
    table = reciprocal_table(wide, FixedFormat(32, 8), 1024, 0.01, 1000.0)
    assert table is not None
    for lo in (0.01, 0.1, 1.0, 10.0, 100.0):
        err = max_error(table, lambda x: 1.0 / x, lo, lo * 2)
        assert err <= (1 / lo) * 2**-10 + 2**-25


def test_range_holding_zero_is_refused():
    with pytest.raises(SymcError, match="excludes 0"):
        reciprocal_table(T18, T18, 64, -1.0, 1.0)


@pytest.mark.slow
@pytest.mark.parametrize("expr, ranges, options", [
    ("x0/(x0**2 + 0.3)", {"x0": (0.5, 6)}, {"precision": "ap_fixed<18,8>"}),
    ("1/x0 + x1", {"x0": (-6, -0.2), "x1": (-1, 1)}, {"precision": "ap_fixed<18,8>"}),
    # Split over two stages at 5 ns: the index, then the ROM read and the shift back.
    ("x1/(x0 + 4)", {"x0": (-3, 3), "x1": (-2, 2)},
     {"precision": "ap_fixed<16,6>", "tables": {"*": {"entries": 64}}, "clock_ns": 5.0}),
])
def test_emulator_verilog_and_cpp_agree_on_every_port_value(expr, ranges, options):
    design = symc.compile(expr, inputs=ranges, **options)
    if "clock_ns" in options:
        assert design.latency >= 1
    rng = random.Random(11)
    columns = [np.array([rng.randint(p.format.min_raw, p.format.max_raw) for _ in range(2000)],
                        dtype=np.int64) for p in design.inputs]
    emulated = design.emulator.run_float(columns)
    assert np.array_equal(design.simulate_raw(columns), emulated)
    assert np.array_equal(design.csim_raw(columns), emulated)
