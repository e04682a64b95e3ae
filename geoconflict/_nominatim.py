"""Nominatim, the opt-in online geocoder: polite, cached, retried, and easy to fake.

Why plain ``requests`` rather than ``osmnx.geocode``/``geocode_to_gdf``: osmnx routes
every call through its global ``settings`` (one URL, one user agent, one cache folder
for the whole process) and imports geopandas and networkx on the way (~1 s); here each
:class:`Nominatim` carries its own base URL, user agent, minimum request interval and
cache folder, so tests point it at a fake server on 127.0.0.1 and run with a 0.05 s
interval. Polygons come from the same endpoint with ``polygon_geojson=1`` (what
``osmnx.geocode_to_gdf`` asks for).

Etiquette, per the Nominatim usage policy: at most one request per second per base URL
(process-wide), an identifying user agent, and every answer cached on disk under
``<user cache dir>/nominatim/`` keyed by the full request, so a repeated query never
goes out again. Timeouts, HTTP 429 and 5xx are retried with exponential backoff
(``Retry-After`` honoured); other failures raise :class:`~geoconflict.errors.ProviderError`.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from .errors import ProviderError

__all__ = ["DEFAULT_URL", "Nominatim"]

DEFAULT_URL = "https://nominatim.openstreetmap.org"

_PRECISION = {
    1: {"house", "building", "amenity", "neighbourhood", "suburb", "quarter", "village",
        "town", "city", "hamlet", "military", "aeroway", "man_made", "road", "city_block",
        "isolated_dwelling", "farm", "locality", "residential", "landuse"},
    3: {"state", "region", "province", "country", "continent", "sea", "ocean"},
}
_LOCK = threading.Lock()
_LAST_REQUEST: dict[str, float] = {}


def _default_user_agent() -> str:
    from . import __version__

    return f"geoconflict/{__version__} (offline-first conflict GIS; set --user-agent)"


class Nominatim:
    """A Nominatim search client.

    Parameters
    ----------
    base_url
        Server root, e.g. ``https://nominatim.openstreetmap.org`` or a test server.
    user_agent
        Identifies the application (required by the usage policy).
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

    def __init__(self, base_url: str = DEFAULT_URL, *, user_agent: str | None = None,
                 min_interval_s: float = 1.0, cache_dir: str | Path | None = None,
                 use_cache: bool = True, timeout_s: float = 10.0, retries: int = 3,
                 backoff_s: float = 1.0, polygon: bool = False) -> None:
        self.base_url = base_url.rstrip("/")
        self.user_agent = user_agent or _default_user_agent()
        self.min_interval_s = float(min_interval_s)
        if cache_dir is None:
            from .gazetteer import cache_dir as default_cache

            cache_dir = default_cache() / "nominatim"
        self.cache_dir = Path(cache_dir)
        self.use_cache = use_cache
        self.timeout_s = timeout_s
        self.retries = retries
        self.backoff_s = backoff_s
        self.polygon = polygon
        self.requests_sent = 0
        self._session: Any = None

    # ------------------------------------------------------------------ plumbing
    def _cache_file(self, url: str) -> Path:
        return self.cache_dir / (hashlib.sha256(url.encode()).hexdigest()[:32] + ".json")

    def _wait_turn(self) -> None:
        with _LOCK:
            last = _LAST_REQUEST.get(self.base_url)
            now = time.monotonic()
            if last is not None and now - last < self.min_interval_s:
                time.sleep(self.min_interval_s - (now - last))
            _LAST_REQUEST[self.base_url] = time.monotonic()

    def _get(self, url: str) -> Any:
        import requests

        if self._session is None:
            self._session = requests.Session()
            self._session.headers["User-Agent"] = self.user_agent
        delay = self.backoff_s
        problem = "no attempt made"
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(delay)
                delay *= 2
            self._wait_turn()
            self.requests_sent += 1
            try:
                response = self._session.get(url, timeout=self.timeout_s)
            except requests.Timeout:
                problem = f"timed out after {self.timeout_s:g} s"
                continue
            except requests.ConnectionError as exc:
                problem = f"connection failed ({exc.__class__.__name__})"
                continue
            if response.status_code == 429 or response.status_code >= 500:
                problem = f"HTTP {response.status_code}"
                retry_after = response.headers.get("Retry-After", "")
                if retry_after.isdigit():
                    delay = max(delay, min(float(retry_after), 60.0))
                continue
            if response.status_code != 200:
                msg = f"Nominatim {self.base_url}: HTTP {response.status_code} for {url}"
                raise ProviderError(msg)
            try:
                return response.json()
            except ValueError:
                msg = f"Nominatim {self.base_url}: malformed JSON in the response to {url}"
                raise ProviderError(msg) from None
        msg = f"Nominatim {self.base_url}: {problem} after {self.retries + 1} attempts"
        raise ProviderError(msg)

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
        path = self._cache_file(url)
        if self.use_cache and path.exists():
            try:
                cached: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
                return cached
            except (OSError, ValueError):
                pass  # a damaged cache entry is refetched
        data = self._get(url)
        if not isinstance(data, list) or not all(isinstance(d, dict) for d in data):
            msg = f"Nominatim {self.base_url}: expected a list of results, got " \
                  f"{type(data).__name__}"
            raise ProviderError(msg)
        if self.use_cache:
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, path)
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
            from ._geodesic import geod

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
