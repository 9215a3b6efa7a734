"""Delay model: how long each fixed-point op takes on an FPGA family, for ``sym-schedule``.

One JSON file per family (``symc/data/delays_<family>.json``) holds the model as data, written
by ``benchmarks/calibrate_delays.py`` from measurements with the shipped tools:

* ``ecp5``: every op kind at several widths is placed and routed by nextpnr-ecp5 between
  registers; its delay is the measured register-to-register period minus that of a bare
  register-to-register connection (``register_ns``).
* ``xc7``, ``xcup``: no place and route is available for Xilinx here, so the same test designs
  are synthesized by yosys ``synth_xilinx`` and their netlists timed with published primitive
  delays plus a routing delay per net (the sources are named in each file's ``source``).

Each op kind has a linear model ``delay_ns = a + b * x`` in one feature ``x`` of the op (its
result width, the sum of a product's operand widths, log2 of a table's entries, ...), fitted
to the measurements and then raised until no measured point lies above it: the model may be
conservative, not optimistic. A DSP product has two such lines over the same measurements,
one in DSP blocks (``mul_dsp``) and one in operand bits (``mul_dsp_bits``), and takes the
smaller: both bound every measured product. On the Xilinx families a product wider than one
block is a chain of blocks (:class:`Cascade`), timed by its own line in blocks
(``mul_dsp_chain``). On ECP5 a DSP product (or a table whose index
multiplies) whose operand also feeds other DSP blocks pays ``dsp_fanout`` on top (measured:
the shared operand is routed to blocks spread over the device's few DSP rows; an isolated
probe does not see it), and a table pays ``table_crowding`` by the number of tables in its
kernel (measured: copies of one table placed together route longer than one alone). A stage
of a pipeline costs ``register_ns`` plus the delays of the ops
chained in it.

``sym.lut`` (lookup tables) is timed by the ``table`` entry from its entry count; any op the
model does not know is an error that names it, never a guess.
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass
from importlib import resources
from typing import Any

from xdsl.dialects.builtin import DenseArrayBase, IntegerAttr
from xdsl.ir import Operation

from symc.dialects import sym
from symc.fixed import FixedFormat, Overflow, Quant
from symc.frontend.errors import SymcError

FAMILIES = ("xc7", "xcup", "ecp5")
"""Target families with a delay model: Xilinx 7-series, Xilinx UltraScale+, Lattice ECP5."""


PIECE_BITS = 17
"""Width of the unsigned low pieces a wide product is cut into (an 18 x 18 signed multiplier
takes one as an 18-bit value with a zero sign bit)."""


def product_pieces(width: int) -> list[int]:
    """Widths of the pieces of a ``width``-bit operand, lowest first: 17-bit unsigned pieces
    and the rest on top (signed when the operand is)."""
    count = max(1, math.ceil(width / PIECE_BITS))
    return [PIECE_BITS] * (count - 1) + [width - PIECE_BITS * (count - 1)]


def port_pieces(width: int, signed: bool, port: int) -> list[int]:
    """The pieces of an operand of a product in blocks with a ``port``-bit signed port: whole
    when it fits (signed, up to ``port`` bits; unsigned, up to ``port - 1``), else its
    :func:`product_pieces`."""
    return [width] if width <= port - (not signed) else product_pieces(width)


def term_shifts(a_sizes: list[int], b_sizes: list[int], width: int) -> list[int]:
    """The places of the products of every pair of pieces of two operands cut into pieces of
    ``a_sizes`` and ``b_sizes`` bits (lowest first) in a ``width``-bit product: the sums of the
    pieces' offsets below ``width`` (a product placed higher is gone modulo ``2**width``),
    in the lowering's order (the first operand's pieces outer)."""
    def offsets(sizes: list[int]) -> list[int]:
        return [sum(sizes[:i]) for i in range(len(sizes))]

    return [x + y for x in offsets(a_sizes) for y in offsets(b_sizes) if x + y < width]


def sum_tree(shifts: list[int]) -> list[list[tuple[int, int]]]:
    """The balanced tree of adders summing terms placed at ``shifts``, each term zero below
    its place: the terms sorted by place, each level adding neighbours in pairs (an odd one
    out goes up as it is). Per level, the pairs as (index of the lower term, of the higher)
    into that level's terms. A pair's adder starts at the higher term's place: below it only
    the lower term has bits."""
    levels = []
    count = len(shifts)
    while count > 1:
        levels.append([(i, i + 1) for i in range(0, count - 1, 2)])
        count = (count + 1) // 2
    return levels


def sum_level_bits(shifts: list[int], width: int) -> list[int]:
    """The width of each level's widest adder in :func:`sum_tree` of ``width``-bit terms."""
    places = sorted(shifts)
    out = []
    for pairs in sum_tree(places):
        out.append(max(width - places[hi] for _, hi in pairs))
        places = [places[lo] for lo, _ in pairs] + places[2 * len(pairs):]
    return out


def shift_choices(amounts: int, low: int | None) -> list[int]:
    """A barrel shifter over shift amounts ``0 .. amounts - 1`` as the choices of each level:
    one level, or with ``low`` bits cut off (``shift_cut``) a shift by the amount's high bits,
    then by its ``low`` low bits."""
    if not low:
        return [amounts]
    return [((amounts - 1) >> low) + 1, min(amounts, 1 << low)]


def _shift_cut(op: Operation) -> int | None:
    attr = op.attributes.get("shift_cut")
    return attr.value.data if isinstance(attr, IntegerAttr) else None


def near_equal(width: int, count: int) -> list[int]:
    """``width`` bits cut into ``count`` pieces of near-equal width, the wider ones lowest."""
    size, extra = divmod(width, count)
    return [size + 1] * extra + [size] * (count - extra)


def _carry_kind(op: Operation) -> str | None:
    """The delay line of an op :meth:`DelayModel.carry_cut` can cut; None for any other."""
    if isinstance(op, sym.AddOp | sym.SubOp | sym.NegOp):
        return "add"
    if isinstance(op, sym.AbsOp):
        return "abs" if sym.format_of(op.operand).signed else None
    if isinstance(op, sym.MinOp | sym.MaxOp):
        return "minmax"
    return None


def carry_chain_bits(op: Operation) -> int:
    """Bits of the carry chain of an add, sub, neg or abs (the result's width) or of a
    min/max (the subtraction one bit wider, whose sign chooses)."""
    return sym.format_of(op.results[0]).width + isinstance(op, sym.MinOp | sym.MaxOp)


def trailing_zeros(value: int) -> int:
    """Zero low bits of a constant (0 for 0)."""
    return (value & -value).bit_length() - 1 if value else 0


def registered_constant(value: int) -> tuple[int, bool]:
    """A constant factor of a registered product as it enters the block: without its
    :func:`trailing_zeros` (a shift of the result), in the fewest bits, signed when negative.
    (width, signed)."""
    value >>= trailing_zeros(value)
    return max(1, abs(value).bit_length() + (value < 0)), value < 0


@dataclass(frozen=True)
class Cascade:
    """A product built as a chain of DSP blocks (Xilinx), as UG579 describes wide products
    ("Cascading DSP slices"): one operand whole on the wide port, the other cut into
    ``pieces`` (17-bit unsigned pieces, lowest first, and the rest on top, signed when the
    operand is), each block multiplying one piece and adding the previous block's result
    shifted right by 17 bits, which is the form that synthesis maps onto the blocks'
    post-adders and their P-to-C (PCOUT-to-PCIN) cascade. ``cut`` is the operand cut (0: lhs,
    1: rhs); ``whole`` the other one's width. One block per piece."""

    cut: int
    pieces: tuple[int, ...]
    whole: int

    @property
    def accumulator(self) -> int:
        """Width of each block's result: the whole operand times an 18-bit piece, plus the
        previous result shifted down, never overflows it."""
        return self.whole + PIECE_BITS + 2


def cascade_plan(shape: tuple[int, int], a: FixedFormat, b: FixedFormat) -> Cascade | None:
    """How the exact product of ``a`` and ``b`` becomes a :class:`Cascade` of
    blocks of ``shape``; None when one block holds it or when neither operand fits the wide
    port whole. Of the two ways to cut, the one with fewer pieces (the right operand on a
    tie)."""
    port_a, port_b = max(shape), min(shape)

    def fits(w: int, signed: bool, port: int) -> bool:
        return w + (0 if signed else 1) <= port

    operands = [(a.width, a.signed), (b.width, b.signed)]
    best: Cascade | None = None
    for cut in (1, 0):
        (cw, cs), (kw, ks) = operands[cut], operands[1 - cut]
        if not fits(kw, ks, port_a):
            continue
        pieces: list[int] = []
        low = 0
        while not fits(cw - low, cs, port_b):
            pieces.append(PIECE_BITS)
            low += PIECE_BITS
        pieces.append(cw - low)
        plan = Cascade(cut, tuple(pieces), kw)
        if best is None or len(plan.pieces) < len(best.pieces):
            best = plan
    if best is None or len(best.pieces) < 2:
        return None
    return best


def dsp_blocks(shape: tuple[int, int], wa: int, wb: int) -> int:
    """DSP blocks of ``shape`` (signed operand widths) that synthesis uses for a signed
    ``wa`` x ``wb`` product, counted as yosys's mul2dsp splits it: the wider operand on the
    wider port; an operand that does not fit its port whole is cut into 17-bit unsigned
    pieces (the 18-bit partial width of every family here), one block per pair of pieces.
    Checked against the DSP counts of the calibration's products on all three families (48 x 24
    takes 6 blocks of 27 x 18, not 3)."""
    a, b = max(shape), min(shape)
    wide, narrow = max(wa, wb), min(wa, wb)

    def pieces(width: int, port: int) -> int:
        return 1 if width <= port else math.ceil(width / (b - 1))

    return pieces(wide, a) * pieces(narrow, b)


@dataclass(frozen=True)
class Piece:
    """One piece of a table cut across pipeline stages: its delay in ns, and whether it is a
    DSP product that the family's DSP blocks pipeline, so that it may span several stages
    (its registers being the blocks' own)."""

    ns: float
    dsp: bool = False
    registered: bool = False
    """A DSP product in blocks with their own registers (``dsp_registers``): ``ns`` is the
    path into the input registers, the result comes ``DelayModel.dsp_registered.cycles``
    stages later, ``after_ns`` into that stage (the output registers and the sum of the
    blocks' products)."""
    after_ns: float = 0.0
    alone: bool = False
    """The piece starts a stage: nothing is chained before it."""


@dataclass(frozen=True)
class Linear:
    """``a + b * x`` nanoseconds."""

    a: float
    b: float

    def __call__(self, x: float) -> float:
        return max(0.0, self.a + self.b * x)


@dataclass(frozen=True)
class RegisteredDsp:
    """A DSP product with the block's own input, pipeline and output registers
    (:mod:`symc.backends.ecp5_dsp`): its operands enter the input registers at the end of
    one stage and its result leaves the output register ``cycles`` stages later."""

    cycles: int
    in_ns: float
    """Setup of the block's input register beyond a fabric register's."""
    out_ns: float
    """Clock-to-output of its output register beyond a fabric register's."""
    inner_ns: float
    """The paths inside the block, register to register."""
    fanout: Linear
    """Extra input delay when the operand also feeds other products, in log2(products)."""

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RegisteredDsp:
        return cls(int(data["cycles"]), float(data["in_ns"]), float(data["out_ns"]),
                   float(data["inner_ns"]),
                   Linear(float(data["fanout"]["a"]), float(data["fanout"]["b"])))


@dataclass(frozen=True)
class DelayModel:
    """The delays of one family; see the module docstring."""

    family: str
    register_ns: float
    """Clock-to-output, routing and setup of a register-to-register connection."""
    ops: dict[str, Linear]
    csd_max_digits: int
    """A constant multiplication with at most this many nonzero canonical signed digits is
    built from shifts and adds (measured: no slower than the DSP multiplier)."""
    source: str
    dsp_pipeline: bool = False
    """Registers after a DSP multiplier become its internal pipeline registers (Xilinx), so a
    multiplier slower than one period may span several stages. These families' blocks also
    cascade: a product wider than one block is a :class:`Cascade` (:meth:`cascade`)."""
    dsp_shape: tuple[int, int] = (18, 18)
    """Operand widths one DSP block multiplies (the ``mul_dsp`` model counts blocks)."""
    block_rom: tuple[float, float] | None = None
    """A block RAM read against a register boundary: (extra address setup, clock-to-output
    beyond a register's) in ns; None when the family has no such entry."""
    dsp_fanout: Linear | None = None
    """Extra delay of a DSP product whose operand also feeds other DSP products, in
    log2(DSP blocks the operand feeds); None where not measured."""
    table_crowding: Linear | None = None
    """Extra delay of a table placed among other tables (of each half of a split one), in
    log2(tables in the kernel); None where not measured."""
    dsp_registered: RegisteredDsp | None = None
    """Where the flow does not pipeline DSP products itself (ECP5), a product slower than a
    period may instead use the block's own registers; None where not measured."""
    minmax_impl: str = "compare"
    """How ``sym.min``/``sym.max`` choose (their ``minmax_impl``): by a comparison, or by the
    sign of a subtraction one bit wider (``subtract``, a carry chain), whichever the
    calibration measured faster on the family; the ``minmax`` line is of that form."""

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DelayModel:
        ops = {name: Linear(float(m["a"]), float(m["b"])) for name, m in data["ops"].items()}
        return cls(data["family"], float(data["register_ns"]), ops,
                   int(data["csd_max_digits"]), str(data.get("source", "")),
                   bool(data.get("dsp_pipeline", False)),
                   tuple(data.get("dsp_shape", (18, 18))),  # type: ignore[arg-type]
                   ((float(data["block_rom"]["address_ns"]), float(data["block_rom"]["read_ns"]))
                    if "block_rom" in data else None),
                   (Linear(float(data["dsp_fanout"]["a"]), float(data["dsp_fanout"]["b"]))
                    if "dsp_fanout" in data else None),
                   (Linear(float(data["table_crowding"]["a"]),
                           float(data["table_crowding"]["b"]))
                    if "table_crowding" in data else None),
                   (RegisteredDsp.from_json(data["dsp_registered"])
                    if "dsp_registered" in data else None),
                   str(data.get("minmax_impl", "compare")))

    def delay(self, kind: str, x: float) -> float:
        if kind not in self.ops:
            raise SymcError(f"the {self.family} delay model has no entry {kind!r}")
        return self.ops[kind](x)

    # --- per op -------------------------------------------------------------------------------

    def op_delay(self, op: Operation) -> float:
        """Delay in ns of ``op`` (legalized, fixed point; a ``sym.mul`` carries ``mul_impl``)."""
        if isinstance(op, sym.ConstOp):
            return 0.0
        if isinstance(op, sym.AddOp | sym.SubOp | sym.NegOp):
            return self.delay("add", sym.format_of(op.results[0]).width)
        if isinstance(op, sym.AbsOp):
            return self.delay("abs", sym.format_of(op.results[0]).width)
        if isinstance(op, sym.MinOp | sym.MaxOp):
            return self.delay("minmax", sym.format_of(op.results[0]).width)
        if isinstance(op, sym.MulOp):
            return self._mul_delay(op)
        if isinstance(op, sym.CastOp):
            return self._cast_delay(op)
        if op.name == "sym.lut" and "octaves" in op.properties:
            return sum(self.reciprocal_parts(op))
        if op.name == "sym.lut":
            entries = rom_entries(op)
            delay = self.delay(table_kind(op), math.log2(max(2, entries))) + self.fanout_ns(op)
            delay += self.crowding_ns(op)
            bits = interp_bits(op)
            entry_width = _entry_width(op)
            if is_bipartite(op):
                # Its two ROMs read in parallel (timed as the larger), then their sum.
                delay += self.delay("add", entry_width + 1)
            if bits:
                # Linear interpolation after the ROM reads: a difference, a product by the
                # position inside the cell, and a sum (convert-sym-to-hw's _interpolate).
                width = entry_width + 1
                delay += 2 * self.delay("add", width + bits)
                delay += self.delay("mul_dsp", self.dsp_blocks(width + bits, bits))
            if "exp_bias" in op.properties:
                # An exponent table scales its entry by 2**k (convert-sym-to-hw's _exp_scale):
                # k clamped at both ends, the shift amount, a barrel shifter (per output bit a
                # mux over the shift amounts: timed as a ROM read of that many entries), the
                # rounding add and the saturation.
                k_width = 8
                delay += 2 * self.delay("minmax", k_width) + self.delay("add", k_width)
                delay += self.delay("rom", math.log2(entry_width + 1))
                delay += self.delay("add", entry_width + 1) + self.delay("minmax", entry_width)
            return delay
        raise SymcError(
            f"sym-schedule: the {self.family} delay model does not know '{op.name}'; "
            "it can schedule const, add, sub, neg, abs, min, max, mul, cast and lut"
        )

    def _mul_delay(self, op: sym.MulOp) -> float:
        impl = mul_impl(op)
        wa, wb = sym.format_of(op.lhs).width, sym.format_of(op.rhs).width
        if impl == "shift_add":
            const = constant_operand(op)
            assert const is not None
            digits = csd_digits(const[1])
            # A balanced tree of adders over the nonzero digits, and a negation when every
            # digit is negative (a single positive digit is only a shift).
            depth = math.ceil(math.log2(len(digits))) if len(digits) > 1 else 0
            depth += all(sign < 0 for _, sign in digits) and bool(digits)
            width = sym.format_of(op.result).width
            if "mul_shift_add" not in self.ops:
                return depth * self.delay("add", width)
            # Measured on 32-bit products; a wider one pays its wider adders.
            wider = max(0.0, self.delay("add", width) - self.delay("add", 32))
            return self.delay("mul_shift_add", depth) + depth * wider
        if impl == "dsp":
            if (chain := self.cascade(op)) is not None:
                return self.delay("mul_dsp_chain", len(chain.pieces)) + self.fanout_ns(op)
            return self._dsp_product_ns(wa, wb) + self.fanout_ns(op)
        return self.delay("mul_lut", wa + wb)

    def _dsp_product_ns(self, wa: int, wb: int) -> float:
        """A lone ``wa`` x ``wb`` DSP product: the smaller of the two lines (both lie on or
        above every measured DSP product, so the smaller does too)."""
        delay = self.delay("mul_dsp", self.dsp_blocks(wa, wb))
        if "mul_dsp_bits" in self.ops:
            delay = min(delay, self.delay("mul_dsp_bits", wa + wb))
        return delay

    def mul_parts(self, op: Operation) -> tuple[float, float] | None:
        """A DSP product cut over two stages, where the family's flow has no DSP pipelining
        (ECP5): both operands in 17-bit pieces (:func:`product_pieces`), every pair's product
        in one DSP block, registered, and their shifted sum in the next stage (the adders of
        :func:`sum_tree`). (partial products, their sum) in ns; None for a
        product of one piece each, or where DSP blocks pipeline the product themselves."""
        if self.dsp_pipeline or not isinstance(op, sym.MulOp) or mul_impl(op) != "dsp":
            return None
        wa, wb = sym.format_of(op.lhs).width, sym.format_of(op.rhs).width
        count = len(product_pieces(wa)) * len(product_pieces(wb))
        if count == 1:
            return None
        one = self._dsp_product_ns(PIECE_BITS + 1, PIECE_BITS + 1)
        width = sym.format_of(op.result).width
        shifts = term_shifts(product_pieces(wa), product_pieces(wb), width)
        return one + self.fanout_ns(op), sum(
            self.delay("add", bits) for bits in sum_level_bits(shifts, width))

    def registered_pieces(self, op: Operation) -> tuple[list[int], list[int]] | None:
        """The operand pieces of a DSP product built from registered blocks
        (``dsp_registered``): each operand whole when it fits the block's signed port (a
        signed one of up to 18 bits, an unsigned one of up to 17), else its
        :func:`product_pieces`; one block per pair of pieces. None where the model has no
        registered blocks, or for any other op."""
        if (self.dsp_registered is None or not isinstance(op, sym.MulOp)
                or mul_impl(op) != "dsp"):
            return None
        lhs, rhs = sym.format_of(op.lhs), sym.format_of(op.rhs)
        return self.port_pieces(lhs.width, lhs.signed), self.port_pieces(rhs.width, rhs.signed)

    def registered_in_ns(self, op: Operation, blocks: int | None = None) -> float:
        """The input setup of a registered product of ``op`` (of ``blocks`` blocks; default:
        ``op``'s own), with the fan-out of an operand shared with other DSP products."""
        assert self.dsp_registered is not None
        fed = max(self.dsp_fed(op), self.dsp_blocks_of(op) if blocks is None else blocks)
        extra = self.dsp_registered.fanout(math.log2(fed)) if fed > 1 else 0.0
        return self.dsp_registered.in_ns + extra

    def registered_pieces_of(self, op: Operation, a: tuple[int, bool], b: tuple[int, bool],
                             width: int) -> list[Piece]:
        """A table's DSP product (``a`` and ``b``: operand width and signedness) in blocks
        with their own registers: the path into them, with the fan-out of the table's
        argument, and the clock-to-output after them; then one piece per level of the adder
        tree summing the blocks' ``width``-bit products."""
        assert self.dsp_registered is not None
        blocks = len(self.port_pieces(*a)) * len(self.port_pieces(*b))
        shifts = term_shifts(self.port_pieces(*a), self.port_pieces(*b), width)
        return [Piece(self.registered_in_ns(op, blocks), True, True,
                      self.dsp_registered.out_ns),
                *(Piece(self.delay("add", bits)) for bits in sum_level_bits(shifts, width))]

    def port_pieces(self, width: int, signed: bool) -> list[int]:
        """An operand of a registered product: :func:`port_pieces` for this family's port."""
        return port_pieces(width, signed, self.dsp_shape[0])

    def registered_sum_levels(self, op: Operation) -> list[float]:
        """After the output registers of a registered product: the levels of the tree of
        adders summing its blocks' shifted products (:func:`sum_tree`; none for one block),
        each level's delay in ns."""
        return [self.delay("add", bits) for bits in self.registered_sum_bits(op)]

    def registered_sum_bits(self, op: Operation) -> list[int]:
        """The width of each level's widest adder in :meth:`registered_sum_levels`."""
        pieces = self.registered_pieces(op)
        assert pieces is not None
        width = sym.format_of(op.results[0]).width
        return sum_level_bits(term_shifts(*pieces, width), width)

    def dsp_blocks_of(self, op: Operation) -> int:
        """DSP blocks ``op`` takes: a DSP product's, one for a table whose index multiplies
        (a value by a constant scale, one block), none otherwise."""
        if isinstance(op, sym.MulOp) and mul_impl(op) == "dsp":
            if (chain := self.cascade(op)) is not None:
                return len(chain.pieces)
            if "dsp_registers" in op.attributes and (
                    pieces := self.registered_pieces(op)) is not None:
                return len(pieces[0]) * len(pieces[1])
            return self.dsp_blocks(sym.format_of(op.lhs).width, sym.format_of(op.rhs).width)
        if op.name == "sym.lut" and table_kind(op) == "table_mul":
            return 1
        return 0

    def interpolation_blocks(self, op: Operation) -> int:
        """DSP blocks of an interpolating table's product after its ROM reads (the difference
        of two entries times the position inside the cell, convert-sym-to-hw's
        ``_interpolate``); 0 for any other op. Not an operand's fan-out: the product reads
        values the table computes."""
        if op.name != "sym.lut" or not (bits := interp_bits(op)):
            return 0
        return self.dsp_blocks(_entry_width(op) + 1, bits + 1)

    def dsp_blocks_in(self, op: Operation) -> int:
        """Every DSP block ``op`` builds: :meth:`dsp_blocks_of` and
        :meth:`interpolation_blocks`."""
        return self.dsp_blocks_of(op) + self.interpolation_blocks(op)

    def dsp_fed(self, op: Operation) -> int:
        """DSP blocks fed by the operand of ``op`` that feeds the most (DSP products and
        multiplying table indices among its users, ``op`` included)."""
        fed = 0
        for operand in set(op.operands):
            if isinstance(operand.owner, sym.ConstOp):
                continue
            users = {use.operation for use in operand.uses}
            fed = max(fed, sum(self.dsp_blocks_of(u) for u in users))
        return fed

    def fanout_ns(self, op: Operation) -> float:
        """The ``dsp_fanout`` delay of ``op``, by log2 of the DSP blocks its shared operand
        feeds; 0 when no operand feeds more than ``op``'s own blocks, or where the model has
        no such entry."""
        own = self.dsp_blocks_of(op)
        if self.dsp_fanout is None or own == 0:
            return 0.0
        fed = self.dsp_fed(op)
        return self.dsp_fanout(math.log2(fed)) if fed > own else 0.0

    def dsp_blocks(self, wa: int, wb: int) -> int:
        """DSP blocks a ``wa`` x ``wb`` product takes: :func:`dsp_blocks` for this family."""
        return dsp_blocks(self.dsp_shape, wa, wb)

    def cascade(self, op: Operation) -> Cascade | None:
        """The :class:`Cascade` a DSP product ``op`` is built as, on families whose blocks
        cascade (``dsp_pipeline``); None for any other op, or a product of one block."""
        if not (self.dsp_pipeline and isinstance(op, sym.MulOp) and mul_impl(op) == "dsp"):
            return None
        return cascade_plan(self.dsp_shape, sym.format_of(op.lhs), sym.format_of(op.rhs))

    def carry_cut(self, op: Operation, budget: float) -> list[int] | None:
        """The carry chain of an add, sub or neg, of an abs (its negation) or of a min/max
        (the subtraction whose sign chooses, where ``minmax_impl`` is ``subtract``) cut into
        the fewest pieces of near-equal width whose :meth:`carry_piece_ns` each fit
        ``budget``: each piece computed in a stage of its own, its carry registered into the
        next (the ``carry_pieces`` of sym-schedule). Widths lowest first; None for any other
        op, or when no cut fits."""
        kind = _carry_kind(op)
        if kind is None or (kind == "minmax" and self.minmax_impl != "subtract"):
            return None
        width = carry_chain_bits(op)
        for count in range(2, width + 1):
            sizes = near_equal(width, count)
            if max(self.carry_piece_ns(op, sizes)) <= budget + 1e-9:
                return sizes
        return None

    def adder_cut(self, bits: int, budget: float) -> int | None:
        """The fewest pieces a ``bits``-bit adder's carry chain is cut into (:func:`near_equal`
        widths, one stage each) for every piece, one bit wider for its carry in, to fit
        ``budget``; None when none does."""
        for count in range(1, bits + 1):
            if self.delay("add", near_equal(bits, count)[0] + (count > 1)) <= budget + 1e-9:
                return count
        return None

    def carry_piece_ns(self, op: Operation, sizes: list[int]) -> list[float]:
        """The delay of each piece of a carry chain cut into ``sizes`` bits (lowest first):
        an adder one bit wider than its piece (the carry in), and the last piece as the op's
        own line at its width (the negation or subtraction with the choice after it)."""
        kind = _carry_kind(op)
        assert kind is not None
        return [*(self.delay("add", size + 1) for size in sizes[:-1]),
                self.delay(kind, sizes[-1] + (kind == "add"))]

    def _cast_delay(self, op: sym.CastOp) -> float:
        src, dst = sym.format_of(op.input), sym.format_of(op.result)
        rounds = op.quant != Quant.AP_TRN and src.frac_bits > dst.frac_bits
        saturates = op.overflow != Overflow.AP_WRAP
        total = 0.0
        if rounds:
            total += self.delay("add", src.width)
        if saturates:
            total += self.delay("saturate", src.width)
        return total

    def table_segments(self, op: Operation) -> list[Piece] | None:
        """A ``sym.lut`` as its consecutive pieces, for a table too slow for one stage
        (convert-sym-to-hw registers between any two): the index; the ROM reads (for an
        exponent table, in parallel with the power ``k``'s upper clamp); then, interpolating,
        the difference of the two entries (in parallel with the lower clamp and the shift
        amount), its product by the position in the cell and the sum; scaling by ``2**k``, the
        lower clamp and the shift amount (unless interpolating), the barrel shifter, the
        rounding add with the saturation. Normalized: :meth:`reciprocal_parts`.

        With ``index_cut`` (set by sym-schedule), the index is itself cut: its product by the
        scale, the offset subtraction (hls4ml: the rounding), the clamp. With ``rom_banks``
        ``b``, each ROM read is ``2**b`` banks read apart, then a mux among them
        (:meth:`rom_pieces`). With ``shift_cut``, the barrel shifter is two pieces
        (:func:`shift_choices`). A DSP product's piece may span several stages where the
        family's DSP blocks pipeline (``Piece.dsp``). None when the model lacks the pieces'
        measurements."""
        if "rom" not in self.ops or "add" not in self.ops:
            return None
        if "octaves" in op.properties:
            return self.reciprocal_pieces(op)
        kind = table_kind(op).replace("table", "table_index")
        bits = interp_bits(op)
        exponent = "exp_bias" in op.properties
        if kind not in self.ops:
            return None
        log_entries = math.log2(max(2, table_entries(op)))
        crowding = self.crowding_ns(op)
        entry_width = _entry_width(op)
        if "index_cut" in op.attributes:
            segments = self.index_pieces(op)
        else:
            segments = [Piece(self.delay(kind, log_entries) + self.fanout_ns(op) + crowding)]
        if is_bipartite(op):
            # The two ROM reads side by side (never in banks), then the sum.
            rom_ns = self.delay("rom", math.log2(max(2, rom_entries(op)))) + crowding
            return [*segments, Piece(rom_ns), Piece(self.delay("add", entry_width + 1))]
        rom_ns = self.delay("rom", log_entries) + crowding
        rom = self.rom_pieces(op, rom_ns)
        k_width = 8
        # k's clamps (each a minmax of k) and the shift amount (an add).
        clamp_hi = floor = self.delay("minmax", k_width)
        subtract = self.delay("add", k_width)
        amount = floor + subtract
        if exponent:
            rom[-1] = Piece(max(rom[-1].ns, clamp_hi))
        segments += rom
        tail_cut = "tail_cut" in op.attributes
        if bits:
            width = entry_width + 1
            delta = self.delay("add", width + bits)
            product = self.delay("mul_dsp", self.dsp_blocks(width + bits, bits))
            if exponent and tail_cut:
                # The lower clamp beside the difference, the amount beside the product.
                delta, product = max(delta, floor), max(product, subtract)
            elif exponent:
                delta = max(delta, amount)
            if "dsp_registers" in op.attributes and self.dsp_registered is not None:
                weighted = self.registered_pieces_of(op, (width, True), (bits, False),
                                                     width + bits)
                if exponent and tail_cut:
                    blocks = weighted[0]
                    weighted[0] = Piece(max(blocks.ns, subtract), True, True, blocks.after_ns)
            else:
                weighted = [Piece(product, self.dsp_pipeline)]
            segments += [Piece(delta), *weighted, Piece(self.delay("add", width + bits))]
        elif exponent:
            segments += [Piece(floor), Piece(subtract)] if tail_cut else [Piece(amount)]
        if exponent:
            # The barrel shifter: per output bit a mux over the shift amounts (0 to the
            # entry's width); with ``shift_cut`` L, by the amount's high bits, then its low L.
            # Cut, its first level starts a stage: its select fans out to every bit of the
            # entry, and chained after the shift amount's subtraction (3.73 ns in the model)
            # nextpnr placed the pair at 5.21 ns (exp(x0) + x1, ap_fixed<16,6>, 5 ns).
            cut = _shift_cut(op)
            segments += [Piece(self.mux_ns(math.log2(n)), alone=bool(cut) and i == 0)
                         for i, n in enumerate(shift_choices(entry_width + 1, cut))]
            rounding = self.delay("add", entry_width + 1)
            saturation = self.delay("minmax", entry_width)
            segments += ([Piece(rounding), Piece(saturation)] if tail_cut
                         else [Piece(rounding + saturation)])
        return segments

    def shift_cut(self, op: Operation, budget: float | None = None) -> int | None:
        """The ``shift_cut`` of an exponent table: the low bits of the shift amount that the
        second level of its barrel shifter shifts by, chosen for the shorter of the two
        levels' longest. None for any other table, or when the shifter uncut fits
        ``budget`` (when given)."""
        if "exp_bias" not in op.properties:
            return None
        amounts = _entry_width(op) + 1
        if budget is not None and self.mux_ns(math.log2(amounts)) <= budget + 1e-9:
            return None
        return min(range(1, max(2, (amounts - 1).bit_length())),
                   key=lambda low: max(shift_choices(amounts, low)))

    def index_pieces(self, op: Operation) -> list[Piece]:
        """A table's index cut into pieces (``index_cut``): the product by the scale (hls4ml:
        of the offset by its factor) when it multiplies, a DSP product; the offset
        subtraction (hls4ml: the rounding toward zero); the clamp to the table (none for a
        table whose index wraps). Each is a measured line of its own op kind."""
        spec = op.spec  # type: ignore[attr-defined]
        src_width = sym.format_of(op.operands[0]).width
        product_width, offset_width = spec.index_widths(src_width)
        factor = product_width - (src_width + 1)
        product = [Piece(self._dsp_product_ns(src_width + 1, factor) + self.fanout_ns(op),
                         self.dsp_pipeline)] if table_kind(op) == "table_mul" else []
        if product and "dsp_registers" in op.attributes and self.dsp_registered is not None:
            # hls4ml: the offset argument times its factor; bits: the argument itself.
            hls4ml = spec.indexing == "hls4ml"
            scale = spec.mult_raw if hls4ml else spec.scale_raw
            argument = ((src_width + 1, True) if hls4ml
                        else (src_width, sym.format_of(op.operands[0]).signed))
            product = self.registered_pieces_of(op, argument, registered_constant(scale),
                                                product_width)
        if spec.indexing == "hls4ml":
            return [Piece(self.delay("add", offset_width)), *product,
                    Piece(self.delay("add", product_width)),
                    Piece(self.delay("minmax", product_width))]
        pieces = [*product, Piece(self.delay("add", offset_width))]
        if not spec.wraps:
            pieces.append(Piece(self.delay("minmax", max(2, offset_width - spec.shift))))
        return pieces

    def rom_pieces(self, op: Operation, rom_ns: float) -> list[Piece]:
        """A table's ROM read: one piece of ``rom_ns``, or with ``rom_banks`` ``b`` (set by
        sym-schedule) the read of one bank of ``entries / 2**b`` and the mux among the
        ``2**b`` banks."""
        attr = op.attributes.get("rom_banks")
        banks = attr.value.data if isinstance(attr, IntegerAttr) else 0
        if not banks:
            return [Piece(rom_ns)]
        select = bank_bits(op, banks)[1]
        return [Piece(self.bank_read_ns(op, banks)),
                *(Piece(self.mux_ns(bits)) for bits in mux_levels(select, bank_mux_cut(op)))]

    def bank_read_ns(self, op: Operation, banks: int) -> float:
        """The read of one of ``2**banks`` banks of table ``op``'s ROM."""
        log_entries = max(1.0, math.log2(max(2, table_entries(op))) - banks)
        return self.delay("rom", log_entries) + self.crowding_ns(op)

    def rom_bank_bits(self, op: Operation, budget: float) -> int | None:
        """The fewest ``b`` for which a bank of ``entries / 2**b`` and the mux among the banks
        (:func:`bank_bits`) both fit ``budget``; None when no ``b`` does or the model has no
        mux entry."""
        if "mux" not in self.ops or is_bipartite(op):  # (a bipartite ROM: no banks)
            return None
        log_entries = math.ceil(math.log2(max(2, table_entries(op))))
        for banks in range(1, log_entries):
            if (self.bank_read_ns(op, banks) <= budget + 1e-9
                    and self.mux_ns(bank_bits(op, banks)[1]) <= budget + 1e-9):
                return banks
        return None

    def rom_bank_split(self, op: Operation, budget: float) -> tuple[int, int] | None:
        """Where no ``rom_bank_bits`` fits: the fewest banks ``b`` whose read fits ``budget``
        with the mux among them over stages, in the fewest :func:`mux_levels` that each
        fit: ``(b, m)``, ``m`` the select bits of each stage but the last
        (``bank_mux_cut``). None when none fits or the model has no mux entry."""
        if "mux" not in self.ops or is_bipartite(op):  # (a bipartite ROM: no banks)
            return None
        log_entries = math.ceil(math.log2(max(2, table_entries(op))))
        for banks in range(1, log_entries):
            select = bank_bits(op, banks)[1]
            if select < 2 or self.bank_read_ns(op, banks) > budget + 1e-9:
                continue
            for levels in range(2, select + 1):
                first = -(-select // levels)
                if max(self.mux_ns(bits) for bits in mux_levels(select, first)) <= budget + 1e-9:
                    return banks, first
        return None

    def mux_ns(self, select_bits: float) -> float:
        """A choice among ``2**select_bits`` values: the ``mux`` line where measured, else a
        ROM read of that many entries."""
        kind = "mux" if "mux" in self.ops else "rom"
        return self.delay(kind, select_bits)

    def reciprocal_parts(self, op: Operation) -> tuple[float, float, float]:
        """A normalized reciprocal (convert-sym-to-hw's _reciprocal) as (index, ROM read,
        scaling) delays: the sums of :meth:`reciprocal_index` and :meth:`reciprocal_scale`,
        and the ROM read."""
        read_ns = self.delay("rom", math.log2(max(2, table_entries(op)))) + self.crowding_ns(op)
        return (sum(p.ns for p in self.reciprocal_index(op)), read_ns,
                sum(p.ns for p in self.reciprocal_scale(op)))

    def reciprocal_index(self, op: Operation) -> list[Piece]:
        """A normalized reciprocal's index, cut where ``index_cut`` cuts it: the negation of
        a negative divisor; the OR reductions that clamp the divisor (in parallel with) the mux
        over its octaves; the clamp's two muxes (per bit a mux over that many inputs,
        :meth:`mux_ns`, as the reductions are timed)."""
        spec = op.spec  # type: ignore[attr-defined]
        octaves = math.log2(spec.octave_hi - spec.octave_lo + 3)
        width = sym.format_of(op.operands[0]).width
        upper = math.log2(max(2, max(width - spec.octave_hi - 2,
                                     spec.octave_hi - spec.octave_lo + 1)))
        pieces = [Piece(self.delay("add", width))] if spec.negated else []
        return pieces + [Piece(self.fanout_ns(op) + max(self.mux_ns(upper),
                                                        self.mux_ns(octaves))),
                         Piece(self.mux_ns(octaves))]

    def reciprocal_scale(self, op: Operation) -> list[Piece]:
        """A normalized reciprocal after its ROM read, cut where ``tail_cut`` cuts it: the
        shift back (a mux over the octaves), the rounding add, the saturation if the output
        can overflow, and the sign."""
        spec = op.spec  # type: ignore[attr-defined]
        entry_width = spec.entry_format.width
        pieces = [Piece(self.mux_ns(math.log2(spec.octave_hi - spec.octave_lo + 3))),
                  Piece(self.delay("add", entry_width + 1))]
        if spec.reciprocal_max > spec.out_format.max_raw:
            pieces.append(Piece(self.delay("minmax", entry_width)))
        if spec.negated:
            pieces.append(Piece(self.delay("add", spec.out_format.width)))
        return pieces

    def reciprocal_pieces(self, op: Operation) -> list[Piece]:
        """A normalized reciprocal's pieces: its index (whole, or cut with ``index_cut``), its
        ROM read (:meth:`rom_pieces`), its scaling (whole, or cut with ``tail_cut``)."""
        index_ns, read_ns, scale_ns = self.reciprocal_parts(op)
        index = (self.reciprocal_index(op) if "index_cut" in op.attributes
                 else [Piece(index_ns)])
        scale = (self.reciprocal_scale(op) if "tail_cut" in op.attributes
                 else [Piece(scale_ns)])
        return [*index, *self.rom_pieces(op, read_ns), *scale]

    def table_parts(self, op: Operation) -> tuple[float, float] | None:
        """A ``sym.lut`` as (index computation, ROM read) delays, for a table too slow for one
        stage: both measured apart (``table_index``/``table_index_mul`` by entries, and the bare
        ``rom``). None when the model lacks them."""
        kind = table_kind(op).replace("table", "table_index")
        if kind not in self.ops or "rom" not in self.ops or interp_bits(op) or (
                "exp_bias" in op.properties or "octaves" in op.properties
                or is_bipartite(op)):
            # An interpolating, exponent or bipartite table computes after its ROM reads with
            # values of the index stage: it is never split in two (but cut into its pieces).
            return None
        log_entries = math.log2(max(2, table_entries(op)))
        # Crowding, measured on whole tables, is not known to fall in either half: both pay.
        crowding = self.crowding_ns(op)
        return (self.delay(kind, log_entries) + self.fanout_ns(op) + crowding,
                self.delay("rom", log_entries) + crowding)

    def crowding_ns(self, op: Operation) -> float:
        """The ``table_crowding`` delay of a table ``op``: by log2 of the tables in its kernel
        (each one counted, wherever it ends up); 0 for a kernel of one table, for any other
        op, or where the model has no such entry."""
        if self.table_crowding is None or op.name != "sym.lut" or op.parent is None:
            return 0.0
        tables = sum(1 for other in op.parent.ops if other.name == "sym.lut")
        return self.table_crowding(math.log2(tables)) if tables > 1 else 0.0

    def block_rom_parts(self, op: Operation) -> tuple[float, float] | None:
        """A plain ``sym.lut`` read from block RAM: (index computation up to the address
        register, RAM output in the next stage) in ns. None for an interpolating, exponent or
        normalized table (they compute after the read with values of the index stage) or when
        the model has no block RAM entry."""
        kind = table_kind(op).replace("table", "table_index")
        if self.block_rom is None or kind not in self.ops or interp_bits(op) or (
                "exp_bias" in op.properties or "octaves" in op.properties
                or is_bipartite(op)):
            return None
        address_ns, read_ns = self.block_rom
        index_ns = self.delay(kind, math.log2(max(2, table_entries(op)))) + self.fanout_ns(op)
        return index_ns + address_ns, read_ns

    # --- multiplier choice ----------------------------------------------------------------------

    def choose_mul_impl(self, op: sym.MulOp, dsp: bool) -> sym.MulImpl:
        """``shift_add`` for a constant factor with few canonical signed digits (measured
        rule, ``csd_max_digits``; any constant when DSPs are forbidden), else ``dsp`` or
        ``lut``."""
        const = constant_operand(op)
        if const is not None:
            digits = len(csd_digits(const[1]))
            if not dsp or digits <= self.csd_max_digits:
                return sym.MulImpl.SHIFT_ADD
        return sym.MulImpl.DSP if dsp else sym.MulImpl.LUT


@functools.cache
def load(family: str) -> DelayModel:
    """The delay model of ``family`` (package data), or a ``SymcError`` listing the families."""
    if family not in FAMILIES:
        raise SymcError(f"unknown target family {family!r}; known families: {', '.join(FAMILIES)}")
    text = resources.files("symc").joinpath("data", f"delays_{family}.json").read_text()
    return DelayModel.from_json(json.loads(text))


mul_impl = sym.mul_impl_of
"""A scheduled product's ``mul_impl`` (the dialect's reader: an error when it has none)."""


def constant_operand(op: sym.MulOp) -> tuple[int, int] | None:
    """``(index, raw value)`` of a constant operand of ``op`` (the first, if both are)."""
    for index, operand in enumerate((op.lhs, op.rhs)):
        owner = operand.owner
        if isinstance(owner, sym.ConstOp) and isinstance(owner.result.type, sym.FixedType):
            return index, int(owner.value.data)  # type: ignore[arg-type]
    return None


def csd_digits(value: int) -> list[tuple[int, int]]:
    """Canonical signed digits of ``value``: ``[(shift, +1 or -1), ...]`` with
    ``value == sum(sign << shift)``, no two adjacent nonzero digits (the fewest possible)."""
    digits = []
    shift = 0
    while value != 0:
        if value & 1:
            digit = 2 - (value & 3)  # +1 when value = 1 mod 4, -1 when value = 3 mod 4
            digits.append((shift, digit))
            value -= digit
        value >>= 1
        shift += 1
    return digits


def table_kind(op: Operation) -> str:
    """``table_mul`` when a ``sym.lut``'s index computation multiplies (a factor that is not a
    positive power of two), else ``table``: the two are timed apart (convert-sym-to-hw builds
    the index, then reads the ROM)."""

    def integer(key: str, default: int) -> int:
        attr = op.properties.get(key) or op.attributes.get(key)
        value = getattr(attr, "value", None)
        return int(value.data) if value is not None else default

    indexing = getattr(op.properties.get("indexing"), "data", "bits")
    factor = integer("mult", 1) if indexing == "hls4ml" else integer("scale", 1)
    # Only a positive power of two is a shift for synthesis (a negative one still multiplies).
    return "table" if factor > 0 and factor & (factor - 1) == 0 else "table_mul"


def _entry_width(op: Operation) -> int:
    """Width of a ``sym.lut``'s entries (its ``value_type``, else its result's)."""
    value_type = op.properties.get("value_type")
    if isinstance(value_type, sym.FixedType):
        return value_type.format.width
    return sym.format_of(op.results[0]).width


def is_bipartite(op: Operation) -> bool:
    """Whether ``op`` is a bipartite ``sym.lut`` (two ROMs and a sum)."""
    return op.name == "sym.lut" and "bipartite" in op.properties


def rom_entries(op: Operation) -> int:
    """Entries of a ``sym.lut``'s largest ROM (a bipartite table's offsets may outnumber its
    entries)."""
    offsets = op.properties.get("offsets")
    if is_bipartite(op) and isinstance(offsets, DenseArrayBase):
        return max(table_entries(op), len(offsets.get_values()))
    return table_entries(op)


def interp_bits(op: Operation) -> int:
    """Bits of linear interpolation of a ``sym.lut`` (0: a plain table read)."""
    attr = op.properties.get("interp_bits") or op.attributes.get("interp_bits")
    value = getattr(attr, "value", None)
    return int(value.data) if value is not None else 0


def rom_index_bits(op: Operation) -> int:
    """Width of a ``sym.lut``'s ROM index as convert-sym-to-hw builds it: one more bit for an
    interpolating table whose index is clamped (it reads the last edge too)."""
    entries = table_entries(op)
    spec = getattr(op, "spec", None)
    if interp_bits(op) and spec is not None and not spec.wraps:
        return max(1, entries.bit_length())
    return max(1, (entries - 1).bit_length())


def bank_bits(op: Operation, banks: int) -> tuple[int, int]:
    """A ``sym.lut``'s ROM read in ``2**banks`` banks: (index bits each bank reads: banks of
    ``2**(ceil(log2(entries)) - banks)`` entries, the index bits above them that pick one)."""
    low = math.ceil(math.log2(max(2, table_entries(op)))) - banks
    return low, rom_index_bits(op) - low


def mux_levels(select: int, cut: int) -> list[int]:
    """The select bits a banked ROM's mux over ``select`` bits resolves in each stage: ``cut``
    (its ``bank_mux_cut``) in each stage but the last, lowest bits first, the rest in the
    last; all ``select`` in one stage when ``cut`` is 0."""
    if not cut:
        return [select]
    levels = [cut] * ((select - 1) // cut)
    return [*levels, select - sum(levels)]


def bank_mux_cut(op: Operation) -> int:
    """The select bits a banked ROM's mux resolves in each stage but the last
    (``bank_mux_cut``, set by sym-schedule with ``rom_banks``, :func:`mux_levels`); 0: the
    whole mux in one stage."""
    attr = op.attributes.get("bank_mux_cut")
    return attr.value.data if isinstance(attr, IntegerAttr) else 0


def table_entries(op: Operation) -> int:
    """Entry count of a ``sym.lut`` (read from its ``entries`` or its table data)."""
    for key in ("entries", "size"):
        attr = op.properties.get(key) or op.attributes.get(key)
        data = getattr(attr, "data", None)
        if isinstance(data, int):
            return data
        value = getattr(attr, "value", None)
        if value is not None and isinstance(getattr(value, "data", None), int):
            return value.data
    for key in ("values", "table", "data"):
        attr = op.properties.get(key) or op.attributes.get(key)
        data = getattr(attr, "data", None)
        if data is not None and hasattr(data, "__len__"):
            return len(data)
    # No entry count to read: time it as a large table (1024 entries) rather than guess low.
    return 1024
