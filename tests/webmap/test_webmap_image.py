"""Map pictures (PNG, PDF) and the map layout: legend toggle, the view clear of controls.

Browser tests drive Debian's Chromium through Playwright and skip without them; the
argument, lookup-order and CLI-suffix tests need neither.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import struct
import sys
import warnings
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from support import ROOT, LoopbackServer, chromium_path, offline

import geoconflict as gc
from geoconflict.errors import ArgumentError, ImageError, MapWarning
from geoconflict.webmap import _image
from geoconflict.webmap._spec import render_map_spec

SCENARIO = ROOT / "maps" / "scenario.yml"
LAND = (0xF4, 0xF1, 0xEA)      # offline country fill (_webmap.js)
SEA = (0xCF, 0xE0, 0xEC)       # .gc-offline background (_webmap.css)
BATTLES = (0x00, 0x72, 0xB2)   # _styles.EVENT_STYLES["Battles"]
#: Place-label dots (capital, town; _webmap.css), drawn under the incidents at their towns.
LABEL_DOTS = ((0x11, 0x11, 0x11), (0x55, 0x55, 0x55))

browser = pytest.mark.browser


@pytest.fixture(scope="module")
def chromium() -> str:
    path = chromium_path()
    if path is None:
        pytest.skip("Debian chromium is not installed (make test installs it)")
    pytest.importorskip("playwright.sync_api")
    return path


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from the PNG signature and IHDR chunk."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def png_pixels(data: bytes) -> np.ndarray:
    """(height, width, 3) uint8 RGB of a PNG (rasterio reads PNG through GDAL)."""
    import rasterio
    from rasterio.errors import NotGeoreferencedWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NotGeoreferencedWarning)
        with rasterio.MemoryFile(data) as mem, mem.open() as ds:
            return np.moveaxis(ds.read()[:3], 0, -1)


def share_near(rgb: np.ndarray, colour: tuple[int, int, int], tol: int = 6) -> float:
    """Fraction of pixels within ``tol`` of ``colour`` on every channel."""
    near = np.all(np.abs(rgb.astype(int) - np.array(colour)) <= tol, axis=-1)
    return float(near.mean())


def battles(points: list[tuple[float, float]]) -> gpd.GeoDataFrame:
    n = len(points)
    frame = pd.DataFrame({
        "event_id": [f"B{i}" for i in range(n)], "event_type": "Battles",
        "event_date": pd.date_range("2024-01-01", periods=n, freq="D"), "fatalities": 9,
        "geo_precision": 1, "location": "Somewhere", "country": "IRQ"})
    return gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(*zip(*points, strict=True)),
                            crs=4326)


#: Battles well apart, from the Mediterranean coast to the Gulf (so the view has sea).
POINTS = [(44.4, 33.3), (43.1, 36.3), (40.1, 35.3), (35.5, 33.9), (47.9, 29.4)]


# -- arguments and lookup (no browser) ----------------------------------------------------

@pytest.mark.parametrize(("path", "fmt", "expected"), [
    (None, None, "png"), ("m.png", None, "png"), ("M.PDF", None, "pdf"),
    (None, "pdf", "pdf"), ("m.bin", "png", "png")])
def test_picture_format(path: str | None, fmt: str | None, expected: str) -> None:
    assert _image.picture_format(path, fmt) == expected


@pytest.mark.parametrize("path", ["m.jpg", "m.txt", "m.html", "m"])
def test_unknown_picture_suffix_is_an_argument_error(path: str, tmp_path: Path) -> None:
    m = gc.conflict_map(incidents=battles(POINTS))
    with pytest.raises(ArgumentError, match=r"use \.png or \.pdf"):
        m.to_image(tmp_path / path)
    assert not (tmp_path / path).exists()
    with pytest.raises(ArgumentError, match="unknown picture format"):
        m.to_image(format="jpeg")


def test_picture_option_errors() -> None:
    m = gc.conflict_map(incidents=battles(POINTS))
    with pytest.raises(ArgumentError, match="apply to PDF"):
        m.to_image("m.png", dpi=300)
    with pytest.raises(ArgumentError, match="unknown page size 'B9'"):
        m.to_image("m.pdf", page="B9")
    with pytest.raises(ArgumentError, match="width and height"):
        m.to_image(width=5)
    assert _image.page_size("a4", landscape=True) == (297.0, 210.0)
    assert _image.page_size((100, 50), landscape=False) == (100.0, 50.0)


def _fake_executable(path: Path) -> Path:
    path.write_text("#!/bin/sh\nexit 1\n")
    path.chmod(0o755)
    return path


def test_browser_lookup_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env_browser = _fake_executable(tmp_path / "my-chrome")
    debian = _fake_executable(tmp_path / "debian-chromium")
    on_path = tmp_path / "bin"
    on_path.mkdir()
    _fake_executable(on_path / "chromium-browser")
    monkeypatch.setattr(_image, "DEBIAN_CHROMIUM", str(debian))
    monkeypatch.setenv("PATH", str(on_path))
    # 1. the setting, as a path or as a command on PATH
    monkeypatch.setenv("GEOCONFLICT_CHROMIUM", str(env_browser))
    assert _image.find_chromium() == str(env_browser)
    monkeypatch.setenv("GEOCONFLICT_CHROMIUM", "chromium-browser")
    assert _image.find_chromium() == str(on_path / "chromium-browser")
    # set but broken: said so, no silent fallback
    monkeypatch.setenv("GEOCONFLICT_CHROMIUM", str(tmp_path / "missing"))
    with pytest.raises(ImageError, match="GEOCONFLICT_CHROMIUM="):
        _image.find_chromium()
    # 2. Debian's /usr/bin/chromium, 3. chromium / chromium-browser on PATH
    monkeypatch.delenv("GEOCONFLICT_CHROMIUM")
    assert _image.find_chromium() == str(debian)
    debian.unlink()
    assert _image.find_chromium() == str(on_path / "chromium-browser")
    _fake_executable(on_path / "chromium")
    assert _image.find_chromium() == str(on_path / "chromium")
    # none: one error saying what to install
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(ImageError, match="apt-get install chromium") as info:
        _image.find_chromium()
    assert "GEOCONFLICT_CHROMIUM" in str(info.value)
    assert isinstance(info.value, RuntimeError)


def test_missing_playwright_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "playwright", None)
    monkeypatch.setitem(sys.modules, "playwright.sync_api", None)
    m = gc.conflict_map(incidents=battles(POINTS))
    with pytest.raises(ImageError, match=re.escape("pip install 'geoconflict[image]'")):
        m.to_image()


def test_cli_unknown_output_suffix_is_one_error_line(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    for name in ("map.jpg", "map.txt", "map"):
        proc = run_cli("map", str(SCENARIO), "-o", str(tmp_path / name), check=False)
        assert proc.returncode == 1, name
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1, proc.stderr
        assert lines[0].startswith("geoconflict: error: cannot tell what to write"), lines
        assert ".png or .pdf" in lines[0]
        assert not (tmp_path / name).exists()
        assert list(tmp_path.iterdir()) == []
    proc = run_cli("map", str(SCENARIO), "-o", str(tmp_path / "m.png"), "--dpi", "300",
                   check=False)
    assert proc.returncode == 1
    assert "geoconflict: error: --dpi applies to PDF output" in proc.stderr
    proc = run_cli("map", str(SCENARIO), "-o", str(tmp_path / "m.html"), "--width", "600",
                   check=False)
    assert proc.returncode == 1
    assert "--width applies to .png/.pdf output" in proc.stderr


# -- pictures in Chromium ---------------------------------------------------------------

@contextlib.contextmanager
def _ready_page(chromium: str, html: Path, width: int, height: int,
                picture: bool) -> Iterator[tuple[Any, list[str]]]:
    """The page drawn in a fresh Chromium (network blocked), and the requests it tried."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=chromium, args=["--disable-gpu"])
        page = b.new_page(viewport={"width": width, "height": height})
        url = html.resolve().as_uri()
        requests = offline(page, url)
        if picture:
            page.add_init_script("window.GEOCONFLICT_PICTURE = true;")
        page.goto(url)
        page.wait_for_function("() => window.GeoconflictMap && "
                               "Object.values(GeoconflictMap.maps).every(s => s.paintedAt)")
        yield page, [r for r in requests if r != url]
        b.close()


@browser
def test_png_size_content_and_incident_pixels(chromium: str, tmp_path: Path,
                                              output_dir: Path) -> None:
    m = gc.conflict_map(incidents=battles(POINTS), title="Five battles")
    with warnings.catch_warnings():
        warnings.simplefilter("error", MapWarning)   # nothing was blocked: fully offline
        png = m.to_image(tmp_path / "b.png", width=900, height=600)
    assert (tmp_path / "b.png").read_bytes() == png
    (output_dir / "webmap_picture.png").write_bytes(png)
    assert png_size(png) == (900, 600)
    rgb = png_pixels(png)
    assert len(np.unique(rgb.reshape(-1, 3), axis=0)) > 200      # not blank
    assert share_near(rgb, LAND) > 0.2                          # the embedded land ...
    assert share_near(rgb, SEA) > 0.01                          # ... and sea
    # where the page puts each incident (same page, same window, picture mode), the
    # picture shows the Battles blue (fill at 0.85 over land, sea or a town's label dot)
    html = tmp_path / "b.html"
    m.save(html)
    with _ready_page(chromium, html, 900, 600, picture=True) as (page, external):
        assert external == []
        spots = page.evaluate("() => { const s = Object.values(GeoconflictMap.maps)[0]; "
                              "return s.spec.incidents.lat.map((lat, i) => { const p = "
                              "s.map.latLngToContainerPoint([lat, s.spec.incidents.lon[i]]); "
                              "return [p.x, p.y]; }); }")
        # the picture has the title, legend, scale bar and attribution, not the buttons
        for shown in (".gc-title-main", ".gc-legend-body", ".leaflet-control-scale",
                      ".leaflet-control-attribution"):
            assert page.locator(shown).first.is_visible(), shown
        for hidden in (".leaflet-control-zoom", ".leaflet-control-layers",
                       ".gc-measure-control", ".gc-legend-toggle"):
            assert not page.locator(hidden).first.is_visible(), hidden
    assert len(spots) == len(POINTS)
    expected = [0.85 * np.array(BATTLES) + 0.15 * np.array(under)
                for under in (LAND, SEA, *LABEL_DOTS)]
    for x, y in spots:
        assert 0 <= x < 900
        assert 0 <= y < 600
        pixel = rgb[round(y), round(x)].astype(float)
        assert min(np.abs(pixel - e).max() for e in expected) < 30, (x, y, pixel)


@browser
def test_png_scale_doubles_the_pixels(chromium: str) -> None:
    m = gc.conflict_map(incidents=battles(POINTS))
    png = m.to_image(width=500, height=350, scale=2)
    assert png_size(png) == (1000, 700)
    rgb = png_pixels(png)
    assert len(np.unique(rgb.reshape(-1, 3), axis=0)) > 200
    assert share_near(rgb, LAND) > 0.1


@browser
def test_pdf_is_one_page_of_the_asked_size(chromium: str, tmp_path: Path) -> None:
    m = render_map_spec(SCENARIO)
    pdf = m.to_image(tmp_path / "s.pdf", page="A4", landscape=True, dpi=150)
    assert pdf.startswith(b"%PDF-")
    assert (tmp_path / "s.pdf").read_bytes() == pdf
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) == 1
    box = re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert box is not None
    width_pt, height_pt = (float(v) for v in box.groups())
    assert width_pt == pytest.approx(297 / 25.4 * 72, abs=1)    # A4 landscape, in points
    assert height_pt == pytest.approx(210 / 25.4 * 72, abs=1)
    # the incident canvas is embedded at the asked resolution: (297 - 2 * 10) mm at 150 dpi
    widths = [int(w) for w in re.findall(rb"/Width (\d+)", pdf)]
    assert any(abs(w - 277 / 25.4 * 150) <= 3 for w in widths), widths
    assert gc.conflict_map(incidents=battles(POINTS)).to_image(format="pdf").startswith(b"%PDF")


@browser
def test_no_request_leaves_the_picture(chromium: str, tmp_path: Path) -> None:
    """A map that asks for online tiles: the tile server sees nothing; a warning says so."""
    hits: list[str] = []

    class Tiles(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = LoopbackServer(Tiles)
    try:
        m = gc.conflict_map(incidents=battles(POINTS),
                            basemap=server.url + "/{z}/{x}/{y}.png")
        with pytest.warns(MapWarning, match=r"network request\(s\) were blocked"):
            png = m.to_image(width=400, height=300)
    finally:
        server.close()
    assert hits == []
    assert png_size(png) == (400, 300)


@browser
def test_to_image_under_a_running_event_loop(chromium: str) -> None:
    """Jupyter runs cells inside an asyncio loop, where Playwright's sync API refuses to
    start; to_image then renders from a worker thread."""
    m = gc.conflict_map(incidents=battles(POINTS))

    async def cell() -> bytes:
        return m.to_image(width=300, height=200)

    assert png_size(asyncio.run(cell())) == (300, 200)


@browser
@pytest.mark.slow
def test_cli_writes_png_and_pdf(chromium: str, run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "s.png"
    proc = run_cli("map", str(SCENARIO), "-o", str(out), "--width", "640", "--height", "400",
                   "--scale", "1.5")
    assert png_size(out.read_bytes()) == (960, 600)
    assert "wrote" in proc.stderr
    assert "960x600 px PNG" in proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.png"]   # no temporary left
    pdf = tmp_path / "s.pdf"
    proc = run_cli("map", str(SCENARIO), "-o", str(pdf), "--page", "A5", "--dpi", "96")
    assert pdf.read_bytes().startswith(b"%PDF-")
    proc = run_cli("map", str(SCENARIO), "-o", str(pdf), check=False)
    assert proc.returncode == 1
    assert "exists" in proc.stderr


# -- layout in Chromium -----------------------------------------------------------------

@browser
def test_legend_toggle_by_mouse_and_keyboard(chromium: str, tmp_path: Path) -> None:
    html = tmp_path / "s.html"
    render_map_spec(SCENARIO).save(html)
    with _ready_page(chromium, html, 1280, 800, picture=False) as (page, external):
        assert external == []
        toggle = page.locator(".gc-legend-toggle")
        body = page.locator(".gc-legend-body")
        assert toggle.get_attribute("aria-expanded") == "true"
        assert toggle.get_attribute("aria-controls") == body.get_attribute("id")
        assert body.is_visible()
        assert "Deployments" in body.inner_text()
        toggle.click()
        assert toggle.get_attribute("aria-expanded") == "false"
        assert not body.is_visible()
        assert "Deployments" not in page.locator(".gc-legend").inner_text()
        toggle.focus()
        page.keyboard.press("Enter")
        assert body.is_visible()
        page.keyboard.press("Space")
        assert not body.is_visible()
        page.keyboard.press("Space")
        assert body.is_visible()
        assert toggle.get_attribute("aria-expanded") == "true"
        assert page.evaluate("() => document.activeElement.className") == "gc-legend-toggle"


_UNDER_CONTROLS = """() => {
  const s = Object.values(GeoconflictMap.maps)[0], c = s.map.getContainer();
  const cr = c.getBoundingClientRect();
  const boxes = Array.from(c.querySelectorAll('.leaflet-control, .gc-title'))
    .map(e => e.getBoundingClientRect()).filter(r => r.width > 0 && r.height > 0);
  const pts = s.spec.incidents.lat.map((lat, i) => [lat, s.spec.incidents.lon[i]])
    .concat(s.spec.deployments.map(d => [d.lat, d.lon]));
  return pts.filter(([lat, lon]) => {
    const p = s.map.latLngToContainerPoint([lat, lon]);
    const x = p.x + cr.left, y = p.y + cr.top;
    return x < cr.left || y < cr.top || x > cr.right || y > cr.bottom ||
      boxes.some(r => x >= r.left && x <= r.right && y >= r.top && y <= r.bottom);
  }).length;
}"""


@browser
@pytest.mark.parametrize(("width", "height"), [(1280, 800), (900, 560), (640, 480)])
def test_no_control_hides_the_data(chromium: str, tmp_path: Path, width: int,
                                   height: int) -> None:
    """Every incident and deployment is inside the map and under no control: title,
    legend (open), layer list, buttons, time slider, scale bar or attribution."""
    html = tmp_path / "s.html"
    render_map_spec(SCENARIO).save(html)
    with _ready_page(chromium, html, width, height, picture=False) as (page, _):
        assert page.evaluate(_UNDER_CONTROLS) == 0
        if not page.locator(".gc-legend-body").is_visible():
            # closed at the start only because it was too big; opened, it may cover data
            assert page.evaluate("() => Object.values(GeoconflictMap.maps)[0]"
                                 ".legendAutoCollapsed") is True


@browser
def test_a_broken_page_is_named_in_the_error(chromium: str) -> None:
    page = gc.conflict_map(incidents=battles(POINTS)).to_html().replace(
        "GeoconflictMap.draw(", "GeoconflictMap.missing(")
    with pytest.raises(ImageError, match=r"did not finish drawing within 3 s \(the page "
                                         r"failed: .*GeoconflictMap\.missing"):
        _image.render_picture(page, _image.PictureOptions("png", timeout_s=3))
