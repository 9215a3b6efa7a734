"""User-defined unary functions (PySR's custom operators, such as ``sc(x) = sin(x)*cos(x)``).

``symc.compile(..., functions={"sc": "sin(x)*cos(x)"})`` or, in the shape of PySR's
``extra_sympy_mappings``, ``functions={"sc": lambda x: sympy.sin(x)*sympy.cos(x)}``. Each
definition is a function of ``x``; a string goes through the whitelist parser, a callable is
called once with the symbol ``x`` and must return a sympy expression. A definition is kept as
text in symc's own syntax (``sym.apply`` carries it), so ``symc-opt`` can rebuild its table.

``sigmoid(x) = 1/(1 + exp(-x))`` is predefined.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, cast

import sympy
from sympy.core.function import AppliedUndef
from sympy.printing.str import StrPrinter

from symc.frontend.errors import SymcError
from symc.frontend.names import IDENTIFIER
from symc.frontend.parse import BUILTIN_FUNCTIONS, UNARY_FUNCTIONS, parse_expression

X = sympy.Symbol("x")

PREDEFINED = {"sigmoid": "1/(1 + exp(-x))"}

Definition = str | Callable[[sympy.Symbol], Any]


class _SymcPrinter(StrPrinter):
    """Prints sympy in the syntax symc's parser reads (``abs``, ``min``, ``max``)."""

    def _print_Abs(self, expr: sympy.Abs) -> str:
        return f"abs({self._print(expr.args[0])})"

    def _print_Min(self, expr: sympy.Min) -> str:
        return "min(" + ", ".join(self._print(a) for a in expr.args) + ")"

    def _print_Max(self, expr: sympy.Max) -> str:
        return "max(" + ", ".join(self._print(a) for a in expr.args) + ")"

    def _print_Float(self, expr: sympy.Float) -> str:
        return repr(float(expr))


def to_text(expr: sympy.Expr) -> str:
    """``expr`` as text symc's parser reads back to the same function."""
    return _SymcPrinter().doprint(expr)


def definitions(functions: Mapping[str, Definition] | None) -> dict[str, str]:
    """Name -> definition text (in ``x``), the predefined ones included; validated."""
    result = dict(PREDEFINED)
    if functions is None:
        return result
    if not isinstance(functions, Mapping):
        raise SymcError("functions must map names to definitions (a string or a callable)")
    for name, definition in functions.items():
        if not isinstance(name, str) or not IDENTIFIER.match(name):
            raise SymcError(f"invalid function name {name!r}")
        if name in BUILTIN_FUNCTIONS:
            raise SymcError(f"{name!r} is a built-in function and cannot be redefined")
        if isinstance(definition, str):
            expr = parse_expression(definition, {n: 1 for n in result if n != name})
        elif callable(definition):
            try:
                expr = definition(X)
            except Exception as exc:  # a user callable: report whatever it raised
                raise SymcError(f"the definition of {name!r} failed on a symbol: {exc}") from exc
            if not isinstance(expr, sympy.Expr):
                raise SymcError(f"the definition of {name!r} must return a sympy expression")
        else:
            raise SymcError(f"the definition of {name!r} must be a string or a callable")
        stray = expr.free_symbols - {X}
        if stray:
            raise SymcError(
                f"the definition of {name!r} may only use x, not "
                f"{', '.join(sorted(str(s) for s in stray))}"
            )
        result[name] = to_text(_inline(expr, result))
    return result


def _inline(expr: sympy.Expr, known: Mapping[str, str]) -> sympy.Expr:
    """``expr`` with calls of the functions in ``known`` replaced by their definitions."""

    def is_call(e: Any) -> bool:
        return isinstance(e, AppliedUndef) and type(e).__name__ in known

    def expand(e: AppliedUndef) -> sympy.Expr:
        name = type(e).__name__
        if len(e.args) != 1:
            raise SymcError(f"{name} takes one argument, not {len(e.args)}")
        body = parse_expression(known[name], {n: 1 for n in known if n != name})
        return cast(sympy.Expr, _inline(body, known).xreplace({X: e.args[0]}))

    return cast(sympy.Expr, expr.replace(is_call, expand))


def inline(expr: sympy.Expr, known: Mapping[str, str]) -> sympy.Expr:
    """Every user function call in ``expr`` replaced by its definition."""
    return _inline(expr, known)


def reveal(expr: sympy.Expr) -> sympy.Expr:
    """``expr`` with built-in functions kept as undefined calls (``parse_expression``'s
    ``opaque``) made sympy's functions again: the real-valued expression they compute."""

    def is_opaque(e: Any) -> bool:
        return isinstance(e, AppliedUndef) and type(e).__name__ in UNARY_FUNCTIONS

    return cast(sympy.Expr,
                expr.replace(is_opaque, lambda e: UNARY_FUNCTIONS[type(e).__name__](*e.args)))


def check_calls(expr: sympy.Expr, known: Mapping[str, str]) -> None:
    """Every undefined function called in ``expr`` must be known and unary."""
    for call in expr.atoms(AppliedUndef):
        name = type(call).__name__
        if name not in known:
            raise SymcError(
                f"unknown function {name!r}: define it with functions={{{name!r}: ...}}"
            )
        if len(call.args) != 1:
            raise SymcError(f"{name} takes one argument, not {len(call.args)}")
