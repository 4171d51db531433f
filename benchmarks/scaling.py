"""How a training step scales with the number of edges, and what the model's arrays cost, up to 10^7 edges.

Run by hand:  python benchmarks/scaling.py [--executor vectorized] [--batch 32] [--max-edges 1e7] [--scenario]

Two families of graphs, built as edge arrays (model.architectures.Edges, no networkx), from 10^4 to 10^7
edges: layered 2-w-w-w-2 (dense blocks) and sparse 2-w-w-2 with fan_in 128 (each neuron listens to 128
random neurons of the layer below: scipy CSR products). For each: the build time (wall and CPU), the median
time per step (wall and CPU), the memory the model holds (bytes per edge, by tracemalloc, after
construction and a first step, and the peak on the way), and the growth of memory from step to step once the
bounded history is full. Then the affine fit t = a + b·E of CPU time per step against edges, with r².
`--scenario` measures the `numerosity-hive-scale` scenario itself (digits, 100,074 neurons, 9.65 million edges).
BLAS runs one thread (as in the app), so that CPU time is work, not OpenBLAS's threads waiting; a sparse wave of
2^20 edges or more still runs its two row blocks on two threads (model/vectorized.py), so its CPU time can
exceed its wall time.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time
import tracemalloc
from functools import partial

import numpy as np
from threadpoolctl import threadpool_limits

import scenarios
from model import NetworkModel
from model.architectures import layered, sparse_layered

FAN_IN = 128


def graphs(max_edges):
    """(kind, edges) pairs of growing size."""
    for edges in (1e4, 1e5, 1e6, 1e7):
        if edges > max_edges:
            break
        width = int(round(np.sqrt(edges / 2)))  # 2-w-w-w-2: about 2·w² edges
        yield "layered", layered([2, width, width, width, 2], as_edges=True)
        width = int(round(edges / (FAN_IN + 3)))  # 2-w-w-2 at fan_in 128: about w·(128 + 3) edges
        yield f"sparse k={FAN_IN}", sparse_layered([2, width, width, 2], FAN_IN, rng=0, as_edges=True)


def clocks() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def since(start) -> tuple[float, float]:
    wall, cpu = clocks()
    return wall - start[0], cpu - start[1]


def measure(build, steps, growth_steps):
    """(edges, build (wall, CPU) s, step (wall, CPU) s medians, kept and peak bytes per edge, growth bytes)."""
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    start = clocks()
    model = build()
    built_in = since(start)
    model.step()  # some buffers are made on first use
    kept, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    n_edges = len(model.structure.src)
    times, began = [], time.perf_counter()
    while len(times) < steps or (time.perf_counter() - began < 1.0 and len(times) < 199):  # >= 1 s of small steps
        start = clocks()
        model.step()
        times.append(since(start))
    history = model.history
    for _ in range(2 * history - len(times) - 1):  # fill the bounded history (cut back from 2·history to history)
        model.step()
    tracemalloc.start()
    for _ in range(growth_steps):  # tracemalloc sees only what is allocated after it starts: let records be replaced
        model.step()
    before = tracemalloc.get_traced_memory()[0]
    for _ in range(growth_steps):  # whole cycles of the history bound: the same phase before and after
        model.step()
    growth = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    assert model.running, model.status
    step = (statistics.median(t[0] for t in times), statistics.median(t[1] for t in times))
    return n_edges, built_in, step, (kept - base) / n_edges, (peak - base) / n_edges, growth


def network(edges, executor, batch, history):
    return NetworkModel(
        graph=edges,
        dataset="moons",
        n_samples=max(400, 2 * batch),
        batch_size=batch,
        loss="cross_entropy",
        learning_rate=0.01,
        executor=executor,
        eval_every=10**9,
        history=history,
        rng=0,
    )


def affine(points) -> tuple[float, float, float]:
    """Least-squares t = a + b·E over (E, t) points: (a, b, r²)."""
    e, t = np.array(points, dtype=float).T
    b, a = np.polyfit(e, t, 1)
    residual = t - (a + b * e)
    return a, b, 1.0 - residual @ residual / ((t - t.mean()) @ (t - t.mean()))


def report(kind, n_edges, built_in, step, kept, peak, growth):
    print(
        f"{kind:<22} {n_edges:>9} {built_in[0]:>7.2f} {built_in[1]:>7.2f} {step[0] * 1e3:>10.2f} {step[1] * 1e3:>10.2f}"
        f" {kept:>8.1f} {peak:>8.1f} {growth:>12d} B",
        flush=True,
    )


def main():
    with threadpool_limits(1, "blas"):
        run()


def run():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--executor", default="vectorized")
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--max-edges", type=float, default=1e7)
    parser.add_argument("--scenario", action="store_true", help="measure numerosity-hive-scale instead")
    args = parser.parse_args()
    print(f"executor={args.executor}, batch={args.batch}; times wall / CPU (this process)")
    print(
        f"{'graph':<22} {'edges':>9} {'build s':>7} {'cpu s':>7} {'ms/step':>10} {'cpu ms':>10} {'B/edge':>8}"
        f" {'peak B/e':>8} {'growth':>14}"
    )
    if args.scenario:
        scenario = scenarios.get("numerosity-hive-scale")
        report(
            "numerosity-hive-scale",
            *measure(lambda: scenario.build(rng=0, eval_every=10**9, history=5), args.steps, growth_steps=10),
        )
        return
    rows = {}
    for kind, edges in graphs(args.max_edges):
        big = len(edges) > 2e6
        history, growth_steps = (5, 10) if big else (100, 400)
        result = measure(
            partial(network, edges, args.executor, args.batch, history),
            3 if big else args.steps,
            growth_steps,
        )
        rows.setdefault(kind, []).append((result[0], result[2][1]))
        report(kind, *result)
        del edges
    for kind, points in rows.items():
        if len(points) >= 3:
            a, b, r2 = affine(points)
            print(
                f"{kind}: CPU time per step t = a + b·E from {points[0][0]:,} to {points[-1][0]:,} edges: "
                f"a = {a * 1e3:.3f} ms, b = {b * 1e9:.2f} ns per edge, r² = {r2:.4f}"
            )


if __name__ == "__main__":
    main()
