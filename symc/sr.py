"""Reading symbolic-regression output: PySR halls of fame, fitted regressors, plain lists.

A *front* is what a symbolic-regression run gives for one output: equations from simple and
rough to long and accurate, each with its complexity and loss. :func:`read` turns every form a
user has into a list of :class:`Front` (one per output or class), which ``symc.explore`` sweeps:

* a PySR hall-of-fame CSV (``Complexity,Loss,Equation``, optionally ``Score``; PySR 1.x and
  2.x), a PySR run folder (``outputs/<run_id>/`` with ``hall_of_fame.csv`` or
  ``hall_of_fame_output{i}.csv``), or a list of such files (one front each);
* a fitted ``PySRRegressor`` (read by duck typing, pysr is never imported): ``equations_`` (one
  DataFrame, or a list for several outputs), ``extra_sympy_mappings``, ``feature_names_in_``;
* a pandas DataFrame with those columns, a list of ``(complexity, loss, expression)``, or a
  list of expressions (a front without losses); a list of any of these is several fronts.

Equations are parsed by symc's whitelist parser (never ``eval``; never unpickled), after
Julia's float literals (``1.5f0``, ``2.0f-3``) are rewritten as PySR does. PySR's operators
that are not symc functions (``square``, ``cube``, ``neg``, ``inv``, ``relu``, ``sqrt_abs``,
``log_abs``, ``log1p``, ``log10``, ``cosh``, ...) are rewritten into the arithmetic and the
tables they mean, as PySR's own sympy export reads them; those with no hardware form here
(``sign``, ``greater``, ``cond``, ``mod``, ``asin``, ...) are refused with a message that names
them and says how to give a definition.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sympy

from symc.frontend.errors import SymcError
from symc.frontend.functions import definitions
from symc.frontend.pysr import (  # noqa: F401 - the operator tables are part of symc.sr's API
    PYSR_OPERATORS,
    PYSR_TABLE_FUNCTIONS,
    PYSR_UNSUPPORTED,
    julia_literals,
    parse_equation,
    table_functions,
)

_COLUMNS = {"complexity": "complexity", "loss": "loss", "equation": "equation",
            "score": "score", "sympy_format": "sympy_format"}
_HOF_OUTPUT = re.compile(r"^hall_of_fame_output(\d+)\.csv$")


@dataclass(frozen=True)
class Equation:
    """One equation of a front."""

    text: str
    """As the source wrote it."""
    expr: sympy.Expr = field(compare=False)
    """Parsed, PySR operators rewritten; user functions (``sc``) stay calls."""
    complexity: int | None = None
    loss: float | None = None
    row: int | None = None
    """Where it was read: the CSV line (header = 1) or the row of a DataFrame or list."""


@dataclass(frozen=True)
class Front:
    """The equations a symbolic-regression run found for one output, simplest first."""

    equations: tuple[Equation, ...]
    name: str = "front"
    source: str | None = None
    """The file it was read from, if any."""
    inputs: tuple[str, ...] | None = None
    """Feature names in the model's order (``feature_names_in_``), when the source has them."""
    functions: tuple[tuple[str, str], ...] = ()
    """User functions (PySR's ``extra_sympy_mappings``) by name, defined in ``x``."""

    def __len__(self) -> int:
        return len(self.equations)

    def __iter__(self):  # noqa: ANN204 - an iterator of Equation
        return iter(self.equations)

    def __getitem__(self, i: int) -> Equation:
        return self.equations[i]

    @property
    def best(self) -> Equation:
        """The equation of lowest loss (the last one when there are no losses)."""
        with_loss = [e for e in self.equations if e.loss is not None]
        if not with_loss:
            return self.equations[-1]
        return min(with_loss, key=lambda e: (e.loss, -(e.complexity or 0)))


def used_functions(fronts: Sequence[Front]) -> dict[str, str]:
    """Every user function the fronts call, PySR's table operators (``cosh``) included."""
    found: dict[str, str] = {}
    for front in fronts:
        found.update(front.functions)
        for eq in front.equations:
            found.update(table_functions(eq.expr, found))
    return found


# --- sources --------------------------------------------------------------------------------


def read(source: Any, functions: Mapping[str, Any] | None = None,
         backups: bool = False) -> list[Front]:
    """Every front of ``source`` (see the module docstring), one per output or class.

    ``functions``: user operators (PySR's ``extra_sympy_mappings``: a string in ``x`` or a
    callable), added to any the source carries. ``backups``: read PySR's ``.bak`` copies
    instead of the CSV files of a run folder.
    """
    user = _definitions(functions)
    if isinstance(source, Front):
        return [source]
    if isinstance(source, str | Path):
        return _read_path(Path(source), user, backups)
    if hasattr(source, "equations_"):
        return _read_regressor(source, user)
    if _is_dataframe(source):
        return [_read_frame(source, user, "DataFrame", None, None)]
    if isinstance(source, Sequence) and not isinstance(source, str):
        items = list(source)
        if not items:
            raise SymcError("the front is empty: no equations given")
        if all(_is_front_like(item) for item in items):
            fronts: list[Front] = []
            for i, item in enumerate(items):
                for front in read(item, functions, backups):
                    fronts.append(front if len(items) == 1 or front.name != "front"
                                  else _renamed(front, f"front{i}"))
            return fronts
        return [_read_list(items, user)]
    raise SymcError(f"cannot read a front from a {type(source).__name__}: give a PySR "
                    "hall-of-fame CSV, a run folder, a PySRRegressor, a DataFrame or a list")


def _definitions(functions: Mapping[str, Any] | None) -> dict[str, str]:
    if not functions:
        return {}
    known = definitions(functions)
    return {name: known[name] for name in functions}


def _renamed(front: Front, name: str) -> Front:
    return Front(front.equations, name, front.source, front.inputs, front.functions)


def _is_dataframe(obj: Any) -> bool:
    return hasattr(obj, "columns") and hasattr(obj, "itertuples")


def _is_front_like(item: Any) -> bool:
    if isinstance(item, Front) or _is_dataframe(item) or hasattr(item, "equations_"):
        return True
    if isinstance(item, Path):
        return True
    if isinstance(item, str):
        return item.lower().endswith((".csv", ".bak", ".pkl", ".pickle")) or Path(item).is_dir()
    return isinstance(item, Sequence) and not isinstance(item, str | tuple)


def _read_path(path: Path, user: dict[str, str], backups: bool) -> list[Front]:
    if path.suffix.lower() in (".pkl", ".pickle") or path.name.endswith(".pkl.bak"):
        raise SymcError(
            f"{path}: symc never unpickles a file (a pickle runs code when loaded). Export the "
            "hall of fame instead: PySR writes hall_of_fame.csv in its run folder "
            "(outputs/<run_id>/), or save model.equations_ with "
            "model.equations_[['complexity', 'loss', 'equation']].to_csv('front.csv')")
    if path.is_dir():
        return _read_folder(path, user, backups)
    if not path.is_file():
        raise SymcError(f"{path}: no such file or folder")
    return [_read_csv(path, user)]


def _read_folder(folder: Path, user: dict[str, str], backups: bool) -> list[Front]:
    suffix = ".csv.bak" if backups else ".csv"
    single = folder / f"hall_of_fame{suffix}"
    outputs = sorted(
        ((int(m.group(1)), p) for p in folder.iterdir()
         if (m := _HOF_OUTPUT.match(p.name[: -4] if backups and p.name.endswith(".bak")
                                    else p.name)) and p.name.endswith(suffix)),
    )
    if outputs:
        return [_renamed(_read_csv(p, user), f"output{i}") for i, p in outputs]
    if single.is_file():
        return [_read_csv(single, user)]
    raise SymcError(f"{folder}: no hall_of_fame{suffix} or hall_of_fame_output<i>{suffix} in "
                    "this folder (a PySR run folder is outputs/<run_id>/)")


def _read_csv(path: Path, user: dict[str, str]) -> Front:
    try:
        with path.open(newline="", encoding="utf-8") as f:
            rows = list(csv.reader(f))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise SymcError(f"{path}: cannot read it as CSV: {exc}") from None
    if not rows:
        raise SymcError(f"{path}: the file is empty")
    header = [h.strip() for h in rows[0]]
    columns = _columns(header, str(path))
    equations = []
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise SymcError(f"{path}, row {line}: {len(row)} fields, the header has "
                            f"{len(header)}")
        values = {key: row[i] for key, i in columns.items()}
        equations.append(_equation(values, user, f"{path}, row {line}", line))
    if not equations:
        raise SymcError(f"{path}: the front is empty (a header and no equations)")
    name = path.name.removesuffix(".bak").removesuffix(".csv")
    return Front(tuple(equations), name, str(path), None, tuple(sorted(user.items())))


def _columns(header: Sequence[str], where: str) -> dict[str, int]:
    """Positions of the known columns, by lower-case name; Equation is required."""
    found: dict[str, int] = {}
    for i, name in enumerate(header):
        key = str(name).strip().lower()
        if key in _COLUMNS:
            found[_COLUMNS[key]] = i
    missing = [c for c in ("complexity", "loss", "equation") if c not in found]
    if "equation" in missing:
        raise SymcError(f"{where}: no Equation column (columns: {', '.join(map(str, header))}); "
                        "a PySR hall of fame has Complexity,Loss,Equation")
    if missing:
        raise SymcError(f"{where}: missing column {missing[0].capitalize()!r} "
                        f"(columns: {', '.join(map(str, header))})")
    return found


def _equation(values: Mapping[str, Any], user: dict[str, str], where: str,
              row: int) -> Equation:
    complexity = _number(values.get("complexity"), f"{where}, column Complexity", integer=True)
    loss = _number(values.get("loss"), f"{where}, column Loss")
    text = values["equation"]
    sympy_form = values.get("sympy_format")
    if isinstance(sympy_form, sympy.Expr):
        # An object already (a regressor's sympy_format), not text to parse.
        expr = sympy_form
        text = str(text) if isinstance(text, str) else str(sympy_form)
    else:
        if isinstance(text, sympy.Expr):
            expr, text = text, str(text)
        elif not isinstance(text, str) or not text.strip():
            raise SymcError(f"{where}, column Equation: empty equation")
        else:
            expr = parse_equation(text, user, f"{where}, column Equation")
    return Equation(text.strip(), expr, complexity, loss, row)


def _number(value: Any, where: str, integer: bool = False) -> Any:
    if value is None:
        return None
    if isinstance(value, str):
        value = value.strip()
        if not value:
            return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise SymcError(f"{where}: {value!r} is not a number") from None
    if not math.isfinite(number):
        raise SymcError(f"{where}: {value!r} is not a finite number")
    if integer:
        if number != int(number):
            raise SymcError(f"{where}: {value!r} is not an integer")
        return int(number)
    return number


def _read_frame(frame: Any, user: dict[str, str], where: str, inputs: tuple[str, ...] | None,
                name: str | None) -> Front:
    columns = _columns([str(c) for c in frame.columns], where)
    names = list(frame.columns)
    equations = []
    for i, row in enumerate(frame.itertuples(index=False)):
        values = {key: row[pos] for key, pos in columns.items()}
        equations.append(_equation(values, user, f"{where}, row {i}", i))
    if not equations:
        raise SymcError(f"{where}: the front is empty")
    del names
    return Front(tuple(equations), name or "front", None, inputs, tuple(sorted(user.items())))


def _read_regressor(model: Any, user: dict[str, str]) -> list[Front]:
    mappings = getattr(model, "extra_sympy_mappings", None) or {}
    known = {**_definitions(mappings), **user}
    names = getattr(model, "feature_names_in_", None)
    inputs = tuple(str(n) for n in names) if names is not None else None
    tables = model.equations_
    if tables is None:
        raise SymcError("the regressor has no equations_: fit it first")
    if isinstance(tables, list | tuple):
        return [_read_frame(t, known, f"equations_[{i}]", inputs, f"output{i}")
                for i, t in enumerate(tables)]
    return [_read_frame(tables, known, "equations_", inputs, "output0")]


def _read_list(items: list[Any], user: dict[str, str]) -> Front:
    equations = []
    for i, item in enumerate(items):
        where = f"front item {i}"
        if isinstance(item, tuple):
            if len(item) != 3:
                raise SymcError(f"{where}: expected (complexity, loss, expression), "
                                f"not {len(item)} values")
            values = {"complexity": item[0], "loss": item[1], "equation": item[2]}
        elif isinstance(item, str | sympy.Expr):
            values = {"equation": item}
        else:
            raise SymcError(f"{where}: expected an expression or (complexity, loss, "
                            f"expression), not a {type(item).__name__}")
        equations.append(_equation(values, user, where, i))
    return Front(tuple(equations), "front", None, None, tuple(sorted(user.items())))
