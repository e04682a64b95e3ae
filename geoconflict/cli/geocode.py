"""``geoconflict geocode``: resolve place names offline (opt-in online) to GeoJSON.

The default path (names on the command line, GeoJSON on stdout) imports neither pandas
nor geopandas nor shapely: the library's :meth:`Geocoder.records` gives plain dicts
with GeoJSON geometries and they are written with :mod:`json`, so a cold run stays well
under a second. Batch files and non-GeoJSON outputs go through geopandas.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path
from typing import Any

import click

from .. import _progress
from ..errors import GeocodeError
from ..geocoder import OUTPUT_COLUMNS, Geocoder, records_to_frame
from ..io import RECORD_SUFFIXES, write_records
from ..units import parse_distance
from .options import feature_output_options, read_input, write_output
from .verbosity import info


def _table(records: list[dict[str, Any]]) -> str:
    headers = ("query", "name", "kind", "country", "lat", "lon", "prec", "uncert_m", "status",
               "match")
    rows = []
    for r in records:
        lon = lat = ""
        if r.get("geometry"):
            lon_f, lat_f = r.get("_ref") or (None, None)
            if lon_f is None:
                coords = r["geometry"]["coordinates"]
                while isinstance(coords[0], list):
                    coords = coords[len(coords) // 2]
                lon_f, lat_f = coords[0], coords[1]
            lon, lat = f"{lon_f:.4f}", f"{lat_f:.4f}"
        unc = "" if r.get("uncertainty_m") is None else f"{r['uncertainty_m']:,.0f}"
        name = r.get("name") or ""
        if r["status"] == "unresolved" and r.get("suggestions"):
            name = "? " + ", ".join(r["suggestions"][:3])
        rows.append((r["query"], name, r.get("kind") or "", r.get("country") or "", lat, lon,
                     "" if r.get("geo_precision") is None else str(r["geo_precision"]), unc,
                     r["status"], r.get("match") or ""))
    widths = [min(36, max(len(h), *(len(str(row[i])) for row in rows)))
              for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        lines.append("  ".join(str(v)[:w].ljust(w) for v, w in zip(row, widths, strict=True)))
    notes = [f"  {r['query']}: {r['notes']}" for r in records if r.get("notes")]
    if notes:
        lines += ["", "notes:", *notes]
    return "\n".join(lines)


def _read_batch(path: str, column: str, encoding: str | None = None
                ) -> tuple[list[str], list[dict[str, Any]], Any]:
    """Names and the other columns of each input row (CSV/TSV via csv; else geopandas)."""
    suffix = Path(path).suffix.lower()
    if path != "-" and suffix in (".csv", ".tsv", ".txt"):
        try:
            with open(path, newline="", encoding=encoding or "utf-8-sig") as fh:
                reader = csv.DictReader(fh, delimiter="\t" if suffix == ".tsv" else ",")
                rows = list(reader)
                fields = reader.fieldnames or []
        except FileNotFoundError:
            raise
        except (csv.Error, UnicodeDecodeError, LookupError, OSError) as exc:
            hint = "; name the encoding with --encoding" \
                if isinstance(exc, UnicodeDecodeError) else ""
            msg = f"{path}: cannot read as CSV: {exc}{hint}"
            raise GeocodeError(msg) from exc
        if column not in fields:
            msg = f"{path}: no column {column!r}; columns are {', '.join(fields)}"
            raise GeocodeError(msg)
        for number, row in enumerate(rows, start=2):
            # csv files a row's fields beyond the header under the key None, and leaves
            # the missing ones None: an unquoted comma in a name, or a ragged file
            if None in row or None in row.values():
                extra = row.get(None) or []
                found = sum(v is not None for k, v in row.items() if k is not None) + len(extra)
                msg = (f"{path}, row {number}: {len(fields)} field(s) expected, found {found}; "
                       "quote names that contain the delimiter (\"Mashtal, Baghdad\")")
                raise GeocodeError(msg)
        return [r[column] or "" for r in rows], rows, None

    gdf = read_input(path)
    if column not in gdf.columns:
        msg = f"{path}: no column {column!r}; columns are {', '.join(map(str, gdf.columns))}"
        raise GeocodeError(msg)
    names = ["" if v is None else str(v) for v in gdf[column].tolist()]
    extra = gdf.drop(columns=[gdf.geometry.name]).to_dict(orient="records")
    return names, extra, gdf


#: Admin columns used as each row's context, most general first, when --context is not
#: given: ACLED's, then UCDP GED's.
_CONTEXT_COLUMNS = (("country", "admin1", "admin2", "admin3"), ("country", "adm_1", "adm_2"))


def _near(text: str) -> tuple[float, ...]:
    """``--near``: LON,LAT / LON,LAT,RADIUS (a distance such as 30km) / W,S,E,N."""
    parts = [p.strip() for p in text.split(",")]
    try:
        if len(parts) == 3:
            return float(parts[0]), float(parts[1]), parse_distance(parts[2])
        if len(parts) in (2, 4):
            return tuple(float(p) for p in parts)
    except ValueError as exc:
        raise click.BadParameter(f"{text!r}: {exc}", param_hint="--near") from None
    raise click.BadParameter(f"{text!r}: give LON,LAT, LON,LAT,RADIUS or W,S,E,N",
                             param_hint="--near")


def _context_columns(given: str | None, rows: list[dict[str, Any]], path: str
                     ) -> list[str]:
    """The columns whose values are each row's context (see ``--context``)."""
    present = set(rows[0]) if rows else set()
    if given is not None:
        columns = [c.strip() for c in given.split(",") if c.strip()]
        missing = [c for c in columns if rows and c not in present]
        if missing:
            msg = f"{path}: no column {missing[0]!r} for --context"
            raise GeocodeError(msg)
        return columns
    for layout in _CONTEXT_COLUMNS:
        if any(c in present for c in layout[1:]):
            return [c for c in layout if c in present]
    return []


@click.command("geocode")
@click.argument("names", nargs=-1)
@click.option("-i", "--input", "input_path", metavar="FILE|-",
              help="Batch mode: a CSV/TSV or any feature file with a column of names.")
@click.option("--column", default="location", show_default=True,
              help="Column holding the place names in --input.")
@click.option("--encoding", metavar="NAME",
              help="Text encoding of a CSV/TSV --input (default: UTF-8).")
@click.option("--table", is_flag=True, help="Print a human-readable table instead of GeoJSON.")
@click.option("--strict", is_flag=True, help="Exit 1 if any name is unresolved.")
@click.option("--online", is_flag=True,
              help="Ask Nominatim (1 request/s, cached) for names the gazetteer lacks.")
@click.option("--country", "countries", multiple=True, metavar="ISO",
              help="Restrict to a country (IRQ, IQ or a name); repeatable.")
@click.option("--kind", "kinds", multiple=True,
              help="Restrict to a kind (city, base, neighbourhood, sea, shipping lane...).")
@click.option("--near", metavar="LON,LAT[,RADIUS]|W,S,E,N",
              help="Favour places inside this area: a point (radius 50km unless given, "
                   "e.g. 44.4,33.3,30km) or a bounding box.")
@click.option("--context", "context_columns", metavar="COL[,COL...]",
              help="Columns of --input whose values (most general first) are each row's "
                   "context; default: country, admin1..admin3 (ACLED) or adm_1, adm_2 "
                   "(UCDP) when present; '' for none.")
@click.option("--user-agent",
              help="User agent for online requests (default: $GEOCONFLICT_USER_AGENT).")
@click.option("--nominatim-url",
              help="Nominatim base URL (default: $GEOCONFLICT_NOMINATIM_URL or the public "
                   "OSM instance).")
@feature_output_options
def geocode(names: tuple[str, ...], input_path: str | None, column: str,
            encoding: str | None, table: bool,
            strict: bool, online: bool, countries: tuple[str, ...], kinds: tuple[str, ...],
            near: str | None, context_columns: str | None, user_agent: str | None,
            nominatim_url: str | None, output: str, overwrite: bool,
            precision: int) -> None:
    """Resolve place NAMES to GeoJSON features with precision and uncertainty.

    Offline by default: curated bases, neighbourhoods, seas and the Red Sea shipping
    lane, GeoNames places and ISO countries/provinces, in Latin or Arabic script.

    \b
    Examples:
      geoconflict geocode "Mashtal, Baghdad" "Tower 22" "Red Sea shipping lanes"
      geoconflict geocode --table "Deir ez-Zor" "Al Qa'im" "بغداد"
      geoconflict geocode --input events.csv --column location -o events.geojson
      geoconflict geocode --strict --country IRQ "Mashtal"
      geoconflict geocode "Ad Dali" "Bari" --near 44.7,13.7,300km

    With --input, each row's admin columns (ACLED country/admin1..3, UCDP adm_1/adm_2)
    favour the places inside them, and the names of the whole file pull towards the
    country most of them are in.
    """

    if not names and not input_path:
        raise click.UsageError("give place names or --input FILE")
    if names == ("-",):
        names = tuple(line.strip() for line in sys.stdin if line.strip())
    nominatim: dict[str, Any] = {}
    if user_agent:
        nominatim["user_agent"] = user_agent
    if nominatim_url:
        nominatim["base_url"] = nominatim_url
    coder = Geocoder(("gazetteer", "nominatim") if online else ("gazetteer",),
                     nominatim=nominatim)
    kw: dict[str, Any] = {"country": list(countries) or None, "kinds": list(kinds) or None,
                          "near": _near(near) if near else None}
    extra: list[dict[str, Any]] | None = None
    if input_path:
        queries, extra, _ = _read_batch(input_path, column, encoding)
        columns = _context_columns(context_columns, extra, input_path)
        if columns:
            kw["context"] = [[str(row[c]) for c in columns
                              if row.get(c) not in (None, "") and str(row[c]) != "nan"]
                             or None for row in extra]
        with _progress.bar(len(queries), "geocoding", unit="name") as advance:
            records = coder.records(queries, progress=advance, **kw)
    else:
        records = coder.records(list(names), **kw)
    if extra is not None:
        for record, row in zip(records, extra, strict=True):
            for key, value in row.items():
                record.setdefault(key if key not in record else f"input_{key}", value)

    if table:
        click.echo(_table(records))
    else:
        _output(records, output, overwrite=overwrite, precision=precision)
    unresolved = [r for r in records if r["status"] == "unresolved"]
    ambiguous = sum(r["status"] == "ambiguous" for r in records)
    click.echo(f"geocoded {len(records) - len(unresolved)}/{len(records)} "
               f"({ambiguous} ambiguous, {len(unresolved)} unresolved)", err=True)
    if strict and unresolved:
        listed = "; ".join(
            f"{r['query']!r}" + (f" (did you mean {', '.join(r['suggestions'][:3])}?)"
                                 if r["suggestions"] else "") for r in unresolved[:20])
        click.echo(f"geoconflict: error: {len(unresolved)} unresolved: {listed}", err=True)
        sys.exit(1)


def _output(records: list[dict[str, Any]], output: str, *, overwrite: bool,
            precision: int) -> None:
    if output == "-" or Path(output).suffix.lower() in RECORD_SUFFIXES:
        written = write_records(records, output, columns=OUTPUT_COLUMNS, precision=precision,
                                overwrite=overwrite)
        if written is not None:
            info(f"wrote {len(records)} features to {written}")
        return
    frame = records_to_frame(records)
    for key in records[0] if records else ():
        if key not in frame.columns and key != "geometry":
            frame[key] = [r.get(key) for r in records]
    write_output(frame, output, overwrite=overwrite, precision=precision)
