import datetime as dt

import pytest

from remontada.data.bundle import open_store
from remontada.knockout.extra_time import MIN_EXTRA_TIMES, extra_time_rate, shootout_edge


@pytest.fixture(scope="module")
def store(bundled_db):
    with open_store(bundled_db, read_only=True) as s:
        yield s


def test_extra_time_is_fitted_from_the_aet_matches_before_the_date(store):
    rate = extra_time_rate(store, before=dt.date(2024, 4, 18))
    goals = store.one(
        "SELECT sum(et_home_goals + et_away_goals - home_goals - away_goals), count(*) FROM matches "
        "WHERE et_home_goals IS NOT NULL AND NOT score_includes_et AND date < DATE '2024-04-18'"
    )
    assert (rate.goals, rate.matches) == (goals[0], goals[1])
    assert not rate.fallback and rate.factor == rate.estimate
    assert rate.lo < rate.estimate < rate.hi
    assert 0.5 < rate.factor < 1.2  # extra time is not a different sport
    assert "a.e.t. matches" in rate.describe()
    later = extra_time_rate(store)
    assert later.matches > rate.matches  # the 2023-24 finals came after


def test_too_few_extra_times_fall_back_to_the_normal_rate(store):
    early = extra_time_rate(store, before=dt.date(1960, 1, 1))
    assert early.matches < MIN_EXTRA_TIMES and early.fallback and early.factor == 1.0


def test_shootouts_are_a_coin_toss_unless_the_data_say_otherwise(store):
    edge = shootout_edge(store, before=dt.date(2024, 4, 18))
    assert edge.home_shootouts > 300 and edge.first_shootouts > 100
    assert edge.home_lo < edge.home_rate < edge.home_hi
    assert (edge.p_home == 0.5) == (edge.home_p_value >= 0.05)
    nothing = shootout_edge(store, before=dt.date(1900, 1, 1))
    assert nothing.home_shootouts == 0 and nothing.p_home == 0.5 and "coin toss" in nothing.describe()
