"""The train and test curves drawn in the browser: an SVG Vue component fed with thinned series.

The server thins each series (ui/plots.py `thinned`), places it in the chart's pixels and picks round ticks;
the browser draws polylines. A refresh costs about a millisecond on the server, where the matplotlib figure
of `ui/plots.py` (still used by the notebooks) costs a few hundred on this machine, and Play redraws it
every second in every tab (benchmarks/app_play.py).
"""

from __future__ import annotations

import math

import numpy as np
import solara

from ui.network_view import as_json
from ui.plots import _figure, _limits, nice_ticks, thinned

WIDTH, HEIGHT, TOP, PLOT_HEIGHT = 600, 240, 22, 178
PANELS = ((44, 230), (330, 230))  # (left, width) of the loss and the accuracy panel, in pixels
SERIES = (("train (batch)", "#0072B2", 1.0, ""), ("test", "#D55E00", 1.5, "test_"))


def _label(x: float) -> str:
    return f"{x:.4g}" if abs(x) < 1e4 else f"{x:.3g}"


def _polylines(xs: np.ndarray, ys: np.ndarray) -> list[str]:
    """`points` texts of the finite runs of (xs, ys) (a nan breaks the line)."""
    runs, current = [], []
    for x, y in zip(xs.tolist(), ys.tolist()):
        if math.isfinite(x) and math.isfinite(y):
            current.append(f"{x:.1f},{y:.1f}")
        elif current:
            runs.append(" ".join(current))
            current = []
    if current:
        runs.append(" ".join(current))
    return runs


def curves_chart(series: dict, per_epoch: int, regression: bool) -> dict:
    """The chart: per panel (loss, accuracy) its title, ticks and lines, in pixels."""
    steps = thinned(series["step"])
    x_range = (0.0, max(float(steps[-1]) if len(steps) else 1.0, 1.0))
    panels = []
    for (left, width), key in zip(PANELS, ("loss", "accuracy")):
        lines = {prefix: thinned(series[f"{prefix}{key}"]) for _, _, _, prefix in SERIES}
        if key == "accuracy":
            y_range = (-0.02, 1.02)
        else:
            y_range = _limits(np.r_[lines[""], lines["test_"]], floor=0.0)

        def x_px(x, width=width):
            return (np.asarray(x, dtype=float) - x_range[0]) / (x_range[1] - x_range[0]) * width

        def y_px(y, y_range=y_range):
            return TOP + PLOT_HEIGHT * (1 - (np.asarray(y, dtype=float) - y_range[0]) / (y_range[1] - y_range[0]))

        last = {prefix: (series[f"{prefix}{key}"] or [float("nan")])[-1] for _, _, _, prefix in SERIES}
        panel = {
            "left": left,
            "width": width,
            "title": f"{key}: last batch {_figure(last[''])} · test {_figure(last['test_'])}",
            "x_ticks": [
                [float(x_px(t)), _label(t)] for t in nice_ticks(*x_range, integer=True) if x_range[0] <= t <= x_range[1]
            ],
            "y_ticks": [[float(y_px(t)), _label(t)] for t in nice_ticks(*y_range) if y_range[0] <= t <= y_range[1]],
            "lines": [],
            "note": "no accuracy for regression" if key == "accuracy" and regression else "",
        }
        if not panel["note"]:
            for _, colour, line_width, prefix in SERIES:
                for points in _polylines(x_px(steps), y_px(lines[prefix])):
                    panel["lines"].append({"points": points, "colour": colour, "width": line_width})
        panels.append(panel)
    unit = "step" if per_epoch == 1 else "steps"
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "top": TOP,
        "plot_height": PLOT_HEIGHT,
        "step": int(series["step"][-1]) if series["step"] else 0,
        "x_label": f"training step (1 epoch = {per_epoch} {unit})",
        "panels": panels,
        "legend": [[name, colour] for name, colour, _, _ in SERIES],
        "legend_at": [PANELS[0][0] + PANELS[0][1] - 86, TOP + 10],  # the loss panel's upper right: losses fall
    }


def model_chart(model, series: dict | None = None) -> str:
    """The chart of a network model's recorded series (a snapshot of them, if given), as JSON text."""
    series = series if series is not None else {k: list(v) for k, v in model.datacollector.model_vars.items()}
    per_epoch = max(1, int(np.ceil(len(model.data.x_train) / model.batch_size)))
    return as_json(curves_chart(series, per_epoch, model.data.task == "regression"))


@solara.component_vue("curves.vue")
def CurvesSVG(chart: str):
    """The curves component (its template is curves.vue); `chart` is a `model_chart` text."""
