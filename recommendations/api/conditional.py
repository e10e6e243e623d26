"""Entity tags of a recommendation (or a measure) and the preconditions that use them.

A recommendation's representation differs by language (area names, status labels), so its
tag names the version and the language: `"r3v5-en"`. A client that cached the Azerbaijani
body never gets a 304 for the English one. `If-Match` on a write compares strongly (RFC 9110
§13.1.1): a weak tag (`W/"…"`) never matches, whatever version it names, because it does
not promise the client saw these exact bytes.
"""

from recommendations.languages import ui_language


def localized_etag(etag: str) -> str:
    """The model's version tag (`"r3v5"`) for the body in the active language."""
    return f'{etag[:-1]}-{ui_language()}"'


def recommendation_etag(recommendation) -> str:
    return localized_etag(recommendation.etag)


def tag_response(response, etag: str):
    """Send a strong ETag for If-Match. `no-transform`: a proxy (or our own compression)
    that changed the content coding would have to weaken the tag, and a weak tag never
    matches a write."""
    response["ETag"] = etag
    response["Cache-Control"] = "no-transform"
    return response


def _strong_tags(header: str) -> list[str]:
    return [part.strip() for part in header.split(",") if part.strip() and not part.strip().startswith("W/")]


def expected_version(request, recommendation_id: int, *, kind: str = "r") -> int | None:
    """The version an If-Match header names; None when absent or `*`. `kind`: the tag's
    letter, `r` for a recommendation (`"r3v5-en"`), `m` for a measure (`"m2v4-az"`).

    A weak tag, a tag of another recommendation, or one that is not ours at all can never
    match the current version, so it is reported as a failed precondition (version 0).
    """
    header = request.headers.get("If-Match", "").strip()
    if not header or header == "*":
        return None
    return version_in_tags(header, f"{kind}{recommendation_id}")


def version_in_tags(header: str, name: str) -> int:
    """The version a list of entity tags names for the object `name` (`r3`, `m2`); 0 when
    none is a strong tag of it (a failed precondition)."""
    for tag in _strong_tags(header):
        if len(tag) < 2 or not (tag.startswith('"') and tag.endswith('"')):
            continue
        opaque = tag[1:-1]
        tag_name, _sep, _language_code = opaque.partition("-")
        prefix, _sep, version = tag_name.partition("v")
        if prefix == name and version.isdigit():
            return int(version)
    return 0
