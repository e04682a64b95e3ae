"""JavaScript and CSS inlined into every map, read from installed packages.

Folium links Leaflet, jQuery, Bootstrap and Font Awesome from CDNs, so its maps are
blank on a closed network. geoconflict inlines what it needs from wheels already
installed, and drops the rest (its symbols are its own SVG, its controls plain DOM):

========================  ==============================================================
asset                     source on disk
========================  ==============================================================
Leaflet 1.9 JS + CSS      ``xstatic-leaflet`` (CSS images rewritten as ``data:`` URIs)
Leaflet.markercluster     ``xstatic-leaflet-markercluster``
Leaflet.heat              the copy folium ships in ``folium/templates/leaflet_heat.min.js``
geoconflict runtime       ``geoconflict/_webmap_ui.js`` (popups, legend, title, time
                          slider, measure, fullscreen), ``_webmap.js`` (layers, canvas
                          incident layer), ``_webmap.css``
========================  ==============================================================

Each script is wrapped so that it runs once per page (two map fragments on one page
share one Leaflet) and so that an AMD loader on the host page (Jupyter, some CMSs) does
not capture Leaflet instead of ``window.L``.
"""

from __future__ import annotations

import base64
import re
from functools import cache
from importlib import resources
from pathlib import Path

__all__ = ["CDN_NAMES", "asset_names", "asset_tags", "replacement_tag"]

#: Names under which folium (and its plugins) register CDN links in a Figure header.
#: Those we can serve are replaced by inlined copies; the rest are dropped because
#: geoconflict's own elements do not need them.
CDN_NAMES: dict[str, str | None] = {
    "leaflet": "leaflet_js",
    "leaflet_css": "leaflet_css",
    "markerclusterjs": "markercluster_js",
    "markerclustercss": "markercluster_css",
    "markerclusterdefaultcss": "markercluster_default_css",
    "leaflet-heat.js": "heat_js",
    "jquery": None,
    "bootstrap": None,
    "bootstrap_css": None,
    "glyphicons_css": None,
    "awesome_markers": None,
    "awesome_markers_css": None,
    "awesome_markers_font_css": None,
    "awesome_rotate_css": None,
}

#: geoconflict's own runtime: controls and DOM helpers, then the layers, then styles.
_RUNTIME_FILES = {"ui_js": "_webmap_ui.js", "runtime_js": "_webmap.js",
                  "runtime_css": "_webmap.css"}

_SOURCE_MAP = re.compile(r"^[ \t]*//# sourceMappingURL=\S+[ \t]*$", re.M)


def _xstatic_dir(package: str) -> Path:
    module = __import__(f"xstatic.pkg.{package}", fromlist=["BASE_DIR"])
    return Path(module.BASE_DIR)


def _data_uri(path: Path) -> str:
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")


@cache
def _raw(name: str) -> str:
    """The text of one asset, ready to inline (no source maps, no relative URLs)."""
    if name == "leaflet_js":
        text = (_xstatic_dir("leaflet") / "leaflet.js").read_text(encoding="utf-8")
    elif name == "leaflet_css":
        base = _xstatic_dir("leaflet")
        text = (base / "leaflet.css").read_text(encoding="utf-8")
        text = re.sub(r"url\((images/[\w.-]+\.png)\)",
                      lambda m: f"url({_data_uri(base / m.group(1))})", text)
    elif name == "markercluster_js":
        text = (_xstatic_dir("leaflet_markercluster") / "leaflet.markercluster.js").read_text(
            encoding="utf-8")
    elif name == "markercluster_css":
        text = (_xstatic_dir("leaflet_markercluster") / "MarkerCluster.css").read_text(
            encoding="utf-8")
    elif name == "markercluster_default_css":
        text = (_xstatic_dir("leaflet_markercluster") / "MarkerCluster.Default.css").read_text(
            encoding="utf-8")
    elif name == "heat_js":
        text = (resources.files("folium") / "templates" / "leaflet_heat.min.js").read_text(
            encoding="utf-8")
    elif name in _RUNTIME_FILES:
        text = (resources.files("geoconflict.webmap") / _RUNTIME_FILES[name]).read_text(
            encoding="utf-8")
    else:
        msg = f"unknown asset {name!r}"
        raise KeyError(msg)
    text = _SOURCE_MAP.sub("", text)
    # A literal "</" inside inlined code would end the <script>/<style> element early.
    if "</script" in text.lower() or "</style" in text.lower():
        msg = f"asset {name} contains a closing tag and cannot be inlined"
        raise ValueError(msg)
    return text


#: JS assets: name -> the global that proves it already ran on this page.
_JS_GUARDS: dict[str, str] = {
    "leaflet_js": "window.L && window.L.Map",
    "markercluster_js": "window.L && window.L.MarkerClusterGroup",
    "heat_js": "window.L && window.L.heatLayer",
    "ui_js": "window.GeoconflictUI",
    "runtime_js": "window.GeoconflictMap",
}


def script_tag(name: str) -> str:
    """One inlined script, run only if its global is absent (idempotent per page)."""
    guard = _JS_GUARDS[name]
    # define/exports/module are shadowed so UMD bundles attach to window, not to an
    # AMD or CommonJS loader of the host page.
    return (f'<script data-geoconflict-asset="{name}">if (!({guard})) {{'
            f"(function (define, exports, module) {{\n{_raw(name)}\n}}).call(window);}}"
            "</script>")


def style_tag(name: str) -> str:
    """One inlined stylesheet (repeating it on a page is harmless)."""
    return f'<style data-geoconflict-asset="{name}">\n{_raw(name)}\n</style>'


def asset_names(*, cluster: bool, heat: bool) -> list[str]:
    """The assets a geoconflict map needs, in load order (CSS first)."""
    names = ["leaflet_css"]
    if cluster:
        names += ["markercluster_css", "markercluster_default_css"]
    names += ["runtime_css", "leaflet_js"]
    if cluster:
        names.append("markercluster_js")
    if heat:
        names.append("heat_js")
    names += ["ui_js", "runtime_js"]
    return names


def asset_tags(names: list[str]) -> str:
    """The inlined tags of ``names`` (from :func:`asset_names`)."""
    return "\n".join(style_tag(n) if n.endswith("css") else script_tag(n) for n in names)


def replacement_tag(name: str) -> str:
    """The inlined tag standing in for a folium CDN link named ``name``."""
    asset = CDN_NAMES[name]
    assert asset is not None
    return style_tag(asset) if asset.endswith("css") else script_tag(asset)
