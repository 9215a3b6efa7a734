"""symc's passes, one per file, registered lazily by name (alphabetical), and their base.

The registry is lazy, as xDSL's own is: each factory imports its pass when a pipeline first
names it (the pass modules import :class:`SymcPass` from here, so they cannot be imported at
the top of this module)."""

import functools
from collections.abc import Callable
from typing import Any

from xdsl.passes import ModulePass

from symc.frontend.errors import PassError, SymcError


class SymcPass(ModulePass):
    """Base of symc's passes: a :class:`SymcError` raised while one applies (from the pass or
    a helper it calls) leaves it as a :class:`PassError`, an xDSL diagnostic, so that
    ``symc-opt --verify-diagnostics`` checks it as it checks a verifier's."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        apply = cls.__dict__.get("apply")
        if apply is None:
            return

        @functools.wraps(apply)
        def diagnosed(self: ModulePass, ctx: Any, op: Any) -> None:
            try:
                apply(self, ctx, op)
            except PassError:
                raise
            except SymcError as exc:
                raise PassError(str(exc)) from exc

        cls.apply = diagnosed  # type: ignore[method-assign]


def get_all_passes() -> dict[str, Callable[[], type[ModulePass]]]:
    """Pass name -> factory returning the pass class (imports happen on first use)."""

    def sym_approximate_lut() -> type[ModulePass]:
        from symc.passes.approximate_lut import SymApproximateLutPass

        return SymApproximateLutPass

    def convert_sym_to_hw() -> type[ModulePass]:
        from symc.passes.convert_sym_to_hw import ConvertSymToHWPass

        return ConvertSymToHWPass

    def sym_canonicalize() -> type[ModulePass]:
        from symc.passes.canonicalize import SymCanonicalizePass

        return SymCanonicalizePass

    def sym_check_overflow() -> type[ModulePass]:
        from symc.passes.check_overflow import SymCheckOverflowPass

        return SymCheckOverflowPass

    def sym_distribute() -> type[ModulePass]:
        from symc.passes.distribute import SymDistributePass

        return SymDistributePass

    def sym_legalize_fixed() -> type[ModulePass]:
        from symc.passes.legalize_fixed import SymLegalizeFixedPass

        return SymLegalizeFixedPass

    def sym_narrow() -> type[ModulePass]:
        from symc.passes.narrow import SymNarrowPass

        return SymNarrowPass

    def sym_range_analysis() -> type[ModulePass]:
        from symc.passes.range_analysis import SymRangeAnalysisPass

        return SymRangeAnalysisPass

    def sym_schedule() -> type[ModulePass]:
        from symc.passes.schedule import SymSchedulePass

        return SymSchedulePass

    return {
        "convert-sym-to-hw": convert_sym_to_hw,
        "sym-approximate-lut": sym_approximate_lut,
        "sym-canonicalize": sym_canonicalize,
        "sym-check-overflow": sym_check_overflow,
        "sym-distribute": sym_distribute,
        "sym-legalize-fixed": sym_legalize_fixed,
        "sym-narrow": sym_narrow,
        "sym-range-analysis": sym_range_analysis,
        "sym-schedule": sym_schedule,
    }
