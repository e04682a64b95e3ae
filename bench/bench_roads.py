"""Many-to-many road distance: multi-source Dijkstra vs per-pair shortest paths.

A synthetic street grid of ~50,000 nodes (224 x 224 intersections ~100 m apart, every
third street one-way, alternating direction, a little jitter so lengths differ) is
written as OSM XML and loaded with ``geoconflict.roads.road_network`` (no download).
100 origins and 1,000 destinations sit on random intersections, so both methods route
between the same nodes and their lengths must be identical.

* ours: ``road_distance`` (snapping, scipy.sparse.csgraph Dijkstra one-to-all from each
  distinct entry node, both length and travel time);
* peer 1 (the issue's baseline): ``osmnx.shortest_path`` per pair (batch call, so the
  graph is validated once), then the route's length. 100,000 pairs take hours, so a random
  sample of pairs is timed and the per-pair time multiplied by 100,000 (extrapolated;
  the row says so). The naive one-call-per-pair form is also timed on a few pairs;
* peer 2 (stronger): networkx one-to-all ``single_source_dijkstra_path_length`` per
  origin, timed on a sample of origins and extrapolated to 100.
"""

from __future__ import annotations

import itertools
import random
import tempfile
import time
from pathlib import Path

import numpy as np
from _timing import row

SIDE = 224                      # 224 x 224 = 50,176 intersections
STEP = 0.0009                   # degrees, ~100 m at 33 N
LON0, LAT0 = 44.30, 33.25


def write_grid(path: Path, side: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6">\n')
        for r in range(side):
            for c in range(side):
                lon = LON0 + c * STEP + rng.uniform(-0.1, 0.1) * STEP
                lat = LAT0 + r * STEP + rng.uniform(-0.1, 0.1) * STEP
                out.write(f'<node id="{r * side + c + 1}" lat="{lat:.7f}" lon="{lon:.7f}"/>\n')
        way = 10**7
        for r in range(side):                      # east-west streets
            refs = [r * side + c + 1 for c in range(side)]
            oneway = "" if r % 3 else ('<tag k="oneway" v="yes"/>' if r % 2 else
                                       '<tag k="oneway" v="-1"/>')
            kind = "primary" if r % 20 == 0 else "residential"
            out.write(f'<way id="{way}">' + "".join(f'<nd ref="{x}"/>' for x in refs)
                      + f'<tag k="highway" v="{kind}"/>{oneway}</way>\n')
            way += 1
        for c in range(side):                      # north-south streets
            refs = [r * side + c + 1 for r in range(side)]
            oneway = "" if c % 3 else '<tag k="oneway" v="yes"/>'
            out.write(f'<way id="{way}">' + "".join(f'<nd ref="{x}"/>' for x in refs)
                      + f'<tag k="highway" v="secondary"/>{oneway}</way>\n')
            way += 1
        out.write("</osm>\n")


def route_length(graph, route) -> float:
    return sum(min(d["length"] for d in graph.get_edge_data(a, b).values())
               for a, b in itertools.pairwise(route))


def run(quick: bool = False) -> list[dict[str, object]]:
    import networkx as nx
    import osmnx as ox

    from geoconflict.roads._network import road_distance, road_network

    side = 60 if quick else SIDE
    n_orig, n_dest = (20, 200) if quick else (100, 1000)
    n_pairs_sample = 30 if quick else 60
    n_single_sample = 3 if quick else 5
    n_origin_sample = 3 if quick else 8
    with tempfile.TemporaryDirectory() as tmp:
        osm = Path(tmp) / "grid.osm"
        write_grid(osm, side)
        start = time.perf_counter()
        graph = road_network(source=osm)
        load_s = time.perf_counter() - start
    rng = np.random.default_rng(42)
    nodes = np.array(list(graph.nodes))
    orig_nodes = rng.choice(nodes, n_orig, replace=False)
    dest_nodes = rng.choice(nodes, n_dest, replace=False)
    lonlat = {v: (d["lon"], d["lat"]) for v, d in graph.nodes(data=True)}
    origins = [lonlat[v] for v in orig_nodes]
    destinations = [lonlat[v] for v in dest_nodes]

    start = time.perf_counter()
    table = road_distance(origins, destinations, graph)          # includes preparation
    cold_s = time.perf_counter() - start
    start = time.perf_counter()
    table = road_distance(origins, destinations, graph)          # prepared graph cached
    warm_s = time.perf_counter() - start
    ours = table["road_distance_m"].to_numpy().reshape(n_orig, n_dest)

    # peer 1: osmnx.shortest_path per pair, on a random sample of pairs. Batch form (lists
    # of origins and destinations, one process): osmnx validates the graph's weights once,
    # then runs one networkx Dijkstra per pair -- the fair per-pair baseline.
    pairs = [(int(rng.integers(n_orig)), int(rng.integers(n_dest)))
             for _ in range(n_pairs_sample)]
    start = time.perf_counter()
    routes = ox.shortest_path(graph, [orig_nodes[i] for i, _ in pairs],
                              [dest_nodes[j] for _, j in pairs], weight="length", cpus=1)
    per_pair_s = (time.perf_counter() - start) / n_pairs_sample
    worst = 0.0
    for (i, j), route in zip(pairs, routes, strict=True):
        length = np.nan if route is None else route_length(graph, route)
        same = (np.isnan(length) and np.isnan(ours[i, j])) or abs(length - ours[i, j]) < 1e-6
        if not same:
            msg = f"length mismatch for pair {i},{j}: per-pair {length} vs ours {ours[i, j]}"
            raise AssertionError(msg)
        if not np.isnan(length):
            worst = max(worst, abs(length - ours[i, j]))
    per_pair_total = per_pair_s * n_orig * n_dest
    # the naive form, one osmnx.shortest_path call per pair, re-validates the whole graph
    # on every call: timed on a few pairs only
    start = time.perf_counter()
    for i, j in pairs[:n_single_sample]:
        ox.shortest_path(graph, orig_nodes[i], dest_nodes[j], weight="length")
    single_call_s = (time.perf_counter() - start) / n_single_sample

    # peer 2: networkx one-to-all Dijkstra per origin, on a sample of origins
    simple = nx.DiGraph()
    for u, v, d in graph.edges(data=True):
        if not simple.has_edge(u, v) or d["length"] < simple[u][v]["length"]:
            simple.add_edge(u, v, length=d["length"])
    start = time.perf_counter()
    for i in range(n_origin_sample):
        dist = nx.single_source_dijkstra_path_length(simple, orig_nodes[i], weight="length")
        got = np.array([dist.get(v, np.nan) for v in dest_nodes])
        if not np.allclose(got, ours[i], equal_nan=True, rtol=0, atol=1e-6):
            msg = f"networkx one-to-all differs from ours for origin {i}"
            raise AssertionError(msg)
    nx_total = (time.perf_counter() - start) / n_origin_sample * n_orig

    label = f"{n_orig}x{n_dest} on {graph.number_of_nodes():,}-node graph"
    return [
        row(f"roads: road_distance {label} (warm)", warm_s, "s",
            peer=f"osmnx.shortest_path per pair (extrapolated from {n_pairs_sample} pairs)",
            peer_figure=per_pair_total, max_abs_length_diff_m=worst,
            sampled_pairs=n_pairs_sample, reachable_pairs=int(np.isfinite(ours).sum())),
        row(f"roads: road_distance {label} (cold, incl. graph prep)", cold_s, "s",
            peer=f"networkx one-to-all per origin (extrapolated from {n_origin_sample})",
            peer_figure=nx_total),
        row(f"roads: road_network load of {graph.number_of_nodes():,}-node .osm", load_s, "s",
            edges=graph.number_of_edges()),
        row("roads: osmnx.shortest_path per pair, batch call", per_pair_s, "s"),
        row("roads: osmnx.shortest_path per pair, one call per pair", single_call_s, "s",
            note="re-validates every edge weight on each call"),
    ]
