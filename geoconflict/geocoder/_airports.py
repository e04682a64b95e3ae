"""Airports and airfields of the world from ``airportsdata`` (MIT; about 28,000 ICAO entries).

Each airport becomes one entry at the reference point airportsdata gives, kind
``airport``, or ``air base`` when its name says military ("Air Base", "AB", "Air Force
Base", "Airbase", "Army Air Field", "Air Station", "Naval Air Station"...: the data has
no military flag, so the name is the only evidence). Names indexed:

- the name as given ("Baghdad International Airport", "Incirlik Air Base");
- the name with "International" dropped ("Baghdad Airport") and the city's name plus
  "airport" ("Arbil airport", "Erbil airport" through the name), so the way reports
  write them resolves exactly;
- the ICAO and IATA codes, under their own keys (``icao orbi``, ``iata bgw``) so that a
  three-letter code never shadows a word or a town: :meth:`Geocoder` tries them only
  for queries that look like a code.

Precision 1; uncertainty 2 km (an airport's extent around its reference point), 1 km
for fields named airstrip/heliport.
"""

from __future__ import annotations

import re

from ._index import TRANSLIT, Gazetteer

__all__ = ["MILITARY", "add_airports", "code_key"]

#: Words in an airport name that say it is military.
MILITARY = re.compile(
    r"\b(?:air\s*base|airbase|AB|air\s+force\s+base|AFB|army\s+air\s*field|AAF|"
    r"air\s+station|naval\s+air|military|air\s+force|RAF|NAS)\b", re.I)
_AIRPORT_WORDS = re.compile(r"\s+(?:international\s+)?(?:airport|aerodrome|airfield)$", re.I)
_SMALL = re.compile(r"\b(?:airstrip|strip|heliport|helipad)\b", re.I)


def code_key(kind: str, code: str) -> str:
    """The index key of an ICAO or IATA code (``code_key("icao", "ORBI") == "icao orbi"``)."""
    return f"{kind} {code.lower()}"


def add_airports(gaz: Gazetteer) -> int:
    """Add every airport of airportsdata to ``gaz``; return how many."""
    import airportsdata
    import pycountry

    iso3 = {c.alpha_2: c.alpha_3 for c in pycountry.countries}
    n = 0
    for icao, rec in sorted(airportsdata.load("ICAO").items()):
        name = (rec.get("name") or "").strip()
        if not name:
            continue
        kind = "air base" if MILITARY.search(name) else "airport"
        names = [code_key("icao", icao)]
        if rec.get("iata"):
            names.append(code_key("iata", rec["iata"]))
        bare = _AIRPORT_WORDS.sub("", name)
        if bare != name:
            names += [f"{bare} airport", f"{bare} international airport"]
        city = (rec.get("city") or "").strip()
        if city and kind == "airport":
            names += [f"{city} airport", f"{city} international airport"]
        elif city:
            names.append(f"{city} air base")
        gaz.add(name=name, kind=kind, country=iso3.get(rec.get("country") or ""),
                lon=float(rec["lon"]), lat=float(rec["lat"]), geo_precision=1,
                uncertainty_m=1_000.0 if _SMALL.search(name) else 2_000.0,
                source_id=f"airportsdata:{icao}", names=names,
                transliterate=rec.get("country") in TRANSLIT)
        n += 1
    return n
