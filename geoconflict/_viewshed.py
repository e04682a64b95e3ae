"""Vectorised viewshed: a ring-by-ring reference-plane sweep in numpy.

The grid is swept outward from the observer one Chebyshev ring at a time. The
sight line from the observer to a cell on ring ``d`` crosses ring ``d - 1`` between
two neighbouring cells; the cell's *line-of-sight height* is read from the plane
through the observer and those two cells (the "reference plane" of Wang, Robinson
& White 2000, which is also GDAL's ``gdal_viewshed`` scheme, and the interpolation
step of Franklin & Ray's XDraw). Each cell then stores ``max(terrain, LOS height)``
for the next ring, so the horizon propagates outward. Every cell of a ring depends
only on the previous ring, so a ring is one vectorised numpy step: the Python loop
runs ``max(rows, cols) / 2`` times, never once per cell.

The four sides of the rings are handled by one routine applied to four views of the
grid (south: rows below the observer; north: the rows flipped; east and west: the
transpose), so each side is a "row ``d`` below the observer, columns within ``±d``"
problem. Diagonal cells belong to two sides and get the same answer from both.

Heights are curvature-corrected before the sweep with the effective-Earth model:
``z - r² / (2 k R)`` for horizontal distance ``r``, refraction coefficient ``k``
(4/3 for the standard atmosphere) and Earth radius ``R``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

__all__ = ["curvature_drop", "viewshed"]

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


def curvature_drop(distance_m: FloatArray | float, *, k: float, radius_m: float) -> FloatArray:
    """Apparent drop of the ground below the observer's horizontal plane, metres.

    ``r² / (2 k R)``: the sagitta of a circle of effective radius ``k R``. With
    ``k = 4/3`` a radar beam bends down with the standard atmosphere, so the Earth
    looks flatter than it is and the radio horizon lies ~15% beyond the geometric one.
    """
    r = np.asarray(distance_m, dtype=np.float64)
    if not np.isfinite(k) or k <= 0:
        return np.zeros_like(r)
    return r * r / (2.0 * k * radius_m)


def _sweep_side(rel_t: FloatArray, rel: FloatArray, vis: BoolArray, oc: int,
                row_res: float, col_res: float, max_range: float) -> None:
    """Sweep rows ``1..`` of one side (row 0 is the observer's row, column ``oc``).

    ``rel`` holds curvature-corrected terrain heights relative to the observer's eye
    and ``rel_t`` the same plus the target height (views, possibly flipped or
    transposed); ``vis`` is written in place for cells with ``|col - oc| <= row``
    within ``max_range``.
    """
    rows, cols = rel.shape
    col = np.arange(cols)
    adx = np.abs(col - oc).astype(np.float64)
    # Neighbour one column closer to the observer's column (itself on that column).
    toward = col - np.sign(col - oc)
    # Previous ring's max(terrain, sight line); zeros keep the zero-weight reads of
    # the diagonal's outer neighbour finite.
    prev = np.zeros(cols, dtype=np.float64)
    last = min(rows - 1, int(max_range // row_res))
    for d in range(1, last + 1):
        # Cells beyond max_range are skipped: nothing inside depends on them, as
        # both neighbours of a cell are nearer the observer than the cell itself.
        reach = max_range * max_range - (d * row_res) ** 2
        half = min(d, int(np.sqrt(reach) // col_res)) if reach > 0 else 0
        lo = max(0, oc - half)
        hi = min(cols, oc + half + 1)
        za = prev[lo:hi]
        if d == 1:
            los = np.full(hi - lo, -np.inf)
        else:
            # Plane through the eye (height 0), (d-1, dx) and (d-1, dx - sign dx),
            # evaluated at (d, dx): weights (d - |dx|)/(d-1) and |dx|/(d-1).
            diff = za - prev.take(toward[lo:hi])
            diff *= adx[lo:hi]
            los = za * d
            los -= diff
            los *= 1.0 / (d - 1)
        np.greater_equal(rel_t[d, lo:hi], los, out=vis[d, lo:hi])
        np.maximum(rel[d, lo:hi], los, out=prev[lo:hi])


def viewshed(heights: FloatArray, row: int, col: int, *, observer_h: float, target_h: float,
             xres: float, yres: float, k: float, radius_m: float,
             max_range: float | None = None) -> tuple[BoolArray, BoolArray]:
    """Return ``(visible, in_range)`` boolean grids for an observer at ``(row, col)``.

    Parameters
    ----------
    heights
        Terrain heights in metres (no NaN: fill nodata first); not modified.
    row, col
        Observer cell.
    observer_h, target_h
        Heights above the ground of the observer's eye (antenna) and of the target.
    xres, yres
        Cell size in metres along columns and rows.
    k, radius_m
        Refraction coefficient (``inf`` or ``0`` to ignore curvature) and Earth radius.
    max_range
        Cells farther than this (horizontal distance, metres) are not in range.
        Distances are between cell centres, counted from the observer's cell.
    """
    nrows, ncols = heights.shape
    if not (0 <= row < nrows and 0 <= col < ncols):
        msg = f"observer cell ({row}, {col}) lies outside the {nrows}x{ncols} grid"
        raise ValueError(msg)
    if max_range is None:
        max_range = float(np.hypot(nrows * yres, ncols * xres))
    dy2 = ((np.arange(nrows) - row) * float(yres)) ** 2
    dx2 = ((np.arange(ncols) - col) * float(xres)) ** 2
    dist2 = dy2[:, None] + dx2[None, :]
    eye = float(heights[row, col]) + observer_h
    rel = np.subtract(heights, eye, dtype=np.float64)
    if np.isfinite(k) and k > 0:
        dist2 *= 1.0 / (2.0 * k * radius_m)
        rel -= dist2
        dist2 *= 2.0 * k * radius_m
    rel_t = rel + target_h
    vis = np.zeros((nrows, ncols), dtype=bool)
    vis[row, col] = True
    # South, north (rows flipped), east, west (transposed): each a view, so the
    # writes land in ``vis`` directly.
    sides = (
        (rel_t[row:], rel[row:], vis[row:], col, yres, xres),
        (rel_t[row::-1], rel[row::-1], vis[row::-1], col, yres, xres),
        (rel_t[:, col:].T, rel[:, col:].T, vis[:, col:].T, row, xres, yres),
        (rel_t[:, col::-1].T, rel[:, col::-1].T, vis[:, col::-1].T, row, xres, yres),
    )
    for side in sides:
        _sweep_side(*side, max_range=max_range)
    in_range = dist2 <= max_range * max_range
    vis &= in_range
    return vis, in_range
