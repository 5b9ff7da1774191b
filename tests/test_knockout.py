import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from remontada.data.rules import (
    CUP_REPLAYS,
    SINGLE_MATCH,
    TWO_LEGGED,
    UEFA_2021,
    UEFA_AWAY_GOALS,
    UEFA_REPLAYS,
    Rules,
    parse_rules,
)
from remontada.knockout.engine import extra_time_grid, in_extra_time, two_legs
from remontada.knockout.extra_time import ExtraTimeRate, ShootoutEdge
from remontada.knockout.play import END_OF_EXTRA_TIME, KICK_OFF, Conditions, Moment, play
from remontada.models import MatchModel
from remontada.models.base import Rates
from remontada.models.grid import ScoreGrid, poisson_grid
from remontada.models.inplay.process import MINUTES, STATES, Intensity, final_score_grid

ET_FACTOR, P_HOME = 0.8, 0.55
ET_THEN_PLAYOFF = Rules("et-then-playoff", legs=2, penalties=False, replays=True)
ALL_RULES = [UEFA_2021, UEFA_AWAY_GOALS, UEFA_REPLAYS, TWO_LEGGED, SINGLE_MATCH, CUP_REPLAYS, ET_THEN_PLAYOFF]
TWO_LEG_RULES = [r for r in ALL_RULES if r.legs == 2]
ET_RULES = [UEFA_2021, UEFA_AWAY_GOALS, TWO_LEGGED, ET_THEN_PLAYOFF]


class Fake(MatchModel):
    """Rates from a strength per team id and a home advantage: no store, no fitting."""

    name = "fake"

    def __init__(self, strength=(0.3, 0.0, -0.2, 0.1)):
        self.strength = np.asarray(strength, dtype=float)

    def fit(self, matches, as_of=None):
        return self

    def rates(self, home, away, neutral=False, continental=False):
        h, a = np.asarray(home), np.asarray(away)
        edge = np.where(np.asarray(neutral), 1.0, 1.25 if not np.any(continental) else 1.35)
        diff = self.strength[h] - self.strength[a]
        shape = np.broadcast_shapes(h.shape, a.shape)
        return Rates(1.3 * edge * np.exp(diff), 1.1 / edge * np.exp(-diff), 0.0, np.ones(shape, bool))

    def ratings(self):
        return pd.DataFrame({"strength": self.strength})


def intensity(match_sd=0.25) -> Intensity:
    profile = np.linspace(0.8, 1.2, MINUTES)
    profile[44], profile[89] = 1.8, 3.0
    profile /= profile.mean()
    home = np.array([0.25, 0.2, 0.0, -0.08, -0.05])
    away = np.array([0.35, 0.18, 0.0, -0.03, 0.05])
    return Intensity(profile, home, away, np.zeros(STATES), np.zeros(STATES), 0, 0, match_sd)


CONDITIONS = Conditions(
    ExtraTimeRate(ET_FACTOR, ET_FACTOR, 0.6, 1.0, 100, 80, 100.0, fallback=False),
    ShootoutEdge(550, 1000, P_HOME, 0.52, 0.58, 0.001, 0, 0, None, None, None, None),
    intensity(),
)
MODEL = Fake()
A, B = np.array([0, 1, 3]), np.array([1, 2, 0])


def test_the_fake_conditions_are_what_the_tests_assume():
    assert CONDITIONS.shootout.p_home == P_HOME and CONDITIONS.extra_time.factor == ET_FACTOR


BEFORE_AND_BETWEEN = [(r, None) for r in ALL_RULES] + [(r, "between") for r in TWO_LEG_RULES]


@pytest.mark.parametrize(("rules", "leg1"), BEFORE_AND_BETWEEN, ids=lambda v: getattr(v, "name", str(v)))
def test_at_kick_off_the_chances_sum_to_one(rules, leg1):
    leg1 = (np.array([0, 2, 1]), np.array([3, 2, 0])) if leg1 else None
    played = play(MODEL, A, B, rules, CONDITIONS, leg1_score=leg1)
    p = played.probabilities
    assert p is not None and p.p_a.shape == (3,)
    assert np.allclose(p.p_a + p.p_b, 1.0, atol=1e-12)
    assert np.all(p.p_a > 0) and np.all(p.p_b > 0)
    assert played.final.shape == (3,) and played.settle is not None


def test_a_match_outside_a_tie_has_no_one_going_through():
    played = play(MODEL, A, B, None, CONDITIONS)
    assert played.probabilities is None and played.settle is None and played.leg1_rates is None
    assert np.array_equal(played.final.probs, played.leg2.probs)
    r = MODEL.rates(A, B)
    expected = final_score_grid(r.home, r.away, CONDITIONS.intensity)
    assert np.allclose(played.final.probs, expected.probs, atol=1e-15)
    assert np.array_equal(played.rates[0], r.home) and np.array_equal(played.rates[1], r.away)
    later = play(MODEL, A, B, None, CONDITIONS, moment=Moment(60, 1, 0, 0.8, 1.2))
    kw = {"minute": 60, "score": (1, 0), "home_factor": 0.8, "away_factor": 1.2}
    want = final_score_grid(r.home, r.away, CONDITIONS.intensity, max_goals=later.final.max_goals, **kw)
    assert later.final.max_goals >= 11  # room for ten more goals beyond the score so far
    assert np.allclose(later.final.probs, want.probs, atol=1e-15)


# leg 1: A 1-2 B. Leg 2 (B at home) 1-2 leaves it level on aggregate (3-3) and on away goals (2 each).
LEG1 = (np.array([1]), np.array([2]))
ONE_A, ONE_B = np.array([0]), np.array([1])


def second_leg(rules, moment):
    return play(MODEL, ONE_A, ONE_B, rules, CONDITIONS, leg1_score=LEG1, moment=moment)


def assert_same(got, want, abs=1e-9):
    for name, value in want.as_dict().items():
        assert got.as_dict()[name] == pytest.approx(value, abs=abs), name


@pytest.mark.parametrize("rules", ET_RULES, ids=lambda r: r.name)
def test_a_level_tie_at_ninety_minutes_is_extra_time_from_its_start(rules):
    played = second_leg(rules, Moment(90, 1, 2))
    assert played.final.probs[0, 1, 2] == pytest.approx(1.0)
    p = played.probabilities[0]
    assert p.p_extra_time == pytest.approx(1.0)
    # what extra time gives from its first minute, at the deciding match's rates (B at home)
    home, away = (r[0] for r in played.leg2_rates)
    et = extra_time_grid(home, away, ET_FACTOR)
    replay_rates = MODEL.rates(ONE_A, ONE_B, True)
    replay = poisson_grid(replay_rates.home[0], replay_rates.away[0])
    assert_same(p, in_extra_time(et, rules, lead=0, shootout_a=1 - P_HOME, replay=replay))
    # a minute into extra time, still level: one minute of it less, so a little likelier to need penalties
    later = second_leg(rules, Moment(91, 1, 2)).probabilities[0]
    assert_same(later, p, abs=0.02)
    assert later.p_penalties + later.p_replay > p.p_penalties + p.p_replay
    assert later.a_extra_time + later.b_extra_time < p.a_extra_time + p.b_extra_time


@pytest.mark.parametrize("rules", ET_RULES, ids=lambda r: r.name)
def test_level_at_the_end_of_extra_time_is_all_penalties_or_a_play_off(rules):
    played = second_leg(rules, Moment(END_OF_EXTRA_TIME, 2, 3))  # a goal each in extra time
    p = played.probabilities[0]
    assert played.final.probs[0, 2, 3] == pytest.approx(1.0)
    if rules.away_goals_in_extra_time:  # A's extra-time goal was an away goal
        assert p.a_extra_time == pytest.approx(1.0)
        return
    if rules.penalties:
        assert p.p_penalties == pytest.approx(1.0) and p.a_penalties == pytest.approx(1 - P_HOME)
    else:
        playoff = MODEL.rates(ONE_A, ONE_B, True)
        grid = poisson_grid(playoff.home[0], playoff.away[0])
        assert p.p_replay == pytest.approx(1.0)
        assert p.a_replay == pytest.approx(grid.home_win / (grid.home_win + grid.away_win))
    level = second_leg(rules, Moment(END_OF_EXTRA_TIME, 1, 2)).probabilities[0]
    assert level.p_penalties + level.p_replay == pytest.approx(1.0)


def test_away_goals_in_extra_time_count_only_under_their_rules():
    # leg 2 is 1-2 after 90 minutes, then A scores and B scores: 2-3, level on aggregate, A's away goal
    for minute in (100, END_OF_EXTRA_TIME):
        old = second_leg(UEFA_AWAY_GOALS, Moment(minute, 2, 3)).probabilities[0]
        new = second_leg(UEFA_2021, Moment(minute, 2, 3)).probabilities[0]
        assert old.p_a > new.p_a
    assert old.p_a == pytest.approx(1.0)


@pytest.mark.parametrize("neutral", [False, True])
def test_a_single_match_in_extra_time(neutral):
    played = play(
        MODEL, ONE_A, ONE_B, SINGLE_MATCH, CONDITIONS, neutral=neutral, moment=Moment(END_OF_EXTRA_TIME, 1, 1)
    )
    p = played.probabilities[0]
    assert p.p_penalties == pytest.approx(1.0) and p.a_penalties == pytest.approx(0.5 if neutral else P_HOME)
    # 2-1 to A (at home) with ten minutes of extra time left, against a drawn match at its start
    ahead = play(MODEL, ONE_A, ONE_B, SINGLE_MATCH, CONDITIONS, neutral=neutral, moment=Moment(110, 2, 1))
    start = play(MODEL, ONE_A, ONE_B, SINGLE_MATCH, CONDITIONS, neutral=neutral, moment=Moment(90, 1, 1))
    assert ahead.probabilities.p_a[0] > 0.8 > start.probabilities.p_a[0]
    r = MODEL.rates(ONE_A, ONE_B, neutral)
    et = extra_time_grid(r.home, r.away, ET_FACTOR)  # A at home
    # single_match drops the extra-time grid's tail (~1e-8 here), in_extra_time shares it like a level tie
    want = in_extra_time(et.swap(), SINGLE_MATCH, lead=0, shootout_a=p.a_penalties)[0]
    assert_same(start.probabilities[0], want, abs=1e-7)


def test_impossible_moments_are_refused():
    for moment in (Moment(95), Moment(91, 1, 1)):
        with pytest.raises(ValueError, match="first leg"):
            play(MODEL, A, B, UEFA_2021, CONDITIONS, moment=moment)
        with pytest.raises(ValueError, match="outside a knockout tie"):
            play(MODEL, A, B, None, CONDITIONS, moment=moment)
        with pytest.raises(ValueError, match="no extra time"):
            play(MODEL, A, B, CUP_REPLAYS, CONDITIONS, moment=moment)
        with pytest.raises(ValueError, match="no extra time"):
            play(MODEL, A, B, UEFA_REPLAYS, CONDITIONS, leg1_score=(A, B), moment=moment)
    for kwargs in (
        {"minute": END_OF_EXTRA_TIME + 1},
        {"minute": -1},
        {"home_goals": -1},
        {"away_goals": np.array([0, -2])},
    ):
        with pytest.raises(ValueError):
            Moment(**kwargs)
    for kwargs in ({"home_factor": 0.0}, {"away_factor": -0.5}, {"home_factor": np.array([1.0, 0.0])}):
        with pytest.raises(ValueError, match="factor"):
            Moment(**kwargs)
    assert Moment(END_OF_EXTRA_TIME).minute == 120 and KICK_OFF == Moment(0, 0, 0, 1.0, 1.0)


def test_extra_time_under_away_goals_must_follow_a_mirrored_second_leg():
    # after A 1-2 B, only 1-2 (B first) at 90 minutes goes to extra time under away goals
    for home, away in ((0, 2), (1, 1), (0, 0)):
        with pytest.raises(ValueError, match="leaves the tie level"):
            second_leg(UEFA_AWAY_GOALS, Moment(100, home, away))
    assert second_leg(UEFA_AWAY_GOALS, Moment(100, 1, 2)).probabilities is not None
    assert second_leg(UEFA_AWAY_GOALS, Moment(100, 3, 4)).probabilities is not None


def expectation(played, values):
    probs = played.final.probs[0]
    return float(np.sum(probs.ravel() * values) / probs.sum())


def point_masses(size):
    return ScoreGrid(np.eye(size * size).reshape(size * size, size, size), np.zeros(size * size))


@pytest.mark.parametrize(("rules", "leg1"), BEFORE_AND_BETWEEN, ids=lambda v: getattr(v, "name", str(v)))
def test_settle_gives_the_values_whose_expectation_is_the_forecast(rules, leg1):
    # leg1=None: the first leg (or the single match) is in play; "between": the second leg is
    leg1 = LEG1 if leg1 else None
    played = play(MODEL, ONE_A, ONE_B, rules, CONDITIONS, leg1_score=leg1)
    size = played.final.max_goals + 1
    through = played.settle(point_masses(size))
    values = np.asarray(through.p_a)
    assert values.shape == (size * size,) and np.all((values >= 0) & (values <= 1))
    assert expectation(played, values) == pytest.approx(float(played.probabilities.p_a[0]), abs=1e-9)
    assert expectation(played, np.asarray(through.p_b)) == pytest.approx(float(played.probabilities.p_b[0]), abs=1e-9)


def test_settle_values_of_a_second_leg_are_who_the_score_sends_through():
    played = play(MODEL, ONE_A, ONE_B, UEFA_AWAY_GOALS, CONDITIONS, leg1_score=LEG1)
    size = played.final.max_goals + 1
    values = np.asarray(played.settle(point_masses(size)).p_a).reshape(size, size)  # rows: B's goals
    # after A 1-2 B: 0-1 is level on aggregate but B has more away goals, 0-2 wins it for A, so does 2-3 on away goals
    assert values[0, 0] == 0.0 and values[0, 1] == 0.0 and values[0, 2] == 1.0
    assert values[2, 2] == 0.0 and values[2, 3] == 1.0 and values[3, 4] == 1.0
    at_ninety = second_leg(UEFA_AWAY_GOALS, Moment(90, 1, 2)).probabilities.p_a[0]
    assert values[1, 2] == pytest.approx(float(at_ninety), abs=1e-12) and 0.2 < values[1, 2] < 0.8


@pytest.mark.parametrize(
    ("rules", "leg1", "moment"),
    [(SINGLE_MATCH, None, Moment(END_OF_EXTRA_TIME, 1, 1)), (UEFA_2021, LEG1, Moment(100, 1, 2))],
    ids=["single-match-120", "uefa-2021-100"],
)
def test_once_extra_time_has_begun_there_are_no_ninety_minute_scores_to_settle(rules, leg1, moment):
    played = play(MODEL, ONE_A, ONE_B, rules, CONDITIONS, leg1_score=leg1, moment=moment)
    assert played.settle is None and played.leg2 is played.final
    assert float(played.probabilities.p_a[0] + played.probabilities.p_b[0]) == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("rules", "fewest"),
    [(UEFA_2021, (0, 1)), (parse_rules("two-legged,away_goals=yes"), (1, 2))],
)
def test_extra_time_only_follows_a_second_leg_that_could_have_levelled_the_tie(rules, fewest):
    # first leg A 1-2 B: level after 90 minutes needs A (away) to have won the second leg by one, 1-2 with away goals
    for home, away in {(0, 0), (fewest[0], fewest[1] - 1), (max(fewest[0] - 1, 0), fewest[1] - 1)}:
        with pytest.raises(ValueError, match="leaves the tie level"):
            second_leg(rules, Moment(100, home, away))
    assert second_leg(rules, Moment(100, *fewest)).probabilities is not None


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 3), st.integers(0, 3), st.sampled_from(ET_RULES))
def test_settling_a_second_leg_at_its_final_whistle_is_the_live_forecast_then(home, away, rules):
    played = play(MODEL, ONE_A, ONE_B, rules, CONDITIONS, leg1_score=LEG1)
    masses = np.zeros((1, 11, 11))
    masses[0, home, away] = 1.0
    settled = played.settle(ScoreGrid(masses, np.zeros(1)))[0]
    assert_same(second_leg(rules, Moment(MINUTES, home, away)).probabilities[0], settled, abs=1e-12)


def test_a_big_first_leg_lead_late_on_beats_the_kick_off():
    start = play(MODEL, ONE_A, ONE_B, UEFA_2021, CONDITIONS).probabilities.p_a[0]
    late = play(MODEL, ONE_A, ONE_B, UEFA_2021, CONDITIONS, moment=Moment(89, 3, 0)).probabilities.p_a[0]
    behind = play(MODEL, ONE_A, ONE_B, UEFA_2021, CONDITIONS, moment=Moment(89, 0, 3)).probabilities.p_a[0]
    assert 1 - late < (1 - start) / 5 and late > 0.95
    assert behind < start - 0.5 and behind < 0.15


@pytest.mark.parametrize("score", [(0, 0), (1, 1), (2, 2)])
def test_a_level_first_leg_at_its_final_whistle_is_the_second_leg_at_kick_off(score):
    # without away goals a level first leg leaves the second leg in the level state the first-leg path assumes
    a = np.array([0, 2])
    b = np.array([1, 3])
    end_of_leg1 = play(MODEL, a, b, UEFA_2021, CONDITIONS, moment=Moment(MINUTES, *score)).probabilities
    leg1 = (np.full(2, score[0]), np.full(2, score[1]))
    before_leg2 = play(MODEL, a, b, UEFA_2021, CONDITIONS, leg1_score=leg1).probabilities
    assert end_of_leg1.p_a == pytest.approx(before_leg2.p_a, abs=1e-9)
    assert end_of_leg1.p_penalties == pytest.approx(before_leg2.p_penalties, abs=1e-9)


def test_leg1_in_play_at_kick_off_is_both_legs_forecast_before_the_tie():
    played = play(MODEL, ONE_A, ONE_B, TWO_LEGGED, CONDITIONS)
    first, second = MODEL.rates(ONE_A, ONE_B), MODEL.rates(ONE_B, ONE_A)
    leg1 = final_score_grid(first.home, first.away, CONDITIONS.intensity)
    leg2 = final_score_grid(second.home, second.away, CONDITIONS.intensity)
    et = extra_time_grid(second.home, second.away, ET_FACTOR)
    want = two_legs(leg2, TWO_LEGGED, leg1=leg1, extra_time=et, shootout_a=1 - P_HOME)
    assert_same(played.probabilities[0], want[0], abs=1e-12)
    assert played.leg1_rates is not None and np.allclose(played.leg2.probs, leg2.probs)
