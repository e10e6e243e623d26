"""A later chapter's rows linked to the earlier chapter's rows they repeat (catalog.matching):
by their years and their words in any language the two share, one to one, and only where the
match is clear; an unclear one is listed for a person to choose, a new one never linked."""

import pytest
from django.core.exceptions import ValidationError

from recommendations.catalog import matching
from recommendations.importing.services import report_import
from recommendations.models import Recommendation

from . import admin_imports
from .admin_forms import admin_client
from .jobs import JOBS_DB

HEADER = "Sahə Məsləhət Bilinən Tədbir Məsləhət Bilinən İl(lər)\nTətbiqat "

# The 2014 chapter: three enforcement rows.
FUNDING_2014 = "Əmək müfəttişliyinin maliyyələşdirilməsi haqqında tam məlumatı ictimaiyyətə açıq edin."
TRAINING_2014 = "Əmək müfəttişlərinin uşaq əməyi qanunlarının tətbiqi üzrə treninqini təmin edin."
PROSECUTORS_2014 = "Prokurorların və müstəntiqlərin uşaq əməyi qanunlarının tətbiqi üzrə treninqini təmin edin."


def chapter(*rows: tuple[str, str]) -> bytes:
    """A DOL table in Azerbaijani: (action, years) rows, all of them enforcement."""
    return (HEADER + "\n\n".join(f"{action}\n\n{years}\n" for action, years in rows)).encode()


def import_2014():
    return report_import(
        data=chapter((FUNDING_2014, "2014"), (TRAINING_2014, "2014"), (PROSECUTORS_2014, "2014")),
        kind="dol",
        country="AZ",
        report_year=2014,
    )


def earlier(position: int) -> int:
    return Recommendation.objects.get(source__slug="dol-2014-az", position=position).pk


@pytest.mark.django_db
def test_a_reworded_repeat_is_linked_and_a_new_row_alike_an_old_one_is_not():
    import_2014()
    document = chapter(
        # Reworded, and its years say it was suggested in 2014 too.
        ("Əmək müfəttişliyinin maliyyəsi barədə məlumatları dərc edin.", "2014 – 2015"),
        # The 2014 funding row word for word, but its years say it is new in 2015.
        (FUNDING_2014, "2015"),
    )

    report = report_import(data=document, kind="dol", country="AZ", report_year=2015, dry_run=True)

    first, second = report.items
    assert first.repeats is not None and first.repeats.recommendation_id == earlier(1)
    assert {scored.row.recommendation_id for scored in first.repeat_beaten} == {earlier(2), earlier(3)}
    assert all(scored.score < first.repeats.similarity for scored in first.repeat_beaten)
    assert second.repeats is None and second.repeat_candidates == []
    assert second.repeat_reason.startswith("new")
    # The dry run says what it would link, with the score and the rows it was ahead of.
    line = report.summary_lines()[1]
    assert f"would link to recommendation {earlier(1)} (dol-2014-az, 2014), similarity" in line
    assert f"ahead of recommendation {earlier(2)} (row 2" in line
    assert report.linked == 1

    report_import(data=document, kind="dol", country="AZ", report_year=2015)
    assert dict(Recommendation.objects.filter(source__slug="dol-2015-az").values_list("position", "repeats")) == {
        1: earlier(1),
        2: None,
    }


@pytest.mark.django_db
def test_an_unclear_match_is_listed_not_linked_and_a_person_may_choose():
    import_2014()
    # Suggested since 2014, about training, but whose: the inspectors' or the prosecutors'?
    unclear = "Uşaq əməyi qanunlarının tətbiqi üzrə treninqi təmin edin."
    document = chapter((unclear, "2014 – 2015"))

    report = report_import(data=document, kind="dol", country="AZ", report_year=2015, dry_run=True)

    (item,) = report.items
    assert item.repeats is None
    listed = [scored.row.recommendation_id for scored in item.repeat_candidates]
    assert set(listed[:2]) == {earlier(2), earlier(3)}
    assert abs(item.repeat_candidates[0].score - item.repeat_candidates[1].score) < matching.MARGIN
    assert report.unclear == [item] and report.linked == 0
    assert "not linked: candidates" in report.summary_lines()[1]

    with pytest.raises(ValidationError, match="999999"):  # "not among the candidates listed for it"
        report_import(data=document, kind="dol", country="AZ", report_year=2015, repeat_choices={1: 999_999})
    assert not Recommendation.objects.filter(source__slug="dol-2015-az").exists()

    chosen = report_import(data=document, kind="dol", country="AZ", report_year=2015, repeat_choices={1: earlier(3)})
    assert chosen.items[0].repeat_chosen
    assert Recommendation.objects.get(source__slug="dol-2015-az").repeats_id == earlier(3)


@pytest.mark.django_db
def test_one_earlier_row_is_repeated_by_one_row_only():
    import_2014()
    # Two 2015 rows since 2014, both about funding: one earlier row cannot be repeated twice.
    document = chapter(
        (FUNDING_2014, "2014 – 2015"), ("Əmək müfəttişliyinin maliyyələşdirilməsini artırın.", "2014 – 2015")
    )

    report = report_import(data=document, kind="dol", country="AZ", report_year=2015, dry_run=True)

    first, second = report.items
    assert first.repeats is not None and first.repeats.recommendation_id == earlier(1)
    assert second.repeats is None or second.repeats.recommendation_id != earlier(1)


def test_text_only_matching_needs_a_close_text():
    """TIP chapters state no years: the same rules, with a higher bar for the words alone."""
    old = matching.EarlierRow(
        1,
        "tip-2021-az",
        2021,
        1,
        "prosecution",
        2021,
        "x",
        {
            "en": matching.text_stems(
                "Vigorously investigate and prosecute trafficking cases, including officials complicit in trafficking."
            )
        },
    )
    rows = [
        matching.NewRow(
            1,
            "prosecution",
            2022,
            {"en": "Vigorously investigate and prosecute trafficking cases, including complicit officials."},
        ),
        matching.NewRow(2, "prosecution", 2022, {"en": "Increase investigations of labor trafficking cases."}),
    ]
    verdicts = matching.match_rows(rows, [old], earlier_year=2021, with_years=False)
    assert verdicts[1].link is not None and verdicts[1].link.row is old
    assert verdicts[2].link is None and verdicts[2].candidates == []


@JOBS_DB
def test_the_admin_preview_shows_links_with_scores_and_lets_a_person_choose(users):
    import_2014()
    unclear = "Uşaq əməyi qanunlarının tətbiqi üzrə treninqi təmin edin."
    document = chapter(
        ("Əmək müfəttişliyinin maliyyəsi barədə məlumatları dərc edin.", "2014 – 2015"), (unclear, "2014 – 2015")
    )
    metadata = {"kind": "dol", "country": "AZ", "report_year": "2015", "language": "az", "title": "", "slug": ""}
    client = admin_client(users["admin"])

    preview = admin_imports.preview(client, document, "dol.txt", metadata)

    assert preview.context["job"].state == "done"
    html = preview.text
    assert f"#{earlier(1)} (dol-2014-az" in html  # the link, with its score
    assert f"#{earlier(2)} (" in html  # a row it was ahead of
    assert 'id="import-unclear"' in html
    assert 'name="repeats_2" form="import-confirm"' in html
    assert f'<option value="{earlier(3)}">' in html
    assert '<form method="post" id="import-confirm">' in html  # the choices are sent with the confirm

    done = admin_imports.confirm(client, preview, repeats_2=str(earlier(3)))

    assert done.context["job"].state == "done"
    links = dict(Recommendation.objects.filter(source__slug="dol-2015-az").values_list("position", "repeats"))
    assert links == {1: earlier(1), 2: earlier(3)}
