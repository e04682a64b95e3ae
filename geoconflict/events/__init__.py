"""Incident ingest: ACLED, UCDP GED, GDELT, CSV and feature files into one validated table."""

from ._ingest import IngestReport, deduplicate, filter_events, read_events

__all__ = ["IngestReport", "deduplicate", "filter_events", "read_events"]
