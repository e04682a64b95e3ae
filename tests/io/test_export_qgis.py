"""GeoPackage exports carry QGIS default styles in ``layer_styles``, read back here."""

from __future__ import annotations

import sqlite3
import xml.etree.ElementTree as ET
from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest
import shapely
from support import TEST_DATA

from geoconflict._styles import EVENT_STYLES, LAYER_STYLES, OTHER_STYLE
from geoconflict.io import export, read_features
from geoconflict.io._qgis import STYLE_NAME, layer_kind, write_layer_styles

DATA = TEST_DATA / "export"
QGIS_COLUMNS = ["id", "f_table_catalog", "f_table_schema", "f_table_name",
                "f_geometry_column", "styleName", "styleQML", "styleSLD", "useAsDefault",
                "description", "owner", "ui", "update_time"]


def _rgba(color: str, alpha: int = 255) -> str:
    return ",".join(str(int(color[i:i + 2], 16)) for i in (1, 3, 5)) + f",{alpha}"


def _styles(path: Path) -> dict[str, dict[str, object]]:
    con = sqlite3.connect(path)
    try:
        con.row_factory = sqlite3.Row
        columns = [row[1] for row in con.execute("PRAGMA table_info(layer_styles)")]
        assert columns == QGIS_COLUMNS
        rows = [dict(r) for r in con.execute("SELECT * FROM layer_styles ORDER BY id")]
    finally:
        con.close()
    return {str(r["f_table_name"]): r for r in rows}


def _props(symbol: ET.Element) -> dict[str, str]:
    layer = symbol.find("layer")
    assert layer is not None
    new = {o.get("name"): o.get("value") for o in layer.findall("Option/Option")}
    old = {p.get("k"): p.get("v") for p in layer.findall("prop")}
    assert new == old  # both spellings QGIS reads, identical
    return {str(k): str(v) for k, v in new.items()}


@pytest.fixture
def scenario(tmp_path: Path) -> Path:
    incidents = read_features(DATA / "incidents.geojson")
    bases = read_features(DATA / "bases.geojson")
    rings = gpd.GeoDataFrame(
        {"id": ["a"], "radius_m": [25_000.0], "label": ["25 km"]},
        geometry=[shapely.Point(44.4, 33.3).buffer(0.2)], crs=4326)
    lane = gpd.GeoDataFrame({"name": ["Red Sea lane"]},
                            geometry=[shapely.LineString([(42, 14), (40, 18)])], crs=4326)
    sites = gpd.GeoDataFrame({"name": ["Mashtal", "Rukban"], "kind": ["a", "b"]},
                             geometry=shapely.points([(44.5, 33.3), (38.7, 33.3)]), crs=4326)
    out = tmp_path / "scenario.gpkg"
    export({"incidents": incidents, "deployments": bases, "rings_25km": rings,
            "red_sea_lane": lane, "sites": sites}, out)
    return out


def test_incidents_are_categorised_by_event_type(scenario: Path) -> None:
    styles = _styles(scenario)
    row = styles["incidents"]
    assert row["styleName"] == STYLE_NAME
    assert row["useAsDefault"] == 1
    assert row["f_geometry_column"] == "geom"
    assert row["f_table_catalog"] == row["f_table_schema"] == ""
    assert str(row["update_time"]).endswith("Z")
    root = ET.fromstring(str(row["styleQML"]))  # well-formed XML
    assert root.tag == "qgis"
    renderer = root.find("renderer-v2")
    assert renderer is not None
    assert renderer.get("type") == "categorizedSymbol"
    assert renderer.get("attr") == "event_type"
    categories = renderer.findall("categories/category")
    values = [c.get("value") for c in categories]
    # One category per ACLED event type, in legend order, then the catch-all.
    assert values == [*EVENT_STYLES, ""]
    assert categories[-1].get("label") == "other"
    symbols = {s.get("name"): s for s in renderer.findall("symbols/symbol")}
    assert len(symbols) == len(EVENT_STYLES) + 1
    for category, style in zip(categories, [*EVENT_STYLES.values(), OTHER_STYLE],
                               strict=True):
        symbol = symbols[category.get("symbol")]
        assert symbol.get("type") == "marker"
        props = _props(symbol)
        assert props["name"] == style.shape
        assert props["color"].rsplit(",", 1)[0] == _rgba(style.color).rsplit(",", 1)[0]
    assert root.findtext("layerGeometryType") == "0"


def test_other_layers_get_their_layer_style(scenario: Path) -> None:
    styles = _styles(scenario)
    assert sorted(styles) == ["deployments", "incidents", "red_sea_lane", "rings_25km",
                              "sites"]
    expected = {  # layer -> (symbol type, colour property, colour)
        "deployments": ("marker", "color", LAYER_STYLES["deployments"]["fillColor"]),
        "rings_25km": ("fill", "outline_color", LAYER_STYLES["rings"]["color"]),
        "red_sea_lane": ("line", "line_color", LAYER_STYLES["lanes"]["color"]),
        "sites": ("marker", "color", LAYER_STYLES["places"]["fillColor"]),
    }
    for name, (family, key, colour) in expected.items():
        root = ET.fromstring(str(styles[name]["styleQML"]))
        assert root.tag == "qgis"
        renderer = root.find("renderer-v2")
        assert renderer is not None
        assert renderer.get("type") == "singleSymbol", name
        (symbol,) = renderer.findall("symbols/symbol")
        assert symbol.get("type") == family, name
        props = _props(symbol)
        assert props[key].rsplit(",", 1)[0] == _rgba(colour).rsplit(",", 1)[0], name
    rings = _props(ET.fromstring(str(styles["rings_25km"]["styleQML"])).find(
        "renderer-v2/symbols/symbol"))  # type: ignore[arg-type]
    assert rings["style"] == "no"  # outline only, dashed
    assert rings["outline_style"] == "dash"
    lane = _props(ET.fromstring(str(styles["red_sea_lane"]["styleQML"])).find(
        "renderer-v2/symbols/symbol"))  # type: ignore[arg-type]
    assert lane["use_custom_dash"] == "1"
    assert lane["customdash"] == "8;6"
    deployments = ET.fromstring(str(styles["deployments"]["styleQML"]))
    assert deployments.find("labeling/settings/text-style").get("fieldName") == "name"  # type: ignore[union-attr]


def test_the_gpkg_stays_valid_and_appending_replaces_our_row(scenario: Path) -> None:
    layers = sorted(pyogrio.list_layers(scenario)[:, 0])
    assert layers == ["deployments", "incidents", "layer_styles", "red_sea_lane",
                      "rings_25km", "sites"]
    con = sqlite3.connect(scenario)
    try:
        kind = con.execute("SELECT data_type FROM gpkg_contents "
                           "WHERE table_name = 'layer_styles'").fetchone()
        # A user's own style for the layer, saved from QGIS.
        con.execute("INSERT INTO layer_styles (f_table_name, f_geometry_column, styleName, "
                    "styleQML, useAsDefault) VALUES ('incidents', 'geom', 'mine', "
                    "'<qgis/>', 1)")
        con.commit()
    finally:
        con.close()
    assert kind == ("attributes",)
    assert len(read_features(scenario, layer="incidents")) == 3
    export(read_features(DATA / "incidents.geojson").iloc[:1], scenario, layer="incidents",
           append=True, overwrite=True)
    con = sqlite3.connect(scenario)
    try:
        rows = con.execute("SELECT styleName, useAsDefault FROM layer_styles "
                           "WHERE f_table_name = 'incidents' ORDER BY styleName").fetchall()
    finally:
        con.close()
    assert rows == [("geoconflict", 1), ("mine", 0)]
    assert len(read_features(scenario, layer="incidents")) == 1


def test_layer_kind_by_content_then_name() -> None:
    assert layer_kind("anything", ["event_type", "name"]) == "incidents"
    assert layer_kind("bases", ["name"]) == "deployments"
    assert layer_kind("layer1", ["operator", "name"]) == "deployments"
    assert layer_kind("layer2", ["radius_m", "label"]) == "rings"
    assert layer_kind("shipping_lanes", []) == "lanes"
    assert layer_kind("curated_sites", []) == "sites"
    assert layer_kind("roads", ["highway"]) == "layers"


def test_layers_without_geometry_get_no_style(tmp_path: Path) -> None:
    out = tmp_path / "x.gpkg"
    empty = gpd.GeoDataFrame({"name": ["a"]}, geometry=[None], crs=4326)
    export(empty, out)
    assert write_layer_styles(out, {"x": empty}) == 0
    assert "layer_styles" not in set(pyogrio.list_layers(out)[:, 0])


def test_a_one_layer_gpkg_reads_back_without_naming_the_layer(tmp_path: Path) -> None:
    import warnings

    out = tmp_path / "bases.gpkg"
    bases = read_features(DATA / "bases.geojson")
    export(bases, out)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "More than one layer found" for layer_styles
        back = read_features(out)
    assert list(back["name"]) == list(bases["name"])
