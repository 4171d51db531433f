"""The network picture drawn in the browser: an SVG Vue component fed with the stage view's numbers.

The geometry (positions, edge paths, arrowheads) is sent once per network; a frame sends colours,
widths and values only. Hovering an edge shows its weight and message, hovering a neuron enlarges its
picture, all in the browser with no round trip; a click tells the server which neuron or edge to edit.
Measured against server-side matplotlib PNGs in `benchmarks/app_redraw.py`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable

import numpy as np
import solara
from matplotlib.colors import to_hex

from ui.drawing import DIVERGING, layers, shown_neurons
from ui.stage_view import StageView

WIDTH, HEIGHT = 860, 470  # the SVG's coordinate box (it scales to its column)
MAX_PER_LAYER = 120  # a column has room for about this many circles: a larger layer is drawn as a fixed sample
MAX_SVG_EDGES = 1500  # and at most this many edges (the browser's paint, not the server, limits Play on large nets)
MARGIN = dict(left=40, right=130, top=52, bottom=30)
_PALETTE = np.array([to_hex(c) for c in DIVERGING(np.linspace(0, 1, 101))])
CAPTIONS = {"a": "activation a", "error": "error dL/dŷ injected", "delta": "error signal δ"}
EDGE_LEGENDS = {"weight": "weight w", "forward": "message w·a", "backward": "message w·δ", "update": "Δw"}


def _at_most_per_layer(nodes: np.ndarray, layer: np.ndarray, most: int) -> tuple[np.ndarray, np.ndarray]:
    """`nodes` (and their layers), with each layer of more than `most` cut to a fixed random sample of `most`."""
    keep = np.ones(len(nodes), dtype=bool)
    rng = np.random.default_rng(0)
    for col in np.unique(layer):
        members = np.flatnonzero(layer == col)
        if len(members) > most:
            keep[members] = False
            keep[np.sort(rng.choice(members, most, replace=False))] = True
    return nodes[keep], layer[keep]


def colours(values: np.ndarray, scale: float) -> list[str]:
    """Hex colours on the diverging scale for values in ±scale (grey for nan)."""
    index = np.clip(np.round(50 + 50 * np.nan_to_num(values) / (scale or 1.0)), 0, 100).astype(int)
    return _PALETTE[index].tolist()


def _scale(values) -> float:
    finite = np.abs(values[np.isfinite(values)])
    return float(finite.max()) if finite.size and finite.max() > 0 else 1.0


def _rounded(values: np.ndarray) -> np.ndarray:
    """Five significant digits: what a hover shows, at a third of the JSON."""
    with np.errstate(all="ignore"):
        magnitude = np.where(values == 0, 0, np.floor(np.log10(np.abs(np.nan_to_num(values, nan=1.0)) + 1e-300)))
        scale = 10.0 ** (4 - magnitude)
        return np.round(values * scale) / scale


def _points(polygon: np.ndarray) -> str:
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in polygon)


class NetworkGeometry:
    """Where every neuron and drawn edge sits, computed once per network (y from the top, in SVG units)."""

    def __init__(self, model, pictures: bool):
        s = model.structure
        shown = shown_neurons(model)  # all of them, or in a large network the ends and a sample of the hidden
        layer = layers(model)[shown]
        shown, layer = _at_most_per_layer(shown, layer, MAX_PER_LAYER)
        n_layers = layer.max() + 1
        left, right = MARGIN["left"] + 20, WIDTH - MARGIN["right"] - 20
        top, bottom = MARGIN["top"] + 18, HEIGHT - MARGIN["bottom"] - 18
        xs = np.linspace(left, right, n_layers) if n_layers > 1 else np.array([(left + right) / 2])
        pos = np.full((s.n, 2), np.nan)
        crowd = int(np.bincount(layer).max())
        gap = min(64.0, (bottom - top) / max(crowd - 1, 1))
        for col in range(n_layers):
            nodes = shown[layer == col]
            offsets = (np.arange(len(nodes)) - (len(nodes) - 1) / 2) * gap
            pos[nodes] = np.c_[np.full(len(nodes), xs[col]), (top + bottom) / 2 + offsets]
        self.pos, self.shown = pos, shown
        self.radius = float(np.clip(0.42 * gap, 2.5, 17.0 if pictures else 11.0))
        on_show = np.zeros(s.n, dtype=bool)
        on_show[shown] = True
        drawn = np.flatnonzero(on_show[s.src] & on_show[s.dst])  # edges between drawn neurons
        if len(drawn) > MAX_SVG_EDGES:
            drawn = np.sort(np.random.default_rng(0).choice(drawn, MAX_SVG_EDGES, replace=False))
        self.drawn = drawn
        r = self.radius
        a, b = pos[s.src[drawn]], pos[s.dst[drawn]]
        d = b - a
        length = np.maximum(np.hypot(d[:, 0], d[:, 1]), 1e-9)[:, None]
        unit = d / length
        start, end = a + unit * r, b - unit * (r + 1)
        delay = np.asarray(s.delay)[drawn] > 0
        normal = np.c_[-unit[:, 1], unit[:, 0]]
        normal[normal[:, 1] > 0] *= -1  # arcs bow upwards
        self.paths = []
        for k in range(len(drawn)):
            if not delay[k]:
                self.paths.append(f"M{start[k, 0]:.1f},{start[k, 1]:.1f}L{end[k, 0]:.1f},{end[k, 1]:.1f}")
            elif s.src[drawn[k]] == s.dst[drawn[k]]:  # a self-loop above the neuron
                x, y = pos[s.src[drawn[k]]]
                self.paths.append(
                    f"M{x - r * 0.6:.1f},{y - r:.1f}C{x - r * 2:.1f},{y - r * 3.5:.1f} "
                    f"{x + r * 2:.1f},{y - r * 3.5:.1f} {x + r * 0.6:.1f},{y - r:.1f}"
                )
            else:
                c = (a[k] + b[k]) / 2 + normal[k] * (0.25 * length[k, 0] + 3 * r)
                self.paths.append(
                    f"M{start[k, 0]:.1f},{start[k, 1]:.1f}Q{c[0]:.1f},{c[1]:.1f} {end[k, 0]:.1f},{end[k, 1]:.1f}"
                )
        mid = (start + end) / 2
        self.heads = [_points(self._head(mid[k], unit[k])) for k in range(len(drawn))]
        self.heads_back = [_points(self._head(mid[k], -unit[k])) for k in range(len(drawn))]
        self.delay = delay.tolist()
        self.n_edges = len(s.src)
        roles = np.asarray(s.roles)
        self.columns = [(float(np.nanmean(pos[roles == role, 0])), role + "s") for role in ("input", "output")]
        self.payload = {
            "width": WIDTH,
            "height": HEIGHT,
            "radius": self.radius,
            "nodes": np.round(pos[shown], 1).tolist(),
            "node_ids": shown.tolist(),
            "paths": self.paths,
            "heads": self.heads,
            "heads_back": self.heads_back,
            "delay": self.delay,
            "edge_ids": drawn.tolist(),
            "ends": np.c_[s.src[drawn], s.dst[drawn]].tolist(),
            "columns": self.columns,
            "ids": len(shown) <= 200,
            "hover_edges": len(drawn) <= 1500,
            "legend": colours(np.linspace(1, -1, 11), 1.0),
        }

    @staticmethod
    def _head(tip, unit, length=8.0, half=3.2):
        back = tip - unit * length
        normal = np.array([-unit[1], unit[0]])
        return np.array([tip, back + normal * half, back - normal * half])


def frame_payload(model, geometry: NetworkGeometry, view: StageView, caption: str = "", tick: int = 0) -> dict:
    """Everything one frame draws: per-neuron colours and flags, per-drawn-edge colours, widths, values."""
    n, drawn = model.structure.n, geometry.drawn
    values = view.values
    node_scale = _scale(values) if view.kind != "a" else max(_scale(values), 1.0)
    weight = np.asarray(model.params.weight, dtype=float)[drawn]
    edge_values = np.asarray(view.edge_values, dtype=float)[drawn]
    active = np.isfinite(edge_values)
    edge_scale = _scale(edge_values)
    magnitude = np.abs(np.nan_to_num(edge_values)) / edge_scale
    if view.edge_kind == "weight":
        width, opacity = 0.4 + 2.6 * magnitude, 0.35 + 0.65 * magnitude
    else:  # messages: the edges carrying one stand out, the rest are faint
        width = np.where(active, 1.0 + 3.0 * magnitude, 0.6)
        opacity = np.where(active, 0.5 + 0.5 * magnitude, 0.15)
    if model.any_pruned:  # a pruned edge is absent (model/pruning.py), not a faint zero
        present = np.asarray(model.mask)[drawn]
        width, opacity = np.where(present, width, 0.0), np.where(present, opacity, 0.0)
    edge_colour = colours(edge_values, edge_scale)
    if view.edge_kind != "weight":
        edge_colour = [c if on else "#bbbbbb" for c, on in zip(edge_colour, active)]
    reached = view.reached
    acting = np.zeros(n, dtype=bool)
    record = view.record
    if record.phase in ("forward", "backward"):
        acting[list(model.structure.waves[record.wave])] = True
    elif record.phase == "inject":
        acting[np.asarray(model.structure.inputs)] = True
    elif record.phase == "error":
        acting[np.asarray(model.structure.outputs)] = True
    shown = geometry.shown  # the frame's per-neuron lists follow the drawn neurons, in order
    values, reached, acting = np.asarray(values)[shown], np.asarray(reached)[shown], acting[shown]
    heads = np.flatnonzero(active).tolist() if view.edge_kind in ("forward", "backward") else []
    parts = [f"{len(shown):,} of {n:,} neurons"] if len(shown) < n else []
    parts += [f"{len(drawn):,} of {geometry.n_edges:,} edges"] if len(drawn) < geometry.n_edges else []
    sample = " and ".join(parts) + " drawn · " if parts else ""
    arcs = " · dashed arcs: delay-1 edges" if any(geometry.delay) else ""
    stage = "after the step" if record.phase == "update" and view.edge_kind == "weight" else str(record)
    return {
        "tick": tick,  # the page's frame number: the browser sends it back once the frame is painted
        "phase": record.phase,
        "stage": str(record),
        "step": model.completed_steps,
        "kind": view.kind,
        "edge_kind": view.edge_kind,
        "direction": view.direction,
        "reached": reached.astype(int).tolist(),
        "reached_ids": " ".join(map(str, shown[reached])),
        "node_value": [None if not np.isfinite(x) else round(float(x), 6) for x in values],
        "node_colour": colours(values, node_scale),
        "node_scale": f"{node_scale:.3g}",
        "acting": acting.astype(int).tolist(),
        "silenced": np.asarray(model.lesions)[shown].astype(int).tolist(),
        "edge_colour": edge_colour,
        "edge_width": np.round(width, 2).tolist(),
        "edge_opacity": np.round(opacity, 2).tolist(),
        "edge_active": active.astype(int).tolist(),
        "edge_value": [None if not on else float(x) for x, on in zip(_rounded(edge_values), active)],
        "weight": _rounded(weight).tolist(),
        "heads": heads,
        "edge_scale": f"{edge_scale:.3g}",
        "edge_legend": EDGE_LEGENDS[view.edge_kind],
        "legend_title": CAPTIONS[view.kind].split(" ")[-1] if view.kind != "a" else "a",
        "picture_kind": "δ" if view.kind == "delta" else "a",
        "title": f"step {model.completed_steps} · {stage} · neurons: {CAPTIONS[view.kind]}"
        f" · edges: {EDGE_LEGENDS[view.edge_kind]}{caption}",
        "footer": f"{sample}width: |{EDGE_LEGENDS[view.edge_kind]}|{arcs} · black dot: silenced · "
        "ring: just acted · dashed circle: not reached this step",
    }


def as_json(payload: dict) -> str:
    """A payload as the component takes it: JSON text (nan becomes null, which JSON has and nan not)."""
    try:
        return json.dumps(payload, allow_nan=False, separators=(",", ":"))
    except ValueError:
        return json.dumps(_finite(payload), separators=(",", ":"))


def _finite(x):
    if isinstance(x, float):
        return x if math.isfinite(x) else None
    if isinstance(x, dict):
        return {k: _finite(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_finite(v) for v in x]
    return x


@solara.component_vue("network_view.vue")
def NetworkSVG(
    geometry: str,
    frame: str,
    pictures: dict,
    selected: int | None = None,
    event_pick: Callable[[dict], None] | None = None,
    event_drawn: Callable[[int], None] | None = None,
):
    """The SVG component (its template is network_view.vue); `geometry` and `frame` are `as_json` texts, parsed
    in the browser outside Vue's reactivity."""
