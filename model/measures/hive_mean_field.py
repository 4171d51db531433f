"""The hive's mean field, and how far a colony of each size is from it (notebook 5, the scorecard's hive rows).

Each bee's chance to fan or to heat evolves deterministically under the expected counts; a colony whose
mean field gets better with size has a macro level that no longer depends on micro detail.
"""

from __future__ import annotations

import numpy as np

from model.measures.series import MeasureError


def hive_mean_field(model_or_params, ticks: int = 1440, **overrides) -> np.ndarray:
    """The hive's mean-field temperature: each bee's chance to fan or heat evolves deterministically.

    A bee whose threshold the sensed temperature crosses works for sure (it may re-take its task on the same
    snapshot); otherwise a working bee stops with probability p_quit: P_fan ← 1 if sensed > θ_fan else
    P_fan·(1 - p_quit), likewise for heat; T moves by the same heat balance with the expected counts.
    """
    from model.hive import HiveModel

    hive = model_or_params if isinstance(model_or_params, HiveModel) else HiveModel(**model_or_params, **overrides)
    if hive.beta != 0 or hive.control != "bees":
        raise MeasureError("the mean field here is written for hard thresholds (beta=0) and control='bees'")
    fan, heat = np.zeros(hive.n_bees), np.zeros(hive.n_bees)
    history = [hive.temperature] * (hive.sensing_delay + 1)
    temperature, out = hive.temperature, np.empty(ticks)
    for t in range(ticks):
        outside, sensed = hive.weather.at(t), history[0]
        fan = np.where(sensed > hive.theta_fan, 1.0, fan * (1 - hive.p_quit))
        heat = np.where(sensed < hive.theta_heat, 1.0, heat * (1 - hive.p_quit))
        busy = np.maximum(fan + heat, 1.0)  # a bee does one task at a time
        fan, heat = fan / busy, heat / busy
        temperature += hive.dt * (
            hive.lam * (outside - temperature) + hive.m0 + (hive.h * heat.sum() - hive.c * fan.sum()) / hive.n_bees
        )
        history = history[1:] + [temperature]
        out[t] = temperature
    return out


def mean_field_gap(params: dict, sizes=(10, 30, 100, 300), seeds=(1, 2), ticks: int = 1440) -> dict:
    """RMS(T_ABM - T_mean field) against colony size: shrinks where the mean field holds."""
    from model.hive import HiveModel

    gaps = {}
    for n in sizes:
        values = []
        for seed in seeds:
            hive = HiveModel(**{**params, "n_bees": n, "executor": "vectorized"}, rng=seed)
            field_ = hive_mean_field(
                HiveModel(**{**params, "n_bees": n, "executor": "vectorized"}, rng=seed), ticks=ticks
            )
            temps = np.empty(ticks)
            for t in range(ticks):
                hive.step()
                temps[t] = hive.temperature
            values.append(float(np.sqrt(np.mean((temps - field_) ** 2))))
        gaps[n] = float(np.mean(values))
    return gaps


def mean_field_ratio(params: dict, small: int = 10, large: int = 300, seed: int = 1, ticks: int = 1440) -> dict:
    """gap(small colony) / gap(large colony): > 1 when the mean field becomes exact as the colony grows.

    A macro law (the mean field, which knows only expected counts) that gets better with size is the macro
    level becoming autonomous of micro detail; where responses synchronise (uniform thresholds) it stays ≈ 1.
    """
    gaps = mean_field_gap(params, sizes=(small, large), seeds=(seed,), ticks=ticks)
    if gaps[large] == 0:
        raise MeasureError("the mean field matches the large colony exactly: the ratio is undefined")
    return {"ratio": gaps[small] / gaps[large], "gap_small": gaps[small], "gap_large": gaps[large]}
