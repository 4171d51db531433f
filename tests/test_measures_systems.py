"""The protocol and its hooks on both models: recording leaves training alone; each hook does what it says."""

import numpy as np
import pytest

import scenarios
from agents.bee import IDLE
from model.hive import HiveModel
from model.measures import HiveSystem, NetworkSystem


def moons(seed=1, **overrides):
    return scenarios.get("moons").build(executor="vectorized", rng=seed, **overrides)


def test_recording_the_probe_does_not_change_the_training_trajectory():
    watched, alone = NetworkSystem(moons()), moons()
    record = watched.run(30).arrays()
    for _ in range(30):
        alone.step()
    assert np.array_equal(watched.model.params.weight, alone.params.weight)
    n = len(watched.agents)
    assert record["activity"].shape == record["incoming"].shape == (30, n)
    assert record["macro"].shape == record["influx"].shape == (30,)
    assert np.all(record["micro_change"] > 0) and watched.drift() > 0
    assert watched.signals_exchanged == 30 * 2 * watched.n_interactions * watched.model.batch_size


def test_network_hooks_freeze_close_clamp_silence_perturb():
    system = NetworkSystem(moons())
    before = system.parameters()
    system.freeze(True)
    system.run(5, light=True)
    assert np.array_equal(system.parameters(), before)  # lr 0: errors flow, weights ignore them
    system.freeze(False)
    system.close(True)
    record = system.run(5, light=True).arrays()
    assert np.all(record["influx"][-5:] == 0) and np.array_equal(system.parameters(), before)
    system.close(False)
    system.clamp(0.25)
    system.step()
    assert np.all(system.model.signals.error[-1, system.outputs] == 0.25)
    system.clamp(None)
    base = system.performance()["loss"]
    system.silence(range(len(system.units)))
    assert np.all(system.model.lesions[system.hidden])
    assert system.performance()["loss"] != base
    system.unsilence_all()
    system.perturb(0.1, rng=0)
    assert not np.array_equal(system.parameters(), before)


def test_silenced_bees_never_work_and_both_executors_agree():
    temps = {}
    for executor in ("agents", "vectorized"):
        hive = HiveModel(n_bees=60, executor=executor, rng=3)
        hive.silence(np.arange(30))
        for _ in range(300):
            hive.step()
            assert np.all(hive.states[:30] == IDLE)
        temps[executor] = hive.datacollector.model_vars["temperature"]
    assert temps["agents"] == temps["vectorized"]


def test_a_silenced_thermostat_decider_stops_the_whole_colony():
    for executor in ("agents", "vectorized"):
        hive = HiveModel(n_bees=50, control="thermostat", executor=executor, rng=1)
        hive.silence([hive.decider.index])
        for _ in range(200):
            hive.step()
            assert hive.n_fan == hive.n_heat == 0


def test_hive_clamp_and_freeze():
    hive = HiveModel(n_bees=50, executor="vectorized", rng=2)
    system = HiveSystem(hive, rng=2)
    system.clamp(33.0)
    system.run(20)
    assert hive.temperature == 33.0 and np.all(np.asarray(system.record.macro) == 33.0)
    assert hive.heating_fraction > 0.5  # the bees answer the held temperature
    system.clamp(None)
    system.freeze(True)
    system.step()
    assert hive.control == "open_loop" and hive.sensed == hive.schedule(hive.tick - 1)
    system.freeze(False)
    assert hive.control == "bees"
    with pytest.raises(ValueError, match="temperature"):
        hive.clamp(float("nan"))


def test_hive_system_rebuilds_the_same_colony_for_lesion_runs():
    hive = HiveModel(n_bees=40, executor="vectorized", rng=5)
    system = HiveSystem(hive, rng=5, run_ticks=200, burn_in=20)
    again = system.fresh()
    assert np.array_equal(again.theta_fan, hive.theta_fan)
    intact, broken = system.performance(), system.performance(silenced_units=range(len(system.units)))
    assert intact["loss"] < broken["loss"] and intact["score"] >= broken["score"]


def test_reporters_in_a_datacollector():
    import mesa

    from model.measures.reporters import every, hive_reporters, network_reporters

    model = moons()
    calls = []
    collector = mesa.DataCollector(
        model_reporters={**network_reporters(model), "costly": every(5, lambda m: calls.append(1) or len(calls))}
    )
    for _ in range(10):
        model.step()
        collector.collect(model)
    frame = collector.get_model_vars_dataframe()
    assert frame["signals_exchanged"].tolist() == [NetworkSystem(model).signals_per_step * k for k in range(1, 11)]
    assert frame["drift"].is_monotonic_increasing and (frame["influx"] > 0).all()
    assert frame["costly"].nunique() <= 3 and len(calls) <= 3  # computed every 5th call only
    counted = []
    reporter = every(4, lambda m: counted.append(1) or len(counted))
    assert [reporter(None) for _ in range(9)] == [1, 1, 1, 1, 2, 2, 2, 2, 3]
    hive = HiveModel(n_bees=30, executor="vectorized", rng=1)
    collector = mesa.DataCollector(model_reporters=hive_reporters(hive))
    hive.step()
    collector.collect(hive)
    assert collector.get_model_vars_dataframe()["signals_exchanged"].iloc[0] == 60
