"""sym-schedule: stages that meet the clock with the fewest cycles, and the registers they imply.

The delay model is data that recalibration changes, so the expectations here are computed from
the model (``symc.delays.load``) rather than written as numbers: a chain of adders that fits k
per stage takes ceil(n / k) - 1 cycles, and so on. No external tool runs in this file.
"""

from __future__ import annotations

import random

import pytest
from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Block, Region

from symc.backends.pipeline import kernel_latency, stage_of
from symc.delays import FAMILIES, csd_digits, load
from symc.dialects import sym
from symc.fixed import FixedFormat, add_format
from symc.frontend.errors import SymcError
from symc.passes.convert_sym_to_hw import ConvertSymToHWPass
from symc.passes.schedule import SymSchedulePass

F16 = FixedFormat(16, 6)


def chain_of_adds(n: int) -> tuple[ModuleOp, list[sym.AddOp]]:
    """``y = ((x + x) + x) + ...`` with n adders (each one bit wider)."""
    block = Block(arg_types=[sym.FixedType(F16)])
    x = block.args[0]
    value, fmt, adds = x, F16, []
    for i in range(n):
        fmt = add_format(fmt, F16)
        op = sym.AddOp(value, x, sym.FixedType(fmt))
        op.result.name_hint = f"s{i}"
        block.add_op(op)
        adds.append(op)
        value = op.result
    block.add_op(sym.OutputOp([value]))
    kernel = sym.KernelOp("k", [("x", sym.FixedType(F16))], ["y"], body=Region(block))
    return ModuleOp([kernel]), adds


def kernel_of(module: ModuleOp) -> sym.KernelOp:
    return next(k for k in module.walk() if isinstance(k, sym.KernelOp))


@pytest.mark.parametrize("family", FAMILIES)
def test_chain_packs_as_many_ops_per_stage_as_fit(family):
    model = load(family)
    module, adds = chain_of_adds(12)
    delays = [model.op_delay(a) for a in adds]
    # A clock that holds three of the widest adders but not four.
    clock = model.register_ns + 3.5 * max(delays)
    SymSchedulePass(clock_ns=clock, family=family).apply(Context(), module)
    stages = [stage_of(a) for a in adds]
    # Greedy packing of the chain is optimal; recompute it independently.
    expected, stage, used = [], 0, 0.0
    for d in delays:
        if used + d > clock - model.register_ns + 1e-9:
            stage, used = stage + 1, 0.0
        used += d
        expected.append(stage)
    assert stages == expected
    assert kernel_latency(kernel_of(module)) == expected[-1]
    assert stages == sorted(stages) and expected[-1] >= 3


def test_every_stage_fits_the_clock():
    model = load("xcup")
    module, adds = chain_of_adds(20)
    clock = model.register_ns + 2.2 * max(model.op_delay(a) for a in adds)
    SymSchedulePass(clock_ns=clock, family="xcup").apply(Context(), module)
    per_stage: dict[int, float] = {}
    for a in adds:
        per_stage[stage_of(a)] = per_stage.get(stage_of(a), 0.0) + model.op_delay(a)
    assert all(model.register_ns + t <= clock + 1e-9 for t in per_stage.values())
    stage_ns = [a.value.data for a in kernel_of(module).attributes["stage_ns"].data]
    assert max(stage_ns) <= clock + 1e-9


def test_slow_clock_is_one_stage_and_io_registers_add_one_each():
    module, adds = chain_of_adds(5)
    SymSchedulePass(clock_ns=1000.0, family="ecp5").apply(Context(), module)
    assert {stage_of(a) for a in adds} == {0}
    assert kernel_latency(kernel_of(module)) == 0
    module, adds = chain_of_adds(5)
    SymSchedulePass(clock_ns=1000.0, family="ecp5", input_registers=True,
                    output_registers=True).apply(Context(), module)
    assert {stage_of(a) for a in adds} == {1}
    assert kernel_latency(kernel_of(module)) == 2


def test_without_clock_only_multipliers_are_chosen():
    module, adds = chain_of_adds(3)
    SymSchedulePass().apply(Context(), module)
    assert all("stage" not in a.attributes for a in adds)
    assert "latency" not in kernel_of(module).attributes


def test_unreachable_clock_names_the_op_and_its_delay():
    module, adds = chain_of_adds(2)
    model = load("ecp5")
    with pytest.raises(SymcError, match=r"unreachable on ecp5: 'sym.add' \(%s0\) of "
                                        r"ap_fixed<16,6>, ap_fixed<16,6> takes \d+\.\d\d ns"):
        SymSchedulePass(clock_ns=model.register_ns + 0.01, family="ecp5").apply(Context(),
                                                                              module)
    with pytest.raises(SymcError, match="register-to-register connection alone"):
        SymSchedulePass(clock_ns=model.register_ns / 2, family="ecp5").apply(Context(), module)


def test_unknown_family_lists_the_known_ones():
    module, _ = chain_of_adds(1)
    with pytest.raises(SymcError, match="unknown target family 'virtex2'; known families: "
                                        "xc7, xcup, ecp5"):
        SymSchedulePass(clock_ns=5.0, family="virtex2").apply(Context(), module)


def test_real_values_are_rejected():
    block = Block(arg_types=[sym.RealType()])
    neg = sym.NegOp(block.args[0])
    block.add_op(neg)
    block.add_op(sym.OutputOp([neg.result]))
    module = ModuleOp([sym.KernelOp("k", [("x", sym.RealType())], ["y"], body=Region(block))])
    with pytest.raises(SymcError, match="run sym-legalize-fixed first"):
        SymSchedulePass(clock_ns=5.0).apply(Context(), module)


def const_mul(constant: int) -> tuple[ModuleOp, sym.MulOp]:
    block = Block(arg_types=[sym.FixedType(F16)])
    c = sym.ConstOp(constant, sym.FixedType(F16))
    mul = sym.MulOp(block.args[0], c.result)
    block.add_ops([c, mul, sym.OutputOp([mul.result])])
    kernel = sym.KernelOp("k", [("x", sym.FixedType(F16))], ["y"], body=Region(block))
    return ModuleOp([kernel]), mul


def test_multiplier_choice_follows_the_measured_rule_and_the_dsp_switch():
    model = load("xcup")
    few = 0b1000000001  # two digits
    many = 0b0101010101010101  # eight digits
    for constant, digits in ((few, 2), (many, 8)):
        assert len(csd_digits(constant)) == digits
        module, mul = const_mul(constant)
        SymSchedulePass(family="xcup").apply(Context(), module)
        expected = "shift_add" if digits <= model.csd_max_digits else "dsp"
        assert mul.attributes["mul_impl"].data == expected
        module, mul = const_mul(constant)
        SymSchedulePass(family="xcup", dsp=False).apply(Context(), module)
        assert mul.attributes["mul_impl"].data == "shift_add"


def test_csd_digits_are_canonical():
    rng = random.Random(3)
    randoms = [rng.randrange(-2**20, 2**20) for _ in range(300)]
    for value in [0, 1, -1, 3, -3, 7, 2**40 - 1, *randoms]:
        digits = csd_digits(value)
        assert sum(sign << shift for shift, sign in digits) == value
        shifts = [s for s, _ in digits]
        assert all(b - a >= 2 for a, b in zip(shifts, shifts[1:], strict=False))
        # No signed-digit form has fewer nonzero digits than ceil(popcount-ish) bounds allow:
        # CSD never uses more digits than the binary form.
        assert len(digits) <= bin(abs(value)).count("1") + 1 if value else not digits


def test_registers_balance_every_path():
    """Three chained adders, one per stage: x is read at stages 0, 1 and 2, so it gets a chain
    of two registers shared by both later adders; each sum crosses one boundary; the output,
    read at the latency, gets none."""
    model = load("xc7")
    module, adds = chain_of_adds(3)
    clock = model.register_ns + 1.01 * max(model.op_delay(a) for a in adds)
    SymSchedulePass(clock_ns=clock, family="xc7").apply(Context(), module)
    assert [stage_of(a) for a in adds] == [0, 1, 2]
    ConvertSymToHWPass().apply(Context(), module)
    ops = list(module.walk())
    registers = [op for op in ops if op.name == "seq.compreg"]
    names = sorted(r.attributes["name"].data for r in registers)
    assert names == ["s0_s1", "s1_s2", "x_s1", "x_s2"]
    assert any(op.name == "hw.module" and "clk" in str(op) for op in ops)


def test_interpolating_tables_are_timed_whole_and_never_split():
    import symc
    from symc.delays import interp_bits

    model = load("xcup")
    design = symc.compile("sin(x0)", inputs={"x0": (-3.0, 3.0)}, precision="auto",
                          max_error=2.0**-8)
    luts = [op for op in design.fixed_module.walk() if isinstance(op, sym.LutOp)]
    interpolating = [op for op in luts if interp_bits(op)]
    assert interpolating, "auto precision interpolates its sine table"
    lut = interpolating[0]
    assert model.table_parts(lut) is None
    # The interpolation (difference, product, sum) is part of the table's delay.
    assert model.op_delay(lut) > model.delay("rom", 1) + model.delay("mul_dsp", 1)


def test_dsp_blocks_follow_how_synthesis_splits_a_product():
    from symc.delays import dsp_blocks

    # One block while both operands fit their ports, in either order.
    assert dsp_blocks((27, 18), 24, 16) == dsp_blocks((27, 18), 16, 24) == 1
    assert dsp_blocks((18, 18), 18, 18) == 1
    # Beyond a port, 17-bit pieces: the wider operand goes to the wider port. The
    # calibration's 48 x 24 product took 6 blocks of 27 x 18 in yosys (3 would be the best
    # orientation's count, which synthesis does not choose).
    assert dsp_blocks((27, 18), 48, 24) == 6
    assert dsp_blocks((18, 18), 20, 20) == 4
    assert dsp_blocks((25, 18), 32, 32) == 4


def stored(family: str) -> dict:
    """The delay model's data file, with the measurements it was fitted to."""
    import json
    from importlib import resources

    return json.loads(resources.files("symc").joinpath(f"data/delays_{family}.json").read_text())


@pytest.mark.parametrize("family", FAMILIES)
def test_dsp_product_delay_is_the_smaller_upper_line(family):
    import re

    model = load(family)
    probes = [p for p in stored(family)["probes"] if p["kind"] == "mul_dsp"]
    assert len(probes) >= 8
    for p in probes:
        wa, wb = (int(w) for w in re.findall(r"\d+", p["label"].split("_")[1]))
        blocks = model.delay("mul_dsp", model.dsp_blocks(wa, wb))
        bits = model.delay("mul_dsp_bits", wa + wb)
        # Each line bounds every measured product, so the smaller one does too.
        assert min(blocks, bits) >= p["delay_ns"] - 1e-9, p["label"]
    # A product of four small blocks is bounded closer by the line in bits.
    block = Block(arg_types=[sym.FixedType(FixedFormat(19, 4)),
                             sym.FixedType(FixedFormat(20, 5))])
    mul = sym.MulOp(block.args[0], block.args[1], sym.FixedType(FixedFormat(39, 9)))
    mul.attributes["mul_impl"] = sym.MulImplAttr(sym.MulImpl.DSP)
    block.add_op(mul)
    expected = min(model.delay("mul_dsp", model.dsp_blocks(19, 20)),
                   model.delay("mul_dsp_bits", 39))
    if family == "ecp5":
        assert model.op_delay(mul) == pytest.approx(expected)
        assert model.op_delay(mul) < model.delay("mul_dsp", model.dsp_blocks(19, 20))
    else:
        # Xilinx blocks cascade: a chain of two blocks, timed by its own measured line.
        assert model.cascade(mul) is not None
        assert model.op_delay(mul) == pytest.approx(model.delay("mul_dsp_chain", 2))


def test_products_wider_than_a_block_are_cut_for_a_chain():
    from symc.delays import Cascade, cascade_plan

    F = FixedFormat
    xcup, xc7 = (27, 18), (25, 18)
    # The whole operand on the wide port, the other in 17-bit pieces, the top one signed.
    assert cascade_plan(xcup, F(22, 5), F(52, 30)) == Cascade(1, (17, 17, 18), 22)
    assert cascade_plan(xcup, F(54, 5), F(23, 3)) == Cascade(0, (17, 17, 17, 3), 23)
    # An unsigned top piece has 17 bits at most (the port is signed).
    assert cascade_plan(xcup, F(20, 5), F(35, 3, False)) == Cascade(1, (17, 17, 1), 20)
    # A 27-bit unsigned operand does not fit a 27-bit signed port, nor a 26-bit one a 25-bit.
    assert cascade_plan(xcup, F(27, 5, False), F(30, 3)) is None
    assert cascade_plan(xc7, F(26, 5), F(30, 3)) is None
    assert cascade_plan(xcup, F(26, 5), F(30, 3)) == Cascade(1, (17, 13), 26)
    # One block holds it; neither fits the wide port.
    assert cascade_plan(xcup, F(27, 5), F(18, 3)) is None
    assert cascade_plan(xcup, F(28, 5), F(30, 3)) is None
    # Either could be cut into two pieces: the right operand is.
    assert cascade_plan(xcup, F(20, 5), F(24, 3)) == Cascade(1, (17, 7), 20)
    assert cascade_plan(xcup, F(24, 5), F(20, 3)) == Cascade(1, (17, 3), 24)


@pytest.mark.parametrize("family", ["xc7", "xcup"])
def test_chains_of_dsp_blocks_are_timed_and_counted_by_their_blocks(family):
    model = load(family)
    probes = [p for p in stored(family)["probes"] if p["kind"] == "mul_dsp_chain"]
    assert len(probes) >= 4
    for p in probes:  # the line bounds every measured chain
        assert model.delay("mul_dsp_chain", p["x"]) >= p["delay_ns"] - 1e-9, p["label"]
    block = Block(arg_types=[sym.FixedType(FixedFormat(22, 4)),
                             sym.FixedType(FixedFormat(52, 5))])
    mul = sym.MulOp(block.args[0], block.args[1])
    mul.attributes["mul_impl"] = sym.MulImplAttr(sym.MulImpl.DSP)
    block.add_op(mul)
    assert model.dsp_blocks_of(mul) == 3
    assert model.op_delay(mul) == pytest.approx(model.delay("mul_dsp_chain", 3))
    assert load("ecp5").cascade(mul) is None  # ECP5's flow has no cascade


def test_ecp5_dsp_product_with_a_shared_operand_pays_the_fanout():
    import math

    model = load("ecp5")
    assert model.dsp_fanout is not None
    f16 = sym.FixedType(FixedFormat(16, 6))
    block = Block(arg_types=[f16, f16, f16, f16, f16])
    x, ys = block.args[0], block.args[1:]
    muls = []
    for y in ys:
        mul = sym.MulOp(x, y, sym.FixedType(FixedFormat(32, 12)))
        mul.attributes["mul_impl"] = sym.MulImplAttr(sym.MulImpl.DSP)
        block.add_op(mul)
        muls.append(mul)
    alone = model.delay("mul_dsp", 1)
    # x feeds four one-block products: each pays the measured fan-out of log2(4 blocks).
    assert model.dsp_fed(muls[0]) == 4
    expected = min(alone, model.delay("mul_dsp_bits", 32)) + model.dsp_fanout(math.log2(4))
    assert model.op_delay(muls[0]) == pytest.approx(expected)
    # The Xilinx models have no such measurement (no place and route there).
    assert load("xcup").dsp_fanout is None


def test_tables_whose_index_multiplies_count_as_dsp_users_of_their_operand():
    import math

    import symc
    from symc.delays import table_kind

    design = symc.compile("sin(x0) + cos(x0)", inputs={"x0": (-3, 3)},
                          precision="ap_fixed<16,6>",
                          tables={"*": {"entries": 256, "indexing": "bits",
                                        "interpolation": "none"}})
    luts = [op for op in design.fixed_module.walk() if isinstance(op, sym.LutOp)]
    assert len(luts) == 2 and all(table_kind(op) == "table_mul" for op in luts)
    model = load("ecp5")
    # One operand feeds both index multipliers: each table pays log2(2 / 1) of fan-out,
    # in its whole delay and in the index half of a split.
    assert model.dsp_fed(luts[0]) == 2
    extra = model.dsp_fanout(math.log2(2))
    # Two tables in the kernel: each also pays the crowding of log2(2), in both halves of a
    # split (measured on whole tables, it is not known to fall in either).
    crowding = model.crowding_ns(luts[0])
    assert crowding == pytest.approx(model.table_crowding(1.0))
    assert model.op_delay(luts[0]) == pytest.approx(model.delay("table_mul", 8) + extra
                                                    + crowding)
    parts = model.table_parts(luts[0])
    assert parts is not None
    assert parts[0] == pytest.approx(model.delay("table_index_mul", 8) + extra + crowding)
    assert parts[1] == pytest.approx(model.delay("rom", 8) + crowding)


def test_ecp5_tables_pay_for_the_other_tables_of_their_kernel():
    import math

    import symc

    model = load("ecp5")
    assert model.table_crowding is not None
    for x, extra in stored("ecp5")["table_crowding"]["points"]:  # the line bounds every measurement
        assert model.table_crowding(x) >= extra - 1e-9
    assert model.table_crowding(math.log2(32)) > 1.0  # measured: more than a nanosecond

    def first_table(n: int) -> sym.LutOp:
        names = [f"x{i}" for i in range(n)]
        design = symc.compile(" + ".join(f"sin({x})" for x in names),
                              inputs={x: (-3, 3) for x in names}, precision="ap_fixed<16,6>",
                              tables={"*": {"entries": 256, "interpolation": "none"}})
        luts = [op for op in design.fixed_module.walk() if isinstance(op, sym.LutOp)]
        assert len(luts) == n
        return luts[0]

    alone, crowded = first_table(1), first_table(8)
    assert model.crowding_ns(alone) == 0.0
    assert model.op_delay(crowded) - model.op_delay(alone) == pytest.approx(
        model.table_crowding(3.0))
    for lone_part, crowded_part in zip(model.table_parts(alone), model.table_parts(crowded),
                                       strict=True):
        assert crowded_part - lone_part == pytest.approx(model.table_crowding(3.0))
    # The Xilinx models have no such measurement (no place and route there).
    assert load("xcup").crowding_ns(crowded) == 0.0


BUDGET_EXPR = "0.8381*x0 + 0.3923*x1 - 0.5180*x2*x0"
"""Two constant products built from shifts and adds (0.8381 has more digits), and one product
of two variables in DSP blocks."""


@pytest.mark.slow
@pytest.mark.parametrize("clock", [5.0, None])
def test_dsp_budget_moves_the_widest_shift_adds_into_dsp_blocks(clock):
    import numpy as np

    import symc
    from symc.passes.schedule import _adder_bits

    model = load("xcup")

    def compiled(budget):
        design = symc.compile(BUDGET_EXPR, inputs=["x0", "x1", "x2"], clock_ns=clock,
                              dsp_budget=budget)
        ops = [op for op in design.fixed_module.walk() if isinstance(op, sym.MulOp)]
        return design, ops, sum(model.dsp_blocks_of(op) for op in ops)

    plain, ops, base = compiled(None)
    shift_adds = sorted((op for op in ops if op.attributes["mul_impl"].data == "shift_add"),
                        key=_adder_bits, reverse=True)
    assert len(shift_adds) == 2 and _adder_bits(shift_adds[0]) > _adder_bits(shift_adds[1])
    widest = str(shift_adds[0])
    assert compiled(base)[2] == base  # no room: nothing moves
    one, ops, used = compiled(base + 1)
    assert used == base + 1
    moved = [str(op) for op in ops if op.attributes["mul_impl"].data == "dsp"
             and str(op).replace("mul_impl dsp", "mul_impl shift_add") == widest]
    assert len(moved) == 1  # the product with the most adder bits
    assert one.latency <= plain.latency
    both, ops, used = compiled(base + 10)
    assert used == base + 2 and all(op.attributes["mul_impl"].data == "dsp" for op in ops)
    X = np.random.default_rng(5).uniform(-32, 32, size=(300, 3))
    assert np.array_equal(both.predict(X), plain.predict(X))
    if clock is not None:
        assert np.array_equal(both.simulate(X), both.predict(X))


@pytest.mark.parametrize("budget", [-1, True, 2.5, "4"])
def test_bad_dsp_budget_is_refused(budget):
    import symc

    with pytest.raises(SymcError, match="dsp_budget must be a number of DSP blocks"):
        symc.compile("x0*x1", inputs=["x0", "x1"], clock_ns=5.0, dsp_budget=budget)


def test_dsp_budget_leaves_a_product_no_stage_could_hold_in_shifts_and_adds():
    # On ECP5 at 7 ns a MULT18X18D (5.92 ns) does not fit a stage, the shift-adds do.
    import symc

    design = symc.compile("0.8381*x0 + 0.3923*x1", inputs=["x0", "x1"],
                          precision="ap_fixed<10,4>", clock_ns=7.0, family="ecp5",
                          dsp_budget=4)
    impls = [op.attributes["mul_impl"].data for op in design.fixed_module.walk()
             if isinstance(op, sym.MulOp)]
    assert impls == ["shift_add", "shift_add"]
    assert design.latency == 1
