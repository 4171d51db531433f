"""The scorecard: no row separates when its feature is absent from the system itself; its table and command."""

import numpy as np
import pandas as pd
import pytest

import scenarios
from model.measures import FEATURES, scorecard
from model.measures.protocol import ROWS
from model.measures.scorecard import COLUMNS, DEFAULT_PARAMS
from model.measures.statistics import compare
from scenarios.cli import main

ABSENT_SEEDS, ABSENT_STEPS = 6, 300


def test_six_seeds_a_side_can_separate():
    """So that 'not separated' at six seeds below is a finding: six against six can reach p < 0.01."""
    rng = np.random.default_rng(0)
    assert compare(rng.normal(4, 1, ABSENT_SEEDS), rng.normal(0, 1, ABSENT_SEEDS), resamples=999)["separated"]


def check_absent(card):
    assert card["feature"].tolist() == list(FEATURES)
    assert not card["separated"].any(), card.loc[card["separated"], ["feature", "system_seeds", "control_seeds"]]
    assert (card["n_system"] >= ABSENT_SEEDS - 1).sum() >= len(FEATURES) - 1, card[["feature", "detail"]]


@pytest.mark.slow
def test_no_network_row_separates_when_the_network_lacks_the_feature():
    """Each system arm replaced by the control on other seeds: bottlenecked, Langevin, frozen, shuffled labels,
    linear, time-shuffled and other-task networks against themselves."""
    check_absent(scorecard("network", seeds=ABSENT_SEEDS, steps=ABSENT_STEPS, absent=FEATURES, resamples=999))


@pytest.mark.slow
def test_no_hive_row_separates_when_the_colony_lacks_the_feature():
    """Thermostat, constant-weather, open-loop, time-shuffled and uniform colonies against themselves."""
    check_absent(scorecard("hive", seeds=ABSENT_SEEDS, steps=ABSENT_STEPS, absent=FEATURES, resamples=999))


@pytest.mark.slow
def test_a_colony_of_identical_bees_is_no_more_mean_field_than_its_uniform_control():
    uniform = {"patrilines": 1, "sigma_between": 0.0, "sigma_within": 0.0}
    card = scorecard(
        "hive", seeds=ABSENT_SEEDS, steps=ABSENT_STEPS, params=uniform, features=["universality"], resamples=999
    )
    assert not card["separated"].any()
    assert card.loc[0, "difference"] == 0.0  # the system is its own control here: the same colonies


def test_the_card_has_its_columns_a_per_seed_table_and_its_protocol():
    card = scorecard(
        "network", seeds=[3, 4], steps=200, features=["nonlinearity", "decentralised_control"], resamples=199
    )
    assert list(card.columns) == COLUMNS
    assert card["falsifiable"].str.len().min() > 40
    per_seed = card.attrs["per_seed"]
    assert len(per_seed) == 2 * 2 * 2 and set(per_seed["seed"]) == {3, 4}
    mine = per_seed[(per_seed["feature"] == "nonlinearity") & (per_seed["arm"] == "system")]["value"]
    assert card.loc[0, "system_mean"] == pytest.approx(mine.mean())
    assert card.attrs["protocol"]["steps"] == 200


def test_default_systems_are_the_scenarios_and_every_row_is_declared():
    assert DEFAULT_PARAMS["network"] == dict(scenarios.get("moons").params)
    assert DEFAULT_PARAMS["hive"] == dict(scenarios.get("hive-day").params)
    for rows in ROWS.values():
        assert [r.feature for r in rows] == list(FEATURES)
        assert all(r.design in ("minimal pair", "scaling curve", "surrogate") for r in rows)


def test_scorecard_refuses_bad_arguments():
    with pytest.raises(ValueError, match="network' or 'hive"):
        scorecard("ants")
    with pytest.raises(ValueError, match="at least 2"):
        scorecard("network", seeds=1)
    with pytest.raises(ValueError, match="steps"):
        scorecard("network", seeds=2, steps=50)
    with pytest.raises(ValueError, match="unknown feature"):
        scorecard("network", seeds=2, features=["beauty"])


@pytest.mark.slow
def test_command_line_prints_the_card_and_writes_the_per_seed_table(capsys, tmp_path):
    out = tmp_path / "card.csv"
    assert main(["scorecard", "network", "--seeds", "2", "--steps", "200", "--out", str(out), "--quiet"]) == 0
    printed = capsys.readouterr().out
    for feature in FEATURES:
        assert feature in printed
    assert "falsifiable:" in printed and "[95 % CI]" in printed
    table = pd.read_csv(out)
    assert len(table) == 2 * 2 * len(FEATURES) and {"feature", "arm", "seed", "value"} <= set(table.columns)
    assert main(["scorecard", "hive", "--seeds", "1", "--quiet"]) == 2
    assert main(["scorecard", "hive", "--scenario", "moons", "--quiet"]) == 2
    assert main(["scorecard", "network", "--out", str(out), "--quiet"]) == 2  # exists, no --force
