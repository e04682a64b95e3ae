"""``geoconflict proximity`` and ``geoconflict exposure``: thin wrappers over
:mod:`geoconflict.proximity` (which is imported only when a command runs)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from .. import proximity as prox
from .options import (
    feature_format_options,
    feature_output_options,
    input_encoding_option,
    read_input,
    write_output,
    write_table,
)
from .verbosity import info

if TYPE_CHECKING:
    import geopandas as gpd


@click.command()
@click.argument("events", metavar="EVENTS|-")
@click.option("--deployments", "deployments", default="default", show_default=True,
              metavar="FILE|default",
              help="Deployments layer; 'default' is the embedded, cited dataset.")
@click.option("--k", "k", type=click.IntRange(min=1), default=1, show_default=True,
              help="Nearest deployments per incident (one row each, with 'rank').")
@click.option("--max-distance", default=None, metavar="DIST",
              help="Ignore deployments farther than this, e.g. 200km.")
@click.option("--within", "within_", default=None, metavar="DIST",
              help="Instead of the nearest: every incident-deployment pair within DIST.")
@feature_output_options
@feature_format_options
@input_encoding_option
def proximity(events: str, deployments: str, k: int, max_distance: str | None,
              within_: str | None, output: str, overwrite: bool, precision: int, fmt: str,
              seq: bool) -> None:
    """Nearest deployments to incidents, exact on the WGS84 ellipsoid.

    Adds deployment_id, deployment_name, distance_m, bearing_deg and the
    uncertainty range distance_min_m/distance_max_m to every incident.

    \b
    Examples:
      geoconflict proximity incidents.geojson -o near.geojson
      geoconflict proximity incidents.geojson --k 3 --max-distance 200km
      geoconflict proximity incidents.geojson --within 50km --deployments bases.geojson
      geoconflict geocode "Tower 22" | geoconflict proximity - -o -
    """

    incidents = read_input(events)
    bases = read_input(deployments, default="deployments")
    if within_ is not None:
        result = prox.within(incidents, bases, within_)
        info(f"{len(result)} incident-deployment pairs within {within_}")
    else:
        result = prox.nearest(incidents, bases, k=k, max_distance=max_distance)
    write_output(result, output, overwrite=overwrite, precision=precision, fmt=fmt, seq=seq)


@click.command()
@click.argument("events", metavar="EVENTS|-")
@click.option("--deployments", "deployments", default="default", show_default=True,
              metavar="FILE|default",
              help="Deployments layer; 'default' is the embedded, cited dataset.")
@click.option("--radii", default="25km,50km,100km", show_default=True,
              help="Comma-separated radii, e.g. 25km,50km or '10 nmi'.")
@click.option("--freq", default=None, metavar="W|M|Q|Y",
              help="One row per deployment and week (W) or month (M)...")
@click.option("-o", "--output", default="-", show_default=True, metavar="FILE|-",
              help="Output: .csv (default on stdout), or a feature format such as .geojson.")
@click.option("--overwrite", is_flag=True, help="Replace the output file if it exists.")
@input_encoding_option
def exposure(events: str, deployments: str, radii: str, freq: str | None, output: str,
             overwrite: bool) -> None:
    """Incidents and fatalities near each deployment, by radius and event type.

    \b
    Examples:
      geoconflict exposure incidents.geojson -o exposure.csv
      geoconflict exposure incidents.geojson --radii 25km,50km --freq M -o monthly.csv
    """

    incidents = read_input(events)
    bases = read_input(deployments, default="deployments")
    radius_list = [r.strip() for r in radii.split(",") if r.strip()]
    table = prox.exposure(bases, incidents, radii=radius_list, freq=freq)
    if output == "-" or output.lower().endswith(".csv"):
        _write_csv(table, output, overwrite)
    else:
        write_output(table, output, overwrite=overwrite)


def _write_csv(table: gpd.GeoDataFrame, output: str, overwrite: bool) -> None:
    frame = table.drop(columns=table.geometry.name)
    # The columns export writes and read_features reads back: one convention.
    frame.insert(2, "longitude", table.geometry.x.round(6))
    frame.insert(3, "latitude", table.geometry.y.round(6))
    write_table(frame, output, overwrite=overwrite)
