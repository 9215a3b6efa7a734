"""The ``symc`` command line.

    symc compile "x0*x1 - x0**2" --inputs x0=-4:4,x1=-1:1 --precision "ap_fixed<16,6>" -o out/
    symc compile "x0*x1 - x0**2" --clock-ns 5 --family xcup --report xcup -o out/
    symc example                      # compile, simulate and describe an embedded example

Bad input (malformed expressions, unknown functions, invalid precisions or ranges, options
that do not apply together, ...) prints one clear message and exits with code 2, before
anything is written. Long tool runs (Verilator, yosys, nextpnr, g++) show a status line with
their elapsed time on a terminal's stderr; ``--quiet`` silences it.
"""

from __future__ import annotations

import argparse
import csv
import importlib.metadata
import json
import math
import sys
import time
import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np

import symc
from symc import __version__
from symc.cli_explore import add_parser as add_explore_parser
from symc.cli_fit import add_parser as add_fit_parser
from symc.design import sample_inputs
from symc.examples import DEFAULT, DEMO_OPERATORS, EXAMPLES, demo_data
from symc.fit import check, search, write
from symc.frontend.errors import SymcError
from symc.options import add_arguments, from_arguments, parse_inputs
from symc.report import TARGETS
from symc.toolchain import status
from symc.toolchain.errors import ToolError

EXIT_BAD_INPUT = 2
EXIT_TOOL_FAILED = 3

DESCRIPTION = """\
symc compiles symbolic expressions (the formulas symbolic regression finds) into FPGA hardware:
bit-exact fixed-point Verilog (or an HLS C++ project), pipelined to a clock, checked against
its emulator in Verilator, and measured by yosys and nextpnr-ecp5. It also sweeps a
symbolic-regression front over precisions and chooses a design by accuracy and cost."""

EPILOG = """\
examples:
  symc compile "x0*x1 - 0.5*x0**2" --inputs x0=-4:4,x1=-1:1 --precision auto \\
      --max-error 1e-3 --simulate 1000 -o out/
  symc compile "sin(x0)*x1" --inputs x0=-3:3,x1=-1:1 --clock-ns 5 --report xcup --fmax -o out/
  symc fit data.csv --target y --operators "+,-,*,sin" --cost hardware -o fit/
  symc explore hall_of_fame.csv --data X.npy --precision auto:0.01 --max-lut 1000 -o report/

exit codes: 0 done, 2 bad input (nothing written), 3 an external tool failed."""


class HelpFormatter(argparse.HelpFormatter):
    """Every option's help ends with its default (unless it names it already)."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        if ("default" in text or action.default is argparse.SUPPRESS or action.required
                or not action.option_strings):
            return text
        if action.nargs == 0:  # a flag
            return text + " (default: off)"
        return text + (" (default: none)" if action.default is None else
                       " (default: %(default)s)")


class RawHelpFormatter(argparse.RawDescriptionHelpFormatter, HelpFormatter):
    """The top level's description and examples as written, defaults as HelpFormatter."""


def version() -> str:
    """The installed package's version."""
    try:
        return importlib.metadata.version("symc")
    except importlib.metadata.PackageNotFoundError:
        return __version__


def _compile_command(args: argparse.Namespace) -> int:
    _check_compile_flags(args)
    inputs = parse_inputs(args.inputs) if args.inputs is not None else None
    design = symc.compile(args.exprs, inputs=inputs, options=from_arguments(args),
                          name=args.name)
    if args.target == "hls":
        return _write_hls(design, args)
    if args.simulate:
        _check_against_rtl(design, args.simulate, seed=0)
    paths = design.save(args.output)
    for path in paths:
        print(f"wrote {path}")
    if args.clock_ns is not None:
        print(f"latency: {design.latency} cycles at {args.clock_ns:g} ns ({args.family})")
    if args.report:
        figures = design.report(args.report, fmax=args.fmax)
        report_path = Path(args.output) / f"{design.name}.report.{args.report}.json"
        report_path.write_text(json.dumps(figures, indent=2) + "\n")
        print(f"wrote {report_path}")
    for old, new in design.renamed.items():
        print(f"renamed port {old!r} to {new!r} (a reserved word in Verilog or C++)")
    return 0


def _check_compile_flags(args: argparse.Namespace) -> None:
    """Flags that do not apply to what was asked are errors, not silently ignored."""
    if args.report is not None:
        if args.report not in TARGETS:
            raise SymcError(f"--report {args.report!r}: known targets: {', '.join(TARGETS)}")
        if args.target == "hls":
            raise SymcError("--report measures the Verilog design and does not apply to "
                            "--target hls (drop --target hls to report the Verilog)")
    elif args.fmax is not None:
        raise SymcError(f"--{'' if args.fmax else 'no-'}fmax applies to a report: add "
                        "--report TARGET")
    if args.hls_layout is not None and args.target != "hls":
        raise SymcError("--hls-layout applies to --target hls only")


# --- HLS C++ target -------------------------------------------------------------------------


def _write_hls(design, args: argparse.Namespace) -> int:  # noqa: ANN001
    """``--target hls``: check N vectors in C simulation, then write the HLS project."""
    if args.simulate:
        X = sample_inputs(design, args.simulate, seed=0)
        mismatches = int(np.sum(np.any(design.csim(X) != design.predict(X), axis=1)))
        if mismatches:
            raise SymcError(f"C simulation differs from the emulator on {mismatches} of "
                            f"{args.simulate} vectors")
        print(f"C simulation: {args.simulate} vectors, HLS C++ == emulator bit for bit")
    paths = design.save_hls(args.output, layout=args.hls_layout or "symc")
    summary = Path(args.output) / f"{design.name}.json"
    summary.write_text(json.dumps(design.summary(), indent=2) + "\n")
    for path in [*paths, summary]:
        print(f"wrote {path}")
    for old, new in design.renamed.items():
        print(f"renamed port {old!r} to {new!r} (a reserved word in Verilog or C++)")
    return 0


def _check_against_rtl(design, n: int, seed: int) -> None:  # noqa: ANN001
    """Simulate ``n`` vectors (range corners first) in Verilator; raise unless bit-exact; print
    the error against the real expressions next to it (bit for bit is not correct)."""
    X = sample_inputs(design, n, seed)
    result = design.check(X)
    if result["rtl_mismatches"]:
        raise SymcError(f"RTL simulation differs from the emulator on "
                        f"{result['rtl_mismatches']} of {n} vectors")
    print(f"verilator: {n} vectors, RTL == emulator bit for bit")
    for out in result["outputs"]:
        line = (f"  {out['name']} against the real expression: max |error| "
                f"{out['max_abs_error']:.4g}, mean {out['mean_abs_error']:.4g}")
        if out["error_bound"] is not None:
            line += f" (bound {out['error_bound']:.4g})"
        if out["outside_format"]:
            line += (f"; {out['outside_format']:.1%} of the vectors lie outside its format "
                     "(wrapped or saturated)")
        print(line)


def _example_command(args: argparse.Namespace) -> int:
    example = EXAMPLES[args.name]
    print(f"example {example.name}: {example.description}")
    for expr in example.exprs:
        print(f"  {expr}")
    design = symc.compile(
        list(example.exprs),
        inputs=example.inputs,
        precision=example.precision,
        max_error=example.max_error,
        name=example.name,
    )
    print(f"built {design!r}")
    for port in design.outputs:
        bound = f", error bound {port.error_bound:.3g}" if port.error_bound is not None else ""
        print(f"  output {port.name}: {port.format}{bound}")
    _check_against_rtl(design, args.vectors, seed=1)
    if args.output:
        for path in design.save(args.output):
            print(f"wrote {path}")
    else:
        print(f"Verilog: {len(design.verilog.splitlines())} lines (use -o DIR to write it)")
    return 0


def _demo_command(args: argparse.Namespace) -> int:
    """The seed workflow on real data: fit fronts, sweep them, choose, verify, report."""

    start = time.perf_counter()
    out = Path(args.output)
    data = demo_data()
    n_train, n_test = len(data.y_train), len(data.y_test)
    print(f"demo: the wine data (scikit-learn; 178 wines, 3 cultivars, 13 measurements), "
          f"standardized; {n_train} rows to fit, {n_test} to measure")
    names = [f"x{i}" for i in range(len(data.features))]
    settings, X, targets = check(
        data.X_train, data.y_train, names=names, classes=True, operators=DEMO_OPERATORS,
        cost="hardware", precision="ap_fixed<16,6>", family="xcup", clock_ns=5.0,
        generations=args.generations, population_size=300, max_length=25, seed=args.seed)
    fronts, settings = search(X, targets, settings, progress=not args.quiet)
    print(f"fit: Operon, one front per class (one-vs-rest), operators {DEMO_OPERATORS}, cost "
          f"= symc's LUTs of the formula at ap_fixed<16,6> on xcup; "
          f"{', '.join(f'{f.name} {len(f)}' for f in fronts)} formulas "
          f"({time.perf_counter() - start:.1f} s)")
    out.mkdir(parents=True, exist_ok=True)
    paths = write(fronts, out / "fit", settings)
    for name, X_part, y_part in (("train", data.X_train, data.y_train),
                                 ("test", data.X_test, data.y_test)):
        path = out / f"{name}.csv"
        with path.open("w", newline="") as f:
            writer = csv.writer(f)
            writer.writerow([*names, "label"])
            for row, label in zip(X_part.tolist(), y_part.tolist(), strict=True):
                writer.writerow([repr(v) for v in row] + [int(label)])
        paths.append(path)
    scaling = {"inputs": names, "features": list(data.features), "mean": list(data.mean),
               "std": list(data.std), "input": "x_i = (feature_i - mean_i) / std_i"}
    (out / "standardization.json").write_text(json.dumps(scaling, indent=2) + "\n")
    paths.append(out / "standardization.json")
    for path in paths:
        print(f"wrote {path}")
    # The hardware serves every standardized value of the data, not only the test rows'.
    every = np.vstack([data.X_train, data.X_test])
    ranges = ",".join(f"{n}={math.floor(lo)}:{math.ceil(hi)}" for n, lo, hi in
                      zip(names, every.min(axis=0), every.max(axis=0), strict=True))
    argv = ["explore", *(str(p) for p in paths if p.name.startswith("hall_of_fame")),
            "--data", str(out / "test.csv"), "--target-column", "label", "--ranges", ranges,
            "--precision", "ap_fixed<16,6>", "--precision", "ap_fixed<10,4>",
            "--precision", "auto:0.05", "--precision", "auto:0.01",
            "--tables", '{"*": {"interpolation": "none"}}', "--clock-ns", "5",
            "--max-lut", str(args.max_lut), "--verify", "1000", "-o", str(out / "report")]
    if args.quiet:
        argv.append("--quiet")
    print("symc " + " ".join(a if not set(a) & set(' <>{}"') else f"'{a}'" for a in argv))
    explore_args = build_parser().parse_args(argv)
    code = explore_args.run(explore_args)
    print(f"demo: done in {time.perf_counter() - start:.0f} s")
    return code


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="symc", description=DESCRIPTION, epilog=EPILOG,
                                     formatter_class=RawHelpFormatter)
    parser.add_argument("--version", action="version", version=f"%(prog)s {version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    comp = sub.add_parser("compile", help="compile expressions to Verilog (or HLS C++)",
                          description="Compile expressions to Verilog (or an HLS C++ "
                          "project), optionally check them in simulation and measure them.",
                          formatter_class=HelpFormatter)
    comp.add_argument("exprs", nargs="+", metavar="EXPR", help="one expression per output")
    comp.add_argument("--inputs", help="input order and ranges: x0=-4:4,x1=-1:1 (or x0,x1) "
                      "(default: the free symbols in natural order, without ranges)")
    comp.add_argument("--name", default="top", help="Verilog module name")
    comp.add_argument("--simulate", type=int, default=0, metavar="N",
                      help="check N vectors in Verilator against the emulator before writing")
    comp.add_argument("--target", choices=("verilog", "hls"), default="verilog",
                      help="verilog (default) or hls: an HLS C++ project (Vitis/Vivado HLS); "
                           "--simulate then checks it in C simulation (g++)")
    comp.add_argument("--hls-layout", choices=("symc", "hls4ml"), default=None,
                      help="HLS project layout with --target hls: symc (flat, the default) or "
                           "hls4ml (firmware/, tb_data/, build_prj.tcl)")
    comp.add_argument("-o", "--output", required=True, help="output directory")
    add_arguments(comp)
    comp.add_argument("--report", metavar="TARGET", default=None,
                      help="synthesize with yosys and print resources and latency for TARGET: "
                           "xc7, xcup or ecp5; not with --target hls (default: no report)")
    comp.add_argument("--fmax", action=argparse.BooleanOptionalAction, default=None,
                      help="with --report, also place and route on the smallest fitting ECP5 "
                           "(nextpnr-ecp5) for Fmax and the critical path (default: yes for "
                           "--report ecp5, no for xc7 and xcup, which take the delay model's "
                           "stage estimate)")
    _add_quiet(comp)
    comp.set_defaults(run=_compile_command)

    add_fit_parser(sub)
    sub.choices["fit"].formatter_class = HelpFormatter
    add_explore_parser(sub)
    sub.choices["explore"].formatter_class = HelpFormatter

    demo = sub.add_parser("demo", help="the whole workflow on real data: fit fronts, sweep "
                          "them, choose, verify, report", formatter_class=HelpFormatter)
    demo.add_argument("-o", "--output", default="symc-demo", help="output folder")
    demo.add_argument("--max-lut", type=int, default=500, help="LUT budget of the chosen design")
    demo.add_argument("--generations", type=int, default=30,
                      help="the search's generations per class")
    demo.add_argument("--seed", type=int, default=0, help="the search's seed")
    demo.add_argument("--quiet", action="store_true",
                      help="no progress bar and no status lines of tool runs")
    demo.set_defaults(run=_demo_command)

    ex = sub.add_parser("example", help="compile and verify an embedded example",
                        formatter_class=HelpFormatter)
    ex.add_argument("name", nargs="?", default=DEFAULT, choices=sorted(EXAMPLES),
                    help=f"which example (default: {DEFAULT})")
    ex.add_argument("--vectors", type=int, default=1000,
                    help="vectors to check in Verilator against the emulator")
    ex.add_argument("-o", "--output", help="also write the design here (default: write nothing)")
    _add_quiet(ex)
    ex.set_defaults(run=_example_command)
    return parser


def _add_quiet(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-q", "--quiet", action="store_true",
                        help="no status lines of long tool runs (Verilator, yosys, nextpnr, g++) "
                             "on stderr; there are none when stderr is not a terminal")


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        with warnings.catch_warnings(record=True) as caught, \
                status.quiet(getattr(args, "quiet", False)):
            warnings.simplefilter("always")
            code = args.run(args)
        for warning in caught:
            print(f"symc: warning: {warning.message}", file=sys.stderr)
        return code
    except SymcError as exc:
        print(f"symc: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except ToolError as exc:
        print(f"symc: tool failed: {exc}", file=sys.stderr)
        return EXIT_TOOL_FAILED
    except OSError as exc:
        print(f"symc: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())
