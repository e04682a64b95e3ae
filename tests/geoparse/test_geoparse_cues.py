"""Respelled place names (``_cues``) and the text's countries taken in turn.

Every sentence here is invented for the tests.
"""

from __future__ import annotations

import pytest

from geoconflict.geoparse import parse_text


@pytest.mark.parametrize(("text", "country", "name_starts"), [
    # Transliterations the exact scan misses, each after a place preposition or with its
    # admin units in parentheses.
    ("On 4 May 2024, police arrested two men in Makhmour (Erbil), Iraq.", "IRQ", "Mexmur"),
    ("On 4 May 2024, shells hit the town of Tal Rifaat (Aleppo) in Syria.", "SYR", "Tall Rif"),
    ("On 4 May 2024, farmers protested in Al-Hawija (Kirkuk) over water cuts in Iraq.",
     "IRQ", "Al \u1e28aw"),
])
def test_respelled_names_are_found_in_the_texts_country(text: str, country: str,
                                                        name_starts: str) -> None:
    (inc,) = parse_text(text, published="2024-06-01").incidents.itertuples()
    assert inc.country == country
    assert inc.location.startswith(name_starts)
    assert inc.geo_precision == 1


def test_a_respelled_piece_is_not_a_given_name() -> None:
    # "Tal" alone is a given name and a village; "Tal Tamr" is one town.
    mentions = parse_text("Shelling hit Tal Tamr (Al-Hasakeh) in Syria.").mentions
    places = mentions[mentions["is_place"]]
    assert "Tal Tamr" in places["surface"].tolist()
    assert "Tal" not in mentions["surface"].tolist()


def test_no_respelling_outside_the_texts_countries() -> None:
    # A capitalised word after "in" that is no place of the text's country stays unread.
    mentions = parse_text("Iraqi police said the suspects hid in Sidakan.").mentions
    assert "Sidakan" not in mentions["surface"].tolist()


def test_equally_named_countries_are_each_tried() -> None:
    text = ("Iran launched drones at Israel, most of them intercepted. A girl was "
            "injured in Arad.")
    incidents = parse_text(text, published="2024-04-14").incidents
    assert incidents["country"].tolist() == ["ISR"]
    assert incidents["location"].tolist() == ["Arad"]


def test_a_command_named_after_a_city_is_no_event_location() -> None:
    text = ("On 20 March 2024, gunmen shot and injured a member of the Basrah Operations "
            "Command in Abu al-Khaseeb (Basrah).")
    result = parse_text(text, published="2024-03-21")
    roles = dict(zip(result.mentions["start"], result.mentions["role"], strict=True))
    # The command's name refers to the city (a place, as the corpora count it), but
    # nothing happened at the city: the event is in the town in parentheses.
    assert roles[text.index("Basrah Operations")] == "attribute"
    (inc,) = result.incidents.itertuples()
    assert inc.location.startswith("Ab")  # Abu al-Khasib, the town in parentheses' province
    assert inc.fatalities == 0


@pytest.mark.parametrize(("text", "country", "location"), [
    # The admin units say which Tripoli.
    ("On 16 April 2024, the army defused a bomb in Tripoli (North Lebanon).", "LBN", "Tripoli"),
    # A name the gazetteer lacks: its first word is not a city elsewhere; its units place it.
    ("On 6 April 2024, two groups clashed in Wadi Omran (Mudiyah, Abyan).", "YEM", None),
    # A unit with a place in its name's country is that place: Bari, the Somali region.
    ("On 4 March 2024, militants attacked a base in Bosaso (Bari), killing 3 soldiers.",
     "SOM", "Bosaso"),
    # A kind word after a name is not more of the name.
    ("On 2 May 2024, a bomb exploded in Baghdad Governorate (Iraq), killing 2.", "IRQ", None),
])
def test_names_are_resolved_inside_their_admin_units(text: str, country: str,
                                                     location: str | None) -> None:
    (inc,) = parse_text(text, published="2024-06-01").incidents.itertuples()
    assert inc.country == country
    if location is not None:
        assert inc.location == location


def test_the_last_admin_unit_is_the_province() -> None:
    # A place the gazetteer lacks, written with its province: the province, at
    # precision 3, not the province's capital city at its own point.
    text = "On 6 March 2024, gunmen attacked a farm in Qwertyville (Basrah), killing a farmer."
    (inc,) = parse_text(text, published="2024-03-07").incidents.itertuples()
    assert (inc.place_kind, inc.geo_precision, inc.fatalities) == ("admin1", 3, 1)


def test_one_victim_of_a_group() -> None:
    text = "On 15 February 2024, a member of the PMF was shot dead by gunmen in Baquba."
    (inc,) = parse_text(text, published="2024-02-16").incidents.itertuples()
    assert inc.fatalities == 1


@pytest.mark.parametrize(("text", "location"), [
    ("Bombings in the Iraqi capital killed at least 32 people on Monday.", "Baghdad"),
    ("A car bomb exploded in the capital of Syria on Monday.", "Damascus"),
])
def test_a_countrys_capital_unnamed(text: str, location: str) -> None:
    result = parse_text(text, published="2014-01-07")
    (inc,) = result.incidents.itertuples()
    assert inc.location == location
    # The common noun is no toponym by the corpora's convention, the country's name is.
    capital = result.mentions[result.mentions["surface"] == "capital"]
    assert capital["role"].tolist() == ["capital"]
    assert not capital["is_place"].any()


def test_a_capital_named_beside_the_word_is_found_by_name() -> None:
    result = parse_text("Officials say bombings kill 15 in Iraq's capital, Baghdad.")
    assert "capital" not in result.mentions["surface"].tolist()


def test_a_name_outside_its_province_gives_way_to_it() -> None:
    # A same-named place in another province is not the one meant: the province says.
    text = ("On 3 May 2015, gunmen attacked a checkpoint in Qwertabad Hassan "
            "(Şalāḩ ad Dīn), killing 2 soldiers.")
    (inc,) = parse_text(text, published="2015-06-01").incidents.itertuples()
    assert (inc.country, inc.place_kind, inc.geo_precision) == ("IRQ", "admin1", 3)


def test_a_city_standing_for_its_missing_province_has_a_provinces_precision() -> None:
    # The gazetteer has no Erbil governorate: the city stands for it, at precision 3.
    text = "On 6 March 2024, a drone struck a position on Mount Qandil (Sidakan, Erbil)."
    (inc,) = parse_text(text, published="2024-03-07").incidents.itertuples()
    assert (inc.country, inc.geo_precision) == ("IRQ", 3)


def test_admin_units_with_a_transliteration_capital() -> None:
    # "(Şalāḩ ad Dīn)" opens with a capital outside A-Z; a far namesake ("Hassan" in
    # India) inside the run gives way to the province.
    text = ("On 3 May 2015, gunmen attacked a checkpoint in Qwertu \u1e28ass\u0101n "
            "(\u015eal\u0101\u1e29 ad D\u012bn), killing 2 soldiers.")
    (inc,) = parse_text(text, published="2015-06-01").incidents.itertuples()
    assert (inc.country, inc.geo_precision) == ("IRQ", 3)
