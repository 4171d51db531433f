"""The multiscale instruments on systems whose answer is known: properties, fibres, closure, Ψ/Δ, downward causation."""

import math

import mesa
import numpy as np
import pytest
from scipy.linalg import solve_discrete_lyapunov

from model import HiveModel, NetworkModel
from model.measures import closure as C
from model.measures import downward as D
from model.measures import fibres as Fb
from model.measures import scales as S


@pytest.fixture(scope="module")
def trained():
    """moons, 2-16-16-1 tanh, 600 steps: a trained network (test accuracy well above chance)."""
    model = NetworkModel(
        dataset="moons", hidden=(16, 16), learning_rate=0.1, batch_size=32, executor="vectorized", rng=3
    )
    for _ in range(600):
        model.step()
    return model


# --- properties at scales -------------------------------------------------------------------------
def test_scale_reporters_record_cheap_every_step_and_costly_every_k():
    model = NetworkModel(dataset="moons", hidden=(4, 4), executor="vectorized", rng=1)
    collector = mesa.DataCollector(model_reporters=S.scale_reporters(model, every_k=3))
    expected = {}
    for step in range(1, 8):  # steps 1-2 fall in block 0 of 3 steps, 3-5 in block 1, 6-7 in block 2
        model.step()
        collector.collect(model)
        if step in (1, 3, 6):  # the first step of each block recomputes
            expected[step] = S.layer_participation(model, 0)
    frame = collector.get_model_vars_dataframe()
    assert frame["loss"].iloc[-1] == model.loss and frame["loss"].nunique() == 7  # cheap: every step
    pr = frame["pr[layer 1]"].to_numpy()
    assert pr[0] == pr[1] and pr[2] == pr[3] == pr[4] and pr[5] == pr[6]  # costly: repeated within a block
    assert [pr[0], pr[2], pr[5]] == [expected[1], expected[3], expected[6]] and pr[2] != pr[0]
    assert {p.scale for p in S.network_properties(model)} == set(S.SCALES)


def test_layer_properties_read_the_layer_as_the_model_computes_it(trained):
    reps = S.layer_representations(trained)
    assert [r.shape for r in reps] == [(64, 16), (64, 16)]
    a = trained.predict(trained.data.x_test[:64])  # the same forward pass, read at the output
    assert np.allclose(reps[-1] @ _weights_into_output(trained) + trained.params.bias[-1], _logit(a))
    assert S.layer_cka_to_last(trained, 1) == pytest.approx(1.0)
    assert 1.0 <= S.layer_participation(trained, 0) <= 16.0


def _weights_into_output(model):
    s = model.structure
    out = int(s.outputs[0])
    return np.array([model.params.weight[model.edge_index[(u, out)]] for u in S.hidden_layers(model)[-1]])


def _logit(p):
    return np.log(p[:, 0] / (1 - p[:, 0]))


def test_patriline_activity_is_the_mean_over_its_bees_agents():
    hive = HiveModel(n_bees=60, patrilines=4, rng=2)
    for _ in range(30):
        hive.step()
    by_bee = {}
    for bee in hive.colony:
        by_bee.setdefault(bee.patriline, []).append({0: 0.0, 1: -1.0, 2: 1.0}[bee.state])
    expected = [np.mean(by_bee[p]) if p in by_bee else np.nan for p in range(1, 5)]
    assert np.allclose(S.patriline_activity(hive), expected, equal_nan=True)
    names = [p.name for p in S.hive_properties(hive)]
    assert names[:2] == ["bee[0]", "patriline[1]"] and "temperature" in names


# --- fibres -----------------------------------------------------------------------------------------
def test_permuting_hidden_neurons_leaves_every_output_bit_for_bit_the_same_while_theta_moves(trained):
    result = Fb.permutation_fibre(trained, rng=0)
    assert result["exact_equal"]  # correctly rounded sums: the outputs are the same floats
    assert result["theta_distance"] > 0.5  # θ moved by more than half its own length
    assert result["predict_max_difference"] <= 1e-13  # the model's own sums: round-off of reordered terms only
    assert result["test_loss_after"] == pytest.approx(result["test_loss_before"], abs=1e-13)
    x = trained.data.x_test
    assert np.allclose(Fb.exact_outputs(trained, x), trained.predict(x), rtol=0, atol=1e-14)


def test_a_permutation_that_is_no_symmetry_is_refused(trained):
    sigma = np.arange(trained.structure.n)
    sigma[[1, 2]] = [2, 1]  # an input swapped with a hidden neuron
    with pytest.raises(ValueError, match="only move hidden"):
        Fb.permuted_parameters(trained, sigma)


def test_sign_flips_of_tanh_neurons_leave_the_models_own_outputs_bit_for_bit_the_same(trained):
    x = trained.data.x_test
    before, saved = trained.predict(x).copy(), (trained.params.weight.copy(), trained.params.bias.copy())
    hidden = np.concatenate(S.hidden_layers(trained))
    try:
        Fb.set_parameters(trained, *Fb.sign_flipped_parameters(trained, hidden[::3]))
        assert np.array_equal(trained.predict(x), before)
        assert Fb.theta_distance(np.concatenate(saved), Fb.theta(trained)) > 0.3
    finally:
        Fb.set_parameters(trained, *saved)
    relu = NetworkModel(dataset="moons", hidden=4, activation="relu", rng=0)
    with pytest.raises(ValueError, match="odd activation"):
        Fb.sign_flipped_parameters(relu, [2])


def test_seeds_reach_the_same_loss_from_far_apart_theta():
    models, untrained = {}, {}
    for seed in (1, 2, 3):
        untrained[seed] = NetworkModel(
            dataset="moons", hidden=(8, 8), learning_rate=0.1, executor="vectorized", rng=seed
        )
        models[seed] = NetworkModel(dataset="moons", hidden=(8, 8), learning_rate=0.1, executor="vectorized", rng=seed)
        for _ in range(800):
            models[seed].step()
    table = Fb.seed_distances(models, untrained=untrained)
    pairs = table[table.against == "trained"]
    assert (pairs.theta_distance > 0.5).all() and (pairs.loss_distance < 0.1).all()
    assert (pairs.aligned_theta_distance < pairs.theta_distance).all()  # part of the distance is the fibre
    assert len(table[table.against == "untrained"]) == 3


# --- macro closure ------------------------------------------------------------------------------------
def exact_mean_closure(a, noise=1.0):
    """I(V'; X | V) = I(V'; X) - I(V'; V) for V = mean of a stationary VAR(1), from its covariances."""
    n = len(a)
    s = solve_discrete_lyapunov(a, noise**2 * np.eye(n))
    w = np.ones(n) / n
    var = w @ s @ w
    explained_by_x = w @ a @ s @ a.T @ w  # Var(E[V' | X]) = wᵀ A S Aᵀ w
    explained_by_v = (w @ a @ s @ w) ** 2 / var
    return 0.5 * math.log2(var / (var - explained_by_x)) - 0.5 * math.log2(var / (var - explained_by_v))


def matrices(n=8, seed=0):
    rng = np.random.default_rng(seed)
    coupling = rng.normal(size=(n, n)) * 0.15
    closed = 0.5 * np.eye(n) + coupling - coupling.mean(axis=0)  # columns sum to 0.5: 1ᵀA = 0.5·1ᵀ
    open_ = 0.5 * np.eye(n) + coupling  # the same coupling, columns not balanced
    return closed, open_


def test_closure_separates_a_mean_closed_by_construction_from_one_that_is_not():
    closed, open_ = matrices()
    assert exact_mean_closure(closed) == pytest.approx(0.0, abs=1e-12)
    results = {}
    for name, a in (("closed", closed), ("open", open_)):
        x = C.linear_system(a, steps=5000, rng=1)
        results[name] = C.closure(x, x.mean(axis=1))
    assert results["closed"]["gap"] < 3 * results["closed"]["bias"]  # what an estimate of 0 reads on 5000 steps
    assert results["closed"]["ratio"] > 0.97
    exact = exact_mean_closure(open_)
    assert exact > 0.05 and results["open"]["gap"] == pytest.approx(exact, abs=0.015)
    assert results["open"]["gap"] > 30 * results["open"]["bias"]
    assert results["open"]["ratio"] < 0.8 and results["open"]["r2_micro"] > results["open"]["r2_macro"] + 0.05


def exact_psi(a, n_parts, noise=1.0):
    """Ψ = I(V_t; V_t+1) - Σ_j I(X^j_t; V_t+1) of V = mean of a VAR(1), from its covariances."""
    n = len(a)
    s = solve_discrete_lyapunov(a, noise**2 * np.eye(n))
    w = np.ones(n) / n
    var = w @ s @ w
    whole = -0.5 * math.log2(1 - (w @ a @ s @ w) ** 2 / var**2)
    cross = w @ a @ s  # Cov(V_t+1, X^j_t) for every j
    parts = sum(-0.5 * math.log2(1 - cross[j] ** 2 / (s[j, j] * var)) for j in range(n_parts))
    return whole - parts


def test_psi_across_scales_matches_the_closed_form_and_reads_zero_for_a_single_independent_part():
    closed, open_ = matrices()
    for a in (closed, open_):
        x = C.linear_system(a, steps=20000, rng=2)
        table = C.emergence_across_scales(x, {"units": [[j] for j in range(8)]}, x.mean(axis=1), n_null=3)
        assert table.psi.iloc[0] == pytest.approx(exact_psi(a, 8), abs=0.03)
    independent = C.linear_system(0.8 * np.eye(4), steps=20000, rng=3)  # macro = part 0 of independent parts
    table = C.emergence_across_scales(independent, {"units": [[j] for j in range(4)]}, independent[:, 0], n_null=3)
    assert table.psi.iloc[0] == pytest.approx(0.0, abs=0.01)  # I(X0;X0') - I(X0;X0') - 0
    assert table.psi_corrected.iloc[0] == pytest.approx(0.0, abs=0.01)


# --- downward causation -------------------------------------------------------------------------------
def test_downward_gain_equals_the_known_share_and_vanishes_without_coupling():
    x, m = D.driven_parts(steps=4000, a=0.5, b=1.0, noise=1.0, rng=1)
    result = D.downward_causation(x, m, history=1, lag=0, n_null=9)
    share, bits = D.known_gain(0.5, 1.0, 1.0)
    assert result["gain"] == pytest.approx(share, abs=0.02) and result["bits"] == pytest.approx(bits, abs=0.03)
    assert result["significant"] == 1.0
    x, m = D.driven_parts(steps=4000, b=0.0, switch_every=100, rng=1)  # a switching truck, an unattached box
    control = D.downward_causation(x, m, history=1, lag=0, n_null=9)
    assert abs(control["excess_bits"]) < 0.002 and control["significant"] <= 0.2
