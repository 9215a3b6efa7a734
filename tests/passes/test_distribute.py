"""sym-distribute: x*(a + b) -> x*a + x*b is exact, and is kept only where it saves cycles.

Exactness is checked on the rewrite itself (every candidate of random legalized kernels, both
run by the emulator on raw inputs over the whole input format), independently of whether the
schedule would keep it; the pass's choices on designs where it does and does not save a cycle,
and Verilator streaming of a distributed design, check the rest.
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
from symc.passes.distribute import SymDistributePass, candidates, distribute
from symc.passes.legalize_fixed import SymLegalizeFixedPass

NAMES = ["x0", "x1", "x2", "x3", "x4"]
LATE_SUM = "(x0*x1*x2*x3 + x3)*x4 - 0.5"
"""A product of a sum whose first term is a chain of three products: multiplying x4 into the
terms lets x4*x3 and the chain's last product overlap."""


def legalized(exprs, precision: str):
    design = symc.compile(exprs, inputs=["x0", "x1", "x2"], precision=precision)
    module = design.stages["lut"].clone()
    SymLegalizeFixedPass(precision=precision).apply(Context(), module)
    return module


def kernel_of(module) -> sym.KernelOp:
    return next(k for k in module.walk() if isinstance(k, sym.KernelOp))


def muls(design) -> int:
    return sum(isinstance(op, sym.MulOp) for op in design.fixed_module.walk())


def _product_of_sum(a, b, c, subtract: bool):
    total = sympy.Add(a, -b if subtract else b, evaluate=False)
    return sympy.Mul(total, c, evaluate=False)


products_of_sums = st.builds(_product_of_sum, expressions, expressions, expressions,
                             st.booleans())
"""Random expressions rarely multiply a sum (sympy multiplies numbers into sums): these do."""


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(exprs=st.lists(st.one_of(products_of_sums, expressions), min_size=1, max_size=3),
       precision=st.sampled_from(["ap_fixed<16,6>", "ap_fixed<10,3,AP_RND,AP_SAT>",
                                  "ap_ufixed<8,2>", "ap_fixed<20,8,AP_RND_CONV,AP_WRAP>"]),
       seed=st.integers(0, 2**16))
def test_distributing_changes_no_output_bit(exprs, precision, seed):
    before = legalized(exprs, precision)
    emulator = Emulator(before)
    rng = np.random.default_rng(seed)
    inputs = [rng.integers(f.min_raw, f.max_raw + 1, size=1000) for f in emulator.input_formats]
    want = emulator.run_raw(inputs)
    for index, operand in candidates(kernel_of(before))[:4]:
        after = before.clone()
        distribute(kernel_of(after), index, operand)
        after.verify()
        assert (sum(isinstance(op, sym.MulOp) for op in kernel_of(after).body.block.ops)
                == sum(isinstance(op, sym.MulOp) for op in kernel_of(before).body.block.ops) + 1)
        for w, g in zip(want, Emulator(after).run_raw(inputs), strict=True):
            np.testing.assert_array_equal(np.asarray(g, dtype=object),
                                          np.asarray(w, dtype=object))


@pytest.mark.slow
@pytest.mark.parametrize(("family", "clock", "expr", "kept", "distributed"),
                         [("xcup", 5.0, LATE_SUM, 7, 6),
                          ("ecp5", 6.5, "(x0*x1*x2 + x3)*x4", 11, 10)])
def test_a_late_sum_is_multiplied_out_when_it_saves_a_cycle(family, clock, expr, kept,
                                                            distributed):
    plain = symc.compile(expr, inputs=NAMES, clock_ns=clock, family=family, distribute=False)
    design = symc.compile(expr, inputs=NAMES, clock_ns=clock, family=family)
    assert (plain.latency, design.latency) == (kept, distributed)
    assert muls(design) == muls(plain) + 1
    rng = np.random.default_rng(3)
    X = np.concatenate([rng.uniform(-32, 32, size=(400, 5)), rng.normal(size=(400, 5))])
    assert np.array_equal(design.predict(X), plain.predict(X))
    assert np.array_equal(design.simulate(X), design.predict(X))


def test_no_cycle_saved_no_rewrite():
    # x4 is ready with the inputs, the sum right after the chain: nothing to overlap.
    plain = symc.compile("(x0*x1*x2 + x3)*x4", inputs=NAMES, clock_ns=5.0, distribute=False)
    design = symc.compile("(x0*x1*x2 + x3)*x4", inputs=NAMES, clock_ns=5.0)
    assert design.latency == plain.latency
    assert design.mlir("fixed") == plain.mlir("fixed")


def test_without_a_clock_the_products_stay_as_written():
    plain = symc.compile(LATE_SUM, inputs=NAMES, distribute=False)
    design = symc.compile(LATE_SUM, inputs=NAMES)
    assert design.mlir("fixed") == plain.mlir("fixed")
    module = plain.stages["lut"].clone()
    SymLegalizeFixedPass(precision="ap_fixed<16,6>").apply(Context(), module)
    text = str(module)
    SymDistributePass(clock_ns=None).apply(Context(), module)
    assert str(module) == text


def test_cli_keeps_products_with_no_distribute(tmp_path, capsys):
    from symc.cli import main

    args = ["compile", LATE_SUM, "--inputs", ",".join(NAMES), "--clock-ns", "5"]
    assert main([*args, "-o", str(tmp_path / "a")]) == 0
    assert "latency: 6 cycles" in capsys.readouterr().out
    assert main([*args, "--no-distribute", "-o", str(tmp_path / "b")]) == 0
    assert "latency: 7 cycles" in capsys.readouterr().out
