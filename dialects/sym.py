"""The ``sym`` dialect: symbolic expressions as IR, from real numbers down to fixed point.

A design is one ``sym.kernel`` with named input ports (its block arguments) and named outputs
(the operands of its ``sym.output`` terminator). Values start as ``!sym.real`` (exact real
numbers, the meaning of the user's expression) and become ``!sym.fixed<W, I>`` after
``sym-legalize-fixed``. The arithmetic ops are exact in both worlds: the result type of a
fixed-point ``sym.add`` is dictated by :mod:`symc.fixed` (ap_fixed's promotion rules) and the
verifier checks it; only ``sym.cast`` quantizes.

Elementary functions (``sym.sin`` ... ``sym.sqrt``, ``sym.div`` by a variable) are declared here
so that the frontend can represent every expression; lowering them is the job of a table pass.

See ``docs/sym-rationale.md`` for the design decisions.
"""

from __future__ import annotations

import math
from abc import ABC
from collections.abc import Sequence
from fractions import Fraction
from io import StringIO
from typing import Any, ClassVar, cast

from xdsl.dialects.builtin import (
    I64,
    ArrayAttr,
    DenseArrayBase,
    FileLineColLoc,
    Float64Type,
    FloatAttr,
    FloatData,
    IntAttr,
    IntegerAttr,
    IntegerType,
    StringAttr,
    UnitAttr,
    UnknownLoc,
)
from xdsl.dialects.utils import EnumAttribute
from xdsl.ir import (
    Attribute,
    Block,
    Dialect,
    Operation,
    ParametrizedAttribute,
    Region,
    SpacedOpaqueSyntaxAttribute,
    SSAValue,
    TypeAttribute,
)
from xdsl.irdl import (
    IRDLOperation,
    ParsePropInAttrDict,
    irdl_attr_definition,
    irdl_op_definition,
    operand_def,
    opt_prop_def,
    param_def,
    prop_def,
    region_def,
    result_def,
    traits_def,
    var_operand_def,
)
from xdsl.parser import AttrParser, Parser
from xdsl.printer import Printer
from xdsl.traits import HasParent, IsolatedFromAbove, IsTerminator, Pure, SymbolOpInterface
from xdsl.utils.exceptions import VerifyException
from xdsl.utils.str_enum import StrEnum

from symc.fixed import FixedFormat, Overflow, Quant, result_format
from symc.frontend.errors import SymcError
from symc.tables import Table


def format_float(value: float) -> str:
    """A float as an MLIR float literal that parses back to the same double."""
    text = repr(float(value))
    if "inf" in text or "nan" in text:
        raise ValueError(f"{value} is not a finite number")
    if "." not in text:
        mantissa, _, exponent = text.partition("e")
        text = mantissa + ".0" + ("e" + exponent if exponent else "")
    return text


# --- types and attributes -------------------------------------------------------------------


@irdl_attr_definition
class RealType(ParametrizedAttribute, TypeAttribute):
    """An exact real number: the value of the user's expression, before legalization."""

    name = "sym.real"


@irdl_attr_definition
class FixedType(ParametrizedAttribute, TypeAttribute):
    """A fixed-point number, ``ap_fixed<width, int_bits>`` or (unsigned) ``ap_ufixed``.

    Printed ``!sym.fixed<16, 6>`` or ``!sym.fixed<16, 6, unsigned>``.
    """

    name = "sym.fixed"

    width: IntAttr = param_def()
    int_bits: IntAttr = param_def()
    signed: IntAttr = param_def()

    def __init__(self, fmt: FixedFormat):
        super().__init__(IntAttr(fmt.width), IntAttr(fmt.int_bits), IntAttr(int(fmt.signed)))

    @property
    def format(self) -> FixedFormat:
        return FixedFormat(self.width.data, self.int_bits.data, bool(self.signed.data))

    @classmethod
    def parse_parameters(cls, parser: AttrParser) -> Sequence[Attribute]:
        with parser.in_angle_brackets():
            width = parser.parse_integer(allow_boolean=False, allow_negative=False)
            parser.parse_punctuation(",")
            int_bits = parser.parse_integer(allow_boolean=False)
            signed = 1
            if parser.parse_optional_punctuation(","):
                parser.parse_keyword("unsigned")
                signed = 0
        return (IntAttr(width), IntAttr(int_bits), IntAttr(signed))

    def print_parameters(self, printer: Printer) -> None:
        suffix = "" if self.signed.data else ", unsigned"
        printer.print_string(f"<{self.width.data}, {self.int_bits.data}{suffix}>")

    def verify(self) -> None:
        try:
            _ = self.format
        except Exception as exc:
            raise VerifyException(f"invalid fixed-point type: {exc}") from exc


def op_label(op: Operation) -> str:
    """An op as diagnostics name it: ``'sym.mul' (%y)``, with its result's name when it has
    one."""
    hint = op.results[0].name_hint if op.results and op.results[0].name_hint else None
    return f"'{op.name}'" + (f" (%{hint})" if hint else "")


def location_suffix(op: Operation) -> str:
    """`` at file:line:col`` for an op with a known source location, else ``""``."""
    loc = op.location
    if isinstance(loc, UnknownLoc):
        return ""
    if isinstance(loc, FileLineColLoc):
        return f" at {loc.filename.data}:{loc.line.data}:{loc.column.data}"
    text = StringIO()
    Printer(stream=text).print_attribute(loc)
    return f" at {text.getvalue()}"


def format_of(value: SSAValue) -> FixedFormat:
    """The fixed-point format of a legalized value; a :class:`SymcError` for any other (a
    ``!sym.real`` value: ``sym-legalize-fixed`` has not run on it)."""
    if not isinstance(value.type, FixedType):
        raise SymcError(f"a value of type {value.type} is not fixed point: the backends, the "
                        "emulator and the delay model read legalized kernels only (run "
                        "sym-legalize-fixed)")
    return value.type.format


@irdl_attr_definition
class IntervalAttr(ParametrizedAttribute):
    """A closed interval of reals, ``#sym.interval<-4.0, 4.0>``: a value's range."""

    name = "sym.interval"

    lo: FloatData = param_def()
    hi: FloatData = param_def()

    def __init__(self, lo: float, hi: float):
        super().__init__(FloatData(float(lo)), FloatData(float(hi)))

    @property
    def bounds(self) -> tuple[float, float]:
        return self.lo.data, self.hi.data

    @classmethod
    def parse_parameters(cls, parser: AttrParser) -> Sequence[Attribute]:
        with parser.in_angle_brackets():
            lo = parser.parse_number()
            parser.parse_punctuation(",")
            hi = parser.parse_number()
        return (FloatData(float(lo)), FloatData(float(hi)))

    def print_parameters(self, printer: Printer) -> None:
        printer.print_string(f"<{format_float(self.lo.data)}, {format_float(self.hi.data)}>")

    def verify(self) -> None:
        lo, hi = self.bounds
        if not (math.isfinite(lo) and math.isfinite(hi)):
            raise VerifyException("interval bounds must be finite")
        if lo > hi:
            raise VerifyException(f"empty interval: {lo} > {hi}")


# --- the schedule's attributes ---------------------------------------------------------------


class MulImpl(StrEnum):
    """How a ``sym.mul`` becomes hardware: a DSP block, a LUT array multiplier (DSPs
    forbidden), or shifts and adds of a constant's canonical signed digits."""

    DSP = "dsp"
    LUT = "lut"
    SHIFT_ADD = "shift_add"


class MinMaxImpl(StrEnum):
    """How ``sym.min``/``sym.max`` choose: by a comparison, or by the sign of a subtraction."""

    COMPARE = "compare"
    SUBTRACT = "subtract"


class RomImpl(StrEnum):
    """Where a table lives when it is not in logic: block RAM."""

    BLOCK = "block"


@irdl_attr_definition
class MulImplAttr(EnumAttribute[MulImpl], SpacedOpaqueSyntaxAttribute):
    """``#sym<mul_impl dsp>``: a product's :class:`MulImpl`."""

    name = "sym.mul_impl"


@irdl_attr_definition
class MinMaxImplAttr(EnumAttribute[MinMaxImpl], SpacedOpaqueSyntaxAttribute):
    """``#sym<minmax_impl compare>``: a min's or max's :class:`MinMaxImpl`."""

    name = "sym.minmax_impl"


@irdl_attr_definition
class RomImplAttr(EnumAttribute[RomImpl], SpacedOpaqueSyntaxAttribute):
    """``#sym<rom_impl block>``: a table in block RAM (a table without it is in logic)."""

    name = "sym.rom_impl"


def _count(attr: Attribute) -> bool:
    return isinstance(attr, IntegerAttr) and attr.value.data >= 0


def _counts(attr: Attribute) -> bool:
    return isinstance(attr, ArrayAttr) and all(_count(a) for a in attr.data)


def _unit(attr: Attribute) -> bool:
    return isinstance(attr, UnitAttr)


_TABLE, _MUL, _CARRY = ("sym.lut",), ("sym.mul",), ("sym.add", "sym.sub", "sym.neg", "sym.abs",
                                                    "sym.min", "sym.max")
SCHEDULE_ATTRIBUTES: dict[str, tuple[str, Any, tuple[str, ...] | None]] = {
    "stage": ("a stage (an integer >= 0)", _count, None),
    "mul_impl": ("#sym<mul_impl dsp|lut|shift_add>", MulImplAttr, _MUL),
    "minmax_impl": ("#sym<minmax_impl compare|subtract>", MinMaxImplAttr, ("sym.min", "sym.max")),
    "rom_impl": ("#sym<rom_impl block>", RomImplAttr, _TABLE),
    "rom_stage": ("a stage (an integer >= 0)", _count, _TABLE),
    "sum_stage": ("a stage (an integer >= 0)", _count, _MUL),
    "segment_stages": ("an array of stages", _counts, _TABLE),
    "index_cut": ("a unit attribute", _unit, _TABLE),
    "tail_cut": ("a unit attribute", _unit, _TABLE),
    "rom_banks": ("a bank count (an integer >= 0)", _count, _TABLE),
    "bank_mux_cut": ("a number of select bits (an integer >= 0)", _count, _TABLE),
    "shift_cut": ("a number of shift bits (an integer >= 0)", _count, _TABLE),
    "dsp_registers": ("a number of cycles (an integer >= 0)", _count, (*_MUL, *_TABLE)),
    "sum_stages": ("an array of stages", _counts, (*_MUL, *_TABLE)),
    "sum_cuts": ("an array of piece counts", _counts, (*_MUL, *_TABLE)),
    "cascade_operand": ("an operand index (0 or 1)", _count, _MUL),
    "cascade_pieces": ("an array of piece widths", _counts, _MUL),
    "carry_pieces": ("an array of piece widths", _counts, _CARRY),
}
"""The attributes ``sym-schedule`` writes on the ops of a kernel, which the delay model, the
estimate and ``convert-sym-to-hw`` read: name -> (what it must be, its check (a predicate or
the attribute class), the ops it may be on (None: any)). The kernel's verifier checks every one
present; a reader of one a pass must have written raises when it is missing
(:func:`mul_impl_of`, :func:`stage_of`, :func:`minmax_impl_of`)."""


def _floats(attr: Attribute) -> bool:
    return isinstance(attr, ArrayAttr) and all(isinstance(a, FloatAttr) for a in attr.data)


KERNEL_ATTRIBUTES: dict[str, tuple[str, Any]] = {
    "latency": ("a number of cycles (an integer >= 0)", _count),
    "clock_ns": ("a clock period in ns (a float)", FloatAttr),
    "family": ("a family name (a string)", StringAttr),
    "stage_ns": ("an array of floats (ns per stage)", _floats),
    "error_bounds": ("an array of floats (one bound per output)", _floats),
    "pipeline_reset": ("a unit attribute", _unit),
    "pipeline_valid": ("a unit attribute", _unit),
}
"""The attributes the passes write on a ``sym.kernel`` (``sym-schedule``: the pipeline;
``sym-legalize-fixed``: auto mode's error bounds), checked by its verifier."""


def _conforms(attr: Attribute, check: Any) -> bool:
    return isinstance(attr, check) if isinstance(check, type) else check(attr)


def check_schedule_attributes(op: Operation) -> None:
    """A :class:`VerifyException` naming ``op`` if one of its schedule attributes has the wrong
    kind or sits on an op that does not take it."""
    for key, attr in op.attributes.items():
        declared = SCHEDULE_ATTRIBUTES.get(key)
        if declared is None:
            continue
        what, check, ops = declared
        if not _conforms(attr, check):
            raise VerifyException(f"{op_label(op)}{location_suffix(op)}: {key} must be {what}, "
                                  f"not {attr}")
        if ops is not None and op.name not in ops:
            raise VerifyException(f"{op_label(op)}{location_suffix(op)}: {key} applies only to "
                                  f"{', '.join(ops)}")


def _missing(op: Operation, key: str) -> SymcError:
    return SymcError(f"{op_label(op)}{location_suffix(op)} has no {key}: run sym-schedule first")


def mul_impl_of(op: Operation) -> MulImpl:
    """A scheduled ``sym.mul``'s :class:`MulImpl`; a :class:`SymcError` when it has none."""
    attr = op.attributes.get("mul_impl")
    if not isinstance(attr, MulImplAttr):
        raise _missing(op, "mul_impl")
    return attr.data


def minmax_impl_of(op: Operation) -> MinMaxImpl:
    """A scheduled ``sym.min``/``sym.max``'s :class:`MinMaxImpl`; a :class:`SymcError` when it
    has none."""
    attr = op.attributes.get("minmax_impl")
    if not isinstance(attr, MinMaxImplAttr):
        raise _missing(op, "minmax_impl")
    return attr.data


def stage_of(op: Operation) -> int:
    """The stage of an op of a pipelined kernel; a :class:`SymcError` when it has none."""
    attr = op.attributes.get("stage")
    if not isinstance(attr, IntegerAttr):
        raise _missing(op, "stage")
    return attr.value.data


def in_block_rom(op: Operation) -> bool:
    """A table that ``sym-schedule`` put in block RAM."""
    return isinstance(op.attributes.get("rom_impl"), RomImplAttr)


SymType = RealType | FixedType


def _check_same_world(op: Operation) -> None:
    kinds = {type(v.type) for v in (*op.operands, *op.results)}
    if len(kinds) > 1:
        raise VerifyException(
            f"'{op.name}' mixes !sym.real and !sym.fixed values; legalize every value together"
        )


# --- the kernel -------------------------------------------------------------------------------


@irdl_op_definition
class KernelOp(IRDLOperation):
    """A design: named inputs (block arguments) and named outputs (``sym.output`` operands).

    ``sym.kernel @top(%x0 : !sym.real, %x1 : !sym.real) -> (y0) { ... sym.output %r : !sym.real }``
    """

    name = "sym.kernel"

    sym_name = prop_def(StringAttr)
    input_names = prop_def(ArrayAttr[StringAttr])
    output_names = prop_def(ArrayAttr[StringAttr])
    input_ranges = opt_prop_def(ArrayAttr[IntervalAttr])
    body = region_def("single_block")

    traits = traits_def(IsolatedFromAbove(), SymbolOpInterface())

    def __init__(
        self,
        name: str,
        inputs: Sequence[tuple[str, Attribute]],
        outputs: Sequence[str],
        ranges: Sequence[tuple[float, float]] | None = None,
        body: Region | None = None,
    ):
        if body is None:
            body = Region(Block(arg_types=[t for _, t in inputs]))
        for arg, (arg_name, _) in zip(body.block.args, inputs, strict=True):
            arg.name_hint = arg_name
        props: dict[str, Attribute] = {
            "sym_name": StringAttr(name),
            "input_names": ArrayAttr([StringAttr(n) for n, _ in inputs]),
            "output_names": ArrayAttr([StringAttr(n) for n in outputs]),
        }
        if ranges is not None:
            props["input_ranges"] = ArrayAttr([IntervalAttr(lo, hi) for lo, hi in ranges])
        super().__init__(properties=props, regions=[body])

    @property
    def inputs(self) -> list[str]:
        return [n.data for n in self.input_names.data]

    @property
    def outputs(self) -> list[str]:
        return [n.data for n in self.output_names.data]

    @property
    def ranges(self) -> list[tuple[float, float]] | None:
        if self.input_ranges is None:
            return None
        return [r.bounds for r in self.input_ranges.data]

    @property
    def output_op(self) -> OutputOp:
        last = self.body.block.last_op
        assert isinstance(last, OutputOp)
        return last

    def verify_(self) -> None:
        block = self.body.block
        names = self.inputs
        if len(block.args) != len(names):
            raise VerifyException(
                f"kernel @{self.sym_name.data} has {len(names)} input names "
                f"but {len(block.args)} block arguments"
            )
        if len(set(names)) != len(names):
            raise VerifyException(f"kernel @{self.sym_name.data} has duplicate input names")
        if self.input_ranges is not None and len(self.input_ranges.data) != len(names):
            raise VerifyException("input_ranges must give one interval per input")
        if not isinstance(block.last_op, OutputOp):
            raise VerifyException("a sym.kernel body must end with sym.output")
        if len(block.last_op.operands) != len(self.outputs):
            raise VerifyException(
                f"kernel @{self.sym_name.data} names {len(self.outputs)} outputs "
                f"but sym.output returns {len(block.last_op.operands)} values"
            )
        if not self.outputs:
            raise VerifyException("a sym.kernel needs at least one output")
        if len(set(self.outputs)) != len(self.outputs):
            raise VerifyException(f"kernel @{self.sym_name.data} has duplicate output names")
        for arg in block.args:
            if not isinstance(arg.type, RealType | FixedType):
                raise VerifyException("kernel inputs must be !sym.real or !sym.fixed")
        for key, (what, check) in KERNEL_ATTRIBUTES.items():
            attr = self.attributes.get(key)
            if attr is not None and not _conforms(attr, check):
                raise VerifyException(f"kernel @{self.sym_name.data}: {key} must be {what}, "
                                      f"not {attr}")
        for op in block.ops:
            check_schedule_attributes(op)

    def print(self, printer: Printer) -> None:
        printer.print_string(" ")
        printer.print_symbol_name(self.sym_name.data)
        printer.print_string("(")
        printer.print_list(self.body.block.args, printer.print_block_argument)
        printer.print_string(") -> (")
        printer.print_list(self.outputs, printer.print_identifier_or_string_literal)
        printer.print_string(")")
        extra = {k: v for k, v in self.properties.items()
                 if k not in ("sym_name", "input_names", "output_names")}
        extra.update(self.attributes)
        if extra:
            printer.print_string(" attributes ")
            printer.print_attr_dict(extra)
        printer.print_string(" ")
        printer.print_region(self.body, print_entry_block_args=False)

    @classmethod
    def parse(cls, parser: Parser) -> KernelOp:
        name = parser.parse_symbol_name().data
        args = parser.parse_comma_separated_list(parser.Delimiter.PAREN, parser.parse_argument)
        parser.parse_punctuation("->")
        outputs = parser.parse_comma_separated_list(
            parser.Delimiter.PAREN, parser.parse_identifier_or_str_literal
        )
        extra = parser.parse_optional_attr_dict_with_keyword()
        body = parser.parse_region(args)
        inputs = [(a.name.text[1:], a.type) for a in args]
        op = cls(name, inputs, outputs, body=body)
        if extra is not None:
            for key, value in extra.data.items():
                if key == "input_ranges":
                    op.properties[key] = value
                else:
                    op.attributes[key] = value
        return op


@irdl_op_definition
class OutputOp(IRDLOperation):
    """The kernel's results, in the order of its output names: ``sym.output %a : !sym.real``."""

    name = "sym.output"

    outs = var_operand_def(RealType | FixedType)

    traits = traits_def(IsTerminator(), HasParent(KernelOp))

    assembly_format = "attr-dict ($outs^ `:` type($outs))?"

    def __init__(self, values: Sequence[SSAValue | Operation]):
        super().__init__(operands=[values])


# --- values -----------------------------------------------------------------------------------


@irdl_op_definition
class ConstOp(IRDLOperation):
    """A constant: ``sym.const 1.5 : !sym.real``; when fixed, the raw integer:
    ``sym.const 1536 : !sym.fixed<16, 6>`` (1536 * 2**-10 = 1.5)."""

    name = "sym.const"

    value = prop_def(FloatData | IntAttr)
    result = result_def(RealType | FixedType)

    traits = traits_def(Pure())

    def __init__(self, value: float | int, result_type: Attribute,
                 rounding: Fraction | None = None):
        attr = (IntAttr(int(value)) if isinstance(result_type, FixedType)
                else FloatData(float(value)))
        super().__init__(properties={"value": attr}, result_types=[result_type])
        if rounding:
            # Rounded up, so that the attribute still bounds the distance.
            up = float(rounding)
            if Fraction(up) < rounding:
                up = math.nextafter(up, math.inf)
            self.attributes["rounding"] = FloatAttr(up, Float64Type())

    @property
    def rounding(self) -> Fraction:
        """A bound on the distance between a real constant and the exact number it stands for
        (``1/3``, ``pi``, a folded ``sin(0.3)``: numbers float64 cannot hold), from its
        ``rounding`` attribute; 0 when it is that number. ``precision="auto"`` counts it in
        the error bound."""
        attr = self.attributes.get("rounding")
        return Fraction(attr.value.data) if isinstance(attr, FloatAttr) else Fraction(0)

    @property
    def real_value(self) -> float:
        """The constant's value as a float (exact for reals; ``raw * 2**-F`` when fixed)."""
        if isinstance(self.value, IntAttr):
            assert isinstance(self.result.type, FixedType)
            return self.result.type.format.to_float(self.value.data)
        return self.value.data

    def verify_(self) -> None:
        if isinstance(self.result.type, FixedType):
            if not isinstance(self.value, IntAttr):
                raise VerifyException("a fixed-point sym.const holds its raw integer value")
            fmt = self.result.type.format
            if not fmt.contains_raw(self.value.data):
                raise VerifyException(f"raw constant {self.value.data} does not fit {fmt}")
        else:
            if not isinstance(self.value, FloatData):
                raise VerifyException("a real sym.const holds a float value")
            if not math.isfinite(self.value.data):
                raise VerifyException("a sym.const must be finite")

    def print(self, printer: Printer) -> None:
        if isinstance(self.value, IntAttr):
            printer.print_string(f" {self.value.data}")
        else:
            printer.print_string(f" {format_float(self.value.data)}")
        if self.attributes:
            printer.print_string(" ")
            printer.print_attr_dict(self.attributes)
        printer.print_string(" : ")
        printer.print_attribute(self.result.type)

    @classmethod
    def parse(cls, parser: Parser) -> ConstOp:
        value = parser.parse_number()
        attrs = parser.parse_optional_attr_dict()
        parser.parse_punctuation(":")
        result_type = parser.parse_type()
        if isinstance(result_type, FixedType) and not isinstance(value, int):
            parser.raise_error("a fixed-point sym.const takes its raw integer value")
        op = cls(value, result_type)
        op.attributes.update(attrs)
        return op


class BinarySymOp(IRDLOperation, ABC):
    """Shape of the binary ops; fixed-point results follow :func:`symc.fixed.result_format`."""

    lhs = operand_def(RealType | FixedType)
    rhs = operand_def(RealType | FixedType)
    result = result_def(RealType | FixedType)

    traits = traits_def(Pure())

    assembly_format = "$lhs `,` $rhs attr-dict `:` functional-type(operands, results)"

    KIND: ClassVar[str | None] = None
    """Short name of the exact op in :data:`symc.fixed.RESULT_FORMAT`, or None (no fixed form)."""

    def __init__(self, lhs: SSAValue | Operation, rhs: SSAValue | Operation,
                 result_type: Attribute | None = None):
        lhs_val, rhs_val = SSAValue.get(lhs), SSAValue.get(rhs)
        if result_type is None:
            result_type = self.infer_type(lhs_val.type, rhs_val.type)
        super().__init__(operands=[lhs_val, rhs_val], result_types=[result_type])

    @classmethod
    def infer_type(cls, lhs: Attribute, rhs: Attribute) -> Attribute:
        if isinstance(lhs, FixedType) and isinstance(rhs, FixedType) and cls.KIND:
            return FixedType(result_format(cls.KIND, lhs.format, rhs.format))
        return RealType()

    def verify_(self) -> None:
        _check_same_world(self)
        if isinstance(self.result.type, FixedType):
            if self.KIND is None:
                raise VerifyException(f"'{self.name}' has no fixed-point form; lower it first")
            expected = self.infer_type(self.lhs.type, self.rhs.type)
            if expected != self.result.type:
                raise VerifyException(
                    f"'{self.name}' of {self.lhs.type.format} and {self.rhs.type.format} "  # type: ignore[union-attr]
                    f"is exact only as {expected.format}, not {self.result.type.format}"  # type: ignore[union-attr]
                )


class UnarySymOp(IRDLOperation, ABC):
    """Shape of the unary ops."""

    operand = operand_def(RealType | FixedType)
    result = result_def(RealType | FixedType)

    traits = traits_def(Pure())

    assembly_format = "$operand attr-dict `:` functional-type(operands, results)"

    KIND: ClassVar[str | None] = None

    def __init__(self, operand: SSAValue | Operation, result_type: Attribute | None = None):
        val = SSAValue.get(operand)
        if result_type is None:
            result_type = self.infer_type(val.type)
        super().__init__(operands=[val], result_types=[result_type])

    @classmethod
    def infer_type(cls, operand: Attribute) -> Attribute:
        if isinstance(operand, FixedType) and cls.KIND:
            return FixedType(result_format(cls.KIND, operand.format))
        return RealType()

    def verify_(self) -> None:
        _check_same_world(self)
        if isinstance(self.result.type, FixedType):
            if self.KIND is None:
                raise VerifyException(
                    f"'{self.name}' has no exact fixed-point form; "
                    "the sym-approximate-lut pass turns it into a table"
                )
            expected = self.infer_type(self.operand.type)
            if expected != self.result.type:
                raise VerifyException(
                    f"'{self.name}' of {self.operand.type.format} is exact only as "  # type: ignore[union-attr]
                    f"{expected.format}, not {self.result.type.format}"  # type: ignore[union-attr]
                )


@irdl_op_definition
class AddOp(BinarySymOp):
    """``%r = sym.add %a, %b : (!sym.real, !sym.real) -> !sym.real``"""

    name = "sym.add"
    KIND: ClassVar[str | None] = "add"


@irdl_op_definition
class SubOp(BinarySymOp):
    """``%r = sym.sub %a, %b : (!sym.real, !sym.real) -> !sym.real``"""

    name = "sym.sub"
    KIND: ClassVar[str | None] = "sub"


@irdl_op_definition
class MulOp(BinarySymOp):
    """``%r = sym.mul %a, %b : (!sym.fixed<16, 6>, !sym.fixed<16, 6>) -> !sym.fixed<32, 12>``"""

    name = "sym.mul"
    KIND: ClassVar[str | None] = "mul"


@irdl_op_definition
class DivOp(BinarySymOp):
    """``%r = sym.div %a, %b : (!sym.real, !sym.real) -> !sym.real`` (real only)"""

    name = "sym.div"


@irdl_op_definition
class MinOp(BinarySymOp):
    """``%r = sym.min %a, %b : (!sym.real, !sym.real) -> !sym.real``"""

    name = "sym.min"
    KIND: ClassVar[str | None] = "min"


@irdl_op_definition
class MaxOp(BinarySymOp):
    """``%r = sym.max %a, %b : (!sym.real, !sym.real) -> !sym.real``"""

    name = "sym.max"
    KIND: ClassVar[str | None] = "max"


@irdl_op_definition
class NegOp(UnarySymOp):
    """``%r = sym.neg %a : (!sym.fixed<16, 6>) -> !sym.fixed<17, 7>``"""

    name = "sym.neg"
    KIND: ClassVar[str | None] = "neg"


@irdl_op_definition
class AbsOp(UnarySymOp):
    """``%r = sym.abs %a : (!sym.fixed<16, 6>) -> !sym.fixed<17, 7>``"""

    name = "sym.abs"
    KIND: ClassVar[str | None] = "abs"


@irdl_op_definition
class PowOp(IRDLOperation):
    """A positive integer power: ``%r = sym.pow %a, 3 : (!sym.real) -> !sym.real``.

    ``sym-canonicalize`` turns it into multiplications (by squaring); it has no fixed form.
    """

    name = "sym.pow"

    base = operand_def(RealType)
    exponent = prop_def(IntAttr)
    result = result_def(RealType)

    traits = traits_def(Pure())

    def __init__(self, base: SSAValue | Operation, exponent: int):
        super().__init__(operands=[base], properties={"exponent": IntAttr(exponent)},
                         result_types=[RealType()])

    def verify_(self) -> None:
        if self.exponent.data < 1:
            raise VerifyException(
                f"sym.pow takes a positive integer exponent, not {self.exponent.data}"
            )

    def print(self, printer: Printer) -> None:
        printer.print_string(" ")
        printer.print_operand(self.base)
        printer.print_string(f", {self.exponent.data}")
        if self.attributes:
            printer.print_string(" ")
            printer.print_attr_dict(self.attributes)
        printer.print_string(" : (")
        printer.print_attribute(self.base.type)
        printer.print_string(") -> ")
        printer.print_attribute(self.result.type)

    @classmethod
    def parse(cls, parser: Parser) -> PowOp:
        base = parser.parse_unresolved_operand()
        parser.parse_punctuation(",")
        exponent = parser.parse_integer(allow_boolean=False)
        attrs = parser.parse_optional_attr_dict()
        parser.parse_punctuation(":")
        parser.parse_punctuation("(")
        base_type = parser.parse_type()
        parser.parse_punctuation(")")
        parser.parse_punctuation("->")
        parser.parse_type()
        op = cls(parser.resolve_operand(base, base_type), exponent)
        op.attributes.update(attrs)
        return op


class ElementaryOp(UnarySymOp, ABC):
    """A function with no exact fixed-point form (a table pass approximates it)."""


@irdl_op_definition
class SinOp(ElementaryOp):
    """``%r = sym.sin %a : (!sym.real) -> !sym.real``"""

    name = "sym.sin"


@irdl_op_definition
class CosOp(ElementaryOp):
    """``%r = sym.cos %a : (!sym.real) -> !sym.real``"""

    name = "sym.cos"


@irdl_op_definition
class TanOp(ElementaryOp):
    """``%r = sym.tan %a : (!sym.real) -> !sym.real``"""

    name = "sym.tan"


@irdl_op_definition
class TanhOp(ElementaryOp):
    """``%r = sym.tanh %a : (!sym.real) -> !sym.real``"""

    name = "sym.tanh"


@irdl_op_definition
class ExpOp(ElementaryOp):
    """``%r = sym.exp %a : (!sym.real) -> !sym.real``"""

    name = "sym.exp"


@irdl_op_definition
class LogOp(ElementaryOp):
    """``%r = sym.log %a : (!sym.real) -> !sym.real``"""

    name = "sym.log"


@irdl_op_definition
class SqrtOp(ElementaryOp):
    """``%r = sym.sqrt %a : (!sym.real) -> !sym.real``"""

    name = "sym.sqrt"


@irdl_op_definition
class ApplyOp(IRDLOperation):
    """A user-defined unary function, with its definition in terms of ``x``:

    ``%r = sym.apply %a {definition = "sin(x)*cos(x)", function = "sc"}
    : (!sym.real) -> !sym.real``

    ``sym-approximate-lut`` turns it into one table (its definition is parsed by symc's
    whitelist parser, never evaluated as code).
    """

    name = "sym.apply"

    operand = operand_def(RealType)
    result = result_def(RealType)
    function = prop_def(StringAttr)
    definition = prop_def(StringAttr)

    traits = traits_def(Pure())

    assembly_format = "$operand attr-dict `:` functional-type(operands, results)"
    irdl_options = (ParsePropInAttrDict(),)

    def __init__(self, operand: SSAValue | Operation, function: str, definition: str):
        super().__init__(
            operands=[operand],
            result_types=[RealType()],
            properties={"function": StringAttr(function), "definition": StringAttr(definition)},
        )


@irdl_op_definition
class LutOp(IRDLOperation):
    """A lookup table, with its data (see :mod:`symc.tables` for the indexing rules):

    ``%r = sym.lut %a <{domain = #sym.interval<-8.0, 8.0>, entries = 256 : i64, function = "sin",
    indexing = "hls4ml", in_type = !sym.fixed<16, 6>, out_type = !sym.fixed<16, 6>, start = -8192
    : i64, mult = 256 : i64, ..., table = array<i64: ...>}> : (!sym.real) -> !sym.real``

    Before legalization the operand and result are real; ``in_type`` and ``out_type`` say which
    formats they take (legalization casts the operand to ``in_type``). Once fixed, they must be
    exactly those types.
    """

    name = "sym.lut"

    operand = operand_def(RealType | FixedType)
    result = result_def(RealType | FixedType)
    function = prop_def(StringAttr)
    indexing = prop_def(StringAttr)
    entries = prop_def(IntegerAttr[I64])
    domain = prop_def(IntervalAttr)
    in_type = prop_def(FixedType)
    out_type = prop_def(FixedType)
    start = prop_def(IntegerAttr[I64])
    scale = prop_def(IntegerAttr[I64])
    scale_frac = prop_def(IntegerAttr[I64])
    mult = prop_def(IntegerAttr[I64])
    mult_frac = prop_def(IntegerAttr[I64])
    shift = prop_def(IntegerAttr[I64])
    periodic = prop_def(IntegerAttr[I64])
    table = prop_def(DenseArrayBase)
    interp_bits = prop_def(IntegerAttr[I64])
    exp_bias = opt_prop_def(IntegerAttr[I64])
    exp_max = opt_prop_def(IntegerAttr[I64])
    value_type = opt_prop_def(FixedType)
    octaves = opt_prop_def(DenseArrayBase)
    """A normalized reciprocal: ``array<i64: octave_lo, octave_hi, norm_bias, negated>``."""
    bipartite = opt_prop_def(DenseArrayBase)
    """A bipartite table: ``array<i64: offset_bits, offset_drop>``, its offsets in ``offsets``."""
    offsets = opt_prop_def(DenseArrayBase)
    max_error = opt_prop_def(FloatAttr)
    lipschitz = opt_prop_def(FloatAttr)
    margin = opt_prop_def(FloatAttr)
    """How far beyond the argument's range ``max_error`` and ``lipschitz`` were measured: they
    bound a read at an argument computed within ``margin`` of its real value."""

    traits = traits_def(Pure())

    assembly_format = "$operand attr-dict `:` functional-type(operands, results)"
    irdl_options = (ParsePropInAttrDict(),)

    def __init__(self, operand: SSAValue | Operation, spec: Table,
                 max_error: float | None = None, lipschitz: float | None = None,
                 margin: float | None = None):
        val = SSAValue.get(operand)
        fixed = isinstance(val.type, FixedType)
        i64 = IntegerType(64)
        props: dict[str, Attribute] = {
            "function": StringAttr(spec.function),
            "indexing": StringAttr(spec.indexing),
            "entries": IntegerAttr(spec.entries, i64),
            "domain": IntervalAttr(*spec.domain),
            "in_type": FixedType(spec.in_format),
            "out_type": FixedType(spec.out_format),
            "start": IntegerAttr(spec.start_raw, i64),
            "scale": IntegerAttr(spec.scale_raw, i64),
            "scale_frac": IntegerAttr(spec.scale_frac, i64),
            "mult": IntegerAttr(spec.mult_raw, i64),
            "mult_frac": IntegerAttr(spec.mult_frac, i64),
            "shift": IntegerAttr(spec.shift, i64),
            "periodic": IntegerAttr(int(spec.periodic), i64),
            "table": DenseArrayBase.from_list(i64, list(spec.values)),
            "interp_bits": IntegerAttr(spec.interp_bits, i64),
        }
        if spec.exponent:
            assert spec.value_format is not None
            props["exp_bias"] = IntegerAttr(spec.exp_bias, i64)
            props["exp_max"] = IntegerAttr(spec.exp_max, i64)
            props["value_type"] = FixedType(spec.value_format)
        if spec.normalized:
            assert spec.value_format is not None
            props["value_type"] = FixedType(spec.value_format)
            props["octaves"] = DenseArrayBase.from_list(
                i64, [spec.octave_lo, spec.octave_hi, spec.norm_bias, int(spec.negated)])
        if spec.bipartite:
            props["bipartite"] = DenseArrayBase.from_list(
                i64, [spec.offset_bits, spec.offset_drop])
            props["offsets"] = DenseArrayBase.from_list(i64, list(spec.offsets))
        if max_error is not None:
            props["max_error"] = FloatAttr(max_error, Float64Type())
        if lipschitz is not None:
            props["lipschitz"] = FloatAttr(lipschitz, Float64Type())
        if margin is not None:
            props["margin"] = FloatAttr(margin, Float64Type())
        result_type = FixedType(spec.out_format) if fixed else RealType()
        super().__init__(operands=[val], result_types=[result_type], properties=props)

    @property
    def spec(self) -> Table:
        """The table as :class:`symc.tables.Table` (what every backend indexes)."""
        return Table(
            function=self.function.data,
            indexing=self.indexing.data,
            in_format=self.in_type.format,
            out_format=self.out_type.format,
            entries=self.entries.value.data,
            domain=self.domain.bounds,
            start_raw=self.start.value.data,
            scale_raw=self.scale.value.data,
            scale_frac=self.scale_frac.value.data,
            mult_raw=self.mult.value.data,
            mult_frac=self.mult_frac.value.data,
            shift=self.shift.value.data,
            periodic=bool(self.periodic.value.data),
            values=tuple(self.table.get_values()),  # type: ignore[arg-type]
            interp_bits=self.interp_bits.value.data,
            exponent=self.exp_bias is not None,
            exp_bias=self.exp_bias.value.data if self.exp_bias is not None else 0,
            exp_max=self.exp_max.value.data if self.exp_max is not None else 0,
            value_format=self.value_type.format if self.value_type is not None else None,
            **self._octaves(),
            **self._bipartite(),
        )

    def _bipartite_pair(self) -> tuple[int, ...]:
        """A bipartite table's ``bits, drop`` as written (the verifier checks there are two)."""
        assert self.bipartite is not None
        return tuple(int(v) for v in cast("DenseArrayBase[IntegerType]",
                                          self.bipartite).get_values())

    def _bipartite(self) -> dict[str, Any]:
        if self.bipartite is None or self.offsets is None or len(self._bipartite_pair()) != 2:
            return {}
        bits, drop = self._bipartite_pair()
        offsets = tuple(int(v) for v in cast("DenseArrayBase[IntegerType]",
                                             self.offsets).get_values())
        return {"offset_bits": bits, "offset_drop": drop, "offsets": offsets}

    def _octave_values(self) -> tuple[int, ...]:
        """The normalized reciprocal's four integers (``octaves``, an i64 dense array)."""
        assert self.octaves is not None
        return tuple(int(v) for v in cast("DenseArrayBase[IntegerType]",
                                          self.octaves).get_values())

    def _octaves(self) -> dict[str, Any]:
        if self.octaves is None:
            return {}
        octave_lo, octave_hi, norm_bias, negated = self._octave_values()
        return {"normalized": True, "octave_lo": int(octave_lo), "octave_hi": int(octave_hi),
                "norm_bias": int(norm_bias), "negated": bool(negated)}

    @staticmethod
    def _verify_bipartite(spec: Table) -> None:
        if (spec.indexing != "bits" or spec.interp_bits or spec.exponent or spec.normalized
                or not 0 < spec.offset_bits <= spec.shift
                or not 0 <= spec.offset_drop < spec.entries.bit_length()):
            raise VerifyException(
                "a bipartite table needs bits indexing without interpolation, range reduction "
                "or normalization, 0 < offset bits <= shift and 2**drop <= entries")
        expected = (spec.entries >> spec.offset_drop) << spec.offset_bits
        if len(spec.offsets) != expected:
            raise VerifyException(f"a bipartite table holds {len(spec.offsets)} offsets but "
                                  f"needs {expected}")
        out = spec.out_format
        for i, value in enumerate(spec.values):
            row = (i >> spec.offset_drop) << spec.offset_bits
            segment = spec.offsets[row:row + (1 << spec.offset_bits)]
            if not (out.contains_raw(value + min(segment))
                    and out.contains_raw(value + max(segment))):
                raise VerifyException(f"table value {value} plus an offset does not fit {out}")

    def verify_(self) -> None:
        _check_same_world(self)
        spec = self.spec
        if spec.indexing not in ("hls4ml", "bits"):
            raise VerifyException(f"unknown table indexing {spec.indexing!r} (hls4ml, bits)")
        if spec.exponent and (spec.indexing != "bits" or spec.periodic or spec.value_format is None
                              or self.exp_max is None):
            raise VerifyException(
                "an exponent table (exp_bias) needs bits indexing, exp_max and value_type"
            )
        if self.octaves is not None and (
                len(self._octave_values()) != 4 or spec.indexing != "bits"
                or spec.periodic or spec.exponent or spec.interp_bits or spec.value_format is None
                or spec.value_format.signed or not 0 <= spec.octave_lo <= spec.octave_hi
                or spec.norm_bias + spec.octave_lo < 1):
            raise VerifyException(
                "a normalized table (octaves) needs bits indexing without interpolation, an "
                "unsigned value_type, 0 <= octave_lo <= octave_hi and norm_bias + octave_lo >= 1"
            )
        expected = spec.entries + (spec.interp_bits > 0 and not spec.periodic)
        if len(spec.values) != expected:
            raise VerifyException(
                f"table holds {len(spec.values)} values but needs {expected} for "
                f"{spec.entries} entries"
            )
        if spec.interp_bits and (spec.indexing != "bits" or spec.interp_bits > spec.shift):
            raise VerifyException("interpolation needs bits indexing and interp_bits <= shift")
        if (self.bipartite is None) != (self.offsets is None) or (
                self.bipartite is not None and len(self._bipartite_pair()) != 2):
            raise VerifyException("a bipartite table needs bipartite = array<i64: bits, drop> "
                                  "and its offsets")
        if self.bipartite is not None:
            self._verify_bipartite(spec)
        out = spec.entry_format
        for value in (min(spec.values, default=0), max(spec.values, default=0)):
            if not out.contains_raw(value):  # (a format holds every value between two it holds)
                raise VerifyException(f"table value {value} does not fit {out}")
        if spec.indexing == "bits" and (spec.entries & (spec.entries - 1) or spec.shift < 0):
            raise VerifyException("bits indexing needs 2**n entries and a shift >= 0")
        if isinstance(self.operand.type, FixedType) and self.operand.type != self.in_type:
            raise VerifyException(
                f"sym.lut operand is {self.operand.type.format}, the table reads {spec.in_format}"
            )
        if isinstance(self.result.type, FixedType) and self.result.type != self.out_type:
            raise VerifyException(
                f"sym.lut result is {self.result.type.format}, the table gives {spec.out_format}"
            )


@irdl_attr_definition
# (Quant and Overflow are Python's enum.StrEnum, which EnumAttribute takes at run time; its type
# parameter names xDSL's own StrEnum.)
class QuantAttr(EnumAttribute[Quant],  # pyright: ignore[reportInvalidTypeArguments]
                SpacedOpaqueSyntaxAttribute):
    """A cast's quantization mode (:class:`symc.fixed.Quant`): ``AP_TRN`` in a cast's custom
    form, ``#sym<quant AP_TRN>`` elsewhere."""

    name = "sym.quant"


@irdl_attr_definition
class OverflowAttr(EnumAttribute[Overflow],  # pyright: ignore[reportInvalidTypeArguments]
                   SpacedOpaqueSyntaxAttribute):
    """A cast's overflow mode (:class:`symc.fixed.Overflow`): ``AP_WRAP`` in a cast's custom
    form, ``#sym<overflow AP_WRAP>`` elsewhere."""

    name = "sym.overflow"


@irdl_op_definition
class CastOp(IRDLOperation):
    """Quantize a fixed-point value into another format (the only inexact op), with the
    quantization and overflow modes of ``ap_fixed<W, I, Q, O>`` in that order:

    ``%r = sym.cast %a AP_TRN AP_WRAP : (!sym.fixed<32, 12>) -> !sym.fixed<16, 6>``
    """

    name = "sym.cast"

    input = operand_def(FixedType)
    result = result_def(FixedType)
    quant_mode = prop_def(QuantAttr, prop_name="quant")
    overflow_mode = prop_def(OverflowAttr, prop_name="overflow")

    traits = traits_def(Pure())

    assembly_format = ("$input $quant $overflow attr-dict `:` "
                       "functional-type(operands, results)")

    def __init__(self, value: SSAValue | Operation, result_type: FixedType,
                 quant: Quant = Quant.AP_TRN, overflow: Overflow = Overflow.AP_WRAP):
        super().__init__(
            operands=[value],
            result_types=[result_type],
            properties={"quant": QuantAttr(quant), "overflow": OverflowAttr(overflow)},
        )

    @property
    def quant(self) -> Quant:
        return self.quant_mode.data

    @property
    def overflow(self) -> Overflow:
        return self.overflow_mode.data


Sym = Dialect(
    "sym",
    [
        AbsOp,
        AddOp,
        ApplyOp,
        CastOp,
        ConstOp,
        CosOp,
        DivOp,
        ExpOp,
        KernelOp,
        LogOp,
        LutOp,
        MaxOp,
        MinOp,
        MulOp,
        NegOp,
        OutputOp,
        PowOp,
        SinOp,
        SqrtOp,
        SubOp,
        TanOp,
        TanhOp,
    ],
    [FixedType, IntervalAttr, MinMaxImplAttr, MulImplAttr, OverflowAttr, QuantAttr, RealType,
     RomImplAttr],
)
