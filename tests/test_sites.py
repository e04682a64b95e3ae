"""The shared site resolver (geoconflict._sites) used by raster and roads.

Expected coordinates are read from the embedded deployments GeoJSON itself, so the
tests follow the curated data rather than copies of it.
"""

from __future__ import annotations

from typing import Any

import pytest

import geoconflict.datasets
from geoconflict._sites import resolve_site
from geoconflict.errors import GeoconflictError, RasterError, RoadsError


def _deployment(ident: str) -> dict[str, Any]:
    for feature in geoconflict.datasets.load_features("deployments"):
        if feature["properties"]["id"] == ident:
            return feature
    raise AssertionError(f"no deployment {ident!r} in the embedded data")


T22 = _deployment("tower-22")
T22_LON, T22_LAT = (float(v) for v in T22["geometry"]["coordinates"][:2])


@pytest.mark.parametrize("site", [
    "Tower 22",                  # name
    "tower-22",                  # id
    "T22",                       # alias
    "  tower twenty-two  ",      # alias, any case, padded
    "TOWER 22",
])
def test_deployment_by_name_alias_or_id(site: str) -> None:
    assert "T22" in T22["properties"]["aliases"]
    lon, lat, label = resolve_site(site, error=RoadsError)
    assert (lon, lat) == (T22_LON, T22_LAT)
    assert label == "Tower 22"


def test_every_deployment_resolves_by_its_id_to_its_name() -> None:
    for feature in geoconflict.datasets.load_features("deployments"):
        props = feature["properties"]
        lon, lat, label = resolve_site(props["id"], error=RasterError)
        assert label == props["name"]
        assert (lon, lat) == tuple(feature["geometry"]["coordinates"][:2])


@pytest.mark.parametrize("site", [(44.40095, 33.30295), [44.40095, 33.30295],
                                  ("44.40095", "33.30295")])
def test_lon_lat_sequence(site: Any) -> None:
    assert resolve_site(site, error=RasterError) == (44.40095, 33.30295,
                                                    "44.40095,33.30295")


@pytest.mark.parametrize("text", ["44.40095,33.30295", " 44.40095 , 33.30295 "])
def test_lon_lat_string_as_typed_on_the_command_line(text: str) -> None:
    assert resolve_site(text, error=RoadsError) == (44.40095, 33.30295, "44.40095,33.30295")


def test_extreme_but_valid_coordinates() -> None:
    assert resolve_site((-180, -90), error=RoadsError)[:2] == (-180.0, -90.0)
    assert resolve_site("180,90", error=RoadsError)[:2] == (180.0, 90.0)


def test_unknown_name_suggests_close_deployments() -> None:
    with pytest.raises(RoadsError) as info:
        resolve_site("Tower 222", error=RoadsError)
    message = str(info.value)
    assert message.startswith("unknown site 'Tower 222': no deployment named 'Tower 222'")
    assert message.endswith("did you mean 'Tower 22'?")


def test_misspelt_alias_suggests_the_deployment_name() -> None:
    # "Tanff" is close to the alias "Tanf"; the hint names the deployment, once.
    with pytest.raises(RasterError, match=r"did you mean 'Al-Tanf Garrison'\?$"):
        resolve_site("Tanff", error=RasterError)


def test_unknown_name_without_close_match_says_what_to_give() -> None:
    with pytest.raises(RasterError, match="give LON,LAT or a name from") as info:
        resolve_site("qqqqqqqq", error=RasterError)
    assert "did you mean" not in str(info.value)


@pytest.mark.parametrize("site", [(200.0, 95.0), (44.4, 91.0), (-180.5, 0.0), "200,10",
                                  (float("nan"), 33.0)])
def test_out_of_range_coordinates(site: Any) -> None:
    with pytest.raises(RoadsError, match=r"is not a valid \(lon, lat\) in degrees"):
        resolve_site(site, error=RoadsError)


@pytest.mark.parametrize("site", [None, 42, (1.0, 2.0, 3.0), ("a", "b"), (1.0,)])
def test_not_a_site(site: Any) -> None:
    with pytest.raises(RasterError, match=r"site must be \(lon, lat\) or a deployment name"):
        resolve_site(site, error=RasterError)


def test_the_callers_error_class_is_raised() -> None:
    for error in (RasterError, RoadsError):
        with pytest.raises(error) as info:
            resolve_site("Nowhere Base", error=error)
        assert isinstance(info.value, GeoconflictError)
        assert isinstance(info.value, ValueError)
    with pytest.raises(RasterError):
        resolve_site("Nowhere Base", error=RasterError)
    with pytest.raises(RoadsError):
        resolve_site((0.0, 100.0), error=RoadsError)


def test_polygon_deployment_resolves_to_a_point_inside(monkeypatch: pytest.MonkeyPatch
                                                       ) -> None:
    square = {"type": "Polygon", "coordinates": [[[10, 20], [12, 20], [12, 22], [10, 22],
                                                  [10, 20]]]}
    fake = [{"type": "Feature", "geometry": square,
             "properties": {"id": "camp-square", "name": "Camp Square", "aliases": ["CSQ"]}}]
    monkeypatch.setattr(geoconflict.datasets, "load_features", lambda name: fake)
    lon, lat, label = resolve_site("csq", error=RoadsError)
    assert label == "Camp Square"
    assert 10 < lon < 12
    assert 20 < lat < 22
