"""A competition's calendar: the matches a season has played and those it has still to play.

Fixtures (matches not yet played) come from openfootball's unscored lines, football-data's
``fixtures.csv`` and fixtures files; a result replaces its fixture when it arrives. These
views put both together, as the whole-competition forecasts and ``match --upcoming``
read them, and never let a forecast dated ``as_of`` see a score from that day or later.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from remontada.data.queries import find_competition
from remontada.data.store import Store

__all__ = ["competition_matches", "upcoming"]


def competition_matches(store: Store, competition: str, season: str, as_of: dt.date | None = None) -> pd.DataFrame:
    """A season of a competition as a whole-competition forecast needs it: played matches and fixtures.

    Parameters
    ----------
    store
        The match store.
    competition
        A slug (``uefa-cl``) or a name (``Champions League``), as :func:`find_competition` reads it.
    season
        ``2023-24``, or a calendar year for internationals.
    as_of
        If given, the season as it stood on the morning of that day: every match on or
        after ``as_of`` is returned as not played, its goals missing, so that nothing
        from that day or later leaks into a forecast made then.

    Returns
    -------
    pandas.DataFrame
        One row per match, ordered by date (then kick-off): ``date``, ``kickoff``,
        ``home_id``, ``away_id``, ``home``, ``away`` (team names), ``neutral``,
        ``round``, ``group`` (the group letter, or missing), ``home_goals``,
        ``away_goals`` (nullable integers after 90 minutes; missing when not played),
        ``et_home_goals``, ``et_away_goals`` (after extra time, where there was one),
        ``shootout_winner`` (the name of a shootout's winner, from the match's penalty
        counts or a shootout reported apart), ``played``, ``knockout``, ``leg`` (1 or 2
        for a leg of a two-legged tie, else missing), ``match_id`` (stored matches) and ``fixture_id`` (fixtures).
    """
    competition_id = find_competition(store, competition)
    frame = store.df(
        """
        SELECT m.date, m.kickoff, m.home_id, m.away_id, h.name AS home, a.name AS away, m.neutral, m.round,
               m.grp AS "group", m.home_goals, m.away_goals, m.et_home_goals, m.et_away_goals,
               CASE WHEN m.pen_home > m.pen_away THEN h.name WHEN m.pen_away > m.pen_home THEN a.name
                    ELSE w.name END AS shootout_winner,
               true AS played, m.knockout,
               TRY_CAST(l.leg AS SMALLINT) AS leg, m.match_id, CAST(NULL AS INTEGER) AS fixture_id
        FROM matches m JOIN teams h ON h.team_id = m.home_id JOIN teams a ON a.team_id = m.away_id
        LEFT JOIN tie_legs l ON l.match_id = m.match_id
        LEFT JOIN shootouts s ON s.match_id = m.match_id LEFT JOIN teams w ON w.team_id = s.winner_id
        WHERE m.competition_id = ? AND m.season = ?
        UNION ALL
        SELECT f.date, f.kickoff, f.home_id, f.away_id, h.name, a.name, f.neutral, f.round, f.grp, NULL, NULL,
               NULL, NULL, NULL, false, f.knockout, f.leg, NULL, f.fixture_id
        FROM fixtures f JOIN teams h ON h.team_id = f.home_id JOIN teams a ON a.team_id = f.away_id
        WHERE f.competition_id = ? AND f.season = ?
        ORDER BY date, kickoff NULLS FIRST, match_id NULLS LAST, fixture_id
        """,
        [competition_id, season, competition_id, season],
    )
    goals = ["home_goals", "away_goals", "et_home_goals", "et_away_goals"]
    for column in (*goals, "leg", "match_id", "fixture_id", "home_id", "away_id"):
        frame[column] = frame[column].astype("Int64")
    for column in ("played", "neutral", "knockout"):
        frame[column] = frame[column].astype(bool)
    frame["date"] = pd.to_datetime(frame["date"])
    if as_of is not None:
        later = (frame["date"] >= pd.Timestamp(as_of)).to_numpy()
        frame.loc[later, "played"] = False
        frame.loc[later, goals] = pd.NA
        frame.loc[later, "shootout_winner"] = None
    return frame.reset_index(drop=True)


def upcoming(store: Store, *, start: dt.date, end: dt.date, competition: str | None = None) -> pd.DataFrame:
    """The stored fixtures from ``start`` to ``end`` (both included), in date order, with their prices.

    One row per fixture: ``fixture_id``, ``date``, ``kickoff``, ``competition`` (its
    name), ``season``, ``round``, ``home``, ``away``, ``home_id``, ``away_id``,
    ``neutral``, and ``odds_home``, ``odds_draw``, ``odds_away``: the market's average
    1X2 price where the source gave one (football-data.co.uk's ``Avg`` column, else
    the mean over the bookmakers listed; missing without prices).
    """
    where = ["f.date BETWEEN ? AND ?"]
    params: list[object] = [start, end]
    if competition is not None:
        where.append("f.competition_id = ?")
        params.append(find_competition(store, competition))
    frame = store.df(
        f"""
        WITH p AS (
            SELECT fixture_id, selection, coalesce(avg(price) FILTER (WHERE bookmaker = 'Avg'), avg(price)) AS price
            FROM fixture_odds WHERE market = '1x2' AND timing = 'opening' GROUP BY ALL)
        SELECT f.fixture_id, f.date, f.kickoff, c.name AS competition, f.season, f.round, h.name AS home,
               a.name AS away, f.home_id, f.away_id, f.neutral,
               ph.price AS odds_home, pd.price AS odds_draw, pa.price AS odds_away
        FROM fixtures f JOIN competitions c USING (competition_id)
        JOIN teams h ON h.team_id = f.home_id JOIN teams a ON a.team_id = f.away_id
        LEFT JOIN p ph ON ph.fixture_id = f.fixture_id AND ph.selection = 'home'
        LEFT JOIN p pd ON pd.fixture_id = f.fixture_id AND pd.selection = 'draw'
        LEFT JOIN p pa ON pa.fixture_id = f.fixture_id AND pa.selection = 'away'
        WHERE {" AND ".join(where)}
        ORDER BY f.date, f.kickoff NULLS FIRST, c.name, h.name
        """,
        params,
    )
    frame["date"] = pd.to_datetime(frame["date"]).dt.date
    return frame
