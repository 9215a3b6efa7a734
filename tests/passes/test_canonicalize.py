"""sym-canonicalize: folding, identities, powers, sharing; the kernel computes the same values.

Kernels are built directly in the sym dialect. A small float evaluator of the sym ops (numpy,
below) is the reference: canonicalization must not change what a kernel computes beyond the
rounding of its rewrites (``x / c -> x * (1/c)``, ``x**n`` by squaring).
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Sequence

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from xdsl.context import Context
from xdsl.dialects.builtin import FileLineColLoc, IntAttr, ModuleOp, StringAttr
from xdsl.ir import Block, Operation, Region, SSAValue
from xdsl.printer import Printer
from xdsl.utils.arg_spec import parse_pipeline

from symc.dialects import sym
from symc.fixed import FixedFormat
from symc.frontend.errors import SymcError
from symc.passes.canonicalize import SymCanonicalizePass

# --- building and running kernels -------------------------------------------------------------

Body = Callable[[Callable[[Operation], SSAValue], list[SSAValue]], Sequence[SSAValue]]


def make_module(n_inputs: int, body: Body, arg_type: sym.SymType | None = None) -> ModuleOp:
    """A module with one kernel ``@k(x0, x1, ...)``; ``body(emit, args)`` returns its outputs."""
    arg_type = arg_type or sym.RealType()
    block = Block(arg_types=[arg_type] * n_inputs)

    def emit(op: Operation) -> SSAValue:
        block.add_op(op)
        return op.results[0]

    outputs = list(body(emit, list(block.args)))
    block.add_op(sym.OutputOp(outputs))
    inputs = [(f"x{i}", arg_type) for i in range(n_inputs)]
    kernel = sym.KernelOp("k", inputs, [f"y{i}" for i in range(len(outputs))], body=Region(block))
    return ModuleOp([kernel])


def canonicalize(module: ModuleOp, **options: int) -> ModuleOp:
    module.verify()
    SymCanonicalizePass(**options).apply(Context(), module)
    module.verify()
    return module


def kernel_of(module: ModuleOp) -> sym.KernelOp:
    kernel = module.body.block.first_op
    assert isinstance(kernel, sym.KernelOp)
    return kernel


def body_ops(module: ModuleOp) -> list[Operation]:
    return [op for op in kernel_of(module).body.block.ops if not isinstance(op, sym.OutputOp)]


def op_names(module: ModuleOp) -> list[str]:
    return [op.name for op in body_ops(module)]


def outputs(module: ModuleOp) -> list[SSAValue]:
    return list(kernel_of(module).output_op.operands)


def text(module: ModuleOp) -> str:
    stream = io.StringIO()
    Printer(stream=stream).print_op(module)
    return stream.getvalue()


def const(value: float) -> sym.ConstOp:
    return sym.ConstOp(value, sym.RealType())


def const_value(value: SSAValue) -> float | None:
    return value.owner.real_value if isinstance(value.owner, sym.ConstOp) else None


# --- a float evaluator of the sym ops ---------------------------------------------------------

NUMPY: dict[type[Operation], Callable[..., np.ndarray]] = {
    sym.AddOp: np.add,
    sym.SubOp: np.subtract,
    sym.MulOp: np.multiply,
    sym.DivOp: np.divide,
    sym.MinOp: np.minimum,
    sym.MaxOp: np.maximum,
    sym.NegOp: np.negative,
    sym.AbsOp: np.abs,
    sym.SinOp: np.sin,
    sym.CosOp: np.cos,
    sym.TanOp: np.tan,
    sym.TanhOp: np.tanh,
    sym.ExpOp: np.exp,
    sym.LogOp: np.log,
    sym.SqrtOp: np.sqrt,
}


def evaluate(
    module: ModuleOp, inputs: Sequence[np.ndarray]
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """The kernel's outputs on float64 arrays, and the values of all its ops."""
    kernel = kernel_of(module)
    env: dict[SSAValue, np.ndarray] = dict(zip(kernel.body.block.args, inputs, strict=True))
    shape = np.shape(inputs[0])
    with np.errstate(all="ignore"):
        for op in body_ops(module):
            if isinstance(op, sym.ConstOp):
                value = np.full(shape, op.real_value)
            elif isinstance(op, sym.PowOp):
                value = env[op.base] ** op.exponent.data
            else:
                value = NUMPY[type(op)](*(env[v] for v in op.operands))
            env[op.results[0]] = value
    return [env[v] for v in outputs(module)], [env[op.results[0]] for op in body_ops(module)]


# --- constant folding -------------------------------------------------------------------------


def test_folds_arithmetic_of_constants():
    def body(emit, args):
        c2, c3, c4 = emit(const(2.0)), emit(const(3.0)), emit(const(4.0))
        p = emit(sym.MulOp(emit(sym.AddOp(c2, c3)), c4))  # 20
        d = emit(sym.AbsOp(emit(sym.NegOp(emit(sym.SubOp(p, c3))))))  # 17
        m = emit(sym.MaxOp(emit(sym.MinOp(d, c2)), c4))  # 4
        return [emit(sym.AddOp(m, emit(sym.PowOp(c3, 4))))]  # 85

    module = canonicalize(make_module(1, body))
    assert op_names(module) == ["sym.const"]
    assert const_value(outputs(module)[0]) == 85.0


def test_negative_zero_is_zero():
    module = canonicalize(make_module(1, lambda emit, a: [emit(sym.NegOp(emit(const(0.0))))]))
    value = const_value(outputs(module)[0])
    assert value == 0.0 and math.copysign(1.0, value) == 1.0


@pytest.mark.parametrize(
    "op", [sym.SinOp, sym.CosOp, sym.TanOp, sym.TanhOp, sym.ExpOp, sym.LogOp, sym.SqrtOp]
)
def test_elementary_functions_of_constants_stay(op):
    """The table pass evaluates them, so that the design matches hls4ml's tables."""
    module = canonicalize(make_module(1, lambda emit, a: [emit(op(emit(const(0.5))))]))
    assert op_names(module) == ["sym.const", op.name]


def test_fold_that_overflows_is_an_error():
    def body(emit, args):
        big = emit(const(1e200))
        return [emit(sym.AddOp(args[0], emit(sym.MulOp(big, big))))]

    with pytest.raises(SymcError, match=r"constant folding sym\.mul .* not a finite float64"):
        canonicalize(make_module(1, body))


def test_power_of_a_constant_that_overflows_is_an_error():
    with pytest.raises(SymcError, match=r"sym\.pow .* not a finite float64"):
        canonicalize(make_module(1, lambda emit, a: [emit(sym.PowOp(emit(const(10.0)), 400))]))


# --- division ---------------------------------------------------------------------------------


@pytest.mark.parametrize("divisor", [4.0, 3.0, -0.1, 1e-300])
def test_division_by_a_constant_becomes_a_product(divisor):
    module = canonicalize(
        make_module(1, lambda emit, a: [emit(sym.DivOp(a[0], emit(const(divisor))))])
    )
    assert op_names(module) == ["sym.const", "sym.mul"]
    product = outputs(module)[0].owner
    assert isinstance(product, sym.MulOp)
    assert const_value(product.rhs) == 1.0 / divisor


def test_division_of_constants_folds_with_one_rounding():
    module = canonicalize(
        make_module(1, lambda emit, a: [emit(sym.DivOp(emit(const(1.0)), emit(const(3.0))))])
    )
    assert const_value(outputs(module)[0]) == 1.0 / 3.0


def test_division_by_a_variable_stays():
    module = canonicalize(make_module(2, lambda emit, a: [emit(sym.DivOp(a[0], a[1]))]))
    assert op_names(module) == ["sym.div"]


def test_division_by_zero_names_the_location():
    def body(emit, args):
        div = sym.DivOp(args[0], emit(const(0.0)))
        div.location = FileLineColLoc(StringAttr("model.py"), IntAttr(7), IntAttr(3))
        return [emit(div)]

    with pytest.raises(SymcError) as info:
        canonicalize(make_module(1, body))
    assert str(info.value) == "division by zero: sym.div by the constant 0 at model.py:7:3"


def test_division_by_a_constant_whose_reciprocal_overflows_is_an_error():
    with pytest.raises(SymcError, match="reciprocal is not a finite float64"):
        canonicalize(make_module(1, lambda emit, a: [emit(sym.DivOp(a[0], emit(const(5e-324))))]))


# --- identities -------------------------------------------------------------------------------

X, ZERO, NEG_X = "x", "zero", "neg x"  # what the first output becomes

IDENTITIES: list[tuple[str, Body, object]] = [
    ("x*1", lambda e, a: [e(sym.MulOp(a[0], e(const(1.0))))], X),
    ("1*x", lambda e, a: [e(sym.MulOp(e(const(1.0)), a[0]))], X),
    ("x*0", lambda e, a: [e(sym.MulOp(a[0], e(const(0.0))))], ZERO),
    ("0*x", lambda e, a: [e(sym.MulOp(e(const(0.0)), a[0]))], ZERO),
    ("x*-1", lambda e, a: [e(sym.MulOp(a[0], e(const(-1.0))))], NEG_X),
    ("-1*x", lambda e, a: [e(sym.MulOp(e(const(-1.0)), a[0]))], NEG_X),
    ("x+0", lambda e, a: [e(sym.AddOp(a[0], e(const(0.0))))], X),
    ("0+x", lambda e, a: [e(sym.AddOp(e(const(0.0)), a[0]))], X),
    ("x-0", lambda e, a: [e(sym.SubOp(a[0], e(const(0.0))))], X),
    ("0-x", lambda e, a: [e(sym.SubOp(e(const(0.0)), a[0]))], NEG_X),
    ("x-x", lambda e, a: [e(sym.SubOp(a[0], a[0]))], ZERO),
    ("-(-x)", lambda e, a: [e(sym.NegOp(e(sym.NegOp(a[0]))))], X),
    ("min(x,x)", lambda e, a: [e(sym.MinOp(a[0], a[0]))], X),
    ("max(x,x)", lambda e, a: [e(sym.MaxOp(a[0], a[0]))], X),
    ("x**1", lambda e, a: [e(sym.PowOp(a[0], 1))], X),
    ("x/1", lambda e, a: [e(sym.DivOp(a[0], e(const(1.0))))], X),
    (
        "x*y-y*x",
        lambda e, a: [e(sym.SubOp(e(sym.MulOp(a[0], a[1])), e(sym.MulOp(a[1], a[0]))))],
        ZERO,
    ),
]


@pytest.mark.parametrize(
    "body, expected", [i[1:] for i in IDENTITIES], ids=[i[0] for i in IDENTITIES]
)
def test_identity(body, expected):
    module = canonicalize(make_module(2, body))
    result = outputs(module)[0]
    x = kernel_of(module).body.block.args[0]
    if expected == ZERO:
        assert op_names(module) == ["sym.const"] and const_value(result) == 0.0
    elif expected == NEG_X:
        assert op_names(module) == ["sym.neg"] and result.owner.operand is x
    else:
        assert op_names(module) == [] and result is x


def test_abs_of_abs_and_of_neg_is_abs():
    def body(emit, args):
        a = emit(sym.AbsOp(args[0]))
        return [emit(sym.AbsOp(a)), emit(sym.AbsOp(emit(sym.NegOp(args[0]))))]

    module = canonicalize(make_module(1, body))
    assert op_names(module) == ["sym.abs"]
    assert outputs(module)[0] is outputs(module)[1]


# --- powers -----------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [2, 3, 4, 5, 6, 7, 8, 15, 16, 33, 63, 64])
def test_power_becomes_multiplications_by_squaring(n):
    module = canonicalize(make_module(1, lambda emit, a: [emit(sym.PowOp(a[0], n))]))
    squarings, extra = n.bit_length() - 1, n.bit_count() - 1
    assert op_names(module) == ["sym.mul"] * (squarings + extra)
    x = np.linspace(-1.5, 1.5, 101)
    np.testing.assert_allclose(evaluate(module, [x])[0][0], x**n, rtol=1e-13)


def test_x_to_the_fifth_is_three_multiplies_sharing_the_square():
    module = canonicalize(make_module(1, lambda emit, a: [emit(sym.PowOp(a[0], 5))]))
    x = kernel_of(module).body.block.args[0]
    x2, x4, x5 = body_ops(module)
    assert (x2.operands[0], x2.operands[1]) == (x, x)
    assert (x4.operands[0], x4.operands[1]) == (x2.results[0], x2.results[0])
    assert (x5.operands[0], x5.operands[1]) == (x4.results[0], x)


def test_powers_of_one_value_share_their_squares():
    module = canonicalize(
        make_module(1, lambda emit, a: [emit(sym.PowOp(a[0], n)) for n in (8, 4, 2, 6)])
    )
    assert op_names(module) == ["sym.mul"] * 4  # x2, x4, x8, x6 = x4 * x2


def test_exponent_above_the_cap_is_an_error():
    with pytest.raises(SymcError, match=r"sym\.pow exponent 65 too large \(max 64\)"):
        canonicalize(make_module(1, lambda emit, a: [emit(sym.PowOp(a[0], 65))]))


def test_exponent_cap_is_an_option():
    module = make_module(1, lambda emit, a: [emit(sym.PowOp(a[0], 5))])
    with pytest.raises(SymcError, match=r"exponent 5 too large \(max 4\)"):
        canonicalize(module, max_exponent=4)
    (spec,) = parse_pipeline("sym-canonicalize{max-exponent=100}")
    assert SymCanonicalizePass.from_spec(spec) == SymCanonicalizePass(max_exponent=100)


# --- sharing and dead code --------------------------------------------------------------------


def test_common_subexpressions_are_shared_across_outputs():
    def body(emit, args):
        y0 = emit(sym.SinOp(emit(sym.MulOp(args[0], args[1]))))
        y1 = emit(sym.AddOp(emit(sym.SinOp(emit(sym.MulOp(args[0], args[1])))), args[0]))
        return [y0, y1]

    module = canonicalize(make_module(2, body))
    assert op_names(module) == ["sym.mul", "sym.sin", "sym.add"]
    assert outputs(module)[1].owner.lhs is outputs(module)[0]


@pytest.mark.parametrize("op", [sym.AddOp, sym.MulOp, sym.MinOp, sym.MaxOp])
def test_commutative_ops_match_in_either_order(op):
    module = canonicalize(
        make_module(2, lambda emit, a: [emit(op(a[0], a[1])), emit(op(a[1], a[0]))])
    )
    assert op_names(module) == [op.name]
    assert outputs(module)[0] is outputs(module)[1]


@pytest.mark.parametrize("op", [sym.SubOp, sym.DivOp])
def test_other_ops_match_only_in_order(op):
    module = canonicalize(
        make_module(
            2, lambda emit, a: [emit(op(a[0], a[1])), emit(op(a[1], a[0])), emit(op(a[0], a[1]))]
        )
    )
    assert op_names(module) == [op.name, op.name]
    first, second, third = outputs(module)
    assert first is third and first is not second


def test_ops_that_differ_in_a_property_stay_apart():
    module = canonicalize(
        make_module(
            1,
            lambda emit, a: [
                emit(sym.MulOp(a[0], emit(const(2.0)))),
                emit(sym.MulOp(a[0], emit(const(3.0)))),
            ],
        )
    )
    assert op_names(module) == ["sym.const", "sym.mul", "sym.const", "sym.mul"]


def test_dead_ops_are_erased():
    def body(emit, args):
        emit(sym.ExpOp(emit(sym.SinOp(args[0]))))  # no output needs these
        return [emit(sym.CosOp(args[0]))]

    assert op_names(canonicalize(make_module(1, body))) == ["sym.cos"]


def test_fixed_point_ops_are_left_alone():
    fixed = sym.FixedType(FixedFormat(16, 6))

    def body(emit, args):
        one = emit(sym.ConstOp(1 << 10, fixed))
        emit(sym.AddOp(args[0], args[0]))  # dead, but not this pass's business
        return [emit(sym.MulOp(args[0], one)), emit(sym.MulOp(args[0], one))]

    module = make_module(1, body, fixed)
    before = text(module)
    assert text(canonicalize(module)) == before


# --- determinism ------------------------------------------------------------------------------


def _busy_body(emit, args):
    x, y = args
    c = emit(const(3.0))
    p = emit(sym.PowOp(emit(sym.AddOp(x, y)), 7))
    q = emit(sym.DivOp(emit(sym.PowOp(emit(sym.AddOp(y, x)), 3)), c))
    return [emit(sym.SubOp(p, q)), emit(sym.MulOp(q, emit(sym.SinOp(p))))]


def test_output_is_deterministic_and_a_fixed_point():
    first = text(canonicalize(make_module(2, _busy_body)))
    second = canonicalize(make_module(2, _busy_body))
    assert text(second) == first
    assert text(canonicalize(second)) == first


# --- property: canonicalization keeps the values ----------------------------------------------

LEAF_CONSTANTS = [0.0, 1.0, -1.0, 0.5, 2.0, -2.5, 3.0, 0.1]
UNARY = {
    "neg": sym.NegOp,
    "abs": sym.AbsOp,
    "sin": sym.SinOp,
    "cos": sym.CosOp,
    "tanh": sym.TanhOp,
    "exp": sym.ExpOp,
}
BINARY = {"add": sym.AddOp, "sub": sym.SubOp, "mul": sym.MulOp, "min": sym.MinOp, "max": sym.MaxOp}

leaf = st.one_of(
    st.tuples(st.just("x"), st.integers(0, 2)),
    st.tuples(st.just("c"), st.sampled_from(LEAF_CONSTANTS)),
)


def _extend(children):
    return st.one_of(
        st.tuples(st.sampled_from(sorted(BINARY)), children, children),
        st.tuples(st.sampled_from(sorted(UNARY)), children),
        st.tuples(st.just("div"), children, st.sampled_from([c for c in LEAF_CONSTANTS if c])),
        st.tuples(st.just("pow"), children, st.integers(1, 5)),
    )


trees = st.recursive(leaf, _extend, max_leaves=10)


def _build(tree, emit, args, mirror: bool) -> SSAValue:
    """The ops of ``tree``, not shared (CSE's job); ``mirror`` swaps commutative operands."""
    kind = tree[0]
    if kind == "x":
        return args[tree[1]]
    if kind == "c":
        return emit(const(tree[1]))
    if kind == "div":
        return emit(sym.DivOp(_build(tree[1], emit, args, mirror), emit(const(tree[2]))))
    if kind == "pow":
        return emit(sym.PowOp(_build(tree[1], emit, args, mirror), tree[2]))
    if kind in UNARY:
        return emit(UNARY[kind](_build(tree[1], emit, args, mirror)))
    lhs, rhs = _build(tree[1], emit, args, mirror), _build(tree[2], emit, args, mirror)
    if mirror and kind != "sub":
        lhs, rhs = rhs, lhs
    return emit(BINARY[kind](lhs, rhs))


@settings(max_examples=300, deadline=None)
@given(t0=trees, t1=trees, combine=st.sampled_from(sorted(BINARY)), seed=st.integers(0, 2**32 - 1))
def test_canonicalize_keeps_the_values(t0, t1, combine, seed):
    def body(emit, args):
        y0 = _build(t0, emit, args, mirror=False)
        # The second output repeats the first tree (mirrored): CSE must share it.
        y1 = emit(
            BINARY[combine](
                _build(t0, emit, args, mirror=True), _build(t1, emit, args, mirror=False)
            )
        )
        return [y0, y1]

    rng = np.random.default_rng(seed)
    corners = np.array([0.0, 1.0, -1.0, 2.0, -2.0])
    x = [np.concatenate([corners, rng.uniform(-2.0, 2.0, 64)]) for _ in range(3)]
    module = make_module(3, body)
    before, before_values = evaluate(module, x)
    try:
        canonicalize(module)
    except SymcError:  # only a fold that overflows, which the float evaluation shows too
        assert any(not np.all(np.isfinite(v)) for v in before_values)
        return
    after, _ = evaluate(module, x)

    # What the pass promises about its output.
    ops = body_ops(module)
    assert not any(isinstance(op, sym.PowOp) for op in ops)
    assert not any(isinstance(op, sym.DivOp) for op in ops)
    keys = [
        (
            op.name,
            frozenset(op.operands)
            if isinstance(op, (sym.AddOp, sym.MulOp, sym.MinOp, sym.MaxOp))
            else tuple(op.operands),
            tuple(sorted(op.properties.items())),
        )
        for op in ops
    ]
    assert len(set(keys)) == len(keys), "two identical ops survived"
    for op in ops:
        if op.operands and all(const_value(v) is not None for v in op.operands):
            assert type(op) in (sym.SinOp, sym.CosOp, sym.TanhOp, sym.ExpOp)

    # The values, where the original kernel computes finite ones: rewrites change rounding
    # (relative 1e-12 covers that); a difference that cancels later stays small in absolute
    # terms relative to the largest value computed on the way.
    finite = np.all([np.isfinite(v) for v in before_values], axis=0)
    scale = np.max(np.abs(before_values), axis=0, initial=1.0, where=finite)
    for b, a in zip(before, after, strict=True):
        diff = np.abs(a[finite] - b[finite])
        bound = 1e-12 * (np.abs(b[finite]) + scale[finite])
        assert np.all(diff <= bound), text(module)


def test_equal_constants_with_different_bounds_merge_keeping_the_larger():
    # 2/-2.5 - 2/-2.5 folds to 0.0 within the two quotients' rounding; 0*x0 to an exact 0.0.
    # They are one constant, which keeps the larger bound.
    tree = ("sub", ("div", ("c", 2.0), -2.5), ("div", ("c", 2.0), -2.5))

    def body(emit, args):
        y0 = _build(tree, emit, args, mirror=False)
        return [y0, emit(BINARY["mul"](_build(tree, emit, args, mirror=True),
                                       _build(("x", 0), emit, args, mirror=False)))]

    module = make_module(3, body)
    canonicalize(module)
    consts = [op for op in body_ops(module) if isinstance(op, sym.ConstOp)]
    assert len(consts) == 1 and consts[0].real_value == 0.0
    assert consts[0].rounding > 0
