"""The sweep's runner: runs in flight on an executor, finished runs recorded and flushed, dead workers survived."""

from __future__ import annotations

import concurrent.futures as cf
import time
import traceback
from collections import deque
from numbers import Integral

import pandas as pd
from tqdm.auto import tqdm

from model.sweep.plan import _check_picklable, _label, _Plan, _Run
from model.sweep.pools import InProcessExecutor, _fresh_pool, _parallelism, local_pool
from model.sweep.store import _Folder

FLUSH_EVERY = 64  # finished runs per Parquet file
FLUSH_SECONDS = 10.0  # ... or after this long, whichever comes first
KILLS_ALLOWED = 2  # a run that kills its worker this many times, alone on a fresh pool, is an error


class SweepError(RuntimeError):
    """A run raised and the sweep was asked to stop (on_error="raise")."""


def run_one(
    model_cls, kwargs: dict, max_steps: int, data_collection_period: int, run_id: int | None = None
) -> tuple[list[dict], str, str]:
    """Build, run and read one model: (rows, error, traceback). A model's exception is returned, not raised.
    `run_id` is unused here; it keeps two unseeded replicates distinct for executors that cache pure calls
    (Dask would otherwise run them once)."""
    model = None
    try:
        model = model_cls(**kwargs)
        while model.running and model.steps < max_steps:
            model.step()
        collector = getattr(model, "datacollector", None)
        if collector is None:
            raise AttributeError(f"{model_cls.__name__} has no `datacollector`: a sweep reads its model reporters")
        frame = collector.get_model_vars_dataframe()
        n = len(frame)
        if n == 0:
            raise ValueError(f"{model_cls.__name__}'s DataCollector recorded nothing: give it model reporters")
        times = getattr(collector, "_collection_steps", None)  # model.time at each collect, as batch_run's Step
        if times is None or len(times) != n:
            times = range(n)
        picked = [n - 1] if data_collection_period == -1 else sorted({*range(0, n, data_collection_period), n - 1})
        status = _status(model)
        rows = []
        for i, record in zip(picked, frame.iloc[picked].to_dict("records")):
            row = {"Step": _number(times[i]), **record}
            if status is not None:
                row["status"] = status
            rows.append(row)
        return rows, "", ""
    except Exception as exc:  # noqa: BLE001 - the run's failure is data: the sweep goes on
        row = {"Step": int(getattr(model, "steps", 0) or 0)}
        status = _status(model)
        if status is not None:
            row["status"] = status
        return [row], f"{type(exc).__name__}: {exc}", traceback.format_exc()


def _status(model):
    status = getattr(model, "status", None)
    return None if status is None else str(status)


def _number(value):
    value = float(value)
    return int(value) if value.is_integer() else value


def sweep(
    model_cls,
    parameters,
    rng=None,
    max_steps=1000,
    data_collection_period=-1,
    executor=None,
    out=None,
    on_error="record",
    resume=False,
    display_progress=True,
    *,
    flush_every=FLUSH_EVERY,
    flush_seconds=FLUSH_SECONDS,
):
    """Run `model_cls` over the Cartesian product of `parameters` × the seeds in `rng`, as batch_run does.

    Returns the rows as a DataFrame sorted by RunId and Step when `out` is None (all held in memory),
    else the Path of `out`, a folder of Parquet files that `pandas.read_parquet(out)` reads whole.
    `on_error`: "record" (a failed run is a row with its error; the sweep goes on) or "raise" (stop at the
    first failure with a SweepError, after writing every finished run, so resume can pick up).
    `flush_every` / `flush_seconds`: a batch of finished runs is written after that many runs or seconds.
    Everything is checked before any run starts: a ValueError says what was wrong.
    """
    plan, folder = _prepare(
        model_cls, parameters, rng, max_steps, data_collection_period, executor, out, on_error, resume
    )
    if isinstance(flush_every, bool) or not isinstance(flush_every, Integral) or flush_every < 1:
        raise ValueError(f"flush_every must be a whole number >= 1, got {flush_every!r}")
    done = folder.open() if folder is not None else set()
    return _Sweep(plan, folder, executor, on_error, done, display_progress, flush_every, flush_seconds).run()


class _Sweep:
    """One sweep in progress: the runs in flight, the rows not yet written, and the pool (replaced if a worker
    dies: the runs lost with it run again one at a time, so a run that kills its worker every time is found)."""

    def __init__(self, plan, folder, executor, on_error, done, display_progress, flush_every, flush_seconds):
        self.plan, self.folder, self.on_error = plan, folder, on_error
        self.flush_every, self.flush_seconds = flush_every, flush_seconds
        self.owned = executor is None
        self.executor = local_pool() if self.owned else executor
        # runs in flight: enough to keep every worker busy and no more, so memory stays flat in the number of runs
        self.window = 1 if isinstance(self.executor, InProcessExecutor) else max(4, 2 * _parallelism(self.executor) + 2)
        self.todo = (run for run in plan.runs() if run.run_id not in done)
        self.suspects: deque[_Run] = deque()  # runs lost with a broken pool: rerun one at a time to find the killer
        self.kills: dict[int, int] = {}
        self.stop: list[SweepError] = []
        self.pending: dict[cf.Future, tuple[_Run, bool]] = {}  # future → (run, ran alone)
        self.kept: list[dict] = []  # every row when out is None
        self.batch: list[dict] = []
        self.batch_runs, self.last_flush, self.failures = 0, time.monotonic(), 0
        skipped = sum(1 for run_id in done if run_id < plan.total)
        self.bar = tqdm(
            total=plan.total,
            initial=skipped,
            disable=not display_progress,
            unit="run",
            desc="sweep",
            dynamic_ncols=True,
        )
        self.taken = {*plan.keys, "RunId", "iteration", plan.rng_name, "error"}  # a reporter never overwrites these

    def flush(self):
        if self.batch and self.folder is not None:
            self.folder.write(self.batch)
        self.batch, self.batch_runs, self.last_flush = [], 0, time.monotonic()

    def record(self, run: _Run, rows: list[dict], error: str):
        for row in rows:
            full = {"RunId": run.run_id, "iteration": run.iteration, "Step": row.pop("Step")}
            full.update(run.row)
            full.update((f"{key}_reporter" if key in self.taken else key, value) for key, value in row.items())
            full["error"] = error
            (self.kept if self.folder is None else self.batch).append(full)
        self.batch_runs += 1
        self.failures += bool(error)
        self.bar.update()
        if self.failures:
            self.bar.set_postfix(errors=self.failures, refresh=False)
        if self.batch_runs >= self.flush_every:
            self.flush()

    def in_order(self, futures):
        return sorted(futures, key=lambda future: self.pending[future][0].run_id)

    def submit_more(self) -> bool:
        """Keep `window` runs in flight (one, alone, while suspects are being checked); False if the pool broke."""
        plan = self.plan
        while True:
            isolating = bool(self.suspects) or any(alone for _, alone in self.pending.values())
            if len(self.pending) >= (1 if isolating else self.window):
                return True
            alone = bool(self.suspects)
            run = self.suspects.popleft() if alone else next(self.todo, None)
            if run is None:
                return True
            try:
                future = self.executor.submit(
                    run_one, plan.model_cls, run.kwargs, plan.max_steps, plan.period, run.run_id
                )
            except cf.BrokenExecutor:  # broken by a run already in flight: not this one's fault
                self.suspects.appendleft(run)
                return False
            self.pending[future] = (run, alone)

    def collect(self, future, lost: list) -> bool:
        """Record one finished run; False if it was lost with a broken pool."""
        run, alone = self.pending.pop(future)
        try:
            rows, error, trace = future.result()
        except cf.BrokenExecutor as exc:
            if alone:  # nothing else ran beside it: it killed its worker
                self.kills[run.run_id] = self.kills.get(run.run_id, 0) + 1
                if self.kills[run.run_id] >= KILLS_ALLOWED:
                    self.record(
                        run,
                        [{"Step": 0}],
                        f"WorkerDied: the worker process running it died "
                        f"{self.kills[run.run_id]} times, alone on a fresh pool ({exc})",
                    )
                    return False
            lost.append(run)
            return False
        except (Exception, cf.CancelledError) as exc:  # the executor's failure (e.g. Dask's KilledWorker)
            rows, error, trace = [{"Step": 0}], f"{type(exc).__name__}: {exc}", ""
        if error and self.on_error == "raise":
            self.stop.append(SweepError(f"run {run.run_id} ({_describe(run)}) failed: {error}\n{trace}"))
        else:
            self.record(run, rows, error)
        return True

    def replace_pool(self, lost: list):
        """A worker died: everything in flight failed with the pool; drain it, then go on with a fresh one."""
        for future in self.in_order(cf.wait(list(self.pending))[0]):
            self.collect(future, lost)
        if not isinstance(self.executor, cf.ProcessPoolExecutor):
            raise SweepError(
                f"the executor broke ({type(self.executor).__name__}); the finished runs are "
                "written: resume=True with a working executor finishes the sweep"
            )
        fresh = _fresh_pool(self.executor)
        if self.owned:
            self.executor.shutdown(wait=False, cancel_futures=True)
        self.executor, self.owned = fresh, True
        self.suspects.extendleft(sorted(lost, key=lambda r: r.run_id, reverse=True))

    def run(self):
        """Run every planned run; the rows as a DataFrame, or the Path of the folder they were written to."""
        try:
            while True:
                intact = self.submit_more()
                if not self.pending and intact:
                    break
                lost: list[_Run] = []
                if self.pending:
                    finished = cf.wait(self.pending, timeout=self.flush_seconds, return_when=cf.FIRST_COMPLETED)[0]
                    for future in self.in_order(finished):
                        intact &= self.collect(future, lost)
                if self.stop:  # on_error="raise": the other finished runs are recorded, then the first failure raised
                    raise self.stop[0]
                if not intact:
                    self.replace_pool(lost)
                if self.batch and time.monotonic() - self.last_flush >= self.flush_seconds:
                    self.flush()
        except BaseException:
            for future in self.pending:
                future.cancel()
            if self.owned:
                self.executor.shutdown(wait=False, cancel_futures=True)
                self.owned = False
            raise
        finally:
            self.flush()  # every finished run is kept, even when the sweep stops early
            self.bar.close()
            if self.owned:
                self.executor.shutdown(wait=True)
        if self.folder is not None:
            return self.folder.path
        frame = pd.DataFrame(self.kept)
        if len(frame):
            frame = frame.sort_values(["RunId", "Step"], kind="stable", ignore_index=True)
        return frame


def check(
    model_cls,
    parameters,
    rng=None,
    max_steps=1000,
    data_collection_period=-1,
    executor=None,
    out=None,
    on_error="record",
    resume=False,
) -> int:
    """Every check `sweep` makes before its first run, without running anything: the number of runs."""
    plan, _ = _prepare(model_cls, parameters, rng, max_steps, data_collection_period, executor, out, on_error, resume)
    return plan.total


def _prepare(model_cls, parameters, rng, max_steps, data_collection_period, executor, out, on_error, resume):
    plan = _Plan(model_cls, parameters, rng, max_steps, data_collection_period)
    if on_error not in ("record", "raise"):
        raise ValueError(f"on_error must be 'record' or 'raise', got {on_error!r}")
    if executor is not None and not isinstance(executor, cf.Executor):
        raise TypeError(
            "executor must be a concurrent.futures.Executor (a ProcessPoolExecutor, or a Dask "
            f"client's get_executor()), got {type(executor).__name__}"
        )
    if resume and out is None:
        raise ValueError("resume=True needs out=: the runs to skip are the ones already written there")
    if executor is None or isinstance(executor, cf.ProcessPoolExecutor):
        _check_picklable(plan)
    folder = None if out is None else _Folder(out, plan.manifest(), resume)
    return plan, folder


def _describe(run: _Run) -> str:
    return ", ".join(f"{k}={_label(v)}" for k, v in run.kwargs.items())
