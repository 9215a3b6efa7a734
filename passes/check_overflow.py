"""``sym-check-overflow``: warn where a value can leave the ``ap_fixed`` format it is cast to.

After ``sym-approximate-lut`` (ranges and tables known), before ``sym-legalize-fixed``: each
output and table argument whose range, for inputs in their declared ranges, leaves the format,
and each table whose error is orders of magnitude beyond what the format resolves, gets one
warning (under ``strict``, an error) naming it, its range, the format's and the fixes. The IR is
not changed. The checks themselves are :func:`symc.overflow.check`'s.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp

from symc import overflow
from symc.fixed import parse_precision
from symc.passes import SymcPass


@dataclass(frozen=True)
class SymCheckOverflowPass(SymcPass):
    """Warn (``strict``: refuse) where outputs or table arguments can leave their format."""

    name = "sym-check-overflow"

    precision: str = "ap_fixed<16,6>"
    """The ``ap_fixed`` type values are cast to (``sym-legalize-fixed``'s precision)."""

    strict: bool = False
    """Refuse (an error) instead of warning."""

    outputs: tuple[str, ...] = ()
    """Each output as the messages name it (``y0 = x0*x1``); by default ``output 0``, ..."""

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        overflow.check(op, parse_precision(self.precision), self.outputs, strict=self.strict)
