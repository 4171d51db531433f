"""The command line: `neurohive list`, `neurohive run SCENARIO ...`.

It sits above the scenarios (it runs them by name), so it lives here rather than in model/: imports
run one way, agents ← model ← scenarios.
"""

from __future__ import annotations

import argparse
import ast
import math
import sys
from pathlib import Path

from tqdm import tqdm

import scenarios

OUT_SUFFIXES = (".csv", ".parquet")


def parse_assignment(text: str) -> tuple[str, object]:
    """'key=value' → (key, value), the value read as a Python literal when it is one (16,16 → (16, 16))."""
    key, sep, raw = text.partition("=")
    if not sep or not key.strip():
        raise ValueError(f"--set takes key=value, got {text!r}")
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
    overrides = dict(parse_assignment(item) for item in args.set)
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


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="neurohive", description="A neural network in training, and a beehive, as complex systems.")
    commands = top.add_subparsers(dest="command", required=True)
    commands.add_parser("list", help="list the scenarios").set_defaults(func=list_scenarios)
    info = commands.add_parser("show", help="a scenario's parameters and explanation")
    info.add_argument("scenario")
    info.set_defaults(func=show)
    go = commands.add_parser("run", help="run a scenario headless and print a summary (exit 1 if it diverged)")
    go.add_argument("scenario")
    go.add_argument("--steps", type=int, help="steps to run (default: the scenario's)")
    go.add_argument("--rng", type=int, help="seed; the same seed gives the same run, bit for bit")
    go.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                    help="override a model parameter, e.g. --set learning_rate=0.05 --set hidden=16,16")
    go.add_argument("--out", help="write the per-step record to a .csv or .parquet file")
    go.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    go.add_argument("--quiet", action="store_true", help="no progress bar")
    go.set_defaults(func=run)
    return top


def main(argv=None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except ValueError as error:
        print(f"neurohive: error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
