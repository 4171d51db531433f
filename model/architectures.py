"""Graph builders for the network; the validation every graph passes before a neuron exists is in model/edges.py.

A network is a `networkx.DiGraph` on nodes 0..N-1, or the same as edge arrays (`Edges`, or a scipy sparse
adjacency matrix). Node attribute `role` is "input", "hidden" or "output" (inferred from the degrees when
absent), `layer` is for drawing, `activation` overrides the model's choice. Edge attribute `delay` is 0
(same tick) or 1 (next tick: a recurrent edge); `weight` and node `bias` are read only with `init="graph"`.
`layered`, `random_dag` and `sparse_layered` return `Edges` with `as_edges=True`, built without a Python
object per edge: the way to graphs of millions of edges.
"""

from __future__ import annotations

import networkx as nx
import numpy as np

from model.edges import ROLES, Edges, Structure, _waves, validate  # noqa: F401  (part of this module's interface)

ARCHITECTURES = ("layered", "random_dag", "recurrent", "sparse")  # what NetworkModel(architecture=...) builds


def layered(sizes, as_edges: bool = False) -> nx.DiGraph | Edges:
    """A fully connected feed-forward network, e.g. layered([2, 8, 1])."""
    sizes = [int(s) for s in sizes]
    if len(sizes) < 2 or min(sizes) < 1:
        raise ValueError(f"layered(sizes) needs at least two layers of at least one neuron, got {sizes}")
    first = np.cumsum([0, *sizes])
    src = np.concatenate(
        [np.tile(np.arange(first[i], first[i + 1], dtype=np.int32), sizes[i + 1]) for i in range(len(sizes) - 1)]
    )
    dst = np.concatenate(
        [np.repeat(np.arange(first[i + 1], first[i + 2], dtype=np.int32), sizes[i]) for i in range(len(sizes) - 1)]
    )
    edges = _layers_edges(src, dst, sizes)
    return edges if as_edges else edges.to_networkx()


def random_dag(
    n_in: int, n_hidden: int, n_out: int, p: float = 0.3, rng=None, as_edges: bool = False
) -> nx.DiGraph | Edges:
    """A random feed-forward graph with skip connections: each forward pair linked with probability p.

    Every hidden neuron gets at least one in-edge and one out-edge, and every output at least one
    in-edge, so no neuron is dead. The same graph either way `as_edges` is set (from the same rng).
    """
    _check_counts(n_in=n_in, n_hidden=n_hidden, n_out=n_out)
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"p must be a probability in [0, 1], got {p}")
    rng = np.random.default_rng(rng)
    n_senders = n_in + n_hidden  # inputs and hidden neurons send; every sender precedes its receivers
    n, chosen = n_in + n_hidden + n_out, []
    for v in range(n_in, n):
        picked = np.flatnonzero(rng.random(min(v, n_senders)) < p)
        chosen.append(picked if len(picked) else np.array([rng.integers(min(v, n_senders))]))
    src = np.concatenate(chosen).astype(np.int32)
    dst = np.repeat(np.arange(n_in, n, dtype=np.int32), [len(c) for c in chosen])
    dead = np.flatnonzero(np.bincount(src, minlength=n)[n_in:n_senders] == 0) + n_in
    extra = [int(rng.integers(u + 1, n)) for u in dead.tolist()]  # a hidden neuron must reach somewhere
    src, dst = np.r_[src, dead.astype(np.int32)], np.r_[dst, np.array(extra, dtype=np.int32)]
    roles = np.array(["input"] * n_in + ["hidden"] * n_hidden + ["output"] * n_out)
    edges = Edges(src=src, dst=dst, n=n, roles=roles, layer=_depths(src, dst, roles))
    return edges if as_edges else edges.to_networkx()


def sparse_layered(sizes, fan_in: int, rng=None, as_edges: bool = False) -> nx.DiGraph | Edges:
    """Layers in sequence, each neuron listening to `fan_in` distinct random neurons of the layer below (all
    of them if fewer); a neuron that no one above chose sends to one random neuron of the layer above."""
    sizes = [int(s) for s in sizes]
    if len(sizes) < 2 or min(sizes) < 1:
        raise ValueError(f"sparse_layered(sizes) needs at least two layers of at least one neuron, got {sizes}")
    _check_counts(fan_in=fan_in)
    rng = np.random.default_rng(rng)
    first = np.cumsum([0, *sizes])
    sources, targets = [], []
    for below, above in zip(range(len(sizes) - 1), range(1, len(sizes))):
        k = min(int(fan_in), sizes[below])
        src = (first[below] + _distinct_choices(rng, sizes[below], k, sizes[above])).ravel()
        dst = np.repeat(np.arange(first[above], first[above + 1]), k)
        unheard = np.flatnonzero(np.bincount(src - first[below], minlength=sizes[below]) == 0) + first[below]
        if len(unheard):
            src = np.r_[src, unheard]
            dst = np.r_[dst, first[above] + rng.integers(0, sizes[above], len(unheard))]
            order = np.lexsort((src, dst))
            src, dst = src[order], dst[order]
        sources.append(src.astype(np.int32))
        targets.append(dst.astype(np.int32))
    edges = _layers_edges(np.concatenate(sources), np.concatenate(targets), sizes)
    return edges if as_edges else edges.to_networkx()


def _layers_edges(src, dst, sizes) -> Edges:
    """Edges of layers in sequence: roles and the layer of each node by its position."""
    depth = np.repeat(np.arange(len(sizes)), sizes)
    roles = np.where(depth == 0, "input", np.where(depth == len(sizes) - 1, "output", "hidden"))
    return Edges(src=src, dst=dst, n=int(sum(sizes)), roles=roles, layer=depth)


def _distinct_choices(rng, m: int, k: int, rows: int) -> np.ndarray:
    """(rows, k) integers in [0, m), distinct and ascending within each row."""
    if k >= m:
        return np.broadcast_to(np.arange(m), (rows, m))
    if 4 * k >= m:  # many of few: the k smallest of random keys
        return np.sort(np.argpartition(rng.random((rows, m)), k - 1, axis=1)[:, :k], axis=1)
    chosen = np.sort(rng.integers(0, m, (rows, k)), axis=1)
    while True:  # few of many: draw with replacement, then draw again the rows that repeat one
        repeated = np.flatnonzero((np.diff(chosen, axis=1) == 0).any(axis=1))
        if not len(repeated):
            return chosen
        chosen[repeated] = np.sort(rng.integers(0, m, (len(repeated), k)), axis=1)


def _depths(src, dst, roles) -> np.ndarray:
    """layer = length of the longest delay-0 path from an input (outputs on the right, for drawing)."""
    learner = roles != "input"
    _, wave_of = _waves(src, dst, np.zeros(len(src), dtype=np.int32), learner, len(roles))
    depth = np.where(learner, wave_of + 1, 0)
    depth[roles == "output"] = depth.max()
    return depth


def recurrent(n_in: int, n_hidden: int, n_out: int, kind: str = "elman", p: float = 0.2, rng=None) -> nx.DiGraph:
    """A recurrent network: input → hidden → output, plus delay-1 edges.

    kind="elman": every hidden neuron feeds every hidden neuron (itself included) one tick later.
    kind="random": each hidden/output → hidden/output pair gets a delay-1 edge with probability p.
    """
    _check_counts(n_in=n_in, n_hidden=n_hidden, n_out=n_out)
    if kind not in ("elman", "random"):
        raise ValueError(f"unknown recurrent kind {kind!r}; valid ones are: elman, random")
    graph = layered([n_in, n_hidden, n_out])
    hidden = [n for n, r in graph.nodes(data="role") if r == "hidden"]
    if kind == "elman":
        graph.add_edges_from(((u, v) for u in hidden for v in hidden), delay=1)
    else:
        rng = np.random.default_rng(rng)
        recurrent_nodes = [n for n, r in graph.nodes(data="role") if r != "input"]
        for u in recurrent_nodes:
            for v in recurrent_nodes:
                if not graph.has_edge(u, v) and rng.random() < p:
                    graph.add_edge(u, v, delay=1)
    return graph


def _check_counts(**counts):
    for name, value in counts.items():
        if int(value) != value or value < 1:
            raise ValueError(f"{name} must be a whole number >= 1, got {value!r}")
