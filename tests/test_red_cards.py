import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from remontada.models.inplay.red_cards import MAX_REDS, RedCardEffect, fit_red_cards

OWN, OPPONENT = -0.3, 0.4


def simulate(n: int, seed: int, profile: np.ndarray, *, red_share: float = 0.2) -> dict[str, np.ndarray]:
    """Matches minute by minute, with at most one red card at a uniform minute (acting from the next)."""
    rng = np.random.default_rng(seed)
    lam, mu = rng.uniform(0.8, 2.2, n), rng.uniform(0.6, 1.8, n)
    red = rng.random(n) < red_share
    away_card = rng.random(n) < 0.55
    card = rng.integers(1, 91, n)
    after = (np.arange(1, 91)[None, :] > card[:, None]) & red[:, None]
    home_factor = np.where(after, np.exp(np.where(away_card, OPPONENT, OWN))[:, None], 1.0)
    away_factor = np.where(after, np.exp(np.where(away_card, OWN, OPPONENT))[:, None], 1.0)
    # the baseline is off by a few per cent either way: the calibration scalars take that up
    home = rng.poisson(lam[:, None] / 90 * profile * home_factor * 1.06)
    away = rng.poisson(mu[:, None] / 90 * profile * away_factor * 0.95)
    return {
        "ht_home": home[:, :45].sum(1).astype(float),
        "ht_away": away[:, :45].sum(1).astype(float),
        "home_goals": home.sum(1),
        "away_goals": away.sum(1),
        "home_red": (red & ~away_card).astype(float),
        "away_red": (red & away_card).astype(float),
        "home_rate": lam,
        "away_rate": mu,
        "profile": profile,
    }


def rising() -> np.ndarray:
    profile = np.linspace(0.6, 1.4, 90)
    profile[[44, 89]] *= 2  # stoppage time
    return profile / profile.mean()


@pytest.mark.parametrize("profile", [np.ones(90), rising()], ids=["flat", "rising"])
def test_the_fit_recovers_a_known_effect(profile):
    data = simulate(20_000, seed=7, profile=profile)
    effect = fit_red_cards(**data)
    assert effect.reds == int(data["home_red"].sum() + data["away_red"].sum())
    assert effect.matches == 20_000
    assert 0 < effect.se_own < 0.1 and 0 < effect.se_opponent < 0.1
    assert abs(effect.own - OWN) < 3 * effect.se_own
    assert abs(effect.opponent - OPPONENT) < 3 * effect.se_opponent


def test_half_time_scores_sharpen_the_estimate():
    data = simulate(20_000, seed=11, profile=np.ones(90))
    with_halves = fit_red_cards(**data)
    unknown = np.full(20_000, np.nan)
    final_only = fit_red_cards(**{**data, "ht_home": unknown, "ht_away": unknown})
    assert final_only.se_own > with_halves.se_own and final_only.se_opponent > with_halves.se_opponent
    assert abs(final_only.own - OWN) < 3 * final_only.se_own
    assert abs(final_only.opponent - OPPONENT) < 3 * final_only.se_opponent


def test_two_reds_and_unknown_counts_are_left_out():
    data = simulate(5_000, seed=3, profile=np.ones(90))
    base = fit_red_cards(**data)
    home_red, away_red, ht_home = data["home_red"].copy(), data["away_red"].copy(), data["ht_home"].copy()
    home_red[:10] = 1.0
    away_red[:10] = 1.0  # two reds in all: out
    home_red[10:20] = np.nan  # not counted: out
    ht_home[20:30] = data["home_goals"][20:30] + 1  # an impossible half-time score: final score only
    changed = fit_red_cards(**{**data, "home_red": home_red, "away_red": away_red, "ht_home": ht_home})
    assert changed.matches == base.matches - 20
    assert changed.own == pytest.approx(base.own, abs=0.05)


def test_bad_input_is_refused():
    data = simulate(500, seed=5, profile=np.ones(90))
    with pytest.raises(ValueError, match="one value per match"):
        fit_red_cards(**{**data, "home_rate": data["home_rate"][:-1]})
    with pytest.raises(ValueError, match="profile"):
        fit_red_cards(**{**data, "profile": np.ones(45)})
    with pytest.raises(ValueError, match="rates"):
        fit_red_cards(**{**data, "away_rate": -data["away_rate"]})
    with pytest.raises(ValueError, match="exactly one red card"):
        fit_red_cards(**{**data, "home_red": np.zeros(500), "away_red": np.zeros(500)})


def test_factors():
    effect = RedCardEffect(OWN, OPPONENT, 0.02, 0.02, 1000, 100)
    assert effect.factors(0, 0) == (1.0, 1.0)
    assert effect.factors(1, 0) == pytest.approx((math.exp(OWN), math.exp(OPPONENT)))
    assert effect.factors(0, 1) == pytest.approx((math.exp(OPPONENT), math.exp(OWN)))
    assert effect.factors(2, 1) == pytest.approx((math.exp(2 * OWN + OPPONENT), math.exp(OWN + 2 * OPPONENT)))


@pytest.mark.parametrize(("home", "away", "side"), [(-1, 0, "home"), (0, MAX_REDS + 1, "away"), (1.5, 0, "home")])
def test_impossible_counts_name_the_side(home, away, side):
    with pytest.raises(ValueError, match=f"^{side} side"):
        RedCardEffect(OWN, OPPONENT, 0.0, 0.0, 0, 0).factors(home, away)


@given(st.integers(0, MAX_REDS), st.integers(0, MAX_REDS))
def test_no_effect_leaves_the_rates(home, away):
    assert RedCardEffect.none().factors(home, away) == (1.0, 1.0)


@given(
    st.floats(-2.0, -0.01),
    st.floats(0.01, 2.0),
    st.integers(0, MAX_REDS - 1),
    st.integers(0, MAX_REDS - 1),
)
def test_more_reds_hurt_the_side_and_help_its_opponent(own, opponent, home, away):
    effect = RedCardEffect(own, opponent, 0.0, 0.0, 0, 0)
    h, a = effect.factors(home, away)
    assert effect.factors(home + 1, away)[0] < h and effect.factors(home + 1, away)[1] > a
    assert effect.factors(home, away + 1)[0] > h and effect.factors(home, away + 1)[1] < a
    assert effect.factors(away, home) == (a, h)  # the sides are treated alike
