"""Fitted models kept on disk beside the store, so a repeated forecast does not fit again.

A forecast fits the match model on every match before its date (0.5-10 s), and a live
or tie forecast also the in-play timing model and the red-card effect; a command run
again on the same store and date would fit exactly the same things. :class:`FitCache`
keeps each fit's learned values as plain arrays (``.npz`` written with
:func:`numpy.savez`, read back with ``allow_pickle=False``: data, never pickles) in
``<store>.cache/fits/`` beside the store file.

Why a folder and not a table in the store: the store can be written by one process
only, and it is opened read-only by ``tie``, ``live``, the web app's workers and
(:mod:`remontada.evaluation.backtest`) while a backtest runs, exactly when fits are made. Files
are written to a temporary name and moved into place (:func:`os.replace`), so readers
never see half a file and concurrent writers of the same fit simply race to the same
content.

An entry is keyed by what the fit depends on: its kind (model name or ``timing`` /
``red_cards``), the settings, the as-of date or number of matches used and pool, and
:func:`data_version`, a digest of every table a fit reads. An import or a team link
changes the digest, so old entries are never read again; they are deleted when the
next fit is saved, and the folder is kept under :data:`CACHE_BYTES` (least recently
used first). An entry that cannot be read (truncated, corrupt, another layout) is
ignored and refitted; a folder that cannot be written leaves the cache off.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from remontada.data.store import Store
from remontada.models import MatchModel
from remontada.models.base import Params

__all__ = ["CACHE_BYTES", "VERSION_TABLES", "FitCache", "cache_folder", "data_version"]

CACHE_BYTES = 512 * 2**20
"""Most bytes the fits folder keeps (an Elo fit on all club matches is about 14 MB, a Dixon-Coles fit 50 kB)."""
VERSION_TABLES = ("matches", "goals", "shootouts", "teams", "team_aliases", "competitions", "ties", "tie_legs", "odds")
"""The tables whose content :func:`data_version` digests: everything a fit, or a cached rate, reads."""
_KEY = "__key__"

M = TypeVar("M", bound=MatchModel)
R = TypeVar("R")


def data_version(store: Store) -> str:
    """A digest of the store's content that any import, link or edit of what fits read changes.

    Each table of :data:`VERSION_TABLES` contributes its row count and the XOR of its
    rows' hashes (DuckDB's ``hash`` of the whole row), so the digest does not depend
    on the order rows are stored in; about 50 ms on the bundled store (300,000 matches).
    """
    parts = ", ".join(f"(SELECT [count(*), bit_xor(hash(t))] FROM {table} t)" for table in VERSION_TABLES)
    row = store.one(f"SELECT {parts}")
    return hashlib.sha256(repr(row).encode()).hexdigest()[:16]


def cache_folder(store: Store) -> Path | None:
    """Where the store's fits are kept: ``<store file>.cache/fits``; ``None`` for an in-memory store."""
    if str(store.path) == ":memory:":
        return None
    return store.path.with_name(store.path.name + ".cache") / "fits"


class FitCache:
    """Fits of one store, read from and saved to :func:`cache_folder` (see the module docstring).

    ``enabled=False`` reads and saves nothing: every fit is made afresh (benchmarks).
    """

    def __init__(self, store: Store, *, max_bytes: int = CACHE_BYTES, enabled: bool = True) -> None:
        self.store = store
        self.folder = cache_folder(store) if enabled else None
        self.max_bytes = max_bytes
        self._version: str | None = None

    @property
    def version(self) -> str:
        """The store's :func:`data_version`, worked out once (an open store does not change under a reader)."""
        if self._version is None:
            self._version = data_version(self.store)
        return self._version

    def model(self, cls: type[M], settings: dict[str, Any], key: dict[str, Any], fit: Callable[[], M]) -> M:
        """The model of class ``cls`` with ``settings`` fitted as ``key`` says: from the cache, else ``fit()``."""
        full = {"kind": cls.name, "settings": settings, **key}
        params = self.load(full)
        if params is not None:
            try:
                return cls.from_params(settings, params)
            except (KeyError, ValueError, TypeError):
                pass  # an entry of another layout: fit again
        model = fit()
        self.save(full, model.to_params())
        return model

    def record(self, cls: type[R], key: dict[str, Any], fit: Callable[[], R]) -> R:
        """A fitted dataclass of arrays and numbers (an in-play model, a red-card effect): cached, else ``fit()``."""
        full = {"kind": cls.__name__, **key}
        params = self.load(full)
        if params is not None:
            try:
                values = {f.name: params[f.name] for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
                return cls(**{k: v.item() if v.ndim == 0 else v for k, v in values.items()})
            except (KeyError, ValueError, TypeError):
                pass
        value = fit()
        self.save(full, {f.name: np.asarray(getattr(value, f.name)) for f in dataclasses.fields(value)})  # type: ignore[arg-type]
        return value

    def load(self, key: dict[str, Any]) -> Params | None:
        """The arrays saved under ``key`` for this data version, or ``None`` (absent or unreadable)."""
        path, text = self._path(key)
        if path is None or not path.is_file():
            return None
        try:
            with np.load(path, allow_pickle=False) as npz:
                params = {name: npz[name] for name in npz.files}
            if str(params.pop(_KEY)) != text:
                return None
            os.utime(path)  # recently used: evicted last
            return params
        except Exception:  # noqa: BLE001 - any unreadable entry (truncated, corrupt, foreign) is only a miss
            return None

    def save(self, key: dict[str, Any], params: Params) -> None:
        """Keep ``params`` under ``key``, written atomically; a folder that cannot be written is skipped."""
        path, text = self._path(key)
        if path is None:
            return
        partial: Path | None = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".tmp", delete=False) as handle:
                partial = Path(handle.name)
                arrays = {**params, _KEY: np.array(text)}
                np.savez(handle, allow_pickle=False, **arrays)
            partial.chmod(0o644)  # readable by the web app's workers, as the store is
            os.replace(partial, path)
            self._prune()
        except OSError:
            if partial is not None:
                with contextlib.suppress(OSError):
                    partial.unlink(missing_ok=True)

    def _path(self, key: dict[str, Any]) -> tuple[Path | None, str]:
        text = json.dumps({"data": self.version, **key}, sort_keys=True, default=str)
        if self.folder is None:
            return None, text
        digest = hashlib.sha256(text.encode()).hexdigest()[:32]
        return self.folder / f"{self.version}-{digest}.npz", text

    def _prune(self) -> None:
        """Delete other data versions' entries, then the least recently used until under ``max_bytes``."""
        assert self.folder is not None
        entries = []
        for path in self.folder.glob("*.npz"):
            try:
                stat = path.stat()
                if not path.name.startswith(self.version + "-"):
                    path.unlink()
                    continue
                entries.append((stat.st_mtime, stat.st_size, path))
            except OSError:
                continue  # another process pruned it first
        total = sum(size for _, size, _ in entries)
        for _, size, path in sorted(entries):
            if total <= self.max_bytes:
                break
            path.unlink(missing_ok=True)
            total -= size
