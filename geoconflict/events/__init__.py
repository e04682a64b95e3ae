"""Incident ingest: ACLED, UCDP GED, GDELT, CSV and feature files into one validated table."""

from ._formats import FORMATS as INPUT_FORMATS
from ._ingest import IngestReport, deduplicate, filter_events, read_events
from ._places import PLACE_COLUMNS, places_from_events

__all__ = ["INPUT_FORMATS", "PLACE_COLUMNS", "IngestReport", "deduplicate", "filter_events",
           "places_from_events", "read_events"]
