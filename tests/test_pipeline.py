"""Pipelined designs in Verilator: one new vector every cycle, each result `latency` cycles later.

The testbench (symc.toolchain.verilator.Testbench with a clock) applies vector t in cycle t and
samples the outputs in cycle t + latency; the results must equal the emulator's bit for bit. A
design whose registers were unbalanced, or whose latency were misreported by one cycle, would
return the outputs of other vectors and fail. Each Verilator build costs seconds: hypothesis
draws few designs, each with several random expressions.
"""

from __future__ import annotations

import numpy as np
import pytest
from expressions import INPUTS, expressions
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import symc
from symc.toolchain.verilator import Testbench

RANGES = {"x0": (-4.0, 4.0), "x1": (-1.3, 2.1), "x2": (0.0, 3.0)}
CLOCK = {"xc7": 10.0, "xcup": 4.0}
"""Periods that every op of the random expressions fits (wide DSP products span stages)."""


def sample(n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    lo = np.array([RANGES[k][0] for k in INPUTS])
    hi = np.array([RANGES[k][1] for k in INPUTS])
    return rng.uniform(lo, hi, size=(n, len(INPUTS)))


@pytest.mark.slow
@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(exprs=st.lists(expressions, min_size=4, max_size=6),
       family=st.sampled_from(["xc7", "xcup"]),
       control=st.sampled_from([(False, False), (True, True)]),
       seed=st.integers(0, 2**16))
def test_streaming_equals_emulator(exprs, family, control, seed):
    reset, valid = control
    # Input and output registers guarantee a latency of at least 2 whatever the expressions.
    design = symc.compile(exprs, inputs=RANGES, precision="ap_fixed<14,5>",
                          clock_ns=CLOCK[family],
                          family=family, input_registers=True, output_registers=True,
                          reset=reset, valid=valid)
    assert design.latency >= 2
    X = sample(600, seed)
    assert np.array_equal(design.simulate(X), design.predict(X))


@pytest.fixture(scope="module")
def deep_design():
    exprs = ["x0*x1*x2 + 0.75*x0 - x1*x1", "max(x0*x0, x1) - abs(x2*x1)", "x0*(x1 + x2)*x0"]
    return symc.compile(exprs, inputs=RANGES, clock_ns=2.5, family="xcup", valid=True)


@pytest.mark.slow
def test_deep_pipeline_latency_is_exact(deep_design):
    design = deep_design
    assert design.latency >= 2
    X = sample(1000, 5)
    expected = design.predict(X)
    assert np.array_equal(design.simulate(X), expected)
    # Sampling one cycle early or late returns neighbouring vectors' results: not equal.
    ports = [(p.name, p.format.width) for p in design.inputs] + [("valid_in", 1)]
    outs = [(p.name, p.format.width) for p in design.outputs] + [("valid_out", 1)]
    raw = design.quantize_inputs(X)
    vectors = [[int(c[i]) % (1 << p.format.width) for c, p in zip(raw, design.inputs,
                                                                  strict=True)] + [i % 3 != 0]
               for i in range(len(X))]
    for latency in (design.latency - 1, design.latency, design.latency + 1):
        with Testbench(design.verilog, design.name, ports, outs, clock="clk",
                       latency=latency) as bench:
            results = bench.run(vectors)
        first = [r[0] for r in results]
        width = design.outputs[0].format.width
        expected_bits = [int(v) % (1 << width) for v in
                         np.round(expected[:, 0] / design.outputs[0].format.lsb).astype(int)]
        valid = [r[-1] for r in results]
        if latency == design.latency:
            assert first == expected_bits
            # valid_out is valid_in of the same vector, delayed alongside the data.
            assert valid == [int(i % 3 != 0) for i in range(len(X))]
        else:
            assert first != expected_bits


@pytest.mark.slow
def test_table_too_slow_for_a_stage_is_split():
    """A table whose index and ROM do not fit one period together: the index is registered and
    the ROM read in the next stage; the results are still the emulator's."""
    from symc.delays import load
    from symc.dialects import sym

    options = dict(inputs={"x0": (-8.0, 8.0), "x1": (-2.0, 2.0)}, precision="ap_fixed<16,6>",
                   tables={"*": {"entries": 256, "indexing": "hls4ml"}}, family="xcup")
    expr = "sin(x0)*x1 + x1"
    model = load("xcup")
    plain = symc.compile(expr, **options)
    lut = next(op for op in plain.fixed_module.walk() if isinstance(op, sym.LutOp))
    total, parts = model.op_delay(lut), model.table_parts(lut)
    assert parts is not None and max(parts) < total
    clock = model.register_ns + (max(parts) + total) / 2
    design = symc.compile(expr, clock_ns=clock, **options)
    lut = next(op for op in design.fixed_module.walk() if isinstance(op, sym.LutOp))
    assert lut.attributes["rom_stage"].value.data == lut.attributes["stage"].value.data + 1
    assert "lut_idx" in design.verilog or "_s1" in design.verilog
    rng = np.random.default_rng(2)
    X = np.stack([rng.uniform(-8, 8, 600), rng.uniform(-2, 2, 600)], axis=1)
    assert np.array_equal(design.simulate(X), design.predict(X))


@pytest.mark.slow
def test_range_reduced_tables_stream_and_are_timed_with_their_shifter():
    """exp as 2**f scaled by 2**k and sin*cos as one table, pipelined: the exp table is timed
    with its shifter (never split), and the stream equals the emulator."""
    from symc.delays import load
    from symc.dialects import sym

    exprs = ["exp(x0) - sin(x1)*x2*cos(x1)", "exp(-x1*x2)"]
    # An exp table computes after its ROM read (the shift by k) and is never split: a
    # period that holds it whole.
    design = symc.compile(exprs, inputs=RANGES, precision="ap_fixed<16,6>",
                          tables={"*": {"entries": 256}}, clock_ns=16.0, family="xcup",
                          output_registers=True)
    assert {t["reduction"] for t in design.tables} == {"exp2", "period"}
    assert sorted(t["function"] for t in design.tables) == ["exp", "exp", "sincos"]
    model = load("xcup")
    luts = [op for op in design.fixed_module.walk() if isinstance(op, sym.LutOp)]
    for op in luts:
        if op.spec.exponent:
            assert model.table_parts(op) is None
            plain = model.delay("table_mul", np.log2(op.spec.entries))
            assert model.op_delay(op) > plain  # the scaling by 2**k after the ROM is timed
    assert design.latency >= 2
    X = sample(800, 9)
    assert np.array_equal(design.simulate(X), design.predict(X))


@pytest.mark.slow
@pytest.mark.parametrize("expr, precision, ranges", [
    ("x0*x1 - x1", "ap_fixed<32,12>", {"x0": (-2000.0, 2000.0), "x1": (-100.0, 100.0)}),
    ("x0*x1 - x1", "ap_ufixed<34,12>", {"x0": (0.0, 4000.0), "x1": (0.0, 100.0)}),
    ("x0*x0 + x1", "ap_fixed<30,10>", {"x0": (-500.0, 500.0), "x1": (-0.5, 0.5)}),
])
def test_wide_product_is_cut_into_partial_products_on_ecp5(expr, precision, ranges):
    """ECP5 has no DSP pipelining in its flow: a product too slow for one period is cut into
    17-bit pieces, their products registered and summed in the next stage; still bit-exact."""
    from symc.delays import load
    from symc.dialects import sym

    model = load("ecp5")
    design = symc.compile(expr, inputs=ranges, precision=precision, clock_ns=10.0,
                          family="ecp5")
    mul = next(op for op in design.fixed_module.walk() if isinstance(op, sym.MulOp))
    assert model.op_delay(mul) > 10.0 - model.register_ns
    parts = model.mul_parts(mul)
    assert parts is not None and max(parts) <= 10.0 - model.register_ns
    assert mul.attributes["sum_stage"].value.data == mul.attributes["stage"].value.data + 1
    rng = np.random.default_rng(7)
    lo = np.array([ranges["x0"][0], ranges["x1"][0]])
    hi = np.array([ranges["x0"][1], ranges["x1"][1]])
    X = np.concatenate([rng.uniform(lo, hi, size=(500, 2)),
                        np.array([lo, hi, [lo[0], hi[1]], [hi[0], lo[1]]])])
    assert np.array_equal(design.simulate(X), design.predict(X))


@pytest.mark.slow
def test_chains_of_dsp_blocks_span_stages_and_stream():
    """Products wider than one DSP48E2 are chains of blocks (xcup); at 2.5 ns each chain
    spans two stages, and the design still streams bit-exactly."""
    from symc.delays import load
    from symc.dialects import sym

    design = symc.compile(["x0*x1*x2*x0 - x1", "x2*x2*x1*x0*x1"], inputs=RANGES,
                          precision="ap_fixed<24,8>", clock_ns=2.5, family="xcup", valid=True)
    model = load("xcup")
    chains = [op for op in design.fixed_module.walk()
              if isinstance(op, sym.MulOp) and "cascade_pieces" in op.attributes]
    assert len(chains) >= 4
    assert all(model.op_delay(op) > 2.5 - model.register_ns for op in chains)
    X = sample(1500, 3)
    assert np.array_equal(design.simulate(X), design.predict(X))
