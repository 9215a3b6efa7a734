"""convert-sym-to-hw: the generated RTL equals symc.fixed bit for bit.

Each test builds a legalized kernel with many outputs, lowers it, exports Verilog through
CIRCT, builds one Verilator model and runs a few thousand vectors (the extremes of every
format included) through it. The expected outputs come from a small interpreter written
directly on symc.fixed's definitions (raw integers, result formats, ``cast_raw``), so that a
mismatch points at the pass, not at a second copy of the semantics.
"""

from __future__ import annotations

import io
import itertools
import random
from collections.abc import Callable

import pytest
from xdsl.context import Context
from xdsl.dialects import hw
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Block, Operation, Region, SSAValue
from xdsl.printer import Printer

from symc.dialects import sym
from symc.fixed import FixedFormat, Overflow, Quant, cast_raw, result_format
from symc.frontend.errors import SymcError
from symc.passes.convert_sym_to_hw import ConvertSymToHWPass
from symc.passes.schedule import SymSchedulePass
from symc.toolchain.errors import ToolError

Fmt = FixedFormat

# --- building kernels -------------------------------------------------------------------------


class KernelBuilder:
    """Collects inputs, ops and named outputs, then makes the ``sym.kernel``."""

    def __init__(self, name: str, inputs: list[tuple[str, FixedFormat]]):
        self.name = name
        self.inputs = inputs
        self.block = Block(arg_types=[sym.FixedType(f) for _, f in inputs])
        self.arg = {n: a for (n, _), a in zip(inputs, self.block.args, strict=True)}
        self.outputs: list[tuple[str, SSAValue]] = []

    def op(self, op: Operation, name: str | None = None) -> SSAValue:
        self.block.add_op(op)
        op.results[0].name_hint = name
        return op.results[0]

    def out(self, name: str, op: Operation | SSAValue) -> SSAValue:
        value = self.op(op, name) if isinstance(op, Operation) else op
        self.outputs.append((name, value))
        return value

    def kernel(self) -> sym.KernelOp:
        self.block.add_op(sym.OutputOp([v for _, v in self.outputs]))
        inputs = [(n, sym.FixedType(f)) for n, f in self.inputs]
        return sym.KernelOp(
            self.name, inputs, [n for n, _ in self.outputs], body=Region(self.block)
        )


def fmt_of(value: SSAValue) -> FixedFormat:
    assert isinstance(value.type, sym.FixedType)
    return value.type.format


# --- the reference: symc.fixed, op by op ------------------------------------------------------


def aligned(raw: int, src: FixedFormat, dst: FixedFormat) -> int:
    """``raw`` of ``src`` as a raw integer at ``dst``'s scale (exact: dst has more frac bits)."""
    assert dst.frac_bits >= src.frac_bits
    return raw << (dst.frac_bits - src.frac_bits)


def reference(kernel: sym.KernelOp, rows: list[list[int]]) -> list[list[int]]:
    """The kernel's outputs for every row of input raws, computed op by op (column-wise)."""
    columns = zip(*rows, strict=True)
    env: dict[SSAValue, list[int]] = dict(zip(kernel.body.block.args, columns, strict=True))
    binary: dict[type, Callable[[int, int], int]] = {
        sym.AddOp: int.__add__,
        sym.SubOp: int.__sub__,
        sym.MinOp: min,
        sym.MaxOp: max,
    }
    for op in kernel.body.block.ops:
        if isinstance(op, sym.OutputOp):
            return [list(row) for row in zip(*(env[v] for v in op.operands), strict=True)]
        res = fmt_of(op.results[0])
        if isinstance(op, sym.ConstOp):
            column = [op.value.data] * len(rows)
        elif isinstance(op, sym.CastOp):
            src, quant, overflow = fmt_of(op.input), op.quant, op.overflow
            column = [cast_raw(r, src, res, quant, overflow) for r in env[op.input]]
        elif isinstance(op, sym.NegOp | sym.AbsOp):
            src = fmt_of(op.operand)
            fn = int.__neg__ if isinstance(op, sym.NegOp) else abs
            column = [fn(aligned(r, src, res)) for r in env[op.operand]]
        elif isinstance(op, sym.MulOp):
            column = [a * b for a, b in zip(env[op.lhs], env[op.rhs], strict=True)]
        else:
            assert isinstance(op, sym.BinarySymOp)
            fa, fb, fn = fmt_of(op.lhs), fmt_of(op.rhs), binary[type(op)]
            column = [
                fn(aligned(a, fa, res), aligned(b, fb, res))
                for a, b in zip(env[op.lhs], env[op.rhs], strict=True)
            ]
        # The result formats promise exactness; the comparison relies on it.
        assert all(res.min_raw <= r <= res.max_raw for r in column), op.name
        env[op.results[0]] = column
    raise AssertionError("kernel without sym.output")


# --- vectors ----------------------------------------------------------------------------------


def corner_raws(fmt: FixedFormat) -> list[int]:
    values = {fmt.min_raw, fmt.min_raw + 1, fmt.max_raw, fmt.max_raw - 1, 0, 1, -1}
    return sorted(v for v in values if fmt.contains_raw(v))


def random_raw(rng: random.Random, fmt: FixedFormat) -> int:
    choice = rng.random()
    if choice < 0.2:
        return rng.choice(corner_raws(fmt))
    raw = rng.randint(fmt.min_raw, fmt.max_raw)
    if choice < 0.6:
        # Few low bits set: exact halves and other ties for whatever number of bits a cast drops.
        low = rng.randint(0, fmt.width)
        raw = (raw >> low) << low
        if low and rng.random() < 0.5:
            raw += 1 << (low - 1)
    return raw if fmt.contains_raw(raw) else fmt.max_raw


def vectors(formats: list[FixedFormat], count: int, seed: int) -> list[list[int]]:
    rng = random.Random(seed)
    # Every input at the same corner together, then mixed extremes, then random rows.
    rows = [[v if f.contains_raw(v) else 0 for f in formats] for v in (0, 1, -1)]
    rows += [[f.min_raw for f in formats], [f.max_raw for f in formats]]
    rows += [[f.max_raw if i % 2 else f.min_raw for i, f in enumerate(formats)]]
    rows += [[random_raw(rng, f) for f in formats] for _ in range(count)]
    return rows


# --- running ----------------------------------------------------------------------------------


def lower(kernel: sym.KernelOp, family: str | None = None) -> ModuleOp:
    """The hw module of ``kernel``; with a ``family``, sym-schedule (combinational) chooses
    its multipliers first, as the compiler does, else every product is a DSP block and every
    min/max a comparison (written on the ops, as in hand-written IR)."""
    module = ModuleOp([kernel])
    module.verify()
    if family is not None:
        SymSchedulePass(family=family).apply(Context(), module)
    else:
        for op in kernel.body.block.ops:
            if isinstance(op, sym.MulOp):
                op.attributes["mul_impl"] = sym.MulImplAttr(sym.MulImpl.DSP)
            elif isinstance(op, sym.MinOp | sym.MaxOp):
                op.attributes["minmax_impl"] = sym.MinMaxImplAttr(sym.MinMaxImpl.COMPARE)
    ConvertSymToHWPass().apply(Context(), module)
    module.verify()
    return module


def mlir_text(module: ModuleOp) -> str:
    stream = io.StringIO()
    Printer(stream=stream).print_op(module)
    return stream.getvalue()


def to_signed(bits: int, fmt: FixedFormat) -> int:
    return bits - (1 << fmt.width) if fmt.signed and bits >> (fmt.width - 1) else bits


def check_against_rtl(builder: KernelBuilder, count: int = 2000, seed: int = 0,
                      family: str | None = None) -> None:
    export_verilog = pytest.importorskip("symc.toolchain.circt").export_verilog
    verilator = pytest.importorskip("symc.toolchain.verilator")
    try:
        verilator.find_verilator()
    except ToolError as error:
        pytest.skip(str(error))
    kernel = builder.kernel()
    in_formats = [f for _, f in builder.inputs]
    out_formats = [fmt_of(v) for v in kernel.output_op.operands]
    rows = vectors(in_formats, count, seed)
    expected = reference(kernel, rows)

    module = lower(kernel, family)
    verilog = export_verilog(mlir_text(module))
    bench = verilator.Testbench(
        verilog,
        kernel.sym_name.data,
        inputs=[(n, f.width) for n, f in builder.inputs],
        outputs=[(n, f.width) for n, f in zip(kernel.outputs, out_formats, strict=True)],
    )
    with bench:
        got = bench.run(
            [
                [r & ((1 << f.width) - 1) for r, f in zip(row, in_formats, strict=True)]
                for row in rows
            ]
        )
    mismatches = []
    for row, want, have in zip(rows, expected, got, strict=True):
        have = [to_signed(b, f) for b, f in zip(have, out_formats, strict=True)]
        for name, w, h in zip(kernel.outputs, want, have, strict=True):
            if w != h:
                mismatches.append(f"{name}: inputs {row}: expected {w}, RTL gives {h}")
    assert not mismatches, f"{len(mismatches)} mismatches, first ones:\n" + "\n".join(
        mismatches[:20]
    )


# --- tests: structure and diagnostics ---------------------------------------------------------


def small_kernel() -> KernelBuilder:
    b = KernelBuilder("top", [("x", Fmt(8, 4)), ("y", Fmt(6, 2, False))])
    b.out("s", sym.AddOp(b.arg["x"], b.arg["y"]))
    return b


def test_ports_and_no_sym_left():
    module = lower(small_kernel().kernel())
    (top,) = module.ops
    assert isinstance(top, hw.HWModuleOp)
    assert top.sym_name.data == "top"
    ports = [(p.port_name.data, p.type.width.data, p.dir.data) for p in top.module_type.ports]
    assert ports == [
        ("x", 8, hw.Direction.INPUT),
        ("y", 6, hw.Direction.INPUT),
        ("s", 9, hw.Direction.OUTPUT),
    ]
    assert not [op for op in module.walk() if op.dialect_name() == "sym"]


def test_circt_parses_the_output():
    ir = pytest.importorskip("circt.ir")
    import circt

    text = mlir_text(lower(small_kernel().kernel()))
    with ir.Context() as ctx:
        circt.register_dialects(ctx)
        assert "hw.module @top" in str(ir.Module.parse(text))


def real_kernel(make: Callable[[SSAValue], Operation]) -> sym.KernelOp:
    block = Block(arg_types=[sym.RealType()])
    op = make(block.args[0])
    block.add_ops([op, sym.OutputOp([op])])
    return sym.KernelOp("top", [("x", sym.RealType())], ["y"], body=Region(block))


@pytest.mark.parametrize(
    ("make", "op_name", "legalizer"),
    [
        (lambda x: sym.SinOp(x), "sym.sin", "sym-approximate-lut"),
        (lambda x: sym.DivOp(x, x), "sym.div", "sym-approximate-lut"),
        (lambda x: sym.PowOp(x, 3), "sym.pow", "sym-canonicalize"),
        (lambda x: sym.AddOp(x, x), "sym.add", "sym-legalize-fixed"),
    ],
)
def test_unconvertible_ops_raise_and_leave_the_module_alone(make, op_name, legalizer):
    module = ModuleOp([real_kernel(make)])
    before = mlir_text(module)
    with pytest.raises(SymcError) as info:
        ConvertSymToHWPass().apply(Context(), module)
    message = str(info.value)
    assert f"'{op_name}'" in message and legalizer in message and "convert-sym-to-hw" in message
    assert mlir_text(module) == before


def test_fixed_kernel_with_a_real_op_names_legalize_fixed():
    b = KernelBuilder("top", [("x", Fmt(8, 4))])
    b.out("y", sym.AddOp(b.arg["x"], b.arg["x"]))
    b.out("r", sym.ConstOp(1.5, sym.RealType()))
    with pytest.raises(SymcError, match="'sym.const'.*sym-legalize-fixed"):
        ConvertSymToHWPass().apply(Context(), ModuleOp([b.kernel()]))


# --- tests: bit-exact against symc.fixed ------------------------------------------------------


@pytest.mark.slow
def test_exact_ops():
    a, b_, c, d = Fmt(10, 4), Fmt(7, 5, False), Fmt(6, -2), Fmt(5, 8, False)
    b = KernelBuilder("exact", [("a", a), ("b", b_), ("c", c), ("d", d)])
    x = b.arg
    k1 = b.op(sym.ConstOp(-37, sym.FixedType(Fmt(8, 3))), "k1")
    k2 = b.op(sym.ConstOp(200, sym.FixedType(Fmt(8, 1, False))), "k2")
    pairs = [("a", "b"), ("b", "a"), ("a", "c"), ("b", "d"), ("d", "b"), ("c", "d"), ("a", "a")]
    for op_class, short in [
        (sym.AddOp, "add"),
        (sym.SubOp, "sub"),
        (sym.MulOp, "mul"),
        (sym.MinOp, "min"),
        (sym.MaxOp, "max"),
    ]:
        for p, q in pairs:
            b.out(f"{short}_{p}{q}", op_class(x[p], x[q]))
        b.out(f"{short}_ak1", op_class(x["a"], k1))
        b.out(f"{short}_k2d", op_class(k2, x["d"]))
    for name in "abcd":
        b.out(f"neg_{name}", sym.NegOp(x[name]))
        b.out(f"abs_{name}", sym.AbsOp(x[name]))
    b.out("k1", k1)
    b.out("pass_c", x["c"])
    # A chain, so that lowered values feed lowered values.
    t = b.op(sym.MulOp(x["a"], x["b"]), "t")
    t = b.op(sym.SubOp(t, x["c"]), "t2")
    b.out("chain", sym.AbsOp(b.op(sym.MaxOp(t, k1), "t3")))
    check_against_rtl(b, seed=1)


# (source, destination) pairs that every quantization x overflow mode is tried on.
CAST_CASES = [
    (Fmt(12, 5), Fmt(6, 3)),  # drop 4 bits, fewer int bits
    (Fmt(11, 4, False), Fmt(7, 2)),  # drop 2 bits (one sticky bit), unsigned -> signed
    (Fmt(12, 5), Fmt(7, 1)),  # drop 1 bit (no sticky bits)
    (Fmt(12, 5), Fmt(5, 2, False)),  # signed -> unsigned
    (Fmt(11, 4, False), Fmt(6, 2, False)),  # unsigned -> unsigned, drop 3 bits
    (Fmt(11, 4, False), Fmt(5, 3, False)),  # unsigned -> unsigned, drop 5 bits
    (Fmt(12, 5), Fmt(4, 7)),  # negative frac bits in the destination
    (Fmt(6, -2), Fmt(3, -3)),  # negative int bits in both
    (Fmt(6, -2), Fmt(4, 2)),  # drop exactly all 6 bits
    (Fmt(6, -2), Fmt(4, 3)),  # drop 7 bits, where the pass starts clamping
    (Fmt(12, 5), Fmt(20, 8)),  # widening: exact shift left, more int bits
    (Fmt(12, 5), Fmt(16, 10, False)),  # widening into unsigned
    (Fmt(12, 5), Fmt(12, 2)),  # shift left, fewer int bits: overflow without rounding
    (Fmt(12, 5), Fmt(4, 20)),  # the whole value is dropped
    (Fmt(6, -2), Fmt(8, -10)),  # shifted left past the destination width
    (Fmt(11, 4, False), Fmt(3, 14, False)),  # whole value dropped, unsigned
]


@pytest.mark.slow
def test_cast_every_mode():
    sources = sorted({src for src, _ in CAST_CASES})
    names = {src: f"in{i}" for i, src in enumerate(sources)}
    b = KernelBuilder("casts", [(names[s], s) for s in sources])
    for case, (src, dst) in enumerate(CAST_CASES):
        for quant, overflow in itertools.product(Quant, Overflow):
            op = sym.CastOp(b.arg[names[src]], sym.FixedType(dst), quant, overflow)
            b.out(f"c{case}_{quant.name}_{overflow.name}", op)
    check_against_rtl(b, count=3000, seed=2)


@pytest.mark.slow
def test_wide_values():
    w40, u40 = Fmt(40, 12), Fmt(40, 30, False)
    b = KernelBuilder("wide", [("a", w40), ("b", w40), ("u", u40)])
    x = b.arg
    p = b.out("p", sym.MulOp(x["a"], x["b"]))  # 80 bits
    pu = b.out("pu", sym.MulOp(x["a"], x["u"]))
    b.out("s", sym.AddOp(p, x["u"]))
    b.out("m", sym.MinOp(pu, p))
    b.out("n", sym.NegOp(pu))
    b.out("r", sym.AbsOp(p))
    for quant, overflow in [
        (Quant.AP_RND_CONV, Overflow.AP_SAT),
        (Quant.AP_RND, Overflow.AP_WRAP),
        (Quant.AP_TRN_ZERO, Overflow.AP_SAT_SYM),
        (Quant.AP_RND_ZERO, Overflow.AP_SAT_ZERO),
    ]:
        for dst in (Fmt(70, 20), Fmt(36, 10), Fmt(100, 40, False)):
            b.out(
                f"c_{quant.name}_{overflow.name}_{dst.width}",
                sym.CastOp(p, sym.FixedType(dst), quant, overflow),
            )
    check_against_rtl(b, seed=3)


@pytest.mark.slow
def test_random_formats():
    """Casts and exact ops between randomly drawn formats: the corners nobody listed."""
    rng = random.Random(4)

    def draw() -> FixedFormat:
        width = rng.randint(1, 14)
        return Fmt(width, rng.randint(-6, width + 6), rng.random() < 0.6)

    formats = [draw() for _ in range(10)]
    b = KernelBuilder("fuzz", [(f"x{i}", f) for i, f in enumerate(formats)])
    values = list(b.block.args)
    exact = [sym.AddOp, sym.SubOp, sym.MulOp, sym.MinOp, sym.MaxOp, sym.NegOp, sym.AbsOp]
    for i in range(120):
        if i % 2:
            op_class = rng.choice(exact)
            operands = rng.sample(values, 1 if issubclass(op_class, sym.UnarySymOp) else 2)
            kind = op_class.KIND
            assert kind is not None
            if result_format(kind, *(fmt_of(v) for v in operands)).width > 24:
                continue  # keep the products of products small
            op = op_class(*operands)
        else:
            op = sym.CastOp(
                rng.choice(values),
                sym.FixedType(draw()),
                rng.choice(list(Quant)),
                rng.choice(list(Overflow)),
            )
        values.append(b.out(f"y{i}", op))
    check_against_rtl(b, count=3000, seed=5)


@pytest.mark.slow
@pytest.mark.parametrize("family", ["xcup", "xc7"])
def test_products_as_chains_of_dsp_blocks(family):
    """Products wider than one DSP block become chains of blocks (sym-schedule's
    ``cascade_pieces``): signed and unsigned operands, either operand cut, the top piece
    signed or not, two to four blocks."""
    from symc.delays import load

    shapes = [
        (Fmt(22, 5), Fmt(52, 30)),
        (Fmt(54, 20), Fmt(23, 3)),
        (Fmt(20, 4, False), Fmt(30, 9, False)),
        (Fmt(24, 4, False), Fmt(40, 12)),
        (Fmt(25, 1), Fmt(19, 19, False)),
        (Fmt(18, 2), Fmt(36, 6)),
        (Fmt(21, 3), Fmt(35, 7, False)),
        (Fmt(19, 3), Fmt(19, -2)),
    ]
    inputs = [(f"a{i}", lhs) for i, (lhs, _) in enumerate(shapes)]
    inputs += [(f"b{i}", rhs) for i, (_, rhs) in enumerate(shapes)]

    def products() -> KernelBuilder:
        b = KernelBuilder("chains", inputs)
        for i in range(len(shapes)):
            b.out(f"p{i}", sym.MulOp(b.arg[f"a{i}"], b.arg[f"b{i}"]))
        return b

    kernel = products().kernel()
    SymSchedulePass(family=family).apply(Context(), ModuleOp([kernel]))
    model = load(family)
    chains = [op for op in kernel.body.block.ops if isinstance(op, sym.MulOp)
              and "cascade_pieces" in op.attributes]
    assert len(chains) == len(shapes)  # every one of them is a chain: the test tests them
    assert all(len(model.cascade(op).pieces) >= 2 for op in chains)
    check_against_rtl(products(), count=3000, seed=11, family=family)
