"""What is not a place (words, people, other names), and names resolved with the text."""

from __future__ import annotations

import pytest

from geoconflict.geoparse import parse_text
from geoconflict.geoparse._names import (
    alias_unlike,
    called_a_place,
    clipped_name,
    full_name_after,
    is_function_word,
    named_after,
    of_phrase_after,
    person_after,
    person_cue_before,
    sentence_initial,
)


def roles(text: str) -> dict[str, str]:
    mentions = parse_text(text).mentions
    return dict(zip(mentions["surface"], mentions["role"], strict=True))


def place(text: str, surface: str) -> dict:
    mentions = parse_text(text).mentions
    rows = mentions[mentions["surface"] == surface]
    assert len(rows), f"{surface!r} not found in {list(mentions['surface'])}"
    return rows.iloc[0].to_dict()


def test_sentence_initial_function_words_are_words() -> None:
    found = roles("Troops entered Mosul. And then they left. More came later.")
    assert found["Mosul"] == "mention"
    assert found.get("And", "common word") == "common word"
    assert found.get("More", "common word") == "common word"


def test_people_named_like_villages() -> None:
    found = roles("The singer Rod Stewart spoke in Kirkuk. Later Stewart said he was tired.")
    assert found["Kirkuk"] == "mention"
    assert found.get("Stewart", "person") == "person"
    assert not parse_text("Rod Stewart said.").mentions["is_place"].any()


def test_place_words_keep_a_place() -> None:
    text = "Deputies searched Walker County and the Carthage Police headquarters."
    mentions = parse_text(text).mentions.set_index("surface")
    assert mentions.loc["Carthage", "is_place"]


def test_street_named_after_a_town_is_not_the_town() -> None:
    found = roles("The car stopped at the corner of Lancaster Avenue and Main Street.")
    assert found.get("Lancaster", "name part") == "name part"


def test_all_caps_dateline_is_a_place() -> None:
    row = place("BEIRUT (AP) — Shelling hit the southern suburbs on Monday.", "BEIRUT")
    assert row["is_place"]
    assert row["country"] == "LBN"


def test_preposition_before_an_arabic_article_letter() -> None:
    """"at Tikrit" is read as "Tikrit" (the scan no longer takes "at" for "at-")."""
    row = place("Fighting raged at Tikrit on Sunday.", "Tikrit")
    assert row["country"] == "IRQ"
    assert row["role"] in ("mention", "event location")


def test_ap_state_abbreviation_gives_the_town_its_state() -> None:
    text = "COLUMBUS, Ga. - Police in Columbus arrested two men on Friday."
    state = place(text, "Ga.")
    assert state["kind"] == "admin1"
    assert state["name"] == "Georgia"
    assert state["is_place"]
    town = place(text, "Columbus")
    assert town["country"] == "USA"
    assert 31.5 < town["lat"] < 33.5  # Columbus, Georgia, not Ohio
    assert not parse_text("The Miss. Universe show.").mentions["is_place"].any()


@pytest.mark.parametrize(("text", "surface", "lat"), [
    ("GAINESVILLE, Ga. - Police in Gainesville arrested two men.", "Gainesville", 34.3),
    ("Police in Paris, Tenn., arrested two men.", "Paris", 36.3),
    ("Springfield, Ill. is the state capital.", "Springfield", 39.8),
    ("Athens, Ohio, is home to a university.", "Athens", 39.3),
    ("Athens lies in Ohio. Athens, Ohio, is home to a university. Athens grew.", "Athens",
     39.3),  # a name repeated: one row of the batch
])
def test_a_province_holds_its_towns(text: str, surface: str, lat: float) -> None:
    """Inside the province (``near=`` its own radius), not in the next state: Gainesville,
    Florida; Paris, Texas; Springfield, Missouri and Athens, Georgia lie within twice
    the province's radius."""
    assert place(text, surface)["lat"] == pytest.approx(lat, abs=0.2)


def test_a_province_named_with_the_town_places_it() -> None:
    """A province named next to a shared name is the row's context (``context=``)."""
    assert place("Police in Lima arrested two men.", "Lima")["country"] == "PER"
    ohio = place("Police in Lima, Ohio, arrested two men.", "Lima")
    assert ohio["country"] == "USA"
    assert 40.0 < ohio["lat"] < 41.5


def test_the_batch_pulls_a_shared_name_to_the_text_country() -> None:
    """Through the geocoder's context API (records with pull): "Bari" among Somali
    towns is Bari, Somalia, not the Italian city."""
    text = ("Fighting was reported in Mogadishu, Kismayo and Baidoa on Monday, and al-Shabaab "
            "fighters attacked a base in Bari.")
    assert place(text, "Bari")["country"] == "SOM"
    assert place("Ferries left Bari for Greece.", "Bari")["country"] == "ITA"


def test_a_country_is_never_pulled_to_a_village() -> None:
    text = ("Officials in Dallas, Houston and Austin said the delegation from Jordan "
            "arrived on Monday.")
    assert place(text, "Jordan")["country"] == "JOR"


def test_eu_and_peoples() -> None:
    mentions = parse_text("The EU sent aid to Iraqis after Iraqi officials asked.").mentions
    found = mentions.set_index("surface")
    assert found.loc["EU", "name"] == "European Union"
    assert found.loc["EU", "is_place"]
    assert found.loc["Iraqi", "is_place"]
    assert found.loc["Iraqis", "role"] == "people"
    assert not found.loc["Iraqis", "is_place"]
    philippines = parse_text("Floods hit the Philippines.").mentions.set_index("surface")
    assert philippines.loc["Philippines", "is_place"]
    # an ethnic adjective names no country (the project's gold set agrees)
    kurdish = parse_text("Kurdish fighters entered Kirkuk.").mentions
    assert "Kurdish" not in set(kurdish.loc[kurdish["is_place"], "surface"])


@pytest.mark.parametrize(("surface", "name", "unlike"), [
    ("Kelly", "Harvest", True), ("Plain", "Simpsonville", True),
    ("Al-Mayadin", "Al Mayadin", False), ("Mayadeen", "Al Mayadin", False),
    ("Roma", "Rome", False), ("Baghdad", "Baghdad", False),
])
def test_alias_unlike(surface: str, name: str, unlike: bool) -> None:
    assert alias_unlike(surface, name) is unlike


def test_helpers() -> None:
    assert is_function_word("And")
    assert is_function_word("I\u2019ve")
    assert not is_function_word("Mosul")
    assert sentence_initial("Fine. Paris", 6)
    assert not sentence_initial("in Paris", 3)


def test_a_demonym_gives_way_to_a_longer_place_name() -> None:
    found = parse_text("Ships sailed to British Columbia with French officials.").mentions
    assert "British Columbia" in set(found["surface"])
    assert "British" not in set(found["surface"])
    row = found.set_index("surface").loc["British Columbia"]
    assert row["country"] == "CAN"
    assert row["is_place"]


def test_people_with_ages_and_hyphenated_names() -> None:
    found = roles("Campbell, 42, was arrested outside a Wal-Mart store in Mosul.")
    assert found.get("Campbell", "person") == "person"
    assert found.get("Mart", "name part") == "name part"
    assert found["Mosul"] in ("mention", "event location")


def test_places_in_hashtags() -> None:
    text = "Protest in front of the university #Iran #GazaUnderAttack #NewYork @AP"
    mentions = parse_text(text).mentions
    for row in mentions.itertuples():
        assert text[row.start:row.end] == row.surface
    assert {"Iran", "Gaza", "NewYork"} <= set(mentions["surface"])
    assert set(mentions.loc[mentions["surface"] == "NewYork", "country"]) == {"USA"}


def test_a_city_abroad_that_only_votes_for_itself_moves_to_the_text_country() -> None:
    text = "Health officials in Toronto, Ontario said Canada had three cases."
    assert place(text, "Ontario")["country"] == "CAN"


# --- people, streets, firms and cars named like towns (invented sentences) -------------

def test_a_surname_from_a_full_name_is_the_person_when_it_comes_back() -> None:
    text = ("Officers arrested Dorinda Sullivan, 31, at her home. Later Sullivan cut "
            "her hand, and the report says Sullivan tried to leave.")
    mentions = parse_text(text).mentions
    sullivan = mentions[mentions["surface"] == "Sullivan"]
    assert len(sullivan) == 3
    assert not sullivan["is_place"].any()


def test_a_name_ending_a_longer_name_does_not_spread() -> None:
    # "Jones" inside "Fred Jones Jr." is no surname standing alone
    from geoconflict.geoparse._mentions import _CAPITALISED_AFTER
    assert _CAPITALISED_AFTER.match("Fred Jones Jr. spoke", len("Fred Jones"))
    assert not _CAPITALISED_AFTER.match("Fred Jones, 40,", len("Fred Jones"))


@pytest.mark.parametrize(("before", "expected"), [
    ("Her teenage son ", True), ("His widow, ", True), ("Twin sisters ", True),
    ("The man who stabbed ", True), ("The motion was seconded by ", True),
    ("Troops moved into ", False), ("The convoy left ", False),
])
def test_person_cue_before(before: str, expected: bool) -> None:
    assert person_cue_before(before + "Adrian", len(before)) is expected


@pytest.mark.parametrize(("after", "expected"), [
    ("'s son was there.", True), ("' stepfather said", True), ("'s trial began", True),
    (" pleaded guilty on Monday.", True), (" was charged with theft.", True),
    (" McDaniel, 44, of Elm Road", True), (" Hartley, director of the fund", True),
    ("'s attorney general sued", False), ("'s mayor spoke", False),
    (" County, 12, were closed", False), (" was shelled overnight.", False),
])
def test_person_after(after: str, expected: bool) -> None:
    assert person_after("Kathleen" + after, len("Kathleen")) is expected


@pytest.mark.parametrize(("text", "start", "end", "expected"), [
    ("at the corner of Lakeview and Harrison streets", 17, 25, True),
    ("at the corner of Lakeview and Harrison streets", 30, 38, True),
    ("traffic on Spring Mountain Road was slow", 11, 17, True),
    ("the firm Stevens & Wilkinson was hired", 9, 16, True),
    ("the firm Stevens & Wilkinson was hired", 19, 28, True),
    ("A 1992 Toyota Corolla driven by a woman", 7, 13, True),
    ("a 2005 black Ford truck", 13, 17, True),
    ("the 2009 Walker County Fair", 9, 15, False),
    ("she was due in Bridgeport Superior Court", 15, 25, False),
    ("shelling hit Mosul and Tikrit overnight", 13, 18, False),
])
def test_names_inside_street_firm_and_car_names(text: str, start: int, end: int,
                                                expected: bool) -> None:
    assert named_after(text, end, start) is expected


def test_streets_firms_and_cars_are_not_the_towns_in_a_text() -> None:
    found = roles("Water flooded the corner of Lakeview and Harrison streets. A 1992 "
                  "Toyota Corolla was stuck, said a clerk at Stevens & Wilkinson.")
    for name in ("Lakeview", "Harrison", "Toyota", "Stevens", "Wilkinson"):
        assert found.get(name, "name part") == "name part", name


def test_given_name_before_a_mc_surname_is_a_person() -> None:
    found = roles("Jurors heard Kathleen McDaniel and Christopher McKay on Monday.")
    assert found.get("Kathleen", "person") in ("person", "name part")
    assert found.get("Christopher", "person") in ("person", "name part")
    # a full name with an age or a role stays a person after a place preposition
    found = roles("Jurors heard from Kathleen McDaniel, 44, and from Mosul residents.")
    assert found.get("Kathleen", "person") == "person"
    assert found["Mosul"] in ("mention", "event location", "origin")


@pytest.mark.parametrize(("surface", "name", "expected"), [
    ("Phil", "Philippines", True), ("Den", "Denmark", True), ("Port", "Portugal", True),
    ("Chad", "Chad", False), ("Bosnia", "Bosnia and Herzegovina", False),
    ("UAE", "United Arab Emirates", False), ("Iraq", "Iraq", False),
])
def test_clipped_name(surface: str, name: str, expected: bool) -> None:
    assert clipped_name(surface, name) is expected


def test_clipped_country_names_are_words_or_people() -> None:
    mentions = parse_text("Pupils pitched to a Dragon's Den panel, said Phil Morrow. "
                          "Aid reached Denmark and the Philippines.").mentions
    places = set(mentions[mentions["is_place"]]["surface"])
    assert {"Denmark", "Philippines"} <= places
    assert not {"Den", "Phil"} & places


@pytest.mark.parametrize(("text", "middle", "expected"), [
    ("Elizabeth Mills, 57, of Elm Road", True, True),
    ("Mary Ann Wade said the doors open at six", True, True),
    ("Tyler Kivel, a sophomore student, won", True, True),
    ("George Bush Jr. was president", True, True),
    ("Georgia Municipal Association said", True, False),
    ("Virginia Lottery Commission, said", True, False),
    ("Sudan David Shearer said", False, False),
    ("Chad Walker, 35, was hired", False, True),
    ("Mosul Sunday, 12, were killed", True, False),
])
def test_full_name_after(text: str, middle: bool, expected: bool) -> None:
    assert full_name_after(text, text.index(" "), middle=middle) is expected


def test_holidays_the_planet_and_congress_are_no_towns() -> None:
    mentions = parse_text("At Christmas the rock fell toward Earth, and Congress met "
                          "in Springfield.").mentions
    places = set(mentions[mentions["is_place"]]["surface"])
    assert not {"Christmas", "Earth", "Congress"} & places


@pytest.mark.parametrize(("text", "expected"), [
    ("Man of the Year", True), ("Church of Our Lady", True), ("Summit of the Americas", True),
    ("Hit of Anbar province", False), ("Hit of the Anbar governorate", False),
    ("Tikrit, of all places", False),
])
def test_of_phrase_after(text: str, expected: bool) -> None:
    assert of_phrase_after(text, len(text.split()[0].rstrip(","))) is expected


def test_titles_and_buildings_named_like_towns() -> None:
    found = roles("She was named Man of the Year at the Webb Center in Gainesville.")
    assert found.get("Man", "name part") == "name part"
    assert found.get("Webb", "name part") == "name part"
    assert found["Gainesville"] in ("mention", "event location")


@pytest.mark.parametrize(("text", "expected"), [
    ("Franklin is a town in Delaware County", True),
    ("Durham (also Durham Township) was a small farming community", True),
    ("Franklin, the city's seat, is small", False),
    ("Franklin said he would stay", False),
])
def test_called_a_place(text: str, expected: bool) -> None:
    assert called_a_place(text, len("Franklin") if text.startswith("F") else len("Durham")) \
        is expected


def test_a_place_named_after_a_person_stays_the_place() -> None:
    # the eponym's surname does not turn the town's own name into a person
    for text in ("Logan is a city in Cache County, Utah. It was named after Ephraim Logan, "
                 "a fur trapper. Logan grew quickly after the railway came.",
                 "It was named after Ephraim Logan, a fur trapper. Logan grew quickly "
                 "after the railway came."):
        mentions = parse_text(text).mentions
        logan = mentions[mentions["surface"] == "Logan"].set_index("start")["is_place"]
        assert logan[text.rindex("Logan")], text
        assert not logan[text.index("Ephraim Logan") + len("Ephraim ")]
