"""HLS C++ backend: the legalized ``sym`` kernel printed as C++ for Vitis HLS / Vivado HLS.

The second backend of symc, fed by the same IR as the Verilog one: the legalized kernel after
``sym-legalize-fixed`` (``Design.fixed_module``), where every value is ``!sym.fixed<W, I>``.
Each SSA value becomes one C++ variable declared with exactly its IR type, ``ap_fixed<W,I>`` or
``ap_ufixed<W,I>``. The IR's result types are ap_fixed's own promotion types (:mod:`symc.fixed`),
so ``a + b``, ``a - b``, ``a * b`` and ``-a`` assigned to them are exact; ``sym.cast``, the only
inexact op, is an assignment to ``ap_fixed<W,I,Q,O>``, whose template modes do the rounding and
the overflow. Tables (``sym.lut``) are explicit ``static const`` arrays of their values with
the indexing :mod:`symc.tables` defines. The C++ therefore computes what the emulator computes,
bit for bit; ``Design.csim`` checks that with g++ and the Xilinx ap_types headers.

Ports. Inputs that all share one format are one array ``const input_t x[N_INPUTS]`` (index =
input order, as hls4ml's top functions take them); inputs of different formats (``precision=
"auto"``) are scalar parameters, one per input, each with its own typedef ``<port>_t``. Outputs
likewise: ``result_t y[N_OUTPUTS]``, or one reference parameter ``<port>_t &<port>`` each. The
input types carry the design's quantization modes, so a caller converting a float into them
quantizes as ``Design.predict`` does.

The printer is one class with one method per sym op (``print_add`` for ``sym.add``, ...);
an op without a method is an error that names it. The project files around the printed code
(testbench, build scripts, layouts) are :mod:`symc.backends.hls_project`'s.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from xdsl.dialects.builtin import IntAttr, ModuleOp
from xdsl.ir import BlockArgument, Operation, SSAValue

from symc.dialects import sym
from symc.fixed import FixedFormat, Overflow, Precision, Quant, format_for_raw_range, sub_format
from symc.frontend.errors import SymcError
from symc.frontend.names import CPP_KEYWORDS, HLS_RESERVED, IDENTIFIER
from symc.tables import HLS4ML_DIV_FORMAT, Table

EXACT_DOUBLE_BITS = 53
"""Constants with fewer significant bits than a double's mantissa are printed as double
literals (as hls4ml prints weights); wider ones as ap_fixed strings, exact at any width."""

TABLE_VALUES_PER_LINE = 16


@dataclass(frozen=True)
class HLSPort:
    """One input or output of the top function, as C++ sees it."""

    name: str
    """The port's name (the kernel's): the scalar parameter, or a comment for array ports."""
    format: FixedFormat
    type_name: str
    """Its typedef (``input_t``, ``result_t`` or ``<port>_t``)."""
    access: str
    """The C++ expression that reads or writes it: ``x[0]`` or ``x0``."""


@dataclass(frozen=True)
class HLSCode:
    """The printed design: the header and the source of its top function, and its ports."""

    top: str
    header: str
    source: str
    inputs: tuple[HLSPort, ...]
    outputs: tuple[HLSPort, ...]
    input_array: str | None
    """Name of the input array parameter, or None when the inputs are scalar parameters."""
    output_array: str | None
    renamed: tuple[tuple[str, str], ...] = ()
    """Kernel port names that are not C++ identifiers, and the names the C++ gives them."""


def cpp_type(fmt: FixedFormat, quant: Quant = Quant.AP_TRN,
             overflow: Overflow = Overflow.AP_WRAP) -> str:
    """``ap_fixed<W,I>`` (modes only when not ``AP_TRN, AP_WRAP``), from :mod:`symc.fixed`."""
    return str(Precision(fmt, quant, overflow))


def literal(raw: int, fmt: FixedFormat) -> str:
    """A C++ initializer whose value is exactly ``raw * 2**-F`` in type ``fmt``.

    A double literal when the double is exact (printed by ``repr``: the shortest text that reads
    back as the same double); otherwise ap_fixed's string form, ``"-0x1a.8"`` (hexadecimal with a
    binary point), which the ap_types headers and HLS synthesis read exactly at any width.
    """
    if abs(raw) < 1 << EXACT_DOUBLE_BITS:
        value = fmt.to_float(raw)
        if math.isfinite(value) and Fraction(value) == Fraction(raw) / Fraction(2) ** fmt.frac_bits:
            return repr(value)
    magnitude, frac_bits = abs(raw), fmt.frac_bits
    if frac_bits <= 0:
        text = f"0x{magnitude << -frac_bits:x}"
    else:
        digits = -(-frac_bits // 4)
        scaled = magnitude << (4 * digits - frac_bits)
        whole, frac = divmod(scaled, 1 << (4 * digits))
        text = f"0x{whole:x}.{frac:0{digits}x}"
    return f'"{"-" if raw < 0 else ""}{text}"'


def constant(raw: int, fmt: FixedFormat) -> str:
    """A typed constant expression: ``ap_fixed<16,6>(0.5)``."""
    return f"{cpp_type(fmt)}({literal(raw, fmt)})"


class _Names:
    """C++ identifiers, each given once: taken words are skipped by appending ``_``."""

    def __init__(self, reserved: Iterable[str]):
        self.taken: set[str] = set(reserved)

    def claim(self, wanted: str) -> str:
        name = wanted if IDENTIFIER.match(wanted) else "v"
        while name in self.taken:
            name += "_"
        self.taken.add(name)
        return name


def kernel_of(module: ModuleOp) -> sym.KernelOp:
    kernels = [op for op in module.walk() if isinstance(op, sym.KernelOp)]
    if len(kernels) != 1:
        raise SymcError(f"the HLS printer prints one sym.kernel, found {len(kernels)}")
    return kernels[0]


class HLSPrinter:
    """Prints one legalized kernel as an HLS C++ top function (see the module docstring).

    ``input_quant`` / ``input_overflow`` are the modes of the input typedefs: how a caller's
    float becomes an input (the design's precision), without effect on the kernel itself.
    """

    def __init__(self, kernel: sym.KernelOp, input_quant: Quant = Quant.AP_TRN,
                 input_overflow: Overflow = Overflow.AP_WRAP):
        self.kernel = kernel
        self.top = kernel.sym_name.data
        self.input_quant = input_quant
        self.input_overflow = input_overflow
        # Ports first, so that they keep the kernel's names; then the file-scope names the
        # function reads (typedefs, tables), which no local may shadow; then the locals.
        self.names = _Names(CPP_KEYWORDS | HLS_RESERVED | {self.top, "main"})
        self.values: dict[SSAValue, str] = {}
        self.body: list[str] = []
        self.tables: list[str] = []
        self.helpers: list[str] = []
        self._from_raw_name: str | None = None
        self.typedefs: list[str] = []
        self.renamed: list[tuple[str, str]] = []
        self._unnamed = 0
        self._check_legalized()

    # --- driver ---------------------------------------------------------------------------

    def print(self) -> HLSCode:
        block = self.kernel.body.block
        output = self.kernel.output_op
        in_formats = [sym.format_of(a) for a in block.args]
        out_formats = [sym.format_of(v) for v in output.operands]
        port_names = [self._port_name(n) for n in (*self.kernel.inputs, *self.kernel.outputs)]
        in_names, out_names = port_names[: len(in_formats)], port_names[len(in_formats):]
        input_array = self.names.claim("x") if _one_format(in_formats) else None
        output_array = self.names.claim("y") if _one_format(out_formats) else None
        inputs = self._ports(in_names, in_formats, input_array, "input_t", "N_INPUTS",
                             self.input_quant, self.input_overflow)
        outputs = self._ports(out_names, out_formats, output_array, "result_t", "N_OUTPUTS")
        params = self._params(inputs, input_array, "N_INPUTS", const=True)
        params += self._params(outputs, output_array, "N_OUTPUTS", const=False)
        signature = f"void {self.top}({', '.join(params)})"

        for arg, port in zip(block.args, inputs, strict=True):
            self._bind_input(arg, port, input_array is not None)
        for op in block.ops:
            if op is output:
                continue
            method = getattr(self, "print_" + op.name.removeprefix("sym."), None)
            if method is None:
                raise SymcError(f"the HLS printer cannot print '{op.name}'")
            method(op)
        for port, value in zip(outputs, output.operands, strict=True):
            self.body.append(f"{port.access} = {self.values[value]};")

        pragmas = ["#pragma HLS PIPELINE II=1"]
        for array in (input_array, output_array):
            if array is not None:
                pragmas.append(f"#pragma HLS ARRAY_PARTITION variable={array} complete dim=0")
        for port_name in _interface_ports(inputs, input_array, outputs, output_array):
            pragmas.append(f"#pragma HLS INTERFACE ap_vld port={port_name}")
        return HLSCode(
            top=self.top,
            header=self._header(signature, inputs, outputs, input_array, output_array),
            source=self._source(signature, pragmas),
            inputs=tuple(inputs),
            outputs=tuple(outputs),
            input_array=input_array,
            output_array=output_array,
            renamed=tuple(self.renamed),
        )

    def _check_legalized(self) -> None:
        for arg, name in zip(self.kernel.body.block.args, self.kernel.inputs, strict=True):
            if not isinstance(arg.type, sym.FixedType):
                raise SymcError(f"the HLS printer needs a legalized kernel: input '{name}' is "
                                f"{arg.type}, not fixed point (run sym-legalize-fixed first)")
        for op in self.kernel.body.block.ops:
            for value in (*op.operands, *op.results):
                if not isinstance(value.type, sym.FixedType):
                    raise SymcError(
                        f"the HLS printer cannot print '{op.name}' on {value.type} values: "
                        "it prints legalized kernels (run sym-legalize-fixed first)"
                    )

    # --- ports ------------------------------------------------------------------------------

    def _port_name(self, name: str) -> str:
        port = self.names.claim(name)
        if port != name:
            self.renamed.append((name, port))
        return port

    def _ports(self, names: list[str], formats: list[FixedFormat], array: str | None,
               shared_type: str, count: str, quant: Quant = Quant.AP_TRN,
               overflow: Overflow = Overflow.AP_WRAP) -> list[HLSPort]:
        if array is not None:
            type_name = self.names.claim(shared_type)
            self.names.claim(count)
            shared = cpp_type(formats[0], quant, overflow)
            self.typedefs.append(f"typedef {shared} {type_name};")
            return [HLSPort(n, f, type_name, f"{array}[{i}]")
                    for i, (n, f) in enumerate(zip(names, formats, strict=True))]
        ports = []
        for name, fmt in zip(names, formats, strict=True):
            type_name = self.names.claim(f"{name}_t")
            self.typedefs.append(f"typedef {cpp_type(fmt, quant, overflow)} {type_name};")
            ports.append(HLSPort(name, fmt, type_name, name))
        return ports

    @staticmethod
    def _params(ports: list[HLSPort], array: str | None, count: str, const: bool) -> list[str]:
        if not ports:
            return []
        if array is not None:
            return [f"{'const ' if const else ''}{ports[0].type_name} {array}[{count}]"]
        if const:
            return [f"{p.type_name} {p.name}" for p in ports]
        return [f"{p.type_name} &{p.name}" for p in ports]

    def _bind_input(self, arg: BlockArgument, port: HLSPort, from_array: bool) -> None:
        # Array elements get a local named after their port, so the C++ reads like the IR.
        self.values[arg] = port.name
        if from_array:
            self.body.append(f"const {port.type_name} {port.name} = {port.access};")

    # --- values -----------------------------------------------------------------------------

    def _local(self, value: SSAValue) -> str:
        hint = value.name_hint
        if hint is None:
            hint = f"v{self._unnamed}"
            self._unnamed += 1
        name = self.names.claim(hint)
        self.values[value] = name
        return name

    def _define(self, op: Operation, expression: str, type_text: str | None = None) -> str:
        value = op.results[0]
        name = self._local(value)
        text = type_text or cpp_type(sym.format_of(value))
        self.body.append(f"const {text} {name} = {expression};")
        return name

    def _temp(self, base: str, fmt: FixedFormat, expression: str,
              type_text: str | None = None) -> str:
        name = self.names.claim(base)
        self.body.append(f"const {type_text or cpp_type(fmt)} {name} = {expression};")
        return name

    # --- one method per sym op --------------------------------------------------------------

    def print_const(self, op: sym.ConstOp) -> None:
        assert isinstance(op.value, IntAttr)
        self._define(op, literal(op.value.data, sym.format_of(op.result)))

    def print_add(self, op: sym.AddOp) -> None:
        self._define(op, f"{self.values[op.lhs]} + {self.values[op.rhs]}")

    def print_sub(self, op: sym.SubOp) -> None:
        self._define(op, f"{self.values[op.lhs]} - {self.values[op.rhs]}")

    def print_mul(self, op: sym.MulOp) -> None:
        self._define(op, f"{self.values[op.lhs]} * {self.values[op.rhs]}")

    def print_neg(self, op: sym.NegOp) -> None:
        # ap_fixed's unary minus returns ap_fixed<W+1,I+1>: the IR's type, exact.
        self._define(op, f"-{self.values[op.operand]}")

    def print_abs(self, op: sym.AbsOp) -> None:
        x, res = self.values[op.operand], cpp_type(sym.format_of(op.result))
        if not sym.format_of(op.operand).signed:
            self._define(op, x)
            return
        self._define(op, f"({x} < 0) ? {res}(-{x}) : {res}({x})")

    def print_min(self, op: sym.MinOp) -> None:
        a, b, res = self.values[op.lhs], self.values[op.rhs], cpp_type(sym.format_of(op.result))
        # ap_fixed compares values of different formats exactly; the result type holds both.
        self._define(op, f"({a} < {b}) ? {res}({a}) : {res}({b})")

    def print_max(self, op: sym.MaxOp) -> None:
        a, b, res = self.values[op.lhs], self.values[op.rhs], cpp_type(sym.format_of(op.result))
        self._define(op, f"({a} < {b}) ? {res}({b}) : {res}({a})")

    def print_cast(self, op: sym.CastOp) -> None:
        src, dst = sym.format_of(op.input), sym.format_of(op.result)
        x = self.values[op.input]
        dropped = src.frac_bits - dst.frac_bits
        rounds = op.quant != Quant.AP_TRN and not (op.quant == Quant.AP_TRN_ZERO and not src.signed)
        if rounds and dropped > src.width:
            # ap_fixed's rounding reads bit F2-F-1 of the source, and its C simulation asserts
            # that the bit exists: widen the source first (exact: more integer bits) so it does.
            wide = FixedFormat(dropped, src.int_bits + dropped - src.width, src.signed)
            x = f"{cpp_type(wide)}({x})"
        self._define(op, x, cpp_type(dst, op.quant, op.overflow))

    def print_lut(self, op: sym.LutOp) -> None:
        spec = op.spec
        x = self.values[op.operand]
        name = self.names.claim(f"{_identifier(spec.function)}_table")
        offsets = self._table(name, spec)
        base = self._base(op)
        bits = max(1, (spec.entries - 1).bit_length())
        out = cpp_type(spec.out_format)
        read = self._from_raw()
        if spec.indexing == "hls4ml":
            index = self._temp(f"{base}_index", spec.in_format,
                               self._hls4ml_index(base, x, spec, bits), f"ap_uint<{bits}>")
            self._define(op, f"{read}<{out} >({name}[{index}])")
            return
        if spec.normalized:
            self._define(op, self._reciprocal(base, name, x, spec))
            return
        offset = self._bits_offset(base, x, spec, bits + 1)
        if spec.bipartite:
            entry = self._bipartite(base, (name, offsets), offset, spec, bits)
        elif spec.interp_bits:
            entry = self._interpolate(base, name, offset, spec, bits, spec.interp_bits)
        else:
            index = self._temp(f"{base}_index", spec.in_format,
                               self._bits_index(offset, spec, bits), f"ap_uint<{bits}>")
            entry = f"{read}<{cpp_type(spec.entry_format)} >({name}[{index}])"
        if spec.exponent:
            entry = self._exp_scale(base, offset, spec, entry)
        self._define(op, entry)

    def _reciprocal(self, base: str, name: str, x: str, spec: Table) -> str:
        """A normalized reciprocal (:meth:`symc.tables.Table.reciprocal`) on raw integers: the
        divisor clamped to its octaves, its leading one found from the top, the bits below it
        index the table, and the entry is shifted back with rounding, saturated, signed."""
        src, out = spec.in_format, spec.out_format
        n = spec.entries.bit_length() - 1
        first, last = spec.octave_lo, spec.octave_hi
        width = max(src.width + 1, last + 3)
        wide = f"ap_int<{width}>"
        raw = self._temp(f"{base}_raw", src, f"{wide}({x}.range({src.width - 1}, 0))" if
                         not src.signed else f"{wide}(ap_int<{src.width}>({x}.range("
                         f"{src.width - 1}, 0)))", wide)
        if spec.negated:
            raw = self._temp(f"{base}_neg", src, f"-{raw}", wide)
        low, high = 1 << first, (1 << (last + 1)) - 1
        b_type = f"ap_uint<{last + 1}>"
        b = self._temp(f"{base}_divisor", src,
                       f"({raw} < {low}) ? {b_type}({low}) : ({raw} > {high}LL) ? "
                       f"{b_type}({high}LL) : {b_type}({raw}.range({last}, 0))", b_type)
        vw = spec.entry_format.width
        index_type, entry_type = f"ap_uint<{n}>", f"ap_uint<{vw + 1}>"

        def below_lead(q: int) -> str:
            if q >= n:
                return f"{index_type}({b}.range({q - 1}, {q - n}))" if n else f"{index_type}(0)"
            if q == 0:
                return f"{index_type}(0)"
            return f"{index_type}({index_type}({b}.range({q - 1}, 0)) << {n - q})"

        def chain(pick: Callable[[int], str], fallback: str) -> str:
            text = fallback
            for q in range(first + 1, last + 1):
                text = f"{b}[{q}] ? {pick(q)} : ({text})"
            return text

        index = self._temp(f"{base}_index", src, chain(below_lead, below_lead(first)),
                           index_type)
        entry = self._temp(f"{base}_entry", spec.entry_format,
                           f"{entry_type}({name}[{index}])", entry_type)

        def halved(q: int) -> str:
            drop = spec.norm_bias + q - 1
            return f"{entry_type}(0)" if drop >= vw else f"{entry_type}({entry} >> {drop})"

        shifted = self._temp(f"{base}_shifted", src, chain(halved, halved(first)), entry_type)
        y_type = f"ap_uint<{vw}>"
        y = self._temp(f"{base}_scaled", src, f"{y_type}(({shifted} + 1) >> 1)", y_type)
        if spec.reciprocal_max > out.max_raw:
            y = self._temp(f"{base}_sat", src, f"({y} > {out.max_raw}ULL) ? "
                           f"{y_type}({out.max_raw}ULL) : {y}", y_type)
        signed = f"ap_int<{out.width}>(-ap_int<{out.width + 1}>({y}))" if spec.negated else (
            f"ap_uint<{out.width}>({y})")
        return f"{self._from_raw()}<{cpp_type(out)} >({signed})"

    def _exp_scale(self, base: str, offset: tuple[str, FixedFormat], spec: Table,
                   entry: str) -> str:
        """An exponent table's ``entry * 2**k`` (:meth:`symc.tables.Table.scale_entry`): ``k``
        is the offset's bits above its fraction, clamped; a rounding right shift of the raw
        entry; saturation at the output's largest value."""
        d, d_fmt = offset
        vw = spec.entry_format.width
        k_bits = d_fmt.width - spec.t_frac
        lowest = spec.exp_min
        width = spec.power_width(k_bits)
        k_type, wide = f"ap_int<{width}>", f"ap_uint<{vw + 1}>"
        # The bits of the offset above its fraction, as a signed integer (the floor of t).
        k = self._temp(f"{base}_pow", spec.in_format,
                       f"ap_int<{k_bits}>({d}.range({d_fmt.width - 1}, {spec.t_frac}))", k_type)
        k = self._temp(f"{base}_pow_clamped", spec.in_format,
                       f"({k} > {spec.exp_max}) ? {k_type}({spec.exp_max}) : ({k} < {lowest}) "
                       f"? {k_type}({lowest}) : {k}", k_type)
        amount = self._temp(f"{base}_amount", spec.in_format, f"{spec.exp_bias} - {k}", wide)
        held = self._temp(f"{base}_entry", spec.entry_format, entry)
        doubled = self._temp(f"{base}_doubled", spec.in_format,
                             f"{wide}({held}.range({vw - 1}, 0)) << 1", wide)
        shifted = self._temp(f"{base}_shifted", spec.in_format, f"{doubled} >> {amount}", wide)
        y = self._temp(f"{base}_scaled", spec.in_format, f"({shifted} + 1) >> 1",
                       f"ap_uint<{vw}>")
        out = spec.out_format
        limit = out.max_raw
        if spec.scaled_max > limit:
            y = f"({y} > {limit}ULL) ? ap_uint<{vw}>({limit}ULL) : {y}"
        return f"{self._from_raw()}<{cpp_type(out)} >(ap_uint<{out.width}>({y}))"

    # --- tables -----------------------------------------------------------------------------

    def _base(self, op: Operation) -> str:
        """The name the op's result will get (its temporaries are named after it)."""
        hint = op.results[0].name_hint
        return hint if hint is not None and IDENTIFIER.match(hint) else f"v{self._unnamed}"

    def _from_raw(self) -> str:
        """The helper that reads a raw table entry as its ap_fixed type (declared once)."""
        if self._from_raw_name is None:
            self._from_raw_name = self.names.claim("from_raw")
            self.helpers += [
                "// Table entries are raw bit patterns of the table's type (value = raw * 2^-F):",
                "// the same integers as the IR's table, in plain C arrays that cost nothing to",
                "// compile (arrays of ap_fixed objects are built by constructors, slowly); this",
                "// gives them back their type.",
                "template <class T, class Raw>",
                f"static T {self._from_raw_name}(Raw raw) {{",
                "  T value;",
                "  value.range(T::width - 1, 0) = raw;",
                "  return value;",
                "}",
                "",
            ]
        return self._from_raw_name

    def _table(self, name: str, spec: Table) -> str:
        """Declares ``spec``'s entries as ``name`` (and a bipartite table's offsets: their
        name is returned, else "")."""
        out = spec.entry_format
        lo, hi = spec.domain
        rule = ("periodic, " if spec.periodic
                else "2**f of t = x*log2(e), scaled by 2**k, " if spec.exponent
                else "1/m of the divisor's mantissa m in [1, 2), scaled by 2**-p, "
                if spec.normalized else "")
        self.tables.append(
            f"// {spec.function} on [{lo:.6g}, {hi:.6g}): {spec.entries} entries of {out} "
            f"(raw, value = raw * 2^{-out.frac_bits}), {rule}{spec.indexing} indexing"
        )
        self._array(name, out, spec.values)
        offsets_name = ""
        if spec.bipartite:
            offsets_name = self.names.claim(f"{name}_offsets")
            fmt = spec.offset_format
            self.tables.append(
                f"// its offsets: {len(spec.offsets)} of {fmt}, per segment of "
                f"{1 << spec.offset_drop} entries, by the {spec.offset_bits} bits below the index")
            self._array(offsets_name, fmt, spec.offsets)
        self.tables.append("")
        return offsets_name

    def _array(self, name: str, fmt: FixedFormat, values: Sequence[int]) -> None:
        """A ``static const`` array of raw values of ``fmt``, a few per line."""
        self.tables.append(f"static const {_raw_type(fmt)} {name}[{len(values)}] = {{")
        suffix = "LL" if fmt.width > 32 else ""
        text = [f"{v}{suffix}" for v in values]
        for i in range(0, len(text), TABLE_VALUES_PER_LINE):
            self.tables.append("    " + ", ".join(text[i:i + TABLE_VALUES_PER_LINE]) + ",")
        self.tables.append("};")

    def _hls4ml_index(self, base: str, x: str, spec: Table, bits: int) -> str:
        """hls4ml's ``int index = (x - range_start) * base_div``, clamped to ``[0, N-1]``."""
        t = spec.in_format
        offset_fmt = sub_format(t, t)
        offset = self._temp(f"{base}_offset", offset_fmt, f"{x} - {constant(spec.start_raw, t)}")
        scaled_fmt = FixedFormat(offset_fmt.width + HLS4ML_DIV_FORMAT.width,
                                 offset_fmt.int_bits + HLS4ML_DIV_FORMAT.int_bits)
        scaled = self._temp(f"{base}_scaled", scaled_fmt,
                            f"{offset} * {constant(spec.mult_raw, HLS4ML_DIV_FORMAT)}")
        # C's int(): toward zero. The integer type keeps every integer bit (and the index
        # bits), so nothing wraps, even where hls4ml's 32-bit int would.
        int_bits = max(scaled_fmt.int_bits, bits + 1)
        whole = self._temp(f"{base}_cell", FixedFormat(int_bits, int_bits), scaled,
                           cpp_type(FixedFormat(int_bits, int_bits), Quant.AP_TRN_ZERO))
        last = spec.entries - 1
        index_type = f"ap_uint<{bits}>"
        return (f"({whole} < 0) ? {index_type}(0) : ({whole} > {last}) ? {index_type}({last}) "
                f": {index_type}({whole}.range({bits - 1}, 0))")

    def _bits_offset(self, base: str, x: str, spec: Table, bits: int) -> tuple[str, FixedFormat]:
        """``d = x * scale - start`` at the index variable's scale, with at least ``shift +
        bits + 1`` bits (widened exactly), so that ``bits`` index bits and the sign exist."""
        t_fmt = spec.in_format
        t = x
        if spec.scale_raw != 1 or spec.scale_frac != 0:
            length = spec.scale_raw.bit_length()
            scale_fmt = FixedFormat(length, length - spec.scale_frac, signed=False)
            t_fmt = FixedFormat(t_fmt.width + length, t_fmt.int_bits + scale_fmt.int_bits,
                                t_fmt.signed)
            t = self._temp(f"{base}_turns", t_fmt, f"{x} * {constant(spec.scale_raw, scale_fmt)}")
        offset_fmt, offset = t_fmt, t
        if spec.start_raw != 0:
            start_fmt = format_for_raw_range(spec.start_raw, spec.start_raw, t_fmt.frac_bits)
            offset_fmt = sub_format(t_fmt, start_fmt)
            offset = f"{t} - {constant(spec.start_raw, start_fmt)}"
        top = spec.shift + bits
        if offset_fmt.width < top + 1:
            extra = top + 1 - offset_fmt.width
            offset_fmt = FixedFormat(top + 1, offset_fmt.int_bits + extra, offset_fmt.signed)
        if offset != t or offset_fmt != t_fmt:
            offset = self._temp(f"{base}_offset", offset_fmt, offset)
        return offset, offset_fmt

    @staticmethod
    def _bits_index(offset: tuple[str, FixedFormat], spec: Table, bits: int) -> str:
        """``d >> shift``: bits ``[shift, shift + n)`` of the offset, wrapped or clamped."""
        d, d_fmt = offset
        top = spec.shift + bits
        index_type = f"ap_uint<{bits}>"
        cell = f"{index_type}({d}.range({top - 1}, {spec.shift}))"
        if spec.wraps:
            return cell
        past_end = f"{d}.range({d_fmt.width - 1}, {top}) != 0"
        last = spec.entries - 1
        return f"({d} < 0) ? {index_type}(0) : ({past_end}) ? {index_type}({last}) : {cell}"

    def _bipartite(self, base: str, names: tuple[str, str], offset: tuple[str, FixedFormat],
                   spec: Table, bits: int) -> str:
        """``T[j >> b] + O[segment, position]``, ``j`` the bits from ``shift - b`` up to the
        index's top of the offset, wrapped or clamped to the fine cells."""
        d, d_fmt = offset
        b, drop = spec.offset_bits, spec.offset_drop
        top, fine_bits = spec.shift + bits, bits + b
        fine_type = f"ap_uint<{fine_bits}>"
        cells = f"{fine_type}({d}.range({top - 1}, {spec.shift - b}))"
        if not spec.wraps:
            past_end = f"{d}.range({d_fmt.width - 1}, {top}) != 0"
            last = (spec.entries << b) - 1
            cells = f"({d} < 0) ? {fine_type}(0) : ({past_end}) ? {fine_type}({last}) : {cells}"
        j = self._temp(f"{base}_fine", spec.in_format, cells, fine_type)
        index = self._temp(f"{base}_index", spec.in_format,
                           f"ap_uint<{bits}>({j}.range({fine_bits - 1}, {b}))", f"ap_uint<{bits}>")
        at_bits = bits - drop + b
        at_type = f"ap_uint<{at_bits}>"
        at = (f"{at_type}(({at_type}({j}.range({fine_bits - 1}, {b + drop})) << {b}) | "
              f"{at_type}({j}.range({b - 1}, 0)))" if bits > drop
              else f"{at_type}({j}.range({b - 1}, 0))")
        at = self._temp(f"{base}_at", spec.in_format, at, at_type)
        out, read = cpp_type(spec.out_format), self._from_raw()
        offset_fmt = spec.offset_format
        main = self._temp(f"{base}_main", spec.out_format, f"{read}<{out} >({names[0]}[{index}])")
        shift = self._temp(f"{base}_shift", offset_fmt,
                           f"{read}<{cpp_type(offset_fmt)} >({names[1]}[{at}])")
        # The sum fits the output format (the table is built so): exact in it.
        return f"{main} + {shift}"

    def _interpolate(self, base: str, name: str, offset: tuple[str, FixedFormat],
                     spec: Table, bits: int, interp_bits: int) -> str:
        """``y = T[i] + (((T[i+1] - T[i]) * frac) >> b)``, ``frac`` the ``b`` bits below the
        index; outside a clamped table's domain ``i`` is 0 or ``entries`` and ``frac`` 0."""
        d, d_fmt = offset
        top = spec.shift + bits
        low = spec.shift - interp_bits
        cell = f"{d}.range({top - 1}, {spec.shift})"
        frac = f"{d}.range({spec.shift - 1}, {low})"
        if spec.wraps:
            index_type = f"ap_uint<{bits}>"
            index = self._temp(f"{base}_index", spec.in_format, f"{index_type}({cell})",
                               index_type)
            # The next entry of a periodic table wraps around: n-bit arithmetic does it. An
            # exponent table holds one more edge (2**1) after its last cell.
            following = (f"{index_type}({index} + 1)" if spec.periodic
                         else f"ap_uint<{bits + 1}>({index} + 1)")
            weight_bits = f"ap_uint<{interp_bits}>({frac})"
        else:
            index_type = f"ap_uint<{bits + 1}>"  # 0 ..= entries: one more edge than cells
            past_end = f"{d}.range({d_fmt.width - 1}, {top}) != 0"
            outside = self._temp(f"{base}_outside", spec.in_format,
                                 f"{d} < 0 || ({past_end})", "bool")
            index = self._temp(
                f"{base}_index", spec.in_format,
                f"({d} < 0) ? {index_type}(0) : ({past_end}) ? {index_type}({spec.entries}) "
                f": {index_type}({cell})", index_type)
            following = f"({index} == {spec.entries}) ? {index} : {index_type}({index} + 1)"
            weight_bits = f"{outside} ? ap_uint<{interp_bits}>(0) : ap_uint<{interp_bits}>({frac})"
        out_fmt = spec.entry_format
        out, read = cpp_type(out_fmt), self._from_raw()
        low_value = self._temp(f"{base}_lo", out_fmt, f"{read}<{out} >({name}[{index}])")
        high_value = self._temp(f"{base}_hi", out_fmt, f"{read}<{out} >({name}[{following}])")
        weight_fmt = FixedFormat(interp_bits, 0, signed=False)
        weight = self._temp(f"{base}_weight", weight_fmt,
                            f"{read}<{cpp_type(weight_fmt)} >({weight_bits})")
        step_fmt = sub_format(out_fmt, out_fmt)
        # (T[i+1] - T[i]) * frac / 2**b, truncated to the table's LSB: the floor of the shift.
        part = self._temp(f"{base}_part", step_fmt, f"({high_value} - {low_value}) * {weight}")
        return f"{low_value} + {part}"

    # --- files ------------------------------------------------------------------------------

    def _header(self, signature: str, inputs: list[HLSPort], outputs: list[HLSPort],
                input_array: str | None, output_array: str | None) -> str:
        guard = f"{self.top.upper()}_H_"
        lines = [
            f"// {self.top}: HLS C++ generated by symc from the legalized sym IR.",
            *_port_comments("input", inputs, {new: old for old, new in self.renamed}),
            *_port_comments("output", outputs, {new: old for old, new in self.renamed}),
            f"#ifndef {guard}",
            f"#define {guard}",
            "",
            "#include <ap_fixed.h>",
            "",
            *self.typedefs,
        ]
        if input_array is not None:
            lines.append(f"static const unsigned N_INPUTS = {len(inputs)};")
        if output_array is not None:
            lines.append(f"static const unsigned N_OUTPUTS = {len(outputs)};")
        lines += ["", f"{signature};", "", f"#endif  // {guard}", ""]
        return "\n".join(lines)

    def _source(self, signature: str, pragmas: list[str]) -> str:
        lines = [
            f"// {self.top}: HLS C++ generated by symc from the legalized sym IR.",
            "// Every variable has its exact type from the IR: + - * and unary - are exact in",
            "// ap_fixed's promotion types, and the only rounding happens where a value is",
            "// assigned to a narrower type (with that type's quantization and overflow modes).",
            f'#include "{self.top}.h"',
            "",
            *self.helpers,
            *self.tables,
            f"{signature} {{",
            *pragmas,
            *("  " + line for line in self.body),
            "}",
            "",
        ]
        return "\n".join(lines)


def _raw_type(fmt: FixedFormat) -> str:
    """The narrowest C integer type holding the raw values of ``fmt`` (tables: <= 62 bits)."""
    for bits, name in ((8, "signed char"), (16, "short"), (32, "int"), (64, "long long")):
        if fmt.width <= bits:
            return name if fmt.signed else f"unsigned {'char' if bits == 8 else name}"
    raise SymcError(f"a table of {fmt} entries is wider than 64 bits")


def _one_format(formats: list[FixedFormat]) -> bool:
    return len(set(formats)) == 1


def _identifier(text: str) -> str:
    cleaned = "".join(c if c.isalnum() or c == "_" else "_" for c in text)
    return cleaned if IDENTIFIER.match(cleaned) else f"f_{cleaned}"


def _interface_ports(inputs: list[HLSPort], input_array: str | None, outputs: list[HLSPort],
                     output_array: str | None) -> list[str]:
    names = [input_array] if input_array is not None else [p.name for p in inputs]
    names += [output_array] if output_array is not None else [p.name for p in outputs]
    return [n for n in names if n is not None]


def _port_comments(direction: str, ports: list[HLSPort], renamed: dict[str, str]) -> list[str]:
    lines = []
    for p in ports:
        was = f" (port '{renamed[p.name]}', not a C++ name)" if p.name in renamed else ""
        lines.append(f"//   {direction} {p.access}: {p.name}, {cpp_type(p.format)}{was}")
    return lines


def print_kernel(module: ModuleOp, input_quant: Quant = Quant.AP_TRN,
                 input_overflow: Overflow = Overflow.AP_WRAP) -> HLSCode:
    """The HLS C++ of the one legalized ``sym.kernel`` in ``module``."""
    return HLSPrinter(kernel_of(module), input_quant, input_overflow).print()
