"""Benchmarks of the compiler spine, printed as tables (not timed tests).

1. compile time, expression text -> Verilog, for designs of 10, 50 and 200 operations;
2. emulator throughput (samples/s, one core) for a 20-operation design;
3. Verilator: testbench build time and run time for 100k vectors.

Run: python benchmarks/bench_spine.py   (the machine is shared: read ratios, not absolutes)
"""

from __future__ import annotations

import random
import time

import numpy as np
from timing import timed

import symc
from symc.dialects import sym

N_INPUTS = 16


def polynomial(n_ops: int, seed: int = 0) -> str:
    """A PySR-like sum of distinct scaled monomials over x0..x15 with about ``n_ops`` operations.

    Each term ``c*xi*xj`` costs two multiplications and one addition; monomials are distinct so
    that sympy cannot merge terms and the operation count is what it says.
    """
    rng = random.Random(seed)
    pairs = [(i, j) for i in range(N_INPUTS) for j in range(i, N_INPUTS)]
    rng.shuffle(pairs)
    terms = []
    for i, j in pairs[: max(1, (n_ops + 1) // 3)]:
        terms.append(f"{round(rng.uniform(0.1, 2.0), 6)}*x{i}*x{j}")
    return " + ".join(terms)


def count_ops(design: symc.Design) -> int:
    kernel_text = design.mlir("sym")
    return sum(kernel_text.count(f" = sym.{op} ") for op in ("add", "sub", "mul", "neg", "abs",
                                                             "min", "max"))


def bench_compile() -> None:
    print("## compile time: expression text -> Verilog (median of 5)")
    print(f"| {'target ops':>10} | {'ops':>5} | {'ap_fixed<16,6> s':>16} | {'auto s':>8} |")
    print(f"|{'-' * 12}|{'-' * 7}|{'-' * 18}|{'-' * 10}|")
    inputs = {f"x{i}": (-4.0, 4.0) for i in range(N_INPUTS)}
    symc.compile("x0 + x1")  # imports and first-call caches out of the measurement
    for n in (10, 50, 200):
        text = polynomial(n)
        t_ap, design = timed(lambda text=text: symc.compile(text, inputs=inputs), 5)
        t_auto, _ = timed(lambda text=text: symc.compile(text, inputs=inputs, precision="auto"), 5)
        print(f"| {n:>10} | {count_ops(design):>5} | {t_ap:>16.3f} | {t_auto:>8.3f} |")


def bench_emulator() -> None:
    print("\n## emulator throughput, 20-operation design, 1M samples (median of 3)")
    print(f"| {'precision':>16} | {'int64 path':>10} | {'Msamples/s':>10} |")
    print(f"|{'-' * 18}|{'-' * 12}|{'-' * 12}|")
    inputs = {f"x{i}": (-4.0, 4.0) for i in range(N_INPUTS)}
    text = polynomial(20, seed=1)
    X = np.random.default_rng(0).uniform(-4, 4, size=(1_000_000, N_INPUTS))
    for precision in ("ap_fixed<16,6>", "auto"):
        design = symc.compile(text, inputs=inputs, precision=precision)
        raw = design.quantize_inputs(X)
        t, _ = timed(lambda d=design, r=raw: d.emulator.run_raw(r), 3)
        t_all, _ = timed(lambda d=design: d.predict(X), 3)
        print(f"| {precision:>16} | {str(not design.emulator.wide_ops):>10} | "
              f"{len(X) / t / 1e6:>10.1f} |  (with float quantization: {len(X) / t_all / 1e6:.1f})")
    wide = symc.compile("x0*x1*x2*x3 + x4*x5*x6*x7", precision="ap_fixed<24,8>")
    Xw = X[:200_000, :8]
    t, _ = timed(lambda: wide.predict(Xw), 3)
    print(f"| {'96-bit products':>16} | {str(not wide.emulator.wide_ops):>10} | "
          f"{len(Xw) / t / 1e6:>10.2f} |  (32-bit limbs)")


def bench_verilator() -> None:
    print("\n## Verilator: build once, run 100k vectors (20-operation design)")
    inputs = {f"x{i}": (-4.0, 4.0) for i in range(N_INPUTS)}
    design = symc.compile(polynomial(20, seed=1), inputs=inputs)
    X = np.random.default_rng(0).uniform(-4, 4, size=(100_000, N_INPUTS))
    start = time.perf_counter()
    first = design.simulate(X[:10])
    build = time.perf_counter() - start
    start = time.perf_counter()
    simulated = design.simulate(X)
    run = time.perf_counter() - start
    assert np.array_equal(simulated, design.predict(X)) and len(first) == 10
    print("| build s | 100k vectors s | vectors/s | bit-exact |")
    print("|---------|----------------|-----------|-----------|")
    print(f"| {build:>7.2f} | {run:>14.2f} | {len(X) / run:>9.0f} | yes       |")


if __name__ == "__main__":
    assert sym.Sym is not None
    bench_compile()
    bench_emulator()
    bench_verilator()
