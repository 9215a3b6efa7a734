"""The one runner of external commands: what a failure to start says, what a run returns."""

from __future__ import annotations

import sys

import pytest

from symc.toolchain.commands import run, start
from symc.toolchain.errors import ToolError

SPEAK = "import sys; print('out'); print('err', file=sys.stderr); sys.exit(3)"


def test_a_command_that_cannot_start_names_the_tool(tmp_path):
    missing = str(tmp_path / "no-such-tool")
    for call in (run, start):
        with pytest.raises(ToolError, match=r"^yosys: could not run .*no-such-tool") as info:
            call("yosys", [missing, "-V"], tmp_path)
        assert info.value.tool == "yosys" and info.value.diagnostics


def test_a_run_returns_its_exit_code_and_its_output(tmp_path):
    merged = run("g++", [sys.executable, "-c", SPEAK], tmp_path, label="a probe")
    assert merged.returncode == 3 and merged.stdout.split() == ["out", "err"]
    apart = run("g++", [sys.executable, "-c", SPEAK], tmp_path, merge=False)
    assert apart.stdout.strip() == "out" and apart.stderr.strip() == "err"
    job = start("g++", [sys.executable, "-c", SPEAK], tmp_path)
    assert job.communicate()[0].split() == ["out", "err"] and job.returncode == 3
