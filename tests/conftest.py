import os
from pathlib import Path

import pytest
from hypothesis import settings

settings.register_profile("ci", max_examples=200, deadline=None)
settings.register_profile("dev", max_examples=50, deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


def shared_data_dir() -> Path:
    """The shared data sets: REMONTADA_SHARED_DATA, else ../shared/data beside the checkout."""
    env = os.environ.get("REMONTADA_SHARED_DATA")
    return Path(env) if env else Path(__file__).resolve().parents[2] / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    path = shared_data_dir()
    if not path.is_dir():
        pytest.skip(f"shared data not found at {path}")
    return path


@pytest.fixture(scope="session")
def bundled_db(tmp_path_factory) -> Path:
    """A store built from the bundled data, shared by the tests that only read it."""
    from remontada.bundle import open_store

    path = tmp_path_factory.mktemp("bundled") / "store.duckdb"
    open_store(path).close()
    return path
