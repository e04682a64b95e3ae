"""Format detection and the per-format mappings onto the incident schema.

Each ``map_*`` function takes the raw table (text columns as read, or feature
properties) and returns a :class:`Mapped`: canonical columns, a geometry, the original
columns it did not consume, and the values it had to coerce. Validation happens later,
once, in :func:`geoconflict.schema.validate_incidents`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .._columns import parse_dates, to_float
from .._countries import fips_to_iso3, to_iso3
from ..errors import DataChangedWarning, EventsError
from ..schema import ACLED_SUB_EVENT_TYPES, INCIDENT_COLUMNS
from . import _crosswalk as cw

if TYPE_CHECKING:
    import geopandas as gpd
    import numpy as np
    import pandas as pd

__all__ = ["FORMATS", "Mapped", "describe_layout", "detect_format", "detect_table_format",
           "map_frame"]

#: Accepted values of ``format=`` (``"auto"`` detects) -> the ``origin`` they produce.
FORMATS: dict[str, str] = {
    "acled": "acled", "ucdp": "ucdp_ged", "ucdp_ged": "ucdp_ged", "gdelt": "gdelt",
    "csv": "csv", "tsv": "csv", "geojson": "geojson", "geojsonseq": "geojsonseq",
    "gpkg": "gpkg", "geoparquet": "geoparquet",
}
FEATURE_FORMATS = ("geojson", "geojsonseq", "gpkg", "geoparquet")

@dataclass
class Mapped:
    """Canonical columns (not yet conformed) and what the mapping had to coerce."""

    frame: pd.DataFrame
    geometry: Any  # GeoSeries or array of shapely geometries
    origin: str
    required: tuple[str, ...] = ()
    #: (mask, field, reason, original values) of values set to null because unparseable
    coerced: list[tuple[np.ndarray, str, str, pd.Series]] = field(default_factory=list)
    #: canonical column -> the raw column(s) it came from (rejects show the raw text)
    sources: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: (mask, field, note, original values) of values read with a decision worth telling
    #: (a two-digit year's century, a day/month order): issues of accepted rows only
    notes: list[tuple[np.ndarray, str, str, pd.Series]] = field(default_factory=list)


def norm(name: str) -> str:
    """Header name as compared against the crosswalks: lower case, ``_`` for separators."""
    return re.sub(r"[\s\-./]+", "_", str(name).strip().lower())


def detect_format(head: bytes) -> str | None:
    """Feature formats from their magic bytes; None for delimited text."""
    if head.startswith(b"SQLite format 3\x00"):
        return "gpkg"
    if head.startswith(b"PAR1"):
        return "geoparquet"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"\x1e"):
        return "geojsonseq"
    if text.startswith(b"{"):
        first = text.split(b"\n", 1)[0]
        try:
            doc = json.loads(first)
        except ValueError:
            return "geojson"
        return "geojsonseq" if isinstance(doc, dict) and doc.get("type") == "Feature" \
            and b"\n{" in text else "geojson"
    return None


def detect_table_format(first_row: list[str], delimiter: str) -> str:
    """acled, ucdp, gdelt or csv, from the first row of a delimited file."""
    names = {norm(c) for c in first_row}
    if {"event_id_cnty", "event_date", "latitude"} <= names:
        return "acled"
    if {"type_of_violence", "where_prec"} <= names or {"date_start", "side_a", "best"} <= names:
        return "ucdp"
    if delimiter == "\t" and len(first_row) in cw.GDELT_LAYOUTS \
            and first_row[0].strip().isdigit() and first_row[1].strip().isdigit():
        return "gdelt"
    if {n.lower() for n in cw.GDELT_COLUMNS[:5]} <= names:
        return "gdelt"
    return "csv"


def describe_layout(fmt: str, columns: list[str], hxl: bool = False) -> str:
    """The layout a header shows, in words (named in the ingest report).

    Examples
    --------
    >>> describe_layout("acled", ["event_id_cnty", "disorder_type", "civilian_targeting"])
    'ACLED 2023+ (disorder_type, civilian_targeting, tags)'
    >>> describe_layout("acled", ["data_id", "iso", "event_id_cnty", "timestamp"])
    'ACLED 2019-2022 (data_id, numeric iso, timestamp)'
    """
    names = {norm(c) for c in columns}
    tagged = " with HXL hashtags" if hxl else ""
    if fmt == "acled":
        if names & {"disorder_type", "civilian_targeting", "tags"}:
            layout = "ACLED 2023+ (disorder_type, civilian_targeting, tags)"
        elif "data_id" in names or ("timestamp" in names and "iso" in names):
            layout = "ACLED 2019-2022 (data_id, numeric iso, timestamp)"
        elif "gwno" in names or "ally_actor_1" in names or \
                all(c == c.upper() for c in columns if c.strip()):
            layout = "ACLED before 2019 (upper-case, GWNO, ALLY_ACTOR)"
        else:
            layout = "ACLED"
        return layout + tagged
    if fmt in ("ucdp", "ucdp_ged"):
        release = " (with relid, code_status)" if {"relid", "code_status"} <= names else ""
        return f"UCDP GED{release}{tagged}"
    if fmt == "gdelt":
        width = len(columns)
        return cw.GDELT_LAYOUT_NAMES.get(width, "GDELT (with a header)") \
            if "globaleventid" not in names or width in cw.GDELT_LAYOUT_NAMES else \
            "GDELT (with a header)"
    if fmt in FEATURE_FORMATS:
        return fmt
    return "generic table (columns by " + ("HXL hashtag and name)" if hxl else "name)")


def _dates(values: pd.Series, mapped: Mapped, raw: pd.DataFrame | None = None,
           formats: tuple[str, ...] | None = None) -> pd.Series:
    """Dates with the decisions told: two-digit years (century from the ``year``
    column, else the pivot, with a warning) and unproven day/month order."""
    import warnings

    import numpy as np

    year = None
    if raw is not None:
        col = _find(raw, ("year",))
        year = raw[col] if col is not None else None
    kw = {} if formats is None else {"formats": formats, "excel": False}
    got = parse_dates(values, year=year, **kw)  # type: ignore[arg-type]
    if got.pivot.any():
        mapped.notes.append((got.pivot, "event_date", "two-digit year: century from the "
                             "1969-2068 pivot (no year column to confirm it)", values))
        sample = values[np.flatnonzero(got.pivot)[0]]
        warnings.warn(f"{int(got.pivot.sum())} dates have two-digit years (e.g. "
                      f"{sample!r}) and no year column to confirm the century: read "
                      "with the 1969-2068 pivot", DataChangedWarning, stacklevel=4)
    if got.ambiguous.any():
        mapped.notes.append((got.ambiguous, "event_date", "day/month order ambiguous "
                             "(no date in the column has a day above 12): read day "
                             "first", values))
    return got.dates


def to_int(values: pd.Series, name: str, mapped: Mapped) -> pd.Series:
    """Integers from text; unparseable values become null and are recorded."""
    import numpy as np

    out, bad = to_float(values)
    if bad.any():
        mapped.coerced.append((bad, name, f"{name} is not a number; set to null", values))
    # beyond what the schema's column holds (Int8 codes would wrap: 1000 -> -24), or
    # beyond the whole numbers a float can tell apart
    limit = 127 if INCIDENT_COLUMNS.get(name) == "Int8" else 2.0**53
    huge = out.notna() & (out.abs() > limit)
    if huge.any():
        mapped.coerced.append((np.asarray(huge), name, f"{name} is out of range; set to "
                               "null", values))
        out = out.mask(huge)
    frac = out.notna() & (out != np.round(out))
    if frac.any():
        mapped.coerced.append((np.asarray(frac), name, f"{name} is not a whole number; "
                               "set to null", values))
        out = out.mask(frac)
    return out.round().astype("Int64")


def points(lon: pd.Series, lat: pd.Series, mapped: Mapped) -> Any:
    """Point geometries from lon/lat text; missing or unparseable -> None."""
    import geopandas as gpd
    import numpy as np

    x, bad_x = to_float(lon)
    y, bad_y = to_float(lat)
    geom = gpd.points_from_xy(x.to_numpy(), y.to_numpy(), crs="EPSG:4326")
    missing = np.asarray(x.isna() | y.isna())
    if missing.any():
        geom[missing] = None
    for bad, name, raw in ((bad_x, "longitude", lon), (bad_y, "latitude", lat)):
        if bad.any():
            mapped.coerced.append((bad, "geometry", f"{name} is not a number", raw))
    return geom


def _lookup_codes(values: pd.Series, table: dict[int, tuple[Any, ...]], pos: int,
                  name: str, mapped: Mapped, *, record: bool = True) -> pd.Series:
    """Map integer codes through a crosswalk table column; unknown codes recorded once
    (``record=False`` for the second column looked up from the same codes)."""
    import numpy as np

    codes = to_int(values, name, mapped if record else Mapped(values.to_frame(), None, ""))
    out = codes.map({k: v[pos] for k, v in table.items()}, na_action="ignore")
    unknown = np.asarray(codes.notna() & out.isna(), dtype=bool)
    if unknown.any() and record:
        mapped.coerced.append((unknown, name, f"unknown {name} code; precision left empty",
                               values))
    return out


def _keep(raw: pd.DataFrame, consumed: Iterable[str], rename: dict[str, str] | None = None
          ) -> pd.DataFrame:
    """The original columns a mapping did not consume (renamed away from canonical)."""

    used = set(consumed)
    rename = dict(rename or {})
    keep = [c for c in raw.columns if c not in used and c != "geometry"]
    for c in keep:
        if c in INCIDENT_COLUMNS and c not in rename:
            rename[c] = f"{c}_original"
    return raw[keep].rename(columns=rename)


def _find(raw: pd.DataFrame, aliases: Iterable[str]) -> str | None:
    by_norm: dict[str, str] = {}
    for c in raw.columns:
        by_norm.setdefault(norm(c), c)
    for alias in aliases:
        if alias in by_norm:
            return by_norm[alias]
    return None


# --------------------------------------------------------------------- the formats
def map_acled(raw: pd.DataFrame) -> Mapped:
    """ACLED exports: current column set, 2019-2023 API exports, pre-2019 upper-case."""
    import pandas as pd

    mapped = Mapped(pd.DataFrame(index=raw.index), None, "acled", required=("event_id",))
    out = mapped.frame
    cols = {norm(c): c for c in raw.columns}
    consumed: list[str] = []
    for acled, canonical in cw.ACLED_COLUMNS.items():
        if acled in cols:
            consumed.append(cols[acled])
            out[canonical] = raw[cols[acled]]
            mapped.sources[canonical] = (cols[acled],)
    for name in ("time_precision", "geo_precision", "fatalities"):
        if name in out:
            out[name] = to_int(out[name], name, mapped)
    if "event_date" in out:
        out["event_date"] = _dates(out["event_date"], mapped, raw)
    if "event_type" in out:
        legacy = out["event_type"].isin(list(cw.ACLED_LEGACY_EVENT_TYPES))
        if legacy.any():
            out["event_type_original"] = raw[cols["event_type"]]
            table = cw.ACLED_LEGACY_EVENT_TYPES
            types = out["event_type"].map({k: v[0] for k, v in table.items()})
            subs = out["event_type"].map({k: v[1] for k, v in table.items()})
            out["event_type"] = out["event_type"].mask(legacy, types)
            sub = out.get("sub_event_type", pd.Series(pd.NA, index=out.index,
                                                       dtype="string"))
            out["sub_event_type"] = sub.mask(legacy & sub.isna(), subs).astype("string")
    country = pd.Series(pd.NA, index=raw.index, dtype="string")
    for key in ("iso3", "iso", "country"):
        if key in cols:
            country = country.fillna(to_iso3(raw[cols[key]]))
    out["country"] = country
    if "country" in cols:
        out["country_name"] = raw[cols["country"]]
        consumed.append(cols["country"])
    for need in ("latitude", "longitude", "event_date", "event_id_cnty"):
        if need not in cols:
            msg = f"ACLED file lacks the required column {need!r}"
            raise _missing_column(msg, need)
    mapped.geometry = points(raw[cols["longitude"]], raw[cols["latitude"]], mapped)
    mapped.sources["geometry"] = (cols["latitude"], cols["longitude"])
    consumed += [cols["latitude"], cols["longitude"]]
    mapped.frame = pd.concat([out, _keep(raw, consumed)], axis=1)
    return mapped


def map_ucdp(raw: pd.DataFrame) -> Mapped:
    """UCDP GED CSV: crosswalks for where_prec, date_prec, type_of_violence, deaths."""
    import pandas as pd

    mapped = Mapped(pd.DataFrame(index=raw.index), None, "ucdp_ged", required=("event_id",))
    out = mapped.frame
    cols = {norm(c): c for c in raw.columns}
    for need in ("id", "date_start", "latitude", "longitude"):
        if need not in cols:
            msg = f"UCDP GED file lacks the required column {need!r}"
            raise _missing_column(msg, need)
    consumed = [cols["latitude"], cols["longitude"]]
    for ucdp, canonical in cw.UCDP_COLUMNS.items():
        if ucdp in cols:
            consumed.append(cols[ucdp])
            out[canonical] = raw[cols[ucdp]]
            mapped.sources[canonical] = (cols[ucdp],)
    out["event_date"] = _dates(out["event_date"], mapped, raw)
    if "date_end" in cols:
        out["event_date_end"] = _dates(raw[cols["date_end"]], Mapped(raw, None, ""), raw)
        consumed.append(cols["date_end"])
    out["fatalities"] = to_int(out["fatalities"], "best", mapped) if "fatalities" in out \
        else pd.NA
    for side in ("low", "high"):
        if side in cols:
            out[f"fatalities_{side}"] = to_int(raw[cols[side]], side, mapped)
            consumed.append(cols[side])
    if "where_prec" in cols:
        wp = raw[cols["where_prec"]]
        out["geo_precision"] = _lookup_codes(wp, cw.UCDP_WHERE_PREC, 0, "where_prec", mapped)
        out["uncertainty_m"] = _lookup_codes(wp, cw.UCDP_WHERE_PREC, 1, "where_prec",
                                             mapped, record=False)
    if "date_prec" in cols:
        dp = {k: (v,) for k, v in cw.UCDP_DATE_PREC.items()}
        out["time_precision"] = _lookup_codes(raw[cols["date_prec"]], dp, 0, "date_prec",
                                              mapped)
    if "type_of_violence" in cols:
        tv = raw[cols["type_of_violence"]]
        out["event_type"] = _lookup_codes(tv, cw.UCDP_VIOLENCE_TO_ACLED, 0,
                                          "type_of_violence", mapped)
        out["sub_event_type"] = _lookup_codes(tv, cw.UCDP_VIOLENCE_TO_ACLED, 1,
                                              "type_of_violence", mapped, record=False)
    if "country" in cols:
        out["country"] = to_iso3(raw[cols["country"]])
        out["country_name"] = raw[cols["country"]]
        consumed.append(cols["country"])
    mapped.geometry = points(raw[cols["longitude"]], raw[cols["latitude"]], mapped)
    mapped.sources["geometry"] = (cols["latitude"], cols["longitude"])
    mapped.frame = pd.concat([out, _keep(raw, consumed)], axis=1)
    return mapped


def _cameo(codes: pd.Series, roots: pd.Series) -> tuple[pd.Series, pd.Series]:
    """ACLED (event_type, sub_event_type) from CAMEO event codes (longest prefix wins)."""
    import pandas as pd

    def one(code: Any, root: Any) -> tuple[Any, Any]:
        code = "" if pd.isna(code) else str(code).strip()
        for end in range(len(code), 2, -1):
            if code[:end] in cw.CAMEO_CODE_TO_ACLED:
                hit = cw.CAMEO_CODE_TO_ACLED[code[:end]]
                return hit[0], hit[1]
        root_code = code[:2] if code else ("" if pd.isna(root) else str(root).zfill(2))
        hit2 = cw.CAMEO_ROOT_TO_ACLED.get(root_code)
        return (hit2[0], hit2[1]) if hit2 else (pd.NA, pd.NA)

    keys = pd.MultiIndex.from_arrays([codes.astype("string"), roots.astype("string")])
    uniq = {k: one(*k) for k in keys.unique()}
    pairs = [uniq[k] for k in keys]
    return (pd.Series([p[0] for p in pairs], index=codes.index, dtype="string"),
            pd.Series([p[1] for p in pairs], index=codes.index, dtype="string"))


def map_gdelt(raw: pd.DataFrame) -> Mapped:
    """GDELT 2.0 events: ActionGeo_* is where the event happened."""
    import pandas as pd

    mapped = Mapped(pd.DataFrame(index=raw.index), None, "gdelt", required=("event_id",))
    out = mapped.frame
    out["event_id"] = raw["GLOBALEVENTID"]
    out["event_date"] = _dates(raw["SQLDATE"], mapped, formats=("%Y%m%d",))
    out["time_precision"] = 1
    out["event_type"], out["sub_event_type"] = _cameo(raw["EventCode"], raw["EventRootCode"])
    out["actor1"] = raw["Actor1Name"]
    out["actor2"] = raw["Actor2Name"]
    out["country"] = fips_to_iso3(raw["ActionGeo_CountryCode"])
    out["location"] = raw["ActionGeo_FullName"]
    gt = raw["ActionGeo_Type"]
    out["geo_precision"] = _lookup_codes(gt, cw.GDELT_GEO_TYPE, 0, "ActionGeo_Type", mapped)
    out["uncertainty_m"] = _lookup_codes(gt, cw.GDELT_GEO_TYPE, 1, "ActionGeo_Type",
                                         mapped, record=False)
    out["source"] = raw.get("SOURCEURL", pd.NA)
    mapped.geometry = points(raw["ActionGeo_Long"], raw["ActionGeo_Lat"], mapped)
    mapped.sources.update(event_id=("GLOBALEVENTID",), event_date=("SQLDATE",),
                          geometry=("ActionGeo_Lat", "ActionGeo_Long"))
    consumed = ["GLOBALEVENTID", "SQLDATE", "Actor1Name", "Actor2Name", "ActionGeo_FullName",
                "ActionGeo_Lat", "ActionGeo_Long", "SOURCEURL"]
    mapped.frame = pd.concat([out, _keep(raw, consumed)], axis=1)
    return mapped


def _hxl_key(tag: str) -> str:
    """A hashtag with its attributes in a fixed order: ``#geo+lat``, ``#date+start``."""
    name, *attributes = tag.strip().lower().split("+")
    return "+".join([name, *sorted(a.strip() for a in attributes)])


def _by_hxl(hxl: dict[str, str] | None) -> dict[str, str]:
    """canonical column -> the raw column whose HXL hashtag means it."""
    found: dict[str, str] = {}
    table = {_hxl_key(k): v for k, v in cw.HXL_TAGS.items()}
    for column, tag in (hxl or {}).items():
        canonical = table.get(_hxl_key(tag))
        if canonical is not None:
            found.setdefault(canonical, column)
    return found


def map_generic(raw: pd.DataFrame, origin: str, geometry: Any = None,
                hxl: dict[str, str] | None = None) -> Mapped:
    """Generic tables and feature properties: columns found by their common names, or
    by their HXL hashtags when the names are unfamiliar."""
    import numpy as np
    import pandas as pd
    import shapely

    mapped = Mapped(pd.DataFrame(index=raw.index), geometry, origin)
    out = mapped.frame
    consumed: list[str] = []
    tagged = _by_hxl(hxl)
    for canonical, aliases in cw.GENERIC_ALIASES.items():
        col = _find(raw, aliases)
        if col is None or col in consumed:
            col = tagged.get(canonical)
        if col is not None and col not in consumed:
            consumed.append(col)
            out[canonical] = raw[col]
            mapped.sources[canonical] = (col,)
    if "event_date" in out:
        out["event_date"] = _dates(out["event_date"], mapped, raw)
    for name in ("time_precision", "geo_precision", "fatalities"):
        if name in out:
            out[name] = to_int(out[name], name, mapped)
    if "uncertainty_m" in out:
        out["uncertainty_m"], bad = to_float(out["uncertainty_m"])
        if bad.any():
            mapped.coerced.append((bad, "uncertainty_m", "uncertainty_m is not a number; "
                                   "set to null", raw[consumed[-1]]))
    if "country" in out:
        text = out["country"].astype("string")
        out["country"] = to_iso3(text)
        if not text.dropna().str.fullmatch(r"[A-Z]{3}").all():
            out["country_name"] = text
    if "origin" in out:
        out["origin"] = out["origin"].astype("string").fillna(origin)
    if "event_type" in out and "sub_event_type" not in out:
        _split_sub_event_types(out)
    if geometry is None:
        lat = _find(raw, cw.LAT_ALIASES) or tagged.get("latitude")
        lon = _find(raw, cw.LON_ALIASES) or tagged.get("longitude")
        wkt = _find(raw, cw.WKT_ALIASES)
        if lat is not None and lon is not None:
            mapped.geometry = points(raw[lon], raw[lat], mapped)
            mapped.sources["geometry"] = (lat, lon)
            consumed += [lat, lon]
        elif wkt is not None:
            text = raw[wkt].astype("string")
            geoms = shapely.from_wkt(np.asarray(text.astype(object).where(text.notna(), None)),
                                     on_invalid="ignore")
            bad = pd.isna(geoms) & text.notna().to_numpy()
            if bad.any():
                mapped.coerced.append((bad, "geometry", "not WKT", text))
            mapped.geometry = geoms
            consumed.append(wkt)
        else:
            mapped.geometry = [None] * len(raw)
    mapped.frame = pd.concat([out, _keep(raw, consumed)], axis=1)
    return mapped


def _split_sub_event_types(out: pd.DataFrame) -> None:
    """A generic ``type`` column holding ACLED sub-event types ("Air/drone strike") is
    split into event type and sub-event type."""

    low = out["event_type"].astype("string").str.strip().str.lower()
    parent = {s.lower(): e for e, subs in ACLED_SUB_EVENT_TYPES.items() for s in subs}
    name = {s.lower(): s for subs in ACLED_SUB_EVENT_TYPES.values() for s in subs}
    found = low.isin(list(parent)).fillna(False)
    if found.any():
        out["sub_event_type"] = low.map(name, na_action="ignore").astype("string")
        out["event_type"] = out["event_type"].astype("string").mask(
            found, low.map(parent, na_action="ignore").astype("string"))


def _missing_column(msg: str, column: str) -> Exception:

    return EventsError(msg, field=column)


MAPPERS: dict[str, Callable[[pd.DataFrame], Mapped]] = {
    "acled": map_acled, "ucdp": map_ucdp, "ucdp_ged": map_ucdp, "gdelt": map_gdelt,
}


def map_frame(raw: pd.DataFrame, fmt: str, geometry: gpd.GeoSeries | None = None,
              hxl: dict[str, str] | None = None) -> Mapped:
    """Dispatch to the mapping of ``fmt`` (generic for csv and feature formats; HXL
    hashtags, when the file has them, map the columns generic names do not)."""
    if fmt in MAPPERS and geometry is None:
        return MAPPERS[fmt](raw)
    return map_generic(raw, FORMATS.get(fmt, fmt), geometry, hxl)
