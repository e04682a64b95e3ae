"""filter_events and deduplicate: values asserted, distances geodesic."""

from __future__ import annotations

import re
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from pyproj import Geod

from geoconflict.events._ingest import deduplicate, filter_events, read_events

TODAY = pd.Timestamp("2025-01-01").date()


@pytest.fixture
def acled(test_data: Path) -> gpd.GeoDataFrame:
    return read_events(test_data / "events" / "acled_current.csv", today=TODAY)


def _ids(gdf: gpd.GeoDataFrame) -> list[str]:
    return list(gdf["event_id"])


def test_filter_dates_inclusive(acled: gpd.GeoDataFrame) -> None:
    assert _ids(filter_events(acled, since="2024-01-28")) == ["IRQ90001", "JOR90002"]
    assert _ids(filter_events(acled, until="2024-01-26")) == ["IRQ90003", "YEM90004"]
    window = filter_events(acled, since="2024-01-26", until=pd.Timestamp("2024-01-28").date())
    assert _ids(window) == ["JOR90002", "YEM90004"]


def test_filter_countries_by_code_or_name(acled: gpd.GeoDataFrame) -> None:
    assert _ids(filter_events(acled, countries="IRQ")) == ["IRQ90001", "IRQ90003"]
    assert _ids(filter_events(acled, countries=["Jordan", "YEM"])) == ["JOR90002", "YEM90004"]


def test_filter_event_and_sub_event_types(acled: gpd.GeoDataFrame) -> None:
    assert len(filter_events(acled, event_types="explosions/remote violence")) == 4
    shelling = filter_events(acled, event_types=["Shelling/artillery/missile attack"])
    assert _ids(shelling) == ["YEM90004"]
    assert len(filter_events(acled, event_types="Battles")) == 0


def test_filter_actors_substring_and_regex(acled: gpd.GeoDataFrame) -> None:
    assert _ids(filter_events(acled, actors="kataib")) == ["IRQ90001"]
    assert _ids(filter_events(acled, actors=re.compile(r"Nujaba|Ansar"))) == [
        "IRQ90003", "YEM90004"]
    # associated actors count too; a substring is not a regex
    assert _ids(filter_events(acled, actors="Popular Mobilization")) == ["IRQ90001"]
    assert len(filter_events(acled, actors="(2021-)")) == 3


def test_filter_bbox_and_geometry(acled: gpd.GeoDataFrame) -> None:
    baghdad = (44.2, 33.1, 44.7, 33.5)
    assert _ids(filter_events(acled, bbox=baghdad)) == ["IRQ90001", "IRQ90003"]
    jordan_box = shapely.box(38.0, 32.0, 39.5, 34.0)
    assert _ids(filter_events(acled, geometry=jordan_box)) == ["JOR90002"]
    combined = filter_events(acled, bbox=baghdad, countries="IRQ", since="2024-02-01")
    assert _ids(combined) == ["IRQ90001"]


def _incidents(rows: list[tuple[str, str, str, float, float, str, int]]) -> gpd.GeoDataFrame:
    frame = pd.DataFrame(rows, columns=["event_id", "origin", "event_date", "lon", "lat",
                                        "event_type", "geo_precision"])
    frame["event_date"] = pd.to_datetime(frame["event_date"])
    return gpd.GeoDataFrame(frame.drop(columns=["lon", "lat"]),
                            geometry=gpd.points_from_xy(frame["lon"], frame["lat"]), crs=4326)


def test_deduplicate_across_sources_geodesic() -> None:
    geod = Geod(ellps="WGS84")
    # a point 4.9 km and one 5.1 km east of Mashtal, on the ellipsoid
    lon49, lat49, _ = geod.fwd(44.47, 33.31, 90, 4_900)
    lon51, lat51, _ = geod.fwd(44.47, 33.31, 90, 5_100)
    gdf = _incidents([
        ("A1", "acled", "2024-02-07", 44.47, 33.31, "Explosions/Remote violence", 2),
        ("U1", "ucdp_ged", "2024-02-07", lon49, lat49, "Explosions/Remote violence", 1),
        ("G1", "gdelt", "2024-02-07", lon51, lat51, "Explosions/Remote violence", 1),
        ("G2", "gdelt", "2024-02-08", 44.47, 33.31, "Explosions/Remote violence", 1),
        ("G3", "gdelt", "2024-02-07", 44.47, 33.31, "Battles", 1),
    ])
    out = deduplicate(gdf, within="5km")
    # A1 and U1 merge (4.9 km); U1 is kept because it is more precise. G1 at 5.1 km from
    # A1 is 200 m from U1, so single linkage merges it too.
    assert _ids(out) == ["U1", "G2", "G3"]
    kept = out.set_index("event_id")
    assert kept.loc["U1", "n_merged"] == 2
    assert kept.loc["U1", "merged_from"] == "acled:A1; gdelt:G1"
    assert kept.loc["G2", "n_merged"] == 0
    assert pd.isna(kept.loc["G2", "merged_from"])
    # with a 4.8 km radius nothing is within reach of A1, but U1-G1 (200 m) still merge
    tight = deduplicate(gdf, within="4.8 km")
    assert _ids(tight) == ["A1", "U1", "G2", "G3"]
    # ignoring the date and type merges everything at the Mashtal point
    loose = deduplicate(gdf, within="5km", same_date=False, same_type=False)
    assert _ids(loose) == ["U1"]
    assert loose.iloc[0]["n_merged"] == 4


def test_deduplicate_far_apart_and_empty() -> None:
    gdf = _incidents([
        ("A", "acled", "2024-01-28", 38.69, 33.32, "Battles", 1),
        ("B", "acled", "2024-01-28", 38.62, 33.51, "Battles", 1),  # Al-Tanf, ~22 km
    ])
    assert _ids(deduplicate(gdf, within="5km")) == ["A", "B"]
    assert _ids(deduplicate(gdf, within="25km")) == ["A"]
    assert len(deduplicate(gdf.iloc[:0])) == 0


def test_deduplicate_after_reading_two_formats(test_data: Path) -> None:
    acled = read_events(test_data / "events" / "acled_current.csv", today=TODAY)
    gdelt = read_events(test_data / "events" / "20240207000000.export.CSV", today=TODAY)
    both = pd.concat([acled, gdelt], ignore_index=True)
    out = deduplicate(both, within="15km")
    # GDELT's Baghdad air strike of 7 Feb (city centroid, about 7 km away) merges into
    # ACLED's Mashtal strike: same precision code, so the first row (ACLED) is kept
    kept = out.set_index("event_id")
    assert "1150000001" not in kept.index
    assert kept.loc["IRQ90001", "merged_from"] == "gdelt:1150000001"
    assert len(out) == len(both) - 1
