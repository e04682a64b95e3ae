"""Raster analysis: incident density, zonal exposure, line of sight and radar coverage.

Four questions from conflict analysis, answered with rasterio, numpy and scipy:

* :func:`density` — where incidents concentrate: a Gaussian kernel density surface in
  incidents per km², computed in an equal-area projection centred on the data and
  written as a Cloud-Optimized GeoTIFF.
* :func:`zonal_exposure` — how much of a raster (people from WorldPop/GHSL, or a
  density surface) lies within zones such as rings around bases, with exact
  partial-pixel weights, reading only the windows under the zones.
* :func:`line_of_sight` / :func:`radar_coverage` — what terrain hides from an observer
  or a radar, with Earth curvature and standard refraction (k = 4/3), and the hidden
  approach area per bearing sector.
* :func:`to_overlay` — any of these rasters as a PNG overlay with legend for the map.

rasterio is imported inside the functions, so importing this module stays cheap.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import _geodesic, _progress
from .._inputs import representative_points, to_wgs84, warn_missing
from .._sites import resolve_site
from ..errors import DataChangedWarning, RasterError
from ..units import parse_distance
from ._cog import open_raster, write_cog
from ._overlay import render_overlay
from ._terrain import coverage_sectors, local_dem, open_dem, sample_bilinear
from ._viewshed import viewshed
from ._zonal import STATS, zone_stats

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd
    from affine import Affine

__all__ = [
    "STANDARD_K",
    "CoverageResult",
    "LineOfSight",
    "Overlay",
    "RasterResult",
    "density",
    "line_of_sight",
    "radar_coverage",
    "to_overlay",
    "zonal_exposure",
]

#: Effective-Earth-radius factor of the ITU standard atmosphere (refraction k = 4/3).
STANDARD_K = 4.0 / 3.0
#: Values of a coverage raster.
VISIBLE, HIDDEN, COVERAGE_NODATA = 1, 0, 255
DENSITY_UNITS = "incidents per km²"
_MAX_CELLS = 40_000_000


@dataclass
class RasterResult:
    """A single-band raster in memory, with its georeferencing and metadata.

    Attributes
    ----------
    data
        2-D array (rows, columns).
    transform, crs
        Affine transform and CRS (a ``rasterio.crs.CRS``).
    nodata
        The value marking missing cells, or None.
    tags
        Metadata written to the GeoTIFF (source, parameters, units...).
    kind
        ``"continuous"`` (e.g. density) or ``"coverage"`` (visible/hidden classes).
    path
        Where the GeoTIFF was written, if it was.
    """

    data: np.ndarray
    transform: Affine
    crs: Any
    nodata: float | int | None
    tags: dict[str, str] = field(default_factory=dict)
    kind: str = "continuous"
    path: Path | None = None

    @property
    def units(self) -> str:
        """Units of the cell values (from the ``units`` tag)."""
        return self.tags.get("units", "")


@dataclass
class CoverageResult(RasterResult):
    """A radar coverage raster (1 visible, 0 hidden, 255 out of range or no data).

    Attributes
    ----------
    sectors
        One row per bearing sector: ``sector``, ``bearing_from_deg``,
        ``bearing_to_deg``, ``area_km2`` (in range, with terrain data),
        ``visible_km2``, ``hidden_km2``, ``hidden_fraction``.
    site
        ``(lon, lat)`` of the radar.
    site_cell
        ``(row, col)`` of the radar's cell in ``data``.
    """

    sectors: pd.DataFrame | None = None
    site: tuple[float, float] = (math.nan, math.nan)
    site_cell: tuple[int, int] = (0, 0)

    @property
    def hidden_km2(self) -> float:
        """Total hidden approach area within range, km²."""
        return float(self.sectors["hidden_km2"].sum()) if self.sectors is not None else math.nan


@dataclass
class LineOfSight:
    """Answer of :func:`line_of_sight`.

    Attributes
    ----------
    visible
        True when no terrain rises above the sight line between the two ends.
    distance_m
        Geodesic distance between observer and target.
    min_clearance_m
        Smallest height of the sight line above the (curvature-corrected) terrain
        between the ends; negative when blocked.
    obstruction
        ``(lon, lat, distance_m)`` of the worst obstruction, or None when visible.
    profile
        One row per sample along the geodesic: ``distance_m``, ``lon``, ``lat``,
        ``ground_m``, ``earth_bulge_m`` (``d (D - d) / (2 k R)``), ``sightline_m``
        and ``clearance_m`` (sight line minus ground plus bulge).
    """

    visible: bool
    distance_m: float
    min_clearance_m: float
    obstruction: tuple[float, float, float] | None
    profile: pd.DataFrame


@dataclass
class Overlay:
    """A georeferenced image for a Leaflet ``ImageOverlay`` (see :func:`to_overlay`).

    Attributes
    ----------
    name
        Layer name shown in the layer control.
    image_png
        RGBA PNG bytes in a Web Mercator (EPSG:3857) pixel grid.
    bounds
        ``((south, west), (north, east))`` in degrees, as Leaflet expects.
    legend
        Label -> CSS colour.
    opacity
        0..1.
    """

    name: str
    image_png: bytes
    bounds: tuple[tuple[float, float], tuple[float, float]]
    legend: dict[str, str]
    opacity: float = 0.6


# --------------------------------------------------------------------------- density


def _local_equal_area(lon: float, lat: float) -> str:
    # Lambert azimuthal equal-area on the WGS84 ellipsoid, centred on the data: cells
    # have exactly their nominal area, so summing density x cell area returns the
    # incident count; distances (the bandwidth) are true to < 0.2% within 500 km.
    return (f"+proj=laea +lat_0={lat:.6f} +lon_0={lon:.6f} +x_0=0 +y_0=0 "
            "+ellps=WGS84 +units=m +no_defs")


def density(incidents: gpd.GeoDataFrame, *, cell: str | float = "2km",
            bandwidth: str | float = "10km", weight: str | None = None,
            bounds: tuple[float, float, float, float] | None = None,
            path: str | Path | None = None, overwrite: bool = False) -> RasterResult:
    """Gaussian kernel density of incidents, in incidents per km².

    Method: weights are *linearly binned* onto a grid in a Lambert azimuthal
    equal-area projection centred on the data (each point's weight is shared among
    the four surrounding cell centres in proportion to proximity), then convolved
    with a Gaussian of standard deviation ``bandwidth`` (``scipy.ndimage.
    gaussian_filter``, truncated at 4 sigma, normalised to sum 1) and divided by the
    cell area. This is the binned kernel density estimator (Wand 1994): it equals the
    exact Gaussian KDE ``sum_i w_i K_h(x - x_i)`` up to an error of order
    ``(cell / bandwidth)²``, at the cost of one convolution instead of one kernel
    evaluation per point and cell.

    Parameters
    ----------
    incidents
        Point features (any CRS; EPSG:4326 assumed when unset). Rows with missing or
        empty geometry are skipped with a warning and counted in the tags.
    cell, bandwidth
        Cell size and kernel standard deviation: metres or strings like ``"2km"``.
    weight
        Optional column of non-negative weights (e.g. ``"fatalities"``).
    bounds
        ``(west, south, east, north)`` in degrees; default: the data extent padded by
        four bandwidths (so no kernel mass falls off the grid).
    path
        If given, also write a Cloud-Optimized GeoTIFF there (atomically).
    overwrite
        Replace an existing ``path``.

    Returns
    -------
    RasterResult
        ``data`` is float32, in incidents (or weight units) per km².

    Examples
    --------
    >>> import geoconflict as gc
    >>> surface = gc.density(gc.load_dataset("scenario"), cell="1km",
    ...                      bandwidth="5km", path="density.tif")  # doctest: +SKIP
    """
    from pyproj import CRS, Transformer
    from rasterio.transform import from_origin
    from scipy.ndimage import gaussian_filter

    cell_m = parse_distance(cell)
    bw_m = parse_distance(bandwidth)
    if cell_m <= 0 or bw_m <= 0:
        msg = f"cell ({cell!r}) and bandwidth ({bandwidth!r}) must be positive"
        raise RasterError(msg)
    gdf = to_wgs84(incidents, "incidents")
    lon, lat, ok = representative_points(gdf.geometry.values)
    skipped = warn_missing("density", ok, gdf.index,
                           "incidents without geometry are left out of the surface",
                           stacklevel=2)
    gdf = gdf[ok]
    lon, lat = lon[ok], lat[ok]
    if len(gdf) == 0 and bounds is None:
        msg = "density needs at least one incident with a geometry (or explicit bounds)"
        raise RasterError(msg)
    if weight is not None:
        if weight not in gdf.columns:
            msg = f"weight column {weight!r} not found; columns: {', '.join(map(str, gdf.columns))}"
            raise RasterError(msg)
        w = np.asarray(gdf[weight], dtype=np.float64)
        bad = ~np.isfinite(w) | (w < 0)
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            msg = (f"weight column {weight!r} has {int(bad.sum())} missing or negative "
                   f"value(s), first at row {gdf.index[row]!r}")
            raise RasterError(msg)
    else:
        w = np.ones(len(gdf), dtype=np.float64)
    if bounds is None:
        west, south, east, north = lon.min(), lat.min(), lon.max(), lat.max()
    else:
        west, south, east, north = (float(b) for b in bounds)
        if not (west < east and south < north):
            msg = (f"bounds {bounds!r} must be (west, south, east, north) with "
                   "west < east and south < north")
            raise RasterError(msg)
    crs = CRS.from_proj4(_local_equal_area((west + east) / 2, (south + north) / 2))
    fwd = Transformer.from_crs(4326, crs, always_xy=True)
    x, y = fwd.transform(lon, lat)
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    xmin, ymin, xmax, ymax = fwd.transform_bounds(west, south, east, north, densify_pts=21)
    if bounds is None:
        pad = 4 * bw_m
        xmin, ymin, xmax, ymax = xmin - pad, ymin - pad, xmax + pad, ymax + pad
    x0 = math.floor(xmin / cell_m) * cell_m
    y1 = math.ceil(ymax / cell_m) * cell_m
    ncols = max(1, math.ceil((xmax - x0) / cell_m))
    nrows = max(1, math.ceil((y1 - ymin) / cell_m))
    if ncols * nrows > _MAX_CELLS:
        msg = (f"density grid of {nrows} x {ncols} cells is too large; use a larger cell "
               f"than {cell_m:g} m or smaller bounds")
        raise RasterError(msg)
    grid, outside = _linear_bin(x, y, w, x0, y1, cell_m, nrows, ncols)
    sigma = bw_m / cell_m
    smooth = gaussian_filter(grid, sigma=sigma, mode="constant", truncate=4.0)
    cell_km2 = (cell_m / 1000.0) ** 2
    data = (smooth / cell_km2).astype(np.float32)
    sources = sorted({str(s) for s in gdf["source"].dropna()}) if "source" in gdf else []
    tags = {
        "source": "; ".join(sources)[:2000] or "geoconflict.density",
        "parameters": (f"kernel=gaussian cell_m={cell_m:g} bandwidth_m={bw_m:g} "
                       f"weight={weight or 'none'} binning=linear truncate_sigma=4"),
        "units": DENSITY_UNITS,
        "incidents": str(len(gdf)),
        "total_weight": f"{float(w.sum()):g}",
        "skipped_no_geometry": str(skipped),
        "outside_bounds": str(outside),
        "projection": "Lambert azimuthal equal-area centred on the data (WGS84)",
        "geoconflict_kind": "continuous",
    }
    if outside:
        warnings.warn(f"density: {outside} incident(s) fall outside the bounds and are "
                      "not counted", DataChangedWarning, stacklevel=2)
    result = RasterResult(data=data, transform=from_origin(x0, y1, cell_m, cell_m),
                          crs=_rio_crs(crs), nodata=-9999.0, tags=tags)
    if path is not None:
        _write(result, path, overwrite=overwrite, description="incident density",
               resampling="average")
    return result


def _linear_bin(x: np.ndarray, y: np.ndarray, w: np.ndarray, x0: float, y1: float,
                cell: float, nrows: int, ncols: int) -> tuple[np.ndarray, int]:
    """Share each weight among the 4 nearest cell centres (bilinear); count outsiders."""
    fx = (x - x0) / cell - 0.5
    fy = (y1 - y) / cell - 0.5
    inside = (fx >= -0.5) & (fx <= ncols - 0.5) & (fy >= -0.5) & (fy <= nrows - 0.5)
    fx, fy, w = fx[inside], fy[inside], w[inside]
    ix, iy = np.floor(fx).astype(np.int64), np.floor(fy).astype(np.int64)
    tx, ty = fx - ix, fy - iy
    grid = np.zeros(nrows * ncols, dtype=np.float64)
    for dx, dy, share in ((0, 0, (1 - tx) * (1 - ty)), (1, 0, tx * (1 - ty)),
                          (0, 1, (1 - tx) * ty), (1, 1, tx * ty)):
        cx = np.clip(ix + dx, 0, ncols - 1)
        cy = np.clip(iy + dy, 0, nrows - 1)
        grid += np.bincount(cy * ncols + cx, weights=w * share, minlength=nrows * ncols)
    return grid.reshape(nrows, ncols), int((~inside).sum())


def _rio_crs(crs: Any) -> Any:
    from rasterio.crs import CRS as RioCRS

    return RioCRS.from_wkt(crs.to_wkt())


def _write(result: RasterResult, path: str | Path, *, overwrite: bool, description: str,
           resampling: str) -> None:
    result.path = write_cog(path, result.data, transform=result.transform, crs=result.crs,
                            nodata=result.nodata, tags=result.tags, overwrite=overwrite,
                            description=description, resampling=resampling,
                            classes=result.kind == "coverage")


# --------------------------------------------------------------------------- exposure


def zonal_exposure(zones: gpd.GeoDataFrame, raster: str | Path,
                   stats: tuple[str, ...] | list[str] = ("sum", "mean", "max"), *,
                   band: int = 1, progress: bool | None = None) -> gpd.GeoDataFrame:
    """Statistics of a raster within each zone, with exact partial-pixel weights.

    Only the window under each zone's bounding box is read (in blocks of at most
    2048 x 2048 pixels), never the whole raster; zones are reprojected to the
    raster's CRS; nodata pixels carry no weight. Pixels cut by a zone's edge count in
    proportion to the area of the pixel inside the zone (exact, from the zone's
    edges, see :mod:`geoconflict.raster._zonal`): over a raster of ones the ``sum`` is
    the zone's area in pixels to floating-point error.

    Parameters
    ----------
    zones
        Polygon features, e.g. from ``geoconflict.rings(points, radii)``; any CRS
        (EPSG:4326 assumed when unset).
    raster
        Path of any GDAL-readable raster (GeoTIFF, COG, VRT...).
    stats
        Any of ``sum`` (sum of value x covered fraction: people, for a
        people-per-pixel raster such as WorldPop), ``mean`` (area-weighted),
        ``max``, ``min`` (over pixels touching the zone), ``count`` (covered valid
        pixels, fractional), ``area_km2`` (zone area over valid pixels) and
        ``integral`` (value x true pixel area in km²: expected incidents, for a
        per-km² surface such as :func:`density`).
    band
        Band number (1-based).
    progress
        A progress bar over the zones: None (default) on a terminal or in Jupyter only,
        True always, False never (see :mod:`geoconflict._progress`).

    Returns
    -------
    geopandas.GeoDataFrame
        The zones (original CRS and order) with one column per statistic, plus
        ``nodata_fraction`` (share of the zone's area over nodata or outside the
        raster).

    Examples
    --------
    >>> import geoconflict as gc
    >>> bases = gc.load_dataset("deployments")
    >>> rings = gc.rings(bases, ["10km", "25km"])                   # doctest: +SKIP
    >>> gc.zonal_exposure(rings, "worldpop_jor_2020.tif", ["sum"])   # doctest: +SKIP
    """
    import rasterio

    stats = tuple(stats)
    unknown = [s for s in stats if s not in STATS]
    if unknown or not stats:
        msg = f"unknown statistic(s) {unknown!r}; choose from {', '.join(STATS)}"
        raise RasterError(msg)
    gdf = to_wgs84(zones, "zones")
    kinds = set(gdf.geometry.dropna().geom_type)
    if kinds - {"Polygon", "MultiPolygon"}:
        msg = (f"zones must be polygons, got {', '.join(sorted(kinds))}; buffer points "
               "into rings first (geoconflict.rings)")
        raise RasterError(msg)
    src = open_raster(raster)
    # A bounded block cache (MB); multi-threaded tile decoding where GDAL supports it.
    with rasterio.Env(GDAL_CACHEMAX=256, GDAL_NUM_THREADS="ALL_CPUS"), src:
        if band < 1 or band > src.count:
            msg = f"{raster} has {src.count} band(s); band {band} does not exist"
            raise RasterError(msg)
        projected = gdf.geometry.to_crs(src.crs)
        metres = 1.0 if src.crs.is_geographic else float(src.crs.linear_units_factor[1])
        # Visit zones in raster block order so GDAL's block cache serves neighbours.
        box = projected.bounds
        inv = ~src.transform
        cols, rows = inv @ (((box.minx + box.maxx) / 2).to_numpy(),
                            ((box.miny + box.maxy) / 2).to_numpy())
        order = np.lexsort((np.nan_to_num(np.asarray(cols)) // 512,
                            np.nan_to_num(np.asarray(rows)) // 512))
        records: list[dict[str, float]] = [{}] * len(gdf)
        geoms = projected.to_numpy()
        with _progress.bar(len(order), "zonal statistics", unit="zone",
                           progress=progress) as advance:
            for i in order:
                records[i] = zone_stats(src, geoms[i], stats, band=band,
                                        metres_per_unit=metres)
                advance(1)
    import pandas as pd

    table = pd.DataFrame.from_records(records, index=gdf.index,
                                      columns=[*stats, "nodata_fraction"])
    out = gdf.copy()
    for name in table.columns:
        out[name] = table[name].astype("float64")
    return out


# --------------------------------------------------------------------------- terrain


def _earth_radius(lat: float) -> float:
    """Gaussian mean radius of curvature of WGS84 at ``lat``: sqrt(M N), metres."""
    a, f = 6378137.0, 1 / 298.257223563
    e2 = f * (2 - f)
    s2 = math.sin(math.radians(lat)) ** 2
    return a * math.sqrt(1 - e2) / (1 - e2 * s2)


def line_of_sight(dem: str | Path, observer: Any, target: Any,
                  observer_height_m: float = 2.0, target_height_m: float = 0.0, *,
                  k: float = STANDARD_K) -> LineOfSight:
    """Whether ``target`` can be seen from ``observer`` over the terrain of ``dem``.

    The terrain is sampled along the geodesic at half the DEM's cell size (bilinear
    interpolation), lifted by the Earth bulge ``d (D - d) / (2 k R)`` (effective
    Earth radius ``k R``, ``R`` the WGS84 Gaussian radius at the observer) and
    compared with the straight sight line from the observer's eye to the target.

    Parameters
    ----------
    dem
        Elevation raster in metres (any CRS). Only the window under the line is read.
    observer, target
        ``(lon, lat)``, ``"LON,LAT"`` or a deployment name, alias or id
        (e.g. ``"Tower 22"``).
    observer_height_m, target_height_m
        Heights above the ground.
    k
        Refraction factor (4/3 standard atmosphere; 1 geometric; ``inf`` flat Earth).

    Examples
    --------
    >>> los = line_of_sight("dem.tif", "Tower 22", (38.9, 33.4), 10, 50)  # doctest: +SKIP
    >>> los.visible, round(los.min_clearance_m)                           # doctest: +SKIP
    """
    import pandas as pd

    lon0, lat0, _ = resolve_site(observer, error=RasterError)
    lon1, lat1, _ = resolve_site(target, error=RasterError)
    geod = _geodesic.geod()
    _, _, dist = geod.inv(lon0, lat0, lon1, lat1)
    with open_dem(dem) as handle:
        step = max(min(handle.res_m) / 2.0, 1.0)
        n = int(min(max(math.ceil(dist / step), 2), 100_000))
        inner = geod.npts(lon0, lat0, lon1, lat1, n - 1) if n > 1 else []
        lons = np.array([lon0, *(p[0] for p in inner), lon1])
        lats = np.array([lat0, *(p[1] for p in inner), lat1])
        ground = sample_bilinear(handle, lons, lats)
    d = np.linspace(0.0, dist, len(lons))
    if not (np.isfinite(ground[0]) and np.isfinite(ground[-1])):
        msg = f"{dem}: no elevation at the observer or the target (nodata or off the DEM)"
        raise RasterError(msg)
    radius = _earth_radius(lat0)
    kr = k * radius if np.isfinite(k) and k > 0 else math.inf
    bulge = d * (dist - d) / (2.0 * kr)
    eye = ground[0] + observer_height_m
    tip = ground[-1] + target_height_m
    sight = eye + (tip - eye) * (d / dist if dist > 0 else 0.0)
    clearance = sight - (ground + bulge)
    interior = clearance[1:-1]
    finite = np.isfinite(interior)
    if finite.any():
        worst = int(np.nanargmin(np.where(finite, interior, np.inf))) + 1
        min_clear = float(clearance[worst])
    else:
        worst, min_clear = -1, math.inf
    visible = bool(min_clear >= 0)
    profile = pd.DataFrame({"distance_m": d, "lon": lons, "lat": lats, "ground_m": ground,
                            "earth_bulge_m": bulge, "sightline_m": sight,
                            "clearance_m": clearance})
    obstruction = None if visible else (float(lons[worst]), float(lats[worst]), float(d[worst]))
    return LineOfSight(visible=visible, distance_m=float(dist), min_clearance_m=min_clear,
                       obstruction=obstruction, profile=profile)


def radar_coverage(dem: str | Path, site: Any, antenna_height_m: float = 10.0,
                   target_height_agl_m: float = 50.0, max_range: str | float = "50km", *,
                   path: str | Path | None = None, sectors: int = 36, k: float = STANDARD_K,
                   overwrite: bool = False) -> CoverageResult:
    """Cells where a target flying ``target_height_agl_m`` above ground is seen by a radar.

    A vectorised reference-plane viewshed (see :mod:`geoconflict._viewshed`; the same
    interpolation as GDAL's ``gdal_viewshed``) on heights lowered by the effective
    Earth curvature ``r² / (2 k R)``. Projected DEMs are used in their own grid
    (only the window within ``max_range`` is read); geographic DEMs (SRTM,
    Copernicus GLO-30) are first warped (bilinear) to an azimuthal equidistant grid
    centred on the site at their native resolution, so ranges and bearings are true.

    Parameters
    ----------
    dem
        Elevation raster in metres.
    site
        ``(lon, lat)``, ``"LON,LAT"`` or a deployment name, alias or id from the
        embedded ``deployments`` data.
    antenna_height_m, target_height_agl_m
        Antenna height above ground at the site; target height above ground.
    max_range
        Radius of the analysis (metres or e.g. ``"50km"``).
    path
        If given, write the coverage as a COG (1 visible, 0 hidden, 255 nodata).
    sectors
        Number of equal bearing sectors in the hidden-area table (36: 10° each).
    k
        Refraction factor (4/3 standard atmosphere).

    Returns
    -------
    CoverageResult
        The raster plus ``sectors``: hidden approach area (km²) per bearing sector,
        bearings clockwise from true north.

    Examples
    --------
    >>> cov = radar_coverage("dem.tif", "Tower 22", 10, 50, "40km",
    ...                      path="coverage.tif")                    # doctest: +SKIP
    >>> cov.sectors.nlargest(3, "hidden_km2")                         # doctest: +SKIP
    """

    rng = parse_distance(max_range)
    if rng <= 0:
        msg = f"max_range {max_range!r} must be positive"
        raise RasterError(msg)
    if not 1 <= sectors <= 360:
        msg = f"sectors must be between 1 and 360, got {sectors}"
        raise RasterError(msg)
    lon, lat, label = resolve_site(site, error=RasterError)
    local = local_dem(dem, lon, lat, rng)
    radius = _earth_radius(lat)
    vis, in_range = viewshed(local.heights, local.row, local.col,
                             observer_h=antenna_height_m, target_h=target_height_agl_m,
                             xres=local.xres_m, yres=local.yres_m, k=k, radius_m=radius,
                             max_range=rng)
    data = np.where(in_range & local.valid, vis.view(np.uint8), np.uint8(COVERAGE_NODATA))
    table = coverage_sectors(data, local, sectors)
    tags = {
        "source": f"geoconflict.radar_coverage of {Path(str(dem)).name}",
        "parameters": (f"site={label} lon={lon:.6f} lat={lat:.6f} "
                       f"antenna_height_m={antenna_height_m:g} "
                       f"target_height_agl_m={target_height_agl_m:g} max_range_m={rng:g} "
                       f"k={k:g} earth_radius_m={radius:.1f}"),
        "units": "class: 1 visible, 0 hidden, 255 out of range or no data",
        "geoconflict_kind": "coverage",
    }
    result = CoverageResult(data=data, transform=local.transform, crs=local.crs,
                            nodata=COVERAGE_NODATA, tags=tags, kind="coverage",
                            sectors=table, site=(lon, lat), site_cell=(local.row, local.col))
    if path is not None:
        _write(result, path, overwrite=overwrite, description="radar coverage",
               resampling="nearest")
    return result


# --------------------------------------------------------------------------- overlay


def to_overlay(raster: str | Path | RasterResult, *, name: str, colormap: str = "ylorrd",
               opacity: float = 0.6, vmin: float | None = None,
               vmax: float | None = None, max_size: int = 2048) -> Overlay:
    """Render a raster as an RGBA PNG overlay for Leaflet, with a legend.

    Leaflet's ``ImageOverlay`` stretches the image linearly between two lat/lon
    corners *in the map's Web Mercator plane*, so the raster is warped to an
    EPSG:3857 grid first (an image left in EPSG:4326 would sit increasingly wrong in
    latitude across its height). Continuous rasters are coloured with ``colormap``
    between ``vmin`` (default 0) and ``vmax`` (default the 99.5th percentile), values
    at or below ``vmin`` transparent; coverage rasters show hidden cells in red and
    visible cells in green. Images are at most ``max_size`` pixels a side.

    Parameters
    ----------
    raster
        A GeoTIFF path or a :class:`RasterResult` (e.g. from :func:`density`).
    name
        Layer name.
    colormap
        One of ``ylorrd``, ``blues``, ``viridis``, ``magma``.
    opacity
        Layer opacity, 0..1.
    """

    if not 0 <= opacity <= 1:
        msg = f"opacity must be between 0 and 1, got {opacity}"
        raise RasterError(msg)
    png, bounds, legend = render_overlay(raster, colormap=colormap, vmin=vmin, vmax=vmax,
                                         max_size=max_size)
    return Overlay(name=name, image_png=png, bounds=bounds, legend=legend, opacity=opacity)
