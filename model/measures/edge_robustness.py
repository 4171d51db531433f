"""Robustness at the level of interactions: test accuracy as weights are removed, with no retraining.

The edge counterpart of the neuron-lesion curves (model/measures/features.py `lesion_curve`): remove a
growing fraction f of the weights present, either in a random order or the smallest |w| first (magnitude
pruning without retraining, Han, Pool, Tran & Dally, NeurIPS 2015), and read the test accuracy. A removed
weight is set to exactly 0, as model/pruning.py prunes it; the network is left as it was afterwards.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from model import pruning
from model.measures.features import curve_auc, lesion_curve

EDGE_FRACTIONS = np.linspace(0.0, 1.0, 21)
ORDERS = ("random", "magnitude")


def removal_order(model, order: str, scope: str = "global", rng=None) -> list[np.ndarray]:
    """The present edges in the order they are removed: the whole network at once, or each layer on its own."""
    pruning.check_options("magnitude", scope)
    if order not in ORDERS:
        raise ValueError(f"order must be one of {', '.join(ORDERS)}, got {order!r}")
    groups = pruning.layer_groups(model) if scope == "layer" else [np.arange(len(model.mask))]
    weight = np.abs(model.params.weight)
    ranked = []
    for edges in groups:
        present = edges[model.mask[edges]]
        if order == "magnitude":
            ranked.append(present[np.argsort(weight[present], kind="stable")])
        else:
            ranked.append(rng.permutation(present))
    return ranked


def edge_curve(
    model, order: str = "random", fractions=EDGE_FRACTIONS, scope: str = "global", repeats: int = 2, rng=0
) -> np.ndarray:
    """Test accuracy with ⌈f·n⌉ of the n present weights removed (of each layer, for scope="layer"), per f.

    order="random": the mean over `repeats` random orders; "magnitude": the smallest |w| first.
    """
    model = getattr(model, "model", model)  # a NetworkSystem (model/measures/systems.py) or the model itself
    fractions = np.asarray(fractions, dtype=float)
    if fractions.ndim != 1 or not len(fractions) or fractions.min() < 0 or fractions.max() > 1:
        raise ValueError(f"fractions must be values in [0, 1], got {fractions}")
    generator = np.random.default_rng(rng)
    orders = [removal_order(model, order, scope, generator) for _ in range(repeats if order == "random" else 1)]
    weight = model.params.weight
    saved = weight.copy()
    curve = np.zeros(len(fractions))
    try:
        for ranked in orders:
            for i, f in enumerate(fractions):
                for edges in ranked:
                    weight[edges[: math.ceil(round(f * len(edges), 9))]] = 0.0
                curve[i] += model.evaluate("test")["accuracy"]
                np.copyto(weight, saved)
    finally:
        np.copyto(weight, saved)
    return curve / len(orders)


def edge_robustness(model, fractions=EDGE_FRACTIONS, scope: str = "global", repeats: int = 2, rng=0) -> dict:
    """Random and magnitude-ordered edge-removal curves and their normalised areas (features.curve_auc)."""
    random_curve = edge_curve(model, "random", fractions, scope, repeats, rng)
    magnitude = edge_curve(model, "magnitude", fractions, scope)
    return {
        "auc_random": curve_auc(random_curve, fractions),
        "auc_magnitude": curve_auc(magnitude, fractions),
        "curve_random": random_curve.round(4).tolist(),
        "curve_magnitude": magnitude.round(4).tolist(),
        "fractions": np.asarray(fractions).round(4).tolist(),
    }


def robustness_curves(system, fractions=EDGE_FRACTIONS, repeats: int = 2, rng=0) -> pd.DataFrame:
    """Neuron lesions and edge removals side by side: element (neuron | edge), order, fraction, accuracy."""
    rows = []
    for order in ("random", "targeted"):
        curve = lesion_curve(system, order, fractions=fractions, repeats=repeats, rng=rng)
        rows += [("neuron", order, f, a) for f, a in zip(fractions, curve)]
    for order in ORDERS:
        curve = edge_curve(system, order, fractions, repeats=repeats, rng=rng)
        rows += [("edge", order, f, a) for f, a in zip(fractions, curve)]
    return pd.DataFrame(rows, columns=["element", "order", "fraction", "accuracy"])
