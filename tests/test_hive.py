"""The hive's parts: bees, weather, the synchronous tick, the variants, validation, the scenarios."""

import inspect
import math

import numpy as np
import pytest

import model.hive as hive_module
import scenarios
from agents.bee import FAN, HEAT, IDLE, Bee
from agents.weather import Weather
from model import HiveModel
from scenarios import cli


def run(steps, **kwargs):
    """A HiveModel stepped `steps` times."""
    hive = HiveModel(**kwargs)
    for _ in range(steps):
        hive.step()
    return hive


def record(hive):
    return hive.datacollector.get_model_vars_dataframe()


# --- defaults and validation ---------------------------------------------------------------------------
def test_defaults_are_the_notes_table():
    defaults = {k: p.default for k, p in inspect.signature(HiveModel.__init__).parameters.items() if k != "self"}
    expected = dict(
        n_bees=300,
        patrilines=15,
        sigma_between=0.75,
        sigma_within=0.1,
        mu_heat=34.5,
        mu_fan=35.5,
        p_quit=0.2,
        sensing_delay=5,
        beta=0.0,
        lam=1 / 120,
        m0=0.05,
        h=0.25,
        c=0.15,
        dt=1.0,
        initial_temperature=35.0,
        outside_mean=25.0,
        outside_amplitude=8.0,
        day_length=1440.0,
        heat_wave=None,
        analyse_after=1440,
        rng=None,
    )
    for key, value in expected.items():
        assert defaults[key] == value, key
    hive = HiveModel(rng=0)
    assert hive.temperature == 35.0 and hive.outside == 25.0 and hive.n_alive == 300 and hive.running


BAD_INPUT = [
    ("n_bees", 0),
    ("n_bees", 2.5),
    ("n_bees", True),
    ("patrilines", 0),
    ("sigma_between", -0.1),
    ("sigma_within", -1.0),
    ("p_quit", -0.01),
    ("p_quit", 1.5),
    ("sensing_delay", -1),
    ("sensing_delay", 1.5),
    ("beta", -0.2),
    ("heat_wave", (3480, 240)),
    ("heat_wave", (3480, -1, 12)),
    ("heat_wave", "hot"),
    ("heat_wave", (-5, 240, 12)),
    ("cold_snap", (1, 2, 3, 4)),
    ("weather", "rainy"),
    ("control", "queen"),
    ("executor", "gpu"),
    ("remove_fraction", 1.2),
    ("remove_fraction", -0.5),
    ("remove_how", "oldest"),
    ("outside_series", [20.0, 21.0]),
    ("band", (36, 34)),
    ("dt", 0),
    ("c", -0.15),
    ("mu_fan", 34.0),
]


@pytest.mark.parametrize("name,value", BAD_INPUT)
def test_bad_input_names_the_parameter_before_any_bee_exists(name, value, monkeypatch):
    made = []
    monkeypatch.setattr(hive_module, "Bee", lambda *a, **k: made.append(a))
    with pytest.raises(ValueError, match=name):
        HiveModel(**{name: value}, rng=0)
    assert made == []


def test_series_weather_needs_a_series():
    with pytest.raises(ValueError, match="outside_series"):
        HiveModel(weather="series", rng=0)
    with pytest.raises(ValueError, match="outside_series"):
        HiveModel(weather="series", outside_series=[20.0, float("nan")], rng=0)


@pytest.mark.parametrize(
    "kwargs,name",
    [({"fraction": 1.5}, "fraction"), ({"fraction": -0.1}, "fraction"), ({"fraction": 0.5, "how": "oldest"}, "how")],
)
def test_bad_removal_names_the_parameter_and_removes_nobody(kwargs, name):
    hive = HiveModel(n_bees=100, rng=0)
    with pytest.raises(ValueError, match=name):
        hive.remove_bees(**kwargs)
    assert hive.n_alive == 100 and len(hive.bees) == 100


# --- the bee -----------------------------------------------------------------------------------------------
def lone_bee(state=IDLE, quit_draw=0.9, response_draw=0.5, beta=0.0):
    """A bee with thresholds 34.5 / 35.5 in a colony of one, with chosen draws for this tick."""
    hive = HiveModel(n_bees=1, sigma_between=0, sigma_within=0, rng=0)
    bee = hive.colony[0]
    bee.beta = beta
    hive.states[0] = state
    hive.chances[:, 0] = quit_draw, response_draw
    return bee


def test_bee_follows_the_threshold_rule():
    for sensed, expected in [(35.6, FAN), (34.4, HEAT), (35.0, IDLE), (35.5, IDLE), (34.5, IDLE)]:
        bee = lone_bee()
        bee.decide(sensed)
        assert bee.state == expected, sensed
    working = lone_bee(state=FAN, quit_draw=0.5)
    working.decide(35.0)
    assert working.state == FAN  # did not quit: keeps fanning whatever it senses
    quitting = lone_bee(state=FAN, quit_draw=0.1)
    quitting.decide(35.0)
    assert quitting.state == IDLE  # quit, and nothing calls it back
    still_hot = lone_bee(state=FAN, quit_draw=0.1)
    still_hot.decide(36.0)
    assert still_hot.state == FAN  # quit, and took the task up again on the same snapshot


def test_soft_response_is_logistic():
    bee = lone_bee(beta=0.5)
    assert bee.p_fan(35.5) == pytest.approx(0.5) and bee.p_heat(34.5) == pytest.approx(0.5)
    assert bee.p_fan(35.5 + 0.5 * math.log(3)) == pytest.approx(0.75)
    assert bee.p_fan(-1e6) == 0.0 and bee.p_heat(-1e6) == 1.0  # no overflow
    fans, heats = lone_bee(response_draw=0.2, beta=0.5), lone_bee(response_draw=0.9, beta=0.5)
    fans.decide(35.5)
    heats.decide(34.5)
    assert fans.state == FAN and heats.state == HEAT


def test_bee_is_a_view_and_reads_well():
    hive = HiveModel(n_bees=20, rng=3)
    bee = hive.colony[7]
    hive.states[7] = HEAT
    assert bee.state == HEAT
    bee.state = FAN
    assert hive.states[7] == FAN
    assert bee.theta_fan == hive.theta_fan[7] and bee.theta_heat == pytest.approx(bee.theta_fan - 1.0)
    assert repr(bee).startswith("Bee(") and "state=fan" in repr(bee)
    assert "T=35.00" in repr(hive) and "alive=20/20" in repr(hive)


def test_thresholds_by_patriline():
    hive = HiveModel(n_bees=3000, patrilines=15, sigma_between=0.75, sigma_within=0.1, rng=2)
    assert set(np.unique(hive.patriline)) == set(range(1, 16))
    assert np.allclose(hive.theta_fan - hive.theta_heat, 1.0)
    within = [np.std(hive.theta_fan[hive.patriline == j]) for j in range(1, 16)]
    means = [np.mean(hive.theta_fan[hive.patriline == j]) for j in range(1, 16)]
    assert np.mean(within) == pytest.approx(0.1, rel=0.15)
    assert 0.4 < np.std(means) < 1.2
    uniform = HiveModel(n_bees=50, sigma_between=0, sigma_within=0, rng=2)
    assert np.all(uniform.theta_fan == 35.5) and np.all(uniform.theta_heat == 34.5)


# --- the tick ---------------------------------------------------------------------------------------------
def test_all_bees_decide_on_the_same_delayed_snapshot(monkeypatch):
    calls = []
    original = Bee.decide

    def spy(bee, sensed):
        calls.append((bee.model.tick, sensed, bee.model.temperature))
        original(bee, sensed)

    monkeypatch.setattr(Bee, "decide", spy)
    hive = run(60, n_bees=30, sensing_delay=5, rng=4)
    temps = record(hive)["temperature"].to_numpy()
    assert len(calls) == 60 * 30
    for tick, sensed, now in calls:
        assert sensed == temps[max(tick - 5, 0)]
        assert now == temps[tick]  # no bee moved T during the decisions
    assert len({(t, s) for t, s, _ in calls}) == 60  # one snapshot per tick


def test_temperature_moves_once_by_the_heat_balance():
    hive = run(200, n_bees=100, rng=5)
    frame = record(hive)
    T, Ta = frame["temperature"].to_numpy(), frame["outside"].to_numpy()
    fan, heat, alive = frame["fanning"].to_numpy(), frame["heating"].to_numpy(), frame["alive"].to_numpy()
    f = alive / 100
    predicted = T[:-1] + (1 / 120) * (Ta[1:] - T[:-1]) + 0.05 * f[1:] + 0.25 * heat[1:] * f[1:] - 0.15 * fan[1:] * f[1:]
    assert np.allclose(T[1:], predicted, atol=1e-12)
    assert frame["in_band"].tolist() == [int(34 <= t <= 36) for t in T]
    assert list(frame.columns) == ["temperature", "outside", "fanning", "heating", "alive", "in_band"]


def test_same_seed_same_run_bit_for_bit():
    a, b, c = (record(run(300, n_bees=100, rng=s)) for s in (11, 11, 12))
    assert a.equals(b)
    assert not a.equals(c)


VARIANTS = [
    {},
    {"control": "thermostat"},
    {"control": "open_loop"},
    {"beta": 0.3},
    {"patrilines": 1},
    {"sensing_delay": 0, "sigma_between": 0, "sigma_within": 0},
    {"remove_fraction": 0.4, "remove_at": 100, "remove_how": "targeted"},
    {"remove_fraction": 0.3, "remove_at": 50, "control": "thermostat"},
    {"weather": "series", "outside_series": [30.0, 31.0, 32.0], "cold_snap": (100, 50, 8)},
]


@pytest.mark.parametrize("kwargs", VARIANTS)
def test_vectorized_path_gives_the_agents_trajectory(kwargs):
    agents = run(500, n_bees=100, rng=21, executor="agents", **kwargs)
    vector = run(500, n_bees=100, rng=21, executor="vectorized", **kwargs)
    assert record(agents).equals(record(vector))
    assert np.array_equal(agents.states, vector.states)
    assert [b.state for b in agents.colony] == [b.state for b in vector.colony]


@pytest.mark.slow
def test_vectorized_path_equals_agents_over_a_full_default_run():
    kwargs = dict(heat_wave=(3480, 240, 12), rng=8)
    assert record(run(4320, executor="agents", **kwargs)).equals(record(run(4320, executor="vectorized", **kwargs)))


# --- the weather ------------------------------------------------------------------------------------------
def test_weather_kinds_and_events():
    hive = HiveModel(n_bees=1, rng=0)
    daily = Weather(hive, heat_wave=(100, 20, 12.0), cold_snap=(500, 10, 5.0))
    assert daily.at(360) == pytest.approx(33.0) and daily.at(1080) == pytest.approx(17.0)
    assert daily.at(100) == pytest.approx(25 + 8 * math.sin(2 * math.pi * 100 / 1440) + 12)
    assert daily.at(120) == pytest.approx(daily.base(120))
    assert daily.at(505) == pytest.approx(daily.base(505) - 5)
    assert Weather(hive, kind="constant", mean=30).at(777) == 30
    series = Weather(hive, kind="series", series=[20, 22, 24])
    assert [series.at(t) for t in range(5)] == [20, 22, 24, 20, 22]
    hot = run(10, n_bees=10, heat_wave=(3, 4, 10.0), weather="constant", rng=0)
    assert record(hot)["outside"].tolist() == [25.0, 25, 25, 25, 35, 35, 35, 35, 25, 25, 25]


# --- removal ----------------------------------------------------------------------------------------------
def test_removal_random_and_targeted():
    hive = HiveModel(n_bees=200, rng=6)
    lowest = set(np.argsort(hive.theta_fan)[:50].tolist())
    assert hive.remove_bees(0.25, how="targeted") == 50
    gone = set(np.flatnonzero(~hive.alive).tolist())
    assert gone == lowest
    assert len(hive.bees) == 150 and all(b.index not in gone for b in hive.bees)
    assert hive.remove_bees(0.5, how="random") == 75 and hive.n_alive == 75
    assert hive.remove_bees(0.0) == 0
    hive.step()
    assert np.all(hive.states[~hive.alive] == IDLE)  # the dead do not work


def test_scheduled_removal_removes_capacity():
    full = run(300, n_bees=100, weather="constant", outside_mean=15.0, rng=9)
    half = run(300, n_bees=100, weather="constant", outside_mean=15.0, remove_fraction=0.5, remove_at=100, rng=9)
    frame = record(half)
    assert frame["alive"].iloc[100] == 100 and frame["alive"].iloc[101] == 50
    # on a cold day the half colony cannot make enough heat: all survivors heat and T still falls
    assert half.temperature < full.temperature - 1.0
    assert frame["heating"].iloc[250:].mean() > 0.9


# --- central control and open loop ---------------------------------------------------------------------------
def test_thermostat_one_bee_decides_for_all(monkeypatch):
    calls = []
    original = Bee.decide
    monkeypatch.setattr(Bee, "decide", lambda bee, sensed: (calls.append(bee), original(bee, sensed)))
    hive = run(400, n_bees=50, control="thermostat", rng=10)
    assert len(calls) == 400 and {b.unique_id for b in calls} == {hive.decider.unique_id}
    assert hive.decider.theta_fan == np.sort(hive.theta_fan)[24]  # the median bee
    frame = record(hive)
    assert set(frame["fanning"]) <= {0.0, 1.0} and set(frame["heating"]) <= {0.0, 1.0}
    assert frame["fanning"].max() == 1.0 and frame["heating"].max() == 1.0


def test_open_loop_bees_ignore_the_hive_temperature():
    kwargs = dict(n_bees=100, control="open_loop", rng=12)
    calm = record(run(1500, **kwargs))
    shocked = record(run(1500, initial_temperature=40.0, heat_wave=(600, 300, 15), **kwargs))
    assert not np.allclose(calm["temperature"], shocked["temperature"])
    assert calm["fanning"].equals(shocked["fanning"]) and calm["heating"].equals(shocked["heating"])
    closed = dict(n_bees=100, rng=12)
    assert not record(run(1500, **closed))["fanning"].equals(
        record(run(1500, initial_temperature=40.0, heat_wave=(600, 300, 15), **closed))["fanning"]
    )


# --- summary, scenarios and the command line ------------------------------------------------------------------
def test_summary_reads_the_analysed_window():
    hive = run(2000, n_bees=100, rng=13, executor="vectorized")
    s = hive.summary()
    temps = record(hive)["temperature"].to_numpy()[1441:]
    assert s["mean_T"] == pytest.approx(temps.mean()) and s["sd_T"] == pytest.approx(temps.std())
    assert s["ticks"] == 2000 and s["alive"] == 100 and 0 <= s["in_band"] <= 1
    assert all(isinstance(v, float) for v in s.values())
    short = run(50, n_bees=10, rng=13).summary()
    assert short["window_start"] == 1 and math.isfinite(short["sd_T"])


HIVE_SCENARIOS = [
    "hive-day",
    "hive-heatwave",
    "hive-diversity",
    "hive-removal",
    "hive-delay",
    "hive-thermostat",
    "hive-open-loop",
]


@pytest.mark.parametrize("name", HIVE_SCENARIOS)
def test_scenarios_are_registered_and_explained(name):
    scenario = scenarios.get(name)
    assert scenario.system == "hive" and scenario.steps == 4320
    hive = scenario.build(rng=1, executor="vectorized")
    assert isinstance(hive, HiveModel)
    for _ in range(30):
        hive.step()
    info = scenario.info
    for section in (
        info.what_is_it,
        info.how_it_works,
        info.how_to_use_it,
        info.things_to_notice,
        info.things_to_try,
        info.credits_and_references,
    ):
        assert len(section) > 150
    assert "reconstruction" in info.how_it_works and "calibrated" in info.how_it_works


def test_scenario_params_as_specified():
    get = lambda n: dict(scenarios.get(n).params)  # noqa: E731
    assert get("hive-diversity")["patrilines"] == 1 and get("hive-day")["patrilines"] == 15
    assert get("hive-heatwave")["heat_wave"] == (3480, 240, 12.0)
    assert get("hive-delay")["sigma_between"] == 0 and get("hive-delay")["sigma_within"] == 0
    assert get("hive-thermostat")["control"] == "thermostat" and get("hive-open-loop")["control"] == "open_loop"
    assert get("hive-removal")["remove_fraction"] > 0


def test_command_line_runs_a_hive_scenario(tmp_path, capsys):
    out = tmp_path / "run.csv"
    code = cli.main(
        ["run", "hive-heatwave", "--steps", "40", "--rng", "3", "--quiet", "--out", str(out), "--set", "n_bees=50"]
    )
    assert code == 0
    printed = capsys.readouterr().out
    assert "sd_T" in printed and "in_band" in printed
    lines = out.read_text().splitlines()
    assert len(lines) == 42 and "temperature,outside,fanning,heating,alive,in_band" in lines[0]


def test_a_heat_wave_started_now_heats_the_outside_from_this_tick():
    hive = HiveModel(n_bees=100, weather="constant", rng=1)
    for _ in range(10):
        hive.step()
    hive.start_heat_wave(5, 12.0)
    outside = []
    for _ in range(8):
        hive.step()
        outside.append(hive.outside)
    assert outside[:5] == [outside[0]] * 5 and outside[0] - outside[-1] == pytest.approx(12.0)
    with pytest.raises(ValueError, match="heat wave"):
        hive.start_heat_wave(-1, 3.0)
