"""The fits kept beside the store: keyed by data version, read back exactly, never trusted blindly."""

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from remontada.data.bundle import open_store
from remontada.data.ingest import import_file, import_paths
from remontada.data.links import link_teams
from remontada.data.queries import training_matches
from remontada.data.store import Store
from remontada.models import DixonColesModel, EloModel
from remontada.models.base import LAYOUT
from remontada.models.fitcache import FitCache, cache_folder, data_version
from remontada.models.forecast import Forecaster
from remontada.models.inplay.process import Intensity
from remontada.models.inplay.red_cards import RedCardEffect

DATA = Path(__file__).parent / "data"
BERGAMO = dt.date(2024, 4, 18)


@pytest.fixture(scope="module")
def club(bundled_db):
    with open_store(bundled_db, read_only=True) as store:
        return training_matches(store, pool="club", before=BERGAMO)


@pytest.fixture
def store_copy(bundled_db, tmp_path):
    """A private copy of the bundled store (its fits folder starts empty)."""
    path = tmp_path / "store.duckdb"
    path.write_bytes(bundled_db.read_bytes())
    return path


def test_an_import_and_a_team_link_change_the_data_version(tmp_path):
    with Store.open(tmp_path / "s.duckdb") as store:
        empty = data_version(store)
        import_file(store, DATA / "overlap/italy-2019.csv")
        imported = data_version(store)
        assert imported != empty and data_version(store) == imported  # same content, same version
        import_paths(store, [DATA / "link"])
        before_link = data_version(store)
        link_teams(store, "Verona (ITA)", "Hellas Verona")
        assert data_version(store) not in {empty, imported, before_link}


@pytest.mark.parametrize("cls", [EloModel, DixonColesModel])
def test_learned_values_round_trip_as_plain_arrays(club, cls):
    frame = club if cls is EloModel else club.tail(3000)
    model = cls().fit(frame)
    params = model.to_params()
    assert all(a.dtype != object for a in params.values())  # loadable with allow_pickle=False
    again = cls.from_params(model.settings(), params)
    ids = model.teams_
    first, second = model.rates(ids, ids[::-1]), again.rates(ids, ids[::-1])
    assert np.array_equal(first.home, second.home) and np.array_equal(first.away, second.away)
    assert first.rho == second.rho and again.as_of_ == model.as_of_
    assert model.ratings().equals(again.ratings())


def test_an_entry_saved_by_an_older_model_that_learned_less_is_refused(club):
    """A Dixon-Coles fit cached before each league had its own home advantage must be refitted, not half-read."""
    model = DixonColesModel().fit(club.tail(3000))
    params = model.to_params()
    layout = json.loads(str(params[LAYOUT]))
    del layout["team_home_"]
    params[LAYOUT] = np.array(json.dumps(layout))
    with pytest.raises(ValueError, match="lack team_home_"):
        DixonColesModel.from_params(model.settings(), params)


def test_a_second_forecaster_reads_the_fit_instead_of_fitting(store_copy, monkeypatch):
    with open_store(store_copy, read_only=True) as store:
        first = Forecaster(store).match("Atalanta", "Liverpool", as_of=BERGAMO).as_dict()
    assert any(cache_folder_of(store_copy).glob("*.npz"))

    def no_fitting(*args, **kwargs):
        raise AssertionError("fitted again despite the cache")

    monkeypatch.setattr(DixonColesModel, "fit", no_fitting)
    with open_store(store_copy, read_only=True) as store:
        assert Forecaster(store).match("Atalanta", "Liverpool", as_of=BERGAMO).as_dict() == first


def test_a_corrupt_entry_is_refitted_and_an_unwritable_folder_only_turns_the_cache_off(store_copy):
    with open_store(store_copy, read_only=True) as store:
        first = Forecaster(store).match("Atalanta", "Liverpool", as_of=BERGAMO).as_dict()
    for entry in cache_folder_of(store_copy).glob("*.npz"):
        entry.write_bytes(entry.read_bytes()[:100])  # truncated
    with open_store(store_copy, read_only=True) as store:
        assert Forecaster(store).match("Atalanta", "Liverpool", as_of=BERGAMO).as_dict() == first
    folder = cache_folder_of(store_copy).parent
    for entry in folder.rglob("*.npz"):
        entry.unlink()
    for sub in sorted(folder.rglob("*"), reverse=True):
        sub.rmdir()
    folder.rmdir()
    folder.write_text("not a folder")  # the cache cannot be made
    with open_store(store_copy, read_only=True) as store:
        assert Forecaster(store).match("Atalanta", "Liverpool", as_of=BERGAMO).as_dict() == first


def test_other_data_versions_are_dropped_and_the_folder_stays_bounded(store_copy):
    with open_store(store_copy, read_only=True) as store:
        cache = FitCache(store, max_bytes=10_000)
        folder = cache_folder(store)
        assert folder is not None
        folder.mkdir(parents=True)
        stale = folder / "0000000000000000-old.npz"
        stale.write_bytes(b"from before an import")
        for n in range(5):
            cache.save({"n": n}, {"x": np.zeros(500)})  # about 4 kB each
        kept = sorted(p.name for p in folder.glob("*.npz"))
        assert stale.name not in kept and 1 <= len(kept) <= 2
        assert cache.load({"n": 4}) is not None and cache.load({"n": 0}) is None  # the newest stay


@given(
    own=st.floats(-2, 2), opponent=st.floats(-2, 2), matches=st.integers(0, 10**6),
)  # fmt: skip
def test_fitted_records_round_trip(tmp_path_factory, own, opponent, matches):
    with Store.open(tmp_path_factory.mktemp("records") / "s.duckdb") as store:
        cache = FitCache(store)
        effect = RedCardEffect(own, opponent, 0.1, 0.2, matches, 3)
        assert cache.record(RedCardEffect, {"before": BERGAMO}, lambda: effect) == effect
        assert cache.record(RedCardEffect, {"before": BERGAMO}, _never) == effect
        flat = Intensity.flat()
        again = FitCache(store).record(Intensity, {"before": BERGAMO}, lambda: flat)
        read = FitCache(store).record(Intensity, {"before": BERGAMO}, _never)
        assert np.array_equal(read.profile, again.profile) and read.matches == flat.matches


def _never() -> RedCardEffect:
    raise AssertionError("fitted again despite the cache")


def cache_folder_of(path: Path) -> Path:
    return path.with_name(path.name + ".cache") / "fits"
