"""The vectorised executor: each wave acts at once, as the synchronous action of all its neurons.

It reads and writes the very registers and parameter arrays the agents use, so the `Neuron` objects
stay valid views whichever executor runs. A wave's connections are a dense block (a view into the
weight array, no copy) when they form a complete layer-to-layer block, as in a layered network, and a
sparse CSR matrix otherwise, whose values are the wave's run of the weight array itself. Backward, a wave
whose out-edges are exactly the in-edges of one later wave reads that wave's matrix transposed (a CSC view,
no copy); any other wave keeps a CSR matrix of its out-edges, whose values are gathered from the weight
array at the first backward stage of each step.
A pruned edge (model/pruning.py) is a 0 like any other entry of a block or of the CSR values, so the
waves need not know about masks; only the update masks the weights' gradient, and only when one is set.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from scipy import sparse

CHUNK_VALUES = 1 << 17  # signals gathered at a time (per side) when summing a_in·δ over the batch for sparse waves
PARALLEL_EDGES = 1 << 20  # a sparse wave with at least this many in-edges is computed in row blocks, on threads
BLOCKS = 2  # that many, whatever the machine's cores, so that a trajectory is the same bit for bit everywhere
_threads: ThreadPoolExecutor | None = None  # made for the first such wave (scipy's and numpy's loops free the GIL)


def _forget_threads():
    """In a forked child (a sweep's worker) the parent's threads do not exist: make new ones when needed."""
    global _threads
    _threads = None


os.register_at_fork(after_in_child=_forget_threads)


def in_blocks(function, blocks) -> list:
    """[function(block) for block in blocks], the blocks computed on threads at once."""
    global _threads
    if _threads is None:
        _threads = ThreadPoolExecutor(BLOCKS, thread_name_prefix="neurohive-wave")
    return list(_threads.map(function, blocks))


class RowBlocks:
    """A large CSR matrix cut into row blocks of about equal edges, on the same arrays (views, no copies):
    M @ x is each block's rows, exact as one product; Mᵀ @ y sums the blocks' products (the same sums,
    added in another order: a round-off apart from one product, the same in every run)."""

    def __init__(self, matrix):
        indptr = matrix.indptr
        cuts = np.searchsorted(indptr, np.linspace(0, indptr[-1], BLOCKS + 1)[1:-1])
        rows = [0, *map(int, cuts), matrix.shape[0]]
        self.blocks = []
        for r0, r1 in zip(rows, rows[1:]):
            e0, e1 = int(indptr[r0]), int(indptr[r1])
            block = sparse.csr_array(
                (matrix.data[e0:e1], matrix.indices[e0:e1], indptr[r0 : r1 + 1] - e0), shape=(r1 - r0, matrix.shape[1])
            )
            block.data, block.indices = matrix.data[e0:e1], matrix.indices[e0:e1]  # the matrix's own values
            self.blocks.append((r0, r1, block, _transposed(block)))

    def times(self, x, out):
        """out = M @ x, a block of rows per thread."""
        in_blocks(lambda b: np.copyto(out[b[0] : b[1]], b[2] @ x), self.blocks)

    def transposed_times(self, y, out):
        """out = Mᵀ @ y = Σ_blocks blockᵀ @ y[block's rows]."""
        parts = in_blocks(lambda b: b[3] @ y[b[0] : b[1]], self.blocks)
        np.copyto(out, parts[0])
        for part in parts[1:]:
            out += part


class Link:
    """The edges between a wave and the rest of the network, seen from the wave's side.

    Forward (kind "in"): z_W = M @ a[rows], M is (wave × columns), columns being register rows
    (t - delay)·N + sender at tick t. Backward (kind "out"): the sum over out-edges, M is (wave × columns)
    with columns (t + delay)·N + receiver.
    """

    def __init__(self, edges, rows_in_wave, column_offsets, weight, n_rows, view_range=None):
        columns, column_of_edge = _unique(column_offsets)
        self.column_offsets = columns.astype(np.int64)  # add t·N to get register rows
        contiguous = len(columns) > 0 and columns[-1] - columns[0] + 1 == len(columns)
        self.first_column = int(columns[0]) if contiguous else None  # then a gather is a slice
        self.weight, self.view_range, self.n_edges = weight, view_range, len(edges)
        self.degree = None  # the senders per neuron, when every neuron of a sparse in-link has as many
        self.row_blocks = None  # a large sparse in-link's matrix in row blocks, computed on threads
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
            self.shared = False  # whether the matrix's values are the weights themselves
            if view_range:  # an in-link's values are a run of θ: the matrix reads them in place
                self.matrix.data = weight[view_range[0] : view_range[1]]
                self.shared = np.shares_memory(self.matrix.data, weight)
                self.row_of_edge = rows_in_wave.astype(np.int32)  # it also sums a_in·δ per edge for the gradient
                counts = np.diff(indptr)
                # every neuron of the wave has the same number of senders (a fixed fan-in): then the gradient
                # needs no gather of δ, each neuron's senders being a (degree × batch) block against its δ
                self.degree = int(counts[0]) if len(counts) and counts[0] > 0 and (counts == counts[0]).all() else None
                if self.n_edges >= PARALLEL_EDGES and self.shared:
                    self.row_blocks = RowBlocks(self.matrix)

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
        """Copy the current weights into the CSR matrix (dense blocks and shared values: nothing to do)."""
        if self.dense or self.shared:
            return
        if self.edges is None:
            self.matrix.data[:] = self.weight[self.view_range[0] : self.view_range[1]]
        else:
            np.take(self.weight, self.edges, out=self.matrix.data)

    def transposed(self) -> sparse.csc_array:
        """The matrix transposed, as a CSC matrix on the same values (scipy's .T copies them)."""
        return _transposed(self.matrix)

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
        elif self.row_blocks is not None:
            self.row_blocks.times(gathered, out)
        else:
            out[...] = self.matrix @ gathered


class WaveKernel:
    """One wave's neurons, handled together."""

    def __init__(self, model, nodes, in_range, in_ranges):
        s, n = model.structure, model.structure.n
        self.nodes = np.asarray(nodes)
        first, last = self.nodes[0], self.nodes[-1]
        self.consecutive = last - first + 1 == len(self.nodes)
        self.index = slice(first, last + 1) if self.consecutive else self.nodes
        position = np.full(n, -1)
        position[self.nodes] = np.arange(len(self.nodes))
        # forward: the wave's in-edges are one contiguous run of the edge arrays
        start, stop = in_range
        in_edges = np.arange(start, stop)
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
        out_edges = out_edges[
            np.argsort(position[s.src[out_edges]].astype(np.int64) * n + s.dst[out_edges], kind="stable")
        ]
        self.outgoing_block = _transposed_block(out_edges, s, position)
        self.outgoing = None
        self.returning_wave = _transposed_link(out_edges, s, in_ranges, len(self.nodes)) if len(out_edges) else None
        self.returning = None  # (that wave's in-link transposed, that wave), set by the executor
        if self.outgoing_block is None and self.returning_wave is None and len(out_edges):
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
        self._grad_block = None  # this wave's block of dL/dw, a view made at the first update

    def views(self, signals, t):
        """The wave's registers at tick t: {"z", "a", "in", "delta", "error", "back"}. For a consecutive wave
        they are views, made once per register set and kept in it (`Signals.views`); a scattered wave gets
        copies, written back by the caller. None where a gather must be fresh."""
        views = signals.views.get((self, t))
        if views is not None:
            return views
        n, index = signals.n_neurons, self.index
        views = {"z": signals.z[t, index], "a": signals.a[t, index], "back": None}
        views["in"] = self.incoming.gather(signals.a_rows, t, n) if self.incoming.first_column is not None else None
        if signals.delta is not None:
            views["delta"], views["error"] = signals.delta[t, index], signals.error[t, index]
            if self.outgoing_block is not None:
                first = t * n + self._returning_offset
                views["back"] = signals.delta_rows[first : first + self._outgoing_T.shape[1]]
            elif self.returning is not None and self.returning[1].consecutive:
                views["back"] = signals.delta[t, self.returning[1].index]
        if self.consecutive:
            signals.views[(self, t)] = views
        return views

    def forward(self, signals, t):
        """z = b + Σ_in w·a ;  a = f(z), for the whole wave, written straight into the registers."""
        if t == 1 and not self.incoming.dense:
            self.incoming.refresh()
        views = self.views(signals, t)
        z, a = views["z"], views["a"]
        if self.incoming.dense and views["in"] is not None:
            np.matmul(self.incoming.block, views["in"], out=z)
        else:
            self.incoming.times(signals.a_rows, t, signals.n_neurons, out=z)
        z += self._bias_column if self.consecutive else self.bias[self.index, None]
        _apply(self.groups, z, out=a)
        if self.model.any_silenced:  # silenced neurons send 0
            a[self._lesioned if self.consecutive else self.lesions[self.index]] = 0.0
        if not self.consecutive:
            signals.z[t, self.index], signals.a[t, self.index] = z, a

    def backward(self, signals, t):
        """δ = f'(z) · (e + Σ_out w·δ), for the whole wave, written straight into the registers."""
        views = self.views(signals, t)
        delta, back = views["delta"], views["back"]
        if self.outgoing_block is not None:
            np.matmul(self._outgoing_T, back, out=delta)
        elif self.returning is not None:
            transposed, receivers = self.returning
            if back is None:  # the receivers are scattered: gather their δ afresh
                back = signals.delta[t, receivers.index]
            if isinstance(transposed, np.ndarray):
                np.matmul(transposed, back, out=delta)
            elif isinstance(transposed, RowBlocks):
                transposed.transposed_times(back, delta)
            else:
                delta[...] = transposed @ back
        elif self.outgoing is not None:
            self.outgoing.times(signals.delta_rows, t, signals.n_neurons, out=delta)
        else:
            delta.fill(0.0)
        if self.has_outputs:  # only output neurons receive the environment's error
            delta += views["error"]
        if not self.linear:
            if self._slope.shape != delta.shape:
                self._slope = np.empty_like(delta)
            delta *= _derivative(self.groups, views["z"], views["a"], out=self._slope)
        if self.model.any_silenced:
            delta[self._lesioned if self.consecutive else self.lesions[self.index]] = 0.0
        if not self.consecutive:
            signals.delta[t, self.index] = delta

    def weight_gradient(self, signals, grad, scratch):
        """grad[e] = Σ_t Σ_batch a_in · δ for the wave's in-edges, written into `grad` (a sparse wave gathers
        a_in per edge a chunk at a time into `scratch`, and δ too unless all its neurons have as many senders)."""
        link, n = self.incoming, signals.n_neurons
        start, stop = link.view_range
        if link.dense:
            if self._grad_block is None or self._grad_block.base is not grad.base:
                self._grad_block = grad[start:stop].reshape(link.dense_shape)
            block = self._grad_block
            for t in range(1, signals.ticks + 1):
                views = self.views(signals, t)
                delta, arrived = views["delta"], views["in"]
                if arrived is None:
                    arrived = link.gather(signals.a_rows, t, n)
                if t == 1:
                    np.matmul(delta, arrived.T, out=block)
                else:
                    block += delta @ arrived.T
            return
        grad[start:stop] = 0.0
        blocks = [(0, len(self.nodes))] if link.row_blocks is None else [b[:2] for b in link.row_blocks.blocks]
        buffers = scratch.reshape(len(blocks), -1, scratch.shape[-1])  # one scratch buffer per block of rows
        if link.degree is not None and link.degree <= buffers.shape[1]:
            grad = grad[start:stop]
            work = [(grad, buffer, r0, r1) for buffer, (r0, r1) in zip(buffers, blocks)]
            if len(work) == 1:
                self._fixed_fan_in_gradient(signals, *work[0])
            else:
                in_blocks(lambda w: self._fixed_fan_in_gradient(signals, *w), work)
            return
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

    def _fixed_fan_in_gradient(self, signals, grad, scratch, first, last):
        """grad[e] = Σ_t Σ_batch a_in · δ for the in-edges of the wave's neurons first..last-1, when each has k
        senders: per neuron, its senders' signals (k × batch) @ its δ (batch)."""
        link, n, k = self.incoming, signals.n_neurons, self.incoming.degree
        columns = link.matrix.indices
        per_chunk = max(1, len(scratch) // k)  # neurons whose senders' signals are gathered at a time
        product = np.empty((per_chunk, k, 1))
        for t in range(1, signals.ticks + 1):
            delta, arrived = signals.delta[t, self.index], link.gather(signals.a_rows, t, n)
            for r0 in range(first, last, per_chunk):
                r1 = min(r0 + per_chunk, last)
                senders = scratch[: (r1 - r0) * k]
                np.take(arrived, columns[r0 * k : r1 * k], axis=0, out=senders)
                out = product[: r1 - r0]
                np.matmul(senders.reshape(r1 - r0, k, -1), delta[r0:r1, :, None], out=out)
                grad[r0 * k : r1 * k] += out.reshape(-1)


class VectorizedExecutor:
    """Stages computed a wave at a time, on the agents' own registers and parameter arrays."""

    takes_steps_itself = False  # its update only computes the step: the model checks it, then takes it

    def __init__(self, model):
        self.model = model
        s = model.structure
        wave_of = np.zeros(s.n, dtype=np.int64)
        for i, wave in enumerate(s.waves):
            wave_of[list(wave)] = i
        bounds = np.searchsorted(wave_of[s.dst], np.arange(len(s.waves) + 1))  # edges are grouped by wave
        ranges = [(int(bounds[i]), int(bounds[i + 1])) for i in range(len(s.waves))]
        in_ranges = {start: (i, stop) for i, (start, stop) in enumerate(ranges) if stop > start}
        self.kernels = [WaveKernel(model, wave, ranges[i], in_ranges) for i, wave in enumerate(s.waves)]
        for kernel in self.kernels:
            if kernel.returning_wave is not None and kernel.outgoing_block is None:
                receivers = self.kernels[kernel.returning_wave]
                link = receivers.incoming
                transposed = link.block.T if link.dense else link.row_blocks or link.transposed()
                kernel.returning = (transposed, receivers)
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
        if self.model.any_pruned:  # pruned weights are 0 and get no gradient, so no momentum or decay either
            self.grad_w *= self.model.pruning.keep
        np.matmul(signals.delta[1], self.ones, out=self.grad_b)  # Σ_batch δ: a matmul beats a sum along rows
        for t in range(2, signals.ticks + 1):
            self.grad_b += signals.delta[t] @ self.ones
        self.grad_b[self.inputs] = 0.0
        self.model.optimizer.direction(params.theta, params.velocity, self.grad, out=params.step)


def _transposed(matrix) -> sparse.csc_array:
    """A CSR matrix transposed, as a CSC matrix on the same values (scipy's .T copies them)."""
    transposed = sparse.csc_array((matrix.data, matrix.indices, matrix.indptr), shape=matrix.shape[::-1])
    transposed.data = matrix.data
    assert np.shares_memory(transposed.data, matrix.data)
    return transposed


def _unique(values) -> tuple[np.ndarray, np.ndarray]:
    """np.unique(values, return_inverse=True) for integers in a narrow range (register rows): by counting, not sorting."""
    if len(values) == 0:
        return values.astype(np.int64), np.zeros(0, dtype=np.int64)
    low = int(values.min())
    used = np.zeros(int(values.max()) - low + 1, dtype=bool)
    used[values - low] = True
    rank = np.cumsum(used) - 1
    return np.flatnonzero(used) + low, rank[values - low]


def _transposed_link(out_edges, s, in_ranges, n_senders):
    """The wave whose in-edges are exactly these out-edges, all of delay 0, from every sender of this wave
    (so that wave's in-link, transposed, carries this wave's backward signals); else None."""
    entry = in_ranges.get(int(out_edges.min()))
    if entry is None:
        return None
    wave, stop = entry
    start = int(out_edges.min())
    if stop - start != len(out_edges) or int(out_edges.max()) != stop - 1 or s.delay[start:stop].any():
        return None
    if len(_unique(s.src[start:stop])[0]) != n_senders:
        return None
    return wave


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
