"""Places the text scan misses because they are spelled another way.

The geocoder's text scan (:meth:`geoconflict.geocoder.Geocoder.find_places`) matches
names exactly, as the gazetteer folds them: fast, and safe on every capitalised word of
a report. Arabic place names reach English text in many spellings, though ("Makhmour"
for Makhmur, "Tal Rifaat" for Tall Rif'at, "Al-Hawija" for Al Hawijah), and a scan that
only matches exactly finds none of them, or only a piece ("Tal", which the parser then
reads as a given name).

This pass looks again, with the geocoder's transliteration tier, at the capitalised
names the text itself marks as places and the scan did not cover whole:

* a name after a preposition of place ("in", "near", "of", "outside", "around"...),
* a name followed by its admin units in parentheses, ACLED's convention for its notes
  ("Tafas (Daraa)", "Sidakan (Soran, Erbil)").

A name is kept only when it resolves exactly or by transliteration inside the
countries the rest of the text points to (by a close typo match only when it is also
written with its admin units); a text that points to no country keeps only a name
written with its admin units. Used by the geoparse stage only
(``_mentions``).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from typing import Any

from .._countries import capital_names
from .._geodesic import geod
from ..geocoder import Geocoder, default_geocoder
from ..schema import DEFAULT_UNCERTAINTY_M
from ._names import FUNCTION_WORDS, PERSON_NAMES, TITLES, lower_case_words
from ._resolution import placed_at, span_record

__all__ = ["CAPITAL_ROLE", "admin_units_after", "capitals", "inside_admin_units",
           "respelled_places"]

#: Capital letters of the Latin scripts transliterations use ("Ţuwaybah", "Ḩamrīn").
_UPPER = "A-Z" + "".join(chr(c) for c in (*range(0xC0, 0x250), *range(0x1E00, 0x1F00))
                         if chr(c).isupper())
_WORD = rf"[\u2018\u2019'`]?[{_UPPER}][\w'\u2019\u2018`]*(?:-[\w'\u2019\u2018`]+)*"
#: Arabic articles and name particles written in lower case inside a name.
_ARTICLE = r"(?:al|el|ad|ar|as|ash|at|az|adh|an|ed|es|ez|et|ul)-"
_JOINER = r"(?:al|el|ad|as|ash|ibn|bin|bani|beni|abu|umm|um|de|ez|es|ed)"
#: A capitalised run of up to four words: a name as the text writes it.
_RUN_BODY = (rf"(?<![\w'\u2019\u2018-])(?:{_ARTICLE})?{_WORD}"
             rf"(?:[ \t]+(?:{_JOINER}[ \t]+)?(?:{_ARTICLE})?{_WORD}){{0,3}}")
_RUN = re.compile(_RUN_BODY)
#: The prepositions of place that cue a name.
_PREPOSITIONS = r"in|near|of|at|outside|around|into|towards?|between|across|inside|from"
#: A preposition of place, then a capital: where a cued run starts.
_CUE_THEN_CAPITAL = re.compile(rf"\b(?i:{_PREPOSITIONS})[ \t]+"
                               rf"(?=(?:{_ARTICLE})?[\u2018\u2019'`]?[{_UPPER}])")
#: A preposition of place just before the name.
_CUE_BEFORE = re.compile(rf"\b(?:{_PREPOSITIONS})[ \t]+$", re.IGNORECASE)
#: A kind word between a name and its units ("Sinjar district (Ninewa)").
_UNIT_KIND = r"(?:[ \t]+(?:district|city|town|village|sub-district|camp|area))?"
#: An opening parenthesis with a capital: where admin units may start.
_PAREN_CAPITAL = re.compile(rf"\((?=[{_UPPER}])")
#: A run ending right before a parenthesis.
_RUN_BEFORE_PAREN = re.compile(rf"{_RUN_BODY}{_UNIT_KIND}[ \t]*\(")
#: The name's admin units in parentheses just after it: "(Daraa)", "(Soran, Erbil)".
_ADMIN_AFTER = re.compile(rf"{_UNIT_KIND}[ \t]*\([{_UPPER}][^()\n]{{1,60}}\)")


def admin_units_after(text: str, end: int) -> bool:
    """Whether the name ending at ``end`` is followed by its admin units in parentheses,
    as ACLED's notes write every location ("Tafas (Daraa)")."""
    return _ADMIN_AFTER.match(text, end) is not None


#: Kinds a respelled name may resolve to (a sea or a country is never respelled).
_KINDS = frozenset({"city", "town", "village", "populated place", "neighbourhood",
                    "district", "admin1", "admin2", "camp", "base", "crossing", "port",
                    "airport", "mountain", "locality"})
_MATCHES = frozenset({"exact", "transliteration"})
#: A typo match is taken only for a name written with its admin units, inside the text's
#: countries, and this close ("Al-Hawija (Kirkuk)" for Al Hawijah).
_FUZZY_SCORE = 85.0
_SHORTEST = 4  # letters: shorter names respell into too many places
#: A name's possessive ending, not part of the name.
_POSSESSIVE = re.compile(r"['\u2019\u2018`]s?$")
#: First words of runs that are no respelled name: directions (a part of the place that
#: follows), months and days.
_NOT_FIRST = frozenset({
    "north", "south", "east", "west", "northern", "southern", "eastern", "western",
    "central", "upper", "lower", "greater", "new", "old",
    *(m.lower() for m in calendar.month_name if m), *(d.lower() for d in calendar.day_name),
})
#: Words of :data:`TITLES` that also begin place names ("Abu Ghraib", "Umm Qasr").
_PLACE_PARTICLES = frozenset({"abu", "umm", "bin", "ibn"})


def respelled_places(text: str, found: list[dict[str, Any]], countries: Iterable[str],
                     taken: list[tuple[int, int]], geocoder: Geocoder | None = None
                     ) -> list[dict[str, Any]]:
    """``find_places``-like records for the names of ``text`` the exact scan missed (see
    the module docstring), each resolved inside ``countries``.

    ``found`` are the scan's records, ``taken`` spans already read as something else
    (actors): a name overlapping one is left alone.
    """
    codes = sorted(countries)
    geocoder = geocoder or default_geocoder()
    covered = [(int(r["start"]), int(r["end"])) for r in found]
    lower: frozenset[str] | None = None
    out: list[dict[str, Any]] = []
    for m in _candidate_runs(text, cued=bool(codes)):
        start = m.start()
        surface = _POSSESSIVE.sub("", m.group(0))  # "Cairo's": the name is "Cairo"
        end = start + len(surface)
        admin = admin_units_after(text, end)
        if not admin and (not codes or
                          _CUE_BEFORE.search(text, max(0, start - 12), start) is None):
            continue
        if any(a <= start and end <= b for a, b in covered) or \
                any(a < end and start < b for a, b in taken):
            continue
        # Longer than a name the scan found at its start by whole words only ("Tal" ->
        # "Tal Rifaat"; not "Fargo" -> "Fargo-Moorhead").
        scanned = max((b for a, b in covered if a == start), default=start)
        if scanned > start and text[scanned:scanned + 1] not in (" ", "\t"):
            continue
        words = surface.split()
        if len(words) == 1 and lower is None:
            lower = lower_case_words(text)
        if not _worth_a_lookup(words, lower or frozenset()):
            continue
        rec = geocoder.lookup(surface, country=codes or None)
        if rec["status"] == "unresolved" or rec.get("kind") not in _KINDS or \
                rec.get("_ref") is None or rec.get("notes") or not (
                    rec["match"] in _MATCHES or (
                        admin and codes and rec["match"] == "fuzzy"
                        and float(rec.get("score") or 0) >= _FUZZY_SCORE)):
            continue  # notes: a qualifier's fallback ("Hartford Hospital" -> Hartford)
        respelled = span_record(start, end, text, rec)
        if respelled is not None:
            out.append(respelled)
    return out


def _candidate_runs(text: str, *, cued: bool) -> list[re.Match[str]]:
    """The capitalised runs of ``text`` the pass looks at, by start: those after a
    preposition of place (``cued``), and those before a parenthesis (admin units).
    Found from their cue, not by trying every capitalised word of the text."""
    runs: dict[int, re.Match[str]] = {}
    if cued:
        for cue in _CUE_THEN_CAPITAL.finditer(text):
            if text[cue.start()].isupper() and cue.start() > 0 and \
                    text[max(0, cue.start() - 2):cue.start()].strip() not in ("", ".", "\"", ":"):
                continue  # "At" of "At Tanmiyah" begins a name; it is no preposition
            m = _RUN.match(text, cue.end())
            if m is not None:
                runs[m.start()] = m
    if "(" in text:
        for paren in _PAREN_CAPITAL.finditer(text):
            lo = max(0, paren.start() - 100)
            m = _RUN_BEFORE_PAREN.search(text, lo, paren.start() + 1)
            if m is not None and m.start() not in runs:
                run = _RUN.match(text, m.start())
                if run is not None:
                    runs[run.start()] = run
    return [runs[k] for k in sorted(runs)]


def _worth_a_lookup(words: list[str], lower: frozenset[str]) -> bool:
    """Whether a run of words may be a respelled place name: not a title, a direction,
    a month or a day first, not a given name, a function word or a word the text also
    writes in lower case alone, and long enough."""
    first = words[0].lower().rstrip(".")
    if first in TITLES and first not in _PLACE_PARTICLES:
        return False  # "President Assad", "Dr Hamid"
    if first in _NOT_FIRST or first in FUNCTION_WORDS:
        return False  # "North Texas" is a part of Texas; "in August" a month; "The City"
    if len(words) == 1 and words[0].isupper():
        return False  # an acronym ("PTA")
    if len(words) == 1 and (first in FUNCTION_WORDS or first in PERSON_NAMES or
                            first in lower):
        return False  # "in River": the text writes "river" too
    return sum(len(w) for w in words) >= _SHORTEST


#: More capitalised words, then admin units: the name before them is only their start.
_NAME_THEN_UNITS = re.compile(rf"(?:[ \t]+(?:{_ARTICLE})?{_WORD}){{1,3}}{_ADMIN_AFTER.pattern}")
#: Words after a name that say what it is, not more of the name ("Baghdad Governorate").
_KIND_WORD = re.compile(r"\b(?:Province|Governorate|District|Sub-?district|City|Town|"
                        r"Village|Camp|Area|Region|Municipality|Neighbou?rhood|Countryside|"
                        r"Desert|Outskirts)\b", re.IGNORECASE)
#: Kinds that may stand in a name's parentheses as its admin units.
_ADMIN_KINDS = frozenset({"admin1", "admin2", "district", "city", "town", "country",
                          "region", "populated place"})


def inside_admin_units(text: str, found: list[dict[str, Any]], countries: Iterable[str],
                       geocoder: Geocoder | None = None) -> list[dict[str, Any]]:
    """``found`` with every name written with its admin units ("Tripoli (North
    Lebanon)", "Rafah (North Sinai)") resolved inside them, through the geocoder's row
    context (most general unit first); a name that has no place there is dropped, so
    the units themselves locate the event; so is the first word of a longer name the
    gazetteer lacks ("Wadi Omran (Mudiyah, Abyan)": "Wadi" is not the Algerian city).
    Units count only in a country the text points to (``countries``): "North Sinai"
    read as a Mexican town says nothing of where Rafah is."""
    if "(" not in text:
        return found
    geocoder = geocoder or default_geocoder()
    trusted = set(countries)
    found, agreeing = _units_in_names_country(geocoder, text, found)
    trusted |= agreeing
    # "(Sidakan, Erbil)": the last unit is the province, not its capital city
    found = [_as_province(geocoder, rec) if rec.get("kind") == "city" and
             _LAST_UNIT.match(text, int(rec["end"])) and
             _UNIT_OPEN.search(text, max(0, int(rec["start"]) - 80), int(rec["start"]))
             else rec for rec in found]
    out: list[dict[str, Any]] = []
    for rec in found:
        end = int(rec["end"])
        m = _ADMIN_AFTER.match(text, end)
        more = _NAME_THEN_UNITS.match(text, end) if m is None else None
        if more is not None and float(rec.get("score") or 0) < 100 and \
                not _KIND_WORD.search(more.group(0).split("(", 1)[0]) and \
                _units(found, text.index("(", end), more.end(), trusted):
            continue  # the first word of a longer name the gazetteer lacks
        if m is None:
            out.append(rec)
            continue
        units = _units(found, m.start(), m.end(), trusted)
        if not units or (units[-1]["country"] == rec.get("country") and
                         _inside(rec, units[-1])):
            out.append(rec)
            continue
        country = units[-1]["country"]
        new = geocoder.records([str(rec["surface"])],
                               context=[[str(u["surface"]) for u in reversed(units)]],
                               pull=False)[0]
        inside = placed_at(rec, new) if new["status"] != "unresolved" else None
        if inside is None or inside["country"] != country or not _inside(inside, units[-1]):
            continue  # no such place in the units: the units say where
        out.append(inside)
    return out


def _units_in_names_country(geocoder: Any, text: str, found: list[dict[str, Any]]
                            ) -> tuple[list[dict[str, Any]], set[str]]:
    """``found`` with each admin unit that names a place of its name's country read as
    that place, and the countries so agreed on: in "Bosaso (Bari)", Bari is the Somali
    region, not the Italian city, since Bosaso is Somali. Both then agree, and the name
    keeps its place."""
    out = list(found)
    agreeing: set[str] = set()
    for rec in found:
        m = _ADMIN_AFTER.match(text, int(rec["end"]))
        code = rec.get("country")
        if m is None or not code:
            continue
        for j, unit in enumerate(out):
            if not (m.start() < int(unit["start"]) and int(unit["end"]) <= m.end()) or \
                    unit.get("country") == code or unit.get("kind") not in _ADMIN_KINDS or \
                    unit.get("kind") in ("admin1", "country"):
                continue  # a province or a country as read says more than the name does
            again = geocoder.lookup(str(unit["surface"]), country=code)
            if again["status"] == "unresolved" or again["match"] != "exact" or \
                    again.get("kind") not in _ADMIN_KINDS:
                continue
            reread = placed_at(unit, again)
            if reread is not None:
                out[j] = reread
                agreeing.add(str(code))
    return out, agreeing


def _inside(rec: dict[str, Any], unit: dict[str, Any]) -> bool:
    """Whether a place lies in the province written as its last admin unit: within
    twice the province's radius of its point, the geocoder's own test of an area
    ("Al Madā'in (Baghdad)" is not the Al Madinah of Basrah). Only provinces say."""
    if unit.get("kind") != "admin1" or rec.get("kind") in ("admin1", "country") or \
            rec.get("lon") is None or unit.get("lon") is None:
        return True
    _, _, metres = geod().inv(float(rec["lon"]), float(rec["lat"]), float(unit["lon"]),
                              float(unit["lat"]))
    radius = float(unit.get("uncertainty_m") or 100_000.0)
    return abs(metres) <= 2 * max(radius, _PROVINCE_RADIUS_MIN_M)


#: The smallest province radius the inside test allows (m): small provinces' radii are
#: rough, and a town just over their line is still theirs.
_PROVINCE_RADIUS_MIN_M = 50_000.0


def _units(found: list[dict[str, Any]], start: int, end: int, trusted: set[str]
           ) -> list[dict[str, Any]]:
    """The admin units the scan found between ``start`` and ``end`` (a parenthesis), in
    a country the text points to."""
    return [r for r in found if start < int(r["start"]) and int(r["end"]) <= end
            and r.get("kind") in _ADMIN_KINDS and r.get("country") in trusted]


#: A unit that closes its parenthesis: the last, most general one.
_LAST_UNIT = re.compile(r"\)")
#: An open parenthesis after a name, with units before this one: "X (" or "X (Y, ".
_UNIT_OPEN = re.compile(r"[\w'\u2019)][ \t]*\((?:[^()\n]{1,40},[ \t]*)?$")


def _as_province(geocoder: Any, rec: dict[str, Any]) -> dict[str, Any]:
    """The province of the same name as a city written as the last admin unit, at its
    own point and precision (3), when the gazetteer has one; else the city at a
    province's precision."""
    new = geocoder.lookup(str(rec["surface"]), country=rec.get("country"), kinds="admin1")
    province = placed_at(rec, new) if new["status"] != "unresolved" and \
        new.get("kind") == "admin1" else None
    if province is None:
        # No such province in the gazetteer (Erbil's): the city's point stands for it,
        # at the precision and radius of a province, which is all the text says.
        return {**rec, "geo_precision": 3,
                "uncertainty_m": max(float(rec.get("uncertainty_m") or 0),
                                     DEFAULT_UNCERTAINTY_M[3])}
    return province


#: The role of "capital" in "the Iraqi capital": it names a place (the event may be
#: there) but the corpora's convention does not count the common noun as a toponym.
CAPITAL_ROLE = "capital"
#: "Iraqi capital", "Iraq's capital" after a country's mention; "capital of" before one.
_CAPITAL_AFTER = re.compile(r"(?:['\u2019]s)?[ \t]+capital\b(?![ \t]*,?[ \t]*[A-Z])")
_CAPITAL_BEFORE = re.compile(r"\bcapital[ \t]+of[ \t]+(?:the[ \t]+)?$")


def capitals(text: str, countries: list[tuple[int, int, str]],
             geocoder: Geocoder | None = None) -> list[dict[str, Any]]:
    """``find_places``-like records for "capital" where the text names a country's
    capital without its name ("in the Iraqi capital", "Iraq's capital", "the capital of
    Syria"), each the capital city of that country; ``countries`` are (start, end,
    ISO3) of the text's country mentions and demonyms. A capital named next to the word
    ("the Syrian capital, Damascus") is found by its name instead."""
    if "capital" not in text:
        return []
    geocoder = geocoder or default_geocoder()
    names = capital_names()
    out: list[dict[str, Any]] = []
    for start, end, code in countries:
        after = _CAPITAL_AFTER.match(text, end)
        if after is not None:
            span = (after.end() - len("capital"), after.end())
        elif _CAPITAL_BEFORE.search(text, max(0, start - 20), start):
            at = text.rfind("capital", max(0, start - 20), start)
            span = (at, at + len("capital"))
        else:
            continue
        if code not in names:
            continue
        rec = geocoder.lookup(names[code], country=code)
        capital = span_record(*span, text, rec) if rec["status"] != "unresolved" else None
        if capital is not None:
            out.append(capital)
    return out
