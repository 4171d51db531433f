"""Edge masks and rewinding: removing interactions from a network, and resetting the survivors.

A pruned edge's weight is exactly 0 and its gradient is masked to 0 before the optimiser sees it, so its
momentum and weight decay (λ·0) stay 0 as well: it carries nothing forward (0·a) or back (0·δ) and never
comes back while training goes on. Dense blocks stay dense (a zero in a matrix costs what any entry costs)
and sparse waves keep their CSR structure with explicit zeros, so a step with a mask costs one extra
multiply over the weights' gradient, and a step without one does not look at it (`model.any_pruned`).

Iterative magnitude pruning with rewinding follows Frankle & Carbin, "The Lottery Ticket Hypothesis"
(ICLR 2019), and Frankle, Dziugaite, Roy & Carbin, "Linear Mode Connectivity and the Lottery Ticket
Hypothesis" (ICML 2020); see model/tickets.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np

BY = ("magnitude", "random")
SCOPES = ("layer", "global")


class EdgeMask:
    """Which edges are present (`kept`, read-only), and each pruned edge's weight when it was pruned."""

    def __init__(self, n_edges: int):
        self.kept = np.ones(n_edges, dtype=bool)
        self.kept.flags.writeable = False
        self._keep = self._saved = None  # made at the first prune: 16 bytes an edge that most models never use

    @property
    def keep(self) -> np.ndarray:
        """`kept` as 1.0 / 0.0: what the gradient is multiplied by."""
        if self._keep is None:
            self._keep = self.kept.astype(float)
        return self._keep

    @property
    def saved(self) -> np.ndarray:
        """The weights as they were when pruned, for restore() (0 for an edge never pruned)."""
        if self._saved is None:
            self._saved = np.zeros(len(self.kept))
        return self._saved

    def set(self, kept: np.ndarray):
        """Change the mask in place (the neurons hold views of it)."""
        self.kept.flags.writeable = True
        self.kept[:] = kept
        self.kept.flags.writeable = False
        np.copyto(self.keep, kept)

    @property
    def n_pruned(self) -> int:
        return int(len(self.kept) - np.count_nonzero(self.kept))

    def __repr__(self):
        return f"EdgeMask({self.n_pruned} of {len(self.kept)} edges pruned)"


@dataclass(frozen=True, eq=False)
class Checkpoint:
    """θ (weights, then biases) and the momentum buffers as they were after `step` training steps."""

    step: int
    theta: np.ndarray
    velocity: np.ndarray

    def __repr__(self):
        return f"Checkpoint(step {self.step}, {len(self.theta)} parameters)"


def layer_of_edges(model) -> np.ndarray:
    """The layer of every edge: the wave of its receiving neuron (in a layered network, one weight matrix)."""
    s = model.structure
    wave = np.zeros(s.n, dtype=np.int64)
    for i, nodes in enumerate(s.waves):
        wave[list(nodes)] = i
    return wave[s.dst]


def layer_groups(model) -> list[np.ndarray]:
    """Edge ids of each layer, in wave order (layers without edges left out)."""
    layer = layer_of_edges(model)
    return [np.flatnonzero(layer == i) for i in np.unique(layer)]


def choose(model, fraction, by: str = "magnitude", scope: str = "layer", rng=None) -> np.ndarray:
    """The edge ids that pruning `fraction` of the surviving weights (of each layer, or of all) would remove.

    by="magnitude": the smallest |w| first (ties: the lower edge id first); "random": uniformly at random.
    """
    check_options(by, scope)
    if isinstance(fraction, bool) or not isinstance(fraction, Real) or not 0.0 <= fraction < 1.0:
        raise ValueError(f"fraction must be a number in [0, 1), got {fraction!r}")
    groups = layer_groups(model) if scope == "layer" else [np.arange(len(model.structure.src))]
    generator = np.random.default_rng(rng) if rng is not None else model.rng
    kept = model.mask
    chosen = []
    for edges in groups:
        survivors = edges[kept[edges]]
        chosen.append(
            pick(survivors, int(np.floor(fraction * len(survivors) + 0.5)), by, model.params.weight, generator)
        )
    return np.sort(np.concatenate(chosen)) if chosen else np.zeros(0, dtype=np.int64)


def pick(candidates: np.ndarray, k: int, by: str, weight: np.ndarray, rng) -> np.ndarray:
    """k of the candidate edge ids: the smallest |w| (stable), or a uniform random draw."""
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    if by == "magnitude":
        return candidates[np.argsort(np.abs(weight[candidates]), kind="stable")[:k]]
    return np.sort(rng.choice(candidates, size=k, replace=False))


def edge_ids(model, edges) -> np.ndarray:
    """The ids of these (u, v) edges; a ValueError naming the ones the network does not have."""
    if isinstance(edges, tuple) and len(edges) == 2 and all(isinstance(x, Integral) for x in edges):
        edges = [edges]
    pairs = [tuple(int(x) for x in edge) for edge in edges]
    index = model.edge_index
    missing = [edge for edge in pairs if edge not in index]
    if missing:
        raise ValueError(
            f"the network has no edge {missing[:5]}{' …' if len(missing) > 5 else ''}: give (sender, "
            "receiver) pairs of existing edges, or a fraction in [0, 1)"
        )
    return np.array([index[edge] for edge in pairs], dtype=np.int64)


def check_options(by, scope):
    if by not in BY:
        raise ValueError(f"unknown by {by!r}; valid ones are: {', '.join(BY)}")
    if scope not in SCOPES:
        raise ValueError(f"unknown scope {scope!r}; valid ones are: {', '.join(SCOPES)}")


def prune(model, edges_or_fraction, by: str = "magnitude", scope: str = "layer", rng=None) -> int:
    """Remove edges (a list of (u, v), or a fraction of the survivors chosen `by` per `scope`); the count removed."""
    check_options(by, scope)
    if isinstance(edges_or_fraction, Real) and not isinstance(edges_or_fraction, bool):
        chosen = choose(model, edges_or_fraction, by, scope, rng)
    elif (
        isinstance(edges_or_fraction, np.ndarray)
        and edges_or_fraction.ndim == 1
        and np.issubdtype(edges_or_fraction.dtype, np.integer)
    ):
        chosen = edges_or_fraction.astype(np.int64)  # edge ids, as choose() gives them
        if len(chosen) and not (0 <= chosen.min() and chosen.max() < len(model.mask)):
            raise ValueError(f"edge ids must lie in 0..{len(model.mask) - 1}")
    else:
        chosen = edge_ids(model, edges_or_fraction)
    kept = model.mask.copy()
    kept[chosen] = False
    return apply(model, kept)


def apply(model, kept: np.ndarray) -> int:
    """Make `kept` the model's mask: newly pruned edges are zeroed (weight and momentum), their weights saved;
    edges present again get back the weight they had when pruned. The number of edges newly pruned."""
    kept = np.asarray(kept, dtype=bool)
    mask = model.pruning
    if kept.shape != mask.kept.shape:
        raise ValueError(f"a mask has one entry per edge ({len(mask.kept)}), got shape {kept.shape}")
    _check_outputs(model, kept)
    weight, velocity = model.params.weight, model.params.weight_velocity
    newly = np.flatnonzero(mask.kept & ~kept)
    back = np.flatnonzero(~mask.kept & kept)
    mask.saved[newly] = weight[newly]
    weight[newly] = 0.0
    if len(velocity):
        velocity[newly] = 0.0
    weight[back] = mask.saved[back]
    mask.saved[back] = 0.0
    mask.set(kept)
    model.any_pruned = not bool(kept.all())
    return len(newly)


def _check_outputs(model, kept):
    """Every output neuron must keep an in-edge: without one it could only ever output its bias."""
    s = model.structure
    before = np.bincount(s.dst, minlength=s.n)
    after = np.bincount(s.dst[kept], minlength=s.n)
    cut = [int(v) for v in s.outputs if before[v] > 0 and after[v] == 0]
    if cut:
        raise ValueError(
            f"this would prune every in-edge of output neuron(s) {cut}: nothing could reach them; "
            "prune fewer edges (nothing was changed)"
        )


def restore(model) -> int:
    """Put every pruned edge back with the weight it had when pruned (momentum starts afresh); the count."""
    n = model.pruning.n_pruned
    apply(model, np.ones_like(model.mask))
    return n


def checkpoint(model) -> Checkpoint:
    """θ and the momentum buffers now, as copies."""
    params = model.params
    return Checkpoint(model.completed_steps, params.theta.copy(), params.velocity.copy())


def rewind(model, to: Checkpoint):
    """θ ← the checkpoint's θ for every bias and surviving weight (pruned weights stay 0), momentum likewise."""
    params = model.params
    if not isinstance(to, Checkpoint):
        raise TypeError(f"rewind takes a Checkpoint (from model.checkpoint()), got {type(to).__name__}")
    if to.theta.shape != params.theta.shape:
        raise ValueError(
            f"the checkpoint has {len(to.theta)} parameters, this network {len(params.theta)}: "
            "rewind to a checkpoint of the same network"
        )
    np.copyto(params.theta, to.theta)
    params.weight[~model.mask] = 0.0
    if len(params.velocity):
        if len(to.velocity) == len(params.velocity):
            np.copyto(params.velocity, to.velocity)
            params.weight_velocity[~model.mask] = 0.0
        else:
            params.velocity[:] = 0.0
