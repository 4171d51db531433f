"""The results the hive must show (model/hive.py), at its default settings, with fixed seeds.

These runs use the vectorised executor, whose trajectories equal the agents' (tests/test_hive.py).
"""

import numpy as np
import pytest

from model import HiveModel

pytestmark = pytest.mark.slow  # each result needs days of simulated colony

SEEDS = range(10)
TICKS = 4320
HEAT_WAVE = (3480, 240, 12)


def run(steps=TICKS, **kwargs):
    hive = HiveModel(executor="vectorized", **kwargs)
    for _ in range(steps):
        hive.step()
    return hive


def window(hive, column):
    """A recorded column over the analysed window (after the first day)."""
    return hive.datacollector.get_model_vars_dataframe()[column].to_numpy()[hive.analyse_after + 1 :]


def mean_of(summaries, key):
    return float(np.mean([s[key] for s in summaries]))


@pytest.fixture(scope="module")
def arms():
    """Diverse (15 patrilines) and single-patriline colonies, 10 seeds each, normal weather and heat wave."""
    return {
        (k, wave): [run(patrilines=k, heat_wave=wave, rng=seed).summary() for seed in SEEDS]
        for k in (15, 1)
        for wave in (None, HEAT_WAVE)
    }


def test_diversity_promotes_stability(arms):
    diverse, single = arms[(15, None)], arms[(1, None)]
    sd_ratio = mean_of(diverse, "sd_T") / mean_of(single, "sd_T")
    fast_ratio = mean_of(diverse, "sd_T_fast") / mean_of(single, "sd_T_fast")
    assert sd_ratio <= 0.75
    assert fast_ratio <= 0.25 and fast_ratio < sd_ratio / 2  # the high-frequency part shrinks far more
    assert mean_of(diverse, "in_band") >= 0.95
    assert mean_of(single, "in_band") < 0.9


def test_no_excessive_colony_response_in_a_heat_wave(arms):
    diverse, single = arms[(15, HEAT_WAVE)], arms[(1, HEAT_WAVE)]
    assert all(s["max_fanning"] < 0.95 for s in diverse)
    assert mean_of(diverse, "max_fanning_jump") <= 0.5 * mean_of(single, "max_fanning_jump")
    # the uniform colony does recruit (nearly) everyone at once: the test could fail
    assert mean_of(single, "max_fanning") >= 0.95
    assert mean_of(diverse, "in_band") >= 0.95


def test_heat_wave_is_answered_and_recovered():
    calm, hot = run(rng=4), run(rng=4, heat_wave=HEAT_WAVE)
    fan_calm, fan_hot = (h.datacollector.get_model_vars_dataframe()["fanning"].to_numpy() for h in (calm, hot))
    during = slice(3500, 3720)
    assert fan_hot[during].mean() > fan_calm[during].mean() + 0.2  # the colony answers with more fanners
    assert np.array_equal(fan_hot[:3481], fan_calm[:3481])  # identical until the wave arrives
    temps = hot.datacollector.get_model_vars_dataframe()["temperature"].to_numpy()
    assert (
        np.abs(temps[3900:] - calm.datacollector.get_model_vars_dataframe()["temperature"].to_numpy()[3900:]).max()
        < 0.5
    )


@pytest.mark.parametrize("outside_mean,removed", [(30.0, 0.0), (33.0, 0.0), (31.0, 0.3), (28.0, 0.5)])
def test_energy_balance_identity(outside_mean, removed):
    hive = run(weather="constant", outside_mean=outside_mean, remove_fraction=removed, remove_at=0, rng=17)
    T, fan, heat = window(hive, "temperature"), window(hive, "fanning"), window(hive, "heating")
    f = hive.n_alive / hive.n_bees
    predicted = (hive.lam * (outside_mean - T.mean()) + hive.m0 * f + hive.h * heat.mean() * f) / (hive.c * f)
    assert fan.mean() > 0.05
    assert predicted == pytest.approx(fan.mean(), rel=0.02)


REMOVED = (0.0, 0.25, 0.5, 0.75, 0.9)


@pytest.fixture(scope="module")
def removal_curve():
    return {
        fraction: [run(remove_fraction=fraction, remove_at=1440, rng=seed).summary() for seed in range(5)]
        for fraction in REMOVED
    }


def test_graceful_degradation_then_failure(removal_curve):
    in_band = [mean_of(removal_curve[f], "in_band") for f in REMOVED]
    sd = [mean_of(removal_curve[f], "sd_T") for f in REMOVED]
    assert all(a >= b for a, b in zip(in_band, in_band[1:]))  # never better with fewer bees
    assert all(a <= b for a, b in zip(sd, sd[1:]))
    assert in_band[0] >= 0.95 and in_band[1] >= 0.95  # a quarter gone: still regulated
    assert 0.5 < in_band[2] < 0.95  # half gone: degraded, not broken
    assert in_band[3] < 0.5 and in_band[4] < 0.3  # three quarters gone: regulation fails
    assert all(s["alive"] == round(300 * (1 - 0.9)) for s in removal_curve[0.9])


def test_targeted_removal_takes_the_eager_fanners():
    random, targeted = run(remove_fraction=0.5, rng=3), run(remove_fraction=0.5, remove_how="targeted", rng=3)
    survivors = lambda h: h.theta_fan[h.alive]  # noqa: E731
    assert survivors(targeted).min() >= np.median(targeted.theta_fan) - 1e-12
    assert survivors(targeted).mean() > survivors(random).mean() + 0.3


def uniform(delay, seed):
    return run(n_bees=100, sigma_between=0.0, sigma_within=0.0, sensing_delay=delay, rng=seed)


def overshoot(hive):
    """How far T went beyond the (common) thresholds in the analysed window."""
    T = window(hive, "temperature")
    return max(T.max() - hive.theta_fan[0], hive.theta_heat[0] - T.min())


def test_delay_makes_a_uniform_colony_oscillate():
    for seed in range(3):
        steady, late = uniform(0, seed), uniform(5, seed)
        s0, s5 = steady.summary(), late.summary()
        assert overshoot(steady) < 0.15 and s0["in_band"] == 1.0
        assert s0["task_swings"] <= 6  # only the daily switch between heating nights and fanning afternoons
        assert overshoot(late) > 0.5 and s5["in_band"] < 0.95
        assert s5["task_swings"] >= 50  # a limit cycle: mass fanning and mass heating, over and over
        assert s5["sd_T_fast"] > 3 * s0["sd_T_fast"]


def test_with_no_delay_a_tiny_spread_is_enough():
    spread = [run(sigma_between=0.0, sigma_within=0.05, sensing_delay=0, rng=s).summary() for s in range(3)]
    none = [run(sigma_between=0.0, sigma_within=0.0, sensing_delay=0, rng=s).summary() for s in range(3)]
    assert mean_of(spread, "sd_T_fast") < 0.25 * mean_of(none, "sd_T_fast")


def test_central_control_and_open_loop_behave_as_named(arms):
    bees = arms[(15, None)]
    thermostat = [run(control="thermostat", rng=s).summary() for s in range(3)]
    assert all(s["max_fanning_jump"] == 1.0 for s in thermostat)  # all or nothing
    assert mean_of(thermostat, "sd_T") > 2 * mean_of(bees, "sd_T")
    assert mean_of(thermostat, "in_band") < mean_of(bees, "in_band") - 0.1
    planned_day = [run(control="open_loop", rng=s).summary() for s in range(3)]
    planned_wave = [run(control="open_loop", heat_wave=HEAT_WAVE, rng=s).summary() for s in range(3)]
    assert mean_of(planned_day, "in_band") == 1.0  # the plan works when the day is as forecast
    assert min(s["max_T"] for s in planned_wave) > 40.0  # and fails when it is not
    assert max(s["max_T"] for s in arms[(15, HEAT_WAVE)]) < 37.0  # where feedback holds
    for day, wave in zip(planned_day, planned_wave):
        assert day["mean_fanning"] == wave["mean_fanning"]  # the bees did not notice the wave
