"""Write ``grid.osm``: a small synthetic street grid for the roads tests.

Run ``python tests/data/roads/make_grid.py`` to regenerate; the output is committed.

Layout (lon 44.400..44.403 east, lat 33.300..33.304 north; node id = 100 + 10*row + col)::

    row 4   140 -- 141 -- 142 -- 143 >> 900      row 4: two-way; 143 -> 900 one-way dead end
             |      |      |      |
    row 3   130 -- 131 -- 132 -- 133
             |      |      |      |
    row 2   120 -- 121 -- 122 -- 123
    ~~~~~~~~~~~~~ river ~~|~~~~~~~:~~~~~~~~~~   bridge (secondary, maxspeed 50) at column 1;
    row 1   110 >> 111 >> 112 >> 113            a footway (not drivable) at column 2;
             |      |      |      |             row 1 is one-way eastbound
    row 0   100 -- 101 -- 102 -- 103

Everything else is ``highway=residential``. A separate two-node road 0.1 deg east (nodes
950, 951) is not connected to the grid. Features: a military land-use polygon "Camp
Grid", a building "HQ Building", a gate node "North Gate" and the river "Test River".
"""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import quoteattr

LON0, LAT0, STEP = 44.400, 33.300, 0.001


def node_xy(row: int, col: int) -> tuple[float, float]:
    return round(LON0 + col * STEP, 7), round(LAT0 + row * STEP, 7)


def build() -> str:
    nodes: dict[int, tuple[float, float, dict[str, str]]] = {}
    for row in range(5):
        for col in range(4):
            lon, lat = node_xy(row, col)
            nodes[100 + 10 * row + col] = (lon, lat, {})
    nodes[900] = (44.404, 33.304, {})                      # dead end east of 143
    nodes[950] = (44.500, 33.302, {})                      # isolated road, ~9.3 km east
    nodes[951] = (44.501, 33.302, {})
    nodes[700] = (44.3995, 33.3015, {})                    # river
    nodes[701] = (44.4035, 33.3015, {})
    camp = [(44.4005, 33.3025), (44.4015, 33.3025), (44.4015, 33.3035), (44.4005, 33.3035)]
    for i, (lon, lat) in enumerate(camp):
        nodes[800 + i] = (lon, lat, {})
    hq = [(44.4008, 33.3028), (44.4011, 33.3028), (44.4011, 33.3031), (44.4008, 33.3031)]
    for i, (lon, lat) in enumerate(hq):
        nodes[810 + i] = (lon, lat, {})
    nodes[820] = (44.4010, 33.3035, {"barrier": "gate", "name": "North Gate"})

    res = {"highway": "residential"}
    ways: list[tuple[int, list[int], dict[str, str]]] = []
    wid = 1000
    for row in range(5):
        tags = dict(res, name=f"Row {row} Street")
        if row == 1:
            tags["oneway"] = "yes"
        ways.append((wid, [100 + 10 * row + c for c in range(4)], tags))
        wid += 1
    for col in range(4):
        ways.append((wid, [100 + col, 110 + col], dict(res, name=f"Col {col} South")))
        ways.append((wid + 1, [120 + col, 130 + col, 140 + col], dict(res, name=f"Col {col} North")))
        wid += 2
    ways.append((2000, [111, 121], {"highway": "secondary", "bridge": "yes", "layer": "1",
                                    "maxspeed": "50", "name": "One Bridge"}))
    ways.append((2001, [112, 122], {"highway": "footway", "bridge": "yes", "name": "Foot Bridge"}))
    ways.append((2002, [143, 900], dict(res, oneway="yes", name="Dead End")))
    ways.append((2003, [950, 951], dict(res, name="Far Road")))
    ways.append((3000, [700, 701], {"waterway": "river", "name": "Test River"}))
    ways.append((3001, [800, 801, 802, 803, 800], {"landuse": "military", "name": "Camp Grid"}))
    ways.append((3002, [810, 811, 812, 813, 810], {"building": "yes", "name": "HQ Building"}))

    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<osm version="0.6" generator="geoconflict tests/data/roads/make_grid.py">',
           '  <bounds minlat="33.299" minlon="44.399" maxlat="33.305" maxlon="44.502"/>']
    for nid, (lon, lat, tags) in sorted(nodes.items()):
        if tags:
            out.append(f'  <node id="{nid}" version="1" lat="{lat}" lon="{lon}">')
            out += [f"    <tag k={quoteattr(k)} v={quoteattr(v)}/>" for k, v in tags.items()]
            out.append("  </node>")
        else:
            out.append(f'  <node id="{nid}" version="1" lat="{lat}" lon="{lon}"/>')
    for wid, refs, tags in ways:
        out.append(f'  <way id="{wid}" version="1">')
        out += [f'    <nd ref="{ref}"/>' for ref in refs]
        out += [f"    <tag k={quoteattr(k)} v={quoteattr(v)}/>" for k, v in tags.items()]
        out.append("  </way>")
    out.append("</osm>")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    Path(__file__).with_name("grid.osm").write_text(build(), encoding="utf-8")
