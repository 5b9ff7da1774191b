"""What the accuracy benchmarks key their caches on: the code a forecast runs through and the data it reads."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import remontada
from remontada.data.bundle import bundle_dir


def code_digest(salt: str, packages: tuple[str, ...]) -> Any:
    """A SHA-256 of ``salt``, every module of remontada's ``packages`` and the bundle's manifest.

    Whole packages, not a list of files: a module moved or added in them changes the key
    (a list of file names went stale once, and its benchmark failed to start).
    """
    digest = hashlib.sha256(salt.encode())
    package = Path(remontada.__file__).parent
    for path in sorted(p for folder in packages for p in (package / folder).rglob("*.py")):
        digest.update(str(path.relative_to(package)).encode() + path.read_bytes())
    digest.update((bundle_dir() / "manifest.json").read_bytes())
    return digest
