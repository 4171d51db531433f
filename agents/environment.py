"""The network's environment: the only agent that knows the data and the loss.

It is the system's energy influx: each step it writes a batch of data into the input neurons and,
after the forward phase, the error into the output neurons. Switched off (influx=False) it sends
nothing, and the network is a closed system.
"""

from __future__ import annotations

import mesa
import numpy as np


class Environment(mesa.Agent):
    """Injects data and error; records the power of both (the energy that enters each step)."""

    def __init__(self, model, stream, loss, signals, inputs, outputs, influx=True):
        super().__init__(model)
        self.stream, self.loss, self.signals = stream, loss, signals
        self.inputs, self.outputs = inputs, outputs  # node ids, or a slice of consecutive ones
        self.n_inputs, self.n_outputs = len(signals.a[0, inputs]), len(signals.a[0, outputs])
        self.influx = influx
        self.target = None
        self.loss_value = float("nan")
        self.input_power = 0.0
        self.error_power = 0.0

    def inject(self):
        """Draw the next batch and write x into the input neurons' registers."""
        if not self.influx:
            self.present(np.zeros((self.signals.batch_size, self.n_inputs)))
            self.target, self.input_power = None, 0.0
            return
        x, self.target = self.stream.next_batch()
        self.present(x)
        self.input_power = float(np.vdot(x, x)) / x.size

    def inject_error(self):
        """Read the outputs at the last tick, compute the loss, write dL/dŷ into the output neurons."""
        if self.target is None:  # closed: no data, so no error either
            self.signals.error[-1, self.outputs] = 0.0
            self.loss_value, self.error_power = float("nan"), 0.0
            return
        self.loss_value, grad = self.feedback(self.target)
        self.error_power = float(np.vdot(grad, grad)) * len(grad) ** 2 / grad.size  # per example, not per-batch share

    def present(self, x):
        """Write x into the input registers: (B, inputs) held for every tick, or (B, ticks, inputs)."""
        a = self.signals.a
        if x.ndim == 2:
            a[1:, self.inputs] = x.T
        else:
            a[1:, self.inputs] = x.transpose(1, 2, 0)

    def outputs_now(self):
        """ŷ: the output neurons' activations at the last tick, shape (B, outputs)."""
        return self.signals.a[-1, self.outputs].T

    def feedback(self, y):
        """Loss of the current outputs against y; writes dL/dŷ into the output registers."""
        value, grad = self.loss.value_and_gradient(self.outputs_now(), y)
        self.signals.error[-1, self.outputs] = grad.T
        return value, grad

    def __repr__(self):
        state = "open" if self.influx else "closed"
        return f"Environment({state}, {self.loss.name}, {self.n_inputs} in, {self.n_outputs} out)"
