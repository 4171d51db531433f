"""Training throughput of NetworkModel.step() against a plain numpy training loop of the same network.

Run by hand:  python benchmarks/train_speed.py [--repeats 7] [--executors agents,vectorized]

Both sides train the same layered tanh network on the same data with the same loss and plain SGD,
drawing batches epoch by epoch. The model's step also records its DataCollector row (part of a step);
test-set evaluation is pushed out of the timed window (eval_every larger than the run), since it is
measurement, not training. Runs alternate (numpy, model, numpy, model, ...) and the ratio is taken
between the medians, so a noisy neighbour hits both sides alike. For the vectorised executor, "kernels only"
times the same kernels and loss without Mesa's event loop and the per-step instruments, to show what those cost.
"""

from __future__ import annotations

import argparse
import statistics
import time
from functools import partial

import numpy as np

from model import NetworkModel
from model.architectures import layered
from model.network import EXECUTORS

CASES = {
    "2-16-16-1, batch 1 (moons, bce)": dict(
        sizes=[2, 16, 16, 1], dataset="moons", loss="bce", batch_size=1, steps=2000
    ),
    "64-128-10, batch 32 (digits, cross_entropy)": dict(
        sizes=[64, 128, 10], dataset="digits", loss="cross_entropy", batch_size=32, steps=300
    ),
}


class NumpyReference:
    """The textbook loop: dense layers, forward, loss, backward, SGD."""

    def __init__(self, model: NetworkModel, sizes, loss):
        rng = np.random.default_rng(0)
        self.w = [rng.uniform(-1, 1, (m, n)) * np.sqrt(6 / (m + n)) for n, m in zip(sizes, sizes[1:])]
        self.b = [np.zeros(m) for m in sizes[1:]]
        self.x, self.y = model.data.x_train, model.data.y_train
        self.loss, self.batch, self.lr, self.rng = loss, model.batch_size, 0.1, rng
        self.order, self.cursor = rng.permutation(len(self.x)), 0

    def step(self):
        if self.cursor + self.batch > len(self.order):
            self.order, self.cursor = self.rng.permutation(len(self.x)), 0
        rows = self.order[self.cursor : self.cursor + self.batch]
        self.cursor += self.batch
        x, y = self.x[rows], self.y[rows]
        acts = [x]
        for i, (w, b) in enumerate(zip(self.w, self.b)):
            z = acts[-1] @ w.T + b
            last = i == len(self.w) - 1
            acts.append(z if last else np.tanh(z))
        out = acts[-1]
        if self.loss == "bce":
            p = 1 / (1 + np.exp(-out))
            self.value = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
            grad = (p - y) / p.size  # through the sigmoid
        else:
            shifted = out - out.max(axis=1, keepdims=True)
            p = np.exp(shifted)
            p /= p.sum(axis=1, keepdims=True)
            self.value = -np.mean(np.log(p[np.arange(len(y)), y]))
            grad = p
            grad[np.arange(len(y)), y] -= 1
            grad /= len(y)
        for i in range(len(self.w) - 1, -1, -1):
            gw, gb = grad.T @ acts[i], grad.sum(axis=0)
            if i:
                grad = (grad @ self.w[i]) * (1 - acts[i] ** 2)
            self.w[i] -= self.lr * gw
            self.b[i] -= self.lr * gb


def build_model(case, executor) -> NetworkModel:
    """The case's network, trained with plain SGD at learning rate 0.1; test evaluation pushed out of the run."""
    output = "sigmoid" if case["loss"] == "bce" else "identity"
    return NetworkModel(
        graph=layered(case["sizes"]),
        dataset=case["dataset"],
        loss=case["loss"],
        output_activation=output,
        learning_rate=0.1,
        batch_size=case["batch_size"],
        executor=executor,
        eval_every=10**9,
        rng=0,
    )


def kernels_only(model: NetworkModel):
    """One training step of `model` through the same wave kernels and loss, without Mesa's event loop, the
    stage bookkeeping or any instrument (accuracy, input and error power, weight change, divergence checks,
    the DataCollector row): what the step would cost if nothing were measured."""
    executor, environment, params, signals = model._executor, model.environment, model.params, model.signals
    waves = range(len(model.waves))

    def step():
        x, y = environment.stream.next_batch()
        environment.present(x)
        for i in waves:
            executor.forward(1, i)
        _, grad = environment.loss.value_and_gradient(environment.outputs_now(), y)
        signals.error[-1, environment.outputs] = grad.T
        for i in reversed(waves):
            executor.backward(1, i)
        executor.update()
        params.theta -= params.step

    return step


def per_step(run, steps):
    start = time.perf_counter()
    for _ in range(steps):
        run()
    return (time.perf_counter() - start) / steps


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--executors", default=",".join(EXECUTORS))
    args = parser.parse_args()
    executors = args.executors.split(",")
    print(
        f"{'case':<46} {'executor':<11} {'numpy µs/step':>14} {'model µs/step':>14} {'ratio':>7}"
        f" {'kernels only':>13} {'ratio':>6}"
    )
    for name, case in CASES.items():
        for executor in executors:
            build = partial(build_model, case, executor)
            model = build()
            reference = NumpyReference(model, case["sizes"], case["loss"])
            times_np, times_model, times_kernels = [], [], []
            for _ in range(args.repeats):
                times_np.append(per_step(reference.step, case["steps"]))
                model = build()  # a fresh model each repeat keeps the DataCollector's history the same size
                times_model.append(per_step(model.step, case["steps"]))
                if executor == "vectorized":
                    times_kernels.append(per_step(kernels_only(build()), case["steps"]))
            t_np, t_model = statistics.median(times_np), statistics.median(times_model)
            line = f"{name:<46} {executor:<11} {t_np * 1e6:>14.1f} {t_model * 1e6:>14.1f} {t_model / t_np:>6.1f}x"
            if times_kernels:
                t_kernels = statistics.median(times_kernels)
                line += f" {t_kernels * 1e6:>13.1f} {t_kernels / t_np:>5.2f}x"
            print(line, flush=True)


if __name__ == "__main__":
    main()
