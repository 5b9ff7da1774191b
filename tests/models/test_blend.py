"""The Elo + Dixon-Coles blend: its rates are the two models' weighted geometric mean, and it caches like any model."""

import datetime as dt

import numpy as np
import pytest

from remontada.data.bundle import open_store
from remontada.data.queries import training_matches
from remontada.models import MODELS, BlendModel

BERGAMO = dt.date(2024, 4, 18)


@pytest.fixture(scope="module")
def fitted(bundled_db):
    with open_store(bundled_db, read_only=True) as store:
        club = training_matches(store, pool="club", before=BERGAMO)
    return BlendModel().fit(club.tail(4000))


def _fixtures(model):
    ids = model.dixon_coles.teams_[:40]
    return ids, ids[::-1], np.arange(40) % 3 == 0, np.arange(40) % 2 == 0


def test_rates_are_the_weighted_geometric_mean_of_the_two_models(fitted):
    home, away, neutral, europe = _fixtures(fitted)
    e = fitted.elo.rates(home, away, neutral, europe)
    d = fitted.dixon_coles.rates(home, away, neutral, europe)
    r = fitted.rates(home, away, neutral, europe)
    assert np.allclose(r.home, np.sqrt(e.home * d.home)) and np.allclose(r.away, np.sqrt(e.away * d.away))
    assert r.rho == pytest.approx((e.rho + d.rho) / 2)
    assert np.array_equal(r.known, e.known & d.known)
    for weight, part in ((1.0, e), (0.0, d)):
        fitted.elo_weight = weight
        try:
            assert np.allclose(fitted.rates(home, away, neutral, europe).home, part.home)
        finally:
            fitted.elo_weight = 0.5


def test_the_blend_lies_between_its_parts(fitted):
    """Each side's expected goals, and their ratio (how lopsided the match is), lie between the parts'."""
    home, away, neutral, europe = _fixtures(fitted)
    r, e, d = (m.rates(home, away, neutral, europe) for m in (fitted, fitted.elo, fitted.dixon_coles))
    for blend, one, other in ((r.home, e.home, d.home), (r.away, e.away, d.away), (
            r.home / r.away, e.home / e.away, d.home / d.away)):  # fmt: skip
        assert np.all((blend >= np.minimum(one, other) * (1 - 1e-12)) & (blend <= np.maximum(one, other) * (1 + 1e-12)))


def test_round_trips_through_the_fit_cache_and_refuses_a_missing_part(fitted):
    params = fitted.to_params()
    again = BlendModel.from_params(fitted.settings(), params)
    home, away, neutral, europe = _fixtures(fitted)
    assert np.array_equal(fitted.rates(home, away, neutral, europe).home, again.rates(home, away, neutral, europe).home)
    assert again.ratings().equals(fitted.ratings())
    assert (fitted.ratings().filter(like="matches with").dtypes == "int64").all()  # counts, not NaN-padded floats
    with pytest.raises(ValueError, match="lack the blend's elo"):
        BlendModel.from_params(fitted.settings(), {k: v for k, v in params.items() if not k.startswith("elo/")})


def test_is_offered_by_name_and_checks_its_weight():
    assert MODELS["elo+dixon-coles"] is BlendModel
    with pytest.raises(ValueError, match="between 0 and 1"):
        BlendModel(elo_weight=1.5)
