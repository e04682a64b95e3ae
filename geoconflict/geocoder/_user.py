"""The analyst's own gazetteers: add, list and remove them; they persist in the cache.

Accepted sources (:func:`add_gazetteer`):

- **GeoNames dumps**: ``XX.txt``, ``XX.zip``, ``allCountries``, ``cities*.txt`` (the
  19-column tab-separated format), every feature class; ``alternatenames`` indexed.
  Feature codes map to kinds (:data:`GEONAMES_KINDS`: PPLX neighbourhood, CMPRF camp,
  AIRP airport, AIRB air base, INSM military base, PRT port, HSP hospital, PS power
  plant, DAM dam...; other codes keep their code in lower case). The file is streamed
  into columns and sorted runs (:mod:`._dump`), so a full ``allCountries`` (12 million
  rows) adds in bounded memory.
- **a table of named places** (a pandas DataFrame): what
  :func:`geoconflict.events.places_from_events` makes of an incident file, or any table
  with ``name`` and ``lon``/``lat`` (optional ``aliases`` ``|``-separated, ``kind``,
  ``country``, ``geo_precision``, ``uncertainty_m``, ``admin1``);
- **a places file**: GeoJSON, GeoPackage or CSV of named points (same columns; points
  from the geometry or from ``lon``/``lat``).

Each gazetteer is one index file (:mod:`._store`, data only, mapped rather than loaded
by the geocoder) in
``<cache>/gazetteers/NAME.npz``, written atomically: a wrong-format or damaged source
raises :class:`~geoconflict.errors.GazetteerError` before anything is written, and two
processes adding at once each leave a whole file. Entries get ``source_id``
``NAME@VERSION:ID`` (VERSION: the first 12 hex digits of the source's SHA-256), so
results name the gazetteer and the version they came from. The geocoder looks added
gazetteers up after the curated layers; the precision-1 entries of incident histories
and places files rank above GeoNames', those of an added GeoNames dump like the
embedded GeoNames (every hamlet there is precision 1; see :mod:`._matching`).
"""

from __future__ import annotations

import csv
import hashlib
import math
import re
import time
import warnings
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._config import cache_dir
from ..errors import CacheError, CacheWarning, GazetteerError
from ._dump import GEONAMES_KINDS, index_dump, is_geonames_dump
from ._index import Gazetteer
from ._store import map_index, save_index

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["GEONAMES_KINDS", "add_gazetteer", "gazetteer_format", "gazetteers_dir",
           "generation", "is_geonames_dump", "is_places_file", "list_gazetteers",
           "load_user_layers", "remove_gazetteer"]

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_generation = 0


def gazetteers_dir() -> Path:
    """Where added gazetteers live: ``<cache>/gazetteers``."""
    return cache_dir() / "gazetteers"


def generation() -> tuple[int, str, int]:
    """What the added gazetteers' state depends on: a counter bumped by every add and
    remove in this process, the gazetteers folder (``GEOCONFLICT_CACHE_DIR`` can change)
    and its modification time (another process sharing the cache added or removed
    one). Geocoders built under another state reload."""
    folder = gazetteers_dir()
    try:
        mtime = folder.stat().st_mtime_ns
    except OSError:
        mtime = 0
    return _generation, str(folder), mtime


def _check_name(name: str) -> str:
    if not _NAME.match(name):
        msg = (f"gazetteer name {name!r}: use letters, digits, '.', '_' or '-' "
               "(at most 64 characters)")
        raise GazetteerError(msg)
    return name


# ------------------------------------------------------------------- tables of places
#: Columns that make a table an incident file rather than a list of places.
_EVENT_COLUMNS = frozenset(("event_date", "event_id_cnty", "date_start", "sqldate",
                            "location", "where_coordinates"))


def is_places_file(path: Path) -> bool:
    """True if ``path`` is a CSV or feature file with a ``name`` column and no incident
    columns (an incident file goes through :mod:`geoconflict.events` instead)."""
    suffix = path.suffix.lower()
    try:
        if suffix in (".csv", ".tsv", ".txt"):
            with path.open(encoding="utf-8", newline="") as fh:
                header = next(csv.reader(fh, delimiter="\t" if suffix == ".tsv" else ","), [])
        else:
            import pyogrio

            header = list(pyogrio.read_info(path)["fields"])
    except Exception:  # unreadable here: let the events reader say why
        return False
    columns = {h.strip().lower() for h in header}
    return "name" in columns and not columns & _EVENT_COLUMNS
def _read_places_file(path: Path) -> pd.DataFrame:
    import pandas as pd

    suffix = path.suffix.lower()
    try:
        if suffix in (".csv", ".tsv", ".txt"):
            return pd.read_csv(path, sep="\t" if suffix == ".tsv" else ",", dtype=str)
        import geopandas as gpd

        gdf = gpd.read_file(path)
    except (OSError, ValueError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise GazetteerError(f"{path}: not a readable places file ({exc})") from exc
    except Exception as exc:  # pyogrio's DataSourceError and friends
        raise GazetteerError(f"{path}: not a readable places file ({exc})") from exc
    if gdf.crs is not None and not gdf.crs.equals("EPSG:4326"):
        gdf = gdf.to_crs("EPSG:4326")
    points = gdf.geometry.representative_point()
    frame = pd.DataFrame(gdf.drop(columns=gdf.geometry.name))
    frame["lon"], frame["lat"] = points.x, points.y
    return frame


def _from_table(table: pd.DataFrame, gaz: Gazetteer, name: str, version: str,
                origin: str) -> tuple[int, dict[str, Any]]:
    import pandas as pd

    missing = [c for c in ("name", "lon", "lat") if c not in table.columns]
    if missing:
        msg = (f"{origin}: a table of places needs columns name, lon and lat "
               f"(missing: {', '.join(missing)}); incident files go through "
               "geoconflict.events.places_from_events")
        raise GazetteerError(msg)
    lon = pd.to_numeric(table["lon"], errors="coerce")
    lat = pd.to_numeric(table["lat"], errors="coerce")
    ok = lon.between(-180, 180) & lat.between(-90, 90) & table["name"].notna()
    conflicts = int((pd.to_numeric(table["n_positions"], errors="coerce") > 1).sum()) \
        if "n_positions" in table else 0

    def col(row: dict[Any, Any], key: str, default: Any = None) -> Any:
        value = row.get(key, default)
        return default if value is None or (isinstance(value, float) and math.isnan(value)) \
            or value is pd.NA else value

    n = 0
    for i, row in enumerate(table[ok].to_dict("records")):
        aliases = str(col(row, "aliases", "") or "")
        precision = int(float(col(row, "geo_precision", 1)))
        extra = {"n_events": col(row, "n_events")}
        gaz.add(name=str(row["name"]).strip(), kind=str(col(row, "kind", "place")),
                country=col(row, "country"), lon=float(lon[ok].iloc[i]),
                lat=float(lat[ok].iloc[i]), geo_precision=min(max(precision, 1), 3),
                uncertainty_m=float(col(row, "uncertainty_m",
                                        {1: 2_000.0, 2: 15_000.0}.get(precision, 75_000.0))),
                parent=col(row, "admin1"),
                source_id=f"{name}@{version}:{col(row, 'id', i)}"
                + (f" ({extra['n_events']} events)" if extra["n_events"] else ""),
                names=[a for a in aliases.split("|") if a])
        n += 1
    if n == 0:
        raise GazetteerError(f"{origin}: no named places with a valid lon/lat")
    return n, {"conflicting_names": conflicts, "skipped_rows": int((~ok).sum())}


# ------------------------------------------------------------------- the public API
def gazetteer_format(path: str | Path) -> str | None:
    """``"geonames"`` or ``"places"`` when :func:`add_gazetteer` reads ``path`` itself;
    None for anything else (an incident file: :mod:`geoconflict.events` reads it)."""
    path = Path(path)
    if is_geonames_dump(path):
        return "geonames"
    return "places" if is_places_file(path) else None


def _version_of(source: Path | pd.DataFrame) -> str:
    digest = hashlib.sha256()
    if isinstance(source, Path):
        with source.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    else:
        import pandas as pd

        digest.update(pd.util.hash_pandas_object(source.astype(str), index=False)
                      .to_numpy().tobytes())
    return digest.hexdigest()[:12]


def add_gazetteer(source: str | Path | pd.DataFrame, *, name: str | None = None,
                  origin: str | None = None) -> dict[str, Any]:
    """Index ``source`` as gazetteer ``name`` (default: the file's stem) and keep it in
    the cache, replacing a gazetteer of that name. Returns a report (name, version,
    format, entries, seconds, conflicting_names...).

    Parameters
    ----------
    source
        A GeoNames dump, a places file (GeoJSON, GeoPackage, CSV) or a table of places
        (a DataFrame, e.g. ``places_from_events(read_events(path))``).
    name
        The gazetteer's name (required for a table).
    origin
        Where a table came from (the incident file's path), kept as the gazetteer's
        ``source`` in :func:`list_gazetteers`; default ``"table"``.

    Raises
    ------
    GazetteerError
        Wrong format, damaged file, bad name: nothing is written then.
    """
    global _generation
    import pandas as pd

    start = time.perf_counter()
    if isinstance(source, pd.DataFrame):
        if name is None:
            raise GazetteerError("a table of places needs a name= for its gazetteer")
        path = None
    else:
        path = Path(source)
        if not path.is_file():
            raise GazetteerError(f"{path}: no such file")
        name = name or path.name.split(".")[0]
    name = _check_name(name)
    version = _version_of(path if path is not None else source)  # type: ignore[arg-type]
    out = gazetteers_dir() / f"{name}.npz"
    meta: dict[str, Any] = {"name": name, "version": version,
                            "source": str(path) if path is not None else (origin or "table"),
                            "added": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    if path is not None and is_geonames_dump(path):
        meta["format"] = "geonames"
        meta["entries"] = index_dump(path, out, name=name, version=version, meta=meta)
    else:
        gaz = Gazetteer()
        if path is not None:
            if path.suffix.lower() == ".zip" and not zipfile.is_zipfile(path):
                raise GazetteerError(f"{path}: not a readable zip (damaged or not a zip)")
            meta["format"] = "places-file"
            entries, report = _from_table(_read_places_file(path), gaz, name, version,
                                          str(path))
        else:
            meta["format"] = "table"
            entries, report = _from_table(source, gaz, name, version,  # type: ignore[arg-type]
                                          origin or f"table {name!r}")
        meta.update(entries=entries, **report)
        gaz.admin1_of.extend([-1] * len(gaz))
        save_index(gaz, out, meta)
    _generation += 1
    return {**meta, "path": str(out), "seconds": round(time.perf_counter() - start, 2),
            "bytes": out.stat().st_size}


def list_gazetteers() -> list[dict[str, Any]]:
    """The added gazetteers' metadata (name, version, format, entries, added...), by
    name; a damaged one is listed with ``error`` set."""
    import json

    import numpy as np

    out = []
    for path in sorted(gazetteers_dir().glob("*.npz")):
        try:
            with np.load(path, allow_pickle=False) as npz:
                meta = dict(json.loads(bytes(npz["manifest"]).decode()).get("meta") or {})
        except (OSError, ValueError, KeyError, zipfile.BadZipFile) as exc:
            meta = {"name": path.stem, "error": str(exc)}
        out.append({**meta, "path": str(path), "bytes": path.stat().st_size})
    return out


def remove_gazetteer(name: str) -> None:
    """Remove added gazetteer ``name``.

    Raises
    ------
    GazetteerError
        If there is none of that name.
    """
    global _generation
    path = gazetteers_dir() / f"{_check_name(name)}.npz"
    try:
        path.unlink()
    except FileNotFoundError:
        known = ", ".join(g["name"] for g in list_gazetteers()) or "none"
        raise GazetteerError(f"no gazetteer named {name!r} (added: {known})") from None
    _generation += 1


def load_user_layers() -> list[Gazetteer]:
    """Every added gazetteer, loaded and verified; a damaged one is skipped with a
    warning (re-add it)."""
    layers = []
    for path in sorted(gazetteers_dir().glob("*.npz")):
        try:
            gaz, meta = map_index(path)
        except CacheError as exc:
            warnings.warn(f"added gazetteer {path.stem} skipped: {exc}; add it again",
                          CacheWarning, stacklevel=2)
            continue
        gaz.ranks_as_curated = meta.get("format") != "geonames"
        layers.append(gaz)
    return layers
