"""Executors: who carries out the stages of a step.

"agents" calls each Neuron's own method, wave by wave: the reference semantics. "vectorized" computes
each wave at once, as the synchronous action of all its neurons, on the same registers and arrays.
"""

from __future__ import annotations


class AgentExecutor:
    """Each stage is `wave.do(method)`: every neuron of the wave acts on its own."""

    takes_steps_itself = True  # in `update` every neuron moves its own weights

    def __init__(self, model):
        self.model = model

    def forward(self, t, wave):
        self.model.waves[wave].do("forward", t)

    def backward(self, t, wave):
        self.model.waves[wave].do("backward", t)

    def update(self):
        self.model.learners.do("update")


def _vectorized(model):
    from model.vectorized import VectorizedExecutor

    return VectorizedExecutor(model)


EXECUTORS = {"agents": AgentExecutor, "vectorized": _vectorized}
