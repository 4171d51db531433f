"""Broken detailed balance in a trajectory: the probability current in the plane of its two leading components.

A stationary process in detailed balance has no net circulation: the signed area its path sweeps in any plane
averages to zero (Zia & Schmittmann, J. Stat. Mech. P07012, 2007); SGD's stationary dynamics do circulate
(Kunin et al., Neural Computation 36:151, 2023). `area_rate` is that area per step at lag τ, in units of the
plane's spread, so systems of any scale compare.
"""

from __future__ import annotations

import numpy as np

from model.measures.series import MeasureError, as_panel


def leading_plane(trajectory) -> np.ndarray:
    """The centred trajectory (time × variables) projected on its two leading principal components (time × 2)."""
    x = as_panel(trajectory, "trajectory", min_length=10, allow_constant_columns=True)
    x = x - x.mean(axis=0)
    if x.shape[1] < 2:
        raise MeasureError("the trajectory needs at least two variables for a plane")
    lam, vectors = np.linalg.eigh(x.T @ x)  # ascending: the last two are the leading components
    if lam[-2] <= 1e-12 * max(lam[-1], 1e-300):
        raise MeasureError("the trajectory moves along at most one direction: no plane, no current")
    return x @ vectors[:, [-1, -2]]


def area_rate(plane, tau: int = 1) -> float:
    """A = ⟨x_t y_{t+τ} − x_{t+τ} y_t⟩ / 2 ÷ (sd x · sd y): signed area swept per step, 0 under detailed balance."""
    p = as_panel(plane, "plane", min_length=tau + 3)
    if p.shape[1] != 2:
        raise MeasureError(f"the plane must have two columns, got {p.shape[1]}")
    x, y = p[:, 0] - p[:, 0].mean(), p[:, 1] - p[:, 1].mean()
    scale = x.std() * y.std()
    if scale == 0:
        raise MeasureError("the trajectory does not move in this plane: the current is undefined")
    return float(np.mean(x[:-tau] * y[tau:] - x[tau:] * y[:-tau]) / 2 / scale)


def irreversibility(trajectory, tau: int = 10, skip: float = 0.25) -> float:
    """|area_rate| of the trajectory after its first `skip` fraction, in its leading plane (see the module)."""
    x = np.asarray(trajectory, dtype=float)
    start = int(skip * len(x))
    return abs(area_rate(leading_plane(x[start:]), tau))
