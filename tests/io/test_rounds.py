"""Round names and round shapes: which rounds are knockout rounds."""

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from remontada.data.io.rounds import Fixture, canonical_round, is_table_round, knockout_shape

TEAMS = st.lists(st.text(min_size=1, max_size=8), min_size=2, max_size=24, unique=True)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1st Qualifying Round", ("Qualifying Round 1", True)),
        ("First qualifying round", ("Qualifying Round 1", True)),
        ("2nd qualifying round", ("Qualifying Round 2", True)),
        ("Third Qualifying Round", ("Qualifying Round 3", True)),
        ("Play-off round", ("Playoffs", True)),
        ("Play-off", ("Playoffs", True)),
        ("Preliminary", ("Preliminary Round", True)),
        ("Qual. Round 2", ("Qualifying Round 2", True)),
        ("Playoff Round", ("Playoffs", True)),
        ("Round 2", ("Round 2", True)),
        ("Quali", ("Quali", False)),  # a name alone says nothing: the round's shape decides
    ],
)
def test_round_names(text, expected):
    assert canonical_round(text) == expected


def test_round_n_of_a_qualifying_file_is_a_qualifying_round():
    assert canonical_round("Round 3", qualifying=True) == ("Qualifying Round 3", True)
    assert canonical_round("Playoffs", qualifying=True) == ("Qualifying Playoffs", True)
    assert canonical_round("Round of 16", qualifying=True) == ("Round of 16", True)
    assert canonical_round("Group A", qualifying=True) == ("Group A", False)


def test_table_rounds():
    assert all(is_table_round(label) for label in ("League", "Group", "Group B", "Group A (second stage)"))
    assert not any(is_table_round(label) for label in (None, "Playoffs", "Quali", "Groupings"))


def pairs_of(teams):
    return list(zip(teams[::2], teams[1::2], strict=False))


@given(TEAMS, st.randoms(use_true_random=False))
def test_home_and_away_pairs_are_a_knockout_round_in_any_order(teams, rnd):
    fixtures = [f for a, b in pairs_of(teams) if b for f in (Fixture(a, b), Fixture(b, a))]
    rnd.shuffle(fixtures)
    assert knockout_shape(fixtures) == bool(fixtures)


@given(TEAMS, st.lists(st.booleans(), min_size=12, max_size=12), st.randoms(use_true_random=False))
def test_single_matches_are_a_knockout_round_only_with_extra_time(teams, extra, rnd):
    fixtures = [Fixture(a, b, beyond_90=e) for (a, b), e in zip(pairs_of(teams), extra, strict=False)]
    rnd.shuffle(fixtures)
    assert knockout_shape(fixtures) == any(f.beyond_90 for f in fixtures)


@given(
    st.lists(st.text(min_size=1, max_size=8), min_size=3, max_size=10, unique=True),
    st.booleans(),
    st.randoms(use_true_random=False),
)
def test_a_table_round_is_never_a_knockout_round(teams, extra, rnd):
    # a round robin (or any part of one where a side meets two opponents), however the matches went
    fixtures = [Fixture(a, b, beyond_90=extra) for a, b in itertools.permutations(teams, 2)]
    rnd.shuffle(fixtures)
    assert not knockout_shape(fixtures)
    assert not knockout_shape([Fixture(teams[0], teams[1]), Fixture(teams[1], teams[2], beyond_90=True)])


def test_odd_shapes_are_not_knockout_rounds():
    assert not knockout_shape([])
    assert not knockout_shape([Fixture("A", "B"), Fixture("A", "B")])  # the same ground twice
    assert not knockout_shape([Fixture("A", "B"), Fixture("B", "A"), Fixture("A", "B")])
    assert not knockout_shape([Fixture("A", "A", beyond_90=True)])
    # pairs playing once or home and away, with extra time somewhere: a cup round with replays
    assert knockout_shape([Fixture("A", "B"), Fixture("B", "A", beyond_90=True), Fixture("C", "D")])
