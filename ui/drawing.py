"""The network picture: neurons left to right, coloured by their signals, edges by their weights.

Fast by construction (rendering apart from computing). The figure and its artists are built
once per network; a frame only recolours them and encodes a PNG. Edges are one LineCollection, delay
edges a second, dashed and curved; arrowheads are one PolyCollection of triangles computed with numpy
(matplotlib's FancyArrowPatch costs about 0.8 s a frame for a few hundred edges). The axes work in
pixels, so a click on the image maps straight to a neuron.
"""

from __future__ import annotations

import io

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.colors import LinearSegmentedColormap, Normalize
from matplotlib.figure import Figure

# A colour-blind-safe diverging scale, blue (negative) - grey (zero) - orange (positive).
DIVERGING = LinearSegmentedColormap.from_list(
    "blue_grey_orange", ["#2166ac", "#67a9cf", "#cfcfcf", "#f1a340", "#b35806"]
)
WIDTH, HEIGHT, DPI = 760, 440, 100  # pixels of the network picture
MAX_DRAWN_EDGES = 3000  # above this, a fixed random sample of the edges is drawn (a frame stays fast)
MARGIN = dict(left=40, right=120, bottom=30, top=52)  # pixels around the drawing area (legend on the right)


def png(figure: Figure) -> bytes:
    """The figure as PNG bytes (Agg, fast compression)."""
    buffer = io.BytesIO()
    FigureCanvasAgg(figure).print_png(buffer, pil_kwargs={"compress_level": 1})
    return buffer.getvalue()


def layers(model) -> np.ndarray:
    """A layer per neuron: the graph's `layer` attribute, else inputs 0 and wave i at i + 1."""
    graph, structure = model.graph, model.structure
    if all("layer" in graph.nodes[v] for v in range(structure.n)):
        return np.array([graph.nodes[v]["layer"] for v in range(structure.n)], dtype=int)
    layer = np.zeros(structure.n, dtype=int)
    for i, wave in enumerate(structure.waves):
        layer[list(wave)] = i + 1
    layer[np.asarray(structure.outputs)] = layer.max()  # outputs on the right
    return layer


def positions(model) -> np.ndarray:
    """(n, 2) pixel positions: layers left to right, each layer centred top to bottom."""
    layer = layers(model)
    left, right = MARGIN["left"] + 20, WIDTH - MARGIN["right"] - 20
    bottom, top = MARGIN["bottom"] + 15, HEIGHT - MARGIN["top"] - 15
    n_layers = layer.max() + 1
    xs = np.linspace(left, right, n_layers) if n_layers > 1 else np.array([(left + right) / 2])
    pos = np.zeros((len(layer), 2))
    for k in range(n_layers):
        nodes = np.flatnonzero(layer == k)
        spacing = min(60.0, (top - bottom) / max(len(nodes) - 1, 1))
        offsets = (np.arange(len(nodes)) - (len(nodes) - 1) / 2) * spacing
        pos[nodes, 0] = xs[k]
        pos[nodes, 1] = (top + bottom) / 2 - offsets  # lowest id at the top
    return pos


def stage_view(model) -> tuple[str, int, set]:
    """What to show for the last stage run: ("a" | "error" | "delta", tick, nodes that just acted)."""
    stage, ticks = model.current_stage, model.ticks  # a model.stages.Stage record
    if stage is None or stage.phase == "update":
        return "a", ticks, set()
    if stage.phase == "inject":
        return "a", 1, set(int(v) for v in model.structure.inputs)
    if stage.phase == "error":
        return "error", ticks, set(int(v) for v in model.structure.outputs)
    return ("a" if stage.phase == "forward" else "delta"), stage.tick, set(model.structure.waves[stage.wave])


CAPTIONS = {"a": "activation a", "error": "error dL/dŷ injected", "delta": "error signal δ"}


class NetworkPicture:
    """One network's figure, built once; `frame()` recolours it from the model's registers."""

    def __init__(self, model, width=WIDTH, height=HEIGHT):
        self.model = model
        s = model.structure
        self.pos = positions(model)
        crowd = max(np.bincount(layers(model)))
        gap = min(60.0, (HEIGHT - MARGIN["top"] - MARGIN["bottom"] - 30) / max(crowd - 1, 1))
        self.radius = float(np.clip(0.42 * gap, 2.5, 11.0))  # marker radius in pixels
        self.node_size = (2 * self.radius * 72 / DPI) ** 2  # scatter size in points²
        self.fig = Figure(figsize=(width / DPI, height / DPI), dpi=DPI)
        ax = self.ax = self.fig.add_axes((0, 0, 1, 1))
        ax.set_xlim(0, width)
        ax.set_ylim(0, height)
        ax.axis("off")
        drawn = np.arange(len(s.src))
        if len(drawn) > MAX_DRAWN_EDGES:
            drawn = np.sort(np.random.default_rng(0).choice(len(drawn), MAX_DRAWN_EDGES, replace=False))
        self.n_drawn = len(drawn)
        delay = np.asarray(s.delay)[drawn] > 0
        self.forward_edges, self.delay_edges = drawn[~delay], drawn[delay]
        straight = [self._straight(e) for e in self.forward_edges]
        curved = [self._curved(e) for e in self.delay_edges]
        self.lines = LineCollection([p for p in straight], linewidths=1, zorder=1, capstyle="butt")
        self.dashed = LineCollection([p for p in curved], linewidths=1, linestyles=(0, (3, 2)), zorder=1)
        ax.add_collection(self.lines)
        ax.add_collection(self.dashed)
        tips = [p[-2:] for p in straight] + [p[-2:] for p in curved]
        order = np.r_[self.forward_edges, self.delay_edges].astype(int)
        self.edge_order = order
        self.heads = PolyCollection(self._arrowheads(tips), zorder=2, linewidths=0)
        ax.add_collection(self.heads)
        self.nodes = ax.scatter(
            self.pos[:, 0],
            self.pos[:, 1],
            s=self.node_size,
            c=np.zeros(s.n),
            cmap=DIVERGING,
            norm=Normalize(-1, 1),
            edgecolors="#333333",
            linewidths=0.6,
            zorder=3,
        )
        self.ring = ax.scatter(
            [], [], s=self.node_size * 2.2, facecolors="none", edgecolors="#111111", linewidths=2.0, zorder=4
        )
        self.crossed = ax.scatter([], [], s=self.node_size * 0.8, marker="x", c="#000000", linewidths=1.5, zorder=5)
        self.selected = ax.scatter(
            [], [], s=self.node_size * 3.2, facecolors="none", edgecolors="#7b3294", linewidths=2.5, zorder=4
        )
        self.title = ax.text(8, height - 10, "", va="top", ha="left", fontsize=10)
        self.footer = ax.text(8, 6, "", va="bottom", ha="left", fontsize=8, color="#444444")
        for role, x in (
            ("inputs", self.pos[np.asarray(s.inputs), 0].mean()),
            ("outputs", self.pos[np.asarray(s.outputs), 0].mean()),
        ):
            ax.text(x, height - 46, role, ha="center", va="bottom", fontsize=8, color="#444444")
        # The legend: node colours (signal) and edge colours (weight) share the diverging scale.
        cax = self.fig.add_axes((1 - 80 / width, 0.18, 18 / width, 0.62))
        self.colorbar = self.fig.colorbar(self.nodes, cax=cax)
        self.colorbar.ax.tick_params(labelsize=7)
        self.legend_title = self.fig.text(1 - 100 / width, 0.84, "", fontsize=8, va="bottom")
        self.weight_text = self.fig.text(1 - 112 / width, 0.05, "", fontsize=7, va="bottom", color="#444444")

    # --- geometry, computed once ----------------------------------------------------------------
    def _straight(self, e):
        s = self.model.structure
        a, b = self.pos[s.src[e]], self.pos[s.dst[e]]
        direction = (b - a) / max(np.hypot(*(b - a)), 1e-9)
        return np.array([a + direction * self.radius, b - direction * (self.radius + 1)])

    def _curved(self, e):
        """A delay edge: a dashed arc above the straight line (a loop for a self-edge)."""
        s = self.model.structure
        a, b = self.pos[s.src[e]], self.pos[s.dst[e]]
        r = self.radius
        if s.src[e] == s.dst[e]:
            angles = np.linspace(-0.3 * np.pi, 1.25 * np.pi, 16)
            centre = a + np.array([0.0, 1.6 * r])
            return centre + 1.0 * r * np.c_[np.cos(angles), np.sin(angles)]
        mid, d = (a + b) / 2, b - a
        normal = np.array([-d[1], d[0]]) / max(np.hypot(*d), 1e-9)
        if normal[1] < 0:
            normal = -normal
        control = mid + normal * (0.25 * np.hypot(*d) + 3 * r)
        u = np.linspace(0, 1, 14)[:, None]
        curve = (1 - u) ** 2 * a + 2 * (1 - u) * u * control + u**2 * b
        keep = (np.hypot(*(curve - a).T) > r) & (np.hypot(*(curve - b).T) > r + 1)
        return curve[keep] if keep.sum() >= 2 else curve

    @staticmethod
    def _arrowheads(tips, length=7.0, half_width=2.6):
        """A small triangle at the end of each polyline, pointing along its last segment."""
        if not tips:
            return []
        tips = np.asarray(tips)  # (k, 2 points, 2)
        end, before = tips[:, 1], tips[:, 0]
        d = end - before
        d /= np.maximum(np.hypot(d[:, 0], d[:, 1]), 1e-9)[:, None]
        normal = np.c_[-d[:, 1], d[:, 0]]
        back = end - d * length
        return np.stack([end, back + normal * half_width, back - normal * half_width], axis=1)

    # --- one frame -------------------------------------------------------------------------------
    def values(self, example: int = 0) -> tuple[np.ndarray, str, set]:
        """The neuron values to colour by, the kind shown, and the nodes that just acted."""
        kind, t, acting = stage_view(self.model)
        signals = self.model.signals
        register = {"a": signals.a, "error": signals.error, "delta": signals.delta}[kind]
        example = min(example, register.shape[2] - 1)
        return np.asarray(register[t, :, example], dtype=float), kind, acting

    def frame(self, selected: int | None = None, example: int = 0) -> bytes:
        """Recolour from the model and return the PNG."""
        model = self.model
        values, kind, acting = self.values(example)
        finite = np.nan_to_num(values, nan=0.0, posinf=0.0, neginf=0.0)
        scale = float(np.max(np.abs(finite))) or 1.0
        if kind == "a":
            scale = max(scale, 1.0)
        self.nodes.set_array(finite)
        self.nodes.set_clim(-scale, scale)
        weight = np.nan_to_num(np.asarray(model.params.weight, dtype=float)[self.edge_order])
        biggest = float(np.max(np.abs(weight))) if len(weight) else 1.0
        biggest = biggest or 1.0
        colours = DIVERGING(0.5 + 0.5 * weight / biggest)
        widths = 0.3 + 2.7 * np.abs(weight) / biggest
        colours[:, 3] = 0.35 + 0.65 * np.abs(weight) / biggest
        k = len(self.forward_edges)
        self.lines.set_color(colours[:k])
        self.lines.set_linewidths(widths[:k])
        self.dashed.set_color(colours[k:])
        self.dashed.set_linewidths(widths[k:])
        self.heads.set_facecolors(colours)
        ring = sorted(acting)
        self.ring.set_offsets(self.pos[ring] if ring else np.empty((0, 2)))
        lesioned = np.flatnonzero(np.asarray(model.lesions))
        self.crossed.set_offsets(self.pos[lesioned] if len(lesioned) else np.empty((0, 2)))
        self.selected.set_offsets(self.pos[[selected]] if selected is not None else np.empty((0, 2)))
        stage = model.stage or "start"
        self.title.set_text(
            f"step {model.completed_steps} · stage: {stage} · colour: {CAPTIONS[kind]}"
            f" (example {example + 1} of the batch)"
        )
        n_edges = len(model.structure.src)
        sample = "" if self.n_drawn == n_edges else f"{self.n_drawn:,} of {n_edges:,} edges drawn · "
        arcs = " · dashed arcs: delay-1 (recurrent) edges" if len(self.delay_edges) else ""
        self.footer.set_text(f"{sample}edge colour and width: weight{arcs} · x: silenced · ring: just acted")
        self.legend_title.set_text(CAPTIONS[kind].split(" ")[0] if kind != "delta" else "δ")
        self.weight_text.set_text(f"edge colour: weight\nscale ±{biggest:.3g}")
        return png(self.fig)

    def neuron_at(self, x_pixel: float, y_pixel_from_top: float, slack: float = 6.0) -> int | None:
        """The neuron under a click at (x, y) pixels of the picture (y from the top), or None."""
        point = np.array([x_pixel, self.fig.bbox.height - y_pixel_from_top])
        distance = np.hypot(*(self.pos - point).T)
        best = int(np.argmin(distance))
        return best if distance[best] <= self.radius + slack else None
