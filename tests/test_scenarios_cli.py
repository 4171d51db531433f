"""Every scenario builds and runs; the command line runs them, writes results and refuses bad input."""

import pandas as pd
import pytest

import scenarios
from model import NetworkModel
from scenarios.cli import main

NETWORK_SCENARIOS = [name for name, s in scenarios.SCENARIOS.items() if s.system == "network"]
REQUIRED = {"xor", "moons", "spirals", "digits", "recurrent-sequence", "closed-system", "drift"}


def test_the_required_scenarios_are_registered_with_full_explanations():
    assert REQUIRED <= set(NETWORK_SCENARIOS)
    for scenario in scenarios.SCENARIOS.values():
        info = scenario.info
        for section in ("what_is_it", "how_it_works", "how_to_use_it", "things_to_notice", "things_to_try"):
            assert len(getattr(info, section)) > 40, (scenario.name, section)
        assert "## What is it?" in info.as_markdown()


@pytest.mark.parametrize(
    "name", [pytest.param(n, marks=pytest.mark.slow) if n == "numerosity" else n for n in NETWORK_SCENARIOS]
)
def test_every_network_scenario_builds_and_steps(name):
    model = scenarios.get(name).build(rng=0)
    assert isinstance(model, NetworkModel)
    for _ in range(5):
        model.step()
    assert model.running, model.status


@pytest.mark.slow
def test_the_scenarios_reach_what_their_explanations_claim():
    model = scenarios.get("recurrent-sequence").build(rng=0)
    for _ in range(scenarios.get("recurrent-sequence").steps):
        model.step()
    assert model.evaluate("test")["accuracy"] >= 0.9
    closed = scenarios.get("closed-system").build(rng=0)
    for _ in range(scenarios.get("closed-system").steps):
        closed.step()
    frame = closed.datacollector.get_model_vars_dataframe()
    assert (frame["weight_change"].iloc[501:] == 0).all() and (frame["weight_change"].iloc[1:501] > 0).all()
    broken = scenarios.get("xor").build(rng=42, learning_rate=20)  # "Things to try" in the xor scenario
    for _ in range(200):
        broken.step()
    assert not broken.running and "saturated" in broken.status


@pytest.mark.slow
def test_the_numerosity_scenario_trains_a_million_edges():
    scenario = scenarios.get("numerosity")
    model = scenario.build(rng=0)
    assert len(model.structure.src) == 1_124_352 and model.structure.n == 2122  # as its text says
    for _ in range(100):
        model.step()
    assert model.running and model.evaluate("test")["accuracy"] >= 0.9  # "passes 0.9 within 100 steps"


def test_unknown_scenario_and_parameter_names_suggest_the_right_one():
    with pytest.raises(ValueError, match=r"unknown scenario 'mons'. Did you mean 'moons'\?"):
        scenarios.get("mons")
    with pytest.raises(ValueError, match=r"'learning_rat' \(did you mean 'learning_rate'\?\)"):
        scenarios.get("xor").parameters(learning_rat=1)


def test_cli_run_prints_a_summary_and_writes_parquet(tmp_path, capsys):
    out = tmp_path / "run.parquet"
    code = main(
        ["run", "xor", "--steps", "300", "--rng", "3", "--set", "learning_rate=0.5", "--out", str(out), "--quiet"]
    )
    assert code == 0
    printed = capsys.readouterr().out
    for word in ("train_loss", "test_loss", "test_accuracy"):
        assert word in printed
    frame = pd.read_parquet(out)
    assert len(frame) == 301 and frame["step"].iloc[-1] == 300
    direct = scenarios.get("xor").build(rng=3, learning_rate=0.5)
    for _ in range(300):
        direct.step()
    assert frame["loss"].iloc[-1] == direct.loss


def test_cli_set_parses_tuples_and_booleans(tmp_path, capsys):
    out = tmp_path / "run.csv"
    assert (
        main(
            [
                "run",
                "moons",
                "--steps",
                "3",
                "--set",
                "hidden=4,4",
                "--set",
                "influx=false",
                "--out",
                str(out),
                "--quiet",
            ]
        )
        == 0
    )
    frame = pd.read_csv(out)
    assert (frame["input_power"] == 0).all()


@pytest.mark.parametrize(
    "argv, message",
    [
        (["run", "nope"], "unknown scenario 'nope'"),
        (["run", "xor", "--set", "learning_rate=-1"], "learning_rate must be a finite number > 0"),
        (["run", "xor", "--set", "oops"], "--set takes key=value"),
        (["run", "xor", "--out", "result.txt"], "--out must end in .csv or .parquet"),
        (["run", "xor", "--out", "/no/such/folder/r.csv"], "does not exist"),
        (["run", "xor", "--steps", "-3"], "--steps must be >= 0"),
    ],
)
def test_cli_bad_input_exits_2_with_a_message(argv, message, capsys):
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_cli_never_overwrites_results_without_force(tmp_path, capsys):
    out = tmp_path / "keep.csv"
    out.write_text("precious\n")
    assert main(["run", "xor", "--steps", "2", "--out", str(out), "--quiet"]) == 2
    assert out.read_text() == "precious\n"
    assert main(["run", "xor", "--steps", "2", "--out", str(out), "--force", "--quiet"]) == 0
    assert out.read_text() != "precious\n"


def test_cli_reports_a_diverged_run_with_exit_1(capsys):
    assert main(["run", "moons", "--set", "loss=mse", "--set", "learning_rate=50", "--steps", "50", "--quiet"]) == 1
    assert "diverged" in capsys.readouterr().out


def test_cli_list_and_show(capsys):
    assert main(["list"]) == 0
    listed = capsys.readouterr().out
    assert all(name in listed for name in REQUIRED)
    assert main(["show", "xor"]) == 0
    assert "Things to try" in capsys.readouterr().out
