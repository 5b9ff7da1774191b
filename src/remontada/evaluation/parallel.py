"""Run many independent jobs: inline, in local processes, or on a Dask cluster.

:func:`run` maps a function over a list of tasks (backtest folds, batch chunks,
tournament simulations) and returns the results in task order, whichever backend
ran them. Where the work runs is chosen by ``scheduler``, else by the
``REMONTADA_SCHEDULER`` environment variable, else local processes:

``"processes"`` (the default)
    A pool of ``workers`` local processes (default: the CPUs this process may use).
    With one worker or one task the work runs inline instead: no pool to start.
``"inline"``
    One after another in this process: no start-up cost, and a debugger or a
    profiler sees everything. Best for small jobs and for chasing a bug.
an address such as ``"tcp://10.0.0.5:8786"``
    A running Dask distributed scheduler (``dask scheduler`` plus ``dask worker``
    processes on the machines of a cluster). Use it when the jobs outgrow one machine.

The function and its tasks and results travel between processes, so they must be
picklable: define the function at module level in an importable module, not as a
lambda or a closure. Local processes are started fresh (``spawn``), as a cluster's
workers are, so nothing of this process's state leaks into the results (a script that
calls :func:`run` needs the usual ``if __name__ == "__main__":`` guard). On a cluster,
every worker needs remontada, at the same version, installed. The function must be
deterministic for the results not to depend on the backend.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_EXCEPTION, Future, ProcessPoolExecutor, wait
from typing import TypeVar

from remontada.errors import SchedulerError

__all__ = ["CONNECT_TIMEOUT", "ENV_VAR", "ProgressCallback", "SchedulerError", "describe", "run"]

T = TypeVar("T")
R = TypeVar("R")

ProgressCallback = Callable[[int, int], None]
"""``on_done(done, total)``: called after each result arrives, ``done`` counting up to ``total``."""

ENV_VAR = "REMONTADA_SCHEDULER"
"""The environment variable naming the scheduler when ``scheduler`` is not given."""

CONNECT_TIMEOUT = 5.0
"""Seconds to wait for a Dask scheduler to answer before giving up."""

INLINE = "inline"
PROCESSES = "processes"


def run(
    fn: Callable[..., R],
    tasks: Iterable[T],
    *,
    shared: object = None,
    scheduler: str | None = None,
    workers: int | None = None,
    on_done: ProgressCallback | None = None,
    connect_timeout: float = CONNECT_TIMEOUT,
) -> list[R]:
    """``[fn(task) for task in tasks]`` (or ``fn(shared, task)``), inline, in local processes or on Dask.

    Parameters
    ----------
    fn
        A picklable (module-level) function of one task, or of ``shared`` and a task.
    tasks
        The tasks; each, and each result, must be picklable.
    shared
        Data every task reads (a large frame of history): sent once to each local
        process or, on Dask, scattered once to every worker, instead of with every
        task. ``None``: ``fn`` takes the task alone.
    scheduler
        ``"inline"``, ``"processes"`` or a Dask scheduler's address; ``None`` reads
        ``REMONTADA_SCHEDULER``, and without it uses local processes.
    workers
        How many local processes (default: the CPUs available). A Dask cluster uses
        the workers it has, and ignores this.
    on_done
        Called as ``on_done(done, total)`` after each task finishes, in this process.
    connect_timeout
        Seconds to wait for a Dask scheduler.

    Returns
    -------
    list
        The results, in the order of ``tasks``.

    Raises
    ------
    SchedulerError
        The scheduler's name is not understood, or a Dask scheduler cannot be reached.
    Exception
        The first error a task raised (tasks not yet started are cancelled).
    """
    items = list(tasks)
    backend = _backend(scheduler)
    if not items:
        return []
    if backend == INLINE:
        return _run_inline(fn, items, shared, on_done)
    if backend == PROCESSES:
        count = _workers(workers)
        if count == 1 or len(items) == 1:
            return _run_inline(fn, items, shared, on_done)
        return _run_processes(fn, items, shared, min(count, len(items)), on_done)
    return _run_dask(fn, items, shared, backend, on_done, connect_timeout)


def describe(scheduler: str | None = None, workers: int | None = None) -> str:
    """Where :func:`run` with these arguments sends work, for a command line to print.

    ``"inline"``, ``"4 local processes"`` or ``"dask scheduler tcp://host:8786"``.
    """
    backend = _backend(scheduler)
    if backend == INLINE:
        return "inline"
    if backend == PROCESSES:
        count = _workers(workers)
        return "inline" if count == 1 else f"{count} local processes"
    return f"dask scheduler {backend}"


def _backend(scheduler: str | None) -> str:
    """``"inline"``, ``"processes"`` or a scheduler address, from the argument or the environment."""
    source = "scheduler"
    if scheduler is None:
        scheduler = os.environ.get(ENV_VAR, "")
        source = ENV_VAR
    name = scheduler.strip()
    if name == "":
        return PROCESSES
    if name.lower() in (INLINE, PROCESSES):
        return name.lower()
    from distributed.comm.addressing import get_address_host_port

    try:
        get_address_host_port(name)  # parses the address without connecting
    except ValueError as error:
        raise SchedulerError(
            f"{source}={scheduler!r} is not understood ({error}): use {INLINE!r}, {PROCESSES!r} "
            "or a Dask scheduler's address such as 'tcp://host:8786'"
        ) from None
    return name


def _workers(workers: int | None) -> int:
    if workers is None:
        try:
            return max(1, len(os.sched_getaffinity(0)))
        except AttributeError:  # not on Linux
            return os.cpu_count() or 1
    if workers < 1:
        raise ValueError(f"workers must be at least 1, not {workers}")
    return workers


def _call(fn: Callable[..., R], shared: object, item: object) -> R:
    return fn(item) if shared is None else fn(shared, item)


_SHARED: object = None  # in a local worker process: the data shared by every task


def _receive(shared: object) -> None:
    global _SHARED
    _SHARED = shared


def _call_in_worker(fn: Callable[..., R], item: object) -> R:
    return _call(fn, _SHARED, item)


def _run_inline(fn: Callable[..., R], items: list[T], shared: object, on_done: ProgressCallback | None) -> list[R]:
    results = []
    for done, item in enumerate(items, start=1):
        results.append(_call(fn, shared, item))
        if on_done is not None:
            on_done(done, len(items))
    return results


def _run_processes(
    fn: Callable[..., R], items: list[T], shared: object, workers: int, on_done: ProgressCallback | None
) -> list[R]:
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_receive, initargs=(shared,))
    try:
        futures = [pool.submit(_call_in_worker, fn, item) for item in items]
        pending: set[Future[R]] = set(futures)
        done_count = 0
        while pending:
            finished, pending = wait(pending, return_when=FIRST_EXCEPTION)
            for future in finished:
                future.result()  # the task's own error, if it raised one
                done_count += 1
                if on_done is not None:
                    on_done(done_count, len(items))
        return [future.result() for future in futures]
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _run_dask(
    fn: Callable[..., R],
    items: list[T],
    shared: object,
    address: str,
    on_done: ProgressCallback | None,
    timeout: float,
) -> list[R]:
    from distributed import Client, as_completed

    try:
        client = Client(address, timeout=timeout, set_as_default=False)  # type: ignore[no-untyped-call]
    except OSError as error:  # refused, unknown host, or no answer in time: all time out
        raise SchedulerError(
            f"cannot reach the Dask scheduler at {address} within {timeout:g} s ({error}); check the "
            f"address given as the scheduler or in {ENV_VAR}, or leave both unset to run in local processes"
        ) from error
    with client:
        if shared is None:
            futures = client.map(fn, items, pure=False)
        else:
            [on_workers] = client.scatter([shared], broadcast=True)  # type: ignore[no-untyped-call]
            futures = client.map(fn, [on_workers] * len(items), items, pure=False)
        index = {future.key: position for position, future in enumerate(futures)}
        results: dict[int, R] = {}
        try:
            for done, future in enumerate(as_completed(futures, loop=client.loop), start=1):  # type: ignore[no-untyped-call]
                results[index[future.key]] = future.result()
                if on_done is not None:
                    on_done(done, len(items))
        except BaseException:
            client.cancel(futures)  # type: ignore[no-untyped-call]
            raise
    return [results[position] for position in range(len(items))]
