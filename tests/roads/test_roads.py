"""Road networks, road distances and site features, offline on tests/data/roads/grid.osm.

Expected lengths are computed here from the node coordinates read straight from the XML
(ElementTree) and pyproj.Geod on WGS84, independently of osmnx. The grid layout is
drawn in tests/data/roads/make_grid.py: node id = 100 + 10*row + col; the river lies
between rows 1 and 2 with one drivable bridge (column 1); row 1 is one-way eastbound;
143 -> 900 is a one-way dead end; 950-951 is a road ~9 km away, not connected.
"""

from __future__ import annotations

import itertools
import json
import math
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from pyproj import Geod
from support import TEST_DATA

from geoconflict.errors import RoadsError
from geoconflict.roads._network import road_distance, road_network, site_features

GRID = TEST_DATA / "roads" / "grid.osm"
GEOD = Geod(ellps="WGS84")
TOL_M = 1e-6  # metres: lengths are exact up to float rounding


def _coords() -> dict[int, tuple[float, float]]:
    root = ET.parse(GRID).getroot()
    return {int(n.get("id")): (float(n.get("lon")), float(n.get("lat")))
            for n in root.iter("node")}


XY = _coords()


def seg(a: int, b: int) -> float:
    """Geodesic metres between two OSM nodes."""
    (lon1, lat1), (lon2, lat2) = XY[a], XY[b]
    return abs(GEOD.inv(lon1, lat1, lon2, lat2)[2])


def path_m(*nodes: int) -> float:
    return sum(seg(a, b) for a, b in itertools.pairwise(nodes))


def n(row: int, col: int) -> int:
    return 100 + 10 * row + col


A, B = n(1, 0), n(2, 0)  # either side of the river, 111 m apart as the crow flies


@pytest.fixture(scope="module")
def graph():
    return road_network(source=GRID)


def one(table, origin: int = 0, destination: int = 0):
    row = table[(table["origin_index"] == origin) & (table["destination_index"] == destination)]
    assert len(row) == 1
    return row.iloc[0]


# ---------------------------------------------------------------- the network itself


def test_drive_network_keeps_only_drivable_ways(graph):
    highways = {d["highway"] for _, _, d in graph.edges(data=True)}
    assert highways == {"residential", "secondary"}          # no footway, no river
    assert {700, 701, 800, 810, 820}.isdisjoint(graph.nodes)  # river, camp, building, gate
    assert 950 not in graph                                   # not the largest component
    assert 900 in graph                                       # the dead end is connected
    assert graph.graph["crs"].to_epsg() == 32638              # UTM 38N, projected
    node = graph.nodes[A]
    assert (node["lon"], node["lat"]) == XY[A]


def test_edge_lengths_are_geodesic_and_times_use_speeds(graph):
    bridge = graph.get_edge_data(n(1, 1), n(2, 1))[0]
    assert bridge["length"] == pytest.approx(seg(n(1, 1), n(2, 1)), abs=TOL_M)
    assert bridge["speed_kph"] == 50.0                        # maxspeed tag wins
    assert bridge["travel_time"] == pytest.approx(bridge["length"] / (50 / 3.6), rel=1e-9)
    for u, v, data in graph.edges(data=True):
        if data["highway"] == "residential":
            assert data["speed_kph"] == 30.0                 # default for the type
        if "geometry" not in data:
            assert data["length"] == pytest.approx(seg(u, v), abs=TOL_M)


def test_retain_all_and_bbox_truncation():
    full = road_network(source=GRID, retain_all=True)
    assert {950, 951} <= set(full.nodes)
    north = road_network((44.3995, 33.3015, 44.4035, 33.3045), source=GRID)
    lats = [d["lat"] for _, d in north.nodes(data=True)]
    assert min(lats) >= 33.3015
    assert n(4, 2) in north
    assert 900 not in north                                   # east of the bbox


def test_walk_network_uses_the_footbridge_both_ways():
    walk = road_network(source=GRID, network_type="walk")
    table = road_distance([XY[n(1, 2)], XY[n(2, 2)]], [XY[n(2, 2)], XY[n(1, 2)]], walk)
    expected = seg(n(1, 2), n(2, 2))
    assert one(table, 0, 0)["road_distance_m"] == pytest.approx(expected, abs=TOL_M)
    assert one(table, 1, 1)["road_distance_m"] == pytest.approx(expected, abs=TOL_M)


# ---------------------------------------------------------------- exact distances


def test_one_way_street_makes_distances_asymmetric(graph):
    table = road_distance([XY[A], XY[B]], [XY[B], XY[A]], graph)
    # A -> B: east on one-way row 1, over the bridge, back west on row 2
    a_to_b = path_m(n(1, 0), n(1, 1), n(2, 1), n(2, 0))
    # B -> A: over the bridge, then row 1 forbids going west: down to row 0 and back up
    b_to_a = path_m(n(2, 0), n(2, 1), n(1, 1), n(0, 1), n(0, 0), n(1, 0))
    ab, ba = one(table, 0, 0), one(table, 1, 1)
    assert ab["road_distance_m"] == pytest.approx(a_to_b, abs=TOL_M)
    assert ba["road_distance_m"] == pytest.approx(b_to_a, abs=TOL_M)
    assert ba["road_distance_m"] - ab["road_distance_m"] > 200
    assert ab["straight_m"] == pytest.approx(seg(A, B), abs=TOL_M)
    assert ab["detour_ratio"] == pytest.approx(a_to_b / seg(A, B), rel=1e-9)
    assert (ab["snap_origin_m"], ab["snap_destination_m"]) == pytest.approx((0, 0), abs=1e-6)
    assert ab["status"] == "ok"
    assert bool(ab["reachable"])
    assert not bool(ab["too_far_from_road"])


def test_travel_time_uses_per_type_speeds(graph):
    table = road_distance([XY[A]], [XY[B]], graph)
    residential = path_m(n(1, 0), n(1, 1)) + path_m(n(2, 1), n(2, 0))
    expected = residential / (30 / 3.6) + seg(n(1, 1), n(2, 1)) / (50 / 3.6)
    assert one(table)["travel_time_s"] == pytest.approx(expected, rel=1e-9)


def test_route_to_the_dead_end_and_no_route_out_of_it(graph):
    table = road_distance([XY[A], XY[900]], [XY[900], XY[A], XY[n(4, 3)]], graph)
    assert len(table) == 6                                   # every pair reported
    expected = path_m(n(1, 0), n(1, 1), n(2, 1), n(3, 1), n(4, 1), n(4, 2), n(4, 3), 900)
    assert one(table, 0, 0)["road_distance_m"] == pytest.approx(expected, abs=TOL_M)
    out = table[table["origin_index"] == 1]
    assert out.loc[out["destination_index"] == 0, "road_distance_m"].item() == 0.0
    stuck = out[out["destination_index"] > 0]
    assert list(stuck["status"]) == ["no_route", "no_route"]
    assert not stuck["reachable"].any()
    assert stuck["road_distance_m"].isna().all()
    assert stuck["travel_time_s"].isna().all()
    assert stuck["straight_m"].notna().all()                 # still measured


def test_multi_source_equals_per_pair_osmnx_shortest_path(graph):
    import osmnx as ox

    nodes = sorted(graph.nodes)
    points = [(graph.nodes[v]["lon"], graph.nodes[v]["lat"]) for v in nodes]
    table = road_distance(points, points, graph)
    got = table["road_distance_m"].to_numpy().reshape(len(nodes), len(nodes))
    unreachable = 0
    for i, u in enumerate(nodes):
        for j, v in enumerate(nodes):
            route = ox.shortest_path(graph, u, v, weight="length")
            if route is None:
                assert math.isnan(got[i, j]), (u, v)
                unreachable += 1
                continue
            length = sum(min(d["length"] for d in graph.get_edge_data(a, b).values())
                         for a, b in itertools.pairwise(route))
            assert got[i, j] == pytest.approx(length, abs=TOL_M), (u, v)
    assert unreachable >= len(nodes) - 1                      # at least: out of the dead end


def test_points_snap_to_edges_not_nodes(graph):
    # 20 m north of the middle of row 0, between columns 0 and 1 (a two-way street)
    mid = (44.4005, 33.300)
    lon, lat, _ = GEOD.fwd(mid[0], mid[1], 0.0, 20.0)
    table = road_distance([(lon, lat)], [XY[n(0, 0)], XY[n(0, 1)]], graph)
    half_block = seg(n(0, 0), n(0, 1)) / 2
    for j in (0, 1):
        row = one(table, 0, j)
        assert row["snap_origin_m"] == pytest.approx(20.0, abs=0.01)
        assert row["road_distance_m"] == pytest.approx(half_block, abs=0.05)


def test_same_edge_respects_one_way(graph):
    east, west = (44.4007, 33.301), (44.4003, 33.301)       # both on one-way row 1
    table = road_distance([west, east], [east, west], graph)
    direct = abs(GEOD.inv(*west, *east)[2])
    assert one(table, 0, 0)["road_distance_m"] == pytest.approx(direct, abs=0.05)
    # going west means leaving row 1 at column 1 and coming back round by row 0
    around = (path_m(n(1, 1), n(0, 1), n(0, 0), n(1, 0))
              + abs(GEOD.inv(*east, *XY[n(1, 1)])[2]) + abs(GEOD.inv(*XY[n(1, 0)], *west)[2]))
    assert one(table, 1, 1)["road_distance_m"] == pytest.approx(around, abs=0.05)


def test_too_far_from_road_is_flagged_not_dropped(graph):
    far = XY[950]                                             # ~9 km from the grid
    table = road_distance([XY[A], far], [far, XY[B]], graph, max_snap="1km")
    assert len(table) == 4
    assert one(table, 0, 0)["status"] == "destination_too_far_from_road"
    assert one(table, 1, 1)["status"] == "origin_too_far_from_road"
    assert one(table, 1, 0)["status"] == "both_too_far_from_road"
    flagged = table[table["too_far_from_road"]]
    assert len(flagged) == 3
    assert flagged["road_distance_m"].isna().all()
    assert not flagged["reachable"].any()
    assert one(table, 1, 1)["snap_origin_m"] > 8000
    # within a looser limit the far point snaps to the nearest edge: the one-way dead end
    loose = road_distance([XY[A], far], [far], graph, max_snap="20km")
    assert one(loose, 0, 0)["status"] == "ok"
    assert one(loose, 0, 0)["road_distance_m"] == pytest.approx(
        path_m(n(1, 0), n(1, 1), n(2, 1), n(3, 1), n(4, 1), n(4, 2), n(4, 3), 900), abs=TOL_M)
    assert one(loose, 1, 0)["road_distance_m"] == 0.0


def test_disconnected_piece_is_no_route_when_retained():
    full = road_network(source=GRID, retain_all=True)
    table = road_distance([XY[A]], [XY[950]], full)
    row = one(table)
    assert row["status"] == "no_route"
    assert row["snap_destination_m"] == pytest.approx(0.0, abs=1e-6)


def test_geodataframe_inputs_keep_ids_and_names(graph):
    import geopandas as gpd
    from shapely import Point

    bases = gpd.GeoDataFrame({"id": ["b1"], "name": ["Camp A"]},
                             geometry=[Point(XY[A])], crs="EPSG:4326")
    events = gpd.GeoDataFrame({"event_id": ["e1", "e2"], "location": ["x", None]},
                              geometry=[Point(XY[B]), Point(XY[n(4, 3)])], crs="EPSG:4326")
    table = road_distance(bases, events.to_crs(32638), graph)
    assert list(table["origin_id"]) == ["b1", "b1"]
    assert list(table["origin_name"]) == ["Camp A", "Camp A"]
    assert list(table["destination_id"]) == ["e1", "e2"]
    assert list(table["destination_name"]) == ["x", None]
    assert one(table)["road_distance_m"] == pytest.approx(
        path_m(n(1, 0), n(1, 1), n(2, 1), n(2, 0)), abs=1e-3)   # CRS round trip


def test_plain_osmnx_graph_is_prepared_on_the_fly():
    import osmnx as ox

    raw = ox.graph_from_xml(GRID)                             # unprojected, not filtered
    raw.remove_edges_from([(u, v, k) for u, v, k, d in raw.edges(keys=True, data=True)
                           if d.get("highway") != "residential" and d.get("highway")
                           != "secondary"])
    table = road_distance([XY[A]], [XY[B]], raw)
    assert one(table)["road_distance_m"] == pytest.approx(
        path_m(n(1, 0), n(1, 1), n(2, 1), n(2, 0)), abs=TOL_M)


# ---------------------------------------------------------------- errors


def test_errors_are_clear(tmp_path):
    with pytest.raises(RoadsError, match="network_type"):
        road_network(source=GRID, network_type="tank")
    with pytest.raises(FileNotFoundError, match=r"nope\.osm"):
        road_network(source=tmp_path / "nope.osm")
    broken = tmp_path / "broken.osm"
    broken.write_text("<osm><node id='1' lat='1' lon='1'>", encoding="utf-8")
    with pytest.raises(RoadsError, match=r"broken\.osm"):
        road_network(source=broken)
    river = tmp_path / "river.osm"
    river.write_text(
        '<osm version="0.6"><node id="1" lat="33.3" lon="44.4"/><node id="2" lat="33.31" '
        'lon="44.4"/><way id="3"><nd ref="1"/><nd ref="2"/><tag k="waterway" v="river"/>'
        "</way></osm>", encoding="utf-8")
    with pytest.raises(RoadsError, match="no 'drive' roads"):
        road_network(source=river)
    with pytest.raises(RoadsError, match="bbox"):
        road_network((44.5, 33.3, 44.4, 33.4), source=GRID)
    with pytest.raises(RoadsError, match="no 'drive' roads in the requested area"):
        road_network((10.0, 10.0, 10.1, 10.1), source=GRID)
    with pytest.raises(RoadsError, match="needs an area"):
        road_network(source="online")
    graph = road_network(source=GRID)
    with pytest.raises(RoadsError, match="origins row 0"):
        road_distance([(33.3, 144.4)], [XY[A]], graph)


def test_empty_inputs_give_empty_table(graph):
    table = road_distance([], [XY[A]], graph)
    assert len(table) == 0
    assert "road_distance_m" in table.columns


# ---------------------------------------------------------------- site features


SITE = (44.40095, 33.30295)                                  # inside HQ and the camp


def test_site_features_within_geodesic_radius():
    gdf = site_features(SITE, "70 m", source=GRID)
    assert gdf.crs.to_epsg() == 4326
    names = list(gdf["name"])
    assert names[:2] == ["Camp Grid", "HQ Building"]          # containing the site: 0 m
    assert list(gdf["distance_m"][:2]) == [0.0, 0.0]
    gate = gdf[gdf["name"] == "North Gate"].iloc[0]
    assert gate["kind"] == "barrier=gate"
    assert gate["element"] == "node"
    assert gate["osm_id"] == 820
    assert gate["distance_m"] == pytest.approx(abs(GEOD.inv(*SITE, *XY[820])[2]), abs=0.01)
    assert (gdf["distance_m"] <= 70).all()
    assert gdf["distance_m"].is_monotonic_increasing
    assert "Test River" not in names                          # not a queried tag
    assert set(gdf["source"]) == {"© OpenStreetMap contributors (ODbL); extract grid.osm"}
    # a wider radius reaches more streets, never fewer
    wide = site_features(SITE, "200 m", source=GRID)
    assert set(names) < set(wide["name"])


def test_site_features_tag_filter_and_other_tags():
    gdf = site_features(SITE, "2km", source=GRID, tags={"landuse": "military"})
    assert list(gdf["name"]) == ["Camp Grid"]
    assert list(gdf["landuse"]) == ["military"]
    bridges = site_features(SITE, "2km", source=GRID, tags={"highway": ["secondary"]})
    assert list(bridges["name"]) == ["One Bridge"]
    assert json.loads(bridges["other_tags"].iloc[0]) == {"bridge": "yes", "layer": "1",
                                                         "maxspeed": "50"}


def test_site_features_nothing_near_gives_empty_frame():
    gdf = site_features((44.45, 33.35), "100 m", source=GRID)
    assert len(gdf) == 0
    assert {"name", "kind", "distance_m", "geometry"} <= set(gdf.columns)


def test_site_by_deployment_name(tmp_path):
    from geoconflict.datasets import load_dataset

    bases = load_dataset("deployments")
    row = bases[bases["name"] == "Tower 22"].iloc[0]
    lon, lat = row.geometry.x, row.geometry.y
    osm = tmp_path / "t22.osm"
    d = 0.0005
    corners = [(lon - d, lat - d), (lon + d, lat - d), (lon + d, lat + d), (lon - d, lat + d)]
    nodes = "".join(f'<node id="{i + 1}" lat="{y}" lon="{x}"/>' for i, (x, y) in
                    enumerate(corners))
    osm.write_text(f'<osm version="0.6">{nodes}<way id="9"><nd ref="1"/><nd ref="2"/>'
                   '<nd ref="3"/><nd ref="4"/><nd ref="1"/><tag k="landuse" v="military"/>'
                   "</way></osm>", encoding="utf-8")
    gdf = site_features("tower 22", "1km", source=osm)
    assert list(gdf["kind"]) == ["landuse=military"]
    assert list(gdf["name"]) == ["landuse=military"]          # untagged: readable label
    assert gdf["distance_m"].iloc[0] == 0.0
    assert gdf["site"].iloc[0] == "Tower 22"
    with pytest.raises(RoadsError, match="no deployment named 'Tower 222'"):
        site_features("Tower 222", "1km", source=osm)


def test_site_features_errors():
    with pytest.raises(RoadsError, match="radius"):
        site_features(SITE, 0, source=GRID)
    with pytest.raises(RoadsError, match="site"):
        site_features((200.0, 95.0), "1km", source=GRID)


def test_features_are_a_map_layer_with_readable_popups():
    gdf = site_features(SITE, "150 m", source=GRID)
    assert gdf["name"].notna().all()
    assert gdf["kind"].notna().all()
    assert np.isfinite(gdf["distance_m"]).all()
    assert gdf.geometry.is_valid.all()


def test_features_render_as_a_conflict_map_layer():
    pytest.importorskip("geoconflict.webmap")
    from geoconflict.webmap._map import conflict_map

    gdf = site_features(SITE, "70 m", source=GRID)
    html = conflict_map(layers={"OSM features": gdf}).to_html()
    for name in ("OSM features", "Camp Grid", "HQ Building", "North Gate", "barrier=gate"):
        assert name in html


def _write_osm(path: Path, nodes: dict[int, tuple[float, float]],
               ways: list[tuple[list[int], dict[str, str]]]) -> Path:
    parts = ['<osm version="0.6">']
    parts += [f'<node id="{i}" lat="{lat}" lon="{lon}"/>' for i, (lon, lat) in nodes.items()]
    for k, (refs, tags) in enumerate(ways, start=1):
        parts.append(f'<way id="{k}">' + "".join(f'<nd ref="{r}"/>' for r in refs)
                     + "".join(f'<tag k="{a}" v="{b}"/>' for a, b in tags.items()) + "</way>")
    path.write_text("".join(parts) + "</osm>", encoding="utf-8")
    return path


def test_oneway_minus_one_and_quickest_route_differs_from_shortest(tmp_path):
    # X --residential, 30 km/h--> Y directly; or X -> Z -> Y on a motorway at 100 km/h
    # (longer but quicker). W -> X is "oneway=-1": drawn W->X, drivable only X->W.
    nodes = {1: (44.0, 33.0), 2: (44.003, 33.0), 3: (44.0015, 33.002), 4: (43.999, 33.0)}
    osm = _write_osm(tmp_path / "two.osm", nodes, [
        ([1, 2], {"highway": "residential"}),
        ([1, 3, 2], {"highway": "motorway"}),
        ([4, 1], {"highway": "residential", "oneway": "-1"}),
    ])
    graph = road_network(source=osm, simplify=False)
    x, y, w = nodes[1], nodes[2], nodes[4]
    table = road_distance([x, x, w], [y, w, x], graph)
    direct = abs(GEOD.inv(*x, *y)[2])
    via = abs(GEOD.inv(*x, *nodes[3])[2]) + abs(GEOD.inv(*nodes[3], *y)[2])
    row = one(table, 0, 0)
    assert row["road_distance_m"] == pytest.approx(direct, abs=TOL_M)   # shortest: direct
    assert row["travel_time_s"] == pytest.approx(via / (100 / 3.6), rel=1e-9)  # quickest: motorway
    assert via / (100 / 3.6) < direct / (30 / 3.6)
    assert one(table, 1, 1)["road_distance_m"] == pytest.approx(abs(GEOD.inv(*x, *w)[2]),
                                                                abs=TOL_M)
    assert one(table, 2, 2)["status"] == "no_route"                     # W -> X forbidden


def test_rows_without_location_are_kept_with_null_routes() -> None:
    import warnings

    import geopandas as gpd
    import shapely

    from geoconflict.errors import MissingGeometryWarning

    graph = road_network(source=GRID)
    nodes = list(graph.nodes(data=True))
    lon, lat = nodes[0][1]["lon"], nodes[0][1]["lat"]
    origins = gpd.GeoDataFrame({"id": ["a", "b"]},
                               geometry=[shapely.Point(lon, lat), None], crs=4326)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        table = road_distance(origins, [(lon, lat)], graph)
    assert any(issubclass(w.category, MissingGeometryWarning) for w in caught)
    assert table["status"].tolist() == ["ok", "no_location"]
    assert table["road_distance_m"].iloc[0] == pytest.approx(0.0, abs=1.0)
    assert np.isnan(table["road_distance_m"].iloc[1])
    assert not table["reachable"].iloc[1]
