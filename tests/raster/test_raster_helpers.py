"""Synthetic rasters for the raster tests (imported by the other test_raster_* files)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

#: UTM zone 37N: north-east Jordan / southern Syria (Tower 22 lies near 38.8 E).
UTM37 = "EPSG:32637"
#: A false origin in UTM 37N near Tower 22 (33.32 N, 38.69 E is ~ x 471,000 m).
X0, Y0 = 440_000.0, 3_720_000.0


def write_raster(path: Path, data: np.ndarray, *, crs: str = UTM37, x0: float = X0,
                 y0: float = Y0, res: float | tuple[float, float] = 100.0,
                 nodata: float | None = None, tiled: bool = False) -> Path:
    """Write a single-band GeoTIFF with its upper-left corner at (x0, y0)."""
    import rasterio
    from rasterio.transform import from_origin

    xres, yres = (res, res) if isinstance(res, int | float) else res
    profile = {"driver": "GTiff", "width": data.shape[1], "height": data.shape[0],
               "count": 1, "dtype": data.dtype.name, "crs": crs,
               "transform": from_origin(x0, y0, xres, yres), "nodata": nodata}
    if tiled:
        profile.update(tiled=True, blockxsize=256, blockysize=256, compress="deflate")
    with rasterio.open(path, "w", **profile) as ds:
        ds.write(data, 1)
    return path


def cell_lonlat(row: float, col: float, *, res: float = 100.0) -> tuple[float, float]:
    """(lon, lat) of the centre of cell (row, col) of a grid written by write_raster."""
    from pyproj import Transformer

    x = X0 + (col + 0.5) * res
    y = Y0 - (row + 0.5) * res
    lon, lat = Transformer.from_crs(UTM37, 4326, always_xy=True).transform(x, y)
    return float(lon), float(lat)


def smooth_dem(n: int, seed: int = 1, relief: float = 2500.0) -> np.ndarray:
    """Rolling hills: smoothed noise, metres (float32)."""
    from scipy.ndimage import gaussian_filter

    rng = np.random.default_rng(seed)
    return (gaussian_filter(rng.normal(size=(n, n)), n / 60) * relief + 600).astype("float32")


def tower22_dem(path: Path, relief: float) -> tuple[Path, float, float]:
    """A 20 km hilly DEM centred on Tower 22 (from the embedded deployments data).

    Returns (path, lon, lat); skips the test when the data lacks Tower 22.
    """
    from pyproj import Transformer

    from geoconflict.datasets import load_dataset

    bases = load_dataset("deployments")
    tower = bases[bases["name"] == "Tower 22"]
    if tower.empty:
        pytest.skip("Tower 22 not in the embedded deployments data")
    pt = tower.geometry.iloc[0]
    x, y = Transformer.from_crs(4326, UTM37, always_xy=True).transform(pt.x, pt.y)
    write_raster(path, smooth_dem(200, relief=relief), x0=x - 10_000, y0=y + 10_000)
    return path, float(pt.x), float(pt.y)


def test_write_raster_roundtrip(tmp_path: Path) -> None:
    import rasterio

    data = np.arange(12, dtype="float32").reshape(3, 4)
    path = write_raster(tmp_path / "a.tif", data, nodata=-1)
    with rasterio.open(path) as ds:
        assert ds.read(1).tolist() == data.tolist()
        assert ds.transform.c == X0
        assert ds.transform.f == Y0
        assert ds.nodata == -1


def test_cell_lonlat_is_inside_the_cell() -> None:
    from pyproj import Transformer

    lon, lat = cell_lonlat(10, 20)
    x, y = Transformer.from_crs(4326, UTM37, always_xy=True).transform(lon, lat)
    assert x == pytest.approx(X0 + 2050, abs=1e-3)
    assert y == pytest.approx(Y0 - 1050, abs=1e-3)
