"""Geocoding: place names to located, typed, uncertain points, offline first.

The embedded gazetteer (GeoNames, ISO 3166 and the curated layers of ``data/``) is the
default provider; Nominatim is opt-in.
"""

from ._gazetteer import cache_dir, country_outline, load_gazetteer
from ._geocoder import (
    OUTPUT_COLUMNS,
    Geocoder,
    ProviderWarning,
    default_geocoder,
    find_places,
    geocode,
    records_to_frame,
)
from ._user import add_gazetteer, gazetteer_format, list_gazetteers, remove_gazetteer

__all__ = [
    "OUTPUT_COLUMNS",
    "Geocoder",
    "ProviderWarning",
    "add_gazetteer",
    "cache_dir",
    "country_outline",
    "default_geocoder",
    "find_places",
    "gazetteer_format",
    "geocode",
    "list_gazetteers",
    "load_gazetteer",
    "records_to_frame",
    "remove_gazetteer",
]
