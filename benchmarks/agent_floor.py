"""How fast can any one-object-per-neuron numpy loop train 2-16-16-1 at batch 1? The floor under `executor="agents"`.

Run by hand:  python benchmarks/agent_floor.py [--repeats 7] [--steps 2000]

A bare loop, not neurohive: each neuron is a plain Python object holding views of its weights and of its
neighbours' signals (no Mesa, no registers per tick, no lesions, no optimiser object, no loss object, no
recording), and per step it makes the fewest numpy calls its three rules need: forward z = w·a_in + b,
a = tanh z; backward δ = f'(z)·(w_out·δ_out) as 1 - a², two products; update w -= η a_in δ, b -= η δ.
Timed against the same textbook numpy loop as train_speed.py and against the model's agent executor on the
same network (with its defaults, and with the test measurement pushed out), runs alternating, medians
compared, as wall time and as this process's CPU time.
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
    times = {"numpy": [], "bare": [], "agents, defaults": [], "agents, no test": []}
    for _ in range(args.repeats):  # alternating, so a noisy neighbour hits every column alike
        times["numpy"].append(per_step(reference.step, args.steps))
        times["bare"].append(per_step(bare.step, args.steps))
        times["agents, defaults"].append(per_step(agents_model().step, args.steps))
        times["agents, no test"].append(per_step(agents_model(eval_every=10**9).step, args.steps))
    wall = {key: statistics.median(t[0] for t in value) for key, value in times.items()}
    cpu = {key: statistics.median(t[1] for t in value) for key, value in times.items()}
    calls = 3 + 4 + 3  # numpy calls per hidden neuron and step: forward, backward, update (2 of them fused here)
    print("medians, wall / CPU (this process)")
    print(f"numpy reference      {wall['numpy'] * 1e6:8.1f} / {cpu['numpy'] * 1e6:8.1f} µs/step")
    print(
        f"bare neuron loop     {wall['bare'] * 1e6:8.1f} / {cpu['bare'] * 1e6:8.1f} µs/step   "
        f"{cpu['bare'] / cpu['numpy']:5.1f}x numpy (CPU)   ({sum(map(len, bare.layers))} neurons, ~{calls} numpy calls each)"
    )
    for key in ("agents, defaults", "agents, no test"):
        print(
            f"{key:<20} {wall[key] * 1e6:8.1f} / {cpu[key] * 1e6:8.1f} µs/step   "
            f"{wall[key] / wall['bare']:5.2f}x / {cpu[key] / cpu['bare']:5.2f}x the bare loop"
        )


def agents_model(eval_every=10) -> NetworkModel:
    """2-16-16-1 on the agent executor, plain SGD at 0.1: the test set measured every `eval_every` steps."""
    return NetworkModel(
        graph=layered(SIZES),
        dataset="moons",
        loss="bce",
        batch_size=1,
        learning_rate=0.1,
        executor="agents",
        eval_every=eval_every,
        rng=0,
    )


if __name__ == "__main__":
    main()
