"""Small Solara pieces shared by the pages: parameter panels, run buttons, images, explanations."""

from __future__ import annotations

import base64
import threading
import time
import weakref
from collections.abc import Callable

import reacton.ipyvuetify as rv
import solara

from ui.params import Spec, choices_with, show


_LOCKS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_LOCKS_GUARD = threading.Lock()


def model_lock(model) -> threading.RLock:
    """One lock per model: Play's thread steps it while a render may read it (predict swaps registers)."""
    with _LOCKS_GUARD:
        lock = _LOCKS.get(model)
        if lock is None:
            lock = _LOCKS[model] = threading.RLock()
        return lock


@solara.component
def ParamPanel(specs: list[Spec], groups: tuple[str, ...], values: solara.Reactive[dict], extra: dict | None = None):
    """The controls, one card per group, each showing its value; `extra` adds UI-only controls to a group."""
    extra = extra or {}

    def setter(name, convert=lambda x: x):
        def set_value(raw):
            values.set({**values.value, name: convert(raw)})
        return set_value

    for group in groups:
        with solara.Card(group, margin=0, style={"margin-bottom": "8px"}):
            for spec in (s for s in specs if s.group == group):
                value = values.value.get(spec.name)
                if spec.kind == "choice":
                    options = choices_with(spec, value)
                    shown = [show(c, spec.none) for c in options]
                    lookup = dict(zip(shown, options))
                    solara.Select(label=spec.title, values=shown, value=show(value, spec.none),
                                  on_value=setter(spec.name, lambda text, lookup=lookup: lookup.get(text, text)))
                elif spec.kind == "bool":
                    solara.Checkbox(label=spec.title, value=bool(value), on_value=setter(spec.name))
                else:
                    text = "" if value is None and spec.optional else (value if isinstance(value, str) else show(value))
                    solara.InputText(label=spec.title, value=text, on_value=setter(spec.name), continuous_update=True)
            for control in extra.get(group, []):
                control()


@solara.component
def RunButtons(on_reset: Callable, on_step: Callable, playing: solara.Reactive[bool], can_run: bool,
               on_stage: Callable | None = None):
    """Reset, Play/Pause and Step, always in this order (and a phase stepper for the network)."""
    with solara.Row(gap="6px", style={"flex-wrap": "wrap"}):
        solara.Button("Reset", color="primary", on_click=on_reset)
        solara.Button("Pause" if playing.value else "Play", color="primary", icon_name="mdi-pause" if playing.value
                      else "mdi-play", on_click=lambda: playing.set(not playing.value),
                      disabled=not can_run and not playing.value)
        solara.Button("Step", color="primary", on_click=on_step, disabled=playing.value or not can_run)
        if on_stage is not None:
            solara.Button("Next stage", color="secondary", icon_name="mdi-debug-step-over", on_click=on_stage,
                          disabled=playing.value or not can_run)


def use_player(playing: solara.Reactive[bool], advance: Callable[[], bool]) -> threading.Event:
    """While `playing`: call `advance()` (steps, then bumps the frame) in a thread; it returns False to stop.

    Returns the event a `FrameDone` component sets once a frame has been drawn: the thread waits for it,
    so it never runs ahead of the drawing (several steps per redraw, never a redraw per step).
    """
    drawn = solara.use_memo(threading.Event, [])

    def loop(cancel: threading.Event):
        while playing.value and not cancel.is_set():
            drawn.clear()
            try:
                keep_going = advance()
            except Exception:  # an error in a frame stops Play; the page shows the message
                playing.set(False)
                raise
            if not keep_going:
                playing.set(False)
                return
            drawn.wait(2.0)
            cancel.wait(0.01)  # a breath for clicks (Pause) between frames

    solara.use_thread(loop, dependencies=[playing.value], intrusive_cancel=False)
    return drawn


@solara.component
def FrameDone(tick: int, drawn: threading.Event):
    """Put last in a frame's view: once frame `tick` is rendered, tell the Play thread it may go on."""
    solara.use_effect(drawn.set, [tick])


@solara.component
def ClickableImage(data: bytes, width: int, on_click: Callable[[float, float], None] | None = None,
                   alt: str = "", classes: list[str] | None = None):
    """A PNG at a fixed pixel width; a click reports (x, y) in image pixels from the top left."""
    src = "data:image/png;base64," + base64.b64encode(data).decode("ascii")
    image = rv.Html(tag="img", attributes={"src": src, "width": str(width), "alt": alt},
                           style_=f"width:{width}px; max-width:none; display:block; cursor:crosshair",
                           class_=" ".join(classes or []))

    def clicked(widget, event, payload):
        if on_click is not None and isinstance(payload, dict) and "offsetX" in payload:
            on_click(float(payload["offsetX"]), float(payload["offsetY"]))

    rv.use_event(image, "click", clicked)
    return image


@solara.component
def Explanation(scenario):
    """A scenario's explanation on the Info-tab template (plain text: no Markdown assets needed)."""
    with solara.Details(f"About this scenario: {scenario.title or scenario.name}", expand=True):
        for heading, text in scenario.info.sections():
            rv.Html(tag="h4", children=[heading], style_="margin-top:8px")
            rv.Html(tag="p", children=[text], style_="margin-bottom:4px")


