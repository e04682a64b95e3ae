"""KML for Google Earth: one folder per layer, a style per ACLED event type.

Written by hand (streamed, placemark by placemark) because GDAL's KML drivers cannot
attach a style per event type. Each placemark carries:

- ``<name>``: the feature's name, location or event id;
- ``<TimeStamp>`` from ``event_date`` (Google Earth's time slider);
- ``<styleUrl>``: ``#event-<slug>`` for a known ACLED event type, else the layer's
  style;
- ``<description>``: the popup, an HTML table inside CDATA. Every value and field name
  is HTML-escaped first, so ``<``, ``&`` and ``>`` never reach Google Earth as markup,
  and a ``]]>`` in the data cannot close the CDATA section (``>`` is already ``&gt;``;
  a final replace guards the invariant anyway);
- ``<ExtendedData>`` typed through a ``<Schema>`` (int, double, bool, string), so GDAL's
  LIBKML driver and Google Earth read the values back with their types.

Geometries follow the same RFC 7946 rules as GeoJSON (WGS84, right-hand rings,
antimeridian split, rounded). Characters that XML 1.0 cannot carry at all (control
characters other than tab/newline/CR) are replaced by U+FFFD.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from typing import IO, TYPE_CHECKING, Any

from .._columns import clean_value
from .._styles import EVENT_STYLES, LAYER_STYLES, kml_colour
from ._geojson import encode_column
from ._rfc7946 import prepare_geometries, to_wgs84

if TYPE_CHECKING:
    import geopandas as gpd
    import numpy as np

__all__ = ["write_kml"]

#: Colours of layers without event types, in turn (the layer styles of :mod:`._styles`).
_LAYER_COLOURS = tuple(kml_colour(LAYER_STYLES[k]["color"]) for k in
                       ("deployments", "places", "rings", "lanes", "areas", "layers"))
_ICON = "http://maps.google.com/mapfiles/kml/shapes/placemark_circle.png"
_NAME_FIELDS = ("name", "location", "site", "title", "event_id")
_BAD_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value: str) -> str:
    return _BAD_XML.sub("\ufffd", value)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


def _style(style_id: str, colour: str) -> str:
    fill = "66" + colour[2:]  # 40 % opaque fill so underlying imagery stays visible
    return (f'<Style id="{style_id}"><IconStyle><color>{colour}</color><scale>1.0</scale>'
            f"<Icon><href>{_ICON}</href></Icon></IconStyle>"
            f"<LineStyle><color>{colour}</color><width>2</width></LineStyle>"
            f"<PolyStyle><color>{fill}</color></PolyStyle></Style>\n")


def _kml_type(series: Any) -> str:
    import pandas as pd

    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return "bool"
    if pd.api.types.is_integer_dtype(dtype):
        return "int"
    if pd.api.types.is_float_dtype(dtype):
        return "double"
    return "string"


def _coords(coords: np.ndarray) -> str:
    return " ".join(",".join(map(repr, xy)) for xy in coords.tolist())


def _geometry(geom: Any) -> str:
    import shapely

    kind = shapely.get_type_id(geom)
    if kind == 0:
        return f"<Point><coordinates>{_coords(shapely.get_coordinates(geom))}</coordinates></Point>"
    if kind == 1:
        return (f"<LineString><tessellate>1</tessellate><coordinates>"
                f"{_coords(shapely.get_coordinates(geom))}</coordinates></LineString>")
    if kind == 2:
        return _geometry(shapely.LineString(geom.coords))
    if kind == 3:
        rings = [f"<outerBoundaryIs><LinearRing><coordinates>"
                 f"{_coords(shapely.get_coordinates(geom.exterior))}"
                 f"</coordinates></LinearRing></outerBoundaryIs>"]
        rings += [f"<innerBoundaryIs><LinearRing><coordinates>"
                  f"{_coords(shapely.get_coordinates(ring))}"
                  f"</coordinates></LinearRing></innerBoundaryIs>" for ring in geom.interiors]
        return "<Polygon><tessellate>1</tessellate>" + "".join(rings) + "</Polygon>"
    return ("<MultiGeometry>" + "".join(_geometry(p) for p in shapely.get_parts(geom))
            + "</MultiGeometry>")


def _display(value: Any) -> str:
    import json

    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _placemark(props: dict[str, Any], geom: Any, style: str, schema_id: str,
               types: dict[str, str]) -> str:
    from xml.sax.saxutils import escape, quoteattr

    name = next((str(props[k]) for k in _NAME_FIELDS if props.get(k) not in (None, "")), "")
    rows = "".join(f"<tr><th>{html.escape(_text(k))}</th><td>{html.escape(_text(_display(v)))}"
                   "</td></tr>" for k, v in props.items() if v is not None)
    popup = f"<table>{rows}</table>".replace("]]>", "]]]]><![CDATA[>")
    data = "".join(f"<SimpleData name={quoteattr(_text(k))}>{escape(_text(_display(v)))}"
                   "</SimpleData>" for k, v in props.items() if v is not None and k in types)
    when = props.get("event_date")
    parts = ["<Placemark>", f"<name>{escape(_text(name))}</name>"]
    if isinstance(when, str) and when:
        parts.append(f"<TimeStamp><when>{escape(when)}</when></TimeStamp>")
    parts += [f"<styleUrl>#{style}</styleUrl>", f"<description><![CDATA[{popup}]]></description>",
              f'<ExtendedData><SchemaData schemaUrl="#{schema_id}">{data}</SchemaData>'
              "</ExtendedData>"]
    if geom is not None:
        parts.append(_geometry(geom))
    parts.append("</Placemark>\n")
    return "".join(parts)


def write_kml(layers: Mapping[str, gpd.GeoDataFrame], fh: IO[str], *, precision: int = 6,
              name: str = "geoconflict export") -> int:
    """Stream layers as one KML document (a ``<Folder>`` per layer); return features written."""
    from xml.sax.saxutils import escape, quoteattr

    fh.write('<?xml version="1.0" encoding="UTF-8"?>\n'
             '<kml xmlns="http://www.opengis.net/kml/2.2"><Document>\n'
             f"<name>{escape(_text(name))}</name>\n")
    for event_type, event_style in EVENT_STYLES.items():
        fh.write(_style(f"event-{_slug(event_type)}", kml_colour(event_style.color)))
    schemas = {}
    for i, (layer, gdf) in enumerate(layers.items()):
        schema_id = f"schema-{i}-{_slug(layer)}"
        columns = [c for c in gdf.columns if c != gdf.geometry.name]
        types = {str(c): _kml_type(gdf[c]) for c in columns}
        schemas[layer] = (schema_id, types)
        fields = "".join(f"<SimpleField type={quoteattr(t)} name={quoteattr(_text(c))}/>"
                         for c, t in types.items())
        fh.write(f"<Schema name={quoteattr(_text(layer))} id={quoteattr(schema_id)}>"
                 f"{fields}</Schema>\n")
        fh.write(_style(f"layer-{i}", _LAYER_COLOURS[i % len(_LAYER_COLOURS)]))
    count = 0
    for i, (layer, gdf) in enumerate(layers.items()):
        schema_id, types = schemas[layer]
        fh.write(f"<Folder><name>{escape(_text(layer))}</name>\n")
        wgs = to_wgs84(gdf)
        geoms, _ = prepare_geometries(wgs.geometry.to_numpy(), precision)
        frame = wgs.drop(columns=wgs.geometry.name)

        # Dates and datetimes get the same ISO 8601 text as in GeoJSON.
        iso = {str(c): encode_column(frame[c]) for c in frame.columns
               if getattr(frame[c].dtype, "kind", "") == "M"}
        records = frame.to_dict(orient="records")
        for j, (record, geom) in enumerate(zip(records, geoms, strict=True)):
            props = {str(k): clean_value(v) for k, v in record.items()}
            for key, texts in iso.items():
                props[key] = None if texts[j] == "null" else str(texts[j])[1:-1]
            kind = props.get("event_type")
            style = (f"event-{_slug(kind)}" if isinstance(kind, str) and kind in EVENT_STYLES
                     else f"layer-{i}")
            fh.write(_placemark(props, geom, style, schema_id, types))
            count += 1
        fh.write("</Folder>\n")
    fh.write("</Document></kml>\n")
    return count
