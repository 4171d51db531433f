"""Bad input: a ValueError that names the problem, raised in the constructor before any agent exists."""

import networkx as nx
import numpy as np
import pytest

from model import NetworkModel
from model.architectures import layered, random_dag, recurrent, validate
from tests.helpers import random_dataset


@pytest.fixture
def no_agent_is_made(monkeypatch):
    """Fails the test if a Neuron or the Environment gets constructed."""
    import agents.environment
    import agents.neuron

    def refuse(self, *args, **kwargs):
        raise AssertionError("an agent was made before the input was checked")

    monkeypatch.setattr(agents.neuron.Neuron, "__init__", refuse)
    monkeypatch.setattr(agents.environment.Environment, "__init__", refuse)


def graph_with(edges, roles, delays=None):
    g = nx.DiGraph()
    for node, role in roles.items():
        g.add_node(node, role=role)
    for u, v in edges:
        g.add_edge(u, v, delay=(delays or {}).get((u, v), 0))
    return g


BAD_GRAPHS = {
    "delay-0 cycle": (
        graph_with([(0, 1), (1, 2), (2, 1), (2, 3)], {0: "input", 1: "hidden", 2: "hidden", 3: "output"}),
        r"cycle through nodes \[1, 2\]|cycle through nodes \[2, 1\]",
    ),
    "edge into an input": (
        graph_with([(0, 1), (1, 2), (2, 0)], {0: "input", 1: "hidden", 2: "output"}, {(2, 0): 1}),
        r"input neurons take no in-edges.*0",
    ),
    "ids not 0..N-1": (nx.relabel_nodes(layered([2, 2, 1]), {4: 7}), r"0\.\.4.*7"),
    "string ids": (nx.relabel_nodes(layered([2, 2, 1]), {0: "a"}), r"'a'|a"),
    "unreachable output": (
        graph_with([(0, 2), (1, 3)], {0: "input", 1: "hidden", 2: "output", 3: "output", 4: "output"}),
        r"no input reaches.*4",
    ),
    "delay 2": (
        graph_with([(0, 1), (1, 2)], {0: "input", 1: "hidden", 2: "output"}, {(1, 2): 2}),
        r"delay must be 0 or 1",
    ),
    "no output": (graph_with([(0, 1)], {0: "input", 1: "hidden"}), r"at least one input and one output"),
}


@pytest.mark.parametrize("case", BAD_GRAPHS)
def test_bad_graphs_are_refused_before_any_agent(case, no_agent_is_made):
    graph, message = BAD_GRAPHS[case]
    with pytest.raises(ValueError, match=message):
        NetworkModel(graph=graph, dataset="xor")


BAD_PARAMETERS = [
    (dict(activation="swish"), r"unknown activation 'swish'.*identity, tanh, sigmoid, relu, leaky_relu"),
    (dict(output_activation="softmax"), r"unknown output_activation 'softmax'.*tanh"),
    (dict(loss="hinge"), r"unknown loss 'hinge'.*mse, bce, cross_entropy"),
    (dict(init="orthogonal"), r"unknown init 'orthogonal'.*xavier, he, uniform"),
    (dict(dataset="mnist"), r"unknown dataset 'mnist'.*xor.*moons.*digits"),
    (dict(executor="gpu"), r"unknown executor 'gpu'.*agents"),
    (dict(learning_rate=0), r"learning_rate must be a finite number > 0"),
    (dict(learning_rate=-1), r"learning_rate must be a finite number > 0"),
    (dict(learning_rate=float("nan")), r"learning_rate must be a finite number"),
    (dict(learning_rate=float("inf")), r"learning_rate must be a finite number"),
    (dict(momentum=1.0), r"momentum must be a finite number in \[0, 1\)"),
    (dict(weight_decay=-0.1), r"weight_decay must be a finite number >= 0"),
    (dict(batch_size=0), r"batch_size must be a whole number >= 1"),
    (dict(batch_size=2.5), r"batch_size must be a whole number"),
    (dict(batch_size=5), r"batch_size 5 exceeds the 4 training examples of xor"),
    (dict(ticks=0), r"ticks must be a whole number >= 1"),
    (dict(hidden=(8, 0)), r"hidden must be a whole number >= 1 or a tuple of them"),
    (dict(graph=layered([3, 4, 1])), r"3 input neurons but xor has 2 input columns"),
    (dict(graph=layered([2, 4, 2])), r"2 output neurons but xor with loss bce needs 1"),
    (dict(loss="bce", output_activation="tanh"), r"bce needs outputs in \(0, 1\)"),
    (dict(dataset=random_dataset(1, 1, "mse", ticks=3), ticks=2), r"random has sequences of 3 ticks: set ticks=3"),
    (dict(drift="spin"), r"unknown drift 'spin'"),
    (dict(dataset="digits", drift="rotate"), r"drift='rotate' turns 2-D inputs"),
    (dict(noise=-1, dataset="moons"), r"noise must be a finite number >= 0"),
    (dict(test_fraction=1.0, dataset="moons"), r"test_fraction must be a finite number in \[0, 1\)"),
    (dict(influx="yes"), r"influx must be True or False"),
    (dict(init="graph"), r"init='graph' reads every edge's 'weight'"),
]


@pytest.mark.parametrize("kwargs, message", BAD_PARAMETERS, ids=[str(k) for k, _ in BAD_PARAMETERS])
def test_bad_parameters_are_refused_before_any_agent(kwargs, message, no_agent_is_made):
    with pytest.raises(ValueError, match=message):
        NetworkModel(**kwargs)


@pytest.mark.parametrize(
    "content, message",
    [
        ("a,b,label\n1,2,0\n3,,1\n4,5,0\n", r"missing values on lines \[3\]"),
        ("a,b,label\n1,x,0\n3,4,1\n", r"columns must be numbers.*'b'"),
        ("label\n0\n1\n", r"at least one feature column and a target column"),
        ("a,b,label\n1,2,0\n3,4,0\n", r"one class only"),
        ("a,b,label\n1,2,0\n3,4,1\n5,6,0\n7,8,1\n", r"3 input neurons but"),
    ],
)
def test_malformed_csv_files_are_refused(tmp_path, content, message, no_agent_is_made):
    path = tmp_path / "data.csv"
    path.write_text(content)
    graph = layered([3, 2, 1]) if "3 input" in message else None
    with pytest.raises(ValueError, match=message):
        NetworkModel(dataset=str(path), graph=graph)


def test_missing_csv_file_is_named(no_agent_is_made):
    with pytest.raises(ValueError, match="nowhere.csv' does not exist"):
        NetworkModel(dataset="nowhere.csv")


def test_a_good_csv_trains(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((200, 3))
    label = (x[:, 0] + x[:, 1] > 0).astype(int)
    path = tmp_path / "mine.csv"
    path.write_text("f1,f2,f3,label\n" + "\n".join(f"{a},{b},{c},{y}" for (a, b, c), y in zip(x, label)))
    model = NetworkModel(dataset=str(path), learning_rate=0.3, rng=0)
    for _ in range(400):
        model.step()
    assert model.evaluate("test")["accuracy"] >= 0.9


def test_builders_make_valid_graphs_with_the_promised_shape():
    s = validate(layered([2, 3, 1]))
    assert s.roles == ("input",) * 2 + ("hidden",) * 3 + ("output",) and len(s.src) == 9
    dag = random_dag(3, 10, 2, p=0.2, rng=1)
    s = validate(dag)
    layer_of = nx.get_node_attributes(dag, "layer")
    assert any(layer_of[v] - layer_of[u] > 1 for u, v in dag.edges), "no skip connection"
    assert all(dag.in_degree(v) > 0 and dag.out_degree(v) > 0 for v in range(3, 13)), "a dead hidden neuron"
    s = validate(recurrent(2, 4, 1))
    assert s.ticks_needed == 2 and int(s.delay.sum()) == 16


def test_divergence_stops_the_run_without_an_exception():
    model = NetworkModel(dataset="moons", loss="mse", learning_rate=50, rng=1)
    for _ in range(20):
        model.step()
    assert model.running is False
    assert "diverged" in model.status and "learning rate (50) is probably too large: try 5" in model.status
    assert np.isfinite(model.params.weight).all()  # the last good weights were kept
    steps = model.datacollector.get_model_vars_dataframe().shape[0]
    model.step()  # a stopped model ignores further steps
    assert model.datacollector.get_model_vars_dataframe().shape[0] == steps


def test_a_saturated_network_that_stops_changing_is_stopped():
    model = NetworkModel(dataset="xor", learning_rate=80, rng=1)
    for _ in range(100):
        model.step()
    assert model.running is False and "saturated or dead" in model.status


@pytest.mark.parametrize(
    "x, y, message",
    [
        (np.zeros((4, 3)), np.zeros((4, 1)), r"x must have shape \(B, 2\)"),
        (np.zeros((0, 2)), np.zeros((0, 1)), r"B >= 1"),
        (np.zeros((4, 2)), np.zeros((3, 1)), r"bce takes y of shape \(4, 1\)"),
    ],
)
def test_gradients_and_predict_check_what_they_are_given(x, y, message):
    model = NetworkModel(rng=0)
    with pytest.raises(ValueError, match=message):
        model.gradients(x, y)
    if "x must" in message:
        with pytest.raises(ValueError, match=message):
            model.predict(x)


def test_cross_entropy_targets_must_be_class_indices():
    model = NetworkModel(dataset="gaussians", rng=0)
    with pytest.raises(ValueError, match=r"3 class indices in 0..2"):
        model.gradients(np.zeros((3, 2)), np.array([0, 1, 3]))
    grad_w, _ = model.gradients(np.zeros((3, 2)), np.array([0, 1, 2]))
    assert len(grad_w) == len(model.structure.src)
