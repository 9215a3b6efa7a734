"""The HLS C++ backend: what it prints, and that the C++ computes what the emulator computes.

Printer tests read the C++ text. C simulation tests compile the printed project with g++ and the
Xilinx ap_types headers (from the hls4ml wheel) and compare every output of many vectors with the
emulator, bit for bit: random expressions in both precision modes, every kind of table, every
cast mode, values wider than 64 bits. A g++ build takes seconds, so each design carries many
outputs and is built once; they skip, saying why, where g++ or the headers are missing.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import warnings
from fractions import Fraction

import numpy as np
import pytest
import sympy
from expressions import INPUTS, RANGES, expressions
from expressions import corners_and_uniform as sample
from gxx_guard import needs_gxx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Block, Operation, Region, SSAValue

import symc
from symc.backends.hls import HLSPrinter, cpp_type, literal, print_kernel
from symc.backends.hls_project import project_files, raw_columns
from symc.cli import main
from symc.dialects import sym
from symc.emulator import Emulator
from symc.fixed import FixedFormat, Overflow, Quant, round_raw
from symc.frontend.errors import SymcError
from symc.toolchain.errors import ToolError
from symc.toolchain.gxx import CSim

ap_precisions = st.builds(
    lambda kind, w, i, q, o: f"{kind}<{w},{i},{q},{o}>",
    st.sampled_from(["ap_fixed", "ap_fixed", "ap_ufixed"]),
    st.integers(6, 24),
    st.integers(2, 8),
    st.sampled_from(list(Quant)),
    st.sampled_from(list(Overflow)),
)



def _fixed_ops(design: symc.Design) -> list[Operation]:
    kernel = next(op for op in design.fixed_module.walk() if isinstance(op, sym.KernelOp))
    return [op for op in kernel.body.block.ops if not isinstance(op, sym.OutputOp)]


# --- the printed C++ --------------------------------------------------------------------------


def test_every_value_is_declared_with_its_ir_type():
    design = symc.compile(["x0*x1 - 0.75*x0**2 + abs(x1)", "max(x0, -x1) + min(x1, 0.5)"],
                          inputs=RANGES, precision="ap_fixed<12,4,AP_RND,AP_SAT>")
    declared = re.findall(r"^  const (ap_u?fixed<[^>]*>) v\d+ = ", design.hls_cpp, re.M)
    expected = []
    for op in _fixed_ops(design):
        fmt = op.results[0].type.format  # type: ignore[attr-defined]
        if isinstance(op, sym.CastOp):
            expected.append(cpp_type(fmt, op.quant, op.overflow))
        else:
            expected.append(cpp_type(fmt))
    assert declared == expected
    assert "ap_fixed<12,4,AP_RND,AP_SAT> v" in design.hls_cpp  # casts carry their modes
    assert "ap_fixed<24,8> v" in design.hls_cpp  # a full-precision product


def test_top_function_ports_and_pragmas():
    design = symc.compile(["x0*x1", "x0 - x2"], inputs=RANGES,
                          precision="ap_fixed<10,4,AP_RND_CONV,AP_SAT>", name="trig")
    header, source = design.hls.header, design.hls_cpp
    # The input type carries the precision's modes: a float converted into it is quantized
    # as Design.predict quantizes X.
    assert "typedef ap_fixed<10,4,AP_RND_CONV,AP_SAT> input_t;" in header
    assert "typedef ap_fixed<10,4> result_t;" in header
    assert "void trig(const input_t x[N_INPUTS], result_t y[N_OUTPUTS]);" in header
    assert "#pragma HLS PIPELINE II=1" in source
    assert "#pragma HLS ARRAY_PARTITION variable=x complete dim=0" in source
    assert "#pragma HLS ARRAY_PARTITION variable=y complete dim=0" in source
    assert "const input_t x2 = x[2];" in source
    assert re.search(r"^  y\[1\] = v\d+;$", source, re.M)


def test_inputs_of_different_formats_are_scalar_ports():
    design = symc.compile(["x0*x1 + x2", "x2 - x0"], inputs=RANGES, precision="auto")
    formats = {str(p.format) for p in design.inputs}
    assert len(formats) == 3
    header = design.hls.header
    for port in design.inputs:
        port_type = cpp_type(port.format, Quant.AP_TRN, Overflow.AP_SAT)
        assert f"typedef {port_type} {port.name}_t;" in header
    for port in design.outputs:
        assert f"{port.name}_t &{port.name}" in header
    assert design.hls.input_array is None and design.hls.output_array is None


def test_literals_are_exact():
    narrow = FixedFormat(16, 6)
    assert literal(512, narrow) == "0.5"
    assert literal(-1, narrow) == "-0.0009765625"
    assert literal(3, FixedFormat(4, 8)) == "48.0"  # negative fractional bits
    wide = FixedFormat(70, 10)
    raw = -(3 << 61) - 12345
    text = literal(raw, wide)
    assert text.startswith('"-0x') and "." in text
    sign, digits = (-1, text[4:-1])
    whole, frac = digits.split(".")
    value = sign * (int(whole, 16) + Fraction(int(frac, 16), 16 ** len(frac)))
    assert value == Fraction(raw, 2**wide.frac_bits)
    assert literal(1 << 60, FixedFormat(64, 70)) == f'"0x{1 << 66:x}"'


def test_constants_wider_than_a_double_print_as_strings():
    design = symc.compile("0.3*x0 - 0.59867656*x1", inputs=RANGES, precision="ap_fixed<64,6>")
    consts = [op for op in _fixed_ops(design) if isinstance(op, sym.ConstOp)]
    assert any(abs(op.value.data) >= 1 << 53 for op in consts)  # type: ignore[union-attr]
    # (sym-narrow keeps the 58 fractional bits and drops the integer bits 0.3 does not need.)
    assert re.search(r'const ap_fixed<58,0> v\d+ = "0x0\.4cccc', design.hls_cpp)


def test_tables_are_static_const_arrays_of_the_ir_values():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the tanh table clamps a sliver of x1's range
        design = symc.compile(["sin(x0)", "tanh(x1)"], inputs=RANGES, precision="ap_fixed<16,6>",
                              tables={"tanh": {"indexing": "hls4ml", "entries": 512}})
    source = design.hls_cpp
    luts = [op for op in _fixed_ops(design) if isinstance(op, sym.LutOp)]
    assert len(luts) == 2
    for op in luts:
        spec = op.spec
        name = f"{spec.function}_table"
        match = re.search(rf"static const short {name}\[{spec.entries}\] = \{{([^}}]*)\}};", source)
        assert match, name
        assert [int(v) for v in match.group(1).replace(",", " ").split()] == list(spec.values)
    # hls4ml's index: (x - start) * ap_fixed<20,16>(base_div), toward zero, clamped.
    assert "* ap_fixed<20,16>(" in source and "AP_TRN_ZERO" in source
    # The periodic sin table: bits of x * (1/2pi) (19 fractional bits in the constant).
    assert ".range(28, 19)" in source


def test_identical_input_gives_identical_files():
    def build() -> dict[str, str]:
        design = symc.compile(["x0*x1 - sin(x2)", "abs(x0) + 0.3"], inputs=RANGES)
        return design.hls_project(layout="hls4ml")

    assert build() == build()


def test_project_layouts():
    design = symc.compile("x0*x1", inputs=RANGES, name="poly")
    symc_files = design.hls_project()
    assert sorted(symc_files) == [
        "build_vitis_hls.tcl", "build_vivado_hls.tcl", "poly.cpp", "poly.h", "poly_test.cpp",
        "tb_data/tb_input_features.dat", "tb_data/tb_output_predictions.dat",
    ]
    assert '#include "poly.h"' in symc_files["poly_test.cpp"]
    hls4ml_files = design.hls_project(layout="hls4ml", X=sample(20, 0))
    assert sorted(hls4ml_files) == [
        "build_prj.tcl", "firmware/poly.cpp", "firmware/poly.h", "poly_test.cpp",
        "tb_data/tb_input_features.dat", "tb_data/tb_output_predictions.dat",
    ]
    assert '#include "firmware/poly.h"' in hls4ml_files["poly_test.cpp"]
    assert len(hls4ml_files["tb_data/tb_input_features.dat"].splitlines()) == 20
    tcl = hls4ml_files["build_prj.tcl"]
    for command in ("open_project -reset poly_prj", "set_top poly",
                    "add_files firmware/poly.cpp", "add_files -tb poly_test.cpp",
                    "add_files -tb tb_data", "-flow_target vivado", "set_part {xcvu13p",
                    "create_clock -period 5", "csim_design", "csynth_design"):
        assert command in tcl, command
    assert "-flow_target" not in symc_files["build_vivado_hls.tcl"]
    with pytest.raises(SymcError, match="unknown HLS layout"):
        design.hls_project(layout="vivado")


# Stand-ins for the HLS tools' Tcl commands: each prints its name and arguments.
TCL_STUBS = """\
foreach command {open_project set_top add_files open_solution set_part create_clock
                 csim_design csynth_design} {
  proc $command {args} "puts \\"$command \\$args\\""
}
proc exit {args} {}
set script [lindex $argv 0]
set argv [lrange $argv 1 end]
source $script
"""


@pytest.mark.skipif(shutil.which("tclsh") is None, reason="needs tclsh to run the Tcl scripts")
@pytest.mark.parametrize("script, layout", [("build_vitis_hls.tcl", "symc"),
                                            ("build_vivado_hls.tcl", "symc"),
                                            ("build_prj.tcl", "hls4ml")])
def test_build_scripts_run_the_hls_flow(tmp_path, script, layout):
    """The scripts, run by tclsh against stand-ins of the HLS tools' commands: the commands, in
    order, and the hls4ml-style csim=/synth= switches (no HLS tool is available to run them)."""
    design = symc.compile("x0*x1", inputs=RANGES, name="poly")
    (tmp_path / script).write_text(design.hls_project(layout=layout, X=sample(10, 0))[script])
    (tmp_path / "stubs.tcl").write_text(TCL_STUBS)

    def run(*args: str) -> list[str]:
        done = subprocess.run(["tclsh", "stubs.tcl", script, *args], cwd=tmp_path,
                              capture_output=True, text=True, check=True)
        return done.stdout.splitlines()

    firmware = "firmware/" if layout == "hls4ml" else ""
    solution = "-reset solution1" + (" -flow_target vivado" if "vitis" in script
                                     or layout == "hls4ml" else "")
    assert run() == [
        "open_project -reset poly_prj",
        "set_top poly",
        f"add_files {firmware}poly.cpp -cflags -std=c++0x",
        "add_files -tb poly_test.cpp -cflags -std=c++0x",
        "add_files -tb tb_data",
        f"open_solution {solution}",
        "set_part xcvu13p-flga2577-2-e",
        "create_clock -period 5 -name default",
        "csim_design ",
        "csynth_design ",
    ]
    assert run("csim=0")[-1] == "csynth_design "
    assert run("csim=1 synth=0")[-1] == "csim_design "


def test_tb_data_holds_the_emulator_outputs():
    design = symc.compile(["x0*x1", "x2 - 0.5"], inputs=RANGES)
    X = sample(30, 1)
    files = design.hls_project(X=X)
    inputs = np.loadtxt(files["tb_data/tb_input_features.dat"].splitlines(), ndmin=2)
    outputs = np.loadtxt(files["tb_data/tb_output_predictions.dat"].splitlines(), ndmin=2)
    assert np.array_equal(inputs, design.quantized_inputs(X))
    assert np.array_equal(outputs, design.predict(X))


def test_an_op_without_a_printer_method_is_named():
    fmt = sym.FixedType(FixedFormat(8, 4))
    block = Block(arg_types=[fmt, fmt])
    div = sym.DivOp(block.args[0], block.args[1], fmt)
    block.add_op(div)
    block.add_op(sym.OutputOp([div.result]))
    kernel = sym.KernelOp("k", [("a", fmt), ("b", fmt)], ["y0"], body=Region(block))
    with pytest.raises(SymcError, match="the HLS printer cannot print 'sym.div'"):
        HLSPrinter(kernel).print()


def test_an_unlegalized_kernel_is_refused():
    from xdsl.context import Context
    from xdsl.dialects.builtin import Builtin
    from xdsl.parser import Parser

    from symc.dialects import get_all_dialects

    design = symc.compile("x0*x1", inputs=RANGES)
    ctx = Context()
    ctx.load_dialect(Builtin)
    for factory in get_all_dialects().values():
        ctx.load_dialect(factory())
    module = Parser(ctx, design.mlir("sym")).parse_module()
    with pytest.raises(SymcError, match="run sym-legalize-fixed first"):
        print_kernel(module)


def test_cpp_keywords_are_renamed_and_reported():
    names = {"delete": (-1, 1), "class": (0, 2), "auto": (-2, 0), "float": (0, 1)}
    design = symc.compile("delete*class - auto + float", inputs=names, precision="auto")
    assert design.renamed == {n: n + "_" for n in names}
    assert [p.name for p in design.inputs] == [n + "_" for n in names]
    assert "delete_" in design.verilog
    for name in names:
        assert f" {name}_" in design.hls.header
    assert not re.search(r"\b(delete|class|auto|float)\b", design.hls_cpp)


@pytest.mark.parametrize("name", ["class", "new", "main", "module"])
def test_reserved_design_names_are_refused(name):
    with pytest.raises(SymcError, match="reserved word"):
        symc.compile("x0 + 1", name=name)


# --- C simulation: the C++ equals the emulator --------------------------------------------------


@pytest.mark.slow
@needs_gxx
@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(exprs=st.lists(expressions, min_size=6, max_size=8), precision=ap_precisions,
       seed=st.integers(0, 2**16))
def test_csim_equals_emulator_ap_fixed(exprs, precision, seed):
    design = symc.compile(exprs, inputs=RANGES, precision=precision)
    X = sample(600, seed)
    assert np.array_equal(design.csim(X), design.predict(X))
    # Out of range too (wrapping and saturating inputs), on the same build.
    assert np.array_equal(design.csim(X * 3.0), design.predict(X * 3.0))


@pytest.mark.slow
@needs_gxx
@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(exprs=st.lists(expressions, min_size=6, max_size=8),
       max_error=st.sampled_from([2.0**-6, 2.0**-12]), seed=st.integers(0, 2**16))
def test_csim_equals_emulator_auto(exprs, max_error, seed):
    design = symc.compile(exprs, inputs=RANGES, precision="auto", max_error=max_error)
    X = sample(600, seed)
    assert np.array_equal(design.csim(X), design.predict(X))
    assert np.array_equal(design.csim(X * 1.5), design.predict(X * 1.5))


@pytest.mark.slow
@needs_gxx
def test_csim_wide_values_and_constants():
    """Products of four 64-bit factors (256 bits) and constants of more than 53 bits."""
    x0, x1, x2 = (sympy.Symbol(n) for n in INPUTS)
    design = symc.compile([x0 * x1 * x2 * x0 + x1, 0.3 * x0 - 0.59867656 * x1 * x2],
                          inputs=RANGES, precision="ap_fixed<64,6,AP_RND,AP_SAT>")
    assert design.emulator.wide_ops
    assert '"0x' in design.hls_cpp
    X = sample(600, 7)
    assert np.array_equal(design.csim(X), design.predict(X))


TABLE_EXPRESSIONS = ["sin(x0)", "cos(x1)", "tanh(x0)", "exp(x1)", "log(x2 + 0.5)", "sqrt(x2)",
                     "x0/(x2 + 1)", "tan(0.5*x1)", "sc(x0)", "sin(x0)*x1 + sc(x1)",
                     "sin(x1)*x0*cos(x1)", "exp(x0)"]


@pytest.mark.slow
@needs_gxx
@pytest.mark.parametrize("settings_", [
    {"precision": "ap_fixed<16,6>"},
    {"precision": "ap_fixed<18,8,AP_RND,AP_SAT>", "tables": {"*": {"indexing": "hls4ml"}}},
    {"precision": "auto", "max_error": 1e-2},
], ids=["bits", "hls4ml", "auto"])
def test_csim_equals_emulator_on_every_table(settings_):
    exprs = TABLE_EXPRESSIONS
    if settings_["precision"] == "auto":
        exprs = ["sin(x0)*x1", "cos(x1)", "tanh(x0)", "exp(x1)", "log(x2 + 0.5)", "sc(x0)"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tables that clamp part of their argument's range
        design = symc.compile(exprs, inputs=RANGES, functions={"sc": "sin(x)*cos(x)"},
                              **settings_)
    luts = [op for op in _fixed_ops(design) if isinstance(op, sym.LutOp)]
    assert len(luts) >= len(exprs) - 1
    X = sample(1000, 3)
    # Beyond the ranges as well: clamped and wrapped table indices.
    X = np.vstack([X, X * 2.5, -X])
    assert np.array_equal(design.csim(X), design.predict(X))


# --- casts, built by hand: every mode, every raw value -----------------------------------------


def _cast_kernel(sources: list[FixedFormat], casts: list[tuple[int, FixedFormat, Quant, Overflow]]
                 ) -> ModuleOp:
    """A kernel with one input per source format and one output per cast of one of them."""
    block = Block(arg_types=[sym.FixedType(f) for f in sources])
    outs: list[SSAValue] = []
    for source, dst, quant, overflow in casts:
        op = sym.CastOp(block.args[source], sym.FixedType(dst), quant, overflow)
        block.add_op(op)
        outs.append(op.result)
    block.add_op(sym.OutputOp(outs))
    kernel = sym.KernelOp("casts", [(f"a{i}", sym.FixedType(f)) for i, f in enumerate(sources)],
                          [f"y{i}" for i in range(len(outs))], body=Region(block))
    module = ModuleOp([kernel])
    module.verify()
    return module


def _every_raw(sources: list[FixedFormat]) -> list[np.ndarray]:
    """Columns that run through every raw value of every source (shorter ones repeat)."""
    n = max(1 << f.width for f in sources)
    return [np.array([(i % (1 << f.width)) + f.min_raw for i in range(n)], dtype=np.int64)
            for f in sources]


def _csim_module(module: ModuleOp, columns: list[np.ndarray]) -> list[np.ndarray]:
    """Raw outputs of the printed kernel in C simulation (signed, like the emulator's)."""
    code = print_kernel(module)
    sim = CSim(project_files(code), [f"{code.top}.cpp", f"{code.top}_test.cpp"],
               [p.format.width for p in code.inputs], [p.format.width for p in code.outputs])
    with sim:
        rows = sim.run(raw_columns(code.inputs, columns))
    cols = []
    for j, port in enumerate(code.outputs):
        fmt = port.format
        cols.append(np.array([r[j] - (1 << fmt.width) if fmt.signed and r[j] >> (fmt.width - 1)
                              else r[j] for r in rows], dtype=object))
    return cols


CAST_SOURCES = [FixedFormat(8, 3), FixedFormat(7, 2, signed=False)]
CAST_TARGETS = [FixedFormat(5, 2), FixedFormat(6, 5), FixedFormat(4, -1), FixedFormat(12, 3),
                FixedFormat(3, 4), FixedFormat(5, 2, signed=False), FixedFormat(1, 0)]


@pytest.mark.slow
@needs_gxx
def test_every_cast_mode_equals_the_emulator():
    casts = [(s, dst, q, o) for s in range(len(CAST_SOURCES)) for dst in CAST_TARGETS
             for q in Quant for o in (Overflow.AP_WRAP, Overflow.AP_SAT, Overflow.AP_SAT_ZERO)]
    module = _cast_kernel(CAST_SOURCES, casts)
    columns = _every_raw(CAST_SOURCES)
    expected = Emulator(module).run_raw(columns)
    got = _csim_module(module, columns)
    for (s, dst, q, o), want, have in zip(casts, expected, got, strict=True):
        assert [int(v) for v in want] == [int(v) for v in have], (CAST_SOURCES[s], dst, q, o)


@pytest.mark.slow
@needs_gxx
def test_casts_dropping_more_bits_than_the_source_has():
    """ap_fixed's rounding reads the source bit below the new LSB, and its C simulation asserts
    that the bit exists; the printer widens such a source first (exactly)."""
    sources = [FixedFormat(4, -6), FixedFormat(3, -5, signed=False)]
    casts = [(s, dst, q, Overflow.AP_SAT) for s in range(2)
             for dst in (FixedFormat(6, 4), FixedFormat(2, 1)) for q in Quant]
    module = _cast_kernel(sources, casts)
    assert "ap_fixed<9,-1>(a0)" in print_kernel(module).source  # 9 bits dropped of 4
    columns = _every_raw(sources)
    expected = Emulator(module).run_raw(columns)
    got = _csim_module(module, columns)
    assert [[int(v) for v in c] for c in expected] == [[int(v) for v in c] for c in got]


SAT_SYM_CASTS = [(s, dst, q, Overflow.AP_SAT_SYM) for s in range(len(CAST_SOURCES))
                 for dst in CAST_TARGETS for q in (Quant.AP_TRN, Quant.AP_RND, Quant.AP_TRN_ZERO)]


@pytest.fixture(scope="module")
def sat_sym_results():
    module = _cast_kernel(CAST_SOURCES, SAT_SYM_CASTS)
    columns = _every_raw(CAST_SOURCES)
    return columns, Emulator(module).run_raw(columns), _csim_module(module, columns)


def _header_sat_sym(raw: int, src: FixedFormat, dst: FixedFormat, quant: Quant) -> int:
    """ap_fixed's AP_SAT_SYM as the ap_types headers implement it (ap_fixed_base.h, operator=
    and overflow_adjust): with a signed source and a signed target, a rounded value at or below
    the most negative value becomes -max (``min | 1``), so the range is symmetric; with W = 1
    (where -max is 0 and ``min | 1`` is -1) every negative value becomes -1."""
    rounded = round_raw(raw, src.frac_bits - dst.frac_bits, quant)
    if rounded > dst.max_raw:
        return dst.max_raw
    if not dst.signed:
        return max(rounded, 0)
    if src.signed and dst.width == 1:
        return -1 if rounded < 0 else rounded
    if src.signed and rounded <= dst.min_raw:
        return -dst.max_raw
    return rounded


@pytest.mark.slow
@needs_gxx
def test_sat_sym_follows_the_header(sat_sym_results):
    columns, _, got = sat_sym_results
    for (s, dst, q, _o), have in zip(SAT_SYM_CASTS, got, strict=True):
        src = CAST_SOURCES[s]
        want = [_header_sat_sym(int(r), src, dst, q) for r in columns[s]]
        assert want == [int(v) for v in have], (src, dst, q)


@needs_gxx
def test_sat_sym_equals_the_emulator(sat_sym_results):
    _, expected, got = sat_sym_results
    assert [[int(v) for v in c] for c in expected] == [[int(v) for v in c] for c in got]


# --- projects, as written to disk ------------------------------------------------------------


@pytest.mark.slow
@needs_gxx
def test_hls4ml_project_runs_its_own_testbench(tmp_path):
    """The written hls4ml-style project, compiled as it is, passes its own C simulation on the
    tb_data it ships (decimal values, the emulator's outputs), and fails on a wrong one."""
    design = symc.compile(["x0*x1 - sin(x2)", "max(x0, x1)"], inputs=RANGES, name="poly")
    X = sample(200, 5)
    files = design.hls_project(layout="hls4ml", X=X)
    sim = CSim(files, ["firmware/poly.cpp", "poly_test.cpp"], [16] * 3, [16] * 2,
               workdir=tmp_path)
    sim.build()
    run = subprocess.run([str(tmp_path / sim.name)], cwd=tmp_path, capture_output=True,
                         text=True)
    assert run.returncode == 0, run.stderr
    assert "200 vectors, 0 mismatching" in run.stdout
    results = np.loadtxt(tmp_path / "tb_data" / "csim_results.log", ndmin=2)
    assert np.array_equal(results, design.predict(X))

    expected = tmp_path / "tb_data" / "tb_output_predictions.dat"
    lines = expected.read_text().splitlines()
    lines[17] = "0.123 " + lines[17].split()[1]  # not a value of ap_fixed<16,6>
    expected.write_text("\n".join(lines) + "\n")
    run = subprocess.run([str(tmp_path / sim.name)], cwd=tmp_path, capture_output=True,
                         text=True)
    assert run.returncode == 1 and "vector 17" in run.stderr


@pytest.mark.slow
@needs_gxx
def test_keyword_ports_compile_and_simulate():
    names = {"delete": (-1, 1), "class": (0, 2), "auto": (-2, 0), "float": (0, 1)}
    design = symc.compile(["delete*class - auto + float", "auto*float"], inputs=names,
                          precision="auto")
    rng = np.random.default_rng(0)
    X = rng.uniform([-1, 0, -2, 0], [1, 2, 0, 1], size=(300, 4))
    assert np.array_equal(design.csim(X), design.predict(X))


@pytest.mark.slow
@needs_gxx
def test_cli_writes_and_simulates_an_hls_project(tmp_path, capsys):
    out = tmp_path / "out"
    code = main(["compile", "x0*new - 0.5*x0**2", "new + x0", "--inputs", "x0=-4:4,new=-1:1",
                 "--target", "hls", "--hls-layout", "hls4ml", "--simulate", "300",
                 "--name", "poly", "-o", str(out)])
    assert code == 0
    text = capsys.readouterr().out
    assert "C simulation: 300 vectors, HLS C++ == emulator bit for bit" in text
    assert "renamed port 'new' to 'new_'" in text
    assert (out / "firmware" / "poly.cpp").is_file() and (out / "build_prj.tcl").is_file()
    assert (out / "tb_data" / "tb_input_features.dat").is_file()
    assert json.loads((out / "poly.json").read_text())["renamed"] == {"new": "new_"}
    assert not (out / "poly.sv").exists()


def test_csim_with_a_wrong_header_folder_says_so(monkeypatch, tmp_path):
    monkeypatch.setenv("SYMC_AP_TYPES", str(tmp_path))
    design = symc.compile("x0*x1", inputs=RANGES)
    with pytest.raises(ToolError, match="SYMC_AP_TYPES") as caught:
        design.csim(sample(10, 0))
    assert caught.value.tool == "g++"
