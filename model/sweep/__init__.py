"""Sweeps: `mesa.batch_run`'s contract, for runs that outgrow one process and then one machine.

`sweep(model_cls, parameters, rng=...)` takes `parameters` as `batch_run` does (a value or an iterable of
values per keyword; the runs are the Cartesian product; strings, and anything not iterable, are single
values, so wrap a tuple-valued parameter in a list: `hidden=[(16, 16)]`) and `rng` as `batch_run` does (a
seed or an iterable of seeds, one replicate each; `None`: one unseeded run per combination). Runs are
numbered as `batch_run` numbers them (seeds outer, combinations inner) and give `batch_run`'s rows:
`RunId, iteration, Step, <parameters>, rng, <model reporters>`, plus `status` when the model has one and
`error` (empty for a run that finished).

What it adds:
- every run takes exactly `max_steps` steps, unless the model stops itself (`running = False`, e.g. a
  diverged NetworkModel): that is not an error, its rows end at the last state it recorded and `status`
  says why. The final state is always reported; `data_collection_period=k` adds every k-th record.
  `Step` is the model's time at the record (Mesa's DataCollector: 0 at construction, then one per step);
- `executor`: any `concurrent.futures.Executor` (default: a local process pool, one process per core;
  a Dask cluster: `Client(address).get_executor()`). A run that raises becomes one row carrying the
  error, with `Step` the steps it had completed (0 if the constructor raised), and the sweep goes on.
  A worker process that dies breaks a process pool: the lost runs are run again on a fresh pool, one at
  a time, so a run that kills its worker every time is found and recorded as an error;
- `out="results.parquet"`: rows stream to disk as runs finish, in a folder of Parquet files (one per
  batch of finished runs, each written to a hidden temporary name and renamed into place, so a crash or
  a kill -9 never leaves a half-written file). `pandas.read_parquet(out)` reads it whole; row order is
  completion order, sort by `RunId, Step`. `resume=True` skips the runs already there: after a crash,
  only the runs of the last unwritten batch run again. The sweeping process holds at most one batch;
- a progress bar (tqdm).

A model reporter named like a swept parameter (NetworkModel's `loss` when the loss function is a parameter)
is written as `<name>_reporter`: batch_run would let it overwrite the parameter's column.

Parameter values are written as they are when every value of a parameter is a bool, a number or a
string; otherwise (tuples, graphs, mixed kinds) as their `repr`, so every column has one type.
"""

from __future__ import annotations

# Where each part lives: plan.py (the runs, checked), store.py (the Parquet folder), pools.py (executors),
# runner.py (sweep, check, run_one), summary.py (summarize).
from model.sweep import plan, pools, runner, store, summary  # noqa: F401
from model.sweep.plan import _Plan, _Run  # noqa: F401
from model.sweep.pools import DASK_TIMEOUT, InProcessExecutor, connect_dask, local_dask, local_pool  # noqa: F401
from model.sweep.runner import FLUSH_EVERY, FLUSH_SECONDS, KILLS_ALLOWED, SweepError, check, run_one, sweep  # noqa: F401
from model.sweep.store import MANIFEST  # noqa: F401
from model.sweep.summary import summarize

__all__ = [
    "sweep",
    "check",
    "summarize",
    "run_one",
    "InProcessExecutor",
    "local_pool",
    "connect_dask",
    "local_dask",
    "SweepError",
]
