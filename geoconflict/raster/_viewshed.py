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

The four sides of the rings are four views of the grid (south: rows below the
observer; north: the rows flipped; east and west: the transpose), each a "row ``d``
below the observer, columns within ``±d``" problem. They are copied once into one
stacked array so that each ring is a single numpy step for all four sides (and the
transposed sides are read contiguously). Diagonal cells belong to two sides and get
the same answer from both.

Heights are curvature-corrected with the effective-Earth model ``z - r² / (2 k R)``
(horizontal distance ``r``, refraction factor ``k``: 4/3 for the standard
atmosphere, Earth radius ``R``), ring by ring inside the sweep, so no full-grid
temporary is made; the stack keeps the DEM's float32 when it has it (half the
memory traffic) while the arithmetic is float64, as in GDAL.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from ..errors import RasterError

__all__ = ["in_range_mask", "viewshed"]

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


def _sweep(stack: np.ndarray, bias_rows: FloatArray, bias_cols: FloatArray, target_h: float,
           half_widths: NDArray[np.int64]) -> BoolArray:
    """Sweep stacked sides ``stack[side, d, R + dx]`` outward; return visibility.

    ``stack`` has shape ``(sides, R + 1, 2 R + 1)``: row ``d`` of a side is ring ``d``
    and column ``R + dx`` the offset ``dx`` along the ring, holding terrain heights.
    Heights relative to the observer's eye, curvature included, are
    ``stack - bias_rows[:, d] - bias_cols``, computed one ring at a time so no
    full-grid temporary is made. Row ``d`` uses columns ``R ± half_widths[d]``.
    """
    sides, rings, width = stack.shape
    centre = (width - 1) // 2
    col = np.arange(width)
    adx = np.abs(col - centre).astype(np.float64)
    vis = np.zeros(stack.shape, dtype=bool)
    # Previous ring's max(terrain, sight line); zeros keep the zero-weight reads of
    # the diagonal's outer neighbour finite.
    prev = np.zeros((sides, width), dtype=np.float64)
    for d in range(1, rings):
        half = int(half_widths[d])
        if half < 0:
            break
        lo, hi = centre - half, centre + half + 1
        z = stack[:, d, lo:hi] - bias_cols[:, lo:hi]
        z -= bias_rows[:, d:d + 1]
        if d == 1:
            los = np.full(z.shape, -np.inf)
        else:
            za = prev[:, lo:hi]
            # Plane through the eye (height 0), (d-1, dx) and (d-1, dx - sign dx),
            # evaluated at (d, dx): weights (d - |dx|)/(d-1) and |dx|/(d-1).
            # The neighbour toward the centre column: right of each cell left of the
            # centre, left of each cell right of it (the centre's has zero weight).
            zb = np.concatenate((prev[:, lo + 1:centre + 2], prev[:, centre:hi - 1]), axis=1)
            diff = za - zb
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


def in_range_mask(shape: tuple[int, int], row: int, col: int, xres: float, yres: float,
                  max_range: float) -> BoolArray:
    """Cells whose centre lies within ``max_range`` of cell ``(row, col)``'s centre."""
    dy = (np.arange(shape[0]) - row) * float(yres)
    reach = max_range * max_range - dy * dy
    half = np.where(reach >= 0, np.sqrt(np.maximum(reach, 0.0)) / float(xres), -1.0)
    dx = np.abs(np.arange(shape[1]) - col).astype(np.float64)
    # One comparison per cell against the row's half-width: no distance grid.
    return dx[None, :] <= half[:, None]


def viewshed(heights: np.ndarray, row: int, col: int, *, observer_h: float, target_h: float,
             xres: float, yres: float, k: float, radius_m: float,
             max_range: float | None = None) -> tuple[BoolArray, BoolArray]:
    """Return ``(visible, in_range)`` boolean grids for an observer at ``(row, col)``.

    Parameters
    ----------
    heights
        Terrain heights in metres (float32 or float64; no NaN: fill nodata first); not
        modified. Arithmetic is in float64 whatever the storage.
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
        raise RasterError(msg)
    if max_range is None:
        max_range = float(np.hypot(nrows * yres, ncols * xres))
    eye = float(heights[row, col]) + observer_h
    curve = 1.0 / (2.0 * k * radius_m) if np.isfinite(k) and k > 0 else 0.0
    # The four sides of the rings as "row d below the observer, columns within
    # +-d" views: south, north (rows flipped), east and west (transposed).
    sides = (heights[row:], heights[row::-1], heights[:, col:].T, heights[:, col::-1].T)
    centres = (col, col, row, row)
    steps = ((yres, xres), (yres, xres), (xres, yres), (xres, yres))
    rings = min(max(side.shape[0] for side in sides), int(max_range // min(xres, yres)) + 2)
    # Stack them, centred, so one vectorised step per ring serves all four sides
    # (and the transposed sides are read contiguously). Padding cells are never
    # read by in-grid cells: a cell's two neighbours are nearer the centre column.
    dtype = np.float32 if heights.dtype == np.float32 else np.float64
    stack = np.zeros((4, rings, 2 * rings + 1), dtype=dtype)
    for i, (side, oc) in enumerate(zip(sides, centres, strict=True)):
        n, src, dst = _placement(side.shape, oc, rings)
        stack[i, :n, dst] = side[:n, src]
    ring = np.arange(rings, dtype=np.float64)
    offset = np.arange(2 * rings + 1, dtype=np.float64) - rings
    # Eye height plus the curvature drop r² / (2 k R), split along the two axes.
    bias_rows = np.stack([eye + curve * (ring * step[0]) ** 2 for step in steps])
    bias_cols = np.stack([curve * (offset * step[1]) ** 2 for step in steps])
    # Half-width of ring d within max_range (cells beyond it are skipped: nothing
    # inside depends on them, both neighbours of a cell being nearer the observer).
    res = min(xres, yres)
    reach = max_range * max_range - (ring * res) ** 2
    half = np.where(reach >= 0, np.sqrt(np.maximum(reach, 0.0)) // res, -1).astype(np.int64)
    half = np.minimum(half, np.arange(rings))
    seen = _sweep(stack, bias_rows, bias_cols, target_h, half)
    vis = np.zeros((nrows, ncols), dtype=bool)
    targets = (vis[row:], vis[row::-1], vis[:, col:].T, vis[:, col::-1].T)
    for i, (side, oc) in enumerate(zip(targets, centres, strict=True)):
        n, src, dst = _placement(side.shape, oc, rings)
        side[:n, src] |= seen[i, :n, dst]
    vis[row, col] = True
    in_range = in_range_mask((nrows, ncols), row, col, xres, yres, max_range)
    vis &= in_range
    return vis, in_range
