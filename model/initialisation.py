"""Initial weights and biases: the schemes a `NetworkModel` can start from (`init=`).

Glorot & Bengio (2010) for "xavier", He et al. (2015) for "he", PyTorch's `nn.Linear` default for
"uniform"; "graph" reads the values set on the graph's edges and nodes.
"""

from __future__ import annotations

import numpy as np

INITS = ("xavier", "he", "uniform", "graph")


def check_graph_parameters(graph, structure):
    """init="graph" needs a 'weight' on every edge and a 'bias' on every non-input node: a ValueError otherwise."""
    missing_w = [
        (u, v) for u, v in zip(structure.src.tolist(), structure.dst.tolist()) if "weight" not in graph.edges[u, v]
    ]
    missing_b = [v for v, role in enumerate(structure.roles) if role != "input" and "bias" not in graph.nodes[v]]
    if missing_w or missing_b:
        raise ValueError(
            f"init='graph' reads every edge's 'weight' and every non-input node's 'bias'; missing on edges "
            f"{missing_w[:5]} and nodes {missing_b[:5]}. Set them, or choose init from {INITS[:-1]}"
        )


def initial_parameters(init, graph, structure, rng):
    """Weights per edge (sorted by receiver) and biases per neuron."""
    n_edges = len(structure.src)
    if init == "graph":
        weight = np.array(
            [graph.edges[u, v]["weight"] for u, v in zip(structure.src.tolist(), structure.dst.tolist())], dtype=float
        )
        bias = np.array(
            [graph.nodes[v].get("bias", 0.0) if r != "input" else 0.0 for v, r in enumerate(structure.roles)],
            dtype=float,
        )
        return weight, bias
    fan_in = np.bincount(structure.dst, minlength=structure.n)[structure.dst].astype(float)
    fan_out = np.bincount(structure.src, minlength=structure.n)[structure.src].astype(float)
    bias = np.zeros(structure.n)
    if init == "xavier":  # Glorot uniform
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        weight = rng.uniform(-limit, limit, n_edges)
    elif init == "he":  # He normal, for relu
        weight = rng.standard_normal(n_edges) * np.sqrt(2.0 / fan_in)
    else:  # PyTorch's nn.Linear default: U(±1/√fan_in) for weights and biases
        weight = rng.uniform(-1.0, 1.0, n_edges) / np.sqrt(fan_in)
        in_degree = np.maximum(np.bincount(structure.dst, minlength=structure.n), 1)
        bias = np.where(
            np.array(structure.roles) == "input", 0.0, rng.uniform(-1.0, 1.0, structure.n) / np.sqrt(in_degree)
        )
    return weight, bias
