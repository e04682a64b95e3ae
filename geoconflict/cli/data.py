"""``geoconflict data``: list and export the embedded datasets."""

from __future__ import annotations

import click

from .options import feature_output_options, write_output


@click.group()
def data() -> None:
    """List and export the embedded, cited datasets."""


@data.command("list")
def list_command() -> None:
    """List embedded datasets with their record counts and files."""
    from ..datasets import data_dir, list_datasets, load_dataset

    for dataset in list_datasets():
        count = len(load_dataset(dataset.name))
        unit = "rows" if dataset.is_table else "features"
        click.echo(f"{dataset.name:<14} {count:>5} {unit:<8} {dataset.description}")
    click.echo(f"(data directory: {data_dir()})", err=True)


@data.command("export")
@click.argument("name")
@feature_output_options
def export_command(name: str, output: str, overwrite: bool, precision: int) -> None:
    """Export dataset NAME as GeoJSON (standard output by default).

    \b
    Examples:
      geoconflict data export deployments > bases.geojson
      geoconflict data export sites -o sites.geojson
    """
    from ..datasets import DATASETS, dataset_path, load_dataset

    if name in DATASETS and DATASETS[name].is_table:
        path = dataset_path(name)
        text = path.read_text(encoding="utf-8")
        if output == "-":
            click.echo(text, nl=False)
        else:
            from .._atomic import atomic_path

            with atomic_path(output, overwrite=overwrite) as tmp:
                tmp.write_text(text, encoding="utf-8")
            click.echo(f"wrote {path.name} to {output}", err=True)
        return
    gdf = load_dataset(name)
    write_output(gdf, output, overwrite=overwrite, precision=precision)
