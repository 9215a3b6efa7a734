"""Tables in block RAM: dual-port ROM modules shared by two table reads each.

With ``roms="block"`` (``sym-schedule``), a plain table read (no interpolation, no exponent
scaling) is a synchronous ROM: its index is computed in one pipeline stage and goes straight
to the address register of a block RAM, whose output is the table's value in the next stage.
Such reads are gathered two by two into ROM modules with two read ports (every FPGA block RAM
has two); both reads of a pair see one memory holding their tables (one copy when they read
the same table, hls4ml's many ``sin`` calls for instance), each table in its own power-of-two
slot, selected by constant high address bits.

The modules cannot come out of CIRCT: its hw/seq dialects (1.62) have no ROM with initial
contents. So ``convert-sym-to-hw`` declares each one as an ``hw.module.extern`` carrying the
contents as data (the ``symc.block_rom`` attribute: entry width, slot depth, the slots' raw
values, the number of ports, whether there is a reset), instantiates it with ``hw.instance``,
and :func:`block_rom_verilog` prints the modules after CIRCT's output, from the IR alone. The
memory is declared with ``(* rom_style = "block" *)``, which yosys and Vivado both honour;
with ``reset`` the read registers clear on ``rst`` (block RAMs have a synchronous output reset).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import cast

from xdsl.dialects import hw
from xdsl.dialects.builtin import (
    ArrayAttr,
    DenseArrayBase,
    DictionaryAttr,
    FlatSymbolRefAttr,
    IntegerAttr,
    IntegerType,
    ModuleOp,
    StringAttr,
    UnrealizedConversionCastOp,
    i64,
)
from xdsl.ir import Block, SSAValue, TypeAttribute

from symc.backends.hw_builder import HWBuilder, width_of

ROM_ATTR = "symc.block_rom"
"""Attribute of a ROM's ``hw.module.extern``: its contents and shape (see the module doc)."""

CLOCK_PORT, RESET_PORT = "clk", "rst"


@dataclass
class _Read:
    values: tuple[int, ...]
    width: int
    index: SSAValue
    placeholder: UnrealizedConversionCastOp
    name: str


@dataclass
class BlockRoms:
    """The block ROM reads of one hw.module, turned into instances when it is complete."""

    design: str
    reads: list[_Read] = field(default_factory=list)
    replaced: dict[SSAValue, SSAValue] = field(default_factory=dict)
    """Each stand-in's port value, for holders of stand-ins outside the IR (the outputs)."""

    def read(self, builder: HWBuilder, values: Sequence[int], width: int, index: SSAValue,
             name: str | None) -> SSAValue:
        """The registered value ``values[index]``: a stand-in until :meth:`finish` wires it to
        a port of a ROM instance (the module is a graph region: the instance may come later)."""
        placeholder = UnrealizedConversionCastOp.get([], [IntegerType(width)])
        builder.block.add_op(placeholder)
        result = placeholder.results[0]
        if name is not None and SSAValue.is_valid_name(name):
            result.name_hint = name
        self.reads.append(_Read(tuple(v % (1 << width) for v in values), width, index,
                                placeholder, name or f"rom{len(self.reads)}"))
        return result

    def finish(self, block: Block, clock: SSAValue,
               reset: SSAValue | None) -> list[hw.HWModuleExternOp]:
        """Pair the reads (same table first, then in program order), add one instance per
        pair at the end of ``block`` and return the modules to declare."""
        builder = HWBuilder(block)
        pairs: list[list[_Read]] = []
        waiting: dict[tuple[tuple[int, ...], int], _Read] = {}
        for read in self.reads:
            key = (read.values, read.width)
            if key in waiting:
                pairs.append([waiting.pop(key), read])
            else:
                waiting[key] = read
        singles = list(waiting.values())
        pairs += [singles[i:i + 2] for i in range(0, len(singles), 2)]
        pairs.sort(key=lambda pair: self.reads.index(pair[0]))
        externs = []
        for number, pair in enumerate(pairs):
            externs.append(self._instance(builder, f"{self.design}_rom{number}", pair, clock,
                                          reset))
        for read in self.reads:
            read.placeholder.detach()
            read.placeholder.erase()
        return externs

    def _instance(self, builder: HWBuilder, name: str, pair: list[_Read], clock: SSAValue,
                  reset: SSAValue | None) -> hw.HWModuleExternOp:
        tables: list[tuple[tuple[int, ...], int]] = []
        for read in pair:
            if (read.values, read.width) not in tables:
                tables.append((read.values, read.width))
        width = max(w for _, w in tables)
        slot_bits = max(width_of(read.index) for read in pair)  # the lowering's index width
        select_bits = (len(tables) - 1).bit_length()
        address_bits = slot_bits + select_bits
        inputs: list[tuple[str, SSAValue]] = [(CLOCK_PORT, clock)]
        if reset is not None:
            inputs.append((RESET_PORT, reset))
        for port, read in enumerate(pair):
            index = builder.resize(read.index, slot_bits, False)
            if select_bits:
                slot = tables.index((read.values, read.width))
                index = builder.concat([builder.constant(slot, select_bits), index])
            inputs.append((f"a{port}", index))
        outputs = [(f"d{port}", IntegerType(width)) for port in range(len(pair))]
        # (xDSL declares hw.InstanceOp through an Annotated alias, which pyright does not call)
        instance = hw.InstanceOp(name, FlatSymbolRefAttr(name), inputs,  # pyright: ignore
                                 outputs)
        builder.block.add_op(instance)
        for port, read in enumerate(pair):
            data = instance.results[port]
            if read.width < width:
                data = builder.extract(data, 0, read.width, read.name)
            self.replaced[read.placeholder.results[0]] = data
            read.placeholder.results[0].replace_all_uses_with(data)
        ports = [hw.ModulePort(StringAttr(n), cast(TypeAttribute, v.type),
                               hw.DirectionAttr(hw.Direction.INPUT))
                 for n, v in inputs]
        ports += [hw.ModulePort(StringAttr(n), t, hw.DirectionAttr(hw.Direction.OUTPUT))
                  for n, t in outputs]
        extern = hw.HWModuleExternOp(StringAttr(name), hw.ModuleType(ArrayAttr(ports)))
        contents = [v for values, _ in tables for v in _padded(values, 1 << slot_bits)]
        extern.attributes[ROM_ATTR] = DictionaryAttr({
            "width": IntegerAttr(width, 64),
            "address_bits": IntegerAttr(address_bits, 64),
            "ports": IntegerAttr(len(pair), 64),
            "reset": IntegerAttr(int(reset is not None), 64),
            "values": DenseArrayBase.from_list(i64, contents),
        })
        return extern


def _padded(values: tuple[int, ...], depth: int) -> list[int]:
    return [*values, *([0] * (depth - len(values)))]


def block_rom_verilog(module: ModuleOp) -> str:
    """Verilog of every ROM module declared in ``module`` (empty when there is none)."""
    texts = []
    for op in module.walk():
        if isinstance(op, hw.HWModuleExternOp) and ROM_ATTR in op.attributes:
            texts.append(_rom_module(op.sym_name.data, op.attributes[ROM_ATTR]))  # type: ignore[arg-type]
    return "".join(texts)


def _rom_module(name: str, attr: DictionaryAttr) -> str:
    spec = attr.data
    width = spec["width"].value.data  # type: ignore[attr-defined]
    address_bits = spec["address_bits"].value.data  # type: ignore[attr-defined]
    ports = spec["ports"].value.data  # type: ignore[attr-defined]
    reset = bool(spec["reset"].value.data)  # type: ignore[attr-defined]
    values = list(spec["values"].get_values())  # type: ignore[attr-defined]
    digits = (width + 3) // 4
    vector = f"[{width - 1}:0] " if width > 1 else ""
    address = f"[{address_bits - 1}:0] " if address_bits > 1 else ""
    lines = [f"// Block ROM: {len(values)} x {width} bits, {ports} registered read port"
             f"{'s' if ports > 1 else ''} (printed by symc)",
             f"module {name}(", f"  input {CLOCK_PORT},"]
    if reset:
        lines.append(f"  input {RESET_PORT},")
    lines += [f"  input {address}a{p}," for p in range(ports)]
    lines += [f"  output reg {vector}d{p}{',' if p < ports - 1 else ''}" for p in range(ports)]
    lines += [");", f'  (* rom_style = "block" *) reg {vector}mem [0:{len(values) - 1}];',
              "  initial begin"]
    lines += [f"    mem[{i}] = {width}'h{v:0{digits}X};" for i, v in enumerate(values)]
    lines += ["  end", f"  always @(posedge {CLOCK_PORT}) begin"]
    reads = [f"d{p} <= mem[a{p}];" for p in range(ports)]
    if reset:
        lines.append(f"    if ({RESET_PORT}) begin")
        lines += [f"      d{p} <= {width}'h0;" for p in range(ports)]
        lines.append("    end else begin")
        lines += [f"      {r}" for r in reads]
        lines.append("    end")
    else:
        lines += [f"    {r}" for r in reads]
    lines += ["  end", "endmodule", ""]
    return "\n".join(lines) + "\n"
