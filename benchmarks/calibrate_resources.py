"""Calibrate the resource estimate (``symc/estimate.py``) against yosys, and report its error.

    python benchmarks/calibrate_resources.py --family xcup -j 2   # about 15 minutes
    python benchmarks/calibrate_resources.py --family xcup --refit

Designs: every other equation of the jet-tagging hall of fame (PySR, ``../shared/benchmarks``) at
three settings (``ap_fixed<16,6>`` with hls4ml's 256-entry tables, ``auto`` at 0.05 with
256-entry tables, ``auto`` at 0.5 with 64-entry tables; 5 ns), the five-class combined
designs, and arithmetic formulas (random polynomials). Each is compiled, its counts taken by
``symc.estimate.features`` and synthesized by yosys (``synth_xilinx``); every fourth design is
held out of the fit and the model's error on those is stored beside the coefficients. The
measurements are kept in ``benchmarks/data/resources_<family>.measured.json`` so that
``--refit`` refits without synthesis.

The fit is least squares on the non-negative coefficients (a feature whose coefficient comes
out negative is dropped and the rest refitted): every count is hardware that costs, never
hardware that saves.

Every other design is also built without DSP blocks (``dsp=False``; two more settings,
synthesized with ``-nodsp``), whose counts no other design has (``NO_DSP_FEATURES`` of
``symc.estimate``: LUT multipliers, constant products left to synthesis). Their coefficients
are fitted second, on what the rest of the model leaves unexplained of those designs, so that
adding them changes no estimate of a design with DSP blocks. ``--no-dsp`` synthesizes only
those designs and keeps the stored others.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import csv
import json
import random
import sys
import time
import warnings
from pathlib import Path

import numpy as np

import symc
from symc.estimate import FEATURES, NO_DSP_FEATURES, features
from symc.frontend.errors import SymcError
from symc.toolchain import yosys
from symc.toolchain.errors import ToolError

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "benchmarks" / "jet_tagging_pysr"
MEASURED = ROOT / "benchmarks" / "data"
MODELS = ROOT / "symc" / "data"
SC = {"sc": "sin(x)*cos(x)"}
INPUTS = [f"x{i}" for i in range(16)]
SETTINGS = {
    "hls4ml": dict(precision="ap_fixed<16,6>",
                   tables={"*": {"entries": 256, "domain": [-8, 8], "indexing": "hls4ml"}}),
    "auto0.05": dict(precision="auto", max_error=0.05,
                     tables={"*": {"entries": 256, "interpolation": "none"}}),
    "auto0.5": dict(precision="auto", max_error=0.5,
                    tables={"*": {"entries": 64, "interpolation": "none"}}),
}
NO_DSP_SETTINGS = {
    "hls4ml-nodsp": dict(SETTINGS["hls4ml"], dsp=False),
    "auto0.1-nodsp": dict(precision="auto", max_error=0.1, dsp=False),
}


def designs() -> list[tuple[str, list[str]]]:
    """(label, expressions) of every calibration design."""
    found: list[tuple[str, list[str]]] = []
    files = sorted(SHARED.glob("hall_of_fame_class*.csv")) if SHARED.is_dir() else []
    if not files:
        print(f"note: {SHARED} is absent: calibrating on polynomials only", file=sys.stderr)
    per_class: list[list[str]] = []
    for path in files:
        with path.open() as f:
            rows = list(csv.DictReader(f))
        per_class.append([r["Equation"] for r in rows])
        for row in rows[::2]:  # every other equation: the fronts' whole span, half the time
            found.append((f"{path.stem}:{row['Complexity']}", [row["Equation"]]))
    if per_class:
        for pick in (0.5, 0.75, 1.0):  # combined designs along the fronts
            exprs = [eqs[min(len(eqs) - 1, int(pick * (len(eqs) - 1)))] for eqs in per_class]
            found.append((f"jet5@{pick}", exprs))
    rng = random.Random(7)
    for i in range(16):
        terms = []
        for _ in range(rng.randint(2, 8)):
            factors = [f"x{rng.randrange(4)}" for _ in range(rng.randint(1, 3))]
            terms.append(f"{rng.uniform(-2, 2):.4f}*" + "*".join(factors))
        found.append((f"poly{i}", [" + ".join(terms)]))
    return found


def _measure_one(job: tuple[str, list[str], str, dict, str, float]) -> tuple[dict | None, str]:
    """Compile and synthesize one design: (its row, or None when it does not compile; a line
    saying what happened)."""
    label, exprs, setting, options, family, clock_ns = job
    inputs = {name: (-4.0, 4.0) for name in INPUTS}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            d = symc.compile(exprs, inputs=inputs, functions=SC, clock_ns=clock_ns,
                             family=family, **options)
    except SymcError as exc:
        return None, f"skip {label} {setting}: {str(exc).splitlines()[0][:100]}"
    counts = features(d)
    try:
        res, _ = yosys.synthesize(d.verilog, d.name, family, dsp=options.get("dsp", True))
    except ToolError as exc:
        return None, f"skip {label} {setting}: {exc.message} {exc.diagnostics[-200:]!r}"
    return ({"design": label, "setting": setting, "features": counts,
             "lut": res.lut, "ff": res.ff, "dsp": res.dsp},
            f"{label} {setting}: LUT {res.lut} FF {res.ff}")


def measure(family: str, clock_ns: float, settings: dict[str, dict], every: int = 1,
            jobs: int = 1) -> list[dict]:
    """The rows of every design at every setting, in that order, ``jobs`` at a time."""
    todo = [(label, exprs, setting, settings[setting], family, clock_ns)
            for label, exprs in designs()[::every] for setting in settings]
    start = time.time()
    with concurrent.futures.ProcessPoolExecutor(jobs) as pool:
        results = []
        for n, (row, line) in enumerate(pool.map(_measure_one, todo), 1):
            print(f"  [{n}/{len(todo)} {time.time() - start:5.0f} s] {line}", file=sys.stderr)
            results.append(row)
    return [r for r in results if r is not None]


def nonnegative_fit(X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Least squares with coefficients >= 0 (drop the most negative, refit, repeat)."""
    active = list(range(X.shape[1]))
    coef = np.zeros(X.shape[1])
    while active:
        sol, *_ = np.linalg.lstsq(X[:, active], y, rcond=None)
        if (sol >= 0).all():
            coef[:] = 0
            coef[active] = sol
            return coef
        active.pop(int(np.argmin(sol)))
    return coef


def fit(rows: list[dict], target: str, names: tuple[str, ...]) -> tuple[float, dict]:
    X = np.array([[1.0] + [r["features"].get(k, 0.0) for k in names] for r in rows])
    y = np.array([r[target] for r in rows], dtype=float)
    coef = nonnegative_fit(X, y)
    return float(coef[0]), {k: float(c) for k, c in zip(names, coef[1:], strict=True)}


def fit_rest(rows: list[dict], intercept: float, coef: dict, names: tuple[str, ...]) -> dict:
    """LUT coefficients of ``names``, fitted (non-negative, no intercept) to what ``coef``
    leaves unexplained of ``rows``."""
    if not rows:
        return dict.fromkeys(names, 0.0)
    X = np.array([[r["features"].get(k, 0.0) for k in names] for r in rows])
    y = np.array([r["lut"] for r in rows], dtype=float) - _predict(rows, intercept, coef)
    return {k: float(c) for k, c in zip(names, nonnegative_fit(X, y), strict=True)}


def _predict(rows: list[dict], intercept: float, coef: dict) -> np.ndarray:
    return np.array([intercept + sum(c * r["features"].get(k, 0.0) for k, c in coef.items())
                     for r in rows])


def relative_errors(rows: list[dict], target: str, intercept: float, coef: dict) -> np.ndarray:
    pred = _predict(rows, intercept, coef)
    true = np.array([r[target] for r in rows], dtype=float)
    return (pred - true) / np.maximum(true, 1.0)


def _errors(rows: list[dict], target: str, intercept: float, coef: dict) -> dict:
    """Relative errors of the model on ``rows``: all of them, and those of 200 units or more
    (where a relative error means something: 3 LUTs against 1 is +200%)."""
    err = relative_errors(rows, target, intercept, coef)
    big = [r for r in rows if r[target] >= 200]
    err_big = relative_errors(big, target, intercept, coef) if big else np.zeros(0)
    total = sum(r[target] for r in rows)
    predicted = float(_predict(rows, intercept, coef).sum())
    return {
        "designs": len(rows),
        "median_abs_rel_error": round(float(np.median(np.abs(err))), 4),
        "p90_abs_rel_error": round(float(np.quantile(np.abs(err), 0.9)), 4),
        "max_abs_rel_error": round(float(np.max(np.abs(err))), 4),
        "designs_over_200": len(big),
        "median_abs_rel_error_over_200": (round(float(np.median(np.abs(err_big))), 4)
                                          if big else None),
        "total_rel_error": round(float(predicted / max(total, 1) - 1), 4),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--family", action="append", choices=("xcup", "xc7"))
    parser.add_argument("--clock-ns", type=float, default=5.0)
    parser.add_argument("--refit", action="store_true", help="refit the stored measurements")
    parser.add_argument("-j", "--jobs", type=int, default=1,
                        help="designs compiled and synthesized at a time (processes)")
    parser.add_argument("--no-dsp", action="store_true",
                        help="synthesize only the designs without DSP blocks, keep the others")
    args = parser.parse_args()
    MEASURED.mkdir(parents=True, exist_ok=True)
    for family in args.family or ["xcup", "xc7"]:
        store = MEASURED / f"resources_{family}.measured.json"
        if args.refit or args.no_dsp:
            rows = json.loads(store.read_text())["rows"]
        if not args.refit:
            if args.no_dsp:
                rows = [r for r in rows if r["setting"] not in NO_DSP_SETTINGS]
            else:
                print(f"{family}: synthesizing the calibration designs", file=sys.stderr)
                rows = measure(family, args.clock_ns, SETTINGS, jobs=args.jobs)
            print(f"{family}: synthesizing the designs without DSP blocks", file=sys.stderr)
            rows += measure(family, args.clock_ns, NO_DSP_SETTINGS, every=2, jobs=args.jobs)
            store.write_text(json.dumps({"family": family, "clock_ns": args.clock_ns,
                                         "yosys": yosys.version(), "rows": rows}, indent=1)
                             + "\n")
        with_dsp = [r for r in rows if r["setting"] not in NO_DSP_SETTINGS]
        no_dsp = [r for r in rows if r["setting"] in NO_DSP_SETTINGS]
        train = [r for i, r in enumerate(with_dsp) if i % 4 != 3]
        held = [r for i, r in enumerate(with_dsp) if i % 4 == 3]
        lut_b, lut = fit(train, "lut", tuple(k for k in FEATURES
                                             if k != "register_bits" and k not in NO_DSP_FEATURES))
        lut.update(fit_rest([r for i, r in enumerate(no_dsp) if i % 4 != 3], lut_b, lut,
                            NO_DSP_FEATURES))
        ff_b, ff = fit(train, "ff", ("register_bits", "add_bits"))
        summary = {}
        jet = [r for r in held if r["design"].startswith(("hall_of_fame", "jet5"))]
        held_no_dsp = [r for i, r in enumerate(no_dsp) if i % 4 == 3]
        for target, b, c in (("lut", lut_b, lut), ("ff", ff_b, ff)):
            summary[target] = _errors(held, target, b, c)
            summary[target]["jet"] = _errors(jet, target, b, c) if jet else None
            summary[target]["no_dsp"] = _errors(held_no_dsp, target, b, c) if held_no_dsp else None
        model = {"family": family, "source": "benchmarks/calibrate_resources.py, yosys "
                 f"{json.loads(store.read_text()).get('yosys', '?')} synth_xilinx -family {family}",
                 "lut_intercept": lut_b, "lut": lut, "ff_intercept": ff_b, "ff": ff,
                 "fitted_on": len(train), "fitted_on_no_dsp": len(no_dsp) - len(held_no_dsp),
                 "held_out": summary}
        (MODELS / f"resources_{family}.json").write_text(json.dumps(model, indent=1) + "\n")
        print(f"\n{family}: fitted on {len(train)} designs, held out {len(held)}")
        print(f"  LUT = {lut_b:.1f} + " + " + ".join(f"{c:.3f}*{k}" for k, c in lut.items() if c))
        print(f"  FF  = {ff_b:.1f} + " + " + ".join(f"{c:.3f}*{k}" for k, c in ff.items() if c))
        print("  | target | held-out designs | median abs rel err | p90 | max | "
              "median (>= 200) | sum of estimates / sum measured - 1 |")
        print("  |---|---|---|---|---|---|---|")
        for target, whole in summary.items():
            for label, s in ((target, whole), (f"{target}, jet only", whole["jet"]),
                             (f"{target}, without DSP blocks", whole["no_dsp"])):
                if s is None:
                    continue
                print(f"  | {label} | {s['designs']} | {s['median_abs_rel_error']:.1%} | "
                      f"{s['p90_abs_rel_error']:.1%} | {s['max_abs_rel_error']:.1%} | "
                      f"{s['median_abs_rel_error_over_200'] or 0:.1%} "
                      f"({s['designs_over_200']}) | {s['total_rel_error']:+.1%} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
