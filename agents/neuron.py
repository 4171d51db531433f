"""A neuron: a Mesa agent that learns from the two signals crossing its own edges.

It reads only its own parameters and the registers of its own neighbours (what its in-neighbours
sent forward, what its out-neighbours sent back), through its own edge lists. Its weights and bias
are views into the model's arrays, so editing a neuron edits the network.
"""

from __future__ import annotations

from functools import cached_property

import mesa
import numpy as np


class Neuron(mesa.Agent):
    """One neuron: a = f(b + Σ w·a_in) forward, δ = f'(z)·(e + Σ w·δ_out) backward, w -= η Σ a_in δ."""

    def __init__(
        self, model, node, role, activation, edges, in_edges, out_edges, params, signals, optimizer, lesions, mask=None
    ):
        super().__init__(model)
        self.node, self.role, self.activation = node, role, activation
        self.signals, self.optimizer = signals, optimizer
        self._lesions = lesions  # the model's mask of silenced neurons
        self._kept_in = np.ones(len(edges.src), dtype=bool)[in_edges] if mask is None else mask[in_edges]
        self.in_src, self.in_delay = edges.src[in_edges], edges.delay[in_edges]
        self.out_edges, self._edges = out_edges, edges
        self._params = params
        self.w_in = params.weight[in_edges]  # views into the model's arrays
        self.w_in_velocity = params.weight_velocity[in_edges]
        self.b = params.bias[node : node + 1]
        self.b_velocity = params.bias_velocity[node : node + 1]
        self.w_in_step, self.b_step = params.weight_step[in_edges], params.bias_step[node : node + 1]

    # --- the three rules ---------------------------------------------------------------------
    def forward(self, t):
        """z = b + Σ_in w·a ;  a = f(z)  (0 while silenced)."""
        z = self.b + self.w_in @ self.arriving(t)
        self.signals.z[t, self.node] = z
        self.signals.a[t, self.node] = 0.0 if self.silenced else self.activation(z)

    def backward(self, t):
        """δ = f'(z) · (e + Σ_out w·δ), e the error the environment injected here."""
        s, node = self.signals, self.node
        returning = self.w_out @ self.returning(t) + s.error[t, node]
        slope = self.activation.derivative(s.z[t, node], s.a[t, node])
        s.delta[t, node] = 0.0 if self.silenced else slope * returning

    def update(self):
        """w -= η Σ_t a_in δ ;  b -= η Σ_t δ  (through the optimiser, with its local momentum)."""
        grad_w, grad_b = self.gradient()
        self.optimizer.step(self.w_in, self.w_in_velocity, grad_w, out=self.w_in_step)
        self.optimizer.step(self.b, self.b_velocity, grad_b, out=self.b_step)

    # --- what the rules read -----------------------------------------------------------------
    def arriving(self, t):
        """Forward signals on my in-edges at tick t (a delay-1 edge brings tick t-1), shape (k, batch)."""
        return self.signals.a_rows[self._in_rows[t]]

    def returning(self, t):
        """Backward signals my receivers sent at tick t (through a delay-1 edge: at tick t+1), shape (k, batch)."""
        return self.signals.delta_rows[self._out_rows[t]]

    @property
    def w_out(self):
        """Weights of my out-edges (held by the receivers, read to scale what comes back)."""
        return self._params.weight[self._out_positions]

    def gradient(self):
        """(dL/dw_in, dL/db): the product of the signals that crossed each in-edge, summed over batch and ticks."""
        ticks = self.signals.ticks
        delta = self.signals.delta[:, self.node]  # (ticks + 2, batch)
        grad_w = self.arriving(1) @ delta[1]
        for t in range(2, ticks + 1):
            grad_w += self.arriving(t) @ delta[t]
        if self.model.any_pruned:  # a pruned in-edge is not a parameter any more: it gets no gradient
            grad_w *= self._kept_in
        return grad_w, delta[1 : ticks + 1].sum()

    @cached_property
    def out_dst(self):
        """My receivers, one per out-edge (made on first use: the vectorised path never needs them)."""
        return self._edges.dst[self.out_edges]

    @cached_property
    def out_delay(self):
        return self._edges.delay[self.out_edges]

    @cached_property
    def _in_rows(self):
        """Register rows of my in-edges' signals, per tick: (t - delay)·N + sender."""
        n = self.signals.n_neurons
        return [_as_slice((t - self.in_delay) * n + self.in_src) for t in range(self.signals.ticks + 1)]

    @cached_property
    def _out_rows(self):
        """Register rows of my receivers' backward signals, per tick: (t + delay)·N + receiver."""
        n = self.signals.n_neurons
        return [_as_slice((t + self.out_delay) * n + self.out_dst) for t in range(self.signals.ticks + 1)]

    @cached_property
    def _out_positions(self):
        return _as_slice(self.out_edges)

    # --- for people ----------------------------------------------------------------------------
    @property
    def silenced(self) -> bool:
        """A silenced (lesioned) neuron sends nothing forward or back, so it neither acts nor learns."""
        return bool(self._lesions[self.node])

    @silenced.setter
    def silenced(self, value: bool):
        self.model.silence([self.node], bool(value))

    @property
    def bias(self) -> float:
        return float(self.b[0])

    @bias.setter
    def bias(self, value: float):
        self.b[0] = value

    def incoming(self) -> dict[int, float]:
        """{sender: weight} of my present in-edges (pruned ones are in `pruned_in`)."""
        return dict(zip(self.in_src[self._kept_in].tolist(), self.w_in[self._kept_in].tolist()))

    @property
    def pruned_in(self) -> list[int]:
        """Senders whose edge to me has been pruned: they no longer reach me, nor I them."""
        return self.in_src[~self._kept_in].tolist()

    def __repr__(self):
        act = "" if self.role == "input" else f" {self.activation.name}, bias={self.bias:+.3f},"
        lesion = ", silenced" if self.silenced else ""
        pruned = len(self.in_src) - int(np.count_nonzero(self._kept_in))
        cut = f" ({pruned} pruned)" if pruned else ""
        return f"Neuron({self.node}, {self.role},{act} {len(self.in_src)} in{cut}, {len(self.out_edges)} out{lesion})"


def _as_slice(indices):
    """indices as a slice when they step evenly (indexing with it is a view, not a gather), else as they are."""
    if len(indices) > 1:
        steps = np.diff(indices)
        if steps[0] > 0 and (steps == steps[0]).all():
            return slice(int(indices[0]), int(indices[-1]) + 1, int(steps[0]))
    elif len(indices) == 1:
        return slice(int(indices[0]), int(indices[0]) + 1)
    return indices
