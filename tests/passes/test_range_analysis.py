"""sym-range-analysis: every value of a kernel lies inside the interval written on it.

The rules are checked one by one on known intervals, and as a property: random expression
trees over inputs with random ranges, evaluated in float64 (Python floats, the same C library
as the pass) at the corners and at random points of the ranges; every node's value must lie in
its ``range``.
"""

from __future__ import annotations

import io
import math
import random
from collections.abc import Callable, Sequence
from fractions import Fraction

import pytest
from hypothesis import given, reject, settings
from hypothesis import strategies as st
from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Block, Operation, Region, SSAValue
from xdsl.printer import Printer

from symc.dialects import sym
from symc.fixed import FixedFormat, Overflow, Quant
from symc.frontend.errors import SymcError
from symc.passes.range_analysis import LIBM_ULPS, SymRangeAnalysisPass

Body = Callable[[Callable[[Operation], SSAValue], list[SSAValue]], Sequence[SSAValue]]


def make_module(
    ranges: Sequence[tuple[float, float]] | None,
    body: Body,
    arg_type: sym.SymType | None = None,
    n_inputs: int | None = None,
) -> ModuleOp:
    """One kernel ``@k`` with an input per range; ``body(emit, args)`` returns its outputs."""
    arg_type = arg_type or sym.RealType()
    n = len(ranges) if ranges is not None else n_inputs or 1
    block = Block(arg_types=[arg_type] * n)

    def emit(op: Operation) -> SSAValue:
        block.add_op(op)
        return op.results[0]

    outs = list(body(emit, list(block.args)))
    block.add_op(sym.OutputOp(outs))
    kernel = sym.KernelOp(
        "k",
        [(f"x{i}", arg_type) for i in range(n)],
        [f"y{i}" for i in range(len(outs))],
        ranges,
        body=Region(block),
    )
    return ModuleOp([kernel])


def analyze(module: ModuleOp) -> ModuleOp:
    module.verify()
    SymRangeAnalysisPass().apply(Context(), module)
    module.verify()
    return module


def kernel_of(module: ModuleOp) -> sym.KernelOp:
    kernel = module.body.block.first_op
    assert isinstance(kernel, sym.KernelOp)
    return kernel


def ranges_of(module: ModuleOp) -> list[tuple[float, float]]:
    """The ``range`` of the kernel's outputs."""
    found = []
    for value in kernel_of(module).output_op.operands:
        assert isinstance(value.owner, Operation)
        attr = value.owner.attributes["range"]
        assert isinstance(attr, sym.IntervalAttr)
        found.append(attr.bounds)
    return found


def range_of(ranges: Sequence[tuple[float, float]], build: Body) -> tuple[float, float]:
    return ranges_of(analyze(make_module(ranges, build)))[0]


def unary(op: type[sym.UnarySymOp]) -> Body:
    return lambda emit, a: [emit(op(a[0]))]


def binary(op: type[sym.BinarySymOp]) -> Body:
    return lambda emit, a: [emit(op(a[0], a[1]))]


def text(module: ModuleOp) -> str:
    stream = io.StringIO()
    Printer(stream=stream).print_op(module)
    return stream.getvalue()


def up(x: float, ulps: int = 1) -> float:
    for _ in range(ulps):
        x = math.nextafter(x, math.inf)
    return x


def down(x: float, ulps: int = 1) -> float:
    for _ in range(ulps):
        x = math.nextafter(x, -math.inf)
    return x


# --- the rules --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "op, a, b, expected",
    [
        (sym.AddOp, (-4.0, 4.0), (1.0, 2.0), (-3.0, 6.0)),
        (sym.SubOp, (-4.0, 4.0), (1.0, 2.0), (-6.0, 3.0)),
        (sym.MulOp, (-4.0, 4.0), (1.0, 2.0), (-8.0, 8.0)),
        (sym.MulOp, (-3.0, -2.0), (-5.0, 4.0), (-12.0, 15.0)),
        (sym.DivOp, (-4.0, 4.0), (1.0, 2.0), (-4.0, 4.0)),
        (sym.DivOp, (1.0, 2.0), (-4.0, -0.5), (-4.0, -0.25)),
        (sym.MinOp, (-4.0, 4.0), (1.0, 2.0), (-4.0, 2.0)),
        (sym.MaxOp, (-4.0, 4.0), (1.0, 2.0), (1.0, 4.0)),
    ],
)
def test_binary_rules_are_exact_when_the_bounds_are(op, a, b, expected):
    assert range_of([a, b], binary(op)) == expected


def test_inexact_bounds_are_rounded_outward():
    # 0.1 + 0.2 is 0.30000000000000004 in float64; the exact sum of the two doubles is below it.
    lo, hi = range_of([(0.1, 0.1), (0.2, 0.2)], binary(sym.AddOp))
    assert lo == 0.3 and hi == 0.30000000000000004
    lo, hi = range_of([(1.0, 1.0), (3.0, 3.0)], binary(sym.DivOp))
    assert (lo, hi) == (1 / 3, up(1 / 3)) or (lo, hi) == (down(1 / 3), 1 / 3)


def test_a_square_is_never_negative():
    assert range_of([(-4.0, 3.0)], lambda e, a: [e(sym.MulOp(a[0], a[0]))]) == (0.0, 16.0)
    assert range_of([(-4.0, 3.0), (-4.0, 3.0)], binary(sym.MulOp)) == (-12.0, 16.0)


@pytest.mark.parametrize(
    "n, x, expected",
    [
        (2, (-4.0, 3.0), (0.0, 16.0)),
        (2, (-4.0, -3.0), (9.0, 16.0)),
        (2, (1.0, 3.0), (1.0, 9.0)),
        (3, (-4.0, 3.0), (-64.0, 27.0)),
        (4, (-2.0, -1.0), (1.0, 16.0)),
    ],
)
def test_pow(n, x, expected):
    assert range_of([x], lambda e, a: [e(sym.PowOp(a[0], n))]) == expected


@pytest.mark.parametrize(
    "op, x, expected",
    [
        (sym.NegOp, (-1.0, 4.0), (-4.0, 1.0)),
        (sym.AbsOp, (-1.0, 4.0), (0.0, 4.0)),
        (sym.AbsOp, (-5.0, -2.0), (2.0, 5.0)),
        (sym.AbsOp, (2.0, 5.0), (2.0, 5.0)),
        (sym.SqrtOp, (0.0, 16.0), (0.0, 4.0)),
        (sym.SqrtOp, (2.25, 6.25), (1.5, 2.5)),
        (sym.ExpOp, (0.0, 0.0), (1.0, 1.0)),
        (sym.LogOp, (1.0, 1.0), (0.0, 0.0)),
        (sym.SinOp, (-10.0, 10.0), (-1.0, 1.0)),
        (sym.CosOp, (0.0, 0.0), (1.0, 1.0)),
        (sym.TanhOp, (-100.0, 100.0), (-1.0, 1.0)),
    ],
)
def test_unary_rules_with_exact_bounds(op, x, expected):
    assert range_of([x], unary(op)) == expected


def test_a_constant_is_its_own_range():
    module = analyze(make_module([(0.0, 1.0)], lambda e, a: [e(sym.ConstOp(-2.5, sym.RealType()))]))
    assert ranges_of(module) == [(-2.5, -2.5)]


@pytest.mark.parametrize(
    "op, f",
    [(sym.ExpOp, math.exp), (sym.LogOp, math.log), (sym.TanhOp, math.tanh), (sym.TanOp, math.tan)],
)
def test_monotone_functions_map_their_endpoints_a_few_ulps_outward(op, f):
    """The C library's results may be a few ulps off the exact value: the bounds allow for it."""
    assert range_of([(0.25, 1.5)], unary(op)) == (down(f(0.25), LIBM_ULPS), up(f(1.5), LIBM_ULPS))


def test_sqrt_is_correctly_rounded_so_its_bounds_are_checked_exactly():
    lo, hi = range_of([(0.25, 2.0)], unary(sym.SqrtOp))
    assert lo == 0.5 and math.sqrt(2.0) <= hi <= up(math.sqrt(2.0))
    assert Fraction(hi) ** 2 >= 2


@pytest.mark.parametrize(
    "op, x, inside",
    [
        (sym.SinOp, (0.1, 0.2), (math.sin(0.1), math.sin(0.2))),  # rising, no peak
        (sym.SinOp, (1.0, 2.0), (math.sin(1.0), 1.0)),  # holds pi/2
        (sym.SinOp, (4.0, 5.0), (-1.0, math.sin(4.0))),  # holds 3*pi/2
        (sym.SinOp, (2.0, 4.0), (math.sin(4.0), math.sin(2.0))),  # falling
        (sym.SinOp, (100.0, 100.5), (math.sin(100.0), math.sin(100.5))),  # far from 0, no peak
        (sym.CosOp, (-0.5, 0.25), (math.cos(-0.5), 1.0)),  # holds 0
        (sym.CosOp, (3.0, 3.5), (-1.0, math.cos(3.5))),  # holds pi
        (sym.CosOp, (1.0, 1.5), (math.cos(1.5), math.cos(1.0))),
    ],
)
def test_sin_and_cos_are_tight_on_narrow_intervals(op, x, inside):
    lo, hi = range_of([x], unary(op))
    assert down(inside[0], LIBM_ULPS) <= lo <= inside[0]
    assert inside[1] <= hi <= up(inside[1], LIBM_ULPS)


def test_block_arguments_get_no_attribute_and_nothing_else_changes():
    def body(emit, a):
        s = emit(sym.SinOp(emit(sym.MulOp(a[0], a[1]))))
        return [emit(sym.AddOp(s, emit(sym.ConstOp(1.0, sym.RealType())))), s]

    module = make_module([(-1.0, 1.0), (0.0, 2.0)], body)
    before = text(module)
    analyze(module)
    ops = list(kernel_of(module).body.block.ops)
    assert all("range" in op.attributes for op in ops[:-1])
    assert "range" not in ops[-1].attributes  # sym.output has no result
    for op in ops:
        op.attributes.pop("range", None)
    assert text(module) == before


def test_running_twice_gives_the_same_output():
    module = make_module([(-1.0, 3.0)], lambda e, a: [e(sym.ExpOp(e(sym.MulOp(a[0], a[0]))))])
    first = text(analyze(module))
    assert text(analyze(module)) == first


# --- casts ------------------------------------------------------------------------------------

F16_6, F32_12 = FixedFormat(16, 6), FixedFormat(32, 12)


def cast_range(
    x: tuple[float, float],
    src: FixedFormat,
    dst: FixedFormat,
    quant: Quant = Quant.AP_TRN,
    overflow: Overflow = Overflow.AP_WRAP,
):
    def body(emit, args):
        return [emit(sym.CastOp(args[0], sym.FixedType(dst), quant, overflow))]

    return ranges_of(analyze(make_module([x], body, sym.FixedType(src))))[0]


def test_cast_that_fits_keeps_the_range_on_the_destination_grid():
    assert cast_range((-4.0, 4.0), F32_12, F16_6) == (-4.0, 4.0)
    # 1/3 is not on the 10-fraction-bit grid: truncation gives the grid point below,
    # rounding may give the one above.
    third = (1 / 3, 1 / 3)
    assert cast_range(third, F32_12, F16_6) == (341 / 1024, 341 / 1024)
    assert cast_range(third, F32_12, F16_6, Quant.AP_RND) == (341 / 1024, 342 / 1024)


@pytest.mark.parametrize(
    "overflow, expected",
    [
        (Overflow.AP_WRAP, (-32.0, 32.0 - 2**-10)),  # any value of ap_fixed<16,6>
        (Overflow.AP_SAT, (-32.0, 32.0 - 2**-10)),
        (Overflow.AP_SAT_SYM, (-32.0, 32.0 - 2**-10)),
    ],
)
def test_cast_that_may_overflow_both_ways(overflow, expected):
    assert cast_range((-100.0, 100.0), F32_12, F16_6, overflow=overflow) == expected


def test_cast_that_may_overflow_above():
    top = 32.0 - 2**-10
    assert cast_range((20.0, 100.0), F32_12, F16_6) == (-32.0, top)  # wraps to negative values
    assert cast_range((20.0, 100.0), F32_12, F16_6, overflow=Overflow.AP_SAT) == (20.0, top)
    assert cast_range((20.0, 100.0), F32_12, F16_6, overflow=Overflow.AP_SAT_ZERO) == (0.0, top)


def test_cast_to_unsigned():
    u8 = FixedFormat(8, 4, signed=False)
    assert cast_range((-1.0, 3.0), F32_12, u8, overflow=Overflow.AP_SAT) == (0.0, 3.0)
    assert cast_range((0.0, 3.0), F32_12, u8) == (0.0, 3.0)


# --- errors -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "op, x, message",
    [
        (sym.LogOp, (0.0, 1.0), "log of a value that may be <= 0: range [0.0, 1.0] (sym.log)"),
        (sym.LogOp, (-2.0, -1.0), "log of a value that may be <= 0: range [-2.0, -1.0] (sym.log)"),
        (sym.SqrtOp, (-1e-300, 1.0), "sqrt of a value that may be < 0: range [-1e-300, 1.0]"),
        (
            sym.TanOp,
            (1.0, 2.0),
            "tan of a value that may reach a pole pi/2 + k*pi: range [1.0, 2.0]",
        ),
        (sym.TanOp, (-5.0, -4.0), "tan of a value that may reach a pole"),
        (sym.TanOp, (10.0, 20.0), "tan of a value that may reach a pole"),
        (sym.ExpOp, (0.0, 1000.0), "range of sym.exp overflows float64"),
    ],
)
def test_values_outside_a_domain_are_errors(op, x, message):
    with pytest.raises(SymcError) as info:
        range_of([x], unary(op))
    assert str(info.value).startswith(message)


def test_division_by_a_value_that_may_be_zero_is_an_error():
    with pytest.raises(SymcError) as info:
        range_of([(1.0, 2.0), (-1.0, 0.0)], binary(sym.DivOp))
    assert str(info.value).startswith("division by a value that may be 0: range [-1.0, 0.0]")


def test_overflow_is_an_error_naming_the_op():
    with pytest.raises(SymcError) as info:
        range_of([(-1e200, 1e200), (2.0, 1e200)], binary(sym.MulOp))
    assert str(info.value).startswith("range of sym.mul overflows float64")


def test_missing_input_ranges_are_an_error():
    with pytest.raises(SymcError, match="needs input ranges: kernel @k has no input_ranges"):
        analyze(make_module(None, unary(sym.ExpOp)))


# --- property: every value lies in its interval -----------------------------------------------

UNARY = {
    "neg": sym.NegOp,
    "abs": sym.AbsOp,
    "sin": sym.SinOp,
    "cos": sym.CosOp,
    "tanh": sym.TanhOp,
    "exp": sym.ExpOp,
}
BINARY = {"add": sym.AddOp, "sub": sym.SubOp, "mul": sym.MulOp, "min": sym.MinOp, "max": sym.MaxOp}
# Ops with a restricted domain get an argument inside it (else most trees would be errors):
# log(|x| + 0.5), sqrt(x*x + |y|), tan(tanh x), x / (|y| + 0.5).
GUARDED = ["log", "sqrt", "tan", "div"]

leaf = st.one_of(
    st.tuples(st.just("x"), st.integers(0, 2)), st.tuples(st.just("c"), st.floats(-3.0, 3.0))
)


def _extend(children):
    return st.one_of(
        st.tuples(st.sampled_from(sorted(BINARY)), children, children),
        st.tuples(st.sampled_from(sorted(UNARY)), children),
        st.tuples(st.sampled_from(GUARDED), children, children),
        st.tuples(st.just("pow"), children, st.integers(1, 5)),
        st.tuples(st.just("square"), children),
    )


trees = st.recursive(leaf, _extend, max_leaves=12)
input_range = st.tuples(st.floats(-4.0, 4.0), st.floats(-4.0, 4.0)).map(lambda r: (min(r), max(r)))


def _build(tree, emit, args) -> SSAValue:
    kind = tree[0]
    if kind == "x":
        return args[tree[1]]
    if kind == "c":
        return emit(sym.ConstOp(tree[1], sym.RealType()))
    if kind == "pow":
        return emit(sym.PowOp(_build(tree[1], emit, args), tree[2]))
    if kind == "square":
        x = _build(tree[1], emit, args)
        return emit(sym.MulOp(x, x))
    if kind in UNARY:
        return emit(UNARY[kind](_build(tree[1], emit, args)))
    if kind in BINARY:
        return emit(BINARY[kind](_build(tree[1], emit, args), _build(tree[2], emit, args)))
    x = _build(tree[1], emit, args)
    half = emit(sym.ConstOp(0.5, sym.RealType()))
    if kind == "tan":  # |tanh x| < 1 < pi/2
        return emit(sym.TanOp(emit(sym.TanhOp(x))))
    if kind == "log":  # |x| + 0.5 > 0
        return emit(sym.LogOp(emit(sym.AddOp(emit(sym.AbsOp(x)), half))))
    y = _build(tree[2], emit, args)
    if kind == "sqrt":  # x*x + |y| >= 0
        return emit(sym.SqrtOp(emit(sym.AddOp(emit(sym.MulOp(x, x)), emit(sym.AbsOp(y))))))
    return emit(sym.DivOp(x, emit(sym.AddOp(emit(sym.AbsOp(y)), half))))  # |y| + 0.5 != 0


PYTHON: dict[type[Operation], Callable[..., float]] = {
    sym.AddOp: lambda a, b: a + b,
    sym.SubOp: lambda a, b: a - b,
    sym.MulOp: lambda a, b: a * b,
    sym.DivOp: lambda a, b: a / b,
    sym.MinOp: min,
    sym.MaxOp: max,
    sym.NegOp: lambda a: -a,
    sym.AbsOp: abs,
    sym.SinOp: math.sin,
    sym.CosOp: math.cos,
    sym.TanOp: math.tan,
    sym.TanhOp: math.tanh,
    sym.ExpOp: math.exp,
    sym.LogOp: math.log,
    sym.SqrtOp: math.sqrt,
}


def evaluate(kernel: sym.KernelOp, point: Sequence[float]) -> dict[Operation, float]:
    """Every op's value at one input point, in float64."""
    env: dict[SSAValue, float] = dict(zip(kernel.body.block.args, point, strict=True))
    values: dict[Operation, float] = {}
    for op in kernel.body.block.ops:
        if isinstance(op, sym.OutputOp):
            break
        if isinstance(op, sym.ConstOp):
            value = op.real_value
        elif isinstance(op, sym.PowOp):
            value = env[op.base] ** op.exponent.data
        else:
            value = PYTHON[type(op)](*(env[v] for v in op.operands))
        env[op.results[0]] = values[op] = value
    return values


@settings(max_examples=300, deadline=None)
@given(
    t0=trees,
    t1=trees,
    ranges=st.lists(input_range, min_size=3, max_size=3),
    seed=st.integers(0, 2**32 - 1),
)
def test_every_value_lies_in_its_interval(t0, t1, ranges, seed):
    module = make_module(
        ranges, lambda emit, args: [_build(t0, emit, args), _build(t1, emit, args)]
    )
    try:
        analyze(module)
    except SymcError as exc:
        assert "overflows float64" in str(exc)  # the guards keep every argument in its domain
        reject()
    kernel = kernel_of(module)
    rng = random.Random(seed)
    corners = [
        [r[i] for r, i in zip(ranges, bits, strict=True)]
        for bits in ((0, 0, 0), (1, 1, 1), (0, 1, 0), (1, 0, 1))
    ]
    points = corners + [[rng.uniform(*r) for r in ranges] for _ in range(60)]
    for point in points:
        for op, value in evaluate(kernel, point).items():
            attr = op.attributes["range"]
            assert isinstance(attr, sym.IntervalAttr)
            lo, hi = attr.bounds
            assert lo <= value <= hi, f"{op.name} = {value!r} at {point} outside [{lo}, {hi}]"
