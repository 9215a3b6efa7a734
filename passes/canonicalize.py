"""``sym-canonicalize``: simplify a real-valued kernel before it is given a hardware form.

The first pass after the frontend (``sym-canonicalize`` -> ``sym-range-analysis`` ->
``sym-approximate-lut`` -> ``sym-legalize-fixed``). It works on ``!sym.real`` values only and
leaves fixed-point ops untouched. To a fixed point, it

* folds ``add sub mul neg abs min max pow`` of constants in float64 (a result that is not a
  finite float64 is an error); ``sin``, ``cos``, ..., user functions of constants are folded
  only with ``fold_calls`` (to their value, correctly rounded to float64), which symc's driver
  sets; the functions named in ``keep_calls`` (hls4ml-indexed tables) are left to the table
  pass, which looks them up as hls4ml's ``sin_lut(0.3)`` does, so the design stays
  bit-comparable with hls4ml;
* turns a division by a constant into a product, ``a / c -> a * (1/c)`` (one multiplier, no
  divider), and rejects a division by the constant zero;
* applies the identities ``x*1 = x``, ``x*0 = 0``, ``x*(-1) = -x``, ``x+0 = x``, ``0-x = -x``,
  ``x-x = 0``, ``-(-x) = x``, ``|(|x|)| = |-x| = |x|``, ``min(x, x) = max(x, x) = x``,
  ``x**1 = x``;
* expands ``x**n`` into ``~log2(n)`` multiplications by repeated squaring;
* merges identical ops across the whole kernel (all outputs share), matching the operands of
  ``add mul min max`` in either order, and erases dead ops.

The output is deterministic: ops keep their block order, and CSE keeps the first of equals.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import cast

import sympy
from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Block, Operation, Region, SSAValue
from xdsl.pattern_rewriter import (
    GreedyRewritePatternApplier,
    PatternRewriter,
    PatternRewriterListener,
    PatternRewriteWalker,
    RewritePattern,
    op_type_rewrite_pattern,
)
from xdsl.traits import Pure

from symc.dialects.sym import (
    AbsOp,
    AddOp,
    ApplyOp,
    ConstOp,
    CosOp,
    DivOp,
    ElementaryOp,
    ExpOp,
    KernelOp,
    LogOp,
    MaxOp,
    MinOp,
    MulOp,
    NegOp,
    PowOp,
    RealType,
    SinOp,
    SqrtOp,
    SubOp,
    TanhOp,
    TanOp,
    location_suffix,
)
from symc.frontend.errors import SymcError
from symc.frontend.functions import X, definitions, inline
from symc.frontend.parse import parse_expression
from symc.passes import SymcPass
from symc.passes.approximate_lut import hls4ml_indexed, table_overrides

COMMUTATIVE = (AddOp, MulOp, MinOp, MaxOp)
"""Ops whose operands CSE matches in either order."""


def _is_real(op: Operation) -> bool:
    return all(isinstance(v.type, RealType) for v in (*op.operands, *op.results))


def _constant(value: SSAValue) -> float | None:
    """The value of a real ``sym.const``, or None for anything else."""
    owner = value.owner
    if isinstance(owner, ConstOp) and isinstance(owner.result.type, RealType):
        return owner.real_value
    return None


def _rounding(value: SSAValue) -> Fraction:
    """How far the real constant ``value`` may be from the exact number it stands for."""
    owner = value.owner
    if isinstance(owner, ConstOp):
        return owner.rounding
    return Fraction(0)


def _exact(op: Operation, args: list[Fraction]) -> Fraction:
    """``op`` on exact operands, exactly."""
    match op:
        case AddOp():
            return args[0] + args[1]
        case SubOp():
            return args[0] - args[1]
        case MulOp():
            return args[0] * args[1]
        case DivOp():
            return args[0] / args[1]
        case NegOp():
            return -args[0]
        case AbsOp():
            return abs(args[0])
        case MinOp():
            return min(args)
        case MaxOp():
            return max(args)
        case PowOp():
            return args[0] ** op.exponent.data
    raise AssertionError(op.name)


def _fold_rounding(op: Operation, value: float) -> Fraction:
    """The distance from ``value`` (``op``'s float64 result on its constant operands) to
    ``op``'s exact result on the exact numbers the operands stand for: the operands within
    their own roundings (every op here is monotone in each operand, but for a divisor or an
    even power across 0, which the corners and 0 cover)."""
    intervals = []
    for operand in op.operands:
        a, r = Fraction(_constant(operand)), _rounding(operand)  # type: ignore[arg-type]
        points = [a - r, a + r] if r else [a]
        if r and a - r < 0 < a + r:
            points.append(Fraction(0))
        intervals.append(points)
    corners: list[list[Fraction]] = [[]]
    for points in intervals:
        corners = [c + [p] for c in corners for p in points]
    exact = Fraction(value)
    worst = Fraction(0)
    for corner in corners:
        if isinstance(op, DivOp) and corner[1] == 0:
            continue  # a divisor of 0 is refused before folding
        worst = max(worst, abs(_exact(op, corner) - exact))
    return worst


def _rational(value: Fraction) -> sympy.Rational:
    return cast(sympy.Rational, sympy.Rational(value.numerator, value.denominator))


def _fold(rewriter: PatternRewriter, op: Operation, value: float, *args: float,
          rounding: Fraction | None = None) -> None:
    """Replace ``op`` by the constant ``value``, the float64 result of ``op`` on ``args``,
    with its distance to the exact result as ``rounding`` (computed for arithmetic ops)."""
    if not math.isfinite(value):
        operands = ", ".join(repr(a) for a in args)
        raise SymcError(
            f"constant folding {op.name} of ({operands}){location_suffix(op)} gives {value}, "
            "which is not a finite float64"
        )
    if rounding is None:
        rounding = _fold_rounding(op, value)
    rewriter.replace(op, ConstOp(value + 0.0, RealType(), rounding))  # -0.0 -> 0.0


def _forward(rewriter: PatternRewriter, op: Operation, value: SSAValue) -> None:
    """Replace ``op`` by an existing value."""
    rewriter.replace(op, [], [value])


class ConstPattern(RewritePattern):
    """``-0.0`` and ``0.0`` are the same real: keep one spelling so that CSE merges them."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: ConstOp, rewriter: PatternRewriter) -> None:
        value = _constant(op.result)
        if value is not None and value == 0.0 and math.copysign(1.0, value) < 0:
            rewriter.replace(op, ConstOp(0.0, RealType(), op.rounding))


class AddPattern(RewritePattern):
    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: AddOp, rewriter: PatternRewriter) -> None:
        if not _is_real(op):
            return
        a, b = _constant(op.lhs), _constant(op.rhs)
        if a is not None and b is not None:
            _fold(rewriter, op, a + b, a, b)
        elif b == 0.0:
            _forward(rewriter, op, op.lhs)
        elif a == 0.0:
            _forward(rewriter, op, op.rhs)
        elif isinstance(neg := op.rhs.owner, NegOp):
            # a + (-b) -> a - b: the same exact value, one operation on the path instead of two.
            rewriter.replace(op, SubOp(op.lhs, neg.operand))
        elif isinstance(neg := op.lhs.owner, NegOp):
            rewriter.replace(op, SubOp(op.rhs, neg.operand))


class SubPattern(RewritePattern):
    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: SubOp, rewriter: PatternRewriter) -> None:
        if not _is_real(op):
            return
        a, b = _constant(op.lhs), _constant(op.rhs)
        if a is not None and b is not None:
            _fold(rewriter, op, a - b, a, b)
        elif op.lhs is op.rhs:
            rewriter.replace(op, ConstOp(0.0, RealType()))
        elif b == 0.0:
            _forward(rewriter, op, op.lhs)
        elif a == 0.0:
            rewriter.replace(op, NegOp(op.rhs))
        elif isinstance(neg := op.rhs.owner, NegOp):
            rewriter.replace(op, AddOp(op.lhs, neg.operand))  # a - (-b) -> a + b


class MulPattern(RewritePattern):
    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: MulOp, rewriter: PatternRewriter) -> None:
        if not _is_real(op):
            return
        a, b = _constant(op.lhs), _constant(op.rhs)
        if a is not None and b is not None:
            _fold(rewriter, op, a * b, a, b)
            return
        # With at most one constant operand, name it c and the other x.
        c, x = (b, op.lhs) if b is not None else (a, op.rhs)
        if c == 1.0:
            _forward(rewriter, op, x)
        elif c == 0.0:
            rewriter.replace(op, ConstOp(0.0, RealType()))
        elif c == -1.0:
            rewriter.replace(op, NegOp(x))


class DivPattern(RewritePattern):
    """A division by a constant becomes a product; a division by a variable stays."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: DivOp, rewriter: PatternRewriter) -> None:
        if not _is_real(op):
            return
        a, b = _constant(op.lhs), _constant(op.rhs)
        if b is None:
            return
        if b == 0.0:
            raise SymcError(f"division by zero: {op.name} by the constant 0{location_suffix(op)}")
        if a is not None:
            _fold(rewriter, op, a / b, a, b)  # one rounding, not two
            return
        reciprocal = 1.0 / b
        if not math.isfinite(reciprocal):
            raise SymcError(
                f"{op.name} by the constant {b!r}{location_suffix(op)}: its reciprocal "
                "is not a finite float64"
            )
        r = _rounding(op.rhs)
        exact = Fraction(b)
        rounding = max(abs(1 / c - Fraction(reciprocal)) for c in (exact - r, exact + r))
        # unnamed: not the result
        recip = rewriter.insert(ConstOp(reciprocal, RealType(), rounding))
        rewriter.replace(op, MulOp(op.lhs, recip))


class NegPattern(RewritePattern):
    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: NegOp, rewriter: PatternRewriter) -> None:
        if not _is_real(op):
            return
        if (a := _constant(op.operand)) is not None:
            _fold(rewriter, op, -a, a)
        elif isinstance(inner := op.operand.owner, NegOp):
            _forward(rewriter, op, inner.operand)


class AbsPattern(RewritePattern):
    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: AbsOp, rewriter: PatternRewriter) -> None:
        if not _is_real(op):
            return
        inner = op.operand.owner
        if (a := _constant(op.operand)) is not None:
            _fold(rewriter, op, abs(a), a)
        elif isinstance(inner, AbsOp):
            _forward(rewriter, op, op.operand)
        elif isinstance(inner, NegOp):
            rewriter.replace(op, AbsOp(inner.operand))


class MinPattern(RewritePattern):
    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: MinOp, rewriter: PatternRewriter) -> None:
        if not _is_real(op):
            return
        a, b = _constant(op.lhs), _constant(op.rhs)
        if a is not None and b is not None:
            _fold(rewriter, op, min(a, b), a, b)
        elif op.lhs is op.rhs:
            _forward(rewriter, op, op.lhs)


class MaxPattern(RewritePattern):
    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: MaxOp, rewriter: PatternRewriter) -> None:
        if not _is_real(op):
            return
        a, b = _constant(op.lhs), _constant(op.rhs)
        if a is not None and b is not None:
            _fold(rewriter, op, max(a, b), a, b)
        elif op.lhs is op.rhs:
            _forward(rewriter, op, op.lhs)


@dataclass(frozen=True)
class PowPattern(RewritePattern):
    """``x**n`` -> products by repeated squaring: ``x**5 = (x*x)*(x*x) * x``, three multiplies."""

    max_exponent: int

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: PowOp, rewriter: PatternRewriter) -> None:
        n = op.exponent.data
        if (a := _constant(op.base)) is not None:
            try:
                value = a**n
            except OverflowError:
                value = math.inf
            _fold(rewriter, op, value, a)
            return
        if n == 1:
            _forward(rewriter, op, op.base)
            return
        if n > self.max_exponent:
            raise SymcError(
                f"{op.name} exponent {n} too large (max {self.max_exponent}){location_suffix(op)}: "
                f"a hardware value of x**{n} would need {n} times the bits of x"
            )
        # Intermediate products are inserted unnamed; only the last one takes the pow's name.
        squares: list[SSAValue] = [op.base]  # squares[k] is x**(2**k)
        for _ in range(n.bit_length() - 1):
            squares.append(rewriter.insert(MulOp(squares[-1], squares[-1])).result)
        result = squares[-1]
        for k in reversed(range(n.bit_length() - 1)):
            if n >> k & 1:
                result = rewriter.insert(MulOp(result, squares[k])).result
        rewriter.replace(op, [], [result])


def _cse_key(op: Operation, number: dict[SSAValue, int]) -> tuple[object, ...]:
    """What makes two ops equal: name, operands (unordered if commutative), properties,
    attributes and result types. Operands are named by their position in the block, so the
    key (and hence which op survives) does not depend on object identities."""
    operands = [number[v] for v in op.operands]
    if isinstance(op, COMMUTATIVE):
        operands.sort()
    # Two constants of one value are one constant, whatever their rounding bounds (the merge
    # keeps the larger: see _cse_block).
    attributes = {k: v for k, v in op.attributes.items()
                  if not (isinstance(op, ConstOp) and k == "rounding")}
    return (
        op.name,
        tuple(operands),
        tuple(sorted(op.properties.items())),
        tuple(sorted(attributes.items())),
        tuple(op.result_types),
    )


def _cse_block(block: Block) -> bool:
    """Merge identical real ops of a kernel body into the first of them; True if any merged."""
    number: dict[SSAValue, int] = {arg: i for i, arg in enumerate(block.args)}
    known: dict[tuple[object, ...], Operation] = {}
    changed = False
    for op in list(block.ops):
        if op.regions or op.successors or len(op.results) != 1 or not _is_real(op):
            number.update((r, len(number) + i) for i, r in enumerate(op.results))
            continue  # terminators, fixed-point ops: not ours to merge
        key = _cse_key(op, number)
        if (first := known.get(key)) is None:
            known[key] = op
            number[op.results[0]] = len(number)
            continue
        if isinstance(op, ConstOp) and isinstance(first, ConstOp) and (
                op.rounding > first.rounding):
            # The survivor stands for either number: it keeps the larger bound.
            first.attributes["rounding"] = op.attributes["rounding"]
        op.results[0].replace_all_uses_with(first.results[0])
        op.detach()
        op.erase()
        changed = True
    return changed


def _dce_block(block: Block) -> bool:
    """Erase the real ops of a kernel body that no output needs; True if any."""
    changed = False
    for op in reversed(list(block.ops)):  # users first, so a dead chain goes in one sweep
        if _is_real(op) and op.has_trait(Pure) and len(op.results) == 1 and not op.results[0].uses:
            op.detach()
            op.erase()
            changed = True
    return changed


def cse_and_dce(region: Region, listener: PatternRewriterListener) -> bool:
    """CSE, then DCE, over every kernel in ``region``; runs after each walk of the greedy
    rewriter (which repeats its walk while this reports a change)."""
    changed = False
    for op in region.walk():
        if isinstance(op, KernelOp):
            changed |= _cse_block(op.body.block)
            changed |= _dce_block(op.body.block)
    return changed


_SYMPY_OF = {SinOp: sympy.sin, CosOp: sympy.cos, TanOp: sympy.tan, TanhOp: sympy.tanh,
             ExpOp: sympy.exp, LogOp: sympy.log, SqrtOp: sympy.sqrt}


def call_name(op: Operation) -> str:
    """The function a call computes: ``sin`` for ``sym.sin``, a user function's own name."""
    if isinstance(op, ApplyOp):
        return op.function.data
    return op.name.removeprefix("sym.")


class CallOfConstantPattern(RewritePattern):
    """``sin(c)``, ``exp(c)``, ``f(c)`` (a user function) -> their value: evaluated by sympy
    with 30 significant digits, then rounded to float64 (never through a table)."""

    def __init__(self, keep: tuple[str, ...] = ()) -> None:
        self.keep = frozenset(keep)

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        if not (isinstance(op, ApplyOp) or type(op) in _SYMPY_OF) or not _is_real(op):
            return
        name = call_name(op)
        if name in self.keep:
            return
        arg = _constant(op.operands[0])
        if arg is None:
            return
        if isinstance(op, ApplyOp):
            known = definitions(None)
            body = inline(parse_expression(op.definition.data, {n: 1 for n in known}), known)

            def function(t: sympy.Expr) -> sympy.Expr:
                return cast(sympy.Expr, body.xreplace({X: t}))
        else:
            function = _SYMPY_OF[type(op)]
        value = function(sympy.Float(arg, 30)).evalf(30)  # a float64 is exact in 30 digits
        if not value.is_real or not value.is_finite:
            raise SymcError(f"{name}({arg!r}){location_suffix(op)} is not a finite real number")
        result = float(value)
        # The rounding: float64's, 30 digits' (a relative 1e-28 covers it), and the argument's
        # own, through the function (at the ends of its interval: it is that tiny).
        r = _rounding(op.operands[0])
        points = [value] + [function(_rational(Fraction(arg) + d)).evalf(30)
                            for d in ((-r, r) if r else ())]
        rounding = max(abs(Fraction(str(p)) - Fraction(result)) for p in points if p.is_real)
        _fold(rewriter, op, result, arg, rounding=rounding + abs(Fraction(result)) / 10**28)


@dataclass(frozen=True)
class SymCanonicalizePass(SymcPass):
    """Fold constants, apply identities, expand powers and share common subexpressions."""

    name = "sym-canonicalize"

    max_exponent: int = 64
    """Largest ``sym.pow`` exponent accepted: ``x**n`` needs ``n`` times the bits of ``x``."""

    fold_calls: bool = False
    """Fold functions of constants to their values; otherwise they stay table reads."""

    keep_calls: tuple[str, ...] = ()
    """With ``fold_calls``, the functions (``sin``, a user function's name) whose calls of
    constants still stay table reads: those read through hls4ml-indexed tables, as hls4ml
    computes them at run time."""

    tables: str = ""
    """``sym-approximate-lut``'s table settings (JSON); with ``fold_calls``, the calls of the
    functions whose tables they give hls4ml's indexing stay too, as with ``keep_calls``."""

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        keep = self.keep_calls
        if self.fold_calls and self.tables:
            called = {call_name(o) for o in op.walk() if isinstance(o, ElementaryOp | ApplyOp)}
            keep = tuple(sorted({*keep, *hls4ml_indexed(table_overrides(self.tables), called)}))
        patterns: list[RewritePattern] = [
            ConstPattern(),
            AddPattern(),
            SubPattern(),
            MulPattern(),
            DivPattern(),
            NegPattern(),
            AbsPattern(),
            MinPattern(),
            MaxPattern(),
            PowPattern(self.max_exponent),
            *([CallOfConstantPattern(keep)] if self.fold_calls else []),
        ]
        walker = PatternRewriteWalker(
            GreedyRewritePatternApplier(patterns, dce_enabled=False),  # DCE: real ops only
            post_walk_func=cse_and_dce,
        )
        walker.rewrite_module(op)
