"""The analyst's own gazetteers: GeoNames dumps, incident files and places files, from the
API and the CLI, persisted in the cache (small synthetic files in the real formats)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from geoconflict.errors import GazetteerError
from geoconflict.events import places_from_events, read_events
from geoconflict.geocoder import (
    add_gazetteer,
    default_geocoder,
    gazetteer_format,
    list_gazetteers,
    remove_gazetteer,
)

EVENTS = Path(__file__).resolve().parents[1] / "data" / "events"

# Two GeoNames rows in the 19-column dump format: a neighbourhood (PPLX) and a refugee
# camp (CMPRF) that the embedded data does not have.
GEONAMES_ROWS = [
    ["9000001", "Hayy al Qati", "Hayy al Qati", "Hay al-Qatee,حي القطيع", "12.7850",
     "45.0150", "P", "PPLX", "YE", "", "02", "", "", "", "0", "", "10", "Asia/Aden",
     "2024-01-01"],
    ["9000002", "Zamzam Camp", "Zamzam Camp", "Zamzam,مخيم زمزم", "13.4830", "25.3200",
     "S", "CMPRF", "SD", "", "55", "", "", "", "0", "", "700", "Africa/Khartoum",
     "2024-01-01"],
]


def geonames_text() -> str:
    return "".join("\t".join(row) + "\n" for row in GEONAMES_ROWS)


def lookup(query: str, **kw: Any) -> dict[str, Any]:
    return default_geocoder().lookup(query, **kw)


def test_a_geonames_dump_adds_neighbourhoods_and_camps(cache: Path, tmp_path: Path) -> None:
    dump = tmp_path / "YE.txt"
    dump.write_text(geonames_text(), encoding="utf-8")
    assert gazetteer_format(dump) == "geonames"
    report = add_gazetteer(dump)
    assert (report["name"], report["format"], report["entries"]) == ("YE", "geonames", 2)
    rec = lookup("Aden-Hayy al Qati")  # ACLED City-Part: the part is now known
    assert rec["kind"] == "neighbourhood"
    assert rec["source_id"].startswith(f"YE@{report['version']}:geonames:9000001")
    camp = lookup("Zamzam camp")
    assert camp["kind"] == "camp"
    assert lookup("مخيم زمزم")["source_id"] == camp["source_id"]
    assert [g["name"] for g in list_gazetteers()] == ["YE"]


def test_a_zipped_dump_persists_and_is_removed(cache: Path, tmp_path: Path) -> None:
    archive = tmp_path / "SD.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("SD.txt", geonames_text())
        zf.writestr("readme.txt", "GeoNames readme")
    add_gazetteer(archive)
    assert (cache / "gazetteers" / "SD.npz").exists()
    assert lookup("Zamzam Camp")["kind"] == "camp"
    remove_gazetteer("SD")
    assert lookup("Zamzam Camp")["status"] == "unresolved"
    with pytest.raises(GazetteerError, match="no gazetteer named"):
        remove_gazetteer("SD")


def test_incident_history_becomes_a_gazetteer(cache: Path) -> None:
    events = read_events(EVENTS / "ucdp_ged.csv")
    places = places_from_events(events, dataset="ucdp-test")
    assert {"Al-Qaim town"} <= set(places["name"])
    row = places.set_index("name").loc["Al-Qaim town"]
    assert row["n_events"] >= 1
    assert row["source"] == "ucdp-test"
    add_gazetteer(places, name="ucdp-test")
    rec = lookup("Al-Qaim town", country="IRQ")
    assert rec["source_id"].startswith("ucdp-test@")
    assert rec["geometry"]["coordinates"] == pytest.approx([41.09, 34.38])


def test_conflicting_coordinates_take_the_most_precise_consensus() -> None:
    import geopandas as gpd
    import shapely

    events = gpd.GeoDataFrame({
        "location": ["Qaim"] * 4, "country": ["IRQ"] * 4, "event_id": list("abcd"),
        "geo_precision": [1, 1, 1, 2], "uncertainty_m": [2000.0] * 4},
        geometry=[shapely.Point(41.09, 34.38), shapely.Point(41.09, 34.38),
                  shapely.Point(41.20, 34.40), shapely.Point(40.0, 34.0)], crs=4326)
    row = places_from_events(events).iloc[0]
    assert (row["lon"], row["lat"]) == (41.09, 34.38)
    assert row["geo_precision"] == 1
    assert row["n_positions"] == 2  # the precision-2 row does not vote
    assert 9 < row["spread_km"] < 12


def test_a_places_file(cache: Path, tmp_path: Path) -> None:
    path = tmp_path / "my_sites.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [44.39, 35.47]},
         "properties": {"name": "Test Checkpoint 7", "kind": "crossing", "country": "IRQ",
                        "aliases": "TC7|Checkpoint Seven"}}]}), encoding="utf-8")
    assert gazetteer_format(path) == "places"
    add_gazetteer(path)
    rec = lookup("Checkpoint Seven")
    assert (rec["name"], rec["kind"]) == ("Test Checkpoint 7", "crossing")


@pytest.mark.parametrize(("content", "message"), [
    (b"PK\x03\x04 this is no zip", "not a readable zip"),
    (b"name,lon\nA,1\n", "lon and lat"),
])
def test_bad_files_are_refused_and_the_index_kept(cache: Path, tmp_path: Path, content: bytes,
                                                  message: str) -> None:
    good = tmp_path / "YE.txt"
    good.write_text(geonames_text(), encoding="utf-8")
    add_gazetteer(good, name="keep")
    bad = tmp_path / ("bad.zip" if content.startswith(b"PK") else "bad.csv")
    bad.write_bytes(content)
    with pytest.raises(GazetteerError, match=message):
        add_gazetteer(bad, name="keep")
    assert lookup("Zamzam Camp")["kind"] == "camp"  # the earlier one is intact


def test_cli_add_list_remove(cache: Path, tmp_path: Path, run_cli: Any) -> None:
    env = {"GEOCONFLICT_CACHE_DIR": str(cache)}
    proc = run_cli("gazetteer", "add", str(EVENTS / "acled_current.csv"), "--name", "acled",
                   env=env)
    assert "added gazetteer acled" in proc.stderr
    listed = run_cli("gazetteer", "list", env=env)
    assert listed.stdout.startswith("acled")
    assert "acled_current.csv" in listed.stdout  # the incident file it came from
    found = run_cli("geocode", "Baghdad - Mashtal", env=env)
    props = json.loads(found.stdout)["features"][0]["properties"]
    assert props["source_id"].startswith("acled@")
    run_cli("gazetteer", "remove", "acled", env=env)
    assert run_cli("gazetteer", "list", env=env).stdout == ""
    bad = run_cli("gazetteer", "remove", "acled", env=env, check=False)
    assert bad.returncode == 1
    assert "no gazetteer named" in bad.stderr


def test_a_table_needs_a_name() -> None:
    with pytest.raises(GazetteerError, match="name"):
        add_gazetteer(pd.DataFrame({"name": ["x"], "lon": [1.0], "lat": [2.0]}))


def _dump_rows(n: int) -> list[list[str]]:
    """``n`` synthetic rows: Latin names with alternates, every fifth one Arabic-only in
    Iraq (a transliteration country), and the two rows of :data:`GEONAMES_ROWS`."""
    rows = [list(r) for r in GEONAMES_ROWS]
    for i in range(n):
        arabic = i % 5 == 0
        name = "قرية" + "بتثجحخدذرزسش"[i % 12] * 2 if arabic else f"Testville {i}"
        alternates = "" if arabic else f"Tstvl {i},Testvillage {i}"
        rows.append([str(9100000 + i), name, name, alternates, f"{30 + i / 1000:.4f}",
                     f"{40 + i / 1000:.4f}", "P", "PPL", "IQ" if arabic else "FR", "", "01",
                     "", "", "", str(10 * i), "", "50", "Asia/Baghdad", "2024-01-01"])
    return rows


def test_a_dump_in_many_sorted_runs_indexes_like_one(cache: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The streaming reader spills sorted runs to disk and merges them (how a 12-million
    row allCountries adds in bounded memory): with runs of 7 lines the index is the same
    as with one run, mapped or loaded."""
    from geoconflict.geocoder import _dump
    from geoconflict.geocoder._store import load_index, map_index

    dump = tmp_path / "allCountries.txt"
    dump.write_text("".join("\t".join(r) + "\n" for r in _dump_rows(60)), encoding="utf-8")
    add_gazetteer(dump, name="one")
    monkeypatch.setattr(_dump, "RUN", 7)
    add_gazetteer(dump, name="many")
    one, _ = map_index(cache / "gazetteers" / "one.npz")
    many, meta = map_index(cache / "gazetteers" / "many.npz")
    loaded, _ = load_index(cache / "gazetteers" / "many.npz")
    assert meta["entries"] == len(many) == 62
    assert list(one.by_fold.keys) == list(many.by_fold.keys) == list(loaded.by_fold.keys)
    for key in ("testvillage 17", "tstvl 3", "zamzam", "hay qatee"):
        assert one.by_fold.get(key) == many.by_fold.get(key) == loaded.by_fold.get(key) != []
    for i in (0, 2, 61):
        assert (many.name[i], many.kind[i], many.country[i], many.source_id[i]) \
            == (loaded.name[i], loaded.kind[i], loaded.country[i], loaded.source_id[i])
        assert (many.lon[i], many.lat[i], many.geo_precision[i]) \
            == (loaded.lon[i], loaded.lat[i], loaded.geo_precision[i])
    # Skeletons for the places of transliteration countries only (IQ, SD, YE: not FR).
    from geoconflict.geocoder._normalize import fold, skeleton

    assert loaded.by_skel
    assert skeleton(fold("Testville 3")) not in loaded.by_skel
    for skel, names in loaded.by_skel.items():
        assert sorted(many.by_skel.get(skel) or []) == sorted(one.by_skel.get(skel) or []) \
            == sorted(names)
    rec = lookup("Testvillage 17")
    assert rec["source_id"] == f"many@{meta['version']}:geonames:9100017"


def test_a_bad_row_deep_in_a_dump_names_its_line_and_keeps_the_index(
        cache: Path, tmp_path: Path) -> None:
    dump = tmp_path / "XX.txt"
    rows = _dump_rows(30)
    dump.write_text("".join("\t".join(r) + "\n" for r in rows), encoding="utf-8")
    add_gazetteer(dump)
    rows[20][4] = "north"
    dump.write_text("".join("\t".join(r) + "\n" for r in rows), encoding="utf-8")
    with pytest.raises(GazetteerError, match="line 21"):
        add_gazetteer(dump)
    assert lookup("Testville 25")["source_id"].startswith("XX@")


def test_a_damaged_mapped_index_is_skipped_with_a_warning(cache: Path, tmp_path: Path) -> None:
    from geoconflict.errors import CacheWarning

    dump = tmp_path / "YE.txt"
    dump.write_text(geonames_text(), encoding="utf-8")
    add_gazetteer(dump)
    path = cache / "gazetteers" / "YE.npz"
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.warns(CacheWarning, match="YE skipped"):
        assert lookup("Zamzam Camp")["status"] == "unresolved"


def test_an_added_geonames_dump_ranks_like_geonames_not_like_curated(cache: Path,
                                                                     tmp_path: Path) -> None:
    """Every village of allCountries is precision 1: an added dump's 'Jordan' (a town of
    6,000) must not beat the country, nor its 'Mosul' hamlet the city; an incident
    history's precise entry still ranks with the curated ones."""
    rows = [[str(9200000 + i), name, name, "", lat, lon, "P", "PPL", cc, "", "01", "", "",
             "", "6000", "", "300", "Etc/UTC", "2024-01-01"]
            for i, (name, lat, lon, cc) in enumerate((
                ("Jordan", "45.0", "-93.0", "US"), ("Mosul", "10.0", "10.0", "NG")))]
    dump = tmp_path / "US.txt"
    dump.write_text("".join("\t".join(r) + "\n" for r in rows), encoding="utf-8")
    add_gazetteer(dump)
    assert lookup("Jordan")["kind"] == "country"
    assert lookup("Mosul")["country"] == "IRQ"
    add_gazetteer(pd.DataFrame({"name": ["Mosul"], "lon": [10.0], "lat": [10.0],
                                "country": ["NGA"], "geo_precision": [1]}), name="history")
    assert lookup("Mosul")["source_id"].startswith("history@")
