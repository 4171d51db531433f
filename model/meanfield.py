"""The mean-field theory of signal propagation in deep random networks, by Gauss-Hermite quadrature.

A layered network h^l = W^l φ(h^(l-1)) + b^l with W_ij ~ N(0, σ_w²/fan_in) and b_i ~ N(0, σ_b²) (the
`init="normal"` of model/initialisation.py). In the limit of infinite width each layer's preactivations
are Gaussian, and their length q^l and the correlation c^l of two inputs follow deterministic maps
(Poole, Lahiri, Raghu, Sohl-Dickstein & Ganguli, "Exponential expressivity in deep neural networks through
transient chaos", NeurIPS 2016, Sec. 2), whose fixed points and slopes set how deep signals and gradients
travel (Schoenholz, Gilmer, Ganguli & Sohl-Dickstein, "Deep information propagation", ICLR 2017, Secs. 3
and 5). Dz is the standard Gaussian measure; its integrals are Gauss-Hermite sums (numpy's `hermegauss`).

The experiments that put this theory beside the agents' own signals (`propagation`, `phase_diagram`,
`after_training`, `train_loss`) live in model/propagation.py and are importable from here.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
from numpy.polynomial.hermite_e import hermegauss
from scipy.optimize import brentq

NODES = 81  # quadrature nodes per dimension: the error is far below the agents' O(1/√N) sampling noise
_Z, _W = hermegauss(NODES)
_W = _W / _W.sum()  # weights of E f(z), z ~ N(0, 1)
_Z1, _Z2 = (a.ravel() for a in np.meshgrid(_Z, _Z, indexing="ij"))  # the 2-D product rule
_W12 = np.outer(_W, _W).ravel()


def _tanh(x):
    t = np.tanh(x)
    return t, 1.0 - t * t, -2.0 * t * (1.0 - t * t)


def _sigmoid(x):
    s = 0.5 * (1.0 + np.tanh(0.5 * x))
    return s, s * (1.0 - s), s * (1.0 - s) * (1.0 - 2.0 * s)


# φ, φ', φ'' of the activations the theory covers: bounded, smooth, so every length map has a fixed point.
ACTIVATIONS = {"tanh": _tanh, "sigmoid": _sigmoid}


def check(sigma_w2=1.0, sigma_b2=0.0, activation="tanh"):
    """ValueError naming the problem unless σ_w² > 0 and σ_b² ≥ 0 are finite and φ is one the theory covers."""
    for name, value, low in (("sigma_w2", sigma_w2, "> 0"), ("sigma_b2", sigma_b2, ">= 0")):
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
            raise ValueError(f"{name} must be a number {low}, got {value!r}")
        if not math.isfinite(value):
            raise ValueError(f"{name} must be finite, got {value!r}")
    if sigma_w2 <= 0:
        raise ValueError(f"sigma_w2 (the weight variance σ_w²) must be > 0, got {sigma_w2!r}")
    if sigma_b2 < 0:
        raise ValueError(f"sigma_b2 (the bias variance σ_b²) must be >= 0, got {sigma_b2!r}")
    if activation not in ACTIVATIONS:
        raise ValueError(
            f"the mean-field theory here covers the activations {', '.join(ACTIVATIONS)}, "
            f"not {activation!r} (an unbounded φ may have no fixed point of the length map)"
        )


def _correlation_arg(c):
    c = np.asarray(c, dtype=float)
    if not np.all(np.isfinite(c)) or np.any(np.abs(c) > 1):
        raise ValueError(f"a correlation c must lie in [-1, 1], got {c if c.ndim else float(c)!r}")
    return c


def _length_arg(q):
    q = np.asarray(q, dtype=float)
    if not np.all(np.isfinite(q)) or np.any(q < 0):
        raise ValueError(f"a length q must be finite and >= 0, got {q if q.ndim else float(q)!r}")
    return q


def gauss(f, q):
    """∫Dz f(√q z) for an array function f (q may be an array: one integral per entry)."""
    q = np.asarray(q, dtype=float)
    return f(np.sqrt(q)[..., None] * _Z) @ _W


def q_map(q, sigma_w2, sigma_b2, activation="tanh"):
    """Length map q^l = σ_w² ∫Dz φ(√q^(l-1) z)² + σ_b² (Poole et al. 2016, Sec. 2)."""
    check(sigma_w2, sigma_b2, activation)
    phi = ACTIVATIONS[activation]
    return sigma_w2 * gauss(lambda x: phi(x)[0] ** 2, _length_arg(q)) + sigma_b2


@lru_cache(maxsize=4096)
def _q_star(sigma_w2, sigma_b2, activation):
    phi = ACTIVATIONS[activation]

    def excess(q):
        return sigma_w2 * gauss(lambda x: phi(x)[0] ** 2, q) + sigma_b2 - q

    low = 0.0
    if excess(0.0) <= 0.0:  # φ(0) = 0 and σ_b² = 0: q = 0 is a fixed point; the only one unless it is unstable
        if sigma_w2 * float(phi(0.0)[1]) ** 2 <= 1.0:
            return 0.0
        low = 1e-200
    high = sigma_w2 * 1.0 + sigma_b2 + 1.0  # |φ| ≤ 1 for both activations, so the map stays below this
    return float(brentq(excess, low, high, xtol=1e-15, rtol=1e-14, maxiter=500))


def q_star(sigma_w2, sigma_b2, activation="tanh") -> float:
    """Fixed point q* = σ_w² ∫Dz φ(√q* z)² + σ_b² of the length map (Poole et al. 2016, Sec. 2)."""
    check(sigma_w2, sigma_b2, activation)
    return _q_star(float(sigma_w2), float(sigma_b2), activation)


def layer_step(c, q1, q2, sigma_w2, sigma_b2, activation="tanh"):
    """One layer of the two-input maps: (c, q₁₁, q₂₂) → (c', q₁₁', q₂₂'), by the 2-D product rule."""
    phi = ACTIVATIONS[activation]
    c, q1, q2 = (np.asarray(v, dtype=float)[..., None] for v in (c, q1, q2))
    u1 = np.sqrt(q1) * _Z1
    u2 = np.sqrt(q2) * (c * _Z1 + np.sqrt(np.maximum(1.0 - c * c, 0.0)) * _Z2)
    q12 = sigma_w2 * (phi(u1)[0] * phi(u2)[0]) @ _W12 + sigma_b2
    q1_next = sigma_w2 * phi(u1)[0] ** 2 @ _W12 + sigma_b2
    q2_next = sigma_w2 * phi(u2)[0] ** 2 @ _W12 + sigma_b2
    return np.clip(q12 / np.sqrt(q1_next * q2_next), -1.0, 1.0), q1_next, q2_next


def c_map(c, sigma_w2, sigma_b2, activation="tanh"):
    """Correlation map c^l = [σ_w² ∫Dz₁Dz₂ φ(u₁)φ(u₂) + σ_b²] / q*, u₁ = √q* z₁, u₂ = √q*(c z₁ + √(1-c²) z₂)
    (Poole et al. 2016, Sec. 2)."""
    check(sigma_w2, sigma_b2, activation)
    q = q_star(sigma_w2, sigma_b2, activation)
    if q == 0.0:
        return np.ones_like(_correlation_arg(c))  # every input maps to h = 0: all of them alike
    return layer_step(_correlation_arg(c), q, q, sigma_w2, sigma_b2, activation)[0]


@lru_cache(maxsize=4096)
def _c_star(sigma_w2, sigma_b2, activation):
    if _chi_1(sigma_w2, sigma_b2, activation) <= 1.0:
        return 1.0  # c = 1 is stable: the ordered phase
    q = _q_star(sigma_w2, sigma_b2, activation)

    def excess(c):
        return float(layer_step(c, q, q, sigma_w2, sigma_b2, activation)[0]) - c

    top = 1.0 - 1e-7
    if excess(top) >= 0.0:  # so close to the critical line that c* cannot be told from 1
        return 1.0
    if excess(0.0) <= 1e-13:  # σ_b² = 0 and φ odd: c = 0 is the fixed point (c = -1 is one too, unstable)
        return 0.0
    return float(brentq(excess, 0.0, top, xtol=1e-14, maxiter=500))


def c_star(sigma_w2, sigma_b2, activation="tanh") -> float:
    """Fixed point c* = c_map(c*): 1 in the ordered phase (χ₁ ≤ 1), below 1 in the chaotic phase (Poole et al.
    2016, Sec. 2)."""
    check(sigma_w2, sigma_b2, activation)
    return _c_star(float(sigma_w2), float(sigma_b2), activation)


@lru_cache(maxsize=4096)
def _chi_1(sigma_w2, sigma_b2, activation):
    phi = ACTIVATIONS[activation]
    return float(sigma_w2 * gauss(lambda x: phi(x)[1] ** 2, _q_star(sigma_w2, sigma_b2, activation)))


def chi_1(sigma_w2, sigma_b2, activation="tanh") -> float:
    """χ₁ = ∂c^l/∂c^(l-1) at c = 1 = σ_w² ∫Dz φ'(√q* z)² (Poole et al. 2016, Sec. 2; the gradients' gain per
    layer, Schoenholz et al. 2017, Sec. 5)."""
    check(sigma_w2, sigma_b2, activation)
    return _chi_1(float(sigma_w2), float(sigma_b2), activation)


def chi(q, sigma_w2, activation="tanh"):
    """σ_w² ∫Dz φ'(√q z)²: the backward gain ‖δ^l‖²/‖δ^(l+1)‖² at a layer of length q (χ₁ at q = q*)."""
    phi = ACTIVATIONS[activation]
    return sigma_w2 * gauss(lambda x: phi(x)[1] ** 2, _length_arg(q))


def critical_sigma_w2(sigma_b2, activation="tanh") -> float:
    """σ_w² on the critical line χ₁(σ_w², σ_b²) = 1, the edge of chaos (Poole et al. 2016, Sec. 2;
    Schoenholz et al. 2017, Sec. 3), by a root search."""
    check(1.0, sigma_b2, activation)
    return _critical(float(sigma_b2), activation)


@lru_cache(maxsize=1024)
def _critical(sigma_b2, activation):
    low, high = 1e-3, 2.0
    while _chi_1(high, sigma_b2, activation) <= 1.0:
        low, high = high, 2.0 * high
        if high > 1e6:
            raise ValueError(f"the theory finds no critical line for {activation} at sigma_b2={sigma_b2}")
    return float(brentq(lambda s: _chi_1(s, sigma_b2, activation) - 1.0, low, high, xtol=1e-13, maxiter=500))


def depth_scale(sigma_w2, sigma_b2, activation="tanh") -> float:
    """ξ_c = -1 / ln[σ_w² ∫Dz₁Dz₂ φ'(u₁*)φ'(u₂*)] at (q*, c*), = -1/ln χ₁ when c* = 1; |c^l - c*| ~ e^(-l/ξ_c)
    (Schoenholz et al. 2017, Sec. 3); infinite on the critical line."""
    check(sigma_w2, sigma_b2, activation)
    phi = ACTIVATIONS[activation]
    q, c = q_star(sigma_w2, sigma_b2, activation), c_star(sigma_w2, sigma_b2, activation)
    u1 = math.sqrt(q) * _Z1
    u2 = math.sqrt(q) * (c * _Z1 + math.sqrt(max(1.0 - c * c, 0.0)) * _Z2)
    slope = float(sigma_w2 * (phi(u1)[1] * phi(u2)[1]) @ _W12)
    return math.inf if slope >= 1.0 else -1.0 / math.log(slope)


def layers(depth, sigma_w2, sigma_b2, q0=1.0, c0=0.6, activation="tanh", q0_other=None):
    """The theory's (q^l, c^l, χ^l) for hidden layers l = 1..depth fed two inputs of lengths q⁰ (and `q0_other`,
    default q⁰) and correlation c⁰; q^l is the mean of the two lengths.

    The first layer sees the inputs themselves (no φ): q¹ = σ_w² q⁰ + σ_b², q¹₁₂ = σ_w² c⁰ √(q⁰₁q⁰₂) + σ_b²;
    then the maps. χ^l = σ_w² ∫Dz φ'(√q^l z)² is the backward gain ‖δ^l‖²/‖δ^(l+1)‖².
    """
    check(sigma_w2, sigma_b2, activation)
    q_other = q0 if q0_other is None else q0_other
    q1, q2, c = np.empty(depth), np.empty(depth), np.empty(depth)
    q1[0], q2[0] = sigma_w2 * q0 + sigma_b2, sigma_w2 * q_other + sigma_b2
    c[0] = (sigma_w2 * c0 * math.sqrt(q0 * q_other) + sigma_b2) / math.sqrt(q1[0] * q2[0]) if q1[0] * q2[0] > 0 else 1.0
    for layer in range(1, depth):
        c[layer] = float(
            layer_step([c[layer - 1]], [q1[layer - 1]], [q2[layer - 1]], sigma_w2, sigma_b2, activation)[0][0]
        )
        q1[layer], q2[layer] = (float(q_map(q, sigma_w2, sigma_b2, activation)) for q in (q1[layer - 1], q2[layer - 1]))
    q = 0.5 * (q1 + q2)
    return q, c, 0.5 * (chi(q1, sigma_w2, activation) + chi(q2, sigma_w2, activation))


def __getattr__(name):
    """The experiments on the agents (model/propagation.py), imported on first use."""
    if name in ("propagation", "phase_diagram", "after_training", "train_loss", "fit_depth_scale"):
        from model import propagation

        return getattr(propagation, name)
    raise AttributeError(f"module 'model.meanfield' has no attribute {name!r}")
