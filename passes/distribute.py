"""``sym-distribute``: multiply out a product of a late sum when that saves pipeline cycles.

A transform on the legalized fixed-point IR (after ``sym-legalize-fixed``, before
``sym-narrow``), for pipelined designs only. ``x * (a + b)`` waits for the sum; ``x*a + x*b``
lets ``x*a`` start as soon as ``a`` is ready while ``x*b`` and the sum follow. In exact
fixed-point arithmetic (every ``+ - *`` of the legalized IR keeps ap_fixed's full-precision
promotion) the two are the same number, so the design computes the same bits. ap_fixed's promotion
rules give ``x*a + x*b`` the format of ``x*(a + b)``; should they ever differ, a cast to the
product's old format (which holds the value) keeps every use as it was.

Whether it saves anything depends on the schedule: a product spanning several DSP stages, or an
add stranded in a stage of its own after one, is where a cycle goes. So each candidate (a
``sym.mul`` with an ``add`` or ``sub`` operand that nothing else reads) is tried on a copy, which
is narrowed and scheduled as the real design will be (``sym-narrow``, ``sym-schedule`` with this
pass's clock, family and options); it is kept when the latency drops, or when as many cycles
are reached by fewer outputs. Repeated until no candidate helps (at most ``MAX_TRIALS`` tries
per kernel). The price is one more product per rewrite (DSP blocks or shift-adds), paid only
for cycles: without a clock the pass does nothing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Operation, SSAValue

from symc.delays import load
from symc.dialects import sym
from symc.fixed import Overflow, Quant
from symc.frontend.errors import SymcError
from symc.passes import SymcPass
from symc.passes.narrow import SymNarrowPass
from symc.passes.schedule import PipelineOptions, SymSchedulePass

MAX_TRIALS = 400
"""Trial schedules per kernel (each a narrow and a schedule of a copy: tens of ms)."""


def _kernels(module: ModuleOp) -> list[sym.KernelOp]:
    return [k for k in module.walk() if isinstance(k, sym.KernelOp)]


def candidates(kernel: sym.KernelOp) -> list[tuple[int, int]]:
    """``(op index, operand index)`` of every product with a sum or difference operand that
    only it reads, latest first."""
    found = []
    for index, op in enumerate(kernel.body.block.ops):
        if not isinstance(op, sym.MulOp):
            continue
        for which, value in enumerate(op.operands):
            if (isinstance(value.owner, sym.AddOp | sym.SubOp) and value.has_one_use()
                    and op.operands[0] is not op.operands[1]):
                found.append((index, which))
    return found[::-1]


def distribute(kernel: sym.KernelOp, index: int, which: int) -> None:
    """Rewrite, in place, product ``index`` as the sum of the products of its operand
    ``1 - which`` with both terms of its operand ``which``."""
    ops = list(kernel.body.block.ops)
    mul = ops[index]
    assert isinstance(mul, sym.MulOp)
    total = mul.operands[which]
    other = mul.operands[1 - which]
    owner = total.owner
    assert isinstance(owner, sym.AddOp | sym.SubOp)
    products: list[Operation] = [sym.MulOp(other, term) if which else sym.MulOp(term, other)
                                 for term in owner.operands]
    combined: Operation = type(owner)(products[0], products[1])
    new: list[Operation] = [*products, combined]
    result: SSAValue = combined.results[0]
    if result.type != mul.result.type:
        assert isinstance(mul.result.type, sym.FixedType)
        cast = sym.CastOp(result, mul.result.type, Quant.AP_TRN, Overflow.AP_WRAP)
        new.append(cast)
        result = cast.result
    for op in new:
        kernel.body.block.insert_op_before(op, mul)
    result.name_hint = mul.result.name_hint
    mul.result.replace_all_uses_with(result)
    mul.detach()
    mul.erase()
    owner.detach()
    owner.erase()


@dataclass(frozen=True)
class SymDistributePass(PipelineOptions, SymcPass):
    """Multiply out products of late sums where the schedule gets shorter (for a schedule
    made with these ``PipelineOptions``)."""

    name = "sym-distribute"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        if self.clock_ns is None:
            return
        load(self.family)  # an unknown family is reported before any work
        for index, kernel in enumerate(_kernels(op)):
            self._improve(op, index, kernel)

    def _measure(self, module: ModuleOp, which: int) -> tuple[float, float]:
        """(latency, outputs ready in the last stage) of kernel ``which`` of ``module`` once
        narrowed and scheduled (``module`` is consumed)."""
        ctx = Context()
        SymNarrowPass().apply(ctx, module)
        schedule = SymSchedulePass(**self.pipeline_options())
        kernel = _kernels(module)[which]
        ready, latency = schedule.schedule_kernel(kernel, load(self.family))
        last = latency - self.output_registers
        late = sum(1 for v in kernel.output_op.operands
                   if (ready.get(v) or (-1, 0.0))[0] >= last)
        return latency, late

    def _improve(self, module: ModuleOp, which: int, kernel: sym.KernelOp) -> None:
        try:
            best = self._measure(module.clone(), which)
        except SymcError:
            # Unreachable as written (the schedule will say why): a rewrite that makes it
            # reachable is an improvement.
            best = (math.inf, math.inf)
        trials = 0
        improved = True
        while improved and trials < MAX_TRIALS:
            improved = False
            for index, operand in candidates(kernel):
                if trials >= MAX_TRIALS:
                    break
                trials += 1
                trial = module.clone()
                distribute(_kernels(trial)[which], index, operand)
                try:
                    key = self._measure(trial, which)
                except SymcError:
                    continue
                if key < best:
                    distribute(kernel, index, operand)
                    best = key
                    improved = True
                    break
