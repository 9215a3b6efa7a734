"""``symc.CompileOptions``: every setting of a compile, in one value.

A compile is a function of three things: the expressions, their inputs, and these options.
Each option is one dataclass field, documented once, validated once (in ``__post_init__``),
and grouped by the part of the flow that reads it:

* ``precision``: the fixed-point formats (``sym-legalize-fixed``);
* ``tables``: lookup tables and user functions (``sym-approximate-lut``, the frontend);
* ``pipeline``: clock, family and pipeline form (``sym-distribute``, ``sym-schedule``).

Options are frozen, hashable and round-trip through JSON (:meth:`CompileOptions.to_json`,
:meth:`CompileOptions.from_json`), so a sweep can key its cache and its result rows on them;
:meth:`CompileOptions.replace` makes a variant. The command line's flags are derived from the
same fields (:func:`add_arguments`, :func:`from_arguments`).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from symc.delays import load as load_delay_model
from symc.fixed import DEFAULT_MAX_ERROR, parse_precision
from symc.frontend.errors import SymcError
from symc.frontend.functions import definitions

GROUPS = ("precision", "tables", "pipeline")
ROMS = ("logic", "block", "auto")
"""Where plain tables live: LUTs, block RAM, or block RAM where that costs no cycle."""


SCHEDULING = ("sym-schedule", "sym-distribute")
"""The passes that schedule (``sym-distribute`` schedules its trial copies)."""


def _option(group: str, default: Any, doc: str, flag: str | None = None,
            metavar: str | None = None, passes: tuple[str, ...] = ()) -> Any:
    """A field of :class:`CompileOptions`: its group, its one line of help, its CLI flag, and
    the passes that take it, as an option of the same name, unchanged
    (:func:`symc.pipeline.pipeline_passes` passes it on)."""
    return field(default=default, metadata={"group": group, "doc": doc, "flag": flag,
                                             "metavar": metavar, "passes": passes})


def _frozen(value: Any, where: str) -> Any:
    """A JSON-like value (numbers, strings, lists, dicts) as nested tuples, hashable."""
    if isinstance(value, bool | int | float | str) or value is None:
        if isinstance(value, float) and not math.isfinite(value):
            raise SymcError(f"{where}: {value} is not a finite number")
        return value
    if isinstance(value, list | tuple):
        return tuple(_frozen(v, where) for v in value)
    if isinstance(value, Mapping):
        if not all(isinstance(k, str) for k in value):
            raise SymcError(f"{where}: keys must be strings")
        return tuple(sorted((k, _frozen(v, f"{where}.{k}")) for k, v in value.items()))
    raise SymcError(f"{where}: settings must be plain numbers, strings and lists, "
                    f"not {type(value).__name__}")


def _thawed(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_thawed(v) for v in value]
    return value


@dataclass(frozen=True)
class CompileOptions:
    """How to compile: precision, tables, pipeline (see the module docstring)."""

    # --- precision (sym-legalize-fixed) ---------------------------------------------------
    precision: str = _option(
        "precision", "ap_fixed<16,6>",
        "ap_fixed<W,I[,QUANT,OVERFLOW]>, ap_ufixed<W,I>, or auto (symc chooses every width)",
        flag="--precision", metavar="TYPE")
    max_error: float | None = _option(
        "precision", None,
        f"auto precision: absolute error budget per output (default {DEFAULT_MAX_ERROR:g})",
        flag="--max-error", metavar="E", passes=("sym-legalize-fixed",))
    frac_bits: int | None = _option(
        "precision", None, "auto precision: this many fractional bits instead of a budget",
        flag="--frac-bits", metavar="F", passes=("sym-legalize-fixed",))
    clamp_inputs: bool = _option(
        "precision", True,
        "auto precision: the hardware clamps each input into its declared range, as predict "
        "does (a comparison and a multiplexer per side); --no-clamp-inputs leaves the ports "
        "unclamped, to be driven within their ranges", flag="--no-clamp-inputs",
        passes=("sym-legalize-fixed",))

    # --- tables and functions (sym-approximate-lut, frontend) -----------------------------
    tables: Any = _option(
        "tables", (),
        'lookup-table settings per function name or "*": entries, domain, indexing '
        '(bits, hls4ml), interpolation (none, linear, bipartite), max_error; '
        'e.g. {"*": {"entries": 256}}',
        flag="--tables", metavar="JSON")
    functions: Any = _option(
        "tables", (),
        "user-defined unary functions, name -> definition in x (PySR's extra_sympy_mappings)",
        flag="--function", metavar="NAME=DEF")
    inline_functions: bool = _option(
        "tables", False, "replace user-function calls by their definitions instead of tables",
        flag="--inline-functions")
    strict: bool = _option(
        "tables", False, "a table domain that clips its argument's range is an error",
        flag="--strict", passes=("sym-approximate-lut", "sym-check-overflow"))
    turns: bool = _option(
        "tables", False,
        "auto precision: compute each periodic function's argument in turns (sin(u) reads "
        "u/2pi modulo 1: no scale product per table, fewer DSP blocks, more shift-adds)",
        flag="--turns", passes=("sym-approximate-lut",))

    # --- pipeline (sym-distribute, sym-schedule) ------------------------------------------
    clock_ns: float | None = _option(
        "pipeline", None, "pipeline to this clock period in ns (default: combinational)",
        flag="--clock-ns", metavar="NS", passes=SCHEDULING)
    family: str = _option(
        "pipeline", "xcup", "delay model: xc7, xcup (UltraScale+) or ecp5",
        flag="--family", metavar="FAMILY", passes=SCHEDULING)
    dsp: bool = _option(
        "pipeline", True,
        "DSP blocks for products; --no-dsp forbids them (shift-add and LUT multipliers)",
        flag="--no-dsp", passes=SCHEDULING)
    dsp_budget: int | None = _option(
        "pipeline", None,
        "DSP blocks the design may take: constant products move from shifts and adds into DSP "
        "blocks while the count stays within N and the latency does not grow",
        flag="--dsp-budget", metavar="N", passes=("sym-schedule",))
    distribute: bool = _option(
        "pipeline", True,
        "with a clock, x*(a + b) becomes x*a + x*b where that saves cycles; "
        "--no-distribute keeps every product as written", flag="--no-distribute")
    roms: str = _option(
        "pipeline", "logic",
        "plain tables in logic, in block RAM, or in block RAM where that costs no time "
        "(block and auto need a clock)", flag="--roms", passes=SCHEDULING)
    input_registers: bool = _option(
        "pipeline", False, "register the inputs (one more cycle)", flag="--input-registers",
        passes=SCHEDULING)
    output_registers: bool = _option(
        "pipeline", False, "register the outputs (one more cycle)",
        flag="--output-registers", passes=SCHEDULING)
    reset: bool = _option(
        "pipeline", False, "synchronous active-high rst for every pipeline register",
        flag="--reset", passes=("sym-schedule",))
    valid: bool = _option(
        "pipeline", False, "carry valid_in through the pipeline to valid_out", flag="--valid",
        passes=("sym-schedule",))

    def __post_init__(self) -> None:
        # Normalize first (so equal options compare and hash equal), then validate.
        object.__setattr__(self, "tables", self._normal_tables(self.tables))
        object.__setattr__(self, "functions", self._normal_functions(self.functions))
        self._check_precision()
        self._check_pipeline()
        for f in fields(self):
            if f.type == "bool" and not isinstance(getattr(self, f.name), bool):
                raise SymcError(f"{f.name} must be True or False, not {getattr(self, f.name)!r}")

    # --- normalization and validation ---------------------------------------------------

    @staticmethod
    def _normal_tables(tables: Any) -> tuple:
        if tables is None or tables == ():
            return ()
        if isinstance(tables, tuple):  # already normal (a replace() or a copy)
            tables = {k: dict(v) for k, v in tables}
        if not isinstance(tables, Mapping) or not all(
            isinstance(k, str) and isinstance(v, Mapping) for k, v in tables.items()
        ):
            raise SymcError("tables must map function names (or '*') to dicts of settings")
        return _frozen(tables, "tables")

    @staticmethod
    def _normal_functions(functions: Any) -> tuple:
        if functions is None or functions == ():
            return ()
        if isinstance(functions, tuple):
            functions = dict(functions)
        if not isinstance(functions, Mapping):
            raise SymcError("functions must map names to definitions (a string or a callable)")
        known = definitions(functions)
        # Definitions kept as text in symc's syntax: callables become what they returned.
        return tuple(sorted((name, known[name]) for name in functions))

    def _check_precision(self) -> None:
        if not isinstance(self.precision, str):
            raise SymcError(f"precision must be a string, not {type(self.precision).__name__}")
        if self.auto:
            if self.max_error is not None and self.frac_bits is not None:
                raise SymcError("give max_error or frac_bits, not both")
        else:
            parse_precision(self.precision)
            if self.max_error is not None or self.frac_bits is not None:
                raise SymcError("max_error and frac_bits apply only to precision='auto'")
            if not self.clamp_inputs:
                raise SymcError("clamp_inputs applies only to precision='auto' (an ap_fixed "
                                "port is its type: nothing to clamp)")
        if self.max_error is not None:
            if isinstance(self.max_error, bool) or not isinstance(self.max_error, int | float):
                raise SymcError(f"max_error must be a number, not {self.max_error!r}")
            if not (math.isfinite(self.max_error) and self.max_error > 0):
                raise SymcError(f"max_error must be a positive number, not {self.max_error}")
            object.__setattr__(self, "max_error", float(self.max_error))
        if self.frac_bits is not None and (isinstance(self.frac_bits, bool)
                                           or not isinstance(self.frac_bits, int)):
            raise SymcError(f"frac_bits must be an integer, not {self.frac_bits!r}")

    def _check_pipeline(self) -> None:
        if not isinstance(self.family, str):
            raise SymcError(f"family must be a string, not {self.family!r}")
        load_delay_model(self.family)  # an unknown family fails here, listing the known ones
        clock = self.clock_ns
        if clock is not None:
            if isinstance(clock, bool) or not isinstance(clock, int | float):
                raise SymcError(f"clock_ns must be a number of nanoseconds, not {clock!r}")
            if not (math.isfinite(clock) and clock > 0):
                raise SymcError(f"clock_ns must be positive, not {clock}")
            object.__setattr__(self, "clock_ns", float(clock))
        elif self.input_registers or self.output_registers or self.reset or self.valid:
            raise SymcError("input_registers, output_registers, reset and valid need a clock_ns")
        budget = self.dsp_budget
        if budget is not None and (isinstance(budget, bool) or not isinstance(budget, int)
                                   or budget < 0):
            raise SymcError(f"dsp_budget must be a number of DSP blocks >= 0, not {budget!r}")
        if self.roms not in ROMS:
            raise SymcError(f"roms must be one of {', '.join(map(repr, ROMS))}, "
                            f"not {self.roms!r}")
        if self.roms != "logic" and clock is None:
            raise SymcError(f"roms={self.roms!r} reads tables on a clock edge: "
                            "it needs a clock_ns")

    # --- reading ----------------------------------------------------------------------------

    def pass_options(self, pass_name: str) -> dict[str, Any]:
        """The fields that ``pass_name`` takes as options of the same name (each field's
        ``passes``), by name."""
        return {f.name: getattr(self, f.name) for f in fields(self)
                if pass_name in f.metadata["passes"]}

    @property
    def auto(self) -> bool:
        """symc chooses the widths (``precision="auto"``)."""
        return self.precision.strip() == "auto"

    @property
    def table_settings(self) -> dict[str, dict[str, Any]]:
        """``tables`` as plain dicts (lists for domains), as ``sym-approximate-lut`` reads them."""
        return {name: {k: _thawed(v) for k, v in settings} for name, settings in self.tables}

    @property
    def function_definitions(self) -> dict[str, str]:
        """``functions`` as name -> definition text (in ``x``)."""
        return dict(self.functions)

    def group(self, name: str) -> dict[str, Any]:
        """The options of one group (``precision``, ``tables``, ``pipeline``) by name."""
        if name not in GROUPS:
            raise SymcError(f"unknown option group {name!r}; groups: {', '.join(GROUPS)}")
        return {f.name: getattr(self, f.name) for f in fields(self)
                if f.metadata["group"] == name}

    def replace(self, **changes: Any) -> CompileOptions:
        """A copy with some fields changed (validated like a new one)."""
        unknown = sorted(set(changes) - {f.name for f in fields(self)})
        if unknown:
            raise SymcError(f"unknown compile option {unknown[0]!r}; options: "
                            f"{', '.join(f.name for f in fields(self))}")
        return dataclasses.replace(self, **changes)

    @classmethod
    def from_keywords(cls, **keywords: Any) -> CompileOptions:
        """Options from ``symc.compile``'s keywords; an unknown one is an error naming it."""
        return cls().replace(**keywords)

    def label(self) -> str:
        """A short human-readable name: the settings that differ from the defaults."""
        default = CompileOptions()
        parts = []
        if self.auto:
            budget = self.max_error if self.max_error is not None else DEFAULT_MAX_ERROR
            detail = (f"frac_bits={self.frac_bits}" if self.frac_bits is not None
                      else f"{budget:g}")
            parts.append(f"auto:{detail}")
        else:
            parts.append(self.precision)
        for f in fields(self):
            if f.name in ("precision", "max_error", "frac_bits"):
                continue
            value = getattr(self, f.name)
            if value != getattr(default, f.name):
                shown = json.dumps(self.to_json()[f.metadata["group"]][f.name],
                                   separators=(",", ":"))
                parts.append(f"{f.name}={shown}")
        return " ".join(parts)

    # --- JSON -------------------------------------------------------------------------------

    def to_json(self) -> dict[str, dict[str, Any]]:
        """The options as JSON, one object per group; :meth:`from_json` reads it back."""
        out: dict[str, dict[str, Any]] = {g: {} for g in GROUPS}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "tables":
                value = self.table_settings
            elif f.name == "functions":
                value = self.function_definitions
            out[f.metadata["group"]][f.name] = value
        return out

    @classmethod
    def from_json(cls, data: Any) -> CompileOptions:
        """Options from :meth:`to_json`'s form (grouped) or a flat object of fields."""
        if not isinstance(data, Mapping):
            raise SymcError("compile options must be a JSON object")
        flat: dict[str, Any] = {}
        for key, value in data.items():
            if key in GROUPS and isinstance(value, Mapping):
                flat.update(value)
            else:
                flat[key] = value
        return cls.from_keywords(**flat)

    def key(self) -> str:
        """Canonical JSON text of the options: equal options, equal keys."""
        return json.dumps(self.to_json(), sort_keys=True, separators=(",", ":"))


# --- the command line -------------------------------------------------------------------------


def add_arguments(parser: argparse.ArgumentParser, groups: tuple[str, ...] = GROUPS,
                  exclude: tuple[str, ...] = ()) -> None:
    """Add one flag per option of ``groups`` (each field's own help and default)."""
    default = CompileOptions()
    # How the help names a default of None that the field's doc does not already name.
    unset = {"frac_bits": "none: the error budget decides", "dsp_budget": "none: no limit"}
    for f in fields(CompileOptions):
        if f.metadata["group"] not in groups or f.name in exclude:
            continue
        flag, doc, metavar = f.metadata["flag"], f.metadata["doc"], f.metadata["metavar"]
        value = getattr(default, f.name)
        if f.name == "functions":
            parser.add_argument(flag, dest=f.name, action="append", metavar=metavar,
                                help=doc + " (repeatable), e.g. sc=sin(x)*cos(x) "
                                     "(default: none)")
        elif f.name == "tables":
            parser.add_argument(flag, dest=f.name, metavar=metavar,
                                help=doc + " (default: {}, every table at its defaults)")
        elif isinstance(value, bool):
            action = "store_false" if value else "store_true"
            # A --no-... flag turns off what is on by default.
            shown = f" (default: {f.name.replace('_', ' ')} on)" if value else " (default: off)"
            parser.add_argument(flag, dest=f.name, action=action, help=doc + shown)
        elif f.name == "roms":
            parser.add_argument(flag, dest=f.name, choices=ROMS, default=value,
                                help=doc + " (default: %(default)s)")
        else:
            kind = {"float | None": float, "int | None": int}.get(str(f.type), str)
            if value is not None:
                shown = " (default: %(default)s)"
            else:
                shown = "" if "default" in doc else f" (default: {unset.get(f.name, 'none')})"
            parser.add_argument(flag, dest=f.name, type=kind, default=value, metavar=metavar,
                                help=doc + shown)


def from_arguments(args: argparse.Namespace, **overrides: Any) -> CompileOptions:
    """The options the flags of :func:`add_arguments` set (fields absent from ``args`` keep
    their defaults; ``overrides`` win)."""
    values: dict[str, Any] = {}
    for f in fields(CompileOptions):
        if not hasattr(args, f.name):
            continue
        value = getattr(args, f.name)
        if f.name == "tables":
            if value is None:
                continue
            try:
                value = json.loads(value)
            except json.JSONDecodeError as exc:
                raise SymcError(f"--tables must be JSON: {exc}") from None
        elif f.name == "functions":
            value = parse_function_flags(value or [])
        values[f.name] = value
    values.update(overrides)
    return CompileOptions.from_keywords(**values)


def parse_function_flags(items: list[str]) -> dict[str, str]:
    """``--function NAME=DEFINITION`` items as a dict."""
    functions: dict[str, str] = {}
    for item in items:
        name, sep, definition = item.partition("=")
        if not sep or not name.strip() or not definition.strip():
            raise SymcError(f"--function {item!r}: expected NAME=DEFINITION, e.g. sc=sin(x)*cos(x)")
        functions[name.strip()] = definition
    return functions


def parse_inputs(text: str) -> list[str] | dict[str, tuple[float, float]]:
    """``x0=-4:4,x1=-1:1`` (ranges) or ``x0,x1`` (names only)."""
    items = [item.strip() for item in text.split(",")]
    if any(not item for item in items):
        raise SymcError(f"--inputs {text!r}: empty item (expected name=lo:hi,...)")
    with_range = ["=" in item for item in items]
    if not any(with_range):
        return items
    if not all(with_range):
        raise SymcError(f"--inputs {text!r}: give a range for every input or for none")
    ranges: dict[str, tuple[float, float]] = {}
    for item in items:
        name, _, bounds = item.partition("=")
        lo_text, sep, hi_text = bounds.partition(":")
        if not sep:
            raise SymcError(f"--inputs item {item!r}: expected name=lo:hi")
        try:
            lo, hi = float(lo_text), float(hi_text)
        except ValueError:
            raise SymcError(f"--inputs item {item!r}: bounds must be numbers") from None
        if name.strip() in ranges:
            raise SymcError(f"duplicate input name {name.strip()!r}")
        ranges[name.strip()] = (lo, hi)
    return ranges
