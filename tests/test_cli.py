import datetime as dt
import json
from pathlib import Path

from typer.testing import CliRunner

from remontada.app.cli import app

DATA = Path(__file__).parent / "data"
runner = CliRunner()


def run(*args):
    result = runner.invoke(app, [str(a) for a in args], catch_exceptions=False)
    return result


def test_import_status_and_ties_as_json(tmp_path):
    db = tmp_path / "s.duckdb"
    result = run(
        "data", "import", DATA / "openfootball/el-2023-24.txt", DATA / "overlap", "--db", db, "--empty", "--json"
    )
    assert result.exit_code == 0, result.output
    files = json.loads(result.output)["files"]
    assert {Path(f["path"]).name for f in files} == {"el-2023-24.txt", "italy-2019.csv", "season-1920.csv"}
    status = json.loads(run("data", "status", "--db", db, "--json").output)
    assert status["totals"]["matches"] == sum(r["matches"] for r in status["competitions"])
    ties = json.loads(
        run("data", "ties", "--team", "Atalanta", "--round", "Quarterfinals", "--db", db, "--json").output
    )
    assert [(t["agg_a"], t["agg_b"], t["winner"]) for t in ties] == [(1, 3, "Atalanta")]
    conflicts = json.loads(run("data", "conflicts", "--db", db, "--json").output)
    assert len(conflicts) == 1


def test_rejects_and_unresolved(tmp_path):
    db = tmp_path / "s.duckdb"
    run("data", "import", DATA / "engsoccerdata/broken_italy.csv", "--db", db, "--empty")
    rejects = json.loads(run("data", "rejects", "--db", db, "--json").output)
    assert rejects and all(r["reason"] and r["line"] for r in rejects)
    table = run("data", "rejects", "--db", db)
    assert table.exit_code == 0 and "rejected rows" in table.output
    assert json.loads(run("data", "unresolved", "--db", db, "--json").output) == []


def test_export_and_reload(tmp_path):
    db = tmp_path / "s.duckdb"
    run("data", "import", DATA / "overlap/italy-2019.csv", "--db", db, "--empty")
    exported = json.loads(run("data", "export", "--parquet", tmp_path / "out", "--db", db, "--json").output)
    assert exported["rows"]["matches"] == 30
    loaded = run("data", "import", tmp_path / "out", "--db", tmp_path / "copy.duckdb", "--json")
    assert json.loads(loaded.output)["exports_loaded"][str(tmp_path / "out")]["matches"] == 30


def test_unknown_format_is_a_clear_error(tmp_path):
    odd = tmp_path / "notes.txt"
    odd.write_text("nothing to see\n")
    result = runner.invoke(app, ["data", "import", str(odd), "--db", str(tmp_path / "s.duckdb"), "--empty"])
    assert result.exit_code != 0
    assert "not in a format remontada recognises" in str(result.exception)


def test_main_turns_library_errors_into_one_line(tmp_path, monkeypatch, capsys):
    import sys

    import pytest

    from remontada.app import cli

    odd = tmp_path / "notes.txt"
    odd.write_text("nothing to see\n")
    monkeypatch.setattr(sys, "argv", ["remontada", "data", "import", str(odd), "--db", str(tmp_path / "s.duckdb")])
    with pytest.raises(SystemExit) as exit_info:
        cli.main()
    assert exit_info.value.code == 1
    assert "error:" in capsys.readouterr().err


def test_demo_on_a_fresh_path_builds_the_store_from_the_bundle(tmp_path):
    result = run("demo", "--db", tmp_path / "fresh.duckdb")
    assert result.exit_code == 0, result.output
    assert "Liverpool 0-3 Atalanta" in result.output
    assert "what happened: Atalanta 0-1 Liverpool; Atalanta through (aggregate)" in result.output
    payload = json.loads(run("demo", "--db", tmp_path / "fresh.duckdb", "--json").output)
    assert payload["tie"]["leg1"] == {"a": 0, "b": 3} and 0 < payload["tie"]["p_a"] < 0.2
    assert "Liverpool 4-0 Barcelona" in [c["leg2"] for c in payload["comebacks_from_three_down"]]
    liverpool = payload["bergamo"]["values"]["away"]
    assert liverpool[7] > liverpool[6] and liverpool[90] == 0.0 and "7th minute" in result.output


def test_unknown_team_suggests_close_names(tmp_path):
    import pytest

    from remontada import open_store
    from remontada.data import queries
    from remontada.errors import UnknownTeamError

    with open_store(tmp_path / "s.duckdb", empty=True) as store:
        from remontada.data.ingest import import_file

        import_file(store, DATA / "openfootball/el-2023-24.txt")
        with pytest.raises(UnknownTeamError) as err:
            queries.find_team(store, "Liverpol")
    assert err.value.suggestions == ["Liverpool FC"]


def test_match_forecast_as_json(bundled_db):
    result = run("match", "Atalanta", "Liverpool", "--as-of", "2024-04-18", "--db", bundled_db, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["home"], data["away"], data["as_of"]) == ("Atalanta", "Liverpool", "2024-04-18")
    assert abs(data["p_home"] + data["p_draw"] + data["p_away"] - 1) < 1e-9
    assert data["xg_home"] > 0 and data["xg_away"] > 0 and not data["prior_only"]
    card = run("match", "Atalanta", "Liverpool", "--as-of", "2024-04-18", "--db", bundled_db)
    assert "Atalanta v Liverpool" in card.output and "likeliest" in card.output


def test_match_batch_keeps_columns_and_forecasts_each_row_before_its_date(bundled_db, tmp_path):
    batch = tmp_path / "in.csv"
    batch.write_text(
        "date,home,away,note\n2024-04-18,Atalanta,Liverpool,return leg\n2024-04-11,Liverpool,Atalanta,first\n"
    )
    result = run("match", "--batch", batch, "--out", tmp_path / "out.csv", "--db", bundled_db)
    assert result.exit_code == 0, result.output
    import pandas as pd

    out = pd.read_csv(tmp_path / "out.csv")
    assert out.columns.tolist()[:4] == ["date", "home", "away", "note"]
    assert {"p_home", "p_draw", "p_away", "xg_home", "xg_away"} <= set(out.columns)
    assert (out[["p_home", "p_draw", "p_away"]].sum(axis=1) - 1).abs().max() < 1e-5


def test_match_batch_reports_every_bad_row_and_writes_nothing(bundled_db, tmp_path):
    batch = tmp_path / "in.csv"
    batch.write_text(
        "date,home,away\n2024-04-18,Atalanta,Liverpool\n18/04/2024,Atalanta,Liverpool\n2024-04-18,Nowhere,Roma\n"
    )
    out = tmp_path / "out.csv"
    result = runner.invoke(app, ["match", "--batch", str(batch), "--out", str(out), "--db", str(bundled_db)])
    assert result.exit_code != 0
    message = str(result.exception)
    assert "row 3" in message and "row 4" in message and "Nowhere" in message
    assert not out.exists()


def test_ratings_for_a_competition(bundled_db):
    result = run(
        "ratings", "--as-of", "2024-04-18", "--competition", "Serie A", "--top", "5", "--db", bundled_db, "--json"
    )
    assert result.exit_code == 0, result.output
    table = json.loads(result.output)["ratings"]
    assert len(table) == 5 and all(r["country"] == "ITA" for r in table)


def test_data_link(tmp_path):
    db = tmp_path / "s.duckdb"
    run("data", "import", DATA / "overlap/italy-2019.csv", DATA / "link", "--db", db, "--empty")
    result = run("data", "link", "Verona (ITA)", "Hellas Verona", "--db", db, "--json", "--yes")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["matches_merged"] == 1


def test_a_name_shared_by_a_club_and_a_country(bundled_db):
    from remontada import open_store
    from remontada.data import queries
    from remontada.models.forecast import Forecaster

    with open_store(bundled_db, read_only=True) as store:
        club = queries.find_team(store, "AS Monaco")  # spelt exactly as the club
        assert queries.find_team(store, "AS Monaco (FRA)") == club
        national = queries.find_team(store, "Monaco", kind="national")
        assert national != club
        # against a club, "Monaco" is read as the club
        assert Forecaster(store).match("Monaco", "Liverpool", as_of=dt.date(2024, 4, 18)).home == "AS Monaco"


def test_an_ambiguous_name_lists_the_teams_it_could_be(tmp_path):
    import pytest

    from remontada import open_store
    from remontada.data import queries
    from remontada.errors import AmbiguousTeamError

    with open_store(tmp_path / "s.duckdb", empty=True) as store:
        store.con.execute(
            "INSERT INTO teams VALUES (1, 'Barcelona', 'ESP', 'club'), (2, 'Barcelona SC', 'ECU', 'club')"
        )
        store.con.execute(
            "INSERT INTO team_aliases VALUES ('club', 'ESP', 'barcelona', 'FC Barcelona', 1, 'new', 1),"
            " ('club', 'ECU', 'barcelona', 'Barcelona SC', 2, 'new', 1)"
        )
        with pytest.raises(AmbiguousTeamError, match="could be any of: Barcelona \\(ESP\\), Barcelona SC \\(ECU\\)"):
            queries.find_team(store, "Barcelona")
        assert queries.find_team(store, "Barcelona (ECU)") == 2
        assert queries.find_team(store, "barcelona sc") == 2  # spelt exactly so
