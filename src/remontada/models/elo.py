"""Elo ratings for clubs, in the ClubElo style, mapped to goal rates by a Poisson regression.

Ratings
-------
Every club has one number, its rating ``R``. Before a match the home side's expected
score (a win counts 1, a draw 1/2, a defeat 0) is Elo's logistic curve (Elo 1978,
*The Rating of Chessplayers, Past and Present*)::

    We = 1 / (1 + 10 ** (-dr / 400)),    dr = R_home - R_away + H * (not neutral)

and after it the two ratings move by the same amount in opposite directions, so
points are exchanged and a closed league keeps its mean rating::

    R_home += K * G * (W - We),    R_away -= K * G * (W - We)

This is the update of the World Football Elo Ratings (eloratings.net) and of
ClubElo (clubelo.com, "Rating System"). ``G`` weights the margin
``N = |home goals - away goals|`` as eloratings.net does: 1 for ``N <= 1``, 3/2 for
``N = 2`` and ``(11 + N) / 8`` for ``N >= 3``, so a 4-0 moves ratings almost twice
as much as a 1-0 (ClubElo's ``sqrt(N)`` is ``goal_weight="sqrt"``).

The Elo home advantage ``H`` is learned as ClubElo does ("Adaptive Home Field
Advantage"): it starts at ``home_advantage`` and after every match at a home ground
moves by ``hfa_rate`` times the points the home side won. It therefore settles
where home sides neither win nor lose points on average, that is where the mean
expected score equals the observed home points share, and it follows the long
decline of home advantage and the empty stadiums of 2020-21.

Leagues, newcomers and season breaks
------------------------------------
Clubs of different countries meet only in the European cups, a few matches a
season, so on their own those matches would set the gaps between leagues very
slowly (and a closed league's mean never moves). ClubElo therefore makes
"inter-league adjustments"; here, when clubs of different leagues meet, each
side's league mates together win or lose ``league_share`` times the points the
side won or lost, spread evenly over them, so the exchange between the two
leagues is ``1 + league_share`` times the match's. A club's league is its last
league of the current season, else of the season before.

In its first match a club starts ``new_team_offset`` points below the mean current
rating of the clubs of that competition and season that were already rated when
the competition's season began (a club promoted from a league missing from the
data starts a little below the clubs it joins), or at ``initial_rating`` if there
are none (a league's first season). A club first seen in a European cup comes from
a league the data lack, usually weaker than those of the clubs already rated
there, so it starts ``new_continental_offset`` below them instead.

On each 1 July every club that played in a league in the season just ended can be
pulled a fraction ``1 - carry_over`` toward that league's mean (its last league of
the season if several), which keeps each league's mean and so the gaps between
leagues; out of sample this did not help, so ``carry_over=1`` leaves ratings as
they are by default.

The defaults were chosen by the ranked probability score of 1X2 forecasts for
2015-16 to 2022-23: big-five league matches one match ahead and a whole season
ahead, and European cup matches one match ahead. ``league_share`` and
``new_continental_offset`` matter most for the European cups (their RPS drops
from 0.209 to 0.194); ``K = 15`` did slightly better than ClubElo's 20.

The ratings come from one pass over the matches in date order, a tight loop over
Python lists: under a second for the 250,000 club matches since 1871.

Goals
-----
Elo gives an expected score; the score grid needs goal rates. With
``x = (R_home - R_away) / 400`` (pre-match ratings) and ``v`` 1 at a home ground, 0
at a neutral one, each side's goals are Poisson with::

    log E[home goals] = c0 + c1 * x + (h + e * u) * v,    log E[away goals] = c0 - c1 * x - (h + e * u) * v

as ClubElo derives score probabilities from Elo differences ("Adaptive Poisson
parameters and result histogram"), where ``u`` is 1 in the European cups, whose home
advantage in goals is larger than domestic football's. ``(c0, c1, h, e)`` is a Poisson regression: the
maximum-likelihood fit on the matches of the last ``goal_years`` years, each with
the ratings the sides had before it, under a weak N(0, 1) prior on each
coefficient (negligible beside thousands of matches, it keeps fits on a handful of
matches finite). The map is symmetric, so two equally rated sides at a neutral
ground get equal rates. It has its own home term ``h`` rather than reusing ``H``,
which is calibrated on points, not goals: fitting ``h`` on recent goals forecast
slightly better, notably after 2020. ``x`` is capped at ``max_difference / 400``,
so the map is not extrapolated far beyond the differences seen (up to about 750
points in recent seasons). The Dixon & Coles (1997) ``rho`` is then fitted by
maximum likelihood with those rates fixed.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal, Self

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from remontada.models.base import MatchModel, Rates, select_before
from remontada.models.grid import dixon_coles_tau

__all__ = ["EloModel", "goal_weight"]

Array = NDArray[np.float64]
Index = NDArray[np.intp]
Members = tuple[Index, Index]
GoalWeight = Literal["eloratings", "sqrt", "none"]


def goal_weight(margin: ArrayLike, kind: GoalWeight = "eloratings") -> Array:
    """The multiplier ``G`` of ``K`` for each goal margin ``|home goals - away goals|``.

    ``eloratings``: 1, 1, 3/2, then ``(11 + N) / 8`` (World Football Elo Ratings);
    ``sqrt``: ``sqrt(N)``, 1 for a draw (ClubElo); ``none``: always 1.
    """
    n = np.abs(np.asarray(margin, dtype=float))
    if kind == "eloratings":
        out: Array = np.where(n <= 1, 1.0, np.where(n == 2, 1.5, (11.0 + n) / 8.0))
    elif kind == "sqrt":
        out = np.sqrt(np.maximum(n, 1.0))
    elif kind == "none":
        out = np.ones_like(n)
    else:
        raise ValueError(f"unknown goal_weight {kind!r}: use 'eloratings', 'sqrt' or 'none'")
    return out


def _season(dates: pd.Series) -> NDArray[np.int64]:
    """The season of each date, named by the year it starts in (seasons break on 1 July)."""
    season: NDArray[np.int64] = (dates.dt.year - (dates.dt.month < 7)).to_numpy(dtype=np.int64)
    return season


class _Schedule:
    """What the rating pass needs besides the results, worked out (mostly vectorised) once per fit.

    ``new_home``/``new_away``: whether a side plays its first match. ``established``:
    for each such match, the teams whose mean the newcomer starts from.
    ``breaks``: the first match of each season after the first, with the season
    before's league members (teams, league codes) to regress; ``last_leagues``: the
    last season's. ``transfers``: for each match between clubs of different leagues
    (this season's league, else last season's), the league mates of each side.
    """

    def __init__(self, frame: pd.DataFrame, home: Index, away: Index, n_teams: int) -> None:
        n, self.n_teams = len(frame), n_teams
        pos = np.arange(n)
        first = np.full(n_teams, n, dtype=np.intp)
        np.minimum.at(first, home, pos)
        np.minimum.at(first, away, pos)
        self.new_home = first[home] == pos
        self.new_away = first[away] == pos
        season = _season(frame["date"])
        self.established: dict[int, tuple[list[int], bool]] = {}
        groups = pd.DataFrame({"c": frame["competition_id"].to_numpy(), "s": season}).groupby(["c", "s"]).indices
        kind = frame["competition_kind"].to_numpy() if "competition_kind" in frame else np.full(n, "")
        for rows in groups.values():
            newcomers = rows[self.new_home[rows] | self.new_away[rows]]
            if len(newcomers):
                teams = np.unique(np.concatenate([home[rows], away[rows]]))
                known = teams[first[teams] < rows[0]].tolist()
                self.established.update(dict.fromkeys(newcomers.tolist(), (known, kind[rows[0]] == "continental")))
        leagues = _leagues(frame, home, away, season)
        starts = np.flatnonzero(np.diff(season)) + 1
        self.breaks = [(int(i), leagues.get(int(season[i - 1]))) for i in starts]
        self.last_season = int(season[-1])
        self.last_leagues = leagues.get(self.last_season)
        self.transfers: dict[int, tuple[list[int], list[int]]] = {}
        for lo, hi in zip([0, *starts], [*starts, n], strict=True):
            current = int(season[lo])
            league = np.full(n_teams, -1, dtype=np.intp)  # this season's league, else last season's
            for members in (leagues.get(current - 1), leagues.get(current)):
                if members is not None:
                    league[members[0]] = members[1]
            lh, la = league[home[lo:hi]], league[away[lo:hi]]
            for i in (np.flatnonzero((lh >= 0) & (la >= 0) & (lh != la)) + lo).tolist():
                h, a = int(home[i]), int(away[i])
                mates_h = np.flatnonzero((league == league[h]) & (np.arange(n_teams) != h)).tolist()
                mates_a = np.flatnonzero((league == league[a]) & (np.arange(n_teams) != a)).tolist()
                if mates_h and mates_a:
                    self.transfers[i] = (mates_h, mates_a)


def _leagues(frame: pd.DataFrame, home: Index, away: Index, season: NDArray[np.int64]) -> dict[int, Members]:
    """Per season, the teams that played a league and the code of their last league that season.

    Leagues are the competitions of kind ``"league"``; without a
    ``competition_kind`` column there are none.
    """
    if "competition_kind" not in frame:
        return {}
    rows = np.flatnonzero((frame["competition_kind"] == "league").to_numpy())
    codes = pd.factorize(frame["competition_id"].to_numpy()[rows])[0]
    long = pd.DataFrame(
        {
            "s": np.tile(season[rows], 2),
            "t": np.concatenate([home[rows], away[rows]]),
            "c": np.tile(codes, 2),
            "p": np.tile(rows, 2),
        }
    ).sort_values("p", kind="stable")
    last = long.drop_duplicates(["s", "t"], keep="last")
    return {
        int(g["s"].iloc[0]): (g["t"].to_numpy(dtype=np.intp), g["c"].to_numpy(dtype=np.intp))
        for _, g in last.groupby("s")
    }


class EloModel(MatchModel):
    """Club Elo ratings with a learned home advantage and a Poisson goal map (see the module docstring).

    Parameters
    ----------
    k
        Rating points at stake per match, before the margin weight ``G``.
    home_advantage
        Starting Elo home advantage ``H`` in rating points; learned from there on.
    hfa_rate
        Fraction of the points the home side wins that is added to ``H`` after each
        match (ClubElo: 0.075); 0 keeps ``H`` fixed.
    goal_weight
        Margin weight ``G``: ``"eloratings"``, ``"sqrt"`` or ``"none"`` (see
        :func:`goal_weight`).
    initial_rating
        Rating of the clubs of a competition's first season (sets the scale's level).
    new_team_offset
        How many points below the clubs it joins a club starts in its first match.
    new_continental_offset
        The same for a club whose first match is in a European cup (its league is
        not in the data).
    carry_over
        Fraction of a club's distance from its league's mean kept over each 1 July.
    goal_years
        Years of matches, back from the last one, the goal map is fitted on.
    max_difference
        Rating difference beyond which the goal map is flat.
    league_share
        In a match between clubs of different leagues, the points each side's
        league mates win or lose together, as a multiple of the side's own.

    Attributes
    ----------
    teams_ : np.ndarray
        The team ids seen, sorted.
    ratings_ : pd.Series
        Rating by team id, strongest first (every club ever seen).
    home_advantage_ : float
        ``H`` after the last match.
    goal_coefs_ : tuple of float
        ``(c0, c1, h, e)`` of the goal map.
    rho_ : float
        The Dixon-Coles low-score dependence.
    unseen_rating_ : float
        Rating given to clubs never seen: ``new_team_offset`` below the mean of the
        clubs that played in the goal map's years.
    history_ : pd.DataFrame
        Per match fitted on: ``date``, ``home_id``, ``away_id``, the pre-match
        ``home_rating`` and ``away_rating``, the ``home_advantage`` the expected
        score used (0 at a neutral ground) and the points the home side won
        (``change``).
    as_of_ : datetime.date
        ``as_of``, or the day after the last match if it was not given.
    """

    name = "elo"

    def __init__(
        self,
        *,
        k: float = 15.0,
        home_advantage: float = 100.0,
        hfa_rate: float = 0.075,
        goal_weight: GoalWeight = "eloratings",
        initial_rating: float = 1500.0,
        new_team_offset: float = 50.0,
        new_continental_offset: float = 150.0,
        carry_over: float = 1.0,
        goal_years: float = 5.0,
        max_difference: float = 800.0,
        league_share: float = 10.0,
    ) -> None:
        self.k = k
        self.home_advantage = home_advantage
        self.hfa_rate = hfa_rate
        self.goal_weight = goal_weight
        self.initial_rating = initial_rating
        self.new_team_offset = new_team_offset
        self.new_continental_offset = new_continental_offset
        self.carry_over = carry_over
        self.goal_years = goal_years
        self.max_difference = max_difference
        self.league_share = league_share

    def fit(self, matches: pd.DataFrame, as_of: dt.date | None = None) -> Self:
        """Rate the clubs on ``matches`` strictly before ``as_of``, then fit the goal map.

        The ``competition_kind`` column that :func:`remontada.data.queries.training_matches`
        adds (``league``, ``cup``, ``continental``) is optional: it tells which clubs
        form a league and which newcomers come from a European cup; without it
        there are no leagues (no inter-league transfers, no season-break regression)
        and every newcomer is offset by ``new_team_offset``. If a 1 July falls
        between the last match and ``as_of``, that break's regression is applied
        too; otherwise the fit depends only on the matches used, not on ``as_of``.
        """
        frame = select_before(matches, as_of).sort_values("date", kind="stable")
        if frame.empty:
            raise ValueError(f"no matches before {as_of} to fit on")
        after_last = frame["date"].iloc[-1] + pd.Timedelta(days=1)
        teams, idx = np.unique(np.concatenate([frame["home_id"], frame["away_id"]]), return_inverse=True)
        home, away = idx[: len(frame)], idx[len(frame) :]
        schedule = _Schedule(frame, home, away, len(teams))
        hg = frame["home_goals"].to_numpy(dtype=float)
        ag = frame["away_goals"].to_numpy(dtype=float)
        venue = 1.0 - frame["neutral"].to_numpy(dtype=float)
        result = np.sign(hg - ag) / 2 + 0.5
        stake = self.k * goal_weight(hg - ag, self.goal_weight)
        ratings, hfa, pre_home, pre_away, hfa_at, change = self._run(schedule, home, away, venue, result, stake)
        if as_of is not None and _season(pd.Series([pd.Timestamp(as_of)])).item() > schedule.last_season:
            self._regress(ratings, schedule.last_leagues)

        recent = (frame["date"] >= after_last - pd.Timedelta(days=365.25 * self.goal_years)).to_numpy()
        x = np.clip((pre_home - pre_away)[recent] / 400, -self.max_difference / 400, self.max_difference / 400)
        kind = frame["competition_kind"] if "competition_kind" in frame else pd.Series("", index=frame.index)
        europe = venue * kind.eq("continental").to_numpy(dtype=float)
        self.goal_coefs_ = _fit_goal_map(x, venue[recent], europe[recent], hg[recent], ag[recent])
        lam, mu = self._goal_rates(x, venue[recent], europe[recent])
        self.rho_ = _fit_rho(hg[recent], ag[recent], lam, mu)

        self.teams_ = teams
        self._values = ratings
        self.ratings_ = pd.Series(ratings, index=pd.Index(teams, name="team_id"), name="rating")
        self.ratings_ = self.ratings_.sort_values(ascending=False)
        self.home_advantage_ = hfa
        active = np.unique(np.concatenate([home[recent], away[recent]]))
        self.unseen_rating_ = float(ratings[active].mean()) - self.new_team_offset
        self.history_ = pd.DataFrame(
            {
                "date": frame["date"].to_numpy(),
                "home_id": teams[home],
                "away_id": teams[away],
                "home_rating": pre_home,
                "away_rating": pre_away,
                "home_advantage": hfa_at * venue,
                "change": change,
            }
        )
        self.as_of_ = as_of if as_of is not None else after_last.date()
        return self

    def _learned_names(self) -> tuple[str, ...]:
        return ("ratings_", "history_")

    def _restored(self) -> None:
        self._values = np.asarray(self.ratings_.reindex(self.teams_), dtype=np.float64)

    def _run(
        self, schedule: _Schedule, home: Index, away: Index, venue: Array, result: Array, stake: Array
    ) -> tuple[Array, float, Array, Array, Array, Array]:
        """The sequential Elo pass.

        Returns the final ratings (by team index) and ``H``, then per match the
        pre-match ratings, the ``H`` in force and the points the home side won.
        """
        n = len(home)
        r = [self.initial_rating] * schedule.n_teams
        pre_h, pre_a, hfa_at, change = [0.0] * n, [0.0] * n, [0.0] * n, [0.0] * n
        hl, al, vl, wl, kl = home.tolist(), away.tolist(), venue.tolist(), result.tolist(), stake.tolist()
        new_h, new_a = schedule.new_home.tolist(), schedule.new_away.tolist()
        established, initial = schedule.established, self.initial_rating
        offset, continental_offset = self.new_team_offset, self.new_continental_offset
        hfa, rate = float(self.home_advantage), self.hfa_rate
        bounds = [0, *[start for start, _ in schedule.breaks], n]
        regressions = [None, *[members for _, members in schedule.breaks]]
        transfers, share = schedule.transfers, self.league_share
        for lo, hi, members in zip(bounds[:-1], bounds[1:], regressions, strict=True):
            if members is not None and self.carry_over != 1.0:
                arr = np.asarray(r)
                self._regress(arr, members)
                r = arr.tolist()
            for i in range(lo, hi):
                h, a = hl[i], al[i]
                if new_h[i] or new_a[i]:
                    known, continental = established[i]
                    gap = continental_offset if continental else offset
                    base = sum(r[j] for j in known) / len(known) - gap if known else initial
                    if new_h[i]:
                        r[h] = base
                    if new_a[i]:
                        r[a] = base
                rh, ra, v = r[h], r[a], vl[i]
                delta = kl[i] * (wl[i] - 1.0 / (1.0 + 10.0 ** ((ra - rh - hfa * v) / 400.0)))
                r[h] = rh + delta
                r[a] = ra - delta
                if share and i in transfers:
                    mates_h, mates_a = transfers[i]
                    gain, loss = share * delta / len(mates_h), share * delta / len(mates_a)
                    for j in mates_h:
                        r[j] += gain
                    for j in mates_a:
                        r[j] -= loss
                pre_h[i], pre_a[i], hfa_at[i], change[i] = rh, ra, hfa, delta
                hfa += rate * delta * v
        return np.asarray(r), hfa, np.asarray(pre_h), np.asarray(pre_a), np.asarray(hfa_at), np.asarray(change)

    def _regress(self, ratings: Array, members: Members | None) -> None:
        """Pull each team of ``(teams, league codes)`` toward its league's mean, in place."""
        if members is None or self.carry_over == 1.0:
            return
        t, c = members[0], np.unique(members[1], return_inverse=True)[1]
        mean = np.bincount(c, ratings[t]) / np.bincount(c)
        ratings[t] = mean[c] + self.carry_over * (ratings[t] - mean[c])

    def _goal_rates(self, x: Array, venue: Array, europe: Array) -> tuple[Array, Array]:
        c0, c1, h, e = self.goal_coefs_
        shift = h * venue + e * europe
        return np.exp(c0 + c1 * x + shift), np.exp(c0 - c1 * x - shift)

    def rates(
        self, home: ArrayLike, away: ArrayLike, neutral: ArrayLike = False, continental: ArrayLike = False
    ) -> Rates:
        """Expected goals for each fixture; clubs never seen get ``unseen_rating_`` and ``known=False``."""
        self._check_fitted("ratings_")
        h, a, nt, eu = np.broadcast_arrays(
            np.asarray(home), np.asarray(away), np.asarray(neutral, dtype=bool), np.asarray(continental, dtype=bool)
        )
        rh, known_h = self._lookup(h)
        ra, known_a = self._lookup(a)
        cap = self.max_difference / 400
        venue = (~nt).astype(float)
        lam, mu = self._goal_rates(np.clip((rh - ra) / 400, -cap, cap), venue, venue * eu)
        return Rates(lam, mu, self.rho_, known_h & known_a)

    def history_rates(self) -> pd.DataFrame:
        """The fitted matches with each side's pre-match expected goals (``home_rate``, ``away_rate``).

        The ratings are the ones each side had before the match, so the rates are the
        goal map's forecast of it from earlier results only (the map's coefficients
        come from the whole fit).
        """
        self._check_fitted("history_")
        h = self.history_
        cap = self.max_difference / 400
        x = np.clip((h["home_rating"] - h["away_rating"]).to_numpy() / 400, -cap, cap)
        venue = (h["home_advantage"].to_numpy() != 0).astype(float)
        lam, mu = self._goal_rates(x, venue, np.zeros_like(x))
        return h.assign(home_rate=lam, away_rate=mu)

    def expected_score(self, home: ArrayLike, away: ArrayLike, neutral: ArrayLike = False) -> Array:
        """Elo's expected score of the home side (a win 1, a draw 1/2), with ``home_advantage_`` unless neutral."""
        self._check_fitted("ratings_")
        h, a, nt = np.broadcast_arrays(np.asarray(home), np.asarray(away), np.asarray(neutral, dtype=bool))
        dr = self._lookup(h)[0] - self._lookup(a)[0] + self.home_advantage_ * (~nt)
        out: Array = 1.0 / (1.0 + 10.0 ** (-dr / 400.0))
        return out

    def _lookup(self, ids: NDArray[np.int64]) -> tuple[Array, NDArray[np.bool_]]:
        pos = np.clip(np.searchsorted(self.teams_, ids), 0, len(self.teams_) - 1)
        known = self.teams_[pos] == ids
        return np.where(known, self._values[pos], self.unseen_rating_), known

    def ratings(self) -> pd.DataFrame:
        """Every club rated, strongest first: ``rating``, ``matches`` played and ``last_played``.

        Clubs keep their rating when they leave the data (relegated out of it, or
        gone): filter on ``last_played`` for a table of current clubs.
        """
        self._check_fitted("ratings_")
        played = self._long()
        by_team = played.groupby("team_id")["date"]
        table = self.ratings_.to_frame()
        table["matches"] = by_team.size().reindex(table.index)
        table["last_played"] = by_team.max().reindex(table.index)
        return table

    def ratings_history(self, team_ids: ArrayLike | None = None) -> pd.DataFrame:
        """Each club's rating after each of its matches, in match order: ``date``, ``team_id``, ``rating``.

        What moves a rating between a club's own matches (a season-break regression,
        its league mates' European results) shows from its next match on.
        ``team_ids`` selects clubs (all by default).
        """
        self._check_fitted("history_")
        long = self._long()
        if team_ids is not None:
            long = long[long["team_id"].isin(np.atleast_1d(np.asarray(team_ids)))]
        return long.sort_index(kind="stable").reset_index(drop=True)

    def _long(self) -> pd.DataFrame:
        """Both sides of every match as rows, indexed by match number."""
        h = self.history_
        return pd.DataFrame(
            {
                "date": np.tile(h["date"].to_numpy(), 2),
                "team_id": np.concatenate([h["home_id"], h["away_id"]]),
                "rating": np.concatenate([h["home_rating"] + h["change"], h["away_rating"] - h["change"]]),
            },
            index=np.tile(np.arange(len(h)), 2),
        )


def _fit_goal_map(
    x: Array, venue: Array, europe: Array, home_goals: Array, away_goals: Array
) -> tuple[float, float, float, float]:
    """Posterior mode of ``(c0, c1, h, e)`` of the goal map under a N(0, 1) prior on each (see the module docstring)."""
    design = np.column_stack([np.ones_like(x), x, venue, europe])
    sign = np.array([1.0, -1.0, -1.0, -1.0])

    def objective(theta: Array) -> tuple[float, Array]:
        eta_h, eta_a = design @ theta, design @ (theta * sign)
        lam, mu = np.exp(eta_h), np.exp(eta_a)
        value = float(np.sum(lam - home_goals * eta_h + mu - away_goals * eta_a) + 0.5 * theta @ theta)
        grad: Array = design.T @ (lam - home_goals) + sign * (design.T @ (mu - away_goals)) + theta
        return value, grad

    from scipy.optimize import minimize  # slow to import: only when fitting

    c0, c1, h, e = minimize(objective, np.zeros(4), jac=True, method="BFGS").x
    return float(c0), float(c1), float(h), float(e)


def _fit_rho(home_goals: Array, away_goals: Array, home_rate: Array, away_rate: Array) -> float:
    """Maximum-likelihood Dixon-Coles ``rho`` with the goal rates fixed: only tau depends on it."""
    low = (home_goals <= 1) & (away_goals <= 1)
    i, j = home_goals[low].astype(np.intp), away_goals[low].astype(np.intp)
    lam, mu, rows = home_rate[low], away_rate[low], np.arange(int(low.sum()))

    def objective(rho: float) -> float:
        tau = dixon_coles_tau(lam, mu, rho)[rows, i, j]
        return -float(np.sum(np.log(np.maximum(tau, 1e-12))))

    from scipy.optimize import minimize_scalar

    return float(minimize_scalar(objective, bounds=(-0.2, 0.2), method="bounded").x)
