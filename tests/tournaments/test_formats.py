"""The format loader: every built-in format loads, and a bad file is refused with the key that is wrong."""

import pytest

from remontada.tournaments.formats import FormatError, builtin_formats, load_format

GOOD = """
name = "mini"
neutral = true
[groups]
names = ["A", "B"]
size = 4
criteria = [["h2h_points", "h2h_goal_difference", "h2h_goals", "reapply"], "goal_difference", "goals"]
[[rounds]]
stage = "semifinals"
rules = "single-match"
ties = ["1: 1A v 2B", "2: 1B v 2A"]
[[rounds]]
stage = "final"
rules = "single-match"
ties = ["3: W1 v W2"]
"""


def write(tmp_path, text):
    path = tmp_path / "f.toml"
    path.write_text(text)
    return path


def test_every_builtin_format_loads_with_its_stages():
    formats = builtin_formats()
    assert {"world-cup-48", "world-cup-32", "euro-24", "copa-america-16", "gold-cup-16", "uefa-league-phase",
            "uefa-group-stage", "league"} <= set(formats)  # fmt: skip
    assert formats["world-cup-48"].teams == 48
    assert formats["world-cup-48"].stages == ("round_of_32", "round_of_16", "quarterfinals", "semifinals", "final",
                                              "winner")  # fmt: skip
    assert formats["uefa-league-phase"].stages[:2] == ("top_8", "knockout_playoff")
    assert formats["league"].stages == ("champion",)


def test_a_good_file_loads(tmp_path):
    fmt = load_format(write(tmp_path, GOOD))
    assert fmt.teams == 8 and fmt.stages == ("semifinals", "final", "winner")
    assert fmt.groups is not None and fmt.groups.criteria.reapply == (False, True, False, False)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('names = ["A", "B"]', 'names = ["A", "A"]'), "groups.names: names a group twice"),
        (('"goal_difference", "goals"]', '"goal_difference", "h2h_goals"]'), "head-to-head criteria go in a list"),
        (('"3: W1 v W2"', '"3: W1 v W9"'), "names tie '9', which no earlier round has"),
        (('"1: 1A v 2B"', '"1: 1A v 2C"'), "names group C, not among AB"),
        (('"1: 1A v 2B"', '"1: 1A v 5B"'), "groups have 4 teams"),
        (('rules = "single-match"', 'rules = "golden-goal"'), "unknown rules 'golden-goal'"),
        (('stage = "final"', 'stage = "finale"'), "'finale' is not a round's stage"),
        (("size = 4", 'size = "four"'), "groups.size: should be int"),
        (('ties = ["3: W1 v W2"]', 'ties = ["3 W1 v W2"]'), "should read 'ID: HOME v AWAY'"),
    ],
)
def test_a_bad_file_names_the_key(tmp_path, change, message):
    old, new = change
    with pytest.raises(FormatError, match=message.replace("(", r"\(").replace("[", r"\[")):
        load_format(write(tmp_path, GOOD.replace(old, new, 1)))


def test_unknown_names_list_the_known_ones():
    with pytest.raises(FormatError, match="known formats: .*euro-24"):
        load_format("euro-28")


def test_not_toml_is_refused(tmp_path):
    with pytest.raises(FormatError, match="not valid TOML"):
        load_format(write(tmp_path, "name = "))
