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


def _sweep(rel: FloatArray, target_h: float, half_widths: NDArray[np.int64]) -> BoolArray:
    """Sweep stacked sides ``rel[side, d, R + dx]`` outward; return visibility.

    ``rel`` has shape ``(sides, R + 1, 2 R + 1)``: row ``d`` of a side is ring ``d``
    and column ``R + dx`` the offset ``dx`` along the ring, heights relative to the
    observer's eye. Row ``d`` uses columns ``R ± half_widths[d]``.
    """
    sides, rings, width = rel.shape
    centre = (width - 1) // 2
    col = np.arange(width)
    adx = np.abs(col - centre).astype(np.float64)
    # Neighbour one column closer to the centre column (itself on that column).
    toward = col - np.sign(col - centre)
    vis = np.zeros(rel.shape, dtype=bool)
    # Previous ring's max(terrain, sight line); zeros keep the zero-weight reads of
    # the diagonal's outer neighbour finite.
    prev = np.zeros((sides, width), dtype=np.float64)
    for d in range(1, rings):
        half = int(half_widths[d])
        if half < 0:
            break
        lo, hi = centre - half, centre + half + 1
        z = rel[:, d, lo:hi]
        if d == 1:
            los = np.full(z.shape, -np.inf)
        else:
            za = prev[:, lo:hi]
            # Plane through the eye (height 0), (d-1, dx) and (d-1, dx - sign dx),
            # evaluated at (d, dx): weights (d - |dx|)/(d-1) and |dx|/(d-1).
            diff = za - prev[:, toward[lo:hi]]
            diff *= adx[lo:hi]
            los = za * d
            los -= diff
            los *= 1.0 / (d - 1)
        np.greater_equal(z + target_h, los, out=vis[:, d, lo:hi])
        np.maximum(z, los, out=prev[:, lo:hi])
    return vis


def _placement(shape: tuple[int, ...], oc: int, rings: int) -> tuple[int, slice, slice]:
    """Rows, source columns and stack columns of a side centred on column ``oc``."""
    c_lo, c_hi = max(0, oc - rings), min(shape[1], oc + rings + 1)
    return (min(shape[0], rings), slice(c_lo, c_hi),
            slice(rings - oc + c_lo, rings - oc + c_hi))


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
    # The four sides of the rings as "row d below the observer, columns within
    # +-d" views: south, north (rows flipped), east and west (transposed).
    sides = (rel[row:], rel[row::-1], rel[:, col:].T, rel[:, col::-1].T)
    centres = (col, col, row, row)
    rings = min(max(s.shape[0] for s in sides),
                int(max_range // min(xres, yres)) + 2)
    # Stack them, centred, so one vectorised step per ring serves all four sides
    # (and the transposed sides are read contiguously). Padding cells are never
    # read by in-grid cells: a cell's two neighbours are nearer the centre column.
    stack = np.zeros((4, rings, 2 * rings + 1), dtype=np.float64)
    for i, (side, oc) in enumerate(zip(sides, centres, strict=True)):
        n, src, dst = _placement(side.shape, oc, rings)
        stack[i, :n, dst] = side[:n, src]
    # Half-width of ring d within max_range (cells beyond it are skipped: nothing
    # inside depends on them, both neighbours of a cell being nearer the observer).
    res = min(xres, yres)
    reach = max_range * max_range - (np.arange(rings) * res) ** 2
    half = np.where(reach >= 0, np.sqrt(np.maximum(reach, 0.0)) // res, -1).astype(np.int64)
    half = np.minimum(half, np.arange(rings))
    seen = _sweep(stack, target_h, half)
    vis = np.zeros((nrows, ncols), dtype=bool)
    targets = (vis[row:], vis[row::-1], vis[:, col:].T, vis[:, col::-1].T)
    for i, (side, oc) in enumerate(zip(targets, centres, strict=True)):
        n, src, dst = _placement(side.shape, oc, rings)
        side[:n, src] |= seen[i, :n, dst]
    vis[row, col] = True
    in_range = dist2 <= max_range * max_range
    vis &= in_range
    return vis, in_range
