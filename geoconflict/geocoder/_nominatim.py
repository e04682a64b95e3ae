"""Nominatim, the opt-in online geocoder: polite, cached, retried, and easy to fake.

Why plain ``requests`` rather than ``osmnx.geocode``/``geocode_to_gdf``: osmnx routes
every call through its global ``settings`` (one URL, one user agent, one cache folder
for the whole process) and imports geopandas and networkx on the way (~1 s); here each
:class:`Nominatim` carries its own base URL, user agent, minimum request interval and
cache folder, so tests point it at a fake server on 127.0.0.1 and run with a 0.05 s
interval. Polygons come from the same endpoint with ``polygon_geojson=1`` (what
``osmnx.geocode_to_gdf`` asks for).

Etiquette, per the Nominatim usage policy, through the shared client of
:mod:`geoconflict._http`: at most one request per second per host (process-wide), an
identifying user agent, and every answer cached on disk under
``<cache dir>/nominatim/`` keyed by the full request, so a repeated query never goes out
again. Timeouts, HTTP 429 and 5xx are retried with exponential backoff (``Retry-After``
honoured); other failures raise :class:`~geoconflict.errors.ProviderError`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from .. import _config
from .._geodesic import geod
from .._http import JsonCache, get_json
from ..errors import ProviderError

__all__ = ["DEFAULT_URL", "Nominatim"]

#: The public Nominatim server (``$GEOCONFLICT_NOMINATIM_URL`` overrides it).
DEFAULT_URL = _config.SETTINGS["GEOCONFLICT_NOMINATIM_URL"].default

_PRECISION = {
    1: {"house", "building", "amenity", "neighbourhood", "suburb", "quarter", "village",
        "town", "city", "hamlet", "military", "aeroway", "man_made", "road", "city_block",
        "isolated_dwelling", "farm", "locality", "residential", "landuse"},
    3: {"state", "region", "province", "country", "continent", "sea", "ocean"},
}


class Nominatim:
    """A Nominatim search client.

    Parameters
    ----------
    base_url
        Server root, e.g. ``https://nominatim.openstreetmap.org`` (the default, or
        ``$GEOCONFLICT_NOMINATIM_URL``) or a test server.
    user_agent
        Identifies the application (required by the usage policy; default
        ``$GEOCONFLICT_USER_AGENT`` or geoconflict's own).
    min_interval_s
        Minimum time between two requests to the same ``base_url`` (1.0 by policy).
    cache_dir
        Where answers are cached (default: the user cache dir, or
        ``$GEOCONFLICT_CACHE_DIR``); ``use_cache=False`` disables it.
    timeout_s, retries, backoff_s
        Per-request timeout; retries after a timeout, 429 or 5xx; first backoff
        (doubled each retry).
    polygon
        Ask for the place's outline (``polygon_geojson=1``) instead of a point.
    """

    def __init__(self, base_url: str | None = None, *, user_agent: str | None = None,
                 min_interval_s: float = 1.0, cache_dir: str | Path | None = None,
                 use_cache: bool = True, timeout_s: float = 10.0, retries: int = 3,
                 backoff_s: float = 1.0, polygon: bool = False) -> None:
        self.base_url = (base_url or _config.nominatim_url()).rstrip("/")
        self.user_agent = user_agent or _config.user_agent()
        self.min_interval_s = float(min_interval_s)
        if cache_dir is None:
            cache_dir = _config.cache_dir() / "nominatim"
        self.cache_dir = Path(cache_dir)
        self.use_cache = use_cache
        self.timeout_s = timeout_s
        self.retries = retries
        self.backoff_s = backoff_s
        self.polygon = polygon
        self._session: Any = None

    def _get(self, url: str) -> Any:
        import requests

        if self._session is None:
            self._session = requests.Session()
            self._session.headers["User-Agent"] = self.user_agent
        return get_json(self._session, url, what=f"Nominatim {self.base_url}",
                        min_interval_s=self.min_interval_s, timeout_s=self.timeout_s,
                        retries=self.retries, backoff_s=self.backoff_s)

    def search(self, query: str, *, countries: list[str] | None = None,
               limit: int = 5) -> list[dict[str, Any]]:
        """Raw Nominatim results for ``query`` (from the cache when seen before).

        Raises
        ------
        ProviderError
            Network failure after retries, HTTP error, malformed JSON or a payload that
            is not a list of results.
        """
        params: dict[str, Any] = {"q": query, "format": "jsonv2", "limit": limit,
                                  "addressdetails": 1}
        if countries:
            params["countrycodes"] = ",".join(_alpha2(c) for c in countries)
        if self.polygon:
            params["polygon_geojson"] = 1
        url = f"{self.base_url}/search?{urlencode(sorted(params.items()))}"
        cache = JsonCache(self.cache_dir) if self.use_cache else None
        cached = cache.get(url) if cache is not None else None
        if isinstance(cached, list):
            return cached
        data = self._get(url)
        if not isinstance(data, list) or not all(isinstance(d, dict) for d in data):
            msg = f"Nominatim {self.base_url}: expected a list of results, got " \
                  f"{type(data).__name__}"
            raise ProviderError(msg)
        if cache is not None:
            cache.put(url, data)
        return data

    def lookup(self, query: str, *, countries: list[str] | None = None
               ) -> dict[str, Any] | None:
        """Best result as a geocoder record (see :func:`geoconflict.geocode`), or None."""
        for result in self.search(query, countries=countries):
            record = _to_record(query, result, polygon=self.polygon)
            if record is not None:
                return record
        return None


def _alpha2(code: str) -> str:
    import pycountry

    return str(pycountry.countries.lookup(code).alpha_2).lower()


def _to_record(query: str, result: dict[str, Any], *, polygon: bool) -> dict[str, Any] | None:
    try:
        lon, lat = float(result["lon"]), float(result["lat"])
    except (KeyError, TypeError, ValueError):
        return None  # malformed item: try the next one
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        return None
    kind = str(result.get("addresstype") or result.get("type") or "place")
    precision = next((p for p, kinds in _PRECISION.items() if kind in kinds), 2)
    geometry: dict[str, Any] = {"type": "Point", "coordinates": [lon, lat]}
    gj = result.get("geojson")
    if polygon and isinstance(gj, dict) and gj.get("type") and gj.get("coordinates"):
        geometry = gj
    uncertainty = 1_000.0
    bbox = result.get("boundingbox")
    if isinstance(bbox, list) and len(bbox) == 4:
        try:
            south, north, west, east = (float(v) for v in bbox)

            half_diag = geod().inv(west, south, east, north)[2] / 2
            uncertainty = max(100.0, round(half_diag, -1))
        except (TypeError, ValueError):
            pass
    country = None
    code = (result.get("address") or {}).get("country_code")
    if isinstance(code, str) and len(code) == 2:
        import pycountry

        found = pycountry.countries.get(alpha_2=code.upper())
        country = found.alpha_3 if found else None
    name = result.get("name") or str(result.get("display_name", query)).split(",")[0]
    importance = result.get("importance")
    score = round(100.0 * float(importance), 1) if isinstance(importance, int | float) \
        else 80.0
    return {"query": query, "name": name, "kind": kind, "country": country,
            "geometry": geometry, "geo_precision": precision, "uncertainty_m": uncertainty,
            "score": min(score, 100.0), "provider": "nominatim",
            "source_id": f"nominatim:{result.get('osm_type', '?')}/{result.get('osm_id', '?')}",
            "status": "resolved", "match": "online", "candidates": [], "suggestions": [],
            "notes": "OpenStreetMap data (ODbL) via Nominatim: "
                     + str(result.get("display_name", ""))[:200]}
