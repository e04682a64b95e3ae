"""Canonical columns, precision codes and the one validator every reader uses.

Incidents follow ACLED's column names where ACLED has one, so an ACLED analyst reads
them without a glossary. Every stage of geoconflict takes and returns a GeoDataFrame in
EPSG:4326 with these columns first and any original columns after them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from ._countries import probable_swaps
from ._inputs import CRS, to_wgs84
from .errors import ArgumentError, DataChangedWarning, SchemaError

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

__all__ = [
    "ACLED_EVENT_TYPES",
    "ACLED_SUB_EVENT_TYPES",
    "CRS",
    "DEFAULT_UNCERTAINTY_M",
    "DEPLOYMENT_FIELDS",
    "DEPLOYMENT_KINDS",
    "GEO_PRECISION",
    "INCIDENT_COLUMNS",
    "REJECT_COLUMNS",
    "SITE_FIELDS",
    "SITE_KINDS",
    "TIME_PRECISION",
    "FieldSpec",
    "conform_incidents",
    "empty_incidents",
    "validate_incidents",
    "validate_record",
]

#: Every GeoDataFrame that crosses a stage boundary is in this CRS (lon/lat on WGS84);
#: :data:`CRS` is defined with the reprojection rule in :mod:`geoconflict._inputs`.

#: Canonical incident columns, in order, with their pandas dtypes.
INCIDENT_COLUMNS: dict[str, str] = {
    "event_id": "string",
    "event_date": "datetime64[ns]",
    "time_precision": "Int8",
    "event_type": "string",
    "sub_event_type": "string",
    "actor1": "string",
    "actor2": "string",
    "country": "string",  # ISO 3166-1 alpha-3
    "admin1": "string",
    "location": "string",  # the place name as reported
    "geo_precision": "Int8",
    "uncertainty_m": "float64",
    "fatalities": "Int64",
    "source": "string",
    "notes": "string",
    "origin": "string",  # which reader or provider produced the row
}

#: Geographic precision codes, as ACLED uses them.
GEO_PRECISION: dict[int, str] = {
    1: "exact: the named place itself (town, neighbourhood, base)",
    2: "near: a part of a region or near a named place",
    3: "region: only a larger region (province, sea) is known",
}

#: Uncertainty radius (m) assumed for a precision code when a source gives none.
#: 1 -> a town or neighbourhood footprint; 2 -> a district; 3 -> a province.
DEFAULT_UNCERTAINTY_M: dict[int, float] = {1: 2_000.0, 2: 15_000.0, 3: 75_000.0}

#: Temporal precision codes, as ACLED uses them.
TIME_PRECISION: dict[int, str] = {
    1: "day: the date is known",
    2: "week: within the week of the date",
    3: "month: within the month of the date",
}

#: ACLED event types and their sub-event types (ACLED codebook, 2023 revision).
ACLED_SUB_EVENT_TYPES: dict[str, tuple[str, ...]] = {
    "Battles": (
        "Armed clash",
        "Government regains territory",
        "Non-state actor overtakes territory",
    ),
    "Explosions/Remote violence": (
        "Chemical weapon",
        "Air/drone strike",
        "Suicide bomb",
        "Shelling/artillery/missile attack",
        "Remote explosive/landmine/IED",
        "Grenade",
    ),
    "Violence against civilians": ("Sexual violence", "Attack", "Abduction/forced disappearance"),
    "Protests": (
        "Peaceful protest",
        "Protest with intervention",
        "Excessive force against protesters",
    ),
    "Riots": ("Violent demonstration", "Mob violence"),
    "Strategic developments": (
        "Agreement",
        "Arrests",
        "Change to group/activity",
        "Disrupted weapons use",
        "Headquarters or base established",
        "Looting/property destruction",
        "Non-violent transfer of territory",
        "Other",
    ),
}
ACLED_EVENT_TYPES: tuple[str, ...] = tuple(ACLED_SUB_EVENT_TYPES)

#: Columns of every rejects table: which row, which field, why, and the original values.
REJECT_COLUMNS: tuple[str, ...] = ("row", "field", "reason", "value", "source_file")


#: Kinds of deployment site (``kind`` in ``data/deployments.geojson``).
DEPLOYMENT_KINDS: tuple[str, ...] = (
    "air base", "outpost", "garrison", "naval base", "logistics base", "headquarters",
    "embassy compound",
)

#: Kinds of named site (``kind`` in ``data/sites.geojson``); the gazetteer adds its own
#: civil kinds (city, town, country, admin1) to these.
SITE_KINDS: tuple[str, ...] = (
    "neighbourhood", "district", "street", "camp", "town", "landmark", "sea", "gulf",
    "strait", "canal", "chokepoint", "shipping lane", "region", "crossing", "port",
    "hospital", "power plant", "dam", "air base", "naval base", "military base",
)


@dataclass(frozen=True)
class FieldSpec:
    """One property of a curated data record (deployments, sites).

    Attributes
    ----------
    name
        Property name in the GeoJSON feature.
    types
        Accepted Python types of the value (after JSON decoding).
    required
        Whether the property must be present and non-null.
    """

    name: str
    types: tuple[type, ...]
    required: bool = True


#: Properties of a deployment feature in ``data/deployments.geojson``.
DEPLOYMENT_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("id", (str,)),
    FieldSpec("name", (str,)),
    FieldSpec("aliases", (list,)),
    FieldSpec("name_ar", (str,), required=False),
    FieldSpec("country", (str,)),
    FieldSpec("kind", (str,)),
    FieldSpec("operator", (str,)),
    FieldSpec("troops", (int,), required=False),
    FieldSpec("troops_source", (str,), required=False),
    FieldSpec("geo_precision", (int,)),
    FieldSpec("uncertainty_m", (int, float)),
    FieldSpec("source", (str,)),
    FieldSpec("source_url", (str,)),
)

#: Properties of a named-site feature in ``data/sites.geojson``.
SITE_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("id", (str,)),
    FieldSpec("name", (str,)),
    FieldSpec("aliases", (list,)),
    FieldSpec("name_ar", (str,), required=False),
    FieldSpec("country", (str,), required=False),  # null for international waters
    FieldSpec("parent", (str,), required=False),
    FieldSpec("kind", (str,)),
    FieldSpec("geo_precision", (int,)),
    FieldSpec("uncertainty_m", (int, float)),
    FieldSpec("source", (str,)),
    FieldSpec("source_url", (str,)),
)


#: The kinds each curated layer allows, by its field specs.
_KINDS: dict[tuple[FieldSpec, ...], tuple[str, ...]] = {
    DEPLOYMENT_FIELDS: DEPLOYMENT_KINDS,
    SITE_FIELDS: SITE_KINDS,
}


def validate_record(
    properties: Mapping[str, Any],
    fields: Iterable[FieldSpec],
    *,
    file: str | None = None,
    row: int | str | None = None,
) -> None:
    """Check one curated record's properties; raise naming file, feature and field.

    Raises
    ------
    SchemaError
        On the first missing, null-but-required or wrongly typed property.
    """
    for spec in fields:
        value = properties.get(spec.name)
        if value is None:
            if spec.required:
                raise SchemaError("required property is missing or null", file=file, row=row,
                                  field=spec.name)
            continue
        if isinstance(value, bool) or not isinstance(value, spec.types):
            wanted = " or ".join(t.__name__ for t in spec.types)
            msg = f"expected {wanted}, got {type(value).__name__} {value!r}"
            raise SchemaError(msg, file=file, row=row, field=spec.name)
        if isinstance(value, list) and not all(isinstance(a, str) and a for a in value):
            raise SchemaError("aliases must be non-empty strings", file=file, row=row,
                              field=spec.name)
    if "country" in properties and properties["country"] is not None:
        code = properties["country"]
        if not (isinstance(code, str) and len(code) == 3 and code.isalpha() and code.isupper()):
            msg = f"country must be an ISO 3166-1 alpha-3 code, got {code!r}"
            raise SchemaError(msg, file=file, row=row, field="country")
    kind = properties.get("kind")
    kinds = _KINDS.get(tuple(fields))
    if kinds is not None and kind is not None and kind not in kinds:
        msg = f"kind must be one of {', '.join(kinds)}; got {kind!r}"
        raise SchemaError(msg, file=file, row=row, field="kind")
    precision = properties.get("geo_precision")
    if precision is not None and precision not in GEO_PRECISION:
        msg = f"geo_precision must be one of {sorted(GEO_PRECISION)}, got {precision!r}"
        raise SchemaError(msg, file=file, row=row, field="geo_precision")
    unc = properties.get("uncertainty_m")
    if isinstance(unc, int | float) and not unc >= 0:
        msg = f"uncertainty_m must be >= 0, got {unc!r}"
        raise SchemaError(msg, file=file, row=row, field="uncertainty_m")
    for key in ("source", "source_url"):
        text = properties.get(key)
        if isinstance(text, str) and not text.strip():
            raise SchemaError("must not be blank", file=file, row=row, field=key)


def empty_incidents() -> gpd.GeoDataFrame:
    """Return an empty incidents GeoDataFrame with the canonical columns and dtypes."""
    import geopandas as gpd
    import pandas as pd

    frame = pd.DataFrame({c: pd.Series(dtype=t) for c, t in INCIDENT_COLUMNS.items()})
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries([], crs=CRS), crs=CRS)


def conform_incidents(frame: pd.DataFrame | gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return ``frame`` with every canonical column present, typed and first.

    Missing canonical columns are added as nulls; other columns are kept after them.
    ``geo_precision`` missing with ``uncertainty_m`` missing is left null (the
    validator reports it); ``uncertainty_m`` missing is filled from
    :data:`DEFAULT_UNCERTAINTY_M` when the precision is known.
    """
    import geopandas as gpd
    import pandas as pd

    if isinstance(frame, gpd.GeoDataFrame) and frame._geometry_column_name is not None:
        gdf = frame.rename_geometry("geometry") if frame.geometry.name != "geometry" else frame
    elif "geometry" in frame.columns:
        gdf = gpd.GeoDataFrame(frame, geometry="geometry")
    else:
        msg = "incidents need a geometry column"
        raise SchemaError(msg, field="geometry")
    gdf = to_wgs84(gdf, "incidents").copy()
    if gdf.crs is None:
        gdf.set_crs(CRS, inplace=True)
    for column, dtype in INCIDENT_COLUMNS.items():
        if column not in gdf.columns:
            null = {"datetime64[ns]": pd.NaT, "float64": float("nan")}.get(dtype, pd.NA)
            gdf[column] = pd.Series(null, index=gdf.index, dtype=dtype)
        try:
            if dtype == "datetime64[ns]":
                gdf[column] = pd.to_datetime(gdf[column], errors="coerce").astype("datetime64[ns]")
            elif dtype in ("Int8", "Int64"):
                gdf[column] = pd.to_numeric(gdf[column], errors="coerce").round().astype(dtype)
            elif dtype == "float64":
                gdf[column] = pd.to_numeric(gdf[column], errors="coerce").astype(dtype)
            else:
                gdf[column] = gdf[column].astype(dtype)
        except (TypeError, ValueError) as exc:
            msg = f"cannot convert to {dtype}: {exc}"
            raise SchemaError(msg, field=column) from exc
    known = gdf["uncertainty_m"].isna() & gdf["geo_precision"].notna()
    if known.any():
        gdf.loc[known, "uncertainty_m"] = (
            gdf.loc[known, "geo_precision"].astype("int64").map(DEFAULT_UNCERTAINTY_M)
        )
    ordered = list(INCIDENT_COLUMNS) + [c for c in gdf.columns if c not in INCIDENT_COLUMNS
                                        and c != "geometry"] + ["geometry"]
    return gdf[ordered]


def validate_incidents(
    frame: gpd.GeoDataFrame,
    *,
    source_file: str | None = None,
    on_error: Literal["raise", "reject", "warn"] = "reject",
    today: dt.date | None = None,
    row_numbers: pd.Series | None = None,
    required: Iterable[str] = (),
) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """Split incidents into accepted rows and a rejects table.

    Every reader calls this one validator, so the rules are the same for every format.
    Checks (vectorised): missing or empty geometry, longitude/latitude out of range,
    the (0, 0) point, probable latitude/longitude swaps (the point outside its
    ``country`` while the swapped point is inside; see :mod:`geoconflict._countries`),
    missing ``required`` columns, missing or future ``event_date``, ``geo_precision``
    outside 1-3,
    negative ``uncertainty_m`` or ``fatalities``, malformed ``country`` codes and
    duplicate ``event_id``.

    Parameters
    ----------
    frame
        Incidents already conformed with :func:`conform_incidents`.
    source_file
        Named in messages and in the rejects table.
    on_error
        ``"raise"``: raise :class:`~geoconflict.errors.SchemaError` at the first bad row;
        ``"reject"``: return the bad rows in the rejects table;
        ``"warn"``: as ``"reject"`` and also emit a warning per reason.
    today
        The date after which ``event_date`` counts as future (default: today, UTC).
    row_numbers
        Row numbers as the user sees them in the source (e.g. CSV line numbers);
        default: the frame's positional index starting at 1.
    required
        Further columns that must be present and non-blank in every row (e.g. the
        ``event_id`` of formats that always carry one).

    Returns
    -------
    accepted, rejects
        ``len(accepted) + rejects["row"].nunique() == len(frame)``. A row with several
        faults appears once per fault in the rejects table.
    """
    import warnings

    import numpy as np
    import pandas as pd
    import shapely

    if on_error not in ("raise", "reject", "warn"):
        msg = f"on_error must be 'raise', 'reject' or 'warn', got {on_error!r}"
        raise ArgumentError(msg)
    n = len(frame)
    rows = (
        np.asarray(row_numbers) if row_numbers is not None else np.arange(1, n + 1)
    )
    today = today or dt.datetime.now(dt.UTC).date()
    geom = frame.geometry.values
    missing = np.asarray(shapely.is_missing(geom) | shapely.is_empty(geom))
    is_point = np.asarray(shapely.get_type_id(geom) == 0) & ~missing  # no x of POINT EMPTY
    x = np.full(n, np.nan)
    y = np.full(n, np.nan)
    if is_point.any():
        x[is_point] = shapely.get_x(geom[is_point])
        y[is_point] = shapely.get_y(geom[is_point])
    bounds = shapely.bounds(geom)
    out_of_range = ~missing & (
        (bounds[:, 0] < -180) | (bounds[:, 2] > 180) | (bounds[:, 1] < -90) | (bounds[:, 3] > 90)
        | ~np.isfinite(bounds).all(axis=1)
    )
    null_island = is_point & (x == 0) & (y == 0)
    dates = frame["event_date"]
    no_date = np.asarray(dates.isna())
    future = np.asarray(dates.dt.normalize() > pd.Timestamp(today)) & ~no_date
    gp = frame["geo_precision"]
    bad_gp = np.asarray(gp.notna() & ~gp.isin(list(GEO_PRECISION)), dtype=bool)
    unc = frame["uncertainty_m"]
    bad_unc = np.asarray(unc.notna() & (unc < 0), dtype=bool)
    fat = frame["fatalities"]
    bad_fat = np.asarray(fat.notna() & (fat < 0), dtype=bool)
    country = frame["country"]
    bad_country = np.asarray(
        country.notna() & ~country.astype("string").str.fullmatch(r"[A-Z]{3}").fillna(False),
        dtype=bool,
    )
    ids = frame["event_id"]
    dup = np.asarray(ids.notna() & ids.duplicated(keep="first"), dtype=bool)

    swapped = is_point & ~out_of_range & probable_swaps(x, y, country)
    blanks = [(np.asarray((frame[c].astype("string").str.strip() == "").fillna(True),
                          dtype=bool), c, f"missing required field {c}") for c in required]

    checks: list[tuple[np.ndarray, str, str]] = [
        (missing, "geometry", "missing or empty geometry"),
        (out_of_range, "geometry", "coordinates out of range (lon -180..180, lat -90..90)"),
        (null_island, "geometry", "point at (0, 0): a placeholder, not a location"),
        (swapped, "geometry", "probable latitude/longitude swap: the point lies outside its"
         " country, the swapped point inside (read_events(fix_swaps=True) fixes it)"),
        *blanks,
        (no_date, "event_date", "missing or unparseable date"),
        (future, "event_date", f"date is in the future (after {today.isoformat()})"),
        (bad_gp, "geo_precision", "geo_precision must be 1, 2 or 3"),
        (bad_unc, "uncertainty_m", "uncertainty_m must be >= 0"),
        (bad_fat, "fatalities", "fatalities must be >= 0"),
        (bad_country, "country", "country must be an ISO 3166-1 alpha-3 code"),
        (dup, "event_id", "duplicate event_id"),
    ]
    records: list[dict[str, Any]] = []
    bad_any = np.zeros(n, dtype=bool)
    for mask, field, reason in checks:
        if not mask.any():
            continue
        idx = np.flatnonzero(mask)
        if on_error == "raise":
            i = int(idx[0])
            raise SchemaError(reason, file=source_file, row=int(rows[i]), field=field)
        bad_any |= mask
        values = frame[field].iloc[idx] if field != "geometry" else pd.Series(
            shapely.to_wkt(geom[idx], rounding_precision=6), index=frame.index[idx])
        for j, value in zip(idx, values, strict=True):
            records.append({"row": int(rows[j]), "field": field, "reason": reason,
                            "value": None if pd.isna(value) else str(value),
                            "source_file": source_file})
        if on_error == "warn":
            warnings.warn(f"{source_file or 'input'}: {len(idx)} rows rejected: {reason}",
                          DataChangedWarning, stacklevel=2)
    rejects = pd.DataFrame.from_records(records, columns=list(REJECT_COLUMNS))
    accepted = frame.loc[~bad_any]
    return accepted, rejects
