"""The instruments on textbook cases whose values are known, and on bad input."""

import math

import numpy as np
import pytest

from model.measures import features as F
from model.measures.information import (
    discrete_cmi,
    discretise,
    downward_delta,
    gaussian_cmi,
    participation_ratio,
    psi,
    total_correlation,
    transfer_entropy,
    transfer_entropy_test,
)


def binary_entropy(p):
    return -(p * math.log2(p) + (1 - p) * math.log2(1 - p))


def coupled_pair(n=5000, c=0.5, noise=0.5, seed=0):
    """y white noise; x_{t+1} = 0.5 x_t + c y_t + noise: TE(y→x) = ½ log2(1 + c²/noise²), TE(x→y) = 0."""
    rng = np.random.default_rng(seed)
    y = rng.standard_normal(n)
    x = np.zeros(n)
    for t in range(n - 1):
        x[t + 1] = 0.5 * x[t] + c * y[t] + noise * rng.standard_normal()
    return x, y


def test_gaussian_transfer_entropy_of_a_coupled_pair_is_the_textbook_value():
    x, y = coupled_pair()
    assert transfer_entropy(y, x) == pytest.approx(0.5 * math.log2(1 + 0.25 / 0.25), abs=0.03)
    forward = transfer_entropy_test(y, x, rng=1)
    backward = transfer_entropy_test(x, y, rng=1)
    assert forward["p"] <= 0.05 and forward["excess"] > 0.4
    assert backward["p"] > 0.05 and abs(backward["excess"]) < 0.005


def test_transfer_entropy_of_an_independent_pair_stays_within_its_null():
    rng = np.random.default_rng(3)
    x, y = rng.standard_normal(4000), rng.standard_normal(4000)
    result = transfer_entropy_test(y, x, rng=2, n_null=19)
    assert result["te"] < result["null_mean"] + 4 * result["null_sd"] + 1e-4
    assert result["te"] < 0.003


def test_discrete_transfer_entropy_of_a_noisy_copy():
    """x_{t+1} = y_t with probability 0.9, else a fair coin: TE = 1 - H(0.95) bits."""
    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, 20000)
    x = np.where(rng.random(20000) < 0.9, np.r_[0, y[:-1]], rng.integers(0, 2, 20000))
    assert transfer_entropy(y, x, estimator="discrete") == pytest.approx(1 - binary_entropy(0.95), abs=0.02)
    assert transfer_entropy(x, y, estimator="discrete") < 0.01


def test_gaussian_mutual_information_and_total_correlation_of_a_correlated_pair():
    rng = np.random.default_rng(2)
    rho = 0.8
    z = rng.multivariate_normal([0, 0], [[1, rho], [rho, 1]], size=20000)
    expected = -0.5 * math.log2(1 - rho**2)
    assert gaussian_cmi(z[:, 0], z[:, 1]) == pytest.approx(expected, abs=0.02)
    assert total_correlation(z) == pytest.approx(expected, abs=0.02)


def xor_system(n=3, steps=20000, gamma=0.9, downward=False, seed=0):
    """Rosas et al. (2020): n bits. Parity kept with probability gamma (Ψ = 1 - H(γ), Δ = 0); or the first
    bit at t+1 copies the parity at t with probability gamma, the rest fair coins (Δ = 1 - H(γ), Ψ = 0)."""
    rng = np.random.default_rng(seed)
    x = np.zeros((steps, n), dtype=int)
    x[0] = rng.integers(0, 2, n)
    for t in range(steps - 1):
        parity = x[t].sum() % 2
        new = rng.integers(0, 2, n)
        keep = parity if rng.random() < gamma else 1 - parity
        if downward:
            new[0] = keep
        elif new.sum() % 2 != keep:
            new[rng.integers(n)] ^= 1
        x[t + 1] = new
    return x, x.sum(axis=1) % 2


def test_psi_and_delta_on_the_parity_system():
    x, v = xor_system()
    expected = 1 - binary_entropy(0.9)
    assert psi(x, v, estimator="discrete") == pytest.approx(expected, abs=0.02)
    assert downward_delta(x, v, estimator="discrete") == pytest.approx(0.0, abs=0.01)


def test_psi_and_delta_on_the_downward_causation_system():
    x, v = xor_system(downward=True, seed=1)
    expected = 1 - binary_entropy(0.9)
    assert downward_delta(x, v, estimator="discrete") == pytest.approx(expected, abs=0.02)
    assert psi(x, v, estimator="discrete") == pytest.approx(0.0, abs=0.01)


def test_psi_null_of_a_macro_with_no_dynamics_is_zero():
    rng = np.random.default_rng(5)
    x = rng.standard_normal((3000, 3))
    result = F.psi_test(x, x.sum(axis=1), rng=1)
    assert abs(result["psi"]) < 0.01 and abs(result["excess"]) < 0.01


def test_cka_of_a_representation_with_itself_a_rotation_and_an_unrelated_one():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((200, 10)) @ rng.standard_normal((10, 10))
    q, _ = np.linalg.qr(rng.standard_normal((10, 10)))
    assert F.linear_cka(x, x) == pytest.approx(1.0, abs=1e-12)
    assert F.linear_cka(x, 3.0 * x @ q) == pytest.approx(1.0, abs=1e-12)
    assert F.linear_cka(x, rng.standard_normal((200, 10))) < 0.2


def test_participation_ratio_counts_directions():
    rng = np.random.default_rng(0)
    assert participation_ratio(rng.standard_normal((20000, 5))) == pytest.approx(5.0, abs=0.1)
    line = rng.standard_normal((500, 1)) @ rng.standard_normal((1, 6))
    assert participation_ratio(line) == pytest.approx(1.0, abs=1e-9)


def test_effective_number_top_share_and_gini_on_known_vectors():
    assert F.effective_number(np.ones(10)) == pytest.approx(10.0)
    assert F.effective_number([5.0, 0, 0, 0]) == pytest.approx(1.0)
    assert F.top_share([1, 1, 2]) == pytest.approx(0.5)
    assert F.gini(np.ones(8)) == pytest.approx(0.0)
    assert F.gini([0, 0, 0, 4]) == pytest.approx(0.75)


class ToySystem:
    """Ten units; `weights` says how much each contributes to the score (1 = intact)."""

    kind = "toy"

    def __init__(self, weights):
        self.weights = np.asarray(weights, dtype=float)
        self.units = [np.array([i]) for i in range(len(weights))]
        self.silenced = np.zeros(len(weights), dtype=bool)

    def performance(self):
        alive = self.weights[~self.silenced].sum() / self.weights.sum()
        return {"score": alive, "loss": 1.0 - alive}

    def silence(self, units, silenced=True):
        self.silenced[np.atleast_1d(units)] = silenced

    def unsilence_all(self):
        self.silenced[:] = False


def test_lesion_curve_of_a_system_with_one_indispensable_agent():
    hub = ToySystem([1.0] + [0.0] * 9)
    assert F.top_share(F.leave_one_out(hub)) == pytest.approx(1.0)
    assert F.effective_number(F.leave_one_out(hub)) == pytest.approx(1.0)
    targeted = F.lesion_curve(hub, "targeted")
    assert targeted.tolist() == [1.0, 0.0, 0.0, 0.0, 0.0, 0.0]
    assert F.curve_auc(targeted) == pytest.approx(0.1)  # broken by the first lesion
    shared = ToySystem([1.0] * 10)
    assert F.effective_number(F.leave_one_out(shared)) == pytest.approx(10.0)
    assert F.curve_auc(F.lesion_curve(shared, "random")) == pytest.approx(0.5)  # a straight decline
    assert F.curve_auc(F.lesion_curve(shared, "targeted")) == pytest.approx(0.5)


def test_linearisation_and_superposition_are_zero_for_linear_maps_and_known_otherwise():
    x = np.linspace(-1, 1, 50)
    f0, f1 = 2 * x, 3 * x
    assert F.linearisation_error(f0, f1, f0 + (f1 - f0)) == pytest.approx(0.0)
    assert F.linearisation_error(f0, f1, f0) == pytest.approx(1.0)
    base = np.zeros(20)
    response = np.linspace(0, 1, 20)
    assert F.superposition_error(base, response, response, 2 * response) == pytest.approx(0.0)
    assert F.superposition_error(base, response, response, 4 * response) == pytest.approx(1.0)  # quadratic


def test_dynamic_equilibrium_reads_settling_with_moving_parts_and_not_a_random_walk():
    t = np.arange(2000)
    rng = np.random.default_rng(0)
    settled = F.dynamic_equilibrium(np.exp(-t / 50.0), np.ones(2000))
    assert settled["index"] > 0.99
    walk = F.dynamic_equilibrium(np.cumsum(rng.standard_normal(2000)), np.ones(2000))
    assert walk["index"] < 0.3
    frozen = F.dynamic_equilibrium(np.exp(-t / 50.0), np.zeros(2000))
    assert frozen["index"] == 0.0


# --- bad input: a clear ValueError naming the problem ---------------------------------------------------
@pytest.mark.parametrize(
    "series, words",
    [
        (np.arange(5.0), "too short"),
        (np.ones(100), "constant"),
        (np.r_[np.arange(50.0), np.nan, np.arange(49.0)], "NaN"),
    ],
)
def test_transfer_entropy_refuses_bad_input(series, words):
    other = np.random.default_rng(0).standard_normal(len(series))
    with pytest.raises(ValueError, match=words):
        transfer_entropy(other, series)
    with pytest.raises(ValueError, match=words):
        transfer_entropy(series, other)


def test_other_measures_refuse_bad_input():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="constant"):
        psi(rng.standard_normal((100, 2)), np.ones(100))
    with pytest.raises(ValueError, match="NaN"):
        F.linearisation_error([0.0, 1.0], [np.nan, 1.0], [0.0, 1.0])
    with pytest.raises(ValueError, match="0/0"):
        F.linearisation_error([1.0, 2.0], [1.0, 2.0], [1.0, 2.0])
    with pytest.raises(ValueError, match="does not fall"):
        F.curve_auc([0.5, 0.5, 0.5, 0.5, 0.5, 0.5])
    with pytest.raises(ValueError, match="constant"):
        F.linear_cka(np.ones((10, 3)), rng.standard_normal((10, 3)))
    with pytest.raises(ValueError, match="all constant"):
        F.feedback(np.ones((100, 3)), np.ones((100, 3)))
    with pytest.raises(ValueError, match="too short"):
        F.dynamic_equilibrium(np.arange(5.0), np.ones(5))
    with pytest.raises(ValueError, match="undefined"):
        F.effective_number(np.zeros(4))
    with pytest.raises(ValueError, match="integer states"):
        discrete_cmi(rng.random(100), rng.integers(0, 2, 100))
    assert discretise(np.array([0.1, 0.2, 0.3, 0.4, 0.5, 0.6]), bins=3).tolist() == [0, 0, 1, 1, 2, 2]
