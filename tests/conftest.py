import os
from pathlib import Path

import pytest
from hypothesis import settings

settings.register_profile("ci", max_examples=200, deadline=None, derandomize=True)  # CI: the same examples every run
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
    from remontada.data.bundle import open_store

    path = tmp_path_factory.mktemp("bundled") / "store.duckdb"
    open_store(path).close()
    return path


EVIL_NAMES = (
    'Evil <img src=x onerror="window.__xss=1">',
    "</script><script>window.__xss=2</script> \"Quoted\" 'Town'",
)
"""Team names that are markup: a page must show them as text and never run them."""


@pytest.fixture(scope="session")
def evil_db(tmp_path_factory) -> Path:
    """A small store, imported from a football-data CSV, whose teams include :data:`EVIL_NAMES` (fits in no time)."""
    import csv
    import datetime as dt

    from remontada.data.bundle import open_store
    from remontada.data.ingest import import_file

    folder = tmp_path_factory.mktemp("evil")
    teams = [*EVIL_NAMES, "Plain Rovers", "Other United"]
    source = folder / "E0.csv"
    with source.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["Div", "Date", "HomeTeam", "AwayTeam", "FTHG", "FTAG"])
        day = dt.date(2023, 8, 12)
        for week in range(6):
            for i, home in enumerate(teams):
                for j, away in enumerate(teams):
                    if i != j and (i + j + week) % 3 == 0:
                        writer.writerow(["E0", day.strftime("%d/%m/%Y"), home, away, (i + week) % 3, (j + week) % 2])
            day += dt.timedelta(days=7)
    path = folder / "evil.duckdb"
    with open_store(path, empty=True) as store:
        import_file(store, source)
    return path
