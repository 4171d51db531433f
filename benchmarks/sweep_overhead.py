"""What a sweep costs beyond its runs (run by hand: python benchmarks/sweep_overhead.py).

1. Overhead per run on a warm local pool: the wall time of a sweep × workers / runs (a run-slot), minus the
   mean time of a run measured inside its worker (build and step; under the same load), medians over five
   sweeps of 200 runs. Target: <= 20 ms.
2. The sweeping process's peak RSS for 100 and for 1,000 short runs written to Parquet (each size in a fresh
   process, so the peaks do not mix), next to the same sweeps held in memory (out=None) for comparison.
   Target: flat in the number of runs when writing to Parquet.
"""

from __future__ import annotations

import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import mesa
import pandas as pd

from model import NetworkModel
from model.network import MODEL_REPORTERS
from model.sweep import local_pool, sweep

PARAMS = {"dataset": "xor", "batch_size": 4, "hidden": 8, "learning_rate": [0.1, 0.3, 0.5, 1.0]}
STEPS = 20


class TimedNetwork(NetworkModel):
    """A NetworkModel that also reports `seconds`: how long it has existed, measured in the worker, so the
    run's own time is taken under the same load as the sweep's."""

    def __init__(self, rng=None, **kwargs):
        self.born = time.perf_counter()
        super().__init__(rng=rng, **kwargs)
        self.datacollector = mesa.DataCollector(model_reporters={**MODEL_REPORTERS, "seconds": age})
        self.datacollector.collect(self)


def age(model) -> float:
    return time.perf_counter() - model.born


def overhead(workers: int, runs=200, repeats=5) -> tuple[float, float]:
    """(median over repeats of the seconds per run-slot of a sweep, of the mean time of a run inside its
    worker), on a pool warmed by a first sweep; rows written to Parquet."""
    seeds = range(runs // 4)
    slots, own = [], []
    with local_pool(workers) as pool, tempfile.TemporaryDirectory() as folder:
        sweep(TimedNetwork, PARAMS, rng=range(2 * workers), max_steps=STEPS, executor=pool, display_progress=False)
        for i in range(repeats):
            started = time.perf_counter()
            out = sweep(
                TimedNetwork,
                PARAMS,
                rng=seeds,
                max_steps=STEPS,
                executor=pool,
                out=Path(folder) / f"{i}.parquet",
                display_progress=False,
            )
            slots.append((time.perf_counter() - started) * workers / runs)
            own.append(pd.read_parquet(out, columns=["seconds"])["seconds"].mean())
    return statistics.median(slots), statistics.median(own)


MEMORY = """
import resource, sys, tempfile
from pathlib import Path
from model import NetworkModel
from model.sweep import sweep
runs, to_disk = int(sys.argv[1]), sys.argv[2] == "parquet"
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
with tempfile.TemporaryDirectory() as folder:
    result = sweep(NetworkModel, {"dataset": "xor", "batch_size": 4, "hidden": 4}, rng=range(runs), max_steps=50,
                   data_collection_period=1, out=Path(folder) / "r.parquet" if to_disk else None,
                   display_progress=False)
    rows = len(result) if not to_disk else None
print(before, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, rows)
"""


def peak_rss(runs: int, how: str) -> tuple[float, float]:
    """(RSS after imports, peak RSS) in MB of a fresh process sweeping `runs` short runs (51 rows each)."""
    out = subprocess.run([sys.executable, "-c", MEMORY, str(runs), how], capture_output=True, text=True, check=True)
    before, peak, _ = out.stdout.split()
    return int(before) / 1024, int(peak) / 1024


def main():
    print(f"overhead per run, NetworkModel xor 2-8-1, {STEPS} steps a run, warm spawn pool, rows to Parquet")
    for workers in (1, 2):
        per_run, own = overhead(workers)
        print(
            f"  {workers} worker(s): {per_run * 1e3:6.2f} ms per run-slot, the run itself {own * 1e3:5.2f} ms "
            f"(in its worker), overhead {(per_run - own) * 1e3:5.2f} ms (medians of 5 sweeps of 200 runs)"
        )
    print("sweeping process peak RSS, short runs (50 steps, every step reported: 51 rows a run)")
    for how in ("parquet", "memory"):
        for runs in (100, 1000):
            before, peak = peak_rss(runs, how)
            print(
                f"  {runs:5d} runs, rows {'to Parquet' if how == 'parquet' else 'held (out=None)'}: "
                f"peak {peak:6.1f} MB (after imports {before:6.1f} MB)"
            )
    print(f"(this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB)")


if __name__ == "__main__":
    main()
