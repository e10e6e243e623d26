"""The measure pages and the bulk entry, as a browser without JavaScript uses them: a measure
created from recommendations chosen on the list, its progress recorded with a status on each
recommendation it answers and one PDF — shown on each — a stale page refused, a refused row
named beside it; the bulk entry on several recommendations; who may open and send each page;
and the queries each page costs."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, get_resolver
from django.utils import timezone

from recommendations.measures.models import Measure
from recommendations.measures.services import LinkedStatus, measure_progress_record
from recommendations.models import Evidence, ProgressUpdate, Recommendation
from recommendations.progress.services import EvidenceItem, progress_record
from tests.factories import MeasureFactory, RecommendationFactory, SourceFactory, UserFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
NOTE = "Milli Fəaliyyət Planı Nazirlər Kabinetinin qərarı ilə təsdiqləndi — gizli-qeyd-8812"
ROLES = ("anonymous", "analyst", "ngo_staff", "admin")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Each test its own files: the same bytes stored by another test would count here."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def world(db):
    dol = SourceFactory(slug="dol-2019-az", report_year=2019)
    tip = SourceFactory(slug="tip-2022-az", kind="tip", report_year=2022)
    users = {role: UserFactory(username=f"page-{role}", role=role) for role in ROLES[1:]}
    recommendations = [
        RecommendationFactory(source=dol, year_start=2018, year_end=2019),
        RecommendationFactory(source=dol, year_start=2019, year_end=2019),
        RecommendationFactory(source=tip, area="protection", year_start=2021, year_end=2022),
    ]
    return {"users": users, "recommendations": recommendations, "other": RecommendationFactory(source=tip)}


def client_as(world, role: str, language: str = "az") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    if role != "anonymous":
        client.force_login(world["users"][role])
    return client


def progress_post(measure, linked, **overrides) -> dict:
    data = {
        "status": "implemented",
        "occurred_on": timezone.localdate().isoformat(),
        "note": NOTE,
        "version": str(measure.version),
        "opened_at": timezone.now().isoformat(),
        "evidence-TOTAL_FORMS": "2",
        "evidence-INITIAL_FORMS": "0",
        "evidence-MIN_NUM_FORMS": "0",
        "evidence-MAX_NUM_FORMS": "20",
        "linked-TOTAL_FORMS": str(len(linked)),
        "linked-INITIAL_FORMS": str(len(linked)),
        "linked-MIN_NUM_FORMS": "0",
        "linked-MAX_NUM_FORMS": "200",
    }
    for index, (recommendation, choice) in enumerate(linked):
        data[f"linked-{index}-recommendation"] = str(recommendation.pk)
        data[f"linked-{index}-version"] = str(Recommendation.objects.get(pk=recommendation.pk).version)
        data[f"linked-{index}-choice"] = choice
    data.update(overrides)
    return data


def test_staff_create_a_measure_from_the_chosen_recommendations_and_record_it_once(world):
    first, second, third = world["recommendations"]
    staff = client_as(world, "ngo_staff")
    # Chosen on the list: the form comes with their numbers, and their common country.
    ids = f"{first.pk},{second.pk},{third.pk}"
    page = staff.get(f"/measures/new/?recommendation={first.pk}&recommendation={second.pk},{third.pk}")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'value="{first.pk}, {second.pk}, {third.pk}"' in html
    assert '<option value="AZ" selected>' in html
    created = staff.post(
        "/measures/new/",
        {
            "title_az": "İnsan alverinə qarşı 2020–2024-cü illər üçün Milli Fəaliyyət Planı",
            "kind": "action_plan",
            "country": "AZ",
            "start_on": "2020-01-01",
            "end_on": "2024-12-31",
            "numbers": ids,
        },
    )
    measure = Measure.objects.get()
    assert created.status_code == 302 and created["Location"] == f"/measures/{measure.pk}/"
    measure_page = staff.get(f"/measures/{measure.pk}/").content.decode()
    assert measure_page.count('<li class="linked-row') == 3

    upload = SimpleUploadedFile("Milli Fəaliyyət Planı.pdf", PDF)
    data = progress_post(measure, [(first, ""), (second, "in_progress"), (third, "-")])
    data["evidence-0-file"] = upload
    recorded = staff.post(f"/measures/{measure.pk}/progress/", data)
    assert recorded.status_code == 302, recorded.content.decode()[:3000]
    assert Recommendation.objects.get(pk=first.pk).status == "implemented"
    assert Recommendation.objects.get(pk=second.pk).status == "in_progress"
    assert Recommendation.objects.get(pk=third.pk).status == "not_assessed"
    (evidence,) = Evidence.objects.all()
    assert evidence.measure_id == measure.pk
    files = list(Path(settings.MEDIA_ROOT).rglob("*.pdf"))
    assert len(files) == 1
    # Each recommendation's page names the measure and shows the PDF to an analyst; an
    # anonymous visitor sees the measure, never the note or the file.
    analyst, anonymous = client_as(world, "analyst"), client_as(world, "anonymous")
    for recommendation in (first, second):
        html = analyst.get(f"/recommendations/{recommendation.pk}/").content.decode()
        assert "Milli Fəaliyyət Planı.pdf" in html and NOTE in html
        assert f'href="/measures/{measure.pk}/#entry-' in html
        public = anonymous.get(f"/recommendations/{recommendation.pk}/").content.decode()
        assert measure.title_az in public
        assert "Milli Fəaliyyət Planı.pdf" not in public and NOTE not in public
    measure_html = anonymous.get(f"/measures/{measure.pk}/").content.decode()
    assert NOTE not in measure_html and ".pdf" not in measure_html
    assert "Həyata keçirilib" in measure_html  # its status is public


def test_a_refused_recommendation_is_named_beside_its_row_and_nothing_is_saved(world):
    first, second, _third = world["recommendations"]
    measure = MeasureFactory(recommendations=[first, second], user=world["users"]["ngo_staff"])
    staff = client_as(world, "ngo_staff")
    # The second restates its status with neither note nor evidence: nothing to record on it.
    data = progress_post(measure, [(first, ""), (second, "not_assessed")], note="")
    refused = staff.post(f"/measures/{measure.pk}/progress/", data)
    assert refused.status_code == 400
    html = refused.content.decode()
    row = html[html.index(f'<li class="linked-row has-error" data-id="{second.pk}"') :]
    assert "Qeyd ediləcək heç nə yoxdur" in row[: row.index("</li>")]
    assert not ProgressUpdate.objects.exists()


def test_a_page_opened_before_a_recommendation_changed_is_refused_naming_it(world):
    first, second, _third = world["recommendations"]
    staff_user = world["users"]["ngo_staff"]
    measure = MeasureFactory(recommendations=[first, second], user=staff_user)
    data = progress_post(measure, [(first, ""), (second, "")])
    progress_record(recommendation_id=second.pk, status="not_started", user=world["users"]["admin"])
    refused = client_as(world, "ngo_staff", "en").post(f"/measures/{measure.pk}/progress/", data)
    assert refused.status_code == 409
    html = refused.content.decode()
    assert f"someone else changed recommendation {second.pk}" in html and "page-admin" in html
    assert NOTE in html  # the text is kept
    assert ProgressUpdate.objects.count() == 1
    # Sent again from that page (it now carries the current versions): recorded.
    again = re.findall(r'name="(linked-\d-version)" value="(\d+)"', html)
    version = re.search(r'name="version" value="(\d+)"', html)
    assert version is not None
    resubmit = {**data, **dict(again), "version": version[1]}
    assert client_as(world, "ngo_staff").post(f"/measures/{measure.pk}/progress/", resubmit).status_code == 302


def test_links_typed_by_number_added_and_removed(world):
    first, second, third = world["recommendations"]
    measure = MeasureFactory(recommendations=[first], user=world["users"]["ngo_staff"])
    staff = client_as(world, "ngo_staff")
    url = f"/measures/{measure.pk}/links/"
    wrong = staff.post(url, {"numbers": "12a", "version": measure.version})
    assert wrong.status_code == 400 and "Tövsiyə nömrəsi deyil: 12a." in wrong.content.decode()
    added = staff.post(url, {"numbers": f"{second.pk}, #{third.pk}", "version": measure.version})
    assert added.status_code == 302
    measure.refresh_from_db()
    assert sorted(measure.recommendations.values_list("pk", flat=True)) == [first.pk, second.pk, third.pk]
    stale = staff.post(url, {"remove": first.pk, "version": measure.version - 1})
    assert stale.status_code == 409
    removed = staff.post(url, {"remove": first.pk, "version": measure.version})
    assert removed.status_code == 302
    assert first.pk not in measure.recommendations.values_list("pk", flat=True)
    history = client_as(world, "analyst").get(f"/measures/{measure.pk}/history/").content.decode()
    assert "Cavab verdiyi tövsiyələr" in history


def test_bulk_entry_from_the_list(world):
    first, second, third = world["recommendations"]
    staff = client_as(world, "ngo_staff")
    listed = staff.get("/?country=AZ").content.decode()
    assert f'name="recommendation" value="{first.pk}"' in listed and 'id="selection-form"' in listed
    assert 'id="selection-form"' not in client_as(world, "analyst").get("/").content.decode()
    chosen = f"/progress/bulk/?recommendation={first.pk}&recommendation={third.pk}&back=/%3Fcountry%3DAZ"
    page = staff.get(chosen)
    assert page.status_code == 200 and page.content.decode().count('<li class="chosen-row') == 2
    data = {
        "recommendation": [str(first.pk), str(third.pk)],
        f"version-{first.pk}": str(first.version),
        f"version-{third.pk}": str(third.version),
        "status": "in_progress",
        "occurred_on": timezone.localdate().isoformat(),
        "note": NOTE,
        "back": "/?country=AZ",
        "evidence-TOTAL_FORMS": "1",
        "evidence-INITIAL_FORMS": "0",
        "evidence-MIN_NUM_FORMS": "0",
        "evidence-MAX_NUM_FORMS": "20",
        "evidence-0-file": SimpleUploadedFile("protokol.pdf", PDF),
    }
    recorded = staff.post("/progress/bulk/", data)
    assert recorded.status_code == 302 and recorded["Location"] == "/?country=AZ"
    assert set(Recommendation.objects.filter(pk__in=[first.pk, third.pk]).values_list("status", flat=True)) == {
        "in_progress"
    }
    assert Recommendation.objects.get(pk=second.pk).status == "not_assessed"
    assert Evidence.objects.filter(kind="file").count() == 2
    assert len(list(Path(settings.MEDIA_ROOT).rglob("*.pdf"))) == 1
    # Sent again from the same page: its versions are stale now, nothing is recorded twice.
    data["evidence-0-file"] = SimpleUploadedFile("protokol.pdf", PDF)
    assert staff.post("/progress/bulk/", data).status_code == 409
    assert ProgressUpdate.objects.count() == 2


@pytest.fixture
def page_world(world):
    """A measure with an entry, for the routes that need one."""
    first = world["recommendations"][0]
    measure = MeasureFactory(recommendations=[first], user=world["users"]["ngo_staff"])
    update = measure_progress_record(
        measure_id=measure.pk,
        status="in_progress",
        note=NOTE,
        recommendations=[LinkedStatus(first.pk)],
        user=world["users"]["ngo_staff"],
    ).update
    return {**world, "measure": measure.pk, "update": update.pk, "first": first.pk}


def by_role(anonymous, analyst, ngo_staff, admin) -> dict[str, int]:
    return {"anonymous": anonymous, "analyst": analyst, "ngo_staff": ngo_staff, "admin": admin}


STAFF_PAGE = by_role(302, 403, 200, 200)  # sign in first; analysts refused
STAFF_POST = by_role(302, 403, 400, 400)  # an empty submission, refused for what it lacks
EVERYONE = by_role(200, 200, 200, 200)
NOT_ALLOWED = by_role(405, 405, 405, 405)
# Every page route of measures and the bulk entry: GET and POST, each role.
PAGES = {
    "measures": ("/measures/", EVERYONE, NOT_ALLOWED),
    "measure-new": ("/measures/new/?recommendation={first}", STAFF_PAGE, STAFF_POST),
    "measure-link-selected": ("/measures/link/?recommendation={first}", STAFF_PAGE, STAFF_POST),
    "measure": ("/measures/{measure}/", EVERYONE, NOT_ALLOWED),
    "measure-edit": ("/measures/{measure}/edit/", STAFF_PAGE, STAFF_POST),
    "measure-links": ("/measures/{measure}/links/", NOT_ALLOWED, STAFF_POST),
    "measure-history": ("/measures/{measure}/history/", STAFF_PAGE | {"analyst": 200}, NOT_ALLOWED),
    "measure-progress": ("/measures/{measure}/progress/", NOT_ALLOWED, STAFF_POST),
    "measure-entry-evidence": ("/measures/{measure}/progress/{update}/evidence/", NOT_ALLOWED, STAFF_POST),
    "bulk-progress": ("/progress/bulk/?recommendation={first}", STAFF_PAGE, STAFF_POST),
}


def test_the_page_matrix_covers_every_route_of_measures_and_bulk():
    _prefix, pages = get_resolver().namespace_dict["recommendations"]
    names = {
        pattern.name
        for pattern in pages.url_patterns
        if isinstance(pattern, URLPattern) and pattern.name and ("measure" in pattern.name or "bulk" in pattern.name)
    }
    assert names == set(PAGES)


@pytest.mark.parametrize("name", sorted(PAGES))
@pytest.mark.parametrize("role", ROLES)
def test_who_may_open_and_send_each_page(page_world, name, role):
    path, get_expected, post_expected = PAGES[name]
    url = path.format(**page_world)
    client = client_as(page_world, role)
    read = client.get(url)
    assert read.status_code == get_expected[role], (name, role, "GET", read.status_code)
    if role == "anonymous":
        assert NOTE not in read.content.decode()
    if read.status_code == 302:
        assert read["Location"].startswith("/login/")
    sent = client.post(url.split("?")[0], {})
    assert sent.status_code == post_expected[role], (name, role, "POST", sent.status_code)


def test_the_queries_of_the_measure_pages_do_not_grow_with_their_rows(page_world, django_assert_max_num_queries):
    measure = Measure.objects.get(pk=page_world["measure"])
    extra = [RecommendationFactory(source=SourceFactory()) for _ in range(6)]
    from recommendations.measures.services import measure_links_add

    def costs(client, url):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    for role in ("anonymous", "analyst", "ngo_staff"):
        client = client_as(page_world, role)
        before = costs(client, f"/measures/{measure.pk}/")
        measure_links_add(measure_id=measure.pk, recommendation_ids=[extra[0].pk], user=None)
        assert costs(client, f"/measures/{measure.pk}/") == before, role
    staff = client_as(page_world, "ngo_staff")
    measure_links_add(measure_id=measure.pk, recommendation_ids=[r.pk for r in extra], user=None)
    with django_assert_max_num_queries(16):
        assert staff.get(f"/measures/{measure.pk}/").status_code == 200
    with django_assert_max_num_queries(6):
        assert client_as(page_world, "anonymous").get("/measures/").status_code == 200
    ids = "&".join(f"recommendation={r.pk}" for r in extra)
    with django_assert_max_num_queries(8):
        assert staff.get(f"/progress/bulk/?{ids}").status_code == 200


def test_the_dashboard_lists_the_measures_answering_its_selection_and_filters_by_one(world):
    first, second, third = world["recommendations"]
    staff_user = world["users"]["ngo_staff"]
    plan = MeasureFactory(recommendations=[first, second, third], user=staff_user, title_en="Action plan")
    law = MeasureFactory(recommendations=[third], user=staff_user, kind="law", title_en="Law on shelters")
    anonymous = client_as(world, "anonymous", "en")
    html = anonymous.get("/?source=dol-2019-az").content.decode()
    section = html[html.index('id="dashboard-measures"') :]
    assert f'<tr data-measure="{plan.pk}">' in section and f'data-measure="{law.pk}"' not in section
    assert f'<a href="?measure={plan.pk}">2</a>' in section  # 2 of the DOL report's 3 rows
    filtered = anonymous.get(f"/?measure={law.pk}").content.decode()
    assert re.findall(r'<tr data-id="(\d+)"', filtered) == [str(third.pk)]
    assert f'<option value="{law.pk}" selected>' in filtered


def test_the_recommendation_page_costs_the_same_whatever_its_measures(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first = world["recommendations"][0]
    staff_user = world["users"]["ngo_staff"]

    def measure_with_entry():
        measure = MeasureFactory(recommendations=[first], user=staff_user)
        measure_progress_record(
            measure_id=measure.pk,
            status="in_progress",
            note=NOTE,
            evidence=[EvidenceItem(kind="link", title="Qərar", url="https://e-qanun.az/framework/1")],
            recommendations=[LinkedStatus(first.pk, status="in_progress" if measure.pk % 2 else "not_started")],
            user=staff_user,
        )

    measure_with_entry()
    counts = {}
    for role in ("anonymous", "analyst", "ngo_staff"):
        client = client_as(world, role)
        with CaptureQueriesContext(connection) as one:
            assert client.get(f"/recommendations/{first.pk}/").status_code == 200
        counts[role] = len(one)
    measure_with_entry()
    measure_with_entry()
    for role in ("anonymous", "analyst", "ngo_staff"):
        client = client_as(world, role)
        with CaptureQueriesContext(connection) as three:
            html = client.get(f"/recommendations/{first.pk}/").content.decode()
        assert len(three) == counts[role], role
        assert html.count('class="recorded-with"') == 3
        assert html.count('class="evidence-link"') == (0 if role == "anonymous" else 3)
