"""A sweep's results read as BehaviorSpace shows them: mean and spread over seeds per combination."""

from __future__ import annotations

import pandas as pd


def summarize(frame: pd.DataFrame, by=(), parameters=()) -> pd.DataFrame:
    """Mean and standard deviation over seeds of each run's last reported row, one line per combination of
    the columns `by` (BehaviorSpace's view of a sweep): `runs`, `errors`, then `<reporter> mean` and
    `<reporter> std` for every numeric column that is neither an identifier nor one of `parameters`.
    Failed runs count in `runs` and `errors` only; std needs two runs (NaN otherwise)."""
    by = list(by)
    last = frame.sort_values(["RunId", "Step"], kind="stable").groupby("RunId", sort=False).tail(1)
    failed = last["error"].fillna("").astype(str) != "" if "error" in last else pd.Series(False, index=last.index)
    ignore = {"RunId", "iteration", "Step", "rng", "seed", "error", "status", *by, *parameters}
    reporters = [
        c
        for c in last.columns
        if c not in ignore and pd.api.types.is_numeric_dtype(last[c]) and not pd.api.types.is_bool_dtype(last[c])
    ]
    keys = by or ["_all"]
    last = last.assign(_all=0, _failed=failed)
    counts = last.groupby(keys, sort=True, dropna=False).agg(runs=("RunId", "size"), errors=("_failed", "sum"))
    stats = last[~last["_failed"]].groupby(keys, sort=True, dropna=False)[reporters].agg(["mean", "std"])
    stats.columns = [f"{name} {stat}" for name, stat in stats.columns]
    summary = counts.join(stats).reset_index()
    return summary.drop(columns=["_all"]) if not by else summary
