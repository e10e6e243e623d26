"""TIP country chapters in the layouts real copies of one chapter come in (issue 20): each
gives the same tier and items, built here from the layout facts."""

import pytest
from django.core.exceptions import ValidationError

from recommendations.importing.parsers import DocumentRejected, decode_document, tip
from recommendations.importing.services import report_import
from recommendations.models import Recommendation, Source

from .pdf_documents import Text, build_pdf, flow_pages

ITEMS = [
    "Vigorously investigate and prosecute trafficking crimes under Articles 144-1 and 144-2.",
    "Increase efforts to identify victims among children begging on the streets.",
    "Amend Article 132-2. of the Criminal Code to cover forced labor.",
]


def chapter(heading: str, body: str) -> str:
    return (
        "AZERBAIJAN: Tier 2\n\nThe Government of Azerbaijan does not fully meet the standards.\n\n"
        f"{heading}\n{body}\n\nPROSECUTION\nThe government maintained law enforcement efforts.\n"
    )


LAYOUTS = {
    "one per paragraph": "\n\n".join(ITEMS),
    "hyphen bullets": "\n".join(f"- {item}" for item in ITEMS),
    "round bullets": "\n".join(f"• {item}" for item in ITEMS),
    "star separated": " * ".join(ITEMS),
}


@pytest.mark.parametrize("heading", ["Prioritized Recommendations", "PRIORITIZED RECOMMENDATIONS:"])
@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_item_layout_under_either_heading_gives_the_same_items(layout, heading):
    result = tip.parse(chapter(heading, LAYOUTS[layout]), year=2023)

    assert (result.tier, [record.action for record in result.records]) == ("Tier 2", ITEMS)
    assert result.refusals == []


def test_two_items_glued_after_a_number_are_two_items():
    # A copy from the web page lost the paragraph break after "144-2.".
    body = ITEMS[0] + ITEMS[1] + "\n\n" + ITEMS[2]

    result = tip.parse(chapter("Prioritized Recommendations", body), year=2023)

    assert [record.action for record in result.records] == ITEMS


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        ("Amend Article 132-2. of the Criminal Code to cover forced labor.", 1),
        ("Raise the shelter budget 1.5 times and report on it.", 1),
        ("Apply Art. 5 and Article 2.A of the law to all victims.", 1),
        # A sentence ending in a number glued to a capitalised word: two items, as glued words are.
        ("Fund shelters as required by Law No. 5.Publish the funding.", 2),
    ],
)
def test_numbers_inside_an_item_do_not_split_it(item, expected):
    result = tip.parse(chapter("Prioritized Recommendations", item), year=2023)

    assert " ".join(record.action for record in result.records) == item.replace("5.P", "5. P")
    assert len(result.records) == expected


@pytest.mark.django_db
def test_a_chapter_with_the_title_case_heading_imports_from_the_command_line_service():
    report = report_import(
        data=chapter("Prioritized Recommendations", LAYOUTS["one per paragraph"]).encode(),
        kind="tip",
        country="AZ",
        report_year=2023,
        language="en",
    )

    assert report.created == 3
    assert list(Recommendation.objects.order_by("position").values_list("action", flat=True)) == ITEMS


# --- The report's volume: two columns a page, several chapters, running header and page numbers.

BAHAMAS = ["Screen migrants for indicators of trafficking.", "Prosecute labor trafficking cases."]
LONG_ITEMS = [
    *ITEMS,
    "Fund NGO-run shelters adequately and consistently, as the national action plan requires them to be funded.",
    "Train judges and prosecutors on a victim-centred approach to trafficking cases and on the new law.",
]
VOLUME = [
    "assistance to victims of trafficking in the capital, and it identified twelve victims during the period.",
    "PREVENTION",
    "The government maintained prevention efforts and funded a hotline.",
    "AZERBAIJAN: Tier 2",
    "The Government of Azerbaijan does not fully meet the minimum standards for the elimination of "
    "trafficking but is making significant efforts to do so.",
    "PRIORITIZED RECOMMENDATIONS:",
    *(f"• {item}" for item in LONG_ITEMS),
    "PROSECUTION",
    "The government maintained law enforcement efforts against trafficking.",
    "BAHAMAS: Tier 1",
    "The Government of The Bahamas fully meets the minimum standards.",
    "PRIORITIZED RECOMMENDATIONS:",
    *(f"• {item}" for item in BAHAMAS),
    "PROSECUTION",
    "The government increased law enforcement efforts.",
]


def volume_pages() -> bytes:
    def furniture(number: int) -> list[Text]:
        # The running header across the page; the page number at the outer edge.
        return [
            Text(220, 40, "2023 TRAFFICKING IN PERSONS REPORT"),
            Text(560 if number % 2 else 50, 250, str(94 + number)),
        ]

    # Short columns, so that Azerbaijan's items run from the left column into the right one
    # and on to the next page, past the running header and the page numbers.
    return build_pdf(flow_pages(VOLUME, columns=(50, 320), width=52, bottom=220, furniture=furniture))


@pytest.mark.parametrize(
    ("country", "tier", "items", "pages"),
    [("AZ", "Tier 2", LONG_ITEMS, {1, 2}), ("BS", "Tier 1", BAHAMAS, {2})],
)
def test_a_two_column_volume_gives_the_countrys_chapter_read_column_by_column(country, tier, items, pages):
    result = tip.parse_pdf(volume_pages(), year=2023, country=country)

    assert (result.tier, [record.action for record in result.records]) == (tier, items)
    assert {page for record in result.records for page in record.pages} == pages
    assert result.refusals == []


def test_a_volume_without_the_countrys_chapter_is_refused_naming_the_chapters_it_holds():
    with pytest.raises(DocumentRejected, match=r"2 country chapters \(AZERBAIJAN, BAHAMAS\); none is GE's"):
        tip.parse_pdf(volume_pages(), year=2023, country="GE")


@pytest.mark.django_db
@pytest.mark.parametrize(("country", "tier", "items"), [("AZ", "Tier 2", LONG_ITEMS), ("BS", "Tier 1", BAHAMAS)])
def test_the_volume_imports_one_countrys_chapter_through_the_service(country, tier, items):
    # Whichever chapter the pages open with: Bahamas' pages open in Azerbaijan's chapter.
    report = report_import(data=volume_pages(), kind="tip", country=country, report_year=2023, language="en")

    assert report.created == len(items)
    assert Source.objects.get().tip_tier == tier
    assert list(Recommendation.objects.order_by("position").values_list("action", flat=True)) == items


@pytest.mark.django_db
def test_a_single_chapter_of_another_country_is_still_refused():
    html = page(LIST).replace("AZERBAIJAN: Tier 2", "ARMENIA: Tier 2").encode()

    with pytest.raises(ValidationError) as refused:
        report_import(data=html, kind="tip", country="AZ", report_year=2023, language="en", dry_run=True)

    assert "Ermənistan" in refused.value.message_dict["country"][0]


def test_a_page_of_three_columns_is_refused_naming_it_rather_than_read_with_its_columns_mixed():
    # Two gutters: the page cannot be cut into the two columns the reader knows.
    pdf = build_pdf(flow_pages(VOLUME, columns=(40, 230, 420), width=34, bottom=220))

    with pytest.raises(DocumentRejected, match=r"page 1: its text stands in more columns than two"):
        tip.parse_pdf(pdf, year=2023, country="AZ")


def test_the_chapter_printed_from_its_web_page_reads_past_the_browsers_header_and_footer():
    blocks = [
        "AZERBAIJAN: Tier 2",
        "The Government of Azerbaijan does not fully meet the minimum standards.",
        "Prioritized Recommendations",
        *LONG_ITEMS,
        "PROSECUTION",
        "The government maintained law enforcement efforts.",
    ]

    def furniture(number: int) -> list[Text]:
        return [
            Text(30, 20, "12/5/26, 10:15 AM"),
            Text(250, 20, "Azerbaijan - United States Department of State"),
            Text(30, 250, "https://www.state.gov/reports/2023-trafficking-in-persons-report/azerbaijan/"),
            Text(540, 250, f"{number}/3"),
        ]

    pdf = build_pdf(flow_pages(blocks, columns=(50,), width=90, bottom=200, furniture=furniture))

    result = tip.parse_pdf(pdf, year=2023)

    assert (result.tier, [record.action for record in result.records]) == ("Tier 2", LONG_ITEMS)
    assert result.country_name == "AZERBAIJAN"


# --- A country page saved from a browser ("Save page as…").

PAGE = """<!DOCTYPE html>
<html lang="{language}"><head>{meta}<title>Azerbaijan - United States Department of State</title>
<script>var tier = "Tier 3";</script><style>p {{ margin: 0 }}</style></head>
<body><nav><a href="/">Home</a> <a href="/tier-1">Tier 1 countries</a></nav>
<main><h1>2023 Trafficking in Persons Report: Azerbaijan</h1>
<p><strong>{heading}</strong></p>
<p>The Government   of Azerbaijan
does not fully meet the minimum standards – but it is making efforts.</p>
<h3>{recommendations}</h3>
{items}
<h3>{prosecution}</h3><p>The government maintained efforts.</p></main>
<footer><p>Tier 2 Watch List</p></footer></body></html>"""
ENGLISH = {
    "heading": "AZERBAIJAN: Tier 2",
    "recommendations": "PRIORITIZED RECOMMENDATIONS:",
    "prosecution": "PROSECUTION",
}


def page(items: str, *, meta: str = "", language: str = "en", **words) -> str:
    return PAGE.format(meta=meta, language=language, items=items, **{**ENGLISH, **words})


LIST = "<ul>" + "".join(f"<li>{item.replace('&', '&amp;')}</li>\n" for item in ITEMS) + "</ul>"
PARAGRAPHS = "".join(f"<p>{item}</p>\n" for item in ITEMS)


@pytest.mark.parametrize(
    ("document", "encoding"),
    [
        (page(LIST), "utf-8"),  # no charset declared: UTF-8
        (page(PARAGRAPHS, meta='<meta charset="windows-1252">'), "cp1252"),
        (page(LIST, meta='<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">'), "latin-1"),
        (page(PARAGRAPHS, meta='<meta charset="utf-8">'), "utf-8-sig"),  # with a byte-order mark
    ],
)
def test_a_saved_country_page_gives_the_chapters_tier_and_items(document, encoding):
    data = document.replace("–", "-").encode(encoding) if encoding == "latin-1" else document.encode(encoding)

    result = tip.parse(decode_document(data, max_bytes=10**6), year=2023)

    assert (result.tier, [record.action for record in result.records]) == ("Tier 2", ITEMS)
    assert result.country_name == "AZERBAIJAN"


def test_a_saved_azerbaijani_page_keeps_its_letters():
    items = "<ul><li>Qurbanları müəyyən edin.</li><li>Sığınacaqları maliyyələşdirin.</li></ul>"
    document = page(
        items,
        language="az",
        heading="AZƏRBAYCAN (2-ci Səviyyə)",
        recommendations="PRİORİTET TÖVSİYƏLƏR:",
        prosecution="MƏHKƏMƏ TƏQİBİ",
        meta='<meta charset="utf-8">',
    )

    result = tip.parse(decode_document(document.encode(), max_bytes=10**6), year=2023)

    assert (result.tier, [record.action for record in result.records]) == (
        "Tier 2",
        ["Qurbanları müəyyən edin.", "Sığınacaqları maliyyələşdirin."],
    )


def test_a_page_that_is_not_in_its_declared_charset_is_refused_saying_so():
    data = page(LIST, meta='<meta charset="utf-8">').encode("cp1252")

    with pytest.raises(DocumentRejected, match="not its declared charset utf-8: undecodable byte at offset"):
        decode_document(data, max_bytes=10**6)
