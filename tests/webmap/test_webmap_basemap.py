"""The world basemap and place labels of a map, without a browser: level of detail by
extent, clipping with a margin, the coarse backdrop, encoded polylines, label ranking
(capitals, then the places the incidents name), escaping of label names, and sizes."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

import geoconflict as gc
from geoconflict._polyline import decode, encode, encode_many
from geoconflict.webmap import _labels
from geoconflict.webmap._basemap import basemap_payload, clip_box, level_for


def test_polylines_round_trip() -> None:
    rng = np.random.default_rng(3)
    for digits in (2, 3, 4, 5):
        rings = [np.round(rng.uniform(-180, 180, (k, 2)), digits) for k in (1, 2, 50, 0, 7)]
        texts = encode_many(rings, digits)
        assert texts[3] == ""
        for ring, text in zip(rings, texts, strict=True):
            assert text == encode(ring, digits)
            assert np.array_equal(decode(text, digits).reshape(-1, 2), ring.reshape(-1, 2))
            assert not set(text) & set(' ;,"\n')   # CSV- and separator-safe


@pytest.mark.parametrize(("bounds", "level"), [
    (None, "110m"),
    ([[-40, -20], [60, 60]], "110m"),          # a continent
    ([[9, 22], [22, 38]], "50m"),              # Sudan
    ([[10, -12], [20, 16]], "50m"),            # the Sahel
    ([[47, 35.5], [50, 39.5]], "10m"),         # eastern Ukraine
    ([[31.2, 34.2], [31.6, 34.6]], "10m"),     # Gaza
])
def test_level_fits_the_extent(bounds: list[list[float]] | None, level: str) -> None:
    assert level_for(bounds) == level


def test_clip_box_is_the_extent_plus_a_margin_within_the_world() -> None:
    assert clip_box([[31.2, 34.2], [31.6, 34.6]]) == pytest.approx((31.2, 28.2, 37.6, 34.6))
    assert clip_box([[47, 35.5], [50, 39.5]]) == pytest.approx((31.5, 44, 43.5, 53))
    assert clip_box([[-80, -170], [80, 170]]) == (-180.0, -85.0, 180.0, 85.0)


def test_a_country_map_has_its_countries_in_detail_and_the_world_behind() -> None:
    bm = basemap_payload([[47, 35.5], [50, 39.5]])
    assert bm is not None
    assert bm["level"] == "10m"
    backdrop, detail = bm["layers"]
    assert backdrop["level"] == "110m"
    assert detail["level"] == "10m"
    assert {"UKR", "RUS"} <= set(bm["features"])
    assert len(backdrop["features"]) > 150                   # land everywhere else
    gaza = basemap_payload([[31.2, 34.2], [31.6, 34.6]])
    assert gaza is not None
    # countries wholly inside the clip box are drawn by the detailed level only
    assert not {"ISR", "PSE"} & {f["iso"] for f in gaza["layers"][0]["features"]}
    assert {"ISR", "PSE", "EGY", "JOR"} <= {f["iso"] for f in gaza["layers"][1]["features"]}
    assert detail["lines"]
    assert detail["lakes"]          # Natural Earth lakes and reservoirs (the Dnipro's)
    assert backdrop["lakes"]        # Lake Victoria, Lake Chad ... outside the box
    # every decoded vertex of the detail lies in the clip box
    west, south, east, north = bm["box"]
    for feature in detail["features"]:
        for poly in feature["p"]:
            xy = decode(poly[0], detail["digits"])
            assert xy[:, 0].min() >= west - 1e-9
            assert xy[:, 0].max() <= east + 1e-9
            assert xy[:, 1].min() >= south - 1e-9
            assert xy[:, 1].max() <= north + 1e-9
    assert len(json.dumps(bm)) < 600_000
    world = basemap_payload(None)
    assert world is not None
    assert len(world["layers"]) == 1


def incidents_at(places: list[tuple[str | None, float, float]]) -> gpd.GeoDataFrame:
    names, lons, lats = zip(*places, strict=True)
    frame = pd.DataFrame({"event_type": "Battles", "location": list(names),
                          "event_date": "2024-01-01", "fatalities": 1})
    return gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(lons, lats), crs=4326)


def test_capitals_then_named_places_win_and_towns_follow_by_population() -> None:
    # Hodeidah: not GeoNames' spelling (Al Hudaydah), found by position; al-Hudaydah's
    # neighbour Zabid by name (an incident 20 km away naming it)
    m = gc.conflict_map(incidents=incidents_at([("Hodeidah", 42.955, 14.80),
                                                ("Zabid", 43.40, 14.10),
                                                ("Sanaa", 44.21, 15.35)]))
    lab = m.spec["labels"]
    kinds = lab["kind"]
    assert kinds == sorted(kinds)                   # capitals, named, countries, towns
    first = dict(zip(lab["name"], kinds, strict=True))
    assert first["Sanaa"] == 0
    assert first["Al Hudaydah"] == 1
    assert first["Zabid"] == 1
    assert first["Yemen"] == 2                      # countries.csv label points
    assert first["Aden"] == 3
    sent = pd.DataFrame({k: lab[k] for k in ("name", "lon", "lat", "kind")})
    towns = sent[sent["kind"] == 3].merge(_labels._places(), on=["name", "lon", "lat"])
    assert towns["population"].is_monotonic_decreasing
    zoom = dict(zip(lab["name"], lab["zoom"], strict=True))
    assert zoom["Al Hudaydah"] == 0
    assert zoom["Sanaa"] == 2
    assert max(lab["zoom"]) <= 9
    assert any("GeoNames" in a for a in m.spec["attribution"])


def test_no_labels_with_online_tiles() -> None:
    m = gc.conflict_map(incidents=incidents_at([("Aden", 45.04, 12.78)]),
                        basemap="OpenStreetMap.Mapnik")
    assert m.spec["labels"] is None
    assert not any("GeoNames" in a for a in m.spec["attribution"])


def test_label_names_are_escaped_data(monkeypatch: pytest.MonkeyPatch) -> None:
    evil = pd.DataFrame({"name": ["<img src=x onerror=alert(1)>", "</script><b>x"],
                         "lon": [45.0, 45.1], "lat": [12.8, 12.9], "population": [9e5, 8e5],
                         "country": ["YEM", "YEM"], "capital": [0, 0], "geonameid": [1, 2]})
    monkeypatch.setattr(_labels, "_places", lambda: evil)
    page = gc.conflict_map(incidents=incidents_at([(None, 45.04, 12.78)])).to_html()
    assert "<img src=x" not in page
    assert "</script><b>" not in page
    assert "\\u003cimg src=x onerror=alert(1)\\u003e" in page
