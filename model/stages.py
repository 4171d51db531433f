"""The staged schedule of one training step (mixed into `NetworkModel` from model/network.py).

inject → forward waves, tick by tick → error → backward waves, ticks in reverse → update → collect.
Each wave is an AgentSet of neurons whose delay-0 inputs have all arrived; the executor
(model/executors.py) runs a wave, by each neuron's own rule or all at once.
"""

from __future__ import annotations

import math
from functools import cached_property


class StagedSchedule:
    """The stages of a step, their labels, and the forward and backward phases on their own."""

    @cached_property
    def _stage_labels(self) -> list[str]:
        return self.stage_labels()

    def stage_labels(self) -> list[str]:
        """The stages of one step, in order: what `advance_stage` runs one at a time."""
        forward = [f"forward t={t} wave {i + 1}" for t in range(1, self.ticks + 1) for i in range(len(self.waves))]
        backward = [
            f"backward t={t} wave {i + 1}" for t in range(self.ticks, 0, -1) for i in reversed(range(len(self.waves)))
        ]
        return ["inject", *forward, "error", *backward, "update"]

    def _one_step(self, pausing: bool):
        """The staged schedule of one step; while `pausing`, it yields after each stage but the last."""
        environment = self.environment
        if self.close_at is not None and self.completed_steps >= self.close_at:
            environment.influx = False
        environment.inject()
        self.stage = "inject"
        if pausing:
            yield
        labels = iter(self._stage_labels[1:])
        for t in range(1, self.ticks + 1):
            for i in range(len(self.waves)):
                self._executor.forward(t, i)
                self.stage = next(labels)
                if pausing:
                    yield
        environment.inject_error()
        self.stage = "error"
        if environment.influx and not math.isfinite(environment.loss_value):
            self._diverged(f"the loss became {environment.loss_value}")
            return
        self.accuracy = self._accuracy(environment.outputs_now(), environment.target)
        if pausing:
            yield
        next(labels)  # "error"
        for t in range(self.ticks, 0, -1):
            for i in reversed(range(len(self.waves))):
                self._executor.backward(t, i)
                self.stage = next(labels)
                if pausing:
                    yield
        if self._update():
            self._record()

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
