"""An independent dense implementation of the unrolled network, for checking the agents' gradients.

It shares no code with the project: its own activations and losses, a dense weight matrix per delay,
the graph walked in networkx's topological order. Derivatives come from the complex step,
dL/dθ = Im L(θ + ih) / h, which has no subtractive cancellation and is exact to round-off: no
backpropagation is involved at all.
"""

import networkx as nx
import numpy as np

ACT = {
    "identity": lambda z: z,
    "tanh": np.tanh,
    "sigmoid": lambda z: 1.0 / (1.0 + np.exp(-z)),
    "relu": lambda z: np.where(z.real > 0, z, 0.0),
    "leaky_relu": lambda z: np.where(z.real > 0, z, 0.01 * z),
}


def loss_value(name, y_hat, y):
    if name == "mse":
        return np.mean((y_hat - y) ** 2)
    if name == "bce":
        return -np.mean(y * np.log(y_hat) + (1 - y) * np.log(1 - y_hat))
    shift = y_hat.real.max(axis=1, keepdims=True)
    log_norm = np.log(np.sum(np.exp(y_hat - shift), axis=1)) + shift[:, 0]
    return np.mean(log_norm - y_hat[np.arange(len(y)), y])


def unrolled_loss(graph, weights, biases, activations, loss, x, y, ticks):
    """Loss of the T-tick unrolled computation; weights {(u, v): w}, biases {v: b} may be complex."""
    n = graph.number_of_nodes()
    w0 = np.zeros((n, n), dtype=complex)
    w1 = np.zeros((n, n), dtype=complex)
    for (u, v), w in weights.items():
        (w1 if graph.edges[u, v].get("delay", 0) == 1 else w0)[v, u] = w
    feedforward = nx.DiGraph([(u, v) for u, v, d in graph.edges(data="delay", default=0) if d == 0])
    feedforward.add_nodes_from(graph)
    order = list(nx.topological_sort(feedforward))
    inputs = sorted(v for v in graph if graph.in_degree(v) == 0 and graph.nodes[v].get("role", "input") == "input")
    outputs = sorted(v for v in graph if graph.nodes[v].get("role") == "output")
    batch = len(x)
    previous = np.zeros((n, batch), dtype=complex)
    for t in range(ticks):
        current = np.zeros((n, batch), dtype=complex)
        for v in order:
            if v in inputs:
                column = inputs.index(v)
                current[v] = x[:, column] if x.ndim == 2 else x[:, t, column]
            else:
                z = biases[v] + w0[v] @ current + w1[v] @ previous
                current[v] = ACT[activations[v]](z)
        previous = current
    return loss_value(loss, previous[outputs].T, y)


def complex_step_gradients(graph, weights, biases, activations, loss, x, y, ticks, h=1e-30):
    """({(u, v): dL/dw}, {v: dL/db}) by the complex step, one parameter at a time."""

    def d(params_w, params_b):
        return unrolled_loss(graph, params_w, params_b, activations, loss, x, y, ticks).imag / h

    grad_w = {}
    for edge in weights:
        bumped = dict(weights)
        bumped[edge] = weights[edge] + 1j * h
        grad_w[edge] = d(bumped, biases)
    grad_b = {}
    for v in biases:
        bumped = dict(biases)
        bumped[v] = biases[v] + 1j * h
        grad_b[v] = d(weights, bumped)
    return grad_w, grad_b
