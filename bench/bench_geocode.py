"""Geocoding speed: cold CLI, 100,000-name batch, and blocked matching vs brute force.

Queries are generated from the gazetteer itself (seeded): place names of the conflict
region as written (exact), re-spelt (case, diacritics, articles, hyphens, common
transliteration swaps) and with one typo (substitution, deletion, insertion or
transposition), in proportions 50/30/20.

Rows
----
- cold CLI ``geoconflict geocode "Mashtal, Baghdad"`` (best of 5, fresh interpreter);
- batch of 100,000 names through :meth:`Geocoder.records` (repeats are memoised, as in
  real event files where the same places recur), and the same on the *unique* names
  with a fresh geocoder (no memo: the honest per-name cost);
- per-name time of the tiered, blocked matcher vs brute-force
  ``rapidfuzz.process.extractOne`` over every indexed name (both on folded text), on a
  sample, with the share of queries where both give the same top place.
"""

from __future__ import annotations

import random
import subprocess
import sys
import time
import unicodedata
from typing import Any

from _timing import row

from geoconflict.geocoder._geocoder import Geocoder

SWAPS = (("ei", "ay"), ("ay", "ei"), ("ou", "u"), ("u", "ou"), ("sh", "ch"), ("q", "k"),
         ("k", "q"), ("ai", "ei"), ("ah", "a"), ("i", "ee"), ("dh", "th"))


def _strip_marks(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _variant(name: str, rng: random.Random) -> str:
    choice = rng.randrange(6)
    if choice == 0:
        return name.upper()
    if choice == 1:
        return _strip_marks(name)
    if choice == 2:
        return name.replace(" ", "-") if " " in name else f"Al-{name}"
    if choice == 3:
        return f"al {_strip_marks(name).lower()}"
    plain = _strip_marks(name)
    for a, b in rng.sample(SWAPS, len(SWAPS)):
        if a in plain.lower():
            i = plain.lower().index(a)
            return plain[:i] + b + plain[i + len(a):]
    return plain.lower()


def _typo(name: str, rng: random.Random) -> str:
    letters = "abcdefghijklmnopqrstuvwxyz"
    text = _strip_marks(name)
    if len(text) < 6:
        return text
    i = rng.randrange(1, len(text) - 1)
    kind = rng.randrange(4)
    if kind == 0:
        return text[:i] + rng.choice(letters) + text[i + 1:]
    if kind == 1:
        return text[:i] + text[i + 1:]
    if kind == 2:
        return text[:i] + rng.choice(letters) + text[i:]
    return text[:i - 1] + text[i] + text[i - 1] + text[i + 1:]


def make_queries(n: int, seed: int = 7) -> list[tuple[str, int, int]]:
    """(query, layer, entry id) triples: 50% exact, 30% re-spelt, 20% one typo."""
    from geoconflict.geocoder._gazetteer import load_gazetteer

    curated, base = load_gazetteer()
    rng = random.Random(seed)
    pool = [(0, i) for i in range(len(curated))]
    pool += [(1, i) for i in range(len(base)) if base.country[i] in
             {"IRQ", "SYR", "JOR", "YEM", "SAU", "KWT", "QAT", "BHR", "ARE", "OMN", "DJI",
              "ERI", "SDN", "EGY", "LBN", "ISR", "PSE"} and len(base.name[i]) >= 4]
    out = []
    for _ in range(n):
        layer, idx = rng.choice(pool)
        name = (curated if layer == 0 else base).name[idx]
        r = rng.random()
        query = name if r < 0.5 else _variant(name, rng) if r < 0.8 else _typo(name, rng)
        out.append((query, layer, idx))
    return out


class BruteForceGeocoder(Geocoder):
    """The geocoder with its typo tier scanning every indexed name (the peer)."""

    _all: list[str] | None = None

    def _candidates(self, key: str, edits: int) -> list[str]:
        if self._all is None:
            self._all = [k for gaz in self._layers for k, _ in gaz.by_fold.items()]
        return self._all


def _cold_cli(repeat: int = 5) -> tuple[float, float]:
    def once(cmd: list[str]) -> float:
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        return time.perf_counter() - start

    once([sys.executable, "-m", "geoconflict", "geocode", "Mashtal, Baghdad"])  # warm cache
    cli = min(once([sys.executable, "-m", "geoconflict", "geocode", "Mashtal, Baghdad"])
              for _ in range(repeat))
    bare = min(once([sys.executable, "-c", "pass"]) for _ in range(repeat))
    return cli, bare


def _same_place(a: dict[str, Any], b: dict[str, Any] | None) -> bool:
    if b is None or a.get("geometry") is None:
        return a.get("geometry") is None and b is None
    if a["source_id"] == b["source_id"]:
        return True
    from pyproj import Geod

    def point(r: dict[str, Any]) -> tuple[float, float] | None:
        if "lon" in r:
            return r["lon"], r["lat"]
        geom = r.get("geometry") or {}
        return tuple(geom["coordinates"]) if geom.get("type") == "Point" else None

    pa, pb = point(a), point(b)
    if pa is None or pb is None:
        return False
    (x1, y1), (x2, y2) = pa, pb
    return bool(Geod(ellps="WGS84").inv(x1, y1, x2, y2)[2] < 25_000)


def run(quick: bool = False) -> list[dict[str, object]]:
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    from geoconflict.geocoder._normalize import fold

    rows: list[dict[str, object]] = []
    cli, bare = _cold_cli(3 if quick else 5)
    rows.append(row('cold CLI: geoconflict geocode "Mashtal, Baghdad"', cli, "s",
                    peer="bare python -c pass", peer_figure=bare))

    n = 10_000 if quick else 100_000
    queries = make_queries(n)
    texts = [q for q, _, _ in queries]
    coder = Geocoder()
    coder.records(["warm up", "Baghdad", "Bagdhadd"])  # blocks and lazy indexes built
    start, cpu = time.perf_counter(), time.process_time()
    coder.records(texts)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    unique = list(dict.fromkeys(texts))
    # Wall time is what a user waits; CPU time (process_time) is less distorted when the
    # shared machine is overloaded. Both are reported.
    rows.append(row(f"batch {n:,} names (50% exact/30% variants/20% typos), memoised",
                    n / elapsed, "names/s", unique_names=len(unique), seconds=round(elapsed, 2),
                    names_per_cpu_s=round(n / cpu)))
    fresh = Geocoder()
    fresh.records(["warm up", "Baghdad", "Bagdhadd"])
    start, cpu = time.perf_counter(), time.process_time()
    results = fresh.records(unique)
    elapsed_u, cpu_u = time.perf_counter() - start, time.process_time() - cpu
    truth = {q: (layer, idx) for q, layer, idx in queries}
    correct = 0
    for query, rec in zip(unique, results, strict=True):
        layer, idx = truth[query]
        gaz = fresh.curated if layer == 0 else fresh.base
        correct += _same_place(rec, {"source_id": gaz.source_id[idx], "lon": gaz.lon[idx],
                                     "lat": gaz.lat[idx]})
    rows.append(row(f"batch {len(unique):,} unique names, no memo", len(unique) / elapsed_u,
                    "names/s", seconds=round(elapsed_u, 2),
                    names_per_cpu_s=round(len(unique) / cpu_u),
                    right_place_25km=round(correct / len(unique), 4)))

    # Brute force: extractOne over every indexed name for each query (sample).
    sample_n = 100 if quick else 400
    rng = random.Random(11)
    sample = [unique[i] for i in rng.sample(range(len(unique)), sample_n)]
    names = [k for gaz in (coder.curated, coder.base) for k, _ in gaz.by_fold.items()]
    ours = Geocoder()
    ours.records(["warm up", "Bagdhadd", "Salt"])
    start = time.perf_counter()
    our_results = [ours.lookup(q) for q in sample]
    ours_per = (time.perf_counter() - start) / sample_n
    start = time.perf_counter()
    for q in sample:
        # The peer scans every name with the same exact-or-typo criterion.
        process.extractOne(fold(q), names, scorer=OSA.distance, score_cutoff=ours._edits(fold(q)))
    brute_per = (time.perf_counter() - start) / sample_n
    # Same answers? The same pipeline with its typo tier scanning *all* names instead of
    # the blocked candidates: any difference is a candidate that blocking lost.
    brute = BruteForceGeocoder()
    brute.records(["warm up", "Bagdhadd", "Salt"])
    start = time.perf_counter()
    brute_results = [brute.lookup(q) for q in sample]
    brute_pipeline_per = (time.perf_counter() - start) / sample_n
    same = sum(_same_place(a, b if b.get("geometry") else None)
               for a, b in zip(our_results, brute_results, strict=True))
    rows.append(row(f"per-name time, tiered+blocked (sample {sample_n})", ours_per * 1e3, "ms",
                    peer="brute-force rapidfuzz extractOne over all names",
                    peer_figure=brute_per * 1e3, indexed_names=len(names)))
    rows.append(row(f"same top place as the all-names typo scan (sample {sample_n})",
                    same / sample_n, "share", peer="pipeline with brute-force typo tier, ms/name",
                    peer_figure=brute_pipeline_per * 1e3))

    # find_places: first call (lazy tables) and one scan of a ~10,000-character report
    report = ("A drone hit Tower 22 in Jordan on 28 January; on 7 February a US strike in "
              "Baghdad's Mashtal district (المشتل) followed raids near Al-Qa'im and in "
              "Deir ez-Zor. The shipping lanes of the Red Sea stayed at risk. ") * 50
    # The first scan builds the lazy parts (country outlines...); the second one, on a
    # text whose names are all remembered, is the steady state of a batch.
    scanner = Geocoder()
    start = time.perf_counter()
    scanner.find_places(report)
    build = time.perf_counter() - start
    start, cpu = time.perf_counter(), time.process_time()
    found = scanner.find_places(report)
    scan, cpu = time.perf_counter() - start, time.process_time() - cpu
    rows.append(row(f"find_places: first scan of {len(report):,} characters in a process",
                    build, "s"))
    rows.append(row(f"find_places: next scan of {len(report):,} characters", scan * 1e3, "ms",
                    mentions=len(found), cpu_ms=round(cpu * 1e3, 2)))
    # How loaded the shared machine was: the same loop takes ~12 ms on an idle core.
    calib = min(_timed(lambda: sum(range(1_000_000))) for _ in range(5))
    rows.append(row("calibration: sum(range(1e6)) on this machine now", calib * 1e3, "ms"))
    del results
    return rows


def _timed(fn: Any) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start
