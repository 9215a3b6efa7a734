"""The jet-tagging model built with da4ml, for comparison (not part of symc).

da4ml (``pip install da4ml``) traces numpy-style arithmetic on fixed-point variables, solves
the constant products as shared adder graphs, and writes Verilog. It has no periodic table, so
each ``sin(u)`` / ``cos(u)`` is built the way a da4ml user would by hand: the argument times
``2**T / 2pi`` (12 fractional bits), wrapped to ``T`` bits, then a ``2**T``-entry table of
``sin(2 pi k / 2**T)`` with 8 fractional bits. Inputs and every product keep ``F`` fractional
bits (truncated). Constants are rounded to ``F`` fractional bits first: a float64 constant left
with all its mantissa bits gave outputs off by 0.5 in da4ml 0.6.0's interpreter.

:func:`build` returns the traced logic (whose ``predict`` is da4ml's own bit-exact emulator);
:func:`synthesize` runs the same yosys script symc's reports use on da4ml's Verilog.
"""

from __future__ import annotations

import math
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import sympy

from symc.frontend.parse import parse_expression
from symc.toolchain import yosys


def build(exprs: list[str], names: list[str], frac_bits: int = 10, index_bits: int = 10,
          table_frac_bits: int = 8) -> Any:
    from da4ml.trace import FixedVariableArrayInput, comb_trace
    from da4ml.trace.ops import quantize

    F, T = frac_bits, index_bits
    inputs = FixedVariableArrayInput(len(names))
    quantized = quantize(inputs, 1, 3, F, "WRAP", "TRN")  # [-8, 8): the inputs lie in [-4, 4]
    symbols = {sympy.Symbol(n): quantized[i:i + 1] for i, n in enumerate(names)}
    turn_scale = round(2**T / (2 * math.pi) * 2**12) / 2**12

    def constant(value: Any) -> float:
        return round(float(value) * 2**F) / 2**F

    def table(u: Any, fn: Any) -> Any:
        index = quantize(u * turn_scale, 1, T - 1, 0, "WRAP", "TRN")
        return index.apply(lambda k: fn(2 * np.pi * k / 2**T)).quantize(
            1, 1, table_frac_bits, "SAT", "RND")

    def walk(e: sympy.Expr) -> Any:
        if e.is_Symbol:
            return symbols[e]
        if e.is_Number:
            return constant(e)
        args = [walk(a) for a in e.args]
        if e.is_Add or e.is_Mul:
            out = args[0]
            for a in args[1:]:
                if isinstance(out, float):  # a float on the left has no da4ml operator
                    out, a = a, out
                out = out + a if e.is_Add else out * a
            if isinstance(out, float):
                return constant(out)
            return out if e.is_Add else quantize(out, 1, 8, F, "WRAP", "TRN")
        if e.is_Pow and e.exp.is_Integer and int(e.exp) > 0:
            out = args[0]
            for _ in range(int(e.exp) - 1):
                out = quantize(out * args[0], 1, 8, F, "WRAP", "TRN")
            return out
        if isinstance(e, sympy.sin | sympy.cos):
            fn = np.sin if isinstance(e, sympy.sin) else np.cos
            if isinstance(args[0], float):
                return constant(fn(args[0]))
            return table(args[0], fn)
        raise ValueError(f"no da4ml build for {e.func.__name__}")

    outputs = [quantize(walk(parse_expression(e)), 1, 4, F, "WRAP", "TRN") for e in exprs]
    return comb_trace(inputs, np.concatenate([o._vars for o in outputs]))


def synthesize(comb: Any, family: str = "xcup") -> yosys.Resources:
    """yosys resources of da4ml's combinational Verilog for ``comb``."""
    from da4ml.codegen import VerilogModel

    with tempfile.TemporaryDirectory() as tmp:
        VerilogModel(comb, "jet_da4ml", tmp, print_latency=False).write()
        src = Path(tmp) / "src"
        verilog = "\n".join(p.read_text() for p in
                            [*sorted(src.glob("*.v")), *sorted((src / "static").glob("*.v"))])
        files = {p.name: p.read_text() for p in (src / "memfiles").glob("*.mem")}
    # Its ROM asks for distributed RAM, which yosys cannot map for these tables: let yosys
    # choose (LUTs here, as for symc's ROMs). The generic module's default file must exist.
    verilog = verilog.replace('(* rom_style = (BW_IN <= 999) ? "distributed" : "block" *)', "")
    files["whatever.mem"] = "00\n"
    resources, _ = yosys.synthesize(verilog, "jet_da4ml", family, files=files,
                                    label="yosys (da4ml's Verilog)")
    return resources
