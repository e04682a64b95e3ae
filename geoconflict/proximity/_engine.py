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
GeoDataFrame (partitioned; see the docs, Proximity). Incidents with a missing or empty
geometry are kept with null results and reported in a warning, never dropped.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import _geodesic
from .._inputs import to_wgs84
from .._shapes import geodesic_circle, nearest_feature
from ..errors import ArgumentError, MissingGeometryWarning, UnitError
from ..units import format_distance
from . import _dask, _exposure
from ._layers import (
    Distance,
    as_metres,
    ids_of,
    is_dask,
    labels,
    layer_points,
    take,
    targets,
)

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["MissingGeometryWarning", "distance_to", "exposure", "nearest", "rings", "within"]



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
    >>> incidents = load_dataset("scenario")
    >>> hits = nearest(incidents, load_dataset("deployments"))
    >>> hits[["event_id", "deployment_name"]].iloc[0].tolist()
    ['GC-2024-0001', 'Union III']
    >>> round(hits["distance_m"].iloc[0])    # metres, on the WGS84 ellipsoid
    5849
    """
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1:
        msg = f"k must be a positive integer, got {k!r}"
        raise ArgumentError(msg)
    limit = None if max_distance is None else as_metres(max_distance, "max_distance")
    if is_dask(incidents):
        return _dask.map_partitions(nearest, incidents, targets(deployments).frame, int(k), limit)
    dep = targets(deployments)
    pts = layer_points(incidents, "incidents")
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
        out["deployment_id"] = take(dep.ids, index[:, 0])
        out["deployment_name"] = take(dep.names, index[:, 0])
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
    out["deployment_id"] = take(dep.ids, index[rows, ranks])
    out["deployment_name"] = take(dep.names, index[rows, ranks])
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
    >>> from geoconflict import load_dataset
    >>> pairs = within(load_dataset("scenario"), load_dataset("deployments"), "50km")
    >>> pairs[["event_id", "deployment_name"]].head(2).values.tolist()
    [['GC-2024-0001', 'Union III'], ['GC-2024-0001', 'US Embassy Baghdad']]
    """
    radius = as_metres(distance, "distance")
    if is_dask(incidents):
        return _dask.map_partitions(within, incidents, targets(deployments).frame, radius)
    import geopandas as gpd
    import pandas as pd

    dep = targets(deployments)
    pts = layer_points(incidents, "incidents")
    ok = np.flatnonzero(pts.ok)
    rows, cols, d, az = _geodesic.pairs_within(pts.lon[ok], pts.lat[ok], dep.points.lon,
                                               dep.points.lat, radius)
    order = np.lexsort((cols, d, rows))
    rows, cols, d, az = ok[rows[order]], cols[order], d[order], az[order]
    lo, hi = _bounds(d, pts.uncertainty[rows], dep.points.uncertainty[cols])
    data: dict[str, Any] = {"incident_index": incidents.index[rows]}
    if "event_id" in incidents.columns:
        data["event_id"] = incidents["event_id"].iloc[rows].to_numpy()
    data.update(deployment_id=take(dep.ids, cols), deployment_name=take(dep.names, cols),
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
    >>> from geoconflict import load_dataset
    >>> table = exposure(load_dataset("deployments"), load_dataset("scenario"),
    ...                  radii=("25km", "50km"))
    >>> table.sort_values("incidents_50km", ascending=False)[
    ...     ["deployment_name", "incidents_25km", "incidents_50km"]].head(1).values.tolist()
    [['Mission Support Site Green Village', 1, 2]]
    """

    if isinstance(radii, str | int | float):
        radii = (radii,)
    items = [(float(as_metres(r, "radii")), _radius_label(r)) for r in radii]
    if not items:
        msg = "exposure needs at least one radius"
        raise UnitError(msg)
    by_label = sorted({label: m for m, label in items}.items(), key=lambda x: x[1])
    spec = _exposure.Spec(tuple(m for _, m in by_label), tuple(label for label, _ in by_label),
                          _exposure.check_freq(freq))
    dep = targets(deployments)
    if is_dask(incidents):
        partials = _dask.exposure_partials(incidents, dep, spec)
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
    >>> from geoconflict import load_dataset
    >>> circles = rings(load_dataset("deployments"), ["25km", "50km"])
    >>> circles[["name", "label"]].head(2).values.tolist()
    [['Tower 22', '25 km'], ['Tower 22', '50 km']]
    """
    import geopandas as gpd
    import pandas as pd

    if is_dask(points):
        points = points.compute()
    if isinstance(radii, str | int | float):
        radii = (radii,)
    metres = [as_metres(r, "radii") for r in radii]
    pts = layer_points(points, "points")
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
    >>> from geoconflict import load_dataset
    >>> lanes = load_dataset("sites").query("kind == 'shipping lane'")
    >>> ships = load_dataset("scenario").query("event_id == 'GC-2024-0003'")
    >>> round(distance_to(ships, lanes)["distance_m"].iloc[0])   # metres to the lane
    4887
    """
    if is_dask(incidents):
        feats = features.compute() if is_dask(features) else features
        return _dask.map_partitions(distance_to, incidents, feats)

    if is_dask(features):
        features = features.compute()
    features = to_wgs84(features, "features")
    pts = layer_points(incidents, "incidents")
    ok = np.flatnonzero(pts.ok)
    fidx, dist = nearest_feature(pts.lon[ok], pts.lat[ok],
                                 np.asarray(features.geometry.values, dtype=object))
    n = len(incidents)
    index = np.full(n, -1, dtype=np.int64)
    distance = np.full(n, np.nan)
    index[ok], distance[ok] = fidx, dist
    ids = ids_of(features, "id")
    names = labels(features, "name") if "name" in features.columns else ids.copy()
    out = incidents.copy()
    out["feature_id"] = take(ids, index)
    out["feature_name"] = take(names, index)
    out["distance_m"] = distance
    return _geometry_last(out)
