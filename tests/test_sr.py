"""symc.sr: PySR halls of fame, run folders, regressors and lists become fronts."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import sympy

import symc
from symc import sr

SHARED = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "jet_tagging_pysr"
x0, x1 = sympy.symbols("x0 x1")

HOF = '''Complexity,Loss,Score,Equation
1,0.5,0.0,0.25f0
3,0.25,0.3,"(x0 * 1.5f0)"
5,0.125,0.2,"max(x0, x1) - 2.0f-3"
'''


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_hall_of_fame_csv(tmp_path):
    (front,) = sr.read(write(tmp_path / "hall_of_fame.csv", HOF))
    assert front.name == "hall_of_fame"
    assert [e.complexity for e in front] == [1, 3, 5]
    assert [e.loss for e in front] == [0.5, 0.25, 0.125]
    assert [e.row for e in front] == [2, 3, 4]
    assert front[1].text == "(x0 * 1.5f0)"
    assert front[1].expr == 1.5 * x0
    assert front[2].expr == sympy.Max(x0, x1) - sympy.Float(2.0e-3)
    assert front.best is front[2]


def test_every_field_quoted_and_no_score(tmp_path):
    import csv

    path = tmp_path / "h.csv"
    with path.open("w", newline="") as f:
        writer = csv.writer(f, quoting=csv.QUOTE_ALL)
        writer.writerows([["Complexity", "Loss", "Equation"], [2, 1.0, "x0 + 1"],
                          [4, 0.5, "min(sin(x0), 1.5e-1)"]])
    assert '"min(sin(x0), 1.5e-1)"' in path.read_text()
    (front,) = sr.read(path)
    assert front[1].expr == sympy.Min(sympy.sin(x0), sympy.Float(0.15))
    assert front[0].complexity == 2


def test_run_folder_with_outputs_and_backups(tmp_path):
    run = tmp_path / "outputs" / "20261201_abc"
    write(run / "hall_of_fame_output0.csv", HOF)
    write(run / "hall_of_fame_output1.csv", HOF.replace("0.25f0", "0.75"))
    write(run / "hall_of_fame_output0.csv.bak", HOF.replace("0.25f0", "9.0"))
    write(run / "hall_of_fame_output1.csv.bak", HOF.replace("0.25f0", "8.0"))
    fronts = sr.read(run)
    assert [f.name for f in fronts] == ["output0", "output1"]
    assert [f[0].expr for f in fronts] == [0.25, 0.75]
    backups = sr.read(run, backups=True)
    assert [f[0].expr for f in backups] == [9.0, 8.0]
    single = tmp_path / "single"
    write(single / "hall_of_fame.csv", HOF)
    assert len(sr.read(single)) == 1


def test_list_of_files_is_one_front_each(tmp_path):
    a = write(tmp_path / "a.csv", HOF)
    b = write(tmp_path / "b.csv", HOF)
    assert [f.name for f in sr.read([str(a), b])] == ["a", "b"]


def test_lists_and_dataframes():
    (f,) = sr.read([(1, 2.0, "x0"), (3, 1.0, "x0*x1")])
    assert [e.complexity for e in f] == [1, 3] and f.best.expr == x0 * x1
    (g,) = sr.read(["x0", "square(x1)"])
    assert g[1].expr == x1**2 and g[0].loss is None
    assert g.best is g[1]  # no losses: the last (longest) one
    frame = pd.DataFrame({"complexity": [1, 2], "loss": [1.0, 0.5], "equation": ["x0", "neg(x0)"]})
    (h,) = sr.read(frame)
    assert h[1].expr == -x0
    fronts = sr.read([["x0", "x1"], ["x0*x1"]])
    assert [len(fr) for fr in fronts] == [2, 1]


class FakeRegressor:
    """What symc reads of a fitted PySRRegressor (pysr is never imported)."""

    def __init__(self, tables):
        self.equations_ = tables
        self.extra_sympy_mappings = {"sc": lambda x: sympy.sin(x) * sympy.cos(x)}
        self.feature_names_in_ = np.array(["b", "a"])
        self.nout_ = len(tables) if isinstance(tables, list) else 1


def test_pysr_regressor_by_duck_typing():
    table = pd.DataFrame({"complexity": [1, 4], "loss": [1.0, 0.1], "score": [0.0, 0.7],
                          "equation": ["a", "sc(a*b)"],
                          "sympy_format": [sympy.Symbol("a"), "not used: an object wins"]})
    (front,) = sr.read(FakeRegressor(table))
    assert front.inputs == ("b", "a")
    assert dict(front.functions) == {"sc": "sin(x)*cos(x)"}
    assert str(front[1].expr) == "sc(a*b)"
    fronts = sr.read(FakeRegressor([table, table]))
    assert [f.name for f in fronts] == ["output0", "output1"]


@pytest.mark.parametrize("text, expected", [
    ("square(x0)", x0**2),
    ("cube(x0)", x0**3),
    ("neg(x0)", -x0),
    ("inv(x0)", 1 / x0),
    ("relu(x0)", sympy.Max(x0, 0)),
    ("sqrt_abs(x0)", sympy.sqrt(sympy.Abs(x0))),
    ("log_abs(x0)", sympy.log(sympy.Abs(x0))),
    ("log1p(x0)", sympy.log(x0 + 1)),
    ("plus(x0, mult(x1, 2))", x0 + 2 * x1),
    ("div(sub(x0, x1), 2)", (x0 - x1) / 2),
    ("x0^2", x0**2),
])
def test_pysr_operators_mean_what_pysr_says(text, expected):
    assert sympy.simplify(sr.parse_equation(text) - expected) == 0


@pytest.mark.parametrize("op", ["sign", "greater", "cond", "mod", "asin", "logical_or"])
def test_operators_without_hardware_are_refused_by_name(op):
    text = f"{op}(x0, x1)" if sr.PYSR_UNSUPPORTED[op] == 2 else f"{op}(x0)"
    with pytest.raises(symc.SymcError, match=f"operator '{op}'"):
        sr.read([text])


def test_a_user_definition_wins_over_a_refusal():
    (front,) = sr.read(["sign(x0)"], functions={"sign": "x/sqrt(x*x + 1e-6)"})
    assert str(front[0].expr) == "sign(x0)"


def test_pickles_are_refused(tmp_path):
    path = write(tmp_path / "model.pkl", "not even a pickle")
    with pytest.raises(symc.SymcError, match="never unpickles.*hall_of_fame.csv"):
        sr.read(path)


@pytest.mark.parametrize("text, message", [
    ("Complexity,Loss\n1,0.5\n", "no Equation column"),
    ("Complexity,Equation\n1,x0\n", "missing column 'Loss'"),
    ("Complexity,Loss,Equation\none,0.5,x0\n", r"row 2, column Complexity: 'one' is not a number"),
    ("Complexity,Loss,Equation\n1,0.5,x0\n2,nan,x0\n", "row 3, column Loss.*not a finite"),
    ("Complexity,Loss,Equation\n1,0.5,x0 +* 1\n", r"row 2, column Equation: .*position"),
    ("Complexity,Loss,Equation\n1,0.5,f(x0)\n", r"unknown function 'f'.*--function"),
    ("Complexity,Loss,Equation\n", "the front is empty"),
    ("Complexity,Loss,Equation\n1,0.5\n", "row 2: 2 fields"),
    ("", "the file is empty"),
])
def test_bad_csv_names_file_row_and_column(tmp_path, text, message):
    path = write(tmp_path / "bad.csv", text)
    with pytest.raises(symc.SymcError, match=message) as info:
        sr.read(path)
    assert "bad.csv" in str(info.value)


def test_missing_paths_and_empty_lists(tmp_path):
    with pytest.raises(symc.SymcError, match="no such file"):
        sr.read(tmp_path / "nope.csv")
    with pytest.raises(symc.SymcError, match="no hall_of_fame.csv"):
        sr.read(tmp_path)
    with pytest.raises(symc.SymcError, match="empty"):
        sr.read([])


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/benchmarks is absent")
def test_jet_tagging_hall_of_fame():
    files = sorted(SHARED.glob("hall_of_fame_class*.csv"))
    fronts = sr.read(files, functions={"sc": "sin(x)*cos(x)"})
    assert len(fronts) == 5
    assert sum(len(f) for f in fronts) == 112
    assert all(f.best.loss == min(e.loss for e in f) for f in fronts)
    with pytest.raises(symc.SymcError, match="unknown function 'sc'"):
        sr.read(files)
