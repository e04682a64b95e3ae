"""Writers: GeoJSON (RFC 7946) and the other formats analysts use, written atomically.

``export`` is the one entry point; it picks the format from the file name unless told.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from ._atomic import atomic_path
from .errors import ExportError

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["export", "iter_geojson_features", "to_geojson_text"]


def _clean(value: Any) -> Any:
    """Turn pandas/numpy scalars into JSON values (NaN/NaT/NA -> null, dates ISO)."""
    import datetime as dt

    import numpy as np
    import pandas as pd

    if value is None:
        return None
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if isinstance(value, np.ndarray):
        return [_clean(v) for v in value.tolist()]
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, float | np.floating):
        return None if not math.isfinite(float(value)) else float(value)
    if value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, pd.Timestamp | dt.datetime):
        ts = pd.Timestamp(value)
        if ts.hour == ts.minute == ts.second == ts.microsecond == 0 and ts.tzinfo is None:
            return ts.date().isoformat()
        return ts.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value


def iter_geojson_features(gdf: gpd.GeoDataFrame, *, precision: int = 6
                          ) -> Iterator[dict[str, Any]]:
    """Yield RFC 7946 feature dicts (lon/lat WGS84, right-hand rings, rounded coords)."""
    import shapely

    if gdf.crs is not None and not gdf.crs.equals("EPSG:4326"):
        gdf = gdf.to_crs("EPSG:4326")
    geom = gdf.geometry.values
    oriented = shapely.orient_polygons(geom) if hasattr(shapely, "orient_polygons") else geom
    rounded = shapely.set_precision(oriented, 10.0 ** -precision, mode="pointwise")
    columns = [c for c in gdf.columns if c != gdf.geometry.name]
    records = gdf[columns].to_dict(orient="records") if columns else [{}] * len(gdf)
    for g, props in zip(rounded, records, strict=True):
        geometry = None if g is None or shapely.is_empty(g) else json.loads(
            shapely.to_geojson(g))
        yield {"type": "Feature", "properties": {k: _clean(v) for k, v in props.items()},
               "geometry": geometry}


def to_geojson_text(gdf: gpd.GeoDataFrame, *, precision: int = 6) -> str:
    """Return an RFC 7946 FeatureCollection as text."""
    features = list(iter_geojson_features(gdf, precision=precision))
    return json.dumps({"type": "FeatureCollection", "features": features},
                      ensure_ascii=False, allow_nan=False)


def _write_geojson(gdf: gpd.GeoDataFrame, fh: IO[str], precision: int, seq: bool) -> None:
    if seq:
        for feature in iter_geojson_features(gdf, precision=precision):
            fh.write("\x1e" + json.dumps(feature, ensure_ascii=False, allow_nan=False) + "\n")
        return
    fh.write('{"type": "FeatureCollection", "features": [')
    for i, feature in enumerate(iter_geojson_features(gdf, precision=precision)):
        fh.write(("," if i else "") + "\n" + json.dumps(feature, ensure_ascii=False,
                                                        allow_nan=False))
    fh.write("\n]}\n")


_FORMATS = {".geojson": "geojson", ".json": "geojson", ".geojsons": "geojsonseq",
            ".geojsonl": "geojsonseq"}


def export(
    gdf: gpd.GeoDataFrame,
    dest: str | Path | IO[str],
    *,
    format: str = "auto",
    precision: int = 6,
    overwrite: bool = False,
) -> Path | None:
    """Write features to a file (atomically) or a text stream.

    Parameters
    ----------
    gdf
        Features in any CRS (written as WGS84 lon/lat).
    dest
        A path, ``-`` for standard output, or a text stream.
    format
        ``"auto"`` (from the file suffix; GeoJSON for streams), ``"geojson"`` or
        ``"geojsonseq"``.
    precision
        Decimal places of coordinates (6 is about 0.1 m).
    overwrite
        Replace an existing file.

    Returns
    -------
    Path or None
        The file written, or None for a stream.
    """
    if isinstance(dest, str | Path) and str(dest) != "-":
        path = Path(dest)
        fmt = _FORMATS.get(path.suffix.lower(), "geojson") if format == "auto" else format
        if fmt not in ("geojson", "geojsonseq"):
            msg = f"unsupported format {fmt!r} for {path}"
            raise ExportError(msg)
        with atomic_path(path, overwrite=overwrite) as tmp, tmp.open("w", encoding="utf-8") as fh:
            _write_geojson(gdf, fh, precision, seq=fmt == "geojsonseq")
        return path
    stream: IO[str] = sys.stdout if isinstance(dest, str | Path) else dest
    fmt = "geojson" if format == "auto" else format
    _write_geojson(gdf, stream, precision, seq=fmt == "geojsonseq")
    stream.flush()
    return None
