"""osmnx's private API, reached in one place.

osmnx has no public name for two things this package needs: the Overpass way filter of
a ``network_type`` (so that local ``.osm`` files keep exactly the ways a download would)
and its exception classes (so that failures can be told apart). :func:`private_api`
imports them, once; ``tests/roads`` checks it against the installed osmnx, so an osmnx
release that moves them fails one clear test instead of a user's road analysis.
The dependency is bounded (``osmnx<2.2``) in ``pyproject.toml`` for the same reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any


@dataclass(frozen=True)
class PrivateApi:
    """What geoconflict uses of osmnx's private modules."""

    network_filter: Any  # network_type -> Overpass filter text
    InsufficientResponseError: type[Exception]
    ResponseStatusCodeError: type[Exception]


@cache
def private_api() -> PrivateApi:
    """osmnx's network filter and exception classes (imported on first use)."""
    from osmnx import _errors, _overpass

    return PrivateApi(_overpass._get_network_filter, _errors.InsufficientResponseError,
                      _errors.ResponseStatusCodeError)
