"""Small Solara pieces shared by the pages: parameter panels, run buttons, images, explanations."""

from __future__ import annotations

import base64
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass

import reacton.ipyvuetify as rv
import solara

import scenarios
from ui.params import Spec, choices_with, problem, show

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
                    solara.Select(
                        label=spec.title,
                        values=shown,
                        value=show(value, spec.none),
                        on_value=setter(spec.name, lambda text, lookup=lookup: lookup.get(text, text)),
                    )
                elif spec.kind == "bool":
                    solara.Checkbox(label=spec.title, value=bool(value), on_value=setter(spec.name))
                else:
                    text = "" if value is None and spec.optional else (value if isinstance(value, str) else show(value))
                    solara.InputText(label=spec.title, value=text, on_value=setter(spec.name), continuous_update=True)
                    wrong = problem(spec, value)
                    if wrong:  # beside the control, as the declaration words it (model/parameters.py)
                        solara.Text(wrong, classes=["param-error"], style={"color": "#b00020", "font-size": "0.8em"})
            for control in extra.get(group, []):
                control()


@solara.component
def RunButtons(
    on_reset: Callable,
    on_step: Callable,
    playing: solara.Reactive[bool],
    can_run: bool,
    on_stage: Callable | None = None,
):
    """Reset, Play/Pause and Step, always in this order (and a phase stepper for the network)."""
    with solara.Row(gap="6px", style={"flex-wrap": "wrap"}):
        solara.Button("Reset", color="primary", on_click=on_reset)
        solara.Button(
            "Pause" if playing.value else "Play",
            color="primary",
            icon_name="mdi-pause" if playing.value else "mdi-play",
            on_click=lambda: playing.set(not playing.value),
            disabled=not can_run and not playing.value,
        )
        solara.Button("Step", color="primary", on_click=on_step, disabled=playing.value or not can_run)
        if on_stage is not None:
            solara.Button(
                "Next stage",
                color="secondary",
                icon_name="mdi-debug-step-over",
                on_click=on_stage,
                disabled=playing.value or not can_run,
            )


@dataclass
class PageState:
    """What a page keeps per tab: its scenario, the parameter values, the model built from them, the frame."""

    scenario_name: solara.Reactive[str]
    values: solara.Reactive[dict]
    model: solara.Reactive
    built_with: solara.Reactive[dict]
    frame: solara.Reactive[int]  # bumped on every redraw; read by the live view only, not the page
    playing: solara.Reactive[bool]
    message: solara.Reactive[str]
    rebuild: Callable[..., bool]
    pick_scenario: Callable[[str], None]

    def redraw(self):
        self.frame.set(self.frame.value + 1)

    def step(self):
        with model_lock(self.model.value):
            self.model.value.step()
        self.redraw()

    def advance(self, steps: int) -> bool:
        """Play's frame: several steps (fewer if the model stops), then one redraw; False once it stopped."""
        current = self.model.value
        with model_lock(current):
            for _ in range(max(1, steps)):
                current.step()
                if not current.running:
                    break
        self.redraw()
        return current.running


def use_page_state(
    default: str,
    build: Callable[[str, dict], object],
    initial_values: Callable,
    what: str,
    on_rebuild: Callable[[], None] | None = None,
) -> PageState:
    """A page's per-tab state (a custom hook: call it at the top of the page component, every render)."""
    scenario_name = solara.use_reactive(default)
    # use_reactive follows its argument on every render, so give it values that never change.
    initial = solara.use_memo(lambda: initial_values(scenarios.get(default)), [])
    values = solara.use_reactive(initial)
    model = solara.use_reactive(solara.use_memo(lambda: build(default, initial), []))
    built_with = solara.use_reactive(initial)
    frame = solara.use_memo(lambda: solara.reactive(0), [])
    playing = solara.use_reactive(False)
    message = solara.use_reactive("")

    def rebuild(name=None, new_values=None) -> bool:
        """Build from the scenario and values; on bad input keep the old model and say why."""
        name = name or scenario_name.value
        new_values = dict(new_values if new_values is not None else values.value)
        playing.set(False)
        try:
            fresh = build(name, new_values)
        except (ValueError, TypeError) as error:
            message.set(f"Could not build the {what}: {error}")
            return False
        message.set("")
        model.set(fresh)
        built_with.set(new_values)
        if on_rebuild is not None:
            on_rebuild()
        state.redraw()
        return True

    def pick_scenario(name):
        fresh_values = initial_values(scenarios.get(name))
        scenario_name.set(name)
        values.set(fresh_values)
        rebuild(name, fresh_values)

    state = PageState(scenario_name, values, model, built_with, frame, playing, message, rebuild, pick_scenario)
    return state


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
def ClickableImage(
    data: bytes,
    width: int,
    on_click: Callable[[float, float], None] | None = None,
    alt: str = "",
    classes: list[str] | None = None,
):
    """A PNG at a fixed pixel width; a click reports (x, y) in image pixels from the top left."""
    src = "data:image/png;base64," + base64.b64encode(data).decode("ascii")
    image = rv.Html(
        tag="img",
        attributes={"src": src, "width": str(width), "alt": alt},
        style_=f"width:{width}px; max-width:none; display:block; cursor:crosshair",
        class_=" ".join(classes or []),
    )

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
