"""`neurohive lottery digits --rounds 15 --seeds 5 [--out tickets.parquet]`: the lottery-ticket experiment."""

from __future__ import annotations

import contextlib
import sys
import time

import scenarios
from scenarios.lottery import LOTTERY_ROUNDS


def add_parser(subparsers):
    command = subparsers.add_parser(
        "lottery",
        help="iterative magnitude pruning with rewinding: tickets vs reinit "
        "vs random masks, accuracy per round over seeds",
    )
    command.add_argument("scenario", help="a network scenario; 'digits' means lottery-digits")
    command.add_argument(
        "--rounds", type=int, default=LOTTERY_ROUNDS, help=f"pruning rounds (default {LOTTERY_ROUNDS})"
    )
    command.add_argument("--seeds", type=int, default=5, help="seeds 0..N-1 (default 5)")
    command.add_argument(
        "--rate",
        type=float,
        default=0.2,
        help="fraction of the surviving weights pruned per round in each hidden layer (default 0.2)",
    )
    command.add_argument("--output-rate", type=float, help="the same for the output layer (default: rate / 2)")
    command.add_argument("--rewind-step", type=int, default=0, help="rewind the survivors to step k (default 0)")
    command.add_argument("--steps", type=int, help="training steps per network (default: the scenario's)")
    command.add_argument("--out", help="write the tidy table to this .parquet file")
    command.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    command.add_argument("--workers", type=int, help="worker processes (default: one per core; 0: this process)")
    command.add_argument("--quiet", action="store_true", help="no progress bar")
    command.set_defaults(func=run)
    return command


def resolve(name: str):
    """'digits' → the lottery-digits scenario when there is one, else the scenario of that name (a network's)."""
    scenario = scenarios.SCENARIOS.get(f"lottery-{name}") or scenarios.get(name)
    if scenario.system != "network":
        raise ValueError(f"the lottery prunes a network's weights; {scenario.name!r} is a {scenario.system} scenario")
    return scenario


def run(args) -> int:
    from model import sweep as sweeps
    from model import tickets
    from scenarios.cli import check_out

    scenario = resolve(args.scenario)
    out = check_out(args.out, args.force)
    if out is not None and out.suffix != ".parquet":
        raise ValueError(f"--out must end in .parquet, got {args.out!r}")
    if args.seeds < 1:
        raise ValueError(f"--seeds must be >= 1, got {args.seeds}")
    if args.workers is not None and args.workers < 0:
        raise ValueError(f"--workers must be >= 0 (0: in this process), got {args.workers}")
    options = {
        "rounds": args.rounds,
        "rate": args.rate,
        "output_rate": args.output_rate,
        "rewind_step": args.rewind_step,
        "seeds": args.seeds,
        "steps": args.steps,
    }
    steps = scenario.steps if args.steps is None else args.steps
    tickets.check(dict(scenario.params), steps, args.rate, args.output_rate, args.rewind_step)
    print(
        f"{scenario.name}: {args.rounds} rounds × 3 networks × {args.seeds} seeds, {steps} steps each", file=sys.stderr
    )
    start = time.perf_counter()
    with contextlib.ExitStack() as stack:
        executor = (
            sweeps.InProcessExecutor() if args.workers == 0 else stack.enter_context(sweeps.local_pool(args.workers))
        )
        table = tickets.lottery(scenario, **options, executor=executor, out=out, progress=not args.quiet)
    print(
        f"done in {time.perf_counter() - start:.0f} s" + (f"; wrote {len(table)} rows to {out}" if out else ""),
        file=sys.stderr,
    )
    print(format_table(tickets.summary(table)))
    return 0


def format_table(summary) -> str:
    """One line per round: weights remaining, then each kind's mean ± std [min, max] over seeds."""
    lines = [f"{'round':>5}  {'weights':>8}  " + "  ".join(f"{kind:^27}" for kind in ("ticket", "reinit", "random"))]
    for round_, rows in summary.groupby("round", sort=True):
        cells = []
        for kind in ("ticket", "reinit", "random"):
            row = rows[rows["kind"] == kind].iloc[0]
            cells.append(
                f"{row.accuracy_mean:.3f} ± {row.accuracy_std:.3f} [{row.accuracy_min:.3f}, {row.accuracy_max:.3f}]"
            )
        lines.append(f"{round_:>5}  {100 * rows['weights_remaining'].iloc[0]:>7.2f}%  " + "  ".join(cells))
    seeds = int(summary["seeds"].max())
    lines.append(f"test accuracy after training, mean ± std [min, max] over {seeds} seed(s)")
    return "\n".join(lines)
