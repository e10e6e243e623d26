"""The admin's import page: upload, preview the dry-run, confirm; for administrators only."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from recommendations.models import Recommendation, Source

from .factories import UserFactory

URL = "/admin/recommendations/source/import/"
DOL_SEED = (
    Path(__file__).resolve().parent.parent / "seeds" / "dol-2015-azerbaijan-child-labor-findings.az.txt"
).read_bytes()
METADATA = {"kind": "dol", "country": "AZ", "report_year": "2015", "language": "az", "title": "", "slug": ""}


@pytest.mark.django_db
def test_admin_previews_then_confirms_an_import(client, users):
    client.force_login(users["admin"])
    assert 'href="/admin/recommendations/source/import/"' in client.get("/admin/recommendations/source/").text

    preview = client.post(URL, {**METADATA, "preview": "1", "document": SimpleUploadedFile("dol.txt", DOL_SEED)})

    assert preview.status_code == 200
    report = preview.context["report"]
    assert (report.dry_run, report.created) == (True, 10)
    assert "Dövlət Əmək Müfəttişliyi Xidmətinin" in preview.text
    assert Source.objects.count() == 0 and Recommendation.objects.count() == 0

    confirm_fields = {field.name: field.value() for field in preview.context["confirm_form"]}
    done = client.post(URL, {**confirm_fields, "confirm": "1"})

    source = Source.objects.get(slug="dol-2015-az")
    assert done.status_code == 302 and done.url == f"/admin/recommendations/source/{source.pk}/change/"
    assert source.recommendations.count() == 10
    assert source.document_sha256 == confirm_fields["sha256"]


@pytest.mark.django_db
def test_an_unreadable_upload_is_shown_as_a_form_error(client, users):
    client.force_login(users["admin"])

    response = client.post(URL, {**METADATA, "preview": "1", "document": SimpleUploadedFile("x.txt", b"\x00\x01")})

    assert response.status_code == 200
    assert "ikili fayldır" in response.text  # "a binary file", in the default language
    assert Source.objects.count() == 0


@pytest.mark.django_db
def test_confirm_with_a_document_that_was_never_previewed_imports_nothing(client, users):
    client.force_login(users["admin"])

    response = client.post(URL, {**METADATA, "sha256": "0" * 64, "confirm": "1"})

    assert response.status_code == 302
    assert Source.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["analyst", "ngo_staff"])
def test_the_import_page_is_refused_to_everyone_but_admins(client, users, role):
    client.force_login(users[role])
    assert client.get(URL).status_code == 302  # not staff: sent to the admin login

    staff_without_role = UserFactory(role=role)
    staff_without_role.is_staff = True
    staff_without_role.save()
    client.force_login(staff_without_role)
    assert client.get(URL).status_code == 403
    upload = SimpleUploadedFile("dol.txt", DOL_SEED)
    assert client.post(URL, {**METADATA, "preview": "1", "document": upload}).status_code == 403
    assert Source.objects.count() == 0


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get(URL)

    assert response.status_code == 302 and "/admin/login/" in response.url


@pytest.mark.django_db
def test_admin_imports_the_english_pdf_beside_the_azerbaijani_text(client, users, django_capture_on_commit_callbacks):
    client.force_login(users["admin"])
    pdf = (
        Path(__file__).resolve().parent.parent / "seeds" / "dol-2015-azerbaijan-child-labor-findings.en.pdf"
    ).read_bytes()
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(URL, {**{f.name: f.value() for f in _confirm_form(client, DOL_SEED)}, "confirm": "1"})
    assert first.status_code == 302

    preview = client.post(
        URL, {**METADATA, "language": "en", "preview": "1", "document": SimpleUploadedFile("dol.pdf", pdf)}
    )

    assert preview.status_code == 200
    assert 'id="import-pairing"' in preview.text and "Table 11, səhifə 7" in preview.text
    assert preview.context["report"].updated == 10
    confirm_fields = {field.name: field.value() for field in preview.context["confirm_form"]}
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(URL, {**confirm_fields, "confirm": "1"})
    assert done.status_code == 302
    assert Recommendation.objects.count() == 10
    assert Recommendation.objects.filter(action_translations__has_key="en").count() == 10
    assert client.get("/sources/dol-2015-az/document/en/").status_code == 200


def _confirm_form(client, data):
    preview = client.post(URL, {**METADATA, "preview": "1", "document": SimpleUploadedFile("dol.txt", data)})
    return preview.context["confirm_form"]
