"""How a bipartite table's ``2**n`` cells split: ROM bits against error, per split.

A bipartite table (``interpolation="bipartite"``) of ``2**n`` entries refines its index by
``b`` more bits and shares each row of offsets among ``2**drop`` neighbouring cells: ``2**n``
entries plus ``2**(n - drop + b)`` offsets. symc's split is ``b = ceil(n/2)``, ``drop =
floor((n-1)/2)`` (``bipartite_split``). This benchmark builds ``sin`` (periodic, 2**-17 input
grid, 12 fractional bits out) for every split of 64 to 512 entries and prints, per entry
count, symc's split and the split with the fewest ROM bits at no more error (every point of
the input grid over [-4, 4]): what the split was chosen on. Then, per error target, the
cheapest table of each kind (plain, linear interpolation, bipartite by symc's split, bipartite
by any split), in ROM bits. Tables only, no synthesis.

Run: python benchmarks/bench_bipartite_split.py
"""

from __future__ import annotations

import math
import sys
import time

from symc import tables as T
from symc.fixed import FixedFormat
from symc.passes.approximate_lut import bipartite_split

IN = FixedFormat(21, 4)      # x in [-8, 8) with 17 fractional bits
OUT = T.round_precision(FixedFormat(14, 2))
LIMIT = (-4.0, 4.0)


def build(entries: int, **kw) -> T.Table:
    return T.bits_table("sin", T.BUILTIN["sin"], IN, OUT, entries, 0.0, 0, period=2 * math.pi,
                        **kw)


def rom_bits(table: T.Table) -> int:
    """Bits of the ROMs the hardware holds: an interpolating table reads two entries at once,
    from two ROMs (the entries and their neighbours)."""
    return 2 * table.rom_bits if table.interp_bits else table.rom_bits


def error(table: T.Table) -> float:
    return T.max_error(table, T.VECTOR["sin"], *LIMIT)


def main() -> int:
    started = time.perf_counter()
    print("sin over [-4, 4], periodic, input ap_fixed<21,4>, output 12 fractional bits; "
          "error on every input point\n")
    print("| entries | split | offset bits b | drop | ROM bits | max abs error |")
    print("|---|---|---|---|---|---|")
    kinds = ("plain", "linear interpolation", "bipartite, symc's default", "bipartite, any split")
    candidates: list[tuple[str, int, float]] = []
    for n in range(6, 10):
        splits = {}
        for b in range(1, n + 1):
            for drop in range(0, n):
                table = build(1 << n, offset_bits=b, offset_drop=drop)
                splits[b, drop] = (rom_bits(table), error(table))
                candidates.append((kinds[3], *splits[b, drop]))
        ours = splits[bipartite_split(n)]
        candidates.append((kinds[2], *ours))
        # The cheapest split at least as accurate as the default's.
        best = min((bits, e, split) for split, (bits, e) in splits.items() if e <= ours[1])
        b, drop = bipartite_split(n)
        print(f"| {1 << n} | symc's default | {b} | {drop} | {ours[0]} | {ours[1]:.2e} |")
        print(f"| {1 << n} | fewest ROM bits at that error | {best[2][0]} | {best[2][1]} | "
              f"{best[0]} | {best[1]:.2e} |")
    for n in range(4, 13):
        plain = build(1 << n)
        candidates.append((kinds[0], rom_bits(plain), error(plain)))
        linear = build(1 << n, interp_bits=12)
        candidates.append((kinds[1], rom_bits(linear), error(linear)))
    print("\nthe fewest ROM bits of a table meeting each error target (64 to 512 entries for "
          "bipartite tables, 16 to 4096 for the others)\n")
    print("| max abs error <= | " + " | ".join(kinds) + " |")
    print("|---|" + "---|" * len(kinds))
    for target in (1e-2, 5e-3, 2e-3, 1e-3):
        cells = []
        for kind in kinds:
            bits = [b for k, b, e in candidates if k == kind and e <= target]
            cells.append(str(min(bits)) if bits else "-")
        print(f"| {target:.0e} | " + " | ".join(cells) + " |")
    print(f"\n({time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
