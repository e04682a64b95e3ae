"""``geoconflict gazetteer``: add, list and remove the analyst's own gazetteers.

The command orchestrates: a GeoNames dump or a places file goes to
:func:`geoconflict.geocoder.add_gazetteer` as it is; an incident file (ACLED, UCDP GED,
GDELT, CSV, GeoJSON) is read by :func:`geoconflict.events.read_events` and turned into a
table of named places by :func:`geoconflict.events.places_from_events` first.
"""

from __future__ import annotations

from pathlib import Path

import click

from ..events import places_from_events, read_events
from ..geocoder import add_gazetteer, gazetteer_format, list_gazetteers, remove_gazetteer
from .verbosity import info


@click.group()
def gazetteer() -> None:
    """Add, list and remove your own gazetteers (kept in the cache, used offline)."""


@gazetteer.command("add")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--name", help="Name of the gazetteer (default: the file name's stem).")
def add_command(file: Path, name: str | None) -> None:
    """Index FILE as a gazetteer: a GeoNames dump (XX.txt, XX.zip, allCountries,
    cities*.txt), an incident file (ACLED, UCDP GED, GDELT, CSV, GeoJSON) or a
    GeoJSON/GeoPackage/CSV of named places.

    \b
    Examples:
      geoconflict gazetteer add IQ.zip
      geoconflict gazetteer add ged_iraq.csv --name ucdp-iraq
      geoconflict gazetteer add my_places.geojson
    """
    if gazetteer_format(file) is not None:
        report = add_gazetteer(file, name=name)
    else:
        events = read_events(file)
        places = places_from_events(events, dataset=file.name)
        report = add_gazetteer(places, name=name or file.name.split(".")[0], origin=str(file))
        report["events"] = len(events)
    conflicts = report.get("conflicting_names")
    extra = f"; {conflicts} names had conflicting coordinates (most precise consensus " \
        "kept)" if conflicts else ""
    info(f"added gazetteer {report['name']} (version {report['version']}, "
         f"{report['format']}): {report['entries']:,} places in {report['seconds']} s, "
         f"{report['bytes'] / 2**20:.1f} MiB{extra}")


@gazetteer.command("list")
def list_command() -> None:
    """List the added gazetteers."""
    rows = list_gazetteers()
    for g in rows:
        if "error" in g:
            click.echo(f"{g['name']:<24} damaged: {g['error']}")
            continue
        click.echo(f"{g['name']:<24} {g.get('entries', 0):>9,} places  {g.get('format', '')}"
                   f"  version {g.get('version', '')}  added {g.get('added', '')}"
                   f"  from {g.get('source', '')}")
    if not rows:
        info("no gazetteers added (geoconflict gazetteer add FILE)")


@gazetteer.command("remove")
@click.argument("name")
def remove_command(name: str) -> None:
    """Remove the added gazetteer NAME."""
    remove_gazetteer(name)
    info(f"removed gazetteer {name}")
