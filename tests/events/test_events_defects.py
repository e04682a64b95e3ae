"""Every defect class is rejected (or fixed on request) and reported on the right line."""

from __future__ import annotations

import csv
import io
import warnings
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geoconflict.errors import EventsError, SchemaError
from geoconflict.events._ingest import read_events

TODAY = pd.Timestamp("2025-01-01").date()


@pytest.fixture
def messy(test_data: Path) -> Path:
    return test_data / "events" / "acled_messy.csv"


def _reasons(gdf: pd.DataFrame) -> dict[int, list[str]]:
    rejects = gdf.attrs["ingest"].rejects
    out: dict[int, list[str]] = {}
    for row, reason in zip(rejects["row"], rejects["reason"], strict=True):
        out.setdefault(int(row), []).append(reason)
    return out


def test_messy_acled_every_defect_on_its_line(messy: Path) -> None:
    gdf = read_events(messy, today=TODAY)
    report = gdf.attrs["ingest"]
    reasons = _reasons(gdf)
    assert report.rows_read == 13  # 14 records, one of them spanning two lines
    assert list(gdf["event_id"]) == ["IRQ1", "IRQ9", "IRQ10", "IRQ12"]
    assert "(0, 0)" in reasons[3][0]
    assert "swap" in reasons[4][0]
    assert "out of range" in reasons[5][0]
    assert reasons[6] == ["missing or unparseable date"]
    assert reasons[7][0].startswith("date is in the future")
    assert reasons[8] == ["missing required field event_id"]
    assert reasons[9] == ["duplicate event_id"]
    assert "cannot be split" in reasons[13][0]  # after the quoted two-line note (11-12)
    assert reasons[15] == ["missing or empty geometry"]
    assert set(reasons) == {3, 4, 5, 6, 7, 8, 9, 13, 15}
    assert len(gdf) + report.rejected == report.rows_read
    # rejects keep the value as written and the row's original columns
    rejects = report.rejects.set_index("row")
    assert rejects.loc[6, "value"] == "31 February 2024"
    assert rejects.loc[7, "value"] == "01 January 2099"
    assert rejects.loc[15, "value"] == "latitude=<empty>, longitude=44.47"
    assert rejects.loc[13, "value"].startswith("IRQ11,09 February 2024")
    assert rejects.loc[4, "event_id_cnty"] == "IRQ3"
    assert rejects.loc[4, "latitude"] == "44.4700"
    assert set(rejects["source_file"]) == {str(messy)}
    # an accepted row with an unparseable optional value is listed as an issue
    issues = report.issues
    assert list(issues["row"]) == [10]
    assert issues.iloc[0]["value"] == "unknown"
    assert pd.isna(gdf.set_index("event_id").loc["IRQ9", "fatalities"])
    # the multi-line note and the Arabic text are intact
    assert gdf.set_index("event_id").loc["IRQ10", "notes"] == "Two lines\nof notes, quoted."
    assert "المشتل" in gdf.set_index("event_id").loc["IRQ12", "notes"]


def test_fix_swaps_fixes_and_reports(messy: Path) -> None:
    gdf = read_events(messy, fix_swaps=True, today=TODAY)
    fixed = gdf.set_index("event_id").loc["IRQ3"].geometry
    assert (round(fixed.x, 2), round(fixed.y, 2)) == (44.47, 33.31)
    issues = gdf.attrs["ingest"].issues
    swapped = issues[issues["reason"].str.contains("swapped")]
    assert list(swapped["row"]) == [4]
    assert swapped.iloc[0]["value"] == "POINT (33.31 44.47)"
    # line 5 (latitude 133.31 in Iraq) is not a swap: swapping does not land in Iraq
    assert 5 in _reasons(gdf)
    assert "out of range" in _reasons(gdf)[5][0]


def test_impossible_latitude_without_country_is_swapped_only_on_request() -> None:
    text = "date,lat,lon\n2024-02-07,44.47,133.31\n2024-02-07,100.5,33.3\n"
    plain = read_events(io.StringIO(text), today=TODAY)
    assert len(plain) == 1
    assert _reasons(plain)[3][0].startswith("coordinates out of range")
    fixed = read_events(io.StringIO(text), fix_swaps=True, today=TODAY)
    assert len(fixed) == 2
    assert (fixed.geometry.iloc[1].x, fixed.geometry.iloc[1].y) == (33.3, 100.5 - 0) or \
        (fixed.geometry.iloc[1].x, fixed.geometry.iloc[1].y) == (100.5, 33.3)
    assert list(fixed.attrs["ingest"].issues["row"]) == [3]


def test_raise_names_file_line_and_field(messy: Path) -> None:
    with pytest.raises(EventsError) as info:
        read_events(messy, on_error="raise", today=TODAY)
    err = info.value
    assert isinstance(err, SchemaError)
    assert isinstance(err, ValueError)
    assert err.file == str(messy)
    assert err.row == 13  # the first fault met: the row that cannot be split
    assert str(messy) in str(err)
    assert "row 13" in str(err)
    clean = "event_id,date,lat,lon\na,2024-02-07,33.31,44.47\nb,2024-02-07,0,0\n"
    with pytest.raises(EventsError) as info:
        read_events(io.StringIO(clean), on_error="raise", today=TODAY)
    assert (info.value.row, info.value.field) == (3, "geometry")
    assert "(0, 0)" in str(info.value)


def test_warn_mode_warns_and_still_rejects(messy: Path) -> None:
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        gdf = read_events(messy, on_error="warn", today=TODAY)
    assert len(gdf) == 4
    text = " ".join(str(w.message) for w in record)
    assert "duplicate event_id" in text
    assert "rows changed" in text


def test_missing_required_column_is_a_file_error(tmp_path: Path) -> None:
    path = tmp_path / "acled_no_lon.csv"
    path.write_text("event_id_cnty,event_date,latitude\nX1,2024-02-07,33.3\n")
    with pytest.raises(EventsError, match="longitude"):
        read_events(path)


@pytest.mark.parametrize(("name", "encoding", "text"), [
    ("generic_bom.csv", "utf-8-sig", "Mashtal"),
    ("generic_cp1252.csv", "cp1252", "frappe de drone à l’est"),
    ("generic_latin1.csv", "latin-1", "frappe \x81à l'est"),
])
def test_encodings_detected_and_reported(test_data: Path, name: str, encoding: str,
                                         text: str) -> None:
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        gdf = read_events(test_data / "events" / name, today=TODAY)
    assert gdf.attrs["encoding"] == encoding
    assert text in set(gdf["notes"].dropna()) | set(gdf["location"].dropna())
    warned = [str(w.message) for w in record if "not UTF-8" in str(w.message)]
    assert bool(warned) == (encoding in ("cp1252", "latin-1"))
    if encoding == "utf-8-sig":
        # the BOM did not glue onto the first header name, so the date column mapped
        assert not any(c.startswith("\ufeff") for c in gdf.columns)
        assert gdf.iloc[0]["event_date"] == pd.Timestamp("2024-02-07")


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiter_sniffing(delimiter: str) -> None:
    rows = [["event_id", "event_date", "latitude", "longitude", "notes"],
            ["x1", "2024-02-07", "33.31", "44.47", "a, b; c | d"],
            ["x2", "2024-02-08", "33.32", "44.48", "plain"]]
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\n").writerows(rows)
    buf.seek(0)
    gdf = read_events(buf, today=TODAY)
    assert gdf.attrs["ingest"].delimiter == delimiter
    assert list(gdf["event_id"]) == ["x1", "x2"]
    assert gdf.iloc[0]["notes"] == "a, b; c | d"


def test_future_date_uses_today() -> None:
    text = "date,lat,lon\n2024-12-31,33.3,44.4\n2025-01-02,33.3,44.4\n"
    gdf = read_events(io.StringIO(text), today=TODAY)
    assert len(gdf) == 1
    assert _reasons(gdf)[3][0] == "date is in the future (after 2025-01-01)"


def test_crlf_and_blank_lines_keep_line_numbers() -> None:
    text = "event_id,date,lat,lon\r\na,2024-02-07,33.3,44.4\r\n\r\nb,2024-02-07,0,0\r\n"
    gdf = read_events(io.StringIO(text), today=TODAY)
    assert list(gdf["event_id"]) == ["a"]
    assert list(gdf.attrs["ingest"].rejects["row"]) == [4]


# ------------------------------------------------------------- property-based invariant
_cell = st.sampled_from(["", "x", "NA", "0", "33.3", "44.4", "-200", "95", "abc", "1e400",
                         "2024-02-07", "07 February 2024", "31/02/2024", "2099-01-01",
                         "Iraq", "IRQ", "Jordan", 'say "hi", ok', "a\nb", "é", "unknown"])
_row = st.fixed_dictionaries({
    "event_id": st.one_of(st.sampled_from(["", "E1", "E2", "E3"]), st.text(max_size=4)),
    "event_date": _cell, "latitude": _cell, "longitude": _cell, "country": _cell,
    "fatalities": _cell, "geo_precision": st.sampled_from(["", "1", "2", "3", "4", "x"]),
    "notes": _cell,
})


@pytest.mark.slow
@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(rows=st.lists(_row, min_size=0, max_size=25), truncate=st.booleans(),
       fix=st.booleans())
def test_accepted_plus_rejected_equals_rows_read(rows: list[dict[str, str]],
                                                 truncate: bool, fix: bool) -> None:
    fields = ["event_id", "event_date", "latitude", "longitude", "country", "fatalities",
              "geo_precision", "notes"]
    header = ["event_id_cnty", *fields[1:]]
    buf = io.StringIO()
    # CRLF line ends, as spreadsheets write them, make the csv module quote values holding
    # a bare CR; with "\n" it would write them bare, and a bare CR ends a CSV line.
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(header)
    for r in rows:
        writer.writerow([r[f].replace("\x00", "") for f in fields])
    if truncate:
        buf.write("only,three,fields\r\n")
    text = buf.getvalue()
    gdf = read_events(io.StringIO(text), format="acled", fix_swaps=fix, today=TODAY)
    report = gdf.attrs["ingest"]
    expected = len(rows) + int(truncate)
    assert report.rows_read == expected
    assert len(gdf) + report.rejected == expected
    if len(report.rejects):
        assert report.rejects["row"].between(2, text.count("\n") + 1).all()
    # accepted rows satisfy the schema's promises
    assert gdf["event_date"].notna().all()
    assert gdf.geometry.notna().all()
    if len(gdf):
        assert gdf.geometry.y.between(-90, 90).all()
        assert gdf.geometry.x.between(-180, 180).all()
        ids = gdf["event_id"]
        assert not ids[ids.notna()].duplicated().any()


def test_lone_cr_is_data_in_an_lf_file_and_a_line_end_in_a_mac_file() -> None:
    header = "event_id_cnty,event_date,latitude,longitude,country,fatalities,geo_precision,notes"
    good = "E{0},2024-02-07,33.3,44.4,IRQ,1,1,ok"
    # quoted lone CR in a CRLF file: part of the value, lines counted at line feeds
    quoted = "\r\n".join([header, good.format(1).replace(",ok", ',"a\rb"'), good.format(2), ""])
    gdf = read_events(io.StringIO(quoted), format="acled", today=TODAY)
    assert gdf["event_id"].tolist() == ["E1", "E2"]
    assert gdf["notes"].tolist() == ["a\rb", "ok"]
    # an unquoted lone CR in an LF file: that row is rejected with its line, the rest kept
    stray = "\n".join([header, good.format(1), good.format(2).replace(",ok", ",a\rb"),
                       good.format(3), ""])
    gdf = read_events(io.StringIO(stray), format="acled", today=TODAY)
    report = gdf.attrs["ingest"]
    assert gdf["event_id"].tolist() == ["E1", "E3"]
    assert report.rows_read == 3
    assert report.rejects["row"].unique().tolist() == [3]
    # classic Mac line ends: lone CRs are the line ends
    mac = "\r".join([header, good.format(1), good.format(2), ""])
    gdf = read_events(io.StringIO(mac), format="acled", today=TODAY)
    assert gdf["event_id"].tolist() == ["E1", "E2"]
