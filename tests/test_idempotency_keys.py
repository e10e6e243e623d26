"""A client whose connection dropped after a POST retries it with the same Idempotency-Key:
the work is done once (one log entry, one history row, one feed entry, one mail) and the
retry gets the first answer back."""

import datetime
import json
import threading
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET

import pytest
from django.core import mail
from django.db import OperationalError
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from recommendations.api import views
from recommendations.follows.services import follow_set
from recommendations.idempotency.models import IdempotentRequest
from recommendations.models import Evidence, ProgressUpdate
from recommendations.users.tokens import token_issue

from .factories import RecommendationFactory, UserFactory
from .jobs import run_jobs

ATOM = "{http://www.w3.org/2005/Atom}"
BODY = {"status": "in_progress", "note": "Nazirliklə görüş keçirildi; işçi qrupu yaradıldı."}


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_issue(user=user)}", HTTP_ACCEPT_LANGUAGE="en")
    return client


@pytest.fixture
def staff(db):
    return UserFactory(username="aysel", role="ngo_staff", email="aysel@ngo.az")


@pytest.fixture
def follower(db, recommendation):
    user = UserFactory(username="elvin", role="analyst", email="elvin@ngo.az")
    follow_set(user=user, recommendation_id=recommendation.pk, following=True)
    return user


def progress_url(recommendation) -> str:
    return f"/api/v1/recommendations/{recommendation.pk}/progress/"


def post(client, url, body, key, **extra):
    return client.post(url, json.dumps(body), content_type="application/json", HTTP_IDEMPOTENCY_KEY=key, **extra)


def feed_entries() -> int:
    root = ET.fromstring(Client().get("/feeds/changes/").content)  # noqa: S314 - the app's own feed
    return len(root.findall(f"{ATOM}entry"))


def test_a_retried_progress_post_records_once_and_replays_the_first_answer(staff, follower, recommendation):
    client = token_client(staff)
    first = post(client, progress_url(recommendation), BODY, "a1b2c3-retry")
    retry = post(client, progress_url(recommendation), BODY, "a1b2c3-retry")
    run_jobs()  # the followers' mail, queued once with the one entry

    assert first.status_code == 201
    assert retry.status_code == 201
    assert retry.content == first.content
    assert retry["ETag"] == first["ETag"]
    assert retry["Content-Type"] == first["Content-Type"]
    assert retry["Idempotent-Replayed"] == "true"
    assert not first.has_header("Idempotent-Replayed")
    assert ProgressUpdate.objects.filter(recommendation=recommendation).count() == 1
    assert client.get(progress_url(recommendation)).json()["results"] == [first.json()]
    history = client.get(f"/api/v1/recommendations/{recommendation.pk}/history/").json()["results"]
    assert len([row for row in history if row["action"] == "update"]) == 1
    assert feed_entries() == 1
    assert [message.to for message in mail.outbox] == [["elvin@ngo.az"]]


def test_without_a_key_a_retry_is_a_second_entry(staff, recommendation):
    """What the header is for: the API cannot tell a retry from a new entry without it."""
    client = token_client(staff)
    for _attempt in range(2):
        assert client.post(progress_url(recommendation), BODY, format="json").status_code == 201
    assert ProgressUpdate.objects.filter(recommendation=recommendation).count() == 2


def test_the_same_key_with_another_body_or_path_is_a_422_naming_the_header(staff, recommendation):
    client = token_client(staff)
    assert post(client, progress_url(recommendation), BODY, "key-1").status_code == 201
    other_body = post(client, progress_url(recommendation), {**BODY, "note": "Başqa qeyd"}, "key-1")
    other_path = post(client, progress_url(RecommendationFactory()), BODY, "key-1")
    for response in (other_body, other_path):
        assert response.status_code == 422
        assert response.json()["code"] == "idempotency_key_reused"
        assert "Idempotency-Key" in response.json()
    assert ProgressUpdate.objects.count() == 1


def test_another_users_same_key_is_independent(staff, recommendation):
    colleague = UserFactory(role="ngo_staff")
    mine = post(token_client(staff), progress_url(recommendation), BODY, "shared-key")
    theirs = post(
        token_client(colleague), progress_url(recommendation), {**BODY, "status": "implemented"}, "shared-key"
    )
    assert mine.status_code == 201 and theirs.status_code == 201
    assert theirs.json()["status_after"] == "implemented"
    assert not theirs.has_header("Idempotent-Replayed")
    assert ProgressUpdate.objects.filter(recommendation=recommendation).count() == 2


@pytest.mark.parametrize("key", ["", "   ", "k" * 256, "açar\x7f"])
def test_a_bad_key_is_a_400_naming_the_header_and_nothing_is_done(staff, recommendation, key):
    response = post(token_client(staff), progress_url(recommendation), BODY, key)
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()
    assert not ProgressUpdate.objects.exists()


def test_a_key_of_255_characters_is_accepted(staff, recommendation):
    assert post(token_client(staff), progress_url(recommendation), BODY, "k" * 255).status_code == 201


def test_a_final_refusal_is_replayed(staff, recommendation):
    client = token_client(staff)
    stale = post(client, progress_url(recommendation), BODY, "stale-1", HTTP_IF_MATCH='"0-en"')
    assert stale.status_code == 412
    again = post(client, progress_url(recommendation), BODY, "stale-1")  # no If-Match now: same body
    assert again.status_code == 412 and again["Idempotent-Replayed"] == "true"
    assert again.content == stale.content
    assert not ProgressUpdate.objects.exists()


def test_a_5xx_is_not_stored_and_the_retry_does_the_work(staff, recommendation, monkeypatch):
    real = views.progress_record

    def database_down(**kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    client = token_client(staff)
    monkeypatch.setattr(views, "progress_record", database_down)
    assert post(client, progress_url(recommendation), BODY, "flaky-1").status_code == 503
    monkeypatch.setattr(views, "progress_record", real)
    retry = post(client, progress_url(recommendation), BODY, "flaky-1")
    assert retry.status_code == 201 and not retry.has_header("Idempotent-Replayed")
    assert ProgressUpdate.objects.count() == 1


def test_keys_expire_after_a_day(staff, recommendation):
    client = token_client(staff)
    assert post(client, progress_url(recommendation), BODY, "old-key").status_code == 201
    IdempotentRequest.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    again = post(client, progress_url(recommendation), BODY, "old-key")
    assert again.status_code == 201 and not again.has_header("Idempotent-Replayed")
    assert ProgressUpdate.objects.count() == 2
    assert IdempotentRequest.objects.count() == 1  # the expired one swept


def test_a_retried_multipart_upload_with_a_new_boundary_is_the_same_request(staff, recommendation):
    client = token_client(staff)
    url = f"/api/v1/recommendations/{recommendation.pk}/evidence/"
    # Over the 2 MB kept in memory: the body is read to disk to be fingerprinted, then parsed.
    pdf = b"%PDF-1.4\n" + b"% padding\n" * 300_000 + b"1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

    def upload(boundary: str):
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\nfile\r\n'
                f'--{boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\nHesabat\r\n'
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="h.pdf"\r\n'
                "Content-Type: application/pdf\r\n\r\n"
            ).encode()
            + pdf
            + f"\r\n--{boundary}--\r\n".encode()
        )
        return client.post(
            url, body, content_type=f"multipart/form-data; boundary={boundary}", HTTP_IDEMPOTENCY_KEY="upload-1"
        )

    first = upload("a" * 30)
    retry = upload("b" * 30)
    assert first.status_code == 201, first.content
    assert retry.status_code == 201 and retry.content == first.content
    assert Evidence.objects.count() == 1
    assert first.json()["file_size"] == len(pdf)


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_with_one_key_record_once(api_server):
    recommendation = RecommendationFactory()
    token = token_issue(user=UserFactory(role="ngo_staff"))
    url = f"{api_server}{progress_url(recommendation)}"
    barrier = threading.Barrier(2)
    results = []

    def send():
        request = urllib.request.Request(  # noqa: S310 - loopback live server
            url,
            data=json.dumps(BODY).encode(),
            method="POST",
            headers={"Authorization": f"Token {token}", "Content-Type": "application/json", "Idempotency-Key": "same"},
        )
        barrier.wait(timeout=30)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                results.append((response.status, response.read(), response.headers.get("Idempotent-Replayed")))
        except urllib.error.HTTPError as error:
            results.append((error.code, error.read(), None))

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(status for status, _body, _replayed in results) == [201, 201], results
    assert results[0][1] == results[1][1]
    assert sorted(str(replayed) for _status, _body, replayed in results) == ["None", "true"]
    assert ProgressUpdate.objects.filter(recommendation=recommendation).count() == 1


def test_a_retried_status_patch_records_once(staff, recommendation):
    client = token_client(staff)
    url = f"/api/v1/recommendations/{recommendation.pk}/"
    body = {"status": "implemented", "note": "Qanun qəbul edilib"}
    first = client.patch(url, json.dumps(body), content_type="application/json", HTTP_IDEMPOTENCY_KEY="patch-1")
    retry = client.patch(url, json.dumps(body), content_type="application/json", HTTP_IDEMPOTENCY_KEY="patch-1")
    assert first.status_code == 200 and retry.status_code == 200
    assert retry.content == first.content and retry["Idempotent-Replayed"] == "true"
    assert ProgressUpdate.objects.filter(recommendation=recommendation).count() == 1


def test_the_schema_declares_the_header_on_every_keyed_write():
    schema = APIClient().get("/api/schema/?format=json").json()
    keyed = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            names = {parameter["name"] for parameter in operation.get("parameters", [])}
            if method in ("post", "patch") and path != "/api/v1/auth/token/":
                assert "Idempotency-Key" in names, (method, path)
                assert "422" in operation["responses"], (method, path)
                keyed.append(operation["operationId"])
            else:
                assert "Idempotency-Key" not in names, (method, path)
    assert "recommendations_progress_create" in keyed and "recommendations_evidence_create" in keyed


def test_a_signed_in_sign_in_is_never_replayed_from_storage(staff):
    """The token answer is a secret: a key on the sign-in is ignored, even with a session."""
    body = {"username": "aysel", "password": "a-long-enough-password-1"}
    staff.set_password(body["password"])
    staff.save()
    client = APIClient()
    client.force_login(staff)
    first = post(client, "/api/v1/auth/token/", body, "sign-in-1")
    second = post(client, "/api/v1/auth/token/", body, "sign-in-1")
    assert first.status_code == second.status_code == 200, first.content
    assert first.json()["token"] != second.json()["token"]
    assert not IdempotentRequest.objects.exists()
