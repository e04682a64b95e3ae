"""Geodesic proximity: nearest deployments, pairs within a radius, exposure, rings, distances.

"How close was this strike to our people?" Every distance here is measured on the WGS84
ellipsoid with Karney's algorithm (``pyproj.Geod``), never in degrees:
``sjoin_nearest`` in EPSG:4326 ranks by degrees (wrong answers where a degree of
longitude is short), haversine ignores the ellipsoid (hundreds of metres off) and
buffers in degrees are ellipses.

Speed comes from :mod:`geoconflict._geodesic`: a KD-tree over 3-D ellipsoid positions
finds candidates and proven chord/geodesic bounds decide which candidates need the exact
computation, so results equal a brute-force exact search at about the cost of one
exact distance per incident.

Every function accepts distances as metres or strings (``"50km"``, ``"30 mi"``,
``"10 nmi"``, ``"500 m"``), and incidents as a GeoDataFrame or a dask-geopandas
GeoDataFrame (partitioned; see the README, Proximity). Incidents with a missing or empty
geometry are kept with null results and reported in a warning, never dropped.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from . import _geodesic
from .errors import SchemaError, UnitError
from .units import format_distance, parse_distance

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

__all__ = ["MissingGeometryWarning", "distance_to", "exposure", "nearest", "rings", "within"]

Distance = str | float | int


class MissingGeometryWarning(UserWarning):
    """Some rows have no usable location: they are kept with null results."""


@dataclass
class _Points:
    """Longitude/latitude of a layer's rows (NaN where the geometry is unusable)."""

    lon: np.ndarray
    lat: np.ndarray
    ok: np.ndarray
    uncertainty: np.ndarray


def _is_dask(obj: Any) -> bool:
    return type(obj).__module__.split(".")[0] in ("dask_geopandas", "dask")


def _distance(value: Distance, what: str) -> float:
    try:
        return parse_distance(value)
    except UnitError as exc:
        msg = f"{what}: {exc}"
        raise UnitError(msg) from None


def _wgs84(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    if gdf.crs is not None and not gdf.crs.equals("EPSG:4326"):
        return gdf.to_crs("EPSG:4326")
    return gdf


def _points(gdf: gpd.GeoDataFrame, what: str, *, report: bool = True) -> _Points:
    """Coordinates of every row; lines/polygons are measured from their centroid."""
    import shapely

    if not hasattr(gdf, "geometry"):
        msg = f"{what} must be a GeoDataFrame with a geometry column"
        raise SchemaError(msg, field="geometry")
    gdf = _wgs84(gdf)
    geom = np.asarray(gdf.geometry.values, dtype=object)
    n = len(geom)
    kind = shapely.get_type_id(geom)  # -1 for missing
    coords = shapely.get_coordinates(geom) if (kind == 0).all() else np.empty((0, 2))
    if len(coords) == n:
        # Only non-empty points (the usual case): one pass over the geometries.
        lon, lat = coords[:, 0].copy(), coords[:, 1].copy()
        missing = np.zeros(n, dtype=bool)
        is_point = ~missing
    else:
        lon = np.full(n, np.nan)
        lat = np.full(n, np.nan)
        missing = (kind < 0) | shapely.is_empty(geom)
        is_point = ~missing & (kind == 0)
        lon[is_point] = shapely.get_x(geom[is_point])
        lat[is_point] = shapely.get_y(geom[is_point])
    other = ~missing & ~is_point
    if other.any():
        centre = shapely.centroid(geom[other])
        lon[other] = shapely.get_x(centre)
        lat[other] = shapely.get_y(centre)
        if report:
            warnings.warn(f"{what}: {int(other.sum())} non-point geometries are measured from "
                          "their centroid", stacklevel=3)
    ok = np.isfinite(lon) & np.isfinite(lat) & (np.abs(lat) <= 90) & (np.abs(lon) <= 540)
    bad = int((~ok).sum())
    if bad and report:
        rows = ", ".join(str(x) for x in gdf.index[~ok][:5])
        more = " ..." if bad > 5 else ""
        fate = ("they cannot be measured to and are left out" if what != "incidents" else
                "they are kept, with null distances, and counted in no radius")
        warnings.warn(f"{what}: {bad} of {n} rows have a missing, empty or invalid geometry "
                      f"(index {rows}{more}); {fate}", MissingGeometryWarning, stacklevel=3)
    unc = np.zeros(n)
    if "uncertainty_m" in gdf.columns:
        import pandas as pd

        unc = pd.to_numeric(gdf["uncertainty_m"], errors="coerce").to_numpy(
            dtype="float64", na_value=np.nan)
    return _Points(lon, lat, ok, unc)


def _labels(gdf: pd.DataFrame, column: str) -> np.ndarray:
    """Values of ``column`` as strings (object array, None for nulls); index as fallback."""
    import pandas as pd

    values = gdf[column] if column in gdf.columns else pd.Series(gdf.index, index=gdf.index)
    text = values.astype("string")
    out: np.ndarray = np.asarray(text.astype(object).where(text.notna(), None))
    return out


def _ids(gdf: pd.DataFrame, *columns: str) -> np.ndarray:
    for column in columns:
        if column in gdf.columns:
            return _labels(gdf, column)
    return _labels(gdf, "\0index")


@dataclass
class _Layer:
    """The deployments (or other targets) reduced to what the searches need."""

    points: _Points
    ids: np.ndarray
    names: np.ndarray
    frame: gpd.GeoDataFrame


def _targets(gdf: Any, what: str = "deployments") -> _Layer:
    """Prepare the broadcast side; rows without a location cannot be targets."""
    if _is_dask(gdf):
        gdf = gdf.compute()
    pts = _points(gdf, what)
    keep = pts.ok
    frame = gdf[keep]
    ids = _ids(gdf, "id", "deployment_id")[keep]
    names = _labels(gdf, "name")[keep] if "name" in gdf.columns else ids.copy()
    return _Layer(_Points(pts.lon[keep], pts.lat[keep], keep[keep], pts.uncertainty[keep]),
                  ids, names, frame)


def _take(values: np.ndarray, index: np.ndarray) -> Any:
    """``values[index]`` as a pandas string array, null where index is -1.

    The take runs in Arrow (C++): a million labels cost milliseconds, not the second a
    Python object array would.
    """
    import pandas as pd
    import pyarrow as pa

    index = np.asarray(index, dtype=np.int64).ravel()
    if values.size == 0:
        taken = pa.nulls(index.size, pa.string())
    else:
        table = pa.array(values.tolist(), type=pa.string())
        taken = table.take(pa.array(np.maximum(index, 0), mask=index < 0))
    return pd.arrays.ArrowStringArray(taken)


def _bounds(d: np.ndarray, u_inc: np.ndarray, u_dep: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distance range once both positions' uncertainty radii are taken into account."""
    total = u_inc + u_dep
    return np.maximum(0.0, d - total), d + total


def nearest(incidents: Any, deployments: Any, k: int = 1,
            max_distance: Distance | None = None) -> Any:
    """The ``k`` nearest deployments of every incident, by exact geodesic distance.

    Parameters
    ----------
    incidents
        Incidents (points; other geometries are measured from their centroid), a
        GeoDataFrame or a dask-geopandas GeoDataFrame.
    deployments
        Deployments; ``id`` and ``name`` columns name them (the index otherwise); an
        ``uncertainty_m`` column widens the distance range.
    k
        Neighbours per incident. With ``k > 1`` each incident has one row per neighbour
        and a ``rank`` column (1 = nearest).
    max_distance
        Ignore deployments farther than this (metres or a string such as ``"100km"``).

    Returns
    -------
    geopandas.GeoDataFrame
        Every incident row (incidents with a missing geometry or no deployment in range
        get nulls), plus ``deployment_id``, ``deployment_name``, ``distance_m``,
        ``bearing_deg`` (initial azimuth from the incident, degrees clockwise from north),
        ``distance_min_m`` = max(0, d - u_incident - u_deployment) and ``distance_max_m``
        = d + u_incident + u_deployment.

    Examples
    --------
    >>> from geoconflict import load_dataset
    >>> hits = nearest(incidents, load_dataset("deployments"))  # doctest: +SKIP
    >>> hits[["event_id", "deployment_name", "distance_m"]]    # doctest: +SKIP
    """
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1:
        msg = f"k must be a positive integer, got {k!r}"
        raise ValueError(msg)
    limit = None if max_distance is None else _distance(max_distance, "max_distance")
    if _is_dask(incidents):
        from . import _dask

        return _dask.nearest(incidents, _targets(deployments).frame, int(k), limit)
    dep = _targets(deployments)
    pts = _points(incidents, "incidents")
    n = len(incidents)
    index = np.full((n, k), -1, dtype=np.int64)
    dist = np.full((n, k), np.nan)
    bearing = np.full((n, k), np.nan)
    ok = np.flatnonzero(pts.ok)
    i, d, b = _geodesic.knearest(pts.lon[ok], pts.lat[ok], dep.points.lon, dep.points.lat,
                                 k=int(k), max_distance=limit)
    index[ok], dist[ok], bearing[ok] = i, d, b
    u_dep = np.where(index >= 0, dep.points.uncertainty[np.maximum(index, 0)]
                     if dep.points.uncertainty.size else np.nan, np.nan)
    lo, hi = _bounds(dist, pts.uncertainty[:, None], u_dep)
    columns = {"distance_m": dist, "bearing_deg": bearing, "distance_min_m": lo,
               "distance_max_m": hi}
    if k == 1:
        out = incidents.copy(deep=False)  # copy-on-write: the caller's frame is untouched
        out["deployment_id"] = _take(dep.ids, index[:, 0])
        out["deployment_name"] = _take(dep.names, index[:, 0])
        for name, values in columns.items():
            out[name] = values[:, 0]
        return _geometry_last(out)
    # One row per (incident, neighbour); an incident with no neighbour keeps one null row.
    keep = index >= 0
    keep[:, 0] = True
    rows, ranks = np.nonzero(keep)
    out = incidents.iloc[rows].copy()
    import pandas as pd

    out["rank"] = pd.array(ranks + 1, dtype="Int64")
    out["deployment_id"] = _take(dep.ids, index[rows, ranks])
    out["deployment_name"] = _take(dep.names, index[rows, ranks])
    for name, values in columns.items():
        out[name] = values[rows, ranks]
    return _geometry_last(out)


def _geometry_last(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    name = gdf.geometry.name
    return gdf[[c for c in gdf.columns if c != name] + [name]]


def within(incidents: Any, deployments: Any, distance: Distance) -> Any:
    """Every (incident, deployment) pair at most ``distance`` apart on the ellipsoid.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per pair, sorted by incident then distance: ``incident_index`` (the
        incident's index label), ``event_id`` (when the incidents have one),
        ``deployment_id``, ``deployment_name``, ``distance_m``, ``bearing_deg``,
        ``distance_min_m``, ``distance_max_m`` and the incident's geometry.

    Examples
    --------
    >>> within(incidents, bases, "50km")  # doctest: +SKIP
    """
    radius = _distance(distance, "distance")
    if _is_dask(incidents):
        from . import _dask

        return _dask.within(incidents, _targets(deployments).frame, radius)
    import geopandas as gpd
    import pandas as pd

    dep = _targets(deployments)
    pts = _points(incidents, "incidents")
    ok = np.flatnonzero(pts.ok)
    rows, cols, d, az = _geodesic.pairs_within(pts.lon[ok], pts.lat[ok], dep.points.lon,
                                               dep.points.lat, radius)
    order = np.lexsort((cols, d, rows))
    rows, cols, d, az = ok[rows[order]], cols[order], d[order], az[order]
    lo, hi = _bounds(d, pts.uncertainty[rows], dep.points.uncertainty[cols])
    data: dict[str, Any] = {"incident_index": incidents.index[rows]}
    if "event_id" in incidents.columns:
        data["event_id"] = incidents["event_id"].iloc[rows].to_numpy()
    data.update(deployment_id=_take(dep.ids, cols), deployment_name=_take(dep.names, cols),
                distance_m=d, bearing_deg=az, distance_min_m=lo, distance_max_m=hi)
    frame = pd.DataFrame(data)
    geometry = gpd.GeoSeries(np.asarray(incidents.geometry.values, dtype=object)[rows],
                             crs=incidents.crs or "EPSG:4326")
    return gpd.GeoDataFrame(frame, geometry=geometry.values, crs=geometry.crs)


# --------------------------------------------------------------------------- exposure


def _radius_label(value: Distance) -> str:
    """Column suffix of a radius: ``"25km"`` for ``"25 km"``, ``"500m"`` for ``500``."""
    if isinstance(value, str):
        label = re.sub(r"[^0-9a-z.]+", "", value.lower())
        return label.replace(".", "_")
    metres = float(value)
    if metres >= 1000 and metres % 1000 == 0:
        return f"{int(metres // 1000)}km"
    return f"{metres:g}m".replace(".", "_")


def _slug(text: Any) -> str:
    if text is None or text != text:
        return "unknown"
    slug = re.sub(r"[^0-9a-z]+", "_", str(text).lower()).strip("_")
    return slug or "unknown"


def exposure(deployments: Any, incidents: Any,
             radii: Sequence[Distance] | Distance = ("25km", "50km", "100km"),
             freq: str | None = None) -> Any:
    """Per deployment: incidents and fatalities within each radius, nearest and latest.

    Parameters
    ----------
    deployments
        Deployment points (``id``, ``name`` columns; the index otherwise).
    incidents
        Incidents (GeoDataFrame or dask-geopandas GeoDataFrame); uses ``event_type``,
        ``fatalities``, ``event_date`` and ``event_id`` when present.
    radii
        One or more radii (metres or strings).
    freq
        ``None`` for one row per deployment, or a pandas period alias (``"W"`` weekly,
        ``"M"`` monthly, ``"Q"``, ``"Y"``) for one row per deployment and period (long
        format, ``period`` column; every period between the first and last incident).

    Returns
    -------
    geopandas.GeoDataFrame
        Deployment geometry and ``deployment_id``, ``deployment_name``, then per radius
        label R (``25km``): ``incidents_R``, ``fatalities_R`` and, per event type slug T
        (``explosions_remote_violence``...), ``incidents_R_T`` and ``fatalities_R_T``; then
        ``nearest_incident_id``, ``nearest_incident_m`` (exact, any distance) and
        ``last_incident_date`` (latest incident within the largest radius). Membership in
        a radius is exact (geodesic distance <= radius). Null fatalities count as 0.

    Examples
    --------
    >>> exposure(bases, incidents, radii=("25km", "50km"), freq="M")  # doctest: +SKIP
    """
    from . import _exposure

    if isinstance(radii, str | int | float):
        radii = (radii,)
    items = [(float(_distance(r, "radii")), _radius_label(r)) for r in radii]
    if not items:
        msg = "exposure needs at least one radius"
        raise UnitError(msg)
    by_label = sorted({label: m for m, label in items}.items(), key=lambda x: x[1])
    spec = _exposure.Spec(tuple(m for _, m in by_label), tuple(label for label, _ in by_label),
                          _exposure.check_freq(freq))
    dep = _targets(deployments)
    if _is_dask(incidents):
        from . import _dask

        partials = _dask.exposure_partials(incidents, dep.frame, spec)
    else:
        partials = [_exposure.partial(dep, incidents, spec)]
    return _exposure.combine(dep, partials, spec)


# --------------------------------------------------------------------------- rings


def rings(points: Any, radii: Sequence[Distance] | Distance) -> gpd.GeoDataFrame:
    """True geodesic circles around points, as polygons for maps and containment.

    Vertices come from ``Geod.fwd`` around the centre; their number doubles until every
    edge midpoint lies within 0.1% of the radius. Circles crossing the antimeridian are
    split into a MultiPolygon; circles around a pole close over it.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per (point, radius): the point's ``id`` and ``name`` when present,
        ``radius_m``, ``label`` (``"25 km"``) and the circle.

    Examples
    --------
    >>> rings(load_dataset("deployments"), ["25km", "50km"])  # doctest: +SKIP
    """
    import geopandas as gpd
    import pandas as pd

    from ._shapes import geodesic_circle

    if _is_dask(points):
        points = points.compute()
    if isinstance(radii, str | int | float):
        radii = (radii,)
    metres = [_distance(r, "radii") for r in radii]
    pts = _points(points, "points")
    rows = []
    geoms = []
    keep_cols = [c for c in ("id", "name") if c in points.columns]
    for i in np.flatnonzero(pts.ok):
        base = {c: points[c].iloc[i] for c in keep_cols}
        for r in metres:
            geoms.append(geodesic_circle(float(pts.lon[i]), float(pts.lat[i]), r))
            rows.append({**base, "radius_m": r, "label": format_distance(r)})
    frame = pd.DataFrame(rows, columns=[*keep_cols, "radius_m", "label"])
    for c in keep_cols:
        frame[c] = frame[c].astype(points[c].dtype) if len(frame) else frame[c]
    frame["radius_m"] = frame["radius_m"].astype("float64")
    frame["label"] = frame["label"].astype("string")
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geoms, crs="EPSG:4326").values,
                            crs="EPSG:4326")


# --------------------------------------------------------------------------- distance_to


def distance_to(incidents: Any, features: Any) -> Any:
    """Geodesic distance from each incident to the nearest point of lines or polygons.

    Feature edges are geodesics between their vertices. A point inside a polygon is at
    distance 0. Accurate to well under a metre at any feature length (the nearest point
    of each candidate geodesic segment is found by exact search; see
    :mod:`geoconflict._shapes`).

    Parameters
    ----------
    incidents
        Points (GeoDataFrame or dask-geopandas GeoDataFrame).
    features
        Lines, polygons (multi- too) or points with optional ``id`` and ``name``.

    Returns
    -------
    geopandas.GeoDataFrame
        The incidents plus ``feature_id``, ``feature_name`` and ``distance_m``.

    Examples
    --------
    >>> lanes = load_dataset("sites").query("kind == 'shipping lane'")  # doctest: +SKIP
    >>> distance_to(ship_attacks, lanes)[["event_id", "distance_m"]]   # doctest: +SKIP
    """
    if _is_dask(incidents):
        from . import _dask

        feats = features.compute() if _is_dask(features) else features
        return _dask.distance_to(incidents, feats)
    from ._shapes import nearest_feature

    if _is_dask(features):
        features = features.compute()
    features = _wgs84(features)
    pts = _points(incidents, "incidents")
    ok = np.flatnonzero(pts.ok)
    fidx, dist = nearest_feature(pts.lon[ok], pts.lat[ok],
                                 np.asarray(features.geometry.values, dtype=object))
    n = len(incidents)
    index = np.full(n, -1, dtype=np.int64)
    distance = np.full(n, np.nan)
    index[ok], distance[ok] = fidx, dist
    ids = _ids(features, "id")
    names = _labels(features, "name") if "name" in features.columns else ids.copy()
    out = incidents.copy()
    out["feature_id"] = _take(ids, index)
    out["feature_name"] = _take(names, index)
    out["distance_m"] = distance
    return _geometry_last(out)
