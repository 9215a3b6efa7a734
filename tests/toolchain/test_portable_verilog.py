"""The Verilog symc saves is read, as written, by yosys, Icarus Verilog and Verilator.

Tables are the construct most likely to need SystemVerilog (CIRCT writes a packed array
initialized by an assignment pattern; symc saves a memory with an initial block), so every
design here has some: plain and interpolated LUT tables, hls4ml
indexing, block ROMs, a pipeline with reset and valid. The saved ``.sv`` file is given to
each tool unchanged: yosys ``read_verilog`` with and without ``-sv`` (then ``proc`` and
``check -assert``), Icarus with ``-g2005`` (Verilog-2005, no SystemVerilog), Verilator
``--lint-only``. Icarus then simulates the file on random port values and its outputs must
equal the emulator's, bit for bit: reading a file is not the same as reading it right.
Icarus is Debian's ``iverilog``; its checks skip when it is not installed.
"""

from __future__ import annotations

import random
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

import symc
from symc.toolchain.verilator import find_verilator
from symc.toolchain.yosys import find_yosys

DESIGNS = {
    "tables": dict(exprs=["sin(x0)*x1 + exp(x1)", "x0/(x1*x1 + 1)"],
                   inputs={"x0": (-3, 3), "x1": (-2, 2)}),
    "pipelined": dict(exprs=["sin(x0)*x1 + x0*x1*x0", "tanh(x1)"],
                      inputs={"x0": (-3, 3), "x1": (-2, 2)}, clock_ns=5.0,
                      tables={"*": {"interpolation": "none"}}, reset=True, valid=True,
                      input_registers=True, output_registers=True),
    "block_roms": dict(exprs="tanh(x0) + cos(x1)", roms="block", clock_ns=5.0, reset=True),
    "hls4ml_indexing": dict(exprs="sin(x0) + x1", precision="ap_fixed<16,8>",
                            tables={"*": {"entries": 256, "indexing": "hls4ml",
                                                  "domain": [-8, 8]}}),
    "auto": dict(exprs="sin(x0)*x1", inputs={"x0": (-3, 3), "x1": (-2, 2)},
                 precision="auto", max_error=0.01, clock_ns=10.0),
}

ICARUS = shutil.which("iverilog")
needs_icarus = pytest.mark.skipif(ICARUS is None, reason="Icarus Verilog (iverilog) is not "
                                  "installed (Debian: apt-get install iverilog)")


@pytest.fixture(scope="module", params=sorted(DESIGNS))
def saved(request, tmp_path_factory) -> tuple[symc.Design, Path]:
    spec = dict(DESIGNS[request.param])
    design = symc.compile(spec.pop("exprs"), **spec)
    folder = tmp_path_factory.mktemp(request.param)
    design.save(folder)
    return design, folder / f"{design.name}.sv"


def _run(command: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=600)


def test_no_systemverilog_tables(saved):
    _, path = saved
    text = path.read_text()
    assert "'{" not in text
    assert re.search(r"\b(wire|reg)\s+\[\d+:\d+\]\[", text) is None  # no packed arrays
    assert "always_comb" not in text and "always_ff" not in text


@pytest.mark.parametrize("flags", ["", "-sv "])
def test_yosys_reads_the_saved_file(saved, flags):
    design, path = saved
    # yosys (yowasp) sees only its working directory: give it the file's name there.
    result = _run([*find_yosys(), "-q", "-p", f"read_verilog {flags}{path.name}; "
                   f"hierarchy -check -top {design.name}; proc; check -assert"], path.parent)
    assert result.returncode == 0, result.stdout + result.stderr


def test_verilator_lints_the_saved_file(saved):
    _, path = saved
    result = _run([*find_verilator(), "--lint-only", "-Wno-fatal", "-Wno-UNUSEDSIGNAL",
                   "-Wno-DECLFILENAME", path.name], path.parent)
    assert result.returncode == 0, result.stdout + result.stderr


@needs_icarus
def test_icarus_simulates_the_saved_file_as_the_emulator(saved):
    design, path = saved
    rng = random.Random(7)
    n = 300
    # Any value a port can carry, not only the declared ranges: both sides take it as given.
    columns = [np.array([rng.randint(p.format.min_raw, p.format.max_raw) for _ in range(n)],
                        dtype=np.int64) for p in design.inputs]
    expected = design.emulator.run_raw(columns)
    bench = path.parent / "bench.v"
    bench.write_text(_testbench(design, columns))
    binary = path.parent / "bench.vvp"
    compiled = _run([ICARUS, "-g2005", "-o", str(binary), str(bench), str(path)], path.parent)
    assert compiled.returncode == 0, compiled.stderr
    ran = _run(["vvp", "-n", str(binary)], path.parent)
    assert ran.returncode == 0, ran.stderr
    rows = [line.split() for line in ran.stdout.splitlines() if line.startswith("out ")]
    assert len(rows) == n
    for j, port in enumerate(design.outputs):
        got = [port.format.from_bits(int(row[1 + j], 16)) for row in rows]
        assert got == [int(v) for v in expected[j]], f"output {port.name} differs"


def _testbench(design: symc.Design, columns: list[np.ndarray]) -> str:
    """A Verilog-2005 testbench: one vector per clock cycle, outputs read `latency` cycles on
    (before each rising edge, once the combinational logic has settled)."""
    clocked = design.schedule is not None and design.schedule.clock_ns is not None
    control = design.schedule.control_inputs if clocked and design.schedule else []
    latency = design.latency if clocked else 0
    n = len(columns[0]) if columns else 1
    lines = ["`timescale 1ns/1ps", "module bench;"]
    lines += [f"  reg [{p.format.width - 1}:0] {p.name};" for p in design.inputs]
    lines += [f"  wire [{p.format.width - 1}:0] {p.name};" for p in design.outputs]
    connections = [f".{p.name}({p.name})" for p in (*design.inputs, *design.outputs)]
    if clocked:
        lines.append("  reg clk = 0;")
        lines += [f"  reg {c} = {int(c == 'valid_in')};" for c in control]
        connections += [".clk(clk)", *(f".{c}({c})" for c in control)]
        if design.schedule and "valid_in" in control:
            lines.append("  wire valid_out;")
            connections.append(".valid_out(valid_out)")
    lines.append(f"  {design.name} dut({', '.join(connections)});")
    lines.append("  initial begin")
    for i in range(n + latency):
        row = min(i, n - 1)
        lines += [f"    {p.name} = {p.format.width}'h{p.format.to_bits(int(col[row])):X};"
                  for p, col in zip(design.inputs, columns, strict=True)]
        lines.append("    #1;")
        if i >= latency:
            values = ", ".join(p.name for p in design.outputs)
            lines.append(f'    $display("out{" %h" * len(design.outputs)}", {values});')
        if clocked:
            lines += ["    clk = 1;", "    #1;", "    clk = 0;"]
    lines += ["    $finish;", "  end", "endmodule", ""]
    return "\n".join(lines)
