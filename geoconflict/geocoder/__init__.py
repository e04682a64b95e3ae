"""Geocoding: place names to located, typed, uncertain points, offline first.

The embedded gazetteer (GeoNames cities500 of every country, Natural Earth countries,
ISO 3166 provinces, cited macro-regions, airportsdata airports and the curated layers of
``data/``) and the analyst's own gazetteers (:func:`add_gazetteer`) are the default
provider; Nominatim is opt-in.
"""

from ._gazetteer import cache_dir, country_outline, load_gazetteer
from ._geocoder import (
    OUTPUT_COLUMNS,
    Geocoder,
    ProviderWarning,
    default_geocoder,
    find_places,
    geocode,
    longest_mentions,
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
    "longest_mentions",
    "records_to_frame",
    "remove_gazetteer",
]
