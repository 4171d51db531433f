"""The network page's own controls: +/- for layers and neurons, save and load, the link to share."""

from __future__ import annotations

from collections.abc import Callable

import solara

from ui import params as P

MAX_LAYERS, MAX_NEURONS = 6, 2048


def layer_sizes(values: dict) -> tuple[int, ...]:
    """The hidden layer sizes the values ask for (the field's text parsed), () if it does not parse."""
    spec = next(s for s in P.NETWORK_SPECS if s.name == "hidden")
    try:
        sizes = P.parse(spec, values.get("hidden"))
    except ValueError:
        return ()
    return (sizes,) if isinstance(sizes, int) else tuple(sizes)


def resized(sizes: tuple[int, ...], layer: int | None, change: int) -> tuple[int, ...]:
    """Sizes with a layer added/removed (layer None) or a neuron added/removed in one layer (at least 1)."""
    sizes = list(sizes)
    if layer is None:
        if change > 0 and len(sizes) < MAX_LAYERS:
            sizes.append(sizes[-1] if sizes else 4)
        elif change < 0 and len(sizes) > 1:
            sizes.pop()
    else:
        sizes[layer] = min(max(1, sizes[layer] + change), MAX_NEURONS)
    return tuple(sizes)


@solara.component
def ArchitectureButtons(values: dict, on_sizes: Callable[[tuple[int, ...]], None]):
    """TensorFlow Playground's +/- buttons: hidden layers, and neurons per layer; applied at once."""
    sizes = layer_sizes(values)
    if not sizes:
        return
    with solara.Row(gap="4px", style={"align-items": "center", "flex-wrap": "wrap"}, classes=["architecture"]):
        solara.Text(f"{len(sizes)} hidden layers")
        solara.Button(
            "−",
            small=True,
            on_click=lambda: on_sizes(resized(sizes, None, -1)),
            disabled=len(sizes) <= 1,
            classes=["layer-minus"],
        )
        solara.Button(
            "+",
            small=True,
            on_click=lambda: on_sizes(resized(sizes, None, +1)),
            disabled=len(sizes) >= MAX_LAYERS,
            classes=["layer-plus"],
        )
    if len(sizes) <= MAX_LAYERS:
        for i, size in enumerate(sizes):
            with solara.Row(gap="4px", style={"align-items": "center"}):
                solara.Text(f"layer {i + 1}: {size}", style={"min-width": "90px"})
                solara.Button(
                    "−",
                    small=True,
                    on_click=lambda i=i: on_sizes(resized(sizes, i, -1)),
                    disabled=size <= 1,
                    classes=[f"neuron-minus-{i + 1}"],
                )
                solara.Button(
                    "+",
                    small=True,
                    on_click=lambda i=i: on_sizes(resized(sizes, i, +1)),
                    classes=[f"neuron-plus-{i + 1}"],
                )


@solara.component
def LinkBox(link: str):
    """The link to this experiment (the URL bar carries it too)."""
    solara.InputText(
        "link to this experiment (scenario, parameters, seed)", value=link, disabled=False, classes=["experiment-link"]
    )
