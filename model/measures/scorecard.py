"""The scorecard: each feature's row compares a system with a control over seeds, with its uncertainty.

The pairs, directions, falsifiers and the statistics are fixed in model/measures/protocol.py; the arms are
computed by model/measures/network_rows.py and hive_rows.py (one seed at a time, sharing the runs of a seed
between rows); model/measures/statistics.py turns the two samples of each row into a verdict.

    card = scorecard("network", seeds=10)             # one row per feature
    card.attrs["per_seed"]                            # feature, arm, seed, value, detail
    scorecard("hive", params={"n_bees": 300, "patrilines": 1})   # any colony: the controls follow it

`absent=("feedback",)` replaces the system arm of those rows by the control built on other seeds (seed +
ABSENT_OFFSET): the feature is then absent from the system itself, and the row should read not separated.
"""

from __future__ import annotations

import math
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pandas as pd
from scipy import stats
from threadpoolctl import threadpool_limits

from model.measures.hive_rows import HiveSeed
from model.measures.network_rows import NetworkSeed
from model.measures.protocol import ALPHA, FEATURES, ROWS, SEEDS, STEPS
from model.measures.statistics import RESAMPLES, compare

# The default systems: the scenarios "moons" and "hive-day" (scenarios/network.py, scenarios/hive.py).
DEFAULT_PARAMS = {
    "network": {"dataset": "moons", "noise": 0.1, "hidden": (16, 16), "learning_rate": 0.1, "batch_size": 32},
    "hive": {"n_bees": 300, "patrilines": 15},
}
ABSENT_OFFSET = 500
SEEDERS = {"network": NetworkSeed, "hive": HiveSeed}
COLUMNS = [
    "feature",
    "design",
    "measure",
    "unit",
    "control",
    "direction",
    "system_mean",
    "control_mean",
    "difference",
    "ci_low",
    "ci_high",
    "p_value",
    "effect_size",
    "separated",
    "n_system",
    "n_control",
    "system_seeds",
    "control_seeds",
    "falsifiable",
    "detail",
]


def seed_values(
    system: str, params: dict, seed: int, steps: int, features=FEATURES, absent=(), progress=None
) -> list[dict]:
    """Both arms of each row for one seed: [{feature, arm, seed, value, detail}, ...]."""
    here = SEEDERS[system](params, seed, steps)
    elsewhere = SEEDERS[system](params, seed + ABSENT_OFFSET, steps) if absent else None
    rows = []
    with threadpool_limits(1):  # one BLAS thread: on a shared machine more threads make small solves far slower
        for feature in features:
            source = elsewhere if feature in absent else here
            for arm, (who, which) in (
                ("system", (source, "control" if feature in absent else "system")),
                ("control", (here, "control")),
            ):
                value, detail = who.value(feature, which)
                rows.append({"feature": feature, "arm": arm, "seed": seed, "value": float(value), "detail": detail})
            if progress is not None:
                progress.update(1)
    return rows


def scorecard(
    system: str = "network",
    seeds: int | list[int] = SEEDS,
    steps: int = STEPS,
    params: dict | None = None,
    features=None,
    absent=(),
    progress=None,
    workers: int = 1,
    resamples: int = RESAMPLES,
) -> pd.DataFrame:
    """One row per feature (columns COLUMNS); `attrs` holds "per_seed" (the long table) and "protocol"."""
    if system not in ROWS:
        raise ValueError(f"system must be 'network' or 'hive', not {system!r}")
    seed_list = list(range(1, seeds + 1)) if isinstance(seeds, int) else [int(s) for s in seeds]
    if len(seed_list) < 2 or len(set(seed_list)) != len(seed_list):
        raise ValueError(f"seeds must give at least 2 distinct seeds per arm (a comparison needs two), got {seeds!r}")
    if not isinstance(steps, int) or steps < 200:
        raise ValueError(f"steps must be an integer >= 200 (the series measures need them), got {steps!r}")
    features = tuple(FEATURES if features is None else features)
    unknown = [f for f in (*features, *absent) if f not in FEATURES]
    if unknown:
        raise ValueError(f"unknown feature(s) {unknown}; the features are {', '.join(FEATURES)}")
    if not isinstance(workers, int) or workers < 1:
        raise ValueError(f"workers must be an integer >= 1, got {workers!r}")
    params = {**DEFAULT_PARAMS[system], **(params or {})}
    params = {k: v for k, v in params.items() if k not in ("rng", "executor")}

    long = []
    if workers == 1:
        for seed in seed_list:
            long += seed_values(system, params, seed, steps, features, tuple(absent), progress)
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            jobs = [pool.submit(seed_values, system, params, s, steps, features, tuple(absent)) for s in seed_list]
            for job in jobs:
                long += job.result()
                if progress is not None:
                    progress.update(len(features))
    per_seed = pd.DataFrame(long, columns=["feature", "arm", "seed", "value", "detail"])
    card = pd.DataFrame([_row(system, f, per_seed, resamples) for f in features], columns=COLUMNS)
    per_seed.insert(0, "system", system)
    card.attrs["per_seed"] = per_seed
    card.attrs["protocol"] = {
        "system": system,
        "params": params,
        "steps": steps,
        "seeds": seed_list,
        "absent": list(absent),
        "alpha": ALPHA,
    }
    return card


def _slopes(values: dict) -> str:
    """Each arm's mean log-log slope with its 95 % bootstrap interval (BCa, over seeds)."""
    parts = []
    for arm, v in values.items():
        v = v[np.isfinite(v)]
        if len(v) < 2 or np.ptp(v) == 0:
            parts.append(f"{arm} slope {np.mean(v) if len(v) else math.nan:.3g}")
            continue
        ci = stats.bootstrap((v,), np.mean, n_resamples=RESAMPLES, random_state=0).confidence_interval
        parts.append(f"{arm} slope {np.mean(v):.3g} [{ci.low:.3g}, {ci.high:.3g}]")
    return ", ".join(parts)


def _row(system: str, feature: str, per_seed: pd.DataFrame, resamples: int) -> dict:
    row = next(r for r in ROWS[system] if r.feature == feature)
    mine = per_seed[per_seed["feature"] == feature]
    values = {arm: mine.loc[mine["arm"] == arm, "value"].to_numpy(dtype=float) for arm in ("system", "control")}
    stats = compare(values["system"], values["control"], row.direction, alpha=ALPHA, resamples=resamples)
    reasons = [d for d, v in zip(mine["detail"], mine["value"]) if not math.isfinite(v) and d]
    first = {arm: next((d for d in mine.loc[mine["arm"] == arm, "detail"] if d), "") for arm in ("system", "control")}
    detail = "; ".join(f"{arm}: {text}" for arm, text in first.items() if text)
    if reasons:
        detail = f"{len(reasons)} value(s) NaN: {reasons[0]}. " + detail
    if row.design == "scaling curve":
        detail = _slopes(values) + "; " + detail
    return {
        "feature": feature,
        "design": row.design,
        "measure": row.measure,
        "unit": row.unit,
        "control": row.control,
        "direction": row.direction,
        **{
            k: stats[k]
            for k in (
                "system_mean",
                "control_mean",
                "difference",
                "ci_low",
                "ci_high",
                "p_value",
                "effect_size",
                "separated",
                "n_system",
                "n_control",
            )
        },
        "system_seeds": np.round(values["system"], 4).tolist(),
        "control_seeds": np.round(values["control"], 4).tolist(),
        "falsifiable": row.falsifiable,
        "detail": detail,
    }
