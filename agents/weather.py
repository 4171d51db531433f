"""The hive's environment: the outside air temperature, tick by tick."""

from __future__ import annotations

import math
from collections.abc import Sequence

import mesa

KINDS = ("daily", "constant", "series")


class Weather(mesa.Agent):
    """The outside air: a daily cycle, a constant or a user's series, plus heat waves and cold snaps."""

    def __init__(
        self,
        model: mesa.Model,
        kind: str = "daily",
        mean: float = 25.0,
        amplitude: float = 8.0,
        day_length: float = 1440.0,
        dt: float = 1.0,
        heat_wave: tuple[int, int, float] | None = None,
        cold_snap: tuple[int, int, float] | None = None,
        series: Sequence[float] | None = None,
    ):
        super().__init__(model)
        self.kind = kind
        self.mean = float(mean)
        self.amplitude = float(amplitude)
        self.day_length = float(day_length)
        self.dt = float(dt)
        self.heat_wave = heat_wave
        self.cold_snap = cold_snap
        self.series = None if series is None else [float(v) for v in series]
        self.outside = self.at(0)

    def base(self, tick: int) -> float:
        """The undisturbed outside temperature at `tick`: cycle, constant or series (which repeats)."""
        if self.kind == "constant":
            return self.mean
        if self.kind == "series":
            return self.series[tick % len(self.series)]
        return self.mean + self.amplitude * math.sin(2 * math.pi * tick * self.dt / self.day_length)

    def at(self, tick: int) -> float:
        """The outside temperature at `tick`: the base plus a heat wave, minus a cold snap, while they last."""
        t = self.base(tick)
        if self.heat_wave is not None and _during(self.heat_wave, tick):
            t += self.heat_wave[2]
        if self.cold_snap is not None and _during(self.cold_snap, tick):
            t -= self.cold_snap[2]
        return t

    def update(self, tick: int) -> float:
        """Set and return the outside temperature for `tick`."""
        self.outside = self.at(tick)
        return self.outside

    def __repr__(self) -> str:
        extras = "".join(
            f", {name}={value}"
            for name, value in (("heat_wave", self.heat_wave), ("cold_snap", self.cold_snap))
            if value
        )
        return f"Weather({self.kind}, mean={self.mean:g} °C{extras}, outside={self.outside:.2f} °C)"


def _during(event: tuple[int, int, float], tick: int) -> bool:
    """Whether `tick` falls in the event's window [start, start + duration)."""
    start, duration, _ = event
    return start <= tick < start + duration
