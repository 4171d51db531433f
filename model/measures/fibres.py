"""Fibres: the many microstates θ that share one macrostate (the same network function, the same test loss).

A macro property is a function on the state space; its fibre over a value is the set of states that give it
(Ladyman & Wiesner, What Is a Complex System? (2020), ch. 4). For a network the fibres are large:

- **hidden-neuron permutations.** Relabel the neurons of a hidden layer, each carrying its bias, its in-weights
  and its out-weights: the network computes the same function while θ moves far (Hecht-Nielsen 1990, "On the
  algebraic structure of feedforward network weight spaces"). In real arithmetic the outputs are equal; in
  float64 each neuron adds its inputs in the order of their ids, so the permuted network adds the same terms
  in another order and its outputs may differ by round-off (a few ulp). `exact_outputs` adds every neuron's
  inputs with a correctly rounded sum (math.fsum), which does not depend on the order: under it the outputs
  are bit for bit the same.
- **sign flips** of an odd activation (tanh): negate a neuron's in-weights, bias and out-weights. Every
  operation on it is negated exactly in IEEE arithmetic, so `model.predict` itself is bit for bit unchanged.
- **different seeds**: networks trained from different initialisations reach the same test loss from far-apart
  θ, with similar (not equal) representations; `seed_distances` sets θ distance beside CKA and loss distance.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

from model.measures.features import linear_cka
from model.measures.scales import hidden_layers, probe_activations
from model.measures.series import MeasureError

ODD = ("tanh", "identity")


# --- the permutation fibre ---------------------------------------------------------------------
def random_relabelling(model, rng=None) -> np.ndarray:
    """σ: a node relabelling that permutes the neurons of each hidden layer at random (σ[v] = v elsewhere)."""
    rng = np.random.default_rng(rng)
    sigma = np.arange(model.structure.n)
    for layer in hidden_layers(model):
        sigma[layer] = rng.permutation(layer)
    return sigma


def permuted_parameters(model, sigma) -> tuple[np.ndarray, np.ndarray]:
    """(weights, biases) of the network whose neuron σ(v) is neuron v: edge (σu, σv) gets w(u, v), bias(σv) = b(v).

    σ must map the graph onto itself (an automorphism: every edge (u, v) has an edge (σu, σv)), as any
    permutation within a fully connected layer does; a ValueError names the first edge it breaks otherwise.
    """
    s = model.structure
    sigma = np.asarray(sigma, dtype=int)
    if sorted(sigma.tolist()) != list(range(s.n)):
        raise ValueError(f"sigma must be a permutation of the {s.n} node ids, got {sigma.tolist()[:10]}...")
    moved = [v for v in range(s.n) if sigma[v] != v and s.roles[v] != "hidden"]
    if moved:
        raise ValueError(f"sigma may only move hidden neurons; it moves {moved[:5]}")
    index = model.edge_index
    weight = np.empty_like(model.params.weight)
    for e, (u, v) in enumerate(zip(s.src.tolist(), s.dst.tolist())):
        target = index.get((int(sigma[u]), int(sigma[v])))
        if target is None:
            raise ValueError(
                f"sigma is not a symmetry of this graph: edge ({u}, {v}) would become "
                f"({sigma[u]}, {sigma[v]}), which does not exist"
            )
        weight[target] = model.params.weight[e]
    bias = np.empty_like(model.params.bias)
    bias[sigma] = model.params.bias
    return weight, bias


def set_parameters(model, weight, bias) -> None:
    """Write weights and biases into the model in place (the neurons are views: they see the change)."""
    model.params.weight[:] = weight
    model.params.bias[:] = bias


def theta(model) -> np.ndarray:
    """θ: every weight then every bias, as one vector (a copy)."""
    return model.params.theta.copy()


def theta_distance(a, b) -> float:
    """‖θ_a - θ_b‖ / ‖θ_a‖: how far apart two parameter vectors are, relative to the first one's size."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.linalg.norm(a - b) / np.linalg.norm(a))


def exact_outputs(model, x) -> np.ndarray:
    """The network's outputs on x with every neuron's sum b + Σ w·a correctly rounded (math.fsum).

    Products w·a are the same floats whatever the neurons are called, and a correctly rounded sum of the same
    numbers is one float whatever their order, so this read-out is exactly invariant under relabelling.
    Feed-forward graphs (no delay edges) only.
    """
    s = model.structure
    if s.ticks_needed > 1:
        raise ValueError("exact_outputs reads feed-forward networks only (this one has delay edges)")
    x = np.asarray(x, dtype=float)
    out = np.empty((len(x), len(s.outputs)))
    incoming = [[] for _ in range(s.n)]
    for e, (u, v) in enumerate(zip(s.src.tolist(), s.dst.tolist())):
        incoming[v].append((u, float(model.params.weight[e])))
    order = [v for wave in s.waves for v in wave]
    activation = {v: model.neurons[v].activation for v in order}
    for row, example in enumerate(x):
        a = np.zeros(s.n)
        a[s.inputs] = example
        for v in order:
            z = math.fsum([float(model.params.bias[v]), *(w * a[u] for u, w in incoming[v])])
            a[v] = activation[v](np.array([z]))[0]
        out[row] = a[s.outputs]
    return out


def symmetry_group_size(model) -> float:
    """log10 of the number of θ the discrete symmetries map a generic θ to: Π over hidden layers of n!·2ⁿ (odd f).

    Counts only within-layer permutations of a fully connected layered network, and sign flips where the
    hidden activation is odd (tanh): a lower bound on the fibre, which also has continuous directions.
    """
    total = 0.0
    for layer in hidden_layers(model):
        n = len(layer)
        total += math.lgamma(n + 1) / math.log(10)
        if all(model.neurons[v].activation.name in ODD for v in layer):
            total += n * math.log10(2)
    return total


def sign_flipped_parameters(model, nodes) -> tuple[np.ndarray, np.ndarray]:
    """(weights, biases) with each hidden neuron in `nodes` negated: its in-weights, bias and out-weights.

    An exact symmetry for an odd activation (tanh(-z) = -tanh(z) in IEEE arithmetic): a ValueError otherwise.
    """
    s = model.structure
    nodes = np.atleast_1d(np.asarray(nodes, dtype=int))
    bad = [int(v) for v in nodes if s.roles[v] != "hidden" or model.neurons[v].activation.name not in ODD]
    if bad:
        raise ValueError(f"sign flips are symmetries only of hidden neurons with an odd activation (tanh); not {bad}")
    flip = np.zeros(s.n, dtype=bool)
    flip[nodes] = True
    weight = np.where(flip[s.src] != flip[s.dst], -model.params.weight, model.params.weight)
    bias = np.where(flip, -model.params.bias, model.params.bias)
    return weight, bias


def permutation_fibre(model, rng=0, x=None) -> dict:
    """Permute every hidden layer at random and compare: θ distance, outputs (exact read-out and the model's own).

    Returns theta_distance, exact_equal (bit for bit under `exact_outputs`), predict_max_difference (the
    model's float64 outputs: round-off only), test_loss before and after. The model is left as it was.
    """
    x = model.data.x_test if x is None else x
    before_w, before_b = model.params.weight.copy(), model.params.bias.copy()
    theta0, exact0, predict0 = theta(model), exact_outputs(model, x), model.predict(x).copy()
    loss0 = model.evaluate("test")["loss"]
    try:
        set_parameters(model, *permuted_parameters(model, random_relabelling(model, rng)))
        theta1, exact1, predict1 = theta(model), exact_outputs(model, x), model.predict(x).copy()
        loss1 = model.evaluate("test")["loss"]
    finally:
        set_parameters(model, before_w, before_b)
    return {
        "theta_distance": theta_distance(theta0, theta1),
        "exact_equal": bool(np.array_equal(exact0, exact1)),
        "predict_max_difference": float(np.max(np.abs(predict0 - predict1))),
        "test_loss_before": float(loss0),
        "test_loss_after": float(loss1),
        "log10_symmetries": symmetry_group_size(model),
    }


# --- fibres across seeds ------------------------------------------------------------------------
def align(reference, other, x=None) -> np.ndarray:
    """σ relabelling `other`'s hidden neurons to best match `reference`'s, layer by layer (Hungarian matching).

    Neurons are matched on the correlation of their probe activations, sign-blind for odd activations
    (Li et al., "Convergent learning", ICLR 2016); apply with `permuted_parameters(other, σ)`.
    """
    ref, oth = probe_activations(reference, x), probe_activations(other, x)
    sigma = np.arange(other.structure.n)
    for layer_ref, layer_oth in zip(hidden_layers(reference), hidden_layers(other)):
        if len(layer_ref) != len(layer_oth):
            raise MeasureError("align needs networks of the same architecture")
        corr = _correlation(oth[layer_oth], ref[layer_ref])
        rows, cols = linear_sum_assignment(-np.abs(corr))
        sigma[layer_oth[rows]] = layer_ref[cols]  # neuron rows[i] of other plays reference's cols[i]
    return sigma


def _correlation(a, b) -> np.ndarray:
    a = a - a.mean(axis=1, keepdims=True)
    b = b - b.mean(axis=1, keepdims=True)
    na, nb = np.linalg.norm(a, axis=1), np.linalg.norm(b, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.nan_to_num((a @ b.T) / np.outer(na, nb))


def aligned_theta(reference, other, x=None) -> np.ndarray:
    """`other`'s θ after relabelling its hidden neurons to match `reference` (and flipping signs where odd)."""
    sigma = align(reference, other, x)
    weight, bias = permuted_parameters(other, sigma)
    saved = other.params.weight.copy(), other.params.bias.copy()
    try:
        set_parameters(other, weight, bias)
        ref, oth = probe_activations(reference, x), probe_activations(other, x)
        flips = [
            int(v)
            for layer in hidden_layers(other)
            for v in layer
            if other.neurons[v].activation.name in ODD and _correlation(oth[[v]], ref[[v]])[0, 0] < 0
        ]
        if flips:
            weight, bias = sign_flipped_parameters(other, flips)
        return np.concatenate([weight, bias])
    finally:
        set_parameters(other, *saved)


def seed_distances(models: dict, x=None, untrained: dict | None = None) -> pd.DataFrame:
    """For every pair of trained networks {seed: model}: test-loss, θ, aligned-θ and CKA distance.

    cka_distance = 1 - linear CKA of the last hidden layer's representations on the probe. With `untrained`
    ({seed: model at initialisation}), also each trained network against another seed's untrained one (the
    baseline a CKA value needs: untrained networks on low-dimensional inputs already look alike).
    """
    x = models[next(iter(models))].data.x_test[:64] if x is None else x
    rows = []
    pairs = [(a, b, models[a], models[b], "trained") for a, b in itertools.combinations(models, 2)]
    if untrained:
        seeds = list(models)
        pairs += [
            (a, seeds[(i + 1) % len(seeds)], models[a], untrained[seeds[(i + 1) % len(seeds)]], "untrained")
            for i, a in enumerate(seeds)
        ]
    for a, b, ma, mb, kind in pairs:
        ta, tb = theta(ma), theta(mb)
        la, lb = ma.evaluate("test")["loss"], mb.evaluate("test")["loss"]
        ra, rb = probe_activations(ma, x)[hidden_layers(ma)[-1]].T, probe_activations(mb, x)[hidden_layers(mb)[-1]].T
        rows.append(
            {
                "seed_a": a,
                "seed_b": b,
                "against": kind,
                "test_loss_a": la,
                "test_loss_b": lb,
                "loss_distance": abs(la - lb),
                "theta_distance": theta_distance(ta, tb),
                "aligned_theta_distance": theta_distance(ta, aligned_theta(ma, mb, x)),
                "cka_distance": 1.0 - linear_cka(ra, rb),
            }
        )
    return pd.DataFrame(rows)
