"""Activations and losses: small objects pairing a function with its derivative."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np


@dataclass(frozen=True)
class Activation:
    """f(z) and f'(z), applied elementwise."""

    name: str
    f: Callable[[np.ndarray], np.ndarray]
    df: Callable[[np.ndarray], np.ndarray]

    def __call__(self, z):
        return self.f(z)

    def derivative(self, z):
        """f'(z) at the preactivation z."""
        return self.df(z)

    def __repr__(self):
        return f"Activation({self.name})"


def _sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))  # exact, and never overflows


def _dsigmoid(z):
    s = _sigmoid(z)
    return s * (1.0 - s)


LEAKY_SLOPE = 0.01

ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in (
        Activation("identity", lambda z: z, lambda z: np.ones_like(z)),
        Activation("tanh", np.tanh, lambda z: 1.0 - np.tanh(z) ** 2),
        Activation("sigmoid", _sigmoid, _dsigmoid),
        Activation("relu", lambda z: np.maximum(z, 0.0), lambda z: (z > 0).astype(float)),
        Activation(
            "leaky_relu",
            lambda z: np.where(z > 0, z, LEAKY_SLOPE * z),
            lambda z: np.where(z > 0, 1.0, LEAKY_SLOPE),
        ),
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
        log_p = self.log_softmax(y_hat)
        rows = np.arange(len(y))
        grad = np.exp(log_p)
        grad[rows, y] -= 1.0
        return -float(log_p[rows, y].sum()) / len(y), grad / len(y)


LOSSES: dict[str, Loss] = {loss.name: loss for loss in (MSE(), BCE(), CrossEntropy())}


def loss(name: str) -> Loss:
    """The loss called `name`; a ValueError listing the valid names otherwise."""
    if name not in LOSSES:
        raise ValueError(f"unknown loss {name!r}; valid ones are: {', '.join(LOSSES)}")
    return LOSSES[name]
