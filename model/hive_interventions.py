"""What can be done to a running colony (mixed into `HiveModel` from model/hive.py): perturbations (a heat
wave, removing bees) and the instruments' interventions (silence, clamp, freeze the response).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from agents.bee import IDLE, Bee
from model.parameters import HIVE

# The interventions' arguments, checked like the constructor's (model/parameters.py).
_FRACTION = replace(HIVE["remove_fraction"], name="fraction", default=None)
_HOW = replace(HIVE["remove_how"], name="how")
_HEAT_WAVE = replace(HIVE["heat_wave"], name="heat wave")
_CLAMP = replace(HIVE["initial_temperature"], name="temperature", optional=True, none="released")


class HiveInterventions:
    """Perturbations and interventions on a `HiveModel`."""

    # --- perturbations -----------------------------------------------------------------------------
    def start_heat_wave(self, duration: int, delta: float):
        """From this tick on, the outside is `delta` °C hotter for `duration` ticks (replaces any heat wave)."""
        event = _HEAT_WAVE.check((self.tick, duration, delta))
        self.weather.heat_wave = event

    def remove_bees(self, fraction: float, how: str = "random") -> int:
        """Remove a fraction of the living bees, at random or lowest fanning thresholds first; return how many."""
        _FRACTION.check(fraction)
        _HOW.check(how)
        living = np.flatnonzero(self.alive)
        k = int(round(fraction * len(living)))
        if k == 0:
            return 0
        if how == "random":
            chosen = self.rng.choice(living, size=k, replace=False)
        else:
            chosen = living[np.argsort(self.theta_fan[living], kind="stable")[:k]]
        for i in chosen:
            self.states[i] = IDLE
            self.alive[i] = False
            self.colony[i].remove()
        if self.decider is not None and not self.alive[self.decider.index]:
            self.decider = self._choose_decider()
        self._count()
        return k

    # --- interventions for the instruments (model/measures) ------------------------------------------
    def silence(self, bees, silenced: bool = True) -> None:
        """Lesion these bees (by index; silenced=False restores them): alive, but they never heat or fan."""
        index = np.atleast_1d(np.asarray(bees, dtype=int))
        bad = [int(i) for i in index if not 0 <= i < self.n_bees]
        if bad:
            raise ValueError(f"no bee has index {bad}: indices run 0..{self.n_bees - 1}")
        self.silenced[index] = bool(silenced)
        self.states[self.silenced] = IDLE
        self._count()

    def clamp(self, temperature: float | None) -> None:
        """Hold the nest temperature at `temperature` after every tick (None releases it): the macro variable set from outside."""
        _CLAMP.check(temperature)
        self.clamped = None if temperature is None else float(temperature)

    def freeze_response(self, frozen: bool = True) -> None:
        """Cut the feedback loop: bees act on the open-loop plan instead of the sensed temperature (False restores it)."""
        if self.control == "thermostat":
            raise ValueError("freeze_response works on a colony of bees (control='bees'), not on the thermostat")
        self.control = "open_loop" if frozen else "bees"
        if frozen and not hasattr(self, "_plan_levels"):
            self._write_plan()

    def _choose_decider(self) -> Bee | None:
        """Central control: the living bee whose fanning threshold is the colony's median."""
        living = np.flatnonzero(self.alive)
        if len(living) == 0:
            return None
        order = living[np.argsort(self.theta_fan[living], kind="stable")]
        return self.colony[order[(len(order) - 1) // 2]]
