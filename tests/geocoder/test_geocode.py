"""Geocoder: normalisation, tiers, qualifiers, fallbacks, scenario sites and accuracy."""

from __future__ import annotations

import csv
import warnings
from pathlib import Path
from typing import Any

import pytest
from pyproj import Geod
from support import TEST_DATA

from geoconflict.errors import GeocodeError
from geoconflict.geocoder import _geocoder as geocoder_module
from geoconflict.geocoder._geocoder import OUTPUT_COLUMNS, Geocoder, find_places, geocode
from geoconflict.geocoder._normalize import fold, fold_with_offsets, skeleton

GEOD = Geod(ellps="WGS84")
ACCURACY_CSV = TEST_DATA / "geocode" / "accuracy.csv"
#: GeoNames 98182, Baghdad's city point.
BAGHDAD = (44.40088, 33.34058)


def km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    return GEOD.inv(lon1, lat1, lon2, lat2)[2] / 1000.0


@pytest.fixture(scope="module")
def coder() -> Geocoder:
    return Geocoder()


# ---------------------------------------------------------------- normalisation
@pytest.mark.parametrize(("a", "b"), [
    ("Deir ez-Zor", "DEIR EZ ZOR"), ("Al-Qaim", "Al Qa'im"), ("Al Qā’im", "qaim"),
    ("Ar Raqqah", "Raqqah"), ("دير الزور", "دیر الزور"), ("بَغْدَاد", "بغداد"),
    ("الأعظمية", "الاعظميه"), ("Hewlêr", "hewler"),
])
def test_fold_equates_spellings(a: str, b: str) -> None:
    assert fold(a) == fold(b)


@pytest.mark.parametrize("names", [
    ("Deir ez-Zor", "Dayr az Zawr", "Deir al-Zour", "Dair ez-Zaur"),
    ("Mashtal", "Machtal", "al-Mashtal"),
    ("Erbil", "Arbil", "Irbil"),
    ("Fallujah", "Falluja", "Al-Fallujah"),
])
def test_skeleton_equates_transliterations(names: tuple[str, ...]) -> None:
    assert len({skeleton(fold(n)) for n in names}) == 1


def test_skeleton_keeps_different_places_apart() -> None:
    assert skeleton(fold("Tower 22")) != skeleton(fold("Tower 2"))
    assert skeleton(fold("Basra")) != skeleton(fold("Mosul"))


def test_fold_with_offsets_maps_back_to_source() -> None:
    text = "Strikes at Al-Qa'im and in Deir ez-Zor."
    folded, offsets = fold_with_offsets(text)
    assert folded == "strikes at qaim and in deir zor "
    i = folded.index("qaim")
    assert text[offsets[i]:offsets[i + 3] + 1] == "Al-Qa'im"
    j = folded.index("deir zor")
    assert text[offsets[j]:offsets[j + len("deir zor") - 1] + 1] == "Deir ez-Zor"


# ---------------------------------------------------------------- scenario sites
def test_scenario_sites_resolve_to_right_kind_and_place() -> None:
    gdf = geocode(["Mashtal, Baghdad", "Tower 22", "Red Sea shipping lanes"])
    assert list(gdf.columns) == [*OUTPUT_COLUMNS, "geometry"]
    assert gdf.crs.to_epsg() == 4326
    assert list(gdf["query"]) == ["Mashtal, Baghdad", "Tower 22", "Red Sea shipping lanes"]
    assert (gdf["status"] == "resolved").all()
    mashtal, tower, lane = (gdf.iloc[i] for i in range(3))
    # Mashtal: the neighbourhood, in eastern Baghdad, not the city centroid.
    assert mashtal["kind"] == "neighbourhood"
    assert mashtal["source_id"].startswith("sites:")
    assert mashtal.geometry.x > BAGHDAD[0] + 0.03  # east of the centre
    assert 4.0 < km(mashtal.geometry.x, mashtal.geometry.y, *BAGHDAD) < 15.0
    # Tower 22: the outpost in Jordan, within 2 km of Wikipedia's 33°18'51"N 38°42'12"E.
    assert tower["country"] == "JOR"
    assert tower["kind"] == "outpost"
    assert km(tower.geometry.x, tower.geometry.y, 38.7033, 33.3142) < 2.0
    # The lane: a LineString, hundreds of kilometres long, in the Red Sea basin.
    assert lane["kind"] == "shipping lane"
    assert lane.geometry.geom_type in ("LineString", "MultiLineString")
    minx, miny, maxx, maxy = lane.geometry.bounds
    assert minx > 30
    assert maxx < 60
    assert miny > 10
    assert maxy < 32
    assert km(minx, miny, maxx, maxy) > 500
    # it runs through the Bab-el-Mandeb (12.6 N 43.3 E): some vertex within 60 km
    coords = list(lane.geometry.coords) if lane.geometry.geom_type == "LineString" else [
        c for part in lane.geometry.geoms for c in part.coords]
    assert min(km(x, y, 43.3, 12.6) for x, y in coords) < 60


def test_accuracy_at_25_km_is_at_least_95_percent(coder: Geocoder) -> None:
    with ACCURACY_CSV.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) >= 150
    assert all(r["source"] and r["source_url"].startswith("https://") for r in rows)
    misses = []
    for r in rows:
        rec = coder.lookup(r["query"])
        geom = rec["geometry"]
        if geom is None or geom["type"] != "Point":
            misses.append((r["query"], None))
            continue
        d = km(*geom["coordinates"], float(r["lon"]), float(r["lat"]))
        if d > 25:
            misses.append((r["query"], round(d)))
    accuracy = 1 - len(misses) / len(rows)
    assert accuracy >= 0.95, misses


# ---------------------------------------------------------------- tiers and ranking
@pytest.mark.parametrize(("query", "name", "match"), [
    ("Baghdad", "Baghdad", "exact"),
    ("بغداد", "Baghdad", "exact"),
    ("Deir al-Zour", "Deir ez-Zor", "exact"),
    ("دير الزور", "Deir ez-Zor", "exact"),
    ("Machtal", "Mashtal", "exact"),
    ("المشتل", "Mashtal", "exact"),
    ("Hadith", "Ḩadīthah", "transliteration"),
    ("Bagdhad", "Baghdad", "fuzzy"),
])
def test_tiers(coder: Geocoder, query: str, name: str, match: str) -> None:
    rec = coder.lookup(query)
    assert (rec["name"], rec["match"], rec["status"]) == (name, match, "resolved")


def test_a_typo_among_several_places_is_a_guess_and_says_so(coder: Geocoder) -> None:
    """'Shifa' is no place here: Haifa (alias 'Hifa'), Shéfa, Ash Shafā... are each one
    edit away, so the biggest of them is reported ambiguous, with the others, not
    resolved; a typo whose near spellings all mean one place stays resolved."""
    rec = coder.lookup("Shifa")
    assert (rec["match"], rec["status"]) == ("fuzzy", "ambiguous")
    assert "typo match" in rec["notes"]
    assert len({c["name"] for c in rec["candidates"]}) >= 3
    for query, name in (("Bagdhad", "Baghdad"), ("Aleppoo", "Aleppo")):
        rec = coder.lookup(query)  # 'bagdad' and 'baghdad' are both Baghdad
        assert (rec["name"], rec["match"], rec["status"]) == (name, "fuzzy", "resolved")
    # The caller's country leaves one candidate: resolved.
    assert coder.lookup("Shifa", country="ISR")["status"] == "resolved"


def test_curated_entries_win_for_their_names(coder: Geocoder) -> None:
    rec = coder.lookup("Rukban")  # GeoNames has a town Rukban too (JOR)
    assert rec["source_id"] == "sites:rukban-camp"
    assert coder.lookup("Al-Tanf")["source_id"].startswith("deployments:")


def test_curated_alias_does_not_hide_a_big_city(coder: Geocoder) -> None:
    # "Arbil" is an alias of Erbil Air Base, and the name of a city of 1.6 million.
    rec = coder.lookup("Arbil")
    assert (rec["name"], rec["kind"]) == ("Erbil", "city")
    assert coder.lookup("Erbil air base")["kind"] == "air base"


def test_ambiguous_name_lists_candidates(coder: Geocoder) -> None:
    rec = coder.lookup("Salt")
    assert rec["status"] == "ambiguous"
    countries = {c["country"] for c in rec["candidates"]}
    assert {"JOR", "ESP"} <= countries
    assert coder.lookup("Salt", country="JOR")["status"] == "resolved"


def test_country_comes_with_its_outline_when_the_basemap_has_it(coder: Geocoder) -> None:
    rec = coder.lookup("Jordan")
    assert (rec["kind"], rec["geo_precision"]) == ("country", 3)
    assert rec["geometry"]["type"] in ("Polygon", "MultiPolygon")
    assert coder.lookup("France")["geometry"]["type"] == "Point"  # outside the basemap


def test_country_and_kind_filters(coder: Geocoder) -> None:
    assert coder.lookup("Baghdad", country="IRN")["country"] == "IRN"
    assert coder.lookup("Baghdad", kinds="admin1")["kind"] == "admin1"
    assert coder.lookup("Tower 22", country="IRQ")["status"] == "unresolved"
    with pytest.raises(GeocodeError, match="unknown country"):
        coder.lookup("Baghdad", country="Atlantis")
    # The codes the gazetteer returns are taken back as filters, ISO's or not (Kosovo).
    assert coder.lookup("Baghdad", country=["KOS", "IRQ"])["country"] == "IRQ"


# ---------------------------------------------------------------- qualifiers
def test_unknown_neighbourhood_falls_back_to_city_loudly(coder: Geocoder) -> None:
    rec = coder.lookup("Qwertyabad, Baghdad")
    assert rec["name"] == "Baghdad"
    assert rec["match"] == "parent-fallback"
    assert rec["geo_precision"] >= 2
    assert rec["uncertainty_m"] >= 15_000
    assert "fell back to Baghdad" in rec["notes"]
    assert rec["score"] < 100


def test_place_known_only_elsewhere_falls_back(coder: Geocoder) -> None:
    rec = coder.lookup("Mashtal, Basra")
    assert rec["name"] == "Basrah"
    assert rec["match"] == "parent-fallback"
    assert "Mashtal" in {c["name"] for c in rec["candidates"]}
    assert coder.lookup("Kirkuk, Syria")["match"] == "parent-fallback"


@pytest.mark.parametrize(("query", "name", "kind"), [
    ("Mashtal in eastern Baghdad", "Mashtal", "neighbourhood"),
    ("the Mashtal neighbourhood", "Mashtal", "neighbourhood"),
    ("Qaim, Anbar", "Al Qā’im", "town"),
    ("Tower 22, Jordan", "Tower 22", "outpost"),
    ("Arifjan base", "Camp Arifjan", "logistics base"),
    ("Deir ez-Zor province", "Dayr az Zawr", "admin1"),
    ("Anbar governorate", "Al Anbār", "admin1"),
    ("Gulf of Aden", "Gulf of Aden", "gulf"),
])
def test_qualifiers(coder: Geocoder, query: str, name: str, kind: str) -> None:
    rec = coder.lookup(query)
    assert (rec["name"], rec["kind"]) == (name, kind), rec


def test_direction_lowers_precision_and_says_so(coder: Geocoder) -> None:
    rec = coder.lookup("eastern Baghdad")
    assert rec["name"] == "Baghdad"
    assert rec["geo_precision"] == 2
    assert "eastern part of Baghdad" in rec["notes"]


def test_kind_qualifier_without_such_kind_says_so(coder: Geocoder) -> None:
    rec = coder.lookup("Gulf of Aden shipping lanes")
    assert rec["kind"] == "gulf"
    assert "no lane named" in rec["notes"]


# ---------------------------------------------------------------- output contract
def test_unresolved_rows_are_kept_with_suggestions() -> None:
    gdf = geocode(["Baghdadd", "Zzyzxqw", "", "Tower 22"])
    assert len(gdf) == 4
    assert list(gdf["status"]) == ["resolved", "unresolved", "unresolved", "resolved"]
    assert gdf.geometry.iloc[1] is None
    assert gdf["geo_precision"].isna().iloc[1]
    near_miss = geocode("Akashat")  # a real town, too small for the bundled GeoNames
    assert near_miss["status"].item() == "unresolved"
    assert near_miss["suggestions"].item(), "expected did-you-mean suggestions"


def test_string_query_gives_one_row() -> None:
    gdf = geocode("Tower 22")
    assert len(gdf) == 1
    assert gdf["geo_precision"].dtype.name == "Int8"


def test_strict_raises_listing_unresolved() -> None:
    with pytest.raises(GeocodeError, match="Zzyzxqw"):
        geocode(["Tower 22", "Zzyzxqw"], strict=True)
    assert len(geocode(["Tower 22"], strict=True)) == 1


def test_unknown_provider_is_an_error() -> None:
    with pytest.raises(GeocodeError, match="unknown providers"):
        Geocoder(("google",))


# ---------------------------------------------------------------- curated layer tolerance
def test_missing_layer_and_bad_record(monkeypatch: pytest.MonkeyPatch) -> None:
    from geoconflict import datasets
    from geoconflict.errors import DataError
    from geoconflict.geocoder import _gazetteer as gazetteer

    real = datasets.load_features

    def fake_load(name: str) -> list[dict[str, Any]]:
        if name == "sites":
            raise DataError("no sites yet")
        features = [dict(f) for f in real(name)]
        broken = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [1, 2]},
                  "properties": {"id": "x", "aliases": []}}  # no name, kind...
        return [*features, broken]

    monkeypatch.setattr(datasets, "load_features", fake_load)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        curated, _base = gazetteer.load_gazetteer()
    assert any("skipped a curated record" in str(w.message) for w in caught)
    assert "tower 22" in curated.by_fold
    assert "mashtal" not in curated.by_fold


# ---------------------------------------------------------------- find_places
def test_find_places_spans_and_entries() -> None:
    text = ("A drone hit Tower 22 in Jordan on 28 January; on 7 February a US strike in "
            "Baghdad's Mashtal district (المشتل) followed raids near Al-Qa'im and in "
            "Deir ez-Zor. The shipping lanes of the Red Sea stayed at risk.")
    mentions = find_places(text)
    for m in mentions:
        assert text[m["start"]:m["end"]] == m["surface"]
    by_surface = {m["surface"]: m for m in mentions}
    assert by_surface["Tower 22"]["kind"] == "outpost"
    assert by_surface["Baghdad"]["kind"] == "city"  # found before the possessive 's
    assert by_surface["Jordan"]["kind"] == "country"
    assert by_surface["Mashtal"]["source_id"] == "sites:mashtal"
    assert by_surface["المشتل"]["name"] == "Mashtal"
    assert by_surface["Al-Qa'im"]["country"] == "IRQ"
    assert by_surface["Deir ez-Zor"]["name"] == "Deir ez-Zor"
    assert by_surface["Red Sea"]["kind"] == "sea"
    assert "on" not in {m["surface"].lower() for m in mentions}
    starts = [m["start"] for m in mentions]
    assert starts == sorted(starts)


def test_find_places_skips_news_words_but_not_curated_names() -> None:
    text = "US Central Command said Union III in Baghdad was hit; Ansar Allah denied it."
    surfaces = [m["surface"] for m in find_places(text)]
    assert surfaces == ["Union III", "Baghdad"]


def test_find_places_longest_only() -> None:
    text = "Fighting in New Baghdad."
    longest = [m["surface"] for m in find_places(text)]
    assert longest == ["New Baghdad"]
    every = [m["surface"] for m in find_places(text, longest_only=False)]
    assert {"New Baghdad", "Baghdad"} <= set(every)


def test_default_geocoder_is_reused() -> None:
    geocode("Tower 22")
    first = geocoder_module._DEFAULT[("gazetteer",)]
    geocode("Baghdad")
    assert geocoder_module._DEFAULT[("gazetteer",)] is first


# ---------------------------------------------------------------- the on-disk index
@pytest.mark.slow
def test_index_is_built_cached_and_rebuilt_when_damaged(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from geoconflict.geocoder import _gazetteer as gazetteer

    monkeypatch.setenv("GEOCONFLICT_CACHE_DIR", str(tmp_path))
    gazetteer._load_base.cache_clear()
    try:
        built = gazetteer._load_base()
        path = gazetteer._index_path()
        assert path.parent == tmp_path
        assert path.exists()
        assert path.suffix == ".npz"
        assert "baghdad" in built.by_fold
        gazetteer._load_base.cache_clear()
        loaded = gazetteer._load_base()  # from the cache this time
        assert loaded.by_fold.get("baghdad") == built.by_fold.get("baghdad")
        assert loaded.by_skel.get(skeleton(fold("Dayr az Zawr")))
        path.write_bytes(path.read_bytes()[:1000])  # truncated: a damaged cache
        gazetteer._load_base.cache_clear()
        with pytest.warns(UserWarning, match="unreadable"):
            rebuilt = gazetteer._load_base()
        assert len(rebuilt) == len(built)
    finally:
        gazetteer._load_base.cache_clear()


def test_scan_reads_lower_case_assimilated_articles(coder: Geocoder) -> None:
    # "ad" before a capital is the article in "Şalāḩ ad Dīn"; "at" stays English.
    found = coder.find_places("gunmen attacked a checkpoint in Amirli (Şalāḩ ad Dīn)")
    assert [r["surface"] for r in found][-1] == "Şalāḩ ad Dīn"
    assert [r["name"] for r in coder.find_places("a strike at Tower 22")] == ["Tower 22"]
