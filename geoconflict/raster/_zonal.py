"""Zonal statistics with exact partial-pixel weights, reading one window per zone.

For each zone only the raster window under the zone's bounding box is read, in
blocks of at most ``BLOCK`` x ``BLOCK`` pixels so memory stays bounded however large
the zone. Each pixel gets a *coverage fraction* in 0..1:

the exact ``area(pixel ∩ zone) / area(pixel)``, computed from the zone's edges in one
vectorised pass (see :func:`_fractions`): the cost grows with the zone's perimeter in
pixels, not its area, and is far below intersecting pixel boxes with shapely (which
was 50 ms for a 10 km ring on a 90 m grid; this takes well under 1 ms).

So a ring covering half a pixel counts half its value, and the weighted sum over a
constant raster equals value x zone area / pixel area up to floating-point error.
Nodata (and masked) pixels get no weight; the share of the zone's area over nodata
or outside the raster is reported as ``nodata_fraction``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["BLOCK", "STATS", "cell_areas_km2", "pixel_bounds", "zone_stats"]

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


def pixel_bounds(bounds: tuple[float, float, float, float], transform: Any, width: int,
                 height: int) -> tuple[int, int, int, int]:
    """Pixel ``(col0, row0, col1, row1)`` (end exclusive) of every pixel under ``bounds``.

    Floor of the first and ceiling of the last fractional pixel coordinate, clipped to
    the raster. Computed directly: rasterio 1.4's ``Window.round_offsets`` and
    ``round_lengths`` ignore ``op=`` (offsets round down only after adding 0.1, lengths
    round to nearest), which could drop a zone's first or last row or column.
    """
    xmin, ymin, xmax, ymax = bounds
    inv = ~transform
    cols, rows = [], []
    for x in (xmin, xmax):
        for y in (ymin, ymax):
            c, r = inv @ (x, y)
            cols.append(c)
            rows.append(r)
    col0 = max(math.floor(min(cols)), 0)
    row0 = max(math.floor(min(rows)), 0)
    col1 = min(math.ceil(max(cols)), width)
    row1 = min(math.ceil(max(rows)), height)
    return col0, row0, max(col1, col0), max(row1, row0)


def _clamped_integral(t: np.ndarray) -> np.ndarray:
    """Antiderivative of clamp(t, 0, 1) that is 0 at t = 0."""
    return np.where(t <= 0, 0.0, np.where(t >= 1, t - 0.5, 0.5 * t * t))


def _fractions(geom: Any, shape: tuple[int, int], transform: Any) -> np.ndarray:
    """Exact share of each pixel's area covered by ``geom`` (polygon or multipolygon).

    Works on the polygon's edges directly, in pixel units (u right, v down). For a
    vertical line at ``u``, the covered length of pixel row ``r`` is the signed sum
    over the edges crossing the line of ``clamp(v_e(u) - r, 0, 1)`` (an edge counts
    + or - by its direction in ``u``, so entering and leaving edges cancel outside the
    polygon). Integrating over each pixel's column gives its covered area: each edge
    is cut at column boundaries; rows wholly above a piece get ``du`` in full (one
    reverse cumulative sum per column), and the few rows a piece crosses get the
    closed-form integral of the clamped linear function. Holes, being oriented
    against the exterior, subtract. Cost is proportional to the boundary's length in
    pixels, not to the zone's area, and the answer is exact up to rounding.
    """
    import shapely

    height, width = shape
    parts = shapely.get_parts(shapely.orient_polygons(geom))
    rings = shapely.get_rings(parts)
    coords, ring_of = shapely.get_coordinates(rings, return_index=True)
    u = (coords[:, 0] - transform.c) / transform.a
    v = (coords[:, 1] - transform.f) / transform.e
    same = ring_of[1:] == ring_of[:-1]
    u1, v1, u2, v2 = u[:-1][same], v[:-1][same], u[1:][same], v[1:][same]
    moving = u1 != u2  # vertical edges cover no width
    u1, v1, u2, v2 = u1[moving], v1[moving], u2[moving], v2[moving]
    sign = np.sign(u2 - u1)
    lo_u, hi_u = np.minimum(u1, u2), np.maximum(u1, u2)
    first = np.floor(lo_u).astype(np.int64)
    count = np.maximum(np.ceil(hi_u).astype(np.int64) - first, 1)
    # One piece per (edge, pixel column it spans).
    edge = np.repeat(np.arange(u1.size), count)
    col = first[edge] + (np.arange(edge.size) - np.repeat(np.cumsum(count) - count, count))
    ua = np.maximum(lo_u[edge], col)
    ub = np.minimum(hi_u[edge], col + 1)
    keep = (col >= 0) & (col < width) & (ub > ua)
    edge, col, ua, ub = edge[keep], col[keep], ua[keep], ub[keep]
    slope = (v2 - v1)[edge] / (u2 - u1)[edge]
    va = v1[edge] + slope * (ua - u1[edge])
    vb = v1[edge] + slope * (ub - u1[edge])
    du = (ub - ua) * sign[edge]
    vmin, vmax = np.minimum(va, vb), np.maximum(va, vb)
    # Rows wholly above the piece (r + 1 <= vmin) get the full du.
    top = np.clip(np.floor(vmin).astype(np.int64), 0, height)
    full = np.zeros((height + 1, width))
    np.add.at(full, (top, col), du)
    # cover[r] = sum of full[k] for k > r = column total - running sum up to r.
    running = np.cumsum(full, axis=0)
    cover = running[-1] - running[:-1]
    # Rows the piece crosses: the exact integral of clamp(v(u) - r, 0, 1).
    r0 = np.floor(vmin).astype(np.int64)
    span = np.maximum(np.ceil(vmax).astype(np.int64) - r0, 1)
    piece = np.repeat(np.arange(col.size), span)
    row = r0[piece] + (np.arange(piece.size) - np.repeat(np.cumsum(span) - span, span))
    inside = (row >= 0) & (row < height)
    piece, row = piece[inside], row[inside]
    a, b = va[piece] - row, vb[piece] - row
    flat = np.abs(b - a) < 1e-12
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(flat, np.clip(a, 0.0, 1.0),
                        (_clamped_integral(b) - _clamped_integral(a)) / np.where(flat, 1, b - a))
    np.add.at(cover, (row, col[piece]), du[piece] * mean)
    return np.clip(np.abs(cover), 0.0, 1.0)


def zone_stats(src: Any, geom: Any, stats: tuple[str, ...], band: int = 1,
               metres_per_unit: float = 1.0) -> dict[str, float]:
    """Statistics of band ``band`` of the open dataset ``src`` over polygon ``geom``.

    ``geom`` must be in the dataset's CRS. Returns every name of ``stats`` plus
    ``nodata_fraction``; statistics of a zone with no valid pixel are NaN (``count``
    and ``area_km2``: 0).
    """
    from rasterio.windows import Window
    from rasterio.windows import transform as window_transform

    out: dict[str, float] = {}
    total = mean_num = weight = 0.0
    integral = area_km2 = 0.0
    vmax, vmin = -math.inf, math.inf
    zone_area = float(geom.area) if geom is not None and not geom.is_empty else 0.0
    covered_valid = 0.0
    if zone_area > 0:
        full = Window(0, 0, src.width, src.height)
        col0, row0, col1, row1 = pixel_bounds(geom.bounds, src.transform,
                                              int(full.width), int(full.height))
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
