"""The hive page: a honey-bee colony holding its brood at 34-36 °C, with heat-wave and removal controls."""

from __future__ import annotations

import solara

import scenarios
from ui import params as P
from ui.components import Explanation, FrameDone, ParamPanel, RunButtons, model_lock, use_page_state, use_player
from ui.drawing import png
from ui.plots import HivePicture
from ui.scorecard import ScorecardPanel

DEFAULT_SCENARIO = "hive-day"


def hive_scenarios() -> list[str]:
    return [name for name, s in scenarios.SCENARIOS.items() if s.system == "hive"]


def build(scenario_name: str, values: dict):
    """A fresh hive from the scenario and the page's values; ValueError with a message for people."""
    scenario = scenarios.get(scenario_name)
    return scenario.model_class(**scenario.parameters(**P.to_kwargs("hive", values)))


def clock(tick: int, dt: float = 1.0) -> str:
    minutes = int(tick * dt)
    return f"day {minutes // 1440 + 1}, {minutes % 1440 // 60:02d}:{minutes % 60:02d}"


def start_heat_wave(hive, hours: float, delta: float) -> str:
    """From now, the outside is `delta` °C hotter for `hours` hours (the weather agent's heat wave)."""
    hive.start_heat_wave(int(round(hours * 60 / hive.dt)), float(delta))
    return f"Heat wave: +{delta:g} °C from {clock(hive.tick, hive.dt)} for {hours:g} h."


@solara.component
def HiveReadout(hive, tick: int):
    low, high = hive.band
    state = "in the band" if low <= hive.temperature <= high else "OUT of the band"
    with solara.Row(gap="16px", style={"align-items": "baseline", "flex-wrap": "wrap"}):
        solara.Text(
            f"Step: {hive.tick}", style={"font-size": "1.25em", "font-weight": "bold"}, classes=["step-readout"]
        )
        solara.Text(
            f"{clock(hive.tick, hive.dt)} · hive {hive.temperature:.2f} °C ({state}) · outside "
            f"{hive.outside:.2f} °C · {hive.n_alive} of {hive.n_bees} bees"
        )


@solara.component
def HiveCharts(hive, tick: int):
    picture = solara.use_memo(lambda: HivePicture(hive), [hive])
    with model_lock(hive):
        image = png(picture.frame())
    solara.Image(image, format="png", classes=["hive-plot"])


@solara.component
def Perturbations(hive, frame: solara.Reactive[int]):
    """Start a heat wave now; remove a fraction of the bees now."""
    delta = solara.use_reactive(8.0)
    hours = solara.use_reactive(12)
    fraction = solara.use_reactive(0.5)
    how = solara.use_reactive("random")
    report = solara.use_reactive("")

    def heat():
        with model_lock(hive):
            said = start_heat_wave(hive, hours.value, delta.value)
        report.set(said)
        frame.set(frame.value + 1)

    def remove():
        with model_lock(hive):
            removed = hive.remove_bees(fraction.value, how=how.value)
        report.set(f"Removed {removed} bees ({how.value}); {hive.n_alive} remain.")
        frame.set(frame.value + 1)

    with solara.Card("Perturb the colony", margin=0, style={"min-width": "300px"}):
        solara.SliderFloat(f"heat wave: +{delta.value:g} °C", value=delta, min=1, max=15, step=0.5)
        solara.SliderInt(f"heat wave: {hours.value} hours", value=hours, min=1, max=48)
        solara.Button("Start a heat wave now", on_click=heat, color="warning")
        solara.SliderFloat(
            f"remove: {fraction.value:.0%} of the living bees", value=fraction, min=0.05, max=1.0, step=0.05
        )
        solara.ToggleButtonsSingle(value=how, values=["random", "targeted"])
        solara.Button("Remove bees now", on_click=remove, color="warning")
        if report.value:
            solara.Info(report.value, classes=["perturb-report"])


@solara.component
def HivePage():
    """The colony at work: parameters in the sidebar; temperature, tasks and thresholds in the main area."""
    page = use_page_state(DEFAULT_SCENARIO, build, P.initial_values, "hive")
    scenario_name, values, hive, built_with = page.scenario_name, page.values, page.model, page.built_with
    frame, playing, message = page.frame, page.playing, page.message
    scenario = scenarios.get(scenario_name.value)
    ticks_per_redraw = solara.use_reactive(20)
    drawn = use_player(playing, lambda: page.advance(ticks_per_redraw.value))
    specs, groups = P.specs_for("hive")

    def redraw_control():
        solara.SliderInt(f"minutes per redraw (Play): {ticks_per_redraw.value}", value=ticks_per_redraw, min=1, max=240)

    with solara.Sidebar():
        solara.Select("scenario", values=hive_scenarios(), value=scenario_name.value, on_value=page.pick_scenario)
        RunButtons(on_reset=lambda: page.rebuild(), on_step=page.step, playing=playing, can_run=hive.value.running)
        if values.value != built_with.value:
            solara.Text(
                "Parameters changed: press Reset to apply them.", style={"color": "#b35806"}, classes=["apply-hint"]
            )
        ParamPanel(specs, groups, values, extra={"Run": [redraw_control]})

    solara.Title("neurohive · hive")
    with solara.Column(gap="8px"):
        solara.Text(
            f"{scenario.title or scenario.name} · seed {built_with.value.get('rng')}", classes=["model-description"]
        )
        if message.value:
            solara.Error(message.value, classes=["page-message"])
        with solara.Row(gap="12px", style={"flex-wrap": "wrap", "align-items": "flex-start"}):
            HiveLiveView(hive.value, frame, drawn)
            Perturbations(hive.value, frame).key(f"perturb-{id(hive.value)}")  # a new colony: no old report
        ScorecardPanel("hive", scenario_name.value, built_with.value)
        Explanation(scenario)


@solara.component
def HiveLiveView(hive, frame: solara.Reactive[int], drawn):
    """What changes with a frame, rendered in one pass (the only reader of `frame`)."""
    tick = frame.value
    with solara.Column(gap="8px"):
        HiveReadout(hive, tick)
        HiveCharts(hive, tick)
    FrameDone(tick, drawn)
