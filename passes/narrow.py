"""``sym-narrow``: fold constant ops, and drop the high bits of values that no output can observe.

A transform on the legalized fixed-point IR (after ``sym-legalize-fixed``, before
``sym-schedule``). ``+``, ``-``, unary minus and ``*`` are ring operations, so they commute with
reduction modulo a power of two: when every use of a value only needs it modulo ``2**D`` (``D``
the position just above the highest bit that can still change a result), its bits from ``D``
up can be dropped, exactly. Casts that wrap (``AP_WRAP``) are where such a demand starts: an
``ap_fixed<16,6>`` output written with ``AP_WRAP`` only ever sees its operand modulo ``2**6``.

This is what makes ``precision="ap_fixed<W,I>"`` affordable: ap_fixed's full-precision
promotion gives a product of six ``ap_fixed<16,6>`` factors 36 integer bits, and a sum of such
products one more per term, all of which the ``AP_WRAP`` output cast then throws away. The
design stays bit-exact with the HLS code it mirrors: it computes the same value modulo the
same power of two.

First, every op whose operands are all constants is replaced by its value (computed by the
emulator's own step for that op, so exactly as the design would compute it): hls4ml's
``sin(-0.75)`` is a table read of a constant index, and ap_fixed arithmetic on constants is
exact. Then the demands.

Demands (``D(v)``: ``v`` is needed modulo ``2**D(v)``; ``I`` integer bits, ``F`` fractional):

* a ``sym.cast`` with ``AP_WRAP`` and a quantization that commutes with adding multiples of
  ``2**I_target`` (``AP_TRN``, ``AP_RND``, ``AP_RND_MIN_INF``, ``AP_RND_CONV``; the ``_ZERO``
  and ``_INF`` modes look at the sign) demands ``min(I_target, D(result))`` of its operand;
* ``add``, ``sub``, ``neg`` pass their result's demand on to each operand;
* ``mul`` demands ``D(result) + F_other - tz`` of each operand (bits of ``a`` at or above that
  position only move the product by multiples of ``2**D(result)``); ``tz`` counts the trailing
  zero bits of a constant other factor;
* every other use (saturating casts, tables, ``abs``, ``min``, ``max``, the kernel's outputs)
  needs the whole value.

A value is then rebuilt with ``min(I, D)`` integer bits (at least one bit wide): constants are
re-emitted wrapped, other values get a ``sym.cast`` with ``AP_WRAP`` that only drops high bits
(a bit slice in hardware, an assignment in HLS C++), and the exact ops after them are rebuilt
with the result formats of :mod:`symc.fixed`, so that they shrink too.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Block, Operation, Region, SSAValue
from xdsl.passes import ModulePass

from symc.dialects import sym
from symc.emulator import step
from symc.fixed import FixedFormat, Overflow, Quant, cast_raw, wrapped_format
from symc.frontend.errors import SymcError

MODULAR_QUANT = (Quant.AP_TRN, Quant.AP_RND, Quant.AP_RND_MIN_INF, Quant.AP_RND_CONV)
"""Quantization modes with ``Q(v + k * 2**I) = Q(v) + k * 2**I`` (blind to the sign)."""

_RING = (sym.AddOp, sym.SubOp, sym.NegOp)


def _format(value: SSAValue) -> FixedFormat:
    if not isinstance(value.type, sym.FixedType):
        raise SymcError(
            f"sym-narrow: a {value.type} value; run sym-legalize-fixed first"
        )
    return value.type.format


def _trailing_zeros(op: Operation | None) -> int:
    """Known zero low bits of a constant's raw value (0 for anything else)."""
    if not isinstance(op, sym.ConstOp):
        return 0
    raw = op.value.data
    if raw == 0:
        return _format(op.result).width
    return (raw & -raw).bit_length() - 1


def _modular(cast: sym.CastOp) -> bool:
    return cast.overflow is Overflow.AP_WRAP and cast.quant in MODULAR_QUANT


def _only_wrapped(value: SSAValue) -> bool:
    """Every use of ``value`` is a wrapping cast, which drops the high bits itself."""
    return all(isinstance(use.operation, sym.CastOp) and _modular(use.operation)
               for use in value.uses)


def demands(kernel: sym.KernelOp) -> dict[SSAValue, int]:
    """For every value, the integer bits its uses can observe (``D`` in the module docstring),
    at most its own."""
    ops = list(kernel.body.block.ops)
    demand: dict[SSAValue, int] = {}

    def need(value: SSAValue, bits: int) -> None:
        own = _format(value).int_bits
        demand[value] = max(demand.get(value, -(1 << 30)), min(bits, own))

    for op in reversed(ops):
        if isinstance(op, sym.OutputOp):
            for value in op.operands:
                need(value, _format(value).int_bits)
            continue
        result = op.results[0] if op.results else None
        wanted = demand.get(result, -(1 << 30)) if result is not None else 0
        if isinstance(op, _RING):
            for value in op.operands:
                need(value, wanted)
        elif isinstance(op, sym.MulOp):
            a, b = op.operands
            for mine, other in ((a, b), (b, a)):
                shift = _format(other).frac_bits - _trailing_zeros(other.owner)  # type: ignore[arg-type]
                need(mine, wanted + shift)
        elif isinstance(op, sym.CastOp):
            target = _format(op.result)
            if _modular(op):
                need(op.input, min(target.int_bits, wanted))
            else:
                need(op.input, _format(op.input).int_bits)
        else:
            for value in op.operands:
                need(value, _format(value).int_bits)
    for arg in kernel.body.block.args:
        demand.setdefault(arg, _format(arg).int_bits)
    return demand


def fold_constants(kernel: sym.KernelOp) -> bool:
    """Replace, in place, every op whose operands are all constants by a constant of its
    result; erase the constants left unused. True when anything changed."""
    changed = False
    for op in list(kernel.body.block.ops):
        if isinstance(op, sym.OutputOp | sym.ConstOp) or not op.operands:
            continue
        if not all(isinstance(v.owner, sym.ConstOp) for v in op.operands):
            continue
        env = {v: v.owner.value.data for v in op.operands}  # type: ignore[union-attr]
        raw = int(step(op)(env))
        const = sym.ConstOp(raw, op.results[0].type)
        const.results[0].name_hint = op.results[0].name_hint
        kernel.body.block.insert_op_before(const, op)
        op.results[0].replace_all_uses_with(const.results[0])
        op.detach()
        op.erase()
        changed = True
    for op in list(kernel.body.block.ops):
        if isinstance(op, sym.ConstOp) and not op.results[0].uses:
            op.detach()
            op.erase()
            changed = True
    return changed


def _narrow_kernel(kernel: sym.KernelOp) -> sym.KernelOp | None:
    demand = demands(kernel)
    if all(demand.get(r, _format(r).int_bits) >= _format(r).int_bits
           for op in kernel.body.block.ops for r in op.results):
        return None
    old_block = kernel.body.block
    block = Block(arg_types=[a.type for a in old_block.args])
    new: dict[SSAValue, SSAValue] = dict(zip(old_block.args, block.args, strict=True))
    for arg, old in zip(block.args, old_block.args, strict=True):
        arg.name_hint = old.name_hint
    for op in old_block.ops:
        operands = [new[v] for v in op.operands]
        if isinstance(op, sym.OutputOp):
            block.add_op(sym.OutputOp(operands))
            continue
        old_result = op.results[0]
        wanted = demand.get(old_result, _format(old_result).int_bits)
        if isinstance(op, sym.ConstOp):
            fmt = _format(old_result)
            narrow = wrapped_format(fmt, wanted)
            if narrow.int_bits < fmt.int_bits:
                raw = int(cast_raw(op.value.data, fmt, narrow, Quant.AP_TRN, Overflow.AP_WRAP))
                rebuilt: Operation = sym.ConstOp(raw, sym.FixedType(narrow))
            else:
                rebuilt = op.clone()
        elif isinstance(op, (*_RING, sym.MulOp)):
            rebuilt = type(op)(*operands)  # type: ignore[call-arg]
        elif isinstance(op, sym.CastOp) and _modular(op):
            # A wrapping cast narrowed further is the same cast to the narrower format.
            narrow = wrapped_format(_format(old_result), wanted)
            rebuilt = sym.CastOp(operands[0], sym.FixedType(narrow), op.quant, op.overflow)
        else:
            rebuilt = op.clone()
            for index, value in enumerate(operands):
                rebuilt.operands[index] = value
        for key, attr in op.attributes.items():
            if key != "range" or rebuilt.results[0].type == old_result.type:
                rebuilt.attributes.setdefault(key, attr)
        block.add_op(rebuilt)
        result = rebuilt.results[0]
        result.name_hint = old_result.name_hint
        fmt = _format(result)
        narrow = wrapped_format(fmt, wanted)
        if narrow.int_bits < fmt.int_bits and not _only_wrapped(old_result):
            cast = sym.CastOp(result, sym.FixedType(narrow), Quant.AP_TRN, Overflow.AP_WRAP)
            block.add_op(cast)
            result = cast.result
        new[old_result] = result
    narrowed = sym.KernelOp(
        kernel.sym_name.data,
        [(n, a.type) for n, a in zip(kernel.inputs, block.args, strict=True)],
        kernel.outputs,
        ranges=kernel.ranges,
        body=Region(block),
    )
    for key, attr in kernel.attributes.items():
        narrowed.attributes.setdefault(key, attr)
    return narrowed


@dataclass(frozen=True)
class SymNarrowPass(ModulePass):
    """Drop the integer bits that only wrapping casts would have thrown away."""

    name = "sym-narrow"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        for kernel in [k for k in op.walk() if isinstance(k, sym.KernelOp)]:
            fold_constants(kernel)
            narrowed = _narrow_kernel(kernel)
            if narrowed is None:
                continue
            parent = kernel.parent_block()
            assert parent is not None
            parent.insert_op_before(narrowed, kernel)
            kernel.detach()
            kernel.erase()
