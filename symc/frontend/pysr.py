"""PySR's operators and literals, read as PySR's own sympy export reads them.

A PySR equation names operators that are not symc functions (``square``, ``cube``, ``neg``,
``inv``, ``relu``, ``sqrt_abs``, ...) and writes Julia float literals (``1.5f0``). Both
``symc.compile`` and ``symc.sr`` read equation text through :func:`parse_equation`: literals
are rewritten as PySR does, each operator becomes the arithmetic or the table it means (PySR's
``pysr/export_sympy.py`` mapping is the reference), and operators with no hardware form are
refused by name. A user function of the same name (``functions=``) wins.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from typing import cast

import sympy
from sympy.core.function import AppliedUndef

from symc.frontend.errors import ParseError, SymcError
from symc.frontend.parse import BUILTIN_FUNCTIONS, parse_expression

PYSR_OPERATORS: dict[str, tuple[int, Callable[..., sympy.Expr]]] = {
    "square": (1, lambda x: x**2),
    "cube": (1, lambda x: x**3),
    "neg": (1, lambda x: -x),
    "inv": (1, lambda x: 1 / x),
    "relu": (1, lambda x: sympy.Max(x, 0)),
    "sqrt_abs": (1, lambda x: sympy.sqrt(sympy.Abs(x))),
    "log_abs": (1, lambda x: sympy.log(sympy.Abs(x))),
    "log1p": (1, lambda x: sympy.log(x + 1)),
    "log1p_abs": (1, lambda x: sympy.log(sympy.Abs(x) + 1)),
    "log2": (1, lambda x: sympy.log(x) / sympy.log(2)),
    "log10": (1, lambda x: sympy.log(x) / sympy.log(10)),
    "log2_abs": (1, lambda x: sympy.log(sympy.Abs(x)) / sympy.log(2)),
    "log10_abs": (1, lambda x: sympy.log(sympy.Abs(x)) / sympy.log(10)),
    "safe_log": (1, lambda x: sympy.log(x)),
    "safe_sqrt": (1, lambda x: sympy.sqrt(x)),
    "plus": (2, lambda x, y: x + y),
    "sub": (2, lambda x, y: x - y),
    "mult": (2, lambda x, y: x * y),
    "div": (2, lambda x, y: x / y),
}
"""PySR operators symc builds from its own operations (PySR's sympy export is the reference)."""

PYSR_TABLE_FUNCTIONS: dict[str, str] = {
    "cosh": "(exp(x) + exp(-x))/2",
    "sinh": "(exp(x) - exp(-x))/2",
}
"""PySR operators that become one lookup table each, defined in symc's syntax."""

PYSR_UNSUPPORTED: dict[str, int] = {
    "sign": 1, "floor": 1, "ceil": 1, "round": 1, "gamma": 1, "erf": 1, "erfc": 1,
    "asin": 1, "acos": 1, "atan": 1, "asinh": 1, "acosh": 1, "acosh_abs": 1, "atanh": 1,
    "atanh_clip": 1, "mod": 2, "pow_abs": 2, "greater": 2, "cond": 2, "logical_or": 2,
    "logical_and": 2,
}
"""PySR operators with no hardware form in symc (discontinuous, or functions symc has no
definition of): refused by name."""

_JULIA_FLOAT = re.compile(r"(?<![A-Za-z0-9_.])(\d+\.?\d*|\.\d+)f([+-]?\d+)(?![A-Za-z0-9_])")
def julia_literals(text: str) -> str:
    """Julia float literals as Python reads them: ``1.5f0`` -> ``1.5e0``."""
    return _JULIA_FLOAT.sub(r"\1e\2", text)


def arities(functions: Mapping[str, str]) -> dict[str, int]:
    """Every callable name an equation may use: user functions, then PySR's operators."""
    names = {name: 1 for name in functions}
    for name, (arity, _) in PYSR_OPERATORS.items():
        names.setdefault(name, arity)
    for name, arity in PYSR_UNSUPPORTED.items():
        names.setdefault(name, arity)
    for name in PYSR_TABLE_FUNCTIONS:
        names.setdefault(name, 1)
    return names


def parse_equation(text: str, functions: Mapping[str, str] | None = None,
                   where: str | None = None, opaque: Collection[str] = ()) -> sympy.Expr:
    """One equation: Julia literals, PySR's operators, user functions (kept as calls), and
    the built-in functions named in ``opaque`` kept as calls too (see ``parse_expression``).

    A syntax error is a :class:`ParseError` (prefixed by ``where`` as a :class:`SymcError`
    when given); an operator with no hardware form is a :class:`SymcError` naming it.
    """
    user = dict(functions or {})
    try:
        expr = parse_expression(julia_literals(text), arities(user), opaque)
    except ParseError as exc:
        if exc.message.startswith("unknown function"):
            # The parser's hint would list PySR's operator names as user functions.
            hint = "supported: " + ", ".join(sorted(BUILTIN_FUNCTIONS))
            if user:
                hint += "; user functions: " + ", ".join(sorted(user))
            hint += ("; give a definition in x: functions={'NAME': 'sin(x)*cos(x)'} "
                     "(CLI: --function)")
            exc = ParseError(exc.text, exc.position, exc.message, hint)
        if where is None:
            raise exc from None
        raise SymcError(f"{where}: {exc}") from None
    prefix = f"{where}: " if where else ""
    for call in sorted(expr.atoms(AppliedUndef), key=str):
        name = type(call).__name__
        if name in user or name in opaque:
            continue
        if name in PYSR_UNSUPPORTED and PYSR_UNSUPPORTED[name] == 1:
            raise SymcError(
                f"{prefix}PySR's operator {name!r} has no hardware form in symc; give its "
                f"definition in x with functions={{{name!r}: '...'}} (+ - * / sin cos tan tanh "
                "exp log sqrt abs min max), or search without it")
        if name in PYSR_UNSUPPORTED:
            raise SymcError(
                f"{prefix}PySR's binary operator {name!r} has no hardware form in symc "
                "(user functions take one argument): search without it")

    def is_operator(e: object) -> bool:
        return (isinstance(e, AppliedUndef) and type(e).__name__ in PYSR_OPERATORS
                and type(e).__name__ not in user)

    return cast(sympy.Expr, expr.replace(
        is_operator, lambda e: PYSR_OPERATORS[type(e).__name__][1](*e.args)))


def table_functions(expr: sympy.Expr, functions: Mapping[str, str]) -> dict[str, str]:
    """PySR's table operators (``cosh``, ``sinh``) ``expr`` calls that ``functions`` does
    not define, with their definitions."""
    return {type(c).__name__: PYSR_TABLE_FUNCTIONS[type(c).__name__]
            for c in expr.atoms(AppliedUndef)
            if type(c).__name__ in PYSR_TABLE_FUNCTIONS and type(c).__name__ not in functions}
