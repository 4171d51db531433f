"""Small builders shared by the tests."""

import numpy as np

from model import NetworkModel
from model.datasets import Dataset


def random_dataset(n_inputs, n_outputs, loss, ticks=None, n=24, seed=0):
    """Random inputs (a sequence when ticks is given) with targets of the form `loss` wants."""
    rng = np.random.default_rng(seed)
    shape = (n, ticks, n_inputs) if ticks else (n, n_inputs)
    x = rng.standard_normal(shape)
    if loss == "cross_entropy":
        y, task, classes = rng.integers(0, n_outputs, n), "multiclass", n_outputs
    elif loss == "bce":
        y, task, classes = rng.uniform(0.05, 0.95, (n, n_outputs)), "regression", 0
    else:
        y, task, classes = rng.standard_normal((n, n_outputs)), "regression", 0
    return Dataset("random", x, y, x, y, task, classes)


def model_on(graph, loss, activation="tanh", ticks=1, seed=0, **kwargs):
    """A NetworkModel on `graph` with random data and nonzero biases, ready for gradient checks."""
    n_in = sum(1 for _, r in graph.nodes(data="role") if r == "input")
    n_out = sum(1 for _, r in graph.nodes(data="role") if r == "output")
    data = random_dataset(n_in, n_out, loss, ticks if ticks > 1 else None, seed=seed)
    output_activation = "sigmoid" if loss == "bce" else "identity" if loss == "cross_entropy" else activation
    model = NetworkModel(
        graph=graph,
        dataset=data,
        loss=loss,
        activation=activation,
        output_activation=output_activation,
        ticks=ticks,
        rng=seed,
        **kwargs,
    )
    rng = np.random.default_rng(seed + 1)
    learners = [n.node for n in model.neurons if n.role != "input"]
    model.params.bias[learners] = rng.normal(0.0, 0.3, len(learners))
    return model, data
