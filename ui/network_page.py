"""The network page: pick a scenario, set its parameters, train, and watch the signals travel.

Every browser tab renders its own `NetworkPage`, so every tab has its own model (held in the page's
reactive state, never at module level). Play runs in a thread: several training steps, then one redraw.
"""

from __future__ import annotations

import os
import tempfile
import time

import numpy as np
import reacton.ipyvuetify as rv
import solara
from solara import FileDrop

import scenarios
from ui import params as P
from ui.components import (
    ClickableImage,
    Explanation,
    FrameDone,
    ParamPanel,
    RunButtons,
    model_lock,
    use_page_state,
    use_player,
)
from ui.drawing import WIDTH, NetworkPicture, png
from ui.plots import BoundaryPicture, CurvesPicture, has_plane
from ui.scorecard import ScorecardPanel

MAX_UPLOAD = 5 * 1024 * 1024  # bytes
CHART_INTERVAL = 1.0  # seconds between chart refreshes while playing (the network redraws every frame)
DEFAULT_SCENARIO = "xor"


def network_scenarios() -> list[str]:
    return [name for name, s in scenarios.SCENARIOS.items() if s.system == "network"]


def build(scenario_name: str, values: dict):
    """A fresh model from the scenario and the page's values; ValueError with a message for people."""
    scenario = scenarios.get(scenario_name)
    kwargs = P.to_kwargs("network", values)
    return scenario.model_class(**scenario.parameters(**kwargs))


def describe(model) -> str:
    """One line: data, layer sizes (or counts), neurons, edges."""
    s = model.structure
    from ui.drawing import layers

    sizes = np.bincount(layers(model))
    shape = "-".join(str(k) for k in sizes)
    delays = int(np.count_nonzero(np.asarray(s.delay)))
    extra = f", {delays} delay edges" if delays else ""
    return (
        f"{model.data.name} · {shape} · {s.n} neurons, {len(s.src)} edges{extra} · "
        f"{model.loss_function.name} loss · {model.executor} executor"
    )


def targeted_order(model) -> list[int]:
    """Hidden neurons, most influential first: the largest summed |weight| on their out-edges."""
    s = model.structure
    hidden = [v for v in range(s.n) if s.roles[v] == "hidden"]
    out_strength = np.bincount(s.src, weights=np.abs(model.params.weight), minlength=s.n)
    return sorted(hidden, key=lambda v: -out_strength[v])


def lesion(model, percent: float, how: str) -> str:
    """Silence `percent` % of the hidden neurons (random or most influential first); report the effect."""
    s = model.structure
    hidden = [v for v in range(s.n) if s.roles[v] == "hidden"]
    if not hidden:
        return "This network has no hidden neurons to silence."
    k = int(round(len(hidden) * percent / 100))
    before = model.evaluate("test")
    model.silence(hidden, silenced=False)
    if k:
        chosen = targeted_order(model)[:k] if how == "targeted" else model.rng.choice(hidden, size=k, replace=False)
        model.silence(chosen)
    after = model.evaluate("test")
    return (
        f"Silenced {k} of {len(hidden)} hidden neurons ({how}). Test accuracy {before['accuracy']:.3f} → "
        f"{after['accuracy']:.3f}, test loss {before['loss']:.4g} → {after['loss']:.4g}. "
        "Keep training to see whether the others take over."
    )


@solara.component
def StepReadout(model, tick: int):
    """`Step: N`, the stage, the epoch, and why the run paused if it did."""
    with solara.Row(gap="16px", style={"align-items": "baseline", "flex-wrap": "wrap"}):
        solara.Text(
            f"Step: {model.completed_steps}",
            style={"font-size": "1.25em", "font-weight": "bold"},
            classes=["step-readout"],
        )
        solara.Text(f"epoch {model.epoch} · stage: {model.stage or 'start'} · last batch loss {model.loss:.4g}")
    if not model.running:
        solara.Error(f"The run paused. {model.status}", icon=True, classes=["divergence"])


@solara.component
def NetworkCanvas(model, tick: int, selected: solara.Reactive[int | None]):
    """The network picture; click a neuron to inspect it."""
    picture = solara.use_memo(lambda: NetworkPicture(model), [model])
    with model_lock(model):
        image = picture.frame(selected=selected.value)

    def on_click(x, y):
        node = picture.neuron_at(x, y)
        if node is not None:
            selected.set(node)

    ClickableImage(image, WIDTH, on_click=on_click, alt="network", classes=["network-picture"])


@solara.component
def Inspector(model, tick: int, selected: solara.Reactive[int | None]):
    """What the selected neuron holds: its bias, incoming weights and last signals."""
    n = model.structure.n
    with solara.Card("Neuron", margin=0, style={"min-width": "280px"}):
        solara.InputText(
            "neuron id (or click one)",
            value="" if selected.value is None else str(selected.value),
            on_value=lambda t: selected.set(int(t) if t.strip().isdigit() and int(t) < n else None),
            continuous_update=True,
        )
        if selected.value is None or selected.value >= n:
            solara.Text("Click a neuron in the picture.")
            return
        with model_lock(model):
            lines = inspect_lines(model, selected.value)
        rv.Html(
            tag="pre",
            children=["\n".join(lines)],
            class_="neuron-inspector",
            style_="font-size: 0.8em; white-space: pre-wrap; margin: 0",
        )


def inspect_lines(model, node: int) -> list[str]:
    """A neuron's repr, bias, incoming weights (largest first) and last signals, as text lines."""
    neuron = model.neurons[node]
    signals = model.signals
    lines = [repr(neuron)]
    if neuron.role != "input":
        lines.append(f"bias b = {neuron.bias:+.4f}")
        incoming = neuron.incoming()
        shown = sorted(incoming.items(), key=lambda kv: -abs(kv[1]))[:12]
        lines.append(f"incoming weights ({len(incoming)}, largest first):")
        lines += [f"  from {u:>3}: w = {w:+.4f}" for u, w in shown]
        if len(incoming) > len(shown):
            lines.append(f"  … {len(incoming) - len(shown)} more")
    ticks = range(1, model.ticks + 1)
    lines.append("last signals (example 1 of the batch):")
    lines.append("  a (forward) = " + ", ".join(f"{signals.a[t, node, 0]:+.4f}" for t in ticks))
    if neuron.role != "input":
        lines.append("  z (preact.) = " + ", ".join(f"{signals.z[t, node, 0]:+.4f}" for t in ticks))
        lines.append("  δ (backward) = " + ", ".join(f"{signals.delta[t, node, 0]:+.4f}" for t in ticks))
    return lines


@solara.component
def Charts(model, tick: int, playing: bool):
    """Decision boundary (2-D data) and the train/test curves; refreshed at most every CHART_INTERVAL in Play."""
    boundary = solara.use_memo(lambda: BoundaryPicture(model) if has_plane(model) else None, [model])
    curves = solara.use_memo(lambda: CurvesPicture(model), [model])
    cache = solara.use_ref({"at": 0.0, "images": None, "model": None})
    now = time.perf_counter()
    fresh = (
        cache.current["images"] is None
        or cache.current["model"] is not model
        or not playing
        or now - cache.current["at"] >= CHART_INTERVAL
    )
    if fresh:
        with model_lock(model):
            images = (png(boundary.frame()) if boundary is not None else None, png(curves.frame()))
        cache.current = {"at": now, "images": images, "model": model}
    plane, lines = cache.current["images"]
    with solara.Row(gap="8px", style={"flex-wrap": "wrap", "align-items": "flex-start"}):
        if plane is not None:
            solara.Image(plane, format="png", classes=["boundary-plot"])
        solara.Image(lines, format="png", classes=["curves-plot"])


@solara.component
def LesionPanel(model, frame: solara.Reactive[int]):
    """Silence x % of the hidden neurons, at random or the most influential first, and show the effect."""
    percent = solara.use_reactive(25)
    how = solara.use_reactive("random")
    report = solara.use_reactive("")

    def apply():
        with model_lock(model):
            said = lesion(model, percent.value, how.value)
        report.set(said)
        frame.set(frame.value + 1)

    def restore():
        with model_lock(model):
            model.silence(range(model.structure.n), silenced=False)
        report.set("All neurons restored.")
        frame.set(frame.value + 1)

    with solara.Card("Lesion", margin=0):
        solara.SliderInt(f"silence {percent.value} % of hidden neurons", value=percent, min=0, max=100, step=5)
        solara.ToggleButtonsSingle(value=how, values=["random", "targeted"])
        with solara.Row():
            solara.Button("Silence", on_click=apply, color="warning")
            solara.Button("Restore all", on_click=restore)
        if report.value:
            solara.Info(report.value, classes=["lesion-report"])


@solara.component
def NetworkPage():
    """The network at work: controls in the sidebar, the picture and the curves in the main area."""
    selected = solara.use_reactive(None)
    page = use_page_state(DEFAULT_SCENARIO, build, P.initial_values, "model", on_rebuild=lambda: selected.set(None))
    scenario_name, values, model, built_with = page.scenario_name, page.values, page.model, page.built_with
    frame, playing, message, rebuild = page.frame, page.playing, page.message, page.rebuild
    scenario = scenarios.get(scenario_name.value)
    steps_per_redraw = solara.use_reactive(5)
    uploads = solara.use_reactive([])  # paths of CSV files dropped on this page
    upload_dir = solara.use_memo(lambda: tempfile.mkdtemp(prefix="neurohive-upload-"), [])

    def next_stage():
        with model_lock(model.value):
            model.value.advance_stage()
        page.redraw()

    drawn = use_player(playing, lambda: page.advance(steps_per_redraw.value))

    def on_file(info):
        """A dropped CSV: at most 5 MB, and columns the model can use; otherwise a message."""
        size = info.get("size") or 0
        if size > MAX_UPLOAD:
            message.set(f"{info['name']} is {size / 1e6:.1f} MB; the limit is {MAX_UPLOAD / 1e6:.0f} MB.")
            return
        data = info.get("data")
        if data is None:
            data = info["file_obj"].read(MAX_UPLOAD + 1)
        if len(data) > MAX_UPLOAD:
            message.set(f"{info['name']} is over {MAX_UPLOAD / 1e6:.0f} MB: too big.")
            return
        name = os.path.basename(info["name"]) or "upload.csv"
        if not name.lower().endswith(".csv"):
            message.set(f"{name} is not a .csv file: drop a CSV with a header row.")
            return
        path = os.path.join(upload_dir, name)
        with open(path, "wb") as handle:
            handle.write(data)
        new_values = {**values.value, "dataset": path}
        if rebuild(new_values=new_values):
            uploads.set([*uploads.value, path])
            values.set(new_values)

    current = model.value
    specs, groups = P.specs_for("network")
    dataset_spec = next(s for s in specs if s.name == "dataset")
    specs = [
        s if s.name != "dataset" else P.Spec("dataset", "Data", "choice", (*dataset_spec.choices, *uploads.value))
        for s in specs
    ]

    def redraw_control():
        solara.SliderInt(f"steps per redraw (Play): {steps_per_redraw.value}", value=steps_per_redraw, min=1, max=50)

    def upload_control():
        FileDrop(label="Drop a CSV here (≤ 5 MB; target column 'label' or the last)", on_file=on_file, lazy=True)

    with solara.Sidebar():
        solara.Select("scenario", values=network_scenarios(), value=scenario_name.value, on_value=page.pick_scenario)
        RunButtons(
            on_reset=lambda: rebuild(), on_step=page.step, playing=playing, can_run=current.running, on_stage=next_stage
        )
        if values.value != built_with.value:
            solara.Text(
                "Parameters changed: press Reset to apply them.", style={"color": "#b35806"}, classes=["apply-hint"]
            )
        ParamPanel(specs, groups, values, extra={"Run": [redraw_control], "Data": [upload_control]})

    solara.Title("neurohive · network")
    with solara.Column(gap="8px"):
        solara.Text(
            f"{scenario.title or scenario.name} — {describe(current)} · seed {built_with.value.get('rng')}",
            classes=["model-description"],
        )
        if message.value:
            solara.Error(message.value, classes=["page-message"])
        LiveView(current, frame, selected, playing.value, drawn)
        with solara.Row(gap="12px", style={"flex-wrap": "wrap", "align-items": "flex-start"}):
            LesionPanel(current, frame)
            ScorecardPanel("network")
        Explanation(scenario)


@solara.component
def LiveView(model, frame: solara.Reactive[int], selected, playing: bool, drawn):
    """Everything that changes with a frame, rendered in one pass (the only reader of `frame`)."""
    tick = frame.value
    StepReadout(model, tick)
    StageStrip(model, tick)
    with solara.Row(gap="12px", style={"flex-wrap": "wrap", "align-items": "flex-start"}):
        NetworkCanvas(model, tick, selected)
        Inspector(model, tick, selected)
    Charts(model, tick, playing)
    FrameDone(tick, drawn)


@solara.component
def StageStrip(model, tick: int):
    """The stages of one step, the last one run highlighted: the phase stepper's map."""
    labels = model.stage_labels()
    current = model.stage
    with solara.Row(gap="4px", style={"flex-wrap": "wrap"}):
        for label in labels:
            active = label == current
            solara.Text(
                label,
                style={
                    "padding": "1px 6px",
                    "border-radius": "8px",
                    "font-size": "0.8em",
                    "background": "#f1a340" if active else "#eeeeee",
                    "font-weight": "bold" if active else "normal",
                },
            )
