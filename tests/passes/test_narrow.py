"""sym-narrow: folding constants and dropping unobservable high bits changes no output bit.

The pass is checked against the legalized kernel it started from, both run by the emulator, on
raw inputs drawn over the whole input format (values that overflow every intermediate format
included), for random expressions and every quantization and overflow mode.
"""

from __future__ import annotations

import numpy as np
import pytest
import sympy
from expressions import expressions
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from xdsl.context import Context

import symc
from symc.dialects import sym
from symc.emulator import Emulator
from symc.fixed import Overflow, Quant
from symc.passes.legalize_fixed import SymLegalizeFixedPass
from symc.passes.narrow import MODULAR_QUANT, SymNarrowPass

precisions = st.builds(
    lambda w, i, q, o, s: f"ap_{'' if s else 'u'}fixed<{w},{i},{q},{o}>",
    st.integers(4, 20),
    st.integers(1, 8),
    # Weighted toward the modes that let the pass narrow (wrapping, sign-blind rounding).
    st.sampled_from([*MODULAR_QUANT, *Quant]),
    st.sampled_from([Overflow.AP_WRAP] * 4 + list(Overflow)),
    st.booleans(),
)


def legalized_and_narrowed(exprs, precision: str, tables=None):
    design = symc.compile(exprs, inputs=["x0", "x1", "x2"], precision=precision, tables=tables)
    before = design.stages["lut"].clone()
    SymLegalizeFixedPass(precision=precision).apply(Context(), before)
    after = before.clone()
    SymNarrowPass().apply(Context(), after)
    return before, after


def kernel_ops(module):
    kernel = next(k for k in module.walk() if isinstance(k, sym.KernelOp))
    return list(kernel.body.block.ops)


def widest(module) -> int:
    kernel = next(k for k in module.walk() if isinstance(k, sym.KernelOp))
    values = [*kernel.body.block.args, *(r for op in kernel_ops(module) for r in op.results)]
    return max(v.type.format.width for v in values)


def assert_same_outputs(before, after, inputs) -> None:
    """Both kernels, run by the emulator on the same raw inputs, give the same raw outputs."""
    for w, g in zip(Emulator(before).run_raw(inputs), Emulator(after).run_raw(inputs),
                    strict=True):
        np.testing.assert_array_equal(np.asarray(g, dtype=object), np.asarray(w, dtype=object))


def raw_inputs(module, n: int, seed: int) -> list[np.ndarray]:
    emulator = Emulator(module)
    rng = np.random.default_rng(seed)
    return [rng.integers(f.min_raw, f.max_raw + 1, size=n) for f in emulator.input_formats]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(exprs=st.lists(expressions, min_size=1, max_size=3), precision=precisions,
       seed=st.integers(0, 2**16))
def test_narrowing_changes_no_output_bit(exprs, precision, seed):
    before, after = legalized_and_narrowed(exprs, precision)
    inputs = raw_inputs(before, 2000, seed)
    assert_same_outputs(before, after, inputs)
    assert widest(after) <= widest(before)


def test_a_wrapping_output_narrows_a_product_chain():
    # x0*x1*x2*x0 is ap_fixed<64,24>; the AP_WRAP output keeps 6 integer bits of it.
    before, after = legalized_and_narrowed(["x0*x1*x2*x0 + x1"], "ap_fixed<16,6>")
    assert widest(before) == 65
    assert widest(after) < widest(before)
    ints = [r.type.format.int_bits for op in kernel_ops(after) for r in op.results
            if isinstance(op, sym.AddOp)]
    assert ints == [7]  # 6 integer bits per operand, one more for the carry


def test_a_saturating_output_keeps_every_bit_its_value_can_reach():
    # Saturation observes every integer bit, so only the value's range can narrow it: four
    # ap_fixed<16,6> factors lie within [-2**20, 2**20], plus x1 within [-32, 32): 22 integer
    # bits (ap_fixed's promotion gave 25).
    before, after = legalized_and_narrowed(["x0*x1*x2*x0 + x1"], "ap_fixed<16,6,AP_TRN,AP_SAT>")
    sat = [op for op in kernel_ops(after)
           if isinstance(op, sym.CastOp) and op.overflow is Overflow.AP_SAT]
    assert len(sat) == 1
    assert sat[0].input.type.format.int_bits == 22
    extremes = [np.array([-2**15, 2**15 - 1, -2**15, 2**15 - 1, 0])] * 3
    assert_same_outputs(before, after, extremes)


def test_a_value_its_range_narrows_is_rebuilt_before_a_wider_wrapping_use():
    # -0.5*|x0| in ap_fixed<4,1> lies in [-0.5, 0]: 0 integer bits, and its operands are only
    # needed modulo those. The output wraps to 1 integer bit: it must see the value rebuilt in
    # 0 bits (-0.5 for x0 = -1), not the operands' sum modulo 2**0 (+0.5).
    x0 = sympy.Symbol("x0")
    before, after = legalized_and_narrowed([-0.5 * sympy.Abs(x0)], "ap_fixed<4,1,AP_TRN,AP_WRAP>")
    every = [np.arange(-8, 8), np.zeros(16, dtype=np.int64), np.zeros(16, dtype=np.int64)]
    assert_same_outputs(before, after, every)


def test_a_table_output_narrows_to_its_entries():
    # hls4ml's sin entries lie in [-1, 1): 1 integer bit instead of 6, as does 0.5, so their
    # product has 2 integer bits instead of 12; it lies in [-0.5, 0.5): 0 after a cast.
    tables = {"*": {"entries": 256, "domain": [-8, 8], "indexing": "hls4ml"}}
    before, after = legalized_and_narrowed(["0.5*sin(x0) + x1"], "ap_fixed<16,6>", tables)
    mul = next(op for op in kernel_ops(after) if isinstance(op, sym.MulOp))
    assert mul.result.type.format.int_bits == 2
    (use,) = [u.operation for u in mul.result.uses]
    assert isinstance(use, sym.CastOp) and use.result.type.format.int_bits == 0
    inputs = raw_inputs(before, 5000, 2)
    assert_same_outputs(before, after, inputs)


def test_a_format_sensitive_use_gets_the_format_it_had():
    # abs's result format follows its operand's; the sum before it shrinks with its operands
    # and is sign-extended back to the format abs was built for.
    before, after = legalized_and_narrowed(["abs(2*x0 + x1)"], "ap_ufixed<4,1>")
    abs_before = next(op for op in kernel_ops(before) if isinstance(op, sym.AbsOp))
    abs_after = next(op for op in kernel_ops(after) if isinstance(op, sym.AbsOp))
    assert abs_after.operands[0].type == abs_before.operands[0].type
    inputs = raw_inputs(before, 256, 3)
    assert_same_outputs(before, after, inputs)


def test_a_table_of_a_constant_is_folded():
    tables = {"*": {"entries": 256, "domain": [-8, 8], "indexing": "hls4ml"}}
    before, after = legalized_and_narrowed(["sin(0.5)*x0 + cos(x1)"], "ap_fixed<16,6>", tables)
    luts = [op for op in kernel_ops(after) if isinstance(op, sym.LutOp)]
    assert [op.spec.function for op in luts] == ["cos"]
    assert sum(isinstance(op, sym.LutOp) for op in kernel_ops(before)) == 2
    inputs = raw_inputs(before, 5000, 1)
    assert_same_outputs(before, after, inputs)


def test_compile_runs_the_pass():
    design = symc.compile("x0*x1*x0 - x1", inputs=["x0", "x1"], precision="ap_fixed<16,6>")
    kernel = next(k for k in design.fixed_module.walk() if isinstance(k, sym.KernelOp))
    subs = [op for op in kernel.body.block.ops if isinstance(op, sym.SubOp)]
    assert [op.result.type.format.int_bits for op in subs] == [7]  # was 19


def test_needs_fixed_point_types():
    design = symc.compile("x0 + 1", inputs=["x0"])
    module = design.stages["lut"].clone()
    with pytest.raises(symc.SymcError, match="run sym-legalize-fixed first"):
        SymNarrowPass().apply(Context(), module)


@pytest.mark.parametrize("quant", ["AP_TRN", "AP_RND", "AP_RND_MIN_INF"])
def test_rounding_moves_before_a_sum_with_a_coarse_operand(quant):
    # Q(x0*x1 + x2) = Q(x0*x1) + x2 when x2 has no bit below the output's: the sum is then
    # 16 fractional bits wide, not 20.
    precision = f"ap_fixed<16,6,{quant},AP_WRAP>"
    before, after = legalized_and_narrowed(["x0*x1 + x2"], precision)
    (add_before,) = [op for op in kernel_ops(before) if isinstance(op, sym.AddOp)]
    (add_after,) = [op for op in kernel_ops(after) if isinstance(op, sym.AddOp)]
    assert add_before.result.type.format.frac_bits == 20
    assert add_after.result.type.format.frac_bits == 10
    inputs = raw_inputs(before, 20000, 4)
    assert_same_outputs(before, after, inputs)


@pytest.mark.parametrize("quant", ["AP_RND_CONV", "AP_RND_ZERO", "AP_TRN_ZERO"])
def test_rounding_that_sees_sign_or_parity_stays_after_the_sum(quant):
    # Ties to even and rounding toward zero are not shift-invariant: the sum stays exact.
    before, after = legalized_and_narrowed(["x0*x1 + x2"], f"ap_fixed<16,6,{quant},AP_WRAP>")
    (add_after,) = [op for op in kernel_ops(after) if isinstance(op, sym.AddOp)]
    assert add_after.result.type.format.frac_bits == 20


@settings(max_examples=80, deadline=None)
@given(template=st.sampled_from(["x0*x1 + x2", "x0*x1 - x2", "x2 - x0*x1", "x2 + x0*x1 - 0.75",
                                 "(x0*x1 + x2)*x0 - x1 + 1.5", "x0*x1*x2 + x0*x1 - x2"]),
       quant=st.sampled_from(list(Quant)), overflow=st.sampled_from(list(Overflow)),
       width=st.integers(5, 18), int_bits=st.integers(1, 6), seed=st.integers(0, 2**16))
def test_sums_before_a_rounding_output_change_no_bit(template, quant, overflow, width, int_bits,
                                                     seed):
    before, after = legalized_and_narrowed([template], f"ap_fixed<{width},{int_bits},{quant},"
                                                       f"{overflow}>")
    inputs = raw_inputs(before, 3000, seed)
    assert_same_outputs(before, after, inputs)
