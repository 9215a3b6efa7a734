"""The pass pipeline is data: ``symc-opt -p "<Design.pipeline>"`` on a design's sym IR gives the
same hw IR and Verilog as ``symc.compile``, for each of the reference designs; the spec reads
back to the same passes, whatever text its options hold."""

from __future__ import annotations

import contextlib
import dataclasses
import io
import json
import warnings

import pytest
from reference_designs import DESIGNS
from xdsl.passes import PassPipeline
from xdsl.utils.exceptions import DiagnosticException

import symc
from symc.cli import main as symc_main
from symc.frontend.errors import PassError
from symc.passes import get_all_passes
from symc.passes.approximate_lut import SymApproximateLutPass
from symc.passes.check_overflow import SymCheckOverflowPass
from symc.passes.legalize_fixed import SymLegalizeFixedPass
from symc.pipeline import pass_spec, pipeline_passes, pipeline_spec, run_pipeline
from symc.tools.symc_opt import main as symc_opt


def _compile(name: str) -> symc.Design:
    exprs, inputs, options = DESIGNS[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the overflow warnings of the wider products
        return symc.compile(exprs, inputs, name=name, **options)


def _symc_opt(path, spec: str, target: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        symc_opt([str(path), "-p", spec, "-t", target])
    return out.getvalue()


@pytest.mark.parametrize("name", sorted(DESIGNS))
def test_symc_opt_reproduces_compile(name, tmp_path):
    design = _compile(name)
    assert design.pipeline is not None and design.pipeline.startswith("sym-canonicalize")
    assert design.summary()["pipeline"] == design.pipeline
    source = tmp_path / f"{name}.sym.mlir"
    source.write_text(design.mlir("sym"))
    assert _symc_opt(source, design.pipeline, "mlir").strip() == design.mlir("hw").strip()
    assert _symc_opt(source, design.pipeline, "verilog").strip() == design.verilog.strip()


def test_the_cli_writes_the_spec_that_rebuilds_its_verilog(tmp_path):
    out = tmp_path / "out"
    assert symc_main(["compile", "sin(x0)*x1 + x0*x1*x2", "--inputs",
                      "x0=-3:3,x1=-1:1,x2=-2:2", "--clock-ns", "2.5", "-o", str(out)]) == 0
    summary = json.loads((out / "top.json").read_text())
    verilog = _symc_opt(out / "top.sym.mlir", summary["pipeline"], "verilog")
    assert verilog.strip() == (out / "top.sv").read_text().strip()


def test_the_spec_records_each_policy_as_a_pass_option():
    options = symc.CompileOptions(precision="auto", max_error=1e-3, clock_ns=5.0,
                                  family="ecp5", tables={"exp": {"entries": 64}})
    spec = pipeline_spec(options)
    names = [p.name for p in pipeline_passes(options)]
    # auto: no overflow check (symc chooses the widths), interpolated tables
    assert "sym-check-overflow" not in names and "interpolation=\"linear\"" in spec
    assert 'tables="{\\"exp\\": {\\"entries\\": 64}}"' in spec
    assert "sym-schedule{clock_ns=5.0 family=\"ecp5\"}" in spec
    # auto without table settings: half the budget for the tables, split by sensitivity
    split = pipeline_passes(symc.CompileOptions(precision="auto", max_error=1e-3))[2]
    assert isinstance(split, SymApproximateLutPass)
    assert split.max_error == 5e-4 and split.split_error
    fixed = pipeline_passes(symc.CompileOptions(strict=True), outputs=["y0 = x0*x1"])
    check = next(p for p in fixed if isinstance(p, SymCheckOverflowPass))
    assert check.strict and check.outputs == ("y0 = x0*x1",)
    undeclared = [p.name for p in pipeline_passes(symc.CompileOptions(),
                                                  ranges_declared=False)]
    assert "sym-check-overflow" not in undeclared
    no_distribute = [p.name for p in pipeline_passes(symc.CompileOptions(distribute=False))]
    assert "sym-distribute" not in no_distribute


@pytest.mark.parametrize("text", ['y0 = max(x0, x1)', 'quote " and \\ backslash',
                                  "new\nline\ttab", "{braces}, [brackets] = <16,6>", ""])
def test_string_options_read_back(text):
    check = SymCheckOverflowPass(outputs=(text, "y1 = x0"))
    spec = pass_spec(check)
    assert PassPipeline.parse_spec(get_all_passes(), spec).passes == (check,)


@pytest.mark.parametrize("value", [1e-05, 2.0**-10, 0.3, 1e20, 5.0])
def test_float_options_read_back(value):
    legalize = SymLegalizeFixedPass(max_error=value)
    assert PassPipeline.parse_spec(get_all_passes(), pass_spec(legalize)).passes == (legalize,)


def test_a_bad_spec_is_a_clear_error():
    module = _compile("poly").fixed_module.clone()
    with pytest.raises(symc.SymcError, match="invalid pass pipeline.*sym-nothing"):
        run_pipeline("sym-nothing", module)


def test_each_forwarded_option_is_a_field_of_its_passes():
    """A compile option named in a pass's ``passes`` is a field of that pass, of the same name
    and default: adding an option is one field here and one in the pass."""
    registry = get_all_passes()
    forwarded = [f for f in dataclasses.fields(symc.CompileOptions) if f.metadata["passes"]]
    assert {f.name for f in forwarded} >= {"clock_ns", "family", "dsp_budget", "max_error"}
    for option in forwarded:
        for name in option.metadata["passes"]:
            pass_fields = {f.name: f for f in dataclasses.fields(registry[name]())}
            assert option.name in pass_fields, f"{name} has no option {option.name}"
            assert pass_fields[option.name].default == option.default, (name, option.name)
    changed = symc.CompileOptions(clock_ns=4.0, dsp_budget=3, valid=True)
    schedule = next(p for p in pipeline_passes(changed) if p.name == "sym-schedule")
    assert (schedule.clock_ns, schedule.dsp_budget, schedule.valid) == (4.0, 3, True)


def test_a_pass_failure_is_a_symc_error_and_an_xdsl_diagnostic():
    with pytest.raises(PassError) as info:
        symc.compile("exp(x0)", inputs={"x0": (-3, 3)}, clock_ns=0.2)
    assert isinstance(info.value, symc.SymcError) and isinstance(info.value,
                                                                 DiagnosticException)
    assert "unreachable" in str(info.value) and not hasattr(info.value, "__notes__")
