"""A fixed set of about 30 designs that covers each path of the compiler, for tests that
check a property of every path: byte-identical outputs (``test_output_hashes``), ``symc-opt``
reproducing ``symc.compile`` (``test_pipeline_spec``).

The designs cover each backend path: combinational and pipelined designs, every table kind
(plain, hls4ml indexing, interpolated, range-reduced ``exp``, normalized reciprocal, block
RAM), ``precision="auto"``, products in LUTs, shifts and adds or DSP blocks (cascaded on
Xilinx, registered on ECP5), carry chains and banked ROMs cut over stages, and the pipeline's
reset and valid ports. Each is ``name: (expressions, inputs, compile options)``.
"""

from __future__ import annotations

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
