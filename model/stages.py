"""The staged schedule of one training step, as data (mixed into `NetworkModel` from model/network.py).

A step is a sequence of `Stage` records: inject → forward waves, tick by tick → error → backward waves,
ticks in reverse → update (which also collects). `step` runs them all, `advance_stage` one at a time, and
the app draws its stage bar from the same records. Each wave is an AgentSet of neurons whose delay-0
inputs have all arrived; the executor (model/executors.py) runs a wave, by each neuron's own rule or all
at once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

PHASES = ("inject", "forward", "error", "backward", "update")


@dataclass(frozen=True)
class Stage:
    """One stage of a step: its phase, and for a wave its tick (1..ticks) and wave index (0-based)."""

    phase: str
    tick: int | None = None
    wave: int | None = None

    @property
    def label(self) -> str:
        """'inject', 'forward t=1 wave 1', ..., 'error', 'backward t=1 wave 2', ..., 'update'."""
        if self.wave is None:
            return self.phase
        return f"{self.phase} t={self.tick} wave {self.wave + 1}"

    def __repr__(self) -> str:
        return f"Stage({self.label})"


def schedule(ticks: int, n_waves: int) -> tuple[Stage, ...]:
    """The stages of one step: forward waves in order, tick by tick; backward in reverse, ticks from last."""
    forward = [Stage("forward", t, i) for t in range(1, ticks + 1) for i in range(n_waves)]
    backward = [Stage("backward", t, i) for t in range(ticks, 0, -1) for i in reversed(range(n_waves))]
    return (Stage("inject"), *forward, Stage("error"), *backward, Stage("update"))


class StagedSchedule:
    """Runs the stages of a step (all, or one at a time) and the forward and backward phases on their own."""

    _next_stage = 0  # index in `stages` of the stage `advance_stage` runs next
    current_stage: Stage | None = None  # the last stage run (None before the first)

    @cached_property
    def stages(self) -> tuple[Stage, ...]:
        """The stages of one step, in order (a tuple of `Stage`)."""
        return schedule(self.ticks, len(self.waves))

    @property
    def stage(self) -> str | None:
        """The label of the last stage run."""
        return None if self.current_stage is None else self.current_stage.label

    def stage_labels(self) -> list[str]:
        """The stages of one step, in order: what `advance_stage` runs one at a time."""
        return [stage.label for stage in self.stages]

    def _run_stages(self, first: int) -> None:
        """Run the stages from index `first` to the end of the step (or until the run diverges)."""
        for stage in self.stages[first:]:
            if not self.run_stage(stage):
                break
        self._next_stage = 0

    def run_stage(self, stage: Stage) -> bool:
        """Carry out one stage; False if the step ends there (the loss is not finite: the run stops)."""
        self.current_stage = stage
        environment = self.environment
        if stage.phase == "forward":
            self._executor.forward(stage.tick, stage.wave)
        elif stage.phase == "backward":
            self._executor.backward(stage.tick, stage.wave)
        elif stage.phase == "inject":
            if self.close_at is not None and self.completed_steps >= self.close_at:
                environment.influx = False
            environment.inject()
        elif stage.phase == "error":
            environment.inject_error()
            if environment.influx and not math.isfinite(environment.loss_value):
                self._diverged(f"the loss became {environment.loss_value}")
                return False
            self.accuracy = self._accuracy(environment.outputs_now(), environment.target)
        elif self._update():  # "update": θ moves, then the step is recorded
            self._record()
        return True

    def forward_phase(self):
        """Waves in topological order, tick by tick."""
        for t in range(1, self.ticks + 1):
            for i in range(len(self.waves)):
                self._executor.forward(t, i)

    def backward_phase(self):
        """The same waves in reverse, ticks from last to first."""
        for t in range(self.ticks, 0, -1):
            for i in reversed(range(len(self.waves))):
                self._executor.backward(t, i)
