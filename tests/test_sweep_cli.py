"""`neurohive sweep`: --vary parsing, the mean ± std summary over seeds, exit codes."""

import pandas as pd
import pytest

from model.sweep import summarize
from scenarios import cli


def test_vary_splits_on_top_level_commas_only():
    assert cli.parse_values("learning_rate=0.05,0.1") == ("learning_rate", [0.05, 0.1])
    assert cli.parse_values("hidden=(16,16)") == ("hidden", [(16, 16)])
    assert cli.parse_values("hidden=8,(16,16),[4, 4]") == ("hidden", [8, (16, 16), [4, 4]])
    assert cli.parse_values("dataset=moons,'a,b.csv'") == ("dataset", ["moons", "a,b.csv"])
    assert cli.parse_values("drift=none,rotate") == ("drift", [None, "rotate"])
    for bad in ("hidden=", "hidden=8,,16", "=1,2", "hidden"):
        with pytest.raises(ValueError):
            cli.parse_values(bad)


def test_cli_sweep_prints_mean_and_spread_over_seeds_per_combination(tmp_path, capsys):
    out = tmp_path / "xor.parquet"
    code = cli.main(
        [
            "sweep",
            "xor",
            "--vary",
            "learning_rate=0.1,0.5",
            "--vary",
            "hidden=4,(4,4)",
            "--rng",
            "1,2,3",
            "--max-steps",
            "12",
            "--out",
            str(out),
            "--workers",
            "0",
            "--quiet",
        ]
    )
    assert code == 0
    frame = pd.read_parquet(out)
    assert frame["RunId"].nunique() == 12 and (frame["Step"] == 12).all() and set(frame["hidden"]) == {"4", "(4, 4)"}
    table = capsys.readouterr().out.splitlines()
    assert table[0].split()[:4] == ["learning_rate", "hidden", "runs", "errors"] and len(table) == 5
    summary = summarize(frame, by=["learning_rate", "hidden"], parameters=list(frame.columns[3:11]))
    runs = frame[(frame["learning_rate"] == 0.5) & (frame["hidden"] == "4")]
    mean, std = runs["test_accuracy"].mean(), runs["test_accuracy"].std()
    row = summary[(summary["learning_rate"] == 0.5) & (summary["hidden"] == "4")].iloc[0]
    assert row["runs"] == 3 and row["test_accuracy mean"] == pytest.approx(mean)
    assert row["test_accuracy std"] == pytest.approx(std)
    assert any(line.split()[:2] == ["0.5", "4"] and f"{mean:.4g} ± {std:.2g}" in line for line in table)
    assert (
        cli.main(
            [
                "sweep",
                "xor",
                "--vary",
                "batch_size=4,5",
                "--rng",
                "1",
                "--max-steps",
                "3",
                "--workers",
                "0",
                "--quiet",
            ]
        )
        == 1
    )  # a failed run (xor has 4 training examples): exit 1, after the summary
    assert "1 run(s) failed, e.g.: ValueError: batch_size 5 exceeds the 4 training examples" in capsys.readouterr().out
    # a value the declaration refuses is refused before any run: one line, exit 2
    assert cli.main(["sweep", "xor", "--vary", "learning_rate=0.1,-1", "--workers", "0", "--quiet"]) == 2
    assert capsys.readouterr().err.strip() == "neurohive: error: learning_rate must be a finite number > 0, got -1"
