"""Zonal exposure accuracy: sums over a raster of ones against exact ring areas.

Writes a 2,000 x 2,000 raster of ones in EPSG:4326 (0.001 degree pixels, over
north-east Jordan and southern Syria), draws 2 km and 5 km geodesic rings around 300
random points (some hanging off the raster's edges) and compares each ring's ``sum``
with its reference area in pixel units: the ring reprojected to the raster's CRS,
cut to the raster's extent, divided by the pixel area. Prints the largest relative
error, how many zones are off by more than 1e-9 and 1e-6, and the wall time of
``zonal_exposure``.

Usage: python bench/zonal_accuracy.py [WORKDIR]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np


def main(work: Path) -> None:
    import geopandas as gpd
    import rasterio
    import shapely
    from rasterio.transform import from_origin

    from geoconflict.proximity import rings
    from geoconflict.raster import zonal_exposure

    n, res, west, north = 2000, 0.001, 37.5, 34.0
    path = work / "ones.tif"
    with rasterio.open(path, "w", driver="GTiff", width=n, height=n, count=1,
                       dtype="float32", crs="EPSG:4326",
                       transform=from_origin(west, north, res, res)) as ds:
        ds.write(np.ones((n, n), "float32"), 1)
    rng = np.random.default_rng(19)
    lon = west + rng.uniform(-0.02, n * res + 0.02, 300)
    lat = north - rng.uniform(-0.02, n * res + 0.02, 300)
    points = gpd.GeoDataFrame({"id": [f"p{i}" for i in range(300)]},
                              geometry=gpd.points_from_xy(lon, lat), crs=4326)
    zones = rings(points, ["2km", "5km"])
    start = time.perf_counter()
    out = zonal_exposure(zones, path, ["sum"])
    elapsed = time.perf_counter() - start
    extent = shapely.box(west, north - n * res, west + n * res, north)
    ref = np.array([g.intersection(extent).area / res**2
                    for g in zones.geometry.to_crs(4326)])
    err = np.abs(out["sum"].to_numpy() - ref) / ref
    print(f"zones: {len(zones)}  max relative error: {err.max():.3g}  "
          f"> 1e-9: {(err > 1e-9).sum()}  > 1e-6: {(err > 1e-6).sum()}  "
          f"low: {(out['sum'].to_numpy() < ref * (1 - 1e-9)).sum()}  "
          f"zonal_exposure: {elapsed:.2f} s")


if __name__ == "__main__":
    if len(sys.argv) > 1:
        main(Path(sys.argv[1]))
    else:
        with tempfile.TemporaryDirectory() as tmp:
            main(Path(tmp))
