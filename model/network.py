"""NetworkModel: a neural network in training as a Mesa model of neuron agents.

One step is one contact with the environment, in stages (model/stages.py): inject → forward waves, tick by
tick → error → backward waves, ticks in reverse → update → collect. Each wave is an AgentSet of neurons
whose delay-0 inputs have all arrived; no neuron calls another: they read each other's registers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from numbers import Integral
from types import SimpleNamespace

import mesa
import networkx as nx
import numpy as np
from mesa.agent import AgentSet
from scipy import sparse

from agents.environment import Environment
from agents.neuron import Neuron
from model import architectures, datasets, functions, pruning
from model.architectures import ARCHITECTURES  # noqa: F401 - importable from here as before
from model.clock import QuickClock
from model.executors import EXECUTORS
from model.initialisation import INITS, check_graph_parameters, initial_parameters  # noqa: F401 - INITS as before
from model.optim import SGD
from model.parameters import NETWORK
from model.readouts import ReadOuts
from model.recording import ScalarCollector
from model.signals import Parameters, Signals
from model.stages import StagedSchedule

LARGE_GRAPH = 100_000  # a built architecture with more edges than this is held as edge arrays, not a DiGraph
WEIGHT_LIMIT = 1e6  # inputs are O(1): a weight this large means the run has blown up
STALL_STEPS = 50  # this many steps with no weight change while data flows in: the network is dead
DEFAULT_LOSS = {"binary": "bce", "multiclass": "cross_entropy", "regression": "mse"}


class NetworkModel(QuickClock, StagedSchedule, ReadOuts, mesa.Model):
    """A network of `Neuron` agents trained by an `Environment` agent on a data stream."""

    parameters = NETWORK  # every keyword's kind, default, range or choices, group and help

    def __init__(
        self,
        graph: nx.DiGraph | architectures.Edges | sparse.sparray | None = None,
        dataset: str | datasets.Dataset = "xor",
        n_samples: int = 400,
        noise: float = 0.1,
        test_fraction: float = 0.25,
        architecture: str | None = None,
        hidden: int | Sequence[int] = 8,
        connection_p: float = 0.3,
        fan_in: int = 16,
        activation: str = "tanh",
        output_activation: str | None = None,
        loss: str | None = None,
        init: str = "xavier",
        sigma_w2: float = 1.0,
        sigma_b2: float = 0.0,
        learning_rate: float = 0.1,
        momentum: float = 0.0,
        weight_decay: float = 0.0,
        batch_size: int | None = None,
        ticks: int | None = None,
        executor: str = "agents",
        influx: bool = True,
        close_at: int | None = None,
        drift: str | None = None,
        drift_period: int = 500,
        eval_every: int = 10,
        history: int | None = None,
        snapshot_every: int | None = None,
        rng=None,
    ):
        # Every value is checked against the declaration (model/parameters.py) before anything is built.
        NETWORK.validate({name: value for name, value in locals().items() if name in NETWORK})
        optimizer = SGD(learning_rate, momentum, weight_decay)
        hidden = (int(hidden),) if isinstance(hidden, Integral) else tuple(int(size) for size in hidden)

        super().__init__(
            rng=int(rng) if isinstance(rng, np.integer) else rng
        )  # Mesa seeds random.Random: no numpy ints
        if isinstance(dataset, datasets.Dataset):
            data = dataset
        else:
            data = datasets.load(
                dataset, n_samples=n_samples, noise=noise, test_fraction=test_fraction, ticks=ticks, rng=self.rng
            )
        loss = loss or DEFAULT_LOSS[data.task]
        if loss == "cross_entropy" and data.task == "regression":
            raise ValueError(f"cross_entropy needs class labels, but {data.name} is a regression set: use loss='mse'")
        output_activation = output_activation or ("sigmoid" if loss == "bce" else "identity")
        if loss == "bce" and output_activation != "sigmoid":
            raise ValueError(f"bce needs outputs in (0, 1): use output_activation='sigmoid', not {output_activation!r}")
        if drift == "rotate" and data.n_inputs != 2:
            raise ValueError(f"drift='rotate' turns 2-D inputs; {data.name} has {data.n_inputs}")
        if drift == "switch" and data.task == "regression":
            raise ValueError("drift='switch' permutes class labels; a regression set has none")
        data = data.encoded(loss)

        if graph is None:
            architecture = architecture or ("recurrent" if data.sequence_length else "layered")
            graph = _build(architecture, data.n_inputs, hidden, data.n_outputs(loss), connection_p, fan_in, self.rng)
        structure = architectures.validate(graph)
        _check_fit(structure, data, loss)
        if ticks is None:
            ticks = data.sequence_length or 1
        if data.sequence_length and ticks != data.sequence_length:
            raise ValueError(
                f"{data.name} has sequences of {data.sequence_length} ticks: set ticks={data.sequence_length}"
            )
        n_train = len(data.x_train)
        if batch_size is None:
            batch_size = min(32, n_train)
        if batch_size > n_train:
            raise ValueError(f"batch_size {batch_size} exceeds the {n_train} training examples of {data.name}")
        if init == "graph":
            check_graph_parameters(structure)

        self.graph, self.structure, self.data = graph, structure, data
        self.ticks, self.batch_size, self.eval_every, self.history = ticks, batch_size, eval_every, history
        self.snapshot_every, self._snapshots = snapshot_every, []
        self.close_at, self.optimizer = close_at, optimizer
        self.loss_function = functions.loss(loss)
        self.params = Parameters(
            *initial_parameters(init, structure, self.rng, sigma_w2, sigma_b2), momentum=momentum > 0
        )
        self.signals = Signals(structure.n, ticks, batch_size)
        self.lesions = np.zeros(structure.n, dtype=bool)  # silenced neurons: read-only, set through silence()
        self.lesions.flags.writeable = False
        self.any_silenced = False
        self.pruning = pruning.EdgeMask(len(structure.src))  # pruned edges: changed only through prune()/restore()
        self.any_pruned = False  # so that a step without a mask need not look at it
        self.checkpoints: dict[int, pruning.Checkpoint] = {}
        self.init, self.sigma_w2, self.sigma_b2 = init, sigma_w2, sigma_b2  # how θ₀ was drawn (a reinit draws so again)

        # The agents: the environment, then one neuron per node, each a view onto its slice.
        stream = datasets.DataStream(data, batch_size, self.rng, drift, drift_period)
        self.environment = Environment(
            self,
            stream,
            self.loss_function,
            self.signals,
            _as_index(structure.inputs),
            _as_index(structure.outputs),
            influx=bool(influx),
        )
        in_ptr = _segments(structure.dst, structure.n)  # in-edges of node v: in_ptr[v][0]:in_ptr[v][1]
        by_sender = np.argsort(structure.src, kind="stable").astype(np.int32)
        out_ptr = np.searchsorted(structure.src[by_sender], np.arange(structure.n + 1))
        edges = SimpleNamespace(src=structure.src, dst=structure.dst, delay=structure.delay)
        self.neurons = []
        chosen = structure.activation or (None,) * structure.n
        for node, role in enumerate(structure.roles):
            name = chosen[node] or (
                output_activation if role == "output" else "identity" if role == "input" else activation
            )
            self.neurons.append(
                Neuron(
                    self,
                    node,
                    role,
                    functions.activation(name),
                    edges,
                    slice(*in_ptr[node]),
                    by_sender[out_ptr[node] : out_ptr[node + 1]],
                    self.params,
                    self.signals,
                    optimizer,
                    self.lesions,
                    self.pruning.kept,
                )
            )
        self.waves = [AgentSet([self.neurons[n] for n in wave], random=self.random) for wave in structure.waves]
        self.learners = AgentSet([n for n in self.neurons if n.role != "input"], random=self.random)

        self._executor = EXECUTORS[executor](self)
        self._theta_before = np.empty_like(self.params.theta) if self._executor.takes_steps_itself else None
        self.executor = executor
        self.status = "ready"
        self.completed_steps = 0
        self.weight_change = 0.0
        self._frozen_steps = 0
        self.accuracy = float("nan")
        self.test_loss = self.test_accuracy = float("nan")
        self.datacollector = ScalarCollector(MODEL_REPORTERS, keep=history)
        self._evaluate_test()
        self.datacollector.collect(self)

    # --- one training step -----------------------------------------------------------------------
    def step(self):
        """Inject data, fire forward, inject the error, send it back, update every weight, record."""
        if not self.running:
            return
        with np.errstate(all="ignore"):  # divergence is detected and reported, not raised mid-step
            self._run_stages(self._next_stage)  # the whole step, or what advance_stage left of it

    def advance_stage(self) -> str:
        """Run only the next stage of the current step (for watching one signal travel); returns its label.

        The last stage, "update", completes the step through `step()`, so Mesa counts it as usual.
        """
        if not self.running:
            return self.stage
        stage = self.stages[self._next_stage]
        if stage.phase == "update":
            self.step()
        else:
            with np.errstate(all="ignore"):
                self._next_stage = self._next_stage + 1 if self.run_stage(stage) else 0
        return self.stage

    def _update(self) -> bool:
        """The update stage, θ ← θ - step; False, and θ as it was, if the step would blow the weights up."""
        theta, step = self.params.theta, self.params.step
        if self._executor.takes_steps_itself:  # the neurons move their own weights: undo from a copy if needed
            np.copyto(self._theta_before, theta)
            self._executor.update()
            largest = math.sqrt(np.vdot(theta, theta))  # >= max|θ|, in one pass; nan if not finite
            if not largest < WEIGHT_LIMIT:
                largest = _largest_magnitude(theta)
            if not largest < WEIGHT_LIMIT:
                theta[:] = self._theta_before
            size = math.sqrt(np.vdot(step, step))
        else:  # the step is known before it is taken: check it first
            self._executor.update()
            size = math.sqrt(np.vdot(step, step))
            largest = math.sqrt(np.vdot(theta, theta)) + size  # >= max|θ - step|, in one pass; nan if not finite
            if not largest < WEIGHT_LIMIT:
                largest = _largest_magnitude(theta - step)
            if largest < WEIGHT_LIMIT:
                theta -= step
        if not largest < WEIGHT_LIMIT:
            self._diverged(f"the weights exploded (largest |w| reached {largest:.3g})")
            return False
        self.weight_change = size
        return True

    def _record(self):
        """Close the step: count it, watch for a dead network, evaluate when due, collect."""
        self.completed_steps += 1
        open_ = self.environment.influx
        self._frozen_steps = self._frozen_steps + 1 if self.weight_change == 0.0 and open_ else 0
        if self._frozen_steps >= STALL_STEPS:
            self._diverged(
                f"no weight has changed for {STALL_STEPS} steps although errors keep arriving: every "
                "neuron is saturated or dead, so no error signal gets through",
                stopped="",
            )
        else:
            self.status = "training" if open_ else "closed: no data and no error enter"
        if self.completed_steps % self.eval_every == 0:
            self._evaluate_test()
        self.datacollector.collect(self)
        if self.snapshot_every and self.completed_steps % self.snapshot_every == 0:
            self._snapshots.append(self.neuron_table())
            if self.history is not None and len(self._snapshots) > self.history:
                del self._snapshots[0]

    # --- interventions -----------------------------------------------------------------------------
    def silence(self, nodes, silenced: bool = True):
        """Lesion these neurons (silenced=False restores them): they send 0 forward and 0 back."""
        nodes = np.atleast_1d(np.asarray(nodes, dtype=int))
        bad = [int(v) for v in nodes if not 0 <= v < self.structure.n]
        if bad:
            raise ValueError(f"no neuron has id {bad}: ids run 0..{self.structure.n - 1}")
        inputs = [int(v) for v in nodes if self.structure.roles[v] == "input"] if silenced else []
        if inputs:
            raise ValueError(f"neurons {inputs} are inputs: they carry the data; silence hidden or output neurons")
        self.lesions.flags.writeable = True
        self.lesions[nodes] = silenced
        self.lesions.flags.writeable = False
        self.any_silenced = bool(self.lesions.any())  # so that a step without lesions need not look

    def prune(self, edges_or_fraction, by: str = "magnitude", scope: str = "layer", rng=None) -> int:
        """Remove interactions: these (u, v) edges, or a fraction of the surviving weights, the smallest (by="magnitude")
        or random ones, per layer (scope="layer") or over all (scope="global"). Their weights become exactly 0 and stay
        0 (model/pruning.py). Returns how many edges were removed."""
        return pruning.prune(self, edges_or_fraction, by=by, scope=scope, rng=rng)

    def restore(self) -> int:
        """Put every pruned edge back, with the weight it had when pruned; returns how many."""
        return pruning.restore(self)

    @property
    def mask(self) -> np.ndarray:
        """True for each edge present, False for each pruned one (read-only: change it with prune() / restore())."""
        return self.pruning.kept

    def checkpoint(self, step: int | None = None) -> pruning.Checkpoint | None:
        """Save θ (and momentum) now, or once `step` steps are completed; kept in `checkpoints[step]`."""
        if step is None or step == self.completed_steps:
            saved = self.checkpoints[self.completed_steps] = pruning.checkpoint(self)
            return saved
        if isinstance(step, bool) or not isinstance(step, Integral) or step < self.completed_steps:
            raise ValueError(f"step must be a whole number >= {self.completed_steps} (the steps done), got {step!r}")
        self.schedule_event(
            self._checkpoint_now, at=float(self.time + step - self.completed_steps), priority=mesa.time.Priority.LOW
        )
        return None

    def _checkpoint_now(self):
        self.checkpoint()

    def rewind(self, to: int | pruning.Checkpoint | None = None):
        """Reset every bias and surviving weight to a checkpoint (the latest, a step, or a Checkpoint), bit for bit."""
        if not isinstance(to, pruning.Checkpoint):
            if not self.checkpoints:
                raise ValueError("no checkpoint to rewind to: call model.checkpoint() (or checkpoint(k)) first")
            if to is None:
                to = max(self.checkpoints)
            if to not in self.checkpoints:
                raise ValueError(f"no checkpoint at step {to!r}; there are: {sorted(self.checkpoints)}")
            to = self.checkpoints[to]
        pruning.rewind(self, to)

    def _diverged(self, what: str, stopped: str = "The weights are those from before this step."):
        """Stop the run (running = False) and say what happened and what to try."""
        self.running = False
        lr = self.optimizer.learning_rate
        advice = f"The learning rate ({lr:g}) is probably too large: try {lr / 10:g}"
        advice += ", or less momentum." if self.optimizer.momentum else "."
        self.status = " ".join(part for part in (f"diverged at step {self.steps}: {what}.", stopped, advice) if part)

    def __repr__(self):
        return (
            f"NetworkModel({self.structure.n} neurons, {len(self.structure.src)} edges, "
            f"{self.data.name}, step {self.steps}, loss {self.loss:.4g})"
        )


MODEL_REPORTERS = {
    "step": "completed_steps",
    "epoch": "epoch",
    "loss": "loss",
    "accuracy": "accuracy",
    "test_loss": "test_loss",
    "test_accuracy": "test_accuracy",
    "weight_change": "weight_change",
    "input_power": "input_power",
    "error_power": "error_power",
}


def _as_index(nodes: np.ndarray):
    """A slice when the node ids are consecutive (indexing with it gives views), else the ids."""
    if len(nodes) and nodes[-1] - nodes[0] + 1 == len(nodes) and np.all(np.diff(nodes) == 1):
        return slice(int(nodes[0]), int(nodes[-1]) + 1)
    return nodes


def _largest_magnitude(values) -> float:
    """max |v| without a temporary array (nan if any value is nan)."""
    return max(float(values.max(initial=-np.inf)), -float(values.min(initial=np.inf)))


def _segments(receivers, n) -> np.ndarray:
    """(start, stop) of each node's run in `receivers` (edges are grouped by receiver); (0, 0) if none."""
    bounds = np.zeros((n, 2), dtype=np.int64)
    if len(receivers):
        starts = np.flatnonzero(np.r_[True, receivers[1:] != receivers[:-1]])
        stops = np.r_[starts[1:], len(receivers)]
        bounds[receivers[starts]] = np.c_[starts, stops]
    return bounds


def _build(architecture, n_in, hidden, n_out, p, fan_in, rng) -> nx.DiGraph | architectures.Edges:
    """The architecture named; as edge arrays when it is large (DiGraphs cost a Python dict per edge)."""
    sizes = [n_in, *hidden, n_out]
    if architecture == "layered":
        return architectures.layered(sizes, as_edges=sum(np.multiply(sizes[:-1], sizes[1:])) > LARGE_GRAPH)
    if architecture == "random_dag":
        n_senders, n = n_in + sum(hidden), sum(sizes)
        expected = p * (n_senders * (n - n_in) - n_in * (n_in + 1) / 2)
        return architectures.random_dag(n_in, sum(hidden), n_out, p=p, rng=rng, as_edges=expected > LARGE_GRAPH)
    if architecture == "sparse":
        return architectures.sparse_layered(sizes, fan_in, rng=rng, as_edges=True)
    if len(hidden) != 1:
        raise ValueError(f"a recurrent network has one hidden layer: give hidden as one number, not {hidden}")
    return architectures.recurrent(n_in, hidden[0], n_out, rng=rng)


def _check_fit(structure, data, loss):
    n_in, n_out = len(structure.inputs), len(structure.outputs)
    if n_in != data.n_inputs:
        raise ValueError(f"the graph has {n_in} input neurons but {data.name} has {data.n_inputs} input columns")
    if n_out != data.n_outputs(loss):
        raise ValueError(
            f"the graph has {n_out} output neurons but {data.name} with loss {loss} needs {data.n_outputs(loss)}"
        )
