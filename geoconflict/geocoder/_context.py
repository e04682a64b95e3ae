"""The context a caller gives a batch of names, and the pull of the batch itself.

The rule (documented in :meth:`~._geocoder.Geocoder.records`), strongest first:

1. ``country=`` is a hard filter (places with no country, the open sea, always pass);
2. ``near=`` (a point with a radius, or a bounding box) and a row's own context
   (``context=``: the admin names of an incident row, ACLED ``admin1``..``admin3``,
   UCDP ``adm_1``/``adm_2``, most general first) make candidates inside that area win
   over the same tier of match elsewhere;
3. the batch pulls: once every name is resolved, when one country holds at least half
   of the confidently resolved names (exact, qualified or coded, not ambiguous; at least
   two), every other name is re-ranked with that country as a hint and moves there if it
   has a candidate there of the same tier ("Bari" among Somali names is Bari, Somalia);
4. then importance: kind, curation, class (country, region, city, admin1, town) and
   population. Names still too close to call stay ``ambiguous`` with their candidates.

A hint never beats a better tier: an exact name abroad wins over a typo at home.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from typing import Any

from ..errors import GeocodeError

__all__ = ["CONFIDENT_MATCHES", "dominant_country", "near_context"]

#: Matches counted when a batch votes for its country.
CONFIDENT_MATCHES = frozenset(("exact", "qualifier", "code"))


def near_context(near: Sequence[float] | None) -> tuple[float, float, float] | None:
    """``(lon, lat, radius_m)`` from ``near``: ``(lon, lat)`` (radius 50 km),
    ``(lon, lat, radius_m)`` or a bounding box ``(min_lon, min_lat, max_lon, max_lat)``
    (its centre and half diagonal)."""
    if near is None:
        return None
    values = [float(v) for v in near]
    if len(values) == 2:
        return values[0], values[1], 50_000.0
    if len(values) == 3:
        return values[0], values[1], values[2]
    if len(values) == 4:
        x0, y0, x1, y1 = values
        lon, lat = (x0 + x1) / 2, (y0 + y1) / 2
        half_diag_km = 111.32 * math.hypot((x1 - x0) * math.cos(math.radians(lat)), y1 - y0) / 2
        return lon, lat, half_diag_km * 1000.0
    msg = f"near must be (lon, lat), (lon, lat, radius_m) or a bbox, not {near!r}"
    raise GeocodeError(msg)


def dominant_country(records: Sequence[dict[str, Any]]) -> str | None:
    """The country holding at least half (and at least two) of the confidently resolved
    records, or None."""
    votes = Counter(r["country"] for r in records
                    if r.get("status") == "resolved" and r.get("country")
                    and r.get("match") in CONFIDENT_MATCHES)
    if not votes:
        return None
    country, n = votes.most_common(1)[0]
    return country if n >= 2 and n * 2 >= sum(votes.values()) else None
