"""The payload of each map layer: incidents, deployments, vector layers, raster overlays.

Each builder turns one input (a GeoDataFrame, or raster overlays) into the JSON-ready
part of the map spec that the runtime (``_webmap.js``) draws, plus its legend entries
(built by :mod:`geoconflict.webmap._legend`). Used by :func:`conflict_map` only.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from .._columns import clean_value
from .._inputs import representative_points, to_wgs84, warn_missing
from .._styles import EVENT_STYLES, LAYER_STYLES, style_for
from ..errors import ArgumentTypeError, MapSpecError
from ..schema import DEFAULT_UNCERTAINTY_M
from ..units import format_distance
from ._icons import deployment_svg
from ._legend import incident_section, layer_row

if TYPE_CHECKING:
    import geopandas as gpd
    import numpy as np
    import pandas as pd

#: Notes longer than this are cut (with an ellipsis) in popups.
NOTES_MAX_CHARS = 600

_TEXT_COLUMNS = ("event_id", "sub_event_type", "actor1", "actor2", "location", "country",
                 "source", "notes", "source_url")
_CSS_COLOUR = re.compile(r"^(#[0-9a-fA-F]{3,8}|[a-zA-Z]{3,20}|"
                         r"(rgb|rgba|hsl|hsla)\(\s*[-0-9.%,\s/]+\))$")
_AREA_KINDS = {"sea", "gulf", "strait", "canal", "chokepoint", "region"}
_LANE_KINDS = {"shipping lane"}

#: Layer names shown in the layer control.
LAYER_NAMES = {
    "incidents": "Incidents",
    "uncertainty": "Location uncertainty (precision 2-3)",
    "heat": "Incident density (heat)",
    "deployments": "Deployments",
    "lanes": "Shipping lanes",
    "areas": "Maritime areas",
    "places": "Named sites",
    "rings": "Range rings",
    "basemap": "Country outlines (offline)",
    "labels": "Place names (offline)",
}


class RasterOverlay(Protocol):
    """What :func:`conflict_map` needs of a raster overlay (duck-typed)."""

    name: str
    image_png: bytes
    bounds: tuple[tuple[float, float], tuple[float, float]]
    legend: Mapping[str, str]
    opacity: float


# -- data preparation -----------------------------------------------------------------

def to_wgs84_frame(gdf: gpd.GeoDataFrame | None, what: str) -> gpd.GeoDataFrame | None:
    """``gdf`` in EPSG:4326 (None stays None); a non-GeoDataFrame is an argument error."""
    if gdf is None:
        return None
    import geopandas as gpd

    if not isinstance(gdf, gpd.GeoDataFrame):
        msg = f"{what} must be a GeoDataFrame, not {type(gdf).__name__}"
        raise ArgumentTypeError(msg)
    return to_wgs84(gdf, what)


def _points(gdf: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (ok mask, lat, lon): the one point rule of :mod:`geoconflict._inputs`."""
    lon, lat, ok = representative_points(gdf.geometry.values)
    return ok, lat, lon


def _text(value: Any) -> str | None:
    """Display text of one cell: None for missing/blank, lists joined, 350.0 -> '350'."""

    value = clean_value(value)
    if value is None:
        return None
    if isinstance(value, list):
        return ", ".join(str(v) for v in value if v is not None) or None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


# -- incidents --------------------------------------------------------------------------

@dataclass
class IncidentLayer:
    """The incidents' part of the spec, their legend section and the drawing options."""

    payload: dict[str, Any]
    types: list[dict[str, Any]]
    heat_max: float
    legend: dict[str, Any]
    cluster: bool
    uncertainty: bool

    @property
    def count(self) -> int:
        return len(self.payload["lat"])


def incident_layer(gdf: gpd.GeoDataFrame, *, notes: bool | str, cluster: bool | str,
                   uncertainty: bool | str, notes_max: int,
                   cluster_range: tuple[int, int]) -> IncidentLayer:
    """Encode the incidents and decide clustering and uncertainty circles for them.

    ``notes_max`` bounds ``notes="auto"`` and ``uncertainty="auto"``; ``cluster="auto"``
    clusters when the count is within ``cluster_range`` (low exclusive, high inclusive).
    """
    payload, types, remarks = _encode_incidents(gdf, notes, notes_max)
    n = len(payload["lat"])
    use_cluster = bool(cluster is True or (cluster == "auto" and
                                           cluster_range[0] < n <= cluster_range[1]))
    weights = [1 + max(f, 0) for f in payload["fat"]]
    heat_max = float(sorted(weights)[int(0.9 * (len(weights) - 1))]) if weights else 1
    show_unc = uncertainty is True or (uncertainty == "auto" and n <= notes_max)
    imprecise = any(p >= 2 for p in payload["prec"])
    legend = incident_section(types, n, remarks, imprecise=imprecise, show_unc=show_unc,
                              auto_unc=uncertainty == "auto", notes_max=notes_max)
    return IncidentLayer(payload, types, heat_max, legend, use_cluster, show_unc)


def _encode_incidents(gdf: gpd.GeoDataFrame, notes: bool | str,
                      notes_max: int) -> tuple[dict[str, Any], list[dict[str, Any]], list[str]]:
    """Incidents -> (column payload, legend type entries, notes for the legend)."""
    import numpy as np
    import pandas as pd

    remarks: list[str] = []
    ok, lat, lon = _points(gdf)
    note = f"{int((~ok).sum())} incident(s) without coordinates are not shown"
    if warn_missing("map incidents", ok, gdf.index, note, stacklevel=4):
        remarks.append(note)
    # oldest first: the canvas draws in this order, so the latest incidents end on top
    dates_all = pd.to_datetime(gdf["event_date"], errors="coerce") if "event_date" in gdf \
        else pd.Series(pd.NaT, index=gdf.index)
    by_date = np.argsort(dates_all.to_numpy(dtype="datetime64[ns]")[ok], kind="stable")
    n = int(ok.sum())
    keep_notes = notes is True or (notes == "auto" and n <= notes_max)
    # only the columns the page uses are reordered (a take of every column, geometry
    # and notes that are left out included, was a sixth of a 100,000-incident map)
    used = [c for c in ("event_type", "fatalities", "geo_precision", "uncertainty_m",
                        "event_date", *_TEXT_COLUMNS)
            if c in gdf.columns and (c != "notes" or keep_notes)]
    frame = pd.DataFrame(gdf[used])
    if not ok.all():
        frame = frame[ok]
    if (np.diff(by_date) < 0).any():
        frame = frame.iloc[by_date]
    lat, lon = lat[ok][by_date], lon[ok][by_date]

    def col(name: str) -> pd.Series:
        return frame[name] if name in frame.columns \
            else pd.Series([None] * n, index=frame.index, dtype=object)

    code, types = _event_types(col("event_type"))
    fat = pd.to_numeric(col("fatalities"), errors="coerce").fillna(-1).to_numpy().astype(np.int64)
    prec = pd.to_numeric(col("geo_precision"), errors="coerce").fillna(0).to_numpy()
    prec = prec.astype(np.int64)
    unc = pd.to_numeric(col("uncertainty_m"), errors="coerce").to_numpy(dtype=float)
    default_unc = np.array([DEFAULT_UNCERTAINTY_M.get(int(p), 0.0) for p in range(4)])
    unc = np.where(np.isfinite(unc), unc, default_unc[np.clip(prec, 0, 3)])
    dates = pd.to_datetime(col("event_date"), errors="coerce")
    if getattr(dates.dt, "tz", None) is not None:
        dates = dates.dt.tz_convert(None)
    day_values = dates.to_numpy(dtype="datetime64[D]").astype("int64")
    day = np.where(dates.isna().to_numpy(), -1, day_values)

    if notes == "auto" and not keep_notes and "notes" in gdf.columns:
        remarks.append(f"notes left out of popups for {n:,} incidents "
                       f"(more than {notes_max:,}; pass notes=True to keep them)")
    day0 = int(day[day >= 0].min()) if (day >= 0).any() else 0
    payload = {
        "lat": np.round(lat, 5).tolist(), "lon": np.round(lon, 5).tolist(),
        "type": code.tolist(), "fat": fat.tolist(), "prec": prec.tolist(),
        "unc": np.round(unc).astype(np.int64).tolist(),
        # days since day0 (-1: no date), so most values are 1-3 digits
        "day0": day0, "day": np.where(day >= 0, day - day0, -1).tolist(),
        "days": sorted({int(d) - day0 for d in np.unique(day) if d >= 0}),
        "text": _text_columns(frame, keep_notes),
    }
    return payload, types, remarks


def _event_types(values: pd.Series) -> tuple[np.ndarray, list[dict[str, Any]]]:
    """Per-incident type codes and the legend entries of the types present, in the style
    table's order (unknown types after, alphabetically)."""
    import numpy as np
    import pandas as pd

    etype = values.astype("string").str.strip()
    etype = etype.mask(etype == "").fillna("Unknown type").astype(object)
    present = list(pd.unique(etype))
    order = [t for t in EVENT_STYLES if t in present] + sorted(
        t for t in present if t not in EVENT_STYLES)
    counts = etype.value_counts()
    types = [{"label": t, "color": style_for(t).color, "shape": style_for(t).shape,
              "count": int(counts[t])} for t in order]
    code = pd.Categorical(etype, categories=order).codes.astype(np.int64)
    return code, types


def _text_columns(gdf: pd.DataFrame, keep_notes: bool) -> dict[str, dict[str, list[Any]]]:
    """The popup text columns. Dictionary-encoded per column (actors, places, sources
    repeat a lot in real datasets); mostly-unique columns (ids, notes) are plain lists."""
    import pandas as pd

    n = len(gdf)
    text_cols: dict[str, dict[str, list[Any]]] = {}
    for name in _TEXT_COLUMNS:
        if name not in gdf.columns or (name == "notes" and not keep_notes):
            continue
        values = gdf[name].astype("string").str.strip()
        values = values.mask(values == "")
        if name == "notes":
            long = values.str.len() > NOTES_MAX_CHARS
            values = values.mask(long, values.str.slice(0, NOTES_MAX_CHARS) + "…")
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        if len(uniques) > n // 2:
            text_cols[name] = {"v": values.astype(object).where(values.notna(), None).tolist()}
        else:
            text_cols[name] = {"s": [str(u) for u in uniques], "i": codes.tolist()}
    return text_cols


# -- deployments and vector layers ------------------------------------------------------

_SITE_FIELDS = (("kind", "Kind"), ("aliases", "Also"), ("name_ar", "Arabic"),
                ("country", "Country"), ("parent", "Part of"), ("geo_precision", "Precision"),
                ("source", "Source"), ("source_url", "Link"))
_DEPLOYMENT_FIELDS = (("kind", "Kind"), ("operator", "Operator"), ("country", "Country"),
                      ("troops", "Troops"), ("troops_source", "Troops per"),
                      ("source", "Source"), ("source_url", "Link"))


def _card_rows(row: Mapping[str, Any], fields: Sequence[tuple[str, str]]) -> list[list[str]]:
    rows = []
    for key, label in fields:
        value = _text(row.get(key))
        if value is not None:
            rows.append([label, value, "url"] if key.endswith("url") else [label, value])
    return rows


def deployment_layer(deployments: gpd.GeoDataFrame) -> tuple[list[dict[str, Any]],
                                                              dict[str, Any]]:
    """Deployments -> (marker list, legend row)."""
    markers = []
    ok, lat, lon = _points(deployments)
    for i, (_, row) in enumerate(deployments.iterrows()):
        if not ok[i]:
            continue
        name = _text(row.get("name")) or "deployment"
        troops = _text(row.get("troops"))
        tip = f"{name} ({troops} troops)" if troops else name
        card = _card_rows({**row.to_dict(), "troops": troops}, _DEPLOYMENT_FIELDS)
        markers.append({"lat": round(float(lat[i]), 5), "lon": round(float(lon[i]), 5),
                        "tip": tip, "_title": name, "_rows": card})
    row = {"svg": deployment_svg(16), "label": LAYER_NAMES["deployments"],
           "extra": f"{len(markers):,}"}
    return markers, row


def _feature_collection(gdf: gpd.GeoDataFrame, make_props: Any) -> dict[str, Any]:
    """GeoJSON of ``gdf`` with coordinates rounded to 1e-5 degrees (about 1 m)."""
    import shapely

    feats = []
    geoms = shapely.set_precision(gdf.geometry.values, 1e-5)
    for geom, (_, row) in zip(geoms, gdf.iterrows(), strict=True):
        if geom is None or shapely.is_empty(geom):
            continue
        feats.append({"type": "Feature", "geometry": shapely.geometry.mapping(geom),
                      "properties": make_props(row)})
    return {"type": "FeatureCollection", "features": feats}


def _site_props(row: Mapping[str, Any]) -> dict[str, Any]:
    name = _text(row.get("name"))
    return {"_title": name, "_tip": name, "_rows": _card_rows(row, _SITE_FIELDS)}


def _ring_props(row: Mapping[str, Any]) -> dict[str, Any]:

    label = _text(row.get("label"))
    if label is None and _text(row.get("radius_m")) is not None:
        label = format_distance(float(row["radius_m"]))
    if label is not None and _text(row.get("name")):
        label = f"{label} from {_text(row.get('name'))}"
    return {"_title": label, "_tip": label,
            "_rows": _card_rows(row, (("name", "Around"), ("radius_m", "Radius (m)")))}


def _generic_props(row: Mapping[str, Any]) -> dict[str, Any]:
    rows = [[str(k), v] for k, v in ((k, _text(val)) for k, val in row.items()
                                     if k != "geometry") if v is not None]
    title = _text(row.get("name")) or _text(row.get("title"))
    return {"_title": title, "_tip": title, "_rows": rows}


def _split_sites(sites: gpd.GeoDataFrame) -> dict[str, gpd.GeoDataFrame]:
    """Sites -> shipping lanes (lines), maritime areas (by kind) and named places."""
    import numpy as np

    gtype = sites.geom_type.to_numpy()
    lane = np.isin(gtype, ["LineString", "MultiLineString"])
    if "kind" in sites.columns:
        kind = sites["kind"].astype(object).to_numpy()
        lane |= np.isin(kind, list(_LANE_KINDS))
        area = np.isin(kind, list(_AREA_KINDS))
    else:
        area = np.isin(gtype, ["Polygon", "MultiPolygon"])
    area &= ~lane
    return {"lanes": sites[lane], "areas": sites[area], "places": sites[~lane & ~area]}


def vector_layers(sites: gpd.GeoDataFrame | None, lanes: gpd.GeoDataFrame | None,
                  rings: gpd.GeoDataFrame | None,
                  layers: Mapping[str, gpd.GeoDataFrame] | None,
                  ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Sites (split into areas, lanes, places), extra lanes, rings and extra layers ->
    (vector layer specs, legend rows), in drawing order."""
    vectors: list[dict[str, Any]] = []
    rows: list[dict[str, Any]] = []
    groups: dict[str, list[gpd.GeoDataFrame]] = {"areas": [], "lanes": [], "places": []}
    if sites is not None and len(sites):
        for key, part in _split_sites(sites).items():
            groups[key].append(part)
    if lanes is not None and len(lanes):
        groups["lanes"].append(lanes)
    for key in ("areas", "lanes", "places"):
        parts = [p for p in groups[key] if len(p)]
        if not parts:
            continue
        import pandas as pd

        for part in [pd.concat(parts, ignore_index=True)] if len(parts) > 1 else parts:
            style = LAYER_STYLES[key]
            vectors.append({"name": LAYER_NAMES[key], "cls": f"gc-{key}", "style": style,
                            "labels": True, "data": _feature_collection(part, _site_props)})
            colour = style["color"] if key == "lanes" else style.get("fillColor", style["color"])
            rows.append(layer_row(colour, LAYER_NAMES[key], len(part), outline=key == "lanes"))
    if rings is not None and len(rings):
        vectors.append({"name": LAYER_NAMES["rings"], "cls": "gc-ring",
                        "style": LAYER_STYLES["rings"],
                        "data": _feature_collection(rings, _ring_props)})
        rows.append(layer_row(LAYER_STYLES["rings"]["color"], LAYER_NAMES["rings"],
                              len(rings), outline=True))
    for name, frame in (layers or {}).items():
        frame = to_wgs84_frame(frame, f"layer {name!r}")
        if frame is None or not len(frame):
            continue
        vectors.append({"name": str(name), "cls": "gc-layer", "style": LAYER_STYLES["layers"],
                        "data": _feature_collection(frame, _generic_props)})
        rows.append(layer_row(LAYER_STYLES["layers"]["fillColor"], str(name), len(frame)))
    return vectors, rows


# -- raster overlays ------------------------------------------------------------------

def overlay_layer(ov: RasterOverlay) -> tuple[dict[str, Any], dict[str, Any]]:
    """One raster overlay -> (overlay spec with the PNG as a data: URL, legend section)."""
    (south, west), (north, east) = ov.bounds
    legend_rows = []
    for label, colour in dict(ov.legend or {}).items():
        if not _CSS_COLOUR.match(str(colour)):
            msg = f"overlay {ov.name!r}: legend colour {colour!r} is not a CSS colour"
            raise MapSpecError(msg)
        legend_rows.append({"label": str(label), "color": str(colour)})
    data = base64.b64encode(bytes(ov.image_png)).decode("ascii")
    spec = {"name": str(ov.name), "url": f"data:image/png;base64,{data}",
            "bounds": [[float(south), float(west)], [float(north), float(east)]],
            "opacity": float(getattr(ov, "opacity", 0.7))}
    return spec, {"title": str(ov.name), "rows": legend_rows}
