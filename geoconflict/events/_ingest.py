"""Incident ingest: ACLED, UCDP GED, GDELT 2.0, CSV/TSV and feature files into one
validated incidents GeoDataFrame, with every rejected row reported.

The pipeline is the same for every format::

    bytes/DataFrame -> detect format -> raw text table (pyarrow) -> crosswalk mapping
      (geoconflict._formats, tables in geoconflict._crosswalk) -> optional geocoding and
      swap fixing -> schema.conform_incidents -> schema.validate_incidents -> accepted
      rows + rejects

Nothing is lost: ``len(gdf) + gdf.attrs["ingest"].rejects["row"].nunique()`` equals the
number of rows read, and values that had to be changed in accepted rows (a fixed swap, a
fatality count of ``"unknown"`` set to null) are listed in ``.issues``.

Examples
--------
>>> import geoconflict as gc
>>> gdf = gc.read_events("acled_2024.csv")                         # doctest: +SKIP
>>> report = gdf.attrs["ingest"]                                   # doctest: +SKIP
>>> report.rows_read, len(gdf), report.rejects.reason.value_counts()  # doctest: +SKIP
>>> recent = gc.filter_events(gdf, since="2024-01-01", countries=["IRQ", "Jordan"],
...                           event_types=["Explosions/Remote violence"])  # doctest: +SKIP
>>> merged = gc.deduplicate(pd.concat([acled, ucdp]), within="5km")     # doctest: +SKIP
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Literal

from .. import _progress, geocoder, schema
from .._countries import country_bboxes, probable_swaps, to_iso3
from .._geodesic import pairs_within
from .._inputs import read_source, representative_points, to_wgs84
from ..errors import ArgumentError, DataChangedWarning, EventsError, InputNotFoundError, SchemaError
from ..io import read_features
from ..schema import GEO_PRECISION
from ..units import parse_distance
from . import _crosswalk as cw
from . import _formats, _packed, _tabular
from ._encoding import decode_head, normalize_encoding
from ._formats import detect_table_format
from ._rejects import (
    VALIDATED,
    bad_row_table,
    coerced_tables,
    keep_rows,
    raw_values,
    with_originals,
)

if TYPE_CHECKING:
    import geopandas as gpd
    import numpy as np
    import pandas as pd
    import shapely

    from ._formats import Mapped

__all__ = ["IngestReport", "deduplicate", "filter_events", "read_events"]

OnError = Literal["raise", "reject", "warn"]
Source = str | Path | IO[str] | IO[bytes] | Any  # Any: a (Geo)DataFrame


class IngestReport(dict[str, Any]):
    """What :func:`read_events` read, accepted, rejected and changed.

    Stored at ``gdf.attrs["ingest"]``. Why a ``dict`` subclass: pandas compares ``attrs``
    with ``==`` when concatenating and writes them as JSON into Parquet metadata, both of
    which fail on DataFrames. The dict items are the plain counts (JSON-safe, comparable);
    the two tables are attributes, shared rather than deep-copied by derived frames.

    Attributes
    ----------
    source_file
        The file name, ``<stdin>``, ``<stream>`` or ``<DataFrame>``.
    format
        The detected or given format (acled, ucdp, gdelt, csv, geojson...).
    encoding
        The text encoding used (utf-8, utf-8-sig, cp1252, latin-1), or None for binary.
    delimiter
        The field delimiter of delimited text, or None.
    rows_read
        Data rows in the source, including those that could not be split into fields.
    accepted
        Rows in the returned GeoDataFrame.
    rejected
        Distinct rows rejected; ``accepted + rejected == rows_read``.
    problems
        Entries in ``rejects``: a rejected row with three faults counts three.
    layout
        The layout the header shows ("ACLED 2019-2022 (data_id, numeric iso,
        timestamp)", "UCDP GED with HXL hashtags", "GDELT 1.0 daily (58 columns)"...).
    encoding_method, encoding_confidence
        How the encoding was chosen (``utf-8``, ``bom``, ``detected``, ``given``) and the
        confidence of a detection (0-1).
    metadata_rows, blank_lines
        Lines of the file that are neither rows nor rejects: the HXL hashtag row, and
        blank lines.
    lines
        The line accounting of delimited text: ``after_header`` (every line after the
        header) equals ``in_accepted_rows + in_rejected_rows + metadata + blank``.
    rejects
        One row per fault: ``schema.REJECT_COLUMNS`` (row = the line number in the file,
        or the feature number; field; reason; value as written; source_file) then the
        row's original columns as read. A row with several faults appears once per fault.
    issues
        Same columns, for *accepted* rows whose values were changed: swaps fixed with
        ``fix_swaps=True``, unparseable optional values set to null.
    """

    def __init__(self, *, source_file: str, format: str, encoding: str | None,
                 delimiter: str | None, rows_read: int, accepted: int,
                 rejects: pd.DataFrame, issues: pd.DataFrame, **extra: Any) -> None:
        rejected = int(rejects["row"].nunique()) if len(rejects) else 0
        super().__init__(source_file=source_file, format=format, encoding=encoding,
                         delimiter=delimiter, rows_read=rows_read, accepted=accepted,
                         rejected=rejected, problems=len(rejects))
        self.update(extra)
        self.rejects = rejects
        self.issues = issues

    def rejected_rows(self) -> pd.DataFrame:
        """One row per rejected input row: its line, every reason (``"; "``-joined),
        the number of problems, then its original columns."""
        import pandas as pd

        rejects = self.rejects
        if not len(rejects):
            return pd.DataFrame(columns=["row", "problems", "reasons", "source_file"])
        grouped = rejects.groupby("row", sort=True)
        reasons = grouped["reason"].agg(
            lambda r: "; ".join(dict.fromkeys(str(x) for x in r)))
        first = grouped.head(1).set_index("row").drop(
            columns=["field", "reason", "value"], errors="ignore")
        structural = rejects[rejects["field"].isna()].groupby("row")["value"].first()
        out = pd.DataFrame({"problems": grouped.size(), "reasons": reasons,
                            "line_text": structural.reindex(reasons.index)})
        return out.join(first).reset_index()

    def __deepcopy__(self, memo: dict[int, Any]) -> IngestReport:
        return self

    source_file = property(lambda self: self["source_file"])
    format = property(lambda self: self["format"])
    encoding = property(lambda self: self["encoding"])
    delimiter = property(lambda self: self["delimiter"])
    rows_read = property(lambda self: self["rows_read"])
    accepted = property(lambda self: self["accepted"])
    rejected = property(lambda self: self["rejected"])

    def summary(self, gdf: gpd.GeoDataFrame) -> dict[str, Any]:
        """Counts for people: rows, accepted, rejected by reason, dates, countries, precision.

        ``gdf`` is the accepted frame this report belongs to.
        """
        from collections import Counter

        import pandas as pd

        dates = pd.to_datetime(gdf["event_date"], errors="coerce") if len(gdf) else None
        codes = Counter(gdf["geo_precision"].astype("float64").fillna(0).astype(int).tolist())
        mix = {f"{k} {GEO_PRECISION[k].split(':')[0]}": codes[k] for k in sorted(GEO_PRECISION)
               if codes.get(k)}
        if codes.get(0):
            mix["unknown"] = codes[0]

        def counts(values: pd.Series) -> dict[str, int]:
            return {str(k): int(v) for k, v in values.value_counts().items()}

        return {
            "file": self.source_file, "format": self.format, "encoding": self.encoding,
            "delimiter": self.delimiter, "rows_read": self.rows_read,
            "accepted": self.accepted, "rejected": self.rejected,
            "problems": self.get("problems", len(self.rejects)),
            "layout": self.get("layout"),
            "encoding_method": self.get("encoding_method"),
            "encoding_confidence": self.get("encoding_confidence"),
            "metadata_rows": self.get("metadata_rows", 0),
            "blank_lines": self.get("blank_lines", 0),
            "lines": self.get("lines"),
            "line_ends": self.get("line_ends"),
            "rejected_by_reason": counts(self.rejects["reason"]),
            "changed_by_reason": counts(self.issues["reason"]),
            "date_range": None if dates is None or dates.isna().all() else
            [dates.min().date().isoformat(), dates.max().date().isoformat()],
            "countries": counts(gdf["country"]),
            "precision": mix,
        }


# ------------------------------------------------------------------------ reading
@dataclass
class _Raw:
    """A source read into a raw table, before mapping."""

    frame: pd.DataFrame
    fmt: str
    name: str
    lines: np.ndarray
    encoding: str | None = None
    delimiter: str | None = None
    geometry: Any = None
    bad_rows: list[tuple[int, str, str]] = field(default_factory=list)
    table: _tabular.Table | None = None
    layout: str | None = None


def _open_source(source: Source) -> tuple[str, Path | None, bytes | None]:
    name, path, data = read_source(source)
    if path is not None:
        if not path.exists():
            msg = f"no such file: {path}"
            raise InputNotFoundError(msg)
        if path.is_dir():
            msg = "is a directory, not an incident file"
            raise EventsError(msg, file=name)
    elif not data:
        what = "standard input is empty (0 bytes): did the command before it in the " \
            "pipe fail?" if name == "<stdin>" else "the stream is empty (0 bytes)"
        raise EventsError(what, file=name)
    return name, path, data


def _read_raw(source: Source, fmt: str, encoding: str | None = None) -> _Raw:
    import numpy as np
    import pandas as pd

    if isinstance(source, pd.DataFrame):
        return _read_dataframe(source, fmt)
    name, path, data = _open_source(source)
    head = _tabular.read_head(path, data)
    if not head:
        msg = "the file is empty (0 bytes)"
        raise EventsError(msg, file=name)
    suffix = path.suffix.lower() if path is not None else None
    name, path, data, inner = _packed.unpack(name, path, data, head)
    if inner is not None:
        suffix = inner or None
        head = _tabular.read_head(path, data)
        if not head:
            msg = "the packed file is empty"
            raise EventsError(msg, file=name)
    if _packed.is_xlsx(head, path, data):
        return _read_xlsx(name, path, data, fmt)
    if fmt == "auto":
        fmt = _formats.detect_format(head) or "auto"
    if fmt in _formats.FEATURE_FORMATS:
        return _read_feature_file(name, path, data, fmt)
    # a head shorter than the sample is the whole file: a bad byte at its end is bad
    complete = len(head) < _tabular.HEAD_BYTES or (data is not None and len(data) == len(head))
    detected = _tabular.choose_encoding(head, complete=complete, given=encoding)
    text, _ = decode_head(head, complete=complete, encoding=detected.encoding)
    hint = "\t" if fmt in ("tsv", "gdelt") or suffix in (".tsv", ".tab") else None
    delimiter = _tabular.sniff_delimiter(text, hint=hint)
    first = _first_record(text, delimiter)
    if fmt == "auto":
        fmt = _formats.detect_table_format(first, delimiter)
    if not any(c.strip() for c in first) and fmt != "gdelt":
        msg = "no header line (the first line is blank)"
        raise EventsError(msg, file=name, row=1)
    if fmt == "gdelt" and not (first and first[0] == "GLOBALEVENTID"):
        columns = cw.GDELT_LAYOUTS.get(len(first))
        if columns is None:
            widths = ", ".join(str(w) for w in cw.GDELT_LAYOUTS)
            msg = (f"GDELT events need {widths} tab-separated columns (GDELT 1.0 or 2.0); "
                   f"the first line has {len(first)}")
            raise EventsError(msg, file=name, row=1)
        names, header = list(columns), 0
    else:
        names, header = _unique_names(first), 1
    table = _tabular.read_table(path, data, delimiter=delimiter, names=names,
                                header_lines=header, name=name, detected=detected)
    frame = table.table.to_pandas(split_blocks=True, self_destruct=True)
    frame.index = pd.RangeIndex(len(frame))
    lines = table.lines if table.lines is not None else np.arange(1, len(frame) + 1)
    raw = _Raw(frame, fmt, name, lines, table.encoding, delimiter,
               bad_rows=table.bad_rows, table=table)
    raw.layout = _formats.describe_layout(fmt, list(frame.columns), bool(table.hxl))
    return raw


def _first_record(text: str, delimiter: str) -> list[str]:
    """The header: the first line split into fields (a quote never closed on it stays
    part of its field instead of swallowing the file)."""
    line = re.split(r"\r\n|\n|\r", text, maxsplit=1)[0].lstrip("\ufeff")
    try:
        return next(iter(csv.reader([line], delimiter=delimiter, strict=False)), [])
    except csv.Error:
        return line.split(delimiter)


def _read_xlsx(name: str, path: Path | None, data: bytes | None, fmt: str) -> _Raw:
    import numpy as np
    import pandas as pd

    header, table, lines, blank = _packed.read_sheet(name, path, data)
    names = _unique_names(header)
    table = table.rename_columns(names)
    if fmt == "auto":
        fmt = _formats.detect_table_format(names, ",")
    result = _tabular.Table(table, "xlsx", ",", 1, lines=np.asarray(lines, dtype=np.int64),
                            blank_lines=blank, total_lines=len(lines) + blank)
    result = _tabular.finish(result)
    frame = result.table.to_pandas(split_blocks=True, self_destruct=True)
    frame.index = pd.RangeIndex(len(frame))
    assert result.lines is not None
    raw = _Raw(frame, fmt, name, result.lines, None, None, table=result)
    raw.layout = _formats.describe_layout(fmt, names, bool(result.hxl)) + " (.xlsx sheet)"
    return raw


def _unique_names(header: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for i, raw in enumerate(header):
        name = raw.strip() or f"column_{i + 1}"
        if name in seen:
            seen[name] += 1
            name = f"{name}_{seen[name]}"
        seen.setdefault(name, 1)
        out.append(name)
    return out


def _read_feature_file(name: str, path: Path | None, data: bytes | None, fmt: str) -> _Raw:
    import tempfile

    import numpy as np

    if path is not None:
        gdf = read_features(path)
    elif fmt in ("geojson", "geojsonseq"):
        stream = io.BytesIO(data or b"")
        stream.name = name  # messages name <stdin>, not <stream>
        gdf = read_features(stream)
    else:  # binary formats need a file for GDAL/parquet
        suffix = ".gpkg" if fmt == "gpkg" else ".parquet"
        with tempfile.TemporaryDirectory() as tmp:
            tmp_path = Path(tmp) / f"stdin{suffix}"
            tmp_path.write_bytes(data or b"")
            gdf = read_features(tmp_path)
    frame = gdf.drop(columns=gdf.geometry.name)
    frame.index = np.arange(len(frame))
    return _Raw(frame, fmt, name, np.arange(1, len(gdf) + 1),
                "utf-8" if fmt.startswith("geojson") else None,
                geometry=gdf.geometry.to_numpy())


def _read_dataframe(df: pd.DataFrame, fmt: str) -> _Raw:
    import geopandas as gpd
    import numpy as np

    geometry = None
    frame = df.reset_index(drop=True)
    if isinstance(df, gpd.GeoDataFrame) and df._geometry_column_name in df.columns:
        gdf = to_wgs84(df, "<dataframe>")
        geometry = gdf.geometry.to_numpy()
        frame = frame.drop(columns=df.geometry.name)
    if fmt == "auto":
        fmt = "dataframe" if geometry is not None else \
            detect_table_format([str(c) for c in frame.columns], ",")
        fmt = "dataframe" if fmt == "csv" else fmt
    return _Raw(frame, fmt, "<DataFrame>", np.arange(1, len(frame) + 1), geometry=geometry)


def _structure(raw: _Raw, kept: np.ndarray) -> dict[str, Any]:
    """The report's layout, encoding and line accounting."""
    import numpy as np

    table = raw.table
    out: dict[str, Any] = {"layout": raw.layout or raw.fmt}
    if table is None:
        return out
    detected = table.detected
    if detected is not None:
        out.update(encoding_method=detected.method,
                   encoding_confidence=detected.confidence)
    spans = table.spans if table.spans is not None else np.ones(len(kept), dtype=np.int64)
    out.update(
        metadata_rows=len(table.metadata), blank_lines=table.blank_lines,
        line_ends=table.line_ends or None,
        lines={"after_header": int(table.total_lines),
               "in_accepted_rows": int(spans[kept].sum()),
               "in_rejected_rows": int(spans[~kept].sum()) + int(sum(table.bad_spans)),
               "metadata": len(table.metadata), "blank": int(table.blank_lines)})
    return out


# --------------------------------------------------------------------- geocoding
def _geocode_rows(mapped: Mapped, geometry: Any) -> Any:
    """Fill missing points from the place-name column with geoconflict.geocoder."""
    import numpy as np
    import pandas as pd
    import shapely

    frame = mapped.frame
    if "location" not in frame:
        msg = "geocode=True but no place-name column (location, place, place_name, town...)"
        raise EventsError(msg, field="location")
    geom = np.asarray(geometry, dtype=object)
    need = np.asarray(pd.isna(geom) | shapely.is_empty(geom), dtype=bool)
    places = frame["location"].astype("string").str.strip()
    need &= np.asarray(places.notna() & (places != ""), dtype=bool)
    if not need.any():
        return geometry
    countries = (frame["country"].astype("string") if "country" in frame else
                 pd.Series(pd.NA, index=frame.index, dtype="string")).to_numpy(
        dtype=object, na_value="")
    texts = places.to_numpy(dtype=object, na_value="")
    status: list[Any] = [None] * len(frame)
    prec: list[Any] = [None] * len(frame)
    unc = np.full(len(frame), np.nan)
    todo = np.flatnonzero(need)
    # The row's admin names are context for its place name (a name shared by two
    # provinces), most general first: admin1, then ACLED's admin2/admin3 or UCDP's adm_2.
    admin_columns = [c for c in ("admin1", "admin2", "adm_2", "admin3") if c in frame]
    admins = [tuple(v) for v in frame[admin_columns].astype("string").to_numpy(
        dtype=object, na_value="")] if admin_columns else [()] * len(frame)
    for code in dict.fromkeys(countries[todo].tolist()):
        rows = todo[countries[todo] == code]
        pairs = list(dict.fromkeys((texts[i], admins[i]) for i in rows))
        hits = geocoder.geocode([q for q, _ in pairs], country=code or None,
                                context=[[a for a in names if a] or None
                                         for _, names in pairs])
        by_query = dict(zip(pairs, hits.to_dict(orient="records"), strict=True))
        for i in rows:
            hit = by_query.get((texts[i], admins[i]))
            if hit is None:
                status[i] = "no result"
                continue
            status[i] = str(hit.get("status"))
            g = hit.get("geometry")
            if g is not None and not shapely.is_empty(g):
                geom[i] = g
                prec[i] = hit.get("geo_precision")
                unc[i] = hit.get("uncertainty_m")
    if "geo_precision" not in frame:
        frame["geo_precision"] = pd.Series(pd.NA, index=frame.index, dtype="Int64")
    if "uncertainty_m" not in frame:
        frame["uncertainty_m"] = np.nan
    frame["geo_precision"] = frame["geo_precision"].astype("Int64").fillna(
        pd.Series(prec, index=frame.index, dtype="Int64"))
    frame["uncertainty_m"] = frame["uncertainty_m"].astype("float64").fillna(
        pd.Series(unc, index=frame.index))
    frame["geocode_status"] = pd.Series(status, index=frame.index, dtype="string")
    unresolved = need & np.asarray(pd.isna(geom) | shapely.is_empty(geom), dtype=bool)
    if unresolved.any():
        reasons = "place name not resolved by the geocoder (status: " + \
            frame["geocode_status"].fillna("none") + ")"
        for reason in reasons[unresolved].unique():
            mask = unresolved & np.asarray(reasons == reason)
            mapped.coerced.append((mask, "location", str(reason), places))
    return geom


# ------------------------------------------------------------------------ swaps
def _fix_swaps(mapped: Mapped, geometry: Any) -> Any:
    """Swap lon/lat where the validator would call it a probable swap (and where the
    latitude is out of range while the swapped point is valid); record each fix."""
    import numpy as np
    import pandas as pd
    import shapely

    geom = np.asarray(geometry, dtype=object)
    is_point = np.asarray(shapely.get_type_id(geom) == 0)
    x = np.where(is_point, shapely.get_x(geom), np.nan)
    y = np.where(is_point, shapely.get_y(geom), np.nan)
    country = mapped.frame["country"] if "country" in mapped.frame else \
        pd.Series(pd.NA, index=mapped.frame.index, dtype="string")

    boxed = np.asarray(country.isin(list(country_bboxes())).fillna(False), dtype=bool)
    with np.errstate(invalid="ignore"):
        # without a country to test against, only an impossible latitude is evidence
        lat_out = (np.abs(y) > 90) & (np.abs(y) <= 180) & (np.abs(x) <= 90) & ~boxed
    mask = is_point & (probable_swaps(x, y, country) | lat_out)
    if mask.any():
        geom = geom.copy()
        geom[mask] = shapely.points(y[mask], x[mask])
        before = pd.Series(shapely.to_wkt(np.asarray(geometry, dtype=object)[mask],
                                          rounding_precision=6), index=np.flatnonzero(mask))
        mapped.coerced.append((mask, "geometry", "latitude/longitude swapped; fixed",
                               before.reindex(range(len(geom)))))
    return geom


# ------------------------------------------------------------------------- public
def read_events(
    source: Source,
    *,
    format: str = "auto",
    on_error: OnError = "reject",
    fix_swaps: bool = False,
    geocode: bool = False,
    today: dt.date | None = None,
    encoding: str | None = None,
    progress: bool | None = None,
) -> gpd.GeoDataFrame:
    """Read incidents from ACLED, UCDP GED, GDELT, CSV/TSV or feature files.

    Parameters
    ----------
    source
        A path, ``"-"`` (standard input), a file object, or a (Geo)DataFrame.
    format
        ``"auto"`` (default: detected from magic bytes and the header), ``"acled"``,
        ``"ucdp"``, ``"gdelt"``, ``"csv"``, ``"tsv"``, ``"geojson"``, ``"geojsonseq"``,
        ``"gpkg"`` or ``"geoparquet"``.
    on_error
        ``"reject"``: return accepted rows, with rejects in ``attrs["ingest"]``;
        ``"warn"``: the same and a warning per reason; ``"raise"``: raise
        :class:`~geoconflict.errors.EventsError` naming file, line and field at the first
        fault.
    fix_swaps
        Swap longitude and latitude where they are probably swapped (the point outside
        its country's extent and the swapped point inside, or a latitude beyond +-90
        that is a valid longitude). Fixes are always listed in ``issues``; without
        ``fix_swaps`` such rows are rejected.
    geocode
        Resolve rows without coordinates from their place-name column with
        :func:`geoconflict.geocode` (offline gazetteer); unresolved rows are rejected.
    today
        Dates after this are rejected as future (default: today, UTC).
    encoding
        The text encoding of delimited text (``"cp1256"``, ``"utf-16"``...); default:
        UTF-8, else detected among the code pages incident files come in (the choice
        and its confidence are in the report, and a warning names them).
    progress
        A progress bar over the steps of the read (reading, mapping, validating...):
        None (default) draws one on a terminal or in Jupyter only, once the read has
        taken half a second; True always; False never (see :mod:`geoconflict._progress`).

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326, canonical columns (``schema.INCIDENT_COLUMNS``) first, then the
        source's other columns as read. ``attrs["ingest"]`` is an :class:`IngestReport`;
        ``attrs`` also holds ``rows_read``, ``format``, ``encoding`` and ``source_file``.

    Raises
    ------
    EventsError
        A file-level problem (missing required column, undecodable text), or any fault
        when ``on_error="raise"``.
    FileNotFoundError
        If the path does not exist.

    Examples
    --------
    >>> gdf = read_events("ged241.csv", fix_swaps=True)                # doctest: +SKIP
    >>> gdf.attrs["ingest"].rejects[["row", "field", "reason"]].head()  # doctest: +SKIP
    """
    if format not in ("auto", *_formats.FORMATS):
        msg = f"unknown format {format!r}; use auto or one of {', '.join(_formats.FORMATS)}"
        raise ArgumentError(msg)
    if on_error not in ("raise", "reject", "warn"):
        msg = f"on_error must be 'raise', 'reject' or 'warn', got {on_error!r}"
        raise ArgumentError(msg)
    if encoding is not None:
        try:
            encoding = normalize_encoding(encoding)
        except LookupError as exc:
            msg = f"unknown encoding {encoding!r} (try utf-8, cp1256, cp1252, utf-16)"
            raise ArgumentError(msg) from exc
    steps = ["reading", "mapping columns", *(["geocoding"] if geocode else []),
             *(["checking swaps"] if fix_swaps else []), "validating", "collecting rejects"]
    with _progress.stages(steps, "reading incidents", progress=progress) as step:
        return _read(source, format, encoding, on_error=on_error, fix_swaps=fix_swaps,
                     geocode=geocode, today=today, step=step)


def _read(source: Source, format: str, encoding: str | None, *, on_error: OnError,
          fix_swaps: bool, geocode: bool, today: dt.date | None,
          step: Callable[[str], None]) -> gpd.GeoDataFrame:
    """The body of :func:`read_events`, reporting each step to ``step``."""
    import numpy as np
    import pandas as pd

    step("reading")
    raw = _read_raw(source, format, encoding)
    if raw.bad_rows and on_error == "raise":
        line, reason, _ = raw.bad_rows[0]
        raise EventsError(reason, file=raw.name, row=line, field=None)
    step("mapping columns")
    try:
        mapped = _formats.map_frame(raw.frame, raw.fmt, raw.geometry,
                                    raw.table.hxl if raw.table is not None else None)
    except SchemaError as exc:
        raise EventsError(exc.reason, file=raw.name, row=exc.row, field=exc.field) from exc
    geometry = mapped.geometry
    if geocode:
        step("geocoding")
        geometry = _geocode_rows(mapped, geometry)
    if fix_swaps:
        step("checking swaps")
        geometry = _fix_swaps(mapped, geometry)
    import geopandas as gpd

    frame = gpd.GeoDataFrame(mapped.frame, geometry=gpd.GeoSeries(
        geometry, index=mapped.frame.index, crs=schema.CRS), crs=schema.CRS)
    if "origin" not in frame:
        frame["origin"] = mapped.origin
    step("validating")
    try:
        conformed = schema.conform_incidents(frame)
        # The validator reads only these columns; handing it just them spares a copy of
        # every text column, and the kept rows are then cut from Arrow in one filter.
        checked = [*VALIDATED, *(c for c in mapped.required if c not in VALIDATED)]
        accepted, rejects = schema.validate_incidents(
            conformed[checked], source_file=raw.name, on_error=on_error, today=today,
            row_numbers=pd.Series(raw.lines), required=mapped.required)
    except SchemaError as exc:
        raise EventsError(exc.reason, file=raw.name, row=exc.row, field=exc.field) from exc
    kept = np.zeros(len(conformed), dtype=bool)
    kept[conformed.index.get_indexer(accepted.index)] = True
    step("collecting rejects")
    coerced_rejects, issues = coerced_tables(mapped, raw, kept)
    parts = [p for p in (bad_row_table(raw), rejects, coerced_rejects) if len(p)]
    all_rejects = (pd.concat(parts, ignore_index=True) if parts
                   else rejects).sort_values("row", kind="stable", ignore_index=True)
    all_rejects = with_originals(raw_values(all_rejects, mapped, raw), raw)
    issues = with_originals(issues.sort_values("row", kind="stable", ignore_index=True), raw)
    # Drop every other reference to the text columns, so that keep_rows frees each
    # unfiltered column as soon as its filtered copy exists (peak: data + one column).
    n_raw = len(raw.frame)
    raw.frame = mapped.frame = pd.DataFrame()
    mapped.coerced.clear()
    mapped.notes.clear()
    box = [conformed]
    del frame, accepted, conformed
    result = keep_rows(box.pop(), kept, consume=True)
    report = IngestReport(source_file=raw.name, format=raw.fmt, encoding=raw.encoding,
                          delimiter=raw.delimiter,
                          rows_read=n_raw + len(raw.bad_rows), accepted=len(result),
                          rejects=all_rejects, issues=issues, **_structure(raw, kept))
    detected = raw.table.detected if raw.table is not None else None
    if detected is not None and detected.method == "detected":
        warnings.warn(f"{raw.name}: not UTF-8; decoded as {detected.describe()}; name the "
                      "encoding (CLI --encoding) if the text looks wrong",
                      DataChangedWarning, stacklevel=3)
    if on_error == "warn" and len(issues):
        for reason_, count in issues["reason"].value_counts().items():
            warnings.warn(f"{raw.name}: {count} rows changed: {reason_}", DataChangedWarning,
                          stacklevel=3)
    result.attrs.update(ingest=report, rows_read=report.rows_read, format=raw.fmt,
                        encoding=raw.encoding, source_file=raw.name)
    return result


# ---------------------------------------------------------------------- filtering
def filter_events(
    gdf: gpd.GeoDataFrame,
    *,
    since: str | dt.date | None = None,
    until: str | dt.date | None = None,
    countries: Iterable[str] | str | None = None,
    event_types: Iterable[str] | str | None = None,
    actors: Iterable[str | re.Pattern[str]] | str | re.Pattern[str] | None = None,
    bbox: tuple[float, float, float, float] | None = None,
    geometry: shapely.Geometry | None = None,
) -> gpd.GeoDataFrame:
    """Select incidents; every given criterion must hold (AND), values within one OR.

    Parameters
    ----------
    since, until
        Inclusive dates (``"2024-01-28"`` or :class:`datetime.date`).
    countries
        ISO alpha-3 codes or country names (``"IRQ"``, ``"Jordan"``).
    event_types
        ACLED event *or* sub-event types, case-insensitive (``"Air/drone strike"``).
    actors
        Case-insensitive substrings of ``actor1``/``actor2`` (and ``assoc_actor_*`` when
        present), or compiled regular expressions (``re.compile(r"Kata.?ib")``).
    bbox
        ``(min_lon, min_lat, max_lon, max_lat)``; incidents whose geometry intersects it.
    geometry
        Any shapely geometry in WGS84; incidents whose geometry intersects it.

    Examples
    --------
    >>> filter_events(gdf, since="2024-01-01", until="2024-02-29", countries="IRQ",
    ...               actors=["Kataib Hezbollah", re.compile("Nujaba")])  # doctest: +SKIP
    """
    import numpy as np
    import pandas as pd
    import shapely

    keep = np.ones(len(gdf), dtype=bool)
    dates = pd.to_datetime(gdf["event_date"], errors="coerce")
    if since is not None:
        keep &= np.asarray(dates >= pd.Timestamp(since).normalize(), dtype=bool)
    if until is not None:
        end = pd.Timestamp(until).normalize() + pd.Timedelta(days=1)
        keep &= np.asarray(dates < end, dtype=bool)
    if countries is not None:
        wanted = pd.Series([countries] if isinstance(countries, str) else list(countries),
                           dtype="string")
        codes = set(to_iso3(wanted).dropna()) | set(wanted[wanted.str.fullmatch("[A-Z]{3}")])
        keep &= np.asarray(gdf["country"].isin(list(codes)).fillna(False), dtype=bool)
    if event_types is not None:
        types = {t.lower() for t in ([event_types] if isinstance(event_types, str)
                                     else event_types)}
        hit = np.zeros(len(gdf), dtype=bool)
        for col in ("event_type", "sub_event_type"):
            if col in gdf:
                low = gdf[col].astype("string").str.lower()
                hit |= np.asarray(low.isin(list(types)).fillna(False), dtype=bool)
        keep &= hit
    if actors is not None:
        keep &= _actor_mask(gdf, actors)
    if bbox is not None:
        geometry = shapely.box(*bbox) if geometry is None else \
            shapely.intersection(geometry, shapely.box(*bbox))
    if geometry is not None:
        keep &= np.asarray(gdf.geometry.intersects(geometry), dtype=bool)
    return gdf.loc[keep]


def _actor_mask(gdf: gpd.GeoDataFrame,
                actors: Iterable[str | re.Pattern[str]] | str | re.Pattern[str]) -> np.ndarray:
    import numpy as np

    items = [actors] if isinstance(actors, str | re.Pattern) else list(actors)
    parts = [p.pattern if isinstance(p, re.Pattern) else re.escape(p) for p in items]
    pattern = "|".join(f"(?:{p})" for p in parts)
    columns = [c for c in ("actor1", "actor2", "assoc_actor_1", "assoc_actor_2") if c in gdf]
    hit = np.zeros(len(gdf), dtype=bool)
    for col in columns:
        found = gdf[col].astype("string").str.contains(pattern, case=False, regex=True)
        hit |= np.asarray(found.fillna(False), dtype=bool)
    return hit


# -------------------------------------------------------------------- de-duplication
def deduplicate(
    gdf: gpd.GeoDataFrame,
    *,
    within: str | float = "5km",
    same_date: bool = True,
    same_type: bool = True,
) -> gpd.GeoDataFrame:
    """Merge incidents reported by several sources: close, same day, same type.

    Two incidents are duplicates when their geodesic distance on the WGS84 ellipsoid
    (for non-point geometries, between their points on surface, the one point rule of
    every stage) is at most ``within`` and, when asked, they share the calendar date and
    the ``event_type``. Input in another CRS is reprojected first. Duplicates are grouped
    transitively (single linkage). From each group the most precise row is kept (lowest
    ``geo_precision``, then the first in input order); rows without a usable geometry
    are never merged.

    The pairs come from the proximity engine's exact search
    (:func:`geoconflict._geodesic.pairs_within`): a KD-tree over 3-D ellipsoid positions
    proposes candidates, proven chord/geodesic bounds settle most of them, and Karney's
    algorithm measures the rest, so the result equals a brute-force comparison of every
    pair at O(n log n) cost.

    Returns
    -------
    geopandas.GeoDataFrame
        The kept rows, with ``n_merged`` (rows merged into this one) and ``merged_from``
        (``"origin:event_id"`` of each merged row, ``"; "``-separated, or null).

    Examples
    --------
    >>> both = pd.concat([acled, ucdp], ignore_index=True)           # doctest: +SKIP
    >>> deduplicate(both, within="5km")[["event_id", "n_merged", "merged_from"]]  # doctest: +SKIP
    """
    import numpy as np
    import pandas as pd
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    radius_m = parse_distance(within)
    n = len(gdf)
    out = gdf.reset_index(drop=True).copy()
    if n == 0:
        out["n_merged"] = pd.Series(dtype="Int64")
        out["merged_from"] = pd.Series(dtype="string")
        return out
    out = to_wgs84(out, "incidents")
    lon, lat, ok = representative_points(out.geometry.values)
    # The proximity engine's exact pair search (KD-tree candidates, proven chord bounds,
    # Karney distances only where the bounds cannot decide); each pair once, i < j.
    idx = np.flatnonzero(ok)
    qi, ti, _, _ = pairs_within(lon[ok], lat[ok], lon[ok], lat[ok], radius_m, exact=False)
    once = qi < ti
    i, j = idx[qi[once]], idx[ti[once]]
    if same_date:
        d = pd.to_datetime(out["event_date"], errors="coerce").dt.normalize().to_numpy()
        i, j = _same(d, i, j)
    if same_type:
        t = out["event_type"].astype("string").str.lower().to_numpy(dtype=object,
                                                                      na_value=None)
        i, j = _same(t, i, j)
    graph = coo_matrix((np.ones(len(i)), (i, j)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    precision = out["geo_precision"].astype("float64").fillna(9).to_numpy() \
        if "geo_precision" in out else np.zeros(n)
    order = np.lexsort((np.arange(n), precision, labels))
    first = np.ones(n, dtype=bool)
    first[1:] = labels[order][1:] != labels[order][:-1]
    keepers = order[first]
    keeper_of = np.empty(n, dtype=np.int64)
    keeper_of[labels[keepers]] = keepers
    rep = keeper_of[labels]
    tag = (out["origin"].astype("string").fillna("?") + ":"
           + out["event_id"].astype("string").fillna("?")) if "event_id" in out \
        else pd.Series(np.arange(n).astype(str))
    dropped = np.flatnonzero(rep != np.arange(n))
    merged = pd.Series(tag.to_numpy()[dropped], index=rep[dropped]).groupby(level=0)
    counts = merged.size()
    texts = merged.agg("; ".join)
    result = out.iloc[np.sort(keepers)].copy()
    result["n_merged"] = counts.reindex(result.index).fillna(0).astype("Int64")
    result["merged_from"] = texts.reindex(result.index).astype("string")
    return result


def _same(values: np.ndarray, i: np.ndarray, j: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    import pandas as pd

    a, b = values[i], values[j]
    eq = (a == b) & ~pd.isna(a) & ~pd.isna(b)
    return i[eq], j[eq]
