"""``remontada tournament`` as a user runs it: the table, the JSON, the CSV and the lines under the table."""

import json

from typer.testing import CliRunner

from remontada.app.cli import app

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
