"""The command line: `neurohive list`, `neurohive run SCENARIO ...`.

It sits above the scenarios (it runs them by name), so it lives here rather than in model/: imports
run one way, agents ← model ← scenarios.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import math
import sys
from pathlib import Path

from tqdm import tqdm

import scenarios

OUT_SUFFIXES = (".csv", ".parquet")


def parse_assignment(text: str, declaration=None) -> tuple[str, object]:
    """'key=value' → (key, value). With a model's declaration (model/parameters.py) the value is read and
    checked as that parameter's (an unknown key is refused); without, as a Python literal when it is one."""
    key, sep, raw = text.partition("=")
    if not sep or not key.strip():
        raise ValueError(f"--set takes key=value, got {text!r}")
    if declaration is not None:
        return key.strip(), declaration.parse(key.strip(), raw)
    lowered = raw.strip().lower()
    if lowered in ("true", "false", "none", "null"):
        return key.strip(), {"true": True, "false": False}.get(lowered)
    try:
        return key.strip(), ast.literal_eval(raw)
    except (ValueError, SyntaxError):
        return key.strip(), raw


def check_out(path: str | None, force: bool) -> Path | None:
    """The output path, checked before any work starts."""
    if path is None:
        return None
    out = Path(path)
    if out.suffix not in OUT_SUFFIXES:
        raise ValueError(f"--out must end in {' or '.join(OUT_SUFFIXES)}, got {path!r}")
    if not out.parent.exists():
        raise ValueError(f"--out: folder {str(out.parent)!r} does not exist")
    if out.exists() and not force:
        raise ValueError(f"--out: {path!r} exists; pass --force to overwrite it")
    return out


def write_table(frame, out: Path):
    if out.suffix == ".parquet":
        frame.to_parquet(out, index=False)
    else:
        frame.to_csv(out, index=False)


def run(args) -> int:
    scenario = scenarios.get(args.scenario)
    overrides = dict(parse_assignment(item, scenario.model_class.parameters) for item in args.set)
    if args.rng is not None:
        overrides["rng"] = args.rng
    out = check_out(args.out, args.force)
    steps = scenario.steps if args.steps is None else args.steps
    if steps < 0:
        raise ValueError(f"--steps must be >= 0, got {steps}")
    model = scenario.build(**scenario.parameters(**overrides))
    print(f"{scenario.name}: {scenario.title}", file=sys.stderr)
    with tqdm(total=steps, desc=scenario.name, unit="step", disable=args.quiet, file=sys.stderr) as bar:
        for _ in range(steps):
            model.step()
            bar.update()
            if not model.running:
                break
    if out is not None:
        frame = model.datacollector.get_model_vars_dataframe()
        if "step" not in frame.columns:
            frame.insert(0, "step", range(len(frame)))
        write_table(frame, out)
        print(f"wrote {len(frame)} rows to {out}", file=sys.stderr)
    print(format_summary(model.summary()))
    if not model.running:
        print(f"stopped: {model.status}")
        return 1
    return 0


def format_summary(summary: dict) -> str:
    width = max(map(len, summary))
    lines = []
    for key, value in summary.items():
        shown = f"{value:.4f}" if isinstance(value, float) and math.isfinite(value) else str(value)
        lines.append(f"{key:<{width}}  {shown}")
    return "\n".join(lines)


def list_scenarios(args) -> int:
    width = max(map(len, scenarios.SCENARIOS))
    for scenario in scenarios.SCENARIOS.values():
        print(f"{scenario.name:<{width}}  {scenario.system:<7}  {scenario.title}")
    return 0


def show(args) -> int:
    scenario = scenarios.get(args.scenario)
    print(f"# {scenario.name}: {scenario.title}\n")
    print("Parameters: " + ", ".join(f"{k}={v!r}" for k, v in scenario.params.items()) + f"; {scenario.steps} steps\n")
    print(scenario.info.as_markdown())
    return 0


def parse_values(text: str, declaration=None) -> tuple[str, list]:
    """'key=v1,v2' → (key, [v1, v2]), each value read as --set reads one. Commas inside brackets or quotes do
    not split, so hidden=(16,16) is one value and hidden=(16,16),(32,32) is two."""
    key, sep, raw = text.partition("=")
    if not sep or not key.strip():
        raise ValueError(f"--vary takes key=value1,value2,..., got {text!r}")
    parts, current, depth, quote = [], "", 0, None
    for char in raw:
        if quote:
            quote = None if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(current)
            current = ""
            continue
        current += char
    parts.append(current)
    if any(not part.strip() for part in parts):
        raise ValueError(f"--vary {text!r}: an empty value (give key=value1,value2,... with at least one value)")
    return key.strip(), [parse_assignment(f"{key}={part.strip()}", declaration)[1] for part in parts]


def parse_seeds(text: str | None) -> list[int] | None:
    """'1,2,3' → [1, 2, 3]; None → None (one unseeded run per combination, as batch_run)."""
    if text is None:
        return None
    try:
        return [int(part) for part in text.split(",")]
    except ValueError:
        raise ValueError(f"--rng takes whole-number seeds separated by commas, e.g. 1,2,3; got {text!r}") from None


def sweep_scenario(args) -> int:
    import pandas

    from model import sweep as sweeps

    scenario = scenarios.get(args.scenario)
    declaration = scenario.model_class.parameters
    fixed = dict(parse_assignment(item, declaration) for item in args.set)
    varied: dict[str, list] = {}
    for item in args.vary:
        key, values = parse_values(item, declaration)
        if key in varied or key in fixed:
            raise ValueError(f"{key!r} is given twice (--vary and --set, or two --vary): give it once")
        varied[key] = values
    scenario.parameters(**fixed, **varied)  # unknown names, with suggestions
    parameters = {key: [value] for key, value in {**scenario.params, **fixed}.items()}  # one value, even a tuple
    parameters.update(varied)
    steps = scenario.steps if args.max_steps is None else args.max_steps
    options = dict(
        parameters=parameters,
        rng=parse_seeds(args.rng),
        max_steps=steps,
        data_collection_period=args.period,
        out=args.out,
        resume=args.resume,
    )
    if args.workers is not None and args.workers < 0 or args.dask_local is not None and args.dask_local < 1:
        raise ValueError("--workers takes a number >= 0 (0: in this process), --dask-local one >= 1")
    total = sweeps.check(scenario.model_class, **options)  # everything is checked before any worker starts
    with contextlib.ExitStack() as stack:  # closes the pool, client and cluster this command started
        if args.dask is not None:
            executor = stack.enter_context(sweeps.connect_dask(args.dask)).get_executor()
        elif args.dask_local is not None:
            cluster, client = sweeps.local_dask(args.dask_local)
            stack.enter_context(cluster)
            executor = stack.enter_context(client).get_executor()
        elif args.workers == 0:
            executor = sweeps.InProcessExecutor()
        else:
            executor = stack.enter_context(sweeps.local_pool(args.workers))
        print(f"{scenario.name}: {total} runs of {steps} steps", file=sys.stderr)
        try:
            result = sweeps.sweep(scenario.model_class, executor=executor, display_progress=not args.quiet, **options)
        except KeyboardInterrupt:
            kept = f": the finished runs are in {args.out}; add --resume to finish the sweep" if args.out else ""
            print(f"interrupted{kept}", file=sys.stderr)
            return 130
    if args.out is not None:
        print(f"rows in {args.out} (a folder: pandas.read_parquet reads it whole)", file=sys.stderr)
        frame = pandas.read_parquet(result)
    else:
        frame = result
    summary = sweeps.summarize(frame, by=list(varied), parameters=list(parameters))
    print(format_sweep_summary(summary, list(varied)))
    failed = int(summary["errors"].sum())
    if failed:
        first = frame.loc[frame["error"] != "", "error"].iloc[0]
        print(f"{failed} run(s) failed, e.g.: {first}")
        return 1
    return 0


def format_sweep_summary(summary, by: list[str]) -> str:
    """Mean ± std over seeds of the final-step reporters, one line per combination."""
    table = summary[[*by, "runs", "errors"]].copy()
    names = [c[: -len(" mean")] for c in summary.columns if c.endswith(" mean")]
    for name in names:
        means, stds = summary[f"{name} mean"], summary[f"{name} std"]
        table[name] = [
            ("—" if not math.isfinite(m) else f"{m:.4g}" + ("" if not math.isfinite(s) else f" ± {s:.2g}"))
            for m, s in zip(means, stds)
        ]
    return table.to_string(index=False)


def scorecard_command(args) -> int:
    """Measure every feature on the system and on its controls, over --seeds seeds, and print the table."""
    import pandas

    from model.measures import scorecard

    if args.seeds < (2 if args.system == "network" else 1):
        raise ValueError(
            f"--seeds must be >= {2 if args.system == 'network' else 1} for {args.system}, got {args.seeds}"
        )
    with tqdm(
        total=args.seeds, desc=f"scorecard {args.system}", unit="seed", disable=args.quiet, file=sys.stderr
    ) as bar:
        table = scorecard(args.system, seeds=args.seeds, progress=bar)
    with pandas.option_context(
        "display.width", 200, "display.max_colwidth", 60, "display.float_format", "{:.4g}".format
    ):
        print(
            table[["feature", "measure", "system_value", "control", "control_value", "separated"]].to_string(
                index=False
            )
        )
    print()
    for row in table.itertuples():
        print(f"{row.feature}: system {row.system_seeds} vs control {row.control_seeds}. {row.detail}")
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="neurohive", description="A neural network in training, and a beehive, as complex systems."
    )
    commands = top.add_subparsers(dest="command", required=True)
    commands.add_parser("list", help="list the scenarios").set_defaults(func=list_scenarios)
    info = commands.add_parser("show", help="a scenario's parameters and explanation")
    info.add_argument("scenario")
    info.set_defaults(func=show)
    go = commands.add_parser("run", help="run a scenario headless and print a summary (exit 1 if it diverged)")
    go.add_argument("scenario")
    go.add_argument("--steps", type=int, help="steps to run (default: the scenario's)")
    go.add_argument("--rng", type=int, help="seed; the same seed gives the same run, bit for bit")
    go.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a model parameter, e.g. --set learning_rate=0.05 --set hidden=16,16",
    )
    go.add_argument("--out", help="write the per-step record to a .csv or .parquet file")
    go.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    go.add_argument("--quiet", action="store_true", help="no progress bar")
    go.set_defaults(func=run)
    many = commands.add_parser(
        "sweep", help="run a scenario over parameter values and seeds; mean ± std per combination"
    )
    many.add_argument("scenario")
    many.add_argument(
        "--vary",
        action="append",
        default=[],
        metavar="KEY=V1,V2",
        help="values to sweep, e.g. --vary learning_rate=0.05,0.1 --vary hidden=(8,),(16,16) "
        "(commas inside brackets or quotes do not split)",
    )
    many.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="fix a parameter, as in run")
    many.add_argument("--rng", metavar="S1,S2,...", help="seeds, one replicate each (default: one unseeded run)")
    many.add_argument("--max-steps", type=int, help="steps per run (default: the scenario's)")
    many.add_argument("--period", type=int, default=-1, help="also report every k-th step (default -1: final only)")
    many.add_argument("--out", help="stream the rows to this .parquet folder as runs finish")
    many.add_argument("--resume", action="store_true", help="skip the runs already in --out")
    many.add_argument("--quiet", action="store_true", help="no progress bar")
    where = many.add_mutually_exclusive_group()
    where.add_argument("--workers", type=int, help="local worker processes (default: one per core; 0: this process)")
    where.add_argument("--dask-local", type=int, metavar="N", help="start a Dask cluster of N processes here")
    where.add_argument("--dask", metavar="tcp://HOST:PORT", help="the scheduler of a running Dask cluster")
    many.set_defaults(func=sweep_scenario)
    card = commands.add_parser("scorecard", help="measure every complex-systems feature on a system and its controls")
    card.add_argument("system", choices=("network", "hive"))
    card.add_argument("--seeds", type=int, default=3, help="seeds per arm (default 3)")
    card.add_argument("--quiet", action="store_true", help="no progress bar")
    card.set_defaults(func=scorecard_command)
    return top


def main(argv=None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except (ValueError, TypeError) as error:  # bad input: one line, exit 2, no traceback
        print(f"neurohive: error: {' '.join(str(error).split())}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
