"""A neuron: a Mesa agent that learns from the two signals crossing its own edges.

It reads only its own parameters and the registers of its own neighbours (what its in-neighbours
sent forward, what its out-neighbours sent back), through its own edge lists. Its weights and bias
are views into the model's arrays, so editing a neuron edits the network.
"""

from __future__ import annotations

from functools import cached_property

import mesa
import numpy as np


class _OutWeights:
    """`Neuron.w_out`: a view made on first use and kept when the out-edges are evenly spaced in the weight array
    (θ only ever changes in place), else gathered afresh at each read."""

    def __get__(self, neuron, owner=None):
        if neuron is None:
            return self
        positions = neuron._out_positions
        weights = neuron._params.weight[positions]
        if isinstance(positions, slice):
            neuron.__dict__["w_out"] = weights  # from now on a plain attribute, like a cached_property
        return weights


class Neuron(mesa.Agent):
    """One neuron: a = f(b + Σ w·a_in) forward, δ = f'(z)·(e + Σ w·δ_out) backward, w -= η Σ a_in δ."""

    def __init__(
        self, model, node, role, activation, edges, in_edges, out_edges, params, signals, optimizer, lesions, mask=None
    ):
        super().__init__(model)
        self.node, self.role, self.activation = node, role, activation
        self.signals, self.optimizer = signals, optimizer
        self._lesions = lesions  # the model's mask of silenced neurons
        self._mask, self._in = mask, in_edges  # my in-edges: a slice of the edge arrays
        self.out_edges, self._edges = out_edges, edges
        self._params = params

    # My own parameters and edges: views into the model's arrays, made on first use (a network of 10^5
    # neurons run by the vectorised executor never needs them: model/vectorized.py).
    @cached_property
    def w_in(self):
        return self._params.weight[self._in]

    @cached_property
    def w_in_velocity(self):
        return self._params.weight_velocity[self._in]

    @cached_property
    def w_in_step(self):
        return self._params.weight_step[self._in]

    @cached_property
    def b(self):
        return self._params.bias[self.node : self.node + 1]

    @cached_property
    def b_velocity(self):
        return self._params.bias_velocity[self.node : self.node + 1]

    @cached_property
    def b_step(self):
        return self._params.bias_step[self.node : self.node + 1]

    @cached_property
    def in_src(self):
        return self._edges.src[self._in]

    @cached_property
    def in_delay(self):
        return self._edges.delay[self._in]

    @cached_property
    def _kept_in(self):
        return np.ones(len(self.in_src), dtype=bool) if self._mask is None else self._mask[self._in]

    # --- the three rules ---------------------------------------------------------------------
    def forward(self, t):
        """z = b + Σ_in w·a ;  a = f(z)  (0 while silenced)."""
        r = self.at(t)
        np.matmul(self.w_in, r.arriving, out=r.z)
        r.z += self.b
        if self.model.any_silenced and self.silenced:
            r.a.fill(0.0)
        else:
            self.activation.f(r.z, r.a)

    def backward(self, t):
        """δ = f'(z) · (e + Σ_out w·δ), e the error the environment injected here."""
        r = self.at(t)
        np.matmul(self.w_out, r.returning, out=r.delta)
        if self.role == "output":  # only an output neuron receives the environment's error
            r.delta += r.error
        r.delta *= self.activation.df(r.z, r.a, r.slope)  # f'(z), read off a = f(z) where cheaper
        if self.model.any_silenced and self.silenced:
            r.delta.fill(0.0)

    def update(self):
        """w -= η Σ_t a_in δ ;  b -= η Σ_t δ  (through the optimiser, with its local momentum)."""
        grad_w, grad_b = self.gradient()
        step = self.optimizer.step  # step(param, velocity, grad, out)
        step(self.w_in, self.w_in_velocity, grad_w, self.w_in_step)
        step(self.b, self.b_velocity, grad_b, self.b_step)

    def gradient(self):
        """(dL/dw_in, dL/db): the product of the signals that crossed each in-edge, summed over batch and ticks."""
        r = self.at(1)
        grad_w = r.arriving @ r.delta
        grad_b = r.delta[0] if len(r.delta) == 1 else np.add.reduce(r.delta)  # Σ of one example: itself
        for t in range(2, self.signals.ticks + 1):
            r = self.at(t)
            grad_w += r.arriving @ r.delta
            grad_b += np.add.reduce(r.delta)
        if self.model.any_pruned:  # a pruned in-edge is not a parameter any more: it gets no gradient
            grad_w *= self._kept_in
        return grad_w, grad_b

    # --- what the rules read -----------------------------------------------------------------
    def at(self, t) -> Tick:
        """What I read and write at tick t, in the registers the model holds now (made once per register set
        and kept in it, `Signals.views`)."""
        tick = self.signals.views.get((self.node, t))
        if tick is None:
            tick = self.signals.views[(self.node, t)] = Tick(self, t)
        elif not tick.views:  # a gathered signal (not a view) is read afresh
            tick.arriving = self.arriving(t)
            tick.returning = self.returning(t) if tick.delta is not None else None
        return tick

    def arriving(self, t):
        """Forward signals on my in-edges at tick t (a delay-1 edge brings tick t-1), shape (k, batch)."""
        return self.signals.a_rows[self._in_rows[t]]

    def returning(self, t):
        """Backward signals my receivers sent at tick t (through a delay-1 edge: at tick t+1), shape (k, batch)."""
        return self.signals.delta_rows[self._out_rows[t]]

    w_out = _OutWeights()  # weights of my out-edges (held by the receivers, read to scale what comes back)

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


class Tick:
    """A neuron's registers at one tick, over the batch: z, a, δ and e its own; what arrives on its in-edges and
    returns on its out-edges. Views, since the model reuses its register arrays (δ, e, returning are None on
    forward-only registers); `views` is False when a neighbour's signals must be gathered (not evenly spaced)."""

    __slots__ = ("z", "a", "delta", "error", "slope", "arriving", "returning", "views")

    def __init__(self, neuron, t):
        s, node = neuron.signals, neuron.node
        self.z, self.a = s.z[t, node], s.a[t, node]
        backward = s.delta is not None
        self.delta, self.error = (s.delta[t, node], s.error[t, node]) if backward else (None, None)
        self.slope = np.empty_like(self.z)  # f'(z), written in place
        self.arriving = neuron.arriving(t)
        self.returning = neuron.returning(t) if backward else None
        self.views = isinstance(neuron._in_rows[t], slice) and isinstance(neuron._out_rows[t], slice)


def _as_slice(indices):
    """indices as a slice when they step evenly (indexing with it is a view, not a gather), else as they are."""
    if len(indices) > 1:
        steps = np.diff(indices)
        if steps[0] > 0 and (steps == steps[0]).all():
            return slice(int(indices[0]), int(indices[-1]) + 1, int(steps[0]))
    elif len(indices) == 1:
        return slice(int(indices[0]), int(indices[0]) + 1)
    elif len(indices) == 0:  # an output neuron's out-edges: reading them is a view too
        return slice(0, 0)
    return indices
