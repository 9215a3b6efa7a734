"""Finding an external tool's command: one rule for every tool symc runs."""

from __future__ import annotations

import os
import shlex
import shutil
import sys
from pathlib import Path

from symc.toolchain.errors import ToolError


def find_command(tool: str, env: str, names: tuple[str, ...], package: str,
                 install: str | None = None) -> list[str]:
    """``$env`` split like a shell word list, else the first of ``names`` found beside the
    running Python (a venv that is not activated) or on ``PATH``; otherwise a ``ToolError``
    saying how to install it (``install``, by default the pip ``package``)."""
    override = os.environ.get(env)
    if override:
        command = shlex.split(override)
        if not command or shutil.which(command[0]) is None:
            raise ToolError(tool, f"{env}={override!r} does not name an executable")
        return command
    for name in names:
        beside_python = Path(sys.executable).parent / name
        if beside_python.is_file() and os.access(beside_python, os.X_OK):
            return [str(beside_python)]
        found = shutil.which(name)
        if found:
            return [found]
    how = install or f"install the pip package '{package}' (pip install {package})"
    raise ToolError(tool, f"{names[0]} not found: {how} or set {env} to a command")
