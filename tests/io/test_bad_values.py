"""Issue 12: negative goals named as such, UTF-16 files read, NUL bytes and huge fields reported by line."""

from pathlib import Path

import pytest

from remontada.data.io import detect
from remontada.data.io.base import decode
from remontada.errors import UnknownFormatError

DATA = Path(__file__).parents[1] / "data"

FOOTBALL_DATA = DATA / "football-data/N1.csv"
INTERNATIONAL = DATA / "international/results.csv"
ENGSOCCER = DATA / "engsoccerdata/italy.csv"
OPENFOOTBALL = DATA / "openfootball/el-2023-24.txt"


def _parse(path: Path):
    return detect(path).parse(path)


def _replace_line(source: Path, target: Path, line: int, old: str, new: str) -> Path:
    lines = source.read_text(encoding="utf-8-sig").split("\n")
    assert old in lines[line - 1], lines[line - 1]
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    target.write_text("\n".join(lines), encoding="utf-8")
    return target


def _reasons(parsed) -> dict[int, str]:
    return dict(zip(parsed.rejects["line"].tolist(), parsed.rejects["reason"].tolist(), strict=True))


def test_negative_goals_football_data(tmp_path):
    bad = _replace_line(FOOTBALL_DATA, tmp_path / "N1.csv", 2, "Roda,0,0,D", "Roda,-1,0,D")
    assert _reasons(_parse(bad))[2] == "negative goals in the score -1-0"


def test_negative_goals_internationals(tmp_path):
    header, first = INTERNATIONAL.read_text().split("\n")[:2]
    cells = first.split(",")
    cells[3] = "-2"
    bad = tmp_path / "results.csv"
    bad.write_text(f"{header}\n{','.join(cells)}\n")
    assert _reasons(_parse(bad))[2] == "home_goals: '-2': negative goals"


def test_negative_goals_engsoccerdata(tmp_path):
    lines = ENGSOCCER.read_text().split("\n")
    cells = lines[1].split(",")
    cells[4], cells[5] = '"-3-2"', "-3"
    lines[1] = ",".join(cells)
    bad = tmp_path / "italy.csv"
    bad.write_text("\n".join(lines))
    assert _reasons(_parse(bad))[2] == "FT: '-3-2' has negative goals"


def test_negative_goals_openfootball(tmp_path):
    text = OPENFOOTBALL.read_text(encoding="utf-8-sig")
    line, score = next((n, t) for n, t in enumerate(text.split("\n"), start=1) if " 1-3 " in t or t.endswith("1-3"))
    bad = _replace_line(OPENFOOTBALL, tmp_path / "el.txt", line, "1-3", "-1-3")
    assert "negative goals" in _reasons(_parse(bad))[line]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("source", [FOOTBALL_DATA, INTERNATIONAL, ENGSOCCER, OPENFOOTBALL])
def test_utf16_files_read_as_their_utf8_twins(tmp_path, source, encoding):
    twin = tmp_path / source.parent.name / source.name
    twin.parent.mkdir()
    twin.write_bytes(source.read_text(encoding="utf-8-sig").encode(encoding))
    expected, got = _parse(source), _parse(twin)
    assert len(got.matches) == len(expected.matches) > 0
    assert got.matches["home"].tolist() == expected.matches["home"].tolist()
    assert got.rejects["line"].tolist() == expected.rejects["line"].tolist()


def test_broken_utf16_says_so(tmp_path):
    with pytest.raises(Exception, match="UTF-16 encoded, but byte"):
        decode(b"\xff\xfeD\x00\x00\xd8", tmp_path / "x.csv")


@pytest.mark.parametrize("source", [FOOTBALL_DATA, INTERNATIONAL, ENGSOCCER])
def test_a_nul_byte_rejects_its_row_with_the_line(tmp_path, source):
    lines = source.read_text(encoding="utf-8-sig").split("\n")
    lines[2] = lines[2][:8] + "\x00" + lines[2][8:]
    damaged = tmp_path / source.parent.name / source.name
    damaged.parent.mkdir()
    damaged.write_text("\n".join(lines))
    parsed, clean = _parse(damaged), _parse(source)
    assert "NUL byte" in _reasons(parsed)[3]
    assert len(parsed.matches) == len(clean.matches) - 1


def test_a_nul_byte_in_a_football_txt_team_name(tmp_path):
    text = OPENFOOTBALL.read_text(encoding="utf-8-sig").replace("Atalanta", "Ata\x00lanta", 1)
    damaged = tmp_path / "el.txt"
    damaged.write_text(text)
    parsed = _parse(damaged)
    line = 1 + text[: text.index("\x00")].count("\n")
    assert "NUL byte" in _reasons(parsed)[line]
    assert not parsed.matches["home"].str.contains("\x00").any()


def test_a_binary_file_names_the_line_of_its_first_nul(tmp_path):
    binary = tmp_path / "x.csv"
    binary.write_bytes(b"Div,Date\nE0,01/01/20\n" + b"\x00\x00\x00\x01" * 300)
    with pytest.raises(UnknownFormatError, match=r"a binary file \(NUL bytes from line 3\)"):
        detect(binary)


def test_a_huge_field_is_a_rejected_row(tmp_path):
    lines = FOOTBALL_DATA.read_text().split("\n")
    lines[2] = lines[2].replace("Willem II", "W" * 200_000)
    huge = tmp_path / "N1.csv"
    huge.write_text("\n".join(lines))
    parsed = _parse(huge)
    assert "field larger than field limit" in _reasons(parsed)[3]
    assert len(parsed.rejects.loc[parsed.rejects["line"] == 3, "raw"].iloc[0]) < 1100


def test_engsoccerdata_goals_too_big_for_a_count_reject_their_row(tmp_path):
    """Found by the importer fuzz: ``hgoal`` 99999999999999999999 raised a pandas TypeError."""
    lines = ENGSOCCER.read_text().split("\n")
    header = lines[0].split(",")
    cells = lines[1].split(",")
    cells[header.index('"hgoal"') if '"hgoal"' in header else header.index("hgoal")] = "99999999999999999999"
    lines[1] = ",".join(cells)
    bad = tmp_path / "italy.csv"
    bad.write_text("\n".join(lines))
    parsed = _parse(bad)
    assert _reasons(parsed)[2] == "hgoal: '99999999999999999999' is not a number of goals"
    assert len(parsed.matches) == len(lines) - 2 - (lines[-1] == "")


def test_a_lone_carriage_return_in_the_header_is_a_clear_refusal(tmp_path):
    """Found by the importer fuzz: a bare CR in a header raised csv.Error from a format's sniffing."""
    bad = tmp_path / "shootouts.csv"
    bad.write_bytes(b"\r,home_team,away_team,winner,first_shooter\n2022-12-18,Argentina,France,Argentina,France\n")
    with pytest.raises(UnknownFormatError, match="not in a format remontada recognises"):
        detect(bad)


def test_a_date_in_year_0_is_a_rejected_row(tmp_path):
    """Found by the importer fuzz: football-data ``Date`` 0000-01-01 parsed, then broke the season's arithmetic."""
    lines = FOOTBALL_DATA.read_text(encoding="utf-8-sig").split("\n")
    cells = lines[1].split(",")
    original = cells[1]
    cells[1] = "0000-01-01"
    lines[1] = ",".join(cells)
    bad = tmp_path / "N1.csv"
    bad.write_text("\n".join(lines), encoding="utf-8")
    assert original != cells[1]
    assert _reasons(_parse(bad))[2] == "Date: '0000-01-01' is not a date (dd/mm/yy, dd/mm/yyyy or yyyy-mm-dd)"
