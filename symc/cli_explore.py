"""``symc explore``: from a PySR run to a chosen, verified design, on the command line.

    symc explore outputs/20261201_run/ --data X.npy --target y.npy -o out/
    symc explore hall_of_fame_class*.csv --function "sc=sin(x)*cos(x)" --data X.csv \\
        --precision "ap_fixed<16,6>" --precision auto:0.05 --measure yosys:xcup -j 2 \\
        --max-lut 1000 --verify 1000 -o out/

Reads the fronts (``symc.sr``), sweeps them (``symc.explore``), writes the report
(``results.csv``, ``results.json``, ``pareto.png``, ``index.html``), chooses the best design
within the constraints, checks it in Verilator against the emulator and writes it to
``out/best/``. Data files: ``.npy`` (never unpickled) or ``.csv`` (a header row of column
names, or none); errors name the file, row and column.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path
from typing import Any

import numpy as np

from symc.exploration import DEFAULT_GRID, explore, precision_options
from symc.frontend.errors import SymcError
from symc.options import (
    CompileOptions,
    add_arguments,
    from_arguments,
    parse_function_flags,
    parse_inputs,
)


def load_table(path: str) -> tuple[np.ndarray, list[str] | None]:
    """A numeric table from ``.npy`` or ``.csv`` and its column names (CSV header), if any."""
    p = Path(path)
    if not p.is_file():
        raise SymcError(f"{path}: no such file")
    if p.suffix.lower() == ".npy":
        try:
            arr = np.load(p, allow_pickle=False)
        except (ValueError, OSError) as exc:
            raise SymcError(f"{path}: not a numeric .npy array ({exc})") from None
        if not np.issubdtype(arr.dtype, np.number) and arr.dtype != bool:
            raise SymcError(f"{path}: holds {arr.dtype} values, not numbers")
        return arr.astype(np.float64), None
    if p.suffix.lower() != ".csv":
        raise SymcError(f"{path}: give a .npy or a .csv file")
    try:
        with p.open(newline="", encoding="utf-8") as f:
            rows = [r for r in csv.reader(f) if any(c.strip() for c in r)]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise SymcError(f"{path}: cannot read it as CSV: {exc}") from None
    if not rows:
        raise SymcError(f"{path}: the file is empty")
    header = None
    if any(not _is_number(c) for c in rows[0]):
        header, rows = [c.strip() for c in rows[0]], rows[1:]
    width = len(header) if header is not None else len(rows[0])
    values = np.empty((len(rows), width))
    for i, row in enumerate(rows):
        line = i + (2 if header is not None else 1)
        if len(row) != width:
            raise SymcError(f"{path}, row {line}: {len(row)} fields, expected {width}")
        for j, cell in enumerate(row):
            try:
                values[i, j] = float(cell)
            except ValueError:
                column = header[j] if header is not None else str(j + 1)
                raise SymcError(f"{path}, row {line}, column {column}: {cell.strip()!r} is not "
                                "a number") from None
            if not np.isfinite(values[i, j]):
                column = header[j] if header is not None else str(j + 1)
                raise SymcError(f"{path}, row {line}, column {column}: {cell.strip()!r} is not "
                                "a finite number")
    if not len(values):
        raise SymcError(f"{path}: no data rows")
    return values, header


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def add_parser(sub: Any) -> None:
    ex = sub.add_parser(
        "explore", help="sweep a symbolic-regression front, report, choose and verify",
        description=(__doc__ or "").split("\n\n")[2].replace("\n", " "))
    ex.add_argument("fronts", nargs="+", metavar="FRONT",
                    help="PySR hall-of-fame CSV files (one front each) or a PySR run folder")
    ex.add_argument("--data", required=True, metavar="X",
                    help="input samples: .npy, or .csv with the inputs' names as header")
    ex.add_argument("--target", metavar="Y", default=None,
                    help="targets: .npy or .csv (regression values, or class labels "
                         "0..K-1 for K fronts)")
    ex.add_argument("--target-column", metavar="NAME", default=None,
                    help="take the targets from this column of the --data CSV")
    ex.add_argument("--precision", dest="precisions", action="append", metavar="P",
                    help="a precision to sweep (repeatable): ap_fixed<W,I>, auto, "
                         "auto:<max_error>, auto:f<frac_bits> (default: symc's presets)")
    ex.add_argument("--ranges", metavar="RANGES", default=None,
                    help="input ranges the hardware serves, x0=-4:4,x1=-1:1 (some or all "
                         "inputs; default: each column's min and max in --data)")
    ex.add_argument("--metric", default=None, choices=("mse", "accuracy", "auc", "agreement"),
                    help="default: mse for one front; for one front per class, accuracy with "
                         "--target, else agreement with the float model")
    ex.add_argument("--measure", default="model",
                    help="model (symc's estimate, default), yosys[:xcup|xc7|ecp5], nextpnr")
    ex.add_argument("-j", "--jobs", type=int, default=None, help="parallel workers")
    ex.add_argument("--cache", metavar="DIR", default=None,
                    help="row cache (default OUTPUT/.cache)")
    ex.add_argument("--max-lut", type=float, default=None, help="choose within this many LUTs")
    ex.add_argument("--max-dsp", type=float, default=None,
                    help="choose within this many DSP blocks (default: no limit)")
    ex.add_argument("--max-latency-cycles", type=int, default=None,
                    help="choose within this many cycles (default: no limit)")
    ex.add_argument("--min-metric", type=float, default=None,
                    help="choose only designs at least this good (default: no limit)")
    ex.add_argument("--verify", type=int, default=1000, metavar="N",
                    help="check the chosen design on N rows of the data in Verilator "
                         "(default %(default)s; 0: skip)")
    ex.add_argument("--quiet", action="store_true",
                    help="no progress bar and no tool status lines (there are none when "
                         "stderr is not a terminal)")
    ex.add_argument("-o", "--output", required=True, help="report folder")
    add_arguments(ex, groups=("tables", "pipeline"), exclude=("functions",))
    ex.add_argument("--function", dest="functions", action="append", metavar="NAME=DEF",
                    help="a user operator of the fronts, e.g. sc=sin(x)*cos(x) (repeatable)")
    for action in ex._actions:  # the sweep's own default clock
        if action.dest == "clock_ns":
            action.help = "pipeline every point to this clock period in ns (default 5)"
    ex.set_defaults(run=explore_command, clock_ns=5.0)


def explore_command(args: argparse.Namespace) -> int:
    X, header = load_table(args.data)
    y = None
    if args.target_column is not None:
        if header is None or args.target_column not in header:
            raise SymcError(f"--target-column {args.target_column!r}: {args.data} has no such "
                            f"column (columns: {', '.join(header or [])})")
        col = header.index(args.target_column)
        y = X[:, col]
        X = np.delete(X, col, axis=1)
        header = [h for h in header if h != args.target_column]
    elif args.target is not None:
        y, _ = load_table(args.target)
        if y.ndim == 2 and y.shape[1] == 1:
            y = y[:, 0]
    if y is not None and len(y) != len(X):
        raise SymcError(f"the targets have {len(y)} rows, {args.data} has {len(X)}")
    base = from_arguments(args, functions={})
    grid = ([precision_options(p, base) for p in args.precisions] if args.precisions
            else [_preset(o, base) for o in DEFAULT_GRID])
    functions = parse_function_flags(args.functions or [])
    fronts = args.fronts if len(args.fronts) > 1 else args.fronts[0]
    out = Path(args.output)
    if header is not None:
        import pandas as pd  # optional: the 'explore' extra

        X = pd.DataFrame(X, columns=header)
    ranges = None
    if args.ranges is not None:
        ranges = parse_inputs(args.ranges)
        if not isinstance(ranges, dict):
            raise SymcError(f"--ranges {args.ranges!r}: expected name=lo:hi,...")
        names = header or [f"x{i}" for i in range(X.shape[1])]
        stray = [n for n in ranges if n not in names]
        if stray:
            raise SymcError(f"--ranges: {', '.join(stray)} is not a column of {args.data} "
                            f"(columns: {', '.join(names)})")
        ranges = {n: ranges.get(n, (float(np.min(np.asarray(X)[:, i])),
                                    float(np.max(np.asarray(X)[:, i]))))
                  for i, n in enumerate(names)}
    exploration = explore(
        fronts, X, y, grid, inputs=ranges, metric=args.metric, measure=args.measure,
        functions=functions,
        n_jobs=args.jobs, cache_dir=args.cache or out / ".cache",
        progress=not args.quiet and sys.stderr.isatty())
    print(exploration.summary())
    chosen = None
    try:
        chosen = exploration.best_row(max_lut=args.max_lut, max_dsp=args.max_dsp,
                                      max_latency_cycles=args.max_latency_cycles,
                                      min_metric=args.min_metric)
    except SymcError as exc:
        print(f"symc: warning: {exc}")
    paths = exploration.save(out, chosen)
    for path in paths:
        print(f"wrote {path}")
    if chosen is not None:
        design = exploration.design(chosen)
        print(f"chosen: {chosen['equation']} [{chosen['options']}] metric "
              f"{chosen['metric']:.6g}, {chosen['lut']} LUT, {chosen['latency_cycles']} cycles")
        if args.verify:
            Xv = np.asarray(X)[: args.verify]
            mismatches = int(np.sum(np.any(design.simulate(Xv) != design.predict(Xv), axis=1)))
            if mismatches:
                raise SymcError(f"the chosen design's RTL differs from the emulator on "
                                f"{mismatches} of {len(Xv)} rows")
            print(f"verilator: {len(Xv)} rows of {args.data}, RTL == emulator bit for bit")
        for path in design.save(out / "best"):
            print(f"wrote {path}")
    return 0


def _preset(options: CompileOptions, base: CompileOptions) -> CompileOptions:
    """A preset of the default grid, with the pipeline and table flags the user gave."""
    changes = {k: v for k, v in base.group("pipeline").items()
               if v != getattr(CompileOptions(), k)}
    if base.tables:
        changes["tables"] = base.tables
    return options.replace(**changes)
