"""The offline world basemap of a map: country outlines at the detail its extent needs.

``data/basemap/world.csv`` (``load_dataset("world_basemap")``, built by
``scripts/build_world_basemap.py`` from Natural Earth 1:10m, German point of view) holds
every country at three levels of detail as encoded polylines (:mod:`geoconflict._polyline`).
A map takes the level that fits its extent (the span of its initial view: over 60 degrees
``110m``, over 15 ``50m``, else ``10m``), clipped to the extent plus a margin of one span
(at least 3 degrees) on each side, so that the page stays small; outside that box the
``110m`` level is drawn too, so zooming out never shows empty water where there is land.
Lakes (``load_dataset("world_lakes")``, Natural Earth 1:10m lakes and reservoirs at the
same levels) are drawn over the land in the water colour.

Fills and outlines travel apart: the fills are clipped polygons without strokes, the
outlines are the countries' boundaries clipped as lines, each shared border once. So the
clip box never shows as a line. Used by :func:`geoconflict.webmap.conflict_map`.
"""

from __future__ import annotations

import functools
import math
import warnings
from typing import TYPE_CHECKING, Any

from .._polyline import decode, encode_many
from ..datasets import dataset_path
from ..errors import DataError, MapWarning

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["BASEMAP_LEVELS", "basemap_payload", "clip_box", "level_for"]

#: (level, smallest extent span in degrees it is used for), finest last.
BASEMAP_LEVELS = (("110m", 60.0), ("50m", 15.0), ("10m", 0.0))
#: The margin around the extent: one span on each side, at least this many degrees.
MIN_MARGIN_DEG = 3.0
_WORLD = (-180.0, -85.0, 180.0, 85.0)


@functools.cache
def _table(name: str = "world_basemap") -> pd.DataFrame:
    import pandas as pd

    return pd.read_csv(dataset_path(name), keep_default_na=False,
                       dtype={"shape": str, "iso_a3": str, "name": str, "level": str})


def extent_span(bounds: list[list[float]]) -> float:
    """The larger side of ``[[south, west], [north, east]]`` in degrees of latitude
    (longitude scaled by the cosine of the middle latitude)."""
    (south, west), (north, east) = bounds
    mid = math.radians((south + north) / 2)
    return max(abs(north - south), abs(east - west) * max(math.cos(mid), 0.2))


def level_for(bounds: list[list[float]] | None) -> str:
    """The basemap level for a view of ``bounds`` (None: the whole world)."""
    if bounds is None:
        return BASEMAP_LEVELS[0][0]
    span = extent_span(bounds)
    for level, low in BASEMAP_LEVELS:
        if span > low:
            return level
    return BASEMAP_LEVELS[-1][0]


def clip_box(bounds: list[list[float]] | None) -> tuple[float, float, float, float]:
    """``(west, south, east, north)``: the extent plus its margin, within the world."""
    if bounds is None:
        return _WORLD
    (south, west), (north, east) = bounds
    mx = max(east - west, MIN_MARGIN_DEG)
    my = max(north - south, MIN_MARGIN_DEG)
    return (max(west - mx, _WORLD[0]), max(south - my, _WORLD[1]),
            min(east + mx, _WORLD[2]), min(north + my, _WORLD[3]))


def _polygons(shape: str, digits: int) -> list[Any]:
    import shapely

    polys = []
    for part in shape.split(";"):
        rings = [decode(r, digits) for r in part.split(" ")]
        polys.append(shapely.Polygon(rings[0], rings[1:]))
    return polys


def _parts(geom: Any, polys: list[list[Any]], lines: list[Any]) -> None:
    """Append the coordinate arrays of ``geom``: polygons (lists of rings, the closing
    vertex dropped) to ``polys``, lines to ``lines``."""
    import numpy as np
    import shapely

    for part in shapely.get_parts(geom):
        if part.is_empty:
            continue
        if isinstance(part, shapely.Polygon):
            rings = [np.asarray(r.coords)[:-1] for r in (part.exterior, *part.interiors)]
            rings = [r for r in rings if len(r) >= 3]
            if rings:
                polys.append(rings)
        elif isinstance(part, shapely.LineString):
            if len(part.coords) >= 2:
                lines.append(np.asarray(part.coords))
        elif hasattr(part, "geoms"):
            _parts(part, polys, lines)


def _layer(level: str, box: tuple[float, float, float, float],
           hole: tuple[float, float, float, float] | None = None, *,
           dataset: str = "world_basemap") -> dict[str, Any]:
    """One level's fills and outlines within ``box`` (outside ``hole`` when given)."""
    import shapely

    table = _table(dataset)
    west, south, east, north = box
    rows = table[(table["level"] == level) & (table["east"] >= west) & (table["west"] <= east)
                 & (table["north"] >= south) & (table["south"] <= north)]
    if hole is not None:   # countries wholly inside the hole are drawn by the finer level
        rows = rows[~((rows["west"] >= hole[0]) & (rows["south"] >= hole[1])
                      & (rows["east"] <= hole[2]) & (rows["north"] <= hole[3]))]
    within = ((rows["west"] >= west) & (rows["south"] >= south) & (rows["east"] <= east)
              & (rows["north"] <= north)).to_numpy(copy=True)
    if hole is not None:   # ... and those clear of it need no cut
        within &= ((rows["east"] < hole[0]) | (rows["west"] > hole[2]) | (rows["north"] < hole[1])
                   | (rows["south"] > hole[3])).to_numpy()
    digits = int(rows["digits"].iloc[0]) if len(rows) else 2
    rect = shapely.box(*box)
    cut = rect.difference(shapely.box(*hole)) if hole else None
    codes: list[str] = []
    fills: list[list[list[Any]]] = []
    borders = []
    for code, shape, whole in zip(rows["iso_a3"], rows["shape"], within, strict=True):
        geom = shapely.multipolygons(_polygons(shape, digits))
        outline = shapely.boundary(geom)
        if whole:
            fill, line = geom, outline
        elif cut is None:
            fill = shapely.clip_by_rect(geom, *box)
            line = shapely.clip_by_rect(outline, *box)
        else:
            fill = shapely.intersection(geom, cut)
            line = shapely.intersection(outline, cut)
        if fill.is_empty:
            continue
        polys: list[list[Any]] = []
        _parts(fill, polys, [])
        if polys:
            codes.append(str(code))
            fills.append(polys)
        if not line.is_empty:
            borders.append(line)
    lines: list[Any] = []
    if borders:
        # Each shared border is in both neighbours' boundaries: the union keeps it once.
        merged = shapely.line_merge(shapely.union_all(borders, grid_size=10.0**-digits))
        _parts(merged, [], lines)
    # one numpy pass encodes every ring and line of the layer
    rings = [r for polys in fills for poly in polys for r in poly]
    text = iter(encode_many(rings + lines, digits))
    countries = [{"iso": code, "p": [[next(text) for _ in poly] for poly in polys]}
                 for code, polys in zip(codes, fills, strict=True)]
    return {"level": level, "digits": digits, "features": countries,
            "lines": list(text)}


def basemap_payload(bounds: list[list[float]] | None) -> dict[str, Any] | None:
    """The page's basemap for a view of ``bounds``: ``layers`` (the backdrop first), the
    clip ``box`` and the ``level``; None (with a :class:`MapWarning`) when the data is
    missing. ``features`` lists every drawn country (the test and spec readers use it)."""
    level = level_for(bounds)
    box = clip_box(bounds)
    try:
        layers = []
        if box != _WORLD and level != BASEMAP_LEVELS[0][0]:
            layers.append(_layer(BASEMAP_LEVELS[0][0], _WORLD, hole=box))
        layers.append(_layer(level, box))
        for layer in layers:   # lakes of the same level, water over the land, no outline
            hole = box if layer is not layers[-1] else None
            lakes = _layer(layer["level"], _WORLD if hole else box, hole, dataset="world_lakes")
            layer["lakes"] = [p for f in lakes["features"] for p in f["p"]]
    except DataError as exc:
        warnings.warn(f"offline basemap unavailable: {exc}", MapWarning, stacklevel=3)
        return None
    return {"level": level, "box": list(box), "layers": layers,
            "features": [f["iso"] for f in layers[-1]["features"]]}
