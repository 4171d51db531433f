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

COLUMNS = (
    "width",
    "depth",
    "pairs",
    "sigma_w2",
    "sigma_b2",
    "seed",
    "layer",
    "q",
    "c",
    "q_theory",
    "c_theory",
    "delta_ratio",
    "chi",
    "chi_1",
    "c_star",
    "xi_c",
)


def check_run(
    width=512,
    depth=30,
    sigma_w2=1.0,
    sigma_b2=0.0,
    c0=0.6,
    q0=None,
    activation="tanh",
    executor="vectorized",
    seeds=5,
    pairs=8,
):
    """ValueError naming the problem, before any network is built."""
    meanfield.check(sigma_w2, sigma_b2, activation)
    for name, value in (("width", width), ("depth", depth), ("pairs", pairs)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{name} must be a whole number >= 1, got {value!r}")
    if isinstance(c0, bool) or not isinstance(c0, (int, float, np.floating)) or not -1.0 <= c0 <= 1.0:
        raise ValueError(f"c0 (the inputs' correlation) must be a number in [-1, 1], got {c0!r}")
    if q0 is not None and (
        isinstance(q0, bool) or not isinstance(q0, (int, float, np.floating)) or not math.isfinite(q0) or q0 <= 0
    ):
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
    structure = architectures.layered([n_in, *([width] * depth), width], as_edges=True)
    x = np.zeros((2, n_in))
    y = np.zeros((2, width))
    model = NetworkModel(
        graph=structure,
        dataset=Dataset("pairs", x, y, x, y, "regression"),
        loss="mse",
        activation=activation,
        output_activation="identity",
        init="normal",
        batch_size=2,
        executor=executor,
        eval_every=10**9,
        rng=0,
    )
    return model, threading.Lock()


def initialise(model, seed, sigma_w2, sigma_b2):
    """Redraw every weight and bias as NetworkModel(init='normal', rng=seed) would draw them."""
    weight, bias = initial_parameters("normal", model.structure, np.random.default_rng(seed), sigma_w2, sigma_b2)
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


def propagation(
    width=512,
    depth=30,
    sigma_w2=1.0,
    sigma_b2=0.05,
    c0=0.6,
    seeds=5,
    executor="vectorized",
    q0=None,
    pairs=8,
    activation="tanh",
) -> pd.DataFrame:
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
    theory = dict(
        chi_1=meanfield.chi_1(sigma_w2, sigma_b2, activation),
        c_star=meanfield.c_star(sigma_w2, sigma_b2, activation),
        xi_c=meanfield.depth_scale(sigma_w2, sigma_b2, activation),
    )
    frames = []
    with lock:
        for seed in seeds:
            initialise(model, seed, sigma_w2, sigma_b2)
            rng = np.random.default_rng([seed, 1])  # the probes' own stream, apart from the weights'
            x = probe_inputs(n_in, pairs, q0, c0, rng)
            measured = measure(model, x, rng.standard_normal((len(x), width)))
            frames.append(
                pd.DataFrame(
                    {
                        "width": width,
                        "depth": depth,
                        "pairs": pairs,
                        "sigma_w2": float(sigma_w2),
                        "sigma_b2": float(sigma_b2),
                        "seed": seed,
                        "layer": np.arange(1, depth + 1),
                        **measured,
                        "q_theory": q_th,
                        "c_theory": c_th,
                        "chi": chi_th,
                        **theory,
                    }
                )
            )
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


def phase_diagram(
    sigma_w2s=None,
    sigma_b2s=None,
    widths=(256,),
    depth=30,
    seeds=1,
    pairs=8,
    c0=0.6,
    executor="vectorized",
    activation="tanh",
    progress=None,
) -> pd.DataFrame:
    """The depth to which correlations survive, measured on the agents and predicted, over a (σ_w², σ_b²) grid.

    One row per width, grid point and seed: `xi_measured`, ξ fitted to the agents' |c^l - c*| (layers above the
    sampling noise 4(1 - c*²)/√(width·pairs)), beside the theory's `xi_c`, `chi_1` and `c_star`. The default
    grid is 20 σ_w² in [0.5, 5] by 10 σ_b² in [0, 0.5]. `progress` is called once per grid point.
    """
    sigma_w2s = np.linspace(0.5, 5.0, 20) if sigma_w2s is None else np.atleast_1d(np.asarray(sigma_w2s, dtype=float))
    sigma_b2s = np.linspace(0.0, 0.5, 10) if sigma_b2s is None else np.atleast_1d(np.asarray(sigma_b2s, dtype=float))
    widths = [widths] if isinstance(widths, (int, np.integer)) else list(widths)
    for s_w in sigma_w2s:
        for s_b in sigma_b2s:
            meanfield.check(float(s_w), float(s_b), activation)
    for width in widths:
        check_run(width, depth, 1.0, 0.0, c0, None, activation, executor, seeds, pairs)
    rows = []
    for width in widths:
        for s_w in sigma_w2s:
            for s_b in sigma_b2s:
                frame = propagation(
                    width, depth, float(s_w), float(s_b), c0, seeds, executor, pairs=pairs, activation=activation
                )
                c_star = float(frame.c_star.iloc[0])
                floor = max(1e-12, 4 * (1 - c_star**2) / math.sqrt(width * pairs))
                for seed, run in frame.groupby("seed"):
                    rows.append(
                        dict(
                            width=width,
                            sigma_w2=float(s_w),
                            sigma_b2=float(s_b),
                            seed=seed,
                            xi_measured=fit_depth_scale(run.layer, run.c - c_star, floor=floor),
                            xi_c=float(run.xi_c.iloc[0]),
                            chi_1=float(run.chi_1.iloc[0]),
                            c_star=c_star,
                        )
                    )
                if progress is not None:
                    progress()
    return pd.DataFrame(rows)


def digits_network(
    width=64,
    depth=30,
    sigma_w2=1.0,
    sigma_b2=0.05,
    learning_rate=0.01,
    batch_size=32,
    rng=0,
    executor="vectorized",
    activation="tanh",
) -> NetworkModel:
    """A deep tanh network of neuron agents on the 8x8 digits, initialised by init='normal' (σ_w², σ_b²)."""
    check_run(width, depth, sigma_w2, sigma_b2, 0.0, None, activation, executor, 1, 1)
    structure = architectures.layered([64, *([width] * depth), 10], as_edges=True)
    return NetworkModel(
        graph=structure,
        dataset="digits",
        loss="cross_entropy",
        activation=activation,
        init="normal",
        sigma_w2=sigma_w2,
        sigma_b2=sigma_b2,
        learning_rate=learning_rate,
        batch_size=batch_size,
        executor=executor,
        eval_every=10**9,
        rng=rng,
    )


def train_loss(
    width=64,
    depth=30,
    sigma_w2=1.0,
    sigma_b2=0.05,
    steps=200,
    rng=0,
    learning_rate=0.01,
    batch_size=32,
    executor="vectorized",
) -> float:
    """The training-set loss of `digits_network(...)` after `steps` SGD steps (a run that diverges stops there)."""
    model = digits_network(width, depth, sigma_w2, sigma_b2, learning_rate, batch_size, rng, executor)
    for _ in range(steps):
        model.step()
        if not model.running:
            break
    return float(model.evaluate("train")["loss"])


def digit_pairs(model, pairs, rng) -> np.ndarray:
    """`pairs` pairs of training images of different classes (rows 2p, 2p+1)."""
    x, y = model.data.x_train, model.data.y_train
    rows = []
    while len(rows) < 2 * pairs:
        i, j = rng.choice(len(x), 2, replace=False)
        if y[i] != y[j]:
            rows += [i, j]
    return x[rows]


def after_training(
    width=64,
    depth=30,
    sigma_w2=1.0,
    sigma_b2=0.05,
    steps=300,
    seeds=3,
    c0=0.6,
    pairs=8,
    learning_rate=0.01,
    batch_size=32,
    executor="vectorized",
) -> pd.DataFrame:
    """The same measurements on a digits network at initialisation (steps = 0) and after `steps` SGD steps.

    Training makes the weights depend on each other and on the data, so the theory's assumption (i.i.d.
    weights) no longer holds; the columns q, c, delta_ratio show how far the agents move off `q_theory`,
    `c_theory`, `chi`, for two kinds of probe (column `probes`): "random", pairs of random inputs of length q⁰
    (the one that puts layer 1 at q*) and correlation c0, and "digits", pairs of training images of different
    classes, each pair's theory from its own lengths and correlation (averaged over the pairs). One row per
    `steps`, probe kind, seed and layer; `train_loss` is the training-set loss then.
    """
    seeds = check_run(width, depth, sigma_w2, sigma_b2, c0, None, "tanh", executor, seeds, pairs)
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 0:
        raise ValueError(f"steps must be a whole number >= 0, got {steps!r}")
    frames = []
    for seed in seeds:
        model = digits_network(width, depth, sigma_w2, sigma_b2, learning_rate, batch_size, seed, executor)
        rng = np.random.default_rng([seed, 1])
        probes = {
            "random": probe_inputs(64, pairs, input_length(sigma_w2, sigma_b2), c0, rng),
            "digits": digit_pairs(model, pairs, rng),
        }
        theory = {kind: _pair_theory(x, depth, sigma_w2, sigma_b2) for kind, x in probes.items()}
        error = rng.standard_normal((2 * pairs, 10))
        for done in (0, steps):
            while model.completed_steps < done and model.running:
                model.step()
            loss = float(model.evaluate("train")["loss"])
            for kind, x in probes.items():
                q_th, c_th, chi_th = theory[kind]
                frames.append(
                    pd.DataFrame(
                        {
                            "steps": done,
                            "probes": kind,
                            "seed": seed,
                            "layer": np.arange(1, depth + 1),
                            **measure(model, x, error),
                            "q_theory": q_th,
                            "c_theory": c_th,
                            "chi": chi_th,
                            "train_loss": loss,
                        }
                    )
                )
    return pd.concat(frames, ignore_index=True)


def _pair_theory(x, depth, sigma_w2, sigma_b2):
    """The theory's (q^l, c^l, χ^l) for each pair of rows of x from its own lengths and correlation, averaged."""
    n = x.shape[1]
    each = [
        meanfield.layers(
            depth,
            sigma_w2,
            sigma_b2,
            float(a @ a / n),
            float(a @ b / np.sqrt((a @ a) * (b @ b))),
            q0_other=float(b @ b / n),
        )
        for a, b in zip(x[0::2], x[1::2])
    ]
    return tuple(np.mean([t[k] for t in each], axis=0) for k in range(3))
