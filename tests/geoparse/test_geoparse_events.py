"""Event extraction on the grammar of wire headlines and ACLED-style notes.

Every sentence here is invented for the tests (no text from an evaluation set).
"""

from __future__ import annotations

import pandas as pd
import pytest

from geoconflict.geoparse import parse_text
from geoconflict.geoparse._events import classify_event
from geoconflict.geoparse._textrules import casualties


@pytest.mark.parametrize(
    ("clause", "killed", "injured"),
    [
        ("Roadside bombs kill 14 on a highway", 14, None),
        ("Raids on police posts kill at least six", 6, None),
        ("Militants execute five shepherds", 5, None),
        ("Gunmen slaughter 9 villagers at a farm", 9, None),
        ("An army officer killed, four wounded in an ambush", 1, 4),
        ("A farmer was reportedly killed near the river", 1, None),
        ("Clashes wound seven", 0, 7),
        ("Two fatalities were reported", 2, None),
        ("1 fatality.", 1, None),
        ("Three rebels, two farmers and a boy killed in shelling", 6, None),
        ("On 9 May, two farmers were killed", 2, None),
        ("Troops 'kill' eleven insurgents", 11, None),
        ('The group "executed" 4 captives', 4, None),
        ("Militants kill abducted local official", 1, None),
        ("Gunmen stopped a trader on the road, shooting him dead", 1, None),
        ("Families clashed, resulting in the death of 3 people and the injury of five", 3, 5),
        ("The bodies of 4 men were found on a farm", 4, None),
        ("Border guards shot dead 2 porters near the crossing", 2, None),
        ("A woman was stabbed to death in her home", 1, None),
        ("A drone hit a car, killing its driver", 1, None),
        ("The blast hit a bus, killing the driver and 2 passengers", 3, None),
        ("The missile struck the van, killing all 4 passengers", 4, None),
        ("The strike hit a house, killing the militants inside", None, None),
        ("Unknown men assassinated a former council member", 1, None),
        ("A suicide bomber detonated his belt at a checkpoint, killing himself", 1, None),
    ],
)
def test_counts_after_present_tense_and_other_verbs(clause: str, killed: int | None,
                                                    injured: int | None) -> None:
    got = casualties(clause)
    assert (got.killed, got.injured) == (killed, injured)


@pytest.mark.parametrize(
    ("clause", "event_type"),
    [
        ("Twelve killed in a village east of the city", "Violence against civilians"),
        ("Gunmen kill four relatives of a teacher", "Violence against civilians"),
        ("Dozens of insurgents killed near the dam", "Battles"),
        ("Army kills 30 militants in the hills", "Battles"),
        ("Drive-by shooting kills 3 at a cafe", "Violence against civilians"),
        ("The group executes two men accused of spying", "Violence against civilians"),
        ("Bombings in the capital kill 8", "Explosions/Remote violence"),
        ("Rebels storm a police station", "Battles"),
        ("Army troops retake two villages", "Battles"),
        ("Rebels kill dozens of Islamic State fighters", "Battles"),
        ("Militants kill five relatives of a soldier", "Violence against civilians"),
        ("Blasts at an election rally kill 9", "Explosions/Remote violence"),
        ("Teachers held a rally during a general strike", "Protests"),
        ("Nurses gathered outside the hospital to demand unpaid wages", "Protests"),
        ("Families held a vigil for the missing", "Protests"),
        ("People gathered in Hilla (Babil) to denounce the power cuts", "Protests"),
        ("Border guards seized a weapons cache near the river", "Strategic developments"),
        ("The militia held a military parade in the city", "Strategic developments"),
        ("Police announced the capture of a militant leader in a raid", "Strategic developments"),
        ("Soldiers shot and killed a man at a checkpoint", "Violence against civilians"),
        ("Soldiers shot and killed a militant at a checkpoint", "Battles"),
        ("A man was killed in a tribal dispute over land", "Battles"),
        ("Riot police arrested 20 demonstrators outside the ministry", "Protests"),
        ("Police found a mass grave with the remains of 20 people", "Strategic developments"),
        ("Youths threw stones at a patrol", "Riots"),
        ("A boy was killed when unexploded ordnance went off", "Explosions/Remote violence"),
        ("Two clans fought over farmland", "Battles"),
        ("Guards tortured a detainee", "Violence against civilians"),
        ("Three bodies found dumped near a highway", "Violence against civilians"),
        ("Villagers repel an attack by raiders", "Battles"),
    ],
)
def test_killings_without_another_event_word(clause: str, event_type: str) -> None:
    kind = classify_event(clause)
    assert kind is not None
    assert kind[0] == event_type


@pytest.mark.parametrize("clause", ["The group vowed to kill anyone who collaborates",
                                    "Officials said the militia would kill hostages"])
def test_a_threat_to_kill_is_no_event(clause: str) -> None:
    assert classify_event(clause) is None


def test_a_bare_killing_after_an_event_is_its_toll() -> None:
    text = ("A drone struck a truck near Tikrit on Monday. Four fighters were killed "
            "and two were wounded.")
    (inc,) = parse_text(text, published="2024-03-06").incidents.itertuples()
    assert inc.sub_event_type == "Air/drone strike"
    assert (inc.fatalities, inc.injuries) == (4, 2)


def test_acled_style_note() -> None:
    text = ("On 12 April 2024, unidentified gunmen shot and killed a shepherd near Tuz "
            "Khurmatu (Salah al-Din governorate). 1 fatality.")
    (inc,) = parse_text(text, published="2024-04-20").incidents.itertuples()
    assert str(inc.event_date.date()) == "2024-04-12"
    assert inc.event_type == "Violence against civilians"
    assert inc.fatalities == 1
    assert inc.country == "IRQ"


def test_victims_are_not_the_attacker() -> None:
    text = ("A one-way drone struck a small base in north-east Jordan on Sunday, killing "
            "two US service members.")
    (inc,) = parse_text(text, published="2024-05-06").incidents.itertuples()
    assert pd.isna(inc.actor1)
    assert inc.actor2 == "US forces"


def test_an_agent_named_by_a_by_phrase() -> None:
    text = ("Two US troops were wounded when a drone launched by Iran-backed militias hit "
            "a base in eastern Syria on Friday.")
    (inc,) = parse_text(text, published="2024-05-06").incidents.itertuples()
    assert inc.actor1 == "Iran-backed militias"
    assert inc.actor2 == "US forces"


@pytest.mark.parametrize(
    ("text", "location"),
    [
        ("Blasts in Iraq's Basra kill 6", "Basrah"),
        ("Three Mosul car bombs kill 20", "Mosul"),
        ("Rockets hit Sunni Fallujah districts, killing 4", "Al Fallūjah"),
        ("Four fighters were killed in Kirkuk on Monday", "Kirkuk"),
        ("Clashes kill 5 in Syrian Raqqa", "Ar Raqqah"),
    ],
)
def test_places_as_adjectives_and_after_an_owner(text: str, location: str) -> None:
    (inc,) = parse_text(text, published="2024-05-06").incidents.itertuples()
    assert inc.location == location


def test_a_country_qualifying_a_noun_places_an_unplaced_event() -> None:
    (inc,) = parse_text("Syria bombings kill 12", published="2024-05-06").incidents.itertuples()
    assert inc.country == "SYR"
    assert inc.geo_precision == 3
    # who backs an actor says nothing of where the event is
    (inc,) = parse_text("Iran-backed gunmen kill 3 guards",
                        published="2024-05-06").incidents.itertuples()
    assert pd.isna(inc.location)


def test_acled_style_note_admin_units_in_parentheses() -> None:
    # The village is unknown to the gazetteer; its district and governorate follow it
    # in parentheses: one incident, in the district, approximate, with the note's toll.
    text = ("On 3 July 2024, military forces carried out drone strikes near Qalat Gharb "
            "(Soran district, Erbil governorate). 2 fatalities.")
    (inc,) = parse_text(text, published="2024-07-10").incidents.itertuples()
    assert inc.location == "Soran"
    assert inc.geo_precision == 2
    assert inc.fatalities == 2


def test_acled_style_note_dated_in_its_first_sentence() -> None:
    text = ("On 14 August 2024, the body of a man bearing stab wounds was found in Baquba "
            "(Diyala). 1 fatality.")
    (inc,) = parse_text(text, published="2024-08-20").incidents.itertuples()
    assert str(inc.event_date.date()) == "2024-08-14"
    assert inc.event_type == "Violence against civilians"
    assert inc.fatalities == 1
    assert inc.location != "14 August"


@pytest.mark.parametrize(
    ("text", "event_type", "actor1", "actor2"),
    [
        ("On 2 May 2024, police forces shot and killed a young man near Karbala. 1 fatality.",
         "Violence against civilians", None, None),
        ("On 2 May 2024, ISIS militants attacked a PMF checkpoint near Tikrit, killing a PMF "
         "member. 1 fatality.", "Battles", "Islamic State", "Popular Mobilisation Forces"),
        ("On 2 May 2024, Houthi forces shelled a village near Taiz, wounding a child.",
         "Explosions/Remote violence", "Houthis", None),
    ],
)
def test_acled_style_note_target_and_actors(text: str, event_type: str, actor1: str | None,
                                            actor2: str | None) -> None:
    (inc,) = parse_text(text, published="2024-05-10").incidents.itertuples()
    assert inc.event_type == event_type
    assert (None if pd.isna(inc.actor1) else inc.actor1) == actor1
    assert (None if pd.isna(inc.actor2) else inc.actor2) == actor2


def test_acled_style_note_lower_case_admin_noun() -> None:
    # "Al-Daur" is another spelling of Ad Dawr; "district" says the writer means the place.
    text = ("On 9 September 2024, gunmen shot and killed a farmer in a village of Al-Daur "
            "district (Salah al-Din governorate). 1 fatality.")
    (inc,) = parse_text(text, published="2024-09-15").incidents.itertuples()
    assert inc.location == "Ad Dawr"
    assert inc.fatalities == 1


def test_a_part_in_past_attacks_is_no_event() -> None:
    text = ("A drone strike hit a car in Baghdad on Wednesday, killing a commander. "
            "He had directed attacks on US forces in Iraq and Syria, officials said.")
    incidents = parse_text(text, published="2024-02-08").incidents
    assert incidents["location"].tolist() == ["Baghdad"]


def test_a_speaker_is_no_party_to_the_event() -> None:
    text = "The Pentagon said a drone attack killed three soldiers at a base in Jordan."
    (inc,) = parse_text(text, published="2024-01-29").incidents.itertuples()
    assert pd.isna(inc.actor1)


def test_an_acled_note_always_tells_one_event() -> None:
    # No rule types a joint exercise, but a dated note with admin units is one event.
    note = ("On 14 May 2024, government forces and their allies conducted a joint "
            "military exercise in Latakia (Latakia).")
    (inc,) = parse_text(note, published="2024-06-01").incidents.itertuples()
    assert (inc.event_type, inc.sub_event_type) == ("Strategic developments", "Other")
    assert str(inc.event_date.date()) == "2024-05-14"
    # The same words in news prose (no note opening, no admin units) make no incident.
    news = "Government forces conducted a joint military exercise in Latakia."
    assert parse_text(news, published="2024-06-01").incidents.empty


def test_molotov_cocktails_are_not_the_city() -> None:
    text = ("On 8 October 2019, demonstrators threw Molotov cocktails at police in "
            "Amarah (Maysan).")
    (inc,) = parse_text(text, published="2019-10-09").incidents.itertuples()
    assert (inc.event_type, inc.country) == ("Riots", "IRQ")
