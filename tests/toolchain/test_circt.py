"""Tests for symc.toolchain.circt: xDSL-printed hw/comb/seq IR -> Verilog through CIRCT.

The IR below is hand-written in exactly the form xDSL 0.74 prints (checked by a round trip),
because that is what convert-sym-to-hw hands to CIRCT. The exported Verilog is linted and,
once, simulated, so a test fails if CIRCT's output stops meaning what the IR means.
"""

import random
import re
import stat

import pytest
from xdsl.context import Context
from xdsl.dialects import builtin, comb, hw, seq
from xdsl.parser import Parser

from symc.toolchain import circt
from symc.toolchain.errors import ToolError
from symc.toolchain.verilator import Testbench, lint

# sum = sext17(a) + sext17(b), prod = sext32(a) * sext32(b): sign extension spelled the way
# the hw lowering must spell it (extract the sign bit, replicate, concat).
SEXT_ADD_MUL = """\
builtin.module {
  hw.module @sext_add_mul(in %0 a: i16, in %1 b: i16, out sum: i17, out prod: i32) {
    %2 = comb.extract %0 from 15 :  (i16) -> i1
    %3 = comb.extract %1 from 15 :  (i16) -> i1
    %4 = comb.concat %2, %0 : i1, i16
    %5 = comb.concat %3, %1 : i1, i16
    %6 = comb.add %4, %5 : i17
    %7 = comb.replicate %2 : (i1) -> i16
    %8 = comb.concat %7, %0 : i16, i16
    %9 = comb.replicate %3 : (i1) -> i16
    %10 = comb.concat %9, %1 : i16, i16
    %11 = comb.mul %8, %10 : i32
    hw.output %6, %11 : i17, i32
  }
}
"""

# The same product behind a register stage, as sym-schedule + convert-sym-to-hw produce it.
REGISTERED_MUL = """\
builtin.module {
  hw.module @registered_mul(in %0 a: i16, in %1 b: i16, in %2 clk: !seq.clock, out y: i32) {
    %3 = comb.extract %0 from 15 :  (i16) -> i1
    %4 = comb.replicate %3 : (i1) -> i16
    %5 = comb.concat %4, %0 : i16, i16
    %6 = comb.extract %1 from 15 :  (i16) -> i1
    %7 = comb.replicate %6 : (i1) -> i16
    %8 = comb.concat %7, %1 : i16, i16
    %9 = comb.mul %5, %8 : i32
    %p0 = seq.compreg %9, %2 : i32
    hw.output %p0 : i32
  }
}
"""


def _signed(value: int, width: int) -> int:
    return value - (1 << width) if value >> (width - 1) else value


@pytest.mark.parametrize("text", [SEXT_ADD_MUL, REGISTERED_MUL])
def test_inputs_are_xdsl_printed_form(text):
    ctx = Context()
    for dialect in (builtin.Builtin, hw.HW, comb.Comb, seq.Seq):
        ctx.load_dialect(dialect)
    module = Parser(ctx, text).parse_module()
    assert str(module) + "\n" == text


def test_combinational_module_exports_clean_verilog():
    verilog = circt.export_verilog(SEXT_ADD_MUL)
    assert re.search(r"^module sext_add_mul\(", verilog, re.MULTILINE)
    for port in ("input  [15:0] a", "b,", "output [16:0] sum", "[31:0] prod"):
        assert port in verilog
    assert "endmodule" in verilog
    # The lowering options took effect: no location comments, no local variables.
    assert "// -:" not in verilog and "automatic" not in verilog
    lint(verilog, "sext_add_mul")


def test_export_is_deterministic():
    assert circt.export_verilog(SEXT_ADD_MUL) == circt.export_verilog(SEXT_ADD_MUL)


@pytest.mark.slow
def test_exported_verilog_computes_what_the_ir_says():
    verilog = circt.export_verilog(SEXT_ADD_MUL)
    rng = random.Random(20240)
    corners = [0, 1, 0x7FFF, 0x8000, 0xFFFF]
    vectors = [[a, b] for a in corners for b in corners]
    vectors += [[rng.getrandbits(16), rng.getrandbits(16)] for _ in range(500)]
    bench = Testbench(verilog, "sext_add_mul", [("a", 16), ("b", 16)], [("sum", 17), ("prod", 32)])
    with bench:
        results = bench.run(vectors)
    for (a, b), (total, product) in zip(vectors, results, strict=True):
        sa, sb = _signed(a, 16), _signed(b, 16)
        assert total == (sa + sb) % (1 << 17)
        assert product == (sa * sb) % (1 << 32)


def test_compreg_is_lowered_to_a_verilog_2005_register():
    verilog = circt.export_verilog(REGISTERED_MUL)
    assert "reg [31:0] p0;" in verilog  # the SSA name hint names the register
    # always @(posedge), not SystemVerilog's always_ff, so Verilog-2005 tools read it too.
    assert "always @(posedge clk)" in verilog and "always_ff" not in verilog
    assert "input         clk" in verilog
    lint(verilog, "registered_mul")


def test_type_error_raises_tool_error_with_circt_diagnostic():
    broken = SEXT_ADD_MUL.replace("hw.output %6, %11 : i17, i32", "hw.output %11, %6 : i32, i17")
    with pytest.raises(ToolError) as caught:
        circt.export_verilog(broken)
    error = caught.value
    assert error.tool == "circt"
    assert "parse" in error.message
    assert "hw.output" in error.diagnostics and "expected 'i17'" in error.diagnostics
    assert str(error).startswith("circt: could not parse the MLIR input\n")


def test_unknown_op_raises_tool_error():
    broken = SEXT_ADD_MUL.replace("comb.add", "comb.plus")
    with pytest.raises(ToolError, match="comb.plus"):
        circt.export_verilog(broken)


def test_module_without_hw_module_raises_tool_error():
    with pytest.raises(ToolError, match="no Verilog module"):
        circt.export_verilog("builtin.module {\n}\n")


def test_power_on_value_depends_on_circt_version():
    with_power_on = REGISTERED_MUL.replace(
        "    %p0 = seq.compreg %9, %2 : i32",
        "    %c0 = hw.constant 0 : i32\n    %p0 = seq.compreg %9, %2 powerOn %c0 : i32",
    )
    major, minor = (int(part) for part in circt.circt_version().split(".")[:2])
    if (major, minor) < (1, 100):
        assert "reg [31:0] p0 = 32'h0;" in circt.export_verilog(with_power_on)
    else:
        with pytest.raises(ToolError, match="powerOn"):
            circt.export_verilog(with_power_on)


def test_circt_version_is_a_release_number():
    assert re.fullmatch(r"\d+\.\d+\.\d+", circt.circt_version())


def test_circt_opt_override_must_exist(monkeypatch):
    monkeypatch.setenv(circt.CIRCT_OPT_ENV, "/nonexistent/circt-opt")
    with pytest.raises(ToolError, match="SYMC_CIRCT_OPT"):
        circt.export_verilog(SEXT_ADD_MUL)


def test_circt_opt_override_failure_carries_its_stderr(monkeypatch, tmp_path):
    # A stand-in binary: this only checks that the override is used and its failure reported.
    fake = tmp_path / "circt-opt"
    fake.write_text("#!/bin/sh\necho 'error: stand-in circt-opt refuses' >&2\nexit 1\n")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv(circt.CIRCT_OPT_ENV, str(fake))
    with pytest.raises(ToolError, match="stand-in circt-opt refuses"):
        circt.export_verilog(SEXT_ADD_MUL)
