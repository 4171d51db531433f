"""The estimators against closed forms: Gaussian VAR transfer entropy and currents, Rosas et al.'s toy systems.

Each tolerance is derived in the test from the estimator's sampling error (delta method for Gaussian
information, the information density's spread for plug-in estimates), not picked to pass.
"""

import math

import numpy as np
import pytest
from scipy import linalg, signal, stats

from model.measures.hive_lesions import lesion_runs
from model.measures.information import LOG2E, emergence, transfer_entropy
from model.measures.irreversibility import area_rate, irreversibility, leading_plane

LN2 = math.log(2)


def var1(m, n, seed=0, noise=None):
    """x_{t+1} = M x_t + ε_t, ε ~ N(0, Q) (Q = I unless given), started at stationarity, n steps."""
    rng = np.random.default_rng(seed)
    k = len(m)
    q = np.eye(k) if noise is None else noise
    sigma = linalg.solve_discrete_lyapunov(m, q)
    x = np.empty((n, k))
    x[0] = rng.multivariate_normal(np.zeros(k), sigma)
    eps = rng.multivariate_normal(np.zeros(k), q, size=n)
    for t in range(n - 1):
        x[t + 1] = m @ x[t] + eps[t]
    return x, sigma


def lagged_cov(m, sigma, lag):
    """Cov(x_t, x_{t+lag}) = Σ (M^lag)ᵀ of a stationary VAR(1)."""
    return sigma @ np.linalg.matrix_power(m, lag).T


def exact_te(m, sigma, source, target, history):
    """I(X_{t+1}; Y_t | X_t..X_{t-h+1}) in nats from the VAR's exact joint Gaussian (Barnett et al. 2009)."""
    # variables: x_{t+1}, y_t, x_t, ..., x_{t-h+1}; times relative to t
    items = [(target, 1), (source, 0)] + [(target, -k) for k in range(history)]

    def cov(a, b):
        (i, s), (j, u) = a, b
        c = lagged_cov(m, sigma, abs(u - s))
        return c[i, j] if u >= s else c[j, i]

    full = np.array([[cov(a, b) for b in items] for a in items])
    past = list(range(2, len(items)))

    def cond_var(i, given):
        s = full[np.ix_(given, given)]
        c = full[i, given]
        return full[i, i] - c @ np.linalg.solve(s, c)

    def logdet(idx):
        return np.linalg.slogdet(full[np.ix_(idx, idx)])[1]

    return 0.5 * (logdet([0] + past) + logdet([1] + past) - logdet(past) - logdet([0, 1] + past)), cond_var


@pytest.mark.parametrize("history", [1, 2])
def test_gaussian_transfer_entropy_equals_the_var_closed_form(history):
    m = np.array([[0.5, 0.4], [0.0, 0.7]])  # y (1) drives x (0); x does not drive y
    n = 40000
    x, sigma = var1(m, n, seed=history)
    te_nats, _ = exact_te(m, sigma, source=1, target=0, history=history)
    rho = math.sqrt(1 - math.exp(-2 * te_nats))  # the partial correlation behind it
    tolerance = (4 * rho / math.sqrt(n) + 1 / n) * LOG2E  # 4 delta-method standard errors + the 1-df bias, bits
    estimate = transfer_entropy(x[:, 1], x[:, 0], history=history)
    assert estimate == pytest.approx(te_nats * LOG2E, abs=tolerance)
    null_quantile = stats.chi2.ppf(1 - 1e-4, 1) / (2 * n) * LOG2E  # 2n·TE ~ χ²(1) when there is no coupling
    assert transfer_entropy(x[:, 0], x[:, 1], history=history) < null_quantile


def test_history_two_transfer_entropy_is_smaller_than_history_one_here():
    m = np.array([[0.5, 0.4], [0.0, 0.7]])
    _, sigma = var1(m, 10)
    one, _ = exact_te(m, sigma, 1, 0, 1)
    two, _ = exact_te(m, sigma, 1, 0, 2)
    assert 0 < two < one  # x's own past already reveals part of y's: why the history must be stated


def test_probability_current_of_a_linear_process_equals_its_closed_form():
    tau, n = 3, 60000
    rotation = np.array([[0.85, 0.3], [-0.3, 0.85]])  # rotating drift: detailed balance broken
    x, sigma = var1(rotation, n, seed=5, noise=np.diag([1.0, 0.3]))
    lam, vectors = np.linalg.eigh(sigma)
    c = vectors.T @ lagged_cov(rotation, sigma, tau) @ vectors
    exact = abs(c[0, 1] - c[1, 0]) / 2 / math.sqrt(lam[0] * lam[1])
    correlation_time = 1 / (1 - max(abs(np.linalg.eigvals(rotation))))
    tolerance = 4 * math.sqrt(8 * 2 * correlation_time / n) / 2  # Var(x y') ≤ 2σ²σ², so Var(summand) ≤ 8
    assert irreversibility(x, tau, skip=0) == pytest.approx(exact, abs=tolerance)
    symmetric, _ = var1(np.array([[0.8, 0.1], [0.1, 0.6]]), n, seed=6)  # reversible: M Σ symmetric with Q = I
    assert irreversibility(symmetric, tau, skip=0) < tolerance
    plane = leading_plane(x)
    assert area_rate(plane, tau) == -area_rate(plane[:, ::-1], tau)


def binary_entropy(p):
    return -(p * math.log2(p) + (1 - p) * math.log2(1 - p))


def parity_system(n=3, steps=20000, gamma=0.9, downward=False, seed=0):
    """Rosas et al. (2020), Fig. 2: parity kept with probability γ (Ψ = 1 − H(γ), Δ = Γ = 0); or the first bit
    copies the parity with probability γ, the rest fair coins (Δ = Γ = 1 − H(γ), Ψ = 0)."""
    rng = np.random.default_rng(seed)
    flips = rng.random(steps) >= gamma  # the parity is not kept (or not copied)
    x = rng.integers(0, 2, (steps, n))
    if downward:  # x1_{t+1} = parity(x_t) xor flip_t, the others fair coins: a running sum mod 2
        x[:, 0] = (x[0, 0] + np.cumsum(np.r_[0, (x[:-1, 1:].sum(axis=1) + flips[:-1])[:]])) % 2
    else:  # the parity follows its own noisy chain; one random bit is flipped where the coins disagree with it
        parity = (x[0].sum() + np.cumsum(np.r_[0, flips[:-1]])) % 2
        wrong = np.flatnonzero(x.sum(axis=1) % 2 != parity)
        x[wrong, rng.integers(0, n, len(wrong))] ^= 1
    return x, x.sum(axis=1) % 2


def plug_in_tolerance(gamma, steps, terms):
    """4 sd of the information density of a γ-noisy bit copy over √steps, plus each term's plug-in bias."""
    spread = abs(math.log2(gamma / (1 - gamma))) * math.sqrt(gamma * (1 - gamma))
    return 4 * spread / math.sqrt(steps) + terms / (2 * steps * LN2)


@pytest.mark.parametrize("downward", [False, True])
def test_psi_delta_gamma_on_rosas_parity_systems(downward):
    steps, gamma = 20000, 0.9
    x, v = parity_system(steps=steps, downward=downward, seed=int(downward))
    result = emergence(x, v, estimator="discrete")
    value = 1 - binary_entropy(gamma)
    tolerance = plug_in_tolerance(gamma, steps, terms=x.shape[1] + 1)
    expected = (
        {"psi": 0.0, "delta": value, "gamma": value}
        if downward
        else {"psi": value, "psi_corrected": value, "delta": 0.0, "gamma": 0.0}
    )
    for key, target in expected.items():
        assert result[key] == pytest.approx(target, abs=tolerance), key
    assert result["unit"] == "bits"


def test_corrected_psi_of_a_mean_field_macro_equals_its_closed_form():
    """n noisy copies of one AR(1) signal, V their sum: plain Ψ counts the shared signal n times and goes
    negative; the corrected Ψ counts it once (Rosas et al. 2020, eq. 13)."""
    n_parts, a, noise, steps = 5, 0.9, 1.0, 100000
    rng = np.random.default_rng(3)
    s = signal.lfilter([1.0], [1.0, -a], rng.standard_normal(steps))
    x = s[:, None] + noise * rng.standard_normal((steps, n_parts))
    var_s = 1 / (1 - a * a)
    var_v, var_x = n_parts**2 * var_s + n_parts * noise**2, var_s + noise**2
    rho_vv = n_parts**2 * a * var_s / var_v
    rho_xv = n_parts * a * var_s / math.sqrt(var_x * var_v)

    def info(r):
        return -0.5 * math.log2(1 - r * r)

    result = emergence(x, x.sum(axis=1))
    inflation = math.sqrt((1 + a) / (1 - a))  # autocorrelated samples: fewer effective ones
    se = max(rho_vv, rho_xv) * inflation / math.sqrt(steps) * LOG2E / (1 - max(rho_vv, rho_xv) ** 2)
    assert result["psi_corrected"] == pytest.approx(info(rho_vv) - info(rho_xv), abs=4 * 2 * se)
    assert result["psi"] == pytest.approx(info(rho_vv) - n_parts * info(rho_xv), abs=4 * (n_parts + 1) * se)
    assert result["psi"] < 0 < result["psi_corrected"]


@pytest.mark.parametrize("control", ["bees", "thermostat"])
def test_lesioned_copies_in_one_pass_equal_hive_model_runs(control):
    from model.hive import HiveModel

    params = {"n_bees": 40, "control": control, "beta": 0.3 if control == "bees" else 0.0}
    masks = np.zeros((3, 40), dtype=bool)
    masks[1, :8] = True
    masks[2, 15:30] = True
    batch = lesion_runs(params, 4, masks, ticks=400)
    for row, mask in enumerate(masks):
        hive = HiveModel(**params, executor="vectorized", rng=4)
        hive.silence(np.flatnonzero(mask))
        temps = []
        for _ in range(400):
            hive.step()
            temps.append(hive.temperature)
        assert np.allclose(batch[row], temps, rtol=0, atol=1e-9)
