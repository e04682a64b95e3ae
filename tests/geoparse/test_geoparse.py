"""Geoparsing news text into incidents: the scenario reports, the gold set, the CLI."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest
from support import TEST_DATA

from geoconflict.geoparse._parser import parse_reports, parse_text
from geoconflict.geoparse._scoring import load_reports, score_reports

GOLD = TEST_DATA / "geoparse" / "reports.yml"

MASHTAL = (
    "A US drone strike hit a car on a main road in the Mashtal neighbourhood of eastern "
    "Baghdad on Wednesday night, killing three people, Iraqi security sources said. Among "
    "the dead was a senior commander of Kataib Hezbollah, the Iran-backed militia."
)
TOWER_22 = (
    "Three US troops were killed and more than 40 were injured when a one-way attack drone "
    "struck Tower 22, a small US base in northeast Jordan near the border with Syria, on "
    "Sunday. The Islamic Resistance in Iraq claimed the attack."
)


def test_mashtal_strike_is_located_in_the_neighbourhood() -> None:
    result = parse_text(MASHTAL, published="2024-02-08")
    assert len(result.incidents) == 1
    inc = result.incidents.iloc[0]
    assert "Mashtal" in inc["location"]
    assert inc["event_date"] == pd.Timestamp("2024-02-07")
    assert inc["time_precision"] == 1
    assert inc["event_type"] == "Explosions/Remote violence"
    assert inc["sub_event_type"] == "Air/drone strike"
    assert inc["fatalities"] == 3
    assert inc["actor1"] == "US forces"
    assert inc["country"] == "IRQ"
    # in eastern Baghdad, not at the city's centroid (44.37 E)
    assert inc.geometry.x > 44.43
    assert "Mashtal" in inc["notes"]
    roles = dict(zip(result.mentions["surface"], result.mentions["role"], strict=True))
    assert roles["Mashtal"] == "event location"
    assert roles["Baghdad"] == "mention"
    assert set(result.actors["actor"]) >= {"US forces", "Kataib Hezbollah"}


def test_tower_22_is_in_jordan_and_syria_is_only_mentioned() -> None:
    result = parse_text(TOWER_22, published="2024-01-29")
    assert len(result.incidents) == 1  # "claimed the attack" refers back, no new incident
    inc = result.incidents.iloc[0]
    assert inc["location"] == "Tower 22"
    assert inc["country"] == "JOR"
    assert inc["event_date"] == pd.Timestamp("2024-01-28")
    assert inc["fatalities"] == 3
    assert inc["injuries"] == 40
    roles = result.mentions.set_index("surface")["role"]
    assert roles["Syria"] == "origin"  # "the border with Syria"
    assert roles["Jordan"] == "mention"
    # "Iraq" inside "Islamic Resistance in Iraq" names an actor, not a place
    assert "Iraq" not in set(result.mentions.loc[result.mentions["role"] == "mention",
                                                  "surface"])


def test_attributive_country_is_not_a_location() -> None:
    result = parse_text("Iran-backed militants fired a missile at a ship in the Strait of "
                        "Hormuz on Sunday.", published="2024-02-12")
    roles = result.mentions.set_index("surface")["role"]
    assert roles["Iran"] == "attribute"
    assert result.incidents.iloc[0]["location"].startswith("Strait of Hormuz")
    assert result.incidents.iloc[0]["event_date"] == pd.Timestamp("2024-02-11")


def test_two_events_in_one_sentence() -> None:
    text = ("A US drone strike in Jadriya killed a member of Kataib Hezbollah on Thursday, "
            "while a separate roadside bomb in Fallujah wounded three policemen.")
    incidents = parse_text(text, published="2024-01-19").incidents
    assert list(incidents["sub_event_type"]) == ["Air/drone strike",
                                                 "Remote explosive/landmine/IED"]
    assert list(incidents["fatalities"]) == [1, 0]
    assert list(incidents["injuries"].astype("Int64")) == [pd.NA, 3] or \
        incidents["injuries"].iloc[1] == 3
    assert (incidents["event_date"] == pd.Timestamp("2024-01-18")).all()


def test_without_publication_date_relative_dates_stay_unknown() -> None:
    incidents = parse_text(MASHTAL).incidents
    assert pd.isna(incidents["event_date"].iloc[0])
    dated = parse_text("A rocket hit Erbil on 15 January 2024, killing four people.").incidents
    assert dated["event_date"].iloc[0] == pd.Timestamp("2024-01-15")


def test_no_event_no_incident() -> None:
    result = parse_text("Officials met in Baghdad and Amman to discuss trade.",
                        published="2024-02-01")
    assert len(result.incidents) == 0
    assert set(result.mentions["surface"]) == {"Baghdad", "Amman"}


def test_parse_reports_batches_into_one_frame() -> None:
    frame = parse_reports([MASHTAL, TOWER_22], published=["2024-02-08", "2024-01-29"],
                          sources=["a", "b"])
    assert list(frame["report"]) == [0, 1]
    assert list(frame["source"]) == ["a", "b"]
    assert list(frame["event_id"]) == ["TXT-0-1", "TXT-1-1"]


@pytest.mark.slow
def test_gold_set_meets_the_targets() -> None:
    reports = load_reports(GOLD)
    assert len(reports) >= 40
    scores = score_reports(reports)
    detail = "\n".join(scores.failures)
    assert scores.toponym_f1 >= 0.90, detail
    assert scores.accuracy_161km >= 0.95, detail
    assert scores.incident_location >= 0.85, detail


def test_cli_parse_to_geojson_and_mentions(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    report = tmp_path / "report.txt"
    report.write_text(MASHTAL, encoding="utf-8")
    proc = run_cli("parse", str(report), "--published", "2024-02-08",
                   "--mentions", str(tmp_path / "mentions.csv"))
    doc = json.loads(proc.stdout)
    assert doc["type"] == "FeatureCollection"
    (feature,) = doc["features"]
    assert "Mashtal" in feature["properties"]["location"]
    assert feature["properties"]["event_date"] == "2024-02-07"
    assert feature["properties"]["fatalities"] == 3
    assert feature["properties"]["source"] == "report.txt"
    mentions = pd.read_csv(tmp_path / "mentions.csv")
    assert {"Mashtal", "Baghdad"} <= set(mentions["surface"])
    # The mention contract, with the coordinate columns every CSV the project writes has.
    assert {"start", "end", "role", "is_place", "longitude", "latitude"} <= set(mentions.columns)
    assert mentions["is_place"].dtype == bool
    assert dict(zip(mentions["surface"], mentions["is_place"], strict=True))["Iraqi"]
    assert not {"lon", "lat"} & set(mentions.columns)
    baghdad = mentions[mentions["surface"] == "Baghdad"].iloc[0]
    assert baghdad["longitude"] == pytest.approx(44.4, abs=0.3)
    assert baghdad["latitude"] == pytest.approx(33.3, abs=0.3)
    assert "1 incidents" in proc.stderr


def test_cli_parse_stdin_and_bad_date(run_cli) -> None:  # type: ignore[no-untyped-def]
    proc = run_cli("parse", "-", "--published", "2024-01-29", input=TOWER_22)
    assert json.loads(proc.stdout)["features"][0]["properties"]["location"] == "Tower 22"
    bad = run_cli("parse", "-", "--published", "29/01/2024", input=TOWER_22, check=False)
    assert bad.returncode == 2
    assert "--published" in bad.stderr


def test_published_accepts_dates() -> None:
    result = parse_text(TOWER_22, published=dt.date(2024, 1, 29))
    assert result.published == dt.date(2024, 1, 29)


def test_cli_parse_sequence_and_geopackage(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import pyogrio

    seq = run_cli("parse", "-", "--published", "2024-01-29", "--seq", input=TOWER_22).stdout
    records = [json.loads(chunk) for chunk in seq.split("\x1e") if chunk.strip()]
    assert [r["properties"]["location"] for r in records] == ["Tower 22"]
    gpkg = tmp_path / "incidents.gpkg"
    run_cli("parse", "-", "--published", "2024-01-29", "-o", str(gpkg), input=TOWER_22)
    frame = pyogrio.read_dataframe(gpkg)
    assert list(frame["location"]) == ["Tower 22"]


def test_casualties_belong_to_their_incident() -> None:
    text = ("A drone strike hit a car in Jadriya on Thursday, killing at least 11 people. "
            "The war has killed 27,000 people, according to the health ministry. "
            "The US has about 2,500 troops stationed in Iraq. "
            "Since October, militias have launched more than 160 attacks on US forces. "
            "Last year, 50 people were killed in Jadriya.")
    incidents = parse_text(text, published="2024-01-19").incidents
    assert len(incidents) == 1
    assert incidents["fatalities"].iloc[0] == 11
    assert incidents["event_date"].iloc[0] == pd.Timestamp("2024-01-18")


def test_numbers_as_reporters_write_them() -> None:
    text = ("Gunmen attacked a village near Mosul on Monday, killing a dozen soldiers "
            "and one hundred and fifty civilians.")
    incidents = parse_text(text, published="2024-01-19").incidents
    assert list(incidents["fatalities"]) == [162]


@pytest.mark.parametrize(("phrase", "kept"), [("on 29 May 1453", None),
                                              ("on 14 July 1789", "1789-07-14"),
                                              ("on 2999-01-01", None),
                                              ("on 1 January 1600", None)])
def test_dates_of_any_year_do_not_crash(phrase: str, kept: str | None) -> None:
    text = f"Ottoman artillery shelled the walls of Constantinople {phrase}, killing 40 people."
    result = parse_text(text, published="2024-01-01")
    (inc,) = result.incidents.itertuples()
    assert inc.fatalities == 40
    if kept is None:
        assert pd.isna(inc.event_date)
        assert "left empty" in inc.notes
        assert "event_date holds 1677-09-22 to 2262-04-10" in inc.notes
    else:
        assert inc.event_date == pd.Timestamp(kept)
        assert "left empty" not in inc.notes
    batch = parse_reports([text, text], published="2024-01-01", workers=1)
    assert len(batch) == 2


@pytest.mark.parametrize(("text", "expected"), [
    # A follow-up that names a wider place refines the incident, it does not add one.
    ("A drone struck Tower 22 in north-east Jordan on Sunday. Three US soldiers were killed "
     "in the drone attack in Jordan.", [("Tower 22", "Air/drone strike", 3)]),
    ("Israeli warplanes struck Rafah on Monday. The strikes on Rafah killed 12 people.",
     [("Rafah", "Air/drone strike", 12)]),
    # Escalation: police intervention turns the protest into a protest with intervention.
    ("Hundreds of people protested in Basra on Friday. Police later fired tear gas to "
     "disperse the protesters in Basra.", [("Basra", "Protest with intervention", 0)]),
    # No deaths reported: 0 fatalities, as ACLED codes it.
    # Two events, on two days or said to be separate, stay two.
    ("A drone struck Erbil on Monday. On Tuesday, a drone struck Kirkuk.",
     [("Erbil", "Air/drone strike", 0), ("Kirkuk", "Air/drone strike", 0)]),
    ("A roadside bomb hit a patrol in Fallujah on Monday. A separate roadside bomb exploded "
     "in Fallujah later that day.", [("Fallujah", "Remote explosive/landmine/IED", 0),
                                     ("Fallujah", "Remote explosive/landmine/IED", 0)]),
])
def test_one_incident_per_reported_event(text: str, expected: list[tuple[str, str, int | None]]
                                         ) -> None:
    incidents = parse_text(text, published="2024-02-13").incidents
    # The place as the text writes it (the incident's mention), not the gazetteer's name.
    got = [(text[int(row.mention_start):].split(" ")[0].rstrip(".,"), row.sub_event_type,
            None if pd.isna(row.fatalities) else int(row.fatalities))
           for row in incidents.itertuples()]
    assert [(loc.split(" ")[0], sub, fat) for loc, sub, fat in expected] == got


@pytest.mark.parametrize(("text", "event_type", "sub_event_type"), [
    ("Thousands of people rallied in Basra on Friday against power cuts.", "Protests",
     "Peaceful protest"),
    ("Rioters set fire to the governor's office in Basra on Friday.", "Riots",
     "Violent demonstration"),
    ("Police arrested five men in Basra on Friday.", "Strategic developments", "Arrests"),
    ("The army recaptured Tal Afar on Friday.", "Battles", "Government regains territory"),
    ("Gunmen kidnapped a journalist in Basra on Friday.", "Violence against civilians",
     "Abduction/forced disappearance"),
    ("Air defences shot down a drone over Erbil on Friday.", "Strategic developments",
     "Disrupted weapons use"),
    ("SDF fighters withdrew from Manbij on Friday.", "Strategic developments",
     "Non-violent transfer of territory"),
])
def test_every_acled_event_type(text: str, event_type: str, sub_event_type: str) -> None:
    from geoconflict.schema import ACLED_SUB_EVENT_TYPES

    (inc,) = parse_text(text, published="2024-02-13").incidents.itertuples()
    assert (inc.event_type, inc.sub_event_type) == (event_type, sub_event_type)
    assert isinstance(inc.location, str)  # located: "withdrew from Manbij" is the site
    assert sub_event_type in ACLED_SUB_EVENT_TYPES[event_type]
    assert inc.event_date == pd.Timestamp("2024-02-09")


CONTRACT = ("Washington said the White House would respond. Moscow denied any role. "
            "Syrian and Iraqi officials met in Amman, SANA and Reuters reported, after "
            "President Assad spoke to Ali. US troops are in Iraq, according to the New York "
            "Times. The Islamic Resistance in Iraq fired rockets from Syria.")


def test_mentions_contract_columns() -> None:
    mentions = parse_text(CONTRACT, published="2024-02-01").mentions
    assert {"start", "end", "lon", "lat", "role", "is_place"} <= set(mentions.columns)
    assert mentions["is_place"].dtype == bool
    for row in mentions.itertuples():
        assert CONTRACT[row.start:row.end] == row.surface


def test_places_and_roles_are_kept_apart() -> None:
    mentions = parse_text(CONTRACT, published="2024-02-01").mentions
    by = {(row.surface, row.start): row for row in mentions.itertuples()}
    first = {surface: row for (surface, _), row in sorted(by.items(), key=lambda i: i[0][1],
                                                          reverse=True)}
    # Places that are never an incident's site.
    for surface, role in [("Washington", "metonym"), ("White House", "metonym"),
                          ("Moscow", "metonym"), ("Syrian", "demonym"), ("Iraqi", "demonym"),
                          ("US", "demonym"), ("Syria", "origin")]:
        assert (first[surface].role, first[surface].is_place) == (role, True), surface
    assert first["Syrian"].name == "Syria"
    assert first["Syrian"].lon == pytest.approx(38.3, abs=1.5)
    assert first["White House"].lon == pytest.approx(-77.04, abs=0.01)
    # "Iraq" inside an actor's name is a place, but no site.
    actor_iraq = [r for r in mentions.itertuples() if r.surface == "Iraq"
                  and r.role == "actor name"]
    assert actor_iraq
    assert actor_iraq[0].is_place
    # Not places at all.
    for surface in ("SANA", "Assad", "Ali", "New York"):
        if surface in first:
            assert not first[surface].is_place, surface
            assert first[surface].role in ("person", "organisation"), surface
    assert "Reuters" not in set(mentions.loc[mentions["is_place"], "surface"])
    # The only literal places: Amman and Iraq (in "US troops are in Iraq").
    literal = set(mentions.loc[mentions["role"].isin(["mention", "event location"]), "surface"])
    assert literal == {"Amman", "Iraq"}


@pytest.mark.parametrize("transform", [str.lower, str.upper])
def test_toponyms_without_letter_case(transform) -> None:  # type: ignore[no-untyped-def]
    text = transform("A drone strike hit a base near Mosul in northern Iraq on Sunday, "
                     "killing two soldiers, officials in Baghdad and Damascus said.")
    result = parse_text(text, published="2024-02-12")
    places = set(result.mentions.loc[result.mentions["is_place"], "surface"].str.lower())
    assert {"mosul", "iraq", "baghdad", "damascus"} <= places
    assert not {"said", "base", "drone"} & places
    (inc,) = result.incidents.itertuples()
    assert text[int(inc.mention_start):].lower().startswith("mosul")
    assert inc.fatalities == 2


SCENARIO = ("A drone attack at Tower 22, a US base in north-east Jordan, killed 3 US soldiers "
            "and injured more than 40, according to a report by the New York Times")
SCENARIO_REPORT = (
    SCENARIO + ". Washington said Iran-backed militias were behind the attack, and the White "
    "House promised a response. The war in Gaza has killed 27,000 people, according to the "
    "health ministry there. The US has about 3,000 troops stationed in Jordan.")


@pytest.mark.parametrize("text", [SCENARIO, SCENARIO_REPORT, SCENARIO.lower()])
def test_scenario_one_incident_at_tower_22(text: str) -> None:
    result = parse_text(text, published="2024-01-29")
    (inc,) = result.incidents.itertuples()
    assert inc.location == "Tower 22"
    assert inc.country == "JOR"
    assert inc.fatalities == 3
    assert inc.injuries == 40
    assert inc.sub_event_type == "Air/drone strike"
    assert inc.geometry.x == pytest.approx(38.70, abs=0.05)
    roles = {row.surface.lower(): (row.role, row.is_place)
             for row in result.mentions.itertuples()}
    assert roles["tower 22"] == ("event location", True)
    assert roles["new york"] == ("organisation", False)  # the outlet, not the city
    if text is SCENARIO_REPORT:
        assert roles["washington"] == ("metonym", True)
        assert roles["white house"] == ("metonym", True)


def test_find_places_tower_22_after_at() -> None:
    # The geocoder reads lower-case "at" before a t-word as the English preposition, not
    # the assimilated article of "at-Tanf".
    from geoconflict.geocoder import find_places

    assert "Tower 22" in [m["name"] for m in find_places("a drone attack at Tower 22, a US base")]


def test_an_unplaced_event_takes_its_own_sentence_place() -> None:
    text = ("Officials from Baghdad and Amman met on Monday. A drone struck a base near Erbil "
            "on Monday; on Tuesday, rockets hit a convoy.")
    incidents = parse_text(text, published="2024-02-14").incidents
    assert list(incidents["location"]) == ["Erbil", "Erbil"]
    assert list(incidents["event_date"].dt.day) == [12, 13]


@pytest.mark.parametrize(("text", "surface"), [
    ("President Bashar al-Assad spoke in Damascus.", "Assad"),
    ("Sheikh Ali met officials in Baghdad.", "Ali"),
    ("Defence Secretary Lloyd Austin visited Amman.", "Austin"),
])
def test_person_names_are_not_places(text: str, surface: str) -> None:
    mentions = parse_text(text).mentions
    rows = mentions[mentions["surface"].str.contains(surface)]
    assert (rows["role"].isin(["person", "name part"]) & ~rows["is_place"]).all()
    assert mentions.loc[mentions["is_place"], "role"].isin(["mention", "event location"]).all()
    assert mentions["is_place"].sum() == 1


def test_a_place_followed_by_its_parent_is_one_place() -> None:
    """"in Mashtal, Baghdad" says where Mashtal is: one incident with its casualties, not a
    list of two places; a real list of towns stays a list."""
    one = parse_text("A drone strike hit a car in Mashtal, Baghdad on Monday, killing 3.",
                     published="2024-02-08").incidents
    assert one["location"].tolist() == ["Mashtal"]
    assert one["fatalities"].tolist() == [3]
    listed = parse_text("Air strikes hit Al-Mayadin, Abu Kamal and Deir ez-Zor on Friday.",
                        published="2024-02-08").incidents
    assert len(listed) == 3
