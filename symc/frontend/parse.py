"""Expression strings to sympy: the first stage of the flow, before `symc.frontend.lower`.

Expression text comes from users and from tools such as PySR, so it is parsed by a whitelist
grammar and never handed to `eval`, `sympify` or `parse_expr` (which run Python code). Grammar::

    expression := term (('+' | '-') term)*
    term       := unary (('*' | '/') unary)*
    unary      := ('+' | '-')* primary (('**' | '^') unary)?
    primary    := number | name | name '(' [expression (',' expression)*] ')' | '(' expression ')'

`^` is a synonym of `**` because PySR writes powers that way. As in Python, `**` binds tighter
than a unary sign on its left and is right-associative: `-x**2` is `-(x**2)`, `2**3**2` is
`2**9`, and an exponent may carry a sign (`x**-2`).

Names become plain `sympy.Symbol(name)` (no assumptions, so they compare equal to the symbols
other stages build); no name is a constant, so an input may be called `e` or `pi`. Integers
become `sympy.Integer`; any other number becomes the `sympy.Float` of the float64 nearest to its
text. Function applications are built with `evaluate=False`, so `sin(-0.75)` stays a `sin`
rather than turning into a float of sympy's choosing. Arithmetic is evaluated normally, with
`a - b` as `a + (-b)` and `a / b` as `a * b**-1`. Sums are built n-ary (`sympy.Add(*terms)`),
because folding 10 000 terms one by one takes sympy minutes and gives the same sum; products
fold left as Python's `*` does, because sympy distributes a number over a sum only in a
two-factor product, and that form decides which constants get quantized.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import contextmanager
from typing import NamedTuple

import sympy

from symc.frontend.errors import ParseError

MAX_LENGTH = 100_000
"""Longest accepted text, in characters."""

MAX_DEPTH = 200
"""Deepest accepted nesting of parentheses, function calls and exponents. The parser recurses at
most four Python frames per level, so this stays below Python's default limit of 1000 frames
and a hostile text gets a `ParseError` instead of a `RecursionError`."""

MAX_CONSTANT_BITS = 10_000
"""Largest exact constant (log2 of numerator plus denominator) that sympy may compute. `9**9**9`
is seven characters but a 1.2-gigabit integer; anything this large is a mistake in an FPGA
design, and computing it would hang the compiler."""

MAX_INTEGER_DIGITS = 3_000
"""Longest integer literal: about `MAX_CONSTANT_BITS`, and below Python's 4300-digit limit."""

UNARY_FUNCTIONS: dict[str, Callable[..., sympy.Expr]] = {
    "abs": sympy.Abs,
    "cos": sympy.cos,
    "exp": sympy.exp,
    "log": sympy.log,
    "sin": sympy.sin,
    "sqrt": sympy.sqrt,
    "tan": sympy.tan,
    "tanh": sympy.tanh,
}
VARIADIC_FUNCTIONS: dict[str, Callable[..., sympy.Expr]] = {"max": sympy.Max, "min": sympy.Min}
"""Functions of two or more arguments."""

BUILTIN_FUNCTIONS = frozenset({*UNARY_FUNCTIONS, *VARIADIC_FUNCTIONS, "pow"})
"""Every function name the parser knows; `pow(a, b)` means exactly `a**b`."""

_NUMBER = re.compile(r"(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# A number running into letters, digits or dots (`2x`, `1e`, `1.2.3`) is one malformed number.
_NUMBER_TAIL = re.compile(r"[A-Za-z0-9_.]+")
_OPERATORS = ("**", "+", "-", "*", "/", "^", "(", ")", ",")
_WHITESPACE = " \t\r\n\f\v"
_NON_FINITE = (sympy.nan, sympy.zoo, sympy.oo, -sympy.oo)


class _Token(NamedTuple):
    kind: str  # "number", "name", "operator" or "end"
    text: str
    position: int


def parse_expression(text: str, functions: Mapping[str, int] | None = None,
                     opaque: Collection[str] = ()) -> sympy.Expr:
    """Parse `text` into a sympy expression, or raise `ParseError` pointing at the problem.

    `functions` maps names of user-defined functions to their arity; a call `f(a, b)` becomes
    the undefined function `sympy.Function("f")(a, b)`, for a later stage to substitute.
    Calls of the built-in unary functions named in `opaque` become undefined functions of the
    same name too, which sympy does not rewrite (`exp(x)**2` stays the square of a call).
    Raises `ValueError` if `functions` itself is malformed (a programming error, not user text).
    """
    if not isinstance(text, str):
        raise TypeError(f"expression text must be a str, not {type(text).__name__}")
    user_functions = dict(functions or {})
    _check_user_functions(user_functions)
    if len(text) > MAX_LENGTH:
        raise ParseError(text, MAX_LENGTH, f"expression longer than {MAX_LENGTH} characters")
    return _Parser(text, user_functions, frozenset(opaque)).parse()


def _check_user_functions(functions: dict[str, int]) -> None:
    for name, arity in functions.items():
        if not isinstance(name, str) or not _NAME.fullmatch(name):
            raise ValueError(f"user function name {name!r} is not an identifier")
        if name in BUILTIN_FUNCTIONS or _is_non_finite_name(name):
            raise ValueError(f"user function {name!r} would shadow a built-in name")
        if isinstance(arity, bool) or not isinstance(arity, int) or arity < 0:
            raise ValueError(f"user function {name!r}: arity must be an int >= 0, not {arity!r}")


def _is_non_finite_name(name: str) -> bool:
    # Names that float() or sympy read as infinities or NaN; as symbols they would only confuse.
    return name.lower() in ("nan", "inf", "infinity") or name in ("oo", "zoo")


def _tokens(text: str) -> Iterator[_Token]:
    """Yield the tokens of `text` lazily, so errors surface in reading order."""
    position = 0
    while position < len(text):
        char = text[position]
        if char in _WHITESPACE:
            position += 1
            continue
        operator = next((op for op in _OPERATORS if text.startswith(op, position)), None)
        if operator:
            yield _Token("operator", operator, position)
            position += len(operator)
            continue
        if number := _NUMBER.match(text, position):
            if tail := _NUMBER_TAIL.match(text, number.end()):
                malformed = text[position : tail.end()]
                raise ParseError(text, position, f"malformed number {malformed!r}")
            yield _Token("number", number.group(), position)
            position = number.end()
            continue
        if name := _NAME.match(text, position):
            yield _Token("name", name.group(), position)
            position = name.end()
            continue
        raise ParseError(text, position, f"unexpected character {char!r}")
    yield _Token("end", "", len(text))


class _Parser:
    """Recursive descent over `_tokens`, one token of lookahead in `self._token`."""

    def __init__(self, text: str, functions: dict[str, int],
                 opaque: frozenset[str] = frozenset()) -> None:
        self._text = text
        self._functions = functions
        self._opaque = opaque
        self._tokens = _tokens(text)
        self._token = next(self._tokens)
        self._depth = 0

    def parse(self) -> sympy.Expr:
        if self._token.kind == "end":
            raise self._error(0, "empty expression")
        expression = self._expression()
        if self._token.kind != "end":
            raise self._unexpected()
        return expression

    # --- grammar -------------------------------------------------------------------------

    def _expression(self) -> sympy.Expr:
        # Sums and products share one function: one Python frame less per nesting level.
        # Positions (operand start, else its operator) locate a "constant too large" error.
        terms: list[sympy.Expr] = []
        term_positions = [self._token.position]
        negative = False
        while True:
            factor_positions = [self._token.position]
            factors = [self._unary()]
            while self._at("*", "/"):
                operator = self._advance()
                factor = self._unary()
                if operator.text == "/":
                    factor = self._power(factor, sympy.Integer(-1), operator.position)
                factors.append(factor)
                factor_positions.append(operator.position)
            term = self._combine(sympy.Mul, factors, factor_positions)
            terms.append(-term if negative else term)
            if not self._at("+", "-"):
                return self._combine(sympy.Add, terms, term_positions)
            sign = self._advance()
            negative = sign.text == "-"
            term_positions.append(sign.position)

    def _unary(self) -> sympy.Expr:
        negative = False
        while self._at("+", "-"):
            negative ^= self._advance().text == "-"
        value = self._primary()
        if self._at("**", "^"):
            operator = self._advance()
            with self._nested(operator.position):
                exponent = self._unary()
            value = self._power(value, exponent, operator.position)
        return -value if negative else value

    def _primary(self) -> sympy.Expr:
        token = self._token
        if token.kind == "number":
            self._advance()
            return self._number(token)
        if token.kind == "name":
            self._advance()
            if self._at("("):
                return self._call(token)
            return self._symbol(token)
        if self._at("("):
            self._advance()
            with self._nested(token.position):
                value = self._expression()
            self._close(token)
            return value
        if token.kind == "end":
            raise self._error(token.position, "missing operand")
        raise self._error(token.position, f"missing operand before {token.text!r}")

    def _call(self, name: _Token) -> sympy.Expr:
        arity = self._functions.get(name.text)
        if arity is None and name.text not in BUILTIN_FUNCTIONS:
            raise self._error(name.position, f"unknown function {name.text!r}", self._supported())
        parenthesis = self._advance()
        arguments: list[sympy.Expr] = []
        with self._nested(parenthesis.position):
            if not self._at(")"):
                arguments.append(self._expression())
            while self._at(","):
                self._advance()
                arguments.append(self._expression())
        self._close(parenthesis)
        count = len(arguments)
        if arity is not None:
            self._check_arity(name, count, arity, exact=True)
            return sympy.Function(name.text)(*arguments)
        if name.text in UNARY_FUNCTIONS:
            self._check_arity(name, count, 1, exact=True)
            if name.text in self._opaque:
                return sympy.Function(name.text)(arguments[0])
            return UNARY_FUNCTIONS[name.text](arguments[0], evaluate=False)
        if name.text in VARIADIC_FUNCTIONS:
            self._check_arity(name, count, 2, exact=False)
            return VARIADIC_FUNCTIONS[name.text](*arguments, evaluate=False)
        self._check_arity(name, count, 2, exact=True)
        return self._power(arguments[0], arguments[1], name.position)

    # --- leaves --------------------------------------------------------------------------

    def _number(self, token: _Token) -> sympy.Expr:
        if token.text.isdigit():
            if len(token.text) > MAX_INTEGER_DIGITS:
                raise self._error(
                    token.position, f"integer longer than {MAX_INTEGER_DIGITS} digits"
                )
            return sympy.Integer(int(token.text))
        value = float(token.text)  # round-to-nearest float64, exactly as Python reads it
        if not math.isfinite(value):
            raise self._error(token.position, f"number {token.text!r} overflows float64")
        return sympy.Float(value)

    def _symbol(self, name: _Token) -> sympy.Expr:
        if _is_non_finite_name(name.text):
            raise self._error(name.position, f"{name.text!r} is not a finite number")
        if name.text in BUILTIN_FUNCTIONS or name.text in self._functions:
            raise self._error(
                name.position, f"{name.text!r} is a function; call it as {name.text}(...)"
            )
        return sympy.Symbol(name.text)

    # --- evaluation guards ---------------------------------------------------------------

    def _power(self, base: sympy.Expr, exponent: sympy.Expr, position: int) -> sympy.Expr:
        if isinstance(exponent, sympy.Float) and float(2 * exponent).is_integer():
            # `x**2.0` (Julia prints floats so) is the integer power, `x**0.5` the square root.
            exponent = sympy.Rational(int(2 * exponent), 2)
        size = _power_base_size(base)
        if size > 0 and exponent.is_Rational and abs(exponent) > MAX_CONSTANT_BITS / size:
            raise self._error(position, "constant too large to compute exactly")
        result = sympy.Pow(base, exponent)
        if result in _NON_FINITE:
            raise self._error(position, "division by zero")
        return result

    def _combine(
        self, make: Callable[..., sympy.Expr], operands: list[sympy.Expr], positions: list[int]
    ) -> sympy.Expr:
        """`make(*operands)`, checking that the exact constants it folds stay small and that
        the result is finite. `positions` locate each operand (its operator after the first)."""
        if len(operands) == 1:
            return operands[0]
        size = 0.0
        for operand, position in zip(operands, positions, strict=True):
            size += _operand_size(operand)
            if size > MAX_CONSTANT_BITS:
                raise self._error(position, "constant too large to compute exactly")
        if make is sympy.Mul:
            # Products fold left, one factor at a time, as Python's `*` builds them: sympy
            # distributes a number over a sum only in a two-factor product
            # (`0.5*(x - 1)*y` is `(0.5*x - 0.5)*y`), and PySR, hls4ml and every sympy user
            # get that form, whose constants are the ones that get quantized.
            # Only a number times a sum distributes, so once the running product is neither,
            # the rest folds in one n-ary step (the same result, in linear time).
            result, rest = operands[0], 1
            while rest < len(operands) and (result.is_Number or result.is_Add):
                result = sympy.Mul(result, operands[rest])
                rest += 1
            if rest < len(operands):
                result = sympy.Mul(result, *operands[rest:])
        else:
            result = make(*operands)
        # sympy knows log(0) is infinite, so `0 * log(0)` evaluates to nan.
        if result in _NON_FINITE or any(arg in _NON_FINITE for arg in result.args):
            raise self._error(positions[1], "undefined result (zero times infinity)")
        return result

    # --- token and error plumbing --------------------------------------------------------

    def _at(self, *operators: str) -> bool:
        return self._token.kind == "operator" and self._token.text in operators

    def _advance(self) -> _Token:
        token = self._token
        self._token = next(self._tokens)
        return token

    def _close(self, parenthesis: _Token) -> None:
        if self._at(")"):
            self._advance()
            return
        if self._token.kind == "end":
            raise self._error(parenthesis.position, "unclosed '('")
        raise self._unexpected()

    @contextmanager
    def _nested(self, position: int) -> Iterator[None]:
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise self._error(position, f"too deeply nested (more than {MAX_DEPTH} levels)")
        yield
        self._depth -= 1

    def _check_arity(self, name: _Token, count: int, arity: int, *, exact: bool) -> None:
        if count == arity or (count > arity and not exact):
            return
        plural = "" if arity == 1 else "s"
        quantity = f"{arity}" if exact else f"at least {arity}"
        raise self._error(
            name.position, f"{name.text}() takes {quantity} argument{plural}, got {count}"
        )

    def _supported(self) -> str:
        hint = "supported: " + ", ".join(sorted(BUILTIN_FUNCTIONS))
        if self._functions:
            hint += "; user functions: " + ", ".join(sorted(self._functions))
        return hint

    def _unexpected(self) -> ParseError:
        """The error for a token where an operator, ')' or the end was expected."""
        token = self._token
        if token.kind in ("number", "name") or token.text == "(":
            return self._error(token.position, f"missing operator before {token.text!r}")
        return self._error(token.position, f"unexpected {token.text!r}")

    def _error(self, position: int, message: str, hint: str | None = None) -> ParseError:
        return ParseError(self._text, position, message, hint)


def _exact_size(value: sympy.Basic) -> float:
    """log2 of the integers sympy computes if it folds `value` into a bigger constant, else 0."""
    if isinstance(value, sympy.Rational):
        return math.log2(abs(value.p) or 1) + math.log2(value.q)
    if isinstance(value, sympy.Pow) and isinstance(value.exp, sympy.Rational):
        # sqrt(3) * sqrt(3) * ... folds into a power of 3, so it counts as half a 3.
        base_size = _exact_size(value.base) if isinstance(value.base, sympy.Rational) else 0.0
        return base_size * float(abs(value.exp)) if base_size else 0.0
    return 0.0


def _operand_size(value: sympy.Basic) -> float:
    """`_exact_size` of the constants `Add`/`Mul` fold when `value` is one of their operands."""
    if isinstance(value, sympy.Add | sympy.Mul):
        return math.fsum(_exact_size(arg) for arg in value.args)
    return _exact_size(value)


def _power_base_size(base: sympy.Basic) -> float:
    # `(2*x)**n` distributes into `2**n * x**n`, but `(x + 2)**n` stays unexpanded.
    if isinstance(base, sympy.Add):
        return 0.0
    return _operand_size(base)
