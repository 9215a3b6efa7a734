"""What the Verilator testbench and the C simulation share: a program built once in a work
directory, fed vectors from a file, its results read back as hexadecimal columns.

A ``BuiltProgram`` owns its work directory when it made one (a temporary directory removed by
``close()``, by ``with``, or when the object is collected) and keeps a caller-given one.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import weakref
from collections.abc import Sequence
from pathlib import Path

from symc.toolchain.errors import ToolError


class BuiltProgram:
    """Work directory, built binary and lifetime of one program (see the module docstring)."""

    def __init__(self, workdir: str | os.PathLike[str] | None, prefix: str) -> None:
        if workdir is None:
            self.workdir = Path(tempfile.mkdtemp(prefix=prefix))
            self._cleanup: weakref.finalize | None = weakref.finalize(
                self, shutil.rmtree, self.workdir, True
            )
        else:
            self.workdir = Path(workdir)
            self.workdir.mkdir(parents=True, exist_ok=True)
            self._cleanup = None
        self._binary: Path | None = None
        self._closed = False

    def _needs_build(self, what: str) -> bool:
        """False once built; a ``ValueError`` naming ``what`` once closed."""
        if self._binary is not None:
            return False
        if self._closed:
            raise ValueError(f"{what} was closed; make a new one")
        return True

    def close(self) -> None:
        """Remove the temporary work directory (a caller-given ``workdir`` is kept)."""
        if self._cleanup is not None:
            self._cleanup()
        self._binary = None
        self._closed = True

    def __enter__(self):  # noqa: ANN204 - the subclass's own type
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def parse_hex_results(tool: str, what: str, text: str, count: int,
                      widths: Sequence[int]) -> list[list[int]]:
    """One line per vector, one hexadecimal token per output, each masked to its width; a
    ``ToolError`` from ``tool`` when the count or a line's shape is wrong (``what``: "the
    simulation", "the C simulation")."""
    lines = text.splitlines()
    if len(lines) != count:
        raise ToolError(tool, f"{what} returned {len(lines)} results for {count} vectors")
    masks = [(1 << width) - 1 for width in widths]
    results = []
    for line in lines:
        tokens = line.split()
        if len(tokens) != len(masks):
            raise ToolError(tool, f"malformed {what} result line: {line!r}")
        results.append([int(token, 16) & mask for token, mask in zip(tokens, masks, strict=True)])
    return results
