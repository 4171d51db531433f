"""The Mean field page: a deep random network's signals, neuron by neuron, against the mean-field theory.

Pick a mean-field scenario or move the sliders; the agents' forward and backward signals are measured
(model/propagation.py) and drawn as dots beside the theory's lines (model/meanfield.py), with the phase
diagram and the network's point on it. The width slider opens the gap; "Train" trains the network on the
digits and shows where it leaves the theory. Every tab has its own state; nothing is made at module level.
"""

from __future__ import annotations

import math

import numpy as np
import reacton.ipyvuetify as rv
import solara

import scenarios
from model import meanfield
from model.propagation import after_training, propagation
from ui.components import Explanation
from ui.drawing import png
from ui.meanfield_plots import layers_figure, phase_figure

WIDTHS = [8, 16, 32, 64, 128, 256, 512]
DEFAULT_SCENARIO = "meanfield-edge"
TRAIN_STEPS = 200
TRAIN_WIDTH_CAP = 128  # training in the page stays within seconds


def meanfield_scenarios() -> list[str]:
    return [name for name, s in scenarios.SCENARIOS.items() if "meanfield" in s.tags]


def settings_of(name: str) -> dict:
    """Width, depth, σ_w², σ_b² of a mean-field scenario."""
    params = scenarios.get(name).params
    return dict(
        width=int(params["hidden"][0]),
        depth=len(params["hidden"]),
        sigma_w2=float(params["sigma_w2"]),
        sigma_b2=float(params["sigma_b2"]),
    )


def summary(frame) -> str:
    """One line: the phase, and the gap between agents and theory."""
    first = frame.iloc[0]
    chi_1 = float(first.chi_1)
    phase = "at the edge of chaos" if abs(chi_1 - 1) < 1e-3 else "ordered" if chi_1 < 1 else "chaotic"
    gap = float(np.sqrt(np.mean((frame.c - frame.c_theory) ** 2)))
    ratio = float(frame.delta_ratio.mean())
    return (
        f"{phase}: χ₁ = {chi_1:.3f}, c* = {float(first.c_star):.3f}, ξ_c = {float(first.xi_c):.3g} layers · "
        f"gap RMS(c - c_theory) = {gap:.3f} at width {int(first.width)} (1/√width = "
        f"{1 / math.sqrt(int(first.width)):.3f}) · mean ‖δ^l‖²/‖δ^(l+1)‖² = {ratio:.3f} against χ₁"
    )


@solara.component
def MeanFieldPage():
    """Sliders and scenario on the left; the agents against the theory, and the phase diagram, on the right."""
    name = solara.use_reactive(DEFAULT_SCENARIO)
    start = solara.use_memo(lambda: settings_of(DEFAULT_SCENARIO), [])
    width = solara.use_reactive(start["width"])
    depth = solara.use_reactive(start["depth"])
    sigma_w2 = solara.use_reactive(start["sigma_w2"])
    sigma_b2 = solara.use_reactive(start["sigma_b2"])
    seeds = solara.use_reactive(3)
    trained = solara.use_reactive(None)
    training = solara.use_reactive(False)
    message = solara.use_reactive("")

    def pick(new_name):
        name.set(new_name)
        for reactive, value in zip((width, depth, sigma_w2, sigma_b2), settings_of(new_name).values()):
            reactive.set(value)
        trained.set(None)

    key = (width.value, depth.value, sigma_w2.value, sigma_b2.value, seeds.value)

    def measure():
        try:
            return propagation(width.value, depth.value, sigma_w2.value, sigma_b2.value, seeds=seeds.value, pairs=4), ""
        except ValueError as error:
            return None, f"Could not measure: {error}"

    frame, problem = solara.use_memo(measure, list(key))

    def train():
        training.set(True)
        try:
            trained.set(
                after_training(
                    min(width.value, TRAIN_WIDTH_CAP),
                    depth.value,
                    sigma_w2.value,
                    sigma_b2.value,
                    steps=TRAIN_STEPS,
                    seeds=1,
                    pairs=4,
                )
            )
            message.set("")
        except ValueError as error:
            message.set(f"Could not train: {error}")
        finally:
            training.set(False)

    with solara.Sidebar():
        solara.Select("scenario", values=meanfield_scenarios(), value=name.value, on_value=pick)
        rv.Slider(  # SliderValue's tick labels (8 … 512) overlap in the sidebar; the label says the value
            label=f"width: {width.value} neurons per layer",
            v_model=WIDTHS.index(width.value),
            min=0,
            max=len(WIDTHS) - 1,
            step=1,
            ticks=True,
            hide_details=True,
            on_v_model=lambda index: width.set(WIDTHS[int(index)]),
        )
        solara.SliderInt(f"depth: {depth.value} hidden layers", value=depth, min=2, max=40)
        solara.SliderFloat(f"σ_w² = {sigma_w2.value:.3f}", value=sigma_w2, min=0.1, max=8.0, step=0.001)
        solara.SliderFloat(f"σ_b² = {sigma_b2.value:.3f}", value=sigma_b2, min=0.0, max=1.0, step=0.001)
        solara.SliderInt(f"seeds: {seeds.value}", value=seeds, min=1, max=5)
        solara.Button(
            "Edge of chaos",
            color="secondary",
            on_click=lambda: sigma_w2.set(round(meanfield.critical_sigma_w2(sigma_b2.value), 3)),
        )
        solara.Button(
            f"Train {TRAIN_STEPS} steps on digits",
            color="primary",
            on_click=train,
            disabled=training.value or frame is None,
            classes=["meanfield-train"],
        )
        if training.value:
            solara.Text("training…")
        solara.Text(f"Training uses width ≤ {TRAIN_WIDTH_CAP}, one seed, SGD 0.01, batch 32.")

    solara.Title("neurohive · mean field")
    for text in (problem, message.value):
        if text:
            solara.Error(text)
    if frame is None:
        return
    rv.Html(tag="div", children=[summary(frame)], class_="meanfield-summary", style_="margin:6px 0")
    after = None if trained.value is None else trained.value[trained.value.probes == "digits"]
    solara.Image(png(layers_figure(frame, after)), format="png", classes=["meanfield-layers"])
    if after is not None:
        before_gap = _rms(after[after.steps == 0])
        after_gap = _rms(after[after.steps == TRAIN_STEPS])
        rv.Html(
            tag="div",
            class_="meanfield-trained",
            children=[
                f"Trained {TRAIN_STEPS} steps (train loss {float(after.train_loss.iloc[-1]):.3f}); on pairs of digits of "
                f"different classes the gap RMS(c - c_theory) went from {before_gap:.3f} to {after_gap:.3f}. Crosses: those "
                "pairs before training, squares: after; dashed: their theory."
            ],
        )
    with solara.Row(gap="12px", style={"flex-wrap": "wrap", "align-items": "flex-start"}):
        solara.Image(png(phase_figure(sigma_w2.value, sigma_b2.value)), format="png", classes=["meanfield-phase"])
        Explanation(scenarios.get(name.value))


def _rms(frame) -> float:
    return float(np.sqrt(np.mean((frame.c - frame.c_theory) ** 2)))
