"""Every error remontada raises on purpose, in one tree.

The command line and the web app translate these into messages; library callers
catch the branch they care about::

    RemontadaError
    ├── DataError               input data is wrong (a file, a row, a name)
    │   ├── UnknownFormatError  a file none of the importers recognises
    │   ├── UnknownTeamError    a team name the store cannot resolve
    │   │   └── AmbiguousTeamError  a name several teams go by
    │   └── BatchError          bad rows in a batch file, all of them listed
    ├── StoreError              the match store cannot be used
    │   ├── StoreBusyError      another process holds the store's write lock
    │   └── SchemaError         the store was written by an incompatible version
    ├── SchedulerError          the scheduler asked for is unknown or cannot be reached
    └── FetchError              a file online could not be fetched (network, server, not the file expected)
        └── NotPublishedError   the server has no such file (404): a season not published yet
"""

from __future__ import annotations


class RemontadaError(Exception):
    """Base class of every error remontada raises deliberately."""


class DataError(RemontadaError):
    """Input data is wrong: a file, a row, a name or a value."""


class UnknownFormatError(DataError):
    """A file that no importer recognises."""


class UnknownTeamError(DataError):
    """A team name that cannot be resolved; carries the closest known names."""

    def __init__(self, name: str, suggestions: list[str]) -> None:
        self.name = name
        self.suggestions = suggestions
        hint = f"; closest known: {', '.join(suggestions)}" if suggestions else ""
        super().__init__(f"unknown team {name!r}{hint}")


class BatchError(DataError):
    """A batch file with bad rows; ``problems`` lists ``(row number, message)`` for every one."""

    def __init__(self, path: str, problems: list[tuple[int, str]]) -> None:
        self.problems = problems
        lines = "\n".join(f"  row {row}: {message}" for row, message in problems[:50])
        more = f"\n  … and {len(problems) - 50} more" if len(problems) > 50 else ""
        super().__init__(
            f"{path}: {len(problems)} bad row(s), nothing written (use --keep-going to skip them):\n{lines}{more}"
        )


class AmbiguousTeamError(UnknownTeamError):
    """A name several teams go by; ``suggestions`` lists them, with countries."""

    def __init__(self, name: str, suggestions: list[str]) -> None:
        super().__init__(name, suggestions)
        self.args = (f"{name!r} could be any of: {', '.join(suggestions)} (add a country, e.g. 'Name (ENG)')",)

    def __str__(self) -> str:
        return str(self.args[0])


class StoreError(RemontadaError):
    """The match store cannot be used."""


class StoreBusyError(StoreError):
    """Another process is writing to the store."""


class SchemaError(StoreError):
    """The store's schema is newer than this version of remontada understands."""


class SchedulerError(RemontadaError):
    """The scheduler asked for (``--scheduler``, ``REMONTADA_SCHEDULER``) is unknown or cannot be reached."""


class FetchError(RemontadaError):
    """A file online could not be fetched: no connection, no answer, a server error, a broken or wrong body."""


class NotPublishedError(FetchError):
    """The server has no such file (404 or 410): typically a season not published yet."""
