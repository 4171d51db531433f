"""The mean-field theory (model/meanfield.py) beside the agents: signals measured neuron by neuron.

Every number here is read off a `NetworkModel`'s own registers after its neurons have fired: the
preactivations `signals.z` of a forward wave and the backward signals `signals.delta` of a backward wave,
never recomputed by a formula. The theory stands beside them, column by column.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import pandas as pd

from model import architectures, meanfield
from model.datasets import Dataset
from model.executors import EXECUTORS
from model.initialisation import initial_parameters
from model.network import NetworkModel

COLUMNS = ("width", "depth", "sigma_w2", "sigma_b2", "seed", "layer", "q", "c", "q_theory", "c_theory",
           "delta_ratio", "chi", "chi_1", "c_star", "xi_c")


def check_run(width=512, depth=30, sigma_w2=1.0, sigma_b2=0.0, c0=0.6, q0=None, activation="tanh",
              executor="vectorized", seeds=5, pairs=8):
    """ValueError naming the problem, before any network is built."""
    meanfield.check(sigma_w2, sigma_b2, activation)
    for name, value in (("width", width), ("depth", depth), ("pairs", pairs)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{name} must be a whole number >= 1, got {value!r}")
    if isinstance(c0, bool) or not isinstance(c0, (int, float, np.floating)) or not -1.0 <= c0 <= 1.0:
        raise ValueError(f"c0 (the inputs' correlation) must be a number in [-1, 1], got {c0!r}")
    if q0 is not None and (isinstance(q0, bool) or not isinstance(q0, (int, float, np.floating))
                           or not math.isfinite(q0) or q0 <= 0):
        raise ValueError(f"q0 (the inputs' length) must be a finite number > 0, got {q0!r}")
    if executor not in EXECUTORS:
        raise ValueError(f"unknown executor {executor!r}; valid ones are: {', '.join(EXECUTORS)}")
    return seed_list(seeds)


def seed_list(seeds) -> list[int]:
    """seeds=5 means seeds 0..4; a sequence is taken as it is."""
    if isinstance(seeds, (int, np.integer)) and not isinstance(seeds, bool):
        if seeds < 1:
            raise ValueError(f"seeds must be >= 1 (or a list of seeds), got {seeds}")
        return list(range(int(seeds)))
    if isinstance(seeds, Sequence) and seeds and all(isinstance(s, (int, np.integer)) for s in seeds):
        return [int(s) for s in seeds]
    raise ValueError(f"seeds must be a number >= 1 or a list of whole-number seeds, got {seeds!r}")


def input_length(sigma_w2, sigma_b2, activation="tanh") -> float:
    """The q⁰ for which the first layer's length is q* (so every layer sits at the fixed point from the start)."""
    q = meanfield.q_star(sigma_w2, sigma_b2, activation)
    return max((q - sigma_b2) / sigma_w2, 1e-12)


@lru_cache(maxsize=2)
def _network(width, depth, n_in, activation, executor):
    """A layered network of neuron agents, built once and re-initialised per seed (building is the slow part)."""
    structure = architectures.layered_structure([n_in, *([width] * depth), width])
    x = np.zeros((2, n_in))
    y = np.zeros((2, width))
    model = NetworkModel(graph=structure, dataset=Dataset("pairs", x, y, x, y, "regression"), loss="mse",
                         activation=activation, output_activation="identity", init="normal", batch_size=2,
                         executor=executor, eval_every=10**9, rng=0)
    return model, threading.Lock()


def initialise(model, seed, sigma_w2, sigma_b2):
    """Redraw every weight and bias as NetworkModel(init='normal', rng=seed) would draw them."""
    weight, bias = initial_parameters("normal", None, model.structure, np.random.default_rng(seed), sigma_w2, sigma_b2)
    model.params.weight[:] = weight
    model.params.bias[:] = bias


def probe_inputs(n_in, pairs, q0, c0, rng) -> np.ndarray:
    """`pairs` pairs of inputs (rows 2p, 2p+1), each of length x·x/n_in = q⁰ exactly and correlation c⁰ exactly."""
    x = np.empty((2 * pairs, n_in))
    for p in range(pairs):
        basis, _ = np.linalg.qr(rng.standard_normal((n_in, 2)))
        e1, e2 = basis[:, 0], basis[:, 1] if n_in > 1 else basis[:, 0]
        x[2 * p] = e1
        x[2 * p + 1] = c0 * e1 + math.sqrt(max(1.0 - c0 * c0, 0.0)) * e2
    return x * math.sqrt(n_in * q0)


def measure(model, x, error) -> dict[str, np.ndarray]:
    """Let the agents' forward and backward signals travel; per hidden layer: q, c, ‖δ^l‖²/‖δ^(l+1)‖².

    q^l is the mean of h² over the layer's neurons and the inputs, c^l the correlation across the neurons of
    each pair's preactivations (mean over pairs); the error is written into the output neurons' registers as
    the environment writes dL/dŷ.
    """
    signals, env = model.signals, model.environment
    with signals.scratch(len(x)), np.errstate(all="ignore"):
        env.present(x)
        model.forward_phase()
        signals.error[-1, env.outputs] = error.T
        model.backward_phase()
        z, delta = signals.z[1], signals.delta[1]
        layers = [slice(wave[0], wave[-1] + 1) for wave in model.structure.waves]
        q, c, power = [], [], []
        for layer in layers:
            h = z[layer]
            q.append(float(np.mean(h * h)))
            h1, h2 = h[:, 0::2], h[:, 1::2]
            c.append(float(np.mean(np.sum(h1 * h2, 0) / np.sqrt(np.sum(h1 * h1, 0) * np.sum(h2 * h2, 0)))))
            power.append(float(np.vdot(delta[layer], delta[layer])))
    power = np.array(power)
    return {"q": np.array(q[:-1]), "c": np.array(c[:-1]), "delta_ratio": power[:-1] / power[1:]}


def propagation(width=512, depth=30, sigma_w2=1.0, sigma_b2=0.05, c0=0.6, seeds=5, executor="vectorized",
                q0=None, pairs=8, activation="tanh") -> pd.DataFrame:
    """q, c and ‖δ^l‖²/‖δ^(l+1)‖² per hidden layer and seed, measured on the agents, beside the theory.

    Layered networks width → width×depth → width (tanh hidden layers, identity outputs), `init='normal'`;
    `pairs` pairs of inputs of length q⁰ (default: the one that puts layer 1 at q*) and correlation c0;
    a standard normal error at the outputs. One row per layer and seed.
    """
    seeds = check_run(width, depth, sigma_w2, sigma_b2, c0, q0, activation, executor, seeds, pairs)
    q0 = input_length(sigma_w2, sigma_b2, activation) if q0 is None else float(q0)
    n_in = max(width, 2)
    model, lock = _network(width, depth, n_in, activation, executor)
    q_th, c_th, chi_th = meanfield.layers(depth, sigma_w2, sigma_b2, q0, c0, activation)
    theory = dict(chi_1=meanfield.chi_1(sigma_w2, sigma_b2, activation),
                  c_star=meanfield.c_star(sigma_w2, sigma_b2, activation),
                  xi_c=meanfield.depth_scale(sigma_w2, sigma_b2, activation))
    frames = []
    with lock:
        for seed in seeds:
            initialise(model, seed, sigma_w2, sigma_b2)
            rng = np.random.default_rng([seed, 1])  # the probes' own stream, apart from the weights'
            x = probe_inputs(n_in, pairs, q0, c0, rng)
            measured = measure(model, x, rng.standard_normal((len(x), width)))
            frames.append(pd.DataFrame({
                "width": width, "depth": depth, "sigma_w2": float(sigma_w2), "sigma_b2": float(sigma_b2),
                "seed": seed, "layer": np.arange(1, depth + 1), **measured,
                "q_theory": q_th, "c_theory": c_th, "chi": chi_th, **theory,
            }))
    return pd.concat(frames, ignore_index=True)[list(COLUMNS)]


def fit_depth_scale(layer, deviation, first=1, floor=0.0) -> float:
    """ξ from a least-squares fit of ln|c^l - c*| = a - l/ξ over layers ≥ `first`, up to the first one at or
    below `floor` (the noise); nan with fewer than three points, inf if the deviation does not decay."""
    layer, deviation = np.asarray(layer, dtype=float), np.abs(np.asarray(deviation, dtype=float))
    keep = layer >= first
    layer, deviation = layer[keep], deviation[keep]
    below = np.flatnonzero(deviation <= floor)
    stop = below[0] if len(below) else len(layer)
    if stop < 3:
        return math.nan
    slope = np.polyfit(layer[:stop], np.log(deviation[:stop]), 1)[0]
    return math.inf if slope >= 0 else -1.0 / slope
