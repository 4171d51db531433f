"""The hive: a honey-bee colony that holds its brood at 34-36 °C with no bee in charge.

A response-threshold model of nest thermoregulation (Jones et al., Science 2004; Bonabeau, Theraulaz
& Deneubourg 1996). One tick is one minute: the weather sets the
outside temperature, every bee senses the nest temperature of `sensing_delay` ticks ago and decides
on that same snapshot, and then the nest temperature moves once, by a lumped heat balance whose
capacities refer to the initial colony (so removing bees removes capacity).
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Sequence

import mesa
import numpy as np

from agents.bee import FAN, HEAT, IDLE, Bee
from agents.weather import Weather
from model.clock import QuickClock
from model.hive_interventions import HiveInterventions
from model.measures.regulation import high_frequency, task_swings
from model.parameters import CONTROLS, HIVE, HIVE_EXECUTORS, REMOVAL_RULES  # noqa: F401 - as before
from model.recording import ScalarCollector

EXECUTORS = HIVE_EXECUTORS


def temperature(model: HiveModel) -> float:
    """The brood-nest temperature T (°C)."""
    return model.temperature


def outside(model: HiveModel) -> float:
    """The outside temperature used in the last tick (°C)."""
    return model.outside


def fanning(model: HiveModel) -> float:
    """The fraction of living bees fanning."""
    return model.fanning_fraction


def heating(model: HiveModel) -> float:
    """The fraction of living bees heating."""
    return model.heating_fraction


def alive(model: HiveModel) -> int:
    """The number of living bees."""
    return model.n_alive


def in_band(model: HiveModel) -> int:
    """1 if T lies in the brood band (34-36 °C by default), else 0."""
    low, high = model.band
    return int(low <= model.temperature <= high)


assert IDLE == 0  # the vectorised tick clears and sets states by arithmetic on that


class HiveModel(QuickClock, HiveInterventions, mesa.Model):
    """A colony of response-threshold bees regulating its brood temperature against the weather."""

    parameters = HIVE  # every keyword's kind, default, range or choices, group, unit and help

    def __init__(
        self,
        n_bees: int = 300,
        patrilines: int = 15,
        sigma_between: float = 0.75,
        sigma_within: float = 0.1,
        mu_heat: float = 34.5,
        mu_fan: float = 35.5,
        p_quit: float = 0.2,
        sensing_delay: int = 5,
        beta: float = 0.0,
        lam: float = 1 / 120,
        m0: float = 0.05,
        h: float = 0.25,
        c: float = 0.15,
        dt: float = 1.0,
        initial_temperature: float = 35.0,
        weather: str = "daily",
        outside_mean: float = 25.0,
        outside_amplitude: float = 8.0,
        day_length: float = 1440.0,
        heat_wave: tuple[int, int, float] | None = None,
        cold_snap: tuple[int, int, float] | None = None,
        outside_series: Sequence[float] | None = None,
        control: str = "bees",
        remove_fraction: float = 0.0,
        remove_at: int = 1440,
        remove_how: str = "random",
        band: tuple[float, float] = (34.0, 36.0),
        analyse_after: int = 1440,
        executor: str = "agents",
        rng=None,
    ):
        # Every value is checked against the declaration (model/parameters.py) before any bee exists.
        HIVE.validate({name: value for name, value in locals().items() if name in HIVE})
        super().__init__(
            rng=int(rng) if isinstance(rng, np.integer) else rng
        )  # Mesa seeds random.Random: no numpy ints

        self.n_bees = int(n_bees)
        self.patrilines = int(patrilines)
        self.sigma_between = float(sigma_between)
        self.sigma_within = float(sigma_within)
        self.mu_heat = float(mu_heat)
        self.mu_fan = float(mu_fan)
        self.p_quit = float(p_quit)
        self.sensing_delay = int(sensing_delay)
        self.beta = float(beta)
        self.lam, self.m0, self.h, self.c, self.dt = float(lam), float(m0), float(h), float(c), float(dt)
        self.control = control
        self.remove_fraction = float(remove_fraction)
        self.remove_at = int(remove_at)
        self.remove_how = remove_how
        self.band = (float(band[0]), float(band[1]))
        self.analyse_after = int(analyse_after)
        self.executor = executor
        self.running = True

        self.weather = Weather(
            self,
            kind=weather,
            mean=outside_mean,
            amplitude=outside_amplitude,
            day_length=day_length,
            dt=dt,
            heat_wave=None if heat_wave is None else tuple(heat_wave),
            cold_snap=None if cold_snap is None else tuple(cold_snap),
            series=outside_series,
        )

        # Thresholds: a normal offset per patriline, a smaller one per bee, shared by both tasks.
        eta = self.rng.normal(0.0, self.sigma_between, self.patrilines)
        self.patriline = self.rng.integers(0, self.patrilines, self.n_bees) + 1
        offset = eta[self.patriline - 1] + self.rng.normal(0.0, self.sigma_within, self.n_bees)
        self.theta_fan = self.mu_fan + offset
        self.theta_heat = self.mu_heat + offset
        order = np.argsort(offset, kind="stable")  # both thresholds rise with the offset (float rounding is monotone)
        self._rank = np.empty(self.n_bees, dtype=np.int32)
        self._rank[order] = np.arange(self.n_bees)
        self._fan_sorted, self._heat_sorted = self.theta_fan[order], self.theta_heat[order]
        assert np.all(np.diff(self._fan_sorted) >= 0) and np.all(np.diff(self._heat_sorted) >= 0)
        self.states = np.full(self.n_bees, IDLE, dtype=np.int8)
        self.chances = np.zeros((2, self.n_bees))  # per tick: a quit draw and a response draw per bee (see step)
        self.alive = np.ones(self.n_bees, dtype=bool)
        self.colony = [
            Bee(self, i, self.theta_fan[i], self.theta_heat[i], self.patriline[i], self.states, self.chances,
                p_quit=self.p_quit, beta=self.beta)
            for i in range(self.n_bees)
        ]  # fmt: skip
        self.decider = self._choose_decider() if control == "thermostat" else None
        if control == "open_loop":
            self._write_plan()

        self.silenced = np.zeros(self.n_bees, dtype=bool)  # bees that do no work (see silence())
        self.clamped: float | None = None  # a temperature held from outside (see clamp())

        self.tick = 0
        self.temperature = float(initial_temperature)
        self.outside = self.weather.outside
        self.sensed = self.temperature
        self.history = deque([self.temperature] * (self.sensing_delay + 1), maxlen=self.sensing_delay + 1)
        self._count()
        self.datacollector = ScalarCollector(  # Mesa's DataCollector, without deep copies of plain numbers
            model_reporters={
                "temperature": temperature,
                "outside": outside,
                "fanning": fanning,
                "heating": heating,
                "alive": alive,
                "in_band": in_band,
            }
        )
        self.datacollector.collect(self)

    # --- the tick -------------------------------------------------------------------------------
    def step(self):
        """One minute: weather, every bee decides on the same sensed snapshot, then T moves once."""
        if self.remove_fraction > 0 and self.tick == self.remove_at:
            self.remove_bees(self.remove_fraction, how=self.remove_how)
        self.outside = self.weather.update(self.tick)
        self.sensed = self.history[0] if self.control != "open_loop" else self.schedule(self.tick)
        self._draw_chances()
        if self.executor == "agents":
            self._decide_agents(self.sensed)
        else:
            self._decide_vectorized(self.sensed)
        if self.silenced.any():
            self.states *= ~self.silenced  # IDLE is 0
        self._count()
        n0 = self.n_bees
        self.temperature += self.dt * (
            self.lam * (self.outside - self.temperature)
            + self.m0 * self.n_alive / n0
            + self.h * self.n_heat / n0
            - self.c * self.n_fan / n0
        )
        if self.clamped is not None:
            self.temperature = self.clamped
        self.history.append(self.temperature)
        self.tick += 1
        self.datacollector.collect(self)

    def _decide_agents(self, sensed: float) -> None:
        """Each bee's own rule, in random order; under central control one bee decides for all."""
        bees = self.agents_by_type[Bee]
        if self.control != "thermostat":
            bees.shuffle_do("decide", sensed)
        elif self.decider is not None:
            self.decider.decide(sensed)
            if self.silenced[self.decider.index]:
                self.decider.state = IDLE  # a silenced decider gives no order
            bees.do("obey", self.decider.state)

    def _decide_vectorized(self, sensed: float) -> None:
        """The same rule for all bees at once, on the arrays the bees are views of."""
        if self.control != "thermostat":
            self._decide_arrays(self.alive, sensed)
        elif self.decider is not None:
            i = self.decider.index
            one = np.zeros(self.n_bees, dtype=bool)
            one[i] = True
            self._decide_arrays(one, sensed)
            if self.silenced[i]:
                self.states[i] = IDLE
            self.states[self.alive] = self.states[i]

    def _draw_chances(self) -> None:
        """This tick's uniform draws, one per bee whatever its state, so that copies of a colony that differ only
        in their lesions can share them (model/measures/hive_lesions.py). With hard thresholds (beta 0) a bee
        reads only its quit draw; with soft ones it reads both."""
        self.rng.random(out=self.chances[0] if self.beta == 0 else self.chances)

    def _decide_arrays(self, who, sensed: float) -> None:
        """Bee.decide for every bee in the mask `who` at once (synchronous: all read the same `sensed`)."""
        states, theta_fan, theta_heat, beta = self.states, self.theta_fan, self.theta_heat, self.beta
        quit_chance, response_chance = self.chances
        states *= ~(who & (states != IDLE) & (quit_chance < self.p_quit))  # IDLE is 0
        idle = who & (states == IDLE)
        if beta == 0:
            # theta_fan < sensed for a prefix of the bees ranked by threshold, theta_heat > sensed for a suffix
            # (both thresholds share each bee's offset): integer ranks are compared, not floats, and none if
            # no bee is in reach
            fan = idle & (self._rank < np.searchsorted(self._fan_sorted, sensed, "left"))
            heat = idle & ~fan & (self._rank >= np.searchsorted(self._heat_sorted, sensed, "right"))
        else:
            fan = idle & (response_chance < _logistic((sensed - theta_fan) / beta))
            heat = idle & ~fan & (response_chance > 1.0 - _logistic((theta_heat - sensed) / beta))
        # the fanners and heaters were idle (0): adding the masks sets them (numpy's masked copy is far slower)
        states += fan.view(np.int8) * np.int8(FAN)
        states += heat.view(np.int8) * np.int8(HEAT)

    def _count(self) -> None:
        """Count living bees, fanners and heaters."""
        self.n_alive = int(np.count_nonzero(self.alive))
        self.n_fan = int(np.count_nonzero(self.states == FAN))
        self.n_heat = int(np.count_nonzero(self.states == HEAT))

    def schedule(self, tick: int) -> float:
        """Open loop: the temperature the plan tells the bees to act on at `tick` (never the hive's T)."""
        # The plan is written in advance for this colony and the undisturbed weather: the value at which the
        # colony's own thresholds give the heating and fanning that balance the heat budget at the target.
        # Heat waves, cold snaps and removed bees are not in it.
        target = (self.mu_heat + self.mu_fan) / 2
        need = -(self.lam * (self.weather.base(tick) - target) + self.m0)
        return float(self._plan_levels[np.argmin(np.abs(self._plan_supply - need))])

    def _write_plan(self) -> None:
        """Open loop: for each candidate sensed value, the net heat the colony would supply (°C/min)."""
        cuts = np.sort(np.concatenate([self.theta_heat, self.theta_fan]))
        self._plan_levels = np.concatenate([[cuts[0] - 0.5], (cuts[1:] + cuts[:-1]) / 2, [cuts[-1] + 0.5]])
        heaters = (self.theta_heat[None, :] > self._plan_levels[:, None]).sum(axis=1)
        fanners = (self.theta_fan[None, :] < self._plan_levels[:, None]).sum(axis=1)
        self._plan_supply = (self.h * heaters - self.c * fanners) / self.n_bees

    # --- what to read ----------------------------------------------------------------------------
    @property
    def fanning_fraction(self) -> float:
        """Fanners as a fraction of the living bees."""
        return self.n_fan / self.n_alive if self.n_alive else 0.0

    @property
    def heating_fraction(self) -> float:
        """Heaters as a fraction of the living bees."""
        return self.n_heat / self.n_alive if self.n_alive else 0.0

    @property
    def bees(self) -> mesa.agent.AgentSet:
        """The living bees."""
        return self.agents_by_type[Bee]

    def summary(self) -> dict[str, float]:
        """Statistics of the analysed window (ticks after `analyse_after`, or the whole run if shorter)."""
        data = self.datacollector.model_vars
        start = self.analyse_after + 1 if len(data["temperature"]) > self.analyse_after + 1 else 1
        temps = np.asarray(data["temperature"][start:], dtype=float)
        fan = np.asarray(data["fanning"][start:], dtype=float)
        heat = np.asarray(data["heating"][start:], dtype=float)
        if len(temps) == 0:
            temps = fan = heat = np.asarray([np.nan])
        fast = high_frequency(temps)
        return {
            "ticks": float(self.tick),
            "window_start": float(start),
            "mean_T": float(np.mean(temps)),
            "sd_T": float(np.std(temps)),
            "sd_T_fast": float(np.std(fast)) if len(fast) else math.nan,
            "min_T": float(np.min(temps)),
            "max_T": float(np.max(temps)),
            "in_band": float(np.mean(np.asarray(data["in_band"][start:], dtype=float))) if len(temps) else math.nan,
            "mean_fanning": float(np.mean(fan)),
            "mean_heating": float(np.mean(heat)),
            "max_fanning": float(np.max(fan)),
            "max_fanning_jump": float(np.max(np.abs(np.diff(fan)))) if len(fan) > 1 else 0.0,
            "task_swings": float(task_swings(fan, heat)),
            "alive": float(self.n_alive),
            "alive_fraction": self.n_alive / self.n_bees,
        }

    def __repr__(self) -> str:
        return (
            f"HiveModel(tick={self.tick}, T={self.temperature:.2f} °C, outside={self.outside:.2f} °C, "
            f"fanning={self.fanning_fraction:.2f}, heating={self.heating_fraction:.2f}, "
            f"alive={self.n_alive}/{self.n_bees}, patrilines={self.patrilines}, control={self.control!r})"
        )


def _logistic(x: np.ndarray) -> np.ndarray:
    """1 / (1 + e^-x) elementwise, the same formula as agents.bee.logistic."""
    out = np.empty_like(x)
    pos = x >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-x[pos]))
    e = np.exp(x[~pos])
    out[~pos] = e / (1.0 + e)
    return out
