"""Zonal exposure: known sums on constant rasters, partial pixels, CRS, nodata, windows."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pytest
import shapely
from test_raster_helpers import UTM37, X0, Y0, cell_lonlat, write_raster

from geoconflict.errors import RasterError
from geoconflict.proximity._engine import rings
from geoconflict.raster._analysis import density, zonal_exposure


def _bases(*cells: tuple[float, float]) -> gpd.GeoDataFrame:
    lonlat = [cell_lonlat(r, c) for r, c in cells]
    return gpd.GeoDataFrame({"id": [f"b{i}" for i in range(len(cells))],
                             "name": [f"Base {i}" for i in range(len(cells))]},
                            geometry=gpd.points_from_xy(*zip(*lonlat, strict=True)), crs=4326)


def test_constant_population_sum_is_density_times_area(tmp_path: Path) -> None:
    # 5 people per 100 m pixel = 500 people per km², raster in UTM, rings in WGS84.
    raster = write_raster(tmp_path / "pop.tif", np.full((600, 600), 5.0, "float32"))
    zones = rings(_bases((300, 300), (200, 250), (350, 400)), ["2km", "10km"])
    assert zones.crs.to_epsg() == 4326
    out = zonal_exposure(zones, raster, ("sum", "mean", "max", "min", "count", "area_km2"))
    expected = 500 * math.pi * (out["radius_m"] / 1000) ** 2
    # UTM's scale factor here (~0.9997) distorts grid areas by < 0.1%.
    assert np.allclose(out["sum"], expected, rtol=0.003)
    assert np.allclose(out["area_km2"], math.pi * (out["radius_m"] / 1000) ** 2, rtol=0.003)
    assert np.allclose(out["count"], out["sum"] / 5)
    assert np.allclose(out["mean"], 5.0)
    assert (out["max"] == 5.0).all()
    assert (out["min"] == 5.0).all()
    assert np.allclose(out["nodata_fraction"], 0.0, atol=1e-9)
    # Zones keep their order, CRS and attributes.
    assert out.crs == zones.crs
    assert out["label"].tolist() == zones["label"].tolist()


def test_partial_pixels_count_by_the_area_inside(tmp_path: Path) -> None:
    # Pixel values = column index; a box from column 2.5 to 4.5 and rows 1 to 3.
    data = np.tile(np.arange(10, dtype="float32"), (10, 1))
    raster = write_raster(tmp_path / "cols.tif", data, res=100.0)
    box = shapely.box(X0 + 250, Y0 - 300, X0 + 450, Y0 - 100)
    zones = gpd.GeoDataFrame(geometry=[box], crs=UTM37)
    out = zonal_exposure(zones, raster, ("sum", "mean", "max", "min", "count"))
    # Per row: half of column 2, all of 3, half of 4 -> 1 + 3 + 2 = 6; two rows.
    assert out["sum"].iloc[0] == pytest.approx(12.0, abs=1e-9)
    assert out["count"].iloc[0] == pytest.approx(4.0, abs=1e-9)
    assert out["mean"].iloc[0] == pytest.approx(3.0, abs=1e-9)
    assert out["max"].iloc[0] == 4.0
    assert out["min"].iloc[0] == 2.0
    # A circle of radius 1.7 pixels: the exact weights sum to its area in pixels.
    circle = shapely.Point(X0 + 520, Y0 - 480).buffer(170, quad_segs=256)
    out = zonal_exposure(gpd.GeoDataFrame(geometry=[circle], crs=UTM37), raster, ["count"])
    assert out["count"].iloc[0] == pytest.approx(circle.area / 100**2, rel=1e-9)


def test_nodata_and_raster_edges(tmp_path: Path) -> None:
    data = np.full((400, 400), 2.0, dtype="float32")
    data[:, 200:] = -1.0  # eastern half without data
    raster = write_raster(tmp_path / "half.tif", data, nodata=-1.0)
    # A 5 km ring on the nodata edge: half of it counts.
    zones = rings(_bases((200, 199.5)), ["5km"])
    out = zonal_exposure(zones, raster, ("sum", "mean", "count"))
    full = 2.0 * math.pi * 25 / 0.01
    assert out["sum"].iloc[0] == pytest.approx(full / 2, rel=0.01)
    assert out["mean"].iloc[0] == pytest.approx(2.0)
    assert out["nodata_fraction"].iloc[0] == pytest.approx(0.5, abs=0.01)
    # A ring hanging off the raster's western edge: the missing part is reported.
    edge = zonal_exposure(rings(_bases((200, -0.5)), ["5km"]), raster, ["sum"])
    assert edge["sum"].iloc[0] == pytest.approx(full / 2, rel=0.02)
    assert edge["nodata_fraction"].iloc[0] == pytest.approx(0.5, abs=0.02)
    # A ring entirely off the raster: NaN statistics, all nodata.
    off = zonal_exposure(rings(_bases((200, -500)), ["5km"]), raster, ["sum", "count"])
    assert math.isnan(off["sum"].iloc[0])
    assert off["count"].iloc[0] == 0
    assert off["nodata_fraction"].iloc[0] == 1.0


def test_nan_nodata_is_honoured(tmp_path: Path) -> None:
    data = np.full((100, 100), 1.0, dtype="float32")
    data[:50] = np.nan
    raster = write_raster(tmp_path / "nan.tif", data, nodata=float("nan"))
    box = shapely.box(X0, Y0 - 10_000, X0 + 10_000, Y0)
    out = zonal_exposure(gpd.GeoDataFrame(geometry=[box], crs=UTM37), raster,
                         ("sum", "mean"))
    assert out["sum"].iloc[0] == pytest.approx(5000)
    assert out["mean"].iloc[0] == pytest.approx(1.0)
    assert out["nodata_fraction"].iloc[0] == pytest.approx(0.5)


def test_geographic_raster_integral_uses_true_pixel_areas(tmp_path: Path) -> None:
    # 100 incidents (or people) per km² on a 0.01 deg grid in EPSG:4326 (like WorldPop).
    data = np.full((300, 300), 100.0, dtype="float32")
    raster = write_raster(tmp_path / "geo.tif", data, crs="EPSG:4326", x0=37.0, y0=35.0,
                          res=0.01)
    pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy([38.5], [33.5]), crs=4326)
    out = zonal_exposure(rings(pts, ["10km"]), raster, ("integral", "area_km2", "mean"))
    assert out["integral"].iloc[0] == pytest.approx(100 * math.pi * 100, rel=0.005)
    assert out["area_km2"].iloc[0] == pytest.approx(math.pi * 100, rel=0.005)
    assert out["mean"].iloc[0] == pytest.approx(100.0)


def test_density_surface_integral_is_the_expected_incident_count(tmp_path: Path) -> None:
    pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy([44.4] * 10, [33.3] * 10), crs=4326)
    path = tmp_path / "d.tif"
    density(pts, cell="500m", bandwidth="3km", path=path)
    out = zonal_exposure(rings(pts.iloc[:1], ["3km", "6km", "30km"]), path, ["integral"])
    # Mass of a 2-D Gaussian within radius r: 1 - exp(-r² / 2 sigma²).
    expected = [10 * (1 - math.exp(-(r**2) / 18)) for r in (3, 6, 30)]
    assert out["integral"].to_numpy() == pytest.approx(expected, rel=0.02)


class _RecordingDataset:
    """Forwards to a rasterio dataset and records every window read."""

    def __init__(self, src: Any) -> None:
        self._src = src
        self.windows: list[Any] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._src, name)

    def read(self, *args: Any, window: Any = None, **kwargs: Any) -> Any:
        self.windows.append(window)
        return self._src.read(*args, window=window, **kwargs)


def test_reads_only_the_windows_under_the_zone(tmp_path: Path) -> None:
    import rasterio

    from geoconflict.raster._zonal import BLOCK, zone_stats

    raster = write_raster(tmp_path / "big.tif", np.ones((3000, 3000), "float32"), tiled=True)
    small = shapely.Point(X0 + 150_000, Y0 - 150_000).buffer(2_000)
    large = shapely.Point(X0 + 150_000, Y0 - 150_000).buffer(140_000)
    with rasterio.open(raster) as src:
        spy = _RecordingDataset(src)
        stats = zone_stats(spy, small, ("sum",))
        assert stats["sum"] == pytest.approx(small.area / 1e4, rel=1e-9)
        assert len(spy.windows) == 1
        win = spy.windows[0]
        assert win.width <= 42
        assert win.height <= 42
        # A zone larger than a block is read block by block, never whole.
        spy.windows.clear()
        stats = zone_stats(spy, large, ("sum",))
        assert stats["sum"] == pytest.approx(large.area / 1e4, rel=1e-9)
        assert len(spy.windows) == 4
        assert all(w.width <= BLOCK and w.height <= BLOCK for w in spy.windows)


def test_exposure_errors_name_the_problem(tmp_path: Path) -> None:
    raster = write_raster(tmp_path / "r.tif", np.ones((10, 10), "float32"))
    zones = rings(_bases((5, 5)), ["200m"])
    with pytest.raises(RasterError, match="unknown statistic"):
        zonal_exposure(zones, raster, ["median"])
    with pytest.raises(RasterError, match="polygons"):
        zonal_exposure(_bases((5, 5)), raster)
    with pytest.raises(RasterError, match="cannot open raster"):
        zonal_exposure(zones, tmp_path / "missing.tif")
    with pytest.raises(RasterError, match="band 3"):
        zonal_exposure(zones, raster, band=3)


@pytest.mark.parametrize("geom", [
    shapely.Point(11.03, 19.02).buffer(0.37, quad_segs=10),
    shapely.Polygon([(10, 20), (12, 20.5), (11, 18)]),  # reaches past the window
    shapely.Point(11, 19).buffer(0.5).difference(shapely.Point(11.1, 19).buffer(0.2)),
    shapely.MultiPolygon([shapely.box(10.05, 19.05, 10.33, 19.37),
                          shapely.box(10.6, 19.6, 10.61, 19.95)]),
    shapely.Polygon([(10.5, 19.5), (10.52, 19.9), (10.9, 19.6), (10.7, 19.55), (10.75, 19.2)]),
])
def test_pixel_fractions_equal_shapely_intersections(geom: Any) -> None:
    from affine import Affine

    from geoconflict.raster._zonal import _fractions

    transform = Affine(0.1, 0, 10, 0, -0.1, 20)
    fast = _fractions(geom, (20, 20), transform)
    rows, cols = np.indices((20, 20))
    x0, y1 = 10 + cols * 0.1, 20 - rows * 0.1
    boxes = shapely.box(x0, y1 - 0.1, x0 + 0.1, y1)
    exact = shapely.area(shapely.intersection(boxes, geom)) / 0.01
    assert np.abs(fast - exact).max() < 1e-9


def test_empty_and_missing_zones(tmp_path: Path) -> None:
    raster = write_raster(tmp_path / "r.tif", np.ones((10, 10), "float32"))
    zones = rings(_bases((5, 5)), ["200m"])
    none = zonal_exposure(zones.iloc[:0], raster, ("sum", "max"))
    assert list(none.columns[-3:]) == ["sum", "max", "nodata_fraction"]
    assert len(none) == 0
    zones.loc[1] = zones.loc[0]
    zones.loc[1, "geometry"] = None
    out = zonal_exposure(zones, raster, ("sum", "count"))
    assert out["sum"].iloc[0] == pytest.approx(math.pi * 4, rel=0.01)
    assert math.isnan(out["sum"].iloc[1])
    assert out["count"].iloc[1] == 0


def _reference_pixels(zones: gpd.GeoDataFrame, crs: Any, extent: Any,
                      pixel_area: float) -> np.ndarray:
    """Each zone's area in pixels: reprojected to ``crs``, cut to the raster extent."""
    return np.array([g.intersection(extent).area / pixel_area
                     for g in zones.geometry.to_crs(crs)])


@pytest.mark.parametrize("crs", ["EPSG:4326", UTM37])
def test_sum_over_ones_is_each_rings_area_in_pixels(tmp_path: Path, crs: str) -> None:
    # Regression: windows rounded by rasterio 1.4's round_offsets/round_lengths (which
    # ignore op=) dropped a zone's edge row or column: up to 1e-3 low on this grid.
    n = 800
    if crs == "EPSG:4326":
        res, x0, y0 = 0.001, 38.3, 33.6
    else:
        res, x0, y0 = 100.0, X0, Y0
    raster = write_raster(tmp_path / "ones.tif", np.ones((n, n), "float32"), crs=crs,
                          x0=x0, y0=y0, res=res)
    extent = shapely.box(x0, y0 - n * res, x0 + n * res, y0)
    # 150 centres, some off the raster so rings hang over its edges.
    from pyproj import Transformer

    rng = np.random.default_rng(19)
    x = x0 + rng.uniform(-0.02, 1.02, 150) * n * res
    y = y0 - rng.uniform(-0.02, 1.02, 150) * n * res
    lon, lat = Transformer.from_crs(crs, 4326, always_xy=True).transform(x, y)
    points = gpd.GeoDataFrame({"id": [f"p{i}" for i in range(150)]},
                              geometry=gpd.points_from_xy(lon, lat), crs=4326)
    zones = rings(points, ["2km", "5km"])
    out = zonal_exposure(zones, raster, ("sum", "count"))
    expected = _reference_pixels(zones, crs, extent, res * res)
    assert len(out) == 300
    assert (expected > 0).all()
    np.testing.assert_allclose(out["sum"].to_numpy(), expected, rtol=1e-9)
    np.testing.assert_allclose(out["count"].to_numpy(), expected, rtol=1e-9)


def test_pixel_bounds_floor_the_start_and_ceil_the_end() -> None:
    from affine import Affine

    from geoconflict.raster._zonal import pixel_bounds

    t = Affine(1.0, 0.0, 0.0, 0.0, -1.0, 100.0)
    # Columns 2.95..7.15 and rows 3.95..9.05 (y down): every touched pixel is kept.
    assert pixel_bounds((2.95, 90.95, 7.15, 96.05), t, 50, 50) == (2, 3, 8, 10)
    # Whole-pixel bounds add no extra pixel; off-raster parts are clipped.
    assert pixel_bounds((2.0, 90.0, 7.0, 96.0), t, 50, 50) == (2, 4, 7, 10)
    assert pixel_bounds((-5.5, 40.0, 3.2, 120.0), t, 50, 50) == (0, 0, 4, 50)
    # Entirely outside: an empty range.
    assert pixel_bounds((60.0, 90.0, 70.0, 96.0), t, 50, 50) == (60, 4, 60, 10)
