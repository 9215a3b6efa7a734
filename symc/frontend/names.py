"""Port names: validation and deterministic renaming of names that hardware languages reserve.

A port name must be an identifier (``[A-Za-z_][A-Za-z0-9_]*``). Names that are keywords of
(System)Verilog would be renamed by CIRCT behind the user's back (``and`` -> ``and_0``), so symc
renames them itself, deterministically (``and`` -> ``and_``, then ``and__`` if that is taken), and
reports every renaming in the design's summary.
"""

from __future__ import annotations

import re

from symc.frontend.errors import SymcError

IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

# IEEE 1800-2017 Annex B reserved words, plus names symc's RTL uses for itself.
VERILOG_KEYWORDS = frozenset(
    """
    accept_on alias always always_comb always_ff always_latch and assert assign assume automatic
    before begin bind bins binsof bit break buf bufif0 bufif1 byte case casex casez cell chandle
    checker class clocking cmos config const constraint context continue cover covergroup
    coverpoint cross deassign default defparam design disable dist do edge else end endcase
    endchecker endclass endclocking endconfig endfunction endgenerate endgroup endinterface
    endmodule endpackage endprimitive endprogram endproperty endspecify endsequence endtable
    endtask enum event eventually expect export extends extern final first_match for force
    foreach forever fork forkjoin function generate genvar global highz0 highz1 if iff ifnone
    ignore_bins illegal_bins implements implies import incdir include initial inout input inside
    instance int integer interconnect interface intersect join join_any join_none large let
    liblist library local localparam logic longint macromodule matches medium modport module
    nand negedge nettype new nexttime nmos nor noshowcancelled not notif0 notif1 null or output
    package packed parameter pmos posedge primitive priority program property protected pull0
    pull1 pulldown pullup pulsestyle_ondetect pulsestyle_onevent pure rand randc randcase
    randsequence rcmos real realtime ref reg reject_on release repeat restrict return rnmos
    rpmos rtran rtranif0 rtranif1 s_always s_eventually s_nexttime s_until s_until_with scalared
    sequence shortint shortreal showcancelled signed small soft solve specify specparam static
    string strong strong0 strong1 struct super supply0 supply1 sync_accept_on sync_reject_on
    table tagged task this throughout time timeprecision timeunit tran tranif0 tranif1 tri tri0
    tri1 triand trior trireg type typedef union unique unique0 unsigned until until_with untyped
    use uwire var vectored virtual void wait wait_order wand weak weak0 weak1 while wildcard
    wire with within wor xnor xor
    """.split()
)


def check_identifier(name: str, what: str = "input") -> None:
    if not isinstance(name, str) or not IDENTIFIER.match(name):
        raise SymcError(
            f"invalid {what} name {name!r}: names must match [A-Za-z_][A-Za-z0-9_]*"
        )


def port_names(inputs: list[str], n_outputs: int) -> tuple[list[str], list[str], dict[str, str]]:
    """Hardware names for the inputs and for ``n_outputs`` outputs (``y0``, ``y1``, ...).

    Returns ``(input_ports, output_ports, renamed)`` where ``renamed`` maps every user name that
    had to change to its port name. Raises on invalid or duplicate input names.
    """
    seen: set[str] = set()
    for name in inputs:
        check_identifier(name)
        if name in seen:
            raise SymcError(f"duplicate input name {name!r}")
        seen.add(name)
    taken = {n.lower() for n in inputs if n not in VERILOG_KEYWORDS}
    renamed: dict[str, str] = {}
    ports: list[str] = []
    for name in inputs:
        port = name
        if port in VERILOG_KEYWORDS:
            port = name + "_"
            while port.lower() in taken or port in VERILOG_KEYWORDS:
                port += "_"
            renamed[name] = port
        taken.add(port.lower())
        ports.append(port)
    outputs: list[str] = []
    for i in range(n_outputs):
        out = f"y{i}"
        while out.lower() in taken:
            out = "out_" + out
        taken.add(out.lower())
        outputs.append(out)
    return ports, outputs, renamed
