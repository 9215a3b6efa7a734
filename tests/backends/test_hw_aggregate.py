"""``hw.aggregate_constant``, the one op a table's ROM is in the hw IR: printed as CIRCT reads
it, parsed back, verified, and exported by CIRCT as the ROM it stands for."""

from __future__ import annotations

import pytest
from xdsl.dialects import hw
from xdsl.dialects.builtin import ArrayAttr, IntegerType, ModuleOp, StringAttr
from xdsl.ir import Block, Region
from xdsl.parser import Parser
from xdsl.utils.exceptions import VerifyException

from symc.backends.verilog import module_to_verilog, print_module
from symc.dialects.hw import AggregateConstantOp
from symc.pipeline import context


def _module(rom: AggregateConstantOp, index_width: int) -> ModuleOp:
    """``y = rom[i]`` as an hw module."""
    block = Block(arg_types=[IntegerType(index_width)])
    get = hw.ArrayGetOp(rom, block.args[0])
    block.add_ops([rom, get, hw.OutputOp([get.result])])

    def port(name: str, kind: IntegerType, direction: hw.Direction) -> hw.ModulePort:
        return hw.ModulePort(StringAttr(name), kind, hw.DirectionAttr(direction))

    element = rom.result.type.get_element_type()
    ports = [port("i", IntegerType(index_width), hw.Direction.INPUT),
             port("y", element, hw.Direction.OUTPUT)]
    top = hw.HWModuleOp(StringAttr("top"), hw.ModuleType(ArrayAttr(ports)), Region(block))
    return ModuleOp([top])


def test_elements_print_as_signless_values_highest_index_first():
    rom = AggregateConstantOp([0xFFFF, 1, -2, 0x1_0003], 16)  # taken modulo 2**16
    text = print_module(ModuleOp([rom]))
    assert "hw.aggregate_constant [-1 : i16, 1 : i16, -2 : i16, 3 : i16] : !hw.array<4xi16>" \
        in text
    assert AggregateConstantOp([1, 0], 1).fields.get_values() == (-1, 0)


def test_print_parse_round_trip():
    rom = AggregateConstantOp([5, -7, 0, 2**40], 48)
    text = print_module(ModuleOp([rom]))
    parsed = Parser(context(), text).parse_module()
    parsed.verify()
    assert print_module(parsed) == text


@pytest.mark.parametrize("text, message", [
    ("[1 : i8, 2 : i4] : !hw.array<2xi8>", "element type"),
    ("[1 : i8] : i8", "!hw.array"),
])
def test_parse_rejects_mixed_or_wrong_types(text, message):
    source = f'"builtin.module"() ({{\n  %0 = hw.aggregate_constant {text}\n}}) : () -> ()\n'
    with pytest.raises(Exception, match=message):
        Parser(context(), source).parse_module()


def test_verify_rejects_a_count_or_a_value_the_array_cannot_hold():
    rom = AggregateConstantOp([1, 2, 3], 4)
    wrong = AggregateConstantOp.create(properties=dict(rom.properties),
                                       result_types=[hw.ArrayType(IntegerType(4), 2)])
    with pytest.raises(VerifyException, match="one i64 per element"):
        wrong.verify()
    narrow = AggregateConstantOp.create(properties=dict(AggregateConstantOp([9], 8).properties),
                                        result_types=[hw.ArrayType(IntegerType(3), 1)])
    with pytest.raises(VerifyException, match="is not an i3"):
        narrow.verify()
    with pytest.raises(ValueError, match="1 to 64 bits"):
        AggregateConstantOp([1], 65)


def test_circt_exports_the_rom_it_stands_for():
    values = [3, -1, 7, 0]  # index 0 .. 3
    rom = AggregateConstantOp(list(reversed(values)), 4)
    verilog = module_to_verilog(_module(rom, 2))
    entries = [f"_GEN[{i}] = 4'h{v & 15:X};" for i, v in enumerate(values)]
    assert all(e in verilog for e in entries), verilog
