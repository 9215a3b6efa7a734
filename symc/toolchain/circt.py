"""CIRCT wrapper: the last step of the hardware flow, hw/comb/seq IR -> Verilog text.

``convert-sym-to-hw`` leaves a ``builtin.module`` holding one ``hw.module`` (``hw``, ``comb``
and ``seq`` ops) printed in xDSL's custom form, which CIRCT parses as is. This module hands
that text to CIRCT, lowers ``seq`` registers to ``sv`` always-blocks, tidies the netlist and
exports Verilog.

Three ways to reach CIRCT, tried in this order:

1. ``SYMC_CIRCT_OPT=/path/to/circt-opt``: an explicit binary always wins, so a user can pin
   a CIRCT build of their own.
2. The ``circt`` Python bindings (pip ``circt``: 1.62.0 on Python 3.11, 1.162.0 on 3.13+).
   This is the default and the path the test suite exercises.
3. A ``circt-opt`` on ``PATH``, used only when the bindings cannot be imported.

Whatever goes wrong (parse error, failing pass, nothing exported) surfaces as
``ToolError("circt", ...)`` carrying CIRCT's diagnostics, because ``circt.export_verilog``
itself never raises: it reports through the diagnostic engine and writes nothing.
"""

from __future__ import annotations

import functools
import importlib.metadata
import importlib.util
import io
import os
import re
import shutil
import tempfile
from pathlib import Path

from symc.toolchain.commands import run
from symc.toolchain.errors import ToolError, log_tail

TOOL = "circt"

CIRCT_OPT_ENV = "SYMC_CIRCT_OPT"
"""Environment variable naming a ``circt-opt`` binary to use instead of the bindings."""

LOWERING_OPTIONS = "locationInfoStyle=none,disallowLocalVariables"
"""Verilog style: no ``// file:line`` comments (they would make the output depend on temp
paths), and no ``automatic logic`` locals, which some synthesis tools reject."""

PASS_PIPELINE = (
    "builtin.module(lower-seq-to-sv{lower-to-always-ff=false},hw.module(hw-cleanup,"
    "prettify-verilog),canonicalize,cse)"
)
"""Same pass names in CIRCT 1.62 and 1.162. ``lower-seq-to-sv`` must come first because
ExportVerilog cannot print ``seq.compreg``; the hw-level passes only run nested in
``hw.module``. Registers are written ``always @(posedge clk)``, not SystemVerilog's
``always_ff``."""

# A Verilog module header in CIRCT's output; its absence means nothing was exported.
_MODULE_RE = re.compile(r"^module\s+\w+", re.MULTILINE)


def export_verilog(mlir_text: str) -> str:
    """Lower ``mlir_text`` (a ``builtin.module`` of hw/comb/seq ops) and return its Verilog.

    Raises ``ToolError("circt", ...)`` with CIRCT's diagnostics when the text does not
    parse, a pass fails, or no Verilog module comes out.
    """
    binary = os.environ.get(CIRCT_OPT_ENV)
    if binary:
        return _export_with_circt_opt(_resolve_binary(binary), mlir_text)
    if _bindings_available():
        return _export_with_bindings(mlir_text)
    binary = shutil.which("circt-opt")
    if binary:
        return _export_with_circt_opt(binary, mlir_text)
    raise ToolError(TOOL, _NOT_INSTALLED)


def circt_version() -> str:
    """The version of the CIRCT that :func:`export_verilog` would use, e.g. ``"1.62.0"``."""
    binary = os.environ.get(CIRCT_OPT_ENV)
    if binary:
        return _binary_version(_resolve_binary(binary))
    if _bindings_available():
        try:
            return importlib.metadata.version("circt")
        except importlib.metadata.PackageNotFoundError:
            return "unknown"
    binary = shutil.which("circt-opt")
    if binary:
        return _binary_version(binary)
    raise ToolError(TOOL, _NOT_INSTALLED)


_NOT_INSTALLED = (
    "the CIRCT Python bindings are not importable and no circt-opt was found; install the "
    "pip package 'circt' (1.62.0 on Python 3.11, 1.162.0 on Python 3.13+; none exists for "
    f"3.12) or set {CIRCT_OPT_ENV} to a circt-opt binary"
)


# --- Python bindings ----------------------------------------------------------------------


@functools.cache
def _bindings_available() -> bool:
    return importlib.util.find_spec("circt") is not None


def _export_with_bindings(mlir_text: str) -> str:
    try:
        # Imported where used: the bindings are optional at run time (without them, a
        # circt-opt binary, SYMC_CIRCT_OPT, stands in: _bindings_available).
        import circt
        from circt import ir, passmanager
    except ImportError as error:
        raise ToolError(
            TOOL, "the CIRCT Python bindings are installed but do not import", str(error)
        ) from error

    diagnostics: list[str] = []

    def capture(diagnostic) -> bool:
        diagnostics.append(_format_diagnostic(diagnostic))
        return True  # handled: keep CIRCT from printing to our stderr

    with ir.Context() as ctx, ir.Location.unknown():
        circt.register_dialects(ctx)  # pyright: ignore[reportAttributeAccessIssue]  (compiled)
        ctx.attach_diagnostic_handler(capture)

        try:
            module = ir.Module.parse(mlir_text)
        except Exception as error:  # MLIRError; its class lives in a private module
            raise ToolError(
                TOOL,
                "could not parse the MLIR input" + _parse_hint(mlir_text),
                "\n".join([*diagnostics, _details(error)]),
            ) from error

        module.operation.attributes["circt.loweringOptions"] = ir.StringAttr.get(LOWERING_OPTIONS)

        try:
            passmanager.PassManager.parse(PASS_PIPELINE).run(module.operation)
        except Exception as error:
            raise ToolError(
                TOOL,
                f"pass pipeline {PASS_PIPELINE} failed",
                "\n".join([*diagnostics, _details(error)]),
            ) from error

        out = io.StringIO()
        circt.export_verilog(module, out)  # pyright: ignore[reportAttributeAccessIssue]

    verilog = out.getvalue()
    errors = [d for d in diagnostics if d.startswith("error")]
    if errors:
        raise ToolError(TOOL, "export_verilog reported errors", "\n".join(diagnostics))
    if not _MODULE_RE.search(verilog):
        raise ToolError(
            TOOL,
            "export_verilog produced no Verilog module (does the input contain an hw.module?)",
            "\n".join(diagnostics),
        )
    return verilog_2005_roms(verilog)


def _format_diagnostic(diagnostic) -> str:
    """One CIRCT diagnostic as ``severity: location: message`` plus indented notes."""
    severity = str(diagnostic.severity).rsplit(".", 1)[-1].lower()
    lines = [f"{severity}: {diagnostic.location}: {diagnostic.message}"]
    for note in diagnostic.notes:
        lines.append(f"  note: {note.location}: {note.message}")
    return "\n".join(lines)


def _details(error: Exception) -> str:
    return str(error).strip()


def _parse_hint(mlir_text: str) -> str:
    # xDSL 0.74 prints `seq.compreg ... powerOn %v`; CIRCT 1.162 no longer parses it.
    if "powerOn" in mlir_text:
        return (
            " (note: recent CIRCT rejects `seq.compreg ... powerOn`; "
            "use registers without a power-on value or with an explicit reset)"
        )
    return ""


# --- circt-opt binary ---------------------------------------------------------------------


def _resolve_binary(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise ToolError(TOOL, f"{CIRCT_OPT_ENV}={name!r} is not an executable circt-opt")
    return path


def _export_with_circt_opt(binary: str, mlir_text: str) -> str:
    # circt-opt runs flag-listed passes with implicit nesting, so hw.module passes can be
    # given as plain flags; --export-verilog writes Verilog to stdout and the IR to -o.
    passes = [
        "--lower-seq-to-sv=lower-to-always-ff=false",
        "--hw-cleanup",
        "--prettify-verilog",
        "--canonicalize",
        "--cse",
        "--export-verilog",
    ]
    with tempfile.TemporaryDirectory(prefix="symc-circt-") as workdir:
        source = Path(workdir) / "design.mlir"
        source.write_text(mlir_text)
        command = [
            binary,
            str(source),
            *_lowering_option_flags(binary),
            *passes,
            "-o",
            str(Path(workdir) / "lowered.mlir"),
        ]
        result = run(TOOL, command, workdir, merge=False)
    if result.returncode != 0:
        raise ToolError(
            TOOL,
            f"{binary} failed with exit code {result.returncode}" + _parse_hint(mlir_text),
            log_tail(result.stderr),
        )
    if not _MODULE_RE.search(result.stdout):
        raise ToolError(TOOL, f"{binary} produced no Verilog module", log_tail(result.stderr))
    return verilog_2005_roms(result.stdout)


# A table as CIRCT writes it: a packed constant array (SystemVerilog), e.g.
#   wire [7:0][15:0] _GEN =
#     '{16'h3C4, 16'h365, ...};
_PACKED_ROM_RE = re.compile(
    r"^(?P<indent>[ \t]*)wire\s+\[(?P<last>\d+):0\]\[(?P<msb>\d+):0\]\s+(?P<name>\w+)\s*=\s*"
    r"'\{(?P<items>[^{}]*)\};[ \t]*$",
    re.MULTILINE,
)
_LITERAL_RE = re.compile(r"\d+'h[0-9A-Fa-f]+")


def verilog_2005_roms(verilog: str) -> str:
    """CIRCT's tables as Verilog-2005 memories.

    CIRCT prints a table (``hw.array_get`` of an ``hw.aggregate_constant``) as a packed
    array initialized by an assignment pattern, ``wire [7:0][15:0] t = '{a, ..., h};``, which
    yosys and Icarus Verilog reject. The same ROM in Verilog-2005 is a memory with an
    ``initial`` block, ``reg [15:0] t [0:7];``, read with the same ``t[index]`` syntax. (The
    pattern lists the highest index first.) CIRCT's own alternative, the lowering option
    ``disallowPackedArrays``, writes each table as a ``case`` statement: for 200 tables of
    1024 entries the export took minutes and Verilator longer (docs/tables.md).
    """

    def memory(match: re.Match[str]) -> str:
        indent, name = match["indent"], match["name"]
        items = [item.strip() for item in match["items"].split(",")]
        if len(items) != int(match["last"]) + 1 or not all(map(_LITERAL_RE.fullmatch, items)):
            raise ToolError(TOOL, f"unexpected table form in CIRCT's Verilog for {name}")
        lines = [f"{indent}reg  [{match['msb']}:0] {name} [0:{len(items) - 1}];",
                 f"{indent}initial begin"]
        lines += [f"{indent}  {name}[{i}] = {item};" for i, item in enumerate(reversed(items))]
        lines.append(f"{indent}end")
        return "\n".join(lines)

    return _PACKED_ROM_RE.sub(memory, verilog)


@functools.cache
def _lowering_option_flags(binary: str) -> tuple[str, ...]:
    """How this circt-opt takes lowering options: the flag changed name across releases."""
    help_text = run(TOOL, [binary, "--help-hidden"], merge=False).stdout
    if "--test-apply-lowering-options" in help_text:
        return (f"--test-apply-lowering-options=options={LOWERING_OPTIONS}",)
    if "--lowering-options" in help_text:
        return (f"--lowering-options={LOWERING_OPTIONS}",)
    return ()


def _binary_version(binary: str) -> str:
    result = run(TOOL, [binary, "--version"], merge=False)
    match = re.search(r"(?:firtool|CIRCT)[- ]v?(\d+\.\d+\.\d+\S*)", result.stdout)
    if match:
        return match.group(1)
    first_line = result.stdout.strip().splitlines()
    return first_line[0] if first_line else "unknown"
