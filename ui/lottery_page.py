"""The lottery page: test accuracy against the weights remaining, for tickets, reinitialised tickets and
random masks, with their spread over seeds (model/tickets.py). Run a short lottery here, or drop the
Parquet file that `neurohive lottery digits --out tickets.parquet` wrote."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import reacton.ipyvuetify as rv
import solara
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

import scenarios
from model import tickets
from scenarios.lottery_command import format_table
from ui.components import Explanation
from ui.drawing import png

SCENARIO = "lottery-digits"
STYLE = {
    "ticket": ("#b35806", "o", "ticket (rewound)"),
    "reinit": ("#2166ac", "s", "reinitialised ticket"),
    "random": ("#555555", "^", "random mask"),
}
COLUMNS = {"seed", "round", "weights_remaining", "kind", "test_accuracy"}
RECORDED = Path(__file__).resolve().parents[1] / "docs" / "lottery-digits.parquet"  # the README's run


def figure(table: pd.DataFrame) -> bytes:
    """Accuracy against % of weights remaining (log axis, 100 % on the left): mean over seeds, band min–max."""
    fig = Figure(figsize=(7.6, 4.4), dpi=100)
    ax = fig.add_axes((0.1, 0.13, 0.86, 0.78))
    for kind, (colour, marker, label) in STYLE.items():
        rows = table[table["kind"] == kind]
        if rows.empty:
            continue
        by = rows.groupby("round").agg(
            x=("weights_remaining", "mean"),
            mean=("test_accuracy", "mean"),
            low=("test_accuracy", "min"),
            high=("test_accuracy", "max"),
            seeds=("seed", "nunique"),
        )
        x = 100 * by["x"].to_numpy()
        ax.fill_between(x, by["low"], by["high"], color=colour, alpha=0.18, linewidth=0)
        ax.plot(x, by["mean"], marker=marker, color=colour, label=label, markersize=4, linewidth=1.5)
    ax.set_xscale("log")
    ax.invert_xaxis()
    ax.xaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g} %"))
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_xlabel("weights remaining (log scale)")
    ax.set_ylabel("test accuracy")
    seeds = table["seed"].nunique()
    ax.set_title(f"mean over {seeds} seed{'s' * (seeds > 1)}; band: min to max", fontsize=9)
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(loc="lower left", fontsize=8)
    return png(fig)


def recorded() -> pd.DataFrame | None:
    """The run the README reports (`neurohive lottery digits --out docs/lottery-digits.parquet`), if present."""
    return pd.read_parquet(RECORDED) if RECORDED.exists() else None


def read_parquet(data: bytes) -> pd.DataFrame:
    """A table written by `neurohive lottery --out`; a ValueError saying what is missing otherwise."""
    try:
        table = pd.read_parquet(io.BytesIO(data))
    except Exception as error:  # noqa: BLE001 - pyarrow raises several kinds; the page shows one message
        raise ValueError(f"not a Parquet file ({error})") from None
    missing = COLUMNS - set(table.columns)
    if missing:
        raise ValueError(f"the file lacks the columns {sorted(missing)}: write it with `neurohive lottery --out`")
    return table


@solara.component
def LotteryPage():
    """Controls in the sidebar; the figure and the table of means ± std in the main area."""
    scenario = scenarios.get(SCENARIO)
    rounds = solara.use_reactive(5)
    seeds = solara.use_reactive(3)
    steps = solara.use_reactive(400)
    running = solara.use_reactive(False)
    done = solara.use_reactive(0)
    table = solara.use_reactive(solara.use_memo(recorded, []))
    message = solara.use_reactive(
        "The recorded run: 15 rounds, 1,500 steps, 5 seeds." if table.value is not None else ""
    )

    def work(cancel):
        if not running.value:
            return
        parts = []
        try:
            for seed in range(seeds.value):
                run = tickets.LotteryRun(dict(scenario.params), steps=steps.value, rng=seed)
                for _ in range(rounds.value + 1):
                    if cancel.is_set():
                        return
                    run.step()
                    done.set(done.value + 1)
                parts.append(tickets.tidy_run(run))
                table.set(pd.concat(parts, ignore_index=True))
        except ValueError as error:
            message.set(str(error))
        finally:
            running.set(False)

    solara.use_thread(work, dependencies=[running.value], intrusive_cancel=False)

    def start():
        message.set("")
        done.set(0)
        table.set(None)
        running.set(True)

    def show_recorded():
        table.set(recorded())
        message.set("The recorded run: 15 rounds, 1,500 steps, 5 seeds.")

    def on_file(info):
        try:
            table.set(read_parquet(info.get("data") or info["file_obj"].read()))
            message.set(f"Loaded {info['name']}.")
        except ValueError as error:
            message.set(f"{info['name']}: {error}")

    total = seeds.value * (rounds.value + 1)
    with solara.Sidebar():
        solara.SliderInt(f"rounds: {rounds.value}", value=rounds, min=1, max=15, disabled=running.value)
        solara.SliderInt(f"seeds: {seeds.value}", value=seeds, min=1, max=5, disabled=running.value)
        solara.SliderInt(
            f"steps per network: {steps.value}",
            value=steps,
            min=100,
            max=scenario.steps,
            step=100,
            disabled=running.value,
        )
        solara.Button(
            "Run the lottery", on_click=start, disabled=running.value, color="primary", classes=["lottery-run"]
        )
        solara.Text(f"{0.8**rounds.value:.1%} of the hidden weights remain after {rounds.value} rounds at rate 0.2")
        if RECORDED.exists():
            solara.Button(
                "Show the recorded run", on_click=show_recorded, disabled=running.value, classes=["lottery-recorded"]
            )
        solara.FileDrop(label="…or drop a .parquet from `neurohive lottery --out`", on_file=on_file, lazy=False)

    solara.Title("neurohive · lottery tickets")
    with solara.Column(gap="8px"):
        solara.Text(scenario.title, style={"font-size": "1.2em", "font-weight": "bold"})
        if running.value:
            solara.ProgressLinear(value=100 * done.value / max(total, 1))
            solara.Text(f"trained {done.value} of {total} rounds (three networks each)…", classes=["lottery-progress"])
        if message.value:
            solara.Info(message.value, classes=["lottery-message"])
        current = table.value
        if current is not None and len(current):
            solara.Image(figure(current), format="png", classes=["lottery-plot"])
            summary = format_table(tickets.summary(current))
            rv.Html(tag="pre", children=[summary], class_="lottery-table", style_="font-size: 0.8em")
        elif not running.value:
            solara.Text(
                "Press Run for a short lottery (the protocol of the README runs 15 rounds of 1,500 steps over 5 seeds "
                "from the command line), or drop its Parquet file."
            )
        Explanation(scenario)
