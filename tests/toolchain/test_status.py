"""symc.toolchain.status: one status line per long step, on a terminal only."""

from __future__ import annotations

import io
import sys
import threading

import pytest

from symc.toolchain import status


class Terminal(io.StringIO):
    """A stderr that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def use_terminal(monkeypatch: pytest.MonkeyPatch) -> Terminal:
    """Make stderr a terminal for the rest of the test (in its body: pytest's capture puts
    its own stderr back between a fixture's setup and the test)."""
    fake = Terminal()
    monkeypatch.setattr(sys, "stderr", fake)
    monkeypatch.setattr(status, "TICK_S", 0.01)
    return fake


def test_a_terminal_sees_the_step_and_its_time(monkeypatch):
    terminal = use_terminal(monkeypatch)
    with status.step("yosys synth_xilinx -family xcup") as step:
        threading.Event().wait(0.05)
    text = terminal.getvalue()
    assert text.startswith("\rsymc: yosys synth_xilinx -family xcup ...")
    last = text.rsplit("\r", 1)[-1]
    assert last.startswith("symc: yosys synth_xilinx -family xcup ") and last.endswith(" s\x1b[K\n")
    assert step.seconds >= 0.05
    assert f"{step.seconds:.1f} s" in last


def test_a_failed_step_says_so(monkeypatch):
    terminal = use_terminal(monkeypatch)
    with pytest.raises(RuntimeError), status.step("nextpnr-ecp5 --25k place and route"):
        raise RuntimeError("boom")
    assert "nextpnr-ecp5 --25k place and route failed after" in terminal.getvalue()


def test_quiet_and_pipes_see_nothing(monkeypatch):
    terminal = use_terminal(monkeypatch)
    with status.quiet(), status.step("verilator build of top") as step:
        pass
    assert terminal.getvalue() == "" and step.seconds >= 0
    assert status.set_quiet(False) is False  # quiet() restored the setting
    pipe = io.StringIO()
    monkeypatch.setattr(sys, "stderr", pipe)
    with status.step("verilator build of top"):
        pass
    assert pipe.getvalue() == ""


def test_only_the_outer_step_of_the_main_thread_talks(monkeypatch):
    terminal = use_terminal(monkeypatch)
    with status.step("outer"), status.step("inner"):
        pass

    def in_a_thread() -> None:
        with status.step("in a thread"):
            pass

    worker = threading.Thread(target=in_a_thread)
    worker.start()
    worker.join()
    text = terminal.getvalue()
    assert "outer" in text and "inner" not in text and "in a thread" not in text
