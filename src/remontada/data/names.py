"""Team names: how the same club is recognised whatever a source calls it.

``Liverpool FC (ENG)``, ``Liverpool`` and ``liverpool`` are one club; ``Sp Lisbon``
and ``Sporting CP (POR)`` are one club too, but no spelling rule can tell — that
needs the shipped alias file (``data/aliases.csv``) or evidence from overlapping
matches, which the importer gathers. This module holds the pure parts:

* :func:`split_country_tag` separates openfootball's ``(ENG)`` tag from the name;
* :func:`name_key` reduces a name to a comparison key: accents folded, case and
  punctuation dropped, and the club-form affixes (``FC``, ``AC``, ``CF``, ``SSC``,
  ``1.``, ``de``) removed, so ``Club Atlético de Madrid`` and ``Atletico Madrid`` meet;
* :func:`candidates` ranks existing keys by similarity, for listing what could not
  be resolved with confidence (never for merging).

Country is part of a club's identity (there are Barcelonas in Spain and in
Ecuador), so keys are always compared within a country when it is known.
"""

from __future__ import annotations

import csv
import difflib
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources

from unidecode import unidecode

__all__ = ["AliasBook", "TeamRef", "candidates", "is_abbreviation", "name_key", "split_country_tag"]

_AFFIXES = frozenset(
    "fc cf afc ac as sc ssc cd ud sd rc rcd fk sk bk nk if ik sv club calcio de del la futbol football "
    "sad cp sl vfb vfl tsv kv kaa krc rsc".split()
)
"""Tokens that mark a club's legal or sporting form rather than its identity."""

_TAG = re.compile(r"^(?P<name>.*?)\s*\((?P<country>[A-Z]{3})\)\s*$")


@dataclass(frozen=True)
class TeamRef:
    """A team as a source names it: kind (``club``/``national``), name, country."""

    kind: str
    name: str
    country: str | None

    @property
    def key(self) -> str:
        """The comparison key of the name."""
        return name_key(self.name)


def split_country_tag(name: str) -> tuple[str, str | None]:
    """``"Liverpool FC (ENG)"`` -> ``("Liverpool FC", "ENG")``; untagged names unchanged."""
    m = _TAG.match(name)
    if m:
        return m.group("name").strip(), m.group("country")
    return name.strip(), None


@functools.lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """Reduce a team name to the key spellings of one club share.

    >>> name_key("Club Atlético de Madrid") == name_key("Atletico Madrid")
    True
    >>> name_key("1. FC Köln"), name_key("Nott'm Forest")
    ('koln', 'nottm forest')
    """
    text = unidecode(name).lower().replace("&", " and ")
    text = re.sub(r"[’'`.]", "", text)
    tokens = [t for t in re.split(r"[^a-z0-9]+", text) if t]
    kept = [t for t in tokens if t not in _AFFIXES and not t.isdigit()]
    if not kept:  # a name made only of affixes or numbers ("AS", "1860")
        kept = tokens
    return " ".join(kept)


def is_abbreviation(short: str, long: str) -> bool:
    """Whether key ``short`` abbreviates key ``long`` word by word.

    ``man city`` abbreviates ``manchester city`` and ``west brom`` abbreviates
    ``west bromwich albion``: each word of the short form begins the matching word of
    the long form (the long form may have more words).
    """
    s, lg = short.split(), long.split()
    return 0 < len(s) <= len(lg) and s != lg and all(b.startswith(a) for a, b in zip(s, lg, strict=False))


def candidates(key: str, pool: Iterable[str], limit: int = 3) -> list[str]:
    """Keys in ``pool`` that could be the same team as ``key``, best first.

    A word-by-word abbreviation either way, or one key being a whole word of the
    other, counts as a strong candidate; otherwise keys whose similarity ratio is at
    least 0.85 (a misspelling, a dropped letter).
    """
    scored: list[tuple[float, str]] = []
    matcher = difflib.SequenceMatcher(b=key, autojunk=False)
    words = set(key.split())
    for other in pool:
        if other == key:
            continue
        if is_abbreviation(key, other) or is_abbreviation(other, key):
            scored.append((1.0, other))
            continue
        if len(key) >= 4 and (key in other.split() or other in words):
            scored.append((0.85, other))
            continue
        matcher.set_seq1(other)
        if matcher.real_quick_ratio() >= 0.85 and matcher.quick_ratio() >= 0.85 and matcher.ratio() >= 0.85:
            scored.append((matcher.ratio(), other))
    scored.sort(key=lambda pair: (-pair[0], pair[1]))
    return [other for _, other in scored[:limit]]


class AliasBook:
    """The shipped alias file: other spellings of a team, mapped to one name.

    Each row of ``data/aliases.csv`` says that ``alias`` (as a source spells it, in
    ``alias_country``) is the team called ``name`` in ``country``. It exists for the
    links no spelling rule and no overlapping matches can make (``Sp Lisbon`` is
    Sporting CP; ``Man City`` is Manchester City, whose league matches no other
    bundled source carries).
    """

    def __init__(self, rows: Iterable[dict[str, str]]) -> None:
        self._map: dict[tuple[str, str | None, str], TeamRef] = {}
        for row in rows:
            kind = row["kind"]
            target = TeamRef(kind, row["name"], row["country"] or None)
            self._map[(kind, row["alias_country"] or None, name_key(row["alias"]))] = target

    @classmethod
    def shipped(cls) -> AliasBook:
        """The alias file that ships with the package."""
        text = resources.files("remontada").joinpath("data/aliases.csv").read_text(encoding="utf-8")
        lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
        return cls(csv.DictReader(lines))

    def canonical(self, ref: TeamRef) -> TeamRef:
        """The team ``ref`` is another name for, or ``ref`` itself."""
        return self._map.get((ref.kind, ref.country, ref.key), ref)

    def __len__(self) -> int:
        return len(self._map)
