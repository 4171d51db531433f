"""The network page: pick a scenario, set its parameters, train, and watch the signals travel.

Every browser tab has its own model, kept in the tab (`ui/page_state.py`): it survives a visit to the
other pages. The URL carries the scenario, the parameters and the seed (`ui/link.py`). Play runs in a
thread: several training steps, then one frame (`ui/page_state.py`); what a frame redraws is `ui/live_view.py`.
"""

from __future__ import annotations

import os
import tempfile

import numpy as np
import solara

import scenarios
from model import checkpoint
from model import datasets as D
from ui import params as P
from ui.components import Explanation, ParamPanel, RunButtons, model_lock, use_page_state, use_player
from ui.drawing import layers
from ui.lesion_panel import LesionPanel
from ui.link import UrlSync, decode, encode
from ui.live_view import LiveView
from ui.network_controls import ArchitectureButtons, LinkBox
from ui.page_state import current_tab, tab_memory
from ui.scorecard import ScorecardPanel
from ui.upload import CsvDrop, read_upload

DEFAULT_SCENARIO = "xor"
UPLOAD_DIR = tempfile.mkdtemp(prefix="neurohive-upload-")


def network_scenarios() -> list[str]:
    return [name for name, s in scenarios.SCENARIOS.items() if s.system == "network"]


def build(scenario_name: str, values: dict, uploads: dict | None = None, dataset=None):
    """A fresh model from the scenario and the page's values; ValueError with a message for people."""
    scenario = scenarios.get(scenario_name)
    kwargs = P.to_kwargs("network", values)
    if uploads and kwargs.get("dataset") in uploads:
        kwargs["dataset"] = uploads[kwargs["dataset"]]
    if dataset is not None:
        kwargs["dataset"] = dataset
    return scenario.model_class(**scenario.parameters(**kwargs))


def describe(model) -> str:
    """One line: data, layer sizes (or counts), neurons, edges."""
    s = model.structure
    shape = "-".join(str(k) for k in np.bincount(layers(model)))
    delays = int(np.count_nonzero(np.asarray(s.delay)))
    extra = f", {delays} delay edges" if delays else ""
    return (
        f"{model.data.name} · {shape} · {s.n} neurons, {len(s.src)} edges{extra} · "
        f"{model.loss_function.name} loss · {model.executor} executor"
    )


def write_csv(data, path: str) -> str:
    """A data set as a CSV the page can read again (features, then the target as 'label')."""
    import pandas as pd

    x = np.r_[data.x_train, data.x_test]
    y = np.r_[data.y_train, data.y_test]
    frame = pd.DataFrame(x, columns=[f"x{i + 1}" for i in range(x.shape[1])])
    frame["label"] = y if y.ndim == 1 else y[:, 0]
    frame.to_csv(path, index=False)
    return path


def same_initial_weights(old, new):
    """Carry the old model's initial θ into the new one (same architecture required)."""
    if old.params.theta.shape != new.params.theta.shape or not np.array_equal(old.structure.src, new.structure.src):
        raise ValueError("the architecture changed, so the old initial weights do not fit: press Reset instead")
    new.params.theta[:] = old.initial_theta
    new.initial_theta = new.params.theta.copy()


def start_from_link(search) -> tuple[tuple[str, dict] | None, str]:
    """(scenario, values) a link asks for, or None; and why a link was refused."""
    try:
        return decode(search), ""
    except ValueError as error:
        return None, f"The link was refused: {error}."


@solara.component
def NetworkPage():
    """The network at work: controls in the sidebar, the picture and the curves in the main area."""
    tab = current_tab()
    uploads = solara.use_memo(lambda: tab_memory(tab).setdefault("network-uploads", solara.reactive({})), [])
    staging = solara.use_reactive(False)
    selection = solara.use_reactive(None)

    def build_here(name, values):
        model = build(name, values, uploads.value)
        model.initial_theta = model.params.theta.copy()
        return model

    page = use_page_state(
        DEFAULT_SCENARIO,
        build_here,
        P.initial_values,
        "model",
        key="network",
        on_rebuild=lambda: (selection.set(None), staging.set(False)),
    )
    scenario_name, values, model, built_with = page.scenario_name, page.values, page.model, page.built_with
    frame, playing, message = page.frame, page.playing, page.message
    scenario = scenarios.get(scenario_name.value)
    steps_per_redraw = solara.use_reactive(5)

    link = encode(
        scenario_name.value,
        built_with.value,
        skip=("dataset",) if built_with.value.get("dataset") in uploads.value else (),
    )

    def arrived(search):
        """The page was opened with this query: a link asks for its experiment (an empty one changes nothing)."""
        asked, why = start_from_link(search)
        if why:
            message.set(why)
        elif asked is not None and encode(*asked) != link:
            name, asked_values = asked
            scenario_name.set(name)
            values.set(asked_values)
            page.rebuild(name, asked_values)

    def next_stage():
        with model_lock(model.value):
            model.value.advance_stage()
        staging.set(True)
        page.redraw()

    def one_step():
        staging.set(False)
        page.step()

    drawn = use_player(playing, lambda: page.advance(steps_per_redraw.value))

    def on_play_toggle():
        staging.set(False)

    def on_file(info):
        """A dropped or picked CSV becomes a named data set choice, and the model trains on it."""
        try:
            path = read_upload(info, UPLOAD_DIR)
        except ValueError as error:
            message.set(str(error))
            return
        name = os.path.basename(path)
        new_uploads = {**uploads.value, name: path}
        new_values = {**values.value, "dataset": name}
        previous = uploads.value
        uploads.set(new_uploads)
        if page.rebuild(new_values=new_values):
            values.set(new_values)
        else:
            uploads.set(previous)

    def on_saved_file(info):
        """Load a saved model: rebuild it from its parameters and data, then put its state back."""
        blob = info["file_obj"].read()
        try:
            meta, arrays = checkpoint.read(blob)
            saved = meta["parameters"]
            data = checkpoint.dataset(meta, arrays)
            name_and_values = decode(saved["link"])
            if name_and_values is None:
                raise ValueError("the file names no scenario")
            restored_values = name_and_values[1]
            if data.name not in D.GENERATORS:  # an uploaded set: offer it by name again
                name = f"{data.name}.csv"
                restored_values["dataset"] = name
                uploads.set({**uploads.value, name: write_csv(data, os.path.join(UPLOAD_DIR, name))})
            fresh = build(saved["scenario"], restored_values, dataset=data)
            checkpoint.restore(fresh, meta, arrays)
            fresh.initial_theta = arrays.get("initial_theta", fresh.params.theta).copy()
        except (ValueError, TypeError, KeyError) as error:
            message.set(f"Could not load {info['name']}: {error}")
            return
        playing.set(False)
        scenario_name.set(saved["scenario"])
        values.set(restored_values)
        built_with.set(restored_values)
        model.set(fresh)
        message.set("")
        page.redraw()

    def saved_bytes():
        with model_lock(model.value):
            return checkpoint.save(
                model.value,
                {"scenario": scenario_name.value, "link": link},  # the parameters as a link writes them
                initial_theta=getattr(model.value, "initial_theta", model.value.params.theta),
            )

    current = model.value
    specs, groups = P.specs_for("network")
    choices = (*D.GENERATORS, *uploads.value)
    specs = [s if s.name != "dataset" else P.Spec("dataset", "Data", "choice", choices) for s in specs]

    def set_sizes(sizes):
        new_values = {**values.value, "hidden": ",".join(map(str, sizes))}
        values.set(new_values)
        page.rebuild(new_values=new_values)

    def redraw_control():
        solara.SliderInt(f"steps per redraw (Play): {steps_per_redraw.value}", value=steps_per_redraw, min=1, max=50)

    def upload_control():
        CsvDrop(
            label="Drop a CSV here, or click to pick one (≤ 5 MB; target column 'label' or the last)", on_file=on_file
        )

    def architecture_control():
        ArchitectureButtons(values.value, set_sizes)

    def file_controls():
        solara.FileDownload(
            saved_bytes,
            filename=f"neurohive-{scenario_name.value}-step{current.completed_steps}.npz",
            label="Save model (.npz)",
        )
        CsvDrop(label="Load a saved model: drop or click (.npz)", on_file=on_saved_file)

    with solara.Sidebar():
        solara.Select("scenario", values=network_scenarios(), value=scenario_name.value, on_value=page.pick_scenario)
        RunButtons(
            on_reset=lambda: page.rebuild(),
            on_step=one_step,
            playing=playing,
            can_run=current.running,
            on_stage=next_stage,
        )
        solara.Button(
            "Restart from the same initial weights",
            text=True,
            small=True,
            classes=["same-weights"],
            on_click=lambda: page.rebuild(keep=same_initial_weights),
        )
        if values.value != built_with.value:
            solara.Text(
                "Parameters changed: press Reset to apply them.", style={"color": "#b35806"}, classes=["apply-hint"]
            )
        ParamPanel(
            specs,
            groups,
            values,
            message=message.value,
            extra={"Run": [redraw_control, file_controls], "Data": [upload_control], "Network": [architecture_control]},
        )

    solara.Title("neurohive · network")
    solara.Style(".v-application .solara-watermark, .solara-badge, a[href*='solara.dev'] {display: none !important}")
    with solara.Column(gap="8px"):
        solara.Text(
            f"{scenario.title or scenario.name} — {describe(current)} · seed {built_with.value.get('rng')}",
            classes=["model-description"],
        )
        if message.value:
            solara.Error(message.value, classes=["page-message"])
        LiveView(current, frame, selection, playing.value, drawn, staging.value, page.extra)
        with solara.Row(gap="12px", style={"flex-wrap": "wrap", "align-items": "flex-start"}):
            LesionPanel(current, frame).key(f"lesion-{id(current)}")  # a new model: no old report
            ScorecardPanel("network", scenario_name.value, built_with.value)
        LinkBox("?" + link)
        UrlSync(query=link, event_arrived=arrived)
        Explanation(scenario)
    # on Pause, the whole page shows the model as it is (while playing, frames went to the picture alone)
    solara.use_effect(lambda: on_play_toggle() if playing.value else page.redraw(), [playing.value])
