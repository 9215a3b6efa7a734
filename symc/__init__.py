"""symc: symbolic expressions compiled into bit-exact, verified FPGA hardware.

    import symc
    d = symc.compile("x0*x1 - 0.5*x0**2", inputs={"x0": (-4, 4), "x1": (-1, 1)})
    d.verilog; d.predict(X); d.simulate(X)

    front = symc.sr.read("outputs/<run_id>/")          # a PySR run: one front per output
    study = symc.explore(front, X, y)                   # every equation x a precision grid
    study.table; study.pareto(); study.best(max_lut=1000); study.save("report/")

    fronts = symc.fit(X, y, operators="+,-,*,sin", cost="hardware")   # Operon, offline
"""

import warnings as _warnings

from symc import sr
from symc.compiler import compile
from symc.costs import OperatorCosts, operator_costs
from symc.design import Design, Port
from symc.exploration import Exploration, explore
from symc.fit import fit
from symc.fixed import FixedFormat, Overflow, Precision, Quant, parse_precision
from symc.frontend.errors import ParseError, SymcError, SymcWarning, format_warning
from symc.options import CompileOptions
from symc.toolchain.errors import ToolError

__all__ = [
    "CompileOptions",
    "Design",
    "Exploration",
    "FixedFormat",
    "OperatorCosts",
    "Overflow",
    "ParseError",
    "Port",
    "Precision",
    "Quant",
    "SymcError",
    "SymcWarning",
    "ToolError",
    "compile",
    "explore",
    "fit",
    "operator_costs",
    "parse_precision",
    "sr",
]
__version__ = "0.1.0"

# symc's warnings print as one line each, as the command line prints them.
_warnings.formatwarning = format_warning
