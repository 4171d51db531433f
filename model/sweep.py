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

import concurrent.futures as cf
import difflib
import inspect
import itertools
import json
import math
import multiprocessing
import os
import pickle
import re
import time
import traceback
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from numbers import Integral, Real
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from tqdm.auto import tqdm

__all__ = ["sweep", "check", "summarize", "run_one", "InProcessExecutor", "local_pool", "connect_dask", "local_dask",
           "SweepError"]

MANIFEST = "_sweep.json"  # a leading "_" (or ".") keeps a file out of pandas.read_parquet(folder)
FLUSH_EVERY = 64  # finished runs per Parquet file
FLUSH_SECONDS = 10.0  # ... or after this long, whichever comes first
DASK_TIMEOUT = 5.0  # seconds to reach a Dask scheduler before saying it cannot be reached
KILLS_ALLOWED = 2  # a run that kills its worker this many times, alone on a fresh pool, is an error
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


class SweepError(RuntimeError):
    """A run raised and the sweep was asked to stop (on_error="raise")."""


class InProcessExecutor(cf.Executor):
    """Runs each call at once, in this process: for debugging, tests and sweeps too small to ship out."""

    def submit(self, fn, /, *args, **kwargs):
        future = cf.Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as exc:  # noqa: BLE001 - handed to the caller through the future, like a pool
            future.set_exception(exc)
        return future


# --- one run, in whichever process the executor picked ------------------------------------------------
def run_one(model_cls, kwargs: dict, max_steps: int, data_collection_period: int,
            run_id: int | None = None) -> tuple[list[dict], str, str]:
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


# --- the plan: every run, checked before any starts ------------------------------------------------------
@dataclass
class _Run:
    run_id: int
    iteration: int
    seed: object
    kwargs: dict
    row: dict  # RunId, iteration, the parameters (as written) and the seed: the head of each of its rows


class _Plan:
    """The validated sweep: parameters expanded lazily, so a million runs cost no memory up front."""

    def __init__(self, model_cls, parameters, rng, max_steps, data_collection_period):
        if not inspect.isclass(model_cls):
            raise TypeError(f"model_cls must be a model class, got {model_cls!r}")
        if not isinstance(parameters, Mapping):
            raise TypeError(f"parameters must be a mapping of keyword to value(s), got {type(parameters).__name__}")
        signature = inspect.signature(model_cls.__init__).parameters
        named = [k for k, p in signature.items() if k != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
        takes_any = any(p.kind == p.VAR_KEYWORD for p in signature.values())
        self.rng_name = "seed" if "seed" in signature else "rng"  # batch_run's rule
        if self.rng_name not in signature and not takes_any:
            raise ValueError(f"{model_cls.__name__} takes no rng= keyword: sweeps seed every run through it")
        valid = [k for k in named if k not in ("rng", "seed")]
        for key in parameters:
            if key in ("rng", "seed"):
                raise ValueError(f"give seeds with sweep(..., rng=[...]), not as the parameter {key!r}")
            if key not in valid and not takes_any:
                close = difflib.get_close_matches(str(key), valid, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise ValueError(f"unknown parameter {key!r}{hint} for {model_cls.__name__}; "
                                 f"valid ones are: {', '.join(valid)}")
        self.model_cls = model_cls
        self.keys = list(parameters)
        self.values = [_expand(key, value) for key, value in parameters.items()]
        self.written = [_as_written(values) for values in self.values]
        if rng is None or isinstance(rng, str) or not isinstance(rng, Iterable):
            seeds = [rng]
        else:
            seeds = list(rng)
        if not seeds:
            raise ValueError("rng is an empty list: give at least one seed (or None for one unseeded run)")
        self.seeds, self.seeds_written = seeds, _as_written(seeds)
        if isinstance(max_steps, bool) or not isinstance(max_steps, Integral) or max_steps < 0:
            raise ValueError(f"max_steps must be a whole number >= 0, got {max_steps!r}")
        if (isinstance(data_collection_period, bool) or not isinstance(data_collection_period, Integral)
                or not (data_collection_period == -1 or data_collection_period >= 1)):
            raise ValueError(f"data_collection_period must be -1 (final state only) or >= 1, got {data_collection_period!r}")
        self.max_steps, self.period = int(max_steps), int(data_collection_period)
        self.per_seed = math.prod(len(v) for v in self.values)
        self.total = self.per_seed * len(self.seeds)

    def runs(self):
        """Every run, in batch_run's order: seeds outer, parameter combinations inner."""
        run_id = 0
        for iteration, (seed, seed_written) in enumerate(zip(self.seeds, self.seeds_written)):
            for combo in itertools.product(*(range(len(v)) for v in self.values)):
                kwargs = {k: self.values[j][i] for j, (k, i) in enumerate(zip(self.keys, combo))}
                kwargs[self.rng_name] = seed
                row = {"RunId": run_id, "iteration": iteration}
                row.update((k, self.written[j][i]) for j, (k, i) in enumerate(zip(self.keys, combo)))
                row[self.rng_name] = seed_written
                yield _Run(run_id, iteration, seed, kwargs, row)
                run_id += 1

    def manifest(self) -> dict:
        """What identifies this sweep, so that resume refuses a folder written by another one."""
        cls = self.model_cls
        return {
            "format": 1,
            "model": f"{cls.__module__}.{cls.__qualname__}",
            "parameters": {str(k): [_label(v) for v in values] for k, values in zip(self.keys, self.values)},
            self.rng_name: [_label(s) for s in self.seeds],
            "max_steps": self.max_steps,
            "data_collection_period": self.period,
            "runs": self.total,
        }


def _expand(key, value) -> list:
    """batch_run's rule (a string, or anything not iterable, is one value); an empty iterable is refused."""
    if isinstance(value, str):
        return [value]
    try:
        values = list(value)
    except TypeError:
        return [value]
    if not values:
        raise ValueError(f"parameter {key!r} has an empty list of values: give at least one, "
                         "or leave it out to use the model's default")
    return values


def _as_written(values: list) -> list:
    """How a parameter's values go into the rows: one type per column (see the module docstring)."""
    present = [v for v in values if v is not None]
    if all(isinstance(v, (bool, np.bool_)) for v in present):
        return [None if v is None else bool(v) for v in values]
    if all(isinstance(v, Integral) and not isinstance(v, (bool, np.bool_)) for v in present):
        return [None if v is None else int(v) for v in values]
    if all(isinstance(v, Real) and not isinstance(v, (bool, np.bool_)) for v in present):
        return [None if v is None else float(v) for v in values]
    if all(isinstance(v, str) for v in present):
        return list(values)
    return [None if v is None else v if isinstance(v, str) else _label(v) for v in values]


def _label(value) -> str:
    return _ADDRESS.sub("", repr(value))


def _check_picklable(plan: _Plan):
    """A process pool pickles the model class and its arguments: say so now, not once per run."""
    try:
        pickle.dumps(plan.model_cls)
    except Exception as exc:  # noqa: BLE001
        raise ValueError(f"{plan.model_cls.__qualname__} cannot be sent to worker processes ({exc}): define it at "
                         "the top level of an importable module") from None
    for key, values in zip(plan.keys, plan.values):
        for value in values:
            try:
                pickle.dumps(value)
            except Exception as exc:  # noqa: BLE001
                raise ValueError(f"parameter {key!r}: the value {_label(value)} cannot be sent to worker processes "
                                 f"({exc})") from None


# --- the output folder ------------------------------------------------------------------------------------
class _Folder:
    """A folder of Parquet files, one per batch of finished runs, all with one schema."""

    def __init__(self, out, manifest: dict, resume: bool):
        self.path = Path(out)
        if self.path.suffix != ".parquet":
            raise ValueError(f"out must end in .parquet (a folder of Parquet files that pandas.read_parquet reads "
                             f"whole), got {str(out)!r}")
        if not self.path.parent.exists():
            raise ValueError(f"out: folder {str(self.path.parent)!r} does not exist")
        if self.path.exists() and not self.path.is_dir():
            raise ValueError(f"out: {str(out)!r} is a file, not a sweep folder; choose another path")
        self.manifest, self.resume = manifest, resume
        existing = self.path.exists() and any(self.path.iterdir())
        if existing and not resume:
            raise ValueError(f"out: {str(out)!r} already holds results; pass resume=True (--resume) to finish that "
                             "sweep, or choose another path")
        if existing:
            written = self.path / MANIFEST
            if not written.exists():
                raise ValueError(f"out: {str(out)!r} is not a sweep folder (no {MANIFEST}); choose another path")
            before = json.loads(written.read_text())
            if before != manifest:
                differ = sorted(k for k in set(before) | set(manifest) if before.get(k) != manifest.get(k))
                raise ValueError(f"out: {str(out)!r} holds a different sweep (it differs in {', '.join(differ)}); "
                                 "resume needs the same model, parameters, seeds, max_steps and "
                                 "data_collection_period")
        self.schema: pa.Schema | None = None
        self.number = 0

    def open(self) -> set[int]:
        """Make the folder ready; the RunIds already written."""
        self.path.mkdir(exist_ok=True)
        for stale in self.path.glob(".part-*.tmp"):  # a write cut short by a crash: its runs run again
            stale.unlink()
        if not (self.path / MANIFEST).exists():
            _atomic_write_text(self.path / MANIFEST, json.dumps(self.manifest, indent=1))
        done: set[int] = set()
        parts = self.parts()
        for part in parts:
            schema = pq.read_schema(part)
            self.schema = schema if self.schema is None else _merge(self.schema, schema)
            done.update(pq.read_table(part, columns=["RunId"]).column("RunId").to_pylist())
            self.number = max(self.number, int(part.stem.split("-")[1]) + 1)
        if parts:
            self._conform_files(self.schema)  # a crash mid-rewrite can leave files on an older schema
        return done

    def parts(self) -> list[Path]:
        return sorted(self.path.glob("part-*.parquet"))

    def write(self, rows: list[dict]):
        """Append one batch of rows as a new file, widening the folder's schema (and older files) if needed."""
        table = _table(rows)
        schema = table.schema if self.schema is None else _merge(self.schema, table.schema)
        if self.schema is not None and not schema.equals(self.schema):
            self._conform_files(schema)
        self.schema = schema
        self._write(_conform(table, schema), self.path / f"part-{self.number:06d}.parquet")
        self.number += 1

    def _conform_files(self, schema: pa.Schema):
        for part in self.parts():
            if not pq.read_schema(part).equals(schema):
                self._write(_conform(pq.read_table(part), schema), part)

    def _write(self, table: pa.Table, target: Path):
        temporary = self.path / f".{target.name}.tmp"
        with open(temporary, "wb") as handle:
            pq.write_table(table, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)  # atomic: readers see the whole file or none of it


def _atomic_write_text(path: Path, text: str):
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text)
    os.replace(temporary, path)


def _table(rows: list[dict]) -> pa.Table:
    """Rows (which may lack some keys: a failed run has no reporters) as one table."""
    names = _ordered(dict.fromkeys(k for row in rows for k in row))
    return pa.table({name: _array([row.get(name) for row in rows]) for name in names})


def _ordered(names) -> list[str]:
    """Column order: identifiers, parameters, reporters as they come, then status and error last."""
    last = [name for name in ("status", "error") if name in names]
    return [name for name in names if name not in last] + last


def _array(values: list) -> pa.Array:
    try:
        return pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        return pa.array([None if v is None else v if isinstance(v, str) else _label(v) for v in values], pa.string())


def _merge(a: pa.Schema, b: pa.Schema) -> pa.Schema:
    """Both schemas' columns; a column typed differently takes the wider type (int → float), else string."""
    types = {field.name: field.type for field in a}
    for field in b:
        known = types.get(field.name)
        if known is None or known == field.type:
            types.setdefault(field.name, field.type)
            continue
        try:
            types[field.name] = pa.unify_schemas(
                [pa.schema([(field.name, known)]), pa.schema([field])], promote_options="permissive"
            ).field(0).type
        except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
            types[field.name] = pa.string()
    return pa.schema([(name, types[name]) for name in _ordered(types)])


def _conform(table: pa.Table, schema: pa.Schema) -> pa.Table:
    columns = []
    for field in schema:
        if field.name not in table.column_names:
            columns.append(pa.nulls(len(table), field.type))
            continue
        column = table.column(field.name)
        if column.type != field.type:
            try:
                column = column.cast(field.type)
            except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
                column = pa.array([None if v is None else str(v) for v in column.to_pylist()], field.type)
        columns.append(column)
    return pa.Table.from_arrays(columns, schema=schema)


# --- executors ---------------------------------------------------------------------------------------------
def local_pool(workers: int | None = None) -> cf.ProcessPoolExecutor:
    """A process pool of `workers` (default: one per core), started by spawn like batch_run's, without
    changing the global start method."""
    return cf.ProcessPoolExecutor(max_workers=workers or _cores(), mp_context=multiprocessing.get_context("spawn"))


def connect_dask(address: str, timeout: float | None = None):
    """A `distributed.Client` for the scheduler at `address`; a clear ValueError, within `timeout` seconds
    (default DASK_TIMEOUT), if it cannot be reached."""
    from distributed import Client

    timeout = DASK_TIMEOUT if timeout is None else timeout
    try:
        return Client(address, timeout=timeout)
    except (OSError, TimeoutError, ValueError) as exc:
        raise ValueError(
            f"cannot reach the Dask scheduler at {address!r} ({exc}). Start one with `dask scheduler` and workers "
            f"with `dask worker {address}`, then give its address as tcp://HOST:PORT"
        ) from None


def local_dask(workers: int = 2):
    """A Dask LocalCluster of `workers` single-threaded processes on 127.0.0.1 and its client."""
    from distributed import Client, LocalCluster

    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                           dashboard_address=None)
    return cluster, Client(cluster)


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def _parallelism(executor) -> int:
    workers = getattr(executor, "_max_workers", None)  # process and thread pools
    if workers:
        return int(workers)
    client = getattr(executor, "_client", None)  # distributed.cfexecutor.ClientExecutor
    if client is not None:
        try:
            return max(1, sum(client.nthreads().values()))
        except Exception:  # noqa: BLE001
            pass
    return _cores()


def _fresh_pool(broken: cf.ProcessPoolExecutor) -> cf.ProcessPoolExecutor:
    return cf.ProcessPoolExecutor(max_workers=broken._max_workers, mp_context=broken._mp_context,
                                  initializer=broken._initializer, initargs=broken._initargs)


# --- the sweep -----------------------------------------------------------------------------------------------
def sweep(model_cls, parameters, rng=None, max_steps=1000, data_collection_period=-1, executor=None, out=None,
          on_error="record", resume=False, display_progress=True, *, flush_every=FLUSH_EVERY,
          flush_seconds=FLUSH_SECONDS):
    """Run `model_cls` over the Cartesian product of `parameters` × the seeds in `rng`, as batch_run does.

    Returns the rows as a DataFrame sorted by RunId and Step when `out` is None (all held in memory),
    else the Path of `out`, a folder of Parquet files that `pandas.read_parquet(out)` reads whole.
    `on_error`: "record" (a failed run is a row with its error; the sweep goes on) or "raise" (stop at the
    first failure with a SweepError, after writing every finished run, so resume can pick up).
    `flush_every` / `flush_seconds`: a batch of finished runs is written after that many runs or seconds.
    Everything is checked before any run starts: a ValueError says what was wrong.
    """
    plan, folder = _prepare(model_cls, parameters, rng, max_steps, data_collection_period, executor, out,
                            on_error, resume)
    if isinstance(flush_every, bool) or not isinstance(flush_every, Integral) or flush_every < 1:
        raise ValueError(f"flush_every must be a whole number >= 1, got {flush_every!r}")
    done = folder.open() if folder is not None else set()

    owned = executor is None
    if owned:
        executor = local_pool()
    # runs in flight: enough to keep every worker busy, and no more, so memory stays flat in the number of runs
    window = 1 if isinstance(executor, InProcessExecutor) else max(4, 2 * _parallelism(executor) + 2)
    todo = (run for run in plan.runs() if run.run_id not in done)
    suspects: deque[_Run] = deque()  # runs lost with a broken pool: rerun one at a time to find the killer
    kills: dict[int, int] = {}
    stop: list[SweepError] = []
    pending: dict[cf.Future, tuple[_Run, bool]] = {}  # future → (run, ran alone)
    kept: list[dict] = []  # every row when out is None
    batch: list[dict] = []
    batch_runs, last_flush, failures = 0, time.monotonic(), 0
    skipped = sum(1 for run_id in done if run_id < plan.total)
    bar = tqdm(total=plan.total, initial=skipped, disable=not display_progress, unit="run", desc="sweep",
               dynamic_ncols=True)

    taken = {*plan.keys, "RunId", "iteration", plan.rng_name, "error"}  # a reporter never overwrites these

    def flush():
        nonlocal batch, batch_runs, last_flush
        if batch and folder is not None:
            folder.write(batch)
        batch, batch_runs, last_flush = [], 0, time.monotonic()

    def record(run: _Run, rows: list[dict], error: str):
        nonlocal batch_runs, failures
        for row in rows:
            full = {"RunId": run.run_id, "iteration": run.iteration, "Step": row.pop("Step")}
            full.update(run.row)
            full.update((f"{key}_reporter" if key in taken else key, value) for key, value in row.items())
            full["error"] = error
            (kept if folder is None else batch).append(full)
        batch_runs += 1
        failures += bool(error)
        bar.update()
        if failures:
            bar.set_postfix(errors=failures, refresh=False)
        if batch_runs >= flush_every:
            flush()

    def in_order(futures):
        return sorted(futures, key=lambda future: pending[future][0].run_id)

    def submit_more() -> bool:
        """Keep `window` runs in flight (one, alone, while suspects are being checked); False if the pool broke."""
        while True:
            isolating = bool(suspects) or any(alone for _, alone in pending.values())
            if len(pending) >= (1 if isolating else window):
                return True
            alone = bool(suspects)
            run = suspects.popleft() if alone else next(todo, None)
            if run is None:
                return True
            try:
                future = executor.submit(run_one, plan.model_cls, run.kwargs, plan.max_steps, plan.period, run.run_id)
            except cf.BrokenExecutor:  # broken by a run already in flight: not this one's fault
                suspects.appendleft(run)
                return False
            pending[future] = (run, alone)

    def collect(future, lost: list) -> bool:
        """Record one finished run; False if it was lost with a broken pool."""
        run, alone = pending.pop(future)
        try:
            rows, error, trace = future.result()
        except cf.BrokenExecutor as exc:
            if alone:  # nothing else ran beside it: it killed its worker
                kills[run.run_id] = kills.get(run.run_id, 0) + 1
                if kills[run.run_id] >= KILLS_ALLOWED:
                    record(run, [{"Step": 0}], f"WorkerDied: the worker process running it died "
                                               f"{kills[run.run_id]} times, alone on a fresh pool ({exc})")
                    return False
            lost.append(run)
            return False
        except (Exception, cf.CancelledError) as exc:  # the executor's failure (e.g. Dask's KilledWorker)
            rows, error, trace = [{"Step": 0}], f"{type(exc).__name__}: {exc}", ""
        if error and on_error == "raise":
            stop.append(SweepError(f"run {run.run_id} ({_describe(run)}) failed: {error}\n{trace}"))
        else:
            record(run, rows, error)
        return True

    try:
        while True:
            intact = submit_more()
            if not pending and intact:
                break
            lost: list[_Run] = []
            if pending:
                finished = cf.wait(pending, timeout=flush_seconds, return_when=cf.FIRST_COMPLETED)[0]
                for future in in_order(finished):
                    intact &= collect(future, lost)
            if stop:  # on_error="raise": the other finished runs are recorded, then the first failure raised
                raise stop[0]
            if not intact:  # a worker died: everything in flight fails with the pool; drain it, then replace it
                for future in in_order(cf.wait(list(pending))[0]):
                    collect(future, lost)
                if not isinstance(executor, cf.ProcessPoolExecutor):
                    raise SweepError(f"the executor broke ({type(executor).__name__}); the finished runs are "
                                     "written: resume=True with a working executor finishes the sweep")
                fresh = _fresh_pool(executor)
                if owned:
                    executor.shutdown(wait=False, cancel_futures=True)
                executor, owned = fresh, True
                suspects.extendleft(sorted(lost, key=lambda r: r.run_id, reverse=True))
            if batch and time.monotonic() - last_flush >= flush_seconds:
                flush()
    except BaseException:
        for future in pending:
            future.cancel()
        if owned:
            executor.shutdown(wait=False, cancel_futures=True)
            owned = False
        raise
    finally:
        flush()  # every finished run is kept, even when the sweep stops early
        bar.close()
        if owned:
            executor.shutdown(wait=True)
    if folder is not None:
        return folder.path
    frame = pd.DataFrame(kept)
    if len(frame):
        frame = frame.sort_values(["RunId", "Step"], kind="stable", ignore_index=True)
    return frame


def check(model_cls, parameters, rng=None, max_steps=1000, data_collection_period=-1, executor=None, out=None,
          on_error="record", resume=False) -> int:
    """Every check `sweep` makes before its first run, without running anything: the number of runs."""
    plan, _ = _prepare(model_cls, parameters, rng, max_steps, data_collection_period, executor, out, on_error,
                       resume)
    return plan.total


def _prepare(model_cls, parameters, rng, max_steps, data_collection_period, executor, out, on_error, resume):
    plan = _Plan(model_cls, parameters, rng, max_steps, data_collection_period)
    if on_error not in ("record", "raise"):
        raise ValueError(f"on_error must be 'record' or 'raise', got {on_error!r}")
    if executor is not None and not isinstance(executor, cf.Executor):
        raise TypeError("executor must be a concurrent.futures.Executor (a ProcessPoolExecutor, or a Dask "
                        f"client's get_executor()), got {type(executor).__name__}")
    if resume and out is None:
        raise ValueError("resume=True needs out=: the runs to skip are the ones already written there")
    if executor is None or isinstance(executor, cf.ProcessPoolExecutor):
        _check_picklable(plan)
    folder = None if out is None else _Folder(out, plan.manifest(), resume)
    return plan, folder


def summarize(frame: pd.DataFrame, by=(), parameters=()) -> pd.DataFrame:
    """Mean and standard deviation over seeds of each run's last reported row, one line per combination of
    the columns `by` (BehaviorSpace's view of a sweep): `runs`, `errors`, then `<reporter> mean` and
    `<reporter> std` for every numeric column that is neither an identifier nor one of `parameters`.
    Failed runs count in `runs` and `errors` only; std needs two runs (NaN otherwise)."""
    by = list(by)
    last = frame.sort_values(["RunId", "Step"], kind="stable").groupby("RunId", sort=False).tail(1)
    failed = last["error"].fillna("").astype(str) != "" if "error" in last else pd.Series(False, index=last.index)
    ignore = {"RunId", "iteration", "Step", "rng", "seed", "error", "status", *by, *parameters}
    reporters = [c for c in last.columns if c not in ignore and pd.api.types.is_numeric_dtype(last[c])
                 and not pd.api.types.is_bool_dtype(last[c])]
    keys = by or ["_all"]
    last = last.assign(_all=0, _failed=failed)
    counts = last.groupby(keys, sort=True, dropna=False).agg(runs=("RunId", "size"), errors=("_failed", "sum"))
    stats = last[~last["_failed"]].groupby(keys, sort=True, dropna=False)[reporters].agg(["mean", "std"])
    stats.columns = [f"{name} {stat}" for name, stat in stats.columns]
    summary = counts.join(stats).reset_index()
    return summary.drop(columns=["_all"]) if not by else summary


def _describe(run: _Run) -> str:
    return ", ".join(f"{k}={_label(v)}" for k, v in run.kwargs.items())
