"""symc.explore: fronts x options grid -> rows, Pareto points, the chosen design, a report."""

import concurrent.futures
import json

import numpy as np
import pytest

import symc
from symc.estimate import estimate
from symc.exploration import precision_options

RNG = np.random.default_rng(3)
X = RNG.normal(size=(3000, 2))
Y = 1.5 * X[:, 0] * X[:, 1] - 0.5 * X[:, 1]
FRONT = [(1, 1.0, "0.1"), (3, 0.6, "1.4*x0*x1"), (7, 0.01, "1.5*x0*x1 - 0.5*x1")]
GRID = [symc.CompileOptions(precision="ap_fixed<12,4>", clock_ns=5.0),
        symc.CompileOptions(precision="auto", max_error=0.01, clock_ns=5.0)]


@pytest.fixture(scope="module")
def study():
    return symc.explore(FRONT, X, Y, GRID, n_jobs=1, progress=False)


def test_one_row_per_equation_and_options(study):
    table = study.table
    assert len(table) == 6
    assert (table.status == "ok").all(), table.reason.tolist()
    assert set(table.options) == {o.label() for o in GRID}
    assert list(table.columns[:3]) == ["kind", "front", "equation"]


def test_metrics_are_what_the_design_computes(study):
    """Each row's figures, recomputed here from the design it names."""
    for row in study.rows:
        design = study.design(row)
        fixed = design.predict(X)[:, 0]
        assert row["metric"] == pytest.approx(np.mean((fixed - Y) ** 2), rel=1e-12)
        floating = eval_float(row["exprs"][0])
        assert row["float_metric"] == pytest.approx(np.mean((floating - Y) ** 2), rel=1e-9)
        assert row["max_abs_error"] == pytest.approx(np.max(np.abs(fixed - floating)))
        assert row["latency_cycles"] == design.latency
        figures = estimate(design)
        assert (row["lut"], row["ff"], row["dsp"]) == (figures["lut"], figures["ff"],
                                                       figures["dsp"])


def eval_float(text):
    import sympy

    from symc.frontend.parse import parse_expression

    f = sympy.lambdify(sympy.symbols("x0 x1"), parse_expression(text), "numpy")
    return np.broadcast_to(f(X[:, 0], X[:, 1]), (len(X),))


def test_pareto_and_best(study):
    front = study.pareto_rows()
    luts = [r["lut"] for r in front]
    metrics = [r["metric"] for r in front]
    assert luts == sorted(luts) and metrics == sorted(metrics, reverse=True)
    for row in study.rows:  # nothing off the front dominates a point on it
        for p in front:
            assert not (row["lut"] < p["lut"] and row["metric"] < p["metric"])
    best = study.best_row()
    assert best["metric"] == min(r["metric"] for r in study.rows)
    cheap = study.best_row(max_lut=front[0]["lut"])
    assert cheap["lut"] <= front[0]["lut"]
    design = study.best()
    assert isinstance(design, symc.Design) and design.options is not None
    with pytest.raises(symc.SymcError, match="no design of the exploration meets max_lut=-1"):
        study.best(max_lut=-1)


def test_a_failing_point_is_a_row_not_an_abort():
    front = ["x0*x1", "sin(x0)"]
    # Interpolating tables are too slow for a 1 ns clock; the product is not (the inputs'
    # clamps would be: a comparison and a multiplexer take 1.9 ns in the delay model).
    grid = [symc.CompileOptions(precision="auto", max_error=1e-3, clock_ns=1.0,
                                clamp_inputs=False)]
    study = symc.explore(front, X, None, grid, n_jobs=1, progress=False)
    status = {r["equation"]: r["status"] for r in study.rows}
    assert status["sin(x0)"] == "failed"
    assert "unreachable" in next(r["reason"] for r in study.rows if r["equation"] == "sin(x0)")
    assert "1 failed" in study.summary()


def test_cache_computes_only_new_points(tmp_path):
    first = symc.explore(FRONT, X, Y, GRID[:1], n_jobs=1, progress=False, cache_dir=tmp_path)
    assert (first.computed, first.cached) == (3, 0)
    again = symc.explore(FRONT, X, Y, GRID, n_jobs=1, progress=False, cache_dir=tmp_path)
    assert (again.computed, again.cached) == (3, 3)
    assert [r["metric"] for r in again.rows[:1]] == [first.rows[0]["metric"]]
    other_data = symc.explore(FRONT, X[:100], Y[:100], GRID[:1], n_jobs=1, progress=False,
                              cache_dir=tmp_path)
    assert other_data.computed == 3  # the data is part of the key


def test_cache_is_the_code_s_own(tmp_path, monkeypatch):
    # One version of symc with other code (another compiler, another resource model)
    # computes its rows again instead of reading the cached ones.
    from symc import sweep
    first = symc.explore(FRONT, X, Y, GRID[:1], n_jobs=1, progress=False, cache_dir=tmp_path)
    assert first.computed == 3
    assert sweep.tool_versions("model")["symc"] == f"{symc.__version__}+{sweep.source_digest()}"
    monkeypatch.setattr(sweep, "source_digest", lambda: "0" * 16)
    other_code = symc.explore(FRONT, X, Y, GRID[:1], n_jobs=1, progress=False,
                              cache_dir=tmp_path)
    assert (other_code.computed, other_code.cached) == (3, 0)


def test_the_cache_key_reads_the_compiler_and_its_models():
    from symc import sweep
    names = [name for name, _ in sweep.source_files()]
    for suffix in ("data/resources_xcup.json", "data/delays_ecp5.json", "/estimate.py",
                   "/narrow.py", "/sym.py"):
        assert any(n.endswith(suffix) for n in names), suffix


def test_executors_give_the_same_rows(study):
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        threaded = symc.explore(FRONT, X, Y, GRID, executor=pool, progress=False)
    assert _figures(threaded) == _figures(study)


@pytest.mark.slow
def test_process_pool_and_dask_give_the_same_rows(study):
    pooled = symc.explore(FRONT, X, Y, GRID, n_jobs=2, progress=False)
    assert _figures(pooled) == _figures(study)
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=1, processes=False, dashboard_address=None) as c, \
            distributed.Client(c) as client:
        on_dask = symc.explore(FRONT, X, Y, GRID, executor=client, progress=False)
    assert _figures(on_dask) == _figures(study)


def _figures(study):
    return [(r["equation"], r["options"], r["metric"], r["lut"], r["latency_cycles"])
            for r in study.rows]


def classes_data():
    rng = np.random.default_rng(5)
    Xc = rng.normal(size=(4000, 2))
    scores = np.stack([Xc[:, 0], Xc[:, 1], -Xc[:, 0] - Xc[:, 1]], axis=1)
    labels = np.argmax(scores, axis=1)
    fronts = [["0.5", "x0", "x0 + 0.01*x0*x1"], ["x1", "x1 - 0.01*x0"], ["-x0 - x1", "-x0"]]
    return Xc, labels, fronts


def test_one_front_per_class_gives_combined_designs():
    Xc, labels, fronts = classes_data()
    study = symc.explore(fronts, Xc, labels, GRID[1:], n_jobs=1, progress=False,
                         budgets=(10, 100))
    combined = [r for r in study.rows if r["kind"] == "combined"]
    assert combined and all(r["status"] == "ok" for r in combined)
    for row in combined:
        design = study.design(row)
        assert len(design.outputs) == 3
        predicted = np.argmax(design.predict(Xc), axis=1)
        assert row["metric"] == pytest.approx(np.mean(predicted == labels))
    best = study.best_row()
    assert best["kind"] == "combined"
    assert best["metric"] == max(r["metric"] for r in combined)
    assert study.metric == "accuracy"
    # Without labels: agreement with the argmax of the fronts' most accurate equations.
    agreement = symc.explore(fronts, Xc, None, GRID[1:], n_jobs=1, progress=False)
    assert agreement.metric == "agreement"
    assert agreement.best_row()["metric"] > 0.9


def test_save_writes_a_self_contained_report(study, tmp_path):
    out = tmp_path / "report"
    paths = study.save(out, study.best_row())
    assert sorted(p.name for p in paths) == ["index.html", "pareto.png", "results.csv",
                                             "results.json"]
    html = (out / "index.html").read_text()
    assert "data:image/png;base64," in html and "Chosen design" in html
    data = json.loads((out / "results.json").read_text())
    assert len(data["rows"]) == 6
    assert (out / "pareto.png").read_bytes()[:4] == b"\x89PNG"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


@pytest.mark.parametrize("kwargs, message", [
    ({"X": X[:, :1]}, "uses x1, which is not a column of X"),
    ({"X": np.where(np.arange(6000).reshape(3000, 2) == 7, np.nan, X)},
     "NaN or infinite values, the first at row 3, column 1"),
    ({"y": Y[:10]}, "y has 10 rows but X has 3000"),
    ({"metric": "r2"}, "unknown metric 'r2'"),
    ({"metric": "accuracy"}, "for classification"),
    ({"options": []}, "grid is empty"),
    ({"measure": "vivado"}, "unknown measure 'vivado'"),
    ({"measure": "yosys:virtex"}, "unknown family 'virtex'"),
    ({"front": []}, "empty"),
    ({"options": ["auto:x"]}, "expected auto:<max_error>"),
])
def test_bad_input_names_the_problem(kwargs, message):
    args = {"front": FRONT, "X": X, "y": Y, "options": GRID[:1]} | kwargs
    with pytest.raises(symc.SymcError, match=message):
        symc.explore(args.pop("front"), args.pop("X"), args.pop("y"), args.pop("options"),
                     n_jobs=1, progress=False, **args)


def test_precision_strings():
    assert precision_options("auto:0.01") == symc.CompileOptions(precision="auto",
                                                                 max_error=0.01)
    assert precision_options("auto:f9").frac_bits == 9
    assert precision_options("ap_fixed<10,3>").precision == "ap_fixed<10,3>"


def test_several_outputs_of_a_regression(tmp_path):
    run = tmp_path / "run"
    run.mkdir()
    (run / "hall_of_fame_output0.csv").write_text(
        "Complexity,Loss,Equation\n1,1.0,0.0\n3,0.1,\"x0*x1\"\n")
    (run / "hall_of_fame_output1.csv").write_text(
        "Complexity,Loss,Equation\n1,1.0,0.5\n3,0.1,\"x0 - x1\"\n")
    y2 = np.stack([X[:, 0] * X[:, 1], X[:, 0] - X[:, 1]], axis=1)
    study = symc.explore(run, X, y2, GRID[1:], n_jobs=1, progress=False)
    assert study.metric == "mse" and not study.classification
    best = study.best_row()
    assert best["kind"] == "combined"
    design = study.design(best)
    assert best["metric"] == pytest.approx(np.mean((design.predict(X) - y2) ** 2))
    assert best["metric"] < 1e-4


def test_a_family_without_a_resource_model_says_so_before_the_sweep():
    with pytest.raises(symc.SymcError, match="no calibrated LUT/FF estimate for .ecp5"):
        symc.explore(FRONT, X, Y, GRID[:1], family="ecp5", n_jobs=1, progress=False)


@pytest.mark.slow
@pytest.mark.parametrize("measure", ["yosys:xc7", "nextpnr"])
def test_measured_hardware(measure):
    """Synthesis (and ECP5 place and route) give the row's figures."""
    study = symc.explore(["1.4*x0*x1"], X, Y, GRID[1:], measure=measure, n_jobs=1,
                         progress=False)
    (row,) = study.rows
    assert row["status"] == "ok", row["reason"]
    assert row["dsp"] >= 1  # the product of two variables
    if measure == "nextpnr":
        assert row["fmax_mhz"] > 0
        figures = study.design(row).report("xcup", show=False, fmax=True)
        assert (row["lut"], row["fmax_mhz"]) == (figures["lut"], figures["fmax_mhz"])
    else:
        from symc.toolchain import yosys

        design = study.design(row)
        resources, _ = yosys.synthesize(design.verilog, design.name, "xc7")
        assert (row["lut"], row["ff"], row["dsp"]) == (resources.lut, resources.ff,
                                                       resources.dsp)
