"""Data sets the environment feeds the network, and the stream that draws batches from them.

Every generator returns a `Dataset` of labels (class indices) or regression targets; the model then
encodes the targets for its loss. Sequence sets have x of shape (n, ticks, n_inputs).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

TASKS = ("binary", "multiclass", "regression")


@dataclass(frozen=True)
class Dataset:
    """A train/test split: x is (n, n_inputs) or (n, ticks, n_inputs); y labels (n,) or targets (n, k)."""

    name: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    task: str
    n_classes: int = 0  # 0 for regression

    @property
    def n_inputs(self) -> int:
        return self.x_train.shape[-1]

    @property
    def sequence_length(self) -> int | None:
        """Ticks per example for sequence data, None for static data."""
        return self.x_train.shape[1] if self.x_train.ndim == 3 else None

    def n_outputs(self, loss: str) -> int:
        """Output neurons this data needs under `loss`."""
        if self.task == "regression":
            return self.y_train.shape[1]
        if self.task == "binary" and loss != "cross_entropy":
            return 1
        return self.n_classes

    def encoded(self, loss: str) -> Dataset:
        """Targets as the loss wants them: class indices for cross_entropy, float columns otherwise."""
        if self.task == "regression" or loss == "cross_entropy":
            return self
        if self.task == "binary":
            return replace(self, y_train=self.y_train[:, None].astype(float), y_test=self.y_test[:, None].astype(float))
        eye = np.eye(self.n_classes)
        return replace(self, y_train=eye[self.y_train], y_test=eye[self.y_test])

    def __repr__(self):
        return (
            f"Dataset({self.name}: {len(self.x_train)} train, {len(self.x_test)} test, "
            f"{self.n_inputs} inputs, {self.task})"
        )


def split(name, x, y, task, n_classes, test_fraction, rng) -> Dataset:
    """Shuffle and split into train and test (test_fraction 0 tests on the training set)."""
    if not 0.0 <= test_fraction < 1.0:
        raise ValueError(f"test_fraction must be in [0, 1), got {test_fraction}")
    order = rng.permutation(len(x))
    n_test = int(round(test_fraction * len(x)))
    test, train = order[:n_test], order[n_test:]
    if n_test == 0:
        test = train
    return Dataset(name, x[train], y[train], x[test], y[test], task, n_classes)


def xor(rng=None, **_) -> Dataset:
    """The four points of the XOR truth table, tested on themselves."""
    x = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([0, 1, 1, 0])
    return Dataset("xor", x, y, x.copy(), y.copy(), "binary", 2)


def circles(n_samples=400, noise=0.1, test_fraction=0.25, rng=None) -> Dataset:
    """A disc inside a ring (class 1 inside)."""
    rng = np.random.default_rng(rng)
    y = rng.integers(0, 2, n_samples)
    radius = np.where(y == 1, 0.5, 1.0)
    angle = rng.uniform(0.0, 2 * np.pi, n_samples)
    x = radius[:, None] * np.c_[np.cos(angle), np.sin(angle)] + noise * rng.standard_normal((n_samples, 2))
    return split("circles", x, y, "binary", 2, test_fraction, rng)


def moons(n_samples=400, noise=0.1, test_fraction=0.25, rng=None) -> Dataset:
    """Two interleaving half circles, centred on the origin."""
    rng = np.random.default_rng(rng)
    y = rng.integers(0, 2, n_samples)
    angle = rng.uniform(0.0, np.pi, n_samples)
    upper = np.c_[np.cos(angle), np.sin(angle)]
    lower = np.c_[1.0 - np.cos(angle), 0.5 - np.sin(angle)]
    x = np.where(y[:, None] == 0, upper, lower) - [0.5, 0.25]
    x = x + noise * rng.standard_normal((n_samples, 2))
    return split("moons", x, y, "binary", 2, test_fraction, rng)


def spirals(n_samples=400, noise=0.1, test_fraction=0.25, rng=None, arms=2, turns=1.5) -> Dataset:
    """Interleaved spiral arms, one class each."""
    rng = np.random.default_rng(rng)
    y = rng.integers(0, arms, n_samples)
    r = rng.uniform(0.05, 1.0, n_samples)
    angle = 2 * np.pi * (turns * r + y / arms)
    x = r[:, None] * np.c_[np.cos(angle), np.sin(angle)] + noise * rng.standard_normal((n_samples, 2))
    return split("spirals", x, y, "binary" if arms == 2 else "multiclass", arms, test_fraction, rng)


def gaussians(n_samples=400, noise=0.1, test_fraction=0.25, rng=None, centers=3) -> Dataset:
    """Gaussian blobs on a circle of radius 1, one class each; noise is their standard deviation x 3."""
    rng = np.random.default_rng(rng)
    y = rng.integers(0, centers, n_samples)
    angle = 2 * np.pi * np.arange(centers) / centers
    means = np.c_[np.cos(angle), np.sin(angle)]
    x = means[y] + 3 * noise * rng.standard_normal((n_samples, 2))
    return split("gaussians", x, y, "binary" if centers == 2 else "multiclass", centers, test_fraction, rng)


def digits(test_fraction=0.25, rng=None, **_) -> Dataset:
    """scikit-learn's bundled 8x8 handwritten digits (1797 images, 64 inputs scaled to [0, 1], 10 classes)."""
    from sklearn.datasets import load_digits  # ships inside scikit-learn: nothing is downloaded

    data = load_digits()
    x = data.data / 16.0
    return split("digits", x, data.target, "multiclass", 10, test_fraction, np.random.default_rng(rng))


def parity(n_samples=400, ticks=3, test_fraction=0.25, rng=None, **_) -> Dataset:
    """Sequences of ±1 bits, one per tick; the label is the parity (XOR) of all of them."""
    rng = np.random.default_rng(rng)
    bits = rng.integers(0, 2, (n_samples, ticks))
    x = (2.0 * bits - 1.0)[:, :, None]
    return split("parity", x, bits.sum(axis=1) % 2, "binary", 2, test_fraction, rng)


def recall(n_samples=400, ticks=4, test_fraction=0.25, rng=None, **_) -> Dataset:
    """Sequences of ±1 bits, one per tick; the label is the first bit: the net must remember it."""
    rng = np.random.default_rng(rng)
    bits = rng.integers(0, 2, (n_samples, ticks))
    x = (2.0 * bits - 1.0)[:, :, None]
    return split("recall", x, bits[:, 0], "binary", 2, test_fraction, rng)


def from_csv(path, test_fraction=0.25, rng=None, **_) -> Dataset:
    """A user's CSV: numeric feature columns and a target column (`label` if present, else the last).

    Whole-number targets with at most 20 distinct values are class labels; anything else is regression.
    """
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"dataset: CSV file {str(path)!r} does not exist")
    try:
        frame = pd.read_csv(path)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as error:
        raise ValueError(f"{path.name} is not a readable CSV file: {error}") from None
    if frame.shape[1] < 2 or len(frame) < 2:
        raise ValueError(
            f"{path.name} needs a header row, at least one feature column and a target column, and at least "
            f"two rows; it has {frame.shape[1]} columns and {len(frame)} rows"
        )
    missing = frame.isna().any(axis=1)
    if missing.any():
        rows = (np.flatnonzero(missing) + 2).tolist()  # +2: 1-based, after the header line
        raise ValueError(f"{path.name} has missing values on lines {rows[:10]}: fill or drop them")
    non_numeric = [c for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c])]
    if non_numeric:
        raise ValueError(f"{path.name}: columns must be numbers; these are not: {non_numeric}")
    target = "label" if "label" in frame.columns else frame.columns[-1]
    x = frame.drop(columns=[target]).to_numpy(dtype=float)
    y = frame[target].to_numpy()
    rng = np.random.default_rng(rng)
    if np.all(np.mod(y, 1) == 0) and len(np.unique(y)) <= 20:
        classes, y = np.unique(y, return_inverse=True)
        if len(classes) < 2:
            raise ValueError(f"{path.name}: the target column {target!r} holds one class only")
        task = "binary" if len(classes) == 2 else "multiclass"
        return split(path.stem, x, y, task, len(classes), test_fraction, rng)
    return split(path.stem, x, y.astype(float)[:, None], "regression", 0, test_fraction, rng)


GENERATORS = {
    "xor": xor,
    "circles": circles,
    "moons": moons,
    "spirals": spirals,
    "gaussians": gaussians,
    "digits": digits,
    "parity": parity,
    "recall": recall,
}
SEQUENCES = ("parity", "recall")


def load(name: str, *, n_samples=400, noise=0.1, test_fraction=0.25, ticks=None, rng=None) -> Dataset:
    """A data set by name (one of GENERATORS) or a path ending in .csv."""
    if str(name).lower().endswith(".csv"):
        return from_csv(name, test_fraction=test_fraction, rng=rng)
    if name not in GENERATORS:
        raise ValueError(f"unknown dataset {name!r}; valid ones are: {', '.join(GENERATORS)}, or a path to a .csv file")
    if int(n_samples) != n_samples or n_samples < 4:
        raise ValueError(f"n_samples must be a whole number >= 4, got {n_samples!r}")
    if not (np.isfinite(noise) and noise >= 0):
        raise ValueError(f"noise must be a finite number >= 0, got {noise!r}")
    kwargs = dict(n_samples=int(n_samples), noise=noise, test_fraction=test_fraction, rng=rng)
    if name in SEQUENCES:
        kwargs["ticks"] = ticks or (3 if name == "parity" else 4)
    return GENERATORS[name](**kwargs)


DRIFTS = (None, "rotate", "switch")


class DataStream:
    """Batches drawn epoch by epoch without replacement; optional drift of the distribution over time.

    drift="rotate": 2-D inputs turn by a full circle every `drift_period` steps.
    drift="switch": the labels are permuted (binary: flipped) every `drift_period` steps.
    """

    def __init__(self, data: Dataset, batch_size: int, rng, drift=None, drift_period=500):
        self.data, self.batch_size, self.rng = data, batch_size, rng
        self.drift, self.drift_period = drift, drift_period
        self.step = 0
        self.epoch = 0
        self._order = rng.permutation(len(data.x_train))
        self._cursor = 0
        self._epoch = None  # (order, x_train[order], y_train[order]), made at the first batch of each epoch

    def next_batch(self) -> tuple[np.ndarray, np.ndarray]:
        """The next training batch (x, y), under the current drift."""
        if self._cursor + self.batch_size > len(self._order):
            self._order = self.rng.permutation(len(self.data.x_train))
            self._cursor = 0
            self.epoch += 1
        if self._epoch is None or self._epoch[0] is not self._order:  # the epoch's examples, in its order
            self._epoch = (self._order, self.data.x_train[self._order], self.data.y_train[self._order])
        rows = slice(self._cursor, self._cursor + self.batch_size)  # a batch is then a view: no gather per step
        self._cursor += self.batch_size
        self.step += 1
        x, y = self._epoch[1][rows], self._epoch[2][rows]
        return (x, y) if self.drift is None else self.drifted(x, y)

    def split(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """The whole train or test split, under the current drift."""
        if name == "train":
            return self.drifted(self.data.x_train, self.data.y_train)
        if name == "test":
            return self.drifted(self.data.x_test, self.data.y_test)
        raise ValueError(f"split must be 'train' or 'test', got {name!r}")

    def drifted(self, x, y):
        """(x, y) as the environment presents them at the current step."""
        if self.drift == "rotate":
            angle = 2 * np.pi * self.step / self.drift_period
            c, s = np.cos(angle), np.sin(angle)
            x = x @ np.array([[c, s], [-s, c]])
        elif self.drift == "switch" and (self.step // self.drift_period) % 2 == 1:
            y = switched(y, self.data.n_classes)
        return x, y


def switched(y, n_classes):
    """Every label moved to the next class: indices, one-hot rows, or one 0/1 column (flipped)."""
    if y.ndim == 1:
        return (y + 1) % n_classes
    if y.shape[1] == 1:
        return 1.0 - y
    return np.roll(y, 1, axis=1)
