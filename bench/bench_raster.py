"""Raster benchmarks: radar coverage vs gdal_viewshed, zonal exposure on a huge raster.

* Coverage on a 2,000 x 2,000 DEM (30 m, UTM) against GDAL's ``gdal_viewshed`` on the
  same file and parameters, in the same run; also the share of cells that agree.
* Zonal exposure of 10,000 geodesic rings on a 20,000 x 20,000 population-like
  raster (EPSG:4326 at 3 arc-seconds, like WorldPop; tiled, DEFLATE), written to
  ``bench/_work/`` with windowed writes. Generation and exposure each run in a child
  process so their peak RSS is their own.

Usage: python bench/run.py --only raster [--quick]
"""

from __future__ import annotations

import json
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
from _timing import best_of, row

HERE = Path(__file__).resolve().parent
WORK = HERE / "_work"
UTM = "EPSG:32637"


def _dem(n: int) -> Path:
    import rasterio
    from rasterio.transform import from_origin
    from scipy.ndimage import gaussian_filter

    path = WORK / f"dem_{n}.tif"
    if not path.exists():
        rng = np.random.default_rng(1)
        z = (gaussian_filter(rng.normal(size=(n, n)), 30) * 3000 + 500).astype("float32")
        with rasterio.open(path, "w", driver="GTiff", width=n, height=n, count=1,
                           dtype="float32", crs=UTM, tiled=True, blockxsize=256,
                           blockysize=256, transform=from_origin(440_000, 3_720_000, 30, 30)
                           ) as ds:
            ds.write(z, 1)
    return path


def _coverage_rows(quick: bool) -> list[dict[str, Any]]:
    import rasterio
    from pyproj import Transformer

    from geoconflict.raster._analysis import radar_coverage

    n = 500 if quick else 2000
    dem = _dem(n)
    res, centre = 30.0, n // 2
    ox, oy = 440_000 + (centre + 0.5) * res, 3_720_000 - (centre + 0.5) * res
    lon, lat = Transformer.from_crs(UTM, 4326, always_xy=True).transform(ox, oy)
    rng = (n // 2 - 1) * res
    out_gdal = WORK / "viewshed_gdal.tif"
    out_ours = WORK / "viewshed_ours.tif"
    rows: list[dict[str, Any]] = []
    gdal = shutil.which("gdal_viewshed")

    def run_gdal() -> None:
        assert gdal is not None
        subprocess.run([gdal, "-q", "-oz", "10", "-tz", "50", "-md", str(rng), "-cc", "0.75",
                        "-ox", str(ox), "-oy", str(oy), "-vv", "1", "-iv", "0", "-ov", "255",
                        str(dem), str(out_gdal)], check=True)

    def ours(path: Path | None) -> Any:
        return radar_coverage(dem, (lon, lat), 10, 50, rng, path=path, overwrite=True)

    ours(None)  # warm the imports and the OS cache alike
    t_mem, cov = best_of(lambda: ours(None), repeat=5)
    t_cog, _ = best_of(lambda: ours(out_ours), repeat=3)
    label = f"{n}x{n}"
    if gdal is None:
        rows.append(row(f"radar_coverage {label} (in memory)", t_mem, "s"))
        rows.append(row(f"radar_coverage {label} + COG write", t_cog, "s"))
        return rows
    run_gdal()
    t_gdal, _ = best_of(run_gdal, repeat=5)
    t_start, _ = best_of(lambda: subprocess.run([gdal, "--version"], check=False,
                                                capture_output=True), repeat=5)
    rows.append(row(f"radar_coverage {label} (in memory, + sector table)", t_mem, "s",
                    peer="gdal_viewshed (process, GTiff out)", peer_figure=t_gdal))
    rows.append(row(f"radar_coverage {label} + COG write", t_cog, "s",
                    peer="gdal_viewshed (process, GTiff out)", peer_figure=t_gdal))
    rows.append(row("gdal_viewshed process start-up (--version)", t_start, "s"))
    with rasterio.open(out_gdal) as ds:
        theirs = ds.read(1)
        c0 = round((ds.transform.c - cov.transform.c) / res)
        r0 = round((cov.transform.f - ds.transform.f) / res)
    mine = cov.data[r0:r0 + theirs.shape[0], c0:c0 + theirs.shape[1]]
    both = (mine != 255) & (theirs != 255)
    rows.append(row(f"radar_coverage vs gdal_viewshed agreement {label}",
                    float((mine[both] == theirs[both]).mean() * 100), "% of cells"))
    return rows


# ---------------------------------------------------------------- zonal (child process)


def _peak_rss_mib() -> float:
    """This process's own peak RSS. (``ru_maxrss`` would be wrong here: Linux keeps the
    parent's value across fork + exec, so every child would report the parent's peak.)"""
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _make_population(path: Path, n: int) -> dict[str, Any]:
    """Write an n x n uint16 people-per-pixel raster block by block (bounded memory)."""
    import rasterio
    from rasterio.transform import from_origin
    from rasterio.windows import Window
    from scipy.ndimage import zoom

    step = 3 / 3600
    rng = np.random.default_rng(7)
    coarse = rng.gamma(0.6, 20.0, size=(n // 256 + 2, n // 256 + 2)).astype("float32")
    profile = {"driver": "GTiff", "width": n, "height": n, "count": 1, "dtype": "uint16",
               "crs": "EPSG:4326", "transform": from_origin(35.0, 40.0, step, step),
               "nodata": 65535, "tiled": True, "blockxsize": 512, "blockysize": 512,
               "compress": "deflate", "predictor": 2, "BIGTIFF": "IF_SAFER"}
    start = time.perf_counter()
    tmp = path.with_suffix(".part.tif")
    with rasterio.open(tmp, "w", **profile) as ds:
        for r in range(0, n, 512):
            h = min(512, n - r)
            # Smooth "settlement" field from a coarse grid, plus pixel noise.
            rows = zoom(coarse[r // 256:r // 256 + 4], (256, 256), order=1)[r % 256:r % 256 + h]
            block = rows[:, :n] + rng.integers(0, 3, size=(h, n), dtype=np.uint16)
            data = np.clip(block, 0, 60000).astype("uint16")
            if r == 0:
                data[:64] = 65535  # a nodata strip along the top edge
            ds.write(data, 1, window=Window(0, r, n, h))
    tmp.rename(path)
    return {"seconds": time.perf_counter() - start,
            "peak_rss_mib": _peak_rss_mib()}


def _zonal_child(path: Path, n_rings: int) -> dict[str, Any]:
    import geopandas as gpd

    from geoconflict.proximity._engine import rings
    from geoconflict.raster._analysis import zonal_exposure

    step = 3 / 3600
    span = 20_000 * step if "20000" in path.name else 4_000 * step
    rng = np.random.default_rng(11)
    lon = 35.0 + 0.3 + rng.random(n_rings) * (span - 0.6)
    lat = 40.0 - 0.3 - rng.random(n_rings) * (span - 0.6)
    pts = gpd.GeoDataFrame({"id": [f"p{i}" for i in range(n_rings)]},
                           geometry=gpd.points_from_xy(lon, lat), crs=4326)
    radii = np.array([2_000.0, 5_000.0, 10_000.0])
    zones = []
    for i, radius in enumerate(radii):
        zones.append(rings(pts.iloc[i::3], [radius]))
    import pandas as pd

    zones_gdf = gpd.GeoDataFrame(pd.concat(zones, ignore_index=True), crs=4326)
    start = time.perf_counter()
    out = zonal_exposure(zones_gdf, path, ("sum", "mean", "max"))
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "zones": len(out),
            "people": float(out["sum"].sum()),
            "peak_rss_mib": _peak_rss_mib()}


def _child(args: list[str]) -> dict[str, Any]:
    proc = subprocess.run([sys.executable, __file__, *args], check=True, capture_output=True,
                          text=True, cwd=HERE)
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def _zonal_rows(quick: bool) -> list[dict[str, Any]]:
    n, n_rings = (4_000, 1_000) if quick else (20_000, 10_000)
    path = WORK / f"population_{n}.tif"
    rows: list[dict[str, Any]] = []
    if not path.exists():
        made = _child(["make", str(path), str(n)])
        rows.append(row(f"write {n}x{n} tiled DEFLATE raster (windowed)", made["seconds"], "s",
                        peak_rss_mib=round(made["peak_rss_mib"], 1)))
        rows.append(row(f"write {n}x{n} raster: peak RSS", made["peak_rss_mib"], "MiB"))
    result = _child(["zonal", str(path), str(n_rings)])
    rows.append(row(f"zonal_exposure {n_rings} rings on {n}x{n} (sum, mean, max)",
                    result["seconds"], "s", per_ring_ms=round(result["seconds"] / n_rings * 1e3, 2)))
    rows.append(row(f"zonal_exposure {n_rings} rings: peak RSS (child process)",
                    result["peak_rss_mib"], "MiB",
                    raster_uncompressed_mib=round(n * n * 2 / 2**20, 1)))
    return rows


def run(quick: bool = False) -> list[dict[str, Any]]:
    WORK.mkdir(exist_ok=True)
    return _coverage_rows(quick) + _zonal_rows(quick)


if __name__ == "__main__":
    if sys.argv[1] == "make":
        print(json.dumps(_make_population(Path(sys.argv[2]), int(sys.argv[3]))))
    elif sys.argv[1] == "zonal":
        print(json.dumps(_zonal_child(Path(sys.argv[2]), int(sys.argv[3]))))
