"""The skip guard of the tests that compile C++ with g++ and the ap_types headers."""

from __future__ import annotations

import pytest

from symc.toolchain.errors import ToolError
from symc.toolchain.gxx import find_ap_types, find_cxx


def _missing() -> str | None:
    """Why the C simulation cannot run here (the ToolError's text), or None."""
    try:
        find_cxx()
        find_ap_types()
    except ToolError as exc:
        return str(exc)
    return None


MISSING = _missing()
needs_gxx = pytest.mark.skipif(
    MISSING is not None, reason=f"C simulation needs g++ and the ap_types headers: {MISSING}"
)
