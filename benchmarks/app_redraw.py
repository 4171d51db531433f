"""How fast the app redraws (run by hand): `python benchmarks/app_redraw.py [--skip-numerosity]`.

1. One redraw of a 2-8-8-1 network on moons with every neuron's picture (budget 150 ms), two ways,
   alternated: what the page does (stage view, the SVG component's frame, 19 small PNGs, the JSON the
   browser gets) against server-side matplotlib (the network figure of `ui/drawing.py` with 19
   pictures as images on it, encoded as one PNG). Medians, and their ratio.
2. Play through the real page (`solara.render` of `NetworkPage`), redraws per second per tab, one tab
   alone and two tabs playing at once: on xor (budget 10/s with two tabs) and numerosity (3/s).
"""

from __future__ import annotations

import json
import statistics
import sys
import threading
import time
from pathlib import Path

import ipyvuetify as v
import numpy as np
import solara

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from model import NetworkModel  # noqa: E402
from model.architectures import layered  # noqa: E402
from ui import live_view, network_page  # noqa: E402
from ui.drawing import NetworkPicture, png  # noqa: E402
from ui.network_view import NetworkGeometry, frame_payload  # noqa: E402
from ui.neuron_pictures import NeuronPictures, picture_urls  # noqa: E402
from ui.stage_view import view  # noqa: E402

PLAY_SECONDS = 6.0


def client_side(model, geometry, lattice) -> float:
    started = time.perf_counter()
    shown = view(model, staging=False)
    frame = frame_payload(model, geometry, shown)
    pictures = picture_urls(lattice.compute(backward=False)["a"], np.flatnonzero(shown.reached))
    json.dumps(frame), json.dumps(pictures)  # what goes over the websocket
    return time.perf_counter() - started


class MatplotlibWithPictures:
    """The server-side reference: the matplotlib network figure plus one image per neuron, as one PNG."""

    def __init__(self, model, lattice):
        self.picture, self.lattice = NetworkPicture(model), lattice
        r = self.picture.radius * 1.6
        self.images = []
        for x, y in self.picture.pos:
            self.images.append(
                self.picture.ax.imshow(
                    np.zeros((lattice.grid, lattice.grid)),
                    extent=(x - r, x + r, y - r, y + r),
                    cmap="RdBu",
                    vmin=-1,
                    vmax=1,
                    zorder=6,
                )
            )

    def frame(self) -> float:
        started = time.perf_counter()
        stack = self.lattice.compute(backward=False)["a"]
        for v_, image in enumerate(self.images):
            scale = float(np.max(np.abs(stack[v_]))) or 1.0
            image.set_data(stack[v_] / scale)
        self.picture.frame()  # recolours and encodes the PNG (with the images drawn on it)
        png(self.picture.fig)
        return time.perf_counter() - started


def redraw(repeats: int = 15) -> tuple[float, float]:
    model = NetworkModel(graph=layered([2, 8, 8, 1]), dataset="moons", rng=1)
    model.step()
    lattice = NeuronPictures(model)
    geometry = NetworkGeometry(model, pictures=True)
    reference = MatplotlibWithPictures(model, lattice)
    ours, theirs = [], []
    client_side(model, geometry, lattice), reference.frame()  # warm up
    for _ in range(repeats):
        model.step()
        ours.append(client_side(model, geometry, lattice))
        theirs.append(reference.frame())
    return statistics.median(ours), statistics.median(theirs)


def play(scenario: str, tabs: int, seconds: float = PLAY_SECONDS) -> list[float]:
    """Redraws per second in each of `tabs` pages playing `scenario` at once."""
    frames: dict[int, list[float]] = {}
    original = live_view.frame_payload
    guard = threading.Lock()

    def counted(model, *args, **kwargs):
        with guard:
            frames.setdefault(id(model), []).append(time.perf_counter())
        return original(model, *args, **kwargs)

    live_view.frame_payload = counted
    pages = []
    try:
        for _ in range(tabs):

            @solara.component
            def Root():
                with solara.AppLayout():
                    network_page.NetworkPage()

            _, rc = solara.render(Root(), handle_error=False)
            if scenario != "xor":
                rc.find(v.Select, label="scenario").widget.v_model = scenario
            pages.append(rc)
        frames.clear()
        for rc in pages:
            [w for w in rc.find(v.Btn).widgets if "Play" in w.children][0].click()
        time.sleep(seconds)
        print(f"  ({scenario}, {tabs} tab(s): pausing)", flush=True)
        for rc in pages:
            [w for w in rc.find(v.Btn).widgets if "Pause" in w.children][0].click()
        time.sleep(0.5)
    finally:
        live_view.frame_payload = original
    rates = []
    for stamps in frames.values():
        stamps = stamps[1:]  # from the first frame after Play
        rates.append((len(stamps) - 1) / (stamps[-1] - stamps[0]) if len(stamps) > 2 else 0.0)
    return sorted(rates)


if __name__ == "__main__":
    ours, theirs = redraw()
    print(
        f"redraw, 2-8-8-1 with 19 neuron pictures: SVG component frame {ours * 1000:.1f} ms, "
        f"server-side matplotlib PNG {theirs * 1000:.1f} ms (medians of 15, alternated); "
        f"matplotlib / SVG = {theirs / ours:.1f}x; budget 150 ms"
    )
    for scenario in ("xor",) + (() if "--skip-numerosity" in sys.argv else ("numerosity",)):
        alone = play(scenario, 1)
        both = play(scenario, 2)
        print(
            f"Play on {scenario}: one tab {alone[0]:.1f} redraws/s; two tabs at once "
            f"{' and '.join(f'{r:.1f}' for r in both)} redraws/s (two / one = {min(both) / max(alone[0], 1e-9):.2f})"
        )
