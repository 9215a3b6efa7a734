"""The symc command line: outputs, exit codes, and bad input without tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from symc.cli import main, parse_inputs


def test_compile_writes_design(tmp_path, capsys):
    out = tmp_path / "out"
    code = main(["compile", "x0*x1 - x0**2", "x0 + 1", "--inputs", "x0=-4:4,x1=-1:1",
                 "--precision", "ap_fixed<12,5>", "--name", "poly", "-o", str(out)])
    assert code == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "poly.fixed.mlir", "poly.hw.mlir", "poly.json", "poly.lut.mlir", "poly.sv",
        "poly.sym.mlir"]
    summary = json.loads((out / "poly.json").read_text())
    assert summary["precision"] == "ap_fixed<12,5>"
    assert [p["name"] for p in summary["inputs"]] == ["x0", "x1"]
    assert summary["inputs"][0]["range"] == [-4.0, 4.0]
    assert [p["expression"] for p in summary["outputs"]] == ["x0*x1 - x0**2", "x0 + 1"]
    assert "module poly(" in (out / "poly.sv").read_text()
    assert "wrote" in capsys.readouterr().out


@pytest.mark.slow
def test_compile_auto_with_simulation_and_renaming(tmp_path, capsys):
    out = tmp_path / "out"
    code = main(["compile", "0.5*m*reg**2", "--inputs", "m=1:5,reg=-3:3", "--precision", "auto",
                 "--max-error", "1e-3", "--simulate", "300", "-o", str(out)])
    assert code == 0
    text = capsys.readouterr().out
    assert "RTL == emulator bit for bit" in text
    assert "renamed port 'reg' to 'reg_'" in text
    summary = json.loads((out / "top.json").read_text())
    assert summary["renamed"] == {"reg": "reg_"}
    assert summary["outputs"][0]["error_bound"] <= 1e-3


@pytest.mark.parametrize(
    "args, message",
    [
        (["compile", "x0 +* 2"], "position 4"),
        (["compile", "sinc(x)"], "unknown function 'sinc'"),  # sinh is PySR's: a table
        (["compile", "x + y", "--inputs", "x=0:1"], "undeclared symbol 'y'"),
        (["compile", "x", "--inputs", "x=1:0"], "invalid range for input 'x'"),
        (["compile", "x", "--inputs", "x=a:b"], "bounds must be numbers"),
        (["compile", "x", "--inputs", "x=0:1,y"], "give a range for every input or for none"),
        (["compile", "x", "--inputs", "x,,y"], "empty item"),
        (["compile", "x", "--precision", "ap_fixed<16,6,AP_FOO>"], "unknown quantization mode"),
        (["compile", "x", "--precision", "auto"], "needs input ranges"),
        (["compile", "x**100000"], "too large"),
        (["compile", "__import__('os').system('echo hacked')"], "unknown function '__import__'"),
        (["compile", "x*y", "--clock-ns", "5", "--dsp-budget", "-1"], "dsp_budget must be"),
    ],
)
def test_bad_input_exits_2_and_writes_nothing(tmp_path, capsys, args, message):
    out = tmp_path / "out"
    code = main([*args, "-o", str(out)])
    captured = capsys.readouterr()
    assert code == 2
    assert message in captured.err
    assert captured.err.startswith("symc: error: ")
    assert "Traceback" not in captured.err
    assert "hacked" not in captured.out
    assert not out.exists()


def test_parse_inputs():
    assert parse_inputs("x0=-4:4, x1=-1e-3:2.5") == {"x0": (-4.0, 4.0), "x1": (-0.001, 2.5)}
    assert parse_inputs("b,a") == ["b", "a"]


def test_console_scripts_run(tmp_path):
    """The installed entry points: `symc` (bad input: code 2) and `symc-opt` (registered passes)."""
    bin_dir = __import__("pathlib").Path(sys.executable).parent
    result = subprocess.run([bin_dir / "symc", "compile", "x +", "-o", str(tmp_path / "o")],
                            capture_output=True, text=True)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    result = subprocess.run([bin_dir / "symc-opt", "--help"], capture_output=True, text=True)
    assert result.returncode == 0
    help_text = "".join(result.stdout.split())  # argparse wraps long lines at hyphens
    for name in ("convert-sym-to-hw", "sym-canonicalize", "sym-legalize-fixed",
                 "sym-range-analysis"):
        assert name in help_text


@pytest.mark.slow
def test_example_runs(capsys):
    assert main(["example", "--vectors", "200"]) == 0
    text = capsys.readouterr().out
    assert "RTL == emulator bit for bit" in text
    assert "error bound" in text


def test_tables_and_functions_from_the_command_line(tmp_path, capsys):
    out = tmp_path / "out"
    code = main(["compile", "sc(x0) + sin(x1)", "--function", "sc=sin(x)*cos(x)",
                 "--tables", '{"sin": {"entries": 256, "domain": [-4, 4]}}',
                 "--inputs", "x0=-8:8,x1=-8:8", "-o", str(out)])
    assert code == 0
    err = capsys.readouterr().err
    assert "symc: warning: the sin table covers [-4, 4]" in err and "50.0%" in err
    tables = json.loads((out / "top.json").read_text())["tables"]
    assert [(t["function"], t["entries"]) for t in tables] == [("sc", 1024), ("sin", 256)]
    assert main(["compile", "sin(x)", "--tables", "{bad", "-o", str(out / "x")]) == 2
    assert main(["compile", "f(x)", "--function", "f", "-o", str(out / "y")]) == 2
    assert main(["compile", "sin(x)", "--strict", "--inputs", "x=-8:8",
                 "--tables", '{"sin": {"domain": [-4, 4]}}', "-o", str(out / "z")]) == 2
    assert "50.0% of that range is clamped" in capsys.readouterr().err
