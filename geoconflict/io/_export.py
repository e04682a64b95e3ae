"""Writers: RFC 7946 GeoJSON and the other formats analysts use, written atomically.

``export`` is the one entry point; it picks the format from the file name unless told.

==============  =====================  ==============================================
format          suffixes               written by
==============  =====================  ==============================================
``geojson``     .geojson .json         :mod:`geoconflict._geojson` (streamed, vectorised)
``geojsonseq``  .geojsons .geojsonl    :mod:`geoconflict._geojson` (RFC 8142, RS-prefixed)
``gpkg``        .gpkg                  pyogrio/GDAL, one layer per mapping entry, QGIS
                                       default styles (:mod:`geoconflict.io._qgis`)
``kml``         .kml                   :mod:`geoconflict._kml` (styles per event type)
``parquet``     .parquet .geoparquet   geopandas/pyarrow, GeoParquet 1.1 + bbox covering
``fgb``         .fgb                   pyogrio/GDAL FlatGeobuf
``csv``         .csv                   pandas: longitude/latitude, or a WKT column
==============  =====================  ==============================================

Why these tools: GDAL (through pyogrio) is the reference implementation of GeoPackage
and FlatGeobuf, and geopandas writes the GeoParquet metadata and covering columns. For
GeoJSON we write the text ourselves, because GDAL's writer is several times slower on
a million points and does not split antimeridian crossings unless asked; KML is written
by hand because GDAL's KML drivers know nothing of per-event-type styles.

Every file output goes through :func:`geoconflict._atomic.atomic_path`: a temporary file
beside the target, fsync, rename. Text formats (GeoJSON, GeoJSONSeq, KML, CSV) can
also go to a stream or ``-`` (standard output).
"""

from __future__ import annotations

import contextlib
import errno
import json
import shutil
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from .. import _progress
from .._atomic import atomic_path, check_writable
from .._columns import clean_value
from ..errors import ExportError
from ._geojson import CHUNK_ROWS, encode_column, iter_feature_texts, write_geojson
from ._kml import write_kml
from ._qgis import write_layer_styles
from ._rfc7946 import round_geometries, to_wgs84

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

__all__ = ["FORMATS", "export", "format_for", "iter_geojson_features", "to_geojson_text"]

#: format name -> file suffixes (the first is the canonical one).
FORMATS: dict[str, tuple[str, ...]] = {
    "geojson": (".geojson", ".json"),
    "geojsonseq": (".geojsons", ".geojsonl", ".geojsonseq"),
    "gpkg": (".gpkg",),
    "kml": (".kml",),
    "parquet": (".parquet", ".geoparquet"),
    "fgb": (".fgb",),
    "csv": (".csv",),
}
_ALIASES = {"geoparquet": "parquet", "flatgeobuf": "fgb", "geopackage": "gpkg",
            "seq": "geojsonseq", "json": "geojson"}
#: Formats that are text and can be written to a stream / standard output.
TEXT_FORMATS = ("geojson", "geojsonseq", "kml", "csv")
#: Formats that hold several named layers in one file.
MULTI_LAYER_FORMATS = ("gpkg", "kml")


def format_for(dest: str | Path, format: str = "auto") -> str:
    """Return the canonical format name for ``dest`` (by suffix when ``format="auto"``).

    Raises
    ------
    ExportError
        For an unknown format name or suffix.
    """
    if format != "auto":
        name = _ALIASES.get(format.lower(), format.lower())
        if name not in FORMATS:
            msg = f"unknown format {format!r}; choose one of {', '.join(FORMATS)}"
            raise ExportError(errno.EINVAL, msg)
        return name
    suffix = Path(str(dest)).suffix.lower()
    for name, suffixes in FORMATS.items():
        if suffix in suffixes:
            return name
    msg = (f"cannot tell the format of {dest} from its suffix {suffix!r}; pass format= "
           f"(CLI: --format) one of {', '.join(FORMATS)}")
    raise ExportError(errno.EINVAL, msg)


def iter_geojson_features(gdf: gpd.GeoDataFrame, *, precision: int = 6,
                          bbox: bool = False) -> Iterator[dict[str, Any]]:
    """Yield RFC 7946 Feature dicts (lon/lat WGS84, right-hand rings, rounded coords).

    Built from the same text the file writer produces, so the two never disagree.
    Meant for small collections (tests, web maps); files use the streamed writer.
    """
    for chunk in iter_feature_texts(gdf, precision=precision, bbox=bbox):
        for text in chunk:
            yield json.loads(text)


def to_geojson_text(gdf: gpd.GeoDataFrame, *, precision: int = 6, bbox: bool = False) -> str:
    """Return an RFC 7946 FeatureCollection as text (for small collections)."""
    import io

    buffer = io.StringIO()
    write_geojson(gdf, buffer, precision=precision, bbox=bbox)
    return buffer.getvalue()


def _as_layers(data: Any, layer: str | None, default: str) -> dict[str, gpd.GeoDataFrame]:
    import geopandas as gpd

    if isinstance(data, gpd.GeoDataFrame):
        return {layer or default: data}
    if isinstance(data, Mapping):
        layers = {str(k): v for k, v in data.items()}
        if not layers:
            msg = "nothing to export: the mapping of layers is empty"
            raise ExportError(errno.EINVAL, msg)
        for name, frame in layers.items():
            if not isinstance(frame, gpd.GeoDataFrame):
                msg = f"layer {name!r} is a {type(frame).__name__}, not a GeoDataFrame"
                raise ExportError(errno.EINVAL, msg)
        return layers
    msg = f"cannot export a {type(data).__name__}; pass a GeoDataFrame or a mapping of them"
    raise ExportError(errno.EINVAL, msg)


def _single(layers: dict[str, gpd.GeoDataFrame], fmt: str) -> gpd.GeoDataFrame:
    if len(layers) != 1:
        msg = (f"{fmt} holds one layer but {len(layers)} were given "
               f"({', '.join(layers)}); use .gpkg or .kml for several layers")
        raise ExportError(errno.EINVAL, msg)
    return next(iter(layers.values()))


def _jsonify_objects(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Lists/dicts/mixed object columns -> JSON text, for formats without such types."""
    import pandas as pd

    out = gdf
    for name in gdf.columns:
        if name == gdf.geometry.name or not pd.api.types.is_object_dtype(gdf[name].dtype):
            continue
        values = gdf[name].tolist()
        if all(v is None or isinstance(v, str) for v in values):
            continue
        if out is gdf:
            out = gdf.copy()
        out[name] = pd.array(
            [None if (c := clean_value(v)) is None else
             c if isinstance(c, str) else json.dumps(c, ensure_ascii=False) for v in values],
            dtype="string")
    return out


def _skip(_: int) -> None:
    return None


def _write_ogr(layers: dict[str, gpd.GeoDataFrame], tmp: Path, driver: str,
               advance: Callable[[int], None] = _skip) -> None:
    import pyogrio
    import shapely

    for name, gdf in layers.items():
        frame = _jsonify_objects(gdf)
        options: dict[str, Any] = {}
        if driver == "FlatGeobuf" and shapely.is_missing(frame.geometry.values).any():
            options["SPATIAL_INDEX"] = "NO"  # FlatGeobuf's index cannot hold null geometries
        try:
            pyogrio.write_dataframe(frame, tmp, layer=name, driver=driver,
                                    layer_options=options or None)
        except pyogrio.errors.DataSourceError as exc:
            raise OSError(errno.EIO, str(exc)) from exc
        except (pyogrio.errors.FeatureError, pyogrio.errors.FieldError,
                pyogrio.errors.GeometryError) as exc:
            msg = f"{driver} could not store layer {name!r}: {exc}"
            raise ExportError(errno.EINVAL, msg) from exc
        advance(len(gdf))  # GDAL writes a layer in one call: progress is per layer


def _write_gpkg(layers: dict[str, gpd.GeoDataFrame], path: Path, *, overwrite: bool,
                append: bool, advance: Callable[[int], None] = _skip) -> None:
    import pyogrio

    if append and path.exists():
        try:
            existing = {str(row[0]) for row in pyogrio.list_layers(path)}
        except pyogrio.errors.DataSourceError as exc:
            msg = f"cannot append to {path}: not a readable GeoPackage ({exc})"
            raise ExportError(errno.EINVAL, msg) from exc
        clash = sorted(set(layers) & existing)
        if clash and not overwrite:
            msg = (f"{path} already has layer(s) {', '.join(clash)}; pass overwrite=True "
                   f"(CLI: --overwrite) to replace them")
            raise ExportError(errno.EEXIST, msg)
        # Appending still never touches the original: copy it, add to the copy, rename.
        with atomic_path(path, overwrite=True) as tmp:
            shutil.copyfile(path, tmp)
            # pyogrio replaces a layer of the same name and keeps the others.
            _write_ogr(layers, tmp, "GPKG", advance)
            write_layer_styles(tmp, layers)
        return
    with atomic_path(path, overwrite=overwrite) as tmp:
        _write_ogr(layers, tmp, "GPKG", advance)
        # QGIS default styles (incidents by event type...), before the file is moved in.
        write_layer_styles(tmp, layers)


def _write_parquet(gdf: gpd.GeoDataFrame, tmp: Path) -> None:
    import pandas as pd
    import pyarrow as pa

    # Lists and structs are native in Parquet; a column mixing them (or mixing types)
    # that Arrow cannot type is stored as JSON text instead.
    mixed = []
    for name in gdf.columns:
        if name != gdf.geometry.name and pd.api.types.is_object_dtype(gdf[name].dtype):
            try:
                pa.array(gdf[name].tolist(), from_pandas=True)
            except (pa.ArrowInvalid, pa.ArrowTypeError):
                mixed.append(name)
    if mixed:
        gdf = gdf.copy()
        gdf[mixed] = _jsonify_objects(gdf[[*mixed, gdf.geometry.name]])[mixed]
    # GeoParquet 1.1 with a per-row bbox struct column ("covering"), so readers such as
    # GDAL, DuckDB or geopandas can skip row groups by bounding box.
    gdf.to_parquet(tmp, write_covering_bbox=True, schema_version="1.1.0")


def _csv_frame(gdf: gpd.GeoDataFrame, precision: int) -> pd.DataFrame:
    """longitude/latitude columns when every geometry is a point, else a WKT column."""
    import numpy as np
    import shapely

    gdf = _jsonify_objects(to_wgs84(gdf))
    geoms = gdf.geometry.to_numpy()
    frame = gdf.drop(columns=gdf.geometry.name).copy()
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    types = shapely.get_type_id(geoms)
    if bool(np.all(types[present] == 0)) and not shapely.has_z(geoms).any():
        frame["longitude"] = np.round(shapely.get_x(geoms), precision)
        frame["latitude"] = np.round(shapely.get_y(geoms), precision)
    else:
        rounded = round_geometries(geoms, precision)
        frame["wkt"] = shapely.to_wkt(rounded, rounding_precision=-1)
    for name in frame.columns:
        if getattr(frame[name].dtype, "kind", "") == "M":
            frame[name] = _iso_column(frame[name])
    return frame


def _iso_column(series: pd.Series) -> pd.Series:
    import pandas as pd

    # Same ISO 8601 rule as GeoJSON (dates only when no value has a time of day).
    texts = [None if t == "null" else t[1:-1] for t in encode_column(series)]
    return pd.Series(pd.array(texts, dtype="string"), index=series.index)


def _write_csv(gdf: gpd.GeoDataFrame, fh: IO[str], precision: int,
               advance: Callable[[int], None] = _skip) -> None:

    for start in range(0, len(gdf), CHUNK_ROWS):
        part = _csv_frame(gdf.iloc[start:start + CHUNK_ROWS], precision)
        part.to_csv(fh, index=False, header=start == 0, lineterminator="\n")
        advance(len(part))
    if not len(gdf):
        _csv_frame(gdf, precision).to_csv(fh, index=False, lineterminator="\n")


def _write_text(layers: dict[str, gpd.GeoDataFrame], fmt: str, fh: IO[str], *,
                precision: int, bbox: bool, advance: Callable[[int], None] = _skip) -> None:
    if fmt in ("geojson", "geojsonseq"):
        write_geojson(_single(layers, fmt), fh, precision=precision,
                      seq=fmt == "geojsonseq", bbox=bbox, on_chunk=advance)
    elif fmt == "kml":
        write_kml(layers, fh, precision=precision)
        advance(sum(len(g) for g in layers.values()))
    elif fmt == "csv":
        _write_csv(_single(layers, fmt), fh, precision, advance)
    else:  # pragma: no cover - guarded by callers
        msg = f"{fmt} is not a text format"
        raise ExportError(errno.EINVAL, msg)


def export(
    gdf: gpd.GeoDataFrame | Mapping[str, gpd.GeoDataFrame],
    dest: str | Path | IO[str],
    *,
    format: str = "auto",
    precision: int = 6,
    overwrite: bool = False,
    layer: str | None = None,
    append: bool = False,
    bbox: bool = False,
    progress: bool | None = None,
) -> Path | None:
    """Write features to a file (atomically), to a text stream, or to ``-`` (stdout).

    Parameters
    ----------
    gdf
        Features in any CRS, or a mapping ``{layer name: GeoDataFrame}`` for the
        multi-layer formats (GeoPackage; KML writes one folder per layer).
    dest
        A path, ``-`` for standard output, or a text stream (text formats only).
    format
        ``"auto"`` (from the suffix; GeoJSON for streams) or one of ``geojson``,
        ``geojsonseq``, ``gpkg``, ``kml``, ``parquet``, ``fgb``, ``csv``.
    precision
        Decimal places of coordinates in the text formats (6 is about 0.1 m). Binary
        formats (GeoPackage, GeoParquet, FlatGeobuf) keep full precision.
    overwrite
        Replace an existing file (or, with ``append``, existing layers of that name).
    layer
        Layer name when ``gdf`` is a single GeoDataFrame (default: the file's stem).
    append
        GeoPackage only: add the layers to an existing file instead of refusing.
    bbox
        GeoJSON/GeoJSONSeq: write a ``bbox`` member on each feature (and on the
        collection).
    progress
        A progress bar over the features written (by chunk for GeoJSON, GeoJSONSeq and
        CSV; by layer for GeoPackage, FlatGeobuf and GeoParquet, which GDAL and pyarrow
        write in one call): None (default) on a terminal or in Jupyter only, True
        always, False never (see :mod:`geoconflict._progress`).

    Returns
    -------
    Path or None
        The file written, or None for a stream.

    Raises
    ------
    ExportError
        If the file exists (without ``overwrite``), the directory is missing or not
        writable, the disk is full, or the format cannot hold what was given. The
        previous file is never damaged.

    Examples
    --------
    >>> export(incidents, "incidents.geojson")                       # doctest: +SKIP
    >>> export({"incidents": incidents, "deployments": bases,
    ...         "rings": rings}, "scenario.gpkg", overwrite=True)   # doctest: +SKIP
    >>> export(rings, "scenario.gpkg", layer="rings_50km", append=True)  # doctest: +SKIP
    """
    if precision < 0 or precision > 15:
        msg = f"precision must be 0..15 decimals, not {precision}"
        raise ExportError(errno.EINVAL, msg)
    if isinstance(dest, str | Path) and str(dest) != "-":
        path = Path(dest)
        fmt = format_for(path, format)
        layers = _as_layers(gdf, layer, path.stem or "features")
        if append and fmt != "gpkg":
            msg = f"append is only supported for GeoPackage, not {fmt}"
            raise ExportError(errno.EINVAL, msg)
        if len(layers) > 1 and fmt not in MULTI_LAYER_FORMATS:
            _single(layers, fmt)
        if not append:
            check_writable(path, overwrite=overwrite)
        total = sum(len(g) for g in layers.values())
        with _progress.bar(total, f"writing {path.name}", unit="feature",
                           progress=progress) as advance:
            if fmt == "gpkg":
                _write_gpkg(layers, path, overwrite=overwrite, append=append,
                            advance=advance)
            elif fmt == "fgb":
                with atomic_path(path, overwrite=overwrite) as tmp:
                    _write_ogr(layers, tmp, "FlatGeobuf", advance)
            elif fmt == "parquet":
                with atomic_path(path, overwrite=overwrite) as tmp:
                    _write_parquet(_single(layers, fmt), tmp)
                    advance(total)
            else:
                with atomic_path(path, overwrite=overwrite) as tmp, \
                        tmp.open("w", encoding="utf-8", newline="") as fh:
                    _write_text(layers, fmt, fh, precision=precision, bbox=bbox,
                                advance=advance)
        return path
    fmt = "geojson" if format == "auto" else format_for("-", format)
    if fmt not in TEXT_FORMATS:
        msg = f"{fmt} is a binary format: write it to a file, not a stream (-o FILE)"
        raise ExportError(errno.EINVAL, msg)
    layers = _as_layers(gdf, layer, "features")
    if isinstance(dest, str | Path):
        _write_stdout(layers, fmt, precision=precision, bbox=bbox)
    else:
        _write_stream(layers, fmt, dest, precision=precision, bbox=bbox)
    return None


def _write_stdout(layers: dict[str, gpd.GeoDataFrame], fmt: str, *, precision: int,
                  bbox: bool) -> None:
    """Standard output is UTF-8 whatever the locale (RFC 7946 and RFC 8142 require it)."""
    import io

    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:  # replaced by a text-only stream (pytest capture, notebooks)
        _write_stream(layers, fmt, sys.stdout, precision=precision, bbox=bbox)
        return
    sys.stdout.flush()
    wrapper = io.TextIOWrapper(buffer, encoding="utf-8", newline="\n")
    try:
        _write_stream(layers, fmt, wrapper, precision=precision, bbox=bbox)
    finally:
        # Already flushed on success; after a failure there is nothing left to save.
        with contextlib.suppress(OSError, ValueError):
            wrapper.detach()


def _write_stream(layers: dict[str, gpd.GeoDataFrame], fmt: str, stream: IO[str], *,
                  precision: int, bbox: bool) -> None:
    try:
        _write_text(layers, fmt, stream, precision=precision, bbox=bbox)
        stream.flush()
    except BrokenPipeError:
        raise
    except OSError as exc:
        if isinstance(exc, ExportError):
            raise
        what = getattr(stream, "name", "the output stream")
        reason = "disk full" if exc.errno == errno.ENOSPC else (exc.strerror or str(exc))
        msg = f"cannot write to {what}: {reason}"
        raise ExportError(exc.errno or errno.EIO, msg) from exc
