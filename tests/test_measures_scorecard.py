"""Every feature separates each system from its control across seeds (the scorecard), and the command line."""

import numpy as np
import pytest

from model.measures import FEATURES, scorecard
from model.measures import features as F
from scenarios.cli import main

COLUMNS = ["feature", "measure", "system_value", "control", "control_value", "separated"]


@pytest.fixture(scope="module")
def network_card():
    return scorecard("network", seeds=3)


@pytest.fixture(scope="module")
def hive_card():
    return scorecard("hive", seeds=3)


def check_rows(card):
    assert list(card.columns[:6]) == COLUMNS
    assert card["feature"].tolist() == list(FEATURES)
    assert card[["system_value", "control_value"]].notna().all().all(), card["detail"].tolist()


@pytest.mark.slow
def test_every_feature_separates_the_network_from_its_control(network_card):
    check_rows(network_card)
    failed = network_card.loc[~network_card["separated"], ["feature", "system_seeds", "control_seeds"]]
    assert failed.empty, failed.to_string()


@pytest.mark.slow
def test_every_feature_separates_the_hive_from_its_control(hive_card):
    check_rows(hive_card)
    failed = hive_card.loc[~hive_card["separated"], ["feature", "system_seeds", "control_seeds"]]
    assert failed.empty, failed.to_string()


def test_hive_settling_alone_separates_diverse_from_uniform():
    from model.measures.scorecard import _hive

    for seed in (1, 2, 3):
        diverse = _hive(seed, initial_temperature=30.0).run(2000).arrays()
        uniform = _hive(seed, initial_temperature=30.0, patrilines=1, sigma_between=0.0, sigma_within=0.0).run(2000)
        uniform = uniform.arrays()
        s = F.dynamic_equilibrium(diverse["macro"], diverse["micro_change"])["settling"]
        u = F.dynamic_equilibrium(uniform["macro"], uniform["micro_change"])["settling"]
        assert s > u + 0.1


@pytest.mark.slow
def test_values_point_the_expected_way(network_card, hive_card):
    for card in (network_card, hive_card):
        row = card.set_index("feature")
        assert row.loc["openness", "control_value"] == 0.0  # closed: nothing enters
        assert row.loc["decentralised_control", "control_value"] > 0.4  # one unit holds much of the control
        assert row.loc["feedback", "control_value"] < 0.001  # the loop is cut
    hive = hive_card.set_index("feature")
    assert hive.loc["nonlinearity", "control_value"] < 1e-9  # bees that ignore T: T responds linearly
    assert np.isfinite(hive_card["system_value"]).all()


def test_scorecard_refuses_bad_arguments():
    with pytest.raises(ValueError, match="network' or 'hive"):
        scorecard("ants")
    with pytest.raises(ValueError, match="seeds"):
        scorecard("network", seeds=1)


@pytest.mark.slow
def test_command_line_prints_the_table(capsys):
    assert main(["scorecard", "network", "--seeds", "2", "--quiet"]) == 0
    out = capsys.readouterr().out
    for feature in FEATURES:
        assert feature in out
    assert "separated" in out
    assert main(["scorecard", "hive", "--seeds", "0", "--quiet"]) == 2
