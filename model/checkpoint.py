"""A network model's whole state in one file and back: weights, biases, optimiser state, step, data, rngs.

The file is a NumPy `.npz` (no pickle: a file from elsewhere cannot run code when loaded). Its `meta`
entry is JSON: the caller's parameters (to rebuild the same network) and the counters. A model rebuilt
from the parameters and then `restore`d continues exactly as the saved one would have (tested bit for
bit in tests/test_network_page.py).
"""

from __future__ import annotations

import io
import json

import numpy as np

from model.datasets import Dataset

FORMAT = "neurohive-network-1"


def _rng_state(generator) -> dict:
    return generator.bit_generator.state


def save(model, parameters: dict, **arrays) -> bytes:
    """The model's state, the `parameters` it was built from and any named `arrays`, as .npz bytes."""
    stream, data = model.environment.stream, model.data
    random_state = model.random.getstate()
    meta = {
        "format": FORMAT,
        "parameters": parameters,
        "completed_steps": model.completed_steps,
        "status": model.status,
        "running": model.running,
        "influx": model.environment.influx,
        "rng": _rng_state(model.rng),
        "random": [random_state[0], list(random_state[1]), random_state[2]],
        "stream": {"step": stream.step, "epoch": stream.epoch, "cursor": stream._cursor},
        "data": {"name": data.name, "task": data.task, "n_classes": data.n_classes},
        "frozen_steps": model._frozen_steps,
        "weight_change": model.weight_change,
        "accuracy": model.accuracy,
        "test_loss": model.test_loss,
        "test_accuracy": model.test_accuracy,
        "loss": model.environment.loss_value,
        "history": {k: list(v) for k, v in model.datacollector.model_vars.items()},
        "collection_steps": list(model.datacollector._collection_steps),
    }
    buffer = io.BytesIO()
    np.savez_compressed(
        buffer,
        meta=np.array(json.dumps(meta, default=float)),
        theta=model.params.theta,
        velocity=model.params.velocity,
        step=model.params.step,
        lesions=np.asarray(model.lesions),
        order=stream._order,
        x_train=data.x_train,
        y_train=data.y_train,
        x_test=data.x_test,
        y_test=data.y_test,
        **arrays,
    )
    return buffer.getvalue()


def read(blob: bytes) -> tuple[dict, dict]:
    """(meta, arrays) from the bytes of a saved file; ValueError if they are not one."""
    try:
        with np.load(io.BytesIO(blob), allow_pickle=False) as archive:
            arrays = {k: archive[k] for k in archive.files}
        meta = json.loads(str(arrays.pop("meta")))
    except (ValueError, OSError, KeyError, json.JSONDecodeError) as error:
        raise ValueError(f"not a saved neurohive network ({error})") from None
    if meta.get("format") != FORMAT:
        raise ValueError(f"not a saved neurohive network (format {meta.get('format')!r}, expected {FORMAT!r})")
    return meta, arrays


def dataset(meta: dict, arrays: dict) -> Dataset:
    """The saved data set, its targets decoded back to class indices (the model encodes them for its loss)."""
    d = meta["data"]

    def labels(y):
        if d["task"] == "regression" or y.ndim == 1:
            return y
        return (y[:, 0] > 0.5).astype(int) if y.shape[1] == 1 else np.argmax(y, axis=1)

    return Dataset(
        d["name"],
        arrays["x_train"],
        labels(arrays["y_train"]),
        arrays["x_test"],
        labels(arrays["y_test"]),
        d["task"],
        d["n_classes"],
    )


def restore(model, meta: dict, arrays: dict) -> None:
    """Put the saved state into a model rebuilt from the saved parameters (same structure)."""
    params = model.params
    for name, target in (("theta", params.theta), ("velocity", params.velocity), ("step", params.step)):
        if arrays[name].shape != target.shape:
            raise ValueError(
                f"the saved {name} has shape {arrays[name].shape}, this network's {target.shape}: "
                "the file belongs to another architecture"
            )
        target[:] = arrays[name]
    model.silence(range(model.structure.n), silenced=False)
    if arrays["lesions"].any():
        model.silence(np.flatnonzero(arrays["lesions"]))
    model.rng.bit_generator.state = meta["rng"]
    version, state, gauss = meta["random"]
    model.random.setstate((version, tuple(state), gauss))
    stream = model.environment.stream
    stream._order, stream._cursor = arrays["order"].copy(), meta["stream"]["cursor"]
    stream.step, stream.epoch = meta["stream"]["step"], meta["stream"]["epoch"]
    model.environment.influx = meta["influx"]
    model.environment.loss_value = meta["loss"]
    model.completed_steps = meta["completed_steps"]  # Mesa's own clock is left alone: its event queue runs it
    model.status, model.running = meta["status"], meta["running"]
    model._frozen_steps, model.weight_change = meta["frozen_steps"], meta["weight_change"]
    model.accuracy, model.test_loss, model.test_accuracy = meta["accuracy"], meta["test_loss"], meta["test_accuracy"]
    collector = model.datacollector
    for key, values in meta["history"].items():
        collector.model_vars[key] = list(values)
    collector._collection_steps = list(meta["collection_steps"])
    model.current_stage = model.stages[-1] if model.completed_steps else None
    model._next_stage = 0
