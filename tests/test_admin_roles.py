"""Issue 32 §2: roles given in the admin work as the command's, are kept as history, and role
groups cannot be renamed or deleted; a refused evidence upload shows only its error."""

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from recommendations.models import ChangeRecord, Evidence

from .admin_forms import admin_client, csrf_token, open_form, submit
from .factories import PASSWORD, RecommendationFactory, UserFactory


@pytest.fixture
def admin(db):
    return admin_client(UserFactory(role="admin", username="aysel"))


def can_edit_recommendations(username: str) -> bool:
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    assert client.login(username=username, password=PASSWORD)
    recommendation = RecommendationFactory()
    return (
        client.get("/admin/recommendations/recommendation/").status_code == 200
        and client.get(f"/admin/recommendations/recommendation/{recommendation.pk}/change/").status_code == 200
        and get_user_model().objects.get(username=username).has_perm("recommendations.change_recommendation")
    )


def test_a_role_given_in_the_admin_works_and_is_recorded(admin):
    user = UserFactory(username="rauf")
    url = f"/admin/auth/user/{user.pk}/change/"
    page = admin.get(url).text
    assert "Administrator" in page and "NGO staff: also records progress" in page

    saved = submit(admin, url, {**open_form(admin, url), "groups": [Group.objects.get(name="admin").pk]})

    assert saved.status_code == 302
    user.refresh_from_db()
    assert user.is_staff and not user.is_superuser
    assert can_edit_recommendations("rauf")
    record = ChangeRecord.objects.get(object_type__model="user", object_id=user.pk)
    assert (record.username, record.before, record.after) == ("aysel", {"role": None}, {"role": "admin"})


def test_an_admin_made_by_the_command_is_the_same_as_one_made_in_the_admin(db, capsys):
    call_command("add_user", "leyla", "--role", "admin")
    from django.contrib.auth import get_user_model

    leyla = get_user_model().objects.get(username="leyla")
    leyla.set_password(PASSWORD)
    leyla.save()
    assert leyla.is_staff and not leyla.is_superuser
    assert can_edit_recommendations("leyla")
    record = ChangeRecord.objects.get(object_type__model="user", object_id=leyla.pk)
    assert (record.action, record.after) == ("create", {"role": "admin"})


def test_role_groups_cannot_be_renamed_or_deleted(admin):
    group = Group.objects.get(name="ngo_staff")
    url = f"/admin/auth/group/{group.pk}/change/"

    response = submit(admin, url, {**open_form(admin, url), "name": "staff"})

    group.refresh_from_db()
    assert response.status_code == 302 and group.name == "ngo_staff"
    assert admin.get(f"/admin/auth/group/{group.pk}/delete/").status_code == 403


@pytest.mark.parametrize(
    ("kind", "content", "field", "message"),
    [
        ("file", {}, "file", "This field is required for evidence of kind “file”."),
        ("link", {"excerpt": "Mətn"}, "url", "This field is required for evidence of kind “link”."),
    ],
)
def test_a_refused_evidence_shows_only_its_error_beside_the_field(admin, kind, content, field, message):
    recommendation = RecommendationFactory()
    url = "/admin/recommendations/evidence/add/"
    data = {"csrfmiddlewaretoken": csrf_token(admin, url), "recommendation": recommendation.pk, "title": "Hesabat"}

    response = submit(admin, url, {**data, "kind": kind, **content})

    assert response.status_code == 200
    assert response.context["adminform"].form.errors[field] == [message]
    assert not [m for m in response.context["messages"] if m.level_tag == "success"]
    assert "məhdudiyyəti" not in response.text and "Constraint" not in response.text
    assert not Evidence.objects.exists() and not LogEntry.objects.exists()


def test_an_evidence_file_is_added_from_the_admin(admin):
    recommendation = RecommendationFactory()
    url = "/admin/recommendations/evidence/add/"
    data = {"csrfmiddlewaretoken": csrf_token(admin, url), "recommendation": recommendation.pk, "title": "Hesabat"}
    upload = SimpleUploadedFile("hesabat.txt", "Nazirliyin hesabatı".encode())

    response = submit(admin, url, {**data, "kind": "file", "file": upload})

    assert response.status_code == 302
    assert Evidence.objects.get().file_name == "hesabat.txt"
