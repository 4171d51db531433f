"""How fast the scorecard is: each row's measures on one seed's cached runs, and the whole card for both systems.

Run by hand from the project folder: `python benchmarks/measures_speed.py [--seeds 10] [--workers 2] [--rounds 3]`.
Targets: the slowest single row (both arms, on runs already made) under 2 s; the scorecard for both systems at
10 seeds under 5 minutes. Each round times a reference first (one plain training run of the system, no
instruments: 2,000 steps of the network, 2,000 ticks of the hive), then every row, alternating, and the medians
over rounds are printed with their ratio to the reference's median. The machine is shared: the load average is
printed with the figures.
"""

from __future__ import annotations

import argparse
import copy
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from threadpoolctl import threadpool_limits  # noqa: E402

from model.measures import scorecard  # noqa: E402
from model.measures.hive_rows import HiveSeed  # noqa: E402
from model.measures.network_rows import NetworkSeed  # noqa: E402
from model.measures.protocol import FEATURES, STEPS  # noqa: E402
from model.measures.scorecard import DEFAULT_PARAMS  # noqa: E402


def reference(kind: str, steps: int) -> float:
    """Seconds for one plain run of the default system: the unit the measures are compared with."""
    from model.hive import HiveModel
    from model.network import NetworkModel

    start = time.perf_counter()
    if kind == "network":
        model = NetworkModel(**DEFAULT_PARAMS["network"], executor="vectorized", rng=1)
    else:
        model = HiveModel(**DEFAULT_PARAMS["hive"], executor="vectorized", rng=1)
    for _ in range(steps):
        model.step()
    return time.perf_counter() - start


def fresh(warm):
    """A copy of a warmed seed that keeps its training runs but forgets every measure's cached result."""
    seed = copy.copy(warm)
    seed._runs = dict(warm._runs)
    for run in seed._runs.values():
        system = run["system"] if isinstance(run, dict) and "system" in run else None
        if system is not None and hasattr(system, "_importance"):
            del system._importance
    if hasattr(seed, "_lesions"):
        seed._lesions = {}
    return seed


def rows(kind: str, steps: int, rounds: int) -> float:
    """Print each row's median seconds (both arms, runs cached) and its ratio to the reference; the slowest."""
    make = NetworkSeed if kind == "network" else HiveSeed
    warm = make(DEFAULT_PARAMS[kind], 1, steps)
    start = time.perf_counter()
    with threadpool_limits(1):
        for feature in FEATURES:
            for arm in ("system", "control"):
                warm.value(feature, arm)
    print(f"{kind}: first pass over every row, runs included: {time.perf_counter() - start:.1f} s")
    times, refs = {f: [] for f in FEATURES}, []
    with threadpool_limits(1):
        for _ in range(rounds):
            refs.append(reference(kind, steps))
            seed = fresh(warm)
            for feature in FEATURES:
                start = time.perf_counter()
                seed.value(feature, "system")
                seed.value(feature, "control")
                times[feature].append(time.perf_counter() - start)
    ref = statistics.median(refs)
    print(f"  reference: one plain {steps}-step run, median {ref:.3f} s")
    for feature in FEATURES:
        median = statistics.median(times[feature])
        print(f"  {feature:<24} {median:7.3f} s   {median / ref:6.2f}x the reference")
    return max(statistics.median(t) for t in times.values())


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--steps", type=int, default=STEPS)
    parser.add_argument("--skip-scorecard", action="store_true")
    args = parser.parse_args(argv)
    print(f"load average at start: {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    slowest = max(rows(kind, args.steps, args.rounds) for kind in ("network", "hive"))
    print(f"slowest single row (both arms, runs cached): {slowest:.3f} s (target < 2 s)")
    if not args.skip_scorecard:
        total = 0.0
        for kind in ("network", "hive"):
            start = time.perf_counter()
            card = scorecard(kind, seeds=args.seeds, steps=args.steps, workers=args.workers)
            seconds = time.perf_counter() - start
            total += seconds
            print(
                f"scorecard {kind}, {args.seeds} seeds a side, {args.workers} worker(s): {seconds:.0f} s, "
                f"{int(card['separated'].sum())} of {len(card)} rows separated"
            )
        print(
            f"scorecard, both systems: {total:.0f} s (target < 300 s); "
            f"load average now {' '.join(f'{x:.1f}' for x in os.getloadavg())}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
