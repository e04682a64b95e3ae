"""The opt-in Nominatim provider, against a fake HTTP server on 127.0.0.1 only."""

from __future__ import annotations

import itertools
import json
import shutil
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from support import LoopbackServer

from geoconflict.errors import ProviderError
from geoconflict.geocoder._geocoder import Geocoder, ProviderWarning
from geoconflict.geocoder._nominatim import Nominatim

AKASHAT = [{
    "place_id": 1, "osm_type": "node", "osm_id": 123, "lat": "33.8", "lon": "40.6",
    "name": "Akashat", "display_name": "Akashat, Al Anbar, Iraq", "addresstype": "town",
    "importance": 0.41, "boundingbox": ["33.78", "33.82", "40.57", "40.63"],
    "address": {"country_code": "iq"},
    "geojson": {"type": "Polygon", "coordinates": [[[40.57, 33.78], [40.63, 33.78],
                                                     [40.63, 33.82], [40.57, 33.78]]]},
}]


class FakeNominatim(LoopbackServer):
    """A scripted server: each request pops the next (status, body, delay_s, headers)."""

    def __init__(self) -> None:
        self.script: list[tuple[int, str, float, dict[str, str]]] = []
        self.default: tuple[int, str, float, dict[str, str]] = (200, json.dumps(AKASHAT), 0, {})
        self.requests: list[dict[str, Any]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                fake.requests.append({"t": time.monotonic(), "path": self.path,
                                      "ua": self.headers.get("User-Agent")})
                status, body, delay, headers = fake.script.pop(0) if fake.script \
                    else fake.default
                if delay:
                    time.sleep(delay)
                try:
                    self.send_response(status)
                    for k, v in headers.items():
                        self.send_header(k, v)
                    self.send_header("Content-Type", "application/json")
                    self.end_headers()
                    self.wfile.write(body.encode())
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args: Any) -> None:
                pass

        super().__init__(Handler)


@pytest.fixture
def fake() -> Iterator[FakeNominatim]:
    server = FakeNominatim()
    yield server
    server.close()


def client(fake: FakeNominatim, tmp_path: Path, **kw: Any) -> Nominatim:
    options: dict[str, Any] = {"user_agent": "geoconflict-tests/1.0", "min_interval_s": 0.0,
                               "cache_dir": tmp_path / "nominatim", "timeout_s": 2.0,
                               "retries": 2, "backoff_s": 0.05}
    options.update(kw)
    return Nominatim(fake.url, **options)


def test_success_record_and_request(fake: FakeNominatim, tmp_path: Path) -> None:
    rec = client(fake, tmp_path).lookup("Akashat", countries=["IRQ"])
    assert rec is not None
    assert rec["provider"] == "nominatim"
    assert rec["geometry"] == {"type": "Point", "coordinates": [40.6, 33.8]}
    assert (rec["country"], rec["geo_precision"], rec["kind"]) == ("IRQ", 1, "town")
    assert 2_000 < rec["uncertainty_m"] < 5_000  # half the bbox diagonal, geodesic
    assert rec["source_id"] == "nominatim:node/123"
    assert "OpenStreetMap" in rec["notes"]
    (request,) = fake.requests
    assert request["ua"] == "geoconflict-tests/1.0"
    params = parse_qs(urlparse(request["path"]).query)
    assert params["q"] == ["Akashat"]
    assert params["countrycodes"] == ["iq"]
    assert params["format"] == ["jsonv2"]


def test_cache_hit_makes_no_request(fake: FakeNominatim, tmp_path: Path) -> None:
    first = client(fake, tmp_path).lookup("Akashat")
    again = client(fake, tmp_path).lookup("Akashat")  # a new client, same cache folder
    assert again == first
    assert len(fake.requests) == 1
    assert list((tmp_path / "nominatim").glob("*.json"))


def test_429_then_success_is_retried_with_backoff(fake: FakeNominatim, tmp_path: Path) -> None:
    fake.script = [(429, "slow down", 0, {}), (503, "busy", 0, {})]
    rec = client(fake, tmp_path, backoff_s=0.2).lookup("Akashat")
    assert rec is not None
    times = [r["t"] for r in fake.requests]
    assert len(times) == 3
    # server-side stamps jitter with thread scheduling: 70 ms of slack per gap
    assert times[1] - times[0] >= 0.13
    assert times[2] - times[1] >= 0.33  # doubled


def test_server_error_gives_up_after_retries(fake: FakeNominatim, tmp_path: Path) -> None:
    fake.default = (500, "oops", 0, {})
    with pytest.raises(ProviderError, match="HTTP 500 after 3 attempts"):
        client(fake, tmp_path).lookup("Akashat")
    assert len(fake.requests) == 3


def test_timeout_is_retried_then_reported(fake: FakeNominatim, tmp_path: Path) -> None:
    fake.default = (200, json.dumps(AKASHAT), 0.6, {})
    with pytest.raises(ProviderError, match="timed out"):
        client(fake, tmp_path, timeout_s=0.2, retries=1).lookup("Akashat")
    assert len(fake.requests) == 2


def test_bad_json_and_wrong_shape(fake: FakeNominatim, tmp_path: Path) -> None:
    fake.script = [(200, "{not json", 0, {}), (200, '{"error": "x"}', 0, {})]
    nominatim = client(fake, tmp_path)
    with pytest.raises(ProviderError, match="malformed JSON"):
        nominatim.lookup("Akashat")
    with pytest.raises(ProviderError, match="expected a list"):
        nominatim.lookup("Akashat")
    assert not list((tmp_path / "nominatim").glob("*.json"))  # failures are not cached


def test_empty_and_malformed_items(fake: FakeNominatim, tmp_path: Path) -> None:
    fake.script = [(200, "[]", 0, {}), (200, '[{"lat": "x"}, {"lat": "95", "lon": "1"}]', 0, {})]
    nominatim = client(fake, tmp_path)
    assert nominatim.lookup("Nowhere") is None
    assert nominatim.lookup("Broken") is None


def test_client_error_is_not_retried(fake: FakeNominatim, tmp_path: Path) -> None:
    fake.default = (403, "blocked", 0, {})
    with pytest.raises(ProviderError, match="HTTP 403"):
        client(fake, tmp_path).lookup("Akashat")
    assert len(fake.requests) == 1


def test_rate_limit_spacing(fake: FakeNominatim, tmp_path: Path) -> None:
    nominatim = client(fake, tmp_path, min_interval_s=0.25)
    for name in ("A1", "A2", "A3", "A4"):
        nominatim.lookup(name)
    times = [r["t"] for r in fake.requests]
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert len(times) == 4
    # Server-side stamps jitter with thread scheduling on a loaded machine: allow 70 ms
    # per gap, but the whole run cannot be shorter than the three enforced intervals.
    assert min(gaps) >= 0.18, gaps
    assert times[-1] - times[0] >= 0.74, gaps


def test_polygon_outline(fake: FakeNominatim, tmp_path: Path) -> None:
    rec = client(fake, tmp_path, polygon=True).lookup("Akashat")
    assert rec is not None
    assert rec["geometry"]["type"] == "Polygon"
    assert "polygon_geojson=1" in fake.requests[0]["path"]


def test_geocoder_falls_back_to_offline_with_warning(fake: FakeNominatim,
                                                      tmp_path: Path) -> None:
    fake.default = (500, "down", 0, {})
    coder = Geocoder(("nominatim", "gazetteer"), nominatim={
        "base_url": fake.url, "cache_dir": tmp_path, "min_interval_s": 0, "retries": 1,
        "backoff_s": 0.01})
    with pytest.warns(ProviderWarning, match="using the offline answer"):
        rec = coder.lookup("Tower 22")
    assert (rec["provider"], rec["name"]) == ("gazetteer", "Tower 22")


def test_geocoder_offline_first_asks_online_only_for_misses(fake: FakeNominatim,
                                                           tmp_path: Path) -> None:
    coder = Geocoder(("gazetteer", "nominatim"), nominatim={
        "base_url": fake.url, "cache_dir": tmp_path, "min_interval_s": 0})
    gdf = coder.geocode(["Tower 22", "Akashat"])
    assert list(gdf["provider"]) == ["gazetteer", "nominatim"]
    assert len(fake.requests) == 1
    assert gdf.geometry.iloc[1].x == pytest.approx(40.6)


def test_cli_online(fake: FakeNominatim, tmp_path: Path, run_cli: Any) -> None:
    # A private cache folder (seeded with the built gazetteer) keeps the user's clean.
    from geoconflict.geocoder._gazetteer import _index_path, _load_base

    _load_base()
    cache = tmp_path / "cache"
    cache.mkdir()
    shutil.copy(_index_path(), cache / _index_path().name)
    proc = run_cli("geocode", "--online", "--nominatim-url", fake.url, "--user-agent",
                   "geoconflict-cli-test", "Akashat", "Tower 22",
                   env={"GEOCONFLICT_CACHE_DIR": str(cache)})
    features = json.loads(proc.stdout)["features"]
    assert [f["properties"]["provider"] for f in features] == ["nominatim", "gazetteer"]
    assert fake.requests[0]["ua"] == "geoconflict-cli-test"
    assert list((cache / "nominatim").glob("*.json"))
