"""Embedded examples: expressions shipped with symc, used by ``symc example``, ``symc demo``
and the tests."""

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


DEMO_LAW = "0.3989422804014327*exp(-x0*x0/2)"
"""Feynman I.6.2a, the standard normal density exp(-theta**2/2)/sqrt(2*pi), theta = x0."""
DEMO_RANGE = (1.0, 3.0)
"""theta's range in the AI Feynman table."""


def demo_data(n: int = 20_000, seed: int = 0) -> tuple[object, object]:
    """``(X, y)``: theta uniform over its range, and the law's value (float64)."""
    import numpy as np

    X = np.random.default_rng(seed).uniform(*DEMO_RANGE, size=(n, 1))
    return X, 0.3989422804014327 * np.exp(-X[:, 0] ** 2 / 2)


def demo_front(X: object, y: object) -> list[tuple[int, float, str]]:
    """A front as a symbolic-regression run would give it, from rough to exact: least-squares
    polynomials of degree 0 to 4 in x0, then the law itself; complexity is PySR's node count
    of each (its nodes), loss the mean squared error on ``(X, y)``."""
    import numpy as np
    import sympy

    from symc.frontend.parse import parse_expression

    def nodes(text: str) -> int:
        return sum(1 for _ in sympy.preorder_traversal(parse_expression(text)))

    x = np.asarray(X)[:, 0]
    target = np.asarray(y)
    front = []
    for degree in range(5):
        coef = np.polyfit(x, target, degree)[::-1]
        terms = [f"{coef[0]:.6g}"] + [
            f"{c:.6g}*" + "*".join(["x0"] * k) for k, c in enumerate(coef) if k > 0]
        text = " + ".join(terms).replace("+ -", "- ")
        fitted = sum(c * x**k for k, c in enumerate(coef))
        front.append((nodes(text), float(np.mean((fitted - target) ** 2)), text))
    front.append((nodes(DEMO_LAW), 0.0, DEMO_LAW))
    return front
