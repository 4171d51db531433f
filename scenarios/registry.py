"""Named scenarios: a plain mapping of model keyword arguments plus its explanation."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import model

SYSTEMS = {"network": "NetworkModel", "hive": "HiveModel"}


@dataclass(frozen=True)
class Info:
    """A scenario's explanation, on NetLogo's Info-tab template."""

    what_is_it: str
    how_it_works: str
    how_to_use_it: str
    things_to_notice: str
    things_to_try: str
    extending_the_model: str = ""
    related_models: str = ""
    credits_and_references: str = ""

    SECTIONS = {
        "what_is_it": "What is it?",
        "how_it_works": "How it works",
        "how_to_use_it": "How to use it",
        "things_to_notice": "Things to notice",
        "things_to_try": "Things to try",
        "extending_the_model": "Extending the model",
        "related_models": "Related models",
        "credits_and_references": "Credits and references",
    }

    def sections(self) -> list[tuple[str, str]]:
        """(heading, text) pairs, skipping empty sections."""
        return [(title, getattr(self, key)) for key, title in self.SECTIONS.items() if getattr(self, key)]

    def as_markdown(self) -> str:
        return "\n\n".join(f"## {title}\n\n{text}" for title, text in self.sections())


@dataclass(frozen=True)
class Scenario:
    """A named experiment: which model, its keyword arguments, how long to run, and why."""

    name: str
    system: str
    params: Mapping[str, Any]
    info: Info
    steps: int = 1000
    title: str = ""
    tags: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self):
        if self.system not in SYSTEMS:
            raise ValueError(f"scenario {self.name!r}: system must be one of {sorted(SYSTEMS)}, not {self.system!r}")
        try:  # every key a parameter of the model, every value one it accepts (model/parameters.py)
            self.model_class.parameters.validate(self.params)
        except ValueError as error:
            raise ValueError(f"scenario {self.name!r}: {error}") from None
        object.__setattr__(self, "params", MappingProxyType(dict(self.params)))

    @property
    def model_class(self):
        """The Mesa model class this scenario builds."""
        return getattr(model, SYSTEMS[self.system])

    def parameters(self, **overrides) -> dict[str, Any]:
        """The scenario's keyword arguments with `overrides` applied, checked against the model."""
        self.model_class.parameters.check_names(overrides)  # unknown names, with a suggestion
        return {**self.params, **overrides}

    def build(self, **overrides):
        """A fresh model with this scenario's parameters and `overrides` (e.g. rng=1)."""
        return self.model_class(**self.parameters(**overrides))


def model_parameters(model_class) -> list[str]:
    """The keyword arguments a model's constructor takes, as its declaration lists them."""
    return list(model_class.parameters.names)


SCENARIOS: dict[str, Scenario] = {}


def register(scenario: Scenario) -> Scenario:
    """Add a scenario to the registry (names are unique)."""
    if scenario.name in SCENARIOS:
        raise ValueError(f"a scenario named {scenario.name!r} is already registered")
    SCENARIOS[scenario.name] = scenario
    return scenario


def get(name: str) -> Scenario:
    """The scenario called `name`; a ValueError listing the valid names otherwise."""
    try:
        return SCENARIOS[name]
    except KeyError:
        close = difflib.get_close_matches(name, SCENARIOS, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise ValueError(f"unknown scenario {name!r}.{hint} Valid ones: {', '.join(SCENARIOS)}") from None
