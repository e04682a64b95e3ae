"""Maps in a real headless Chromium (Debian's), with every network request blocked.

Asserts that no request leaves the page, the map draws the expected features, the time
slider changes the visible set, the measure tool is geodesic, two fragments share a
page, and that a corpus of injection payloads through every text field never runs.
"""

from __future__ import annotations

import struct
import warnings
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point, Polygon
from support import ROOT, offline

import geoconflict as gc
from geoconflict.webmap._spec import render_map_spec

pytestmark = pytest.mark.browser

READY = ("() => window.GeoconflictMap && Object.keys(GeoconflictMap.maps).length >= {n} && "
         "Object.values(GeoconflictMap.maps).every(s => s.paintedAt)")


@dataclass
class Loaded:
    page: Any
    url: str
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    @property
    def external(self) -> list[str]:
        return [r for r in self.requests if r != self.url]

    def state(self, expr: str, index: int = 0) -> Any:
        return self.page.evaluate(
            f"() => {{ const s = Object.values(GeoconflictMap.maps)[{index}]; return {expr}; }}")


def load(browser: Any, html_path: Path, *, maps: int = 1, init: str | None = None) -> Loaded:
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    url = html_path.resolve().as_uri()
    loaded = Loaded(page, url)
    offline(page, url, loaded.requests)
    page.on("console", lambda m: loaded.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: loaded.errors.append(str(e)))

    def on_dialog(d: Any) -> None:
        loaded.dialogs.append(d.message)
        d.dismiss()

    page.on("dialog", on_dialog)
    if init:
        page.add_init_script(init)
    page.goto(url)
    page.wait_for_function(READY.replace("{n}", str(maps)), timeout=60_000)
    return loaded


@pytest.fixture(scope="module")
def scenario(browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Loaded]:
    path = tmp_path_factory.mktemp("webmap") / "scenario.html"
    render_map_spec(ROOT / "maps" / "scenario.yml").save(path)
    loaded = load(browser, path)
    yield loaded
    loaded.page.close()


def png_std(png: bytes) -> float:
    """Standard deviation of the pixel values of a PNG (rasterio reads PNG via GDAL)."""
    import rasterio
    from rasterio.errors import NotGeoreferencedWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NotGeoreferencedWarning)
        with rasterio.MemoryFile(png) as mem, mem.open() as ds:
            return float(ds.read().astype(float).std())


def test_offline_scenario_draws_everything(scenario: Loaded, output_dir: Path) -> None:
    assert scenario.external == []
    assert scenario.errors == []
    page = scenario.page
    assert page.locator(".leaflet-container").count() == 1
    assert scenario.state("s.countDrawn()") == 12
    assert page.locator(".gc-deployment").count() == len(gc.load_dataset("deployments"))
    assert page.locator("path.gc-ring").count() == 4          # 2 bases x 25, 50 km
    assert page.locator("path.gc-lanes").count() >= 1
    assert page.locator("path.gc-country").count() > 20       # offline outlines
    legend = page.locator(".gc-legend").inner_text()
    assert "Explosions/Remote violence" in legend
    assert "Deployments" in legend
    assert page.locator(".gc-title-main").inner_text().startswith("US deployments")
    for control in (".leaflet-control-scale", ".gc-measure-control", ".gc-fullscreen-control",
                    ".leaflet-control-layers", ".gc-timeline"):
        assert page.locator(control).count() == 1, control
    # fullscreen: the Fullscreen API, or the CSS fallback where the browser refuses it
    page.locator(".gc-fullscreen-control a").click()
    page.wait_for_timeout(300)
    assert page.evaluate("() => !!document.fullscreenElement || document.querySelector("
                         "'.leaflet-container').classList.contains('gc-fullscreen')")
    page.locator(".gc-fullscreen-control a").click()
    page.wait_for_timeout(300)
    assert not page.evaluate("() => !!document.fullscreenElement || document.querySelector("
                             "'.leaflet-container').classList.contains('gc-fullscreen')")
    png = page.screenshot()
    (output_dir / "webmap_scenario.png").write_bytes(png)
    assert png_std(png) > 10, "screenshot looks blank"


def test_time_slider_changes_visible_set(scenario: Loaded) -> None:
    page = scenario.page
    slider = ".gc-timeline input"
    page.eval_on_selector(slider, "el => { el.value = '0'; el.dispatchEvent(new Event('input')); }")
    assert "1 of 12 incidents" in page.locator(".gc-timeline-label").inner_text()
    assert scenario.state("s.countDrawn()") == 1
    # 2024-02-02: 9 incidents by then (the 4 Jan strike, 3 ships, Tower 22, 5 strikes)
    days = scenario.state("s.spec.incidents.days")
    k = days.index((pd.Timestamp("2024-02-02") - pd.Timestamp("2024-01-04")).days)
    page.eval_on_selector(slider, f"el => {{ el.value = '{k}'; el.dispatchEvent(new Event('input')); }}")
    assert "Up to 2024-02-02: 10 of 12" in page.locator(".gc-timeline-label").inner_text()
    assert scenario.state("s.countDrawn()") == 10
    page.eval_on_selector(slider, "el => { el.value = el.max; el.dispatchEvent(new Event('input')); }")
    assert scenario.state("s.countDrawn()") == 12
    assert scenario.errors == []


def test_popup_and_tooltip_content(scenario: Loaded) -> None:
    page = scenario.page
    i = scenario.state("s.spec.incidents.day.indexOf(Math.max(...s.spec.incidents.day))")
    scenario.state(f"s.openPopup({i})")
    popup = page.locator(".leaflet-popup-content").inner_text()
    assert "2024-02-18" in popup
    for label in ("Date", "Actors", "Fatalities", "Location", "Precision", "Source", "Link"):
        assert label in popup
    assert page.locator(".leaflet-popup-content a[href^='https://']").count() == 1
    tip = scenario.state(f"s.tooltipFor({i}).textContent")
    assert tip.startswith("2024-02-18")
    page.evaluate("() => { Object.values(GeoconflictMap.maps)[0].map.closePopup(); }")


def test_measure_tool_is_geodesic(scenario: Loaded) -> None:
    from pyproj import Geod

    page = scenario.page
    page.locator(".gc-measure-control a").click()
    scenario.state("(s.measure.add(33.31417, 38.70333), s.measure.add(33.5, 38.62), 0)")
    metres = float(page.locator(".gc-measure-readout").get_attribute("data-metres"))
    _, _, expected = Geod(ellps="WGS84").inv(38.70333, 33.31417, 38.62, 33.5)
    assert metres == pytest.approx(expected, abs=0.01)
    assert "km" in page.locator(".gc-measure-readout").inner_text()
    page.locator(".gc-measure-control a").click()


# -- injection corpus -------------------------------------------------------------------

PAYLOADS = [
    "<script>window.__pwned=1</script>",
    "<img src=x onerror=window.__pwned=1>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=window.__pwned=1>",
    "<svg><script>window.__pwned=1</script></svg>",
    "\"><img src=x onerror=window.__pwned=1>",
    "'><img src=x onerror=window.__pwned=1>",
    "</script><script>window.__pwned=1</script>",
    "</SCRIPT ><SCRIPT>window.__pwned=1</SCRIPT>",
    "${window.__pwned=1}",
    "`;window.__pwned=1;`",
    "`${window.__pwned=1}`",
    "';window.__pwned=1;//",
    "\";window.__pwned=1;//",
    "\\\";window.__pwned=1;//",
    "\\u0027;window.__pwned=1;//",
    "a\u2028window.__pwned=1",
    "b\u2029window.__pwned=1//",
    "<!--<script>window.__pwned=1</script>-->",
    "<iframe src=\"javascript:window.top.__pwned=1\"></iframe>",
    "<a href=\"javascript:window.__pwned=1\">click</a>",
    "javascript:window.__pwned=1",
    "<body onload=window.__pwned=1>",
    "<details open ontoggle=window.__pwned=1>",
    "<input autofocus onfocus=window.__pwned=1>",
    "<video><source onerror=window.__pwned=1></video>",
    "<object data=\"javascript:window.__pwned=1\"></object>",
    "<style>@import 'http://evil.invalid/x.css';</style>",
    "<link rel=stylesheet href=http://evil.invalid/x.css>",
    "<img src=http://evil.invalid/beacon.png>",
    "{{constructor.constructor('window.__pwned=1')()}}",
    "<scr<script>ipt>window.__pwned=1</scr</script>ipt>",
    "</style><script>window.__pwned=1</script>",
    "</textarea><script>window.__pwned=1</script>",
    "&lt;img src=x onerror=window.__pwned=1&gt;",
    "<math><mi xlink:href=\"javascript:window.__pwned=1\">x</mi></math>",
]


def tiny_png() -> bytes:
    """A valid 2x2 RGBA PNG, written by hand (no imaging library needed)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    raw = b"".join(b"\x00" + b"\xff\x00\x00\x80" * 2 for _ in range(2))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 6, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


@dataclass
class Overlay:
    name: str
    legend: dict[str, str]
    image_png: bytes = field(default_factory=tiny_png)
    bounds: tuple = ((30.0, 40.0), (31.0, 41.0))
    opacity: float = 0.5


def hostile_map(n_layers: int = 6) -> gc.webmap.ConflictMap:
    n = len(PAYLOADS)

    def rot(j: int) -> list[str]:
        return [PAYLOADS[(i + j) % n] for i in range(n)]

    rng = np.random.default_rng(1)
    pts = gpd.points_from_xy(rng.uniform(40, 41, n), rng.uniform(30, 31, n))
    text_cols = ["event_id", "event_type", "sub_event_type", "actor1", "actor2", "location",
                 "country", "source", "notes", "source_url"]
    inc = gpd.GeoDataFrame(
        {c: rot(j) for j, c in enumerate(text_cols)}
        | {"event_date": pd.Timestamp("2024-01-01") + pd.to_timedelta(np.arange(n), "D"),
           "geo_precision": 2, "uncertainty_m": 5000.0, "fatalities": 1},
        geometry=pts, crs=4326)
    dep_cols = ["name", "kind", "operator", "country", "troops_source", "source", "source_url"]
    deps = gpd.GeoDataFrame({c: rot(j + 3) for j, c in enumerate(dep_cols)} | {"troops": 10},
                            geometry=pts, crs=4326)
    site_cols = ["name", "kind", "name_ar", "parent", "source", "source_url"]
    sites = gpd.GeoDataFrame({c: rot(j + 5) for j, c in enumerate(site_cols)}
                             | {"aliases": [[p, "x"] for p in rot(7)]},
                             geometry=[Point(40.5, 30.5).buffer(0.1)] * n, crs=4326)
    rings = gpd.GeoDataFrame({"name": rot(9), "label": rot(11), "radius_m": 1000.0},
                             geometry=[Point(40.5, 30.5).buffer(0.2)] * n, crs=4326)
    square = Polygon([(40, 30), (40.2, 30), (40.2, 30.2)])
    layers = {PAYLOADS[k]: gpd.GeoDataFrame({"name": [PAYLOADS[-k - 1]],
                                             PAYLOADS[k + 1]: [PAYLOADS[k + 2]]},
                                            geometry=[square], crs=4326)
              for k in range(n_layers)}
    overlays = [Overlay(name=PAYLOADS[k], legend={PAYLOADS[k + 3]: "#ff0000"})
                for k in range(n_layers)]
    return gc.conflict_map(
        incidents=inc, deployments=deps, sites=sites, rings=rings, layers=layers,
        overlays=overlays, title=PAYLOADS[0], subtitle=PAYLOADS[9], data_date=PAYLOADS[12],
        attribution=PAYLOADS[:8], timeline=True, heatmap=True)


TRIGGER_ALL = """() => {
  const s = Object.values(GeoconflictMap.maps)[0];
  const n = s.spec.incidents.lat.length;
  const box = document.createElement('div');
  document.body.appendChild(box);
  for (let i = 0; i < n; i++) {
    s.openPopup(i);
    box.appendChild(s.tooltipFor(i));
  }
  s.map.eachLayer(l => {
    if (l.getPopup && l.getPopup()) { l.openPopup(); }
    if (l.getTooltip && l.getTooltip()) { l.openTooltip(); }
  });
  document.querySelectorAll('.leaflet-control-layers-selector').forEach(c => c.click());
  document.querySelectorAll('.leaflet-control-layers-selector').forEach(c => c.click());
  return n;
}"""


@pytest.mark.slow
def test_injection_payloads_never_execute(browser: Any, tmp_path: Path) -> None:
    assert len(PAYLOADS) >= 30
    m = hostile_map()
    path = tmp_path / "hostile.html"
    m.save(path)
    frag = tmp_path / "hostile_fragment.html"
    frag.write_text("<!DOCTYPE html><html><body><h1>Report</h1>"
                    + hostile_map().to_html(fragment=True) + "</body></html>", encoding="utf-8")
    for page_path in (path, frag):
        loaded = load(browser, page_path)
        page = loaded.page
        assert page.evaluate(TRIGGER_ALL) == len(PAYLOADS)
        page.wait_for_timeout(300)
        assert page.evaluate("() => window.__pwned") is None
        assert loaded.dialogs == []
        assert loaded.external == [], "a payload made the page request something"
        assert loaded.errors == []
        # the text arrives intact, as text
        assert page.locator(".gc-title-main").inner_text() == PAYLOADS[0]
        layer_names = page.locator(".leaflet-control-layers-overlays label").all_inner_texts()
        assert any(PAYLOADS[1] in t for t in layer_names)
        legend = page.locator(".gc-legend").inner_text()
        assert PAYLOADS[3] in legend
        assert page.locator(".gc-card a[href^='javascript']").count() == 0
        assert page.locator(".leaflet-popup-content img, .gc-legend img, .gc-title img").count() == 0
        page.close()


# -- embedding, clustering, heat -------------------------------------------------------

def test_two_fragments_share_one_page(browser: Any, tmp_path: Path) -> None:
    inc = gc.load_dataset("scenario")
    a = gc.conflict_map(incidents=inc, title="First").to_html(fragment=True, height="300px")
    b = gc.conflict_map(incidents=inc.iloc[:3], title="Second", timeline=True).to_html(
        fragment=True, height="300px")
    path = tmp_path / "report.html"
    path.write_text(f"<!DOCTYPE html><html><body><h1>Report</h1>{a}<p>Between</p>{b}"
                    "</body></html>", encoding="utf-8")
    # count how often Leaflet assigns window.L: the inlined library must run once
    init = """(() => { let v; window.__lsets = 0; Object.defineProperty(window, 'L', {
        configurable: true, get() { return v; }, set(x) { window.__lsets++; v = x; } }); })();"""
    loaded = load(browser, path, maps=2, init=init)
    page = loaded.page
    assert loaded.external == []
    assert loaded.errors == []
    assert page.locator(".leaflet-container").count() == 2
    assert page.evaluate("() => window.__lsets") == 1
    assert loaded.state("s.countDrawn()", 0) == 12
    assert loaded.state("s.countDrawn()", 1) == 3
    titles = page.locator(".gc-title-main").all_inner_texts()
    assert titles == ["First", "Second"]
    box = page.locator(".geoconflict-map").first.bounding_box()
    assert box["height"] == pytest.approx(300, abs=1)
    assert page.locator("h1").inner_text() == "Report"   # host page styles untouched
    page.close()


def synthetic(n: int) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(7)
    types = ["Explosions/Remote violence", "Battles", "Violence against civilians",
             "Protests", "Riots", "Strategic developments"]
    return gpd.GeoDataFrame({
        "event_id": [f"S{i}" for i in range(n)],
        "event_date": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 30, n), "D"),
        "event_type": rng.choice(types, n), "location": "Somewhere", "geo_precision": 1,
        "fatalities": rng.poisson(1, n)},
        geometry=gpd.points_from_xy(rng.uniform(40, 46, n), rng.uniform(30, 36, n)), crs=4326)


def test_clustered_and_heat_layers(browser: Any, tmp_path: Path) -> None:
    path = tmp_path / "cluster.html"
    gc.conflict_map(incidents=synthetic(1500), heatmap=True, timeline=True).save(path)
    loaded = load(browser, path)
    page = loaded.page
    assert loaded.external == []
    assert loaded.errors == []
    assert loaded.state("s.spec.options.cluster") is True
    assert page.locator(".marker-cluster").count() > 0
    assert loaded.state("s.countDrawn()") == 1500
    assert page.locator("canvas.leaflet-heatmap-layer").count() == 1
    page.eval_on_selector(".gc-timeline input",
                          "el => { el.value = '0'; el.dispatchEvent(new Event('input')); }")
    shown = loaded.state("s.shown")
    assert 0 < shown < 1500
    assert loaded.state("s.countDrawn()") == shown
    page.close()


@pytest.mark.slow
def test_canvas_layer_draws_many_points(browser: Any, tmp_path: Path) -> None:
    path = tmp_path / "many.html"
    gc.conflict_map(incidents=synthetic(30_000)).save(path)
    loaded = load(browser, path)
    assert loaded.errors == []
    assert loaded.state("s.spec.options.cluster") is False
    assert loaded.state("s.countDrawn()") == 30_000
    # hovering a drawn incident shows its tooltip (canvas hit-testing)
    page = loaded.page
    xy = loaded.state("(() => { const p = s.map.latLngToContainerPoint("
                      "[s.spec.incidents.lat[0], s.spec.incidents.lon[0]]); return [p.x, p.y]; })()")
    box = page.locator(".leaflet-container").bounding_box()
    page.mouse.move(box["x"] + xy[0], box["y"] + xy[1])
    page.wait_for_timeout(100)
    assert page.locator(".leaflet-tooltip .gc-card").count() == 1
    page.close()


def test_online_tiles_come_only_from_the_named_server(browser: Any, tmp_path: Path) -> None:
    """Tiles are opt-in: a fake tile server on 127.0.0.1 stands in for the internet."""
    import http.server
    import threading

    served: list[str] = []
    png = tiny_png()

    class Tiles(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            served.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(png)))
            self.end_headers()
            self.wfile.write(png)

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Tiles)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        template = f"http://127.0.0.1:{server.server_port}/{{z}}/{{x}}/{{y}}.png"
        path = tmp_path / "tiles.html"
        gc.conflict_map(incidents=gc.load_dataset("scenario"), basemap=template).save(path)
        page = browser.new_page(viewport={"width": 800, "height": 600})
        url = path.resolve().as_uri()
        other: list[str] = []

        def route(r: Any) -> None:
            req = r.request.url
            if req == url or req.startswith(f"http://127.0.0.1:{server.server_port}/"):
                r.continue_()
            else:
                other.append(req)
                r.abort()

        page.route("**/*", route)
        page.goto(url)
        page.wait_for_function(READY.replace("{n}", "1"), timeout=60_000)
        page.wait_for_function("() => document.querySelectorAll('.leaflet-tile-loaded').length > 0",
                               timeout=30_000)
        assert other == []
        assert served
        assert all(p.endswith(".png") for p in served)
        assert "Tiles: 127.0.0.1" in page.locator(".leaflet-control-attribution").inner_text()
        page.close()
    finally:
        server.shutdown()
