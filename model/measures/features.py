"""One measure (or a small family) per complex-systems feature, reading any `System` (systems.py).

Ladyman & Wiesner's conditions and products (What is a Complex System?, 2020) and the multiscale
questions. Each function's docstring gives its definition and
reference; tests/test_measures*.py check each on a textbook case whose value is known.
"""

from __future__ import annotations

import math

import numpy as np

from model.measures.information import participation_ratio, psi, transfer_entropy_test
from model.measures.series import MeasureError, as_panel, as_series

FRACTIONS = np.linspace(0.0, 1.0, 6)


# --- numerosity and decentralised control ---------------------------------------------------------
def leave_one_out(system, measure: str = "loss") -> np.ndarray:
    """I_u = performance loss with unit u silenced minus the intact loss, for every unit (the knock-out hook).

    Network: test loss of the current network with the unit's neurons silenced. Hive: mean squared distance
    of T from the band centre over a fresh run with the unit's bees silenced (same seed, common random numbers).
    """
    cached = getattr(system, "_importance", None)
    if cached is not None:
        return cached
    base = system.performance()[measure]
    if system.kind == "hive":
        values = [system.performance(silenced_units=[u])[measure] - base for u in range(len(system.units))]
    else:
        values = []
        for u in range(len(system.units)):
            system.silence([u])
            values.append(system.performance()[measure] - base)
            system.silence([u], False)
    system._importance = np.array(values, dtype=float)
    return system._importance


def _shares(importance) -> np.ndarray:
    a = np.abs(np.asarray(importance, dtype=float))
    if a.ndim != 1 or len(a) == 0:
        raise MeasureError("importance must be a non-empty 1-D array (one value per unit)")
    if not np.all(np.isfinite(a)):
        raise MeasureError("an importance is NaN or infinite: a lesion broke the performance measure itself")
    if a.sum() == 0:
        raise MeasureError("no unit's lesion changes performance: the shares of control are undefined")
    return a / a.sum()


def effective_number(importance) -> float:
    """N_eff = exp(H(p)), p_u = |I_u| / Σ|I_v|: how many units effectively carry the work (Hill number of order 1).

    N units of equal importance give N; one indispensable unit among idle ones gives 1.
    """
    p = _shares(importance)
    p = p[p > 0]
    return float(math.exp(-(p * np.log(p)).sum()))


def top_share(importance) -> float:
    """max_u |I_u| / Σ|I_v|: the largest single unit's share of control (1 = one unit controls all)."""
    return float(_shares(importance).max())


def gini(values) -> float:
    """Gini coefficient of |values|: 0 when all are equal, (n-1)/n when one holds everything (notes #5)."""
    a = np.sort(np.abs(np.asarray(values, dtype=float)))
    if len(a) < 2:
        raise MeasureError("the Gini coefficient needs at least two units")
    if a.sum() == 0:
        raise MeasureError("all values are zero: the Gini coefficient is undefined")
    n = len(a)
    return float((2 * np.arange(1, n + 1) - n - 1) @ a / (n * a.sum()))


def numerosity(system) -> dict:
    """The interaction ledger and the effective number of contributors.

    elements, interactions (live couplings), signals per step and exchanged so far (network: one forward and
    one backward message per live edge, example and tick; hive: each bee reads the sensed temperature and
    writes its heat, per tick), and N_eff = exp(H(p)) over the units' leave-one-out importance.
    """
    importance = leave_one_out(system)
    return {
        "elements": system.n_elements,
        "interactions": system.n_interactions,
        "signals_per_step": system.signals_per_step,
        "signals_exchanged": system.signals_exchanged,
        "units": len(system.units),
        "n_eff": effective_number(importance),
    }


def decentralised_control(system) -> dict:
    """The largest single unit's share of leave-one-out importance, and the Gini of the importances.

    Central control reads top share → 1 (one unit's loss breaks everything); decentralised control reads a
    small top share (Freeman-style concentration of control).
    """
    importance = leave_one_out(system)
    result = {"top_share": top_share(importance)}
    try:
        result["gini"] = gini(importance)
    except MeasureError as error:
        result["gini"], result["gini_reason"] = math.nan, str(error)
    return result


# --- openness ---------------------------------------------------------------------------------------
def openness(record: dict, system=None) -> dict:
    """Energy influx per step, micro change per step and parameter drift (Kunin et al.'s d(t); notes #8, #9).

    influx: the mean environment power entering per step (network: input + error power; hive: heat exchanged
    with the outside, |λ(T_a - T)|·dt). micro_change: mean per-step change of the micro state (network: ‖Δθ‖;
    hive: ‖Δ states‖). drift: ‖θ_T - θ_0‖ / ‖θ_0‖ of the parameters.
    """
    influx = as_series(record["influx"], "influx", min_length=2, allow_constant=True)
    micro = as_series(record["micro_change"], "micro change", min_length=2, allow_constant=True)
    result = {"influx": float(influx.mean()), "micro_change": float(micro.mean())}
    if system is not None:
        result["drift"] = system.drift()
    return result


# --- feedback ---------------------------------------------------------------------------------------
def feedback(activity, incoming, lags=(1,), n_null: int = 9, agents=None, rng=0) -> dict:
    """Transfer entropy both ways between each agent's incoming signal and its activity, against a shuffle null.

    For agent i with activity x_i (neuron: forward signal a; bee: its state) and incoming signal y_i (neuron:
    backward signal δ; bee: sensed temperature): TE(y→x) = I(x_{t+1}; y_{t+1-lag} | x_t, x_{t-1}) and TE(x→y)
    likewise (Schreiber, PRL 85:461, 2000, target history 2: conditioning on the last value and the last
    change, which copes with the trending series of a network in training), Gaussian estimator (Granger/2),
    maximised over `lags`. Each TE is shown against the same statistic on circular shifts of the source
    (`n_null` of them): excess = TE - null mean.

    feedback leg: mean excess of TE(incoming → activity); forward leg: of TE(activity → incoming); loop: the
    weaker of the two legs (a loop needs both); significant: the share of agents whose feedback leg beats
    every surrogate. Agents whose series are constant (silenced, dead, idle all along) are left out and counted.
    """
    x = as_panel(activity, "activity", min_length=20, allow_constant_columns=True)
    y = as_panel(incoming, "incoming", min_length=20, allow_constant_columns=True)
    if x.shape != y.shape:
        raise MeasureError(f"activity and incoming must have the same shape, got {x.shape} and {y.shape}")
    columns = range(x.shape[1]) if agents is None else agents
    back, forth, hits, skipped = [], [], [], 0
    for k, j in enumerate(columns):
        try:
            b = transfer_entropy_test(y[:, j], x[:, j], lags=lags, n_null=n_null, rng=(rng, k, 0), history=2)
            f = transfer_entropy_test(x[:, j], y[:, j], lags=lags, n_null=n_null, rng=(rng, k, 1), history=2)
        except MeasureError:
            skipped += 1
            continue
        back.append(b["excess"])
        forth.append(f["excess"])
        hits.append(b["p"] <= 1 / (n_null + 1))
    if not back:
        raise MeasureError("no agent has a usable activity/incoming pair (all constant): feedback is undefined")
    feedback_leg, forward_leg = float(np.mean(back)), float(np.mean(forth))
    return {
        "feedback_leg": feedback_leg,
        "forward_leg": forward_leg,
        "loop": min(feedback_leg, forward_leg),
        "significant": float(np.mean(hits)),
        "agents": len(back),
        "skipped": skipped,
    }


# --- robustness ---------------------------------------------------------------------------------------
def lesion_curve(
    system, order: str = "random", fractions=FRACTIONS, repeats: int = 2, rng=0, measure: str = "score"
) -> np.ndarray:
    """Performance (test accuracy; hive: fraction of ticks in band) with ⌈f·n⌉ units silenced, per fraction f.

    order="random": units in a random order (mean of `repeats` orders); "targeted": most important first
    (leave-one-out importance), the attack of Albert, Jeong & Barabási (Nature 2000) and Morcos et al. (2018).
    """
    n = len(system.units)
    if order == "targeted":
        orders = [np.argsort(-np.abs(leave_one_out(system)), kind="stable")]
    elif order == "random":
        generator = np.random.default_rng(rng)
        orders = [generator.permutation(n) for _ in range(repeats)]
    else:
        raise ValueError(f"order must be 'random' or 'targeted', not {order!r}")
    curve = np.zeros(len(fractions))
    for ranking in orders:
        for i, f in enumerate(fractions):
            chosen = ranking[: math.ceil(round(f * n, 9))]
            if system.kind == "hive":
                curve[i] += system.performance(silenced_units=chosen)[measure]
            else:
                system.silence(chosen)
                curve[i] += system.performance()[measure]
                system.unsilence_all()
    return curve / len(orders)


def curve_auc(curve, fractions=FRACTIONS) -> float:
    """Area under a lesion curve normalised to its ends: ∫ (s(f) - s(1)) / (s(0) - s(1)) df over f in [0, 1].

    1: nothing is lost until the last unit goes; 0.5: linear decline; → 0: the first lesion breaks it.
    """
    s = as_series(curve, "lesion curve", min_length=2, allow_constant=True)
    if s[0] <= s[-1]:
        raise MeasureError(
            f"performance does not fall under lesions ({s[0]:.3g} intact, {s[-1]:.3g} all silenced): "
            "the lesion curve cannot be normalised"
        )
    f = np.asarray(fractions, dtype=float)
    y = (s - s[-1]) / (s[0] - s[-1])
    return float(np.sum((y[1:] + y[:-1]) / 2 * np.diff(f)))


def robustness(system, repeats: int = 2, rng=0) -> dict:
    """Random and targeted lesion curves and their normalised areas."""
    random_curve = lesion_curve(system, "random", repeats=repeats, rng=rng)
    targeted = lesion_curve(system, "targeted")
    return {
        "auc_random": curve_auc(random_curve),
        "auc_targeted": curve_auc(targeted),
        "curve_random": random_curve.round(4).tolist(),
        "curve_targeted": targeted.round(4).tolist(),
    }


# --- self-organisation ----------------------------------------------------------------------------------
def dynamic_equilibrium(macro, micro_change, early: float = 0.02, late: float = 0.5) -> dict:
    """Does the macro variable settle while micro change goes on?

    Started from disorder (an untrained network; a cold hive): settling S = 1 - mean|ΔV| over the last `late`
    of the run / mean|ΔV| over the first `early` of it (→ 1: the macro variable has come to rest; ≤ 0: it
    moves as much as at the start). persistence P = the share of late steps in which the micro state still
    changes by more than 1 % of its mean change per step (→ 1: the parts keep moving; 0: they stopped).
    index = max(S, 0)·P: high only when the whole is at rest and the parts are not.
    """
    v = as_series(macro, "macro", min_length=20)
    m = as_series(micro_change, "micro change", min_length=20, allow_constant=True)
    if len(m) != len(v):
        raise MeasureError(f"macro and micro change must have the same length, got {len(v)} and {len(m)}")
    n_early, n_late = max(2, int(early * len(v))), max(2, int(late * len(v)))
    dv = np.abs(np.diff(v))
    early_move, late_move = dv[: n_early - 1].mean(), dv[-(n_late - 1) :].mean()
    if early_move == 0:
        raise MeasureError("the macro variable does not move at the start: settling is undefined")
    settling = 1.0 - late_move / early_move
    persistence = float(np.mean(m[-n_late:] > 0.01 * m.mean())) if m.mean() > 0 else 0.0
    return {
        "settling": float(settling),
        "persistence": float(persistence),
        "index": float(max(settling, 0.0) * persistence),
    }


def participation_over_time(activity, windows: int = 4) -> list[float]:
    """Participation ratio of the agents' activity in consecutive windows (order appearing: PR falls; #19)."""
    x = as_panel(activity, "activity", min_length=4 * windows, allow_constant_columns=True)
    x = x[:, np.ptp(x, axis=0) > 0]
    values = []
    for chunk in np.array_split(x, windows):
        try:
            values.append(participation_ratio(chunk))
        except MeasureError:
            values.append(math.nan)
    return values


# --- nonlinearity ---------------------------------------------------------------------------------------
def linearisation_error(f_initial, f_final, f_tangent) -> float:
    """ε_lin = ‖f_θT - [f_θ0 + J_θ0(θ_T - θ_0)]‖ / ‖f_θT - f_θ0‖ (Lee et al. 2019; Chizat et al.'s lazy regime).

    0: the trained function is what the tangent model at initialisation predicts (linear in the parameters);
    ~1 or more: training went far outside the linear regime.
    """
    f0, f1, lin = (np.asarray(a, dtype=float) for a in (f_initial, f_final, f_tangent))
    for name, a in (("f_initial", f0), ("f_final", f1), ("f_tangent", lin)):
        if not np.all(np.isfinite(a)):
            raise MeasureError(f"{name} holds NaN or infinite values: a diverged run cannot be linearised")
    change = np.linalg.norm(f1 - f0)
    if change == 0:
        raise MeasureError("the function did not change (frozen or closed system): the linearisation error is 0/0")
    return float(np.linalg.norm(f1 - lin) / change)


def network_linearisation(system, theta_final=None, h: float = 1e-4) -> float:
    """ε_lin of a NetworkSystem's logits on its probe, the tangent by a central difference J·Δθ ≈ [f(θ0+hΔ) - f(θ0-hΔ)]/2h."""
    theta_final = system.parameters() if theta_final is None else theta_final
    theta0 = system.theta0
    step = theta_final - theta0
    try:
        f1 = system.logits()
        system.set_parameters(theta0)
        f0 = system.logits()
        system.set_parameters(theta0 + h * step)
        plus = system.logits()
        system.set_parameters(theta0 - h * step)
        minus = system.logits()
    finally:
        system.set_parameters(theta_final)
    return linearisation_error(f0, f1, f0 + (plus - minus) / (2 * h))


def superposition_error(base, response_a, response_b, response_ab) -> float:
    """‖R(a+b) - R(a) - R(b)‖ / (‖R(a)‖ + ‖R(b)‖), R(p) = x_p - x_base: 0 for a linear system (notes #24)."""
    x0, xa, xb, xab = (
        as_series(r, "response", min_length=2, allow_constant=True) for r in (base, response_a, response_b, response_ab)
    )
    ra, rb, rab = xa - x0, xb - x0, xab - x0
    scale = np.linalg.norm(ra) + np.linalg.norm(rb)
    if scale == 0:
        raise MeasureError("the perturbations changed nothing: the superposition test is 0/0")
    return float(np.linalg.norm(rab - ra - rb) / scale)


def hive_superposition(system, start: int = 600, duration: int = 240, delta: float = 3.0, ticks: int = 1200) -> float:
    """Superposition test on a hive: warm spells of +delta and +delta °C, alone and together (common random numbers)."""

    def trajectory(extra):
        hive = system.fresh(heat_wave=None if extra == 0 else (start, duration, extra))
        out = np.empty(ticks)
        for t in range(ticks):
            hive.step()
            out[t] = hive.temperature
        return out[start:]

    base, one = trajectory(0.0), trajectory(delta)
    return superposition_error(base, one, one, trajectory(2 * delta))


# --- emergence --------------------------------------------------------------------------------------
def linear_cka(x, y) -> float:
    """Linear CKA = ‖Yᵀ X‖²_F / (‖Xᵀ X‖_F ‖Yᵀ Y‖_F) on column-centred (examples × features) matrices (Kornblith 2019).

    1 for a representation and any rotation or isotropic scaling of it; near 0 for unrelated ones.
    """
    a = as_panel(x, "x", min_length=3, allow_constant_columns=True)
    b = as_panel(y, "y", min_length=3, allow_constant_columns=True)
    if len(a) != len(b):
        raise MeasureError(f"CKA compares representations of the same examples: {len(a)} vs {len(b)} rows")
    a, b = a - a.mean(axis=0), b - b.mean(axis=0)
    denominator = np.linalg.norm(a.T @ a) * np.linalg.norm(b.T @ b)
    if denominator == 0:
        raise MeasureError("a representation is constant over the examples: CKA is undefined")
    return float(np.linalg.norm(b.T @ a) ** 2 / denominator)


def cka_across(representations) -> float:
    """Mean linear CKA over all pairs of representations (e.g. the same network trained from different seeds)."""
    reps = list(representations)
    if len(reps) < 2:
        raise MeasureError("CKA across runs needs at least two runs")
    return float(np.mean([linear_cka(reps[i], reps[j]) for i in range(len(reps)) for j in range(i + 1, len(reps))]))


def psi_test(micro, macro, tau: int = 1, n_null: int = 9, rng=0) -> dict:
    """Rosas' Ψ (Gaussian) of a coarse-graining, against Ψ on time-shuffled copies (the same permutation for X and V).

    Shuffling time keeps V = f(X) at each moment but removes all dynamics, so the null is the estimator's bias;
    excess = Ψ - null mean. Micro columns that never change are dropped first (they carry no information).
    """
    x = as_panel(micro, "micro", min_length=20, allow_constant_columns=True)
    x = x[:, np.ptp(x, axis=0) > 0]
    v = as_series(macro, "macro", min_length=20)
    value = psi(x, v, tau=tau)
    generator = np.random.default_rng(rng)
    null = []
    for _ in range(n_null):
        order = generator.permutation(len(v))
        null.append(psi(x[order], v[order], tau=tau))
    return {
        "psi": value,
        "null_mean": float(np.mean(null)),
        "excess": value - float(np.mean(null)),
        "parts": x.shape[1],
    }


def most_active(activity, k: int = 20) -> np.ndarray:
    """Indices of the k agents whose activity changes most often (ties: lowest index first)."""
    x = np.asarray(activity, dtype=float)
    changes = np.count_nonzero(np.diff(x, axis=0), axis=0)
    return np.argsort(-changes, kind="stable")[:k]
