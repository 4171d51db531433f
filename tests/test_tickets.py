"""The lottery-ticket experiment (model/tickets.py), tiny: the properties that hold whatever the outcome."""

import numpy as np
import pandas as pd
import pytest

from model import NetworkModel
from model.pruning import layer_groups
from model.sweep import InProcessExecutor, check
from model.tickets import LotteryRun, lottery

NETWORK = {"dataset": "digits", "hidden": (16, 8), "loss": "cross_entropy", "activation": "relu",
           "eval_every": 20, "executor": "vectorized"}  # fmt: skip
STEPS, ROUNDS, RATE = 60, 3, 0.3


@pytest.fixture(scope="module")
def table():
    return lottery(NETWORK, rounds=ROUNDS, rate=RATE, seeds=[0, 1], steps=STEPS, progress=False)


@pytest.mark.slow
def test_the_table_is_tidy_and_every_layer_keeps_its_share_to_one_weight(table):
    assert list(table.columns[:6]) == ["seed", "round", "weights_remaining", "kind", "test_accuracy", "steps_to_best"]
    assert len(table) == 2 * (ROUNDS + 1) * 3
    sizes = [len(g) for g in layer_groups(NetworkModel(**NETWORK, rng=0))]  # 64·16, 16·8, 8·10
    rates = [RATE, RATE, RATE / 2]  # the output layer at half the rate unless told otherwise
    for row in table.itertuples():
        for i, (n, rate) in enumerate(zip(sizes, rates)):
            assert abs(getattr(row, f"weights_layer_{i + 1}") - n * (1 - rate) ** row.round) <= 0.5
        assert row.weights_remaining == pytest.approx(row.n_weights / sum(sizes))
        assert 0 <= row.test_accuracy <= 1 and 0 <= row.steps_to_best <= STEPS and row.steps_to_best % 20 == 0
    # the three kinds of a round share its weights remaining; round 0 is the dense network itself
    per_round = table.groupby(["seed", "round"])[["n_weights", "weights_layer_1"]].nunique()
    assert (per_round == 1).all().all()
    dense = table[table["round"] == 0].set_index("kind")
    assert (table[table["round"] == 0]["weights_remaining"] == 1.0).all()
    assert dense.loc["ticket", "test_accuracy"].tolist() == dense.loc["random", "test_accuracy"].tolist()


def test_each_round_prunes_the_smallest_trained_survivors_and_the_controls_differ_in_one_thing():
    run = LotteryRun(NETWORK, steps=STEPS, rate=RATE, rng=3)
    theta0 = NetworkModel(**NETWORK, rng=3).params.theta
    run.step()
    for _ in range(ROUNDS):
        last = run.networks["ticket"]
        before, trained = last.mask.copy(), last.params.weight.copy()
        run.step()
        ticket, reinit, random = (run.networks[k] for k in ("ticket", "reinit", "random"))
        kept = ticket.mask
        assert not np.any(kept & ~before)  # nested: a pruned weight never returns
        for group in run.groups:
            gone, stay = group[before[group] & ~kept[group]], group[kept[group]]
            assert len(gone) and np.abs(trained[gone]).max() <= np.abs(trained[stay]).min()
            assert np.count_nonzero(random.mask[group]) == np.count_nonzero(kept[group])
        assert np.array_equal(reinit.mask, kept) and not np.array_equal(random.mask, kept)
        n = len(kept)
        start = {k: run.starts[k][:n] for k in ("ticket", "reinit", "random")}
        assert np.array_equal(start["ticket"], np.where(kept, theta0[:n], 0.0))  # rewound to θ₀, bit for bit
        assert np.array_equal(start["random"], np.where(random.mask, theta0[:n], 0.0))
        fresh = start["reinit"][kept]
        assert not np.any(fresh == theta0[:n][kept]) and np.all(start["reinit"][~kept] == 0.0)
        for model in (ticket, reinit, random):  # pruned weights stayed exactly 0 through training
            assert np.all(model.params.weight[~model.mask] == 0.0)


@pytest.mark.slow
def test_a_lottery_is_reproducible_and_runs_through_sweep_executors(table, tmp_path):
    again = lottery(NETWORK, rounds=ROUNDS, rate=RATE, seeds=[1], steps=STEPS, progress=False,
                    executor=InProcessExecutor(), out=tmp_path / "t.parquet")  # fmt: skip
    mine = table[table["seed"] == 1].reset_index(drop=True)
    pd.testing.assert_frame_equal(again, mine)
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "t.parquet"), again)


def test_a_lottery_run_can_be_sent_to_worker_processes():
    """What a process pool or a Dask cluster needs: the run class and its arguments pickle (model/sweep checks)."""
    parameters = {"network": [NETWORK], "steps": STEPS, "rate": RATE, "output_rate": [None], "rewind_step": 0}
    assert check(LotteryRun, parameters, rng=[0, 1, 2], max_steps=ROUNDS + 1, data_collection_period=1) == 3
    with pytest.raises(TypeError, match="seed"):
        LotteryRun(NETWORK, steps=STEPS, rng=None)


@pytest.mark.parametrize("kwargs, message", [
    ({"rate": 1.0}, "rate"), ({"rate": 0}, "rate"), ({"output_rate": -0.1}, "output_rate"),
    ({"rewind_step": STEPS}, "rewind_step"), ({"rounds": -1}, "rounds"), ({"seeds": 0}, "seeds"),
    ({"seeds": [1, 1]}, "seeds"), ({"steps": 0}, "steps"),
])  # fmt: skip
def test_bad_arguments_are_refused_before_any_run(kwargs, message):
    options = {"rounds": 1, "seeds": 1, "steps": STEPS, "progress": False} | kwargs
    with pytest.raises(ValueError, match=message):
        lottery(NETWORK, **options)


def test_the_command_line_runs_a_lottery_and_refuses_bad_input(tmp_path, capsys):
    from scenarios.cli import main

    out = tmp_path / "tickets.parquet"
    argv = ["lottery", "digits", "--rounds", "1", "--seeds", "1", "--steps", "20", "--workers", "0", "--quiet"]
    assert main([*argv, "--out", str(out)]) == 0
    printed = capsys.readouterr()
    assert "80.49%" in printed.out and "lottery-digits: 1 rounds" in printed.err
    table = pd.read_parquet(out)
    assert len(table) == 6 and set(table["kind"]) == {"ticket", "reinit", "random"}
    assert main([*argv, "--out", str(out)]) == 2  # exists, no --force
    for bad in (["--rate", "1.5"], ["--seeds", "0"], ["--rewind-step", "20"]):
        assert main([*argv, *bad]) == 2
    assert "rewind_step" in capsys.readouterr().err
    assert main(["lottery", "hive-day"]) == 2
