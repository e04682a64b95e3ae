"""Render the scenario map (maps/scenario.yml) and save a PNG of it for the README.

Uses the project's own code end to end: the map spec -> conflict_map -> a self-contained
HTML page, opened in Debian's headless chromium (Playwright) with every network request
blocked, then screenshotted.

Usage: .venv/bin/python scripts/screenshot_map.py [-o docs/img/scenario_map.png]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", default=str(ROOT / "docs" / "img" / "scenario_map.png"))
    parser.add_argument("--spec", default=str(ROOT / "maps" / "scenario.yml"))
    parser.add_argument("--width", type=int, default=1200)
    parser.add_argument("--height", type=int, default=760)
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    from geoconflict._atomic import atomic_path
    from geoconflict.webmap._spec import render_map_spec

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        print("chromium not found (Debian: apt-get install chromium)", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        page_path = Path(tmp) / "scenario.html"
        render_map_spec(args.spec).save(page_path)
        url = page_path.as_uri()
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=ARGS)
            page = browser.new_page(viewport={"width": args.width, "height": args.height})
            page.route("**/*", lambda r: r.continue_() if r.request.url == url else r.abort())
            page.goto(url)
            page.wait_for_function("() => window.GeoconflictMap && "
                                   "Object.values(GeoconflictMap.maps).every(s => s.paintedAt)")
            png = page.screenshot(type="png")
            browser.close()
    with atomic_path(args.output, overwrite=True) as out:
        out.write_bytes(png)
    print(f"wrote {args.output} ({len(png) / 1024:.0f} KB)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
