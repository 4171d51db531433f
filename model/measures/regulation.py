"""How steadily a colony regulates: the fast part of its temperature, and how often its majority task flips.

Read by `HiveModel.summary` (model/hive.py) and by the hive scenarios' checks.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def high_frequency(series: Sequence[float], window: int = 61) -> np.ndarray:
    """The series minus its centred `window`-tick moving average (the fast part of T)."""
    x = np.asarray(series, dtype=float)
    if len(x) < window:
        return np.zeros(0)
    smooth = np.convolve(x, np.ones(window) / window, mode="valid")
    half = window // 2
    return x[half : len(x) - half] - smooth


def task_swings(fanning: Sequence[float], heating: Sequence[float]) -> int:
    """How often the colony's majority task flips between fanning and heating (a limit cycle's count)."""
    fan, heat = np.asarray(fanning), np.asarray(heating)
    mode = np.where(fan > 0.5, 1, np.where(heat > 0.5, -1, 0))
    mode = mode[mode != 0]
    return int(np.count_nonzero(mode[1:] != mode[:-1]))
