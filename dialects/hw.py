"""CIRCT's ``hw`` dialect as xDSL defines it, plus ``hw.aggregate_constant``, which it lacks.

A table's ROM is a constant array read at an index (``hw.array_get``). Built from
``hw.array_create`` of ``hw.constant`` elements, a 1024-entry ROM is a thousand ops to create,
print and parse again; ``hw.aggregate_constant`` holds the elements as one attribute. CIRCT
reads both forms as the same array and exports the same Verilog.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from xdsl.dialects.builtin import BytesAttr, DenseArrayBase, IntegerType
from xdsl.dialects.hw import HW as XDSL_HW
from xdsl.dialects.hw import ArrayType
from xdsl.ir import Dialect
from xdsl.irdl import IRDLOperation, irdl_op_definition, prop_def, result_def, traits_def
from xdsl.parser import Parser
from xdsl.printer import Printer
from xdsl.traits import ConstantLike, Pure
from xdsl.utils.exceptions import VerifyException

_I64 = IntegerType(64)


@irdl_op_definition
class AggregateConstantOp(IRDLOperation):
    """A constant ``!hw.array<N x iW>``, printed as CIRCT prints it: ``hw.aggregate_constant
    [e_{N-1} : iW, ..., e_0 : iW] : !hw.array<NxiW>`` (as with ``hw.array_create``, the first
    element listed is the highest index). The elements (``W <= 64``) are held as one
    ``array<i64>``, each as its signless ``iW`` value (negative when its top bit is set): a
    thousand attributes would cost what a thousand ops did."""

    name = "hw.aggregate_constant"
    fields = prop_def(DenseArrayBase)
    result = result_def(ArrayType)

    traits = traits_def(Pure(), ConstantLike())

    def __init__(self, elements: Sequence[int], width: int):
        """``elements`` listed highest index first, each taken modulo ``2**width``."""
        if not 1 <= width <= 64:
            raise ValueError(f"hw.aggregate_constant holds elements of 1 to 64 bits, not {width}")
        mask, top = (1 << width) - 1, 1 << (width - 1)
        values = [(v & mask) - ((v & top) << 1) for v in elements]
        fields = DenseArrayBase(_I64, BytesAttr(_I64.pack(values)))
        super().__init__(properties={"fields": fields},
                         result_types=[ArrayType(IntegerType(width), len(values))])

    @property
    def element_width(self) -> int:
        kind = cast(ArrayType[IntegerType], self.result.type).get_element_type()
        return kind.width.data

    @property
    def elements(self) -> tuple[int, ...]:
        """The elements' signless values, highest index first."""
        return _I64.unpack(self.fields.data.data, len(self.fields))

    def verify_(self) -> None:
        array = cast(ArrayType[IntegerType], self.result.type)
        if self.fields.elt_type != _I64 or len(self.fields) != len(array):
            raise VerifyException("hw.aggregate_constant holds one i64 per element of its array")
        width = self.element_width
        low, high = -(1 << (width - 1)), 1 << (width - 1)
        values = self.elements
        if values and not (low <= min(values) and max(values) < high):
            raise VerifyException(f"an element of hw.aggregate_constant is not an i{width}")

    def print(self, printer: Printer) -> None:
        suffix = f" : i{self.element_width}"
        items = ", ".join(f"{v}{suffix}" for v in self.elements)
        printer.print_string(f" [{items}] : ")
        printer.print_attribute(self.result.type)

    @classmethod
    def parse(cls, parser: Parser) -> AggregateConstantOp:
        def field() -> tuple[int, IntegerType]:
            value = parser.parse_integer()
            parser.parse_punctuation(":")
            kind = parser.parse_type()
            if not isinstance(kind, IntegerType):
                parser.raise_error("hw.aggregate_constant fields are integers")
            return value, kind

        fields = parser.parse_comma_separated_list(parser.Delimiter.SQUARE, field)
        parser.parse_punctuation(":")
        array = parser.parse_type()
        if not isinstance(array, ArrayType) or not isinstance(array.get_element_type(),
                                                               IntegerType):
            parser.raise_error("hw.aggregate_constant has an !hw.array of integers type")
        width = array.get_element_type().width.data
        if any(kind.width.data != width for _, kind in fields):
            parser.raise_error("hw.aggregate_constant fields have the array's element type")
        return cls([value for value, _ in fields], width)


HW = Dialect("hw", [*XDSL_HW.operations, AggregateConstantOp], [*XDSL_HW.attributes])
"""xDSL's ``hw`` with :class:`AggregateConstantOp`."""
