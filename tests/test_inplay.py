import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from remontada.models.grid import poisson_grid
from remontada.models.inplay.process import MINUTES, STATES, Intensity, final_score_grid, fit_intensity, state_index

rates = st.floats(0.3, 3.0)


def fitted_like(match_sd=0.0) -> Intensity:
    """An intensity shaped like the one the store gives: late goals, trailing sides pushing."""
    profile = np.linspace(0.8, 1.2, MINUTES)
    profile[44], profile[89] = 1.8, 3.0
    profile /= profile.mean()
    home = np.array([0.25, 0.2, 0.0, -0.08, -0.05])
    away = np.array([0.35, 0.18, 0.0, -0.03, 0.05])
    return Intensity(profile, home, away, np.zeros(STATES), np.zeros(STATES), 0, 0, match_sd)


@given(rates, rates)
def test_without_time_or_state_effects_the_chain_is_poisson(home, away):
    chain = final_score_grid(home, away, Intensity.flat())
    plain = poisson_grid(home, away)
    assert np.abs(chain.probs - plain.probs).max() < 2e-5
    assert float(chain.probs.sum() + chain.tail) == pytest.approx(1.0)


@given(rates, rates, st.sampled_from([0.0, 0.4]))
def test_an_ordinary_match_keeps_the_model_expected_goals(home, away, sd):
    grid = final_score_grid(home, away, fitted_like(sd), max_goals=16)
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
    # state_index(home goals, away goals, lead brought in, away rule, home side's away goals)
    assert state_index(0, 0, 0, True, 1) == 3  # level, home side has the away goal: as if one ahead
    assert state_index(1, 2, 1, True, 1) == 1  # level again, but the away side now has two away goals
    assert state_index(1, 2, 1, False, 1) == 2
    assert [state_index(0, 5, 0, False, 0), state_index(2, 0, 3, False, 0)] == [0, 4]


def test_batch_is_the_fixtures_one_by_one():
    intensity = fitted_like()
    home, away = np.array([1.2, 2.2]), np.array([1.5, 0.7])
    batch = final_score_grid(home, away, intensity, minute=30, score=([1, 0], [0, 2]), lead=[0, -1])
    for k in range(2):
        one = final_score_grid(home[k], away[k], intensity, minute=30, score=([1, 0][k], [0, 2][k]), lead=[0, -1][k])
        assert np.allclose(batch.probs[k], one.probs)


def test_chains_asked_for_from_several_threads_at_once_give_the_serial_answer():
    # the chain runs its fixtures in parallel; the web server asks for chains from threads
    from concurrent.futures import ThreadPoolExecutor

    intensity = fitted_like(match_sd=0.2)
    rng = np.random.default_rng(5)
    batches = [(rng.uniform(0.5, 2.5, 300), rng.uniform(0.5, 2.5, 300)) for _ in range(4)]
    serial = [final_score_grid(h, a, intensity).probs for h, a in batches]
    with ThreadPoolExecutor(4) as pool:
        threaded = list(pool.map(lambda b: final_score_grid(*b, intensity).probs, batches))
    assert all(np.array_equal(x, y) for x, y in zip(serial, threaded, strict=True))


def test_bad_minutes_and_scores_are_refused():
    with pytest.raises(ValueError, match="minute"):
        final_score_grid(1, 1, Intensity.flat(), minute=95)
    with pytest.raises(ValueError, match="score"):
        final_score_grid(1, 1, Intensity.flat(), score=(-1, 0))


def simulate(n, intensity, seed=0):
    """Goal timelines from the birth process itself (the state at each minute's start, a balance per match)."""
    rng = np.random.default_rng(seed)
    home_rate, away_rate = rng.uniform(0.6, 2.4, n), rng.uniform(0.5, 2.0, n)
    day = rng.normal(0, intensity.match_sd, n)
    h = np.zeros(n, int)
    a = np.zeros(n, int)
    match, minute, home_side = [], [], []
    for m in range(MINUTES):
        s = np.clip(h - a, -2, 2) + 2
        gh = rng.poisson(home_rate / MINUTES * intensity.profile[m] * np.exp(intensity.home_state[s] + day))
        ga = rng.poisson(away_rate / MINUTES * intensity.profile[m] * np.exp(intensity.away_state[4 - s] - day))
        for goals, is_home in ((gh, True), (ga, False)):
            for k in range(1, goals.max(initial=0) + 1):
                idx = np.flatnonzero(goals >= k)
                match += idx.tolist()
                minute += [m + 1] * len(idx)
                home_side += [is_home] * len(idx)
        h, a = h + gh, a + ga
    return np.array(match), np.array(minute), np.array(home_side), home_rate, away_rate


def test_fit_recovers_the_process_it_was_simulated_with():
    truth = fitted_like(match_sd=0.35)
    fitted = fit_intensity(*simulate(30_000, truth))
    assert fitted.match_sd == pytest.approx(0.35, abs=4 * fitted.se_match_sd + 0.02)
    assert np.abs(fitted.home_state - truth.home_state).max() < 4 * fitted.se_home_state.max() + 0.02
    assert np.abs(fitted.away_state - truth.away_state).max() < 4 * fitted.se_away_state.max() + 0.02
    assert fitted.profile[89] > 2 and fitted.profile[:15].mean() < 1
    assert fitted.home_state[2] == 0 and fitted.se_home_state[2] == 0


def test_a_side_well_ahead_is_probably_having_the_better_day():
    with_spread, without = fitted_like(0.4), fitted_like(0.0)
    ahead = final_score_grid(1.3, 1.3, with_spread, minute=45, score=(3, 0))
    plain = final_score_grid(1.3, 1.3, without, minute=45, score=(3, 0))
    assert float(ahead.home_goals_mean) > float(plain.home_goals_mean)


def test_match_spread_recovers_the_balance_it_was_simulated_with():
    from remontada.models.inplay.process import match_spread

    rng = np.random.default_rng(7)
    n = 40_000
    home, away = rng.uniform(0.8, 2.2, n), rng.uniform(0.6, 1.8, n)
    for sd in (0.0, 0.3):
        day = rng.normal(0, sd, n)
        hg, ag = rng.poisson(home * np.exp(day)), rng.poisson(away * np.exp(-day))
        fitted, se = match_spread(hg, ag, home, away)
        assert fitted == pytest.approx(sd, abs=max(4 * se, 0.05))


def test_the_live_table_agrees_with_the_forward_chain_at_kick_off():
    from remontada.data.rules import UEFA_2021
    from remontada.knockout.engine import extra_time_grid, second_leg_outcomes, two_legs
    from remontada.models.inplay.process import live_table

    intensity = fitted_like(0.2)
    home, away = 1.2, 1.5  # Atalanta at home, Liverpool away, Atalanta 3 up from the first leg
    grid = final_score_grid(home, away, intensity, lead=3)
    et = extra_time_grid(home, away, 0.84)
    exact = two_legs(grid, UEFA_2021, leg1_score=(0, 3), extra_time=et)
    level = two_legs(final_score_grid(home, away, intensity), UEFA_2021, leg1_score=(0, 0), extra_time=et)
    share = float((level.a_extra_time + level.a_penalties) / level.p_extra_time)  # A's chance once level
    cells = second_leg_outcomes(0, 3, UEFA_2021)
    terminal = np.where(cells == 1, 1.0, np.where(cells == -1, 0.0, share))
    table = live_table(home, away, intensity, terminal, lead=3)
    assert table.at(0, 0, 0) == pytest.approx(float(exact.p_a), abs=1e-4)
    assert table.at(90, 0, 3) == pytest.approx(share) and table.at(90, 0, 4) == pytest.approx(1.0)
    assert table.at(90, 1, 1) == 0.0
    # Bergamo: Liverpool (away) score in the 7th minute; the chance jumps, then time runs out on them
    now = np.array([table.at(m, 0, int(m >= 7)) for m in range(91)])
    stayed = np.array([table.at(m, 0, 0) for m in range(91)])
    assert now[7] > now[6] and now[90] == pytest.approx(0.0)
    assert np.all(np.diff(stayed[:90]) <= 1e-12) and stayed[90] == pytest.approx(0.0)
    with pytest.raises(ValueError, match="minute"):
        table.at(91, 0, 0)


# --- rate factors from a minute on ---------------------------------------------------------------------------------


def shifted_poisson(home_mean, away_mean, h, a, max_goals):
    """The score ``h``-``a`` plus independent Poisson goals, on a grid of ``max_goals``."""
    size = max_goals + 1
    out = np.zeros((size, size))
    out[h:, a:] = poisson_grid(home_mean, away_mean, max_goals=max_goals).probs[: size - h, : size - a]
    return out


small = st.floats(0.01, 0.12)  # with factors up to 2, at most ~0.003 goals a minute: the 3-a-minute cap is < 1e-10
factors = st.floats(0.25, 2.0)


@settings(max_examples=40, deadline=None)
@given(small, small, factors, factors, st.integers(0, 89), st.integers(0, 4), st.integers(0, 4))
def test_flat_factors_scale_the_poisson_goals_still_to_come(home, away, fh, fa, minute, h, a):
    grid = final_score_grid(
        home, away, Intensity.flat(), minute=minute, score=(h, a), home_factor=fh, away_factor=fa, max_goals=16
    )
    left = (MINUTES - minute) / MINUTES
    expected = shifted_poisson(home * fh * left, away * fa * left, h, a, 16)
    assert np.abs(grid.probs - expected).max() < 1e-9


@settings(max_examples=25, deadline=None)
@given(rates, rates, factors, factors, st.integers(0, 89), st.integers(0, 3), st.integers(0, 3))
def test_flat_factors_at_real_rates_within_the_per_minute_cap(home, away, fh, fa, minute, h, a):
    from scipy.stats import poisson

    grid = final_score_grid(
        home, away, Intensity.flat(), minute=minute, score=(h, a), home_factor=fh, away_factor=fa, max_goals=24
    )
    left = (MINUTES - minute) / MINUTES
    expected = shifted_poisson(home * fh * left, away * fa * left, h, a, 24)
    # the chain moves P(4+ goals in a minute) onto 3: a coupling bounds every cell by that mass over the minutes left
    cap = (MINUTES - minute) * (poisson.sf(3, home * fh / MINUTES) + poisson.sf(3, away * fa / MINUTES))
    assert np.abs(grid.probs - expected).max() <= cap + 1e-10


def test_factors_of_one_change_nothing():
    intensity = fitted_like(0.3)
    kw = {"minute": 37, "score": (1, 2), "lead": -1, "away_rule": True, "away_goals_home": 1}
    plain = final_score_grid(1.4, 1.1, intensity, **kw)
    ones = final_score_grid(1.4, 1.1, intensity, home_factor=1.0, away_factor=[1.0], **kw)
    assert np.array_equal(plain.probs, ones.probs[0]) and plain.tail == ones.tail[0]
    # and a factor does change something, for the minutes still to come only
    assert final_score_grid(1.4, 1.1, intensity, home_factor=1.5, **kw).home_win > plain.home_win + 0.01
    at_whistle = final_score_grid(1.4, 1.1, intensity, minute=90, score=(1, 2), home_factor=3.0)
    assert at_whistle.probs[1, 2] == 1.0


@settings(max_examples=30, deadline=None)
@given(rates, rates, st.floats(0.3, 2.0), st.floats(1.0, 2.0), st.integers(0, 85), st.integers(0, 3), st.integers(0, 3))
def test_a_larger_home_factor_never_lowers_the_home_win(home, away, low, ratio, minute, h, a):
    intensity = fitted_like(0.3)
    kw = {"minute": minute, "score": (h, a), "max_goals": 20}
    weaker = final_score_grid(home, away, intensity, home_factor=low, **kw)
    stronger = final_score_grid(home, away, intensity, home_factor=low * ratio, **kw)
    assert float(stronger.home_win) >= float(weaker.home_win) - 1e-12
    assert float(stronger.away_win) <= float(weaker.away_win) + 1e-12


def test_the_live_table_agrees_with_the_forward_chain_under_factors():
    from remontada.models.inplay.process import live_table

    intensity = fitted_like(0.3)
    home, away, size = 1.3, 1.1, 17
    rng = np.random.default_rng(3)
    terminal = rng.uniform(0, 1, (size, size))  # any value of the final score
    kw = {"lead": -1, "away_rule": True, "away_goals_home": 1, "home_factor": 1.6, "away_factor": 0.7}
    table = live_table(home, away, intensity, terminal, **kw)
    at_kick_off = final_score_grid(home, away, intensity, max_goals=size - 1, **kw)
    assert table.at(0, 0, 0) == pytest.approx(float(np.sum(at_kick_off.probs * terminal)), abs=1e-6)
    for minute, h, a in ((30, 1, 0), (61, 0, 2), (88, 2, 2)):
        later = final_score_grid(home, away, intensity, minute=minute, score=(h, a), max_goals=size - 1, **kw)
        assert table.at(minute, h, a) == pytest.approx(float(np.sum(later.probs * terminal)), abs=1e-6)
    # the factors matter: without them the table is another one
    plain = live_table(home, away, intensity, terminal, lead=-1, away_rule=True, away_goals_home=1)
    assert abs(plain.at(30, 1, 0) - table.at(30, 1, 0)) > 1e-3


class _Kept:
    """A results store in memory, counting what it is asked."""

    def __init__(self) -> None:
        self.entries: dict[str, dict] = {}
        self.hits = 0

    def load(self, key):
        found = self.entries.get(repr(sorted(key.items())))
        self.hits += found is not None
        return None if found is None else {k: v.copy() for k, v in found.items()}

    def save(self, key, params):
        self.entries[repr(sorted(key.items()))] = {k: np.array(v) for k, v in params.items()}


def test_kept_results_are_the_computed_ones_exactly():
    from remontada.models.inplay.kernels import results_kept_in
    from remontada.models.inplay.process import live_table

    intensity = fitted_like(0.3)
    args = dict(minute=30, score=(1, 0), lead=-2, away_rule=np.array(True), away_goals_home=1)
    fresh = final_score_grid(1.4, 1.1, intensity, **args)
    table = live_table(1.4, 1.1, intensity, np.eye(11), lead=1)
    kept = _Kept()
    with results_kept_in(kept):
        first = final_score_grid(1.4, 1.1, intensity, **args)
        again = final_score_grid(1.4, 1.1, intensity, **args)
        other = final_score_grid(1.5, 1.1, intensity, **args)
        tables = [live_table(1.4, 1.1, intensity, np.eye(11), lead=1) for _ in range(2)]
    assert kept.hits > 0
    for grid in (first, again):
        assert np.array_equal(grid.probs, fresh.probs) and np.array_equal(grid.tail, fresh.tail)
    assert not np.array_equal(other.probs, fresh.probs)
    for t in tables:
        assert np.array_equal(t.values, table.values) and np.array_equal(t.reached, table.reached)
        assert np.array_equal(t.prior, table.prior)


def test_models_are_looked_up_by_their_own_names():
    from remontada.models import DEFAULT_MODEL, DEFAULT_TIE_MODEL, MODELS

    assert sorted(MODELS) == ["dixon-coles", "elo", "elo+dixon-coles"] and len(MODELS) == 3
    assert all(MODELS[name].name == name for name in MODELS)
    assert DEFAULT_MODEL in MODELS and DEFAULT_TIE_MODEL in MODELS and "poisson" not in MODELS


def test_kept_summaries_come_back_exactly():
    from remontada.knockout.extra_time import ShootoutEdge
    from remontada.models.inplay.kernels import kept_summary, results_kept_in

    edge = ShootoutEdge(223, 413, 223 / 413, 0.1 + 0.2, None, 0.1234567890123, 0, 0, None, None, None, None)
    kept = _Kept()
    assert kept_summary(ShootoutEdge, {"before": "x"}, lambda: edge) == edge and not kept.entries  # nothing kept
    with results_kept_in(kept):
        assert kept_summary(ShootoutEdge, {"before": "x"}, lambda: edge) == edge
        again = kept_summary(ShootoutEdge, {"before": "x"}, lambda: None)
    assert kept.hits == 1 and again == edge and again is not edge
