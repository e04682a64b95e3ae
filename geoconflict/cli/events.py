"""``geoconflict events``: validate and convert incident files (ACLED, UCDP, GDELT, CSV...).

Thin over :func:`geoconflict.events.read_events`; geopandas loads only when a command runs.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import click

from .._atomic import atomic_path
from ..events import INPUT_FORMATS, filter_events, read_events
from .options import feature_format_options, feature_output_options, write_output
from .verbosity import info

if TYPE_CHECKING:
    import pandas as pd

#: The library's own list: a format read_events learns is offered here at once.
_INPUT_FORMATS = ["auto", *INPUT_FORMATS]

input_format_option = click.option(
    "--from", "input_format", default="auto", show_default=True,
    type=click.Choice(_INPUT_FORMATS, case_sensitive=False),
    help="Input format; auto detects it from the file's first bytes and header.")
rejects_option = click.option(
    "--rejects", "rejects_path", metavar="FILE",
    help="Write the rejects table (line, field, reason, value, original columns) as CSV.")
fix_swaps_option = click.option(
    "--fix-swaps", is_flag=True,
    help="Swap probably swapped latitude/longitude instead of rejecting the row.")
rejects_rows_option = click.option(
    "--rejects-rows", "rejects_rows_path", metavar="FILE",
    help="Write one line per rejected input row (line, problems, all its reasons, "
    "original columns) as CSV.")
encoding_option = click.option(
    "--encoding", metavar="NAME",
    help="Text encoding of delimited input (utf-8, cp1256, cp1252, utf-16...); default: "
    "UTF-8, else detected and reported.")
geocode_option = click.option(
    "--geocode", is_flag=True,
    help="Resolve rows without coordinates from their place-name column (offline).")


@click.group()
def events() -> None:
    """Validate and convert ACLED, UCDP GED, GDELT, CSV and GeoJSON incidents.

    \b
    Examples:
      geoconflict events validate acled.csv
      geoconflict events convert acled.csv -o incidents.geojson --rejects rejects.csv
      cat 20240207000000.export.CSV | geoconflict events convert - --type "Air/drone strike"
    """


def _write_rejects(rejects: pd.DataFrame, path: str, overwrite: bool,
                   noun: str = "reject entries (one per problem)") -> None:

    with atomic_path(path, overwrite=overwrite) as tmp:
        rejects.to_csv(tmp, index=False)
    info(f"wrote {len(rejects)} {noun} to {path}")


def _write_reports(report: Any, rejects_path: str | None, rows_path: str | None,
                   overwrite: bool) -> None:
    if rejects_path:
        _write_rejects(report.rejects, rejects_path, overwrite)
    if rows_path:
        _write_rejects(report.rejected_rows(), rows_path, overwrite,
                       noun="rejected rows (one per input row)")


def _print_summary(summary: dict[str, Any]) -> None:
    click.echo(f"file:       {summary['file']}")
    enc = f", encoding {summary['encoding']}" if summary["encoding"] else ""
    delim = f", delimiter {summary['delimiter']!r}" if summary["delimiter"] else ""
    click.echo(f"format:     {summary['format']}{enc}{delim}")
    if summary.get("layout"):
        click.echo(f"layout:     {summary['layout']}")
    if summary.get("encoding_method") in ("detected", "bom"):
        click.echo(f"encoding:   {summary['encoding']} ({summary['encoding_method']}, "
                   f"confidence {summary['encoding_confidence']:.2f})")
    click.echo(f"rows read:  {summary['rows_read']}")
    click.echo(f"accepted:   {summary['accepted']}")
    click.echo(f"rejected:   {summary['rejected']} rows, {summary['problems']} problems "
               "(a row can have several)")
    for reason, count in summary["rejected_by_reason"].items():
        click.echo(f"  {count:>8}  {reason}")
    if summary["changed_by_reason"]:
        click.echo("changed (accepted rows):")
        for reason, count in summary["changed_by_reason"].items():
            click.echo(f"  {count:>8}  {reason}")
    lines = summary.get("lines")
    if lines:
        click.echo(f"lines:      {lines['after_header']} after the header = "
                   f"{lines['in_accepted_rows']} in accepted rows + {lines['in_rejected_rows']}"
                   f" in rejected rows + {lines['metadata']} metadata (HXL) + "
                   f"{lines['blank']} blank")
    ends = summary.get("line_ends") or {}
    if len(ends) > 1:
        click.echo("line ends:  mixed (" + ", ".join(f"{k} {v}" for k, v in ends.items())
                   + "; line breaks inside quoted values count too)")
    dates = summary["date_range"]
    click.echo(f"dates:      {dates[0]} to {dates[1]}" if dates else "dates:      none")
    countries = ", ".join(f"{k} {v}" for k, v in list(summary["countries"].items())[:15])
    more = len(summary["countries"]) - 15
    click.echo(f"countries:  {countries or 'none'}" + (f" (+{more} more)" if more > 0 else ""))
    mix = ", ".join(f"{k}: {v}" for k, v in summary["precision"].items())
    click.echo(f"precision:  {mix or 'none'}")


@events.command("validate")
@click.argument("source", metavar="FILE|-")
@input_format_option
@encoding_option
@rejects_option
@rejects_rows_option
@fix_swaps_option
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("--lenient", is_flag=True,
              help="Exit 0 even when rows are rejected (the default exits 1).")
@click.option("--overwrite", is_flag=True, help="Replace the --rejects file if it exists.")
def validate_command(source: str, input_format: str, encoding: str | None,
                     rejects_path: str | None, rejects_rows_path: str | None,
                     fix_swaps: bool, as_json: bool, lenient: bool, overwrite: bool) -> None:
    """Check FILE and summarise it: rows, accepted, rejected by reason, dates, countries,
    precision mix.

    Exits 1 when any row is rejected (so it can gate a pipeline), unless --lenient.

    \b
    Examples:
      geoconflict events validate acled.csv
      geoconflict events validate ged.csv --rejects rejects.csv --json
    """

    gdf = read_events(source, format=input_format, fix_swaps=fix_swaps, encoding=encoding)
    report = gdf.attrs["ingest"]
    summary = report.summary(gdf)
    if as_json:
        click.echo(json.dumps(summary, indent=2, ensure_ascii=False))
    else:
        _print_summary(summary)
    _write_reports(report, rejects_path, rejects_rows_path, overwrite)
    if report.rejected and not lenient:
        raise SystemExit(1)


@events.command("convert")
@click.argument("source", metavar="FILE|-")
@input_format_option
@feature_output_options
@feature_format_options
@click.option("--since", metavar="DATE", help="Keep events on or after DATE (YYYY-MM-DD).")
@click.option("--until", metavar="DATE", help="Keep events on or before DATE (YYYY-MM-DD).")
@click.option("--country", "countries", multiple=True, metavar="ISO3|NAME",
              help="Keep events in this country (repeatable).")
@click.option("--type", "types", multiple=True, metavar="TYPE",
              help="Keep this ACLED event or sub-event type (repeatable).")
@click.option("--actor", "actors", multiple=True, metavar="TEXT",
              help="Keep events whose actor contains TEXT, case-insensitive (repeatable).")
@click.option("--bbox", metavar="W,S,E,N", help="Keep events within lon/lat bounds.")
@encoding_option
@rejects_option
@rejects_rows_option
@fix_swaps_option
@geocode_option
@click.option("--strict", is_flag=True,
              help="Stop at the first bad row with its line and field, instead of rejecting.")
def convert_command(source: str, input_format: str, output: str, overwrite: bool,
                    precision: int, fmt: str, seq: bool, since: str | None,
                    until: str | None, countries: tuple[str, ...], types: tuple[str, ...],
                    actors: tuple[str, ...], bbox: str | None, encoding: str | None,
                    rejects_path: str | None, rejects_rows_path: str | None,
                    fix_swaps: bool, geocode: bool, strict: bool) -> None:
    """Convert FILE (or - for standard input) to canonical incidents.

    Rejected rows are counted on standard error and written with --rejects.

    \b
    Examples:
      geoconflict events convert acled.csv -o incidents.geojson --rejects rejects.csv
      geoconflict events convert ged.csv --since 2024-01-01 --country IRQ --country SYR
      geoconflict events convert places.csv --geocode -o - | geoconflict proximity -
    """

    box = None
    if bbox:
        try:
            box = tuple(float(v) for v in bbox.split(","))
        except ValueError:
            box = ()
        if len(box) != 4:
            msg = f"--bbox needs W,S,E,N (four numbers), got {bbox!r}"
            raise click.BadParameter(msg, param_hint="--bbox")
    gdf = read_events(source, format=input_format, fix_swaps=fix_swaps, geocode=geocode,
                      on_error="raise" if strict else "reject", encoding=encoding)
    report = gdf.attrs["ingest"]
    selected = filter_events(
        gdf, since=since, until=until, countries=list(countries) or None,
        event_types=list(types) or None, actors=list(actors) or None,
        bbox=box)  # type: ignore[arg-type]
    click.echo(f"{report.source_file}: {report.format}, {report.rows_read} rows read, "
               f"{report.accepted} accepted, {report.rejected} rejected "
               f"({report['problems']} problems)"
               + (f", {len(selected)} selected" if len(selected) != len(gdf) else ""),
               err=True)
    _write_reports(report, rejects_path, rejects_rows_path, overwrite)
    if report.rejected and not (rejects_path or rejects_rows_path):
        click.echo("  (use --rejects FILE to see why)", err=True)
    write_output(selected, output, overwrite=overwrite, precision=precision, fmt=fmt,
                 seq=seq)
