"""Verilog backend: an hw/comb/seq module, printed by xDSL, exported by CIRCT.

The last step of the hardware flow (after ``convert-sym-to-hw``). CIRCT parses xDSL's custom
printed form directly, so the module goes over as text.
"""

from __future__ import annotations

import io

from xdsl.dialects.builtin import ModuleOp
from xdsl.printer import Printer

from symc.backends.block_rom import block_rom_verilog
from symc.backends.ecp5_dsp import dsp_verilog
from symc.toolchain.circt import export_verilog


def print_module(module: ModuleOp) -> str:
    """The module in xDSL's custom form (deterministic)."""
    out = io.StringIO()
    Printer(stream=out).print_op(module)
    out.write("\n")
    return out.getvalue()


def module_to_verilog(module: ModuleOp, text: str | None = None) -> str:
    """SystemVerilog for a module holding one ``hw.module`` (``text``: the module already
    printed), followed by the block ROM and DSP modules it instantiates, which symc prints
    itself."""
    return (export_verilog(print_module(module) if text is None else text)
            + block_rom_verilog(module) + dsp_verilog(module))
