"""``sym-legalize-fixed``: give every value of the kernel a fixed-point type.

Runs after ``sym-canonicalize`` and ``sym-range-analysis``; before ``convert-sym-to-hw``.
Every ``+ - *`` stays exact (its result format follows :mod:`symc.fixed`); rounding happens only
in the ``sym.cast`` ops this pass inserts. Two modes:

``precision="ap_fixed<W,I[,Q,O]>"`` (and ``ap_ufixed``)
    The semantics of Vivado/Vitis HLS and hls4ml: inputs, constants and outputs have the given
    type (constants and outputs quantized with its modes; inputs are quantized by whoever drives
    the ports), intermediates keep ap_fixed's full-precision promotion. A design compiled this
    way is bit-comparable with HLS code written with that type.

``precision="auto"``
    symc's own mode. Integer bits of every value come from its range (``range`` attributes and
    the kernel's ``input_ranges``) widened by the value's worst-case error, so nothing can
    overflow for inputs inside their declared ranges. Products are truncated to a common number
    of fractional bits ``F``; ``F`` is the smallest for which a worst-case error bound, propagated
    exactly (with rationals) through the kernel, stays within ``max_error`` at every output (or
    ``F = frac_bits`` when that option is given). Constants keep the fewest fractional bits that
    hold their value quantized at ``F``. The bound covers the inputs' own quantization (an
    input has ``F`` fractional bits too, so ``max_error`` sets the inputs' resolution), constant
    quantization and every truncation; it measures the design against the real-valued
    expression at the real inputs. Inputs are truncated (``AP_TRN``) and clamped into their
    declared ranges (:func:`input_raw_bounds`), so the quantized inputs never leave the ranges
    the analysis assumed; a driver that sends other values is outside the design's contract.
    The bound reached at each output is recorded in the kernel's ``error_bounds``.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from fractions import Fraction

from xdsl.context import Context
from xdsl.dialects.builtin import ArrayAttr, Float64Type, FloatAttr, ModuleOp
from xdsl.ir import Block, Operation, Region, SSAValue

from symc.dialects import sym
from symc.fixed import (
    DEFAULT_MAX_ERROR,
    FixedFormat,
    Overflow,
    Precision,
    Quant,
    format_for_raw_range,
    parse_precision,
    quantize_scalar,
)
from symc.frontend.errors import SymcError
from symc.overflow import OverflowWarning
from symc.passes import SymcPass

MAX_AUTO_FRAC_BITS = 96

AUTO_INPUT = Precision(FixedFormat(1, 1), Quant.AP_TRN, Overflow.AP_SAT)
"""Modes of inputs in auto mode (the format itself is per input)."""

_EXACT = (sym.AddOp, sym.SubOp, sym.MulOp, sym.NegOp, sym.AbsOp, sym.MinOp, sym.MaxOp)


def _reject(op: Operation) -> SymcError:
    if isinstance(op, sym.ApplyOp):
        return SymcError(
            f"{sym.op_label(op)} applies the user function {op.function.data!r}: run "
            "sym-approximate-lut first (it becomes a table)"
        )
    if isinstance(op, sym.ElementaryOp | sym.DivOp):
        what = "division by a variable" if isinstance(op, sym.DivOp) else "an elementary function"
        return SymcError(
            f"{sym.op_label(op)} is {what}: it needs the sym-approximate-lut pass (lookup tables) "
            "before sym-legalize-fixed"
        )
    if isinstance(op, sym.PowOp):
        return SymcError(
            f"{sym.op_label(op)} must be expanded by sym-canonicalize before legalization")
    return SymcError(f"sym-legalize-fixed cannot legalize {sym.op_label(op)}")


def _lut_on(op: sym.LutOp, operand: SSAValue) -> sym.LutOp:
    """The same table, reading a fixed-point operand (the properties, immutable, are shared:
    the entries are not rebuilt)."""
    return sym.LutOp.create(operands=[operand], result_types=[op.out_type],
                            properties=dict(op.properties))


def _range(op: Operation) -> tuple[Fraction, Fraction]:
    attr = op.attributes.get("range")
    if not isinstance(attr, sym.IntervalAttr):
        raise SymcError(
            f"{sym.op_label(op)} has no range attribute: run sym-range-analysis before "
            "sym-legalize-fixed in auto mode"
        )
    lo, hi = attr.bounds
    return Fraction(lo), Fraction(hi)


def input_raw_bounds(lo: float, hi: float, frac_bits: int) -> tuple[int, int] | None:
    """Raw values an auto-mode input takes: the grid points inside its declared range.

    Inputs are truncated and then clamped to these bounds, so that the quantized inputs stay
    inside the ranges that range analysis assumed (truncating ``-0.3`` alone would leave them).
    None when no grid point lies inside the range.
    """
    scale = Fraction(2) ** frac_bits
    first, last = math.ceil(Fraction(lo) * scale), math.floor(Fraction(hi) * scale)
    return (first, last) if first <= last else None


def _raw_range(lo: Fraction, hi: Fraction, frac_bits: int) -> tuple[int, int]:
    scale = Fraction(2) ** frac_bits
    return math.floor(lo * scale), math.floor(hi * scale)


def _warn_if_outside(op: sym.ConstOp, raw: int, precision: Precision) -> None:
    """A constant the type cannot hold takes the type's overflow mode, as in hls4ml's C++:
    say so, since every value computed from it is then far from the expression's."""
    fmt = precision.format
    value = op.real_value
    held = raw * 2.0**-fmt.frac_bits
    if abs(held - value) <= 2.0**-fmt.frac_bits:
        return
    warnings.warn(
        f"the constant {float(value)!r}{sym.location_suffix(op)} is outside {precision} "
        f"([{fmt.min_raw * 2.0**-fmt.frac_bits:g}, {fmt.max_raw * 2.0**-fmt.frac_bits:g}]): "
        f"it becomes {held:g} ({precision.overflow.name}, as in hls4ml); widen the integer "
        "bits or rescale the expression", OverflowWarning, stacklevel=2)


class _NoGridPoint(Exception):
    """An input range narrower than one LSB (internal: the search tries more bits)."""


class _TableArgumentTooCoarse(Exception):
    """A table read whose argument's error exceeds the margin its error was measured with
    (internal: the search tries more bits)."""


@dataclass
class _Value:
    """What auto mode tracks per value: its new SSA value, exact range and error bound."""

    ssa: SSAValue
    lo: Fraction
    hi: Fraction
    error: Fraction = field(default=Fraction(0))

    @property
    def magnitude(self) -> Fraction:
        return max(abs(self.lo), abs(self.hi))


class _Rebuild:
    """Builds the legalized kernel op by op, mapping old values to new ones."""

    def __init__(self, kernel: sym.KernelOp, input_types: list[sym.FixedType]):
        self.kernel = kernel
        self.block = Block(arg_types=input_types)
        self.new: dict[SSAValue, SSAValue] = dict(
            zip(kernel.body.block.args, self.block.args, strict=True)
        )

    def emit(self, op: Operation, old: Operation | None = None) -> SSAValue:
        self.block.add_op(op)
        if old is not None:
            op.results[0].name_hint = old.results[0].name_hint
            self.new[old.results[0]] = op.results[0]
        return op.results[0]

    def exact(self, op: Operation) -> sym.BinarySymOp | sym.UnarySymOp:
        operands = [self.new[v] for v in op.operands]
        try:
            return type(op)(*operands)  # type: ignore[call-arg]
        except SymcError as exc:
            raise SymcError(f"{sym.op_label(op)}: {exc}") from exc

    def finish(self, outputs: list[SSAValue], error_bounds: list[float] | None) -> sym.KernelOp:
        self.block.add_op(sym.OutputOp(outputs))
        k = self.kernel
        new = sym.KernelOp(
            k.sym_name.data,
            [(n, a.type) for n, a in zip(k.inputs, self.block.args, strict=True)],
            k.outputs,
            ranges=k.ranges,
            body=Region(self.block),
        )
        for arg, old in zip(self.block.args, k.body.block.args, strict=True):
            arg.name_hint = old.name_hint
        if error_bounds is not None:
            new.attributes["error_bounds"] = ArrayAttr(
                [FloatAttr(e, Float64Type()) for e in error_bounds]
            )
        return new


@dataclass(frozen=True)
class SymLegalizeFixedPass(SymcPass):
    name = "sym-legalize-fixed"

    precision: str = "ap_fixed<16,6>"
    """``ap_fixed<W,I[,QUANT[,OVERFLOW]]>``, ``ap_ufixed<...>``, or ``auto``."""

    max_error: float | None = None
    """Auto mode: absolute error budget per output (default ``2**-10``)."""

    frac_bits: int | None = None
    """Auto mode: use exactly this many fractional bits instead of searching for the budget."""

    clamp_inputs: bool = True
    """Auto mode: clamp each input port into its declared range in hardware, where its format
    holds more (a comparison and a multiplexer per side), so that any value a port carries
    gives what the emulator computes; off, the ports must be driven within their ranges."""

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        for kernel in [k for k in op.walk() if isinstance(k, sym.KernelOp)]:
            if all(isinstance(a.type, sym.FixedType) for a in kernel.body.block.args) and all(
                isinstance(r.type, sym.FixedType) for o in kernel.body.ops for r in o.results
            ):
                continue  # already legal
            if self.precision.strip() == "auto":
                new = self._auto(kernel)
            else:
                if self.max_error is not None or self.frac_bits is not None:
                    raise SymcError("max_error and frac_bits apply only to precision='auto'")
                new = self._ap_fixed(kernel, parse_precision(self.precision))
            parent = kernel.parent_block()
            assert parent is not None
            parent.insert_op_before(new, kernel)
            kernel.detach()
            kernel.erase()

    # --- ap_fixed<W,I> ---------------------------------------------------------------------

    def _ap_fixed(self, kernel: sym.KernelOp, precision: Precision) -> sym.KernelOp:
        ftype = sym.FixedType(precision.format)
        rb = _Rebuild(kernel, [ftype] * len(kernel.inputs))
        outputs: list[SSAValue] = []
        for op in kernel.body.ops:
            if isinstance(op, sym.ConstOp):
                raw = quantize_scalar(op.real_value, precision)
                _warn_if_outside(op, raw, precision)
                rb.emit(sym.ConstOp(raw, ftype), op)
            elif isinstance(op, _EXACT):
                rb.emit(rb.exact(op), op)
            elif isinstance(op, sym.LutOp):
                # The argument takes the table's type as hls4ml's `(T) arg` does: its modes.
                arg = rb.new[op.operand]
                if arg.type != op.in_type:
                    arg = rb.emit(sym.CastOp(arg, op.in_type, precision.quant, precision.overflow))
                rb.emit(_lut_on(op, arg), op)
            elif isinstance(op, sym.OutputOp):
                for value in op.operands:
                    new = rb.new[value]
                    if new.type != ftype:
                        new = rb.emit(sym.CastOp(new, ftype, precision.quant, precision.overflow))
                    outputs.append(new)
            else:
                raise _reject(op)
        return rb.finish(outputs, None)

    # --- auto --------------------------------------------------------------------------------

    def _auto(self, kernel: sym.KernelOp) -> sym.KernelOp:
        if kernel.ranges is None:
            raise SymcError(
                "precision='auto' needs input ranges (inputs={'x0': (lo, hi), ...})"
            )
        for op in kernel.body.ops:
            if not isinstance(op, (*_EXACT, sym.ConstOp, sym.OutputOp, sym.LutOp)):
                raise _reject(op)
            if isinstance(op, sym.LutOp) and (op.max_error is None or op.lipschitz is None):
                raise SymcError(
                    f"{sym.op_label(op)} carries no max_error/lipschitz: auto precision needs "
                    "both to bound the error (sym-approximate-lut writes them)"
                )
        if self.frac_bits is not None:
            if not 0 <= self.frac_bits <= MAX_AUTO_FRAC_BITS:
                raise SymcError(f"frac_bits must be within 0..{MAX_AUTO_FRAC_BITS}")
            try:
                return self._auto_at(kernel, self.frac_bits)[0]
            except _NoGridPoint as exc:
                raise SymcError(
                    f"the range of input {exc.args[0]!r} holds no value with "
                    f"{self.frac_bits} fractional bits; raise frac_bits"
                ) from None
            except _TableArgumentTooCoarse as exc:
                op = exc.args[0]
                raise SymcError(
                    f"with frac_bits={self.frac_bits} the argument of the "
                    f"{op.function.data} table{sym.location_suffix(op)} strays further from "
                    "its real value than the table's error was measured for (its margin, "
                    f"{op.margin.value.data:.3g}); raise frac_bits, or give max_error instead"
                ) from None
        budget = DEFAULT_MAX_ERROR if self.max_error is None else self.max_error
        if not (math.isfinite(budget) and budget > 0):
            raise SymcError(f"max_error must be a positive number, not {budget}")
        worst: Fraction | None = None
        for frac_bits in range(0, MAX_AUTO_FRAC_BITS + 1):
            try:
                new, bounds = self._auto_at(kernel, frac_bits)
            except (_NoGridPoint, _TableArgumentTooCoarse):
                continue
            worst = max(bounds)
            if worst <= Fraction(budget):
                return new
            new.erase()
        rounded = max((op for op in kernel.body.ops if isinstance(op, sym.ConstOp)),
                      key=lambda op: op.rounding, default=None)
        hint = ""
        if rounded is not None and rounded.rounding * 4 > Fraction(budget):
            # The constants are float64: fractional bits cannot bring them closer.
            hint = (f"; the constant {rounded.real_value:.17g}{sym.location_suffix(rounded)} is "
                    f"only within {float(rounded.rounding):.3g} of the number it stands for "
                    "(symc's constants are float64)")
        if worst is None:
            raise SymcError(
                f"max_error={budget} is out of reach: even with {MAX_AUTO_FRAC_BITS} fractional "
                "bits a table's argument strays further from its real value than the table's "
                "error was measured")
        raise SymcError(
            f"max_error={budget} is out of reach: with {MAX_AUTO_FRAC_BITS} fractional bits "
            f"the error bound is still {float(worst):.3g}{hint}"
        )

    def _auto_at(self, kernel: sym.KernelOp, frac_bits: int) -> tuple[sym.KernelOp, list[Fraction]]:
        lsb = Fraction(1, 2**frac_bits)
        ranges = [(Fraction(lo), Fraction(hi)) for lo, hi in kernel.ranges or []]
        input_types = []
        for name, (lo, hi) in zip(kernel.inputs, kernel.ranges or [], strict=True):
            raw = input_raw_bounds(lo, hi, frac_bits)
            if raw is None:
                raise _NoGridPoint(name)
            input_types.append(sym.FixedType(format_for_raw_range(raw[0], raw[1], frac_bits)))
        rb = _Rebuild(kernel, input_types)
        # An input is truncated to the grid and clamped into its range: under one LSB from
        # the real input. The bound starts there, so it holds at the real inputs.
        values: dict[SSAValue, _Value] = {
            arg: _Value(self._clamp(rb, new, input_raw_bounds(f_lo, f_hi, frac_bits),
                                    self.clamp_inputs), lo, hi, lsb)
            for arg, new, (lo, hi), (f_lo, f_hi) in zip(
                kernel.body.block.args, rb.block.args, ranges, kernel.ranges or [], strict=True)
        }
        outputs: list[SSAValue] = []
        bounds: list[Fraction] = []
        for op in kernel.body.ops:
            if isinstance(op, sym.OutputOp):
                for value in op.operands:
                    outputs.append(values[value].ssa)
                    bounds.append(values[value].error)
                continue
            lo, hi = _range(op)
            if isinstance(op, sym.ConstOp):
                values[op.results[0]] = self._auto_const(rb, op, frac_bits)
                continue
            if isinstance(op, sym.LutOp):
                values[op.results[0]] = self._auto_lut(rb, op, values[op.operand], lo, hi)
                continue
            args = [values[v] for v in op.operands]
            new_op = rb.exact(op)
            if isinstance(op, sym.AddOp | sym.SubOp):
                error = args[0].error + args[1].error
            elif isinstance(op, sym.MulOp):
                a, b = args
                error = a.magnitude * b.error + b.magnitude * a.error + a.error * b.error
            else:  # neg, abs, min, max are 1-Lipschitz in each operand
                error = max(a.error for a in args)
            fmt = new_op.results[0].type.format  # type: ignore[union-attr]
            if fmt.frac_bits > frac_bits:
                error += lsb  # truncation drops less than one LSB
            # The range (widened by the error) may need fewer integer bits than ap_fixed's
            # promotion gives: narrowing is then exact, and keeps sums from growing a bit each.
            target_frac = min(fmt.frac_bits, frac_bits)
            target = format_for_raw_range(*_raw_range(lo - error, hi + error, target_frac),
                                          target_frac)
            if fmt.frac_bits > target_frac or target.width < fmt.width:
                rb.emit(new_op)
                ssa = rb.emit(sym.CastOp(new_op, sym.FixedType(target)), op)
            else:
                ssa = rb.emit(new_op, op)
            values[op.results[0]] = _Value(ssa, lo, hi, error)
        bounds_float = [float(b) for b in bounds]
        return rb.finish(outputs, bounds_float), bounds

    @staticmethod
    def _clamp(rb: _Rebuild, port: SSAValue, bounds: tuple[int, int] | None,
               clamp: bool) -> SSAValue:
        """The input ``port`` clamped in hardware to the raw ``bounds`` of its declared range,
        where its format holds more: every raw value a port can carry then gives what the
        emulator computes, and the analysis's ranges hold for it (a comparison and a
        multiplexer per clamped side)."""
        assert bounds is not None
        if not clamp:
            return port
        fmt = port.type.format  # type: ignore[attr-defined]
        first, last = bounds
        value = port
        if last < fmt.max_raw:
            top = rb.emit(sym.ConstOp(last, sym.FixedType(
                format_for_raw_range(min(last, 0), max(last, 0), fmt.frac_bits))))
            value = rb.emit(sym.MinOp(value, top))
        if first > fmt.min_raw:
            bottom = rb.emit(sym.ConstOp(first, sym.FixedType(
                format_for_raw_range(min(first, 0), max(first, 0), fmt.frac_bits))))
            value = rb.emit(sym.MaxOp(value, bottom))
        if value.type != port.type:
            # Back to the port's format: the clamped value lies in it; this drops bits only.
            assert isinstance(port.type, sym.FixedType)
            value = rb.emit(sym.CastOp(value, port.type, Quant.AP_TRN, Overflow.AP_WRAP))
        rb.new[rb.kernel.body.block.args[port.index]] = value  # type: ignore[attr-defined]
        return value

    @staticmethod
    def _auto_lut(rb: _Rebuild, op: sym.LutOp, arg: _Value, lo: Fraction, hi: Fraction) -> _Value:
        """A table: its operand saturates into the table's input format where it might leave
        it (so an operand a little off its range stays within its error), the result is the
        table's entry."""
        x = arg.ssa
        error = arg.error
        in_fmt = op.in_type.format
        if x.type != op.in_type:
            lsb = Fraction(2) ** -in_fmt.frac_bits
            if x.type.format.frac_bits > in_fmt.frac_bits:  # type: ignore[attr-defined]
                error += lsb  # truncation: under one LSB
            # Saturate only where the computed operand (within its error of its range, then
            # truncated) may leave the table's input format; otherwise the cast only drops
            # bits and costs no logic.
            fits = (in_fmt.min_raw * lsb <= arg.lo - arg.error - lsb
                    and arg.hi + arg.error <= in_fmt.max_raw * lsb)
            # A table of period 1 (an argument in turns) reads its operand modulo 1: wrapping
            # keeps that (the format has integer bits), saturating would not.
            overflow = Overflow.AP_WRAP if fits or op.spec.in_turns else Overflow.AP_SAT
            x = rb.emit(sym.CastOp(x, op.in_type, Quant.AP_TRN, overflow))
        assert op.max_error is not None and op.lipschitz is not None
        if op.margin is not None and error > Fraction(op.margin.value.data):
            # The argument may stray further from its real value than the table's error and
            # slope were measured: no bound at this precision (a finer one may give one).
            raise _TableArgumentTooCoarse(op)
        table_error = Fraction(op.max_error.value.data) + Fraction(op.lipschitz.value.data) * error
        ssa = rb.emit(_lut_on(op, x), op)
        return _Value(ssa, lo, hi, table_error)

    @staticmethod
    def _auto_const(rb: _Rebuild, op: sym.ConstOp, frac_bits: int) -> _Value:
        value = op.real_value
        exact = Fraction(value)
        # Round to nearest: a constant's error is known exactly, so take the smaller one.
        raw = math.floor(exact * 2**frac_bits + Fraction(1, 2))
        bits = frac_bits
        while raw != 0 and raw % 2 == 0 and bits > -MAX_AUTO_FRAC_BITS:
            raw //= 2
            bits -= 1
        if raw == 0:
            bits = 0
        fmt = format_for_raw_range(min(raw, 0), max(raw, 0), bits)
        ssa = rb.emit(sym.ConstOp(raw, sym.FixedType(fmt)), op)
        quantized = Fraction(raw) / Fraction(2) ** bits
        # float64's rounding of the number the constant stands for (1/3, pi), when it has one.
        return _Value(ssa, exact, exact, abs(quantized - exact) + op.rounding)

