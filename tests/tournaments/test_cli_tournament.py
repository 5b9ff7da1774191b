"""``remontada tournament`` as a user runs it: the table, the JSON, the CSV and the lines under the table."""

import json

from typer.testing import CliRunner

from remontada.app.cli import app
from remontada.errors import DataError

runner = CliRunner()
EL = ["tournament", "--competition", "uefa-el", "--season", "2023-24", "--as-of", "2024-04-18", "--sims", "5000"]


def run(*args):
    result = runner.invoke(app, [str(a) for a in args], catch_exceptions=False, env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return result.output


def test_the_europa_league_table_json_and_csv(bundled_db, tmp_path):
    table = run(*EL, "--db", bundled_db, "--out", tmp_path / "el.csv")
    assert "Liverpool" in table and "if Atalanta go through, next: SL Benfica" in table
    data = json.loads(run(*EL, "--db", bundled_db, "--json", "--if", "Liverpool beat Atalanta"))
    assert data["conditions"] == ["Liverpool beat Atalanta"] and data["sims"] == 5000
    liverpool = next(t for t in data["teams"] if t["team"] == "Liverpool")
    assert liverpool["p"]["semifinals"] == 1 and set(liverpool["se"]) == set(data["stages"])
    assert (tmp_path / "el.csv").read_text().startswith("team,quarterfinals,semifinals,final,winner")


def test_a_league_names_the_side_a_match_matters_to(bundled_db):
    table = run("tournament", "--competition", "eng-1", "--season", "2023-24", "--as-of", "2024-03-01", "--sims",
                "5000", "--db", bundled_db)  # fmt: skip
    lines = [line for line in table.splitlines() if "(win / draw / lose)" in line]
    assert lines  # the title race: each line names the side whose chance moves, never a side with none
    assert all("– / – / –" not in line for line in lines)


def test_formats_are_listed():
    assert "world-cup-48" in run("tournament", "formats")


def test_a_past_world_cup_from_the_store(bundled_db):
    table = run("tournament", "--competition", "FIFA World Cup", "--season", "2022", "--as-of", "2022-12-03",
                "--sims", "2000", "--db", bundled_db)  # fmt: skip
    assert "FIFA World Cup, 32 teams" in table and "Argentina" in table


def test_a_group_stage_the_store_cannot_name_takes_a_format(bundled_db):
    args = ["tournament", "--competition", "uefa-el", "--season", "2022-23", "--as-of", "2022-09-08", "--sims", "500"]
    refused = runner.invoke(app, [*args, "--db", bundled_db], env={"COLUMNS": "200"})
    assert isinstance(refused.exception, DataError)  # main() prints it as one line
    assert "no built-in format describes its group stage" in str(refused.exception)
    chosen = run(*args, "--format", "uefa-group-stage", "--db", bundled_db)
    assert "UEFA Champions League, 8 groups of 4" in chosen


def test_fixtures_need_a_format(tmp_path):
    rows = tmp_path / "f.csv"
    rows.write_text("date,home,away\n2024-06-14,Germany,Scotland\n")
    result = runner.invoke(app, ["tournament", "--fixtures", str(rows)], env={"COLUMNS": "200"})
    assert result.exit_code == 2 and "give --format and --fixtures" in result.output
