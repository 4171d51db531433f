"""The plan of a sweep: every run (its keyword arguments, seed and row head), checked before any starts.

Parameters expand by `mesa.batch_run`'s rule; see model/sweep/__init__.py for the contract.
"""

from __future__ import annotations

import difflib
import inspect
import itertools
import math
import pickle
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np

from model.declaration import Declaration

_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


@dataclass
class _Run:
    run_id: int
    iteration: int
    seed: object
    kwargs: dict
    row: dict  # RunId, iteration, the parameters (as written) and the seed: the head of each of its rows


class _Plan:
    """The validated sweep: parameters expanded lazily, so a million runs cost no memory up front."""

    def __init__(self, model_cls, parameters, rng, max_steps, data_collection_period):
        if not inspect.isclass(model_cls):
            raise TypeError(f"model_cls must be a model class, got {model_cls!r}")
        if not isinstance(parameters, Mapping):
            raise TypeError(f"parameters must be a mapping of keyword to value(s), got {type(parameters).__name__}")
        named, takes_any = _keywords(model_cls)
        self.rng_name = "seed" if "seed" in named else "rng"  # batch_run's rule
        if self.rng_name not in named and not takes_any:
            raise ValueError(f"{model_cls.__name__} takes no rng= keyword: sweeps seed every run through it")
        valid = [k for k in named if k not in ("rng", "seed")]
        for key in parameters:
            if key in ("rng", "seed"):
                raise ValueError(f"give seeds with sweep(..., rng=[...]), not as the parameter {key!r}")
            if key not in valid and not takes_any:
                close = difflib.get_close_matches(str(key), valid, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise ValueError(
                    f"unknown parameter {key!r}{hint} for {model_cls.__name__}; valid ones are: {', '.join(valid)}"
                )
        self.model_cls = model_cls
        self.keys = list(parameters)
        self.values = [_expand(key, value) for key, value in parameters.items()]
        self.written = [_as_written(values) for values in self.values]
        if rng is None or isinstance(rng, str) or not isinstance(rng, Iterable):
            seeds = [rng]
        else:
            seeds = list(rng)
        if not seeds:
            raise ValueError("rng is an empty list: give at least one seed (or None for one unseeded run)")
        self.seeds, self.seeds_written = seeds, _as_written(seeds)
        if isinstance(max_steps, bool) or not isinstance(max_steps, Integral) or max_steps < 0:
            raise ValueError(f"max_steps must be a whole number >= 0, got {max_steps!r}")
        if (
            isinstance(data_collection_period, bool)
            or not isinstance(data_collection_period, Integral)
            or not (data_collection_period == -1 or data_collection_period >= 1)
        ):
            raise ValueError(
                f"data_collection_period must be -1 (final state only) or >= 1, got {data_collection_period!r}"
            )
        self.max_steps, self.period = int(max_steps), int(data_collection_period)
        self.per_seed = math.prod(len(v) for v in self.values)
        self.total = self.per_seed * len(self.seeds)

    def runs(self):
        """Every run, in batch_run's order: seeds outer, parameter combinations inner."""
        run_id = 0
        for iteration, (seed, seed_written) in enumerate(zip(self.seeds, self.seeds_written)):
            for combo in itertools.product(*(range(len(v)) for v in self.values)):
                kwargs = {k: self.values[j][i] for j, (k, i) in enumerate(zip(self.keys, combo))}
                kwargs[self.rng_name] = seed
                row = {"RunId": run_id, "iteration": iteration}
                row.update((k, self.written[j][i]) for j, (k, i) in enumerate(zip(self.keys, combo)))
                row[self.rng_name] = seed_written
                yield _Run(run_id, iteration, seed, kwargs, row)
                run_id += 1

    def manifest(self) -> dict:
        """What identifies this sweep, so that resume refuses a folder written by another one."""
        cls = self.model_cls
        return {
            "format": 1,
            "model": f"{cls.__module__}.{cls.__qualname__}",
            "parameters": {str(k): [_label(v) for v in values] for k, values in zip(self.keys, self.values)},
            self.rng_name: [_label(s) for s in self.seeds],
            "max_steps": self.max_steps,
            "data_collection_period": self.period,
            "runs": self.total,
        }


def _keywords(model_cls) -> tuple[list[str], bool]:
    """The keywords a model takes, from its declaration (model/parameters.py) when it has one, else from its
    constructor's signature; and whether it takes any keyword (**kwargs)."""
    declaration = getattr(model_cls, "parameters", None)
    if isinstance(declaration, Declaration):
        return list(declaration.names), False
    signature = inspect.signature(model_cls.__init__).parameters
    named = [k for k, p in signature.items() if k != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    return named, any(p.kind == p.VAR_KEYWORD for p in signature.values())


def _expand(key, value) -> list:
    """batch_run's rule (a string, or anything not iterable, is one value); an empty iterable is refused."""
    if isinstance(value, str):
        return [value]
    try:
        values = list(value)
    except TypeError:
        return [value]
    if not values:
        raise ValueError(
            f"parameter {key!r} has an empty list of values: give at least one, "
            "or leave it out to use the model's default"
        )
    return values


def _as_written(values: list) -> list:
    """How a parameter's values go into the rows: one type per column (see the module docstring)."""
    present = [v for v in values if v is not None]
    if all(isinstance(v, (bool, np.bool_)) for v in present):
        return [None if v is None else bool(v) for v in values]
    if all(isinstance(v, Integral) and not isinstance(v, (bool, np.bool_)) for v in present):
        return [None if v is None else int(v) for v in values]
    if all(isinstance(v, Real) and not isinstance(v, (bool, np.bool_)) for v in present):
        return [None if v is None else float(v) for v in values]
    if all(isinstance(v, str) for v in present):
        return list(values)
    return [None if v is None else v if isinstance(v, str) else _label(v) for v in values]


def _label(value) -> str:
    return _ADDRESS.sub("", repr(value))


def _check_picklable(plan: _Plan):
    """A process pool pickles the model class and its arguments: say so now, not once per run."""
    try:
        pickle.dumps(plan.model_cls)
    except Exception as exc:  # noqa: BLE001
        raise ValueError(
            f"{plan.model_cls.__qualname__} cannot be sent to worker processes ({exc}): define it at "
            "the top level of an importable module"
        ) from None
    for key, values in zip(plan.keys, plan.values):
        for value in values:
            try:
                pickle.dumps(value)
            except Exception as exc:  # noqa: BLE001
                raise ValueError(
                    f"parameter {key!r}: the value {_label(value)} cannot be sent to worker processes ({exc})"
                ) from None
