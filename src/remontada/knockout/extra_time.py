"""Extra time and penalty shootouts as the store has seen them, for the tie engine.

Two numbers settle a level tie and neither is assumed:

* **How often goals come in extra time.** Every match in the store with its score
  after 90 minutes *and* after extra time gives the goals of its 30 extra minutes.
  Against them we set what the same 30 minutes would bring at the competition's
  usual rate (a third of its average goals per 90 minutes, over the matches before
  the forecast date). The ratio, a Poisson rate ratio, is the extra-time factor the
  engine applies to a second leg's rates; its 95% interval is exact (Garwood 1936,
  from the chi-square quantiles of the goal count).
* **Who wins a shootout.** Is a shootout a coin toss? Two effects are often claimed:
  the home side's (crowd, familiar goal) and the first shooter's (Apesteguia &
  Palacios-Huerta 2010, "Psychological pressure in competitive environments",
  American Economic Review 100(5), found 60% for the side shooting first). The store
  says how often the home side of a non-neutral match won its shootout, and where
  the source recorded it, how often the side that shot first did. An effect is used
  only if a two-sided binomial test rejects a coin toss at 5%. Who shoots first is
  decided by a coin toss on the day, so even a real first-shooter effect leaves a
  forecast made before it at 50%: it is reported, not used.

Both use only matches strictly before the forecast date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from remontada.data.store import Store

__all__ = ["MIN_EXTRA_TIMES", "ExtraTimeRate", "ShootoutEdge", "extra_time_rate", "shootout_edge"]

MIN_EXTRA_TIMES = 20
"""Fewer a.e.t. matches than this before a date and the factor falls back to one."""
SIGNIFICANCE = 0.05


@dataclass(frozen=True)
class ExtraTimeRate:
    """Goals in extra time relative to the same minutes of normal time.

    ``factor`` is what the engine uses: the estimate, or 1.0 when there were fewer
    than :data:`MIN_EXTRA_TIMES` matches to estimate it from (``fallback``).
    """

    factor: float
    estimate: float | None
    lo: float | None
    hi: float | None
    matches: int
    goals: int
    expected_goals: float
    fallback: bool

    def describe(self) -> str:
        """One line for a reader."""
        if self.fallback or self.estimate is None:
            return f"extra time at the normal-time scoring rate (only {self.matches} a.e.t. matches to learn from)"
        return (
            f"extra time scores at {self.estimate:.2f}x the normal-time rate (95% CI {self.lo:.2f}-{self.hi:.2f}; "
            f"{self.goals} goals in {self.matches} a.e.t. matches)"
        )


@dataclass(frozen=True)
class ShootoutEdge:
    """How often the home side, and the side shooting first, won a shootout, with 95% intervals."""

    home_wins: int
    home_shootouts: int
    home_rate: float | None
    home_lo: float | None
    home_hi: float | None
    home_p_value: float | None
    first_wins: int
    first_shootouts: int
    first_rate: float | None
    first_lo: float | None
    first_hi: float | None
    first_p_value: float | None

    @property
    def p_home(self) -> float:
        """P(the home side wins a shootout) as the engine uses it: 0.5 unless the data reject it."""
        if self.home_rate is None or self.home_p_value is None or self.home_p_value >= SIGNIFICANCE:
            return 0.5
        return self.home_rate

    def describe(self) -> str:
        """One line for a reader."""
        if self.home_rate is None:
            return "shootouts taken as a coin toss (none in the store before this date)"
        used = "used" if self.p_home != 0.5 else "not distinguishable from a coin toss, so 50% is used"
        text = (
            f"home sides won {self.home_wins} of {self.home_shootouts} shootouts ({self.home_rate:.1%}, "
            f"95% CI {self.home_lo:.1%}-{self.home_hi:.1%}): {used}"
        )
        if self.first_rate is not None:
            text += (
                f"; the first shooter won {self.first_wins} of {self.first_shootouts} ({self.first_rate:.1%}, "
                f"95% CI {self.first_lo:.1%}-{self.first_hi:.1%})"
            )
        return text


def extra_time_rate(store: Store, *, before: dt.date | None = None) -> ExtraTimeRate:
    """The extra-time scoring factor from the a.e.t. matches before ``before`` (all, if ``None``).

    Only matches whose source gives both the 90-minute and the after-extra-time score
    count; scores that silently include extra time are left out, of both sides of the ratio.
    """
    day = before or dt.date.max
    row = store.one(
        """
        WITH normal AS (
            SELECT competition_id, avg(home_goals + away_goals) AS per_match FROM matches
            WHERE date < ? AND NOT score_includes_et GROUP BY competition_id),
        aet AS (
            SELECT competition_id, et_home_goals + et_away_goals - home_goals - away_goals AS goals FROM matches
            WHERE date < ? AND et_home_goals IS NOT NULL AND NOT score_includes_et)
        SELECT count(*), coalesce(sum(goals), 0), coalesce(sum(per_match / 3), 0)
        FROM aet JOIN normal USING (competition_id)
        """,
        [day, day],
    )
    assert row is not None
    matches, goals, expected = int(row[0]), int(row[1]), float(row[2])
    if matches < MIN_EXTRA_TIMES or expected <= 0:
        return ExtraTimeRate(1.0, None, None, None, matches, goals, expected, fallback=True)
    estimate = goals / expected
    from scipy.stats import chi2  # scipy.stats is slow to import: only when a rate is worked out

    lo = float(chi2.ppf(0.025, 2 * goals)) / 2 / expected if goals else 0.0
    hi = float(chi2.ppf(0.975, 2 * goals + 2)) / 2 / expected
    return ExtraTimeRate(estimate, estimate, lo, hi, matches, goals, expected, fallback=False)


def _rate(wins: int, n: int) -> tuple[float | None, float | None, float | None, float | None]:
    if n == 0:
        return None, None, None, None
    from scipy.stats import binomtest

    test = binomtest(wins, n, 0.5)
    interval = test.proportion_ci(confidence_level=0.95, method="wilson")
    return wins / n, float(interval.low), float(interval.high), float(test.pvalue)


def shootout_edge(store: Store, *, before: dt.date | None = None) -> ShootoutEdge:
    """Home and first-shooter win rates in the store's shootouts before ``before`` (all, if ``None``).

    Clubs and national teams are pooled: a shootout is the same contest for both.
    """
    day = before or dt.date.max
    row = store.one(
        """
        SELECT count(*) FILTER (WHERE NOT m.neutral),
               count(*) FILTER (WHERE NOT m.neutral AND s.winner_id = m.home_id),
               count(s.first_shooter_id),
               count(*) FILTER (WHERE s.winner_id = s.first_shooter_id)
        FROM shootouts s JOIN matches m USING (match_id)
        WHERE m.date < ? AND s.winner_id IS NOT NULL
        """,
        [day],
    )
    assert row is not None
    home_n, home_wins, first_n, first_wins = (int(v) for v in row)
    return ShootoutEdge(home_wins, home_n, *_rate(home_wins, home_n), first_wins, first_n, *_rate(first_wins, first_n))
