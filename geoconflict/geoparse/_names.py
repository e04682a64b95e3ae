"""Spans that look like a small place and are not one: common words, people, other names.

GeoNames holds hundreds of thousands of villages named like English words ("Early",
"Star", "Plain"), like given names and surnames ("Kelly", "Nelson", "Stewart") or known
by a second name unlike their own ("Kelly" is an alternate name of Harvest, Alabama).
In English prose such a span is far more often the word, the person or the other name
than the village. The tests here read the text itself, with no word list of any corpus:

* a closed-class English word (pronoun, conjunction, determiner, auxiliary...), capital
  only because it opens a sentence ("And", "More", "She");
* a word the same text also writes in lower case ("tornado ... Tornado");
* a small place matched through a name that looks nothing like its own;
* a name inside a person's name: after a given name or an initial ("Rod Stewart",
  "Gino D. Bassett"), before a capitalised surname ("Kelly Clarkson", "Kathleen
  McDaniel"), after "said", a kinship noun or a verb only people undergo ("said Thomas",
  "his widow, Denise", "stabbed Welch"), before what only people have or do ("Randall's
  son", "Parker pleaded guilty"), or a surname the text has already used in a person's
  name;
* a name inside another name: a street's ("Culver and Charter streets", "Spring
  Mountain Road"), a firm's ("Stevens & Wilkinson"), a car's ("a 1992 Toyota").

Used by the geoparse stage only (``_mentions``).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from rapidfuzz import fuzz

__all__ = ["COMMUNITY_WORDS", "COUNT_WORDS", "FUNCTION_WORDS", "PERSON_NAMES", "TITLES",
           "after_title", "age_after",
           "alias_unlike", "called_a_place", "capitalised_run_before", "clipped_name",
           "followed_by_surname",
           "full_name_after",
           "hyphen_compound_before", "initialism_of", "is_function_word", "lower_case_words",
           "named_after", "of_phrase_after", "person_after", "person_cue_before",
           "place_noun_after",
           "sentence_initial"]


def _wordset(words: str) -> frozenset[str]:
    """The whitespace-separated words of ``words`` (tables written as prose lines)."""
    return frozenset(words.split())


#: Closed-class English words (pronouns, determiners, conjunctions, prepositions,
#: auxiliaries and their contractions, a few sentence adverbs): never a place name when
#: written alone, whatever GeoNames holds ("And" is Andorra's ISO code, "Can" a Turkish
#: town). Closed classes are finite and the same in every text, so this is grammar, not
#: a vocabulary learnt from data.
FUNCTION_WORDS = _wordset("""
a an the this that these those some any all both each every either neither no none
i me my mine you your yours he him his she her hers it its we us our ours they them their
theirs who whom whose which what where when why how there here
and but or nor so yet for if unless because although though while whereas as than then
at by in of on to up down out off over under from with without into onto upon about
above below after before since until till during against among amid across along around
through throughout toward towards via per plus like unlike
is are was were be been being am have has had having do does did done
can could will would shall should may might must ought
not also only just even still already again ever never always often very too quite
rather more most less least much many few several such same other another
now today yesterday tomorrow well yes oh one
i'm i've i'd i'll you're you've you'd you'll he's she's it's we're we've we'd we'll
they're they've they'd they'll that's there's here's what's who's let's
can't won't don't doesn't didn't isn't aren't wasn't weren't hasn't haven't hadn't
couldn't wouldn't shouldn't mustn't
see come get go say says said make made take took
""")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'"})
#: Words after a name that keep it a place ("Walker County", "Paris Police", "Tikrit
#: Sunday"): place and institution nouns, titles, days and months.
_PLACE_NOUN_AFTER = _wordset("""
county city town township village borough parish district province state region area
river creek lake bay beach coast island islands valley mountain mountains mount hill
hills heights springs falls harbor harbour port canal dam bridge square park
airport station base camp border crossing gate mall market plaza
police fire sheriff mayor council board department office
governor senator president minister police officials residents authorities army forces
government parliament assembly metro north south east west northern southern eastern
western central monday tuesday wednesday thursday friday saturday sunday january february
march april may june july august september october november december
""")
#: Words after a name that make the whole a street's or a building's name, which lies
#: anywhere ("Lancaster Avenue", "Centennial Hall", "Harvard graduate" aside): the span
#: is not the town of that name.
_NAMED_AFTER = _wordset("""
street st avenue ave road rd drive dr boulevard blvd lane ln way highway hwy pike parkway
pkwy expressway freeway terrace place pl alley
hall school schools high middle elementary academy college university institute hospital
clinic church cathedral chapel homestead library museum stadium arena theater theatre
auditorium center centre motel hotel inn restaurant cafe store shop cemetery blog
""")
#: A word that may open a sentence before a place ("Today Baghdad", "In Mosul"), so a
#: capitalised word there is not taken for a given name.
_NOT_GIVEN = _wordset("""
in at near from of the on to and by for with into after before outside inside across
eastern western northern southern central greater north south east west old new upper
lower saint st san santa fort port mount lake
""")
_INITIAL_OR_NAME = re.compile(r"(?:^|(?<=[\s(\"\u201c]))([A-Z][a-z'\u2019]+|[A-Z]\.)\s$")
_SURNAME_AFTER = re.compile(r"[ \t]((?:Mc|Mac|O['\u2019])?[A-Z][a-z'\u2019]+|[A-Z]\.(?=\s[A-Z]))"
                            r"(?=[\s,.;:!?)\-]|$)")
_SENTENCE_END_BEFORE = re.compile(r"(?:^|[.!?\"\u201d]\s+|\n\s*)$")
_PERSON_CUE_BEFORE = re.compile(
    r"\b(?:said|says|told|asked|added|according\s+to|thanked|quoted|interviewed|"
    # kin ("his son Adrian", "His widow, Denise,", "Twin sisters Lindsay and ...")
    r"(?:[Ss]on|[Ss]ons|[Dd]aughters?|[Ww]ife|[Hh]usband|[Ww]idow(?:er)?|[Bb]rothers?|"
    r"[Ss]isters?|[Mm]other|[Ff]ather|[Gg]rand(?:son|daughter|mother|father)s?|"
    r"[Ss]tep(?:son|daughter|mother|father)|[Bb]oyfriend|[Gg]irlfriend|[Ff]ianc[eé]e?|"
    r"[Cc]ousin|[Nn]ephew|[Nn]iece|[Uu]ncle|[Aa]unt|[Tt]wins?)\s*,?|"
    # what is done to a person, not a town ("stabbed Welch", "seconded by Jones")
    r"stabbed|stabbing|murdered|murdering|arrested|arresting|indicted|sentenced|"
    r"convicted|hired|married|marrying|advised|(?:seconded|photo|photos|written|coached)"
    r"\s+by)\s+$")
#: "Culver and Charter streets": the names before a plural street noun are streets.
_STREETS_AFTER = re.compile(r"(?:[ \t]+(?:and|&)(?:[ \t]+[A-Z][\w'\u2019]*){1,3})?[ \t]+"
                            r"(?:streets|roads|avenues|drives|lanes|boulevards)\b")
_AND_BEFORE = re.compile(r"[ \t](?:and|&)[ \t]+$")
#: "Spring Mountain Road", "Murray Lindler Road": one or two more words, then a street.
_LONGER_STREET_AFTER = re.compile(
    r"(?:[ \t]+(?!County\b|City\b|Township\b|Parish\b)[A-Z][\w'\u2019]*){1,2}[ \t]+"
    r"(?:Street|St|Avenue|Ave|Road|Rd|Drive|Boulevard|Blvd|Lane|Ln|Highway|Hwy|Parkway|"
    r"Pkwy|Pike|Terrace)\b")
#: "Stevens & Wilkinson", "Crate & Barrel": a firm named after its founders.
_FIRM_AFTER = re.compile(r"[ \t]*&[ \t]*[A-Z]")
_FIRM_BEFORE = re.compile(r"[A-Z][\w.'\u2019]*[ \t]*&[ \t]*$")
#: "a 1992 Toyota Corolla", "a 2005 black Ford truck": a car's model year before its make.
_MODEL_YEAR_BEFORE = re.compile(r"\b(?:[Aa]n?|[Tt]he|his|her|their)\s+(?:19|20)\d\d\s+"
                                r"(?:[a-z]+\s+){0,2}$")
_ARTICLE_BEFORE = re.compile(r"\b(?:the|a|an|this|that|its|their|our|[A-Z]\w*['\u2019]s)\s+$",
                             re.IGNORECASE)
_POSSESSIVE_NOUN_AFTER = re.compile(r"['\u2019]s[ \t]([A-Za-z]+)")
_AGE_AFTER = re.compile(r",\s*(?:age\s+)?\d{1,3}\s*,")
_COMPOUND_BEFORE = re.compile(r"(?<![\w-])([A-Z][a-z]{1,})[-\u2010\u2011]$")
#: First halves of hyphenated place names ("al-Anbar", "Abu-Ghraib", "Tel-Aviv").
_NAME_PREFIXES = _wordset("""
al el ad ar as ash at az an ed es abu umm bani beni bir tel tell deir dayr ain kafr bab
ras wadi jabal jebel khan beit bayt dar sidi ben bin ibn saint st san santa
""")
_LOWER_WORD = re.compile(r"(?<![\w'\u2019])[a-z][a-z'\u2019]+")


#: Titles and given names before a person's name ("President Assad", "Sheikh Ali",
#: "Bashar al-Assad"), compared as whole words, lower case, without a final ".".
TITLES = frozenset({
    "president", "mr", "mrs", "ms", "dr", "sheikh", "shaikh", "gen", "general", "king", "queen",
    "prince", "princess", "emir", "ayatollah", "imam", "minister", "premier", "chancellor",
    "leader", "spokesman", "spokeswoman", "spokesperson", "commander", "sayyed", "sayyid",
    "mullah", "colonel", "col", "maj", "major", "lt", "sgt", "sen", "senator", "rep", "governor",
    "gov", "mayor", "judge", "justice", "pope", "secretary", "ambassador", "envoy", "brig",
    "captain", "capt", "admiral", "adm", "rabbi", "father", "sir", "lord", "lady", "mohammed",
    "muhammad", "bashar", "hafez", "saddam", "hassan", "hosni", "abu", "umm", "bin", "ibn",
    # role nouns written before a name in English news ("coach Ripley", "Deputy Evans")
    "coach", "officer", "deputy", "trooper", "sergeant", "detective", "attorney", "lawyer",
    "director", "manager", "chairman", "chairwoman", "superintendent", "principal",
    "professor", "prof", "reverend", "rev", "pastor", "bishop", "councilman", "councilwoman",
    "councillor", "commissioner", "administrator", "chief", "sheriff", "constable", "nurse",
    "actor", "actress", "singer", "author", "reporter", "columnist", "editor", "founder",
    "ceo", "owner", "supervisor", "treasurer", "clerk", "dean", "provost", "delegate",
})
_NAME_WORD = re.compile(r"[A-Z][\w'\u2019]*$")


def after_title(before: str) -> bool:
    """Whether ``before`` ends with a title, then up to two capitalised words and an
    optional "al-" ("President Bashar al-" before "Assad")."""
    words = before.replace("-", " ").split()[-4:]
    if words and words[-1].lower() in ("al", "el"):
        words.pop()
    for _ in range(3):
        if not words:
            return False
        word = words.pop()
        if word.rstrip(".").lower() in TITLES:
            return True
        if not _NAME_WORD.match(word):
            return False
    return False


#: Counts that are also GeoNames places ("Four", "Seven"): a count unless the text says
#: it means the place ("in Four").
COUNT_WORDS = frozenset({
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
    "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
    "hundred", "hundreds", "dozen", "dozens", "several", "scores", "thousands",
})
#: Communities named before a place they live in ("Shiite Baghdad districts"): an
#: adjective, not the first word of a longer name.
COMMUNITY_WORDS = frozenset({
    "Shiite", "Shia", "Shi'ite", "Sunni", "Kurdish", "Christian", "Yazidi", "Turkmen", "Arab",
    "Druze", "Alawite", "Jewish", "Muslim", "Assyrian", "Chaldean", "Bedouin", "Palestinian",
})
#: Given names and surnames of people in the news that are also GeoNames places: a
#: single-word mention among them is a person unless the text puts it after a place
#: preposition ("in Ali", "near Hussein").
PERSON_NAMES = frozenset({
    "assad", "ali", "hussein", "husayn", "abbas", "hamad", "salman", "hassan", "mohammed",
    "muhammad", "ahmed", "ahmad", "omar", "umar", "khalid", "saddam", "bashar", "yasser",
    "ismail", "ibrahim", "mahmoud", "mustafa", "youssef", "yusuf", "abdullah", "jamal",
    "karim", "nasser", "faisal", "fahd", "zayed", "hamza", "saleh", "qassem", "soleimani",
    "sadr", "maliki", "sudani", "barzani", "talabani", "erdogan", "putin", "biden",
    "trump", "obama", "bush", "nasrallah", "sinwar", "haniyeh", "khamenei", "netanyahu",
    "hadi", "haftar", "sisi", "morsi", "mubarak", "gaddafi", "qaddafi", "rouhani",
    "raisi", "zarif", "hariri", "aoun", "berri", "jumblatt", "houthi", "khomeini",
})


def is_function_word(surface: str) -> bool:
    """Whether ``surface`` is one closed-class English word ("And", "I've")."""
    return surface.translate(_APOSTROPHES).lower() in FUNCTION_WORDS


def lower_case_words(text: str) -> frozenset[str]:
    """The words the text writes in lower case (its own common vocabulary)."""
    return frozenset(_LOWER_WORD.findall(text.translate(_APOSTROPHES)))


def sentence_initial(text: str, start: int) -> bool:
    """Whether the span at ``start`` opens a sentence, a line or the text."""
    return bool(_SENTENCE_END_BEFORE.search(text[max(0, start - 6):start]))


@lru_cache(maxsize=1 << 16)  # a text's names come back, and across a batch's reports
def _fold(name: str) -> str:
    text = unicodedata.normalize("NFKD", name)
    return "".join(c for c in text if c.isalnum()).casefold()


def alias_unlike(surface: str, name: str) -> bool:
    """Whether a place matched through ``surface`` is known by a name unlike it
    ("Kelly" for Harvest), rather than a spelling of its own (Al-Mayadin, Mayadeen)."""
    a, b = _fold(surface), _fold(name)
    if not a or a == b or (b.startswith(a) and len(a) >= 5):
        return False
    return fuzz.ratio(a, b) < 70 and fuzz.partial_ratio(a, b) < 80


def clipped_name(surface: str, name: str) -> bool:
    """Whether a short mixed-case word is only the first letters of a longer name
    ("Phil" for the Philippines, "Den" for Denmark, "Port" for Portugal): an
    abbreviation that prose does not use for a country or a province, while it is a
    common word or a given name ("Phil Cole", "Dragon's Den")."""
    if len(surface) > 4 or not surface.isalpha() or surface.isupper():
        return False
    a, b = _fold(surface), _fold(name)
    return a != b and b.startswith(a)


def initialism_of(surface: str, name: str) -> bool:
    """Whether capitals spell the initials of a name of two words or more ("UAE",
    "U.S.", "DRC" for the Democratic Republic of the Congo), as writers abbreviate a
    country; a country's ISO code ("EST", "MAC") is not how prose names it."""
    letters = surface.replace(".", "")
    initials = "".join(w[0] for w in re.findall(r"[^\W\d_]+", name)
                       if w.lower() not in ("of", "the", "and")).upper()
    return len(initials) >= 2 and letters.startswith(initials)


def capitalised_run_before(text: str, start: int) -> bool:
    """A given name or an initial right before the span, even at a sentence start
    ("Rod Stewart", "Gino D. Bassett"); not a preposition or a direction ("In Mosul",
    "Eastern Ghouta")."""
    match = _INITIAL_OR_NAME.search(text, max(0, start - 30), start)
    if not match:
        return False
    word = match.group(1)
    if word.endswith(("'s", "\u2019s")) or word.lower() in COUNT_WORDS or \
            word in COMMUNITY_WORDS:
        return False  # "Iraq's Baghdad", "Two Baghdad car bombs": no given name
    return word.rstrip(".").lower() not in _NOT_GIVEN and not is_function_word(word)


def followed_by_surname(text: str, start: int, end: int) -> bool:
    """A capitalised word that is no place noun, title, day or month right after the
    span ("Kelly Clarkson", "Henry Lazenby"; not "Walker County", "Paris Police"), and
    no article before it ("the Flemington Elks Lodge" uses the town as a modifier)."""
    match = _SURNAME_AFTER.match(text, end)
    if not match or _ARTICLE_BEFORE.search(text, max(0, start - 12), start):
        return False
    word = match.group(1).lower()
    return word not in _PLACE_NOUN_AFTER and not is_function_word(word)


def named_after(text: str, end: int, start: int | None = None) -> bool:
    """"Lancaster Avenue", "Centennial Hall": the span is part of a street's or a
    building's name (only the next word: "Youngstown State University" and "Bridgeport
    Superior Court" are in the town they name), or of a longer street name ("Spring
    Mountain Road", "Culver and Charter streets"); with ``start``, also of a firm's
    ("Stevens & Wilkinson") or a car's ("a 1992 Toyota")."""
    if _EPONYM_AFTER.match(text, end):
        return True  # "Molotov cocktails": named after a man, not the city once his
    match = _SURNAME_AFTER.match(text, end)
    if match is not None and match.group(1).lower().rstrip(".") in _NAMED_AFTER:
        return True
    if _STREETS_AFTER.match(text, end) or _LONGER_STREET_AFTER.match(text, end) or \
            _FIRM_AFTER.match(text, end):
        return True
    if start is None:
        return False
    before = text[max(0, start - 40):start]
    return bool((_AND_BEFORE.search(before) and re.match(r"[ \t]+(?:streets|roads|avenues)\b",
                                                          text[end:end + 12]))
                or _FIRM_BEFORE.search(before)
                or (_MODEL_YEAR_BEFORE.search(before) and not place_noun_after(text, end)))


#: "Man of the Year", "Church of Our Lady", "Summit of the Americas": a word before
#: "of" heads a title or a name, which a town's name does not (unless a province or a
#: district follows: "Hit of Anbar province" is the town).
_OF_AFTER = re.compile(r"[ \t]+of[ \t]+(?!(?:[\w'\u2019-]+[ \t]+){0,3}?(?:province|governorate|"
                       r"district|county|state|region|Province|Governorate|District|County|"
                       r"State|Region)\b)")


def of_phrase_after(text: str, end: int) -> bool:
    """"Man of the Year", "Queens of the Stone Age": the span heads an "X of Y" name."""
    return bool(_OF_AFTER.match(text, end))


#: Things named after a person whose name is also a place's (Perm was called Molotov).
_EPONYM_AFTER = re.compile(r"[ \t]cocktails?\b", re.IGNORECASE)


#: An administrative noun in lower case after a name, as ACLED-style notes write them
#: ("Al-Daur district", "Salah al-Din governorate", "Kharab village").
_ADMIN_NOUN_AFTER = re.compile(r"[ \t](?:district|sub-?district|governorate|province|village|"
                               r"town|city|county|municipality|neighbou?rhood|camp)\b")


def place_noun_after(text: str, end: int) -> bool:
    """"Walker County", "Hamilton Township", "Carthage Police": a place or institution
    noun after the span makes it a place (or a place used as a modifier)."""
    match = _SURNAME_AFTER.match(text, end) or _POSSESSIVE_NOUN_AFTER.match(text, end)
    return (match is not None and match.group(1).lower() in _PLACE_NOUN_AFTER) or \
        bool(_ADMIN_NOUN_AFTER.match(text, end))


def age_after(text: str, end: int) -> bool:
    """"Campbell, 42, was resisting arrest": a name with an age in commas is a person
    (the news convention for people, never for places)."""
    return bool(_AGE_AFTER.match(text, end))


#: What only people have or do, right after a name: kin, a lawyer, a trial, a body
#: ("Randall's son", "Earle's trial"), or an act of a person ("Parker pleaded guilty",
#: "Welch was charged", "Stewart wrote").
_PERSON_AFTER = re.compile(
    r"(?:['\u2019]s?[ \t]+(?:son|sons|daughter|daughters|wife|husband|widow|brother|"
    r"sister|mother|father|family|parents|children|grandson|granddaughter|boyfriend|"
    r"girlfriend|stepfather|stepmother|attorney(?![ \t]+general)|lawyer|arrest|trial|"
    r"conviction|sentencing|death|body|head|funeral|killer|attacker|bail|bond|testimony|"
    r"birthday|remains)\b"
    r"|,?[ \t]+(?:(?:was|is|had[ \t]+been|has[ \t]+been|will[ \t]+be)[ \t]+"
    r"(?:arrested|charged|sentenced|convicted|indicted|booked|jailed|acquitted|hired|"
    r"elected|appointed|married|stabbed|shot|wounded|injured|hospitali[sz]ed)|"
    r"pleaded|pled|testified|confessed|wrote|"
    r"smiled|laughed|graduated|retired|resigned|pulled|grabbed|punched|sat|stood|walked|"
    r"drove)\b)")
#: A surname (perhaps after a middle name or an initial), then what marks a person: an
#: age, a verb of speech, an apposition of a role ("Elizabeth Mills, 57,", "Mark Zello,
#: owner of", "Mary Ann Wade said").
_SURNAME_RUN_AFTER = re.compile(r"[ \t](?:[A-Z]\.[ \t])?(?:([A-Z][a-z]+)[ \t])?"
                                r"((?:Mc|Mac|O['\u2019])?[A-Z][a-z'\u2019]+)")
_SURNAME_ONLY_AFTER = re.compile(r"[ \t](?:[A-Z]\.[ \t])?()"
                                 r"((?:Mc|Mac|O['\u2019])?[A-Z][a-z'\u2019]+)")
_PERSON_MARK_AFTER = re.compile(
    r"(?:,[ \t]*(?:age[ \t]+)?\d{1,3}[ \t]*,|,?[ \t]+(?:said|says|told|asked|added|wrote)\b"
    r"|,?[ \t]+(?:Jr|Sr)\b|[ \t]+(?:II|III|IV)\b"
    r"|,[ \t]+an?[ \t]+(?:[\w-]+[ \t]+){0,2}(?:man|woman|boy|girl|teen|teenager|resident|"
    r"native|student|senior|junior|mother|father)\b"
    r"|,[ \t]+(?:executive[ \t]+)?(?:director|president|chairman|chairwoman|spokesman|"
    r"spokeswoman|owner|founder|manager|coordinator|principal|superintendent|coach|"
    r"pastor|attorney|professor)\b)")


#: "Franklin is a town in ...", "Durham was a village": the text calls the name a place.
_PLACE_COPULA_AFTER = re.compile(
    r"(?:[ \t]+\([^)]{0,80}\))?,?[ \t]+(?:is|was|became)[ \t]+(?:a|an|the)[ \t]+"
    r"(?:[\w'-]+[ \t]+){0,4}?(?:town|city|village|borough|hamlet|suburb|municipality|"
    r"community|census-designated|settlement|township|parish|neighbou?rhood|county|"
    r"district|capital|port|seat)\b")


def called_a_place(text: str, end: int) -> bool:
    """"Franklin is a town in Ohio": the text itself says the name is a place."""
    return bool(_PLACE_COPULA_AFTER.match(text, end))


def person_after(text: str, end: int) -> bool:
    """"Randall's son", "Parker pleaded guilty", "Mark Zello, owner of": what follows
    the span makes it (part of) a person's name."""
    return bool(_PERSON_AFTER.match(text, end)) or full_name_after(text, end)


#: Nouns of institutions, which a person's surname is not ("the Georgia Municipal
#: Association said", "the Lottery Commission, said").
_INSTITUTION_NOUNS = _wordset("""
association commission committee council board bureau agency authority service services
trust society foundation group company corporation institute department ministry office
court union league party club federation coalition alliance centre center network
""")


def full_name_after(text: str, end: int, middle: bool = True) -> bool:
    """"Elizabeth Mills, 57,", "Kathleen McDaniel said": a surname after the span, then an
    age, a verb of speech or a role: the span is a given name, even after "in" or
    "from" ("heard from Kathleen McDaniel, 44,"). ``middle=False`` allows no middle name
    ("the envoy for South Sudan David Shearer said" names the country, then a man)."""
    for pattern in (_SURNAME_RUN_AFTER, _SURNAME_ONLY_AFTER) if middle else \
            (_SURNAME_ONLY_AFTER,):
        match = pattern.match(text, end)
        if match is None or any(
                w and (w.lower() in _PLACE_NOUN_AFTER or w.lower() in _INSTITUTION_NOUNS
                       or w.lower() in _NAMED_AFTER or is_function_word(w))
                for w in match.groups()):
            return False
        if _PERSON_MARK_AFTER.match(text, match.end()):
            return True
    return False


def hyphen_compound_before(text: str, start: int) -> bool:
    """"Wal-Mart", "Hugley-Green": the span is the second half of a hyphenated name
    whose first half is a capitalised word (not an Arabic article or a place prefix:
    "al-Anbar", "Abu-Ghraib")."""
    match = _COMPOUND_BEFORE.search(text, max(0, start - 20), start)
    return match is not None and match.group(1).lower() not in _NAME_PREFIXES


def person_cue_before(text: str, start: int) -> bool:
    """"said Thomas", "according to Nelson": a verb of speech before the name."""
    return bool(_PERSON_CUE_BEFORE.search(text, max(0, start - 20), start))
