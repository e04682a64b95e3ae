"""geoconflict: geocode, ingest, measure and map armed-conflict incidents, offline first.

The public API is listed in ``__all__`` and imported lazily: ``import geoconflict`` is
cheap, and geopandas, folium, rasterio or osmnx load only when a function needing them
is first used.

Examples
--------
>>> import geoconflict as gc
>>> bases = gc.load_dataset("deployments")
>>> hits = gc.geocode(["Mashtal, Baghdad", "Tower 22"])
>>> gc.nearest(hits, bases)[["query", "deployment_name"]].values.tolist()
[['Mashtal, Baghdad', 'Union III'], ['Tower 22', 'Tower 22']]
"""

from __future__ import annotations

import importlib
import logging
from typing import Any

__version__ = "0.1.0"

# The library logs what it reads, caches, skips and fetches to the "geoconflict" logger
# (INFO and DEBUG); silent unless the application configures logging (the CLI: -v).
logging.getLogger("geoconflict").addHandler(logging.NullHandler())

#: public name -> the stage package (or module) that exports it. No package or module is
#: named like a function, so importing one cannot shadow a lazily exported function.
_API: dict[str, str] = {
    # foundation
    "load_dataset": "geoconflict.datasets",
    "list_datasets": "geoconflict.datasets",
    "parse_distance": "geoconflict.units",
    "conform_incidents": "geoconflict.schema",
    "validate_incidents": "geoconflict.schema",
    "read_features": "geoconflict.io",
    # geocoding
    "geocode": "geoconflict.geocoder",
    "find_places": "geoconflict.geocoder",
    "Geocoder": "geoconflict.geocoder",
    # ingest
    "read_events": "geoconflict.events",
    "filter_events": "geoconflict.events",
    "deduplicate": "geoconflict.events",
    # text
    "parse_text": "geoconflict.geoparse",
    "parse_reports": "geoconflict.geoparse",
    # proximity
    "nearest": "geoconflict.proximity",
    "within": "geoconflict.proximity",
    "exposure": "geoconflict.proximity",
    "rings": "geoconflict.proximity",
    "distance_to": "geoconflict.proximity",
    # outputs
    "conflict_map": "geoconflict.webmap",
    "render_map_spec": "geoconflict.webmap",
    "load_map_spec": "geoconflict.webmap",
    "export": "geoconflict.io",
    # analysis layers
    "density": "geoconflict.raster",
    "zonal_exposure": "geoconflict.raster",
    "line_of_sight": "geoconflict.raster",
    "radar_coverage": "geoconflict.raster",
    "to_overlay": "geoconflict.raster",
    "road_network": "geoconflict.roads",
    "road_distance": "geoconflict.roads",
    "site_features": "geoconflict.roads",
}

__all__ = ["__version__", *sorted(_API)]


#: public modules and stage packages, reachable as attributes too (``gc.errors.GeocodeError``)
_MODULES = frozenset({"datasets", "errors", "events", "geocoder", "geoparse", "io",
                      "proximity", "raster", "roads", "schema", "units", "webmap"})


def __getattr__(name: str) -> Any:
    if name in _MODULES:
        return importlib.import_module(f"geoconflict.{name}")
    module = _API.get(name)
    if module is None:
        msg = f"module 'geoconflict' has no attribute {name!r}"
        raise AttributeError(msg)
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_API) | _MODULES)
