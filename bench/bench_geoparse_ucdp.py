"""Geoparser on real wire headlines: UCDP GED Iraq's ``source_headline`` against its coding.

A weak but real test of event extraction (``../shared/eval/ucdp/ged_iraq.csv``, see the
README there): each distinct headline is parsed with ``parse_text`` (published on its
``source_date``), and its incidents are compared with the UCDP events coded from it.
Headlines often summarise several events ("Iraq attacks kill 31"), so a headline counts
as right on a figure when *any* of its incidents matches *any* of its events:

- **incident**: at least one incident was produced;
- **location**: within 25 / 50 / 100 km of an event for an incident of precision 1 / 2 / 3
  (geodesic, WGS84), over the headlines with an incident;
- **date**: the incident's ``event_date`` falls in an event's ``date_start``..``date_end``;
- **fatalities**: the incident's count lies in an event's ``low``..``high``;
- **event type**: the ACLED type UCDP's ``type_of_violence`` maps to (the ingest crosswalk:
  state-based and non-state -> Battles, one-sided -> Violence against civilians) equals the
  incident's, or the incident is Explosions/Remote violence (UCDP does not code *how*).

A second figure reads UCDP's own place names in the form of an ACLED note: every
distinct ``where_coordinates`` coded at ``where_prec`` 1 (the named place's own
coordinates), written as "On 3 May 2015, gunmen attacked a checkpoint in NAME (ADM_1),
killing 2 soldiers." (the trailing "town"/"village" dropped, ``adm_1`` without
"governorate"/"province"), and scored like the headlines' locations (within 25 / 50 /
100 km by the incident's precision). The sentence is a template; the names, their
spellings and their coordinates are UCDP's.

Evaluation only: nothing here is used to build or tune the parser. Skips when
``../shared/eval`` is absent.

    python bench/bench_geoparse_ucdp.py [--limit N]
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path
from typing import Any

from _timing import row

ROOT = Path(__file__).resolve().parents[1]
UCDP = ROOT.parent / "shared" / "eval" / "ucdp" / "ged_iraq.csv"
TOLERANCE_KM = {1: 25.0, 2: 50.0, 3: 100.0}


def _headlines(limit: int | None) -> Any:
    import pandas as pd

    events = pd.read_csv(UCDP, skiprows=[1], low_memory=False)
    events = events[events["source_headline"].notna()].copy()
    events["headline"] = events["source_headline"].str.split(";").str[0].str.strip()
    events["published"] = events["source_date"].astype(str).str.split(";").str[0].str[:10]
    groups = list(events.groupby(["headline", "published"], sort=True))
    return groups[:limit] if limit else groups


def evaluate(limit: int | None = None) -> dict[str, Any]:
    """Score every distinct headline; return the shares and counts."""
    import pandas as pd

    import geoconflict as gc
    from geoconflict._geodesic import geod
    from geoconflict.events._crosswalk import UCDP_VIOLENCE_TO_ACLED

    g = geod()
    counts = {"headlines": 0, "incident": 0, "location": 0, "date": 0, "fatalities": 0,
              "fatalities_stated": 0, "event_type": 0}
    start = time.perf_counter()
    for (headline, published), gold in _headlines(limit):
        counts["headlines"] += 1
        try:
            incidents = gc.parse_text(headline, published=published).incidents
        except Exception as exc:
            print(f"error on {headline!r}: {type(exc).__name__}: {exc}", file=sys.stderr)
            continue
        if incidents.empty:
            continue
        counts["incident"] += 1
        located = dated = counted = typed = stated = False
        for inc in incidents.itertuples():
            for ev in gold.itertuples():
                if inc.geometry is not None and not inc.geometry.is_empty:
                    pt = inc.geometry.representative_point()
                    _, _, d = g.inv(pt.x, pt.y, ev.longitude, ev.latitude)
                    tol = TOLERANCE_KM.get(int(inc.geo_precision or 3), 100.0)
                    located |= d / 1000 <= tol
                day = inc.event_date
                if not pd.isna(day):
                    day = str(day)[:10]
                    dated |= str(ev.date_start)[:10] <= day <= str(ev.date_end)[:10]
                if not pd.isna(inc.fatalities):
                    stated = True
                    counted |= ev.low <= inc.fatalities <= ev.high
                expected = UCDP_VIOLENCE_TO_ACLED[int(ev.type_of_violence)][0]
                typed |= inc.event_type in (expected, "Explosions/Remote violence")
        counts["location"] += located
        counts["date"] += dated
        counts["fatalities"] += counted
        counts["fatalities_stated"] += stated
        counts["event_type"] += typed
    counts["seconds"] = time.perf_counter() - start
    return counts


_KIND_SUFFIX = re.compile(r"\s+(?:town|village|city|area|district|neighbou?rhood)$")


def evaluate_notes() -> dict[str, Any]:
    """UCDP's exact place names in an ACLED note's form (see the module docstring)."""
    import pandas as pd

    import geoconflict as gc
    from geoconflict._geodesic import geod

    g = geod()
    events = pd.read_csv(UCDP, skiprows=[1], low_memory=False)
    places = events[events["where_prec"] == 1].drop_duplicates("where_coordinates")
    counts = {"places": 0, "incident": 0, "location": 0}
    start = time.perf_counter()
    for ev in places.itertuples():
        name = _KIND_SUFFIX.sub("", str(ev.where_coordinates).strip())
        adm1 = str(ev.adm_1) if isinstance(ev.adm_1, str) else ""
        adm1 = adm1.replace(" governorate", "").replace(" province", "")
        note = (f"On 3 May 2015, gunmen attacked a checkpoint in {name} ({adm1}), "
                "killing 2 soldiers.")
        counts["places"] += 1
        incidents = gc.parse_text(note, published="2015-06-01").incidents
        if incidents.empty or incidents.geometry.iloc[0] is None:
            continue
        counts["incident"] += 1
        inc = incidents.iloc[0]
        _, _, d = g.inv(inc.geometry.x, inc.geometry.y, ev.longitude, ev.latitude)
        counts["location"] += d / 1000 <= TOLERANCE_KM.get(int(inc.geo_precision or 3), 100.0)
    counts["seconds"] = time.perf_counter() - start
    return counts


def _shares(c: dict[str, Any]) -> dict[str, float]:
    n, k = c["headlines"], max(c["incident"], 1)
    return {"incident": c["incident"] / max(n, 1), "location": c["location"] / k,
            "date": c["date"] / k, "fatalities": c["fatalities"] / k,
            "event_type": c["event_type"] / k}


def run(quick: bool = False) -> list[dict[str, object]]:
    if not UCDP.exists():
        print(f"skipped: {UCDP} is absent", file=sys.stderr)
        return []
    c = evaluate(limit=300 if quick else None)
    shares = _shares(c)
    out = [row("UCDP Iraq headlines: an incident produced", round(shares["incident"], 3),
               "share of headlines", headlines=c["headlines"])]
    for key in ("location", "date", "fatalities", "event_type"):
        out.append(row(f"UCDP Iraq headlines: {key.replace('_', ' ')} right",
                       round(shares[key], 3), "share of headlines with an incident"))
    out.append(row("UCDP Iraq headlines parsed", round(c["headlines"] / c["seconds"], 1),
                   "headlines/s"))
    notes = evaluate_notes()
    out.append(row("UCDP Iraq places as ACLED-style notes: location right",
                   round(notes["location"] / max(notes["places"], 1), 3), "share of places",
                   places=notes["places"]))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--limit", type=int, help="score only the first N headlines")
    args = parser.parse_args()
    if not UCDP.exists():
        print(f"skipped: {UCDP} is absent", file=sys.stderr)
        return 0
    c = evaluate(args.limit)
    shares = _shares(c)
    print(f"{c['headlines']} distinct headlines, {c['seconds']:.0f} s")
    for key, value in shares.items():
        print(f"  {key:<12} {value:.3f}")
    print(f"  (fatalities stated for {c['fatalities_stated']} of {c['incident']} headlines"
          " with an incident)")
    notes = evaluate_notes()
    print(f"{notes['places']} exact UCDP places as ACLED-style notes: an incident "
          f"{notes['incident'] / max(notes['places'], 1):.3f}, location right "
          f"{notes['location'] / max(notes['places'], 1):.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
