"""The scorecard panel: the page's scenario, with its parameters, measured against each row's control.

It runs `model.measures.scorecard` in a thread behind a button, shows how many rows of how many seeds are
done, and then, per row: the verdict, the difference with its 95 % interval and p-value, a sentence saying
what was compared and what would have refuted it, and the seeds of both arms as a small strip plot.
"""

from __future__ import annotations

import math

import numpy as np
import solara
from matplotlib.figure import Figure

import scenarios
from model import measures
from model.measures.protocol import FEATURES, STEPS
from ui import params as P
from ui.drawing import png

SEEDS = 10
STRIP = {"system": "#1b7837", "control": "#762a83"}


class Progress:
    """What `scorecard(progress=...)` calls once per row and seed: counts into a reactive for the page."""

    def __init__(self, done: solara.Reactive[int]):
        self.done = done

    def update(self, n: int = 1):
        self.done.set(self.done.value + n)


def scorecard_function():
    """`model.measures.scorecard(system, seeds=..., params=..., progress=...) -> DataFrame`."""
    return getattr(measures, "scorecard", None)


def measured_params(system: str, scenario: str | None, values: dict | None) -> dict:
    """The model keywords the page's model was built from: its scenario's, then the page's controls."""
    if scenario is None:
        return {}
    chosen = scenarios.get(scenario)
    params = chosen.parameters(**P.to_kwargs(system, values or {}))
    return {k: v for k, v in params.items() if k not in ("rng", "executor")}


def checked_params(system: str, scenario: str | None, values: dict | None) -> tuple[dict, str]:
    """(params, "") or ({}, the reason they cannot be measured)."""
    try:
        return measured_params(system, scenario, values), ""
    except (ValueError, TypeError) as error:
        return {}, str(error)


def describe(scenario: str | None, params: dict, seeds: int, steps: int) -> str:
    shown = ", ".join(f"{k}={v!r}" for k, v in params.items())
    return (
        f"Measured: {scenario or 'the default system'} ({shown}); {seeds} seeds a side, {steps} steps or "
        "ticks per run. Separated: one-sided permutation p < 0.01 and the 95 % bootstrap interval of the "
        "difference on the stated side of 0."
    )


def explain(row) -> str:
    """One sentence per row: what was compared, which way, and what would have meant the feature is absent."""
    way = "higher" if row["direction"] == "greater" else "lower"
    return (
        f"{row['measure']} ({row['unit']}), expected {way} in the system than in the control ({row['control']}; "
        f"{row['design']}). {row['falsifiable']}"
    )


def strip_plot(row, width: float = 2.6, height: float = 0.55) -> bytes:
    """The seeds of both arms as dots on one axis: system above, control below."""
    fig = Figure(figsize=(width, height), dpi=100)
    ax = fig.add_axes((0.02, 0.28, 0.96, 0.7))
    jitter = np.random.default_rng(0)
    for level, arm in ((1, "system"), (0, "control")):
        values = np.asarray(row[f"{arm}_seeds"], dtype=float)
        values = values[np.isfinite(values)]
        ax.scatter(values, level + jitter.uniform(-0.12, 0.12, len(values)), s=9, color=STRIP[arm], alpha=0.8)
    ax.set_yticks([])
    ax.set_ylim(-0.5, 1.5)
    ax.tick_params(axis="x", labelsize=6, length=2, pad=1)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    return png(fig)


def _num(x) -> str:
    return "—" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.3g}"


@solara.component
def ScorecardRow(row):
    verdict = "separated" if row["separated"] else "not separated"
    with solara.Row(gap="10px", style={"align-items": "center", "flex-wrap": "wrap"}, classes=["scorecard-row"]):
        solara.Image(strip_plot(row), width="260px")
        with solara.Column(gap="0px", style={"max-width": "560px"}):
            solara.Markdown(
                f"**{row['feature']}**: {verdict}. Difference {_num(row['difference'])} "
                f"[{_num(row['ci_low'])}, {_num(row['ci_high'])}], p = {_num(row['p_value'])}, "
                f"g = {_num(row['effect_size'])}; system {_num(row['system_mean'])}, control "
                f"{_num(row['control_mean'])}."
            )
            solara.Text(explain(row), style={"font-size": "12px", "color": "#555"}, classes=["scorecard-explain"])


@solara.component
def ScorecardPanel(system: str, scenario: str | None = None, values: dict | None = None):
    """A button that measures the page's scenario (with the page's parameters) in a thread, then one line per row."""
    requested = solara.use_reactive(0)
    done = solara.use_reactive(0)
    seeds = solara.use_reactive(SEEDS)
    compute = scorecard_function()
    params, problem = solara.use_memo(
        lambda: checked_params(system, scenario, values), [system, scenario, repr(sorted((values or {}).items()))]
    )
    total = seeds.value * len(FEATURES)

    def run():
        if requested.value == 0 or compute is None or problem:
            return None
        done.set(0)
        card = compute(system, seeds=seeds.value, params=params, progress=Progress(done))
        return card, describe(scenario, params, seeds.value, STEPS)

    result = solara.use_thread(run, dependencies=[requested.value], intrusive_cancel=False)
    with solara.Card("Scorecard", margin=0, style={"min-width": "320px"}):
        if compute is None:
            solara.Warning("Not available: model.measures.scorecard is missing.", classes=["scorecard-missing"])
            return
        solara.Text(
            f"Each complex-systems feature of this {system}, measured on the scenario as set here and on "
            "a control that differs in that one feature, over seeds. It takes a few minutes."
        )
        solara.SliderInt(f"seeds a side: {seeds.value}", value=seeds, min=2, max=20)
        if problem:
            solara.Error(f"Cannot measure these parameters: {problem}")
        running = result.state == solara.ResultState.RUNNING
        solara.Button(
            "Measure this scenario",
            on_click=lambda: requested.set(requested.value + 1),
            disabled=running or bool(problem),
        )
        if running:
            solara.ProgressLinear(value=100 * done.value / max(total, 1))
            solara.Text(f"Computing… {done.value} of {total} rows × seeds", classes=["scorecard-progress"])
        elif result.error is not None:
            solara.Error(f"The scorecard failed: {result.error}")
        elif result.value is not None:
            card, said = result.value
            with solara.Column(gap="6px", classes=["scorecard-table"]):
                solara.Text(said, classes=["scorecard-what"], style={"display": "block", "font-size": "13px"})
                solara.Text(
                    f"{int(card['separated'].sum())} of {len(card)} rows separated. Dots: one seed each, "
                    "system (green, above) and control (purple, below).",
                    style={"display": "block", "font-weight": "bold"},
                )
                for _, row in card.iterrows():
                    ScorecardRow(row)
