import socket
import time

import pytest

from remontada.errors import RemontadaError
from remontada.evaluation.parallel import ENV_VAR, SchedulerError, describe, run

TASKS = list(range(23))
EXPECTED = [(n, n * n + 1) for n in TASKS]


def square_plus_one(n: int) -> tuple[int, int]:
    """The task function: module level, so every backend can pickle it."""
    return n, n * n + 1


def fails_on_seven(n: int) -> int:
    if n == 7:
        raise ValueError(f"task {n} failed")
    return n


@pytest.fixture(autouse=True)
def no_scheduler_in_env(monkeypatch):
    monkeypatch.delenv(ENV_VAR, raising=False)


@pytest.fixture(scope="module")
def dask_address():
    """A two-worker Dask cluster on a free local TCP port, for the whole module."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=False,  # worker threads in this process: starts in milliseconds, still talks TCP
        protocol="tcp",
        host="127.0.0.1",
        scheduler_port=0,
        dashboard_address="127.0.0.1:0",  # the HTTP endpoint on a free port: None would still try 8787
    ) as cluster:
        yield cluster.scheduler_address


def closed_port_address() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"tcp://127.0.0.1:{port}"


def test_inline():
    assert run(square_plus_one, TASKS, scheduler="inline") == EXPECTED


def test_processes():
    calls: list[tuple[int, int]] = []
    results = run(square_plus_one, TASKS, scheduler="processes", workers=2, on_done=lambda *call: calls.append(call))
    assert results == EXPECTED
    assert calls == [(done, len(TASKS)) for done in range(1, len(TASKS) + 1)]


def test_one_worker_or_one_task_runs_inline():
    # a lambda cannot be pickled: these only pass if no pool is involved
    assert run(lambda n: n + 1, TASKS, scheduler="processes", workers=1) == [n + 1 for n in TASKS]
    assert run(lambda n: n + 1, [41], scheduler="processes", workers=2) == [42]


def test_no_tasks():
    assert run(square_plus_one, [], scheduler="processes") == []


def test_dask(dask_address):
    assert run(square_plus_one, TASKS, scheduler=dask_address) == EXPECTED


def test_dask_from_environment(dask_address, monkeypatch):
    monkeypatch.setenv(ENV_VAR, dask_address)
    assert describe() == f"dask scheduler {dask_address}"
    assert run(square_plus_one, TASKS) == EXPECTED


def test_argument_overrides_environment(monkeypatch):
    monkeypatch.setenv(ENV_VAR, closed_port_address())
    assert run(square_plus_one, TASKS, scheduler="inline") == EXPECTED


@pytest.mark.parametrize("scheduler", ["inline", "processes", "dask"])
def test_task_error_propagates(scheduler, request):
    if scheduler == "dask":
        scheduler = request.getfixturevalue("dask_address")
    with pytest.raises(ValueError, match="task 7 failed"):
        run(fails_on_seven, TASKS, scheduler=scheduler, workers=2)


@pytest.mark.parametrize("scheduler", ["inline", "dask"])  # processes: in test_processes
def test_on_done_counts_up_to_total(scheduler, request):
    if scheduler == "dask":
        scheduler = request.getfixturevalue("dask_address")
    calls: list[tuple[int, int]] = []
    run(square_plus_one, TASKS, scheduler=scheduler, workers=2, on_done=lambda done, total: calls.append((done, total)))
    assert calls == [(done, len(TASKS)) for done in range(1, len(TASKS) + 1)]


def test_unreachable_scheduler_is_a_clear_error(monkeypatch):
    address = closed_port_address()
    monkeypatch.setenv(ENV_VAR, address)
    start = time.monotonic()
    with pytest.raises(SchedulerError, match=ENV_VAR) as caught:
        run(square_plus_one, TASKS, connect_timeout=1)
    assert time.monotonic() - start < 10
    assert address in str(caught.value)
    assert isinstance(caught.value, RemontadaError)


@pytest.mark.parametrize("name", ["local", "udp://host:8786", "tcp://host"])
def test_unknown_scheduler_names(name, monkeypatch):
    with pytest.raises(SchedulerError, match="not understood"):
        run(square_plus_one, TASKS, scheduler=name)
    monkeypatch.setenv(ENV_VAR, name)
    with pytest.raises(SchedulerError, match=ENV_VAR):
        describe()


def test_workers_must_be_positive():
    with pytest.raises(ValueError, match="workers"):
        run(square_plus_one, TASKS, scheduler="processes", workers=0)


def test_describe(monkeypatch):
    assert describe("inline") == "inline"
    assert describe("processes", workers=3) == "3 local processes"
    assert describe("processes", workers=1) == "inline"
    assert describe("tcp://10.0.0.5:8786") == "dask scheduler tcp://10.0.0.5:8786"
    assert describe().endswith("local processes") or describe() == "inline"  # depends on the CPUs
    monkeypatch.setenv(ENV_VAR, "inline")
    assert describe() == "inline"


def _scaled(shared, task):
    return shared["factor"] * task


@pytest.mark.parametrize("backend", ["inline", "processes", "dask"])
def test_shared_data_reaches_every_task_once(backend, request):
    scheduler = request.getfixturevalue("dask_address") if backend == "dask" else backend
    out = run(_scaled, [1, 2, 3], shared={"factor": 10}, scheduler=scheduler, workers=2)
    assert out == [10, 20, 30]
