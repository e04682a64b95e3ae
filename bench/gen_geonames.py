"""Write a synthetic GeoNames dump (the 19-column ``allCountries.txt`` format).

No network here, so the ``gazetteer add`` memory and time bench runs on a file shaped
like the real dump (about 12.4 million rows, 1.6 GB): invented names of realistic
lengths (one to four words, 3 to 40 characters), an ``alternatenames`` column that is
empty for most rows and long for a few (Latin, Arabic and Cyrillic spellings), the
feature classes and codes in roughly GeoNames' proportions, coordinates inside a
country-sized box, populations for the P class. Deterministic for a given seed.

Usage: python bench/gen_geonames.py OUT.txt [--rows 12000000] [--seed 14]
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path


def _words(text: str) -> list[str]:
    return text.split()


# Syllables in Latin letters (onset, vowel, optional coda: ~1,300 of them, so names
# repeat about as often as in GeoNames, a few times each, not thousands), with Arabic
# and Cyrillic letters for alternates.
_ONSETS = _words("b k r m n s t l d h j w z y q f g sh kh gh th ch br kr tr st")
_CODAS = ("", "", "", "n", "r", "l", "m", "s", "k", "t", "d")
_LATIN = sorted({o + v + c for o in _ONSETS for v in "aeiouy" for c in _CODAS}
                | {v + c for v in "aeiou" for c in _CODAS if c})
_ARABIC = _words("ا ب ت ث ج ح خ د ذ ر ز س ش ص ض ط ظ ع غ ف ق ك ل م ن ه و ي")
_CYRILLIC = _words("а б в г д е ж з и к л м н о п р с т у ф х ц ч ш")
_WORDS = _words("Jabal Wadi Tall Bir Ain Khirbat Qaryat Mount Lake River Creek North South "
          "New Old Upper Lower Saint Hayy Kafr Deir Umm Abu Bani Ras Nahr")
# (feature class, code, weight): roughly allCountries' mix (P and H the most common).
_FEATURES = [
    ("P", "PPL", 28.0), ("P", "PPLX", 1.5), ("P", "PPLA3", 0.5), ("P", "PPLQ", 0.5),
    ("H", "STM", 10.0), ("H", "LK", 4.0), ("H", "WLL", 3.0), ("H", "SPNG", 1.0),
    ("T", "MT", 8.0), ("T", "HLL", 5.0), ("T", "PK", 2.0), ("S", "SCH", 4.0),
    ("S", "CH", 3.0), ("S", "FRM", 2.0), ("S", "HTL", 1.5), ("S", "BLDG", 1.0),
    ("S", "AIRP", 0.1), ("S", "AIRF", 0.1), ("S", "HSP", 0.3), ("S", "CMPRF", 0.02),
    ("S", "PRT", 0.05), ("S", "PS", 0.05), ("S", "DAM", 0.1), ("S", "INSM", 0.05),
    ("L", "PRK", 4.0), ("L", "AREA", 3.0), ("L", "LCTY", 2.0), ("A", "ADM3", 2.0),
    ("A", "ADM2", 0.5), ("A", "ADM4", 2.0), ("V", "FRST", 4.0), ("R", "RD", 2.0),
    ("U", "SMU", 0.5),
]
_COUNTRIES = _words("US CN IN RU BR ID MX IR NG PK TR DE FR GB IT ES CA AU JP ZA EG DZ MA SA IQ "
              "SY YE SO SD AF LY ET KE CD UA PL RO NO SE FI AR CO PE VE CL ML NE TD")


def _name(rng: random.Random, syllables: tuple[str, ...] | list[str], sep: str = "") -> str:
    word = sep.join(rng.choice(syllables) for _ in range(rng.choice((1, 2, 2, 2, 3, 3, 4))))
    return word.capitalize()


def _row(rng: random.Random, gid: int, features: list[tuple[str, str]],
         weights: list[float]) -> str:
    words = [_name(rng, _LATIN) for _ in range(rng.choice((1, 1, 1, 1, 2, 2, 3)))]
    if rng.random() < 0.25:
        words.insert(0, rng.choice(_WORDS))
    name = " ".join(words)
    fclass, fcode = rng.choices(features, weights)[0]
    roll = rng.random()
    n_alt = 0 if roll < 0.7 else rng.randint(1, 3) if roll < 0.95 else \
        rng.randint(4, 12) if roll < 0.995 else rng.randint(20, 80)
    alternates = []
    for _ in range(n_alt):
        script = rng.random()
        if script < 0.6:
            alternates.append(f"{name[: rng.randint(2, len(name))]}{_name(rng, _LATIN).lower()}")
        elif script < 0.8:
            alternates.append("".join(rng.choice(_ARABIC) for _ in range(rng.randint(3, 9))))
        else:
            alternates.append(_name(rng, _CYRILLIC))
    country = rng.choice(_COUNTRIES)
    lat = rng.uniform(-55.0, 70.0)
    lon = rng.uniform(-180.0, 180.0)
    population = int(rng.paretovariate(1.2) * 50) if fclass == "P" and rng.random() < 0.3 \
        else 0
    return "\t".join((
        str(gid), name, name, ",".join(alternates), f"{lat:.5f}", f"{lon:.5f}", fclass,
        fcode, country, "", f"{rng.randint(1, 30):02d}", "", "", "", str(population), "",
        str(rng.randint(0, 3000)), "Etc/UTC", "2024-01-01")) + "\n"


def generate(path: Path, rows: int, seed: int = 14) -> int:
    """Write ``rows`` synthetic GeoNames rows to ``path``; return its size in bytes."""
    rng = random.Random(seed)
    features = [(c, f) for c, f, _ in _FEATURES]
    weights = [w for _, _, w in _FEATURES]
    with path.open("w", encoding="utf-8", buffering=1 << 22) as fh:
        for start in range(0, rows, 100_000):
            fh.write("".join(_row(rng, 1_000_000 + gid, features, weights)
                             for gid in range(start, min(rows, start + 100_000))))
    return path.stat().st_size


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--rows", type=int, default=12_000_000)
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args()
    size = generate(args.out, args.rows, args.seed)
    print(f"{args.out}: {args.rows:,} rows, {size / 2**20:,.0f} MiB", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
