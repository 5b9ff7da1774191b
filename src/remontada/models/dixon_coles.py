"""The Dixon-Coles model: team attack and defence, home advantage, low-score dependence.

Each side's goals are Poisson (Maher 1982), with log-rates

    log lambda = c + (h + h_L + e * european) * (not neutral) + attack[home] - defence[away]   (home goals)
    log mu     = c - e * european * (not neutral) + attack[away] - defence[home]               (away goals)

where ``h_L`` is how much more (or less) home advantage the home side's league gives
than the pool's ``h``, with a Gaussian prior around 0 (``home_sd``): home advantage
differs between countries and eras (Pollard 2006, "Worldwide regional variations in
home advantage in association football", Journal of Sports Sciences 24(3), 231-240:
strongest in the Balkans, weakest in northern Europe), and Egypt's league, played
behind closed doors after 2012, has little (its home sides win about 37% of the time,
against 45% in Belgium). ``e`` is the extra home advantage of the European cups (long
trips, foreign grounds: the home side both scores more and concedes less than at home
in its own league), and the four low scores 0-0, 1-0, 0-1 and 1-1 reweighted by tau(rho) (Dixon & Coles
1997, "Modelling association football scores and inefficiencies in the football
betting market", Applied Statistics 46(2), 265-280). Older matches count less: each
match is weighted ``exp(-xi * age)`` with ``xi = ln 2 / half_life_days`` (their
section 5). A Gaussian prior on the team parameters (a ridge penalty,
``prior_sd``) keeps a team seen a handful of times near the average of the pool,
finite and reasonable, instead of at ±infinity; with ``prior_sd=None`` the fit is the
plain maximum-likelihood estimate (then attack and defence are identified only up to
constants absorbed by ``c``).

Domestic leagues, domestic cups and European cups are fitted together ("one pool"):
the European matches tie the leagues' scales together. Teams are grouped by their
league (the last league they played in the window), or by country when the data
hold none of their league matches (a Maltese or a Kazakh champion is only ever seen in
the European cups); each group has its own attack and defence level, and a team's
parameters are its group's plus its own deviation (a hierarchical, or "league
level", prior as in ClubElo). The Gaussian prior then pulls a rarely seen team
towards its league's level, learnt from all its clubs, rather than towards the
average of the whole pool, which flattered weak clubs from small countries. The optimiser is L-BFGS on the
exact gradient of the weighted log-likelihood, vectorised over matches (scatter-adds
with ``np.bincount``; no Python loop over matches).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Self

import numpy as np
import pandas as pd
from numba import njit
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import minimize
from scipy.special import gammaln
from threadpoolctl import threadpool_limits

from remontada.models.base import MatchModel, Rates, select_before
from remontada.models.evidence import Evidence, blend

__all__ = ["DixonColesModel", "dixon_coles_loglik", "team_groups"]

Array = NDArray[np.float64]
HEAD = 4
"""Parameters before the teams': intercept, home advantage, rho, European home advantage."""


class _Data:
    """The arrays the likelihood needs, built once per fit."""

    def __init__(
        self,
        home: NDArray[np.intp],
        away: NDArray[np.intp],
        frame: pd.DataFrame,
        group: NDArray[np.intp],
        n_groups: int,
        targets: Evidence,
        home_precision: float,
    ):
        self.home, self.away, self.n = home, away, len(group)
        self.group, self.g = group, n_groups
        self.home_group = group[home]  # whose ground: the home side's league sets the extra home advantage
        self.home_precision = home_precision
        self.gh = frame["home_goals"].to_numpy(dtype=float)  # the score, for the low-score correction
        self.ga = frame["away_goals"].to_numpy(dtype=float)
        self.wt = targets.goal_weight  # the score's weight, in the low-score correction
        self.yh, self.ya, self.w = targets.home, targets.away, targets.weight  # the Poisson terms: goals or a blend
        self.venue = 1.0 - frame["neutral"].to_numpy(dtype=float)
        european = frame["competition_kind"].eq("continental") if "competition_kind" in frame else False
        self.europe = self.venue * np.asarray(european, dtype=float)
        self.const = float(np.sum(self.w * (gammaln(self.yh + 1) + gammaln(self.ya + 1))))

    def group_levels(self, teams: Array, precision: float, group_precision: float) -> Array:
        """Each group's level that the prior pulls its teams towards, given the teams' values.

        With team values ``t`` around their group's ``g`` (precision ``precision``) and
        ``g`` around 0 (precision ``group_precision``), the most likely ``g`` is a
        shrunk mean of its teams: ``precision * sum(t) / (precision * n + group_precision)``.
        Profiling ``g`` out this way leaves the optimiser the team values only.
        """
        if precision <= 0 or not np.isfinite(group_precision):
            return np.zeros(self.g)
        total = np.bincount(self.group, teams, self.g)
        levels: Array = precision * total / (precision * np.bincount(self.group, minlength=self.g) + group_precision)
        return levels


def _objective(theta: Array, d: _Data, precision: float, group_precision: float) -> tuple[float, Array]:
    """Negative weighted log-likelihood (plus the ridge penalties) and its gradient.

    ``theta`` is ``[c, h, rho, e, team attack (n), team defence (n), group home advantage (g)]``;
    the prior puts each team's attack and defence around its group's level, itself
    around 0, with the group levels profiled out (:meth:`_Data.group_levels`), and each
    group's home advantage around the pool's ``h`` (precision ``d.home_precision``).
    """
    n = d.n
    c, h, rho, e = theta[0], theta[1], theta[2], theta[3]
    att, dfc, home = theta[HEAD : HEAD + n], theta[HEAD + n : HEAD + 2 * n], theta[HEAD + 2 * n :]
    eta_h = c + (h + home[d.home_group]) * d.venue + e * d.europe + att[d.home] - dfc[d.away]
    eta_a = c - e * d.europe + att[d.away] - dfc[d.home]
    loglik, g_h, g_a, g_rho = _match_terms(eta_h, eta_a, d.yh, d.ya, d.gh, d.ga, d.w, d.wt, rho)
    grad = np.empty_like(theta)
    grad[0] = g_h.sum() + g_a.sum()
    grad[1] = (g_h * d.venue).sum()
    grad[2] = g_rho
    grad[3] = ((g_h - g_a) * d.europe).sum()
    team_att = np.bincount(d.home, g_h, n) + np.bincount(d.away, g_a, n)
    team_def = -np.bincount(d.away, g_h, n) - np.bincount(d.home, g_a, n)
    grad[HEAD : HEAD + n] = team_att
    grad[HEAD + n : HEAD + 2 * n] = team_def
    grad[HEAD + 2 * n :] = np.bincount(d.home_group, g_h * d.venue, d.g)
    value = -loglik + 0.5 * d.home_precision * float(home @ home)
    grad = -grad
    grad[HEAD + 2 * n :] += d.home_precision * home
    if precision > 0:
        for block in (slice(HEAD, HEAD + n), slice(HEAD + n, HEAD + 2 * n)):
            teams = theta[block]
            levels = d.group_levels(teams, precision, group_precision)
            off = teams - levels[d.group]
            value += 0.5 * precision * float(off @ off)
            if np.isfinite(group_precision):
                value += 0.5 * group_precision * float(levels @ levels)
            grad[block] += precision * off  # the levels are at their optimum: no term through them
    return float(value), grad


@njit(cache=True)
def _match_terms(
    eta_h: Array, eta_a: Array, yh: Array, ya: Array, gh: Array, ga: Array, w: Array, wt: Array, rho: float
) -> tuple[float, Array, Array, float]:
    """The weighted log-likelihood and its derivatives by each match's two log-rates and by ``rho``.

    One pass over the matches (numba): the Poisson terms of the targets ``yh``, ``ya``
    (the goals, or a blend with shot- and price-based expected goals:
    :mod:`remontada.models.evidence`) plus ``log tau`` of the four low scores, read from the
    goals ``gh``, ``ga``, with ``tau`` floored at 1e-12; the Poisson terms weighted by ``w``, the
    correction by the score's own weight ``wt``. Returns the summed log-likelihood, the
    per-match derivatives by ``eta_h`` and ``eta_a`` (weighted), and the summed derivative
    by ``rho``. One compiled loop instead of a dozen masked numpy passes makes the objective
    several times faster (``make bench``: a batch over many dates is mostly these fits).
    """
    n = len(eta_h)
    g_h, g_a = np.empty(n), np.empty(n)
    loglik, g_rho = 0.0, 0.0
    for i in range(n):
        lam, mu, x, y = math.exp(eta_h[i]), math.exp(eta_a[i]), gh[i], ga[i]
        d_h, d_a, d_rho, tau = 0.0, 0.0, 0.0, 1.0
        if x == 0.0 and y == 0.0:
            tau = max(1.0 - lam * mu * rho, 1e-12)
            d_h = d_a = -lam * mu * rho / tau
            d_rho = -lam * mu / tau
        elif x == 0.0 and y == 1.0:
            tau = max(1.0 + lam * rho, 1e-12)
            d_h, d_rho = lam * rho / tau, lam / tau
        elif x == 1.0 and y == 0.0:
            tau = max(1.0 + mu * rho, 1e-12)
            d_a, d_rho = mu * rho / tau, mu / tau
        elif x == 1.0 and y == 1.0:
            tau = max(1.0 - rho, 1e-12)
            d_rho = -1.0 / tau
        loglik += w[i] * (yh[i] * eta_h[i] - lam + ya[i] * eta_a[i] - mu) + wt[i] * math.log(tau)
        g_h[i] = w[i] * (yh[i] - lam) + wt[i] * d_h
        g_a[i] = w[i] * (ya[i] - mu) + wt[i] * d_a
        g_rho += wt[i] * d_rho
    return loglik, g_h, g_a, g_rho


def _scale(d: _Data, precision: float, group_precision: float) -> Array:
    """Step sizes that make the problem well conditioned for L-BFGS.

    The optimiser works on ``theta / scale`` where ``scale`` is one over the square
    root of an estimate of the Hessian's diagonal: a team's parameters are as sure as
    its summed match weight times the mean goal rate. Without it, old and rarely seen
    teams (tiny weights) make the problem badly conditioned and L-BFGS crawls.
    """
    goals = float(np.average(np.concatenate([d.yh, d.ya]), weights=np.concatenate([d.w, d.w])))
    goals = max(goals, 0.1)
    team_weight = np.bincount(d.home, d.w, d.n) + np.bincount(d.away, d.w, d.n)
    total = float(d.w.sum())
    head = [
        2 * total * goals,
        max(float((d.w * d.venue).sum()), 1e-3 * total) * goals,
        total,
        2 * max(float((d.w * d.europe).sum()), 1e-3 * total) * goals,
    ]
    team = team_weight * goals + precision
    home = np.bincount(d.home_group, d.w * d.venue, d.g) * goals + d.home_precision
    diag = np.concatenate([head, team, team, home])
    out: Array = 1.0 / np.sqrt(np.maximum(diag, 1e-12))
    return out


def dixon_coles_loglik(
    home_goals: ArrayLike, away_goals: ArrayLike, home_rate: ArrayLike, away_rate: ArrayLike, rho: float
) -> Array:
    """Per-match Dixon-Coles log-likelihood, factorials included (for checks and scoring)."""
    yh, ya = np.asarray(home_goals, float), np.asarray(away_goals, float)
    lam, mu = np.asarray(home_rate, float), np.asarray(away_rate, float)
    tau = np.ones(np.broadcast(yh, lam).shape)
    tau = np.where((yh == 0) & (ya == 0), 1 - lam * mu * rho, tau)
    tau = np.where((yh == 0) & (ya == 1), 1 + lam * rho, tau)
    tau = np.where((yh == 1) & (ya == 0), 1 + mu * rho, tau)
    tau = np.where((yh == 1) & (ya == 1), 1 - rho, tau)
    out: Array = (
        yh * np.log(lam)
        - lam
        - gammaln(yh + 1)
        + ya * np.log(mu)
        - mu
        - gammaln(ya + 1)
        + np.log(np.maximum(tau, 1e-12))
    )
    return out


def team_groups(frame: pd.DataFrame, teams: NDArray[np.int64]) -> NDArray[np.object_]:
    """Each team's group: the last league it played in ``frame``, else ``country:XXX``, else ``other``.

    Leagues are the competitions of kind ``league`` (the ``competition_kind``
    column); countries come from the optional ``home_country`` / ``away_country``
    columns. A team with neither is in the ``other`` group. ``frame`` is in date order.
    """
    out = pd.Series("other", index=teams, dtype=object)

    def last(rows: pd.DataFrame, home: str, away: str) -> pd.Series:
        order = np.arange(len(rows))
        long = pd.DataFrame(
            {
                "team": np.concatenate([rows["home_id"], rows["away_id"]]),
                "value": np.concatenate([rows[home], rows[away]]),
                "order": np.concatenate([order, order]),
            }
        ).dropna()
        return long.sort_values("order", kind="stable").drop_duplicates("team", keep="last").set_index("team")["value"]

    if {"home_country", "away_country"} <= set(frame.columns):
        country = last(frame, "home_country", "away_country")
        out.update("country:" + country.reindex(teams).dropna().astype(str))
    if "competition_kind" in frame.columns:
        league = frame[frame["competition_kind"] == "league"]
        out.update(last(league, "competition_id", "competition_id").reindex(teams).dropna())
    return out.to_numpy()


class DixonColesModel(MatchModel):
    """Dixon-Coles with time decay and a Gaussian prior (see the module docstring).

    Parameters
    ----------
    half_life_days
        How many days until a match counts half as much; ``None`` weights all equally.
    prior_sd
        Standard deviation of the Gaussian prior on a team's attack and defence
        around its group's (log-rate units); ``None`` for plain maximum likelihood.
    group_sd
        Standard deviation of the Gaussian prior on the groups' (leagues', countries')
        attack and defence around the pool's; ``None`` puts every team in one group
        (the plain Dixon-Coles prior towards the pool average).
    max_years
        Matches older than this before ``as_of`` are not used (their weight is tiny).
    tol
        Convergence tolerance on the projected gradient.
    warm_start
        Start each fit from the previous fit's parameters (walk-forward refits).
    shots_weight
        Weight of each side's shot-based expected goals next to its goals (1), where a
        match has shots (:mod:`remontada.models.evidence`); 0 ignores shots.
    market_weight
        Weight of the expected goals a past match's prices imply, where it has prices; 0
        ignores prices. The defaults (shots 1, prices 2, their half-life 90 days) were
        chosen walk-forward on the seasons before the README's evaluations (big-5
        2013-14 and 2014-15 for shots, Belgium, the Netherlands and Egypt 2013-14 for
        prices), from weights 0.5-4 and half-lives 60-365 days.
    evidence_half_life_days
        The half-life of the shots' and prices' weights (``half_life_days`` is the goals'):
        less noisy measures of a side's strength need less memory, so they can follow its
        form more closely. ``None`` keeps them at full weight whatever their age.
    home_sd
        Standard deviation of the Gaussian prior on each group's (league's, country's)
        home advantage around the pool's, in log-rate units; ``None`` (or 0) gives every
        match the pool's one home advantage. Chosen walk-forward (0.1 and 0.2 alike, against
        one home advantage: RPS 0.1995 against 0.1997 on Belgium, the Netherlands and
        Egypt 2011-12 to 2014-15, the seasons before the evaluations).
    """

    name = "dixon-coles"

    def __init__(
        self,
        *,
        half_life_days: float | None = 365.0,
        prior_sd: float | None = 1.0,
        group_sd: float | None = 1.0,
        max_years: float = 8.0,
        tol: float = 1e-6,
        warm_start: bool = False,
        shots_weight: float = 1.0,
        market_weight: float = 2.0,
        evidence_half_life_days: float | None = 90.0,
        home_sd: float | None = 0.1,
    ) -> None:
        self.half_life_days = half_life_days
        self.prior_sd = prior_sd
        self.group_sd = group_sd
        self.max_years = max_years
        self.tol = tol
        self.warm_start = warm_start
        self.shots_weight = shots_weight
        self.market_weight = market_weight
        self.evidence_half_life_days = evidence_half_life_days
        self.home_sd = home_sd

    def fit(self, matches: pd.DataFrame, as_of: dt.date | None = None, weights: ArrayLike | None = None) -> Self:
        """Fit on ``matches`` strictly before ``as_of`` (default: all of them).

        ``weights`` multiplies each match's time-decay weight (e.g. competition
        weights); it is aligned with ``matches``' rows.
        """
        before = select_before(matches, as_of)
        if before.empty:
            raise ValueError(f"no matches before {as_of} to fit on")
        # ages are counted from the day after the latest match used, so the same matches
        # give the same fit whatever day the forecast is made on
        end = before["date"].max() + pd.Timedelta(days=1)
        age_all = (end - matches["date"]).dt.days.to_numpy(dtype=float)
        rows = np.flatnonzero((matches["date"] < end).to_numpy() & (age_all <= self.max_years * 365.25))
        frame, age = matches.iloc[rows], age_all[rows]
        base = np.ones(len(rows)) if weights is None else np.asarray(weights, dtype=float)[rows]
        weight = base if self.half_life_days is None else base * np.exp(-np.log(2) * age / self.half_life_days)
        decay = 1.0 if self.evidence_half_life_days is None else np.exp(-np.log(2) * age / self.evidence_half_life_days)
        targets = blend(matches, rows, weight, base * decay, self.shots_weight, self.market_weight)
        teams, idx = np.unique(np.concatenate([frame["home_id"], frame["away_id"]]), return_inverse=True)
        n = len(teams)
        labels = team_groups(frame, teams) if self.group_sd is not None else np.full(n, "all", dtype=object)
        groups, group = np.unique(labels, return_inverse=True)
        by_league = bool(self.home_sd) and self.group_sd is not None  # sd 0: no league differs from the pool
        home_precision = 1.0 / self.home_sd**2 if by_league and self.home_sd else 0.0
        data = _Data(idx[: len(frame)], idx[len(frame) :], frame, group, len(groups), targets, home_precision)
        theta0 = self._start(teams, groups, data)
        precision = 0.0 if self.prior_sd is None else 1.0 / self.prior_sd**2
        group_precision = 1.0 / self.group_sd**2 if self.group_sd is not None else np.inf  # one group, at 0
        scale = _scale(data, precision, group_precision)
        rho_bound = 0.5 / scale[2]
        bounds = [(None, None), (None, None), (-rho_bound, rho_bound), (None, None)] + [(None, None)] * (2 * n)
        bounds += [(None, None) if by_league else (0.0, 0.0)] * len(groups)  # one home advantage for all

        def scaled(z: Array) -> tuple[float, Array]:
            value, grad = _objective(z * scale, data, precision, group_precision)
            return value, grad * scale

        # one BLAS thread: L-BFGS-B's small dense steps only lose time to thread hand-offs
        # (3x slower fits on a busy 2-core machine with OpenBLAS's default threads)
        with threadpool_limits(limits=1, user_api="blas"):
            result = minimize(
                scaled,
                theta0 / scale,
                jac=True,
                method="L-BFGS-B",
                bounds=bounds,
                options={"maxiter": 5000, "maxcor": 20, "gtol": self.tol, "ftol": 1e-15},
            )
        theta = result.x * scale
        self.n_iterations_ = int(result.nit)
        self.teams_ = teams
        self.intercept_ = float(theta[0])
        self.home_advantage_ = float(theta[1])
        self.rho_ = float(theta[2])
        self.european_advantage_ = float(theta[3])
        attack, defence = theta[HEAD : HEAD + n], theta[HEAD + n : HEAD + 2 * n]
        self.group_home_ = pd.Series(theta[HEAD + 2 * n :], index=groups, name="home advantage")
        self.team_home_ = pd.Series(self.group_home_.to_numpy()[group], index=teams, name="home advantage")
        group_attack = data.group_levels(attack, precision, group_precision)
        group_defence = data.group_levels(defence, precision, group_precision)
        self.attack_ = pd.Series(attack, index=teams, name="attack")
        self.defence_ = pd.Series(defence, index=teams, name="defence")
        self.group_ = pd.Series(groups[group], index=teams, name="group")
        self.group_attack_ = pd.Series(group_attack, index=groups, name="attack")
        self.group_defence_ = pd.Series(group_defence, index=groups, name="defence")
        self.objective_ = float(result.fun)
        self.loglik_ = -float(_objective(theta, data, 0.0, 0.0)[0]) - data.const
        grad = _objective(theta, data, precision, group_precision)[1]
        grad[2] = 0.0 if abs(theta[2]) >= 0.5 - 1e-12 else grad[2]
        self.grad_norm_ = float(np.max(np.abs(grad)))
        self.converged_ = bool(result.success)
        self.n_matches_ = len(frame)
        self.as_of_ = as_of if as_of is not None else end.date()
        self._report(targets, idx[: len(frame)], idx[len(frame) :])
        return self

    def _report(self, targets: Evidence, home: NDArray[np.intp], away: NDArray[np.intp]) -> None:
        """Keep what the fit learned from.

        ``evidence_`` counts matches by measure and what was kept out, by reason;
        ``team_evidence_`` counts each team's matches with shots and with prices.
        """
        counts = {"matches": self.n_matches_, "shots": int(targets.shots.sum()), "prices": int(targets.prices.sum())}
        counts |= {f"kept out, {reason}": count for reason, count in sorted(targets.rejected.items())}
        self.evidence_ = pd.Series(counts, name="matches", dtype="int64")
        n = len(self.teams_)
        self.team_evidence_ = pd.DataFrame(
            {
                kind: np.bincount(home, used, n) + np.bincount(away, used, n)
                for kind, used in (("shots", targets.shots), ("prices", targets.prices))
            },
            index=self.teams_,
        ).astype("int64")

    def report(self) -> dict[str, int]:
        """The fit's ``evidence_`` as a dict (see :meth:`MatchModel.report`)."""
        self._check_fitted("attack_")
        return {str(k): int(v) for k, v in getattr(self, "evidence_", pd.Series(dtype="int64")).items()}

    def evidence(self, home: ArrayLike, away: ArrayLike) -> tuple[str, ...]:
        """What the forecasts of these fixtures rest on.

        ``goals``, and ``shots`` / ``prices`` where the fit used either side's shots or
        earlier prices.
        """
        self._check_fitted("attack_")
        ids = np.unique(np.concatenate([np.ravel(home), np.ravel(away)]))
        used = getattr(self, "team_evidence_", pd.DataFrame(columns=["shots", "prices"]))
        found = used.reindex(ids).fillna(0).sum()
        return ("goals", *(kind for kind in ("shots", "prices") if found.get(kind, 0) > 0))

    def _learned_names(self) -> tuple[str, ...]:
        return ("attack_", "defence_", "team_home_")

    def _start(self, teams: NDArray[np.int64], groups: NDArray[np.object_], data: _Data) -> Array:
        n = len(teams)
        theta = np.zeros(HEAD + 2 * n + len(groups))
        theta[0] = np.log(max(float(np.average(data.ya, weights=data.w)), 0.1))
        theta[1] = 0.25
        theta[2] = -0.05
        if self.warm_start and hasattr(self, "teams_"):
            theta[:HEAD] = [self.intercept_, self.home_advantage_, self.rho_, self.european_advantage_]
            # a team seen before starts where it was; a new one at its group's level
            ga = self.group_attack_.reindex(groups).fillna(0.0).to_numpy()[data.group]
            gd = self.group_defence_.reindex(groups).fillna(0.0).to_numpy()[data.group]
            theta[HEAD : HEAD + n] = self.attack_.reindex(teams).fillna(pd.Series(ga, index=teams)).to_numpy()
            theta[HEAD + n : HEAD + 2 * n] = self.defence_.reindex(teams).fillna(pd.Series(gd, index=teams)).to_numpy()
            theta[HEAD + 2 * n :] = self.group_home_.reindex(groups).fillna(0.0).to_numpy()
        return theta

    def rates(
        self, home: ArrayLike, away: ArrayLike, neutral: ArrayLike = False, continental: ArrayLike = False
    ) -> Rates:
        """Expected goals for each fixture; teams never seen get the pool average."""
        self._check_fitted("attack_")
        h, a, nt, eu = np.broadcast_arrays(
            np.asarray(home), np.asarray(away), np.asarray(neutral, dtype=bool), np.asarray(continental, dtype=bool)
        )
        att_h, def_h, home_h, known_h = self._lookup(h)
        att_a, def_a, _, known_a = self._lookup(a)
        europe = self.european_advantage_ * (eu & ~nt)
        lam = np.exp(self.intercept_ + (self.home_advantage_ + home_h) * (~nt) + europe + att_h - def_a)
        mu = np.exp(self.intercept_ - europe + att_a - def_h)
        return Rates(lam, mu, self.rho_, known_h & known_a)

    def _lookup(self, ids: NDArray[np.int64]) -> tuple[Array, Array, Array, NDArray[np.bool_]]:
        """Each team's attack, defence and league's extra home advantage (0 for a team never seen), and whether seen."""
        pos = np.searchsorted(self.teams_, ids)
        pos = np.clip(pos, 0, len(self.teams_) - 1)
        known = self.teams_[pos] == ids
        learned = (self.attack_, self.defence_, self.team_home_)
        att, dfc, home = (np.where(known, values.to_numpy()[pos], 0.0) for values in learned)
        return att, dfc, home, known

    def ratings(self) -> pd.DataFrame:
        """Attack, defence and their sum (overall strength), strongest first, and each side's home advantage.

        ``home`` is the pool's home advantage plus the side's league's, in log-rate units:
        0.25 is 28% more goals at home than on neutral ground.
        """
        self._check_fitted("attack_")
        table = pd.DataFrame({"attack": self.attack_, "defence": self.defence_})
        table["strength"] = table["attack"] + table["defence"]
        table["home"] = self.home_advantage_ + self.team_home_
        if self.shots_weight > 0 or self.market_weight > 0:  # what each rating rests on besides goals
            evidence = self.team_evidence_.rename(columns=lambda c: f"matches with {c}")
            table = table.join(evidence.loc[:, [self.shots_weight > 0, self.market_weight > 0]])
        return table.sort_values("strength", ascending=False)
