"""CompileOptions: one value per compile, validated once, hashable, JSON round trip."""

import argparse
import json
from dataclasses import fields

import pytest
import sympy

import symc
from symc.options import CompileOptions, add_arguments, from_arguments

VARIANTS = [
    CompileOptions(),
    CompileOptions(precision="auto", max_error=1e-3),
    CompileOptions(precision="auto", frac_bits=9, clock_ns=5, family="ecp5"),
    CompileOptions(precision="ap_fixed<12,4,AP_RND,AP_SAT>", clock_ns=4, roms="auto",
                   dsp_budget=10, reset=True, valid=True, input_registers=True),
    CompileOptions(tables={"*": {"entries": 256, "domain": [-8, 8]}, "sin": {"indexing": "hls4ml"}},
                   functions={"sc": "sin(x)*cos(x)"}, strict=True, dsp=False,
                   distribute=False),
]


@pytest.mark.parametrize("options", VARIANTS, ids=lambda o: o.label())
def test_json_round_trip(options):
    text = json.dumps(options.to_json())
    back = CompileOptions.from_json(json.loads(text))
    assert back == options
    assert hash(back) == hash(options)
    assert back.key() == options.key()


def test_equal_settings_are_equal_options():
    a = CompileOptions(tables={"sin": {"domain": (-4, 4)}, "*": {"entries": 64}})
    b = CompileOptions(tables={"*": {"entries": 64}, "sin": {"domain": [-4, 4]}})
    assert a == b and hash(a) == hash(b)
    assert {a: 1}[b] == 1
    assert a.table_settings == {"*": {"entries": 64}, "sin": {"domain": [-4, 4]}}


def test_callable_functions_become_their_text():
    a = CompileOptions(functions={"sc": lambda x: sympy.sin(x) * sympy.cos(x)})
    b = CompileOptions(functions={"sc": "sin(x)*cos(x)"})
    assert a == b
    assert json.loads(json.dumps(a.to_json()))["tables"]["functions"] == {"sc": "sin(x)*cos(x)"}


def test_grouped_json():
    data = CompileOptions(precision="auto", clock_ns=5).to_json()
    assert set(data) == {"precision", "tables", "pipeline"}
    assert data["precision"]["precision"] == "auto"
    assert data["pipeline"]["clock_ns"] == 5.0
    # A flat object of fields reads too.
    assert CompileOptions.from_json({"precision": "auto", "clock_ns": 5}) == \
        CompileOptions(precision="auto", clock_ns=5.0)


def test_replace_makes_a_validated_variant():
    base = CompileOptions(clock_ns=5)
    assert base.replace(family="ecp5").family == "ecp5"
    assert base.family == "xcup"
    with pytest.raises(symc.SymcError, match="needs a clock_ns"):
        CompileOptions().replace(roms="block")
    with pytest.raises(symc.SymcError, match="unknown compile option 'clock'"):
        base.replace(clock=5)


@pytest.mark.parametrize("kwargs, message", [
    ({"precision": "ap_fixed<16,6>", "max_error": 0.1}, "apply only to precision='auto'"),
    ({"precision": "auto", "max_error": 0.1, "frac_bits": 8}, "not both"),
    ({"precision": "auto", "max_error": -1.0}, "positive"),
    ({"precision": "ap_fixed<0,6>"}, "ap_fixed"),
    ({"precision": 16}, "precision must be a string"),
    ({"clock_ns": 0}, "positive"),
    ({"clock_ns": True}, "number of nanoseconds"),
    ({"family": "virtex2"}, "virtex2"),
    ({"dsp_budget": -1}, "dsp_budget"),
    ({"roms": "bram", "clock_ns": 5}, "roms must be one of"),
    ({"reset": True}, "need a clock_ns"),
    ({"dsp": "yes"}, "True or False"),
    ({"tables": {"sin": 5}}, "tables must map"),
    ({"tables": {"sin": {"entries": object()}}}, "plain numbers"),
    ({"functions": {"f": 3}}, "string or a callable"),
])
def test_invalid_options_name_the_problem(kwargs, message):
    with pytest.raises(symc.SymcError, match=message):
        CompileOptions(**kwargs)
    # symc.compile validates through the same object.
    with pytest.raises(symc.SymcError, match=message):
        symc.compile("x0 + 1", inputs={"x0": (-1, 1)}, **kwargs)


def test_symc_error_is_a_value_error():
    assert issubclass(symc.SymcError, ValueError)


def test_compile_keywords_and_options_build_the_same_design():
    exprs, inputs = "sin(x0)*x1 + 0.25", {"x0": (-2, 2), "x1": (-1, 1)}
    options = CompileOptions(precision="auto", max_error=1e-2, clock_ns=12)
    by_options = symc.compile(exprs, inputs, options=options)
    by_keywords = symc.compile(exprs, inputs, precision="auto", max_error=1e-2, clock_ns=12)
    assert by_options.verilog == by_keywords.verilog
    assert by_options.options == by_keywords.options == options
    # Keywords given with options change them.
    changed = symc.compile(exprs, inputs, options=options, clock_ns=20)
    assert changed.options == options.replace(clock_ns=20.0)
    with pytest.raises(symc.SymcError, match="unknown compile option 'precison'"):
        symc.compile(exprs, inputs, precison="auto")
    with pytest.raises(symc.SymcError, match="must be a symc.CompileOptions"):
        symc.compile(exprs, inputs, options={"precision": "auto"})


def test_every_option_has_a_flag():
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    flags = {a.dest for a in parser._actions}
    assert {f.name for f in fields(CompileOptions)} <= flags
    args = parser.parse_args(["--precision", "auto", "--max-error", "0.01", "--clock-ns", "5",
                              "--no-dsp", "--tables", '{"*": {"entries": 64}}',
                              "--function", "sc=sin(x)*cos(x)", "--roms", "auto"])
    assert from_arguments(args) == CompileOptions(
        precision="auto", max_error=0.01, clock_ns=5, dsp=False, roms="auto",
        tables={"*": {"entries": 64}}, functions={"sc": "sin(x)*cos(x)"})
    assert from_arguments(parser.parse_args([])) == CompileOptions()


def test_label_names_what_differs():
    assert CompileOptions().label() == "ap_fixed<16,6>"
    assert CompileOptions(precision="auto", max_error=0.01, clock_ns=5).label() == \
        "auto:0.01 clock_ns=5.0"
