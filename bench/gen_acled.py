"""Generate a large synthetic ACLED-shaped CSV with realistic defects (for benchmarks).

The file has ACLED's current 31-column header, day-first dates ("07 February 2024"),
quoted notes with commas and double quotes, non-ASCII names, and a small share of the
defects real files carry, at fixed rates (per row):

- 0.10 % point at (0, 0)            - 0.10 % latitude/longitude swapped
- 0.05 % latitude out of range      - 0.05 % blank coordinates
- 0.10 % unparseable date           - 0.02 % date in the future
- 0.05 % blank event id             - 0.05 % duplicated event id
- 0.10 % fatalities "unknown"       - 0.01 % truncated line (too few fields)

All values are synthetic: places are jittered around a few real towns, actors and notes
come from small pools. Nothing here is a record of a real event.

Usage: python bench/gen_acled.py ROWS OUT.csv [--seed N]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

HEADER = ["event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3", "location", "latitude", "longitude", "geo_precision", "source", "source_scale", "notes", "fatalities", "tags", "timestamp"]

#: (country, ISO numeric, ISO3, admin1, town, lat, lon): jitter centres (approximate).
PLACES = [
    ("Iraq", 368, "IRQ", "Baghdad", "Baghdad", 33.34, 44.40),
    ("Iraq", 368, "IRQ", "Al Anbar", "Al Qaim", 34.38, 41.09),
    ("Iraq", 368, "IRQ", "Erbil", "Erbil", 36.19, 44.01),
    ("Syria", 760, "SYR", "Deir ez Zor", "Al Mayadin", 35.02, 40.45),
    ("Syria", 760, "SYR", "Homs", "Al Tanf", 33.51, 38.62),
    ("Jordan", 400, "JOR", "Al Mafraq", "Ar Ruwayshid", 32.50, 38.20),
    ("Yemen", 887, "YEM", "Al Hudaydah", "Al Hudaydah", 14.80, 42.95),
    ("Yemen", 887, "YEM", "Taizz", "Taizz", 13.58, 44.02),
]
TYPES = [
    ("Political violence", "Explosions/Remote violence", "Air/drone strike"),
    ("Political violence", "Explosions/Remote violence", "Shelling/artillery/missile attack"),
    ("Political violence", "Battles", "Armed clash"),
    ("Political violence", "Violence against civilians", "Attack"),
    ("Demonstrations", "Protests", "Peaceful protest"),
    ("Strategic developments", "Strategic developments", "Arrests"),
]
ACTORS = ["Military Forces of the United States (2021-)", "Kataib Hezbollah",
          "Islamic Resistance in Iraq", "Ansar Allah", "Islamic State (Iraq)",
          "Protesters (Iraq)", "Civilians (Syria)", "Unidentified Armed Group (Iraq)",
          "Harakat al Nujaba", "Military Forces of Syria (2000-)"]
SOURCES = ["Reuters", "AFP; Al Jazeera", "Shafaq News", "SOHR", "Local media"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]


def generate(rows: int, out: Path, seed: int = 1) -> Path:
    """Write ``rows`` data rows to ``out`` (UTF-8, LF line ends); return ``out``."""
    import pyarrow as pa
    from pyarrow import csv as pacsv

    rng = np.random.default_rng(seed)
    place = rng.integers(0, len(PLACES), rows)
    kind = rng.integers(0, len(TYPES), rows)
    day = rng.integers(0, 7 * 365, rows)
    dates = np.datetime64("2018-01-01") + day.astype("timedelta64[D]")
    years = dates.astype("datetime64[Y]").astype(int) + 1970
    months = dates.astype("datetime64[M]").astype(int) % 12
    days = (dates - dates.astype("datetime64[M]")).astype(int) + 1
    date_text = np.array([f"{d:02d} {MONTHS[m]} {y}" for d, m, y in zip(days, months, years,
                                                                        strict=True)],
                         dtype=object)
    lat = np.array([p[5] for p in PLACES])[place] + rng.normal(0, 0.15, rows)
    lon = np.array([p[6] for p in PLACES])[place] + rng.normal(0, 0.15, rows)
    lat_text = np.char.mod("%.4f", lat).astype(object)
    lon_text = np.char.mod("%.4f", lon).astype(object)
    fatalities = rng.poisson(1.2, rows).astype(str).astype(object)
    ids = np.array([f"{PLACES[p][2]}{i + 1}" for i, p in enumerate(place)], dtype=object)
    a1 = rng.integers(0, len(ACTORS), rows)
    a2 = rng.integers(0, len(ACTORS), rows)
    notes = np.array([
        f'On {date_text[i]}, {ACTORS[a1[i]]} attacked positions near {PLACES[place[i]][4]}, '
        f'{PLACES[place[i]][3]}; "{int(fatalities[i])} killed", according to local sources.'
        for i in range(rows)], dtype=object)

    def pick(rate: float) -> np.ndarray:
        return np.flatnonzero(rng.random(rows) < rate)

    i = pick(0.001)
    lat_text[i], lon_text[i] = "0", "0"
    i = pick(0.001)
    lat_text[i], lon_text[i] = lon_text[i], lat_text[i]
    lat_text[pick(0.0005)] = "133.3100"
    i = pick(0.0005)
    lat_text[i], lon_text[i] = None, None
    date_text[pick(0.001)] = "31 February 2024"
    date_text[pick(0.0002)] = "01 January 2099"
    ids[pick(0.0005)] = None
    dup = pick(0.0005)
    ids[dup] = ids[np.maximum(dup - 1, 0)]
    fatalities[pick(0.001)] = "unknown"

    def col(values: object) -> pa.Array:
        return pa.array(values, type=pa.string())

    p_arr = np.array(PLACES, dtype=object)[place]
    t_arr = np.array(TYPES, dtype=object)[kind]
    n_blank = np.full(rows, None, dtype=object)
    columns = {
        "event_id_cnty": ids, "event_date": date_text, "year": years.astype(str),
        "time_precision": rng.choice(["1", "1", "1", "2", "3"], rows),
        "disorder_type": t_arr[:, 0], "event_type": t_arr[:, 1], "sub_event_type": t_arr[:, 2],
        "actor1": np.array(ACTORS, dtype=object)[a1], "assoc_actor_1": n_blank,
        "inter1": rng.integers(1, 9, rows).astype(str), "actor2": np.array(ACTORS)[a2],
        "assoc_actor_2": n_blank, "inter2": rng.integers(0, 9, rows).astype(str),
        "interaction": rng.integers(10, 88, rows).astype(str), "civilian_targeting": n_blank,
        "iso": p_arr[:, 1].astype(str), "region": np.full(rows, "Middle East"),
        "country": p_arr[:, 0], "admin1": p_arr[:, 3], "admin2": n_blank, "admin3": n_blank,
        "location": p_arr[:, 4], "latitude": lat_text, "longitude": lon_text,
        "geo_precision": rng.choice(["1", "1", "2", "3"], rows),
        "source": np.array(SOURCES, dtype=object)[rng.integers(0, len(SOURCES), rows)],
        "source_scale": np.full(rows, "National"), "notes": notes, "fatalities": fatalities,
        "tags": n_blank, "timestamp": (1_700_000_000 + day * 86_400).astype(str),
    }
    table = pa.table({name: col(columns[name]) for name in HEADER})
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    pacsv.write_csv(table, tmp, write_options=pacsv.WriteOptions(quoting_style="needed"))
    truncated = pick(0.0001)
    if len(truncated):
        _truncate_lines(tmp, set((truncated + 2).tolist()))
    tmp.replace(out)
    return out


def _truncate_lines(path: Path, lines: set[int]) -> None:
    """Cut the given lines after their fifth field (a damaged export)."""
    out = path.with_suffix(".tmp2")
    with open(path, "rb") as src, open(out, "wb") as dst:
        for number, line in enumerate(src, start=1):
            if number in lines:
                line = b",".join(line.split(b",")[:5]) + b"\n"
            dst.write(line)
    out.replace(path)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("rows", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    generate(args.rows, args.out, args.seed)
    print(f"wrote {args.rows} rows to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
