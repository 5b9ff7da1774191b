"""What every request needs: the warm engines (store and forecasters) and the templates."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, TypeVar, cast

import pandas as pd
from fastapi import Depends, Request
from fastapi.templating import Jinja2Templates

from remontada.live import LiveForecaster
from remontada.queries import two_legged_ties
from remontada.store import Store
from remontada.tie_forecast import TieForecaster

__all__ = ["ANSWERS_KEPT", "HERE", "MAX_QUERY", "Engines", "EnginesDep", "templates"]

HERE = Path(__file__).parent
MAX_QUERY = 2000
"""The longest query string a request may have, in characters (longer: 413)."""
ANSWERS_KEPT = 4096
"""API answers the app remembers (see :meth:`Engines.answer`)."""
T = TypeVar("T")

templates = Jinja2Templates(directory=HERE / "templates")


@dataclass
class Engines:
    """What the app keeps warm between requests: the store and the forecasters (each fit is cached by date).

    The store's connection and the forecasters' caches are not thread-safe, and the
    server runs endpoints in a thread pool, so every library call holds ``lock``.
    """

    store: Store
    ties: TieForecaster
    live: LiveForecaster
    lock: threading.Lock = field(default_factory=threading.Lock)
    _rounds: pd.DataFrame | None = None
    _answers: dict[tuple[Any, ...], Any] = field(default_factory=dict)

    def answer(self, key: tuple[Any, ...], compute: Callable[[], T]) -> T:
        """``compute()`` under the lock, remembered by ``key`` (the request's normalised inputs).

        The store is read-only and every forecast is a function of its inputs, so an
        answer can be given again as it is: a live match's page asks for the same few
        states over and over while a crowd watches it. The oldest of
        :data:`ANSWERS_KEPT` answers goes first; errors are not remembered.
        """
        with self.lock:
            if key in self._answers:
                return cast(T, self._answers[key])
            value = compute()
            if len(self._answers) >= ANSWERS_KEPT:
                self._answers.pop(next(iter(self._answers)))
            self._answers[key] = value
            return value

    def rounds(self) -> pd.DataFrame:
        """Every competition, season and round with two-legged ties (for the pickers; cached)."""
        if self._rounds is None:
            with self.lock:
                frame = two_legged_ties(self.store)
            self._rounds = (
                frame.groupby(["competition_id", "competition", "season", "round"], dropna=True)
                .agg(ties=("tie_id", "size"), last=("leg2_date", "max"))
                .reset_index()
                .sort_values(["competition", "season", "last"])
            )
        return self._rounds


def _engines(request: Request) -> Engines:
    engines: Engines = request.app.state.engines
    return engines


EnginesDep = Annotated[Engines, Depends(_engines)]
