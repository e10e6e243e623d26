"""DOL's data file, a few countries at a time: the dry run, repeats linked across years with the
chapters imported from PDF (in either order), the level on the source page, one country through
the service, and files the reader refuses (the whole file: test_importer_dol_xml.py)."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from recommendations.importing import services as importing_services
from recommendations.models import ChangeRecord, Recommendation, Source

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
DATA_FILE = FIXTURES / "dol-2014-countries-for-app.xml"
DOL_2015_PDF = ROOT / "seeds" / "dol-2015-azerbaijan-child-labor-findings.en.pdf"
DOL_2018_PDF = FIXTURES / "dol-2018-azerbaijan.en.pdf"
# The file's own codes that ISO 3166-1 does not have, and the country each names.
FILE_CODES = {"BU": "MM", "KS": "XK", "KV": "KG", "WB": "PS"}


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_the_dry_run_summarises_each_country_and_writes_nothing(db):
    out, _err = run("import_report", str(DATA_FILE), "--kind", "dol-xml", "--dry-run", "--country", "AZ,AM")
    assert (
        "AZ Azerbaijan (/Countries/Country[8]): source dol-2014-az would create; level: Moderate Advancement; "
        "9 actions: would create 9" in out
    )
    assert "AM Armenia (/Countries/Country[7])" in out
    assert Source.objects.count() == 0 and ChangeRecord.objects.count() == 0


def import_pdf(path: Path, year: int) -> None:
    run("import_report", str(path), "--kind", "dol", "--country", "AZ", "--year", str(year), "--language", "en")


def links_into_2014() -> list[tuple[int, int]]:
    return sorted(
        Recommendation.objects.filter(source__slug="dol-2015-az", repeats__source__slug="dol-2014-az").values_list(
            "position", "repeats__position"
        )
    )


# The 2015 chapter's rows whose years say they were suggested in 2014 already (every row but
# 3, 4 and 10, first suggested in 2015), each linked to the file's 2014 action it rewords, in
# the same area and with the same first year (the matching rule, catalog/matching.py).
AZERBAIJAN_REPEATS = [(1, 1), (2, 2), (5, 4), (6, 5), (7, 6), (8, 7), (9, 9)]


@pytest.mark.django_db
def test_the_file_links_the_later_chapters_already_imported_from_pdf_as_repeats():
    import_pdf(DOL_2015_PDF, 2015)
    import_pdf(DOL_2018_PDF, 2018)
    linked_2018 = dict(Recommendation.objects.filter(source__slug="dol-2018-az").values_list("pk", "repeats"))

    out, _err = run("import_report", str(DATA_FILE), "--kind", "dol-xml", "--country", "AZ")

    assert links_into_2014() == AZERBAIJAN_REPEATS
    assert "linked 0 to earlier reports, 7 of later reports" in out
    for later, _earlier in AZERBAIJAN_REPEATS:
        pair = Recommendation.objects.get(source__slug="dol-2015-az", position=later)
        assert pair.repeats is not None
        assert pair.repeats.area == pair.area and pair.repeats.year_start == pair.year_start
    # The 2018 chapter's links (to 2015, the nearer year) are left as they were.
    assert dict(Recommendation.objects.filter(source__slug="dol-2018-az").values_list("pk", "repeats")) == linked_2018
    history = ChangeRecord.objects.count()
    out, _err = run("import_report", str(DATA_FILE), "--kind", "dol-xml", "--country", "AZ")
    assert ChangeRecord.objects.count() == history and "0 of later reports" in out


@pytest.mark.django_db
def test_a_chapter_imported_after_the_file_links_to_it_the_same_way():
    run("import_report", str(DATA_FILE), "--kind", "dol-xml", "--country", "AZ")
    import_pdf(DOL_2015_PDF, 2015)
    assert links_into_2014() == AZERBAIJAN_REPEATS


@pytest.mark.django_db
def test_the_level_is_shown_in_the_source_pages_history(client):
    run("import_report", str(DATA_FILE), "--kind", "dol-xml", "--country", "AZ")
    import_pdf(DOL_2015_PDF, 2015)
    html = client.get("/sources/dol-2014-az/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Advancement level over the years" in html and 'id="tier-history"' in html
    assert '<dd class="tier">Moderate Advancement</dd>' in html
    assert "TIP tier" not in html


@pytest.mark.django_db
def test_the_service_imports_one_country_of_the_file_as_one_report(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = importing_services.report_import(
            data=DATA_FILE.read_bytes(), kind="dol-xml", country="AM", report_year=2014, language="en"
        )
    source = Source.objects.get(slug="dol-2014-am")
    assert report.created == source.recommendations.count() == 11
    assert source.document.name == f"sources/{source.document_sha256}.xml"
    with source.document.open("rb") as stored:
        assert stored.read().startswith(b"<Country>\n\t\t<Name>Armenia</Name>")


def write(tmp_path, body: str, name: str = "file.xml") -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


def country(code: str, alpha3: str, name: str, actions: str) -> str:
    return (
        f"<Country><Name>{name}</Name><ISO2>{code}</ISO2><ISO3>{alpha3}</ISO3>"
        f"<Advancement_Level>Minimal Advancement</Advancement_Level>"
        f"<Description>In 2014, {name} made a minimal advancement.</Description>"
        f"<Suggested_Actions>{actions}</Suggested_Actions></Country>"
    )


ACTION = "<Action><Name>Publish information on the number of inspections.</Name><Years>2013 – 2014</Years></Action>"


@pytest.mark.django_db
def test_a_country_that_cannot_be_read_is_refused_and_the_others_are_imported(tmp_path):
    path = write(
        tmp_path,
        "<Countries>"
        + country("AZ", "AZE", "Azerbaijan", f"<Enforcement>{ACTION}</Enforcement>")
        + country("AM", "ARM", "Armenia", f"<Budget>{ACTION}</Budget>")
        + country("GE", "AZE", "Georgia", f"<Enforcement>{ACTION}</Enforcement>")
        + "</Countries>",
    )
    with pytest.raises(CommandError) as refused:
        run("import_report", str(path), "--kind", "dol-xml")
    assert "2 of 3 countries refused: AM, GE" in str(refused.value)
    assert list(Source.objects.values_list("slug", flat=True)) == ["dol-2014-az"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (
            '<?xml version="1.0"?><!DOCTYPE Countries [<!ENTITY a "aaaaaaaaaa">]><Countries>&a;</Countries>',
            "declares a DTD or entities",
        ),
        ("<Countries><Country>", "not well formed"),
        ("<Chapters></Chapters>", "Not DOL's data file"),
        ("<Countries>" + "<x/>" * 200_001 + "</Countries>", "more than 200,000 elements"),
    ],
)
def test_a_hostile_or_foreign_xml_is_refused_with_its_reason(tmp_path, body, reason):
    with pytest.raises(CommandError) as refused:
        run("import_report", str(write(tmp_path, body)), "--kind", "dol-xml", "--year", "2014")
    assert reason in str(refused.value)
    assert Source.objects.count() == 0


def statistics_of(groups: str) -> bytes:
    return (
        "<Country><Name>Azerbaijan</Name><ISO2>AZ</ISO2><ISO3>AZE</ISO3>"
        f"<Country_Statistics>{groups}</Country_Statistics></Country>"
    ).encode()


def attendance(year: str, percentage: str) -> str:
    return (
        f"<Education_Statistics_Attendance_Statistics><Year>{year}</Year><Age_Range>6-14</Age_Range>"
        f"<Percentage>{percentage}</Percentage></Education_Statistics_Attendance_Statistics>"
    )


def working(total: str) -> str:
    return (
        "<Children_Work_Statistics><Age_Range>5-14</Age_Range>"
        f"<Total_Percentage_of_Working_Children>{total}</Total_Percentage_of_Working_Children>"
        "</Children_Work_Statistics>"
    )


def studying(year: str) -> str:
    return (
        f"<Children_Working_and_Studying_7-14_yrs_old><Year>{year}</Year><Age_Range>7-14</Age_Range><Total></Total>"
        "</Children_Working_and_Studying_7-14_yrs_old>"
    )


def read(document: bytes):
    from recommendations.indicators.readers.document import read_document

    return read_document(data=document, kind="dol", language="en", report_year=2014)


@pytest.mark.parametrize(
    ("groups", "reason"),
    [
        (working("4.5") + attendance("2005.0", "") + studying("2006.0"), "the survey years the file gives disagree"),
        (working("4.5"), "the file gives no year for this figure"),
        (attendance("2010-11", "41.8"), "the year “2010-11” is not one year"),
        (attendance("2005.0", "about 40"), "“about 40” is not a number"),
        (attendance("2005.0", "140.0"), "140.0 is more than 100"),
        (attendance("2019.0", "90.0"), "the year 2019 is outside 1990–2014"),
    ],
)
def test_a_statistic_the_reader_cannot_be_sure_of_is_an_unread_figure(groups, reason):
    reading = read(statistics_of(groups))
    assert reading.values == []
    assert [figure.reason[: len(reason)] for figure in reading.unread] == [reason]


def test_an_empty_statistic_states_nothing_and_a_long_decimal_keeps_its_print():
    reading = read(statistics_of(working("8.71937262083") + attendance("2005.0", "") + studying("2005.0")))
    assert reading.unread == []
    (value,) = reading.values
    assert (value.code, value.year, str(value.number), value.printed) == (
        "dol_working_children",
        2005,
        "8.72",
        "8.71937262083",
    )
