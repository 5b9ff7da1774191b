import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from remontada.data.rules import SINGLE_MATCH, UEFA_2021, UEFA_AWAY_GOALS, LegScore, decide, rules_for


def test_rules_follow_the_calendar():
    assert rules_for("uefa-el", dt.date(2024, 4, 18)).name == "uefa-2021"
    assert rules_for("uefa-cl", dt.date(2019, 5, 7)).name == "uefa-away-goals"
    assert rules_for("uefa-cl", dt.date(1960, 5, 7)).name == "uefa-replays"
    assert rules_for("uefa-cl", dt.date(2019, 6, 1), legs=1).name == "single-match"
    assert rules_for("eng-fa-cup", dt.date(1980, 1, 5), legs=1).name == "cup-replays"


def test_liverpool_atalanta_2024_on_aggregate():
    legs = [LegScore(0, 3, a_at_home=True), LegScore(1, 0, a_at_home=False)]
    outcome = decide(legs, UEFA_2021)
    assert (outcome.winner, outcome.decided_by, outcome.agg_a, outcome.agg_b) == ("b", "aggregate", 1, 3)


def test_away_goals_only_under_old_rules():
    legs = [LegScore(1, 1, a_at_home=True), LegScore(0, 0, a_at_home=False)]
    assert decide(legs, UEFA_AWAY_GOALS).decided_by == "away_goals"
    assert decide(legs, UEFA_AWAY_GOALS).winner == "b"
    assert decide(legs, UEFA_2021).decided_by == "undecided"


def test_away_goal_in_extra_time_counts_under_old_rules():
    # 2-2 on aggregate after 90, 1-1 in extra time in the second leg: the away side's ET goal wins it
    legs = [LegScore(1, 1, a_at_home=True), LegScore(1, 1, a_at_home=False, a_et=2, b_et=2)]
    outcome = decide(legs, UEFA_AWAY_GOALS)
    assert (outcome.winner, outcome.decided_by) == ("a", "away_goals_extra_time")
    assert decide(legs, UEFA_2021).decided_by == "undecided"


def test_penalties_and_extra_time():
    legs = [LegScore(2, 1, a_at_home=True), LegScore(1, 2, a_at_home=False, a_et=1, b_et=2, pens_a=2, pens_b=4)]
    assert decide(legs, UEFA_2021) == decide(legs, UEFA_2021)
    outcome = decide(legs, UEFA_2021)
    assert (outcome.winner, outcome.decided_by) == ("b", "penalties")
    legs_et = [LegScore(2, 1, a_at_home=True), LegScore(1, 2, a_at_home=False, a_et=2, b_et=2)]
    assert decide(legs_et, UEFA_2021).decided_by == "extra_time"
    assert decide(legs_et, UEFA_2021).winner == "a"


def test_no_legs_is_an_error():
    with pytest.raises(ValueError):
        decide([], SINGLE_MATCH)


@given(st.integers(0, 6), st.integers(0, 6), st.integers(0, 6), st.integers(0, 6))
def test_aggregate_decides_when_it_differs(a1, b1, a2, b2):
    legs = [LegScore(a1, b1, a_at_home=True), LegScore(a2, b2, a_at_home=False)]
    outcome = decide(legs, UEFA_2021)
    if a1 + a2 != b1 + b2:
        assert outcome.decided_by == "aggregate"
        assert outcome.winner == ("a" if a1 + a2 > b1 + b2 else "b")
    else:
        assert outcome.winner is None


@given(st.integers(0, 6), st.integers(0, 6), st.integers(0, 6), st.integers(0, 6))
def test_swapping_sides_swaps_the_winner(a1, b1, a2, b2):
    legs = [LegScore(a1, b1, a_at_home=True), LegScore(a2, b2, a_at_home=False)]
    swapped = [LegScore(b1, a1, a_at_home=False), LegScore(b2, a2, a_at_home=True)]
    flip = {"a": "b", "b": "a", None: None}
    assert decide(swapped, UEFA_AWAY_GOALS).winner == flip[decide(legs, UEFA_AWAY_GOALS).winner]


def test_rules_by_name_or_with_changes():
    from remontada.data.rules import parse_rules

    assert parse_rules("uefa-2021") is UEFA_2021
    custom = parse_rules("uefa-2021, away_goals=yes")
    assert custom.away_goals and not custom.away_goals_in_extra_time and custom.legs == 2
    assert custom.name == "uefa-2021,away_goals=yes"
    assert "away goals" in custom.describe() and "penalties" in custom.describe()
    with pytest.raises(ValueError, match="known rules: .*uefa-2021"):
        parse_rules("premier-league")
    with pytest.raises(ValueError, match="FLAG=yes"):
        parse_rules("uefa-2021,golden_goal=yes")
    with pytest.raises(ValueError, match="penalties or replays"):
        parse_rules("single-match,penalties=no")
