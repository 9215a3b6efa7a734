"""The emulator: the legalized ``sym`` IR evaluated bit-exactly in numpy integer arithmetic.

This is the specification of every design (contract 2 of docs/architecture.md): RTL
simulation and HLS C simulation must equal it bit for bit. Values are raw integers (the value
times ``2**F``); exact ops compute exactly, ``sym.cast`` calls :func:`symc.fixed.cast_raw`.
When every intermediate fits 62 bits the arrays are int64 (fast, vectorized); otherwise they
are object arrays of Python integers (exact at any width, slower). Nothing ever wraps silently.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Operation, SSAValue

from symc.dialects import sym
from symc.fixed import FixedFormat, cast_raw
from symc.frontend.errors import SymcError

FAST_WIDTH = 62
"""Widest intermediate the int64 path handles (two bits of headroom for shifts and compares)."""


def _align(raw: Any, src: FixedFormat, dst: FixedFormat) -> Any:
    shift = dst.frac_bits - src.frac_bits
    return raw << shift if shift > 0 else raw


def _widest(op: Operation) -> int:
    """Bits the evaluation of ``op`` may need (its operands aligned, its casts' carries)."""
    widths = [sym.format_of(v).width for v in (*op.operands, *op.results)]
    if isinstance(op, sym.CastOp):
        src, dst = sym.format_of(op.input), sym.format_of(op.result)
        widths.append(src.width + max(0, dst.frac_bits - src.frac_bits) + 1)
    if isinstance(op, sym.LutOp):
        # The index arithmetic: (x - start) * mult, or x * scale - start.
        spec = op.spec
        widths.append(sym.format_of(op.operand).width + 2
                      + max(abs(spec.mult_raw), abs(spec.scale_raw),
                            abs(spec.start_raw)).bit_length())
        # (T[i+1] - T[i]) * frac, and an exponent table's 2 * entry before its shift.
        widths.append(spec.entry_format.width + 2 + spec.interp_bits)
        if spec.normalized:  # the divisor shifted left by the index bits
            widths.append(sym.format_of(op.operand).width + spec.entries.bit_length() + 1)
    return max(widths) + 1


def step(op: Operation) -> Callable[[dict[SSAValue, Any]], Any]:
    """How ``op`` computes its raw result from the raw values in ``env`` (numpy arrays, or
    Python integers: a constant's step returns its ``int``)."""
    if isinstance(op, sym.ConstOp):
        raw = op.value.data
        return lambda env: raw
    res = sym.format_of(op.results[0])
    if isinstance(op, sym.CastOp):
        src, quant, overflow = sym.format_of(op.input), op.quant, op.overflow
        x = op.input
        return lambda env: cast_raw(env[x], src, res, quant, overflow)
    if isinstance(op, sym.BinarySymOp):
        a, b = op.lhs, op.rhs
        fa, fb = sym.format_of(a), sym.format_of(b)
        if isinstance(op, sym.MulOp):
            return lambda env: env[a] * env[b]
        if isinstance(op, sym.AddOp):
            return lambda env: _align(env[a], fa, res) + _align(env[b], fb, res)
        if isinstance(op, sym.SubOp):
            return lambda env: _align(env[a], fa, res) - _align(env[b], fb, res)
        if isinstance(op, sym.MinOp):
            return lambda env: np.minimum(_align(env[a], fa, res), _align(env[b], fb, res))
        if isinstance(op, sym.MaxOp):
            return lambda env: np.maximum(_align(env[a], fa, res), _align(env[b], fb, res))
    if isinstance(op, sym.LutOp):
        table, x = op.spec, op.operand
        return lambda env: table.lookup(env[x])
    if isinstance(op, sym.NegOp):
        x = op.operand
        return lambda env: -env[x]
    if isinstance(op, sym.AbsOp):
        x = op.operand
        return lambda env: np.abs(env[x])
    raise SymcError(f"the emulator cannot evaluate '{op.name}'")


class Emulator:
    """Evaluates one legalized kernel on raw integer arrays."""

    def __init__(self, module: ModuleOp):
        kernels = [k for k in module.walk() if isinstance(k, sym.KernelOp)]
        if len(kernels) != 1:
            raise SymcError(f"expected one sym.kernel, found {len(kernels)}")
        self.kernel = kernels[0]
        self.input_formats = [sym.format_of(a) for a in self.kernel.body.block.args]
        self.output_formats = [sym.format_of(v) for v in self.kernel.output_op.operands]
        ops = list(self.kernel.body.ops)
        self.exact_int64 = all(_widest(op) <= FAST_WIDTH for op in ops) and all(
            f.width < FAST_WIDTH for f in self.input_formats
        )
        self._steps: list[tuple[SSAValue, Callable[[dict[SSAValue, Any]], Any]]] = [
            (op.results[0], step(op)) for op in ops if not isinstance(op, sym.OutputOp)
        ]

    def run_raw(self, inputs: Sequence[np.ndarray]) -> list[np.ndarray]:
        """Raw integer outputs (int64 or object arrays) for raw integer input columns."""
        dtype = np.int64 if self.exact_int64 else object
        n = len(inputs[0]) if inputs else 1
        env: dict[SSAValue, Any] = {
            arg: np.asarray(col).astype(dtype)
            for arg, col in zip(self.kernel.body.block.args, inputs, strict=True)
        }
        for value, step in self._steps:
            result = step(env)
            if not isinstance(result, np.ndarray):
                result = np.full(n, result, dtype=dtype)
            env[value] = result
        return [np.asarray(env[v]) for v in self.kernel.output_op.operands]

    def run_float(self, raw_inputs: Sequence[np.ndarray]) -> np.ndarray:
        """Outputs as float64, one column per output."""
        outs = self.run_raw(raw_inputs)
        cols = [fmt.to_float(o) for fmt, o in zip(self.output_formats, outs, strict=True)]
        return np.stack(cols, axis=1) if cols else np.zeros((0, 0))
