"""`neurohive scorecard SYSTEM`: every feature's row, system against control over seeds, with its statistics."""

from __future__ import annotations

import math
import sys
import time

from tqdm import tqdm

import scenarios
from scenarios.cli import check_out, parse_assignment, write_table

DEFAULT_SCENARIO = {"network": "moons", "hive": "hive-day"}


def add_parser(subparsers) -> None:
    card = subparsers.add_parser(
        "scorecard",
        help="each complex-systems feature: system vs control over seeds, "
        "with a permutation p-value and a bootstrap interval",
    )
    card.add_argument("system", choices=("network", "hive"))
    card.add_argument("--scenario", help="the system to measure (default: moons / hive-day)")
    card.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="override a model parameter")
    card.add_argument("--seeds", type=int, default=10, help="seeds per arm (default 10)")
    card.add_argument("--steps", type=int, help="training steps / ticks per run (default 2000)")
    card.add_argument("--workers", type=int, default=1, help="processes, one seed each at a time (default 1)")
    card.add_argument("--out", help="write the per-seed table (feature, arm, seed, value) to .csv or .parquet")
    card.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    card.add_argument("--quiet", action="store_true", help="no progress bar")
    card.set_defaults(func=run)


def run(args) -> int:
    from model.measures import FEATURES, scorecard
    from model.measures.protocol import STEPS

    name = args.scenario or DEFAULT_SCENARIO[args.system]
    scenario = scenarios.get(name)
    if scenario.system != args.system:
        raise ValueError(f"--scenario {name!r} is a {scenario.system} scenario, not a {args.system} one")
    params = scenario.parameters(**dict(parse_assignment(item) for item in args.set))
    if args.seeds < 2:
        raise ValueError(f"--seeds must be >= 2 (each arm needs two values to compare), got {args.seeds}")
    out = check_out(args.out, args.force)
    steps = STEPS if args.steps is None else args.steps
    start = time.perf_counter()
    with tqdm(
        total=args.seeds * len(FEATURES), desc=f"scorecard {name}", unit="row", disable=args.quiet, file=sys.stderr
    ) as bar:
        card = scorecard(args.system, seeds=args.seeds, steps=steps, params=params, progress=bar, workers=args.workers)
    seconds = time.perf_counter() - start
    print(
        f"{name} ({args.system}), {args.seeds} seeds a side, {steps} steps; separated: p < 0.01 (one-sided "
        f"permutation test) and the 95 % bootstrap interval of the difference on the stated side of 0\n"
    )
    print(format_card(card))
    print()
    for row in card.itertuples():
        print(f"{row.feature} [{row.design}] {row.measure} ({row.unit}); control: {row.control}.")
        print(f"  system  {_values(row.system_seeds)}\n  control {_values(row.control_seeds)}")
        print(f"  falsifiable: {row.falsifiable}")
        if row.detail:
            print(f"  {row.detail}")
    separated = int(card["separated"].sum())
    print(f"\n{separated} of {len(card)} rows separated; {seconds:.0f} s")
    if out is not None:
        write_table(card.attrs["per_seed"], out)
        print(f"wrote {len(card.attrs['per_seed'])} per-seed values to {out}", file=sys.stderr)
    return 0


def format_card(card) -> str:
    """The table: feature, means, difference [95 % interval], p, Hedges' g, separated."""
    lines = [f"{'feature':<22} {'system':>9} {'control':>9} {'difference [95 % CI]':>30} {'p':>8} {'g':>6}  separated"]
    for r in card.itertuples():
        sign = ">" if r.direction == "greater" else "<"
        interval = f"{_num(r.difference)} [{_num(r.ci_low)}, {_num(r.ci_high)}]"
        lines.append(
            f"{r.feature:<22} {_num(r.system_mean):>9} {_num(r.control_mean):>9} {interval:>30} "
            f"{_num(r.p_value):>8} {_num(r.effect_size, 2):>6}  {'yes' if r.separated else 'no'} "
            f"(system {sign} control)"
        )
    return "\n".join(lines)


def _num(x, digits: int = 3) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    if isinstance(x, float) and math.isinf(x):
        return "∞" if x > 0 else "−∞"
    return f"{x:.{digits}g}"


def _values(values) -> str:
    return " ".join(_num(v) for v in values)
