"""Resolve a site argument to a point: ``(lon, lat)``, ``"LON,LAT"`` or a deployment.

One resolver for every analysis that works around a single site (radar coverage,
line of sight, OSM features), so a site that works in one command works in all.
"""

from __future__ import annotations

from typing import Any

from . import datasets
from ._suggest import close_matches
from .errors import GeoconflictError


def resolve_site(site: Any, *, error: type[GeoconflictError]) -> tuple[float, float, str]:
    """Return ``(lon, lat, label)`` for a site.

    Parameters
    ----------
    site
        ``(lon, lat)`` in degrees (any two-number sequence), a ``"LON,LAT"`` string
        (as typed on the command line), or the name, an alias or the id of an embedded
        deployment (``load_dataset("deployments")``), matched case-insensitively.
    error
        The error class to raise, so each module keeps its own (``RasterError``,
        ``RoadsError``...).

    Returns
    -------
    tuple
        Longitude, latitude and a display label: the deployment's name, or
        ``"LON,LAT"`` with 5 decimals (about 1 m) for coordinates.

    Raises
    ------
    error
        For an unknown name (with close names as a hint), a value that is not two
        numbers, or coordinates out of range.

    Examples
    --------
    >>> from geoconflict.errors import RoadsError
    >>> resolve_site("t22", error=RoadsError)[2]
    'Tower 22'
    >>> resolve_site("44.4,33.3", error=RoadsError)
    (44.4, 33.3, '44.40000,33.30000')
    """
    if isinstance(site, str):
        coords = _parse_lonlat(site)
        if coords is None:
            return _deployment(site, error)
        site = coords
    try:
        lon, lat = (float(v) for v in site)
    except (TypeError, ValueError):
        msg = f"site must be (lon, lat) or a deployment name, not {site!r}"
        raise error(msg) from None
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        msg = f"site ({lon}, {lat}) is not a valid (lon, lat) in degrees"
        raise error(msg)
    return lon, lat, f"{lon:.5f},{lat:.5f}"


def _parse_lonlat(text: str) -> tuple[float, float] | None:
    """``"LON,LAT"`` -> floats; ``None`` when ``text`` is not two numbers (a name)."""
    parts = text.split(",")
    if len(parts) != 2:
        return None
    try:
        return float(parts[0]), float(parts[1])
    except ValueError:
        return None


def _deployment(name: str, error: type[GeoconflictError]) -> tuple[float, float, str]:
    # Raw GeoJSON (cached by load_features) rather than load_dataset: no geopandas
    # import just to look up one point.

    wanted = name.strip().casefold()
    known: dict[str, str] = {}  # every name, alias and id -> the deployment's name
    for feature in datasets.load_features("deployments"):
        props = feature.get("properties") or {}
        label = str(props.get("name") or props.get("id"))
        keys = [str(k) for k in (props.get("name"), props.get("id"),
                                 *(props.get("aliases") or [])) if k]
        if wanted in (k.strip().casefold() for k in keys):
            return (*_point(feature.get("geometry") or {}), label)
        known.update((k, label) for k in keys)
    close = close_matches(name, known)
    hint = (f"; did you mean {', '.join(repr(c) for c in close)}?" if close else
            "; give LON,LAT or a name from `geoconflict data export deployments`")
    msg = f"unknown site {name!r}: no deployment named {name!r}{hint}"
    raise error(msg)


def _point(geometry: dict[str, Any]) -> tuple[float, float]:
    if geometry.get("type") == "Point":
        lon, lat = geometry["coordinates"][:2]
        return float(lon), float(lat)
    import shapely

    point = shapely.geometry.shape(geometry).representative_point()
    return float(point.x), float(point.y)
