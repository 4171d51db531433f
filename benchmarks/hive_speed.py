"""How fast the hive runs: 300 bees x 4320 ticks, each bee's own `decide` vs the vectorised path.

Run by hand from the project folder: `python benchmarks/hive_speed.py [--repeats 5]`.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from model import HiveModel  # noqa: E402


def one_run(executor: str, n_bees: int, ticks: int, seed: int) -> tuple[float, object]:
    """Seconds for one run (construction included) and its record."""
    start = time.perf_counter()
    hive = HiveModel(n_bees=n_bees, executor=executor, rng=seed)
    for _ in range(ticks):
        hive.step()
    return time.perf_counter() - start, hive.datacollector.get_model_vars_dataframe()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--bees", type=int, default=300)
    parser.add_argument("--ticks", type=int, default=4320)
    args = parser.parse_args(argv)
    medians, records = {}, {}
    for executor in ("agents", "vectorized"):
        times = []
        for repeat in range(args.repeats):
            seconds, records[executor] = one_run(executor, args.bees, args.ticks, seed=repeat)
            times.append(seconds)
        medians[executor] = statistics.median(times)
        print(
            f"{executor:>10}: median {medians[executor]:.3f} s over {args.repeats} runs "
            f"({args.bees} bees x {args.ticks} ticks; min {min(times):.3f}, max {max(times):.3f})"
        )
    print(f"     ratio: agents / vectorized = {medians['agents'] / medians['vectorized']:.1f}")
    same = records["agents"].equals(records["vectorized"])
    print(f"      same: last runs' trajectories identical: {same}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
