"""What importing one file did: :class:`ImportReport`, shared by the import and the fetch of files."""

from __future__ import annotations

from dataclasses import asdict, dataclass

__all__ = ["ImportReport"]


@dataclass
class ImportReport:
    """What importing one file did.

    ``status`` is ``imported``, ``already imported (as PATH)`` (the same bytes were
    imported before: nothing changed) or ``failed``, with the reason in ``error``.
    ``fixtures_new``/``fixtures_moved`` count the file's fixtures stored or re-dated;
    ``fixtures_played`` the stored fixtures its results replaced; ``import_id`` names
    the import in the store (``imports``), when it stored anything.
    """

    path: str
    format: str
    status: str = "imported"
    error: str | None = None
    rows: int = 0
    matches_new: int = 0
    matches_merged: int = 0
    ties_new: int = 0
    goals: int = 0
    shootouts: int = 0
    odds: int = 0
    teams_new: int = 0
    rejects: int = 0
    conflicts: int = 0
    unresolved: int = 0
    fixtures_new: int = 0
    fixtures_moved: int = 0
    fixtures_played: int = 0
    import_id: int | None = None

    def as_dict(self) -> dict[str, object]:
        """The report as a plain dict (for ``--json``)."""
        return asdict(self)
