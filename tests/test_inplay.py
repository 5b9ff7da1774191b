import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from remontada.grid import poisson_grid
from remontada.inplay import MINUTES, STATES, Intensity, final_score_grid, fit_intensity, state_of

rates = st.floats(0.3, 3.0)


def fitted_like() -> Intensity:
    """An intensity shaped like the one the store gives: late goals, trailing sides pushing."""
    profile = np.linspace(0.8, 1.2, MINUTES)
    profile[44], profile[89] = 1.8, 3.0
    profile /= profile.mean()
    home = np.array([0.05, 0.1, 0.0, 0.0, 0.15])
    away = np.array([0.12, 0.1, 0.0, 0.05, 0.25])
    return Intensity(profile, home, away, np.zeros(STATES), np.zeros(STATES), 0, 0)


@given(rates, rates)
def test_without_time_or_state_effects_the_chain_is_poisson(home, away):
    chain = final_score_grid(home, away, Intensity.flat())
    plain = poisson_grid(home, away)
    assert np.abs(chain.probs - plain.probs).max() < 2e-5
    assert float(chain.probs.sum() + chain.tail) == pytest.approx(1.0)


@given(rates, rates)
def test_an_ordinary_match_keeps_the_model_expected_goals(home, away):
    grid = final_score_grid(home, away, fitted_like())
    assert float(grid.probs.sum() + grid.tail) == pytest.approx(1.0)
    assert float(grid.home_goals_mean) == pytest.approx(home, rel=0.02)
    assert float(grid.away_goals_mean) == pytest.approx(away, rel=0.02)


def test_at_the_final_whistle_the_score_is_final():
    grid = final_score_grid(1.4, 1.8, fitted_like(), minute=90, score=(0, 1))
    assert grid.probs[0, 1] == 1.0 and grid.tail == 0.0


def test_later_and_ahead_means_surer():
    intensity = fitted_like()
    early = final_score_grid(1.4, 1.8, intensity, minute=10, score=(0, 1)).away_win
    late = final_score_grid(1.4, 1.8, intensity, minute=80, score=(0, 1)).away_win
    assert early < late < 1


def test_the_side_behind_in_the_tie_pushes():
    intensity = fitted_like()
    level = final_score_grid(1.4, 1.8, intensity)
    # Atalanta at home 3 up from the first leg: Liverpool (away) are 3 behind in the tie
    tie = final_score_grid(1.4, 1.8, intensity, lead=3)
    assert float(tie.away_goals_mean) > float(level.away_goals_mean)


def test_state_counts_away_goals_when_the_rule_applies():
    assert state_of(0, True, 1, 0).item() == 3  # level, home side has the away goal: as if one ahead
    assert state_of(0, True, 1, 2).item() == 1
    assert state_of(0, False, 1, 2).item() == 2
    assert state_of([-5, 5], False, 0, 0).tolist() == [0, 4]


def test_batch_is_the_fixtures_one_by_one():
    intensity = fitted_like()
    home, away = np.array([1.2, 2.2]), np.array([1.5, 0.7])
    batch = final_score_grid(home, away, intensity, minute=30, score=([1, 0], [0, 2]), lead=[0, -1])
    for k in range(2):
        one = final_score_grid(home[k], away[k], intensity, minute=30, score=([1, 0][k], [0, 2][k]), lead=[0, -1][k])
        assert np.allclose(batch.probs[k], one.probs)


def test_bad_minutes_and_scores_are_refused():
    with pytest.raises(ValueError, match="minute"):
        final_score_grid(1, 1, Intensity.flat(), minute=95)
    with pytest.raises(ValueError, match="score"):
        final_score_grid(1, 1, Intensity.flat(), score=(-1, 0))


def simulate(n, intensity, seed=0):
    """Goal timelines from the birth process itself (the state at each minute's start)."""
    rng = np.random.default_rng(seed)
    home_rate, away_rate = rng.uniform(0.6, 2.4, n), rng.uniform(0.5, 2.0, n)
    h = np.zeros(n, int)
    a = np.zeros(n, int)
    match, minute, home_side = [], [], []
    for m in range(MINUTES):
        s = np.clip(h - a, -2, 2) + 2
        gh = rng.poisson(home_rate / MINUTES * intensity.profile[m] * np.exp(intensity.home_state[s]))
        ga = rng.poisson(away_rate / MINUTES * intensity.profile[m] * np.exp(intensity.away_state[4 - s]))
        for goals, is_home in ((gh, True), (ga, False)):
            for k in range(1, goals.max(initial=0) + 1):
                idx = np.flatnonzero(goals >= k)
                match += idx.tolist()
                minute += [m + 1] * len(idx)
                home_side += [is_home] * len(idx)
        h, a = h + gh, a + ga
    return np.array(match), np.array(minute), np.array(home_side), home_rate, away_rate


def test_fit_recovers_the_process_it_was_simulated_with():
    truth = fitted_like()
    fitted = fit_intensity(*simulate(30_000, truth))
    assert np.abs(fitted.home_state - truth.home_state).max() < 4 * fitted.se_home_state.max() + 0.02
    assert np.abs(fitted.away_state - truth.away_state).max() < 4 * fitted.se_away_state.max() + 0.02
    assert fitted.profile[89] > 2 and fitted.profile[:15].mean() < 1
    assert fitted.home_state[2] == 0 and fitted.se_home_state[2] == 0
