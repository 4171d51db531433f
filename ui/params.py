"""The page's parameter controls, described from a scenario's mapping and the model's own defaults.

One source of truth: a control's starting value is the scenario's value, else the constructor's default.
This module only describes and checks values; `ui.components` draws the controls.
"""

from __future__ import annotations

import inspect
import math
import re
from dataclasses import dataclass
from collections.abc import Callable
from typing import Any

from model import datasets, functions

AUTO = "auto"  # how a None ("let the model choose") shows in a choice list


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
    applies: Callable[[dict], bool] | None = None  # whether the control matters for these values

    def shown_for(self, values: dict) -> bool:
        """Whether to show the control: hidden when the other values make it meaningless."""
        return self.applies is None or bool(self.applies(values))

    @property
    def title(self) -> str:
        return self.label or self.name


def _log_choices(*values) -> tuple:
    return tuple(values)


def _generator_takes(keyword: str) -> Callable[[dict], bool]:
    """Whether the chosen data set's generator reads `keyword` (a CSV or xor reads neither noise nor size)."""
    def applies(values: dict) -> bool:
        generator = datasets.GENERATORS.get(str(values.get("dataset")))
        return generator is not None and keyword in inspect.signature(generator).parameters
    return applies


NETWORK_SPECS = [
    # Data
    Spec("dataset", "Data", "choice", tuple(datasets.GENERATORS)),
    Spec("n_samples", "Data", "int", low=4, high=5000, help="examples generated (2-D and sequence sets)",
         applies=_generator_takes("n_samples")),
    Spec("noise", "Data", "float", low=0.0, high=2.0, applies=_generator_takes("noise")),
    Spec("test_fraction", "Data", "float", low=0.0, high=0.9, applies=lambda v: v.get("dataset") != "xor"),
    Spec("drift", "Data", "choice", (None, "rotate", "switch"), none="none"),
    Spec("drift_period", "Data", "int", low=1, high=1_000_000, applies=lambda v: v.get("drift") not in (None, "none")),
    Spec("influx", "Data", "bool", label="influx (open system)"),
    Spec("close_at", "Data", "int", low=0, high=1_000_000, optional=True, label="close_at (step; empty: never)"),
    # Network
    Spec("architecture", "Network", "choice", (None, "layered", "random_dag", "recurrent")),
    Spec("hidden", "Network", "sizes", high=2048, label="hidden (layer sizes, e.g. 16,16)"),
    Spec("connection_p", "Network", "float", low=0.0, high=1.0, label="connection_p (random_dag)",
         applies=lambda v: v.get("architecture") == "random_dag"),
    Spec("activation", "Network", "choice", tuple(functions.ACTIVATIONS)),
    Spec("output_activation", "Network", "choice", (None, *functions.ACTIVATIONS)),
    Spec("init", "Network", "choice", ("xavier", "he", "uniform")),
    # Learning
    Spec("loss", "Learning", "choice", (None, *functions.LOSSES)),
    Spec("learning_rate", "Learning", "log", low=1e-5, high=100.0, label="learning_rate (η, any value)"),
    Spec("momentum", "Learning", "choice", (0.0, 0.5, 0.9, 0.99)),
    Spec("weight_decay", "Learning", "choice", _log_choices(0.0, 1e-5, 1e-4, 1e-3, 1e-2)),
    Spec("batch_size", "Learning", "int", low=1, high=4096, optional=True, label="batch_size (empty: auto)"),
    Spec("ticks", "Learning", "int", low=1, high=20, optional=True, label="ticks (empty: auto)"),
    # Run
    Spec("executor", "Run", "choice", ("agents", "vectorized")),
    Spec("eval_every", "Run", "int", low=1, high=10_000, label="eval_every (steps)"),
    Spec("rng", "Run", "int", low=0, high=2**32 - 1, label="seed"),
]
NETWORK_GROUPS = ("Data", "Network", "Learning", "Run")

HIVE_SPECS = [
    Spec("n_bees", "Colony", "int", low=1, high=5000),
    Spec("patrilines", "Colony", "int", low=1, high=100),
    Spec("sigma_between", "Colony", "float", low=0.0, high=5.0, label="sigma_between (°C)"),
    Spec("sigma_within", "Colony", "float", low=0.0, high=5.0, label="sigma_within (°C)"),
    Spec("mu_heat", "Colony", "float", low=20.0, high=45.0, label="mu_heat (°C)"),
    Spec("mu_fan", "Colony", "float", low=20.0, high=45.0, label="mu_fan (°C)"),
    Spec("p_quit", "Behaviour", "float", low=0.0, high=1.0),
    Spec("sensing_delay", "Behaviour", "int", low=0, high=120, label="sensing_delay (min)"),
    Spec("beta", "Behaviour", "float", low=0.0, high=100.0, label="beta (0: sharp thresholds)"),
    Spec("control", "Behaviour", "choice", ("bees", "thermostat", "open_loop")),
    Spec("weather", "Weather", "choice", ("daily", "constant")),
    Spec("outside_mean", "Weather", "float", low=-20.0, high=50.0, label="outside_mean (°C)"),
    Spec("outside_amplitude", "Weather", "float", low=0.0, high=30.0, label="outside_amplitude (°C)"),
    Spec("heat_wave", "Weather", "triple", optional=True, label="heat_wave (start, minutes, +°C)"),
    Spec("remove_fraction", "Weather", "float", low=0.0, high=1.0, label="remove_fraction (scheduled)"),
    Spec("remove_at", "Weather", "int", low=0, high=1_000_000, label="remove_at (min)"),
    Spec("executor", "Run", "choice", ("agents", "vectorized")),
    Spec("rng", "Run", "int", low=0, high=2**32 - 1, label="seed"),
]
HIVE_GROUPS = ("Colony", "Behaviour", "Weather", "Run")

DEFAULT_SEED = 42


def specs_for(system: str) -> tuple[list[Spec], tuple[str, ...]]:
    """The controls and their groups for a system ("network" or "hive")."""
    return (NETWORK_SPECS, NETWORK_GROUPS) if system == "network" else (HIVE_SPECS, HIVE_GROUPS)


def constructor_defaults(model_class) -> dict[str, Any]:
    """The keyword defaults of a model's constructor."""
    sig = inspect.signature(model_class.__init__)
    return {k: p.default for k, p in sig.parameters.items() if p.default is not inspect.Parameter.empty}


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
        try:  # "16,16", "16 16", "(4,)" and "[16, 16]" all mean what they say
            sizes = tuple(int(part) for part in re.split(r"[\s,]+", text.strip().strip("()[]")) if part)
        except ValueError:
            raise ValueError(f"{spec.name}: write whole numbers separated by commas, e.g. 16,16 (got {text!r})") from None
        if not sizes or any(s < 1 or s > spec.high for s in sizes):
            raise ValueError(f"{spec.name}: each layer needs 1 to {spec.high:g} neurons (got {text!r})")
        return sizes[0] if len(sizes) == 1 else sizes
    if spec.kind == "triple":
        text = show(raw) if not isinstance(raw, str) else raw
        try:
            start, duration, delta = (float(p) for p in text.split(","))
        except ValueError:
            raise ValueError(f"{spec.name}: write start minute, duration in minutes and +°C, e.g. 1440,720,8 "
                             f"(got {text!r})") from None
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
            raise ValueError(f"{spec.name} must lie between {spec.low:g} and {spec.high:g}; got {number:g}")
        return int(number) if spec.kind == "int" else number
    raise AssertionError(f"unknown control kind {spec.kind}")


def to_kwargs(system: str, values: dict[str, Any]) -> dict[str, Any]:
    """Every control's value parsed into model keywords; the first bad one raises ValueError."""
    specs, _ = specs_for(system)
    return {s.name: parse(s, values.get(s.name)) for s in specs if s.name in values}

