"""Edge-removal curves (model/measures/edge_robustness.py): accuracy as weights go, no retraining."""

import numpy as np
import pytest

from model import NetworkModel
from model.measures.edge_robustness import edge_curve, edge_robustness, robustness_curves
from model.measures.systems import NetworkSystem


@pytest.fixture(scope="module")
def trained():
    model = NetworkModel(dataset="digits", hidden=(32,), loss="cross_entropy", executor="vectorized", rng=0)
    for _ in range(300):
        model.step()
    return model


def test_the_curve_ends_at_the_intact_and_the_bias_only_network(trained):
    theta = trained.params.theta.copy()
    curve = edge_curve(trained, "magnitude", fractions=[0.0, 1.0])
    assert np.array_equal(trained.params.theta, theta)  # the network is left as it was
    assert curve[0] == trained.evaluate("test")["accuracy"]
    # every weight gone: each output is its bias alone, so every image gets the class of the largest output bias
    biases = trained.params.bias[trained.structure.outputs]
    y = trained.data.y_test
    assert curve[1] == pytest.approx(np.mean(y == np.argmax(biases)))


def test_the_smallest_weights_matter_least(trained):
    """Removing half the weights by magnitude costs little; removing a random half costs much more."""
    result = edge_robustness(trained, fractions=np.linspace(0, 1, 11), repeats=2)
    intact, half = result["curve_magnitude"][0], 5
    assert result["curve_magnitude"][half] >= intact - 0.05
    assert result["curve_random"][half] < result["curve_magnitude"][half] - 0.1
    assert result["auc_magnitude"] > result["auc_random"]


def test_edge_and_neuron_curves_side_by_side(trained):
    table = robustness_curves(NetworkSystem(trained), fractions=np.linspace(0, 1, 3), repeats=1)
    assert set(map(tuple, table[["element", "order"]].drop_duplicates().to_numpy())) == {
        ("neuron", "random"),
        ("neuron", "targeted"),
        ("edge", "random"),
        ("edge", "magnitude"),
    }
    first = table[table["fraction"] == 0.0]["accuracy"]
    assert (first == first.iloc[0]).all()  # every curve starts from the intact network
    assert not trained.lesions.any() and trained.mask.all()


def test_bad_orders_and_fractions_are_refused(trained):
    with pytest.raises(ValueError, match="order"):
        edge_curve(trained, "largest")
    with pytest.raises(ValueError, match="fractions"):
        edge_curve(trained, "random", fractions=[0.5, 1.5])
