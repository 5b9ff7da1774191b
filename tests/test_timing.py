import datetime as dt

import numpy as np
import pandas as pd
import pytest

from remontada.data.bundle import open_store
from remontada.data.queries import goal_timelines
from remontada.models.inplay.red_cards import RedCardEffect
from remontada.models.inplay.timing import fit_red_card_effect, fit_timing


@pytest.fixture(scope="module")
def store(bundled_db):
    with open_store(bundled_db, read_only=True) as s:
        yield s


def test_timelines_add_up_to_the_scores(store):
    matches, goals = goal_timelines(store, before=dt.date(2000, 1, 1))
    assert len(matches) > 5000 and matches["date"].max() < pd.Timestamp("2000-01-01")
    counted = goals.groupby("match_id")["home_side"].agg(["sum", "size"])
    joined = matches.set_index("match_id").join(counted, how="inner")
    # normal-time goals never exceed the final score (the rest came in extra time)
    assert (joined["sum"] <= joined["home_goals"]).all()
    assert (joined["size"] - joined["sum"] <= joined["away_goals"]).all()
    goalless = matches[(matches["home_goals"] == 0) & (matches["away_goals"] == 0)]
    assert len(goalless) > 300 and not goals["match_id"].isin(goalless["match_id"]).any()
    assert goals["minute"].between(1, 90).all()


def test_goals_come_late_and_sides_play_to_the_score(store):
    intensity = fit_timing(store, before=dt.date(2024, 1, 1), pool="national")
    club = fit_timing(store, before=dt.date(2024, 1, 1))
    assert np.array_equal(club.home_state, intensity.home_state)
    assert 0 <= club.match_sd < intensity.match_sd  # club ratings know more than national teams' do
    assert intensity.matches > 10_000 and intensity.goals > 30_000
    assert intensity.profile.mean() == pytest.approx(1.0)
    assert intensity.profile[:15].mean() < 1 < intensity.profile[75:89].mean()
    assert intensity.profile[89] > 2  # minute 90 holds its stoppage time
    # a side one goal behind scores more than at level, and the estimate is not noise
    for state, se in ((intensity.home_state, intensity.se_home_state), (intensity.away_state, intensity.se_away_state)):
        assert state[1] > 2 * se[1] and state[2] == 0
        assert np.all(se[[0, 1, 3, 4]] > 0)


def test_a_red_card_costs_the_side_goals_and_gives_its_opponent_more(store):
    effect = fit_red_card_effect(store, before=dt.date(2024, 7, 1))
    assert effect.reds > 5000 and effect.matches > 30_000
    assert -1.0 < effect.own < -2 * effect.se_own < 0
    assert 1.0 > effect.opponent > 2 * effect.se_opponent > 0
    assert effect.se_own < 0.05 and effect.se_opponent < 0.05
    assert fit_red_card_effect(store, before=dt.date(2000, 1, 1)) == RedCardEffect.none()  # no counts yet
