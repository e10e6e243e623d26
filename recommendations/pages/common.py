"""Helpers the pages share (the recommendation's page, the report's page, the dashboard):
public names in a module every page imports and none of which imports a page."""

from django.urls import reverse

from recommendations.catalog.provenance import text_language_label, where_read
from recommendations.models import Recommendation, Source


def document_url(source: Source, language: str) -> str | None:
    """The link to the report's document in `language`, or None when none is stored."""
    if language == source.language:
        return reverse("recommendations:source-document", args=[source.slug]) if source.document else None
    if language in source.translations:
        return reverse("recommendations:source-document-language", args=[source.slug, language])
    return None


def provenance_lines(recommendation: Recommendation) -> list[dict]:
    """Where the recommendation was read, per language of the report: "Table 11, row 4,
    page 7" (a PDF) or "row 4, lines 31–35" (a text), with the document's link."""
    source = recommendation.source
    languages = [source.language, *sorted(source.translations)]
    result = []
    for language in languages:
        where = recommendation.provenance.get(language)
        if where is None:
            continue
        result.append(
            {
                "language": language,
                "language_name": text_language_label(language),
                "text": where_read(where, recommendation.position),
                "document_url": document_url(source, language),
            }
        )
    return result
