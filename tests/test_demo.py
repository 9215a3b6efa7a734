"""symc demo: the whole workflow on the wine data, from a fit to a verified design."""

import json
import re

import pytest

from symc.cli import main

pytest.importorskip("pyoperon")
pytest.importorskip("sklearn")


@pytest.mark.slow
def test_demo_fits_sweeps_chooses_and_verifies(tmp_path, capsys):
    out = tmp_path / "demo"
    assert main(["demo", "-o", str(out), "--quiet"]) == 0
    text = capsys.readouterr().out
    fronts = sorted(p.name for p in (out / "fit").glob("hall_of_fame_class*.csv"))
    assert fronts == ["hall_of_fame_class0.csv", "hall_of_fame_class1.csv",
                      "hall_of_fame_class2.csv"]
    settings = json.loads((out / "fit" / "fit.json").read_text())
    assert settings["cost"] == "hardware" and settings["classes"] == [0, 1, 2]
    chosen = re.search(r"^chosen: .* metric ([0-9.]+), (\d+) LUT, (\d+) cycles$", text,
                       re.MULTILINE)
    assert chosen, text
    accuracy, lut = float(chosen.group(1)), int(chosen.group(2))
    assert lut <= 500
    assert accuracy >= 0.85          # on the 59 held-out wines, in fixed point
    assert re.search(r"^verilator: 59 rows of .*test\.csv, RTL == emulator bit for bit$", text,
                     re.MULTILINE)
    for name in ("index.html", "pareto.png", "results.csv", "best/top.sv"):
        assert (out / "report" / name).is_file(), name
    scaling = json.loads((out / "standardization.json").read_text())
    assert len(scaling["mean"]) == len(scaling["std"]) == 13
