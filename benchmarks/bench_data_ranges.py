"""What ranges read from data would save on the jet model: integer bits of every value.

``precision="auto"`` gives each value the integer bits its interval (over the declared input
ranges) needs, so nothing overflows for any input inside them. Ranges measured on data instead
(with saturation outside) would give each value the bits of its largest value on that data.
This benchmark measures the difference before building it: the jet model's ``auto`` builds
(the five final expressions, inputs in [-4, 4], 5 ns on UltraScale+) run by the emulator on
20,000 N(0,1) rows clipped to [-4, 4], each value's smallest and largest raw integer
recorded, and the bits that range needs compared with the bits the design gives it.

An upper bound on the saving: it ignores the margin such ranges would need for rows beyond the
data, and the compare-and-select logic of every saturation they would add. Adder bits are
sums, differences and negations, and the adders of shift-add products (one per signed digit
after the first, of the product's width); LUTs at the resource model's price of an adder bit.

Needs ../shared/benchmarks/jet_tagging_pysr. Run: python benchmarks/bench_data_ranges.py
(about a minute).
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import numpy as np
from xdsl.interpreter import Interpreter

import symc
from symc.delays import constant_operand, csd_digits, mul_impl
from symc.dialects import sym
from symc.emulator import Emulator, WideArray
from symc.estimate import estimate, features, load_model
from symc.fixed import format_for_raw_range

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_jet_budget import INPUTS, JET, final_model  # noqa: E402

BUILDS = [("auto 0.1", dict(max_error=0.1)), ("auto 0.05", dict(max_error=0.05)),
          ("auto 0.1, turns", dict(max_error=0.1, turns=True))]


class Extremes:
    """An interpreter listener: the smallest and largest raw value of every op result."""

    def __init__(self) -> None:
        self.seen: dict = {}

    def will_interpret_op(self, op, inputs) -> None:
        pass

    def did_interpret_op(self, op, results) -> None:
        for value, raw in zip(op.results, results, strict=True):
            arr = np.asarray(raw.to_objects() if isinstance(raw, WideArray) else raw)
            lo, hi = int(arr.min()), int(arr.max())
            old = self.seen.get(value)
            self.seen[value] = (lo, hi) if old is None else (min(lo, old[0]), max(hi, old[1]))


def adders(op) -> int:
    """How many adders of the result's width the op is (0 for anything but arithmetic)."""
    if isinstance(op, sym.AddOp | sym.SubOp | sym.NegOp):
        return 1
    if isinstance(op, sym.MulOp) and mul_impl(op) == "shift_add":
        constant = constant_operand(op)
        return len(csd_digits(abs(constant[1]))) - 1 if constant else 1
    return 0


def measure(label: str, options: dict, X: np.ndarray, price: float) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        design = symc.compile(final_model(), INPUTS, precision="auto", clamp_inputs=False,
                              clock_ns=5.0, **options)
    emulator = Emulator(design.fixed_module)
    listener = Extremes()
    interpreter = Interpreter(emulator.module, listeners=(listener,))
    interpreter.register_implementations(emulator._functions)
    interpreter.run_ssacfg_region(emulator.kernel.body, tuple(design.quantize_inputs(X)),
                                  "kernel")
    kinds = {"sums": [0, 0, 0], "products": [0, 0, 0], "other": [0, 0, 0]}
    freed_adder_bits = 0
    for op in emulator.kernel.body.ops:
        for value in op.results:
            if value not in listener.seen or isinstance(op, sym.ConstOp):
                continue
            fmt = value.type.format
            lo, hi = listener.seen[value]
            needed = format_for_raw_range(lo, hi, fmt.frac_bits, fmt.signed).width
            freed = max(0, fmt.width - needed)
            kind = ("sums" if isinstance(op, sym.AddOp | sym.SubOp | sym.NegOp)
                    else "products" if isinstance(op, sym.MulOp) else "other")
            kinds[kind][0] += 1
            kinds[kind][1] += fmt.width
            kinds[kind][2] += freed
            freed_adder_bits += adders(op) * freed
    total = features(design)["add_bits"]
    rows = [f"| {label} | {k} | {n} | {w} | {f} ({f / max(w, 1):.1%}) | | |"
            for k, (n, w, f) in kinds.items()]
    rows.append(f"| {label} | adder bits | | {total:.0f} | {freed_adder_bits} "
                f"({freed_adder_bits / total:.1%}) | {estimate(design)['lut']} | "
                f"<= {price * freed_adder_bits:.0f} |")
    return "\n".join(rows)


def main() -> int:
    if not JET.is_dir():
        print(f"skipped: {JET} is absent")
        return 0
    X = np.clip(np.random.default_rng(0).standard_normal((20000, 16)), -4, 4)
    price = load_model("xcup").lut["add_bits"]
    print("| build | values | count | bits in the design | bits data ranges free | "
          "estimate LUT | LUT saved |")
    print("|---|---|---|---|---|---|---|")
    for label, options in BUILDS:
        print(measure(label, options, X, price), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
