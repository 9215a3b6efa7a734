"""``symc-opt``: xDSL's opt driver with symc's dialects, passes and targets registered.

    symc-opt in.mlir -t verilog
        -p 'sym-canonicalize,sym-range-analysis,sym-legalize-fixed,convert-sym-to-hw'
    symc-opt in.mlir -p 'sym-canonicalize,sym-range-analysis,sym-legalize-fixed' -t hls

It only registers; every pass and target lives in its own module.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO, ClassVar

from xdsl.context import Context
from xdsl.dialects.builtin import Builtin, ModuleOp
from xdsl.utils.target import Target
from xdsl.xdsl_opt_main import xDSLOptMain

from symc.dialects import get_all_dialects
from symc.passes import get_all_passes


@dataclass(frozen=True)
class VerilogTarget(Target):
    """Print an hw/comb/seq module as SystemVerilog through CIRCT."""

    name: ClassVar[str] = "verilog"

    def emit(self, ctx: Context, module: ModuleOp, output: IO[str]) -> None:
        from symc.backends.verilog import module_to_verilog

        output.write(module_to_verilog(module))


def _verilog_target() -> type[Target]:
    return VerilogTarget


@dataclass(frozen=True)
class HLSTarget(Target):
    """Print a legalized sym kernel as HLS C++: its header, then its top function."""

    name: ClassVar[str] = "hls"

    def emit(self, ctx: Context, module: ModuleOp, output: IO[str]) -> None:
        from symc.backends.hls import print_kernel

        code = print_kernel(module)
        output.write(code.header + "\n" + code.source)


def _hls_target() -> type[Target]:
    return HLSTarget


class SymcOptMain(xDSLOptMain):
    def register_all_dialects(self) -> None:
        self.ctx.register_dialect("builtin", lambda: Builtin)
        for name, factory in get_all_dialects().items():
            self.ctx.register_dialect(name, factory)

    def register_all_passes(self) -> None:
        for name, factory in get_all_passes().items():
            self.register_pass(name, factory)

    def register_all_targets(self) -> None:
        super().register_all_targets()  # keeps "mlir" (and xDSL's other printers)
        self.available_targets["hls"] = _hls_target
        self.available_targets["verilog"] = _verilog_target


def main(args: Sequence[str] | None = None) -> None:
    from symc.frontend.errors import SymcError
    from symc.toolchain.errors import ToolError

    try:
        SymcOptMain(description="symc modular optimizer driver", args=args).run()
    except (SymcError, ToolError) as exc:
        # A ToolError here is CIRCT rejecting what it was given (e.g. sym ops left for -t
        # verilog: run convert-sym-to-hw first).
        print(f"symc-opt: error: {exc}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
