"""The opt-in online path of :mod:`geoconflict.roads`: osmnx talking to an Overpass API.

osmnx already does the network etiquette well, so this module configures it rather than
re-implementing it: osmnx caches every response on disk keyed by the query
(``settings.use_cache``/``cache_folder``), asks the server's ``/status`` endpoint for a
free slot before each request (``settings.overpass_rate_limit``) and waits 55 s then
retries on HTTP 429/504. What this module adds:

* the settings are applied only for the duration of one call and restored afterwards
  (osmnx settings are process-global), so the offline path never sees them;
* a minimum interval between our requests, and a few retries with exponential back-off
  on server errors (5xx) and dropped connections, which osmnx raises immediately (the
  shared polite client of :mod:`geoconflict._http`);
* one clear :class:`~geoconflict.errors.ProviderError` naming the server and the cause
  (HTTP status, malformed JSON, unreachable host) instead of osmnx/requests internals.

Tests point everything at a fake Overpass server on 127.0.0.1 via :class:`OverpassOptions`.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from json import JSONDecodeError
from pathlib import Path
from typing import TypeVar

from .. import _config
from .._http import Retry, retrying, throttle
from ..errors import ProviderError
from ._osmnx import private_api

__all__ = ["DEFAULT_OVERPASS_URL", "NoOverpassData", "OverpassOptions", "fetch"]

_OSMNX_LOCK = threading.Lock()

T = TypeVar("T")

logger = logging.getLogger(__name__)

#: The public Overpass instance osmnx uses by default (without the ``/interpreter``).
DEFAULT_OVERPASS_URL = str(_config.SETTINGS["GEOCONFLICT_OVERPASS_URL"].default)

@dataclass(frozen=True)
class OverpassOptions:
    """Where and how politely to query Overpass.

    Attributes
    ----------
    url
        Base URL of the Overpass API (``/interpreter`` and ``/status`` are appended).
        Environment variable ``GEOCONFLICT_OVERPASS_URL`` overrides the default.
    timeout_s
        Request timeout, also sent to the server as the query's ``[timeout:]``.
    use_cache, cache_folder
        osmnx's on-disk response cache; the default folder is the user cache directory
        (``GEOCONFLICT_CACHE_DIR`` overrides it), never the current directory.
    retries, backoff_s
        Extra attempts after a 5xx status or a dropped connection, waiting
        ``backoff_s * 2**attempt`` seconds between them.
    rate_limit
        Ask the server's ``/status`` endpoint for a free slot before each request.
    min_interval_s
        Minimum seconds between two requests from this process.
    """

    url: str = field(default_factory=_config.overpass_url)
    timeout_s: float = 180.0
    use_cache: bool = True
    cache_folder: Path = field(default_factory=lambda: _config.cache_dir() / "overpass")
    retries: int = 3
    backoff_s: float = 10.0
    rate_limit: bool = True
    min_interval_s: float = 1.0


class NoOverpassData(ProviderError):
    """The server answered correctly but returned no matching OSM elements."""


@contextmanager
def _osmnx_settings(opts: OverpassOptions) -> Iterator[None]:
    import osmnx as ox

    names = {"overpass_url": opts.url.rstrip("/"), "requests_timeout": opts.timeout_s,
             "use_cache": opts.use_cache, "cache_folder": str(opts.cache_folder),
             "overpass_rate_limit": opts.rate_limit}
    saved = {name: getattr(ox.settings, name) for name in names}
    try:
        for name, value in names.items():
            setattr(ox.settings, name, value)
        yield
    finally:
        for name, value in saved.items():
            setattr(ox.settings, name, value)


def fetch(call: Callable[[], T], *, what: str, opts: OverpassOptions | None = None) -> T:
    """Run ``call`` (an osmnx download function) with ``opts`` applied, retrying politely.

    Parameters
    ----------
    call
        A zero-argument callable, e.g. ``lambda: ox.graph_from_bbox(bbox)``.
    what
        What is being fetched, for error messages ("road network", "OSM features").
    opts
        Server, cache and politeness; defaults to :class:`OverpassOptions()`.

    Raises
    ------
    NoOverpassData
        The server answered but returned no matching elements.
    ProviderError
        The server kept failing (status, connection) or returned malformed JSON.
    """
    import requests

    api = private_api()
    InsufficientResponseError = api.InsufficientResponseError
    ResponseStatusCodeError = api.ResponseStatusCodeError

    opts = opts or OverpassOptions()
    where = f"Overpass API at {opts.url}"

    def attempt() -> T:
        throttle(opts.url, opts.min_interval_s)
        logger.info("%s: %s (cache %s)", where, what,
                    opts.cache_folder if opts.use_cache else "off")
        try:
            with _osmnx_settings(opts):
                return call()
        except InsufficientResponseError as exc:
            if isinstance(exc.__cause__, JSONDecodeError):
                msg = f"{where} returned malformed JSON for {what}: {_short(exc)}"
                raise ProviderError(msg) from exc
            msg = f"{where} returned no OSM data for {what}: {_short(exc)}"
            raise NoOverpassData(msg) from exc
        except ResponseStatusCodeError as exc:
            status = re.search(r"responded: (\d{3})", str(exc))
            if status is None or not status.group(1).startswith("5"):
                msg = f"{where} refused the {what} request: {_short(exc)}"
                raise ProviderError(msg) from exc
            raise Retry(_short(exc)) from None
        except (requests.ConnectionError, requests.Timeout) as exc:
            raise Retry(f"{type(exc).__name__}: {_short(exc)}") from None
        except JSONDecodeError as exc:
            msg = f"{where} returned malformed JSON for {what}: {exc}"
            raise ProviderError(msg) from exc

    with _OSMNX_LOCK:  # osmnx settings are process-wide: one call at a time
        return retrying(attempt, retries=opts.retries, backoff_s=opts.backoff_s,
                        what=f"{where} failed for {what}",
                        message="{what} after {tries} attempt(s): {problem}; work offline "
                                "with an .osm extract (see the docs, Roads)")


def _short(exc: BaseException, limit: int = 200) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= limit else text[:limit] + "..."
