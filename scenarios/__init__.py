"""Named, parameterised experiments with their explanations, in one registry."""

from scenarios.registry import SCENARIOS, Info, Scenario, get, register
from scenarios import network  # noqa: F401  (registers the network scenarios)
from scenarios import hive  # noqa: F401
from scenarios import lottery  # noqa: F401  (the lottery-ticket scenario)

__all__ = ["SCENARIOS", "Info", "Scenario", "get", "register"]
