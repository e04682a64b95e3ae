"""The ``geoconflict`` command line: a click group whose commands load lazily.

Each command group lives in its own module here and is imported only when it runs, so
``geoconflict --help`` starts without importing geopandas, folium, osmnx or rasterio.
"""

from __future__ import annotations

import importlib
import sys
import warnings
from typing import Any, TextIO

import click

from .. import __version__
from ..errors import GeoconflictError
from .verbosity import configure

#: command name -> (module, attribute). Keep in ARCHITECTURE order.
COMMANDS: dict[str, tuple[str, str, str]] = {
    "data": ("geoconflict.cli.data", "data", "List and export the embedded, cited datasets."),
    "geocode": ("geoconflict.cli.geocode", "geocode",
                "Resolve place names offline (neighbourhoods, bases, seas)."),
    "gazetteer": ("geoconflict.cli.gazetteer", "gazetteer", "Add, list, remove own gazetteers."),
    "events": ("geoconflict.cli.events", "events",
               "Validate and convert ACLED, UCDP GED, GDELT, CSV and GeoJSON incidents."),
    "parse": ("geoconflict.cli.parse", "parse", "Geoparse a news report into incidents."),
    "proximity": ("geoconflict.cli.proximity", "proximity",
                  "Nearest deployments to incidents (geodesic, WGS84)."),
    "exposure": ("geoconflict.cli.proximity", "exposure",
                 "Incidents near each deployment within radii, per period."),
    "map": ("geoconflict.cli.map", "map_command",
            "Render a self-contained HTML map, or a PNG/PDF picture of it."),
    "export": ("geoconflict.cli.export", "export",
               "Convert features to GeoJSON, GeoPackage, KML, GeoParquet, CSV..."),
    "raster": ("geoconflict.cli.raster", "raster",
               "Density surfaces, zonal exposure and radar coverage (rasterio)."),
    "roads": ("geoconflict.cli.roads", "roads",
              "Road-network distance and OSM site features (osmnx)."),
    "demo": ("geoconflict.cli.demo", "demo", "Run the main job on the embedded scenario."),
}

EPILOG = """\b
Examples:
  geoconflict data list
  geoconflict data export deployments -o bases.geojson
  geoconflict geocode "Mashtal, Baghdad" "Tower 22" "Red Sea shipping lanes"
  geoconflict events convert acled.csv -o incidents.geojson --rejects rejects.csv
  geoconflict geocode "Tower 22" | geoconflict proximity - | geoconflict export - -o out.gpkg
  geoconflict map incidents.geojson --rings 25km,50km -o map.html
  geoconflict demo -o out/

Features on stdin/stdout are GeoJSON (RFC 7946); use - for either.
"""


class LazyGroup(click.Group):
    """A click group that imports a command's module only when the command is used."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = COMMANDS.get(cmd_name)
        if entry is None:
            return None
        module = importlib.import_module(entry[0])
        command: click.Command = getattr(module, entry[1])
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # Short help from COMMANDS, so --help imports no command module.
        rows = [(name, COMMANDS[name][2]) for name in self.list_commands(ctx)]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


@click.group(cls=LazyGroup, epilog=EPILOG,
             context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="geoconflict")
@click.option("-v", "--verbose", count=True,
              help="Say what the library reads, caches, skips and fetches (-vv: debug).")
@click.option("-q", "--quiet", is_flag=True,
              help="No progress bars or informational lines; warnings, errors and "
                   "reject counts still show.")
def cli(verbose: int, quiet: bool) -> None:
    """geoconflict: geocode, ingest, measure and map armed-conflict incidents, offline.

    Distances are geodesic on the WGS84 ellipsoid; every location carries its source,
    precision (1 exact, 2 near, 3 region) and uncertainty radius in metres.
    """
    configure(verbose=verbose, quiet=quiet)


def _show_warning(message: Warning | str, category: type[Warning], filename: str,
                  lineno: int, file: TextIO | None = None, line: str | None = None) -> None:
    """Warnings from the library (rows left out, missing coordinates, fallbacks) are for
    the person at the terminal: one line each on stderr, never on stdout."""
    if not issubclass(category, DeprecationWarning | PendingDeprecationWarning):
        click.echo(f"geoconflict: warning: {message}", err=True)


def main(argv: list[str] | None = None) -> Any:
    """Entry point: run the CLI, turning geoconflict errors into one clear line and
    warnings into stderr lines."""
    warnings.showwarning = _show_warning
    warnings.simplefilter("always")
    try:
        return cli.main(args=argv, prog_name="geoconflict", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except GeoconflictError as exc:
        click.echo(f"geoconflict: error: {exc}", err=True)
        sys.exit(1)
    except FileNotFoundError as exc:
        click.echo(f"geoconflict: error: {exc}", err=True)
        sys.exit(1)
    except BrokenPipeError:
        # The reader of our stdout went away (e.g. `| head`): not an error.
        sys.stderr.close()
        sys.exit(0)
