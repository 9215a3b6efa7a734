"""ECP5 products in DSP blocks with their own registers (symc.backends.ecp5_dsp): where a
product, or a table's index or interpolation product, is slower than a period on ECP5, it is
built from MULT18X18D instances with their input, pipeline and output registers on, three
cycles, and the design still equals the emulator bit for bit (Verilator, with symc's model of
the primitive)."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest

import symc
from symc.backends import ecp5_dsp
from symc.delays import load, shift_choices
from symc.dialects import sym
from symc.frontend.errors import SymcError

INPUTS = {"x0": (-3, 3), "x1": (-3, 3), "x2": (-3, 3)}

DESIGNS = {
    # One block: a 16x16 product.
    "product": ("x0*x1 + x2", dict(precision="ap_fixed<16,6>")),
    # 36 x 18 bits: three blocks, their sum after the output registers, in two stages.
    "wide": ("x0*x1*x2 - x1", dict(precision="ap_fixed<18,8>", reset=True, valid=True)),
    # Tables whose index multiplies by the scale: the product in its own piece.
    "table": ("sin(x0)*x1", dict(precision="ap_fixed<16,6>")),
    "table_18": ("sin(x0)*x1 + x2", dict(precision="ap_fixed<18,8>")),
    "hls4ml": ("sin(x0)*x1", dict(precision="ap_fixed<16,6>",
                                  tables={"*": {"indexing": "hls4ml"}})),
    # auto: an interpolating table, its product by the position in the cell registered too.
    "interpolated": ("sin(x0)*x1", dict(precision="auto", max_error=1e-3)),
    "interpolated_64": ("tanh(x0) + x1", dict(precision="ap_fixed<16,6>", tables={
        "*": {"interpolation": "linear", "entries": 64}})),
    # 1024 interpolated entries of 18 bits: 16 banks, their mux over two stages.
    "interpolated_banks": ("tanh(x0) + x1", dict(precision="ap_fixed<18,8>", tables={
        "*": {"interpolation": "linear"}})),
    # An index product of four blocks: its two adder levels in pieces of their own.
    "summed_index": ("sin(x0 + x1)*x1", dict(precision="auto", max_error=1e-4)),
    # exp: its barrel shifter (3.87 ns in one level) over two stages (shift_cut); with
    # interpolation, the shift amount is computed beside the registered product and carried
    # past its registers.
    "exp": ("exp(x0) + x1", dict(precision="ap_fixed<16,6>")),
    "exp_interpolated": ("exp(x0)*x1", dict(precision="ap_fixed<18,8>", tables={
        "exp": {"interpolation": "linear", "entries": 64}})),
}


def _compile(case: str, clock_ns: float | None = None) -> symc.Design:
    expr, options = DESIGNS[case]
    options = {"clock_ns": 5.0, **options}
    if clock_ns is not None:
        options["clock_ns"] = clock_ns
    return symc.compile(expr, INPUTS, family="ecp5", **options)


def _registered(design: symc.Design) -> list:
    return [op for op in design.fixed_module.walk() if "dsp_registers" in op.attributes]


@pytest.mark.parametrize("case", sorted(DESIGNS))
def test_slow_products_use_the_blocks_registers_and_meet_the_clock(case):
    design = _compile(case)
    marked = _registered(design)
    assert marked and all(op.attributes["dsp_registers"].value.data == ecp5_dsp.CYCLES
                          for op in marked)
    assert max(design.schedule.stage_ns) <= design.schedule.clock_ns
    # One wrapper module, named after the design, instantiated once per block.
    wrapper = ecp5_dsp.module_name(design.name)
    assert design.verilog.count(f"module {wrapper}(") == 1
    assert design.verilog.count("MULT18X18D #(") == 1
    for register in ("REG_INPUTA_CLK", "REG_INPUTB_CLK", "REG_PIPELINE_CLK", "REG_OUTPUT_CLK"):
        assert f'.{register}("CLK0")' in design.verilog
    assert design.verilog.count(f"  {wrapper} ") >= len(marked)


def test_a_product_takes_three_cycles_from_its_inputs():
    design = _compile("product")
    (mul,) = [op for op in design.fixed_module.walk() if isinstance(op, sym.MulOp)]
    assert mul.attributes["stage"].value.data == 0
    assert design.schedule.latency == ecp5_dsp.CYCLES  # the sum chained after the output
    # Where the product fits a stage it stays a plain product between fabric registers.
    slow = _compile("product", clock_ns=10.0)
    assert not _registered(slow) and "MULT18X18D" not in slow.verilog


def test_a_wide_product_sums_its_blocks_over_stages():
    design = _compile("wide")
    wide = [op for op in _registered(design) if "sum_stages" in op.attributes]
    assert wide
    stages = [a.value.data for a in wide[0].attributes["sum_stages"].data]
    assert stages == sorted(stages) and stages[0] >= wide[0].attributes["stage"].value.data + 3


@pytest.mark.parametrize("case", ["exp", "exp_interpolated"])
def test_an_exponent_shifter_longer_than_a_stage_shifts_over_two(case):
    design = _compile(case)
    model = load("ecp5")
    budget = 5.0 - model.register_ns
    (table,) = [op for op in design.fixed_module.walk() if isinstance(op, sym.LutOp)]
    low = table.attributes["shift_cut"].value.data
    width = table.properties["value_type"].format.width  # the entry the shifter moves
    assert model.mux_ns(math.log2(width + 1)) > budget
    levels = shift_choices(width + 1, low)
    assert len(levels) == 2 and levels[0] * levels[1] >= width + 1
    assert max(model.mux_ns(math.log2(n)) for n in levels) <= budget
    assert "_shifted_hi" in design.verilog
    # The first level starts a stage of its own: nothing chained before it.
    pieces = model.table_segments(table)
    stages = [a.value.data for a in table.attributes["segment_stages"].data]
    (first,) = [i for i, p in enumerate(pieces) if p.alone]
    assert stages[first] > stages[first - 1]


@pytest.mark.slow
def test_nextpnr_meets_the_clock_with_the_shifter_cut():
    design = _compile("exp")
    result = design.report("ecp5", show=False)
    assert result["fmax_mhz"] >= 200.0, result["critical_path_ns"]


def test_registered_products_are_on_ecp5_only():
    expr, options = DESIGNS["table"]
    design = symc.compile(expr, INPUTS, family="xcup", clock_ns=2.5, **options)
    assert not _registered(design) and "MULT18X18D" not in design.verilog
    assert load("xcup").dsp_registered is None and load("ecp5").dsp_registered is not None


def test_a_path_into_the_blocks_longer_than_a_stage_is_refused_naming_the_paths():
    # 36 x 36 bits: four blocks, each operand feeding two; at 3.2 ns a stage has 1.95 ns, less
    # than the path into the input registers with that fan-out.
    with pytest.raises(SymcError, match="in the DSP blocks' registers, the path into them"):
        symc.compile("x0*x1*x2*x0", INPUTS, family="ecp5", clock_ns=3.2,
                     precision="ap_fixed<18,8>")


def test_simulators_read_the_model_and_synthesis_the_primitive():
    verilog = _compile("product").verilog
    assert ecp5_dsp.uses_dsp(verilog)
    simulated = ecp5_dsp.with_model(verilog)
    assert "module MULT18X18D(" in simulated and "module MULT18X18D(" not in verilog
    assert ecp5_dsp.with_model("module top(); endmodule") == "module top(); endmodule"


def test_the_verilog_lints_with_the_model():
    from symc.toolchain import verilator

    design = _compile("wide")
    verilator.lint(design.verilog, design.name)


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(DESIGNS))
def test_registered_products_are_bit_exact_in_verilator(case):
    design = _compile(case)
    rng = random.Random(5)
    columns = [np.array([rng.randint(p.format.min_raw, p.format.max_raw) for _ in range(1500)],
                        dtype=np.int64) for p in design.inputs]
    assert np.array_equal(design.simulate_raw(columns), design.emulator.run_float(columns))


@pytest.mark.slow
def test_nextpnr_meets_the_clock_and_counts_the_blocks():
    design = _compile("wide")
    result = design.report("ecp5", show=False)
    assert result["dsp"] == len([1 for line in design.verilog.splitlines()
                                 if line.startswith(f"  {ecp5_dsp.module_name(design.name)} ")])
    assert result["fmax_mhz"] >= 200.0


@pytest.mark.slow
def test_a_xilinx_report_of_an_ecp5_design_synthesizes_the_model():
    result = _compile("product").report("xcup", show=False)
    assert result["dsp"] == 1


def test_a_saved_ecp5_design_comes_with_the_model(tmp_path):
    paths = _compile("product").save(tmp_path)
    assert tmp_path / "MULT18X18D_sim.v" in paths
    assert "module MULT18X18D(" in (tmp_path / "MULT18X18D_sim.v").read_text()
    plain = symc.compile("x0 + x1", INPUTS, family="ecp5", clock_ns=5.0)
    assert not any(p.name == "MULT18X18D_sim.v" for p in plain.save(tmp_path / "plain"))
