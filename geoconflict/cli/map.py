"""``geoconflict map``: render a self-contained HTML map from incidents or a YAML map spec.

Thin over :func:`geoconflict.conflict_map` and :mod:`geoconflict.mapspec`; folium and
geopandas are imported only when the command runs.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from .._atomic import check_writable
from ..datasets import DATASETS, load_dataset
from ..events import read_events
from ..proximity import rings as make_rings
from ..webmap import conflict_map, load_map_spec
from .options import read_input

if TYPE_CHECKING:
    import geopandas as gpd

SPEC_SUFFIXES = (".yml", ".yaml")


def _incidents(source: str) -> gpd.GeoDataFrame:

    if source in DATASETS and source != "-":
        return load_dataset(source)

    gdf = read_events(source)
    ingest = gdf.attrs.get("ingest")
    rejects = getattr(ingest, "rejects", None)
    if rejects is not None and len(rejects):
        click.echo(f"geoconflict: warning: {len(rejects)} row(s) of {source} rejected "
                   "(run 'geoconflict events convert' to see why); they are not on the map",
                   err=True)
    return gdf


@click.command("map")
@click.argument("source", metavar="[EVENTS|-|SPEC.yml]", default="scenario")
@click.option("-o", "--output", required=True, metavar="FILE|-",
              help="HTML file to write; - writes the HTML to standard output.")
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
@click.option("--title", default=None, help="Map title.")
@click.option("--subtitle", default=None, help="Line under the title.")
@click.option("--data-date", default=None, help="Data date shown under the title.")
@click.option("--fragment", is_flag=True,
              help="Write a <div> with its scripts to paste into a page, not a full page.")
@click.option("--online-tiles", default=None, metavar="PROVIDER|URL",
              help="Add online tiles: an xyzservices name (CartoDB.Positron) or a URL "
                   "template (https://host/{z}/{x}/{y}.png); the map "
                   "then loads tiles from the network.")
def map_command(source: str, output: str, overwrite: bool, deployments: str, sites: str,
                rings: str | None, rings_around: str, heatmap: bool, timeline: bool,
                cluster: str, title: str | None, subtitle: str | None, data_date: str | None,
                fragment: bool, online_tiles: str | None) -> None:
    """Render a self-contained HTML map: no request leaves the page.

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
    """

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
        incidents = _incidents(source)
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
    path = cmap.save(output, overwrite=overwrite, fragment=fragment)
    n = len(cmap.spec["incidents"]["lat"]) if cmap.spec.get("incidents") else 0
    size = path.stat().st_size / 1e6
    click.echo(f"wrote {path} ({n:,} incidents, {len(cmap.spec['deployments'])} deployments, "
               f"{size:.1f} MB, self-contained{'' if not online_tiles else ' except tiles'})",
               err=True)
