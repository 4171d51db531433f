"""Architectures as edge arrays: refused by the same rules and messages as DiGraphs, trained identically."""

import tracemalloc

import networkx as nx
import numpy as np
import pytest
from scipy import sparse

from model import NetworkModel
from model.architectures import (
    Edges,
    layered,
    random_dag,
    recurrent,
    sparse_layered,
    validate,
)
from tests.test_validation import BAD_GRAPHS

# The same bad architectures as tests/test_validation.py, written as arrays (no networkx anywhere).
BAD_EDGES = {
    "delay-0 cycle": Edges(src=[0, 1, 2, 2], dst=[1, 2, 1, 3], roles=["input", "hidden", "hidden", "output"]),
    "edge into an input": Edges(src=[0, 1, 2], dst=[1, 2, 0], delay=[0, 0, 1], roles=["input", "hidden", "output"]),
    "ids not 0..N-1": Edges(
        src=[0, 0, 1, 1, 2, 3], dst=[2, 3, 2, 3, 7, 7], n=5, roles=["input", "input", "hidden", "hidden", "output"]
    ),
    "string ids": None,  # built in the test: the record itself refuses them
    "unreachable output": Edges(src=[0, 1], dst=[2, 3], roles=["input", "hidden", "output", "output", "output"]),
    "delay 2": Edges(src=[0, 1], dst=[1, 2], delay=[0, 2], roles=["input", "hidden", "output"]),
    "no output": Edges(src=[0], dst=[1], roles=["input", "hidden"]),
}


def _message(architecture) -> str:
    with pytest.raises(ValueError) as caught:
        NetworkModel(graph=architecture, dataset="xor")
    return str(caught.value)


@pytest.mark.parametrize("case", BAD_GRAPHS)
def test_edge_arrays_are_refused_with_the_digraph_message(case):
    graph, pattern = BAD_GRAPHS[case]
    if case == "string ids":
        with pytest.raises(ValueError, match=pattern):
            Edges(src=["a", 1], dst=[2, 2])
        return
    from_graph, from_edges = _message(graph), _message(BAD_EDGES[case])
    hint = " Relabel with networkx.convert_node_labels_to_integers(graph)."
    assert from_edges == from_graph.replace(hint, "")
    assert from_edges == _message(Edges.from_networkx(graph)) if case != "ids not 0..N-1" else True


def test_an_edge_given_twice_is_refused():
    edges = Edges(src=[0, 1, 0], dst=[2, 2, 2], roles=["input", "input", "output"])
    with pytest.raises(ValueError, match=r"appear more than once: \(0, 2\)"):
        validate(edges)


def _trajectory(graph, executor, steps=30):
    model = NetworkModel(graph=graph, dataset="moons", loss="mse", ticks=2, executor=executor, batch_size=8, rng=3)
    for _ in range(steps):
        model.step()
    return model.params.theta.copy(), model.datacollector.get_model_vars_dataframe()


@pytest.mark.parametrize("executor", ["agents", "vectorized"])
@pytest.mark.parametrize(
    "build",
    [
        lambda as_edges: random_dag(2, 8, 1, p=0.4, rng=5, as_edges=as_edges),
        lambda as_edges: layered([2, 5, 4, 1], as_edges=as_edges),
        lambda as_edges: Edges.from_networkx(recurrent(2, 4, 1)) if as_edges else recurrent(2, 4, 1),
    ],
    ids=["skip-dag", "layered", "recurrent"],
)
def test_a_model_on_edge_arrays_follows_the_digraph_trajectory_exactly(build, executor):
    theta_graph, record_graph = _trajectory(build(False), executor)
    theta_edges, record_edges = _trajectory(build(True), executor)
    assert np.array_equal(theta_graph, theta_edges)
    assert record_graph.equals(record_edges)


def test_a_sparse_adjacency_matrix_is_an_architecture():
    graph = random_dag(2, 6, 1, p=0.5, rng=2)
    matrix = nx.to_scipy_sparse_array(graph, nodelist=range(graph.number_of_nodes()), weight=None, format="csr")
    theta_graph, _ = _trajectory(nx.DiGraph(graph.edges), "vectorized")  # roles inferred on both sides
    theta_matrix, _ = _trajectory(matrix, "vectorized")
    assert np.array_equal(theta_graph, theta_matrix)
    weighted = sparse.csr_array(([0.5, -0.25], ([0, 1], [2, 2])), shape=(3, 3))
    with pytest.raises(ValueError, match=r"missing on edges \[\] and nodes \[2\]"):  # a matrix has no biases
        NetworkModel(graph=weighted, dataset="xor", init="graph")
    edges = Edges(src=[0, 1], dst=[2, 2], weight=[0.5, -0.25], bias=[np.nan, np.nan, 0.125])
    model = NetworkModel(graph=edges, dataset="xor", init="graph")
    assert model.weights() == {(0, 2): 0.5, (1, 2): -0.25} and model.biases() == {2: 0.125}


def test_builders_give_the_same_graph_as_arrays_and_as_digraphs():
    for as_graph, as_edges in [
        (layered([3, 4, 2]), layered([3, 4, 2], as_edges=True)),
        (random_dag(3, 20, 2, p=0.2, rng=4), random_dag(3, 20, 2, p=0.2, rng=4, as_edges=True)),
    ]:
        back = as_edges.to_networkx()
        assert list(back.nodes(data=True)) == list(as_graph.nodes(data=True))
        assert sorted(back.edges(data=True)) == sorted(as_graph.edges(data=True))


def test_sparse_layers_listen_to_fan_in_distinct_neurons_below_and_no_neuron_is_unheard():
    sizes, k = [8, 300, 300, 3], 12
    edges = sparse_layered(sizes, k, rng=0, as_edges=True)
    s = validate(edges)
    first = np.cumsum([0, *sizes])
    in_degree, out_degree = np.bincount(s.dst, minlength=s.n), np.bincount(s.src, minlength=s.n)
    assert (in_degree[first[1] : first[2]] == 8).all()  # fewer below than fan_in: all of them
    assert (in_degree[first[2] : first[3]] == k).all()
    assert (out_degree[first[1] : first[3]] >= 1).all()
    assert len(s.waves) == 3 and len(set(zip(s.src.tolist(), s.dst.tolist()))) == len(s.src)


def test_edge_arrays_are_built_and_validated_without_an_object_per_edge():
    tracemalloc.start()
    before = tracemalloc.take_snapshot()
    structure = validate(layered([64, 2048, 10], as_edges=True))
    after = tracemalloc.take_snapshot()
    tracemalloc.stop()
    blocks = sum(stat.count_diff for stat in after.compare_to(before, "filename"))
    assert len(structure.src) == 151_552 and blocks < 10_000  # a dict or tuple per edge would be 151,552 at least


def test_large_built_architectures_are_edge_arrays():
    model = NetworkModel(dataset="digits", hidden=(2048,), loss="cross_entropy", executor="vectorized", rng=0)
    assert isinstance(model.graph, Edges) and len(model.structure.src) == 64 * 2048 + 2048 * 10
    assert isinstance(NetworkModel(dataset="digits", hidden=(32,), rng=0).graph, nx.DiGraph)


def test_sparse_layers_train_alike_on_both_executors_and_share_the_weights():
    graph = sparse_layered([2, 24, 24, 1], 5, rng=1, as_edges=True)
    runs = {}
    for executor in ("agents", "vectorized"):
        model = NetworkModel(graph=graph, dataset="moons", loss="bce", executor=executor, batch_size=8, rng=2)
        for _ in range(100):
            model.step()
        runs[executor] = model
    np.testing.assert_allclose(runs["vectorized"].params.theta, runs["agents"].params.theta, rtol=1e-12, atol=1e-14)
    kernels = runs["vectorized"]._executor.kernels
    assert any(k.returning is not None for k in kernels), "no wave read its receivers' matrix transposed"
    weight = runs["vectorized"].params.weight
    assert all(np.shares_memory(k.incoming.matrix.data, weight) for k in kernels if not k.incoming.dense)
