"""Macro dynamics: does a macro variable predict its own future as well as the micro state it coarse-grains?

A macro variable V = f(X) is *informationally closed* when knowing the micro state X_t adds nothing to V_t
about V_{t+1}: I(V_{t+1}; X_t | V_t) = 0 (Bertschinger, Olbrich, Ay & Jost, "Information and closure in
systems theory", 2006; Pfante et al., "Comparison between different methods of level identification",
Adv. Complex Syst. 17, 2014). Then V has a dynamics of its own, a law at its scale. The linear-Gaussian
estimator of `model.measures.information` is used throughout, in bits.

`closure` returns the gap and two readable ratios; `emergence_across_scales` sets Rosas' Ψ and Δ beside it
for several coarse-grainings of the same micro series. A validated case: in x_{t+1} = A x_t + ε, the mean
m = 1ᵀx/n is closed exactly when 1 is a left eigenvector of A (1ᵀA = λ1ᵀ: then m_{t+1} = λ m_t + mean(ε)),
and not otherwise (tests/test_measures_scales.py).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from model.measures.information import LOG2E, downward_delta, gaussian_cmi, psi
from model.measures.series import MeasureError, as_panel, as_series


def _usable(micro) -> np.ndarray:
    """The micro panel with constant columns dropped."""
    x = as_panel(micro, "micro", min_length=20, allow_constant_columns=True)
    x = x[:, np.ptp(x, axis=0) > 0]
    if x.shape[1] == 0:
        raise MeasureError("every micro variable is constant: closure is undefined")
    return x


def independent_columns(x) -> np.ndarray:
    """The columns of x that span its column space (after centring), found by rank-revealing QR."""
    from scipy.linalg import qr

    centred = x - x.mean(axis=0)
    _, r, pivots = qr(centred, mode="economic", pivoting=True)
    diag = np.abs(np.diag(r))
    return x[:, np.sort(pivots[diag > 1e-9 * diag.max()])]


def r_squared(target, predictors) -> float:
    """R² of the least-squares fit of target on predictors (with an intercept)."""
    y = np.asarray(target, dtype=float)
    design = np.column_stack([np.ones(len(y)), np.asarray(predictors, dtype=float).reshape(len(y), -1)])
    coef, *_ = np.linalg.lstsq(design, y, rcond=None)
    residual = y - design @ coef
    total = np.sum((y - y.mean()) ** 2)
    if total == 0:
        raise MeasureError("the target is constant: R² is undefined")
    return float(1.0 - residual @ residual / total)


def closure(micro, macro, tau: int = 1, max_micro: int | None = None) -> dict:
    """How closed the macro variable V is with respect to the micro state X (Gaussian estimates, bits).

    - gap = I(V_{t+τ}; X_t | V_t): what the micro state adds about the macro's future (0: closed);
    - macro_information = I(V_{t+τ}; V_t), micro_information = I(V_{t+τ}; X_t, V_t);
    - ratio = macro / micro information (1: the macro's own past is all there is to know);
    - r2_macro, r2_micro: the same two predictions as least-squares R²;
    - bias = the expected gap of an estimate on this many steps when the true gap is 0 (k/(2T ln 2) bits
      for k micro dimensions: the χ²-limit of the Gaussian estimator), so compare gap with bias.
    Constant micro columns are dropped, and so are columns that are exact linear combinations of others;
    `max_micro` keeps only the leading principal components of X (for T not much larger than dim X).
    """
    x = _usable(micro)
    v = as_series(macro, "macro", min_length=tau + 20)
    if len(v) != len(x):
        raise MeasureError(f"micro and macro must have the same length, got {len(x)} and {len(v)}")
    if max_micro is not None and x.shape[1] > max_micro:
        centred = x - x.mean(axis=0)
        _, _, vt = np.linalg.svd(centred, full_matrices=False)
        x = centred @ vt[:max_micro].T
    future, now, past_micro = v[tau:], v[:-tau], x[:-tau]
    steps = len(future)
    if steps <= 2 * x.shape[1] + 10:
        raise MeasureError(
            f"closure needs many more steps ({steps}) than micro dimensions ({x.shape[1]}): "
            "record longer, coarse-grain the micro state, or pass max_micro"
        )
    joint = independent_columns(np.column_stack([now, past_micro]))  # V = f(X) may lie in X's span
    macro_info = gaussian_cmi(future, now)
    micro_info = max(gaussian_cmi(future, joint), macro_info)  # I(V'; X, V)
    gap = micro_info - macro_info  # chain rule: I(V'; X | V) = I(V'; X, V) - I(V'; V)
    r2_macro = r_squared(future, now)
    r2_micro = r_squared(future, np.column_stack([now, past_micro]))
    return {
        "gap": gap,
        "macro_information": macro_info,
        "micro_information": micro_info,
        "ratio": macro_info / micro_info if micro_info > 0 else math.nan,
        "r2_macro": r2_macro,
        "r2_micro": r2_micro,
        "micro_dimensions": int(x.shape[1]),
        "bias": (joint.shape[1] - 1) * LOG2E / (2 * steps),
    }


def corrected_psi(micro, macro, tau: int = 1) -> float:
    """Ψ + (n - 1)·min_j I(X^j_t; V_{t+τ}): Rosas et al.'s first-order correction for redundant parts.

    Plain Ψ counts information that all n parts share n times; the correction adds it back n - 1 times
    (Rosas et al., PLoS Comput Biol 16:e1008289, 2020, eq. 8).
    """
    x = as_panel(micro, "micro", min_length=tau + 10)
    v = as_series(macro, "macro", min_length=tau + 10)
    future = v[tau:]
    parts = [gaussian_cmi(x[:-tau, j], future) for j in range(x.shape[1])]
    return psi(x, v, tau=tau) + (x.shape[1] - 1) * min(parts)


def coarse_grain(micro, groups) -> np.ndarray:
    """The mean of each group of micro columns, (time × groups); `groups` is a list of column-index arrays."""
    x = np.asarray(micro, dtype=float)
    return np.column_stack([x[:, np.asarray(g, dtype=int)].mean(axis=1) for g in groups])


def emergence_across_scales(micro, scales: dict, macro, tau: int = 1, n_null: int = 9, rng=0) -> pd.DataFrame:
    """Ψ, corrected Ψ, Δ and closure of the macro variable, with the micro level cut at several scales.

    `scales` maps a name to a list of column groups of `micro` (each group averaged into one part); e.g.
    {"neurons": [[0], [1], ...], "layers": [[0..15], [16..31]]}. Ψ_null is Ψ on time-shuffled copies
    (the same permutation for parts and macro: V = f(X) kept, dynamics gone), so excess = Ψ - Ψ_null.
    """
    v = as_series(macro, "macro", min_length=tau + 20)
    generator = np.random.default_rng(rng)
    rows = []
    for name, groups in scales.items():
        parts = coarse_grain(micro, groups)
        parts = parts[:, np.ptp(parts, axis=0) > 0]
        if parts.shape[1] == 0:
            raise MeasureError(f"scale {name!r}: every part is constant")
        value = psi(parts, v, tau=tau)
        null = [
            psi(parts[order], v[order], tau=tau) for order in (generator.permutation(len(v)) for _ in range(n_null))
        ]
        try:
            delta = downward_delta(parts, v, tau=tau)
        except MeasureError:
            delta = math.nan
        try:
            gap = closure(parts, v, tau=tau)["gap"]
        except MeasureError:
            gap = math.nan
        rows.append(
            {
                "scale": name,
                "parts": parts.shape[1],
                "psi": value,
                "psi_corrected": corrected_psi(parts, v, tau),
                "psi_null": float(np.mean(null)),
                "psi_excess": value - float(np.mean(null)),
                "delta": delta,
                "closure_gap": gap,
            }
        )
    return pd.DataFrame(rows)


def linear_system(matrix, steps: int = 5000, noise: float = 1.0, rng=0, burn_in: int = 200) -> np.ndarray:
    """A sample path x_{t+1} = A x_t + ε, ε ~ N(0, noise² I), after `burn_in` steps: (steps × n)."""
    a = np.asarray(matrix, dtype=float)
    rng = np.random.default_rng(rng)
    x = np.zeros(a.shape[0])
    out = np.empty((steps, a.shape[0]))
    for t in range(steps + burn_in):
        x = a @ x + noise * rng.standard_normal(a.shape[0])
        if t >= burn_in:
            out[t - burn_in] = x
    return out
