"""Stochastic gradient descent with optional momentum and weight decay, applied in place, weight by weight."""

from __future__ import annotations

import numpy as np

from model.parameters import NETWORK  # the three values' ranges, as NetworkModel takes them


class SGD:
    """PyTorch's SGD: g ← g + λw ;  v ← μv + g ;  w ← w - η v  (v = g when μ = 0)."""

    def __init__(self, learning_rate: float = 0.1, momentum: float = 0.0, weight_decay: float = 0.0):
        NETWORK.validate({"learning_rate": learning_rate, "momentum": momentum, "weight_decay": weight_decay})
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
        if self.momentum or self.weight_decay:
            param -= self.direction(param, velocity, grad, out)
        else:  # plain SGD: w ← w - η g
            param -= np.multiply(grad, self.learning_rate, out=out)

    def __repr__(self):
        return f"SGD(lr={self.learning_rate:g}, momentum={self.momentum:g}, weight_decay={self.weight_decay:g})"
