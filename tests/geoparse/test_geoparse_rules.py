"""The text rules behind the geoparser: dates, casualties, event types, clauses."""

from __future__ import annotations

import datetime as dt

import pytest

from geoconflict.geoparse._events import classify_event
from geoconflict.geoparse._textrules import (
    casualties,
    clauses,
    resolve_date,
    sentences,
    word_number,
)

THU = dt.date(2024, 2, 8)  # a Thursday


@pytest.mark.parametrize(
    ("phrase", "date", "precision"),
    [
        ("on Wednesday night", dt.date(2024, 2, 7), 1),
        ("late on Monday", dt.date(2024, 2, 5), 1),
        ("on Thursday", THU, 1),  # the day of publication
        ("last Thursday", dt.date(2024, 2, 1), 1),
        ("yesterday", dt.date(2024, 2, 7), 1),
        ("last night", dt.date(2024, 2, 7), 1),
        ("this morning", THU, 1),
        ("last week", dt.date(2024, 2, 1), 2),
        ("in late January", dt.date(2024, 1, 25), 2),
        ("in early February", dt.date(2024, 2, 5), 2),
        ("in mid-December", dt.date(2023, 12, 15), 2),
        ("in January", dt.date(2024, 1, 1), 3),
        ("in March", dt.date(2023, 3, 1), 3),  # a month after publication is last year's
        ("last month", dt.date(2024, 1, 1), 3),
        ("earlier this month", dt.date(2024, 2, 1), 3),
        ("on January 28", dt.date(2024, 1, 28), 1),
        ("on 4 January 2024", dt.date(2024, 1, 4), 1),
        ("on Jan. 4", dt.date(2024, 1, 4), 1),
        ("on 2024-01-26", dt.date(2024, 1, 26), 1),
        # A relative word that qualifies an absolute date gives way to it.
        ("overnight on 3 January 2024", dt.date(2024, 1, 3), 1),
        ("on Tuesday, 2 January 2024", dt.date(2024, 1, 2), 1),
    ],
)
def test_resolve_date(phrase: str, date: dt.date, precision: int) -> None:
    resolved = resolve_date(f"A drone hit the base {phrase}.", THU)
    assert resolved is not None
    assert (resolved.date, resolved.time_precision) == (date, precision)


def test_said_on_weekday_is_not_the_event_date() -> None:
    resolved = resolve_date("US warplanes struck targets overnight, the allies said on Friday.",
                            dt.date(2024, 1, 12))
    assert resolved is not None
    assert resolved.evidence == "overnight"
    assert resolve_date("the ministry said on Monday", THU) is None


def test_no_date() -> None:
    assert resolve_date("A rocket hit the base.", THU) is None


@pytest.mark.parametrize(
    ("clause", "killed", "injured"),
    [
        ("killing three people", 3, None),
        ("Three US troops were killed and more than 40 were injured", 3, 40),
        ("killing three soldiers and an officer", 4, None),
        ("killing a woman and her child, rescuers said", 2, None),
        ("killing eight people and wounding 20 others", 8, 20),
        ("Officials said 95 people were killed.", 95, None),
        ("The Houthis said five of their fighters were killed.", 5, None),
        ("A war monitor put the toll at 23 fighters.", 23, None),
        ("killed 16 people", 16, None),
        ("There were no casualties", 0, None),
        ("Three IS suspects were arrested. No fatalities.", 0, None),
        ("No crew were hurt.", 0, None),
        ("Nobody was hurt, officials said.", 0, None),
        ("wounding three policemen", 0, 3),
        ("A crew member was injured.", 0, 1),
        ("US aircraft struck three sites", None, None),
        # Numbers as reporters write them.
        ("killing at least 11 people", 11, None),
        ("killing a dozen soldiers", 12, None),
        ("killing two hundred people", 200, None),
        ("1,200 people were killed", 1200, None),
        ("one hundred and fifty were killed", 150, None),
        ("more than twenty-one people were killed", 21, None),
        ("The death toll from the strike rose to 12.", 12, None),
        # Vague counts by ACLED's codebook: several/many 10, dozens 12, hundreds 100.
        ("killed several people", 10, None),
        ("many people were killed", 10, None),
        ("dozens were killed and hundreds injured", 12, 100),
        ("killing dozens of fighters", 12, None),
        # Running totals and standing forces are no incident's casualties.
        ("the war has killed 27,000 people", None, None),
        ("Israel's war in Gaza, which has killed more than 26,000 Palestinians, goes on", None,
         None),
        ("More than 26,000 people have been killed since October 7", None, None),
        ("The death toll in the war rose to 27,000", None, None),
        ("The US has about 2,500 troops stationed in Iraq", None, None),
        ("A drone strike killed 3 soldiers, the first US deaths since the war began", 3, None),
    ],
)
def test_casualties(clause: str, killed: int | None, injured: int | None) -> None:
    found = casualties(clause)
    assert (found.killed, found.injured) == (killed, injured)


@pytest.mark.parametrize(
    ("clause", "sub_event_type"),
    [
        ("A US drone strike hit a car", "Air/drone strike"),
        ("US bombers struck militia targets", "Air/drone strike"),
        ("Rockets were fired at Ain al-Asad air base", "Shelling/artillery/missile attack"),
        ("A Houthi anti-ship missile struck the tanker", "Shelling/artillery/missile attack"),
        ("A roadside bomb exploded next to a convoy", "Remote explosive/landmine/IED"),
        ("Two suicide bombers blew themselves up", "Suicide bomb"),
        ("a grenade thrown at a shop killed one man", "Grenade"),
        ("Clashes broke out between fighters and troops", "Armed clash"),
        ("Gunmen attacked an army checkpoint", "Armed clash"),
        ("Militants attacked a shepherd's camp and killed two men", "Attack"),
        ("Mortar rounds hit a residential area", "Shelling/artillery/missile attack"),
        # The other event types of ACLED's taxonomy.
        ("Protesters gathered outside parliament", "Peaceful protest"),
        ("Hundreds of people rallied in the main square", "Peaceful protest"),
        ("Police fired tear gas to disperse the demonstrators", "Protest with intervention"),
        ("Security forces opened fire on protesters, killing four",
         "Excessive force against protesters"),
        ("Demonstrators threw stones and set fire to tyres", "Violent demonstration"),
        ("Rioters torched a police station", "Violent demonstration"),
        ("A mob lynched a man accused of theft", "Mob violence"),
        ("Air defences intercepted two drones over the base", "Disrupted weapons use"),
        ("Engineers defused a roadside bomb", "Disrupted weapons use"),
        ("Police arrested three men over the bombing", "Arrests"),
        ("The two sides agreed a ceasefire", "Agreement"),
        ("The army recaptured the town after a week", "Government regains territory"),
        ("Islamic State fighters seized control of the town", "Non-state actor overtakes territory"),
        ("Gunmen abducted two aid workers", "Abduction/forced disappearance"),
        ("Militiamen looted shops in the market", "Looting/property destruction"),
        ("The militia set up a new base near the airport", "Headquarters or base established"),
        ("Government troops withdrew from the city", "Non-violent transfer of territory"),
        ("The two factions announced their merger", "Change to group/activity"),
        ("Unidentified gunmen shot and killed a man", "Attack"),
        ("The local mayor was assassinated", "Attack"),
    ],
)
def test_classify_event(clause: str, sub_event_type: str) -> None:
    found = classify_event(clause)
    assert found is not None
    assert found[1] == sub_event_type


@pytest.mark.parametrize("clause", ["The Islamic Resistance in Iraq claimed the attack.",
                                    "The ministry condemned the bombing.",
                                    "Officials met in Baghdad to discuss trade.",
                                    "Among the dead was a senior commander."])
def test_classify_event_none(clause: str) -> None:
    assert classify_event(clause) is None


def test_sentences_keep_abbreviations() -> None:
    text = "U.S. forces struck on Jan. 4 in Baghdad. The Pentagon said so. Then more."
    spans = sentences(text)
    assert [text[a:b] for a, b in spans] == [
        "U.S. forces struck on Jan. 4 in Baghdad.", "The Pentagon said so.", "Then more."]


def test_clauses_split_separate_events() -> None:
    text = ("A US drone strike in Jadriya killed a member on Thursday, while a separate "
            "roadside bomb in Fallujah wounded three policemen.")
    parts = [text[a:b] for a, b in clauses(text, 0, len(text))]
    assert len(parts) == 2
    assert parts[1].startswith("a separate roadside bomb")


@pytest.mark.parametrize(("token", "value"), [("three", 3), ("40", 40), ("1,200", 1200),
                                              ("twenty-one", 21), ("dozens", 12), ("x", None),
                                              ("a dozen", 12), ("two hundred", 200),
                                              ("one hundred and fifty", 150),
                                              ("hundreds", 100), ("several", 10),
                                              ("many", 10), ("three thousand", 3000)])
def test_word_number(token: str, value: int | None) -> None:
    assert word_number(token) == value


@pytest.mark.parametrize("phrase", ["on Fr\u0131day", "on \u017funday", "on FR\u0130DAY",
                                    "in Augu\u017ft 2023"])
def test_names_spelled_with_lookalike_letters_do_not_crash(phrase: str) -> None:
    # re.IGNORECASE matches dotless i and long s to ASCII letters; the tables must too.
    resolved = resolve_date(f"A drone hit the base {phrase}.", THU)
    assert resolved is not None
