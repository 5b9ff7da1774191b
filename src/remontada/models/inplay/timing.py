"""When goals come, fitted from the store: the in-play model's time profile and state effects.

The store's timed goals are the international results' goalscorers (about 44,000
goals with their minutes); :func:`fit_timing` fits :class:`~remontada.models.inplay.process.Intensity`
on them, with each match's pre-match expected goals from an Elo pass over the
national teams (each match rated only from earlier results) as the baseline.
International football stands in for club football for the time profile and the
state effects: no club source in the store times its goals. The spread of the day's
balance, though, is a property of the forecasts as much as of the game (national
teams' Elo ratings know less than club ratings do, and knew less in earlier eras), so
it is re-estimated from the full-time scores of the last :data:`SPREAD_YEARS` years of
the matches forecast, against Elo's pre-match rates for them: for clubs all club
matches, for national teams the timed internationals (competitive matches, mostly;
over all internationals, friendlies between unevenly known sides widen it, and
``make inplay-accuracy`` showed the wider spread costing the live forecasts).

What red cards do to the rates is fitted from the club matches whose red cards are
counted (in the bundled data, football-data's league matches since 2000-01, with
half-time scores but no card minutes): :func:`fit_red_card_effect` runs
:func:`~remontada.models.inplay.red_cards.fit_red_cards` on them, with the same Elo pre-match
rates as the baseline.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from remontada.data.queries import goal_timelines, training_matches
from remontada.data.store import Store
from remontada.models import EloModel
from remontada.models.inplay.process import MINUTES, Intensity, fit_intensity, match_spread
from remontada.models.inplay.red_cards import RedCardEffect, fit_red_cards

__all__ = ["SPREAD_YEARS", "fit_red_card_effect", "fit_timing"]

SPREAD_YEARS = 5


def fit_timing(store: Store, *, before: dt.date | None = None, pool: str = "club") -> Intensity:
    """The in-play model for ``pool`` from the matches strictly before ``before`` (all, if ``None``)."""
    intensity, timed = _fit_on_timed_goals(store, before)
    if intensity.matches == 0:
        return intensity
    if pool == "club":
        club = training_matches(store, pool="club", before=before)
        rated = EloModel().fit(club).history_rates()
        timed = club[["date", "home_goals", "away_goals"]].assign(
            home_rate=rated["home_rate"].to_numpy(), away_rate=rated["away_rate"].to_numpy()
        )
    recent = timed[timed["date"] >= timed["date"].max() - pd.Timedelta(days=365.25 * SPREAD_YEARS)]
    sd, se = match_spread(recent["home_goals"], recent["away_goals"], recent["home_rate"], recent["away_rate"])
    return replace(intensity, match_sd=sd, se_match_sd=se)


def fit_red_card_effect(
    store: Store, *, before: dt.date | None = None, intensity: Intensity | None = None
) -> RedCardEffect:
    """The effect of red cards on club scoring rates, from the matches strictly before ``before``.

    Fitted on the club matches with red-card counts, each with Elo's pre-match rates
    (from a pass over all club matches before ``before``) and the time profile of
    ``intensity`` (flat if ``None``). :meth:`RedCardEffect.none` if no match has
    counted red cards, or none has exactly one.
    """
    club = training_matches(store, pool="club", before=before)
    known = (club["home_red"].notna() & club["away_red"].notna()).to_numpy()
    single = known & (club["home_red"].fillna(0) + club["away_red"].fillna(0) == 1).to_numpy()
    if not single.any():
        return RedCardEffect.none()
    rated = EloModel().fit(club).history_rates()
    rows = club[known]

    def column(name: str) -> NDArray[np.float64]:
        return rows[name].to_numpy(dtype=float, na_value=np.nan)

    return fit_red_cards(
        column("ht_home_goals"),
        column("ht_away_goals"),
        column("home_goals"),
        column("away_goals"),
        column("home_red"),
        column("away_red"),
        rated.loc[known, "home_rate"].to_numpy(float),
        rated.loc[known, "away_rate"].to_numpy(float),
        np.ones(MINUTES) if intensity is None else intensity.profile,
    )


def _fit_on_timed_goals(store: Store, before: dt.date | None) -> tuple[Intensity, pd.DataFrame]:
    """The intensity fitted on the timed internationals, and those matches with their pre-match rates."""
    matches, goals = goal_timelines(store, before=before)
    if matches.empty:
        return Intensity.flat(), matches
    national = training_matches(store, pool="national", before=before)
    elo = EloModel().fit(national)
    rated = elo.history_rates()
    rated = rated.assign(date=pd.to_datetime(rated["date"])).drop_duplicates(["date", "home_id", "away_id"])
    frame = matches.assign(date=pd.to_datetime(matches["date"])).merge(
        rated[["date", "home_id", "away_id", "home_rate", "away_rate"]], on=["date", "home_id", "away_id"], how="inner"
    )
    index = {int(m): i for i, m in enumerate(frame["match_id"])}
    goals = goals[goals["match_id"].isin(index)]
    intensity = fit_intensity(
        np.asarray(goals["match_id"].map(index), dtype=np.intp),
        goals["minute"].to_numpy(np.intp),
        goals["home_side"].to_numpy(bool),
        frame["home_rate"].to_numpy(float),
        frame["away_rate"].to_numpy(float),
    )
    return intensity, frame
