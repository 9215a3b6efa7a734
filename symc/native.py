"""The emulator compiled: the legalized ``sym`` IR printed as one C++ loop and built with g++.

``Design.predict(X, engine="native")`` runs this loop instead of the numpy interpreter
(:mod:`symc.emulator`, which stays the reference and needs no compiler). It is printed from the
same IR, op by op, with the same arithmetic: every value in ``int64_t``, or ``__int128`` when
its format passes 62 bits, each op computed in the type its widest intermediate needs
(``symc.emulator.op_width``); quantization of the float inputs and the conversion of the
outputs are in the loop too, so a sample costs one pass. The property tests check it bit for
bit against the interpreter on every design they draw.

A design this printer does not cover (an intermediate past 126 bits, inputs past 52 bits or
quantized with ``AP_SAT_ZERO``/``AP_SAT_SYM``, a table entry past int64) raises
:class:`NativeUnsupported` with the reason; ``predict`` then says so. A float input whose
quantized value would need more than 62 bits makes the loop stop and hand the rows back to the
interpreter. Builds are cached per source text for the life of the process.
"""

from __future__ import annotations

import ctypes
import hashlib
import tempfile
from pathlib import Path

import numpy as np
from xdsl.ir import Operation, SSAValue

from symc.dialects import sym
from symc.emulator import op_width
from symc.fixed import TIE_RULE, FixedFormat, Overflow, Quant, Tie, cast_overflows
from symc.frontend.errors import SymcError
from symc.tables import Table
from symc.toolchain.commands import run
from symc.toolchain.errors import ToolError, log_tail
from symc.toolchain.gxx import find_cxx

WIDE_LIMIT = 126
"""Widest intermediate ``__int128`` holds with the emulator's headroom."""

CXXFLAGS = ("-std=c++20", "-O2", "-march=native", "-ffp-contract=off", "-shared", "-fPIC")
"""C++20: shifts of negative values are defined (arithmetic), as the emulator's are. Built for
the machine that runs it (``floor`` is one instruction with SSE4.1), and no fused multiply-add:
each float operation rounds once, as numpy's do."""


class NativeUnsupported(SymcError):
    """A design the native printer does not cover; the interpreter runs it."""


def _ctype(fmt: FixedFormat) -> str:
    return "int64_t" if fmt.width <= 62 else "i128"


def _lit(value: int) -> str:
    """A C++ expression of type i128 (or int64_t when it fits) for ``value``."""
    if -(2**63) < value < 2**63:
        return f"INT64_C({value})"
    if not -(2**127) <= value < 2**127:
        raise NativeUnsupported(f"the constant {value} needs more than 128 bits")
    bits = value % (1 << 128)
    return f"((i128)(((u128)UINT64_C({bits >> 64}) << 64) | (u128)UINT64_C({bits & (2**64 - 1)})))"


class _Printer:
    def __init__(self, kernel: sym.KernelOp):
        self.kernel = kernel
        self.names: dict[SSAValue, str] = {}
        self.tables: list[str] = []
        self.lines: list[str] = []

    def name(self, value: SSAValue) -> str:
        return self.names[value]

    def define(self, value: SSAValue, expr: str) -> None:
        name = f"v{len(self.names)}"
        self.names[value] = name
        self.lines.append(f"    const {_ctype(sym.format_of(value))} {name} = {expr};")

    # --- ops -------------------------------------------------------------------------------

    def op(self, op: Operation) -> None:
        widest = op_width(op)
        if widest > WIDE_LIMIT:
            raise NativeUnsupported(f"'{op.name}' needs {widest} bits, more than 126")
        t = "int64_t" if widest <= 62 else "i128"
        res = sym.format_of(op.results[0]) if op.results else None

        def aligned(v: SSAValue) -> str:
            assert res is not None
            shift = res.frac_bits - sym.format_of(v).frac_bits
            return f"(({t}){self.name(v)} << {shift})" if shift > 0 else f"(({t}){self.name(v)})"

        if isinstance(op, sym.ConstOp):
            self.define(op.results[0], _lit(int(op.value.data)))
        elif isinstance(op, sym.AddOp):
            self.define(op.result, f"{aligned(op.lhs)} + {aligned(op.rhs)}")
        elif isinstance(op, sym.SubOp):
            self.define(op.result, f"{aligned(op.lhs)} - {aligned(op.rhs)}")
        elif isinstance(op, sym.MulOp):
            self.define(op.result, f"({t}){self.name(op.lhs)} * ({t}){self.name(op.rhs)}")
        elif isinstance(op, sym.MinOp | sym.MaxOp):
            a, b = aligned(op.lhs), aligned(op.rhs)
            cmp = "<" if isinstance(op, sym.MinOp) else ">"
            self.define(op.result, f"({a} {cmp} {b}) ? {a} : {b}")
        elif isinstance(op, sym.NegOp):
            self.define(op.result, f"-({t}){self.name(op.operand)}")
        elif isinstance(op, sym.AbsOp):
            x = f"(({t}){self.name(op.operand)})"
            self.define(op.result, f"{x} < 0 ? -{x} : {x}")
        elif isinstance(op, sym.CastOp):
            self.define(op.result, self.cast(self.name(op.input), sym.format_of(op.input),
                                             sym.format_of(op.result), op.quant, op.overflow, t))
        elif isinstance(op, sym.LutOp):
            self.define(op.result, self.lut(op, t))
        else:
            raise NativeUnsupported(f"no native form of '{op.name}'")

    def cast(self, x: str, src: FixedFormat, dst: FixedFormat, quant: Quant,
             overflow: Overflow, t: str) -> str:
        """A lambda computing ``cast_raw`` (the same steps as the interpreter's)."""
        body = [f"{t} v = ({t}){x};"]
        dropped = src.frac_bits - dst.frac_bits
        if dropped < 0:
            body.append(f"v = v << {-dropped};")
        elif dropped > 0:
            if quant == Quant.AP_TRN:
                body.append(f"v = v >> {dropped};")
            elif quant == Quant.AP_RND:
                body.append(f"v = (v + (({t})1 << {dropped - 1})) >> {dropped};")
            else:
                body.append(f"const {t} kept = v >> {dropped}; "
                            f"const {t} rest = v - (kept << {dropped}); const bool neg = v < 0;")
                if quant == Quant.AP_TRN_ZERO:
                    body.append("v = kept + (neg && rest != 0);")
                else:
                    tie = {Tie.ALWAYS: "true", Tie.NEVER: "false", Tie.IF_NEGATIVE: "neg",
                           Tie.IF_NONNEGATIVE: "!neg", Tie.IF_ODD: "(kept & 1) != 0"}
                    half = f"(({t})1 << {dropped - 1})"
                    body.append(f"v = kept + (rest > {half} || (rest == {half} && "
                                f"{tie[TIE_RULE[quant]]}));")
        lo, hi = dst.min_raw, dst.max_raw
        sat_sym = overflow == Overflow.AP_SAT_SYM and dst.signed and dst.width > 1
        if cast_overflows(src, dst, overflow):
            if overflow == Overflow.AP_WRAP:
                mask = _lit((1 << dst.width) - 1)
                body.append(f"v = ({t})((({t})(v - {_lit(lo)})) & {mask}) + {_lit(lo)};")
            elif overflow == Overflow.AP_SAT_ZERO:
                body.append(f"v = (v > {_lit(hi)} || v < {_lit(lo)}) ? 0 : v;")
            elif sat_sym:
                body.append(f"v = v > {_lit(hi)} ? {_lit(hi)} : (v <= {_lit(lo)} ? "
                            f"-{_lit(hi)} : v);")
            else:
                body.append(f"v = v > {_lit(hi)} ? {_lit(hi)} : (v < {_lit(lo)} ? {_lit(lo)} "
                            ": v);")
        return "[&] { " + " ".join(body) + f" return ({_ctype(dst)})v; }}()"

    def lut(self, op: sym.LutOp, t: str) -> str:
        table: Table = op.spec
        values = table.value_array
        if len(values) and max(abs(int(values.max())), abs(int(values.min()))) >= 2**62:
            raise NativeUnsupported("a table entry needs more than 62 bits")
        name = f"T{len(self.tables)}"
        self.tables.append(f"static const int64_t {name}[{len(values)}] = "
                           f"{{{', '.join(str(int(v)) for v in values)}}};")
        x = f"(({t}){self.name(op.operand)})"
        n, out_max = table.entries, table.out_format.max_raw
        body: list[str] = []
        if table.normalized:
            low, high = 1 << table.octave_lo, (1 << (table.octave_hi + 1)) - 1
            bits = table.entries.bit_length() - 1
            body += [f"{t} b = {'-' if table.negated else ''}{x};",
                     f"b = b < {_lit(low)} ? {_lit(low)} : (b > {_lit(high)} ? {_lit(high)} : b);",
                     "int p = top_bit(b);",
                     f"const int64_t entry = {name}[(int64_t)(((b << {bits}) >> p) - {n})];",
                     f"{t} y = sar((({t})entry << 1), {table.norm_bias} + p);",
                     f"y = (y + 1) >> 1; if (y > {_lit(out_max)}) y = {_lit(out_max)};",
                     f"return {'-y' if table.negated else 'y'};"]
            return "[&] { " + " ".join(body) + " }()"
        if table.indexing == "hls4ml":
            if table.exponent or table.interp_bits:
                raise NativeUnsupported("an hls4ml-indexed table with range reduction")
            scale = 1 << (table.in_format.frac_bits + table.mult_frac)
            body += [f"const {t} product = ({x} - {_lit(table.start_raw)}) * "
                     f"{_lit(table.mult_raw)};",
                     f"{t} index = product / {_lit(scale)};",  # C truncates, as hls4ml
                     f"index = index < 0 ? 0 : (index > {n - 1} ? {n - 1} : index);",
                     f"const int64_t entry = {name}[(int64_t)index];"]
        else:
            body.append(f"const {t} d = {x} * {_lit(table.scale_raw)} - "
                        f"{_lit(table.start_raw)};")
            if table.bipartite:
                b, cells = table.offset_bits, table.entries << table.offset_bits
                offsets = table.offset_array
                off = f"O{len(self.tables)}"
                self.tables.append(f"static const int64_t {off}[{len(offsets)}] = "
                                   f"{{{', '.join(str(int(v)) for v in offsets)}}};")
                body.append(f"{t} j = d >> {table.shift - b};")
                body.append(f"j = j & {cells - 1};" if table.wraps else
                            f"j = j < 0 ? 0 : (j > {cells - 1} ? {cells - 1} : j);")
                body.append(f"const int64_t entry = {name}[(int64_t)(j >> {b})] + "
                            f"{off}[(int64_t)(((j >> {b + table.offset_drop}) << {b}) | "
                            f"(j & {(1 << b) - 1}))];")
            elif table.interp_bits:
                ib = table.interp_bits
                body.append(f"{t} index = d >> {table.shift}; "
                            f"int64_t frac = (int64_t)((d >> {table.shift - ib}) & "
                            f"{(1 << ib) - 1});")
                if table.wraps:
                    body.append(f"index = index & {n - 1};")
                else:
                    body.append(f"if (index < 0 || index >= {n}) {{ frac = 0; "
                                f"index = index < 0 ? 0 : {n}; }}")
                last = len(values) - 1
                nxt = (f"(index + 1) % {len(values)}" if table.periodic
                       else f"(index + 1 > {last} ? {last} : index + 1)")
                body += [f"const int64_t lo = {name}[(int64_t)index], "
                         f"hi = {name}[(int64_t)({nxt})];",
                         f"const int64_t entry = lo + (int64_t)((((i128)(hi - lo)) * frac) "
                         f">> {ib});"]
            else:
                body.append(f"{t} index = d >> {table.shift};")
                body.append(f"index = index & {n - 1};" if table.wraps else
                            f"index = index < 0 ? 0 : (index > {n - 1} ? {n - 1} : index);")
                body.append(f"const int64_t entry = {name}[(int64_t)index];")
        if table.exponent:
            body += [f"{t} k = d >> {table.t_frac};",
                     f"k = k < {table.exp_min} ? {table.exp_min} : "
                     f"(k > {table.exp_max} ? {table.exp_max} : k);",
                     f"{t} y = sar((({t})entry << 1), (int)({table.exp_bias} - k));",
                     f"y = (y + 1) >> 1; return y > {_lit(out_max)} ? {_lit(out_max)} : y;"]
        else:
            body.append(f"return ({t})entry;")
        return "[&] { " + " ".join(body) + " }()"


def source(kernel: sym.KernelOp, input_formats: list[FixedFormat], quant: Quant,
           overflow: Overflow, raw_bounds: list[tuple[int, int] | None]) -> str:
    """The C++ of ``kernel``: ``symc_predict(n, X, Y)`` quantizes each row of ``X`` (row
    major, float64) as ``Design._quantize`` does, evaluates it, and writes the outputs' values
    into ``Y``; it returns -1, or the first row it could not quantize in 62 bits."""
    if any(f.width > 52 for f in input_formats):
        raise NativeUnsupported("an input is wider than 52 bits")
    if overflow not in (Overflow.AP_SAT, Overflow.AP_WRAP):
        raise NativeUnsupported(f"inputs quantized with {overflow.value}")
    printer = _Printer(kernel)
    quantize = []
    tie = {Tie.ALWAYS: "true", Tie.NEVER: "false", Tie.IF_NEGATIVE: "x < 0",
           Tie.IF_NONNEGATIVE: "!(x < 0)", Tie.IF_ODD: "(kept & 1) != 0"}
    for j, (arg, fmt) in enumerate(zip(kernel.body.block.args, input_formats, strict=True)):
        name = f"a{j}"
        printer.names[arg] = name
        if abs(fmt.frac_bits) > 1000:
            raise NativeUnsupported(f"an input with {fmt.frac_bits} fractional bits")
        scale = float.hex(2.0**fmt.frac_bits)
        step = [f"    int64_t {name};", "    {",
                # x * 2**F is exact or rounded once, as ldexp is: the same double.
                f"      const double x = row[{j}]; const double s = x * {scale};"
                " double f = std::floor(s);",
                # A tiny negative x underflows to -0.0 when F < 0; its floor is -1.
                "      if (s == 0 && x < 0) f = -1.0;",
                "      if (!(std::fabs(f) < 4611686018427387904.0)) return i;",
                "      int64_t kept = (int64_t)f; const double rest = s - f;"]
        if quant == Quant.AP_TRN_ZERO:
            step.append("      kept += (x < 0 && s != f);")
        elif quant != Quant.AP_TRN:
            step.append(f"      kept += (rest > 0.5 || (rest == 0.5 && {tie[TIE_RULE[quant]]}));")
        lo, hi = fmt.min_raw, fmt.max_raw
        if overflow == Overflow.AP_SAT:
            step.append(f"      kept = kept < {lo} ? {lo} : (kept > {hi} ? {hi} : kept);")
        else:
            step.append(f"      kept = (int64_t)(((uint64_t)(kept - ({lo})) & "
                        f"UINT64_C({(1 << fmt.width) - 1})) + ({lo}));")
        bounds = raw_bounds[j]
        if bounds is not None:
            step.append(f"      kept = kept < {bounds[0]} ? {bounds[0]} : "
                        f"(kept > {bounds[1]} ? {bounds[1]} : kept);")
        step += [f"      {name} = kept;", "    }"]
        quantize += step
    outputs = []
    for op in kernel.body.ops:
        if isinstance(op, sym.OutputOp):
            for k, v in enumerate(op.operands):
                frac = sym.format_of(v).frac_bits
                outputs.append(f"    out[{k}] = std::ldexp((double){printer.name(v)}, "
                               f"{-frac});")
        else:
            printer.op(op)
    n_in, n_out = len(input_formats), len(outputs)
    return "\n".join([
        "#include <cmath>", "#include <cstdint>",
        "typedef __int128 i128; typedef unsigned __int128 u128;",
        "template <class T> static inline T sar(T v, int s) {",
        "  if (s <= 0) return v << -s;",
        "  if (s >= (int)(8 * sizeof(T)) - 1) return v < 0 ? -1 : 0;",
        "  return v >> s; }",
        "template <class T> static inline int top_bit(T b) {",
        "  int p = 0; while (p < 126 && (b >> (p + 1)) != 0) ++p; return p; }",
        *printer.tables,
        'extern "C" int64_t symc_predict(int64_t n, const double* X, double* Y) {',
        "  for (int64_t i = 0; i < n; ++i) {",
        f"    const double* row = X + i * {n_in}; double* out = Y + i * {n_out};",
        "    (void)row;",
        *quantize, *printer.lines, *outputs,
        "  }", "  return -1;", "}", ""])


_BUILT: dict[str, ctypes.CDLL] = {}
_WORKDIR: list[Path] = []


def build(text: str) -> ctypes.CDLL:
    """The shared library of ``text``, built once per process."""
    key = hashlib.sha256(text.encode()).hexdigest()[:16]
    if key in _BUILT:
        return _BUILT[key]
    if not _WORKDIR:
        _WORKDIR.append(Path(tempfile.mkdtemp(prefix="symc_native_")))
    src, lib = _WORKDIR[0] / f"k{key}.cpp", _WORKDIR[0] / f"k{key}.so"
    src.write_text(text)
    done = run("g++", [*find_cxx(), *CXXFLAGS, str(src), "-o", str(lib)],
               label="compiling the native emulator")
    if done.returncode != 0:
        raise ToolError("g++", "the native emulator did not compile", log_tail(done.stdout))
    library = ctypes.CDLL(str(lib))
    library.symc_predict.restype = ctypes.c_int64
    library.symc_predict.argtypes = [ctypes.c_int64, ctypes.c_void_p, ctypes.c_void_p]
    _BUILT[key] = library
    return library


class NativeKernel:
    """One design's compiled loop."""

    def __init__(self, text: str):
        self.text = text
        self.library = build(text)

    def predict(self, X: np.ndarray, out: np.ndarray) -> int:
        """Fill ``out`` (C-contiguous float64, n x outputs) from the C-contiguous float64 rows
        ``X``; -1, or the first row left to the interpreter."""
        return int(self.library.symc_predict(len(X), X.ctypes.data, out.ctypes.data))
