"""Packed and spreadsheet incident files: ``.zip``, ``.gz`` and ``.xlsx``.

GDELT publishes ``*.export.CSV.zip``, HDX offers zipped CSVs beside a codebook, and
ACLED's export tool and HDX hand out ``.xlsx`` sheets. Archives are recognised by their
magic bytes (not their names, which pipes do not have) and unpacked in memory; the one
data file inside is then read like any other. Spreadsheets are read with
python-calamine (Rust's calamine: maintained, and an order of magnitude faster than
openpyxl), every cell as the text a CSV export of it would hold, with the sheet's row
numbers as line numbers.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import EventsError

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["DATA_SUFFIXES", "is_xlsx", "read_sheet", "unpack"]

#: Members of an archive that hold data (anything else, a README or a codebook PDF, is
#: left alone).
DATA_SUFFIXES = (".csv", ".tsv", ".tab", ".xlsx", ".geojson", ".json", ".geojsonl",
                 ".geojsons", ".jsonl", ".ndjson", ".gpkg", ".parquet")
#: An archive member larger than this is refused (a zip bomb, or not an incident file).
MAX_UNPACKED_BYTES = 8 << 30


def is_xlsx(head: bytes, path: Path | None, data: bytes | None) -> bool:
    """A zip holding ``xl/workbook.xml``: an Office Open XML workbook."""
    if not head.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(path if path is not None else io.BytesIO(data or b"")) as zf:
            return "xl/workbook.xml" in zf.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return False


def unpack(name: str, path: Path | None, data: bytes | None, head: bytes
           ) -> tuple[str, Path | None, bytes | None, str | None]:
    """Unpack a gzip or zip source: ``(name, path, data, member suffix)``.

    Anything else comes back as it was (suffix None; ``""`` for an unpacked source
    whose name has none). The name of an unpacked source
    says where it came from (``ged.zip/ged.csv``).
    """
    if head.startswith(b"\x1f\x8b"):
        import gzip
        import zlib

        try:
            unpacked = gzip.decompress(data if data is not None else _read(path))
        except (OSError, EOFError, zlib.error) as exc:
            msg = f"not a readable gzip file: {exc}"
            raise EventsError(msg, file=name) from exc
        inner = Path(name).stem if name.lower().endswith(".gz") else name
        return inner, None, unpacked, Path(inner).suffix.lower()
    if not head.startswith((b"PK\x03\x04", b"PK\x05\x06")) or is_xlsx(head, path, data):
        return name, path, data, None
    try:
        with zipfile.ZipFile(path if path is not None else io.BytesIO(data or b"")) as zf:
            member = _member(zf, name)
            raw = zf.read(member) if member.file_size <= MAX_UNPACKED_BYTES else None
    except EventsError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError,
            NotImplementedError, RuntimeError) as exc:
        # RuntimeError: an encrypted member; NotImplementedError: a compression method
        msg = f"not a readable zip file: {exc}"
        raise EventsError(msg, file=name) from exc
    if raw is None:
        msg = f"{member.filename} unpacks to {member.file_size:,} bytes; unpack it first"
        raise EventsError(msg, file=name)
    return f"{name}/{member.filename}", None, raw, Path(member.filename).suffix.lower()


def _read(path: Path | None) -> bytes:
    assert path is not None
    return path.read_bytes()


def _member(zf: zipfile.ZipFile, name: str) -> zipfile.ZipInfo:
    """The one data file of the archive (a ``.txt`` only when nothing else is data)."""
    files = [m for m in zf.infolist() if not m.is_dir()
             and not m.filename.startswith(("__MACOSX/", "."))
             and not Path(m.filename).name.startswith(".")]
    data = [m for m in files if Path(m.filename).suffix.lower() in DATA_SUFFIXES] or \
        [m for m in files if Path(m.filename).suffix.lower() == ".txt"]
    if len(data) == 1:
        return data[0]
    if not data and len(files) == 1:
        return files[0]
    if not files:
        msg = "the zip archive is empty"
        raise EventsError(msg, file=name)
    listed = ", ".join(m.filename for m in (data or files)[:8])
    msg = f"the zip archive holds several files ({listed}); unpack the one to read"
    raise EventsError(msg, file=name)


def _cell_text(value: Any) -> str | None:
    """A cell as a CSV export of the sheet would write it."""
    import datetime as dt

    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    return str(value)


def read_sheet(name: str, path: Path | None, data: bytes | None
               ) -> tuple[list[str], pa.Table, list[int], int]:
    """The first non-empty sheet of an ``.xlsx`` workbook as text columns.

    Returns the header, the table, the sheet row number of each table row and the
    number of blank rows between the header and the last row.
    """
    import pyarrow as pa
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data)) if data is not None \
            else CalamineWorkbook.from_path(str(path))
        rows: list[list[Any]] = []
        for sheet_name in book.sheet_names:
            rows = book.get_sheet_by_name(sheet_name).to_python(skip_empty_area=False)
            if any(any(v not in (None, "") for v in r) for r in rows):
                break
    except Exception as exc:  # calamine raises its own error types for damaged files
        msg = f"not a readable .xlsx workbook: {exc}"
        raise EventsError(msg, file=name) from exc
    texts = [[_cell_text(v) for v in r] for r in rows]
    while texts and not any(texts[0]):
        texts.pop(0)  # rows above the header
    skipped = len(rows) - len(texts)
    if not texts:
        msg = "the workbook has no data (every sheet is empty)"
        raise EventsError(msg, file=name)
    header = [t or "" for t in texts[0]]
    width = len(header)
    columns: list[list[str | None]] = [[] for _ in range(width)]
    lines: list[int] = []
    blank = 0
    for k, row in enumerate(texts[1:], start=skipped + 2):
        if not any(row):
            blank += 1
            continue
        lines.append(k)
        padded = (row + [None] * width)[:width]
        for c, value in enumerate(padded):
            columns[c].append(value)
    # blank rows after the last row are not lines of the table
    blank = (lines[-1] if lines else skipped + 1) - (skipped + 1) - len(lines)
    arrays = [pa.array(col, type=pa.large_string()) for col in columns]
    table = pa.Table.from_arrays(arrays, names=[f"column_{i}" for i in range(width)])
    return header, table, lines, max(blank, 0)
