"""The agents' weight and bias gradients are the exact loss gradient.

Checked two independent ways: against central finite differences of the model's own forward pass,
and against a dense implementation that shares no code with the agents (tests/reference.py), whose
derivatives come from the complex step. Layered, skip-connection and recurrent graphs (through time),
every loss and every activation.
"""

import numpy as np
import pytest

from model.architectures import layered, random_dag, recurrent
from model.functions import ACTIVATIONS, LOSSES
from tests.helpers import model_on
from tests.reference import complex_step_gradients

GRAPHS = {
    "layered": (lambda: layered([3, 5, 4, 2]), 1),
    "skip-dag": (lambda: random_dag(3, 6, 2, p=0.5, rng=7), 1),
    "elman": (lambda: recurrent(2, 4, 2, kind="elman"), 3),
    "random-recurrent": (lambda: recurrent(2, 5, 2, kind="random", p=0.4, rng=3), 4),
}


def as_arrays(grad_w, grad_b, ref_w, ref_b):
    keys_w, keys_b = sorted(ref_w), sorted(ref_b)
    assert sorted(grad_w) == keys_w and sorted(grad_b) == keys_b
    return (
        np.array([grad_w[k] for k in keys_w] + [grad_b[k] for k in keys_b]),
        np.array([ref_w[k] for k in keys_w] + [ref_b[k] for k in keys_b]),
    )


def assert_close(got, want, rtol=1e-6):
    scale = np.max(np.abs(want))
    assert scale > 1e-8, "degenerate check: the reference gradient is zero"
    np.testing.assert_allclose(got, want, rtol=rtol, atol=rtol * scale)


@pytest.mark.parametrize("graph_name", GRAPHS)
@pytest.mark.parametrize("loss", LOSSES)
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_gradients_match_the_independent_dense_implementation(graph_name, loss, activation):
    build, ticks = GRAPHS[graph_name]
    graph = build()
    model, data = model_on(graph, loss, activation, ticks=ticks)
    x, y = data.x_train[:8], data.y_train[:8]
    grad_w, grad_b = model.gradients(x, y)
    activations = {n.node: n.activation.name for n in model.neurons}
    ref_w, ref_b = complex_step_gradients(graph, model.weights(), model.biases(), activations, loss, x, y, ticks)
    got, want = as_arrays(grad_w, grad_b, ref_w, ref_b)
    assert_close(got, want, rtol=1e-9)


@pytest.mark.parametrize("graph_name", GRAPHS)
@pytest.mark.parametrize("loss", LOSSES)
@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "leaky_relu"])
def test_gradients_match_central_finite_differences(graph_name, loss, activation):
    build, ticks = GRAPHS[graph_name]
    model, data = model_on(build(), loss, activation, ticks=ticks, seed=4)
    x, y = data.x_train[:8], data.y_train[:8]
    grad_w, grad_b = model.gradients(x, y)

    def slope(values, i, h=1e-6):
        """Central difference of the loss in values[i] (a view into the model's parameters)."""
        kept = values[i]
        values[i] = kept + h
        up = model.loss_function.value(model.predict(x), y)
        values[i] = kept - h
        down = model.loss_function.value(model.predict(x), y)
        values[i] = kept
        return (up - down) / (2 * h)

    numeric_w = {edge: slope(model.params.weight, e) for edge, e in model.edge_index.items()}
    numeric_b = {v: slope(model.params.bias, v) for v in model.biases()}
    got, want = as_arrays(grad_w, grad_b, numeric_w, numeric_b)
    assert_close(got, want, rtol=1e-6)


@pytest.mark.parametrize("graph_name", GRAPHS)
def test_one_step_moves_every_weight_by_minus_lr_times_its_gradient(graph_name):
    build, ticks = GRAPHS[graph_name]
    model, _ = model_on(build(), "mse", "tanh", ticks=ticks, learning_rate=0.05)
    model.step()  # the first step draws a batch: recompute its gradient from the same batch
    batch_x, batch_y = model.environment.stream.data.x_train, model.environment.stream.data.y_train
    model2, _ = model_on(build(), "mse", "tanh", ticks=ticks, learning_rate=0.05)
    rows = model2.environment.stream._order[: model2.batch_size]
    grad_w, grad_b = model2.gradients(batch_x[rows], batch_y[rows])
    before_w, before_b = model2.weights(), model2.biases()
    for edge, w in model.weights().items():
        assert w == pytest.approx(before_w[edge] - 0.05 * grad_w[edge], rel=1e-12, abs=1e-15)
    for v, b in model.biases().items():
        assert b == pytest.approx(before_b[v] - 0.05 * grad_b[v], rel=1e-12, abs=1e-15)


def test_gradients_leave_the_training_state_untouched():
    model, data = model_on(layered([3, 4, 2]), "mse")
    model.step()
    a, delta, w = model.signals.a.copy(), model.signals.delta.copy(), model.params.weight.copy()
    model.gradients(data.x_train[:5], data.y_train[:5])
    model.evaluate("test")
    assert np.array_equal(model.signals.a, a) and np.array_equal(model.signals.delta, delta)
    assert np.array_equal(model.params.weight, w)
