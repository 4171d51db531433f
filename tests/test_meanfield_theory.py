"""The mean-field theory against independent checks, init='normal', and bad input refused before any work."""

import math

import numpy as np
import pytest
from scipy.stats import qmc

from model import NetworkModel, architectures, meanfield
from model import propagation as experiments
from tests.helpers import random_dataset

# One randomised quasi-Monte-Carlo sample of (z₁, z₂) ~ N(0, I) for every check (scrambled Sobol points: an
# integration method independent of the Gauss-Hermite rule, with an error near 1/n rather than 1/√n).
MC = qmc.MultivariateNormalQMC(np.zeros(2), rng=2024).random(2**17).T


def mc_q_star(sigma_w2, sigma_b2, iterations=60):
    """The length map iterated with a Monte-Carlo integral over z ~ N(0, 1)."""
    q = 1.0
    for _ in range(iterations):
        q = sigma_w2 * np.mean(np.tanh(math.sqrt(q) * MC[0]) ** 2) + sigma_b2
    return q


def mc_c_star(sigma_w2, sigma_b2, q, iterations=2000):
    """The correlation map at the Monte-Carlo q* iterated with a Monte-Carlo integral over (z₁, z₂), from c = 0.5."""
    c = 0.5
    u1 = np.tanh(math.sqrt(q) * MC[0])
    for _ in range(iterations):
        u2 = np.tanh(math.sqrt(q) * (c * MC[0] + math.sqrt(1 - c * c) * MC[1]))
        c, before = min(1.0, (sigma_w2 * np.mean(u1 * u2) + sigma_b2) / q), c
        if abs(c - before) < 1e-7:
            break
    return c


@pytest.mark.parametrize("sigma_w2, sigma_b2", [(0.5, 0.05), (1.0, 0.05), (2.5, 0.05), (4.0, 0.5), (2.0, 0.0)])
def test_fixed_points_equal_the_maps_iterated_by_monte_carlo(sigma_w2, sigma_b2):
    q = meanfield.q_star(sigma_w2, sigma_b2)
    assert abs(mc_q_star(sigma_w2, sigma_b2) - q) <= 1e-3
    assert float(meanfield.q_map(q, sigma_w2, sigma_b2)) == pytest.approx(q, abs=1e-12)
    c = meanfield.c_star(sigma_w2, sigma_b2)
    assert abs(mc_c_star(sigma_w2, sigma_b2, mc_q_star(sigma_w2, sigma_b2)) - c) <= 1e-3
    assert float(meanfield.c_map(c, sigma_w2, sigma_b2)) == pytest.approx(c, abs=1e-9)


def test_chi_1_crosses_one_at_sigma_w2_one_without_bias():
    assert meanfield.chi_1(1.0, 0.0) == pytest.approx(1.0, abs=1e-14)
    assert meanfield.critical_sigma_w2(0.0) == pytest.approx(1.0, abs=1e-6)
    assert meanfield.chi_1(0.99, 0.0) < 1 < meanfield.chi_1(1.01, 0.0)
    for sigma_b2 in (0.05, 0.5, 2.0):  # along the critical line χ₁ = 1, and the line moves right with σ_b²
        assert meanfield.chi_1(meanfield.critical_sigma_w2(sigma_b2), sigma_b2) == pytest.approx(1.0, abs=1e-9)
    assert meanfield.critical_sigma_w2(0.05) < meanfield.critical_sigma_w2(0.5) < meanfield.critical_sigma_w2(2.0)


def test_c_star_is_one_in_the_ordered_phase_and_below_one_in_the_chaotic_phase():
    for sigma_w2 in (0.5, 1.0, 1.5):
        assert meanfield.chi_1(sigma_w2, 0.05) < 1 and meanfield.c_star(sigma_w2, 0.05) == 1.0
    for sigma_w2 in (2.5, 4.0, 6.0):
        assert meanfield.chi_1(sigma_w2, 0.05) > 1 and meanfield.c_star(sigma_w2, 0.05) < 0.5


def test_depth_scale_is_minus_one_over_log_chi_1_when_ordered_and_diverges_at_the_edge():
    assert meanfield.depth_scale(1.0, 0.05) == pytest.approx(-1 / math.log(meanfield.chi_1(1.0, 0.05)), rel=1e-9)
    edge = meanfield.critical_sigma_w2(0.05)
    assert meanfield.depth_scale(edge, 0.05) > 100 * meanfield.depth_scale(1.0, 0.05)


def test_the_layer_theory_starts_with_the_linear_first_layer_then_follows_the_maps():
    q, c, chi = meanfield.layers(3, 2.0, 0.1, q0=0.7, c0=0.3)
    assert q[0] == pytest.approx(2.0 * 0.7 + 0.1) and c[0] == pytest.approx((2.0 * 0.3 * 0.7 + 0.1) / q[0])
    assert q[1] == pytest.approx(float(meanfield.q_map(q[0], 2.0, 0.1)), rel=1e-12)
    assert chi[2] == pytest.approx(float(meanfield.chi(q[2], 2.0)), rel=1e-12)


BAD = [
    (dict(sigma_w2=0.0), "sigma_w2"),
    (dict(sigma_w2=-1.0), "sigma_w2"),
    (dict(sigma_b2=-0.1), "sigma_b2"),
    (dict(sigma_w2=math.nan), "sigma_w2"),
    (dict(sigma_b2=math.inf), "sigma_b2"),
    (dict(width=0), "width"),
    (dict(depth=0), "depth"),
    (dict(c0=1.5), "c0"),
    (dict(c0=math.nan), "c0"),
    (dict(activation="relu"), "relu"),
]


@pytest.mark.parametrize("bad, named", BAD)
def test_bad_input_is_refused_before_any_network_is_built(bad, named):
    builds = experiments._network.cache_info().misses
    args = dict(width=8, depth=3, sigma_w2=1.0, sigma_b2=0.05) | bad
    with pytest.raises(ValueError, match=named):
        experiments.propagation(**args)
    assert experiments._network.cache_info().misses == builds
    theory_args = {k: v for k, v in args.items() if k in ("sigma_w2", "sigma_b2", "activation")}
    for function in (meanfield.q_star, meanfield.c_star, meanfield.chi_1, meanfield.depth_scale):
        if set(bad) <= {"sigma_w2", "sigma_b2", "activation"}:
            with pytest.raises(ValueError, match=named):
                function(**theory_args)
    with pytest.raises(ValueError, match="c must lie"):
        meanfield.c_map(1.2, 2.0, 0.1)


GRAPHS = {
    "layered": lambda: architectures.layered([3, 40, 40, 2]),
    "random_dag": lambda: architectures.random_dag(3, 80, 2, p=0.5, rng=1),
    "recurrent": lambda: architectures.recurrent(3, 40, 2, rng=1),
}


@pytest.mark.parametrize("name", GRAPHS)
def test_init_normal_draws_the_mean_field_ensemble_on_every_graph_for_both_executors(name):
    graph = GRAPHS[name]()
    ticks = 2 if name == "recurrent" else 1
    data = random_dataset(3, 2, "mse", ticks=ticks if ticks > 1 else None, n=16)
    built = {
        executor: NetworkModel(
            graph=graph,
            dataset=data,
            loss="mse",
            ticks=ticks,
            init="normal",
            sigma_w2=2.5,
            sigma_b2=0.3,
            executor=executor,
            batch_size=8,
            rng=5,
        )
        for executor in ("agents", "vectorized")
    }
    model = built["agents"]
    fan_in = np.bincount(model.structure.dst, minlength=model.structure.n)[model.structure.dst]
    standard = model.params.weight * np.sqrt(fan_in / 2.5)  # N(0, 1) if the weights are N(0, σ_w²/fan_in)
    n = len(standard)
    assert abs(np.mean(standard**2) - 1) <= 5 * math.sqrt(2 / n)
    learners = np.array([r != "input" for r in model.structure.roles])
    biases = model.params.bias[learners]
    assert abs(np.mean(biases**2) / 0.3 - 1) <= 5 * math.sqrt(2 / len(biases))
    assert np.all(model.params.bias[~learners] == 0)
    for m in built.values():
        for _ in range(3):
            m.step()
    np.testing.assert_allclose(built["agents"].params.theta, built["vectorized"].params.theta, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("bad", [dict(sigma_w2=0), dict(sigma_w2=math.nan), dict(sigma_b2=-1), dict(sigma_b2="big")])
def test_the_model_refuses_bad_variances(bad):
    with pytest.raises(ValueError, match=next(iter(bad))):
        NetworkModel(init="normal", **bad)
