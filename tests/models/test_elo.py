import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from remontada.models.base import NotFittedError
from remontada.models.elo import EloModel, goal_weight

COLUMNS = ["date", "home_id", "away_id", "home_goals", "away_goals", "neutral", "competition_id", "competition_kind"]


def frame(rows):
    """Matches from (date, home, away, home goals, away goals[, neutral, competition, kind]) tuples."""
    full = [(*r, False, "x-1", "league")[:8] if len(r) == 5 else r for r in rows]
    out = pd.DataFrame(full, columns=COLUMNS)
    out["date"] = pd.to_datetime(out["date"])
    return out


def league(strength, rounds=4, seed=0, start="2020-08-01"):
    """Double round robins between teams 1..n with Poisson goals driven by ``strength``."""
    rng = np.random.default_rng(seed)
    n = len(strength)
    rows = []
    day = pd.Timestamp(start)
    for _ in range(rounds):
        for i in range(n):
            for j in range(n):
                if i != j:
                    lam = np.exp(0.3 + 0.15 + strength[i] - strength[j])
                    mu = np.exp(0.3 + strength[j] - strength[i])
                    rows.append((day, i + 1, j + 1, rng.poisson(lam), rng.poisson(mu)))
                    day += pd.Timedelta(days=1)
    return frame(rows)


@pytest.fixture(scope="module")
def fitted():
    return EloModel().fit(league([0.6, 0.2, 0.0, -0.2, -0.6]))


def test_goal_weight_follows_eloratings():
    assert goal_weight([0, -1, 2, -3, 4, 5]).tolist() == [1.0, 1.0, 1.5, 1.75, 1.875, 2.0]
    assert goal_weight([0, 4], "sqrt").tolist() == [1.0, 2.0]
    with pytest.raises(ValueError, match="goal_weight"):
        goal_weight([1], "fivethirtyeight")


def test_single_match_update_by_hand():
    # both start at 1500; H = 100, so We = 1 / (1 + 10^(-1/4)) = 0.6400650;
    # a 2-0 home win: G = 1.5, K * G * (1 - We) = 20 * 1.5 * 0.3599350 = 10.798050
    model = EloModel(k=20).fit(frame([("2020-01-01", 1, 2, 2, 0)]))
    assert model.ratings_[1] == pytest.approx(1510.798050, abs=1e-6)
    assert model.ratings_[2] == pytest.approx(1489.201950, abs=1e-6)
    assert model.home_advantage_ == pytest.approx(100 + 0.075 * 10.798050, abs=1e-6)
    row = model.history_.iloc[0]
    assert (row.home_rating, row.away_rating, row.home_advantage) == (1500.0, 1500.0, 100.0)


def test_next_match_starts_from_updated_ratings():
    # at a neutral ground, a 1-1 between equals moves nothing; a 1-0 win moves K/2 each way
    model = EloModel(k=20).fit(
        frame([("2020-01-01", 1, 2, 1, 1, True, "x-1", "league"), ("2020-01-08", 1, 2, 1, 0, True, "x-1", "league")])
    )
    assert model.history_["change"].tolist() == [0.0, 10.0]
    assert model.ratings_.to_dict() == {1: 1510.0, 2: 1490.0}
    history = model.ratings_history()
    assert history.columns.tolist() == ["date", "team_id", "rating"]
    assert history.groupby("team_id")["rating"].last().to_dict() == {1: 1510.0, 2: 1490.0}
    assert model.ratings_history(2)["rating"].tolist() == [1500.0, 1490.0]


def test_newcomer_starts_below_the_clubs_it_joins():
    rows = [("2020-01-01", 1, 2, 3, 0), ("2020-08-01", 1, 3, 1, 0), ("2020-08-08", 2, 3, 0, 0)]
    model = EloModel(new_team_offset=50).fit(frame(rows))
    # clubs 1 and 2 were rated when the 2020-21 season began; their mean is still 1500
    assert model.history_["away_rating"].iloc[1] == pytest.approx(1450.0)
    cup = [("2020-01-01", 1, 2, 3, 0), ("2020-08-01", 1, 3, 1, 0, False, "uefa-cl", "continental")]
    model = EloModel(new_continental_offset=150).fit(frame(cup))
    # in the cup, only club 1 was rated before: 3 starts 150 below it
    assert model.history_["away_rating"].iloc[1] == pytest.approx(model.history_["home_rating"].iloc[1] - 150)


def test_league_mates_share_a_cross_league_result():
    rows = [
        ("2020-08-01", 1, 2, 0, 0, True, "a-1", "league"),
        ("2020-08-01", 3, 4, 0, 0, True, "b-1", "league"),
        ("2020-09-01", 1, 3, 1, 0, True, "uefa-cl", "continental"),
    ]
    model = EloModel(k=20, league_share=3).fit(frame(rows))
    # all at 1500 before the cup match: club 1 wins 10 points from club 3, and its only
    # league mate (2) wins 3 * 10 from club 3's only mate (4)
    assert model.ratings_.to_dict() == pytest.approx({1: 1510.0, 2: 1530.0, 3: 1490.0, 4: 1470.0})


def test_season_break_regresses_toward_the_league_mean():
    rows = [("2020-01-01", 1, 2, 1, 0, True, "x-1", "league")]  # 1510 and 1490 after it
    kept = EloModel(k=20, carry_over=0.5).fit(frame(rows), as_of=dt.date(2020, 6, 30))
    assert kept.ratings_.to_dict() == {1: 1510.0, 2: 1490.0}
    pulled = EloModel(k=20, carry_over=0.5).fit(frame(rows), as_of=dt.date(2020, 7, 1))
    assert pulled.ratings_.to_dict() == {1: 1505.0, 2: 1495.0}
    later = EloModel(k=20, carry_over=0.5).fit(frame([*rows, ("2020-08-01", 3, 4, 0, 0, True, "x-1", "league")]))
    assert later.ratings_[1] == 1505.0


def test_expected_score_is_a_probability_and_symmetric(fitted):
    teams = np.arange(1, 6)
    home, away = np.meshgrid(teams, teams)
    score = fitted.expected_score(home, away)
    assert score.shape == (5, 5)
    assert np.all((score > 0) & (score < 1))
    neutral = fitted.expected_score(home, away, neutral=True)
    np.testing.assert_allclose(neutral + neutral.T, 1.0)
    np.testing.assert_allclose(np.diag(neutral), 0.5)
    assert np.all(np.diag(score) > 0.5)  # home advantage


def test_equal_ratings_at_a_neutral_ground_are_symmetric(fitted):
    p = fitted.predict([1, 2, 998], [1, 2, 999], neutral=True)
    np.testing.assert_allclose(p["p_home"], p["p_away"], rtol=1e-12)
    np.testing.assert_allclose(p["xg_home"], p["xg_away"], rtol=1e-12)
    at_home = fitted.predict(1, 1)
    assert at_home["p_home"].item() > at_home["p_away"].item()


def test_no_leakage_from_on_or_after_as_of():
    matches = league([0.5, 0.0, -0.5], rounds=6)
    cut = matches["date"].iloc[len(matches) // 2]
    changed = matches.copy()
    later = changed["date"] >= cut
    changed.loc[later, ["home_goals", "away_goals"]] = changed.loc[later, ["away_goals", "home_goals"]].to_numpy() + 3
    full = EloModel().fit(matches, as_of=cut.date())
    truncated = EloModel().fit(matches[matches["date"] < cut], as_of=cut.date())
    other_future = EloModel().fit(changed, as_of=cut.date())
    for model in (truncated, other_future):
        pd.testing.assert_series_equal(full.ratings_, model.ratings_)
        assert full.goal_coefs_ == model.goal_coefs_
        assert full.rho_ == model.rho_
    assert full.history_["date"].max() < cut
    assert full.as_of_ == cut.date()


def test_stronger_team_gets_more_goals(fitted):
    assert fitted.ratings_.index.tolist() == [1, 2, 3, 4, 5]
    r = fitted.rates([1, 5], [5, 1], neutral=True)
    assert r.home[0] > r.away[0]
    assert r.home[1] < r.away[1]
    np.testing.assert_allclose(r.home, r.away[::-1])


def test_unseen_team_is_flagged_and_finite(fitted):
    r = fitted.rates([1, 12345, 12345], [12345, 2, 54321])
    assert r.known.tolist() == [False, False, False]
    assert np.all(np.isfinite(r.home) & (r.home > 0) & np.isfinite(r.away) & (r.away > 0))
    assert fitted.rates(1, 2).known.item()
    assert fitted.unseen_rating_ < fitted.ratings_.mean()


def test_rates_broadcast(fitted):
    r = fitted.rates(np.array([[1], [2]]), np.array([3, 4, 5]), neutral=[True, False, False])
    assert r.home.shape == r.away.shape == r.known.shape == (2, 3)


def test_predicting_before_fitting_raises():
    model = EloModel()
    for call in (lambda: model.rates(1, 2), lambda: model.predict(1, 2), model.ratings, model.ratings_history):
        with pytest.raises(NotFittedError):
            call()


def test_ratings_table(fitted):
    table = fitted.ratings()
    assert table.columns.tolist() == ["rating", "matches", "last_played"]
    assert table["rating"].is_monotonic_decreasing
    assert table["matches"].tolist() == [32] * 5


def test_fitting_nothing_raises():
    with pytest.raises(ValueError, match="no matches"):
        EloModel().fit(league([0.0, 0.0]), as_of=dt.date(2000, 1, 1))


results = st.lists(
    st.tuples(st.integers(1, 4), st.integers(1, 4), st.integers(0, 12), st.integers(0, 12), st.booleans()),
    min_size=1,
    max_size=40,
)


@given(results, st.floats(5, 60))
def test_probabilities_sum_to_one_and_rates_are_finite(games, k):
    rows = [
        (pd.Timestamp("2020-01-01") + pd.Timedelta(days=i), h, a if a != h else h % 4 + 1, x, y, n, "x-1", "league")
        for i, (h, a, x, y, n) in enumerate(games)
    ]
    model = EloModel(k=k).fit(frame(rows))
    home, away = np.meshgrid(np.arange(1, 6), np.arange(1, 6))
    r = model.rates(home, away)
    assert np.all(np.isfinite(r.home) & (r.home > 0) & np.isfinite(r.away) & (r.away > 0))
    p = model.predict(home.ravel(), away.ravel())
    np.testing.assert_allclose(p[["p_home", "p_draw", "p_away"]].sum(axis=1), 1.0)
    grid = model.grids(home, away)
    np.testing.assert_allclose(grid.home_win + grid.draw + grid.away_win + grid.tail, 1.0, atol=1e-9)


@pytest.mark.slow
def test_real_data_ranks_liverpool_above_atalanta(bundled_db):
    from remontada import open_store
    from remontada.data.queries import find_team, training_matches

    store = open_store(bundled_db)
    try:
        matches = training_matches(store)
        liverpool, atalanta = find_team(store, "Liverpool (ENG)"), find_team(store, "Atalanta")
    finally:
        store.close()
    model = EloModel().fit(matches, as_of=dt.date(2024, 4, 18))
    top = model.ratings_.index[:100]
    assert liverpool in top
    assert atalanta in top
    assert model.ratings_[liverpool] > model.ratings_[atalanta]
    assert 0 < model.home_advantage_ < 150
    assert -0.2 < model.rho_ < 0.05
