"""Arabic <-> Latin: Arabic-script queries find entries known only by Latin names, and
Latin queries entries known only by Arabic ones (anyascii key, re-ranked like the
consonant-skeleton tier)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from geoconflict.geocoder import add_gazetteer, default_geocoder
from geoconflict.geocoder._normalize import fold, latin, skeleton


@pytest.mark.parametrize(("arabic", "latin_name"), [
    ("الموصل", "Mosul"), ("الفلوجة", "Fallujah"), ("كركوك", "Kirkuk"), ("تكريت", "Tikrit"),
    ("دير الزور", "Deir ez-Zor"), ("الدجيل", "Ad Dujayl"), ("بغداد", "Baghdad"),
])
def test_the_latin_key_meets_the_latin_spelling(arabic: str, latin_name: str) -> None:
    assert skeleton(latin(fold(arabic))) == skeleton(fold(latin_name))


def test_latin_text_is_unchanged() -> None:
    assert latin("mosul") == "mosul"


def test_arabic_query_finds_a_latin_only_entry(cache: Path) -> None:
    add_gazetteer(pd.DataFrame({"name": ["Tall Dhahab"], "lon": [43.5], "lat": [35.9],
                                "country": ["IRQ"], "kind": ["town"]}), name="latin-only")
    rec = default_geocoder().lookup("تل ذهب")
    assert rec["name"] == "Tall Dhahab"
    assert rec["match"] == "transliteration"


def test_latin_query_finds_an_arabic_only_entry(cache: Path) -> None:
    add_gazetteer(pd.DataFrame({"name": ["تل ذهب"], "lon": [43.5], "lat": [35.9],
                                "country": ["IRQ"], "kind": ["town"]}), name="arabic-only")
    rec = default_geocoder().lookup("Tall Dhahab", country="IRQ")
    assert rec["name"] == "تل ذهب"
    assert rec["match"] == "transliteration"


def test_arabic_aliases_of_latin_entries_add_no_namesakes() -> None:
    # "Akashat" (Iraq, not in cities500) must not become an Afghan village through the
    # Arabic alias كشته of a place that has Latin names of its own.
    assert default_geocoder().lookup("Akashat")["status"] == "unresolved"
