"""Reads to replicas, writes and the reads that must see them to the primary."""

import pytest
from django.core.signals import request_finished, request_started
from django.db import transaction

from recommendations.models import Recommendation
from tracker.db_router import PrimaryReplicaRouter, replica_databases


@pytest.fixture
def router():
    request_started.send(sender=None, environ={"REQUEST_METHOD": "GET"})
    yield PrimaryReplicaRouter(replicas=["replica1", "replica2"])
    request_finished.send(sender=None)


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
    request_finished.send(sender=None)
    request_started.send(sender=None, environ={"REQUEST_METHOD": "GET"})
    assert router.db_for_read(Recommendation) != "default"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("method", ["POST", "PATCH", "PUT", "DELETE"])
def test_requests_that_write_read_the_primary_from_the_start(router, method):
    request_started.send(sender=None, environ={"REQUEST_METHOD": method})
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
