"""Historical precedents for a first-leg deficit, or how often a side came back from that.

A two-legged tie is won on the aggregate of its legs, so a side beaten in the first leg
still has a second leg to make up the difference. The side that lost the first leg
*trails*; it *overturned* the deficit when it went through all the same, in normal
time, extra time, on away goals, in a shootout or in a play-off.

How hard that is depends on the rules of the day. From 1965-66 to 2020-21 UEFA
counted away goals double on a level aggregate. A side beaten 0-2 at home went
through by winning 3-1 away (3-3, three away goals to one), while a side beaten 2-0
away needed 3-0 at home: 3-1 would have put the other side through on its away goal.
Away goals thus made a deficit lost at home easier to overturn and one lost away
harder. Before 1965-66 a level aggregate meant a play-off; since 2021-22 it means
extra time and penalties. Rates are therefore given per era as well as
overall, with a 95% Wilson score interval so that a rate from a handful of ties is not
taken for more than it is (Wilson 1927; Brown, Cai & DasGupta 2001).

References
----------
E. B. Wilson, "Probable inference, the law of succession, and statistical inference",
Journal of the American Statistical Association 22 (1927), 209-212.
L. D. Brown, T. T. Cai and A. DasGupta, "Interval estimation for a binomial proportion",
Statistical Science 16 (2001), 101-133.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import pandas as pd

from remontada.data.queries import find_competition
from remontada.data.rules import rules_for
from remontada.data.store import Store
from remontada.errors import DataError

__all__ = [
    "BIGGER",
    "ERAS",
    "FAMOUS",
    "MIN_ERA_TIES",
    "SCOPES",
    "BaseRate",
    "base_rate",
    "base_rates",
    "famous_comebacks",
    "precedents",
]

ERAS: dict[str, str] = {
    "uefa-replays": "play-offs (before 1965-66)",
    "uefa-away-goals": "away goals (1965-66 to 2020-21)",
    "uefa-2021": "no away goals (from 2021-22)",
    "two-legged": "domestic two-legged ties",
}
"""The rules of a two-legged tie (:data:`remontada.data.rules.RULES` names) and their era, for people."""

SCOPES: dict[str, str] = {"european": "European cups", "domestic": "domestic cups"}
"""The kinds of competition a base rate can keep to (:func:`precedents`' ``scope``), for people."""

MIN_ERA_TIES = 20
""":func:`base_rate` keeps to one era only when that era has at least this many ties."""

_LOST_AT = ("home", "away")
FAMOUS = 8
"""Famous comebacks listed: European cups first, then the rest, each most recent first."""
BIGGER = 2
"""Comebacks from deficits up to this many goals bigger than the tie's count as famous ones too."""

_COLUMNS = [
    "date",
    "competition",
    "season",
    "round",
    "trailing",
    "leading",
    "leg1",
    "leg2",
    "lost_at",
    "overturned",
    "decided_by",
    "rules",
    "era",
]


def _score(m: str, home: str, away: str) -> str:
    """SQL for "Home 1-2 Away (a.e.t. 2-2) (pens 4-3)" of match ``m``."""
    return f"""({home}.name || ' ' || {m}.home_goals || '-' || {m}.away_goals || ' ' || {away}.name
        || CASE WHEN {m}.et_home_goals IS NOT NULL
                THEN ' (a.e.t. ' || {m}.et_home_goals || '-' || {m}.et_away_goals || ')' ELSE '' END
        || CASE WHEN {m}.pen_home IS NOT NULL
                THEN ' (pens ' || {m}.pen_home || '-' || {m}.pen_away || ')' ELSE '' END)"""


_SQL = f"""
WITH legs AS (
    SELECT l.tie_id,
           any_value(l.match_id) FILTER (WHERE l.leg = '1') AS first_id,
           any_value(l.match_id) FILTER (WHERE l.leg = '2') AS second_id,
           count(*) FILTER (WHERE l.leg = '1') AS firsts,
           count(*) FILTER (WHERE l.leg = '2') AS seconds,
           max(m.date) AS settled
    FROM tie_legs l JOIN matches m USING (match_id)
    GROUP BY l.tie_id
    HAVING firsts = 1 AND seconds = 1),
tied AS (
    SELECT t.tie_id, t.competition_id, t.season, t.round, t.winner_id, t.decided_by,
           m2.date, legs.settled, m1.home_goals - m1.away_goals AS margin,
           CASE WHEN m1.home_goals < m1.away_goals THEN m1.home_id ELSE m1.away_id END AS trailing_id,
           CASE WHEN m1.home_goals < m1.away_goals THEN m1.away_id ELSE m1.home_id END AS leading_id,
           {_score("m1", "h1", "a1")} AS leg1,
           {_score("m2", "h2", "a2")} AS leg2
    FROM ties t
    JOIN legs USING (tie_id)
    JOIN matches m1 ON m1.match_id = legs.first_id
    JOIN matches m2 ON m2.match_id = legs.second_id
    JOIN teams h1 ON h1.team_id = m1.home_id
    JOIN teams a1 ON a1.team_id = m1.away_id
    JOIN teams h2 ON h2.team_id = m2.home_id
    JOIN teams a2 ON a2.team_id = m2.away_id
    WHERE t.winner_id IS NOT NULL AND m1.home_goals <> m1.away_goals)
SELECT t.tie_id, t.competition_id, t.date, c.name AS competition, t.season, t.round,
       tr.name AS trailing, ld.name AS leading, t.leg1, t.leg2,
       CASE WHEN t.margin < 0 THEN 'home' ELSE 'away' END AS lost_at,
       t.winner_id = t.trailing_id AS overturned, t.decided_by
FROM tied t
JOIN competitions c ON c.competition_id = t.competition_id
JOIN teams tr ON tr.team_id = t.trailing_id
JOIN teams ld ON ld.team_id = t.leading_id
"""


def _check(deficit: int, lost_at: str | None) -> None:
    if isinstance(deficit, bool) or not isinstance(deficit, int) or deficit < 1:
        raise DataError(
            f"deficit must be a whole number of goals, at least 1 (got {deficit!r}); a level first leg is not a deficit"
        )
    if lost_at is not None and lost_at not in _LOST_AT:
        raise DataError(f"lost_at must be 'home' or 'away' (or left out for both), not {lost_at!r}")


def precedents(
    store: Store,
    *,
    deficit: int,
    lost_at: str | None = None,
    competition: str | None = None,
    since: int | None = None,
    before: dt.date | None = None,
    scope: str | None = None,
) -> pd.DataFrame:
    """Two-legged ties whose first leg was lost by exactly ``deficit`` goals, oldest first.

    A tie counts when it has both a first and a second leg (it may also have gone to a
    play-off) and its outcome is known. The side that lost the first leg *trails*; the
    tie was *overturned* when the trailing side went through after all, however the tie
    was settled (``decided_by``: aggregate, away goals, extra time, penalties, play-off
    or coin toss).

    Parameters
    ----------
    store
        The match store.
    deficit
        The first-leg margin, in goals, at least 1.
    lost_at
        Where the trailing side played the first leg: ``"home"`` (it lost at home and
        has the return leg away), ``"away"`` (it lost away and plays the return at
        home), or ``None`` for both.
    competition
        Only this competition (slug such as ``"uefa-cl"`` or name, any case).
    since
        Only seasons starting in this year or later (``1994`` means 1994-95 on).
    before
        Only ties settled strictly before this day (second leg, and any play-off), so
        that a forecast made on that day does not learn from ties it could not know.
    scope
        Only ties of one kind of competition: ``"european"`` (the European cups) or
        ``"domestic"`` (every other); a European tie is measured against European ones,
        where the sides are closer and the away legs longer.

    Returns
    -------
    pandas.DataFrame
        One row per tie, ordered by second-leg date: ``date`` (of the second leg),
        ``competition``, ``season``, ``round``, ``trailing`` and ``leading`` (team
        names), ``leg1`` and ``leg2`` (``"Home 3-0 Away"``, with `` (a.e.t. x-y)`` and
        `` (pens x-y)`` when there were), ``lost_at``, ``overturned`` (bool),
        ``decided_by``, ``rules`` (the two-legged rules in force) and ``era`` (their
        label in :data:`ERAS`).

    Raises
    ------
    DataError
        For a deficit below 1, a ``lost_at`` other than home, away or None, or an
        unknown competition.

    Notes
    -----
    ``rules`` is worked out from the competition and the second leg's date with
    :func:`remontada.data.rules.rules_for` rather than read from the ``ties`` table: a tie
    that went to a play-off is stored with the rules of the play-off match
    (``single-match`` or ``cup-replays``), not those of the two legs.
    """
    _check(deficit, lost_at)
    where: list[str] = []
    params: list[object] = []
    if scope is not None:
        if scope not in SCOPES:
            raise DataError(f"scope must be one of {', '.join(SCOPES)} (or left out for every tie), not {scope!r}")
        where.append("c.kind = 'continental'" if scope == "european" else "c.kind <> 'continental'")
    if competition is not None:
        where.append("t.competition_id = ?")
        params.append(find_competition(store, competition))
    where.append("abs(t.margin) = ?" if lost_at is None else "t.margin = ?")  # margin: leg-1 home minus away goals
    params.append(-deficit if lost_at == "home" else deficit)
    if since is not None:
        where.append("try_cast(left(t.season, 4) AS INTEGER) >= ?")
        params.append(since)
    if before is not None:
        where.append("t.settled < ?")
        params.append(before)
    frame = store.df(_SQL + " WHERE " + " AND ".join(where) + " ORDER BY t.date, t.tie_id", params)
    frame["overturned"] = frame["overturned"].astype(bool)
    frame["rules"] = [
        rules_for(str(c), pd.Timestamp(d).date(), legs=2).name
        for c, d in zip(frame["competition_id"], frame["date"], strict=True)
    ]
    frame["era"] = frame["rules"].map(ERAS)
    return frame[_COLUMNS].reset_index(drop=True)


def _wilson(ties: int, overturned: int) -> tuple[float, float, float]:
    """The rate and its 95% Wilson score interval (NaN when there are no ties)."""
    if ties == 0:
        return math.nan, math.nan, math.nan
    from scipy.stats import binomtest  # scipy.stats is slow to import: only when a rate is worked out

    ci = binomtest(overturned, ties).proportion_ci(confidence_level=0.95, method="wilson")
    return overturned / ties, float(ci.low), float(ci.high)


def famous_comebacks(store: Store, *, deficit: int, before: dt.date | None) -> pd.DataFrame:
    """The comebacks to name beside a tie: the same choice on every page, card and briefing.

    Overturned ties from this first-leg deficit or one up to :data:`BIGGER` goals
    bigger, settled before ``before``: European cups first (the ones a reader knows),
    then the rest, each most recent first, :data:`FAMOUS` of them. The columns are
    :func:`precedents`' with the tie's ``deficit`` and whether it was ``european``.
    """
    kinds = dict(store.con.execute("SELECT name, kind FROM competitions").fetchall())
    frames = []
    for d in range(deficit, deficit + BIGGER + 1):
        frame = precedents(store, deficit=d, before=before)
        frames.append(frame[frame["overturned"]].assign(deficit=d))
    found = pd.concat(frames, ignore_index=True)
    found["european"] = found["competition"].map(lambda name: kinds.get(str(name)) == "continental").astype(bool)
    found = found.sort_values(["european", "date", "deficit"], ascending=[False, False, False], kind="stable")
    return found.head(FAMOUS).reset_index(drop=True)


def base_rates(frame: pd.DataFrame) -> pd.DataFrame:
    """How often the deficit was overturned, per era and in all, from :func:`precedents`.

    Parameters
    ----------
    frame
        Ties as :func:`precedents` returns them (not changed).

    Returns
    -------
    pandas.DataFrame
        One row per era present, oldest rules first, then an ``"all"`` row: ``era``,
        ``ties``, ``overturned``, ``rate`` and the 95% Wilson score interval ``lo``,
        ``hi`` (NaN where there are no ties).

    Notes
    -----
    The Wilson interval stays inside [0, 1] and is honest at rates near 0 and for few
    ties, where the textbook normal interval is not: one comeback in 30 is a rate of
    3%, but anything from about 0.6% to 17% would be consistent with it.
    """
    groups = [(label, frame[frame["era"] == label]) for label in ERAS.values()]
    groups = [(label, part) for label, part in groups if len(part)] + [("all", frame)]
    rows = []
    for label, part in groups:
        ties, overturned = len(part), int(part["overturned"].sum())
        rate, lo, hi = _wilson(ties, overturned)
        rows.append({"era": label, "ties": ties, "overturned": overturned, "rate": rate, "lo": lo, "hi": hi})
    return pd.DataFrame(rows, columns=["era", "ties", "overturned", "rate", "lo", "hi"])


@dataclass(frozen=True)
class BaseRate:
    """How often a first-leg deficit of this size, lost at this venue, was overturned.

    ``era`` is the label (from :data:`ERAS`) of the rules the count was restricted to,
    or ``None`` when it covers every era. ``rate``, ``lo`` and ``hi`` (the 95% Wilson
    score interval) are ``None`` when there were no such ties.
    """

    deficit: int
    lost_at: str | None
    ties: int
    overturned: int
    rate: float | None
    lo: float | None
    hi: float | None
    era: str | None
    scope: str | None = None
    """``european`` or ``domestic`` when the ties counted are of that kind only (:data:`SCOPES`)."""

    def sentence(self, before: dt.date) -> str:
        """The base rate in words, as the tie card, the tie page and the briefing all give it.

        ``1 of 129 sides that lost the first leg by 3 at home went through (0.8%, 95% CI
        0.1%-4.3%; all eras, before 2024-04-18)``.
        """
        venue = {"home": " at home", "away": " away"}.get(self.lost_at or "", "")
        if self.rate is None or self.lo is None or self.hi is None:
            return f"no ties lost by {self.deficit}{venue} in the store before {before}"
        scope = f"in the {self.era} era" if self.era else "all eras"
        scope = f"{SCOPES[self.scope]}, {scope}" if self.scope else scope
        return (
            f"{self.overturned} of {self.ties} sides that lost the first leg by {self.deficit}{venue} went through "
            f"({self.rate:.1%}, 95% CI {self.lo:.1%}-{self.hi:.1%}; {scope}, before {before})"
        )


def base_rate(
    store: Store,
    *,
    deficit: int,
    lost_at: str | None,
    before: dt.date | None,
    rules: str | None = None,
    competition: str | None = None,
    scope: str | None = None,
) -> BaseRate:
    """The historical rate a tie forecast shows beside the model's own probability.

    Parameters
    ----------
    store
        The match store.
    deficit, lost_at, competition, scope
        As for :func:`precedents`.
    before
        Only ties settled strictly before this day (the forecast's date).
    rules
        The rules of the tie being forecast (a key of :data:`ERAS`). The rate is then
        taken from ties played under the same rules when there were at least
        :data:`MIN_ERA_TIES` of them, since away goals changed what a deficit was
        worth; otherwise, and when ``rules`` is ``None``, from all eras.

    Returns
    -------
    BaseRate
        Counts, rate and interval; its ``era`` says which ties it comes from.

    Raises
    ------
    DataError
        For invalid ``deficit``, ``lost_at`` or ``competition`` (see :func:`precedents`)
        and for ``rules`` that are not those of a two-legged tie.
    """
    if rules is not None and rules not in ERAS:
        raise DataError(f"rules {rules!r} are not those of a two-legged tie: use one of {', '.join(ERAS)}")
    frame = precedents(store, deficit=deficit, lost_at=lost_at, competition=competition, before=before, scope=scope)
    era: str | None = None
    if rules is not None and int((frame["rules"] == rules).sum()) >= MIN_ERA_TIES:
        frame, era = frame[frame["rules"] == rules], ERAS[rules]
    ties, overturned = len(frame), int(frame["overturned"].sum())
    rate, lo, hi = _wilson(ties, overturned)
    if ties == 0:
        return BaseRate(deficit, lost_at, 0, 0, None, None, None, era, scope)
    return BaseRate(deficit, lost_at, ties, overturned, rate, lo, hi, era, scope)
