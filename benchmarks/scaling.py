"""How a training step scales with the number of edges, and what the model's arrays cost.

Run by hand:  python benchmarks/scaling.py [--executor vectorized] [--batch 32] [--max-edges 1000000]

For layered (dense blocks) and random sparse graphs (each pair of consecutive layers linked with
probability p, plus skip connections from the inputs) from 10^3 to 10^6 edges: median time per step,
the memory the model holds beyond the input graph (bytes per edge, by tracemalloc: what is retained
after construction and a first step, and the peak on the way), the growth of memory over 400 steps
once the bounded history is full, and the log-log slope of time against edges from 10^4 edges up.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time
import tracemalloc

import networkx as nx
import numpy as np

from model import NetworkModel
from model.architectures import layered


def sparse_layers(n_in, width, depth, n_out, p, rng) -> nx.DiGraph:
    """Layers of `width` hidden neurons, consecutive layers linked with probability p, inputs skipping to every layer."""
    rng = np.random.default_rng(rng)
    graph = nx.DiGraph()
    sizes = [n_in] + [width] * depth + [n_out]
    first = np.cumsum([0] + sizes)
    for depth_i in range(len(sizes)):
        role = "input" if depth_i == 0 else "output" if depth_i == len(sizes) - 1 else "hidden"
        graph.add_nodes_from(range(first[depth_i], first[depth_i + 1]), role=role, layer=depth_i)
    for i in range(1, len(sizes)):
        senders = np.arange(first[i - 1], first[i])
        for v in range(first[i], first[i + 1]):
            chosen = senders[rng.random(len(senders)) < p]
            if len(chosen) == 0:
                chosen = senders[rng.integers(len(senders), size=1)]
            graph.add_edges_from(((int(u), v) for u in chosen), delay=0)
            if i > 1:
                graph.add_edge(int(rng.integers(first[0], first[1])), v, delay=0)  # a skip connection
    return graph


def graphs(max_edges):
    """(kind, graph) pairs of growing size."""
    for edges in (1e3, 1e4, 1e5, 1e6):
        if edges > max_edges:
            break
        width = int(round(np.sqrt(edges / 2)))  # 2-w-w-w-2: about 2·w² edges
        yield "layered", layered([2, width, width, width, 2])
        sparse_width = int(round(np.sqrt(edges / (2 * 0.1))))  # density 0.1
        yield "sparse p=0.1", sparse_layers(2, sparse_width, 3, 2, 0.1, rng=0)


def measure(graph, executor, batch, steps):
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    model = NetworkModel(
        graph=graph,
        dataset="moons",
        n_samples=max(400, 2 * batch),
        batch_size=batch,
        loss="cross_entropy",
        learning_rate=0.01,
        executor=executor,
        eval_every=10**9,
        history=100,
        rng=0,
    )
    model.step()  # some buffers are made on first use
    built, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    n_edges = len(model.structure.src)
    times, began = [], time.perf_counter()
    while len(times) < steps or (time.perf_counter() - began < 1.0 and len(times) < 199):  # >= 1 s of small steps
        start = time.perf_counter()
        model.step()
        times.append(time.perf_counter() - start)
    for _ in range(200 - len(times) - 1):  # fill the bounded history (100 rows, cut back from 200)
        model.step()
    tracemalloc.start()
    for _ in range(400):  # tracemalloc sees only what is allocated after it starts: let every record be replaced
        model.step()
    before = tracemalloc.get_traced_memory()[0]
    for _ in range(400):  # two full cycles of the history bound: same phase before and after
        model.step()
    growth = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    assert model.running, model.status
    return n_edges, statistics.median(times), (built - base) / n_edges, (peak - base) / n_edges, growth


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--executor", default="vectorized")
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--max-edges", type=float, default=1e6)
    args = parser.parse_args()
    print(f"executor={args.executor}, batch={args.batch}")
    print(f"{'graph':<14} {'edges':>9} {'ms/step':>9} {'B/edge kept':>12} {'B/edge peak':>12} {'growth/400 steps':>17}")
    rows = {}
    for kind, graph in graphs(args.max_edges):
        n_edges, t, kept, peak, growth = measure(graph, args.executor, args.batch, args.steps)
        rows.setdefault(kind, []).append((n_edges, t))
        print(f"{kind:<14} {n_edges:>9} {t * 1e3:>9.3f} {kept:>12.1f} {peak:>12.1f} {growth:>15d} B", flush=True)
        del graph
    for kind, points in rows.items():
        big = [(e, t) for e, t in points if e >= 5e3]
        if len(big) >= 2:
            slope = np.polyfit(np.log([e for e, _ in big]), np.log([t for _, t in big]), 1)[0]
            steps = ", ".join(f"{np.log(t2 / t1) / np.log(e2 / e1):.2f}" for (e1, t1), (e2, t2) in zip(big, big[1:]))
            print(
                f"{kind}: log-log slope of time per step against edges, 10^4 edges and up: {slope:.2f} "
                f"(decade by decade: {steps})"
            )


if __name__ == "__main__":
    main()
