"""Options and helpers shared by every command, so the commands read alike."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from .._atomic import atomic_path
from ..datasets import DATASETS, is_dataset_name, load_dataset
from ..io import FORMATS, export, read_features
from .verbosity import info

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

F = TypeVar("F", bound=Callable[..., Any])

#: ``-o/--output``: a file, or ``-`` (the default) for standard output.
output_option = click.option(
    "-o", "--output", default="-", show_default=True, metavar="FILE|-",
    help="Output file; - writes GeoJSON to standard output.",
)
overwrite_option = click.option(
    "--overwrite", is_flag=True, help="Replace the output file if it exists.")
precision_option = click.option(
    "--precision", type=click.IntRange(0, 15), default=6, show_default=True,
    help="Decimal places of output coordinates.")


#: ``-f/--format``: the output format, by default from the output file's suffix.
format_option = click.option(
    "-f", "--format", "fmt", default="auto", show_default=True,
    type=click.Choice(["auto", *FORMATS], case_sensitive=False),
    help="Output format; auto picks it from the suffix (GeoJSON on standard output).")
#: ``--seq``: RFC 8142 GeoJSON text sequences, one RS-prefixed feature per line.
seq_option = click.option(
    "--seq", is_flag=True,
    help="Write a GeoJSON text sequence (RFC 8142), the streaming form for pipes.")


def feature_format_options(func: F) -> F:
    """Decorate a command with ``-f/--format`` (as ``fmt``) and ``--seq``."""
    return format_option(seq_option(func))


def resolve_format(fmt: str, seq: bool) -> str:
    """Combine ``--format`` and ``--seq``: ``--seq`` means geojsonseq for GeoJSON output."""
    if not seq:
        return fmt
    if fmt in ("auto", "geojson", "geojsonseq"):
        return "geojsonseq"
    msg = f"--seq writes GeoJSON text sequences; it cannot be combined with --format {fmt}"
    raise click.UsageError(msg)


def feature_output_options(func: F) -> F:
    """Decorate a command with ``-o``, ``--overwrite`` and ``--precision``."""
    return output_option(overwrite_option(precision_option(func)))


def _remember_encoding(ctx: click.Context, param: click.Parameter, value: str | None
                       ) -> str | None:
    if value:
        ctx.meta[_ENCODING_KEY] = value
    return value


_ENCODING_KEY = "geoconflict.input_encoding"
#: ``--encoding``: the text encoding of CSV inputs, for the commands that read features
#: (stored on the click context and applied by :func:`read_input`).
input_encoding_option = click.option(
    "--encoding", metavar="NAME", expose_value=False, callback=_remember_encoding,
    help="Text encoding of CSV inputs (utf-8, cp1256, cp1252, utf-16...); default UTF-8. "
         "GeoJSON is always UTF-8.")


def read_input(src: str, *, default: str | None = None) -> gpd.GeoDataFrame:
    """Read features from a path, ``-`` (GeoJSON/GeoJSONSeq on stdin) or the name of an
    embedded dataset (``deployments``, ``scenario``...; a file of that name wins).
    ``default`` names the dataset that the word ``default`` stands for. A CSV input is
    decoded with the command's ``--encoding`` (only the named input's: embedded
    datasets and the word ``default`` are UTF-8)."""
    name = default if src == "default" and default else src
    if is_dataset_name(name) and not DATASETS[name].is_table and not Path(src).exists():
        return load_dataset(name)
    return read_features(src, encoding=input_encoding(src))


def input_encoding(src: str) -> str | None:
    """The command's ``--encoding`` when ``src`` is a CSV file, else None."""
    ctx = click.get_current_context(silent=True)
    encoding = ctx.meta.get(_ENCODING_KEY) if ctx is not None else None
    return encoding if Path(src).suffix.lower() in (".csv", ".tsv") else None


def write_output(gdf: gpd.GeoDataFrame, output: str, *, overwrite: bool = False,
                 precision: int = 6, fmt: str = "auto", seq: bool = False) -> None:
    """Write features to ``output`` (``-`` is stdout) and say so on stderr."""

    written = export(gdf, output, format=resolve_format(fmt, seq), precision=precision,
                     overwrite=overwrite)
    if written is not None:
        info(f"wrote {len(gdf)} features to {written}")


def write_table(frame: pd.DataFrame, output: str, *, overwrite: bool = False,
                noun: str = "rows") -> None:
    """Write a table as CSV to ``output`` (``-`` is stdout) and say so on stderr.

    Files are written atomically (:func:`geoconflict._atomic.atomic_path`); line
    endings are ``\\n`` on every platform so outputs compare byte for byte.
    ``noun`` names the rows in the message (``"wrote 12 rows to out.csv"``).
    """
    if output == "-":
        frame.to_csv(sys.stdout, index=False, lineterminator="\n")
        return

    with atomic_path(output, overwrite=overwrite) as tmp:
        frame.to_csv(tmp, index=False, lineterminator="\n")
    info(f"wrote {len(frame)} {noun} to {output}")
