"""The Verilog and HLS C++ of a fixed set of designs, hashed: a refactoring of the compiler
keeps every output byte for byte, and this test says which design changed when one does not.

The designs are ``reference_designs.DESIGNS``, one for each path of the compiler. The hashes
are in ``tests/data/output_hashes.json`` with the CIRCT version that printed the Verilog
(another version prints other, equally valid, Verilog: its hashes are skipped, the C++ ones
still checked). After a change meant to alter the output::

    python tests/test_output_hashes.py      # rewrites the file; review the diff of designs
"""

from __future__ import annotations

import hashlib
import json
import sys
import warnings
from pathlib import Path

import pytest
from reference_designs import DESIGNS

import symc
from symc.toolchain.circt import circt_version

HASHES = Path(__file__).parent / "data" / "output_hashes.json"

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
