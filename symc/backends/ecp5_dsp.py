"""ECP5 products in a sysDSP block with its own registers: three cycles, a 5 ns clock.

In the yosys/nextpnr flow an ECP5 product is a ``MULT18X18D`` between fabric registers, which
takes 5.4 to 5.9 ns whatever its width: yosys does not move registers into the block. With the
block's input, pipeline and output registers on, nextpnr times every register-to-register path
of an 18 x 18 product at about 2.1 ns (``benchmarks/calibrate_delays.py``, entry
``dsp_registered``). So where ``sym-schedule`` finds a DSP product slower than a period on
ECP5, it marks it ``dsp_registers = 3`` and ``convert-sym-to-hw`` builds it from instances of
one module per design (:func:`module_name`): a signed 18 x 18 product whose result comes three
clock edges after its operands. The lowering sign- or zero-extends each operand (or each 17-bit
piece of a wider one) to the 18 bits of the port.

CIRCT declares the module as an ``hw.module.extern``; :func:`dsp_verilog` prints it after
CIRCT's output, as the block ROMs are printed: one ``MULT18X18D`` instance, the primitive that
yosys's ``synth_ecp5`` and Lattice's tools map. With the pipeline's reset the block's
registers clear on ``rst`` (``RESETMODE = "SYNC"``), as every pipeline register does.

Simulators do not know the primitive: :data:`SIMULATION_MODEL` is symc's model of the part of
``MULT18X18D`` that module uses (ports A, B, P, the signedness inputs, CLK0/CE0/RST0 and the
three registers), which symc's Verilator runs and the synthesis of an ECP5 design for another
family read alongside the design. It follows the primitive's documented behaviour (Lattice
FPGA-TN-02205, "ECP5 and ECP5-5G sysDSP Usage Guide": every register on CLK0, enabled by CE0,
cleared by RST0); it is a model, not the vendor's simulation library.
"""

from __future__ import annotations

import re
from pathlib import Path

from xdsl.dialects import hw, seq
from xdsl.dialects.builtin import (
    ArrayAttr,
    FlatSymbolRefAttr,
    IntegerType,
    ModuleOp,
    StringAttr,
    UnitAttr,
)
from xdsl.ir import SSAValue

SUFFIX = "_mult18x18"
"""A design's module of one registered product is named after it with this suffix (two
designs in one project never clash): ``p = a * b`` (signed, 18 x 18 -> 36 bits), three clock
edges later."""

DSP_ATTR = "symc.dsp_registered"
"""Marks the ``hw.module.extern`` of that module."""

CYCLES = 3
"""Register stages of the product: the block's input, pipeline and output registers."""

PORT_BITS = 18
"""Width of each operand port (signed)."""

PRIMITIVE = "MULT18X18D"

SIMULATION_MODEL = (Path(__file__).resolve().parent.parent / "data" / "MULT18X18D_sim.v")
"""symc's simulation model of the primitive (see the module docstring)."""


def module_name(design: str) -> str:
    return design + SUFFIX


def uses_dsp(verilog: str) -> bool:
    """Whether Verilog text instantiates the ECP5 primitive (a registered product)."""
    return re.search(rf"\b{PRIMITIVE}\s*#\(", verilog) is not None


def with_model(verilog: str) -> str:
    """``verilog`` followed by :data:`SIMULATION_MODEL` when it instantiates the registered
    product: what a simulator, or synthesis for a family without the primitive, reads."""
    return verilog + "\n" + SIMULATION_MODEL.read_text() if uses_dsp(verilog) else verilog


def extern(name: str) -> hw.HWModuleExternOp:
    """The declaration of the module ``name`` (:func:`module_name`) for the hw IR."""
    def port(name: str, type_: object, direction: hw.Direction) -> hw.ModulePort:
        return hw.ModulePort(StringAttr(name), type_, hw.DirectionAttr(direction))  # type: ignore[arg-type]

    ports = [port("clk", seq.ClockType(), hw.Direction.INPUT),
             port("rst", IntegerType(1), hw.Direction.INPUT),
             port("a", IntegerType(PORT_BITS), hw.Direction.INPUT),
             port("b", IntegerType(PORT_BITS), hw.Direction.INPUT),
             port("p", IntegerType(2 * PORT_BITS), hw.Direction.OUTPUT)]
    declaration = hw.HWModuleExternOp(StringAttr(name), hw.ModuleType(ArrayAttr(ports)))
    declaration.attributes[DSP_ATTR] = UnitAttr()
    return declaration


def instance(module: str, name: str, clock: SSAValue, reset: SSAValue, a: SSAValue,
             b: SSAValue) -> hw.InstanceOp:
    """One registered product of the 18-bit ``a`` and ``b`` (its result: 36 bits), an
    instance ``name`` of ``module``."""
    # (xDSL declares hw.InstanceOp through an Annotated alias, which pyright does not call)
    return hw.InstanceOp(name, FlatSymbolRefAttr(module),  # pyright: ignore
                         [("clk", clock), ("rst", reset), ("a", a), ("b", b)],
                         [("p", IntegerType(2 * PORT_BITS))])


def wrapper_verilog(name: str) -> str:
    """The Verilog of the module ``name``: one ``MULT18X18D`` with its three registers on."""
    pins = [f".A{i}(a[{i}])" for i in range(PORT_BITS)]
    pins += [f".B{i}(b[{i}])" for i in range(PORT_BITS)]
    pins += [f".P{i}(p[{i}])" for i in range(2 * PORT_BITS)]
    pins += [".CLK0(clk)", ".CE0(1'b1)", ".RST0(rst)", ".SIGNEDA(1'b1)", ".SIGNEDB(1'b1)",
             ".SOURCEA(1'b0)", ".SOURCEB(1'b0)"]
    rows = [", ".join(pins[i:i + 6]) for i in range(0, len(pins), 6)]
    connections = ",\n    ".join(rows)
    return f"""
// A signed 18x18 product in an ECP5 sysDSP block, its input, pipeline and output registers
// on: p is a * b three clock edges later. Registers clear on rst (synchronous).
module {name}(input clk, input rst, input [17:0] a, input [17:0] b, output [35:0] p);
  {PRIMITIVE} #(
    .REG_INPUTA_CLK("CLK0"), .REG_INPUTB_CLK("CLK0"), .REG_PIPELINE_CLK("CLK0"),
    .REG_OUTPUT_CLK("CLK0"), .RESETMODE("SYNC")
  ) dsp (
    {connections}
  );
endmodule
"""


def dsp_verilog(module: ModuleOp) -> str:
    """The text of each registered-product module ``module`` declares."""
    return "".join(wrapper_verilog(op.sym_name.data) for op in module.ops
                   if isinstance(op, hw.HWModuleExternOp) and DSP_ATTR in op.attributes)
