"""The emulator: the legalized ``sym`` IR interpreted bit-exactly in numpy integer arithmetic.

This is the specification of every design (contract 2 of docs/architecture.md): RTL
simulation and HLS C simulation must equal it bit for bit. It is an xDSL interpreter: one
function per op in :class:`SymFunctions`, registered with ``@impl`` as xDSL's own interpreters
register theirs, so that adding an op adds one function. Values are raw integers (the value
times ``2**F``), held three ways:

- a Python ``int``: constants, and every value when ``sym-narrow`` folds constants through
  :func:`fold` (exact at any width);
- an int64 array, for a value whose format is at most 62 bits wide, computed in int64 when
  every intermediate of its op fits 62 bits (two bits of headroom for shifts and compares);
- a :class:`symc.wide.WideArray` of 32-bit limbs otherwise: exact at any width, vectorized.

Nothing ever wraps silently. :meth:`Emulator.run_raw` evaluates the samples in chunks, so its
memory does not grow with their number beyond the inputs and the outputs, and can spread the
chunks over threads (numpy releases the GIL inside its loops).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
from xdsl.dialects.builtin import ModuleOp
from xdsl.interpreter import (
    Interpreter,
    InterpreterFunctions,
    PythonValues,
    ReturnedValues,
    impl,
    impl_terminator,
    register_impls,
)
from xdsl.ir import Operation

from symc.dialects import sym
from symc.fixed import (
    TIE_RULE,
    FixedFormat,
    Overflow,
    Quant,
    _tie_holds,
    cast_overflows,
    cast_raw,
)
from symc.frontend.errors import SymcError
from symc.tables import Table
from symc.wide import WideArray, limbs_for

FAST_WIDTH = 62
"""Widest intermediate the int64 path handles (two bits of headroom for shifts and compares)."""

CHUNK = 16384
"""Samples per chunk: every intermediate of a chunk (128 KiB per int64 value) stays in cache."""


def op_width(op: Operation) -> int:
    """Bits the evaluation of ``op`` may need (its operands aligned, its casts' carries)."""
    widths = [sym.format_of(v).width for v in (*op.operands, *op.results)]
    if isinstance(op, sym.CastOp):
        src, dst = sym.format_of(op.input), sym.format_of(op.result)
        widths.append(src.width + max(0, dst.frac_bits - src.frac_bits) + 1)
    if isinstance(op, sym.LutOp):
        # The index arithmetic: (x - start) * mult, or x * scale - start.
        spec = op.spec
        widths.append(sym.format_of(op.operand).width + 2
                      + max(abs(spec.mult_raw), abs(spec.scale_raw),
                            abs(spec.start_raw)).bit_length())
        # (T[i+1] - T[i]) * frac, and an exponent table's 2 * entry before its shift.
        widths.append(spec.entry_format.width + 2 + spec.interp_bits)
        if spec.normalized:  # the divisor shifted left by the index bits
            widths.append(sym.format_of(op.operand).width + spec.entries.bit_length() + 1)
    return max(widths) + 1


@dataclass(frozen=True)
class Plan:
    """What the interpreter needs of one op, computed once: its formats and how wide its
    arithmetic is (``limbs`` is 0 on the int64 path)."""

    operands: tuple[FixedFormat, ...]
    result: FixedFormat
    limbs: int
    table: Table | None = None

    @classmethod
    def of(cls, op: Operation) -> Plan:
        widest = op_width(op)
        return cls(tuple(sym.format_of(v) for v in op.operands), sym.format_of(op.results[0]),
                   limbs_for(widest) if widest > FAST_WIDTH else 0,
                   op.spec if isinstance(op, sym.LutOp) else None)


def _is_array(value: Any) -> bool:
    return isinstance(value, np.ndarray | WideArray)


def _length(args: PythonValues) -> int:
    return next(len(a) for a in args if _is_array(a))


def _limbs(fmt: FixedFormat) -> int:
    """Limbs holding every value of ``fmt`` in two's complement (a sign bit for unsigned)."""
    return limbs_for(fmt.width + (not fmt.signed))


def _narrowed(value: WideArray, fmt: FixedFormat) -> Any:
    """A wide op's result as the next op expects it: int64 when its format fits."""
    if fmt.width <= FAST_WIDTH:
        return value.to_int64()
    return value.resized(_limbs(fmt))


def _align(raw: Any, src: FixedFormat, dst: FixedFormat) -> Any:
    shift = dst.frac_bits - src.frac_bits
    return raw << shift if shift > 0 else raw


# --- casts ----------------------------------------------------------------------------------


def _cast_int64(raw: Any, src: FixedFormat, dst: FixedFormat, quant: Quant,
                overflow: Overflow) -> Any:
    """``cast_raw`` on an int64 array, with the common modes in fewer passes: truncation is a
    shift, ``AP_RND`` adds half an LSB first, ``AP_SAT`` is one clip, and an overflow that
    the source range cannot reach is skipped."""
    dropped = src.frac_bits - dst.frac_bits
    if dropped > 0 and quant in (Quant.AP_TRN, Quant.AP_RND):
        rounded = (raw + (1 << (dropped - 1)) if quant == Quant.AP_RND else raw) >> dropped
    elif dropped > 0:
        return cast_raw(raw, src, dst, quant, overflow)
    else:
        rounded = raw << -dropped if dropped < 0 else raw
    if not cast_overflows(src, dst, overflow):
        return rounded
    if overflow == Overflow.AP_SAT:
        return np.clip(rounded, dst.min_raw, dst.max_raw)
    if overflow == Overflow.AP_WRAP:
        return ((rounded - dst.min_raw) & ((1 << dst.width) - 1)) + dst.min_raw
    return cast_raw(rounded, dst, dst, Quant.AP_TRN, overflow)


def _cast_wide(raw: WideArray, src: FixedFormat, dst: FixedFormat, quant: Quant,
               overflow: Overflow) -> Any:
    """``cast_raw`` on limbs: the rounding reads the half bit and the sticky bits below it."""
    dropped = src.frac_bits - dst.frac_bits
    if dropped < 0:
        rounded = raw.shl(-dropped)
    elif dropped == 0 or quant == Quant.AP_TRN:
        rounded = raw.sar(dropped)
    else:
        kept = raw.sar(dropped)
        negative = raw.negative()
        half, sticky = raw.bit(dropped - 1), raw.any_below(dropped - 1)
        if quant == Quant.AP_TRN_ZERO:
            increment = negative & (half | sticky)
        else:
            tie = _tie_holds(TIE_RULE[quant], negative, kept.bit(0).astype(np.int64))
            increment = half & (sticky | tie)
        rounded = kept.add_bits(increment)
    return _overflow_wide(rounded, dst, overflow)


def _overflow_wide(raw: WideArray, fmt: FixedFormat, overflow: Overflow) -> Any:
    lo, hi = fmt.min_raw, fmt.max_raw
    n, limbs = raw.n, len(raw.limbs)
    if overflow == Overflow.AP_WRAP:
        if fmt.width <= FAST_WIDTH:
            # The low 64 bits decide a wrap to at most 62 (numpy's int64 arithmetic is modulo
            # 2**64, so the subtraction may wrap and the mask still holds).
            return ((raw.to_int64() - lo) & ((1 << fmt.width) - 1)) + lo
        return _narrowed(raw.resized(max(limbs, limbs_for(fmt.width + 1)))
                         .wrap(fmt.width, fmt.signed), fmt)
    above = WideArray.from_int(hi, limbs, n).less(raw)
    below = raw.less(WideArray.from_int(lo, limbs, n))
    if overflow == Overflow.AP_SAT_SYM and fmt.signed and fmt.width > 1:
        below, lo = ~WideArray.from_int(lo, limbs, n).less(raw), -hi
    elif overflow == Overflow.AP_SAT_ZERO:
        above, lo, hi = above | below, 0, 0
    if fmt.width <= FAST_WIDTH:
        return np.where(above, hi, np.where(below, lo, raw.to_int64()))
    chosen = WideArray.select(below, WideArray.from_int(lo, limbs, n), raw)
    return _narrowed(WideArray.select(above, WideArray.from_int(hi, limbs, n), chosen), fmt)


# --- the interpreter ------------------------------------------------------------------------


@register_impls
class SymFunctions(InterpreterFunctions):
    """One function per ``sym`` op. Each takes the raw operand values (Python ints, int64
    arrays or :class:`WideArray` values) and returns the raw result."""

    def __init__(self) -> None:
        self._plans: dict[Operation, Plan] = {}

    def plan(self, op: Operation) -> Plan:
        plan = self._plans.get(op)
        if plan is None:
            plan = self._plans[op] = Plan.of(op)
        return plan

    def _wide(self, op: Operation, args: PythonValues) -> tuple[Plan, list[WideArray] | None]:
        """The plan, and the operands as limbs when the op is wide and not all constant."""
        plan = self.plan(op)
        if not plan.limbs or not any(_is_array(a) for a in args):
            return plan, None
        n = _length(args)
        return plan, [WideArray.of(a, plan.limbs, n) for a in args]

    @impl(sym.ConstOp)
    def run_const(self, interpreter: Interpreter, op: sym.ConstOp, args: PythonValues):
        return (op.value.data,)

    def _aligned(self, op: Operation, args: PythonValues) -> tuple[Plan, Any, Any, bool]:
        """The two operands at the result's scale, and whether they are limbs."""
        plan, wide = self._wide(op, args)
        (fa, fb), res = plan.operands, plan.result
        if wide is None:
            return plan, _align(args[0], fa, res), _align(args[1], fb, res), False
        return (plan, wide[0].shl(res.frac_bits - fa.frac_bits),
                wide[1].shl(res.frac_bits - fb.frac_bits), True)

    @impl(sym.AddOp)
    def run_add(self, interpreter: Interpreter, op: sym.AddOp, args: PythonValues):
        plan, a, b, limbs = self._aligned(op, args)
        return (_narrowed(a.add(b), plan.result) if limbs else a + b,)

    @impl(sym.SubOp)
    def run_sub(self, interpreter: Interpreter, op: sym.SubOp, args: PythonValues):
        plan, a, b, limbs = self._aligned(op, args)
        return (_narrowed(a.sub(b), plan.result) if limbs else a - b,)

    @impl(sym.MulOp)
    def run_mul(self, interpreter: Interpreter, op: sym.MulOp, args: PythonValues):
        plan, wide = self._wide(op, args)
        if wide is None:
            return (args[0] * args[1],)
        (fa, fb), res = plan.operands, plan.result
        a, b = wide[0].resized(_limbs(fa)), wide[1].resized(_limbs(fb))
        return (_narrowed(a.mul(b, plan.limbs), res),)

    def _minmax(self, op: sym.MinOp | sym.MaxOp, args: PythonValues, smaller: bool) -> Any:
        plan, a, b, limbs = self._aligned(op, args)
        if limbs:
            return _narrowed(a.minimum(b) if smaller else a.maximum(b), plan.result)
        if not _is_array(a) and not _is_array(b):
            return min(a, b) if smaller else max(a, b)
        return np.minimum(a, b) if smaller else np.maximum(a, b)

    @impl(sym.MinOp)
    def run_min(self, interpreter: Interpreter, op: sym.MinOp, args: PythonValues):
        return (self._minmax(op, args, smaller=True),)

    @impl(sym.MaxOp)
    def run_max(self, interpreter: Interpreter, op: sym.MaxOp, args: PythonValues):
        return (self._minmax(op, args, smaller=False),)

    @impl(sym.NegOp)
    def run_neg(self, interpreter: Interpreter, op: sym.NegOp, args: PythonValues):
        plan, wide = self._wide(op, args)
        return (-args[0],) if wide is None else (_narrowed(wide[0].neg(), plan.result),)

    @impl(sym.AbsOp)
    def run_abs(self, interpreter: Interpreter, op: sym.AbsOp, args: PythonValues):
        plan, wide = self._wide(op, args)
        if wide is None:
            return (np.abs(args[0]) if _is_array(args[0]) else abs(args[0]),)
        return (_narrowed(wide[0].abs(), plan.result),)

    @impl(sym.CastOp)
    def run_cast(self, interpreter: Interpreter, op: sym.CastOp, args: PythonValues):
        plan, wide = self._wide(op, args)
        src, dst = plan.operands[0], plan.result
        if wide is not None:
            return (_cast_wide(wide[0], src, dst, op.quant, op.overflow),)
        if isinstance(args[0], np.ndarray):
            return (_cast_int64(args[0], src, dst, op.quant, op.overflow),)
        return (cast_raw(args[0], src, dst, op.quant, op.overflow),)

    @impl(sym.LutOp)
    def run_lut(self, interpreter: Interpreter, op: sym.LutOp, args: PythonValues):
        plan, wide = self._wide(op, args)
        assert plan.table is not None
        if wide is None:
            return (plan.table.lookup(args[0]),)
        # A table whose index arithmetic outgrows int64: that arithmetic in Python integers
        # (the tables' own exact code), the entries back in int64 or limbs.
        out = plan.table.lookup(wide[0].to_objects())
        if plan.result.width <= FAST_WIDTH:
            return (np.asarray(out).astype(np.int64),)
        return (WideArray.from_objects(out, _limbs(plan.result)),)

    @impl_terminator(sym.OutputOp)
    def run_output(self, interpreter: Interpreter, op: sym.OutputOp, args: PythonValues):
        return ReturnedValues(args), ()


def map_chunks(run: Callable[[int, int], None], n: int, chunk: int, n_jobs: int) -> None:
    """``run(start, stop)`` over ``range(n)`` in pieces of ``chunk``, on ``n_jobs`` threads."""
    if n_jobs < 1:
        raise SymcError(f"n_jobs must be at least 1, not {n_jobs}")
    if chunk < 1:
        raise SymcError(f"chunk must be at least 1, not {chunk}")
    pieces = [(start, min(start + chunk, n)) for start in range(0, n, chunk)]
    if n_jobs == 1 or len(pieces) <= 1:
        for start, stop in pieces:
            run(start, stop)
        return
    with ThreadPoolExecutor(max_workers=n_jobs) as pool:
        for future in [pool.submit(run, start, stop) for start, stop in pieces]:
            future.result()


def fold(op: Operation, values: Sequence[int]) -> int:
    """The raw result of ``op`` on constant raw operands (Python ints): how ``sym-narrow``
    folds constants, through the emulator's own functions."""
    interpreter = Interpreter(ModuleOp([]))
    interpreter.register_implementations(SymFunctions())
    return int(interpreter.run_op(op, tuple(values))[0])


class Emulator:
    """Evaluates one legalized kernel on raw integer arrays."""

    def __init__(self, module: ModuleOp):
        kernels = [k for k in module.walk() if isinstance(k, sym.KernelOp)]
        if len(kernels) != 1:
            raise SymcError(f"expected one sym.kernel, found {len(kernels)}")
        self.module = module
        self.kernel = kernels[0]
        self.input_formats = [sym.format_of(a) for a in self.kernel.body.block.args]
        self.output_formats = [sym.format_of(v) for v in self.kernel.output_op.operands]
        self._functions = SymFunctions()
        ops = [op for op in self.kernel.body.ops if not isinstance(op, sym.OutputOp)]
        self.wide_ops: tuple[str, ...] = tuple(
            op.name for op in ops if self._functions.plan(op).limbs
        )
        """The ops that compute on limbs (an intermediate wider than 62 bits), in order."""

    def _interpreter(self) -> Interpreter:
        interpreter = Interpreter(self.module)
        interpreter.register_implementations(self._functions)
        return interpreter

    def _columns(self, inputs: Sequence[np.ndarray]) -> list[Any]:
        columns = []
        for col, fmt in zip(inputs, self.input_formats, strict=True):
            arr = np.asarray(col)
            if fmt.width <= FAST_WIDTH:
                columns.append(arr.astype(np.int64, copy=False))
            else:
                columns.append(WideArray.of(arr, _limbs(fmt), len(arr)))
        return columns

    def _run_chunk(self, interpreter: Interpreter, columns: list[Any], start: int, stop: int,
                   outputs: list[np.ndarray]) -> None:
        args = tuple(WideArray(c.limbs[:, start:stop]) if isinstance(c, WideArray)
                     else c[start:stop] for c in columns)
        results = interpreter.run_ssacfg_region(self.kernel.body, args, "kernel")
        for out, value in zip(outputs, results, strict=True):
            if isinstance(value, WideArray):
                out[start:stop] = (value.to_int64() if out.dtype != object
                                   else value.to_objects())
            else:
                out[start:stop] = value

    def run_raw(self, inputs: Sequence[np.ndarray], n_jobs: int = 1,
                chunk: int = CHUNK) -> list[np.ndarray]:
        """Raw integer outputs for raw integer input columns: int64 arrays, or object arrays of
        Python ints for an output wider than 62 bits. ``n_jobs`` threads share the chunks."""
        n = len(inputs[0]) if inputs else 1
        columns = self._columns(inputs) if inputs else []
        outputs = [np.zeros(n, dtype=np.int64 if fmt.width <= FAST_WIDTH else object)
                   for fmt in self.output_formats]
        map_chunks(lambda start, stop: self._run_chunk(self._interpreter(), columns, start,
                                                       stop, outputs),
                   n, chunk if inputs else 1, n_jobs)
        return outputs

    def run_float(self, raw_inputs: Sequence[np.ndarray], n_jobs: int = 1) -> np.ndarray:
        """Outputs as float64, one column per output."""
        outs = self.run_raw(raw_inputs, n_jobs=n_jobs)
        cols = [fmt.to_float(o) for fmt, o in zip(self.output_formats, outs, strict=True)]
        return np.stack(cols, axis=1) if cols else np.zeros((0, 0))
