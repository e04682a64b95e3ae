"""Geoparser against independent corpora: toponym P/R/F1, acc161 and e2e161 beside the peers.

Reads every ``../shared/eval/corpora/*.jsonl`` (articles annotated by others; see the
README there), runs ``parse_text`` on each article, keeps the mentions the parser says
refer to a place (``is_place``) and writes them in the scorer's format
(``{"id", "toponyms": [{"start", "end", "lat", "lon"}]}``), scores them with
``../shared/eval/score_toponyms.py`` and prints the figures next to the best published
peer of ``../shared/eval/peers.json`` (best by e2e161). Evaluation only: nothing here is
used to build or tune the parser. Skips when ``../shared/eval`` is absent.

    python bench/bench_geoparse_eval.py [--corpus NAME ...] [--limit N] [--keep DIR]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType
from typing import Any

from _timing import row

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT.parent / "shared" / "eval"
FIGURES = ("precision", "recall", "f1", "acc161", "e2e161")
#: Roles that counted as places before mentions carried ``is_place`` (geoconflict 0.1.0).
_LEGACY_PLACE_ROLES = ("mention", "event location", "origin")


def _scorer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("score_toponyms", EVAL / "score_toponyms.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _places(mentions: Any) -> list[dict[str, Any]]:
    """The spans the parser says refer to a place, with their point."""
    if "is_place" in mentions.columns:
        kept = mentions[mentions["is_place"].astype(bool)]
    else:  # the parser before the mention contract
        kept = mentions[mentions["role"].isin(_LEGACY_PLACE_ROLES)]
    lon = "lon" if "lon" in kept.columns else "longitude"
    lat = "lat" if "lat" in kept.columns else "latitude"
    out = []
    for start, end, x, y in zip(kept["start"], kept["end"], kept[lon], kept[lat], strict=True):
        point: dict[str, float | None] = {"lat": None, "lon": None}
        if x == x and y == y and x is not None:
            point = {"lat": float(y), "lon": float(x)}
        out.append({"start": int(start), "end": int(end), **point})
    return out


def predict(corpus: Path, out: Path, limit: int | None = None) -> tuple[int, int, float]:
    """Parse every article of ``corpus`` into ``out`` (scorer format).

    Returns (articles, articles the parser raised on, seconds). An article the parser
    raises on predicts nothing: it is counted, not allowed to stop the evaluation.
    """
    from geoconflict.geoparse import parse_text

    n = failed = 0
    start = time.perf_counter()
    with open(corpus, encoding="utf-8") as src, open(out, "w", encoding="utf-8") as dst:
        for line in src:
            if not line.strip():
                continue
            doc = json.loads(line)
            try:
                result = parse_text(doc["text"], published=doc.get("published") or None)
                toponyms = _places(result.mentions)
            except Exception:  # a crash scores as no prediction
                failed += 1
                toponyms = []
            dst.write(json.dumps({"id": str(doc["id"]), "toponyms": toponyms}) + "\n")
            n += 1
            if limit and n >= limit:
                break
    return n, failed, time.perf_counter() - start


def best_peer(peers: dict[str, Any], corpus: str, subset: str) -> tuple[str, dict[str, Any]] | None:
    """The published peer with the best e2e161 (geoconflict's own rows excluded)."""
    table = peers.get(corpus, {}).get(subset, {})
    rivals = {k: v for k, v in table.items() if not k.startswith("geoconflict")}
    if not rivals:
        return None
    name = max(rivals, key=lambda k: rivals[k].get("e2e161") or 0.0)
    return name, rivals[name]


def evaluate(names: list[str] | None = None, limit: int | None = None,
             keep: Path | None = None) -> list[dict[str, Any]]:
    """Score every corpus; one dict per corpus with ours, the best peer's and timing."""
    scorer = _scorer()
    peers = json.loads((EVAL / "peers.json").read_text(encoding="utf-8"))
    files = sorted((EVAL / "corpora").glob("*.jsonl"))
    if names:
        files = [f for f in files if f.stem in names or f.stem.split("_")[0] in names]
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        for corpus in files:
            pred = folder / f"{corpus.stem}.pred.jsonl"
            n, failed, seconds = predict(corpus, pred, limit)
            gold = scorer.load(str(corpus))
            if limit:
                gold = dict(list(gold.items())[:n])
            ours = scorer.score(gold, scorer.load(str(pred)))
            base, _, sub = corpus.stem.partition("_")
            peer = best_peer(peers, base, sub or "all")
            results.append({"corpus": corpus.stem, "ours": ours, "articles": n,
                            "failed": failed, "seconds": seconds, "peer": peer})
    return results


def _print(results: list[dict[str, Any]]) -> None:
    head = f"{'corpus':<20}" + "".join(f"{f:>10}" for f in FIGURES) + "   best peer (e2e161)"
    print(head)
    for res in results:
        ours = res["ours"]
        cells = "".join(f"{ours[f] if ours[f] is not None else float('nan'):>10.3f}"
                        for f in FIGURES)
        peer = ""
        if res["peer"]:
            name, figs = res["peer"]
            peer = "   " + name + " " + " ".join(
                f"{f}={figs[f]:.3f}" if figs.get(f) is not None else f"{f}=-" for f in FIGURES)
        crashed = f", {res['failed']} raised" if res["failed"] else ""
        print(f"{res['corpus']:<20}{cells}{peer}   ({res['articles']} articles{crashed},"
              f" {res['seconds']:.0f} s)")


def run(quick: bool = False) -> list[dict[str, object]]:
    """bench/run.py entry point: one row per corpus and figure (e2e161 with its peer)."""
    if not (EVAL / "corpora").is_dir() or not (EVAL / "score_toponyms.py").exists():
        print(f"skipped: {EVAL} is absent", file=sys.stderr)
        return []
    results = evaluate(limit=20 if quick else None)
    _print(results)
    rows = []
    for res in results:
        peer = res["peer"]
        for figure in FIGURES:
            value = res["ours"][figure]
            if value is None:
                continue
            peer_value = peer[1].get(figure) if peer else None
            rows.append(row(f"geoparse eval {res['corpus']}: {figure}", value, "fraction",
                            peer=peer[0] if peer and peer_value is not None else None,
                            peer_figure=peer_value))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", action="append", help="corpus name(s), default: all")
    parser.add_argument("--limit", type=int, help="only the first N articles of each corpus")
    parser.add_argument("--keep", type=Path, help="write the predictions into this folder")
    args = parser.parse_args()
    if not (EVAL / "corpora").is_dir() or not (EVAL / "score_toponyms.py").exists():
        print(f"skipped: {EVAL} is absent", file=sys.stderr)
        return 0
    _print(evaluate(args.corpus, args.limit, args.keep))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
