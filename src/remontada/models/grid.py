"""ScoreGrid: the joint distribution of a match's score, and every market derived from it.

A grid holds P(home scores i, away scores j) for i, j in 0..max_goals, for one
fixture or a batch (leading axes), together with the probability mass beyond the
grid (``tail``), which is reported, never silently dropped: for typical football
rates and ``max_goals=10`` it is below 1e-6.

The Poisson grid with the Dixon-Coles low-score correction (Dixon & Coles 1997,
"Modelling association football scores and inefficiencies in the football betting
market", Applied Statistics 46(2)) is :func:`poisson_grid`: independent Poisson
goals with rates ``home_rate`` and ``away_rate``, the four scores 0-0, 1-0, 0-1 and
1-1 reweighted by tau(rho) so that low draws can be likelier than independence
allows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import gammaln, xlogy

__all__ = ["DEFAULT_MAX_GOALS", "ScoreGrid", "dixon_coles_tau", "poisson_grid", "poisson_pmf"]

DEFAULT_MAX_GOALS = 10

Array = NDArray[np.float64]


def poisson_pmf(rate: ArrayLike, max_goals: int) -> Array:
    """P(0..max_goals goals) for each rate: shape ``rate.shape + (max_goals + 1,)``."""
    lam = np.asarray(rate, dtype=float)[..., None]
    k = np.arange(max_goals + 1, dtype=float)
    out: Array = np.exp(xlogy(k, lam) - lam - gammaln(k + 1))  # xlogy: a rate of 0 gives 0 goals surely
    return out


def dixon_coles_tau(home_rate: ArrayLike, away_rate: ArrayLike, rho: ArrayLike) -> Array:
    """The Dixon-Coles factors for 0-0, 0-1, 1-0, 1-1, shape ``(..., 2, 2)`` as [i][j].

    ``rho`` is held inside the range where every factor is non-negative,
    ``max(-1/lambda, -1/mu) <= rho <= min(1/(lambda mu), 1)`` (Dixon & Coles 1997,
    section 4), so a grid is a distribution for any rates.
    """
    lam, mu, r = np.broadcast_arrays(
        np.asarray(home_rate, dtype=float), np.asarray(away_rate, dtype=float), np.asarray(rho, dtype=float)
    )
    with np.errstate(divide="ignore"):
        r = np.clip(r, np.maximum(-1 / lam, -1 / mu), np.minimum(1 / (lam * mu), 1.0))
    tau = np.empty(lam.shape + (2, 2))
    tau[..., 0, 0] = 1.0 - lam * mu * r
    tau[..., 0, 1] = 1.0 + lam * r
    tau[..., 1, 0] = 1.0 + mu * r
    tau[..., 1, 1] = 1.0 - r
    return tau


def poisson_grid(
    home_rate: ArrayLike, away_rate: ArrayLike, rho: ArrayLike = 0.0, *, max_goals: int = DEFAULT_MAX_GOALS
) -> ScoreGrid:
    """The (Dixon-Coles corrected) Poisson score grid for each pair of rates."""
    ph = poisson_pmf(home_rate, max_goals)
    pa = poisson_pmf(away_rate, max_goals)
    p = ph[..., :, None] * pa[..., None, :]
    rho_arr = np.asarray(rho, dtype=float)
    if np.any(rho_arr != 0):
        tau = dixon_coles_tau(home_rate, away_rate, rho_arr)
        p[..., :2, :2] *= tau
    # tau keeps the total over all scores at one, so the mass beyond the grid is what
    # the two marginals lose beyond max_goals, whatever rho is
    tail = 1.0 - ph.sum(-1) * pa.sum(-1)
    return ScoreGrid(p, np.clip(tail, 0.0, 1.0))


@dataclass(frozen=True)
class ScoreGrid:
    """P(score i-j) for a fixture or a batch of fixtures.

    ``probs`` has shape ``(..., G, G)`` (home goals by away goals, ``G = max_goals + 1``);
    ``tail`` has shape ``(...)``: the probability that either side scores more than
    ``max_goals``. Market methods return arrays of the batch shape (floats for one
    fixture) and are computed on the grid; the ``tail`` is not assigned to any outcome,
    so e.g. ``home_win + draw + away_win == 1 - tail``.
    """

    probs: Array
    tail: Array

    @property
    def max_goals(self) -> int:
        """The highest score on the grid for either side."""
        return int(self.probs.shape[-1] - 1)

    @property
    def shape(self) -> tuple[int, ...]:
        """The batch shape (``()`` for one fixture)."""
        return tuple(self.probs.shape[:-2])

    def __getitem__(self, index: int | slice | NDArray[np.int64]) -> ScoreGrid:
        """One fixture, or a sub-batch, of a batch."""
        return ScoreGrid(self.probs[index], self.tail[index])

    def _diff(self) -> NDArray[np.int64]:
        g = np.arange(self.max_goals + 1)
        return g[:, None] - g[None, :]

    def _sum(self, mask: NDArray[np.bool_]) -> Array:
        out: Array = np.sum(self.probs * mask, axis=(-2, -1))
        return out

    @property
    def home_win(self) -> Array:
        """P(home side wins)."""
        return self._sum(self._diff() > 0)

    @property
    def draw(self) -> Array:
        """P(draw)."""
        return self._sum(self._diff() == 0)

    @property
    def away_win(self) -> Array:
        """P(away side wins)."""
        return self._sum(self._diff() < 0)

    def outcomes(self) -> Array:
        """``[P(home), P(draw), P(away)]`` along a last axis, renormalised over the grid."""
        out: Array = np.stack([self.home_win, self.draw, self.away_win], axis=-1)
        normalised: Array = out / out.sum(-1, keepdims=True)
        return normalised

    @property
    def home_goals_mean(self) -> Array:
        """Expected home goals on the grid."""
        g = np.arange(self.max_goals + 1)
        out: Array = np.sum(self.probs.sum(-1) * g, axis=-1)
        return out

    @property
    def away_goals_mean(self) -> Array:
        """Expected away goals on the grid."""
        g = np.arange(self.max_goals + 1)
        out: Array = np.sum(self.probs.sum(-2) * g, axis=-1)
        return out

    def total_over(self, line: float) -> Array:
        """P(total goals > line), e.g. ``line=2.5``; for a whole-number line, a push is neither."""
        g = np.arange(self.max_goals + 1)
        return self._sum((g[:, None] + g[None, :]) > line)

    def total_under(self, line: float) -> Array:
        """P(total goals < line)."""
        g = np.arange(self.max_goals + 1)
        return self._sum((g[:, None] + g[None, :]) < line)

    @property
    def both_score(self) -> Array:
        """P(both teams score)."""
        g = np.arange(self.max_goals + 1)
        return self._sum((g[:, None] > 0) & (g[None, :] > 0))

    def asian_handicap(self, handicap: float) -> tuple[Array, Array, Array]:
        """Home side with ``handicap`` goals added: ``(P(win), P(push), P(lose))``.

        Quarter lines (e.g. -0.75) are split half on each neighbouring line, as
        bookmakers settle them; the push probability is then the half-stake refunds.
        """
        if (handicap * 4) % 2 == 1:  # a quarter line
            lo = self.asian_handicap(handicap - 0.25)
            hi = self.asian_handicap(handicap + 0.25)
            win, push, lose = ((a + b) / 2 for a, b in zip(lo, hi, strict=True))
            return win, push, lose
        adjusted = self._diff() + handicap
        return self._sum(adjusted > 0), self._sum(adjusted == 0), self._sum(adjusted < 0)

    def exact(self, home_goals: int, away_goals: int) -> Array:
        """P(exact score)."""
        return np.asarray(self.probs[..., home_goals, away_goals], dtype=float)

    def most_likely(self) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """The most likely score(s): ``(home_goals, away_goals)`` arrays of the batch shape."""
        flat = self.probs.reshape(self.shape + (-1,)).argmax(-1)
        home, away = np.divmod(flat, self.max_goals + 1)
        return home, away

    def top_scores(self, n: int = 5) -> list[tuple[int, int, float]]:
        """The ``n`` likeliest scores of a single fixture, as ``(home, away, p)``."""
        if self.shape:
            raise ValueError("top_scores is for one fixture; index the batch first")
        order = np.argsort(self.probs, axis=None)[::-1][:n]
        size = self.max_goals + 1
        return [(int(i // size), int(i % size), float(self.probs.flat[i])) for i in order]

    def swap(self) -> ScoreGrid:
        """The same grid seen from the other side (home and away exchanged)."""
        return ScoreGrid(np.swapaxes(self.probs, -1, -2), self.tail)
