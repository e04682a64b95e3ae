"""Text encodings of incident files: UTF-8 first, then the code pages of the field.

Excel on Windows saves "CSV" in the system code page: cp1252 in Western Europe and the
Americas, cp1256 in the Arab world, cp1254 in Turkey; older exports are latin-1; Excel's
"CSV UTF-8" adds a byte-order mark and "Unicode text" is UTF-16. The readers try strict
UTF-8 and, when it fails, choose among those code pages only (never the whole zoo a
general detector considers: a wrong guess garbles names without raising):

1. a byte-order mark decides (UTF-8 with BOM, UTF-16);
2. UTF-16 without a mark shows as a NUL in every other byte of ASCII text;
3. strict UTF-8;
4. otherwise the bytes are decoded as each code page: Arabic letters decide for cp1256,
   the six Turkish letters (Ğ İ Ş ğ ı ş) for cp1254, and Latin text defaults to cp1252
   (latin-1 when cp1252 cannot decode a byte). charset-normalizer's measure of how
   coherent the chosen decoding is gives the *confidence* that is reported with it.

``encoding=`` (CLI ``--encoding``) names the encoding and skips all of this.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

__all__ = ["CODE_PAGES", "Detected", "bom_encoding", "decode_head", "detect_encoding",
           "normalize_encoding"]

#: The code pages considered when UTF-8 fails, in the order of the rules above.
CODE_PAGES: tuple[str, ...] = ("cp1256", "cp1254", "cp1252", "latin-1")

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_ARABIC = re.compile(r"[\u0621-\u064a\u0660-\u0669\u067e\u0686\u0698\u06af\u06cc]")
_ARABIC_WORD = re.compile(_ARABIC.pattern + "{2,}")
_MIXED = re.compile(f"[A-Za-z]{_ARABIC.pattern}|{_ARABIC.pattern}[A-Za-z]")
_TURKISH_BYTES = re.compile(rb"[\xd0\xdd\xde\xf0\xfd\xfe]")


@dataclass(frozen=True)
class Detected:
    """An encoding choice: its name, the confidence (0-1) and how it was made."""

    encoding: str
    confidence: float
    method: str  # "given", "bom", "utf-8", "detected"

    def describe(self) -> str:
        """``"cp1256 (detected, confidence 0.93)"``."""
        if self.method in ("utf-8", "given"):
            return self.encoding if self.method == "utf-8" else f"{self.encoding} (given)"
        return f"{self.encoding} ({self.method}, confidence {self.confidence:.2f})"


def normalize_encoding(name: str) -> str:
    """The canonical Python name of an encoding (``"CP-1256"`` -> ``"cp1256"``).

    Raises
    ------
    LookupError
        If Python knows no such encoding.
    """
    try:
        info = codecs.lookup(name)
    except LookupError:
        info = codecs.lookup(re.sub(r"[\s_-]", "", name))  # "CP-1256", "windows 1256"
    return {"iso8859-1": "latin-1", "utf-8": "utf-8", "utf-8-sig": "utf-8-sig"}.get(
        info.name, info.name)


def bom_encoding(head: bytes) -> str | None:
    """Return the encoding a byte-order mark announces, or None."""
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    return None


def _utf16_without_bom(sample: bytes) -> str | None:
    even, odd = sample[0::2], sample[1::2]
    if len(sample) < 8:
        return None
    # ASCII text in UTF-16: one byte of every pair is NUL
    if odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def _confidence(sample: bytes, encoding: str) -> float:
    """1 - charset-normalizer's chaos of ``sample`` decoded as ``encoding`` (0-1)."""
    import charset_normalizer

    name = encoding.replace("-", "_")
    matches = charset_normalizer.from_bytes(sample, cp_isolation=[name], threshold=1.0)
    best = matches.best()
    return 0.0 if best is None else round(max(0.0, 1.0 - best.percent_chaos / 100), 2)


def detect_encoding(sample: bytes, *, complete: bool = False) -> Detected:
    """Choose the encoding of ``sample`` (the rules in the module docstring).

    ``complete`` says ``sample`` is the whole file; otherwise a multi-byte character cut
    at the end of the sample is not held against UTF-8.

    Examples
    --------
    >>> detect_encoding("بغداد".encode("cp1256"), complete=True).encoding
    'cp1256'
    >>> detect_encoding("Bagdad à l’est".encode("cp1252"), complete=True).encoding
    'cp1252'
    >>> detect_encoding("Şırnak".encode("cp1254"), complete=True).encoding
    'cp1254'
    >>> detect_encoding("بغداد".encode()).describe()
    'utf-8'
    """
    announced = bom_encoding(sample)
    if announced is not None:
        return Detected(announced, 1.0, "bom")
    wide = _utf16_without_bom(sample[:4096])
    if wide is not None:
        return Detected(wide, 0.9, "detected")
    try:
        sample.decode("utf-8")
        return Detected("utf-8", 1.0, "utf-8")
    except UnicodeDecodeError as exc:
        if not complete and exc.start >= len(sample) - 3 and \
                exc.reason == "unexpected end of data":
            return Detected("utf-8", 1.0, "utf-8")
    if _looks_arabic(sample.decode("cp1256", errors="replace")):
        encoding = "cp1256"
    elif _TURKISH_BYTES.search(sample) and _decodes(sample, "cp1254"):
        encoding = "cp1254"
    elif _decodes(sample, "cp1252"):
        encoding = "cp1252"
    else:
        encoding = "latin-1"
    return Detected(encoding, _confidence(sample, encoding), "detected")


def _looks_arabic(text: str) -> bool:
    """Arabic words: runs of Arabic letters make up most of the non-ASCII text, and
    they do not sit inside Latin words (as a cp1252 "é" read as cp1256 would)."""
    non_ascii = sum(ord(c) > 127 for c in text)
    in_words = sum(len(run) for run in _ARABIC_WORD.findall(text))
    mixed = len(_MIXED.findall(text))
    return bool(non_ascii) and in_words >= 0.5 * non_ascii and mixed <= 0.1 * in_words


def _decodes(sample: bytes, encoding: str) -> bool:
    try:
        sample.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def decode_head(head: bytes, *, complete: bool = False,
                encoding: str | None = None) -> tuple[str, str]:
    """Decode the first bytes of a file for sniffing; return ``(text, encoding)``.

    Examples
    --------
    >>> decode_head("Bagdad, Irak".encode("cp1252") + b"\\xe9", complete=True)[1]
    'cp1252'
    >>> decode_head("Bagdad, Irak".encode("cp1252") + b"\\xe9")[1]  # maybe a cut character
    'utf-8'
    >>> decode_head("Bagdad, Irak".encode("cp1252") + b"\\xe9 ")[1]
    'cp1252'
    """
    chosen = encoding or detect_encoding(head, complete=complete).encoding
    # errors="replace": a character cut at the end of the sample, or a byte the named
    # encoding cannot decode, must not hide the header (the full read reports it)
    return head.decode(chosen, errors="replace"), chosen
