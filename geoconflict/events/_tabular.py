"""Reading delimited text (CSV/TSV/GDELT) fast and losslessly, with line numbers.

Why pyarrow's CSV reader: it parses in parallel in C++ and hands pandas Arrow-backed
strings without a copy, so a million-row ACLED file reads in seconds. Every column is read
as text: messy files break type inference half-way through (``"n/a"`` in a number column),
and codes such as CAMEO ``"010"`` must keep their leading zeros. The readers convert the
columns they map; the rest stay exactly as written in the file.

Rows with the wrong number of fields are not dropped: they come back in
:attr:`Table.bad_rows` with the line number the user sees, and the readers reject them.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import EventsError
from ._encoding import FALLBACK_ENCODINGS, decode_head

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa

__all__ = ["Table", "read_head", "read_table", "sniff_delimiter"]

HEAD_BYTES = 1 << 16
_DELIMITERS = (",", "\t", ";", "|")


@dataclass
class Table:
    """A delimited file read as text columns."""

    table: pa.Table
    encoding: str
    delimiter: str
    header_lines: int
    #: (line number, reason, raw text) of each row pyarrow could not split
    bad_rows: list[tuple[int, str, str]] = field(default_factory=list)
    #: the line number of each row of ``table``
    lines: np.ndarray | None = None


def read_head(path: Path | None, data: bytes | None) -> bytes:
    """Return the first bytes of a file or buffer."""
    if data is not None:
        return data[:HEAD_BYTES]
    assert path is not None
    with open(path, "rb") as fh:
        return fh.read(HEAD_BYTES)


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
    return pacsv.read_csv(src, read_options=read, parse_options=parse,
                          convert_options=convert)


def read_table(path: Path | None, data: bytes | None, *, delimiter: str, names: list[str],
               header_lines: int, name: str) -> Table:
    """Read a delimited file as text columns, trying UTF-8 then the fallback encodings.

    Parameters
    ----------
    path, data
        The file, or its bytes (stdin, file objects).
    names
        Column names (from the header, or GDELT's fixed list).
    header_lines
        Lines before the first record (1 with a header, 0 without).
    name
        The file name used in messages.
    """
    import numpy as np
    import pyarrow as pa

    head = read_head(path, data)
    _, first = decode_head(head, complete=data is not None and len(data) <= HEAD_BYTES)
    order = ("utf-8", *FALLBACK_ENCODINGS)
    candidates = [first, *order[order.index(first) + 1:]] if first in order else \
        [first, *FALLBACK_ENCODINGS]
    source: Path | bytes = data if data is not None else path  # type: ignore[assignment]
    last_error: Exception | None = None
    for encoding in candidates:
        bad: list[tuple[str, str]] = []
        try:
            table = _arrow_read(source, encoding, delimiter, names, header_lines, bad,
                                multiline=False)
            # pyarrow still parses a quoted line break right when it falls inside one
            # block, so a line count that does not add up also means multi-line values
            multiline = any(_fragment(text) for _, text in bad) or \
                _count_lines(source) != header_lines + table.num_rows + len(bad)
            if multiline:
                bad = []
                table = _arrow_read(source, encoding, delimiter, names, header_lines, bad,
                                    multiline=True)
        except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
            text = str(exc)
            if isinstance(exc, UnicodeDecodeError) or "UTF8" in text or "utf8" in text \
                    or "decode" in text:
                last_error = exc
                continue
            msg = f"cannot parse as delimited text: {text}"
            raise EventsError(msg, file=name) from exc
        result = Table(table, encoding, delimiter, header_lines)
        if not multiline and not bad:
            # one record per line, none skipped: the line number is arithmetic
            result.lines = np.arange(header_lines + 1, header_lines + 1 + table.num_rows)
        else:
            result.bad_rows, result.lines = _line_numbers(source, result, bad,
                                                          multiline=multiline)
        return result
    msg = f"cannot decode the file as UTF-8, cp1252 or latin-1: {last_error}"
    raise EventsError(msg, file=name)


def _count_lines(source: Path | bytes) -> int:
    """Number of lines (a last line without a line break counts), reading in chunks."""
    if isinstance(source, bytes):
        return source.count(b"\n") + int(bool(source) and not source.endswith(b"\n"))
    count, last = 0, b"\n"
    with open(source, "rb") as fh:
        while chunk := fh.read(1 << 24):
            count += chunk.count(b"\n")
            last = chunk[-1:]
    return count + int(last != b"\n")


def _fragment(text: str) -> bool:
    """A blank line, or a piece of a record cut at a quoted line break (odd quotes)."""
    return not text.strip() or text.count('"') % 2 == 1


def _line_numbers(source: Path | bytes, result: Table, bad: list[tuple[str, str]], *,
                  multiline: bool) -> tuple[list[tuple[int, str, str]], np.ndarray]:
    """Line number of every row and of every unsplittable row.

    Without line breaks in values, row ``i`` is on line ``header + i + 1`` shifted past
    the unsplittable rows, which are found by their text in one regex pass. Otherwise
    (quoted line breaks, blank lines) the file is scanned once with :mod:`csv`.
    """
    import numpy as np

    if not multiline:
        bad_lines = _find_lines(source, result.encoding, [text for _, text in bad])
        if bad_lines is not None:
            n_lines = result.header_lines + result.table.num_rows + len(bad)
            all_lines = np.arange(result.header_lines + 1, n_lines + 1)
            keep = ~np.isin(all_lines, bad_lines)
            found = sorted(zip(bad_lines, bad, strict=True), key=lambda t: t[0])
            return [(line, reason, text) for line, (reason, text) in found], all_lines[keep]
    return _scan_lines(source, result, bad)


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


def _scan_lines(source: Path | bytes, result: Table, bad: list[tuple[str, str]]
                ) -> tuple[list[tuple[int, str, str]], np.ndarray]:
    import numpy as np

    enc = result.encoding
    width = result.table.num_columns
    raw = source if isinstance(source, bytes) else source.read_bytes()
    text = raw.decode(enc, errors="replace")
    # Lines end at "\n" only, as editors and the caller count them; a CR inside a quoted
    # value stays part of the value.
    reader = csv.reader(io.StringIO(text, newline="\n"), delimiter=result.delimiter)
    good: list[int] = []
    bad_out: list[tuple[int, str, str]] = []
    bad_iter = iter(bad)
    prev = 0
    for i, record in enumerate(reader):
        start = prev + 1
        prev = reader.line_num
        if i < result.header_lines or not record or record == [""]:
            continue
        if len(record) == width:
            good.append(start)
        else:
            reason, raw_text = next(bad_iter, (f"expected {width} fields, found "
                                               f"{len(record)}", ""))
            bad_out.append((start, reason, raw_text or result.delimiter.join(record)))
    if len(good) != result.table.num_rows:
        # csv and pyarrow disagree (exotic quoting): fall back to record numbers
        good = list(range(result.header_lines + 1, result.header_lines + 1
                          + result.table.num_rows))
    return bad_out, np.asarray(good, dtype=np.int64)
