import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.stats import poisson, skellam

from remontada.models.grid import dixon_coles_tau, poisson_grid

rates = st.floats(0.05, 4.0)
rhos = st.floats(-0.15, 0.15)


def test_independent_poisson_grid_matches_closed_forms():
    g = poisson_grid(1.7, 0.9)
    assert g.exact(2, 1) == pytest.approx(poisson.pmf(2, 1.7) * poisson.pmf(1, 0.9), rel=1e-12)
    # the goal difference of two independent Poissons is Skellam
    assert g.home_win == pytest.approx(skellam.sf(0, 1.7, 0.9), abs=1e-5)  # less the tail beyond 10 goals
    assert g.draw == pytest.approx(skellam.pmf(0, 1.7, 0.9), abs=1e-6)
    assert g.total_over(2.5) + g.tail == pytest.approx(poisson.sf(2, 2.6), abs=1e-7)  # the tail is all over 2.5
    assert g.both_score == pytest.approx((1 - np.exp(-1.7)) * (1 - np.exp(-0.9)), abs=1e-5)
    assert g.home_goals_mean == pytest.approx(1.7, abs=1e-4)  # the grid stops at 10 goals


def test_dixon_coles_correction_on_the_four_low_scores():
    lam, mu, rho = 1.4, 1.1, -0.1
    plain, dc = poisson_grid(lam, mu), poisson_grid(lam, mu, rho)
    assert dc.exact(0, 0) == pytest.approx(plain.exact(0, 0) * (1 - lam * mu * rho))
    assert dc.exact(0, 1) == pytest.approx(plain.exact(0, 1) * (1 + lam * rho))
    assert dc.exact(1, 0) == pytest.approx(plain.exact(1, 0) * (1 + mu * rho))
    assert dc.exact(1, 1) == pytest.approx(plain.exact(1, 1) * (1 - rho))
    assert dc.exact(2, 1) == plain.exact(2, 1)
    assert dc.draw > plain.draw  # negative rho: more low draws
    assert dixon_coles_tau(lam, mu, 0.0) == pytest.approx(np.ones((2, 2)))


@given(rates, rates, rhos)
def test_grid_sums_to_one_minus_the_reported_tail(lam, mu, rho):
    g = poisson_grid(lam, mu, rho)
    assert g.probs.min() >= 0
    assert g.probs.sum() + g.tail == pytest.approx(1.0, abs=1e-12)
    assert g.home_win + g.draw + g.away_win == pytest.approx(1 - g.tail, abs=1e-12)
    assert g.outcomes().sum() == pytest.approx(1.0)


@given(rates, rates, rhos)
def test_swapping_sides_mirrors_the_grid(lam, mu, rho):
    g, back = poisson_grid(lam, mu, rho), poisson_grid(mu, lam, rho)
    assert np.allclose(g.swap().probs, back.probs)
    assert g.home_win == pytest.approx(back.away_win)


@given(rates, rates)
def test_markets_are_consistent(lam, mu):
    g = poisson_grid(lam, mu)
    assert g.total_over(2.5) + g.total_under(2.5) == pytest.approx(1 - g.tail, abs=1e-12)
    win, push, lose = g.asian_handicap(0.0)
    assert (win, push, lose) == pytest.approx((g.home_win, g.draw, g.away_win))
    w, p, lo = g.asian_handicap(-0.5)
    assert p == 0 and w == pytest.approx(g.home_win)
    qw, qp, ql = g.asian_handicap(-0.25)  # half on 0, half on -0.5
    assert qw == pytest.approx(g.home_win) and qp == pytest.approx(g.draw / 2)


def test_large_rates_report_their_tail():
    g = poisson_grid(9.0, 0.5)
    assert g.tail > 0.1
    assert g.probs.sum() + g.tail == pytest.approx(1.0)


def test_batches_and_most_likely():
    g = poisson_grid(np.array([0.5, 2.5, 1.2]), np.array([0.5, 0.4, 2.8]), -0.05)
    assert g.shape == (3,)
    home, away = g.most_likely()
    assert home.tolist() == [0, 2, 1] and away.tolist() == [0, 0, 2]
    assert g[1].top_scores(1)[0][:2] == (2, 0)
    with pytest.raises(ValueError):
        g.top_scores()
