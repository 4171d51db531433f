"""Where a sweep's runs execute: in this process, a local process pool, or a Dask cluster."""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os

DASK_TIMEOUT = 5.0  # seconds to reach a Dask scheduler before saying it cannot be reached


class InProcessExecutor(cf.Executor):
    """Runs each call at once, in this process: for debugging, tests and sweeps too small to ship out."""

    def submit(self, fn, /, *args, **kwargs):
        future = cf.Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as exc:  # noqa: BLE001 - handed to the caller through the future, like a pool
            future.set_exception(exc)
        return future


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

    cluster = LocalCluster(
        n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    )
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
    return cf.ProcessPoolExecutor(
        max_workers=broken._max_workers,
        mp_context=broken._mp_context,
        initializer=broken._initializer,
        initargs=broken._initargs,
    )
