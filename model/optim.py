"""Stochastic gradient descent with optional momentum and weight decay, applied in place, weight by weight."""

from __future__ import annotations

import math

import numpy as np


class SGD:
    """PyTorch's SGD: g ← g + λw ;  v ← μv + g ;  w ← w - η v  (v = g when μ = 0)."""

    def __init__(self, learning_rate: float = 0.1, momentum: float = 0.0, weight_decay: float = 0.0):
        for name, value in (("learning_rate", learning_rate), ("momentum", momentum), ("weight_decay", weight_decay)):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
                raise ValueError(f"{name} must be a finite number, got {value!r}")
        if learning_rate <= 0:
            raise ValueError(f"learning_rate must be > 0, got {learning_rate}: use influx=False to stop learning")
        if not 0.0 <= momentum < 1.0:
            raise ValueError(f"momentum must be in [0, 1), got {momentum}")
        if weight_decay < 0:
            raise ValueError(f"weight_decay must be >= 0, got {weight_decay}")
        self.learning_rate, self.momentum, self.weight_decay = (
            float(learning_rate),
            float(momentum),
            float(weight_decay),
        )

    def direction(self, param, velocity, grad, out):
        """Write into `out` the step to take, η·(g + λw) or with momentum η·v, so that w ← w - out."""
        if self.weight_decay:
            grad = grad + self.weight_decay * param
        if self.momentum:
            velocity *= self.momentum
            velocity += grad
            grad = velocity
        return np.multiply(grad, self.learning_rate, out=out)

    def step(self, param, velocity, grad, out):
        """Move `param` (a view into the model's arrays) down `grad`; `velocity` and `out` are its own buffers."""
        param -= self.direction(param, velocity, grad, out)

    def __repr__(self):
        return f"SGD(lr={self.learning_rate:g}, momentum={self.momentum:g}, weight_decay={self.weight_decay:g})"
