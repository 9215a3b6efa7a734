"""``sym-narrow``: fold constant ops, drop the high bits of values that no output can observe or
that their range never uses, and round sums before adding what is already on the result's grid.

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
emulator's function for that op, ``symc.emulator.fold``, so exactly as the design would
compute it): hls4ml's
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
* a periodic table whose scale is a power of two (period 1: an argument in turns) demands the
  bits its index and interpolation position come from, 0 integer bits for period 1
  (:func:`_periodic_bits`); its operand is sign-extended back to the table's format;
* every other use (saturating casts, other tables, ``abs``, ``min``, ``max``, the kernel's
  outputs) needs the whole value.

Ranges: interval arithmetic on raw integers, at each value's own scale, bounds every value over
all inputs (inputs span their whole format, a constant is itself, a table's output lies within
its entries or, for an exponent table, between its outputs at the ends of its argument's range;
a cast quantizes the ends; a result that would wrap counts as its whole format). A value that
only ring ops and casts read (they see its value, not its format) needs no more integer bits
than its range: ``R(v)``, and ``D(v)`` is capped by it, so its operands are needed only modulo
those bits too (the value is their sum or product, rebuilt by sign extension). Values read by
anything else (tables, ``abs``, ``min``, ``max``, outputs) keep their format: when narrower
operands have shrunk it, a widening cast restores it.

Rounding: before the demands, a cast that drops fractional bits from a sum ``x + y`` (or
``x - y``) whose ``y`` has none of those bits, with a quantization that commutes with adding a
multiple of the result's LSB (``SHIFT_INVARIANT_QUANT``: ``AP_TRN``, ``AP_RND``,
``AP_RND_MIN_INF``), becomes the cast of ``x`` to the result's fractional bits (one more integer
bit when it rounds up) plus ``y``, then the cast's overflow: ``Q(x + y) = Q(x) + y``. A product
with 70 fractional bits minus a constant, truncated to ``ap_fixed<16,6>``, is then a narrow
subtraction.

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

from symc.dialects import sym
from symc.emulator import fold
from symc.fixed import (
    FixedFormat,
    Overflow,
    Quant,
    cast_raw,
    format_for_raw_range,
    round_raw,
    wrapped_format,
)
from symc.frontend.errors import SymcError
from symc.passes import SymcPass

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
    raw = int(op.value.data)
    if raw == 0:
        return _format(op.result).width
    return (raw & -raw).bit_length() - 1


def _modular(cast: sym.CastOp) -> bool:
    return cast.overflow is Overflow.AP_WRAP and cast.quant in MODULAR_QUANT


def _only_wrapped(value: SSAValue) -> bool:
    """Every use of ``value`` is a wrapping cast, which drops the high bits itself."""
    return all(isinstance(use.operation, sym.CastOp) and _modular(use.operation)
               for use in value.uses)


def _full(fmt: FixedFormat) -> tuple[int, int]:
    return fmt.min_raw, fmt.max_raw


def _fits(lo: int, hi: int, fmt: FixedFormat) -> tuple[int, int]:
    """``lo..hi`` when ``fmt`` holds it, else all of ``fmt`` (a wrapped result)."""
    return (lo, hi) if fmt.min_raw <= lo and hi <= fmt.max_raw else _full(fmt)


def _cast_range(lo: int, hi: int, cast: sym.CastOp) -> tuple[int, int]:
    src, dst = _format(cast.input), _format(cast.result)
    dropped = src.frac_bits - dst.frac_bits
    # Every quantization is nondecreasing, so the ends of the interval bound its image.
    qlo, qhi = (int(round_raw(r, dropped, cast.quant)) for r in (lo, hi))
    if dst.min_raw <= qlo and qhi <= dst.max_raw:
        return qlo, qhi
    if cast.overflow is Overflow.AP_WRAP:
        return _full(dst)
    clamped = max(qlo, dst.min_raw), min(qhi, dst.max_raw)
    if cast.overflow is Overflow.AP_SAT_ZERO:
        return min(clamped[0], 0), max(clamped[1], 0)
    return clamped


def _table_range(lo: int, hi: int, lut: sym.LutOp) -> tuple[int, int]:
    table = lut.spec
    if table.exponent or table.normalized:
        # Exact from the ends of the interval (and a normalized table's octave edges).
        return table.raw_hull(lo, hi)
    # An entry, an interpolation between two neighbours, or an entry plus an offset.
    return table.output_extent


def value_ranges(kernel: sym.KernelOp) -> dict[SSAValue, tuple[int, int]]:
    """For every value, raw integers ``(lo, hi)`` bounding it over every input (exact interval
    arithmetic at each value's own scale; a wrapping result counts as its whole format)."""
    ranges: dict[SSAValue, tuple[int, int]] = {}
    for arg in kernel.body.block.args:
        ranges[arg] = _full(_format(arg))
    for op in kernel.body.block.ops:
        if isinstance(op, sym.OutputOp):
            continue
        result = op.results[0]
        fmt = _format(result)
        spans = [ranges[v] for v in op.operands]
        if isinstance(op, sym.ConstOp):
            raw = int(op.value.data)
            ranges[result] = (raw, raw)
            continue
        if isinstance(op, sym.AddOp | sym.SubOp | sym.MinOp | sym.MaxOp):
            (alo, ahi), (blo, bhi) = (
                (lo << (fmt.frac_bits - _format(v).frac_bits),
                 hi << (fmt.frac_bits - _format(v).frac_bits))
                for v, (lo, hi) in zip(op.operands, spans, strict=True))
            if isinstance(op, sym.AddOp):
                lo, hi = alo + blo, ahi + bhi
            elif isinstance(op, sym.SubOp):
                lo, hi = alo - bhi, ahi - blo
            elif isinstance(op, sym.MinOp):
                lo, hi = min(alo, blo), min(ahi, bhi)
            else:
                lo, hi = max(alo, blo), max(ahi, bhi)
        elif isinstance(op, sym.MulOp):
            (alo, ahi), (blo, bhi) = spans
            corners = (alo * blo, alo * bhi, ahi * blo, ahi * bhi)
            lo, hi = min(corners), max(corners)
        elif isinstance(op, sym.NegOp):
            lo, hi = -spans[0][1], -spans[0][0]
        elif isinstance(op, sym.AbsOp):
            a, b = spans[0]
            lo, hi = (a, b) if a >= 0 else (-b, -a) if b <= 0 else (0, max(-a, b))
        elif isinstance(op, sym.CastOp):
            ranges[result] = _cast_range(*spans[0], op)
            continue
        elif isinstance(op, sym.LutOp):
            lo, hi = _table_range(*spans[0], op)
        else:
            ranges[result] = _full(fmt)
            continue
        ranges[result] = _fits(lo, hi, fmt)
    return ranges


def _periodic_bits(op: sym.LutOp) -> int | None:
    """The integer bits a periodic table's operand is read modulo, when its scale is a power
    of two ``2**s`` (a table of period 1: an argument in turns): the index (and the
    interpolation position below it) is bits ``shift .. shift + log2(entries)`` of
    ``t = x << s``, so ``x`` counts only modulo ``2**(shift + log2(entries) - s)`` raw, that
    many bits minus ``x``'s fractional ones as a value. None for any other table."""
    spec = op.spec
    scale = spec.scale_raw
    if not spec.periodic or spec.exponent or spec.normalized or scale & (scale - 1):
        return None
    top = spec.shift + spec.entries.bit_length() - 1 - (scale.bit_length() - 1)
    return top - spec.in_format.frac_bits


def _range_int_bits(lo: int, hi: int, fmt: FixedFormat) -> int:
    """The fewest integer bits of ``fmt``'s kind (signed or not) that hold raw ``lo..hi``."""
    return format_for_raw_range(lo, hi, fmt.frac_bits, fmt.signed).int_bits


def _value_uses(value: SSAValue) -> bool:
    """Every use reads only the value of ``value``, not its format: ring arithmetic and casts
    (a cast's result depends on its operand's raw value and fractional bits only), so a
    narrower format holding the same value changes nothing for them."""
    return bool(value.uses) and all(
        isinstance(use.operation, (*_RING, sym.MulOp, sym.CastOp)) for use in value.uses
    )


def demands(kernel: sym.KernelOp) -> tuple[dict[SSAValue, int], set[SSAValue]]:
    """For every value, the integer bits its uses can observe (``D`` in the module docstring),
    at most its own, and at most the bits its range needs when only exact arithmetic reads it;
    and the values whose range set that bound (``R < D``: they must be rebuilt exactly in
    ``R`` bits, by sign extension, before any use, even a wrapping one)."""
    ops = list(kernel.body.block.ops)
    demand: dict[SSAValue, int] = {}
    bound: set[SSAValue] = set()
    ranges = value_ranges(kernel)

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
        if result is not None and _value_uses(result):
            # The value itself fits in fewer integer bits: its operands are needed only
            # modulo those (it is rebuilt from them by sign extension).
            needed = _range_int_bits(*ranges[result], _format(result))
            if needed < wanted:
                wanted = needed
                bound.add(result)
            demand[result] = wanted
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
        elif isinstance(op, sym.LutOp) and (bits := _periodic_bits(op)) is not None:
            need(op.operand, bits)
        else:
            for value in op.operands:
                need(value, _format(value).int_bits)
    for arg in kernel.body.block.args:
        demand.setdefault(arg, _format(arg).int_bits)
    return demand, bound


def fold_constants(kernel: sym.KernelOp) -> bool:
    """Replace, in place, every op whose operands are all constants by a constant of its
    result; erase the constants left unused. True when anything changed."""
    changed = False
    for op in list(kernel.body.block.ops):
        if isinstance(op, sym.OutputOp | sym.ConstOp) or not op.operands:
            continue
        if not all(isinstance(v.owner, sym.ConstOp) for v in op.operands):
            continue
        raw = fold(op, [v.owner.value.data for v in op.operands])  # type: ignore[union-attr]
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


SHIFT_INVARIANT_QUANT = (Quant.AP_TRN, Quant.AP_RND, Quant.AP_RND_MIN_INF)
"""Quantization modes with ``Q(v + k * lsb) = Q(v) + k * lsb`` for every integer ``k`` (blind
to the sign and to the parity of the kept bits)."""


def sink_rounding(kernel: sym.KernelOp) -> bool:
    """Move, in place, a cast that drops fractional bits from a sum or difference to the one
    operand that has such bits, when the other has none to drop: ``Q(x + y) = Q(x) + y`` for a
    ``y`` on the result's grid (``SHIFT_INVARIANT_QUANT``). The sum is then computed at the
    cast's fractional bits instead of the finer operand's; repeated down a chain of sums.
    True when anything changed."""
    changed = False
    work = [op for op in kernel.body.block.ops if isinstance(op, sym.CastOp)]
    while work:
        cast = work.pop()
        total = cast.input
        op = total.owner
        if (cast.quant not in SHIFT_INVARIANT_QUANT or not isinstance(op, sym.AddOp | sym.SubOp)
                or not total.has_one_use()):
            continue
        frac = _format(cast.result).frac_bits
        lhs, rhs = op.operands
        if _format(total).frac_bits <= frac:
            continue
        if _format(rhs).frac_bits <= frac:
            fine, coarse, fine_first = lhs, rhs, True
        elif isinstance(op, sym.AddOp) and _format(lhs).frac_bits <= frac:
            fine, coarse, fine_first = rhs, lhs, False
        else:
            continue
        source = _format(fine)
        # Rounding up can carry into one more integer bit; truncation cannot.
        int_bits = source.int_bits + (cast.quant is not Quant.AP_TRN)
        if int_bits + frac < 1:
            continue
        rounded = sym.CastOp(fine, sym.FixedType(FixedFormat(int_bits + frac, int_bits,
                                                             source.signed)), cast.quant)
        pair = (rounded, coarse) if fine_first else (coarse, rounded)
        exact = type(op)(*pair)
        outer = sym.CastOp(exact, cast.result.type, cast.quant, cast.overflow)
        for new in (rounded, exact, outer):
            kernel.body.block.insert_op_before(new, cast)
        rounded.result.name_hint = fine.name_hint
        outer.result.name_hint = cast.result.name_hint
        cast.result.replace_all_uses_with(outer.result)
        for dead in (cast, op):
            dead.detach()
            dead.erase()
        work.append(rounded)
        changed = True
    return changed


def _narrow_kernel(kernel: sym.KernelOp) -> sym.KernelOp | None:
    demand, bound = demands(kernel)
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
            if isinstance(op, sym.LutOp) and operands[0].type != op.in_type:
                # A periodic table's operand, needed only modulo its period: back to the
                # table's format by sign extension (the bits the table reads are the same).
                widen = sym.CastOp(operands[0], op.in_type, Quant.AP_TRN, Overflow.AP_WRAP)
                block.add_op(widen)
                operands[0] = widen.result
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
        if _value_uses(old_result):
            # Ring arithmetic and casts take any format: only drop bits.
            # A wrapping use keeps the value modulo its own bits, which rebuilds it only when
            # the demand, not the range, set them.
            narrow = wrapped_format(fmt, wanted)
            recast = narrow.int_bits < fmt.int_bits and (old_result in bound
                                                         or not _only_wrapped(old_result))
        else:
            # Other uses read the value in its own format, which narrower operands may have
            # shrunk: give it back (a sign extension; the value is the same).
            narrow = wrapped_format(_format(old_result), wanted)
            recast = narrow != fmt
        if recast:
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
class SymNarrowPass(SymcPass):
    """Drop the integer bits that only wrapping casts would have thrown away."""

    name = "sym-narrow"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        for kernel in [k for k in op.walk() if isinstance(k, sym.KernelOp)]:
            fold_constants(kernel)
            sink_rounding(kernel)
            narrowed = _narrow_kernel(kernel)
            if narrowed is None:
                continue
            parent = kernel.parent_block()
            assert parent is not None
            parent.insert_op_before(narrowed, kernel)
            kernel.detach()
            kernel.erase()
