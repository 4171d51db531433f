"""Downward causation, the box on a truck: a change at the macro scale, and how much of the micro trajectory it explains.

The truck turns; every part of the box turns with it, and no part's own past says why. Here the macro change is
set from outside the parts: the task the network is trained on switches (drift="switch": the labels flip every
`drift_period` steps), or the weather brings a heat wave to the hive. The micro trajectory is each part's change
(a weight's update Δw_t; a bee's task switch Δs_t). For each part j the nested regression

    reduced: Δx^j_{t+1} ~ Δx^j_t, ..., Δx^j_{t+1-h}            full: the same + M_{t+1-lag}

gives the share of the part's variance the macro change explains beyond the part's own past (ΔR²) and, as its
linear-Gaussian information, the conditional transfer entropy I(Δx^j_{t+1}; M_{t+1-lag} | Δx^j past) in bits
(Schreiber, PRL 85:461, 2000; Granger/2 by Barnett, Barrett & Seth, PRL 103:238701, 2009). `lag=0` is allowed
because M is exogenous: the environment sets the phase of step t+1 before the parts act on it. Each value is
set against circular shifts of M (its own structure kept, its alignment with the parts destroyed).

Rosas et al.'s Δ (`model.measures.information.downward_delta`) asks a related question from the inside: does
the macro variable V = f(X) predict a part's future beyond all parts together? `model.measures.closure`
reports it across scales.
"""

from __future__ import annotations

import math

import numpy as np

from model.measures.information import LOG2E
from model.measures.series import MeasureError, as_panel, as_series


def _lagged(x: np.ndarray, history: int, start: int) -> np.ndarray:
    """(T - start, parts, history): x[t - k] for k = 1..history at each target row t = start..T-1."""
    return np.stack([x[start - k : len(x) - k] for k in range(1, history + 1)], axis=2)


def nested_gain(micro, driver, history: int = 2, lag: int = 0) -> dict[str, np.ndarray]:
    """Per part j: R² of Δx^j_{t+1} on its own past, R² with the driver added, and the gain in R² and in bits.

    micro: (T × parts), each column a part's micro trajectory (already the change, if that is what is studied);
    driver: (T,) the macro change M. Returns arrays (one value per part): r2_reduced, r2_full, gain (ΔR²) and
    bits = -½ log2(1 - ρ²), ρ the partial correlation of the part's next value and M given its past.
    """
    x = as_panel(micro, "micro", min_length=history + lag + 20, allow_constant_columns=True)
    m = as_series(driver, "driver", min_length=history + lag + 20)
    if len(m) != len(x):
        raise MeasureError(f"micro and driver must have the same length, got {len(x)} and {len(m)}")
    if history < 1 or lag < 0:
        raise ValueError(f"history must be >= 1 and lag >= 0, got history={history}, lag={lag}")
    start = max(history, lag)
    target = x[start:]  # (T', parts)
    past = _lagged(x, history, start)  # (T', parts, h)
    cause = m[start - lag : len(m) - lag]  # (T',)
    # One least-squares fit per part of target and cause on [1, past]: the residuals give ρ (partial correlation).
    n = len(target)
    design = np.concatenate([np.ones((x.shape[1], n, 1)), past.transpose(1, 0, 2)], axis=2)  # (parts, T', 1+h)
    ys = np.stack([target.T, np.broadcast_to(cause, target.T.shape)], axis=2)  # (parts, T', 2)
    design_t = design.transpose(0, 2, 1)
    coef = np.linalg.solve(design_t @ design + 1e-12 * np.eye(history + 1), design_t @ ys)
    residual = ys - design @ coef
    rss_target, rss_cause = (residual**2).sum(axis=1).T
    total = ((target - target.mean(axis=0)) ** 2).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        rho = np.einsum("pt,pt->p", residual[..., 0], residual[..., 1]) / np.sqrt(rss_target * rss_cause)
        rho2 = np.clip(np.nan_to_num(rho**2), 0.0, 1 - 1e-15)
        r2_reduced = 1.0 - rss_target / total
        gain = rho2 * rss_target / total  # the full model's extra share: ρ² of what the past left unexplained
    moving = total > 0
    return {
        "r2_reduced": np.where(moving, r2_reduced, np.nan),
        "r2_full": np.where(moving, r2_reduced + gain, np.nan),
        "gain": np.where(moving, gain, np.nan),
        "bits": np.where(moving, -0.5 * LOG2E * np.log1p(-rho2), np.nan),
    }


def downward_causation(
    micro, driver, history: int = 2, lag: int = 0, n_null: int = 19, rng=0, min_shift: int | None = None
) -> dict:
    """How much of the micro trajectory a macro change explains beyond the micro past, against a shift null.

    Returns the mean over moving parts of the gain in R² and of the conditional TE in bits, the same means
    with the driver circularly shifted (null_gain, null_bits: their means over `n_null` shifts), the excess
    over the null, and `significant`: the share of parts whose bits beat all the shifted drivers.
    """
    observed = nested_gain(micro, driver, history, lag)
    moving = np.isfinite(observed["bits"])
    if not moving.any():
        raise MeasureError("no part of the micro trajectory moves: downward causation is undefined")
    m = np.asarray(driver, dtype=float)
    generator = np.random.default_rng(rng)
    min_shift = max(1, len(m) // 10) if min_shift is None else min_shift
    if len(m) < 2 * min_shift + 1:
        raise MeasureError(f"driver too short ({len(m)}) for circular-shift surrogates")
    shifts = generator.integers(min_shift, len(m) - min_shift, size=n_null)
    null = [nested_gain(micro, np.roll(m, s), history, lag) for s in shifts]
    null_bits = np.array([n["bits"][moving] for n in null])  # (n_null, parts)
    null_gain = np.array([n["gain"][moving] for n in null])
    bits, gain = observed["bits"][moving], observed["gain"][moving]
    return {
        "gain": float(gain.mean()),
        "bits": float(bits.mean()),
        "null_gain": float(null_gain.mean()),
        "null_bits": float(null_bits.mean()),
        "excess_bits": float(bits.mean() - null_bits.mean()),
        "excess_gain": float(gain.mean() - null_gain.mean()),
        "significant": float(np.mean(bits > null_bits.max(axis=0))),
        "parts": int(moving.sum()),
        "r2_reduced": float(np.nanmean(observed["r2_reduced"][moving])),
    }


def driven_parts(
    steps: int = 4000,
    parts: int = 20,
    a: float = 0.5,
    b: float = 1.0,
    noise: float = 1.0,
    switch_every: int | None = None,
    rng=0,
) -> tuple[np.ndarray, np.ndarray]:
    """A system whose answer is known: x^j_{t+1} = a x^j_t + b M_{t+1} + noise·ε^j.

    M is ±1: i.i.d. fair signs when `switch_every` is None (then the gain is exactly b²(1 - a²)/(b² + noise²)
    of the variance and the conditional TE ½ log2(1 + b²/noise²) bits, with history 1 and lag 0), or a square
    wave that flips every `switch_every` steps. Returns (x as (steps × parts), M).
    """
    rng = np.random.default_rng(rng)
    if switch_every is None:
        m = rng.choice([-1.0, 1.0], size=steps)
    else:
        m = np.where((np.arange(steps) // switch_every) % 2 == 0, 1.0, -1.0)
    x = np.zeros((steps, parts))
    for t in range(1, steps):
        x[t] = a * x[t - 1] + b * m[t] + noise * rng.standard_normal(parts)
    return x, m


def known_gain(a: float, b: float, noise: float) -> tuple[float, float]:
    """(ΔR², bits) of `driven_parts` with i.i.d. M, history 1, lag 0: b²(1-a²)/(b²+σ²) and ½ log2(1 + b²/σ²)."""
    return b * b * (1 - a * a) / (b * b + noise * noise), 0.5 * math.log2(1 + b * b / (noise * noise))


# --- the two systems -------------------------------------------------------------------------------
def network_switch_run(steps: int = 2000, period: int = 200, rng=1, **overrides) -> tuple[np.ndarray, np.ndarray]:
    """Train on moons whose labels flip every `period` steps; return (weight updates Δw, steps × edges; phase ±1).

    The phase is the macro change, set by the environment's clock; the updates are what every edge did.
    """
    from model import NetworkModel

    params = {
        "dataset": "moons",
        "hidden": (16, 16),
        "learning_rate": 0.1,
        "batch_size": 32,
        "executor": "vectorized",
        "drift": "switch",
        "drift_period": period,
        "rng": rng,
    }
    model = NetworkModel(**{**params, **overrides})
    n_edges = len(model.params.weight)
    updates, phase = np.empty((steps, n_edges)), np.empty(steps)
    for t in range(steps):
        model.step()
        updates[t] = -model.params.step[:n_edges]
        phase[t] = 1.0 if (model.environment.stream.step // period) % 2 == 0 else -1.0
    return updates, phase


def heat_wave_weather(ticks: int, period: int = 240, delta: float = 8.0, mean: float = 25.0) -> np.ndarray:
    """Outside temperature: `mean`, plus `delta` °C during every other block of `period` minutes (heat waves)."""
    wave = (np.arange(ticks) // period) % 2 == 1
    return mean + delta * wave


def hive_heat_wave_run(
    ticks: int = 2880, period: int = 240, delta: float = 8.0, rng=1, **overrides
) -> tuple[np.ndarray, np.ndarray]:
    """A colony under repeated heat waves; return (each bee's task switch Δs_t, ticks × bees; wave on 1 / off 0).

    A bee's state is heat +1, idle 0, fan -1; its switch is the change of that number in a tick.
    """
    from model.hive import HiveModel
    from model.measures.scales import bee_activity

    weather = heat_wave_weather(ticks, period, delta)
    params = {
        "n_bees": 300,
        "patrilines": 15,
        "weather": "series",
        "outside_series": weather.tolist(),
        "executor": "vectorized",
        "rng": rng,
    }
    hive = HiveModel(**{**params, **overrides})
    before = bee_activity(hive)
    switches, wave = np.empty((ticks, hive.n_bees)), np.empty(ticks)
    for t in range(ticks):
        hive.step()
        now = bee_activity(hive)
        switches[t], before = now - before, now
        wave[t] = float(hive.outside > weather.min())
    return switches, wave
