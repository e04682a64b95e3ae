"""The one polite client for online providers: throttle per host, retries, disk cache.

Users: :mod:`geoconflict.geocoder` (Nominatim, through :func:`get_json`) and
:mod:`geoconflict.roads` (Overpass through osmnx, which does its own requests: it uses
:func:`throttle` and :func:`retrying` around each osmnx call).

* **Throttle**: at most one request per ``min_interval_s`` per host, process-wide
  (threads included).
* **Retries**: a timeout, a dropped connection, HTTP 429 and 5xx are retried with
  exponential backoff; a numeric ``Retry-After`` (capped at 60 s) lengthens the wait.
* **Cache**: answers are JSON files named by a hash of the request, written atomically
  (a temporary file renamed), so a repeated request never goes out again and two
  processes sharing a cache folder never read half a file. A damaged entry is refetched.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

from .errors import ProviderError

__all__ = ["JsonCache", "Retry", "get_json", "retrying", "throttle"]

T = TypeVar("T")

logger = logging.getLogger(__name__)

_LOCK = threading.Lock()
_LAST_REQUEST: dict[str, float] = {}


def throttle(url: str, min_interval_s: float) -> None:
    """Wait until ``min_interval_s`` has passed since the last request to ``url``'s host."""
    host = urlsplit(url).netloc or url
    with _LOCK:
        last = _LAST_REQUEST.get(host)
        now = time.monotonic()
        if last is not None and now - last < min_interval_s:
            time.sleep(min_interval_s - (now - last))
        _LAST_REQUEST[host] = time.monotonic()


class Retry(Exception):
    """Raised by an attempt that may succeed if tried again (``problem`` says why)."""

    def __init__(self, problem: str, retry_after_s: float | None = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.retry_after_s = retry_after_s


def retrying(attempt: Callable[[], T], *, retries: int, backoff_s: float, what: str,
             message: str = "{what}: {problem} after {tries} attempts",
             sleep: Callable[[float], None] = time.sleep) -> T:
    """Call ``attempt`` until it returns, at most ``retries + 1`` times.

    ``attempt`` raises :class:`Retry` for a transient failure; the wait before try ``n``
    is ``backoff_s * 2**(n - 1)``, or the server's ``Retry-After`` when longer (at most
    60 s). Any other exception ends the loop at once.

    Raises
    ------
    ProviderError
        When every attempt failed transiently; the message names ``what`` and the last
        problem, formatted by ``message`` (fields ``what``, ``problem``, ``tries``).
    """
    problem = "no attempt made"
    delay = backoff_s
    for n in range(retries + 1):
        try:
            return attempt()
        except Retry as exc:
            problem = exc.problem
            if n == retries:
                break
            wait = delay
            if exc.retry_after_s is not None:
                wait = max(wait, min(exc.retry_after_s, 60.0))
            logger.info("%s: %s; retrying in %.1f s", what, problem, wait)
            sleep(wait)
            delay *= 2
    msg = message.format(what=what, problem=problem, tries=retries + 1)
    raise ProviderError(msg)


class JsonCache:
    """JSON answers on disk, keyed by request, written atomically."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)

    def path(self, key: str) -> Path:
        return self.folder / (hashlib.sha256(key.encode()).hexdigest()[:32] + ".json")

    def get(self, key: str) -> Any | None:
        """The cached value, or None when absent or damaged."""
        try:
            return json.loads(self.path(key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def put(self, key: str, value: Any) -> None:
        """Store ``value``; a cache that cannot be written is skipped, never an error."""
        path = self.path(key)
        tmp = path.with_name(f"{path.stem}.{os.getpid()}.{threading.get_ident()}.tmp")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            tmp.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, path)
        except OSError:
            tmp.unlink(missing_ok=True)


def get_json(session: Any, url: str, *, what: str, min_interval_s: float = 1.0,
             timeout_s: float = 10.0, retries: int = 3, backoff_s: float = 1.0,
             cache: JsonCache | None = None) -> Any:
    """GET ``url`` with ``session`` (a ``requests.Session``) and return its JSON.

    Served from ``cache`` when there; otherwise throttled, retried and then cached.

    Raises
    ------
    ProviderError
        An HTTP error other than 429/5xx, malformed JSON, or failure after every retry.
    """
    if cache is not None:
        hit = cache.get(url)
        if hit is not None:
            logger.debug("%s: from the cache: %s", what, url)
            return hit
    import requests

    def attempt() -> Any:
        throttle(url, min_interval_s)
        try:
            response = session.get(url, timeout=timeout_s)
        except requests.Timeout:
            raise Retry(f"timed out after {timeout_s:g} s") from None
        except requests.ConnectionError as exc:
            raise Retry(f"connection failed ({exc.__class__.__name__})") from None
        status = response.status_code
        if status == 429 or status >= 500:
            after = response.headers.get("Retry-After", "")
            raise Retry(f"HTTP {status}", float(after) if after.isdigit() else None)
        if status != 200:
            msg = f"{what}: HTTP {status} for {url}"
            raise ProviderError(msg)
        try:
            return response.json()
        except ValueError:
            msg = f"{what}: malformed JSON in the response to {url}"
            raise ProviderError(msg) from None

    logger.info("%s: fetching %s", what, url)
    data = retrying(attempt, retries=retries, backoff_s=backoff_s, what=what)
    if cache is not None:
        cache.put(url, data)
    return data
