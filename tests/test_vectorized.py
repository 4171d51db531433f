"""The vectorised executor: the same trajectory as the agents, on the same registers and arrays."""

import numpy as np
import pytest

from model import NetworkModel, vectorized
from model.architectures import layered, random_dag, recurrent, sparse_layered
from model.functions import ACTIVATIONS, LOSSES
from tests.helpers import model_on

GRAPHS = {
    "layered": (lambda: layered([3, 6, 5, 2]), 1),
    "skip-dag": (lambda: random_dag(3, 8, 2, p=0.4, rng=5), 1),
    "elman": (lambda: recurrent(3, 5, 2, kind="elman"), 3),
    "random-recurrent": (lambda: recurrent(3, 6, 2, kind="random", p=0.3, rng=2), 3),
}


def twins(graph_name, loss, **kwargs):
    build, ticks = GRAPHS[graph_name]
    return [
        model_on(build(), loss, "tanh", ticks=ticks, executor=executor, **kwargs)[0]
        for executor in ("agents", "vectorized")
    ]


def relative_gap(a, b):
    return np.max(np.abs(a - b)) / np.max(np.abs(a))


@pytest.mark.parametrize("graph_name", GRAPHS)
@pytest.mark.parametrize("loss", LOSSES)
@pytest.mark.parametrize("batch_size", [1, 8])  # at one example a neuron's Σ_batch δ is δ itself, not a reduction
def test_same_trajectory_after_100_steps(graph_name, loss, batch_size):
    agents, vectorized = twins(
        graph_name, loss, learning_rate=0.05, momentum=0.5, weight_decay=1e-3, batch_size=batch_size
    )
    for _ in range(100):
        agents.step()
        vectorized.step()
    assert agents.running and vectorized.running
    assert relative_gap(agents.params.weight, vectorized.params.weight) <= 1e-12
    assert relative_gap(agents.params.bias, vectorized.params.bias) <= 1e-12
    assert abs(agents.loss - vectorized.loss) <= 1e-12 * abs(agents.loss)
    assert not np.array_equal(agents.params.weight, twins(graph_name, loss)[0].params.weight), "nothing was learned"


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_every_activation_written_in_place_gives_the_agents_trajectory(activation):
    """The vectorised waves apply f and f' into the registers (out=); the agents make new arrays."""
    agents, vectorized_model = (
        model_on(
            random_dag(3, 8, 2, p=0.4, rng=5), "mse", activation, executor=executor, learning_rate=0.05, batch_size=8
        )[0]
        for executor in ("agents", "vectorized")
    )
    for _ in range(30):
        agents.step()
        vectorized_model.step()
    np.testing.assert_allclose(vectorized_model.signals.a, agents.signals.a, rtol=1e-12, atol=1e-15)
    assert relative_gap(agents.params.weight, vectorized_model.params.weight) <= 1e-12


@pytest.mark.parametrize("graph_name", GRAPHS)
def test_registers_after_a_step_match_signal_for_signal(graph_name):
    agents, vectorized = twins(graph_name, "mse")
    agents.step()
    vectorized.step()
    for register in ("a", "z", "delta", "error"):
        np.testing.assert_allclose(
            getattr(vectorized.signals, register), getattr(agents.signals, register), rtol=1e-12, atol=1e-15
        )


@pytest.mark.parametrize("graph_name", ["layered", "skip-dag"])
def test_editing_a_neuron_edits_what_the_vectorised_network_computes(graph_name):
    agents, vectorized = twins(graph_name, "mse")
    for model in (agents, vectorized):
        model.step()
        hidden = next(n for n in model.neurons if n.role == "hidden")
        hidden.w_in[:] = 0.5  # through the agent's own view
        hidden.bias = -0.25
        model.step()
    np.testing.assert_allclose(vectorized.params.weight, agents.params.weight, rtol=1e-12)
    x = agents.data.x_test[:5]
    np.testing.assert_allclose(vectorized.predict(x), agents.predict(x), rtol=1e-12)


@pytest.mark.parametrize("graph_name", GRAPHS)
def test_lesions_act_the_same_under_both_executors(graph_name):
    agents, vectorized = twins(graph_name, "mse")
    hidden = [n.node for n in agents.neurons if n.role == "hidden"][:2]
    for model in (agents, vectorized):
        model.silence(hidden)
        for _ in range(10):
            model.step()
        assert np.all(model.signals.a[1:, hidden] == 0) and np.all(model.signals.delta[:, hidden] == 0)
    np.testing.assert_allclose(vectorized.params.weight, agents.params.weight, rtol=1e-12)
    into_silenced = np.isin(agents.structure.dst, hidden)
    before = twins(graph_name, "mse")[0].params.weight
    assert np.array_equal(agents.params.weight[into_silenced], before[into_silenced]), "a silenced neuron learned"


def test_a_neuron_silenced_through_its_own_property_is_silenced_under_both_executors():
    agents, vectorized_model = twins("layered", "mse")
    hidden = next(n.node for n in agents.neurons if n.role == "hidden")
    for model in (agents, vectorized_model):
        with pytest.raises(ValueError, match="read-only"):
            model.lesions[hidden] = True  # the mask changes only through silence(), which keeps count
        model.neurons[hidden].silenced = True
        model.step()
        assert model.lesions[hidden] and np.all(model.signals.a[1, hidden] == 0)
        model.neurons[hidden].silenced = False
        model.step()
        assert not model.any_silenced and np.any(model.signals.a[1, hidden] != 0)
    np.testing.assert_allclose(vectorized_model.params.weight, agents.params.weight, rtol=1e-12)


def test_sparse_gradients_summed_chunk_by_chunk_match_the_agents(monkeypatch):
    monkeypatch.setattr(vectorized, "CHUNK_VALUES", 3 * 8)  # 3 edges per chunk at batch 8
    agents, vectorized_model = twins("skip-dag", "mse", batch_size=8)
    kernels = vectorized_model._executor.kernels
    assert any(not k.incoming.dense and k.incoming.n_edges > 3 for k in kernels), "no wave needs several chunks"
    for _ in range(20):
        agents.step()
        vectorized_model.step()
    assert relative_gap(agents.params.weight, vectorized_model.params.weight) <= 1e-12


@pytest.mark.parametrize("chunk", [13 * 8, vectorized.CHUNK_VALUES])
def test_fixed_fan_in_gradients_match_the_agents_whole_or_neuron_by_neuron_in_chunks(monkeypatch, chunk):
    """A wave whose neurons all have 5 senders sums a_in·δ per neuron block (5 neurons a chunk at 13·8: 24 = 4·5 + 4)."""
    monkeypatch.setattr(vectorized, "CHUNK_VALUES", chunk)
    graph = sparse_layered([2, 24, 24, 1], 5, rng=1, as_edges=True)
    models = [
        NetworkModel(graph=graph, dataset="moons", loss="bce", executor=e, batch_size=8, rng=3)
        for e in ("agents", "vectorized")
    ]
    degrees = [k.incoming.degree for k in models[1]._executor.kernels if not k.incoming.dense]
    assert 5 in degrees, "no wave took the fixed fan-in path"
    for _ in range(20):
        for model in models:
            model.step()
    assert relative_gap(models[0].params.weight, models[1].params.weight) <= 1e-12


@pytest.mark.parametrize("executor", ["agents", "vectorized"])
def test_weight_change_is_the_size_of_the_step_taken(executor):
    model, _ = model_on(layered([3, 6, 2]), "mse", momentum=0.5, weight_decay=1e-3, executor=executor)
    for _ in range(5):
        before = model.params.theta.copy()
        model.step()
        moved = np.linalg.norm(model.params.theta - before)
        assert moved > 0 and model.weight_change == pytest.approx(moved, rel=1e-8)


@pytest.mark.parametrize("executor", ["agents", "vectorized"])
def test_a_step_that_would_blow_the_weights_up_is_not_taken(executor):
    model = NetworkModel(dataset="moons", loss="mse", learning_rate=50, executor=executor, rng=1)
    while model.running:
        before = model.params.theta.copy()
        model.step()
    assert "the weights exploded" in model.status
    assert np.array_equal(model.params.theta, before), "the weights are not those from before the failed step"


def test_the_phase_stepper_runs_the_same_stages_under_both_executors():
    agents, vectorized = twins("elman", "mse")
    labels = agents.stage_labels()
    assert labels == vectorized.stage_labels()
    assert labels[0] == "inject" and labels[-1] == "update" and "error" in labels
    assert sum(label.startswith("forward") for label in labels) == 3 * len(agents.waves)
    for label in labels:
        assert agents.advance_stage() == label
        assert vectorized.advance_stage() == label
        np.testing.assert_allclose(vectorized.signals.a, agents.signals.a, rtol=1e-12, atol=1e-15)
    assert agents.steps == vectorized.steps == 1
    stepped = twins("elman", "mse")[0]
    stepped.step()
    assert np.array_equal(stepped.params.weight, agents.params.weight)


def test_the_vectorised_executor_learns_digits():
    model = NetworkModel(dataset="digits", hidden=32, learning_rate=0.1, executor="vectorized", rng=0)
    for _ in range(1500):
        model.step()
    assert model.evaluate("test")["accuracy"] >= 0.9


def test_history_is_bounded_and_keeps_the_latest_rows():
    model = NetworkModel(dataset="moons", executor="vectorized", history=50, rng=0)
    for _ in range(400):
        model.step()
    frame = model.datacollector.get_model_vars_dataframe()
    assert 50 <= len(frame) < 100
    assert frame["step"].iloc[-1] == 400 and list(frame["step"]) == list(range(401 - len(frame), 401))


@pytest.mark.slow
def test_a_wide_sparse_network_trains_vectorised():
    """30,000 edges over random skip connections: sparse waves, chunked gradients."""
    graph = random_dag(2, 400, 1, p=0.4, rng=1)
    model = NetworkModel(graph=graph, dataset="moons", learning_rate=0.02, executor="vectorized", rng=1)
    assert len(model.structure.src) > 25_000
    before = model.evaluate("train")["loss"]
    for _ in range(150):
        model.step()
    assert model.running and model.evaluate("train")["loss"] < 0.8 * before


def test_per_neuron_snapshots_every_k_steps_and_on_demand():
    model = NetworkModel(dataset="moons", hidden=(4,), executor="vectorized", snapshot_every=10, history=3, rng=0)
    for _ in range(55):
        model.step()
    table = model.snapshots()
    assert sorted(set(table["step"])) == [30, 40, 50]  # every 10 steps, the last 3 kept
    assert len(table) == 3 * len(model.neurons)
    now = model.neuron_table()
    assert now["step"].iloc[0] == 55 and list(now["node"]) == list(range(len(model.neurons)))
    hidden = now[now["role"] == "hidden"]
    np.testing.assert_allclose(hidden["bias"], [model.neurons[v].bias for v in hidden["node"]])
    np.testing.assert_allclose(hidden["activation"], model.signals.a[1, hidden["node"]].mean(axis=1))


def test_large_sparse_waves_computed_in_row_blocks_on_threads_agree_with_the_agents_and_repeat_bit_for_bit(monkeypatch):
    graph = sparse_layered([2, 24, 24, 3], 5, rng=1, as_edges=True)

    def trained(executor, steps=40):
        model = NetworkModel(graph=graph, dataset="gaussians", executor=executor, batch_size=8, momentum=0.9, rng=5)
        for _ in range(steps):
            model.step()
        return model

    whole = trained("vectorized", steps=0)
    monkeypatch.setattr(vectorized, "PARALLEL_EDGES", 100)  # the 24 × 5 = 120 edges of the second layer
    split = trained("vectorized", steps=0)
    blocks = [k.incoming.row_blocks for k in split._executor.kernels if k.incoming.row_blocks is not None]
    assert len(blocks) == 1 and [b[:2] for b in blocks[0].blocks] == [(0, 12), (12, 24)]
    assert all(k.incoming.row_blocks is None for k in whole._executor.kernels)
    for model in (whole, split):
        model.environment.inject()
        model.forward_phase()
    assert np.array_equal(split.signals.z, whole.signals.z), "a row block's rows are the whole product's rows"
    agents, first, second = trained("agents"), trained("vectorized"), trained("vectorized")
    assert relative_gap(agents.params.theta, first.params.theta) <= 1e-12
    assert np.array_equal(first.params.theta, second.params.theta)


def _blocks_in_a_child(queue):
    queue.put(vectorized.in_blocks(lambda x: x * x, [3, 4]))


def test_a_forked_worker_computes_row_blocks_on_threads_of_its_own():
    """A sweep's worker forked after the parent used its threads would wait forever on the parent's threads."""
    import multiprocessing
    import time

    # both of the parent's threads now exist, and are idle
    assert vectorized.in_blocks(lambda x: time.sleep(0.2) or x + 1, [1, 2]) == [2, 3]
    time.sleep(0.2)
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_blocks_in_a_child, args=(queue,))
    child.start()
    try:
        assert queue.get(timeout=30) == [9, 16]
        child.join(timeout=30)
        assert child.exitcode == 0
    finally:
        child.kill()
