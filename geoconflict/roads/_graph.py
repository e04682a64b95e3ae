"""Finishing a road graph: geodesic edge lengths, speeds, travel times, UTM projection.

Used by the loaders of :mod:`._network` and by the routing of :mod:`._routing` (which
finishes a raw graph a caller passes in), so neither imports the other's internals.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .. import _geodesic
from ..errors import RoadsError

if TYPE_CHECKING:
    import networkx as nx

#: Speeds (km/h) for ways without a ``maxspeed`` tag, by ``highway`` type. Tagged
#: ``maxspeed`` values always win (osmnx ``add_edge_speeds`` semantics). Conservative
#: urban figures: analysts compare routes, and posted limits are rarely reached in cities.
DEFAULT_SPEEDS_KPH: dict[str, float] = {
    "motorway": 100, "motorway_link": 60, "trunk": 80, "trunk_link": 50,
    "primary": 60, "primary_link": 40, "secondary": 50, "secondary_link": 40,
    "tertiary": 40, "tertiary_link": 30, "unclassified": 30, "residential": 30,
    "living_street": 10, "service": 20, "road": 30, "track": 20,
}
#: Speed for highway types missing from :data:`DEFAULT_SPEEDS_KPH` (e.g. footways).
FALLBACK_SPEED_KPH = 30.0


def finish_graph(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """Geodesic lengths, speeds, travel times, lon/lat on nodes, then project to UTM."""
    import osmnx as ox

    if ox.projection.is_projected(graph.graph["crs"]):
        msg = "expected an unprojected graph (EPSG:4326) to finish"
        raise RoadsError(msg)
    _set_geodesic_lengths(graph)
    for _node, data in graph.nodes(data=True):
        data["lon"], data["lat"] = data["x"], data["y"]
    graph = ox.add_edge_speeds(graph, hwy_speeds=DEFAULT_SPEEDS_KPH, fallback=FALLBACK_SPEED_KPH)
    graph = ox.add_edge_travel_times(graph)
    graph = ox.project_graph(graph)
    graph.graph["length_method"] = "geodesic (WGS84, pyproj.Geod)"
    return graph


def _set_geodesic_lengths(graph: nx.MultiDiGraph) -> None:
    """Replace osmnx's great-circle ``length`` with WGS84 geodesic length, per edge."""
    geod = _geodesic.geod()
    straight: list[dict[str, Any]] = []
    lon1, lat1, lon2, lat2 = [], [], [], []
    nodes = graph.nodes
    for u, v, data in graph.edges(data=True):
        geometry = data.get("geometry")
        if geometry is not None:
            data["length"] = float(geod.geometry_length(geometry))
        else:
            straight.append(data)
            lon1.append(nodes[u]["x"])
            lat1.append(nodes[u]["y"])
            lon2.append(nodes[v]["x"])
            lat2.append(nodes[v]["y"])
    if straight:
        _, _, dist = geod.inv(lon1, lat1, lon2, lat2)
        for data, metres in zip(straight, np.atleast_1d(dist), strict=True):
            data["length"] = float(metres)
