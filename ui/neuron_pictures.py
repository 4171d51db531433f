"""Every neuron's picture over the input plane: its activation a(x), and in the backward phase its δ(x).

For 2-D data only. The plane is a GRID x GRID lattice over the data's range; the model's own neurons
compute on it (on scratch registers, `Signals.scratch` in `model/signals.py`), so the pictures are what
the network computes, not a copy of it. δ needs a target at every point: each point takes the label of
its nearest training example, so δ(x) is the error the neuron would send back for a point labelled
like its neighbours.
"""

from __future__ import annotations

import base64
import io

import numpy as np
from PIL import Image
from scipy.spatial import cKDTree

from ui.drawing import DIVERGING

GRID = 24  # points per axis of the plane each neuron is drawn over
_LUT = (DIVERGING(np.linspace(0, 1, 256))[:, :3] * 255).astype(np.uint8)


def why_not(model) -> str | None:
    """None when pictures can be drawn; otherwise a few words on why not."""
    data = model.data
    if data.x_train.ndim != 2:
        return f"{data.name} is a sequence data set: a neuron's picture over a plane needs 2-D points"
    if data.n_inputs != 2:
        return f"{data.name} has {data.n_inputs} inputs: a neuron's picture over the input plane needs exactly 2"
    return None


class NeuronPictures:
    """The lattice, built once per model; `compute()` gives a (n, GRID, GRID) array per kind."""

    def __init__(self, model, grid: int = GRID):
        self.model, self.grid = model, grid
        x = np.r_[model.data.x_train, model.data.x_test]
        low, high = x.min(axis=0), x.max(axis=0)
        pad = 0.1 * np.maximum(high - low, 1e-6)
        self.low, self.high = low - pad, high + pad
        gx = np.linspace(self.low[0], self.high[0], grid)
        gy = np.linspace(self.high[1], self.low[1], grid)  # top row first: images read top down
        xx, yy = np.meshgrid(gx, gy)
        self.points = np.c_[xx.ravel(), yy.ravel()]
        _, nearest = cKDTree(model.data.x_train).query(self.points)
        self.targets = model.data.y_train[nearest]

    def compute(self, backward: bool) -> dict[str, np.ndarray]:
        """{"a": (n, grid, grid)} and with `backward` also {"delta": ...}: the neurons on every lattice point."""
        model = self.model
        signals, shape = model.signals, (model.structure.n, self.grid, self.grid)
        with signals.scratch(len(self.points)), np.errstate(all="ignore"):
            model.environment.present(self.points)
            model.forward_phase()
            result = {"a": signals.a[model.ticks].reshape(shape).copy()}
            if backward:
                model.environment.feedback(self.targets)
                model.backward_phase()
                result["delta"] = signals.delta[1].reshape(shape).copy()
        return result


def png_url(values: np.ndarray, scale: float) -> str:
    """A small picture on the diverging scale (±scale), as a data: URL."""
    index = np.clip(np.nan_to_num(0.5 + 0.5 * values / (scale or 1.0), nan=0.5) * 255, 0, 255).astype(np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(_LUT[index]).save(buffer, format="PNG", compress_level=1)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def picture_urls(stack: np.ndarray, nodes) -> dict[int, str]:
    """Each listed neuron's picture, each on its own symmetric scale (a picture shows a shape, not a size)."""
    urls = {}
    for v in nodes:
        values = stack[v]
        finite = values[np.isfinite(values)]
        scale = float(np.max(np.abs(finite))) if finite.size else 1.0
        urls[int(v)] = png_url(values, scale if scale > 0 else 1.0)
    return urls
