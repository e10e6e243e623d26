"""The Django admin site, as an administrator uses it: its edits go through the services, so
they leave the same history and progress rows as the API."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from recommendations.models import ChangeRecord, Evidence, ProgressUpdate, Recommendation, Source

from .factories import RecommendationFactory, ResponsibleBodyFactory, SourceFactory


@pytest.fixture
def admin_site(users) -> Client:
    client = Client()
    client.force_login(users["admin"])
    return client


def form_data(response) -> dict:
    """What the browser would post back unchanged: the form's current values and the
    management forms of its inlines."""
    form = response.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            continue
        if isinstance(value, list | tuple):
            data[name] = [str(getattr(item, "pk", item)) for item in value]
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = str(value)
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
    return data


def change_url(recommendation) -> str:
    return f"/admin/recommendations/recommendation/{recommendation.pk}/change/"


def post_change(admin_site, recommendation, **changes):
    page = admin_site.get(change_url(recommendation))
    assert page.status_code == 200
    data = form_data(page) | changes
    return admin_site.post(change_url(recommendation), data)


def recommendation_history(recommendation):
    return ChangeRecord.objects.filter(object_type__model="recommendation", object_id=recommendation.pk)


def test_admin_field_edit_leaves_history_with_before_and_after(admin_site, users, recommendation):
    body = ResponsibleBodyFactory(name="Dövlət Əmək Müfəttişliyi Xidməti")
    response = post_change(
        admin_site,
        recommendation,
        action="Müfəttişlərə cərimə tətbiq etmək səlahiyyəti verin.",
        year_start="2013",
        responsible_bodies=[str(body.pk)],
        change_note="Mətn 2016 hesabatı ilə tutuşduruldu",
    )
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""

    stored = Recommendation.objects.get(pk=recommendation.pk)
    assert stored.action == "Müfəttişlərə cərimə tətbiq etmək səlahiyyəti verin."
    assert stored.year_start == 2013
    assert list(stored.responsible_bodies.all()) == [body]
    assert stored.version == recommendation.version + 1
    (change,) = recommendation_history(recommendation).filter(action="update")
    assert change.user == users["admin"]
    assert change.message == "Mətn 2016 hesabatı ilə tutuşduruldu"
    assert change.before == {"action": recommendation.action, "year_start": 2014, "responsible_bodies": []}
    assert change.after == {
        "action": "Müfəttişlərə cərimə tətbiq etmək səlahiyyəti verin.",
        "year_start": 2013,
        "responsible_bodies": [body.pk],
    }
    assert not ProgressUpdate.objects.filter(recommendation=recommendation).exists()


def test_admin_status_change_leaves_a_progress_row_and_history(admin_site, users, recommendation):
    response = post_change(admin_site, recommendation, status="implemented", change_note="Qanun qəbul olundu")
    assert response.status_code == 302

    (update,) = ProgressUpdate.objects.filter(recommendation=recommendation)
    assert (update.status_before, update.status_after) == ("not_assessed", "implemented")
    assert update.note == "Qanun qəbul olundu"
    assert update.author == users["admin"]
    (change,) = recommendation_history(recommendation).filter(action="update")
    assert change.before["status"] == "not_assessed" and change.after["status"] == "implemented"
    assert Recommendation.objects.get(pk=recommendation.pk).status == "implemented"


def test_admin_save_without_changes_leaves_no_rows(admin_site, recommendation):
    response = post_change(admin_site, recommendation)
    assert response.status_code == 302
    assert not recommendation_history(recommendation).filter(action="update").exists()
    assert not ProgressUpdate.objects.filter(recommendation=recommendation).exists()


def test_admin_refuses_year_start_after_year_end(admin_site, recommendation):
    response = post_change(admin_site, recommendation, year_start="2016")
    assert response.status_code == 200  # the form is shown again with the error
    assert Recommendation.objects.get(pk=recommendation.pk).year_start == 2014
    assert not recommendation_history(recommendation).filter(action="update").exists()


def test_admin_add_recommendation_goes_through_the_service(admin_site, users, source):
    page = admin_site.get("/admin/recommendations/recommendation/add/")
    data = form_data(page) | {
        "source": str(source.pk),
        "area": "coordination",
        "action": "Əlaqələndirmə şurasının iclaslarını müntəzəm keçirin.",
        "year_start": "2015",
        "year_end": "2015",
        "position": "7",
        "status": "not_started",
    }
    response = admin_site.post("/admin/recommendations/recommendation/add/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    created = Recommendation.objects.get(source=source, position=7)
    assert created.action_search  # the folded copy search needs, which only the service fills
    assert created.status == "not_started"
    assert [change.action for change in recommendation_history(created)] == ["create", "update"]
    assert recommendation_history(created).first().username == users["admin"].username
    assert ProgressUpdate.objects.filter(recommendation=created).count() == 1


def test_admin_source_edit_leaves_history(admin_site, users, db):
    source = SourceFactory(tip_tier="")
    page = admin_site.get(f"/admin/recommendations/source/{source.pk}/change/")
    data = form_data(page) | {"tip_tier": "Tier 2 Watch List"}
    response = admin_site.post(f"/admin/recommendations/source/{source.pk}/change/", data)
    assert response.status_code == 302
    assert Source.objects.get(pk=source.pk).tip_tier == "Tier 2 Watch List"
    change = ChangeRecord.objects.filter(object_type__model="source", object_id=source.pk, action="update").get()
    assert change.before == {"tip_tier": ""} and change.after == {"tip_tier": "Tier 2 Watch List"}
    assert change.username == users["admin"].username


def test_admin_evidence_delete_is_recorded(admin_site, client_for, recommendation):
    created = client_for("ngo_staff").post(
        f"/api/v1/recommendations/{recommendation.pk}/evidence/",
        {"kind": "link", "title": "Silinəcək keçid", "url": "https://example.org/x"},
        format="json",
    )
    evidence_id = created.json()["id"]
    response = admin_site.post(f"/admin/recommendations/evidence/{evidence_id}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Evidence.objects.filter(pk=evidence_id).exists()
    # The removal is a history row of the evidence, related to its recommendation, so the
    # recommendation's history shows what was removed.
    (change,) = ChangeRecord.objects.filter(object_type__model="evidence", object_id=evidence_id, action="delete")
    assert change.related_object_id == recommendation.pk
    assert change.before["title"] == "Silinəcək keçid" and change.after is None
    history = client_for("analyst").get(f"/api/v1/recommendations/{recommendation.pk}/history/").json()["results"]
    assert [row["action"] for row in history][-2:] == ["create", "delete"]


@pytest.mark.parametrize(
    "path",
    [
        "/admin/recommendations/progressupdate/{update}/delete/",
        "/admin/recommendations/changerecord/{change}/delete/",
        "/admin/recommendations/recommendation/{recommendation}/delete/",
    ],
)
def test_admin_cannot_delete_logged_rows(admin_site, client_for, recommendation, path):
    update = client_for("ngo_staff").post(
        f"/api/v1/recommendations/{recommendation.pk}/progress/", {"status": "in_progress"}, format="json"
    )
    ids = {
        "update": update.json()["id"],
        "change": recommendation_history(recommendation).last().pk,
        "recommendation": recommendation.pk,
    }
    counts = (ProgressUpdate.objects.count(), ChangeRecord.objects.count(), Recommendation.objects.count())
    response = admin_site.post(path.format(**ids), {"post": "yes"})
    assert response.status_code == 403
    assert (ProgressUpdate.objects.count(), ChangeRecord.objects.count(), Recommendation.objects.count()) == counts


def test_admin_cannot_edit_progress_rows(admin_site, client_for, recommendation):
    update = (
        client_for("ngo_staff")
        .post(
            f"/api/v1/recommendations/{recommendation.pk}/progress/",
            {"status": "in_progress", "note": "Əsl"},
            format="json",
        )
        .json()
    )
    url = f"/admin/recommendations/progressupdate/{update['id']}/change/"
    assert admin_site.get(url).status_code == 200  # visible, read-only
    admin_site.post(url, {"note": "Dəyişdirilmiş"})
    assert ProgressUpdate.objects.get(pk=update["id"]).note == "Əsl"


@pytest.mark.parametrize(
    "path",
    [
        "/admin/recommendations/recommendation/",
        "/admin/recommendations/recommendation/?q=emek",
        "/admin/recommendations/recommendation/?status__exact=not_assessed&year=2014",
        "/admin/recommendations/recommendation/{recommendation}/change/",
        "/admin/recommendations/source/",
        "/admin/recommendations/progressupdate/",
        "/admin/recommendations/changerecord/",
        "/admin/recommendations/evidence/",
        "/admin/recommendations/responsiblebody/",
        "/admin/autocomplete/?app_label=recommendations&model_name=recommendation&field_name=responsible_bodies&term=Naz",
    ],
)
def test_admin_pages_render(admin_site, recommendation, path):
    ResponsibleBodyFactory()
    response = admin_site.get(path.format(recommendation=recommendation.pk))
    assert response.status_code == 200


def test_admin_search_finds_text_without_azerbaijani_letters(admin_site, db):
    wanted = RecommendationFactory(action="Əmək müfəttişliyini gücləndirin.")
    RecommendationFactory(action="Qurbanlara sığınacaq verin.")
    response = admin_site.get("/admin/recommendations/recommendation/", {"q": "emek mufettis"})
    assert list(response.context["cl"].result_list) == [wanted]


@pytest.mark.parametrize("role", ["analyst", "ngo_staff"])
def test_only_admins_reach_the_admin_site(users, role):
    client = Client()
    client.force_login(users[role])
    response = client.get("/admin/recommendations/recommendation/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    assert get_user_model().objects.get(pk=users[role].pk).is_staff is False


def test_admin_edit_of_a_recommendation_with_a_log_leaves_the_log_alone(admin_site, client_for, recommendation):
    client = client_for("ngo_staff")
    client.post(
        f"/api/v1/recommendations/{recommendation.pk}/progress/",
        {"status": "in_progress", "note": "Əsl"},
        format="json",
    )
    client.post(
        f"/api/v1/recommendations/{recommendation.pk}/evidence/",
        {"kind": "excerpt", "title": "Çıxarış", "excerpt": "Mətn"},
        format="json",
    )
    log_before = list(ProgressUpdate.objects.values())
    evidence_before = list(Evidence.objects.values())
    response = post_change(admin_site, recommendation, priority="on")
    assert response.status_code == 302
    assert Recommendation.objects.get(pk=recommendation.pk).priority is True
    assert list(ProgressUpdate.objects.values()) == log_before
    assert list(Evidence.objects.values()) == evidence_before
