"""From sympy expressions to a ``sym.kernel``: the entry into the IR.

One kernel output per expression; shared subexpressions (equal sympy nodes) become one SSA
value. The translation is structural, with two rewrites that only choose better ops:
``a + (-c)*b`` becomes ``a - c*b`` and ``a * b**-n`` becomes ``a / b**n``. Constants keep the
sign with which sympy's C++ printer writes them (what hls4ml compiles): a number alone in a sum
keeps its sign (``x - 0.5`` adds ``T(-0.5)``), a negative coefficient is a minus sign and a
magnitude (``x - 0.3*y`` subtracts ``T(0.3)*y``), so that a design quantizes the same constants
as the HLS code hls4ml prints for the same expression. Anything sympy can
express that symc cannot compile (a non-integer power, an unsupported function, NaN) is an error
naming the offending subexpression.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction

import sympy
from sympy.core.function import AppliedUndef
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Block, Operation, SSAValue

from symc.dialects import sym
from symc.frontend.errors import SymcError

ELEMENTARY: dict[type, type[sym.UnarySymOp]] = {
    sympy.sin: sym.SinOp,
    sympy.cos: sym.CosOp,
    sympy.tan: sym.TanOp,
    sympy.tanh: sym.TanhOp,
    sympy.exp: sym.ExpOp,
    sympy.log: sym.LogOp,
}

TABLE_BUILTINS: dict[str, type[sym.UnarySymOp]] = {
    **{func.__name__: op for func, op in ELEMENTARY.items()}, "sqrt": sym.SqrtOp}
"""Built-in functions computed by tables, by name: an undefined sympy function of one of these
names (not a user function) is a call sympy was kept from rewriting, lowered to the op."""

SUPPORTED_FUNCTIONS = (
    "abs", "cos", "exp", "log", "max", "min", "sigmoid", "sin", "sqrt", "tan", "tanh",
)



def fraction_factors(expr: sympy.Mul) -> tuple[list[sympy.Expr], list[sympy.Expr]]:
    """A product's factors as symc builds them: the numerator's, and the denominator's (each
    ``b**-n`` of a symbolic ``b`` as ``b**n``, divided by)."""
    numerator: list[sympy.Expr] = []
    denominator: list[sympy.Expr] = []
    for factor in expr.args:
        base, exponent = factor.as_base_exp()
        if exponent.is_Integer and exponent < 0 and not factor.is_Number:
            denominator.append(base ** (-exponent))
        else:
            numerator.append(factor)
    return numerator, denominator

class _Builder:
    def __init__(self, block: Block, symbols: dict[str, SSAValue],
                 functions: dict[str, str] | None = None):
        self.block = block
        self.symbols = symbols
        self.functions = functions or {}
        self.memo: dict[sympy.Basic, SSAValue] = {}

    def emit(self, op: Operation) -> SSAValue:
        self.block.add_op(op)
        return op.results[0]

    def const(self, value: float) -> SSAValue:
        return self.emit(sym.ConstOp(value, sym.RealType()))

    def value(self, expr: sympy.Basic) -> SSAValue:
        if expr in self.memo:
            return self.memo[expr]
        result = self._lower(expr)
        self.memo[expr] = result
        return result

    def _number(self, expr: sympy.Basic) -> float:
        if expr.is_real is False or expr in (sympy.nan, sympy.zoo, sympy.oo, -sympy.oo):
            raise SymcError(f"constant {expr} is not a finite real number")
        try:
            value = float(expr)  # pyright: ignore[reportArgumentType]  (a number: raises if not)
        except (TypeError, OverflowError) as exc:
            raise SymcError(f"constant {expr} is not a finite real number") from exc
        if not math.isfinite(value):
            raise SymcError(f"constant {expr} does not fit a float64")
        return value

    def _lower(self, expr: sympy.Basic) -> SSAValue:
        if expr in (sympy.nan, sympy.zoo, sympy.oo, -sympy.oo):
            raise SymcError(f"constant {expr} is not a finite real number (a division by zero?)")
        if isinstance(expr, sympy.Symbol):
            if expr.name not in self.symbols:
                raise SymcError(
                    f"undeclared symbol {expr.name!r}; declared inputs: "
                    f"{', '.join(self.symbols) or '(none)'}"
                )
            return self.symbols[expr.name]
        if expr.is_Number or expr in (sympy.pi, sympy.E) or isinstance(expr, sympy.NumberSymbol):
            value = self._number(expr)
            if isinstance(expr, sympy.Float) or (isinstance(expr, sympy.Rational) and Fraction(
                    value) == Fraction(int(expr.p), int(expr.q))):
                return self.const(value)
            # 1/3, pi: float64 rounds them; the constant says by how much (40 digits, and a
            # relative 1e-30 for the last of them).
            distance = abs(sympy.N(expr - sympy.Rational(value), 40))
            rounding = Fraction(str(distance)) + abs(Fraction(value)) / 10**30
            return self.emit(sym.ConstOp(value, sym.RealType(), rounding))
        if isinstance(expr, sympy.Add):
            return self._add(expr)
        if isinstance(expr, sympy.Mul):
            return self._mul(expr)
        if isinstance(expr, sympy.Pow):
            return self._pow(expr)
        if isinstance(expr, sympy.re):
            # Every value is real: sympy writes |exp(x)| as exp(re(x)) for a plain symbol.
            return self.value(expr.args[0])
        if isinstance(expr, sympy.im):
            return self.const(0.0)
        if isinstance(expr, sympy.Abs):
            return self.emit(sym.AbsOp(self.value(expr.args[0])))
        if isinstance(expr, sympy.Min | sympy.Max):
            op_class = sym.MinOp if isinstance(expr, sympy.Min) else sym.MaxOp
            acc = self.value(expr.args[0])
            for arg in expr.args[1:]:
                acc = self.emit(op_class(acc, self.value(arg)))
            return acc
        for func, op_class in ELEMENTARY.items():
            if isinstance(expr, func):
                return self.emit(op_class(self.value(expr.args[0])))
        if (isinstance(expr, AppliedUndef) and type(expr).__name__ in TABLE_BUILTINS
                and type(expr).__name__ not in self.functions and len(expr.args) == 1):
            return self.emit(TABLE_BUILTINS[type(expr).__name__](self.value(expr.args[0])))
        if isinstance(expr, AppliedUndef) and type(expr).__name__ in self.functions:
            name = type(expr).__name__
            if len(expr.args) != 1:
                raise SymcError(f"{name} takes one argument, not {len(expr.args)}")
            return self.emit(sym.ApplyOp(self.value(expr.args[0]), name, self.functions[name]))
        if isinstance(expr, sympy.Function):
            raise SymcError(
                f"unknown function {type(expr).__name__!r} in {expr}; "
                f"supported: {', '.join(SUPPORTED_FUNCTIONS)}"
            )
        raise SymcError(f"cannot compile {expr} ({type(expr).__name__})")

    def _add(self, expr: sympy.Add) -> SSAValue:
        # Constants keep the sign with which a C/HLS printer writes them (what hls4ml compiles):
        # a number standing alone in a sum is added as is (``x - 0.5`` is ``x + T(-0.5)``),
        # while a negative coefficient becomes a subtraction of its magnitude (``x - 0.3*y`` is
        # ``x - T(0.3)*y``). Once quantized the two differ: AP_TRN of -0.3 is not -(AP_TRN 0.3).
        positive: list[sympy.Expr] = []
        negative: list[sympy.Expr] = []
        numbers: list[sympy.Expr] = []
        for term in expr.args:
            coeff, rest = term.as_coeff_Mul()
            if term.is_Number:
                numbers.append(term)
            elif coeff.is_Number and coeff < 0:
                negative.append(-coeff * rest)
            else:
                positive.append(term)
        acc = self.value(positive[0]) if positive else None
        for term in positive[1:]:
            acc = self.emit(sym.AddOp(acc, self.value(term)))  # type: ignore[arg-type]
        for term in negative:
            val = self.value(term)
            acc = self.emit(sym.NegOp(val)) if acc is None else self.emit(sym.SubOp(acc, val))
        for term in numbers:
            val = self.value(term)
            acc = val if acc is None else self.emit(sym.AddOp(acc, val))
        assert acc is not None
        return acc

    def _mul(self, expr: sympy.Mul) -> SSAValue:
        coeff, rest = expr.as_coeff_Mul()
        if coeff.is_Number and coeff < 0:
            # ``-2.5*x`` prints as ``-T(2.5)*x``: the magnitude is the constant.
            return self.emit(sym.NegOp(self.value(-coeff * rest)))
        numerator, denominator = fraction_factors(expr)
        acc = self.value(numerator[0]) if numerator else self.const(1.0)
        for factor in numerator[1:]:
            acc = self.emit(sym.MulOp(acc, self.value(factor)))
        for factor in denominator:
            acc = self.emit(sym.DivOp(acc, self.value(factor)))
        return acc

    def _pow(self, expr: sympy.Pow) -> SSAValue:
        base, exponent = expr.args
        if exponent == sympy.Rational(1, 2):
            return self.emit(sym.SqrtOp(self.value(base)))
        if not exponent.is_Integer:
            raise SymcError(
                f"non-integer power {expr}: only integer exponents (and sqrt) are supported"
            )
        n = int(exponent)
        if n == 0:
            return self.const(1.0)
        if n < 0:
            return self.emit(sym.DivOp(self.const(1.0), self.value(base ** (-n))))
        if n == 1:
            return self.value(base)
        return self.emit(sym.PowOp(self.value(base), n))


def build_module(
    exprs: Sequence[sympy.Expr],
    inputs: Sequence[str],
    input_ports: Sequence[str],
    output_ports: Sequence[str],
    ranges: Sequence[tuple[float, float]] | None,
    name: str,
    functions: dict[str, str] | None = None,
) -> ModuleOp:
    """A module holding one real-valued ``sym.kernel`` computing ``exprs``.

    ``inputs`` are the user's symbol names; ``input_ports`` the (possibly renamed) port names,
    in the same order. ``functions`` maps user function names to their definitions (text in
    ``x``): their calls become ``sym.apply``.
    """
    kernel = sym.KernelOp(
        name,
        [(port, sym.RealType()) for port in input_ports],
        list(output_ports),
        ranges=ranges,
    )
    block = kernel.body.block
    builder = _Builder(block, dict(zip(inputs, block.args, strict=True)), functions)
    outputs = [builder.value(expr) for expr in exprs]
    block.add_op(sym.OutputOp(outputs))
    return ModuleOp([kernel])
