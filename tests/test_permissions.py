"""Who may do what, as one table: every endpoint × method × role, with the status expected.

The endpoints are read from the URL configuration (every route under /api/), so a new route
cannot escape the table: until it has a row in ENDPOINTS its tests fail, naming it.

Progress notes and evidence may describe trafficking victims, so every anonymous response in
the table is also searched for their text.
"""

import re
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLResolver, get_resolver

from recommendations.choices import EvidenceKind, SourceKind, Status
from recommendations.evidence import services as evidence_services
from recommendations.measures.services import LinkedStatus, measure_progress_record
from recommendations.progress import services as progress_services
from recommendations.progress.services import EvidenceItem

from .conftest import ROLES, make_users
from .factories import MeasureFactory, RecommendationFactory, ResponsibleBodyFactory, SourceFactory
from .shared_data import shared_data

SECRET_NOTE = "Qurban Ş. Ə. Bakı sığınacağında saxlanılır — gizli-qeyd-7731"
SECRET_TITLE = "Qurbanın ifadəsi gizli-başlıq-5120"
SECRET_EXCERPT = "Zərərçəkmiş İlahə 14 yaşında gizli-çıxarış-0917"
SECRET_FILE_NAME = "gizli-fayl-4471.txt"
SECRET_FILE_BYTES = "Qurbanın ünvanı: gizli-məzmun-3308".encode()
SECRETS = (SECRET_NOTE, SECRET_TITLE, SECRET_EXCERPT, SECRET_FILE_NAME, SECRET_FILE_BYTES.decode())

METHODS = ("get", "post", "patch", "put", "delete")


def everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(ROLES, status)


def by_role(anonymous: int, analyst: int, ngo_staff: int, admin: int) -> dict[str, int]:
    return {"anonymous": anonymous, "analyst": analyst, "ngo_staff": ngo_staff, "admin": admin}


OK = everyone(200)
ANALYST_READ = by_role(401, 200, 200, 200)
# A write to an endpoint that takes no writes at all: refused by role first, then by method.
ADMIN_WRITE_NONE_ALLOWED = by_role(401, 403, 403, 405)
NGO_WRITE_NONE_ALLOWED = by_role(401, 403, 405, 405)
NOT_ALLOWED = everyone(405)

PROGRESS_BODY = {"status": Status.IN_PROGRESS, "note": "Yeni qeyd"}
LINK_BODY = {"kind": EvidenceKind.LINK, "title": "Hesabat", "url": "https://example.org/hesabat"}
LOGIN_BODY = {"username": "matrix-analyst", "password": "correct horse battery staple"}
MEASURE_BODY = {"country": "AZ", "kind": "law", "title_az": "İnsan alverinə qarşı mübarizə haqqında Qanuna dəyişiklik"}


@dataclass(frozen=True)
class Endpoint:
    path: str
    expected: dict[str, dict[str, int]]
    # Bodies for methods whose success needs one (or a function of the world's ids giving it);
    # the rest send nothing.
    bodies: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.path


# Read-only endpoints: anyone reads, a write is refused by role first, then by method.
PUBLIC_READ = {
    "get": OK,
    "post": ADMIN_WRITE_NONE_ALLOWED,
    "patch": ADMIN_WRITE_NONE_ALLOWED,
    "put": ADMIN_WRITE_NONE_ALLOWED,
    "delete": ADMIN_WRITE_NONE_ALLOWED,
}

BASE_ENDPOINTS = (
    Endpoint(
        "/api/v1/recommendations/",
        {
            "get": OK,
            "post": NGO_WRITE_NONE_ALLOWED,
            "patch": NGO_WRITE_NONE_ALLOWED,
            "put": NGO_WRITE_NONE_ALLOWED,
            "delete": NGO_WRITE_NONE_ALLOWED,
        },
    ),
    Endpoint(
        "/api/v1/recommendations/{recommendation}/",
        {
            "get": OK,
            "post": NGO_WRITE_NONE_ALLOWED,
            "patch": by_role(401, 403, 200, 200),
            "put": NGO_WRITE_NONE_ALLOWED,
            "delete": NGO_WRITE_NONE_ALLOWED,
        },
        bodies={"patch": PROGRESS_BODY},
    ),
    Endpoint(
        "/api/v1/recommendations/{recommendation}/progress/",
        {
            "get": ANALYST_READ,
            "post": by_role(401, 403, 201, 201),
            "patch": NGO_WRITE_NONE_ALLOWED,
            "put": NGO_WRITE_NONE_ALLOWED,
            "delete": NGO_WRITE_NONE_ALLOWED,
        },
        bodies={"post": PROGRESS_BODY},
    ),
    Endpoint(
        "/api/v1/recommendations/{recommendation}/evidence/",
        {
            "get": ANALYST_READ,
            "post": by_role(401, 403, 201, 201),
            "patch": NGO_WRITE_NONE_ALLOWED,
            "put": NGO_WRITE_NONE_ALLOWED,
            "delete": NGO_WRITE_NONE_ALLOWED,
        },
        bodies={"post": LINK_BODY},
    ),
    Endpoint(
        "/api/v1/recommendations/{recommendation}/history/",
        {
            "get": ANALYST_READ,
            "post": ADMIN_WRITE_NONE_ALLOWED,
            "patch": ADMIN_WRITE_NONE_ALLOWED,
            "put": ADMIN_WRITE_NONE_ALLOWED,
            "delete": ADMIN_WRITE_NONE_ALLOWED,
        },
    ),
    Endpoint(
        "/api/v1/evidence/{evidence}/file/",
        {
            "get": ANALYST_READ,
            "post": ADMIN_WRITE_NONE_ALLOWED,
            "patch": ADMIN_WRITE_NONE_ALLOWED,
            "put": ADMIN_WRITE_NONE_ALLOWED,
            "delete": ADMIN_WRITE_NONE_ALLOWED,
        },
    ),
    *(
        Endpoint(
            path,
            {
                "get": OK,
                "post": ADMIN_WRITE_NONE_ALLOWED,
                "patch": ADMIN_WRITE_NONE_ALLOWED,
                "put": ADMIN_WRITE_NONE_ALLOWED,
                "delete": ADMIN_WRITE_NONE_ALLOWED,
            },
        )
        for path in (
            "/api/v1/sources/",
            "/api/v1/sources/{source}/",
            "/api/v1/areas/",
            "/api/v1/responsible-bodies/",
            "/api/v1/responsible-bodies/{responsible_body}/",
        )
    ),
    Endpoint(
        "/api/v1/auth/token/",
        {
            "get": NOT_ALLOWED,
            "post": OK,
            "patch": NOT_ALLOWED,
            "put": NOT_ALLOWED,
            "delete": by_role(401, 204, 204, 204),
        },
        bodies={"post": LOGIN_BODY},
    ),
    Endpoint(
        "/api/v1/auth/tokens/",
        {
            "get": by_role(401, 200, 200, 200),
            "post": by_role(401, 405, 405, 405),
            "patch": by_role(401, 405, 405, 405),
            "put": by_role(401, 405, 405, 405),
            "delete": by_role(401, 405, 405, 405),
        },
    ),
    # The world's token is the analyst's: anyone else's attempt finds nothing to revoke.
    Endpoint(
        "/api/v1/auth/tokens/{token}/",
        {
            "get": by_role(401, 405, 405, 405),
            "post": by_role(401, 405, 405, 405),
            "patch": by_role(401, 405, 405, 405),
            "put": by_role(401, 405, 405, 405),
            "delete": by_role(401, 204, 404, 404),
        },
    ),
    *(
        Endpoint(
            path, {"get": OK, "post": NOT_ALLOWED, "patch": NOT_ALLOWED, "put": NOT_ALLOWED, "delete": NOT_ALLOWED}
        )
        for path in ("/api/schema/", "/api/docs/")
    ),
    *(
        Endpoint(path, PUBLIC_READ)
        for path in (
            "/api/v1/stats/",
            "/api/v1/stats/timeline/",
            "/api/v1/stats/changes/",
            # The log across recommendations: notes only for analysts and above (checked below).
            "/api/v1/progress/",
            "/api/v1/recommendations/export/",
            "/api/v1/recommendations/export.csv",
            "/api/v1/recommendations/export.xlsx",
            # The submission: anyone, with notes and evidence only for analysts and above.
            "/api/v1/sources/{source}/submission.docx",
            "/api/v1/countries/{country}/submission.docx",
            # A UPR report's thematic list given back: the same rule (a report of another kind has none).
            "/api/v1/sources/{upr_source}/thematic-list.docx",
            # Indicators: published figures (recommendations/indicators/api.py).
            "/api/v1/indicators/",
            "/api/v1/indicators/{indicator}/",
        )
    ),
    # Tag suggestions (tags/suggest.py): analysts and above ask; it answers POST only.
    Endpoint(
        "/api/v1/tags/suggest/",
        {
            "get": by_role(401, 405, 405, 405),
            "post": by_role(401, 200, 200, 200),
            "patch": by_role(401, 405, 405, 405),
            "put": by_role(401, 405, 405, 405),
            "delete": by_role(401, 405, 405, 405),
        },
        bodies={"post": {"text": "Ratify the convention against torture", "language": "en"}},
    ),
    # A recommendation's suggested tags (tags/suggestions.py): analysts read; NGO staff and
    # admins accept or reject one.
    Endpoint(
        "/api/v1/recommendations/{recommendation}/tag-suggestions/",
        {"get": ANALYST_READ, **dict.fromkeys(("post", "patch", "put", "delete"), ADMIN_WRITE_NONE_ALLOWED)},
    ),
    Endpoint(
        "/api/v1/recommendations/{recommendation}/tag-suggestions/{tag_suggestion}/",
        {
            "get": ANALYST_READ,
            "post": by_role(401, 403, 200, 200),
            **dict.fromkeys(("patch", "put", "delete"), NGO_WRITE_NONE_ALLOWED),
        },
        bodies={"post": {"decision": "accept"}},
    ),
    # Indicator values: anyone reads; NGO staff and admins correct one, or file one of a source.
    Endpoint(
        "/api/v1/indicator-values/",
        {
            "get": OK,
            "post": NGO_WRITE_NONE_ALLOWED,
            "patch": NGO_WRITE_NONE_ALLOWED,
            "put": NGO_WRITE_NONE_ALLOWED,
            "delete": NGO_WRITE_NONE_ALLOWED,
        },
    ),
    Endpoint(
        "/api/v1/sources/{source}/indicator-values/",
        {
            "get": NOT_ALLOWED,
            "post": by_role(401, 403, 201, 201),
            "patch": NGO_WRITE_NONE_ALLOWED,
            "put": NGO_WRITE_NONE_ALLOWED,
            "delete": NGO_WRITE_NONE_ALLOWED,
        },
        bodies={"post": {"indicator": "tip_hotline_calls", "year": 2020, "state": "unknown"}},
    ),
    Endpoint(
        "/api/v1/indicator-values/{indicator_value}/",
        {
            "get": OK,
            "post": NGO_WRITE_NONE_ALLOWED,
            "patch": by_role(401, 403, 200, 200),
            "put": NGO_WRITE_NONE_ALLOWED,
            "delete": NGO_WRITE_NONE_ALLOWED,
        },
        bodies={"patch": {"confirmed": True}},
    ),
    # Measures (recommendations/measures/api.py): anyone reads a measure and its links; analysts
    # and above its progress, evidence and history; NGO staff and admins write.
    Endpoint(
        "/api/v1/measures/",
        {
            "get": OK,
            "post": by_role(401, 403, 201, 201),
            "patch": NGO_WRITE_NONE_ALLOWED,
            "put": NGO_WRITE_NONE_ALLOWED,
            "delete": NGO_WRITE_NONE_ALLOWED,
        },
        bodies={"post": MEASURE_BODY},
    ),
    Endpoint(
        "/api/v1/measures/{measure}/",
        {
            "get": OK,
            "post": NGO_WRITE_NONE_ALLOWED,
            "patch": by_role(401, 403, 200, 200),
            "put": NGO_WRITE_NONE_ALLOWED,
            "delete": NGO_WRITE_NONE_ALLOWED,
        },
        bodies={"patch": {"description": "Nazirlər Kabinetinin 2020-ci il qərarı"}},
    ),
    Endpoint(
        "/api/v1/measures/{measure}/progress/",
        {
            "get": ANALYST_READ,
            "post": by_role(401, 403, 201, 201),
            "patch": NGO_WRITE_NONE_ALLOWED,
            "put": NGO_WRITE_NONE_ALLOWED,
            "delete": NGO_WRITE_NONE_ALLOWED,
        },
        bodies={
            "post": lambda world: {**PROGRESS_BODY, "recommendations": [{"recommendation": world["recommendation"]}]}
        },
    ),
    Endpoint(
        "/api/v1/measures/{measure}/evidence/",
        {
            "get": ANALYST_READ,
            "post": by_role(401, 403, 201, 201),
            "patch": NGO_WRITE_NONE_ALLOWED,
            "put": NGO_WRITE_NONE_ALLOWED,
            "delete": NGO_WRITE_NONE_ALLOWED,
        },
        bodies={"post": LINK_BODY},
    ),
    Endpoint(
        "/api/v1/measures/{measure}/links/",
        {
            "get": OK,
            "post": by_role(401, 403, 200, 200),
            "patch": NGO_WRITE_NONE_ALLOWED,
            "put": NGO_WRITE_NONE_ALLOWED,
            "delete": NGO_WRITE_NONE_ALLOWED,
        },
        bodies={"post": lambda world: {"recommendations": [world["unlinked_recommendation"]]}},
    ),
    Endpoint(
        "/api/v1/measures/{measure}/links/{recommendation}/",
        {
            "get": NOT_ALLOWED,
            "post": NGO_WRITE_NONE_ALLOWED,
            "patch": NGO_WRITE_NONE_ALLOWED,
            "put": NGO_WRITE_NONE_ALLOWED,
            "delete": by_role(401, 403, 204, 204),
        },
    ),
    Endpoint(
        "/api/v1/measures/{measure}/history/",
        {
            "get": ANALYST_READ,
            "post": ADMIN_WRITE_NONE_ALLOWED,
            "patch": ADMIN_WRITE_NONE_ALLOWED,
            "put": ADMIN_WRITE_NONE_ALLOWED,
            "delete": ADMIN_WRITE_NONE_ALLOWED,
        },
    ),
    # Review (REVIEW_REQUIRED): the queue is the reviewers' — admins, and staff given the
    # permission (none of the matrix's staff has it); staff follow their own proposals.
    Endpoint(
        "/api/v1/reviews/",
        {
            "get": by_role(401, 403, 403, 200),
            "post": ADMIN_WRITE_NONE_ALLOWED,
            "patch": ADMIN_WRITE_NONE_ALLOWED,
            "put": ADMIN_WRITE_NONE_ALLOWED,
            "delete": ADMIN_WRITE_NONE_ALLOWED,
        },
    ),
    Endpoint(
        "/api/v1/reviews/mine/",
        {
            "get": by_role(401, 403, 200, 200),
            "post": ADMIN_WRITE_NONE_ALLOWED,
            "patch": ADMIN_WRITE_NONE_ALLOWED,
            "put": ADMIN_WRITE_NONE_ALLOWED,
            "delete": ADMIN_WRITE_NONE_ALLOWED,
        },
    ),
    Endpoint(
        # The proposal is the staff member's own: they read it, only a reviewer decides.
        "/api/v1/reviews/{proposal}/",
        {
            "get": by_role(401, 403, 200, 200),
            "post": by_role(401, 403, 403, 200),
            "patch": NGO_WRITE_NONE_ALLOWED,
            "put": NGO_WRITE_NONE_ALLOWED,
            "delete": NGO_WRITE_NONE_ALLOWED,
        },
        bodies={"post": {"decision": "reject", "comment": "Mənbə yoxdur"}},
    ),
    # The root lists every endpoint, for anyone: each says itself who may read it.
    Endpoint("/api/v1/", PUBLIC_READ),
)


def format_suffixed(path: str, suffixed: str) -> Endpoint:
    """DRF's router also serves each of its routes with a format suffix (`.json`): the same
    view, so the same statuses."""
    (plain,) = (endpoint for endpoint in BASE_ENDPOINTS if endpoint.path == path)
    return Endpoint(suffixed, plain.expected, plain.bodies)


ENDPOINTS = (
    *BASE_ENDPOINTS,
    format_suffixed("/api/v1/recommendations/", "/api/v1/recommendations.{format}/"),
    format_suffixed("/api/v1/recommendations/{recommendation}/", "/api/v1/recommendations/{recommendation}.{format}/"),
    format_suffixed("/api/v1/sources/", "/api/v1/sources.{format}/"),
    format_suffixed("/api/v1/sources/{source}/", "/api/v1/sources/{source}.{format}/"),
    format_suffixed("/api/v1/", "/api/v1/{suffix}"),
    format_suffixed("/api/v1/responsible-bodies/", "/api/v1/responsible-bodies.{format}/"),
    format_suffixed(
        "/api/v1/responsible-bodies/{responsible_body}/", "/api/v1/responsible-bodies/{responsible_body}.{format}/"
    ),
    format_suffixed("/api/v1/indicators/", "/api/v1/indicators.{format}/"),
    format_suffixed("/api/v1/indicators/{indicator}/", "/api/v1/indicators/{indicator}.{format}/"),
    format_suffixed("/api/v1/indicator-values/", "/api/v1/indicator-values.{format}/"),
    format_suffixed(
        "/api/v1/indicator-values/{indicator_value}/", "/api/v1/indicator-values/{indicator_value}.{format}/"
    ),
    format_suffixed("/api/v1/measures/", "/api/v1/measures.{format}/"),
    format_suffixed("/api/v1/measures/{measure}/", "/api/v1/measures/{measure}.{format}/"),
)
# Values for the path parameters that are not rows of the world.
SUFFIXES = {"format": "json", "suffix": ".json"}


def route_shape(path: str) -> str:
    """A path with each parameter written as {}: how a table row and a URL route are matched."""
    return re.sub(r"\{\w+\}", "{}", path)


def api_routes() -> list[str]:
    """Every route of the URL configuration under /api/, as a path with {} for each parameter
    (regular-expression routes such as DRF's router's included)."""

    def walk(patterns, prefix: str):
        for pattern in patterns:
            route = prefix + str(pattern.pattern).removeprefix("^").removesuffix("$")
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, route)
            else:
                yield route

    shapes = []
    for route in walk(get_resolver().url_patterns, "/"):
        route = re.sub(r"\(\?P<\w+>[^)]*\)|<(\w+:)?\w+>", "{}", route)
        route = route.replace("\\.", ".").replace("/?", "/")
        if route.startswith("/api/"):
            shapes.append(route)
    return shapes


API_ROUTES = api_routes()
EXPECTED = {route_shape(endpoint.path): endpoint for endpoint in ENDPOINTS}

CASES = [
    pytest.param(
        route, method, role, id=f"{method.upper()} {EXPECTED[route].path if route in EXPECTED else route} as {role}"
    )
    for route in API_ROUTES
    for method in METHODS
    for role in ROLES
]


# Every test reads the same world; what a test writes is undone before the next.
users = shared_data(make_users, name="users")


@shared_data
def sensitive_world(users):
    """A recommendation whose progress log and evidence hold text anonymous users must never see."""
    from .factories import UserFactory

    UserFactory(username=LOGIN_BODY["username"], role="analyst")
    recommendation = RecommendationFactory()
    update = progress_services.progress_record(
        recommendation_id=recommendation.pk, status=Status.NOT_STARTED, note=SECRET_NOTE, user=users["ngo_staff"]
    )
    evidence_services.evidence_add(
        recommendation_id=recommendation.pk,
        kind=EvidenceKind.EXCERPT,
        title=SECRET_TITLE,
        excerpt=SECRET_EXCERPT,
        progress_update_id=update.pk,
        user=users["ngo_staff"],
    )
    file_evidence = evidence_services.evidence_add(
        recommendation_id=recommendation.pk,
        kind=EvidenceKind.FILE,
        title=SECRET_TITLE,
        file=SimpleUploadedFile(SECRET_FILE_NAME, SECRET_FILE_BYTES),
        user=users["ngo_staff"],
    )
    from recommendations.indicators.models import Indicator
    from recommendations.indicators.services import indicator_value_add

    value = indicator_value_add(
        indicator=Indicator.objects.get(code="tip_hotline_calls"),
        source=recommendation.source,
        year=2021,
        state="number",
        number="4506",
        user=users["admin"],
    )
    body = ResponsibleBodyFactory()
    recommendation.responsible_bodies.add(body)
    # A measure answering it, whose progress note and evidence are as secret as the recommendation's.
    measure = MeasureFactory(recommendations=[recommendation], user=users["ngo_staff"])
    measure_update = measure_progress_record(
        measure_id=measure.pk,
        status=Status.NOT_STARTED,
        note=SECRET_NOTE,
        evidence=[EvidenceItem(kind=EvidenceKind.EXCERPT, title=SECRET_TITLE, excerpt=SECRET_EXCERPT)],
        recommendations=[LinkedStatus(recommendation.pk, status=Status.IN_PROGRESS)],
        user=users["ngo_staff"],
    ).update
    assert measure_update.evidence.count() == 1
    upr = RecommendationFactory(
        source=SourceFactory(slug="upr-2019-si", kind=SourceKind.UPR, country="SI", report_year=2019, language="en"),
        area="upr_detention",
        action="Improve the conditions of detention",
        year_start=2019,
        year_end=2019,
    )
    progress_services.progress_record(
        recommendation_id=upr.pk, status=Status.IN_PROGRESS, note=SECRET_NOTE, user=users["ngo_staff"]
    )
    from django.test import override_settings
    from django.utils import timezone

    from recommendations.tags.models import Tag, TagSuggestion

    with override_settings(REVIEW_REQUIRED=True):  # a proposal, as secret as any note
        proposal = progress_services.progress_record(
            recommendation_id=RecommendationFactory().pk,
            status=Status.IN_PROGRESS,
            note=SECRET_NOTE,
            user=users["ngo_staff"],
        )
    from recommendations.users.tokens import token_create

    suggestion = TagSuggestion.objects.create(
        recommendation=recommendation,
        tag=Tag.objects.create(vocabulary="sdg", code="16", name_en="Peace, justice and strong institutions"),
        score=0.8,
        model_version="1.1",
        suggested_at=timezone.now(),
    )

    return {
        "recommendation": recommendation.pk,
        "responsible_body": body.pk,
        "token": token_create(user=users["analyst"], name="matrix")[0].pk,
        "evidence": file_evidence.pk,
        "source": recommendation.source.slug,
        "upr_source": upr.source.slug,
        "country": str(recommendation.country),
        "indicator": "tip_hotline_calls",
        "indicator_value": value.pk,
        "tag_suggestion": suggestion.pk,
        "measure": measure.pk,
        "proposal": proposal.pk,
        "unlinked_recommendation": RecommendationFactory(source=recommendation.source).pk,
    }


def response_text(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8", errors="replace")


def assert_no_sensitive_text(response_body: str, where: str) -> None:
    for secret in SECRETS:
        assert secret not in response_body, f"{where} shows anonymous users {secret!r}"


def check_permission(client, endpoint: Endpoint, method: str, role: str, world: dict[str, Any]) -> None:
    """The one reusable check: the status a role gets, and no sensitive text for anonymous."""
    path = endpoint.path.format(**world, **SUFFIXES)
    body = endpoint.bodies.get(method)
    body = body(world) if callable(body) else body
    response = getattr(client, method)(path, body, format="json") if body else getattr(client, method)(path)
    text = response_text(response)
    expected = endpoint.expected[method][role]
    assert response.status_code == expected, f"{method.upper()} {path} as {role}: {response.status_code} {text[:300]}"
    if role == "anonymous":
        assert_no_sensitive_text(text, f"{method.upper()} {path}")


@pytest.mark.parametrize(("route", "method", "role"), CASES)
def test_permission_matrix(client_for, sensitive_world, route, method, role):
    endpoint = EXPECTED.get(route)
    assert endpoint is not None, f"{route} is a route without expected statuses: add it to ENDPOINTS"
    check_permission(client_for(role), endpoint, method, role, sensitive_world)


def test_matrix_covers_every_method_of_every_endpoint():
    for endpoint in ENDPOINTS:
        assert set(endpoint.expected) == set(METHODS), endpoint.path
        for method, statuses in endpoint.expected.items():
            assert set(statuses) == set(ROLES), (endpoint.path, method)


def test_every_row_of_the_matrix_is_a_route():
    """The other direction: a row for a route that no longer exists (or is misspelt) would
    otherwise be silently skipped."""
    assert len(API_ROUTES) == len(set(API_ROUTES))
    assert len(EXPECTED) == len(ENDPOINTS)
    assert sorted(set(EXPECTED) - set(API_ROUTES)) == []
    assert {"/api/v1/stats/", "/api/v1/recommendations/export.csv", "/api/v1/evidence/{}/file/"} <= set(API_ROUTES)


def test_analyst_does_see_the_notes_and_evidence(client_for, sensitive_world):
    """The counterpart of the anonymous check: the text is there for those allowed to read it."""
    client = client_for("analyst")
    base = f"/api/v1/recommendations/{sensitive_world['recommendation']}"
    assert SECRET_NOTE in response_text(client.get(f"{base}/progress/"))
    evidence = response_text(client.get(f"{base}/evidence/"))
    assert SECRET_TITLE in evidence and SECRET_EXCERPT in evidence and SECRET_FILE_NAME in evidence
    assert SECRET_FILE_BYTES.decode() in response_text(
        client.get(f"/api/v1/evidence/{sensitive_world['evidence']}/file/")
    )


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/recommendations/",
        "/api/v1/recommendations/?format=json&page_size=500",
        "/api/v1/recommendations/?format=api",
        "/api/v1/recommendations/{recommendation}/",
        "/api/v1/recommendations/{recommendation}/?format=api",
        "/api/v1/recommendations/?q=gizli",
        "/api/v1/sources/",
        "/api/v1/sources/{source}/",
        "/api/v1/areas/",
        "/api/v1/measures/",
        "/api/v1/measures/{measure}/",
        "/api/v1/measures/{measure}/links/",
        "/api/schema/",
        "/api/schema/?format=json",
        "/api/docs/",
        "/countries/{country}/",
    ],
)
@pytest.mark.parametrize("method", ["get", "options", "head"])
def test_anonymous_never_sees_notes_or_evidence(client_for, sensitive_world, path, method):
    response = getattr(client_for("anonymous"), method)(path.format(**sensitive_world))
    assert response.status_code in (200, 405)
    assert_no_sensitive_text(response_text(response), path)


def test_token_and_session_authentication(api_client, sensitive_world):
    progress = f"/api/v1/recommendations/{sensitive_world['recommendation']}/progress/"
    assert api_client.get(progress).status_code == 401

    response = api_client.post("/api/v1/auth/token/", LOGIN_BODY, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api_client.get(progress).status_code == 200
    assert api_client.delete("/api/v1/auth/token/").status_code == 204
    assert api_client.get(progress).status_code == 401

    api_client.credentials()
    assert api_client.login(**LOGIN_BODY)
    assert api_client.get(progress).status_code == 200


def test_wrong_password_is_a_401_with_a_detail_not_a_field_error(api_client, sensitive_world):
    """Neither field is wrong on its own (and saying which would tell a guesser too much)."""
    response = api_client.post("/api/v1/auth/token/", {**LOGIN_BODY, "password": "wrong"}, format="json")
    assert response.status_code == 401
    assert response.json() == {
        "detail": "Bu məlumatlarla daxil olmaq mümkün olmadı.",
        "code": "invalid_credentials",
    }
