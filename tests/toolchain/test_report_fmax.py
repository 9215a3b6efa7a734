"""Design.report(): Fmax only when asked for (or on ECP5), on the smallest ECP5 that holds the
design, each tool's time, and a warning when the target is not the scheduled family.

The fast tests stand in for yosys and nextpnr (their entry points are replaced, and the
nextpnr one fails the test if it is called); the slow ones run the real tools.
"""

from __future__ import annotations

import pytest

import symc
from symc.report import REPORT_FORMAT, format_report
from symc.toolchain import nextpnr, yosys
from symc.toolchain.yosys import Resources

SIN = "sin(x0)*x1"
RANGES = {"x0": (-3, 3), "x1": (-1, 1)}


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("SYMC_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


class FakeTools:
    """yosys.synthesize and nextpnr.place_and_route_fitted stand-ins that record their calls."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, place: bool) -> None:
        self.synthesized: list[tuple[str, bool]] = []
        self.placed = 0
        self.place = place
        monkeypatch.setattr(yosys, "synthesize", self.synthesize)
        monkeypatch.setattr(nextpnr, "place_and_route_fitted", self.place_and_route_fitted)
        monkeypatch.setattr(nextpnr, "place_and_route",
                            lambda *a, **k: pytest.fail("nextpnr ran outside the fitted call"))

    def synthesize(self, verilog, top, family, dsp=True, netlist=False, label=None):
        self.synthesized.append((family, netlist))
        cells = {"LUT4": 700, "TRELLIS_FF": 80, "MULT18X18D": 2} if family == "ecp5" else {}
        return (Resources(family, 120, 40, 1, 0, 3, 0, cells),
                {"modules": {}} if netlist else None)

    def place_and_route_fitted(self, netlist, cells, freq_mhz=100.0, seed=1):
        if not self.place:
            pytest.fail("nextpnr was run for a report that did not ask for Fmax")
        self.placed += 1
        device = nextpnr.choose_device(cells).name
        return nextpnr.Timing(150.0, 6.667, [{"type": "logic", "delay_ns": 6.667}], {}, device)


def test_report_format_was_bumped():
    assert REPORT_FORMAT >= 4


def test_a_xilinx_report_runs_no_nextpnr_by_default(monkeypatch, capsys):
    tools = FakeTools(monkeypatch, place=False)
    design = symc.compile(SIN, inputs=RANGES, clock_ns=5)
    r = design.report("xcup")
    assert tools.synthesized == [("xcup", False)] and tools.placed == 0
    assert r["fmax_measured"] is False and r["fmax_mhz"] is None
    assert r["ecp5_device"] is None and r["critical_path"] == [] and r["meets_clock"] is None
    assert r["model_stage_ns"] == max(design.schedule.stage_ns)
    assert set(r["seconds"]) == {"yosys"}
    table = capsys.readouterr().out
    assert "not measured (fmax=True or --fmax to place and route on ECP5)" in table
    assert "model stage (xcup)" in table and "tool time" in table and "nextpnr" not in \
        table.split("\n")[0]


def test_fmax_true_places_on_the_smallest_device_and_is_cached_apart(monkeypatch):
    tools = FakeTools(monkeypatch, place=True)
    design = symc.compile(SIN, inputs=RANGES, clock_ns=5)
    without = design.report("xcup", show=False)
    r = design.report("xcup", show=False, fmax=True)
    # The synthesis of the report without Fmax is not run again.
    assert tools.synthesized == [("xcup", False), ("ecp5", True)]
    assert tools.placed == 1 and (r["lut"], r["cells"]) == (without["lut"], without["cells"])
    assert r["fmax_measured"] is True and r["fmax_mhz"] == 150.0 and r["meets_clock"] is False
    assert r["ecp5_device"] == "LFE5U-12F" and "LFE5U-12F" in r["fmax_device"]
    assert set(r["seconds"]) == {"yosys", "yosys_harness", "nextpnr"}
    assert "ECP5 device" in format_report(r) and "150.0 MHz" in format_report(r)
    # Both are cached, apart: asking again runs nothing.
    assert design.report("xcup", show=False) == without
    assert design.report("xcup", show=False, fmax=True) == r
    assert tools.placed == 1 and len(tools.synthesized) == 2


def test_fmax_alone_synthesizes_the_target_too(monkeypatch):
    tools = FakeTools(monkeypatch, place=True)
    design = symc.compile(SIN, inputs=RANGES, clock_ns=5)
    assert design.report("xc7", show=False, fmax=True)["fmax_mhz"] == 150.0
    assert tools.synthesized == [("xc7", False), ("ecp5", True)]


def test_an_ecp5_report_measures_fmax_unless_told_not_to(monkeypatch):
    tools = FakeTools(monkeypatch, place=True)
    design = symc.compile(SIN, inputs=RANGES, clock_ns=12, family="ecp5")
    assert design.report("ecp5", show=False)["fmax_mhz"] == 150.0
    assert tools.placed == 1
    r = design.report("ecp5", show=False, fmax=False)
    assert tools.placed == 1 and r["fmax_mhz"] is None and r["warnings"] == []
    assert "not measured" in format_report(r) and "model stage (ecp5)" in format_report(r)


def test_another_family_than_the_schedule_is_named_in_the_header(monkeypatch):
    FakeTools(monkeypatch, place=False)
    design = symc.compile(SIN, inputs=RANGES, clock_ns=12, family="ecp5")
    r = design.report("xcup", show=False)
    assert r["warnings"] and "scheduled for ecp5" in r["warnings"][0]
    lines = format_report(r).splitlines()
    assert lines[0].startswith("design top on xcup at 12 ns")
    assert lines[1].startswith("  warning: scheduled for ecp5") and "--family xcup" in lines[1]
    # A combinational design has no schedule to disagree with.
    flat = symc.compile(SIN, inputs=RANGES, family="ecp5")
    assert flat.report("xcup", show=False)["warnings"] == []


@pytest.mark.parametrize("cells, device", [
    ({}, "LFE5U-12F"),
    ({"LUT4": 9_000, "TRELLIS_FF": 9_000}, "LFE5U-12F"),
    ({"LUT4": 9_000, "CCU2C": 500}, "LFE5U-25F"),      # a carry cell is two LUT4s
    ({"LUT4": 1_000, "TRELLIS_FF": 20_000}, "LFE5U-45F"),
    ({"MULT18X18D": 28}, "LFE5U-12F"),
    ({"MULT18X18D": 29}, "LFE5U-45F"),                 # the 12k and the 25k have 28 each
    ({"DP16KD": 33}, "LFE5U-25F"),
    ({"DP16KD": 109}, "LFE5U-85F"),
    ({"LUT4": 60_000}, "LFE5U-85F"),
    ({"MULT18X18D": 400}, "LFE5U-85F"),                # fits none: the largest, nextpnr says why
])
def test_the_smallest_device_that_holds_the_cells(cells, device):
    assert nextpnr.choose_device(cells).name == device


def test_placement_moves_up_a_size_when_out_of_room(monkeypatch):
    tried = []

    def place(netlist, freq_mhz=100.0, seed=1, device=nextpnr.LARGEST):
        tried.append(device.name)
        if device.name != "LFE5U-45F":
            raise nextpnr.NoRoom("nextpnr", "place and route failed")
        return nextpnr.Timing(100.0, 10.0, device=device.name)

    monkeypatch.setattr(nextpnr, "place_and_route", place)
    timing = nextpnr.place_and_route_fitted({}, {"LUT4": 1_000})
    assert tried == ["LFE5U-12F", "LFE5U-25F", "LFE5U-45F"] and timing.device == "LFE5U-45F"


def test_out_of_room_is_told_apart_from_other_failures():
    assert nextpnr._out_of_room("ERROR: Unable to place cell 'dut.m', no BELs remaining to "
                                "implement cell type 'MULT18X18D'")
    assert nextpnr._out_of_room("Info: \t          MULT18X18D:      32/     28   114%\n")
    assert not nextpnr._out_of_room("Info: \t          MULT18X18D:      2/     28     7%\n"
                                    "ERROR: IO pin 'x' has no location")


@pytest.mark.slow
def test_real_tools_default_xcup_report_has_no_fmax(monkeypatch):
    monkeypatch.setattr(nextpnr, "place_and_route",
                        lambda *a, **k: pytest.fail("nextpnr ran for a default xcup report"))
    design = symc.compile(SIN, inputs=RANGES, clock_ns=5)
    r = design.report("xcup", show=False)
    assert r["fmax_mhz"] is None and r["lut"] > 0 and r["seconds"]["yosys"] > 0
    assert "nextpnr" not in r["seconds"]


@pytest.mark.slow
def test_real_tools_fmax_on_the_smallest_ecp5():
    design = symc.compile(SIN, inputs=RANGES, clock_ns=5)
    r = design.report("xcup", show=False, fmax=True)
    assert r["fmax_mhz"] > 0 and r["critical_path"]
    assert r["ecp5_device"] == "LFE5U-12F"
    assert r["seconds"]["nextpnr"] > 0 and r["seconds"]["yosys_harness"] > 0
