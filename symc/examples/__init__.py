"""Embedded examples: expressions shipped with symc, used by ``symc example`` and the tests."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Example:
    name: str
    description: str
    exprs: tuple[str, ...]
    inputs: dict[str, tuple[float, float]]
    precision: str
    max_error: float | None = None


EXAMPLES = {
    "kinetic_energy": Example(
        name="kinetic_energy",
        description="Feynman I.13.4, K = 1/2 m (v^2 + u^2 + w^2), ranges from the AI Feynman table",
        exprs=("1/2*m*(v**2 + u**2 + w**2)",),
        inputs={"m": (1.0, 5.0), "v": (1.0, 5.0), "u": (1.0, 5.0), "w": (1.0, 5.0)},
        precision="auto",
        max_error=2.0**-8,
    ),
    "trigger_poly": Example(
        name="trigger_poly",
        description="a PySR-style polynomial of standardized features, two outputs, ap_fixed<16,6>",
        exprs=("x0*x1 - 0.5*x0**2 + 0.25*x2 - 0.59867656", "(x15*-0.2172515) - 0.59867656 + x0*x2"),
        inputs={"x0": (-4.0, 4.0), "x1": (-4.0, 4.0), "x2": (-4.0, 4.0), "x15": (-4.0, 4.0)},
        precision="ap_fixed<16,6>",
    ),
}
DEFAULT = "kinetic_energy"
