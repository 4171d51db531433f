"""The scorecard's feature ladder, written once: for each feature of Ladyman & Wiesner, What Is a Complex
System? (2020), what is measured and the control built to lack it, for the network and for the hive, and
which way the system must lie from its control (model/measures/scorecard.py reads it).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rung:
    """One feature: (measure, control) on each system, and whether the system's value is the higher one."""

    feature: str
    network: tuple[str, str]
    hive: tuple[str, str]
    higher: bool = True  # separated when every system seed lies above every control seed (else below)


LADDER = (
    Rung("numerosity",
         ("N_eff (leave-one-out)", "three-neuron network"),
         ("N_eff (leave-one-out)", "three-bee colony")),
    Rung("decentralised_control",
         ("top unit's share of importance", "three-neuron network"),
         ("top unit's share of importance", "thermostat hive"), higher=False),
    Rung("openness",
         ("influx per step (input + error power)", "closed (influx off)"),
         ("influx per tick |λ(T_a − T)| (°C)", "insulated hive (λ = 0)")),
    Rung("feedback",
         ("TE loop above null (bits)", "frozen learning (lr 0, matched jitter)"),
         ("TE loop above null (bits)", "open-loop hive")),
    Rung("robustness",
         ("AUC, targeted lesions", "three-neuron network"),
         ("AUC, targeted lesions", "thermostat hive")),
    Rung("self_organisation",
         ("dynamic equilibrium S·P", "frozen learning (lr 0, matched jitter)"),
         ("dynamic equilibrium S·P", "thermostat hive (one decider)")),
    Rung("nonlinearity",
         ("linearisation error ε_lin", "identity activations"),
         ("superposition error", "open-loop hive")),
    Rung("emergence",
         ("CKA across seeds", "trained vs untrained (CKA)"),
         ("mean-field gap ratio, 10 → 300 bees", "uniform hive")),
)  # fmt: skip

FEATURES = tuple(rung.feature for rung in LADDER)
MEASURES = {system: {r.feature: getattr(r, system)[0] for r in LADDER} for system in ("network", "hive")}
CONTROLS = {system: {r.feature: getattr(r, system)[1] for r in LADDER} for system in ("network", "hive")}
LOWER_IS_SYSTEM = {r.feature for r in LADDER if not r.higher}
