"""Properties at chosen scales, as functions of a model's state: micro, meso, macro.

A property is a function on the state space (Ladyman & Wiesner, What Is a Complex System? (2020), ch. 4):
many states give it the same value (its fibres: `model/measures/fibres.py`), and whether its values form a
dynamics of their own is a question about those fibres (`model/measures/closure.py`).

| scale | network | hive |
|---|---|---|
| micro | one weight; one neuron's activation on the probe | one bee's state (heat +1, idle 0, fan -1) |
| meso | a hidden layer's representation: its participation ratio, its linear CKA to the last hidden layer | a patriline's activity (mean state of its bees) |
| macro | training loss, test loss and accuracy | nest temperature |

`scale_reporters(model, every_k)` gives them as Mesa DataCollector model reporters: cheap ones every step,
costly ones (a probe pass) every k steps (`every_steps`, after `model.measures.reporters.every`):

    collector = mesa.DataCollector(model_reporters=scale_reporters(model, every_k=10))
    for _ in range(500):
        model.step()
        collector.collect(model)
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from model.measures.features import linear_cka
from model.measures.information import participation_ratio
from model.measures.series import MeasureError

SCALES = ("micro", "meso", "macro")


@dataclass(frozen=True)
class Property:
    """A named function of the model's state at one scale; `costly` ones run a probe pass."""

    name: str
    scale: str
    function: Callable
    costly: bool = False

    def __call__(self, model) -> float:
        return float(self.function(model))

    def __repr__(self):
        return f"Property({self.name!r}, {self.scale}{', costly' if self.costly else ''})"


# --- the network --------------------------------------------------------------------------------
def hidden_layers(model) -> list[np.ndarray]:
    """The hidden neurons wave by wave (a layered network's hidden layers, in order)."""
    roles = model.structure.roles
    layers = [np.array([v for v in wave if roles[v] == "hidden"]) for wave in model.structure.waves]
    return [layer for layer in layers if len(layer)]


def probe_activations(model, x=None) -> np.ndarray:
    """Every neuron's forward signal on the probe inputs (default: the first 64 test inputs), (neurons × examples)."""
    x = model.data.x_test[:64] if x is None else x
    with model.signals.scratch(len(x)), np.errstate(all="ignore"):
        model.environment.present(np.asarray(x, dtype=float))
        model.forward_phase()
        return model.signals.a[-1].copy()


def layer_representations(model, x=None) -> list[np.ndarray]:
    """Each hidden layer's representation of the probe inputs, (examples × neurons of the layer)."""
    a = probe_activations(model, x)
    return [a[layer].T for layer in hidden_layers(model)]


def layer_participation(model, layer: int, x=None) -> float:
    """Participation ratio of hidden layer `layer`'s representation (how many directions it uses; Gao et al. 2017)."""
    return participation_ratio(layer_representations(model, x)[layer])


def layer_cka_to_last(model, layer: int, x=None) -> float:
    """Linear CKA between hidden layer `layer` and the last hidden layer (Kornblith et al., ICML 2019)."""
    reps = layer_representations(model, x)
    return linear_cka(reps[layer], reps[-1])


def network_properties(model, edge: int = 0, neuron: int | None = None) -> list[Property]:
    """Micro (weight `edge`, one neuron's probe activation), meso (per hidden layer), macro (losses, accuracy)."""
    neuron = int(hidden_layers(model)[0][0]) if neuron is None else int(neuron)
    src, dst = int(model.structure.src[edge]), int(model.structure.dst[edge])
    props = [
        Property(f"w[{src}->{dst}]", "micro", lambda m: m.params.weight[edge]),
        Property(f"a[{neuron}]", "micro", lambda m: probe_activations(m)[neuron].mean(), costly=True),
    ]
    for k in range(len(hidden_layers(model))):
        props.append(
            Property(f"pr[layer {k + 1}]", "meso", lambda m, k=k: _or_nan(layer_participation, m, k), costly=True)
        )
        props.append(
            Property(
                f"cka[layer {k + 1} to last]", "meso", lambda m, k=k: _or_nan(layer_cka_to_last, m, k), costly=True
            )
        )
    props += [
        Property("loss", "macro", lambda m: m.loss),
        Property("test_loss", "macro", lambda m: m.test_loss),
        Property("test_accuracy", "macro", lambda m: m.test_accuracy),
    ]
    return props


# --- the hive -----------------------------------------------------------------------------------
def bee_activity(model) -> np.ndarray:
    """Every bee's state as a number: heat +1, idle 0, fan -1."""
    from agents.bee import FAN, HEAT

    return np.where(model.states == HEAT, 1.0, np.where(model.states == FAN, -1.0, 0.0))


def patriline_activity(model) -> np.ndarray:
    """Mean activity (heat +1, fan -1) of each patriline's bees, patrilines 1..P (NaN for an empty one)."""
    activity = bee_activity(model)
    counts = np.bincount(model.patriline - 1, minlength=model.patrilines)
    sums = np.bincount(model.patriline - 1, weights=activity, minlength=model.patrilines)
    with np.errstate(invalid="ignore", divide="ignore"):
        return sums / counts


def hive_properties(model, bee: int = 0, patrilines: int | None = None) -> list[Property]:
    """Micro (bee `bee`'s state), meso (each patriline's activity, the first `patrilines`), macro (temperature)."""
    shown = model.patrilines if patrilines is None else min(patrilines, model.patrilines)
    props = [Property(f"bee[{bee}]", "micro", lambda m: bee_activity(m)[bee])]
    props += [Property(f"patriline[{p + 1}]", "meso", lambda m, p=p: patriline_activity(m)[p]) for p in range(shown)]
    props += [
        Property("temperature", "macro", lambda m: m.temperature),
        Property("working", "macro", lambda m: (m.n_fan + m.n_heat) / max(m.n_alive, 1)),
    ]
    return props


# --- both ---------------------------------------------------------------------------------------
def properties(model, **options) -> list[Property]:
    """The properties at every scale for a NetworkModel or a HiveModel."""
    return network_properties(model, **options) if hasattr(model, "structure") else hive_properties(model, **options)


def scale_reporters(model, every_k: int = 10, **options) -> dict[str, Callable]:
    """{name: reporter} for a mesa.DataCollector: cheap properties every collect, costly ones every `every_k`."""

    def plain(prop):  # Mesa's DataCollector takes functions of the model, not callable objects
        def reporter(model):
            return prop(model)

        return reporter

    return {p.name: (every_steps(every_k, plain(p)) if p.costly else plain(p)) for p in properties(model, **options)}


def every_steps(k: int, function):
    """A costly reporter computed at steps 0, k, 2k, ... of the model (Mesa's `model.steps`), repeated in between.

    Like `model.measures.reporters.every`, but keyed on the model's step rather than on the number of calls,
    so an extra call (Mesa's DataCollector calls each reporter once more to validate it) shifts nothing.
    """
    if k < 1:
        raise ValueError(f"k must be >= 1, got {k}")
    cache = {"block": None, "value": math.nan}

    def reporter(model):
        block = model.steps // k
        if block != cache["block"]:
            cache["block"], cache["value"] = block, function(model)
        return cache["value"]

    return reporter


def scale_table(properties_: list[Property]) -> list[tuple[str, str, bool]]:
    """(name, scale, costly) for each property, micro first: what a DataCollector built from them records."""
    order = {s: i for i, s in enumerate(SCALES)}
    return sorted(((p.name, p.scale, p.costly) for p in properties_), key=lambda row: order[row[1]])


def _or_nan(function, *args) -> float:
    try:
        return function(*args)
    except MeasureError:
        return math.nan
