"""``sym-schedule``: a pipeline stage for every op, meeting a clock with minimal latency.

An analysis (contract 6 of docs/architecture.md): it runs on the legalized fixed-point IR, after
``sym-legalize-fixed`` (every width is known), and only writes attributes that
``convert-sym-to-hw`` reads, each declared by the sym dialect (``sym.SCHEDULE_ATTRIBUTES``: the
kernel's verifier checks their kinds, and a reader of a missing one raises):

* ``mul_impl`` on every ``sym.mul``: ``#sym<mul_impl dsp>``, ``lut`` (DSPs forbidden) or
  ``shift_add``
  (a constant factor with few canonical signed digits: the measured rule of the delay model;
  with a clock, a shift-add product slower than one period takes a DSP block instead);
* on the Xilinx families, ``cascade_operand`` and ``cascade_pieces`` on every DSP product
  wider than one block: it is built as a chain of blocks (``symc.delays.Cascade``);
* with a clock: ``stage`` on every op, and on the kernel ``latency`` (cycles from inputs to
  outputs), ``clock_ns``, ``family``, ``stage_ns`` (the model's delay of each stage, register
  included) and the unit attributes ``pipeline_reset`` / ``pipeline_valid`` when asked for.

Scheduling is as soon as possible with chaining, which gives the minimal latency for a given
delay model: an op goes into the latest stage among its operands and is chained after the
operands computed in that stage when the sum of delays still fits the clock period minus the
register overhead (``DelayModel.register_ns``); otherwise it starts the next stage. Constants
belong to no stage (they are wires). With ``input_registers`` the inputs are registered before
any logic (every op at stage 1 or later); with ``output_registers`` the outputs are registered
after the last stage (latency + 1). An op whose delay alone exceeds the period is an error that
names it and its delay: no stage can hold it. Three exceptions. A table (``sym.lut``) slower
than a period is split when each half fits: its index is computed in one stage and the ROM read
in the next (``rom_stage``); an interpolating, exponent or normalized table is cut into its
pieces (``DelayModel.table_segments``: index, ROM reads, then the interpolation's difference,
product and sum, the exponent's shift and rounding, or the reciprocal's shift back), chained
while they fit, with registers between stages (``segment_stages``: the stage of each piece).
On ECP5, a DSP product slower than a period is cut likewise when each half fits
(``DelayModel.mul_parts``): one-block partial products of 17-bit pieces in one stage, their
sum in the next (``sum_stage``). When even a piece is too slow, the product uses the blocks'
own input, pipeline and output registers (``DelayModel.dsp_registered``, instantiated by
:mod:`symc.backends.ecp5_dsp`): ``dsp_registers = 3`` on the op, its operands chained into the
input registers at the end of its ``stage`` (their setup, with the fan-out of a shared
operand, must fit what is left of it), its result ready three stages later, after the output
registers and, for a product wider than one block, the sum of the blocks' products (its adder
levels in ``sum_stages``, registered between stages where two levels do not fit; a level
longer than a stage has its adders' carry chains cut over ``sum_cuts`` stages). And on the
Xilinx families (``DelayModel.dsp_pipeline``): a DSP multiplier too wide for one period (one
that spans several DSP blocks) gets ``ceil(delay / period)`` stages to itself, and the
registers after it are the DSP blocks' own pipeline registers (MREG/PREG and the cascade),
where Vivado places a product's pipeline registers (UG901, "Multipliers"); yosys makes no such
absorption on ECP5, hence the instances there. Last, an add, sub, neg, abs or min/max whose
carry chain is longer than a period (``DelayModel.carry_cut``) gets ``carry_pieces``: the
chain's widths, lowest bits first, one piece per stage from ``stage`` on, the carry (and the
bits still to add) registered between; an abs or min/max chooses in the last piece's stage.

Tables in block RAM (``roms``): with ``block`` every plain table (no interpolation, no exponent
scaling) is split at the RAM's address register: its index (plus the RAM's address setup
beyond a register's) in one stage, its value in the next after the RAM's clock-to-output
(``DelayModel.block_rom``); the ``sym.lut`` gets ``rom_impl = #sym<rom_impl block>``.
``auto`` schedules with every such table in block RAM, then moves the block tables on the
path to the latest output back to LUTs, again, until the latency is that of LUT tables: block
RAM wherever it costs no cycle.

``dsp_budget``: after the schedule, shift-add products move into DSP blocks, the one with the
most adder bits first, as long as the kernel's DSP blocks (``DelayModel.dsp_blocks_in``:
products, multiplying table indices, interpolation products) stay within the budget and the
latency does not grow (each move is scheduled again; one that would cost a cycle, or that no
stage can hold, is undone).

Without ``clock_ns`` only ``mul_impl`` is written and the design stays combinational.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from typing import Any

from xdsl.context import Context
from xdsl.dialects.builtin import (
    ArrayAttr,
    Float64Type,
    FloatAttr,
    IntegerAttr,
    ModuleOp,
    StringAttr,
    UnitAttr,
)
from xdsl.ir import Operation, SSAValue

from symc.delays import (
    DelayModel,
    Piece,
    carry_chain_bits,
    constant_operand,
    csd_digits,
    load,
    mul_impl,
    near_equal,
    table_entries,
    table_kind,
)
from symc.dialects import sym
from symc.frontend.errors import SymcError
from symc.passes import SymcPass

ROMS = ("logic", "block", "auto")
"""Where ``sym-schedule`` puts plain tables (``roms``): LUT logic, block RAM, or block RAM
wherever that costs no cycle of latency."""


@dataclass(frozen=True)
class PipelineOptions:
    """What a schedule is made for: the options of ``sym-schedule`` that ``sym-distribute``
    shares (it schedules its trial copies with them)."""

    clock_ns: float | None = None
    """Clock period in ns; None: no stages (combinational), only multiplier choices."""

    family: str = "xcup"
    """Delay model: ``xc7`` (Xilinx 7-series), ``xcup`` (UltraScale+) or ``ecp5`` (Lattice)."""

    dsp: bool = True
    """False forbids DSP blocks: constant products become shifts and adds, others LUT arrays."""

    input_registers: bool = False
    """Register the inputs before any logic (one more cycle of latency)."""

    output_registers: bool = False
    """Register the outputs after the last stage (one more cycle of latency)."""

    roms: str = "logic"
    """Where plain tables live: ``logic`` (LUTs), ``block`` (block RAM, read one stage after
    its index; needs a clock) or ``auto`` (block RAM for every table off the paths that would
    otherwise make the latency longer than with LUT tables). Interpolating and exponent
    tables stay in logic."""

    def pipeline_options(self) -> dict[str, Any]:
        """These options by name, to make another pass with them."""
        return {f.name: getattr(self, f.name) for f in fields(PipelineOptions)}


@dataclass(frozen=True)
class SymSchedulePass(PipelineOptions, SymcPass):
    """Annotate every op of every ``sym.kernel`` with its pipeline stage."""

    name = "sym-schedule"

    reset: bool = False
    """Give the pipeline a synchronous reset port ``rst`` that clears every register."""

    valid: bool = False
    """Carry a ``valid_in`` flag through the pipeline to ``valid_out``."""

    dsp_budget: int | None = None
    """DSP blocks the design may take (the model's count, as synthesis splits products): the
    constant products that the shift-add rule builds from adders move into DSP blocks, those
    with the most adder bits first, while the count stays within the budget and the latency
    does not grow. It never moves a product out of a DSP block. None: the rule alone."""

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        model = load(self.family)
        if self.clock_ns is not None and not self.clock_ns > 0:
            raise SymcError(f"sym-schedule: clock_ns must be positive, not {self.clock_ns}")
        if self.roms not in ROMS:
            raise SymcError(f"sym-schedule: unknown roms {self.roms!r}; one of "
                            f"{', '.join(ROMS)}")
        if self.roms != "logic" and self.clock_ns is None:
            raise SymcError(f"sym-schedule: roms={self.roms!r} reads tables on a clock edge; "
                            "give clock_ns")
        for kernel in [k for k in op.walk() if isinstance(k, sym.KernelOp)]:
            self.schedule_kernel(kernel, model)

    def schedule_kernel(self, kernel: sym.KernelOp, model: DelayModel
                        ) -> tuple[dict[SSAValue, tuple[int, float] | None], int]:
        """Annotate one kernel (see the module docstring); returns when each value is ready
        (stage, ns into it; None for constants) and the latency (both empty / 0 without a
        clock)."""
        _check_fixed(kernel)
        for mul in kernel.body.block.ops:
            if isinstance(mul, sym.MinOp | sym.MaxOp):
                impl = sym.MinMaxImpl(model.minmax_impl)
                mul.attributes["minmax_impl"] = sym.MinMaxImplAttr(impl)
            if isinstance(mul, sym.MulOp):
                mul.attributes["mul_impl"] = sym.MulImplAttr(model.choose_mul_impl(mul, self.dsp))
                # Shifts and adds too slow for one period: a DSP block, which can span
                # stages on the families that pipeline it.
                if (self.clock_ns is not None and self.dsp
                        and sym.mul_impl_of(mul) is sym.MulImpl.SHIFT_ADD
                        and model.op_delay(mul) > self.clock_ns - model.register_ns):
                    mul.attributes["mul_impl"] = sym.MulImplAttr(sym.MulImpl.DSP)
        ready, latency = self._place(kernel, model)
        if self.dsp_budget is None or not self.dsp:
            _mark_cascades(kernel, model)
            return ready, latency
        # Spend the DSP budget on the constant products with the most adder bits.
        used = sum(model.dsp_blocks_in(o) for o in kernel.body.block.ops)
        for mul in sorted((o for o in kernel.body.block.ops if isinstance(o, sym.MulOp)
                           and sym.mul_impl_of(o) is sym.MulImpl.SHIFT_ADD),
                          key=_adder_bits, reverse=True):
            if _adder_bits(mul) == 0:
                break  # a shift: nothing to save
            mul.attributes["mul_impl"] = sym.MulImplAttr(sym.MulImpl.DSP)
            blocks = model.dsp_blocks_of(mul)
            if used + blocks <= self.dsp_budget:
                try:
                    slower = self._place(kernel, model)[1] > latency
                except SymcError:
                    slower = True  # a DSP block no stage can hold (ECP5 at a short period)
                if not slower:
                    used += blocks
                    continue
            mul.attributes["mul_impl"] = sym.MulImplAttr(sym.MulImpl.SHIFT_ADD)
        # The last trial may have been undone: place the final choice.
        _mark_cascades(kernel, model)
        return self._place(kernel, model)

    def _place(self, kernel: sym.KernelOp, model: DelayModel
               ) -> tuple[dict[SSAValue, tuple[int, float] | None], int]:
        """Stages for the multiplier choices made (``roms="auto"`` included)."""
        if self.clock_ns is None:
            return {}, 0
        if self.roms != "auto":
            return self._schedule(kernel, model, self.clock_ns, None)
        # Block RAM wherever it costs no cycle: every table that can be in block RAM starts
        # there, and the block tables on a path to the latest output go back to LUTs until
        # the latency is that of LUT tables (or no block table is left on that path).
        target = self._schedule(kernel, model, self.clock_ns, set())[1]
        budget = self.clock_ns - model.register_ns
        blocks: set[Operation] = {o for o in kernel.body.block.ops if isinstance(o, sym.LutOp)
                                  and max(model.block_rom_parts(o) or (math.inf,)) <= budget}
        ready, latency = self._schedule(kernel, model, self.clock_ns, blocks)
        while latency > target:
            late = _critical_path(kernel, ready) & blocks
            if not late:
                blocks = set()
            else:
                blocks -= late
            ready, latency = self._schedule(kernel, model, self.clock_ns, blocks)
        return ready, latency

    def _schedule(self, kernel: sym.KernelOp, model: DelayModel, clock_ns: float,
                  blocks: set[Operation] | None) -> tuple[dict[SSAValue, tuple[int, float] | None],
                                                          int]:
        """Stage every op (see the module docstring); ``blocks``: the tables to put in block
        RAM with ``roms="auto"`` (None: as ``roms`` says). Returns when each value is ready and
        the latency."""
        budget = clock_ns - model.register_ns
        if budget <= 0:
            raise SymcError(
                f"sym-schedule: a {clock_ns} ns clock is unreachable on {model.family}: a "
                f"register-to-register connection alone takes {model.register_ns:.2f} ns"
            )
        # Where each value is ready: (stage, ns into that stage); None for constants.
        ready: dict[SSAValue, tuple[int, float] | None] = {}
        first = 1 if self.input_registers else 0
        for arg in kernel.body.block.args:
            ready[arg] = (0, budget if self.input_registers else 0.0)
        stage_ns: dict[int, float] = {}
        output = kernel.output_op
        for op in kernel.body.block.ops:
            if op is output:
                continue
            if isinstance(op, sym.ConstOp):
                ready[op.result] = None
                op.attributes["stage"] = IntegerAttr(0, 64)
                continue
            delay = model.op_delay(op)
            spans = 1
            parts = None
            inputs = [ready[v] for v in op.operands if ready[v] is not None]
            stage = max([first, *(s for s, _ in inputs)])  # type: ignore[misc]
            start = max([0.0, *(t for s, t in inputs if s == stage)])  # type: ignore[misc]
            for key in ("rom_impl", "rom_stage", "sum_stage", "segment_stages", "index_cut",
                        "rom_banks", "bank_mux_cut", "tail_cut", "dsp_registers",
                        "sum_stages", "carry_pieces", "sum_cuts", "shift_cut"):
                op.attributes.pop(key, None)
            block = (model.block_rom_parts(op) is not None if blocks is None
                     else op in blocks) and self.roms != "logic" and isinstance(op, sym.LutOp)
            if block:
                # Always split: the index meets the block RAM's address register, whose
                # output is read in the next stage.
                parts = model.block_rom_parts(op)
                assert parts is not None
                op.attributes["rom_impl"] = sym.RomImplAttr(sym.RomImpl.BLOCK)
                if max(parts) > budget:
                    raise SymcError(_too_slow(op, sum(parts), clock_ns, model, parts))
            elif delay > budget:
                if op.name == "sym.lut":
                    parts = model.table_parts(op)
                    segments = None
                    if parts is None or max(parts) > budget:
                        parts = None
                        segments = _cut_table(op, model, budget)
                        if segments is None:
                            raise SymcError(_too_slow(op, delay, clock_ns, model,
                                                      model.table_parts(op)))
                    if segments is not None:
                        # A table too slow for one stage, even split in two: its pieces in
                        # order, chained while they fit, registered between stages; a DSP
                        # product's piece spans the stages it needs, alone in them.
                        stages = []
                        for piece in segments:
                            if piece.registered:
                                # In DSP blocks with their own registers (ECP5): chained into
                                # their input registers, out of them ``cycles`` stages later.
                                assert model.dsp_registered is not None
                                cycles = model.dsp_registered.cycles
                                if start + piece.ns > budget + 1e-9:
                                    stage, start = stage + 1, 0.0
                                stages.append(stage)
                                stage_ns[stage] = max(stage_ns.get(stage, 0.0), start + piece.ns)
                                for extra in range(1, cycles):
                                    stage_ns[stage + extra] = max(
                                        stage_ns.get(stage + extra, 0.0),
                                        model.dsp_registered.inner_ns)
                                stage, start = stage + cycles, piece.after_ns
                                stage_ns[stage] = max(stage_ns.get(stage, 0.0), start)
                                continue
                            if piece.ns > budget + 1e-9:
                                stage += 1 if start > 0 else 0
                                stages.append(stage)
                                spans = math.ceil(piece.ns / budget - 1e-9)
                                for extra in range(spans):
                                    stage_ns[stage + extra] = budget
                                stage, start = stage + spans - 1, budget
                                continue
                            if start + piece.ns > budget + 1e-9 or (piece.alone and start > 0):
                                stage, start = stage + 1, 0.0
                            stages.append(stage)
                            start += piece.ns
                            stage_ns[stage] = max(stage_ns.get(stage, 0.0), start)
                        op.attributes["stage"] = IntegerAttr(stages[0], 64)
                        op.attributes["segment_stages"] = ArrayAttr(
                            [IntegerAttr(s, 64) for s in stages])
                        for result in op.results:
                            ready[result] = (stages[-1], start)
                        continue
                elif isinstance(op, sym.MulOp):
                    parts = model.mul_parts(op)
                if parts is not None and max(parts) <= budget:
                    pass  # index / partial products in one stage, ROM / sum in the next
                elif (registered := model.dsp_registered) is not None and (
                        model.registered_pieces(op) is not None):
                    # The DSP blocks' own registers (ECP5): the operands enter the input
                    # registers at the end of this stage (chained while their setup fits),
                    # the result leaves the output registers ``cycles`` stages later.
                    # Wider than one block: the blocks' products summed after the output
                    # registers, a register between adder levels where two do not fit.
                    in_ns, levels = model.registered_in_ns(op), model.registered_sum_levels(op)
                    out_ns = registered.out_ns
                    # A level longer than a stage: its adders' carry chains cut over stages.
                    cuts = [1 if level <= budget + 1e-9 else model.adder_cut(bits, budget)
                            for level, bits in zip(levels, model.registered_sum_bits(op),
                                                   strict=True)]
                    if max([in_ns, out_ns, registered.inner_ns]) > budget + 1e-9 or (
                            None in cuts):
                        # Cut levels start a stage of their own: the paths around the blocks
                        # and the adders' narrowest pieces bound the clock.
                        floor = max([registered.inner_ns,
                                     *(model.delay("add", 2) for _ in levels[:1])])
                        raise SymcError(_too_slow(op, delay, clock_ns, model, (in_ns, out_ns),
                                                  registered=True, floor=floor))
                    if start + in_ns > budget + 1e-9:
                        stage, start = stage + 1, 0.0
                    op.attributes["stage"] = IntegerAttr(stage, 64)
                    op.attributes["dsp_registers"] = IntegerAttr(registered.cycles, 64)
                    stage_ns[stage] = max(stage_ns.get(stage, 0.0), start + in_ns)
                    for extra in range(1, registered.cycles):
                        stage_ns[stage + extra] = max(stage_ns.get(stage + extra, 0.0),
                                                      registered.inner_ns)
                    done, end = stage + registered.cycles, out_ns
                    sums = []
                    for level, bits, count in zip(levels, model.registered_sum_bits(op), cuts,
                                                  strict=True):
                        assert count is not None
                        if count > 1:
                            level = model.delay("add", near_equal(bits, count)[0] + 1)
                        if end + level > budget + 1e-9:
                            done, end = done + 1, 0.0
                        sums.append(done)
                        for _ in range(count - 1):
                            stage_ns[done] = max(stage_ns.get(done, 0.0), end + level)
                            done, end = done + 1, 0.0
                        end += level
                        stage_ns[done] = max(stage_ns.get(done, 0.0), end)
                    stage_ns[done] = max(stage_ns.get(done, 0.0), end)
                    if sums:
                        op.attributes["sum_stages"] = ArrayAttr([IntegerAttr(v, 64) for v in sums])
                    if max(cuts, default=1) > 1:  # type: ignore[type-var]
                        op.attributes["sum_cuts"] = ArrayAttr([IntegerAttr(v or 1, 64)
                                                               for v in cuts])
                    for result in op.results:
                        ready[result] = (done, end)
                    continue
                elif model.dsp_pipeline and isinstance(op, sym.MulOp) and mul_impl(op) == "dsp":
                    spans = math.ceil(delay / budget - 1e-9)
                elif (sizes := model.carry_cut(op, budget)) is not None:
                    # A carry chain longer than a stage: a piece of it per stage, lowest bits
                    # first (chained if the first fits), the carry registered between.
                    chain = model.carry_piece_ns(op, sizes)
                    if start + chain[0] > budget + 1e-9:
                        stage, start = stage + 1, 0.0
                    stage_ns[stage] = max(stage_ns.get(stage, 0.0), start + chain[0])
                    for extra, ns in enumerate(chain[1:], 1):
                        stage_ns[stage + extra] = max(stage_ns.get(stage + extra, 0.0), ns)
                    op.attributes["stage"] = IntegerAttr(stage, 64)
                    op.attributes["carry_pieces"] = ArrayAttr([IntegerAttr(v, 64) for v in sizes])
                    for result in op.results:
                        ready[result] = (stage + len(sizes) - 1, chain[-1])
                    continue
                else:
                    raise SymcError(_too_slow(op, delay, clock_ns, model, parts))
            if parts is not None:
                # A table too slow for one stage: its index computed (chained if it fits) and
                # registered, its ROM read at the start of the next stage. A product cut into
                # pieces likewise: partial products, then their sum.
                index_ns, rom_ns = parts
                if start + index_ns > budget + 1e-9:
                    stage, start = stage + 1, 0.0
                stage_ns[stage] = max(stage_ns.get(stage, 0.0), start + index_ns)
                stage_ns[stage + 1] = max(stage_ns.get(stage + 1, 0.0), rom_ns)
                op.attributes["stage"] = IntegerAttr(stage, 64)
                second = "rom_stage" if op.name == "sym.lut" else "sum_stage"
                op.attributes[second] = IntegerAttr(stage + 1, 64)
                for result in op.results:
                    ready[result] = (stage + 1, rom_ns)
                continue
            if spans > 1 or start + delay > budget + 1e-9:
                stage, start = stage + 1 if start > 0 else stage, 0.0
            end = start + delay
            if spans > 1:
                # A multiplier spread over several DSP blocks, pipelined inside them: the
                # registers after it (one per stage it spans) are its MREG/PREG and cascade
                # registers, and nothing else is chained into those stages.
                end = budget
                for extra in range(spans):
                    stage_ns[stage + extra] = budget
                for result in op.results:
                    ready[result] = (stage + spans - 1, end)
                op.attributes["stage"] = IntegerAttr(stage, 64)
                continue
            for result in op.results:
                ready[result] = (stage, end)
            stage_ns[stage] = max(stage_ns.get(stage, 0.0), end)
            op.attributes["stage"] = IntegerAttr(stage, 64)
        last = [ready[v] for v in output.operands if ready[v] is not None]
        latency = max([first, *(s for s, _ in last)])  # type: ignore[misc]
        latency += self.output_registers
        kernel.attributes["latency"] = IntegerAttr(latency, 64)
        kernel.attributes["clock_ns"] = FloatAttr(float(clock_ns), Float64Type())
        kernel.attributes["family"] = StringAttr(model.family)
        kernel.attributes["stage_ns"] = ArrayAttr(
            [FloatAttr(round(stage_ns.get(s, 0.0) + model.register_ns, 3), Float64Type())
             for s in range(latency + 1)]
        )
        if self.reset:
            kernel.attributes["pipeline_reset"] = UnitAttr()
        if self.valid:
            kernel.attributes["pipeline_valid"] = UnitAttr()
        return ready, latency


def _cut_table(op: Operation, model: DelayModel, budget: float) -> list[Piece] | None:
    """The pieces of a table too slow for one stage (``DelayModel.table_segments``), each one
    fitting ``budget`` or a DSP product that may span stages; when they do not, a slow index
    is cut itself (``index_cut``), a slow ROM read into banks (``rom_banks``, their mux over
    stages with ``bank_mux_cut``), a slow exponent shifter in two (``shift_cut``) and, where
    the family has them, the DSP products go into blocks with their own registers
    (``dsp_registers``). None (no attribute left) when even that does not fit."""

    def fits(pieces: list[Piece] | None) -> bool:
        return pieces is not None and all(
            (p.ns <= budget + 1e-9 and p.after_ns <= budget + 1e-9) or (p.dsp and not p.registered)
            for p in pieces)

    segments = model.table_segments(op)
    if segments is None or fits(segments):
        return segments
    if segments[0].ns > budget + 1e-9:
        op.attributes["index_cut"] = UnitAttr()
    if ("exp_bias" in op.properties or "octaves" in op.properties) and any(
            p.ns > budget + 1e-9 and not p.dsp for p in segments[2:]):
        op.attributes["tail_cut"] = UnitAttr()
        if (low := model.shift_cut(op, budget)) is not None:
            # The exponent's barrel shifter over two stages.
            op.attributes["shift_cut"] = IntegerAttr(low, 64)
    if model.bank_read_ns(op, 0) > budget + 1e-9:
        banks = model.rom_bank_bits(op, budget)
        if banks is not None:
            op.attributes["rom_banks"] = IntegerAttr(banks, 64)
        elif (split := model.rom_bank_split(op, budget)) is not None:
            # Too many banks for one mux stage: the mux over two (bank_mux_cut).
            op.attributes["rom_banks"] = IntegerAttr(split[0], 64)
            op.attributes["bank_mux_cut"] = IntegerAttr(split[1], 64)
    segments = model.table_segments(op)
    if fits(segments):
        return segments
    if model.dsp_registered is not None and segments is not None:
        # A DSP product no stage holds: in blocks with their own registers (ECP5), an index
        # product in its own piece of the index.
        op.attributes["dsp_registers"] = IntegerAttr(model.dsp_registered.cycles, 64)
        if table_kind(op) == "table_mul":
            op.attributes["index_cut"] = UnitAttr()
        segments = model.table_segments(op)
        if fits(segments):
            return segments
    for key in ("index_cut", "rom_banks", "bank_mux_cut", "tail_cut", "dsp_registers",
                "shift_cut"):
        op.attributes.pop(key, None)
    return None


def _finest_pieces(op: Operation, model: DelayModel, budget: float) -> list[Piece] | None:
    """A table's pieces with its index cut and its ROM in banks (as far as the model can),
    for the message of a refusal."""
    op.attributes["index_cut"] = UnitAttr()
    if "exp_bias" in op.properties or "octaves" in op.properties:
        op.attributes["tail_cut"] = UnitAttr()
    if (low := model.shift_cut(op)) is not None:
        op.attributes["shift_cut"] = IntegerAttr(low, 64)
    banks = model.rom_bank_bits(op, budget)
    if banks is None and (split := model.rom_bank_split(op, budget)) is not None:
        banks = split[0]
        op.attributes["bank_mux_cut"] = IntegerAttr(split[1], 64)
    if banks is None and "mux" in model.ops:
        banks = math.ceil(math.log2(max(2, table_entries(op)))) - 1
    if banks:
        op.attributes["rom_banks"] = IntegerAttr(banks, 64)
    try:
        return model.table_segments(op)
    finally:
        for key in ("index_cut", "rom_banks", "bank_mux_cut", "tail_cut", "shift_cut"):
            op.attributes.pop(key, None)


def _mark_cascades(kernel: sym.KernelOp, model: DelayModel) -> None:
    """``cascade_operand`` / ``cascade_pieces`` on every product the model builds as a chain
    of DSP blocks (``DelayModel.cascade``), for convert-sym-to-hw; removed from the others."""
    for mul in kernel.body.block.ops:
        if not isinstance(mul, sym.MulOp):
            continue
        chain = model.cascade(mul)
        if chain is None:
            mul.attributes.pop("cascade_operand", None)
            mul.attributes.pop("cascade_pieces", None)
            continue
        mul.attributes["cascade_operand"] = IntegerAttr(chain.cut, 64)
        mul.attributes["cascade_pieces"] = ArrayAttr([IntegerAttr(p, 64) for p in chain.pieces])


def _adder_bits(mul: sym.MulOp) -> int:
    """Adder bits of a shift-add product: one adder of its result's width per digit after the
    first."""
    const = constant_operand(mul)
    assert const is not None
    return (len(csd_digits(const[1])) - 1) * mul.result.type.format.width  # type: ignore[attr-defined]


def _critical_path(kernel: sym.KernelOp,
                   ready: dict[SSAValue, tuple[int, float] | None]) -> set[Operation]:
    """The ops on a path to the latest output: from it, always back through the operand
    that is ready last."""
    def when(value: SSAValue) -> tuple[float, float]:
        return ready.get(value) or (-1, -1.0)

    path: set[Operation] = set()
    value = max(kernel.output_op.operands, key=when)
    while isinstance(value.owner, Operation) and not isinstance(value.owner, sym.ConstOp):
        op = value.owner
        path.add(op)
        if not op.operands:
            break
        value = max(op.operands, key=when)
    return path


def _check_fixed(kernel: sym.KernelOp) -> None:
    for op in kernel.body.block.ops:
        for value in (*op.operands, *op.results):
            if not isinstance(value.type, sym.FixedType):
                raise SymcError(
                    f"sym-schedule: '{op.name}' has a {value.type} value; "
                    "run sym-legalize-fixed first (the delay model needs widths)"
                )


def _too_slow(op: Operation, delay: float, clock_ns: float, model: DelayModel,
              parts: tuple[float, float] | None = None, registered: bool = False,
              floor: float = 0.0) -> str:
    """The refusal of ``op``, naming its delay, its pieces where it has some (``parts``, of a
    registered product with ``registered``) and the clock its longest piece needs, or one
    of the other pieces no cut divides (``floor``) when that is longer."""
    what = sym.op_label(op)
    widths = ", ".join(str(v.type.format) for v in op.operands  # type: ignore[attr-defined]
                       if isinstance(v.type, sym.FixedType))
    split = ""
    budget = clock_ns - model.register_ns
    block = sym.in_block_rom(op)
    segments = (_finest_pieces(op, model, budget) if op.name == "sym.lut" and not block
                else None)
    if segments is not None and (parts is None or max(parts) > budget):
        split = (" (cut into pieces of " + ", ".join(f"{p.ns:.2f}" for p in segments)
                 + " ns: index, ROM reads, then the rest)")
    elif parts is not None and op.name == "sym.lut":
        split = f" (split, its index takes {parts[0]:.2f} ns and its ROM {parts[1]:.2f} ns)"
    elif parts is not None and registered:
        split = (f" (in the DSP blocks' registers, the path into them takes {parts[0]:.2f} ns "
                 f"and the path out {parts[1]:.2f} ns)")
    elif parts is not None:
        split = (f" (split, its partial products take {parts[0]:.2f} ns and their sum "
                 f"{parts[1]:.2f} ns)")
    elif model.carry_cut(op, math.inf) is not None:
        bits = carry_chain_bits(op)
        parts = (0.0, max(model.carry_piece_ns(op, near_equal(bits, bits))))
        split = f" (its carry chain cut to one-bit pieces, the longest takes {parts[1]:.2f} ns)"
    # The longest piece no cut divides (a DSP piece spans stages) is what bounds the clock.
    if segments is not None and split.startswith(" (cut"):
        longest = max([p.ns for p in segments if not p.dsp] or [0.0])
    elif parts is not None:
        longest = max(parts)
    else:
        longest = delay
    longest = max(longest, floor)
    return (
        f"sym-schedule: a {clock_ns} ns clock is unreachable on {model.family}: {what} of "
        f"{widths} takes {delay:.2f} ns{split}, and a stage has "
        f"{clock_ns - model.register_ns:.2f} ns after the {model.register_ns:.2f} ns register "
        f"overhead; its longest piece needs a {longest + model.register_ns:.2f} ns clock: use a "
        "period at least that long, or narrower formats"
    )
