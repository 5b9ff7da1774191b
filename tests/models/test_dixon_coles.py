import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import approx_fprime

from remontada.models.base import NotFittedError
from remontada.models.dixon_coles import HEAD, DixonColesModel, _Data, _objective, team_groups
from remontada.models.evidence import Evidence, blend


def synthetic(n_teams=12, rounds=30, seed=0, rho=-0.1, home=0.3):
    """A double round robin per 'round' with known parameters (goals drawn with DC's tau by rejection)."""
    rng = np.random.default_rng(seed)
    attack = rng.normal(0, 0.3, n_teams)
    defence = rng.normal(0, 0.3, n_teams)
    rows = []
    day = pd.Timestamp("2020-01-01")
    for r in range(rounds):
        for i in range(n_teams):
            for j in range(n_teams):
                if i == j:
                    continue
                lam = np.exp(0.1 + home + attack[i] - defence[j])
                mu = np.exp(0.1 + attack[j] - defence[i])
                while True:
                    x, y = rng.poisson(lam), rng.poisson(mu)
                    tau = {(0, 0): 1 - lam * mu * rho, (0, 1): 1 + lam * rho, (1, 0): 1 + mu * rho, (1, 1): 1 - rho}
                    if rng.uniform() * 1.5 < tau.get((x, y), 1.0):
                        break
                rows.append((day + pd.Timedelta(days=r), 100 + i, 100 + j, x, y, False, "x-1"))
    frame = pd.DataFrame(
        rows, columns=["date", "home_id", "away_id", "home_goals", "away_goals", "neutral", "competition_id"]
    )
    return frame, attack, defence


@pytest.fixture(scope="module")
def data():
    return synthetic()


@pytest.mark.parametrize("blended", [False, True])
def test_gradient_is_exact(blended):
    frame, *_ = synthetic(n_teams=6, rounds=3, seed=3)
    teams, idx = np.unique(np.concatenate([frame.home_id, frame.away_id]), return_inverse=True)
    weights = np.random.default_rng(1).uniform(0.2, 1.0, len(frame))
    group = np.array([0, 0, 1, 1, 1, 2])  # three leagues
    frame["competition_kind"] = np.where(np.arange(len(frame)) % 3 == 0, "continental", "league")
    targets = blend(frame, np.arange(len(frame)), weights, weights, 0.0, 0.0)
    if blended:  # non-integer targets (goals blended with expected goals), heavier; tau still reads the score
        noise = np.random.default_rng(4).uniform(0, 1, (3, len(frame)))
        targets = Evidence(
            targets.home + noise[0], targets.away + noise[1], weights + noise[2], weights, targets.shots, targets.prices
        )
    d = _Data(idx[: len(frame)], idx[len(frame) :], frame, group, 3, targets, home_precision=3.0)
    theta = np.random.default_rng(2).normal(0, 0.2, HEAD + 2 * len(teams) + 3)  # + each league's home advantage
    theta[2] = -0.07
    analytic = _objective(theta, d, 0.5, 2.0)[1]
    numeric = approx_fprime(theta, lambda t: _objective(t, d, 0.5, 2.0)[0], 1e-7)
    assert np.allclose(analytic, numeric, rtol=1e-4, atol=1e-4)


def test_groups_are_the_last_league_else_the_country():
    frame = pd.DataFrame(
        {
            "date": pd.to_datetime(["2020-01-01", "2020-02-01", "2020-03-01", "2020-04-01"]),
            "home_id": [1, 1, 3, 5],
            "away_id": [2, 4, 1, 6],
            "competition_id": ["aaa-1", "aaa-2", "uefa-cl", "uefa-cl"],
            "competition_kind": ["league", "league", "continental", "continental"],
            "home_country": ["AAA", "AAA", "BBB", "CCC"],
            "away_country": ["AAA", "AAA", "AAA", None],
        }
    )
    groups = team_groups(frame, np.array([1, 2, 3, 4, 5, 6]))
    assert groups.tolist() == ["aaa-2", "aaa-1", "country:BBB", "aaa-2", "country:CCC", "other"]


def test_a_rarely_seen_team_is_pulled_towards_its_league_not_the_pool():
    strong, *_ = synthetic(n_teams=8, rounds=4, seed=5)
    weak = strong.assign(
        home_id=strong.home_id + 100, away_id=strong.away_id + 100,
        home_goals=strong.home_goals // 2, away_goals=strong.away_goals // 2,
    )  # fmt: skip
    frame = pd.concat([strong.assign(competition_id="s-1"), weak.assign(competition_id="w-1")])
    # the leagues meet in cup ties; a newcomer of the weak league has played once
    cups = pd.DataFrame(
        {
            "date": pd.Timestamp("2020-03-01"),
            "home_id": [100, 101, 202, 203, 299],
            "away_id": [200, 201, 102, 103, 104],
            "home_goals": [3, 2, 0, 1, 1],
            "away_goals": [0, 0, 2, 3, 1],
            "neutral": False,
            "competition_id": "cup",
        }
    )
    frame = pd.concat([frame, cups]).sort_values("date", kind="stable").reset_index(drop=True)
    frame["competition_kind"] = np.where(frame["competition_id"] == "cup", "cup", "league")
    frame.loc[frame["home_id"] == 299, "competition_kind"] = "league"  # its one match is a league match
    frame.loc[frame["home_id"] == 299, "competition_id"] = "w-1"
    grouped = DixonColesModel(half_life_days=None).fit(frame)
    flat = DixonColesModel(half_life_days=None, group_sd=None).fit(frame)
    assert grouped.group_[299] == "w-1"
    level = grouped.group_attack_["w-1"] + grouped.group_defence_["w-1"]
    assert level < grouped.group_attack_["s-1"] + grouped.group_defence_["s-1"]
    newcomer = lambda m: m.attack_[299] + m.defence_[299]  # noqa: E731
    assert newcomer(grouped) < newcomer(flat)  # the flat prior flatters it towards the pool average


def test_each_league_learns_its_own_home_advantage():
    """A league played behind closed doors (home 0.05) beside a fortress league (0.45): each gets its own."""
    quiet, *_ = synthetic(n_teams=10, rounds=6, seed=7, home=0.05)
    loud, *_ = synthetic(n_teams=10, rounds=6, seed=8, home=0.45)
    loud = loud.assign(home_id=loud.home_id + 100, away_id=loud.away_id + 100, competition_id="l-1")
    frame = pd.concat([quiet.assign(competition_id="q-1"), loud]).sort_values("date", kind="stable")
    frame = frame.assign(competition_kind="league").reset_index(drop=True)
    model = DixonColesModel(half_life_days=None).fit(frame)
    assert model.converged_
    home = model.home_advantage_ + model.group_home_
    assert home["q-1"] == pytest.approx(0.05, abs=0.1)
    assert home["l-1"] == pytest.approx(0.45, abs=0.1)
    assert home["l-1"] - home["q-1"] > 0.2
    # forecasts use the home side's league: the same gap in strength, more for the fortress's home side
    rates = model.rates([100, 200], [101, 201])
    venue = model.rates([100, 200], [101, 201], neutral=True)
    assert np.log(rates.home / venue.home) == pytest.approx(home[["q-1", "l-1"]].to_numpy())
    for no_spread in (None, 0.0):  # sd 0 is no spread around the pool's, not an unpenalised one per league
        one = DixonColesModel(half_life_days=None, home_sd=no_spread).fit(frame)
        assert (one.group_home_ == 0).all()
        assert 0.1 < one.home_advantage_ < 0.4


def test_recovers_the_parameters_it_was_simulated_with(data):
    frame, attack, defence = data
    model = DixonColesModel(half_life_days=None, prior_sd=None).fit(frame)
    assert model.converged_ and model.grad_norm_ < 1e-3
    assert model.home_advantage_ == pytest.approx(0.3, abs=0.05)
    assert model.rho_ == pytest.approx(-0.1, abs=0.06)
    fitted = model.attack_.to_numpy() - model.attack_.mean()
    assert np.corrcoef(fitted, attack)[0, 1] > 0.9
    fitted_d = model.defence_.to_numpy() - model.defence_.mean()
    assert np.corrcoef(fitted_d, defence)[0, 1] > 0.9


def test_as_of_excludes_that_day_and_later(data):
    frame, *_ = data
    cut = dt.date(2020, 1, 15)
    a = DixonColesModel().fit(frame, cut)
    b = DixonColesModel().fit(frame[frame["date"] < pd.Timestamp(cut)], cut)
    assert a.n_matches_ == b.n_matches_ < len(frame)
    assert np.allclose(a.attack_, b.attack_) and a.rho_ == b.rho_


def test_unseen_team_gets_the_pool_average_and_is_flagged(data):
    frame, *_ = data
    model = DixonColesModel().fit(frame)
    rates = model.rates([100, 999], [999, 100])
    assert rates.known.tolist() == [False, False]
    assert np.isfinite(rates.home).all() and (rates.home > 0).all()
    table = model.predict([100, 101], [101, 999])
    assert table["prior_only"].tolist() == [False, True]


def test_rarely_seen_team_stays_finite_with_the_prior(data):
    frame, *_ = data
    newcomer = pd.DataFrame(
        [(pd.Timestamp("2020-02-20"), 500, 100, 0, 9, False, "x-1")], columns=frame.columns
    )  # one heavy defeat, nothing else
    model = DixonColesModel().fit(pd.concat([frame, newcomer], ignore_index=True))
    assert -3 < model.attack_[500] < 0 and np.isfinite(model.defence_[500])


def test_predicting_before_fitting_raises():
    with pytest.raises(NotFittedError):
        DixonColesModel().rates([1], [2])


def test_warm_start_reaches_the_same_optimum(data):
    frame, *_ = data
    cold = DixonColesModel().fit(frame, dt.date(2020, 1, 25))
    warm = DixonColesModel(warm_start=True).fit(frame, dt.date(2020, 1, 20)).fit(frame, dt.date(2020, 1, 25))
    assert warm.objective_ == pytest.approx(cold.objective_, rel=1e-8)


@settings(max_examples=25, deadline=None)
@given(st.integers(100, 111), st.integers(100, 111))
def test_neutral_venue_mirrors(data, a, b):
    frame, *_ = data
    model = _fitted(frame)
    one, other = model.grids(a, b, True), model.grids(b, a, True)
    assert np.allclose(one.swap().probs, other.probs)
    if a == b:
        assert one.home_win == pytest.approx(one.away_win)


_cache: dict[int, DixonColesModel] = {}


def _fitted(frame):
    if id(frame) not in _cache:
        _cache[id(frame)] = DixonColesModel().fit(frame)
    return _cache[id(frame)]
