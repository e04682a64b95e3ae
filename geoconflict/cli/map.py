"""``geoconflict map``: render a self-contained HTML map, or a PNG/PDF picture of it, from
incidents or a YAML map spec.

Thin over :func:`geoconflict.conflict_map`, :mod:`geoconflict.webmap` map specs and
:meth:`~geoconflict.webmap.ConflictMap.to_image`; folium, geopandas and Playwright are
imported only when the command runs. The output's suffix decides what is written:
``.html``/``.htm`` (or ``-``) a page, ``.png``/``.pdf`` a picture; anything else is an error.
"""

from __future__ import annotations

import struct
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .._atomic import check_writable
from ..datasets import DATASETS, load_dataset
from ..errors import ArgumentError
from ..events import read_events
from ..proximity import rings as make_rings
from ..webmap import conflict_map, load_map_spec
from .options import read_input
from .verbosity import info

if TYPE_CHECKING:
    import geopandas as gpd

    from ..webmap import ConflictMap

SPEC_SUFFIXES = (".yml", ".yaml")
HTML_SUFFIXES = (".html", ".htm")
PICTURE_SUFFIXES = (".png", ".pdf")
PNG_OPTIONS = ("--width", "--height", "--scale")
PDF_OPTIONS = ("--page", "--landscape", "--dpi")


def _incidents(source: str, encoding: str | None = None) -> gpd.GeoDataFrame:

    if source in DATASETS and source != "-":
        return load_dataset(source)

    gdf = read_events(source, encoding=encoding)
    ingest = gdf.attrs.get("ingest")
    rejected = getattr(ingest, "rejected", 0)  # rows, not problems (a row can have several)
    if rejected:
        click.echo(f"geoconflict: warning: {rejected} row(s) of {source} rejected "
                   "(run 'geoconflict events convert' to see why); they are not on the map",
                   err=True)
    return gdf


@click.command("map")
@click.argument("source", metavar="[EVENTS|-|SPEC.yml]", default="scenario")
@click.option("-o", "--output", required=True, metavar="FILE|-",
              help="File to write: .html/.htm a page, .png or .pdf a picture (drawn offline "
                   "by headless Chromium; needs geoconflict[image]); - writes the HTML to "
                   "standard output.")
@click.option("--overwrite", is_flag=True, help="Replace the output file if it exists.")
@click.option("--deployments", default="default", show_default=True,
              metavar="default|FILE|none", help="Deployments layer (default: embedded, cited).")
@click.option("--sites", default="default", show_default=True, metavar="default|FILE|none",
              help="Named sites, maritime areas and shipping lanes.")
@click.option("--rings", default=None, metavar="DIST[,DIST...]",
              help="Geodesic range rings around the deployments, e.g. 25km,50km.")
@click.option("--rings-around", type=click.Choice(["deployments", "incidents"]),
              default="deployments", show_default=True, help="What the rings surround.")
@click.option("--heatmap", is_flag=True, help="Add an incident density (heat) layer.")
@click.option("--timeline", is_flag=True, help="Add a date slider over event_date.")
@click.option("--cluster", type=click.Choice(["auto", "on", "off"]), default="auto",
              show_default=True, help="Cluster incidents (auto: 500-20,000 incidents).")
@click.option("--encoding", metavar="NAME",
              help="Text encoding of a delimited incident file (default: UTF-8, else "
              "detected).")
@click.option("--title", default=None, help="Map title.")
@click.option("--subtitle", default=None, help="Line under the title.")
@click.option("--data-date", default=None, help="Data date shown under the title.")
@click.option("--fragment", is_flag=True,
              help="Write a <div> with its scripts to paste into a page, not a full page.")
@click.option("--online-tiles", default=None, metavar="PROVIDER|URL",
              help="Add online tiles: an xyzservices name (CartoDB.Positron) or a URL "
                   "template (https://host/{z}/{x}/{y}.png); the map "
                   "then loads tiles from the network.")
@click.option("--width", type=click.IntRange(16, 10_000), default=None,
              help="PNG: map width in CSS pixels (default 1200).")
@click.option("--height", type=click.IntRange(16, 10_000), default=None,
              help="PNG: map height in CSS pixels (default 800).")
@click.option("--scale", type=click.FloatRange(0.25, 8), default=None,
              help="PNG: device pixels per CSS pixel (default 1; 2 for a sharp print).")
@click.option("--page", default=None, metavar="A4|A3|A5|Letter|Legal|Tabloid",
              help="PDF: paper size (default A4).")
@click.option("--landscape", is_flag=True, default=None, help="PDF: landscape page.")
@click.option("--dpi", type=click.FloatRange(36, 1200), default=None,
              help="PDF: resolution of the incident symbols and overlays (default 300; "
                   "outlines and text stay vector).")
def map_command(source: str, output: str, overwrite: bool, deployments: str, sites: str,
                rings: str | None, rings_around: str, heatmap: bool, timeline: bool,
                cluster: str, title: str | None, subtitle: str | None, data_date: str | None,
                fragment: bool, online_tiles: str | None, encoding: str | None,
                **picture: float | str | None
                ) -> None:
    """Render a self-contained HTML map (no request leaves the page) or a PNG/PDF of it.

    SOURCE is an incident file (any format 'geoconflict events' reads), - for GeoJSON
    on standard input, the name of an embedded dataset (default: scenario), or a YAML
    map spec (.yml/.yaml) such as maps/scenario.yml; a spec carries its own layers and
    options, so the layer options are not used with one.

    \b
    Examples:
      geoconflict map maps/baghdad.yml -o out/baghdad.html
      geoconflict map incidents.geojson --rings 25km,50km --timeline -o map.html
      geoconflict geocode "Tower 22" | geoconflict map - --deployments default -o t22.html
      geoconflict map acled.csv --heatmap --fragment -o map_fragment.html
      geoconflict map maps/scenario.yml -o scenario.png --width 1600 --height 1000 --scale 2
      geoconflict map maps/scenario.yml -o scenario.pdf --page A4 --landscape
    """

    kind = _output_kind(output, fragment, picture)
    if output != "-":
        check_writable(output, overwrite=overwrite)
    if source.lower().endswith(SPEC_SUFFIXES):
        spec = load_map_spec(source)
        if title:
            spec.kwargs["title"] = title
        if online_tiles:
            spec.kwargs["basemap"] = online_tiles
        cmap = spec.build()
    else:
        incidents = _incidents(source, encoding)
        deps = None if deployments == "none" else read_input(deployments, default="deployments")
        site_layer = None if sites == "none" else read_input(sites, default="sites")
        ring_layer = None
        if rings:
            around = deps if rings_around == "deployments" else incidents
            if around is None or not len(around):
                msg = f"--rings needs {rings_around} to draw around (got none)"
                raise click.UsageError(msg)
            radii = [r.strip() for r in rings.split(",") if r.strip()]
            ring_layer = make_rings(around, radii)
        clustering: bool | str = "auto" if cluster == "auto" else cluster == "on"
        cmap = conflict_map(incidents=incidents, deployments=deps, sites=site_layer,
                            rings=ring_layer, title=title, subtitle=subtitle,
                            data_date=data_date, heatmap=heatmap, timeline=timeline,
                            cluster=clustering, basemap=online_tiles or "auto")
    if output == "-":
        sys.stdout.write(cmap.to_html(fragment=fragment))
        return
    n = len(cmap.spec["incidents"]["lat"]) if cmap.spec.get("incidents") else 0
    counts = f"{n:,} incidents, {len(cmap.spec['deployments'])} deployments"
    if kind == "picture":
        _write_picture(cmap, output, overwrite, picture, counts)
        return
    path = cmap.save(output, overwrite=overwrite, fragment=fragment)
    size = path.stat().st_size / 1e6
    info(f"wrote {path} ({counts}, "
         f"{size:.1f} MB, self-contained{'' if not online_tiles else ' except tiles'})")


def _output_kind(output: str, fragment: bool, picture: dict[str, float | str | None]) -> str:
    """"html" or "picture", from the output's suffix; raise on an unknown suffix or on
    options that do not apply to it (before any data is read)."""
    suffix = "" if output == "-" else Path(output).suffix.lower()
    given = {f"--{k}" for k, v in picture.items() if v is not None}
    if output == "-" or suffix in HTML_SUFFIXES:
        if given:
            msg = f"{_options(given)} to .png/.pdf output, not to HTML"
            raise ArgumentError(msg)
        return "html"
    if suffix not in PICTURE_SUFFIXES:
        msg = (f"cannot tell what to write from the suffix of {output!r}: use .html or .htm "
               "(a page), .png or .pdf (a picture), or - (HTML on standard output)")
        raise ArgumentError(msg)
    if fragment:
        msg = "--fragment writes HTML; it cannot be used with a .png or .pdf output"
        raise ArgumentError(msg)
    wrong = given & set(PDF_OPTIONS if suffix == ".png" else PNG_OPTIONS)
    if wrong:
        other = "PDF" if suffix == ".png" else "PNG"
        msg = f"{_options(wrong)} to {other} output, not to {suffix}"
        raise ArgumentError(msg)
    return "picture"


def _options(names: set[str]) -> str:
    return ", ".join(sorted(names)) + (" apply" if len(names) > 1 else " applies")


def _write_picture(cmap: ConflictMap, output: str, overwrite: bool,
                   picture: dict[str, float | str | None], counts: str) -> None:
    options = {k: v for k, v in picture.items() if v is not None}
    started = time.perf_counter()
    data = cmap.to_image(output, overwrite=overwrite, **options)  # type: ignore[arg-type]
    seconds = time.perf_counter() - started
    if output.lower().endswith(".png"):
        width, height = struct.unpack(">II", data[16:24])
        what = f"{width}x{height} px PNG"
    else:
        turn = " landscape" if options.get("landscape") else ""
        what = f"{options.get('page', 'A4')}{turn} PDF"
    info(f"wrote {output} ({what}, {len(data) / 1e3:,.0f} kB, {counts}; drawn offline "
         f"in {seconds:.1f} s)")
