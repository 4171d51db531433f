"""Initial weights and biases: the schemes a `NetworkModel` can start from (`init=`).

Glorot & Bengio (2010) for "xavier", He et al. (2015) for "he", PyTorch's `nn.Linear` default for
"uniform"; "normal" is the ensemble of the mean-field theory of signal propagation (Poole et al., NeurIPS 2016;
model/meanfield.py): W ~ N(0, σ_w²/fan_in), b ~ N(0, σ_b²); "graph" reads the values set on the graph's edges
and nodes.
"""

from __future__ import annotations

import math

import numpy as np

INITS = ("xavier", "he", "uniform", "normal", "graph")


def check_graph_parameters(structure):
    """init="graph" needs a 'weight' on every edge and a 'bias' on every non-input node: a ValueError otherwise."""
    learner = np.array(structure.roles) != "input"
    weight = np.full(len(structure.src), np.nan) if structure.weight is None else structure.weight
    bias = np.full(structure.n, np.nan) if structure.bias is None else structure.bias
    missing = np.flatnonzero(np.isnan(weight))[:5]
    missing_w = list(zip(structure.src[missing].tolist(), structure.dst[missing].tolist()))
    missing_b = np.flatnonzero(learner & np.isnan(bias))[:5].tolist()
    if missing_w or missing_b:
        raise ValueError(
            f"init='graph' reads every edge's 'weight' and every non-input node's 'bias'; missing on edges "
            f"{missing_w} and nodes {missing_b}. Set them, or choose init from {INITS[:-1]}"
        )


def initial_parameters(init, structure, rng, sigma_w2=1.0, sigma_b2=0.0):
    """Weights per edge (sorted by receiver) and biases per neuron (σ_w², σ_b²: the variances of init='normal')."""
    n_edges = len(structure.src)
    if init == "graph":
        bias = np.where(np.array(structure.roles) == "input", 0.0, structure.bias)
        return structure.weight.copy(), bias
    if init == "normal":
        scale = np.sqrt(sigma_w2 / np.maximum(np.bincount(structure.dst, minlength=structure.n), 1))  # per receiver
        weight = rng.standard_normal(n_edges)
        weight *= scale[structure.dst]
        roles = np.array(structure.roles)
        bias = np.where(roles == "input", 0.0, rng.standard_normal(structure.n) * math.sqrt(sigma_b2))
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
