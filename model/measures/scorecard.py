"""The scorecard: every feature measured on a system and on a control built to lack it, over several seeds.

| feature | measure | control (network) | control (hive) | separated when |
|---|---|---|---|---|
| numerosity | effective number of contributors N_eff | three-neuron network (2 in, 1 out) | three-bee colony | system > control |
| decentralised_control | largest unit's share of leave-one-out importance | three-neuron network (one unit) | thermostat hive (one decider) | system < control |
| openness | energy influx per step | closed (influx off) | insulated (λ = 0) | system > control |
| feedback | loop: weaker leg of TE(incoming→activity), TE(activity→incoming), bits above the shuffle null | frozen learning: lr 0, weights jittered as much as training moves them | open-loop hive (bees follow a plan) | system > control |
| robustness | area under the targeted lesion curve (most important units first; the random-order area is in `detail`) | three-neuron network | thermostat hive | system > control |
| self_organisation | dynamic-equilibrium index S·P (macro settles, micro goes on) | frozen learning with jitter | thermostat hive: order imposed by one decider, not organised by the many (both from 30 °C; the uniform hive's value, which does not separate, is in `detail`) | system > control |
| nonlinearity | network: linearisation error of the logits against the tangent model at θ0; hive: superposition error | identity activations | open-loop hive | system > control |
| emergence | network: CKA between seeds' hidden representations (universality); hive: mean-field gap of a 10-bee colony ÷ that of a 300-bee one (the macro law takes over with size) | CKA between a trained network and another seed's untrained one (untrained nets on 2-D inputs already look alike, so this is the baseline) | uniform hive | system > control |

Rule: with S seeds, `separated` is True when every seed's system value lies strictly beyond every seed's control
value in the stated direction (the ranges do not overlap); a NaN on either side (the measure could not be
computed: the reason is in `detail`) gives False. For the network's emergence row the values are per pair of
seeds. The system runs are the scenarios "moons" (network, 2000 steps) and "hive-day" (hive, 2000 ticks), on
the vectorised executors. The ladder of features, measures and controls is model/measures/ladder.py.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pandas as pd

from model.measures import features as F
from model.measures.ladder import CONTROLS, FEATURES, LOWER_IS_SYSTEM, MEASURES  # noqa: F401 - FEATURES re-exported
from model.measures.series import MeasureError
from model.measures.systems import HiveSystem, NetworkSystem

NETWORK_SCENARIO, HIVE_SCENARIO = "moons", "hive-day"
STEPS = 2000
HIVE_GROUPS = 4  # the coarse-graining for Ψ (reported in the detail): the colony in 4 groups of bees
HIVE_LAGS = tuple(range(1, 9))
WATCHED = 20  # bees whose transfer entropy is computed: the most active ones, by the same rule in every colony  # a bee's heat reaches the sensed temperature after 1 + sensing_delay ticks


def _network(seed, **overrides):
    import scenarios

    scenario = scenarios.get(NETWORK_SCENARIO)
    return scenario.build(**scenario.parameters(**{"executor": "vectorized", "rng": seed, **overrides}))


def _hive_params(**overrides):
    import scenarios

    params = dict(scenarios.get(HIVE_SCENARIO).params)
    params.update(executor="vectorized", **overrides)
    return params


def _hive(seed, **overrides):
    from model.hive import HiveModel

    params = _hive_params(**overrides)
    return HiveSystem(
        HiveModel(**params, rng=seed), params={k: v for k, v in params.items() if k != "executor"}, rng=seed
    )


def _safe(function: Callable, *args, **kwargs):
    """(value, reason): the value, or NaN and the MeasureError's message."""
    try:
        return function(*args, **kwargs), ""
    except MeasureError as error:
        return math.nan, str(error)


def network_values(seed: int, steps: int = STEPS) -> dict:
    """{feature: (system value, control value, detail)} for one seed of the network, and the representations."""
    from model.architectures import layered

    system = NetworkSystem(_network(seed))
    record = system.run(steps).arrays()
    tiny = NetworkSystem(_network(seed, graph=layered([2, 1])))
    tiny.run(steps, record=False)
    closed = NetworkSystem(_network(seed, influx=False))
    closed_record = closed.run(steps, light=True).arrays()
    frozen = NetworkSystem(_network(seed))
    frozen.freeze(True, jitter=float(record["micro_change"].mean()) / math.sqrt(len(system.theta0)))
    frozen_record = frozen.run(steps).arrays()
    linear = NetworkSystem(_network(seed, activation="identity"))
    linear.run(steps, record=False)

    out = {}
    ledger, reason = _safe(F.numerosity, system)
    tiny_ledger, reason2 = _safe(F.numerosity, tiny)
    out["numerosity"] = (
        _get(ledger, "n_eff"),
        _get(tiny_ledger, "n_eff"),
        reason or reason2,
        _ledger_text(ledger, tiny_ledger),
    )
    control, reason = _safe(F.decentralised_control, system)
    tiny_control, reason2 = _safe(F.decentralised_control, tiny)
    out["decentralised_control"] = (
        _get(control, "top_share"),
        _get(tiny_control, "top_share"),
        reason or reason2,
        f"Gini {_get(control, 'gini'):.2f} over {len(system.units)} hidden neurons",
    )
    open_, reason = _safe(F.openness, record, system)
    shut, reason2 = _safe(F.openness, closed_record, closed)
    out["openness"] = (
        _get(open_, "influx"),
        _get(shut, "influx"),
        reason or reason2,
        f"drift {_get(open_, 'drift'):.2f} vs {_get(shut, 'drift'):.2f} closed; micro change/step "
        f"{_get(open_, 'micro_change'):.3g} vs {_get(shut, 'micro_change'):.3g}",
    )
    loop, reason = _safe(F.feedback, record["activity"], record["incoming"], rng=seed)
    cut, reason2 = _safe(F.feedback, frozen_record["activity"], frozen_record["incoming"], rng=seed)
    out["feedback"] = (_get(loop, "loop"), _get(cut, "loop"), reason or reason2, _feedback_text(loop, cut))
    robust, reason = _safe(F.robustness, system, rng=seed)
    fragile, reason2 = _safe(F.robustness, tiny, rng=seed)
    out["robustness"] = (
        _get(robust, "auc_targeted"),
        _get(fragile, "auc_targeted"),
        reason or reason2,
        f"random-order AUC {_get(robust, 'auc_random'):.2f} vs {_get(fragile, 'auc_random'):.2f}",
    )
    settle, reason = _safe(F.dynamic_equilibrium, record["macro"], record["micro_change"])
    still, reason2 = _safe(F.dynamic_equilibrium, frozen_record["macro"], frozen_record["micro_change"])
    pr, _ = _safe(F.participation_over_time, record["activity"])
    out["self_organisation"] = (
        _get(settle, "index"),
        _get(still, "index"),
        reason or reason2,
        _settle_text(settle, still, pr),
    )
    bend, reason = _safe(F.network_linearisation, system)
    flat, reason2 = _safe(F.network_linearisation, linear)
    out["nonlinearity"] = (bend, flat, reason or reason2, "")
    shared = _shared_probe()  # the same inputs for every seed: CKA compares representations of the same examples
    trained = system.representation(shared)
    theta = system.parameters()
    system.set_parameters(system.theta0)
    untrained = system.representation(shared)
    system.set_parameters(theta)
    return out, trained, untrained


def hive_values(seed: int, steps: int = STEPS) -> dict:
    """{feature: (system value, control value, detail)} for one seed of the hive."""
    system = _hive(seed)
    record = system.run(steps).arrays()
    few = _hive(seed, n_bees=3)
    thermostat = _hive(seed, control="thermostat")
    thermostat_record = thermostat.run(steps).arrays()
    insulated = _hive(seed)
    insulated.close()
    insulated_record = insulated.run(steps, light=True).arrays()
    open_loop = _hive(seed, control="open_loop")
    open_record = open_loop.run(steps).arrays()
    cold = _hive(seed, initial_temperature=30.0)
    cold_record = cold.run(steps).arrays()
    uniform = _hive(seed, initial_temperature=30.0, patrilines=1, sigma_between=0.0, sigma_within=0.0)
    uniform_record = uniform.run(steps).arrays()

    out = {}
    ledger, reason = _safe(F.numerosity, system)
    few_ledger, reason2 = _safe(F.numerosity, few)
    out["numerosity"] = (
        _get(ledger, "n_eff"),
        _get(few_ledger, "n_eff"),
        reason or reason2,
        _ledger_text(ledger, few_ledger),
    )
    control, reason = _safe(F.decentralised_control, system)
    central, reason2 = _safe(F.decentralised_control, thermostat)
    out["decentralised_control"] = (
        _get(control, "top_share"),
        _get(central, "top_share"),
        reason or reason2,
        f"Gini {_get(control, 'gini'):.2f} vs {_get(central, 'gini'):.2f}; {len(system.units)} groups of bees",
    )
    open_, reason = _safe(F.openness, record, system)
    shut, reason2 = _safe(F.openness, insulated_record, insulated)
    out["openness"] = (
        _get(open_, "influx"),
        _get(shut, "influx"),
        reason or reason2,
        f"bee-state change/tick {_get(open_, 'micro_change'):.3g} vs {_get(shut, 'micro_change'):.3g} "
        "insulated (thresholds never drift)",
    )
    loop, reason = _safe(
        F.feedback,
        record["activity"],
        record["incoming"],
        lags=HIVE_LAGS,
        agents=F.most_active(record["activity"], WATCHED),
        rng=seed,
    )
    cut, reason2 = _safe(
        F.feedback,
        open_record["activity"],
        open_record["incoming"],
        lags=HIVE_LAGS,
        agents=F.most_active(open_record["activity"], WATCHED),
        rng=seed,
    )
    out["feedback"] = (_get(loop, "loop"), _get(cut, "loop"), reason or reason2, _feedback_text(loop, cut))
    robust, reason = _safe(F.robustness, system, rng=seed)
    fragile, reason2 = _safe(F.robustness, thermostat, rng=seed)
    out["robustness"] = (
        _get(robust, "auc_targeted"),
        _get(fragile, "auc_targeted"),
        reason or reason2,
        f"random-order AUC {_get(robust, 'auc_random'):.2f} vs {_get(fragile, 'auc_random'):.2f}",
    )
    # Self-organisation is order that no organiser imposes: its control is the colony run by one decider. The
    # uniform colony organises itself too (less steadily); its index is reported, not used as the control.
    cold_thermostat = _hive(seed, initial_temperature=30.0, control="thermostat").run(steps).arrays()
    settle, reason = _safe(F.dynamic_equilibrium, cold_record["macro"], cold_record["micro_change"])
    still, reason2 = _safe(F.dynamic_equilibrium, cold_thermostat["macro"], cold_thermostat["micro_change"])
    same, _ = _safe(F.dynamic_equilibrium, uniform_record["macro"], uniform_record["micro_change"])
    pr, _ = _safe(F.participation_over_time, cold_record["activity"])
    out["self_organisation"] = (
        _get(settle, "index"),
        _get(still, "index"),
        reason or reason2,
        _settle_text(settle, still, pr) + f"; uniform hive {_get(same, 'index'):.2f}; all start at 30 °C",
    )
    bend, reason = _safe(F.hive_superposition, system)
    flat, reason2 = _safe(F.hive_superposition, open_loop)
    out["nonlinearity"] = (bend, flat, reason or reason2, "warm spells of +3 and +3 °C vs +6 °C")
    field, reason = _safe(F.mean_field_ratio, system.params, seed=seed)
    field_u, reason2 = _safe(F.mean_field_ratio, {**uniform.params, "initial_temperature": 35.0}, seed=seed)
    psi, _ = _safe(F.psi_test, _groups(record["activity"]), record["activity"].sum(axis=1), rng=seed)
    psi_c, _ = _safe(
        F.psi_test, _groups(thermostat_record["activity"]), thermostat_record["activity"].sum(axis=1), rng=seed
    )
    out["emergence"] = (
        _get(field, "ratio"),
        _get(field_u, "ratio"),
        reason or reason2,
        f"mean-field gap {_get(field, 'gap_small'):.3f} → {_get(field, 'gap_large'):.3f} °C (10 → 300 "
        f"bees) vs {_get(field_u, 'gap_small'):.3f} → {_get(field_u, 'gap_large'):.3f}; Ψ of "
        f"{HIVE_GROUPS} bee groups → colony heat {_get(psi, 'psi'):.2f} bits (null "
        f"{_get(psi, 'null_mean'):.3f}; thermostat {_get(psi_c, 'psi'):.2f}): no causal emergence "
        "at this coarse-graining",
    )
    return out


def _shared_probe(n: int = 64) -> np.ndarray:
    """A fixed probe of inputs for comparing networks across seeds: the test inputs of the seed-0 data set."""
    return np.asarray(_network(0).data.x_test[:n], dtype=float)


def _groups(activity: np.ndarray) -> np.ndarray:
    """The coarse-graining for Ψ: each group's net heat (sum of its bees' activity) per tick."""
    return np.column_stack([chunk.sum(axis=1) for chunk in np.array_split(activity, HIVE_GROUPS, axis=1)])


def _get(result, key) -> float:
    return float(result.get(key, math.nan)) if isinstance(result, dict) else math.nan


def _ledger_text(system, control) -> str:
    if not isinstance(system, dict):
        return ""
    return (
        f"{system['elements']} elements, {system['interactions']} interactions, {system['signals_exchanged']:.3g} "
        f"signals exchanged, N_eff over {system['units']} units; control: {_get(control, 'elements'):.0f} elements"
    )


def _feedback_text(system, control) -> str:
    return (
        f"TE in→act {_get(system, 'feedback_leg'):.4f}, act→in {_get(system, 'forward_leg'):.4f} bits above null "
        f"({_get(system, 'significant'):.0%} of agents significant) vs {_get(control, 'feedback_leg'):.4f}, "
        f"{_get(control, 'forward_leg'):.4f} ({_get(control, 'significant'):.0%})"
    )


def _settle_text(system, control, pr) -> str:
    text = (
        f"settling {_get(system, 'settling'):.2f}, persistence {_get(system, 'persistence'):.2f} vs "
        f"{_get(control, 'settling'):.2f}, {_get(control, 'persistence'):.2f}"
    )
    if isinstance(pr, list):
        text += "; PR over time " + "→".join(f"{v:.1f}" for v in pr)
    return text


def separated(system_values, control_values, feature: str) -> bool:
    """The rule of the module docstring: the seed ranges do not overlap, in the feature's direction."""
    s, c = np.asarray(system_values, dtype=float), np.asarray(control_values, dtype=float)
    if len(s) == 0 or len(c) == 0 or np.isnan(s).any() or np.isnan(c).any():
        return False
    if feature in LOWER_IS_SYSTEM:
        return bool(s.max() < c.min())
    return bool(s.min() > c.max())


def scorecard(system: str = "network", seeds: int | list[int] = 3, steps: int = STEPS, progress=None) -> pd.DataFrame:
    """One row per feature: feature, measure, system_value, control, control_value, separated (+ per-seed values, detail).

    system_value and control_value are means over the seeds (the network's emergence row: over pairs of seeds).
    """
    if system not in CONTROLS:
        raise ValueError(f"system must be 'network' or 'hive', not {system!r}")
    seed_list = list(range(1, seeds + 1)) if isinstance(seeds, int) else list(seeds)
    if isinstance(seeds, int) and seeds < 1 or not seed_list:
        raise ValueError(f"seeds must be >= 1, got {seeds!r}")
    if system == "network" and len(seed_list) < 2:
        raise ValueError("the network's emergence row compares seeds: give seeds >= 2")
    per_seed, trained, untrained = [], [], []
    for seed in seed_list:
        if system == "network":
            values, rep, rep0 = network_values(seed, steps)
            trained.append(rep)
            untrained.append(rep0)
        else:
            values = hive_values(seed, steps)
        per_seed.append(values)
        if progress is not None:
            progress.update()
    rows = []
    for feature in FEATURES:
        if feature == "emergence" and system == "network":
            pairs = [(i, j) for i in range(len(seed_list)) for j in range(i + 1, len(seed_list))]
            sys_values = [_safe(F.linear_cka, trained[i], trained[j])[0] for i, j in pairs]
            ctl_values = [
                (_safe(F.linear_cka, trained[i], untrained[j])[0] + _safe(F.linear_cka, trained[j], untrained[i])[0])
                / 2
                for i, j in pairs
            ]
            reason, detail = (
                "",
                f"hidden representations on a {trained[0].shape[0]}-example probe, {len(pairs)} seed pairs",
            )
        else:
            sys_values = [v[feature][0] for v in per_seed]
            ctl_values = [v[feature][1] for v in per_seed]
            reason = next((v[feature][2] for v in per_seed if v[feature][2]), "")
            detail = per_seed[0][feature][3]
        rows.append(
            {
                "feature": feature,
                "measure": MEASURES[system][feature],
                "system_value": float(np.mean(sys_values)),
                "control": CONTROLS[system][feature],
                "control_value": float(np.mean(ctl_values)),
                "separated": separated(sys_values, ctl_values, feature),
                "system_seeds": [round(v, 4) for v in sys_values],
                "control_seeds": [round(v, 4) for v in ctl_values],
                "detail": (f"NaN: {reason}. " if reason else "") + detail,
            }
        )
    return pd.DataFrame(rows)
