"""The Verilog and HLS C++ of a fixed set of designs, hashed: a refactoring of the compiler
keeps every output byte for byte, and this test says which design changed when one does not.

The designs cover each backend path: combinational and pipelined designs, every table kind
(plain, hls4ml indexing, interpolated, range-reduced ``exp``, normalized reciprocal, block
RAM), ``precision="auto"``, products in LUTs, shifts and adds or DSP blocks (cascaded on
Xilinx, registered on ECP5), carry chains and banked ROMs cut over stages, and the pipeline's
reset and valid ports. The hashes are in ``tests/data/output_hashes.json`` with the CIRCT
version that printed the Verilog (another version prints other, equally valid, Verilog: its
hashes are skipped, the C++ ones still checked). After a change meant to alter the output::

    python tests/test_output_hashes.py      # rewrites the file; review the diff of designs
"""

from __future__ import annotations

import hashlib
import json
import sys
import warnings
from pathlib import Path

import pytest

import symc
from symc.toolchain.circt import circt_version

HASHES = Path(__file__).parent / "data" / "output_hashes.json"

X3 = {"x0": (-3.0, 3.0), "x1": (-3.0, 3.0), "x2": (-3.0, 3.0)}
X2 = {"x0": (-3.0, 3.0), "x1": (-1.0, 1.0)}
POSITIVE = {"x0": (0.5, 6.0), "x1": (-1.0, 1.0)}

DESIGNS: dict[str, tuple[str | list[str], dict, dict]] = {
    "poly": ("x0*x1 + x2 - 0.5", X3, {}),
    "poly_18_8": ("x0*x1*x2 - x1", X3, {"precision": "ap_fixed<18,8>"}),
    "constant_shift_add": ("0.75*x0 - 1.25*x1", X3, {}),
    "lut_products": ("x0*x1 + x1*x2", X3, {"dsp": False}),
    "two_outputs": (["x0*x1", "x0 + x2"], X3, {}),
    "min_max_abs": ("max(x0, x1) - abs(x2) + min(x0, 0.5)", X3, {}),
    "sin": ("sin(x0)*x1", X2, {}),
    "sin_hls4ml": ("sin(x0)*x1", X2, {"tables": {"*": {"indexing": "hls4ml"}}}),
    "tanh_64": ("tanh(x0) + x1", X2, {"tables": {"*": {"entries": 64}}}),
    "tanh_linear": ("tanh(x0) + x1", X2, {"tables": {"*": {"interpolation": "linear",
                                                            "entries": 64}}}),
    "exp": ("exp(x0) + x1", X2, {}),
    "log": ("log(x0) - x1", POSITIVE, {}),
    "sqrt": ("sqrt(x0)*x1", POSITIVE, {}),
    "reciprocal": ("x1/x0", POSITIVE, {"precision": "ap_fixed<18,8>"}),
    "auto_sin": ("sin(x0)*x1", X2, {"precision": "auto", "max_error": 1e-3}),
    "auto_poly": ("x0*x1*x2 + 0.1*x0", X3, {"precision": "auto", "max_error": 1e-4}),
    "auto_exp": ("exp(x0)", {"x0": (-3.0, 3.0)}, {"precision": "auto", "max_error": 1e-2}),
    "auto_div": ("x1/x0", POSITIVE, {"precision": "auto", "max_error": 1e-3}),
    "pipelined_xcup_5": ("(x0*x1*x2 + x2)*x0 - 0.5", X3, {"clock_ns": 5.0}),
    "pipelined_sin_xcup_2ns5": ("sin(x0)*x1", X2, {"clock_ns": 2.5}),
    "pipelined_exp_xcup_2ns5": ("exp(x0) + x1", X2, {"clock_ns": 2.5}),
    "pipelined_reset_valid": ("sin(x0)*x1 + x0", X2, {"clock_ns": 5.0, "reset": True,
                                                      "valid": True}),
    "pipelined_io_registers": ("x0*x1 + x2", X3, {"clock_ns": 5.0, "input_registers": True,
                                                  "output_registers": True}),
    "block_roms": ("sin(x0) + cos(x1)", X2, {"clock_ns": 5.0, "roms": "block"}),
    "xc7_cascade": ("x0*x1*x2*x0", X3, {"family": "xc7", "clock_ns": 5.0,
                                        "precision": "ap_fixed<18,8>"}),
    "ecp5_registered": ("x0*x1*x2 - x1", X3, {"family": "ecp5", "clock_ns": 5.0,
                                              "precision": "ap_fixed<18,8>"}),
    "ecp5_table_product": ("sin(x0)*x1", X2, {"family": "ecp5", "clock_ns": 5.0}),
    "ecp5_exp_shifter": ("exp(x0) + x1", X2, {"family": "ecp5", "clock_ns": 5.0}),
    "ecp5_carry_min": ("min(2.25*x0, x1**2)", X3, {"family": "ecp5", "clock_ns": 5.0,
                                                   "precision": "ap_fixed<18,8>"}),
    "ecp5_sum_cut": ("x0*x1*x2*x0*x1 + x1", X3, {"family": "ecp5", "clock_ns": 5.0,
                                                 "precision": "ap_fixed<18,8>"}),
    "banks_16384": ("sin(x0)*x1", X2, {"clock_ns": 2.5, "precision": "ap_fixed<18,8>",
                                       "tables": {"*": {"entries": 16384}}}),
}


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def outputs(name: str) -> dict[str, str]:
    """The hashes of one design's Verilog and HLS C++ (header and source)."""
    exprs, inputs, options = DESIGNS[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the overflow warnings of the wider products
        design = symc.compile(exprs, inputs, name=name, **options)
    return {"verilog": _hash(design.verilog),
            "cpp": _hash(design.hls.header + "\0" + design.hls.source)}


def _recorded() -> dict:
    return json.loads(HASHES.read_text())


@pytest.mark.parametrize("name", sorted(DESIGNS))
def test_outputs_are_byte_identical(name):
    recorded = _recorded()
    assert name in recorded["designs"], f"no hash recorded for {name}: run this file"
    got, want = outputs(name), recorded["designs"][name]
    assert got["cpp"] == want["cpp"], f"{name}: the HLS C++ changed"
    if circt_version() != recorded["circt"]:
        pytest.skip(f"Verilog hashes recorded with CIRCT {recorded['circt']}, "
                    f"this is {circt_version()}")
    assert got["verilog"] == want["verilog"], f"{name}: the Verilog changed"


def test_every_design_has_a_hash():
    assert sorted(_recorded()["designs"]) == sorted(DESIGNS)


if __name__ == "__main__":
    designs = {name: outputs(name) for name in sorted(DESIGNS)}
    HASHES.write_text(json.dumps({"circt": circt_version(), "designs": designs}, indent=1)
                      + "\n")
    print(f"wrote {HASHES}: {len(designs)} designs, CIRCT {circt_version()}", file=sys.stderr)
