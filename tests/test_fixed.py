"""symc.fixed against an independent rational model of ap_fixed (tests/fraction_model.py)."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from fraction_model import quantize
from hypothesis import given, settings
from hypothesis import strategies as st

from symc.fixed import (
    FixedFormat,
    Overflow,
    Precision,
    Quant,
    cast_raw,
    format_for_raw_range,
    parse_precision,
    quantize_real,
    result_format,
)
from symc.frontend.errors import SymcError

formats = st.builds(
    lambda w, i, s: FixedFormat(w, i, s),
    st.integers(1, 40),
    st.integers(-8, 48),
    st.booleans(),
)


@settings(max_examples=400, deadline=None)
@given(
    src=formats,
    dst=formats,
    quant=st.sampled_from(list(Quant)),
    overflow=st.sampled_from(list(Overflow)),
    data=st.data(),
)
def test_cast_matches_rational_model(src, dst, quant, overflow, data):
    raw = data.draw(st.integers(src.min_raw, src.max_raw))
    value = Fraction(raw) / Fraction(2) ** src.frac_bits
    expected = quantize(value, dst.width, dst.int_bits, dst.signed, quant, overflow)
    got = cast_raw(raw, src, dst, quant, overflow)
    assert Fraction(got) / Fraction(2) ** dst.frac_bits == expected
    # The vectorized path (int64 arrays) agrees with the scalar one.
    if max(src.width, dst.width) + abs(src.frac_bits - dst.frac_bits) < 60:
        arr = cast_raw(np.array([raw, src.min_raw, src.max_raw]), src, dst, quant, overflow)
        assert int(arr[0]) == got


@settings(max_examples=400, deadline=None)
@given(
    fmt=formats,
    quant=st.sampled_from(list(Quant)),
    overflow=st.sampled_from(list(Overflow)),
    x=st.floats(-1e6, 1e6, allow_nan=False),
)
def test_quantize_real_matches_rational_model(fmt, quant, overflow, x):
    raw = int(quantize_real(np.array([x]), Precision(fmt, quant, overflow))[0])
    expected = quantize(Fraction(x), fmt.width, fmt.int_bits, fmt.signed, quant, overflow)
    assert Fraction(raw) / Fraction(2) ** fmt.frac_bits == expected


def test_ties_follow_each_mode():
    fmt = FixedFormat(8, 8)  # integers
    ties = np.array([2.5, -2.5, 3.5, -3.5])
    expected = {
        Quant.AP_TRN: [2, -3, 3, -4],
        Quant.AP_TRN_ZERO: [2, -2, 3, -3],
        Quant.AP_RND: [3, -2, 4, -3],
        Quant.AP_RND_ZERO: [2, -2, 3, -3],
        Quant.AP_RND_INF: [3, -3, 4, -4],
        Quant.AP_RND_MIN_INF: [2, -3, 3, -4],
        Quant.AP_RND_CONV: [2, -2, 4, -4],
    }
    for quant, want in expected.items():
        got = quantize_real(ties, Precision(fmt, quant, Overflow.AP_WRAP))
        assert got.tolist() == want, quant


def test_overflow_modes():
    fmt = FixedFormat(4, 4)  # -8..7
    xs = np.array([9.0, -9.0, -8.0, 7.0])
    assert quantize_real(xs, Precision(fmt, Quant.AP_TRN, Overflow.AP_WRAP)).tolist() == [
        -7,
        7,
        -8,
        7,
    ]
    assert quantize_real(xs, Precision(fmt, Quant.AP_TRN, Overflow.AP_SAT)).tolist() == [
        7,
        -8,
        -8,
        7,
    ]
    assert quantize_real(xs, Precision(fmt, Quant.AP_TRN, Overflow.AP_SAT_ZERO)).tolist() == [
        0,
        0,
        -8,
        7,
    ]
    # Symmetric: the most negative value never appears, even when it is in range (ap_types).
    assert quantize_real(xs, Precision(fmt, Quant.AP_TRN, Overflow.AP_SAT_SYM)).tolist() == [
        7,
        -7,
        -7,
        7,
    ]
    one_bit = FixedFormat(1, 1)
    assert quantize_real(
        np.array([-3.0, -1.0, 2.0]), Precision(one_bit, Quant.AP_TRN, Overflow.AP_SAT_SYM)
    ).tolist() == [-1, -1, 0]


def test_wide_values_stay_exact():
    fmt = FixedFormat(200, 100)
    raw = quantize_real(np.array([2.0**90 + 2.0**40, -3.0]), Precision(fmt))
    assert raw.dtype == object
    assert raw[0] == (2**90 + 2**40) << 100
    assert raw[1] == -3 << 100


def test_result_formats_are_aps():
    a, b = FixedFormat(16, 6), FixedFormat(16, 6)
    assert result_format("mul", a, b) == FixedFormat(32, 12)
    assert result_format("add", a, b) == FixedFormat(17, 7)
    assert result_format("sub", FixedFormat(8, 4, False), FixedFormat(8, 4, False)) == FixedFormat(
        9, 5
    )
    # unsigned + signed: the unsigned operand needs a sign bit first
    assert result_format("add", FixedFormat(8, 4, False), FixedFormat(8, 2)) == FixedFormat(12, 6)
    assert result_format("neg", a) == FixedFormat(17, 7)
    assert result_format("max", FixedFormat(8, 2), FixedFormat(12, 4)) == FixedFormat(12, 4)


def test_format_for_raw_range():
    assert format_for_raw_range(-4, 3, 0) == FixedFormat(3, 3)
    assert format_for_raw_range(0, 8, 2) == FixedFormat(4, 2, False)
    assert format_for_raw_range(-1, 0, 5) == FixedFormat(1, -4)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("ap_fixed<16,6>", Precision(FixedFormat(16, 6))),
        (" ap_ufixed< 8 , 3 > ", Precision(FixedFormat(8, 3, False))),
        (
            "ap_fixed<16,6,AP_RND,AP_SAT>",
            Precision(FixedFormat(16, 6), Quant.AP_RND, Overflow.AP_SAT),
        ),
        ("ap_fixed<16,6,AP_RND_CONV>", Precision(FixedFormat(16, 6), Quant.AP_RND_CONV)),
        ("ap_int<12>", Precision(FixedFormat(12, 12))),
        ("ap_uint<3>", Precision(FixedFormat(3, 3, False))),
    ],
)
def test_parse_precision(text, expected):
    assert parse_precision(text) == expected


@pytest.mark.parametrize(
    "text, message",
    [
        ("ap_fixed<16>", "wrong number of parameters"),
        ("ap_fixed<0,0>", "width must be within"),
        ("ap_fixed<5000,6>", "width must be within"),
        ("ap_fixed<16,6,AP_NEAREST>", "unknown quantization mode 'AP_NEAREST'"),
        ("ap_fixed<16,6,AP_RND,AP_CLAMP>", "unknown overflow mode 'AP_CLAMP'"),
        ("ap_fixed<16,6,AP_RND,AP_SAT,2>", "saturation bits"),
        ("float", "expected 'auto'"),
        ("ap_fixed<a,b>", "must be integers"),
    ],
)
def test_parse_precision_errors(text, message):
    with pytest.raises(SymcError, match=message):
        parse_precision(text)


def test_wrap_of_int64_arrays_into_wide_formats():
    src, dst = FixedFormat(16, 6), FixedFormat(64, 54, False)
    assert cast_raw(np.array([-5]), src, dst).tolist() == [2**64 - 5]
    assert cast_raw(-5, src, dst) == 2**64 - 5
    wide = FixedFormat(63, 63)
    assert cast_raw(np.array([2**62]), FixedFormat(63, 63, False), wide).tolist() == [-(2**62)]
