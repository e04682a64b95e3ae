"""Exact geodesic neighbour search on the WGS84 ellipsoid, fast enough for millions of points.

Why this design
---------------
Exact ellipsoidal distances (Karney's algorithm, as pyproj.Geod and geographiclib
implement it) cost about a microsecond per pair: fine for one distance per incident, far
too slow for every incident against every deployment. Haversine ball trees and
``sjoin_nearest`` in degrees are fast but answer a different question (a sphere, or a
plane of degrees). So we search candidates in 3-D and refine exactly:

1. Points go to Earth-centred, Earth-fixed (ECEF) coordinates *on the ellipsoid*, and a
   ``scipy.spatial.cKDTree`` indexes them. The tree measures the chord ``c`` (straight
   line through the Earth) between two points.
2. Two proven bounds link the chord to the geodesic length ``s``:

   * ``c <= s``: the geodesic is a curve in space joining the two points and no curve is
     shorter than the straight segment.
   * ``s <= 2 rho asin(c / (2 rho))`` with ``rho = b**2 / a`` (6,335,439 m), for
     ``c < CHORD_BOUND_LIMIT``: a surface geodesic has no geodesic curvature, so its
     curvature in space equals the normal curvature of the ellipsoid in its direction,
     at most ``1 / rho`` (the smallest principal radius of curvature of the WGS84
     ellipsoid is the meridional radius at the equator, ``b**2 / a``). Schur's comparison
     theorem then says its chord is at least that of a circular arc of radius ``rho`` and
     the same length, ``c >= 2 rho sin(s / (2 rho))``, for ``s <= 2 pi rho``. A shortest
     geodesic is never longer than half a meridian (20,003,931 m < 2 pi rho); and when
     ``c < CHORD_BOUND_LIMIT`` the arc is shorter than ``pi rho`` (otherwise the sine
     would make ``c`` larger), where ``asin`` inverts the inequality.

   The upper bound exceeds the chord by about ``c**3 / (24 rho**2)``: 1 m at 100 km.
3. Exact refinement with pyproj.Geod (Karney) runs only where the bounds cannot decide:
   for the nearest neighbour, once per incident plus the rare incident whose runner-up's
   chord is not longer than the winner's exact distance; for radius counts, only pairs
   within about a metre of the radius.

Every decision keeps a safety margin (:data:`MARGIN_M`) far above floating-point error
(about 1e-8 m here), so the answers are those of a brute-force exact search.
"""

from __future__ import annotations

import itertools
import math
import os
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    from pyproj import Geod
    from scipy.spatial import cKDTree

__all__ = [
    "CHORD_BOUND_LIMIT",
    "MARGIN_M",
    "RHO_MIN",
    "chord_to_geodesic_upper",
    "ecef",
    "geod",
    "inverse",
    "knearest",
    "pairs_within",
    "tree",
]

#: WGS84 semi-major axis (m) and flattening.
A = 6_378_137.0
F = 1 / 298.257223563
B = A * (1 - F)
E2 = F * (2 - F)
#: Smallest principal radius of curvature of the ellipsoid (meridional, at the equator).
RHO_MIN = B * B / A
#: Half a meridian: no shortest geodesic on WGS84 is longer.
HALF_MERIDIAN_M = 20_003_931.4586
#: Chords shorter than this certify ``s <= 2 rho asin(c / 2 rho)`` (see module docstring).
CHORD_BOUND_LIMIT = 0.999 * 2 * RHO_MIN * math.sin(HALF_MERIDIAN_M / (2 * RHO_MIN))
#: Safety margin (m) on every bound-based decision; far above rounding error (~1e-8 m).
MARGIN_M = 1e-3
#: Query counts from which the nearest search runs in chunks on several threads.
PARALLEL_MIN = 100_000


@cache
def geod() -> Geod:
    """The one WGS84 ``pyproj.Geod`` (Karney's algorithm, accurate to ~15 nm)."""
    from pyproj import Geod

    return Geod(ellps="WGS84")


def ecef(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Return (n, 3) Earth-centred coordinates (m) of points on the WGS84 ellipsoid."""
    import numpy as np

    lam = np.radians(np.asarray(lon, dtype="float64"))
    phi = np.radians(np.asarray(lat, dtype="float64"))
    sin_phi = np.sin(phi)
    cos_phi = np.cos(phi)
    n = A / np.sqrt(1.0 - E2 * sin_phi * sin_phi)
    out = np.empty((lam.size, 3))
    out[:, 0] = n * cos_phi * np.cos(lam)
    out[:, 1] = n * cos_phi * np.sin(lam)
    out[:, 2] = n * (1.0 - E2) * sin_phi
    return out


def chord_to_geodesic_upper(chord: np.ndarray) -> np.ndarray:
    """Proven upper bound of the geodesic length for a chord length (inf past the limit)."""
    import numpy as np

    c = np.asarray(chord, dtype="float64")
    ratio = np.minimum(c / (2 * RHO_MIN), 1.0)
    upper = 2 * RHO_MIN * np.arcsin(ratio)
    return np.where(c < CHORD_BOUND_LIMIT, upper, np.inf)


def tree(lon: np.ndarray, lat: np.ndarray) -> cKDTree:
    """KD-tree over the ECEF positions of points."""
    from scipy.spatial import cKDTree

    big = len(lon) > 200_000
    # Small trees (deployments, features) are queried millions of times: a balanced,
    # compact tree with small leaves queries ~25% faster. Big ones favour a fast build.
    return cKDTree(ecef(lon, lat), leafsize=16 if big else 8, balanced_tree=not big,
                   compact_nodes=not big)


def inverse(lon1: np.ndarray, lat1: np.ndarray, lon2: np.ndarray, lat2: np.ndarray
            ) -> tuple[np.ndarray, np.ndarray]:
    """Exact geodesic distance (m) and initial bearing (degrees in [0, 360)) of pairs."""
    import numpy as np

    if np.size(lon1) == 0:
        return np.empty(0), np.empty(0)
    az, _, dist = geod().inv(np.asarray(lon1, dtype="float64"), np.asarray(lat1, dtype="float64"),
                             np.asarray(lon2, dtype="float64"), np.asarray(lat2, dtype="float64"))
    az = np.asarray(az) % 360.0
    return np.asarray(dist), az


def _flatten(lists: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Turn query_ball_point's array of lists into (row, target) index arrays."""
    import numpy as np

    counts = np.fromiter((len(x) for x in lists), dtype=np.int64, count=len(lists))
    rows = np.repeat(np.arange(len(lists)), counts)
    if counts.sum() == 0:
        return rows, np.empty(0, dtype=np.int64)
    cols = np.concatenate([np.asarray(x, dtype=np.int64) for x in lists if len(x)])
    return rows, cols


def knearest(
    qlon: np.ndarray, qlat: np.ndarray, tlon: np.ndarray, tlat: np.ndarray, k: int = 1,
    max_distance: float | None = None, target_tree: cKDTree | None = None,
    workers: int = -1,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The ``k`` geodesically nearest targets of every query point, exactly.

    Parameters
    ----------
    qlon, qlat
        Query points (degrees); every value must be finite.
    tlon, tlat
        Target points (degrees).
    k
        Neighbours per query.
    max_distance
        Ignore targets farther than this (m).
    target_tree
        A prebuilt :func:`tree` of the targets, when the caller reuses one.

    Returns
    -------
    index, distance, bearing
        Arrays of shape (n, k) sorted by distance; missing neighbours (fewer targets than
        ``k``, or none within ``max_distance``) have index -1 and NaN distance/bearing.
    """
    import numpy as np

    n, m = len(qlon), len(tlon)
    if n == 0 or m == 0 or m <= k:
        if n == 0 or m == 0:
            return (np.full((n, k), -1, dtype=np.int64), np.full((n, k), np.nan),
                    np.full((n, k), np.nan))
        # Fewer targets than neighbours asked for: every target is a neighbour.
        rows = np.repeat(np.arange(n), m)
        cols = np.tile(np.arange(m), n)
        return _finish(qlon, qlat, tlon, tlat, rows, cols, n, k, max_distance)
    t = target_tree if target_tree is not None else tree(tlon, tlat)
    threads = (os.cpu_count() or 1) if workers == -1 else max(1, workers)
    if threads == 1 or n < PARALLEL_MIN:
        return _knearest_chunk(qlon, qlat, tlon, tlat, k, max_distance, t, workers)
    # Chunks in threads: the KD-tree query, numpy and pyproj's Geod.inv all release the
    # GIL, so the whole pipeline (not only the tree query) runs on every core.
    bounds = np.linspace(0, n, 2 * threads + 1).astype(np.int64)
    parts = [slice(a, b) for a, b in itertools.pairwise(bounds) if b > a]
    with ThreadPoolExecutor(max_workers=threads) as pool:
        results = list(pool.map(
            lambda sl: _knearest_chunk(qlon[sl], qlat[sl], tlon, tlat, k, max_distance, t, 1),
            parts))
    return (np.concatenate([r[0] for r in results]), np.concatenate([r[1] for r in results]),
            np.concatenate([r[2] for r in results]))


def _knearest_chunk(qlon: np.ndarray, qlat: np.ndarray, tlon: np.ndarray, tlat: np.ndarray,
                    k: int, max_distance: float | None, t: cKDTree, workers: int
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`knearest` on one chunk of queries (more targets than ``k``)."""
    import numpy as np

    n, m = len(qlon), len(tlon)
    index = np.full((n, k), -1, dtype=np.int64)
    dist = np.full((n, k), np.nan)
    bearing = np.full((n, k), np.nan)
    kk = k
    xq = ecef(qlon, qlat)
    bound = np.inf if max_distance is None else max_distance + MARGIN_M
    chord, cand = t.query(xq, k=kk + 1, distance_upper_bound=bound, workers=workers)
    found = cand[:, :kk] < m
    if kk == 1 and found.all():
        # The common case, without the general bookkeeping below.
        c0 = cand[:, 0]
        d0, az0 = inverse(qlon, qlat, tlon[c0], tlat[c0])
        worst = d0
        index[:, 0], dist[:, 0], bearing[:, 0] = c0, d0, az0
        if max_distance is not None:
            far = d0 > max_distance
            index[far, 0], dist[far, 0], bearing[far, 0] = -1, np.nan, np.nan
        certified = chord[:, 1] > worst + MARGIN_M
    else:
        rows_all = np.repeat(np.arange(n), kk)[found.ravel()]
        cols_all = cand[:, :kk][found]
        d_cand, az_cand = inverse(qlon[rows_all], qlat[rows_all], tlon[cols_all],
                                  tlat[cols_all])
        exact = np.full((n, kk), np.inf)
        exact[found] = d_cand
        azs = np.full((n, kk), np.nan)
        azs[found] = az_cand
        worst = np.where(found, exact, -np.inf).max(axis=1)
        # Certified when no target outside the candidates can be nearer: each of them has
        # chord >= the (k+1)-th chord >= the geodesic lower bound of every outsider.
        certified = chord[:, kk] > worst + MARGIN_M
        # Rows whose k-th candidate is missing already saw every target within the bound.
        certified |= ~found.all(axis=1)
        order = np.argsort(exact, axis=1, kind="stable")
        sorted_d = np.take_along_axis(exact, order, axis=1)
        sorted_i = np.take_along_axis(np.where(found, cand[:, :kk], -1), order, axis=1)
        sorted_az = np.take_along_axis(azs, order, axis=1)
        keep = np.isfinite(sorted_d)
        if max_distance is not None:
            keep &= sorted_d <= max_distance
        index[:, :kk] = np.where(keep, sorted_i, -1)
        dist[:, :kk] = np.where(keep, sorted_d, np.nan)
        bearing[:, :kk] = np.where(keep, sorted_az, np.nan)
    redo = np.flatnonzero(~certified)
    if redo.size:
        # Every true k-nearest target lies within geodesic ``worst``, so within chord
        # ``worst``: a ball query of that radius holds them all.
        lists = t.query_ball_point(xq[redo], r=worst[redo] + MARGIN_M, workers=workers)
        rows, cols = _flatten(lists)
        i2, d2, b2 = _finish(qlon[redo], qlat[redo], tlon, tlat, rows, cols, redo.size, k,
                             max_distance)
        index[redo], dist[redo], bearing[redo] = i2, d2, b2
    return index, dist, bearing


def _finish(qlon: np.ndarray, qlat: np.ndarray, tlon: np.ndarray, tlat: np.ndarray,
            rows: np.ndarray, cols: np.ndarray, n: int, k: int, max_distance: float | None
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Exact distances for candidate pairs, then the k best per query row."""
    import numpy as np

    d, az = inverse(qlon[rows], qlat[rows], tlon[cols], tlat[cols])
    index = np.full((n, k), -1, dtype=np.int64)
    dist = np.full((n, k), np.nan)
    bearing = np.full((n, k), np.nan)
    if max_distance is not None:
        ok = d <= max_distance
        rows, cols, d, az = rows[ok], cols[ok], d[ok], az[ok]
    order = np.lexsort((cols, d, rows))
    rows, cols, d, az = rows[order], cols[order], d[order], az[order]
    starts = np.searchsorted(rows, np.arange(n))
    rank = np.arange(rows.size) - starts[rows]
    take = rank < k
    index[rows[take], rank[take]] = cols[take]
    dist[rows[take], rank[take]] = d[take]
    bearing[rows[take], rank[take]] = az[take]
    return index, dist, bearing


def pairs_within(
    qlon: np.ndarray, qlat: np.ndarray, tlon: np.ndarray, tlat: np.ndarray, radius: float,
    *, exact: bool = True, workers: int = -1,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every (query, target) pair at most ``radius`` metres apart on the ellipsoid.

    Parameters
    ----------
    exact
        True: compute the exact distance and bearing of every pair returned. False: the
        distance array holds the chord, and exact distances are computed only for the
        pairs the chord bounds cannot classify (membership is still exact; bearing NaN).

    Returns
    -------
    query_index, target_index, distance_m, bearing_deg
    """
    import numpy as np

    empty = np.empty(0, dtype=np.int64)
    if len(qlon) == 0 or len(tlon) == 0:
        return empty, empty, np.empty(0), np.empty(0)
    t = tree(tlon, tlat)
    lists = t.query_ball_point(ecef(qlon, qlat), r=radius + MARGIN_M, workers=workers)
    rows, cols = _flatten(lists)
    if exact:
        d, az = inverse(qlon[rows], qlat[rows], tlon[cols], tlat[cols])
        ok = d <= radius
        return rows[ok], cols[ok], d[ok], az[ok]
    return classify(qlon, qlat, tlon, tlat, rows, cols, radius)


def classify(
    qlon: np.ndarray, qlat: np.ndarray, tlon: np.ndarray, tlat: np.ndarray,
    rows: np.ndarray, cols: np.ndarray, radius: float,
    chord: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Keep the candidate pairs within ``radius``, computing exact distances only where the
    chord bounds leave the answer open. Returns rows, cols, distance-or-chord, bearing(NaN)."""
    import numpy as np

    if chord is None:
        diff = ecef(qlon[rows], qlat[rows]) - ecef(tlon[cols], tlat[cols])
        chord = np.sqrt(np.einsum("ij,ij->i", diff, diff))
    inside = chord_to_geodesic_upper(chord) < radius - MARGIN_M
    open_ = ~inside & (chord <= radius + MARGIN_M)
    value = chord.copy()
    if open_.any():
        r, c = rows[open_], cols[open_]
        d, _ = inverse(qlon[r], qlat[r], tlon[c], tlat[c])
        value[open_] = d
        inside[open_] = d <= radius
    return rows[inside], cols[inside], value[inside], np.full(int(inside.sum()), np.nan)
