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
from typing import Any

import numpy as np

from . import _geodesic
from .errors import UnitError

#: Longest geodesic piece (m) that edges are cut into for the distance search.
PIECE_M = 2_000.0
#: Largest relative radius error allowed at an edge midpoint of a ring.
RING_TOLERANCE = 1e-3
_GOLDEN = (math.sqrt(5) - 1) / 2


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
    merged = shapely.union_all(parts)
    polys = [g for g in getattr(merged, "geoms", [merged]) if g.geom_type == "Polygon"
             and g.area > 0]
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


def _pieces(coords: np.ndarray) -> tuple[np.ndarray, ...]:
    """Cut a vertex sequence's geodesic edges into pieces of at most PIECE_M.

    Returns start lon, start lat, start azimuth, length, end lon, end lat of each piece.
    """
    if len(coords) == 1:
        lon, lat = coords[:, 0], coords[:, 1]
        zero = np.zeros(1)
        return lon, lat, zero, zero, lon, lat
    a, b = coords[:-1], coords[1:]
    az, _, length = _geodesic.geod().inv(a[:, 0], a[:, 1], b[:, 0], b[:, 1])
    count = np.maximum(1, np.ceil(np.asarray(length) / PIECE_M)).astype(np.int64)
    edge = np.repeat(np.arange(len(a)), count)
    step = np.arange(edge.size) - np.repeat(np.cumsum(count) - count, count)
    piece = np.asarray(length)[edge] / count[edge]
    g = _geodesic.geod()
    slon, slat, back = g.fwd(a[edge, 0], a[edge, 1], np.asarray(az)[edge], piece * step)
    start_az = (np.asarray(back) + 180.0) % 360.0
    # A piece starting at its edge's first vertex keeps the edge's own azimuth exactly.
    start_az = np.where(step == 0, np.asarray(az)[edge], start_az)
    slon = np.where(step == 0, a[edge, 0], slon)
    slat = np.where(step == 0, a[edge, 1], slat)
    last = step == count[edge] - 1
    elon, elat, _ = g.fwd(a[edge, 0], a[edge, 1], np.asarray(az)[edge], piece * (step + 1))
    elon = np.where(last, b[edge, 0], elon)
    elat = np.where(last, b[edge, 1], elat)
    return (np.asarray(slon), np.asarray(slat), start_az, piece, np.asarray(elon),
            np.asarray(elat))


def _densified_polygon(geom: Any) -> Any:
    """The polygon with geodesic edges followed closely (vertices every PIECE_M)."""
    import shapely

    def ring(coords: np.ndarray) -> np.ndarray:
        slon, slat, *_ = _pieces(coords)
        return np.column_stack([np.append(slon, coords[-1, 0]), np.append(slat, coords[-1, 1])])

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
    parts: list[tuple[np.ndarray, ...]] = []
    owner: list[np.ndarray] = []
    polygons: list[tuple[int, Any]] = []
    for f, geom in enumerate(geoms):
        if geom is None or shapely.is_empty(geom):
            continue
        for coords in _edges(geom):
            if len(coords):
                p = _pieces(coords)
                parts.append(p)
                owner.append(np.full(p[0].size, f, dtype=np.int64))
        if geom.geom_type in ("Polygon", "MultiPolygon"):
            polygons.append((f, _densified_polygon(geom)))
    if not parts or n == 0:
        return best_f, np.where(np.isfinite(best_d), best_d, np.nan)
    slon, slat, saz, slen, elon, elat = (np.concatenate(c) for c in zip(*parts, strict=True))
    feature = np.concatenate(owner)
    s = slon.size
    vlon, vlat = np.concatenate([slon, elon]), np.concatenate([slat, elat])
    vtree = _geodesic.tree(vlon, vlat)
    vidx, vdist, _ = _geodesic.knearest(lon, lat, vlon, vlat, k=1, target_tree=vtree)
    upper = vdist[:, 0]
    best_d = upper.copy()
    best_f = feature[vidx[:, 0] % s]
    # Every piece that may hold a nearer point has an end within upper + l/2.
    lists = vtree.query_ball_point(_geodesic.ecef(lon, lat),
                                   r=upper + slen.max() / 2 + _geodesic.MARGIN_M)
    rows, verts = _geodesic._flatten(lists)
    pairs = np.unique(np.column_stack([rows, verts % s]), axis=0)
    rows, seg = pairs[:, 0], pairs[:, 1]
    da, _ = _geodesic.inverse(lon[rows], lat[rows], slon[seg], slat[seg])
    db, _ = _geodesic.inverse(lon[rows], lat[rows], elon[seg], elat[seg])
    lower = (da + db - slen[seg]) / 2
    keep = lower < upper[rows] - _geodesic.MARGIN_M / 10
    rows, seg = rows[keep], seg[keep]
    if rows.size:
        d = _golden(lon[rows], lat[rows], slon[seg], slat[seg], saz[seg], slen[seg])
        order = np.lexsort((d, rows))
        rows, seg, d = rows[order], seg[order], d[order]
        first = np.r_[True, rows[1:] != rows[:-1]]
        r1, s1, d1 = rows[first], seg[first], d[first]
        better = d1 < best_d[r1]
        best_d[r1[better]] = d1[better]
        best_f[r1[better]] = feature[s1[better]]
    if polygons:
        points = shapely.points(lon, lat)
        for f, poly in polygons:
            inside = shapely.intersects(poly, points)
            # Ties at 0 go to the first polygon holding the point.
            take = inside & (best_d > 0)
            best_d[take] = 0.0
            best_f[take] = f
    return best_f, best_d


def _golden(plon: np.ndarray, plat: np.ndarray, slon: np.ndarray, slat: np.ndarray,
            saz: np.ndarray, slen: np.ndarray) -> np.ndarray:
    """Minimum over t in [0, l] of the distance from P to the point at t along each piece."""
    g = _geodesic.geod()

    def f(t: np.ndarray, idx: np.ndarray) -> np.ndarray:
        if idx.size == 0:
            return np.empty(0)
        qlon, qlat, _ = g.fwd(slon[idx], slat[idx], saz[idx], t)
        d, _ = _geodesic.inverse(plon[idx], plat[idx], np.asarray(qlon), np.asarray(qlat))
        return d

    every = np.arange(slen.size)
    lo = np.zeros_like(slen)
    hi = slen.copy()
    x1 = hi - _GOLDEN * (hi - lo)
    x2 = lo + _GOLDEN * (hi - lo)
    f1, f2 = f(x1, every), f(x2, every)
    # Enough halvings (by the golden ratio) to pin the nearest point to 0.1 mm.
    steps = math.ceil(math.log(max(float(slen.max()), 1e-3) / 1e-4) / -math.log(_GOLDEN))
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
    ends = np.minimum(f(np.zeros_like(slen), every), f(slen, every))
    return np.minimum(np.minimum(f1, f2), ends)
