"""Checking what goes into a measure: a series too short, constant, or holding NaN is refused by name.

Every estimator in this package calls `as_series` / `as_panel` first, so bad input gives a ValueError that
says what was wrong and what to do, never a silently wrong number. Where a whole scorecard row cannot be
computed, the scorecard catches the ValueError and shows NaN with the reason.
"""

from __future__ import annotations

import numpy as np


class MeasureError(ValueError):
    """A measure cannot be computed from this input (too short, constant, non-finite...)."""


def as_series(x, name: str = "series", min_length: int = 3, allow_constant: bool = False) -> np.ndarray:
    """x as a finite 1-D float array of at least `min_length` values; MeasureError otherwise."""
    a = np.asarray(x, dtype=float)
    if a.ndim != 1:
        raise MeasureError(f"{name} must be one series (1-D), got shape {a.shape}")
    _check_finite(a, name)
    if len(a) < min_length:
        raise MeasureError(
            f"{name} is too short: {len(a)} values, this measure needs at least {min_length}; "
            "run more steps or record more often"
        )
    if not allow_constant and np.ptp(a) == 0:
        raise MeasureError(
            f"{name} is constant ({a[0]:g} throughout): a constant series carries no information, "
            "so this measure is undefined; check that the system is running (open, learning, alive)"
        )
    return a


def as_panel(x, name: str = "panel", min_length: int = 3, allow_constant_columns: bool = False) -> np.ndarray:
    """x as a finite 2-D float array (time × variables) of at least `min_length` rows; MeasureError otherwise."""
    a = np.asarray(x, dtype=float)
    if a.ndim == 1:
        a = a[:, None]
    if a.ndim != 2:
        raise MeasureError(f"{name} must be 2-D (time × variables), got shape {a.shape}")
    _check_finite(a, name)
    if len(a) < min_length:
        raise MeasureError(f"{name} is too short: {len(a)} rows, this measure needs at least {min_length}")
    if a.shape[1] == 0:
        raise MeasureError(f"{name} has no variables")
    if not allow_constant_columns:
        flat = np.flatnonzero(np.ptp(a, axis=0) == 0)
        if len(flat):
            raise MeasureError(
                f"{name}: column(s) {flat[:8].tolist()} are constant; a constant variable carries no "
                "information: drop it (e.g. a silenced or dead agent) before measuring"
            )
    return a


def _check_finite(a: np.ndarray, name: str) -> None:
    bad = ~np.isfinite(a)
    if bad.any():
        where = np.argwhere(bad)[:5].tolist()
        raise MeasureError(
            f"{name} holds {int(bad.sum())} NaN or infinite value(s), first at index {where}; "
            "a diverged run or a closed system (loss is NaN with no data) cannot be measured"
        )
