"""``symc fit``: symbolic regression on a data file, fronts written as PySR's halls of fame.

    symc fit data.csv --target y -o fit/
    symc fit wine.csv --target class --classes --operators "+,-,*,tanh" --cost hardware \\
        --precision "ap_fixed<16,6>" -o fit/
    symc explore fit/hall_of_fame_class*.csv --data wine.csv --target-column class -o report/

Fits one front (or, with ``--classes``, one per class, one-vs-rest) with ``symc.fit`` and
writes ``hall_of_fame.csv`` (or ``hall_of_fame_class<k>.csv``) in PySR's format with
``fit.json`` (the settings, the class labels in front order), which ``symc explore`` reads.
Nothing is written unless every front was found.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import numpy as np

from symc.cli_explore import load_table
from symc.fit import COSTS, DEFAULT_OPERATORS, ENGINES, OPERATORS, check, search, write
from symc.frontend.errors import SymcError


def add_parser(sub: Any) -> None:
    p = sub.add_parser("fit", help="symbolic regression on a data file (Operon), fronts in "
                       "PySR's format for symc explore",
                       description=(__doc__ or "").split("\n\n")[2].replace("\n", " "))
    p.add_argument("data", metavar="DATA", help="samples: .csv with a header row, or .npy")
    p.add_argument("--target", required=True, metavar="COLUMN",
                   help="the column to fit: a header name, or a 0-based index")
    p.add_argument("--classes", action="store_true",
                   help="the target holds class labels: one front per class, one-vs-rest")
    p.add_argument("--operators", default=",".join(DEFAULT_OPERATORS),
                   help=f"comma-separated, from {','.join(OPERATORS)} (default %(default)s)")
    p.add_argument("--cost", choices=COSTS, default="nodes",
                   help="the search's second objective: node count, or symc's hardware price "
                        "of the formula (LUTs, DSPs in LUTs) at --precision (default "
                        "%(default)s)")
    p.add_argument("--precision", default="ap_fixed<16,6>",
                   help="the precision --cost hardware prices at (default %(default)s)")
    p.add_argument("--family", default="xcup", help="the part family it prices for "
                   "(default %(default)s)")
    p.add_argument("--clock-ns", type=float, default=5.0,
                   help="the clock it prices for (default %(default)s)")
    p.add_argument("--dsp-lut", type=float, default=None,
                   help="LUTs a DSP block counts for in the price (default: the family's "
                        "ratio of LUTs to DSP blocks, 172.8 on xcup)")
    p.add_argument("--engine", choices=ENGINES, default="operon",
                   help="operon (pyoperon, default) or pysr (needs Julia)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default %(default)s)")
    p.add_argument("--generations", type=int, default=100, help="default %(default)s")
    p.add_argument("--population", type=int, default=500, help="default %(default)s")
    p.add_argument("--max-length", type=int, default=30,
                   help="largest formula in nodes (default %(default)s)")
    p.add_argument("--time-limit", type=float, default=None, metavar="SECONDS",
                   help="stop each front's search after this long (not reproducible)")
    p.add_argument("--quiet", action="store_true", help="no progress lines")
    p.add_argument("-o", "--output", required=True, help="output folder")
    p.set_defaults(run=fit_command)


def fit_command(args: argparse.Namespace) -> int:
    table, header = load_table(args.data)
    names = header or [f"x{i}" for i in range(table.shape[1])]
    if args.target in names:
        col = names.index(args.target)
    elif args.target.isdigit() and int(args.target) < len(names):
        col = int(args.target)
    else:
        raise SymcError(f"--target {args.target!r}: {args.data} has no such column (columns: "
                        f"{', '.join(names)})")
    y = table[:, col]
    X = np.delete(table, col, axis=1)
    inputs = [n for i, n in enumerate(names) if i != col]
    if not inputs:
        raise SymcError(f"{args.data}: no column is left to fit from besides the target")
    settings, arr, targets = check(
        X, y, names=inputs, classes=args.classes, engine=args.engine, operators=args.operators,
        cost=args.cost, precision=args.precision, family=args.family, clock_ns=args.clock_ns,
        dsp_lut=args.dsp_lut, seed=args.seed, generations=args.generations,
        population_size=args.population, max_length=args.max_length,
        time_limit=args.time_limit)
    fronts, settings = search(arr, targets, settings, progress=not args.quiet)
    for front in fronts:
        print(f"{front.name}: {len(front)} formulas")
        for eq in front:
            text = eq.text if len(eq.text) <= 90 else eq.text[:87] + "..."
            print(f"  {eq.complexity:>6}  {eq.loss:<12.6g} {text}")
    out = Path(args.output)
    for path in write(fronts, out, settings):
        print(f"wrote {path}")
    if header is not None:
        files = "hall_of_fame.csv" if len(fronts) == 1 else "hall_of_fame_class*.csv"
        print(f"next: symc explore {out / files} --data {args.data} --target-column "
              f"{names[col]} -o {out / 'report'}")
    if settings.classes is not None and list(settings.classes) != list(range(len(fronts))):
        print(f"note: symc explore reads class labels 0..{len(fronts) - 1}; {args.data} has "
              f"{', '.join(map(str, settings.classes))} (fit.json lists them in front order)")
    return 0
