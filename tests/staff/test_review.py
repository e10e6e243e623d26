"""Review before publication (issue 21 §2): with REVIEW_REQUIRED a person's progress is a
proposal that nothing public counts — page, CSV, Atom feed, stats, as-of — until a reviewer
other than its author approves it; every step is in history."""

import csv
import datetime
import io
import xml.etree.ElementTree as ET

import pytest
from django.contrib.auth.models import Permission
from django.db import DatabaseError, transaction
from django.test import Client, override_settings
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.test import APIClient

from recommendations.choices import ReviewState
from recommendations.follows.services import follow_set
from recommendations.history.selectors import recommendation_history
from recommendations.listing.as_of import status_on
from recommendations.models import ChangeRecord, Evidence, ProgressUpdate, Recommendation
from recommendations.progress.services import EvidenceItem, progress_record, progress_record_with_evidence
from recommendations.reviews.services import progress_review
from tests.admin_forms import admin_client, open_form, submit
from tests.factories import RecommendationFactory, SourceFactory, UserFactory
from tests.jobs import queued_tasks, run_jobs
from tests.staff.test_record_progress_page import submission

NOTE = "Şəki sığınacağında 3 qurban müəyyən edildi — gizli-qeyd-4410"
ATOM = "{http://www.w3.org/2005/Atom}"
REVIEW = override_settings(REVIEW_REQUIRED=True)


def reviewer_of(user):
    user.user_permissions.add(Permission.objects.get(codename="review_progress"))
    return type(user).objects.get(pk=user.pk)  # permissions are cached on the instance


@pytest.fixture
def people(db):
    return {
        "staff": UserFactory(username="aysel", role="ngo_staff", email="aysel@ngo.az"),
        "reviewer": reviewer_of(UserFactory(username="rauf", role="ngo_staff", email="rauf@ngo.az")),
        "analyst": UserFactory(username="elvin", role="analyst"),
        "admin": UserFactory(username="leyla", role="admin", email="leyla@ngo.az"),
    }


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def page(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def propose(recommendation, user, **fields) -> int:
    response = api(user).post(
        f"/api/v1/recommendations/{recommendation.pk}/progress/",
        {"status": "implemented", "note": NOTE, **fields},
        format="json",
    )
    assert response.status_code == 201, response.content
    return response.json()["id"]


def decide(user, entry_id: int, decision: str, comment: str = ""):
    body = {"decision": decision, **({"comment": comment} if comment else {})}
    return api(user).post(f"/api/v1/reviews/{entry_id}/", body, format="json")


def csv_rows(client) -> list[dict]:
    body = b"".join(client.get("/api/v1/recommendations/export.csv").streaming_content)
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


def public_view(recommendation) -> dict:
    """What someone not signed in reads about the recommendation, everywhere public."""
    anonymous = Client()
    detail = anonymous.get(f"/recommendations/{recommendation.pk}/").content.decode()
    rows = csv_rows(anonymous)
    feed = ET.fromstring(anonymous.get("/feeds/changes/").content)  # noqa: S314 - the app's own feed
    stats = APIClient().get("/api/v1/stats/").json()
    api_status = APIClient().get(f"/api/v1/recommendations/{recommendation.pk}/").json()["status"]
    return {
        "api_status": api_status,
        "csv_status": {row["id"]: row["status"] for row in rows}[str(recommendation.pk)],
        "feed_entries": len(feed.findall(f"{ATOM}entry")),
        "implemented": stats["by_status"].get("implemented", 0),
        "page_entries": detail.count('<li id="entry-'),
    }


@REVIEW
def test_a_proposal_is_public_nowhere_until_another_person_approves_it(people):
    recommendation = RecommendationFactory(status="not_assessed")
    before = public_view(recommendation)
    entry_id = propose(recommendation, people["staff"])

    entry = ProgressUpdate.objects.get(pk=entry_id)
    assert entry.review_state == ReviewState.PROPOSED
    assert Recommendation.objects.get(pk=recommendation.pk).status == "not_assessed"
    assert public_view(recommendation) == before
    assert before["feed_entries"] == before["implemented"] == before["page_entries"] == 0

    # Analysts see it, marked as a proposal; anonymous visitors see neither it nor its note.
    analyst_page = page(people["analyst"]).get(f"/recommendations/{recommendation.pk}/").content.decode()
    assert NOTE in analyst_page and "review-proposed" in analyst_page
    assert NOTE not in Client().get(f"/recommendations/{recommendation.pk}/").content.decode()
    listed = api(people["analyst"]).get(f"/api/v1/recommendations/{recommendation.pk}/progress/").json()
    assert [row["review_state"] for row in listed["results"]] == ["proposed"]

    response = api(people["reviewer"]).post(f"/api/v1/reviews/{entry_id}/", {"decision": "approve"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["review_state"] == "published"

    after = public_view(recommendation)
    assert after["api_status"] == after["csv_status"] == "implemented"
    assert after["feed_entries"] == after["implemented"] == after["page_entries"] == 1
    entry.refresh_from_db()
    assert entry.created_at == ProgressUpdate.objects.get(pk=entry_id).created_at  # its own dates kept


@REVIEW
def test_nobody_reviews_their_own_proposal(people):
    recommendation = RecommendationFactory()
    own = propose(recommendation, people["reviewer"])
    response = api(people["reviewer"]).post(f"/api/v1/reviews/{own}/", {"decision": "approve"}, format="json")
    assert response.status_code == 403
    # The page refuses too, and says why.
    client = page(people["reviewer"])
    token = client.get("/reviews/").context["csrf_token"]
    refused = client.post(f"/reviews/{own}/", {"decision": "approve", "csrfmiddlewaretoken": token}, follow=True)
    assert "another reviewer" in refused.content.decode() or "başqa" in refused.content.decode()
    assert ProgressUpdate.objects.get(pk=own).review_state == ReviewState.PROPOSED
    # An admin reviews it; staff without the permission and analysts cannot.
    assert (
        api(people["staff"]).post(f"/api/v1/reviews/{own}/", {"decision": "approve"}, format="json").status_code == 403
    )
    assert (
        api(people["analyst"]).post(f"/api/v1/reviews/{own}/", {"decision": "approve"}, format="json").status_code
        == 403
    )
    assert (
        api(people["admin"]).post(f"/api/v1/reviews/{own}/", {"decision": "approve"}, format="json").status_code == 200
    )


@REVIEW
def test_every_step_is_in_history_with_who_did_it(people):
    recommendation = RecommendationFactory(status="not_assessed")
    entry_id = propose(recommendation, people["staff"])
    progress_review(update_id=entry_id, decision="approve", user=people["reviewer"])

    rows = list(recommendation_history(recommendation))[1:]  # after its creation
    proposed = {
        "status_after": "implemented",
        "occurred_on": timezone.localdate().isoformat(),
        "review_state": "proposed",
    }
    assert [(row.username, row.action, row.after) for row in rows[:2]] == [
        ("aysel", "create", proposed),
        ("rauf", "update", {"review_state": "published"}),
    ]
    assert (rows[2].username, rows[2].before["status"], rows[2].after["status"]) == (
        "rauf",
        "not_assessed",
        "implemented",
    )
    assert len(rows) == 3
    assert "aysel" in rows[2].message
    history_page = page(people["analyst"]).get(f"/recommendations/{recommendation.pk}/history/").content.decode()
    assert "rauf" in history_page and "aysel" in history_page


@REVIEW
def test_return_needs_a_comment_that_its_author_then_reads(people):
    recommendation = RecommendationFactory()
    entry_id = propose(recommendation, people["staff"])
    reviewer = api(people["reviewer"])
    missing = reviewer.post(f"/api/v1/reviews/{entry_id}/", {"decision": "return"}, format="json")
    assert missing.status_code == 400 and "comment" in missing.json()
    returned = reviewer.post(
        f"/api/v1/reviews/{entry_id}/",
        {"decision": "return", "comment": "Mənbəni əlavə edin, zəhmət olmasa."},
        format="json",
    )
    assert returned.status_code == 200 and returned.json()["review_state"] == "returned"
    again = reviewer.post(f"/api/v1/reviews/{entry_id}/", {"decision": "approve"}, format="json")
    assert again.status_code == 409  # decided once

    (mine,) = api(people["staff"]).get("/api/v1/reviews/mine/").json()
    assert (mine["id"], mine["review_state"], mine["comment"], mine["reviewer"]) == (
        entry_id,
        "returned",
        "Mənbəni əlavə edin, zəhmət olmasa.",
        "rauf",
    )
    staff_page = page(people["staff"]).get("/reviews/").content.decode()
    assert "Mənbəni əlavə edin" in staff_page
    assert Recommendation.objects.get(pk=recommendation.pk).status == recommendation.status
    assert public_view(recommendation)["api_status"] == recommendation.status


@REVIEW
def test_a_proposal_dated_last_year_changes_no_as_of_answer_until_approved(people):
    this_year = timezone.localdate().year
    source = SourceFactory(report_year=this_year - 3)
    recommendation = RecommendationFactory(source=source, year_start=this_year - 3, year_end=this_year - 3)
    last_year = datetime.date(this_year - 1, 6, 1)
    day_after = datetime.date(this_year - 1, 12, 31)
    entry = progress_record(
        recommendation_id=recommendation.pk, status="in_progress", occurred_on=last_year, user=people["staff"]
    )
    stats_then = f"/api/v1/stats/?as_of={day_after.isoformat()}"

    assert status_on(recommendation.pk, day_after) == "not_assessed"
    assert APIClient().get(stats_then).json()["by_status"].get("in_progress", 0) == 0
    timeline_url = f"/api/v1/stats/timeline/?from={this_year - 1}-01-01&to={this_year - 1}-12-31"
    timeline = APIClient().get(timeline_url).json()

    progress_review(update_id=entry.pk, decision="approve", user=people["reviewer"])

    assert status_on(recommendation.pk, day_after) == "in_progress"
    assert status_on(recommendation.pk, datetime.date(this_year - 1, 5, 31)) == "not_assessed"
    assert APIClient().get(stats_then).json()["by_status"]["in_progress"] == 1
    assert (
        APIClient().get(f"/api/v1/stats/timeline/?from={this_year - 1}-01-01&to={this_year - 1}-12-31").json()
        != timeline
    )
    # Published with the day it was proposed for, and the moment it was recorded.
    published = ProgressUpdate.objects.get(pk=entry.pk)
    assert (published.occurred_on, published.created_at) == (last_year, entry.created_at)


@REVIEW
def test_the_queue_lists_what_waits_oldest_first_with_its_diff_in_a_fixed_number_of_queries(
    people, django_assert_num_queries
):
    recommendations = [RecommendationFactory(status="in_progress") for _ in range(3)]
    first, _evidence = progress_record_with_evidence(
        recommendation_id=recommendations[0].pk,
        status="implemented",
        note=NOTE,
        user=people["staff"],
        evidence=[EvidenceItem(kind="link", title="Qərar", url="https://e-qanun.az/1")],
    )
    second = progress_record(recommendation_id=recommendations[1].pk, status="not_started", user=people["admin"])
    progress_record(recommendation_id=recommendations[2].pk, status="implemented", user=people["staff"])

    reviewer_api = api(people["reviewer"])
    reviewer_api.get("/api/v1/reviews/")
    with django_assert_num_queries(3):  # entries, their published timelines, evidence (role and permission cached)
        queue = reviewer_api.get("/api/v1/reviews/").json()
    assert [row["id"] for row in queue][:2] == [first.pk, second.pk]
    assert (queue[0]["status_before"], queue[0]["status_after"], queue[0]["note"]) == (
        "in_progress",
        "implemented",
        NOTE,
    )
    assert [item["title"] for item in queue[0]["evidence"]] == ["Qərar"]

    client = page(people["reviewer"])
    client.get("/reviews/")  # the session and the user's permissions, as on any later page
    with django_assert_num_queries(10):
        response = client.get("/reviews/")
    assert response.status_code == 200
    body = response.content.decode()
    assert body.index(f"entry-{first.pk}") < body.index(f"entry-{second.pk}")
    for recommendation in recommendations:  # more proposals, with evidence: no more queries
        progress_record_with_evidence(
            recommendation_id=recommendation.pk,
            status="not_started",
            user=people["admin"],
            evidence=[EvidenceItem(kind="link", title="Əlavə", url="https://e-qanun.az/2")],
        )
    with django_assert_num_queries(10):
        assert len(client.get("/reviews/").context["waiting"]) == 6
    # The staff member sees their proposals' state, not the queue.
    staff_page = page(people["staff"]).get("/reviews/")
    assert staff_page.context["waiting"] == [] and len(staff_page.context["mine"]) == 2
    assert api(people["staff"]).get("/api/v1/reviews/").status_code == 403


@REVIEW
def test_page_approval_publishes_and_a_rejected_entry_never_counts(people):
    recommendation = RecommendationFactory(status="not_assessed")
    approved = propose(recommendation, people["staff"], status="in_progress")
    rejected = propose(recommendation, people["staff"], status="implemented")
    client = page(people["reviewer"])
    token = client.get("/reviews/").context["csrf_token"]
    assert client.post(f"/reviews/{rejected}/", {"decision": "reject", "csrfmiddlewaretoken": token}).status_code == 302
    assert (
        client.post(f"/reviews/{approved}/", {"decision": "approve", "csrfmiddlewaretoken": token}).status_code == 302
    )
    assert Recommendation.objects.get(pk=recommendation.pk).status == "in_progress"
    assert ProgressUpdate.objects.get(pk=rejected).review_state == ReviewState.REJECTED
    assert public_view(recommendation)["csv_status"] == "in_progress"


@REVIEW
def test_measure_bulk_and_admin_entries_are_proposals_too(people):
    from recommendations.measures.services import LinkedStatus, measure_create, measure_progress_record
    from recommendations.progress.bulk import progress_record_many

    recommendation, other = (RecommendationFactory(status="not_assessed") for _ in range(2))
    measure = measure_create(
        user=people["staff"], country="AZ", kind="law", title_az="Qanun", recommendation_ids=[recommendation.pk]
    )
    result = measure_progress_record(
        measure_id=measure.pk,
        status="in_progress",
        user=people["staff"],
        recommendations=[LinkedStatus(recommendation_id=recommendation.pk, status="in_progress")],
    )
    bulk = progress_record_many(recommendation_ids=[other.pk], status="implemented", user=people["staff"])
    entries = [result.update, *result.recommendation_updates, *(update for update, _ in bulk)]
    assert {ProgressUpdate.objects.get(pk=entry.pk).review_state for entry in entries} == {ReviewState.PROPOSED}
    assert set(Recommendation.objects.values_list("status", flat=True)) == {"not_assessed"}
    queue_page = page(people["reviewer"]).get("/reviews/").content.decode()
    assert f'href="/measures/{measure.pk}/"' in queue_page and "Qanun" in queue_page
    progress_review(update_id=result.update.pk, decision="approve", user=people["reviewer"])
    measure.refresh_from_db()
    assert measure.status == "in_progress"


@REVIEW
def test_reviewers_are_mailed_through_a_background_job_that_something_waits(people, mailoutbox):
    recommendation = RecommendationFactory()
    entry_id = propose(recommendation, people["staff"])
    assert len(queued_tasks("recommendations.reviews.tasks.review_waiting_mail")) == 1
    run_jobs()
    assert sorted(address for message in mailoutbox for address in message.to) == ["leyla@ngo.az", "rauf@ngo.az"]
    assert all(NOTE not in message.body for message in mailoutbox)  # notes are never mailed
    assert "/reviews/" in mailoutbox[0].body
    assert str(recommendation.pk) in mailoutbox[0].subject
    assert entry_id


def test_without_review_progress_is_public_at_once_as_before(people):
    recommendation = RecommendationFactory(status="not_assessed")
    entry_id = propose(recommendation, people["staff"])
    assert ProgressUpdate.objects.get(pk=entry_id).review_state == ReviewState.PUBLISHED
    assert public_view(recommendation)["csv_status"] == "implemented"
    assert not ChangeRecord.objects.filter(message__contains="proposed").exists()
    assert not Evidence.objects.exists()


@REVIEW
def test_the_database_lets_a_proposal_leave_proposed_once_and_nothing_else_change(people):
    recommendation = RecommendationFactory()
    published = progress_record(recommendation_id=recommendation.pk, status="in_progress", user=None)
    proposal = progress_record(recommendation_id=recommendation.pk, status="implemented", user=people["staff"])
    rows = ProgressUpdate._base_manager

    def refused(pk, **changes) -> bool:
        try:
            with transaction.atomic():
                rows.filter(pk=pk).update(**changes)
        except DatabaseError:
            return True
        return False

    assert published.review_state == ReviewState.PUBLISHED  # the system's entries need no review
    assert refused(published.pk, review_state="rejected")
    assert refused(proposal.pk, review_state="published", note="başqa qeyd")
    assert refused(proposal.pk, review_state="published", occurred_on=datetime.date(2000, 1, 1))
    assert not refused(proposal.pk, review_state="rejected")
    assert refused(proposal.pk, review_state="published")  # decided once
    assert ProgressUpdate.objects.get(pk=proposal.pk).review_state == ReviewState.REJECTED


@REVIEW
@pytest.mark.parametrize(
    ("role", "queue", "decide"),
    [("anonymous", 302, 302), ("analyst", 403, 403), ("staff", 200, 403), ("reviewer", 200, 302), ("admin", 200, 302)],
)
def test_the_review_pages_by_role(people, role, queue, decide):
    recommendation = RecommendationFactory()
    proposal = progress_record(
        recommendation_id=recommendation.pk, status="implemented", user=UserFactory(role="ngo_staff")
    )
    client = Client() if role == "anonymous" else page(people[role])
    client.handler.enforce_csrf_checks = False
    assert client.get("/reviews/").status_code == queue
    assert client.post(f"/reviews/{proposal.pk}/", {"decision": "reject"}).status_code == decide
    decided = ProgressUpdate.objects.get(pk=proposal.pk).review_state
    assert decided == (ReviewState.REJECTED if role in ("reviewer", "admin") else ReviewState.PROPOSED)


@REVIEW
def test_a_proposal_sent_twice_from_the_page_is_proposed_once(people):
    recommendation = RecommendationFactory()
    client = page(people["staff"])
    token = client.get(f"/recommendations/{recommendation.pk}/").context["csrf_token"]
    form = {**submission(recommendation), "csrfmiddlewaretoken": token}
    first = client.post(f"/recommendations/{recommendation.pk}/progress/", form, follow=True)
    assert "Nəzərdən keçirmə gözləyir" in first.content.decode()  # not taken for a public change
    again = client.post(f"/recommendations/{recommendation.pk}/progress/", form, follow=True)
    assert again.status_code == 200
    (entry,) = ProgressUpdate.objects.filter(recommendation=recommendation)
    assert entry.review_state == ReviewState.PROPOSED
    assert Evidence.objects.get().progress_update == entry  # its evidence waits with it


def xlsx_sheets(client) -> dict[str, list[tuple]]:
    body = b"".join(client.get("/api/v1/recommendations/export.xlsx").streaming_content)
    workbook = load_workbook(io.BytesIO(body), read_only=True)
    return {name: list(workbook[name].iter_rows(values_only=True))[1:] for name in ("recommendations", "progress")}


@REVIEW
def test_the_xlsx_export_and_follower_mail_wait_for_approval(people):
    recommendation = RecommendationFactory(status="not_assessed")
    follow_set(user=people["analyst"], recommendation_id=recommendation.pk, following=True)
    entry_id = propose(recommendation, people["staff"])
    mails = "recommendations.notifications.tasks.status_change_mail"

    sheets = xlsx_sheets(api(people["analyst"]))  # even an analyst's export: published entries only
    assert sheets["progress"] == [] and NOTE not in str(sheets)
    assert not queued_tasks(mails)

    assert decide(people["reviewer"], entry_id, "approve").status_code == 200
    (row,) = xlsx_sheets(api(people["analyst"]))["progress"]
    assert row[0] == entry_id and NOTE in row
    assert len(queued_tasks(mails)) == 1


@REVIEW
def test_the_review_permission_is_given_in_the_admin_like_any_other(people):
    member = UserFactory(username="nigar", role="ngo_staff")
    client = admin_client(people["admin"])
    url = f"/admin/auth/user/{member.pk}/change/"
    assert "Can review proposed progress" in client.get(url).content.decode()
    permission = Permission.objects.get(codename="review_progress")
    saved = submit(client, url, {**open_form(client, url), "user_permissions": [permission.pk]})
    assert saved.status_code == 302
    recommendation = RecommendationFactory()
    entry_id = propose(recommendation, people["staff"])
    assert decide(type(member).objects.get(pk=member.pk), entry_id, "approve").status_code == 200


@REVIEW
def test_the_author_is_mailed_the_decision_without_the_comment(people, mailoutbox):
    recommendation = RecommendationFactory()
    entry_id = propose(recommendation, people["staff"])
    run_jobs()  # the reviewers' mail
    mailoutbox.clear()
    comment = "Qurbanın adını qeyddən çıxarın — gizli-şərh-2210"
    assert decide(people["reviewer"], entry_id, "return", comment).status_code == 200
    assert len(queued_tasks("recommendations.reviews.tasks.review_decision_mail")) == 1
    run_jobs()
    (message,) = mailoutbox
    assert message.to == ["aysel@ngo.az"] and str(entry_id) in message.subject
    assert comment not in message.body and NOTE not in message.body  # both stay on the page
    assert "/reviews/" in message.body
