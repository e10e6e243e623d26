"""Every admin page of every registered model answers 200, with the real settings
(MEDIA_URL is None: stored files have no public URL) and with stored files present: a source
imported with its document, file evidence uploaded through the API."""

import io

import pytest
from django.conf import settings
from django.contrib import admin
from django.test import Client
from rest_framework.test import APIClient

from recommendations.importing.services import report_import
from recommendations.indicators.models import Indicator, IndicatorValue
from recommendations.indicators.services import indicator_value_add
from recommendations.jobs.models import ImportJob
from recommendations.measures.models import Measure
from recommendations.measures.services import LinkedStatus, measure_progress_record
from recommendations.models import ChangeRecord, Evidence, ProgressUpdate, Recommendation, ResponsibleBody, Source
from recommendations.progress.services import EvidenceItem
from recommendations.users.models import ApiToken
from recommendations.users.tokens import token_create

from .factories import MeasureFactory, ResponsibleBodyFactory, UserFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DOL_TEXT = "Area\tSuggested Action\tYear(s) Suggested\nEnforcement\tƏmək müfəttişlərinin sayını artırın.\t2014 – 2015\n"


@pytest.fixture
def stored(db, django_capture_on_commit_callbacks):
    assert settings.MEDIA_URL is None
    admin_user = UserFactory(role="admin")
    with django_capture_on_commit_callbacks(execute=True):
        report = report_import(data=DOL_TEXT.encode(), kind="dol", country="AZ", report_year=2015, user=admin_user)
    assert report.source_id is not None
    source = Source.objects.get(pk=report.source_id)
    assert source.document  # the imported text is stored
    recommendation = source.recommendations.get()
    staff = APIClient()
    staff.force_authenticate(UserFactory(role="ngo_staff"))
    progress = staff.post(
        f"/api/v1/recommendations/{recommendation.pk}/progress/", {"status": "in_progress"}, format="json"
    )
    assert progress.status_code == 201
    upload = io.BytesIO(PDF)
    upload.name = "qərar.pdf"
    evidence = staff.post(
        f"/api/v1/recommendations/{recommendation.pk}/evidence/",
        {"kind": "file", "title": "Qərar", "file": upload},
        format="multipart",
    )
    assert evidence.status_code == 201
    ResponsibleBodyFactory()
    measure = MeasureFactory(recommendations=[recommendation], user=admin_user)
    measure_progress_record(
        measure_id=measure.pk,
        status="in_progress",
        evidence=[EvidenceItem(kind="link", title="Qərar", url="https://e-qanun.az/framework/1")],
        recommendations=[LinkedStatus(recommendation.pk)],
        user=admin_user,
    )
    indicator_value_add(
        indicator=Indicator.objects.get(code="dol_labor_inspectors"),
        source=source,
        year=2015,
        state="unknown",
        user=admin_user,
    )
    token_create(user=admin_user, name="Ədliyyə skripti")
    job = {"created_by": admin_user, "created_by_username": admin_user.username, "language": "az", "file_size": 120}
    ImportJob.objects.create(
        **job,
        operation=ImportJob.Operation.IMPORT,
        state=ImportJob.State.DONE,
        file_name="dol-2015-az.txt",
        sha256="a" * 64,
        metadata={"kind": "dol", "report_year": 2015, "country": "AZ"},
        result={"source_slug": source.slug, "created": 1, "updated": 0, "unchanged": 0, "linked": 0},
    )
    ImportJob.objects.create(
        **job,
        operation=ImportJob.Operation.PREVIEW,
        state=ImportJob.State.FAILED,
        file_name="şəkil.pdf",
        sha256="b" * 64,
        metadata={"kind": "tip", "report_year": 2020, "country": "AZ"},
        errors={"document": ["The document is not a PDF."]},
    )
    client = Client()
    client.force_login(admin_user)
    return client


MODELS = [
    Source,
    Recommendation,
    ResponsibleBody,
    Evidence,
    ProgressUpdate,
    ChangeRecord,
    Indicator,
    IndicatorValue,
    ApiToken,
    ImportJob,
    Measure,
]


def test_every_registered_model_is_covered():
    ours = {model for model in admin.site._registry if model._meta.app_label == "recommendations"}
    assert ours == set(MODELS)


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model._meta.model_name)
def test_list_and_change_pages_of_every_object_answer_200(stored, model):
    base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
    assert stored.get(base).status_code == 200
    objects = list(model.objects.all())
    assert objects
    for obj in objects:
        response = stored.get(f"{base}{obj.pk}/change/")
        assert response.status_code == 200, (model, obj.pk)
    # The add page where adding is allowed; append-only rows, the declared vocabulary and tokens
    # (made by their users only) refuse it.
    refused = (ProgressUpdate, ChangeRecord, Indicator, ApiToken, ImportJob)
    assert stored.get(f"{base}add/").status_code == (403 if model in refused else 200)


def test_evidence_page_links_the_file_to_the_checked_download(stored):
    evidence = Evidence.objects.get(kind="file")
    response = stored.get(f"/admin/recommendations/evidence/{evidence.pk}/change/")
    assert f'href="/api/v1/evidence/{evidence.pk}/file/"' in response.content.decode()
    download = stored.get(f"/api/v1/evidence/{evidence.pk}/file/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF


def test_source_page_names_the_stored_document_without_a_link(stored):
    source = Source.objects.get()
    page = stored.get(f"/admin/recommendations/source/{source.pk}/change/").content.decode()
    assert source.document.name in page
    assert f'href="{source.document.name}' not in page


def test_the_import_log_says_who_imported_which_file_when_and_how_it_ended(stored):
    page = stored.get("/admin/recommendations/importjob/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "dol-2015-az.txt" in page and "şəkil.pdf" in page
    assert "dol-2015-az: 1 new, 0 updated, 0 unchanged, 0 repeats linked" in page
    assert "document: The document is not a PDF." in page
    failed = ImportJob.objects.get(state=ImportJob.State.FAILED)
    detail = stored.get(f"/admin/recommendations/importjob/{failed.pk}/change/").content.decode()
    assert f"/admin/recommendations/source/import/jobs/{failed.pk}/" in detail
    # A record of what happened: never edited or deleted here.
    assert stored.post(f"/admin/recommendations/importjob/{failed.pk}/delete/", {"post": "yes"}).status_code == 403
    assert ImportJob.objects.filter(pk=failed.pk).exists()
