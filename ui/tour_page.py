"""The Tour page: the seven stops of the guided tour, each a question and its scenario, running in the page.

The same stops as the notebooks in notebooks/ (scenarios/tour.py holds them): pick a stop, read the question,
press Play, and look for what the stop says; the notebook of the stop has the numbers and the exercises.
"""

from __future__ import annotations

import solara

import scenarios
from scenarios.tour import TOUR, stop
from ui import hive_page, network_page
from ui import params as P
from ui.components import Explanation, FrameDone, RunButtons, model_lock, use_player
from ui.hive_page import HiveCharts, HiveReadout
from ui.live_view import Charts, NetworkCanvas, StepReadout

STEPS_PER_FRAME = {"network": 10, "hive": 30}


def build(name: str):
    """A fresh model of the scenario with its own parameters (the network or the hive page's builder)."""
    scenario = scenarios.get(name)
    page = network_page if scenario.system == "network" else hive_page
    return page.build(name, P.initial_values(scenario))


@solara.component
def StopCard(number: int):
    s = stop(number)
    with solara.Card(f"Stop {s.number} of {len(TOUR)} · {s.title}", margin=0, classes=["tour-stop"]):
        with solara.Column(gap="6px"):
            solara.Text(s.question, style={"font-size": "1.1em"}, classes=["tour-question"])
            solara.Text(f"Look for: {s.look_for}")
            solara.Text(
                f"Scenario: {s.scenario} · the numbers and exercises: notebooks/{s.notebook}", style={"color": "#555"}
            )


@solara.component
def TourPage():
    """Pick a stop; its scenario is built and runs here with Reset, Play and Step."""
    # The stop and its model change together (one reactive), so no render sees one without the other.
    current = solara.use_reactive(solara.use_memo(lambda: (1, build(stop(1).scenario)), []))
    number, model = current.value
    frame = solara.use_memo(lambda: solara.reactive(0), [])
    playing = solara.use_reactive(False)
    selected = solara.use_reactive(None)
    s = stop(number)
    system = scenarios.get(s.scenario).system

    def redraw():
        frame.set(frame.value + 1)

    def go(new_number: int):
        playing.set(False)
        selected.set(None)
        current.set((new_number, build(stop(new_number).scenario)))
        redraw()

    def step():
        with model_lock(model):
            model.step()
        redraw()

    def next_stage():
        with model_lock(model):
            model.advance_stage()
        redraw()

    def advance():
        running = current.value[1]  # the model of the stop shown now
        with model_lock(running):
            for _ in range(STEPS_PER_FRAME[system]):
                running.step()
        redraw()
        return running.running

    drawn = use_player(playing, advance)

    with solara.Sidebar():
        solara.Select(
            "stop",
            values=[f"{t.number} · {t.title}" for t in TOUR],
            value=f"{s.number} · {s.title}",
            on_value=lambda label: go(int(label.split(" ")[0])),
        )
        RunButtons(
            on_reset=lambda: go(number),
            on_step=step,
            playing=playing,
            can_run=model.running,
            on_stage=next_stage if system == "network" else None,
        )
        with solara.Row():
            solara.Button("Previous", on_click=lambda: go(number - 1), disabled=number == 1)
            solara.Button("Next", on_click=lambda: go(number + 1), disabled=number == len(TOUR), classes=["tour-next"])

    solara.Title("neurohive · tour")
    with solara.Column(gap="8px"):
        StopCard(number)
        TourLive(model, system, frame, selected, playing.value, drawn)
        Explanation(scenarios.get(s.scenario))


@solara.component
def Embedded(page):
    """A page as a notebook cell shows it: inside an AppLayout, so that its sidebar (the controls) is there too."""
    with solara.AppLayout(title="neurohive"):
        page()


@solara.component
def TourLive(model, system: str, frame: solara.Reactive[int], selected, playing: bool, drawn):
    """The stop's model, redrawn once per frame (the only reader of `frame`)."""
    tick = frame.value
    if system == "network":
        StepReadout(model, tick)
        NetworkCanvas(model, tick, selected)
        Charts(model, tick, playing)
    else:
        HiveReadout(model, tick)
        HiveCharts(model, tick)
    FrameDone(tick, drawn)
