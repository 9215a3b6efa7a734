"""HLS project files around the printed C++: a C testbench, vectors, and build scripts.

:mod:`symc.backends.hls` prints a design's top function; this module wraps it into a project
that Vitis HLS or Vivado HLS can C-simulate and synthesize, in one of two layouts:

``"symc"``::

    NAME.h  NAME.cpp  NAME_test.cpp  tb_data/  build_vitis_hls.tcl  build_vivado_hls.tcl

``"hls4ml"`` (what an hls4ml project looks like, so that it can be dropped into one)::

    firmware/NAME.h  firmware/NAME.cpp  NAME_test.cpp  tb_data/  build_prj.tcl

The testbench reads one vector per line from ``tb_data/tb_input_features.dat`` and writes one
line of outputs per vector to ``tb_data/csim_results.log`` (hls4ml's file names). A value is
either a raw bit pattern, ``0x...`` (two's complement, exact at any width: what
``Design.csim`` feeds it), or a decimal number converted as the port's type converts a double.
Given ``tb_data/tb_output_predictions.dat`` (the emulator's outputs, in the same notation), it
compares every output bit for bit and fails the C simulation on any mismatch.

The build scripts are plain Tcl for ``vitis_hls -f`` / ``vivado_hls -f``; no HLS tool runs on the
machines symc is developed on, so they are written to the tools' documented commands but are
not run by the tests (the C++ is, by g++).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from symc.backends.hls import HLSCode, HLSPort
from symc.frontend.errors import SymcError

LAYOUTS = ("symc", "hls4ml")

DEFAULT_PART = "xcvu13p-flga2577-2-e"
"""hls4ml's default part (a Virtex UltraScale+, as in the LHC trigger boards)."""

DEFAULT_CLOCK_NS = 5.0
"""hls4ml's default clock period."""

INPUT_FILE = "tb_data/tb_input_features.dat"
OUTPUT_FILE = "tb_data/csim_results.log"
EXPECTED_FILE = "tb_data/tb_output_predictions.dat"

DECIMAL_BITS = 53
"""Ports up to this width are written to tb_data as decimal numbers (exact doubles); wider
ones as raw bit patterns."""


def project_files(code: HLSCode, layout: str = "symc", part: str = DEFAULT_PART,
                  clock_ns: float = DEFAULT_CLOCK_NS,
                  vectors: tuple[list[list[int]], list[list[int]]] | None = None
                  ) -> dict[str, str]:
    """Every file of the project, path (relative, ``/``-separated) -> text.

    ``vectors``: raw input bit patterns and the expected raw outputs, one list per vector, for
    ``tb_data`` (omitted when None).
    """
    if layout not in LAYOUTS:
        raise SymcError(f"unknown HLS layout {layout!r}; layouts: {', '.join(LAYOUTS)}")
    firmware = "firmware/" if layout == "hls4ml" else ""
    top = code.top
    files = {
        f"{firmware}{top}.h": code.header,
        f"{firmware}{top}.cpp": code.source,
        f"{top}_test.cpp": testbench(code, f"{firmware}{top}.h"),
    }
    if layout == "hls4ml":
        files["build_prj.tcl"] = build_tcl(code.top, firmware, part, clock_ns, "vitis_hls")
    else:
        files["build_vitis_hls.tcl"] = build_tcl(code.top, firmware, part, clock_ns, "vitis_hls")
        files["build_vivado_hls.tcl"] = build_tcl(code.top, firmware, part, clock_ns, "vivado_hls")
    if vectors is not None:
        raw_in, raw_out = vectors
        files[INPUT_FILE] = vector_text(code.inputs, raw_in)
        files[EXPECTED_FILE] = vector_text(code.outputs, raw_out)
    return files


def write_project(files: dict[str, str], directory: str | Path) -> list[Path]:
    out = Path(directory)
    paths = []
    for name, text in files.items():
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        paths.append(path)
    return paths


# --- vectors ----------------------------------------------------------------------------------


def raw_token(bits: int) -> str:
    """A raw bit pattern (non-negative, already masked to the port's width) as a token."""
    return f"0x{bits:x}"


def vector_text(ports: tuple[HLSPort, ...], rows: list[list[int]]) -> str:
    """One line per vector: decimal values when every port is narrow enough, else raw bits."""
    decimal = all(p.format.width <= DECIMAL_BITS for p in ports)
    lines = []
    for row in rows:
        tokens = []
        for port, bits in zip(ports, row, strict=True):
            if not decimal:
                tokens.append(raw_token(bits))
                continue
            fmt = port.format
            raw = bits - (1 << fmt.width) if fmt.signed and bits >> (fmt.width - 1) else bits
            tokens.append(repr(float(fmt.to_float(raw))))
        lines.append(" ".join(tokens))
    return "".join(line + "\n" for line in lines)


def raw_columns(ports: tuple[HLSPort, ...], columns: list[np.ndarray]) -> list[list[int]]:
    """Raw integer columns (signed) as rows of bit patterns masked to each port's width."""
    n = len(columns[0]) if columns else 0
    return [[p.format.to_bits(col[i]) for col, p in zip(columns, ports, strict=True)]
            for i in range(n)]


# --- testbench --------------------------------------------------------------------------------


def _arguments(ports: tuple[HLSPort, ...], array: str | None) -> tuple[list[str], list[str]]:
    """Declarations and call arguments of one side of the top function: one array of the
    ports' type, or one variable per port."""
    if array is not None:
        return [f"{ports[0].type_name} {array}[{len(ports)}];"], [array]
    return [f"{p.type_name} {p.name};" for p in ports], [p.name for p in ports]


def testbench(code: HLSCode, header: str) -> str:
    """The C testbench of a printed design (C++98, so that every HLS tool's compiler takes it)."""
    n_in, n_out = len(code.inputs), len(code.outputs)
    declare_in, args_in = _arguments(code.inputs, code.input_array)
    declare_out, args_out = _arguments(code.outputs, code.output_array)
    declare, call_args = declare_in + declare_out, args_in + args_out
    read = [
        f'if (!read_value(tokens, {i}, {p.access}, line_number)) return 2;'
        for i, p in enumerate(code.inputs)
    ]
    write = [
        f"bad += write_value(out, {p.access}, {i}, hex, have_expected, expected_tokens);"
        for i, p in enumerate(code.outputs)
    ]
    return _TESTBENCH.format(
        top=code.top,
        header=header,
        n_inputs=n_in,
        n_outputs=n_out,
        input_file=INPUT_FILE,
        output_file=OUTPUT_FILE,
        expected_file=EXPECTED_FILE,
        declare="\n".join("    " + line for line in declare),
        read="\n".join("    " + line for line in read),
        call=f"{code.top}({', '.join(call_args)});",
        write="\n".join("    " + line for line in write),
    )


_TESTBENCH = """\
// {top}_test: C testbench of {top}, generated by symc.
//   {top}_test [INPUTS [RESULTS [EXPECTED]]]
// defaults: {input_file}, {output_file}, {expected_file} (if it exists; "-": none).
// One vector per line, one token per input in port order. A token 0x... is the port's raw bit
// pattern (two's complement, exact at any width); any other token is a decimal number, converted
// as the port's type converts a double. Each line of RESULTS holds the outputs in the notation
// of the inputs of its line. With EXPECTED (same notation), every output is compared bit for
// bit; any mismatch makes the C simulation fail.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "{header}"

typedef std::vector<std::string> Tokens;

static Tokens split(const std::string &line) {{
  Tokens tokens;
  std::istringstream stream(line);
  std::string token;
  while (stream >> token) tokens.push_back(token);
  return tokens;
}}

static bool is_raw(const std::string &token) {{
  return token.size() > 2 && token[0] == '0' && (token[1] == 'x' || token[1] == 'X');
}}

static int hex_digit(char c) {{
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}}

// The bits of a 0x... token, or false if it is malformed or wider than W bits.
template <int W>
static bool parse_raw(const std::string &token, ap_uint<W> &bits) {{
  bits = 0;
  size_t first = 2;
  while (first + 1 < token.size() && token[first] == '0') ++first;
  const int lead = hex_digit(token[first]);
  const int lead_bits = lead >= 8 ? 4 : lead >= 4 ? 3 : lead >= 2 ? 2 : lead;
  if (lead < 0 || 4 * (int)(token.size() - first - 1) + lead_bits > W) return false;
  for (size_t i = first; i < token.size(); ++i) {{
    const int digit = hex_digit(token[i]);
    if (digit < 0) return false;
    bits = (bits << 4) | ap_uint<W>(digit);
  }}
  return true;
}}

template <int W>
static std::string raw_text(const ap_uint<W> &bits) {{
  static const char digits[] = "0123456789abcdef";
  std::string text;
  for (int low = ((W - 1) / 4) * 4; low >= 0; low -= 4) {{
    const int high = low + 3 < W ? low + 3 : W - 1;
    const int digit = (int)ap_uint<4>(bits.range(high, low)).to_uint();
    if (digit || !text.empty() || low == 0) text += digits[digit];
  }}
  return "0x" + text;
}}

template <class T>
static bool read_value(const Tokens &tokens, int index, T &value, long line) {{
  const std::string &token = tokens[index];
  if (is_raw(token)) {{
    ap_uint<T::width> bits;
    if (!parse_raw(token, bits)) {{
      std::cerr << "line " << line << ": input " << index << ": bad raw value " << token << "\\n";
      return false;
    }}
    value.range(T::width - 1, 0) = bits;
    return true;
  }}
  char *end = 0;
  const double number = std::strtod(token.c_str(), &end);
  if (end == token.c_str() || *end != '\\0') {{
    std::cerr << "line " << line << ": input " << index << ": not a number: " << token << "\\n";
    return false;
  }}
  value = number;
  return true;
}}

// Writes one output; returns 1 if it differs from the expected token.
template <class T>
static int write_value(std::ostream &out, const T &value, int index, bool hex,
                       bool have_expected, const Tokens &expected) {{
  const ap_uint<T::width> bits = value.range(T::width - 1, 0);
  if (index) out << ' ';
  if (hex) {{
    out << raw_text(bits);
  }} else {{
    char text[40];
    std::snprintf(text, sizeof text, "%.17g", value.to_double());
    out << text;
  }}
  if (!have_expected) return 0;
  if ((size_t)index >= expected.size()) return 1;
  const std::string &want = expected[index];
  if (is_raw(want)) {{
    ap_uint<T::width> want_bits;
    return !parse_raw(want, want_bits) || want_bits != bits;
  }}
  return std::strtod(want.c_str(), 0) != value.to_double();
}}

int main(int argc, char **argv) {{
  const std::string input_path = argc > 1 ? argv[1] : "{input_file}";
  const std::string output_path = argc > 2 ? argv[2] : "{output_file}";
  const std::string expected_path = argc > 3 ? argv[3] : "{expected_file}";
  std::ifstream in(input_path.c_str());
  if (!in) {{
    std::cerr << "{top}_test: cannot read " << input_path << "\\n";
    return 2;
  }}
  std::ofstream out(output_path.c_str());
  if (!out) {{
    std::cerr << "{top}_test: cannot write " << output_path << "\\n";
    return 2;
  }}
  std::ifstream expected_in;
  if (expected_path != "-") expected_in.open(expected_path.c_str());
  const bool have_expected = expected_in.is_open();

{declare}
  std::string line, expected_line;
  long count = 0, line_number = 0, mismatches = 0;
  while (std::getline(in, line)) {{
    ++line_number;
    if (!line.empty() && line[0] == '#') continue;
    const Tokens tokens = split(line);
    if (tokens.size() != (size_t){n_inputs}) {{
      std::cerr << "line " << line_number << ": " << tokens.size()
                << " values for {n_inputs} inputs\\n";
      return 2;
    }}
{read}
    {call}
    const bool hex = {n_inputs} == 0 || is_raw(tokens[0]);
    Tokens expected_tokens;
    if (have_expected) {{
      while (std::getline(expected_in, expected_line) && !expected_line.empty() &&
             expected_line[0] == '#') {{
      }}
      expected_tokens = split(expected_line);
      expected_line.clear();
    }}
    int bad = 0;
{write}
    out << '\\n';
    if (bad) {{
      if (mismatches < 10) std::cerr << "vector " << count << ": " << bad << " output(s) differ\\n";
      ++mismatches;
    }}
    ++count;
  }}
  out.close();
  std::cout << "{top}_test: " << count << " vectors";
  if (have_expected) std::cout << ", " << mismatches << " mismatching";
  std::cout << std::endl;
  return mismatches ? 1 : 0;
}}
"""


# --- build scripts ----------------------------------------------------------------------------


def build_tcl(top: str, firmware: str, part: str, clock_ns: float, tool: str) -> str:
    """A Tcl script for ``vitis_hls -f`` or ``vivado_hls -f``: C simulation, then synthesis.

    Run with ``-tclargs csim=0`` or ``synth=0`` to skip a step (as hls4ml's build_prj.tcl).
    """
    script = "build_prj.tcl" if firmware else f"build_{tool}.tcl"
    # Vitis HLS has two flows; "vivado" makes an IP block (Vivado HLS's only flow).
    solution = "open_solution -reset solution1"
    if tool == "vitis_hls":
        solution += " -flow_target vivado"
    return f"""\
# {tool}: C simulation and synthesis of {top}, generated by symc.
#   {tool} -f {script} [-tclargs csim=0|1 synth=0|1]
# Not run where symc is developed (no HLS tool there); the C++ is C-simulated with g++.
array set opt {{csim 1 synth 1}}
# As hls4ml's build_prj.tcl: settings may come as separate words or in one ("csim=1 synth=0").
foreach arg $argv {{
  foreach key [array names opt] {{ regexp "$key=(\\\\d+)" $arg -> opt($key) }}
}}
open_project -reset {top}_prj
set_top {top}
add_files {firmware}{top}.cpp -cflags "-std=c++0x"
add_files -tb {top}_test.cpp -cflags "-std=c++0x"
add_files -tb tb_data
{solution}
set_part {{{part}}}
create_clock -period {clock_ns:g} -name default
if {{$opt(csim)}} {{ csim_design }}
if {{$opt(synth)}} {{ csynth_design }}
exit
"""
