"""A large network is drawn from a fixed sample of its neurons; the network computes with all of them."""

import numpy as np

from model import NetworkModel
from ui.drawing import MAX_DRAWN_NEURONS, NetworkPicture


def test_a_large_network_draws_every_input_and_output_and_a_sample_of_the_hidden_neurons():
    model = NetworkModel(
        dataset="digits",
        architecture="sparse",
        hidden=(1500, 1500),
        fan_in=8,
        loss="cross_entropy",
        executor="vectorized",
        rng=0,
    )
    picture = NetworkPicture(model)
    shown = picture.shown
    assert len(shown) == MAX_DRAWN_NEURONS and set(model.structure.inputs) | set(model.structure.outputs) <= set(shown)
    assert np.isnan(picture.pos[np.setdiff1d(np.arange(model.structure.n), shown)]).all()
    assert picture.frame()[:4] == b"\x89PNG"
    node = int(shown[500])
    x, y = picture.pos[node]
    assert picture.neuron_at(x, picture.fig.bbox.height - y) == node
    assert picture.n_drawn <= 3000 and np.isin(model.structure.src[picture.edge_order], shown).all()
