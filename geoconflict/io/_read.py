"""Reading feature inputs: files of any OGR format, or GeoJSON / GeoJSONSeq on stdin.

Every CLI command that takes features calls :func:`read_features`, so ``-`` means the
same thing everywhere and a pipe of commands composes.
"""

from __future__ import annotations

import codecs
import io
import json
import logging
import sys
import warnings
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from .._inputs import CRS, to_wgs84, utf8_text
from ..errors import ArgumentError, EmptyInputWarning, InputNotFoundError, SchemaError

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["features_to_gdf", "read_features"]

logger = logging.getLogger(__name__)


def features_to_gdf(features: list[dict[str, Any]], *, source: str = "<features>"
                    ) -> gpd.GeoDataFrame:
    """Build a GeoDataFrame (EPSG:4326) from GeoJSON feature dicts.

    Properties are kept as they are (lists and nested objects included), which pyogrio
    cannot promise for stdin.
    """
    import geopandas as gpd
    import pandas as pd
    import shapely

    geoms = []
    props = []
    for i, feature in enumerate(features, start=1):
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            raise SchemaError("not a GeoJSON Feature", file=source, row=i, field="type")
        try:
            geoms.append(shapely.geometry.shape(feature["geometry"])
                         if feature.get("geometry") else None)
        except (KeyError, TypeError, ValueError, AttributeError, IndexError,
                shapely.errors.ShapelyError) as exc:
            raise SchemaError(f"invalid geometry: {exc}", file=source, row=i,
                              field="geometry") from exc
        properties = feature.get("properties") or {}
        if not isinstance(properties, dict):
            raise SchemaError("properties is not an object", file=source, row=i,
                              field="properties")
        record = dict(properties)
        if "id" in feature and "id" not in record:
            record["id"] = feature["id"]
        props.append(record)
    frame = pd.DataFrame.from_records(props) if props else pd.DataFrame()
    frame.index = pd.RangeIndex(len(geoms))
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geoms, crs="EPSG:4326"),
                            crs="EPSG:4326")


def _decode_geojson(data: bytes | str, source: str) -> str:
    """GeoJSON text; it is UTF-8 by its RFC (8259, 7946), so anything else is an error."""
    return utf8_text(data, source, hint="GeoJSON is UTF-8 by its RFC (7946); re-encode it "
                     "(iconv -f cp1256 -t utf-8) or, for a table, use 'geoconflict events "
                     "convert --encoding'")


def _parse_geojson_text(text: str, source: str) -> list[dict[str, Any]]:
    stripped = text.lstrip("\x1e \t\r\n\ufeff")
    if not stripped:
        raise SchemaError("no GeoJSON: only white space", file=source)
    try:
        doc = json.loads(stripped)
    except (json.JSONDecodeError, RecursionError):
        doc = None
    except ValueError as exc:  # e.g. an integer too long to convert
        raise SchemaError(f"not JSON: {exc}", file=source) from exc
    if doc is not None:
        kind = doc.get("type") if isinstance(doc, dict) else None
        if kind == "FeatureCollection":
            features = doc.get("features") or []
            if not isinstance(features, list):
                raise SchemaError("features is not an array", file=source, field="features")
            if not features:
                warnings.warn(f"{source}: an empty FeatureCollection (no features)",
                              EmptyInputWarning, stacklevel=4)
            return features
        if kind == "Feature":
            return [doc]
        raise SchemaError("expected a GeoJSON FeatureCollection or Feature", file=source,
                          field="type")
    # GeoJSONSeq (RFC 8142: RS-prefixed) or newline-delimited features
    features = []
    for lineno, line in enumerate(text.replace("\x1e", "\n").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        try:
            features.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise SchemaError(f"not JSON: {exc.msg}", file=source, row=lineno) from exc
        except (ValueError, RecursionError) as exc:
            raise SchemaError(f"not JSON: {exc}", file=source, row=lineno) from exc
    return features


#: GeoJSON and GeoJSONSeq inputs at least this large are read through pyogrio's Arrow path:
#: on 200,000 points it is faster and leaner than ``json.loads`` + ``shape`` (bench/
#: bench_read.py). Smaller inputs keep the exact parser: property values keep their JSON
#: types even when a column mixes them, and a malformed feature is reported by its line.
ARROW_MIN_BYTES = 2 << 20


def _read_geojson(data: bytes | str, source: str) -> gpd.GeoDataFrame:
    """GeoJSON or GeoJSONSeq bytes (files, stdin, streams) as features in EPSG:4326."""
    if isinstance(data, bytes) and len(data) >= ARROW_MIN_BYTES:
        gdf = _arrow_geojson(data, source)
        if gdf is not None:
            return gdf
    text = _decode_geojson(data, source)
    return features_to_gdf(_parse_geojson_text(text, source), source=source)


def _arrow_geojson(data: bytes, source: str) -> gpd.GeoDataFrame | None:
    """Large GeoJSON through GDAL and Arrow; None (the exact parser then reads it and
    reports what is wrong) when GDAL cannot, or when the text is not UTF-8.

    Dates stay text (``DATE_AS_STRING``) and arrays and objects come back as Python
    lists and dicts, as the exact parser gives them; a column that mixes types becomes
    text. Integer feature ids, which GDAL turns into FIDs, come back as ``id``.
    """
    import numpy as np
    import pyogrio

    if not data.isascii():
        try:
            data.decode("utf-8-sig")
        except UnicodeDecodeError:
            return None
    try:
        with warnings.catch_warnings():
            # "Could not parse column as JSON; leaving as string": a mixed column, as said
            warnings.simplefilter("ignore")
            gdf = pyogrio.read_dataframe(data, use_arrow=True, fid_as_index=True,
                                         DATE_AS_STRING="YES")
    except Exception:  # GDAL's own errors: let the exact parser name the line
        return None
    if "id" not in gdf.columns and len(gdf) and \
            not np.array_equal(gdf.index.to_numpy(), np.arange(len(gdf))):
        gdf.insert(0, "id", gdf.index.to_numpy())
    gdf = gdf.reset_index(drop=True)
    if gdf.crs is None:
        gdf = gdf.set_crs(CRS)
    logger.debug("%s: %d features read through pyogrio's Arrow path", source, len(gdf))
    return to_wgs84(gdf, source)


def _read_geo_csv(path: Path, encoding: str | None = None) -> gpd.GeoDataFrame | None:
    """A CSV written by ``export``: longitude/latitude columns or a ``wkt`` column.

    Returns None for other CSVs (left to GDAL's CSV driver).
    """
    import geopandas as gpd
    import numpy as np
    import pandas as pd
    import shapely

    try:
        frame = pd.read_csv(path, keep_default_na=False, na_values=[""],
                            encoding=encoding or "utf-8-sig")
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError,
            pd.errors.EmptyDataError) as exc:
        hint = ("; name its encoding (--encoding cp1256, cp1252...)"
                if isinstance(exc, UnicodeDecodeError) else "")
        raise SchemaError(f"cannot read as CSV: {exc}{hint}", file=str(path)) from exc
    if "wkt" in frame.columns:
        wkt = frame.pop("wkt")
        text = wkt.astype(str).where(wkt.notna(), None).to_numpy(dtype=object)
        try:
            geoms = shapely.from_wkt(text)
        except (shapely.errors.ShapelyError, TypeError, ValueError) as exc:
            raise SchemaError(f"not WKT: {exc}", file=str(path), field="wkt") from exc
    elif {"longitude", "latitude"} <= set(frame.columns):
        lon = pd.to_numeric(frame.pop("longitude"), errors="coerce").to_numpy(dtype=float)
        lat = pd.to_numeric(frame.pop("latitude"), errors="coerce").to_numpy(dtype=float)
        geoms = shapely.points(lon, lat)
        geoms[np.isnan(lon) | np.isnan(lat)] = None
    else:
        return None
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geoms, crs="EPSG:4326"),
                            crs="EPSG:4326")


def _only_feature_layer(path: Path) -> str | None:
    """The one layer of a GeoPackage besides QGIS's ``layer_styles`` table, else None."""
    import pyogrio

    try:
        names = [str(n) for n in pyogrio.list_layers(path)[:, 0] if n != "layer_styles"]
    except pyogrio.errors.DataSourceError:
        return None  # the reader below reports it
    return names[0] if len(names) == 1 else None


def read_features(src: str | Path | IO[str] | IO[bytes], *, layer: str | None = None,
                  encoding: str | None = None) -> gpd.GeoDataFrame:
    """Read features from a path, ``-`` (stdin) or a file object, into EPSG:4326.

    Parameters
    ----------
    src
        ``-`` for standard input (GeoJSON, or GeoJSONSeq), a file object with GeoJSON
        text, or a path to any format pyogrio reads (GeoJSON, GeoPackage, FlatGeobuf,
        Shapefile...), to a GeoParquet file, or to a CSV written by ``export``
        (``longitude``/``latitude`` or ``wkt`` columns).
    layer
        Layer name for multi-layer files such as GeoPackage.
    encoding
        Text encoding of a CSV input (``"cp1256"``, ``"cp1252"``, ``"utf-16"``...);
        default UTF-8. GeoJSON is UTF-8 by its RFC (8259, 7946): naming another encoding
        for it is an error.

    Raises
    ------
    SchemaError
        If the input is not GeoJSON where GeoJSON is expected, naming the line.
    FileNotFoundError
        If a path does not exist.
    """
    if encoding is not None:
        try:
            encoding = codecs.lookup(encoding).name
        except LookupError:
            msg = f"unknown encoding {encoding!r} (try utf-8, cp1256, cp1252, utf-16)"
            raise ArgumentError(msg) from None
    gdf = _read_any(src, layer, encoding)
    name = src if isinstance(src, str | Path) else getattr(src, "name", "<stream>")
    logger.info("read %d features from %s%s", len(gdf), "<stdin>" if name == "-" else name,
                f" (layer {layer})" if layer else "")
    return gdf


def _read_any(src: str | Path | IO[str] | IO[bytes], layer: str | None,
              encoding: str | None = None) -> gpd.GeoDataFrame:
    is_csv = isinstance(src, str | Path) and Path(src).suffix.lower() in (".csv", ".tsv")
    if encoding not in (None, "utf-8", "utf-8-sig") and not is_csv:
        msg = (f"--encoding {encoding} applies to CSV input only; GeoJSON and the other "
               "feature formats carry their own (GeoJSON is always UTF-8)")
        raise SchemaError(msg, file=str(getattr(src, "name", src)))
    if isinstance(src, str) and src == "-":
        data = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read()
        return _read_geojson(data, "<stdin>")
    if isinstance(src, io.IOBase) or hasattr(src, "read"):
        return _read_geojson(src.read(), str(getattr(src, "name", "<stream>")))
    path = Path(src)
    if not path.exists():
        msg = f"no such file: {path}"
        raise InputNotFoundError(msg)
    suffix = path.suffix.lower()
    if path.is_dir() and suffix not in (".gdb", ".shp"):
        raise SchemaError("is a directory, not a feature file", file=str(path))
    if suffix in (".geojson", ".json", ".geojsons", ".geojsonl", ".jsonl", ".ndjson"):
        return _read_geojson(path.read_bytes(), str(path))
    import geopandas as gpd

    if suffix == ".csv":
        csv = _read_geo_csv(path, encoding)
        if csv is not None:
            return csv
        logger.debug("%s has no longitude/latitude or wkt columns: read by GDAL", path)
    import pyogrio

    try:
        if suffix in (".parquet", ".geoparquet"):
            gdf = gpd.read_parquet(path)
        else:
            if layer is None and suffix == ".gpkg":
                layer = _only_feature_layer(path)
            extra = {"encoding": encoding} if encoding and suffix in (".csv", ".tsv") else {}
            gdf = gpd.read_file(path, layer=layer, engine="pyogrio", **extra)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError,
            pyogrio.errors.FieldError, pyogrio.errors.GeometryError,
            pyogrio.errors.CRSError, OSError, ValueError, TypeError) as exc:
        # not a file GDAL or Arrow can read (damaged, truncated, another format)
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise SchemaError(f"cannot read features: {first}", file=str(path)) from exc
    if not isinstance(gdf, gpd.GeoDataFrame) or gdf.geometry.name not in gdf:
        msg = ("no geometry column (longitude/latitude or wkt): for a table of incidents, "
               "use 'geoconflict events convert' first")
        raise SchemaError(msg, file=str(path))
    gdf = to_wgs84(gdf, str(path))
    if gdf.crs is None:
        gdf.set_crs(CRS, inplace=True)  # a frame we just read: no copy needed
    return gdf
