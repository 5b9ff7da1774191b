from hypothesis import given
from hypothesis import strategies as st

from remontada.data.names import AliasBook, TeamRef, candidates, is_abbreviation, name_key, split_country_tag


def test_country_tag_is_split_off():
    assert split_country_tag("Liverpool FC (ENG)") == ("Liverpool FC", "ENG")
    assert split_country_tag("Atalanta") == ("Atalanta", None)
    assert split_country_tag("Brighton & Hove Albion (ENG)") == ("Brighton & Hove Albion", "ENG")


def test_club_forms_and_accents_meet():
    assert name_key("Liverpool FC") == name_key("Liverpool") == "liverpool"
    assert name_key("Club Atlético de Madrid") == name_key("Atletico Madrid")
    assert name_key("Real Sociedad de Fútbol") == name_key("Real Sociedad")
    assert name_key("1. FC Köln") == name_key("FC Koln")
    assert name_key("SL Benfica") == name_key("Benfica")
    assert name_key("AS Roma") == name_key("Roma")


def test_distinct_clubs_stay_distinct():
    assert name_key("Manchester City") != name_key("Manchester United")
    assert name_key("Bayern Munich") != name_key("1860 Munich")
    assert name_key("Sporting Gijon") != name_key("Sporting CP")


def test_name_made_only_of_affixes_keeps_its_tokens():
    assert name_key("AS") == "as"


@given(st.text(max_size=40))
def test_key_is_idempotent_and_never_crashes(name):
    key = name_key(name)
    assert name_key(key) == key or key == ""


def test_abbreviations():
    assert is_abbreviation("man city", "manchester city")
    assert is_abbreviation("west brom", "west bromwich albion")
    assert not is_abbreviation("man city", "manchester united")
    assert not is_abbreviation("liverpool", "liverpool")


def test_candidates_rank_abbreviations_and_near_spellings():
    pool = ["manchester city", "manchester united", "middlesbrough"]
    assert candidates("man city", pool)[0] == "manchester city"
    assert candidates("manchester utd", pool)[0] == "manchester united"
    assert candidates("arsenal", pool) == []


def test_alias_book_maps_to_canonical_team():
    book = AliasBook(
        [{"kind": "club", "country": "POR", "name": "Sporting CP", "alias_country": "POR", "alias": "Sp Lisbon"}]
    )
    ref = TeamRef("club", "Sp Lisbon", "POR")
    assert book.canonical(ref) == TeamRef("club", "Sporting CP", "POR")
    other = TeamRef("club", "Sp Lisbon", "ESP")
    assert book.canonical(other) is other


def test_shipped_alias_file_loads():
    book = AliasBook.shipped()
    assert len(book) > 0
    assert book.canonical(TeamRef("club", "Man City", "ENG")).name == "Manchester City"
