"""An open system learns; a closed one does not. And every run is reproducible from its rng."""

import numpy as np
import pytest

from model import NetworkModel


def run(steps, **kwargs):
    model = NetworkModel(**kwargs)
    for _ in range(steps):
        model.step()
    return model


def test_a_closed_network_changes_no_weight_and_receives_no_energy():
    model = NetworkModel(dataset="moons", influx=False, rng=0)
    w, b = model.params.weight.copy(), model.params.bias.copy()
    for _ in range(30):
        model.step()
    assert np.array_equal(model.params.weight, w) and np.array_equal(model.params.bias, b)
    frame = model.datacollector.get_model_vars_dataframe().iloc[1:]
    assert (frame["input_power"] == 0).all() and (frame["error_power"] == 0).all()
    assert (frame["weight_change"] == 0).all()
    assert model.running, "a closed system is not a dead one"


def test_the_open_control_does_receive_energy_and_learn():
    model = run(30, dataset="moons", rng=0)
    frame = model.datacollector.get_model_vars_dataframe().iloc[1:]
    assert (frame["input_power"] > 0).all() and (frame["error_power"] > 0).all()
    assert (frame["weight_change"] > 0).all()


def test_closing_part_way_freezes_the_weights_from_then_on():
    model = run(40, dataset="moons", close_at=25, rng=0)
    frame = model.datacollector.get_model_vars_dataframe()
    assert (frame["weight_change"].iloc[1:26] > 0).all()
    assert (frame["weight_change"].iloc[26:] == 0).all()
    assert (frame["input_power"].iloc[26:] == 0).all() and np.isnan(frame["loss"].iloc[26:]).all()
    assert model.status.startswith("closed")


def test_with_weight_decay_a_closed_network_only_decays():
    model = NetworkModel(dataset="moons", influx=False, learning_rate=0.1, weight_decay=0.01, rng=0)
    w = model.params.weight.copy()
    for _ in range(10):
        model.step()
    np.testing.assert_allclose(model.params.weight, w * (1 - 0.1 * 0.01) ** 10, rtol=1e-13)


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(dataset="moons", hidden=(8, 8), momentum=0.9, learning_rate=0.05),
        dict(dataset="parity", architecture="recurrent", hidden=5),
        dict(dataset="gaussians", architecture="random_dag", hidden=12, drift="rotate", drift_period=20),
    ],
)
def test_the_same_rng_gives_the_same_trajectory_bit_for_bit(kwargs):
    a, b = run(60, rng=11, **kwargs), run(60, rng=11, **kwargs)
    assert np.array_equal(a.params.weight, b.params.weight)
    assert np.array_equal(a.params.bias, b.params.bias)
    fa, fb = a.datacollector.get_model_vars_dataframe(), b.datacollector.get_model_vars_dataframe()
    assert fa.equals(fb)
    c = run(60, rng=12, **kwargs)
    assert not np.array_equal(a.params.weight, c.params.weight)


def test_drift_moves_the_world_under_the_network():
    still = run(200, dataset="moons", rng=3)
    turning = run(200, dataset="moons", drift="rotate", drift_period=100, rng=3)
    x_still, _ = still.environment.stream.split("test")
    x_turning, _ = turning.environment.stream.split("test")
    assert np.allclose(x_still, x_turning)  # two full turns: the same place again
    half = run(50, dataset="moons", drift="rotate", drift_period=100, rng=3)
    assert np.allclose(half.environment.stream.split("test")[0], -x_still)  # half a turn
    flipped = run(150, dataset="moons", drift="switch", drift_period=100, rng=3)
    assert np.array_equal(flipped.environment.stream.split("test")[1], 1 - still.environment.stream.split("test")[1])
