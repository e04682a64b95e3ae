"""Rendering rasters as Web Mercator PNG overlays with legends (see ``raster.to_overlay``)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import RasterError
from ._cog import COLORMAPS, apply_colormap, colour_at, encode_png, open_raster

__all__ = ["HIDDEN_COLOUR", "VISIBLE_COLOUR", "render_overlay"]

HIDDEN_COLOUR = "#d7301f"
VISIBLE_COLOUR = "#1a9850"
Bounds = tuple[tuple[float, float], tuple[float, float]]


def _load(raster: Any, max_size: int) -> tuple[np.ndarray, Any, Any, str, str]:
    """Return (float data with NaN for nodata, transform, crs, kind, units)."""
    if isinstance(raster, str | Path):
        from rasterio.enums import Resampling

        with open_raster(raster) as src:
            tags = src.tags()
            kind = tags.get("geoconflict_kind", "continuous")
            # Decimated reads use the internal overviews of a COG: a 20,000-pixel
            # raster costs no more than its 2,048-pixel overview.
            scale = max(1.0, max(src.width, src.height) / (2 * max_size))
            shape = (max(1, round(src.height / scale)), max(1, round(src.width / scale)))
            resampling = Resampling.nearest if kind == "coverage" else Resampling.average
            block = src.read(1, out_shape=shape, masked=True, resampling=resampling)
            transform = src.transform @ src.transform.scale(src.width / shape[1],
                                                            src.height / shape[0])
            data = np.ma.filled(block.astype(np.float64), np.nan)
            return data, transform, src.crs, kind, tags.get("units", src.units[0] or "")
    data = np.asarray(raster.data, dtype=np.float64).copy()
    if raster.nodata is not None and not math.isnan(raster.nodata):
        data[data == raster.nodata] = np.nan
    return data, raster.transform, raster.crs, raster.kind, raster.units


def _to_web_mercator(data: np.ndarray, transform: Any, crs: Any, kind: str,
                     max_size: int) -> tuple[np.ndarray, Bounds]:
    from pyproj import Transformer
    from rasterio.enums import Resampling
    from rasterio.transform import array_bounds, from_bounds
    from rasterio.warp import calculate_default_transform, reproject

    height, width = data.shape
    left, bottom, right, top = array_bounds(height, width, transform)
    dst_t, dst_w, dst_h = calculate_default_transform(crs, "EPSG:3857", width, height,
                                                      left, bottom, right, top)
    dst_w, dst_h = int(dst_w or 1), int(dst_h or 1)
    shrink = max(1.0, max(dst_w, dst_h) / max_size)
    if shrink > 1:
        w3, s3, e3, n3 = array_bounds(dst_h, dst_w, dst_t)
        dst_w, dst_h = max(1, int(dst_w / shrink)), max(1, int(dst_h / shrink))
        dst_t = from_bounds(w3, s3, e3, n3, dst_w, dst_h)
    out = np.full((dst_h, dst_w), np.nan, dtype=np.float64)
    resampling = Resampling.nearest if kind == "coverage" else Resampling.bilinear
    reproject(data, out, src_transform=transform, src_crs=crs, src_nodata=np.nan,
              dst_transform=dst_t, dst_crs="EPSG:3857", dst_nodata=np.nan,
              resampling=resampling)
    w, s, e, n = array_bounds(dst_h, dst_w, dst_t)
    inv = Transformer.from_crs(3857, 4326, always_xy=True)
    west, north = inv.transform(w, n)
    east, south = inv.transform(e, s)
    return out, ((float(south), float(west)), (float(north), float(east)))


def _fmt(value: float) -> str:
    if value == 0:
        return "0"
    digits = max(0, 2 - math.floor(math.log10(abs(value))))
    return f"{value:.{digits}f}" if digits else f"{value:,.0f}"


def render_overlay(raster: Any, *, colormap: str, vmin: float | None, vmax: float | None,
                   max_size: int) -> tuple[bytes, Bounds, dict[str, str]]:
    """Return (PNG bytes, ((south, west), (north, east)), legend) for a raster."""
    if colormap not in COLORMAPS:
        msg = f"unknown colormap {colormap!r}; choose from {', '.join(COLORMAPS)}"
        raise RasterError(msg)
    data, transform, crs, kind, units = _load(raster, max_size)
    if crs is None:
        msg = "raster has no CRS; it cannot be placed on a map"
        raise RasterError(msg)
    merc, bounds = _to_web_mercator(data, transform, crs, kind, max_size)
    valid = np.isfinite(merc)
    if kind == "coverage":
        rgba = np.zeros((*merc.shape, 4), dtype=np.uint8)
        for value, colour, alpha in ((0, HIDDEN_COLOUR, 255), (1, VISIBLE_COLOUR, 120)):
            r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
            cells = valid & (merc == value)
            rgba[cells] = (r, g, b, alpha)
        legend = {"hidden from radar (below line of sight)": HIDDEN_COLOUR,
                  "visible to radar": VISIBLE_COLOUR}
        return encode_png(rgba), bounds, legend
    values = merc[valid]
    lo = 0.0 if vmin is None else float(vmin)
    if vmin is None and values.size and values.min() < 0:
        lo = float(values.min())
    above = values[values > lo]
    hi = float(vmax) if vmax is not None else (
        float(np.percentile(above, 99.5)) if above.size else lo + 1.0)
    if not hi > lo:
        hi = lo + 1.0
    norm = (merc - lo) / (hi - lo)
    norm[~valid | (merc <= lo)] = np.nan
    rgba = apply_colormap(norm, colormap)
    edges = np.linspace(lo, hi, 6)
    suffix = f" {units}" if units else ""
    legend = {}
    for i in range(5):
        label = (f"{_fmt(edges[i])}–{_fmt(edges[i + 1])}{suffix}" if i < 4
                 else f"≥ {_fmt(edges[i])}{suffix}")
        legend[label] = colour_at((i + 0.5) / 5, colormap)
    return encode_png(rgba), bounds, legend
