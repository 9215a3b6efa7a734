"""Operator costs: symc's prices next to hls4ml's Vivado HLS latency table.

symc prices each operator (``symc.operator_costs``: a design of the operator alone minus a
baseline with the same ports) at ap_fixed<16,6>, 5 ns, UltraScale+, by its estimate and by
yosys; hls4ml's symbolic-regression configurations give, per part and precision, each
operator's latency in cycles at 5 ns as Vivado HLS schedules it, as PySR's
``complexity_of_operators`` (hls4sr-configs: hftsoi/hls4sr-configs, commit 1c7f21f5,
Vivado HLS, xcvu9p, ap_fixed<16,6>, 5 ns).

Prints one markdown table: operator, the delay model's ns, symc's pipeline cycles, the
estimate's LUT, FF and DSP, yosys's LUT and DSP, symc's PySR complexity by cycles (cycles + 1,
hls4ml's convention: an operator within one period is 1) and hls4ml's cycles.

Run: python benchmarks/bench_operator_costs.py [CONFIG_JSON] [--no-yosys]
(default CONFIG_JSON: ../shared/benchmarks/operator_costs/configs/xcvu9p-flga2577-2-e/
ap_fixed-16-6/config.json beside the repository; the file is read, never copied.)
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import symc
from symc.costs import DEFAULT_OPERATORS, OperatorCost, OperatorCosts

CONFIG = Path("shared/benchmarks/operator_costs/configs/xcvu9p-flga2577-2-e/ap_fixed-16-6/"
              "config.json")
DEFAULT_CONFIG = Path(__file__).resolve().parents[2] / CONFIG
"""hls4ml's table for xcvu9p at ap_fixed<16,6>, in the shared folder beside the repository."""

PRECISION, FAMILY, CLOCK_NS = "ap_fixed<16,6>", "xcup", 5.0
EXTRA = ("log_abs", "sqrt_abs", "cosh", "sinh")
"""PySR operators in hls4ml's table that symc builds (log|x|, sqrt|x|, one table each)."""
PLAIN_EXP = symc.CompileOptions(tables={"exp": {"reduction": "none"}})
"""exp as a plain table over its argument's range (the 2**k range reduction is too slow)."""


def read_config(path: Path | None) -> dict[str, int] | None:
    """hls4ml's ``complexity_of_operators``, or None (with a message) without the file."""
    chosen = path or DEFAULT_CONFIG
    if not chosen.is_file():
        where = "given" if path else "default"
        print(f"hls4ml's table not found ({where} path {chosen}): pass the path of "
              f"hls4sr-configs' {CONFIG.relative_to('shared/benchmarks/operator_costs')} "
              "as the first argument; printing symc's costs alone", file=sys.stderr)
        if path is not None:
            raise SystemExit(2)
        return None
    data = json.loads(chosen.read_text())
    print(f"hls4ml: {chosen} ({data.get('part')}, {data.get('precision')})", file=sys.stderr)
    return {str(k): int(v) for k, v in data["complexity_of_operators"].items()}


def price(measure: str, operators: list[str], options: Any = None) -> OperatorCosts:
    start = time.perf_counter()
    costs = symc.operator_costs(PRECISION, FAMILY, CLOCK_NS, measure, operators,
                                options=options, progress=True)
    print(f"symc {measure}: {len(costs)} operators in {time.perf_counter() - start:.1f} s",
          file=sys.stderr)
    return costs


def cell(value: Any, spec: str = "") -> str:
    return "-" if value is None else format(value, spec)


def pysr_cycles(cost: OperatorCost | None) -> str:
    return "-" if cost is None or cost.cycles is None else str(cost.cycles + 1)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("config", nargs="?", type=Path, default=None,
                        help=f"hls4ml's config.json (default: {DEFAULT_CONFIG})")
    parser.add_argument("--no-yosys", action="store_true", help="the estimate alone (fast)")
    args = parser.parse_args(argv)
    hls4ml = read_config(args.config)
    operators = [*DEFAULT_OPERATORS, *EXTRA]
    model = price("model", operators)
    model_exp = price("model", ["exp"], PLAIN_EXP)
    yosys = yosys_exp = None
    if not args.no_yosys:
        yosys = price("yosys", operators)
        yosys_exp = price("yosys", ["exp"], PLAIN_EXP)

    rows: list[tuple[str, OperatorCost | None, OperatorCost | None]] = [
        (name, model[name], yosys[name] if yosys else None) for name in operators]
    rows.insert(operators.index("exp") + 1, ("exp (plain table)", model_exp["exp"],
                                              yosys_exp["exp"] if yosys_exp else None))
    names = [r[0] for r in rows]
    rows += [(name, None, None) for name in (hls4ml or {}) if name not in names]

    print(f"symc {PRECISION}, {FAMILY}, {CLOCK_NS:g} ns; hls4ml: Vivado HLS, xcvu9p, "
          f"{PRECISION}, 5 ns")
    print()
    print("| operator | symc ns | symc cycles | LUT | FF | DSP | yosys LUT | yosys DSP "
          "| symc PySR cycles | hls4ml cycles |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, m, y in rows:
        key = name.split(" ")[0]
        theirs = hls4ml.get(key) if hls4ml else None
        if m is None:
            print(f"| {name} | no hardware form in symc | | | | | | | | {cell(theirs)} |")
            continue
        print(f"| {name} | {cell(m.latency_ns, '.2f')} | {cell(m.cycles)} | {cell(m.lut)} "
              f"| {cell(m.ff)} | {cell(m.dsp)} | {cell(y.lut if y else None)} "
              f"| {cell(y.dsp if y else None)} | {pysr_cycles(m)} | {cell(theirs)} |")
    print()
    for name, m, _ in rows:
        if m is not None and m.note:
            print(f"- {name}: {m.note}")


if __name__ == "__main__":
    main()
