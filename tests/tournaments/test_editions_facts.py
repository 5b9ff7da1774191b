"""The built-in facts about past tournaments hold against the results they describe.

``editions.csv`` says which team was in which lettered group of each past edition;
``opta.csv`` holds a peer's published pre-tournament probabilities;
``champions-league-groups.csv`` gives the group letters that openfootball's 2023-24 file lacks.
Group facts are checked against the shared results (skipped when the shared data are absent).
"""

import csv
import re
from collections import defaultdict
from pathlib import Path

import pytest

BUILTIN = Path(__file__).resolve().parents[2] / "src" / "remontada" / "tournaments" / "builtin"

GROUPS_IN_FORMAT = {
    "world-cup-32": 8,
    "world-cup-32-1998": 8,
    "world-cup-32-2002": 8,
    "euro-16": 6,
    "euro-24": 6,
    "afcon-24": 6,
    "asian-cup-24": 6,
    "copa-america-16": 4,
    "copa-america-16-2016": 4,
    "gold-cup-16": 4,
    "gold-cup-16-2019": 4,
}
STAGES = ("round_of_16", "quarterfinals", "semifinals", "final", "winner")


def _read(name: str) -> list[dict[str, str]]:
    with (BUILTIN / name).open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _editions() -> dict[str, list[dict[str, str]]]:
    by_edition: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in _read("editions.csv"):
        by_edition[row["edition"]].append(row)
    return dict(by_edition)


EDITIONS = _editions()


def _group_stage_matches(results: Path, rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """The edition's matches from its first date: the first 6 per group are the group stage."""
    tournament, first_date = rows[0]["tournament"], rows[0]["first_date"]
    n_groups = len({row["group"] for row in rows})
    with results.open(newline="", encoding="utf-8") as f:
        matches = [
            m
            for m in csv.DictReader(f)
            if m["tournament"] == tournament and first_date <= m["date"] <= f"{int(first_date[:4]) + 1}-12-31"
        ]
    matches.sort(key=lambda m: m["date"])
    return matches[: 6 * n_groups]


def test_every_edition_has_one_format_tournament_and_first_date():
    assert EDITIONS, "editions.csv is empty"
    for edition, rows in EDITIONS.items():
        for column in ("format", "tournament", "first_date"):
            assert len({row[column] for row in rows}) == 1, (edition, column)
        assert rows[0]["format"] in GROUPS_IN_FORMAT, edition
        assert re.fullmatch(r"\d{4}-\d\d-\d\d", rows[0]["first_date"]), edition


@pytest.mark.parametrize("edition", sorted(EDITIONS))
def test_group_letters_and_sizes(edition):
    rows = EDITIONS[edition]
    teams = [row["team"] for row in rows]
    assert len(teams) == len(set(teams)), f"{edition}: a team is listed twice"
    sizes: dict[str, int] = defaultdict(int)
    for row in rows:
        sizes[row["group"]] += 1
    n = GROUPS_IN_FORMAT[rows[0]["format"]]
    assert sorted(sizes) == [chr(ord("A") + i) for i in range(n)], edition
    assert set(sizes.values()) == {4}, edition


@pytest.mark.parametrize("edition", sorted(EDITIONS))
def test_group_opponents_in_the_results_are_the_group(edition, shared_data):
    rows = EDITIONS[edition]
    group_of = {row["team"]: row["group"] for row in rows}
    matches = _group_stage_matches(shared_data / "international" / "results.csv", rows)
    assert matches and matches[0]["date"] == rows[0]["first_date"], f"{edition}: first match date"
    opponents: dict[str, list[str]] = defaultdict(list)
    for m in matches:
        home, away = m["home_team"], m["away_team"]
        assert home in group_of and away in group_of, f"{edition}: {home} v {away} has a team not in the edition"
        assert group_of[home] == group_of[away], f"{edition}: {home} v {away} crosses groups"
        opponents[home].append(away)
        opponents[away].append(home)
    for team, group in group_of.items():
        mates = sorted(t for t, g in group_of.items() if g == group and t != team)
        assert sorted(opponents[team]) == mates, f"{edition}: {team}'s group-stage opponents"


def test_opta_probabilities_are_probabilities_and_monotone_across_stages():
    rows = _read("opta.csv")
    assert rows
    by_team: dict[tuple[str, str], dict[str, float]] = defaultdict(dict)
    for row in rows:
        assert row["stage"] in STAGES, row
        assert row["source"].startswith("http"), row
        p = float(row["p"])
        assert 0.0 <= p <= 1.0, row
        key = (row["edition"], row["team"])
        assert row["stage"] not in by_team[key], f"{key} {row['stage']} given twice"
        by_team[key][row["stage"]] = p
    for key, by_stage in by_team.items():
        ps = [by_stage[s] for s in STAGES if s in by_stage]
        assert ps == sorted(ps, reverse=True), f"{key}: reaching a later stage is more likely than an earlier one"


def test_opta_winner_probabilities_sum_to_one_within_rounding():
    totals: dict[str, float] = defaultdict(float)
    counts: dict[str, int] = defaultdict(int)
    for row in _read("opta.csv"):
        if row["stage"] == "winner":
            totals[row["edition"]] += float(row["p"])
            counts[row["edition"]] += 1
    for edition, total in totals.items():
        assert total <= 1.0 + 0.005 * counts[edition], edition
        teams = EDITIONS.get(edition)
        if teams and counts[edition] == len(teams):  # every team published: the whole field
            assert abs(total - 1.0) <= 0.005 * counts[edition], edition


def test_opta_teams_are_spelt_as_in_the_editions():
    for row in _read("opta.csv"):
        rows = EDITIONS.get(row["edition"])
        if rows is not None:  # editions after the results (EURO 2024, AFCON 2023) have no groups here
            assert row["team"] in {r["team"] for r in rows}, row


def test_champions_league_2023_24_groups_are_its_group_stage(shared_data):
    rows = _read("champions-league-groups.csv")
    group_of = {row["team"]: row["group"] for row in rows if row["season"] == "2023-24"}
    assert sorted(set(group_of.values())) == list("ABCDEFGH")
    assert len(group_of) == 32
    text = (shared_data / "openfootball" / "2023-24" / "cl.txt").read_text(encoding="utf-8")
    match = re.compile(r"^\s*(?:\d\d\.\d\d\s+)?(.+?\(\w{3}\))\s+v\s+(.+?\(\w{3}\))\s+\d")
    opponents: dict[str, set[str]] = defaultdict(set)
    in_groups = False
    for line in text.splitlines():
        if line.startswith("»"):
            in_groups = line.startswith("» Group")
            continue
        m = match.match(line) if in_groups else None
        if m:
            home, away = m.group(1).strip(), m.group(2).strip()
            assert group_of[home] == group_of[away], f"{home} v {away} crosses groups"
            opponents[home].add(away)
            opponents[away].add(home)
    for team, group in group_of.items():
        assert opponents[team] == {t for t, g in group_of.items() if g == group and t != team}, team
