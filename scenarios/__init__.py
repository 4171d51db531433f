"""Named, parameterised experiments with their explanations, in one registry."""

from scenarios import hive, network  # noqa: F401 - importing them registers their scenarios
from scenarios.registry import SCENARIOS, Info, Scenario, get, register

__all__ = ["SCENARIOS", "Info", "Scenario", "get", "register"]
