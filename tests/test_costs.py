"""symc.operator_costs: each operator's marginal price, and what PySR and formulas make of it."""

import pytest
import sympy

import symc
from symc.costs import DEFAULT_OPERATORS, LEAVES, OperatorCost, operator_costs

PYSR_NAMES = {"+", "-", "*", "/", "sin", "cos", "tan", "tanh", "exp", "log", "sqrt", "abs",
              "square", "cube", "neg", "inv", "relu", "cosh", "sinh", "max", "min", "log_abs",
              "sqrt_abs", "log1p", "log2", "log10"}
"""Operator names PySR knows (its ``unary_operators`` / ``binary_operators``)."""


@pytest.fixture(scope="module")
def costs():
    """The default operators at hls4ml's type, 5 ns on UltraScale+, by symc's estimate."""
    return operator_costs("ap_fixed<16,6>", "xcup", 5.0, "model")


@pytest.fixture(scope="module")
def plain_exp():
    """exp as a plain table (no 2**k range reduction), which fits one 5 ns stage."""
    options = symc.CompileOptions(tables={"exp": {"reduction": "none"}})
    return operator_costs(operators=["+", "exp"], options=options)


def test_every_default_operator_is_priced(costs):
    assert list(costs) == [*DEFAULT_OPERATORS, *LEAVES]
    assert len(costs) == len(DEFAULT_OPERATORS) + 2
    for name, cost in costs.items():
        assert isinstance(cost, OperatorCost) and cost.operator == name
        if name in costs.refused:
            continue
        assert cost.priced, name
        for value in (cost.cycles, cost.lut, cost.ff, cost.dsp, cost.bram):
            assert isinstance(value, int) and value >= 0, (name, cost)
        assert cost.latency_ns is not None and cost.latency_ns >= 0
    # exp's exponent table (a 2**f table and a barrel shifter) is slower than a 5 ns stage:
    # it is cut into pieces over several cycles.
    assert set(costs.refused) == set()
    exp = costs["exp"]
    assert exp.priced and exp.cycles >= 2 and exp.latency_ns > 5.0


@pytest.fixture(scope="module")
def fast_costs():
    return operator_costs(clock_ns=2.0, operators=["+", "exp"])


def test_an_operator_no_stage_can_hold_is_refused_with_the_reason(fast_costs):
    # At 2.0 ns a piece of exp's table (the comparator of its power's lower clamp, or of its
    # saturation) is longer than a stage, even with every piece cut apart.
    assert set(fast_costs.refused) == {"exp"}
    exp = fast_costs["exp"]
    assert exp.lut is None and exp.cycles is None
    assert "refused: sym-schedule" in exp.note and "2.0 ns" in exp.note
    assert "cut into pieces" in exp.note
    assert fast_costs["+"].priced


def test_products_take_one_dsp_block_and_sums_luts(costs):
    plus, times = costs["+"], costs["*"]
    assert times.dsp == 1 and times.lut < plus.lut          # 16 x 16 fits one DSP48E2
    assert plus.dsp == 0 and plus.lut >= 8                  # a 16-bit adder
    assert costs["square"].dsp == 1
    assert plus.latency_ns < times.latency_ns < costs["sin"].latency_ns


def test_tables_cost_more_than_a_sum(costs, plain_exp):
    for name in ("sin", "cos", "tanh", "log", "sqrt"):
        assert costs[name].lut > 10 * costs["+"].lut, name
        assert "table of 1024 entries" in costs[name].note
    assert costs["sin"].cycles >= 1 > costs["+"].cycles == costs["*"].cycles
    assert plain_exp["exp"].priced and plain_exp["exp"].lut > plain_exp["+"].lut
    assert "exp table of 1024 entries over" in plain_exp["exp"].note


def test_division_is_a_reciprocal_table_and_a_product(costs):
    div = costs["/"]
    assert "recip table" in div.note and "divisor in [1, 32]" in div.note
    assert div.dsp == costs["*"].dsp
    assert div.lut >= costs["sin"].lut - costs["+"].lut


def test_domains_of_partial_functions(costs):
    assert "argument in [0.03125, 32]" in costs["log"].note
    assert "argument in [0, 32]" in costs["sqrt"].note
    assert "argument in [-1.54, 1.54]" in costs["tan"].note
    narrow = operator_costs(operators=["log"], domains={"log": (1.0, 2.0)})
    assert "argument in [1, 2]" in narrow["log"].note


def test_leaves_are_wires_at_ap_fixed(costs):
    for name in LEAVES:
        c = costs[name]
        assert (c.lut, c.ff, c.dsp, c.cycles, c.latency_ns) == (0, 0, 0, 0, 0.0)


def test_a_tighter_clock_takes_more_cycles():
    fast = operator_costs(clock_ns=2.5, operators=["+", "*"])
    assert fast["+"].cycles == 0
    assert fast["*"].cycles >= 1     # the DSP product is 2.7 ns: its pipeline register


def test_auto_precision_prices_the_input_clamp_as_a_variable():
    c = operator_costs("auto:0.05", operators=["+", "*", "variable"])
    assert c["+"].priced and c["*"].priced
    assert c["variable"].latency_ns > 0        # the clamp of each auto input
    assert c.precision == "auto:0.05" and c.options.max_error == 0.05


def test_user_functions_are_one_table_each():
    c = operator_costs(operators=["sc", "sin", "+"], functions={"sc": "sin(x)*cos(x)"})
    assert "sc table" in c["sc"].note and c["sc"].priced
    assert c.formula_cost("sc(x0) + sin(x1)") == c["sc"].lut + c["sin"].lut + c["+"].lut
    with pytest.raises(symc.SymcError, match="'[+]' was not priced"):
        symc.OperatorCosts(c.precision, c.family, c.clock_ns, c.measure, {"sc": c["sc"]},
                           c.options).formula_cost("sc(x0) + x1")


def test_pysr_complexity(costs, fast_costs):
    with pytest.raises(symc.SymcError, match="exp"):
        fast_costs.pysr_complexity()     # exp was refused: no number to give PySR
    assert "exp" not in fast_costs.priced() and set(fast_costs.priced().refused) == set()
    priced = costs.priced()
    assert set(priced) == set(costs)
    for by in ("cycles", "lut", "ns"):
        complexity = priced.pysr_complexity(by)
        assert set(complexity) == set(DEFAULT_OPERATORS)
        assert set(complexity) <= PYSR_NAMES
        assert all(isinstance(v, int) and v >= 1 for v in complexity.values()), (by, complexity)
        assert complexity["+"] == 1
    cycles = priced.pysr_complexity("cycles")
    assert cycles["sin"] == costs["sin"].cycles + 1 and cycles["*"] == 1
    lut = priced.pysr_complexity("lut")
    assert lut["*"] == round(costs.luts_per_dsp / costs["+"].lut)    # a DSP block is not free
    assert lut["sin"] > lut["*"] > lut["+"]
    assert priced.complexity_of_leaves() == (1, 1)


def test_formula_cost_is_the_sum_of_its_operators(costs):
    c = costs
    expected = c["*"].lut + c["+"].lut + c["sin"].lut + 2 * c["variable"].lut
    assert c.formula_cost("x0*x1 + sin(x0)") == expected
    x0, x1 = sympy.symbols("x0 x1")
    assert c.formula_cost(x0 * x1 + sympy.sin(x0)) == expected
    assert c.formula_cost("x0*x1 + sin(x0)", by="dsp") == 2
    assert c.formula_cost("x0*x1 + sin(x0)", by="cycles") == 1
    ns = c["*"].latency_ns + c["+"].latency_ns + c["sin"].latency_ns
    assert c.formula_cost("x0*x1 + sin(x0)", by="ns") == pytest.approx(ns)
    # Nodes as symc builds them.
    assert c.formula_cost("x0**2", by="dsp") == c["square"].dsp
    assert c.formula_cost("x0**3", by="dsp") == c["square"].dsp + c["*"].dsp
    assert c.formula_cost("-x0", by="lut") == c["-"].lut
    assert c.formula_cost("x0**-1", by="lut") == c["/"].lut
    assert c.formula_cost("x0 - x1 - 0.5", by="lut") == c["-"].lut + c["+"].lut
    # A shared subexpression is built once.
    assert c.formula_cost("sin(x0) + sin(x0)*x1", by="lut") == (
        c["sin"].lut + c["+"].lut + c["*"].lut)


def test_formula_cost_names_what_was_not_priced(costs, fast_costs):
    with pytest.raises(symc.SymcError, match="'max' was not priced"):
        costs.formula_cost("max(x0, x1)")
    with pytest.raises(symc.SymcError, match="'exp' has no lut price"):
        fast_costs.formula_cost("exp(x0)")
    with pytest.raises(symc.SymcError, match="unknown cost measure 'area'"):
        costs.formula_cost("x0 + x1", by="area")


def test_mapping_and_table(costs, fast_costs):
    assert "+" in costs and "erf" not in costs
    with pytest.raises(KeyError, match="erf"):
        costs["erf"]
    text = costs.table()
    lines = text.splitlines()
    assert len(lines) == len(costs) + 2
    assert "ap_fixed<16,6>" in lines[0] and "5 ns" in lines[0] and "model" in lines[0]
    assert lines[1].split()[:7] == ["operator", "ns", "cycles", "LUT", "FF", "DSP", "BRAM"]
    sin_row = next(line for line in lines if line.startswith("sin "))
    assert sin_row.split()[1:4] == [f"{costs['sin'].latency_ns:.2f}", "1",
                                    str(costs["sin"].lut)]
    exp_row = next(line for line in fast_costs.table().splitlines() if line.startswith("exp "))
    assert exp_row.split()[2:7] == ["-"] * 5  # refused: no cycles or resources


@pytest.mark.parametrize("kwargs, names", [
    ({"family": "virtex"}, ["'virtex'", "xcup"]),
    ({"measure": "vivado"}, ["'vivado'", "model", "yosys"]),
    ({"measure": "model", "family": "xc7"}, ["'xc7'", "measure='yosys'"]),
    ({"operators": ["+", "erf"]}, ["'erf'", "sin"]),
    ({"operators": []}, ["operators is empty"]),
    ({"precision": "ap_fixed<16"}, ["ap_fixed<16"]),
    ({"precision": "auto:lots"}, ["auto:lots"]),
    ({"clock_ns": -1.0}, ["clock_ns"]),
    ({"domains": {"erf": (0, 1)}}, ["'erf'"]),
    ({"domains": {"log": (2, 1)}}, ["domains['log']"]),
    ({"input_range": (1, 1)}, ["input_range"]),
])
def test_bad_arguments_name_the_problem(kwargs, names):
    with pytest.raises(symc.SymcError) as info:
        operator_costs(**kwargs)
    for name in names:
        assert name in str(info.value)


def test_bad_complexity_measure(costs):
    with pytest.raises(symc.SymcError, match="unknown complexity measure 'area'"):
        costs.priced().pysr_complexity("area")


@pytest.mark.slow
def test_yosys_agrees_with_the_model_within_a_factor(monkeypatch, tmp_path, costs):
    """yosys's counts against the estimate's for a sum, a product and a table.

    The estimate is a linear model of whole designs fitted to yosys's counts (held-out
    median error about 16%, 90th percentile about 80%: ``symc/data/resources_xcup.json``);
    a table's LUTs depend on its function's values, which the model does not read (a
    1024-entry sin is 213 LUTs in yosys and 325 by the model; a flat tanh far fewer). So the
    bound is a factor of two on LUTs, and the DSP blocks (the delay model's own count) exact.
    """
    monkeypatch.setenv("SYMC_CACHE_DIR", str(tmp_path / "cache"))
    measured = operator_costs(measure="yosys", operators=["+", "*", "sin"])
    assert measured.measure == "yosys"
    for name in ("+", "*", "sin"):
        model, real = costs[name], measured[name]
        assert real.priced, real
        assert real.dsp == model.dsp, name
        assert real.cycles == model.cycles and real.latency_ns == model.latency_ns
        assert model.lut / 2 <= real.lut <= 2 * model.lut or real.lut == model.lut == 0, name


def test_a_product_by_a_constant_is_the_median_of_several():
    # Operon's weighted variable w*x: what a product by a constant costs depends on the
    # constant's digits (a DSP block, or a few adders): the median of five is its price.
    from symc.costs import SCALED, SCALED_CONSTANTS
    from symc.estimate import estimate

    costs = operator_costs(operators=["+", SCALED])
    scaled = costs[SCALED]
    rate = costs.luts_per_dsp
    each = []
    for c in SCALED_CONSTANTS:
        design = symc.compile(f"{c!r}*x0", options=costs.options)
        base = symc.compile("x0", options=costs.options)
        e, b = estimate(design), estimate(base)
        each.append((e["lut"] - b["lut"]) + rate * (e["dsp"] - b["dsp"]))
    assert scaled.lut_equivalent(rate) == sorted(each)[len(each) // 2]
    assert SCALED not in costs.pysr_complexity()    # not one of PySR's operators


def _one_table(interpolation: str, entries: int, **options):
    return symc.compile("sin(x)", inputs={"x": (-4.0, 4.0)}, precision="auto", frac_bits=12,
                        tables={"*": {"entries": entries, "interpolation": interpolation}},
                        **options)


@pytest.mark.parametrize("interpolation, blocks", [("none", 1), ("linear", 2)])
def test_an_interpolating_table_counts_its_product(interpolation, blocks):
    # A periodic table's index is a product by its scale (one block); interpolating, the
    # difference of two entries times the position inside the cell is another.
    from symc.estimate import estimate

    assert estimate(_one_table(interpolation, 64))["dsp"] == blocks
    assert estimate(_one_table(interpolation, 64, dsp=False))["dsp"] == 0


def test_without_dsp_blocks_a_table_counts_its_products_in_luts():
    # dsp=False: the interpolation product is a LUT multiplier of the entries' difference by
    # the position (13 bits), and the index's product by its scale is built by synthesis from
    # one adder per set bit of the scale beyond the first.
    from symc.estimate import features

    with_dsp = features(_one_table("linear", 64))
    assert with_dsp["lut_mul_bits"] == with_dsp["const_mul_bits"] == 0
    design = _one_table("linear", 64, dsp=False)
    counts = features(design)
    (lut,) = (op for op in design.fixed_module.walk() if op.name == "sym.lut")
    spec = lut.spec
    entry_bits = design.tables[0]["entry_bits"]
    assert counts["lut_mul_bits"] == (entry_bits + 1) * (spec.interp_bits + 1)
    width = spec.index_widths(lut.operand.type.format.width)[0]
    assert counts["const_mul_bits"] == (bin(spec.scale_raw).count("1") - 1) * width > 0
    plain = features(_one_table("none", 64, dsp=False))
    assert plain["lut_mul_bits"] == 0 and plain["const_mul_bits"] > 0


def test_the_dsp_budget_counts_interpolation_products():
    # A design whose tables interpolate: the budget holds every block the design builds.
    from symc.estimate import estimate

    exprs = ["sin(x*0.71 + 0.3*y)*y + cos(0.37*x - y)*x", "sin(0.53*x + 0.29*y)*x"]
    ranges = {"x": (-4.0, 4.0), "y": (-4.0, 4.0)}
    free = symc.compile(exprs, inputs=ranges, precision="auto", max_error=0.05, clock_ns=5.0)
    tables = sum(1 for op in free.fixed_module.walk() if op.name == "sym.lut")
    assert tables >= 2
    budget = estimate(free)["dsp"] + 1
    spent = symc.compile(exprs, inputs=ranges, precision="auto", max_error=0.05, clock_ns=5.0,
                         dsp_budget=budget)
    assert estimate(spent)["dsp"] <= budget


@pytest.mark.slow
@pytest.mark.parametrize("interpolation, entries", [("none", 64), ("linear", 16),
                                                     ("linear", 1024)])
def test_the_dsp_count_is_yosys(monkeypatch, tmp_path, interpolation, entries):
    from symc.estimate import estimate

    monkeypatch.setenv("SYMC_CACHE_DIR", str(tmp_path / "cache"))
    design = _one_table(interpolation, entries)
    assert estimate(design)["dsp"] == design.report("xcup", show=False)["dsp"]


@pytest.mark.slow
@pytest.mark.parametrize("interpolation", ["none", "linear"])
def test_without_dsp_blocks_the_estimate_follows_yosys(monkeypatch, tmp_path, interpolation):
    # Products in LUTs are most of such a table (a 64-entry sin: 25 LUTs with its DSP block,
    # about 100 without; interpolated, about 70 and 600): the estimate must see them.
    from symc.estimate import estimate

    monkeypatch.setenv("SYMC_CACHE_DIR", str(tmp_path / "cache"))
    design = _one_table(interpolation, 64, dsp=False)
    real = design.report("xcup", show=False)
    assert real["dsp"] == estimate(design)["dsp"] == 0
    assert real["lut"] / 2 <= estimate(design)["lut"] <= 2 * real["lut"]


TURNS_EXPRS = ["sin(x0 + x1)", "sin(2*x0 - x1)", "sin(0.5*x0 + 2*x1)"]
TURNS_OPTIONS = dict(inputs={"x0": (-4.0, 4.0), "x1": (-4.0, 4.0)}, precision="auto",
                     max_error=0.01, turns=True, clock_ns=5.0)


def test_products_a_power_of_two_apart_are_priced_once():
    # In turns, each argument's x0 and x1 are products by 1/(2*pi)'s digits at the scale of
    # their coefficient (1, 2, 0.5): the same integer product, which synthesis builds once.
    from symc.delays import constant_operand, csd_digits, mul_impl
    from symc.estimate import features

    design = symc.compile(TURNS_EXPRS, **TURNS_OPTIONS)
    singles = [symc.compile([e], **TURNS_OPTIONS) for e in TURNS_EXPRS]
    products = [op for op in design.fixed_module.walk()
                if op.name == "sym.mul" and mul_impl(op) == "shift_add"]
    groups: dict = {}
    for op in products:
        index, raw = constant_operand(op)
        groups.setdefault((op.operands[1 - index], raw // (raw & -raw)), []).append(op)
    assert len(products) == 6 and len(groups) == 2
    repeated = sum((len(csd_digits(raw)) - 1) * op.results[0].type.format.width
                   for ops in groups.values() for op in ops[1:]
                   for raw in [constant_operand(op)[1]])
    assert repeated > 0
    apart = sum(features(s)["add_bits"] for s in singles)
    assert features(design)["add_bits"] == apart - repeated


@pytest.mark.slow
def test_shared_products_follow_yosys(monkeypatch, tmp_path):
    # yosys merges the repeated products: the three-output design is about half the three
    # designs apart (305 against 569 LUTs), and the estimate must see the same ratio.
    from symc.estimate import estimate

    monkeypatch.setenv("SYMC_CACHE_DIR", str(tmp_path / "cache"))
    design = symc.compile(TURNS_EXPRS, **TURNS_OPTIONS)
    singles = [symc.compile([e], **TURNS_OPTIONS) for e in TURNS_EXPRS]
    real = design.report("xcup", show=False)["lut"] / sum(
        s.report("xcup", show=False)["lut"] for s in singles)
    estimated = estimate(design)["lut"] / sum(estimate(s)["lut"] for s in singles)
    assert real < 0.7
    assert abs(estimated - real) < 0.1
