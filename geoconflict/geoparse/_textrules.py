"""Rules that read news prose: sentences and clauses, dates, casualty counts.

Event types are read by :mod:`._events`, which uses the counts written here.

Deliberately rule-based and offline: every decision can be traced to one pattern here,
which is what an analyst reviewing a proposed incident needs. The patterns follow the
way wire reports are written ("killing three people", "on Wednesday night", "more than
40 were injured").
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

__all__ = [
    "NUMBER",
    "QUALIFIER",
    "Casualties",
    "ResolvedDate",
    "casualties",
    "clauses",
    "folded",
    "has_any",
    "is_background",
    "keyword_automaton",
    "literal_matches",
    "resolve_date",
    "sentences",
    "starting_with",
    "unquote",
    "word_number",
]


def starting_with(letters: str, pattern: str) -> str:
    """``pattern`` behind a lookahead for the characters its matches can start with
    (``letters``, a character class's contents, read with the pattern's flags): the same
    matches, faster. A search tries the pattern at every position of the text; a long
    alternation tried at each is what costs, and one class test rules most of them out.
    """
    return f"(?=[{letters}])(?:{pattern})"


# ---------------------------------------------------------------- sentences and clauses

_ABBREV = ("U.S.", "U.K.", "U.N.", "Jan.", "Feb.", "Mar.", "Apr.", "Aug.", "Sept.", "Sep.",
           "Oct.", "Nov.", "Dec.", "Mr.", "Mrs.", "Dr.", "Gen.", "Lt.", "Col.", "St.", "No.")
#: The abbreviations in one pattern (none is a part of another's neighbour: a single pass
#: protects the same dots as replacing them one after the other).
_ABBREV_RE = re.compile("|".join(re.escape(abbr) for abbr in _ABBREV))
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”')\]]*\s+(?=[\"“(\[]?[A-Z0-9])")


def sentences(text: str) -> list[tuple[int, int]]:
    """Return (start, end) character spans of the sentences of ``text``."""
    protected = _ABBREV_RE.sub(lambda m: m.group(0).replace(".", "\x00"), text)
    spans = []
    start = 0
    for match in _SENTENCE_END.finditer(protected):
        spans.append((start, match.start()))
        start = match.end()
    if start < len(text):
        spans.append((start, len(text.rstrip())))
    return [(a, b) for a, b in spans if text[a:b].strip()]


_CLAUSE_BREAK = re.compile(
    r";\s+|,\s+while\s+|\s+while\s+a\s+separate\s+|,\s+and\s+a\s+separate\s+")


def clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split the sentence ``text[start:end]`` where it starts a separate event."""
    if text.find(";", start, end) < 0 and text.find("while", start, end) < 0 and \
            text.find("separate", start, end) < 0:
        return [(start, end)]  # no break can match (most sentences)
    spans = []
    cursor = start
    for match in _CLAUSE_BREAK.finditer(text, start, end):
        spans.append((cursor, match.start()))
        cursor = match.end()
    spans.append((cursor, end))
    return spans


# ---------------------------------------------------------------------------- numbers

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000}
#: Vague counts as ACLED codes them: "If a report mentions 'several', 'many' or 'plural'
#: fatalities, ACLED codes 10; 'dozens' are coded as 12 and 'hundreds' as 100" (ACLED
#: Codebook, 2023, section "Fatalities"; https://acleddata.com/knowledge-base/codebook/).
#: "thousands" (1,000) and "scores" (40) follow the same lowest-plural reading.
VAGUE_COUNTS = {"several": 10, "many": 10, "dozens": 12, "scores": 40, "hundreds": 100,
                "thousands": 1_000}

_DIGITS_RE = re.compile(r"\d{1,3}(,\d{3})+|\d+(?:\.\d+)?")
_WORD = "|".join(sorted([*_UNITS, *_SCALES, "dozen"], key=len, reverse=True))
_DIGITS_PART = r"(?:\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?:\s+(?:hundred|thousand|million)\b)?"
_WORDS_PART = (rf"(?:an?\s+(?:dozen|hundred|thousand|million)|(?:{_WORD}))"
               rf"(?:(?:\s+and\s+|[\s\-]+)(?:{_WORD})\b)*")
_VAGUE = "|".join(VAGUE_COUNTS)
#: A count as reporters write it: "11", "1,200", "a dozen", "two hundred", "one hundred
#: and fifty", "twenty-one", "dozens", "several"; a bare "a"/"an" counts one.
NUMBER = rf"(?:{_DIGITS_PART}|{_WORDS_PART}|{_VAGUE}|an?)"
_NUMBER_TOKENS = re.compile(r"[\s\-]+")


def word_number(token: str) -> int | None:
    """Read a count as reporters write it, else None.

    Examples
    --------
    >>> [word_number(t) for t in ("40", "1,200", "a dozen", "two hundred", "twenty-one")]
    [40, 1200, 12, 200, 21]
    >>> word_number("one hundred and fifty"), word_number("dozens"), word_number("several")
    (150, 12, 10)
    """
    token = token.lower().strip()
    if _DIGITS_RE.fullmatch(token):
        return int(float(token.replace(",", "")))
    if token in VAGUE_COUNTS:
        return VAGUE_COUNTS[token]
    total = current = 0.0
    seen = False
    for word in _NUMBER_TOKENS.split(token):
        if word == "and" and seen:
            continue
        if word in ("a", "an") and not seen:
            current, seen = 1.0, True
        elif _DIGITS_RE.fullmatch(word):
            current += float(word.replace(",", ""))
        elif word in _UNITS:
            current += _UNITS[word]
        elif word == "dozen":
            current = (current or 1.0) * 12
        elif word == "hundred":
            current = (current or 1.0) * 100
        elif word in _SCALES:
            total += (current or 1.0) * _SCALES[word]
            current = 0.0
        else:
            return None
        seen = True
    return int(total + current) if seen else None


# -------------------------------------------------------------------------- casualties


@dataclass(frozen=True)
class Casualties:
    """Counts stated in a clause; None where the clause says nothing."""

    killed: int | None
    injured: int | None
    evidence: str | None


_NUM = NUMBER
#: What reporters put before a count: "at least", "more than", "some" ...
QUALIFIER = _QUAL = (r"(?:(?:at\s+least|more\s+than|over|about|around|some|nearly|almost|roughly|"
         r"approximately|an\s+estimated|as\s+many\s+as|up\s+to|upwards\s+of|fewer\s+than|"
         r"less\s+than|at\s+most|all)\s+)?")
# Words between a count and its verb; never a verb that makes the count a standing force
# ("2,500 troops stationed ...") rather than casualties.
_NOUNS = (r"(?:(?!and\b|were\b|was\b|stationed\b|deployed\b|based\b|serving\b|remain)"
          r"[\w\-]+\s+){0,3}?")
_KILL = r"(?:killed|killing|kills|dead|died|deaths|fatalit(?:y|ies))"
_HURT = r"(?:injured|injuring|wounded|wounding|hurt)"

# "killing three people", "killed 16", "killing a woman and her child"
# "car bombs kill 28", "militants executed five", "slaughters 12": present tense and the
# other verbs of killing count their victims the same way.
_AFTER_VERB = re.compile(starting_with(
    "ksebmwig",
    r"\b(?P<verb>kill(?:ing|ed|s)?|slaughter(?:s|ed|ing)?|execut(?:es|ed|ing|e)|"
    r"behead(?:s|ed|ing)?|massacr(?:es|ed|ing)|shot\s+dead|shot\s+and\s+killed|gunned\s+down|"
    r"wound(?:ing|ed|s)?|injur(?:ing|ed|es|e))\s+"),
    re.IGNORECASE)
#: Verbs of ``_AFTER_VERB`` that injure rather than kill.
_HURT_VERB = ("wound", "injur")
#: One person named by a singular noun: "a militia fighter killed, six injured" is 1 dead.
_ONE_PERSON = (r"(?:civilian|soldier|fighter|militant|policeman|policewoman|officer|man|woman|"
               r"child|boy|girl|baby|commander|leader|journalist|reporter|member|farmer|"
               r"shepherd|teenager|student|worker|guard|cleric|imam|official|judge|doctor|"
               r"resident|villager|driver|person|serviceman|servicewoman|contractor|tribesman|"
               r"elder|politician|candidate|minister|lawyer|activist|pilgrim|worshipper|"
               r"trader|shopkeeper|engineer|recruit|conscript|jihadist|insurgent|rebel|"
               r"militiaman|gunman|bodyguard|employee|teacher|nurse|paramedic|sheikh|chief|"
               r"mayor|governor|general|colonel|captain|lieutenant|sergeant|major)")
#: The words ``_ONE_VICTIM`` can end with before its verb: its noun, auxiliary or adverb.
_ONE_VICTIM_TAILS = (*_ONE_PERSON[3:-1].split("|"), "was", "is", "been", "reportedly",
                     "allegedly")
_ONE_AFTER = re.compile(starting_with(
    "keb",
    rf"\b(?:kill(?:s|ed|ing)?|execut(?:es|ed|ing|e)|behead(?:s|ed|ing)?)\s+"
    rf"(?:(?:[A-Z][\w'\u2019\-]*|kidnapped|abducted|senior|local|young|elderly|former|top|"
    rf"prominent|key)\s+){{0,3}}{_ONE_PERSON}\b"))
# The verb is found first and the noun looked for just before it: a long alternation of
# nouns tried at every word of every clause would cost more than the rest of the rules.
_ONE_VERB = re.compile(starting_with(
    "ksebiwht", r"\b(?:killed|shot\s+dead|slain|executed|beheaded|injured|wounded|hurt|"
    r"(?:stabbed|beaten|shot|burned|burnt|tortured)\s+to\s+death)\b"),
    re.IGNORECASE)
_ONE_VICTIM = re.compile(
    rf"\b{_ONE_PERSON}(?:\s+of\s+(?:the\s+|a\s+)?[\w'-]+)?\s+"
    rf"(?:(?:was|is|has\s+been|had\s+been)\s+)?(?:reportedly\s+|allegedly\s+)?$",
    re.IGNORECASE)
#: One person killed told by a pronoun or by a verb that means a killing of one.
_ONE_PRONOUN = re.compile(
    r"\b(?:shot|shooting|stabbed|stabbing|beat|beating|beaten)\s+(?:him|her)\s+(?:to\s+)?"
    r"(?:dead|death)\b|\b(?:killing|killed|blew\s+up)\s+(?:him|her)self\b|"
    r"\bassassinat(?:ed|es|ing)\s+(?:a|an|the)\s+", re.IGNORECASE)
#: One person named by "the"/"its" and a singular noun: "killing its driver" is one.
_THE_ONE = rf"(?:the|its)\s+(?=(?:\w+\s+)?{_ONE_PERSON}\b(?!s))"
_STARTS_WITH_COUNT = re.compile(rf"{_QUAL}(?:{_NUM}\b|{_THE_ONE})", re.IGNORECASE)
# "three US troops were killed", "16 people were killed", "five of their fighters were killed"
# The first letters of QUALIFIER's words and of NUMBER's (digits, number words, vague
# counts, "a"/"an").
_BEFORE_VERB = re.compile(starting_with(
    r"\dadefhlmnorstuz",
    rf"\b{_QUAL}(?P<n>{_NUM})\s+(?:of\s+\w+\s+)?{_NOUNS}(?:were|was|have\s+been|had\s+been|are|being)?\s*(?:reportedly\s+)?(?P<verb>{_KILL}|{_HURT})\b"),
    re.IGNORECASE,
)
_DEATH_OF = re.compile(
    rf"\b(?P<what>deaths?|injur(?:y|ies)|wounding)\s+of\s+{_QUAL}(?P<n>{_NUM})\b",
    re.IGNORECASE)
_BODIES = re.compile(rf"\bbod(?:y|ies)\s+of\s+{_QUAL}(?P<n>{_NUM})\b", re.IGNORECASE)
_FOUND = re.compile(r"\b(?:found|discovered|recovered|retrieved|pulled)\b", re.IGNORECASE)
_TOLL = re.compile(rf"\b(?:death\s+)?toll\s+(?:(?:from|in|of)\s+(?:\w+\s+){{0,4}}?)?"
                   rf"(?:at|of|to|(?:rose|climbed|jumped|risen|reached|stood)(?:\s+(?:to|at))?)"
                   rf"\s+{_QUAL}(?P<n>{_NUM})\b",
                   re.IGNORECASE)
_NONE = re.compile(starting_with(
    "ncw",
    r"\bno\s+(?:casualties|injuries|deaths|fatalities|one|crew|ship|damage)\b"
    r"|\bnobody\s+was\s+(?:hurt|injured|killed)"
    r"|\bno\s+one\s+was\s+(?:hurt|injured|killed)|\bcaused\s+no\s+(?:damage|casualties)"
    r"|\bwithout\s+casualties|\bno\s+\w+\s+(?:were|was)\s+(?:hurt|injured|killed|damaged)"),
    re.IGNORECASE,
)
# Only "and" joins counted people: after a comma the text has usually moved on
# ("killing three guards, a war monitor said").
_LIST_ITEM = re.compile(
    rf"(?:^|\band\s+)({_QUAL})({_NUM}\b|his\b|her\b|their\b|{_THE_ONE})", re.IGNORECASE)
_STOP_LIST = re.compile(starting_with(
    "wikonasfb", r"\b(?:wounding|injuring|killing|in|on|at(?!\s+(?:least|most))|near|"
    r"according|said|when|after|while|who|which|as|from|by)\b"), re.IGNORECASE)


#: Where the list of counted people after a verb ends at the latest.
_LIST_END = re.compile(r"[.;:]")


def _count_list(phrase: str) -> int | None:
    """Sum the people in ``"three soldiers and an officer"`` (-> 4)."""
    stop = _STOP_LIST.search(phrase)
    head = phrase[: stop.start()] if stop else phrase
    total = 0
    found = False
    for match in _LIST_ITEM.finditer(head):
        token = match.group(2).lower().strip()
        value = 1 if token in ("his", "her", "their", "the", "its") else word_number(token)
        if value is None:
            continue
        total += value
        found = True
    return total if found else None


#: Substrings without which a clause states no casualties (a cheap prefilter).
_CASUALTY_WORDS = ("kill", "dead", "died", "death", "toll", "wound", "injur", "hurt",
                   "casualt", "nobody", "no ", "damag", "without", "fatalit", "slaughter",
                   "execut", "behead", "massacr", "slain", "assassinat", "bod", "gunned")
_NO_CASUALTIES = Casualties(None, None, None)
#: The verbs and nouns the count patterns end or start with.
_VERB_WORDS = ("kill", "dead", "died", "death", "wound", "injur", "hurt", "fatalit",
               "slaughter", "execut", "behead", "massacr", "slain", "assassinat", "gunned")
#: Both lists' substrings, found in one pass over a clause.
_CASUALTY_AND_VERB_WORDS = frozenset(_CASUALTY_WORDS + _VERB_WORDS)
#: The words ``_BEFORE_VERB`` ends with (``_KILL`` and ``_HURT``).
_COUNTED_VERBS = ("killed", "killing", "kills", "dead", "died", "deaths", "fatality",
                  "fatalities", "injured", "injuring", "wounded", "wounding", "hurt")


def _counted_reach(clause: str) -> int:
    """Where the last word ``_BEFORE_VERB`` can end with ends in ``clause`` (-1 if none):
    no match ends later, so a search may stop one character after it (the character
    its final ``\\b`` looks at)."""
    fold = folded(clause)  # as long as ``clause``: positions hold
    return max((i + len(word) for word in _COUNTED_VERBS if (i := fold.rfind(word)) >= 0),
               default=-1)


#: Words that make a figure a running total or a background figure, not an incident's.
_CUMULATIVE = re.compile(
    r"\b(?:since|so\s+far|to\s+date|in\s+total|altogether|cumulative|overall|in\s+all|"
    r"thus\s+far|over\s+the\s+past|in\s+the\s+past|this\s+year|last\s+year|"
    r"(?:similar|previous|earlier|prior)\s+(?:attacks|strikes|incidents))\b", re.IGNORECASE)
_WAR = re.compile(r"\b(?:war|wars|conflict|offensive|campaign|insurgency|uprising|siege|"
                  r"fighting|violence|crisis|occupation)\b", re.IGNORECASE)
_PERFECT = re.compile(r"\b(?:has|have|had)\s+(?:now\s+|so\s+far\s+|already\s+)?(?:been\s+)?"
                      r"(?:killed|claimed|left|wounded|injured|cost|displaced|risen|rose|"
                      r"reached)\b|\btoll\b", re.IGNORECASE)
# Not the comma of "26,000".
#: Substrings without which ``_CUMULATIVE`` cannot match (a prefilter).
_CUMULATIVE_CUES = ("since", "far", "date", "total", "altogether", "cumulative", "overall",
                    "in all", "past", "year", "similar", "previous", "earlier", "prior")
_CUMULATIVE_CUE_SET = frozenset(_CUMULATIVE_CUES)
_SEGMENT_BREAK = re.compile(r"\s*(?:,(?!\d{3}\b)|[;:()\u2013\u2014])\s*|\s+-\s+")
_RELATIVE = re.compile(r"^(?:which|that|who|whose)\b", re.IGNORECASE)


def _segment(clause: str, pos: int) -> str:
    """The comma-delimited piece of ``clause`` holding ``pos``, with the piece before it
    when it is a relative clause ("the war, which has killed ...")."""
    bounds = [0]
    for m in _SEGMENT_BREAK.finditer(clause):
        bounds += [m.start(), m.end()]
    bounds.append(len(clause))
    pieces = [(bounds[i], bounds[i + 1]) for i in range(0, len(bounds), 2)]
    for n, (a, b) in enumerate(pieces):
        if a <= pos <= b:
            if n and _RELATIVE.match(clause[a:b]):
                a = pieces[n - 1][0]
            return clause[a:b]
    return clause


def is_background(clause: str, pos: int) -> bool:
    """Whether the figure or event word at ``clause[pos]`` is a running total or a
    background figure ("the war has killed 27,000", "more than 160 attacks since
    October"), which belongs to no single incident.

    Examples
    --------
    >>> is_background("the war has killed 27,000 people", 20)
    True
    >>> is_background("A drone strike killed 3 soldiers, the first deaths since the war", 21)
    False
    """
    low = clause.lower()
    # Cheap substring tests first: most clauses hold no cue at all.
    cumulative = next(keyword_automaton(_CUMULATIVE_CUE_SET).iter(low), None) is not None
    perfect = "toll" in low or " has " in low or " have " in low or " had " in low
    if not cumulative and not perfect:
        return False
    piece = _segment(clause, pos)
    # A time frame before the figure frames it ("Last year, 50 were killed"); after it,
    # only within its own piece ("3 soldiers, the first deaths since the war" is not).
    if cumulative and (_CUMULATIVE.search(piece) or _CUMULATIVE.search(clause, 0, pos)):
        return True
    return perfect and bool(_WAR.search(piece) and _PERFECT.search(piece))


#: An earlier item of a list of counted people: "Four militants, " before "two civilians
#: killed" (a date is no such item: "On 5 March, two civilians ...").
_EARLIER_ITEM = re.compile(
    rf"(?:^|\b){_QUAL}(?P<n>{_NUM})\s+(?P<who>(?:[\w\-']+\s+){{0,3}}?[\w\-']+)\s*(?:,|\s+and)\s+$",
    re.IGNORECASE)
_NOT_PEOPLE = re.compile(r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b|"
                         r"\b(?:years?|days?|weeks?|months?|hours?|km|kilometres?|miles?)\b|"
                         r"\b(?:were|was|are|is|been|killed|killing|kills?|wounded|wounding|"
                         r"injured|injuring|dead|hurt)\b",
                         re.IGNORECASE)


def _earlier_items(clause: str, start: int) -> int:
    """The people counted in list items right before the count at ``start``."""
    total = 0
    while start > 0:
        item = _EARLIER_ITEM.search(clause, max(0, start - 50), start)
        if not item or _NOT_PEOPLE.search(item.group("who")):
            break
        value = word_number(item.group("n"))
        if value is None:
            break
        total += value
        start = item.start()
    return total


def _one_victim(clause: str, killed: int | None, injured: int | None
                ) -> tuple[int | None, int | None]:
    """Counts for a victim named by a singular noun and no number ("a soldier was killed",
    "Shia militia fighter killed", "kills kidnapped Kurdish fighter"), where the clause
    gave no count of that kind."""
    low = clause.lower()
    if killed is None and ("kill" in low or "execut" in low or "behead" in low):
        after = _ONE_AFTER.search(clause)
        if after and not is_background(clause, after.start()):
            killed = 1
    if killed is None and ("dead" in low or "assassinat" in low or "self" in low):
        # "shooting him dead", "assassinated a former official", "killing himself"
        one = _ONE_PRONOUN.search(clause)
        if one and not is_background(clause, one.start()):
            killed = 1
    fold = folded(clause)
    for verb in _ONE_VERB.finditer(clause):
        at = verb.start()
        start = max(0, at - 50)
        # The pattern ends with one of its tail words and white space right before the
        # verb: a cheap, exact prefilter.
        tail = fold[start:at].split()[-1:] if at > start and fold[at - 1].isspace() else ()
        if not tail or not tail[0].endswith(_ONE_VICTIM_TAILS) or \
                not _ONE_VICTIM.search(clause, start, at) or is_background(clause, at):
            continue
        if verb.group(0).lower() in ("injured", "wounded", "hurt"):
            injured = 1 if injured is None else injured
        else:
            killed = 1 if killed is None else killed
    return killed, injured


#: Quotation marks (not apostrophes): "'kill' five", "\"execute\" 13".
_QUOTES = re.compile("[\"\u201c\u201d]|(?<!\\w)['\u2018\u2019]|['\u2018\u2019](?!\\w)")


_QUOTE_CHARS = ("'", '"', "\u201c", "\u201d", "\u2018", "\u2019")
_ANY_QUOTE = re.compile("[" + "".join(_QUOTE_CHARS) + "]")


def unquote(text: str) -> str:
    """``text`` with quotation marks blanked (same length, so offsets hold)."""
    if not _ANY_QUOTE.search(text):
        return text
    return _QUOTES.sub(" ", text)


def casualties(clause: str) -> Casualties:
    """Read killed and injured counts from one clause.

    Examples
    --------
    >>> casualties("killing three soldiers and an officer").killed
    4
    >>> casualties("more than 40 were injured").injured
    40
    >>> casualties("There were no casualties").killed
    0
    """
    low = clause.lower()
    present = {word for _, word in keyword_automaton(_CASUALTY_AND_VERB_WORDS).iter(low)}
    if present.isdisjoint(_CASUALTY_WORDS):
        return _NO_CASUALTIES
    clause = unquote(clause)
    killed: int | None = None
    injured: int | None = None
    evidence: str | None = None
    has_verb = not present.isdisjoint(_VERB_WORDS)
    for match in _AFTER_VERB.finditer(clause) if has_verb else ():
        rest = clause[match.end():]
        if not _STARTS_WITH_COUNT.match(rest) or is_background(clause, match.end()):
            continue
        stop = _LIST_END.search(rest)
        n = _count_list(rest[:stop.start()] if stop else rest)
        if n is None:
            continue
        if not match.group("verb").lower().startswith(_HURT_VERB):
            killed = n if killed is None else max(killed, n)
        else:
            injured = n if injured is None else max(injured, n)
        evidence = evidence or (match.group(0) + rest[:40])
    reach = _counted_reach(clause) if has_verb else -1
    for match in _BEFORE_VERB.finditer(clause, 0, reach + 1) if reach >= 0 else ():
        n = word_number(match.group("n"))
        if n is None or is_background(clause, match.start("n")):
            continue
        n += _earlier_items(clause, match.start())
        verb = match.group("verb").lower()
        if re.match(_KILL, verb):
            killed = n if killed is None else max(killed, n)
        else:
            injured = n if injured is None else max(injured, n)
        evidence = evidence or match.group(0)
    for match in _DEATH_OF.finditer(clause) if "of" in low and has_verb else ():
        # "resulting in the death of 3 people and the injury of 5"
        n = word_number(match.group("n"))
        if n is None or is_background(clause, match.start("n")):
            continue
        if match.group("what").lower().startswith("death"):
            killed = n if killed is None else max(killed, n)
        else:
            injured = n if injured is None else max(injured, n)
        evidence = evidence or match.group(0)
    if killed is None and "bod" in low and _FOUND.search(clause):
        # "the bodies of 3 men were found": a killing ACLED codes with its dead
        bodies = _BODIES.search(clause)
        if bodies and (n := word_number(bodies.group("n"))) is not None:
            killed = n
            evidence = evidence or bodies.group(0)
    toll = _TOLL.search(clause) if "toll" in low else None
    if toll and (n := word_number(toll.group("n"))) is not None and \
            not (_WAR.search(toll.group(0)) or _CUMULATIVE.search(_segment(clause, toll.start()))):
        killed = n if killed is None else max(killed, n)
        evidence = evidence or toll.group(0)
    none = _NONE.search(clause) if killed is None and ("no" in low or "without" in low) \
        else None
    if none is not None:
        killed = 0
        evidence = evidence or none.group(0)
    if (killed is None or injured is None) and has_verb:
        killed, injured = _one_victim(clause, killed, injured)
    if killed is None and injured is not None:
        # Injuries reported with no death: ACLED codes zero fatalities.
        killed = 0
    if killed is None and _HURT_WORD.search(clause):
        killed = 0
    return Casualties(killed, injured, evidence)


# ----------------------------------------------------------------- shared helpers

_HURT_WORD = re.compile(starting_with("hiw", r"\b(?:hurt|injured|wounded|wounding)\b"),
                        re.IGNORECASE)


@cache
def keyword_automaton(words: frozenset[str]) -> Any:
    """An Aho-Corasick automaton of ``words`` (each its own value): ``.iter(text)``
    yields every occurrence, overlapping ones included, in one pass. Built once per set."""
    import ahocorasick

    automaton = ahocorasick.Automaton()
    for word in words:
        automaton.add_word(word, word)
    automaton.make_automaton()
    return automaton


def literal_matches(pattern: re.Pattern[str], words: frozenset[str], text: str
                    ) -> list[re.Match[str]]:
    """``list(pattern.finditer(text))`` for a pattern whose every match starts with one
    of ``words`` (case as written): tried only where one of them starts in ``text``, found
    in one Aho-Corasick pass, instead of at every position."""
    starts = sorted({end - len(word) + 1 for end, word in keyword_automaton(words).iter(text)})
    found: list[re.Match[str]] = []
    reach = 0
    for start in starts:
        if start < reach:
            continue  # inside the previous match: finditer goes on from its end
        match = pattern.match(text, start)
        if match is not None:
            found.append(match)
            reach = max(match.end(), start + 1)
    return found


#: The letters that ``re.IGNORECASE`` matches to an ASCII letter although ``str.lower``
#: does not turn them into it: dotted and dotless I, long s.
_IGNORECASE_TRAPS = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s"})


def folded(text: str) -> str:
    """``text`` in lower case as ``re.IGNORECASE`` reads it: a lower-case ASCII word that
    such a pattern needs to match is a substring of it, so a substring test is an exact
    prefilter (a test that passes may still find no match; one that fails means none)."""
    if "\u0130" in text or "\u0131" in text or "\u017f" in text:
        return text.translate(_IGNORECASE_TRAPS).lower()
    return text.lower()


def has_any(low: str, words: tuple[str, ...]) -> bool:
    """Whether one of ``words`` is a substring of ``low``."""
    return any(word in low for word in words)


# ------------------------------------------------------------------------------ dates


@dataclass(frozen=True)
class ResolvedDate:
    """A date resolved from text, with ACLED's time precision (1 day, 2 week, 3 month)."""

    date: dt.date
    time_precision: int
    evidence: str


_WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9
_MONTH_RE = r"(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_SAID = re.compile(r"\b(?:said|says|reported|announced|added|told\s+\w+)\s+(?:late\s+|early\s+)?"
                   r"on\s+(?:" + "|".join(_WEEKDAYS) + r")\b", re.IGNORECASE)

#: The characters a match of each date pattern can start with (``starting_with``).
_DATE_STARTS = {"dmy": r"\d", "mdy": "adfjmnos", "yesterday": "y", "last_night": "lo",
                "last_week": "le", "part_month": "emld", "month": "i", "last_month": "l",
                "this_month": "et", "iso": r"\d"}
_DATE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(starting_with(_DATE_STARTS[kind], p) if kind in _DATE_STARTS else p,
                      re.IGNORECASE))
    for kind, p in (
        ("dmy", rf"\b(\d{{1,2}})\s+({_MONTH_RE})(?:,?\s+(\d{{4}}))?\b"),
        ("mdy", rf"\b({_MONTH_RE})\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(\d{{4}}))?\b"),
        ("weekday", r"\b(?:on|late\s+on|early\s+on|last|since|by)?\s*(" + "|".join(_WEEKDAYS)
         + r")(?:\s+(?:night|morning|evening|afternoon))?\b"),
        ("yesterday", r"\byesterday\b"),
        ("last_night", r"\blast\s+night\b|\bovernight\b"),
        ("today", r"\btoday\b|\bthis\s+(?:morning|afternoon|evening)\b|\btonight\b"),
        ("last_week", r"\blast\s+week\b|\bearlier\s+this\s+week\b"),
        ("part_month", rf"\b(early|mid|late|end\s+of)[\s\-]+({_MONTH_RE})(?:\s+(\d{{4}}))?\b"),
        ("month", rf"\bin\s+({_MONTH_RE})(?:\s+(\d{{4}}))?\b"),
        ("last_month", r"\blast\s+month\b"),
        ("this_month", r"\bearlier\s+this\s+month\b|\bthis\s+month\b"),
        ("iso", r"\b(\d{4})-(\d{2})-(\d{2})\b"),
    )
)


#: Characters between a relative word and the absolute date it qualifies.
_QUALIFIED_GAP = 8
_MONTH_WORDS = tuple(sorted({name[:3] for name in _MONTHS}))
_DIGITS = tuple("0123456789")
#: Substrings without which a date pattern cannot match (a prefilter, not a parser).
_KIND_WORDS: dict[str, tuple[str, ...]] = {
    "dmy": _DIGITS, "mdy": _DIGITS, "iso": _DIGITS,
    "weekday": ("day",),
    "yesterday": ("yesterday",),
    "last_night": ("night",),
    "today": ("today", "this ", "tonight"),
    "last_week": ("week",),
    "part_month": _MONTH_WORDS,
    "month": _MONTH_WORDS,
    "last_month": ("month",),
    "this_month": ("month",),
}


#: (kind, pattern, its prefilter substrings); all the substrings are found in one pass.
_DATE_RULES: tuple[tuple[str, re.Pattern[str], frozenset[str]], ...] = tuple(
    (kind, pattern, frozenset(_KIND_WORDS[kind])) for kind, pattern in _DATE_PATTERNS)
_DATE_WORDS = frozenset().union(*_KIND_WORDS.values())
_ABSOLUTE_KINDS = frozenset({"iso", "dmy", "mdy"})
#: The weekday pattern and ``_SAID`` cannot match without a weekday's name, nor "dmy"
#: and "mdy" without a month's.
_WEEKDAY_NAMES = tuple(_WEEKDAYS)
_NAMED_MONTH_KINDS = frozenset({"dmy", "mdy"})


def _weekday_floor(fold: str) -> int:
    """A position before which no match of the weekday pattern starts in a clause
    (``fold``: the clause folded, as long as it): its first weekday name, less the white
    space, "on" and one word of at most five letters ("late", "since") it may follow."""
    first = min((i for name in _WEEKDAY_NAMES if (i := fold.find(name)) >= 0),
                default=len(fold))
    head = fold[:first].rstrip()
    if head.endswith("on"):
        head = head[:-2].rstrip()
    return max(0, len(head) - 5)


def _month_year(month: int, year: str | None, published: dt.date) -> int:
    """The year of a month named without one: the latest not after publication."""
    if year:
        return int(year)
    return published.year if month <= published.month else published.year - 1


def resolve_date(clause: str, published: dt.date | None) -> ResolvedDate | None:
    """Resolve the first date expression of an event clause against ``published``.

    Weekdays resolve to the latest such day on or before publication ("on Wednesday"
    in a Thursday report is the day before); "said on Friday" is about the statement,
    not the event, and is skipped. Returns None if the clause names no date. Without a
    publication date only absolute dates ("15 January 2024", "2024-01-15") resolve.

    Examples
    --------
    >>> resolve_date("on Wednesday night", dt.date(2024, 2, 8)).date
    datetime.date(2024, 2, 7)
    >>> resolve_date("in late January", dt.date(2024, 2, 8)).time_precision
    2
    """
    low = clause.lower()
    weekday: bool | None = None  # whether the clause names a weekday, once asked
    month: bool | None = None  # and a month
    if "said" in low or "report" in low or "announc" in low or "told" in low \
            or "added" in low or "says" in low:
        weekday = has_any(folded(clause), _WEEKDAY_NAMES)
        masked = _SAID.sub(lambda m: " " * len(m.group(0)), clause) if weekday else clause
    else:
        masked = clause
    found: list[tuple[int, ResolvedDate]] = []
    absolute: list[tuple[int, ResolvedDate]] = []
    relative_end = -1
    # Cheap substring tests first: most clauses hold one date expression at most.
    present = {word for _, word in keyword_automaton(_DATE_WORDS).iter(low)}
    for kind, pattern, words in _DATE_RULES:
        if published is None and kind not in _ABSOLUTE_KINDS:
            continue
        if words.isdisjoint(present):
            continue
        start = 0
        if kind == "weekday":
            if weekday is None:
                weekday = has_any(folded(clause), _WEEKDAY_NAMES)
            if not weekday:
                continue
            start = _weekday_floor(folded(clause))
        elif kind in _NAMED_MONTH_KINDS:
            if month is None:
                month = has_any(folded(clause), _MONTH_WORDS)
            if not month:
                continue
        for match in pattern.finditer(masked, start):
            if published is None and kind != "iso" and not match.group(3):
                continue  # a day and month without a year need the publication date
            resolved = _resolve(kind, match, published or dt.date.max)
            if resolved is not None:
                found.append((match.start(), resolved))
                if kind in ("iso", "dmy", "mdy"):
                    absolute.append((match.start(), resolved))
                elif match.start() == min(at for at, _ in found):
                    relative_end = match.end()
                break
    if not found:
        return None
    first = min(found, key=lambda item: item[0])
    if absolute and relative_end >= 0:
        # "Overnight on 3 January", "Tuesday, 3 January": the date the words qualify
        at, date = min(absolute, key=lambda item: item[0])
        if at - relative_end <= _QUALIFIED_GAP:
            return date
    return first[1]


#: Letters ``re.IGNORECASE`` matches to ASCII ones that ``str.lower`` does not turn into
#: them: dotless i, long s, the Kelvin sign ("Frıday" matches the weekday pattern).
_ASCII_FOLD = str.maketrans({"\u0131": "i", "\u017f": "s", "\u212a": "k", "\u0130": "i"})


def _name_key(name: str) -> str:
    """A matched month or weekday name as the tables spell it."""
    return name.translate(_ASCII_FOLD).lower().replace("i\u0307", "i").rstrip(".")


def _resolve(kind: str, m: re.Match[str], published: dt.date) -> ResolvedDate | None:
    text = m.group(0).strip()
    try:
        if kind == "iso":
            return ResolvedDate(dt.date(int(m[1]), int(m[2]), int(m[3])), 1, text)
        if kind in ("dmy", "mdy"):
            day, month_name = (m[1], m[2]) if kind == "dmy" else (m[2], m[1])
            month = _MONTHS[_name_key(month_name)]
            year = _month_year(month, m[3], published)
            return ResolvedDate(dt.date(year, month, int(day)), 1, text)
    except ValueError:
        return None
    if kind == "weekday":
        target = _WEEKDAYS[_name_key(m[1])]
        back = (published.weekday() - target) % 7
        if text.lower().startswith("last") and back == 0:
            back = 7
        return ResolvedDate(published - dt.timedelta(days=back), 1, text)
    if kind in ("yesterday", "last_night"):
        days = 1 if kind == "yesterday" or "last" in text.lower() else 0
        return ResolvedDate(published - dt.timedelta(days=days), 1, text)
    if kind == "today":
        return ResolvedDate(published, 1, text)
    if kind == "last_week":
        return ResolvedDate(published - dt.timedelta(days=7), 2, text)
    if kind == "part_month":
        month = _MONTHS[_name_key(m[2])]
        year = _month_year(month, m[3], published)
        part = m[1].lower()
        last = calendar.monthrange(year, month)[1]
        day = {"early": 5, "mid": 15}.get(part, min(25, last))
        return ResolvedDate(dt.date(year, month, day), 2, text)
    if kind == "month":
        month = _MONTHS[_name_key(m[1])]
        year = _month_year(month, m[2], published)
        return ResolvedDate(dt.date(year, month, 1), 3, text)
    if kind == "last_month":
        first = published.replace(day=1) - dt.timedelta(days=1)
        return ResolvedDate(first.replace(day=1), 3, text)
    if kind == "this_month":
        return ResolvedDate(published.replace(day=1), 3, text)
    return None
