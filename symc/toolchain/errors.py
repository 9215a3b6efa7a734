"""The one exception type raised by symc's external-tool wrappers.

Every wrapper in ``symc.toolchain`` (CIRCT, Verilator, and later yosys, nextpnr and g++)
reports a failure as a :class:`ToolError` that names the tool, says what failed, and carries
the tool's own diagnostics or the tail of its log, so that a user sees why without rerunning
anything by hand.
"""

from __future__ import annotations

# A build log can run to thousands of lines; the cause is almost always at its end.
LOG_TAIL_LINES = 40


def log_tail(log: str, lines: int = LOG_TAIL_LINES) -> str:
    """The last ``lines`` lines of ``log``, marked as truncated when something was cut."""
    all_lines = log.rstrip().splitlines()
    if len(all_lines) <= lines:
        return "\n".join(all_lines)
    cut = len(all_lines) - lines
    return "\n".join([f"[... {cut} earlier lines omitted ...]", *all_lines[-lines:]])


class ToolError(Exception):
    """An external tool was missing, rejected its input, or failed while running.

    ``tool`` names the tool ("circt", "verilator", ...), ``message`` says what symc asked of
    it and what went wrong, and ``diagnostics`` holds what the tool printed (its diagnostics
    or the tail of its log), possibly empty.
    """

    def __init__(self, tool: str, message: str, diagnostics: str = "") -> None:
        self.tool = tool
        self.message = message
        self.diagnostics = diagnostics.rstrip()
        super().__init__(tool, message, self.diagnostics)

    def __str__(self) -> str:
        text = f"{self.tool}: {self.message}"
        if self.diagnostics:
            text += "\n" + self.diagnostics
        return text
