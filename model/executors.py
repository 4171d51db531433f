"""Executors: who carries out the stages of a step.

"agents" calls each Neuron's own method, wave by wave: the reference semantics. "vectorized" computes
each wave at once, as the synchronous action of all its neurons, on the same registers and arrays.
"""

from __future__ import annotations


class AgentExecutor:
    """Each stage calls every neuron of the wave by its own rule, as `wave.do(method)` does: each acts on its own.

    The waves are fixed when the model is built (model/network.py), so the executor looks the neurons' own
    bound methods up once per wave and rule, in the AgentSet's order, and calls them as `AgentSet.do` would
    (which looks each one up through a weak reference and `getattr` at every stage: about 5 % of a
    2-16-16-1 step at batch 1).
    """

    takes_steps_itself = True  # in `update` every neuron moves its own weights

    def __init__(self, model):
        self.model = model
        self._rules = {}  # (wave, or None for the learners; rule name) -> the neurons' bound rules

    def forward(self, t, wave):
        for forward in self.rules(wave, "forward"):
            forward(t)

    def backward(self, t, wave):
        for backward in self.rules(wave, "backward"):
            backward(t)

    def update(self):
        for update in self.rules(None, "update"):
            update()

    def rules(self, wave, name) -> tuple:
        """The bound rule `name` of each neuron of a wave (None: of every learner), as `AgentSet.do` calls them."""
        rules = self._rules.get((wave, name))
        if rules is None:
            agents = self.model.learners if wave is None else self.model.waves[wave]
            rules = self._rules[(wave, name)] = tuple(getattr(agent, name) for agent in agents)
        return rules


def _vectorized(model):
    from model.vectorized import VectorizedExecutor

    return VectorizedExecutor(model)


EXECUTORS = {"agents": AgentExecutor, "vectorized": _vectorized}
