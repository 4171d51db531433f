"""Charts: the decision boundary, train and test curves, and the hive's temperature and task plots.

Each picture builds its `matplotlib.figure.Figure` (no pyplot) once and only updates its artists per
frame, reading the model's public state. Series are thinned to at most `POINTS` points, so a frame costs the same at step 100 and 100,000.
"""

from __future__ import annotations

import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from ui.drawing import DIVERGING

POINTS = 600  # most points drawn per curve
GRID = 60  # decision-boundary grid per axis
OKABE_ITO = ["#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000"]


def thinned(values, points: int = POINTS) -> np.ndarray:
    """Every k-th value of a list so that at most about `points` remain (O(points), not O(len))."""
    stride = max(1, len(values) // points)
    return np.asarray(values[::stride], dtype=float)


def classes_of(y: np.ndarray) -> np.ndarray:
    """Class indices from targets as the model encodes them (indices, one 0/1 column, or one-hot rows)."""
    y = np.asarray(y)
    if y.ndim == 1:
        return y.astype(int)
    if y.shape[1] == 1:
        return (y[:, 0] > 0.5).astype(int)
    return np.argmax(y, axis=1)


def has_plane(model) -> bool:
    """Whether the data are 2-D points (a decision boundary can be drawn)."""
    return model.data.n_inputs == 2 and model.data.x_train.ndim == 2


def _figure(x) -> str:
    """A readout: '—' before there is a number (no 'nan' on the screen)."""
    return "—" if x is None or not np.isfinite(x) else f"{x:.3g}"


def nice_ticks(low: float, high: float, n: int = 4, integer: bool = False) -> np.ndarray:
    """A few round tick positions covering [low, high] (cheap: no locator on every draw)."""
    return MaxNLocator(n, integer=integer).tick_values(low, high)


def _limits(values: np.ndarray, floor=None, ceiling=None) -> tuple[float, float]:
    finite = values[np.isfinite(values)]
    if not len(finite):
        return (0.0, 1.0)
    low, high = float(finite.min()), float(finite.max())
    if floor is not None:
        low = max(low, floor)
    if ceiling is not None:
        high = min(high, ceiling)
    pad = max(0.05 * (high - low), 0.02 * abs(high), 1e-6)  # a nearly flat curve still gets a readable axis
    return low - pad, high + pad


def _set_axis(ax, xs, ys, integer_x=False):
    ax.set_xlim(*xs)
    ax.set_ylim(*ys)
    ax.set_xticks(nice_ticks(*xs, integer=integer_x))
    ax.set_yticks(nice_ticks(*ys))
    ax.set_xlim(*xs)
    ax.set_ylim(*ys)


class BoundaryPicture:
    """What the network says over the input plane, with the training (o) and test (^) points."""

    def __init__(self, model, width=4.2, height=3.8, dpi=90):
        self.model = model
        self.fig = Figure(figsize=(width, height), dpi=dpi)
        ax = self.ax = self.fig.add_axes((0.12, 0.16, 0.84, 0.76))
        data = model.data
        self.kind = (
            "regression"
            if data.task == "regression"
            else ("probability" if model.structure.outputs.size == 1 else "classes")
        )
        n_classes = max(data.n_classes, 2)
        if self.kind == "probability":
            self.palette = ListedColormap([DIVERGING(0.0), DIVERGING(1.0)])
        else:
            self.palette = ListedColormap(OKABE_ITO[:n_classes])
        self.image = ax.imshow(
            np.zeros((GRID, GRID)),
            origin="lower",
            aspect="auto",
            extent=(0, 1, 0, 1),
            interpolation="bilinear" if self.kind != "classes" else "nearest",
        )
        if self.kind == "probability":
            self.image.set_cmap(DIVERGING)
            self.image.set_clim(0, 1)
            self.image.set_alpha(0.75)
            ax.set_title("P(class 1) over the plane; line: 0.5", fontsize=9)
        elif self.kind == "classes":
            self.image.set_cmap(self.palette)
            self.image.set_clim(-0.5, n_classes - 0.5)
            self.image.set_alpha(0.35)
            ax.set_title("predicted class over the plane", fontsize=9)
        else:
            self.image.set_cmap(DIVERGING)
            ax.set_title("network output over the plane", fontsize=9)
        self.contour = None
        colouring = dict(cmap=self.palette if self.kind != "regression" else DIVERGING)
        empty = np.zeros(0)
        self.train = ax.scatter(
            empty, empty, c=empty, s=14, marker="o", edgecolors="#222222", linewidths=0.4, label="train", **colouring
        )
        self.test = ax.scatter(
            empty, empty, c=empty, s=22, marker="^", edgecolors="#000000", linewidths=0.8, label="test", **colouring
        )
        if self.kind != "regression":
            for points in (self.train, self.test):
                points.set_clim(-0.5, n_classes - 0.5)
        ax.tick_params(labelsize=7)
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.07), ncol=2, fontsize=7, frameon=False)

    def snapshot(self) -> tuple:
        """What a frame needs from the model (read under the model's lock; drawing needs no lock)."""
        model = self.model
        x_train, y_train = model.environment.stream.split("train")
        x_test, y_test = model.environment.stream.split("test")
        both = np.r_[x_train, x_test]
        low, high = both.min(axis=0), both.max(axis=0)
        pad = 0.15 * np.maximum(high - low, 1e-6)
        low, high = low - pad, high + pad
        gx, gy = np.meshgrid(np.linspace(low[0], high[0], GRID), np.linspace(low[1], high[1], GRID))
        out = np.nan_to_num(model.predict(np.c_[gx.ravel(), gy.ravel()]))
        return x_train, y_train, x_test, y_test, low, high, gx, gy, out

    def frame(self, show_test: bool = True, discrete: bool = False, snapshot: tuple | None = None) -> Figure:
        """Redraw; `show_test` shows the test points, `discrete` colours the plane by the decided class only."""
        ax = self.ax
        x_train, y_train, x_test, y_test, low, high, gx, gy, out = snapshot or self.snapshot()
        extent = (low[0], high[0], low[1], high[1])
        if self.kind == "probability":
            field = np.clip(out[:, 0], 0, 1).reshape(GRID, GRID)
            if discrete:
                field = (field > 0.5).astype(float)
        elif self.kind == "classes":
            field = np.argmax(out, axis=1).reshape(GRID, GRID)
        else:
            field = out[:, 0].reshape(GRID, GRID)
            scale = float(np.max(np.abs(field))) or 1.0
            self.image.set_clim(-scale, scale)
            for points in (self.train, self.test):
                points.set_clim(-scale, scale)
        self.image.set_data(field)
        self.image.set_extent(extent)
        if self.contour is not None:
            self.contour.remove()
            self.contour = None
        if self.kind == "probability" and field.min() < 0.5 < field.max():
            self.contour = ax.contour(gx, gy, field, levels=[0.5], colors="#222222", linewidths=1)
        colour = (lambda y: y[:, 0]) if self.kind == "regression" else classes_of
        few = len(x_train) + len(x_test) < 60  # XOR's four points must be seen
        self.train.set_sizes([60 if few else 14])
        self.test.set_sizes([90 if few else 22])
        self.train.set_offsets(x_train)
        self.train.set_array(colour(y_train))
        self.test.set_offsets(x_test if show_test else np.zeros((0, 2)))
        self.test.set_array(colour(y_test) if show_test else np.zeros(0))
        _set_axis(ax, (low[0], high[0]), (low[1], high[1]))
        return self.fig


class CurvesPicture:
    """Train (per batch) and test loss and accuracy against the training step."""

    def __init__(self, model, width=6.4, height=2.6, dpi=90):
        self.model = model
        self.fig = Figure(figsize=(width, height), dpi=dpi)
        self.axes = self.fig.subplots(1, 2)
        self.fig.subplots_adjust(left=0.09, right=0.98, bottom=0.2, top=0.86, wspace=0.3)
        per_epoch = max(1, int(np.ceil(len(model.data.x_train) / model.batch_size)))
        self.lines = {}
        for ax, key in zip(self.axes, ("loss", "accuracy")):
            self.lines[key] = ax.plot([], [], color="#0072B2", lw=1, label="train (batch)")[0]
            self.lines[f"test_{key}"] = ax.plot([], [], color="#D55E00", lw=1.5, label="test")[0]
            unit = "step" if per_epoch == 1 else "steps"
            ax.set_xlabel(f"training step (1 epoch = {per_epoch} {unit})", fontsize=8)
            ax.tick_params(labelsize=7)
            ax.ticklabel_format(axis="y", useOffset=False)  # a flat curve would get an unreadable offset label
            ax.grid(alpha=0.3)
        if model.data.task == "regression":
            self.axes[1].text(
                0.5, 0.5, "no accuracy for regression", ha="center", transform=self.axes[1].transAxes, fontsize=8
            )
        self.axes[0].legend(fontsize=7, loc="upper right")

    def snapshot(self) -> dict:
        """Copies of the recorded series (read under the model's lock)."""
        return {k: list(v) for k, v in self.model.datacollector.model_vars.items()}

    def frame(self, snapshot: dict | None = None) -> Figure:
        data = snapshot or self.snapshot()
        steps = thinned(data["step"])
        x_range = (0.0, max(float(steps[-1]) if len(steps) else 1.0, 1.0))
        for ax, key in zip(self.axes, ("loss", "accuracy")):
            train, test = thinned(data[key]), thinned(data[f"test_{key}"])
            self.lines[key].set_data(steps, train)
            self.lines[f"test_{key}"].set_data(steps, test)
            y_range = (-0.02, 1.02) if key == "accuracy" else _limits(np.r_[train, test], floor=0.0)
            _set_axis(ax, x_range, y_range, integer_x=True)
            last_train = data[key][-1] if data[key] else float("nan")
            last_test = data[f"test_{key}"][-1] if data[f"test_{key}"] else float("nan")
            ax.set_title(f"{key}: last batch {_figure(last_train)} · test {_figure(last_test)}", fontsize=9)
        return self.fig


class HivePicture:
    """Temperature against the band and the outside; fanning and heating; thresholds by patriline."""

    def __init__(self, hive, width=7.6, height=5.4, dpi=90):
        self.hive = hive
        fig = self.fig = Figure(figsize=(width, height), dpi=dpi)
        grid = fig.add_gridspec(2, 3, left=0.08, right=0.98, bottom=0.09, top=0.93, hspace=0.45, wspace=0.35)
        self.temp_ax = fig.add_subplot(grid[0, :])
        self.task_ax = fig.add_subplot(grid[1, :2])
        self.theta_ax = fig.add_subplot(grid[1, 2])
        low, high = hive.band
        self.temp_ax.axhspan(low, high, color="#009E73", alpha=0.15, label=f"brood band {low:g}-{high:g} °C")
        self.outside = self.temp_ax.plot([], [], color="#56B4E9", lw=1, label="outside")[0]
        self.inside = self.temp_ax.plot([], [], color="#D55E00", lw=1.5, label="hive")[0]
        self.temp_ax.set_ylabel("°C", fontsize=8)
        self.temp_ax.legend(fontsize=7, loc="lower right", ncol=3)
        self.fanning = self.task_ax.plot([], [], color="#0072B2", lw=1, label="fanning")[0]
        self.heating = self.task_ax.plot([], [], color="#E69F00", lw=1, label="heating")[0]
        self.task_ax.legend(fontsize=7, loc="upper left")
        for ax in (self.temp_ax, self.task_ax):
            ax.set_xlabel("hours", fontsize=8)
            ax.tick_params(labelsize=7)
            ax.grid(alpha=0.3)
        self.fan_points = self.theta_ax.scatter([], [], s=3, color="#0072B2", label="fan")
        self.heat_points = self.theta_ax.scatter([], [], s=3, color="#E69F00", label="heat")
        self.theta_ax.axhspan(low, high, color="#009E73", alpha=0.12)
        self.theta_ax.set_title("thresholds by patriline", fontsize=9)
        self.theta_ax.set_xlabel("patriline", fontsize=8)
        self.theta_ax.set_ylabel("°C", fontsize=8)
        self.theta_ax.tick_params(labelsize=7)
        self.theta_ax.legend(fontsize=6, loc="upper right", markerscale=2)
        self.shown_alive = -1

    def frame(self) -> Figure:
        hive = self.hive
        data = hive.datacollector.model_vars
        n = len(data["temperature"])
        stride = max(1, n // POINTS)
        hours = np.arange(0, n, stride) * hive.dt / 60
        inside, outside = thinned(data["temperature"]), thinned(data["outside"])
        self.inside.set_data(hours, inside)
        self.outside.set_data(hours, outside)
        self.fanning.set_data(hours, thinned(data["fanning"]))
        self.heating.set_data(hours, thinned(data["heating"]))
        x_range = (0.0, max(float(hours[-1]) if len(hours) else 1.0, 1.0))
        low, high = hive.band
        _set_axis(self.temp_ax, x_range, _limits(np.r_[inside, outside, low, high]))
        _set_axis(self.task_ax, x_range, (-0.02, 1.02))
        self.temp_ax.set_title(
            f"temperature: hive {hive.temperature:.2f} °C, outside {hive.outside:.2f} °C", fontsize=9
        )
        self.task_ax.set_title(
            f"fraction of bees: fanning {hive.fanning_fraction:.2f}, heating "
            f"{hive.heating_fraction:.2f} ({hive.n_alive} alive)",
            fontsize=9,
        )
        if hive.n_alive != self.shown_alive:  # thresholds change only when bees are removed
            living = np.asarray(hive.alive)
            line = np.asarray(hive.patriline, dtype=float) + (np.arange(hive.n_bees) % 7 - 3) * 0.06
            fan, heat = np.asarray(hive.theta_fan), np.asarray(hive.theta_heat)
            self.fan_points.set_offsets(np.c_[line, fan][living])
            self.heat_points.set_offsets(np.c_[line, heat][living])
            values = np.r_[fan, heat, low, high]
            _set_axis(self.theta_ax, (0.3, hive.patrilines + 0.7), _limits(values))
            self.shown_alive = hive.n_alive
        return self.fig
