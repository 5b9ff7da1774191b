"""Fetching the sources online into the store: ``remontada data fetch`` and ``data update``.

A fetch asks each file of a source (:mod:`~remontada.data.fetch.sources`) from its
server (:mod:`~remontada.data.fetch.http`), keeps it in a cache folder beside the
store (``<store>.cache/fetch/<source>/<path>``), and imports it as ``data import``
would, in one transaction (:func:`remontada.data.ingest.import_file`). The ``fetches``
table keeps, per URL, what the server said identifies the version it sent, the digest
of the cached copy, when it was last fetched and last changed, and what its import did;
that row is written in the import's own transaction, so that a file is never recorded
as fetched unless its import is stored too. Hence:

- a file that has not changed is neither downloaded (a conditional request answered
  ``304``) nor imported again; a server that ignores conditional requests sends the
  same bytes, which are recognised by their digest and not imported either;
- a download that fails in any way imports nothing and changes nothing in the store,
  and the cache keeps the previous copy; a cached copy that is not the one recorded
  (a half-written file from an older version, a file edited by hand) is not trusted
  for a conditional request: the whole file is fetched again;
- ``offline`` imports the cached copies without asking any server.

:func:`followed` lists what ``data update`` fetches: every file fetched before whose
season is not over, and the current season of every competition in the store that a
source publishes.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from remontada.data.competitions import season_of
from remontada.data.fetch.http import Download, Downloader, Progress, Validators, sha256_of
from remontada.data.fetch.sources import (
    MAIN_LEAGUES,
    OPENFOOTBALL_FILES,
    SOURCES,
    RemoteFile,
    Source,
    season_finished,
    source_named,
)
from remontada.data.io.footballdata import LEAGUES
from remontada.data.names import AliasBook
from remontada.data.report import ImportReport
from remontada.data.store import Store
from remontada.errors import DataError, FetchError, NotPublishedError

__all__ = ["SOURCES", "FileFetch", "RemoteFile", "cache_dir", "fetch_files", "followed", "source_named"]


@dataclass
class FileFetch:
    """What fetching one file did.

    ``status`` is ``imported`` (a new version, imported), ``unchanged`` (the server
    said so, or sent the same bytes), ``already imported`` (a new version whose bytes
    were imported before from another file), ``not published`` (404: a season not out yet),
    ``offline`` (imported from the cache) or ``failed`` (``error`` says why; nothing
    of it was stored). ``report`` is its import's report, when it was imported.
    """

    source: str
    path: str
    url: str
    status: str
    error: str | None = None
    bytes: int = 0
    report: ImportReport | None = field(default=None)

    def as_dict(self) -> dict[str, object]:
        """The outcome as a plain dict (for ``--json``)."""
        return asdict(self)


def cache_dir(store: Store) -> Path:
    """Where fetched files are kept: ``<store>.cache/fetch`` beside the store file."""
    return store.path.with_name(store.path.name + ".cache") / "fetch"


def changes(report: ImportReport) -> str:
    """What an import changed, in a few words (``data status`` shows it beside the file)."""
    parts = [
        (report.matches_new, "new matches"),
        (report.fixtures_played, "fixtures played"),
        (report.fixtures_new, "new fixtures"),
        (report.fixtures_moved, "fixtures moved"),
        (report.conflicts, "conflicts"),
        (report.rejects, "rejects"),
    ]
    said = ", ".join(f"{n} {what}" for n, what in parts if n)
    return said or f"nothing new ({report.matches_merged} matches already stored)"


def fetch_files(
    store: Store,
    files: Sequence[RemoteFile],
    *,
    base_url: str | None = None,
    offline: bool = False,
    downloader: Downloader | None = None,
    on_file: Callable[[RemoteFile, str], Progress | None] | None = None,
    use_recorded: bool = False,
) -> list[FileFetch]:
    """Fetch and import ``files`` one after the other; return what happened to each.

    Parameters
    ----------
    store
        The store, open for writing.
    files
        What to fetch, in order (goals after their results).
    base_url
        A mirror's root for every source (``--base-url``); default: each source's own.
    offline
        Import the cached copies; ask no server.
    downloader
        The HTTP client (tests pass one with short timeouts); default: a new one.
    on_file
        Called before each file with it and its URL; may return a progress callback.
    use_recorded
        Fetch a file fetched before from the URL it came from (``data update``), unless
        ``base_url`` or the source's environment variable says otherwise.

    A file that fails does not stop the others; a failure of the store itself does.
    """
    own = downloader is None
    client = downloader or Downloader()
    book = AliasBook.shipped()
    outcomes: list[FileFetch] = []
    try:
        for file in files:
            source = source_named(file.source)
            url = _url(store, source, file, base_url, use_recorded)
            failed = {o.path for o in outcomes if o.source == file.source and o.status in ("failed", "not published")}
            if file.after in failed:
                why = f"not fetched: it refers to {file.after}, which could not be fetched"
                outcomes.append(FileFetch(file.source, file.path, url, "failed", why))
                continue
            progress = on_file(file, url) if on_file is not None else None
            outcomes.append(_fetch_one(store, source, file, url, offline, client, book, progress))
    finally:
        if own:
            client.close()
    return outcomes


def _url(store: Store, source: Source, file: RemoteFile, base_url: str | None, use_recorded: bool) -> str:
    """The URL to fetch ``file`` from; with ``use_recorded``, the one it came from last time if nothing overrides it."""
    if use_recorded and base_url is None and not os.environ.get(source.env):
        row = store.one("SELECT url FROM fetches WHERE source = ? AND path = ?", [file.source, file.path])
        if row is not None:
            return str(row[0])
    return source.url(source.base(base_url), file.path)


def _fetch_one(
    store: Store,
    source: Source,
    file: RemoteFile,
    url: str,
    offline: bool,
    client: Downloader,
    book: AliasBook,
    progress: Progress | None,
) -> FileFetch:
    target = cache_dir(store) / source.name / file.path
    record = store.one("SELECT etag, last_modified, sha256 FROM fetches WHERE url = ?", [url])
    outcome = FileFetch(source.name, file.path, url, "imported")
    try:
        if offline:
            if not target.is_file():
                raise FetchError(f"{url}: not in the cache ({target}); fetch it online first")
            got = Download(url, target, True, Validators(*record[:2]) if record else Validators(), sha256_of(target))
            outcome.status = "offline"
        else:
            trusted = record is not None and sha256_of(target) == record[2]
            got = client.get(url, target, Validators(record[0], record[1]) if trusted and record else None, progress)
        outcome.bytes = got.size or (target.stat().st_size if target.is_file() else 0)
        if not got.modified or (record is not None and got.sha256 == record[2] and not offline):
            with store.transaction():
                _record(store, file, url, got, record[2] if record else "", None)
            outcome.status = "unchanged"
            return outcome
        outcome.report = _import(store, file, url, got, book)
        if outcome.report.status != "imported":
            outcome.status = "already imported"  # the same bytes came before, from another file
    except NotPublishedError as exc:
        outcome.status, outcome.error = "not published", str(exc)
    except (FetchError, DataError) as exc:
        outcome.status, outcome.error = "failed", str(exc)
    return outcome


def _import(store: Store, file: RemoteFile, url: str, got: Download, book: AliasBook) -> ImportReport:
    """Import a downloaded file and record its fetch in the same transaction."""
    from remontada.data.ingest import import_file

    digest = got.sha256 or sha256_of(got.path) or ""

    def note(report: ImportReport) -> None:
        _record(store, file, url, got, digest, report)

    report = import_file(store, got.path, book=book, source=url, competition=file.competition, on_commit=note)
    if report.status != "imported":  # the same bytes came before, from another file or URL
        with store.transaction():
            _record(store, file, url, got, digest, None)
    return report


def _record(
    store: Store,
    file: RemoteFile,
    url: str,
    got: Download,
    digest: str,
    report: ImportReport | None,
) -> None:
    """Write the ``fetches`` row of a file, inside the caller's transaction.

    With ``report`` the file changed and was imported; without, it was fetched
    unchanged and keeps when it last changed and what that import did.
    """
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    old = store.one("SELECT changed_at, import_id, outcome FROM fetches WHERE url = ?", [url])
    if report is not None:
        changed_at, import_id, outcome = now, report.import_id, changes(report)
    elif old is not None:
        changed_at, import_id, outcome = old
    else:
        changed_at, import_id, outcome = now, None, "already imported from another file"
    size = got.size or (got.path.stat().st_size if got.path.is_file() else 0)
    store.con.execute(
        "INSERT OR REPLACE INTO fetches VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [url, file.source, file.follows, file.season, file.path, got.validators.etag, got.validators.last_modified,
         digest, size, now, changed_at, import_id, outcome],
    )  # fmt: skip


def followed(store: Store, today: dt.date | None = None, *, fetched_only: bool = False) -> list[RemoteFile]:
    """What ``data update`` fetches, in import order (see the module docstring).

    Every file fetched before whose season is not over (or that grows for ever, like
    ``fixtures.csv``), and for every competition the store holds that a source
    publishes, its current season: a main league's football-data.co.uk file (and
    ``fixtures.csv``), a UEFA club competition's openfootball file, and the
    internationals' files when the store holds internationals. ``fetched_only``
    keeps the files fetched before (``--offline``: only they are in the cache).
    """
    today = today or dt.date.today()
    current = season_of(today)
    held = {str(r[0]) for r in store.con.execute("SELECT DISTINCT competition_id FROM competitions").fetchall()}
    codes = [code for code in MAIN_LEAGUES if LEAGUES[code][0] in held]
    wanted: list[RemoteFile] = []
    if codes:
        wanted += SOURCES["football-data"].files(leagues=[*codes, "fixtures"], seasons=[current])
    for slug in (c for c in OPENFOOTBALL_FILES if c.startswith("uefa-") and c in held):
        wanted += SOURCES["openfootball"].files(competition=slug, seasons=[current])
    if any(c.startswith("int:") for c in held):
        wanted += SOURCES["international"].files()
    files = {(f.source, f.path): f for f in wanted}
    for source, path, follows, season in store.con.execute(
        "SELECT source, path, competition_id, season FROM fetches ORDER BY fetched_at"
    ).fetchall():
        if not season_finished(season, today):
            files.setdefault((source, path), RemoteFile(source, path, None, season, follows))
    if fetched_only:
        known = set(store.con.execute("SELECT source, path FROM fetches").fetchall())
        files = {key: f for key, f in files.items() if key in known}
    late = ("goalscorers.csv", "shootouts.csv")
    return sorted(files.values(), key=lambda f: (list(SOURCES).index(f.source), f.path.endswith(late)))
