"""symc.fit and symc fit: Operon's fronts, hardware-aware, in the form the explorer reads."""

import json
import re
import sys

import numpy as np
import pytest
import sympy

import symc
from symc import sr
from symc.cli import main
from symc.fit import check, write

pytest.importorskip("pyoperon")
SMALL = {"generations": 15, "population_size": 200, "max_length": 20}


def _values(expr, X, names):
    fn = sympy.lambdify(sympy.symbols(names), expr, "numpy")
    return np.broadcast_to(np.asarray(fn(*X.T), dtype=np.float64), (len(X),))


@pytest.fixture(scope="module")
def law():
    rng = np.random.default_rng(3)
    X = rng.uniform(-2, 2, size=(300, 2))
    return X, 1.5 * X[:, 0] * X[:, 1] - 0.5 * X[:, 0] + 0.25


@pytest.fixture(scope="module")
def wine():
    datasets = pytest.importorskip("sklearn.datasets")
    X, y = datasets.load_wine(return_X_y=True)
    return (X - X.mean(axis=0)) / X.std(axis=0), y


def test_a_law_is_found_and_the_front_runs_from_rough_to_exact(law):
    X, y = law
    [front] = symc.fit(X, y, operators="+,-,*", seed=1, **SMALL)
    assert front.name == "y" and front.inputs == ("x0", "x1")
    complexities = [eq.complexity for eq in front]
    losses = [eq.loss for eq in front]
    assert complexities == sorted(set(complexities))           # one per cost, cheapest first
    assert all(a > b for a, b in zip(losses, losses[1:], strict=False))   # each one better
    best = front.best
    assert best.loss < 1e-8
    assert np.max(np.abs(_values(best.expr, X, ["x0", "x1"]) - y)) < 1e-3


def test_the_same_seed_gives_the_same_front(law):
    X, y = law
    a = symc.fit(X, y, seed=7, **SMALL)
    b = symc.fit(X, y, seed=7, **SMALL)
    assert [(e.text, e.complexity, e.loss) for e in a[0]] == \
        [(e.text, e.complexity, e.loss) for e in b[0]]


def test_classes_give_one_front_each_and_their_argmax_classifies(wine):
    X, y = wine
    fronts = symc.fit(X, y, classes=True, seed=0, **SMALL)
    assert [f.name for f in fronts] == ["class0", "class1", "class2"]
    names = [f"x{i}" for i in range(13)]
    scores = np.stack([_values(f.best.expr, X, names) for f in fronts], axis=1)
    assert np.mean(np.argmax(scores, axis=1) == y) > 0.9


def test_hardware_cost_prices_the_formula_at_the_precision(law):
    X, y = law
    settings, arr, targets = check(X, y, operators="+,-,*", cost="hardware", seed=2, **SMALL)
    fronts, settings = _search(arr, targets, settings)
    prices = dict(settings.prices)
    costs = symc.operator_costs("ap_fixed<16,6>", "xcup", 5.0,
                                operators=["+", "-", "*", "constant", "c*x"])
    rate = costs.luts_per_dsp
    assert settings.dsp_lut == rate
    for name in ("+", "-", "*", "constant", "c*x"):
        assert prices[name] == costs[name].lut_equivalent(rate)
    # Each formula's cost is its tree's sum of operator prices: a constant costs a constant;
    # a formula of one variable at least one weighted variable (w*x), and more is dearer.
    for eq in fronts[0]:
        if not eq.expr.free_symbols:
            assert eq.complexity == round(prices["constant"])
        else:
            assert eq.complexity >= len(eq.expr.free_symbols) * prices["c*x"] - 1
    assert fronts[0].best.loss < 1e-6
    assert fronts[0].best.complexity >= prices["*"] + 2 * prices["c*x"] - 1   # x0*x1 and x0


def test_hardware_cost_at_auto_precision(law):
    X, y = law
    settings, arr, targets = check(X, y, cost="hardware", precision="auto:0.01", **SMALL)
    fronts, settings = _search(arr, targets, settings)
    costs = symc.operator_costs("auto:0.01", operators=["+", "c*x"])
    assert dict(settings.prices)["c*x"] == costs["c*x"].lut_equivalent(costs.luts_per_dsp)
    assert fronts[0].best.loss < 1e-6


def _search(arr, targets, settings):
    from symc.fit import search

    return search(arr, targets, settings, progress=False)


def test_written_fronts_read_back(law, tmp_path):
    X, y = law
    settings, arr, targets = check(X, y, seed=4, **SMALL)
    fronts, settings = _search(arr, targets, settings)
    paths = write(fronts, tmp_path, settings)
    assert [p.name for p in paths] == ["hall_of_fame.csv", "fit.json"]
    [back] = sr.read(tmp_path / "hall_of_fame.csv")
    assert [(e.complexity, e.loss) for e in back] == [(e.complexity, e.loss) for e in fronts[0]]
    assert [sympy.simplify(a.expr - b.expr) for a, b in zip(back, fronts[0], strict=True)] == \
        [0] * len(back)
    record = json.loads((tmp_path / "fit.json").read_text())
    assert record["engine"] == "operon" and record["seed"] == 4 and record["fronts"] == ["y"]


@pytest.mark.parametrize("kwargs, message", [
    ({"operators": "+,sinh"}, r"unsupported operator 'sinh'; operators: \+, -"),
    ({"operators": ""}, "no operators given"),
    ({"cost": "luts"}, "unknown cost 'luts'"),
    ({"engine": "gplearn"}, "unknown engine 'gplearn'"),
    ({"time_limit": 0}, "time_limit must be a positive number"),
    ({"generations": 0}, "generations must be an integer >= 1"),
    ({"seed": -1}, "seed must be a non-negative integer"),
    ({"cost": "hardware", "precision": "ap_fixed<4>"}, "precision"),
    ({"cost": "hardware", "family": "virtex2"}, "unknown family 'virtex2'"),
])
def test_bad_arguments_name_the_problem(law, kwargs, message):
    X, y = law
    with pytest.raises(symc.SymcError, match=message):
        symc.fit(X, y, **{**SMALL, **kwargs})


def test_bad_data_names_the_problem(law):
    X, y = law
    bad = X.copy()
    bad[5, 1] = np.nan
    with pytest.raises(symc.SymcError, match="the first at row 5, column 1"):
        symc.fit(bad, y)
    with pytest.raises(symc.SymcError, match="y has 1 NaN or infinite values, the first at row 9"):
        symc.fit(X, np.where(np.arange(len(y)) == 9, np.inf, y))
    with pytest.raises(symc.SymcError, match="one value per sample"):
        symc.fit(X, y[:-1])
    with pytest.raises(symc.SymcError, match="one class only"):
        symc.fit(X, np.zeros(len(y)), classes=True)
    with pytest.raises(symc.SymcError, match="y is constant"):
        symc.fit(X, np.ones(len(y)))
    with pytest.raises(symc.SymcError, match="y must be numeric"):
        symc.fit(X, np.array(["a"] * len(y)))
    with pytest.raises(symc.SymcError, match="not an identifier"):
        symc.fit(X, y, names=["od280/od315", "x1"])


def test_missing_engines_say_what_to_install(law, monkeypatch):
    X, y = law
    monkeypatch.setitem(sys.modules, "pyoperon", None)      # import pyoperon fails
    with pytest.raises(symc.SymcError, match=r"pip install 'symc\[sr\]'"):
        symc.fit(X, y, **SMALL)
    monkeypatch.setitem(sys.modules, "pysr", None)
    with pytest.raises(symc.SymcError, match="engine='pysr' needs PySR and Julia"):
        symc.fit(X, y, engine="pysr", **SMALL)


def _csv(path, X, y, header="x0,x1,y"):
    rows = [header] + [",".join(repr(float(v)) for v in (*r, t)) for r, t in zip(X, y, strict=True)]
    path.write_text("\n".join(rows) + "\n")


def test_cli_fit_writes_fronts_the_explorer_reads(law, tmp_path, capsys):
    X, y = law
    _csv(tmp_path / "data.csv", X, y)
    code = main(["fit", str(tmp_path / "data.csv"), "--target", "y", "--generations", "10",
                 "--population", "100", "--quiet", "-o", str(tmp_path / "out")])
    assert code == 0
    out = capsys.readouterr().out
    assert "next: symc explore" in out
    [front] = sr.read(tmp_path / "out" / "hall_of_fame.csv")
    assert len(front) >= 2 and front.best.loss < 0.1


@pytest.mark.parametrize("argv, message", [
    (["--target", "z"], "--target 'z': .* has no such column"),
    (["--target", "y", "--operators", "+,asin"], "unsupported operator 'asin'"),
    (["--target", "y", "--time-limit", "0"], "time_limit must be a positive number"),
    (["--target", "y", "--classes"], "y holds one class only|classification"),
])
def test_cli_bad_input_exits_2_and_writes_nothing(law, tmp_path, capsys, argv, message):
    X, y = law
    labels = np.zeros(len(y)) if "--classes" in argv else y
    _csv(tmp_path / "data.csv", X, labels)
    code = main(["fit", str(tmp_path / "data.csv"), *argv, "--quiet", "-o",
                 str(tmp_path / "out")])
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("symc: error: ") and "Traceback" not in err
    assert re.search(message, err), err
    assert not (tmp_path / "out").exists()


def test_cli_bad_data_names_file_row_and_column(tmp_path, capsys):
    (tmp_path / "data.csv").write_text("x0,y\n1,2\n3,abc\n")
    assert main(["fit", str(tmp_path / "data.csv"), "--target", "y", "-o",
                 str(tmp_path / "out")]) == 2
    assert "data.csv, row 3, column y: 'abc' is not a number" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
