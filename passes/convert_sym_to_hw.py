"""``convert-sym-to-hw``: a legalized ``sym.kernel`` becomes a combinational ``hw.module``.

This is the step from symc's own IR to CIRCT's: it runs after ``sym-legalize-fixed`` (every
value ``!sym.fixed<W, I>``) and before CIRCT exports Verilog. Each kernel input becomes an
input port ``iW`` carrying the raw bit pattern of the fixed-point value (two's complement when
signed), each kernel output an output port, and each sym op a few ``comb`` ops on integers.
When ``sym-schedule`` gave the ops stages, the values crossing a stage boundary go through
``seq.compreg`` registers and the module gets a clock (:mod:`symc.backends.pipeline`); a
``sym.mul`` marked ``mul_impl = #sym<mul_impl shift_add>`` becomes shifts and adds
(:mod:`symc.backends.shift_add`).

The semantics are those of :mod:`symc.fixed`, bit for bit: the exact ops (add, sub, mul, neg,
abs, min, max) align their operands to the result format that module dictates (shift left by
the difference in fractional bits, then sign- or zero-extend) and compute in that width, which
cannot overflow; ``sym.cast``, the only inexact op, rounds by :data:`symc.fixed.TIE_RULE` and
then wraps or saturates as :func:`symc.fixed.cast_raw` does. Every width is read from a
``FixedFormat``; none is re-derived here.

The conversion is total: a kernel holding anything it cannot lower (``!sym.real`` values,
``sym.sin``, ``sym.div``, ``sym.pow`` ...) raises a :class:`SymcError` naming the op, its
location and the pass that would have removed it, before anything is rewritten.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from xdsl.context import Context
from xdsl.dialects import hw
from xdsl.dialects.builtin import (
    ArrayAttr,
    IntAttr,
    IntegerAttr,
    IntegerType,
    ModuleOp,
    StringAttr,
)
from xdsl.ir import Block, Operation, Region, SSAValue, TypeAttribute
from xdsl.rewriter import Rewriter

from symc.backends import ecp5_dsp
from symc.backends.hw_builder import Bit, HWBuilder, width_of
from symc.backends.pipeline import StagedValues
from symc.backends.shift_add import shift_add_product
from symc.delays import (
    PIECE_BITS,
    Cascade,
    bank_bits,
    bank_mux_cut,
    carry_chain_bits,
    constant_operand,
    mul_impl,
    mux_levels,
    near_equal,
    port_pieces,
    product_pieces,
    sum_tree,
    table_kind,
    trailing_zeros,
)
from symc.dialects import sym
from symc.fixed import TIE_RULE, FixedFormat, Overflow, Quant, Tie, round_raw
from symc.frontend.errors import SymcError
from symc.passes import SymcPass


@dataclass(frozen=True)
class ConvertSymToHWPass(SymcPass):
    """Replace every ``sym.kernel`` by an equivalent combinational ``hw.module``."""

    name = "convert-sym-to-hw"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        kernels = [k for k in op.ops if isinstance(k, sym.KernelOp)]
        # Check everything first, so that a failure leaves the input untouched.
        for stray in op.walk():
            if stray.dialect_name() == "sym" and not _inside_kernel(stray):
                raise SymcError(_cannot(stray, "it is outside any sym.kernel"))
        for kernel in kernels:
            _check_convertible(kernel)
        for kernel in kernels:
            lowering = _KernelLowering(kernel)
            module = lowering.run()
            Rewriter.replace_op(kernel, module, new_results=[])
            for extern in lowering.values.externs:  # block ROMs (symc/backends/block_rom.py)
                op.body.block.insert_op_before(extern, module)
            if lowering.values.dsp_registered:  # symc/backends/ecp5_dsp.py
                op.body.block.insert_op_before(ecp5_dsp.extern(lowering.values.dsp_module),
                                               module)


# --- totality ---------------------------------------------------------------------------------

_LEGALIZED_BY: list[tuple[type[Operation], str]] = [
    (sym.ElementaryOp, "sym-approximate-lut (elementary functions become tables)"),
    (sym.DivOp, "sym-approximate-lut (division by a variable becomes a reciprocal table)"),
    (sym.PowOp, "sym-canonicalize (integer powers become products)"),
]


def _inside_kernel(op: Operation) -> bool:
    parent = op.parent_op()
    while parent is not None and not isinstance(parent, sym.KernelOp):
        parent = parent.parent_op()
    return parent is not None or isinstance(op, sym.KernelOp)


def _cannot(op: Operation, why: str) -> str:
    return f"convert-sym-to-hw: cannot convert '{op.name}'{sym.location_suffix(op)}: {why}"


def _check_convertible(kernel: sym.KernelOp) -> None:
    # Ops first: the pass that removes an op (sym-approximate-lut, sym-canonicalize) runs
    # before sym-legalize-fixed, so it is the first thing the user has to run.
    legalize = "run sym-legalize-fixed first"
    for op in kernel.body.block.ops:
        for kind, legalizer in _LEGALIZED_BY:
            if isinstance(op, kind):
                raise SymcError(_cannot(op, f"it has no hardware form; run {legalizer} first"))
        if type(op) not in _LOWERINGS and not isinstance(op, sym.OutputOp):
            raise SymcError(_cannot(op, "convert-sym-to-hw has no lowering for it"))
        for value in (*op.operands, *op.results):
            if not isinstance(value.type, sym.FixedType):
                why = f"it has a {value.type} value, not fixed point; {legalize}"
                raise SymcError(_cannot(op, why))
    for arg, name in zip(kernel.body.block.args, kernel.inputs, strict=True):
        if not isinstance(arg.type, sym.FixedType):
            why = f"input '{name}' is {arg.type}, not fixed point; {legalize}"
            raise SymcError(_cannot(kernel, why))


# --- lowering ---------------------------------------------------------------------------------


_SIGN_TIES = (Tie.IF_NEGATIVE, Tie.IF_NONNEGATIVE)


class _KernelLowering:
    """Builds the ``hw.module`` of one kernel, walking its ops in program order."""

    def __init__(self, kernel: sym.KernelOp):
        self.kernel = kernel
        args = kernel.body.block.args
        self.block = Block(arg_types=[IntegerType(sym.format_of(a).width) for a in args])
        self.b = HWBuilder(self.block)
        # Pipelined kernels (``sym-schedule`` stages): reading a value delays it to the stage of
        # the op being lowered (symc/backends/pipeline.py); otherwise a plain mapping.
        self.values = StagedValues(kernel, self.block, self.b)
        for old, new, name in zip(args, self.block.args, kernel.inputs, strict=True):
            new.name_hint = name if SSAValue.is_valid_name(name) else None
            self.values[old] = new

    def run(self) -> hw.HWModuleOp:
        output = self.kernel.output_op
        for op in self.kernel.body.block.ops:
            if op is not output:
                self.values.enter(op)
                self.values[op.results[0]] = _LOWERINGS[type(op)](self, op)
        self.values.enter(output)
        results = [self.values[v] for v in output.operands]
        control_in, control_out = self.values.finish()
        # An output read straight from a block ROM held its stand-in until now.
        results = [self.values.block_roms.replaced.get(r, r) for r in results]
        self.block.add_op(hw.OutputOp([*results, *(v for _, v in control_out)]))

        def port(name: str, value: SSAValue, direction: hw.Direction) -> hw.ModulePort:
            return hw.ModulePort(StringAttr(name), cast(TypeAttribute, value.type),
                         hw.DirectionAttr(direction))

        data_args = self.block.args[len(control_in):]
        ports = [port(n, v, hw.Direction.INPUT) for n, v in control_in]
        ports += [
            port(n, v, hw.Direction.INPUT)
            for n, v in zip(self.kernel.inputs, data_args, strict=True)
        ]
        ports += [
            port(n, v, hw.Direction.OUTPUT)
            for n, v in zip(self.kernel.outputs, results, strict=True)
        ]
        ports += [port(n, v, hw.Direction.OUTPUT) for n, v in control_out]
        return hw.HWModuleOp(
            self.kernel.sym_name, hw.ModuleType(ArrayAttr(ports)), Region(self.block)
        )

    def _name(self, op: Operation) -> str:
        hint = op.results[0].name_hint
        return hint if hint is not None else op.name.removeprefix("sym.")

    def _aligned(self, value: SSAValue, to: FixedFormat, name: str) -> SSAValue:
        """``value`` as a raw integer of format ``to`` (exact: ``to`` has at least its bits)."""
        src = sym.format_of(value)
        shift = to.frac_bits - src.frac_bits
        return self.b.resize(self.values[value], to.width, src.signed, name, shift=shift)

    # --- the exact ops ---------------------------------------------------------------------

    def const(self, op: sym.ConstOp) -> SSAValue:
        assert isinstance(op.value, IntAttr)
        return self.b.constant(op.value.data, sym.format_of(op.result).width)

    def add_sub(self, op: sym.AddOp | sym.SubOp) -> SSAValue:
        fmt, name = sym.format_of(op.result), self._name(op)
        lhs = self._aligned(op.lhs, fmt, f"{name}_lhs")
        rhs = self._aligned(op.rhs, fmt, f"{name}_rhs")
        if (sizes := _carry_pieces(op)) is not None:
            return _carry_chain(self, lhs, rhs, isinstance(op, sym.SubOp), sizes, name)
        if isinstance(op, sym.AddOp):
            return self.b.add(lhs, rhs, name)
        return self.b.sub(lhs, rhs, name)

    def mul(self, op: sym.MulOp) -> SSAValue:
        # The product's frac bits are F1 + F2: no shift, only extension to the full width.
        fmt, name = sym.format_of(op.result), self._name(op)
        if mul_impl(op) == "shift_add" and (const := constant_operand(op)) is not None:
            # A constant factor with few signed digits (sym-schedule's choice): shifts and adds.
            x = op.rhs if const[0] == 0 else op.lhs
            return shift_add_product(self.b, self.values[x], sym.format_of(x).signed, const[1],
                                     fmt.width, name)
        if "dsp_registers" in op.attributes:
            return _registered_product(self, op, name)
        if self.b.stage_break is not None:
            return _split_product(self, op, name)
        if "cascade_pieces" in op.attributes:
            return _cascade_product(self, op, name)
        lhs = self.b.resize(self.values[op.lhs], fmt.width, sym.format_of(op.lhs).signed,
                            f"{name}_lhs")
        rhs = self.b.resize(self.values[op.rhs], fmt.width, sym.format_of(op.rhs).signed,
                            f"{name}_rhs")
        return self.b.mul(lhs, rhs, name)

    def neg_abs(self, op: sym.NegOp | sym.AbsOp) -> SSAValue:
        src, fmt, name = sym.format_of(op.operand), sym.format_of(op.result), self._name(op)
        if isinstance(op, sym.AbsOp) and not src.signed:
            return self._aligned(op.operand, fmt, name)  # never negative: only widen
        value = self._aligned(op.operand, fmt, f"{name}_ext")
        negated_name = name if isinstance(op, sym.NegOp) else f"{name}_neg"
        if (sizes := _carry_pieces(op)) is not None:
            stage = self.values.stage
            negated = _carry_chain(self, None, value, True, sizes, negated_name)
            value = self.values.delayed(value, stage, self.values.stage)
        else:
            negated = self.b.sub(self.b.constant(0, fmt.width), value, negated_name)
        if isinstance(op, sym.NegOp):
            return negated
        return self.b.mux(self.b.sign_bit(self.values[op.operand]), negated, value, name)

    def min_max(self, op: sym.MinOp | sym.MaxOp) -> SSAValue:
        fmt, name = sym.format_of(op.result), self._name(op)
        lhs = self._aligned(op.lhs, fmt, f"{name}_lhs")
        rhs = self._aligned(op.rhs, fmt, f"{name}_rhs")
        impl = sym.minmax_impl_of(op)
        if (sizes := _carry_pieces(op)) is not None:
            # The subtraction cut over stages; the choice in the last one.
            wide, stage = fmt.width + 1, self.values.stage
            diff = _carry_chain(self, self.b.resize(lhs, wide, fmt.signed),
                                self.b.resize(rhs, wide, fmt.signed), True, sizes,
                                f"{name}_diff", top=1)
            less = self.b.sign_bit(diff, f"{name}_lt")
            lhs = self.values.delayed(lhs, stage, self.values.stage)
            rhs = self.values.delayed(rhs, stage, self.values.stage)
        elif impl is sym.MinMaxImpl.SUBTRACT:
            # lhs < rhs as the sign of lhs - rhs one bit wider: a carry chain, where synthesis
            # builds the comparison as a tree of LUTs (ECP5: 2.7 ns against 5.5 ns, 16 bits).
            wide = fmt.width + 1
            diff = self.b.sub(self.b.resize(lhs, wide, fmt.signed),
                              self.b.resize(rhs, wide, fmt.signed), f"{name}_diff")
            less = self.b.sign_bit(diff, f"{name}_lt")
        else:
            less = self.b.icmp("slt" if fmt.signed else "ult", lhs, rhs, f"{name}_lt")
        if isinstance(op, sym.MinOp):
            return self.b.mux(less, lhs, rhs, name)
        return self.b.mux(less, rhs, lhs, name)

    # --- the cast: round, then wrap or saturate ---------------------------------------------

    def cast(self, op: sym.CastOp) -> SSAValue:
        src, dst, name = sym.format_of(op.input), sym.format_of(op.result), self._name(op)
        # Dropping more than W1 + 1 bits rounds to the same integer as dropping W1 + 1 (the
        # whole value is gone: 0 or -1), and shifting left by more than W2 bits overflows
        # exactly when shifting by W2 does: clamping keeps every width near the formats'.
        dropped = max(-dst.width, min(src.frac_bits - dst.frac_bits, src.width + 1))
        x = self.values[op.input]
        if dropped <= 0:
            rounded = self.b.shift_left(x, -dropped, f"{name}_shl")
        else:
            rounded = self._round(x, src, dropped, op.quant, name)
        # Rounding is monotonic, so the extremes of the source bound the rounded value.
        lo = round_raw(src.min_raw, dropped, op.quant)
        hi = round_raw(src.max_raw, dropped, op.quant)
        return self._overflow(rounded, src.signed, (lo, hi), dst, op.overflow, name)

    def _round(
        self, x: SSAValue, src: FixedFormat, dropped: int, quant: Quant, name: str
    ) -> SSAValue:
        """``round_raw(x, dropped, quant)`` as a signed-if-``src``-is integer."""
        # Extend first so that at least one bit (the sign) is kept even if all bits drop.
        width = max(src.width, dropped + 1)
        x = self.b.resize(x, width, src.signed, f"{name}_src")
        kept = self.b.extract(x, dropped, width - dropped, f"{name}_kept")  # floor(x / 2**s)
        if quant == Quant.AP_TRN:
            return kept
        # The tie and AP_TRN_ZERO rules read the sign of the source value (never set if unsigned).
        negative: Bit = False
        if src.signed and (quant == Quant.AP_TRN_ZERO or TIE_RULE[quant] in _SIGN_TIES):
            negative = self.b.sign_bit(x, f"{name}_neg")
        if quant == Quant.AP_TRN_ZERO:
            inc: Bit = False
            if negative is not False:
                rest_nonzero = self.b.any_bits(self.b.extract(x, 0, dropped), f"{name}_rest")
                inc = self.b.and_(negative, rest_nonzero, f"{name}_inc")
        else:
            # rest > half <=> top dropped bit and any bit below it; rest == half <=> top only.
            round_bit = self.b.extract(x, dropped - 1, 1, f"{name}_half")
            tie: Bit
            match TIE_RULE[quant]:
                case Tie.ALWAYS:
                    tie = True
                case Tie.NEVER:
                    tie = False
                case Tie.IF_NEGATIVE:
                    tie = negative
                case Tie.IF_NONNEGATIVE:
                    tie = self.b.not_(negative)
                case Tie.IF_ODD:
                    tie = self.b.extract(kept, 0, 1)
            sticky: Bit = False
            if dropped > 1 and tie is not True:
                sticky = self.b.any_bits(self.b.extract(x, 0, dropped - 1), f"{name}_sticky")
            inc = self.b.and_(round_bit, self.b.or_(sticky, tie), f"{name}_inc")
        if inc is False:
            return kept
        # One spare bit, so that kept + 1 cannot wrap around.
        wide = width - dropped + 1
        return self.b.add(
            self.b.resize(kept, wide, src.signed),
            self.b.resize(self.b.bit(inc), wide, False),
            f"{name}_rnd",
        )

    def _overflow(
        self,
        value: SSAValue,
        signed: bool,
        bounds: tuple[int, int],
        dst: FixedFormat,
        overflow: Overflow,
        name: str,
    ) -> SSAValue:
        """``overflow_raw`` of the exact integer ``value`` (whose range is ``bounds``)."""
        # AP_SAT_SYM (signed, W >= 2) also maps the most negative value itself to -max.
        symmetric = overflow == Overflow.AP_SAT_SYM and dst.signed and dst.width > 1
        over_possible = bounds[1] > dst.max_raw
        under_possible = bounds[0] <= dst.min_raw if symmetric else bounds[0] < dst.min_raw
        if overflow == Overflow.AP_WRAP or not (over_possible or under_possible):
            # The low W2 bits: AP_WRAP's answer, and every mode's answer for in-range values.
            return self.b.resize(value, dst.width, signed, name)
        low_bits = self.b.resize(value, dst.width, signed, f"{name}_wrap")
        # Compare as signed integers in a width that holds the value and both limits.
        width = max(width_of(value) + (not signed), dst.width + (not dst.signed))
        wide = self.b.resize(value, width, signed)
        saturated = {
            Overflow.AP_SAT: (dst.max_raw, dst.min_raw),
            Overflow.AP_SAT_ZERO: (0, 0),
            Overflow.AP_SAT_SYM: (dst.max_raw, -dst.max_raw if symmetric else dst.min_raw),
        }[overflow]
        result = low_bits
        if under_possible:
            under = self.b.icmp("sle" if symmetric else "slt", wide,
                                self.b.constant(dst.min_raw, width), f"{name}_under")
            result = self.b.mux(
                under,
                self.b.constant(saturated[1], dst.width),
                result,
                name if not over_possible else f"{name}_lo",
            )
        if over_possible:
            over = self.b.icmp("sgt", wide, self.b.constant(dst.max_raw, width), f"{name}_over")
            result = self.b.mux(over, self.b.constant(saturated[0], dst.width), result, name)
        return result


def _carry_pieces(op: Operation) -> list[int] | None:
    """The ``carry_pieces`` sym-schedule gave ``op``, checked against its chain's width."""
    attr = op.attributes.get("carry_pieces")
    if not isinstance(attr, ArrayAttr):
        return None
    sizes = [a.value.data for a in attr.data]  # type: ignore[attr-defined]
    if sum(sizes) != carry_chain_bits(op) or min(sizes) < 1:
        raise SymcError(f"convert-sym-to-hw: {op.name}'s carry_pieces {sizes} do not cut its "
                        f"{carry_chain_bits(op)}-bit carry chain")
    return sizes


def _carry_chain(self: _KernelLowering, a: SSAValue | None, b: SSAValue, subtract: bool,
                 sizes: list[int], name: str, top: int | None = None) -> SSAValue:
    """``a + b`` or ``a - b`` (raw, one width; ``a`` None for 0) modulo ``2**width``, its
    carry chain cut into pieces of ``sizes`` bits, lowest first (``carry_pieces``): piece
    ``i`` in the ``i``-th stage after the current one, which the lowering is left at. Each
    piece adds its slices one bit wider on either side, the carry (borrow) in below them:
    ``{0, x, c} + {0, y, c} == 2 * (x + y + c)`` and ``{0, x, 0} - {0, y, c} == 2 * (x - y) -
    c``, whose top bit is the carry (borrow) out. Only the top ``top`` bits (default: all)
    are kept, the other pieces' results left unregistered."""
    width = sum(sizes)
    first = self.values.stage
    keep_from = 0 if top is None else width - top
    low, carry, kept = 0, None, []
    for i, size in enumerate(sizes):
        stage = first + i
        x = (self.b.constant(0, size) if a is None else
             self.values.delayed(self.b.extract(a, low, size), first, stage))
        y = self.values.delayed(self.b.extract(b, low, size), first, stage)
        last = i == len(sizes) - 1
        if carry is None:
            # The first piece: no carry in.
            wide = size + (not last)
            xs, ys = self.b.resize(x, wide, False), self.b.resize(y, wide, False)
            total = self.b.sub(xs, ys) if subtract else self.b.add(xs, ys)
            bits = self.b.extract(total, 0, size, f"{name}_c{i}")
        else:
            carry = self.values.delayed(carry, stage - 1, stage)
            zero = self.b.constant(0, 1)
            xs = self.b.concat([*([] if last else [zero]), x, carry if not subtract else zero])
            ys = self.b.concat([*([] if last else [zero]), y, carry])
            total = self.b.sub(xs, ys) if subtract else self.b.add(xs, ys)
            bits = self.b.extract(total, 1, size, f"{name}_c{i}")
        if not last:
            carry = self.b.extract(total, width_of(total) - 1, 1)
        if low + size > keep_from:
            kept.append((bits, stage))
        low += size
    end = first + len(sizes) - 1
    self.values.stage = end
    parts = [self.values.delayed(v, s, end) for v, s in reversed(kept)]
    result = self.b.concat(parts, name)
    if top is not None:
        result = self.b.extract(result, width_of(result) - top, top, name)
    return result


def _split_product(self: _KernelLowering, op: sym.MulOp, name: str) -> SSAValue:
    """A product cut over two stages (``sum_stage``, see sym-schedule): both operands in
    17-bit pieces (``symc.delays.product_pieces``; the low ones unsigned, the top one signed
    when its operand is), the exact product of every pair of pieces in one stage, registered,
    and their sum, each shifted to its place, in the next. Exact modulo ``2**width``:
    ``a * b == sum(a_i * b_j * 2**(s_i + s_j))``."""
    width = sym.format_of(op.result).width

    def pieces(value: SSAValue) -> list[tuple[SSAValue, bool, int]]:
        fmt = sym.format_of(value)
        return _sliced(self, self.values[value], fmt.signed, product_pieces(fmt.width))

    terms, shifts = [], []
    for a, a_signed, a_shift in pieces(op.lhs):
        for b, b_signed, b_shift in pieces(op.rhs):
            if a_shift + b_shift >= width:
                continue
            exact = width_of(a) + width_of(b)
            product = self.b.mul(self.b.resize(a, exact, a_signed),
                                 self.b.resize(b, exact, b_signed), f"{name}_part")
            terms.append(self.b.resize(product, width, a_signed or b_signed,
                                       shift=a_shift + b_shift))
            shifts.append(a_shift + b_shift)
    assert self.b.stage_break is not None
    terms = self.b.stage_break(terms)
    terms, shifts = _by_place(terms, shifts)
    while len(terms) > 1:
        terms, shifts = _sum_level(self, terms, shifts)
    return terms[0]


def _sliced(self: _KernelLowering, raw: SSAValue, signed: bool,
            sizes: list[int]) -> list[tuple[SSAValue, bool, int]]:
    """``raw`` cut into pieces of ``sizes`` bits, lowest first: (piece, signed, its shift);
    only the top piece of a signed value is signed."""
    out, low = [], 0
    for i, size in enumerate(sizes):
        out.append((self.b.extract(raw, low, size), signed and i == len(sizes) - 1, low))
        low += size
    return out


def _registered_terms(self: _KernelLowering, a: SSAValue, a_signed: bool, b: SSAValue,
                      b_signed: bool, width: int,
                      name: str) -> tuple[list[SSAValue], list[int]]:
    """The products of DSP blocks with their own registers (:mod:`symc.backends.ecp5_dsp`)
    whose sum is ``a * b`` modulo ``2**width``: each operand (raw, as read in the current
    stage) whole when it fits a block's signed 18-bit port, else in 17-bit pieces
    (``symc.delays.product_pieces``: the low ones unsigned, the top one signed when its
    operand is); one block per pair of pieces, its 36-bit two's-complement product shifted to
    its place, with its place. They are ready ``ecp5_dsp.CYCLES`` stages after the current
    one."""

    def pieces(raw: SSAValue, signed: bool) -> list[tuple[SSAValue, bool, int]]:
        return _sliced(self, raw, signed, port_pieces(width_of(raw), signed,
                                                      ecp5_dsp.PORT_BITS))

    terms, shifts = [], []
    for x, x_signed, x_shift in pieces(a, a_signed):
        for y, y_signed, y_shift in pieces(b, b_signed):
            if x_shift + y_shift >= width:
                continue
            product = self.values.registered_product(
                self.b.resize(x, ecp5_dsp.PORT_BITS, x_signed),
                self.b.resize(y, ecp5_dsp.PORT_BITS, y_signed), f"{name}_dsp")
            terms.append(self.b.resize(product, width, True, shift=x_shift + y_shift))
            shifts.append(x_shift + y_shift)
    return _by_place(terms, shifts)


def _by_place(terms: list[SSAValue], shifts: list[int]) -> tuple[list[SSAValue], list[int]]:
    """Shifted terms sorted by their place, as ``symc.delays.sum_tree`` adds them."""
    order = sorted(range(len(terms)), key=lambda i: shifts[i])
    return [terms[i] for i in order], [shifts[i] for i in order]


def _sum_level(self: _KernelLowering, terms: list[SSAValue], shifts: list[int],
               cut: int = 1) -> tuple[list[SSAValue], list[int]]:
    """One level of ``symc.delays.sum_tree``, the adders sym-schedule times: each pair of
    neighbours (sorted by place, each zero below its place) added from the higher one's place
    up, the lower one's bits below that wired through. Exact modulo ``2**width``. With ``cut``
    (the level's ``sum_cuts``) above 1, each adder is a :func:`_carry_chain` of that many
    near-equal pieces over as many stages, the level's results read in the last one."""
    first, end = self.values.stage, self.values.stage + cut - 1
    out, places = [], []
    for lo, hi in sum_tree(shifts)[0]:
        a, b, place = terms[lo], terms[hi], shifts[hi]
        width = width_of(a)
        x, y = self.b.extract(a, place, width - place), self.b.extract(b, place, width - place)
        if cut > 1:
            self.values.stage = first
            total = _carry_chain(self, x, y, False,
                                 near_equal(width - place, min(cut, width - place)), "sum")
            total = self.values.delayed(total, self.values.stage, end)
        else:
            total = self.b.add(x, y)
        below = self.values.delayed(self.b.extract(a, 0, place), first, end) if place else None
        out.append(self.b.concat([total, below]) if below is not None else total)
        places.append(shifts[lo])
    self.values.stage = end
    done = 2 * len(out)
    rest = [self.values.delayed(t, first, end) for t in terms[done:]]
    return out + rest, places + shifts[done:]


def _registered_product(self: _KernelLowering, op: sym.MulOp, name: str) -> SSAValue:
    """A product in DSP blocks with their own registers (``dsp_registers``, see sym-schedule):
    :func:`_registered_terms` of its operands, read in the op's stage; their sum after the
    blocks' output registers, its adder levels in ``sum_stages`` (registered between two
    stages), a level with ``sum_cuts`` above 1 over that many stages. Exact modulo
    ``2**width``."""
    _check_dsp_registers(op)
    width = sym.format_of(op.result).width
    terms, shifts = _registered_terms(self, self.values[op.lhs], sym.format_of(op.lhs).signed,
                                      self.values[op.rhs], sym.format_of(op.rhs).signed, width,
                                      name)
    sums = op.attributes.get("sum_stages")
    levels = ([a.value.data for a in sums.data]  # type: ignore[attr-defined]
              if isinstance(sums, ArrayAttr) else [])
    levels_needed = (len(terms) - 1).bit_length()
    if len(levels) != levels_needed:
        raise SymcError(f"convert-sym-to-hw: {op.name} sums {len(terms)} block products in "
                        f"{levels_needed} levels; sum_stages gives {len(levels)}")
    cuts_attr = op.attributes.get("sum_cuts")
    cuts = ([a.value.data for a in cuts_attr.data]  # type: ignore[attr-defined]
            if isinstance(cuts_attr, ArrayAttr) else [1] * len(levels))
    if len(cuts) != len(levels):
        raise SymcError(f"convert-sym-to-hw: {op.name} has {len(levels)} sum_stages and "
                        f"{len(cuts)} sum_cuts")
    self.values.stage += ecp5_dsp.CYCLES
    for level, cut in zip(levels, cuts, strict=True):
        if level > self.values.stage:
            terms = [self.values.delayed(t, self.values.stage, level) for t in terms]
            self.values.stage = level
        terms, shifts = _sum_level(self, terms, shifts, cut)
    return self.b.resize(terms[0], width, True, name)


def _table_product(self: _KernelLowering, op: sym.LutOp, a: SSAValue, a_signed: bool,
                   b: SSAValue | int, b_signed: bool, width: int, name: str,
                   carried: list[SSAValue]) -> tuple[SSAValue, list[SSAValue]]:
    """A table's DSP product in blocks with their own registers (the table's
    ``dsp_registers``): :func:`_registered_terms`, then their sum, one piece of the table per
    level of adders (``DelayModel.registered_pieces_of``: ``carried`` goes through each
    boundary). The terms are marked produced where the blocks' results arrive, which is
    where the first level reads them. A constant factor ``b`` (an int) is multiplied without
    its trailing zero bits, which shift the sum (as ``symc.delays.registered_constant``
    counts its width). Returns the product and ``carried`` as the piece after it sees them."""
    _check_dsp_registers(op)
    shift = 0
    if isinstance(b, int):
        shift = trailing_zeros(b)
        b = _constant_operand(self, b >> shift)
    terms, shifts = _registered_terms(self, a, a_signed, b, b_signed, width, name)
    ready = self.values.stage + ecp5_dsp.CYCLES
    for term in terms:
        self.values.mark_late(term, ready)
    while len(terms) > 1:
        held = self.b.next_segment([*terms, *carried])
        terms, carried = held[:len(terms)], held[len(terms):]
        terms, shifts = _sum_level(self, terms, shifts)
    result = self.b.resize(terms[0], width, True, name, shift=shift)
    self.values.mark_late(result, self.values.produced(terms[0]))
    return result, carried


def _constant_operand(self: _KernelLowering, value: int) -> SSAValue:
    """A constant factor as the narrowest operand holding it (signed when negative)."""
    return self.b.constant(value, abs(value).bit_length() + (value < 0) or 1)


def _check_dsp_registers(op: Operation) -> None:
    attr = op.attributes["dsp_registers"]
    if not (isinstance(attr, IntegerAttr) and attr.value.data == ecp5_dsp.CYCLES):
        raise SymcError(f"convert-sym-to-hw: dsp_registers on {op.name} must be "
                        f"{ecp5_dsp.CYCLES}, the registers of symc's DSP block")


def _cascade_product(self: _KernelLowering, op: sym.MulOp, name: str) -> SSAValue:
    """A product as a chain of DSP blocks (``cascade_operand`` / ``cascade_pieces``, written
    by sym-schedule from ``symc.delays.Cascade``): the cut operand in pieces, lowest first,
    and block ``i`` computes ``acc_i = whole * piece_i + (acc_{i-1} >> 17)`` (arithmetic
    shift), the form synthesis maps onto a block's post-adder and cascade. Each result but the
    last gives the product's next 17 low bits; the last gives the rest. Exact:
    ``acc_i`` is ``whole * (the cut operand's pieces up to i) >> 17 * i`` and never overflows
    its ``Cascade.accumulator`` bits."""
    cut_attr, pieces_attr = op.attributes.get("cascade_operand"), op.attributes["cascade_pieces"]
    if not (isinstance(cut_attr, IntegerAttr) and cut_attr.value.data in (0, 1)
            and isinstance(pieces_attr, ArrayAttr)
            and all(isinstance(a, IntegerAttr) for a in pieces_attr.data)):
        raise SymcError(f"convert-sym-to-hw: a chain of DSP blocks on {op.name} needs "
                        "cascade_operand = 0 or 1 and cascade_pieces = [widths]")
    cut = cut_attr.value.data
    sizes = [a.value.data for a in pieces_attr.data]  # type: ignore[attr-defined]
    whole_value, split_value = op.operands[1 - cut], op.operands[cut]
    whole, whole_signed = self.values[whole_value], sym.format_of(whole_value).signed
    split, split_signed = self.values[split_value], sym.format_of(split_value).signed
    # The accumulator's width holds for 17-bit low pieces and a top piece of at most 18 bits
    # (17 when unsigned): what symc.delays.cascade_plan cuts.
    top_bits = PIECE_BITS + 1 if split_signed else PIECE_BITS
    if (sum(sizes) != width_of(split) or any(size != PIECE_BITS for size in sizes[:-1])
            or not 0 < sizes[-1] <= top_bits):
        raise SymcError(f"convert-sym-to-hw: cascade pieces {sizes} are not 17-bit pieces "
                        f"of the {width_of(split)}-bit operand of {op.name}")
    acc_width = Cascade(cut, tuple(sizes), width_of(whole)).accumulator
    whole = self.b.resize(whole, acc_width, whole_signed)
    low_bits: list[SSAValue] = []
    acc: SSAValue | None = None
    low = 0
    for i, size in enumerate(sizes):
        top = i == len(sizes) - 1
        piece = self.b.resize(self.b.extract(split, low, size), acc_width,
                              split_signed and top)
        product = self.b.mul(whole, piece, f"{name}_block")
        if acc is not None:
            carried = self.b.resize(self.b.extract(acc, PIECE_BITS, acc_width - PIECE_BITS),
                                    acc_width, True)
            product = self.b.add(product, carried, f"{name}_block")
        acc = product
        if not top:
            low_bits.append(self.b.extract(acc, 0, PIECE_BITS))
        low += size
    assert acc is not None
    joined = self.b.concat([acc, *reversed(low_bits)])
    return self.b.resize(joined, sym.format_of(op.result).width, True, name)


def _lut(self: _KernelLowering, op: sym.LutOp) -> SSAValue:
    """A table: the index by :mod:`symc.tables`' rule, then a ROM read."""
    spec, name = op.spec, self._name(op)
    src = sym.format_of(op.operand)
    x = self.values[op.operand]
    index_bits = max(1, (spec.entries - 1).bit_length())
    # With index_cut (sym-schedule), the index is itself cut into pieces: its product, the
    # offset, the clamp (DelayModel.index_pieces).
    index_cut = "index_cut" in op.attributes
    multiplies = table_kind(op) == "table_mul"

    def cut(values: list[SSAValue]) -> list[SSAValue]:
        return self.b.next_segment(values) if index_cut else values

    product_width, offset_width = spec.index_widths(src.width)
    if spec.indexing == "hls4ml":
        # index = int((x - start) * mult): C's conversion truncates toward zero.
        width = offset_width
        diff = self.b.sub(self.b.resize(x, width, src.signed),
                          self.b.constant(spec.start_raw, width),
                          f"{name}_off")
        if multiplies:
            (diff,) = cut([diff])
        width = product_width
        if "dsp_registers" in op.attributes:
            product, _ = _table_product(self, op, diff, True, spec.mult_raw,
                                        spec.mult_raw < 0, width, f"{name}_scaled", [])
        else:
            product = self.b.mul(self.b.resize(diff, width, True),
                                 self.b.constant(spec.mult_raw, width), f"{name}_scaled")
        (product,) = cut([product])
        dropped = src.frac_bits + spec.mult_frac
        position = FixedFormat(width, width - dropped)
        index = self._round(product, position, dropped, Quant.AP_TRN_ZERO, f"{name}_idx")
        (index,) = cut([index])
        index = _clamp(self, index, spec.entries, index_bits, f"{name}_clamp")
        # A table cut into pieces (segment_stages): the index ends the first.
        (index,) = self.b.next_segment([index])
        (entry,), _ = _rom_read(self, op, [(spec.values, spec.out_format.width, name)], index, [])
        return entry
    if spec.normalized:
        return _reciprocal(self, op, x, name)
    # bits: t = x * scale; index = (t - start) >> shift, wrapped (periodic) or clamped.
    width = src.width + 1
    t = self.b.resize(x, width, src.signed)
    if spec.scale_raw != 1:
        width = product_width
        if "dsp_registers" in op.attributes and multiplies:
            # x itself (t is x with room for one more bit).
            t, _ = _table_product(self, op, x, src.signed, spec.scale_raw,
                                  spec.scale_raw < 0, width, f"{name}_turns", [])
        else:
            t = self.b.mul(self.b.resize(t, width, True),
                           self.b.constant(spec.scale_raw, width), f"{name}_turns")
        if multiplies:
            (t,) = cut([t])
    width = offset_width
    diff = self.b.sub(self.b.resize(t, width, True), self.b.constant(spec.start_raw, width),
                      f"{name}_off")
    if spec.bipartite:
        return _bipartite(self, op, diff, name, cut)
    if spec.shift >= width:
        index = self.b.resize(self.b.sign_bit(diff), 2, True)
    else:
        index = self.b.extract(diff, spec.shift, width - spec.shift, f"{name}_cell")
    if spec.exponent and width_of(diff) < spec.t_frac + 2:
        diff = self.b.resize(diff, spec.t_frac + 2, True)  # room for the power k
    entry_name = f"{name}_entry" if spec.exponent else name
    if not spec.wraps:
        index, diff = cut([index, diff])  # the offset, then the clamp
    if spec.interp_bits:
        entry, amount = _interpolate(self, op, diff, index, entry_name)
    else:
        if spec.wraps:
            index = self.b.resize(index, index_bits, False, f"{name}_idx")
        else:
            index = _clamp(self, index, spec.entries, index_bits, f"{name}_clamp")
        # A table cut into pieces (segment_stages): the index ends the first.
        index, diff = self.b.next_segment([index, diff])
        (entry,), (diff,) = _rom_read(self, op, [(spec.values, spec.entry_format.width,
                                                  entry_name)], index, [diff])
        amount = None
        if spec.exponent:
            k = _exp_power(self, op, diff, name)
            entry, k = self.b.next_segment([entry, k])
            k = _exp_floor(self, op, k, width_of(diff) - spec.t_frac, name)
            if "tail_cut" in op.attributes:
                entry, k = self.b.next_segment([entry, k])  # the clamp, then the amount
            amount = _exp_amount(self, op, k, name)
    if not spec.exponent:
        return entry
    assert amount is not None
    return _exp_shift(self, op, entry, amount, name)


def _reciprocal(self: _KernelLowering, op: sym.LutOp, x: SSAValue, name: str) -> SSAValue:
    """A normalized reciprocal (:meth:`symc.tables.Table.reciprocal`): a priority mux on the
    divisor's leading one picks the index bits below it and, after the ROM read, the entry
    shifted back by that octave's constant amount; one rounding add, the saturation, the sign.
    The clamp to the octaves takes no comparator: below them (or negative) is "no bit set from
    the lowest octave up", above them "a bit set above the highest", two OR reductions.
    Cut into pieces (``segment_stages``): the index, the ROM read, the scaling."""
    spec, src, out = op.spec, sym.format_of(op.operand), op.spec.out_format
    n = spec.entries.bit_length() - 1
    first, last = spec.octave_lo, spec.octave_hi
    width = max(src.width + 1, last + 3)
    index_cut, tail_cut = "index_cut" in op.attributes, "tail_cut" in op.attributes
    b = self.b.resize(x, width, src.signed)
    if spec.negated:
        b = self.b.sub(self.b.constant(0, width), b, f"{name}_neg")
        if index_cut:
            (b,) = self.b.next_segment([b])
    sign = self.b.sign_bit(b)
    above = self.b.and_(self.b.not_(sign),
                        self.b.any_bits(self.b.extract(b, last + 1, width - last - 2)),
                        f"{name}_above")
    below = self.b.or_(sign, self.b.not_(self.b.any_bits(
        self.b.extract(b, first, last - first + 1))), f"{name}_below")

    def below_lead(value: SSAValue | int, q: int) -> SSAValue:  # n bits below a lead at q
        if isinstance(value, int):
            return self.b.constant((((value << n) >> q) - (1 << n)) & ((1 << n) - 1), n)
        if q >= n:
            return self.b.extract(value, q - n, n)
        if q == 0:
            return self.b.constant(0, n)
        return self.b.concat([self.b.extract(value, 0, q), self.b.constant(0, n - q)])

    leads = [self.b.extract(b, q, 1) for q in range(first + 1, last + 1)]
    index = below_lead(b, first)
    for q, lead in zip(range(first + 1, last + 1), leads, strict=True):
        index = self.b.mux(lead, below_lead(b, q), index)
    if index_cut:
        # The octave mux, then the clamp's two muxes.
        index, below, above, *leads = self.b.next_segment(_values(index, below, above, *leads))
    index = self.b.mux(below, self.b.constant(0, n), index)
    index = self.b.mux(above, below_lead((1 << (last + 1)) - 1, last), index, f"{name}_idx")
    # Cut into pieces (segment_stages): the leading-one bits cross the registers too.
    index, below, above, *leads = self.b.next_segment(_values(index, below, above, *leads))
    vw = spec.entry_format.width
    (entry,), carried = _rom_read(self, op, [(spec.values, vw, f"{name}_entry")], index,
                                  [below, above, *leads])
    entry, below, above, *leads = self.b.next_segment([entry, *carried])

    def halved(q: int) -> SSAValue:  # 2*entry >> s, s = norm_bias + q >= 1
        drop = spec.norm_bias + q - 1
        if drop >= vw:
            return self.b.constant(0, vw + 1)
        return self.b.resize(self.b.extract(entry, drop, vw - drop), vw + 1, False)

    shifted = halved(first)
    for q, lead in zip(range(first + 1, last + 1), leads, strict=True):
        shifted = self.b.mux(lead, halved(q), shifted)
    shifted = self.b.mux(below, halved(first), shifted)
    shifted = self.b.mux(above, halved(last), shifted)
    # With tail_cut: the shift back, the rounding, the saturation, the sign, one piece each.
    cut = self.b.next_segment if tail_cut else (lambda values: values)
    (shifted,) = cut([shifted])
    rounded = self.b.add(shifted, self.b.constant(1, vw + 1), f"{name}_round")
    y = self.b.extract(rounded, 1, vw, f"{name}_scaled")
    if spec.reciprocal_max > out.max_raw:
        (y,) = cut([y])
        limit = self.b.constant(out.max_raw, vw)
        y = self.b.mux(self.b.icmp("ugt", y, limit), limit, y, f"{name}_sat")
    y = self.b.resize(y, out.width, False, None if spec.negated else name)
    if spec.negated:
        (y,) = cut([y])
        y = self.b.sub(self.b.constant(0, out.width), y, name)
    return y


def _exp_power(self: _KernelLowering, op: sym.LutOp, diff: SSAValue, name: str) -> SSAValue:
    """An exponent table's power ``k`` (the bits of ``t`` above its fraction), clamped to at
    most ``exp_max``; :func:`_exp_amount` clamps it below and makes it a shift amount."""
    spec = op.spec
    k_bits = width_of(diff) - spec.t_frac
    width = spec.power_width(k_bits)
    k = self.b.resize(self.b.extract(diff, spec.t_frac, k_bits, f"{name}_pow"), width, True)
    if (1 << (k_bits - 1)) - 1 > spec.exp_max:
        top = self.b.constant(spec.exp_max, width)
        k = self.b.mux(self.b.icmp("sgt", k, top), top, k, f"{name}_pow_hi")
    return k


def _exp_floor(self: _KernelLowering, op: sym.LutOp, k: SSAValue, k_bits: int,
               name: str) -> SSAValue:
    """``k`` (``k_bits`` wide before it was widened) clamped to at least ``exp_min``."""
    spec = op.spec
    if -(1 << (k_bits - 1)) < spec.exp_min:
        bottom = self.b.constant(spec.exp_min, width_of(k))
        k = self.b.mux(self.b.icmp("slt", k, bottom), bottom, k, f"{name}_pow_lo")
    return k


def _exp_amount(self: _KernelLowering, op: sym.LutOp, k: SSAValue, name: str) -> SSAValue:
    """The shift amount ``exp_bias - k`` of a clamped ``k`` (:meth:`symc.tables.Table.
    scale_entry`)."""
    spec = op.spec
    amount = self.b.sub(self.b.constant(spec.exp_bias, width_of(k)), k, f"{name}_amount")
    return self.b.resize(amount, spec.entry_format.width + 1, False)  # 0..vw


def _exp_shift(self: _KernelLowering, op: sym.LutOp, entry: SSAValue, amount: SSAValue,
               name: str) -> SSAValue:
    """An exponent table's ``entry * 2**k``: a rounding right shift by the amount and the
    saturation (:meth:`symc.tables.Table.scale_entry`), each a piece of a cut table."""
    spec, out = op.spec, op.spec.out_format
    vw = spec.entry_format.width
    wide = vw + 1
    entry, amount = self.b.next_segment([entry, amount])
    doubled = self.b.shift_left(entry, 1)  # 2 * entry: the bit below the result, for rounding
    low = op.attributes.get("shift_cut")
    if isinstance(low, IntegerAttr):
        # Two levels, a stage each: by the amount's high bits, then by its low ones
        # ((x >> a) >> b == x >> (a + b) for logical shifts).
        bits = low.value.data
        high = self.b.concat([self.b.extract(amount, bits, wide - bits),
                              self.b.constant(0, bits)])
        doubled = self.b.shift_right(doubled, high, f"{name}_shifted_hi")
        doubled, amount = self.b.next_segment(
            [doubled, self.b.resize(self.b.extract(amount, 0, bits), wide, False)])
    shifted = self.b.shift_right(doubled, amount, f"{name}_shifted")
    (shifted,) = self.b.next_segment([shifted])
    rounded = self.b.add(shifted, self.b.constant(1, wide), f"{name}_round")
    y = self.b.extract(rounded, 1, vw, f"{name}_scaled")
    if "tail_cut" in op.attributes:
        (y,) = self.b.next_segment([y])  # the rounding, then the saturation
    if spec.scaled_max > out.max_raw:
        limit = self.b.constant(out.max_raw, vw)
        y = self.b.mux(self.b.icmp("ugt", y, limit), limit, y, f"{name}_sat")
    return self.b.resize(y, out.width, False, name)


def _interpolate(self: _KernelLowering, op: sym.LutOp, diff: SSAValue, index: SSAValue,
                 name: str) -> tuple[SSAValue, SSAValue | None]:
    """``T[i] + ((T[i+1] - T[i]) * frac) >> b`` (see :meth:`symc.tables.Table.lookup`), and
    an exponent table's shift amount. Cut into pieces (``segment_stages``): the index, the
    ROM reads, the difference, the product, the sum."""
    spec = op.spec
    out = spec.entry_format
    bits = spec.interp_bits
    frac = self.b.extract(diff, spec.shift - bits, bits, f"{name}_frac")
    values = list(spec.values)
    if spec.wraps:
        index_bits = max(1, (spec.entries - 1).bit_length())
        index = self.b.resize(index, index_bits, False, f"{name}_idx")
        # A periodic table's next entry wraps around; an exponent table holds the edge 2**1.
        following = values[1:] + values[:1] if spec.periodic else values[1:]
        values = values[:spec.entries]
    else:
        # Cells 0..entries-1 plus the last edge: outside the domain, position 0 at an end.
        index_bits = max(1, spec.entries.bit_length())
        width = max(width_of(index), index_bits + 1)
        wide = self.b.resize(index, width, True)
        below = self.b.icmp("slt", wide, self.b.constant(0, width), f"{name}_below")
        above = self.b.icmp("sgt", wide, self.b.constant(spec.entries - 1, width),
                            f"{name}_above")
        frac = self.b.mux(self.b.or_(below, above), self.b.constant(0, bits), frac,
                          f"{name}_pos")
        index = _clamp(self, index, spec.entries + 1, index_bits, f"{name}_clamp")
        following = values[1:] + values[-1:]
    width = out.width + 1
    index, frac, diff = self.b.next_segment([index, frac, diff])
    (low, high), (frac, diff) = _rom_read(
        self, op, [(values, out.width, f"{name}_lo"), (following, out.width, f"{name}_hi")],
        index, [frac, diff])
    low = self.b.resize(low, width, out.signed)
    high = self.b.resize(high, width, out.signed)
    base = name.removesuffix("_entry")
    carried = [_exp_power(self, op, diff, base)] if spec.exponent else []
    low, high, frac, *carried = self.b.next_segment([low, high, frac, *carried])
    tail_cut = "tail_cut" in op.attributes
    if spec.exponent:
        carried = [_exp_floor(self, op, carried[0], width_of(diff) - spec.t_frac, base)]
        if not tail_cut:
            carried = [_exp_amount(self, op, carried[0], base)]
    delta = self.b.sub(high, low, f"{name}_delta")
    delta, low, frac, *carried = self.b.next_segment([delta, low, frac, *carried])
    if spec.exponent and tail_cut:
        # The amount beside the product, in its first stage.
        carried = [_exp_amount(self, op, carried[0], base)]
    if "dsp_registers" in op.attributes:
        product, (low, *carried) = _table_product(self, op, delta, True, frac, False,
                                                  width + bits, f"{name}_weighted",
                                                  [low, *carried])
    else:
        product = self.b.mul(self.b.resize(delta, width + bits, True),
                             self.b.resize(frac, width + bits, False), f"{name}_weighted")
    step = self.b.extract(product, bits, width, f"{name}_step")  # floor(product / 2**bits)
    self.values.mark_late(step, self.values.produced(product))
    step, low, *carried = self.b.next_segment([step, low, *carried])
    total = self.b.resize(self.b.add(low, step, f"{name}_sum"), out.width, out.signed, name)
    return total, (carried[0] if carried else None)


def _bipartite(self: _KernelLowering, op: sym.LutOp, diff: SSAValue, name: str,
               cut: Callable[[list[SSAValue]], list[SSAValue]]) -> SSAValue:
    """``T[j >> b] + O[segment, position]`` of the fine index ``j`` (see
    :meth:`symc.tables.Table.lookup`). Pieces (``segment_stages``): the index (its clamp cut
    apart with ``index_cut``), the two ROM reads, the sum."""
    spec = op.spec
    b, drop = spec.offset_bits, spec.offset_drop
    n = spec.entries.bit_length() - 1
    low, width = spec.shift - b, width_of(diff)
    if low >= width:
        fine = self.b.resize(self.b.sign_bit(diff), 2, True)
    else:
        fine = self.b.extract(diff, low, width - low, f"{name}_fine")
    if spec.wraps:
        fine = self.b.resize(fine, n + b, False, f"{name}_idx")
    else:
        (fine,) = cut([fine])  # the offset, then the clamp
        fine = _clamp(self, fine, spec.entries << b, n + b, f"{name}_clamp")
    (fine,) = self.b.next_segment([fine])  # the index ends the first piece
    index = self.b.extract(fine, b, n)
    position = self.b.extract(fine, 0, b)
    at = (self.b.concat([self.b.extract(fine, b + drop, n - drop), position])
          if n > drop else position)
    out = spec.out_format
    entry = self.b.rom(spec.values, out.width, index, f"{name}_main")
    offset = self.b.rom(spec.offsets, spec.offset_width, at, f"{name}_offset")
    entry, offset = self.b.next_segment([entry, offset])
    total = self.b.add(self.b.resize(entry, out.width + 1, out.signed),
                       self.b.resize(offset, out.width + 1, True), f"{name}_sum")
    return self.b.resize(total, out.width, out.signed, name)


def _values(*bits: Bit) -> list[SSAValue]:
    """Bits for ``next_segment``: registered when the table is cut there, passed through
    untouched otherwise (a clamp bit that folded to a constant is typed ``Bit``, not a
    value; the registers take values only)."""
    return cast(list[SSAValue], list(bits))


def _rom_read(self: _KernelLowering, op: sym.LutOp, roms: Sequence[tuple[Sequence[int], int, str]],
              index: SSAValue, carried: list[SSAValue]
              ) -> tuple[list[SSAValue], list[SSAValue]]:
    """``values[index]`` of each ``(values, width, name)`` of ``roms``, and ``carried`` as the
    next piece sees them. With ``rom_banks`` ``b`` (sym-schedule), each ROM is read as banks
    of ``2**(ceil(log2(entries)) - b)`` entries at the index's low bits, the banks' outputs
    are registered with its high bits and ``carried`` (a piece boundary), and the high bits
    then pick a bank (DelayModel.rom_pieces)."""
    attr = op.attributes.get("rom_banks")
    banks = attr.value.data if isinstance(attr, IntegerAttr) else 0
    if not banks:
        return [self.b.rom(values, width, index, name) for values, width, name in roms], carried
    low_bits, select_bits = bank_bits(op, banks)
    assert width_of(index) == low_bits + select_bits, (width_of(index), low_bits, select_bits)
    size, count = 1 << low_bits, 1 << select_bits
    low = self.b.extract(index, 0, low_bits)
    high = self.b.extract(index, low_bits, select_bits)
    read: list[list[SSAValue]] = []
    for values, width, name in roms:
        # The index never passes the last value: what pads the last bank is never read.
        padded = list(values) + [values[-1]] * (count * size - len(values))
        read.append([self.b.rom(padded[k * size:(k + 1) * size], width, low, f"{name}_bank{k}")
                     for k in range(count)])
    flat = [v for bank in read for v in bank]
    held = self.b.next_segment([*flat, high, *carried])
    high, carried = held[len(flat)], held[len(flat) + 1:]
    held = held[:len(flat)]
    for first in mux_levels(select_bits, bank_mux_cut(op))[:-1]:
        # The mux over stages (bank_mux_cut): each group of 2**first consecutive banks by the
        # lowest select bits left, registered, then the groups by the rest. The tree of 2:1
        # muxes resolves the low bits first either way.
        group = 1 << first
        rest = self.b.extract(high, first, width_of(high) - first)
        low_select = self.b.extract(high, 0, first)
        partial = [self.b.select(held[k:k + group], low_select, None)
                   for k in range(0, len(held), group)]
        held = self.b.next_segment([*partial, rest, *carried])
        high, carried = held[len(partial)], held[len(partial) + 1:]
        held = held[:len(partial)]
        count //= group
    out = [self.b.select(held[i * count:(i + 1) * count], high, name)
           for i, (_, _, name) in enumerate(roms)]
    return out, carried


def _clamp(self: _KernelLowering, value: SSAValue, entries: int, bits: int,
           name: str) -> SSAValue:
    """A signed index clamped to ``[0, entries - 1]``, as ``bits`` bits."""
    width = width_of(value)
    if width < bits + 1:
        value = self.b.resize(value, bits + 1, True)
        width = bits + 1
    zero, last = self.b.constant(0, width), self.b.constant(entries - 1, width)
    low = self.b.icmp("slt", value, zero, f"{name}_low")
    value = self.b.mux(low, zero, value, f"{name}_lo")
    high = self.b.icmp("sgt", value, last, f"{name}_high")
    value = self.b.mux(high, last, value, name)
    return self.b.resize(value, bits, False)


_KernelLowering.lut = _lut  # type: ignore[attr-defined]


# One lowering per source op, in the dialect's terms.
_LOWERINGS: dict[type[Operation], Callable[[_KernelLowering, Any], SSAValue]] = {
    sym.ConstOp: _KernelLowering.const,
    sym.AddOp: _KernelLowering.add_sub,
    sym.SubOp: _KernelLowering.add_sub,
    sym.MulOp: _KernelLowering.mul,
    sym.NegOp: _KernelLowering.neg_abs,
    sym.AbsOp: _KernelLowering.neg_abs,
    sym.MinOp: _KernelLowering.min_max,
    sym.MaxOp: _KernelLowering.min_max,
    sym.CastOp: _KernelLowering.cast,
    sym.LutOp: _lut,
}
