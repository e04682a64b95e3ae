"""Geoparsing: news text into place mentions and located, dated, typed incidents."""

from ._mentions import Mention
from ._parser import ParseResult, parse_reports, parse_text
from ._scoring import Scores, load_reports, score_reports

__all__ = ["Mention", "ParseResult", "Scores", "load_reports", "parse_reports", "parse_text",
           "score_reports"]
