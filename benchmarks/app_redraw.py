"""How fast the app redraws (run by hand): `python benchmarks/app_redraw.py`.

1. The network picture of a 100-neuron network (layered [2, 48, 48, 2], 2,496 edges): median time to
   recolour it from the registers and encode the PNG (the budget is 300 ms).
2. Play on the default scenario, through the real page (`solara.render` of `NetworkPage`, Play pressed):
   redraws per second and training steps per redraw, counted from the page's own step readout and a
   counter on the picture component over a few seconds.
"""

from __future__ import annotations

import statistics
import time

import ipyvuetify as v
import solara

from model import NetworkModel
from model.architectures import layered
from ui import network_page
from ui.drawing import NetworkPicture
from ui.network_page import NetworkPage

PLAY_SECONDS = 6.0


def redraw_100_neurons(repeats: int = 15) -> tuple[float, float]:
    model = NetworkModel(graph=layered([2, 48, 48, 2]), dataset="moons", loss="cross_entropy", rng=1)
    model.step()
    started = time.perf_counter()
    picture = NetworkPicture(model)
    build = time.perf_counter() - started
    picture.frame()
    times = []
    for _ in range(repeats):
        model.step()
        started = time.perf_counter()
        picture.frame(selected=5)
        times.append(time.perf_counter() - started)
    return statistics.median(times), build


def play_rate(seconds: float = PLAY_SECONDS) -> tuple[float, float, int]:
    """(redraws per second, steps per redraw, steps) while playing the default scenario in the page."""
    frames = []
    original = network_page.NetworkPicture.frame

    def counted(self, *args, **kwargs):
        frames.append(time.perf_counter())
        return original(self, *args, **kwargs)

    network_page.NetworkPicture.frame = counted
    try:

        @solara.component
        def Root():
            with solara.AppLayout():
                NetworkPage()

        _, rc = solara.render(Root(), handle_error=False)
        play = [w for w in rc.find(v.Btn).widgets if "Play" in w.children]
        frames.clear()
        play[0].click()
        time.sleep(seconds)
        pause = [w for w in rc.find(v.Btn).widgets if "Pause" in w.children]
        pause[0].click()
        steps = int(rc.find(v.Html, class_="step-readout").widget.children[0].split()[1])
        time.sleep(0.5)
    finally:
        network_page.NetworkPicture.frame = original
    span = frames[-1] - frames[0] if len(frames) > 1 else seconds
    redraws = len(frames) - 1
    return redraws / span, steps / max(redraws, 1), steps


if __name__ == "__main__":
    median, build = redraw_100_neurons()
    print(
        f"100-neuron network (2-48-48-2, 2496 edges): redraw median {median * 1000:.0f} ms "
        f"(first build {build * 1000:.0f} ms; budget 300 ms)"
    )
    rate, per_redraw, steps = play_rate()
    print(
        f"Play on the default scenario (xor): {rate:.1f} redraws/s, {per_redraw:.1f} training steps per redraw "
        f"({steps} steps in {PLAY_SECONDS:.0f} s); charts refresh at most every "
        f"{network_page.CHART_INTERVAL:g} s while playing"
    )
