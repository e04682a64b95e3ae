"""Maps of any region, offline, in a real headless Chromium with the network blocked.

Eastern Ukraine, Sudan, the Sahel, Gaza, Yemen and the Red Sea (synthetic incidents at
real towns, ``scripts/region_maps.py``): land is drawn under the incidents (pixels at
known land and sea points, read from a screenshot with the labels, incidents and
controls hidden), country borders are drawn, the towns the incidents name are labelled
and visible, no two labels overlap (curated site labels included, at two zooms), and no
request leaves the page.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from support import ROOT, offline

import geoconflict as gc
from geoconflict.webmap._spec import render_map_spec

sys.path.insert(0, str(ROOT / "scripts"))
from region_maps import REGIONS, region_incidents

pytestmark = pytest.mark.browser

READY = ("() => window.GeoconflictMap && Object.values(GeoconflictMap.maps).length && "
         "Object.values(GeoconflictMap.maps).every(s => s.paintedAt)")
W, H = 1100, 750
LAND = (0xF4, 0xF1, 0xEA)      # offline country fill (_webmap.js)
SEA = (0xCF, 0xE0, 0xEC)       # .gc-offline background (_webmap.css)
#: Every label box on show: place labels and curated (site, deployment) labels.
BOXES = """() => {
  const out = [];
  for (const e of document.querySelectorAll('.gc-place, .leaflet-tooltip.gc-label')) {
    const r = e.getBoundingClientRect(), cs = getComputedStyle(e);
    if (!r.width || !r.height || cs.visibility === 'hidden' || cs.display === 'none') continue;
    out.push([e.textContent, r.left, r.top, r.right, r.bottom,
              e.classList.contains('gc-place') ? 'place' : 'curated']);
  }
  return out;
}"""
HIDE = """() => { for (const s of ['.leaflet-gcLabels-pane', '.leaflet-gcIncidents-pane',
  '.leaflet-marker-pane', '.leaflet-tooltip-pane', '.leaflet-control-container',
  '.gc-title']) { for (const e of document.querySelectorAll(s)) e.style.visibility = 'hidden'; } }"""


def open_map(browser: Any, path: Path) -> tuple[Any, list[str], list[str]]:
    page = browser.new_page(viewport={"width": W, "height": H})
    url = path.resolve().as_uri()
    requests = offline(page, url)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    page.wait_for_function(READY, timeout=60_000)
    return page, [r for r in requests if r != url], errors


def pixels(png: bytes) -> np.ndarray:
    import rasterio
    from rasterio.errors import NotGeoreferencedWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NotGeoreferencedWarning)
        with rasterio.MemoryFile(png) as mem, mem.open() as ds:
            return np.moveaxis(ds.read()[:3], 0, -1)


def container_points(page: Any, lonlats: Any) -> list[list[float]]:
    return page.evaluate(
        "(pts) => { const s = Object.values(GeoconflictMap.maps)[0]; return pts.map(p => { "
        "const c = s.map.latLngToContainerPoint([p[1], p[0]]); return [c.x, c.y]; }); }",
        [list(p) for p in lonlats])


def assert_no_overlap(boxes: list[list[Any]]) -> None:
    """No two boxes (text, left, top, right, bottom, kind) share more than half a pixel."""
    if len(boxes) < 2:
        return
    b = np.array([x[1:5] for x in boxes], dtype=float)
    dx = np.minimum(b[:, None, 2], b[None, :, 2]) - np.maximum(b[:, None, 0], b[None, :, 0])
    dy = np.minimum(b[:, None, 3], b[None, :, 3]) - np.maximum(b[:, None, 1], b[None, :, 1])
    clash = (dx > 0.5) & (dy > 0.5)
    np.fill_diagonal(clash, False)
    i, j = np.argwhere(clash)[0] if clash.any() else (0, 0)
    assert not clash.any(), (boxes[i], boxes[j])


@pytest.mark.parametrize("key", list(REGIONS))
def test_region_map_draws_land_borders_and_labels_offline(browser: Any, tmp_path: Path,
                                                          key: str) -> None:
    region = REGIONS[key]
    path = tmp_path / f"{key}.html"
    gc.conflict_map(incidents=region_incidents(key), title=region.title).save(path)
    page, external, errors = open_map(browser, path)
    try:
        assert external == []                                   # nothing leaves the page
        assert errors == []
        # the labels' font is installed (fonts-dejavu-core, scripts/install-system-deps.sh)
        # (the same width whatever the fallback: the named font itself is drawn)
        assert page.evaluate("""() => { const c = document.createElement('canvas')
            .getContext('2d'), w = f => { c.font = f; return c.measureText('Kramatorsk')
            .width; }; return w('11px "DejaVu Sans", serif') ===
            w('11px "DejaVu Sans", monospace'); }""")
        # labels: the towns that matter are labelled, inside the map, and none overlap
        boxes = page.evaluate(BOXES)
        shown = {b[0] for b in boxes if b[1] >= 0 and b[2] >= 0 and b[3] <= W and b[4] <= H}
        assert set(region.must_label) <= shown, set(region.must_label) - shown
        assert_no_overlap(boxes)
        # borders: one outline path, drawn across the view
        border = page.evaluate("() => [...document.querySelectorAll('path.gc-border')]"
                               ".map(p => [p.getAttribute('d').length, p.getBBox().width])")
        assert border
        assert max(d for d, _ in border) > 1000
        # land under the incidents, sea where there is sea: screenshot without the layers
        # above the basemap
        page.evaluate(HIDE)
        rgb = pixels(page.screenshot(type="png"))
        for what, points, colour in (("land", region.land, LAND), ("sea", region.sea, SEA)):
            for (x, y), lonlat in zip(container_points(page, points), points, strict=True):
                assert 0 <= x < W, (what, lonlat)
                assert 0 <= y < H, (what, lonlat)
                pixel = rgb[round(y), round(x)].astype(int)
                assert np.abs(pixel - colour).max() <= 8, (what, lonlat, pixel)
        # where the incidents are, the basemap pane lies under labels and incidents
        z = page.evaluate("() => ['gcBasemap', 'gcLabels', 'gcIncidents'].map(n => "
                          "+getComputedStyle(Object.values(GeoconflictMap.maps)[0].map"
                          ".getPane(n)).zIndex)")
        assert z == sorted(z)
        assert len(set(z)) == 3
    finally:
        page.close()


def test_labels_never_overlap_curated_sites_at_any_zoom(browser: Any, tmp_path: Path) -> None:
    """Baghdad: neighbourhood sites and deployments are labelled from zoom 8; place labels
    are placed after them and thinned as the map zooms out and in."""
    path = tmp_path / "baghdad.html"
    render_map_spec(ROOT / "maps" / "baghdad.yml").save(path)
    page, external, errors = open_map(browser, path)
    try:
        assert external == []
        assert errors == []
        start = page.evaluate("() => Object.values(GeoconflictMap.maps)[0].map.getZoom()")
        kinds_seen = set()
        for zoom in (start, start - 3, start - 1.5, start + 1):
            # (a block: setZoom returns the map, which Playwright would serialise)
            page.evaluate("(z) => { Object.values(GeoconflictMap.maps)[0].map.setZoom(z, "
                          "{animate: false}); }", zoom)
            boxes = page.evaluate(BOXES)
            assert boxes
            assert_no_overlap(boxes)
            kinds_seen |= {b[5] for b in boxes}
            n = page.evaluate("() => Object.values(GeoconflictMap.maps)[0].labels.placed.length")
            assert n == sum(1 for b in boxes if b[5] == "place")
        assert kinds_seen == {"place", "curated"}
    finally:
        page.close()


CONTROL_BOXES = """() => [...document.querySelectorAll('.leaflet-control, .gc-title')]
  .map(e => e.getBoundingClientRect()).filter(r => r.width && r.height)
  .map(r => ['control', r.left, r.top, r.right, r.bottom, 'control'])"""


def test_labels_keep_clear_of_the_title_legend_and_symbols(browser: Any, tmp_path: Path) -> None:
    """No place label lies under the title, the legend or another control, where it could
    not be read; a town whose right side holds a deployment's symbol is labelled on the
    left of its dot."""
    import geopandas as gpd
    from shapely.geometry import Point

    amman = (35.9284, 31.9522)
    bases = gpd.GeoDataFrame(
        {"name": ["East of Amman"], "kind": ["base"], "country": ["JOR"],
         "source": ["test"], "source_url": ["https://example.org"]},
        geometry=[Point(amman[0] + 0.3, amman[1])], crs=4326)
    towns = gpd.GeoDataFrame(
        {"event_type": ["Battles"] * 3, "location": ["Amman", "Irbid", "Aqaba"],
         "fatalities": [1, 1, 1]},
        geometry=[Point(*amman), Point(35.85, 32.556), Point(35.0, 29.53)], crs=4326)
    path = tmp_path / "jordan.html"
    gc.conflict_map(incidents=towns, deployments=bases, title="A title box on the map",
                    subtitle="with a subtitle that is long enough to cover a few labels").save(path)
    page, external, errors = open_map(browser, path)
    try:
        assert external == []
        assert errors == []
        for zoom in (5, 6, 7):
            page.evaluate("(z) => { Object.values(GeoconflictMap.maps)[0].map.setZoom(z, "
                          "{animate: false}); }", zoom)
            places = [b for b in page.evaluate(BOXES) if b[5] == "place"]
            assert places
            assert_no_overlap(places + page.evaluate(CONTROL_BOXES))
        # at zoom 7 the base's symbol lies ~27 px east of Amman's dot, under its text
        side = page.evaluate("() => [...document.querySelectorAll('.gc-place')]"
                             ".filter(e => e.textContent === 'Amman')"
                             ".map(e => e.classList.contains('gc-place-left'))")
        assert side == [True]
    finally:
        page.close()
