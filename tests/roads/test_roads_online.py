"""The opt-in Overpass path, against a fake Overpass server on 127.0.0.1 (no internet).

The fake server answers ``/api/status`` like Overpass (a free slot) and ``/api/interpreter``
with scripted replies: the grid of tests/data/roads/grid.osm as Overpass JSON (roads only
for network queries, everything for feature queries), 429, 500 or malformed JSON.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import parse_qs

import pytest
from support import TEST_DATA, LoopbackServer

from geoconflict.errors import ProviderError, RoadsError
from geoconflict.roads._network import OverpassOptions, road_distance, road_network, site_features

GRID = TEST_DATA / "roads" / "grid.osm"
BBOX = (44.399, 33.299, 44.405, 33.305)
STATUS = ("Connected as: 1\nCurrent time: 2026-01-01T00:00:00Z\nAnnounced endpoint: none\n"
          "Rate limit: 2\n2 slots available now.\nCurrently running queries:\n")


def overpass_json(roads_only: bool) -> dict[str, Any]:
    """grid.osm as an Overpass JSON answer (independent of osmnx's own converter)."""
    root = ET.parse(GRID).getroot()
    ways = []
    for way in root.iter("way"):
        tags = {t.get("k"): t.get("v") for t in way.iter("tag")}
        if roads_only and "highway" not in tags:
            continue
        ways.append({"type": "way", "id": int(way.get("id")),
                     "nodes": [int(nd.get("ref")) for nd in way.iter("nd")], "tags": tags})
    used = {ref for w in ways for ref in w["nodes"]}
    nodes = []
    for node in root.iter("node"):
        tags = {t.get("k"): t.get("v") for t in node.iter("tag")}
        if roads_only and int(node.get("id")) not in used:
            continue
        element = {"type": "node", "id": int(node.get("id")), "lat": float(node.get("lat")),
                   "lon": float(node.get("lon"))}
        if tags:
            element["tags"] = tags
        nodes.append(element)
    return {"version": 0.6, "generator": "fake overpass", "elements": nodes + ways}


class FakeOverpass(LoopbackServer):
    """Scripted replies: each POST takes the next item of ``script`` (the last repeats)."""

    def __init__(self) -> None:
        self.script: list[str] = ["ok"]
        self.queries: list[str] = []
        self.status_calls = 0
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _send(self, code: int, body: bytes, kind: str) -> None:
                self.send_response(code)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                if self.path.startswith("/api/status"):
                    fake.status_calls += 1
                    self._send(200, STATUS.encode(), "text/plain")
                else:
                    self._send(404, b"not found", "text/plain")

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                form = parse_qs(self.rfile.read(length).decode())
                query = form.get("data", [""])[0]
                fake.queries.append(query)
                step = fake.script.pop(0) if len(fake.script) > 1 else fake.script[0]
                if step == "429":
                    self._send(429, b"rate limited", "text/plain")
                elif step == "500":
                    self._send(500, b"internal error", "text/plain")
                elif step == "bad":
                    self._send(200, b'{"elements": [', "application/json")
                else:
                    import json

                    roads = 'way["highway"]["area"' in query
                    body = json.dumps(overpass_json(roads_only=roads)).encode()
                    self._send(200, body, "application/json")

        super().__init__(Handler, "/api")


@pytest.fixture
def fake() -> Iterator[FakeOverpass]:
    server = FakeOverpass()
    yield server
    server.close()


@pytest.fixture
def opts(fake: FakeOverpass, tmp_path: Path) -> OverpassOptions:
    return OverpassOptions(url=fake.url, timeout_s=10, cache_folder=tmp_path / "cache",
                           retries=2, backoff_s=0.01, min_interval_s=0.0)


def test_online_network_matches_offline_and_is_cached(fake, opts):
    import osmnx as ox

    before = (ox.settings.overpass_url, ox.settings.cache_folder, ox.settings.use_cache)
    online = road_network(BBOX, source="online", overpass=opts)
    assert len(fake.queries) == 1
    assert 'way["highway"]' in fake.queries[0]                # osmnx's drive filter was sent
    assert '"footway' not in fake.queries[0] or "footway|" in fake.queries[0]
    assert fake.status_calls == 1                              # asked for a slot first
    assert list(opts.cache_folder.glob("*.json"))              # response cached on disk
    # the settings were applied for the call only
    assert (ox.settings.overpass_url, ox.settings.cache_folder, ox.settings.use_cache) == before
    offline = road_network(BBOX, source=GRID)
    pts = [(44.400, 33.301), (44.400, 33.302)]
    a = road_distance(pts, pts, online)["road_distance_m"].to_numpy()
    b = road_distance(pts, pts, offline)["road_distance_m"].to_numpy()
    assert a == pytest.approx(b, abs=1e-6)
    assert a[1] == pytest.approx(297.177975, abs=1e-5)
    again = road_network(BBOX, source="online", overpass=opts)
    assert len(fake.queries) == 1                              # served from the cache
    assert again.number_of_edges() == online.number_of_edges()


def test_online_429_waits_then_succeeds(fake, opts, monkeypatch):
    import osmnx._overpass

    pauses: list[float] = []
    # osmnx waits 55 s after a 429, as Overpass asks; record the pause instead of sleeping
    monkeypatch.setattr(osmnx._overpass, "time", SimpleNamespace(sleep=pauses.append))
    fake.script = ["429", "ok"]
    graph = road_network(BBOX, source="online", overpass=opts)
    assert len(fake.queries) == 2
    assert 55 in pauses
    assert graph.number_of_nodes() > 10


def test_online_500_then_success_is_retried(fake, opts):
    fake.script = ["500", "ok"]
    graph = road_network(BBOX, source="online", overpass=opts)
    assert len(fake.queries) == 2
    assert graph.number_of_nodes() > 10


def test_online_500_gives_up_with_a_clear_error(fake, opts):
    fake.script = ["500"]
    with pytest.raises(ProviderError, match=r"failed for 'drive' road network after 3 "
                                            r"attempt\(s\).*500"):
        road_network(BBOX, source="online", overpass=opts)
    assert len(fake.queries) == 3
    assert not list(opts.cache_folder.glob("*.json"))          # failures are not cached


def test_online_bad_json_is_a_clear_error(fake, opts):
    fake.script = ["bad"]
    with pytest.raises(ProviderError, match="malformed JSON"):
        road_network(BBOX, source="online", overpass=opts)
    assert len(fake.queries) == 1                              # not retried: it would repeat


def test_online_unreachable_server(tmp_path):
    import socket

    with socket.socket() as sock:                               # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    opts = OverpassOptions(url=f"http://127.0.0.1:{port}/api", timeout_s=2,
                           cache_folder=tmp_path, retries=1, backoff_s=0.01,
                           rate_limit=False, min_interval_s=0.0)
    with pytest.raises(ProviderError, match=r"after 2 attempt\(s\): ConnectionError"):
        road_network(BBOX, source="online", overpass=opts)


def test_online_site_features(fake, opts):
    gdf = site_features((44.40095, 33.30295), "70 m", source="online", overpass=opts)
    assert len(fake.queries) == 1
    assert "['landuse'='military']" in fake.queries[0]
    assert list(gdf["name"][:2]) == ["Camp Grid", "HQ Building"]
    assert "North Gate" in set(gdf["name"])
    assert (gdf["distance_m"] <= 70).all()
    assert set(gdf["source"]) == {"© OpenStreetMap contributors (ODbL) via Overpass"}


def test_online_features_500_is_a_provider_error(fake, opts):
    fake.script = ["500"]
    with pytest.raises(ProviderError, match="OSM features"):
        site_features((44.40095, 33.30295), "70 m", source="online", overpass=opts)


def test_online_network_needs_an_area(opts):
    with pytest.raises(RoadsError, match="needs an area"):
        road_network(source="online", overpass=opts)
