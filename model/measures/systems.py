"""One small protocol that both models implement, so one set of instruments reads both.

A `System` exposes
- its elements and interactions (`n_elements`, `n_interactions`, `signals_exchanged`);
- per-agent activity series, recorded by `run(steps)`: each agent's *activity* and the *incoming* signal
  it acts on (neuron: its forward signal a and its backward signal δ on a fixed probe batch; bee: its
  state, heat +1 / idle 0 / fan -1, and the temperature it sensed);
- the macro variable (network: loss on the probe; hive: nest temperature) and the environment variable
  (network: input + error power entering this step; hive: outside temperature), recorded alongside;
- parameter snapshots, the initial one kept (`parameters()`, `theta0`);
- `units`, the groups of agents that the lesion measures silence one at a time, and `performance()`;
- the hooks `silence`, `perturb`, `clamp`, `freeze`, `close`.

Everything is recorded at the same step, after the step's update, so every series is aligned with every other.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from agents.bee import FAN, HEAT

HEAT_SIGN = {HEAT: 1.0, FAN: -1.0}


@dataclass
class Record:
    """What `System.run` recorded, one row per step: activity and incoming (steps × agents), macro, environment."""

    activity: list = field(default_factory=list)
    incoming: list = field(default_factory=list)
    macro: list = field(default_factory=list)
    environment: list = field(default_factory=list)
    influx: list = field(default_factory=list)
    micro_change: list = field(default_factory=list)

    def arrays(self) -> dict[str, np.ndarray]:
        return {name: np.asarray(values, dtype=float) for name, values in vars(self).items()}


class System:
    """The protocol (see the module docstring); `NetworkSystem` and `HiveSystem` implement it."""

    kind = "system"
    macro_name = environment_name = activity_name = incoming_name = ""

    def __init__(self, model):
        self.model = model
        self.record = Record()
        self.theta0 = self.parameters()

    # what subclasses provide
    def step(self):  # one model step, honouring the hooks
        raise NotImplementedError

    def observe(self) -> tuple[np.ndarray, np.ndarray, float, float]:  # activity, incoming, macro, environment
        raise NotImplementedError

    def parameters(self) -> np.ndarray:
        raise NotImplementedError

    def influx(self) -> float:  # the energy that entered in the last step
        raise NotImplementedError

    # shared
    def run(self, steps: int, record: bool = True, light: bool = False, progress=None) -> Record:
        """Step `steps` times, recording after each step.

        record=True: activity, incoming, macro, environment, influx and micro change; light=True: only influx
        and micro change (no probe pass: cheaper); record=False: nothing.
        """
        before = self.micro_state()
        for _ in range(steps):
            self.step()
            if record:
                now = self.micro_state()
                self.record.influx.append(self.influx())
                self.record.micro_change.append(float(np.linalg.norm(now - before)))
                before = now
                if not light:
                    activity, incoming, macro, environment = self.observe()
                    self.record.activity.append(activity)
                    self.record.incoming.append(incoming)
                    self.record.macro.append(macro)
                    self.record.environment.append(environment)
            if progress is not None:
                progress.update()
        return self.record

    def micro_state(self) -> np.ndarray:
        """The vector whose change is 'micro change': parameters for the network, bee states for the hive."""
        return self.parameters()

    def drift(self) -> float:
        """d = ‖θ_t - θ_0‖ / ‖θ_0‖: how far the parameters have travelled from the initial snapshot."""
        norm = np.linalg.norm(self.theta0)
        return float(np.linalg.norm(self.parameters() - self.theta0) / norm) if norm else math.nan


class NetworkSystem(System):
    """A NetworkModel seen through the protocol; agents are the non-input neurons, units the hidden ones."""

    kind = "network"
    macro_name, environment_name = "probe loss", "input + error power"
    activity_name, incoming_name = "forward signal a (probe mean)", "backward signal δ (probe mean)"

    def __init__(self, model, probe: int = 64):
        self.x_probe = np.asarray(model.data.x_test[:probe], dtype=float)
        self.y_probe = model.data.y_test[:probe]
        roles = model.structure.roles
        self.agents = np.array([v for v, r in enumerate(roles) if r != "input"])
        hidden = [v for v, r in enumerate(roles) if r == "hidden"]
        self.hidden = np.array(hidden, dtype=int)
        self.outputs = np.array([v for v, r in enumerate(roles) if r == "output"])
        # Units for lesions: each hidden neuron (the outputs are where the macro variable is read), or the
        # output neurons themselves in a network without hidden ones.
        self.units = [np.array([v]) for v in (hidden or self.outputs.tolist())]
        self._clamp = None
        self._jitter = 0.0
        self._saved_lr = None
        self._noise = np.random.default_rng(model.rng.integers(2**32))
        super().__init__(model)

    @property
    def n_elements(self) -> int:
        return int(self.model.structure.n)

    @property
    def n_interactions(self) -> int:
        """Edges with a non-zero weight whose ends are both active."""
        s, lesions = self.model.structure, self.model.lesions
        live = ~lesions[s.src] & ~lesions[s.dst] & (self.model.params.weight != 0)
        return int(np.count_nonzero(live))

    @property
    def signals_per_step(self) -> int:
        """Messages per step: every live edge carries one forward and one backward signal per example and tick."""
        return 2 * self.n_interactions * self.model.batch_size * self.model.ticks

    @property
    def signals_exchanged(self) -> int:
        """Signals exchanged so far (steps completed × signals per step, at the current lesions)."""
        return self.model.completed_steps * self.signals_per_step

    def step(self):
        model = self.model
        if self._clamp is None:
            model.step()
        else:  # run the stages one by one and overwrite the error the environment injects
            outputs = model.structure.outputs
            for label in model.stage_labels():
                model.advance_stage()
                if not model.running:
                    break
                if label == "error":
                    model.signals.error[-1, outputs] = self._clamp
        if self._jitter:
            model.params.weight += self._noise.normal(0.0, self._jitter, model.params.weight.shape)

    def probe_signals(self, x=None, y=None):
        """(a, δ, z, loss) on the probe batch (or on x, y): every neuron's registers; training state untouched."""
        model = self.model
        x = self.x_probe if x is None else np.asarray(x, dtype=float)
        y = self.y_probe if y is None else y
        with model.signals.scratch(len(x)), np.errstate(all="ignore"):
            model.environment.present(x)
            model.forward_phase()
            loss, _ = model.environment.feedback(y)
            model.backward_phase()
            a = model.signals.a[-1].copy()  # (neurons, probe) at the last tick
            z = model.signals.z[-1].copy()
            delta = model.signals.delta[1 : model.ticks + 1].sum(axis=0)  # (neurons, probe), summed over ticks
        return a, delta, z, loss

    def observe(self):
        a, delta, _, loss = self.probe_signals()
        environment = self.model.input_power + self.model.error_power
        return a[self.agents].mean(axis=1), delta[self.agents].mean(axis=1), float(loss), environment

    def influx(self) -> float:
        """Input power + error power that entered in the last step (0 when closed)."""
        return self.model.input_power + self.model.error_power

    def representation(self, x=None) -> np.ndarray:
        """The hidden neurons' activations on the probe (or on inputs x), (examples × hidden neurons)."""
        if x is None:
            a, *_ = self.probe_signals()
        else:
            a, *_ = self.probe_signals(x, _dummy_targets(self, len(x)))
        return a[self.hidden].T

    def logits(self) -> np.ndarray:
        """The output neurons' preactivations z on the probe (the network function before the output link)."""
        _, _, z, _ = self.probe_signals()
        return z[self.outputs].T

    def parameters(self) -> np.ndarray:
        return np.concatenate([self.model.params.weight, self.model.params.bias[self.agents]])

    def set_parameters(self, theta: np.ndarray) -> None:
        n = len(self.model.params.weight)
        self.model.params.weight[:] = theta[:n]
        self.model.params.bias[self.agents] = theta[n:]

    def performance(self) -> dict[str, float]:
        """{"loss": test loss, "score": test accuracy} of the current network (lower loss, higher score = better)."""
        result = self.model.evaluate("test")
        return {"loss": float(result["loss"]), "score": float(result["accuracy"])}

    # hooks
    def silence(self, units, silenced: bool = True) -> None:
        """Silence these units (indices into `units`): their neurons send 0 forward and 0 back."""
        nodes = np.concatenate([self.units[u] for u in np.atleast_1d(units)]) if np.size(units) else []
        if len(nodes):
            self.model.silence(nodes, silenced)

    def unsilence_all(self) -> None:
        self.model.silence(range(self.model.structure.n), False)

    def perturb(self, scale: float, rng=None) -> None:
        """Add Gaussian noise to every weight and bias, of standard deviation `scale` × their RMS."""
        theta = self.parameters()
        noise = np.random.default_rng(rng).normal(0.0, scale * np.sqrt(np.mean(theta**2)), theta.shape)
        self.set_parameters(theta + noise)

    def clamp(self, error=None) -> None:
        """Hold the error injected into the output neurons at `error` (dL/dŷ per example; None releases it)."""
        self._clamp = None if error is None else float(error)

    def freeze(self, frozen: bool = True, jitter: float = 0.0) -> None:
        """Cut the feedback: learning rate 0 (errors still flow back, weights ignore them).

        With `jitter` > 0 every weight also takes a random step of that standard deviation each step, so the
        micro level keeps moving as much as in training but not in response to the error.
        """
        if frozen:
            if self._saved_lr is None:
                self._saved_lr = self.model.optimizer.learning_rate
            self.model.optimizer.learning_rate = 0.0
            self._jitter = float(jitter)
        else:
            if self._saved_lr is not None:
                self.model.optimizer.learning_rate = self._saved_lr
            self._saved_lr, self._jitter = None, 0.0

    def close(self, closed: bool = True) -> None:
        """Switch the influx off (no data, no error: a closed system) or back on."""
        self.model.environment.influx = not closed

    def __repr__(self):
        return f"NetworkSystem({self.model!r}, {len(self.units)} units, {len(self.record.macro)} steps recorded)"


class HiveSystem(System):
    """A HiveModel seen through the protocol; agents are the bees, units groups of bees (one bee each if ≤ n_units)."""

    kind = "hive"
    macro_name, environment_name = "nest temperature T (°C)", "outside temperature (°C)"
    activity_name, incoming_name = "bee state (heat +1, idle 0, fan -1)", "sensed temperature (°C)"

    def __init__(
        self, model, params: dict | None = None, rng=None, n_units: int = 30, run_ticks: int = 1440, burn_in: int = 120
    ):
        self.params = dict(params) if params is not None else hive_parameters(model)
        self.seed = rng
        self.agents = np.arange(model.n_bees)
        self.units = [u for u in np.array_split(self.agents, min(n_units, model.n_bees))]
        self.run_ticks, self.burn_in = run_ticks, burn_in
        super().__init__(model)

    @property
    def n_elements(self) -> int:
        return int(self.model.n_bees)

    @property
    def n_interactions(self) -> int:
        """Bee-air couplings: each living, working-capable bee senses the nest air and changes it."""
        return int(np.count_nonzero(self.model.alive & ~self.model.silenced))

    @property
    def signals_per_step(self) -> int:
        """Per tick every coupled bee reads the sensed temperature and writes its heat into the nest: 2 per bee."""
        return 2 * self.n_interactions

    @property
    def signals_exchanged(self) -> int:
        return self.model.tick * self.signals_per_step

    def step(self):
        self.model.step()

    def observe(self):
        model = self.model
        states = model.states
        activity = np.where(states == HEAT, 1.0, np.where(states == FAN, -1.0, 0.0))
        return activity, np.full(len(states), model.sensed), model.temperature, model.outside

    def micro_state(self) -> np.ndarray:
        return self.observe()[0]

    def parameters(self) -> np.ndarray:
        """The bees' fanning thresholds (their heating thresholds sit a dead band below): they never change here."""
        return self.model.theta_fan.copy()

    def influx(self) -> float:
        """Heat exchanged with the outside this tick, |λ(T_a - T)|·dt (°C per tick): the hive's energy influx."""
        m = self.model
        return abs(m.lam * (m.outside - m.temperature)) * m.dt

    def fresh(self, **overrides):
        """A new HiveModel with this system's parameters and seed (vectorised executor), for runs with lesions."""
        from model.hive import HiveModel

        params = {**self.params, "executor": "vectorized", **overrides}
        return HiveModel(**params, rng=self.seed)

    def performance(self, silenced_units=(), **overrides) -> dict[str, float]:
        """{"loss": mean squared distance of T from the band centre, "score": fraction of ticks in the band}.

        Measured on a fresh run of `run_ticks` ticks (same seed, the `silenced_units` silenced from the start),
        after `burn_in` ticks.
        """
        hive = self.fresh(**overrides)
        if len(silenced_units):
            hive.silence(np.concatenate([self.units[u] for u in silenced_units]))
        temps = np.empty(self.run_ticks)
        for t in range(self.run_ticks):
            hive.step()
            temps[t] = hive.temperature
        temps = temps[self.burn_in :]
        low, high = hive.band
        return {
            "loss": float(np.mean((temps - (low + high) / 2) ** 2)),
            "score": float(np.mean((temps >= low) & (temps <= high))),
        }

    # hooks
    def silence(self, units, silenced: bool = True) -> None:
        nodes = np.concatenate([self.units[u] for u in np.atleast_1d(units)]) if np.size(units) else []
        if len(nodes):
            self.model.silence(nodes, silenced)

    def unsilence_all(self) -> None:
        self.model.silence(self.agents, False)

    def perturb(self, delta: float, rng=None) -> None:
        """A heat shock: add `delta` °C to the nest temperature now."""
        self.model.temperature += float(delta)

    def clamp(self, temperature=None) -> None:
        """Hold the nest temperature at `temperature` (None releases it)."""
        self.model.clamp(temperature)

    def freeze(self, frozen: bool = True) -> None:
        """Cut the feedback: bees follow the open-loop plan instead of the temperature."""
        self.model.freeze_response(frozen)

    def close(self, closed: bool = True) -> None:
        """Insulate the hive (λ = 0: no heat exchanged with the outside) or open it again."""
        if closed:
            self._saved_lam = self.model.lam
            self.model.lam = 0.0
        elif hasattr(self, "_saved_lam"):
            self.model.lam = self._saved_lam

    def __repr__(self):
        return f"HiveSystem({self.model!r}, {len(self.units)} units, {len(self.record.macro)} ticks recorded)"


def _dummy_targets(system, n):
    """Targets of the right form for n examples (only the forward signals are read from them)."""
    y = np.asarray(system.y_probe)
    return np.repeat(y[:1], n, axis=0)


def hive_parameters(model) -> dict:
    """The keyword arguments that rebuild this HiveModel (read from its public attributes)."""
    w = model.weather
    return dict(
        n_bees=model.n_bees,
        patrilines=model.patrilines,
        sigma_between=model.sigma_between,
        sigma_within=model.sigma_within,
        mu_heat=model.mu_heat,
        mu_fan=model.mu_fan,
        p_quit=model.p_quit,
        sensing_delay=model.sensing_delay,
        beta=model.beta,
        lam=model.lam,
        m0=model.m0,
        h=model.h,
        c=model.c,
        dt=model.dt,
        weather=w.kind,
        outside_mean=w.mean,
        outside_amplitude=w.amplitude,
        day_length=w.day_length,
        heat_wave=w.heat_wave,
        cold_snap=w.cold_snap,
        outside_series=w.series,
        control=model.control,
        band=model.band,
        analyse_after=model.analyse_after,
    )
