"""Every input format reads into the canonical incident schema with the right values."""

from __future__ import annotations

import io
import math
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from geoconflict import schema
from geoconflict.events import _ingest as ingest
from geoconflict.events import read_events
from geoconflict.events._crosswalk import GDELT_COLUMNS, UCDP_WHERE_PREC

TODAY = pd.Timestamp("2025-01-01").date()


@pytest.fixture
def events_dir(test_data: Path) -> Path:
    return test_data / "events"


def _xy(gdf: gpd.GeoDataFrame, i: int) -> tuple[float, float]:
    g = gdf.geometry.iloc[i]
    return round(g.x, 4), round(g.y, 4)


def _canonical_first(gdf: gpd.GeoDataFrame) -> None:
    assert list(gdf.columns[:len(schema.INCIDENT_COLUMNS)]) == list(schema.INCIDENT_COLUMNS)
    assert gdf.columns[-1] == "geometry"
    assert gdf.crs.equals("EPSG:4326")


def test_acled_current_columns(events_dir: Path) -> None:
    gdf = read_events(events_dir / "acled_current.csv", today=TODAY)
    _canonical_first(gdf)
    assert gdf.attrs["format"] == "acled"
    assert len(gdf) == 4
    first = gdf.iloc[0]
    assert first["event_id"] == "IRQ90001"
    assert first["event_date"] == pd.Timestamp("2024-02-07")
    assert first["event_type"] == "Explosions/Remote violence"
    assert first["sub_event_type"] == "Air/drone strike"
    assert first["actor2"] == "Kataib Hezbollah"
    assert first["country"] == "IRQ"
    assert first["admin1"] == "Baghdad"
    assert first["location"] == "Baghdad - Mashtal"
    assert first["geo_precision"] == 1
    assert first["uncertainty_m"] == schema.DEFAULT_UNCERTAINTY_M[1]
    assert first["fatalities"] == 3
    assert first["origin"] == "acled"
    assert _xy(gdf, 0) == (44.47, 33.31)
    # quoted notes with commas and doubled quotes survive
    assert '"more than 40"' in gdf.iloc[1]["notes"]
    assert gdf.iloc[1]["country"] == "JOR"
    assert gdf.iloc[2]["geo_precision"] == 2
    assert gdf.iloc[2]["uncertainty_m"] == schema.DEFAULT_UNCERTAINTY_M[2]
    assert gdf.iloc[3]["country"] == "YEM"
    # unmapped original columns are kept, after the canonical ones, as written
    for col in ("year", "disorder_type", "assoc_actor_1", "inter1", "iso", "region",
                "admin2", "source_scale", "tags", "timestamp", "country_name"):
        assert col in gdf.columns
    assert gdf.iloc[0]["assoc_actor_2"] == "Popular Mobilization Forces"
    assert gdf.iloc[0]["country_name"] == "Iraq"
    assert gdf.iloc[0]["year"] == "2024"
    assert "latitude" not in gdf.columns


def test_acled_2020_api_export_uses_iso3(events_dir: Path) -> None:
    gdf = read_events(events_dir / "acled_2020_api.csv", today=TODAY)
    assert list(gdf["country"]) == ["IRQ", "SYR"]
    assert list(gdf["event_date"].dt.strftime("%Y-%m-%d")) == ["2020-01-03", "2020-02-10"]
    assert list(gdf["time_precision"]) == [1, 2]
    assert gdf.iloc[0]["data_id"] == "7001"
    assert gdf.iloc[1]["fatalities"] == 7


def test_acled_legacy_uppercase_export(events_dir: Path) -> None:
    gdf = read_events(events_dir / "acled_legacy_upper.csv", today=TODAY)
    assert gdf.attrs["format"] == "acled"
    assert list(gdf["event_id"]) == ["70001YEM", "70002YEM", "70003YEM"]
    # dd/mm/yyyy dates
    assert list(gdf["event_date"].dt.strftime("%Y-%m-%d")) == [
        "2015-03-21", "2015-03-26", "2015-03-28"]
    # pre-2019 event types mapped, original kept
    assert list(gdf["event_type"]) == ["Explosions/Remote violence", "Battles", "Protests"]
    assert gdf.iloc[1]["sub_event_type"] == "Armed clash"
    assert list(gdf["event_type_original"]) == [
        "Remote violence", "Battle-No change of territory", "Riots/Protests"]
    assert set(gdf["country"]) == {"YEM"}
    assert "ALLY_ACTOR_1" in gdf.columns
    assert "GWNO" in gdf.columns
    assert _xy(gdf, 1) == (45.0367, 12.7794)


def test_ucdp_ged_crosswalks(events_dir: Path) -> None:
    gdf = read_events(events_dir / "ucdp_ged.csv", today=TODAY)
    assert gdf.attrs["format"] == "ucdp"
    assert set(gdf["origin"]) == {"ucdp_ged"}
    by_id = gdf.set_index("event_id")
    a = by_id.loc["900001"]
    assert a["event_type"] == "Battles"
    assert a["sub_event_type"] == "Armed clash"
    assert a["geo_precision"] == 1
    assert a["uncertainty_m"] == UCDP_WHERE_PREC[1][1]
    assert (a["fatalities"], a["fatalities_low"], a["fatalities_high"]) == (12, 10, 18)
    assert a["country"] == "IRQ"
    assert a["actor1"] == "Government of United States of America"
    assert a["event_date"] == pd.Timestamp("2024-02-02")
    assert a["location"] == "Al-Qaim town"
    assert a["admin1"] == "Anbar province"
    b = by_id.loc["900002"]
    assert b["event_type"] == "Violence against civilians"
    assert b["sub_event_type"] == "Attack"
    assert b["geo_precision"] == 3
    assert b["uncertainty_m"] == 100_000.0
    assert b["time_precision"] == 2  # date_prec 3 (week)
    c = by_id.loc["900003"]
    assert c["country"] == "YEM"  # "Yemen (North Yemen)"
    assert c["country_name"] == "Yemen (North Yemen)"
    assert c["geo_precision"] == 3
    assert c["uncertainty_m"] == 300_000.0
    assert c["time_precision"] == 3  # date_prec 5
    # where_prec 9 is no UCDP code: precision left empty and the change reported
    d = by_id.loc["900004"]
    assert pd.isna(d["geo_precision"])
    issues = gdf.attrs["ingest"].issues
    assert list(issues["field"]) == ["where_prec"]
    assert list(issues["row"]) == [5]
    assert "relid" in gdf.columns
    assert "geom_wkt" in gdf.columns


def test_gdelt_events(events_dir: Path) -> None:
    gdf = read_events(events_dir / "20240207000000.export.CSV", today=TODAY)
    report = gdf.attrs["ingest"]
    assert report.format == "gdelt"
    assert report.delimiter == "\t"
    assert report.rows_read == 5
    assert len(gdf) == 4
    by_id = gdf.set_index("event_id")
    strike = by_id.loc["1150000001"]
    assert (strike["event_type"], strike["sub_event_type"]) == (
        "Explosions/Remote violence", "Air/drone strike")  # CAMEO 195
    assert strike["country"] == "IRQ"  # FIPS IZ
    assert strike["geo_precision"] == 1
    assert strike["uncertainty_m"] == 5_000.0
    assert strike["actor1"] == "UNITED STATES"
    assert strike["source"] == "https://example.org/a"
    assert strike["event_date"] == pd.Timestamp("2024-02-07")
    assert strike["EventCode"] == "195"
    assert strike["EventRootCode"] == "19"
    protest = by_id.loc["1150000002"]
    assert protest["event_type"] == "Protests"
    assert protest["country"] == "JOR"
    assert protest["geo_precision"] == 3
    assert protest["uncertainty_m"] == 300_000.0
    consult = by_id.loc["1150000003"]
    assert pd.isna(consult["event_type"])  # CAMEO 04x is not an ACLED event
    assert consult["EventCode"] == "042"  # leading zero kept
    bomb = by_id.loc["1150000005"]
    assert bomb["sub_event_type"] == "Suicide bomb"
    assert bomb["country"] == "YEM"
    assert bomb["geo_precision"] == 3  # type 5, ADM1 centroid
    # the row without ActionGeo coordinates is rejected, on its line
    assert list(report.rejects["row"]) == [4]
    assert report.rejects.iloc[0]["field"] == "geometry"
    assert len(GDELT_COLUMNS) == 61
    assert GDELT_COLUMNS[-1] == "SOURCEURL"


def test_generic_semicolon_decimal_commas(events_dir: Path) -> None:
    gdf = read_events(events_dir / "generic_semicolon.csv", today=TODAY)
    report = gdf.attrs["ingest"]
    assert report.format == "csv"
    assert report.delimiter == ";"
    assert _xy(gdf, 0) == (44.47, 33.31)
    assert list(gdf["country"]) == ["IRQ", "JOR"]
    assert list(gdf["fatalities"]) == [3, 3]
    assert list(gdf["location"]) == ["Mashtal", "Tower 22"]
    assert gdf.iloc[0]["notes"] == "Drone strike on a vehicle"
    assert set(gdf["origin"]) == {"csv"}


def test_generic_tsv_lng_and_sub_event_type(events_dir: Path) -> None:
    gdf = read_events(events_dir / "generic.tsv", today=TODAY)
    assert gdf.attrs["ingest"].delimiter == "\t"
    assert list(gdf["event_id"]) == ["a1", "a2"]
    assert _xy(gdf, 1) == (40.45, 35.01)
    assert list(gdf["event_type"]) == ["Explosions/Remote violence"] * 2
    assert list(gdf["sub_event_type"]) == ["Air/drone strike"] * 2


@pytest.mark.parametrize("name", ["incidents.geojson", "incidents.geojsonseq"])
def test_geojson_and_seq(events_dir: Path, name: str) -> None:
    gdf = read_events(events_dir / name, today=TODAY)
    report = gdf.attrs["ingest"]
    assert report.format == name.split(".")[1]
    assert report.rows_read == 4
    assert len(gdf) == 3
    assert list(gdf["event_id"]) == ["s1", "s2", "s3"]
    assert gdf.iloc[0]["actor2"] == "Kataib Hezbollah"
    assert gdf.iloc[2].geometry.geom_type == "Polygon"
    assert gdf.iloc[2]["uncertainty_m"] == schema.DEFAULT_UNCERTAINTY_M[3]
    assert list(gdf["analyst"]) == ["A", "B", "C"]
    assert list(report.rejects["row"]) == [4]  # the feature without geometry


@pytest.mark.parametrize(("suffix", "fmt"), [(".gpkg", "gpkg"), (".parquet", "geoparquet")])
def test_binary_feature_formats(events_dir: Path, tmp_path: Path, suffix: str,
                                fmt: str) -> None:
    src = read_events(events_dir / "acled_current.csv", today=TODAY)
    path = tmp_path / f"incidents{suffix}"
    if fmt == "gpkg":
        src.to_file(path, driver="GPKG")
    else:
        src.to_parquet(path)
    gdf = read_events(path, today=TODAY)
    assert gdf.attrs["format"] == fmt
    assert list(gdf["event_id"]) == list(src["event_id"])
    assert list(gdf["fatalities"]) == [3, 3, 2, 0]
    assert list(gdf["origin"]) == ["acled"] * 4  # provenance survives a round trip
    assert _xy(gdf, 1) == (38.69, 33.32)
    # the same bytes on a stream (stdin) are detected by their magic bytes
    again = read_events(io.BytesIO(path.read_bytes()), today=TODAY)
    assert again.attrs["format"] == fmt
    assert len(again) == 4


def test_file_object_and_stdin(events_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = (events_dir / "acled_current.csv").read_text(encoding="utf-8")
    from_text = read_events(io.StringIO(text), today=TODAY)
    assert len(from_text) == 4
    assert from_text.attrs["source_file"] == "<stream>"

    class Stdin:
        buffer = io.BytesIO(text.encode())

    monkeypatch.setattr(sys, "stdin", Stdin())
    from_stdin = read_events("-", today=TODAY)
    assert from_stdin.attrs["source_file"] == "<stdin>"
    assert list(from_stdin["event_id"]) == list(from_text["event_id"])


def test_dataframe_sources(events_dir: Path) -> None:
    raw = pd.read_csv(events_dir / "acled_current.csv", dtype=str)
    gdf = read_events(raw, today=TODAY)
    assert gdf.attrs["format"] == "acled"
    assert len(gdf) == 4
    assert gdf.iloc[0]["event_id"] == "IRQ90001"
    numeric = pd.DataFrame({"date": ["2024-02-07"], "lat": [33.31], "lon": [44.47],
                            "place": ["Mashtal"]})
    one = read_events(numeric, today=TODAY)
    assert one.attrs["format"] == "dataframe"
    assert _xy(one, 0) == (44.47, 33.31)
    assert one.iloc[0]["location"] == "Mashtal"
    geo = gpd.GeoDataFrame({"date": ["2024-02-07"]},
                           geometry=gpd.points_from_xy([44.47], [33.31]), crs=4326)
    assert math.isclose(read_events(geo, today=TODAY).geometry.iloc[0].y, 33.31)


def test_format_override_and_unknown(events_dir: Path) -> None:
    gdf = read_events(events_dir / "acled_current.csv", format="csv", today=TODAY)
    assert gdf.attrs["format"] == "csv"
    assert gdf.iloc[0]["event_id"] == "IRQ90001"  # generic aliases know ACLED names
    with pytest.raises(ValueError, match="unknown format"):
        read_events(events_dir / "acled_current.csv", format="xls")


def test_geocoding_place_names(events_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import shapely


    calls: list[tuple[list[str], str | None]] = []
    places = {"Mashtal, Baghdad": (44.475, 33.305, 1, 1500.0), "Tower 22": (38.703, 33.314, 1,
                                                                             500.0)}

    class FakeGeocoder:
        @staticmethod
        def geocode(queries: list[str], *, country: str | None = None,
                    context: list | None = None) -> gpd.GeoDataFrame:
            calls.append((list(queries), country))
            rows = []
            for q in queries:
                hit = places.get(q)
                rows.append({"query": q, "name": q if hit else None,
                             "geometry": shapely.Point(hit[0], hit[1]) if hit else None,
                             "geo_precision": hit[2] if hit else None,
                             "uncertainty_m": hit[3] if hit else None,
                             "status": "resolved" if hit else "unresolved"})
            return gpd.GeoDataFrame(rows, geometry="geometry", crs=4326)

    monkeypatch.setattr(ingest, "geocoder", FakeGeocoder)
    path = events_dir / "generic_places.csv"
    without = read_events(path, today=TODAY)
    assert len(without) == 0
    assert without.attrs["ingest"].rejected == 3
    assert calls == []  # geocoding is opt-in
    gdf = read_events(path, geocode=True, today=TODAY)
    assert list(gdf["location"]) == ["Mashtal, Baghdad", "Tower 22"]
    assert _xy(gdf, 0) == (44.475, 33.305)
    assert list(gdf["uncertainty_m"]) == [1500.0, 500.0]
    assert list(gdf["geocode_status"]) == ["resolved", "resolved"]
    assert sorted(c for _, c in calls) == ["IRQ", "JOR"]  # grouped by the row's country
    rejects = gdf.attrs["ingest"].rejects
    assert set(rejects["row"]) == {4}
    assert "not resolved by the geocoder" in " ".join(rejects["reason"])
    assert "Nowhereville" in set(rejects["value"])
