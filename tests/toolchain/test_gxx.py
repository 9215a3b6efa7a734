"""Tests for symc.toolchain.gxx: finding g++ and the ap_types headers, building and running.

The C++ program here is written by hand (ap_fixed arithmetic on raw bit patterns) and its
expected results are computed in Python from the bit patterns, so the tests pin the wrapper,
not the HLS printer. Each build costs seconds: the program is built once (module fixture).
"""

from __future__ import annotations

import random
import stat

import pytest
from gxx_guard import MISSING, needs_gxx

from symc.toolchain import gxx
from symc.toolchain.errors import ToolError
from symc.toolchain.gxx import CSim, find_ap_types, find_cxx

# Reads "0xA 0xB" lines (two ap_fixed<12,4> raw values), writes their ap_fixed<24,8> product
# and a 70-bit concatenation, as raw hex; the third argument (expected outputs) is ignored.
PROGRAM = r"""
#include <ap_fixed.h>
#include <fstream>
#include <sstream>
#include <string>

int main(int argc, char **argv) {
  if (argc != 4) return 2;
  std::ifstream in(argv[1]);
  std::ofstream out(argv[2]);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream tokens(line);
    unsigned long long a_bits, b_bits;
    tokens >> std::hex >> a_bits >> b_bits;
    ap_fixed<12, 4> a, b;
    a.range(11, 0) = a_bits;
    b.range(11, 0) = b_bits;
    ap_fixed<24, 8> product = a * b;
    ap_uint<70> wide = (ap_uint<70>(b_bits) << 58) | ap_uint<70>(a_bits);
    out << "0x" << std::hex << ap_uint<24>(product.range(23, 0)).to_uint64() << " "
        << wide.to_string(16, false) << "\n";
  }
  return 0;
}
"""


def _signed(bits: int, width: int) -> int:
    return bits - (1 << width) if bits >> (width - 1) else bits


def _expected(a: int, b: int) -> list[int]:
    return [(_signed(a, 12) * _signed(b, 12)) % (1 << 24), (b << 58) | a]


def _vectors(count: int, seed: int) -> list[list[int]]:
    rng = random.Random(seed)
    corners = [0, 1, 0x7FF, 0x800, 0xFFF]
    vectors = [[a, b] for a in corners for b in corners]
    while len(vectors) < count:
        vectors.append([rng.getrandbits(12), rng.getrandbits(12)])
    return vectors


@pytest.fixture(scope="module")
def program():
    if MISSING is not None:
        pytest.skip(f"C simulation needs g++ and the ap_types headers: {MISSING}")
    with CSim({"prog.cpp": PROGRAM}, ["prog.cpp"], [12, 12], [24, 70], name="prog") as sim:
        yield sim


def test_find_cxx_override_must_exist(monkeypatch):
    monkeypatch.setenv(gxx.CXX_ENV, "/nonexistent/g++")
    with pytest.raises(ToolError, match="SYMC_CXX"):
        find_cxx()


def test_ap_types_override_must_hold_the_headers(monkeypatch, tmp_path):
    monkeypatch.setenv(gxx.AP_TYPES_ENV, str(tmp_path))
    with pytest.raises(ToolError, match="SYMC_AP_TYPES=.* is not a folder holding ap_fixed.h"):
        find_ap_types()
    (tmp_path / "ap_fixed.h").write_text("// stand-in\n")
    assert find_ap_types() == tmp_path


def test_missing_headers_name_the_package(monkeypatch):
    monkeypatch.delenv(gxx.AP_TYPES_ENV, raising=False)
    monkeypatch.setattr(gxx.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ToolError, match=r"install the pip package 'hls4ml' \(pip install hls4ml") \
            as caught:
        find_ap_types()
    assert caught.value.tool == "g++"


@needs_gxx
def test_headers_come_from_hls4ml_without_importing_it(monkeypatch):
    import subprocess
    import sys

    monkeypatch.delenv(gxx.AP_TYPES_ENV, raising=False)
    folder = find_ap_types()
    assert (folder / "ap_fixed.h").is_file()
    assert folder.parts[-4:] == ("hls4ml", "templates", "vivado", "ap_types")
    # In a fresh interpreter: finding the headers leaves hls4ml (and its dependencies) unloaded.
    probe = ("import sys; from symc.toolchain.gxx import find_ap_types; find_ap_types(); "
             "print('hls4ml' in sys.modules)")
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert run.stdout.strip() == "False", run.stderr


@needs_gxx
def test_results_are_bit_exact(program):
    vectors = _vectors(1000, seed=1)
    results = program.run(vectors)
    assert results == [_expected(a, b) for a, b in vectors]
    assert program.build_seconds > 0


@needs_gxx
def test_second_run_reuses_the_build(program, monkeypatch):
    program.run([[1, 2]])

    def no_rebuild() -> list[str]:
        raise AssertionError("run() invoked the compiler again")

    monkeypatch.setattr(gxx, "find_cxx", no_rebuild)
    vectors = _vectors(50, seed=2)
    assert program.run(vectors) == [_expected(a, b) for a, b in vectors]
    assert program.run([]) == []


@needs_gxx
@pytest.mark.parametrize("vector, message", [
    ([1], "1 values for 2 inputs"),
    ([-1, 0], "not a raw bit pattern of 12 bits"),
    ([0, 1 << 12], "not a raw bit pattern of 12 bits"),
])
def test_values_outside_the_ports_are_refused(program, vector, message):
    with pytest.raises(ValueError, match=message):
        program.run([vector])


@needs_gxx
def test_compile_errors_raise_tool_error_with_the_log():
    sim = CSim({"bad.cpp": "int main() { return undeclared; }\n"}, ["bad.cpp"], [1], [1])
    with sim, pytest.raises(ToolError) as caught:
        sim.run([[0]])
    assert caught.value.tool == "g++"
    assert "compiling bad.cpp failed" in caught.value.message
    assert "undeclared" in caught.value.diagnostics


@needs_gxx
def test_a_failing_program_raises_tool_error():
    failing = '#include <cstdio>\nint main() { std::fprintf(stderr, "refused\\n"); return 3; }\n'
    sim = CSim({"fail.cpp": failing}, ["fail.cpp"], [4], [4])
    with sim, pytest.raises(ToolError, match="exit code 3") as caught:
        sim.run([[5]])
    assert "refused" in caught.value.diagnostics
    with pytest.raises(ValueError, match="closed"):
        sim.run([[5]])


def test_failing_compiler_override_raises_tool_error(monkeypatch, tmp_path):
    fake = tmp_path / "fake-gxx"
    fake.write_text("#!/bin/sh\necho 'stand-in compiler refuses' >&2\nexit 1\n")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv(gxx.CXX_ENV, str(fake))
    monkeypatch.setenv(gxx.AP_TYPES_ENV, str(tmp_path))
    (tmp_path / "ap_fixed.h").write_text("// stand-in\n")
    sim = CSim({"x.cpp": "int main() {}\n"}, ["x.cpp"], [1], [1], workdir=tmp_path / "work")
    with pytest.raises(ToolError, match="stand-in compiler refuses"):
        sim.run([[0]])
