"""symc: symbolic expressions compiled into bit-exact, verified FPGA hardware.

    import symc
    d = symc.compile("x0*x1 - 0.5*x0**2", inputs={"x0": (-4, 4), "x1": (-1, 1)})
    d.verilog; d.predict(X); d.simulate(X)
"""

from symc.compiler import compile
from symc.design import Design, Port
from symc.fixed import FixedFormat, Overflow, Precision, Quant, parse_precision
from symc.frontend.errors import ParseError, SymcError
from symc.toolchain.errors import ToolError

__all__ = [
    "Design",
    "FixedFormat",
    "Overflow",
    "ParseError",
    "Port",
    "Precision",
    "Quant",
    "SymcError",
    "ToolError",
    "compile",
    "parse_precision",
]
__version__ = "0.1.0"
