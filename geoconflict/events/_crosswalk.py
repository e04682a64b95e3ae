"""Crosswalk tables: how each source's columns and codes map onto the incident schema.

The knowledge lives here as data, in one place, so that the docs (Ingest) and the readers
cannot drift apart: the docs quote these tables and the tests assert on them.

Sources of the codes
--------------------
- ACLED: *ACLED Codebook* (2023 revision; event types and sub-event types in
  :data:`geoconflict.schema.ACLED_SUB_EVENT_TYPES`) and the column sets of its exports.
- UCDP GED: *UCDP Georeferenced Event Dataset Codebook* (version 23.1 and later):
  ``type_of_violence`` 1-3, ``where_prec`` 1-7, ``date_prec`` 1-5, ``best``/``low``/``high``.
- GDELT: *The GDELT Event Database Data Format Codebook V2.0* (column order of the
  tab-separated ``*.export.CSV`` files, ``ActionGeo_Type`` 1-5) and the *CAMEO Conflict
  and Mediation Event Observations Codebook* (root codes 01-20).
"""

from __future__ import annotations

__all__ = [
    "ACLED_COLUMNS",
    "ACLED_LEGACY_EVENT_TYPES",
    "CAMEO_CODE_TO_ACLED",
    "CAMEO_ROOT_TO_ACLED",
    "GDELT_COLUMNS",
    "GDELT_GEO_TYPE",
    "GDELT_LAYOUTS",
    "GDELT_LAYOUT_NAMES",
    "GDELT_V1_COLUMNS",
    "GENERIC_ALIASES",
    "HXL_TAGS",
    "LAT_ALIASES",
    "LON_ALIASES",
    "UCDP_COLUMNS",
    "UCDP_DATE_PREC",
    "UCDP_VIOLENCE_TO_ACLED",
    "UCDP_WHERE_PREC",
    "WKT_ALIASES",
]

# --------------------------------------------------------------------------- ACLED
#: ACLED column (lower-cased; old exports are upper-case) -> canonical column.
#: ``ally_actor_*`` is the pre-2019 name of ``assoc_actor_*``; it is kept as-is.
ACLED_COLUMNS: dict[str, str] = {
    "event_id_cnty": "event_id",
    "event_date": "event_date",
    "time_precision": "time_precision",
    "event_type": "event_type",
    "sub_event_type": "sub_event_type",
    "actor1": "actor1",
    "actor2": "actor2",
    "admin1": "admin1",
    "location": "location",
    "geo_precision": "geo_precision",
    "fatalities": "fatalities",
    "source": "source",
    "notes": "notes",
}

#: Event types of ACLED exports before the 2019 codebook -> (event type, sub-event type).
#: Rows keep the original label in ``event_type_original``.
ACLED_LEGACY_EVENT_TYPES: dict[str, tuple[str, str | None]] = {
    "Battle-No change of territory": ("Battles", "Armed clash"),
    "Battle-Government regains territory": ("Battles", "Government regains territory"),
    "Battle-Non-state actor overtakes territory": (
        "Battles", "Non-state actor overtakes territory"),
    "Remote violence": ("Explosions/Remote violence", None),
    "Riots/Protests": ("Protests", None),
    "Strategic development": ("Strategic developments", None),
    "Headquarters or base established": (
        "Strategic developments", "Headquarters or base established"),
    "Non-violent transfer of territory": (
        "Strategic developments", "Non-violent transfer of territory"),
    "Violence against civilians": ("Violence against civilians", None),
}

# ---------------------------------------------------------------------------- UCDP
#: UCDP GED column -> canonical column (``best`` is the best estimate of deaths).
UCDP_COLUMNS: dict[str, str] = {
    "id": "event_id",
    "date_start": "event_date",
    "side_a": "actor1",
    "side_b": "actor2",
    "adm_1": "admin1",
    "where_coordinates": "location",
    "best": "fatalities",
    "source_article": "source",
    "source_headline": "notes",
}

#: UCDP ``where_prec`` -> (geo_precision, uncertainty_m, UCDP's meaning).
#: Radii: 1 a town footprint; 2 the 25 km UCDP states; 3 a district; 4 a province;
#: 5 a stretch of road or river; 6 a country; 7 a sea or airspace region.
UCDP_WHERE_PREC: dict[int, tuple[int, float, str]] = {
    1: (1, 2_000.0, "exact location (village, town, city)"),
    2: (2, 25_000.0, "within about 25 km of a known point"),
    3: (2, 40_000.0, "only the second-order administrative division (district) is known"),
    4: (3, 100_000.0, "only the first-order administrative division (province) is known"),
    5: (2, 50_000.0, "a linear feature (road, river, border) or between several places"),
    6: (3, 300_000.0, "only the country is known"),
    7: (3, 300_000.0, "international waters or airspace"),
}

#: UCDP ``date_prec`` (1 exact day ... 5 more than a month) -> ACLED ``time_precision``
#: (1 day, 2 week, 3 month).
UCDP_DATE_PREC: dict[int, int] = {1: 1, 2: 2, 3: 2, 4: 3, 5: 3}

#: UCDP ``type_of_violence`` -> (ACLED event type, sub-event type, UCDP's meaning).
#: UCDP does not say *how* violence was done (an air strike and a firefight are both
#: state-based), so state-based and non-state events map to Battles/Armed clash.
UCDP_VIOLENCE_TO_ACLED: dict[int, tuple[str, str, str]] = {
    1: ("Battles", "Armed clash", "state-based armed conflict"),
    2: ("Battles", "Armed clash", "non-state conflict"),
    3: ("Violence against civilians", "Attack", "one-sided violence against civilians"),
}

# --------------------------------------------------------------------------- GDELT
_GEO_FIELDS = ("Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long",
               "FeatureID")
_ACTOR_FIELDS = ("Code", "Name", "CountryCode", "KnownGroupCode", "EthnicCode",
                 "Religion1Code", "Religion2Code", "Type1Code", "Type2Code", "Type3Code")

#: The 61 columns of a GDELT 2.0 ``*.export.CSV`` file, in order (GDELT 2.0 codebook).
GDELT_COLUMNS: tuple[str, ...] = (
    "GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate",
    *(f"Actor1{f}" for f in _ACTOR_FIELDS),
    *(f"Actor2{f}" for f in _ACTOR_FIELDS),
    "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass",
    "GoldsteinScale", "NumMentions", "NumSources", "NumArticles", "AvgTone",
    *(f"Actor1Geo_{f}" for f in _GEO_FIELDS),
    *(f"Actor2Geo_{f}" for f in _GEO_FIELDS),
    *(f"ActionGeo_{f}" for f in _GEO_FIELDS),
    "DATEADDED", "SOURCEURL",
)
assert len(GDELT_COLUMNS) == 61

_GEO_FIELDS_V1 = tuple(f for f in _GEO_FIELDS if f != "ADM2Code")
#: GDELT 1.0 daily event files (from April 2013): 58 columns, no ``ADM2Code`` fields.
GDELT_V1_COLUMNS: tuple[str, ...] = (
    *GDELT_COLUMNS[:35],
    *(f"Actor1Geo_{f}" for f in _GEO_FIELDS_V1),
    *(f"Actor2Geo_{f}" for f in _GEO_FIELDS_V1),
    *(f"ActionGeo_{f}" for f in _GEO_FIELDS_V1),
    "DATEADDED", "SOURCEURL",
)
assert len(GDELT_V1_COLUMNS) == 58

#: Number of tab-separated columns -> (column names, layout name).
GDELT_LAYOUTS: dict[int, tuple[str, ...]] = {
    57: GDELT_V1_COLUMNS[:-1],  # the 1979-March 2013 backfiles: no SOURCEURL yet
    58: GDELT_V1_COLUMNS,
    61: GDELT_COLUMNS,
}
GDELT_LAYOUT_NAMES: dict[int, str] = {
    57: "GDELT 1.0 backfile (57 columns, 1979-2013)",
    58: "GDELT 1.0 daily (58 columns, 2013-)",
    61: "GDELT 2.0 (61 columns, 2015-)",
}

#: GDELT ``ActionGeo_Type`` -> (geo_precision, uncertainty_m, GDELT's meaning).
#: GDELT places a country or state match at its centroid, so those are region-level.
GDELT_GEO_TYPE: dict[int, tuple[int, float, str]] = {
    1: (3, 300_000.0, "COUNTRY: only the country (centroid)"),
    2: (3, 150_000.0, "USSTATE: a US state (centroid)"),
    3: (1, 5_000.0, "USCITY: a US city or landmark"),
    4: (1, 5_000.0, "WORLDCITY: a city or landmark outside the US"),
    5: (3, 100_000.0, "WORLDSTATE: a first-order division outside the US (centroid)"),
}

#: CAMEO root code -> (ACLED event type, sub-event type, CAMEO's meaning). Root codes
#: absent here (01-13 verbal cooperation/conflict, 16 reduce relations) are not events
#: in ACLED's sense: their ``event_type`` stays empty and the CAMEO code is kept.
CAMEO_ROOT_TO_ACLED: dict[str, tuple[str, str | None, str]] = {
    "14": ("Protests", "Peaceful protest", "protest"),
    "15": ("Strategic developments", "Other", "exhibit military posture"),
    "17": ("Strategic developments", "Other", "coerce"),
    "18": ("Violence against civilians", "Attack", "assault"),
    "19": ("Battles", "Armed clash", "fight"),
    "20": ("Explosions/Remote violence", None, "use unconventional mass violence"),
}

#: More specific CAMEO event (base) codes -> (ACLED event type, sub-event type, meaning).
#: The longest matching prefix of ``EventCode`` wins over the root code.
CAMEO_CODE_TO_ACLED: dict[str, tuple[str, str | None, str]] = {
    "057": ("Strategic developments", "Agreement", "sign formal agreement"),
    "145": ("Riots", "Violent demonstration", "protest violently, riot"),
    "173": ("Strategic developments", "Arrests", "arrest, detain"),
    "181": ("Violence against civilians", "Abduction/forced disappearance",
            "abduct, hijack, take hostage"),
    "1821": ("Violence against civilians", "Sexual violence", "sexually assault"),
    "183": ("Explosions/Remote violence", "Remote explosive/landmine/IED",
            "conduct non-military bombing"),
    "1831": ("Explosions/Remote violence", "Suicide bomb", "carry out suicide bombing"),
    "191": ("Strategic developments", "Other", "impose blockade"),
    "192": ("Battles", "Non-state actor overtakes territory", "occupy territory"),
    "194": ("Explosions/Remote violence", "Shelling/artillery/missile attack",
            "fight with artillery and tanks"),
    "195": ("Explosions/Remote violence", "Air/drone strike", "employ aerial weapons"),
    "1951": ("Explosions/Remote violence", "Air/drone strike", "employ precision-guided"
             " aerial munitions"),
    "1952": ("Explosions/Remote violence", "Air/drone strike",
             "employ remotely piloted aerial munitions"),
    "201": ("Strategic developments", "Other", "engage in mass expulsion"),
    "202": ("Violence against civilians", "Attack", "engage in mass killings"),
    "2041": ("Explosions/Remote violence", "Chemical weapon",
             "use chemical, biological or radiological weapons"),
}

# ------------------------------------------------------------------------- generic
#: Canonical column -> accepted header names in generic CSV/TSV and feature properties,
#: in order of preference. Headers are compared lower-cased, with spaces and dashes
#: as underscores. ACLED and UCDP names are included so their columns map even in a
#: reshaped spreadsheet; Arabic names as Arabic-language sheets head them.
GENERIC_ALIASES: dict[str, tuple[str, ...]] = {
    "event_id": ("event_id", "event_id_cnty", "id", "eventid", "incident_id", "uid"),
    "event_date": ("event_date", "date", "date_start", "incident_date", "day", "datetime",
                   "التاريخ"),
    "time_precision": ("time_precision",),
    "event_type": ("event_type", "type", "category"),
    "sub_event_type": ("sub_event_type", "subtype", "sub_type"),
    "actor1": ("actor1", "actor_1", "actor", "side_a", "perpetrator"),
    "actor2": ("actor2", "actor_2", "side_b", "target"),
    "country": ("country", "iso3", "country_code", "iso_a3", "cc", "البلد", "الدولة"),
    "admin1": ("admin1", "adm_1", "province", "governorate", "state", "المحافظة"),
    "location": ("location", "place", "place_name", "placename", "town", "city", "site",
                 "where_coordinates", "name", "المكان", "الموقع"),
    "geo_precision": ("geo_precision",),
    "uncertainty_m": ("uncertainty_m",),
    "fatalities": ("fatalities", "deaths", "killed", "best", "القتلى"),
    "source": ("source", "sources", "source_url", "url", "source_article"),
    "notes": ("notes", "description", "summary", "details", "الملاحظات"),
    "origin": ("origin",),
}
LAT_ALIASES: tuple[str, ...] = ("latitude", "lat", "y", "lat_dd", "decimal_latitude",
                                "latitude_dd", "lat_deg", "خط_العرض")
LON_ALIASES: tuple[str, ...] = ("longitude", "lon", "lng", "long", "x", "lon_dd",
                                "decimal_longitude", "longitude_dd", "lon_deg", "خط_الطول")
WKT_ALIASES: tuple[str, ...] = ("wkt", "geom_wkt", "geometry", "geom", "the_geom")

# ---------------------------------------------------------------------------- HXL
#: HXL hashtag (the Humanitarian Exchange Language row under an HDX header, lower case,
#: attributes after ``+``) -> canonical column, used when the header names are
#: unfamiliar. The longest matching tag wins (``#date+start`` before ``#date``).
#: Sources: the HXL standard's core hashtags (hxlstandard.org) and the tags HDX puts on
#: its UCDP GED and ACLED files.
HXL_TAGS: dict[str, str] = {
    "#event+id": "event_id", "#event+code": "event_id", "#meta+id": "event_id",
    "#date+start": "event_date", "#date+occurred": "event_date", "#date": "event_date",
    "#event+type": "event_type", "#event+type+sub": "sub_event_type",
    "#group+name+first": "actor1", "#group+name+second": "actor2",
    "#country+code": "country", "#country+name": "country",
    "#adm1+name": "admin1", "#loc+name": "location",
    "#affected+killed": "fatalities", "#meta+source": "source",
    "#description": "notes", "#geo+lat": "latitude", "#geo+lon": "longitude",
}
