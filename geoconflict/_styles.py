"""The one style table: colour and symbol per ACLED event type and per layer.

Users: :mod:`geoconflict.webmap` (symbols, legend, vector layers) and
:mod:`geoconflict.io` (KML styles, GeoPackage layer styles for QGIS), so an incident
type looks the same on the HTML map, in Google Earth and in QGIS.

Colours are the Okabe-Ito palette, readable by people with the common colour-vision
deficiencies; shapes differ too, so a print in grey still separates the types.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["DEPLOYMENT_COLOR", "EVENT_STYLES", "LAYER_STYLES", "OTHER_STYLE", "EventStyle",
           "kml_colour", "style_for"]


@dataclass(frozen=True)
class EventStyle:
    """How one ACLED event type is drawn: colour (``#rrggbb``) and shape name."""

    color: str
    shape: str


#: ACLED event types -> style, in legend order.
EVENT_STYLES: dict[str, EventStyle] = {
    "Explosions/Remote violence": EventStyle("#D55E00", "star"),
    "Battles": EventStyle("#0072B2", "diamond"),
    "Violence against civilians": EventStyle("#CC79A7", "triangle"),
    "Strategic developments": EventStyle("#555555", "hexagon"),
    "Riots": EventStyle("#E69F00", "square"),
    "Protests": EventStyle("#009E73", "circle"),
}
#: Style of event types outside the ACLED vocabulary (and of missing types).
OTHER_STYLE = EventStyle("#7F7F7F", "circle")

#: Colour of deployments (bases).
DEPLOYMENT_COLOR = "#1f3b73"

#: Layer kind -> Leaflet path options (``color`` is the stroke, ``fillColor`` the fill).
LAYER_STYLES: dict[str, dict[str, Any]] = {
    "deployments": {"color": DEPLOYMENT_COLOR, "weight": 2, "fillColor": DEPLOYMENT_COLOR,
                    "fillOpacity": 0.9, "radius": 6},
    "areas": {"color": "#2b6cb0", "weight": 1, "fillColor": "#4a90d9", "fillOpacity": 0.12},
    "lanes": {"color": "#1b2a6b", "weight": 3, "dashArray": "8 6", "opacity": 0.85},
    "places": {"color": "#b35900", "weight": 2, "fillColor": "#f6ad55", "fillOpacity": 0.25,
               "radius": 5},
    "rings": {"color": "#7b2cbf", "weight": 1.5, "dashArray": "6 5", "fill": False},
    "layers": {"color": "#2f855a", "weight": 1.5, "fillColor": "#68d391", "fillOpacity": 0.3,
               "radius": 5},
}


def style_for(event_type: str | None) -> EventStyle:
    """The style of an event type (ACLED names; anything else is 'other')."""
    return EVENT_STYLES.get(event_type or "", OTHER_STYLE)


def kml_colour(color: str, alpha: int = 255) -> str:
    """``#rrggbb`` as KML's ``aabbggrr``."""
    rr, gg, bb = color[1:3], color[3:5], color[5:7]
    return f"{alpha:02x}{bb}{gg}{rr}".lower()
