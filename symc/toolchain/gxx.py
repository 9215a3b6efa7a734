"""g++ wrapper: C simulation of the HLS C++ backend's output with the Xilinx ap_types headers.

This is how symc checks that the HLS C++ computes what the emulator says (contract 2 of
docs/architecture.md) on machines without an HLS tool: ``Design.csim(X)`` builds the
design's project once (firmware and testbench, compiled in parallel, then linked) and runs
every vector through it in one process, as Vitis HLS's ``csim_design`` would.

The compiler is ``g++`` (or whatever ``SYMC_CXX`` names). The ``ap_fixed.h`` headers come from
``SYMC_AP_TYPES`` (a folder holding ``ap_fixed.h``), else from the installed ``hls4ml`` package,
which ships Xilinx's open-source ap_types in ``hls4ml/templates/vivado/ap_types/``; the package
is located without being imported (importing hls4ml pulls in its heavy dependencies). Every
failure raises ``ToolError("g++", ...)`` with the compiler's log or the program's output.

Values cross the Python/C++ boundary as raw bit patterns, non-negative ints masked to the port
width, written as ``0x...`` tokens (the testbench's exact notation).
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from symc.toolchain.commands import find_command, run, start
from symc.toolchain.errors import ToolError, log_tail
from symc.toolchain.program import BuiltProgram, parse_hex_results
from symc.toolchain.status import step

TOOL = "g++"

CXX_ENV = "SYMC_CXX"
"""Environment variable with the C++ compiler command to use instead of ``g++``."""

AP_TYPES_ENV = "SYMC_AP_TYPES"
"""Environment variable naming a folder that holds ``ap_fixed.h`` (the Xilinx ap_types)."""

HLS4ML_AP_TYPES = ("templates", "vivado", "ap_types")
"""Where the hls4ml package keeps the ap_types headers, relative to the package folder."""

CXXFLAGS = ("-std=c++11", "-O1", "-Wno-unknown-pragmas")
"""C++11 as the HLS tools' compilers take it; ``-O1`` because ap_fixed code compiles slowly and
the run is short (measured: -O2 adds build time that a run of 10^5 vectors does not win back);
HLS pragmas mean nothing to g++."""


def find_cxx() -> list[str]:
    """The C++ compiler command: ``$SYMC_CXX`` (split like shell words), else ``g++``."""
    return find_command(TOOL, CXX_ENV, ("g++",), "",
                        install="install a C++ compiler (Debian: apt install g++)")


def find_ap_types() -> Path:
    """The folder holding the Xilinx ap_types headers (``ap_fixed.h``, ``ap_int.h``)."""
    override = os.environ.get(AP_TYPES_ENV)
    if override:
        folder = Path(override)
        if not (folder / "ap_fixed.h").is_file():
            raise ToolError(TOOL, f"{AP_TYPES_ENV}={override!r} is not a folder holding ap_fixed.h")
        return folder
    # find_spec of a top-level package locates it without running its __init__.
    spec = importlib.util.find_spec("hls4ml")
    if spec is not None and spec.submodule_search_locations:
        for location in spec.submodule_search_locations:
            folder = Path(location).joinpath(*HLS4ML_AP_TYPES)
            if (folder / "ap_fixed.h").is_file():
                return folder
    raise ToolError(
        TOOL,
        "the Xilinx ap_types headers (ap_fixed.h) were not found: install the pip package "
        f"'hls4ml' (pip install hls4ml; it ships them) or set {AP_TYPES_ENV} to a folder "
        "holding ap_fixed.h",
    )


class CSim(BuiltProgram):
    """One HLS project compiled by g++ and run on any number of vectors.

    ``files`` maps relative paths to texts (the project); ``sources`` are the ``.cpp`` files to
    compile, each in its own process (the machines have two cores) before one link. The program
    is run as ``PROGRAM INPUTS RESULTS -`` (the testbench of :mod:`symc.backends.hls_project`).
    ``input_widths`` / ``output_widths`` are the ports' bit widths, in vector order.

    The build happens on the first :meth:`run` (or an explicit :meth:`build`) and is reused.
    Without ``workdir`` the files live in a temporary directory removed with the object.
    """

    def __init__(self, files: Mapping[str, str], sources: Sequence[str],
                 input_widths: Sequence[int], output_widths: Sequence[int], name: str = "csim",
                 workdir: str | os.PathLike[str] | None = None) -> None:
        self.files = dict(files)
        self.sources = list(sources)
        self.input_widths = list(input_widths)
        self.output_widths = list(output_widths)
        self.name = name
        self.build_log = ""
        self.build_seconds = 0.0
        """Wall time of the build (compile and link)."""
        self.run_seconds = 0.0
        """Wall time of the last run of the program alone (no vector formatting or parsing)."""
        super().__init__(workdir, "symc-csim-")

    def build(self) -> None:
        """Compile and link the project (once; later calls do nothing)."""
        if not self._needs_build(f"the C simulation of {self.name!r}"):
            return
        with step(f"g++ build of the C simulation of {self.name}") as built:
            self._build()
        self.build_seconds = built.seconds

    def _build(self) -> None:
        cxx, include = find_cxx(), find_ap_types()
        for path, text in self.files.items():
            target = self.workdir / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)
        flags = [*CXXFLAGS, f"-I{include}", "-I."]
        objects = [Path(s).with_suffix(".o").as_posix().replace("/", "_") for s in self.sources]
        jobs = [
            (source, _start([*cxx, *flags, "-c", source, "-o", obj], self.workdir))
            for source, obj in zip(self.sources, objects, strict=True)
        ]
        logs, failed = [], []
        for source, job in jobs:
            out, _ = job.communicate()
            logs.append(out)
            if job.returncode != 0:
                failed.append(source)
        self.build_log = "".join(logs)
        if failed:
            raise ToolError(TOOL, f"compiling {', '.join(failed)} failed "
                                  f"(work directory {self.workdir})", log_tail(self.build_log))
        returncode, log = _run([*cxx, *objects, "-o", self.name], self.workdir)
        self.build_log += log
        binary = self.workdir / self.name
        if returncode != 0 or not binary.is_file():
            raise ToolError(TOOL, f"linking {self.name} failed (work directory {self.workdir})",
                            log_tail(log))
        self._binary = binary

    def run(self, vectors: Sequence[Sequence[int]]) -> list[list[int]]:
        """Run ``vectors`` (raw input bit patterns) and return the raw output bit patterns."""
        if not vectors:
            return []
        text = self._vectors_text(vectors)
        self.build()
        assert self._binary is not None
        (self.workdir / "vectors.dat").write_text(text)
        results = self.workdir / "results.dat"
        results.unlink(missing_ok=True)
        start = time.perf_counter()
        returncode, log = _run([str(self._binary), "vectors.dat", "results.dat", "-"],
                               self.workdir)
        self.run_seconds = time.perf_counter() - start
        if returncode != 0 or not results.is_file():
            raise ToolError(TOOL, f"the C simulation of {self.name!r} failed "
                                  f"(exit code {returncode})", log_tail(log))
        return parse_hex_results(TOOL, "C simulation", results.read_text(), len(vectors),
                                 self.output_widths)

    def _vectors_text(self, vectors: Sequence[Sequence[int]]) -> str:
        lines = []
        for index, vector in enumerate(vectors):
            if len(vector) != len(self.input_widths):
                raise ValueError(f"vector {index} has {len(vector)} values for "
                                 f"{len(self.input_widths)} inputs")
            for value, width in zip(vector, self.input_widths, strict=True):
                if not 0 <= value < 1 << width:
                    raise ValueError(f"vector {index}: {value} is not a raw bit pattern of "
                                     f"{width} bits")
            lines.append(" ".join(f"0x{value:x}" for value in vector))
        return "".join(line + "\n" for line in lines)


def _start(command: list[str], cwd: Path) -> subprocess.Popen[str]:
    return start(TOOL, command, cwd)


def _run(command: list[str], cwd: Path) -> tuple[int, str]:
    result = run(TOOL, command, cwd)
    return result.returncode, result.stdout
