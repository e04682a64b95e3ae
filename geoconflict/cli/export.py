"""``geoconflict export``: convert features between GeoJSON, GeoPackage, KML, GeoParquet..."""

from __future__ import annotations

import re
from pathlib import Path

import click

from ..io import export as write
from ..io import read_features
from .options import (
    feature_format_options,
    input_encoding,
    input_encoding_option,
    output_option,
    overwrite_option,
    precision_option,
    resolve_format,
)
from .verbosity import info

_NAMED = re.compile(r"^([A-Za-z_][A-Za-z0-9_\-]*)=(.+)$")


def _split_named(inputs: tuple[str, ...], layer: str | None) -> list[tuple[str | None, str]]:
    """Pair each input with its layer name: ``NAME=INPUT``, ``--layer`` or None."""
    named: list[tuple[str | None, str]] = []
    for item in inputs:
        match = _NAMED.match(item)
        if match and not Path(item).exists():
            named.append((match.group(1), match.group(2)))
        else:
            named.append((None, item))
    if sum(src == "-" for _, src in named) > 1:
        msg = "standard input (-) can be read only once"
        raise click.UsageError(msg)
    if layer is not None:
        if len(named) > 1:
            msg = "--layer names a single input; for several, write NAME=INPUT"
            raise click.UsageError(msg)
        named = [(layer, named[0][1])]
    return named


def _layer_names(named: list[tuple[str | None, str]]) -> list[str]:
    names = [name or (Path(src).stem if src != "-" else "features") for name, src in named]
    if len(set(names)) != len(names):
        msg = f"two inputs would make the same layer name ({', '.join(names)}); use NAME=INPUT"
        raise click.UsageError(msg)
    return names


@click.command("export")
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT|-|NAME=INPUT...")
@output_option
@feature_format_options
@click.option("--layer", metavar="NAME",
              help="Layer name in the output (GeoPackage, KML); default: the output file's "
              "name (one input) or each input's file name.")
@click.option("--input-layer", metavar="NAME",
              help="Layer to read from multi-layer inputs (GeoPackage); default: the first.")
@overwrite_option
@click.option("--append", is_flag=True,
              help="GeoPackage: add the layer(s) to an existing file (atomically).")
@precision_option
@click.option("--bbox", is_flag=True, help="GeoJSON: write a bbox on each feature and the "
              "collection.")
@input_encoding_option
def export(inputs: tuple[str, ...], output: str, fmt: str, seq: bool, layer: str | None,
           input_layer: str | None, overwrite: bool, append: bool, precision: int,
           bbox: bool) -> None:
    """Convert features to GeoJSON, GeoJSONSeq, GeoPackage, KML, GeoParquet, FlatGeobuf or CSV.

    INPUT is a file of any format geoconflict reads, or - for GeoJSON / GeoJSON text
    sequences on standard input. Several inputs become several layers of one
    GeoPackage or KML file; name them with NAME=INPUT. Without -o, or with -o -,
    GeoJSON goes to standard output (--seq: RFC 8142 sequences); messages go to
    standard error. Files are written atomically and never replaced without
    --overwrite.

    \b
    Examples:
      geoconflict data export deployments | geoconflict export - -o result.gpkg
      geoconflict export incidents=inc.geojson deployments=bases.geojson -o scenario.gpkg
      geoconflict export rings.geojson -o scenario.gpkg --layer rings --append
      geoconflict export incidents.gpkg --seq | head
      geoconflict export incidents.geojson -o incidents.kml
      geoconflict export scenario.gpkg --input-layer rings -o rings.fgb
    """

    resolved = resolve_format(fmt, seq)
    named = _split_named(inputs, layer)
    frames = [read_features(src, layer=input_layer if src != "-" else None,
                            encoding=input_encoding(src))
              for _, src in named]
    if len(frames) == 1:
        # A lone unnamed input takes its layer name from the output file (as GDAL does).
        written = write(frames[0], output, format=resolved, precision=precision,
                        overwrite=overwrite, layer=named[0][0], append=append, bbox=bbox)
    else:
        layers = dict(zip(_layer_names(named), frames, strict=True))
        written = write(layers, output, format=resolved, precision=precision,
                        overwrite=overwrite, append=append, bbox=bbox)
    total = sum(len(g) for g in frames)
    if written is not None:
        what = f" in {len(frames)} layers" if len(frames) > 1 else ""
        info(f"wrote {total} features{what} to {written}")
