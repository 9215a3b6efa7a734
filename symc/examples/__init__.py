"""Embedded examples: expressions shipped with symc, used by ``symc example``, ``symc demo``
and the tests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from symc.frontend.errors import SymcError


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


DEMO_OPERATORS = "+,-,*"
"""The operators the demo's search may use (PySR's defaults without division)."""
DEMO_TRAIN_FRACTION = 2 / 3


@dataclass(frozen=True)
class DemoData:
    """The wine data (scikit-learn's copy of the UCI data set: 178 wines of 3 cultivars, 13
    chemical measurements each), standardized with the training rows' mean and deviation."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    features: tuple[str, ...]
    """The measurements' names; the inputs are x0..x12 in this order."""
    mean: tuple[float, ...]
    std: tuple[float, ...]


def demo_data(seed: int = 0) -> DemoData:
    """The demo's data: a seeded two-thirds/one-third split of the wine data, standardized."""
    try:
        from sklearn.datasets import load_wine  # optional: the 'sr' extra
    except ImportError as exc:
        raise SymcError(f"symc demo reads the wine data from scikit-learn: pip install "
                        f"'symc[sr]' ({exc})") from None
    wine: Any = load_wine()  # a Bunch (not the frame pair of as_frame=True)
    X, y = np.asarray(wine.data, dtype=np.float64), np.asarray(wine.target)
    order = np.random.default_rng(seed).permutation(len(X))
    cut = round(len(X) * DEMO_TRAIN_FRACTION)
    train, test = order[:cut], order[cut:]
    mean, std = X[train].mean(axis=0), X[train].std(axis=0)
    Z = (X - mean) / std
    return DemoData(Z[train], y[train], Z[test], y[test], tuple(wine.feature_names),
                    tuple(mean.tolist()), tuple(std.tolist()))
