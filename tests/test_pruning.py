"""Edge masks and rewinding (model/pruning.py): a pruned edge carries nothing and stays exactly 0."""

import numpy as np
import pytest

from model import NetworkModel
from model.architectures import layered, random_dag, recurrent
from model.pruning import layer_groups
from tests.helpers import model_on
from tests.reference import complex_step_gradients, unrolled_loss

GRAPHS = {  # dense blocks, sparse CSR waves with skips, delay edges through time
    "layered": (lambda: layered([3, 6, 5, 2]), 1),
    "skip-dag": (lambda: random_dag(3, 8, 2, p=0.5, rng=5), 1),
    "elman": (lambda: recurrent(3, 5, 2, kind="elman"), 3),
}


def pruned_twins(graph_name, loss="mse", fraction=0.5, by="random", **kwargs):
    build, ticks = GRAPHS[graph_name]
    models = [
        model_on(build(), loss, "tanh", ticks=ticks, executor=executor, **kwargs)[0]
        for executor in ("agents", "vectorized")
    ]
    for model in models:
        model.prune(fraction, by=by, rng=11)
    return models


@pytest.mark.parametrize("graph_name", GRAPHS)
def test_pruned_edges_stay_exactly_zero_and_the_executors_agree(graph_name):
    agents, vectorized = pruned_twins(graph_name, learning_rate=0.05, momentum=0.9, weight_decay=1e-2, batch_size=8)
    assert np.array_equal(agents.mask, vectorized.mask) and 0 < np.count_nonzero(~agents.mask) < len(agents.mask)
    start = agents.params.weight.copy()
    for _ in range(100):
        agents.step()
        vectorized.step()
    assert agents.running and vectorized.running
    for model in (agents, vectorized):
        pruned = ~model.mask
        assert np.all(model.params.weight[pruned] == 0.0)
        assert np.all(model.params.weight_velocity[pruned] == 0.0)
        assert np.all(model.params.weight_step[pruned] == 0.0)
        assert not np.array_equal(model.params.weight[~pruned], start[~pruned]), "the survivors did not learn"
    scale = np.max(np.abs(agents.params.theta))
    assert np.max(np.abs(agents.params.theta - vectorized.params.theta)) <= 1e-12 * scale


@pytest.mark.parametrize("graph_name", GRAPHS)
def test_masked_gradients_equal_differences_of_the_masked_network(graph_name):
    build, ticks = GRAPHS[graph_name]
    graph = build()
    model, data = model_on(graph, "cross_entropy", "tanh", ticks=ticks, seed=4)
    model.prune(0.4, by="random", rng=2)
    x, y = data.x_train[:8], data.y_train[:8]
    grad_w, grad_b = model.gradients(x, y)
    pruned = {edge for edge, e in model.edge_index.items() if not model.mask[e]}
    assert pruned and all(grad_w[edge] == 0.0 for edge in pruned)
    # The masked network is the graph without the pruned edges: the reference (tests/reference.py) never sees them.
    survivors = {edge: w for edge, w in model.weights().items() if edge not in pruned}
    activations = {n.node: n.activation.name for n in model.neurons}
    ref_w, ref_b = complex_step_gradients(graph, survivors, model.biases(), activations, "cross_entropy", x, y, ticks)
    got = np.array([grad_w[e] for e in sorted(ref_w)] + [grad_b[v] for v in sorted(ref_b)])
    want = np.array([ref_w[e] for e in sorted(ref_w)] + [ref_b[v] for v in sorted(ref_b)])
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-9 * np.max(np.abs(want)))
    # and central differences of the model's own masked forward pass, for a few surviving weights
    h = 1e-6
    for edge in sorted(survivors)[:: max(1, len(survivors) // 6)]:
        e = model.edge_index[edge]
        losses = []
        for sign in (1, -1):
            model.params.weight[e] += sign * h
            losses.append(model.loss_function.value(model.predict(x), y))
            model.params.weight[e] -= sign * h
        assert (losses[0] - losses[1]) / (2 * h) == pytest.approx(grad_w[edge], rel=1e-5, abs=1e-9)
    assert unrolled_loss(
        graph, survivors, model.biases(), activations, "cross_entropy", x, y, ticks
    ).real == pytest.approx(model.loss_function.value(model.predict(x), y), rel=1e-12)


@pytest.mark.parametrize("executor", ["agents", "vectorized"])
def test_rewinding_restores_the_survivors_bit_for_bit(executor):
    model = NetworkModel(dataset="moons", hidden=(8, 8), momentum=0.9, executor=executor, rng=1)
    assert model.checkpoint(5) is None
    for _ in range(30):
        model.step()
    saved = model.checkpoints[5]
    assert saved.step == 5 and not np.array_equal(saved.theta, model.params.theta)
    fresh = NetworkModel(dataset="moons", hidden=(8, 8), momentum=0.9, executor=executor, rng=1)
    for _ in range(5):
        fresh.step()
    assert np.array_equal(saved.theta, fresh.params.theta)  # the checkpoint is θ at step 5
    model.prune(0.3, by="magnitude")
    model.rewind(5)
    kept = model.mask
    assert np.array_equal(model.params.weight[kept], saved.theta[: len(kept)][kept])
    assert np.array_equal(model.params.bias, saved.theta[len(kept) :])
    assert np.all(model.params.weight[~kept] == 0.0)
    assert np.array_equal(model.params.weight_velocity[kept], saved.velocity[: len(kept)][kept])


def test_magnitude_pruning_per_layer_and_global_and_restore():
    model = NetworkModel(dataset="digits", hidden=(16, 8), loss="cross_entropy", rng=0)
    weight = model.params.weight.copy()
    assert model.prune(0.25, by="magnitude", scope="layer") == sum(round(0.25 * len(g)) for g in layer_groups(model))
    for group in layer_groups(model):
        gone, kept = group[~model.mask[group]], group[model.mask[group]]
        assert len(gone) == round(0.25 * len(group))
        assert np.abs(weight[gone]).max() <= np.abs(weight[kept]).min()
    assert "pruned" in repr(model.neurons[-1]) and model.neurons[-1].pruned_in
    assert len(model.neurons[-1].incoming()) == 8 - len(model.neurons[-1].pruned_in)
    survivors = int(model.mask.sum())
    model.prune(0.5, scope="global")  # a fraction of the survivors, the smallest over all layers
    assert model.mask.sum() == survivors - round(0.5 * survivors)
    assert np.abs(model.params.weight[model.mask]).min() >= np.abs(weight[~model.mask]).max()
    assert model.restore() == len(weight) - (survivors - round(0.5 * survivors))
    assert model.mask.all() and not model.any_pruned and np.array_equal(model.params.weight, weight)


def test_random_pruning_follows_its_rng_and_single_edges_can_go():
    a, b = (NetworkModel(dataset="moons", hidden=8, rng=0) for _ in range(2))
    a.prune(0.5, by="random", rng=7)
    b.prune(0.5, by="random", rng=7)
    assert np.array_equal(a.mask, b.mask)
    edge = next(iter(a.edge_index))
    a.restore()
    assert a.prune(edge) == 1 and not a.mask[a.edge_index[edge]] and a.weights()[edge] == 0.0


def test_the_mask_is_read_only():
    model = NetworkModel(dataset="xor", rng=0)
    with pytest.raises(ValueError):
        model.mask[0] = False


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda m: m.prune(1.0), "fraction"),
        (lambda m: m.prune(-0.1), "fraction"),
        (lambda m: m.prune(float("nan")), "fraction"),
        (lambda m: m.prune(0.2, by="size"), "by"),
        (lambda m: m.prune(0.2, scope="network"), "scope"),
        (lambda m: m.prune([(0, 1)]), "no edge"),  # input to input
        (lambda m: m.prune([(u, v) for (u, v) in m.edge_index if v == m.structure.outputs[0]]), "output neuron"),
        (lambda m: m.rewind(), "checkpoint"),
        (lambda m: m.checkpoint(-1), "step"),
    ],
)
def test_bad_input_is_refused_and_nothing_changes(call, message):
    model = NetworkModel(dataset="moons", hidden=(4,), rng=0)
    model.prune([next(iter(model.edge_index))])
    mask, theta = model.mask.copy(), model.params.theta.copy()
    with pytest.raises(ValueError, match=message):
        call(model)
    assert np.array_equal(model.mask, mask) and np.array_equal(model.params.theta, theta)
