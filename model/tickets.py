"""The lottery-ticket experiment: iterative magnitude pruning with rewinding, and its two controls.

Frankle & Carbin, "The Lottery Ticket Hypothesis: Finding Sparse, Trainable Neural Networks" (ICLR 2019):
train; prune the `rate` smallest-magnitude surviving weights of each layer (the output layer at
`output_rate`, half the rate by default, as they do for LeNet); reset the survivors to their values at
step `rewind_step` (θ₀ by default; Frankle, Dziugaite, Roy & Carbin, ICML 2020, for k > 0); repeat. Beside
each ticket, two controls with the same number of weights in every layer, each differing from it in one
thing: the same mask with weights drawn afresh from the same initialisation ("reinit"), and a uniformly
random mask on the same rewound weights ("random").

After round r a layer of n weights keeps round(n·(1 - rate)^r) of them (so rounding errors do not pile
up). Every network trains from the same data split and batch order as the dense one (the seed's), the
dense one for the scenario's `steps`, every pruned one for `steps - rewind_step` (round 0: the ticket and
the random mask are the dense network itself; reinit is a dense network of fresh weights). Reported per network:
the test accuracy at the end of training (no early stopping on the test set) and `steps_to_best`, the
first evaluation step at which the test accuracy peaked (a measure of speed, as their early-stopping
iteration; digits has no validation split).

`lottery(...)` runs one sweep run per seed through model/sweep.py (any concurrent.futures executor, a
Dask cluster included) and returns the tidy table: seed, round, weights_remaining, kind, test_accuracy,
steps_to_best (and best_test_accuracy, n_weights, weights per layer).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from numbers import Integral, Real

import mesa
import numpy as np
import pandas as pd

from model import pruning
from model import sweep as sweeps
from model.initialisation import initial_parameters
from model.network import NetworkModel
from model.recording import ScalarCollector

KINDS = ("ticket", "reinit", "random")
COLUMNS = [
    "seed",
    "round",
    "weights_remaining",
    "kind",
    "test_accuracy",
    "steps_to_best",
    "best_test_accuracy",
    "n_weights",
]


class LotteryRun(mesa.Model):
    """One seed's chain of rounds, as a Mesa model a sweep can run: each step is one round (0: the dense net)."""

    def __init__(
        self,
        network: Mapping | None = None,
        steps: int = 1500,
        rate: float = 0.2,
        output_rate: float | None = None,
        rewind_step: int = 0,
        rng=None,
    ):
        network = dict(network or {})
        check(network, steps, rate, output_rate, rewind_step)
        if isinstance(rng, bool) or not isinstance(rng, Integral):
            raise TypeError(f"a lottery run needs a whole-number seed as rng, got {rng!r}")
        super().__init__(rng=rng)
        self.seed, self.network, self.steps_per_run = int(rng), network, steps
        self.rate, self.output_rate = rate, rate / 2 if output_rate is None else output_rate
        self.rewind_step = rewind_step
        self.round, self._ticket, self._rewind_to = -1, None, None
        dense = self._build()
        self.groups = pruning.layer_groups(dense)
        outputs = set(dense.structure.outputs.tolist())
        self.rates = [
            self.output_rate if set(dense.structure.dst[g].tolist()) <= outputs else self.rate for g in self.groups
        ]
        self.n_layer = np.array([len(g) for g in self.groups])
        self.networks: dict[str, NetworkModel] = {}  # this round's trained networks, by kind
        self.starts: dict[str, np.ndarray] = {}  # and the θ each started training from
        reporters = {"round": "round", "weights_remaining": "weights_remaining", "n_weights": "n_weights"}
        reporters |= {f"weights_layer_{i + 1}": f"weights_layer_{i + 1}" for i in range(len(self.groups))}
        for kind in KINDS:
            for what in ("test_accuracy", "steps_to_best", "best_test_accuracy"):
                reporters[f"{kind}_{what}"] = f"{kind}_{what}"
        self.datacollector = ScalarCollector(reporters)

    def targets(self, round_: int) -> np.ndarray:
        """Weights each layer keeps after `round_` rounds: round(n·(1 - rate)^round)."""
        return np.floor(self.n_layer * (1.0 - np.array(self.rates)) ** round_ + 0.5).astype(int)

    def step(self):
        """The next round: the ticket (pruned from the last one and rewound), then its two controls."""
        self.round += 1
        if self.round == 0:
            dense = self._build()
            self.starts["ticket"] = self.starts["random"] = dense.params.theta.copy()
            if self.rewind_step:
                dense.checkpoint(self.rewind_step)
            else:
                dense.checkpoint()
            trained = train(dense, self.steps_per_run)
            self._rewind_to = dense.checkpoints[self.rewind_step]
            self._ticket = self.networks["ticket"] = self.networks["random"] = dense
            self._record("ticket", trained)
            self._record("random", trained)  # the full mask on the same weights: the same network, not retrained
            self._record("reinit", self._run(dense.mask, "reinit"))
        else:
            mask = self._next_ticket_mask()
            ticket = self._run(mask, "ticket")
            self._record("ticket", ticket)
            self._record("reinit", self._run(mask, "reinit"))
            self._record("random", self._run(self._random_mask(), "random"))
        kept = self._ticket.mask
        for i, group in enumerate(self.groups):
            setattr(self, f"weights_layer_{i + 1}", int(np.count_nonzero(kept[group])))
        self.n_weights = int(np.count_nonzero(kept))
        self.weights_remaining = self.n_weights / len(kept)
        self.datacollector.collect(self)

    # --- the three networks of a round ---
    def _build(self) -> NetworkModel:
        return NetworkModel(**self.network, rng=self.seed)  # the seed's data split, batch order and θ₀

    def _run(self, mask, kind: str) -> dict:
        model = self._build()
        if kind == "reinit":  # weights and biases drawn afresh from the same scheme; data as before
            fresh = np.random.default_rng([self.seed, self.round, 1])
            weight, bias = initial_parameters(model.init, model.structure, fresh, model.sigma_w2, model.sigma_b2)
            model.params.weight[:], model.params.bias[:] = weight, bias
            pruning.apply(model, mask)
        else:
            pruning.apply(model, mask)
            model.rewind(self._rewind_to)
        self.starts[kind] = model.params.theta.copy()
        result = train(model, self.steps_per_run - self.rewind_step)
        if kind == "ticket":
            self._ticket = model
        self.networks[kind] = model
        return result

    def _next_ticket_mask(self) -> np.ndarray:
        """The last ticket's mask, less the smallest trained survivors of each layer, down to the targets."""
        last = self._ticket
        kept = last.mask.copy()
        for group, target in zip(self.groups, self.targets(self.round)):
            survivors = group[kept[group]]
            kept[pruning.pick(survivors, len(survivors) - target, "magnitude", last.params.weight, None)] = False
        return kept

    def _random_mask(self) -> np.ndarray:
        """A uniformly random mask with the ticket's number of weights in every layer."""
        generator = np.random.default_rng([self.seed, self.round, 2])
        kept = np.zeros(len(self._ticket.mask), dtype=bool)
        for group in self.groups:
            kept[generator.choice(group, size=int(np.count_nonzero(self._ticket.mask[group])), replace=False)] = True
        return kept

    def _record(self, kind, result):
        for what, value in result.items():
            setattr(self, f"{kind}_{what}", value)


def train(model: NetworkModel, steps: int) -> dict:
    """Train for `steps` steps; the final test accuracy, and when (and how high) the evaluated accuracy peaked."""
    best, best_step = model.evaluate("test")["accuracy"], 0
    for _ in range(steps):
        model.step()
        if not model.running:
            break
        if model.completed_steps % model.eval_every == 0 and model.test_accuracy > best:
            best, best_step = model.test_accuracy, model.completed_steps
    return {"test_accuracy": model.evaluate("test")["accuracy"], "steps_to_best": best_step, "best_test_accuracy": best}


def check(network, steps, rate, output_rate, rewind_step):
    """A ValueError naming the parameter for anything a lottery cannot run with."""
    if isinstance(steps, bool) or not isinstance(steps, Integral) or steps < 1:
        raise ValueError(f"steps must be a whole number >= 1, got {steps!r}")
    if isinstance(rate, bool) or not isinstance(rate, Real) or not 0.0 < rate < 1.0:
        raise ValueError(f"rate must be a number in (0, 1), got {rate!r}")
    if output_rate is not None and (
        isinstance(output_rate, bool) or not isinstance(output_rate, Real) or not 0.0 <= output_rate < 1.0
    ):
        raise ValueError(f"output_rate must be a number in [0, 1) (None: rate / 2), got {output_rate!r}")
    if isinstance(rewind_step, bool) or not isinstance(rewind_step, Integral) or not 0 <= rewind_step < steps:
        raise ValueError(f"rewind_step must be a whole number in [0, steps={steps}), got {rewind_step!r}")
    if "rng" in network:
        raise ValueError("give the seeds with seeds=, not as the network's rng")


def lottery(
    scenario,
    rounds: int = 10,
    rate: float = 0.2,
    rewind_step: int = 0,
    seeds=5,
    output_rate=None,
    steps: int | None = None,
    executor=None,
    out=None,
    progress: bool = True,
) -> pd.DataFrame:
    """Iterative magnitude pruning with rewinding and its two controls, over `seeds`: the tidy table.

    `scenario`: a network scenario (anything with `params` and `steps`, e.g. scenarios.get("lottery-digits"))
    or a mapping of NetworkModel keywords (then give `steps`). `seeds`: a count (0..n-1) or the seeds.
    `executor`: any concurrent.futures executor (None: in this process); `out`: also write the table to
    this Parquet file.
    """
    if isinstance(scenario, Mapping):
        network = dict(scenario)
    elif hasattr(scenario, "params") and hasattr(scenario, "steps"):
        network = dict(scenario.params)
        steps = scenario.steps if steps is None else steps
    else:
        raise TypeError(
            f"scenario must be a scenario or a mapping of NetworkModel keywords, got {type(scenario).__name__}"
        )
    if steps is None:
        raise ValueError("steps: give the training budget of each network (a scenario brings its own)")
    if isinstance(rounds, bool) or not isinstance(rounds, Integral) or rounds < 0:
        raise ValueError(f"rounds must be a whole number >= 0, got {rounds!r}")
    seeds = _seeds(seeds)
    check(network, steps, rate, output_rate, rewind_step)
    NetworkModel(**network, rng=0)  # the network's own keywords are checked before any run starts

    parameters = {
        "network": [network],
        "steps": steps,
        "rate": rate,
        "output_rate": [output_rate],
        "rewind_step": rewind_step,
    }
    frame = sweeps.sweep(
        LotteryRun,
        parameters,
        rng=seeds,
        max_steps=rounds + 1,
        data_collection_period=1,
        executor=executor or sweeps.InProcessExecutor(),
        display_progress=progress,
    )
    failed = frame.loc[frame["error"].astype(str) != "", "error"]
    if len(failed):
        raise RuntimeError(f"{len(failed)} lottery run(s) failed, e.g.: {failed.iloc[0]}")
    table = tidy(frame)
    if out is not None:
        table.to_parquet(out, index=False)
    return table


def tidy(frame: pd.DataFrame) -> pd.DataFrame:
    """The sweep's rows (one per seed and round, a column per kind) as one row per seed, round and kind."""
    frame = frame[frame["Step"] > 0]  # Step = round + 1: a LotteryRun records after each round
    layers = sorted(
        (c for c in frame.columns if c.startswith("weights_layer_")), key=lambda c: int(c.rsplit("_", 1)[1])
    )
    parts = []
    for kind in KINDS:
        part = pd.DataFrame(
            {
                "seed": frame["rng"].astype(int),
                "round": frame["round"].astype(int),
                "weights_remaining": frame["weights_remaining"],
                "kind": kind,
                "test_accuracy": frame[f"{kind}_test_accuracy"],
                "steps_to_best": frame[f"{kind}_steps_to_best"].astype(int),
                "best_test_accuracy": frame[f"{kind}_best_test_accuracy"],
                "n_weights": frame["n_weights"].astype(int),
            }
        )
        for column in layers:
            part[column] = frame[column].astype(int).to_numpy()
        parts.append(part)
    table = pd.concat(parts, ignore_index=True)
    table["kind"] = pd.Categorical(table["kind"], categories=KINDS)
    return table.sort_values(["seed", "round", "kind"], ignore_index=True)


def tidy_run(run: LotteryRun) -> pd.DataFrame:
    """The tidy table of one LotteryRun stepped in this process (as `tidy` reads a sweep's rows)."""
    frame = run.datacollector.get_model_vars_dataframe()
    return tidy(frame.assign(Step=np.arange(1, len(frame) + 1), rng=run.seed))


def summary(table: pd.DataFrame) -> pd.DataFrame:
    """Per round and kind: weights remaining, and the test accuracy's mean, std, min and max over seeds."""
    grouped = table.groupby(["round", "kind"], observed=True)
    result = grouped.agg(
        weights_remaining=("weights_remaining", "mean"),
        seeds=("seed", "nunique"),
        accuracy_mean=("test_accuracy", "mean"),
        accuracy_std=("test_accuracy", "std"),
        accuracy_min=("test_accuracy", "min"),
        accuracy_max=("test_accuracy", "max"),
        steps_to_best=("steps_to_best", "median"),
    )
    return result.reset_index()


def _seeds(seeds) -> list[int]:
    if isinstance(seeds, Integral) and not isinstance(seeds, bool):
        if seeds < 1:
            raise ValueError(f"seeds must be >= 1 (a count) or a list of seeds, got {seeds}")
        return list(range(int(seeds)))
    if isinstance(seeds, Iterable) and not isinstance(seeds, str):
        seeds = list(seeds)
        if seeds and all(isinstance(s, Integral) and not isinstance(s, bool) for s in seeds):
            if len(set(seeds)) != len(seeds):
                raise ValueError(f"seeds must be distinct, got {seeds}")
            return [int(s) for s in seeds]
    raise ValueError(f"seeds must be a count or a list of whole-number seeds, got {seeds!r}")
