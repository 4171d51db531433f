"""How fast can any one-object-per-neuron numpy loop train 2-16-16-1 at batch 1? The floor under `executor="agents"`.

Run by hand:  python benchmarks/agent_floor.py [--rounds 100] [--chunk 50]

A bare loop, not neurohive: each neuron is a plain Python object holding views of its weights and of its
neighbours' signals (no Mesa, no registers per tick, no lesions, no optimiser object, no loss object, no
recording), and per step it makes the fewest numpy calls its three rules need: forward z = w·a_in + b,
a = tanh z; backward δ = f'(z)·(w_out·δ_out) as 1 - a², two products; update w -= η a_in δ, b -= η δ.
Timed against the same textbook numpy loop as train_speed.py and against the model's agent executor on the
same network: with the test measurement pushed out against the bare loop, and with its defaults (the test
set's loss and accuracy every 10 steps) against the bare loop that also measures the test set every 10
steps, by its neurons' forward rule on test-sized registers. Every contender is built and
warmed up first (its first steps fill its caches), then they take turns in short chunks of `--chunk` steps,
in a shuffled order each round, so that a burst of load on a shared machine (seconds long) falls on one
chunk of each rather than on one contender's whole run; medians over the rounds are compared, as wall
time and as this process's CPU time.
"""

from __future__ import annotations

import argparse
import random
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
    """2-16-16-1 as bare neurons over dense per-layer arrays (signals shaped (neurons, batch)); with
    `eval_every`, the test set's loss and accuracy every that many steps, by the same neurons' forward rule
    on registers of the test set's size (weights shared)."""

    def __init__(self, x, y, rng, x_test=None, y_test=None, eval_every=None):
        self.x, self.y, self.rng, self.lr = x, y, rng, 0.1
        self.x_test, self.y_test, self.eval_every, self.steps = x_test, y_test, eval_every, 0
        self.order, self.cursor = rng.permutation(len(x)), 0
        self.w = [rng.uniform(-0.5, 0.5, (m, n)) for n, m in zip(SIZES, SIZES[1:])]
        self.b = [np.zeros((m, 1)) for m in SIZES[1:]]
        self.a, self.layers = self.registers(1)
        if eval_every:
            self.a_test, self.test_layers = self.registers(len(x_test))

    def registers(self, batch):
        """(a per layer, the neurons per layer) over fresh registers for batches of `batch`."""
        a, z, delta = ([np.zeros((n, batch)) for n in SIZES] for _ in range(3))
        layers = []
        for layer in range(1, len(SIZES)):
            last = layer == len(SIZES) - 1
            layers.append(
                [
                    BareNeuron(
                        self.w[layer - 1][i],
                        self.b[layer - 1][i],
                        a[layer - 1],
                        z[layer][i],
                        a[layer][i],
                        delta[layer][i],
                        None if last else self.w[layer][:, i],
                        None if last else delta[layer + 1],
                        self.lr,
                    )
                    for i in range(SIZES[layer])
                ]
            )
        return a, layers

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
        self.steps += 1
        if self.eval_every and self.steps % self.eval_every == 0:
            self.test()

    def test(self):
        """The test set's BCE and accuracy, the forward rule run on the test registers."""
        self.a_test[0][:] = self.x_test.T
        for layer in self.test_layers:
            for neuron in layer:
                neuron.forward()
        z, y = self.test_layers[-1][0].z, self.y_test[:, 0]
        self.test_loss = float(np.mean(np.logaddexp(0.0, z) - y * z))  # -[y log σ(z) + (1-y) log(1-σ(z))]
        self.test_accuracy = np.count_nonzero((z > 0) == (y > 0.5)) / len(y)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--chunk", type=int, default=50, help="steps per turn (a multiple of eval_every = 10)")
    parser.add_argument("--warmup", type=int, default=50)
    args = parser.parse_args()
    model = NetworkModel(graph=layered(SIZES), dataset="moons", loss="bce", batch_size=1, eval_every=10**9, rng=0)
    reference = NumpyReference(model, SIZES, "bce")
    data = model.data
    bare = BareNetwork(data.x_train, data.y_train, np.random.default_rng(0))
    bare_test = BareNetwork(data.x_train, data.y_train, np.random.default_rng(0), data.x_test, data.y_test, 10)
    steps = {
        "numpy": reference.step,
        "bare": bare.step,
        "bare, test every 10": bare_test.step,
        "agents, defaults": agents_model().step,
        "agents, no test": agents_model(eval_every=10**9).step,
    }
    for step in steps.values():
        per_step(step, args.warmup)
    times = {key: [] for key in steps}
    order = list(steps)
    shuffle = random.Random(0).shuffle
    for _ in range(args.rounds):
        shuffle(order)
        for key in order:
            times[key].append(per_step(steps[key], args.chunk))
    wall = {key: statistics.median(t[0] for t in value) for key, value in times.items()}
    cpu = {key: statistics.median(t[1] for t in value) for key, value in times.items()}
    calls = 3 + 4 + 5  # numpy calls per hidden neuron and step: forward, backward, update
    print(f"medians of {args.rounds} rounds of {args.chunk} steps each, wall / CPU (this process)")
    print(f"numpy reference      {wall['numpy'] * 1e6:8.1f} / {cpu['numpy'] * 1e6:8.1f} µs/step")
    print(
        f"bare neuron loop     {wall['bare'] * 1e6:8.1f} / {cpu['bare'] * 1e6:8.1f} µs/step   "
        f"{cpu['bare'] / cpu['numpy']:5.1f}x numpy (CPU)   ({sum(map(len, bare.layers))} neurons, {calls} numpy calls each)"
    )
    floors = {"agents, defaults": ("bare, test every 10", "bare"), "agents, no test": ("bare",)}
    print(
        f"{'bare, test every 10':<20} {wall['bare, test every 10'] * 1e6:8.1f} / {cpu['bare, test every 10'] * 1e6:8.1f} µs/step"
    )
    for key, against in floors.items():
        ratios = ",  ".join(f"{wall[key] / wall[f]:5.2f}x / {cpu[key] / cpu[f]:5.2f}x the {f} loop" for f in against)
        print(f"{key:<20} {wall[key] * 1e6:8.1f} / {cpu[key] * 1e6:8.1f} µs/step   {ratios}")


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
