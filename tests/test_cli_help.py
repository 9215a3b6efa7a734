"""The command lines' help, version, --quiet, and flags that do not apply together."""

from __future__ import annotations

import argparse
import importlib.metadata
import io
import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

import symc
from symc import cli
from symc.toolchain import status
from symc.tools import symc_opt

DOCS = Path(__file__).resolve().parent.parent / "docs"


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_version(capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out.strip() == f"symc {importlib.metadata.version('symc')}"


def test_help_describes_and_gives_examples(capsys):
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    text = capsys.readouterr().out
    assert "symc compiles symbolic expressions" in text
    examples = text.split("examples:", 1)[1]
    assert len(re.findall(r"^  symc \w+", examples, re.MULTILINE)) == 4
    for command in ("compile", "fit", "explore", "demo", "example"):
        assert command in text


def _actions(parser: argparse.ArgumentParser, name: str) -> list[argparse.Action]:
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return sub.choices[name]._actions


@pytest.mark.parametrize("command", ["compile", "example", "demo", "fit"])
def test_every_option_shows_its_default(command):
    parser = cli.build_parser()
    formatter = cli.HelpFormatter("symc")
    for action in _actions(parser, command):
        if not action.option_strings or action.default is argparse.SUPPRESS or action.required:
            continue
        assert "default" in formatter._get_help_string(action), action.option_strings


def test_compile_help_names_report_fmax_and_quiet(capsys):
    with pytest.raises(SystemExit):
        cli.main(["compile", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "--fmax, --no-fmax" in text and "(default: yes for --report ecp5, no for xc7" in text
    assert "-q, --quiet" in text and "(default: ap_fixed<16,6>)" in text


@pytest.mark.parametrize("flags, message", [
    (["--target", "hls", "--report", "xcup"], "--report measures the Verilog design and does "
                                              "not apply to --target hls"),
    (["--fmax"], "--fmax applies to a report: add --report TARGET"),
    (["--no-fmax"], "--no-fmax applies to a report"),
    (["--hls-layout", "hls4ml"], "--hls-layout applies to --target hls only"),
])
def test_flags_that_do_not_apply_are_refused(tmp_path, flags, message):
    out = tmp_path / "out"
    result = subprocess.run([sys.executable, "-m", "symc.cli", "compile", "x0*x1", *flags,
                             "-o", str(out)], capture_output=True, text=True)
    assert result.returncode == cli.EXIT_BAD_INPUT
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("symc: error: ") and message in result.stderr
    assert not out.exists()


def _fake_simulation(design, n, seed):  # noqa: ANN001
    with status.step(f"verilator build of {design.name}"):
        pass


@pytest.mark.parametrize("quiet", [False, True])
def test_quiet_silences_the_status_lines(tmp_path, monkeypatch, capsys, quiet):
    monkeypatch.setattr(cli, "_check_against_rtl", _fake_simulation)
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    argv = ["compile", "x0*x1", "--simulate", "10", "-o", str(tmp_path)]
    assert cli.main(argv + (["--quiet"] if quiet else [])) == 0
    assert ("symc: verilator build of top" in terminal.getvalue()) is not quiet
    assert status.set_quiet(False) is False  # the setting did not outlive the command


def test_no_status_lines_when_stderr_is_not_a_terminal(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(cli, "_check_against_rtl", _fake_simulation)
    assert cli.main(["compile", "x0*x1", "--simulate", "10", "-o", str(tmp_path)]) == 0
    assert "symc:" not in capsys.readouterr().err


@pytest.mark.slow
def test_quiet_with_verilator(tmp_path, monkeypatch, capsys):
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    argv = ["compile", "x0*x1", "--inputs", "x0=-1:1,x1=-1:1", "--simulate", "20"]
    assert cli.main([*argv, "-o", str(tmp_path / "a")]) == 0
    assert re.search(r"symc: verilator build of top [0-9.]+ s", terminal.getvalue())
    terminal.truncate(0)
    terminal.seek(0)
    assert cli.main([*argv, "--quiet", "-o", str(tmp_path / "b")]) == 0
    assert terminal.getvalue() == ""


# --- symc-opt -------------------------------------------------------------------------------


def test_symc_opt_help_lists_symc_passes_only(capsys):
    with pytest.raises(SystemExit):
        symc_opt.main(["--help"])
    text = capsys.readouterr().out
    passes = text.split("symc passes", 1)[1]
    for name in ("sym-canonicalize", "sym-range-analysis", "sym-approximate-lut",
                 "sym-legalize-fixed", "sym-schedule", "convert-sym-to-hw"):
        assert f"\n  {name} " in passes
    assert "entries=1024" in passes and "max_exponent=64" in passes
    for other in ("x86-asm", "riscv-asm", "wgsl", "csl"):
        assert other not in text


def test_symc_opt_version(capsys):
    with pytest.raises(SystemExit):
        symc_opt.main(["--version"])
    assert capsys.readouterr().out.startswith(f"symc-opt {importlib.metadata.version('symc')}")


@pytest.fixture
def sin_ir(tmp_path):
    path = tmp_path / "top.sym.mlir"
    path.write_text(symc.compile("sin(x0)*x1", inputs={"x0": (-3, 3), "x1": (-1, 1)})
                    .mlir("sym"))
    return path


def test_symc_opt_approximates_a_sin(sin_ir, capsys):
    symc_opt.main([str(sin_ir), "-p", "sym-approximate-lut{entries=64}"])
    out = capsys.readouterr().out
    assert 'function = "sin"' in out and "entries = 64" in out and "sym.sin" not in out


def test_the_documented_symc_opt_line_works_on_a_sin(sin_ir, capsys):
    doc = DOCS / "usage.md"
    line = next(line for line in doc.read_text().splitlines() if line.startswith("symc-opt "))
    args = line.split()[1:]
    assert args[0] == "out/top.sym.mlir"
    passes = args[args.index("-p") + 1].strip("'")
    symc_opt.main([str(sin_ir), "-p", passes, "-t", args[args.index("-t") + 1]])
    assert "module top(" in capsys.readouterr().out


def test_the_readme_symc_opt_line_rebuilds_the_compiled_verilog(tmp_path, capsys,
                                                                 monkeypatch):
    """The README's two lines: ``symc compile ... -o out/`` (without its simulation), then
    ``symc-opt`` with the pipeline its JSON records, which prints ``out/top.sv`` again."""
    lines = (DOCS.parent / "README.md").read_text().splitlines()
    compile_line = next(line for line in lines if line.startswith("symc compile "))
    opt_line = next(line for line in lines if line.startswith("symc-opt "))
    monkeypatch.chdir(tmp_path)
    args = shlex.split(compile_line)[1:]
    if "--simulate" in args:
        del args[args.index("--simulate"):args.index("--simulate") + 2]
    assert cli.main(args) == 0
    words = shlex.split(opt_line.split("#")[0])
    assert words[3] == "$(jq -r .pipeline out/top.json)"
    spec = json.loads(Path("out/top.json").read_text())["pipeline"]
    capsys.readouterr()
    symc_opt.main([words[1], "-p", spec, "-t", words[words.index("-t") + 1]])
    assert capsys.readouterr().out.strip() == Path("out/top.sv").read_text().strip()
