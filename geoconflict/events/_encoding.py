"""Text encodings of incident files: UTF-8 first, then the fallbacks spreadsheets produce.

Excel on Windows saves "CSV" as cp1252; older exports are latin-1; Excel's "CSV UTF-8"
adds a byte-order mark. The readers try UTF-8 (strict), then cp1252, then latin-1 (which
decodes any byte, so it is the last resort), and *report* which one was used, because a
wrong guess garbles names without raising.
"""

from __future__ import annotations

import codecs

__all__ = ["FALLBACK_ENCODINGS", "bom_encoding", "decode_head"]

#: Tried in order after strict UTF-8 fails.
FALLBACK_ENCODINGS: tuple[str, ...] = ("cp1252", "latin-1")

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def bom_encoding(head: bytes) -> str | None:
    """Return the encoding a byte-order mark announces, or None."""
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    return None


def decode_head(head: bytes, *, complete: bool = False) -> tuple[str, str]:
    """Decode the first bytes of a file for sniffing; return ``(text, encoding)``.

    ``complete`` says ``head`` is the whole file; otherwise a multi-byte character cut at
    the end of the sample is not held against UTF-8.

    Examples
    --------
    >>> decode_head("Bagdad, Irak".encode("cp1252") + b"\\xe9", complete=True)[1]
    'cp1252'
    >>> decode_head("Bagdad, Irak".encode("cp1252") + b"\\xe9")[1]  # maybe a cut character
    'utf-8'
    >>> decode_head("Bagdad, Irak".encode("cp1252") + b"\\xe9 ")[1]
    'cp1252'
    """
    announced = bom_encoding(head)
    if announced is not None:
        return head.decode(announced, errors="replace"), announced
    try:
        return head.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        if not complete and exc.start >= len(head) - 3 and exc.reason == "unexpected end of data":
            return head[:exc.start].decode("utf-8"), "utf-8"
    for name in FALLBACK_ENCODINGS:
        try:
            return head.decode(name), name
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes every byte")  # pragma: no cover
