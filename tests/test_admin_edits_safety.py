"""Issue 32 §1: the admin's change forms refuse what the services refuse, as form errors
beside the field (not a message after "changed successfully"), refuse a stale save, and a
source's country change reaches its recommendations' history and versions."""

import datetime
from pathlib import Path

import pytest
from django.contrib.admin.models import LogEntry
from django.utils import timezone

from recommendations.importing.services import report_import
from recommendations.models import ChangeRecord, Evidence, Recommendation, Source

from .admin_forms import admin_client, csrf_token, open_form, submit
from .factories import RecommendationFactory, SourceFactory, UserFactory

ROOT = Path(__file__).resolve().parent.parent


def change_url(obj) -> str:
    return f"/admin/recommendations/{obj._meta.model_name}/{obj.pk}/change/"


def refused(response, field: str | None, message: str) -> None:
    """A form shown again with `message` beside `field` (None: above the form); nothing saved."""
    assert response.status_code == 200, response.status_code
    form = response.context["adminform"].form
    errors = form.errors.get(field or "__all__", [])
    assert any(message in error for error in errors), form.errors
    assert not [m for m in response.context["messages"] if m.level_tag == "success"]
    assert not LogEntry.objects.exists()


@pytest.fixture
def admin(db):
    return admin_client(UserFactory(role="admin", username="aysel"))


@pytest.fixture
def recommendation(db):
    source = SourceFactory(report_year=2018)
    return RecommendationFactory(source=source, year_start=2016, year_end=2018)


def test_a_second_admin_saving_an_older_copy_is_refused_naming_what_changed(recommendation):
    first = admin_client(UserFactory(role="admin", username="aysel"))
    second = admin_client(UserFactory(role="admin", username="rauf"))
    url = change_url(recommendation)
    opened_by_first = open_form(first, url)
    assert submit(second, url, {**open_form(second, url), "action": "Rauf's wording."}).status_code == 302
    LogEntry.objects.all().delete()

    response = submit(first, url, {**opened_by_first, "area": "government_policies"})

    refused(response, None, "rauf: ")
    assert "changed this record since you opened it" in str(response.context["adminform"].form.errors)
    recommendation.refresh_from_db()
    assert (recommendation.action, recommendation.area) == ("Rauf's wording.", "enforcement")


def test_a_source_saved_from_an_older_copy_is_refused(db):
    source = SourceFactory()
    first = admin_client(UserFactory(role="admin", username="aysel"))
    second = admin_client(UserFactory(role="admin", username="rauf"))
    url = change_url(source)
    opened_by_first = open_form(first, url)
    assert submit(second, url, {**open_form(second, url), "title": "Rauf's title"}).status_code == 302
    LogEntry.objects.all().delete()

    response = submit(first, url, {**opened_by_first, "publisher": "Aysel's publisher"})

    refused(response, None, "rauf: ")
    source.refresh_from_db()
    assert (source.title, source.publisher) == ("Rauf's title", "US Department of Labor")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("year_end", "2025", "A 2018 report cannot suggest an action for 2025."),
        ("due_on", "2010-06-30", "The due date cannot be before 2016"),
        # One box per language (no raw JSON): the report's own language has no translation.
        ("translation_az", "Əmək müfəttişlərinin treninqini təmin edin.", "“az” is the report's own language"),
    ],
)
def test_the_recommendation_form_refuses_what_the_services_refuse(admin, recommendation, field, value, message):
    url = change_url(recommendation)

    response = submit(admin, url, {**open_form(admin, url), field: value})

    refused(response, field, message)
    assert Recommendation.objects.get().version == recommendation.version


def test_the_english_text_of_a_translated_report_cannot_be_deleted(admin, django_capture_on_commit_callbacks):
    seeds = ROOT / "seeds"
    report_import(
        data=(seeds / "dol-2015-azerbaijan-child-labor-findings.az.txt").read_bytes(),
        kind="dol",
        country="AZ",
        report_year=2015,
        language="az",
    )
    report_import(
        data=(seeds / "dol-2015-azerbaijan-child-labor-findings.en.pdf").read_bytes(),
        kind="dol",
        country="AZ",
        report_year=2015,
        language="en",
    )
    recommendation = Recommendation.objects.get(position=1)
    url = change_url(recommendation)

    form = open_form(admin, url)
    assert form["translation_en"].startswith("Ensure that all children are protected by law")
    response = submit(admin, url, {**form, "translation_en": ""})

    refused(response, "translation_en", "The report's “en” text cannot be removed; correct it instead.")
    assert Recommendation.objects.get(position=1).action_translations["en"]


def test_the_recommendation_form_edits_each_language_in_its_own_box(admin, recommendation):
    url = change_url(recommendation)
    form = open_form(admin, url)
    assert "action_translations" not in form and form["translation_en"] == ""

    response = submit(admin, url, {**form, "translation_en": "  Ensure that labor inspectors are trained. "})

    assert response.status_code == 302
    recommendation.refresh_from_db()
    assert recommendation.action_translations == {"en": "Ensure that labor inspectors are trained."}
    assert recommendation.action_in("en") == "Ensure that labor inspectors are trained."


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("report_year", "2017", "Its recommendations suggest actions up to 2018"),
        ("language", "xx", "“xx” is not a language of the site"),
    ],
)
def test_the_source_form_refuses_what_the_services_refuse(admin, recommendation, field, value, message):
    url = change_url(recommendation.source)

    response = submit(admin, url, {**open_form(admin, url), field: value})

    refused(response, field, message)


def test_evidence_dated_in_the_future_is_refused_beside_its_date(admin, recommendation):
    url = "/admin/recommendations/evidence/add/"
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    data = {
        "csrfmiddlewaretoken": csrf_token(admin, url),
        "recommendation": recommendation.pk,
        "title": "Hesabat",
        "kind": "link",
        "url": "https://example.org/hesabat",
        "evidence_date": tomorrow.isoformat(),
    }

    response = submit(admin, url, data)

    refused(response, "evidence_date", "Evidence cannot be dated in the future.")
    assert not Evidence.objects.exists()


def test_a_source_country_correction_is_each_recommendations_change(admin, recommendation):
    other = RecommendationFactory(source=recommendation.source, year_start=2016, year_end=2018)
    versions = {rec.pk: rec.version for rec in (recommendation, other)}
    url = change_url(recommendation.source)

    assert submit(admin, url, {**open_form(admin, url), "country": "GE"}).status_code == 302

    for rec in Recommendation.objects.all():
        assert rec.country == "GE" and rec.version == versions[rec.pk] + 1
        record = ChangeRecord.objects.filter(object_id=rec.pk, object_type__model="recommendation").last()
        assert record is not None
        assert (record.before, record.after, record.username) == ({"country": "AZ"}, {"country": "GE"}, "aysel")


def test_correcting_an_imported_rows_area_says_it_will_block_pairing_the_other_language(admin):
    report_import(
        data=(ROOT / "seeds" / "dol-2015-azerbaijan-child-labor-findings.az.txt").read_bytes(),
        kind="dol",
        country="AZ",
        report_year=2015,
        language="az",
    )
    recommendation = Source.objects.get().recommendations.get(position=1)
    url = change_url(recommendation)

    response = admin.post(url, {**open_form(admin, url), "area": "enforcement", "_save": "Save"}, follow=True)

    warnings = [str(m) for m in response.context["messages"] if m.level_tag == "warning"]
    assert warnings == [
        "Row 1 of dol-2015-az is now enforcement 2011–2015, no longer legal_framework 2011–2015. The report's "
        "text in its other language is paired with these rows by area and years: a document of it that still "
        "gives this row as legal_framework 2011–2015 will be refused until the row is read the same way there."
    ]
