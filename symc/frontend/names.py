"""Port names: validation and deterministic renaming of names that hardware languages reserve.

A port name must be an identifier (``[A-Za-z_][A-Za-z0-9_]*``). Names that are keywords of
(System)Verilog would be renamed by CIRCT behind the user's back (``and`` -> ``and_0``), so symc
renames them itself, deterministically (``and`` -> ``and_``, then ``and__`` if that is taken), and
reports every renaming in the design's summary. The same ports appear in the HLS C++ backend,
so C++ keywords and the names the HLS C++ relies on (``ap_fixed``, ``AP_TRN``, ...) are renamed
the same way: one set of port names, valid in both languages.
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


# C++20 keywords and alternative tokens (ISO/IEC 14882:2020, [lex.key] and [lex.digraph]).
CPP_KEYWORDS = frozenset(
    """
    alignas alignof and and_eq asm auto bitand bitor bool break case catch char char8_t
    char16_t char32_t class compl concept const consteval constexpr constinit const_cast
    continue co_await co_return co_yield decltype default delete do double dynamic_cast else
    enum explicit export extern false float for friend goto if inline int long mutable
    namespace new noexcept not not_eq nullptr operator or or_eq private protected public
    register reinterpret_cast requires return short signed sizeof static static_assert
    static_cast struct switch template this thread_local throw true try typedef typeid typename
    union unsigned using virtual void volatile wchar_t while xor xor_eq
    """.split()
)

# Names the generated HLS C++ uses (the ap_types classes and modes, and the object-like macros
# of the Xilinx ap_types headers and of the C library that a port name would collide with).
HLS_RESERVED = frozenset(
    """
    ap_fixed ap_ufixed ap_int ap_uint ap_fixed_base ap_int_base ap_bigint ap_biguint
    AP_TRN AP_TRN_ZERO AP_RND AP_RND_ZERO AP_RND_INF AP_RND_MIN_INF AP_RND_CONV
    AP_WRAP AP_WRAP_SM AP_SAT AP_SAT_ZERO AP_SAT_SYM AP_INT_MAX_W INLINE
    SC_TRN SC_TRN_ZERO SC_RND SC_RND_ZERO SC_RND_INF SC_RND_MIN_INF SC_RND_CONV
    SC_WRAP SC_WRAP_SM SC_SAT SC_SAT_ZERO SC_SAT_SYM SC_BIN SC_OCT SC_DEC SC_HEX
    NULL EOF errno stdin stdout stderr std
    """.split()
)

RESERVED = VERILOG_KEYWORDS | CPP_KEYWORDS | HLS_RESERVED
"""Every name a port may not have: it is renamed (``delete`` -> ``delete_``)."""


def check_design_name(name: str) -> None:
    """The design's name becomes a Verilog module and a C++ function: no reserved word."""
    check_identifier(name, "design")
    if name in RESERVED or name == "main":
        raise SymcError(
            f"invalid design name {name!r}: it is a reserved word in Verilog or C++ "
            "(the design becomes a Verilog module and an HLS C++ function of that name)"
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
    taken = {n.lower() for n in inputs if n not in RESERVED}
    renamed: dict[str, str] = {}
    ports: list[str] = []
    for name in inputs:
        port = name
        if port in RESERVED:
            port = name + "_"
            while port.lower() in taken or port in RESERVED:
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
