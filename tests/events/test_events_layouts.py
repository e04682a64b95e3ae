"""Incident files as they really arrive: every layout, HXL rows, packed and spreadsheet
files, encodings, dates as exports carry them, and broken CSV structure, each on small
synthetic files in the real layouts (tests/data/events/) and, when ../shared/eval is
there, on a real UCDP GED file from HDX."""

from __future__ import annotations

import gzip
import io
import json
import warnings
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import pandas as pd
import pytest
from support import ROOT

from geoconflict.errors import ArgumentError, DataChangedWarning, EventsError
from geoconflict.events import read_events

TODAY = pd.Timestamp("2025-01-01").date()
EVENTS = ROOT / "tests" / "data" / "events"
GED_IRAQ = ROOT.parent / "shared" / "eval" / "ucdp" / "ged_iraq.csv"


def _read(source: object, **kw: object) -> tuple[pd.DataFrame, list[str]]:
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        gdf = read_events(source, today=TODAY, **kw)  # type: ignore[arg-type]
    return gdf, [str(w.message) for w in record]


def _balanced(report: dict) -> None:
    lines = report["lines"]
    assert lines["after_header"] == (lines["in_accepted_rows"] + lines["in_rejected_rows"]
                                     + lines["metadata"] + lines["blank"])


# ---------------------------------------------------------------------- layouts
def test_acled_2019_2022_as_a_spreadsheet_saves_it() -> None:
    gdf, warned = _read(EVENTS / "acled_2019_2022_excel.csv")
    report = gdf.attrs["ingest"]
    assert report["layout"] == "ACLED 2019-2022 (data_id, numeric iso, timestamp)"
    assert report.rejected == 0
    assert [d.date().isoformat() for d in gdf["event_date"]] == [
        "2020-05-09", "2020-05-10", "2019-12-31", "2021-06-01"]
    assert list(gdf["country"]) == ["IRQ", "IRQ", "SYR", "JOR"]  # from the numeric iso
    # the year column settled every century: no pivot, no warning
    assert not any("two-digit" in w for w in warned)
    assert not len(report.issues)
    _balanced(report)


@pytest.mark.parametrize(("name", "layout"), [
    ("acled_current.csv", "ACLED 2023+ (disorder_type, civilian_targeting, tags)"),
    ("acled_2020_api.csv", "ACLED 2019-2022 (data_id, numeric iso, timestamp)"),
    ("acled_legacy_upper.csv", "ACLED before 2019 (upper-case, GWNO, ALLY_ACTOR)"),
    ("ucdp_ged.csv", "UCDP GED (with relid, code_status)"),
    ("ucdp_ged_hdx.csv", "UCDP GED with HXL hashtags"),
    ("20240207000000.export.CSV", "GDELT 2.0 (61 columns, 2015-)"),
    ("20140815.export.CSV", "GDELT 1.0 daily (58 columns, 2013-)"),
    ("hdx_hxl_french.csv", "generic table (columns by HXL hashtag and name)"),
])
def test_layout_is_named(name: str, layout: str) -> None:
    gdf, _ = _read(EVENTS / name)
    assert gdf.attrs["ingest"]["layout"] == layout
    assert len(gdf)


def test_gdelt_1_backfile_without_sourceurl(tmp_path: Path) -> None:
    lines = (EVENTS / "20140815.export.CSV").read_text().splitlines()
    path = tmp_path / "1999.csv"
    path.write_text("\n".join(line.rsplit("\t", 1)[0] for line in lines) + "\n")
    gdf, _ = _read(path, format="gdelt")
    assert gdf.attrs["ingest"]["layout"].startswith("GDELT 1.0 backfile (57 columns")
    assert list(gdf["event_id"]) == ["310000001", "310000002"]
    assert gdf.iloc[0]["location"] == "Baghdad, Baghdad, Iraq"


# -------------------------------------------------------------------------- HXL
def test_hxl_row_is_metadata_not_a_reject() -> None:
    gdf, _ = _read(EVENTS / "ucdp_ged_hdx.csv")
    report = gdf.attrs["ingest"]
    assert (report.rows_read, report.accepted, report.rejected) == (2, 2, 0)
    assert report["metadata_rows"] == 1
    assert list(gdf["event_date"].dt.strftime("%Y-%m-%d")) == ["2016-05-30", "2016-07-01"]
    assert list(gdf["event_date_end"].dt.strftime("%Y-%m-%d")) == ["2016-05-31", "2016-07-31"]
    assert gdf.iloc[0]["location"] == "Al Fallūjah town"
    _balanced(report)


def test_hxl_tags_map_unfamiliar_headers() -> None:
    gdf, _ = _read(EVENTS / "hdx_hxl_french.csv")
    assert list(gdf["event_id"]) == ["ML-001", "ML-002"]
    assert list(gdf["location"]) == ["Ménaka", "Gao"]
    assert list(gdf["fatalities"]) == [4, 0]
    assert list(gdf["country"]) == ["MLI", "MLI"]
    assert round(gdf.geometry.iloc[1].x, 4) == -0.04


@pytest.mark.skipif(not GED_IRAQ.exists(), reason="../shared/eval is not here")
def test_real_ucdp_ged_from_hdx() -> None:
    gdf, _ = _read(GED_IRAQ)
    report = gdf.attrs["ingest"]
    assert report["layout"] == "UCDP GED with HXL hashtags"
    assert report["metadata_rows"] == 1
    assert report.rejected == 0
    assert report.accepted == report.rows_read == 7473
    assert gdf["event_date"].notna().all()
    _balanced(report)


# ------------------------------------------------------------- packed and sheets
def _write_xlsx(path: Path, rows: list[list[object]]) -> None:
    """A minimal Office Open XML workbook (inline strings), as ACLED's tool writes."""
    def ref(c: int, r: int) -> str:
        name, c = "", c + 1
        while c:
            c, rem = divmod(c - 1, 26)
            name = chr(65 + rem) + name
        return f"{name}{r}"

    def cell(c: int, r: int, v: object) -> str:
        if v is None:
            return ""
        if isinstance(v, int | float):
            return f'<c r="{ref(c, r)}"><v>{v}</v></c>'
        return f'<c r="{ref(c, r)}" t="inlineStr"><is><t>{escape(str(v))}</t></is></c>'

    data = "".join(f'<row r="{r}">' + "".join(cell(c, r, v) for c, v in enumerate(row))
                   + "</row>" for r, row in enumerate(rows, start=1))
    main = "http://schemas.openxmlformats.org"
    files = {
        "[Content_Types].xml": f'<Types xmlns="{main}/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
        'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": f'<Relationships xmlns="{main}/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{main}/officeDocument/2006/relationships/'
        'officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="{main}/spreadsheetml/2006/main" xmlns:r="'
        f'{main}/officeDocument/2006/relationships"><sheets><sheet name="Data" sheetId="1" '
        'r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{main}/package/2006/'
        f'relationships"><Relationship Id="rId1" Type="{main}/officeDocument/2006/'
        'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": f'<worksheet xmlns="{main}/spreadsheetml/2006/main">'
        f"<sheetData>{data}</sheetData></worksheet>",
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in files.items():
            zf.writestr(name, text)


def test_xlsx_sheet_with_hxl_row_and_excel_dates(tmp_path: Path) -> None:
    path = tmp_path / "acled_export.xlsx"
    _write_xlsx(path, [
        ["event_id_cnty", "event_date", "year", "latitude", "longitude", "country",
         "fatalities", "event_type"],
        ["#event+id", "#date+occurred", "#date+year", "#geo+lat", "#geo+lon",
         "#country+name", "#affected+killed", "#event+type"],
        ["IRQ1", 43960, 2020, 33.31, 44.47, "Iraq", 3, "Battles"],  # a date cell: serial
        [None] * 8,
        ["IRQ2", "9-May-20", 2020, 33.3, 44.4, "Iraq", 0, "Battles"],
        ["IRQ3", "31 February 2020", 2020, 33.3, 44.4, "Iraq", 0, "Battles"],
    ])
    gdf, _ = _read(path)
    report = gdf.attrs["ingest"]
    assert report["layout"] == "ACLED with HXL hashtags (.xlsx sheet)"
    assert list(gdf["event_id"]) == ["IRQ1", "IRQ2"]
    assert set(gdf["event_date"]) == {pd.Timestamp("2020-05-09")}
    assert list(report.rejects["row"]) == [6]  # the sheet's own row number
    assert (report["metadata_rows"], report["blank_lines"]) == (1, 1)
    _balanced(report)


def test_zip_and_gzip_read_transparently(tmp_path: Path) -> None:
    source = EVENTS / "20240207000000.export.CSV"
    zipped = tmp_path / "20240207000000.export.CSV.zip"
    with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(source, source.name)
        zf.writestr("README.txt", "codebook: see gdeltproject")  # not a data file
    plain, _ = _read(source)
    packed, _ = _read(zipped)
    assert list(packed["event_id"]) == list(plain["event_id"])
    assert packed.attrs["ingest"].source_file == f"{zipped}/{source.name}"
    gz = tmp_path / "ged.csv.gz"
    gz.write_bytes(gzip.compress((EVENTS / "ucdp_ged_hdx.csv").read_bytes()))
    gdf, _ = _read(gz)
    assert gdf.attrs["ingest"]["metadata_rows"] == 1
    assert len(gdf) == 2
    # stdin carries no name: the magic bytes decide
    gdf, _ = _read(io.BytesIO(gz.read_bytes()))
    assert len(gdf) == 2


def test_zip_with_several_data_files_says_which(tmp_path: Path) -> None:
    path = tmp_path / "two.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("a.csv", "date,lat,lon\n2024-01-01,1,1\n")
        zf.writestr("b.csv", "date,lat,lon\n2024-01-01,1,1\n")
    with pytest.raises(EventsError, match=r"several files \(a.csv, b.csv\)"):
        read_events(path)
    broken = tmp_path / "broken.csv.gz"
    broken.write_bytes(gzip.compress(b"date,lat,lon\n" * 50)[:30])
    with pytest.raises(EventsError, match="gzip"):
        read_events(broken)


# -------------------------------------------------------------------- encodings
def test_windows_arabic_is_detected_and_reported() -> None:
    gdf, warned = _read(EVENTS / "generic_cp1256.csv")
    report = gdf.attrs["ingest"]
    assert report.encoding == "cp1256"
    assert report["encoding_method"] == "detected"
    assert report["encoding_confidence"] > 0.5
    assert list(gdf["location"]) == ["بغداد - المشتل", "الموصل"]
    assert any("decoded as cp1256 (detected, confidence" in w for w in warned)


def test_named_encoding_wins_and_bad_names_are_errors() -> None:
    gdf, warned = _read(EVENTS / "generic_cp1256.csv", encoding="CP-1256")
    assert gdf.attrs["ingest"]["encoding_method"] == "given"
    assert not any("not UTF-8" in w for w in warned)
    assert gdf.iloc[0]["admin1"] == "بغداد"
    with pytest.raises(ArgumentError, match="unknown encoding"):
        read_events(EVENTS / "generic_cp1256.csv", encoding="klingon")
    with pytest.raises(EventsError, match="cannot decode the file as utf-8"):
        read_events(EVENTS / "generic_cp1256.csv", encoding="utf-8")


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le"])
def test_utf16_with_and_without_bom(codec: str) -> None:
    text = "date,place,lat,lon\n2024-02-07,بغداد,33.31,44.47\n2024-02-08,Mosul,36.34,43.13\n"
    gdf, _ = _read(io.BytesIO(text.encode(codec)))
    assert gdf.attrs["ingest"].encoding.startswith("utf-16")
    assert list(gdf["location"]) == ["بغداد", "Mosul"]
    _balanced(gdf.attrs["ingest"])


def test_turkish_code_page() -> None:
    text = "date,place,lat,lon\n2024-02-07,Şırnak,37.52,42.46\n"
    gdf, _ = _read(io.BytesIO(text.encode("cp1254")))
    assert gdf.attrs["ingest"].encoding == "cp1254"
    assert gdf.iloc[0]["location"] == "Şırnak"


# ------------------------------------------------------------------------ dates
def test_two_digit_years_without_year_column_warn_and_are_listed() -> None:
    text = "event_id,date,lat,lon\na,9-May-20,33.3,44.4\nb,09 May 2020,33.3,44.4\n"
    gdf, warned = _read(io.StringIO(text))
    assert list(gdf["event_date"]) == [pd.Timestamp("2020-05-09")] * 2
    assert any("two-digit years" in w and "1969-2068" in w for w in warned)
    issues = gdf.attrs["ingest"].issues
    assert list(issues["row"]) == [2]
    assert "pivot" in issues.iloc[0]["reason"]


def test_day_month_order_is_proven_or_reported() -> None:
    proven = "event_id,date,lat,lon\na,03/04/2020,33.3,44.4\nb,13/04/2020,33.3,44.4\n"
    gdf, _ = _read(io.StringIO(proven))
    assert gdf.iloc[0]["event_date"] == pd.Timestamp("2020-04-03")
    assert not len(gdf.attrs["ingest"].issues)
    us = "event_id,date,lat,lon\na,03/04/2020,33.3,44.4\nb,04/13/2020,33.3,44.4\n"
    gdf, _ = _read(io.StringIO(us))
    assert list(gdf["event_date"]) == [pd.Timestamp("2020-03-04"), pd.Timestamp("2020-04-13")]
    unproven = "event_id,date,lat,lon\na,03/04/2020,33.3,44.4\nb,05/05/2020,33.3,44.4\n"
    gdf, _ = _read(io.StringIO(unproven))
    issues = gdf.attrs["ingest"].issues
    assert list(issues["row"]) == [2]  # 05/05 is the same either way
    assert "day/month order ambiguous" in issues.iloc[0]["reason"]


def test_excel_serial_dates() -> None:
    gdf, _ = _read(io.StringIO("event_id,date,lat,lon\na,43960,33.3,44.4\n"))
    assert gdf.iloc[0]["event_date"] == pd.Timestamp("2020-05-09")


# -------------------------------------------------------------------- structure
def test_broken_structure_every_line_accounted_for() -> None:
    gdf, _ = _read(EVENTS / "broken_structure.csv")
    report = gdf.attrs["ingest"]
    assert list(gdf["event_id"]) == ["b1", "b3", "b6", "b7"]  # rows around the faults kept
    assert gdf.set_index("event_id").loc["b6", "notes"] == "two\nlines"
    reasons = dict(zip(report.rejects["row"], report.rejects["reason"], strict=True))
    assert reasons[3].startswith("unterminated quote")
    assert reasons[6] == "row cannot be split into fields: expected 5 fields, found 3"
    assert reasons[7].startswith("NUL bytes")
    assert set(reasons) == {3, 6, 7}
    assert report["blank_lines"] == 1
    assert report["line_ends"] == {"CRLF": 4, "LF": 5, "CR": 1}
    assert report["lines"] == {"after_header": 9, "in_accepted_rows": 5,
                               "in_rejected_rows": 3, "metadata": 0, "blank": 1}


def test_oversized_field_is_rejected_with_its_line() -> None:
    text = ("event_id,date,lat,lon,notes\na,2024-02-07,33.3,44.4,ok\n"
            f"b,2024-02-07,33.3,44.4,{'x' * 1_000_000}\nc,2024-02-07,33.3,44.4,ok\n")
    gdf, _ = _read(io.StringIO(text))
    assert list(gdf["event_id"]) == ["a", "c"]
    rejects = gdf.attrs["ingest"].rejects
    assert list(rejects["row"]) == [3]
    assert "1,000,000 characters" in rejects.iloc[0]["reason"]


def test_empty_inputs_are_errors() -> None:
    with pytest.raises(EventsError, match="empty"):
        read_events(io.BytesIO(b""))
    with pytest.raises(EventsError, match="no header line"):
        read_events(io.StringIO("\n\n"))


def test_rejected_rows_one_line_per_row() -> None:
    text = "event_id,date,lat,lon\na,31/02/2024,,\nb,2024-02-07,33.3,44.4\n"
    gdf, _ = _read(io.StringIO(text))
    report = gdf.attrs["ingest"]
    assert (report.rejected, report["problems"]) == (1, 2)
    rows = report.rejected_rows()
    assert list(rows["row"]) == [2]
    assert rows.iloc[0]["problems"] == 2
    assert "unparseable date" in rows.iloc[0]["reasons"]
    assert "geometry" in rows.iloc[0]["reasons"]


def test_validate_cli_counts_rows_and_problems(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / "two_faults.csv"
    source.write_text("event_id,date,lat,lon\na,31/02/2024,,\nb,2024-02-07,33.3,44.4\n")
    proc = run_cli("events", "validate", str(source), "--rejects-rows", "rows.csv",
                   "--rejects", "problems.csv", check=False)
    assert proc.returncode == 1
    assert "rejected:   1 rows, 2 problems" in proc.stdout
    assert len(pd.read_csv(tmp_path / "rows.csv")) == 1
    assert len(pd.read_csv(tmp_path / "problems.csv")) == 2
    proc = run_cli("events", "validate", str(EVENTS / "generic_cp1256.csv"), "--json",
                   "--encoding", "cp1256")
    summary = json.loads(proc.stdout)
    assert (summary["encoding"], summary["encoding_method"]) == ("cp1256", "given")
    assert isinstance(DataChangedWarning("x"), Warning)


def test_blank_lines_and_ragged_rows_stay_on_the_fast_path_with_their_lines() -> None:
    text = ("event_id,date,lat,lon\na,2024-02-07,33.3,44.4\n\nb,2024-02-07\n"
            "c,2024-02-07,33.3,44.4\r\n\r\n\n")
    gdf, _ = _read(io.BytesIO(text.encode()))
    report = gdf.attrs["ingest"]
    assert list(gdf["event_id"]) == ["a", "c"]
    assert list(report.rejects["row"]) == [4]
    assert report["blank_lines"] == 3
    assert report["lines"] == {"after_header": 6, "in_accepted_rows": 2, "in_rejected_rows": 1,
                               "metadata": 0, "blank": 3}


def test_a_bad_byte_after_the_first_64_kib_is_detected_not_fatal() -> None:
    rows = b"".join(b"r%d,2024-02-07,33.3,44.4\n" % i for i in range(4000))
    data = b"id,date,lat,lon\n" + rows + b"bad,20\xd8\nz,Bagdad \xe0 l'est,33.3,44.4\n"
    gdf, warned = _read(io.BytesIO(data))
    report = gdf.attrs["ingest"]
    assert report.encoding == "cp1252"
    assert list(report.rejects["row"].unique()) == [4002, 4003]  # ragged; no date
    assert any("not UTF-8" in w for w in warned)
    _balanced(report)
