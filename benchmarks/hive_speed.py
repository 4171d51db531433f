"""How fast the hive runs: each bee's own `decide` against the vectorised path, from 300 to 100,000 bees.

Run by hand from the project folder: `python benchmarks/hive_speed.py [--repeats 5] [--bees 300,10000,100000]`.

For each colony size: the time to build the colony (its Bee agents included), then the time per tick of
both executors, runs alternating (agents, vectorized, agents, ...), medians over the repeats, as wall time
and as this process's CPU time (the steadier figure on a shared machine). The agents run fewer ticks at
large sizes (`--agent-ticks`); the two trajectories are compared over the ticks both ran. Last, what the
quick clock (model/clock.py) saves a tick: two 300-bee vectorised colonies, one stepped through Mesa's own
event loop, taking turns in chunks of 100 ticks.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import mesa  # noqa: E402

from model import HiveModel  # noqa: E402


def one_run(executor: str, n_bees: int, ticks: int, seed: int):
    """(build (wall, CPU) s, per tick (wall, CPU) s, the record) for one run."""
    wall, cpu = time.perf_counter(), time.process_time()
    hive = HiveModel(n_bees=n_bees, executor=executor, rng=seed)
    built = time.perf_counter() - wall, time.process_time() - cpu
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(ticks):
        hive.step()
    tick = (time.perf_counter() - wall) / ticks, (time.process_time() - cpu) / ticks
    return built, tick, hive.datacollector.get_model_vars_dataframe()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--bees", default="300,10000,100000")
    parser.add_argument("--ticks", type=int, default=4320)
    parser.add_argument("--agent-ticks", type=int, default=200, help="ticks for the agents above 1,000 bees")
    args = parser.parse_args(argv)
    print("times: median wall / CPU (this process)")
    print(f"{'bees':>8} {'build s':>15} {'agents ms/tick':>17} {'vectorized ms/tick':>19} {'ratio':>7} {'same':>5}")
    all_same = True
    for n_bees in (int(b) for b in args.bees.split(",")):
        agent_ticks = args.ticks if n_bees <= 1000 else min(args.ticks, args.agent_ticks)
        runs = {"agents": [], "vectorized": []}
        for repeat in range(args.repeats):
            runs["agents"].append(one_run("agents", n_bees, agent_ticks, seed=repeat))
            runs["vectorized"].append(one_run("vectorized", n_bees, args.ticks, seed=repeat))
        med = {e: [statistics.median(r[k][i] for r in rs) for k in (0, 1) for i in (0, 1)] for e, rs in runs.items()}
        agents_record, vectorized_record = runs["agents"][-1][2], runs["vectorized"][-1][2]
        same = agents_record.equals(vectorized_record.iloc[: len(agents_record)])
        all_same &= same
        build = med["vectorized"][:2]
        print(
            f"{n_bees:>8} {build[0]:>7.2f}/{build[1]:<7.2f} {med['agents'][2] * 1e3:>8.3f}/{med['agents'][3] * 1e3:<8.3f}"
            f" {med['vectorized'][2] * 1e3:>9.3f}/{med['vectorized'][3] * 1e3:<9.3f}"
            f" {med['agents'][3] / med['vectorized'][3]:>6.0f}x {str(same):>5}",
            flush=True,
        )
    quick, mesa_loop = clock_saving()
    print(f"300 bees, vectorized: {quick * 1e6:.1f} µs/tick, {mesa_loop * 1e6:.1f} through Mesa's loop (CPU medians)")
    return 0 if all_same else 1


def clock_saving(n_bees: int = 300, rounds: int = 60, chunk: int = 100) -> tuple[float, float]:
    """CPU s per tick of the quick clock and of Mesa's own loop, on twin vectorised colonies taking turns."""
    twins = {
        "quick": HiveModel(n_bees=n_bees, executor="vectorized", rng=0),
        "mesa": HiveModel(n_bees=n_bees, executor="vectorized", rng=0),
    }
    steps = {"quick": twins["quick"].step, "mesa": lambda: mesa.Model._wrapped_step(twins["mesa"])}
    times, order, shuffle = {key: [] for key in steps}, list(steps), random.Random(0).shuffle
    for _ in range(rounds):
        shuffle(order)
        for key in order:
            cpu = time.process_time()
            for _ in range(chunk):
                steps[key]()
            times[key].append((time.process_time() - cpu) / chunk)
    assert list(twins["quick"].history) == list(twins["mesa"].history)  # the same trajectory, tick for tick
    return statistics.median(times["quick"]), statistics.median(times["mesa"])


if __name__ == "__main__":
    sys.exit(main())
