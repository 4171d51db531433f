"""Speed of the mean-field experiments: `propagation` at width 512, depth 30, 5 seeds; `phase_diagram` 20 x 10 at 256.

Run by hand: `python benchmarks/meanfield_speed.py [--repeats 3]`. Prints wall times (medians), the share
spent in the agents' forward and backward waves, and the ratio of those waves to a plain numpy loop doing the
same matrix products on the same weights, measured alternately in the same run.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from model import NetworkModel, propagation  # noqa: E402

WAVES = {"forward": 0.0, "backward": 0.0}


def timed(phase, method):
    def wrapper(self):
        start = time.perf_counter()
        method(self)
        WAVES[phase] += time.perf_counter() - start

    return wrapper


NetworkModel.forward_phase = timed("forward", NetworkModel.forward_phase)
NetworkModel.backward_phase = timed("backward", NetworkModel.backward_phase)


def numpy_waves(model, x, error):
    """The same forward and backward products as the waves, by hand: h = W a + b, a = tanh h; δ = tanh'(h) Wᵀδ."""
    s, weight, bias = model.structure, model.params.weight, model.params.bias
    layers = [np.arange(w[0], w[-1] + 1) for w in s.waves]
    blocks, start = [], 0
    a = x.T
    hs = []
    for i, layer in enumerate(layers):
        fan_in = len(s.inputs) if i == 0 else len(layers[i - 1])
        block = weight[start : start + len(layer) * fan_in].reshape(len(layer), fan_in)
        start += block.size
        blocks.append(block)
        h = block @ a + bias[layer, None]
        hs.append(h)
        a = np.tanh(h) if i < len(layers) - 1 else h
    delta = error.T
    for i in range(len(layers) - 1, 0, -1):
        delta = (1 - np.tanh(hs[i - 1]) ** 2) * (blocks[i].T @ delta)
    return delta


def run_propagation(width, depth, seeds):
    start = time.perf_counter()
    propagation.propagation(width, depth, 2.5, 0.05, seeds=seeds, pairs=8)
    return time.perf_counter() - start


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    print("machine: 2 cores shared with other developers' jobs; figures are medians and vary with the load")

    cold = run_propagation(512, 30, 5)
    print(f"propagation 512 x 30, 5 seeds, first call (builds 15,874 agents, 7.9 M edges): {cold:.2f} s")
    walls, shares = [], []
    for _ in range(args.repeats):
        WAVES.update(forward=0.0, backward=0.0)
        walls.append(run_propagation(512, 30, 5))
        shares.append((WAVES["forward"] + WAVES["backward"]) / walls[-1])
    print(
        f"propagation 512 x 30, 5 seeds, agents built: median {statistics.median(walls):.2f} s "
        f"(aim < 2 s); forward + backward waves {100 * statistics.median(shares):.0f} % of it"
    )

    model, _ = propagation._network(512, 30, 512, "tanh", "vectorized")
    rng = np.random.default_rng(0)
    x = propagation.probe_inputs(512, 8, 1.0, 0.6, rng)
    error = rng.standard_normal((16, 512))
    agents, reference = [], []
    for _ in range(5 * args.repeats):  # alternate the two
        start = time.perf_counter()
        propagation.measure(model, x, error)
        agents.append(time.perf_counter() - start)
        start = time.perf_counter()
        numpy_waves(model, x, error)
        reference.append(time.perf_counter() - start)
    a, r = statistics.median(agents), statistics.median(reference)
    print(
        f"one measurement (forward + backward, 16 inputs): agents {1e3 * a:.1f} ms, numpy loop {1e3 * r:.1f} ms, "
        f"ratio {a / r:.2f}x"
    )

    WAVES.update(forward=0.0, backward=0.0)
    start = time.perf_counter()
    frame = propagation.phase_diagram(widths=(256,), depth=30, seeds=1, pairs=8)
    wall = time.perf_counter() - start
    share = (WAVES["forward"] + WAVES["backward"]) / wall
    print(
        f"phase_diagram 20 x 10 at width 256, depth 30, 1 seed: {wall:.1f} s (aim < 60 s); waves "
        f"{100 * share:.0f} % of it; {len(frame)} grid points"
    )


if __name__ == "__main__":
    main()
