import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import skellam

from remontada.data.rules import (
    CUP_REPLAYS,
    RULES,
    SINGLE_MATCH,
    TWO_LEGGED,
    UEFA_2021,
    UEFA_AWAY_GOALS,
    UEFA_REPLAYS,
    LegScore,
    Rules,
    decide,
)
from remontada.knockout.engine import (
    extra_time_grid,
    in_extra_time,
    second_leg_outcomes,
    single_match,
    two_legs,
    two_legs_from_rates,
)
from remontada.models.grid import ScoreGrid, poisson_grid

rates = st.floats(0.2, 3.0)
rhos = st.floats(-0.15, 0.1)
scores = st.integers(0, 6)
two_leg_rules = st.sampled_from([UEFA_2021, UEFA_AWAY_GOALS, TWO_LEGGED, UEFA_REPLAYS])


def oracle(a1, b1, leg2, et, shootout_a, rules, replay=None):
    """P(A through) by enumerating every leg-2 and extra-time score and asking rules.decide."""
    size, et_size = leg2.max_goals + 1, et.max_goals + 1
    p_a = 0.0
    for i in range(size):
        for j in range(size):
            first, second = LegScore(a1, b1, a_at_home=True), LegScore(j, i, a_at_home=False)
            outcome = decide([first, second], rules)
            p = leg2.probs[i, j]
            if outcome.winner is not None:
                p_a += p * (outcome.winner == "a")
                continue
            if not rules.extra_time:
                won_a, won_b = replay.home_win, replay.away_win
                p_a += p * won_a / (won_a + won_b)
                continue
            for k in range(et_size):
                for m in range(et_size):
                    after = LegScore(j, i, a_at_home=False, a_et=j + m, b_et=i + k)
                    settled = decide([first, after], rules)
                    q = p * et.probs[k, m] / (1 - et.tail)
                    p_a += q * (settled.winner == "a") if settled.winner else q * shootout_a
    return p_a / (1 - leg2.tail)


@given(rates, rates, rhos, scores, scores, st.floats(0.3, 0.7), st.floats(0.5, 1.2), two_leg_rules)
def test_matches_every_score_judged_by_the_rules(home, away, rho, a1, b1, shoot, factor, rules):
    leg2 = poisson_grid(home, away, rho, max_goals=7)
    et = extra_time_grid(home, away, factor, max_goals=4)
    replay = poisson_grid(away, home, rho, max_goals=7)
    got = two_legs(leg2, rules, leg1_score=(a1, b1), extra_time=et, shootout_a=shoot, replay=replay)
    assert got.p_a == pytest.approx(oracle(a1, b1, leg2, et, shoot, rules, replay), abs=2e-6)


@given(rates, rates, rates, rates, rhos, two_leg_rules)
def test_routes_sum_to_one_and_before_the_tie_is_the_average_between_legs(h1, a1, h2, a2, rho, rules):
    leg1 = poisson_grid(h1, a1, rho, max_goals=8)
    leg2 = poisson_grid(h2, a2, rho, max_goals=8)
    et = extra_time_grid(h2, a2)
    replay = poisson_grid((h1 + a2) / 2, (a1 + h2) / 2)
    kw = {"extra_time": et, "replay": replay, "shootout_a": 0.45}
    before = two_legs(leg2, rules, leg1=leg1, **kw)
    assert before.p_a + before.p_b == pytest.approx(1.0)
    assert 0 <= before.p_extra_time <= 1 and before.p_penalties <= before.p_extra_time + 1e-12
    cells = np.indices(leg1.probs.shape).reshape(2, -1)
    between = two_legs(
        poisson_grid(np.full(cells.shape[1], h2), np.full(cells.shape[1], a2), rho, max_goals=8),
        rules,
        leg1_score=(cells[0], cells[1]),
        extra_time=extra_time_grid(np.full(cells.shape[1], h2), np.full(cells.shape[1], a2)),
        replay=poisson_grid(np.full(cells.shape[1], (h1 + a2) / 2), np.full(cells.shape[1], (a1 + h2) / 2)),
        shootout_a=0.45,
    )
    weights = leg1.probs.ravel() / leg1.probs.sum()
    assert before.p_a == pytest.approx(float(weights @ between.p_a), abs=1e-9)


@given(rates, rates, st.integers(0, 4), st.integers(0, 3), two_leg_rules)
def test_the_chance_falls_as_the_deficit_grows(home, away, deficit, b1, rules):
    kw = {"extra_time": extra_time_grid(home, away), "replay": poisson_grid(away, home)}
    leg2 = poisson_grid(home, away)
    # A lost leg 1 at home by `deficit`, then by one more, conceding the same away goals
    closer = two_legs(leg2, rules, leg1_score=(b1, b1 + deficit), **kw)
    further = two_legs(leg2, rules, leg1_score=(b1, b1 + deficit + 1), **kw)
    assert further.p_a <= closer.p_a + 1e-12


@given(rates, st.floats(0.5, 1.5))
def test_level_first_leg_and_equal_sides_at_a_neutral_ground_is_a_coin_toss(rate, factor):
    leg2 = poisson_grid(rate, rate, -0.05)
    got = two_legs(leg2, UEFA_2021, leg1_score=(0, 0), extra_time=extra_time_grid(rate, rate, factor))
    assert got.p_a == pytest.approx(0.5, abs=1e-12)
    assert got.a_90 == pytest.approx(got.b_90) and got.a_penalties == pytest.approx(got.b_penalties)


@given(rates, rates, st.floats(0.3, 0.7))
def test_a_single_match_is_a_tie_with_a_level_first_leg(home, away, shoot):
    grid = poisson_grid(home, away, -0.05)
    et = extra_time_grid(home, away)
    one = single_match(grid, SINGLE_MATCH, extra_time=et, shootout_a=shoot)
    assert one.a_90 == pytest.approx(grid.home_win / (1 - grid.tail))
    assert one.p_extra_time == pytest.approx(grid.draw / (1 - grid.tail))
    # the same match as the second leg of a tie at 0-0 in which A is the *away* side of the grid
    as_tie = two_legs(grid.swap(), TWO_LEGGED, leg1_score=(0, 0), extra_time=et.swap(), shootout_a=shoot)
    assert as_tie.p_a == pytest.approx(one.p_a)
    assert as_tie.a_extra_time == pytest.approx(one.a_extra_time)


def test_a_cup_replay_is_won_in_proportion_to_the_replay_wins():
    grid = poisson_grid(1.5, 1.0)
    replay = poisson_grid(0.9, 1.6)  # at the other ground, A's goals first
    got = single_match(grid, CUP_REPLAYS, replay=replay)
    share = replay.home_win / (replay.home_win + replay.away_win)
    assert got.a_replay == pytest.approx(grid.draw / (1 - grid.tail) * share)
    assert got.p_extra_time == 0 and got.p_penalties == 0


@given(rates, rates, rates, rates)
def test_two_legs_without_away_goals_is_a_skellam_in_the_aggregate(h1, a1, h2, a2):
    # A's goals over the tie are Poisson(h1 + a2), B's Poisson(a1 + h2): the aggregate margin is Skellam
    got = two_legs_from_rates(h2, a2, TWO_LEGGED, leg1_rates=(h1, a1), max_goals=16)
    a_total, b_total = h1 + a2, a1 + h2
    assert got.a_90 == pytest.approx(skellam.sf(0, a_total, b_total), abs=1e-7)
    assert got.p_extra_time == pytest.approx(skellam.pmf(0, a_total, b_total), abs=1e-7)
    # extra time: Skellam again, on a third of leg 2's rates
    et_a, et_b = a2 / 3, h2 / 3
    assert got.a_extra_time == pytest.approx(got.p_extra_time * skellam.sf(0, et_a, et_b), abs=1e-6)


@given(rates, rates, scores, scores)
def test_away_goals_change_only_the_level_ties(home, away, a1, b1):
    kw = {"leg1_score": (a1, b1), "extra_time": extra_time_grid(home, away)}
    leg2 = poisson_grid(home, away)
    old, new = two_legs(leg2, UEFA_AWAY_GOALS, **kw), two_legs(leg2, UEFA_2021, **kw)
    # every aggregate win is the same; level ties are split by away goals, the rest go to extra time
    assert old.a_90 + old.b_90 + old.p_extra_time == pytest.approx(new.a_90 + new.b_90 + new.p_extra_time)
    assert old.a_90 >= new.a_90 - 1e-12 and old.b_90 >= new.b_90 - 1e-12
    assert old.p_extra_time <= new.p_extra_time + 1e-12


def test_liverpool_need_three_to_force_extra_time_and_four_to_win():
    cells = second_leg_outcomes(0, 3, UEFA_2021, max_goals=5)  # rows: Atalanta's goals, columns: Liverpool's
    assert cells[0, 3] == 0 and cells[0, 4] == 1 and cells[1, 4] == 0 and cells[0, 2] == -1
    old = second_leg_outcomes(0, 3, UEFA_AWAY_GOALS, max_goals=5)
    # 0-3 in Bergamo: 3-3 with three away goals each, extra time; 2-5: level, Liverpool's five away goals
    assert old[0, 3] == 0 and old[1, 4] == 1 and old[2, 5] == 1 and old[3, 5] == -1


def test_a_batch_is_the_ties_one_by_one():
    home, away = np.array([1.2, 2.0, 0.7]), np.array([1.0, 0.6, 1.9])
    leg1 = (np.array([0, 2, 1]), np.array([3, 2, 0]))
    batch = two_legs_from_rates(home, away, UEFA_AWAY_GOALS, leg1_score=leg1, rho=-0.08)
    for k in range(3):
        one = two_legs_from_rates(home[k], away[k], UEFA_AWAY_GOALS, leg1_score=(leg1[0][k], leg1[1][k]), rho=-0.08)
        assert batch[k].as_dict() == pytest.approx(one.as_dict())


def test_bad_arguments_are_refused():
    grid = poisson_grid(1.0, 1.0)
    with pytest.raises(ValueError, match="either"):
        two_legs(grid, UEFA_2021)
    with pytest.raises(ValueError, match="extra time"):
        two_legs(grid, UEFA_2021, leg1_score=(0, 0))
    with pytest.raises(ValueError, match="single"):
        two_legs(grid, SINGLE_MATCH, leg1_score=(0, 0))
    with pytest.raises(ValueError, match="negative"):
        two_legs(grid, TWO_LEGGED, leg1_score=(-1, 0), extra_time=extra_time_grid(1, 1))
    with pytest.raises(ValueError, match="replay"):
        single_match(grid, CUP_REPLAYS)
    assert set(RULES) >= {"uefa-2021", "uefa-away-goals", "single-match"}


# --- in extra time ---------------------------------------------------------------------------------------------------

# extra time then a play-off (no shootout): the only way to reach the replay route from extra time
ET_THEN_REPLAY = Rules("et-then-replay", legs=2, penalties=False, replays=True)
et_rules = st.sampled_from([UEFA_2021, UEFA_AWAY_GOALS, SINGLE_MATCH, ET_THEN_REPLAY])


@settings(max_examples=40, deadline=None)
@given(rates, rates, st.floats(0.0, 1.0), st.integers(-4, 4), st.booleans(), st.floats(0.2, 0.8), et_rules)
def test_in_extra_time_every_route_is_extra_time_penalties_or_a_replay(home, away, left, lead, scored, shoot, rules):
    remaining = extra_time_grid(home, away, left)
    replay = poisson_grid(away, home)
    got = in_extra_time(remaining, rules, lead=lead, a_has_scored=scored, shootout_a=shoot, replay=replay)
    assert float(got.p_a + got.p_b) == pytest.approx(1.0, abs=1e-12)
    assert got.a_90 == 0 and got.b_90 == 0 and float(got.p_extra_time) == pytest.approx(1.0, abs=1e-12)
    assert min(got.as_dict().values()) >= 0
    if rules.penalties:
        assert got.p_replay == 0
    else:
        assert got.p_penalties == 0


@settings(max_examples=40, deadline=None)
@given(rates, rates, st.one_of(st.just(0.0), st.floats(1e-6, 1.0)), st.integers(-4, 4))
def test_in_extra_time_without_away_goals_is_a_skellam(home, away, left, lead):  # scipy's skellam fails below 1e-6
    # rows: B (at home), columns: A, so A's extra-time goals are Poisson(away / 3 * left)
    remaining = extra_time_grid(home, away, left, max_goals=16)
    got = in_extra_time(remaining, UEFA_2021, lead=lead, shootout_a=0.4)
    mu_a, mu_b = away * left / 3, home * left / 3
    a_ahead = skellam.sf(-lead, mu_a, mu_b) if left > 0 else float(lead > 0)
    level = skellam.pmf(-lead, mu_a, mu_b) if left > 0 else float(lead == 0)
    assert float(got.a_extra_time) == pytest.approx(a_ahead, abs=1e-9)
    assert float(got.p_penalties) == pytest.approx(level, abs=1e-9)
    assert float(got.a_penalties) == pytest.approx(0.4 * level, abs=1e-9)


def test_in_extra_time_refuses_rules_without_extra_time():
    grid = extra_time_grid(1.0, 1.0)
    for rules in (CUP_REPLAYS, UEFA_REPLAYS):
        with pytest.raises(ValueError, match="no extra time"):
            in_extra_time(grid, rules, lead=0, replay=poisson_grid(1.0, 1.0))
    with pytest.raises(ValueError, match="replay"):
        in_extra_time(grid, ET_THEN_REPLAY, lead=0)


def point_mass(i, j, size=11):
    probs = np.zeros((size, size))
    probs[i, j] = 1.0
    return ScoreGrid(probs, np.asarray(0.0))


ROUTES = ["a_extra_time", "b_extra_time", "a_penalties", "b_penalties", "a_replay", "b_replay", "p_a", "p_b"]


@settings(max_examples=40, deadline=None)
@given(
    rates,
    rates,
    st.floats(0.5, 1.2),
    st.floats(0.2, 0.8),
    st.sampled_from([UEFA_2021, UEFA_AWAY_GOALS, ET_THEN_REPLAY]),
)
def test_at_the_start_of_extra_time_it_is_the_tie_given_a_level_ninety_minutes(home, away, factor, shoot, rules):
    # leg 1: A 1-2 B; leg 2: B 1-2 A. Level on aggregate (3-3) and on away goals (2 each): extra time.
    et = extra_time_grid(home, away, factor, max_goals=14)
    replay = poisson_grid(away, home, max_goals=14)
    before = two_legs(point_mass(1, 2), rules, leg1_score=(1, 2), extra_time=et, shootout_a=shoot, replay=replay)
    assert float(before.p_extra_time) == pytest.approx(1.0)
    now = in_extra_time(et, rules, lead=0, shootout_a=shoot, replay=replay)
    for route in ROUTES:
        assert float(getattr(now, route)) == pytest.approx(float(getattr(before, route)), abs=1e-9), route


@settings(max_examples=30, deadline=None)
@given(rates, rates, st.floats(0.5, 1.2), st.floats(0.2, 0.8))
def test_at_the_start_of_extra_time_in_a_single_match_it_is_the_drawn_match(home, away, factor, shoot):
    et = extra_time_grid(home, away, factor, max_goals=14)  # A at home
    before = single_match(point_mass(2, 2), SINGLE_MATCH, extra_time=et, shootout_a=shoot)
    now = in_extra_time(et.swap(), SINGLE_MATCH, lead=0, shootout_a=shoot)
    for route in ROUTES:
        assert float(getattr(now, route)) == pytest.approx(float(getattr(before, route)), abs=1e-9), route


@settings(max_examples=30, deadline=None)
@given(rates, rates, st.floats(0.5, 1.2))
def test_away_goals_in_extra_time_go_to_the_side_that_scored_them(home, away, factor):
    et = extra_time_grid(home, away, factor, max_goals=14)
    got = in_extra_time(et, UEFA_AWAY_GOALS, lead=0, shootout_a=0.3)
    # level after extra time, A through if it scored at all; B's goals at home are not away goals
    level = float(et.draw)
    assert float(got.a_extra_time) == pytest.approx(float(et.away_win) + level - float(et.probs[0, 0]), abs=1e-9)
    assert float(got.b_extra_time) == pytest.approx(float(et.home_win), abs=1e-9)
    assert float(got.a_penalties) == pytest.approx(0.3 * float(et.probs[0, 0]), abs=1e-9)
    # without away goals in extra time, a 1-1 in extra time is a shootout
    plain = in_extra_time(et, UEFA_2021, lead=0, shootout_a=0.3)
    assert float(plain.p_penalties) == pytest.approx(level, abs=1e-9)


@pytest.mark.parametrize("factor", [0.0, 1e-12])
def test_with_no_time_left_an_away_goal_in_extra_time_decides_else_penalties(factor):
    empty = extra_time_grid(1.4, 1.1, factor)
    scored = in_extra_time(empty, UEFA_AWAY_GOALS, lead=0, a_has_scored=True, shootout_a=0.3)
    assert float(scored.p_a) == pytest.approx(1.0, abs=1e-9) and float(scored.a_extra_time) == pytest.approx(1.0)
    not_scored = in_extra_time(empty, UEFA_AWAY_GOALS, lead=0, a_has_scored=False, shootout_a=0.3)
    assert float(not_scored.p_penalties) == pytest.approx(1.0, abs=1e-9)
    assert float(not_scored.a_penalties) == pytest.approx(0.3, abs=1e-9)
    # having scored counts only under away goals in extra time
    no_rule = in_extra_time(empty, UEFA_2021, lead=0, a_has_scored=True, shootout_a=0.3)
    assert float(no_rule.a_penalties) == pytest.approx(0.3, abs=1e-9)
    # a batch of the two
    both = in_extra_time(empty, UEFA_AWAY_GOALS, lead=np.array([0, 0]), a_has_scored=np.array([True, False]))
    assert both.p_a == pytest.approx([1.0, 0.5], abs=1e-9)


@given(rates, rates)
def test_three_up_with_a_minute_left_is_all_but_through(home, away):
    last_minute = extra_time_grid(home, away, 1 / 30)
    for rules in (UEFA_2021, UEFA_AWAY_GOALS, SINGLE_MATCH):
        # B needs three goals in a minute to take it to penalties: at most P(Poisson(3 / 90) >= 3) < 1e-5
        assert float(in_extra_time(last_minute, rules, lead=3).p_a) > 1 - 1e-5
        assert float(in_extra_time(last_minute, rules, lead=-3, a_has_scored=True).p_b) > 1 - 1e-5
