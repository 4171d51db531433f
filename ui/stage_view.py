"""What the stage view may show: which neurons this step has reached, and the messages on the edges.

Read from the model's registers (`model/signals.py`) and its stage records (`Stage(phase, tick, wave)`,
`model/stages.py`): nothing here is left over from the previous step.
Forward, the wave that just fired read w·a on its in-edges; backward, the wave that just fired read
w·δ on its out-edges, which travel against the arrows; the update moved each weight by Δw = -step
(Rumelhart, Hinton & Williams 1986: Δw = -η·a·δ).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class StageRecord:
    """One stage of a step: phase ("start", "inject", "forward", "error", "backward", "update"), tick, wave."""

    phase: str
    tick: int = 0
    wave: int | None = None  # index into structure.waves (0-based)

    def __str__(self):
        if self.wave is None:
            return self.phase
        return f"{self.phase} t={self.tick} wave {self.wave + 1}"


def _record(model, stage) -> StageRecord:
    """The model's own `Stage` (model/stages.py) with its tick filled in for inject, error and update."""
    tick = stage.tick if stage.tick is not None else (1 if stage.phase == "inject" else model.ticks)
    return StageRecord(stage.phase, tick, stage.wave)


def records(model) -> list[StageRecord]:
    """The stages of one step in the order `advance_stage` runs them (the model's own records)."""
    return [_record(model, stage) for stage in model.stages]


def current(model) -> StageRecord:
    """The record of the last stage run, read from the model (`current_stage`), not from its label."""
    stage = model.current_stage
    return StageRecord("start") if stage is None else _record(model, stage)


@dataclass
class StageView:
    """What the picture draws at one stage, all per neuron or per edge of the structure."""

    record: StageRecord
    kind: str  # what colours the reached neurons: "a", "error" or "delta"
    tick: int  # the register row shown
    forward_reached: np.ndarray  # bool per neuron: a computed this step at `tick`
    backward_reached: np.ndarray  # bool per neuron: δ computed this step at `tick`
    values: np.ndarray  # per neuron, the value shown (nan where not reached)
    edge_kind: str  # "weight", "forward" (w·a), "backward" (w·δ) or "update" (Δw)
    edge_values: np.ndarray  # per edge: the message or Δw (nan on edges that carry nothing now); the weight
    direction: str  # "forward" or "backward": which way the messages on the edges travel

    @property
    def reached(self) -> np.ndarray:
        return self.backward_reached if self.kind in ("delta", "error") else self.forward_reached


def view(model, staging: bool, example: int = 0) -> StageView:
    """The stage view of `model` now; `staging` False gives the overview after whole steps (Step, Play)."""
    s, signals = model.structure, model.signals
    n, ticks = s.n, model.ticks
    example = min(example, signals.a.shape[2] - 1)
    weight = np.asarray(model.params.weight, dtype=float)
    src, dst, delay = s.src, s.dst, np.asarray(s.delay)
    record = current(model) if staging else StageRecord("update" if model.stage else "start", ticks)
    waves = [np.asarray(w, dtype=int) for w in s.waves]
    inputs = np.asarray(s.inputs, dtype=int)
    none = np.zeros(n, dtype=bool)
    everyone = np.ones(n, dtype=bool)
    learners = everyone.copy()
    learners[inputs] = False
    nan_edges = np.full(len(src), np.nan)

    def members(indices):
        mask = none.copy()
        for i in indices:
            mask[waves[i]] = True
        return mask

    phase = record.phase
    if phase == "start":
        return StageView(record, "a", ticks, none, none, np.full(n, np.nan), "weight", weight, "forward")
    if phase == "update" and not staging:
        a = signals.a[ticks, :, example].astype(float)
        return StageView(record, "a", ticks, everyone, learners, a, "weight", weight, "forward")
    if phase == "update":
        a = signals.a[ticks, :, example].astype(float)
        return StageView(
            record, "a", ticks, everyone, learners, a, "update", -model.params.weight_step.copy(), "forward"
        )
    if phase in ("inject", "forward"):
        t = record.tick
        reached = none.copy()
        reached[inputs] = True
        if phase == "forward":
            reached |= members(range(record.wave + 1))
        values = np.where(reached, signals.a[t, :, example], np.nan)
        edges = nan_edges.copy()
        if phase == "forward":
            into = np.isin(dst, waves[record.wave])
            sent = signals.a[t - delay[into], src[into], example]
            edges[into] = weight[into] * sent
        return StageView(record, "a", t, reached, none, values, "forward", edges, "forward")
    # error and backward: every neuron fired forward this step; δ arrives wave by wave, last tick first
    t = record.tick
    if phase == "error":
        outputs = none.copy()
        outputs[np.asarray(s.outputs, dtype=int)] = True
        values = np.where(outputs, signals.error[t, :, example], np.nan)
        return StageView(record, "error", t, everyone, outputs, values, "backward", nan_edges, "backward")
    reached = members(range(record.wave, len(waves)))
    values = np.where(reached, signals.delta[t, :, example], np.nan)
    edges = nan_edges.copy()
    out_of = np.isin(src, waves[record.wave])
    returned = signals.delta[t + delay[out_of], dst[out_of], example]
    edges[out_of] = weight[out_of] * returned
    return StageView(record, "delta", t, everyone, reached, values, "backward", edges, "backward")
