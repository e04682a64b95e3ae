"""Reading delimited text (CSV/TSV/GDELT) fast and losslessly, with line numbers.

Why pyarrow's CSV reader: it parses in parallel in C++ and hands pandas Arrow-backed
strings without a copy, so a million-row ACLED file reads in seconds. Every column is read
as text: messy files break type inference half-way through (``"n/a"`` in a number column),
and codes such as CAMEO ``"010"`` must keep their leading zeros. The readers convert the
columns they map; the rest stay exactly as written in the file.

Nothing is absorbed silently. Every line after the header ends up in exactly one of: a
row (which may span several lines when a quoted value holds line breaks), a bad row
(:attr:`Table.bad_rows`: wrong number of fields, an unterminated quote, NUL bytes, an
oversized field, each with its line number), the HXL hashtag row (metadata), or a blank
line; :attr:`Table.accounting` adds them up. A line ends at ``\\r\\n`` or ``\\n``; a lone
``\\r`` ends a line only in a file where lone ``\\r`` outnumber the other line ends
(classic Mac files). Elsewhere a lone ``\\r`` is data (spreadsheets quote values holding
one, RFC 4180), so it never shifts the line numbers reported, which then match
``wc -l``, pandas and editors that split at line feeds; a line break of the other kind
outside quotes makes its row a bad row, reported with its line.

Two paths: well-formed files (one record per line, at most some rows with the wrong
number of fields) stay entirely in pyarrow; anything else (quoted line breaks, blank
lines, NUL bytes, unterminated quotes, oversized fields) is re-read by a line-aware
scanner over :mod:`csv` that knows where each record starts and ends, and that recovers
from an unterminated quote by rejecting the line that opened it and reading the lines
after it on their own.
"""

from __future__ import annotations

import csv
import io
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import EventsError
from ._encoding import Detected, detect_encoding

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa

__all__ = [
    "MAX_FIELD_CHARS",
    "Table",
    "choose_encoding",
    "finish",
    "read_head",
    "read_table",
    "sniff_delimiter",
    "split_hxl",
]

HEAD_BYTES = 1 << 16
_DELIMITERS = (",", "\t", ";", "|")
#: A field longer than this is rejected: no incident field is this long, and an
#: unterminated quote or a binary file produce them (csv's own default limit).
MAX_FIELD_CHARS = 131_072
_HXL_TAG = re.compile(r"^#[a-z][a-z0-9_]*(\s*\+\s*[a-z][a-z0-9_]*)*$", re.IGNORECASE)
_LINE_END = re.compile(r"\r\n|\n")
_LINE_END_CR = re.compile(r"\r\n|\n|\r")  # files without any "\n": classic Mac


@dataclass
class Table:
    """A delimited file read as text columns."""

    table: pa.Table
    encoding: str
    delimiter: str
    header_lines: int
    #: (line number, reason, raw text) of each line or record that is not a row
    bad_rows: list[tuple[int, str, str]] = field(default_factory=list)
    #: the line number of each row of ``table`` (its first line)
    lines: np.ndarray | None = None
    #: how the encoding was chosen
    detected: Detected | None = None
    #: lines each row of ``table`` spans (None: one each)
    spans: np.ndarray | None = None
    #: lines each bad row spans, aligned with ``bad_rows``
    bad_spans: list[int] = field(default_factory=list)
    blank_lines: int = 0
    #: line numbers of metadata rows (the HXL hashtag row)
    metadata: list[int] = field(default_factory=list)
    #: column -> HXL hashtag, when the file has a hashtag row
    hxl: dict[str, str] = field(default_factory=dict)
    #: lines after the header, counted independently of the parse
    total_lines: int = 0
    #: line endings seen: {"CRLF": n, "LF": n, "CR": n}
    line_ends: dict[str, int] = field(default_factory=dict)
    #: the scan recovered from an unterminated quote, NUL bytes or an oversized field
    recovered: bool = False


def read_head(path: Path | None, data: bytes | None) -> bytes:
    """Return the first bytes of a file or buffer."""
    if data is not None:
        return data[:HEAD_BYTES]
    assert path is not None
    with open(path, "rb") as fh:
        return fh.read(HEAD_BYTES)


def choose_encoding(head: bytes, *, complete: bool, given: str | None) -> Detected:
    """The encoding to read with: ``given``, else detected from the first bytes."""
    if given:
        return Detected(given, 1.0, "given")
    return detect_encoding(head, complete=complete)


def split_hxl(table: pa.Table) -> tuple[pa.Table, dict[str, str] | None]:
    """Take the HXL hashtag row (``#geo+lat``...) off the top of ``table``.

    HDX exports carry it as the first row under the header: every non-empty value is a
    hashtag. Returns the table without it and ``{column: hashtag}``, or the table as is
    and None.
    """
    if not table.num_rows or not table.num_columns:
        return table, None
    first = table.slice(0, 1).to_pylist()[0]
    values = {k: str(v).strip() for k, v in first.items() if v is not None and str(v).strip()}
    if not values or not all(_HXL_TAG.match(v) for v in values.values()):
        return table, None
    return table.slice(1), {k: v.lower().replace(" ", "") for k, v in values.items()}


def sniff_delimiter(text: str, *, hint: str | None = None) -> str:
    """Pick the delimiter that splits the first lines into the most, consistent, fields.

    Why not :class:`csv.Sniffer`: it guesses from character frequencies and is easily
    fooled by commas in free text; counting fields per parsed line is more robust.
    """
    lines = text.splitlines()[:50]
    if len(lines) > 1 and len(text) >= HEAD_BYTES - 4:
        lines = lines[:-1]  # the last line of a sample may be cut
    best, best_score = hint or ",", (0, 0)
    for delim in _DELIMITERS:
        try:
            counts = [len(r) for r in csv.reader(lines, delimiter=delim) if r]
        except csv.Error:
            continue
        if not counts:
            continue
        width = max(set(counts), key=counts.count)
        share = counts.count(width) / len(counts)
        score = (int(share >= 0.8 and width > 1), width)
        if score > best_score or (score == best_score and delim == hint):
            best, best_score = delim, score
    return best


def _arrow_read(source: Path | bytes, encoding: str, delimiter: str, names: list[str],
                skip: int, bad: list[tuple[str, str]], *, multiline: bool) -> pa.Table:
    import pyarrow as pa
    from pyarrow import csv as pacsv

    def on_bad(row: pacsv.InvalidRow) -> str:
        bad.append((f"expected {row.expected_columns} fields, found {row.actual_columns}",
                    row.text))
        return "skip"

    # 1 MiB blocks (pyarrow's default) parse in parallel far better than large ones.
    read = pacsv.ReadOptions(column_names=names, skip_rows=skip,
                             encoding="utf8" if encoding == "utf-8-sig" else encoding)
    # Without newlines_in_values the parser splits blocks freely (faster) and a
    # quoted line break cut at a block boundary shows up as an invalid row: re-read then.
    parse = pacsv.ParseOptions(delimiter=delimiter, invalid_row_handler=on_bad,
                               newlines_in_values=multiline)
    # large_string is what pandas keeps Arrow text in: to_pandas then copies nothing
    convert = pacsv.ConvertOptions(column_types={n: pa.large_string() for n in names},
                                   strings_can_be_null=True, null_values=[""],
                                   quoted_strings_can_be_null=True)
    src = pa.BufferReader(source) if isinstance(source, bytes) else str(source)
    # pyarrow decodes an invalid row's text before calling the handler; when that text
    # is not UTF-8 it prints "Exception ignored" with a traceback: catch it as what it
    # is, text that is not in this encoding
    caught: list[UnicodeDecodeError] = []
    previous = sys.unraisablehook

    def hook(info: Any) -> None:
        if isinstance(info.exc_value, UnicodeDecodeError):
            caught.append(info.exc_value)
        else:
            previous(info)

    sys.unraisablehook = hook
    try:
        table = pacsv.read_csv(src, read_options=read, parse_options=parse,
                               convert_options=convert)
    finally:
        sys.unraisablehook = previous
    if caught:
        raise caught[0]
    return table




def read_table(path: Path | None, data: bytes | None, *, delimiter: str, names: list[str],
               header_lines: int, name: str, detected: Detected) -> Table:
    """Read a delimited file as text columns.

    Parameters
    ----------
    path, data
        The file, or its bytes (stdin, file objects, unpacked archives).
    names
        Column names (from the header, or GDELT's fixed list).
    header_lines
        Lines before the first record (1 with a header, 0 without).
    name
        The file name used in messages.
    detected
        The encoding (:func:`choose_encoding`); a file whose first bytes looked like
        UTF-8 but that is not is detected again from its undecodable part.
    """
    import pyarrow as pa

    source: Path | bytes = data if data is not None else path  # type: ignore[assignment]
    if detected.encoding.startswith("utf-16"):
        # pyarrow counts in bytes: scan the decoded text instead (such files are small)
        raw = _all_bytes(source)
        text = _decode(raw, detected, name)
        return finish(_scan_text(text, delimiter, names, header_lines, detected))
    bad: list[tuple[str, str]] = []
    try:
        table = _arrow_read(source, detected.encoding, delimiter, names, header_lines, bad,
                            multiline=False)
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        message = str(exc)
        undecodable = isinstance(exc, UnicodeDecodeError) or "UTF8" in message \
            or "utf8" in message or "decode" in message
        if not undecodable:
            # not splittable by pyarrow at all: the scanner reports what it finds
            text, detected = _decode_all(_all_bytes(source), detected, name)
            return finish(_scan_text(text, delimiter, names, header_lines, detected))
        if detected.method != "utf-8":
            msg = (f"cannot decode the file as {detected.encoding}: {message}; name the "
                   "encoding (encoding=..., CLI --encoding)")
            raise EventsError(msg, file=name) from exc
        raw = _all_bytes(source)
        detected = _redetect(raw)
        if detected.method == "utf-8":  # valid after all: pyarrow cut a character
            return finish(_scan_text(raw.decode("utf-8-sig"), delimiter, names,
                                     header_lines, detected))
        return read_table(None, raw, delimiter=delimiter, names=names,
                          header_lines=header_lines, name=name, detected=detected)
    stats = _line_stats(source)
    n_lines = stats.pop("lines")
    import numpy as np

    missing = n_lines - header_lines - table.num_rows - len(bad)
    well_formed = not stats.pop("nul") and not any(_fragment(t) for _, t in bad) \
        and missing >= 0 and _fields_fit(table)
    blank = np.empty(0, dtype=np.int64)
    if well_formed and missing:
        # pyarrow skips empty lines: fine when they are the only lines unaccounted for
        # (a trailing blank line is common); a lone CR ends lines the scan below misses
        if "CR" not in stats:
            blank = _blank_lines(source)
            blank = blank[blank > header_lines]
        well_formed = len(blank) == missing
    if well_formed:
        result = Table(table, detected.encoding, delimiter, header_lines, detected=detected,
                       total_lines=n_lines - header_lines, line_ends=stats,
                       blank_lines=len(blank))
        if not bad and not len(blank):
            # one record per line, none skipped: the line number is arithmetic
            result.lines = np.arange(header_lines + 1, header_lines + 1 + table.num_rows)
            return finish(result)
        found = _line_numbers(source, result, bad, blank)
        if found is not None:
            result.bad_rows, result.lines = found
            result.bad_spans = [1] * len(result.bad_rows)
            return finish(result)
    del table
    raw = _all_bytes(source)
    text, chosen = _decode_all(raw, detected, name)
    return finish(_scan_text(text, delimiter, names, header_lines, chosen,
                             source=source if chosen is detected else raw))


def finish(result: Table) -> Table:
    """Take off the HXL hashtag row (one line, right under the header)."""
    import numpy as np

    if result.lines is None:
        result.lines = np.arange(result.header_lines + 1,
                                 result.header_lines + 1 + result.table.num_rows)
    one_line = result.spans is None or (len(result.spans) > 0 and result.spans[0] == 1)
    table, tags = split_hxl(result.table) if one_line else (result.table, None)
    if tags is not None:
        result.table, result.hxl = table, tags
        result.metadata = [int(result.lines[0])]
        result.lines = result.lines[1:]
        if result.spans is not None:
            result.spans = result.spans[1:]
    return result


def _all_bytes(source: Path | bytes) -> bytes:
    return source if isinstance(source, bytes) else source.read_bytes()


def _decode(raw: bytes, detected: Detected, name: str) -> str:
    try:
        return raw.decode("utf-8-sig" if detected.encoding == "utf-8" else detected.encoding)
    except UnicodeDecodeError as exc:
        msg = (f"cannot decode the file as {detected.encoding} (byte {exc.start}): "
               "name the encoding (encoding=..., CLI --encoding)")
        raise EventsError(msg, file=name) from exc


def _decode_all(raw: bytes, detected: Detected, name: str) -> tuple[str, Detected]:
    """The whole text; a file whose first bytes only looked like UTF-8 is detected again
    from its undecodable part (pyarrow may have skipped that part as a bad row)."""
    if detected.method == "utf-8":
        try:
            return raw.decode("utf-8-sig"), detected
        except UnicodeDecodeError:
            detected = _redetect(raw)
    return _decode(raw, detected, name), detected


def _redetect(raw: bytes) -> Detected:
    """Detect again from the part of the file around its first byte that is not UTF-8."""
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        start = max(0, exc.start - HEAD_BYTES // 2)
        return detect_encoding(raw[start:start + HEAD_BYTES] + raw[:HEAD_BYTES // 2],
                               complete=True)
    return Detected("utf-8", 1.0, "utf-8")


def _fields_fit(table: pa.Table) -> bool:
    """No value longer than :data:`MAX_FIELD_CHARS` (vectorised, per column)."""
    import pyarrow.compute as pc

    for column in table.columns:
        longest = pc.max(pc.binary_length(column)).as_py()
        if longest is not None and longest > MAX_FIELD_CHARS:
            return False
    return True


def _line_stats(source: Path | bytes) -> dict[str, int]:
    """Lines (a last line without a line break counts), line endings and NUL bytes,
    reading in chunks. ``\\r\\n`` and ``\\n`` end a line; a lone ``\\r`` does only in a
    file where lone ``\\r`` are the most common line end (see the module docstring)."""
    counts = {"crlf": 0, "lf": 0, "cr": 0, "nul": 0}
    size, last = 0, b"\n"

    def add(chunk: bytes) -> None:
        # "in" (memchr) is several times faster than count: most files have neither
        cr = chunk.count(b"\r") if b"\r" in chunk else 0
        crlf = chunk.count(b"\r\n") if cr else 0
        counts["crlf"] += crlf
        counts["lf"] += chunk.count(b"\n") - crlf
        counts["cr"] += cr - crlf
        counts["nul"] += chunk.count(b"\x00") if b"\x00" in chunk else 0

    if isinstance(source, bytes):
        add(source)
        size, last = len(source), source[-1:]
    else:
        carry = b""
        with open(source, "rb") as fh:
            while chunk := fh.read(1 << 24):
                buf = carry + chunk
                # keep a trailing \r for the next chunk: it may be half of a \r\n
                carry = b"\r" if buf.endswith(b"\r") else b""
                add(buf[:-1] if carry else buf)
                size += len(chunk)
                last = chunk[-1:]
        if carry:
            add(carry)
    mac = counts["cr"] > counts["crlf"] + counts["lf"]
    ends = counts["crlf"] + counts["lf"] + (counts["cr"] if mac else 0)
    lines = ends + int(size > 0 and last not in ((b"\n", b"\r") if mac else (b"\n",)))
    out = {"lines": lines, "nul": counts["nul"]}
    out.update({k.upper(): v for k, v in counts.items() if k != "nul" and v})
    return out


def _fragment(text: str) -> bool:
    """A blank line, or a piece of a record cut at a quoted line break (odd quotes)."""
    return not text.strip() or text.count('"') % 2 == 1


def _line_numbers(source: Path | bytes, result: Table, bad: list[tuple[str, str]],
                  blank: np.ndarray) -> tuple[list[tuple[int, str, str]], np.ndarray] | None:
    """Line numbers of the rows and of the unsplittable rows when each is one line: row
    ``i`` is on line ``header + i + 1`` shifted past the unsplittable rows (found by
    their text in one vectorised pass) and the ``blank`` lines. None when a text is not
    found."""
    import numpy as np

    bad_lines = _find_lines(source, result.encoding, [text for _, text in bad])
    if bad_lines is None:
        return None
    n_lines = result.header_lines + result.table.num_rows + len(bad) + len(blank)
    all_lines = np.arange(result.header_lines + 1, n_lines + 1)
    keep = ~np.isin(all_lines, bad_lines) & ~np.isin(all_lines, blank)
    found = sorted(zip(bad_lines, bad, strict=True), key=lambda t: t[0])
    return ([(line, f"row cannot be split into fields: {reason}", text)
             for line, (reason, text) in found], all_lines[keep])


def _blank_lines(source: Path | bytes) -> np.ndarray:
    """Numbers of the empty lines (nothing, or a CR, before the LF), in one vectorised
    pass over 16 MiB chunks."""
    import numpy as np

    found: list[np.ndarray] = []
    first_line, carry = 1, b""
    with (open(source, "rb") if isinstance(source, Path) else io.BytesIO(source)) as fh:
        while chunk := fh.read(1 << 24):
            buf = carry + chunk
            arr = np.frombuffer(buf, dtype=np.uint8)
            ends = np.flatnonzero(arr == 10)
            if not len(ends):
                carry = buf
                continue
            starts = np.concatenate([[0], ends[:-1] + 1])
            length = ends - starts
            blank = (length == 0) | ((length == 1) & (arr[np.minimum(starts, len(arr) - 1)]
                                                      == 13))
            found.append(first_line + np.flatnonzero(blank))
            first_line += len(ends)
            carry = buf[ends[-1] + 1:]
    return np.concatenate(found) if found else np.empty(0, dtype=np.int64)


def _find_lines(source: Path | bytes, encoding: str, texts: list[str]) -> list[int] | None:
    """Line numbers of whole lines equal to ``texts`` (pyarrow reports bad rows in no
    particular order when parsing in parallel), in one pass; each occurrence is used
    once. None if a text is not found."""
    import numpy as np

    if not texts:
        return []
    enc = "utf-8" if encoding == "utf-8-sig" else encoding
    wanted: dict[bytes, list[int]] = {}
    for k, text in enumerate(texts):
        wanted.setdefault(text.encode(enc), []).append(k)
    lengths = np.array(sorted({len(t) for t in wanted} | {len(t) + 1 for t in wanted}))
    lines = [0] * len(texts)
    left, first_line, carry = len(texts), 1, b""
    # Vectorised over 16 MiB chunks: only lines of a wanted length are compared.
    with (open(source, "rb") if isinstance(source, Path) else io.BytesIO(source)) as fh:
        while chunk := fh.read(1 << 24):
            buf = carry + chunk
            ends = np.flatnonzero(np.frombuffer(buf, dtype=np.uint8) == 10)
            if not len(ends):
                carry = buf
                continue
            starts = np.concatenate([[0], ends[:-1] + 1])
            for k in np.flatnonzero(np.isin(ends - starts, lengths)).tolist():
                line = buf[starts[k]:ends[k]].rstrip(b"\r")
                if wanted.get(line):
                    lines[wanted[line].pop(0)] = first_line + k
                    left -= 1
            if not left:
                return lines
            first_line += len(ends)
            carry = buf[ends[-1] + 1:]
    if carry and wanted.get(carry.rstrip(b"\r")):
        lines[wanted[carry.rstrip(b"\r")].pop(0)] = first_line
        left -= 1
    return lines if not left else None


# ------------------------------------------------------------------ the scanner
def _mac_line_ends(text: str) -> bool:
    """True when lone CRs are the file's line ends (more of them than CRLF and LF)."""
    if "\r" not in text:
        return False
    crlf = text.count("\r\n")
    return text.count("\r") - crlf > text.count("\n")


def _records(reader: Any) -> Iterator[list[str] | None]:
    """The reader's records; None (then stop) where csv meets a line break outside quotes."""
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error:
            yield None
            return
        yield record


def _feed(lines: list[str], start: int) -> Iterator[str]:
    for k in range(start, len(lines)):
        yield lines[k] + "\n"


def _scan_text(text: str, delimiter: str, names: list[str], header_lines: int,
               detected: Detected, *, source: Path | bytes | None = None) -> Table:
    """Read ``text`` record by record, knowing the lines each one spans.

    With ``source``, a first pass only maps the records; when it finds nothing beyond
    quoted line breaks, blank and ragged lines, pyarrow's multi-line parser (C++, and
    several times faster than building the columns here) reads the values, and the map
    gives their line numbers. Otherwise (or when the two disagree) the values come from
    this scan.
    """
    if source is not None:
        mapped = _scan_text_rows(text, delimiter, names, header_lines, detected,
                                 keep_rows=False)
        if not mapped.recovered:
            fast = _arrow_multiline(source, mapped, names)
            if fast is not None:
                return fast
    return _scan_text_rows(text, delimiter, names, header_lines, detected)


def _arrow_multiline(source: Path | bytes, mapped: Table, names: list[str]) -> Table | None:
    """The values by pyarrow's multi-line parser, the lines from the scan's map; None
    when pyarrow does not see the same rows."""
    import pyarrow as pa

    bad: list[tuple[str, str]] = []
    try:
        table = _arrow_read(source, mapped.encoding, mapped.delimiter, names,
                            mapped.header_lines, bad, multiline=True)
    except (pa.ArrowInvalid, UnicodeDecodeError):
        return None
    assert mapped.lines is not None
    if table.num_rows != len(mapped.lines) or len(bad) != len(mapped.bad_rows):
        return None
    mapped.table = table
    return mapped


def _scan_text_rows(text: str, delimiter: str, names: list[str], header_lines: int,
                    detected: Detected, *, keep_rows: bool = True) -> Table:
    """The scan itself; without ``keep_rows`` only the map of the records (an empty
    ``table``)."""
    import numpy as np

    if text.startswith("\ufeff"):
        text = text[1:]
    lines = (_LINE_END_CR if _mac_line_ends(text) else _LINE_END).split(text)
    if lines and lines[-1] == "":
        lines.pop()
    line_ends = {"CRLF": text.count("\r\n")}
    line_ends["LF"] = text.count("\n") - line_ends["CRLF"]
    line_ends["CR"] = text.count("\r") - line_ends["CRLF"]
    width = len(names)
    rows: list[list[str]] = []
    starts: list[int] = []
    spans: list[int] = []
    bad: list[tuple[int, str, str]] = []
    bad_spans: list[int] = []
    blank = 0
    recovered = False
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, 2**31 - 1 if sys.maxsize > 2**31 else limit))
    try:
        i = min(header_lines, len(lines))
        while i < len(lines):
            reader = csv.reader(_feed(lines, i), delimiter=delimiter, strict=False)
            base, consumed, restart = i, 0, None
            for record in _records(reader):
                if record is None:  # a line break of the other kind outside quotes
                    first = base + consumed
                    span = max(reader.line_num - consumed, 1)
                    bad.append((first + 1, "a line break inside an unquoted value (mixed "
                                "line ends: CR in an LF file or LF in a CR file)",
                                "\n".join(lines[first:first + span])))
                    bad_spans.append(span)
                    restart, recovered = first + span, True
                    break
                first = base + consumed
                consumed = reader.line_num
                span = base + consumed - first
                if span == 1 and (not record or (len(record) == 1 and not record[0].strip())):
                    blank += 1
                    continue
                if span > 1 and _unterminated(lines, first, first + span, delimiter, width,
                                              record):
                    bad.append((first + 1, "unterminated quote: the quoted value opened on "
                                "this line does not close; the lines after it are read on "
                                "their own", lines[first]))
                    bad_spans.append(1)
                    restart = first + 1
                    recovered = True
                    break
                problem = _problem(record, width)
                if problem:
                    bad.append((first + 1, problem, "\n".join(lines[first:first + span])))
                    bad_spans.append(span)
                    recovered |= not problem.startswith("row cannot be split")
                else:
                    if keep_rows:
                        rows.append(record)
                    starts.append(first + 1)
                    spans.append(span)
            if restart is None:
                break
            i = restart
    finally:
        csv.field_size_limit(limit)
    table = _rows_to_table(rows if keep_rows else [], names)
    return Table(table, detected.encoding, delimiter, header_lines, bad_rows=bad,
                 lines=np.asarray(starts, dtype=np.int64), detected=detected,
                 spans=np.asarray(spans, dtype=np.int64), bad_spans=bad_spans,
                 blank_lines=blank, total_lines=max(len(lines) - header_lines, 0),
                 line_ends={k: v for k, v in line_ends.items() if v}, recovered=recovered)


def _unterminated(lines: list[str], first: int, end: int, delimiter: str, width: int,
                  record: list[str]) -> bool:
    """A record spanning several lines is an unterminated quote when it does not have
    the right number of fields, when its quotes do not pair up (it ran to the end of
    the file), or when one of the lines it swallowed is a whole record on its own: its
    quotes pair up (the line closing a real multi-line value holds the closing quote,
    an odd count) and it splits into exactly the header's number of fields."""
    if len(record) != width:
        return True
    if sum(line.count('"') for line in lines[first:end]) % 2:
        return True
    if width < 2:
        return False
    for line in lines[first + 1:end]:
        if line.count('"') % 2 == 0 and line.count(delimiter) >= width - 1:
            alone = next(csv.reader([line], delimiter=delimiter, strict=False), [])
            if len(alone) == width:
                return True
    return False


def _problem(record: list[str], width: int) -> str | None:
    if any("\x00" in value for value in record):
        return "NUL bytes in the row (a corrupt or binary file?)"
    if len(record) != width:
        return f"row cannot be split into fields: expected {width} fields, found {len(record)}"
    for k, value in enumerate(record, start=1):
        if len(value) > MAX_FIELD_CHARS:
            return (f"field {k} is {len(value):,} characters long (more than "
                    f"{MAX_FIELD_CHARS:,}: an unterminated quote or a binary file?)")
    return None


def _rows_to_table(rows: list[list[str]], names: list[str]) -> pa.Table:
    import pyarrow as pa

    columns = list(zip(*rows, strict=True)) if rows else [() for _ in names]
    arrays = [pa.array([v if v != "" else None for v in col], type=pa.large_string())
              for col in columns]
    return pa.Table.from_arrays(arrays, names=names)
