"""Geometry rules of RFC 7946, shared by the GeoJSON and KML writers.

- Coordinates are WGS84 longitude, latitude (other CRSs are reprojected).
- Polygon rings follow the right-hand rule: exterior counter-clockwise, holes clockwise
  (``shapely.orient_polygons``, vectorised in GEOS).
- Geometries that cross the antimeridian are split into ``Multi*`` parts on either side
  of it (RFC 7946 section 3.1.9).
- Coordinates are rounded to a number of decimals (6 is about 0.1 m).

Antimeridian detection rule
---------------------------
A LineString or polygon ring crosses the antimeridian when two *consecutive* vertices
are more than 180 degrees of longitude apart: the segment between them is taken to run
the short way round the globe, through +/-180, not the long way across Greenwich. This
is the reading GDAL's ``WRAPDATELINE`` option and most web maps use. Such a geometry is
unwrapped (negative longitudes + 360), cut at 180 and the eastern piece shifted back by
-360. The rule assumes a crossing geometry spans less than 180 degrees of longitude
once unwrapped; polygons containing a pole are out of scope. Points never cross.
"""

from __future__ import annotations

import errno
from typing import TYPE_CHECKING, Any

from .. import _inputs as inputs
from ..errors import ExportError, SchemaError

if TYPE_CHECKING:
    import geopandas as gpd
    import numpy as np
    from numpy.typing import NDArray

__all__ = ["crosses_antimeridian", "prepare_geometries", "round_geometries", "split_antimeridian",
           "to_wgs84", "wrap_longitudes"]


def to_wgs84(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return ``gdf`` in EPSG:4326 (a CRS-less frame is taken to be lon/lat already).

    Raises
    ------
    ExportError
        If the coordinates cannot be longitudes/latitudes (a projected frame with its
        CRS missing): writing them as GeoJSON would put features in the wrong place.
    """
    try:
        return inputs.to_wgs84(gdf, "output")
    except SchemaError as exc:
        raise ExportError(errno.EINVAL, exc.reason) from None


def wrap_longitudes(x: NDArray[np.float64]) -> NDArray[np.float64]:
    """Bring longitudes into [-180, 180] (190 -> -170); values inside are unchanged."""
    outside = (x < -180) | (x > 180)
    if not outside.any():
        return x
    x = x.copy()
    x[outside] = (x[outside] + 180.0) % 360.0 - 180.0
    return x


def _sequences(geom: Any) -> list[NDArray[np.float64]]:
    """x coordinates of every LineString and ring of ``geom``."""
    import shapely

    out = []
    for part in shapely.get_parts(geom):
        kind = shapely.get_type_id(part)
        if kind == 3:  # polygon: every ring
            rings = [shapely.get_exterior_ring(part),
                     *shapely.get_interior_ring(part, range(shapely.get_num_interior_rings(part)))]
        elif kind in (1, 2):
            rings = [part]
        elif kind == 7:
            out.extend(_sequences(part))
            continue
        else:
            continue
        out.extend(shapely.get_coordinates(ring)[:, 0] for ring in rings)
    return out


def crosses_antimeridian(geoms: Any) -> NDArray[np.bool_]:
    """Which geometries have a segment jumping more than 180 degrees of longitude."""
    import numpy as np
    import shapely

    geoms = np.asarray(geoms, dtype=object)
    out = np.zeros(len(geoms), dtype=bool)
    if not len(geoms):
        return out
    bounds = shapely.bounds(geoms)
    # Necessary condition, vectorised: a jump > 180 needs a span > 180.
    candidates = np.flatnonzero((bounds[:, 2] - bounds[:, 0]) > 180)
    for i in candidates:
        out[i] = any(np.any(np.abs(np.diff(x)) > 180) for x in _sequences(geoms[i]))
    return out


def _shift(geom: Any, dx: float, only_negative: bool = False) -> Any:
    import numpy as np
    import shapely

    def move(coords: NDArray[np.float64]) -> NDArray[np.float64]:
        coords = coords.copy()
        if only_negative:
            coords[:, 0] = np.where(coords[:, 0] < 0, coords[:, 0] + dx, coords[:, 0])
        else:
            coords[:, 0] += dx
        return coords

    return shapely.transform(geom, move, include_z=None)


def split_antimeridian(geom: Any) -> Any:
    """Split one crossing geometry into a MultiLineString / MultiPolygon at +/-180."""
    import shapely

    unwrapped = _shift(geom, 360.0, only_negative=True)
    if shapely.get_type_id(geom) in (3, 6):
        unwrapped = shapely.make_valid(unwrapped)
    west_of_180 = shapely.clip_by_rect(unwrapped, -180.0, -90.0, 180.0, 90.0)
    east_of_180 = _shift(shapely.clip_by_rect(unwrapped, 180.0, -90.0, 540.0, 90.0), -360.0)
    polygonal = shapely.get_dimensions(geom) == 2
    parts = [p for side in (west_of_180, east_of_180) for p in shapely.get_parts(side)
             if not shapely.is_empty(p)
             and shapely.get_dimensions(p) == (2 if polygonal else 1)]
    if polygonal:
        flat = [q for p in parts for q in shapely.get_parts(p)]
        return shapely.multipolygons(flat)
    flat = [q for p in parts for q in shapely.get_parts(p)]
    return shapely.multilinestrings(flat)


def round_geometries(geoms: Any, precision: int) -> Any:
    """Round every coordinate to ``precision`` decimals (vectorised)."""
    import numpy as np
    import shapely

    return shapely.transform(geoms, lambda c: np.round(c, precision), include_z=None)


def prepare_geometries(geoms: Any, precision: int) -> tuple[Any, NDArray[np.bool_]]:
    """Apply the RFC 7946 geometry rules to an array of WGS84 geometries.

    Returns
    -------
    (geometries, split)
        The oriented, antimeridian-split, rounded geometries (empty ones become None),
        and which of them were split.
    """
    import numpy as np
    import shapely

    geoms = np.asarray(geoms, dtype=object).copy()
    empty = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    geoms[empty] = None
    bounds = shapely.bounds(geoms)
    if np.nanmin(bounds[:, 0], initial=0.0) < -180 or np.nanmax(bounds[:, 2], initial=0.0) > 180:
        # Unwrapped longitudes (e.g. 170..190): wrap them; the jump this makes across
        # the antimeridian is then split like any other crossing.
        geoms = shapely.transform(
            geoms, lambda c: np.column_stack([wrap_longitudes(c[:, 0]), c[:, 1:]]),
            include_z=None)
    split = crosses_antimeridian(geoms)
    for i in np.flatnonzero(split):
        geoms[i] = split_antimeridian(geoms[i])
    geoms = shapely.orient_polygons(geoms, exterior_cw=False)
    geoms = round_geometries(geoms, precision)
    return geoms, split
