"""Settings: every environment variable geoconflict reads, in one table, read once here.

Users: the geocoder (cache, Nominatim), roads (cache, Overpass), webmap (the browser for
pictures) and the CLI, which reads the same settings instead of its own ``envvar=``.

==============================  =========================================================
variable                        meaning (default)
==============================  =========================================================
``GEOCONFLICT_CACHE_DIR``       root of every cache: gazetteer index, Nominatim answers,
                                Overpass responses (the user cache directory, e.g.
                                ``~/.cache/geoconflict``)
``GEOCONFLICT_NOMINATIM_URL``   Nominatim server for ``--online`` geocoding
                                (``https://nominatim.openstreetmap.org``)
``GEOCONFLICT_OVERPASS_URL``    Overpass API for online roads and OSM features
                                (``https://overpass-api.de/api``)
``GEOCONFLICT_USER_AGENT``      the user agent sent to online providers
                                (``geoconflict/<version> (...)``)
``GEOCONFLICT_CHROMIUM``        the Chromium or Chrome executable used for map pictures
                                (``/usr/bin/chromium``, then ``chromium`` and
                                ``chromium-browser`` on ``PATH``)
==============================  =========================================================

Values are read when asked for, not at import, so a test or a notebook can set them
with ``os.environ`` at any time.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from . import __version__

__all__ = ["SETTINGS", "Setting", "cache_dir", "get", "nominatim_url", "overpass_url",
           "user_agent"]


@dataclass(frozen=True)
class Setting:
    """One environment variable and its default (None: computed when asked)."""

    name: str
    default: str | None
    help: str


SETTINGS: dict[str, Setting] = {s.name: s for s in (
    Setting("GEOCONFLICT_CACHE_DIR", None, "root of every cache"),
    Setting("GEOCONFLICT_NOMINATIM_URL", "https://nominatim.openstreetmap.org",
            "Nominatim server for online geocoding"),
    Setting("GEOCONFLICT_OVERPASS_URL", "https://overpass-api.de/api",
            "Overpass API for online roads and OSM features"),
    Setting("GEOCONFLICT_USER_AGENT", None, "user agent sent to online providers"),
    Setting("GEOCONFLICT_CHROMIUM", None, "Chromium executable for map pictures"),
)}


def get(name: str) -> str | None:
    """The value of setting ``name``: the environment's when set and not empty, else
    its default."""
    setting = SETTINGS[name]
    value = os.environ.get(name, "").strip()
    return value or setting.default


def cache_dir() -> Path:
    """Root of geoconflict's caches (``$GEOCONFLICT_CACHE_DIR`` overrides)."""
    value = get("GEOCONFLICT_CACHE_DIR")
    if value:
        return Path(value).expanduser()
    return _platform_cache_dir()


@lru_cache(maxsize=1)
def _platform_cache_dir() -> Path:
    """The platform's user cache folder for geoconflict (looked up once: the geoparser
    asks for the cache on every report)."""
    import platformdirs

    return Path(platformdirs.user_cache_dir("geoconflict", appauthor=False))


def nominatim_url() -> str:
    """Base URL of the Nominatim server."""
    return str(get("GEOCONFLICT_NOMINATIM_URL")).rstrip("/")


def overpass_url() -> str:
    """Base URL of the Overpass API (``/interpreter`` and ``/status`` are appended)."""
    return str(get("GEOCONFLICT_OVERPASS_URL")).rstrip("/")


def user_agent() -> str:
    """The user agent sent to online providers (their usage policies require one)."""
    return get("GEOCONFLICT_USER_AGENT") or (
        f"geoconflict/{__version__} (offline-first conflict GIS; set GEOCONFLICT_USER_AGENT)")
