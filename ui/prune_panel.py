"""Pruning from the lesion panel: remove a fraction of the weights (smallest or random) and see the effect."""

from __future__ import annotations

import solara

from ui.components import model_lock

ORDERS = ["magnitude", "random"]


def prune(model, percent: float, by: str) -> str:
    """Prune `percent` % of the weights present (the smallest per layer, or random ones); report the effect."""
    before = model.evaluate("test")
    present = int(model.mask.sum())
    try:
        removed = model.prune(percent / 100, by=by, scope="layer")
    except ValueError as error:
        return f"Nothing was pruned: {error}"
    after = model.evaluate("test")
    left = int(model.mask.sum())
    return (
        f"Pruned {removed} of {present} weights ({by}); {left} of {len(model.mask)} remain "
        f"({100 * left / len(model.mask):.1f} %). Test accuracy {before['accuracy']:.3f} → {after['accuracy']:.3f}. "
        "Pruned edges vanish from the picture and stay at 0 while training goes on."
    )


@solara.component
def PrunePanel(model, frame: solara.Reactive[int]):
    """A slider, magnitude or random, Prune and Restore: the edge counterpart of silencing neurons."""
    percent = solara.use_reactive(50)
    by = solara.use_reactive("magnitude")
    report = solara.use_reactive("")

    def apply():
        with model_lock(model):
            said = prune(model, percent.value, by.value)
        report.set(said)
        frame.set(frame.value + 1)

    def restore():
        with model_lock(model):
            n = model.restore()
        report.set(f"{n} pruned edges restored, with the weights they had when pruned.")
        frame.set(frame.value + 1)

    solara.SliderInt(f"prune {percent.value} % of the weights", value=percent, min=0, max=95, step=5)
    solara.ToggleButtonsSingle(value=by, values=ORDERS)
    with solara.Row():
        solara.Button("Prune", on_click=apply, color="warning", classes=["prune-button"])
        solara.Button("Restore edges", on_click=restore, classes=["restore-edges-button"])
    if report.value:
        solara.Info(report.value, classes=["prune-report"])
