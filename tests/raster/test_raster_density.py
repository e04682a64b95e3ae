"""Kernel density surfaces: mass, shape, true metres, COG output and overlays."""

from __future__ import annotations

import math
import struct
import zlib
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
from test_raster_helpers import cell_lonlat, write_raster

from geoconflict.errors import RasterError
from geoconflict.raster._analysis import DENSITY_UNITS, density, radar_coverage, to_overlay


def _points(lons: list[float] | np.ndarray, lats: list[float] | np.ndarray,
            **cols: object) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(cols, geometry=gpd.points_from_xy(lons, lats), crs=4326)


def _scatter(n: int = 300, seed: int = 0) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(seed)
    # Two clusters: Baghdad (44.4E 33.3N) and north-east Jordan (38.7E 33.3N).
    lon = np.where(np.arange(n) % 3 == 0, 38.7, 44.4) + rng.normal(0, 0.08, n)
    lat = 33.3 + rng.normal(0, 0.08, n)
    return _points(lon, lat, fatalities=rng.integers(0, 6, n), source="test")


def decode_png(data: bytes) -> np.ndarray:
    """Decode the unfiltered RGBA PNGs that to_overlay writes."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width, height = 8, b"", 0, 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
        assert crc == zlib.crc32(kind + body) & 0xFFFFFFFF
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert (depth, colour) == (8, 6)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = np.frombuffer(zlib.decompress(idat), dtype=np.uint8).reshape(height, width * 4 + 1)
    assert (raw[:, 0] == 0).all()
    return raw[:, 1:].reshape(height, width, 4)


def test_density_integrates_to_the_number_of_incidents() -> None:
    pts = _scatter()
    surface = density(pts, cell="1km", bandwidth="5km")
    cell_km2 = (surface.transform.a / 1000) ** 2
    assert float(surface.data.sum(dtype=np.float64)) * cell_km2 == pytest.approx(300, rel=1e-4)
    weighted = density(pts, cell="1km", bandwidth="5km", weight="fatalities")
    total = float(pts["fatalities"].sum())
    assert float(weighted.data.sum(dtype=np.float64)) * cell_km2 == pytest.approx(total,
                                                                                 rel=1e-4)
    assert surface.units == DENSITY_UNITS
    assert surface.data.dtype == np.float32


def test_single_point_gives_a_gaussian_of_the_bandwidth_in_true_metres() -> None:
    # sigma = 5 km: peak 1 / (2 pi sigma²) per km², whatever the latitude.
    expected_peak = 1 / (2 * math.pi * 25)
    for lat in (0.0, 33.3, 60.0):
        surface = density(_points([44.4], [lat]), cell="250m", bandwidth="5km")
        assert float(surface.data.max()) == pytest.approx(expected_peak, rel=0.01)
        # The surface's spread along x, in projected metres, is the bandwidth.
        profile = surface.data.sum(axis=0, dtype=np.float64)
        x = np.arange(profile.size) * surface.transform.a
        mean = (profile * x).sum() / profile.sum()
        sd = math.sqrt((profile * (x - mean) ** 2).sum() / profile.sum())
        assert sd == pytest.approx(5000, rel=0.01)
        assert "+proj=laea" in surface.crs.to_proj4()


def test_binned_surface_matches_the_exact_kernel_density() -> None:
    from pyproj import Transformer

    pts = _scatter(60, seed=3)
    pts = pts[pts.geometry.x > 42]  # one cluster keeps the grid small
    surface = density(pts, cell="500m", bandwidth="4km")
    fwd = Transformer.from_crs(4326, surface.crs, always_xy=True)
    px, py = fwd.transform(pts.geometry.x.to_numpy(), pts.geometry.y.to_numpy())
    rows = np.arange(0, surface.data.shape[0], 7)
    cols = np.arange(0, surface.data.shape[1], 7)
    cx = surface.transform.c + (cols + 0.5) * surface.transform.a
    cy = surface.transform.f + (rows + 0.5) * surface.transform.e
    gx, gy = np.meshgrid(cx, cy)
    d2 = (gx[..., None] - px) ** 2 + (gy[..., None] - py) ** 2
    sigma_km = 4.0
    exact = (np.exp(-d2 / (2 * 4000.0**2)) / (2 * math.pi * sigma_km**2)).sum(axis=-1)
    binned = surface.data[np.ix_(rows, cols)]
    assert np.abs(binned - exact).max() < 0.01 * exact.max()


def test_density_cog_has_overviews_nodata_and_tags(tmp_path: Path) -> None:
    import rasterio

    out = tmp_path / "density.tif"
    surface = density(_scatter(), cell="1km", bandwidth="10km", path=out)
    assert surface.path == out
    with rasterio.open(out) as ds:
        assert ds.tags(ns="IMAGE_STRUCTURE").get("LAYOUT") == "COG"
        assert ds.profile["tiled"]
        assert ds.profile["compress"] == "deflate"
        assert ds.overviews(1)
        assert ds.nodata == -9999.0
        tags = ds.tags()
        assert tags["units"] == DENSITY_UNITS
        assert tags["source"] == "test"
        assert "bandwidth_m=10000" in tags["parameters"]
        assert tags["incidents"] == "300"
        assert np.allclose(ds.read(1), surface.data)
    # Outputs are never silently replaced.
    with pytest.raises(OSError, match="exists"):
        density(_scatter(), path=out)
    density(_scatter(), path=out, overwrite=True)
    assert not list(tmp_path.glob(".*.tmp"))


def test_density_reports_what_it_leaves_out() -> None:
    pts = _points([44.4, 44.5, 50.0], [33.3, 33.3, 20.0])
    pts.loc[3] = None  # a row without geometry
    with pytest.warns(UserWarning, match="without geometry|outside the bounds") as caught:
        surface = density(pts, bounds=(44.0, 33.0, 45.0, 34.0))
    messages = " ".join(str(w.message) for w in caught)
    assert "without geometry" in messages
    assert "outside the bounds" in messages
    assert surface.tags["outside_bounds"] == "1"
    assert surface.tags["skipped_no_geometry"] == "1"


def test_density_errors_name_the_problem() -> None:
    pts = _scatter(10)
    with pytest.raises(RasterError, match="weight column 'nope' not found"):
        density(pts, weight="nope")
    pts.loc[4, "fatalities"] = -1
    with pytest.raises(RasterError, match="negative"):
        density(pts, weight="fatalities")
    with pytest.raises(RasterError, match="too large"):
        density(_scatter(10), cell="10m", bandwidth="1km")
    with pytest.raises(RasterError, match="bounds"):
        density(_scatter(10), bounds=(45, 33, 44, 34))


def test_density_overlay_is_a_web_mercator_png_with_a_legend() -> None:
    pts = _scatter()
    overlay = to_overlay(density(pts, cell="2km", bandwidth="8km"), name="Incident density",
                         opacity=0.7)
    assert overlay.name == "Incident density"
    assert overlay.opacity == 0.7
    (south, west), (north, east) = overlay.bounds
    assert south < 33.0 < 33.6 < north
    assert west < 38.5 < 44.6 < east
    rgba = decode_png(overlay.image_png)
    alpha = rgba[..., 3]
    assert (alpha == 0).any()
    assert (alpha == 255).any()
    assert len(overlay.legend) == 5
    assert all(c.startswith("#") and len(c) == 7 for c in overlay.legend.values())
    assert all(DENSITY_UNITS in label for label in overlay.legend)


def test_overlay_rows_follow_web_mercator_not_latitude(tmp_path: Path) -> None:
    # A 4326 raster from 0 to 60 N, valued 1 north of 45 N: Leaflet stretches the
    # image linearly in Web Mercator, so the edge must sit at 33% from the top, not
    # at 25% as it would in an unprojected image.
    data = np.zeros((600, 100), dtype="float32")
    data[:150] = 1.0
    path = write_raster(tmp_path / "lat.tif", data, crs="EPSG:4326", x0=10.0, y0=60.0,
                        res=0.1)
    overlay = to_overlay(path, name="band", max_size=600)
    (south, west), (north, east) = overlay.bounds
    assert south == pytest.approx(0.0, abs=0.01)
    assert north == pytest.approx(60.0, abs=0.01)
    assert west == pytest.approx(10.0, abs=0.05)
    assert east == pytest.approx(20.0, abs=0.05)
    alpha = decode_png(overlay.image_png)[..., 3]
    column = alpha[:, alpha.shape[1] // 2]
    edge = int(np.argmax(column == 0)) / column.size

    def merc(lat: float) -> float:
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    assert edge == pytest.approx((merc(60) - merc(45)) / merc(60), abs=0.01)


def test_coverage_overlay_shows_hidden_and_visible(tmp_path: Path) -> None:
    z = np.zeros((201, 201), dtype="float32")
    z[:, 120:123] = 200.0
    dem = write_raster(tmp_path / "dem.tif", z)
    out = tmp_path / "cov.tif"
    radar_coverage(dem, cell_lonlat(100, 100), 10, 30, "9km", path=out)
    overlay = to_overlay(out, name="Radar coverage")
    assert list(overlay.legend.values()) == ["#d7301f", "#1a9850"]
    rgba = decode_png(overlay.image_png)
    colours = {tuple(int(v) for v in px) for px in rgba.reshape(-1, 4)[::7]}
    assert (0xD7, 0x30, 0x1F, 255) in colours
    assert (0x1A, 0x98, 0x50, 120) in colours
    with pytest.raises(RasterError, match="colormap"):
        to_overlay(out, name="x", colormap="rainbow")
    with pytest.raises(RasterError, match="opacity"):
        to_overlay(out, name="x", opacity=2)
