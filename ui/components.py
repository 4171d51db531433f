"""Small Solara pieces shared by the pages: parameter panels, run buttons, images, explanations."""

from __future__ import annotations

import base64
import math
import re
from collections.abc import Callable

import reacton.ipyvuetify as rv
import solara

from ui.page_state import FrameDone, PageState, model_lock, use_page_state, use_player  # noqa: F401 (re-exported)
from ui.params import Spec, choices_with, problem, show


def field_errors(specs: list[Spec], values: dict, message: str = "") -> dict[str, str]:
    """{name: why} for every value its control refuses, and for the parameter a model's message names."""
    errors = {}
    for spec in specs:
        if spec.name in values and spec.shown_for(values):
            wrong = problem(spec, values[spec.name])  # as the declaration words it (model/parameters.py)
            if wrong:
                errors[spec.name] = wrong
    if message and not errors:
        named = [s.name for s in specs if re.search(rf"\b{re.escape(s.name)}\b", message)]
        if named:
            errors[named[0]] = message.split(": ", 1)[-1]
    return errors


@solara.component
def LogEntry(spec: Spec, value, on_value: Callable, error: str | bool = False):
    """A free number entry with a log-scale slider under it (one decade per 10 steps)."""
    text = value if isinstance(value, str) else show(value)
    try:
        number = float(text)
    except (TypeError, ValueError):
        number = float("nan")
    solara.InputText(label=spec.title, value=text, on_value=on_value, continuous_update=True, error=error)
    low, high = math.log10(spec.low), math.log10(spec.high)
    position = min(max(math.log10(number), low), high) if number > 0 else low

    def slid(x):
        if not (number > 0 and abs(x - math.log10(number)) < 0.05):  # a slider snapping to its step is no edit
            on_value(f"{10**x:.3g}")

    solara.SliderFloat(label="", value=position, min=low, max=high, step=0.1, thumb_label=False, on_value=slid)


@solara.component
def ParamPanel(
    specs: list[Spec],
    groups: tuple[str, ...],
    values: solara.Reactive[dict],
    extra: dict | None = None,
    message: str = "",
):
    """The controls, one card per group, each showing its value and, beside it, why a value is refused.

    Controls that do not apply to the other values (noise for XOR, say) are left out; `extra` adds UI-only
    controls to a group.
    """
    extra = extra or {}
    errors = field_errors(specs, values.value, message)

    def setter(name, convert=lambda x: x):
        def set_value(raw):
            values.set({**values.value, name: convert(raw)})

        return set_value

    for group in groups:
        with solara.Card(group, margin=0, style={"margin-bottom": "8px"}):
            for spec in (s for s in specs if s.group == group and s.shown_for(values.value)):
                value = values.value.get(spec.name)
                error = errors.get(spec.name, False)
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
                    if error:
                        solara.Text(error, style={"color": "#b00020", "font-size": "0.8em"}, classes=["field-error"])
                elif spec.kind == "bool":
                    solara.Checkbox(label=spec.title, value=bool(value), on_value=setter(spec.name))
                elif spec.kind == "log":
                    LogEntry(spec, value, setter(spec.name), error=error)
                else:
                    text = "" if value is None and spec.optional else (value if isinstance(value, str) else show(value))
                    solara.InputText(
                        label=spec.title, value=text, on_value=setter(spec.name), continuous_update=True, error=error
                    )
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
