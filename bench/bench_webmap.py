"""Web map size and render time: geoconflict's canvas map vs folium's own approaches.

Peers, on the same synthetic incidents (fixed seed):

* ``folium.Marker`` per incident with a popup and tooltip (what folium tutorials do); at a
  smaller n (default 5,000) because it grows ~1 kB per point and takes long to build;
* ``folium.plugins.FastMarkerCluster`` at the full n (100,000): coordinates only, no
  popups, so a lighter page than ours.

Render time is measured in Debian's headless chromium as navigation start -> two animation
frames after the last map script ran (the first frame with every point drawn). folium's
pages fetch Leaflet & co. from CDNs; to time them offline their CDN requests are answered
from the same local files (unknown ones with an empty body), which favours the peers.

Run: .venv/bin/python bench/run.py --only webmap   (or --quick)
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _timing import row

ROOT = Path(__file__).resolve().parents[1]
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

PAINTED_OURS = ("() => { const m = window.GeoconflictMap && Object.values(GeoconflictMap.maps);"
                " return m && m.length && m[0].paintedAt ? [m[0].paintedAt, m[0].countDrawn()]"
                " : null; }")
# For folium pages: performance.now() two frames after the load event.
PAINTED_PEER_INIT = """window.addEventListener('load', () => requestAnimationFrame(() =>
    requestAnimationFrame(() => { window.__painted = performance.now(); })));"""


def incidents(n: int, seed: int = 1) -> Any:
    import geopandas as gpd
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    types = ["Explosions/Remote violence", "Battles", "Violence against civilians", "Protests",
             "Riots", "Strategic developments"]
    actors = [f"Armed group {i}" for i in range(400)]
    frame = pd.DataFrame({
        "event_id": [f"SYN{i:06d}" for i in range(n)],
        "event_date": pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 420, n), "D"),
        "event_type": rng.choice(types, n),
        "sub_event_type": rng.choice(["Air/drone strike", "Armed clash", "Attack",
                                      "Shelling/artillery/missile attack"], n),
        "actor1": rng.choice(actors, n), "actor2": rng.choice(actors + [None] * 100, n),
        "country": rng.choice(["IRQ", "SYR", "JOR", "YEM"], n),
        "location": rng.choice([f"Village {i}" for i in range(5000)], n),
        "geo_precision": rng.choice([1, 1, 2, 3], n), "uncertainty_m": np.nan,
        "fatalities": rng.poisson(1.2, n),
        "source": rng.choice([f"Outlet {i}" for i in range(150)], n),
        "notes": [f"Synthetic incident {i}: reported strike near the village." for i in range(n)],
    })
    geom = gpd.points_from_xy(rng.uniform(36, 48, n), rng.uniform(12, 37, n))
    return gpd.GeoDataFrame(frame, geometry=geom, crs="EPSG:4326")


def build_ours(gdf: Any, path: Path) -> float:
    import geoconflict as gc

    start = time.perf_counter()
    gc.conflict_map(incidents=gdf, title="benchmark").save(path)
    return time.perf_counter() - start


def build_markers(gdf: Any, path: Path) -> float:
    import folium

    start = time.perf_counter()
    m = folium.Map(location=[30, 42], zoom_start=5)
    for r in gdf.itertuples():
        text = f"{r.event_date:%Y-%m-%d} {r.event_type}: {r.location} ({r.fatalities} killed)"
        folium.Marker([r.geometry.y, r.geometry.x], popup=folium.Popup(text),
                      tooltip=text).add_to(m)
    m.save(str(path))
    return time.perf_counter() - start


def build_fast_cluster(gdf: Any, path: Path) -> float:
    import folium
    from folium.plugins import FastMarkerCluster

    start = time.perf_counter()
    m = folium.Map(location=[30, 42], zoom_start=5)
    FastMarkerCluster(list(zip(gdf.geometry.y, gdf.geometry.x, strict=True))).add_to(m)
    m.save(str(path))
    return time.perf_counter() - start


def _local_cdn() -> dict[str, Path]:
    import xstatic.pkg.leaflet as xl
    import xstatic.pkg.leaflet_markercluster as xm

    leaflet, cluster = Path(xl.BASE_DIR), Path(xm.BASE_DIR)
    return {"leaflet.js": leaflet / "leaflet.js", "leaflet.css": leaflet / "leaflet.css",
            "marker-icon.png": leaflet / "images" / "marker-icon.png",
            "marker-shadow.png": leaflet / "images" / "marker-shadow.png",
            "leaflet.markercluster.js": cluster / "leaflet.markercluster.js",
            "MarkerCluster.css": cluster / "MarkerCluster.css",
            "MarkerCluster.Default.css": cluster / "MarkerCluster.Default.css"}


def render_times(browser: Any, path: Path, *, ours: bool, repeat: int) -> tuple[float, int]:
    """Median seconds from navigation start to the first frame with everything drawn."""
    local = _local_cdn()
    url = path.resolve().as_uri()
    times, drawn = [], -1
    for _ in range(repeat):
        page = browser.new_page(viewport={"width": 1280, "height": 800})

        def route(r: Any) -> None:
            req = r.request.url
            if req == url:
                r.continue_()
                return
            name = req.rsplit("/", 1)[-1].split("?")[0]
            if name in local:
                r.fulfill(path=str(local[name]))
            else:
                r.fulfill(body="", status=200)

        page.route("**/*", route)
        if not ours:
            page.add_init_script(PAINTED_PEER_INIT)
        page.goto(url, timeout=180_000)
        if ours:
            handle = page.wait_for_function(PAINTED_OURS, timeout=180_000)
            painted, drawn = handle.json_value()
        else:
            page.wait_for_function("() => window.__painted", timeout=180_000)
            painted = page.evaluate("() => window.__painted")
        times.append(painted / 1000)
        page.close()
    return statistics.median(times), drawn


def run(quick: bool) -> list[dict[str, Any]]:
    sys.path.insert(0, str(ROOT))
    from playwright.sync_api import sync_playwright

    n_big, n_marker = (10_000, 1_000) if quick else (100_000, 5_000)
    repeat = 1 if quick else 3
    rows = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        out = Path(tmp)
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        big, small = incidents(n_big), incidents(n_marker)
        t_ours = build_ours(big, out / "ours_big.html")
        t_fast = build_fast_cluster(big, out / "fast.html")
        r_ours, drawn = render_times(browser, out / "ours_big.html", ours=True, repeat=repeat)
        assert drawn == n_big, f"drew {drawn} of {n_big}"
        r_fast, _ = render_times(browser, out / "fast.html", ours=False, repeat=repeat)
        mb = (out / "ours_big.html").stat().st_size / 1e6
        mb_fast = (out / "fast.html").stat().st_size / 1e6
        tag = f"{n_big // 1000}k"
        rows += [
            row(f"webmap {tag} incidents: page size", mb, "MB",
                peer="FastMarkerCluster (no popups)", peer_figure=mb_fast),
            row(f"webmap {tag} incidents: build + save", t_ours, "s",
                peer="FastMarkerCluster", peer_figure=t_fast),
            row(f"webmap {tag} incidents: render in chromium", r_ours, "s",
                peer="FastMarkerCluster", peer_figure=r_fast, drawn=drawn),
        ]
        t_ours_s = build_ours(small, out / "ours_small.html")
        t_mark = build_markers(small, out / "markers.html")
        r_ours_s, _ = render_times(browser, out / "ours_small.html", ours=True, repeat=repeat)
        r_mark, _ = render_times(browser, out / "markers.html", ours=False, repeat=repeat)
        tag = f"{n_marker // 1000}k"
        rows += [
            row(f"webmap {tag} incidents: page size", (out / "ours_small.html").stat().st_size
                / 1e6, "MB", peer="folium.Marker per point",
                peer_figure=(out / "markers.html").stat().st_size / 1e6),
            row(f"webmap {tag} incidents: build + save", t_ours_s, "s",
                peer="folium.Marker per point", peer_figure=t_mark),
            row(f"webmap {tag} incidents: render in chromium", r_ours_s, "s",
                peer="folium.Marker per point", peer_figure=r_mark),
        ]
        browser.close()
    return rows


if __name__ == "__main__":
    for r in run(quick="--quick" in sys.argv):
        print(r)
