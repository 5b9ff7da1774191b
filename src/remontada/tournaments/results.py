"""What a tournament forecast says: each team's chance of each stage, with its Monte Carlo error.

Every probability is a share of simulations, so it carries a standard error
``sqrt(p (1 - p) / sims)``, reported beside it. Leagues add the whole distribution of
final positions, expected points and the zones; knockouts add the likeliest opponents
in each round ("if Liverpool go through: Marseille 48%"); and the upcoming matches are
ranked by how far their result moves a team's chance of its next stage.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from remontada.tournaments.simulate import Counts

__all__ = ["MatchImportance", "TournamentForecast"]

Floats = NDArray[np.float64]


@dataclass(frozen=True)
class MatchImportance:
    """How much one upcoming match matters: each side's chance of ``stage`` by its result."""

    date: dt.date | None
    home: str
    away: str
    stage: str
    home_p: tuple[float, float, float]  # the home side's P(stage) if it wins, draws, loses
    away_p: tuple[float, float, float]  # the away side's, same order (home win, draw, away win)
    p_result: tuple[float, float, float]

    @property
    def swing(self) -> float:
        """The largest change of either side's chance between the match's best and worst result."""
        return max(max(self.home_p) - min(self.home_p), max(self.away_p) - min(self.away_p))

    def as_dict(self) -> dict[str, Any]:
        """Plain values for JSON."""
        return {
            "date": self.date.isoformat() if self.date else None, "home": self.home, "away": self.away,
            "stage": self.stage, "swing": round(self.swing, 4),
            "home_p": dict(zip(("win", "draw", "loss"), self.home_p, strict=True)),
            "away_p": dict(zip(("win", "draw", "loss"), reversed(self.away_p), strict=True)),
            "p_result": dict(zip(("home", "draw", "away"), self.p_result, strict=True)),
        }  # fmt: skip


@dataclass(frozen=True)
class TournamentForecast:
    """Each team's chance of each stage of a competition, as of a date."""

    format: str
    title: str
    as_of: dt.date
    sims: int
    seed: int
    model: str
    teams: tuple[str, ...]
    stages: tuple[str, ...]
    counts: Counts = field(repr=False)
    rounds: tuple[str, ...] = ()
    league: bool = False
    zones: tuple[tuple[str, int, int], ...] = ()
    lots_stand_for: str = ""
    conditions: tuple[str, ...] = ()
    importance: tuple[MatchImportance, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def p(self) -> Floats:
        """``p[team, stage]``: P(the team reaches the stage)."""
        out: Floats = self.counts.reached / self.sims
        return out

    @property
    def se(self) -> Floats:
        """The Monte Carlo standard error of each of :attr:`p`."""
        out: Floats = np.sqrt(self.p * (1 - self.p) / self.sims)
        return out

    @property
    def positions(self) -> Floats:
        """``positions[team, k]``: P(the team finishes ``k + 1``-th of its table)."""
        out: Floats = self.counts.positions / self.sims
        return out

    @property
    def expected_points(self) -> Floats:
        """Each team's expected points at the end of its table."""
        out: Floats = self.counts.points / self.sims
        return out

    @property
    def lots_share(self) -> float:
        """The share of simulations in which a drawing of lots had to separate teams."""
        return self.counts.lots / self.sims

    def zone(self, name: str) -> Floats:
        """P(each team finishes in a zone of the league table)."""
        for zone, first, last in self.zones:
            if zone == name:
                out: Floats = self.positions[:, first - 1 : last].sum(1)
                return out
        raise KeyError(name)

    def index(self, team: str) -> int:
        """A team's index, by its name as given (case and accents ignored)."""
        folded = {t.casefold(): i for i, t in enumerate(self.teams)}
        if team.casefold() not in folded:
            raise KeyError(f"{team!r} is not in this competition; its teams: {', '.join(self.teams)}")
        return folded[team.casefold()]

    def opponents(self, team: str, stage: str | None = None, top: int = 5) -> list[tuple[str, float]]:
        """The likeliest opponents of ``team`` in a round, given that it gets there.

        ``stage`` names the round (default: the first round it may still play); the
        shares are of the simulations in which the team plays that round.
        """
        i = self.index(team)
        rounds = list(self.rounds)
        if stage is None:
            left = [r for r, s in enumerate(rounds) if self.counts.reached[i, self.stages.index(s)] > 0]
            if not left:
                return []
            r = left[0]
            reach = self.counts.reached[i, self.stages.index(rounds[r])]
            if reach == self.sims and len(left) > 1 and self.counts.opponents[r, i].max() == self.sims:
                r = left[1]  # the round under way is settled: the question is the next one
        else:
            if stage not in rounds:
                raise KeyError(f"{stage!r} is not a knockout round here; rounds: {', '.join(rounds)}")
            r = rounds.index(stage)
        met = self.counts.opponents[r, i]
        total = met.sum()
        if total == 0:
            return []
        order = np.argsort(-met, kind="stable")[:top]
        return [(self.teams[j], float(met[j] / total)) for j in order if met[j] > 0]

    def table(self) -> pd.DataFrame:
        """One row per team: P and its error for each stage (and positions, points, zones in a league)."""
        out = pd.DataFrame({"team": list(self.teams)})
        for k, stage in enumerate(self.stages):
            out[stage] = self.p[:, k]
        for k, stage in enumerate(self.stages):
            out[f"{stage}_se"] = self.se[:, k]
        if self.league:
            out["expected_points"] = self.expected_points
            for name, _, _ in self.zones:
                out[name] = self.zone(name)
            for k in range(self.positions.shape[1]):
                out[f"position_{k + 1}"] = self.positions[:, k]
        key = list(reversed(self.stages)) + (["expected_points"] if self.league else [])
        return out.sort_values(key, ascending=False, kind="stable").reset_index(drop=True)

    def as_dict(self) -> dict[str, Any]:
        """The DESIGN.md JSON: ``{format, as_of, sims, teams: [{team, p: {stage: P}}]}`` and more."""
        teams = []
        for _, row in self.table().iterrows():
            entry: dict[str, Any] = {
                "team": row["team"],
                "p": {s: float(row[s]) for s in self.stages},
                "se": {s: float(row[f"{s}_se"]) for s in self.stages},
            }
            if self.league:
                k = self.positions.shape[1]
                entry["positions"] = [float(row[f"position_{i + 1}"]) for i in range(k)]
                entry["expected_points"] = float(row["expected_points"])
                entry["zones"] = {name: float(row[name]) for name, _, _ in self.zones}
            teams.append(entry)
        return {
            "format": self.format, "title": self.title, "as_of": self.as_of.isoformat(), "sims": self.sims,
            "seed": self.seed, "model": self.model, "stages": list(self.stages), "conditions": list(self.conditions),
            "lots": {"share": self.lots_share, "stand_for": self.lots_stand_for},
            "teams": teams, "importance": [m.as_dict() for m in self.importance], "warnings": list(self.warnings),
        }  # fmt: skip
