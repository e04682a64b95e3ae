"""Road networks from OpenStreetMap (osmnx): distance by road, and what is around a site.

Straight-line distance is not how a convoy, a car bomb or a rescue team travels. This
module answers "how far, by road, from each base to each incident" and "what is
physically at this site", offline from a local OSM extract (``.osm`` XML) or, opt-in,
from the Overpass API.

* :func:`road_network` loads a drivable (or walkable...) graph with osmnx, keeps only
  the ways osmnx's own ``network_type`` filter keeps, truncates it to an area, simplifies
  its topology, measures every edge on the WGS84 ellipsoid, adds speeds and travel
  times, and projects it to UTM (osmnx's recommended order: build, truncate, simplify,
  then project for nearest-edge search).
* :func:`road_distance` builds a many-to-many table: every origin against every
  destination, shortest length and quickest time, with the snap distance of each point
  to its nearest road and flags for points too far from any road and pairs with no route.
  One Dijkstra per distinct origin entry node over the whole graph
  (``scipy.sparse.csgraph.dijkstra``, one-to-all, directed so one-way streets hold)
  replaces one search per pair: see ``bench/bench_roads.py``.
* :func:`site_features` lists OSM features (military land use, buildings, roads,
  barriers...) within a geodesic radius of a site, as a GeoDataFrame ready for a map layer.

Every length is geodesic on WGS84 (pyproj.Geod); osmnx's own edge lengths are great-circle
distances on a sphere (up to ~0.5 % off), so they are recomputed.
"""

from __future__ import annotations

import json
import logging
import math
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import _geodesic, _progress
from .._inputs import to_wgs84
from .._shapes import RING_TOLERANCE, geodesic_circle
from .._sites import resolve_site
from ..errors import InputNotFoundError, RoadsError
from ..units import parse_distance
from ._graph import DEFAULT_SPEEDS_KPH, FALLBACK_SPEED_KPH, finish_graph
from ._osmnx import private_api
from ._overpass import NoOverpassData, OverpassOptions, fetch
from ._routing import prepare, read_points, route_block, snap

if TYPE_CHECKING:
    import geopandas as gpd
    import networkx as nx
    import pandas as pd
    from shapely import MultiPolygon, Polygon

__all__ = [
    "DEFAULT_FEATURE_TAGS",
    "DEFAULT_SPEEDS_KPH",
    "FALLBACK_SPEED_KPH",
    "NETWORK_TYPES",
    "OverpassOptions",
    "road_distance",
    "road_network",
    "site_features",
]

logger = logging.getLogger(__name__)

#: osmnx network types road_network accepts (the CLI offers the same list).
NETWORK_TYPES = ("drive", "drive_service", "walk", "bike", "all", "all_public")


#: What :func:`site_features` looks for by default.
DEFAULT_FEATURE_TAGS: dict[str, bool | str | list[str]] = {
    "landuse": "military", "military": True, "building": True, "highway": True,
    "barrier": True,
}

#: Bytes of Dijkstra output held at once (sources x nodes x 8).
_DIJKSTRA_BLOCK_BYTES = 64 * 2**20
_OSM_CREDIT = "© OpenStreetMap contributors (ODbL)"


# --------------------------------------------------------------------------- networks


def road_network(area_or_bbox: Any = None, *, source: str | Path,
                 network_type: str = "drive", simplify: bool = True,
                 retain_all: bool = False, overpass: OverpassOptions | None = None,
                 progress: bool | None = None) -> nx.MultiDiGraph:
    """Load a road network from a local OSM extract, or opt-in from Overpass.

    Parameters
    ----------
    area_or_bbox
        ``None`` (the whole file), a bounding box ``(west, south, east, north)`` in
        degrees, a shapely (Multi)Polygon in lon/lat, or a GeoDataFrame/GeoSeries whose
        total bounds are used. Required when ``source="online"``. Nodes outside are
        dropped, so leave a margin around the points you will route between.
    source
        Path of an OSM XML file (``.osm``, ``.osm.bz2``) or ``"online"`` for Overpass.
    network_type
        osmnx network type: ``"drive"``, ``"drive_service"``, ``"walk"``, ``"bike"``,
        ``"all"`` or ``"all_public"``. Local files are filtered with exactly the tag
        rules osmnx sends to Overpass for that type (footways, tracks, private roads...
        are dropped for ``"drive"``); ``"walk"`` makes every way two-way.
    simplify
        Merge chains of interstitial nodes into single edges (osmnx ``simplify_graph``);
        lengths and geometries are kept, routing results do not change.
    retain_all
        Keep every disconnected piece instead of only the largest (weakly) connected
        part; pairs across pieces are then reported unreachable by :func:`road_distance`.
    overpass
        Server, cache and rate-limit options for ``source="online"``.
    progress
        A progress bar over the loading steps (reading the file or downloading,
        simplifying, projecting): None (default) on a terminal or in Jupyter only, True
        always, False never (see :mod:`geoconflict._progress`). osmnx reports nothing
        inside a step, so the bar names the step running rather than a share of it.

    Returns
    -------
    networkx.MultiDiGraph
        Projected to the local UTM zone; edges carry ``length`` (geodesic metres),
        ``speed_kph`` and ``travel_time`` (seconds); nodes carry ``lon``/``lat``.

    Raises
    ------
    RoadsError
        Unknown network type, unreadable file, or no roads in the area.
    FileNotFoundError
        If the file does not exist.
    ProviderError
        If the online download fails.

    Examples
    --------
    >>> G = road_network((44.39, 33.29, 44.42, 33.32), source="baghdad.osm")  # doctest: +SKIP
    """
    import osmnx as ox

    if network_type not in NETWORK_TYPES:
        msg = f"unknown network_type {network_type!r}; use one of {', '.join(NETWORK_TYPES)}"
        raise RoadsError(msg)
    polygon = _area_polygon(area_or_bbox)
    online = str(source) == "online"
    steps = ["downloading from Overpass" if online else "reading the OSM file",
             *(["simplifying"] if simplify and not online else []), "projecting"]
    with _progress.stages(steps, "road network", progress=progress) as start:
        start(steps[0])
        if online:
            graph = _online_graph(polygon, network_type, simplify, retain_all, overpass)
        else:
            graph = _file_graph(Path(source), polygon, network_type, retain_all)
            if simplify:
                start("simplifying")
                graph = ox.simplify_graph(graph)
        start("projecting")
        graph = finish_graph(graph)
    logger.info("road network (%s) from %s: %d nodes, %d edges", network_type,
                "Overpass" if online else source, graph.number_of_nodes(),
                graph.number_of_edges())
    return graph


_CLAUSE = re.compile(r'\["([^"]+)"(?:(!?~)"([^"]*)")?\]')


def _network_clauses(network_type: str) -> list[tuple[str, str | None, re.Pattern[str] | None]]:
    """osmnx's Overpass way filter for ``network_type``, as (key, op, regex) clauses.

    Reusing osmnx's definition keeps local files and Overpass downloads identical.
    """
    text = private_api().network_filter(network_type)
    return [(key, op, re.compile(value) if op else None)
            for key, op, value in _CLAUSE.findall(text)
            for op in [op or None]]


def _way_passes(tags: dict[str, Any], clauses: Sequence[tuple[str, str | None,
                                                               re.Pattern[str] | None]]) -> bool:
    for key, op, regex in clauses:
        value = tags.get(key)
        if op is None:
            if value is None:
                return False
            continue
        assert regex is not None
        matched = value is not None and regex.search(str(value)) is not None
        # Overpass semantics: ["k"~"re"] needs the tag; ["k"!~"re"] passes when absent.
        if matched != (op == "~"):
            return False
    return True


@contextmanager
def _extra_way_tags(keys: set[str]) -> Iterator[None]:
    """Make osmnx keep ``keys`` on edges, so the network filter can read them."""
    import osmnx as ox

    saved = list(ox.settings.useful_tags_way)
    try:
        ox.settings.useful_tags_way = saved + sorted(keys - set(saved))
        yield
    finally:
        ox.settings.useful_tags_way = saved


def _file_graph(path: Path, polygon: Polygon | MultiPolygon | None, network_type: str,
                retain_all: bool) -> nx.MultiDiGraph:
    import osmnx as ox

    InsufficientResponseError = private_api().InsufficientResponseError
    if not path.is_file():
        msg = f"no such OSM file: {path}"
        raise InputNotFoundError(msg)
    clauses = _network_clauses(network_type)
    keys = {key for key, _, _ in clauses}
    bidirectional = network_type in ox.settings.bidirectional_network_types
    try:
        with _extra_way_tags(keys):
            graph = ox.graph_from_xml(path, bidirectional=bidirectional, simplify=False,
                                      retain_all=True)
    except InsufficientResponseError as exc:
        msg = f"{path}: no OSM nodes or ways in the file"
        raise RoadsError(msg) from exc
    except Exception as exc:  # xml.sax, bz2, encoding errors: name the file
        if isinstance(exc, RoadsError):  # a damaged .gz is an OSError: it is named too
            raise
        msg = f"{path}: not a readable OSM XML file ({type(exc).__name__}: {exc})"
        raise RoadsError(msg) from exc
    drop = [(u, v, k) for u, v, k, data in graph.edges(keys=True, data=True)
            if not _way_passes(data, clauses)]
    graph.remove_edges_from(drop)
    graph.remove_nodes_from([n for n, degree in graph.degree() if degree == 0])
    if polygon is not None and len(graph):
        try:
            graph = ox.truncate.truncate_graph_polygon(graph, polygon)
        except ValueError:          # osmnx: "Found no graph nodes within the polygon"
            graph.clear()
    if len(graph) == 0:
        where = "in the requested area of " if polygon is not None else "in "
        msg = f"no {network_type!r} roads {where}{path}"
        raise RoadsError(msg)
    if not retain_all:
        graph = ox.truncate.largest_component(graph, strongly=False)
    return graph


def _online_graph(polygon: Polygon | MultiPolygon | None, network_type: str, simplify: bool,
                  retain_all: bool, overpass: OverpassOptions | None) -> nx.MultiDiGraph:
    import osmnx as ox

    if polygon is None:
        msg = "source='online' needs an area or bbox (west, south, east, north) to download"
        raise RoadsError(msg)
    try:
        return fetch(lambda: ox.graph_from_polygon(polygon, network_type=network_type,
                                                   simplify=simplify, retain_all=retain_all),
                     what=f"{network_type!r} road network", opts=overpass)
    except NoOverpassData as exc:
        msg = f"no {network_type!r} roads in the requested area: {exc}"
        raise RoadsError(msg) from exc
    except ValueError as exc:       # osmnx: nothing left after truncating to the area
        msg = f"no {network_type!r} roads in the requested area ({exc})"
        raise RoadsError(msg) from exc


def _area_polygon(area: Any) -> Polygon | MultiPolygon | None:
    import shapely

    if area is None:
        return None
    if isinstance(area, shapely.Polygon | shapely.MultiPolygon):
        return area
    if hasattr(area, "total_bounds"):
        gdf = to_wgs84(area, "area")
        area = tuple(float(v) for v in gdf.total_bounds)
    try:
        west, south, east, north = (float(v) for v in area)
    except (TypeError, ValueError):
        msg = (f"area_or_bbox must be None, (west, south, east, north), a Polygon or a "
               f"GeoDataFrame, not {area!r}")
        raise RoadsError(msg) from None
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        msg = (f"bbox {area!r} is not (west, south, east, north) in degrees with "
               f"west < east and south < north")
        raise RoadsError(msg)
    return shapely.box(west, south, east, north)


def road_distance(origins: Any, destinations: Any, graph: nx.MultiDiGraph, *,
                  max_snap: str | float = "1km") -> pd.DataFrame:
    """Road distance and travel time from every origin to every destination.

    Each point is snapped to the nearest road edge (not node) and enters or leaves the
    network along that edge, respecting one-way streets. Shortest lengths come from one
    Dijkstra per distinct entry node over the whole graph (``scipy.sparse.csgraph``),
    so 100 origins x 1,000 destinations cost ~100-200 searches, not 100,000.

    Parameters
    ----------
    origins, destinations
        GeoDataFrames/GeoSeries (any CRS; non-point geometries use a point inside them)
        or sequences of ``(lon, lat)``. ``id``/``event_id`` and ``name``/``location``
        columns label the rows when present.
    graph
        A graph from :func:`road_network` (or any osmnx graph, prepared on the fly).
    max_snap
        Points farther than this from any road are flagged ``too_far_from_road`` and
        get no route (a distance string such as ``"500 m"`` or metres).

    Returns
    -------
    pandas.DataFrame
        One row per (origin, destination) pair, none dropped: ``origin_index``,
        ``origin_id``, ``origin_name``, ``destination_index``, ``destination_id``,
        ``destination_name``, ``road_distance_m`` (shortest route along roads between
        the two snapped points), ``travel_time_s`` (quickest route, which may be a
        different route), ``straight_m`` (geodesic, between the original points),
        ``detour_ratio`` ((snap_origin_m + road_distance_m + snap_destination_m) /
        straight_m), ``snap_origin_m``, ``snap_destination_m``, ``too_far_from_road``,
        ``reachable`` and ``status`` (``ok``, ``no_route``, ``origin_too_far_from_road``,
        ``destination_too_far_from_road``, ``both_too_far_from_road``, or
        ``no_location`` for a row whose geometry is missing or empty: kept, with null
        figures, and counted in a :class:`~geoconflict.errors.MissingGeometryWarning`).

    Examples
    --------
    >>> G = road_network(source="tests/data/roads/grid.osm")
    >>> table = road_distance([(44.400, 33.301)], [(44.400, 33.302)], G)
    >>> round(float(table["road_distance_m"].iloc[0]))
    297
    """
    import pandas as pd

    limit = parse_distance(max_snap)
    net = prepare(graph)
    o_pts, d_pts = read_points(origins, "origins"), read_points(destinations, "destinations")
    n_o, n_d = len(o_pts.lon), len(d_pts.lon)
    length = np.full((n_o, n_d), np.nan)
    time = np.full((n_o, n_d), np.nan)
    if n_o and n_d and o_pts.ok.any() and d_pts.ok.any():
        o_snap, d_snap = snap(net, o_pts, leaving=True), snap(net, d_pts, leaving=False)
        block = max(1, _DIJKSTRA_BLOCK_BYTES // (16 * max(len(net.nodes), 1)))
        for start in range(0, n_o, block):
            oi = np.arange(start, min(start + block, n_o))
            length[oi] = route_block(net, o_snap, d_snap, oi, "length")
            time[oi] = route_block(net, o_snap, d_snap, oi, "time")
        snap_o, snap_d = o_snap.snap_m, d_snap.snap_m
    else:
        snap_o, snap_d = np.zeros(n_o), np.zeros(n_d)
    far_o = np.repeat(snap_o > limit, n_d)
    far_d = np.tile(snap_d > limit, n_o)
    length_m, time_s = length.ravel(), time.ravel()
    routed = np.isfinite(length_m)
    reachable = routed & ~far_o & ~far_d
    length_m[~reachable] = np.nan
    time_s[~reachable] = np.nan
    lon1, lat1 = np.repeat(o_pts.lon, n_d), np.repeat(o_pts.lat, n_d)
    lon2, lat2 = np.tile(d_pts.lon, n_o), np.tile(d_pts.lat, n_o)
    _, _, straight = _geodesic.geod().inv(lon1, lat1, lon2, lat2)
    straight = np.abs(np.asarray(straight, dtype=float))
    snap_o_pair, snap_d_pair = np.repeat(snap_o, n_d), np.tile(snap_d, n_o)
    with np.errstate(divide="ignore", invalid="ignore"):
        detour = np.where(straight > 0, (snap_o_pair + length_m + snap_d_pair) / straight, np.nan)
    located = np.repeat(o_pts.ok, n_d) & np.tile(d_pts.ok, n_o)
    for values in (length_m, time_s, straight, detour, snap_o_pair, snap_d_pair):
        values[~located] = np.nan
    reachable &= located
    status = np.select(
        [~located, far_o & far_d, far_o, far_d, ~routed],
        ["no_location", "both_too_far_from_road", "origin_too_far_from_road",
         "destination_too_far_from_road", "no_route"], default="ok")
    return pd.DataFrame({
        "origin_index": np.repeat(np.arange(n_o), n_d),
        "origin_id": pd.Series(np.repeat(np.asarray(o_pts.ids, dtype=object), n_d),
                               dtype=object),
        "origin_name": pd.Series(np.repeat(np.asarray(o_pts.names, dtype=object), n_d),
                                 dtype=object),
        "destination_index": np.tile(np.arange(n_d), n_o),
        "destination_id": pd.Series(np.tile(np.asarray(d_pts.ids, dtype=object), n_o),
                                    dtype=object),
        "destination_name": pd.Series(np.tile(np.asarray(d_pts.names, dtype=object), n_o),
                                      dtype=object),
        "road_distance_m": length_m,
        "travel_time_s": time_s,
        "straight_m": straight,
        "detour_ratio": detour,
        "snap_origin_m": snap_o_pair,
        "snap_destination_m": snap_d_pair,
        "too_far_from_road": far_o | far_d,
        "reachable": reachable,
        "status": status,
    })


# --------------------------------------------------------------------------- features


def site_features(site: Any, radius: str | float, *,
                  tags: dict[str, bool | str | list[str]] | None = None,
                  source: str | Path, overpass: OverpassOptions | None = None,
                  ) -> gpd.GeoDataFrame:
    """OSM features within a geodesic radius of a site, nearest first.

    Parameters
    ----------
    site
        ``(lon, lat)``, ``"LON,LAT"`` or the name, alias or id of an embedded deployment
        (``load_dataset("deployments")``), e.g. ``"Tower 22"``.
    radius
        Search radius: metres or a string such as ``"2km"``.
    tags
        osmnx tag query (``{"landuse": "military", "building": True}``: a key with
        ``True`` matches any value; a string or list matches those values). Defaults to
        :data:`DEFAULT_FEATURE_TAGS`.
    source
        Path of an OSM XML file, or ``"online"`` for Overpass (opt-in).
    overpass
        Server, cache and rate-limit options for ``source="online"``.

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326, one row per feature: ``element`` (node/way/relation), ``osm_id``,
        ``name`` (``"building=yes"``-style label when untagged), ``kind`` (the matched
        ``key=value``), one column per queried tag key, ``distance_m`` (geodesic, from
        the site to the feature's nearest point; 0 inside it), ``other_tags`` (JSON of
        every other tag, so nothing is lost), ``source`` and ``geometry``. Readable
        columns make it a ready map layer:
        ``conflict_map(..., layers={"OSM features": gdf})``.

    Examples
    --------
    >>> gdf = site_features((44.40095, 33.30295), "150 m", source="tests/data/roads/grid.osm")
    >>> gdf.loc[gdf["distance_m"] == 0, "name"].tolist()
    ['Camp Grid', 'HQ Building']
    """
    lon, lat, label = resolve_site(site, error=RoadsError)
    metres = parse_distance(radius)
    if metres <= 0:
        msg = f"radius must be positive, not {radius!r}"
        raise RoadsError(msg)
    query = dict(DEFAULT_FEATURE_TAGS if tags is None else tags)
    if not query:
        msg = "tags must name at least one OSM key, e.g. {'building': True}"
        raise RoadsError(msg)
    if str(source) == "online":
        raw = _online_features(lon, lat, metres, query, overpass)
        origin = f"{_OSM_CREDIT} via Overpass"
    else:
        raw = _file_features(Path(source), lon, lat, metres, query)
        origin = f"{_OSM_CREDIT}; extract {Path(source).name}"
    return _tidy_features(raw, lon, lat, metres, query, origin, label)


def _circle(lon: float, lat: float, metres: float) -> Polygon:
    """A query bound containing the geodesic circle: the proximity rings' circle, grown by
    their edge tolerance so no chord cuts inside the true circle."""

    bound: Polygon = geodesic_circle(lon, lat, metres * (1 + 2 * RING_TOLERANCE) + 1.0)
    return bound


def _file_features(path: Path, lon: float, lat: float, metres: float,
                   tags: dict[str, bool | str | list[str]]) -> gpd.GeoDataFrame:
    import geopandas as gpd
    import osmnx as ox

    InsufficientResponseError = private_api().InsufficientResponseError
    if not path.is_file():
        msg = f"no such OSM file: {path}"
        raise InputNotFoundError(msg)
    try:
        return ox.features_from_xml(path, polygon=_circle(lon, lat, metres), tags=tags)
    except InsufficientResponseError:
        return gpd.GeoDataFrame(geometry=[], crs="EPSG:4326")
    except Exception as exc:  # xml, gzip, bz2, encoding, access errors: name the file
        msg = f"{path}: not a readable OSM XML file ({type(exc).__name__}: {exc})"
        raise RoadsError(msg) from exc


def _online_features(lon: float, lat: float, metres: float,
                     tags: dict[str, bool | str | list[str]],
                     overpass: OverpassOptions | None) -> gpd.GeoDataFrame:
    import geopandas as gpd
    import osmnx as ox

    try:
        # osmnx takes (lat, lon) here; it queries a bounding box of `dist` around it
        return fetch(lambda: ox.features_from_point((lat, lon), tags, dist=metres),
                     what="OSM features", opts=overpass)
    except NoOverpassData:
        return gpd.GeoDataFrame(geometry=[], crs="EPSG:4326")


def _tidy_features(raw: gpd.GeoDataFrame, lon: float, lat: float, metres: float,
                   tags: dict[str, bool | str | list[str]], origin: str,
                   site_label: str) -> gpd.GeoDataFrame:
    """Geodesic distance filter, readable columns, nothing dropped silently."""
    import geopandas as gpd
    import pandas as pd
    import shapely
    from pyproj import CRS

    keys = list(dict.fromkeys(tags))
    columns = ["element", "osm_id", "name", "kind", *[k for k in keys if k != "name"],
               "distance_m", "other_tags", "site", "source"]
    if raw is None or len(raw) == 0:
        empty = pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
        empty["distance_m"] = empty["distance_m"].astype(float)
        return gpd.GeoDataFrame(empty, geometry=gpd.GeoSeries([], crs="EPSG:4326"))
    frame = raw.reset_index()
    # Azimuthal equidistant projection centred on the site: the distance from the centre
    # to any point is the geodesic distance, so the nearest-point distance is exact enough.
    aeqd = CRS.from_proj4(f"+proj=aeqd +lat_0={lat} +lon_0={lon} +datum=WGS84 +units=m")
    local = gpd.GeoSeries(frame.geometry.to_numpy(), crs="EPSG:4326").to_crs(aeqd)
    distance = shapely.distance(shapely.Point(0.0, 0.0), local.to_numpy())
    keep = np.asarray(distance <= metres)
    frame, distance = frame.loc[keep].reset_index(drop=True), np.asarray(distance)[keep]
    tag_columns = [c for c in frame.columns if c not in ("element", "id", "geometry",
                                                         "element_type", "osmid")]

    def text(value: Any) -> str | None:
        return None if value is None or (isinstance(value, float) and math.isnan(value)) \
            else str(value)

    def kind(row: pd.Series) -> str | None:
        for key in keys:
            value = text(row.get(key))
            if value is None:
                continue
            wanted = tags[key]
            if wanted is True or (isinstance(wanted, str) and value == wanted) or (
                    isinstance(wanted, list) and value in wanted):
                return f"{key}={value}"
        return None

    kinds = [kind(row) for _, row in frame.iterrows()]
    names = [text(n) if text(n) else k for n, k in
             zip(frame["name"] if "name" in frame else [None] * len(frame), kinds, strict=True)]
    others = []
    for _, row in frame.iterrows():
        extra = {c: text(row[c]) for c in tag_columns if c not in keys and c != "name"
                 and text(row[c]) is not None}
        others.append(json.dumps(extra, ensure_ascii=False, sort_keys=True))
    out = pd.DataFrame({
        "element": frame["element"].astype(str).to_numpy()
        if "element" in frame else ["unknown"] * len(frame),
        "osm_id": frame["id"].astype("int64").to_numpy() if "id" in frame else None,
        "name": pd.Series(names, dtype=object),
        "kind": pd.Series(kinds, dtype=object),
    })
    for key in keys:
        if key != "name":
            values = frame[key] if key in frame else [None] * len(frame)
            out[key] = pd.Series([text(v) for v in values], dtype=object)
    out["distance_m"] = distance.astype(float)
    out["other_tags"] = pd.Series(others, dtype=object)
    out["site"] = site_label
    out["source"] = origin
    gdf = gpd.GeoDataFrame(out, geometry=gpd.GeoSeries(frame.geometry.to_numpy(),
                                                       crs="EPSG:4326"))
    return gdf.sort_values(["distance_m", "element", "osm_id"], kind="stable",
                           ignore_index=True)
