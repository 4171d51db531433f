"""The page's parameter controls, generated from each model's declaration (model/parameters.py).

A control's kind, range, choices and help come from the declaration; this module only chooses which
parameters the app shows and how they are labelled. A control's starting value is the scenario's value,
else the declared default. `ui.components` draws the controls.
"""

from __future__ import annotations

import inspect
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from model import HiveModel, NetworkModel, datasets
from model.declaration import Parameter

AUTO = "auto"  # how a None ("let the model choose") shows in a choice list
DEFAULT_SEED = 42


@dataclass(frozen=True)
class Spec:
    """One control: its group, kind (choice, int, float, bool, sizes, triple), choices or range."""

    name: str
    group: str
    kind: str
    choices: tuple = ()
    low: float | None = None
    high: float | None = None
    optional: bool = False  # an empty field means None (the model's automatic choice)
    none: str = AUTO  # how None shows in a choice list
    label: str = ""
    help: str = ""
    system: str = ""  # whose declaration checks the value ("network", "hive"; "" for a page's own control)
    applies: Callable[[dict], bool] | None = None  # whether the control matters, given the other values

    def shown_for(self, values: dict) -> bool:
        """Whether to show the control: hidden when the other values make it meaningless (noise for XOR)."""
        return self.applies is None or bool(self.applies(values))

    @property
    def title(self) -> str:
        return self.label or self.name


MODELS = {"network": NetworkModel, "hive": HiveModel}
# What the app leaves out: objects a browser cannot enter, and what only scripts need.
HIDDEN = {
    "network": {"graph", "history", "snapshot_every"},
    "hive": {"lam", "m0", "h", "c", "dt", "initial_temperature", "day_length", "cold_snap", "outside_series",
             "remove_how", "band", "analyse_after"},
}  # fmt: skip
HIDDEN_CHOICES = {"init": {"graph"}, "weather": {"series"}}  # they need a hidden parameter (graph, outside_series)
LABELS = {
    "influx": "influx (open system)",
    "close_at": "close_at (step; empty: never)",
    "hidden": "hidden (layer sizes, e.g. 16,16)",
    "connection_p": "connection_p (random_dag)",
    "batch_size": "batch_size (empty: auto)",
    "ticks": "ticks (empty: auto)",
    "beta": "beta (0: sharp thresholds)",
    "heat_wave": "heat_wave (start, minutes, +°C)",
    "remove_fraction": "remove_fraction (scheduled)",
    "rng": "seed",
}
KINDS = {"int": "int", "float": "float", "bool": "bool", "choice": "choice", "sizes": "sizes", "tuple": "triple",
         "seed": "int"}  # fmt: skip


def _generator_takes(keyword: str) -> Callable[[dict], bool]:
    """Whether the chosen data set's generator reads `keyword` (a CSV or xor reads neither noise nor size)."""

    def applies(values: dict) -> bool:
        generator = datasets.GENERATORS.get(str(values.get("dataset")))
        return generator is not None and keyword in inspect.signature(generator).parameters

    return applies


APPLIES = {
    "n_samples": _generator_takes("n_samples"),
    "noise": _generator_takes("noise"),
    "test_fraction": lambda v: v.get("dataset") != "xor",  # xor is tested on its own four points
    "drift_period": lambda v: v.get("drift") not in (None, "none"),
    "connection_p": lambda v: v.get("architecture") == "random_dag",
    "fan_in": lambda v: v.get("architecture") == "sparse",
    "sigma_w2": lambda v: v.get("init") == "normal",  # the variances of init="normal" only
    "sigma_b2": lambda v: v.get("init") == "normal",
}
FREE = {"learning_rate": (1e-5, 100.0)}  # a free entry on a log scale, not a list (TensorFlow Playground's lack)
LABELS_FREE = {"learning_rate": "learning_rate (η, any value)"}


def spec(parameter: Parameter, system: str = "") -> Spec:
    """The control for one declared parameter."""
    p = parameter
    label = LABELS.get(p.name) or (f"{p.name} ({p.unit})" if p.unit else p.name)
    high = p.high if p.app_max is None else p.app_max if p.high is None else min(p.high, p.app_max)
    common = dict(
        optional=p.optional,
        none=p.none,
        label=label,
        help=p.help,
        system=system,
        applies=APPLIES.get(p.name) if system == "network" else None,
    )
    if system == "network" and p.name in FREE:
        low, high = FREE[p.name]
        return Spec(p.name, p.group, "log", low=low, high=high, **{**common, "label": LABELS_FREE[p.name]})
    if p.kind == "choice":
        kept = tuple(c for c in p.choices if c not in HIDDEN_CHOICES.get(p.name, ()))
        return Spec(p.name, p.group, "choice", ((None,) if p.optional else ()) + kept, **common)
    if p.suggest:
        return Spec(p.name, p.group, "choice", p.suggest, **common)
    low = 0 if p.kind == "seed" else p.low
    return Spec(p.name, p.group, KINDS[p.kind], low=low, high=high, **common)


def specs_for(system: str) -> tuple[list[Spec], tuple[str, ...]]:
    """The controls and their groups for a system ("network" or "hive"), read from its declaration now."""
    declaration = MODELS[system].parameters
    specs = [spec(p, system) for p in declaration if p.name not in HIDDEN[system]]
    groups = tuple(g for g in declaration.group_order if any(s.group == g for s in specs))
    return specs, groups


NETWORK_SPECS, NETWORK_GROUPS = specs_for("network")
HIVE_SPECS, HIVE_GROUPS = specs_for("hive")


def constructor_defaults(model_class) -> dict[str, Any]:
    """The declared defaults of a model's keywords."""
    return model_class.parameters.defaults()


def initial_values(scenario) -> dict[str, Any]:
    """Each control's starting value: the scenario's value, else the model's default (seed: 42)."""
    specs, _ = specs_for(scenario.system)
    merged = {**constructor_defaults(scenario.model_class), **scenario.params}
    if merged.get("rng") is None:
        merged["rng"] = DEFAULT_SEED
    return {s.name: merged.get(s.name) for s in specs}


def choices_with(spec: Spec, value) -> tuple:
    """The spec's choices, plus `value` if the scenario uses one not on the list (kept in order)."""
    if value in spec.choices or spec.kind != "choice":
        return spec.choices
    if isinstance(value, (int, float)) and all(isinstance(c, (int, float)) for c in spec.choices):
        return tuple(sorted((*spec.choices, value)))
    return (*spec.choices, value)


def show(value, none: str = AUTO) -> str:
    """A value as a control shows it (None as 'auto', tuples as '16,16')."""
    if value is None:
        return none
    if isinstance(value, (tuple, list)):
        return ",".join(f"{v:g}" if isinstance(v, float) else str(v) for v in value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def parse(spec: Spec, raw) -> Any:
    """A control's raw value as the model keyword wants it; ValueError with a message for people."""
    if spec.optional and (raw is None or (isinstance(raw, str) and not raw.strip())):
        return None
    if spec.kind == "choice":
        if raw in (AUTO, spec.none):
            return None
        if isinstance(raw, str):  # as a control or a link shows it: back to the choice itself
            return next((c for c in spec.choices if c is not None and show(c) == raw), raw)
        return raw
    if spec.kind == "bool":
        if isinstance(raw, str):
            if raw.strip().lower() not in ("true", "false", "1", "0"):
                raise ValueError(f"{spec.name} must be true or false, got {raw!r}")
            return raw.strip().lower() in ("true", "1")
        return bool(raw)
    if spec.kind == "sizes":
        text = show(raw) if not isinstance(raw, str) else raw
        try:
            sizes = tuple(int(part) for part in re.split(r"[\s,]+", text.strip().strip("()[]")) if part)
        except ValueError:
            raise ValueError(
                f"{spec.name}: write whole numbers separated by commas, e.g. 16,16 (got {text!r})"
            ) from None
        if not sizes or any(s < 1 or s > spec.high for s in sizes):
            raise ValueError(f"{spec.name}: each layer needs 1 to {spec.high:g} neurons (got {text!r})")
        return sizes[0] if len(sizes) == 1 else sizes
    if spec.kind == "triple":
        text = show(raw) if not isinstance(raw, str) else raw
        try:
            start, duration, delta = (float(p) for p in text.split(","))
        except ValueError:
            raise ValueError(
                f"{spec.name}: write start minute, duration in minutes and +°C, e.g. 1440,720,8 (got {text!r})"
            ) from None
        return (int(start), int(duration), delta)
    if spec.kind in ("int", "float", "log"):
        if raw is None:
            raise ValueError(f"{spec.name}: a number is needed")
        try:
            number = float(raw)
        except (TypeError, ValueError):
            raise ValueError(f"{spec.name}: {raw!r} is not a number") from None
        if not math.isfinite(number):
            raise ValueError(f"{spec.name}: {raw!r} is not a finite number")
        if spec.kind == "int" and number != int(number):
            raise ValueError(f"{spec.name} must be a whole number, got {raw!r}")
        if (spec.low is not None and number < spec.low) or (spec.high is not None and number > spec.high):
            raise ValueError(f"{spec.name} must {_bounds(spec)}; got {number:g}")
        return int(number) if spec.kind == "int" else number
    raise AssertionError(f"unknown control kind {spec.kind}")


def _bounds(spec: Spec) -> str:
    if spec.low is not None and spec.high is not None:
        return f"lie between {spec.low:g} and {spec.high:g}"
    return f"be >= {spec.low:g}" if spec.low is not None else f"be <= {spec.high:g}"


def problem(spec: Spec, raw) -> str:
    """What is wrong with a control's value, to show beside it ("" if nothing)."""
    try:
        value = parse(spec, raw)
        if spec.system and spec.name in MODELS[spec.system].parameters:
            MODELS[spec.system].parameters[spec.name].check(value)
    except ValueError as error:
        return str(error)
    return ""


def to_kwargs(system: str, values: dict[str, Any]) -> dict[str, Any]:
    """Every control's value parsed into model keywords and checked by the model's declaration; the first bad
    one raises ValueError (a ParameterError naming it, when the declaration refuses it)."""
    specs, _ = specs_for(system)
    declaration = MODELS[system].parameters
    kwargs = {s.name: parse(s, values.get(s.name)) for s in specs if s.name in values}
    declaration.validate(kwargs)
    return kwargs
