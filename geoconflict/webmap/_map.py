"""Report-ready, self-contained and safe HTML maps of incidents, deployments, rings and lanes.

:func:`conflict_map` returns a :class:`ConflictMap` wrapping a :class:`folium.Map` (at
``.map``, for customisation). folium supplies the map object, its element tree and its
xyzservices tile handling; geoconflict replaces the rest of what folium would emit:

* **Self-contained.** folium links Leaflet, jQuery, Bootstrap and Font Awesome from CDNs,
  so its pages are blank offline. Here Leaflet, Leaflet.markercluster and Leaflet.heat
  are inlined from installed packages (:mod:`geoconflict._assets`), symbols are the
  project's own SVG (:mod:`geoconflict._icons`) and the basemap is the embedded country
  outline layer. Nothing leaves the page unless online tiles are asked for by name.
* **Safe.** Data never passes through folium's ``Popup``/``Tooltip`` (which splice text
  into template literals and ``innerHTML``). All data travels as one JSON payload
  escaped for ``<script>`` (:func:`geoconflict._escape.script_json`) and the runtime
  (``_webmap.js``) builds popups, tooltips, legend and title with ``textContent``.
* **Fast.** Incidents are sent as compact column arrays with a shared string table and
  drawn on one canvas renderer, so 100,000 incidents make one ~7 MB page that draws in
  about a second; folium's one-``Marker``-per-point output grows ~1 kB per point.
"""

from __future__ import annotations

import base64
import functools
import html
import re
import uuid
import warnings
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from .._atomic import atomic_path
from .._columns import clean_value
from .._inputs import representative_points, to_wgs84, warn_missing
from .._styles import EVENT_STYLES, LAYER_STYLES, style_for
from ..datasets import load_dataset
from ..errors import ArgumentTypeError, DataError, MapSpecError, MapWarning
from ..schema import DEFAULT_UNCERTAINTY_M, GEO_PRECISION
from ..units import format_distance
from ._assets import CDN_NAMES, asset_names, asset_tags, replacement_tag
from ._escape import html_text, script_json
from ._icons import SHAPES, deployment_svg, shape_svg

if TYPE_CHECKING:
    import folium
    import geopandas as gpd
    import numpy as np

__all__ = ["ConflictMap", "RasterOverlay", "conflict_map"]

#: Above this many incidents, notes are left out of popups by default (``notes="auto"``):
#: news notes run to hundreds of characters each and would dominate the page size.
NOTES_MAX_INCIDENTS = 20_000
#: ``cluster="auto"`` clusters between these sizes: below, points rarely overlap; above,
#: building the cluster tree in the browser takes longer than drawing on canvas.
CLUSTER_RANGE = (500, 20_000)
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
}

class RasterOverlay(Protocol):
    """What :func:`conflict_map` needs of a raster overlay (duck-typed)."""

    name: str
    image_png: bytes
    bounds: tuple[tuple[float, float], tuple[float, float]]
    legend: Mapping[str, str]
    opacity: float


class ConflictMap:
    """A rendered-on-demand conflict map.

    Attributes
    ----------
    map
        The underlying :class:`folium.Map`; add folium elements to it freely (their CDN
        assets are swapped for inlined copies where geoconflict has one, see
        :mod:`geoconflict._assets`).
    spec
        The JSON-ready description the page's runtime draws (counts, layers, legend).
    """

    def __init__(self, fmap: folium.Map, spec: dict[str, Any], *, title: str | None,
                 cluster: bool, heat: bool) -> None:
        self.map = fmap
        self.spec = spec
        self.title = title
        self._cluster = cluster
        self._heat = heat

    # -- rendering -------------------------------------------------------------------
    def _render_parts(self) -> tuple[str, str, str]:
        """Render the folium tree; return (head, body, script) with CDN links swapped."""
        from branca.element import Element, Figure

        fig = Figure()
        fig.add_child(self.map)
        try:
            for child in fig._children.values():
                child.render()
            ours = asset_names(cluster=self._cluster, heat=self._heat)
            header = fig.header._children
            for name in list(header):
                if name in CDN_NAMES:
                    if CDN_NAMES[name] is None or CDN_NAMES[name] in ours:
                        del header[name]
                    else:
                        header[name] = Element(replacement_tag(name))
            header.pop("meta_http", None)
            assets = asset_tags(ours)
            head = assets + "\n" + fig.header.render()
            body = fig.html.render()
            script = fig.script.render()
        finally:
            self.map._parent = None  # type: ignore[assignment]
        return head, body, script

    def to_html(self, fragment: bool = False, *, height: str = "600px") -> str:
        """Return the map as HTML.

        Parameters
        ----------
        fragment
            False: a complete document. True: a ``<div>`` plus its styles and scripts,
            to paste into any page; several fragments can share a page (ids are unique
            and the inlined libraries run once).
        height
            CSS height of a fragment's map box (a full page fills the window).
        """
        head, body, script = self._render_parts()
        if fragment:
            head = re.sub(r"<meta\b[^>]*>", "", head)
            head = re.sub(r"<style>\s*html,\s*body\s*\{[^}]*\}\s*</style>", "", head)
            head = re.sub(r"<style>\s*#map\s*\{[^}]*\}\s*</style>", "", head)
            frag = (f'<div class="geoconflict-map" style="position:relative;width:100%;'
                    f'height:{html_text(height)}">\n{head}\n{body}\n'
                    f"<script>\n{script}\n</script>\n</div>\n")
            _warn_external(frag)
            return frag
        title = f"<title>{html_text(self.title)}</title>" if self.title else ""
        out = ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
               f"{title}\n{head}\n</head>\n<body>\n{body}\n<script>\n{script}\n</script>\n"
               "</body>\n</html>\n")
        _warn_external(out)
        return out

    def save(self, path: str | Path, *, overwrite: bool = True, fragment: bool = False) -> Path:
        """Write the map to ``path`` atomically (temporary file, fsync, rename)."""

        text = self.to_html(fragment=fragment)
        with atomic_path(path, overwrite=overwrite) as tmp:
            tmp.write_text(text, encoding="utf-8")
        return Path(path)

    def _repr_html_(self) -> str:
        """Jupyter display: the full page in a sandboxed iframe (``srcdoc``), as folium
        does, so the notebook's own scripts (require.js) cannot interfere."""
        doc = html.escape(self.to_html(), quote=True)
        return (f'<iframe srcdoc="{doc}" style="width:100%;height:600px;border:none" '
                'sandbox="allow-scripts allow-popups" loading="lazy"></iframe>')

    def __repr__(self) -> str:
        n = len(self.spec["incidents"]["lat"]) if self.spec.get("incidents") else 0
        return f"<ConflictMap {self.title or 'untitled'!r}: {n} incidents>"


def _warn_external(page: str) -> None:
    found = re.findall(r"<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)=[\"']?((?:https?:)?//"
                       r"[^\"'\s>]+)", page)
    if found:
        msg = (f"the map links {len(found)} external resource(s) (e.g. {found[0]}), added by "
               "folium elements geoconflict cannot inline; it will not work offline")
        warnings.warn(msg, MapWarning, stacklevel=3)


# -- data preparation -----------------------------------------------------------------

def _to_wgs84(gdf: gpd.GeoDataFrame | None, what: str) -> gpd.GeoDataFrame | None:
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


def _encode_incidents(gdf: gpd.GeoDataFrame, notes: bool | str) -> tuple[dict[str, Any],
                                                                          list[dict[str, Any]],
                                                                          list[str]]:
    """Incidents -> (column payload, legend type entries, notes for the legend)."""
    import numpy as np
    import pandas as pd

    remarks: list[str] = []
    ok, lat, lon = _points(gdf)
    note = f"{int((~ok).sum())} incident(s) without coordinates are not shown"
    if warn_missing("map incidents", ok, gdf.index, note, stacklevel=3):
        remarks.append(note)
    # oldest first: the canvas draws in this order, so the latest incidents end on top
    dates_all = pd.to_datetime(gdf["event_date"], errors="coerce") if "event_date" in gdf \
        else pd.Series(pd.NaT, index=gdf.index)
    by_date = np.argsort(dates_all.to_numpy(dtype="datetime64[ns]")[ok], kind="stable")
    gdf = gdf[ok].iloc[by_date]
    lat, lon = lat[ok][by_date], lon[ok][by_date]
    n = len(gdf)

    def col(name: str) -> pd.Series:
        return gdf[name] if name in gdf.columns else pd.Series([None] * n, index=gdf.index,
                                                               dtype=object)

    etype = col("event_type").astype("string").str.strip()
    etype = etype.mask(etype == "").fillna("Unknown type").astype(object)
    present = list(pd.unique(etype))
    order = [t for t in EVENT_STYLES if t in present] + sorted(
        t for t in present if t not in EVENT_STYLES)
    counts = etype.value_counts()
    types = [{"label": t, "color": style_for(t).color, "shape": style_for(t).shape,
              "count": int(counts[t])} for t in order]
    code = pd.Categorical(etype, categories=order).codes.astype(np.int64)

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

    keep_notes = notes is True or (notes == "auto" and n <= NOTES_MAX_INCIDENTS)
    if notes == "auto" and not keep_notes and "notes" in gdf.columns:
        remarks.append(f"notes left out of popups for {n:,} incidents "
                       f"(more than {NOTES_MAX_INCIDENTS:,}; pass notes=True to keep them)")
    # Text columns are dictionary-encoded per column (actors, places, sources repeat a
    # lot in real datasets); mostly-unique columns (ids, notes) are stored as plain lists.
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
    day0 = int(day[day >= 0].min()) if (day >= 0).any() else 0
    payload = {
        "lat": np.round(lat, 5).tolist(), "lon": np.round(lon, 5).tolist(),
        "type": code.tolist(), "fat": fat.tolist(), "prec": prec.tolist(),
        "unc": np.round(unc).astype(np.int64).tolist(),
        # days since day0 (-1: no date), so most values are 1-3 digits
        "day0": day0, "day": np.where(day >= 0, day - day0, -1).tolist(),
        "days": sorted({int(d) - day0 for d in np.unique(day) if d >= 0}),
        "text": text_cols,
    }
    return payload, types, remarks


def _card_rows(row: Mapping[str, Any], fields: Sequence[tuple[str, str]]) -> list[list[str]]:
    rows = []
    for key, label in fields:
        value = _text(row.get(key))
        if value is not None:
            rows.append([label, value, "url"] if key.endswith("url") else [label, value])
    return rows


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


_SITE_FIELDS = (("kind", "Kind"), ("aliases", "Also"), ("name_ar", "Arabic"),
                ("country", "Country"), ("parent", "Part of"), ("geo_precision", "Precision"),
                ("source", "Source"), ("source_url", "Link"))
_DEPLOYMENT_FIELDS = (("kind", "Kind"), ("operator", "Operator"), ("country", "Country"),
                      ("troops", "Troops"), ("troops_source", "Troops per"),
                      ("source", "Source"), ("source_url", "Link"))


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


@functools.cache
def _basemap_fc() -> dict[str, Any] | None:
    """The offline country outlines as GeoJSON (built once per process; read-only)."""

    try:
        countries = load_dataset("basemap")
    except DataError as exc:
        warnings.warn(f"offline basemap unavailable: {exc}", MapWarning, stacklevel=3)
        return None
    return _feature_collection(countries[["geometry"]], lambda row: {})


def _overlay_spec(ov: RasterOverlay) -> tuple[dict[str, Any], dict[str, Any]]:
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


def _bounds_of(frames: Iterable[gpd.GeoDataFrame | None]) -> list[list[float]] | None:
    import numpy as np

    boxes = [f.total_bounds for f in frames if f is not None and len(f)]
    boxes = [b for b in boxes if np.all(np.isfinite(b))]
    if not boxes:
        return None
    arr = np.array(boxes)
    return [[float(arr[:, 1].min()), float(arr[:, 0].min())],
            [float(arr[:, 3].max()), float(arr[:, 2].max())]]


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


def _resolve_tiles(basemap: str) -> str | None:
    """None for the offline basemap; else a validated xyzservices name or URL template."""
    if basemap in ("auto", "offline"):
        return None
    if re.match(r"^https?://[^\s\"'<>]+$", basemap) and all(
            k in basemap for k in ("{z}", "{x}", "{y}")):
        return basemap
    import xyzservices

    try:
        xyzservices.providers.query_name(basemap)
    except ValueError:
        msg = (f"unknown tile provider {basemap!r}: use 'auto', 'offline', an xyzservices "
               "name such as 'OpenStreetMap.Mapnik' or 'CartoDB.Positron', or a URL "
               "template https://host/{z}/{x}/{y}.png")
        raise MapSpecError(msg) from None
    return basemap


def conflict_map(
    incidents: gpd.GeoDataFrame | None = None,
    deployments: gpd.GeoDataFrame | None = None,
    sites: gpd.GeoDataFrame | None = None,
    lanes: gpd.GeoDataFrame | None = None,
    rings: gpd.GeoDataFrame | None = None,
    *,
    title: str | None = None,
    subtitle: str | None = None,
    data_date: str | None = None,
    attribution: str | Sequence[str] | None = None,
    basemap: str = "auto",
    heatmap: bool = False,
    timeline: bool = False,
    cluster: bool | str = "auto",
    uncertainty: bool | str = "auto",
    notes: bool | str = "auto",
    overlays: Sequence[RasterOverlay] | None = None,
    layers: Mapping[str, gpd.GeoDataFrame] | None = None,
    bounds: Sequence[float] | None = None,
    collapsed_layers: bool = False,
) -> ConflictMap:
    """Build a self-contained, safe HTML map of a conflict scenario.

    Parameters
    ----------
    incidents
        Canonical incidents (``geoconflict.schema.INCIDENT_COLUMNS``); coloured and
        shaped by ``event_type``, sized by ``fatalities``; popups show date, type,
        actors, fatalities, location, precision, notes, source and link.
    deployments, sites, lanes, rings
        Curated layers (``load_dataset("deployments")``, ``load_dataset("sites")``),
        extra lane lines, and range rings from :func:`geoconflict.rings`. Sites are
        split into shipping lanes, maritime areas and named places by ``kind``.
    title, subtitle, data_date, attribution
        Text shown on the map (escaped; any characters are safe).
    basemap
        ``"auto"``/``"offline"``: the embedded country outlines, no tiles, no network.
        An xyzservices name (``"CartoDB.Positron"``) or a URL template
        (``"https://tiles.example/{z}/{x}/{y}.png"``, e.g. an in-house tile server)
        adds online tiles under them.
    heatmap, timeline
        Add a density layer (Leaflet.heat) / a date slider over ``event_date``.
    cluster
        ``"auto"`` clusters between 500 and 20,000 incidents; True/False force it.
    uncertainty
        Draw uncertainty circles (``uncertainty_m``) for geo_precision 2-3: ``"auto"``
        up to 20,000 incidents (tens of thousands of overlapping circles are noise and
        slow to paint; the legend says when they are left out), or True/False.
    notes
        Include notes in popups: ``"auto"`` up to 20,000 incidents (said on the map
        when left out), or True/False.
    overlays
        Raster overlays (``name``, ``image_png``, ``bounds``, ``legend``, ``opacity``).
    layers
        Extra vector layers by name; popups list every property.
    bounds
        Initial view ``(west, south, east, north)``; by default the incidents and rings
        (or, without incidents, everything).
    collapsed_layers
        Collapse the layer control to an icon.

    Examples
    --------
    >>> import geoconflict as gc
    >>> m = gc.conflict_map(incidents=gc.load_dataset("scenario"),
    ...                     deployments=gc.load_dataset("deployments"),
    ...                     title="US deployments and attacks, Jan-Feb 2024")  # doctest: +SKIP
    >>> m.save("scenario_map.html")                                   # doctest: +SKIP
    """
    import folium

    incidents = _to_wgs84(incidents, "incidents")
    deployments = _to_wgs84(deployments, "deployments")
    sites = _to_wgs84(sites, "sites")
    lanes = _to_wgs84(lanes, "lanes")
    rings = _to_wgs84(rings, "rings")
    tiles = _resolve_tiles(basemap)
    if cluster not in (True, False, "auto"):
        msg = f"cluster must be True, False or 'auto', not {cluster!r}"
        raise MapSpecError(msg)

    legend: list[dict[str, Any]] = []
    spec: dict[str, Any] = {
        "id": f"gc-{uuid.uuid4().hex[:12]}", "title": title, "subtitle": subtitle,
        "dataDate": data_date, "shapes": SHAPES, "names": LAYER_NAMES,
        "precisionNames": {str(k): v.split(":")[0] for k, v in GEO_PRECISION.items()},
        "collapsed": collapsed_layers, "deployIcon": deployment_svg(), "maxZoom": 12,
        "labelZoom": 8,
        "incidents": None, "deployments": [], "vectors": [], "overlays": [], "tiles": bool(tiles),
    }
    n_inc = 0
    use_cluster = show_unc = False
    if incidents is not None and len(incidents):
        payload, types, remarks = _encode_incidents(incidents, notes)
        n_inc = len(payload["lat"])
        use_cluster = bool(cluster is True or (cluster == "auto" and
                                               CLUSTER_RANGE[0] < n_inc <= CLUSTER_RANGE[1]))
        spec["incidents"] = payload
        spec["types"] = types
        weights = [1 + max(f, 0) for f in payload["fat"]]
        spec["heatMax"] = float(sorted(weights)[int(0.9 * (len(weights) - 1))]) if weights else 1
        rows = [{"svg": shape_svg(t["shape"], t["color"]), "label": t["label"],
                 "extra": f"{t['count']:,}"} for t in types]
        imprecise = any(p >= 2 for p in payload["prec"])
        show_unc = uncertainty is True or (uncertainty == "auto" and n_inc <= NOTES_MAX_INCIDENTS)
        if imprecise and show_unc:
            rows.append({"color": "#555", "outline": True,
                         "label": "uncertainty radius (precision 2-3)"})
        elif imprecise and uncertainty == "auto":
            remarks.append(f"uncertainty circles left out for {n_inc:,} incidents (more than "
                           f"{NOTES_MAX_INCIDENTS:,}; pass uncertainty=True to draw them)")
        notes_text = "Size grows with fatalities. " + " ".join(
            r[:1].upper() + r[1:] + "." for r in remarks)
        legend.append({"title": f"Incidents ({n_inc:,})", "rows": rows,
                       "note": notes_text.strip()})
    spec["options"] = {"cluster": use_cluster, "heat": bool(heatmap and n_inc),
                       "timeline": bool(timeline and n_inc), "uncertainty": show_unc}

    other_rows: list[dict[str, Any]] = []
    if deployments is not None and len(deployments):
        ok, lat, lon = _points(deployments)
        for i, (_, row) in enumerate(deployments.iterrows()):
            if not ok[i]:
                continue
            name = _text(row.get("name")) or "deployment"
            troops = _text(row.get("troops"))
            tip = f"{name} ({troops} troops)" if troops else name
            card = _card_rows({**row.to_dict(), "troops": troops}, _DEPLOYMENT_FIELDS)
            spec["deployments"].append({"lat": round(float(lat[i]), 5),
                                        "lon": round(float(lon[i]), 5), "tip": tip,
                                        "_title": name, "_rows": card})
        other_rows.append({"svg": deployment_svg(16), "label": LAYER_NAMES["deployments"],
                           "extra": f"{len(spec['deployments']):,}"})

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
            spec["vectors"].append({"name": LAYER_NAMES[key], "cls": f"gc-{key}",
                                    "style": style, "labels": True,
                                    "data": _feature_collection(part, _site_props)})
            other_rows.append({"color": style.get("fillColor", style["color"]),
                               "outline": key == "lanes", "label": LAYER_NAMES[key],
                               "extra": f"{len(part):,}"})
            if key == "lanes":
                other_rows[-1]["color"] = style["color"]
    if rings is not None and len(rings):
        spec["vectors"].append({"name": LAYER_NAMES["rings"], "cls": "gc-ring",
                                "style": LAYER_STYLES["rings"],
                                "data": _feature_collection(rings, _ring_props)})
        other_rows.append({"color": LAYER_STYLES["rings"]["color"], "outline": True,
                           "label": LAYER_NAMES["rings"], "extra": f"{len(rings):,}"})
    for name, frame in (layers or {}).items():
        frame = _to_wgs84(frame, f"layer {name!r}")
        if frame is None or not len(frame):
            continue
        spec["vectors"].append({"name": str(name), "cls": "gc-layer",
                                "style": LAYER_STYLES["layers"],
                                "data": _feature_collection(frame, _generic_props)})
        other_rows.append({"color": LAYER_STYLES["layers"]["fillColor"], "label": str(name),
                           "extra": f"{len(frame):,}"})
    if other_rows:
        legend.append({"title": "Layers", "rows": other_rows})
    for ov in overlays or ():
        ov_spec, ov_legend = _overlay_spec(ov)
        spec["overlays"].append(ov_spec)
        if ov_legend["rows"]:
            legend.append(ov_legend)
    spec["legend"] = legend
    spec["basemap"] = _basemap_fc()

    attributions = ["Country outlines: Natural Earth (public domain)",
                    "Incident and site sources: see popups", "Map: geoconflict, Leaflet"]
    if isinstance(attribution, str):
        attributions.insert(0, attribution)
    elif attribution:
        attributions[:0] = [str(a) for a in attribution]
    spec["attribution"] = attributions

    if bounds is not None:
        west, south, east, north = (float(b) for b in bounds)
        spec["bounds"] = [[south, west], [north, east]]
    else:
        focus = [incidents, rings] if n_inc else [deployments, rings, sites, lanes,
                                                  *(layers or {}).values()]
        spec["bounds"] = _bounds_of(focus)
    centre = ([sum(c) / 2 for c in zip(*spec["bounds"], strict=True)]
              if spec["bounds"] else [29.0, 42.0])
    custom = tiles is not None and tiles.startswith(("http://", "https://"))
    fmap = folium.Map(location=centre, zoom_start=5, tiles=tiles, control_scale=False,
                      attr=f"Tiles: {html_text(tiles.split('/')[2])}" if custom and tiles else None,
                      zoom_control=True, font_size="12px", zoom_snap=0.25, zoom_delta=0.5)
    fmap.add_child(_runtime_element(spec))
    return ConflictMap(fmap, spec, title=title, cluster=use_cluster, heat=spec["options"]["heat"])


def _runtime_element_class() -> type:
    from branca.element import Element, MacroElement
    from jinja2 import Template

    class RawHTML(Element):
        """Markup inserted verbatim. branca turns every rendered macro output into a new
        jinja2 Template, so data text such as ``{{ ... }}`` inside a macro would be
        evaluated as a template; data therefore never passes through a macro."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self._text = text

        def render(self, **kwargs: Any) -> str:
            return self._text

    class RuntimeElement(MacroElement):
        """The JSON payload (in a non-executing script element) and the call drawing it."""

        _template = Template("""
            {% macro script(this, kwargs) %}
            GeoconflictMap.draw({{ this._parent.get_name() }},
                JSON.parse(document.getElementById("{{ this.data_id }}").textContent));
            {% endmacro %}
        """)

        def __init__(self, spec: dict[str, Any]) -> None:
            super().__init__()
            self._name = "GeoconflictLayers"
            self.data_id = f"{spec['id']}-data"
            self.payload = script_json(spec)

        def render(self, **kwargs: Any) -> Any:
            figure: Any = self.get_root()
            tag = (f'<script type="application/json" id="{self.data_id}">{self.payload}'
                   "</script>")
            figure.html.add_child(RawHTML(tag), name=self.get_name())
            return super().render(**kwargs)

    return RuntimeElement


def _runtime_element(spec: dict[str, Any]) -> Any:
    # branca/jinja2 are imported lazily, so the element class is created on first use.
    global _RUNTIME_CLASS
    if _RUNTIME_CLASS is None:
        _RUNTIME_CLASS = _runtime_element_class()
    return _RUNTIME_CLASS(spec)


_RUNTIME_CLASS: type | None = None
