"""Scoring the geoparser against gold-annotated reports (tests and bench share it).

Toponyms: a predicted mention (one with ``is_place``) matches a gold one when their
character spans overlap (one-to-one). Resolution: accuracy@161 km, the distance from
the gold point to the nearest point of the resolved geometry (so a point inside a
resolved sea scores 0).
Incidents: each gold incident is paired with the nearest unpaired predicted incident
of the same report; its location is correct within 10 km of the chosen place's geometry.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .._shapes import nearest_feature
from ._parser import parse_text

__all__ = ["Scores", "load_reports", "score_reports"]

RESOLVE_KM = 161.0
LOCATION_KM = 10.0


@dataclass
class Scores:
    """Aggregate scores over an evaluation set."""

    toponym_tp: int = 0
    toponym_fp: int = 0
    toponym_fn: int = 0
    resolved_within: int = 0
    resolved_total: int = 0
    gold_incidents: int = 0
    predicted_incidents: int = 0
    location_correct: int = 0
    date_correct: int = 0
    type_correct: int = 0
    fatalities_correct: int = 0
    failures: list[str] = field(default_factory=list)

    @property
    def toponym_precision(self) -> float:
        return self.toponym_tp / max(1, self.toponym_tp + self.toponym_fp)

    @property
    def toponym_recall(self) -> float:
        return self.toponym_tp / max(1, self.toponym_tp + self.toponym_fn)

    @property
    def toponym_f1(self) -> float:
        p, r = self.toponym_precision, self.toponym_recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def accuracy_161km(self) -> float:
        return self.resolved_within / max(1, self.resolved_total)

    @property
    def incident_location(self) -> float:
        return self.location_correct / max(1, self.gold_incidents)

    @property
    def incident_precision(self) -> float:
        return self.location_correct / max(1, self.predicted_incidents)

    def as_dict(self) -> dict[str, float]:
        """The headline figures."""
        return {
            "toponym_precision": self.toponym_precision,
            "toponym_recall": self.toponym_recall,
            "toponym_f1": self.toponym_f1,
            "accuracy_161km": self.accuracy_161km,
            "incident_location_correct": self.incident_location,
            "incident_precision": self.incident_precision,
            "incident_date_correct": self.date_correct / max(1, self.gold_incidents),
            "incident_type_correct": self.type_correct / max(1, self.gold_incidents),
            "incident_fatalities_correct": self.fatalities_correct / max(1, self.gold_incidents),
        }


def load_reports(path: str | Path) -> list[dict[str, Any]]:
    """Read the gold YAML file."""
    import yaml

    with open(path, encoding="utf-8") as fh:
        reports: list[dict[str, Any]] = yaml.safe_load(fh)
    return reports


def _distance_km(lon: float, lat: float, geometry: Any) -> float:
    """Geodesic km from the gold point to the nearest point of the resolved geometry
    (0 inside an area), with the proximity engine's exact point-to-feature search."""
    import numpy as np

    if geometry is None:
        return float("inf")
    _, metres = nearest_feature(np.array([lon]), np.array([lat]), np.array([geometry]))
    return float(metres[0]) / 1000.0


def _gold_spans(text: str, mentions: list[list[Any]]) -> list[tuple[int, int, float, float]]:
    spans = []
    seen: dict[str, int] = {}
    for surface, _place, lon, lat in mentions:
        start = -1
        for _ in range(seen.get(surface, 0) + 1):
            start = text.find(surface, start + 1)
        seen[surface] = seen.get(surface, 0) + 1
        spans.append((start, start + len(surface), float(lon), float(lat)))
    return spans


def score_reports(reports: list[dict[str, Any]]) -> Scores:
    """Parse every report and score it against its gold annotations."""

    scores = Scores()
    for report in reports:
        published = report["published"]
        if isinstance(published, str):
            published = dt.date.fromisoformat(published)
        result = parse_text(report["text"], published=published)
        predicted = result.mentions[result.mentions["is_place"]]
        gold = _gold_spans(report["text"], report["mentions"])
        used: set[Any] = set()
        for g_start, g_end, lon, lat in gold:
            hit = None
            for idx, row in predicted.iterrows():
                if idx not in used and row["start"] < g_end and g_start < row["end"]:
                    hit = (idx, row)
                    break
            if hit is None:
                scores.toponym_fn += 1
                scores.failures.append(f"{report['id']}: missed {report['text'][g_start:g_end]!r}")
                continue
            used.add(hit[0])
            scores.toponym_tp += 1
            scores.resolved_total += 1
            km = _distance_km(lon, lat, hit[1]["geometry"])
            if km <= RESOLVE_KM:
                scores.resolved_within += 1
            else:
                scores.failures.append(
                    f"{report['id']}: {hit[1]['surface']!r} -> {hit[1]['name']} {km:.0f} km off")
        for idx, row in predicted.iterrows():
            if idx not in used:
                scores.toponym_fp += 1
                scores.failures.append(f"{report['id']}: spurious {row['surface']!r}")

        incidents = result.incidents
        geoms_by_start = {int(r["start"]): r["geometry"] for _, r in result.mentions.iterrows()}
        scores.gold_incidents += len(report["incidents"])
        scores.predicted_incidents += len(incidents)
        free = list(range(len(incidents)))
        for gold_inc in report["incidents"]:
            best, best_km = None, float("inf")
            for i in free:
                start = incidents["mention_start"].iloc[i]
                geom = None if str(start) in ("<NA>", "nan", "None") else \
                    geoms_by_start.get(int(start))
                if geom is None:
                    geom = incidents.geometry.iloc[i]
                km = _distance_km(gold_inc["lon"], gold_inc["lat"], geom)
                if km < best_km:
                    best, best_km = i, km
            if best is None or best_km > LOCATION_KM:
                scores.failures.append(f"{report['id']}: incident at {gold_inc['place']} not found"
                                       f" (nearest {best_km:.0f} km)")
                continue
            free.remove(best)
            row = incidents.iloc[best]
            scores.location_correct += 1
            gold_date = gold_inc["date"]
            if isinstance(gold_date, str):
                gold_date = dt.date.fromisoformat(gold_date)
            event_date = row["event_date"]
            if str(event_date) != "NaT" and event_date.date() == gold_date:
                scores.date_correct += 1
            else:
                scores.failures.append(f"{report['id']}: date {row['event_date']} != {gold_date}")
            if row["sub_event_type"] == gold_inc["type"]:
                scores.type_correct += 1
            else:
                scores.failures.append(
                    f"{report['id']}: type {row['sub_event_type']} != {gold_inc['type']}")
            fat = row["fatalities"]
            fat = None if str(fat) in ("<NA>", "nan", "None") else int(fat)
            if fat == gold_inc["fatalities"]:
                scores.fatalities_correct += 1
            else:
                scores.failures.append(
                    f"{report['id']}: fatalities {fat} != {gold_inc['fatalities']}")
    return scores
