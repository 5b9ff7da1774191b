"""A knockout tie played out from a match model's rates: before it, between the legs, or at any minute.

One function, :func:`play`, serves the pre-match forecast and the live one, so that
the two cannot drift apart: the forecast before a match is the live forecast at
minute 0 with the score 0-0. The match being played (the first leg of a tie not yet
begun, the second leg once the first is known, or the single match) runs through the
in-play model (:func:`remontada.models.inplay.process.final_score_grid`) from its :class:`Moment`;
the other legs, a replay and extra time are then settled by the exact engine
(:mod:`remontada.knockout.engine`). In extra time (minutes 91-120) the rest of it is a Poisson
grid over the minutes left at the extra-time rate, and :func:`remontada.knockout.engine.in_extra_time`
settles the tie.

Side A is at home in leg 1 (or the first named in a single match), side B at home
in leg 2. The match in play has its own home and away sides: B and A in a second
leg, A and B otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from remontada.data.rules import Rules
from remontada.knockout.engine import (
    EXTRA_TIME_MINUTES,
    TieProbabilities,
    extra_time_grid,
    in_extra_time,
    single_match,
    two_legs,
)
from remontada.knockout.extra_time import ExtraTimeRate, ShootoutEdge
from remontada.models import MatchModel
from remontada.models.grid import DEFAULT_MAX_GOALS, ScoreGrid, poisson_grid
from remontada.models.inplay.process import MINUTES, Intensity, final_score_grid

__all__ = ["END_OF_EXTRA_TIME", "KICK_OFF", "Conditions", "Moment", "Played", "play"]

Array = NDArray[np.float64]
Ints = NDArray[np.int64]
END_OF_EXTRA_TIME = MINUTES + EXTRA_TIME_MINUTES
"""The last minute a knockout match can reach: 90 plus 30 of extra time (stoppage counted in 45, 90, 105, 120)."""


@dataclass(frozen=True)
class Conditions:
    """What a tie forecast on a date takes from the store besides the match model.

    The extra-time factor and shootout edge (:mod:`remontada.knockout.extra_time`), and the
    in-play model (:mod:`remontada.models.inplay.timing`) that turns a match's rates into its
    score distribution given the minute and the state of the tie.
    """

    extra_time: ExtraTimeRate
    shootout: ShootoutEdge
    intensity: Intensity


@dataclass(frozen=True)
class Moment:
    """Where the match being played stands (arrays for a batch, one minute for all).

    ``minute`` is the minutes played (0..90, then 91..120 in extra time); the score
    is the match's so far, home side first, extra-time goals included. The factors
    multiply each side's scoring rate from now on (red cards, a change of approach).
    """

    minute: int = 0
    home_goals: NDArray[np.int64] | int = 0
    away_goals: NDArray[np.int64] | int = 0
    home_factor: Array | float = 1.0
    away_factor: Array | float = 1.0

    def __post_init__(self) -> None:
        if not 0 <= self.minute <= END_OF_EXTRA_TIME:
            raise ValueError(f"minute {self.minute} is outside 0..{END_OF_EXTRA_TIME}")
        if np.any(np.asarray(self.home_goals) < 0) or np.any(np.asarray(self.away_goals) < 0):
            raise ValueError("a score cannot be negative")
        if np.any(np.asarray(self.home_factor) <= 0) or np.any(np.asarray(self.away_factor) <= 0):
            raise ValueError("a rate factor must be positive")


KICK_OFF = Moment()


@dataclass(frozen=True)
class Played:
    """A batch of ties (or matches) played out from one moment of the match in play.

    ``final`` is the distribution of the in-play match's final score (after extra
    time once in it), home side on the rows; ``leg2`` the second leg's (B at home)
    or the single match's grid, from its kick-off or from now when it is the match in
    play (then the same as ``final``). ``settle`` turns 90-minute scores of the match
    in play (a batch of grids, for one tie) into the tie's chances: with point masses
    it gives what each score is worth, the terminal values of a live table. It is
    ``None`` outside a tie and once extra time has begun.
    """

    probabilities: TieProbabilities | None
    """None for a match outside a tie (no one goes through)."""
    final: ScoreGrid
    leg2: ScoreGrid
    rates: tuple[Array, Array]
    """The in-play match's pre-match expected goals, home side first."""
    leg2_rates: tuple[Array, Array]
    """The deciding match's: (B, A) in a second leg, (A, B) in a single match."""
    leg1_rates: tuple[Array, Array] | None
    """Leg 1's (A, B) when it is still to finish."""
    known: NDArray[np.bool_]
    state: tuple[Ints, NDArray[np.bool_], Ints]
    """The in-play match's tie state for the in-play model: the home side's lead, away rule, its away goals."""
    settle: Callable[[ScoreGrid], TieProbabilities] | None = field(repr=False)


def play(
    model: MatchModel,
    a: Ints,
    b: Ints,
    rules: Rules | None,
    conditions: Conditions,
    *,
    leg1_score: tuple[Ints, Ints] | None = None,
    neutral: bool = False,
    continental: bool = False,
    moment: Moment = KICK_OFF,
) -> Played:
    """Play out a batch of ties A v B (or, with ``rules=None``, plain matches, A at home) from ``moment``.

    ``leg1_score`` (A's goals, B's) makes the second leg the match in play; without
    it, under two-legged rules, the first leg is. ``continental`` marks European-cup
    ties (a larger home advantage). A first leg still to finish is followed by a
    second leg from kick-off in a level state; a replay is plain Poisson.
    """
    et_factor, p_home = conditions.extra_time.factor, conditions.shootout.p_home
    intensity = conditions.intensity
    zeros = np.zeros(len(a), np.int64)
    plain_state = (zeros, zeros.astype(bool), zeros)
    if rules is None or rules.legs == 1:
        r = model.rates(a, b, neutral, continental)
        rates = (r.home, r.away)
        if rules is None:
            if moment.minute > MINUTES:
                raise ValueError(f"minute {moment.minute}: a match outside a knockout tie ends at {MINUTES}")
            final = _ninety(rates, intensity, moment, plain_state)
            return Played(None, final, final, rates, rates, None, r.known, plain_state, None)
        replay = None
        if rules.replays:  # at the other ground (or again on neutral ground), A's goals on the rows
            back = model.rates(b, a, neutral, continental)
            replay = poisson_grid(back.home, back.away, back.rho).swap()
        factors = (np.asarray(moment.home_factor), np.asarray(moment.away_factor))
        extra = extra_time_grid(r.home * factors[0], r.away * factors[1], et_factor) if rules.extra_time else None
        shootout_a = np.asarray(0.5 if neutral else p_home)

        def settle_single(final: ScoreGrid) -> TieProbabilities:
            return single_match(final, rules, extra_time=extra, shootout_a=shootout_a, replay=replay)

        if moment.minute > MINUTES:
            lead = np.asarray(moment.home_goals) - np.asarray(moment.away_goals)
            probs, final = _extra_time(rates, moment, rules, et_factor, lead, False, shootout_a, replay, True)
            return Played(probs, final, final, rates, rates, None, r.known, plain_state, None)
        final = _ninety(rates, intensity, moment, plain_state)
        return Played(settle_single(final), final, final, rates, rates, None, r.known, plain_state, settle_single)
    second = model.rates(b, a, False, continental)
    leg2_rates = (second.home, second.away)
    replay = None
    if rules.replays:
        playoff = model.rates(a, b, True, continental)
        replay = poisson_grid(playoff.home, playoff.away, playoff.rho)
    shootout_b = np.asarray(1.0 - p_home)
    if leg1_score is None:  # leg 1 in play, then leg 2 from its kick-off (its extra time as ever)
        extra = extra_time_grid(second.home, second.away, et_factor) if rules.extra_time else None
        if moment.minute > MINUTES:
            raise ValueError(f"minute {moment.minute}: a first leg ends at {MINUTES}")
        first = model.rates(a, b, False, continental)
        rates = (first.home, first.away)
        leg1 = _ninety(rates, intensity, moment, plain_state)
        leg2 = final_score_grid(second.home, second.away, intensity)

        def settle_first(final: ScoreGrid) -> TieProbabilities:
            ahead = np.broadcast_to(leg2.probs, final.shape + leg2.probs.shape[-2:])
            spread = ScoreGrid(ahead, np.broadcast_to(leg2.tail, final.shape))
            return two_legs(spread, rules, leg1=final, extra_time=extra, shootout_a=shootout_b, replay=replay)

        known = second.known & first.known
        return Played(settle_first(leg1), leg1, leg2, rates, leg2_rates, rates, known, plain_state, settle_first)
    a1, b1 = (np.asarray(v, dtype=np.int64) for v in leg1_score)
    # leg 2 in play: red cards and a change of approach carry on into its extra time
    factors = (np.asarray(moment.home_factor), np.asarray(moment.away_factor))
    extra = extra_time_grid(second.home * factors[0], second.away * factors[1], et_factor) if rules.extra_time else None
    # B, at home, leads the tie by b1 - a1 and has b1 away goals
    state = (np.broadcast_to(b1 - a1, a.shape), np.full(a.shape, rules.away_goals), np.broadcast_to(b1, a.shape))

    def settle_second(final: ScoreGrid) -> TieProbabilities:
        return two_legs(final, rules, leg1_score=(a1, b1), extra_time=extra, shootout_a=shootout_b, replay=replay)

    if moment.minute > MINUTES:
        if rules.extra_time:
            _check_level_after_ninety(moment, a1, b1, rules.away_goals)
        lead_a = a1 - b1 + np.asarray(moment.away_goals) - np.asarray(moment.home_goals)
        a_scored = np.asarray(moment.away_goals) > b1
        probs, final = _extra_time(leg2_rates, moment, rules, et_factor, lead_a, a_scored, shootout_b, replay, False)
        return Played(probs, final, final, leg2_rates, leg2_rates, None, second.known, state, None)
    leg2 = _ninety(leg2_rates, intensity, moment, state)
    return Played(settle_second(leg2), leg2, leg2, leg2_rates, leg2_rates, None, second.known, state, settle_second)


def _check_level_after_ninety(moment: Moment, a1: Ints, b1: Ints, away_goals: bool) -> None:
    """Refuse a second leg in extra time whose score could not have left the tie level after 90 minutes.

    Level after 90 minutes, B (at home) had ``h90 = a90 + a1 - b1``; with away goals
    also level, A had scored ``b1`` exactly. Extra-time goals only add to those.
    """
    h, v = np.broadcast_arrays(np.asarray(moment.home_goals), np.asarray(moment.away_goals), a1, b1)[:2]
    least_away = b1 if away_goals else np.maximum(0, b1 - a1)
    wrong = np.flatnonzero(np.broadcast_to((v < least_away) | (h < least_away + a1 - b1), h.shape).ravel())
    if len(wrong):
        k = int(wrong[0])
        first = (int(np.broadcast_to(a1, h.shape).ravel()[k]), int(np.broadcast_to(b1, h.shape).ravel()[k]))
        rule = " and away goals" if away_goals else ""
        raise ValueError(
            f"score {int(h.ravel()[k])}-{int(v.ravel()[k])} in extra time: no 90-minute score below it leaves the "
            f"tie level on aggregate{rule} after a first leg of {first[0]}-{first[1]} (A's goals first)"
        )


def _ninety(
    rates: tuple[Array, Array], intensity: Intensity, moment: Moment, state: tuple[Ints, NDArray[np.bool_], Ints]
) -> ScoreGrid:
    """The in-play match's 90-minute score from the moment, through the in-play model.

    The grid holds :data:`~remontada.models.grid.DEFAULT_MAX_GOALS` goals a side beyond the
    score so far, so that a side already three up keeps the room to score ten more.
    """
    lead, away_rule, away_goals_home = state
    so_far = int(max(np.max(moment.home_goals), np.max(moment.away_goals)))
    return final_score_grid(
        rates[0], rates[1], intensity, minute=moment.minute, score=(moment.home_goals, moment.away_goals),
        lead=lead, away_rule=away_rule, away_goals_home=away_goals_home,
        home_factor=moment.home_factor, away_factor=moment.away_factor, max_goals=DEFAULT_MAX_GOALS + so_far,
    )  # fmt: skip


def _extra_time(
    rates: tuple[Array, Array],
    moment: Moment,
    rules: Rules,
    et_factor: float,
    lead_a: NDArray[np.int64],
    a_has_scored: NDArray[np.bool_] | bool,
    shootout_a: NDArray[np.float64],
    replay: ScoreGrid | None,
    a_at_home: bool,
) -> tuple[TieProbabilities, ScoreGrid]:
    """The tie from a minute of extra time, and the in-play match's score at its end (home side first)."""
    if not rules.extra_time:
        raise ValueError(f"minute {moment.minute}: rules {rules.name!r} play no extra time")
    left = (END_OF_EXTRA_TIME - moment.minute) / EXTRA_TIME_MINUTES
    home = np.asarray(rates[0]) * np.asarray(moment.home_factor)
    away = np.asarray(rates[1]) * np.asarray(moment.away_factor)
    remaining = extra_time_grid(home, away, et_factor * left)
    as_b_home = remaining.swap() if a_at_home else remaining
    probs = in_extra_time(
        as_b_home, rules, lead=lead_a, a_has_scored=a_has_scored, shootout_a=shootout_a, replay=replay
    )
    return probs, _shifted(remaining, moment)


def _shifted(remaining: ScoreGrid, moment: Moment) -> ScoreGrid:
    """Goals still to come added to the score so far: the final score's grid (the grid grows to hold it)."""
    h = np.asarray(moment.home_goals, dtype=np.int64)
    v = np.asarray(moment.away_goals, dtype=np.int64)
    size = remaining.max_goals + 1
    extra = int(max(np.max(h), np.max(v)))
    batch = np.broadcast_shapes(remaining.shape, h.shape, v.shape)
    out = np.zeros(batch + (size + extra, size + extra))
    flat_out = out.reshape(-1, size + extra, size + extra)
    probs = np.broadcast_to(remaining.probs, batch + (size, size)).reshape(-1, size, size)
    hs, vs = np.broadcast_to(h, batch).ravel(), np.broadcast_to(v, batch).ravel()
    for k in range(len(flat_out)):
        flat_out[k, hs[k] : hs[k] + size, vs[k] : vs[k] + size] = probs[k]
    return ScoreGrid(out, np.broadcast_to(remaining.tail, batch).copy())
