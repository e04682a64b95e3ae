"""The shared internals every stage uses: settings, inputs, the polite HTTP client, styles."""

from __future__ import annotations

import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely

from geoconflict import _config, _http, _inputs, _styles
from geoconflict.errors import MissingGeometryWarning, ProviderError, SchemaError


# ------------------------------------------------------------------------ settings
def test_settings_are_read_when_asked(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("GEOCONFLICT_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("GEOCONFLICT_NOMINATIM_URL", "http://127.0.0.1:9/")
    monkeypatch.setenv("GEOCONFLICT_USER_AGENT", "tests/1.0")
    assert _config.cache_dir() == tmp_path
    assert _config.nominatim_url() == "http://127.0.0.1:9"
    assert _config.user_agent() == "tests/1.0"
    monkeypatch.setenv("GEOCONFLICT_NOMINATIM_URL", "")  # empty means unset
    assert _config.nominatim_url() == "https://nominatim.openstreetmap.org"


def test_library_reads_the_same_settings(monkeypatch: pytest.MonkeyPatch,
                                         tmp_path: Path) -> None:
    from geoconflict.geocoder._nominatim import Nominatim
    from geoconflict.roads import OverpassOptions

    monkeypatch.setenv("GEOCONFLICT_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("GEOCONFLICT_NOMINATIM_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("GEOCONFLICT_OVERPASS_URL", "http://127.0.0.1:8/api")
    monkeypatch.setenv("GEOCONFLICT_USER_AGENT", "tests/1.0")
    client = Nominatim()
    assert (client.base_url, client.user_agent) == ("http://127.0.0.1:9", "tests/1.0")
    assert client.cache_dir == tmp_path / "nominatim"
    opts = OverpassOptions()
    assert (opts.url, opts.cache_folder) == ("http://127.0.0.1:8/api", tmp_path / "overpass")


# -------------------------------------------------------------------------- inputs
def test_to_wgs84_reprojects_and_refuses_projected_without_crs() -> None:
    utm = gpd.GeoDataFrame(geometry=[shapely.Point(500000, 3700000)], crs="EPSG:32638")
    wgs = _inputs.to_wgs84(utm)
    assert wgs.crs.equals("EPSG:4326")
    assert wgs.geometry.x[0] == pytest.approx(45.0, abs=1e-6)
    bare = gpd.GeoDataFrame(geometry=[shapely.Point(500000, 3700000)])
    with pytest.raises(SchemaError, match=r"bases\.gpkg has no CRS .*not longitude/latitude"):
        _inputs.to_wgs84(bare, "bases.gpkg")
    lonlat = gpd.GeoDataFrame(geometry=[shapely.Point(44.4, 33.3)])
    assert _inputs.to_wgs84(lonlat) is lonlat  # lon/lat already: no copy


def test_one_point_rule_is_on_the_geometry() -> None:
    # An L-shaped area and a bent lane: their centroids lie outside them.
    ell = shapely.Polygon([(0, 0), (10, 0), (10, 1), (1, 1), (1, 10), (0, 10)])
    bent = shapely.LineString([(0, 0), (10, 0), (10, 10)])
    assert not ell.contains(ell.centroid)
    assert bent.distance(bent.centroid) > 1
    geoms = np.array([shapely.Point(1, 2), ell, bent, None, shapely.Point()], dtype=object)
    lon, lat, ok = _inputs.representative_points(geoms)
    assert ok.tolist() == [True, True, True, False, False]
    assert (lon[0], lat[0]) == (1, 2)
    assert ell.contains(shapely.Point(lon[1], lat[1]))
    assert bent.distance(shapely.Point(lon[2], lat[2])) < 1e-9


def test_missing_geometries_are_counted_in_one_warning_class() -> None:
    ok = np.array([True, False, True, False])
    with pytest.warns(MissingGeometryWarning, match=r"map: 2 of 4 rows .*index 1, 3.*not shown"):
        assert _inputs.warn_missing("map", ok, [0, 1, 2, 3], "they are not shown") == 2
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert _inputs.warn_missing("map", ok[[0, 2]], [0, 2], "x") == 0


def test_files_win_over_dataset_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from geoconflict.datasets import is_dataset_name

    monkeypatch.chdir(tmp_path)
    assert is_dataset_name("deployments")
    (tmp_path / "deployments").write_text("{}")
    assert not is_dataset_name("deployments")
    assert not is_dataset_name("no-such-dataset")


# ----------------------------------------------------------------------------- http
def test_retrying_backs_off_and_honours_retry_after() -> None:
    waits: list[float] = []
    answers = iter([_http.Retry("HTTP 503"), _http.Retry("HTTP 429", retry_after_s=7.0), "ok"])

    def attempt() -> str:
        value = next(answers)
        if isinstance(value, Exception):
            raise value
        return value

    assert _http.retrying(attempt, retries=3, backoff_s=0.5, what="x",
                          sleep=waits.append) == "ok"
    assert waits == [0.5, 7.0]


def test_retrying_gives_up_with_one_clear_error() -> None:
    def attempt() -> None:
        raise _http.Retry("timed out after 1 s")

    with pytest.raises(ProviderError, match=r"^srv: timed out after 1 s after 3 attempts$"):
        _http.retrying(attempt, retries=2, backoff_s=0.0, what="srv", sleep=lambda s: None)


def test_json_cache_is_atomic_and_survives_damage(tmp_path: Path) -> None:
    cache = _http.JsonCache(tmp_path / "c")
    assert cache.get("k") is None
    cache.put("k", [{"name": "بغداد"}])
    assert cache.get("k") == [{"name": "بغداد"}]
    assert [p.suffix for p in (tmp_path / "c").iterdir()] == [".json"]  # no temp left
    cache.path("k").write_text('[{"name": ')  # half a file
    assert cache.get("k") is None


def test_throttle_spaces_requests_per_host() -> None:
    import time

    _http.throttle("http://127.0.0.1:1/a", 0.0)
    start = time.monotonic()
    _http.throttle("http://127.0.0.1:1/b", 0.2)
    assert time.monotonic() - start >= 0.15
    start = time.monotonic()
    _http.throttle("http://127.0.0.2:1/", 0.2)  # another host: no wait
    assert time.monotonic() - start < 0.15


# --------------------------------------------------------------------------- styles
def test_one_style_table_for_map_and_kml() -> None:
    battles = _styles.style_for("Battles")
    assert battles.color == "#0072B2"
    assert _styles.kml_colour(battles.color) == "ffb27200"  # aabbggrr
    assert _styles.style_for("Made-up type") == _styles.OTHER_STYLE
