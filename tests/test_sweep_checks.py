"""A sweep checks its input before any run starts: names, seeds, output folder, picklability, the scheduler."""

import time

import pytest

from model import NetworkModel
from model import sweep as sweeps
from model.sweep import InProcessExecutor, sweep
from scenarios import cli
from tests.test_sweep import Counter


@pytest.mark.parametrize(
    "parameters, options, message",
    [
        (
            {"learnin_rate": [0.1]},
            {},
            r"unknown parameter 'learnin_rate' \(did you mean 'learning_rate'\?\).*valid ones "
            r"are: dataset, n_samples",
        ),
        ({"learning_rate": []}, {}, "parameter 'learning_rate' has an empty list"),
        ({"learning_rate": 0.1}, {"rng": []}, "rng is an empty list"),
        ({"rng": [1, 2]}, {}, "give seeds with sweep"),
        ({"learning_rate": 0.1}, {"out": "results.csv"}, "out must end in .parquet"),
        ({"learning_rate": 0.1}, {"max_steps": -1}, "max_steps"),
        ({"learning_rate": 0.1}, {"data_collection_period": 0}, "data_collection_period"),
        ({"learning_rate": 0.1}, {"on_error": "ignore"}, "on_error"),
        ({"learning_rate": 0.1}, {"resume": True}, "resume=True needs out"),
    ],
)
def test_bad_input_is_refused_before_any_run(tmp_path, parameters, options, message):
    if "out" in options:
        options["out"] = tmp_path / options["out"]
    with pytest.raises(ValueError, match=message):
        sweep(NetworkModel, parameters, **options, executor=InProcessExecutor(), display_progress=False)
    assert not list(tmp_path.iterdir())  # nothing was written


def test_an_existing_out_unpicklable_model_and_unreachable_scheduler_are_refused(tmp_path, monkeypatch):
    out = sweep(
        Counter,
        {},
        rng=[1],
        max_steps=1,
        out=tmp_path / "r.parquet",
        executor=InProcessExecutor(),
        display_progress=False,
    )
    with pytest.raises(ValueError, match="already holds results; pass resume=True"):
        sweep(Counter, {}, rng=[1], max_steps=1, out=out, executor=InProcessExecutor(), display_progress=False)

    class Local(Counter):
        pass

    with pytest.raises(ValueError, match="cannot be sent to worker processes"):
        sweep(Local, {}, rng=[1], max_steps=1, display_progress=False)
    started = time.monotonic()
    with pytest.raises(ValueError, match="cannot reach the Dask scheduler at 'tcp://127.0.0.1:9'"):
        sweeps.connect_dask("tcp://127.0.0.1:9", timeout=1)
    assert time.monotonic() - started < 5
    monkeypatch.setattr(sweeps.pools, "DASK_TIMEOUT", 1.0)
    code = cli.main(
        [
            "sweep",
            "xor",
            "--vary",
            "learning_rate=0.1,0.5",
            "--max-steps",
            "3",
            "--quiet",
            "--dask",
            "tcp://127.0.0.1:9",
            "--out",
            str(tmp_path / "never.parquet"),
        ]
    )
    assert code == 2 and not (tmp_path / "never.parquet").exists()
