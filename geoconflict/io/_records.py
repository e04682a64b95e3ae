"""GeoJSON from plain records (dicts with a GeoJSON geometry), without pandas.

The geocoder returns plain records; ``geoconflict geocode`` writes them here so that its
cold start stays a few tenths of a second: points (nearly every answer) are rounded and
wrapped in pure Python, and only a polygon or line (a neighbourhood, a sea, a shipping
lane) goes through shapely and the RFC 7946 rules of :mod:`._rfc7946` (ring orientation,
antimeridian split), exactly as :func:`geoconflict.io.export` applies them.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO, Any

from .._atomic import atomic_path
from ._rfc7946 import prepare_geometries

__all__ = ["RECORD_SUFFIXES", "write_records"]

#: Suffixes this writer handles (-> GeoJSON text sequence or not); others go to export.
RECORD_SUFFIXES = {".geojson": False, ".json": False, ".geojsons": True, ".geojsonl": True}


def _wrap(lon: float) -> float:
    return (lon + 180.0) % 360.0 - 180.0 if lon < -180 or lon > 180 else lon


def _geometry(geometry: dict[str, Any] | None, precision: int) -> dict[str, Any] | None:
    if not geometry:
        return None
    if geometry.get("type") == "Point":
        x, y = geometry["coordinates"][:2]
        return {"type": "Point",
                "coordinates": [round(_wrap(float(x)), precision), round(float(y), precision)]}
    import shapely

    (shape,), _ = prepare_geometries([shapely.geometry.shape(geometry)], precision)
    return None if shape is None else json.loads(shapely.to_geojson(shape))


def _features(records: Iterable[dict[str, Any]], columns: Sequence[str],
              precision: int) -> Iterable[dict[str, Any]]:
    for record in records:
        props = {k: record.get(k) for k in columns}
        props.update((str(k), v) for k, v in record.items()
                     if k not in props and k != "geometry" and not str(k).startswith("_"))
        yield {"type": "Feature", "properties": props,
               "geometry": _geometry(record.get("geometry"), precision)}


def _write(records: list[dict[str, Any]], fh: IO[str], columns: Sequence[str],
           precision: int, seq: bool) -> None:
    dumps = json.dumps
    features = _features(records, columns, precision)
    if seq:
        for feature in features:
            fh.write("\x1e" + dumps(feature, ensure_ascii=False, default=str) + "\n")
        return
    fh.write('{"type": "FeatureCollection", "features": [')
    for i, feature in enumerate(features):
        fh.write(("," if i else "") + "\n" + dumps(feature, ensure_ascii=False, default=str))
    fh.write("\n]}\n")


def write_records(records: list[dict[str, Any]], output: str | Path, *,
                  columns: Sequence[str] = (), precision: int = 6, seq: bool | None = None,
                  overwrite: bool = False) -> str | None:
    """Write records as RFC 7946 GeoJSON (or an RFC 8142 sequence) to a file or ``-``.

    ``columns`` come first in each feature's properties, then the records' other keys
    (keys starting with ``_`` are private and left out). The file is written atomically.
    Returns the path written, or None for standard output.
    """
    if str(output) == "-":
        _write(records, sys.stdout, columns, precision, bool(seq))
        sys.stdout.flush()
        return None
    if seq is None:
        seq = RECORD_SUFFIXES.get(Path(output).suffix.lower(), False)
    with atomic_path(output, overwrite=overwrite) as tmp, tmp.open("w", encoding="utf-8") as fh:
        _write(records, fh, columns, precision, seq)
    return str(output)
