"""Lesions: silence a share of the hidden neurons, at random or the most influential first, and see the effect."""

from __future__ import annotations

import numpy as np
import solara

from ui.page_state import model_lock
from ui.prune_panel import PrunePanel


def targeted_order(model) -> list[int]:
    """Hidden neurons, most influential first: the largest summed |weight| on their out-edges."""
    s = model.structure
    hidden = [v for v in range(s.n) if s.roles[v] == "hidden"]
    out_strength = np.bincount(s.src, weights=np.abs(model.params.weight), minlength=s.n)
    return sorted(hidden, key=lambda v: -out_strength[v])


def lesion(model, percent: float, how: str) -> str:
    """Silence `percent` % of the hidden neurons (random or most influential first); report the effect."""
    s = model.structure
    hidden = [v for v in range(s.n) if s.roles[v] == "hidden"]
    if not hidden:
        return "This network has no hidden neurons to silence."
    k = int(round(len(hidden) * percent / 100))
    before = model.evaluate("test")
    model.silence(hidden, silenced=False)
    if k:
        chosen = targeted_order(model)[:k] if how == "targeted" else model.rng.choice(hidden, size=k, replace=False)
        model.silence(chosen)
    after = model.evaluate("test")
    return (
        f"Silenced {k} of {len(hidden)} hidden neurons ({how}). Test accuracy {before['accuracy']:.3f} → "
        f"{after['accuracy']:.3f}, test loss {before['loss']:.4g} → {after['loss']:.4g}. "
        "Keep training to see whether the others take over."
    )


@solara.component
def LesionPanel(model, frame: solara.Reactive[int]):
    """Silence x % of the hidden neurons, at random or the most influential first, and show the effect."""
    percent = solara.use_reactive(25)
    how = solara.use_reactive("random")
    report = solara.use_reactive("")

    def apply():
        with model_lock(model):
            said = lesion(model, percent.value, how.value)
        report.set(said)
        frame.set(frame.value + 1)

    def restore():
        with model_lock(model):
            model.silence(range(model.structure.n), silenced=False)
        report.set("All neurons restored.")
        frame.set(frame.value + 1)

    with solara.Card("Lesion", margin=0):
        solara.SliderInt(f"silence {percent.value} % of hidden neurons", value=percent, min=0, max=100, step=5)
        solara.ToggleButtonsSingle(value=how, values=["random", "targeted"])
        with solara.Row():
            solara.Button("Silence", on_click=apply, color="warning")
            solara.Button("Restore all", on_click=restore)
        if report.value:
            solara.Info(report.value, classes=["lesion-report"])
        PrunePanel(model, frame)  # the same for edges (ui/prune_panel.py)
