"""The names of one text resolved together, through the geocoder's context API.

A report's places are not independent guesses: "Paris" in a story that names Texas is
Paris, Texas; "Bari" among Somali towns is Bari, Somalia. The geoparser does not
re-implement that reasoning; it hands the text's names to
:meth:`geoconflict.geocoder.Geocoder.records` as one batch and lets the geocoder's
context rule (``geoconflict.geocoder._context``) decide:

* the batch pulls (``pull=True``): when one country holds most of the confidently
  resolved names, the other names move there if they also exist there;
* an area (``near=``): a name of several places that the text ties to a province
  ("Paris, Tenn.", or a province named within the next few lines) is resolved inside
  that province;
* every distinct name is one row and votes once; curated places and names of one
  place keep their answer, and a country or province moves only to a place of its own
  kind ("Georgia" the state in a story about the US; "Jordan" never a village);
* the text's armed actors vote for their home country (an extra row each);
* a shared name still placed in a country the text never points to is looked up again
  with the text's main country as its row's context (``context=``).

Used by the geoparse stage only (``_mentions``).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from functools import cache
from typing import Any

from ..datasets import load_dataset
from ..geocoder import default_geocoder

__all__ = ["US_STATE_ABBREVIATIONS", "answer_point", "hashtag_places", "placed_at",
           "resolve_in_context", "span_record", "state_abbreviations",
           "text_countries", "text_country_votes"]

#: Kinds that are resolved once and pinned: they give the text its context.
_ANCHOR_KINDS = frozenset({"country", "continent", "region", "admin1", "sea", "gulf",
                           "strait", "chokepoint", "canal", "shipping lane"})
#: How many equally named main countries a stray name is looked for in.
_COUNTRIES_TRIED = 3
#: How far (characters) a province may be from a name to say where the name is.
_PROVINCE_REACH = 250


#: The Associated Press's abbreviations of US state names, as news datelines write them
#: after a town ("CHARLESTON, W.Va."): AP Stylebook, "state names", as tabulated in
#: https://en.wikipedia.org/wiki/List_of_U.S._state_and_territory_abbreviations (column
#: "AP"). Eight states are never abbreviated (Alaska, Hawaii, Idaho, Iowa, Maine, Ohio,
#: Texas, Utah).
US_STATE_ABBREVIATIONS: dict[str, str] = {
    "Ala.": "Alabama", "Ariz.": "Arizona", "Ark.": "Arkansas", "Calif.": "California",
    "Colo.": "Colorado", "Conn.": "Connecticut", "Del.": "Delaware", "Fla.": "Florida",
    "Ga.": "Georgia", "Ill.": "Illinois", "Ind.": "Indiana", "Kan.": "Kansas",
    "Ky.": "Kentucky", "La.": "Louisiana", "Md.": "Maryland", "Mass.": "Massachusetts",
    "Mich.": "Michigan", "Minn.": "Minnesota", "Miss.": "Mississippi", "Mo.": "Missouri",
    "Mont.": "Montana", "Neb.": "Nebraska", "Nev.": "Nevada", "N.H.": "New Hampshire",
    "N.J.": "New Jersey", "N.M.": "New Mexico", "N.Y.": "New York", "N.C.": "North Carolina",
    "N.D.": "North Dakota", "Okla.": "Oklahoma", "Ore.": "Oregon", "Pa.": "Pennsylvania",
    "R.I.": "Rhode Island", "S.C.": "South Carolina", "S.D.": "South Dakota",
    "Tenn.": "Tennessee", "Vt.": "Vermont", "Va.": "Virginia", "Wash.": "Washington",
    "W.Va.": "West Virginia", "Wis.": "Wisconsin", "Wyo.": "Wyoming",
}
# After a town and a comma only ("Gainesville, Ga."): alone, "Ind.", "Miss." or "Mo." are
# other words. The final "." may be the sentence's own.
_STATE_ABBREVIATION_RE = re.compile(
    r"(?<=[A-Za-z], )(?:" + "|".join(re.escape(a) for a in sorted(
        US_STATE_ABBREVIATIONS, key=len, reverse=True)) + r")(?![\w])")


def state_abbreviations(text: str) -> list[dict[str, Any]]:
    """``find_places``-like records for the AP state abbreviations of ``text``, each
    resolved as the state of the United States it abbreviates (skipped when the
    gazetteer has no such state)."""
    if "., " not in text and ", " not in text:
        return []
    out = []
    geocoder = default_geocoder()
    for m in _STATE_ABBREVIATION_RE.finditer(text):
        rec = geocoder.lookup(f"{US_STATE_ABBREVIATIONS[m.group(0)]}, USA")
        if rec.get("kind") != "admin1" or rec.get("_ref") is None:
            continue
        state = span_record(m.start(), m.end(), text, rec)
        if state is not None:
            out.append(state)
    return out


_HASHTAG = re.compile(r"#([A-Za-z][A-Za-z0-9]*[a-z][A-Z][A-Za-z0-9]*)")
_HUMP = re.compile(r"[A-Z][a-z]+|[A-Z]+(?![a-z])|[a-z]+|[0-9]+")


def hashtag_places(text: str) -> list[dict[str, Any]]:
    """Places inside camel-case hashtags ("#GazaUnderAttack", "#NewYork"): the tag is
    read as its words, and the spans map back onto the tag's letters."""
    out: list[dict[str, Any]] = []
    geocoder = default_geocoder()
    for tag in _HASHTAG.finditer(text):
        humps = list(_HUMP.finditer(tag.group(1)))
        words, starts = [], []
        position = 0
        for hump in humps:
            starts.append((position, tag.start(1) + hump.start()))
            words.append(hump.group(0))
            position += len(hump.group(0)) + 1
        spaced = " ".join(words)
        for rec in geocoder.find_places(spaced):
            first = max(i for i, (p, _) in enumerate(starts) if p <= rec["start"])
            last = max(i for i, (p, _) in enumerate(starts) if p < rec["end"])
            start = starts[first][1] + rec["start"] - starts[first][0]
            end = starts[last][1] + rec["end"] - starts[last][0]
            out.append({**rec, "start": start, "end": end, "surface": text[start:end]})
    return out


@cache
def _country_names() -> dict[str, str]:
    """ISO3 -> the country's name in the embedded table (``data/countries.csv``): the
    geocoder's context rows take names ("El Salvador"), not codes."""
    table = load_dataset("countries")
    return {str(code): str(name) for code, name in zip(table["iso_a3"], table["name"],
                                                        strict=True)}


@cache
def _actor_countries() -> dict[str, str]:
    """Actor name -> ISO3 of its home country (``data/actors.csv``)."""
    table = load_dataset("actors")
    return {str(name): str(code) for name, code in zip(table["name"], table["country"],
                                                        strict=True) if isinstance(code, str)}


def _pinned(rec: dict[str, Any]) -> bool:
    return float(rec.get("score") or 0) >= 100 or int(rec.get("n_candidates") or 1) <= 1


def _province_rows(found: list[dict[str, Any]]) -> tuple[list[int], list[dict[str, Any]]]:
    """Positions and records of the provinces the text names."""
    starts, provinces = [], []
    for rec in found:
        if rec.get("kind") == "admin1" and rec.get("country") and rec.get("lon") is not None:
            starts.append(int(rec["start"]))
            provinces.append(rec)
    return starts, provinces


def _nearest_province(starts: list[int], at: int) -> int | None:
    """Index of the province named closest to position ``at`` (within reach), or None."""
    i = bisect.bisect_left(starts, at)
    best: tuple[int, int] | None = None
    for j in (i - 1, i):
        if 0 <= j < len(starts):
            gap = abs(starts[j] - at)
            if gap <= _PROVINCE_REACH and (best is None or gap < best[0]):
                best = (gap, j)
    return best[1] if best else None


def _province_area(province: dict[str, Any]) -> tuple[float, float, float]:
    """``near=`` for a province: its point and half its radius, since the geocoder
    counts a candidate inside an area out to twice the radius it is given (a province's
    own radius already covers it; twice that reaches the next state's towns)."""
    radius = float(province.get("uncertainty_m") or 100_000.0)
    return float(province["lon"]), float(province["lat"]), max(25_000.0, radius / 2)


def resolve_in_context(found: list[dict[str, Any]],
                       actors: Sequence[tuple[int, int, str, str]]) -> list[dict[str, Any]]:
    """``find_places`` records of one text, re-resolved as one batch with the text's
    context (see the module docstring); the records keep their spans."""
    if not found:
        return found
    geocoder = default_geocoder()
    # Each distinct name once (a report repeats its names; each votes once in the pull).
    queries = list(dict.fromkeys(str(rec["surface"]) for rec in found))
    rows: list[list[str] | None] = [None] * len(queries)
    home = _actor_countries()
    names = _country_names()
    for code in dict.fromkeys(home[a[3]] for a in actors if a[3] in home):
        if code in names:  # an actor's home country votes in the pull
            queries.append(names[code])
            rows.append([names[code]])
    answers = dict(zip(queries, geocoder.records(queries, context=rows, pull=True),
                       strict=True))
    records = [answers[str(rec["surface"])] for rec in found]
    # A name the text ties to a province ("Paris, Tenn.", or a province in the next
    # words) is resolved inside that province (``near=``), one call per province.
    starts, provinces = _province_rows(found)
    if starts:
        groups: dict[int, list[int]] = {}
        for i, rec in enumerate(found):
            if not _pinned(rec):
                j = _nearest_province(starts, int(rec["start"]))
                if j is not None:
                    groups.setdefault(j, []).append(i)
        for j, members in groups.items():
            inside = geocoder.records([str(found[i]["surface"]) for i in members],
                                      near=_province_area(provinces[j]), pull=False)
            for i, new in zip(members, inside, strict=True):
                if new.get("country") == provinces[j]["country"]:
                    records[i] = new
    out = [_moved(rec, new) for rec, new in zip(found, records, strict=True)]
    return _towards_text_countries(out, actors)


def _towards_text_countries(found: list[dict[str, Any]],
                            actors: Sequence[tuple[int, int, str, str]]
                            ) -> list[dict[str, Any]]:
    """A shared name still placed in a country the text never points to is looked up
    again with the text's main country as its row's context (``context=``): one country
    named once is no majority for the pull, yet "San Marcos" in a text that names only
    El Salvador is San Marcos, El Salvador."""
    votes = text_country_votes(found, actors)
    if not votes:
        return found
    # A city votes for its own country: what counts is whether anything else does
    # ("Ontario" the Californian city in a text on Canada points only to itself).
    own: dict[tuple[str, str], int] = {}
    for rec in found:
        if rec.get("kind") == "city" and float(rec.get("score") or 0) < 100:
            key = (str(rec["surface"]), str(rec.get("country")))
            own[key] = own.get(key, 0) + 1
    stray = [i for i, rec in enumerate(found)
             if votes.get(str(rec.get("country")), 0)
             - own.get((str(rec["surface"]), str(rec.get("country"))), 0) <= 0
             and int(rec.get("n_candidates") or 1) > 1
             and rec.get("kind") not in _ANCHOR_KINDS and float(rec.get("score") or 0) < 100]
    out = list(found)
    # The text's main country; when several are named as often, each in turn ("Arad" in
    # a text on Iran and Israel is the Israeli town, though Iran is named first).
    top = max(votes.values())
    for main in [c for c in votes if votes[c] == top][:_COUNTRIES_TRIED]:
        main_name = _country_names().get(main)
        stray = [i for i in stray if out[i].get("country") != main]
        if main_name is None or not stray:
            continue
        again = default_geocoder().records([str(found[i]["surface"]) for i in stray],
                                           context=[[main_name]] * len(stray), pull=False)
        for i, new in zip(stray, again, strict=True):
            if new.get("country") == main:
                out[i] = _moved(found[i], new)
        stray = [i for i in stray if out[i] is found[i]]
    return out


def answer_point(new: dict[str, Any]) -> tuple[float, float] | None:
    """(lon, lat) of a geocoder answer (:meth:`~geoconflict.geocoder.Geocoder.lookup`):
    its reference point, else its point geometry; None when it has neither."""
    ref = new.get("_ref")
    geometry = new.get("geometry")
    if ref is None and geometry and geometry.get("type") == "Point":
        ref = geometry["coordinates"]
    return None if ref is None else (float(ref[0]), float(ref[1]))


def placed_at(rec: dict[str, Any], new: dict[str, Any]) -> dict[str, Any] | None:
    """``rec`` (a ``find_places`` record, or just a span) placed where the geocoder
    answer ``new`` is: its name, kind, country, point, geometry, precision, radius and
    source; None when the answer has no point."""
    point = answer_point(new)
    if point is None:
        return None
    return {**rec, "name": new["name"], "kind": new["kind"], "country": new["country"],
            "lon": point[0], "lat": point[1], "geometry": new.get("geometry"),
            "geo_precision": new["geo_precision"], "uncertainty_m": new["uncertainty_m"],
            "source_id": new["source_id"]}


def span_record(start: int, end: int, text: str, new: dict[str, Any]
                ) -> dict[str, Any] | None:
    """A ``find_places``-like record for ``text[start:end]`` placed at the geocoder
    answer ``new`` (None when it has no point): how the geoparser's own passes
    (abbreviations, respellings, capitals) add the spans the scan did not find."""
    surface = text[start:end]
    return placed_at({"start": start, "end": end, "surface": surface, "score": 90.0,
                      "n_candidates": 1, "key": surface.lower()}, new)


def _moved(rec: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """``rec`` with the batch's answer when it names another place; else ``rec``."""
    if new.get("status") == "unresolved" or new.get("name") is None or \
            new.get("source_id") == rec.get("source_id") or _pinned(rec):
        return rec
    if rec.get("kind") in _ANCHOR_KINDS and new.get("kind") not in _ANCHOR_KINDS:
        return rec  # a country or province is never re-read as a village of its name
    return placed_at(rec, new) or rec


def text_country_votes(found: list[dict[str, Any]],
                       actors: Sequence[tuple[int, int, str, str]]) -> dict[str, int]:
    """How often a text points to each country once its names are resolved: its curated
    places, countries, provinces and cities, and its actors' home countries."""
    home = _actor_countries()
    votes: dict[str, int] = {}
    for a in actors:
        if a[3] in home:
            votes[home[a[3]]] = votes.get(home[a[3]], 0) + 1
    for rec in found:
        if rec.get("country") and (float(rec.get("score") or 0) >= 100 or rec.get("kind") in
                                   ("country", "admin1", "city")):
            code = str(rec["country"])
            votes[code] = votes.get(code, 0) + 1
    return votes


def text_countries(found: list[dict[str, Any]],
                   actors: Sequence[tuple[int, int, str, str]]) -> set[str]:
    """The countries a text points to (see :func:`text_country_votes`)."""
    return set(text_country_votes(found, actors))
