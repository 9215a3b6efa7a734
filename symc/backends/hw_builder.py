"""Building blocks for hw/comb circuits on plain integers (``iN``), used by ``convert-sym-to-hw``.

comb has no sign or zero extension, no shift by a constant that changes the width, and no
boolean constant folding; fixed-point lowering needs all three on every operand. This builder
appends ``hw.constant`` / ``comb.*`` ops to the end of a block and provides them, so that the
pass reads as fixed-point semantics rather than as bit plumbing.

Bits (``i1`` conditions) may be Python booleans: ``and_``/``or_``/``not_`` fold them, so that a
rounding mode whose tie rule is "always" or "never" costs no gate at all.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence

from xdsl.dialects import comb, hw
from xdsl.dialects.builtin import IntAttr, IntegerAttr, IntegerType, StringAttr
from xdsl.ir import Block, Operation, SSAValue

from symc.dialects.hw import AggregateConstantOp

Bit = SSAValue | bool
"""A one-bit condition: an ``i1`` value, or a constant known while building."""


@functools.cache
def _integer_type(width: int) -> IntegerType:
    return IntegerType(width)


def width_of(value: SSAValue) -> int:
    assert isinstance(value.type, IntegerType), value.type
    return value.type.width.data


class HWBuilder:
    """Appends hw/comb ops to the end of ``block``; every value it returns is an ``iN``."""

    def __init__(self, block: Block):
        self.block = block
        # Constants and bit slices are asked for again and again (sign bits, zero padding);
        # build each once. The block only grows at its end, so a cached value dominates.
        self._constants: dict[tuple[int, int], SSAValue] = {}
        self._slices: dict[tuple[SSAValue, int, int], SSAValue] = {}
        # Pipelining may register a table's index before its ROM (symc/backends/pipeline.py).
        self.rom_index: Callable[[SSAValue], SSAValue] | None = None
        # ... or read it from a block RAM (symc/backends/block_rom.py).
        self.block_rom: Callable[..., SSAValue] | None = None
        # ... or register a product's partial products before their sum.
        self.stage_break: Callable[[list[SSAValue]], list[SSAValue]] | None = None
        # ... or register the values live between two pieces of a table (its segments).
        self.segment_break: Callable[[list[SSAValue]], list[SSAValue]] | None = None

    def next_segment(self, values: Sequence[SSAValue]) -> list[SSAValue]:
        """The end of one piece of a table: ``values`` (all that later pieces read) as the
        next piece sees them, registered when the schedule put it in a later stage."""
        return list(values) if self.segment_break is None else self.segment_break(list(values))

    def _emit(self, op: Operation, name: str | None) -> SSAValue:
        self.block.add_op(op)
        result = op.results[0]
        if name is not None and SSAValue.is_valid_name(name):
            result.name_hint = name
            # CIRCT's Verilog printer names wires after `sv.namehint`; SSA names are lost
            # when the text is parsed.
            op.attributes["sv.namehint"] = StringAttr(name)
        return result

    # --- constants and bit plumbing --------------------------------------------------------

    def constant(self, value: int, width: int) -> SSAValue:
        """``value mod 2**width`` as an ``i<width>``."""
        key = (value & ((1 << width) - 1), width)
        if key not in self._constants:
            # hw.ConstantOp(value, width), built directly: a table's ROM asks for a thousand
            # of them, and the generic constructor checks what is known here to hold.
            kind = _integer_type(width)
            attr = IntegerAttr.new((IntAttr(kind.get_normalized_value(key[0])), kind))
            op = hw.ConstantOp.create(result_types=[kind], properties={"value": attr})
            self._constants[key] = self._emit(op, None)
        return self._constants[key]

    def bit(self, value: Bit) -> SSAValue:
        return self.constant(int(value), 1) if isinstance(value, bool) else value

    def extract(self, value: SSAValue, low: int, width: int, name: str | None = None) -> SSAValue:
        if low == 0 and width == width_of(value):
            return value
        key = (value, low, width)
        if key not in self._slices:
            op = comb.ExtractOp(value, IntegerAttr(low, 32), IntegerType(width))
            self._slices[key] = self._emit(op, name)
        return self._slices[key]

    def concat(self, parts: Sequence[SSAValue], name: str | None = None) -> SSAValue:
        """Concatenate ``parts``, most significant first (Verilog's ``{a, b}``)."""
        if len(parts) == 1:
            return parts[0]
        width = sum(width_of(p) for p in parts)
        return self._emit(comb.ConcatOp(parts, IntegerType(width)), name)

    def sign_bit(self, value: SSAValue, name: str | None = None) -> SSAValue:
        return self.extract(value, width_of(value) - 1, 1, name)

    def resize(
        self,
        value: SSAValue,
        width: int,
        signed: bool,
        name: str | None = None,
        *,
        shift: int = 0,
    ) -> SSAValue:
        """``value * 2**shift`` (``shift >= 0``) as a ``width``-bit integer, in one concat.

        ``value`` is sign- (``signed``) or zero-extended when ``width`` has room, which keeps
        the integer it stands for; otherwise only its low bits are kept, which keeps the
        integer modulo ``2**width`` (exactly ap_fixed's AP_WRAP).
        """
        have, body = width_of(value), width - shift
        parts: list[SSAValue] = []
        if body > have:
            if signed:
                top = self.sign_bit(value)
                if body - have > 1:
                    top = self._emit(comb.ReplicateOp(top, IntegerType(body - have)), None)
            else:
                top = self.constant(0, body - have)
            parts += [top, value]
        elif body > 0:
            parts.append(self.extract(value, 0, body, name if shift == 0 else None))
        if shift > 0:
            parts.append(self.constant(0, min(shift, width)))
        return self.concat(parts, name)

    def shift_left(self, value: SSAValue, amount: int, name: str | None = None) -> SSAValue:
        """``value * 2**amount``, growing the width by ``amount`` (zeros below the LSB)."""
        return self.resize(value, width_of(value) + amount, False, name, shift=amount)

    # --- arithmetic and comparison (operands of one width) ----------------------------------

    def add(self, lhs: SSAValue, rhs: SSAValue, name: str | None = None) -> SSAValue:
        return self._emit(comb.AddOp([lhs, rhs]), name)

    def sub(self, lhs: SSAValue, rhs: SSAValue, name: str | None = None) -> SSAValue:
        return self._emit(comb.SubOp(lhs, rhs), name)

    def mul(self, lhs: SSAValue, rhs: SSAValue, name: str | None = None) -> SSAValue:
        """``lhs * rhs`` modulo ``2**width`` (operands of one width, already extended).

        Known zero low bits of either operand (a constant's trailing zeros, the zeros an
        aligning shift appends) are taken out of the multiplier and appended to its product:
        ``(a * 2**i) * (b * 2**j) == (a * b) * 2**(i + j)``. Besides being narrower, the
        multiplier then keeps the form synthesis recognizes as a signed product of
        sign-extended operands; measured with yosys (synth_ecp5 / synth_xilinx), a 17-bit
        signed value times an even constant took two DSP blocks and a combining adder where
        one block suffices.
        """
        width = width_of(lhs)
        zeros_a, zeros_b = self.trailing_zeros(lhs), self.trailing_zeros(rhs)
        low = zeros_a + zeros_b
        if low == 0:
            return self._emit(comb.MulOp([lhs, rhs]), name)
        if low >= width:
            return self.constant(0, width)
        core = width - low
        a = self.extract(lhs, zeros_a, core)
        b = self.extract(rhs, zeros_b, core)
        product = self._emit(comb.MulOp([a, b]), f"{name}_core" if name else None)
        return self.concat([product, self.constant(0, low)], name)

    def trailing_zeros(self, value: SSAValue) -> int:
        """Low bits of ``value`` known to be zero from the ops that built it (constants,
        concatenations and slices of them; anything else counts as unknown)."""
        op = value.owner
        if isinstance(op, hw.ConstantOp):
            bits = op.value.value.data & ((1 << width_of(value)) - 1)
            return width_of(value) if bits == 0 else (bits & -bits).bit_length() - 1
        if isinstance(op, comb.ConcatOp):
            total = 0
            for part in reversed(op.operands):
                zeros = self.trailing_zeros(part)
                total += zeros
                if zeros < width_of(part):
                    break
            return total
        if isinstance(op, comb.ExtractOp):
            # The low bits of a slice are its source's bits from ``low_bit`` up.
            low = op.low_bit.value.data
            return max(0, min(width_of(value), self.trailing_zeros(op.input) - low))
        return 0

    def shift_right(self, value: SSAValue, amount: SSAValue,
                    name: str | None = None) -> SSAValue:
        """Logical ``value >> amount`` (``amount`` as wide as ``value``)."""
        return self._emit(comb.ShrUOp(value, amount), name)

    def icmp(
        self, predicate: str, lhs: SSAValue, rhs: SSAValue, name: str | None = None
    ) -> SSAValue:
        return self._emit(comb.ICmpOp(lhs, rhs, predicate), name)

    def any_bits(self, value: SSAValue, name: str | None = None) -> SSAValue:
        """1 when some bit of ``value`` is set (an OR reduction; comb.parity is unusable)."""
        if width_of(value) == 1:
            return value
        return self.icmp("ne", value, self.constant(0, width_of(value)), name)

    def mux(
        self, cond: Bit, if_true: SSAValue, if_false: SSAValue, name: str | None = None
    ) -> SSAValue:
        if isinstance(cond, bool):
            return if_true if cond else if_false
        return self._emit(comb.MuxOp(cond, if_true, if_false), name)

    def select(self, values: Sequence[SSAValue], index: SSAValue,
               name: str | None = None) -> SSAValue:
        """``values[index]`` of equally wide values: a tree of 2:1 muxes on ``index``'s bits,
        lowest first (``len(values)`` a power of two, at most ``2**width(index)``)."""
        level = list(values)
        assert level and len(level) & (len(level) - 1) == 0, len(level)
        bit = 0
        while len(level) > 1:
            sel = self.extract(index, bit, 1)
            last = len(level) == 2
            level = [self.mux(sel, level[i + 1], level[i], name if last else None)
                     for i in range(0, len(level), 2)]
            bit += 1
        return level[0]

    # --- bits, folded when known -------------------------------------------------------------

    def and_(self, a: Bit, b: Bit, name: str | None = None) -> Bit:
        if isinstance(a, bool):
            return b if a else False
        if isinstance(b, bool):
            return a if b else False
        return self._emit(comb.AndOp([a, b]), name)

    def or_(self, a: Bit, b: Bit, name: str | None = None) -> Bit:
        if isinstance(a, bool):
            return True if a else b
        if isinstance(b, bool):
            return True if b else a
        return self._emit(comb.OrOp([a, b]), name)

    def not_(self, a: Bit, name: str | None = None) -> Bit:
        if isinstance(a, bool):
            return not a
        return self._emit(comb.XorOp([a, self.constant(1, 1)]), name)

    # --- tables ------------------------------------------------------------------------------

    def rom(self, values: Sequence[int], width: int, index: SSAValue,
            name: str | None = None) -> SSAValue:
        """``values[index]`` from a constant array (``hw.aggregate_constant`` +
        ``hw.array_get``).

        CIRCT lists an array's elements from the highest index down, as Verilog's
        concatenation does, hence the reversal.
        """
        if self.rom_index is not None:
            index = self.rom_index(index)
        if self.block_rom is not None:
            return self.block_rom(self, values, width, index, name)
        rom = AggregateConstantOp(list(reversed(values)), width)
        first = self.block.first_op
        array = self._emit(rom, f"{name}_rom" if name else None)
        if first is not None:
            # At the top of the module, each table's before the previous one's: where CIRCT's
            # folder puts the constant arrays it makes of hw.array_create, so that the
            # Verilog declares them in the same order.
            rom.detach()
            self.block.insert_op_before(rom, first)
        return self._emit(hw.ArrayGetOp(array, index), name)
