import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from remontada.evaluation.metrics import (
    brier,
    calibration,
    calibration_error,
    log_loss,
    outcome_log_loss,
    reliability,
    rps,
    score,
)
from remontada.evaluation.walk_forward import fit_logistic, tie_logistic_baseline, tie_rate_baseline, walk_forward
from remontada.models.base import MatchModel, Rates


def test_rps_known_values():
    probs = np.array([[1.0, 0.0, 0.0], [1.0, 0.0, 0.0], [0.5, 0.3, 0.2]])
    outcome = np.array([0, 2, 1])
    # perfect; worst possible; ((0.5-0)^2 + (0.8-1)^2)/2
    assert rps(probs, outcome) == pytest.approx([0.0, 1.0, (0.25 + 0.04) / 2])


@given(st.lists(st.floats(0.01, 1), min_size=3, max_size=3), st.integers(0, 2))
def test_rps_is_between_zero_and_one(raw, outcome):
    p = np.array([raw]) / sum(raw)
    assert 0 <= rps(p, np.array([outcome]))[0] <= 1


def test_score_and_calibration_of_a_perfectly_calibrated_forecast():
    rng = np.random.default_rng(0)
    n = 20000
    probs = rng.dirichlet([3, 2, 2], n)
    outcome = np.array([rng.choice(3, p=p) for p in probs])
    frame = pd.DataFrame(probs, columns=["p_home", "p_draw", "p_away"])
    frame["home_goals"] = np.where(outcome == 0, 1, 0)
    frame["away_goals"] = np.where(outcome == 2, 1, 0)
    table, ece = calibration(frame)
    assert ece < 0.02
    assert table["n"].sum() == 3 * n
    s = score(frame).iloc[0]
    assert 0 < s["rps"] < 0.25 and s["n"] == n


class Spy(MatchModel):
    """Records what each fit saw; predicts from the home-win share of its data."""

    name = "spy"

    def __init__(self):
        self.seen = []

    def fit(self, matches, as_of=None):
        used = matches[matches["date"] < pd.Timestamp(as_of)]
        self.seen.append((as_of, used["date"].max()))
        self.share_ = float((used["home_goals"] > used["away_goals"]).mean()) if len(used) else 0.5
        return self

    def rates(self, home, away, neutral=False, continental=False):
        n = np.broadcast(np.asarray(home), np.asarray(away)).shape
        return Rates(np.full(n, 1.5), np.full(n, 1.0), 0.0, np.ones(n, bool))

    def ratings(self):
        return pd.DataFrame()


def test_walk_forward_never_uses_the_forecast_period():
    dates = pd.date_range("2024-01-01", periods=60, freq="D")
    frame = pd.DataFrame(
        {
            "date": dates, "home_id": 1, "away_id": 2, "home_goals": 1, "away_goals": 0,
            "neutral": False, "competition_id": "x-1",
        }
    )  # fmt: skip
    spy = Spy()
    out = walk_forward(spy, frame, frame.iloc[20:], refit="weekly")
    assert len(out) == 40 and out[["p_home", "p_draw", "p_away"]].notna().all().all()
    for as_of, latest in spy.seen:
        assert latest < pd.Timestamp(as_of)
    assert (out["date"] >= pd.to_datetime(out["fitted_as_of"])).all()


def test_brier_and_log_loss_closed_form():
    p, y = [0.8, 0.3, 0.5], [1, 0, 1]
    assert brier(p, y) == pytest.approx((0.04 + 0.09 + 0.25) / 3)
    assert log_loss(p, y) == pytest.approx(-(np.log(0.8) + np.log(0.7) + np.log(0.5)) / 3)
    assert brier([0.5] * 4, [0, 1, 1, 0]) == 0.25
    assert log_loss([0.5] * 4, [0, 1, 1, 0]) == pytest.approx(np.log(2))
    assert brier([1.0, 0.0], [1, 0]) == 0.0
    # a certain forecast proved wrong is clipped, not infinite
    assert log_loss([1.0, 0.0], [0, 1]) == pytest.approx(-np.log(1e-12))
    with pytest.raises(ValueError):
        brier([0.5, 1.2], [0, 1])
    with pytest.raises(ValueError):
        log_loss([0.5], [0, 1])
    with pytest.raises(ValueError):
        brier([0.5, 0.5], [0, 2])


def test_reliability_bins_by_fixed_width():
    p = np.array([0.05, 0.05, 0.15, 0.95, 1.0])
    y = np.array([0, 1, 0, 1, 1])
    table = reliability(p, y, bins=10)
    assert list(table.columns) == ["bin", "low", "high", "n", "mean_forecast", "observed"]
    assert table["bin"].tolist() == [0, 1, 9]  # empty bins left out; 1.0 falls in the last bin
    assert table["n"].tolist() == [2, 1, 2]
    assert table["mean_forecast"].tolist() == pytest.approx([0.05, 0.15, 0.975])
    assert table["observed"].tolist() == pytest.approx([0.5, 0.0, 1.0])
    assert table["low"].tolist() == pytest.approx([0.0, 0.1, 0.9])


def test_outcome_log_loss_per_match():
    probs = np.array([[0.5, 0.3, 0.2], [0.5, 0.3, 0.2], [0.0, 0.0, 1.0], [1.0, 0.0, 0.0]])
    outcome = np.array([0, 1, 2, 2])
    # the log of what happened's probability; a certain forecast proved wrong is clipped, not infinite
    assert outcome_log_loss(probs, outcome) == pytest.approx([-np.log(0.5), -np.log(0.3), 0.0, -np.log(1e-15)])
    frame = pd.DataFrame(probs[:3], columns=["p_home", "p_draw", "p_away"]).assign(
        home_goals=[2, 1, 0], away_goals=[0, 1, 3]
    )
    assert score(frame)["log_loss"].iloc[0] == pytest.approx(outcome_log_loss(probs[:3], outcome[:3]).mean())


def test_calibration_error_weights_bins_by_forecasts():
    p = np.array([0.05, 0.05, 0.15, 0.95, 1.0])
    y = np.array([0, 1, 0, 1, 1])
    # bins: 0.0-0.1 forecast 0.05 observed 0.5 (2), 0.1-0.2 0.15 vs 0 (1), 0.9-1.0 0.975 vs 1 (2)
    assert calibration_error(p, y) == pytest.approx((2 * 0.45 + 0.15 + 2 * 0.025) / 5)
    assert calibration_error([0.3] * 10, [1, 1, 1, 0, 0, 0, 0, 0, 0, 0]) == pytest.approx(0.0)
    assert calibration_error([1.0, 0.0], [0, 1]) == pytest.approx(1.0)


def _synthetic_ties(n=3000, seed=1):
    """Ties on successive days (some days with several), outcomes from a known logistic rule."""
    rng = np.random.default_rng(seed)
    dates = pd.Timestamp("2000-01-01") + pd.to_timedelta(np.sort(rng.integers(0, n // 2, n)), unit="D")
    diff = rng.integers(-3, 4, n)
    elo = rng.normal(0, 150, n)
    p = 1 / (1 + np.exp(-(-0.2 + 1.0 * diff + 1.5 * elo / 400)))
    through = (rng.random(n) < p).astype(float)
    shuffle = rng.permutation(n)  # the baselines take the rows in any order
    frame = pd.DataFrame({"date": dates, "goal_diff": diff, "through": through}).iloc[shuffle]
    return frame.reset_index(drop=True), elo[shuffle], p[shuffle]


def test_tie_rate_baseline_by_hand():
    ties = pd.DataFrame(
        {
            "date": pd.to_datetime(["2020-01-01", "2020-01-01", "2020-01-08", "2020-01-15", "2020-01-15"]),
            "goal_diff": [1, 1, 1, 7, -2],
            "through": [1, 0, 1, 1, None],
        }
    )
    out = tie_rate_baseline(ties, clip=4, prior=1.0)
    # nothing before the first day; the second day sees two ties (one of two went through at +1)
    pooled = (1 + 0.5) / (2 + 1)
    assert out[:2] == pytest.approx([0.5, 0.5])
    assert out[2] == pytest.approx((1 + pooled) / (2 + 1))
    pooled3 = (2 + 0.5) / (3 + 1)
    assert out[3] == pytest.approx(pooled3)  # +7 is clipped to +4: never seen, so the pooled rate
    assert out[4] == pytest.approx(pooled3)


def test_tie_baselines_never_see_their_own_or_later_outcomes():
    ties, elo, _ = _synthetic_ties(1500)
    rate, logit = tie_rate_baseline(ties), tie_logistic_baseline(ties, elo)
    cut = ties["date"].sort_values().iloc[700]
    later = ties["date"] >= cut
    flipped = ties.assign(through=np.where(later, 1 - ties["through"], ties["through"]))
    flipped.loc[later & (ties.index % 3 == 0), "through"] = np.nan  # and some outcomes unknown
    earlier = ~later.to_numpy()
    assert tie_rate_baseline(flipped)[earlier] == pytest.approx(rate[earlier], abs=0)
    assert tie_logistic_baseline(flipped, elo)[earlier] == pytest.approx(logit[earlier], abs=0)
    # ... and the first day's ties get 1/2 from both: there is nothing before them
    first = (ties["date"] == ties["date"].min()).to_numpy()
    assert (rate[first] == 0.5).all() and (logit[first] == 0.5).all()


def test_tie_baselines_learn_a_synthetic_rule():
    ties, elo, truth = _synthetic_ties(4000)
    rate, logit = tie_rate_baseline(ties), tie_logistic_baseline(ties, elo)
    late = (ties["date"] > ties["date"].quantile(0.5)).to_numpy()
    y = ties["through"].to_numpy()
    # the rate table knows the margin only; the regression also the ratings, as the truth does
    assert brier(logit[late], y[late]) < brier(rate[late], y[late]) < brier(np.full(late.sum(), 0.5), y[late])
    assert np.abs(logit[late] - truth[late]).max() < 0.08
    # the rate rises with the first-leg margin
    by_diff = pd.Series(rate[late]).groupby(ties["goal_diff"].to_numpy()[late]).mean()
    assert by_diff.is_monotonic_increasing


def test_fit_logistic_recovers_coefficients_and_stays_finite_when_separable():
    rng = np.random.default_rng(3)
    x = np.column_stack([np.ones(20000), rng.normal(size=20000)])
    y = (rng.random(20000) < 1 / (1 + np.exp(-(0.5 - 1.2 * x[:, 1])))).astype(float)
    assert fit_logistic(x, y) == pytest.approx([0.5, -1.2], abs=0.05)
    beta = fit_logistic(np.array([[1.0, 1.0], [1.0, -1.0]]), np.array([1.0, 0.0]))
    assert np.all(np.isfinite(beta)) and beta[1] > 0


def test_paired_differences_are_the_per_event_score_gaps():
    from remontada.evaluation.metrics import brier, log_loss, paired_differences

    y = np.array([1, 0, 1, 1, 0])
    p = np.array([0.8, 0.3, 0.6, 0.9, 0.1])
    q = np.array([0.5, 0.5, 0.5, 0.5, 0.5])
    d = paired_differences(p, q, y)
    assert d["brier"] == pytest.approx(brier(q, y) - brier(p, y))
    assert d["log_loss"] == pytest.approx(log_loss(q, y) - log_loss(p, y))
    assert d["brier"] > 0 and d["log_loss_se"] > 0
    same = paired_differences(p, p, y)
    assert same["log_loss"] == 0.0 and same["log_loss_se"] == 0.0
    with pytest.raises(ValueError, match="outcomes"):
        paired_differences(p, q, y[:3])
