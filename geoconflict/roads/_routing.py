"""Many-to-many routing core of :mod:`geoconflict.roads` (private).

A graph from :func:`geoconflict.roads.road_network` is turned once into compressed sparse
adjacency matrices (lengths, travel times) plus an STRtree of its edge geometries; points
are snapped to edges; one-to-all Dijkstra (``scipy.sparse.csgraph.dijkstra``) runs from
each distinct entry node, and the four ways of entering and leaving the two snapped
edges are combined with numpy.
"""

from __future__ import annotations

import math
import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import _geodesic
from .._inputs import representative_points, to_wgs84, warn_missing
from ..errors import RoadsError
from ._graph import finish_graph

if TYPE_CHECKING:
    import networkx as nx

#: Along-edge offsets below this many metres count as "at the node" (see _snap).
AT_NODE_M = 1e-3



@dataclass
class _Network:
    """A graph prepared for many-to-many routing (built once per graph, then cached)."""

    nodes: np.ndarray           # position -> node id
    lengths: Any                # CSR (scipy.sparse.csr_array), min length per u->v
    times: Any                  # CSR, min travel time per u->v
    edge_u: np.ndarray          # per edge row: node positions, attributes
    edge_v: np.ndarray
    edge_length: np.ndarray
    edge_time: np.ndarray
    edge_reversible: np.ndarray
    edge_geometry: np.ndarray   # projected LineStrings
    tree: Any                   # shapely STRtree over edge_geometry
    crs: Any
    size: int


_NETWORKS: weakref.WeakKeyDictionary[Any, _Network] = weakref.WeakKeyDictionary()


def prepare(graph: nx.MultiDiGraph) -> _Network:
    """Adjacency matrices and an edge index for ``graph`` (cached per graph object).

    The cache is keyed by the graph object and its node count: copy a graph before
    editing its edges if you route on it again.
    """
    size = graph.number_of_nodes()
    cached = _NETWORKS.get(graph)
    if cached is not None and cached.size == size:
        return cached
    import osmnx as ox
    import scipy.sparse as sp
    import shapely

    graph_in = graph
    if not ox.projection.is_projected(graph.graph.get("crs")):
        # A plain osmnx graph: make it look like road_network's output.

        graph = finish_graph(graph.copy())
    # One pass over the edges, geometries built in bulk: osmnx.graph_to_gdfs builds one
    # LineString per edge in Python, which dominated preparation on large graphs.
    rows = list(graph.edges(keys=True, data=True))
    if not rows:
        msg = "the road network has no edges"
        raise RoadsError(msg)
    if any("travel_time" not in d or "length" not in d for *_, d in rows):
        msg = "graph edges lack 'length'/'travel_time': build it with road_network()"
        raise RoadsError(msg)
    nodes = np.empty(size, dtype=object)
    nodes[:] = list(graph.nodes)
    position = {node: i for i, node in enumerate(nodes.tolist())}
    xs = np.fromiter((d["x"] for _, d in graph.nodes(data=True)), dtype=float, count=size)
    ys = np.fromiter((d["y"] for _, d in graph.nodes(data=True)), dtype=float, count=size)
    count = len(rows)
    edge_u = np.fromiter((position[r[0]] for r in rows), dtype=np.int64, count=count)
    edge_v = np.fromiter((position[r[1]] for r in rows), dtype=np.int64, count=count)
    length = np.fromiter((r[3]["length"] for r in rows), dtype=float, count=count)
    time = np.fromiter((r[3]["travel_time"] for r in rows), dtype=float, count=count)
    oneway = np.fromiter((_truthy(r[3].get("oneway", False)) for r in rows), dtype=bool,
                         count=count)
    geometry = np.empty(count, dtype=object)
    curved = np.fromiter(("geometry" in r[3] for r in rows), dtype=bool, count=count)
    geometry[curved] = [r[3]["geometry"] for r, c in zip(rows, curved, strict=True) if c]
    straight = ~curved
    if straight.any():
        a, b = edge_u[straight], edge_v[straight]
        ends = np.stack([np.column_stack([xs[a], ys[a]]), np.column_stack([xs[b], ys[b]])],
                        axis=1)
        geometry[straight] = shapely.linestrings(ends)
    # A two-way street is an edge and its reverse twin; a one-way street has no twin.
    key = edge_u * size + edge_v
    has_twin = np.isin(edge_v * size + edge_u, key)
    reversible = has_twin & ~oneway

    def csr(weight: np.ndarray) -> Any:
        # Parallel edges: keep the minimum (a sparse matrix would sum duplicates).
        order = np.lexsort((weight, edge_v, edge_u))
        a, b, w = edge_u[order], edge_v[order], weight[order]
        first = np.ones(len(a), dtype=bool)
        first[1:] = (a[1:] != a[:-1]) | (b[1:] != b[:-1])
        # Explicit zeros (zero-length edges) stay edges in scipy.sparse.csgraph.
        return sp.csr_array((w[first], (a[first], b[first])), shape=(size, size))

    network = _Network(nodes=nodes, lengths=csr(length), times=csr(time), edge_u=edge_u,
                       edge_v=edge_v, edge_length=length, edge_time=time,
                       edge_reversible=reversible, edge_geometry=geometry,
                       tree=shapely.STRtree(geometry), crs=graph.graph["crs"], size=size)
    _NETWORKS[graph_in] = network
    return network


def _truthy(value: Any) -> bool:
    if isinstance(value, list):
        return any(_truthy(v) for v in value)
    if isinstance(value, str):
        return value.lower() in ("yes", "true", "1", "-1")
    return bool(value)


@dataclass
class _Points:
    lon: np.ndarray
    lat: np.ndarray
    ids: list[Any]
    names: list[Any]
    #: rows with a usable location; the others keep placeholder coordinates (the first
    #: usable point) so the vectorised search runs, and get null results afterwards
    ok: np.ndarray


def read_points(obj: Any, role: str) -> _Points:
    """Read origins/destinations: a GeoDataFrame/GeoSeries or a sequence of (lon, lat)."""
    if hasattr(obj, "geometry") or hasattr(obj, "geom_type"):
        geoms = to_wgs84(obj, role)
        geoms = geoms.geometry if hasattr(geoms, "columns") else geoms
        values = geoms.to_numpy()
        # The one point rule: points stay points, other geometries give their point on
        # surface; rows without a location are kept, with null results.
        lon, lat, ok = representative_points(values)
        warn_missing(role, ok, geoms.index, "they are kept, with null road distances "
                     "(status no_location)", stacklevel=4)
        frame = obj if hasattr(obj, "columns") else None
        ids = _column(frame, ("id", "event_id"), len(values))
        names = _column(frame, ("name", "location"), len(values))
        if all(i is None for i in ids):
            ids = [str(i) for i in (obj.index if frame is not None else range(len(values)))]
    else:
        try:
            arr = np.asarray(list(obj), dtype=float).reshape(-1, 2)
        except (TypeError, ValueError):
            msg = f"{role} must be a GeoDataFrame or a sequence of (lon, lat) pairs"
            raise RoadsError(msg) from None
        lon, lat = arr[:, 0], arr[:, 1]
        ok = np.ones(len(arr), dtype=bool)
        ids, names = [str(i) for i in range(len(arr))], [None] * len(arr)
    with np.errstate(invalid="ignore"):
        bad = ok & ~((np.abs(lat) <= 90) & (np.abs(lon) <= 180))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        msg = f"{role} row {i}: ({lon[i]}, {lat[i]}) is not (lon, lat) in degrees"
        raise RoadsError(msg)
    lon, lat = np.asarray(lon, dtype=float).copy(), np.asarray(lat, dtype=float).copy()
    if ok.any() and not ok.all():
        first = int(np.flatnonzero(ok)[0])
        lon[~ok], lat[~ok] = lon[first], lat[first]
    return _Points(lon, lat, ids, names, ok)


def _column(frame: Any, candidates: tuple[str, ...], n: int) -> list[Any]:
    if frame is not None:
        for name in candidates:
            if name in frame.columns:
                return [None if _isna(x) else x for x in frame[name].tolist()]
    return [None] * n


def _isna(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or \
        str(value) in ("<NA>", "NaT")


@dataclass
class _Snap:
    """Points snapped to the nearest edge, with ways onto / off the network."""

    snap_m: np.ndarray      # geodesic distance point -> nearest point on the edge
    node: np.ndarray        # (n, 2) node positions to enter (origins) / leave (destinations)
    cost_m: np.ndarray      # (n, 2) metres along the edge to/from those nodes (inf = none)
    cost_s: np.ndarray      # (n, 2) seconds likewise
    edge: np.ndarray        # edge row
    offset_m: np.ndarray    # metres from the edge's start (u) to the snapped point


def snap(net: _Network, pts: _Points, *, leaving: bool) -> _Snap:
    """Snap points to the nearest edge (not node) and price the way along that edge.

    Snapping to edges rather than nodes matters on long blocks: a gate in the middle of a
    500 m street is 250 m from either end. The nearest edge is found the way
    ``osmnx.distance.nearest_edges`` does it for projected graphs (a shapely STRtree), done
    here directly because the edge geometries are needed anyway for the offset along it.
    For an origin (``leaving=True``) the point can drive forward to the edge's end node,
    and back to its start only if the street is two-way; a destination is reached from
    the start node forward, or from the end node if two-way.
    """
    import shapely
    from pyproj import Transformer
    from shapely.ops import substring

    to_graph = Transformer.from_crs("EPSG:4326", net.crs, always_xy=True)
    to_lonlat = Transformer.from_crs(net.crs, "EPSG:4326", always_xy=True)
    geod = _geodesic.geod()
    x, y = to_graph.transform(pts.lon, pts.lat)
    points = shapely.points(np.column_stack([x, y]))
    hit_point, hit_edge = net.tree.query_nearest(points, all_matches=False)
    edge = np.empty(len(points), dtype=np.int64)
    edge[hit_point] = hit_edge
    lines = net.edge_geometry[edge]
    along = shapely.line_locate_point(lines, points)
    snapped = shapely.line_interpolate_point(lines, along)
    slon, slat = to_lonlat.transform(shapely.get_x(snapped), shapely.get_y(snapped))
    _, _, snap_m = geod.inv(pts.lon, pts.lat, slon, slat)
    length = net.edge_length[edge]
    offset = np.empty(len(points))
    for i, (line, dist) in enumerate(zip(lines, along, strict=True)):
        # Geodesic length of the piece of the edge before the snapped point: exact at
        # vertices, so points placed on nodes route exactly like node-to-node paths.
        if dist <= 0:
            offset[i] = 0.0
        elif dist >= line.length:
            offset[i] = length[i]
        else:
            part = substring(line, 0.0, float(dist))
            plon, plat = to_lonlat.transform(*np.asarray(part.coords).T)
            offset[i] = min(float(geod.line_length(plon, plat)), length[i])
    rest = length - offset
    fraction_time = net.edge_time[edge] / np.where(length > 0, length, 1.0)
    reversible = net.edge_reversible[edge]
    u, v = net.edge_u[edge], net.edge_v[edge]
    inf = np.full(len(points), np.inf)
    at_u, at_v = offset <= AT_NODE_M, rest <= AT_NODE_M
    # A point sitting on a node needs only that node: Dijkstra finds every way out of
    # (or into) it, and one source instead of two halves the searches.
    if leaving:   # origin: forward to v always; back to u if two-way (or already there)
        back = (reversible | at_u) & ~(at_v & ~at_u)
        node = np.column_stack([np.where(at_u, u, v), np.where(back, u, v)])
        cost_m = np.column_stack([np.where(at_u, inf, rest), np.where(back, offset, inf)])
    else:         # destination: from u forward always; from v if two-way (or there)
        back = (reversible | at_v) & ~(at_u & ~at_v)
        node = np.column_stack([np.where(at_v, v, u), np.where(back, v, u)])
        cost_m = np.column_stack([np.where(at_v, inf, offset), np.where(back, rest, inf)])
    cost_s = cost_m * fraction_time[:, None]
    return _Snap(snap_m=np.abs(snap_m), node=node, cost_m=cost_m, cost_s=cost_s, edge=edge,
                 offset_m=offset)


def _same_edge(net: _Network, o: _Snap, d: _Snap, oi: np.ndarray, weight: str
               ) -> np.ndarray:
    """Cost of driving directly along a shared edge, for the (len(oi), n_dest) block."""
    out = np.full((len(oi), len(d.edge)), np.inf)
    o_u, o_v = net.edge_u[o.edge[oi]], net.edge_v[o.edge[oi]]
    d_u, d_v = net.edge_u[d.edge], net.edge_v[d.edge]
    same = o.edge[oi][:, None] == d.edge[None, :]
    # the twin of a two-way edge (v->u) is the same street with offsets mirrored
    twin = ((o_u[:, None] == d_v[None, :]) & (o_v[:, None] == d_u[None, :])
            & net.edge_reversible[o.edge[oi]][:, None]
            & np.isclose(net.edge_length[o.edge[oi]][:, None], net.edge_length[d.edge][None, :]))
    if not (same.any() or twin.any()):
        return out
    o_off = o.offset_m[oi][:, None]
    d_off = np.where(twin, net.edge_length[d.edge][None, :] - d.offset_m[None, :],
                     d.offset_m[None, :])
    forward = d_off - o_off
    reversible = net.edge_reversible[o.edge[oi]][:, None]
    metres = np.where(forward >= 0, forward, np.where(reversible, -forward, np.inf))
    metres = np.where(same | twin, metres, np.inf)
    if weight == "length":
        return metres
    per_m = (net.edge_time[o.edge[oi]] / np.maximum(net.edge_length[o.edge[oi]], 1e-12))
    return metres * per_m[:, None]


def route_block(net: _Network, o: _Snap, d: _Snap, oi: np.ndarray, weight: str
                 ) -> np.ndarray:
    """Shortest cost from origins ``oi`` to every destination, via one-to-all Dijkstra."""
    from scipy.sparse.csgraph import dijkstra

    matrix = net.lengths if weight == "length" else net.times
    o_cost = o.cost_m[oi] if weight == "length" else o.cost_s[oi]
    d_cost = d.cost_m if weight == "length" else d.cost_s
    o_node = o.node[oi]
    sources, src_index = np.unique(o_node, return_inverse=True)
    src_index = src_index.reshape(o_node.shape)
    targets, tgt_index = np.unique(d.node, return_inverse=True)
    tgt_index = tgt_index.reshape(d.node.shape)
    # one-to-all from each distinct entry node; directed, so one-way streets hold
    dist = dijkstra(matrix, directed=True, indices=sources)[:, targets]
    best = _same_edge(net, o, d, oi, weight)
    for a in range(2):
        for b in range(2):
            total = (o_cost[:, a][:, None] + dist[src_index[:, a]][:, tgt_index[:, b]]
                     + d_cost[:, b][None, :])
            np.minimum(best, total, out=best)
    return best
