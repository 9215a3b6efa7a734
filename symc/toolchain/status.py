"""Status lines for the long steps symc runs: ``symc: yosys synth_xilinx -family xcup 12.3 s``.

Every wrapper that starts a step taking seconds or minutes (a Verilator build, a yosys
synthesis, a nextpnr place and route, a g++ build of the C simulation) runs it inside
:func:`step`, which keeps one line on stderr up to date with the elapsed time and leaves it,
with the total, when the step ends. The line is shown only where someone watches it: when
stderr is a terminal, from the main thread of the main process (a sweep's workers stay
silent), and while no tqdm progress bar owns the terminal. :func:`set_quiet` (the command
line's ``--quiet``) silences it everywhere; pipes, logs and tests never see it.
"""

from __future__ import annotations

import multiprocessing
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

PREFIX = "symc: "
TICK_S = 0.5
"""How often the running line is redrawn."""

_quiet = False
_active = False


def set_quiet(on: bool = True) -> bool:
    """Silence (``on``) or allow status lines; returns the previous setting."""
    global _quiet
    previous, _quiet = _quiet, bool(on)
    return previous


@contextmanager
def quiet(on: bool = True) -> Iterator[None]:
    """Status lines silenced (``on``) inside the block, the previous setting restored after."""
    previous = set_quiet(on)
    try:
        yield
    finally:
        set_quiet(previous)


class Step:
    """One running step: its label and, once it ended, its wall time in seconds."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.started = time.perf_counter()
        self.seconds = 0.0

    def elapsed(self) -> float:
        return time.perf_counter() - self.started


@contextmanager
def step(label: str) -> Iterator[Step]:
    """Run the block as one step named ``label``: a status line while it runs (see the
    module docstring), and ``Step.seconds`` its wall time afterwards."""
    global _active
    current = Step(label)
    shown = not _active and _shown()
    stop = threading.Event()
    ticker = None
    if shown:
        _active = True
        _write(f"{label} ...")
        ticker = threading.Thread(target=_tick, args=(current, stop), daemon=True)
        ticker.start()
    failed = True
    try:
        yield current
        failed = False
    finally:
        current.seconds = current.elapsed()
        if ticker is not None:
            stop.set()
            ticker.join()
            _write(f"{label} {'failed after ' if failed else ''}{current.seconds:.1f} s", end="\n")
            _active = False


def _shown() -> bool:
    if _quiet or threading.current_thread() is not threading.main_thread():
        return False
    if multiprocessing.parent_process() is not None:
        return False
    try:
        if not sys.stderr.isatty():
            return False
    except (AttributeError, ValueError):
        return False
    return not _progress_bar_active()


def _progress_bar_active() -> bool:
    """A tqdm bar (a sweep's progress) redraws the same terminal line: leave it alone."""
    tqdm_module = sys.modules.get("tqdm.std")
    bars = getattr(getattr(tqdm_module, "tqdm", None), "_instances", None)
    return bool(bars)


def _tick(current: Step, stop: threading.Event) -> None:
    while not stop.wait(TICK_S):
        _write(f"{current.label} ... {current.elapsed():.1f} s")


def _write(text: str, end: str = "") -> None:
    try:
        sys.stderr.write(f"\r{PREFIX}{text}\x1b[K{end}")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass  # a closed terminal must not fail the step
