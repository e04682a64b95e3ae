"""Fuzzing every command that reads a file: malformed input never ends in a traceback.

For each command, hypothesis generates malformed inputs (random bytes; CSV and GeoJSON
truncated, with NUL bytes, unterminated quotes, oversized fields, mixed line ends, another
encoding, ``nan``/``inf``/``1e999`` coordinates; broken gzip, zip and spreadsheet files;
empty and blank files) and runs the command in-process through click's isolation (for
volume), checking:

* no uncaught exception: the command exits 0, or 1 with exactly one
  ``geoconflict: error: ...`` line naming the input (``events validate`` may also exit 1
  with its summary: rows were rejected);
* no output file half-written: after a failure neither the output nor a temporary file
  beside it exists; after a success the output parses;
* the line accounting of delimited text: every line after the header is in exactly one
  accepted row, rejected row, metadata row or blank line (checked on the library).

A handful of real subprocess runs check the same from the shell. Every command is
covered, so work on any command later keeps this green. Examples per command:
``GEOCONFLICT_FUZZ_EXAMPLES`` (default 40: 800 generated runs, about 30 s here); CI runs are
derandomized (the same inputs every run); set ``GEOCONFLICT_FUZZ_SEED`` for new ones.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import re
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

EXAMPLES = int(os.environ.get("GEOCONFLICT_FUZZ_EXAMPLES", "40"))
SEED = os.environ.get("GEOCONFLICT_FUZZ_SEED")
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=SEED is None,
                database=None, suppress_health_check=list(HealthCheck))


def _seeded(test: Callable[..., None]) -> Callable[..., None]:
    return seed(int(SEED))(test) if SEED is not None else test


# ------------------------------------------------------------------ the inputs
_NUMBERS = ["33.31", "44.47", "nan", "NaN", "inf", "-inf", "1e999", "-1e999", "", "x",
            "91", "-181", "0", "1e308", "33,31"]
_CELLS = ["", "a", "IRQ", "Iraq", "2024-02-07", "9-May-20", "31/02/2024", "43960", "3",
          "unknown", 'say "hi"', "بغداد", "é", "a\nb", "#geo+lat", "\x00"]


@st.composite
def _csv_text(draw: st.DrawFn) -> str:
    header = draw(st.sampled_from([
        ["event_id_cnty", "event_date", "year", "latitude", "longitude", "country",
         "fatalities", "notes"],
        ["id", "date", "lat", "lon", "place", "notes"],
        ["id", "year", "type_of_violence", "where_prec", "date_start", "side_a", "best",
         "latitude", "longitude"],
        ["event_id", "date", "wkt"],
    ]))
    cell = st.one_of(st.sampled_from(_NUMBERS + _CELLS), st.text(max_size=6))
    rows = draw(st.lists(st.lists(cell, min_size=len(header) - 1,
                                  max_size=len(header) + 1), max_size=8))
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    end = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    out = io.StringIO()
    import csv

    writer = csv.writer(out, delimiter=delimiter, lineterminator=end)
    writer.writerow(header)
    if draw(st.booleans()):
        writer.writerow(["#" + h.split("_")[0] for h in header])  # an HXL row
    writer.writerows(rows)
    return out.getvalue()


@st.composite
def _geojson_text(draw: st.DrawFn) -> str:
    coord = st.one_of(st.sampled_from([33.3, 44.4, float("nan"), float("inf"), -1e308,
                                       1e308, 0, 181, -91]),
                      st.sampled_from(["x", None, [], [1, 2]]))
    features = draw(st.lists(st.fixed_dictionaries({
        "type": st.sampled_from(["Feature", "Feature", "Feature", "Nope", None]),
        "geometry": st.one_of(
            st.none(),
            st.fixed_dictionaries({"type": st.sampled_from(["Point", "LineString", "Blob"]),
                                   "coordinates": st.lists(coord, max_size=3)})),
        "properties": st.one_of(st.none(), st.lists(st.integers(), max_size=2),
                                st.dictionaries(st.sampled_from(["event_date", "name", "id",
                                                                 "fatalities", "location"]),
                                                st.sampled_from(_CELLS + _NUMBERS))),
    }), max_size=5))
    text = json.dumps({"type": "FeatureCollection", "features": features})
    if draw(st.booleans()):  # as JSON numbers too large for a float
        text = text.replace("Infinity", "1e999")
    if draw(st.booleans()):  # GeoJSON text sequence
        text = "".join("\x1e" + json.dumps(f) + "\n" for f in features) or "\x1e\n"
    return text


def _mutate(draw: st.DrawFn, data: bytes) -> bytes:
    kind = draw(st.sampled_from(["none", "truncate", "nul", "quote", "big", "cp1256",
                                 "lines", "junk"]))
    at = draw(st.integers(0, max(len(data), 1)))
    if kind == "truncate":
        return data[:at]
    if kind == "nul":
        return data[:at] + b"\x00" * draw(st.integers(1, 40)) + data[at:]
    if kind == "quote":
        return data[:at] + b'"' + data[at:]
    if kind == "big":
        return data[:at] + b"x" * 300_000 + data[at:]
    if kind == "cp1256":
        return data.decode("utf-8", errors="replace").encode("cp1256", errors="replace")
    if kind == "lines":
        return data.replace(b"\n", b"\n\n").replace(b"\r\n", b"\r")
    if kind == "junk":
        return data[:at] + draw(st.binary(min_size=1, max_size=64)) + data[at:]
    return data


@st.composite
def malformed(draw: st.DrawFn) -> tuple[str, bytes]:
    """(file suffix, bytes) of a malformed input."""
    kind = draw(st.sampled_from(["csv", "csv", "geojson", "geojson", "bytes", "gzip", "zip",
                                 "xlsx", "empty"]))
    if kind == "csv":
        return draw(st.sampled_from([".csv", ".tsv", ".txt"])), \
            _mutate(draw, draw(_csv_text()).encode())
    if kind == "geojson":
        return draw(st.sampled_from([".geojson", ".json", ".geojsonl"])), \
            _mutate(draw, draw(_geojson_text()).encode())
    if kind == "bytes":
        return draw(st.sampled_from([".csv", ".geojson", ".gpkg", ".parquet", ".tif", ".osm",
                                     ".xlsx", ".txt", ".fgb"])), \
            draw(st.binary(max_size=300))
    if kind == "gzip":
        packed = gzip.compress(draw(_csv_text()).encode())
        return ".csv.gz", packed[:draw(st.integers(0, len(packed)))]
    if kind == "zip":
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            for name in draw(st.lists(st.sampled_from(["a.csv", "b.csv", "x.geojson",
                                                       "README.txt"]), max_size=3,
                                      unique=True)):
                zf.writestr(name, _mutate(draw, draw(_csv_text()).encode()))
        raw = buf.getvalue()
        return ".zip", raw[:draw(st.integers(len(raw) // 2, len(raw)))]
    if kind == "xlsx":
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            zf.writestr("xl/workbook.xml", draw(st.sampled_from(["", "<workbook/>", "<<"])))
            zf.writestr("[Content_Types].xml", "<Types/>")
        return ".xlsx", buf.getvalue()
    return draw(st.sampled_from([".csv", ".geojson", ".txt"])), \
        draw(st.sampled_from([b"", b"\n", b" \r\n\t", b"\xef\xbb\xbf"]))


# ---------------------------------------------------------------- the commands
def _zones(folder: Path) -> str:
    """A valid zones layer, so that raster exposure gets as far as the fuzzed raster."""
    path = folder / "zones.geojson"
    ring = [[44.0, 33.0], [44.6, 33.0], [44.6, 33.6], [44.0, 33.6], [44.0, 33.0]]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "z"},
         "geometry": {"type": "Polygon", "coordinates": [ring]}}]}))
    return str(path)


#: name -> (argv builder from input path and output folder, output file name or None)
Builder = Callable[[str, Path], list[str]]
COMMANDS: dict[str, tuple[Builder, str | None]] = {
    "events validate": (lambda p, d: ["events", "validate", p], None),
    "events convert": (lambda p, d: ["events", "convert", p, "-o", str(d / "out.geojson")],
                       "out.geojson"),
    "proximity": (lambda p, d: ["proximity", p, "-o", str(d / "out.geojson")], "out.geojson"),
    "exposure": (lambda p, d: ["exposure", p, "-o", str(d / "out.csv")], "out.csv"),
    "map": (lambda p, d: ["map", p, "-o", str(d / "out.html")], "out.html"),
    "export": (lambda p, d: ["export", p, "-o", str(d / "out.gpkg")], "out.gpkg"),
    "parse": (lambda p, d: ["parse", p, "-o", str(d / "out.geojson")], "out.geojson"),
    "geocode --input": (lambda p, d: ["geocode", "--input", p, "-o", str(d / "out.geojson")],
                        "out.geojson"),
    "raster density": (lambda p, d: ["raster", "density", p, "-o", str(d / "out.tif")],
                       "out.tif"),
    "raster exposure": (lambda p, d: ["raster", "exposure", _zones(d), p, "-o",
                                      str(d / "out.csv")], "out.csv"),
    "raster coverage": (lambda p, d: ["raster", "coverage", p, "--site", "Tower 22", "-o",
                                      str(d / "out.tif")], "out.tif"),
    "roads distance": (lambda p, d: ["roads", "distance", "--osm", p, "--from", "deployments",
                                     "--to", "deployments", "-o", str(d / "out.csv")],
                       "out.csv"),
    "roads features": (lambda p, d: ["roads", "features", "Tower 22", "--osm", p, "-o",
                                     str(d / "out.geojson")], "out.geojson"),
}
#: commands that read standard input with "-"
STDIN = ("events convert", "proximity", "exposure", "map", "export", "parse")
_ERROR = re.compile(r"^geoconflict: error: ")


def run_in_process(argv: list[str], stdin: bytes = b"") -> tuple[int, str, str, BaseException | None]:
    """``geoconflict ARGV`` through :func:`geoconflict.cli.main`, as the shell runs it,
    in this process: (exit code, stdout, stderr, uncaught exception)."""
    import sys

    from click.testing import CliRunner

    from geoconflict.cli import main

    runner = CliRunner()
    code, uncaught = 0, None
    # an exception raised where nobody can catch it (a callback from C) prints
    # "Exception ignored" and a traceback on stderr in the shell: count it as uncaught
    unraisable: list[BaseException] = []
    previous = sys.unraisablehook
    sys.unraisablehook = lambda info: unraisable.append(info.exc_value or RuntimeError())
    try:
        with warnings.catch_warnings(), runner.isolation(input=stdin) as (out, err, _):
            try:
                main(argv)
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 1
            except BaseException as exc:  # the harness exists to catch these
                uncaught, code = exc, -1
            stdout = out.getvalue().decode("utf-8", errors="replace")
            stderr = err.getvalue().decode("utf-8", errors="replace")
    finally:
        sys.unraisablehook = previous
    if unraisable and uncaught is None:
        uncaught, code = unraisable[0], -1
    return code, stdout, stderr, uncaught


def _check_run(name: str, argv: list[str], code: int, stdout: str, stderr: str,
               uncaught: BaseException | None, shown: str, outdir: Path,
               output: str | None) -> None:
    import traceback

    where = f"{name} {argv}: exit {code}\nstderr: {stderr[-2000:]}"
    if uncaught is not None:
        tb = "".join(traceback.format_exception(uncaught))
        raise AssertionError(f"uncaught exception in {where}\n{tb}")
    assert "Traceback" not in stderr, where
    assert code in (0, 1), where
    errors = [line for line in stderr.splitlines() if _ERROR.match(line)]
    if code == 1 and not (name == "events validate" and "rejected:" in stdout and not errors):
        assert len(errors) == 1, where
        assert shown in errors[0], f"the error does not name {shown}: {where}"
    if code == 0:
        assert not errors, where
    debris = [p.name for p in outdir.iterdir() if p.name.startswith(".") and ".tmp" in p.name]
    assert not debris, f"temporary files left: {debris}: {where}"
    if output is None:
        return
    target = outdir / output
    if code != 0:
        assert not target.exists(), f"output written by a failed run: {where}"
    elif target.exists():
        _complete(target)


def _complete(path: Path) -> None:
    """The output of a successful run is whole."""
    if path.suffix == ".geojson":
        assert json.loads(path.read_text(encoding="utf-8"))["type"] == "FeatureCollection"
    elif path.suffix == ".html":
        assert path.read_text(encoding="utf-8").rstrip().endswith("</html>")
    elif path.suffix == ".gpkg":
        import pyogrio

        assert len(pyogrio.list_layers(path))
    elif path.suffix == ".csv":
        import pandas as pd

        pd.read_csv(path)


@pytest.mark.parametrize("name", list(COMMANDS))
@FUZZ
@_seeded
@given(case=malformed())
def test_commands_never_crash_on_malformed_files(name: str, case: tuple[str, bytes],
                                                 tmp_path_factory: pytest.TempPathFactory
                                                 ) -> None:
    suffix, data = case
    folder = tmp_path_factory.mktemp("fuzz")
    source = folder / f"input{suffix}"
    source.write_bytes(data)
    build, output = COMMANDS[name]
    argv = build(str(source), folder)
    code, stdout, stderr, uncaught = run_in_process(argv)
    _check_run(name, argv, code, stdout, stderr, uncaught, str(source), folder, output)


@pytest.mark.parametrize("name", STDIN)
@FUZZ
@_seeded
@given(case=malformed())
def test_commands_never_crash_on_malformed_stdin(name: str, case: tuple[str, bytes],
                                                 tmp_path_factory: pytest.TempPathFactory
                                                 ) -> None:
    _, data = case
    folder = tmp_path_factory.mktemp("fuzz")
    build, output = COMMANDS[name]
    argv = build("-", folder)
    code, stdout, stderr, uncaught = run_in_process(argv, stdin=data)
    _check_run(name, argv, code, stdout, stderr, uncaught, "<stdin>", folder, output)


def _physical_lines(text: str) -> int:
    """Lines as the ingest counts them: \\r\\n or \\n ends one; a lone \\r only in a file
    where lone \\r are the most common line end (classic Mac)."""
    crlf, lf = text.count("\r\n"), text.count("\n") - text.count("\r\n")
    cr = text.count("\r") - crlf
    mac = cr > crlf + lf
    ends = crlf + lf + (cr if mac else 0)
    return ends + int(bool(text) and not text.endswith(("\n", "\r") if mac else "\n"))


@FUZZ
@_seeded
@given(text=_csv_text(), mutation=st.sampled_from(["none", "nul", "quote", "blank", "big",
                                                     "cut"]),
       at=st.integers(0, 10_000))
def test_every_csv_line_is_accounted_for(text: str, mutation: str, at: int) -> None:
    from geoconflict.errors import GeoconflictError
    from geoconflict.events import read_events

    at = at % (len(text) + 1)
    if mutation == "nul":
        text = text[:at] + "\x00\x00" + text[at:]
    elif mutation == "quote":
        text = text[:at] + '"' + text[at:]
    elif mutation == "blank":
        text = text[:at] + "\n\n" + text[at:]
    elif mutation == "big":
        text = text[:at] + "y" * 200_000 + text[at:]
    elif mutation == "cut":
        text = text[:at]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            gdf = read_events(io.BytesIO(text.encode("utf-8")))
        except GeoconflictError:
            return  # a file-level error (no header, a required column missing)
    report = gdf.attrs["ingest"]
    lines = report["lines"]
    header = 0 if report.format == "gdelt" and report.delimiter == "\t" and \
        "GLOBALEVENTID" not in text[:20] else 1
    assert lines["after_header"] == max(_physical_lines(text) - header, 0), (report, text)
    assert lines["after_header"] == (lines["in_accepted_rows"] + lines["in_rejected_rows"]
                                     + lines["metadata"] + lines["blank"]), report
    assert len(gdf) + report.rejected == report.rows_read
    assert lines["in_accepted_rows"] >= len(gdf)
    assert lines["in_rejected_rows"] >= report.rejected


# ------------------------------------------------------ real shell, a handful
_SUBPROCESS_CASES = [
    ("events validate", ".csv", bytes(range(256)) * 3, None),
    ("proximity", None, b'{"type": "FeatureCollection", "features": [{"type": "Feat', None),
    ("export", None, b"", "standard input is empty"),
    ("map", ".csv", b"event_id,date,lat,lon\na,2024-02-07,33.3,44.4\x00\x00\nb,\"x", None),
    ("exposure", ".geojson", b'{"type":"FeatureCollection","features":[{"type":"Feature",'
     b'"geometry":{"type":"Point","coordinates":[1e999,33.3]},"properties":{}}]}', None),
]


@pytest.mark.parametrize(("name", "suffix", "data", "message"), _SUBPROCESS_CASES)
def test_malformed_input_in_a_real_shell(name: str, suffix: str | None, data: bytes,
                                         message: str | None, tmp_path: Path) -> None:
    build, output = COMMANDS[name]
    if suffix is None:
        argv, shown = build("-", tmp_path), "<stdin>"
        stdin = data
    else:
        source = tmp_path / f"input{suffix}"
        source.write_bytes(data)
        argv, shown, stdin = build(str(source), tmp_path), str(source), b""
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "geoconflict", *argv], input=stdin,
                          capture_output=True, cwd=tmp_path, timeout=300,
                          env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    stderr = proc.stderr.decode("utf-8", errors="replace")
    _check_run(name, argv, proc.returncode, proc.stdout.decode("utf-8", errors="replace"),
               stderr, None, shown, tmp_path, output)
    if message:
        assert message in stderr
