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

import html
import re
import uuid
import warnings
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import _progress
from .._atomic import atomic_path, check_writable
from ..errors import ArgumentError, MapSpecError, MapWarning
from ..schema import GEO_PRECISION
from ._assets import CDN_NAMES, asset_names, asset_tags, replacement_tag
from ._basemap import basemap_payload, clip_box
from ._escape import html_text, script_json
from ._icons import SHAPES, deployment_svg
from ._image import PictureOptions, page_size, picture_format, render_picture
from ._labels import label_payload
from ._layers import (
    LAYER_NAMES,
    NOTES_MAX_CHARS,
    RasterOverlay,
    deployment_layer,
    incident_layer,
    overlay_layer,
    to_wgs84_frame,
    vector_layers,
)
from ._legend import attributions
from ._view import folium_map, initial_bounds, resolve_tiles

if TYPE_CHECKING:
    import folium
    import geopandas as gpd

__all__ = ["CLUSTER_RANGE", "LAYER_NAMES", "NOTES_MAX_CHARS", "NOTES_MAX_INCIDENTS",
           "ConflictMap", "RasterOverlay", "conflict_map"]

#: Above this many incidents, notes are left out of popups by default (``notes="auto"``):
#: news notes run to hundreds of characters each and would dominate the page size. The
#: same bound applies to ``uncertainty="auto"``. Read when a map is built.
NOTES_MAX_INCIDENTS = 20_000
#: ``cluster="auto"`` clusters between these sizes: below, points rarely overlap; above,
#: building the cluster tree in the browser takes longer than drawing on canvas.
CLUSTER_RANGE = (500, 20_000)


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

    def to_image(self, path: str | Path | None = None, *, width: int = 1200, height: int = 800,
                 scale: float = 1, format: str | None = None,
                 page: str | Sequence[float] | None = None, landscape: bool = False,
                 dpi: float | None = None, margin_mm: float = 10, overwrite: bool = True,
                 timeout: float = 60) -> bytes:
        """Draw the map as a PNG or PDF picture and return its bytes (and write ``path``).

        Drawn by a headless Chromium through Playwright (``pip install
        'geoconflict[image]'``), offline: every request that would leave the page is
        blocked. The picture has the page's title, legend, scale bar and attribution;
        interactive controls (zoom, layers, measure, time slider) are left out. The
        browser is ``$GEOCONFLICT_CHROMIUM``, else ``/usr/bin/chromium``, else
        ``chromium`` or ``chromium-browser`` on ``PATH``.

        Parameters
        ----------
        path
            File to write atomically; its suffix (``.png``, ``.pdf``) picks the format.
            None: only return the bytes (in Jupyter, show them with
            ``IPython.display.Image(m.to_image())``).
        width, height, scale
            PNG: the map's size in CSS pixels and device pixels per CSS pixel; the PNG is
            ``width * scale`` x ``height * scale`` pixels.
        format
            ``"png"`` or ``"pdf"``, overriding the suffix (default: the suffix, else PNG).
        page, landscape, dpi, margin_mm
            PDF: paper size (``"A4"`` (default), ``"A3"``, ``"A5"``, ``"Letter"``,
            ``"Legal"``, ``"Tabloid"`` or ``(width_mm, height_mm)``), orientation,
            resolution of the raster parts (incident symbols, overlays; default 300;
            outlines, text and lines stay vector) and the page margin. One page.
        overwrite
            Replace an existing ``path``.
        timeout
            Seconds to wait for the browser to start and for the map to finish drawing.

        Raises
        ------
        ImageError
            Playwright or a browser is missing (the message says what to install), or the
            browser failed or timed out.
        ArgumentError
            An unknown format, suffix or page size, or PDF options for a PNG.

        Examples
        --------
        >>> import geoconflict as gc
        >>> m = gc.conflict_map(incidents=gc.load_dataset("scenario"))  # doctest: +SKIP
        >>> png = m.to_image(width=1000, height=700, scale=2)          # doctest: +SKIP
        >>> m.to_image("map.pdf", page="A4", landscape=True)           # doctest: +SKIP
        """
        fmt = picture_format(path, format)
        if fmt == "png" and (page is not None or dpi is not None or landscape):
            msg = "page, landscape and dpi apply to PDF pictures; for a PNG use width/height/scale"
            raise ArgumentError(msg)
        opts = PictureOptions(fmt, width=int(width), height=int(height), scale=float(scale),
                              page_mm=page_size(page or "A4", landscape),
                              margin_mm=float(margin_mm),
                              dpi=float(dpi if dpi is not None else 300), timeout_s=timeout)
        if path is not None:
            check_writable(path, overwrite=overwrite)
        data = render_picture(self.to_html(), opts)
        if path is not None:
            with atomic_path(path, overwrite=overwrite) as tmp:
                tmp.write_bytes(data)
        return data

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
    progress: bool | None = None,
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
    progress
        A progress bar over the steps of building a large map (incidents, layers,
        basemap, labels, page): None (default) draws one on a terminal or in Jupyter
        only, once building has taken half a second; True always; False never.

    Examples
    --------
    >>> import geoconflict as gc
    >>> m = gc.conflict_map(incidents=gc.load_dataset("scenario"),
    ...                     deployments=gc.load_dataset("deployments"),
    ...                     title="US deployments and attacks, Jan-Feb 2024")  # doctest: +SKIP
    >>> m.save("scenario_map.html")                                   # doctest: +SKIP
    """
    steps = ("incidents", "layers", "basemap", "labels", "page")
    with _progress.stages(steps, "building the map", progress=progress) as step:
        return _build(incidents, deployments, sites, lanes, rings, step=step, title=title,
                      subtitle=subtitle, data_date=data_date, attribution=attribution,
                      basemap=basemap, heatmap=heatmap, timeline=timeline, cluster=cluster,
                      uncertainty=uncertainty, notes=notes, overlays=overlays,
                      layers=layers, bounds=bounds, collapsed_layers=collapsed_layers)


def _build(incidents: gpd.GeoDataFrame | None, deployments: gpd.GeoDataFrame | None,
           sites: gpd.GeoDataFrame | None, lanes: gpd.GeoDataFrame | None,
           rings: gpd.GeoDataFrame | None, *, step: Callable[[str], None],
           title: str | None, subtitle: str | None, data_date: str | None,
           attribution: str | Sequence[str] | None, basemap: str, heatmap: bool,
           timeline: bool, cluster: bool | str, uncertainty: bool | str, notes: bool | str,
           overlays: Sequence[RasterOverlay] | None,
           layers: Mapping[str, gpd.GeoDataFrame] | None, bounds: Sequence[float] | None,
           collapsed_layers: bool) -> ConflictMap:
    """The body of :func:`conflict_map`, reporting each step to ``step``."""
    step("incidents")
    incidents = to_wgs84_frame(incidents, "incidents")
    deployments = to_wgs84_frame(deployments, "deployments")
    sites = to_wgs84_frame(sites, "sites")
    lanes = to_wgs84_frame(lanes, "lanes")
    rings = to_wgs84_frame(rings, "rings")
    tiles = resolve_tiles(basemap)
    if cluster not in (True, False, "auto"):
        msg = f"cluster must be True, False or 'auto', not {cluster!r}"
        raise MapSpecError(msg)

    spec = _base_spec(title, subtitle, data_date, collapsed_layers, tiles=bool(tiles))
    legend: list[dict[str, Any]] = []
    inc = None
    if incidents is not None and len(incidents):
        inc = incident_layer(incidents, notes=notes, cluster=cluster, uncertainty=uncertainty,
                             notes_max=NOTES_MAX_INCIDENTS, cluster_range=CLUSTER_RANGE)
        spec.update(incidents=inc.payload, types=inc.types, heatMax=inc.heat_max)
        legend.append(inc.legend)
    n_inc = inc.count if inc else 0
    spec["options"] = {"cluster": bool(inc and inc.cluster), "heat": bool(heatmap and n_inc),
                       "timeline": bool(timeline and n_inc),
                       "uncertainty": bool(inc and inc.uncertainty)}

    step("layers")
    other_rows: list[dict[str, Any]] = []
    if deployments is not None and len(deployments):
        spec["deployments"], row = deployment_layer(deployments)
        other_rows.append(row)
    spec["vectors"], rows = vector_layers(sites, lanes, rings, layers)
    other_rows += rows
    if other_rows:
        legend.append({"title": "Layers", "rows": other_rows})
    for ov in overlays or ():
        ov_spec, ov_legend = overlay_layer(ov)
        spec["overlays"].append(ov_spec)
        if ov_legend["rows"]:
            legend.append(ov_legend)
    spec["legend"] = legend
    focus = [incidents, rings] if n_inc else [deployments, rings, sites, lanes,
                                              *(layers or {}).values()]
    spec["bounds"] = initial_bounds(bounds, focus)
    # the world basemap at the detail the view needs, clipped to it plus a margin; place
    # labels only offline (online tiles carry their own)
    step("basemap")
    spec["basemap"] = basemap_payload(spec["bounds"])
    step("labels")
    spec["labels"] = None if tiles else label_payload(clip_box(spec["bounds"]),
                                                      inc.payload if inc else None)
    spec["attribution"] = attributions(attribution, labels=bool(spec["labels"]))
    step("page")
    fmap = folium_map(spec["bounds"], tiles)
    fmap.add_child(_runtime_element(spec))
    return ConflictMap(fmap, spec, title=title, cluster=spec["options"]["cluster"],
                       heat=spec["options"]["heat"])


def _base_spec(title: str | None, subtitle: str | None, data_date: str | None,
               collapsed_layers: bool, *, tiles: bool) -> dict[str, Any]:
    """The spec's fixed part: texts, symbol shapes, names, and empty layer lists."""
    return {
        "id": f"gc-{uuid.uuid4().hex[:12]}", "title": title, "subtitle": subtitle,
        "dataDate": data_date, "shapes": SHAPES, "names": LAYER_NAMES,
        "precisionNames": {str(k): v.split(":")[0] for k, v in GEO_PRECISION.items()},
        "collapsed": collapsed_layers, "deployIcon": deployment_svg(), "maxZoom": 12,
        "labelZoom": 8,
        "incidents": None, "deployments": [], "vectors": [], "overlays": [], "tiles": tiles,
    }



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
