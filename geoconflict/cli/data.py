"""``geoconflict data``: list and export the embedded datasets."""

from __future__ import annotations

import click

from ..datasets import DATASETS, data_dir, list_datasets, load_dataset
from .options import feature_format_options, feature_output_options, write_output, write_table
from .verbosity import info


@click.group()
def data() -> None:
    """List and export the embedded, cited datasets."""


@data.command("list")
def list_command() -> None:
    """List embedded datasets with their record counts and files."""

    for dataset in list_datasets():
        count = len(load_dataset(dataset.name))
        unit = "rows" if dataset.is_table else "features"
        click.echo(f"{dataset.name:<14} {count:>5} {unit:<8} {dataset.description}")
    info(f"(data directory: {data_dir()})")


@data.command("export")
@click.argument("name")
@feature_output_options
@feature_format_options
def export_command(name: str, output: str, overwrite: bool, precision: int, fmt: str,
                   seq: bool) -> None:
    """Export dataset NAME (GeoJSON on standard output by default).

    Tables (troop_totals, actors) are written as CSV.

    \b
    Examples:
      geoconflict data export deployments > bases.geojson
      geoconflict data export sites -o sites.gpkg
      geoconflict data export scenario --seq | geoconflict proximity -
      geoconflict data export troop_totals -o totals.csv
    """

    data = load_dataset(name)
    if DATASETS[name].is_table:
        write_table(data, output, overwrite=overwrite)
        return
    write_output(data, output, overwrite=overwrite, precision=precision, fmt=fmt, seq=seq)
