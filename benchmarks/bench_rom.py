"""How a table becomes logic: a packed-array ROM against a case-statement ROM, by yosys.

``convert-sym-to-hw`` lowers a table to ``hw.array_create`` + ``hw.array_get``. CIRCT can
print it as a packed constant array indexed by the table index (SystemVerilog), or, as symc
asks of it for portable Verilog, as a ``case`` statement. Both are synthesized by yosys
(``synth_xilinx -family xcup`` and ``synth_ecp5``) for the same tables (sin over one period,
as symc builds them), and the LUT counts printed as a table. Run: python benchmarks/bench_rom.py
"""

from __future__ import annotations

import math

from symc.fixed import FixedFormat
from symc.tables import bits_table, round_precision
from symc.toolchain.yosys import synthesize


def array_rom(values: list[int], width: int, bits: int) -> str:
    """A packed constant array (initialized by a concatenation: yosys does not read the
    assignment pattern ``'{...}`` CIRCT writes by default)."""
    items = ", ".join(f"{width}'h{v % (1 << width):X}" for v in reversed(values))
    return (f"module rom(input [{bits - 1}:0] idx, output [{width - 1}:0] y);\n"
            f"  wire [{len(values) - 1}:0][{width - 1}:0] t = {{{items}}};\n"
            f"  assign y = t[idx];\nendmodule\n")


def case_rom(values: list[int], width: int, bits: int) -> str:
    lines = [f"module rom(input [{bits - 1}:0] idx, output reg [{width - 1}:0] y);",
             "  always @* begin", "    case (idx)"]
    lines += [f"      {i}: y = {width}'h{v % (1 << width):X};" for i, v in enumerate(values)]
    lines += [f"      default: y = {width}'h0;", "    endcase", "  end", "endmodule", ""]
    return "\n".join(lines)


def main() -> None:
    print("| table | form | xcup LUT | ecp5 LUT4 |")
    print("|---|---|---|---|")
    for entries, width in ((256, 16), (1024, 16), (1024, 18)):
        fmt = FixedFormat(width, 2)
        table = bits_table("sin", math.sin, FixedFormat(16, 6), round_precision(fmt), entries,
                           0.0, 0, period=2 * math.pi)
        bits = entries.bit_length() - 1
        for form, text in (("packed array", array_rom(list(table.values), width, bits)),
                           ("case", case_rom(list(table.values), width, bits))):
            xcup, _ = synthesize(text, "rom", "xcup")
            ecp5, _ = synthesize(text, "rom", "ecp5")
            print(f"| sin {entries}x{width} | {form} | {xcup.lut} | {ecp5.lut} |")


if __name__ == "__main__":
    main()
