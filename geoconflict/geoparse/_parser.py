"""From report to map: geoparse news text into located, dated, typed incidents.

``parse_text`` reads prose the way an analyst does: it finds every place the text
names (with the offline gazetteer's ``find_places``), every armed actor (a curated,
cited list in ``data/actors.csv``), then reads each sentence clause for a violent event
(ACLED's taxonomy), its date (resolved against the publication date), its casualties
and the most specific place the clause ties to it. Everything is rule-based and offline,
and each proposed incident carries its evidence sentence for review.

Examples
--------
>>> result = parse_text(
...     "A US drone strike hit a car in the Mashtal neighbourhood of eastern Baghdad "
...     "on Wednesday night, killing three people.", published="2024-02-08")
>>> row = result.incidents.iloc[0]
>>> row["location"], str(row["event_date"].date()), row["sub_event_type"], int(row["fatalities"])
('Mashtal', '2024-02-07', 'Air/drone strike', 3)
"""

from __future__ import annotations

import bisect
import datetime as dt
import multiprocessing
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any, NamedTuple

from .. import _progress
from ..datasets import load_dataset
from ..geocoder import default_geocoder
from ..schema import DEFAULT_UNCERTAINTY_M, conform_incidents, empty_incidents
from ._cues import CAPITAL_ROLE, admin_units_after
from ._events import bare_killing, classify_event
from ._mentions import SPECIFICITY, Mention, find_actors, find_mentions, mentions_frame
from ._textrules import (
    NUMBER,
    ResolvedDate,
    casualties,
    clauses,
    is_background,
    resolve_date,
    sentences,
    starting_with,
)

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

__all__ = ["Mention", "ParseResult", "parse_reports", "parse_text"]

#: Words before a place that mark an approximate location ("near X") -> precision 2.
_NEAR_BEFORE = re.compile(starting_with(
    "noacsewb", r"\b(?:near|outside|around|close\s+to|north\s+of|south\s+of|"
    r"east\s+of|west\s+of|between)\s+(?:the\s+)?$"), re.IGNORECASE)
_BETWEEN_BEFORE = re.compile(r"\bbetween\s+(?:the\s+)?(?:(?:towns?|villages?|cities)\s+of\s+)?$",
                             re.IGNORECASE)
#: What may stand between places listed together ("X province and near Y").
_LIST_JOIN = re.compile(r"\s*(?:province|governorate|district)?\s*(?:,|and|,\s*and)\s*"
                        r"(?:near\s+|in\s+|around\s+)?")
#: What stands between a place and the coarser one that says where it is: "Mashtal,
#: Baghdad", "(Soran district, Erbil governorate)".
_APPOSITION_JOIN = re.compile(r"(?:\s+(?:district|sub-?district|governorate|province|county|"
                              r"region|area|city|town|village|neighbou?rhood))?\s*,\s*",
                              re.IGNORECASE)
#: A place inside parentheses after a word ("near Sidakan (Soran district, Erbil)"): the
#: admin units an ACLED-style note gives for a place the gazetteer may not know.
_IN_PARENTHESES = re.compile(r"\w[\w'\u2019\-]*\s+\([^()]*$")
#: A clause opening that refers back to the previous event ("The strike hit ...").
_COREFERENT = re.compile(r"^\s*(?:the|that|this|it|its)\s+(?:strike|attack|drone|blast|"
                         r"bombing|explosion|missile|rocket|raid|strikes|attacks)?\b",
                         re.IGNORECASE)
#: "killed in the attack", "said the strike": the clause is about an event already told.
_DEFINITE_EVENT = re.compile(
    r"\b(?:the|that|this|yesterday's|(?:\w+day|last\s+\w+)'s)\s+"
    r"(?:\w+\s+){0,2}?(?:strikes?|attacks?|drone\s+attack|blasts?|bombings?|explosions?|raids?|"
    r"ambush|clash(?:es)?|fighting|protests?|demonstrations?|riots?|assault)\b", re.IGNORECASE)
#: A clause that says it is another event ("a separate roadside bomb", "another strike").
_ANOTHER_EVENT = re.compile(starting_with(
    "satofn", r"\b(?:separate|another|second|third|other|further|new)\s+"
    r"(?:\w+\s+){0,2}?(?:strikes?|attacks?|bombs?|blasts?|explosions?|"
    r"raids?|rockets?|drones?|clash(?:es)?|protests?|incidents?)\b"), re.IGNORECASE)
#: Words before an actor that make it the victim ("killing three US service members").
_VICTIM_BEFORE = re.compile(starting_with(
    "kwiestao",
    rf"\b(?:kill(?:ing|ed|s)?|wound(?:ing|ed|s)?|injur(?:ing|ed|es)|execut(?:ing|ed|es)|"
    rf"slaughter(?:ing|ed|s)?|target(?:ing|ed|s)|attack(?:ing|ed|s)|ambush(?:ing|ed|es)|"
    rf"against|on)\s+(?:(?:at\s+least|more\s+than|"
    rf"some|about|nearly)\s+)?(?:{NUMBER}\s+)?(?:of\s+)?(?:the\s+)?(?:[\w\-]+\s+){{0,2}}?$"),
    re.IGNORECASE)
#: Words after an actor that make it the victim ("IS militants killed in ...", "US troops
#: were wounded"), unless the verb goes on to its own victims ("gunmen killed a man").
_VICTIM_AFTER = re.compile(
    r"^(?:\s+[\w\-]+){0,2}?\s+(?:(?:were|was|have\s+been|had\s+been|are|being)\s+)?"
    r"(?:reportedly\s+|allegedly\s+)?(?:killed|wounded|injured|dead|slain|executed)\b"
    rf"(?!\s+(?:(?:at\s+least|more\s+than|some|about)\s+)?(?:{NUMBER}|his|her|their|the)\b)",
    re.IGNORECASE)
#: How an ACLED note opens: its event's date ("On 12 May 2024,", "Around 3 June 2024").
_NOTE_OPENING = re.compile(r"\s*(?:(?:On|Around|Between|During|As\s+reported,\s+on|On\s+or\s+"
                           r"around)\s+(?:the\s+(?:night|week)\s+of\s+)?\d{1,2}\b)")
#: A speech verb after an actor: it speaks of the event, it is no party to it.
_SPEAKS_AFTER = re.compile(
    r"\s+(?:(?:has|have|had)\s+)?(?:said|says|stated|denied|blamed|accused|warned|added|"
    r"told)\b(?!\s+(?:that\s+)?(?:it|they|its|their)\b)", re.IGNORECASE)
#: (An actor announcing what it did is the actor: "the SDF announced the capture of".)
#: An agent named by what it did, not by a listed name ("a drone launched by Iran-backed
#: militias", "an attack claimed by local insurgents").
_AGENT_BY = re.compile(starting_with(
    "lfcspka",
    r"\b(?:launched|fired|carried\s+out|claimed|conducted|staged|planted|flown|sent|"
    r"perpetrated|committed|shot|killed|attacked|ambushed)\s+by\s+(?:the\s+)?"
    r"(?P<agent>(?:[\w'\u2019]+[\-\s]+){0,3}?(?:militias?|militants|gunmen|fighters|rebels|"
    r"forces|insurgents|groups?|jihadists|extremists|troops|soldiers))\b"), re.IGNORECASE)
#: The actor of ``data/actors.csv`` for armed people the text does not name ("gunmen").
_UNIDENTIFIED = "Unidentified armed group"
#: Sub-event types ranked within their event type: a follow-up that tells more about the
#: same event may raise the sub-event ("... police then fired tear gas"), never lower it.
_ESCALATION = {"Peaceful protest": 0, "Protest with intervention": 1,
               "Excessive force against protesters": 2, "Violent demonstration": 0,
               "Mob violence": 0}


@dataclass
class _Incident:
    clause: tuple[int, int]
    sentence: int
    event_type: str
    sub_event_type: str
    trigger: str
    date: dt.date | None
    time_precision: int
    place: Mention | None
    near: bool
    killed: int | None
    injured: int | None
    actors: list[str] = field(default_factory=list)
    #: Actors the text names as those killed or hurt: the target (``actor2``), never the
    #: attacker.
    victims: list[str] = field(default_factory=list)
    evidence: str = ""
    #: One of several incidents a clause spread over places it lists ("in X and Y"):
    #: a later total ("the toll was 23") belongs to none of them alone.
    split: bool = False
    #: A toll was told for several places at once: this one's share is unknown.
    toll_shared: bool = False


@dataclass
class ParseResult:
    """What ``parse_text`` found.

    Attributes
    ----------
    mentions
        Every span that names a place, or looks like one and is not: ``start``, ``end``
        (``text[start:end] == surface``), ``surface``, ``name``, ``kind``, ``country``,
        ``score``, ``source_id``, ``sentence`` (index), ``role``, ``is_place``, ``lon``,
        ``lat`` and ``geometry``. ``is_place`` says whether the span refers to a place
        at all (the toponym evaluation contract); ``role`` whether it can be an
        incident's site: only ``mention`` (and the chosen ``event location``) can, and
        ``capital`` ("the Iraqi capital": the capital city, though the common noun is no
        toponym, so ``is_place`` is False);
        ``origin``, ``attribute`` ("Iran-backed"), ``metonym`` ("Washington said", "the
        White House"), ``demonym`` ("Syrian") and ``actor name`` are places that never
        are; ``person``, ``organisation`` ("New York Times", "SANA"), ``name part``,
        ``people`` ("Iraqis": a country's people, not the country), ``common word``,
        ``other name`` (a village's alternate name: "Kelly" for Harvest,
        Alabama) and ``out of context`` are not places (``is_place`` False).
        ``lon``/``lat`` are the gazetteer's point for the place (a country's label
        point), ``geometry`` its full geometry (a sea stays a polygon, a lane a line).
    incidents
        Candidate incidents in the canonical schema (EPSG:4326) plus ``injuries``,
        ``time_evidence`` and ``mention_start``; ``notes`` holds the evidence sentence.
    actors
        Actor mentions: ``start``, ``end``, ``surface``, ``actor``.
    """

    text: str
    published: dt.date | None
    mentions: pd.DataFrame
    incidents: gpd.GeoDataFrame
    actors: pd.DataFrame


# ------------------------------------------------------------------------- the parser


def _coordinated(text: str, first: Mention, second: Mention) -> bool:
    """True when two places are listed together ("in Al-Mayadin and Abu Kamal")."""
    return bool(_LIST_JOIN.fullmatch(text, first.end, second.start))


def _apposition(text: str, first: Mention, second: Mention) -> bool:
    """True for "X, Y" where Y is a coarser place than X, named to say where X is
    ("Mashtal, Baghdad", "Kilu 16, Al Hudaydah"): one place, not a list of two."""
    return bool(_APPOSITION_JOIN.fullmatch(text, first.end, second.start)) and \
        second.specificity > first.specificity


def _in_parentheses(text: str, at: int) -> bool:
    """True for a place inside parentheses after a word ("near Sidakan (Soran district,
    ..."), looking back 60 characters from ``at``."""
    start = max(0, at - 60)
    # The pattern ends in "(" and no parenthesis after it: a cheap, exact prefilter.
    return text.rfind("(", start, at) > text.rfind(")", start, at) and \
        bool(_IN_PARENTHESES.search(text, start, at))


def _same_parentheses(text: str, first: Mention, second: Mention) -> bool:
    """True for two places in one parenthesis after a word ("Tal Tamer (Ras al-Ain,
    Hasakah)"): the admin units of one place, never a list of two sites."""
    return _in_parentheses(text, first.start) and ")" not in text[first.end:second.start]


def _choose_places(text: str, candidates: list[Mention]) -> list[Mention]:
    """The place(s) a clause ties its event to: the most specific, plus places listed
    alongside it ("X and Y") that are as specific."""
    usable = [m for m in candidates if m.role in ("mention", CAPITAL_ROLE)]
    if not usable:
        return []
    best = min(m.specificity for m in usable)
    chosen = [min(usable, key=lambda m: (m.specificity, m.start))]
    if _BETWEEN_BEFORE.search(text, max(0, chosen[0].start - 20), chosen[0].start):
        return chosen  # "between X and Y": one event, near the first place
    if best <= SPECIFICITY["city"] or chosen[0].kind == "admin1":
        ordered = sorted(usable, key=lambda m: m.start)
        i = ordered.index(chosen[0])
        for nxt in ordered[i + 1:]:
            prev = ordered[ordered.index(nxt) - 1]
            if _apposition(text, prev, nxt) or _same_parentheses(text, prev, nxt):
                break  # "in Mashtal, Baghdad", "(Ras al-Ain, Hasakah)": where the first is
            if _coordinated(text, prev, nxt) and \
                    abs(nxt.specificity - best) <= 3 and nxt.kind not in ("country",):
                chosen.append(nxt)
            else:
                break
    return chosen


def _clause_actors(text: str, actors: Sequence[tuple[int, int, str, str]], start: int,
                   end: int) -> tuple[list[str], list[str]]:
    """The attackers and the victims a sentence names: an actor written as those killed
    or hurt ("killing three US service members") is the target, not the attacker; an
    agent named by a "by" phrase ("launched by Iran-backed militias") is an attacker."""
    names: list[str] = []
    victims: list[str] = []
    # The actors are sorted and disjoint: those of the sentence are one run of them.
    first = bisect.bisect_left(actors, start, key=_actor_start)
    previous_end = actors[first - 1][1] if first > 0 else -10
    for a_start, a_end, _, name in actors[first:]:
        if a_start >= end:
            break
        after_named, previous_end = a_start - previous_end <= 1, a_end
        if name in names or name in victims:
            continue
        if after_named and name == _UNIDENTIFIED:
            continue  # "ISIS militants": the militants are the group just named
        if _SPEAKS_AFTER.match(text, a_end, min(end, a_end + 30)):
            continue  # "The Pentagon said ...": the speaker, not a party to the event
        if _VICTIM_BEFORE.search(text, max(start, a_start - 50), a_start) or \
                _VICTIM_AFTER.match(text[a_end:min(end, a_end + 60)]):
            victims.append(name)
        else:
            names.append(name)
    agents = []
    # "... by ...": without the word the pattern cannot match (a cheap, exact prefilter).
    for match in _AGENT_BY.finditer(text, start, end) if "by" in text[start:end].lower() \
            else ():
        listed = [n for a, b, _, n in actors if a < match.end("agent") and
                  b > match.start("agent")]
        for name in listed or [match.group("agent")]:
            if name not in agents:
                agents.append(name)
    names = agents + [n for n in names if n not in agents]
    return names, [v for v in victims if v not in names]


def _actor_start(actor: tuple[int, int, str, str]) -> int:
    return actor[0]


def _to_date(value: str | dt.date | dt.datetime | None) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def parse_text(text: str, *, published: str | dt.date | None = None,
               source: str | None = None, event_id_prefix: str = "TXT") -> ParseResult:
    """Find the places, actors and violent events a report describes.

    Parameters
    ----------
    text
        The report.
    published
        The report's date; relative expressions ("on Wednesday", "last month", "in late
        January") resolve against it. Without it, only absolute dates are resolved and
        incidents without one get a null ``event_date``.
    source
        Written into each incident's ``source`` column (e.g. the outlet or file name).
    event_id_prefix
        Incidents are numbered ``PREFIX-1``, ``PREFIX-2``...

    Returns
    -------
    ParseResult
        ``mentions`` (every place named), ``incidents`` (canonical schema) and ``actors``.
    """
    import pandas as pd

    pub = _to_date(published)
    mentions, incidents, actors = _parse(text, pub)
    return ParseResult(
        text=text, published=pub, mentions=mentions_frame(mentions),
        incidents=_incidents_frame([(0, inc) for inc in incidents], [source], event_id_prefix),
        actors=pd.DataFrame(actors, columns=["start", "end", "surface", "actor"]),
    )


def parse_reports(texts: Sequence[str], *,
                  published: str | dt.date | Sequence[str | dt.date | None] | None = None,
                  sources: Sequence[str | None] | None = None,
                  event_id_prefix: str = "TXT", workers: int | None = None,
                  progress: bool | None = None) -> gpd.GeoDataFrame:
    """Parse many reports into one incidents GeoDataFrame (the fast path for batches).

    Parameters
    ----------
    texts
        The reports.
    published
        One date for all, or one per report.
    sources
        One source name per report (default: ``report-<n>``).
    workers
        Processes to parse in; default: one per CPU for batches of 200 reports or more
        (forked after the gazetteer is loaded, so they share it), else 1.
    progress
        A progress bar over the reports: None (default) draws one on a terminal or in
        Jupyter only, True always, False never (see :mod:`geoconflict._progress`).

    Returns
    -------
    GeoDataFrame
        The incidents of every report (canonical schema) with a ``report`` column holding
        the report's position in ``texts``; event ids are ``PREFIX-<report>-<n>``.
    """
    if published is None or isinstance(published, str | dt.date):
        dates = [_to_date(published)] * len(texts)
    else:
        dates = [_to_date(p) for p in published]
    names: list[str | None] = list(sources) if sources is not None else \
        [f"report-{i}" for i in range(len(texts))]
    jobs = [(i, text, pub, names[i]) for i, (text, pub) in enumerate(zip(texts, dates,
                                                                        strict=True))]
    n_workers = workers if workers is not None else (
        (os.cpu_count() or 1) if len(jobs) >= _PARALLEL_MIN else 1)
    rows: list[_Row] = []
    with _progress.bar(len(jobs), "parsing reports", unit="report",
                       progress=progress) as advance:
        if n_workers > 1 and "fork" in multiprocessing.get_all_start_methods():
            _parse(texts[0] if texts else "", dates[0] if dates else None)  # load before fork
            default_geocoder().warm()  # and its lazy tables, which each worker would rebuild
            # Small chunks: a worker that finishes early idles for less than one chunk.
            size = max(1, len(jobs) // (n_workers * 16))
            chunks = [(jobs[i:i + size], event_id_prefix) for i in range(0, len(jobs), size)]
            context = multiprocessing.get_context("fork")
            with context.Pool(n_workers) as pool:
                for chunk, part in zip(chunks, pool.imap(_parse_chunk, chunks), strict=True):
                    rows.extend(part)
                    advance(len(chunk[0]))
        else:
            size = 50  # report progress every 50 reports
            for start in range(0, len(jobs), size):
                rows.extend(_parse_chunk((jobs[start:start + size], event_id_prefix)))
                advance(len(jobs[start:start + size]))
    return _rows_frame(rows)


#: Batches at least this large are parsed in several processes by default.
_PARALLEL_MIN = 200


def _parse_chunk(args: tuple[list[tuple[int, str, dt.date | None, str | None]], str]
                 ) -> list[_Row]:
    jobs, prefix = args
    rows: list[_Row] = []
    for i, text, pub, source in jobs:
        _, incidents, _ = _parse(text, pub)
        sources: dict[int, str | None] = {i: source}
        rows.extend(_incident_rows([(i, inc) for inc in incidents], sources, prefix,
                                   single=False))
    return rows


def _parse(text: str, pub: dt.date | None
           ) -> tuple[list[Mention], list[_Incident], list[tuple[int, int, str, str]]]:
    """The parser proper: mentions, incidents and actor spans of one text."""
    actors = find_actors(text)
    mentions = find_mentions(text, actors)
    sentence_spans = sentences(text)
    starts = [a for a, _ in sentence_spans]
    mention_starts = [m.start for m in mentions]
    for m in mentions:
        m.sentence = max(0, bisect.bisect_right(starts, m.start) - 1)

    incidents: list[_Incident] = []
    last_date: tuple[dt.date, int] | None = None
    text_date: tuple[dt.date, int] | None = None
    for s_index, (s_start, s_end) in enumerate(sentence_spans):
        sentence_text = text[s_start:s_end]
        sentence_date = resolve_date(sentence_text, pub)
        if sentence_date is not None and last_date is None:
            # "On 2 June, a body was found ... 1 fatality.": the note's date, for an
            # event told in a later sentence that names none.
            text_date = (sentence_date.date, sentence_date.time_precision)
        parts = clauses(text, s_start, s_end)
        sentence_actors: tuple[list[str], list[str]] | None = None
        for c_start, c_end in parts:
            clause_text = text[c_start:c_end]
            kind = classify_event(clause_text)
            in_clause = mentions[bisect.bisect_left(mention_starts, c_start):
                                 bisect.bisect_left(mention_starts, c_end)]
            if kind is not None and is_background(clause_text, _trigger_at(clause_text, kind[2])):
                # "more than 160 attacks since October": a running total, no incident.
                continue
            if kind is not None and incidents and bare_killing(kind[2]) and \
                    not _ANOTHER_EVENT.search(clause_text):
                # "Three soldiers were killed" after an attack is its toll, not a second
                # event; a killing with no event word starts one only when none came before.
                kind = None
            if kind is None:
                # Casualty figures or a more precise place for the event just described,
                # unless the clause dates itself elsewhere ("Last year, 50 were killed").
                if incidents:
                    # A sentence of one clause is that clause: its date is known already.
                    clause_date = sentence_date if len(parts) == 1 else \
                        resolve_date(clause_text, pub)
                    if not _dated_elsewhere(clause_date, incidents[-1]):
                        counts = casualties(clause_text)
                        _enrich(incidents[-1], counts.killed, counts.injured, in_clause, text)
                continue
            counts = casualties(clause_text)
            resolved = resolve_date(clause_text, pub) if len(parts) > 1 else None
            resolved = resolved or sentence_date
            date: dt.date | None
            if resolved is not None:
                date, precision = resolved.date, resolved.time_precision
                last_date = (date, precision)
            elif last_date is not None:
                date, precision = last_date
            elif text_date is not None:
                date, precision = text_date
            elif pub is not None:
                date, precision = pub, 2
            else:
                date, precision = None, 3
            places: list[Mention | None] = list(_choose_places(text, in_clause))
            previous = incidents[-1] if incidents else None
            if previous is not None and _same_event(previous, kind, places, resolved,
                                                    clause_text):
                _refine(previous, kind)
                _enrich(previous, counts.killed, counts.injured, in_clause, text)
                continue
            if not places:
                places = [None]
            if sentence_actors is None:  # once per sentence, only for one with an event
                sentence_actors = _clause_actors(text, actors, s_start, s_end)
            attackers, victims = sentence_actors
            if kind[1] == "Non-state actor overtakes territory" and attackers and \
                    attackers[0] in _state_actors():
                # "Iraqi forces seize a village": the state takes it back (ACLED's terms).
                kind = ("Battles", "Government regains territory", kind[2])
            for n, place in enumerate(places):
                near = bool(place and (_near_before(text, place.start) or
                                       _in_parentheses(text, place.start)))
                incidents.append(_Incident(
                    clause=(c_start, c_end), sentence=s_index, event_type=kind[0],
                    sub_event_type=kind[1], trigger=kind[2], date=date,
                    time_precision=precision, place=place, near=near,
                    killed=counts.killed if n == 0 and len(places) == 1 else None,
                    injured=counts.injured if n == 0 and len(places) == 1 else None,
                    actors=list(attackers), victims=list(victims),
                    evidence=sentence_text.strip(), split=len(places) > 1,
                    toll_shared=len(places) > 1 and bool(counts.killed or counts.injured),
                ))
    if not incidents and sentence_spans and _NOTE_OPENING.match(text) and \
            any(admin_units_after(text, m.end) or _IN_PARENTHESES.search(
                text, max(0, m.start - 60), m.start) for m in mentions):
        # An ACLED-style note ("On 12 May 2024, ... in X (Province).") tells one event by
        # construction: one no rule could type is kept as a strategic development.
        s_start, s_end = sentence_spans[0]
        resolved = resolve_date(text[s_start:s_end], pub)
        first = mentions[bisect.bisect_left(mention_starts, s_start):
                         bisect.bisect_left(mention_starts, s_end)]
        note_places = _choose_places(text, first)
        counts = casualties(text[s_start:s_end])
        incidents.append(_Incident(
            clause=(s_start, s_end), sentence=0, event_type="Strategic developments",
            sub_event_type="Other", trigger="", date=resolved.date if resolved else pub,
            time_precision=resolved.time_precision if resolved else 2,
            place=note_places[0] if note_places else None, near=False, killed=counts.killed,
            injured=counts.injured, evidence=text[s_start:s_end].strip()))
    _fill_missing_places(text, incidents, mentions)
    for inc in incidents:
        if inc.place is not None and inc.place.role != CAPITAL_ROLE:
            inc.place.role = "event location"
    return mentions, incidents, actors


@cache
def _state_actors() -> frozenset[str]:
    """The actors of ``data/actors.csv`` that are a state's forces."""
    table = load_dataset("actors")
    return frozenset(str(n) for n, k in zip(table["name"], table["kind"], strict=True)
                     if k == "state")


def _trigger_at(clause: str, trigger: str) -> int:
    """Where the event word of a clause is (0 when it cannot be found again)."""
    return max(0, clause.find(trigger))


def _near_before(text: str, at: int) -> bool:
    """"near X", "north of the X": the words before ``at`` make the place approximate."""
    # The pattern ends in white space: a cheap, exact prefilter.
    return at > 0 and text[at - 1].isspace() and \
        bool(_NEAR_BEFORE.search(text[max(0, at - 20):at]))


def _dated_elsewhere(resolved: ResolvedDate | None, incident: _Incident) -> bool:
    """Whether a follow-up clause, whose date is ``resolved``, names a date other than
    its incident's."""
    return resolved is not None and incident.date is not None and \
        resolved.date != incident.date


def _same_event(previous: _Incident, kind: tuple[str, str, str],
                places: Sequence[Mention | None], resolved: Any, clause: str) -> bool:
    """Whether an event clause tells more about the previous incident rather than a new one.

    It does when it names no other date and either names no place, refers back to the
    event ("the strike", "killed in the attack"), or is the same kind of event at the
    same place or at a place containing it ("... killed in the drone attack in Jordan"
    after "a drone struck Tower 22").
    """
    if resolved is not None and resolved.date != previous.date:
        return False
    if _ANOTHER_EVENT.search(clause):
        return False
    if not places or _COREFERENT.match(clause) or _DEFINITE_EVENT.search(clause):
        return True
    if kind[0] != previous.event_type or previous.place is None:
        return False
    here = previous.place
    return all(p is not None and (p.name == here.name or _contains(p, here)) for p in places)


def _contains(outer: Mention, inner: Mention) -> bool:
    """Whether ``outer`` is a wider place holding ``inner`` (Jordan holds Tower 22; a
    city holds its neighbourhood, within 15 km of its point)."""
    if outer.specificity <= inner.specificity or outer.geometry is None or \
            inner.geometry is None or outer.country != inner.country:
        return False
    if outer.geometry.geom_type == "Point":
        return bool(outer.geometry.distance(inner.geometry) < 0.15)  # degrees, ~15 km
    return bool(outer.geometry.intersects(inner.geometry))


def _refine(incident: _Incident, kind: tuple[str, str, str]) -> None:
    """A follow-up of the same event type that escalates it sets its sub-event type."""
    if kind[0] == incident.event_type and \
            _ESCALATION.get(kind[1], -1) > _ESCALATION.get(incident.sub_event_type, -1):
        incident.sub_event_type, incident.trigger = kind[1], kind[2]


def _enrich(incident: _Incident, killed: int | None, injured: int | None,
            in_clause: list[Mention], text: str) -> None:
    """Fold a follow-up clause into the incident it refers back to."""
    if incident.split:
        if killed or injured:
            incident.toll_shared = True
        killed = injured = None  # a total over several places is none of theirs alone
    if killed is not None and (incident.killed is None or incident.killed < killed):
        incident.killed = killed
    if injured is not None and (incident.injured is None or incident.injured < injured):
        incident.injured = injured
    places = _choose_places(text, in_clause)
    if places and (incident.place is None or places[0].specificity < incident.place.specificity):
        incident.place = places[0]


def _fill_missing_places(text: str, incidents: list[_Incident], mentions: list[Mention]
                         ) -> None:
    """An event clause that names no place happened at the most specific place of its
    own sentence, else at the place of the incident told just before it, else at the
    text's most specific place (marked approximate: ``near``)."""
    usable = [m for m in mentions if m.role == "mention"]
    if not usable:
        # "Iraq attacks kill 31", "in Iraq's disputed areas": a country that only
        # qualifies a noun still says which country the event is in, when no place does.
        # Not "Iran-backed": who backs an actor is no site.
        usable = [m for m in mentions if m.role == "attribute" and m.kind == "country" and
                  text[m.end:m.end + 1] not in ("-", "\u2010", "\u2011")][:1]
        if not usable:
            return
    fallback = min(usable, key=lambda m: (m.specificity, m.start))
    previous: Mention | None = None
    for inc in incidents:
        if inc.place is None:
            same_sentence = [m for m in usable if m.sentence == inc.sentence]
            inc.place = min(same_sentence, key=lambda m: (m.specificity, m.start)) \
                if same_sentence else previous or fallback
            inc.near = True
        previous = inc.place


#: What the canonical ``event_date`` (datetime64[ns]) can hold: pandas' Timestamp.min
#: (1677-09-21 00:12:43) and Timestamp.max (2262-04-11 23:47:16), whole days inside.
EVENT_DATE_RANGE = (dt.date(1677, 9, 22), dt.date(2262, 4, 10))


def _storable_date(inc: _Incident) -> tuple[dt.date | None, str]:
    """The incident's date if ``event_date`` can hold it, else None and a note saying so."""
    if inc.date is None or EVENT_DATE_RANGE[0] <= inc.date <= EVENT_DATE_RANGE[1]:
        return inc.date, inc.evidence
    low, high = EVENT_DATE_RANGE
    note = (f"{inc.evidence} [date {inc.date.isoformat()} left empty: event_date holds "
            f"{low.isoformat()} to {high.isoformat()}]")
    return None, note.strip()


class _Row(NamedTuple):
    """One incident as plain values (lon/lat floats, no geometry objects): cheap to send
    between processes, and a DataFrame is built from tuples faster than from dicts."""

    event_id: str
    event_date: dt.date | None
    time_precision: int
    event_type: str
    sub_event_type: str
    actor1: str | None
    actor2: str | None
    country: str | None
    location: str | None
    geo_precision: int
    uncertainty_m: float
    fatalities: int | None
    source: str | None
    notes: str
    origin: str
    report: int
    injuries: int | None
    trigger: str
    place_kind: str | None
    mention_start: int | None
    lon: float
    lat: float


def _incident_rows(incidents: list[tuple[int, _Incident]],
                   sources: Sequence[str | None] | Mapping[int, str | None],
                   prefix: str, single: bool) -> list[_Row]:
    """Plain rows (lon/lat floats, no geometry objects): cheap to send between processes."""

    rows = []
    counters: dict[int, int] = {}
    # A toll told after an event listed at several places is shared by all of them.
    shared = {(report, inc.clause) for report, inc in incidents if inc.toll_shared}
    for report, inc in incidents:
        counters[report] = n = counters.get(report, 0) + 1
        place = inc.place
        precision = place.geo_precision if place else 3
        uncertainty = place.uncertainty_m if place else DEFAULT_UNCERTAINTY_M[3]
        if inc.near and place is not None:
            precision = max(precision, 2)
            uncertainty = max(uncertainty, DEFAULT_UNCERTAINTY_M[2])
        lon = lat = float("nan")
        if place is not None and place.lon is not None and place.lat is not None:
            # The place's own point: a country's label point, not a point of its outline.
            lon, lat = place.lon, place.lat
        elif place is not None and place.geometry is not None:
            point = place.geometry if place.geometry.geom_type == "Point" \
                else place.geometry.representative_point()
            lon, lat = point.x, point.y
        date, notes = _storable_date(inc)
        rows.append(_Row(
            event_id=f"{prefix}-{n}" if single else f"{prefix}-{report}-{n}",
            event_date=date,
            time_precision=inc.time_precision,
            event_type=inc.event_type,
            sub_event_type=inc.sub_event_type,
            actor1=inc.actors[0] if inc.actors else None,
            actor2=inc.actors[1] if len(inc.actors) > 1 else
            (inc.victims[0] if inc.victims else None),
            country=place.country if place else None,
            location=place.name if place else None,
            geo_precision=precision,
            uncertainty_m=uncertainty,
            # ACLED's convention: an event that reports no deaths has 0 fatalities. Only
            # one of several places a toll was told for has an unknown (empty) count.
            fatalities=inc.killed if inc.killed is not None
            or (report, inc.clause) in shared else 0,
            source=sources[report],
            notes=notes,
            origin="geoparse",
            report=report,
            injuries=inc.injured,
            trigger=inc.trigger,
            place_kind=place.kind if place else None,
            mention_start=place.start if place else None,
            lon=lon,
            lat=lat,
        ))
    return rows


def _rows_frame(rows: list[_Row]) -> gpd.GeoDataFrame:
    import geopandas as gpd
    import numpy as np
    import pandas as pd

    if not rows:
        return empty_incidents()
    frame = pd.DataFrame(rows, columns=list(_Row._fields))
    lon = frame.pop("lon").to_numpy(dtype=float)
    lat = frame.pop("lat").to_numpy(dtype=float)
    points = gpd.points_from_xy(lon, lat, crs="EPSG:4326")
    points[np.isnan(lon)] = None  # an incident without a place has no geometry
    return conform_incidents(gpd.GeoDataFrame(frame, geometry=points, crs="EPSG:4326"))


def _incidents_frame(incidents: list[tuple[int, _Incident]], sources: list[str | None],
                     prefix: str) -> gpd.GeoDataFrame:
    return _rows_frame(_incident_rows(incidents, sources, prefix, single=len(sources) == 1))
