"""Event types: which of ACLED's six event types (and which sub-event type) a clause tells.

Used by the parser (:mod:`._parser`) on every clause; built on the counts and quoting
rules of :mod:`._textrules`. Rule-based like them: the first rule whose pattern matches
wins, so every decision can be traced to one pattern.
"""

from __future__ import annotations

import re

from ._textrules import NUMBER, keyword_automaton, starting_with, unquote
from ._textrules import QUALIFIER as _QUAL

__all__ = ["bare_killing", "classify_event"]

_EXPLOSION = "Explosions/Remote violence"
_VAC = "Violence against civilians"
_SD = "Strategic developments"
_PROTEST_WORD = (r"(?:protest\w*|demonstrat(?:ion|ions|ors?|ed|ing)|rall(?:y|ies|ied)|marchers|"
                 r"sit-ins?|vigils?)")
#: The words of a killing told with no other event word (weak evidence of an event).
#: "the dead" names people, not an event ("Among the dead was ...").
#: "vowed to kill", "would kill": a threat, not a killing.
_BARE_KILLING = (r"(?<!\bto\s)(?<!\bwill\s)(?<!\bwould\s)(?<!\bcould\s)(?<!\bmight\s)"
                 r"\bkill(?:s|ed|ing)?\b|(?<!the\s)\bdead\b|\bslain\b|\bfatalit(?:y|ies)\b")
#: An armed agent who kills or shoots ("gunmen killed"); when those killed are the armed
#: ones ("insurgents killed near the dam") the event is a clash.
_ARMED_AGENT = (r"\b(?:gunmen|militants|attackers|assailants|armed\s+men|fighters|forces|"
                r"soldiers|troops|police|militiamen|insurgents|rebels|members)\s+(?:\w+\s+){0,2}?"
                r"(?:shot|killed|hit|hits)\b")
_PASSIVE_END = re.compile(r"\b(?:were|was|been|being|reportedly|allegedly)\s+killed$",
                          re.IGNORECASE)
_BARE_KILLING_RE = re.compile(rf"(?:{_BARE_KILLING})$", re.IGNORECASE)
_WEAPON = (r"(?:drones?|missiles?|rockets?|projectiles?|bombs?|IEDs?|explosives?|mines?|"
           r"landmines?|devices?|UAVs?|shells?|mortars?)")

#: (prefilter substrings, pattern, ACLED event type, sub-event type): the first rule whose
#: pattern matches wins, so specific rules come before generic ones. The prefilter
#: substrings (lower case) must occur for the pattern to be tried at all (speed).
_RULES: tuple[tuple[tuple[str, ...], str, str, str], ...] = (
    # Disrupted weapons use comes first: "intercepted a drone" is no drone strike.
    (("intercept", "shot down", "downed", "defus", "dismantl", "thwart", "foil", "seized",
      "destroyed", "disabled"),
     rf"\b(?:intercept(?:ed|s|ing)?|shot\s+down|downed|defus(?:ed|ing)|dismantl(?:ed|ing)|"
     rf"thwart(?:ed|ing)|foil(?:ed|ing)|seized|destroyed|disabled)\s+(?:\w+\s+){{0,4}}?"
     rf"(?:{_WEAPON}|weapons?|arms|ammunition|caches?|stockpiles?)\b"
     rf"|\b{_WEAPON}\s+(?:\w+\s+){{0,2}}?(?:was|were)\s+(?:\w+\s+)?(?:intercepted|shot\s+down|"
     rf"defused|downed|dismantled)\b",
     _SD, "Disrupted weapons use"),
    (("suicide", "blew"),
     r"\bsuicide\s+(?:bomb|bomber|attack|car)|blew\s+(?:himself|herself|themselves)\s+up",
     _EXPLOSION, "Suicide bomb"),
    (("bomb", "ied", "improvised", "landmine", "explosive", "ordnance", "uxo"),
     r"\b(?:roadside|car|sticky|truck|magnetic)\s+bomb|\bIEDs?\b|improvised\s+explosive|"
     r"\blandmines?\b|\b(?:unexploded\s+)?ordnance\b|\bUXOs?\b|\bbombs?\s+(?:exploded|explode|went\s+off|blasts?|attacks?|kill\w*|"
     r"hit\w*|struck|rock\w*|target\w*)|explosive\s+device|\bbombings\b|\bbomb\s+attacks?|"
     r"\bbombs\b(?!\s+(?:dropped|fell|from))",
     _EXPLOSION, "Remote explosive/landmine/IED"),
    (("grenade",), r"\bgrenades?\b", _EXPLOSION, "Grenade"),
    (("chemical",), r"\bchemical\s+(?:weapon|attack)", _EXPLOSION, "Chemical weapon"),
    # Demonstrations, before the violence rules: "police opened fire on protesters".
    (("protest", "demonstrat", "rall", "march", "sit-in"),
     rf"\b(?:(?:opened\s+fire|fired(?:\s+live\s+(?:ammunition|rounds))?)\s+(?:on|at|into)\s+"
     rf"(?:\w+\s+){{0,2}}?{_PROTEST_WORD}|(?:shot|killed|killing|beat|beating)\s+(?:\w+\s+){{0,3}}?"
     rf"{_PROTEST_WORD})|\b{_PROTEST_WORD}\s+(?:\w+\s+){{0,3}}?(?:were|was)\s+(?:shot|killed)\b",
     "Protests", "Excessive force against protesters"),
    (("riot", "stone", "rock", "set fire", "torch", "molotov", "petrol", "burn", "stormed",
      "smash", "clash"),
     rf"\briot(?:s|ers|ing|ed)?\b(?!\s+(?:police|gear|squads?|control|units?|forces))|\b{_PROTEST_WORD}\b[^.;]{{0,80}}?\b(?:threw\s+(?:stones|rocks|"
     rf"petrol\s+bombs|molotov)|set\s+fire|torched|burn(?:ed|t)|stormed|smashed|clashed)\b",
     "Riots", "Violent demonstration"),
    (("mob", "lynch", "vigilante"), r"\bmobs?\b|\blynch(?:ed|ing)?\b|\bvigilantes?\b",
     "Riots", "Mob violence"),
    (("threw", "hurled", "pelted"),
     r"\b(?:threw|hurled)\s+(?:stones|rocks|molotov\w*(?:\s+cocktails)?|petrol\s+bombs|"
     r"fire\s*bombs)\b|\bpelted\b", "Riots", "Violent demonstration"),
    (("protest", "demonstrat", "rall", "march", "sit-in"),
     rf"\b{_PROTEST_WORD}\b[^.;]{{0,100}}?\b(?:tear\s*gas|dispers(?:ed|e|ing)|water\s+cannons?|"
     rf"rubber\s+bullets|arrest(?:ed|s|ing)|detain(?:ed|ing)|broke\s+up|intervened)\b|"
     rf"\b(?:tear\s*gas|dispers(?:ed|e|ing)|water\s+cannons?|broke\s+up|arrested|detained)\b"
     rf"[^.;]{{0,60}}?\b{_PROTEST_WORD}",
     "Protests", "Protest with intervention"),
    (("protest", "demonstrat", "rall", "march", "sit-in", "vigil", "gather"),
     rf"\b{_PROTEST_WORD}\b|\bgathered\s+(?:[(\[]?[\w'-]+[)\]]?\s+){{0,10}}?to\s+(?:demand|denounce|condemn|"
     rf"call\s+for|express|reject|oppose|protest|decry)\b", "Protests", "Peaceful protest"),
    (("drone", "air", "strike", "warplane", "bomber", "aircraft", "helicopter", "jet",
      "raid", "bomb", "uav"),
     r"\bdrones?\b|\bair\s*strikes?\b|\bstrikes?\s+(?:on|against)\b|\bairstrikes?\b|"
     r"\bwarplanes?\b|\bbombers?\b|\baircraft\b|\bhelicopters?\b|\bjets?\b|\bair\s+raids?\b|"
     r"\bbombed\b|\bbombing\b|\bUAVs?\b", _EXPLOSION, "Air/drone strike"),
    (("rocket", "missile", "mortar", "shell", "artiller", "projectile"),
     r"\brockets?\b|\bmissiles?\b|\bmortars?\b|\bshell(?:ing|ed|s)?\b|\bartillery\b|"
     r"\bprojectiles?\b", _EXPLOSION, "Shelling/artillery/missile attack"),
    # Territory, before clashes: "after heavy fighting, the army retook the town".
    (("recapt", "retook", "retake", "regain", "liberat", "reclaim"),
     r"\b(?:recaptur(?:e|ed|es|ing)|retook|retaken|retak(?:e|es|ing)|regain(?:ed|s)?\s+"
     r"control|liberat(?:e|ed|es|ing)|reclaim(?:ed|s))\b", "Battles",
     "Government regains territory"),
    # People captured are arrested, not territory taken: "the capture of an IS leader".
    (("captur",),
     r"\bcaptur(?:e|ed|es|ing)\s+(?:of\s+)?(?:(?:an?|the|\d+|two|three|four|five|several|"
     r"dozens\s+of)\s+)?(?:[\w'-]+\s+){0,2}?(?:leaders?|members?|commanders?|militants?|"
     r"fighters?|suspects?|officials?|emirs?|operatives?|soldiers?|officers?)\b",
     _SD, "Arrests"),
    (("seiz", "captur", "overran", "overrun", "took control", "taken control", "took over",
      "fell to"),
     r"\b(?:seiz(?:e|ed|es)|captur(?:e|ed|es)|overr(?:a|u)n|took\s+(?:full\s+)?control|"
     r"taken\s+control|took\s+over)\s+(?:of\s+)?(?:\w+\s+){0,3}?(?:towns?|city|villages?|areas?|"
     r"district|territory|province|region|positions?|base|airport|[A-Z]\w+)\b|\bfell\s+to\b",
     "Battles", "Non-state actor overtakes territory"),
    (("clash", "fighting", "ambush", "firefight", "battle", "fire", "fought", "repel",
      "tribal"),
     r"\bclash(?:es|ed)?\b|\bfighting\b|\bambush(?:ed)?\b|\bfirefight\b|\bgun\s*battle|"
     r"\btribal\s+(?:dispute|conflict|feud|fight)s?\b|"
     r"\bfought\b|\brepel(?:s|led|ling)?\b|"
     r"\bbattle\b|\bexchanged?\s+fire", "Battles", "Armed clash"),
    (("abduct", "kidnap", "disappear", "hostage", "taken captive"),
     r"\babduct(?:ed|ion|s|ing)?\b|\bkidnap(?:ped|ping|s)?\b|\bforcibly\s+disappeared\b|"
     r"\b(?:took|taken|held)\s+(?:\w+\s+){0,2}?hostages?\b|\btaken\s+captive\b",
     _VAC, "Abduction/forced disappearance"),
    (("rape", "sexual"),
     r"\brap(?:ed|e|es|ing)\b|\bsexual(?:ly)?\s+(?:violence|assault\w*|abuse\w*)",
     _VAC, "Sexual violence"),
    (("attack", "shot", "gunned", "storm", "fire", "execut", "stabbed", "massacr",
      "assassinat", "murder", "behead", "slaughter", "shooting", "assault", "gunfire",
      "tortur", "beat"),
     r"\b(?:attack(?:ed|s|ing)?|shot\s+(?:dead|and\s+killed|and\s+wounded)|gunned\s+down|"
     r"storm(?:ed|s|ing)?(?=\s+(?:into|on|a|an|the|its|their|(?-i:[A-Z])))|opened\s+fire|"
     r"execut(?:e|ed|es|ing|ions?)|stabb(?:ed|ing)|massacr(?:e|es|ed|ing)|"
     r"assassinat(?:ed|es|ion)|murder(?:ed|s)?|behead(?:ed|s|ing)?|slaughter(?:ed|s|ing)?|"
     r"shootings?|assaults?|gunfire|tortur(?:ed|es|ing)|beat\s+up|beaten)\b", _VAC, "Attack"),
    # A body found with marks of violence: ACLED codes the killing as an attack.
    (("bod", "found"),
     r"\bbod(?:y|ies)\s+(?:\w+\s+){0,8}?(?:(?:was|were|have\s+been|had\s+been)\s+)?"
     r"(?:\w+\s+)?found\b|"
     r"\bfound\s+(?:\w+\s+){0,3}?(?:bod(?:y|ies)|dead|shot|killed)\b", _VAC, "Attack"),
    # An armed agent who kills or shoots is an event even without an attack word.
    (("killed", "shot", "hit"), _ARMED_AGENT, _VAC, "Attack"),
    (("strike", "struck"), r"\bstrikes?\b|\bstruck\b", _EXPLOSION, "Air/drone strike"),
    (("explo", "blast"), r"\bexplosions?\b|\bexploded\b|\bblasts?\b", _EXPLOSION,
     "Remote explosive/landmine/IED"),
    # A killing told with no other event word ("27 killed in X", "gunmen kill seven"):
    # an attack, a clash when those killed are armed (see ``_armed_victims``).
    (("kill", "dead", "slain", "fatalit"),
     _BARE_KILLING, _VAC, "Attack"),
    # Strategic developments without violence.
    (("arrest", "detain", "rounded up", "apprehend", "custody"),
     r"\barrest(?:ed|s|ing)?\b|\bdetain(?:ed|ing|s)?\b|\brounded\s+up\b|\bapprehended\b|"
     r"\btaken\s+into\s+custody\b", _SD, "Arrests"),
    (("ceasefire", "cease-fire", "truce", "agreement", "deal", "accord", "exchange", "swap",
      "signed", "released"),
     r"\bcease-?fires?\b|\btruces?\b|\b(?:agreement|deal|accord)\b|\bprisoner\s+(?:exchange|swap)|"
     r"\bsigned\b|\breleased\s+(?:\w+\s+){0,3}?(?:hostages|prisoners|detainees)\b",
     _SD, "Agreement"),
    (("loot", "plunder", "ransack", "torch", "set fire", "burn", "demolish", "bulldoz",
      "destroyed"),
     r"\bloot(?:ed|ing|ers)?\b|\bplunder(?:ed|ing)?\b|\bransack(?:ed|ing)?\b|\btorched\b|"
     r"\bset\s+fire\s+to\b|\bburn(?:ed|t)\s+down\b|\bdemolish(?:ed|ing)\b|\bbulldoz(?:ed|ing)\b|"
     r"\bdestroyed\s+(?:\w+\s+){0,2}?(?:homes?|houses?|property|shops?|crops|buildings?)\b",
     _SD, "Looting/property destruction"),
    (("set up", "established", "establish", "opened"),
     r"\b(?:set\s+up|established|opened)\s+(?:a\s+|an\s+|its\s+|their\s+)?(?:new\s+)?"
     r"(?:\w+\s+)?(?:base|headquarters|outpost|command\s+cent(?:re|er))\b",
     _SD, "Headquarters or base established"),
    (("withdr", "handed over", "hand over", "pulled out", "evacuated"),
     r"\bwithdr(?:ew|awn|awal)\s+(?:\w+\s+){0,3}?from\b|\bhanded\s+(?:over|control)\b|"
     r"\bpulled\s+out\s+of\b", _SD, "Non-violent transfer of territory"),
    (("formation", "merg", "new leader", "recruit", "disband", "dissolv", "split", "rebrand"),
     r"\bannounced\s+(?:the\s+|its\s+)?formation\b|\bmerg(?:ed|er)\b|\bnew\s+leader\b|"
     r"\brecruit(?:ed|ing|ment)\b|\bdisband(?:ed|ing)?\b|\bdissolv(?:ed|ing)\b",
     _SD, "Change to group/activity"),
    # Last: events of no other kind that ACLED still records.
    (("parade", "mass grave"), r"\b(?:military\s+)?parades?\b|\bmass\s+graves?\b", _SD, "Other"),
)
_EVENT_RULES: tuple[tuple[frozenset[str], re.Pattern[str], str, str], ...] = tuple(
    (frozenset(words), re.compile(pattern, re.IGNORECASE), event_type, sub_event_type)
    for words, pattern, event_type, sub_event_type in _RULES)
#: Every prefilter substring, found in one pass per clause (a set test per rule after).
_EVENT_WORDS = frozenset().union(*(words for words, *_ in _EVENT_RULES))
#: Prefilter substring -> positions of the rules it lets through.
_RULES_OF_WORD: dict[str, tuple[int, ...]] = {
    word: tuple(i for i, (words, *_) in enumerate(_EVENT_RULES) if word in words)
    for word in _EVENT_WORDS}


_CIVILIAN_TARGET = re.compile(
    r"\b(?:civilians?|shepherds?|farmers?|residents?|villagers?|worshippers?|market|"
    r"children|women|family|families|homes?|shop|camp\s+for|journalists?|protesters?)\b",
    re.IGNORECASE,
)
#: People as an attack's object ("shot and killed a man").
_PERSON_TARGET = re.compile(
    r"\b(?:man|men|woman|women|person|people|boy|girl|child|youth|teenager|civilian|"
    r"Palestinians?|elderly|worker|driver|doctor|teacher|student)\b", re.IGNORECASE)
_MILITARY_TARGET = re.compile(
    r"\b(?:checkpoint|patrol|soldiers?|troops|army|military|police|base|outpost|convoy|fighters?|"
    r"forces|garrison|position)\b", re.IGNORECASE)
#: Phrases that refer back to an event already described ("claimed the attack",
#: "arrested over the bombing"): masked before the rules run, so they start no event.
_ANAPHORA = re.compile(starting_with(
    "abcdfiors",
    r"\b(?:claimed|condemned|denied|blamed\s+\w+\s+for|responsibility\s+for|in\s+connection\s+"
    r"with|suspected\s+of|accused\s+of|over|for|after|following|in\s+response\s+to|in\s+"
    r"retaliation\s+for|since|before|investigat\w+)\s+(?:the|this|that|last\s+\w+'s|(?:a|an)\s+"
    r"(?:earlier|previous|recent))\s+(?:\w+\s+){0,2}?(?:attacks?|strikes?|bombings?|explosions?|"
    r"blasts?|killings?|ambush|assault|raids?)\b"), re.IGNORECASE)


#: Someone's part in events in general, not an event ("the commander had directed attacks
#: on US forces", "the group behind dozens of bombings"): masked like the phrases above.
_PLANNED = re.compile(
    r"\b(?:directed|planned|ordered|orchestrated|masterminded|coordinated|plotted|"
    r"organi[sz]ed|behind|responsible\s+for)\s+(?:the\s+|many\s+|several\s+|numerous\s+|"
    r"dozens\s+of\s+|hundreds\s+of\s+|a\s+(?:series|wave|string)\s+of\s+)?"
    r"(?:[\w-]+\s+){0,2}?(?:attacks|strikes|bombings|assaults|raids|killings)\b",
    re.IGNORECASE)
#: Substrings the event noun of an anaphoric phrase starts with (a prefilter).
_ANAPHORA_NOUNS = ("attack", "strike", "bomb", "explos", "blast", "killing", "ambush",
                   "assault", "raid")


#: An attack word that is a verb taking its target as object ("shot and killed", "executed").
_VERB_WITH_OBJECT = re.compile(r"(?:ed|dead|down)$", re.IGNORECASE)
#: Where an attack's object ends: its place, time or a new clause.
_TARGET_END = re.compile(r"\b(?:in|at|near|on|outside|inside|during|after|while|as|when|"
                         r"with|from|by)\b|[,.;:(]")
_OBJECT_AFTER = re.compile(rf"\s+(?:(?:a|an|the|his|her|their|{NUMBER})\b|(?-i:[A-Z]))",
                           re.IGNORECASE)


def bare_killing(trigger: str) -> bool:
    """Whether an event was read from a killing alone ("27 killed in X"), which may well
    be a follow-up of an event already told rather than an event of its own."""
    return bool(_BARE_KILLING_RE.match(trigger))


#: Armed people among a killing's victims make it a clash, not violence against civilians.
_ARMED = re.compile(
    r"\b(?:soldiers?|troops|army|police(?:m[ae]n)?|officers?|militants?|fighters?|"
    r"insurgents?|jihadists?|militiam[ae]n|militias?|rebels?|members|forces|guards?|"
    r"personnel|commanders?|gunmen|gunman|recruits|peshmerga|servicem[ae]n|elements|"
    r"tribesmen|extremists|terrorists?|combatants|paramilitar\w+|security)\b", re.IGNORECASE)
_ARMED_ACRONYM = re.compile(r"\b(?:IS|ISIS|ISIL|PKK|YPG|SDF|PMF|PMU|Islamic\s+State|Qaeda|"
                            r"Daesh|Taliban)\b")
_VICTIMS_AFTER = re.compile(rf"\s+{_QUAL}(?:{NUMBER}\b)?", re.IGNORECASE)


def _armed_victims(clause: str, match: re.Match[str]) -> bool:
    """Whether those a bare killing killed are armed: the words after an active verb with
    its count ("kill 17 government troops"), else the words before ("militants killed")."""
    after = clause[match.end():match.end() + 60]
    opener = _VICTIMS_AFTER.match(after)
    if match.group(0).lower() in ("kill", "kills", "killing") or \
            (opener and opener.group(0).strip()):
        # "relatives of a policeman" are not the policeman; "dozens of IS fighters" are
        victims = re.split(r"\b(?:in|on|at|near|by|as|after|during|when|while|amid|"
                           r"(?:relatives|family|families|wives|wife|children|sons|daughters|"
                           r"parents|brothers?|sisters?|mother|father)\s+of)\b|[,.;:]",
                           after, maxsplit=1)[0]
    else:
        victims = re.split(r"[,.;:]", clause[max(0, match.end() - 60):match.end()])[-1]
    return bool(_ARMED.search(victims) or _ARMED_ACRONYM.search(victims))


def classify_event(clause: str) -> tuple[str, str, str] | None:
    """Return (event_type, sub_event_type, trigger text) for an event clause.

    Covers ACLED's six event types (``schema.ACLED_SUB_EVENT_TYPES``). Returns None
    when the clause describes no event, or only refers back to one ("the group claimed
    the attack", "two men were arrested over the bombing" is an arrest, not a bombing).

    Examples
    --------
    >>> classify_event("Police fired tear gas to disperse protesters")[:2]
    ('Protests', 'Protest with intervention')
    >>> classify_event("Air defences intercepted two drones over the base")[1]
    'Disrupted weapons use'
    """
    low = clause.lower()
    present = {word for _, word in keyword_automaton(_EVENT_WORDS).iter(low)}
    if not present:
        return None
    masked = clause = unquote(clause)
    if any(noun in low for noun in _ANAPHORA_NOUNS):
        masked = _ANAPHORA.sub(lambda m: " " * len(m.group(0)), clause)
        masked = _PLANNED.sub(lambda m: " " * len(m.group(0)), masked)
        if masked != clause:
            low = masked.lower()
            present = {word for _, word in keyword_automaton(_EVENT_WORDS).iter(low)}
    protest: tuple[str, str, str] | None = None
    # The rules whose prefilter passes, in their order.
    for rule in sorted({i for word in present for i in _RULES_OF_WORD[word]}):
        _, pattern, event_type, sub_event_type = _EVENT_RULES[rule]
        match = pattern.search(masked)
        if not match:
            continue
        if sub_event_type == "Peaceful protest":
            # "rally blasts kill 28": an explosion at a rally is the explosion.
            protest = protest or (event_type, sub_event_type, match.group(0))
            continue
        if protest is not None and (event_type != _EXPLOSION or match.group(0).lower() in
                                    ("strike", "strikes", "struck", "strikes on")):
            return protest  # a general strike is a protest, not an air strike
        if pattern.pattern in (_BARE_KILLING, _ARMED_AGENT):
            trigger = match.group(0)
            if pattern.pattern == _ARMED_AGENT and _PASSIVE_END.search(trigger):
                # "four fighters were killed": a killing told with no agent (bare).
                trigger = trigger.rsplit(None, 1)[-1]
            if _armed_victims(masked, match):
                return "Battles", "Armed clash", trigger
            return event_type, sub_event_type, trigger
        # An attack on armed forces is a clash in ACLED's terms; on civilians, an attack.
        # The target follows the event word ("forces shot a man", "an attack on a
        # checkpoint"); only when nothing there says, the whole clause.
        if sub_event_type == "Attack":
            after = masked[match.end():]
            if _VERB_WITH_OBJECT.search(match.group(0)) and _OBJECT_AFTER.match(after):
                # "shot and killed a man at a checkpoint": the object is the target
                target = _TARGET_END.split(after, maxsplit=1)[0]
                if _ARMED.search(target) or _ARMED_ACRONYM.search(target) or \
                        _MILITARY_TARGET.search(target):
                    return "Battles", "Armed clash", match.group(0)
                if _PERSON_TARGET.search(target) or _CIVILIAN_TARGET.search(target):
                    return event_type, sub_event_type, match.group(0)
            if _CIVILIAN_TARGET.search(after):
                return event_type, sub_event_type, match.group(0)
            if _MILITARY_TARGET.search(after):
                return "Battles", "Armed clash", match.group(0)
            if _VERB_WITH_OBJECT.search(match.group(0)) and _OBJECT_AFTER.match(after):
                # "forces shot and killed a man": the object is the target, not the agent
                return event_type, sub_event_type, match.group(0)
            if _MILITARY_TARGET.search(masked) and not _CIVILIAN_TARGET.search(masked):
                return "Battles", "Armed clash", match.group(0)
        return event_type, sub_event_type, match.group(0)
    return protest
