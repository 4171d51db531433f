"""Training throughput of NetworkModel.step() against a plain numpy training loop of the same network.

Run by hand:  python benchmarks/train_speed.py [--repeats 7] [--executors agents,vectorized] [--cases 0,1,2]

Both sides train the same layered tanh network on the same data with the same loss and plain SGD, drawing
batches epoch by epoch. Columns, each a median over alternating runs (numpy, model, numpy, model, ...):
- "defaults": the model as a user gets it (test set measured every eval_every = 10 steps, the DataCollector
  row, the divergence checks), against the numpy loop that also measures the test set (loss and accuracy)
  every 10 steps;
- "no test": the model with the test measurement pushed out of the run, against the bare numpy loop;
- "kernels only" (vectorised): the same wave kernels and loss without Mesa's event loop or any instrument,
  against the bare numpy loop.
Each figure is given as wall time and as this process's CPU time: on a shared machine the CPU time is the
steadier of the two (a neighbour's load stretches wall time, not the CPU time of what this process did).
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from model import NetworkModel
from model.architectures import layered
from model.network import EXECUTORS

CASES = [
    (
        "2-16-16-1, batch 1 (moons, bce)",
        dict(sizes=[2, 16, 16, 1], dataset="moons", loss="bce", batch_size=1, steps=2000),
    ),
    (
        "64-128-10, batch 32 (digits)",
        dict(sizes=[64, 128, 10], dataset="digits", loss="cross_entropy", batch_size=32, steps=300),
    ),
    (
        "64-1024-1024-10, batch 32 (digits)",
        dict(sizes=[64, 1024, 1024, 10], dataset="digits", loss="cross_entropy", batch_size=32, steps=60),
    ),
]
EVAL_EVERY = 10


class NumpyReference:
    """The textbook loop: dense layers, forward, loss, backward, SGD; with `eval_every`, the test set's loss and
    accuracy every that many steps, as the model's defaults do."""

    def __init__(self, model: NetworkModel, sizes, loss, eval_every=None):
        rng = np.random.default_rng(0)
        self.w = [rng.uniform(-1, 1, (m, n)) * np.sqrt(6 / (m + n)) for n, m in zip(sizes, sizes[1:], strict=False)]
        self.b = [np.zeros(m) for m in sizes[1:]]
        self.x, self.y = model.data.x_train, model.data.y_train
        self.x_test, self.y_test = model.data.x_test, model.data.y_test
        self.loss, self.batch, self.lr, self.rng = loss, model.batch_size, 0.1, rng
        self.order, self.cursor = rng.permutation(len(self.x)), 0
        self.eval_every, self.steps = eval_every, 0

    def forward(self, x):
        acts = [x]
        for i, (w, b) in enumerate(zip(self.w, self.b, strict=True)):
            z = acts[-1] @ w.T + b
            acts.append(z if i == len(self.w) - 1 else np.tanh(z))
        return acts

    def loss_and_gradient(self, out, y):
        if self.loss == "bce":
            p = 1 / (1 + np.exp(-out))
            return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)), (p - y) / p.size  # through the sigmoid
        shifted = out - out.max(axis=1, keepdims=True)
        p = np.exp(shifted)
        p /= p.sum(axis=1, keepdims=True)
        value = -np.mean(np.log(p[np.arange(len(y)), y]))
        p[np.arange(len(y)), y] -= 1
        return value, p / len(y)

    def test(self):
        out = self.forward(self.x_test)[-1]
        self.test_loss, _ = self.loss_and_gradient(out, self.y_test)
        hits = (out[:, 0] > 0) == (self.y_test[:, 0] > 0.5) if self.loss == "bce" else out.argmax(axis=1) == self.y_test
        self.test_accuracy = np.count_nonzero(hits) / len(out)

    def step(self):
        if self.cursor + self.batch > len(self.order):
            self.order, self.cursor = self.rng.permutation(len(self.x)), 0
        rows = self.order[self.cursor : self.cursor + self.batch]
        self.cursor += self.batch
        acts = self.forward(self.x[rows])
        self.value, grad = self.loss_and_gradient(acts[-1], self.y[rows])
        for i in range(len(self.w) - 1, -1, -1):
            gw, gb = grad.T @ acts[i], grad.sum(axis=0)
            if i:
                grad = (grad @ self.w[i]) * (1 - acts[i] ** 2)
            self.w[i] -= self.lr * gw
            self.b[i] -= self.lr * gb
        self.steps += 1
        if self.eval_every and self.steps % self.eval_every == 0:
            self.test()


def build_model(case, executor, eval_every=EVAL_EVERY) -> NetworkModel:
    """The case's network, trained with plain SGD at learning rate 0.1; every other keyword at its default."""
    output = "sigmoid" if case["loss"] == "bce" else "identity"
    return NetworkModel(
        graph=layered(case["sizes"]),
        dataset=case["dataset"],
        loss=case["loss"],
        output_activation=output,
        learning_rate=0.1,
        batch_size=case["batch_size"],
        executor=executor,
        eval_every=eval_every,
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


def per_step(run, steps) -> tuple[float, float]:
    """(wall, CPU) seconds per call of `run`, over `steps` calls."""
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(steps):
        run()
    return (time.perf_counter() - wall) / steps, (time.process_time() - cpu) / steps


def ratio(model_times, reference_times) -> str:
    """median model / median reference, wall and CPU."""
    wall = statistics.median(t[0] for t in model_times) / statistics.median(t[0] for t in reference_times)
    cpu = statistics.median(t[1] for t in model_times) / statistics.median(t[1] for t in reference_times)
    return f"{wall:5.2f}x / {cpu:5.2f}x"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--executors", default=",".join(EXECUTORS))
    parser.add_argument("--cases", default=",".join(str(i) for i in range(len(CASES))))
    args = parser.parse_args()
    print("ratios: median model time / median numpy time, as wall / CPU; µs are CPU medians")
    print(
        f"{'case':<36} {'executor':<10} {'numpy µs':>9} {'+test µs':>9} {'defaults':>17} {'no test':>17}"
        f" {'kernels only':>17}"
    )
    for index in map(int, args.cases.split(",")):
        name, case = CASES[index]
        for executor in args.executors.split(","):
            model = build_model(case, executor)
            bare, measured = NumpyReference(model, case["sizes"], case["loss"]), None
            measured = NumpyReference(model, case["sizes"], case["loss"], eval_every=EVAL_EVERY)
            times = {key: [] for key in ("numpy", "numpy+test", "defaults", "no test", "kernels")}
            for _ in range(args.repeats):  # alternate, so a noisy neighbour hits every column alike
                times["numpy"].append(per_step(bare.step, case["steps"]))
                times["defaults"].append(per_step(build_model(case, executor).step, case["steps"]))
                times["numpy+test"].append(per_step(measured.step, case["steps"]))
                times["no test"].append(per_step(build_model(case, executor, eval_every=10**9).step, case["steps"]))
                if executor == "vectorized":
                    times["kernels"].append(per_step(kernels_only(build_model(case, executor)), case["steps"]))
            cpu = {key: statistics.median(t[1] for t in value) * 1e6 for key, value in times.items() if value}
            kernels = ratio(times["kernels"], times["numpy"]) if times["kernels"] else "-"
            print(
                f"{name:<36} {executor:<10} {cpu['numpy']:>9.1f} {cpu['numpy+test']:>9.1f} "
                f"{ratio(times['defaults'], times['numpy+test']):>17} {ratio(times['no test'], times['numpy']):>17}"
                f" {kernels:>17}",
                flush=True,
            )


if __name__ == "__main__":
    main()
