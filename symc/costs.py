"""``symc.operator_costs``: what each operator costs at a precision, on a part, at a clock.

Symbolic regression scores a formula by its complexity: PySR adds one number per node
(``complexity_of_operators``, ``complexity_of_constants``, ``complexity_of_variables``), by
default 1 for every operator. For hardware those numbers should be prices: a sum is an adder,
a product a DSP block, ``sin`` a table of a thousand entries. hls4ml's symbolic-regression
configurations give each operator its Vivado HLS latency in cycles; symc prices them with its
own compiler, for the very options the formulas will be compiled with.

How an operator is priced: symc compiles a tiny design of that operator alone (``x0 + x1``,
``x0*x1``, ``x0/x1``, ``x0**2``, ``sin(x0)``, ``name(x0)`` for a user function, ...) with
those options, and a baseline with the same ports and ranges that only passes its inputs
through (``x0`` and ``x1`` as two outputs for a binary operator, ``x0`` for a unary one). The
operator's price is the difference:

* ``lut``, ``ff``, ``dsp``, ``bram``: by symc's calibrated estimate (``measure="model"``,
  :func:`symc.estimate.estimate`, milliseconds) or by yosys (``measure="yosys"``:
  :meth:`symc.Design.report` on the family, seconds per design);
* ``cycles``: the pipeline registers the schedule puts in at ``clock_ns`` (symc's own
  latency: 0 when the operator fits in one clock period with the registers around it);
* ``latency_ns``: the delay model's longest path through the operator, from a combinational
  compile of the same design (clock-independent).

The ports are the precision's: at ``ap_fixed<W,I>`` the inputs take the type's whole range,
as hls4ml's do. In ``auto`` precision (``"auto"``, ``"auto:0.01"``, ``"auto:f12"``) every
input ranges over ``input_range`` (default [-4, 4]: standardized data) and operators are
priced without the input clamps, which are the price of a ``variable`` instead.

Operators defined on part of the range get the part where they are defined and their value
fits the format (override any of them with ``domains={name: (lo, hi)}``; the note of each
operator says what it got):

* ``/`` and ``inv``: the divisor over [1, hi] (a reciprocal table must not contain 0, and a
  quotient of the full dividend by a divisor of at least 1 fits the format);
* ``log`` (and ``log2``, ``log10``, ``log_abs``, ...): [hi/1024, hi], three decades;
* ``sqrt``: [0, hi]; ``log1p``: [0, hi - 1] (where ``x + 1`` fits);
* ``exp``: up to ``ln(max)`` of the format, ``cosh`` and ``sinh`` within ``acosh(max)`` and
  ``asinh(max)``; ``tan``: within ``atan(max)`` (``auto``: within 1.5 rad, short of its pole).

An operator symc refuses with these options (a table too slow for the clock, say) is kept in
the result with the compiler's reason in its ``note`` and ``None`` for what could not be
measured (``latency_ns`` is still given when the combinational design compiles); bad
arguments (an unknown operator, family or measure) are a :class:`SymcError`. Nothing is
cached on disk here (``Design.report`` keeps its own cache of yosys runs).

The leaves: ``variable`` is the price of an input port (``x0`` against a design that outputs
a constant: wires, or the clamp of an ``auto`` input), ``constant`` that of a constant output
(tied bits: nothing). A constant operand makes its operator cheaper (a product by a constant
becomes shifts and adds, or a narrower DSP product), which these additive prices do not see.
"""

from __future__ import annotations

import json
import math
import warnings
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from typing import Any

import sympy

from symc.compiler import compile as compile_design
from symc.delays import FAMILIES, interp_bits
from symc.design import Design
from symc.dialects import sym
from symc.estimate import estimate, load_model
from symc.exploration import precision_options
from symc.fixed import parse_precision
from symc.frontend.errors import SymcError
from symc.frontend.functions import definitions
from symc.frontend.lower import fraction_factors
from symc.frontend.pysr import parse_equation
from symc.options import CompileOptions
from symc.report import model_path_ns
from symc.toolchain import status

MEASURES = ("model", "yosys")

DEFAULT_OPERATORS = ("+", "-", "*", "/", "sin", "cos", "tan", "tanh", "exp", "log", "sqrt",
                     "abs", "square")
"""The operators priced unless told (then the user functions, then the leaves)."""

LEAVES = ("constant", "variable")

BINARY = {"+": "x0 + x1", "-": "x0 - x1", "*": "x0*x1", "/": "x0/x1",
          "min": "min(x0, x1)", "max": "max(x0, x1)"}
"""Binary operators and the design that prices each (PySR's names)."""

UNARY = {"square": "x0**2", **{name: f"{name}(x0)" for name in (
    "sin", "cos", "tan", "tanh", "exp", "log", "sqrt", "abs", "sigmoid", "cube", "neg",
    "inv", "relu", "sqrt_abs", "log_abs", "log1p", "log1p_abs", "log2", "log10", "log2_abs",
    "log10_abs", "cosh", "sinh")}}
"""Unary operators (symc's functions and PySR's operators symc builds) and their designs."""
SCALED = "c*x"
"""A product by a constant (shifts and adds, or a DSP): what Operon's weighted variable
``w * x`` costs. Not a PySR operator (PySR's ``*`` of a constant is a ``*``)."""
SCALED_CONSTANTS = (0.7, -0.3141, 1.618, 0.0583, -2.71)
"""A product by a constant costs what the constant's digits ask (a DSP block, or a few
adders): ``c*x`` is priced at each of these and the median design is its price."""

OPERATORS = (*BINARY, *UNARY, SCALED)

_LOGS = ("log", "log2", "log10", "log_abs", "log2_abs", "log10_abs")
AUTO_RANGE = (-4.0, 4.0)
"""Default input range in ``auto`` precision, which needs one: standardized data."""
CONSTANT = 0.7
"""The constant the ``constant`` leaf outputs (any value that is not a power of two)."""

BY_RESOURCE = ("lut", "ff", "dsp", "bram", "cycles", "ns", "lut_equivalent")
"""What :meth:`OperatorCosts.formula_cost` adds up."""
BY_PYSR = ("cycles", "lut", "ns")
"""What :meth:`OperatorCosts.pysr_complexity` prices by."""


@dataclass(frozen=True)
class OperatorCost:
    """One operator's marginal price (see the module docstring); ``None`` where symc could not
    compile it with the options (``note`` says why)."""

    operator: str
    latency_ns: float | None
    """The delay model's longest path through the operator alone (ns)."""
    cycles: int | None
    """Pipeline registers the schedule puts in at the clock (0: within one period)."""
    lut: int | None
    ff: int | None
    dsp: int | None
    bram: int | None = 0
    note: str = ""
    """What the operator became (a table's size and form), its argument's range when it is not
    the whole input range, the compiler's warnings, or why it could not be priced."""

    @property
    def priced(self) -> bool:
        """Whether symc compiled the operator with the options (its resources are known)."""
        return self.cycles is not None and self.lut is not None

    def lut_equivalent(self, luts_per_dsp: float) -> float | None:
        """LUTs with each DSP block priced at ``luts_per_dsp`` LUTs."""
        if self.lut is None or self.dsp is None:
            return None
        return self.lut + self.dsp * luts_per_dsp

    def value(self, by: str, luts_per_dsp: float) -> float | None:
        """The figure ``by`` (one of :data:`BY_RESOURCE`) of this operator."""
        if by == "lut_equivalent":
            return self.lut_equivalent(luts_per_dsp)
        if by == "ns":
            return self.latency_ns
        return getattr(self, by)


@dataclass(frozen=True)
class OperatorCosts(Mapping[str, OperatorCost]):
    """Every operator's price at one precision, family and clock: a mapping from operator name
    (PySR's names: ``"+"``, ``"*"``, ``"sin"``, ``"square"``, user functions, and the leaves
    ``"constant"`` and ``"variable"``) to its :class:`OperatorCost`, in the order priced."""

    precision: str
    family: str
    clock_ns: float | None
    measure: str
    costs: Mapping[str, OperatorCost]
    options: CompileOptions | None = field(default=None, compare=False)
    """The options the operators were compiled with."""
    luts_per_dsp: float | None = None
    """What a DSP block is worth in LUTs on this family (default: the family's, see
    :func:`family_luts_per_dsp`)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "costs", dict(self.costs))
        if self.luts_per_dsp is None:
            object.__setattr__(self, "luts_per_dsp", family_luts_per_dsp(self.family))

    @property
    def _dsp_rate(self) -> float:
        return self.luts_per_dsp or 0.0

    # --- the mapping ------------------------------------------------------------------------

    def __getitem__(self, name: str) -> OperatorCost:
        try:
            return self.costs[name]
        except KeyError:
            raise KeyError(f"{name!r} was not priced; priced: {', '.join(self.costs)}") \
                from None

    def __iter__(self) -> Iterator[str]:
        return iter(self.costs)

    def __len__(self) -> int:
        return len(self.costs)

    def __contains__(self, name: object) -> bool:
        return name in self.costs

    @property
    def refused(self) -> dict[str, str]:
        """The operators symc could not compile with these options, and why."""
        return {name: c.note for name, c in self.costs.items() if not c.priced}

    def priced(self) -> OperatorCosts:
        """The same costs without the operators symc refused."""
        return OperatorCosts(self.precision, self.family, self.clock_ns, self.measure,
                             {n: c for n, c in self.costs.items() if c.priced}, self.options,
                             self.luts_per_dsp)

    # --- PySR ---------------------------------------------------------------------------------

    def pysr_complexity(self, by: str = "cycles") -> dict[str, int]:
        """PySR's ``complexity_of_operators``: one integer >= 1 per priced operator, by PySR's
        operator name (the leaves are :meth:`complexity_of_leaves`).

        ``by="cycles"``: the clock periods the operator spans alone between registers, its
        pipeline registers plus one (hls4ml's tables count HLS latency cycles the same way:
        an operator that fits in one period is 1). ``by="lut"``: LUTs with each DSP block
        priced at :attr:`luts_per_dsp` LUTs (one number per operator must not make a DSP
        product free), divided by the price of ``+`` (else the cheapest priced operator), so
        that ``+`` is 1. ``by="ns"``: the delay model's latency, divided likewise. Values are
        rounded, at least 1. An operator symc refused is an error naming it (leave it out of
        PySR's operators, or use :meth:`priced`).
        """
        values = self._pysr_values(by, [n for n in self.costs
                                        if n not in LEAVES and n != SCALED])
        return self._integers(by, values)

    def complexity_of_leaves(self, by: str = "cycles") -> tuple[int, int]:
        """PySR's ``(complexity_of_constants, complexity_of_variables)``, priced and scaled as
        :meth:`pysr_complexity`; ``(1, 1)`` for leaves that were not priced. In hardware a
        constant is tied bits and a port wires (in ``auto`` precision: the input's clamp), so
        both are usually 1, PySR's default."""
        names = [n for n in LEAVES if n in self.costs]
        scaled = self._integers(by, self._pysr_values(by, names))
        return scaled.get("constant", 1), scaled.get("variable", 1)

    def _pysr_values(self, by: str, names: Sequence[str]) -> dict[str, float]:
        if by not in BY_PYSR and by != "lut_equivalent":
            raise SymcError(f"unknown complexity measure {by!r}; measures: {', '.join(BY_PYSR)}")
        refused = [n for n in names if not self.costs[n].priced]
        if refused:
            raise SymcError(
                f"no PySR complexity for {', '.join(refused)}: symc refused "
                f"{'it' if len(refused) == 1 else 'them'} with these options "
                f"({self.costs[refused[0]].note}); leave {'it' if len(refused) == 1 else 'them'}"
                " out of PySR's operators, price other options, or use .priced()")
        out: dict[str, float] = {}
        for name in names:
            cost = self.costs[name]
            if by == "cycles":
                out[name] = float(cost.cycles or 0) + 1.0
            elif by == "ns":
                out[name] = cost.latency_ns or 0.0
            else:
                out[name] = cost.lut_equivalent(self._dsp_rate) or 0.0
        return out

    def _integers(self, by: str, values: Mapping[str, float]) -> dict[str, int]:
        scale = 1.0 if by == "cycles" else self._reference(by)
        return {name: max(1, round(v / scale)) for name, v in values.items()}

    def _reference(self, by: str) -> float:
        """The price ``by`` of ``+`` (else of the cheapest priced operator): PySR's unit."""
        def value(c: OperatorCost) -> float:
            v = c.latency_ns if by == "ns" else c.lut_equivalent(self._dsp_rate)
            return v or 0.0
        plus = self.costs.get("+")
        if plus is not None and plus.priced and value(plus) > 0:
            return value(plus)
        positive = [value(c) for n, c in self.costs.items()
                    if n not in LEAVES and c.priced and value(c) > 0]
        return min(positive) if positive else 1.0

    # --- formulas ----------------------------------------------------------------------------

    def formula_cost(self, expr: str | sympy.Expr, by: str = "lut") -> float:
        """An additive estimate of a formula's price: the sum of its operators' prices ``by``
        (``lut``, ``ff``, ``dsp``, ``bram``, ``cycles``, ``ns``, or ``lut_equivalent``: LUTs
        with DSP blocks at :attr:`luts_per_dsp`), each distinct subexpression once (symc
        builds it once), plus each distinct variable and constant at the leaves' prices when
        they were priced. Nodes are counted as symc builds them: a sum of n terms is n - 1
        ``+`` or ``-`` (``-`` for each negated term), ``-x`` is ``-`` (PySR's ``neg`` if
        priced), ``x**2`` is ``square``, ``x**n`` the products of square-and-multiply
        (``x**3``: a square and a ``*``; ``x**4``: two squares), ``x**(1/2)`` is ``sqrt``,
        ``x**-1`` and a division are ``/`` (``1/x`` is ``inv`` if priced), a product by a
        constant is a ``*``.

        An estimate: a real design shares, widens and pipelines what this sum sees apart (at
        ``ap_fixed`` a product of products keeps its full width, as hls4ml's C++ does; a
        product by a constant is often shifts and adds; a few short operators share one clock
        period where ``cycles`` counts each). Compile the formula for its real price.
        """
        if by not in BY_RESOURCE:
            raise SymcError(f"unknown cost measure {by!r}; measures: {', '.join(BY_RESOURCE)}")
        if isinstance(expr, str):
            functions = dict(self.options.function_definitions) if self.options else {}
            parsed = parse_equation(expr, definitions(functions))
        elif isinstance(expr, sympy.Expr):
            parsed = expr
        else:
            raise SymcError(f"expr must be a string or a sympy expression, "
                            f"not {type(expr).__name__}")
        counts: dict[str, int] = {}
        _count(parsed, counts, set(), self.costs)
        total = 0.0
        for name, n in counts.items():
            if name in LEAVES and name not in self.costs:
                continue
            if name not in self.costs:
                raise SymcError(f"{expr!s}: operator {name!r} was not priced; priced: "
                                f"{', '.join(self.costs)} (add it to operators=)")
            value = self.costs[name].value(by, self._dsp_rate)
            if value is None:
                raise SymcError(f"{expr!s}: operator {name!r} has no {by} price: "
                                f"{self.costs[name].note}")
            total += n * value
        return total

    # --- display -----------------------------------------------------------------------------

    def table(self) -> str:
        """A fixed-width text table: one row per operator (``-`` where not measured)."""
        clock = f"{self.clock_ns:g} ns" if self.clock_ns is not None else "combinational"
        head = (f"operator costs: {self.precision}, {self.family}, {clock}, "
                f"measure {self.measure}")
        rows = [("operator", "ns", "cycles", "LUT", "FF", "DSP", "BRAM", "note")]
        for name, c in self.costs.items():
            rows.append((name, _cell(c.latency_ns, ".2f"), _cell(c.cycles), _cell(c.lut),
                         _cell(c.ff), _cell(c.dsp), _cell(c.bram), c.note))
        widths = [max(len(r[i]) for r in rows) for i in range(7)]
        lines = [head]
        for r in rows:
            cells = [r[0].ljust(widths[0])] + [v.rjust(w) for v, w in zip(r[1:7], widths[1:],
                                                                           strict=True)]
            lines.append("  ".join(cells + [r[7]]).rstrip())
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.table()


def _cell(value: float | int | None, spec: str = "") -> str:
    return "-" if value is None else format(value, spec)


# --- counting a formula's nodes ------------------------------------------------------------------

_FUNCTION_NAMES = {"Abs": "abs", "Min": "min", "Max": "max"}


def _count(expr: sympy.Basic, counts: dict[str, int], seen: set[sympy.Basic],
           priced: Collection[str]) -> None:
    """Add the operators of ``expr`` to ``counts`` as symc's frontend lowers them
    (``symc/frontend/lower.py``), each distinct subexpression once; PySR's ``neg`` and
    ``inv`` stand for negations and reciprocals when they are ``priced``."""
    if expr in seen:
        return
    seen.add(expr)
    neg = "neg" if "neg" in priced else "-"

    def add(name: str, n: int = 1) -> None:
        if n > 0:
            counts[name] = counts.get(name, 0) + n

    def count(e: sympy.Basic) -> None:
        _count(e, counts, seen, priced)

    if isinstance(expr, sympy.Symbol):
        add("variable")
    elif not expr.free_symbols:
        add("constant")  # symc folds a constant subexpression (sin(0.5), 1/sqrt(pi)) to one
    elif isinstance(expr, sympy.Add):
        positive = negative = numbers = 0
        for term in expr.args:
            coeff, rest = term.as_coeff_Mul()
            if term.is_Number:
                numbers += 1
                count(term)
            elif coeff.is_Number and coeff < 0:
                negative += 1
                count(-coeff * rest)
            else:
                positive += 1
                count(term)
        # After the first positive term: + for each other one and each number, - for each
        # negated term (the first a negation when no positive term comes before it).
        add("+", max(0, positive - 1) + numbers)
        if positive:
            add("-", negative)
        elif negative:
            add(neg)
            add("-", negative - 1)
    elif isinstance(expr, sympy.Mul):
        coeff, rest = expr.as_coeff_Mul()
        if coeff.is_Number and coeff < 0:
            add(neg)
            count(-coeff * rest)
            return
        numerator, denominator = fraction_factors(expr)
        constants = [f for f in numerator if not f.free_symbols]
        if len(constants) > 1:  # sym-canonicalize folds them into one constant
            numerator = [f for f in numerator if f.free_symbols] + [sympy.Mul(*constants)]
        for factor in numerator + denominator:
            count(factor)
        if not numerator:
            add("inv" if "inv" in priced else "/")
            denominator = denominator[1:]
        add("*", len(numerator) - 1)
        add("/", len(denominator))
    elif isinstance(expr, sympy.Pow):
        base, exponent = expr.args
        if exponent == sympy.Rational(1, 2):
            count(base)
            add("sqrt")
        elif not exponent.is_Integer:
            raise SymcError(f"non-integer power {expr}: symc compiles integer powers and sqrt")
        elif exponent < 0:
            count(base ** (-exponent))
            add("inv" if "inv" in priced else "/")
        else:
            count(base)
            n = int(exponent)
            # Square-and-multiply, as sym-canonicalize builds x**n: the squares x**2, x**4, ...
            # are shared with other powers of x (symc merges equal ops).
            for k in range(1, n.bit_length()):
                square = base ** (2**k)
                if k == n.bit_length() - 1 and square == expr:
                    add("square" if "square" in priced else "*")
                elif square not in seen:
                    seen.add(square)
                    add("square" if "square" in priced else "*")
            add("*", bin(n).count("1") - 1)
    elif isinstance(expr, sympy.Function | sympy.Min | sympy.Max):
        for arg in expr.args:
            count(arg)
        name = _FUNCTION_NAMES.get(type(expr).__name__, type(expr).__name__)
        add(name, max(1, len(expr.args) - 1))
    else:
        raise SymcError(f"cannot price {expr} ({type(expr).__name__})")


# --- pricing -----------------------------------------------------------------------------------


@cache
def family_luts_per_dsp(family: str) -> float:
    """What a DSP block is worth in LUTs on ``family``: the ratio of the two on a typical part
    (xcup: XCVU9P, 1,182,240 LUTs / 6,840 DSP blocks = 172.8), the rate symc's scheduler
    weighs shift-add products against DSP blocks with (the delay model's ``luts_per_dsp``,
    written by ``benchmarks/calibrate_delays.py``)."""
    if family not in FAMILIES:
        raise SymcError(f"unknown family {family!r}; families: {', '.join(FAMILIES)}")
    text = resources.files("symc").joinpath("data", f"delays_{family}.json").read_text()
    return float(json.loads(text).get("luts_per_dsp", 0.0))


def operator_costs(
    precision: str = "ap_fixed<16,6>",
    family: str = "xcup",
    clock_ns: float | None = 5.0,
    measure: str = "model",
    operators: Sequence[str] | None = None,
    functions: Mapping[str, Any] | None = None,
    options: CompileOptions | None = None,
    *,
    input_range: tuple[float, float] | None = None,
    domains: Mapping[str, tuple[float, float]] | None = None,
    progress: bool = False,
) -> OperatorCosts:
    """Price each operator at ``precision`` on ``family`` at ``clock_ns`` (see the module
    docstring).

    ``precision``: ``"ap_fixed<W,I>"`` (or any symc precision), ``"auto"``, ``"auto:0.01"``
    (an error budget) or ``"auto:f12"`` (fractional bits). ``measure``: ``"model"`` (symc's
    estimate, milliseconds; calibrated for xcup only) or ``"yosys"`` (synthesis for the
    family, seconds per operator). ``operators``: names from :data:`OPERATORS`, user
    functions and the leaves (default: :data:`DEFAULT_OPERATORS`, the user functions, then
    ``constant`` and ``variable``). ``functions``: user functions, ``name -> definition in
    x`` (PySR's ``extra_sympy_mappings``), each priced as one table. ``options``: the other
    compile settings (tables, DSP use, ROMs, ...); its precision, family and clock are the
    arguments'. ``input_range``: every input's range (default: the format's whole range at
    ``ap_fixed``, :data:`AUTO_RANGE` in ``auto``). ``domains``: an operator's argument range
    (the divisor's for ``/``), in place of the default rule. ``progress``: a status line per
    operator on a terminal (symc's status lines; nothing is printed otherwise).
    """
    if measure not in MEASURES:
        raise SymcError(f"unknown measure {measure!r}; measures: {', '.join(MEASURES)}")
    if not isinstance(family, str) or family not in FAMILIES:
        raise SymcError(f"unknown family {family!r}; families: {', '.join(FAMILIES)}")
    if measure == "model":
        try:
            load_model(family)
        except SymcError:
            raise SymcError(f"symc has no calibrated LUT/FF estimate for {family!r} (only for "
                            "xcup): use measure='yosys'") from None
    if not isinstance(precision, str):
        raise SymcError(f"precision must be a string, not {type(precision).__name__}")
    if options is not None and not isinstance(options, CompileOptions):
        raise SymcError(f"options must be a symc.CompileOptions, not {type(options).__name__}")
    base = options or CompileOptions()
    if functions:
        if not isinstance(functions, Mapping):
            raise SymcError("functions must map names to definitions (a string or a callable)")
        base = base.replace(functions={**base.function_definitions, **functions})
    opts = precision_options(precision, base.replace(family=family, clock_ns=clock_ns))
    user = list(opts.function_definitions)
    names = _operator_names(operators, user)
    lo, hi, top = _input_range(opts, input_range)
    domains = _domains(domains, names)
    pricer = _Pricer(opts, measure, family, declared=opts.auto or input_range is not None)
    quiet: AbstractContextManager[Any] = status.quiet() if not progress else nullcontext()
    costs: dict[str, OperatorCost] = {}
    with quiet:
        for name in names:
            label = f"operator cost {name} ({measure}, {precision}, {family})"
            step = status.step(label) if progress else nullcontext()
            with step:
                costs[name] = pricer.price(name, lo, hi, top, domains.get(name))
    return OperatorCosts(precision, family, opts.clock_ns, measure, costs, opts)


def _operator_names(operators: Sequence[str] | None, user: list[str]) -> list[str]:
    known = [*OPERATORS, *user, *LEAVES]
    if operators is None:
        return list(dict.fromkeys([*DEFAULT_OPERATORS, *user, *LEAVES]))
    if isinstance(operators, str) or not isinstance(operators, Sequence):
        raise SymcError("operators must be a list of operator names, e.g. ['+', '*', 'sin']")
    if not operators:
        raise SymcError("operators is empty: name at least one operator")
    for name in operators:
        if name not in known:
            raise SymcError(f"unknown operator {name!r}; operators: {', '.join(known)} "
                            "(or a user function given in functions=)")
    return list(dict.fromkeys(operators))


def _input_range(opts: CompileOptions,
                 given: tuple[float, float] | None) -> tuple[float, float, float | None]:
    """The inputs' range, and the largest value the format holds (None in ``auto``)."""
    fmt = None if opts.auto else parse_precision(opts.precision).format
    top = None if fmt is None else fmt.max_value
    if given is None:
        if fmt is None:
            return (*AUTO_RANGE, None)
        return fmt.min_value, fmt.max_value, top
    try:
        lo, hi = (float(v) for v in given)
    except (TypeError, ValueError):
        raise SymcError(f"input_range must be a pair (lo, hi), not {given!r}") from None
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        raise SymcError(f"input_range must be finite with lo < hi, not ({lo}, {hi})")
    return lo, hi, top


def _domains(domains: Mapping[str, Any] | None,
             names: list[str]) -> dict[str, tuple[float, float]]:
    if domains is None:
        return {}
    if not isinstance(domains, Mapping):
        raise SymcError("domains must map operator names to ranges (lo, hi)")
    out = {}
    for name, bounds in domains.items():
        if name not in names or name in LEAVES:
            raise SymcError(f"domains: {name!r} is not an operator being priced; operators: "
                            f"{', '.join(n for n in names if n not in LEAVES)}")
        try:
            lo, hi = (float(v) for v in bounds)
        except (TypeError, ValueError):
            raise SymcError(f"domains[{name!r}] must be a pair (lo, hi), not {bounds!r}") \
                from None
        if not (math.isfinite(lo) and math.isfinite(hi) and lo <= hi):
            raise SymcError(f"domains[{name!r}]: invalid range ({lo}, {hi})")
        out[name] = (lo, hi)
    return out


def argument_range(name: str, lo: float, hi: float,
                   top: float | None) -> tuple[float, float] | None:
    """The default range of operator ``name``'s argument (the divisor of ``/``) when inputs
    range over [lo, hi] and the format's largest value is ``top`` (None in ``auto``): the
    part where it is defined and its value fits (module docstring); None for all of it."""
    limit = math.inf if top is None else top
    if name in ("/", "inv"):
        r: tuple[float, float] = (min(1.0, hi / 2), hi)
    elif name in _LOGS:
        r = (hi / 1024, hi)
    elif name == "sqrt":
        r = (0.0, hi)
    elif name == "log1p":
        r = (0.0, hi - 1)
    elif name == "exp":
        r = (lo, min(hi, math.log(limit)))
    elif name in ("cosh", "sinh"):
        bound = math.acosh(limit) if name == "cosh" else math.asinh(limit)
        r = (max(lo, -bound), min(hi, bound))
    elif name == "tan":
        bound = math.atan(top) if top is not None else 1.5
        r = (max(lo, -bound), min(hi, bound))
    else:
        return None
    return None if r == (lo, hi) else r


@dataclass
class _Pricer:
    """Compiles and measures the designs of one :func:`operator_costs` call (baselines once)."""

    options: CompileOptions
    measure: str
    family: str
    declared: bool
    """Whether every design declares its input ranges (``auto``, or an ``input_range``)."""
    _measured: dict[Any, tuple[Design, dict[str, int], float]] = field(default_factory=dict)

    def price(self, name: str, lo: float, hi: float, top: float | None,
              domain: tuple[float, float] | None, expr: str | None = None) -> OperatorCost:
        """The cost of operator ``name`` (of the design ``expr``, if given)."""
        if name == SCALED and expr is None:
            return self._scaled(lo, hi, top)
        opts = self.options
        if opts.auto and name not in LEAVES:
            opts = opts.replace(clamp_inputs=False)  # the clamps are the variables' price
        if name in LEAVES:
            expr = "x0" if name == "variable" else repr(CONSTANT)
            baseline: Any = "0"
            ranges: list[tuple[float, float] | None] = [None]
        elif name in BINARY:
            expr, baseline = BINARY[name], ["x0", "x1"]
            arg = domain or argument_range(name, lo, hi, top)
            ranges = [None, arg] if name == "/" else [arg, arg]
        else:
            expr = expr or UNARY.get(name, f"{name}(x0)")
            baseline = "x0"
            ranges = [domain or argument_range(name, lo, hi, top)]
        inputs = self._inputs(ranges, lo, hi)
        notes = [] if all(r is None for r in ranges) else [_domain_note(name, ranges)]
        try:
            op_design, op_res, op_ns, caught = self._measure(expr, inputs, opts)
        except SymcError as exc:
            reason = f"refused: {exc}"
        except ArithmeticError as exc:  # a bug in symc: kept as a reason, not raised
            reason = f"symc failed (internal error, {type(exc).__name__}: {exc})"
        else:
            reason = None
        if reason is not None:
            ns = self._path_only(expr, inputs, opts, baseline)
            return OperatorCost(name, ns, None, None, None, None, None,
                                "; ".join([*notes, reason]))
        base_design, base_res, base_ns, _ = self._measure(baseline, inputs, opts)
        notes = [*_tables_note(op_design), *notes, *caught]
        return OperatorCost(
            name, round(op_ns - base_ns, 3), op_design.latency - base_design.latency,
            op_res["lut"] - base_res["lut"], op_res["ff"] - base_res["ff"],
            op_res["dsp"] - base_res["dsp"], op_res["bram"] - base_res["bram"],
            "; ".join(notes))

    def _scaled(self, lo: float, hi: float, top: float | None) -> OperatorCost:
        """``c*x``: the median, by LUT-equivalents, of the products by SCALED_CONSTANTS."""
        rate = family_luts_per_dsp(self.family)
        priced = []
        for c in SCALED_CONSTANTS:
            cost = self.price(SCALED, lo, hi, top, None, expr=f"{c!r}*x0")
            if cost.lut is None or cost.dsp is None:
                return replace(cost, operator=SCALED)
            priced.append((cost.lut + rate * cost.dsp, c, cost))
        _, c, median = sorted(priced)[len(priced) // 2]
        return replace(median, operator=SCALED,
                       note=f"the median of products by {', '.join(map(repr, SCALED_CONSTANTS))}"
                            f" (here {c!r})")

    def _inputs(self, ranges: list[tuple[float, float] | None], lo: float,
                hi: float) -> Any:
        names = [f"x{i}" for i in range(len(ranges))]
        if not self.declared and all(r is None for r in ranges):
            return names  # the format's whole range, as a plain compile takes it
        return {n: r if r is not None else (lo, hi) for n, r in zip(names, ranges, strict=True)}

    def _measure(self, expr: Any, inputs: Any,
                 opts: CompileOptions) -> tuple[Design, dict[str, int], float, list[str]]:
        """The design of ``expr`` at the clock, its resources, its combinational path (ns)
        and the compiler's warnings; baselines are measured once."""
        key = (json.dumps(expr), json.dumps(inputs, sort_keys=True), opts.key())
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            if key in self._measured:
                design, res, ns = self._measured[key]
            else:
                design = compile_design(expr, inputs, options=opts, name="cost")
                combinational = (design if opts.clock_ns is None else
                                 compile_design(expr, inputs, options=_combinational(opts),
                                                name="cost"))
                ns = model_path_ns(combinational, self.family)
                res = self._resources(design)
                self._measured[key] = (design, res, ns)
        # A warning's first clause says what it is; its advice is for formulas, not prices.
        messages = [f"warning: {str(w.message).split(' (')[0].split('; ')[0]}" for w in caught]
        return design, res, ns, list(dict.fromkeys(messages))

    def _path_only(self, expr: Any, inputs: Any, opts: CompileOptions,
                   baseline: Any) -> float | None:
        """The delay model's path through an operator the clock refused (None if even the
        combinational design does not compile)."""
        comb = _combinational(opts)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                op = compile_design(expr, inputs, options=comb, name="cost")
                base = compile_design(baseline, inputs, options=comb, name="cost")
        except (SymcError, ArithmeticError):
            return None
        return round(model_path_ns(op, self.family) - model_path_ns(base, self.family), 3)

    def _resources(self, design: Design) -> dict[str, int]:
        if self.measure == "model":
            r = estimate(design, self.family)
        else:
            r = design.report(self.family, show=False, fmax=False)
        return {k: int(r[k]) for k in ("lut", "ff", "dsp", "bram")}


def _combinational(opts: CompileOptions) -> CompileOptions:
    """The same options without a clock (and what needs one), for the delay model's path."""
    return opts.replace(clock_ns=None, roms="logic", input_registers=False,
                        output_registers=False, reset=False, valid=False)


def _domain_note(name: str, ranges: list[tuple[float, float] | None]) -> str:
    r = next(r for r in ranges if r is not None)
    what = "divisor" if name == "/" else "argument"
    return f"{what} in [{r[0]:.4g}, {r[1]:.4g}]"


def _tables_note(design: Design) -> list[str]:
    """What each table of ``design`` is: function, entries, form."""
    luts = [op for op in design.fixed_module.walk() if isinstance(op, sym.LutOp)]
    notes = []
    for table, op in zip(design.tables, luts, strict=True):
        form = {"period": "over one period", "exp2": "of 2**f over one octave, scaled by 2**k",
                "octave": "of 1/m over the divisor's mantissa, scaled by 2**-p"}.get(
            table["reduction"], f"over [{table['domain'][0]:.4g}, {table['domain'][1]:.4g}]")
        text = f"{table['function']} table of {table['entries']} entries {form}"
        if interp_bits(op):
            text += ", interpolated"
        if table["interpolation"] == "bipartite":
            text += f", bipartite ({table['offsets']} offsets)"
        if table["rom"] == "block":
            text += ", in block RAM"
        notes.append(text)
    return notes
