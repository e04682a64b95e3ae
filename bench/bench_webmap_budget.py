"""Size and speed budgets of offline maps (issue 17, item 3), measured, not asserted.

* a country-scale map of 500 incidents (eastern Ukraine, spread over 22-40 E, 45-52 N):
  page size (budget 3 MB) and render time in Chromium;
* the 100,000-incident page (Iraq to Yemen, 36-48 E, 12-37 N): page size (budget 12 MB)
  and render time (budget 3 s), all 100,000 drawn;
* ``geoconflict map incidents.geojson -o map.html`` for 100,000 incidents, end to end in a
  new process (budget 3 s): wall time and peak RSS. Reading the GeoJSON is
  ``geoconflict.io`` (``read_features``), which this benchmark only measures.

Render time is navigation start -> two animation frames after the last layer was drawn
(``paintedAt``), median of 3 loads, Debian's headless chromium, network blocked.

Run: .venv/bin/python bench/run.py --only webmap_budget   (or --quick: 500 and 10,000)
"""

from __future__ import annotations

import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _timing import row
from bench_webmap import ARGS, PAINTED_OURS, incidents

ROOT = Path(__file__).resolve().parents[1]
BUDGET_COUNTRY_MB, BUDGET_BIG_MB, BUDGET_RENDER_S, BUDGET_CLI_S = 3.0, 12.0, 3.0, 3.0


def country_incidents(n: int, seed: int = 3) -> Any:
    """n synthetic incidents over eastern and southern Ukraine (a country-scale map)."""
    import numpy as np

    gdf = incidents(n, seed)
    rng = np.random.default_rng(seed)
    import geopandas as gpd

    return gdf.set_geometry(gpd.points_from_xy(rng.uniform(30, 40, n), rng.uniform(45.5, 51, n),
                                               crs="EPSG:4326"))


def render(browser: Any, path: Path, repeat: int) -> tuple[float, int]:
    url = path.resolve().as_uri()
    times, drawn = [], -1
    for _ in range(repeat):
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.route("**/*", lambda r: r.continue_() if r.request.url == url else r.abort())
        page.goto(url, timeout=180_000)
        painted, drawn = page.wait_for_function(PAINTED_OURS, timeout=180_000).json_value()
        times.append(painted / 1000)
        page.close()
    return statistics.median(times), drawn


def cli_end_to_end(gdf: Any, folder: Path) -> tuple[float, float, float, float]:
    """(wall seconds, CPU seconds, peak RSS MiB, page MB) of ``geoconflict map FILE -o
    map.html``; CPU time (user + system) varies less than wall time on a shared machine."""
    src = folder / "incidents.geojson"
    gdf.to_file(src, driver="GeoJSON")
    out = folder / "map.html"
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    before, cpu0 = usage.ru_maxrss, usage.ru_utime + usage.ru_stime
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "geoconflict", "-q", "map", str(src), "-o", str(out),
                    "--overwrite"], check=True, cwd=folder)
    wall = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = usage.ru_utime + usage.ru_stime - cpu0
    return wall, cpu, max(usage.ru_maxrss, before) / 1024, out.stat().st_size / 1e6


def run(quick: bool) -> list[dict[str, Any]]:
    sys.path.insert(0, str(ROOT))
    from playwright.sync_api import sync_playwright

    import geoconflict as gc

    n_big = 10_000 if quick else 100_000
    repeat = 1 if quick else 3
    rows = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        out = Path(tmp)
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        country = country_incidents(500)
        m = gc.conflict_map(incidents=country, title="500 incidents, Ukraine")
        m.save(out / "country.html")
        size = (out / "country.html").stat().st_size / 1e6
        r_country, _ = render(browser, out / "country.html", repeat)
        bm = m.spec["basemap"]
        rows += [
            row("map 500 incidents, country scale: page size", size, "MB",
                budget=BUDGET_COUNTRY_MB, level=bm["level"],
                labels=len(m.spec["labels"]["name"])),
            row("map 500 incidents, country scale: render", r_country, "s"),
        ]
        big = incidents(n_big)
        start = time.perf_counter()
        mb = gc.conflict_map(incidents=big, title="benchmark")
        mb.save(out / "big.html")
        t_build = time.perf_counter() - start
        size_big = (out / "big.html").stat().st_size / 1e6
        r_big, drawn = render(browser, out / "big.html", repeat)
        browser.close()
        tag = f"{n_big // 1000}k"
        rows += [
            row(f"map {tag} incidents: page size", size_big, "MB", budget=BUDGET_BIG_MB,
                level=mb.spec["basemap"]["level"]),
            row(f"map {tag} incidents: build + save (in process)", t_build, "s"),
            row(f"map {tag} incidents: render in chromium", r_big, "s",
                budget=BUDGET_RENDER_S, drawn=drawn),
        ]
        wall, cpu, rss, page_mb = cli_end_to_end(big, out)
        rows.append(row(f"geoconflict map {tag}.geojson -o map.html (end to end)", wall, "s",
                        budget=BUDGET_CLI_S, cpu_s=round(cpu, 2), peak_rss_mib=round(rss),
                        page_mb=page_mb))
    return rows


if __name__ == "__main__":
    for r in run(quick="--quick" in sys.argv):
        print(r)
