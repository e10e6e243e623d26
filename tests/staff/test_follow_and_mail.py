"""Following, mail on status changes and the reminder digest, with Django's file-based mail
backend (what an operator would point EMAIL_FILE_PATH at): the right people get the right
mails, none twice, and no note or evidence reaches someone who may not read notes."""

import datetime
import email
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from recommendations.catalog.services import recommendation_update
from recommendations.evidence.services import evidence_add
from recommendations.follows.services import follow_set
from recommendations.progress.services import EvidenceItem, progress_record, progress_record_with_evidence
from recommendations.withdrawal.services import recommendation_withdraw
from tests.factories import PASSWORD, RecommendationFactory, SourceFactory, UserFactory
from tests.jobs import JOBS_DB, queued_tasks, run_jobs

MAIL_TASK = "recommendations.notifications.tasks.status_change_mail"
NOTE = "Qurbanın ünvanı: Şəki, gizli sığınacaq."


@pytest.fixture
def mail_dir(settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    settings.SITE_URL = "https://tracker.example.az"
    return Path(settings.EMAIL_FILE_PATH)


def mails(mail_dir: Path) -> list[email.message.Message]:
    """Every message written so far, oldest first (one file may hold several)."""
    found = []
    for path in sorted(mail_dir.glob("*.log"), key=lambda p: p.stat().st_mtime_ns) if mail_dir.exists() else []:
        for chunk in path.read_bytes().split(b"-" * 79 + b"\n"):
            if chunk.strip():
                found.append(email.message_from_bytes(chunk))
    return found


def body(message) -> str:
    payload = message.get_payload(decode=True)
    return payload.decode(message.get_content_charset() or "utf-8")


def subject(message) -> str:
    return str(email.header.make_header(email.header.decode_header(message["Subject"])))


@pytest.fixture
def people(db):
    return {
        "staff": UserFactory(username="aysel", role="ngo_staff", email="aysel@ngo.az"),
        "analyst": UserFactory(username="elvin", role="analyst", email="elvin@ngo.az"),
        "reader": UserFactory(username="partner", email="partner@example.org"),  # no role: no notes
        "no_mail": UserFactory(username="nomail", role="analyst", email=""),
        "bystander": UserFactory(username="other", role="analyst", email="other@ngo.az"),
        "recorder": UserFactory(username="qeyd", role="ngo_staff", email="qeyd@ngo.az"),
    }


@JOBS_DB
def test_a_status_change_mails_every_follower_once_and_notes_only_to_readers(mail_dir, people):
    source = SourceFactory()
    recommendation = RecommendationFactory(source=source)
    RecommendationFactory(source=source)  # another of the same source
    follow_set(user=people["staff"], recommendation_id=recommendation.pk, following=True)
    follow_set(user=people["analyst"], source_id=source.pk, following=True)
    follow_set(user=people["analyst"], recommendation_id=recommendation.pk, following=True)  # both: still one mail
    follow_set(user=people["reader"], recommendation_id=recommendation.pk, following=True)
    follow_set(user=people["no_mail"], recommendation_id=recommendation.pk, following=True)
    follow_set(user=people["recorder"], recommendation_id=recommendation.pk, following=True)  # makes the change

    progress_record_with_evidence(
        recommendation_id=recommendation.pk,
        status="in_progress",
        note=NOTE,
        occurred_on=datetime.date(2026, 10, 1),
        evidence=[EvidenceItem(kind="link", title="Qərarın mətni", url="https://e-qanun.az/1")],
        user=people["recorder"],
    )
    # Queued with the change, sent by the worker: nothing was mailed while recording it.
    assert len(queued_tasks(MAIL_TASK)) == 1 and mails(mail_dir) == []
    run_jobs()

    sent = {message["To"]: message for message in mails(mail_dir)}
    assert sorted(sent) == ["aysel@ngo.az", "elvin@ngo.az", "partner@example.org"]
    for address, message in sent.items():
        assert subject(message) == f"Tövsiyə {recommendation.pk}: Qiymətləndirilməyib → İcra olunur", address
        text = body(message)
        assert f"https://tracker.example.az/recommendations/{recommendation.pk}/#entry-" in text
        assert "1 oktyabr 2026" in text
    # Notes and evidence titles may describe victims: never in a mail (issue 30 §4), a link to
    # the page instead; readers of notes learn who recorded it and that a note came with it.
    for message in sent.values():
        assert NOTE not in body(message) and "Qərarın mətni" not in body(message)
    for reader in ("aysel@ngo.az", "elvin@ngo.az"):
        assert "qeyd" in body(sent[reader]) and "qeydlə" in body(sent[reader]).lower()
    partner = body(sent["partner@example.org"])
    assert "qeyd" not in partner

    # A progress entry without a status change, or another recommendation, mails nobody.
    progress_record(recommendation_id=recommendation.pk, status="in_progress", note="Əlavə", user=people["staff"])
    evidence_add(recommendation_id=recommendation.pk, kind="link", title="X", url="https://a.az/", user=people["staff"])
    assert queued_tasks(MAIL_TASK) == []
    run_jobs()
    assert len(mails(mail_dir)) == 3


@JOBS_DB
def test_a_withdrawn_recommendation_is_mailed_only_to_followers_who_may_open_it(mail_dir, people):
    recommendation = RecommendationFactory()
    for person in ("analyst", "reader", "staff"):
        follow_set(user=people[person], recommendation_id=recommendation.pk, following=True)
    recommendation_withdraw(recommendation_id=recommendation.pk, reason="Təkrar idxal", user=people["recorder"])
    progress_record(recommendation_id=recommendation.pk, status="in_progress", user=people["recorder"])
    run_jobs()
    assert sorted(message["To"] for message in mails(mail_dir)) == ["aysel@ngo.az", "elvin@ngo.az"]


@JOBS_DB
def test_a_rolled_back_change_mails_nobody(mail_dir, people):
    from recommendations.progress.services import EvidenceItemInvalid

    recommendation = RecommendationFactory()
    follow_set(user=people["analyst"], recommendation_id=recommendation.pk, following=True)
    with pytest.raises(EvidenceItemInvalid):
        progress_record_with_evidence(
            recommendation_id=recommendation.pk,
            status="implemented",
            evidence=[EvidenceItem(kind="link", title="Boş", url="")],
            user=people["staff"],
        )
    assert queued_tasks(MAIL_TASK) == []
    run_jobs()
    assert mails(mail_dir) == []


def test_follow_and_unfollow_on_the_page(people):
    recommendation = RecommendationFactory()
    client = Client()
    client.force_login(people["reader"])
    page = client.get(f"/recommendations/{recommendation.pk}/").content.decode()
    assert "İzlə</button>" in page
    url = f"/recommendations/{recommendation.pk}/follow/"
    assert client.post(url, {"target": "recommendation", "following": "1"}).status_code == 302
    assert client.post(url, {"target": "recommendation", "following": "1"}).status_code == 302  # twice: once
    assert client.post(url, {"target": "source", "following": "1"}).status_code == 302
    assert people["reader"].follows.count() == 2
    work = client.get("/work/").content.decode()
    assert f'data-id="{recommendation.pk}"' in work and recommendation.source.title in work
    assert client.post(url, {"target": "recommendation", "following": "0"}).status_code == 302
    assert people["reader"].follows.count() == 1
    anonymous = Client().post(url, {"target": "recommendation", "following": "1"})
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/login/")


def test_a_new_address_needs_the_password_and_a_link_opened_from_it(people, mail_dir):
    """Issue 30 §4: the address changed with no password and no confirmation, and the next
    mail went to it. Now the current password is asked, and the address is used only once the
    link mailed to it is opened by the same user, signed in."""
    user = people["analyst"]
    client = Client()
    client.force_login(user)
    assert client.post("/profile/", {"email": "not-an-address", "current_password": PASSWORD}).status_code == 400
    for password in ("", "wrong password here"):
        refused = client.post("/profile/", {"email": "yeni@ngo.az", "current_password": password})
        assert refused.status_code == 400 and "current_password" in refused.context["form"].errors
    assert mails(mail_dir) == []

    assert client.post("/profile/", {"email": "Yeni@NGO.az", "current_password": PASSWORD}).status_code == 302
    user.refresh_from_db()
    assert user.email == "elvin@ngo.az"  # not yet
    (sent,) = mails(mail_dir)
    assert sent["To"] == "Yeni@ngo.az"
    link = next(line for line in body(sent).splitlines() if "/profile/email/" in line).strip()
    path = link.removeprefix("https://tracker.example.az")

    stranger = Client()
    stranger.force_login(people["bystander"])
    assert stranger.post(path).status_code == 400
    assert Client().get(path).status_code == 302  # signed out: to the sign-in page
    assert client.post(path[:-5] + "xxxx/").status_code == 400  # altered
    shown = client.get(path)
    assert shown.status_code == 200 and "Yeni@ngo.az" in shown.content.decode()
    user.refresh_from_db()
    assert user.email == "elvin@ngo.az"  # opening the link (a mail scanner does) changes nothing

    assert client.post(path).status_code == 302
    user.refresh_from_db()
    assert user.email == "Yeni@ngo.az"
    assert client.post(path).status_code == 400  # once only


def test_mail_is_turned_off_with_the_password_alone(people, mail_dir):
    client = Client()
    client.force_login(people["staff"])
    assert client.post("/profile/", {"email": "", "current_password": "not the password"}).status_code == 400
    assert client.post("/profile/", {"email": "", "current_password": PASSWORD}).status_code == 302
    people["staff"].refresh_from_db()
    assert people["staff"].email == ""
    assert mails(mail_dir) == []
    assert Client().get("/profile/").status_code == 302


def test_add_user_takes_an_email(db):
    from django.contrib.auth import get_user_model

    call_command("add_user", "leyla", "--role", "ngo_staff", "--email", "leyla@ngo.az", stdout=StringIO())
    assert get_user_model().objects.get(username="leyla").email == "leyla@ngo.az"


@pytest.fixture
def due_work(people, settings):
    settings.REMINDER_STALE_DAYS = 180
    today = timezone.localdate()
    admin = UserFactory(role="admin")
    overdue = RecommendationFactory(action="Gecikmiş tövsiyə")
    soon = RecommendationFactory(action="Tezliklə vaxtı çatan tövsiyə")
    later = RecommendationFactory(action="Hələ vaxtı var")
    done = RecommendationFactory(action="Artıq icra olunub")
    for item, due in ((overdue, -5), (soon, 10), (later, 200), (done, -30)):
        recommendation_update(
            recommendation_id=item.pk, data={"due_on": today + datetime.timedelta(days=due)}, user=admin
        )
    progress_record(recommendation_id=done.pk, status="implemented", user=admin)
    progress_record(recommendation_id=later.pk, status="in_progress", user=admin)
    for item in (overdue, soon, later, done):
        follow_set(user=people["staff"], recommendation_id=item.pk, following=True)
    follow_set(user=people["reader"], recommendation_id=later.pk, following=True)
    return {"overdue": overdue, "soon": soon, "later": later, "done": done, "today": today}


def test_reminders_digest_once_per_follower_and_never_twice(mail_dir, people, due_work):
    out = StringIO()
    call_command("send_reminders", "--dry-run", stdout=out)
    assert "Would send 1 digests (2 reminders)." in out.getvalue()
    assert "Gecikmiş tövsiyə" in out.getvalue()
    assert mails(mail_dir) == []  # a dry run sends nothing

    call_command("send_reminders", stdout=StringIO())
    (digest,) = mails(mail_dir)
    assert digest["To"] == "aysel@ngo.az"
    text = body(digest)
    assert "Gecikmiş tövsiyə" in text and "Tezliklə vaxtı çatan tövsiyə" in text
    assert "Hələ vaxtı var" not in text and "Artıq icra olunub" not in text
    assert text.index("Gecikib") < text.index("Gecikmiş tövsiyə") < text.index("30 gün ərzində")

    # The same day again: nothing new, nothing sent.
    out = StringIO()
    call_command("send_reminders", stdout=out)
    assert "Sent 0 digests" in out.getvalue()
    assert len(mails(mail_dir)) == 1


def test_stale_followed_work_is_reminded_after_the_configured_days(mail_dir, people, due_work, settings):
    settings.REMINDER_STALE_DAYS = 0  # everything without progress today is stale
    call_command("send_reminders", stdout=StringIO())
    by_address = {message["To"]: body(message) for message in mails(mail_dir)}
    assert "Hələ vaxtı var" in by_address["partner@example.org"]
    assert "Uzun müddətdir irəliləyiş yoxdur" in by_address["partner@example.org"]


def test_a_new_due_date_makes_a_new_reminder(mail_dir, people, due_work):
    call_command("send_reminders", stdout=StringIO())
    recommendation_update(
        recommendation_id=due_work["overdue"].pk,
        data={"due_on": due_work["today"] - datetime.timedelta(days=1)},
        user=UserFactory(role="admin"),
    )
    call_command("send_reminders", stdout=StringIO())
    _first, second = mails(mail_dir)
    assert "Gecikmiş tövsiyə" in body(second) and "Tezliklə" not in body(second)
