"""Where an import found no clear earlier version, an admin chooses it later on the
recommendation's page among the rows the import listed (issue 28 §1): the link goes through
the one update service (repeat rule, history, new version); nobody else sees the choice."""

import pytest

from recommendations.importing.services import report_import
from recommendations.models import ChangeRecord, Recommendation

from .factories import UserFactory
from .test_repeat_matching import chapter, earlier, import_2014

UNCLEAR = "Uşaq əməyi qanunlarının tətbiqi üzrə treninqi təmin edin."


@pytest.fixture
def unclear_row(db):
    import_2014()
    report_import(data=chapter((UNCLEAR, "2014 – 2015")), kind="dol", country="AZ", report_year=2015)
    row = Recommendation.objects.get(source__slug="dol-2015-az")
    assert row.repeats_id is None  # the import linked nothing on a guess
    return row


def test_an_admin_chooses_the_earlier_version_among_those_listed(unclear_row, client):
    page = f"/recommendations/{unclear_row.pk}/"
    client.force_login(UserFactory(role="admin"))
    shown = client.get(page, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Which earlier recommendation does it repeat?" in shown
    assert f'name="repeats" value="{earlier(2)}"' in shown and f'name="repeats" value="{earlier(3)}"' in shown

    # A row that was not offered is refused: nothing linked.
    client.post(f"{page}earlier-version/", {"repeats": earlier(1) + 1000})
    unclear_row.refresh_from_db()
    assert unclear_row.repeats_id is None

    version = unclear_row.version
    answer = client.post(f"{page}earlier-version/", {"repeats": earlier(3)}, HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert "Linked to its earlier version, dol-2014-az #3." in answer.content.decode()
    unclear_row.refresh_from_db()
    assert unclear_row.repeats_id == earlier(3) and unclear_row.version == version + 1
    record = ChangeRecord.objects.filter(object_id=unclear_row.pk, after__repeats=earlier(3)).get()
    assert "similarity" in record.message or "oxşarlıq" in record.message
    # Linked: the choice is gone, the page shows the earlier report year instead.
    shown = client.get(page, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Which earlier recommendation does it repeat?" not in shown
    assert f"/recommendations/{earlier(3)}/" in shown


@pytest.mark.parametrize("role", ["anonymous", "analyst", "ngo_staff"])
def test_only_admins_see_and_make_the_choice(unclear_row, client, role):
    if role != "anonymous":
        client.force_login(UserFactory(role=role))
    page = f"/recommendations/{unclear_row.pk}/"
    assert "earlier-version/" not in client.get(page).content.decode()
    answer = client.post(f"{page}earlier-version/", {"repeats": earlier(3)})
    assert answer.status_code == (302 if role == "anonymous" else 403)
    unclear_row.refresh_from_db()
    assert unclear_row.repeats_id is None
