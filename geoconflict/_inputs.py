"""Inputs, once: open a path, ``-`` or a stream; reproject to WGS84; geometry to point.

Users: :mod:`geoconflict.io` and :mod:`geoconflict.events` (opening inputs),
:mod:`geoconflict.proximity`, :mod:`geoconflict.webmap`, :mod:`geoconflict.raster` and
:mod:`geoconflict.roads` (WGS84 and representative points), :mod:`geoconflict.schema`
(the working CRS).

Rules, each decided here and nowhere else:

* **WGS84.** Every stage works in EPSG:4326. A frame in another CRS is reprojected; a
  frame without a CRS is taken to be longitude/latitude, unless its coordinates cannot
  be (a projected file whose ``.prj`` went missing), which is an error naming the input.
* **One point per geometry.** Points are themselves; every other geometry is measured,
  drawn and routed from its *point on surface* (``shapely.point_on_surface``), which lies
  on the line or inside the polygon, unlike a centroid, which for an L-shaped area or a
  curved shipping lane can fall far outside it. The one documented exception is a
  country or region mention of the geoparser, placed at its cited label point.
* **Missing geometries.** Rows whose geometry is missing, empty or not finite are kept
  with null results wherever the output has one row per input row, and left out of
  layers that cannot hold them (map layers, targets, rasters); either way one
  :class:`~geoconflict.errors.MissingGeometryWarning` counts them and says which.
* **Inputs.** ``-`` is standard input (read as bytes), an object with ``read`` is a
  stream, anything else is a path. (A name that is both an existing file and an embedded
  dataset means the file: :func:`geoconflict.datasets.is_dataset_name`.)
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from .errors import MissingGeometryWarning, SchemaError

if TYPE_CHECKING:
    import geopandas as gpd
    import numpy as np

__all__ = [
    "CRS",
    "read_source",
    "representative_points",
    "to_wgs84",
    "utf8_text",
    "warn_missing",
]

#: The one CRS every stage works in.
CRS = "EPSG:4326"

Source = str | Path | IO[str] | IO[bytes]


def read_source(source: Source) -> tuple[str, Path | None, bytes | None]:
    """Open ``source``: ``(display name, path or None, bytes or None)``.

    Standard input and streams are read whole (as bytes; text streams are encoded as
    UTF-8); paths are returned unread, so large files can be streamed by their reader.
    """
    if isinstance(source, str) and source == "-":
        stream = sys.stdin.buffer if hasattr(sys.stdin, "buffer") else sys.stdin
        data = stream.read()
        return "<stdin>", None, data.encode("utf-8") if isinstance(data, str) else data
    if hasattr(source, "read"):
        data = source.read()
        name = str(getattr(source, "name", "<stream>"))
        return name, None, data.encode("utf-8") if isinstance(data, str) else data
    return str(source), Path(source), None


def utf8_text(data: bytes | str, source: str, *, hint: str) -> str:
    """``data`` as text: UTF-8, with or without BOM. Empty input (0 bytes, typically a
    failed command upstream in a pipe) and other encodings are errors naming
    ``source``; ``hint`` says what to do about the encoding."""
    if isinstance(data, str):
        return data
    if not data:
        msg = ("standard input is empty (0 bytes): did the command before it in the pipe "
               "fail?" if source == "<stdin>" else "empty (0 bytes)")
        raise SchemaError(msg, file=source)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SchemaError(f"not UTF-8 (byte {exc.start}): {hint}", file=source) from exc


def to_wgs84(gdf: gpd.GeoDataFrame, what: str = "input") -> gpd.GeoDataFrame:
    """``gdf`` in EPSG:4326: reprojected when it has another CRS; returned as it is (no
    copy) when it is in EPSG:4326 or has no CRS and lon/lat coordinates.

    Raises
    ------
    SchemaError
        When ``gdf`` has no CRS and coordinates outside longitude/latitude ranges.
    """
    import numpy as np

    if gdf.crs is None:
        if len(gdf) and gdf.geometry.notna().any():
            west, south, east, north = gdf.geometry.total_bounds
            if not (np.isfinite([west, south, east, north]).all() and west >= -540
                    and east <= 540 and south >= -90 and north <= 90):
                msg = (f"{what} has no CRS and its coordinates reach ({west:.6g}, "
                       f"{south:.6g}, {east:.6g}, {north:.6g}): not longitude/latitude; set "
                       "the frame's CRS (gdf.set_crs) so it can be reprojected to WGS84")
                raise SchemaError(msg, field="geometry")
        return gdf
    if gdf.crs.equals(CRS):
        return gdf
    return gdf.to_crs(CRS)


def representative_points(geometries: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Longitude, latitude and a usable mask for an array of shapely geometries.

    Points are themselves; other geometries give their ``point_on_surface``. Missing,
    empty and non-finite geometries give NaN and ``False`` in the mask.
    """
    import numpy as np
    import shapely

    geom = np.asarray(geometries, dtype=object)
    n = len(geom)
    kind = shapely.get_type_id(geom)  # -1 for None
    if n and (kind == 0).all():
        coords = shapely.get_coordinates(geom)
        if len(coords) == n:  # only non-empty points: the usual case, one pass
            lon, lat = coords[:, 0].copy(), coords[:, 1].copy()
            return lon, lat, _usable(lon, lat)
    lon = np.full(n, np.nan)
    lat = np.full(n, np.nan)
    present = (kind >= 0) & ~shapely.is_empty(geom)
    is_point = present & (kind == 0)
    lon[is_point] = shapely.get_x(geom[is_point])
    lat[is_point] = shapely.get_y(geom[is_point])
    other = present & ~is_point
    if other.any():
        surface = shapely.point_on_surface(geom[other])
        lon[other] = shapely.get_x(surface)
        lat[other] = shapely.get_y(surface)
    return lon, lat, _usable(lon, lat)


def _usable(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Finite longitude/latitude in range (one rule for both paths above: a point at
    latitude -1e308 once passed the fast path and overflowed a raster's centre)."""
    import numpy as np

    with np.errstate(invalid="ignore"):
        return np.isfinite(lon) & np.isfinite(lat) & (np.abs(lat) <= 90) & \
            (np.abs(lon) <= 540)


def warn_missing(what: str, ok: np.ndarray, index: Any, fate: str, *,
                 stacklevel: int = 3) -> int:
    """Warn once (:class:`MissingGeometryWarning`) about the rows where ``ok`` is False.

    ``fate`` says what happens to them ("kept with null distances", "left out of the
    map"...). Returns how many there were.
    """
    import numpy as np

    bad = int((~ok).sum())
    if bad:
        rows = ", ".join(str(x) for x in np.asarray(index)[~ok][:5])
        more = " ..." if bad > 5 else ""
        warnings.warn(f"{what}: {bad} of {len(ok)} rows have a missing, empty or invalid "
                      f"geometry (index {rows}{more}); {fate}", MissingGeometryWarning,
                      stacklevel=stacklevel + 1)
    return bad
