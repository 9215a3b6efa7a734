"""Resource estimate without synthesis: LUT, FF, DSP and BRAM of a design in milliseconds.

A design's fixed-point IR (with ``sym-schedule``'s choices) and its hw IR give a few counts a
synthesis tool's result follows closely (:func:`features`): adder bits (sums, differences,
negations, rounding casts, the adders of shift-add products, once for products of one value
by constants a power of two apart), compare-and-select bits (min, max, saturating casts,
clamped table indices), LUT-multiplier bits, the bits of tables kept in logic, the glue of
products wider than one DSP block, and the pipeline's register bits. The
estimate is a linear model in those counts, one per family, fitted to yosys's counts on real
designs and stored as data (``symc/data/resources_<family>.json``, written by
``benchmarks/calibrate_resources.py``, which also records the model's error on designs held
out of the fit). DSP blocks are the delay model's own count, the one the scheduler plans with;
block RAMs are counted from the tables placed in them.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any

from symc.delays import (
    constant_operand,
    csd_digits,
    interp_bits,
    load,
    mul_impl,
    table_entries,
    table_kind,
)
from symc.dialects import sym
from symc.fixed import Overflow, Quant
from symc.frontend.errors import SymcError

if TYPE_CHECKING:
    from symc.design import Design

FEATURES = ("add_bits", "select_bits", "lut_mul_bits", "rom_bits", "dsp_glue_bits",
            "register_bits", "const_mul_bits")
"""The counts :func:`features` gives, in the order the models' coefficients use."""

NO_DSP_FEATURES = ("lut_mul_bits", "const_mul_bits")
"""The counts only a design without DSP blocks has (``dsp=False``): products of two variables
and interpolation products in LUTs, and the scale products of table indices left to synthesis
(a shifted copy of the operand per set bit of the constant). The calibration fits them on such
designs after the rest of the model."""

_COMPREG = re.compile(r"= seq\.compreg .*: i(\d+)\s*$", re.MULTILINE)


@dataclass(frozen=True)
class ResourceModel:
    """``lut = lut_intercept + sum(lut[k] * feature[k])``, and the same for ``ff``."""

    family: str
    lut: dict[str, float]
    ff: dict[str, float]
    lut_intercept: float = 0.0
    ff_intercept: float = 0.0
    held_out: dict[str, Any] | None = None
    """The calibration's error on designs left out of the fit."""

    def predict(self, counts: dict[str, float]) -> tuple[int, int]:
        lut = self.lut_intercept + sum(c * counts.get(k, 0.0) for k, c in self.lut.items())
        ff = self.ff_intercept + sum(c * counts.get(k, 0.0) for k, c in self.ff.items())
        return max(0, round(lut)), max(0, round(ff))


@functools.cache
def load_model(family: str) -> ResourceModel:
    """The stored resource model of ``family`` (an error naming the known ones otherwise)."""
    load(family)  # an unknown family fails here, listing the known ones
    name = f"resources_{family}.json"
    try:
        text = resources.files("symc").joinpath("data", name).read_text()
    except FileNotFoundError:
        raise SymcError(f"no resource model for {family!r} (symc/data/{name}); run "
                        "benchmarks/calibrate_resources.py") from None
    data = json.loads(text)
    return ResourceModel(family, data["lut"], data["ff"], data.get("lut_intercept", 0.0),
                         data.get("ff_intercept", 0.0), data.get("held_out"))


def features(design: Design) -> dict[str, float]:
    """The counts the resource model reads (see the module docstring)."""
    family = design.schedule.family if design.schedule else "xcup"
    model = load(family)
    no_dsp = design.schedule is not None and not design.schedule.dsp
    counts: dict[str, float] = dict.fromkeys(FEATURES, 0.0)
    shift_adds: dict[tuple[Any, int], tuple[int, int]] = {}
    for op in design.fixed_module.walk():
        if isinstance(op, sym.AddOp | sym.SubOp | sym.NegOp):
            counts["add_bits"] += _width(op)
        elif isinstance(op, sym.AbsOp):
            counts["add_bits"] += _width(op)
            counts["select_bits"] += _width(op)
        elif isinstance(op, sym.MinOp | sym.MaxOp):
            counts["select_bits"] += 2 * _width(op)
        elif isinstance(op, sym.CastOp):
            if op.quant is not Quant.AP_TRN and op.quant is not Quant.AP_TRN_ZERO:
                counts["add_bits"] += _width(op)
            if op.overflow is not Overflow.AP_WRAP:
                counts["select_bits"] += _width(op)
        elif isinstance(op, sym.MulOp):
            _product(op, model, counts, shift_adds)
        elif isinstance(op, sym.LutOp):
            entry_bits = _width(op)
            if "rom_impl" not in op.attributes:
                counts["rom_bits"] += table_entries(op) * entry_bits
            counts["select_bits"] += 2 * _width_of(op.operand)  # the index's clamp
            if interp_bits(op):
                counts["add_bits"] += 2 * entry_bits
            if no_dsp:
                _no_dsp_table(op, counts)
            if op.offsets is not None:
                # A bipartite table: its offsets' ROM and the sum.
                spec = op.spec
                if "rom_impl" not in op.attributes:
                    counts["rom_bits"] += len(spec.offsets) * spec.offset_width
                counts["add_bits"] += entry_bits
            if op.octaves is not None:
                # A normalized reciprocal: the muxes over the octaves before the ROM (the index)
                # and after it (the shift back), and the rounding add.
                spec = op.spec
                octaves = spec.octave_hi - spec.octave_lo
                value_bits = spec.entry_format.width
                counts["select_bits"] += octaves * (table_entries(op).bit_length() + value_bits)
                counts["add_bits"] += value_bits
    counts["add_bits"] += sum(max(0, digits - 1) * width for digits, width in shift_adds.values())
    counts["register_bits"] = float(sum(int(w) for w in _COMPREG.findall(design.mlir("hw"))))
    return counts


def _width(op: Any) -> int:
    return op.results[0].type.format.width


def _width_of(value: Any) -> int:
    return value.type.format.width


def _no_dsp_table(op: sym.LutOp, counts: dict[str, float]) -> None:
    """Without DSP blocks: a table's interpolation product is a LUT multiplier, and a
    multiplying index (``table_kind`` ``table_mul``) a product by a constant that synthesis
    builds from one adder per set bit beyond the first."""
    spec = op.spec
    if bits := interp_bits(op):
        counts["lut_mul_bits"] += (spec.entry_format.width + 1) * (bits + 1)
    if table_kind(op) == "table_mul":
        factor = abs(spec.mult_raw if spec.indexing == "hls4ml" else spec.scale_raw)
        product_width, _ = spec.index_widths(_width_of(op.operand))
        counts["const_mul_bits"] += (factor.bit_count() - 1) * product_width


def _product(op: sym.MulOp, model: Any, counts: dict[str, float],
             shift_adds: dict[tuple[Any, int], tuple[int, int]]) -> None:
    impl = mul_impl(op)
    wa, wb = _width_of(op.lhs), _width_of(op.rhs)
    if impl == "shift_add":
        constant = constant_operand(op)
        if constant is None:
            counts["add_bits"] += _width(op)
            return
        index, raw = constant
        # Products of one value by constants a power of two apart compute the same integer
        # (x14 * 163 for both 2*x14 and x14/2 in turns): synthesis merges them, and their
        # adders count once, at the widest.
        odd = raw // (raw & -raw) if raw else 0
        key = (op.operands[1 - index], odd)
        digits = len(csd_digits(abs(raw)))
        shift_adds[key] = (digits, max(_width(op), shift_adds.get(key, (0, 0))[1]))
    elif impl == "lut":
        counts["lut_mul_bits"] += wa * wb
    else:
        blocks = model.dsp_blocks_of(op)
        if blocks > 1:
            counts["dsp_glue_bits"] += (blocks - 1) * (wa + wb)


def estimate(design: Design, family: str | None = None) -> dict[str, Any]:
    """LUT, FF, DSP and BRAM of ``design`` by the model of ``family`` (default: the family it
    was scheduled for), with the counts it read."""
    family = family or (design.schedule.family if design.schedule else "xcup")
    counts = features(design)
    lut, ff = load_model(family).predict(counts)
    return {"lut": lut, "ff": ff, "dsp": dsp_blocks(design), "bram": block_rams(design),
            "features": counts}


def dsp_blocks(design: Design) -> int:
    """DSP blocks by the delay model's count (DSP products, multiplying table indices,
    interpolation products)."""
    if design.schedule is not None and not design.schedule.dsp:
        return 0
    family = design.schedule.family if design.schedule else "xcup"
    model = load(family)
    return sum(model.dsp_blocks_in(op) for op in design.fixed_module.walk())


def block_rams(design: Design) -> int:
    """Block RAMs: one dual-port ROM per two reads of tables placed in block RAM."""
    reads = sum(1 for op in design.fixed_module.walk()
                if isinstance(op, sym.LutOp) and "rom_impl" in op.attributes)
    return (reads + 1) // 2
