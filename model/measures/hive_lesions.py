"""Many lesioned copies of one colony run at once: the leave-one-out and lesion-curve runs in one array pass.

`lesion_runs(params, seed, silenced)` runs, for each row of the boolean mask `silenced` (copies × bees), the
colony HiveModel(**params, rng=seed) would build, with that row's bees silenced from the start, for `ticks`
ticks. Every copy uses the same random numbers tick by tick (those the intact HiveModel draws: common random
numbers), so copies differ only in their lesions. It follows HiveModel.step with executor="vectorized"
(tests/test_measures_estimators.py checks it against HiveModel copy by copy); hard and soft thresholds and
control="bees" or "thermostat".
"""

from __future__ import annotations

import numpy as np

from agents.bee import FAN, HEAT, IDLE


def lesion_runs(params: dict, seed, silenced: np.ndarray, ticks: int = 1440) -> np.ndarray:
    """Nest temperature (copies × ticks) of lesioned copies of the colony (see the module docstring)."""
    from model.hive import HiveModel, _logistic

    hive = HiveModel(**{**params, "executor": "vectorized"}, rng=seed)
    if hive.control == "open_loop" or hive.remove_fraction > 0:
        raise ValueError("lesion_runs supports control='bees' or 'thermostat' without scheduled removals")
    mask = np.atleast_2d(np.asarray(silenced, dtype=bool))
    k, n = mask.shape
    if n != hive.n_bees:
        raise ValueError(f"silenced must have {hive.n_bees} columns (one per bee), got {n}")
    states = np.full((k, n), IDLE, dtype=np.int8)
    temperature = np.full(k, hive.temperature)
    history = np.tile(temperature[:, None], (1, hive.sensing_delay + 1))  # ring buffer, oldest at `head`
    head = 0
    fan_at, heat_at = hive.theta_fan[None, :], hive.theta_heat[None, :]
    decider = hive.decider.index if hive.decider is not None else None
    out = np.empty((k, ticks))
    chances = np.empty((2, n))
    scale = hive.dt / n
    for t in range(ticks):
        outside = hive.weather.at(t)
        sensed = history[:, head][:, None]
        hive.rng.random(out=chances[0] if hive.beta == 0 else chances)  # as HiveModel._draw_chances
        quit_, response = chances
        cols = slice(None) if decider is None else slice(decider, decider + 1)  # who decides
        s = states[:, cols]  # a view
        s[(s != IDLE) & (quit_[cols] < hive.p_quit)] = IDLE
        idle = s == IDLE
        a_fan, a_heat = fan_at[:, cols], heat_at[:, cols]
        if hive.beta == 0:
            fan = idle & (sensed > a_fan)
            heat = idle & ~fan & (sensed < a_heat)
        else:
            r = response[cols]
            fan = idle & (r < _logistic((sensed - a_fan) / hive.beta))
            heat = idle & ~fan & (r > 1.0 - _logistic((a_heat - sensed) / hive.beta))
        s[fan], s[heat] = FAN, HEAT
        if decider is not None:
            s[mask[:, decider : decider + 1]] = IDLE
            states[:] = s
        states[mask] = IDLE
        n_fan, n_heat = (states == FAN).sum(axis=1), (states == HEAT).sum(axis=1)
        temperature = (
            temperature
            + hive.dt * (hive.lam * (outside - temperature) + hive.m0)
            + scale * (hive.h * n_heat - hive.c * n_fan)
        )
        history[:, head] = temperature
        head = (head + 1) % history.shape[1]
        out[:, t] = temperature
    return out


def performance(temps: np.ndarray, band=(34.0, 36.0), burn_in: int = 120) -> tuple[np.ndarray, np.ndarray]:
    """(loss, score) per copy: mean squared distance of T from the band centre, and the share of ticks in band."""
    x = temps[:, burn_in:]
    low, high = band
    return ((x - (low + high) / 2) ** 2).mean(axis=1), ((x >= low) & (x <= high)).mean(axis=1)
