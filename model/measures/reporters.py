"""Measures as Mesa DataCollector reporters: the cheap ones every step, the costly ones every k steps.

collector = mesa.DataCollector(model_reporters=network_reporters(model))
collector = mesa.DataCollector(model_reporters={**hive_reporters(hive), "n_eff": every(500, costly)})
"""

from __future__ import annotations

import math

import numpy as np


def signals_exchanged(model) -> int:
    """Signals exchanged so far: network, forward + backward per live edge, example and tick; hive, 2 per living bee."""
    if hasattr(model, "structure"):
        s, lesions = model.structure, model.lesions
        live = int(np.count_nonzero(~lesions[s.src] & ~lesions[s.dst]))
        return model.completed_steps * 2 * live * model.batch_size * model.ticks
    return model.tick * 2 * int(np.count_nonzero(model.alive & ~model.silenced))


def network_reporters(model) -> dict:
    """{"signals_exchanged", "influx", "drift"} for a NetworkModel; drift is measured from its parameters now."""
    theta0 = np.concatenate([model.params.weight, model.params.bias])
    norm = float(np.linalg.norm(theta0))

    def drift(m) -> float:
        theta = np.concatenate([m.params.weight, m.params.bias])
        return float(np.linalg.norm(theta - theta0) / norm) if norm else math.nan

    return {"signals_exchanged": signals_exchanged, "influx": lambda m: m.input_power + m.error_power, "drift": drift}


def hive_reporters(model) -> dict:
    """{"signals_exchanged", "influx" (|λ(T_a - T)|·dt), "working" (share of living bees heating or fanning)}."""
    return {
        "signals_exchanged": signals_exchanged,
        "influx": lambda m: abs(m.lam * (m.outside - m.temperature)) * m.dt,
        "working": lambda m: (m.n_fan + m.n_heat) / m.n_alive if m.n_alive else 0.0,
    }


def every(k: int, function):
    """A costly reporter computed every k-th call (the last value repeated in between), as a plain function."""
    if k < 1:
        raise ValueError(f"k must be >= 1, got {k}")
    state = {"calls": 0, "value": math.nan}

    def reporter(model):
        if state["calls"] % k == 0:
            state["value"] = function(model)
        state["calls"] += 1
        return state["value"]

    return reporter
