"""Unit tests of the web map builder: payload, escaping, self-containment, fragments."""

from __future__ import annotations

import json
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import LineString, Point, Polygon

import geoconflict as gc
from geoconflict._styles import EVENT_STYLES
from geoconflict.errors import ExportError, MapSpecError
from geoconflict.webmap import _map as webmap
from geoconflict.webmap._escape import html_text, js_string, script_json
from geoconflict.webmap._icons import SHAPES, shape_svg

EXTERNAL = re.compile(r"<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)=[\"']?(?:https?:)?//",
                      re.I)


def incidents(n: int = 3, **extra: object) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({
        "event_id": [f"T{i}" for i in range(n)],
        "event_date": pd.Timestamp("2024-01-01") + pd.to_timedelta(np.arange(n) % 40, "D"),
        "event_type": ["Explosions/Remote violence", "Battles", "Protests"] * (n // 3)
        + ["Riots"] * (n % 3),
        "actor1": "Actor A", "actor2": None, "location": "Place", "country": "IRQ",
        "geo_precision": [1, 2, 3] * (n // 3) + [1] * (n % 3),
        "uncertainty_m": np.nan, "fatalities": rng.integers(0, 5, n), "source": "Src",
        "notes": "A note", **extra,
    })
    geom = gpd.points_from_xy(rng.uniform(40, 45, n), rng.uniform(30, 35, n))
    return gpd.GeoDataFrame(frame, geometry=geom, crs="EPSG:4326")


def payload(html: str) -> dict:
    m = re.search(r'<script type="application/json" id="gc-[0-9a-f]+-data">(.*?)</script>',
                  html, re.S)
    assert m, "no map payload in the page"
    return json.loads(m.group(1))


@pytest.fixture(scope="module")
def scenario_html() -> str:
    m = gc.conflict_map(incidents=gc.load_dataset("scenario"),
                        deployments=gc.load_dataset("deployments"),
                        sites=gc.load_dataset("sites"), title="Scenario <test>", timeline=True)
    return m.to_html()


# -- escaping ---------------------------------------------------------------------------

DANGEROUS = ["</script><script>alert(1)</script>", "`${alert(1)}`", "'\"><img src=x>",
             "a\u2028b\u2029c", "\\", "<!--", "&amp;"]


@pytest.mark.parametrize("text", DANGEROUS)
def test_script_json_is_inert_and_round_trips(text: str) -> None:
    out = script_json({"t": text})
    for bad in ("<", ">", "`", "$", "'", "\u2028", "\u2029"):
        assert bad not in out
    assert json.loads(out) == {"t": text}


def test_script_json_nan_is_null() -> None:
    assert script_json([float("nan"), float("inf"), 1.5]) == "[null,null,1.5]"


def test_html_text_and_js_string() -> None:
    assert html_text("<a href='x'>&</a>") == "&lt;a href=&#x27;x&#x27;&gt;&amp;&lt;/a&gt;"
    assert html_text(None) == ""
    assert js_string("${x}`") == '"\\u0024{x}\\u0060"'


def test_legend_svg_shapes() -> None:
    for style in EVENT_STYLES.values():
        svg = shape_svg(style.shape, style.color)
        assert svg.startswith("<svg")
        assert style.color in svg
    assert "<circle" in shape_svg("circle", "#000")
    assert all(abs(x) <= 1 and abs(y) <= 1 for pts in SHAPES.values() for x, y in pts)


# -- the page ---------------------------------------------------------------------------

def test_scenario_page_is_self_contained(scenario_html: str) -> None:
    assert not EXTERNAL.findall(scenario_html)
    assert "cdn.jsdelivr" not in scenario_html
    assert "cdnjs" not in scenario_html
    assert "bootstrap" not in scenario_html.lower()
    assert "font-awesome" not in scenario_html.lower()
    assert "sourceMappingURL" not in scenario_html
    # Leaflet inlined exactly once, with its CSS images as data URIs
    assert scenario_html.count('data-geoconflict-asset="leaflet_js"') == 1
    assert "url(images/" not in scenario_html
    assert "<title>Scenario &lt;test&gt;</title>" in scenario_html


def test_scenario_payload(scenario_html: str) -> None:
    spec = payload(scenario_html)
    inc = spec["incidents"]
    assert len(inc["lat"]) == 12
    assert len(spec["deployments"]) == len(gc.load_dataset("deployments"))
    assert spec["title"] == "Scenario <test>"
    assert spec["options"] == {"cluster": False, "heat": False, "timeline": True,
                               "uncertainty": True}
    # dates are day offsets from day0; the first incident is 2024-01-04
    day0 = pd.Timestamp("1970-01-01") + pd.Timedelta(days=inc["day0"])
    assert day0 == pd.Timestamp("2024-01-04")
    assert inc["days"][0] == 0
    names = [v["name"] for v in spec["vectors"]]
    assert names == ["Maritime areas", "Shipping lanes", "Named sites"]
    tower = next(d for d in spec["deployments"] if d["_title"] == "Tower 22")
    assert tower["tip"] == "Tower 22 (350 troops)"
    assert ["Troops", "350"] in tower["_rows"]
    legend = spec["legend"][0]
    assert legend["title"] == "Incidents (12)"
    assert legend["rows"][0]["label"] == "Explosions/Remote violence"
    assert spec["basemap"]["features"], "offline country outlines missing"


def test_text_columns_dictionary_encoded() -> None:
    m = gc.conflict_map(incidents=incidents(30))
    text = m.spec["incidents"]["text"]
    assert text["actor1"] == {"s": ["Actor A"], "i": [0] * 30}
    assert text["actor2"]["i"] == [-1] * 30
    assert text["event_id"]["v"][:2] == ["T0", "T1"]   # unique ids stored plainly


def test_uncertainty_defaults_from_precision() -> None:
    m = gc.conflict_map(incidents=incidents(3))
    assert m.spec["incidents"]["unc"] == [2000, 15000, 75000]
    assert m.spec["incidents"]["prec"] == [1, 2, 3]


def test_missing_coordinates_are_reported_not_dropped_silently() -> None:
    gdf = incidents(3)
    gdf.loc[1, "geometry"] = None
    with pytest.warns(UserWarning, match="1 incident"):
        m = gc.conflict_map(incidents=gdf)
    assert len(m.spec["incidents"]["lat"]) == 2
    assert "without coordinates" in m.spec["legend"][0]["note"]


def test_projected_input_is_reprojected() -> None:
    gdf = incidents(3).to_crs(3857)
    m = gc.conflict_map(incidents=gdf)
    assert min(m.spec["incidents"]["lat"]) > 29.9
    assert max(m.spec["incidents"]["lon"]) < 45.1


def test_notes_left_out_for_large_inputs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(webmap, "NOTES_MAX_INCIDENTS", 5)
    m = gc.conflict_map(incidents=incidents(9))
    assert "notes" not in m.spec["incidents"]["text"]
    assert "Notes left out" in m.spec["legend"][0]["note"]
    assert "Uncertainty circles left out" in m.spec["legend"][0]["note"]
    kept = gc.conflict_map(incidents=incidents(9), notes=True, uncertainty=True)
    assert kept.spec["incidents"]["text"]["notes"]["s"] == ["A note"]
    assert kept.spec["options"]["uncertainty"] is True


def test_long_notes_are_truncated() -> None:
    m = gc.conflict_map(incidents=incidents(3, notes="x" * 1000))
    note = m.spec["incidents"]["text"]["notes"]["s"][0]
    assert len(note) == webmap.NOTES_MAX_CHARS + 1
    assert note.endswith("…")


def test_cluster_auto(monkeypatch: pytest.MonkeyPatch) -> None:
    assert gc.conflict_map(incidents=incidents(6)).spec["options"]["cluster"] is False
    monkeypatch.setattr(webmap, "CLUSTER_RANGE", (4, 10))
    m = gc.conflict_map(incidents=incidents(6))
    assert m.spec["options"]["cluster"] is True
    assert 'data-geoconflict-asset="markercluster_js"' in m.to_html()
    assert gc.conflict_map(incidents=incidents(12)).spec["options"]["cluster"] is False
    assert gc.conflict_map(incidents=incidents(12), cluster=True).spec["options"]["cluster"]
    with pytest.raises(MapSpecError, match="cluster"):
        gc.conflict_map(incidents=incidents(3), cluster="yes")


def test_heatmap_inlines_folium_heat_plugin() -> None:
    html = gc.conflict_map(incidents=incidents(6), heatmap=True).to_html()
    assert 'data-geoconflict-asset="heat_js"' in html
    assert payload(html)["options"]["heat"] is True
    assert 'data-geoconflict-asset="heat_js"' not in gc.conflict_map(
        incidents=incidents(6)).to_html()


def test_online_tiles_by_provider_name() -> None:
    html = gc.conflict_map(incidents=incidents(3), basemap="OpenStreetMap.Mapnik").to_html()
    assert "tile.openstreetmap.org" in html
    assert payload(html)["tiles"] is True
    with pytest.raises(MapSpecError, match=r"unknown tile provider 'NoSuchTiles'"):
        gc.conflict_map(incidents=incidents(3), basemap="NoSuchTiles")
    own = gc.conflict_map(basemap="https://tiles.example/{z}/{x}/{y}.png").to_html()
    assert "https://tiles.example/{z}/{x}/{y}.png" in own
    assert "Tiles: tiles.example" in own
    with pytest.raises(MapSpecError, match="unknown tile provider"):
        gc.conflict_map(basemap="https://tiles.example/\"><script>/{z}/{x}/{y}")


def test_rings_lanes_and_extra_layers() -> None:
    bases = gc.load_dataset("deployments")
    rings = gc.rings(bases[bases["name"] == "Tower 22"], ["25km", "50km"])
    lane = gpd.GeoDataFrame({"name": ["Lane <x>"]}, geometry=[LineString([(40, 12), (43, 13)])],
                            crs=4326)
    extra = gpd.GeoDataFrame({"name": ["Footprint"], "building": ["yes"]},
                             geometry=[Polygon([(38.7, 33.3), (38.71, 33.3), (38.71, 33.31)])],
                             crs=4326)
    m = gc.conflict_map(rings=rings, lanes=lane, layers={"OSM <footprints>": extra})
    vectors = {v["name"]: v for v in m.spec["vectors"]}
    ring_tips = [f["properties"]["_tip"] for f in vectors["Range rings"]["data"]["features"]]
    assert ring_tips == ["25 km from Tower 22", "50 km from Tower 22"]
    assert vectors["Shipping lanes"]["data"]["features"][0]["properties"]["_tip"] == "Lane <x>"
    rows = vectors["OSM <footprints>"]["data"]["features"][0]["properties"]["_rows"]
    assert ["building", "yes"] in rows
    # without incidents the view fits everything given
    (_south, west), (_north, east) = m.spec["bounds"]
    assert west <= 38.7
    assert east >= 43


@dataclass
class Overlay:
    name: str = "Density <km²>"
    image_png: bytes = b"\x89PNG fake"
    bounds: tuple = ((30.0, 40.0), (35.0, 45.0))
    legend: dict = field(default_factory=lambda: {"low": "#ffffcc", "high": "rgb(200, 0, 0)"})
    opacity: float = 0.6


def test_raster_overlay() -> None:
    m = gc.conflict_map(overlays=[Overlay()])
    ov = m.spec["overlays"][0]
    assert ov["url"].startswith("data:image/png;base64,")
    assert ov["bounds"] == [[30.0, 40.0], [35.0, 45.0]]
    assert m.spec["legend"][-1] == {"title": "Density <km²>", "rows": [
        {"label": "low", "color": "#ffffcc"}, {"label": "high", "color": "rgb(200, 0, 0)"}]}
    with pytest.raises(MapSpecError, match="not a CSS colour"):
        gc.conflict_map(overlays=[Overlay(legend={"x": "red;background:url(//evil)"})])


def test_fragments_are_embeddable_and_distinct() -> None:
    a = gc.conflict_map(incidents=incidents(3)).to_html(fragment=True, height="400px")
    b = gc.conflict_map(incidents=incidents(3)).to_html(fragment=True)
    for frag in (a, b):
        assert frag.startswith('<div class="geoconflict-map"')
        assert "<html" not in frag
        assert "<body" not in frag
        assert "<meta" not in frag
        assert not re.search(r"html,\s*body", frag)
        assert not EXTERNAL.findall(frag)
    assert "height:400px" in a
    ids = [set(re.findall(r'id="(map_[0-9a-f]+|gc-[0-9a-f]+-data)"', f)) for f in (a, b)]
    assert ids[0]
    assert ids[1]
    assert not ids[0] & ids[1]


def test_save_is_atomic_and_respects_overwrite(tmp_path: Path) -> None:
    m = gc.conflict_map(incidents=incidents(3), title="t")
    out = m.save(tmp_path / "m.html")
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    with pytest.raises(ExportError, match="exists"):
        m.save(out, overwrite=False)
    assert not list(tmp_path.glob(".*.tmp"))
    with pytest.raises(ExportError, match="does not exist"):
        m.save(tmp_path / "missing" / "m.html")


def test_repr_html_is_sandboxed_iframe() -> None:
    m = gc.conflict_map(incidents=incidents(3), title="<b>x</b>")
    out = m._repr_html_()
    assert out.startswith("<iframe srcdoc=")
    assert 'sandbox="allow-scripts' in out
    assert "<b>x</b>" not in out
    assert "ConflictMap '<b>x</b>': 3 incidents" in repr(m)


def test_folium_customisation_stays_offline_where_possible() -> None:
    from folium.plugins import Fullscreen, MarkerCluster

    m = gc.conflict_map(incidents=incidents(3))
    MarkerCluster().add_to(m.map)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        html = m.to_html()     # markercluster's CDN links are swapped for inlined copies
    assert not EXTERNAL.findall(html)
    assert 'data-geoconflict-asset="markercluster_js"' in html
    Fullscreen().add_to(m.map)  # a plugin whose assets geoconflict cannot inline
    with pytest.warns(UserWarning, match="external resource"):
        m.to_html()


def test_map_without_anything_still_renders() -> None:
    html = gc.conflict_map().to_html()
    spec = payload(html)
    assert spec["incidents"] is None
    assert spec["bounds"] is None


def test_wrong_input_type() -> None:
    with pytest.raises(TypeError, match="incidents must be a GeoDataFrame"):
        gc.conflict_map(incidents=pd.DataFrame({"a": [1]}))  # type: ignore[arg-type]


def test_non_point_incidents_use_a_point_on_the_shape() -> None:
    gdf = incidents(1)
    gdf.loc[0, "geometry"] = Polygon([(44, 33), (45, 33), (45, 34), (44, 34)])
    m = gc.conflict_map(incidents=gdf)
    lat, lon = m.spec["incidents"]["lat"][0], m.spec["incidents"]["lon"][0]
    assert Polygon([(44, 33), (45, 33), (45, 34), (44, 34)]).contains(Point(lon, lat))


def test_template_syntax_in_data_is_not_evaluated() -> None:
    # branca re-parses macro output as jinja2 templates; data must never go through one
    gdf = incidents(3, notes="{{ 7 * 7 }} {% if true %}x{% endif %} {# c #}")
    html = gc.conflict_map(incidents=gdf, title="{{ 6 * 7 }}").to_html()
    spec = payload(html)
    assert spec["incidents"]["text"]["notes"]["s"] == ["{{ 7 * 7 }} {% if true %}x{% endif %} {# c #}"]
    assert spec["title"] == "{{ 6 * 7 }}"
    assert "<title>{{ 6 * 7 }}</title>" in html
