"""A network's architecture as edge arrays, and the one validation every architecture passes.

`Edges` holds what a `networkx.DiGraph` would (model/architectures.py): per edge a sender, a receiver, a
delay (0 or 1) and optionally a weight; per node a role and optionally a layer, an activation and a bias;
but as numpy arrays, so a graph of 10^7 edges costs tens of bytes an edge and no Python object per edge.
`validate` checks any architecture (DiGraph, Edges or a scipy sparse adjacency matrix) by the same rules
with numpy and scipy.sparse.csgraph, and returns the `Structure` the model is built on.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np
from scipy import sparse
from scipy.sparse import csgraph

ROLES = ("input", "hidden", "output")


@dataclass(frozen=True, eq=False)
class Edges:
    """Edge e runs src[e] → dst[e] with delay[e]; node v (0..n-1) has roles[v] (inferred from degrees if None).

    Optional: weight per edge and bias per node (read with init="graph"), layer per node (for drawing),
    activation per node (a name, or None for the model's choice).
    """

    src: np.ndarray
    dst: np.ndarray
    delay: np.ndarray | None = None
    roles: object = None  # a sequence of role names (None entries are inferred), or None for all
    n: int | None = None  # number of nodes; default len(roles), else the largest id + 1
    weight: np.ndarray | None = None
    bias: np.ndarray | None = None
    layer: np.ndarray | None = None
    activation: object = None

    def __post_init__(self):
        for name in ("src", "dst"):
            object.__setattr__(self, name, _ids(getattr(self, name)))
        if len(self.src) != len(self.dst):
            raise ValueError(f"src and dst must have one entry per edge, got {len(self.src)} and {len(self.dst)}")
        delay = np.zeros(len(self.src), dtype=np.int8) if self.delay is None else np.asarray(self.delay)
        object.__setattr__(self, "delay", delay)
        if self.n is None:
            n = len(self.roles) if self.roles is not None else _largest(self.src, self.dst) + 1
            object.__setattr__(self, "n", int(n))
        for name, size in (
            ("delay", len(self.src)),
            ("weight", len(self.src)),
            ("roles", self.n),
            ("bias", self.n),
            ("layer", self.n),
            ("activation", self.n),
        ):
            value = getattr(self, name)
            if value is not None and len(value) != size:
                raise ValueError(
                    f"{name} must have one entry per {'edge' if size == len(self.src) else 'node'} "
                    f"({size}), got {len(value)}"
                )

    def __len__(self) -> int:
        return len(self.src)

    @classmethod
    def from_networkx(cls, graph: nx.DiGraph) -> Edges:
        """The same architecture as arrays (node ids must be 0..N-1; checked here as `validate` would)."""
        _check_digraph(graph)
        n = graph.number_of_nodes()
        _check_node_ids(list(graph), n, hint=" Relabel with networkx.convert_node_labels_to_integers(graph).")
        nodes = [graph.nodes[v] for v in range(n)]
        rows = np.fromiter(
            ((u, v, d.get("delay", 0), d.get("weight", np.nan)) for u, v, d in graph.edges(data=True)),
            dtype=np.dtype((float, 4)),
            count=graph.number_of_edges(),
        ).reshape(-1, 4)
        delay = rows[:, 2]
        delay = delay.astype(np.int64) if np.all(delay == np.round(delay)) else delay
        has = {key: any(key in d for d in nodes) for key in ("bias", "layer", "activation")}
        return cls(
            src=rows[:, 0].astype(np.int64),
            dst=rows[:, 1].astype(np.int64),
            delay=delay,
            n=n,
            roles=[d.get("role") for d in nodes],
            weight=rows[:, 3] if not np.isnan(rows[:, 3]).all() else None,
            bias=np.array([d.get("bias", np.nan) for d in nodes], dtype=float) if has["bias"] else None,
            layer=np.array([d["layer"] for d in nodes]) if all("layer" in d for d in nodes) else None,
            activation=[d.get("activation") for d in nodes] if has["activation"] else None,
        )

    @classmethod
    def from_sparse(cls, matrix, roles=None) -> Edges:
        """Edges from an adjacency matrix: every stored entry A[u, v] is an edge u → v of that weight, delay 0."""
        coo = sparse.coo_array(matrix)
        if coo.shape[0] != coo.shape[1]:
            raise ValueError(f"an adjacency matrix must be square, got shape {coo.shape}")
        return cls(src=coo.row, dst=coo.col, n=coo.shape[0], roles=roles, weight=np.asarray(coo.data, dtype=float))

    def to_networkx(self) -> nx.DiGraph:
        """The same architecture as a DiGraph (for small graphs: this makes a Python dict per edge)."""
        graph = nx.DiGraph()
        for v in range(self.n):
            attributes = {}
            if self.roles is not None and self.roles[v] is not None:
                attributes["role"] = str(self.roles[v])
            if self.layer is not None:
                attributes["layer"] = int(self.layer[v])
            if self.activation is not None and self.activation[v] is not None:
                attributes["activation"] = self.activation[v]
            if self.bias is not None and not np.isnan(self.bias[v]):
                attributes["bias"] = float(self.bias[v])
            graph.add_node(v, **attributes)
        delay = self.delay.tolist()
        if self.weight is None:
            graph.add_edges_from((u, v, {"delay": d}) for u, v, d in zip(self.src.tolist(), self.dst.tolist(), delay))
        else:
            graph.add_edges_from(
                (u, v, {"delay": d, "weight": w})
                for u, v, d, w in zip(self.src.tolist(), self.dst.tolist(), delay, self.weight.tolist())
            )
        return graph

    def __repr__(self):
        return f"Edges({self.n} nodes, {len(self)} edges, {int(np.count_nonzero(self.delay))} with delay 1)"


@dataclass(frozen=True, eq=False)
class Structure:
    """What the model needs of a validated architecture: roles, edge arrays sorted by receiver, waves."""

    n: int
    roles: tuple[str, ...]
    inputs: np.ndarray  # node ids, ascending
    outputs: np.ndarray
    src: np.ndarray  # per edge; edges grouped by receiver, receivers by wave (see validate)
    dst: np.ndarray
    delay: np.ndarray
    waves: tuple[tuple[int, ...], ...]  # topological generations of the non-input neurons
    ticks_needed: int  # 2 if any delay-1 edge exists, else 1
    weight: np.ndarray | None = None  # the architecture's own weights, in this edge order (init="graph")
    bias: np.ndarray | None = None
    layer: np.ndarray | None = None
    activation: tuple | None = None


def validate(graph) -> Structure:
    """Check an architecture (DiGraph, Edges or sparse matrix) and return its structure; ValueError naming
    the offending nodes or edges, the same for every kind of input."""
    if isinstance(graph, Edges):
        edges = graph
    elif sparse.issparse(graph):
        edges = Edges.from_sparse(graph)
    else:
        edges = Edges.from_networkx(graph)
    return _validate_edges(edges)


def _validate_edges(edges: Edges) -> Structure:
    n = edges.n
    if n == 0:
        raise ValueError("graph has no nodes")
    bad = np.flatnonzero((edges.src < 0) | (edges.src >= n) | (edges.dst < 0) | (edges.dst >= n))
    if len(bad):
        ids = np.concatenate([edges.src[bad], edges.dst[bad]])
        _check_node_ids(np.unique(ids[(ids < 0) | (ids >= n)]).tolist(), n)
    src, dst = edges.src, edges.dst
    in_degree, out_degree = np.bincount(dst, minlength=n), np.bincount(src, minlength=n)
    roles = _roles(edges.roles, n, in_degree, out_degree)
    role = np.array(roles)
    inputs, outputs = np.flatnonzero(role == "input"), np.flatnonzero(role == "output")
    if not len(inputs) or not len(outputs):
        raise ValueError(f"graph needs at least one input and one output neuron (has {len(inputs)} and {len(outputs)})")
    fed_inputs = inputs[in_degree[inputs] > 0]
    if len(fed_inputs):
        raise ValueError(f"input neurons take no in-edges, but these have some: {_few(fed_inputs.tolist())}")
    delay = edges.delay
    bad = np.flatnonzero((delay != 0) & (delay != 1))
    if len(bad):
        raise ValueError(f"edge delay must be 0 or 1; these edges have another: {_few(_pairs(src[bad], dst[bad]))}")
    delay = delay.astype(np.int32)
    _check_no_repeats(src, dst, n)
    waves, wave_of = _waves(src, dst, delay, role != "input", n)
    unreached = np.setdiff1d(outputs, _reachable(src, dst, inputs, n))
    if len(unreached):
        raise ValueError(f"no input reaches these output neurons: {_few(unreached.tolist())}")

    # Edges grouped by receiver, receivers by wave: each neuron's in-edges, and each wave's, are contiguous.
    # Within a receiver: delay-1 edges first, then by sender (the order of their register rows).
    keys = (src - delay.astype(np.int64) * n, dst, wave_of[dst])
    order = None if _lexsorted(keys) else np.lexsort(keys)
    pick = (lambda a: a) if order is None else (lambda a: a[order])
    return Structure(
        n=n,
        roles=tuple(roles),
        inputs=inputs,
        outputs=outputs,
        src=pick(src).astype(np.int32, copy=False),
        dst=pick(dst).astype(np.int32, copy=False),
        delay=pick(delay),
        waves=waves,
        ticks_needed=2 if delay.any() else 1,
        weight=None if edges.weight is None else pick(np.asarray(edges.weight, dtype=float)),
        bias=None if edges.bias is None else np.asarray(edges.bias, dtype=float),
        layer=None if edges.layer is None else np.asarray(edges.layer, dtype=int),
        activation=None if edges.activation is None else tuple(edges.activation),
    )


def _check_digraph(graph):
    if not isinstance(graph, nx.DiGraph) or graph.is_multigraph():
        raise ValueError(
            f"graph must be a networkx.DiGraph, a model.architectures.Edges or a scipy sparse "
            f"adjacency matrix, got {type(graph).__name__}"
        )


def _check_node_ids(ids, n, hint=""):
    bad = [v for v in ids if not (isinstance(v, (int, np.integer)) and not isinstance(v, bool) and 0 <= v < n)]
    if bad:
        raise ValueError(f"node ids must be the integers 0..{n - 1}; these are not: {_few(bad)}.{hint}")


def _ids(values) -> np.ndarray:
    """Node ids as an integer array; anything else is refused with the rule node ids follow."""
    array = np.asarray(values)
    if array.dtype.kind in "iu":
        return array
    if array.size == 0:
        return array.astype(np.int64)
    whole = array.dtype.kind == "f" and np.all(np.isfinite(array)) and np.all(array == np.round(array))
    if whole:
        return array.astype(np.int64)
    bad = [v for v in array.ravel().tolist() if not (isinstance(v, int) and not isinstance(v, bool))]
    raise ValueError(f"node ids must be the integers 0..N-1; these are not: {_few(bad)}")


def _largest(*arrays) -> int:
    return max((int(a.max()) for a in arrays if len(a)), default=-1)


def _roles(given, n, in_degree, out_degree) -> list[str]:
    """Each node's role; a missing one inferred: a source is an input, a sink an output."""
    inferred = np.where(in_degree == 0, "input", np.where(out_degree == 0, "output", "hidden"))
    if given is None:
        return inferred.tolist()
    roles = [inferred[v] if r is None else r for v, r in enumerate(given)]
    known = set(ROLES)
    for v, role in enumerate(roles):
        if role not in known:
            raise ValueError(f"node {v} has role {role!r}; valid roles are: {', '.join(ROLES)}")
    return [str(r) for r in roles]


def _check_no_repeats(src, dst, n):
    """A DiGraph holds at most one edge per (sender, receiver) pair; so may edge arrays."""
    pair = dst.astype(np.int64) * n + src
    if not np.all(pair[1:] > pair[:-1]):
        pair = np.sort(pair)
        repeated = np.unique(pair[1:][pair[1:] == pair[:-1]])
        if len(repeated):
            raise ValueError(
                f"an edge may appear only once (as in a DiGraph); these appear more than once: "
                f"{_few(_pairs(repeated % n, repeated // n))}"
            )


def _waves(src, dst, delay, learner, n):
    """Topological generations of the delay-0 graph on the non-input nodes, by peeling off in-degree-0 nodes;
    a ValueError naming a cycle if some nodes can never be peeled."""
    keep = (delay == 0) & learner[src]
    senders, receivers = src[keep], dst[keep]
    order = np.argsort(senders, kind="stable")
    receivers_by_sender = receivers[order]
    first_out = np.searchsorted(senders[order], np.arange(n + 1))
    waiting = np.bincount(receivers, minlength=n)
    frontier = np.flatnonzero(learner & (waiting == 0))
    wave_of = np.zeros(n, dtype=np.int64)
    waves, done = [], 0
    while len(frontier):
        wave_of[frontier] = len(waves)
        waves.append(tuple(frontier.tolist()))
        done += len(frontier)
        starts, counts = first_out[frontier], first_out[frontier + 1] - first_out[frontier]
        reached = receivers_by_sender[_ranges(starts, counts)]
        nodes, hits = np.unique(reached, return_counts=True)
        waiting[nodes] -= hits
        frontier = nodes[waiting[nodes] == 0]
    if done < np.count_nonzero(learner):
        stuck = waiting > 0
        left = keep & stuck[src] & stuck[dst]
        cycle = [u for u, _ in nx.find_cycle(nx.DiGraph(zip(src[left].tolist(), dst[left].tolist())))]
        raise ValueError(
            f"the delay-0 edges form a cycle through nodes {cycle}: give one of its edges delay=1 "
            "(a recurrent edge), or remove it"
        )
    return tuple(waves), wave_of


def _ranges(starts, counts) -> np.ndarray:
    """The concatenation of arange(start, start + count) for each pair, without a Python loop."""
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    shift = np.repeat(starts - np.cumsum(counts) + counts, counts)
    return shift + np.arange(total)


def _reachable(src, dst, sources, n) -> np.ndarray:
    """Every node reachable from any of `sources` along edges of either delay (one breadth-first search)."""
    rows = np.concatenate([src, np.full(len(sources), n)])
    columns = np.concatenate([dst, sources])
    adjacency = sparse.csr_array((np.ones(len(rows), dtype=np.int8), (rows, columns)), shape=(n + 1, n + 1))
    return csgraph.breadth_first_order(adjacency, n, directed=True, return_predecessors=False)


def _lexsorted(keys) -> bool:
    """Whether np.lexsort(keys) would leave the order as it is (last key primary)."""
    if len(keys[0]) < 2:
        return True
    ahead = np.zeros(len(keys[0]) - 1, dtype=bool)  # already strictly ahead on a more significant key
    for key in reversed(keys):
        step = np.diff(key)
        if np.any((step < 0) & ~ahead):
            return False
        ahead |= step > 0
    return True


def _pairs(us, vs) -> list[tuple[int, int]]:
    return list(zip(np.asarray(us).tolist(), np.asarray(vs).tolist()))


def _few(items, limit=10):
    items = list(items)
    shown = ", ".join(map(str, items[:limit]))
    return shown + (f" … ({len(items)} in all)" if len(items) > limit else "")
