"""Shots and earlier prices in the Dixon-Coles fit: implied rates, blended targets, rejects, the fit's report."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from remontada.models.dixon_coles import DixonColesModel
from remontada.models.evidence import NO_PRICES, _outcomes, blend, implied_rates


def prices_of(lam: float, mu: float, margin: float = 0.05) -> np.ndarray:
    """Decimal prices of independent Poisson scores with ``margin`` spread multiplicatively."""
    home, away, over = (float(v[0]) for v in _outcomes(np.array([lam]), np.array([mu])))
    p = np.array([home, 1 - home - away, away, over, 1 - over])
    return 1 / (p * (1 + margin))


@settings(max_examples=40, deadline=None)
@given(st.floats(0.3, 3.5), st.floats(0.3, 3.5), st.floats(0.0, 0.12))
def test_implied_rates_recover_the_rates_that_made_the_prices(lam, mu, margin):
    found_lam, found_mu, reason = implied_rates(prices_of(lam, mu, margin)[None, :])
    assert reason[0] == ""
    assert found_lam[0] == pytest.approx(lam, rel=1e-3) and found_mu[0] == pytest.approx(mu, rel=1e-3)


def test_prices_that_cannot_be_used_say_why():
    good = prices_of(1.5, 1.1)
    rows = np.array(
        [
            good,
            [2.5, 3.6, 4.0, np.nan, np.nan],  # inverse prices add up to 0.93: an arbitrage
            [1.1, 1.1, 1.1, np.nan, np.nan],  # a 173% margin
            [np.nan, 3.0, 3.0, 1.9, 1.9],  # no home price: no 1X2 market
            [1.2, 7.0, 15.0, 50.0, 1.02],  # a heavy favourite, yet 98% under 2.5 goals: no Poisson pair gives it
        ]
    )
    _, _, reason = implied_rates(rows)
    assert reason.tolist() == [
        "",
        "prices: margin below 0 or above 30%",
        "prices: margin below 0 or above 30%",
        NO_PRICES,
        "prices: no Poisson score distribution gives them",
    ]


def frame(**columns: list) -> pd.DataFrame:
    n = len(next(iter(columns.values())))
    base = {
        "date": pd.date_range("2024-01-01", periods=n), "home_id": [1] * n, "away_id": [2] * n,
        "home_goals": [1] * n, "away_goals": [0] * n, "neutral": [False] * n, "competition_id": ["x-1"] * n,
    }  # fmt: skip
    return pd.DataFrame(base | columns)


def test_zero_weights_fit_the_goals_and_read_nothing_else():
    f = frame(home_shots=["x"] * 3)  # unreadable shots are not even looked at
    e = blend(f, np.arange(3), np.ones(3), np.ones(3), 0.0, 0.0)
    assert e.home.tolist() == [1, 1, 1] and e.away.tolist() == [0, 0, 0] and e.rejected == {}


def test_bad_shots_are_kept_out_and_counted_blanks_fall_back_to_goals():
    f = frame(
        home_shots=[10, -2, "lots", 5, None, 4],
        away_shots=[6, 6, 6, 3, 6, 5],
        home_shots_on_target=[4, 1, 1, 7, 3, 1],
        away_shots_on_target=[2, 2, 2, 1, 2, 2],
    )
    f.loc[5, "home_goals"] = 3  # three goals from one shot on target: own goals, not an error
    e = blend(f, np.arange(6), np.ones(6), np.ones(6), 1.0, 0.0)
    assert e.shots.tolist() == [True, False, False, False, False, True]
    assert e.rejected == {
        "shots: negative": 1,
        "shots: not a number": 1,
        "shots: more on target than shots": 1,
    }
    assert e.home[1:5].tolist() == [1, 1, 1, 1]  # kept out or blank: the goals alone
    assert e.home[0] != 1 and e.home[5] != 3


def test_the_fit_reports_what_it_learned_from():
    rng = np.random.default_rng(0)
    n = 300
    home, away = rng.integers(0, 8, n), rng.integers(0, 8, n)
    away = np.where(away == home, (away + 1) % 8, away)
    f = frame(
        home_shots=rng.integers(5, 20, n).tolist(), away_shots=rng.integers(5, 20, n).tolist(),
        home_shots_on_target=rng.integers(0, 5, n).tolist(), away_shots_on_target=rng.integers(0, 5, n).tolist(),
    )  # fmt: skip
    f["home_id"], f["away_id"] = home, away
    f["home_goals"], f["away_goals"] = rng.poisson(1.4, n), rng.poisson(1.1, n)
    prices = np.array([prices_of(1.4, 1.1)] * n)
    prices[:100] = np.nan  # a third without prices
    prices[100, :3] = [1.1, 1.1, 1.1]  # one absurd margin
    for j, c in enumerate(("price_home", "price_draw", "price_away", "price_over", "price_under")):
        f[c] = prices[:, j]
    f.loc[7, "home_shots"] = -1
    model = DixonColesModel(shots_weight=0.5, market_weight=3.0).fit(f)
    assert model.report() == {
        "matches": 300, "shots": 299, "prices": 199,
        "kept out, prices: margin below 0 or above 30%": 1, "kept out, shots: negative": 1,
    }  # fmt: skip
    assert model.evidence([0], [1]) == ("goals", "shots", "prices")
    assert set(model.ratings().columns) == {
        "attack",
        "defence",
        "strength",
        "home",
        "matches with shots",
        "matches with prices",
    }
    assert DixonColesModel(shots_weight=0.0, market_weight=0.0).fit(f).evidence([0], [1]) == ("goals",)


def test_a_team_gaining_prices_moves_smoothly():
    """A side whose matches have no prices is rated on results; one priced match moves it a little, not a jump."""
    rng = np.random.default_rng(1)
    n = 400
    home, away = rng.integers(0, 10, n), rng.integers(0, 10, n)
    away = np.where(away == home, (away + 1) % 10, away)
    f = frame(home_goals=rng.poisson(1.4, n).tolist())
    f["home_id"], f["away_id"], f["away_goals"] = home, away, rng.poisson(1.1, n)
    f["date"] = pd.date_range("2023-01-01", periods=n, freq="D")
    for c in ("price_home", "price_draw", "price_away", "price_over", "price_under"):
        f[c] = np.nan
    without = DixonColesModel(market_weight=3.0).fit(f).ratings()["strength"]
    last = f.index[(f["home_id"] == 0)][-1]
    f.loc[last, ["price_home", "price_draw", "price_away", "price_over", "price_under"]] = prices_of(1.4, 1.1)
    with_one = DixonColesModel(market_weight=3.0).fit(f).ratings()["strength"]
    assert abs(with_one[0] - without[0]) < 0.05
    assert (with_one - without).abs().drop(0).max() < 0.02
