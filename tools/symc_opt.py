"""``symc-opt``: xDSL's opt driver with symc's dialects, passes and targets registered.

    symc-opt in.mlir -t verilog -p 'sym-canonicalize,sym-range-analysis,sym-approximate-lut,
        sym-legalize-fixed,sym-schedule,convert-sym-to-hw'  (one word: no space after a comma)
    symc-opt in.mlir -p 'sym-canonicalize,sym-range-analysis,sym-legalize-fixed' -t hls

It only registers symc's passes and its targets (``mlir``, ``hls``, ``verilog``), not xDSL's
other ones, and its ``--help`` lists each pass with its options; every pass and target lives
in its own module.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import sys
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO, ClassVar

from xdsl.context import Context
from xdsl.dialects.builtin import Builtin, ModuleOp
from xdsl.passes import get_pass_option_infos
from xdsl.universe import Universe
from xdsl.utils.target import Target
from xdsl.xdsl_opt_main import xDSLOptMain

from symc import __version__
from symc.backends.hls import print_kernel
from symc.backends.verilog import module_to_verilog
from symc.dialects import get_all_dialects
from symc.frontend.errors import SymcError
from symc.passes import get_all_passes
from symc.toolchain.errors import ToolError


@dataclass(frozen=True)
class VerilogTarget(Target):
    """Print an hw/comb/seq module as SystemVerilog through CIRCT."""

    name: ClassVar[str] = "verilog"

    def emit(self, ctx: Context, module: ModuleOp, output: IO[str]) -> None:
        output.write(module_to_verilog(module))


def _verilog_target() -> type[Target]:
    return VerilogTarget


@dataclass(frozen=True)
class HLSTarget(Target):
    """Print a legalized sym kernel as HLS C++: its header, then its top function."""

    name: ClassVar[str] = "hls"

    def emit(self, ctx: Context, module: ModuleOp, output: IO[str]) -> None:
        code = print_kernel(module)
        output.write(code.header + "\n" + code.source)


def _hls_target() -> type[Target]:
    return HLSTarget


WIDTH = 96
"""Width of the pass list in ``--help``."""

TARGETS = {
    "mlir": "the IR as text (the default)",
    "hls": "a legalized sym kernel as HLS C++ (run sym-legalize-fixed first)",
    "verilog": "an hw/comb/seq module as SystemVerilog through CIRCT (run convert-sym-to-hw "
               "first)",
}

DESCRIPTION = """\
symc's optimizer driver: reads sym/hw IR (a file, or stdin), runs a pipeline of symc's passes
and prints the result as MLIR, HLS C++ or Verilog. The IR of each stage of a compile is what
`symc compile` writes (NAME.sym.mlir, NAME.lut.mlir, NAME.fixed.mlir, NAME.hw.mlir)."""

EXAMPLE = """\
example (a formula with sin needs sym-approximate-lut before sym-legalize-fixed):
  symc compile "sin(x0)*x1" --inputs x0=-3:3,x1=-1:1 -o out/
  symc-opt out/top.sym.mlir -p 'sym-canonicalize,sym-range-analysis,sym-approximate-lut,\
sym-legalize-fixed,sym-schedule,convert-sym-to-hw' -t verilog"""


def _first_sentence(text: str) -> str:
    """A module docstring's first sentence, without its leading ``name``: and markup."""
    paragraph = " ".join(text.strip().split("\n\n")[0].split())
    if "``: " in paragraph[:60]:
        paragraph = paragraph.split("``: ", 1)[1]
    sentence = paragraph.split(". ")[0].rstrip(".")
    return sentence.replace("``", "")


def pass_help() -> str:
    """symc's passes, one line each, then their options as ``name=default``."""
    lines = ["symc passes (-p 'a,b{option=value ...},c'):"]
    for name, factory in get_all_passes().items():
        cls = factory()
        lines += textwrap.wrap(_first_sentence(sys.modules[cls.__module__].__doc__ or ""),
                               width=WIDTH, initial_indent=f"  {name:<22}",
                               subsequent_indent=" " * 24, break_on_hyphens=False)
        options = [f"{info.name}={info.default_value or chr(34) * 2}"
                   for info in get_pass_option_infos(cls)]
        line = "      "
        for option in options:
            if len(line) + len(option) > WIDTH:
                lines.append(line.rstrip())
                line = "      "
            line += option + " "
        if options:
            lines.append(line.rstrip())
    lines.append("")
    lines.append("targets (-t):")
    for name, text in TARGETS.items():
        lines += textwrap.wrap(text, width=WIDTH, initial_indent=f"  {name:<22}",
                               subsequent_indent=" " * 24, break_on_hyphens=False)
    return "\n".join(lines)


def _version() -> str:
    try:
        return importlib.metadata.version("symc")
    except importlib.metadata.PackageNotFoundError:
        return __version__


class SymcOptMain(xDSLOptMain):
    version_format: ClassVar[str] = f"symc-opt {_version()} (xDSL {{xdsl_version}})"

    def register_all_dialects(self) -> None:
        self.ctx.register_dialect("builtin", lambda: Builtin)
        for name, factory in get_all_dialects().items():
            self.ctx.register_dialect(name, factory)

    def register_all_passes(self) -> None:
        for name, factory in get_all_passes().items():
            self.register_pass(name, factory)

    def register_all_targets(self) -> None:
        # xDSL's own printer of the IR; not its assembly, LLVM, WebAssembly, ... targets.
        self.available_targets["mlir"] = Universe.get_multiverse().all_targets["mlir"]
        self.available_targets["hls"] = _hls_target
        self.available_targets["verilog"] = _verilog_target

    def register_all_arguments(self, arg_parser: argparse.ArgumentParser) -> None:
        super().register_all_arguments(arg_parser)
        arg_parser.formatter_class = argparse.RawDescriptionHelpFormatter
        arg_parser.description = DESCRIPTION
        arg_parser.epilog = pass_help() + "\n\n" + EXAMPLE
        for action in arg_parser._actions:
            if action.dest == "passes":
                action.help = "comma-separated pass pipeline (symc's passes: see below)"
            elif action.dest == "version":
                action.help = "print symc's and xDSL's versions"
            elif action.dest == "target":
                action.help = f"output: {', '.join(TARGETS)} (default: mlir; see below)"


def main(args: Sequence[str] | None = None) -> None:
    try:
        SymcOptMain(args=args).run()
    except (SymcError, ToolError) as exc:
        # A ToolError here is CIRCT rejecting what it was given (e.g. sym ops left for -t
        # verilog: run convert-sym-to-hw first).
        print(f"symc-opt: error: {exc}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
