"""Fast, streamed GeoJSON (RFC 7946) and GeoJSON text sequence (RFC 8142) writing.

Why not ``json.dumps`` per feature: on a million incidents building a dict per row and
dumping it costs tens of seconds. Here every *column* of a chunk of rows is encoded to
JSON text at once with the C-level helpers (``json.encoder``'s string escaper,
``float.__repr__``, ``numpy.datetime_as_string``), and each feature line is then one
``%``-template substitution. Points (the bulk of incident data) skip GEOS entirely:
their rounded x/y are formatted straight from numpy arrays; other geometries go through
``shapely.to_geojson`` (vectorised GEOS) after the RFC 7946 rules of
:mod:`geoconflict._rfc7946`. Rows are written chunk by chunk, so memory stays bounded by
the chunk size, never by the output size.

Values: NaN, NaT, NA and None become ``null``; dates are ISO 8601 (``2024-01-28`` when
a whole column has no time of day, otherwise ``2024-01-28T10:15:00``; time-zone aware
values keep their offset); lists, tuples, dicts and numpy arrays stay JSON arrays and
objects.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import IO, TYPE_CHECKING, Any

from .._columns import clean_value
from ._rfc7946 import prepare_geometries, to_wgs84, wrap_longitudes

if TYPE_CHECKING:
    import geopandas as gpd
    import numpy as np
    import pandas as pd
    from numpy.typing import NDArray

__all__ = ["CHUNK_ROWS", "encode_column", "iter_feature_texts", "write_geojson"]

#: Rows encoded at once: large enough to amortise numpy calls, small enough to keep
#: peak memory in the tens of MiB whatever the number of features.
CHUNK_ROWS = 20_000

_encode_str = json.encoder.c_encode_basestring or json.encoder.py_encode_basestring  # type: ignore[attr-defined]


def _dumps(value: Any) -> str:
    return json.dumps(clean_value(value), ensure_ascii=False, allow_nan=False,
                      separators=(",", ":"))


def _with_nulls(texts: list[str], mask: NDArray[np.bool_]) -> NDArray[Any]:
    import numpy as np

    out = np.array(texts, dtype=object)
    if mask.any():
        out[mask] = "null"
    return out


def _iso_datetimes(values: NDArray[Any]) -> NDArray[Any]:
    """ISO 8601 text of naive datetime64 values; a column of midnights is dates."""
    import numpy as np

    nat = np.isnat(values)
    ns = values.astype("datetime64[ns]").astype(np.int64)
    valid = ns[~nat]
    day_ns = 86_400 * 10**9
    if not valid.size or not np.any(valid % day_ns):
        unit = "D"
    elif not np.any(valid % 10**9):
        unit = "s"
    elif not np.any(valid % 10**6):
        unit = "ms"
    else:
        unit = "us"
    text = np.datetime_as_string(values, unit=unit).astype(object)  # type: ignore[call-overload]
    out: NDArray[Any] = '"' + text + '"'
    out[nat] = "null"
    return out


def encode_column(series: pd.Series) -> NDArray[Any]:
    """Encode one column as an object array of JSON texts, one per row (vectorised)."""
    import numpy as np
    import pandas as pd

    dtype = series.dtype
    kind = getattr(dtype, "kind", "O")
    mask = series.isna().to_numpy(dtype=bool)
    if isinstance(dtype, pd.CategoricalDtype):
        return encode_column(series.astype(object))
    if pd.api.types.is_bool_dtype(dtype):
        values = series.to_numpy(dtype=bool, na_value=False)
        out = np.where(values, "true", "false").astype(object)
        out[mask] = "null"
        return out
    if pd.api.types.is_integer_dtype(dtype):
        # Keep the column's own integer type (uint64 above 2**63 must not wrap).
        numpy_dtype: Any = getattr(dtype, "numpy_dtype", dtype)
        values = series.to_numpy(dtype=numpy_dtype, na_value=0) if mask.any() \
            else series.to_numpy(dtype=numpy_dtype)
        return _with_nulls(list(map(str, values.tolist())), mask)
    if pd.api.types.is_float_dtype(dtype):
        raw: Any = getattr(dtype, "numpy_dtype", dtype)
        float_dtype = np.dtype(raw)
        values = series.to_numpy(dtype=float_dtype, na_value=np.nan)
        mask = ~np.isfinite(values)
        if float_dtype.itemsize < 8:  # shortest float32 text: 0.1, not 0.10000000149011612
            return _with_nulls(values.astype(str).tolist(), mask)
        return _with_nulls(list(map(float.__repr__, values.tolist())), mask)
    if isinstance(dtype, pd.DatetimeTZDtype):
        return np.array([_dumps(v) for v in series.tolist()], dtype=object)
    if kind == "M":
        return _iso_datetimes(series.to_numpy())
    if pd.api.types.is_string_dtype(dtype) and not pd.api.types.is_object_dtype(dtype):
        values = series.astype(object).where(~mask, None).to_numpy()
        return _with_nulls([_encode_str(v) if v is not None else "null" for v in values],
                           mask)
    # object and anything else: strings fast, the rest (lists, dicts, dates...) exactly
    return np.array([_encode_str(v) if type(v) is str else _dumps(v)
                     for v in series.tolist()], dtype=object)


def _point_texts(xs: NDArray[np.float64], ys: NDArray[np.float64]) -> list[str]:
    # %-formatting of a constant template is the fastest str building CPython offers.
    template = '{"type":"Point","coordinates":[%r,%r]}'
    return [template % xy for xy in zip(xs.tolist(), ys.tolist(), strict=True)]


def _bbox_text(bounds: NDArray[np.float64], precision: int) -> str:
    import numpy as np

    return "[" + ",".join(repr(float(v)) for v in np.round(bounds, precision)) + "]"


def _geometry_texts(geoms: NDArray[Any], precision: int, want_bbox: bool
                    ) -> tuple[NDArray[Any], NDArray[np.float64], bool]:
    """JSON texts of RFC 7946 geometries; also their bounds and whether any was split."""
    import numpy as np
    import shapely

    n = len(geoms)
    out = np.full(n, "null", dtype=object)
    bounds = np.full((n, 4), np.nan)
    type_ids = shapely.get_type_id(geoms)
    simple = (type_ids == 0) & ~shapely.is_empty(geoms) & ~shapely.has_z(geoms)
    if simple.any():
        pts = geoms[simple]
        xs = np.round(wrap_longitudes(shapely.get_x(pts)), precision)
        ys = np.round(shapely.get_y(pts), precision)
        out[simple] = _point_texts(xs, ys)
        if want_bbox:
            bounds[simple] = np.column_stack([xs, ys, xs, ys])
    others = ~simple & (type_ids >= 0)
    any_split = False
    if others.any():
        prepared, split = prepare_geometries(geoms[others], precision)
        present = ~shapely.is_missing(prepared)
        texts = np.full(len(prepared), "null", dtype=object)
        if present.any():
            texts[present] = shapely.to_geojson(prepared[present])
        out[others] = texts
        if want_bbox:
            b = shapely.bounds(prepared)
            any_split = bool(split.any())
            for i in np.flatnonzero(split):
                b[i] = _split_bbox(prepared[i], b[i])
            bounds[others] = b
    return out, bounds, any_split


def _split_bbox(geom: Any, plain: NDArray[np.float64]) -> NDArray[np.float64]:
    """RFC 7946 section 5.2 bbox of a split geometry: west > east across 180."""
    import numpy as np
    import shapely

    parts = shapely.get_parts(geom)
    b = shapely.bounds(parts)
    east_side = b[:, 0] >= 0
    west = b[east_side, 0].min() if east_side.any() else plain[0]
    east = b[~east_side, 2].max() if (~east_side).any() else plain[2]
    return np.array([west, plain[1], east, plain[3]])


def iter_feature_texts(gdf: gpd.GeoDataFrame, *, precision: int = 6, bbox: bool = False,
                       chunk_rows: int = CHUNK_ROWS, stats: dict[str, Any] | None = None,
                       ) -> Iterator[list[str]]:
    """Yield lists of compact GeoJSON Feature texts, ``chunk_rows`` at a time.

    ``stats`` (optional) receives ``bounds`` [minx, miny, maxx, maxy] of all features
    written and ``split`` (whether any geometry crossed the antimeridian).
    """
    import numpy as np

    gdf = to_wgs84(gdf)
    geometry_name = gdf.geometry.name
    columns = [c for c in gdf.columns if c != geometry_name]
    keys = [_encode_str(str(c)).replace("%", "%%") for c in columns]
    template = '{"type":"Feature","properties":{' + ",".join(
        f"{k}:%s" for k in keys) + '},"geometry":%s' + (',"bbox":%s' if bbox else "") + "}"
    total = np.array([np.inf, np.inf, -np.inf, -np.inf])
    any_split = False
    geoms_all = gdf.geometry.to_numpy()
    for start in range(0, len(gdf), chunk_rows):
        stop = min(start + chunk_rows, len(gdf))
        part = gdf.iloc[start:stop]
        encoded = [encode_column(part[c]) for c in columns]
        geometry, bounds, split = _geometry_texts(geoms_all[start:stop], precision, bbox)
        encoded.append(geometry)
        if bbox:
            valid = ~np.isnan(bounds[:, 0])
            box_texts = np.full(len(bounds), "null", dtype=object)
            box_texts[valid] = [_bbox_text(b, precision) for b in bounds[valid]]
            encoded.append(box_texts)
            if valid.any():
                total = np.concatenate([np.minimum(total[:2], bounds[valid, :2].min(axis=0)),
                                        np.maximum(total[2:], bounds[valid, 2:].max(axis=0))])
            any_split = any_split or split
        yield [template % row for row in zip(*encoded, strict=True)]
    if stats is not None:
        stats["bounds"] = total if np.isfinite(total).all() else None
        stats["split"] = any_split


def write_geojson(gdf: gpd.GeoDataFrame, fh: IO[str], *, precision: int = 6,
                  seq: bool = False, bbox: bool = False,
                  on_chunk: Callable[[int], None] | None = None) -> int:
    """Stream ``gdf`` to a text file as a FeatureCollection or an RFC 8142 sequence.

    Returns the number of features written; ``on_chunk(n)`` is called after each chunk
    of ``n`` features (progress bars). A FeatureCollection's ``bbox`` (when asked)
    comes after ``features``, so it can be computed while streaming; across the
    antimeridian it is the whole longitude range, which is always correct.
    """
    import numpy as np

    stats: dict[str, Any] = {}
    count = 0
    if seq:
        for chunk in iter_feature_texts(gdf, precision=precision, bbox=bbox):
            fh.write("".join(f"\x1e{text}\n" for text in chunk))
            count += len(chunk)
            if on_chunk is not None:
                on_chunk(len(chunk))
        return count
    fh.write('{"type":"FeatureCollection","features":[')
    for chunk in iter_feature_texts(gdf, precision=precision, bbox=bbox, stats=stats):
        if chunk:
            fh.write(("," if count else "") + "\n" + ",\n".join(chunk))
            count += len(chunk)
            if on_chunk is not None:
                on_chunk(len(chunk))
    fh.write("\n]")
    if bbox and stats.get("bounds") is not None:
        b = stats["bounds"]
        if stats.get("split"):
            b = np.array([-180.0, b[1], 180.0, b[3]])
        fh.write(',"bbox":' + _bbox_text(b, precision))
    fh.write("}\n")
    return count
