"""generate_data: bulk data that obeys the same rules as data written through the services."""

import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command

from recommendations.choices import AREAS, Status
from recommendations.models import ChangeRecord, ProgressUpdate, Recommendation, Source
from recommendations.search import searchable

from .shared_data import shared_data

AREA_KIND = {area.code: area.kind for area in AREAS}


@shared_data
def generated():
    stderr = io.StringIO()
    call_command("generate_data", recommendations=400, countries=3, seed=7, stdout=io.StringIO(), stderr=stderr)
    return stderr.getvalue()


def test_generated_recommendations_pass_model_validation(generated):
    recommendations = list(Recommendation.objects.select_related("source"))
    assert len(recommendations) == 400
    for recommendation in recommendations:
        recommendation.full_clean()
        assert recommendation.action_search == searchable(recommendation.action)
        assert recommendation.country == recommendation.source.country
        assert recommendation.year_start <= recommendation.year_end
        if recommendation.area is not None and recommendation.source.kind != "other":
            assert AREA_KIND[recommendation.area] == recommendation.source.kind
    assert Recommendation.objects.values("country").distinct().count() == 3


def test_every_assessed_status_has_the_progress_update_that_set_it(generated):
    assessed = Recommendation.objects.exclude(status=Status.NOT_ASSESSED)
    assert assessed.exists()
    assert ProgressUpdate.objects.count() == assessed.count()
    for update in ProgressUpdate.objects.select_related("recommendation"):
        update.full_clean()
        assert update.status_before == Status.NOT_ASSESSED
        assert update.recommendation is not None
        assert update.status_after == update.recommendation.status


def test_each_generated_source_has_one_history_row(generated):
    sources = Source.objects.all()
    records = ChangeRecord.objects.filter(object_type=ContentType.objects.get_for_model(Source))
    assert sorted(records.values_list("object_id", flat=True)) == sorted(sources.values_list("pk", flat=True))
    assert all(record.after["generated_recommendations"] >= 0 for record in records)


def test_generated_text_is_azerbaijani_and_english(generated):
    languages = set(Source.objects.values_list("language", flat=True))
    assert languages == {"az", "en"}
    assert Recommendation.objects.filter(action__contains="ə").exists()


def test_progress_is_reported_on_stderr(generated):
    assert "400/400" in generated


def test_refuses_to_generate_twice_into_one_database(generated):
    with pytest.raises(CommandError, match="already holds generated data"):
        call_command(
            "generate_data", recommendations=10, countries=1, seed=7, stdout=io.StringIO(), stderr=io.StringIO()
        )


def test_generated_rows_are_served_by_the_api(generated, api_client):
    response = api_client.get("/api/v1/recommendations/", {"country": "AZ", "page_size": 10})
    assert response.status_code == 200
    assert len(response.json()["results"]) == 10
    assert {row["country"] for row in response.json()["results"]} == {"AZ"}
