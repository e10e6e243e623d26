"""Report parsers, one module per report format, chosen by the source's kind."""

from collections.abc import Callable

from ..choices import SourceKind
from . import dol, tip
from .base import DocumentRejected, ParsedRecommendation, ParseResult, Problem, ProgressCallback, decode_document

Parser = Callable[..., ParseResult]
PARSERS: dict[str, Parser] = {SourceKind.DOL: dol.parse, SourceKind.TIP: tip.parse}

__all__ = [
    "PARSERS",
    "DocumentRejected",
    "ParseResult",
    "ParsedRecommendation",
    "Problem",
    "ProgressCallback",
    "decode_document",
]
