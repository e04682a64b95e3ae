"""``geoconflict parse``: geoparse a news report into located, dated incidents."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .._atomic import atomic_path
from .._inputs import utf8_text
from ..geoparse import parse_text
from ..webmap import conflict_map
from .options import feature_format_options, feature_output_options, write_output
from .verbosity import info


def _report_text(data: bytes | str, name: str) -> str:
    """The report as text: UTF-8 (with or without BOM); anything else is an error."""
    return utf8_text(data, name, hint="re-encode the report (iconv -f cp1256 -t utf-8)")


@click.command()
@click.argument("report", metavar="REPORT.txt|-")
@click.option("--published", metavar="YYYY-MM-DD",
              help="The report's date; relative dates ('on Wednesday') resolve against it.")
@click.option("--source", help="Source name written into each incident (default: file name).")
@click.option("--mentions", "mentions_path", metavar="FILE.csv",
              help="Also write every mention (span, place, role, is_place, longitude, "
                   "latitude) as CSV.")
@click.option("--map", "map_path", metavar="FILE.html",
              help="Also render the incidents on a self-contained HTML map.")
@feature_output_options
@feature_format_options
def parse(report: str, published: str | None, source: str | None,
          mentions_path: str | None, map_path: str | None, output: str, overwrite: bool,
          precision: int, fmt: str, seq: bool) -> None:
    """Geoparse REPORT (a text file, or - for stdin) into incidents (GeoJSON).

    \b
    Examples:
      geoconflict parse report.txt --published 2024-02-08 -o incidents.geojson
      cat report.txt | geoconflict parse - --published 2024-02-08 --map map.html
    """
    import datetime as dt

    if report == "-":
        data = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read()
    else:
        path = Path(report)
        if not path.exists():
            raise click.BadParameter(f"no such file: {path}", param_hint="REPORT")
        data = path.read_bytes()
    text = _report_text(data, "<stdin>" if report == "-" else report)
    when = None
    if published:
        try:
            when = dt.date.fromisoformat(published)
        except ValueError as exc:
            raise click.BadParameter(f"{published!r} is not a date (YYYY-MM-DD)",
                                     param_hint="--published") from exc
    result = parse_text(text, published=when,
                        source=source or (Path(report).name if report != "-" else "stdin"))
    places = int(result.mentions["is_place"].sum())
    others = len(result.mentions) - places
    info(f"{places} place mentions ({others} other name spans), "
         f"{len(result.incidents)} incidents")
    for row in result.incidents.itertuples():
        date = row.event_date.date().isoformat() if row.event_date == row.event_date else "?"
        info(f"  {date}  {row.sub_event_type:<34} {row.location!s:<24} "
             f"fatalities={row.fatalities}")
    if mentions_path:
        with atomic_path(mentions_path, overwrite=overwrite) as tmp:
            # The project's CSV convention names the point columns longitude/latitude.
            result.mentions.drop(columns="geometry").rename(
                columns={"lon": "longitude", "lat": "latitude"}).to_csv(tmp, index=False)
        info(f"wrote {len(result.mentions)} mention spans to {mentions_path}")
    if map_path:
        conflict_map(incidents=result.incidents, title="Incidents parsed from report").save(
            map_path)
        info(f"wrote map to {map_path}")
    write_output(result.incidents, output, overwrite=overwrite, precision=precision, fmt=fmt,
                 seq=seq)
