"""DEM access for the terrain functions: local metric grids, sampling, sector tables."""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import _geodesic
from ..errors import RasterError
from ._cog import open_raster
from ._zonal import pixel_bounds

if TYPE_CHECKING:
    import pandas as pd
    from affine import Affine

__all__ = ["DemHandle", "LocalDem", "coverage_sectors", "local_dem", "open_dem",
           "sample_bilinear"]


@dataclass
class DemHandle:
    """An open DEM and its cell size in metres (x, y)."""

    src: Any
    res_m: tuple[float, float]


@dataclass
class LocalDem:
    """A metric DEM window around a site, ready for the viewshed sweep.

    ``heights`` has no NaN (nodata cells hold a value far below the terrain, so they
    never block a sight line); ``valid`` marks cells with real data.
    """

    heights: np.ndarray
    valid: np.ndarray
    row: int
    col: int
    xres_m: float
    yres_m: float
    transform: Affine
    crs: Any
    #: Grid bearing of true north at the site, degrees clockwise from grid up.
    north_deg: float
    #: True area = grid area / areal_scale.
    areal_scale: float


def _metres_per_degree(lat: float) -> tuple[float, float]:
    geod = _geodesic.geod()
    _, _, dx = geod.inv(0.0, lat, 1e-3, lat)
    _, _, dy = geod.inv(0.0, lat - 5e-4, 0.0, lat + 5e-4)
    return dx * 1e3, dy * 1e3


@contextlib.contextmanager
def open_dem(dem: str | Path) -> Iterator[DemHandle]:
    """Open ``dem`` read-only with a clear error; yield it with its cell size in metres."""

    with open_raster(dem, what="DEM") as src:
        if src.crs.is_geographic:
            lat = (src.bounds.bottom + src.bounds.top) / 2
            mx, my = _metres_per_degree(lat)
            res = (abs(src.transform.a) * mx, abs(src.transform.e) * my)
        else:
            unit = float(src.crs.linear_units_factor[1])
            res = (abs(src.transform.a) * unit, abs(src.transform.e) * unit)
        yield DemHandle(src=src, res_m=res)


def sample_bilinear(handle: DemHandle, lons: np.ndarray, lats: np.ndarray) -> np.ndarray:
    """Bilinear DEM heights at points (NaN off the DEM or next to nodata)."""
    from pyproj import Transformer
    from rasterio.windows import Window
    from scipy.ndimage import map_coordinates

    src = handle.src
    to_src = Transformer.from_crs(4326, src.crs, always_xy=True)
    x, y = to_src.transform(lons, lats)
    cols, rows = ~src.transform @ (np.asarray(x), np.asarray(y))
    cols, rows = np.asarray(cols) - 0.5, np.asarray(rows) - 0.5
    c0 = max(int(np.floor(np.nanmin(cols))) - 1, 0)
    r0 = max(int(np.floor(np.nanmin(rows))) - 1, 0)
    c1 = min(int(np.ceil(np.nanmax(cols))) + 2, src.width)
    r1 = min(int(np.ceil(np.nanmax(rows))) + 2, src.height)
    if c1 <= c0 or r1 <= r0:
        return np.full(len(lons), np.nan)
    block = src.read(1, window=Window(c0, r0, c1 - c0, r1 - r0), masked=True)
    arr = np.ma.filled(block.astype(np.float64), np.nan)
    return np.asarray(map_coordinates(arr, [rows - r0, cols - c0], order=1,
                                      mode="constant", cval=np.nan))


def local_dem(dem: str | Path, lon: float, lat: float, max_range_m: float) -> LocalDem:
    """Read (or warp) the DEM window within ``max_range_m`` of ``(lon, lat)``.

    Projected DEMs keep their grid, so results line up cell for cell with the input
    (and with ``gdal_viewshed``); the observer is the cell containing the site.
    Geographic DEMs are warped to an azimuthal equidistant grid centred on the site.
    """
    from pyproj import CRS, Proj, Transformer
    from rasterio.enums import MaskFlags
    from rasterio.windows import Window
    from rasterio.windows import transform as window_transform

    with open_dem(dem) as handle:
        src = handle.src
        if src.crs.is_geographic:
            heights, valid, transform, crs, row, col, res = _warp_local(handle, lon, lat,
                                                                        max_range_m)
            xres = yres = res
        else:
            crs = src.crs
            x, y = Transformer.from_crs(4326, crs, always_xy=True).transform(lon, lat)
            fcol, frow = ~src.transform @ (x, y)
            if not (0 <= fcol < src.width and 0 <= frow < src.height):
                msg = f"site ({lon:.5f}, {lat:.5f}) lies outside DEM {dem}"
                raise RasterError(msg)
            ocol, orow = math.floor(fcol), math.floor(frow)
            xres, yres = handle.res_m
            nx = math.ceil(max_range_m / xres) + 1
            ny = math.ceil(max_range_m / yres) + 1
            c0, r0 = max(ocol - nx, 0), max(orow - ny, 0)
            c1, r1 = min(ocol + nx + 1, src.width), min(orow + ny + 1, src.height)
            win = Window(c0, r0, c1 - c0, r1 - r0)
            heights = src.read(1, window=win)
            if heights.dtype != np.float32:
                heights = heights.astype(np.float64)
            valid = np.isfinite(heights)
            if src.nodata is not None and not math.isnan(src.nodata):
                valid &= heights != src.nodata
            if src.nodata is None and src.mask_flag_enums[0] != [MaskFlags.all_valid]:
                valid &= src.read_masks(1, window=win) > 0
            transform = window_transform(win, src.transform)
            row, col = orow - r0, ocol - c0
    if not valid[row, col]:
        msg = f"DEM {dem} has no elevation at the site ({lon:.5f}, {lat:.5f})"
        raise RasterError(msg)
    if not valid.all():
        # Far below the lowest terrain: such cells never raise the horizon.
        heights[~valid] = float(np.min(heights, where=valid, initial=np.inf)) - 1e5
    to_local = Transformer.from_crs(4326, crs, always_xy=True)
    x0, y0 = to_local.transform(lon, lat)
    x1, y1 = to_local.transform(lon, lat + 0.01)
    # True north as a bearing in the map grid (x east, y up), degrees clockwise.
    north = math.degrees(math.atan2(x1 - x0, y1 - y0)) % 360
    try:
        scale = float(Proj(CRS.from_user_input(crs)).get_factors(lon, lat).areal_scale)
    except Exception:  # pragma: no cover - projections without factors
        scale = 1.0
    return LocalDem(heights=heights, valid=valid, row=row, col=col, xres_m=xres, yres_m=yres,
                    transform=transform, crs=crs, north_deg=north,
                    areal_scale=scale if scale > 0 else 1.0)


def _warp_local(handle: DemHandle, lon: float, lat: float,
                max_range_m: float) -> tuple[Any, ...]:
    from rasterio.crs import CRS as RioCRS
    from rasterio.enums import Resampling
    from rasterio.transform import from_origin
    from rasterio.warp import reproject
    from rasterio.windows import transform as window_transform

    src = handle.src
    res = math.sqrt(handle.res_m[0] * handle.res_m[1])
    n = math.ceil(max_range_m / res) + 1
    size = 2 * n + 1
    crs = RioCRS.from_proj4(f"+proj=aeqd +lat_0={lat:.8f} +lon_0={lon:.8f} +x_0=0 +y_0=0 "
                            "+ellps=WGS84 +units=m +no_defs")
    transform = from_origin(-(n + 0.5) * res, (n + 0.5) * res, res, res)
    heights = np.full((size, size), np.nan, dtype=np.float64)
    win = _src_window(src, lon, lat, max_range_m)
    reproject(source=src.read(1, window=win), destination=heights,
              src_transform=window_transform(win, src.transform), src_crs=src.crs,
              src_nodata=src.nodata, dst_transform=transform, dst_crs=crs,
              dst_nodata=np.nan, resampling=Resampling.bilinear)
    valid = np.isfinite(heights)
    return heights, valid, transform, crs, n, n, res


def _src_window(src: Any, lon: float, lat: float, rng: float) -> Any:
    from rasterio.windows import Window

    mx, my = _metres_per_degree(lat)
    dlon = rng / mx * 1.05 + 2 * abs(src.transform.a)
    dlat = rng / my * 1.05 + 2 * abs(src.transform.e)
    # Whole pixels by floor/ceil (rasterio 1.4's round_offsets/round_lengths ignore op=).
    c0, r0, c1, r1 = pixel_bounds((lon - dlon, lat - dlat, lon + dlon, lat + dlat),
                                  src.transform, src.width, src.height)
    if c1 <= c0 or r1 <= r0:
        msg = f"site ({lon:.5f}, {lat:.5f}) lies outside the DEM"
        raise RasterError(msg)
    return Window(c0, r0, c1 - c0, r1 - r0)


def sector_of(east: np.ndarray, up: np.ndarray, north_deg: float,
              sectors: int) -> np.ndarray:
    """Sector index of offsets (map axes x east, y up) by true bearing; direct form."""
    bearing = (np.degrees(np.arctan2(east, up)) - north_deg) % 360.0
    return np.minimum((bearing // (360.0 / sectors)).astype(np.int64), sectors - 1)


def coverage_sectors(data: np.ndarray, local: LocalDem, sectors: int) -> pd.DataFrame:
    """Visible and hidden area (km²) per bearing sector, clockwise from true north.

    Grid bearings are shifted by the grid's angle to true north at the site (UTM
    convergence; zero for the azimuthal grids used for geographic DEMs). Rather than
    an arctangent per cell, each row is cut where the sector boundary rays cross it
    and the cells between cuts are counted from running sums along the row: the
    cost is two cumulative sums plus ``rows x sectors`` look-ups.
    """
    import pandas as pd

    nrows, ncols = data.shape
    valid = data != 255
    hidden = data == 0
    # The site's own cell has no bearing: leave it out of the table.
    valid[local.row, local.col] = hidden[local.row, local.col] = False
    east = (np.arange(ncols) - local.col) * local.xres_m * math.copysign(1.0, local.transform.a)
    up = (np.arange(nrows) - local.row) * local.yres_m * math.copysign(1.0, local.transform.e)
    if local.transform.a < 0:
        valid, hidden, east = valid[:, ::-1], hidden[:, ::-1], east[::-1]
    width = 360.0 / sectors
    total = np.zeros(sectors)
    hid = np.zeros(sectors)
    # The site's row lies exactly on the east-west line: classify its cells directly.
    own = sector_of(east, np.zeros(ncols), local.north_deg, sectors)
    total += np.bincount(own[valid[local.row]], minlength=sectors)
    hid += np.bincount(own[hidden[local.row]], minlength=sectors)
    grid_bounds = (np.arange(sectors) * width + local.north_deg) % 360.0
    for sign in (1.0, -1.0):
        rows = np.flatnonzero(np.sign(up) == sign)
        if not rows.size:
            continue
        block = slice(int(rows.min()), int(rows.max()) + 1)
        centre = 0.0 if sign > 0 else 180.0
        # Boundary bearings relative to this half's axis, within (-90, 90).
        rel = np.sort(((grid_bounds - centre + 180.0) % 360.0) - 180.0)
        rel = rel[np.abs(rel) < 90.0]
        edges = np.concatenate([[-90.0], rel, [90.0]])
        mids = (edges[:-1] + edges[1:]) / 2
        interval_sector = sector_of(np.sin(np.radians(centre + mids)),
                                    np.cos(np.radians(centre + mids)), local.north_deg,
                                    sectors)
        # Where each boundary ray crosses each row; rows north of the site meet
        # bearings in increasing east order, rows south of it in decreasing order.
        cross = up[block, None] * np.tan(np.radians(rel))[None, :]
        cut = np.searchsorted(east, cross, side="left" if sign > 0 else "right")
        n = cut.shape[0]
        ends = (np.zeros((n, 1), np.int64), np.full((n, 1), ncols, np.int64))
        bounds = np.hstack([ends[0], cut, ends[1]] if sign > 0 else [ends[1], cut, ends[0]])
        lo = np.minimum(bounds[:, :-1], bounds[:, 1:])
        hi = np.maximum(bounds[:, :-1], bounds[:, 1:])
        for mask, acc in ((valid, total), (hidden, hid)):
            run = np.zeros((n, ncols + 1), dtype=np.int32)
            np.cumsum(mask[block], axis=1, out=run[:, 1:])
            counts = (np.take_along_axis(run, hi, axis=1)
                      - np.take_along_axis(run, lo, axis=1)).sum(axis=0)
            np.add.at(acc, interval_sector, counts)
    cell_km2 = local.xres_m * local.yres_m / local.areal_scale / 1e6
    total *= cell_km2
    hid *= cell_km2
    start = np.arange(sectors) * width
    with np.errstate(invalid="ignore", divide="ignore"):
        frac = np.where(total > 0, hid / total, np.nan)
    return pd.DataFrame({"sector": np.arange(sectors), "bearing_from_deg": start,
                         "bearing_to_deg": start + width, "area_km2": total,
                         "visible_km2": total - hid, "hidden_km2": hid,
                         "hidden_fraction": frac})
