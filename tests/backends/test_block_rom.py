"""Tables in block RAM (``roms="block"``): registered reads, two per dual-port ROM module.

The ROM modules are printed by symc after CIRCT's Verilog; Verilator runs the whole design one
vector per cycle and must equal the emulator bit for bit (with and without reset), yosys must
map every module to block RAM, and the schedule must put each read one stage after its index.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from xdsl.context import Context

import symc
from symc import cli
from symc.backends.block_rom import ROM_ATTR
from symc.delays import load
from symc.dialects import sym
from symc.toolchain import yosys

RANGES = {"x0": (-8.0, 8.0), "x1": (-4.0, 4.0)}
EXPRS = ["sin(x0)*x1 + cos(x1)", "sin(x1) - x0", "x0*sin(0.5*x1)"]
# sin read three times (one table: periodic tables do not depend on the argument's range) and
# a 128-entry cos: one module pairs two sin reads, the other mixes cos and sin.
TABLES = {"*": {"entries": 256}, "cos": {"entries": 128}}


def compile_block(reset: bool = False, **options):
    return symc.compile(EXPRS, inputs=RANGES, precision="ap_fixed<16,6>", tables=TABLES,
                        clock_ns=5.0, family="xcup", roms="block", reset=reset, **options)


def sample(n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    corners = np.array([[a, b] for a in RANGES["x0"] for b in RANGES["x1"]])
    lo = np.array([r[0] for r in RANGES.values()])
    hi = np.array([r[1] for r in RANGES.values()])
    return np.vstack([corners, rng.uniform(lo, hi, size=(n - len(corners), 2))])


def rom_modules(verilog: str) -> list[str]:
    return re.findall(r"^module (\w+_rom\d+)\(", verilog, re.M)


@pytest.mark.slow
@pytest.mark.parametrize("reset", [False, True])
def test_block_roms_stream_equal_to_the_emulator(reset):
    design = compile_block(reset=reset)
    assert [t["rom"] for t in design.tables] == ["block"] * 4
    # Four reads: sin, sin (paired: one copy of the table), cos and sin (a pair of two tables).
    assert rom_modules(design.verilog) == ["top_rom0", "top_rom1"]
    assert design.verilog.count('(* rom_style = "block" *)') == 2
    assert ("if (rst)" in design.verilog) is reset
    X = sample(2000, 3)
    assert np.array_equal(design.simulate(X), design.predict(X))


def test_each_read_is_one_stage_after_its_index():
    design = compile_block()
    model = load("xcup")
    luts = [op for op in design.fixed_module.walk() if isinstance(op, sym.LutOp)]
    for op in luts:
        stage, rom_stage = (op.attributes[k].value.data for k in ("stage", "rom_stage"))
        assert rom_stage == stage + 1
        assert op.attributes["rom_impl"].data == "block"
        index_ns, read_ns = model.block_rom_parts(op)
        assert read_ns == model.block_rom[1] and index_ns > model.block_rom[0]
    logic = symc.compile(EXPRS, inputs=RANGES, precision="ap_fixed<16,6>", tables=TABLES,
                         clock_ns=5.0, family="xcup")
    assert not rom_modules(logic.verilog)
    assert design.latency >= logic.latency


def test_the_memory_holds_each_table_once_in_its_slot():
    from symc.passes.convert_sym_to_hw import ConvertSymToHWPass

    design = compile_block()
    module = design.fixed_module.clone()
    ConvertSymToHWPass().apply(Context(), module)
    externs = {op.sym_name.data: op.attributes[ROM_ATTR] for op in module.walk()
               if ROM_ATTR in op.attributes}
    tables = {op.spec.function + str(op.spec.entries): op.spec for op in
              design.fixed_module.walk() if isinstance(op, sym.LutOp)}
    sin, cos = tables["sin256"], tables["cos128"]
    first = externs["top_rom0"].data
    assert first["ports"].value.data == 2 and first["address_bits"].value.data == 8
    assert list(first["values"].get_values()) == [v % 65536 for v in sin.values]
    second = externs["top_rom1"].data
    # cos (128 entries) and sin (256) in 256-entry slots; the slot bit is the address's top.
    assert second["address_bits"].value.data == 9
    values = list(second["values"].get_values())
    width = second["width"].value.data
    assert values[:128] == [v % (1 << width) for v in cos.values] and values[128:256] == [0] * 128
    assert values[256:] == [v % (1 << width) for v in sin.values]


@pytest.mark.slow
@pytest.mark.parametrize("family, cell", [("xcup", "RAMB18E2"), ("ecp5", "DP16KD")])
def test_yosys_maps_each_module_to_one_block_ram(family, cell):
    design = symc.compile(EXPRS, inputs=RANGES, precision="ap_fixed<16,6>", tables=TABLES,
                          clock_ns=5.0 if family == "xcup" else 20.0, family=family,
                          roms="block")
    resources, _ = yosys.synthesize(design.verilog, design.name, family)
    assert resources.cells.get(cell) == 2 and resources.bram == 2
    logic = symc.compile(EXPRS, inputs=RANGES, precision="ap_fixed<16,6>", tables=TABLES,
                         clock_ns=5.0 if family == "xcup" else 20.0, family=family)
    assert resources.lut < yosys.synthesize(logic.verilog, logic.name, family)[0].lut


@pytest.mark.slow
def test_interpolating_and_exponent_tables_stay_in_logic():
    design = symc.compile(["exp(x0) + sin(x1)", "tanh(x1)"], inputs=RANGES,
                          precision="ap_fixed<16,6>", clock_ns=16.0, family="xcup",
                          tables={"*": {"entries": 256}, "tanh": {"interpolation": "linear",
                                                                  "entries": 64}},
                          roms="block")
    assert {t["function"]: t["rom"] for t in design.tables} == {
        "exp": "logic", "sin": "block", "tanh": "logic"}
    assert rom_modules(design.verilog) == ["top_rom0"]
    X = sample(600, 4)
    assert np.array_equal(design.simulate(X), design.predict(X))


def test_bad_roms_options():
    with pytest.raises(symc.SymcError,
                       match="roms must be one of 'logic', 'block', 'auto', not 'bram'"):
        symc.compile("sin(x0)", inputs=["x0"], clock_ns=5.0, roms="bram")
    for roms in ("block", "auto"):
        with pytest.raises(symc.SymcError, match=f"roms='{roms}' reads tables on a clock edge"):
            symc.compile("sin(x0)", inputs=["x0"], roms=roms)


def test_cli_block_roms(tmp_path, capsys):
    out = tmp_path / "out"
    code = cli.main(["compile", "sin(x0)*x1", "--inputs", "x0,x1", "--clock-ns", "5",
                     "--roms", "block", "-o", str(out)])
    assert code == 0
    assert rom_modules((out / "top.sv").read_text()) == ["top_rom0"]
    code = cli.main(["compile", "sin(x0)*x1", "--inputs", "x0,x1", "--roms", "block",
                     "-o", str(tmp_path / "bad")])
    assert code == 2
    assert "needs a clock_ns" in capsys.readouterr().err
    assert not (tmp_path / "bad").exists()


@pytest.mark.parametrize("exprs", [EXPRS, ["sin(x0*x1 + 0.3*x0)", "cos(x0*x1*x0 - x1)*x0"],
                                   ["sin(x0)", "cos(x1)*x0"]])
@pytest.mark.parametrize("precision", ["ap_fixed<16,6>", "auto"])
def test_auto_roms_cost_no_cycle(exprs, precision):
    """roms="auto" keeps the latency of roms="logic"."""
    options = dict(inputs=RANGES, precision=precision, clock_ns=5.0, family="xcup",
                   max_error=0.5 if precision == "auto" else None,
                   tables={"*": {"entries": 256, "interpolation": "none"}})
    logic = symc.compile(exprs, roms="logic", **options)
    auto = symc.compile(exprs, roms="auto", **options)
    block = symc.compile(exprs, roms="block", **options)
    assert auto.latency == logic.latency <= block.latency
    assert all(t["rom"] == "block" for t in block.tables)


@pytest.mark.slow
def test_auto_roms_keep_the_critical_tables_in_logic():
    options = dict(inputs=RANGES, precision="ap_fixed<16,6>", clock_ns=5.0, family="xcup",
                   tables={"*": {"entries": 256}})
    exprs = ["sin(sin(x0)*x1)*x0", "cos(x1)"]
    logic = symc.compile(exprs, roms="logic", **options)
    block = symc.compile(exprs, roms="block", **options)
    assert block.latency > logic.latency
    # The nested tables make the latency: in block RAM each would add a cycle. cos(x1) has
    # cycles to spare, and goes to block RAM.
    design = symc.compile(exprs, roms="auto", **options)
    assert design.latency == logic.latency
    assert [(t["function"], t["rom"]) for t in design.tables] == [
        ("sin", "logic"), ("sin", "logic"), ("cos", "block")]
    assert rom_modules(design.verilog) == ["top_rom0"]
    X = sample(800, 8)
    assert np.array_equal(design.simulate(X), design.predict(X))


@pytest.mark.slow
def test_a_block_rom_read_can_be_an_output():
    design = symc.compile(["sin(x0)", "cos(x1)*x0"], inputs=RANGES, clock_ns=5.0,
                          family="xcup", roms="block", tables={"*": {"entries": 256}})
    X = sample(500, 9)
    assert np.array_equal(design.simulate(X), design.predict(X))


def test_auto_roms_skip_tables_a_block_ram_cannot_time():
    # On ECP5 at 10 ns a periodic table's index plus the DP16KD's address setup exceeds a
    # stage: roms="block" is an error naming the table, roms="auto" keeps it in LUTs.
    options = dict(inputs=RANGES, precision="ap_fixed<16,6>", clock_ns=10.0, family="ecp5",
                   tables={"*": {"entries": 256}})
    with pytest.raises(symc.SymcError, match="'sym.lut' of .* takes .*split, its index"):
        symc.compile("sin(x0)*x1", roms="block", **options)
    design = symc.compile("sin(x0)*x1", roms="auto", **options)
    assert [t["rom"] for t in design.tables] == ["logic"]
