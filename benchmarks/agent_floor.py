"""How fast can any one-object-per-neuron numpy loop train 2-16-16-1 at batch 1? The floor under `executor="agents"`.

Run by hand:  python benchmarks/agent_floor.py [--repeats 7] [--steps 2000]

A bare loop, not neurohive: each neuron is a plain Python object holding views of its weights and of its
neighbours' signals (no Mesa, no registers per tick, no lesions, no optimiser object, no loss object, no
recording), and per step it makes the fewest numpy calls its three rules need: forward z = w·a_in + b,
a = tanh z; backward δ = f'(z)·(w_out·δ_out) as 1 - a², two products; update w -= η a_in δ, b -= η δ.
Timed against the same textbook numpy loop as train_speed.py, runs alternating, medians compared.
"""

from __future__ import annotations

import argparse
import statistics

import numpy as np
from train_speed import NumpyReference, per_step  # benchmarks/ is on the path when run as a script

from model import NetworkModel
from model.architectures import layered

SIZES = [2, 16, 16, 1]


class BareNeuron:
    """One neuron's state and its three rules, with the fewest numpy calls each."""

    def __init__(self, w_in, b, a_in, z, a, delta, w_out, delta_out, lr):
        self.w_in, self.b, self.a_in, self.z, self.a, self.delta = w_in, b, a_in, z, a, delta
        self.w_out, self.delta_out, self.lr, self.slope = w_out, delta_out, lr, np.empty_like(z)

    def forward(self):
        np.matmul(self.w_in, self.a_in, out=self.z)
        self.z += self.b
        np.tanh(self.z, out=self.a)

    def backward(self):
        np.matmul(self.w_out, self.delta_out, out=self.delta)
        np.multiply(self.a, self.a, out=self.slope)
        np.subtract(1.0, self.slope, out=self.slope)
        self.delta *= self.slope

    def update(self):
        self.w_in -= self.lr * (self.a_in @ self.delta)
        self.b -= self.lr * self.delta


class BareNetwork:
    """2-16-16-1 as bare neurons over dense per-layer arrays (signals shaped (neurons, batch=1))."""

    def __init__(self, x, y, rng):
        self.x, self.y, self.rng, self.lr = x, y, rng, 0.1
        self.order, self.cursor = rng.permutation(len(x)), 0
        a = [np.zeros((n, 1)) for n in SIZES]
        z = [np.zeros((n, 1)) for n in SIZES]
        delta = [np.zeros((n, 1)) for n in SIZES]
        w = [rng.uniform(-0.5, 0.5, (m, n)) for n, m in zip(SIZES, SIZES[1:])]
        b = [np.zeros((m, 1)) for m in SIZES[1:]]
        self.a, self.z, self.delta, self.layers = a, z, delta, []
        for layer in range(1, len(SIZES)):
            last = layer == len(SIZES) - 1
            self.layers.append(
                [
                    BareNeuron(
                        w[layer - 1][i],
                        b[layer - 1][i],
                        a[layer - 1],
                        z[layer][i],
                        a[layer][i],
                        delta[layer][i],
                        None if last else w[layer][:, i],
                        None if last else delta[layer + 1],
                        self.lr,
                    )
                    for i in range(SIZES[layer])
                ]
            )

    def step(self):
        if self.cursor + 1 > len(self.order):
            self.order, self.cursor = self.rng.permutation(len(self.x)), 0
        row = self.order[self.cursor]
        self.cursor += 1
        self.a[0][:, 0] = self.x[row]
        for layer in self.layers:
            for neuron in layer:
                neuron.forward()
        out = self.layers[-1][0]  # sigmoid output with bce: δ = p - y
        out.delta[0] = 1.0 / (1.0 + np.exp(-out.z[0])) - self.y[row, 0]
        for layer in reversed(self.layers[:-1]):
            for neuron in layer:
                neuron.backward()
        for layer in self.layers:
            for neuron in layer:
                neuron.update()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--steps", type=int, default=2000)
    args = parser.parse_args()
    model = NetworkModel(graph=layered(SIZES), dataset="moons", loss="bce", batch_size=1, eval_every=10**9, rng=0)
    reference = NumpyReference(model, SIZES, "bce")
    bare = BareNetwork(model.data.x_train, model.data.y_train, np.random.default_rng(0))
    times_np, times_bare = [], []
    for _ in range(args.repeats):
        times_np.append(per_step(reference.step, args.steps))
        times_bare.append(per_step(bare.step, args.steps))
    t_np, t_bare = statistics.median(times_np), statistics.median(times_bare)
    calls = 3 + 4 + 3  # numpy calls per hidden neuron and step: forward, backward, update (2 of them fused here)
    print(f"numpy reference      {t_np * 1e6:8.1f} µs/step")
    print(
        f"bare neuron loop     {t_bare * 1e6:8.1f} µs/step   {t_bare / t_np:5.1f}x   "
        f"({sum(map(len, bare.layers))} neurons, ~{calls} numpy calls each)"
    )


if __name__ == "__main__":
    main()
