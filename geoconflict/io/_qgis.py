"""QGIS default styles for GeoPackage layers, in the ``layer_styles`` table QGIS reads.

User: :mod:`geoconflict.io._export`, after the layers of a ``.gpkg`` are written (inside
the temporary file, before it is renamed into place), so the layers open styled in QGIS:

* a layer with an ``event_type`` column (incidents) is **categorised by event type**,
  one category per ACLED type from :data:`geoconflict._styles.EVENT_STYLES` (colour and
  shape, as on the HTML map and in KML) plus an "other" category for anything else;
* otherwise the layer's name and columns pick its kind: deployments (name mentions
  deployments or bases, or ``operator``/``troops`` columns), range rings (``ring`` in the
  name, or ``radius_m`` + ``label``), shipping lanes (``lane``), sites (``site`` or
  ``place``); anything else gets the generic layer style. Each is drawn with its
  :data:`~geoconflict._styles.LAYER_STYLES` colours, as a marker, line or fill symbol
  after the layer's most common geometry type (sites: points as places, lines as lanes,
  polygons as areas); deployments and sites are labelled with their ``name``.

The table has the columns QGIS creates (``f_table_catalog``, ``f_table_schema``,
``f_table_name``, ``f_geometry_column``, ``styleName``, ``styleQML``, ``styleSLD``,
``useAsDefault``, ``description``, ``owner``, ``ui``, ``update_time``) and is registered in
``gpkg_contents`` as an attributes table, as GDAL does when QGIS saves a style. Rewriting
a layer replaces geoconflict's own style row for it and makes it the default; styles saved
by a user under other names stay (no longer default for that layer).
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import quoteattr

from .._styles import EVENT_STYLES, LAYER_STYLES, OTHER_STYLE

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["STYLE_NAME", "layer_kind", "layer_qml", "write_layer_styles"]

#: ``styleName`` of the rows geoconflict writes.
STYLE_NAME = "geoconflict"
#: QGIS version the QML declares (its format is read by every QGIS 3).
QGIS_VERSION = "3.28.0-Firenze"

_CREATE = """CREATE TABLE IF NOT EXISTS layer_styles (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  f_table_catalog TEXT(256),
  f_table_schema TEXT(256),
  f_table_name TEXT(256),
  f_geometry_column TEXT(256),
  styleName TEXT(30),
  styleQML TEXT,
  styleSLD TEXT,
  useAsDefault BOOLEAN,
  description TEXT,
  owner TEXT(30),
  ui TEXT(30),
  update_time DATETIME DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
)"""

_FAMILY = {"Point": "marker", "MultiPoint": "marker", "LineString": "line",
           "MultiLineString": "line", "LinearRing": "line", "Polygon": "fill",
           "MultiPolygon": "fill"}
#: QML ``layerGeometryType``: 0 point, 1 line, 2 polygon.
_GEOMETRY_TYPE = {"marker": 0, "line": 1, "fill": 2}
_OUTLINE = "35,35,35,255"
_DESCRIPTIONS = {
    "incidents": "geoconflict: incidents by ACLED event type",
    "deployments": "geoconflict: deployments",
    "rings": "geoconflict: range rings",
    "lanes": "geoconflict: shipping lanes",
    "sites": "geoconflict: sites",
    "layers": "geoconflict: layer",
}


def _rgba(color: str, opacity: float = 1.0) -> str:
    """``#rrggbb`` (and an opacity 0..1) as QGIS's ``r,g,b,a``."""
    r, g, b = (int(color[i:i + 2], 16) for i in (1, 3, 5))
    return f"{r},{g},{b},{round(255 * max(0.0, min(1.0, opacity)))}"


def layer_kind(name: str, columns: Iterable[str]) -> str:
    """What a layer holds, from its columns and name: ``incidents``, ``deployments``,
    ``rings``, ``lanes``, ``sites`` or ``layers`` (anything else)."""
    cols = set(columns)
    lowered = name.lower()
    if "event_type" in cols:
        return "incidents"
    if "ring" in lowered or {"radius_m", "label"} <= cols:
        return "rings"
    if "deploy" in lowered or "base" in lowered or {"operator", "troops"} & cols:
        return "deployments"
    if "lane" in lowered:
        return "lanes"
    if "site" in lowered or "place" in lowered:
        return "sites"
    return "layers"


def _family(geom_types: Iterable[str | None]) -> str | None:
    counts = Counter(_FAMILY[t] for t in geom_types if t in _FAMILY)
    return counts.most_common(1)[0][0] if counts else None


def _options(props: Mapping[str, str]) -> str:
    """Symbol-layer properties both ways QGIS reads them (``Option`` since 3.26, ``prop``
    before)."""
    new = "".join(f'<Option type="QString" name={quoteattr(k)} value={quoteattr(v)}/>'
                  for k, v in props.items())
    old = "".join(f"<prop k={quoteattr(k)} v={quoteattr(v)}/>" for k, v in props.items())
    return f'<Option type="Map">{new}</Option>{old}'


def _symbol(name: str, family: str, style: Mapping[str, Any], *,
            shape: str = "circle") -> str:
    """One QGIS symbol (marker, line or fill) from a Leaflet-like style dict."""
    stroke = str(style.get("color", "#333333"))
    fill = str(style.get("fillColor", stroke))
    width = str(style.get("weight", 1))
    dashed = bool(style.get("dashArray"))
    if family == "marker":
        cls = "SimpleMarker"
        props = {"name": shape, "color": _rgba(fill, float(style.get("fillOpacity", 1.0))),
                 "outline_color": _OUTLINE if stroke == fill else _rgba(stroke),
                 "outline_style": "solid", "outline_width": "1",
                 "outline_width_unit": "Pixel",
                 "size": str(2 * float(style.get("radius", 5)) + 2), "size_unit": "Pixel",
                 "angle": "0", "scale_method": "diameter"}
    elif family == "line":
        cls = "SimpleLine"
        dash = str(style.get("dashArray", "")).replace(" ", ";")
        props = {"line_color": _rgba(stroke, float(style.get("opacity", 1.0))),
                 "line_width": width, "line_width_unit": "Pixel",
                 "line_style": "solid", "use_custom_dash": "1" if dashed else "0",
                 "customdash": dash or "5;2", "customdash_unit": "Pixel",
                 "capstyle": "round", "joinstyle": "round"}
    else:
        cls = "SimpleFill"
        filled = style.get("fill", True) is not False
        props = {"color": _rgba(fill, float(style.get("fillOpacity", 1.0))),
                 "style": "solid" if filled else "no",
                 "outline_color": _rgba(stroke, float(style.get("opacity", 1.0))),
                 "outline_style": "dash" if dashed else "solid",
                 "outline_width": width, "outline_width_unit": "Pixel",
                 "joinstyle": "round"}
    return (f'<symbol type="{family}" name={quoteattr(name)} alpha="1" clip_to_extent="1" '
            f'force_rhr="0"><layer class="{cls}" enabled="1" locked="0" pass="0">'
            f"{_options(props)}</layer></symbol>")


def _labeling(color: str) -> str:
    return ('<labeling type="simple"><settings calloutType="simple">'
            f'<text-style fieldName="name" isExpression="0" fontSize="8" fontSizeUnit="Point" '
            f'textColor={quoteattr(_rgba(color))} textOpacity="1" fontWeight="50">'
            '<text-buffer bufferDraw="1" bufferSize="1" bufferSizeUnits="MM" '
            'bufferColor="255,255,255,255" bufferOpacity="1"/></text-style>'
            '<placement placement="6" dist="1.5" distUnits="MM"/>'
            '<rendering scaleVisibility="0" obstacle="1"/></settings></labeling>')


def layer_qml(kind: str, family: str, *, labels: bool = False) -> str:
    """The QML document (root ``<qgis>``) of one layer's default style."""
    if kind == "incidents":
        names = list(EVENT_STYLES)
        categories = "".join(
            f'<category symbol="{i}" value={quoteattr(t)} label={quoteattr(t)} '
            f'render="true" type="string"/>' for i, t in enumerate(names))
        # QGIS's "all other values" category has an empty value.
        categories += (f'<category symbol="{len(names)}" value="" label="other" '
                       f'render="true" type="string"/>')
        styles = [*EVENT_STYLES.values(), OTHER_STYLE]
        symbols = "".join(
            _symbol(str(i), family, {"color": s.color, "fillColor": s.color, "weight": 1,
                                     "fillOpacity": 0.9, "radius": 4}, shape=s.shape)
            for i, s in enumerate(styles))
        source = _symbol("0", family, {"color": OTHER_STYLE.color, "radius": 4})
        renderer = ('<renderer-v2 type="categorizedSymbol" attr="event_type" '
                    'symbollevels="0" enableorderby="0" forceraster="0" referencescale="-1">'
                    f"<categories>{categories}</categories><symbols>{symbols}</symbols>"
                    f"<source-symbol>{source}</source-symbol>"
                    '<rotation/><sizescale/></renderer-v2>')
        label_colour = "#333333"
    else:
        key = kind
        if kind == "sites":
            key = {"marker": "places", "line": "lanes", "fill": "areas"}[family]
        style = LAYER_STYLES[key]
        shape = "square" if kind == "deployments" else "circle"
        renderer = ('<renderer-v2 type="singleSymbol" symbollevels="0" enableorderby="0" '
                    f'forceraster="0" referencescale="-1"><symbols>'
                    f"{_symbol('0', family, style, shape=shape)}</symbols>"
                    "<rotation/><sizescale/></renderer-v2>")
        label_colour = str(style["color"])
    labeling = _labeling(label_colour) if labels else ""
    categories_attr = "Symbology|Labeling" if labels else "Symbology"
    return ("<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
            f'<qgis version="{QGIS_VERSION}" styleCategories="{categories_attr}">'
            f"{renderer}{labeling}<blendMode>0</blendMode><featureBlendMode>0"
            "</featureBlendMode><layerOpacity>1</layerOpacity>"
            f"<layerGeometryType>{_GEOMETRY_TYPE[family]}</layerGeometryType></qgis>\n")


def write_layer_styles(path: str | Path, layers: Mapping[str, gpd.GeoDataFrame]) -> int:
    """Write the default QGIS style of each layer of ``layers`` into GeoPackage ``path``.

    Layers without geometries are skipped. Returns the number of styles written.
    """
    con = sqlite3.connect(str(path))
    try:
        geometry_columns = dict(con.execute(
            "SELECT table_name, column_name FROM gpkg_geometry_columns").fetchall())
        rows = []
        for name, gdf in layers.items():
            column = geometry_columns.get(name)
            family = _family(gdf.geometry.geom_type) if column else None
            if column is None or family is None:
                continue
            kind = layer_kind(name, gdf.columns)
            labels = kind in ("deployments", "sites") and "name" in gdf.columns
            rows.append((name, column, layer_qml(kind, family, labels=labels),
                         _DESCRIPTIONS[kind]))
        if not rows:
            return 0
        con.execute(_CREATE)
        registered = con.execute(
            "SELECT 1 FROM gpkg_contents WHERE table_name = 'layer_styles'").fetchone()
        if registered is None:
            con.execute("INSERT INTO gpkg_contents (table_name, data_type, identifier, "
                        "description, last_change) VALUES ('layer_styles', 'attributes', "
                        "'layer_styles', '', strftime('%Y-%m-%dT%H:%M:%fZ','now'))")
            ogr = con.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' "
                              "AND name = 'gpkg_ogr_contents'").fetchone()
            if ogr is not None:
                con.execute("INSERT OR IGNORE INTO gpkg_ogr_contents (table_name, "
                            "feature_count) VALUES ('layer_styles', NULL)")
        for name, column, qml, description in rows:
            con.execute("DELETE FROM layer_styles WHERE f_table_name = ? AND styleName = ?",
                        (name, STYLE_NAME))
            con.execute("UPDATE layer_styles SET useAsDefault = 0 WHERE f_table_name = ?",
                        (name,))
            con.execute(
                "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, "
                "f_geometry_column, styleName, styleQML, styleSLD, useAsDefault, "
                "description, owner, ui) VALUES ('', '', ?, ?, ?, ?, '', 1, ?, '', '')",
                (name, column, STYLE_NAME, qml, description))
        con.commit()
    finally:
        con.close()
    return len(rows)
