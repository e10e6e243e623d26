"""Report parsers: pure functions from a report's text to a `ParseResult` (no database, no
files). Which parser reads which kind of report is decided in `importing.formats`."""

from .base import DocumentRejected, ParsedRecommendation, ParseResult, Problem, ProgressCallback, decode_document

__all__ = ["DocumentRejected", "ParseResult", "ParsedRecommendation", "Problem", "ProgressCallback", "decode_document"]
