"""Place-name normalisation: the keys the gazetteer is indexed by.

Two levels, both pure functions of the text so that the index built once and the
queries normalised later always agree:

``fold``
    case, diacritics, punctuation, the ʿayn/hamza apostrophes, hyphens, Arabic-script
    letter variants (alef forms, taa marbuta, alef maqsura, hamza seats, tashkeel,
    Persian letters) and the Arabic article (al-/el-/ال and the assimilated forms
    ar-/as-/ash-/az-/ad-/an-/at- before the matching consonant) are removed. "Deir
    ez-Zor", "DEIR EZ ZOR" and "Deïr ez-Zor" all fold to ``"deir zor"``.
``skeleton``
    a transliteration-blind consonant key built on top of ``fold``: digraph pairs
    (sh/ch/sch, kh, gh, th, dh, ph), q/k/g/c, vowels and the semivowels w/y, a final
    taa marbuta ``-ah`` and doubled letters are merged. "Dayr az Zawr", "Deir al-Zour"
    and "Dair ez-Zaur" all give ``"drzr"``; "Machtal" and "Mashtal" give ``"mstl"``.
    Skeletons collide far more than folds, so the matcher always re-ranks skeleton
    hits by string similarity and population.

Everything here is plain ``str`` work (``unicodedata`` + ``str.translate`` + a few
compiled regular expressions), cheap enough to run ~10^5 times a second.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from itertools import pairwise

__all__ = ["NORMALIZER_VERSION", "fold", "fold_with_offsets", "is_arabic", "latin",
           "skeleton"]

#: Bump when fold/skeleton change: cached gazetteer indexes carry it in their key.
NORMALIZER_VERSION = "4"

# Arabic-script letter variants -> one form. Alef with hamza/madda/wasla -> bare alef;
# taa marbuta -> haa; alef maqsura and the yaa/waw hamza seats -> yaa/waw; Persian and
# Urdu letters seen in Kurdish/Persian spellings -> their Arabic equivalents.
_AR_MAP = {
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ٲ": "ا", "ٳ": "ا",
    "ة": "ه", "ۀ": "ه", "ە": "ه", "ھ": "ه",
    "ى": "ي", "ی": "ي", "ې": "ي", "ێ": "ي", "ئ": "ي",
    "ؤ": "و", "ۆ": "و", "ۇ": "و",
    "ک": "ك", "گ": "ك", "ڤ": "ف", "پ": "ب", "چ": "ج", "ژ": "ز", "ڕ": "ر", "ڵ": "ل",
    "ء": "", "ـ": "",
    # Arabic-Indic digits -> ASCII digits
    **{chr(0x0660 + i): str(i) for i in range(10)},
    **{chr(0x06F0 + i): str(i) for i in range(10)},
}
# Characters deleted outright: apostrophes standing for ʿayn or hamza, so "Qa'im",
# "Qaʾim" and "Qa’im" meet "Qaim". Everything else that is not a letter or digit
# becomes a space.
_DROP = "'’‘`´ʿʾʼʹʻ′ˈ"
_TABLE = str.maketrans({**_AR_MAP, **dict.fromkeys(_DROP, "")})
_LATIN_EXTRA = str.maketrans({"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d",
                              "ð": "d", "þ": "th", "ı": "i", "ə": "e", "ħ": "h"})
_NON_WORD = re.compile(r"[^\w]+|_+")
# The Arabic article in Latin spellings, standing alone after hyphens became spaces:
# al/el/il/ul always; the assimilated forms only before the consonant they assimilate to
# ("ar Raqqah", "as Sulaymaniyah", "ash Shaddadi", "az Zawr", "ad Diwaniyah").
_ARTICLE = re.compile(
    r"(?:(?<=\s)|^)(?:al|el|il|ul|l"
    r"|[ae]t(?=\st)|[ae]th(?=\sth)|[ae]d(?=\sd)|[ae]dh(?=\sdh)|[ae]r(?=\sr)|[ae]z(?=\sz)"
    r"|[ae]s(?=\ss)|[ae]sh(?=\ssh)|[ae]n(?=\sn))\s(?=\S)"
)
# Arabic article glued to its word: "الزور" -> "زور"; "بال"/"وال" prefixes are kept.
_AR_ARTICLE = re.compile(r"(?:(?<=\s)|^)ال(?=\S{2,})")

# skeleton rules, applied in order on folded text: digraphs first (plain str.replace is
# several times faster than regular expressions here), then single-letter merges.
_DIGRAPHS: tuple[tuple[str, str], ...] = (
    ("sch", "S"), ("tch", "S"), ("sh", "S"), ("ch", "S"), ("kh", "K"), ("gh", "g"),
    ("th", "t"), ("dh", "t"), ("ph", "f"), ("dj", "j"), ("dz", "j"),
)
_TAA_MARBUTA = re.compile(r"ah\b")  # Falluja(h), Basra(h)
_VELARS = str.maketrans({"q": "k", "g": "k", "c": "k"})
_DOUBLE = re.compile(r"([a-zA-Z])\1+")
_VOWELS = str.maketrans(dict.fromkeys("aeiouyw", None))
_COMBINING = re.compile(
    "[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
    "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")
_AR_VOWELS = str.maketrans(dict.fromkeys("اويه", ""))
_ARABIC_RANGE = re.compile(r"[\u0600-\u06FF\u0750-\u077F\uFB50-\uFDFF\uFE70-\uFEFF]")


def _first_letter(match: re.Match[str]) -> str:
    # A function replacement: a "\\1" template is re-parsed on every sub() call.
    return match.group(1)


def is_arabic(text: str) -> bool:
    """Return True if ``text`` contains Arabic-script letters."""
    return _ARABIC_RANGE.search(text) is not None


@lru_cache(maxsize=65_536)
def has_article(text: str) -> bool:
    """True when ``text`` begins with the Arabic article, which :func:`fold` drops.

    Examples
    --------
    >>> has_article("Ad Dali"), has_article("Aḑ Ḑāli‘"), has_article("الضالع")
    (True, True, True)
    >>> has_article("Dali"), has_article("Alma")
    (False, False)
    """
    text = _words(text)
    return bool(_ARTICLE.match(text)) or bool(_AR_ARTICLE.match(text))


def _words(text: str) -> str:
    """Lower case, no diacritics, Arabic letter variants folded, words separated by single
    spaces: :func:`fold` before it drops the articles."""
    if text.isascii():
        text = text.lower().translate(_TABLE)
    else:
        # Tashkeel and Latin diacritics are combining marks after NFD.
        text = unicodedata.normalize("NFKC", text).casefold().translate(_TABLE)
        text = _COMBINING.sub("", unicodedata.normalize("NFD", text)).translate(_LATIN_EXTRA)
    return _NON_WORD.sub(" ", text).strip()


@lru_cache(maxsize=200_000)
def fold(text: str) -> str:
    """Return the normalised form of a place name (see the module docstring).

    Examples
    --------
    >>> fold("Deir ez-Zor")
    'deir zor'
    >>> fold("Al Qa'im")
    'qaim'
    >>> fold("دير الزور")
    'دير زور'
    """
    text = _words(text)
    if not text:
        return ""
    text = _ARTICLE.sub("", text)
    if "ال" in text:
        text = _AR_ARTICLE.sub("", text)
    return text


@lru_cache(maxsize=200_000)
def skeleton(text: str) -> str:
    """Return the transliteration-blind key of an already folded name.

    Examples
    --------
    >>> skeleton(fold("Dayr az Zawr")) == skeleton(fold("Deir al-Zour"))
    True
    >>> skeleton(fold("Machtal"))
    'mStl'
    """
    if not text:
        return ""
    if is_arabic(text):
        first, rest = text[0], text[1:].replace(" ", "").translate(_AR_VOWELS)
        return first + rest
    for pair, repl in _DIGRAPHS:
        if pair in text:
            text = text.replace(pair, repl)
    text = _TAA_MARBUTA.sub("a", text).translate(_VELARS)
    text = _DOUBLE.sub(_first_letter, text)
    # A word that is all vowels ("Ur", "Ayn") keeps its first letter. Letters doubled
    # once the vowels are gone merge too ("Baghdad" bkd, as Arabic بغداد written
    # without its short vowels).
    return _DOUBLE.sub(_first_letter,
                       "".join(w.translate(_VOWELS) or w[:1] for w in text.split()))


_LONG_VOWELS = {"w": "u", "y": "i"}


@lru_cache(maxsize=50_000)
def latin(text: str) -> str:
    """An Arabic-script name (already folded) in Latin letters, folded: the Arabic <->
    Latin transliteration key's first step (``anyascii``, ISC licence).

    Letter by letter, waw and yaa inside a word as u and i, and an ``a`` between two
    consonants: Arabic writes no short vowels, and without one "دجيل" would read as the
    digraph ``dj`` (skeletons drop vowels again, so the ``a`` only keeps letters apart
    and string similarity fair). A
    word-final ``h`` is dropped: after :func:`fold` it stands for the taa marbuta that
    Latin spellings write ``-a``/``-ah`` ("الفلوجة" ~ "Fallujah"). Latin text comes back
    unchanged.

    >>> skeleton(latin(fold("الموصل"))) == skeleton(fold("Mosul"))
    True
    """
    if not is_arabic(text):
        return text
    from anyascii import anyascii

    words = []
    for word in text.split():
        units = [u for u in (anyascii(ch).lower() for ch in word) if u.isalnum()]
        if len(units) > 1 and units[-1] == "h":
            units.pop()
        # Waw and yaa inside a word are mostly the long vowels u/o and i/e.
        units = [units[0], *(_LONG_VOWELS.get(u, u) for u in units[1:])] if units else []
        out = units[:1]
        for prev, unit in pairwise(units):
            if prev not in "aiu" and unit not in "aiu":
                out.append("a")
            out.append(unit)
        words.append("".join(out))
    return fold(" ".join(words))


@lru_cache(maxsize=8)
def _fold_with_offsets_cached(text: str) -> tuple[str, tuple[int, ...]]:
    folded, offsets = _fold_fast(text) or _fold_per_char(text)
    return folded, tuple(offsets)


def fold_with_offsets(text: str) -> tuple[str, list[int]]:
    """Fold running text like :func:`fold` and map each folded character to its source.

    Returns
    -------
    folded, offsets
        ``offsets[i]`` is the index in ``text`` of the character that produced
        ``folded[i]``; ``offsets[len(folded)]`` is ``len(text)``. Where an article was
        removed ("Al-Qaim" -> "qaim"), the first letter after it maps to the article's
        start, so a span found in the folded text covers "Al-Qaim" in the source.

    Examples
    --------
    >>> folded, offsets = fold_with_offsets("near Al-Qa'im")
    >>> folded
    'near qaim'
    >>> "near Al-Qa'im"[offsets[5]:]
    "Al-Qa'im"
    """
    # Scanning a report folds the same text twice (once for context, once with it):
    # the cache makes the second fold free.
    folded, offsets = _fold_with_offsets_cached(text)
    return folded, list(offsets)


#: Per-byte classes for the vectorised path: 0 dropped, 1 letter or digit, 2 separator.
_ASCII_CLASS = bytes(
    0 if chr(b) in _DROP else 1 if chr(b).isalnum() else 2 for b in range(128))


def _fold_fast(text: str) -> tuple[str, list[int]] | None:
    """Vectorised :func:`_fold_per_char` for text whose only non-ASCII characters are
    punctuation or spaces (curly quotes, dashes): the common case for English news.
    Returns None when the text needs the per-character path (accents, Arabic...)."""
    import numpy as np

    if not text:
        return "", [0]
    if text.isascii():
        work = text
    else:
        chars = set(text) - set(map(chr, range(128)))
        mapping: dict[int, str] = {}
        for ch in chars:
            if ch in _DROP:
                mapping[ord(ch)] = "'"
            elif unicodedata.category(ch)[0] in "PZS" and not any(
                    c.isalnum() for c in unicodedata.normalize("NFKC", ch)):
                mapping[ord(ch)] = " "
            else:
                return None
        work = text.translate(mapping)
    raw = np.frombuffer(work.lower().encode("ascii"), dtype=np.uint8)
    cls = np.frombuffer(_ASCII_CLASS, dtype=np.uint8)[raw].copy()
    n = len(raw)
    # English possessive ("Baghdad's"): the apostrophe and the s become one boundary.
    apos = np.flatnonzero(cls == 0)
    if len(apos):
        nxt = apos + 1
        ok = nxt < n
        apos, nxt = apos[ok], nxt[ok]
        is_s = raw[nxt] == ord("s")
        after = nxt + 1
        ends = (after >= n) | (cls[np.minimum(after, n - 1)] != 1)
        poss = apos[is_s & ends]
        cls[poss] = 2
        cls[poss + 1] = 0
    idx = np.flatnonzero(cls != 0)
    kinds = cls[idx]
    prev = np.empty_like(kinds)
    if len(kinds):
        prev[0] = 2
        prev[1:] = kinds[:-1]
    keep = (kinds == 1) | ((kinds == 2) & (prev == 1))
    offsets_arr = idx[keep]
    out = raw[offsets_arr].copy()
    out[cls[offsets_arr] == 2] = ord(" ")
    folded = out.tobytes().decode("ascii")
    offsets: list[int] = offsets_arr.tolist()
    return _drop_articles(folded, offsets, text)


def _fold_per_char(text: str) -> tuple[str, list[int]]:
    chars: list[str] = []
    offsets: list[int] = []
    space = True
    n = len(text)
    skip = -1
    for i, ch in enumerate(text):
        if i == skip:
            continue
        if ch in _DROP:
            # English possessive ("Baghdad's"): a word boundary, not an ʿayn/hamza.
            if i + 1 < n and text[i + 1] in "sS" and (i + 2 >= n or not text[i + 2].isalnum()):
                skip = i + 1
                if not space:
                    chars.append(" ")
                    offsets.append(i)
                    space = True
            continue
        if ch.isascii():
            piece = ch.lower()
        else:
            piece = unicodedata.normalize("NFKC", ch).casefold().translate(_TABLE)
            piece = _COMBINING.sub("", unicodedata.normalize("NFD", piece))
            piece = piece.translate(_LATIN_EXTRA)
        for c in piece:
            if c.isalnum():
                chars.append(c)
                offsets.append(i)
                space = False
            elif not space:
                chars.append(" ")
                offsets.append(i)
                space = True
    return _drop_articles("".join(chars), offsets, text)


_LATIN_ARTICLES = frozenset(("al", "el", "il", "ul", "l"))
_ARTICLE_JOINERS = frozenset("-‐‑‒–—'’ʼ`")
#: Assimilated articles that are also English words: articles only when written as such.
_ENGLISH_WORDS = frozenset(("at", "as", "an"))


def _is_article(folded: str, offsets: list[int], text: str, match: re.Match[str]) -> bool:
    """In running text, the assimilated forms (at-, as-, an-, ad-, ar-, az-...) are
    articles only when written as such: joined by a hyphen or apostrophe ("at-Tanf") or
    capitalised ("As Sulaymaniyah"). Lower-case "at Tower 22" is the English
    preposition. al-/el- always are (English has no such words)."""
    word = folded[match.start():match.end()].strip()
    if word in _LATIN_ARTICLES:
        return True
    first = offsets[match.start()]
    after = offsets[match.start() + len(word) - 1] + 1
    if text[first].isupper() or (after < len(text) and text[after] in _ARTICLE_JOINERS):
        return True
    # "Şalāḩ ad Dīn", "Dayr az Zawr": a form that is no English word, before a capital
    return word not in _ENGLISH_WORDS and match.end() < len(offsets) and \
        text[offsets[match.end()]].isupper()


def _drop_articles(folded: str, offsets: list[int], text: str) -> tuple[str, list[int]]:
    """Remove articles as :func:`fold` does, keeping the offsets aligned."""
    for pattern in (_ARTICLE, _AR_ARTICLE):
        spans = [(m.start(), m.end()) for m in pattern.finditer(folded)
                 if pattern is _AR_ARTICLE or _is_article(folded, offsets, text, m)]
        if not spans:
            continue
        keep_chars: list[str] = []
        keep_offsets: list[int] = []
        pos = 0
        for start, end in spans:
            keep_chars.append(folded[pos:start])
            keep_offsets.extend(offsets[pos:start])
            if end < len(folded):
                offsets[end] = offsets[start]
            pos = end
        keep_chars.append(folded[pos:])
        keep_offsets.extend(offsets[pos:])
        folded, offsets = "".join(keep_chars), keep_offsets
    offsets.append(len(text))
    return folded, offsets
