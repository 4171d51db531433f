"""The network page's pieces without a browser: stage view, links, checkpoints, fields, pictures, Play's client check."""

import re
import threading
from types import SimpleNamespace

import numpy as np
import pytest

import scenarios
from model import NetworkModel, checkpoint, datasets
from model.architectures import layered
from ui import params as P
from ui.drawing import layers
from ui.link import decode, encode
from ui.network_controls import resized
from ui.network_page import build, same_initial_weights
from ui.neuron_pictures import NeuronPictures, why_not
from ui.page_state import client_connected
from ui.stage_view import records, view

KNOWN = {s.name for s in P.NETWORK_SPECS}


def poisoned(model):
    """The model after one step, its registers set to nan: a finite value is one computed since."""
    model.step()
    s, sig = model.structure, model.signals
    sig.a[1:], sig.z[1:], sig.delta[1:-1] = np.nan, np.nan, np.nan
    sig.error[:, np.asarray(s.outputs)] = np.nan
    return model


@pytest.mark.parametrize("graph", [layered([2, 3, 2, 1]), None])
def test_the_stage_view_reaches_exactly_what_the_registers_hold_this_step(graph):
    model = poisoned(NetworkModel(graph=graph, dataset="xor", rng=3))
    s, sig = model.structure, model.signals
    assert [str(r) for r in records(model)] == model.stage_labels()
    for label in model.stage_labels()[:-1]:
        model.advance_stage()
        shown = view(model, staging=True)
        t = shown.tick
        if shown.kind == "a":
            computed = np.isfinite(sig.a[t, :, 0])
        elif shown.kind == "error":
            computed = np.isfinite(sig.error[t, :, 0]) & np.isin(np.arange(s.n), s.outputs)
        else:
            computed = np.isfinite(sig.delta[t, :, 0]) & (np.asarray(s.roles) != "input")
        assert np.array_equal(shown.reached, computed), label
        carrying = np.flatnonzero(np.isfinite(shown.edge_values))
        if label.startswith("forward"):  # w·a on the in-edges of the wave that fired, nothing elsewhere
            wave = s.waves[shown.record.wave]
            assert set(s.dst[carrying]) == set(wave)
            e = carrying[0]
            assert shown.edge_values[e] == model.params.weight[e] * sig.a[t, s.src[e], 0]
        elif label.startswith("backward"):  # w·δ coming back along the wave's out-edges
            wave = s.waves[shown.record.wave]
            assert set(s.src[carrying]) <= set(wave) and shown.direction == "backward"
            for e in carrying:
                assert shown.edge_values[e] == model.params.weight[e] * sig.delta[t, s.dst[e], 0]
        else:
            assert len(carrying) == 0
    before = model.params.weight.copy()
    model.advance_stage()
    update = view(model, staging=True)
    assert update.edge_kind == "update"
    np.testing.assert_allclose(update.edge_values, model.params.weight - before, rtol=1e-9, atol=1e-15)  # Δw per edge


def test_things_to_try_are_accepted_as_meant_or_refused_with_a_message():
    """Every key=value a scenario suggests either builds (with that value) or is refused naming the field."""
    suggestion = re.compile(r"(\w+)=(\([^)]*\)|[\w.\-]+)")
    tried = 0
    for name, scenario in scenarios.SCENARIOS.items():
        if scenario.system != "network" or name == "numerosity":  # a million edges: built in the browser test
            continue
        for key, value in suggestion.findall(scenario.info.things_to_try):
            value = value.rstrip(".")
            if key not in KNOWN:
                continue
            values = {**P.initial_values(scenario), key: value}
            tried += 1
            try:
                model = build(name, values)
            except ValueError as error:
                assert key in str(error), (name, key, value, str(error))
                continue
            if key == "hidden":
                expected = P.parse(next(s for s in P.NETWORK_SPECS if s.name == "hidden"), value)
                sizes = np.bincount(layers(model))[1:-1]  # from the model's own structure (it may hold no DiGraph)
                assert tuple(sizes) == ((expected,) if isinstance(expected, int) else expected)
            if key == "learning_rate":
                assert model.optimizer.learning_rate == float(value)
    assert tried >= 15
    spec = next(s for s in P.NETWORK_SPECS if s.name == "hidden")
    assert P.parse(spec, "16 16") == (16, 16) and P.parse(spec, "(4,)") == 4 and P.parse(spec, "[3, 2]") == (3, 2)


def test_a_link_rebuilds_the_same_model_bit_for_bit():
    scenario = scenarios.get("xor")
    values = {**P.initial_values(scenario), "hidden": "8 4", "rng": 9, "learning_rate": "0.1"}  # 0.1: the default
    link = encode("xor", values)
    assert link.startswith("scenario=xor&p=") and "hidden-8_4" in link and "rng-9" in link
    name, decoded = decode(link)
    first, second = build("xor", values), build(name, decoded)
    assert second.optimizer.learning_rate == 0.1  # the declared default, not the scenario's 0.5
    for _ in range(5):
        first.step()
        second.step()
    assert np.array_equal(first.params.theta, second.params.theta)
    with pytest.raises(ValueError, match="colour"):
        decode("scenario=xor&p=colour-red")
    assert decode("") is None


def test_a_saved_model_continues_exactly_as_the_original():
    original = NetworkModel(dataset="moons", hidden=(6, 4), momentum=0.9, learning_rate=0.05, rng=4)
    for _ in range(7):
        original.step()
    meta, arrays = checkpoint.read(checkpoint.save(original, {"scenario": "moons", "values": {}}))
    copy = NetworkModel(
        dataset=checkpoint.dataset(meta, arrays), hidden=(6, 4), momentum=0.9, learning_rate=0.05, rng=123
    )
    checkpoint.restore(copy, meta, arrays)
    assert copy.completed_steps == 7
    np.testing.assert_array_equal(copy.datacollector.model_vars["loss"], original.datacollector.model_vars["loss"])
    for _ in range(6):
        original.step()
        copy.step()
    assert np.array_equal(original.params.theta, copy.params.theta)
    assert np.array_equal(original.params.velocity, copy.params.velocity)
    with pytest.raises(ValueError, match="not a saved neurohive network"):
        checkpoint.read(b"not a file")


def test_restart_from_the_same_initial_weights_keeps_them_and_refuses_another_architecture():
    old = build("xor", {**P.initial_values(scenarios.get("xor")), "rng": 1})
    old.initial_theta = old.params.theta.copy()
    old.step()
    new = build("xor", {**P.initial_values(scenarios.get("xor")), "rng": 2, "learning_rate": "0.1"})
    same_initial_weights(old, new)
    assert np.array_equal(new.params.theta, old.initial_theta)
    other = build("xor", {**P.initial_values(scenarios.get("xor")), "hidden": "3"})
    with pytest.raises(ValueError, match="architecture changed"):
        same_initial_weights(old, other)


def test_plus_and_minus_change_layers_and_neurons():
    assert resized((8,), None, +1) == (8, 8) and resized((8, 4), None, -1) == (8,) and resized((8,), None, -1) == (8,)
    assert resized((8, 4), 1, +1) == (8, 5) and resized((1,), 0, -1) == (1,)


def test_neuron_pictures_are_what_the_neurons_compute_and_absent_for_other_data():
    model = NetworkModel(dataset="moons", hidden=(5,), rng=0)
    model.step()
    pictures = NeuronPictures(model, grid=6)
    a = pictures.compute(backward=True)
    hidden = 3  # the first hidden neuron: its activation at a lattice point, by hand
    x = pictures.points[7]
    weights = [model.params.weight[e] for e in np.flatnonzero(model.structure.dst == hidden)]
    z = model.neurons[hidden].bias + weights[0] * x[0] + weights[1] * x[1]
    assert np.isclose(a["a"][hidden].ravel()[7], np.tanh(z))
    assert a["delta"].shape == (model.structure.n, 6, 6) and np.isfinite(a["delta"][hidden]).all()
    assert why_not(model) is None
    three = datasets.Dataset(
        "three", np.zeros((4, 3)), np.zeros(4, int), np.zeros((4, 3)), np.zeros(4, int), "binary", 2
    )
    assert "3 inputs" in why_not(SimpleNamespace(data=three))
    assert "sequence" in why_not(
        SimpleNamespace(data=datasets.parity(n_samples=8, ticks=3, rng=np.random.default_rng(0)))
    )


class FakeTab:
    def __init__(self, status):
        from solara.server.kernel_context import PageStatus

        self.page_status = {"p": getattr(PageStatus, status)}
        self.closed_event = threading.Event()


def test_play_sees_whether_a_client_is_connected():
    assert client_connected(None)  # outside a server
    assert client_connected(FakeTab("CONNECTED"))
    assert not client_connected(FakeTab("DISCONNECTED"))
    assert not client_connected(FakeTab("CLOSED"))
