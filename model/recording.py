"""Recording a model's numbers each step without letting the recording dominate the step."""

from __future__ import annotations

import mesa


class ScalarCollector(mesa.DataCollector):
    """Mesa's DataCollector for model reporters that name attributes holding plain numbers.

    Numbers are immutable, so the deep copy Mesa makes of every reported value is skipped (it cost more
    than a small network's whole step). With `keep`, only about that many rows are kept: the history is
    cut back to `keep` rows whenever it reaches twice that.
    """

    def __init__(self, model_reporters: dict[str, str], keep: int | None = None):
        if not all(isinstance(name, str) for name in model_reporters.values()):
            raise TypeError("ScalarCollector takes attribute names only; use mesa.DataCollector for callables")
        super().__init__(model_reporters=model_reporters)
        self.keep = keep

    def collect(self, model):
        if not self._validated:  # the first call goes through Mesa, which checks every reporter
            super().collect(model)
        else:
            self._collection_steps.append(model.time)
            for var, name in self.model_reporters.items():
                self.model_vars[var].append(getattr(model, name))
        if self.keep is not None and len(self._collection_steps) >= 2 * self.keep:
            cut = len(self._collection_steps) - self.keep
            del self._collection_steps[:cut]
            for values in self.model_vars.values():
                del values[:cut]
