"""The comparison page: the network and the hive side by side, run by one set of buttons."""

from __future__ import annotations

import solara

import scenarios
from ui import hive_page, network_page
from ui import params as P
from ui.components import FrameDone, RunButtons, model_lock, use_player
from ui.hive_page import HiveCharts, HiveReadout
from ui.live_view import Charts, NetworkCanvas, StepReadout


@solara.component
def ComparePage():
    """Both systems advance together: a few training steps and a few hive minutes per redraw."""
    net_name = solara.use_reactive(network_page.DEFAULT_SCENARIO)
    hive_name = solara.use_reactive(hive_page.DEFAULT_SCENARIO)

    def make_net(name):
        return network_page.build(name, P.initial_values(scenarios.get(name)))

    def make_hive(name):
        return hive_page.build(name, P.initial_values(scenarios.get(name)))

    net = solara.use_reactive(solara.use_memo(lambda: make_net(net_name.value), []))
    hive = solara.use_reactive(solara.use_memo(lambda: make_hive(hive_name.value), []))
    frame = solara.use_memo(lambda: solara.reactive(0), [])  # read by the live view only, not the page
    playing = solara.use_reactive(False)
    selected = solara.use_reactive(None)
    steps = solara.use_reactive(5)
    minutes = solara.use_reactive(20)

    def redraw():
        frame.set(frame.value + 1)

    def reset():
        playing.set(False)
        net.set(make_net(net_name.value))
        hive.set(make_hive(hive_name.value))
        selected.set(None)
        redraw()

    def step():
        with model_lock(net.value), model_lock(hive.value):
            net.value.step()
            hive.value.step()
        redraw()

    def advance():
        with model_lock(net.value), model_lock(hive.value):
            for _ in range(steps.value):
                net.value.step()
            for _ in range(minutes.value):
                hive.value.step()
        redraw()
        return net.value.running or hive.value.running

    drawn = use_player(playing, advance)

    def pick(which, name):
        which.set(name)
        reset()

    with solara.Sidebar():
        solara.Select(
            "network scenario",
            values=network_page.network_scenarios(),
            value=net_name.value,
            on_value=lambda name: pick(net_name, name),
        )
        solara.Select(
            "hive scenario",
            values=hive_page.hive_scenarios(),
            value=hive_name.value,
            on_value=lambda name: pick(hive_name, name),
        )
        RunButtons(on_reset=reset, on_step=step, playing=playing, can_run=net.value.running or hive.value.running)
        solara.SliderInt(f"training steps per redraw: {steps.value}", value=steps, min=1, max=50)
        solara.SliderInt(f"hive minutes per redraw: {minutes.value}", value=minutes, min=1, max=240)
        solara.Text("Parameters: on the Network and Hive pages.")

    solara.Title("neurohive · compare")
    with solara.Columns([1, 1]):
        with solara.Column():
            solara.Text(f"Network: {scenarios.get(net_name.value).title}", style={"font-weight": "bold"})
        with solara.Column():
            solara.Text(f"Hive: {scenarios.get(hive_name.value).title}", style={"font-weight": "bold"})
    BothLive(net.value, hive.value, frame, selected, playing.value, drawn)


@solara.component
def BothLive(net, hive, frame: solara.Reactive[int], selected, playing: bool, drawn):
    """Both systems' live views, rendered in one pass (the only reader of `frame`)."""
    tick = frame.value
    with solara.Columns([1, 1]):
        with solara.Column():
            StepReadout(net, tick)
            NetworkCanvas(net, tick, selected)
            Charts(net, tick, playing)
        with solara.Column():
            HiveReadout(hive, tick)
            HiveCharts(hive, tick)
    FrameDone(tick, drawn)
