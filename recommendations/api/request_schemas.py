"""Request bodies as the schema states them, where one serializer validates several shapes.

The evidence serializer takes every kind's content field and the service requires exactly the
one of the kind; the schema gives each kind its own shape (a `oneOf` on `kind` for JSON) so a
client knows before sending that a link needs `url` and a file needs the `file` part. The shapes are
built from the serializer's own field declarations, so they cannot drift from it.
"""

from typing import Any

from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema_field
from rest_framework import serializers

from ..choices import EvidenceKind
from .write_serializers import (
    EvidenceCreateSerializer,
    RecommendationAdminUpdateSerializer,
    RecommendationStatusUpdateSerializer,
    StrictFieldsMixin,
)

# Plain strings (not the TextChoices members): the YAML rendering of the schema needs them.
CONTENT_FIELD = {
    EvidenceKind.FILE.value: "file",
    EvidenceKind.LINK.value: "url",
    EvidenceKind.EXCERPT.value: "excerpt",
}
COMMON_FIELDS = ("title", "evidence_date", "progress_update")


def _copy(field: Any, **changes) -> serializers.Field:
    """A new field from the arguments the declared one was made with (DRF keeps them)."""
    return type(field)(*field._args, **{**field._kwargs, **changes})


def _evidence_shape(kind: str) -> type[serializers.Serializer]:
    declared = EvidenceCreateSerializer._declared_fields
    kind_field = extend_schema_field({"type": "string", "enum": [kind]})(
        type("KindField", (serializers.CharField,), {})
    )
    fields = {"kind": kind_field(), "title": _copy(declared["title"])}
    fields[CONTENT_FIELD[kind]] = _copy(declared[CONTENT_FIELD[kind]], required=True)
    if kind == EvidenceKind.FILE.value:
        # The address the file came from, kept with it (a link sent with a file, as multipart, is
        # the same item the other way round).
        fields["url"] = _copy(declared["url"], help_text="Where the file came from (optional).")
    fields.update({name: _copy(declared[name]) for name in COMMON_FIELDS if name not in fields})
    name = f"Evidence{kind.title()}"
    return type(name, (StrictFieldsMixin, serializers.Serializer), {**fields, "__doc__": f"Evidence of kind {kind}."})


EVIDENCE_SHAPES = {kind: _evidence_shape(kind) for kind in CONTENT_FIELD}


def _evidence_body(component_name: str, kinds: tuple[str, ...]) -> PolymorphicProxySerializer:
    return PolymorphicProxySerializer(
        component_name=component_name,
        serializers={kind: EVIDENCE_SHAPES[kind] for kind in kinds},
        resource_type_field_name="kind",
    )


# Files as multipart, links and excerpts as JSON. (The server also takes a link or an excerpt
# as multipart, read by the same rules; the schema states one shape per media type so that a
# generated client knows from the body's type how to send it.)
EVIDENCE_REQUEST = {
    "application/json": _evidence_body("EvidenceJSON", (EvidenceKind.LINK.value, EvidenceKind.EXCERPT.value)),
    "multipart/form-data": EVIDENCE_SHAPES[EvidenceKind.FILE.value],
}

# NGO staff send the status (and a note); admins any of the editable fields. A staff body is
# also a valid admin body, so the two are alternatives (`anyOf`, set in schema.postprocess),
# not exclusive ones.
RECOMMENDATION_UPDATE_REQUEST = PolymorphicProxySerializer(
    component_name="RecommendationUpdate",
    serializers=[RecommendationStatusUpdateSerializer, RecommendationAdminUpdateSerializer],
    resource_type_field_name=None,
)
