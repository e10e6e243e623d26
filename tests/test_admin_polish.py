"""Small things people met in the admin (issue 32 §4, issue 24 §3), checked as an admin sees
them: signed in, through the served pages, in Azerbaijani and English."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from recommendations.history.services import change_record_create
from recommendations.models import ChangeRecord, Source

from .factories import RecommendationFactory, SourceFactory
from .jobs import run_jobs


@pytest.fixture
def admin_site(users) -> Client:
    client = Client()
    client.force_login(users["admin"])
    return client


def filter_choices(html: str, title: str) -> list[str]:
    """The choices listed under one filter of a change list's side bar."""
    section = html.split(f'<details data-filter-title="{title}"', 1)[1].split("</details>", 1)[0]
    return [re.sub(r"\s+", " ", choice).strip() for choice in re.findall(r'<a href="[^"]*">(.*?)</a>', section, re.S)]


@pytest.mark.parametrize(
    ("language", "title", "expected"),
    [
        ("az", "ölkə", ["Hamısı", "Azərbaycan", "Gürcüstan"]),
        ("en", "country", ["All", "Azerbaijan", "Georgia"]),
    ],
)
def test_source_country_filter_lists_only_countries_with_reports_in_the_interface_language(
    admin_site, language, title, expected
):
    SourceFactory(country="AZ")
    SourceFactory(country="GE")
    html = admin_site.get("/admin/recommendations/source/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert filter_choices(html, title) == expected


@pytest.mark.parametrize(
    ("path", "shown", "not_shown"),
    [
        # Django capitalises "istifadəçilər" with str.upper: a dotless capital I.
        ("/admin/", "İstifadəçilər", "Istifadəçilər"),
        ("/admin/recommendations/recommendation/", "İllər", "Illər"),
        # Django's Azerbaijani says "at least 150" for "150 characters or fewer".
        ("/admin/auth/user/add/", "Ən çox 150 simvol", "Ən az 150"),
        # "tövsiyə görə" lacks the dative ending; "üzrə" takes any word as it is.
        ("/admin/recommendations/changerecord/", "tövsiyə üzrə", " görə"),
        # "Tarix" is a date; the button opens the recommendation's history.
        ("/admin/recommendations/recommendation/{id}/change/", ">Tarixçə<", ">Tarix<"),
    ],
)
def test_azerbaijani_admin_texts_read_right(admin_site, recommendation, path, shown, not_shown):
    html = admin_site.get(path.format(id=recommendation.pk), HTTP_ACCEPT_LANGUAGE="az").content.decode()
    assert shown in html
    assert not_shown not in html


@pytest.mark.parametrize(
    ("language", "title", "kinds", "footer"),
    [
        ("az", "obyektin növü", ["Hamısı", "mənbə", "tövsiyə"], "{} dəyişiklik qeydi"),
        ("en", "kind of object", ["All", "recommendation", "source"], "{} change records"),
    ],
)
def test_change_records_filter_by_the_kinds_recorded_and_count_in_the_plural(
    admin_site, users, language, title, kinds, footer
):
    recommendation = RecommendationFactory()
    for obj in (recommendation, recommendation.source):
        change_record_create(obj=obj, action="update", user=users["admin"], before={"a": 1}, after={"a": 2})
    html = admin_site.get("/admin/recommendations/changerecord/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    # Not every content type Django knows: no sessions, permissions or the token twice.
    assert filter_choices(html, title) == kinds
    recorded = ChangeRecord.objects.count()
    assert recorded > 1
    assert f'<p class="paginator"> {footer.format(recorded)} </p>' in re.sub(r"\s+", " ", html)


def test_recommendation_list_cuts_a_long_action_after_a_word_and_keeps_the_whole_in_its_title(admin_site):
    action = "Ensure that the labor inspectorate is authorized to conduct unannounced inspections " + (
        "and assess penalties in all sectors, including agriculture and domestic work."
    )
    recommendation = RecommendationFactory(action=action)
    html = admin_site.get("/admin/recommendations/recommendation/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    cell = rf'<td class="field-short_action"><a href="/admin/recommendations/recommendation/{recommendation.pk}/change/'
    link = re.search(cell + r'[^"]*">(.*?)</a>', html, re.S)
    assert link
    shown = re.fullmatch(r'<span title="(.*?)">(.*?)</span>', link.group(1).strip(), re.S)
    assert shown and shown.group(1) == action
    visible = shown.group(2)
    assert visible.endswith("…") and len(visible) <= 120
    # The cut falls between words: what is shown is the start of the action up to a whole word.
    assert action.startswith(visible[:-1]) and action[len(visible) - 1] == " "


PNG_NAMED_PDF = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00" + bytes(64)


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("az", "Sənəd PDF deyil, adi mətn də deyil"),
        ("en", "The document is not a PDF and not plain text"),
    ],
)
def test_an_image_renamed_pdf_is_refused_as_not_a_pdf_in_the_interface_language(admin_site, language, message):
    metadata = {"kind": "dol", "country": "AZ", "report_year": "2015", "language": "az", "title": "", "slug": ""}
    uploaded = admin_site.post(
        "/admin/recommendations/source/import/",
        {**metadata, "preview": "1", "document": SimpleUploadedFile("dol-2015.pdf", PNG_NAMED_PDF)},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    run_jobs()
    response = admin_site.get(uploaded.url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200 and response.context["job"].state == "failed"
    assert message in response.content.decode()
    assert Source.objects.count() == 0
