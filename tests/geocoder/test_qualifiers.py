"""Feature qualifiers in English and Arabic, ACLED's City-Part and UCDP's suffixes."""

from __future__ import annotations

import pytest

from geoconflict.geocoder import default_geocoder
from geoconflict.geocoder._qualifiers import arabic_bare, city_part_splits


def lookup(query: str) -> dict:
    return default_geocoder().lookup(query)


@pytest.mark.parametrize(("query", "source_id"), [
    ("عين الأسد", "deployments:ain-al-asad-air-base"),  # alias "قاعدة عين الأسد الجوية"
    ("مخيم الركبان", "sites:rukban-camp"),
    ("Rukban refugee camp", "sites:rukban-camp"),
    ("مطار بغداد الدولي", "airportsdata:ORBI"),  # Arabic qualifier, English-named airport
    ("مطار الموصل", "airportsdata:ORBM"),
])
def test_qualified_names_resolve_to_the_typed_feature(query: str, source_id: str) -> None:
    assert lookup(query)["source_id"] == source_id


@pytest.mark.parametrize("query", ["Kirkuk camp", "Mosul hospital", "Basra crossing",
                                   "مستشفى الموصل"])
def test_an_unknown_feature_falls_back_to_the_place_at_precision_2(query: str) -> None:
    rec = lookup(query)
    assert rec["kind"] in ("city", "town")
    assert rec["geo_precision"] == 2
    assert rec["uncertainty_m"] >= 15_000
    assert "in the gazetteer" in rec["notes"]


@pytest.mark.parametrize(("query", "city"), [
    ("Al Hudaydah-Kilu 16", "Al Ḩudaydah"), ("Aden-Hayy al Qati", "Aden"),
    ("Jerusalem-Mea Shearim", "Jerusalem"),
])
def test_acled_city_part_falls_back_to_the_city(query: str, city: str) -> None:
    rec = lookup(query)
    assert rec["name"] == city
    assert rec["match"] == "parent-fallback"
    assert rec["geo_precision"] == 2
    assert rec["notes"]


def test_acled_city_part_finds_a_known_part() -> None:
    rec = lookup("Baghdad-Karrada")
    assert rec["kind"] == "neighbourhood"
    assert rec["name"] == "Karrada"


@pytest.mark.parametrize("query", ["Deir ez-Zor", "Dayr az-Zawr", "Al-Qaim", "Abu-Ghraib"])
def test_hyphenated_names_are_not_split(query: str) -> None:
    assert lookup(query)["match"] in ("exact", "transliteration")


@pytest.mark.parametrize(("query", "kind"), [
    ("Al Fallūjah town", "city"), ("Al Anbār province", "admin1"), ("Tall ‘Afar town", "town"),
])
def test_ucdp_suffixes(query: str, kind: str) -> None:
    rec = lookup(query)
    assert rec["kind"] == kind
    assert rec["country"] == "IRQ"


def test_ucdp_district_prefix_gives_the_town_at_precision_2() -> None:
    rec = lookup("Qaḑā’ al Fallūjah")
    assert rec["name"] == "Al Fallūjah"
    assert rec["geo_precision"] == 2


def test_helpers() -> None:
    assert arabic_bare("قاعدة عين الأسد الجوية") == "عين الأسد"
    assert arabic_bare("بغداد") is None
    assert list(city_part_splits("Taizz-Ath Thawrah")) == [("Taizz", "Ath Thawrah")]


@pytest.mark.parametrize(("text", "folded"), [
    ("a drone attack at Tower 22", "a drone attack at tower 22"),  # the preposition
    ("near at-Tanf", "near tanf"), ("At Tanf base", "tanf base"), ("in Al-Qaim", "in qaim"),
])
def test_running_text_drops_an_assimilated_article_only_when_written_as_one(
        text: str, folded: str) -> None:
    from geoconflict.geocoder._normalize import fold_with_offsets

    assert fold_with_offsets(text)[0] == folded


def test_a_named_feature_is_never_placed_by_a_typo_of_another_place() -> None:
    """"al-Shifa hospital": no such hospital here and 'Shifa' only as a typo of Haifa, so
    the answer is unresolved (with the reason), never Haifa at precision 2."""
    import geoconflict as gc

    hits = gc.geocode(["al-Shifa hospital", "al-Shifa hospital, Gaza"])
    alone, qualified = hits.to_dict(orient="records")
    assert alone["status"] == "unresolved"
    assert "no hospital named 'al-Shifa'" in alone["notes"]
    assert qualified["name"] == "Gaza"  # the parent, said to be the parent's position
    assert qualified["match"] == "parent-fallback"


def test_a_plant_answered_by_its_namesake_town_gets_a_wide_radius() -> None:
    """Zaporizhzhia's nuclear plant lies about 50 km from the city it is named after: the
    fallback to the city says so in its uncertainty radius, not the city's 15 km."""
    import geoconflict as gc

    hit = gc.geocode(["Zaporizhzhia nuclear power plant"]).iloc[0]
    assert hit["geo_precision"] == 2
    assert hit["uncertainty_m"] >= 50_000
    assert "no plant named" in hit["notes"]
