"""Bounded, thread-safe memos that compute each key once at a time (single-flight).

The forecasters remember what is slow to work out (fitted models, each date's
evidence, resolved matches), and the web app asks them from many threads at once.
A :class:`Memo` keeps the latest ``size`` answers; while a key is being computed,
other callers for that key wait for that one computation instead of starting their
own, and callers for other keys go ahead. Errors are not remembered: the next
caller tries again.

Every entry is a :class:`concurrent.futures.Future`, finished or in flight, so a
caller can also wait for an answer with a time limit (:meth:`Memo.submit`) while
the computation goes on and fills the memo.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import Executor, Future
from typing import Generic, TypeVar

__all__ = ["Memo"]

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Memo(Generic[K, V]):
    """The latest ``size`` answers by key; one computation per key in flight."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._lock = threading.Lock()
        self._entries: OrderedDict[K, Future[V]] = OrderedDict()
        self._flying = 0

    def get(self, key: K, compute: Callable[[], V]) -> V:
        """The answer for ``key``: remembered, else awaited from whoever computes it, else ``compute()`` here."""
        claim = self._claim(key)
        assert claim is not None  # no limit: always a claim
        future, mine = claim
        if mine:
            self._run(key, future, compute)
        return future.result()

    def submit(
        self, key: K, compute: Callable[[], V], executor: Executor, *, most_in_flight: int | None = None
    ) -> Future[V] | None:
        """The answer for ``key`` as a future: remembered, in flight, or ``compute`` sent to ``executor``.

        ``None`` when the key would be a new computation but ``most_in_flight`` are
        already running or queued (the caller is told to come back later).
        """
        claim = self._claim(key, most_in_flight)
        if claim is None:
            return None
        future, mine = claim
        if mine:
            executor.submit(self._run, key, future, compute)
        return future

    def peek(self, key: K) -> V | None:
        """The answer for ``key`` if it is remembered and finished, else ``None`` (never waits, never computes)."""
        with self._lock:
            found = self._entries.get(key)
        if found is None or not found.done() or found.exception() is not None:
            return None
        return found.result()

    def finished(self) -> list[tuple[K, V]]:
        """The answers remembered now, oldest first (a snapshot: safe while others compute)."""
        with self._lock:
            done = [(k, f) for k, f in self._entries.items() if f.done() and f.exception() is None]
        return [(k, f.result()) for k, f in done]

    def in_flight(self) -> int:
        """How many computations are running or queued."""
        return self._flying

    def _claim(self, key: K, most_in_flight: int | None = None) -> tuple[Future[V], bool] | None:
        """The entry for ``key`` and whether the caller must compute it (it is new); ``None`` past the limit."""
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
                return found, False
            if most_in_flight is not None and self._flying >= most_in_flight:
                return None
            future: Future[V] = Future()
            future.set_running_or_notify_cancel()  # running from now on: a waiter that gives up cannot cancel it
            self._entries[key] = future
            self._flying += 1
            self._trim()
            return future, True

    def _run(self, key: K, future: Future[V], compute: Callable[[], V]) -> None:
        """Compute ``key``'s answer into its future; a failure is handed to the waiters and forgotten."""
        try:
            value = compute()
        except BaseException as exc:  # every waiter gets it, whatever it is; a caller of get() gets it raised
            with self._lock:
                self._flying -= 1
                if self._entries.get(key) is future:
                    del self._entries[key]
            future.set_exception(exc)
            return
        with self._lock:
            self._flying -= 1
        future.set_result(value)

    def _trim(self) -> None:
        """Forget the oldest finished answers beyond ``size`` (answers in flight stay until they land)."""
        excess = len(self._entries) - self.size
        if excess <= 0:
            return
        oldest: list[K] = []
        for k, f in self._entries.items():
            if len(oldest) == excess:
                break
            if f.done():
                oldest.append(k)
        for k in oldest:
            del self._entries[k]
