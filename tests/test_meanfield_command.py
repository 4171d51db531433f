"""`neurohive meanfield`: the per-layer table and the gap, the file it writes, and bad input in one line."""

import pandas as pd
import pytest

import scenarios
from model import meanfield
from scenarios.cli import main


def test_the_command_prints_the_layers_and_the_gap_and_writes_every_row(tmp_path, capsys):
    out = tmp_path / "mf.parquet"
    argv = ["meanfield", "--width", "32", "--depth", "6", "--sigma-w2", "2.5", "--seeds", "2", "--out", str(out)]
    assert main(argv) == 0
    printed = capsys.readouterr().out
    assert "q theory" in printed and "c theory" in printed and "gap" in printed
    assert f"χ₁ {meanfield.chi_1(2.5, 0.05):.4f} (chaotic" in printed
    frame = pd.read_parquet(out)
    assert len(frame) == 2 * 6 and {"q", "c", "q_theory", "c_theory", "delta_ratio", "chi_1"} <= set(frame.columns)
    assert main(argv) == 2  # the file exists: refused without --force


@pytest.mark.parametrize(
    "bad, named",
    [
        (["--sigma-w2", "0"], "sigma_w2"),
        (["--sigma-b2", "-1"], "sigma_b2"),
        (["--width", "0"], "width"),
        (["--depth", "0"], "depth"),
        (["--c0", "1.5"], "c0"),
        (["--sigma-w2", "nan"], "sigma_w2"),
        (["--out", "x.txt"], "--out"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(bad, named, capsys):
    assert main(["meanfield", "--width", "8", "--depth", "2", *bad]) == 2
    error = capsys.readouterr().err.strip()
    assert error.count("\n") == 0 and named in error


def test_the_four_meanfield_scenarios_sit_where_they_say():
    edge = scenarios.get("meanfield-edge").params
    assert meanfield.chi_1(edge["sigma_w2"], edge["sigma_b2"]) == pytest.approx(1.0, abs=1e-3)
    assert meanfield.chi_1(scenarios.get("meanfield-order").params["sigma_w2"], 0.05) < 1
    assert meanfield.chi_1(scenarios.get("meanfield-chaos").params["sigma_w2"], 0.05) > 1
    assert scenarios.get("meanfield-narrow").params["hidden"] == (8,) * 30
    for name in ("meanfield-order", "meanfield-chaos", "meanfield-edge"):
        assert len(scenarios.get(name).params["hidden"]) >= 30
