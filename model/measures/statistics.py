"""Two samples of a measure (system seeds, control seeds): the difference, its uncertainty, and a verdict.

`compare(system, control, direction)` returns the difference of means (system − control), a BCa bootstrap
95 % interval of it (Efron 1987; scipy.stats.bootstrap, falling back to the percentile interval when BCa is
undefined, e.g. a constant sample), a one-sided permutation p-value in the stated direction
(scipy.stats.permutation_test on the difference of means, exact when the relabellings are few), and Hedges' g
(the standardised difference with the small-sample correction, Hedges 1981). `separated` is p < alpha with
the interval on the stated side of 0. NaN values (a measure that could not be computed) are dropped and counted;
fewer than two values on a side gives not separated.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
from scipy import stats

RESAMPLES = 9999


def _difference(a, b, axis=-1):
    return np.mean(a, axis=axis) - np.mean(b, axis=axis)


def hedges_g(a, b) -> float:
    """(mean a − mean b) / pooled sd, times 1 − 3/(4(n_a + n_b) − 9); ±inf when both samples are constant."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    na, nb = len(a), len(b)
    pooled = math.sqrt(((na - 1) * a.var(ddof=1) + (nb - 1) * b.var(ddof=1)) / (na + nb - 2))
    diff = a.mean() - b.mean()
    if pooled == 0:
        return 0.0 if diff == 0 else math.copysign(math.inf, diff)
    return float(diff / pooled * (1 - 3 / (4 * (na + nb) - 9)))


def compare(
    system, control, direction: str = "greater", alpha: float = 0.01, resamples: int = RESAMPLES, rng=0
) -> dict:
    """The row's statistics (see the module docstring): means, difference, interval, p, g, separated."""
    if direction not in ("greater", "less"):
        raise ValueError(f"direction must be 'greater' or 'less', got {direction!r}")
    a, b = np.asarray(system, dtype=float), np.asarray(control, dtype=float)
    a, b = a[np.isfinite(a)], b[np.isfinite(b)]
    out = {
        "n_system": len(a),
        "n_control": len(b),
        "system_mean": _mean(a),
        "control_mean": _mean(b),
        "difference": _mean(a) - _mean(b),
        "ci_low": math.nan,
        "ci_high": math.nan,
        "p_value": math.nan,
        "effect_size": math.nan,
        "separated": False,
    }
    if len(a) < 2 or len(b) < 2:
        return out
    generator = np.random.default_rng(rng)
    test = stats.permutation_test(
        (a, b),
        _difference,
        permutation_type="independent",
        vectorized=True,
        n_resamples=resamples,
        alternative=direction,
        random_state=generator,
    )
    low, high = _interval(a, b, resamples, generator)
    p = float(test.pvalue)
    on_side = low > 0 if direction == "greater" else high < 0
    out.update(ci_low=low, ci_high=high, p_value=p, effect_size=hedges_g(a, b), separated=bool(p < alpha and on_side))
    return out


def _interval(a, b, resamples, generator) -> tuple[float, float]:
    """The 95 % bootstrap interval of mean(a) − mean(b): BCa, or percentile where BCa is undefined."""
    if np.ptp(a) == 0 and np.ptp(b) == 0:
        d = float(a[0] - b[0])
        return d, d
    for method in ("BCa", "percentile"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = stats.bootstrap(
                (a, b),
                _difference,
                vectorized=True,
                paired=False,
                confidence_level=0.95,
                n_resamples=resamples,
                method=method,
                random_state=generator,
            )
        low, high = float(result.confidence_interval.low), float(result.confidence_interval.high)
        if math.isfinite(low) and math.isfinite(high):
            return low, high
    return math.nan, math.nan


def _mean(a) -> float:
    return float(np.mean(a)) if len(a) else math.nan


def loglog_slope(sizes, values) -> float:
    """The least-squares slope of log(values) against log(sizes): the exponent b of values ∝ size^b."""
    x, y = np.log(np.asarray(sizes, dtype=float)), np.asarray(values, dtype=float)
    keep = np.isfinite(y) & (y > 0)
    if keep.sum() < 2:
        return math.nan
    return float(np.polyfit(x[keep], np.log(y[keep]), 1)[0])
