"""The network's scorecard rows, one seed at a time: each arm of each pair in model/measures/protocol.py.

`NetworkSeed(params, seed, steps)` builds and trains, lazily and once, every network the rows of that seed need
(the system, its width variants, the bottlenecked, frozen, Langevin, shuffled-label, linear and partner-task
networks) and `value(feature, arm)` reads one arm of one row. The rows share the runs: the system is trained
once per seed for all of them.
"""

from __future__ import annotations

import math
from functools import cached_property

import numpy as np

from model.measures import features as F
from model.measures.information import emergence
from model.measures.irreversibility import irreversibility
from model.measures.protocol import TASK_PARTNER, TAU, WIDTHS
from model.measures.series import MeasureError
from model.measures.statistics import loglog_slope
from model.measures.systems import NetworkSystem

PROBE = 64
LESION_REPEATS = 4


def hidden_sizes(params) -> tuple[int, ...]:
    """The hidden layer sizes of the scenario's network (its `hidden`, as a tuple)."""
    hidden = params.get("hidden", 8)
    return (int(hidden),) if np.isscalar(hidden) else tuple(int(h) for h in hidden)


def bottleneck(sizes) -> tuple[int, ...]:
    """The same number of hidden neurons, with a one-neuron layer after the first that every signal must cross."""
    if len(sizes) == 1:
        return (sizes[0] - 1, 1) if sizes[0] > 1 else (1,)
    return (sizes[0], 1, sizes[1] - 1, *sizes[2:]) if sizes[1] > 1 else tuple(sizes)


class NetworkSeed:
    """Every network one seed of the scorecard needs, trained on first use (see the module docstring)."""

    def __init__(self, params: dict, seed: int, steps: int):
        self.params = {k: v for k, v in params.items() if k not in ("rng", "executor", "graph")}
        self.seed, self.steps = int(seed), int(steps)
        self.sizes = hidden_sizes(self.params)
        self._runs = {}

    # --- building and training ------------------------------------------------------------------------
    def build(self, seed=None, **overrides) -> NetworkSystem:
        from model.network import NetworkModel

        # eval_every: the model's periodic test evaluation is not read here (it changes no trajectory)
        kwargs = {**self.params, "executor": "vectorized", "eval_every": 10**9, **overrides}
        return NetworkSystem(NetworkModel(**kwargs, rng=self.seed if seed is None else seed), probe=PROBE)

    def trained(
        self,
        name: str,
        record: bool = False,
        trajectory: bool = False,
        noise: float = 0.0,
        frozen_jitter: float | None = None,
        shuffled: bool = False,
        seed=None,
        **overrides,
    ) -> dict:
        """Train the network `name` (built with `overrides`) once; its system, record and late trajectory."""
        key = (name, seed)
        if key in self._runs:
            return self._runs[key]
        system = self.build(seed=seed, **overrides)
        if shuffled:  # the same inputs with the training labels permuted: nothing to generalise
            y = system.model.data.y_train
            y[:] = y[np.random.default_rng((self.seed, 11)).permutation(len(y))]
        if frozen_jitter is not None:
            system.freeze(True, jitter=frozen_jitter)
        shake = np.random.default_rng((self.seed, 7))
        path, start = [], self.steps // 4
        for t in range(self.steps):
            if record:
                system.run(1)
            else:
                system.step()
            if noise:  # isotropic Gaussian kicks to every parameter: the Langevin control
                theta = system.parameters()
                system.set_parameters(theta + shake.normal(0.0, noise, theta.shape))
            if trajectory and t >= start:
                path.append(system.parameters())
        run = {
            "system": system,
            "record": system.record.arrays() if record else None,
            "path": np.array(path) if trajectory else None,
        }
        self._runs[key] = run
        return run

    @cached_property
    def main(self) -> dict:
        return self.trained("system", record=True, trajectory=True)

    def width(self, w: int, hub: bool) -> NetworkSystem:
        sizes = tuple([w] * len(self.sizes))
        if sizes == self.sizes and not hub:
            return self.main["system"]
        hidden = bottleneck(sizes) if hub else sizes
        return self.trained(f"{'hub' if hub else 'width'}-{w}", hidden=hidden)["system"]

    # --- the arms --------------------------------------------------------------------------------------
    def value(self, feature: str, arm: str, offset: int = 0) -> tuple[float, str]:
        """(value, detail) of one arm ("system" or "control") of a row; NaN and the reason if it cannot be had."""
        try:
            return getattr(self, f"_{feature}")(arm)
        except MeasureError as error:
            return math.nan, str(error)

    def _numerosity(self, arm):
        hub = arm == "control"
        n_eff = [F.effective_number(F.leave_one_out(self.width(w, hub))) for w in WIDTHS]
        return loglog_slope([w * len(self.sizes) for w in WIDTHS], n_eff), "N_eff " + " ".join(
            f"{v:.1f}" for v in n_eff
        )

    def _decentralised_control(self, arm):
        if arm == "system":
            system = self.main["system"]
        else:
            system = self.trained("hub", hidden=bottleneck(self.sizes))["system"]
        importance = F.leave_one_out(system)
        return F.top_share(importance), f"N_eff {F.effective_number(importance):.1f} of {len(importance)}"

    def _openness(self, arm):
        if arm == "system":
            return irreversibility(self.main["path"], TAU), ""
        sigma = sgd_noise(self.main["system"])
        batch = len(self.main["system"].model.data.x_train)
        path = self.trained("langevin", trajectory=True, noise=sigma, batch_size=batch)["path"]
        return irreversibility(path, TAU), f"noise sd {sigma:.2g} per parameter and step"

    def _feedback(self, arm):
        if arm == "system":
            record = self.main["record"]
        else:
            jitter = float(self.main["record"]["micro_change"].mean()) / math.sqrt(len(self.main["system"].theta0))
            record = self.trained("frozen", record=True, frozen_jitter=jitter)["record"]
        loop = F.feedback(record["activity"], record["incoming"], rng=self.seed)
        return loop["loop"], f"{loop['significant']:.0%} of neurons significant"

    def _shuffled(self):
        return self.trained("shuffled", shuffled=True)["system"]

    def _robustness(self, arm):
        system = self.main["system"] if arm == "system" else self._shuffled()
        curve = train_lesion_curve(system, rng=self.seed)
        return F.curve_auc(curve), "train accuracy " + "→".join(f"{v:.2f}" for v in curve)

    def _self_organisation(self, arm):
        system = self.main["system"] if arm == "system" else self._shuffled()
        theta = system.parameters()
        late = F.participation_ratio(system.representation())
        system.set_parameters(system.theta0)
        early = F.participation_ratio(system.representation())
        system.set_parameters(theta)
        return math.log(early / late), f"PR {early:.2f} → {late:.2f}"

    def _nonlinearity(self, arm):
        system = self.main["system"] if arm == "system" else self.trained("linear", activation="identity")["system"]
        return F.network_linearisation(system), ""

    def _emergence(self, arm):
        record, hidden = self.main["record"], self.main["system"]
        columns = np.searchsorted(hidden.agents, hidden.hidden)
        micro = record["activity"][:, columns]
        micro = micro[:, np.ptp(micro, axis=0) > 0]
        if arm == "control":
            micro = micro[np.random.default_rng((self.seed, 13)).permutation(len(micro))]
        result = emergence(micro, micro.sum(axis=1))
        return result["psi_corrected"], (
            f"Ψ {result['psi']:.2f}, Δ {result['delta']:.3f}, Γ {result['gamma']:.3f} bits, {result['parts']} parts"
        )

    def _universality(self, arm):
        probe = shared_probe(self.params)
        mine = self.main["system"].representation(probe)
        if arm == "system":
            other = self.trained("second seed", seed=self.seed + 1000)["system"]
        else:
            dataset = self.params.get("dataset")
            if dataset not in TASK_PARTNER:
                raise MeasureError(f"no other task of the same shape is known for dataset {dataset!r}")
            other = self.trained("partner task", seed=self.seed + 2000, dataset=TASK_PARTNER[dataset])["system"]
        return F.linear_cka(mine, other.representation(probe)), ""


def shared_probe(params, n: int = PROBE) -> np.ndarray:
    """Inputs shared by every seed (seed 0's test inputs), so that CKA compares the same examples."""
    from model.network import NetworkModel

    kwargs = {k: v for k, v in params.items() if k not in ("rng", "executor")}
    return np.asarray(NetworkModel(**kwargs, executor="vectorized", rng=0).data.x_test[:n], dtype=float)


def sgd_noise(system, batches: int = 32) -> float:
    """sd per parameter of SGD's step noise at the current θ: lr·√(mean ‖g_batch − g_full‖² / P) over random batches."""
    model = system.model
    x, y = model.data.x_train, model.data.y_train
    full = gradient_vector(system, x, y)
    rng = np.random.default_rng(0)
    spread = [
        np.sum((gradient_vector(system, x[rows], y[rows]) - full) ** 2)
        for rows in (rng.choice(len(x), model.batch_size, replace=False) for _ in range(batches))
    ]
    return float(model.optimizer.learning_rate * math.sqrt(np.mean(spread) / len(full)))


def gradient_vector(system, x, y) -> np.ndarray:
    """dL/dθ on batch (x, y) in the order of `system.parameters()` (weights by edge, then the agents' biases)."""
    model = system.model
    grad_w, grad_b = model.gradients(x, y)
    weights = np.zeros(len(model.params.weight))
    index = model.edge_index
    for edge, g in grad_w.items():
        weights[index[edge]] = g
    return np.concatenate([weights, [grad_b[int(v)] for v in system.agents]])


def train_lesion_curve(system, fractions=F.FRACTIONS, repeats: int = LESION_REPEATS, rng=0) -> np.ndarray:
    """Training accuracy with ⌈f·n⌉ hidden units silenced in random order, mean over `repeats` orders."""
    n = len(system.units)
    generator = np.random.default_rng(rng)
    curve = np.zeros(len(fractions))
    for _ in range(repeats):
        order = generator.permutation(n)
        for i, f in enumerate(fractions):
            system.silence(order[: math.ceil(round(f * n, 9))])
            curve[i] += system.model.evaluate("train")["accuracy"]
            system.unsilence_all()
    return curve / repeats
