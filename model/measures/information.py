"""Information-theoretic estimators, in bits: entropy, mutual information, transfer entropy, Ψ and Δ.

Two estimators, each a few lines and tested on textbook cases (tests/test_measures_information.py):

- "gaussian": the linear-Gaussian estimator, from covariance determinants. For transfer entropy this is
  Granger causality / 2 (Barnett, Barrett & Seth, PRL 103:238701, 2009). Exact for Gaussian processes; for
  others it measures the linear part of the dependence.
- "discrete": the plug-in estimator on integer states (continuous series are cut into equal-count bins
  first). Exact as the sample grows; biased upward on short series, which is why every statistic is shown
  against a shuffle null (`null_distribution`).

Everything refuses bad input (too short, constant, NaN) with a MeasureError, a ValueError.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from model.measures.series import MeasureError, as_panel, as_series

LOG2E = 1.0 / math.log(2.0)
ESTIMATORS = ("gaussian", "discrete")


# --- Gaussian ------------------------------------------------------------------------------------
def _logdet(cov: np.ndarray, what: str) -> float:
    sign, value = np.linalg.slogdet(np.atleast_2d(cov))
    if sign <= 0 or not np.isfinite(value):
        raise MeasureError(
            f"the covariance of {what} is singular: some variables are (nearly) exact linear functions "
            "of others; drop the redundant ones or use estimator='discrete'"
        )
    return value


def gaussian_entropy(x) -> float:
    """H(X) = ½ log2((2πe)^k det Σ) of a (T, k) sample, in bits (differential entropy)."""
    x = as_panel(x, "x")
    k = x.shape[1]
    return 0.5 * LOG2E * (k * math.log(2 * math.pi * math.e) + _logdet(np.cov(x, rowvar=False), "x"))


def gaussian_cmi(x, y, z=None) -> float:
    """I(X;Y|Z) = ½ log2(det Σ_xz det Σ_yz / (det Σ_z det Σ_xyz)) in bits; I(X;Y) when z is None."""
    x, y = as_panel(x, "x"), as_panel(y, "y")
    parts = [x, y] if z is None else [x, y, as_panel(z, "z")]
    if len({len(p) for p in parts}) != 1:
        raise MeasureError(f"x, y (and z) must have the same length, got {[len(p) for p in parts]}")
    joint = np.hstack(parts)
    cov = np.cov(joint, rowvar=False).reshape(joint.shape[1], joint.shape[1])
    kx, ky = x.shape[1], y.shape[1]
    ix, iy, iz = np.arange(kx), np.arange(kx, kx + ky), np.arange(kx + ky, joint.shape[1])

    def logdet(idx, what):
        return _logdet(cov[np.ix_(idx, idx)], what) if len(idx) else 0.0

    value = (
        logdet(np.r_[ix, iz], "x,z")
        + logdet(np.r_[iy, iz], "y,z")
        - logdet(iz, "z")
        - logdet(np.r_[ix, iy, iz], "x,y,z")
    )
    return max(0.5 * LOG2E * value, 0.0)  # round-off can give -1e-16


# --- discrete (plug-in) ---------------------------------------------------------------------------
def discretise(x, bins: int = 3) -> np.ndarray:
    """Equal-count (quantile) bins 0..bins-1 of a series; a series with few distinct values keeps them as states."""
    x = as_series(x, "series to discretise", min_length=bins)
    values = np.unique(x)
    if len(values) <= bins:
        return np.searchsorted(values, x)
    ranks = np.argsort(np.argsort(x, kind="stable"), kind="stable")
    return (ranks * bins // len(x)).astype(np.int64)


def _codes(x) -> np.ndarray:
    """One integer state per row of an integer (T, k) array."""
    a = np.asarray(x)
    if a.ndim == 1:
        a = a[:, None]
    if not np.issubdtype(a.dtype, np.integer):
        if not np.all(np.isfinite(a)) or not np.all(a == np.round(a)):
            raise MeasureError("estimator='discrete' needs integer states: discretise continuous series first")
        a = a.astype(np.int64)
    return np.unique(a, axis=0, return_inverse=True)[1].ravel()


def _entropy_codes(codes: np.ndarray) -> float:
    p = np.bincount(codes) / len(codes)
    p = p[p > 0]
    return float(-(p * np.log2(p)).sum())


def discrete_entropy(x) -> float:
    """Plug-in Shannon entropy H(X) in bits of integer states (rows of a (T, k) array are joint states)."""
    return _entropy_codes(_codes(x))


def discrete_cmi(x, y, z=None) -> float:
    """Plug-in I(X;Y|Z) = H(X,Z) + H(Y,Z) - H(Z) - H(X,Y,Z) in bits; I(X;Y) when z is None."""
    cx, cy = _codes(x), _codes(y)
    if len(cx) != len(cy) or (z is not None and len(_codes(z)) != len(cx)):
        raise MeasureError("x, y (and z) must have the same length")
    if z is None:
        value = _entropy_codes(cx) + _entropy_codes(cy) - _entropy_codes(_pair(cx, cy))
    else:
        cz = _codes(z)
        value = (
            _entropy_codes(_pair(cx, cz))
            + _entropy_codes(_pair(cy, cz))
            - _entropy_codes(cz)
            - _entropy_codes(_pair(_pair(cx, cy), cz))
        )
    return max(value, 0.0)


def _pair(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return a.astype(np.int64) * (int(b.max()) + 1) + b


def mutual_information(x, y, z=None, estimator: str = "gaussian") -> float:
    """I(X;Y|Z) in bits by the chosen estimator."""
    if estimator == "gaussian":
        return gaussian_cmi(x, y, z)
    if estimator == "discrete":
        return discrete_cmi(x, y, z)
    raise ValueError(f"estimator must be one of {ESTIMATORS}, not {estimator!r}")


# --- transfer entropy --------------------------------------------------------------------------------
def transfer_entropy(
    source, target, lag: int = 1, history: int = 1, estimator: str = "gaussian", bins: int = 3
) -> float:
    """TE_{Y→X} = I(X_{t+1}; Y_{t+1-lag} | X_t, ..., X_{t+1-history}) in bits (Schreiber, PRL 85:461, 2000).

    How much the source's past (lag ticks back) tells about the target's next value beyond what the target's
    own past tells. The Gaussian estimator is Granger causality / 2 (Barnett et al. 2009); the discrete one
    cuts continuous series into `bins` equal-count bins.
    """
    if lag < 1 or history < 1:
        raise ValueError(f"lag and history must be >= 1, got lag={lag}, history={history}")
    need = max(lag, history) + 10
    y = as_series(source, "source", min_length=need)
    x = as_series(target, "target", min_length=need)
    if len(x) != len(y):
        raise MeasureError(f"source and target must have the same length, got {len(y)} and {len(x)}")
    if estimator == "discrete":
        x, y = discretise(x, bins), discretise(y, bins)
    start = max(lag, history)  # the first target index t+1 whose whole past is observed
    future = x[start:]
    past = np.column_stack([x[start - k : len(x) - k] for k in range(1, history + 1)])
    cause = y[start - lag : len(y) - lag]
    if estimator == "gaussian":  # the same formula as gaussian_cmi, as a partial correlation (faster)
        return _gaussian_te(future, cause, past)
    return mutual_information(future, cause, past, estimator=estimator)


def _gaussian_te(future: np.ndarray, cause: np.ndarray, past: np.ndarray) -> float:
    """-½ log2(1 - ρ²) with ρ the partial correlation of future and cause given past (= I(future; cause | past))."""
    design = np.column_stack([np.ones(len(past)), past])
    coef, *_ = np.linalg.lstsq(design, np.column_stack([future, cause]), rcond=None)
    residual = np.column_stack([future, cause]) - design @ coef
    scale = np.sqrt((residual**2).sum(axis=0))
    reference = np.sqrt(((np.column_stack([future, cause]) - np.mean([future, cause], axis=1)) ** 2).sum(axis=0))
    if np.any(scale <= 1e-12 * np.maximum(reference, 1e-300)):
        raise MeasureError(
            "the target's next value or the source is an exact linear function of the target's past "
            "over the window used (constant or deterministic): TE is undefined"
        )
    rho = float(residual[:, 0] @ residual[:, 1] / (scale[0] * scale[1]))
    return max(-0.5 * LOG2E * math.log1p(-min(rho * rho, 1 - 1e-15)), 0.0)


def null_distribution(
    statistic: Callable[[np.ndarray], float], source, n: int = 19, rng=None, min_shift: int | None = None
) -> np.ndarray:
    """`statistic(shifted source)` over n random circular shifts of the source (its autocorrelation kept).

    A circular shift keeps everything about the source but its alignment with the target, so the values are
    what the estimator reads when there is no coupling: its bias on this length of series.
    """
    y = np.asarray(source)
    rng = np.random.default_rng(rng)
    min_shift = max(1, len(y) // 10) if min_shift is None else min_shift
    if len(y) < 2 * min_shift + 1:
        raise MeasureError(f"source too short ({len(y)}) for circular-shift surrogates")
    shifts = rng.integers(min_shift, len(y) - min_shift, size=n)
    return np.array([statistic(np.roll(y, s)) for s in shifts])


def transfer_entropy_test(source, target, lags=(1,), n_null: int = 19, rng=None, **options) -> dict:
    """TE maximised over `lags`, against the same maximum on circular-shift surrogates of the source.

    Returns {"te", "null_mean", "null_sd", "excess" (te - null mean), "p" (rank p-value), "lag"}.
    """

    def best(src):
        return max(transfer_entropy(src, target, lag=lag, **options) for lag in lags)

    values = [transfer_entropy(source, target, lag=lag, **options) for lag in lags]
    te = max(values)
    null = null_distribution(best, source, n=n_null, rng=rng)
    return {
        "te": te,
        "null_mean": float(null.mean()),
        "null_sd": float(null.std()),
        "excess": te - float(null.mean()),
        "p": (1 + int(np.sum(null >= te))) / (n_null + 1),
        "lag": list(lags)[int(np.argmax(values))],
    }


# --- multivariate ----------------------------------------------------------------------------------
def total_correlation(x) -> float:
    """Gaussian TC = Σ H(X_i) - H(X) = -½ log2 det(correlation matrix), in bits (Watanabe 1960)."""
    x = as_panel(x, "x")
    corr = np.corrcoef(x, rowvar=False).reshape(x.shape[1], x.shape[1])
    return max(-0.5 * LOG2E * _logdet(corr, "x"), 0.0)


def participation_ratio(x) -> float:
    """PR = (Σλ)² / Σλ² of the covariance eigenvalues λ: how many independent directions the data use.

    1 when one direction carries everything, k for k uncorrelated equal-variance variables (Gao et al. 2017).
    """
    x = as_panel(x, "x", min_length=2, allow_constant_columns=True)
    lam = np.clip(np.linalg.eigvalsh(np.cov(x, rowvar=False).reshape(x.shape[1], x.shape[1])), 0.0, None)
    if lam.sum() == 0:
        raise MeasureError("every variable is constant: the participation ratio is undefined")
    return float(lam.sum() ** 2 / (lam**2).sum())


def psi(micro, macro, tau: int = 1, estimator: str = "gaussian") -> float:
    """Rosas' Ψ = I(V_t; V_{t+τ}) - Σ_j I(X^j_t; V_{t+τ}), in bits.

    Ψ > 0 is sufficient for causal emergence of the macro variable V = f(X): V predicts its own future better
    than all the micro parts X^j do separately (Rosas et al., PLoS Comput Biol 16:e1008289, 2020). Redundant
    parts are counted once each, so Ψ depends on the coarse-graining of the micro level: report
    which one, and compare with a shuffle null.
    """
    x = as_panel(micro, "micro", min_length=tau + 10)
    v = as_series(macro, "macro", min_length=tau + 10)
    if len(v) != len(x):
        raise MeasureError(f"micro and macro must have the same length, got {len(x)} and {len(v)}")
    future = v[tau:]
    whole = mutual_information(v[:-tau], future, estimator=estimator)
    parts = sum(mutual_information(x[:-tau, j], future, estimator=estimator) for j in range(x.shape[1]))
    return whole - parts


def downward_delta(micro, macro, tau: int = 1, estimator: str = "gaussian") -> float:
    """Rosas' Δ = max_j [I(V_t; X^j_{t+τ}) - Σ_i I(X^i_t; X^j_{t+τ})], in bits; Δ > 0: downward causation."""
    x = as_panel(micro, "micro", min_length=tau + 10)
    v = as_series(macro, "macro", min_length=tau + 10)
    if len(v) != len(x):
        raise MeasureError(f"micro and macro must have the same length, got {len(x)} and {len(v)}")
    best = -math.inf
    for j in range(x.shape[1]):
        target = x[tau:, j]
        value = mutual_information(v[:-tau], target, estimator=estimator)
        value -= sum(mutual_information(x[:-tau, i], target, estimator=estimator) for i in range(x.shape[1]))
        best = max(best, value)
    return best
