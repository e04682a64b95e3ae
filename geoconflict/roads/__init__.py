"""Road networks from OpenStreetMap (osmnx): distance by road and what is at a site."""

from ._network import (
    DEFAULT_FEATURE_TAGS,
    DEFAULT_SPEEDS_KPH,
    FALLBACK_SPEED_KPH,
    NETWORK_TYPES,
    road_distance,
    road_network,
    site_features,
)
from ._overpass import OverpassOptions

__all__ = ["DEFAULT_FEATURE_TAGS", "DEFAULT_SPEEDS_KPH", "FALLBACK_SPEED_KPH",
           "NETWORK_TYPES", "OverpassOptions", "road_distance", "road_network", "site_features"]
