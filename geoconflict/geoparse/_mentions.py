"""Place mentions of a report: which spans name a place, where, and in what role.

Two questions are kept apart for every span the gazetteer (``find_places``) or the rules
here find. ``is_place``: does the span refer to a place at all? Literal names, metonyms
("Washington said", "the White House"), demonyms and adjectives ("Syrian", "Iraqi", with
their country's point) and names inside actor names ("Islamic Resistance in Iraq") do;
person names ("Assad", "Ali"), organisations and outlets ("New York Times", "SANA",
"Reuters"), common words, a small place's other names ("Kelly" for Harvest, Alabama)
and parts of vessel names do not (the tests for those: ``_names``). ``role``: can the span be an
incident's location? Only a plain ``mention`` can (the parser turns the chosen one into
``event location``); ``origin``, ``attribute``, ``metonym``, ``demonym`` and ``actor name``
are places that never are.

Used by the geoparse stage only (``_parser``).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from ..datasets import load_dataset, load_features
from ..geocoder import default_geocoder, longest_mentions
from ._cues import (
    CAPITAL_ROLE,
    admin_units_after,
    capitals,
    inside_admin_units,
    respelled_places,
)
from ._names import (
    COMMUNITY_WORDS,
    COUNT_WORDS,
    PERSON_NAMES,
    TITLES,
    after_title,
    age_after,
    alias_unlike,
    called_a_place,
    capitalised_run_before,
    clipped_name,
    followed_by_surname,
    full_name_after,
    hyphen_compound_before,
    initialism_of,
    is_function_word,
    lower_case_words,
    named_after,
    of_phrase_after,
    person_after,
    person_cue_before,
    place_noun_after,
    sentence_initial,
)
from ._resolution import (
    hashtag_places,
    resolve_in_context,
    state_abbreviations,
    text_countries,
)
from ._textrules import keyword_automaton, literal_matches, starting_with

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["MENTION_COLUMNS", "SPECIFICITY", "Mention", "find_actors", "find_mentions",
           "mentions_frame"]

#: How specific a kind of place is: lower wins when choosing an event's location.
SPECIFICITY: dict[str, int] = {
    "air base": 0, "outpost": 0, "garrison": 0, "naval base": 0, "logistics base": 0,
    "headquarters": 0, "embassy compound": 0, "landmark": 0, "camp": 0, "airport": 0,
    "street": 1, "neighbourhood": 1, "district": 2,
    "village": 3, "town": 3, "city": 3, "locality": 3, "populated place": 3,
    "strait": 4, "chokepoint": 4, "canal": 4, "shipping lane": 5,
    "admin2": 5, "admin1": 6, "region": 6, "gulf": 6, "sea": 7, "country": 8, "continent": 9,
}
_DEFAULT_SPECIFICITY = 3
#: Kinds that name a country-sized or province-sized area, or a big city: places a
#: reader recognises even inside an actor's name or in text without letter case.
_WIDE_KINDS = frozenset({"country", "continent", "region", "admin1", "admin2", "city",
                         "gulf", "sea", "strait", "chokepoint", "canal"})
#: Roles whose spans refer to a place (``is_place``); the other roles do not.
PLACE_ROLES = frozenset({"mention", "event location", "origin", "attribute", "metonym",
                         "demonym", "actor name"})
#: Words after a place that make it an attribute, not a location ("Iran-backed").
_ATTRIBUTIVE = re.compile(r"^[\-\u2010\u2011](?:backed|based|led|flagged|made|allied|aligned|"
                          r"sponsored|supported|funded|owned)\b", re.IGNORECASE)
#: Words before a place that make it an origin or a seat, not the event's site.
_ORIGIN_BEFORE = re.compile(starting_with(
    "flcobh", r"\b(?:fired|launched|flew|came|coming|originat\w*|from|based|"
    r"headquartered|border\s+with|borders\s+with)\s+(?:in\s+|from\s+)?(?:the\s+)?$"),
    re.IGNORECASE)
#: "withdrew from Manbij": the place a force leaves is where the event happens.
_LEFT_FROM = re.compile(starting_with(
    "wrpedo", r"\b(?:withdr\w+|retreat\w*|pulled\s+out|expelled|driven\s+out|"
    r"ousted|evicted|pushed\s+out)\s+(?:\w+\s+){0,3}?from\s+(?:the\s+)?$"), re.IGNORECASE)
#: "the city's Zubair district": the text itself says how specific the place is.
_PART_OF_TOWN = re.compile(r"\s+(district|neighbourhood|neighborhood|quarter|area)\b")
#: What follows a dateline's place: "(AP)", a dash, or ", State -".
_DATELINE_AFTER = re.compile(r"\s*(?:\(|[\u2014\u2013-]|,\s*[A-Z][\w.]*(?:\s[A-Z][\w.]*)?\s*"
                             r"(?:\(|[\u2014\u2013-]))")
#: "named after Benjamin Franklin", "founded by John Logan": the person a place is
#: named after, whose surname is the place's name.
_EPONYM_BEFORE = re.compile(r"\b(?:named|renamed|called)\s+(?:\w+\s+){0,2}?(?:after|for)\s+"
                            r"(?:\S+\s+){0,4}$|\b(?:hono(?:u)?r\s+of|founded\s+by|laid\s+out\s+by|"
                            r"settled\s+by|platted\s+by)\s+(?:\S+\s+){0,4}$")
#: "in Franklin", "near Franklin": prepositions of place only, not of persons too
#: ("from Welch", "with Jones").
_NEAR_PREPOSITION = re.compile(r"\b(?:in|near|outside)\s+$")
#: A capitalised word or a number right after a mention ("Fred Jones Jr.").
_CAPITALISED_AFTER = re.compile(r"[ \t]+[A-Z0-9]")
#: A capitalised word right before a mention ("Maersk Hangzhou").
_CAPITALISED_BEFORE = re.compile(r"(?:^|[^.!?]\s)([A-Z][a-z]+)\s$")


@dataclass
class Mention:
    """One span of the text that names a place, or looks like one and is not."""

    start: int
    end: int
    surface: str
    name: str
    kind: str
    country: str | None
    geometry: Any
    score: float
    source_id: str | None
    geo_precision: int
    uncertainty_m: float
    lon: float | None = None
    lat: float | None = None
    sentence: int = 0
    #: mention | event location | origin | attribute | metonym | demonym | actor name
    #: (places), or person | people | organisation | name part | common word | other name |
    #: out of context.
    role: str = "mention"

    #: Set when the text itself calls the place a district or neighbourhood.
    text_kind: str | None = None

    @property
    def specificity(self) -> int:
        """Lower is more specific (a base beats a town beats a country)."""
        return SPECIFICITY.get(self.text_kind or self.kind, _DEFAULT_SPECIFICITY)

    @property
    def is_place(self) -> bool:
        """Whether the span refers to a place (whatever its role in the event)."""
        if self.role == "actor name":
            # "Iraq" in "Islamic Resistance in Iraq" is a place; a village that shares an
            # armed group's name is not.
            return self.kind in _WIDE_KINDS or self.score >= 100
        return self.role in PLACE_ROLES


# ------------------------------------------------------------------------------ actors


@cache
def _actor_index() -> tuple[Any, re.Pattern[str], dict[str, str], frozenset[str]]:
    """An Aho-Corasick automaton of the lower-cased actor aliases (one pass over the
    text, whatever the number of aliases), and a case-sensitive regex for acronyms."""
    import ahocorasick

    table = load_dataset("actors")
    lookup: dict[str, str] = {}
    automaton = ahocorasick.Automaton()
    exact: list[str] = []
    for row in table.itertuples():
        for alias in str(row.aliases).split("|"):
            alias = alias.strip()
            if not alias:
                continue
            # Acronyms (IS, PMF, SDF) match only in capitals, so "is" stays a verb.
            if alias.isupper() and len(alias) <= 5:
                exact.append(alias)
                lookup[alias] = str(row.name)
            else:
                key = alias.lower()
                lookup[key] = str(row.name)
                automaton.add_word(key, key)
    automaton.make_automaton()
    ordered = sorted(set(exact), key=len, reverse=True)
    pattern = re.compile(r"(?<![\w'])(?:" + "|".join(re.escape(a) for a in ordered)
                         + r")(?![\w-])")
    return automaton, pattern, lookup, frozenset(ordered)


def _is_boundary(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not (before.isalnum() or before in "'_") and not (after.isalnum() or after in "-_")


def find_actors(text: str) -> list[tuple[int, int, str, str]]:
    """Actor mentions (curated aliases of ``data/actors.csv``): (start, end, surface, actor)."""
    automaton, exact, lookup, acronyms = _actor_index()
    low = text.lower()
    found = []
    for end, key in automaton.iter(low):
        start = end - len(key) + 1
        if _is_boundary(low, start, end + 1):
            found.append((start, end + 1, text[start:end + 1], lookup[key]))
    found += [(m.start(), m.end(), m.group(0), lookup[m.group(0)])
              for m in literal_matches(exact, acronyms, text)]
    found.sort(key=lambda item: (item[0], -(item[1] - item[0])))
    kept: list[tuple[int, int, str, str]] = []
    for item in found:
        if kept and item[0] < kept[-1][1]:
            if item[1] - item[0] > kept[-1][1] - kept[-1][0]:
                kept[-1] = item
            continue
        kept.append(item)
    return kept



# ------------------------------------------------------------- what is not a place


#: Common English words that are also (far-away) place names in GeoNames.
_COMMON_WORDS = frozenset({
    "police", "mobile", "nice", "air", "reading", "split", "marine", "deal", "bath", "buffalo",
    "of", "university", "union", "victory", "liberty", "independence", "unity", "hope",
    "van", "wells", "eagle", "mission", "rescue", "support", "defence", "defense",
    # proper nouns that name no place in English prose: holidays, the planet, the US
    # legislature ("at Christmas", "fall toward Earth", "lobbied Congress")
    "christmas", "easter", "thanksgiving", "halloween", "earth", "congress",
})
#: Words that, in text written without letter case, are English before they are places.
_UNCASED_STOPWORDS = frozenset({
    "and", "said", "says", "the", "more", "will", "can", "may", "march", "cook", "little",
    "best", "most", "over", "under", "sale", "male", "man", "bar", "bay", "also", "early",
    "late", "long", "home", "well", "post", "star", "sun", "moon", "gas", "oil", "war",
    "peace", "dam", "mount", "lake", "river", "bank", "east", "west", "north", "south",
    "central", "city", "town", "village", "port", "island", "islands", "life", "time",
})
#: A day and a month ("28 May", "May 28"): places named after dates are read as dates.
_MONTH_NAMES = (r"(?:January|February|March|April|May|June|July|August|September|October|"
                r"November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?")
_DAY_AND_MONTH = re.compile(rf"\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH_NAMES}|"
                            rf"{_MONTH_NAMES}\s+\d{{1,2}}(?:st|nd|rd|th)?", re.IGNORECASE)
_DIGIT = re.compile(r"\d")  # every match of _DAY_AND_MONTH holds one
#: Vessel names follow these words: "the tanker Marlin Luanda".
_VESSEL_WORDS = ("tanker", "ship", "vessel", "freighter", "carrier", "bulker", "containership",
                 "destroyer", "frigate", "warship", "boat")
_VESSEL = re.compile(r"\b(?:" + "|".join(_VESSEL_WORDS) + r")\s+((?:[A-Z][\w\-]*\s?){1,4})")
#: News outlets and agencies, some of which contain or look like place names ("New York
#: Times", "SANA" -> Sanaa): never places.
_OUTLETS = (
    "New York Times", "Washington Post", "Wall Street Journal", "Los Angeles Times",
    "Financial Times", "Jerusalem Post", "Times of Israel", "Tehran Times", "Baghdad Post",
    "Arab News", "Gulf News", "Khaleej Times", "Kuwait Times", "Jordan Times", "Daily Star",
    "Al Jazeera", "Al-Jazeera", "Al Arabiya", "Al-Arabiya", "Al Mayadeen", "Al-Mayadeen",
    "Al-Monitor", "Middle East Eye", "Reuters", "Associated Press", "Agence France-Presse",
    "AFP", "BBC", "CNN", "SANA", "IRNA", "ISNA", "Tasnim", "Fars News", "Mehr News",
    "Anadolu", "Xinhua", "Kurdistan24", "Rudaw", "Shafaq News", "Press TV", "Sky News",
    "Fox News", "NBC", "CBS", "ABC News", "NPR", "Bloomberg", "Politico", "The Guardian",
    "The Telegraph", "The Independent", "Le Monde", "Der Spiegel", "Haaretz", "Ynet",
    "WAM", "KUNA", "QNA", "Interfax", "TASS", "RIA Novosti",
)
_OUTLET_RE = re.compile(r"(?<![\w-])(?:" + "|".join(
    re.escape(o) for o in sorted(_OUTLETS, key=len, reverse=True)) + r")(?![\w-])")
_OUTLET_RE_UNCASED = re.compile(_OUTLET_RE.pattern, re.IGNORECASE)
#: The words each match of a case-sensitive pattern here starts with (``literal_matches``).
_OUTLET_WORDS = frozenset(_OUTLETS)
#: A word after a place name that makes the whole an organisation's name.
_ORG_AFTER = re.compile(
    r"[ \t]+(?:Times|Post|Herald|Tribune|Journal|Gazette|Chronicle|Daily|Observer|Standard|"
    r"Star|News|Press|Review|Independent|Mail|Telegraph|Examiner|Sun|Bulletin|Courier|"
    r"University|College|Institute|Airlines|Airways|FC|United|Rangers|Stock\s+Exchange|"
    r"Company|Corporation|Corp|Inc|Ltd|Bank|Agency|Club|Symphony|Orchestra|Cardinals|"
    r"Giants|Yankees|Lakers|Bulls|Warriors|Declaration|Convention|Accords?|Protocol|"
    r"Treaty|Group|Media|TV|Radio|Broadcasting)\b")
#: Institutions named after the place they serve ("Basrah Operations Command", "Kirkuk
#: Provincial Council"): the name still refers to the place, but no event happens there.
_INSTITUTION_AFTER = re.compile(
    r"[ \t]+(?:Operations\s+Command|Police\s+Command|(?:Provincial\s+|Governorate\s+)?"
    r"Council)\b")
#: Words after a village's name that make the whole an institution's name ("Drug
#: Administration"); after a country or a city they usually qualify it ("Iraq Ministry").
_ORG_AFTER_SMALL = re.compile(r"[ \t]+(?:Administration|Association|Foundation|Society|"
                              r"Organi[sz]ation|Commission|Committee|Authority|Federation|"
                              r"Alliance|Partnership|Coalition|Project|Program|Programme)\b")
#: Words of TITLES that also begin place names ("Abu Shok", "Umm Qasr", "Hassan").
_NAME_TITLES = frozenset({"abu", "umm", "bin", "ibn", "mohammed", "muhammad", "bashar",
                          "hafez", "saddam", "hassan", "hosni", "father", "king"})
#: A middle initial after a name: "Ann H. Grose" is a person, whatever city is "Ann".
_INITIAL_AFTER = re.compile(r" [A-Z]\. [A-Z][a-z]")
#: A direction alone is an adjective ("Western powers", "Eastern Europe" is one longer
#: name), whatever province GeoNames files under it.
_DIRECTION_ADJECTIVES = frozenset({"Western", "Eastern", "Northern", "Southern", "Central",
                                   "Northeast", "Northwest", "Southeast", "Southwest"})
#: "The village", "The city": an article and a common noun, capital only at a sentence start.
_ARTICLE_AND_NOUN = re.compile(r"(?:The|A|An|This|That)\s+[a-z][a-z\-]*")
# Not "to" or "of": "spoke to Ali", "the son of Hussein".
_PLACE_PREPOSITION = re.compile(starting_with(
    "ianfotv", r"\b(?:in|at|near|from|into|towards|outside|across|"
    r"around|via|through|throughout)\s+(?:the\s+)?$"), re.IGNORECASE)
#: A mention a speech or policy verb follows ("Washington said", "Moscow denied").
_SPEECH_AFTER = re.compile(
    r"(?:\s+(?:has|have|had|is|was|would|will|also|then|later|quickly|has\s+since|"
    r"on\s+\w+day|had\s+earlier))?\s+(?:said|says|denied|denies|warned|warns|accused|"
    r"accuses|announced|announces|condemned|condemns|insisted|rejected|rejects|urged|urges|"
    r"responded|blamed|blames|threatened|threatens|vowed|vows|demanded|demands|stated|"
    r"confirmed|refused|agreed|welcomed|criticised|criticized|imposed|sanctioned|summoned|"
    r"recalled|expelled|promised|pledged|believes|wants|hopes|fears|argued|asked|told|"
    r"declined|approved|signed|supports|backs|opposed|opposes|retaliated|protested|"
    r"pressed|pushed|sought|seeks|claims|claimed)\b", re.IGNORECASE)
#: A lower-case noun right after a country name makes the name a modifier ("Iraq war").
_MODIFIER_AFTER = re.compile(
    r"[ \t]+(?!(?:and|or|but|nor|on|in|at|to|of|for|with|from|near|as|is|was|has|had|have|"
    r"were|are|will|would|could|should|can|may|might|must|which|that|who|where|when|since|"
    r"after|before|during|over|under|into|onto|by|via|last|this|late|early|earlier|later|"
    r"on|off|up|down|out|about|against|alone|again|also|too|itself|if|than|then|so|yet|"
    r"because|while|until|amid|across|along|around|between|through|toward|towards|said|"
    r"says|say|did|does|do|not|its|their|his|her|a|an|the|had|been|being)\b)[a-z][a-z\-]+\b")
#: Seats of government named for a building or street: metonyms for their country.
#: (name, lon, lat, ISO3): coordinates of the buildings' Wikipedia articles.
_SEATS: tuple[tuple[str, float, float, str], ...] = (
    ("White House", -77.0365, 38.8977, "USA"),    # en.wikipedia.org/wiki/White_House
    ("Kremlin", 37.6176, 55.7520, "RUS"),         # en.wikipedia.org/wiki/Moscow_Kremlin
    ("Pentagon", -77.0558, 38.8719, "USA"),       # en.wikipedia.org/wiki/The_Pentagon
    ("Downing Street", -0.1276, 51.5034, "GBR"),  # en.wikipedia.org/wiki/Downing_Street
    ("Elysee", 2.3167, 48.8704, "FRA"),           # en.wikipedia.org/wiki/Élysée_Palace
    ("Élysée", 2.3167, 48.8704, "FRA"),
    ("Capitol Hill", -77.0091, 38.8899, "USA"),   # en.wikipedia.org/wiki/United_States_Capitol
)
_SEAT_RE = re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(s[0]) for s in _SEATS)
                      + r")(?![\w-])")
_SEAT_RE_UNCASED = re.compile(_SEAT_RE.pattern, re.IGNORECASE)
_SEAT_WORDS = frozenset(s[0] for s in _SEATS)
_VESSEL_STARTS = frozenset(_VESSEL_WORDS)
_SEAT_BY_NAME = {s[0].lower(): s for s in _SEATS}
#: Demonyms and country adjectives -> the country (or continent) they name, as in
#: Wikipedia's "List of adjectival and demonymic forms for countries and nations"
#: (https://en.wikipedia.org/wiki/List_of_adjectival_and_demonymic_forms_for_countries_and_nations).
#: Plurals ("Iraqis") are matched too. The point is the country's own (the gazetteer's).
DEMONYMS: dict[str, str] = {
    "Iraqi": "Iraq", "Syrian": "Syria", "Iranian": "Iran", "Israeli": "Israel",
    "Palestinian": "Palestine", "Lebanese": "Lebanon", "Jordanian": "Jordan",
    "Yemeni": "Yemen", "Saudi": "Saudi Arabia", "Egyptian": "Egypt", "Turkish": "Turkey",
    "Turk": "Turkey", "American": "United States", "British": "United Kingdom",
    "Briton": "United Kingdom", "French": "France", "German": "Germany",
    "Russian": "Russia", "Chinese": "China", "Ukrainian": "Ukraine", "Afghan": "Afghanistan",
    "Pakistani": "Pakistan", "Indian": "India", "Qatari": "Qatar",
    "Emirati": "United Arab Emirates",
    "Kuwaiti": "Kuwait", "Bahraini": "Bahrain", "Omani": "Oman", "Libyan": "Libya",
    "Sudanese": "Sudan", "Somali": "Somalia", "Ethiopian": "Ethiopia", "Eritrean": "Eritrea",
    "Nigerian": "Nigeria", "Malian": "Mali", "Tunisian": "Tunisia", "Algerian": "Algeria",
    "Moroccan": "Morocco", "Kenyan": "Kenya", "Japanese": "Japan", "Canadian": "Canada",
    "Australian": "Australia", "Mexican": "Mexico", "Brazilian": "Brazil",
    "Italian": "Italy", "Spanish": "Spain", "Dutch": "Netherlands", "Belgian": "Belgium",
    "Swiss": "Switzerland", "Swedish": "Sweden", "Norwegian": "Norway", "Danish": "Denmark",
    "Polish": "Poland", "Greek": "Greece", "Cypriot": "Cyprus", "Armenian": "Armenia",
    "Azerbaijani": "Azerbaijan", "Bangladeshi": "Bangladesh", "Indonesian": "Indonesia",
    "Filipino": "Philippines", "Vietnamese": "Vietnam", "Venezuelan": "Venezuela",
    "Colombian": "Colombia", "Cuban": "Cuba", "Haitian": "Haiti", "Chadian": "Chad",
    "Djiboutian": "Djibouti", "Ugandan": "Uganda", "Rwandan": "Rwanda",
    "Congolese": "Democratic Republic of the Congo", "Nigerien": "Niger",
    "Mauritanian": "Mauritania", "Serbian": "Serbia", "Croatian": "Croatia",
    "Hungarian": "Hungary", "Romanian": "Romania", "Bulgarian": "Bulgaria",
    "Austrian": "Austria", "Irish": "Ireland", "Portuguese": "Portugal", "Finnish": "Finland",
    "Kazakh": "Kazakhstan", "Uzbek": "Uzbekistan", "Tajik": "Tajikistan",
    "Malaysian": "Malaysia", "Thai": "Thailand", "Burmese": "Myanmar",
    "North Korean": "North Korea", "South Korean": "South Korea", "Taiwanese": "Taiwan",
    "Georgian": "Georgia", "Czech": "Czechia", "Slovak": "Slovakia", "Slovenian": "Slovenia",
    "Sri Lankan": "Sri Lanka", "Nepalese": "Nepal", "Nepali": "Nepal",
    "Mongolian": "Mongolia", "Singaporean": "Singapore", "Cambodian": "Cambodia",
    "Peruvian": "Peru", "Chilean": "Chile", "Argentine": "Argentina",
    "Argentinian": "Argentina", "Bolivian": "Bolivia", "Ecuadorian": "Ecuador",
    "Uruguayan": "Uruguay", "Paraguayan": "Paraguay", "Salvadoran": "El Salvador",
    "Guatemalan": "Guatemala", "Honduran": "Honduras", "Nicaraguan": "Nicaragua",
    "Panamanian": "Panama", "Jamaican": "Jamaica", "Philippine": "Philippines",
    "Icelandic": "Iceland", "Estonian": "Estonia", "Latvian": "Latvia",
    "Lithuanian": "Lithuania", "Belarusian": "Belarus", "Moldovan": "Moldova",
    "Albanian": "Albania", "Bosnian": "Bosnia and Herzegovina", "Maltese": "Malta",
    "Zimbabwean": "Zimbabwe", "Zambian": "Zambia", "Tanzanian": "Tanzania",
    "Mozambican": "Mozambique", "Angolan": "Angola", "Namibian": "Namibia",
    "Ghanaian": "Ghana", "Senegalese": "Senegal", "Cameroonian": "Cameroon",
    "Ivorian": "Ivory Coast", "Liberian": "Liberia", "Malawian": "Malawi",
    "Burundian": "Burundi", "South Sudanese": "South Sudan", "South African": "South Africa",
    "Kyrgyz": "Kyrgyzstan", "Turkmen": "Turkmenistan",
    "European": "Europe", "African": "Africa", "Asian": "Asia",
}
_PLURAL_SAME = ("ese", "ish", "ch", "ss", "Swiss", "Thai", "Kazakh", "Uzbek", "Tajik")
_DEMONYM_FORMS = {**DEMONYMS,
                  # not a plural that is the country's own name ("Philippines")
                  **{d + "s": c for d, c in DEMONYMS.items()
                     if not d.endswith(_PLURAL_SAME) and d + "s" != c},
                  "Britons": "United Kingdom", "Turks": "Turkey",
                  "Thais": "Thailand", "Kazakhs": "Kazakhstan", "Uzbeks": "Uzbekistan"}
_DEMONYM_FORMS_UNCASED = {d.lower(): c for d, c in _DEMONYM_FORMS.items()}
_DEMONYM_KEYS = frozenset(_DEMONYM_FORMS_UNCASED)
_DEMONYM_SINGULAR = frozenset(d.lower() for d in DEMONYMS)
#: Country abbreviations as writers use them, mostly as adjectives ("US troops", "UK
#: warships"): written in capitals, so matched only in text with letter case ("us").
ABBREVIATIONS: dict[str, str] = {"US": "United States", "U.S.": "United States",
                                 "EU": "European Union",
                                 "UK": "United Kingdom", "U.K.": "United Kingdom"}
_ABBREVIATION_RE = re.compile(r"(?<![\w.])(?:U\.S\.|U\.K\.|US|UK|EU)(?![\w])")
_ABBREVIATION_WORDS = frozenset(ABBREVIATIONS)
_WORD = re.compile(r"[^\W\d_]{2,}")


def case_mode(text: str) -> str:
    """``"lower"`` or ``"upper"`` for text written without letter case (all lower or all
    capitals), where capitals cannot tell names from words; else ``"mixed"``."""
    words = _WORD.findall(text[:3_000])  # the opening is enough to tell
    if len(words) < 4:
        return "mixed"
    upper = sum(map(str.isupper, words))
    capitalised = sum(map(str.isupper, map(itemgetter(0), words)))
    if upper >= 0.7 * len(words):
        return "upper"
    if capitalised <= 0.02 * len(words):
        return "lower"
    return "mixed"



@cache
def _country_shapes() -> dict[str, Any]:
    """Country outlines of the offline basemap by ISO3: a country named in the text is
    an area, not its centroid."""
    import shapely

    try:
        features = load_features("basemap")
    except LookupError:
        return {}
    return {f["properties"].get("iso_a3"): shapely.geometry.shape(f["geometry"])
            for f in features if f.get("geometry")}


_SHAPES: dict[str, Any] = {}


def _shape(geometry: Any, key: str | None) -> Any:
    """Shapely geometry of a gazetteer entry, converted once per entry."""
    import shapely

    if not isinstance(geometry, dict):
        return geometry
    if key is None:
        return shapely.geometry.shape(geometry)
    if key not in _SHAPES:
        _SHAPES[key] = shapely.geometry.shape(geometry)
    return _SHAPES[key]



# ----------------------------------------------------------------------- mentions


def find_mentions(text: str, actors: Sequence[tuple[int, int, str, str]]) -> list[Mention]:
    """Every span that names a place or looks like one, each with its role and
    ``is_place``, sorted by position."""
    mode = case_mode(text)
    geocoder = default_geocoder()
    # Without letter case, capitals cannot pick names out: scan every word, then keep
    # only the places a reader would recognise without capitals.
    if mode == "mixed":
        found = geocoder.find_places(text.replace("#", " ") if "#" in text else text)
        if "#" in text:
            found = longest_mentions(found + hashtag_places(text))
    else:
        # Every candidate span, so a plausible "jordan" survives an implausible
        # "east jordan" (a US town); the longest plausible one wins.
        found = longest_mentions([rec for rec in geocoder.find_places(
            text, require_capital=False, longest_only=False) if _plausible_uncased(rec)])
    if mode == "mixed":
        states = state_abbreviations(text)  # "Gainesville, Ga."
        if states:
            spans = sorted((r["start"], r["end"]) for r in states)
            found = sorted([r for r in found if not _overlaps(
                [a for a, _ in spans], [b for _, b in spans], int(r["start"]), int(r["end"]))]
                + states, key=lambda r: int(r["start"]))
    # Shared names ("Dhiban" in Syria and Jordan, "Paris, Texas") go where the rest of
    # the text is: the geocoder's context rule, given the whole text as one batch.
    found = resolve_in_context(found, actors)
    if mode == "mixed":  # "Makhmour", "Tal Rifaat": the names the exact scan missed
        countries = text_countries(found, actors)
        found = inside_admin_units(text, longest_mentions(found + respelled_places(
            text, found, countries, [(a[0], a[1]) for a in actors], geocoder)), countries,
            geocoder)
    specials = _seats(text, mode) + _within_longer_names(_demonyms(text, mode), found)
    # "Palestinian militants" points to Palestine as much as a place named there does.
    context = text_countries(found, actors) | {
        m.country for m in specials if m.role in ("demonym", "people") and m.country}
    taken = sorted((m.start, m.end) for m in specials)
    taken_starts = [a for a, _ in taken]
    taken_ends = [b for _, b in taken]
    outlets = [(m.start(), m.end()) for m in (
        literal_matches(_OUTLET_RE, _OUTLET_WORDS, text) if mode == "mixed"
        else _OUTLET_RE_UNCASED.finditer(text))]
    vessels = [(m.start(1), m.end(1)) for m in literal_matches(_VESSEL, _VESSEL_STARTS, text)]
    words = lower_case_words(text) if mode == "mixed" else frozenset()
    actor_starts = [a[0] for a in actors]
    actor_ends = [a[1] for a in actors]
    mentions: list[Mention] = list(specials)
    demonym_ends = {m.end for m in specials if m.role == "demonym"}
    for rec in found:
        start, end = int(rec["start"]), int(rec["end"])
        if _overlaps(taken_starts, taken_ends, start, end):
            continue  # "White House" is the seat, not Casablanca ("the white house")
        mention = _from_record(rec, text)
        mention.role = _role(text, mention, mode, context, outlets, vessels,
                             (actor_starts, actor_ends), words)
        if mention.role in ("name part", "person") and start - 1 in demonym_ends and \
                mention.surface.lower() not in PERSON_NAMES:
            mention.role = "mention"  # "Iraqi Kirkuk": a demonym qualifies the place
        mentions.append(mention)
    if mode == "mixed" and "capital" in text:
        # "the Iraqi capital": the capital city, a place of events but no toponym
        for rec in capitals(text, [(m.start, m.end, m.country) for m in mentions
                                   if m.kind == "country" and m.country and m.role in
                                   ("demonym", "mention", "attribute")], geocoder):
            mention = _from_record(rec, text)
            mention.role = CAPITAL_ROLE
            mentions.append(mention)
    mentions.sort(key=lambda m: m.start)
    _people_named_again(text, mentions)
    return mentions


def _from_record(rec: dict[str, Any], text: str) -> Mention:
    """A :class:`Mention` from a ``find_places`` record."""
    import shapely

    start, end = int(rec["start"]), int(rec["end"])
    geom = _shape(rec.get("geometry"), rec.get("source_id"))
    lon, lat = rec.get("lon"), rec.get("lat")
    if geom is None and lon is not None and lat is not None:
        geom = shapely.Point(float(lon), float(lat))
    precision = rec.get("geo_precision")
    uncertainty = rec.get("uncertainty_m")
    mention = Mention(
        start=start, end=end, surface=str(rec.get("surface", text[start:end])),
        name=str(rec.get("name")), kind=str(rec.get("kind") or "populated place"),
        country=rec.get("country"), geometry=geom, score=float(rec.get("score") or 1.0),
        source_id=rec.get("source_id"),
        geo_precision=int(precision) if precision is not None and precision == precision
        else 1,
        uncertainty_m=float(uncertainty) if uncertainty is not None
        and uncertainty == uncertainty else 2_000.0,
        # The gazetteer's point for the place (a country's label point), else the
        # geometry's representative point.
        lon=float(lon) if lon is not None and lon == lon else None,
        lat=float(lat) if lat is not None and lat == lat else None,
    )
    if mention.lon is None and geom is not None:
        point = geom if geom.geom_type == "Point" else geom.representative_point()
        mention.lon, mention.lat = float(point.x), float(point.y)
    # "the city's Zubair district": the text says how specific the place is.
    if _PART_OF_TOWN.match(text, end, end + 16) and \
            mention.kind in ("city", "town", "village", "populated place"):
        mention.text_kind = "district"
    if mention.kind == "country" and mention.country in _country_shapes() and \
            (geom is None or geom.geom_type == "Point"):
        mention.geometry = _country_shapes()[mention.country]
    return mention


def _role(text: str, mention: Mention, mode: str, context: set[str],
          outlets: list[tuple[int, int]], vessels: list[tuple[int, int]],
          actor_spans: tuple[list[int], list[int]], words: frozenset[str]) -> str:
    """What a gazetteer match is in this text (see the module docstring)."""
    start, end = mention.start, mention.end
    surface = mention.surface
    if any(o_start <= start and end <= o_end for o_start, o_end in outlets) or \
            (mode == "mixed" and _ORG_AFTER.match(text, end, end + 40)):
        return "organisation"
    if _overlaps(actor_spans[0], actor_spans[1], start, end):
        return "actor name"
    if mode == "mixed" and surface.isupper() and len(surface) >= 3 and \
            mention.kind not in _WIDE_KINDS - {"city"} and not _dateline(text, mention):
        return "organisation"  # an acronym ("SANA"), not the place it spells
    if mode == "mixed" and mention.kind == "country" and surface.isupper() and \
            len(surface) <= 4 and not initialism_of(surface, mention.name):
        return "organisation"  # "EST" (a time zone), "MAC": not Estonia's, Macao's codes
    if _is_person(text, mention, mode):
        return "person"
    if any(v_start <= start < v_end for v_start, v_end in vessels) or \
            (mode == "mixed" and _inside_proper_name(text, start, end)):
        return "name part"
    if surface.lower() in _COMMON_WORDS and mention.score < 100:
        return "common word"
    if _DIGIT.search(surface) and _DAY_AND_MONTH.fullmatch(surface):
        return "common word"  # "On 28 May 2023": a date, not a place named after one
    if surface.lower() in COUNT_WORDS and mention.score < 100 and \
            not _said_to_be_place(text, mention):
        return "common word"  # "Four fighters were killed": a count, not the town Four
    if mode == "mixed" and mention.score < 100:
        not_place = _not_a_small_place(text, mention, words)
        if not_place:
            return not_place
    if context and mention.score < 100 and mention.country not in context and \
            mention.kind in ("town", "village", "locality", "populated place") and \
            not (mode == "mixed" and admin_units_after(text, end)):
        # A small GeoNames town in a country nothing else in the text points to is
        # far more often a partial or foreign word than the event's site, unless the
        # text gives its admin units ("Sinjar (Ninewa)", ACLED's notes).
        return "out of context"
    if mode == "mixed" and mention.kind in _WIDE_KINDS and \
            _INSTITUTION_AFTER.match(text, end, end + 40):
        return "attribute"  # "Basrah Operations Command": the city names the command
    if mention.kind in ("country", "city", "admin1") and _SPEECH_AFTER.match(text, end,
                                                                            end + 40):
        return "metonym"  # "Washington said", "Moscow denied"
    if _ATTRIBUTIVE.match(text[end:end + 12]) or (
            text[end:end + 2] in ("'s", "’s") and mention.kind == "country"):
        # "Iran-backed", "Iran's": the country qualifies an actor, it is not a site.
        return "attribute"
    before = text[max(0, start - 40):start]
    if _ORIGIN_BEFORE.search(before) and not _LEFT_FROM.search(before):
        return "origin"
    if mention.kind == "country" and mode == "mixed" and _MODIFIER_AFTER.match(text, end) and \
            not _PLACE_PREPOSITION.search(text[max(0, start - 30):start]):
        return "attribute"  # "the Iraq war", "Syria policy": the country qualifies a noun
    return "mention"


def _dateline(text: str, mention: Mention) -> bool:
    """"WASHINGTON (AP) -", "CHARLESTON, W.Va. -": a place in capitals opening a line."""
    return sentence_initial(text, mention.start) and bool(
        _DATELINE_AFTER.match(text, mention.end, mention.end + 40))


def _not_a_small_place(text: str, mention: Mention, words: frozenset[str]) -> str | None:
    """The role of a GeoNames match that is a word, a person or another name (see
    :mod:`._names`), or None when it may be the place."""
    surface = mention.surface
    if is_function_word(surface) or (surface.rstrip(".").lower() in TITLES and
                                     surface.lower() not in _NAME_TITLES):
        return "common word"  # "And" (Andorra's code), "More", "She", "Sen."
    if len(surface) <= 3 and surface.isalpha() and not surface.isupper() and \
            alias_unlike(surface, mention.name):
        return "common word"  # "Mad" cow (Madagascar's code), not the country
    if mention.kind not in _WIDE_KINDS - {"city"} and _ORG_AFTER_SMALL.match(text, mention.end):
        return "organisation"  # "Food and Drug Administration"
    if surface in _DIRECTION_ADJECTIVES or _ARTICLE_AND_NOUN.fullmatch(surface):
        return "common word"  # "Western powers", "The village of Kampungu"
    if mention.kind not in ("country", "continent") and named_after(text, mention.end,
                                                                   mention.start):
        return "name part"  # "Lancaster Avenue", "Stevens & Wilkinson": not the town
    if mention.kind in ("city", "town", "village", "locality", "populated place") and \
            " " not in surface and of_phrase_after(text, mention.end):
        return "name part"  # "Man of the Year", "Church of Our Lady"
    if mention.kind in ("country", "admin1"):
        if clipped_name(surface, mention.name):
            return "other name"  # "Phil Cole", "Dragon's Den": not the Philippines, Denmark
        if surface[-1:].isalpha() and full_name_after(text, mention.end, middle=False):
            return "person"  # "Chad Walker, 35,", "Virginia L. Lane, 77,"
    wide = mention.kind in _WIDE_KINDS
    if wide and mention.kind != "city":
        return None
    single = " " not in surface
    initial = sentence_initial(text, mention.start)
    if single and surface.lower() in words and (initial or not wide):
        return "common word"  # the text writes the word in lower case too
    if full_name_after(text, mention.end):
        return "person"  # "Elizabeth Mills, 57,", "from Kathleen McDaniel, director of"
    if _said_to_be_place(text, mention):
        return None  # "in Kelly", "Walker County": the writer means the place
    if person_cue_before(text, mention.start) or age_after(text, mention.end) or \
            person_after(text, mention.end):
        return "person"  # "said Thomas", "Campbell, 42, was", "Randall's son"
    if not wide and hyphen_compound_before(text, mention.start):
        return "name part"  # "Wal-Mart", "Hugley-Green"
    named = capitalised_run_before(text, mention.start) or \
        followed_by_surname(text, mention.start, mention.end)
    if alias_unlike(surface, mention.name) and (not wide or named or initial):
        # "Kelly", an alternate name of Harvest (Alabama); a city's other names count
        # ("Kiev", "Bombay") unless the span reads as a person ("Chen was charged").
        return "other name"
    if (named and not wide) or (wide and (capitalised_run_before(text, mention.start) or
                                          _INITIAL_AFTER.match(text, mention.end))):
        # "Rod Stewart", "Gino D. Bassett", "Kelly Clarkson"; "Adam Newport" (a city)
        return "person"
    return None


def _people_named_again(text: str, mentions: list[Mention]) -> None:
    """A surname the text has used in a person's name is the person when it comes back
    alone ("Rod Stewart ... Stewart said")."""
    # Only from a full name or a title ("Rod Stewart", "coach Ripley", "said Thomas"):
    # "Clifton Down" (a name before a capitalised word) is too weak to spread. A small
    # place's name that ends a run of capitalised words and is marked as a person's
    # ("Nakishia Sullivan, 24", "Gregory Jones said") is a surname too, though the run
    # is read as one name ("name part"); "named after Benjamin Franklin" is not enough.
    people = {m.surface for m in mentions if " " not in m.surface and (
        (m.role == "person" and (capitalised_run_before(text, m.start)
                                 or person_cue_before(text, m.start)
                                 or after_title(text[max(0, m.start - 60):m.start])))
        or (m.role == "name part" and m.kind not in _WIDE_KINDS and m.score < 100
            and capitalised_run_before(text, m.start)
            and not _CAPITALISED_AFTER.match(text, m.end)
            and not _EPONYM_BEFORE.search(text, max(0, m.start - 50), m.start)))}
    # ... unless the text also says the name is a place ("Franklin is a town in Ohio",
    # "in Franklin").
    people -= {m.surface for m in mentions if m.surface in people and (
        called_a_place(text, m.end) or _NEAR_PREPOSITION.search(text, max(0, m.start - 12),
                                                               m.start))}
    if not people:
        return
    for m in mentions:
        if m.role in ("mention", "origin") and m.surface in people and \
                m.kind not in _WIDE_KINDS and m.score < 100 and not _said_to_be_place(text, m):
            m.role = "person"


def _said_to_be_place(text: str, mention: Mention) -> bool:
    """"in Kelly", "near Nelson", "Walker County", "Carthage Police": the words around
    the span say the writer means the place."""
    return bool(_PLACE_PREPOSITION.search(text[max(0, mention.start - 40):mention.start])) \
        or place_noun_after(text, mention.end)


def _is_person(text: str, mention: Mention, mode: str) -> bool:
    """"President Assad", "Assad's forces", "Ali said": a person's name, not a place."""
    before = text[max(0, mention.start - 60):mention.start]
    if mode == "mixed" and before[-1:] in (" ", "-") and after_title(before):
        return True
    if mention.kind in _WIDE_KINDS - {"city"}:
        return False
    word = mention.surface.lower().removeprefix("al-").removeprefix("al ")
    if word in PERSON_NAMES and not _PLACE_PREPOSITION.search(before):
        return True
    # A village's name a speech verb follows is a person speaking ("Hadi said").
    return mention.kind not in _WIDE_KINDS and mention.score < 100 and \
        bool(_SPEECH_AFTER.match(text, mention.end, mention.end + 40)) and \
        not _PLACE_PREPOSITION.search(before)


def _plausible_uncased(rec: dict[str, Any]) -> bool:
    """In text without letter case, only names a reader would recognise as places:
    countries, regions, provinces, big cities and the curated layers."""
    surface = str(rec.get("surface", "")).lower()
    if len(surface) < 4 or surface in _UNCASED_STOPWORDS or surface in _COMMON_WORDS or \
            surface in PERSON_NAMES:
        return False
    return rec.get("kind") in _WIDE_KINDS or float(rec.get("score") or 0) >= 100


def _seats(text: str, mode: str) -> list[Mention]:
    """"the White House", "the Kremlin": seats of government, metonyms for a country."""
    import shapely

    out = []
    for m in literal_matches(_SEAT_RE, _SEAT_WORDS, text) if mode == "mixed" \
            else _SEAT_RE_UNCASED.finditer(text):
        name, lon, lat, iso3 = _SEAT_BY_NAME[m.group(0).lower()]
        out.append(Mention(start=m.start(), end=m.end(), surface=m.group(0), name=name,
                           kind="landmark", country=iso3, geometry=shapely.Point(lon, lat),
                           score=100.0, source_id=f"seat:{name}", geo_precision=1,
                           uncertainty_m=500.0, lon=lon, lat=lat, role="metonym"))
    return out


def _demonyms(text: str, mode: str) -> list[Mention]:
    """"Syrian", "Iraqis", "US troops": places by the country they name, never an
    event's site (unless the abbreviation follows a place preposition: "in the US")."""
    found: list[tuple[int, int, str, str]] = []
    low = text.lower()
    reach = -1
    # One Aho-Corasick pass over the lower-cased text; longest match first at each start.
    for end, key in sorted(keyword_automaton(_DEMONYM_KEYS).iter(low),
                           key=lambda hit: (hit[0] - len(hit[1]), -len(hit[1]))):
        start, end = end - len(key) + 1, end + 1
        before = low[start - 1] if start else " "
        after = low[end] if end < len(low) else " "
        # Whole words; "Iraqi-Syrian" holds "Iraqi", "Kurdish-Iraqi" no "Iraqi" of its own.
        if start < reach or before.isalnum() or before in "_-" or after.isalnum() or \
                after == "_":
            continue
        surface = text[start:end]
        if mode == "mixed" and surface not in _DEMONYM_FORMS:
            continue  # "syrian" in running prose is not the adjective written with case
        # "Iraqis", "Mexicans": people, not the place; "Iraqi forces" names the country.
        role = "people" if key not in _DEMONYM_SINGULAR else "demonym"
        found.append((start, end, _DEMONYM_FORMS_UNCASED[key], role))
        reach = end
    if mode == "mixed":
        found += [(m.start(), m.end(), ABBREVIATIONS[m.group(0)], _abbreviation_role(text, m))
                  for m in literal_matches(_ABBREVIATION_RE, _ABBREVIATION_WORDS, text)]
    out = []
    for start, end, name, role in found:
        country = _demonym_country(name)
        if country is None:
            continue
        out.append(Mention(
            start=start, end=end, surface=text[start:end], name=country.name,
            kind=country.kind, country=country.country, geometry=country.geometry,
            score=country.score, source_id=country.source_id,
            geo_precision=country.geo_precision, uncertainty_m=country.uncertainty_m,
            lon=country.lon, lat=country.lat, role=role))
    return out


def _within_longer_names(specials: list[Mention], found: list[dict[str, Any]]
                         ) -> list[Mention]:
    """Demonyms that begin a longer name of a province, sea or region the gazetteer
    knows give way to it ("British Columbia", "Indian Ocean", "French Guiana")."""
    longer = [(int(r["start"]), int(r["end"])) for r in found
              if r.get("kind") in _WIDE_KINDS - {"city"}]
    if not longer:
        return specials
    return [m for m in specials if not any(
        a <= m.start and m.end <= b and (b - a) > (m.end - m.start) for a, b in longer)]


def _abbreviation_role(text: str, match: re.Match[str]) -> str:
    """"US troops": an adjective; "the US said": a metonym; "in the US": a place."""
    if _SPEECH_AFTER.match(text, match.end(), match.end() + 40):
        return "metonym"
    if _PLACE_PREPOSITION.search(text[max(0, match.start() - 30):match.start()]):
        return "mention"
    return "demonym"


@cache
def _demonym_country(name: str) -> Mention | None:
    """The gazetteer's entry for a demonym's country (looked up once per country)."""
    for rec in default_geocoder().find_places(name):
        if rec["start"] == 0 and rec["end"] == len(name):
            return _from_record(rec, name)
    return None



def _overlaps(starts: list[int], ends: list[int], start: int, end: int) -> bool:
    """Whether [start, end) overlaps one of the sorted, disjoint spans."""
    i = bisect.bisect_right(starts, start) - 1
    if i >= 0 and ends[i] > start:
        return True
    return i + 1 < len(starts) and starts[i + 1] < end


def _inside_proper_name(text: str, start: int, end: int) -> bool:
    """True for "Hangzhou" in "Maersk Hangzhou": a capitalised word, not at a sentence
    start, runs into the mention, so the mention is part of a longer name."""
    before = text[max(0, start - 30):start]
    # The pattern ends in a lower-case letter and white space: a cheap, exact prefilter.
    if len(before) < 3 or not before[-1].isspace() or not "a" <= before[-2] <= "z":
        return False
    match = _CAPITALISED_BEFORE.search(before)
    if not match:
        return False
    word = match.group(1)
    if word.lower() in COUNT_WORDS or word.endswith(("'s", "\u2019s")) or \
            word in COMMUNITY_WORDS:
        return False  # "Two Baghdad car bombs", "Iraq's Anbar", "Shiite Baghdad districts"
    return word not in ("In", "At", "Near", "From", "Of", "The", "On", "To", "And", "By",
                        "Eastern", "Western", "Northern", "Southern", "Central", "Greater",
                        "North", "South", "East", "West", "Old", "New") and \
        not text[start - len(word) - 1:start].startswith(("Al ", "El "))



#: Columns of ``ParseResult.mentions``, in order.
MENTION_COLUMNS = ("start", "end", "surface", "name", "kind", "country", "score",
                   "source_id", "sentence", "role", "is_place", "lon", "lat", "geometry")


def mentions_frame(mentions: Iterable[Mention]) -> pd.DataFrame:
    """The mentions as a DataFrame of :data:`MENTION_COLUMNS`."""
    import pandas as pd

    rows = [(m.start, m.end, m.surface, m.name, m.kind, m.country, m.score, m.source_id,
             m.sentence, m.role, m.is_place, m.lon, m.lat, m.geometry) for m in mentions]
    frame = pd.DataFrame(rows, columns=list(MENTION_COLUMNS))
    frame["is_place"] = frame["is_place"].astype(bool)
    frame["lon"] = frame["lon"].astype("float64")
    frame["lat"] = frame["lat"].astype("float64")
    return frame
