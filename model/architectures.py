"""Graph builders for the network, and the validation every graph passes before a neuron exists.

A network is a `networkx.DiGraph` on nodes 0..N-1. Node attribute `role` is "input", "hidden" or
"output" (inferred from the degrees when absent), `layer` is for drawing, `activation` overrides the
model's choice. Edge attribute `delay` is 0 (same tick) or 1 (next tick: a recurrent edge); `weight`
and node `bias` are read only with `init="graph"`.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np

ROLES = ("input", "hidden", "output")
ARCHITECTURES = ("layered", "random_dag", "recurrent")  # what NetworkModel(architecture=...) builds


def layered(sizes) -> nx.DiGraph:
    """A fully connected feed-forward network, e.g. layered([2, 8, 1])."""
    sizes = [int(s) for s in sizes]
    if len(sizes) < 2 or min(sizes) < 1:
        raise ValueError(f"layered(sizes) needs at least two layers of at least one neuron, got {sizes}")
    graph = nx.DiGraph()
    layers, first = [], 0
    for depth, size in enumerate(sizes):
        role = "input" if depth == 0 else "output" if depth == len(sizes) - 1 else "hidden"
        layer = list(range(first, first + size))
        graph.add_nodes_from(layer, role=role, layer=depth)
        layers.append(layer)
        first += size
    for below, above in zip(layers, layers[1:]):
        graph.add_edges_from(((u, v) for u in below for v in above), delay=0)
    return graph


def random_dag(n_in: int, n_hidden: int, n_out: int, p: float = 0.3, rng=None) -> nx.DiGraph:
    """A random feed-forward graph with skip connections: each forward pair linked with probability p.

    Every hidden neuron gets at least one in-edge and one out-edge, and every output at least one
    in-edge, so no neuron is dead.
    """
    _check_counts(n_in=n_in, n_hidden=n_hidden, n_out=n_out)
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"p must be a probability in [0, 1], got {p}")
    rng = np.random.default_rng(rng)
    inputs = list(range(n_in))
    hidden = list(range(n_in, n_in + n_hidden))
    outputs = list(range(n_in + n_hidden, n_in + n_hidden + n_out))
    graph = nx.DiGraph()
    graph.add_nodes_from(inputs, role="input")
    graph.add_nodes_from(hidden, role="hidden")
    graph.add_nodes_from(outputs, role="output")
    n_senders = n_in + n_hidden  # inputs and hidden neurons send; every sender precedes its receivers
    for v in hidden + outputs:
        chosen = np.flatnonzero(rng.random(min(v, n_senders)) < p)
        if len(chosen) == 0:
            chosen = [rng.integers(min(v, n_senders))]
        graph.add_edges_from(((int(u), v) for u in chosen), delay=0)
    last = n_in + n_hidden + n_out - 1
    for u in hidden:  # a hidden neuron must reach somewhere
        if graph.out_degree(u) == 0:
            graph.add_edge(u, int(rng.integers(u + 1, last + 1)), delay=0)
    _assign_layers(graph)
    return graph


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


def _assign_layers(graph: nx.DiGraph):
    """layer = length of the longest delay-0 path from an input (for drawing left to right)."""
    feedforward = graph.edge_subgraph([(u, v) for u, v, d in graph.edges(data="delay") if d == 0])
    depth = {n: 0 for n in graph}
    for n in nx.topological_sort(feedforward):
        for m in feedforward.successors(n):
            depth[m] = max(depth[m], depth[n] + 1)
    last = max(depth.values())
    for n, role in graph.nodes(data="role"):
        graph.nodes[n]["layer"] = last if role == "output" else depth[n]


@dataclass(frozen=True)
class Structure:
    """What the model needs of a validated graph: roles, edge lists sorted by receiver, waves."""

    n: int
    roles: tuple[str, ...]
    inputs: np.ndarray  # node ids, ascending
    outputs: np.ndarray
    src: np.ndarray  # per edge; edges grouped by receiver, receivers by wave (see validate)
    dst: np.ndarray
    delay: np.ndarray
    waves: tuple[tuple[int, ...], ...]  # topological generations of the non-input neurons
    ticks_needed: int  # 2 if any delay-1 edge exists, else 1


def validate(graph: nx.DiGraph) -> Structure:
    """Check a user's graph against the rules of this module's docstring and return its structure; ValueError naming the offenders."""
    if not isinstance(graph, nx.DiGraph) or graph.is_multigraph():
        raise ValueError(f"graph must be a networkx.DiGraph, got {type(graph).__name__}")
    n = graph.number_of_nodes()
    if n == 0:
        raise ValueError("graph has no nodes")
    bad_ids = [v for v in graph if not (isinstance(v, (int, np.integer)) and not isinstance(v, bool) and 0 <= v < n)]
    if bad_ids:
        raise ValueError(
            f"node ids must be the integers 0..{n - 1}; these are not: {_few(bad_ids)}. "
            "Relabel with networkx.convert_node_labels_to_integers(graph)."
        )
    roles = []
    for v in range(n):
        role = graph.nodes[v].get("role")
        if role is None:  # infer: a source is an input, a sink an output
            role = "input" if graph.in_degree(v) == 0 else "output" if graph.out_degree(v) == 0 else "hidden"
        if role not in ROLES:
            raise ValueError(f"node {v} has role {role!r}; valid roles are: {', '.join(ROLES)}")
        roles.append(role)
    inputs = [v for v in range(n) if roles[v] == "input"]
    outputs = [v for v in range(n) if roles[v] == "output"]
    if not inputs or not outputs:
        raise ValueError(f"graph needs at least one input and one output neuron (has {len(inputs)} and {len(outputs)})")
    fed_inputs = [v for v in inputs if graph.in_degree(v) > 0]
    if fed_inputs:
        raise ValueError(f"input neurons take no in-edges, but these have some: {_few(fed_inputs)}")
    bad_delays = [(u, v) for u, v, d in graph.edges(data="delay", default=0) if d not in (0, 1)]
    if bad_delays:
        raise ValueError(f"edge delay must be 0 or 1; these edges have another: {_few(bad_delays)}")
    feedforward = nx.DiGraph()
    feedforward.add_nodes_from(range(n))
    feedforward.add_edges_from((u, v) for u, v, d in graph.edges(data="delay", default=0) if d == 0)
    if not nx.is_directed_acyclic_graph(feedforward):
        cycle = [u for u, _ in nx.find_cycle(feedforward)]
        raise ValueError(
            f"the delay-0 edges form a cycle through nodes {cycle}: give one of its edges delay=1 "
            "(a recurrent edge), or remove it"
        )
    unreached = sorted(set(outputs) - _reachable(graph, inputs))
    if unreached:
        raise ValueError(f"no input reaches these output neurons: {_few(unreached)}")

    hidden_and_outputs = feedforward.subgraph(v for v in range(n) if roles[v] != "input")
    waves = tuple(tuple(sorted(g)) for g in nx.topological_generations(hidden_and_outputs))
    # Edges grouped by receiver, receivers by wave: each neuron's in-edges, and each wave's, are contiguous.
    # Within a receiver: delay-1 edges first, then by sender (the order of their register rows).
    wave_of = np.zeros(n, dtype=np.int64)
    for i, wave in enumerate(waves):
        wave_of[list(wave)] = i
    edges = np.fromiter(
        graph.edges(data="delay", default=0), dtype=np.dtype((np.int64, 3)), count=graph.number_of_edges()
    ).reshape(-1, 3)
    src, dst, delay = edges.T
    order = np.lexsort((src - delay * n, dst, wave_of[dst]))
    return Structure(
        n=n,
        roles=tuple(roles),
        inputs=np.array(inputs),
        outputs=np.array(outputs),
        src=src[order].astype(np.int32),
        dst=dst[order].astype(np.int32),
        delay=delay[order].astype(np.int32),
        waves=waves,
        ticks_needed=2 if delay.any() else 1,
    )


def _reachable(graph, sources) -> set:
    """Every node reachable from any of `sources` (one breadth-first search for all of them)."""
    seen, frontier = set(sources), list(sources)
    while frontier:
        frontier = [m for v in frontier for m in graph.successors(v) if m not in seen and not seen.add(m)]
    return seen


def _few(items, limit=10):
    items = list(items)
    shown = ", ".join(map(str, items[:limit]))
    return shown + (f" … ({len(items)} in all)" if len(items) > limit else "")
