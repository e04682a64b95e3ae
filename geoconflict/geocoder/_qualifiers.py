"""The words around a place name that say what kind of place it is, in English and Arabic.

Used by the resolver (:mod:`._geocoder`) on queries that are not a name as a whole, and
by the index (:mod:`._gazetteer`) to file the bare form of qualified curated names
("قاعدة عين الأسد الجوية" is also found as "عين الأسد").

Forms understood
----------------
- English suffixes: "X camp", "X refugee camp", "X port", "X airport", "X crossing",
  "X hospital", "X base", "X air base", "X old city", "X district", "X province",
  "X town"/"X village" (UCDP's ``where_coordinates`` convention), "X power plant",
  "X shipping lanes"; prefixes "Camp X", "Port of X", "city of X", "province of X",
  and the transliterated Arabic admin words of UCDP (``Qaḑā’ X`` district, ``Nāḩiyat X``
  sub-district, ``Muḩāfaz̧at X`` governorate);
- Arabic prefixes مخيم (camp), ميناء/مرفأ (port), مطار (airport), معبر (crossing),
  مستشفى/مشفى (hospital), قاعدة (base), حي/منطقة (quarter), مدينة/بلدة/قرية (town),
  محافظة (province), قضاء/ناحية (district), and the adjectives that follow a qualified
  name (الجوية air, العسكرية military, البحرية naval, الدولي international, الحدودي
  border);
- ACLED's ``City-Part`` (:func:`city_part_splits`: "Taizz-Ath Thawrah").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from ..schema import DEPLOYMENT_KINDS

__all__ = ["ANY_QUALIFIER", "ARABIC_PREFIXES", "DIRECTION", "FEATURE_ALIASES", "IN",
           "KIND_ALIASES", "NEAR", "NEAR_SUFFIX", "PREFIXES", "SUFFIXES", "THE",
           "arabic_bare", "city_part_splits", "plain"]

#: Kind words users type -> gazetteer kinds they mean.
KIND_ALIASES: dict[str, frozenset[str]] = {
    "base": frozenset((*DEPLOYMENT_KINDS, "camp", "military base")),
    "camp": frozenset(("camp", "military base", *DEPLOYMENT_KINDS)),
    "airport": frozenset(("airport", "air base")),
    "port": frozenset(("port", "oil terminal", "naval base")),
    "crossing": frozenset(("crossing",)),
    "hospital": frozenset(("hospital",)),
    "plant": frozenset(("power plant", "dam")),
    "city": frozenset(("city", "town")),
    "town": frozenset(("town", "city")),
    "neighbourhood": frozenset(("neighbourhood", "district", "street")),
    "district": frozenset(("district", "neighbourhood")),
    "province": frozenset(("admin1", "region")),
    "sea": frozenset(("sea", "gulf", "strait", "canal", "chokepoint")),
    "lane": frozenset(("shipping lane",)),
}
#: Qualifiers naming a feature: when no feature of that kind has the name, the answer
#: is the named place itself at precision 2 with a note, never precision 1.
FEATURE_ALIASES: frozenset[str] = frozenset((
    "base", "camp", "airport", "port", "crossing", "hospital", "plant", "neighbourhood",
    "district"))

# (regex, kind-alias key) tried on the query when it is not a name as a whole.
SUFFIXES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\s+(?:shipping|sea|maritime)\s+(?:lanes?|routes?)$", re.I), "lane"),
    (re.compile(r"\s+(?:international\s+)?(?:airport|aerodrome)$", re.I), "airport"),
    (re.compile(r"\s+(?:refugee|idp|displacement|displaced\s+persons?)\s+camp$", re.I), "camp"),
    (re.compile(r"\s+camp$", re.I), "camp"),
    (re.compile(r"\s+(?:air\s*base|air\s*field|airfield|military\s+base|base|garrison|"
                r"outpost)$", re.I), "base"),
    (re.compile(r"\s+(?:sea\s*port|port|harbou?r|oil\s+terminal|terminal)$", re.I), "port"),
    (re.compile(r"\s+(?:border\s+)?(?:crossing|crossing\s+point|border\s+post)$", re.I),
     "crossing"),
    (re.compile(r"\s+(?:(?:general|teaching|medical|university)\s+)?(?:hospital|"
                r"medical\s+(?:complex|city|centre|center))$", re.I), "hospital"),
    (re.compile(r"\s+(?:nuclear\s+)?(?:power\s+(?:plant|station)|dam)$", re.I), "plant"),
    (re.compile(r"\s+(?:old\s+city|old\s+town|neighbou?rhood|quarter)$", re.I),
     "neighbourhood"),
    (re.compile(r"\s+(?:district|sub-?district)$", re.I), "district"),
    (re.compile(r"\s+(?:province|governorate|muhafazat?|region|state)$", re.I), "province"),
    (re.compile(r"\s+(?:city|town|village)$", re.I), "city"),
)
PREFIXES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^(?:the\s+)?(?:city|town|village)\s+of\s+", re.I), "city"),
    (re.compile(r"^(?:the\s+)?(?:province|governorate)\s+of\s+", re.I), "province"),
    (re.compile(r"^(?:the\s+)?port\s+of\s+", re.I), "port"),
    (re.compile(r"^camp\s+", re.I), "camp"),
    (re.compile(r"^muhafazat?\s+", re.I), "province"),
    (re.compile(r"^(?:qada|qadha|nahiyat|nahiya|nahiyah)\s+", re.I), "district"),
)
#: Arabic qualifier words before a name, with the kind-alias key they mean.
ARABIC_PREFIXES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^مخيم\s+"), "camp"),
    (re.compile(r"^(?:ميناء|مرفأ)\s+"), "port"),
    (re.compile(r"^مطار\s+"), "airport"),
    (re.compile(r"^معبر\s+"), "crossing"),
    (re.compile(r"^(?:مستشفى|مشفى)\s+"), "hospital"),
    (re.compile(r"^قاعدة\s+"), "base"),
    (re.compile(r"^(?:حي|منطقة)\s+"), "neighbourhood"),
    (re.compile(r"^(?:مدينة|بلدة|قرية)\s+"), "city"),
    (re.compile(r"^محافظة\s+"), "province"),
    (re.compile(r"^(?:قضاء|ناحية)\s+"), "district"),
)
# Adjectives after a qualified Arabic name: "قاعدة عين الأسد الجوية" (air base).
_ARABIC_ADJECTIVES = re.compile(
    r"(?:\s+(?:ال)?(?:جوية|جوي|عسكرية|عسكري|بحرية|بحري|دولي|دولية|حدودي|حدودية|"
    r"للاجئين|النووية))+$")
DIRECTION = re.compile(
    r"^(?:the\s+)?((?:north|south)?-?(?:east|west)(?:ern)?|north(?:ern)?|south(?:ern)?|"
    r"central|outer|greater|downtown)\s+", re.I)
NEAR = re.compile(r"^(?:near|around|outside|outskirts\s+of|the\s+outskirts\s+of|"
                  r"close\s+to|north\s+of|south\s+of|east\s+of|west\s+of)\s+", re.I)
NEAR_SUFFIX = re.compile(r"\s+(?:area|outskirts|surroundings|environs)$", re.I)
IN = re.compile(r"^(.+?)\s+(?:in|near|outside)\s+(.+)$", re.I)
THE = re.compile(r"^the\s+", re.I)
# ACLED "City-Part": a hyphen between two words, no space around it.
_CITY_PART = re.compile(r"(?<=\w)-(?=\w)")
ANY_QUALIFIER = re.compile(
    "|".join(p.pattern for p in (
        THE, IN, DIRECTION, NEAR, NEAR_SUFFIX, _CITY_PART,
        *(q for q, _ in SUFFIXES), *(q for q, _ in PREFIXES),
        *(q for q, _ in ARABIC_PREFIXES))) + "|,",
    re.I)
_MARKS = re.compile("[\u0300-\u036f]")
_APOSTROPHES = str.maketrans(dict.fromkeys("'’‘`´ʿʾʼʹʻ′", ""))


def plain(text: str) -> str:
    """``text`` without Latin diacritics and ʿayn/hamza apostrophes, for matching the
    qualifier patterns ("Qaḑā’ al Fallūjah" -> "Qada al Fallujah"); Arabic script is
    kept as it is."""
    if text.isascii():
        return text.translate(_APOSTROPHES)
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", _MARKS.sub("", decomposed)).translate(_APOSTROPHES)


def arabic_bare(name: str) -> str | None:
    """The Arabic name without its qualifier words, or None if it has none.

    >>> arabic_bare("قاعدة عين الأسد الجوية")
    'عين الأسد'
    """
    bare = _ARABIC_ADJECTIVES.sub("", name.strip())
    for pattern, _alias in ARABIC_PREFIXES:
        bare = pattern.sub("", bare)
    bare = bare.strip()
    return bare if bare and bare != name.strip() and len(bare) >= 3 else None


def city_part_splits(text: str) -> Iterator[tuple[str, str]]:
    """(city, part) for each hyphen of an ACLED-style ``City-Part`` name, the first
    hyphen first ("Al Hudaydah-Kilu 16" -> ("Al Hudaydah", "Kilu 16"))."""
    for m in _CITY_PART.finditer(text):
        city, part = text[:m.start()].strip(), text[m.end():].strip()
        if len(city) >= 3 and len(part) >= 2:
            yield city, part
