"""Compile-time overflow checks: values whose range leaves the format they are cast to.

At an ``ap_fixed<W,I>`` precision, outputs and table arguments are cast to that type, which
wraps (``AP_WRAP``) or saturates outside its range: bit-exact and wrong. Range analysis knows
each value's interval for inputs in their declared ranges, so :func:`check` can say so before
anything is built: one warning per output or table argument that can leave its format, naming
it, its range and the format's, and the fixes; under ``strict`` an error. Checked only when the
inputs have declared ranges, as is a table whose error is orders of magnitude beyond the
format's resolution (without declared ranges, inputs span their whole format, and nearly every
product could overflow for some input: the warning would say nothing).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence

from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Operation, SSAValue

from symc.dialects import sym
from symc.fixed import Overflow, Precision, format_for_raw_range
from symc.frontend.errors import SymcError, SymcWarning

TABLE_ERROR_LSBS = 1024
"""A table whose error exceeds this many LSBs of the precision is reported: three orders of
magnitude beyond what the format resolves (a saturating ``exp``, a table far too coarse)."""


class OverflowWarning(SymcWarning):
    """An output or a table argument can leave its fixed-point format."""


def _range(value: SSAValue, kernel: sym.KernelOp) -> tuple[float, float] | None:
    owner = value.owner
    if isinstance(owner, sym.KernelOp) or not isinstance(owner, Operation):
        ranges = kernel.ranges
        index = getattr(value, "index", None)
        return ranges[index] if ranges is not None and index is not None else None
    attr = owner.attributes.get("range")
    return attr.bounds if isinstance(attr, sym.IntervalAttr) else None


def _problem(what: str, bounds: tuple[float, float], precision: Precision) -> str | None:
    fmt = precision.format
    lo, hi = bounds
    if fmt.min_value <= lo and hi <= fmt.max_value:
        return None
    frac = fmt.frac_bits
    hold = format_for_raw_range(min(math.floor(lo * 2**frac), 0), max(math.ceil(hi * 2**frac), 0),
                                frac, signed=fmt.signed or lo < 0)
    int_bits = max(hold.int_bits, fmt.int_bits)
    mode = "saturates" if precision.overflow is not Overflow.AP_WRAP else "wraps"
    kind = "ap_fixed" if fmt.signed else "ap_ufixed"
    wider = f"{kind}<{fmt.width + int_bits - fmt.int_bits},{int_bits}>"
    return (f"{what} ranges over [{lo:.6g}, {hi:.6g}] for inputs in their ranges, beyond "
            f"{precision.format}'s [{fmt.min_value:.6g}, {fmt.max_value:.6g}]: it {mode} "
            f"({precision.overflow}); use precision='auto', a wider type ({wider}), or narrower "
            "input ranges")


def check(module: ModuleOp, precision: Precision, outputs: Sequence[str],
          strict: bool = False) -> list[str]:
    """Warn (``strict``: raise) for each output and table argument of ``module`` (after
    ``sym-approximate-lut``, with ranges) that can leave ``precision``; returns the messages."""
    messages = []
    for kernel in [k for k in module.walk() if isinstance(k, sym.KernelOp)]:
        if kernel.ranges is None:
            continue
        for op in kernel.body.ops:
            if isinstance(op, sym.LutOp):
                bounds = _range(op.operand, kernel)
                if bounds is not None:
                    message = _problem(f"the argument of the {op.spec.function} table", bounds,
                                       precision)
                    if message:
                        messages.append(message)
                error = op.max_error.value.data if op.max_error is not None else None
                lsb = 2.0 ** -precision.format.frac_bits
                if error is not None and error > TABLE_ERROR_LSBS * lsb:
                    messages.append(
                        f"the {op.spec.function} table is off by up to {error:.6g} over its "
                        f"argument's range (its outputs saturate at {precision.format}'s "
                        f"[{precision.format.min_value:.6g}, {precision.format.max_value:.6g}], "
                        f"or the table is too coarse; the format resolves {lsb:.3g}); use "
                        "precision='auto', a wider type, narrower input ranges or more entries")
        for i, value in enumerate(kernel.output_op.operands):
            bounds = _range(value, kernel)
            name = outputs[i] if i < len(outputs) else f"output {i}"
            if bounds is not None and (message := _problem(f"output {name}", bounds, precision)):
                messages.append(message)
    for message in dict.fromkeys(messages):
        if strict:
            raise SymcError(message)
        warnings.warn(message, OverflowWarning, stacklevel=3)
    return list(dict.fromkeys(messages))
