"""The context API: country, near/bbox, a row's admin names, and the pull of the batch."""

from __future__ import annotations

import pytest

from geoconflict.errors import GeocodeError
from geoconflict.geocoder import Geocoder, default_geocoder
from geoconflict.geocoder._context import dominant_country, near_context


def countries(records: list[dict]) -> list[str | None]:
    return [r["country"] for r in records]


def test_the_batch_pulls_a_shared_name_to_its_country() -> None:
    somali = default_geocoder().records(["Mogadishu", "Kismayo", "Baidoa", "Bari"])
    assert countries(somali) == ["SOM"] * 4
    assert "pulled to SOM" in somali[3]["notes"]
    yemeni = default_geocoder().records(["Sanaa", "Aden", "Taizz", "Ad Dali"])
    assert yemeni[3]["country"] == "YEM"


def test_no_pull_without_a_majority_or_when_switched_off() -> None:
    gc = default_geocoder()
    assert gc.records(["Bari"])[0]["country"] == "ITA"
    assert gc.records(["Mogadishu", "Kismayo", "Bari"], pull=False)[2]["country"] == "ITA"


def test_near_point_and_bbox() -> None:
    # "Ad Dali" is Yemen's even alone now (a name with the Arabic article ranks places
    # of the Arab world first), so "Bari", Italy's by default, shows the context.
    gc = default_geocoder()
    assert gc.records(["Bari"], pull=False)[0]["country"] == "ITA"
    assert gc.records(["Bari"], near=(50.6, 11.5))[0]["country"] == "SOM"
    assert gc.records(["Bari"], near=(47.0, 9.0, 51.0, 12.0))[0]["country"] == "SOM"


def test_row_context_admin_names() -> None:
    recs = default_geocoder().records(["Bari", "Bari"], context=[["Somalia"], None],
                                      pull=False)
    assert countries(recs) == ["SOM", "ITA"]
    # a province named with its country ("Texas, USA"), as the geoparser passes it
    recs = default_geocoder().records(["Paris", "Paris"], context=[["Texas, USA"], None],
                                      pull=False)
    assert countries(recs) == ["USA", "FRA"]


def test_context_length_must_match() -> None:
    with pytest.raises(GeocodeError, match="context"):
        Geocoder().records(["a", "b"], context=[None])


def test_helpers() -> None:
    assert near_context((1.0, 2.0)) == (1.0, 2.0, 50_000.0)
    lon, lat, radius = near_context((0.0, 0.0, 2.0, 2.0))  # type: ignore[misc]
    assert (lon, lat) == (1.0, 1.0)
    assert 150_000 < radius < 160_000
    confident = {"status": "resolved", "match": "exact"}
    assert dominant_country([{**confident, "country": "SOM"}] * 2
                            + [{**confident, "country": "ITA"}]) == "SOM"
    assert dominant_country([{**confident, "country": "SOM"}]) is None
