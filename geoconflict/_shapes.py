"""Geodesic shapes: circles (range rings) and point-to-line/polygon distances.

Range rings
    Vertices come from ``Geod.fwd`` at equal azimuth steps around the centre; the count
    doubles until every edge midpoint (the worst place of a straight edge in lon/lat) is
    within 0.1% of the radius from the centre, so the check is made, not assumed, at high
    latitudes too. Rings are unwrapped in longitude, closed over a pole they contain, and
    cut at the antimeridian into a MultiPolygon.

Distance to lines and polygons
    Edges are geodesics between the vertices. Each edge is cut into pieces of at most
    :data:`PIECE_M`. For an incident ``P`` and a piece ``A-B`` of length ``l``, the
    triangle inequality along the piece gives the lower bound
    ``(d(P, A) + d(P, B) - l) / 2`` of the distance from ``P`` to any point of the piece,
    and the nearest piece end gives an upper bound. A KD-tree finds the nearest piece
    end; every piece that could hold a nearer point has an end within
    ``upper + l/2`` (chord <= geodesic, so a chord ball query finds them all); pieces
    whose lower bound exceeds the upper bound are dropped and on the rest the nearest
    point is found by golden-section search along the exact geodesic (to < 1 mm of
    position). Points inside a polygon are at distance 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from typing import Any

import numpy as np

from . import _geodesic
from .errors import UnitError

#: Longest geodesic piece (m) that edges are cut into for the distance search.
PIECE_M = 2_000.0
#: Largest relative radius error allowed at an edge midpoint of a ring.
RING_TOLERANCE = 1e-3
_GOLDEN = (math.sqrt(5) - 1) / 2
#: Mean Earth radius (m), only for the along-track step of the iteration.
_MEAN_RADIUS = 6_371_008.8


# --------------------------------------------------------------------------- rings


def _ring_vertices(lon0: float, lat0: float, radius: float, n: int
                   ) -> tuple[np.ndarray, np.ndarray]:
    az = np.linspace(0.0, 360.0, n, endpoint=False)
    lon, lat, _ = _geodesic.geod().fwd(np.full(n, lon0), np.full(n, lat0), az,
                                       np.full(n, radius))
    closed = np.append(lon, lon[0])
    unwrapped = np.degrees(np.unwrap(np.radians(closed)))
    return unwrapped, np.append(lat, lat[0])


def _midpoint_error(lon0: float, lat0: float, radius: float, lon: np.ndarray,
                    lat: np.ndarray) -> float:
    mid_lon = (lon[:-1] + lon[1:]) / 2
    mid_lat = (lat[:-1] + lat[1:]) / 2
    d, _ = _geodesic.inverse(np.full(mid_lon.size, lon0), np.full(mid_lon.size, lat0),
                             mid_lon, mid_lat)
    return float(np.max(np.abs(d - radius)) / radius)


def geodesic_circle(lon0: float, lat0: float, radius: float, *,
                    tolerance: float = RING_TOLERANCE, max_vertices: int = 1 << 15) -> Any:
    """The geodesic circle of ``radius`` metres around (lon0, lat0) as a (Multi)Polygon.

    Raises
    ------
    UnitError
        If the circle would contain both poles (radius beyond ~10,000 km).
    """
    import shapely
    from shapely.geometry import Polygon, box
    from shapely.geometry.polygon import orient

    if radius <= 0:
        return Polygon()
    lon0 = ((lon0 + 180.0) % 360.0) - 180.0
    pole_d, _ = _geodesic.inverse(np.array([lon0, lon0]), np.array([lat0, lat0]),
                                  np.array([0.0, 0.0]), np.array([90.0, -90.0]))
    north, south = bool(pole_d[0] < radius), bool(pole_d[1] < radius)
    if north and south:
        msg = f"a ring of {radius:.0f} m around ({lon0}, {lat0}) would contain both poles"
        raise UnitError(msg)
    n = 128
    while True:
        lon, lat = _ring_vertices(lon0, lat0, radius, n)
        if n >= max_vertices or _midpoint_error(lon0, lat0, radius, lon, lat) <= tolerance:
            break
        n *= 2
    if north or south:
        # The unwrapped ring winds once round the pole: close it along the pole's "edge".
        pole = 90.0 if north else -90.0
        coords = [*zip(lon, lat, strict=True), (lon[-1], pole), (lon[0], pole)]
    else:
        coords = list(zip(lon, lat, strict=True))
    shape = shapely.make_valid(Polygon(coords))
    parts = []
    for shift in (-360.0, 0.0, 360.0):
        window = box(-180.0 - shift, -90.0, 180.0 - shift, 90.0)
        piece = shapely.intersection(shape, window)
        if not piece.is_empty:
            parts.append(shapely.transform(piece, lambda xy, s=shift: xy + np.array([s, 0.0])))
    # Snapping to 1e-9 degrees (0.1 mm) welds the seam where an unwrapped ring met itself.
    merged = shapely.union_all(parts, grid_size=1e-9)
    polys = [g for g in getattr(merged, "geoms", [merged]) if g.geom_type == "Polygon"
             and g.area > 0]
    if north or south:
        # The cap's edge along the pole runs from 180 to -180: extra vertices on it keep
        # every step under 180 degrees, so no writer mistakes it for an antimeridian jump.
        polys = [shapely.segmentize(p, 45.0) for p in polys]
    if len(polys) == 1:
        return orient(polys[0])
    return shapely.MultiPolygon([orient(p) for p in polys])


# --------------------------------------------------------------------------- distance_to


def _edges(geom: Any) -> list[np.ndarray]:
    """Coordinate sequences whose consecutive vertices are joined by geodesic edges."""
    import shapely

    kind = geom.geom_type
    if kind in ("Point", "MultiPoint"):
        return [shapely.get_coordinates(geom)[:, :2]]
    if kind in ("LineString", "LinearRing"):
        return [np.asarray(geom.coords)[:, :2]]
    if kind == "Polygon":
        return [np.asarray(r.coords)[:, :2] for r in (geom.exterior, *geom.interiors)]
    if hasattr(geom, "geoms"):
        return [seq for part in geom.geoms for seq in _edges(part)]
    return []


@dataclass
class _Pieces:
    """Edges cut into pieces of at most PIECE_M; per piece its end points, its length and
    the geodesic edge it belongs to (start point, azimuth, length, offset along it)."""

    slon: np.ndarray
    slat: np.ndarray
    elon: np.ndarray
    elat: np.ndarray
    length: np.ndarray
    edge_lon: np.ndarray
    edge_lat: np.ndarray
    edge_az: np.ndarray
    edge_len: np.ndarray
    offset: np.ndarray


def _pieces(coords: np.ndarray) -> _Pieces:
    """Cut a vertex sequence's geodesic edges into pieces of at most PIECE_M."""
    if len(coords) == 1:
        lon, lat = coords[:, 0], coords[:, 1]
        zero = np.zeros(1)
        return _Pieces(lon, lat, lon, lat, zero, lon, lat, zero, zero, zero)
    a, b = coords[:-1], coords[1:]
    g = _geodesic.geod()
    az, _, length = g.inv(a[:, 0], a[:, 1], b[:, 0], b[:, 1])
    az, length = np.asarray(az), np.asarray(length)
    count = np.maximum(1, np.ceil(length / PIECE_M)).astype(np.int64)
    edge = np.repeat(np.arange(len(a)), count)
    step = np.arange(edge.size) - np.repeat(np.cumsum(count) - count, count)
    piece = length[edge] / count[edge]
    slon, slat, _ = g.fwd(a[edge, 0], a[edge, 1], az[edge], piece * step)
    elon, elat, _ = g.fwd(a[edge, 0], a[edge, 1], az[edge], piece * (step + 1))
    first, last = step == 0, step == count[edge] - 1
    # Edge vertices are kept exactly as given.
    return _Pieces(
        np.where(first, a[edge, 0], slon), np.where(first, a[edge, 1], slat),
        np.where(last, b[edge, 0], elon), np.where(last, b[edge, 1], elat), piece,
        a[edge, 0], a[edge, 1], az[edge], length[edge], piece * step)


def _concat(parts: list[_Pieces]) -> _Pieces:
    return _Pieces(*(np.concatenate([getattr(p, f.name) for p in parts])
                     for f in fields(_Pieces)))


def _densified_polygon(geom: Any) -> Any:
    """The polygon with geodesic edges followed closely (vertices every PIECE_M)."""
    import shapely

    def ring(coords: np.ndarray) -> np.ndarray:
        p = _pieces(coords)
        return np.column_stack([np.append(p.slon, coords[-1, 0]),
                                np.append(p.slat, coords[-1, 1])])

    polys = geom.geoms if geom.geom_type == "MultiPolygon" else [geom]
    out = [shapely.Polygon(ring(np.asarray(p.exterior.coords)[:, :2]),
                           [ring(np.asarray(r.coords)[:, :2]) for r in p.interiors])
           for p in polys]
    return shapely.make_valid(shapely.MultiPolygon(out) if len(out) > 1 else out[0])


def nearest_feature(lon: np.ndarray, lat: np.ndarray, geoms: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Index of the nearest feature and the geodesic distance (m) for every point.

    Missing or empty feature geometries are ignored; with no usable feature every
    result is -1 / NaN.
    """
    import shapely

    n = len(lon)
    best_f = np.full(n, -1, dtype=np.int64)
    best_d = np.full(n, np.inf)
    parts: list[_Pieces] = []
    owner: list[np.ndarray] = []
    polygons: list[tuple[int, Any]] = []
    for f, geom in enumerate(geoms):
        if geom is None or shapely.is_empty(geom):
            continue
        for coords in _edges(geom):
            if len(coords):
                p = _pieces(coords)
                parts.append(p)
                owner.append(np.full(p.slon.size, f, dtype=np.int64))
        if geom.geom_type in ("Polygon", "MultiPolygon"):
            polygons.append((f, _densified_polygon(geom)))
    if not parts or n == 0:
        return best_f, np.where(np.isfinite(best_d), best_d, np.nan)
    pc = _concat(parts)
    feature = np.concatenate(owner)
    s = pc.slon.size
    # Pieces of one edge share its start point and azimuth: number the edges.
    edge_key = np.column_stack([pc.edge_lon, pc.edge_lat, pc.edge_az, pc.edge_len, feature])
    _, edge_id = np.unique(edge_key, axis=0, return_inverse=True)
    edge_id = edge_id.ravel()
    vlon, vlat = np.concatenate([pc.slon, pc.elon]), np.concatenate([pc.slat, pc.elat])
    vtree = _geodesic.tree(vlon, vlat)
    vidx, vdist, _ = _geodesic.knearest(lon, lat, vlon, vlat, k=1, target_tree=vtree)
    upper = vdist[:, 0]
    best_d = upper.copy()
    best_f = feature[vidx[:, 0] % s]
    # Every piece that may hold a nearer point has an end within upper + l/2.
    lists = vtree.query_ball_point(_geodesic.ecef(lon, lat),
                                   r=upper + pc.length.max() / 2 + _geodesic.MARGIN_M)
    rows, verts = _geodesic._flatten(lists)
    key = np.unique(rows * s + verts % s)
    rows, seg = key // s, key % s
    da, _ = _geodesic.inverse(lon[rows], lat[rows], pc.slon[seg], pc.slat[seg])
    db, _ = _geodesic.inverse(lon[rows], lat[rows], pc.elon[seg], pc.elat[seg])
    # Triangle inequality along the piece: no point of it is nearer than this.
    lower = (da + db - pc.length[seg]) / 2
    keep = lower < upper[rows] - _geodesic.MARGIN_M / 10
    rows, seg, da, db = rows[keep], seg[keep], da[keep], db[keep]
    if rows.size:
        # One search per (point, edge) over the span of its surviving pieces.
        n_edges = int(edge_id.max()) + 1
        keys, inverse = np.unique(rows * n_edges + edge_id[seg], return_inverse=True)
        inverse = inverse.ravel()
        g = len(keys)
        lo = np.full(g, np.inf)
        hi = np.full(g, -np.inf)
        np.minimum.at(lo, inverse, pc.offset[seg])
        np.maximum.at(hi, inverse, pc.offset[seg] + pc.length[seg])
        near_end = np.where(da <= db, pc.offset[seg], pc.offset[seg] + pc.length[seg])
        start = np.full(g, np.nan)
        order = np.lexsort((np.minimum(da, db), inverse))
        firsts = np.r_[True, inverse[order][1:] != inverse[order][:-1]]
        start[inverse[order][firsts]] = near_end[order][firsts]
        first_seg = np.zeros(g, dtype=np.int64)
        first_seg[inverse[order][firsts]] = seg[order][firsts]
        grow = keys // n_edges
        d = _edge_minimum(lon[grow], lat[grow], pc.edge_lon[first_seg], pc.edge_lat[first_seg],
                          pc.edge_az[first_seg], lo, hi, start)
        order = np.lexsort((d, grow))
        r_sorted, d_sorted, f_sorted = grow[order], d[order], feature[first_seg[order]]
        first = np.r_[True, r_sorted[1:] != r_sorted[:-1]]
        r1, d1, f1 = r_sorted[first], d_sorted[first], f_sorted[first]
        better = d1 < best_d[r1]
        best_d[r1[better]] = d1[better]
        best_f[r1[better]] = f1[better]
    if polygons:
        points = shapely.points(lon, lat)
        for f, poly in polygons:
            inside = shapely.intersects(poly, points)
            # Ties at 0 go to the first polygon holding the point.
            take = inside & (best_d > 0)
            best_d[take] = 0.0
            best_f[take] = f
    return best_f, best_d


def _edge_minimum(plon: np.ndarray, plat: np.ndarray, elon: np.ndarray, elat: np.ndarray,
                  eaz: np.ndarray, lo: np.ndarray, hi: np.ndarray, start: np.ndarray
                  ) -> np.ndarray:
    """Minimum distance from P to the geodesic edge points at offsets t in [lo, hi].

    Along-track iteration: at the point X(t) the offset moves by the along-track
    component of X->P (spherical formula); the ellipsoid's flattening only slows the
    convergence to about 2.5 digits per step. Pairs not converged to 0.1 mm after 12
    steps fall back to golden-section search on [lo, hi].
    """
    g = _geodesic.geod()
    t = start.copy()
    moved = np.full(t.size, np.inf)
    for _ in range(12):
        active = np.flatnonzero(np.abs(moved) > 1e-4)
        if active.size == 0:
            break
        xlon, xlat, back = g.fwd(elon[active], elat[active], eaz[active], t[active])
        az_line = np.radians(np.asarray(back) + 180.0)
        az_p, _, dist = g.inv(np.asarray(xlon), np.asarray(xlat), plon[active], plat[active])
        sigma = np.asarray(dist) / _MEAN_RADIUS
        along = _MEAN_RADIUS * np.arctan2(np.sin(sigma) * np.cos(np.radians(az_p) - az_line),
                                          np.cos(sigma))
        new = np.clip(t[active] + along, lo[active], hi[active])
        moved[active] = new - t[active]
        t[active] = new
    d = _at(g, plon, plat, elon, elat, eaz, t)
    stuck = np.flatnonzero(np.abs(moved) > 1e-4)
    if stuck.size:
        d[stuck] = np.minimum(d[stuck], _golden(plon[stuck], plat[stuck], elon[stuck],
                                                elat[stuck], eaz[stuck], lo[stuck], hi[stuck]))
    ends = np.minimum(_at(g, plon, plat, elon, elat, eaz, lo),
                      _at(g, plon, plat, elon, elat, eaz, hi))
    return np.minimum(d, ends)


def _at(g: Any, plon: np.ndarray, plat: np.ndarray, elon: np.ndarray, elat: np.ndarray,
        eaz: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Distance from P to the point at offset t along the edge."""
    xlon, xlat, _ = g.fwd(elon, elat, eaz, t)
    d, _ = _geodesic.inverse(plon, plat, np.asarray(xlon), np.asarray(xlat))
    return d


def _golden(plon: np.ndarray, plat: np.ndarray, slon: np.ndarray, slat: np.ndarray,
            saz: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Minimum over t in [lo, hi] of the distance from P to the point at t along the edge."""
    g = _geodesic.geod()

    def f(t: np.ndarray, idx: np.ndarray) -> np.ndarray:
        if idx.size == 0:
            return np.empty(0)
        return _at(g, plon[idx], plat[idx], slon[idx], slat[idx], saz[idx], t)

    every = np.arange(lo.size)
    lo, hi = lo.copy(), hi.copy()
    x1 = hi - _GOLDEN * (hi - lo)
    x2 = lo + _GOLDEN * (hi - lo)
    f1, f2 = f(x1, every), f(x2, every)
    # Enough golden-ratio shrinks to pin the nearest point to 0.1 mm.
    steps = math.ceil(math.log(max(float((hi - lo).max()), 1e-3) / 1e-4) / -math.log(_GOLDEN))
    for _ in range(steps):
        left = np.flatnonzero(f1 < f2)
        right = np.flatnonzero(~(f1 < f2))
        hi[left] = x2[left]
        x2[left], f2[left] = x1[left], f1[left]
        x1[left] = hi[left] - _GOLDEN * (hi[left] - lo[left])
        f1[left] = f(x1[left], left)
        lo[right] = x1[right]
        x1[right], f1[right] = x2[right], f2[right]
        x2[right] = lo[right] + _GOLDEN * (hi[right] - lo[right])
        f2[right] = f(x2[right], right)
    return np.minimum(f1, f2)
