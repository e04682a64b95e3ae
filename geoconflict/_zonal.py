"""Zonal statistics with exact partial-pixel weights, reading one window per zone.

For each zone only the raster window under the zone's bounding box is read, in
blocks of at most ``BLOCK`` x ``BLOCK`` pixels so memory stays bounded however large
the zone. Each pixel gets a *coverage fraction* in 0..1:

* pixels whose centre is inside the zone and that the zone's boundary does not touch
  are wholly inside: fraction 1 (``rasterio.features.rasterize``);
* pixels the boundary touches (``rasterize(..., all_touched=True)`` of the boundary)
  get the exact fraction ``area(pixel ∩ zone) / area(pixel)`` from a vectorised
  shapely intersection of the pixel boxes with the zone;
* all other pixels: 0.

So a ring covering half a pixel counts half its value, and the weighted sum over a
constant raster equals value x zone area / pixel area up to floating-point error.
The costly exact step runs on the boundary pixels only (~ perimeter / pixel size).
Nodata (and masked) pixels get no weight; the share of the zone's area over nodata
or outside the raster is reported as ``nodata_fraction``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["BLOCK", "STATS", "cell_areas_km2", "zone_stats"]

#: Largest block read at once (pixels per side).
BLOCK = 2048
#: Statistics that can be asked for.
STATS = ("sum", "mean", "max", "min", "count", "area_km2", "integral")

_WGS84_A = 6378137.0
_WGS84_F = 1 / 298.257223563


def _band_area(lat_deg: NDArray[np.float64]) -> NDArray[np.float64]:
    """Ellipsoidal area (m²) from the equator to ``lat`` per radian of longitude."""
    e2 = _WGS84_F * (2 - _WGS84_F)
    e = math.sqrt(e2)
    b2 = (_WGS84_A * (1 - _WGS84_F)) ** 2
    s = np.sin(np.radians(lat_deg))
    return 0.5 * b2 * (s / (1 - e2 * s * s) + np.log((1 + e * s) / (1 - e * s)) / (2 * e))


def cell_areas_km2(transform: Any, rows: NDArray[np.int64], geographic: bool,
                   metres_per_unit: float = 1.0) -> NDArray[np.float64]:
    """True area (km²) of one pixel on each of ``rows`` (window-relative transform)."""
    if not geographic:
        area = abs(transform.a * transform.e) * metres_per_unit**2 / 1e6
        return np.full(rows.shape, area)
    top = transform.f + rows * transform.e
    bottom = top + transform.e
    dlon = math.radians(abs(transform.a))
    return np.abs(_band_area(top) - _band_area(bottom)) * dlon / 1e6


def _fractions(geom: Any, shape: tuple[int, int], transform: Any) -> NDArray[np.float64]:
    import shapely
    from rasterio.features import rasterize

    inside = rasterize([(geom, 1)], out_shape=shape, transform=transform, fill=0,
                       all_touched=False, dtype="uint8").astype(np.float64)
    edge = rasterize([(geom.boundary, 1)], out_shape=shape, transform=transform, fill=0,
                     all_touched=True, dtype="uint8").astype(bool)
    rows, cols = np.nonzero(edge)
    if rows.size:
        x0 = transform.c + cols * transform.a
        y0 = transform.f + rows * transform.e
        boxes = shapely.box(x0, y0 + transform.e, x0 + transform.a, y0)
        pixel = abs(transform.a * transform.e)
        inside[rows, cols] = shapely.area(shapely.intersection(boxes, geom)) / pixel
    return inside


def zone_stats(src: Any, geom: Any, stats: tuple[str, ...], band: int = 1,
               metres_per_unit: float = 1.0) -> dict[str, float]:
    """Statistics of band ``band`` of the open dataset ``src`` over polygon ``geom``.

    ``geom`` must be in the dataset's CRS. Returns every name of ``stats`` plus
    ``nodata_fraction``; statistics of a zone with no valid pixel are NaN (``count``
    and ``area_km2``: 0).
    """
    from rasterio.windows import Window, from_bounds
    from rasterio.windows import transform as window_transform

    out: dict[str, float] = {}
    total = mean_num = weight = 0.0
    integral = area_km2 = 0.0
    vmax, vmin = -math.inf, math.inf
    zone_area = float(geom.area) if geom is not None and not geom.is_empty else 0.0
    covered_valid = 0.0
    if zone_area > 0:
        full = Window(0, 0, src.width, src.height)
        win = from_bounds(*geom.bounds, transform=src.transform)
        win = win.round_offsets(op="floor").round_lengths(op="ceil")
        col0, row0 = max(int(win.col_off), 0), max(int(win.row_off), 0)
        col1 = min(int(win.col_off + win.width) + 1, int(full.width))
        row1 = min(int(win.row_off + win.height) + 1, int(full.height))
        geographic = bool(src.crs and src.crs.is_geographic)
        pixel = abs(src.transform.a * src.transform.e)
        for r in range(row0, row1, BLOCK):
            for c in range(col0, col1, BLOCK):
                block = Window(c, r, min(BLOCK, col1 - c), min(BLOCK, row1 - r))
                wt = window_transform(block, src.transform)
                frac = _fractions(geom, (int(block.height), int(block.width)), wt)
                if not frac.any():
                    continue
                data = src.read(band, window=block, masked=True)
                valid = ~np.ma.getmaskarray(data) & (frac > 0)
                values = np.ma.getdata(data).astype(np.float64)
                if src.nodata is not None and math.isnan(src.nodata):
                    valid &= ~np.isnan(values)
                if not valid.any():
                    continue
                f = np.where(valid, frac, 0.0)
                v = np.where(valid, values, 0.0)
                total += float((f * v).sum())
                weight += float(f.sum())
                covered_valid += float(f.sum()) * pixel
                vmax = max(vmax, float(values[valid].max()))
                vmin = min(vmin, float(values[valid].min()))
                if "integral" in stats or "area_km2" in stats:
                    areas = cell_areas_km2(wt, np.arange(f.shape[0]), geographic,
                                           metres_per_unit)[:, None]
                    integral += float((f * v * areas).sum())
                    area_km2 += float((f * areas).sum())
        mean_num = total
    has = weight > 0
    for name in stats:
        if name == "sum":
            out[name] = total if has else math.nan
        elif name == "mean":
            out[name] = mean_num / weight if has else math.nan
        elif name == "max":
            out[name] = vmax if has else math.nan
        elif name == "min":
            out[name] = vmin if has else math.nan
        elif name == "count":
            out[name] = weight
        elif name == "area_km2":
            out[name] = area_km2
        elif name == "integral":
            out[name] = integral if has else math.nan
    out["nodata_fraction"] = 1.0 - covered_valid / zone_area if zone_area > 0 else math.nan
    return out
