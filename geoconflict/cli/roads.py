"""``geoconflict roads``: distance by road and OSM features around a site (osmnx).

Offline by default: give an OSM XML extract with ``--osm``. ``--online`` (opt-in) asks
the Overpass API instead, cached on disk and rate-limited.
"""

from __future__ import annotations

import click

from .._atomic import check_writable
from ..errors import InputNotFoundError
from ..roads import NETWORK_TYPES, road_distance, road_network, site_features
from ..units import parse_distance
from .options import (
    feature_format_options,
    feature_output_options,
    input_encoding_option,
    overwrite_option,
    read_input,
    write_output,
    write_table,
)
from .verbosity import info


def _source(osm: str | None, online: bool) -> str:
    if online and osm:
        raise click.UsageError("give either --osm FILE or --online, not both")
    if not (online or osm):
        raise click.UsageError("give --osm FILE.osm (offline) or --online (Overpass, opt-in)")
    return "online" if online else str(osm)


def _check_early(osm: str | None, output: str, overwrite: bool) -> None:
    """Fail before the (slow) network load when the input or output is unusable."""
    from pathlib import Path

    if osm and not Path(osm).is_file():
        msg = f"no such OSM file: {osm}"
        raise InputNotFoundError(msg)
    if output != "-":
        check_writable(output, overwrite=overwrite)


def _bbox(text: str | None) -> tuple[float, float, float, float] | None:
    if text is None:
        return None
    try:
        west, south, east, north = (float(v) for v in text.split(","))
    except ValueError:
        msg = f"--bbox {text!r}: write WEST,SOUTH,EAST,NORTH in degrees"
        raise click.BadParameter(msg) from None
    return west, south, east, north


@click.group()
def roads() -> None:
    """Road-network distance and OSM site features (osmnx), offline from .osm files.

    \b
    Examples:
      geoconflict roads distance --osm baghdad.osm --from deployments --to events.geojson -o out.csv
      geoconflict roads features "Tower 22" --radius 2km --osm jordan.osm -o t22.geojson
    """


@roads.command("distance")
@click.option("--osm", "osm", metavar="FILE.osm", help="Local OSM XML extract (offline).")
@click.option("--online", is_flag=True, help="Download the network from Overpass (opt-in).")
@click.option("--from", "from_", required=True, metavar="deployments|FILE|-",
              help="Origins: an embedded dataset name (deployments) or a features file.")
@click.option("--to", "to", required=True, metavar="FILE|-",
              help="Destinations (e.g. incidents): a features file, or - for stdin.")
@click.option("--bbox", metavar="W,S,E,N", help="Only this area of the network (degrees).")
@click.option("--network-type", type=click.Choice(NETWORK_TYPES), default="drive",
              show_default=True)
@click.option("--max-snap", default="1km", show_default=True,
              help="Flag points farther than this from any road.")
@click.option("-o", "--output", default="-", show_default=True, metavar="FILE.csv|-",
              help="CSV table; - writes to standard output.")
@overwrite_option
@input_encoding_option
def distance_command(osm: str | None, online: bool, from_: str, to: str, bbox: str | None,
                     network_type: str, max_snap: str, output: str, overwrite: bool) -> None:
    """Road distance and travel time from every origin to every destination.

    Writes one CSV row per pair (none dropped): road_distance_m, travel_time_s,
    straight_m, detour_ratio, snap distances, too_far_from_road, reachable, status.

    \b
    Examples:
      geoconflict roads distance --osm city.osm --from deployments --to events.geojson -o out.csv
      geoconflict events convert acled.csv | geoconflict roads distance --osm city.osm \\
          --from bases.geojson --to - -o out.csv
      geoconflict roads distance --online --bbox 44.35,33.25,44.45,33.35 \\
          --from bases.geojson --to events.geojson
    """

    source = _source(osm, online)
    area = _bbox(bbox)
    if online and area is None:
        raise click.UsageError("--online needs --bbox W,S,E,N (what to download)")
    limit = parse_distance(max_snap)
    _check_early(osm, output, overwrite)
    if from_ == "-" and to == "-":
        raise click.UsageError("only one of --from and --to can read standard input")
    origins, destinations = read_input(from_), read_input(to)
    graph = road_network(area, source=source, network_type=network_type)
    info(f"road network: {graph.number_of_nodes():,} nodes, "
         f"{graph.number_of_edges():,} edges ({network_type})")
    table = road_distance(origins, destinations, graph, max_snap=limit)
    counts = table["status"].value_counts()
    summary = ", ".join(f"{count} {status}" for status, count in counts.items())
    click.echo(f"{len(origins)} origins x {len(destinations)} destinations: {summary}", err=True)
    write_table(table, output, overwrite=overwrite, noun="origin-destination pairs")


@roads.command("features")
@click.argument("site")
@click.option("--radius", default="1km", show_default=True, help="Search radius, e.g. 2km.")
@click.option("--osm", "osm", metavar="FILE.osm", help="Local OSM XML extract (offline).")
@click.option("--online", is_flag=True, help="Query Overpass instead (opt-in).")
@click.option("--tag", "tag_args", multiple=True, metavar="KEY[=VALUE]",
              help="OSM tag to look for (repeatable); default: military land use, "
                   "buildings, roads, barriers.")
@feature_output_options
@feature_format_options
def features_command(site: str, radius: str, osm: str | None, online: bool,
                     tag_args: tuple[str, ...], output: str, overwrite: bool,
                     precision: int, fmt: str, seq: bool) -> None:
    """OSM features within --radius of SITE (a deployment name or LON,LAT), as GeoJSON.

    \b
    Examples:
      geoconflict roads features "Tower 22" --radius 2km --osm jordan.osm -o t22.geojson
      geoconflict roads features 44.401,33.303 --radius 500m --osm city.osm \\
          --tag landuse=military --tag building
    """

    source = _source(osm, online)
    _check_early(osm, output, overwrite)
    tags: dict[str, bool | str | list[str]] | None = None
    if tag_args:
        tags = {}
        for arg in tag_args:
            key, _, value = arg.partition("=")
            if not key:
                raise click.BadParameter(f"--tag {arg!r}: write KEY or KEY=VALUE")
            if not value:
                tags[key] = True
            else:
                previous = tags.get(key)
                values = previous if isinstance(previous, list) else []
                tags[key] = [*values, value]
    gdf = site_features(site, radius, tags=tags, source=source)
    info(f"{len(gdf)} OSM features within {radius} of {site}")
    write_output(gdf, output, overwrite=overwrite, precision=precision, fmt=fmt, seq=seq)
