"""``geoconflict raster``: density surfaces, zonal exposure and radar coverage."""

from __future__ import annotations

import click

from ..errors import RasterError
from ..raster import density, radar_coverage, zonal_exposure
from ..units import parse_distance
from .options import input_encoding_option, overwrite_option, read_input, write_table
from .verbosity import info


@click.group()
def raster() -> None:
    """Density surfaces, zonal exposure and radar coverage (rasterio).

    \b
    Examples:
      geoconflict raster density incidents.geojson -o density.tif --cell 1km --bandwidth 5km
      geoconflict raster exposure rings.geojson worldpop.tif -o exposure.csv
      geoconflict raster coverage dem.tif --site "Tower 22" --antenna 10m \\
          --target-agl 50m --max-range 50km -o coverage.tif --sectors sectors.csv
    """


@raster.command("density")
@click.argument("events")
@click.option("-o", "--output", required=True, metavar="FILE.tif",
              help="Cloud-Optimized GeoTIFF to write.")
@click.option("--cell", default="2km", show_default=True, help="Cell size, e.g. 500m, 2km.")
@click.option("--bandwidth", default="10km", show_default=True,
              help="Gaussian kernel standard deviation.")
@click.option("--weight", default=None, help="Column of weights (e.g. fatalities).")
@click.option("--bounds", default=None, metavar="W,S,E,N",
              help="Extent in degrees (default: the data, padded by 4 bandwidths).")
@overwrite_option
@input_encoding_option
def density_command(events: str, output: str, cell: str, bandwidth: str, weight: str | None,
                    bounds: str | None, overwrite: bool) -> None:
    """Kernel density of incidents in EVENTS (file or - for GeoJSON on stdin).

    Cells and bandwidth are true metres (Lambert equal-area projection centred on the
    data); values are incidents (or weight units) per km².
    """

    box = None
    if bounds:
        try:
            w, s, e, n = (float(v) for v in bounds.split(","))
        except ValueError:
            msg = f"--bounds {bounds!r} must be four numbers W,S,E,N"
            raise RasterError(msg) from None
        box = (w, s, e, n)
    incidents = read_input(events)
    try:
        result = density(incidents, cell=cell, bandwidth=bandwidth, weight=weight,
                         bounds=box, path=output, overwrite=overwrite)
    except RasterError as exc:  # name the input the surface could not be made from
        raise RasterError(f"{'<stdin>' if events == '-' else events}: {exc}") from exc
    rows, cols = result.data.shape
    info(f"wrote {rows}x{cols} density surface ({result.tags['incidents']} incidents, "
         f"peak {float(result.data.max()):.4g} {result.units}) to {output}")


@raster.command("exposure")
@click.argument("zones")
@click.argument("raster_path", metavar="RASTER")
@click.option("-o", "--output", default="-", show_default=True, metavar="FILE.csv|-",
              help="CSV table to write; - for standard output.")
@click.option("--stats", default="sum,mean,max", show_default=True,
              help="Comma-separated: sum, mean, max, min, count, area_km2, integral.")
@click.option("--band", default=1, show_default=True, type=int)
@overwrite_option
@input_encoding_option
def exposure_command(zones: str, raster_path: str, output: str, stats: str, band: int,
                     overwrite: bool) -> None:
    """Statistics of RASTER (WorldPop people, a density surface...) in each zone of ZONES.

    Reads only the raster windows under the zones; partial pixels count by the
    share of their area inside the zone.
    """

    names = tuple(s.strip() for s in stats.split(",") if s.strip())
    table = zonal_exposure(read_input(zones), raster_path, names, band=band)
    write_table(table.drop(columns=table.geometry.name), output, overwrite=overwrite)


@raster.command("coverage")
@click.argument("dem")
@click.option("--site", required=True, help='Deployment name ("Tower 22") or LON,LAT.')
@click.option("--antenna", default="10m", show_default=True,
              help="Antenna height above ground.")
@click.option("--target-agl", default="50m", show_default=True,
              help="Target height above ground (e.g. a low-flying drone).")
@click.option("--max-range", default="50km", show_default=True, help="Analysis radius.")
@click.option("--refraction-k", default=4 / 3, show_default="4/3", type=float,
              help="Effective Earth radius factor (4/3 standard atmosphere; 1 none).")
@click.option("--sector-count", default=36, show_default=True, type=click.IntRange(1, 360),
              help="Bearing sectors in the hidden-area table.")
@click.option("-o", "--output", required=True, metavar="FILE.tif",
              help="Coverage GeoTIFF: 1 visible, 0 hidden, 255 out of range/no data.")
@click.option("--sectors", "sectors_csv", default=None, metavar="FILE.csv",
              help="Write the per-sector table here (default: print it to stderr).")
@overwrite_option
def coverage_command(dem: str, site: str, antenna: str, target_agl: str, max_range: str,
                     refraction_k: float, sector_count: int, output: str,
                     sectors_csv: str | None, overwrite: bool) -> None:
    """Radar coverage of a low-flying target around a site over the terrain of DEM.

    Accounts for Earth curvature and refraction; reports the hidden approach area
    (km²) per bearing sector.
    """

    result = radar_coverage(dem, site, parse_distance(antenna),
                            parse_distance(target_agl), max_range, path=output,
                            sectors=sector_count, k=refraction_k, overwrite=overwrite)
    table = result.sectors
    assert table is not None
    if sectors_csv:
        write_table(table, sectors_csv, overwrite=overwrite)
    else:
        shown = table[["bearing_from_deg", "bearing_to_deg", "area_km2", "hidden_km2",
                       "hidden_fraction"]]
        click.echo(shown.to_string(index=False, float_format=lambda v: f"{v:.3f}"), err=True)
    info(f"hidden approach area {result.hidden_km2:.1f} km² of "
         f"{float(table['area_km2'].sum()):.1f} km² in range; wrote {output}")
