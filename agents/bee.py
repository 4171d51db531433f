"""A worker bee: a response-threshold agent of nest thermoregulation (Bonabeau, Theraulaz & Deneubourg)."""

from __future__ import annotations

import math

import mesa
import numpy as np

IDLE, FAN, HEAT = 0, 1, 2
STATE_NAMES = {IDLE: "idle", FAN: "fan", HEAT: "heat"}


class Bee(mesa.Agent):
    """A worker that fans when the nest feels too hot and heats it when it feels too cold."""

    # The colony keeps every bee's state in one array and hands each bee its slot (states[index]) and this
    # tick's two uniform draws (chances[:, index]: one to quit, one for the soft response); the bee is a view
    # onto them. A bee that quits is idle at once and may take up a task again on the same snapshot, so it
    # keeps working while the stimulus lasts and stops soon after it ends.

    def __init__(
        self,
        model: mesa.Model,
        index: int,
        theta_fan: float,
        theta_heat: float,
        patriline: int,
        states: np.ndarray,
        chances: np.ndarray,
        p_quit: float = 0.2,
        beta: float = 0.0,
    ):
        super().__init__(model)
        self.index = index
        self.theta_fan = float(theta_fan)
        self.theta_heat = float(theta_heat)
        self.patriline = int(patriline)
        self.p_quit = float(p_quit)
        self.beta = float(beta)
        self._states = states
        self._chances = chances

    @property
    def state(self) -> int:
        """IDLE, FAN or HEAT."""
        return int(self._states[self.index])

    @state.setter
    def state(self, value: int) -> None:
        self._states[self.index] = value

    def decide(self, sensed: float) -> None:
        """A working bee quits with probability p_quit; an idle bee fans above theta_fan, heats below theta_heat."""
        quit_chance, response_chance = self._chances[0, self.index], self._chances[1, self.index]
        if self.state != IDLE and quit_chance < self.p_quit:
            self.state = IDLE
        if self.state != IDLE:
            return
        if self.beta == 0:
            if sensed > self.theta_fan:
                self.state = FAN
            elif sensed < self.theta_heat:
                self.state = HEAT
        elif response_chance < self.p_fan(sensed):
            self.state = FAN
        elif response_chance > 1.0 - self.p_heat(sensed):
            self.state = HEAT

    def p_fan(self, sensed: float) -> float:
        """Soft response: the probability that an idle bee starts fanning (logistic, width beta)."""
        return logistic((sensed - self.theta_fan) / self.beta)

    def p_heat(self, sensed: float) -> float:
        """Soft response: the probability that an idle bee starts heating (logistic, width beta)."""
        return logistic((self.theta_heat - sensed) / self.beta)

    def obey(self, order: int) -> None:
        """Central control: take the state the colony's single decider chose."""
        self.state = order

    def __repr__(self) -> str:
        return (
            f"Bee(id={self.unique_id}, patriline={self.patriline}, theta_heat={self.theta_heat:.2f}, "
            f"theta_fan={self.theta_fan:.2f}, state={STATE_NAMES[self.state]})"
        )


def logistic(x: float) -> float:
    """1 / (1 + e^-x), without overflow for large |x|."""
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)
