"""When goals come, fitted from the store: the in-play model's time profile and state effects.

The store's timed goals are the international results' goalscorers (about 44,000
goals with their minutes); :func:`fit_timing` fits :class:`~remontada.inplay.Intensity`
on them, with each match's pre-match expected goals from an Elo pass over the
national teams (each match rated only from earlier results) as the baseline.
International football stands in for club football here: no club source in the
store times its goals.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from remontada.inplay import Intensity, fit_intensity
from remontada.models import EloModel
from remontada.queries import goal_timelines, training_matches
from remontada.store import Store

__all__ = ["fit_timing"]


def fit_timing(store: Store, *, before: dt.date | None = None) -> Intensity:
    """The in-play model from the timed matches strictly before ``before`` (all, if ``None``)."""
    matches, goals = goal_timelines(store, before=before)
    if matches.empty:
        return Intensity.flat()
    national = training_matches(store, pool="national", before=before)
    elo = EloModel().fit(national)
    rated = elo.history_rates()
    rated = rated.assign(date=pd.to_datetime(rated["date"])).drop_duplicates(["date", "home_id", "away_id"])
    frame = matches.assign(date=pd.to_datetime(matches["date"])).merge(
        rated[["date", "home_id", "away_id", "home_rate", "away_rate"]], on=["date", "home_id", "away_id"], how="inner"
    )
    index = {int(m): i for i, m in enumerate(frame["match_id"])}
    goals = goals[goals["match_id"].isin(index)]
    return fit_intensity(
        np.asarray(goals["match_id"].map(index), dtype=np.intp),
        goals["minute"].to_numpy(np.intp),
        goals["home_side"].to_numpy(bool),
        frame["home_rate"].to_numpy(float),
        frame["away_rate"].to_numpy(float),
    )
