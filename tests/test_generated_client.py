"""The API as its clients see it: a Python client generated from /api/schema/ with
openapi-python-client (offline, into a temporary folder) does each role's job against the
application on a real socket. If the schema declares a body, a media type, a status or a
header the server does not honour, the generated code fails here.

Also: the schema passes an independent validator (openapi-spec-validator) with no error.
"""

import csv
import importlib
import io
import json
import re
import subprocess
import sys
from urllib.parse import parse_qs, urlsplit

import openpyxl
import pytest
from django.test import Client
from openapi_spec_validator import validate

from recommendations.history.selectors import recommendation_history
from recommendations.models import Evidence, ProgressUpdate, Recommendation

from .factories import RecommendationFactory, ResponsibleBodyFactory, SourceFactory, UserFactory

PASSWORD = "correct horse battery staple"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
GENERATOR_CONFIG = """
post_hooks: []
content_type_overrides:
  application/vnd.openxmlformats-officedocument.spreadsheetml.sheet: application/octet-stream
  application/vnd.openxmlformats-officedocument.wordprocessingml.document: application/octet-stream
"""


def schema_document() -> dict:
    response = Client().get("/api/schema/?format=json", HTTP_ACCEPT_LANGUAGE="az")
    assert response.status_code == 200
    return json.loads(response.content)


def test_schema_passes_an_independent_validator(db):
    validate(schema_document())


def test_schema_is_in_english_whatever_the_request_language(db):
    text = json.dumps(schema_document(), ensure_ascii=False)
    assert "tövsiyə" not in text.casefold()
    assert "A unique integer value identifying this recommendation." in text


def walk(node):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)


def test_schema_states_what_the_server_does(db):
    schema = schema_document()
    operations = {(method.upper(), path): op for path, ops in schema["paths"].items() for method, op in ops.items()}
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    tags = {tag["name"] for tag in schema["tags"]}
    for (method, path), operation in operations.items():
        media_types = set(operation.get("requestBody", {}).get("content", {}))
        if (method, path) in (
            ("POST", "/api/v1/recommendations/{recommendation_pk}/evidence/"),
            ("POST", "/api/v1/measures/{measure_pk}/evidence/"),
        ):
            assert media_types == {"application/json", "multipart/form-data"}
        else:
            assert media_types <= {"application/json"}, (method, path)
        for code, response in operation["responses"].items():
            if code.startswith(("4", "5")):
                assert response["content"] == error, (method, path, code)
        assert "Retry-After" in operation["responses"]["429"]["headers"]
        assert set(operation["tags"]) <= tags
        assert "Views name" not in operation.get("description", "")
    assert schema["servers"]

    patch = operations[("PATCH", "/api/v1/recommendations/{id}/")]
    assert patch["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/RecommendationDetail")
    assert "ETag" in patch["responses"]["200"]["headers"] and "ETag" in patch["responses"]["412"]["headers"]
    components = schema["components"]["schemas"]
    assert components["PatchedRecommendationStatusUpdateRequest"]["required"] == ["status"]
    assert {"action", "area", "year_start", "responsible_bodies"} <= set(
        components["PatchedRecommendationAdminUpdateRequest"]["properties"]
    )
    evidence = components["EvidenceJSONRequest"]
    assert set(evidence["discriminator"]["mapping"]) == {"link", "excerpt"}
    assert components["EvidenceFileRequest"]["properties"]["file"] == {"type": "string", "format": "binary"}
    assert "file" in components["EvidenceFileRequest"]["required"]

    xlsx = operations[("GET", "/api/v1/recommendations/export.xlsx")]["responses"]["200"]["content"]
    assert next(iter(xlsx.values()))["schema"] == {"type": "string", "format": "binary"}
    assert "406" in operations[("GET", "/api/v1/recommendations/export/")]["responses"]
    assert "304" in operations[("GET", "/api/v1/recommendations/{id}/")]["responses"]
    assert "304" in operations[("GET", "/api/v1/measures/{id}/")]["responses"]
    measure_progress = operations[("POST", "/api/v1/measures/{measure_pk}/progress/")]["responses"]
    assert "ETag" in measure_progress["201"]["headers"] and "412" in measure_progress
    assert {} in operations[("GET", "/api/v1/recommendations/")]["security"]
    assert {} not in operations[("GET", "/api/v1/recommendations/{recommendation_pk}/progress/")]["security"]
    ordering = next(p for p in operations[("GET", "/api/v1/recommendations/")]["parameters"] if p["name"] == "ordering")
    assert re.fullmatch(ordering["schema"]["pattern"], "-year_start, id")
    # OpenAPI 3.0 linters (Redocly's nullable-type-sibling): `nullable` always beside a type.
    assert not [node for node in walk(schema) if node.get("nullable") is True and "type" not in node]
    # Spectral's operation-description: every operation tells its client what it does.
    assert not [key for key, operation in operations.items() if not operation.get("description")]


@pytest.fixture(scope="module")
def client_package(tmp_path_factory, django_db_setup, django_db_blocker):
    """The generated package, imported from a temporary folder."""
    folder = tmp_path_factory.mktemp("generated")
    with django_db_blocker.unblock():
        (folder / "schema.json").write_text(json.dumps(schema_document()))
    (folder / "config.yaml").write_text(GENERATOR_CONFIG)
    result = subprocess.run(  # noqa: S603 (our own interpreter and arguments)
        [
            *(sys.executable, "-m", "openapi_python_client", "generate"),
            *("--path", str(folder / "schema.json"), "--config", str(folder / "config.yaml")),
            *("--meta", "none", "--output-path", str(folder / "tracker_api_client")),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # A part of the schema the generator could not turn into code is a warning, not an error.
    assert "Warning" not in result.stdout + result.stderr, result.stdout + result.stderr
    sys.path.insert(0, str(folder))
    try:
        yield importlib.import_module("tracker_api_client")
    finally:
        sys.path.remove(str(folder))
        for name in [name for name in sys.modules if name.split(".")[0] == "tracker_api_client"]:
            del sys.modules[name]


def module(package, name: str):
    return importlib.import_module(f"{package.__name__}.{name}")


@pytest.fixture
def world(api_server):
    body = ResponsibleBodyFactory(name="Əmək və Əhalinin Sosial Müdafiəsi Nazirliyi")
    # Both reports are later than every year their rows name (a report proposes no action for a later year).
    old, new = SourceFactory(report_year=2023), SourceFactory(report_year=2024)
    recommendations = [
        RecommendationFactory(source=source, year_start=year, year_end=year + 1, responsible_bodies=[body])
        for source in (old, new)
        for year in (2016, 2018, 2020, 2022)
    ]
    RecommendationFactory(source=old, area="prevention")
    users = {role: UserFactory(role=role) for role in ("analyst", "ngo_staff", "admin")}
    return {"base_url": api_server, "recommendations": recommendations, "users": users}


def connect(api, world, role):
    """A client for the role: the token endpoint for a real user, none for anonymous."""
    anonymous = api.Client(base_url=world["base_url"], raise_on_unexpected_status=True)
    if role == "anonymous":
        return anonymous, None
    token_create = module(api, "api.auth.auth_token_create")
    models = module(api, "models")
    wrong = token_create.sync_detailed(
        client=anonymous, body=models.TokenRequest(username=world["users"][role].username, password="wrong")
    )
    assert wrong.status_code == 401
    assert wrong.parsed.code == "invalid_credentials" and wrong.parsed.detail
    token = token_create.sync(
        client=anonymous, body=models.TokenRequest(username=world["users"][role].username, password=PASSWORD)
    )
    client = api.AuthenticatedClient(
        base_url=world["base_url"], token=token.token, prefix="Token", raise_on_unexpected_status=True
    )
    return client, token.token


def read_everything_public(api, client, world):
    """A filtered list through every page, the detail with its ETag (and a 304), stats, and
    both exports."""
    models = module(api, "models")
    listing = module(api, "api.recommendations.recommendations_list")
    ids: list[int] = []
    cursor, pages = None, 0
    while True:
        kwargs: dict[str, str] = {"cursor": cursor} if cursor else {}
        page = listing.sync(
            client=client,
            area=[models.RecommendationsListAreaItem("enforcement")],
            year_from=2017,
            ordering="-year_start,id",
            page_size=2,
            **kwargs,
        )
        pages += 1
        ids.extend(item.id for item in page.results)
        if not page.next_:
            break
        cursor = parse_qs(urlsplit(page.next_).query)["cursor"][0]
    expected = (
        Recommendation.objects.filter(area="enforcement", year_end__gte=2017)
        .order_by("-year_start", "id")
        .values_list("id", flat=True)
    )
    assert ids == list(expected) and len(ids) == 8
    assert pages == 4

    retrieve = module(api, "api.recommendations.recommendations_retrieve")
    first = world["recommendations"][0]
    detail = retrieve.sync_detailed(first.pk, client=client)
    assert detail.status_code == 200
    assert detail.headers["ETag"] == detail.parsed.etag == f'"r{first.pk}v{first.version}-az"'
    assert detail.parsed.responsible_bodies[0].name == "Əmək və Əhalinin Sosial Müdafiəsi Nazirliyi"
    unchanged = retrieve.sync_detailed(first.pk, client=client, if_none_match=detail.parsed.etag)
    assert unchanged.status_code == 304 and unchanged.content == b""

    stats = module(api, "api.stats.stats").sync(client=client, breakdown=["area,year"], source=[first.source.slug])
    assert stats.total == Recommendation.objects.filter(source=first.source).count()
    assert {row.area for row in stats.by_area} == {"enforcement", "prevention"}
    assert isinstance(stats.by_source, type(module(api, "types").UNSET))

    csv_export = module(api, "api.recommendations.recommendations_export_csv").sync_detailed(
        client=client, ordering="-year_start"
    )
    assert csv_export.status_code == 200
    rows = list(csv.reader(io.StringIO(csv_export.content.decode("utf-8-sig"))))
    assert len(rows) == Recommendation.objects.count() + 1
    xlsx_export = module(api, "api.recommendations.recommendations_export_xlsx").sync_detailed(client=client)
    assert xlsx_export.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_export.content)).active
    assert sheet is not None
    assert sheet.max_row == Recommendation.objects.count() + 1


def read_the_logs(api, client, recommendation):
    progress = module(api, "api.recommendations.recommendations_progress_list").sync(recommendation.pk, client=client)
    evidence = module(api, "api.recommendations.recommendations_evidence_list").sync(recommendation.pk, client=client)
    history = module(api, "api.recommendations.recommendations_history_list").sync(recommendation.pk, client=client)
    return progress.results, evidence.results, history.results


def write_progress_and_evidence(api, client, recommendation, role):
    """Progress with If-Match (and the 412 of a stale tag), evidence as a file and a link."""
    # Content of its own: files are stored under their digest, shared with other test modules.
    pdf = PDF.replace(b"\n", f"\n% generated client, {role}\n".encode(), 1)
    models, types = module(api, "models"), module(api, "types")
    retrieve = module(api, "api.recommendations.recommendations_retrieve")
    create = module(api, "api.recommendations.recommendations_progress_create")
    etag = retrieve.sync_detailed(recommendation.pk, client=client).headers["ETag"]
    progress = models.ProgressUpdateRequest(status=models.StatusEnum.IN_PROGRESS, note="İşçi qrupu yaradılıb.")
    key = f"generated-client-{role}-{recommendation.pk}"
    written = create.sync_detailed(recommendation.pk, client=client, body=progress, if_match=etag, idempotency_key=key)
    assert written.status_code == 201 and written.parsed.status_after == models.StatusEnum.IN_PROGRESS
    # The answer lost on the way: the same request again is answered as the first, done once.
    retried = create.sync_detailed(recommendation.pk, client=client, body=progress, if_match=etag, idempotency_key=key)
    assert retried.status_code == 201 and retried.headers["Idempotent-Replayed"] == "true"
    assert retried.parsed.id == written.parsed.id and retried.headers["ETag"] == written.headers["ETag"]
    assert written.headers["ETag"] != etag
    stale = create.sync_detailed(
        recommendation.pk,
        client=client,
        body=models.ProgressUpdateRequest(status=models.StatusEnum.IMPLEMENTED),
        if_match=etag,
    )
    assert stale.status_code == 412
    assert stale.parsed.code == "precondition_failed" and stale.headers["ETag"] == written.headers["ETag"]
    weak = create.sync_detailed(
        recommendation.pk,
        client=client,
        body=models.ProgressUpdateRequest(status=models.StatusEnum.IMPLEMENTED),
        if_match="W/" + written.headers["ETag"],
    )
    assert weak.status_code == 412

    add = module(api, "api.recommendations.recommendations_evidence_create")
    upload = add.sync(
        recommendation.pk,
        client=client,
        body=models.EvidenceFileRequest(
            kind=models.EvidenceFileKindEnum.FILE,
            title="Nazirliyin hesabatı",
            file=types.File(payload=io.BytesIO(pdf), file_name="hesabat.pdf", mime_type="application/pdf"),
        ),
    )
    assert upload.kind == "file" and upload.file_name == "hesabat.pdf" and upload.file_size == len(pdf)
    link = add.sync(
        recommendation.pk,
        client=client,
        body=models.EvidenceLinkRequest(
            kind=models.EvidenceLinkKindEnum.LINK, title="Açıqlama", url="https://example.gov.az/xeber/1"
        ),
    )
    assert link.kind == "link" and link.url == "https://example.gov.az/xeber/1"
    no_url = add.sync_detailed(
        recommendation.pk,
        client=client,
        body=models.EvidenceLinkRequest.from_dict({"kind": "link", "title": "x", "url": ""}),
    )
    assert no_url.status_code == 400 and "url" in no_url.parsed.additional_properties
    download = module(api, "api.evidence.evidence_file_retrieve").sync_detailed(upload.id, client=client)
    assert download.status_code == 200 and download.content == pdf
    return upload, link


@pytest.mark.slow
@pytest.mark.parametrize("role", ["anonymous", "analyst", "ngo_staff", "admin"])
def test_each_role_does_its_job_through_a_generated_client(role, client_package, world):
    api = client_package
    client, token = connect(api, world, role)
    read_everything_public(api, client, world)
    recommendation = world["recommendations"][1]

    if role == "anonymous":
        progress = module(api, "api.recommendations.recommendations_progress_list").sync_detailed(
            recommendation.pk, client=client
        )
        assert progress.status_code == 401 and progress.parsed.code == "not_authenticated"
        return

    if role in ("ngo_staff", "admin"):
        upload, link = write_progress_and_evidence(api, client, recommendation, role)
        models = module(api, "models")
        patch = module(api, "api.recommendations.recommendations_partial_update")
        retrieve = module(api, "api.recommendations.recommendations_retrieve")
        etag = retrieve.sync_detailed(recommendation.pk, client=client).headers["ETag"]
        if role == "ngo_staff":
            body = models.PatchedRecommendationStatusUpdateRequest(
                status=models.StatusEnum.PARTIALLY_IMPLEMENTED, note="Qismən"
            )
        else:
            body = models.PatchedRecommendationAdminUpdateRequest(
                action="Yenilənmiş tədbir mətni.", status=models.StatusEnum.PARTIALLY_IMPLEMENTED
            )
        updated = patch.sync_detailed(recommendation.pk, client=client, body=body, if_match=etag)
        assert updated.status_code == 200, updated.content
        assert isinstance(updated.parsed, models.RecommendationDetail)
        assert updated.parsed.status == models.StatusEnum.PARTIALLY_IMPLEMENTED
        assert updated.headers["ETag"] == updated.parsed.etag != etag
        if role == "admin":
            assert updated.parsed.action == "Yenilənmiş tədbir mətni."
        progress, evidence, history = read_the_logs(api, client, recommendation)
        assert [item.status_after for item in progress] == [
            models.StatusEnum.IN_PROGRESS,
            models.StatusEnum.PARTIALLY_IMPLEMENTED,
        ]
        assert {item.id for item in evidence} == {upload.id, link.id}
        assert len(history) == recommendation_history(recommendation).count() >= 5
        assert Evidence.objects.filter(recommendation=recommendation).count() == 2
        assert ProgressUpdate.objects.filter(recommendation=recommendation).count() == 2
    else:
        progress, evidence, history = read_the_logs(api, client, recommendation)
        assert progress == [] and evidence == []
        assert history[0].action == "create" and history[0].before is None
        forbidden = module(api, "api.recommendations.recommendations_progress_create").sync_detailed(
            recommendation.pk,
            client=client,
            body=module(api, "models").ProgressUpdateRequest(status=module(api, "models").StatusEnum.IMPLEMENTED),
        )
        assert forbidden.status_code == 403 and forbidden.parsed.code == "permission_denied"

    revoke = module(api, "api.auth.auth_token_destroy").sync_detailed(client=client)
    assert revoke.status_code == 204
    after = module(api, "api.recommendations.recommendations_list").sync_detailed(client=client)
    assert after.status_code == 401 and after.parsed.code == "authentication_failed"
    assert token
