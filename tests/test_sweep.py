"""Sweeps: batch_run's contract on a process pool or a Dask cluster, errors as rows, Parquet
streaming, resume after kill -9, a killed worker, exact step counts, and input checked before any run."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import mesa
import numpy as np
import pandas as pd
import pytest
from mesa.batchrunner import _make_model_kwargs

from model import HiveModel, NetworkModel
from model import sweep as sweeps
from model.sweep import InProcessExecutor, SweepError, local_pool, sweep

HERE = Path(__file__).resolve().parent
NET = {"dataset": "xor", "learning_rate": [0.1, 0.5], "batch_size": 4, "hidden": [4, (4, 4)]}


class Counter(mesa.Model):
    """A tiny model that adds `rate` each step and draws one random number: it can be made to raise at a
    step, stop itself at a step, sleep, or kill its own process (once per marker file, or every time)."""

    def __init__(self, rate=1.0, fail_at=None, stop_at=None, kill_at=None, kill_marker=None, sleep=0.0, rng=None):
        super().__init__(rng=rng)
        self.rate, self.fail_at, self.stop_at, self.sleep = rate, fail_at, stop_at, sleep
        self.kill_at, self.kill_marker = kill_at, kill_marker
        self.value, self.draw, self.status = 0.0, float(self.rng.random()), "counting"
        self.datacollector = mesa.DataCollector(model_reporters={"value": "value", "draw": "draw"})
        self.datacollector.collect(self)

    def step(self):
        if self.steps == self.kill_at and not (self.kill_marker and os.path.exists(self.kill_marker)):
            if self.kill_marker:
                Path(self.kill_marker).touch()
            os.kill(os.getpid(), signal.SIGKILL)
        if self.steps == self.fail_at:
            raise RuntimeError(f"failed on purpose at step {self.steps}")
        time.sleep(self.sleep)
        self.value += self.rate
        self.draw = float(self.rng.random())
        if self.steps == self.stop_at:
            self.running, self.status = False, f"stopped itself at step {self.steps}"
        self.datacollector.collect(self)


def ordered(frame):
    return frame.sort_values(["RunId", "Step"], ignore_index=True)


def last_rows(frame):
    return ordered(frame).groupby("RunId").tail(1).reset_index(drop=True)


@pytest.fixture(scope="module")
def pool():
    """Two warm spawn workers shared by the tests that only need a healthy pool."""
    with local_pool(2) as executor:
        yield executor


@pytest.fixture(scope="module")
def dask_client():
    cluster, client = sweeps.local_dask(2)
    assert len(client.scheduler_info()["workers"]) == 2
    yield client
    client.close()
    cluster.close()


# --- batch_run still works, and sweep keeps its contract ------------------------------------------------
@pytest.mark.parametrize(
    "model_cls, parameters",
    [
        (NetworkModel, {"dataset": "xor", "learning_rate": [0.1, 0.5], "batch_size": 4}),
        (HiveModel, {"n_bees": [20, 40], "patrilines": [1, 15], "weather": "daily"}),
    ],
)
def test_mesa_batch_run_works_and_sweep_gives_its_rows(model_cls, parameters):
    rows = mesa.batch_run(
        model_cls,
        parameters,
        rng=[1, 2],
        max_steps=25,
        number_processes=1,
        data_collection_period=5,
        display_progress=False,
    )
    runs = 2 * len(_make_model_kwargs(parameters))
    assert len(rows) == runs * 6 and {r["Step"] for r in rows} == {0, 5, 10, 15, 20, 25}
    ours = sweep(
        model_cls,
        parameters,
        rng=[1, 2],
        max_steps=25,
        data_collection_period=5,
        executor=InProcessExecutor(),
        display_progress=False,
    )
    theirs = ordered(pd.DataFrame(rows))
    assert (ours["error"] == "").all()
    pd.testing.assert_frame_equal(ours[theirs.columns], theirs, check_dtype=False)  # same runs, same numbers


def test_cartesian_product_and_run_order_are_batch_runs():
    parameters = {
        "dataset": "xor",
        "hidden": [4, (4, 4)],
        "learning_rate": (0.1, 0.5),
        "batch_size": range(2, 4),
        "noise": 0.1,
    }
    plan = sweeps._Plan(NetworkModel, parameters, [7, 8], 10, -1)
    runs = list(plan.runs())
    expected = [{**kw, "rng": seed} for seed in (7, 8) for kw in _make_model_kwargs(parameters)]
    assert [r.kwargs for r in runs] == expected and plan.total == len(expected) == 16
    assert [r.run_id for r in runs] == list(range(16)) and [r.iteration for r in runs] == [0] * 8 + [1] * 8
    assert [runs[i].row["hidden"] for i in (0, 4)] == [
        "4",
        "(4, 4)",
    ]  # a tuple value is written as its repr: one type per column


# --- executors --------------------------------------------------------------------------------------------
@pytest.mark.slow
def test_dask_cluster_and_local_pool_give_the_serial_rows(dask_client, pool, tmp_path):
    options = dict(rng=[1, 2, 3], max_steps=20, data_collection_period=5, display_progress=False)
    serial = sweep(NetworkModel, NET, executor=InProcessExecutor(), **options)
    assert len(serial) == 12 * 5 and serial["RunId"].nunique() == 12
    on_dask = sweep(NetworkModel, NET, executor=dask_client.get_executor(), out=tmp_path / "dask.parquet", **options)
    on_pool = sweep(NetworkModel, NET, executor=pool, out=tmp_path / "pool.parquet", **options)
    for path in (on_dask, on_pool):
        pd.testing.assert_frame_equal(ordered(pd.read_parquet(path)), serial, check_dtype=False)
    again = sweep(NetworkModel, NET, executor=InProcessExecutor(), **options)
    pd.testing.assert_frame_equal(again, serial)  # the same seeds give the same rows
    unseeded = sweep(
        Counter, {}, rng=[None] * 4, max_steps=1, executor=dask_client.get_executor(), display_progress=False
    )
    assert unseeded["draw"].nunique() == 4  # unseeded replicates are separate runs, not one cached task


@pytest.mark.slow
def test_a_killed_worker_does_not_stop_the_sweep(tmp_path):
    marker = str(tmp_path / "killed-once")
    parameters = {"rate": [1.0, 2.0, 3.0], "kill_at": [None, 2], "kill_marker": marker, "sleep": 0.01}
    with local_pool(2) as executor:  # its own pool: it gets broken
        frame = sweep(Counter, parameters, rng=[1, 2], max_steps=5, executor=executor, display_progress=False)
    assert Path(marker).exists()  # a worker really died mid-run
    assert sorted(frame["RunId"].unique()) == list(range(12)) and (frame["error"] == "").all()
    assert (last_rows(frame)["Step"] == 5).all()
    serial = sweep(Counter, parameters, rng=[1, 2], max_steps=5, executor=InProcessExecutor(), display_progress=False)
    pd.testing.assert_frame_equal(frame, serial)


@pytest.mark.slow
def test_a_run_that_always_kills_its_worker_becomes_an_error_row():
    parameters = {"rate": [1.0, 2.0], "kill_at": [None, 2]}
    frame = last_rows(sweep(Counter, parameters, rng=[1], max_steps=4, executor=local_pool(2), display_progress=False))
    killer = frame["kill_at"] == 2
    assert killer.sum() == 2 and frame.loc[killer, "error"].str.startswith("WorkerDied").all()
    assert (frame.loc[~killer, "error"] == "").all() and (frame.loc[~killer, "Step"] == 4).all()


# --- errors, steps, early stops ------------------------------------------------------------------------
def test_a_failing_combination_is_rows_with_its_error_and_the_rest_complete(pool, tmp_path):
    parameters = {"dataset": "xor", "learning_rate": [0.1, -1, 0.5], "batch_size": 4}
    out = sweep(
        NetworkModel,
        parameters,
        rng=[1, 2],
        max_steps=15,
        executor=pool,
        out=tmp_path / "r.parquet",
        display_progress=False,
    )
    frame = last_rows(pd.read_parquet(out))
    assert len(frame) == 6
    bad = frame[frame["learning_rate"] == -1]
    assert len(bad) == 2 and bad["error"].str.contains("learning_rate must be a finite number > 0").all()
    assert bad["loss"].isna().all() and (bad["Step"] == 0).all()
    good = frame[frame["learning_rate"] != -1]
    assert (good["error"] == "").all() and (good["Step"] == 15).all() and np.isfinite(good["loss"]).all()
    # a run that fails mid-way reports the steps it completed
    mid = last_rows(
        sweep(
            Counter, {"fail_at": [None, 3]}, rng=[1], max_steps=6, executor=InProcessExecutor(), display_progress=False
        )
    )
    assert mid["Step"].tolist() == [6, 3] and mid["error"].tolist() == ["", "RuntimeError: failed on purpose at step 3"]


def test_on_error_raise_stops_with_the_error_after_writing_the_finished_runs(tmp_path):
    with pytest.raises(SweepError, match="failed on purpose"):
        sweep(
            Counter,
            {"fail_at": [None, 2]},
            rng=[1, 2],
            max_steps=4,
            executor=InProcessExecutor(),
            out=tmp_path / "r.parquet",
            on_error="raise",
            display_progress=False,
        )
    assert pd.read_parquet(tmp_path / "r.parquet")["RunId"].tolist() == [0]


@pytest.mark.parametrize("period, steps", [(-1, [40]), (1, list(range(41))), (15, [0, 15, 30, 40])])
def test_every_run_takes_exactly_max_steps_and_reports_its_final_state(pool, period, steps):
    for model_cls, parameters in ((NetworkModel, {"dataset": "xor", "batch_size": 4}), (HiveModel, {"n_bees": 30})):
        frame = sweep(
            model_cls,
            parameters,
            rng=[1, 2],
            max_steps=40,
            data_collection_period=period,
            executor=pool,
            display_progress=False,
        )
        for _, run in frame.groupby("RunId"):
            assert run["Step"].tolist() == steps
        direct = model_cls(**{k: v for k, v in parameters.items()}, rng=2)
        for _ in range(40):
            direct.step()
        final = frame[frame["rng"] == 2].iloc[-1]
        reporter = "loss" if model_cls is NetworkModel else "temperature"
        assert final[reporter] == getattr(direct, reporter)
    assert "status" in frame or model_cls is HiveModel  # only a model with a status gets the column


def test_a_model_that_stops_itself_reports_its_last_state_and_status():
    frame = last_rows(
        sweep(
            Counter, {"stop_at": [None, 3]}, rng=[1], max_steps=8, executor=InProcessExecutor(), display_progress=False
        )
    )
    assert frame["Step"].tolist() == [8, 3] and (frame["error"] == "").all()
    assert frame["status"].tolist() == ["counting", "stopped itself at step 3"]
    diverged = last_rows(
        sweep(
            NetworkModel,
            {
                "dataset": "xor",
                "learning_rate": 1e3,
                "loss": "mse",
                "activation": "relu",
                "output_activation": "identity",
                "batch_size": 4,
            },
            rng=[1],
            max_steps=50,
            executor=InProcessExecutor(),
            display_progress=False,
        )
    )
    assert diverged["Step"].iloc[0] < 50 and diverged["status"].iloc[0].startswith("diverged")
    assert diverged["error"].iloc[0] == "" and "loss_reporter" in diverged  # the loss *function* keeps its column


# --- Parquet streaming and resume -------------------------------------------------------------------------
KILLED_SWEEP = """
import sys
sys.path.insert(0, {here!r})
from test_sweep import Counter
from model.sweep import sweep, InProcessExecutor
sweep(Counter, {{"rate": [1.0, 2.0], "sleep": 0.01}}, rng=range(20), max_steps=5, out={out!r},
      data_collection_period=2, executor=InProcessExecutor(), flush_every=3, display_progress=False)
"""


@pytest.mark.slow
def test_a_sweep_killed_with_sigkill_resumes_without_duplicates(tmp_path):
    out = tmp_path / "results.parquet"
    script = KILLED_SWEEP.format(here=str(HERE), out=str(out))
    child = subprocess.Popen([sys.executable, "-c", script], cwd=HERE.parent)
    deadline = time.monotonic() + 30
    while len(list(out.glob("part-*.parquet"))) < 3 and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert child.returncode == -signal.SIGKILL  # it was killed, not finished
    partial = pd.read_parquet(out)  # what survived reads back whole
    written = partial["RunId"].nunique()
    assert 9 <= written < 40 and not partial.duplicated(["RunId", "Step"]).any()
    (out / ".part-999999.parquet.tmp").write_bytes(b"PAR1 cut short by a crash")  # a write torn by the kill

    resumed = sweep(
        Counter,
        {"rate": [1.0, 2.0], "sleep": 0.01},
        rng=range(20),
        max_steps=5,
        out=out,
        data_collection_period=2,
        executor=InProcessExecutor(),
        resume=True,
        display_progress=False,
    )
    frame = ordered(pd.read_parquet(resumed))
    assert not frame.duplicated(["RunId", "Step"]).any() and sorted(frame["RunId"].unique()) == list(range(40))
    assert not list(out.glob(".*.tmp"))
    fresh = sweep(
        Counter,
        {"rate": [1.0, 2.0], "sleep": 0.0},
        rng=range(20),
        max_steps=5,
        data_collection_period=2,
        executor=InProcessExecutor(),
        display_progress=False,
    )
    pd.testing.assert_frame_equal(frame.drop(columns="sleep"), fresh.drop(columns="sleep"), check_dtype=False)
    # resuming a finished sweep runs nothing; resuming with other parameters is refused
    again = sweep(
        Counter,
        {"rate": [1.0, 2.0], "sleep": 0.01},
        rng=range(20),
        max_steps=5,
        out=out,
        data_collection_period=2,
        executor=InProcessExecutor(),
        resume=True,
        display_progress=False,
    )
    assert len(pd.read_parquet(again)) == len(frame)
    with pytest.raises(ValueError, match="holds a different sweep.*max_steps"):
        sweep(
            Counter,
            {"rate": [1.0, 2.0], "sleep": 0.01},
            rng=range(20),
            max_steps=6,
            out=out,
            data_collection_period=2,
            resume=True,
            display_progress=False,
        )


def test_rows_stream_to_files_as_runs_finish_and_a_failed_first_batch_widens_later(tmp_path):
    out = sweep(
        Counter,
        {"fail_at": [1, None]},
        rng=[1, 2, 3],
        max_steps=3,
        out=tmp_path / "r.parquet",
        executor=InProcessExecutor(),
        flush_every=1,
        display_progress=False,
    )
    assert len(list(out.glob("part-*.parquet"))) == 6  # one file per run here: nothing waits for the end
    frame = ordered(pd.read_parquet(out))  # the first file held only an error, the others add the reporters
    assert list(frame.columns)[-2:] == ["status", "error"] and frame["value"].notna().sum() == 3
    assert frame["value"].dtype == float and (frame.loc[frame["error"] == "", "value"] == 3.0).all()


@pytest.mark.slow
def test_a_killed_dask_worker_does_not_stop_the_sweep(dask_client, tmp_path):
    marker = str(tmp_path / "killed-once")
    parameters = {"rate": [1.0, 2.0, 3.0], "kill_at": [None, 2], "kill_marker": marker, "sleep": 0.01}
    frame = sweep(
        Counter,
        parameters,
        rng=[1, 2],
        max_steps=5,
        executor=dask_client.get_executor(),
        out=tmp_path / "r.parquet",
        display_progress=False,
    )
    frame = ordered(pd.read_parquet(frame))
    assert Path(marker).exists()  # a Dask worker process really died mid-run; the scheduler ran its task again
    assert sorted(frame["RunId"].unique()) == list(range(12)) and (frame["error"] == "").all()
    assert (last_rows(frame)["Step"] == 5).all()
