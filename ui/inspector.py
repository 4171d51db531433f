"""The inspector: a selected neuron's forward and backward equations with this step's numbers, or an edge's.

A neuron computes z = b + Σ w·a_in, a = f(z) forward and δ = f'(z)·(e + Σ w_out·δ_out) backward
(`agents/neuron.py`); an edge's weight changes by Δw = -η·Σ a_in·δ (with momentum, -η·v). The numbers
are example 1 of the batch at the tick shown; a term this step has not computed yet says so.
"""

from __future__ import annotations

import numpy as np
import reacton.ipyvuetify as rv
import solara

from ui.components import model_lock
from ui.stage_view import StageView

MAX_TERMS = 8  # terms of a sum written out; the rest are summed as "… k more"


def _n(x) -> str:
    return "?" if x is None or not np.isfinite(x) else f"{x:+.4f}"


def _sum(terms: list[tuple[float, float, str]]) -> str:
    """'(w)(x)[name] + …' for the largest terms, the rest summed."""
    terms = sorted(terms, key=lambda t: -abs(t[0] * t[1]) if np.isfinite(t[0] * t[1]) else 0)
    shown = [f"({_n(w)})({_n(x)})" for w, x, _ in terms[:MAX_TERMS]]
    rest = terms[MAX_TERMS:]
    if rest:
        shown.append(f"{_n(sum(w * x for w, x, _ in rest))} [{len(rest)} more]")
    return " + ".join(shown) or "0"


def neuron_lines(model, view: StageView, v: int) -> list[str]:
    """The neuron's equations, forward then backward, with this step's numbers where computed."""
    s, sig, t = model.structure, model.signals, view.tick
    neuron = model.neurons[v]
    lines = [repr(neuron)]
    if neuron.role == "input":
        a = sig.a[t, v, 0] if view.forward_reached[v] else None
        lines += ["forward: a = x (the environment writes the data here)", f"  a = {_n(a)}"]
        return lines
    weight = model.params.weight
    ins = (
        np.flatnonzero((s.dst == v) & model.mask) if model.any_pruned else np.flatnonzero(s.dst == v)
    )  # pruned: absent
    f = neuron.activation.name
    lines.append(f"forward:  z = b + Σ w·a_in ;  a = {f}(z)")
    if view.forward_reached[v]:
        terms = [(weight[e], sig.a[t - s.delay[e], s.src[e], 0], str(s.src[e])) for e in ins]
        z, a = sig.z[t, v, 0], sig.a[t, v, 0]
        lines += [f"  z = {_n(neuron.bias)} + {_sum(terms)}", f"    = {_n(z)}", f"  a = {f}({_n(z)}) = {_n(a)}"]
    else:
        lines.append(f"  not reached yet this step (b = {_n(neuron.bias)})")
    lines.append("backward: δ = f'(z)·(e + Σ w_out·δ_out)")
    if view.backward_reached[v] and view.kind != "error":
        outs = np.flatnonzero((s.src == v) & model.mask) if model.any_pruned else np.flatnonzero(s.src == v)
        terms = [(weight[e], sig.delta[t + s.delay[e], s.dst[e], 0], str(s.dst[e])) for e in outs]
        e = sig.error[t, v, 0]
        slope = neuron.activation.derivative(sig.z[t, v, 0], sig.a[t, v, 0])
        lines += [
            f"  e = {_n(e)} (the environment's dL/dŷ; 0 off the outputs)",
            f"  δ = {_n(float(slope))}·({_n(e)} + {_sum(terms)})",
            f"    = {_n(sig.delta[t, v, 0])}",
        ]
    else:
        lines.append("  not reached yet this step")
    step = model.params.bias_step[v]
    lines.append(f"update: Δb = -η·Σ δ = {_n(-step)} (last update; η = {model.optimizer.learning_rate:g})")
    return lines


def edge_lines(model, view: StageView, e: int) -> list[str]:
    """An edge's weight, the two messages that crossed it this step, and its last change."""
    s, sig, t = model.structure, model.signals, view.tick
    u, v, delay = int(s.src[e]), int(s.dst[e]), int(s.delay[e])
    w = model.params.weight[e]
    lines = [f"edge {u} → {v}" + (" (delay 1)" if delay else ""), f"w = {_n(w)}"]
    a = sig.a[t - delay, u, 0] if view.forward_reached[v] else None
    lines.append(f"forward message w·a_{u} = ({_n(w)})({_n(a)}) = {_n(None if a is None else w * a)}")
    d = (
        sig.delta[min(t + delay, sig.delta.shape[0] - 1), v, 0]
        if view.backward_reached[v] and view.kind != "error"
        else None
    )
    lines.append(f"backward message w·δ_{v} = ({_n(w)})({_n(d)}) = {_n(None if d is None else w * d)}")
    lines.append(f"update: Δw = -η·Σ a·δ = {_n(-model.params.weight_step[e])} (last update)")
    return lines


@solara.component
def Inspector(model, view: StageView, selection: solara.Reactive, frame: solara.Reactive[int]):
    """The selected neuron or edge, always in the same place; it edits a bias or a weight."""
    entry, set_entry = solara.use_state("")
    error, set_error = solara.use_state("")
    picked = selection.value
    with solara.Card("Inspector", margin=0, style={"width": "440px", "min-height": "300px"}, classes=["inspector"]):
        if not picked or picked["id"] >= (model.structure.n if picked["kind"] == "node" else len(model.structure.src)):
            solara.Text("Click a neuron or an edge in the picture (hover an edge for its weight).")
            return
        kind, k = picked["kind"], picked["id"]
        with model_lock(model):
            lines = neuron_lines(model, view, k) if kind == "node" else edge_lines(model, view, k)
        rv.Html(
            tag="pre",
            children=["\n".join(lines)],
            class_="neuron-inspector",
            style_="font-size: 0.78em; white-space: pre-wrap; margin: 0",
        )
        if kind == "node" and model.structure.roles[k] == "input":
            return
        what = "bias b" if kind == "node" else "weight w"

        def apply(text):
            try:
                number = float(text)
                if not np.isfinite(number):
                    raise ValueError
            except ValueError:
                set_error(f"{what}: {text!r} is not a finite number")
                return
            with model_lock(model):
                if kind == "node":
                    model.neurons[k].bias = number
                else:
                    model.params.weight[k] = number
            set_error("")
            set_entry("")
            frame.set(frame.value + 1)

        solara.InputText(
            f"new {what} (Enter to set)", value=entry, on_value=apply, error=error or False, classes=["edit-parameter"]
        )
