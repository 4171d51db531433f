"""Activations and losses: small objects pairing a function with its derivative."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.special import expit


@dataclass(frozen=True)
class Activation:
    """f(z) and f'(z), applied elementwise; f'(z) may be read off a = f(z) when that is cheaper.

    Both take an optional `out` array to write into (the vectorised executor writes straight into the
    registers); without it they return a new array.
    """

    name: str
    f: Callable[..., np.ndarray]  # (z, out) -> f(z)
    df: Callable[..., np.ndarray]  # (z, a = f(z), out) -> f'(z)

    def __call__(self, z, out=None):
        return self.f(z, out)

    def derivative(self, z, a=None, out=None):
        """f'(z) at the preactivation z (pass a = f(z) if it is at hand: tanh' = 1 - a², σ' = a(1 - a))."""
        return self.df(z, self.f(z, None) if a is None else a, out)

    @property
    def linear(self) -> bool:
        """f'(z) = 1 everywhere: multiplying by the slope can be skipped."""
        return self.name == "identity"

    def __repr__(self):
        return f"Activation({self.name})"


def _identity(z, out):
    if out is None:
        return z
    np.copyto(out, z)
    return out


def _ones(z, a, out):
    if out is None:
        return np.ones_like(z)
    out.fill(1.0)
    return out


def _tanh_slope(z, a, out):  # 1 - a²
    out = np.multiply(a, a, out=out)
    return np.subtract(1.0, out, out=out)


def _sigmoid(z, out):  # 1 / (1 + e^-z) in one ufunc that never overflows (scipy.special.expit)
    return expit(z, out=out) if out is not None else expit(z)


def _sigmoid_slope(z, a, out):  # a·(1 - a)
    out = np.subtract(1.0, a, out=out)
    out *= a
    return out


def _relu_slope(z, a, out):  # 1 where z > 0, else 0
    if out is None:
        return (z > 0).astype(float)
    return np.greater(z, 0.0, out=out)


LEAKY_SLOPE = 0.01


def _leaky_relu(z, out):  # max(z, 0.01·z) is z for z > 0 and 0.01·z otherwise
    out = np.multiply(z, LEAKY_SLOPE, out=out)
    return np.maximum(out, z, out=out)


def _leaky_relu_slope(z, a, out):
    slope = np.where(z > 0, 1.0, LEAKY_SLOPE)
    if out is None:
        return slope
    np.copyto(out, slope)
    return out


ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in (
        Activation("identity", _identity, _ones),
        Activation("tanh", np.tanh, _tanh_slope),  # a ufunc: np.tanh(z, out) with out None or an array
        Activation("sigmoid", _sigmoid, _sigmoid_slope),
        Activation("relu", lambda z, out: np.maximum(z, 0.0, out=out), _relu_slope),
        Activation("leaky_relu", _leaky_relu, _leaky_relu_slope),
    )
}


def activation(name: str) -> Activation:
    """The activation called `name`; a ValueError listing the valid names otherwise."""
    if name not in ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}; valid ones are: {', '.join(ACTIVATIONS)}")
    return ACTIVATIONS[name]


class Loss:
    """A loss over a batch: `value(y_hat, y)` and its gradient dL/dy_hat, both PyTorch's definitions."""

    name = ""

    def value(self, y_hat: np.ndarray, y: np.ndarray) -> float:
        raise NotImplementedError

    def gradient(self, y_hat: np.ndarray, y: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def value_and_gradient(self, y_hat, y) -> tuple[float, np.ndarray]:
        """Both at once (a loss may share work between them)."""
        return self.value(y_hat, y), self.gradient(y_hat, y)

    def __repr__(self):
        return f"Loss({self.name})"


class MSE(Loss):
    """mean over batch and outputs of (ŷ - y)²."""

    name = "mse"

    def value(self, y_hat, y):
        return float(((y_hat - y) ** 2).sum()) / y_hat.size

    def gradient(self, y_hat, y):
        return 2.0 * (y_hat - y) / y_hat.size


class BCE(Loss):
    """-mean[y log ŷ + (1-y) log(1-ŷ)] on outputs in (0, 1); logs clamped at -100 as in PyTorch."""

    name = "bce"
    EPSILON = 1e-12  # PyTorch's floor on ŷ(1-ŷ) in the gradient

    def value(self, y_hat, y):
        with np.errstate(divide="ignore", invalid="ignore"):
            log_p = np.maximum(np.log(y_hat), -100.0)
            log_q = np.maximum(np.log1p(-y_hat), -100.0)
        return -float((y * log_p + (1.0 - y) * log_q).sum()) / y_hat.size

    def gradient(self, y_hat, y):
        return (y_hat - y) / np.maximum(y_hat * (1.0 - y_hat), self.EPSILON) / y_hat.size

    def value_and_gradient(self, y_hat, y):
        if y_hat.size == 1:  # one example, one output: plain floats are several times faster
            p, t = float(y_hat.flat[0]), float(y.flat[0])
            log_p = math.log(p) if p > 0 else -math.inf
            log_q = math.log1p(-p) if p < 1 else -math.inf
            value = -(t * max(log_p, -100.0) + (1.0 - t) * max(log_q, -100.0))
            return value, np.array([[(p - t) / max(p * (1.0 - p), self.EPSILON)]])
        return self.value(y_hat, y), self.gradient(y_hat, y)


class CrossEntropy(Loss):
    """mean over the batch of -log softmax(ŷ)[label]: ŷ are logits, y class indices."""

    name = "cross_entropy"

    @staticmethod
    def log_softmax(logits):
        shifted = logits - logits.max(axis=1, keepdims=True)
        return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))

    def value(self, y_hat, y):
        log_p = self.log_softmax(y_hat)
        return -float(log_p[np.arange(len(y)), y].sum()) / len(y)

    def gradient(self, y_hat, y):
        return self.value_and_gradient(y_hat, y)[1]

    def value_and_gradient(self, y_hat, y):
        shifted = y_hat - y_hat.max(axis=1, keepdims=True)
        p = np.exp(shifted)
        total = p.sum(axis=1, keepdims=True)
        p /= total  # softmax(ŷ)
        rows = np.arange(len(y))
        value = float(np.log(total).sum() - shifted[rows, y].sum()) / len(y)  # -mean log softmax(ŷ)[y]
        p[rows, y] -= 1.0
        p /= len(y)
        return value, p


LOSSES: dict[str, Loss] = {loss.name: loss for loss in (MSE(), BCE(), CrossEntropy())}


def loss(name: str) -> Loss:
    """The loss called `name`; a ValueError listing the valid names otherwise."""
    if name not in LOSSES:
        raise ValueError(f"unknown loss {name!r}; valid ones are: {', '.join(LOSSES)}")
    return LOSSES[name]
