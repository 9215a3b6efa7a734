"""User-facing error types of symc.

Every error a user can fix by changing their input derives from `SymcError`, so the command line
can print it as a diagnostic instead of a traceback. `ParseError` is raised by the expression
parser (`symc.frontend.parse`), the first stage of the flow; it points at the offending character
with a caret, like a compiler diagnostic.
"""

import warnings

from xdsl.utils.exceptions import PassFailedException

_PYTHON_FORMAT_WARNING = warnings.formatwarning

# Texts longer than this are shown as a window around the error position, so that a diagnostic
# for a 100 000-character expression stays readable.
_EXCERPT_RADIUS = 36


class SymcError(ValueError):
    """Base class of all errors caused by user input anywhere in the compiler (a
    ``ValueError``, as numpy and scikit-learn users expect of bad arguments)."""


class PassError(SymcError, PassFailedException):
    """A pass that cannot transform its input (a division by zero, an op with no hardware form,
    a clock no schedule reaches): a :class:`SymcError`, and an xDSL diagnostic, which
    ``symc-opt --verify-diagnostics`` prints in place of the output and goes on."""


class SymcWarning(UserWarning):
    """Base class of symc's warnings: printed as one line, ``symc: warning: ...``."""


class ParseError(SymcError):
    """An expression string that is not valid symc expression syntax.

    `position` is the 0-based character offset of the problem in `text` (it may equal
    `len(text)` when the text ends too early). `hint` is optional advice appended to the
    first line, e.g. the list of supported functions.
    """

    def __init__(self, text: str, position: int, message: str, hint: str | None = None) -> None:
        # All constructor arguments go to Exception.args so the error survives pickling
        # (e.g. when raised inside a multiprocessing worker).
        super().__init__(text, position, message, hint)
        self.text = text
        self.position = position
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        headline = f"{self.message} at position {self.position}"
        if self.hint:
            headline += f"; {self.hint}"
        excerpt, caret_column = _excerpt(self.text, self.position)
        return f"{headline}\n  {excerpt}\n  {' ' * caret_column}^"


def _excerpt(text: str, position: int) -> tuple[str, int]:
    """Return the displayed line of `text` and the column of the caret in it.

    Tabs, newlines and other non-printable characters are shown as one character each so that
    the caret column still equals the character offset.
    """
    start = 0
    end = len(text)
    prefix = suffix = ""
    if len(text) > 2 * _EXCERPT_RADIUS:
        start = max(0, position - _EXCERPT_RADIUS)
        end = min(len(text), position + _EXCERPT_RADIUS)
        prefix = "..." if start > 0 else ""
        suffix = "..." if end < len(text) else ""
    shown = "".join(_printable(char) for char in text[start:end])
    return prefix + shown + suffix, len(prefix) + position - start


def _printable(char: str) -> str:
    if char.isspace():
        return " "
    if not char.isprintable():
        return "?"
    return char


def format_warning(message, category, filename, lineno, line=None):  # noqa: ANN001, ANN201
    """``warnings.formatwarning`` for symc's own warnings (one line, no source line); every
    other warning keeps Python's format."""
    if isinstance(category, type) and issubclass(category, SymcWarning):
        return f"symc: warning: {message}\n"
    return _PYTHON_FORMAT_WARNING(message, category, filename, lineno, line)

