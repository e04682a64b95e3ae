"""The map's view: initial bounds, the tile source and the folium map that carries them.

The runtime (``_webmap.js``) fits ``spec["bounds"]`` when it draws the map. Used by
:func:`conflict_map` and (``resolve_tiles``) by the map specs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from ..errors import MapSpecError
from ._escape import html_text

if TYPE_CHECKING:
    import folium
    import geopandas as gpd

#: Centre of an empty map (the embedded scenario's region).
DEFAULT_CENTRE = (29.0, 42.0)


def bounds_of(frames: Iterable[gpd.GeoDataFrame | None]) -> list[list[float]] | None:
    """``[[south, west], [north, east]]`` around the non-empty frames, or None."""
    import numpy as np

    boxes = [f.total_bounds for f in frames if f is not None and len(f)]
    boxes = [b for b in boxes if np.all(np.isfinite(b))]
    if not boxes:
        return None
    arr = np.array(boxes)
    return [[float(arr[:, 1].min()), float(arr[:, 0].min())],
            [float(arr[:, 3].max()), float(arr[:, 2].max())]]


def initial_bounds(bounds: Sequence[float] | None,
                   focus: Iterable[gpd.GeoDataFrame | None]) -> list[list[float]] | None:
    """The view: ``bounds`` ``(west, south, east, north)`` when given, else around the
    ``focus`` frames."""
    if bounds is not None:
        west, south, east, north = (float(b) for b in bounds)
        return [[south, west], [north, east]]
    return bounds_of(focus)


def resolve_tiles(basemap: str) -> str | None:
    """None for the offline basemap; else a validated xyzservices name or URL template."""
    if basemap in ("auto", "offline"):
        return None
    if re.match(r"^https?://[^\s\"'<>]+$", basemap) and all(
            k in basemap for k in ("{z}", "{x}", "{y}")):
        return basemap
    import xyzservices

    try:
        xyzservices.providers.query_name(basemap)
    except ValueError:
        msg = (f"unknown tile provider {basemap!r}: use 'auto', 'offline', an xyzservices "
               "name such as 'OpenStreetMap.Mapnik' or 'CartoDB.Positron', or a URL "
               "template https://host/{z}/{x}/{y}.png")
        raise MapSpecError(msg) from None
    return basemap


def folium_map(bounds: list[list[float]] | None, tiles: str | None) -> folium.Map:
    """The folium map: centred on ``bounds`` (the runtime then fits them), with ``tiles``
    (None: no tile layer; a URL template is credited to its host)."""
    import folium

    centre = ([sum(c) / 2 for c in zip(*bounds, strict=True)] if bounds
              else list(DEFAULT_CENTRE))
    custom = tiles is not None and tiles.startswith(("http://", "https://"))
    return folium.Map(location=centre, zoom_start=5, tiles=tiles, control_scale=False,
                      attr=f"Tiles: {html_text(tiles.split('/')[2])}" if custom and tiles else None,
                      zoom_control=True, font_size="12px", zoom_snap=0.25, zoom_delta=0.5)
