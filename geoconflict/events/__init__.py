"""Incident ingest: ACLED, UCDP GED, GDELT, CSV and feature files into one validated table."""

from ._formats import FORMATS as INPUT_FORMATS
from ._ingest import IngestReport, deduplicate, filter_events, read_events

__all__ = ["INPUT_FORMATS", "IngestReport", "deduplicate", "filter_events", "read_events"]
