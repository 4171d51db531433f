"""The vectorised executor: each wave acts at once, as the synchronous action of all its neurons.

It reads and writes the very registers and parameter arrays the agents use, so the `Neuron` objects
stay valid views whichever executor runs. A wave's connections are a dense block (a view into the
weight array, no copy) when they form a complete layer-to-layer block, as in a layered network, and a
sparse CSR matrix otherwise, whose values are gathered from the weight array at the wave's first use
in each phase (scipy may copy the values it is given, so it cannot be trusted to share them).
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

CHUNK_VALUES = 1 << 16  # signals gathered at a time (per side) when summing a_in·δ over the batch for sparse waves


class Link:
    """The edges between a wave and the rest of the network, seen from the wave's side.

    Forward (kind "in"): z_W = M @ a[rows], M is (wave × columns), columns being register rows
    (t - delay)·N + sender at tick t. Backward (kind "out"): the sum over out-edges, M is (wave × columns)
    with columns (t + delay)·N + receiver.
    """

    def __init__(self, edges, rows_in_wave, column_offsets, weight, n_rows, view_range=None):
        columns, column_of_edge = np.unique(column_offsets, return_inverse=True)
        self.column_offsets = columns.astype(np.int64)  # add t·N to get register rows
        contiguous = len(columns) > 0 and columns[-1] - columns[0] + 1 == len(columns)
        self.first_column = int(columns[0]) if contiguous else None  # then a gather is a slice
        self.weight, self.view_range, self.n_edges = weight, view_range, len(edges)
        self.dense_shape = self._dense_shape(rows_in_wave, column_of_edge, n_rows)
        if self.dense_shape is not None:
            start, stop = view_range
            self.block = weight[start:stop].reshape(self.dense_shape)  # a view: θ is only ever changed in place
        else:
            # edge ids in the order the matrix holds their weights (a wave's in-edges: just the range)
            self.edges = None if view_range else edges.astype(np.int32)
            indptr = np.r_[0, np.cumsum(np.bincount(rows_in_wave, minlength=n_rows))].astype(np.int32)
            self.matrix = sparse.csr_array(
                (weight[edges], column_of_edge.astype(np.int32), indptr), shape=(n_rows, len(columns))
            )
            if view_range:  # an in-link also sums a_in·δ per edge for the gradient
                self.row_of_edge = rows_in_wave.astype(np.int32)

    def _dense_shape(self, rows_in_wave, column_of_edge, n_rows):
        """(rows, columns) if the edges are the complete block, row-major, stored contiguously; else None."""
        n_columns = len(self.column_offsets)
        if self.view_range is None or self.n_edges != n_rows * n_columns:
            return None
        expected_rows = np.repeat(np.arange(n_rows), n_columns)
        expected_columns = np.tile(np.arange(n_columns), n_rows)
        if np.array_equal(rows_in_wave, expected_rows) and np.array_equal(column_of_edge, expected_columns):
            return n_rows, n_columns
        return None

    @property
    def dense(self) -> bool:
        return self.dense_shape is not None

    @property
    def empty(self) -> bool:
        return self.n_edges == 0

    def refresh(self):
        """Copy the current weights into the CSR matrix (dense blocks are views: nothing to do)."""
        if self.dense:
            return
        if self.edges is None:
            self.matrix.data[:] = self.weight[self.view_range[0] : self.view_range[1]]
        else:
            np.take(self.weight, self.edges, out=self.matrix.data)

    def gather(self, registers, t, n):
        """registers[t·N + columns]: the signals on the link's far side at tick t (a view when contiguous)."""
        if self.first_column is not None:
            first = t * n + self.first_column
            return registers[first : first + len(self.column_offsets)]
        return registers[t * n + self.column_offsets]

    def times(self, registers, t, n, out):
        """out = M @ registers[t·N + columns]: what the wave's neurons receive at tick t."""
        gathered = self.gather(registers, t, n)
        if self.dense:
            np.matmul(self.block, gathered, out=out)
        else:
            out[...] = self.matrix @ gathered


class WaveKernel:
    """One wave's neurons, handled together."""

    def __init__(self, model, nodes):
        s, n = model.structure, model.structure.n
        self.nodes = np.asarray(nodes)
        first, last = self.nodes[0], self.nodes[-1]
        self.consecutive = last - first + 1 == len(self.nodes)
        self.index = slice(first, last + 1) if self.consecutive else self.nodes
        position = np.full(n, -1)
        position[self.nodes] = np.arange(len(self.nodes))
        # forward: the wave's in-edges are one contiguous run of the edge arrays
        in_edges = np.flatnonzero(position[s.dst] >= 0)
        start, stop = (in_edges[0], in_edges[-1] + 1) if len(in_edges) else (0, 0)
        assert stop - start == len(in_edges)
        self.incoming = Link(
            in_edges,
            position[s.dst[in_edges]],
            s.src[in_edges].astype(np.int64) - s.delay[in_edges] * n,
            model.params.weight,
            len(self.nodes),
            view_range=(start, stop),
        )
        # backward: out-edges grouped by sender in wave order; a dense block needs no matrix of its own
        out_edges = np.flatnonzero(position[s.src] >= 0)
        out_edges = out_edges[np.lexsort((s.dst[out_edges], position[s.src[out_edges]]))]
        self.outgoing_block = _transposed_block(out_edges, s, position)
        self.outgoing = None
        if self.outgoing_block is None and len(out_edges):
            columns = s.dst[out_edges].astype(np.int64) + s.delay[out_edges] * n
            self.outgoing = Link(out_edges, position[s.src[out_edges]], columns, model.params.weight, len(self.nodes))
        self.groups = _activation_groups(model, self.nodes)
        self.linear = all(activation.linear for _, activation in self.groups)
        self.model, self.weight, self.bias = model, model.params.weight, model.params.bias
        self.lesions = model.lesions
        self.has_outputs = any(s.roles[v] == "output" for v in self.nodes)
        # Views made once (θ and the lesion mask are only ever changed in place); a scattered wave gathers anew.
        self._bias_column = self.bias[self.index, None] if self.consecutive else None
        self._lesioned = self.lesions[self.index] if self.consecutive else None
        if self.outgoing_block is not None:
            start, stop, receivers, senders, self._returning_offset = self.outgoing_block
            self._outgoing_T = self.weight[start:stop].reshape(receivers, senders).T
        self._slope = np.empty((0, 0))

    def forward(self, signals, t):
        """z = b + Σ_in w·a ;  a = f(z), for the whole wave, written straight into the registers."""
        if t == 1 and not self.incoming.dense:
            self.incoming.refresh()
        z, a = signals.z[t, self.index], signals.a[t, self.index]  # views (copies, written back, if scattered)
        self.incoming.times(signals.a_rows, t, signals.n_neurons, out=z)
        z += self._bias_column if self.consecutive else self.bias[self.index, None]
        _apply(self.groups, z, out=a)
        if self.model.any_silenced:  # silenced neurons send 0
            a[self._lesioned if self.consecutive else self.lesions[self.index]] = 0.0
        if not self.consecutive:
            signals.z[t, self.index], signals.a[t, self.index] = z, a

    def backward(self, signals, t):
        """δ = f'(z) · (e + Σ_out w·δ), for the whole wave, written straight into the registers."""
        n, delta = signals.n_neurons, signals.delta[t, self.index]
        if self.outgoing_block is not None:
            first = t * n + self._returning_offset
            np.matmul(self._outgoing_T, signals.delta_rows[first : first + self._outgoing_T.shape[1]], out=delta)
        elif self.outgoing is not None:
            self.outgoing.times(signals.delta_rows, t, n, out=delta)
        else:
            delta.fill(0.0)
        if self.has_outputs:  # only output neurons receive the environment's error
            delta += signals.error[t, self.index]
        if not self.linear:
            if self._slope.shape != delta.shape:
                self._slope = np.empty_like(delta)
            delta *= _derivative(self.groups, signals.z[t, self.index], signals.a[t, self.index], out=self._slope)
        if self.model.any_silenced:
            delta[self._lesioned if self.consecutive else self.lesions[self.index]] = 0.0
        if not self.consecutive:
            signals.delta[t, self.index] = delta

    def weight_gradient(self, signals, grad, scratch):
        """grad[e] = Σ_t Σ_batch a_in · δ for the wave's in-edges, written into `grad` (sparse waves gather
        a_in and δ per edge, a chunk at a time, into `scratch`)."""
        link, n = self.incoming, signals.n_neurons
        start, stop = link.view_range
        if link.dense:
            block = grad[start:stop].reshape(link.dense_shape)
            for t in range(1, signals.ticks + 1):
                delta, arrived = signals.delta[t, self.index], link.gather(signals.a_rows, t, n)
                if t == 1:
                    np.matmul(delta, arrived.T, out=block)
                else:
                    block += delta @ arrived.T
            return
        grad[start:stop] = 0.0
        rows, columns = link.row_of_edge, link.matrix.indices
        arrived_e, delta_e = scratch  # (chunk, batch) each, shared by all waves
        chunk = len(arrived_e)
        for t in range(1, signals.ticks + 1):
            delta, arrived = signals.delta[t, self.index], link.gather(signals.a_rows, t, n)
            for lo in range(0, stop - start, chunk):
                hi = min(lo + chunk, stop - start)
                np.take(arrived, columns[lo:hi], axis=0, out=arrived_e[: hi - lo])
                np.take(delta, rows[lo:hi], axis=0, out=delta_e[: hi - lo])
                grad[start + lo : start + hi] += np.einsum("eb,eb->e", arrived_e[: hi - lo], delta_e[: hi - lo])


class VectorizedExecutor:
    """Stages computed a wave at a time, on the agents' own registers and parameter arrays."""

    takes_steps_itself = False  # its update only computes the step: the model checks it, then takes it

    def __init__(self, model):
        self.model = model
        self.kernels = [WaveKernel(model, wave) for wave in model.structure.waves]
        self.sparse_outgoing = [k.outgoing for k in self.kernels if k.outgoing is not None]
        self.inputs = model.structure.inputs
        # dL/dθ (the weights' part, then the biases') is summed where the step goes, then scaled into it in place
        self.grad = model.params.step
        self.grad_w, self.grad_b = self.grad[: len(model.params.weight)], self.grad[len(model.params.weight) :]
        self.ones, self.gathered = np.ones(0), None  # made for the batch size at the first update
        self.largest_sparse_wave = max([k.incoming.n_edges for k in self.kernels if not k.incoming.dense], default=0)

    def forward(self, t, wave):
        self.kernels[wave].forward(self.model.signals, t)

    def backward(self, t, wave):
        if t == self.model.ticks and wave == len(self.kernels) - 1:  # first backward stage of a step
            for link in self.sparse_outgoing:
                link.refresh()
        self.kernels[wave].backward(self.model.signals, t)

    def update(self):
        """dL/dθ for every weight and bias at once; the optimiser's step goes into params.step, not yet taken."""
        signals, params = self.model.signals, self.model.params
        if len(self.ones) != signals.batch_size:
            self.ones = np.ones(signals.batch_size)
            chunk = min(max(1, CHUNK_VALUES // signals.batch_size), self.largest_sparse_wave)
            self.gathered = np.empty((2, chunk, signals.batch_size))  # reused: fresh large arrays cost page faults
        for kernel in self.kernels:
            kernel.weight_gradient(signals, self.grad_w, self.gathered)
        np.matmul(signals.delta[1], self.ones, out=self.grad_b)  # Σ_batch δ: a matmul beats a sum along rows
        for t in range(2, signals.ticks + 1):
            self.grad_b += signals.delta[t] @ self.ones
        self.grad_b[self.inputs] = 0.0
        self.model.optimizer.direction(params.theta, params.velocity, self.grad, out=params.step)


def _transposed_block(out_edges, s, position):
    """(start, stop, receivers, senders, row offset) if a wave's out-edges are exactly the complete in-block
    of a run of consecutive receivers with one delay, stored contiguously; else None."""
    if len(out_edges) == 0:
        return None
    start, stop = out_edges.min(), out_edges.max() + 1
    if stop - start != len(out_edges) or len(np.unique(s.delay[out_edges])) != 1:
        return None
    receivers = np.unique(s.dst[out_edges])
    senders = np.flatnonzero(position >= 0)
    if receivers[-1] - receivers[0] + 1 != len(receivers) or len(out_edges) != len(receivers) * len(senders):
        return None
    if senders[-1] - senders[0] + 1 != len(senders):
        return None
    expected_src = np.tile(senders, len(receivers))
    expected_dst = np.repeat(receivers, len(senders))
    if not (np.array_equal(s.src[start:stop], expected_src) and np.array_equal(s.dst[start:stop], expected_dst)):
        return None
    offset = int(receivers[0]) + int(s.delay[start]) * s.n
    return int(start), int(stop), len(receivers), len(senders), offset


def _activation_groups(model, nodes):
    """[(positions in the wave, Activation)], one entry when the whole wave shares an activation."""
    activations = [model.neurons[v].activation for v in nodes]
    names = [a.name for a in activations]
    if len(set(names)) == 1:
        return [(slice(None), activations[0])]
    return [(np.flatnonzero(np.array(names) == name), activations[names.index(name)]) for name in dict.fromkeys(names)]


def _apply(groups, z, out):
    """f(z) for each activation group of the wave, into `out`."""
    if len(groups) == 1:
        return groups[0][1](z, out=out)
    for positions, activation in groups:
        out[positions] = activation(z[positions])
    return out


def _derivative(groups, z, a, out):
    """f'(z) for each activation group of the wave, read off the stored a = f(z) where cheaper, into `out`."""
    if len(groups) == 1:
        return groups[0][1].derivative(z, a, out=out)
    for positions, activation in groups:
        out[positions] = activation.derivative(z[positions], a[positions])
    return out
