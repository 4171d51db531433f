"""The hive's scorecard rows, one seed at a time: each arm of each pair in model/measures/protocol.py.

`HiveSeed(params, seed, steps)` runs, lazily and once, every colony the rows of that seed need (the system and
its thermostat, constant-weather, open-loop, cold-start and uniform variants), and the lesioned copies in one
array pass each (model/measures/hive_lesions.py); `value(feature, arm)` reads one arm of one row.
"""

from __future__ import annotations

import math

import numpy as np

from model.measures import features as F
from model.measures.hive_lesions import lesion_runs, performance
from model.measures.hive_mean_field import mean_field_ratio
from model.measures.information import emergence
from model.measures.irreversibility import irreversibility
from model.measures.protocol import (
    BURN_IN,
    GROUP,
    HIVE_GROUPS,
    LESION_TICKS,
    SIZES,
    TAU,
)
from model.measures.series import MeasureError
from model.measures.statistics import loglog_slope
from model.measures.systems import HiveSystem

LAGS = tuple(range(1, 9))  # a bee's heat reaches the sensed temperature after 1 + sensing_delay ticks
WATCHED = 20
LESION_REPEATS = 4
UNIFORM = {"patrilines": 1, "sigma_between": 0.0, "sigma_within": 0.0}


class HiveSeed:
    """Every colony one seed of the scorecard needs, run on first use (see the module docstring)."""

    def __init__(self, params: dict, seed: int, steps: int):
        self.params = {k: v for k, v in params.items() if k not in ("rng", "executor")}
        self.seed, self.steps = int(seed), int(steps)
        self._runs, self._lesions = {}, {}

    def colony(self, **overrides) -> dict:
        return {**self.params, **overrides}

    def system(self, **overrides) -> HiveSystem:
        from model.hive import HiveModel

        params = self.colony(**overrides)
        return HiveSystem(HiveModel(**params, executor="vectorized", rng=self.seed), params=params, rng=self.seed)

    def record(self, name: str, **overrides) -> dict:
        """The recorded run (activity, incoming, macro, micro change...) of the colony `name`, once."""
        if name not in self._runs:
            self._runs[name] = self.system(**overrides).run(self.steps).arrays()
        return self._runs[name]

    def loss_of_groups(self, n_bees: int, control: str) -> np.ndarray:
        """Regulation loss of the intact colony, then with each group of GROUP bees silenced (one batch)."""
        key = (n_bees, control)
        if key not in self._lesions:
            units = max(n_bees // GROUP, 1)
            groups = np.array_split(np.arange(n_bees), units)
            masks = np.zeros((units + 1, n_bees), dtype=bool)
            for u, members in enumerate(groups):
                masks[u + 1, members] = True
            params = self.colony(n_bees=n_bees, control=control)
            temps = lesion_runs(params, self.seed, masks, LESION_TICKS)
            self._lesions[key] = performance(temps, params.get("band", (34.0, 36.0)), BURN_IN)[0]
        return self._lesions[key]

    def importance(self, n_bees: int, control: str) -> np.ndarray:
        loss = self.loss_of_groups(n_bees, control)
        return loss[1:] - loss[0]

    # --- the arms --------------------------------------------------------------------------------------
    def value(self, feature: str, arm: str) -> tuple[float, str]:
        """(value, detail) of one arm ("system" or "control") of a row; NaN and the reason if it cannot be had."""
        try:
            return getattr(self, f"_{feature}")(arm)
        except MeasureError as error:
            return math.nan, str(error)

    def _control(self, arm) -> str:
        return "bees" if arm == "system" else "thermostat"

    def _numerosity(self, arm):
        n_eff = [F.effective_number(self.importance(n, self._control(arm))) for n in SIZES]
        return loglog_slope(SIZES, n_eff), "N_eff " + " ".join(f"{v:.1f}" for v in n_eff)

    def _decentralised_control(self, arm):
        importance = self.importance(int(self.params.get("n_bees", 300)), self._control(arm))
        return F.top_share(importance), f"N_eff {F.effective_number(importance):.1f} of {len(importance)} groups"

    def _openness(self, arm):
        if arm == "system":
            record = self.record("system")
        else:
            record = self.record("constant", weather="constant", outside_mean=self.params.get("outside_mean", 25.0))
        return irreversibility(record["activity"], TAU), ""

    def _feedback(self, arm):
        record = self.record("system") if arm == "system" else self.record("open loop", control="open_loop")
        loop = F.feedback(
            record["activity"],
            record["incoming"],
            lags=LAGS,
            agents=F.most_active(record["activity"], WATCHED),
            rng=self.seed,
        )
        return loop["loop"], f"{loop['significant']:.0%} of watched bees significant"

    def _robustness(self, arm):
        n_bees = int(self.params.get("n_bees", 300))
        groups = np.array_split(np.arange(n_bees), max(n_bees // GROUP, 1))
        generator = np.random.default_rng(self.seed)
        masks = []
        for _ in range(LESION_REPEATS):
            order = generator.permutation(len(groups))
            for f in F.FRACTIONS:
                mask = np.zeros(n_bees, dtype=bool)
                for u in order[: math.ceil(round(f * len(groups), 9))]:
                    mask[groups[u]] = True
                masks.append(mask)
        params = self.colony(control=self._control(arm))
        temps = lesion_runs(params, self.seed, np.array(masks), LESION_TICKS)
        score = performance(temps, params.get("band", (34.0, 36.0)), BURN_IN)[1]
        curve = score.reshape(LESION_REPEATS, len(F.FRACTIONS)).mean(axis=0)
        return F.curve_auc(curve), "ticks in band " + "→".join(f"{v:.2f}" for v in curve)

    def _self_organisation(self, arm):
        record = self.record(f"cold {arm}", initial_temperature=30.0, control=self._control(arm))
        result = F.dynamic_equilibrium(record["macro"], record["micro_change"])
        return result["index"], f"settling {result['settling']:.2f}, persistence {result['persistence']:.2f}"

    def _nonlinearity(self, arm):
        system = self.system() if arm == "system" else self.system(control="open_loop")
        return F.hive_superposition(system), ""

    def _emergence(self, arm):
        activity = self.record("system")["activity"]
        micro = np.column_stack([g.sum(axis=1) for g in np.array_split(activity, HIVE_GROUPS, axis=1)])
        micro = micro[:, np.ptp(micro, axis=0) > 0]
        if arm == "control":
            micro = micro[np.random.default_rng((self.seed, 13)).permutation(len(micro))]
        result = emergence(micro, micro.sum(axis=1))
        return result["psi_corrected"], (
            f"Ψ {result['psi']:.2f}, Δ {result['delta']:.3f}, Γ {result['gamma']:.3f} bits, {result['parts']} groups"
        )

    def _universality(self, arm):
        params = self.colony() if arm == "system" else self.colony(**UNIFORM)
        result = mean_field_ratio(params, seed=self.seed)
        return result["ratio"], f"gap {result['gap_small']:.3f} → {result['gap_large']:.3f} °C"
