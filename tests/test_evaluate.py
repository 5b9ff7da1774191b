import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from remontada.evaluate import calibration, rps, score, walk_forward
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

    def rates(self, home, away, neutral=False):
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
