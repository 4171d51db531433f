"""What a mask costs: a training step with half the weights pruned against the same step unmasked.

Run by hand:  python benchmarks/pruning_speed.py [--repeats 9] [--lottery]

For each case and executor, two models of the same seed: one unmasked, one with half the weights pruned
at random per layer (model.prune(0.5, by="random")). Blocks of steps alternate (unmasked, masked, masked,
unmasked, ...) and the ratio is taken between the medians of the time per step, so a noisy neighbour hits both alike.
With momentum and weight decay on, so the masked step is the one that has the most to keep at 0.
`--lottery` also times the whole lottery at its defaults (`neurohive lottery digits`, 15 rounds, 5 seeds).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

from model import NetworkModel
from model.architectures import random_dag

CASES = {
    "digits 64-64-32-10, batch 32 (dense blocks)": dict(
        dataset="digits", hidden=(64, 32), loss="cross_entropy", activation="relu"
    ),
    "digits 64-256-256-10, batch 32 (dense blocks)": dict(
        dataset="digits", hidden=(256, 256), loss="cross_entropy", activation="relu"
    ),
    "digits random DAG, 200 hidden, p 0.3 (sparse CSR waves)": dict(
        dataset="digits", graph=random_dag(64, 200, 10, p=0.3, rng=1), loss="cross_entropy", activation="relu"
    ),
}
STEPS = {"agents": 20, "vectorized": 100}


def build(case: dict, executor: str, masked: bool) -> NetworkModel:
    model = NetworkModel(
        **case, executor=executor, batch_size=32, learning_rate=0.05, momentum=0.9, weight_decay=1e-4,
        eval_every=10**9, rng=0,
    )  # fmt: skip
    if masked:
        model.prune(0.5, by="random", rng=1)
    for _ in range(3):  # warm up: first-use buffers
        model.step()
    return model


def time_steps(model, steps: int) -> float:
    start = time.perf_counter()
    for _ in range(steps):
        model.step()
    return (time.perf_counter() - start) / steps


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument("--lottery", action="store_true", help="also time `neurohive lottery digits` at its defaults")
    args = parser.parse_args(argv)
    print("the machine is shared: medians of alternating blocks; read the ratios, not the absolute times")
    for name, case in CASES.items():
        for executor, steps in STEPS.items():
            plain, masked = build(case, executor, False), build(case, executor, True)
            times = {"plain": [], "masked": []}
            for repeat in range(args.repeats):  # ABBA: neither side is always first
                for side in ("plain", "masked") if repeat % 2 == 0 else ("masked", "plain"):
                    times[side].append(time_steps(plain if side == "plain" else masked, steps))
            a, b = statistics.median(times["plain"]), statistics.median(times["masked"])
            print(f"{name:<58} {executor:<10} unmasked {1e3 * a:7.3f} ms  masked {1e3 * b:7.3f} ms  ratio {b / a:.3f}")
    if args.lottery:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "scenarios.cli", "lottery", "digits", "--quiet"], check=True)
        print(f"the whole lottery at its defaults: {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
