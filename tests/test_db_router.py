"""Reads to replicas, writes and the reads that must see them to the primary."""

import pytest
from django.db import transaction

from recommendations.models import Recommendation
from tracker.db_router import PrimaryPinMiddleware, PrimaryReplicaRouter, begin_request, end_request, replica_databases


@pytest.fixture
def router():
    begin_request("GET")
    yield PrimaryReplicaRouter(replicas=["replica1", "replica2"])
    end_request()


def test_replica_urls_become_database_aliases_that_mirror_the_primary_in_tests():
    primary = {
        "ENGINE": "tracker.database",
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": {"connect_timeout": 5},
    }
    replicas = replica_databases(
        " postgres://reader@10.0.0.2:5432/tracker, postgres://reader@10.0.0.3:5433/tracker ", primary
    )
    assert list(replicas) == ["replica1", "replica2"]
    assert replicas["replica2"]["PORT"] == 5433
    assert replicas["replica1"]["HOST"] == "10.0.0.2"
    assert replicas["replica1"]["CONN_MAX_AGE"] == 60
    assert replicas["replica1"]["CONN_HEALTH_CHECKS"] is True
    assert replicas["replica1"]["OPTIONS"] == {"connect_timeout": 5}
    assert replicas["replica1"]["TEST"] == {"MIRROR": "default"}
    assert replicas["replica1"]["ENGINE"] == "tracker.database"  # the primary's backend, health check included
    assert replica_databases("", primary) == {}


@pytest.mark.django_db(transaction=True)
def test_reads_outside_a_transaction_go_to_a_replica(router):
    assert {router.db_for_read(Recommendation) for _ in range(50)} == {"replica1", "replica2"}


@pytest.mark.django_db(transaction=True)
def test_reads_inside_a_transaction_go_to_the_primary(router):
    with transaction.atomic():
        assert router.db_for_read(Recommendation) == "default"
    assert router.db_for_read(Recommendation) != "default"


@pytest.mark.django_db(transaction=True)
def test_after_a_write_the_rest_of_the_request_reads_the_primary(router):
    assert router.db_for_write(Recommendation) == "default"
    assert router.db_for_read(Recommendation) == "default"
    end_request()
    begin_request("GET")
    assert router.db_for_read(Recommendation) != "default"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("method", ["POST", "PATCH", "PUT", "DELETE"])
def test_requests_that_write_read_the_primary_from_the_start(router, method):
    begin_request(method)
    assert router.db_for_read(Recommendation) == "default"


@pytest.mark.django_db(transaction=True)
def test_without_replicas_everything_is_the_primary():
    router = PrimaryReplicaRouter(replicas=[])
    assert router.db_for_read(Recommendation) == "default"
    assert router.db_for_write(Recommendation) == "default"


def test_only_the_primary_is_migrated():
    router = PrimaryReplicaRouter(replicas=["replica1"])
    assert router.allow_migrate("default", "recommendations") is True
    assert router.allow_migrate("replica1", "recommendations") is False
    assert router.allow_relation(object(), object()) is True


def test_each_asgi_request_has_its_own_pin():
    """Under ASGI one thread serves many requests: a write in one must not pin another."""
    import asyncio

    from asgiref.sync import sync_to_async

    router = PrimaryReplicaRouter(replicas=["replica1"])
    seen = {}

    async def request(name, method, writes):
        # Django runs a sync middleware and the view through sync_to_async, on one thread.
        await sync_to_async(begin_request)(method)
        if writes:
            await sync_to_async(router.db_for_write)(Recommendation)
        await asyncio.sleep(0.01)  # the other requests run meanwhile, on the same thread
        seen[name] = await sync_to_async(router.db_for_read)(Recommendation)

    async def together():
        await asyncio.gather(
            request("writer", "GET", True), request("reader", "GET", False), request("post", "POST", False)
        )

    asyncio.run(together())
    assert seen == {"writer": "default", "reader": "replica1", "post": "default"}


@pytest.mark.parametrize(("method", "expected"), [("GET", "replica1"), ("POST", "default"), ("DELETE", "default")])
def test_the_middleware_pins_a_request_meant_to_write_and_frees_the_next(rf, method, expected):
    router = PrimaryReplicaRouter(replicas=["replica1"])
    middleware = PrimaryPinMiddleware(lambda request: router.db_for_read(Recommendation))
    assert middleware(getattr(rf, method.lower())("/")) == expected
    assert middleware(rf.get("/")) == "replica1"
