"""Recording a model's numbers each step without letting the recording dominate the step."""

from __future__ import annotations

from operator import attrgetter

import mesa


class ScalarCollector(mesa.DataCollector):
    """Mesa's DataCollector for model reporters that give plain numbers: attribute names or functions of the model.

    Numbers are immutable, so the deep copy Mesa makes of every reported value is skipped (it cost more
    than a small network's whole step). With `keep`, only about that many rows are kept: the history is
    cut back to `keep` rows whenever it reaches twice that.
    """

    def __init__(self, model_reporters: dict, keep: int | None = None):
        if not all(isinstance(reporter, str) or callable(reporter) for reporter in model_reporters.values()):
            raise TypeError("ScalarCollector takes attribute names or functions of the model; use mesa.DataCollector")
        super().__init__(model_reporters=model_reporters)
        self.keep = keep
        self._readers = [(var, attrgetter(r) if isinstance(r, str) else r) for var, r in model_reporters.items()]

    def collect(self, model):
        if not self._validated:  # the first call goes through Mesa, which checks every reporter
            super().collect(model)
        else:
            self._collection_steps.append(model.time)
            for var, read in self._readers:
                self.model_vars[var].append(read(model))
        if self.keep is not None and len(self._collection_steps) >= 2 * self.keep:
            cut = len(self._collection_steps) - self.keep
            del self._collection_steps[:cut]
            for values in self.model_vars.values():
                del values[:cut]
