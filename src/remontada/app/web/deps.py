"""What every request needs: the warm engines (store and forecasters) and the templates."""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, TypeVar

import duckdb
import pandas as pd
from fastapi import Depends, Query, Request
from fastapi.templating import Jinja2Templates

from remontada.data.queries import two_legged_ties
from remontada.data.store import Store
from remontada.errors import DataError, RemontadaError
from remontada.knockout.forecast import TieForecaster
from remontada.live.forecast import LiveForecaster
from remontada.memo import Memo
from remontada.models.forecast import Forecaster
from remontada.tournaments.forecast import TournamentForecaster

__all__ = [
    "ANSWERS_KEPT",
    "ANSWER_WAIT",
    "COMPUTING_AT_ONCE",
    "DATE_HORIZON",
    "HERE",
    "IN_FLIGHT",
    "MAX_QUERY",
    "RETRY_AFTER",
    "Day",
    "Engines",
    "EnginesDep",
    "StillWorking",
    "ThreadStore",
    "templates",
]

HERE = Path(__file__).parent
MAX_QUERY = 2000
"""The longest query string a request may have, in characters (longer: 413)."""
ANSWERS_KEPT = 4096
"""API answers the app remembers (see :meth:`Engines.answer`)."""
ANSWER_WAIT = 15.0
"""Seconds a request waits for an answer being worked out; then a 503 (the work goes on and is remembered)."""
RETRY_AFTER = 10
"""Seconds a client told to come back later (503) is asked to wait: about one model fit."""
COMPUTING_AT_ONCE = 4
"""Answers worked out at the same time (threads); more wait their turn."""
IN_FLIGHT = 32
"""Answers being worked out or waiting their turn, at most; a request for another one is a 503 at once."""
DATE_HORIZON = 366
"""How many days after the store's last match a forecast date may be."""
T = TypeVar("T")

templates = Jinja2Templates(directory=HERE / "templates")


class StillWorking(RemontadaError):
    """An answer is not ready within :data:`ANSWER_WAIT` seconds, or too many are being worked out (a 503)."""


class ThreadStore(Store):
    """A read-only store that many threads read at once: each thread queries through its own DuckDB cursor.

    A DuckDB connection must not be used by two threads at a time; a cursor is a
    connection of its own to the same database, so reads from different threads go
    ahead side by side and nothing needs a lock.
    """

    def __init__(self, store: Store) -> None:
        self._root = store.con
        self._local = threading.local()
        super().__init__(store.con, store.path, store.read_only)

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        """The calling thread's cursor (made on its first query)."""
        cursor: duckdb.DuckDBPyConnection | None = getattr(self._local, "cursor", None)
        if cursor is None:
            cursor = self._local.cursor = self._root.cursor()
        return cursor

    @con.setter
    def con(self, value: duckdb.DuckDBPyConnection) -> None:
        self._root = value

    def close(self) -> None:
        """Close the store (every thread's cursor with it)."""
        self._root.close()


@dataclass
class Engines:
    """What the app keeps warm between requests: the store and the forecasters (each fit is cached by date).

    Library calls run on a small pool of threads (:data:`COMPUTING_AT_ONCE`), never
    on the server's event loop, and their answers are remembered: a remembered
    answer is given at once, whatever else is being worked out.
    """

    store: Store
    ties: TieForecaster
    live: LiveForecaster
    tournaments: TournamentForecaster
    matches: Forecaster
    wait: float = ANSWER_WAIT
    first: dt.date = field(init=False)
    last: dt.date = field(init=False)
    _answers: Memo[tuple[Any, ...], Any] = field(default_factory=lambda: Memo(ANSWERS_KEPT))
    _pool: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(COMPUTING_AT_ONCE, thread_name_prefix="remontada")
    )

    def __post_init__(self) -> None:
        row = self.store.one("SELECT min(date), max(date) FROM matches")
        if row is None or row[0] is None:
            raise DataError(f"the store {self.store.path} holds no matches: import some first")
        self.first, self.last = row

    async def answer(self, key: tuple[Any, ...], compute: Callable[[], T]) -> T:
        """``compute()`` on the engines' threads, remembered by ``key`` (the request's normalised inputs).

        The store is read-only and every forecast is a function of its inputs, so an
        answer can be given again as it is: a live match's page asks for the same few
        states over and over while a crowd watches it. Requests for an answer being
        worked out wait for that one computation; after :attr:`wait` seconds they get
        :class:`StillWorking` while it goes on. The oldest of :data:`ANSWERS_KEPT`
        answers goes first; errors are not remembered.
        """
        future = self._answers.submit(key, compute, self._pool, most_in_flight=IN_FLIGHT)
        if future is None:
            raise StillWorking(f"the server is working out {IN_FLIGHT} other answers: try again in {RETRY_AFTER} s")
        try:
            return await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(future)), self.wait)
        except TimeoutError:
            raise StillWorking(
                f"this answer takes more than {self.wait:g} s to work out (a model is being fitted for the date); "
                f"it goes on: try again in {RETRY_AFTER} s"
            ) from None

    def check_day(self, day: dt.date) -> dt.date:
        """``day`` if forecasts can be made for it: after the store's first match, within the horizon after its last."""
        earliest, latest = self.first + dt.timedelta(days=1), self.last + dt.timedelta(days=DATE_HORIZON)
        if not earliest <= day <= latest:
            raise DataError(
                f"date: {day} is outside the store's range; give a date from {earliest} (the day after its first "
                f"match) to {latest} ({DATE_HORIZON} days after its last, {self.last})"
            )
        return day

    async def rounds(self) -> pd.DataFrame:
        """Every competition, season and round with two-legged ties (for the pickers; cached)."""

        def compute() -> pd.DataFrame:
            return (
                two_legged_ties(self.store)
                .groupby(["competition_id", "competition", "season", "round"], dropna=True)
                .agg(ties=("tie_id", "size"), last=("leg2_date", "max"))
                .reset_index()
                .sort_values(["competition", "season", "last"])
            )

        return await self.answer(("rounds",), compute)

    async def competitions(self) -> pd.DataFrame:
        """Every league and continental cup's seasons, with their first and last match (for the picker; cached)."""

        def compute() -> pd.DataFrame:
            return self.store.df(
                """SELECT c.competition_id, any_value(c.name) AS competition, m.season,
                          min(m.date) AS first, max(m.date) AS last
                   FROM matches m JOIN competitions c USING (competition_id)
                   WHERE c.kind = 'league' OR (c.kind = 'continental' AND m.knockout)
                   GROUP BY c.competition_id, m.season ORDER BY competition, m.season"""
            )

        return await self.answer(("competitions",), compute)

    def close(self) -> None:
        """Stop taking work (what is running finishes) and close the store."""
        self._pool.shutdown(wait=False, cancel_futures=True)
        self.store.close()


async def _engines(request: Request) -> Engines:  # async: no trip to a worker thread for an attribute
    engines: Engines = request.app.state.engines
    return engines


EnginesDep = Annotated[Engines, Depends(_engines)]


async def _day(
    engines: EnginesDep,
    date: Annotated[
        dt.date | None,
        Query(
            description="Forecast with matches strictly before this day (the second leg's date): after the store's "
            f"first match and at most {DATE_HORIZON} days after its last (else 422)."
        ),
    ] = None,
) -> dt.date | None:
    return None if date is None else engines.check_day(date)


Day = Annotated[dt.date | None, Depends(_day)]
"""The forecast date of a request, checked against the store's range (:meth:`Engines.check_day`)."""
