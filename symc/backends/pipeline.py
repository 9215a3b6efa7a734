"""Pipeline registers for ``convert-sym-to-hw``: values delayed to the stage that reads them.

``sym-schedule`` writes a ``stage`` on every op of a kernel and the kernel's ``latency``. The hw
lowering keeps its values in a :class:`StagedValues` instead of a dict: an op's lowering reads
its operands through ``values[v]`` as before, and gets each one delayed to the op's own stage by
a chain of ``seq.compreg`` (one per stage boundary crossed, shared by every consumer that needs
the same delay). The outputs are read at the kernel's latency, so every path from an input to
an output crosses the same number of registers: II = 1, one new input vector per cycle.

A table (``sym.lut``) too slow for one stage has a ``rom_stage`` after its ``stage``: its index
is computed in ``stage`` and registered up to ``rom_stage``, where the ROM is read. With
``rom_impl = #sym<rom_impl block>`` the index goes unregistered to the address register of a
block RAM (:mod:`symc.backends.block_rom`), read one stage on. A product with a
``sum_stage`` computes its partial products in ``stage`` and registers them up to
``sum_stage``, where they are summed.

Constants (``hw.constant``) are never registered. Without a ``latency`` attribute on the kernel
nothing is registered and the module stays combinational, with no clock port.

Ports the pipeline adds, before the data inputs: ``clk`` (``!seq.clock``), then ``rst`` when the
kernel has ``pipeline_reset`` (synchronous, active high: every pipeline register, ``valid``
included, becomes 0), then ``valid_in`` when it has ``pipeline_valid`` (a one-bit flag carried
through the same number of registers to the output ``valid_out``).
"""

from __future__ import annotations

from xdsl.dialects import hw, seq
from xdsl.dialects.builtin import ArrayAttr, IntegerAttr, IntegerType, StringAttr
from xdsl.ir import Block, Operation, SSAValue

from symc.backends import ecp5_dsp
from symc.backends.block_rom import BlockRoms
from symc.backends.hw_builder import HWBuilder
from symc.dialects import sym

CLOCK = "clk"
RESET = "rst"
VALID_IN = "valid_in"
VALID_OUT = "valid_out"


stage_of = sym.stage_of
"""The stage of an op of a pipelined kernel (the dialect's reader: an error when it has none)."""


def _int_attr(op: Operation, key: str) -> int | None:
    attr = op.attributes.get(key)
    return attr.value.data if isinstance(attr, IntegerAttr) else None


def kernel_latency(kernel: sym.KernelOp) -> int | None:
    """The kernel's latency in cycles when it is pipelined (``sym-schedule`` ran with a clock)."""
    attr = kernel.attributes.get("latency")
    return attr.value.data if isinstance(attr, IntegerAttr) else None


class StagedValues:
    """Maps sym values to hw values; reading one delays it to the current op's stage."""

    def __init__(self, kernel: sym.KernelOp, block: Block, builder: HWBuilder | None = None):
        self.block = block
        self.builder = builder
        self.latency = kernel_latency(kernel)
        self.reset = self.latency is not None and "pipeline_reset" in kernel.attributes
        self.valid = self.latency is not None and "pipeline_valid" in kernel.attributes
        self.stage = 0
        self._values: dict[SSAValue, tuple[SSAValue, int]] = {}
        # (hw value, stage) -> the register output holding it at that stage.
        self._delayed: dict[tuple[SSAValue, int], SSAValue] = {}
        self._clock: SSAValue | None = None
        self._reset: SSAValue | None = None
        self._zeros: dict[int, SSAValue] = {}
        self._control: list[tuple[str, SSAValue]] = []
        self.block_roms = BlockRoms(kernel.sym_name.data)
        self.externs: list[hw.HWModuleExternOp] = []
        # Values inside a table's lowering that are produced later than the stage being
        # lowered: the results of DSP blocks with their own registers (registered_product).
        self._late: dict[SSAValue, int] = {}
        self.dsp_module = ecp5_dsp.module_name(kernel.sym_name.data)
        self.dsp_registered = False  # instances of it made

    # --- the dict interface the lowering uses ------------------------------------------------

    def __setitem__(self, key: SSAValue, value: SSAValue) -> None:
        self._values[key] = (value, self.stage)

    def __getitem__(self, key: SSAValue) -> SSAValue:
        value, produced = self._values[key]
        return self.delayed(value, produced, self.stage)

    def __contains__(self, key: SSAValue) -> bool:
        return key in self._values

    def enter(self, op: Operation) -> None:
        """Lower ``op`` next: its operands are read, and its results produced, at its stage.
        The kernel's ``sym.output`` reads at the latency."""
        if self.latency is None:
            return
        self.stage = self.latency if isinstance(op, sym.OutputOp) else stage_of(op)
        if self.builder is not None:
            rom_stage = _int_attr(op, "rom_stage")
            block = sym.in_block_rom(op)
            self.builder.rom_index = (None if rom_stage is None
                                      else self._split_table(rom_stage, register=not block))
            self.builder.block_rom = self.block_roms.read if block else None
            sum_stage = _int_attr(op, "sum_stage")
            self.builder.stage_break = (None if sum_stage is None
                                        else self._break_to(sum_stage))
            segments = op.attributes.get("segment_stages")
            self.builder.segment_break = (
                None if not isinstance(segments, ArrayAttr)
                else self._segments([a.value.data for a in segments.data]))  # type: ignore[attr-defined]

    def _split_table(self, rom_stage: int, register: bool):  # noqa: ANN202
        """A table whose index and ROM read sit in different stages: the index is registered
        up to ``rom_stage``, where the ROM output is produced. A block ROM registers the index
        itself (its address register), one stage on."""

        def register_index(index: SSAValue) -> SSAValue:
            if register:
                index = self.delayed(index, self.stage, rom_stage)
            else:
                assert rom_stage == self.stage + 1, "a block ROM reads one stage on"
            self.stage = rom_stage
            return index

        return register_index

    def _segments(self, stages: list[int]):  # noqa: ANN202
        """A table cut into pieces (``segment_stages``: the stage of each): at the end of each
        piece, the values the next ones read are registered up to the next piece's stage."""
        pending = iter(stages[1:])

        def register(values: list[SSAValue]) -> list[SSAValue]:
            stage = next(pending)
            held = []
            for value in values:
                produced = self.produced(value)
                assert produced <= stage, "a DSP block's result read before it is ready"
                held.append(self.delayed(value, produced, stage))
            self.stage = stage
            return held

        return register

    def _break_to(self, stage: int):  # noqa: ANN202
        """A product cut over two stages: its partial products are registered up to
        ``stage`` (its ``sum_stage``), where they are summed."""

        def register(values: list[SSAValue]) -> list[SSAValue]:
            held = [self.delayed(v, self.stage, stage) for v in values]
            self.stage = stage
            return held

        return register

    def registered_product(self, a: SSAValue, b: SSAValue, name: str) -> SSAValue:
        """The 36-bit signed product of the 18-bit ``a`` and ``b`` from a DSP block with its
        own registers (:mod:`symc.backends.ecp5_dsp`): ``a`` and ``b`` as read in the current
        stage, the result ``CYCLES`` stages later. Cleared by the pipeline's reset."""
        assert self.builder is not None
        reset = self.reset_port if self.reset else self.builder.constant(0, 1)
        instance = ecp5_dsp.instance(self.dsp_module, name, self.clock, reset, a, b)
        self.block.add_op(instance)
        self.dsp_registered = True
        return instance.results[0]

    def mark_late(self, value: SSAValue, stage: int) -> None:
        """``value`` (inside a table's lowering) is produced in ``stage``, after the current
        one: a registered product's result, which the table's next piece reads there."""
        self._late[value] = stage

    def produced(self, value: SSAValue) -> int:
        """The stage a value inside the op being lowered is produced in."""
        return self._late.get(value, self.stage)

    # --- registers ---------------------------------------------------------------------------

    def delayed(self, value: SSAValue, produced: int, stage: int) -> SSAValue:
        if stage <= produced or isinstance(value.owner, hw.ConstantOp):
            return value
        key = (value, stage)
        if key not in self._delayed:
            width = value.type.width.data  # type: ignore[attr-defined]
            zeros = self.builder.trailing_zeros(value) if self.builder is not None else 0
            if 0 < zeros < width:
                # Known zero low bits (an aligning shift's) are wires, not flip-flops: the rest
                # is registered and the zeros appended again, so that the ops of later stages
                # still see them (HWBuilder.mul takes them out of its multiplier).
                assert self.builder is not None
                base = value.name_hint
                upper = self.builder.extract(value, zeros, width - zeros,
                                             f"{base}_hi" if base else None)
                held = self.delayed(upper, produced, stage)
                self._delayed[key] = self.builder.concat([held, self.builder.constant(0, zeros)])
            else:
                source = self.delayed(value, produced, stage - 1)
                self._delayed[key] = self._register(source, _stage_name(value, stage))
        return self._delayed[key]

    def _register(self, value: SSAValue, name: str | None) -> SSAValue:
        reset = None
        if self.reset:
            width = value.type.width.data  # type: ignore[attr-defined]
            if width not in self._zeros:
                zero = hw.ConstantOp(0, width)
                self.block.add_op(zero)
                self._zeros[width] = zero.result
            reset = (self.reset_port, self._zeros[width])
        register = seq.CompRegOp(value, self.clock, reset)
        if name is not None and SSAValue.is_valid_name(name):
            register.data.name_hint = name
            register.attributes["name"] = StringAttr(name)
        self.block.add_op(register)
        return register.data

    @property
    def clock(self) -> SSAValue:
        if self._clock is None:
            self._clock = self._control_port(CLOCK, seq.ClockType())
        return self._clock

    @property
    def reset_port(self) -> SSAValue:
        if self._reset is None:
            self.clock  # noqa: B018 - the clock port comes first
            self._reset = self._control_port(RESET, IntegerType(1))
        return self._reset

    def _control_port(self, name: str, type_: object) -> SSAValue:
        arg = self.block.insert_arg(type_, len(self._control))  # type: ignore[arg-type]
        arg.name_hint = name
        self._control.append((name, arg))
        return arg

    # --- ports ---------------------------------------------------------------------------------

    def finish(self) -> tuple[list[tuple[str, SSAValue]], list[tuple[str, SSAValue]]]:
        """Create the control ports a pipelined kernel has (even when no value needed a
        register) and the valid chain; return the extra ``(name, value)`` inputs (they are the
        first block arguments) and outputs."""
        if self.latency is None:
            return [], []
        self.clock  # noqa: B018
        if self.reset:
            self.reset_port  # noqa: B018
        if self.block_roms.reads:
            self.externs = self.block_roms.finish(
                self.block, self.clock, self.reset_port if self.reset else None)
        outputs: list[tuple[str, SSAValue]] = []
        if self.valid:
            valid_in = self._control_port(VALID_IN, IntegerType(1))
            valid = valid_in
            for stage in range(1, self.latency + 1):
                valid = self._register(valid, f"valid_s{stage}")
            outputs.append((VALID_OUT, valid))
        return list(self._control), outputs

    @property
    def control_count(self) -> int:
        return len(self._control)


def _stage_name(value: SSAValue, stage: int) -> str | None:
    base = value.name_hint
    if base is None:
        return None
    return f"{base}_s{stage}"
