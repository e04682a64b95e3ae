"""Draw the docs gallery: PNG pictures of maps into docs/gallery/ and the page docs/gallery.md.

Each picture is a map geoconflict builds itself, drawn offline by ``ConflictMap.to_image``
(headless Chromium through Playwright, every request that would leave the page blocked):

- the four map specs in ``maps/`` (the embedded scenario and three close-ups of it);
- maps of other regions from synthetic incidents at real towns (``scripts/region_maps.py``;
  not records of real events), one of them with the density layer.

A picture larger than ``--max-kb`` is drawn again 10% smaller, until it fits. The page
lists every picture with its caption and the command that draws it.

Usage: .venv/bin/python scripts/build_gallery.py [--out docs/gallery] [--page docs/gallery.md]
       [--only NAME ...]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from region_maps import REGIONS, region_incidents  # noqa: E402

import geoconflict as gc  # noqa: E402

COMMAND = ".venv/bin/python scripts/build_gallery.py"
REGION_SUBTITLE = "Synthetic incidents at real towns (scripts/region_maps.py); offline basemap"


@dataclass(frozen=True)
class Picture:
    """One gallery entry: its file stem, caption, how to build the map, how to redraw it."""

    name: str
    title: str
    caption: str
    build: Callable[[], Any]
    command: str


def _spec(name: str) -> Callable[[], Any]:
    return lambda: gc.render_map_spec(ROOT / "maps" / f"{name}.yml")


def _region(key: str, *, heatmap: bool = False, title: str | None = None) -> Callable[[], Any]:
    def build() -> Any:
        return gc.conflict_map(incidents=region_incidents(key),
                               title=title or REGIONS[key].title, subtitle=REGION_SUBTITLE,
                               data_date="Synthetic data: not records of real events",
                               heatmap=heatmap)
    return build


def _spec_command(name: str) -> str:
    return (f"geoconflict map maps/{name}.yml -o {name}.png --width {{width}} --height {{height}}  "
            f"# or: {COMMAND} --only {name}")


PICTURES = (
    Picture("scenario", "The scenario",
            "The embedded scenario, January-February 2024: incidents by type and "
            "size by fatalities, the 27 US and coalition deployments, 25 and 50 km geodesic "
            "range rings around Tower 22 and Al-Tanf, the Red Sea shipping lane and the "
            "maritime areas (maps/scenario.yml).", _spec("scenario"), _spec_command("scenario")),
    Picture("baghdad", "Baghdad",
            "Baghdad close-up: the Palestine Street strike of 4 January and the "
            "Mashtal drone strike of 7 February, with the named neighbourhoods, the bases in "
            "Iraq and 5 km rings around the incidents (maps/baghdad.yml).", _spec("baghdad"),
            _spec_command("baghdad")),
    Picture("tower22", "Tower 22",
            "Tower 22 and the Jordan-Syria-Iraq border triangle: the drone attack "
            "of 28 January, Al-Tanf garrison to the north, the Rukban camp and 10/25/50 km "
            "rings around Tower 22 (maps/tower22.yml).", _spec("tower22"),
            _spec_command("tower22")),
    Picture("redsea", "Red Sea shipping",
            "Attacks on shipping in the southern Red Sea and the Gulf of Aden with "
            "the shipping lane, Bab-el-Mandeb, the maritime areas and Camp Lemonnier "
            "(maps/redsea.yml).", _spec("redsea"), _spec_command("redsea")),
    Picture("ukraine_east", "Eastern Ukraine",
            "Eastern Ukraine at town scale: the 1:10m world basemap, lakes "
            "and reservoirs, GeoNames place labels (synthetic incidents).",
            _region("ukraine_east"), f"{COMMAND} --only ukraine_east"),
    Picture("sudan", "Sudan",
            "Sudan at country scale: country names, capitals and large towns "
            "labelled, the Red Sea coast (synthetic incidents).", _region("sudan"),
            f"{COMMAND} --only sudan"),
    Picture("sahel_heatmap", "The Sahel, density layer",
            "Mali, Burkina Faso and Niger with the density layer "
            "(conflict_map(heatmap=True)) over the incidents (synthetic incidents).",
            _region("sahel", heatmap=True,
                    title="The Sahel: incident density (synthetic incidents)"),
            f"{COMMAND} --only sahel_heatmap"),
    Picture("gaza", "Gaza Strip",
            "The Gaza Strip at street scale: a coastline at 1:10m and towns a few "
            "kilometres apart (synthetic incidents).", _region("gaza"),
            f"{COMMAND} --only gaza"),
)


def draw(picture: Picture, path: Path, width: int, height: int,
         max_kb: int) -> tuple[int, int, int]:
    """Draw ``picture`` into ``path``, shrinking it until it is at most ``max_kb``.

    Returns the width, height and byte size written.
    """
    m = picture.build()
    while True:
        png = m.to_image(path, width=width, height=height)
        if len(png) <= max_kb * 1024 or width < 400:
            return width, height, len(png)
        width, height = int(width * 0.9), int(height * 0.9)


def page(entries: list[tuple[Picture, int, int]], out: Path, page_path: Path) -> str:
    """The markdown of the gallery page, pictures linked relative to the page."""
    rel = out.resolve().relative_to(page_path.resolve().parent).as_posix()
    lines = [
        "# Gallery",
        "",
        "Maps drawn by geoconflict itself, offline: each picture is a self-contained HTML map "
        "(`conflict_map` or a map spec in `maps/`) drawn to PNG by `ConflictMap.to_image` in "
        "headless Chromium with every network request blocked. The region maps show "
        "synthetic incidents placed at real towns; they are not records of real events.",
        "",
        f"Every picture on this page is drawn by `{COMMAND}` (about 30 s; needs Chromium "
        "and Playwright: `pip install 'geoconflict[image]'`), which also writes this page. "
        "The command under each picture draws that map alone.",
        "",
    ]
    for picture, width, height in entries:
        lines += [
            f"## {picture.title}",
            "",
            f"![{picture.title}]({rel}/{picture.name}.png)",
            "",
            picture.caption + f" {width} x {height} px.",
            "",
            "```sh",
            picture.command.format(width=width, height=height),
            "```",
            "",
        ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "gallery")
    parser.add_argument("--page", type=Path, default=ROOT / "docs" / "gallery.md")
    parser.add_argument("--only", nargs="+", choices=[p.name for p in PICTURES],
                        help="draw only these pictures (the page still lists all)")
    parser.add_argument("--width", type=int, default=1200)
    parser.add_argument("--height", type=int, default=780)
    parser.add_argument("--max-kb", type=int, default=300)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    entries = []
    for picture in PICTURES:
        path = args.out / f"{picture.name}.png"
        if args.only and picture.name not in args.only and path.exists():
            width, height = png_size(path)
        else:
            width, height, size = draw(picture, path, args.width, args.height, args.max_kb)
            print(f"wrote {path} ({width} x {height}, {size / 1024:.0f} KB)", file=sys.stderr)
        entries.append((picture, width, height))
    args.page.write_text(page(entries, args.out, args.page), encoding="utf-8")
    print(f"wrote {args.page}", file=sys.stderr)
    return 0


def png_size(path: Path) -> tuple[int, int]:
    """Width and height of a PNG, from its IHDR chunk."""
    head = path.read_bytes()[16:24]
    return int.from_bytes(head[:4], "big"), int.from_bytes(head[4:], "big")


if __name__ == "__main__":
    sys.exit(main())
