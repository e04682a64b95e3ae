"""Terrain: radar coverage and line of sight on synthetic DEMs with known answers."""

from __future__ import annotations

import math
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from test_raster_helpers import X0, Y0, cell_lonlat, smooth_dem, tower22_dem, write_raster

from geoconflict.errors import RasterError
from geoconflict.raster._analysis import (
    COVERAGE_NODATA,
    HIDDEN,
    STANDARD_K,
    VISIBLE,
    _earth_radius,
    line_of_sight,
    radar_coverage,
)


def _distances(shape: tuple[int, int], row: int, col: int, res: float) -> np.ndarray:
    rr, cc = np.indices(shape)
    return np.hypot(rr - row, cc - col) * res


def _radio_horizon(h1: float, h2: float, lat: float, k: float) -> float:
    kr = k * _earth_radius(lat)
    return math.sqrt(2 * kr * h1) + math.sqrt(2 * kr * h2)


@pytest.mark.parametrize("k", [STANDARD_K, 1.0])
def test_flat_plane_coverage_ends_at_the_radio_horizon(tmp_path: Path, k: float) -> None:
    n, res = 1101, 100.0
    dem = write_raster(tmp_path / "flat.tif", np.zeros((n, n), dtype="float32"), res=res)
    lon, lat = cell_lonlat(550, 550)
    cov = radar_coverage(dem, (lon, lat), 10, 50, "54km", k=k)
    horizon = _radio_horizon(10, 50, lat, k)
    dist = _distances(cov.data.shape, *cov.site_cell, res)
    in_range = cov.data != COVERAGE_NODATA
    assert in_range.sum() == (dist <= 54_000).sum()
    # Every cell a little inside the horizon is visible, every cell beyond it hidden.
    assert (cov.data[in_range & (dist <= horizon - 250)] == VISIBLE).all()
    assert (cov.data[in_range & (dist >= horizon + 250)] == HIDDEN).all()
    visible_km2 = (cov.data == VISIBLE).sum() * res * res / 1e6
    assert visible_km2 == pytest.approx(math.pi * (horizon / 1000) ** 2, rel=0.02)
    # Standard refraction stretches the horizon by sqrt(4/3) over the geometric one.
    expected = 42_200 if k == STANDARD_K else 36_550
    assert horizon == pytest.approx(expected, rel=0.01)


def test_flat_plane_sector_table_is_uniform_and_sums_to_the_disc(tmp_path: Path) -> None:
    n, res = 601, 100.0
    dem = write_raster(tmp_path / "flat.tif", np.zeros((n, n), dtype="float32"), res=res)
    cov = radar_coverage(dem, cell_lonlat(300, 300), 2, 0, "30km")
    table = cov.sectors
    assert table is not None
    assert len(table) == 36
    assert table["bearing_from_deg"].tolist()[:3] == [0.0, 10.0, 20.0]
    assert table["area_km2"].sum() == pytest.approx(math.pi * 30**2, rel=0.01)
    # A 2 m antenna over flat ground: the target on the ground is hidden beyond ~5.8 km.
    horizon = _radio_horizon(2, 0, 33.6, STANDARD_K) / 1000
    assert table["visible_km2"].sum() == pytest.approx(math.pi * horizon**2, rel=0.05)
    assert table["hidden_km2"].std() / table["hidden_km2"].mean() < 0.02
    assert cov.hidden_km2 == pytest.approx(table["hidden_km2"].sum())


def _ridge_dem(tmp_path: Path) -> Path:
    z = np.zeros((201, 201), dtype="float32")
    z[70:131, 119:122] = 100.0  # a 100 m ridge 2 km east of the centre, 6 km long
    return write_raster(tmp_path / "ridge.tif", z, res=100.0)


def test_single_ridge_casts_the_expected_shadow(tmp_path: Path) -> None:
    cov = radar_coverage(_ridge_dem(tmp_path), cell_lonlat(100, 100), 10, 50, "10km")
    assert cov.site_cell == (100, 100)  # the whole 20 km DEM is within range
    rr, cc = np.indices(cov.data.shape)
    dr, dc = rr - 100, cc - 100
    behind = dc > 22
    with np.errstate(divide="ignore", invalid="ignore"):
        # Row offset where the ray enters the ridge's columns.
        front = np.abs(dr * 18.5 / dc)
    # The sight line over a 100 m ridge from a 10 m mast rises faster than any 50 m
    # target: everything whose ray meets the ridge is hidden, the rest visible. Rays
    # passing within 3 cells of the ridge's ends are left out: like every
    # interpolating viewshed (XDraw, GDAL), the sweep blurs a shadow's edge by a cell
    # or two at 9 km (see README, Raster).
    corner = np.abs(front - 30.5) <= 3
    clear = behind & ~corner & (cov.data != COVERAGE_NODATA)
    expected = np.where(front <= 30.5, HIDDEN, VISIBLE)
    agree = (cov.data[clear] == expected[clear]).mean()
    assert agree > 0.999
    everywhere = behind & (cov.data != COVERAGE_NODATA)
    assert (cov.data[everywhere] == expected[everywhere]).mean() > 0.98
    assert cov.data[100, 140] == HIDDEN
    assert cov.data[100, 110] == VISIBLE
    assert cov.data[180, 140] == VISIBLE  # the ray passes south of the wall's end
    # Hidden area only in the eastern sectors.
    table = cov.sectors
    assert table is not None
    west = table[(table.bearing_from_deg >= 180)]
    assert west["hidden_km2"].sum() == 0
    assert table.loc[table.sector.isin([8, 9]), "hidden_km2"].min() > 1.0


def test_line_of_sight_over_the_ridge(tmp_path: Path) -> None:
    dem = _ridge_dem(tmp_path)
    blocked = line_of_sight(dem, cell_lonlat(100, 100), cell_lonlat(100, 160), 10, 50)
    assert not blocked.visible
    assert blocked.obstruction is not None
    assert blocked.obstruction[2] == pytest.approx(1900, abs=60)
    # The ridge's front edge tops the sight line by 100 - (10 + 40 * 1.9/6) = 77.3 m.
    assert blocked.min_clearance_m == pytest.approx(-77.3, abs=1.5)
    assert blocked.distance_m == pytest.approx(6000, rel=0.002)
    clear = line_of_sight(dem, cell_lonlat(100, 100), cell_lonlat(100, 115), 10, 0)
    assert clear.visible
    assert clear.obstruction is None
    assert clear.min_clearance_m > 0
    profile = clear.profile
    assert list(profile.columns) == ["distance_m", "lon", "lat", "ground_m", "earth_bulge_m",
                                     "sightline_m", "clearance_m"]
    assert profile["distance_m"].is_monotonic_increasing
    assert profile["ground_m"].abs().max() < 1e-6


def test_line_of_sight_earth_bulge_blocks_beyond_the_horizon(tmp_path: Path) -> None:
    n = 801
    dem = write_raster(tmp_path / "flat.tif", np.zeros((n, n), dtype="float32"), res=100.0)
    lat = cell_lonlat(400, 0)[1]
    horizon = _radio_horizon(10, 10, lat, STANDARD_K)
    cells = horizon / 100
    near = line_of_sight(dem, cell_lonlat(400, 10), cell_lonlat(400, 10 + cells - 5), 10, 10)
    far = line_of_sight(dem, cell_lonlat(400, 10), cell_lonlat(400, 10 + cells + 5), 10, 10)
    assert near.visible
    assert not far.visible
    # The obstruction is the bulge midway.
    assert far.obstruction is not None
    assert far.obstruction[2] == pytest.approx(far.distance_m / 2, rel=0.02)


def _cone(n: int, centre: tuple[int, int], height: float, radius_cells: float) -> np.ndarray:
    rr, cc = np.indices((n, n))
    r = np.hypot(rr - centre[0], cc - centre[1])
    return np.clip(height * (1 - r / radius_cells), 0, None).astype("float32")


def test_cone_hill_summit_sees_everything(tmp_path: Path) -> None:
    dem = write_raster(tmp_path / "cone.tif", _cone(201, (100, 100), 500, 50), res=100.0)
    cov = radar_coverage(dem, cell_lonlat(100, 100), 5, 0, "10km")
    assert set(np.unique(cov.data)) == {VISIBLE, COVERAGE_NODATA}
    assert cov.hidden_km2 == 0


def test_cone_hill_shadow_is_symmetric_east_of_the_hill(tmp_path: Path) -> None:
    dem = write_raster(tmp_path / "cone.tif", _cone(301, (150, 230), 300, 20), res=100.0)
    cov = radar_coverage(dem, cell_lonlat(150, 150), 2, 10, "14km")
    table = cov.sectors
    assert table is not None
    east = table.set_index("sector")["hidden_km2"]
    # The hill is due east (UTM grid convergence here is ~0.3 deg): the shadow straddles
    # 90 deg, sectors 8 (80-90) and 9 (90-100) alike; nothing hidden elsewhere but
    # within the hill's angular half-width asin(2 / 8) = 14.5 deg (+ the hill's flank).
    assert east[8] > 5
    assert east[9] > 5
    assert east[8] == pytest.approx(east[9], rel=0.15)
    assert east.drop([7, 8, 9, 10]).sum() == 0
    assert cov.data[150, 280] == HIDDEN
    assert cov.data[150, 200] == VISIBLE


def test_nodata_cells_are_nodata_in_the_output_and_not_counted(tmp_path: Path) -> None:
    z = np.zeros((201, 201), dtype="float32")
    z[:, 150:] = -9999.0  # an eastern strip without data
    dem = write_raster(tmp_path / "holes.tif", z, res=100.0, nodata=-9999.0)
    cov = radar_coverage(dem, cell_lonlat(100, 100), 10, 0, "9km")
    assert (cov.data[:, 150:] == COVERAGE_NODATA).all()
    assert (cov.data[100, 100:140] == VISIBLE).all()
    table = cov.sectors
    assert table is not None
    # The disc of 9 km minus its segment beyond x = 5 km.
    segment = 81 * math.acos(5 / 9) - 5 * math.sqrt(81 - 25)
    assert table["area_km2"].sum() == pytest.approx(math.pi * 81 - segment, rel=0.01)


def test_errors_name_the_problem(tmp_path: Path) -> None:
    z = np.zeros((50, 50), dtype="float32")
    z[25, 25] = -1
    dem = write_raster(tmp_path / "d.tif", z, nodata=-1)
    with pytest.raises(RasterError, match="outside"):
        radar_coverage(dem, (30.0, 10.0), 10, 50, "2km")
    with pytest.raises(RasterError, match="no elevation at the site"):
        radar_coverage(dem, cell_lonlat(25, 25), 10, 50, "2km")
    with pytest.raises(RasterError, match="cannot open DEM"):
        radar_coverage(tmp_path / "missing.tif", cell_lonlat(25, 25), 10, 50, "2km")
    with pytest.raises(RasterError, match="unknown site"):
        radar_coverage(dem, "Nowhere Base", 10, 50, "2km")
    with pytest.raises(RasterError, match="max_range"):
        radar_coverage(dem, cell_lonlat(10, 10), 10, 50, 0)


def test_geographic_dem_is_warped_to_a_metric_grid(tmp_path: Path) -> None:
    # A flat DEM in EPSG:4326 at 3 arc-seconds (~90 m), like SRTM or GLO-90.
    step = 3 / 3600
    n = 901
    dem = write_raster(tmp_path / "geo.tif", np.zeros((n, n), dtype="float32"),
                       crs="EPSG:4326", x0=38.3, y0=33.7, res=step)
    lon, lat = 38.3 + 450.5 * step, 33.7 - 450.5 * step
    cov = radar_coverage(dem, (lon, lat), 10, 10, "30km", path=tmp_path / "cov.tif")
    assert "aeqd" in cov.crs.to_proj4()
    horizon = _radio_horizon(10, 10, lat, STANDARD_K)
    xres = cov.transform.a
    dist = _distances(cov.data.shape, *cov.site_cell, xres)
    assert (cov.data[dist <= horizon - 300] == VISIBLE).all()
    assert (cov.data[(dist >= horizon + 300) & (dist < 29_500)] == HIDDEN).all()
    assert 80 < xres < 100


def test_site_by_deployment_name(tmp_path: Path) -> None:
    dem, lon, lat = tower22_dem(tmp_path / "t22.tif", relief=300)
    cov = radar_coverage(dem, "tower 22", 10, 50, "8km")
    assert cov.site == pytest.approx((lon, lat))
    assert "site=Tower 22" in cov.tags["parameters"]
    assert cov.data[100, 100] == VISIBLE


def test_coverage_geotiff_is_a_cog_with_tags(tmp_path: Path) -> None:
    import rasterio

    dem = write_raster(tmp_path / "dem.tif", smooth_dem(1200), res=30.0)
    out = tmp_path / "coverage.tif"
    cov = radar_coverage(dem, cell_lonlat(600, 600, res=30.0), 10, 50, "17km", path=out)
    assert cov.path == out
    with rasterio.open(out) as ds:
        assert ds.nodata == COVERAGE_NODATA
        assert ds.profile["tiled"]
        assert ds.profile["compress"] == "deflate"
        assert ds.overviews(1)
        assert ds.tags(ns="IMAGE_STRUCTURE").get("LAYOUT") == "COG"
        tags = ds.tags()
        assert "antenna_height_m=10" in tags["parameters"]
        assert "k=1.33333" in tags["parameters"]
        assert np.array_equal(ds.read(1), cov.data)
    with pytest.raises(OSError, match="exists"):
        radar_coverage(dem, cell_lonlat(600, 600, res=30.0), 10, 50, "5km", path=out)


@pytest.mark.skipif(shutil.which("gdal_viewshed") is None,
                    reason="gdal_viewshed (Debian gdal-bin) is not installed")
@pytest.mark.parametrize(("oz", "tz", "seed"), [(10, 50, 1), (3, 2, 2)])
def test_agrees_with_gdal_viewshed(tmp_path: Path, oz: float, tz: float, seed: int) -> None:
    import rasterio

    n, res = 601, 30.0
    dem = write_raster(tmp_path / "dem.tif", smooth_dem(n, seed=seed, relief=300), res=res)
    row = col = 300
    rng = 8500.0
    ox, oy = X0 + (col + 0.5) * res, Y0 - (row + 0.5) * res
    out = tmp_path / "gdal.tif"
    # GDAL lowers heights by cc * d² / D (D: Earth diameter), so cc = 1/k gives our
    # d² / (2 k R): 0.75 for k = 4/3 (GDAL's default 0.85714 is k = 7/6).
    subprocess.run(["gdal_viewshed", "-q", "-oz", str(oz), "-tz", str(tz), "-md", str(rng),
                    "-cc", str(1 / STANDARD_K), "-ox", str(ox), "-oy", str(oy),
                    "-vv", "1", "-iv", "0", "-ov", "255", str(dem), str(out)], check=True)
    cov = radar_coverage(dem, cell_lonlat(row, col, res=res), oz, tz, rng)
    with rasterio.open(out) as ds:
        theirs = ds.read(1)
        c0 = round((ds.transform.c - cov.transform.c) / res)
        r0 = round((cov.transform.f - ds.transform.f) / res)
    ours = cov.data[r0:r0 + theirs.shape[0], c0:c0 + theirs.shape[1]]
    both = (ours != COVERAGE_NODATA) & (theirs != 255)
    assert both.sum() > 0.95 * (ours != COVERAGE_NODATA).sum()
    agreement = (ours[both] == theirs[both]).mean()
    assert agreement >= 0.99
    assert 0.05 < (ours[both] == HIDDEN).mean() < 0.95  # the test is not trivial


def test_crs_of_a_utm_dem_is_kept(tmp_path: Path) -> None:
    dem = write_raster(tmp_path / "dem.tif", np.zeros((101, 101), "float32"))
    cov = radar_coverage(dem, cell_lonlat(50, 50), 10, 10, "3km")
    assert cov.crs.to_epsg() == 32637
    # The output window is the DEM window within range, aligned to the DEM grid.
    assert (cov.transform.c - X0) % 100 == 0
    assert (Y0 - cov.transform.f) % 100 == 0
