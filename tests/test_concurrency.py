"""Many NGO offices reporting on the same recommendation at the same moment.

32 threads post progress to one recommendation through a live server, with real sockets and
Token auth; half send the same If-Match (the version they all read). Whatever order the
database serialises them in, no accepted update may be lost or doubled, no refused one may
leave a trace, and the log must read as one chain of status changes.
"""

import json
import threading
import urllib.error
import urllib.request
from collections import Counter

import pytest

from recommendations.choices import Status
from recommendations.models import ChangeRecord, ProgressUpdate, Recommendation
from recommendations.users.tokens import token_issue

from .factories import RecommendationFactory, UserFactory

WRITERS = 32
STATUS_CYCLE = [Status.NOT_STARTED, Status.IN_PROGRESS, Status.PARTIALLY_IMPLEMENTED, Status.IMPLEMENTED]


def post_progress(url: str, token: str, body: dict, if_match: str | None) -> tuple[int, dict, str | None]:
    headers = {"Authorization": f"Token {token}", "Content-Type": "application/json", "Accept-Language": "en"}
    if if_match:
        headers["If-Match"] = if_match
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers=headers, method="POST")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback live server
            return response.status, parsed(response.read()), response.headers.get("ETag")
    except urllib.error.HTTPError as error:
        return error.code, parsed(error.read()), error.headers.get("ETag")


def parsed(content: bytes) -> dict:
    try:
        return json.loads(content)
    except ValueError:
        return {"not json": content[:300].decode(errors="replace")}


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_progress_is_serialised_without_loss(api_server):
    recommendation = RecommendationFactory()
    start = Recommendation.objects.get(pk=recommendation.pk)
    read_etag = start.etag
    tokens = [token_issue(user=UserFactory(role="ngo_staff")) for _ in range(4)]
    tokens.append(token_issue(user=UserFactory(role="admin")))
    url = f"{api_server}/api/v1/recommendations/{recommendation.pk}/progress/"

    barrier = threading.Barrier(WRITERS)
    results: dict[int, tuple[int, dict, str | None]] = {}

    def writer(number: int) -> None:
        body = {"status": STATUS_CYCLE[number % len(STATUS_CYCLE)], "note": f"writer-{number}"}
        if_match = read_etag if number % 2 == 0 else None
        barrier.wait(timeout=30)
        results[number] = post_progress(url, tokens[number % len(tokens)], body, if_match)

    threads = [threading.Thread(target=writer, args=(number,)) for number in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a writer hung"
    assert len(results) == WRITERS

    statuses = Counter(status for status, _body, _etag in results.values())
    assert set(statuses) <= {201, 412}, [result for result in results.values() if result[0] not in (201, 412)][:3]
    accepted = {number: result for number, result in results.items() if result[0] == 201}
    refused = {number: result for number, result in results.items() if result[0] == 412}
    conditional = [number for number in results if number % 2 == 0]
    # Writers without If-Match are never refused; of those sharing one If-Match, at most the
    # first to get the lock can win, and only if it came before every unconditional writer.
    assert all(results[number][0] == 201 for number in results if number % 2 == 1)
    assert sum(1 for number in conditional if number in accepted) <= 1

    # Every 201 is in the log exactly once; every 412 left nothing.
    rows = list(ProgressUpdate.objects.filter(recommendation=recommendation).order_by("id"))
    notes = Counter(row.note for row in rows)
    assert all(notes[f"writer-{number}"] == 1 for number in accepted)
    assert all(notes[f"writer-{number}"] == 0 for number in refused)
    assert len(rows) == len(accepted)
    assert {body["id"] for _status, body, _etag in accepted.values()} == {row.pk for row in rows}
    for _code, body, current_etag in refused.values():
        assert "changed since you read it" in body["detail"]
        assert current_etag and current_etag != read_etag

    # The log is one chain: each update starts from the status the previous one left.
    chain_start = start.status
    for row in rows:
        assert row.status_before == chain_start
        chain_start = row.status_after

    # The version (and so the ETag) moved exactly once per accepted update, each 201 saw a
    # distinct one, and the last of them carries the final status.
    final = Recommendation.objects.get(pk=recommendation.pk)
    assert final.version == start.version + len(accepted)
    etags = [etag for _status, _body, etag in accepted.values()]
    assert sorted(etags) == sorted(
        # The requests ask for English: the tag names the version and the body's language.
        f'"r{final.pk}v{version}-en"'
        for version in range(start.version + 1, final.version + 1)
    )
    last_body = next(body for _status, body, etag in accepted.values() if etag == f'"r{final.pk}v{final.version}-en"')
    assert final.status == last_body["status_after"] == rows[-1].status_after

    # History and progress agree: one history row per update that changed the status.
    history = list(
        ChangeRecord.objects.filter(
            object_type__model="recommendation", object_id=recommendation.pk, action=ChangeRecord.Action.UPDATE
        ).order_by("id")
    )
    changing = [row for row in rows if row.status_before != row.status_after]
    assert [(entry.before["status"], entry.after["status"]) for entry in history] == [
        (row.status_before, row.status_after) for row in changing
    ]
    assert [entry.message for entry in history] == [f"Progress update #{row.pk}" for row in changing]
