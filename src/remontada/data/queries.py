"""Read the store as pandas DataFrames: matches, ties, and what the imports left behind.

These are the Python API's views of the data; the command line prints them.
"""

from __future__ import annotations

import datetime as dt
import difflib

import pandas as pd

from remontada.data.names import candidates, name_key, split_country_tag
from remontada.data.store import Store
from remontada.errors import AmbiguousTeamError, DataError, UnknownTeamError

__all__ = [
    "PRICE_COLUMNS",
    "closest_competitions",
    "conflicts",
    "duplicate_teams",
    "fetches",
    "find_competition",
    "find_team",
    "goal_timelines",
    "matches",
    "one_match_ties",
    "rejects",
    "status",
    "ties",
    "training_matches",
    "training_span",
    "two_legged_ties",
    "unresolved",
]

_MATCHES_SQL = """
SELECT m.match_id, m.date, m.kickoff, c.name AS competition, m.season, m.round, m.knockout,
       h.name AS home, a.name AS away, m.neutral, m.home_goals, m.away_goals,
       m.ht_home_goals, m.ht_away_goals, m.et_home_goals, m.et_away_goals, m.pen_home, m.pen_away,
       m.home_red, m.away_red, m.score_includes_et, m.home_id, m.away_id, m.competition_id,
       m.source_file, m.source_line
FROM matches m
JOIN teams h ON h.team_id = m.home_id
JOIN teams a ON a.team_id = m.away_id
JOIN competitions c ON c.competition_id = m.competition_id
"""


def find_team(store: Store, name: str, *, kind: str | None = None) -> int:
    """The id of the team called ``name`` (any known spelling; ``"X (ENG)"`` pins the country).

    A name several teams go by resolves to the one spelt exactly so, if there is one.
    Raises :class:`UnknownTeamError` with the closest known names when there is no
    such team, and :class:`AmbiguousTeamError` when the name stays ambiguous.
    """
    bare, country = split_country_tag(name)
    key = name_key(bare)
    sql = "SELECT DISTINCT a.team_id FROM team_aliases a JOIN teams t USING (team_id) WHERE a.key = ?"
    params: list[object] = [key]
    if country:
        sql += " AND t.country = ?"
        params.append(country)
    if kind:
        sql += " AND t.kind = ?"
        params.append(kind)
    found = store.con.execute(sql.replace("SELECT DISTINCT a.team_id", "SELECT a.team_id, a.spelling"), params)
    rows = found.fetchall()
    ids = sorted({int(r[0]) for r in rows})
    if len(ids) > 1:  # a name spelt exactly as one of them is that one ("AS Monaco", not the country)
        exact = sorted({int(r[0]) for r in rows if str(r[1]).casefold() == bare.casefold()})
        ids = exact if len(exact) == 1 else ids
    if len(ids) == 1:
        return ids[0]
    if len(ids) > 1:
        names = store.df(
            "SELECT name || ' (' || coalesce(country, '?') || ')' AS n FROM teams WHERE team_id IN "
            f"({', '.join(str(i) for i in ids)}) ORDER BY n"
        )["n"].tolist()
        raise AmbiguousTeamError(name, names)
    pool = store.df("SELECT DISTINCT key FROM team_aliases")["key"].tolist()
    close = candidates(key, pool, limit=5)
    spelled = (
        store.df(
            "SELECT any_value(t.name) AS name FROM team_aliases a JOIN teams t USING (team_id) "
            f"WHERE a.key IN ({', '.join('?' * len(close))}) GROUP BY a.key",
            list(close),
        )["name"].tolist()
        if close
        else []
    )
    raise UnknownTeamError(name, list(dict.fromkeys(spelled)))


def find_competition(store: Store, text: str) -> str:
    """The competition id for a slug (``uefa-el``) or a name (``UEFA Europa League``, any case).

    A name may also be given without its ``UEFA`` prefix (``Europa League``).
    """
    rows = store.con.execute(
        "SELECT competition_id FROM competitions WHERE competition_id = ? OR lower(name) = lower(?) "
        "OR lower(name) = 'uefa ' || lower(?)",
        [text, text, text],
    ).fetchall()
    if len(rows) == 1:
        return str(rows[0][0])
    known = dict(store.con.execute("SELECT competition_id, name FROM competitions ORDER BY 1").fetchall())
    raise DataError(
        f"unknown competition {text!r}; {closest_competitions(known, text)} (every one: remontada data status)"
    )


def closest_competitions(known: dict[str, str], text: str) -> str:
    """The competitions (slug: name) whose slug or name is near ``text``, else the club competitions, as words."""
    folded = {key.lower(): slug for slug, name in known.items() for key in (slug, name)}
    near = difflib.get_close_matches(text.lower(), folded, n=8, cutoff=0.5)
    near += [key for key in folded if text.lower() in key and key not in near]  # "premier" finds "premier league"
    slugs = list(dict.fromkeys(folded[key] for key in near))[:8]

    def shown(slug: str) -> str:
        return slug if slug == f"int:{known[slug]}" else f"{slug} ({known[slug]})"

    if slugs:
        return "the closest: " + ", ".join(map(shown, slugs))
    clubs = [slug for slug in known if not slug.startswith("int:")]
    return f"the store has {', '.join(map(shown, clubs))} and {len(known) - len(clubs)} international tournaments"


def _filters(
    store: Store,
    table: str,
    team_columns: tuple[str, str],
    *,
    team: str | None,
    competition: str | None,
    season: str | None,
) -> tuple[list[str], list[object]]:
    """SQL conditions (and their parameters) on ``table`` for the common filters."""
    where: list[str] = []
    params: list[object] = []
    if team is not None:
        tid = find_team(store, team)
        where.append(f"({table}.{team_columns[0]} = ? OR {table}.{team_columns[1]} = ?)")
        params += [tid, tid]
    if competition is not None:
        where.append(f"({table}.competition_id = ? OR lower(c.name) = lower(?))")
        params += [competition, competition]
    if season is not None:
        where.append(f"{table}.season = ?")
        params.append(season)
    return where, params


def matches(
    store: Store,
    *,
    team: str | None = None,
    competition: str | None = None,
    season: str | None = None,
    before: dt.date | None = None,
) -> pd.DataFrame:
    """Matches, newest last; filter by team, competition (slug or name), season, date."""
    where, params = _filters(store, "m", ("home_id", "away_id"), team=team, competition=competition, season=season)
    if before is not None:
        where.append("m.date < ?")
        params.append(before)
    sql = _MATCHES_SQL + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY m.date, m.match_id"
    return store.df(sql, params)


def ties(
    store: Store,
    *,
    team: str | None = None,
    competition: str | None = None,
    season: str | None = None,
    round: str | None = None,
) -> pd.DataFrame:
    """Knockout ties with their legs' scores, aggregate, how decided and the winner."""
    where, params = _filters(store, "t", ("team_a_id", "team_b_id"), team=team, competition=competition, season=season)
    if round is not None:
        where.append("lower(t.round) = lower(?)")
        params.append(round)
    sql = f"""
    SELECT t.tie_id, c.name AS competition, t.season, t.round, a.name AS team_a, b.name AS team_b,
           t.legs, t.agg_a, t.agg_b, t.decided_by, w.name AS winner, t.rules,
           string_agg(h.name || ' ' || m.home_goals || '-' || m.away_goals || ' ' || v.name
                      || CASE WHEN m.et_home_goals IS NOT NULL
                              THEN ' (a.e.t. ' || m.et_home_goals || '-' || m.et_away_goals || ')' ELSE '' END
                      || CASE WHEN m.pen_home IS NOT NULL
                              THEN ' (pens ' || m.pen_home || '-' || m.pen_away || ')' ELSE '' END,
                      ' | ' ORDER BY l.leg_no) AS legs_played,
           min(m.date) AS first_date, max(m.date) AS last_date
    FROM ties t
    JOIN competitions c ON c.competition_id = t.competition_id
    JOIN teams a ON a.team_id = t.team_a_id
    JOIN teams b ON b.team_id = t.team_b_id
    LEFT JOIN teams w ON w.team_id = t.winner_id
    JOIN tie_legs l ON l.tie_id = t.tie_id
    JOIN matches m ON m.match_id = l.match_id
    JOIN teams h ON h.team_id = m.home_id
    JOIN teams v ON v.team_id = m.away_id
    {"WHERE " + " AND ".join(where) if where else ""}
    GROUP BY ALL ORDER BY first_date, t.tie_id
    """
    return store.df(sql, params)


def two_legged_ties(
    store: Store,
    *,
    competition: str | None = None,
    season: str | None = None,
    round: str | None = None,
    team_a_id: int | None = None,
    team_b_id: int | None = None,
) -> pd.DataFrame:
    """Ties with exactly one first and one second leg: both legs' dates and scores, and the outcome.

    ``team_a`` was at home in leg 1. ``leg2_date`` and the leg-2 scores (``leg2_a``,
    ``leg2_b`` from A's side, 90 minutes) come with each tie; ``winner`` is ``a``,
    ``b`` or missing, ``decided_by`` as in the ties table. Chronological by second leg.
    """
    where, params = ["TRUE"], []
    for column, value in (("t.season", season), ("t.team_a_id", team_a_id), ("t.team_b_id", team_b_id)):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    if competition is not None:
        where.append("t.competition_id = ?")
        params.append(find_competition(store, competition))
    if round is not None:
        where.append("lower(t.round) = lower(?)")
        params.append(round)
    return store.df(
        f"""
        WITH legs AS (
            SELECT tie_id, any_value(match_id) FILTER (WHERE leg = '1') AS first_id,
                   any_value(match_id) FILTER (WHERE leg = '2') AS second_id
            FROM tie_legs GROUP BY tie_id
            HAVING count(*) FILTER (WHERE leg = '1') = 1 AND count(*) FILTER (WHERE leg = '2') = 1)
        SELECT t.tie_id, t.competition_id, c.name AS competition, t.season, t.round,
               t.team_a_id, t.team_b_id, a.name AS team_a, b.name AS team_b,
               m1.date AS leg1_date, m1.home_goals AS leg1_a, m1.away_goals AS leg1_b,
               m2.date AS leg2_date, m2.away_goals AS leg2_a, m2.home_goals AS leg2_b,
               CASE WHEN t.winner_id = t.team_a_id THEN 'a' WHEN t.winner_id = t.team_b_id THEN 'b' END
                   AS winner,
               t.decided_by, t.rules
        FROM ties t JOIN legs USING (tie_id)
        JOIN matches m1 ON m1.match_id = legs.first_id JOIN matches m2 ON m2.match_id = legs.second_id
        JOIN competitions c ON c.competition_id = t.competition_id
        JOIN teams a ON a.team_id = t.team_a_id JOIN teams b ON b.team_id = t.team_b_id
        WHERE m1.home_id = t.team_a_id AND m2.home_id = t.team_b_id AND m1.date < m2.date
          AND {" AND ".join(where)}
        ORDER BY m2.date, t.tie_id
        """,
        params,
    )


def one_match_ties(store: Store, team_1: int, team_2: int) -> pd.DataFrame:
    """Knockout ties the two teams settled in one match (finals, cup rounds), with either at home.

    One row per tie, chronological: ``date``, ``competition_id``, ``competition``,
    ``season``, ``round``, ``team_a_id`` and ``team_b_id`` (A at home, or named first on
    neutral ground), ``neutral``, ``rules`` (the stored tie's), ``decided_by``, ``winner``
    (``a``, ``b`` or missing) and ``score``, what happened in words from A's side
    (``Liverpool 3-3 AC Milan (a.e.t. 3-3, pens 3-2)``), with ``goals_a``, ``goals_b``
    after 90 minutes.
    """
    return store.df(
        """
        SELECT m.date, t.competition_id, c.name AS competition, t.season, t.round, t.team_a_id, t.team_b_id,
               m.neutral, t.rules, t.decided_by, m.home_goals AS goals_a, m.away_goals AS goals_b,
               CASE WHEN t.winner_id = t.team_a_id THEN 'a' WHEN t.winner_id = t.team_b_id THEN 'b' END AS winner,
               concat(a.name, ' ', m.home_goals, '-', m.away_goals, ' ', b.name,
                      CASE WHEN m.et_home_goals IS NOT NULL
                           THEN concat(' (a.e.t. ', m.et_home_goals, '-', m.et_away_goals) END,
                      CASE WHEN m.pen_home IS NOT NULL THEN concat(CASE WHEN m.et_home_goals IS NOT NULL
                           THEN ', ' ELSE ' (' END, 'pens ', m.pen_home, '-', m.pen_away) END,
                      CASE WHEN m.et_home_goals IS NOT NULL OR m.pen_home IS NOT NULL THEN ')' END) AS score
        FROM ties t JOIN tie_legs l USING (tie_id) JOIN matches m USING (match_id)
        JOIN competitions c ON c.competition_id = t.competition_id
        JOIN teams a ON a.team_id = t.team_a_id JOIN teams b ON b.team_id = t.team_b_id
        WHERE t.legs = 1 AND m.home_id = t.team_a_id AND m.away_id = t.team_b_id
          AND ((t.team_a_id = ? AND t.team_b_id = ?) OR (t.team_a_id = ? AND t.team_b_id = ?))
        ORDER BY m.date, t.tie_id
        """,
        [team_1, team_2, team_2, team_1],
    )


def goal_timelines(store: Store, *, before: dt.date | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Matches whose every goal has its minute, and those goals: the data of the in-play model.

    Returns ``(matches, goals)``: ``matches`` (``match_id, date, home_id, away_id,
    neutral, home_goals, away_goals``) holds every match whose goals rows add up to its
    score, plus the goalless matches of the same competitions over the years their
    goals are timed; ``goals`` (``match_id, minute, home_side``) their goals of normal
    time (minute 1..90, stoppage time in 45 and 90), own goals counted for the side
    they were scored for.
    """
    day = before or dt.date.max
    matches = store.df(
        """
        WITH timed AS (
            SELECT g.match_id, count(*) FILTER (WHERE g.team_id = m.home_id) AS hg,
                   count(*) FILTER (WHERE g.team_id = m.away_id) AS ag
            FROM goals g JOIN matches m USING (match_id) WHERE m.date < ? GROUP BY g.match_id),
        covered AS (
            SELECT m.competition_id, min(m.date) AS first, max(m.date) AS last
            FROM timed JOIN matches m USING (match_id) GROUP BY m.competition_id)
        SELECT m.match_id, m.date, m.home_id, m.away_id, m.neutral, m.home_goals, m.away_goals
        FROM matches m LEFT JOIN timed USING (match_id) JOIN covered c USING (competition_id)
        WHERE m.date < ? AND m.date BETWEEN c.first AND c.last
          AND ((timed.match_id IS NULL AND m.home_goals = 0 AND m.away_goals = 0)
               OR (timed.hg = m.home_goals AND timed.ag = m.away_goals))
        ORDER BY m.date, m.match_id
        """,
        [day, day],
    )
    goals = store.df(
        """
        SELECT g.match_id, g.minute, g.team_id = m.home_id AS home_side
        FROM goals g JOIN matches m USING (match_id)
        WHERE m.date < ? AND g.minute BETWEEN 1 AND 90
        ORDER BY g.match_id, g.minute
        """,
        [day],
    )
    goals = goals[goals["match_id"].isin(matches["match_id"])].reset_index(drop=True)
    return matches, goals


def training_matches(store: Store, *, pool: str = "club", before: dt.date | None = None) -> pd.DataFrame:
    """The matches a model learns from, in :data:`remontada.models.base.MATCH_COLUMNS` form.

    ``pool`` is ``club`` (leagues, domestic cups and European cups together, so that
    clubs of different countries share one scale) or ``national``. Club matches whose
    score may include extra time without saying so (League Cup ties in
    engsoccerdata, a.e.t. FA Cup ties) are left out: a model of 90 minutes must learn
    from 90-minute scores. Internationals only come with final scores; the few that
    went to extra time are kept (their pool has no better source).

    Besides the model's columns each row has ``competition_kind``, the two sides'
    countries, the half-time score (``ht_home_goals``, ``ht_away_goals``), the red
    cards (``home_red``, ``away_red``), the shots and shots on target
    (``home_shots``, ``away_shots``, ``home_shots_on_target``, ``away_shots_on_target``)
    and the match's own bookmaker prices (:data:`PRICE_COLUMNS`), each missing where
    the source had none. Rows are in date order, as a model's history lists them; a
    model fitted as of a date uses rows before it only, so a match's result and prices
    reach only forecasts of later days.
    """
    columns = f"""m.date, m.home_id, m.away_id, m.home_goals, m.away_goals, m.neutral, m.competition_id,
               c.kind AS competition_kind, t.country AS home_country, v.country AS away_country,
               m.ht_home_goals, m.ht_away_goals, m.home_red, m.away_red, m.home_shots, m.away_shots,
               m.home_shots_on_target, m.away_shots_on_target, {", ".join(f"p.{c}" for c in PRICE_COLUMNS)}"""
    sql, params = _training_query(columns, pool, before, prices=True)
    frame = store.df(sql + " ORDER BY m.date, m.match_id", params)
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


def training_span(store: Store, *, pool: str = "club", before: dt.date | None = None) -> tuple[int, dt.date | None]:
    """How many matches :func:`training_matches` would give, and the first one's date, without loading them.

    A forecast on a date needs only this to find its fit in a cache (fits are keyed by
    the number of matches used), which saves reading the whole pool.
    """
    sql, params = _training_query("count(*), min(m.date)", pool, before)
    row = store.one(sql, params)
    return (int(row[0]), row[1]) if row else (0, None)


PRICE_COLUMNS = ("price_home", "price_draw", "price_away", "price_over", "price_under")
"""A match's decimal prices in :func:`training_matches`: home win, draw, away win, and over/under 2.5 goals.

Each market's prices are one bookmaker's at one moment, complete (all of its outcomes):
the closing prices rather than the opening ones, and of the market average (``Avg``),
else Pinnacle, else Bet365, else any other bookmaker but the best-price ``Max`` columns
(which mix bookmakers), as the backtests choose the market's prices."""

_PRICES = """
    WITH books AS (
        SELECT match_id, market,
               (CASE timing WHEN 'closing' THEN 0 ELSE 10 END)
               + (CASE bookmaker WHEN 'Avg' THEN 0 WHEN 'PS' THEN 1 WHEN 'B365' THEN 2 ELSE 3 END) AS pref,
               any_value(price) FILTER (selection = 'home') AS home,
               any_value(price) FILTER (selection = 'draw') AS draw,
               any_value(price) FILTER (selection = 'away') AS away,
               any_value(price) FILTER (selection = 'over') AS over,
               any_value(price) FILTER (selection = 'under') AS under
        FROM odds
        WHERE bookmaker NOT IN ('Max', 'BbMx') AND (market = '1x2' OR (market = 'over_under' AND point = 2.5))
        GROUP BY match_id, market, bookmaker, timing)
    SELECT match_id,
           arg_min(home, pref) FILTER (market = '1x2' AND home IS NOT NULL AND draw IS NOT NULL AND away IS NOT NULL)
               AS price_home,
           arg_min(draw, pref) FILTER (market = '1x2' AND home IS NOT NULL AND draw IS NOT NULL AND away IS NOT NULL)
               AS price_draw,
           arg_min(away, pref) FILTER (market = '1x2' AND home IS NOT NULL AND draw IS NOT NULL AND away IS NOT NULL)
               AS price_away,
           arg_min(over, pref) FILTER (market = 'over_under' AND over IS NOT NULL AND under IS NOT NULL) AS price_over,
           arg_min(under, pref) FILTER (market = 'over_under' AND over IS NOT NULL AND under IS NOT NULL) AS price_under
    FROM books GROUP BY match_id
"""


def _training_query(
    columns: str, pool: str, before: dt.date | None, *, prices: bool = False
) -> tuple[str, list[object]]:
    """The query of the pool's training matches (before ``before``) selecting ``columns``, and its parameters.

    With ``prices`` each match is joined to its prices (:data:`PRICE_COLUMNS`) as ``p``.
    """
    kind = {"club": "club", "national": "national"}.get(pool)
    if kind is None:
        raise ValueError(f"unknown pool {pool!r}: use 'club' or 'national'")
    join = f"LEFT JOIN ({_PRICES}) p USING (match_id)" if prices else ""
    sql = f"""
        SELECT {columns}
        FROM matches m JOIN teams t ON t.team_id = m.home_id JOIN teams v ON v.team_id = m.away_id
        JOIN competitions c USING (competition_id) {join}
        WHERE t.kind = ? AND (NOT m.score_includes_et OR t.kind = 'national')
    """
    params: list[object] = [kind]
    if before is not None:
        sql += " AND m.date < ?"
        params.append(before)
    return sql, params


def status(store: Store) -> pd.DataFrame:
    """Per competition and season: matches, ties, fixtures (matches still to play) and the date range.

    A season with fixtures but no match played yet is listed too (``matches`` 0); the
    date range spans both.
    """
    return store.df(
        """
        WITH m AS (
            SELECT competition_id, season, count(*) AS matches, min(date) AS first, max(date) AS last
            FROM matches GROUP BY ALL),
        f AS (
            SELECT competition_id, season, count(*) AS fixtures, min(date) AS first, max(date) AS last
            FROM fixtures GROUP BY ALL),
        t AS (SELECT competition_id, season, count(*) AS ties FROM ties GROUP BY ALL)
        SELECT c.name AS competition, season, coalesce(m.matches, 0) AS matches, coalesce(t.ties, 0) AS ties,
               coalesce(f.fixtures, 0) AS fixtures, least(m.first, f.first) AS first,
               greatest(m.last, f.last) AS last
        FROM m FULL JOIN f USING (competition_id, season)
        JOIN competitions c USING (competition_id)
        LEFT JOIN t USING (competition_id, season)
        ORDER BY c.kind, c.name, season
        """
    )


def fetches(store: Store) -> pd.DataFrame:
    """Every file fetched online: source, path, season, when last fetched and last changed, what that change did."""
    return store.df(
        "SELECT source, path, season, strftime(fetched_at, '%Y-%m-%d %H:%M:%S UTC') AS last_fetched, "
        "strftime(changed_at, '%Y-%m-%d %H:%M:%S UTC') AS last_changed, outcome AS changed, url "
        "FROM fetches ORDER BY source, path"
    )


def rejects(store: Store, *, source: str | None = None) -> pd.DataFrame:
    """Rows that imports could not use, with file, line, raw text and reason."""
    sql = "SELECT source_file, line, reason, raw FROM rejects"
    params: list[object] = []
    if source:
        sql += " WHERE source_file LIKE ?"
        params.append(f"%{source}%")
    return store.df(sql + " ORDER BY source_file, line", params)


def unresolved(store: Store) -> pd.DataFrame:
    """Names made into new teams although existing teams have similar names."""
    return store.df(
        """
        SELECT u.spelling, u.country, u.kind, t.name AS created_as, u.candidates, u.reason, u.source_file
        FROM unresolved u LEFT JOIN teams t USING (team_id)
        ORDER BY u.country, u.spelling
        """
    )


def duplicate_teams(store: Store, *, min_matches: int = 10) -> pd.DataFrame:
    """Pairs of teams that look like one team stored under two names.

    Two teams that, again and again, played the same opponent on the same day with the
    same score are one team whose matches came in from two sources under spellings
    nothing linked (``Lazio`` and ``Lazio Roma``). A pair is listed when at least
    ``min_matches`` of its matches coincide and they make up at least half of the
    smaller team's matches in the competitions both appear in. Fix it with an alias
    entry and a rebuild, or ``remontada data link``.
    """
    return store.df(
        """
        WITH pairs AS (
            SELECT m1.home_id AS x, m2.home_id AS y, m1.competition_id AS comp FROM matches m1 JOIN matches m2
              ON m1.date = m2.date AND m1.away_id = m2.away_id AND m1.home_goals = m2.home_goals
             AND m1.away_goals = m2.away_goals AND m1.home_id < m2.home_id
            UNION ALL
            SELECT m1.away_id, m2.away_id, m1.competition_id FROM matches m1 JOIN matches m2
              ON m1.date = m2.date AND m1.home_id = m2.home_id AND m1.home_goals = m2.home_goals
             AND m1.away_goals = m2.away_goals AND m1.away_id < m2.away_id),
        counted AS (SELECT x, y, count(*) AS shared, list(DISTINCT comp) AS comps FROM pairs GROUP BY x, y),
        played AS (
            SELECT team_id, competition_id, count(*) AS n FROM (
                SELECT home_id AS team_id, competition_id FROM matches
                UNION ALL SELECT away_id, competition_id FROM matches) GROUP BY ALL)
        SELECT * FROM (
            SELECT tx.name AS team, ty.name AS other, tx.country, c.shared,
                   (SELECT sum(n) FROM played p WHERE p.team_id = c.x AND list_contains(c.comps, p.competition_id))
                       AS team_matches,
                   (SELECT sum(n) FROM played p WHERE p.team_id = c.y AND list_contains(c.comps, p.competition_id))
                       AS other_matches
            FROM counted c JOIN teams tx ON tx.team_id = c.x JOIN teams ty ON ty.team_id = c.y
            WHERE c.shared >= ? AND tx.kind = ty.kind)
        WHERE shared >= 0.5 * least(team_matches, other_matches)
        ORDER BY shared DESC
        """,
        [min_matches],
    )


def conflicts(store: Store) -> pd.DataFrame:
    """Where two sources disagreed about a match (the stored value was kept)."""
    return store.df(
        """
        SELECT m.date, h.name AS home, a.name AS away, c.field, c.stored, c.incoming,
               m.source_file AS stored_from, c.source_file AS incoming_from, c.source_line AS incoming_line
        FROM conflicts c JOIN matches m USING (match_id)
        JOIN teams h ON h.team_id = m.home_id JOIN teams a ON a.team_id = m.away_id
        ORDER BY m.date
        """
    )
