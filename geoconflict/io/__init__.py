"""Reading feature inputs and writing every output format, atomically."""

from ._export import FORMATS, export, format_for, iter_geojson_features, to_geojson_text
from ._read import features_to_gdf, read_features
from ._records import RECORD_SUFFIXES, write_records

__all__ = ["FORMATS", "RECORD_SUFFIXES", "export", "features_to_gdf", "format_for",
           "iter_geojson_features", "read_features", "to_geojson_text", "write_records"]
