"""sym-narrow: folding constants and dropping unobservable high bits changes no output bit.

The pass is checked against the legalized kernel it started from, both run by the emulator, on
raw inputs drawn over the whole input format (values that overflow every intermediate format
included), for random expressions and every quantization and overflow mode.
"""

from __future__ import annotations

import numpy as np
import pytest
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
    want = Emulator(before).run_raw(inputs)
    got = Emulator(after).run_raw(inputs)
    for w, g in zip(want, got, strict=True):
        np.testing.assert_array_equal(np.asarray(g, dtype=object), np.asarray(w, dtype=object))
    assert widest(after) <= widest(before)


def test_a_wrapping_output_narrows_a_product_chain():
    # x0*x1*x2*x0 is ap_fixed<64,24>; the AP_WRAP output keeps 6 integer bits of it.
    before, after = legalized_and_narrowed(["x0*x1*x2*x0 + x1"], "ap_fixed<16,6>")
    assert widest(before) == 65
    assert widest(after) < widest(before)
    ints = [r.type.format.int_bits for op in kernel_ops(after) for r in op.results
            if isinstance(op, sym.AddOp)]
    assert ints == [7]  # 6 integer bits per operand, one more for the carry


def test_a_saturating_output_keeps_every_bit():
    before, after = legalized_and_narrowed(["x0*x1*x2*x0 + x1"], "ap_fixed<16,6,AP_TRN,AP_SAT>")
    assert [str(op) for op in kernel_ops(after)] == [str(op) for op in kernel_ops(before)]


def test_a_table_of_a_constant_is_folded():
    tables = {"*": {"entries": 256, "domain": [-8, 8], "indexing": "hls4ml"}}
    before, after = legalized_and_narrowed(["sin(0.5)*x0 + cos(x1)"], "ap_fixed<16,6>", tables)
    luts = [op for op in kernel_ops(after) if isinstance(op, sym.LutOp)]
    assert [op.spec.function for op in luts] == ["cos"]
    assert sum(isinstance(op, sym.LutOp) for op in kernel_ops(before)) == 2
    inputs = raw_inputs(before, 5000, 1)
    for w, g in zip(Emulator(before).run_raw(inputs), Emulator(after).run_raw(inputs),
                    strict=True):
        np.testing.assert_array_equal(g, w)


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
