"""What the network page redraws with every frame: the step readout, the stage strip, the picture, the charts.

`LiveView` is the only reader of the page's frame counter. While Play runs, frames go straight to the
picture's widget (`NetworkCanvas` leaves Play a `push`, ui/page_state.py) and the rest is redrawn once a
second. The picture and the curves are drawn in the browser (`ui/network_view.py`, `ui/curves_view.py`).
"""

from __future__ import annotations

import time

import numpy as np
import solara

from ui.components import FrameDone, model_lock
from ui.curves_view import CurvesSVG, model_chart
from ui.drawing import png
from ui.inspector import Inspector
from ui.network_view import NetworkGeometry, NetworkSVG, as_json, frame_payload
from ui.neuron_pictures import NeuronPictures, picture_urls, why_not
from ui.page_state import current_tab
from ui.plots import BoundaryPicture, has_plane
from ui.stage_view import view as stage_view

CHART_INTERVAL = 1.0  # seconds between refreshes of the decision boundary while playing


@solara.component
def StepReadout(model, tick: int):
    """`Step: N`, the stage, the epoch, and why the run paused if it did."""
    with solara.Row(gap="16px", style={"align-items": "baseline", "flex-wrap": "wrap"}):
        solara.Text(
            f"Step: {model.completed_steps}",
            style={"font-size": "1.25em", "font-weight": "bold"},
            classes=["step-readout"],
        )
        if model.completed_steps == 0:
            said = "not trained yet"
        else:
            said = f"epoch {model.epoch + 1} · last batch loss {model.loss:.4g}"
        solara.Text(f"{said} · stage: {model.stage or 'start'}")
    if not model.running:
        solara.Error(f"The run paused. {model.status}", icon=True, classes=["divergence"])


def picture_frame(model, geometry, lattice, staging: bool, tick) -> tuple[dict, dict]:
    """(the SVG's frame, the neurons' pictures) for the model as it is now."""
    with model_lock(model):
        view = stage_view(model, staging)
        frame = frame_payload(model, geometry, view, tick=tick)
        pictures = {}
        if lattice is not None:
            backward = view.kind == "delta"
            stack = lattice.compute(backward)["delta" if backward else "a"]
            pictures = picture_urls(stack, np.flatnonzero(view.reached))
    return frame, pictures


@solara.component
def NetworkCanvas(model, tick: int, selection: solara.Reactive, staging: bool = False, drawn=None, slot=None):
    """The network picture (with every neuron's picture for 2-D data); click a neuron or an edge to edit it.

    The browser says when it has painted a frame, and Play waits for that (`drawn`) before it sends the
    next, so no frame queues up in front of a click on Pause. In `slot["push"]` the canvas leaves Play a way
    to send a frame straight to the picture's widget, without re-rendering the page (ui/page_state.py)."""
    no_pictures = why_not(model)
    geometry = solara.use_memo(lambda: NetworkGeometry(model, pictures=no_pictures is None), [model])
    geometry_json = solara.use_memo(lambda: as_json(geometry.payload), [geometry])
    lattice = solara.use_memo(lambda: NeuronPictures(model) if no_pictures is None else None, [model])
    in_browser = current_tab() is not None
    latest = solara.use_ref(None)  # the id of the frame sent last
    pushed = solara.use_ref(0)
    latest.current = f"r{tick}"
    frame, pictures = picture_frame(model, geometry, lattice, staging, latest.current)
    picked = selection.value

    def painted(painted_tick):
        if drawn is not None and painted_tick == latest.current:
            drawn.set()

    def pick(payload):
        selection.set({"kind": payload["kind"], "id": int(payload["id"])})

    with solara.Column(gap="2px", style={"flex": "1 1 560px", "min-width": "0"}):
        svg = NetworkSVG(
            geometry=geometry_json,
            frame=as_json(frame),
            pictures=pictures,
            selected=picked["id"] if picked and picked["kind"] == "node" else None,
            event_pick=pick,
            event_drawn=painted,
        )
        if no_pictures:
            solara.Text(
                f"No neuron pictures: {no_pictures}.",
                style={"font-size": "0.85em", "color": "#555"},
                classes=["no-pictures"],
            )

    def offer_push():
        if slot is None:
            return None
        try:
            widget = solara.get_widget(svg)
        except KeyError:  # this render's picture was replaced before its effect ran: the next render offers it
            return None

        def push():
            pushed.current += 1
            latest.current = f"p{pushed.current}"
            new_frame, new_pictures = picture_frame(model, geometry, lattice, False, latest.current)
            with widget.hold_sync():
                widget.pictures, widget.frame = new_pictures, as_json(new_frame)
            if not in_browser and drawn is not None:  # no browser will say it painted it (solara.render)
                drawn.set()

        slot["push"] = push
        return lambda: slot.get("push") is push and slot.pop("push")

    solara.use_effect(offer_push)  # after every render: the widget and the closure of the picture now shown


@solara.component
def Charts(model, tick: int, playing: bool):
    """Decision boundary (2-D data) and the train/test curves (drawn in the browser, ui/curves_view.py); while
    playing, the boundary (a matplotlib picture) is refreshed at most every CHART_INTERVAL."""
    boundary = solara.use_memo(lambda: BoundaryPicture(model) if has_plane(model) else None, [model])
    show_test, set_show_test = solara.use_state(True)
    discrete, set_discrete = solara.use_state(False)
    cache = solara.use_ref({"at": 0.0, "plane": None, "key": None})
    now = time.perf_counter()
    key = (model, show_test, discrete)
    with model_lock(model):  # read under the lock, draw outside it: Play keeps stepping meanwhile
        series = {k: list(v) for k, v in model.datacollector.model_vars.items()}
        fresh = boundary is not None and (
            cache.current["plane"] is None
            or cache.current["key"] != key
            or not playing
            or now - cache.current["at"] >= CHART_INTERVAL
        )
        plane_data = boundary.snapshot() if fresh else None
    if fresh:
        cache.current = {"at": now, "plane": png(boundary.frame(show_test, discrete, plane_data)), "key": key}
    with solara.Row(gap="8px", style={"flex-wrap": "wrap", "align-items": "flex-start"}):
        if boundary is not None:
            with solara.Column(gap="0px"):
                solara.Image(cache.current["plane"], format="png", classes=["boundary-plot"])
                with solara.Row(gap="8px"):
                    solara.Checkbox(label="show test data", value=show_test, on_value=set_show_test, style="margin: 0")
                    solara.Checkbox(label="discretise output", value=discrete, on_value=set_discrete, style="margin: 0")
        with solara.Column(gap="0px", style={"flex": "1 1 420px", "min-width": "0"}):
            CurvesSVG(chart=model_chart(model, series))


@solara.component
def LiveView(model, frame: solara.Reactive[int], selection, playing: bool, drawn, staging: bool = False, slot=None):
    """Everything that changes with a frame, rendered in one pass (the only reader of `frame`)."""
    tick = frame.value
    StepReadout(model, tick)
    StageStrip(model, tick, staging)
    with solara.Row(gap="12px", style={"flex-wrap": "wrap", "align-items": "flex-start"}):
        with model_lock(model):
            view = stage_view(model, staging)
        NetworkCanvas(model, tick, selection, staging, drawn, slot)
        Inspector(model, view, selection, frame)
    Charts(model, tick, playing)
    if current_tab() is None:  # no browser to say it painted the frame (solara.render): the render is the frame
        FrameDone(tick, drawn)


@solara.component
def StageStrip(model, tick: int, staging: bool = False):
    """The stages of one step, the last one run highlighted: the phase stepper's map."""
    labels = model.stage_labels()
    current = model.stage if staging or model.stage != "update" else None
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
