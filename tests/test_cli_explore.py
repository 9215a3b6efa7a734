"""``symc explore``: a PySR run folder and a data file in, a report and a verified design out."""

import json
from pathlib import Path

import numpy as np
import pytest

from symc.cli import main
from symc.cli_explore import load_table

HOF = '''Complexity,Loss,Equation
1,1.2,0.1f0
3,0.5,"(x0 * x1)"
7,0.01,"((x0 * x1) * 1.5) - (x1 * 0.5)"
'''


@pytest.fixture()
def run(tmp_path):
    folder = tmp_path / "outputs" / "run1"
    folder.mkdir(parents=True)
    (folder / "hall_of_fame.csv").write_text(HOF)
    rng = np.random.default_rng(0)
    X = rng.normal(size=(500, 2))
    y = 1.5 * X[:, 0] * X[:, 1] - 0.5 * X[:, 1]
    data = tmp_path / "data.csv"
    rows = ["x0,x1,y"] + [f"{float(a)!r},{float(b)!r},{float(c)!r}"
                          for (a, b), c in zip(X, y, strict=True)]
    data.write_text("\n".join(rows) + "\n")
    return folder, data


@pytest.mark.slow
def test_run_folder_to_verified_design(run, tmp_path, capsys):
    folder, data = run
    out = tmp_path / "out"
    code = main(["explore", str(folder), "--data", str(data), "--target-column", "y",
                 "--precision", "auto:0.01", "--precision", "ap_fixed<12,4>", "-j", "1",
                 "--quiet", "--verify", "200", "-o", str(out)])
    printed = capsys.readouterr().out
    assert code == 0
    assert "6 points (6 computed, 0 cached), 0 failed" in printed
    assert "RTL == emulator bit for bit" in printed
    for name in ("results.csv", "results.json", "pareto.png", "index.html", "best/top.sv"):
        assert (out / name).is_file(), name
    # A second run reads every row from the cache in the report folder.
    assert main(["explore", str(folder), "--data", str(data), "--target-column", "y",
                 "--precision", "auto:0.01", "--precision", "ap_fixed<12,4>", "-j", "1",
                 "--quiet", "--verify", "0", "-o", str(out)]) == 0
    assert "(0 computed, 6 cached)" in capsys.readouterr().out


def bad_csv(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "bad.csv"
    path.write_text(text)
    return path


@pytest.mark.parametrize("make, message", [
    (lambda t: bad_csv(t, "x0,x1\n1,2\n3,abc\n"), "bad.csv, row 3, column x1: 'abc' is not"),
    (lambda t: bad_csv(t, "x0,x1\n1,2\n3\n"), "bad.csv, row 3: 1 fields, expected 2"),
    (lambda t: bad_csv(t, "x0,x1\n1,inf\n"), "row 2, column x1: 'inf' is not a finite"),
    (lambda t: t / "missing.csv", "no such file"),
    (lambda t: bad_csv(t, ""), "the file is empty"),
])
def test_bad_data_files_exit_2_and_write_nothing(run, tmp_path, capsys, make, message):
    folder, _ = run
    out = tmp_path / "out"
    code = main(["explore", str(folder), "--data", str(make(tmp_path)), "--quiet",
                 "-o", str(out)])
    assert code == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_bad_fronts_exit_2(run, tmp_path, capsys):
    _, data = run
    pickle = tmp_path / "model.pkl"
    pickle.write_bytes(b"\x80\x04K\x01.")
    out = tmp_path / "out"
    assert main(["explore", str(pickle), "--data", str(data), "-o", str(out)]) == 2
    assert "never unpickles" in capsys.readouterr().err
    assert main(["explore", str(tmp_path / "run1"), "--data", str(data), "-o", str(out)]) == 2
    assert main(["explore", str(run[0]), "--data", str(data), "--target-column", "z",
                 "-o", str(out)]) == 2
    assert "has no such column" in capsys.readouterr().err
    assert not out.exists()


def test_npy_is_never_unpickled(tmp_path):
    path = tmp_path / "x.npy"
    np.save(path, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    with pytest.raises(ValueError, match="not a numeric .npy"):
        load_table(str(path))
    np.save(path, np.ones((3, 2)))
    values, header = load_table(str(path))
    assert values.shape == (3, 2) and header is None


def test_ranges_set_what_the_hardware_serves(run, tmp_path, capsys):
    folder, data = run
    out = tmp_path / "out"
    code = main(["explore", str(folder), "--data", str(data), "--target-column", "y",
                 "--ranges", "x0=-8:8", "--precision", "auto:0.05", "-j", "1", "--quiet",
                 "--verify", "0", "-o", str(out)])
    assert code == 0
    inputs = json.loads((out / "best" / "top.json").read_text())["inputs"]
    X = load_table(str(data))[0]
    assert inputs[0]["range"] == [-8.0, 8.0]                           # as given
    assert inputs[1]["range"] == [X[:, 1].min(), X[:, 1].max()]        # from the data
    for bad, message in (("x9=-1:1", "--ranges: x9 is not a column"),
                         ("x0", "expected name=lo:hi")):
        assert main(["explore", str(folder), "--data", str(data), "--target-column", "y",
                     "--ranges", bad, "-o", str(tmp_path / "bad")]) == 2
        assert message in capsys.readouterr().err
        assert not (tmp_path / "bad").exists()
