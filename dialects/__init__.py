"""symc's dialects, registered lazily by name, as xDSL registers its own: each factory imports
its dialect when the context first needs it (the only function-level imports of this package)."""

from collections.abc import Callable

from xdsl.ir import Dialect


def get_all_dialects() -> dict[str, Callable[[], Dialect]]:
    """Dialect name -> factory (symc's own, plus the CIRCT dialects it lowers to)."""

    def comb() -> Dialect:
        from xdsl.dialects.comb import Comb

        return Comb

    def hw() -> Dialect:
        from symc.dialects.hw import HW

        return HW

    def seq() -> Dialect:
        from xdsl.dialects.seq import Seq

        return Seq

    def sym() -> Dialect:
        from symc.dialects.sym import Sym

        return Sym

    return {"comb": comb, "hw": hw, "seq": seq, "sym": sym}
