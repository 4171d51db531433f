"""The registers: every signal a neuron sends, per tick of the current step, in arrays the model owns."""

from __future__ import annotations

from contextlib import contextmanager

import numpy as np


class Parameters:
    """Every learnable number in one vector θ: the weights per edge, then the biases per neuron.

    `weight` and `bias` are views into θ (as each neuron's own weights are views into `weight`), so the
    optimiser and the checks can treat all of θ at once. Momentum buffers likewise, empty without momentum,
    and `step`: what the last update moved θ by (θ ← θ - step).
    """

    def __init__(self, weight: np.ndarray, bias: np.ndarray, momentum: bool = True):
        n_edges = len(weight)
        self.theta = np.concatenate([weight, bias]).astype(float)
        self.weight, self.bias = self.theta[:n_edges], self.theta[n_edges:]
        self.velocity = np.zeros_like(self.theta) if momentum else np.zeros(0)
        self.weight_velocity, self.bias_velocity = self.velocity[:n_edges], self.velocity[n_edges:]
        self.step = np.zeros_like(self.theta)
        self.weight_step, self.bias_step = self.step[:n_edges], self.step[n_edges:]

    def __repr__(self):
        return f"Parameters({len(self.weight)} weights, {len(self.bias)} biases)"


class Signals:
    """Forward outputs a and preactivations z, backward outputs δ, and the injected error, per tick.

    Index t = 1..ticks is a tick of the current step; a[0] stays zero (what a delay-1 edge carries at the
    first tick) and δ[ticks + 1] stays zero (what a delay-1 edge brings back from after the last tick).
    Each register row is a vector over the batch.
    """

    SCRATCH_SETS = 4  # register sets kept for evaluations (one per kind and batch size; the oldest is dropped)

    REGISTERS = ("batch_size", "a", "z", "error", "delta", "a_rows", "delta_rows", "views")

    def __init__(self, n_neurons: int, ticks: int, batch_size: int):
        self.n_neurons, self.ticks = n_neurons, ticks
        self._scratch = {}  # (batch size, backward) -> registers kept for the next evaluation of that kind
        self.allocate(batch_size)

    def allocate(self, batch_size: int, backward: bool = True):
        """Registers for batches of `batch_size`; without `backward`, only the forward ones (a and z)."""
        shape = (self.ticks + 1, self.n_neurons, batch_size)
        self.batch_size = batch_size
        self.a = np.zeros(shape)
        self.z = np.zeros(shape)
        # The same registers seen as rows: row t·N + i is neuron i at tick t (views, no copies).
        self.a_rows = self.a.reshape(-1, batch_size)
        # Views of these registers that the executors make once and reuse (a wave's rows, a neuron's Tick),
        # keyed by who made them: they live and go with this register set.
        self.views = {}
        self.error = self.delta = self.delta_rows = None
        if backward:
            self.error = np.zeros(shape)  # dL/da written by the environment at the last tick
            self.delta = np.zeros((self.ticks + 2, self.n_neurons, batch_size))
            self.delta_rows = self.delta.reshape(-1, batch_size)

    @contextmanager
    def scratch(self, batch_size: int, backward: bool = True):
        """Registers for an evaluation (only the forward ones without `backward`), leaving the training
        step's signals as they were.

        They are made at the first evaluation of each kind and batch size and reused after it: every
        register a step reads is written by the step before it is read (a[0] and δ[ticks + 1] are never
        written, and the environment writes the whole error row of the outputs), so nothing needs clearing.
        """
        training = {name: getattr(self, name) for name in self.REGISTERS}
        key = (batch_size, backward)
        registers = self._scratch.pop(key, None)
        if registers is None:
            self.allocate(batch_size, backward)
            registers = {name: getattr(self, name) for name in self.REGISTERS}
        else:
            vars(self).update(registers)
        self._scratch[key] = registers  # the most recently used last
        while len(self._scratch) > self.SCRATCH_SETS:
            del self._scratch[next(iter(self._scratch))]
        try:
            yield self
        finally:
            vars(self).update(training)

    def __repr__(self):
        return f"Signals({self.n_neurons} neurons, {self.ticks} ticks, batch {self.batch_size})"
