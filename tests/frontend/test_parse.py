"""Tests of the whitelist expression parser (`symc.frontend.parse`) and its `ParseError`.

The parser is the compiler's only contact with untrusted text, so besides the grammar these
tests pin down the error positions users see, the limits that keep hostile input from hanging
or crashing the compiler, and that nothing in the text is ever executed.
"""

import ast
import inspect
import pickle

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from symc.frontend import parse as parse_module
from symc.frontend.errors import ParseError, SymcError
from symc.frontend.parse import MAX_DEPTH, MAX_LENGTH, parse_expression

a, b, c, x, y = sympy.symbols("a b c x y")


# --- grammar -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("-x**2", -(x**2)),
        ("-x^2", -(x**2)),
        ("(-x)**2", x**2),
        ("-2**2", sympy.Integer(-4)),
        ("2**3**2", sympy.Integer(512)),
        ("2^3^2", sympy.Integer(512)),
        ("(2**3)**2", sympy.Integer(64)),
        ("a**b**c", a ** (b**c)),
        ("x^2", x**2),
        ("x**-2", x**-2),
        ("x^-2", x**-2),
        ("-a**-b", -(a ** (-b))),
        ("2**-1", sympy.Rational(1, 2)),
        ("a-b-c", a - b - c),
        ("a-(b-c)", a - b + c),
        ("a/b/c", a / (b * c)),
        ("a/(b/c)", a * c / b),
        ("a+b*c", a + b * c),
        ("(a+b)*c", (a + b) * c),
        ("a*-b", -a * b),
        ("x - -y", x + y),
        ("--x", x),
        ("+x", x),
        ("2*3+4", sympy.Integer(10)),
        ("pow(x, 3)", x**3),
        (" \t x\n+ y ", x + y),
    ],
)
def test_precedence_and_associativity(text: str, expected: sympy.Expr) -> None:
    assert parse_expression(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("42", sympy.Integer(42)),
        ("007", sympy.Integer(7)),
        ("1e-3", sympy.Float(0.001)),
        ("2.5E+4", sympy.Float(25000.0)),
        ("1E3", sympy.Float(1000.0)),
        (".5", sympy.Float(0.5)),
        ("3.", sympy.Float(3.0)),
        ("1e-400", sympy.Float(0.0)),  # underflows to the nearest float64, which is 0
    ],
)
def test_numbers(text: str, expected: sympy.Expr) -> None:
    value = parse_expression(text)
    assert value == expected
    assert type(value) is type(expected)


def test_integers_stay_exact() -> None:
    assert parse_expression("12345678901234567890123") == sympy.Integer(12345678901234567890123)
    assert parse_expression("1/3") == sympy.Rational(1, 3)


def test_decimal_is_the_exact_float64_of_its_text() -> None:
    value = parse_expression("0.1")
    assert value == sympy.Float(0.1)
    assert sympy.Rational(value) == sympy.Rational(*(0.1).as_integer_ratio())


def test_long_decimal_is_rounded_to_float64_not_kept_at_full_precision() -> None:
    text = "0.12345678901234567890123456789"
    value = parse_expression(text)
    assert sympy.Rational(value) == sympy.Rational(*float(text).as_integer_ratio())
    assert value != sympy.Float(text)  # which would keep all 29 digits


@given(st.floats(allow_nan=False, allow_infinity=False))
@settings(max_examples=200, deadline=None)
def test_float_repr_round_trips_exactly(number: float) -> None:
    value = parse_expression(repr(number))
    assert sympy.Rational(value) == sympy.Rational(*number.as_integer_ratio())


@given(st.integers(min_value=-(10**40), max_value=10**40))
@settings(max_examples=100, deadline=None)
def test_integer_round_trips(number: int) -> None:
    value = parse_expression(str(number))
    assert isinstance(value, sympy.Integer)
    assert value == number


def test_names_are_plain_symbols_and_never_constants() -> None:
    assert parse_expression("x") == sympy.Symbol("x")
    assert parse_expression("x") != sympy.Symbol("x", real=True)
    for name in ("e", "pi", "E", "I", "_t", "x_1", "Sin"):
        assert parse_expression(name) == sympy.Symbol(name)


@pytest.mark.parametrize(
    ("text", "function", "argument"),
    [
        ("sin(-0.75052315)", sympy.sin, sympy.Float(-0.75052315)),
        ("cos(0)", sympy.cos, sympy.Integer(0)),
        ("tan(0)", sympy.tan, sympy.Integer(0)),
        ("tanh(0.5)", sympy.tanh, sympy.Float(0.5)),
        ("exp(0)", sympy.exp, sympy.Integer(0)),
        ("log(1)", sympy.log, sympy.Integer(1)),
        ("abs(-2)", sympy.Abs, sympy.Integer(-2)),
        ("sin(-x)", sympy.sin, -x),  # not rewritten to -sin(x)
    ],
)
def test_functions_of_constants_stay_unevaluated(
    text: str, function: type, argument: sympy.Expr
) -> None:
    value = parse_expression(text)
    assert isinstance(value, function)
    assert value.args == (argument,)


def test_sqrt_and_min_max_stay_unevaluated() -> None:
    assert parse_expression("sqrt(4)").args == (4, sympy.Rational(1, 2))
    minimum = parse_expression("min(1, 2.5, x)")
    assert isinstance(minimum, sympy.Min)
    assert set(minimum.args) == {sympy.Integer(1), sympy.Float(2.5), x}
    assert isinstance(parse_expression("max(1, 2)"), sympy.Max)


def test_user_functions_become_undefined_functions() -> None:
    functions = {"f": 2, "g": 1, "h": 0}
    f, g, h = sympy.Function("f"), sympy.Function("g"), sympy.Function("h")
    assert parse_expression("f(x, g(y)) + h()", functions) == f(x, g(y)) + h()


@pytest.mark.parametrize(
    "functions",
    [{"sin": 1}, {"nan": 1}, {"2f": 1}, {"f.g": 1}, {"f": -1}, {"f": True}, {"f": 1.0}],
)
def test_malformed_user_function_table_is_a_programming_error(functions: dict) -> None:
    with pytest.raises(ValueError):
        parse_expression("x", functions)


def test_long_flat_chains_are_built_in_one_step() -> None:
    # Folding term by term is quadratic in sympy: 10 000 terms would take minutes.
    names = [f"x{i}" for i in range(10_000)]
    assert len(parse_expression("+".join(names)).args) == 10_000
    assert len(parse_expression("*".join(names)).args) == 10_000


# --- errors --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "position", "message"),
    [
        ("", 0, "empty expression"),
        ("  \t", 0, "empty expression"),
        ("x;", 1, "unexpected character ';'"),
        ("x + 'a'", 4, 'unexpected character "\'"'),
        ('"x"', 0, "unexpected character '\"'"),
        ("x[0]", 1, "unexpected character '['"),
        ("$x", 0, "unexpected character '$'"),
        ("x % 2", 2, "unexpected character '%'"),
        ("x\u00b2", 1, "unexpected character '\u00b2'"),
        ("os.system", 2, "unexpected character '.'"),
        ("(x", 0, "unclosed '('"),
        ("((x)", 0, "unclosed '('"),
        ("sin(x", 3, "unclosed '('"),
        ("x)", 1, "unexpected ')'"),
        ("sin(x0))", 7, "unexpected ')'"),
        ("x, y", 1, "unexpected ','"),
        ("x +", 3, "missing operand"),
        ("x **", 4, "missing operand"),
        ("-", 1, "missing operand"),
        ("x + * y", 4, "missing operand before '*'"),
        ("()", 1, "missing operand before ')'"),
        ("sin(x,)", 6, "missing operand before ')'"),
        ("x y", 2, "missing operator before 'y'"),
        ("2 (x)", 2, "missing operator before '('"),
        ("x .5", 2, "missing operator before '.5'"),
        ("2x", 0, "malformed number '2x'"),
        ("1e", 0, "malformed number '1e'"),
        ("x + 1.2.3", 4, "malformed number '1.2.3'"),
        ("foo(x)", 0, "unknown function 'foo'"),
        ("x + bar(1, 2)", 4, "unknown function 'bar'"),
        ("sin(x, y)", 0, "sin() takes 1 argument, got 2"),
        ("exp()", 0, "exp() takes 1 argument, got 0"),
        ("min(x)", 0, "min() takes at least 2 arguments, got 1"),
        ("pow(x)", 0, "pow() takes 2 arguments, got 1"),
        ("sin + 1", 0, "'sin' is a function"),
        ("nan", 0, "'nan' is not a finite number"),
        ("x + NaN", 4, "'NaN' is not a finite number"),
        ("Inf", 0, "'Inf' is not a finite number"),
        ("infinity", 0, "'infinity' is not a finite number"),
        ("oo", 0, "'oo' is not a finite number"),
        ("zoo", 0, "'zoo' is not a finite number"),
        ("1e999", 0, "number '1e999' overflows float64"),
        ("1/0", 1, "division by zero"),
        ("x/(y - y)", 1, "division by zero"),
        ("0.0**-2", 3, "division by zero"),
        ("x + 0 * log(0)", 6, "undefined result (zero times infinity)"),
        ("9**9**9", 1, "constant too large"),
        ("2**9999 * 2**9999", 8, "constant too large"),
        ("(2*x)**1000000000", 5, "constant too large"),
        ("1" * 3001, 0, "integer longer than 3000 digits"),
    ],
)
def test_error_position_and_message(text: str, position: int, message: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse_expression(text)
    assert caught.value.position == position
    assert caught.value.message.startswith(message)
    assert caught.value.text == text


def test_error_text_shows_a_caret_under_the_position() -> None:
    with pytest.raises(ParseError) as caught:
        parse_expression("sin(x0))")
    assert str(caught.value) == "unexpected ')' at position 7\n  sin(x0))\n         ^"


def test_caret_stays_aligned_across_tabs_and_newlines() -> None:
    text = "x +\n\t;"
    with pytest.raises(ParseError) as caught:
        parse_expression(text)
    _, shown, caret = str(caught.value).splitlines()
    assert shown[caret.index("^")] == ";"


def test_long_text_is_shown_as_a_window_around_the_error() -> None:
    text = "x + " * 5000 + "@" + " + x" * 5000
    with pytest.raises(ParseError) as caught:
        parse_expression(text)
    _, shown, caret = str(caught.value).splitlines()
    assert len(shown) < 100
    assert shown.startswith("  ...") and shown.endswith("...")
    assert shown[caret.index("^")] == "@"


def test_unknown_function_lists_supported_and_user_functions() -> None:
    with pytest.raises(ParseError) as caught:
        parse_expression("g(x)", {"f": 1, "h": 2})
    first_line = str(caught.value).splitlines()[0]
    assert first_line.startswith("unknown function 'g' at position 0; supported: abs, cos, exp,")
    assert first_line.endswith("user functions: f, h")


def test_user_function_arity_and_bare_name_are_checked() -> None:
    with pytest.raises(ParseError, match=r"f\(\) takes 2 arguments, got 1"):
        parse_expression("f(x)", {"f": 2})
    with pytest.raises(ParseError, match="'f' is a function"):
        parse_expression("f + 1", {"f": 1})


def test_parse_error_is_a_symc_error_and_pickles() -> None:
    with pytest.raises(SymcError) as caught:
        parse_expression("foo(x)")
    copy = pickle.loads(pickle.dumps(caught.value))
    assert isinstance(copy, ParseError)
    assert (copy.text, copy.position, copy.message) == ("foo(x)", 0, "unknown function 'foo'")
    assert str(copy) == str(caught.value)


# --- limits --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("opening", "closing"),
    [("(", ")"), ("sin(", ")"), ("-(", ")"), ("min(1, ", ")"), ("f(", ")")],
)
def test_nesting_up_to_the_limit_parses_and_beyond_is_an_error(opening: str, closing: str) -> None:
    functions = {"f": 1}
    parse_expression(opening * MAX_DEPTH + "x" + closing * MAX_DEPTH, functions)
    too_deep = opening * (MAX_DEPTH + 1) + "x" + closing * (MAX_DEPTH + 1)
    with pytest.raises(ParseError, match="too deeply nested") as caught:
        parse_expression(too_deep, functions)
    assert caught.value.position == len(opening) * MAX_DEPTH + opening.index("(")


def test_exponent_chains_count_as_nesting() -> None:
    parse_expression("x**" * MAX_DEPTH + "x")
    with pytest.raises(ParseError, match="too deeply nested"):
        parse_expression("x**" * 10_000 + "x")


def test_long_sign_runs_do_not_recurse() -> None:
    assert parse_expression("-" * 50_000 + "x") == x
    assert parse_expression("-" * 50_001 + "x") == -x


def test_text_length_limit() -> None:
    assert parse_expression("x" * MAX_LENGTH) == sympy.Symbol("x" * MAX_LENGTH)
    with pytest.raises(ParseError, match="longer than") as caught:
        parse_expression("x" * (MAX_LENGTH + 1))
    assert caught.value.position == MAX_LENGTH


def test_unexpanded_powers_of_sums_are_not_limited() -> None:
    assert parse_expression("(x + 2)**1000000000") == (x + 2) ** 1000000000


# --- hostile input -------------------------------------------------------------------------


def test_import_payload_is_rejected_and_not_executed(tmp_path) -> None:  # noqa: ANN001
    target = tmp_path / "pwned_symc"
    with pytest.raises(ParseError):
        parse_expression(f"__import__('os').system('touch {target}')")
    assert not target.exists()


@pytest.mark.parametrize(
    "text",
    [
        "().__class__.__bases__[0].__subclasses__()",
        "x.__class__",
        "lambda: 0",
        "[x for x in y]",
        "{x}",
        "exec('1')",
        "eval('1')",
        "open('f')",
        "getattr(x, 'y')",
        "Symbol('x')",
        "x if y else z",
        "x @ y",
        "x & y",
        "x < y",
        "x == y",
        "x = 1",
        "`x`",
        "x \\ y",
        "x; y",
        "#x",
        "x!",
        "x'",
    ],
)
def test_python_syntax_beyond_the_grammar_is_rejected(text: str) -> None:
    with pytest.raises(ParseError):
        parse_expression(text)


def test_parser_never_calls_an_evaluator() -> None:
    # Guards against a future "simplification" that hands the text to sympy or Python.
    forbidden = {"eval", "exec", "compile", "__import__", "sympify", "parse_expr", "S"}
    tree = ast.parse(inspect.getsource(parse_module))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            assert node.func.id not in forbidden
        if isinstance(node, ast.Attribute) and node.attr in forbidden - {"compile"}:
            pytest.fail(f"parse.py uses .{node.attr}")
        if isinstance(node, ast.ImportFrom):
            assert not {alias.name for alias in node.names} & forbidden


# --- properties ----------------------------------------------------------------------------

_NON_FINITE = (sympy.zoo, sympy.nan, sympy.oo, -sympy.oo)


class _Tree:
    """A random expression: its fully parenthesized text and the sympy value it must parse to.

    `non_finite` records whether any intermediate value was infinite or NaN (a division by
    zero, or zero times `log(0)`): then the parser must reject the text instead.
    """

    def __init__(self, text: str, value: sympy.Expr, non_finite: bool = False) -> None:
        self.text = text
        self.value = value
        self.non_finite = non_finite or value.has(*_NON_FINITE)

    def __repr__(self) -> str:
        return self.text


def _binary(left: _Tree, operator: str, right: _Tree) -> _Tree:
    # The meaning the parser documents: a - b is Add(a, -b), a / b is Mul(a, b**-1). Operator
    # overloading would differ on numbers: `Integer(0) + Float(0.0)` is 0 but `Add(0, 0.0)`
    # is 0.0, and `Float(1) / Float(0.0)` raises ZeroDivisionError.
    operations = {
        "+": lambda p, q: sympy.Add(p, q),
        "-": lambda p, q: sympy.Add(p, -q),
        "*": lambda p, q: sympy.Mul(p, q),
        "/": lambda p, q: sympy.Mul(p, sympy.Pow(q, -1)),
    }
    value = operations[operator](left.value, right.value)
    return _Tree(
        f"({left.text} {operator} {right.text})", value, left.non_finite or right.non_finite
    )


def _power(base: _Tree, operator: str, exponent: int) -> _Tree:
    value = sympy.Pow(base.value, exponent)
    return _Tree(f"({base.text} {operator} {exponent})", value, base.non_finite)


def _call(name: str, arguments: list[_Tree]) -> _Tree:
    functions = {
        "sin": sympy.sin,
        "cos": sympy.cos,
        "tanh": sympy.tanh,
        "exp": sympy.exp,
        "log": sympy.log,
        "sqrt": sympy.sqrt,
        "abs": sympy.Abs,
        "min": sympy.Min,
        "max": sympy.Max,
    }
    text = f"{name}({', '.join(argument.text for argument in arguments)})"
    non_finite = any(argument.non_finite for argument in arguments)
    try:
        value = functions[name](*(argument.value for argument in arguments), evaluate=False)
    except TypeError:
        # sympy's Min/Max order their arguments and cannot compare NaN: the text is rejected
        # anyway (an argument divides by zero), so no expected value is needed.
        if not non_finite:
            raise
        value = sympy.nan
    return _Tree(text, value, non_finite)


_leaves = st.one_of(
    st.sampled_from(["x0", "x1", "e", "pi"]).map(lambda name: _Tree(name, sympy.Symbol(name))),
    st.integers(0, 12).map(lambda number: _Tree(str(number), sympy.Integer(number))),
    st.floats(0, 1e6).map(lambda number: _Tree(repr(abs(number)), sympy.Float(abs(number)))),
)


def _extend(children: st.SearchStrategy[_Tree]) -> st.SearchStrategy[_Tree]:
    return st.one_of(
        st.builds(_binary, children, st.sampled_from("+-*/"), children),
        st.builds(_power, children, st.sampled_from(["**", "^"]), st.integers(-2, 3)),
        children.map(lambda child: _Tree(f"(-{child.text})", -child.value, child.non_finite)),
        st.builds(
            _call,
            st.sampled_from(["sin", "cos", "tanh", "exp", "log", "sqrt", "abs"]),
            st.lists(children, min_size=1, max_size=1),
        ),
        st.builds(
            _call, st.sampled_from(["min", "max"]), st.lists(children, min_size=2, max_size=3)
        ),
    )


@given(st.recursive(_leaves, _extend, max_leaves=10))
@settings(max_examples=200, deadline=None)
def test_fully_parenthesized_trees_parse_back_to_their_value(tree: _Tree) -> None:
    if tree.non_finite:
        with pytest.raises(ParseError, match="division by zero|zero times infinity"):
            parse_expression(tree.text)
        return
    # Full parentheses make every sum and product binary, so the parser must build exactly the
    # same sympy tree: structural equality, stronger than `simplify(a - b) == 0`.
    assert parse_expression(tree.text) == tree.value


_FRAGMENTS = [
    "x",
    "y1",
    "2",
    "9",
    "0",
    ".",
    "5",
    "e",
    "E",
    "+",
    "-",
    "*",
    "**",
    "/",
    "^",
    "(",
    ")",
    ",",
    " ",
    "sin",
    "min",
    "pow",
    "f",
    "nan",
    "_",
    "'",
    ";",
]


@given(st.lists(st.sampled_from(_FRAGMENTS), max_size=25).map("".join))
@settings(max_examples=300, deadline=None)
def test_any_text_parses_or_raises_parse_error(text: str) -> None:
    try:
        value = parse_expression(text, {"f": 1})
    except ParseError as error:
        assert 0 <= error.position <= len(text)
        return
    assert isinstance(value, sympy.Expr)


def test_products_distribute_numbers_as_python_operators_do() -> None:
    # What sympy gives PySR and hls4ml for the same text: the constants that get quantized.
    x, y, z = sympy.symbols("x y z")
    for text, expected in [
        ("0.5*(x - 1)*y", sympy.Float(0.5) * (x - 1) * y),
        (
            "0.41071504*(0.9298677 - x)*(y + 1)*z",
            sympy.Float(0.41071504) * (sympy.Float(0.9298677) - x) * (y + 1) * z,
        ),
        ("x*0.5*(y + 1)", x * sympy.Float(0.5) * (y + 1)),
        ("(y + 1)*2*3", (y + 1) * 2 * 3),
    ]:
        assert parse_expression(text) == expected, text
